/* iconv conversion that survives sequences split across reads, and a
 * hex dump in the format of hexdump -C. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/enc.h"

struct enc {
	iconv_t cd;
	char held[16];  /* an incomplete sequence from the last call */
	size_t nheld;
};

struct enc *enc_open(const char *to, const char *from)
{
	struct enc *e = xcalloc(1, sizeof *e);

	e->cd = iconv_open(to, from);
	if (e->cd == (iconv_t)-1) {
		free(e);
		errno = EINVAL;
		return NULL;
	}
	return e;
}

/* Runs iconv over in, replacing invalid bytes by '?'; returns bytes of
 * in left unconverted because the sequence is incomplete. */
static size_t run(struct enc *e, char **in, size_t n, char **out, size_t *room)
{
	size_t left = n;

	while (left > 0) {
		if (iconv(e->cd, in, &left, out, room) != (size_t)-1)
			break;
		if (errno == EINVAL)
			return left;
		if (errno == E2BIG || *room == 0)
			break; /* outcap is sized so this does not happen */
		**out = '?';
		(*out)++;
		(*room)--;
		(*in)++;
		left--;
	}
	return 0;
}

ssize_t enc_convert(struct enc *e, const char *in, size_t n, char *out,
		    size_t outcap)
{
	char *o = out, *p;
	size_t room = outcap, rest;

	if (n == 0) {
		size_t i;
		for (i = 0; i < e->nheld && room > 0; i++, room--)
			*o++ = '?'; /* a sequence that never finished */
		e->nheld = 0;
		iconv(e->cd, NULL, NULL, &o, &room);
		return o - out;
	}
	while (e->nheld > 0 && n > 0) {
		/* Finish the held sequence a byte at a time. */
		char tmp[16];
		size_t k = e->nheld;
		memcpy(tmp, e->held, k);
		tmp[k++] = *in++;
		n--;
		p = tmp;
		rest = run(e, &p, k, &o, &room);
		memcpy(e->held, p, rest);
		e->nheld = rest;
		if (rest >= sizeof e->held - 1) { /* not a real sequence */
			*o++ = '?';
			room--;
			e->nheld = 0;
		}
	}
	p = (char *)in;
	rest = run(e, &p, n, &o, &room);
	if (rest >= sizeof e->held)
		rest = sizeof e->held - 1;
	memcpy(e->held, in + n - rest, rest);
	e->nheld = rest;
	return o - out;
}

void enc_close(struct enc *e)
{
	if (!e)
		return;
	iconv_close(e->cd);
	free(e);
}

size_t hex_dump(struct hexdump *h, const unsigned char *p, size_t n,
		char *out, size_t outcap)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, j, w = 0;

	for (i = 0; i < n; i += 16) {
		size_t k = n - i < 16 ? n - i : 16;
		if (w + 80 > outcap)
			break;
		w += (size_t)snprintf(out + w, outcap - w, "%08llx  ", h->offset);
		for (j = 0; j < 16; j++) {
			if (j < k) {
				out[w++] = hex[p[i + j] >> 4];
				out[w++] = hex[p[i + j] & 15];
			} else {
				out[w++] = ' ';
				out[w++] = ' ';
			}
			out[w++] = ' ';
			if (j == 7)
				out[w++] = ' ';
		}
		out[w++] = ' ';
		out[w++] = '|';
		for (j = 0; j < k; j++)
			out[w++] = (p[i + j] >= 0x20 && p[i + j] < 0x7f) ? (char)p[i + j] : '.';
		out[w++] = '|';
		out[w++] = '\n';
		h->offset += k;
	}
	return w;
}

int enc_filter_init(struct enc_filter *f, const char *to,
		      const char *from, int hexdump)
{
	memset(f, 0, sizeof *f);
	f->hexdump = hexdump;
	if (to && from) {
		f->enc = enc_open(to, from);
		if (!f->enc)
			return -1;
	}
	return 0;
}

void enc_filter_free(struct enc_filter *f)
{
	enc_close(f->enc);
	free(f->tmp);
	f->enc = NULL;
	f->tmp = NULL;
}

size_t enc_filter_ratio(const struct enc_filter *f)
{
	size_t after = f->hexdump ? HEX_RATIO : f->esc.mode ? ESC_RATIO : 1;

	return (f->enc ? ENC_RATIO : 1) * after;
}

/* Writes byte c as \xNN. */
static size_t escape_byte(unsigned char c, char *out)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 15];
	return 4;
}

static int acted_on(const struct term_escape *t, unsigned char c)
{
	if (c == '\t')
		return 0;
	if (c == '\n')
		return t->mode == ESC_NEWLINES;
	return c < 0x20 || c == 0x7f;
}

size_t enc_escape(struct term_escape *t, const char *in, size_t n, char *out,
		  size_t outcap)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i, w = 0;

	(void)outcap;
	if (n == 0 && t->held) {
		w += escape_byte(t->held, out);
		t->held = 0;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (t->held) {
			/* 0xc2 0x80-0x9f is a C1 control: both bytes escaped */
			if (c >= 0x80 && c <= 0x9f) {
				w += escape_byte(t->held, out + w);
				w += escape_byte(c, out + w);
				t->held = 0;
				continue;
			}
			out[w++] = (char)t->held;
			t->held = 0;
		}
		if (c == 0xc2)
			t->held = c;
		else if (acted_on(t, c))
			w += escape_byte(c, out + w);
		else
			out[w++] = (char)c;
	}
	return w;
}

ssize_t enc_filter(void *arg, const char *in, size_t n, char *out,
		     size_t outcap)
{
	struct enc_filter *f = arg;
	int last = f->hexdump || f->esc.mode;
	ssize_t k;

	if (f->enc && !last)
		return enc_convert(f->enc, in, n, out, outcap);
	if (f->enc) {
		if (!f->tmp) {
			f->tmpcap = 65536 * ENC_RATIO + 64;
			f->tmp = xmalloc(f->tmpcap);
		}
		k = enc_convert(f->enc, in, n, f->tmp, f->tmpcap);
		if (k < 0)
			return -1;
		in = f->tmp;
		n = (size_t)k;
	}
	if (f->hexdump)
		return (ssize_t)hex_dump(&f->hex, (const unsigned char *)in, n,
					 out, outcap);
	if (f->esc.mode)
		return (ssize_t)enc_escape(&f->esc, in, n, out, outcap);
	memcpy(out, in, n);
	return (ssize_t)n;
}

const char *enc_quote(const char *s, size_t len, char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const char *end = s + len;
	size_t j = 0;

	if (n == 0)
		return "";
	for (; s < end && j + 5 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f || c == '\'' || c == '\\') {
			buf[j++] = '\\';
			buf[j++] = 'x';
			buf[j++] = hex[c >> 4];
			buf[j++] = hex[c & 15];
		} else {
			buf[j++] = (char)c;
		}
	}
	if (s < end && j + 3 < n) {
		memcpy(buf + j, "...", 3);
		j += 3;
	}
	buf[j] = '\0';
	return buf;
}
