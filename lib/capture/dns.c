/* DNS one-line decoder; see dns.h. */
#include "capture/dns.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { MAX_HOPS = 64, MAX_ANSWERS_SHOWN = 32 };

struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	if (t->len + 1 >= t->cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < t->cap - t->len ? (size_t)n : t->cap - t->len - 1;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* One label's bytes, escaped as in zone files for anything unusual. */
static int add_label(char *out, size_t outn, size_t *w, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char tmp[8];
		uint8_t c = p[i];
		if (c > 0x20 && c < 0x7f && c != '.' && c != '\\')
			tmp[0] = (char)c, tmp[1] = '\0';
		else
			snprintf(tmp, sizeof tmp, "\\%03u", c);
		size_t k = strlen(tmp);
		if (*w + k + 2 > outn)
			return -1;
		memcpy(out + *w, tmp, k);
		*w += k;
	}
	out[(*w)++] = '.';
	out[*w] = '\0';
	return 0;
}

int dns_name(const uint8_t *msg, size_t len, size_t off, char *out, size_t outn,
	     size_t *next)
{
	size_t w = 0, octets = 0;
	int hops = 0, jumped = 0;
	if (outn < 2)
		return -1;
	out[0] = '\0';
	for (;;) {
		if (off >= len)
			return -1;
		uint8_t c = msg[off];
		if ((c & 0xc0) == 0xc0) {
			if (off + 1 >= len || ++hops > MAX_HOPS)
				return -1;
			if (!jumped)
				*next = off + 2;
			jumped = 1;
			off = (size_t)(c & 0x3f) << 8 | msg[off + 1];
			continue;
		}
		if (c & 0xc0)
			return -1; /* the reserved label types */
		if (c == 0)
			break;
		if (off + 1 + c > len || (octets += (size_t)c + 1) > 255)
			return -1;
		if (add_label(out, outn, &w, msg + off + 1, c) < 0)
			return -1;
		off += 1 + (size_t)c;
	}
	if (!jumped)
		*next = off + 1;
	if (w == 0)
		strcpy(out, ".");
	return 0;
}

const char *dns_type_name(uint16_t type, char *buf, size_t n)
{
	static const struct { uint16_t t; const char *name; } types[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" },
		{ 13, "HINFO" }, { 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" }, { 33, "SRV" },
		{ 35, "NAPTR" }, { 39, "DNAME" }, { 41, "OPT" }, { 43, "DS" }, { 46, "RRSIG" },
		{ 47, "NSEC" }, { 48, "DNSKEY" }, { 64, "SVCB" }, { 65, "HTTPS" }, { 99, "SPF" },
		{ 252, "AXFR" }, { 255, "ANY" }, { 257, "CAA" },
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (types[i].t == type)
			return types[i].name;
	snprintf(buf, n, "Type%u", type);
	return buf;
}

static const char *rcode_text(unsigned rcode)
{
	static const char *const names[] = {
		"", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused", " YXDomain",
		" YXRRSet", " NXRRSet", " NotAuth", " NotZone",
	};
	static char other[16];
	if (rcode < sizeof names / sizeof names[0])
		return names[rcode];
	snprintf(other, sizeof other, " Resp%u", rcode);
	return other;
}

static const char *opcode_text(unsigned op)
{
	static const char *const names[] = {
		"", " inv_q", " stat", " op3", " notify", " update", " op6", " op7",
		" op8", " updateA", " updateD", " updateDA", " updateM", " updateMA",
		" zoneInit", " zoneRef",
	};
	return names[op & 15];
}

/* TXT: each character-string quoted, escaped. */
static int add_txt(struct text *t, const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t k = p[i++];
		if (i + k > n)
			return -1;
		add(t, " \"");
		for (size_t j = 0; j < k; j++) {
			uint8_t c = p[i + j];
			if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
				add(t, "%c", c);
			else
				add(t, "\\%03u", c);
		}
		add(t, "\"");
		i += k;
	}
	return 0;
}

/* The data of one answer of type type at msg[off..off+rdlen). */
static int add_rdata(struct text *t, const uint8_t *msg, size_t len, size_t off,
		     uint16_t type, uint16_t rdlen)
{
	char name[DNS_NAME_MAX], a[64];
	size_t next;
	const uint8_t *d = msg + off;
	switch (type) {
	case 1:
		if (rdlen != 4)
			return -1;
		add(t, " %s", inet_ntop(AF_INET, d, a, sizeof a));
		return 0;
	case 28:
		if (rdlen != 16)
			return -1;
		add(t, " %s", inet_ntop(AF_INET6, d, a, sizeof a));
		return 0;
	case 2: case 5: case 12: case 39:
		if (dns_name(msg, len, off, name, sizeof name, &next) < 0)
			return -1;
		add(t, " %s", name);
		return 0;
	case 15:
		if (rdlen < 3 || dns_name(msg, len, off + 2, name, sizeof name, &next) < 0)
			return -1;
		add(t, " %s %u", name, be16(d));
		return 0;
	case 16:
		return add_txt(t, d, rdlen);
	}
	return 0;
}

/* One resource record at *off: " TYPE data". */
static int add_answer(struct text *t, const uint8_t *msg, size_t len, size_t *off)
{
	char name[DNS_NAME_MAX], tn[16];
	size_t p;
	if (dns_name(msg, len, *off, name, sizeof name, &p) < 0 || p + 10 > len)
		return -1;
	uint16_t type = be16(msg + p), rdlen = be16(msg + p + 8);
	p += 10;
	if (p + rdlen > len)
		return -1;
	add(t, " %s", dns_type_name(type, tn, sizeof tn));
	if (add_rdata(t, msg, len, p, type, rdlen) < 0)
		return -1;
	*off = p + rdlen;
	return 0;
}

/* One question at *off: " TYPE? name" (the class only when not IN). */
static int add_question(struct text *t, const uint8_t *msg, size_t len, size_t *off, int show)
{
	char name[DNS_NAME_MAX], tn[16];
	size_t p;
	if (dns_name(msg, len, *off, name, sizeof name, &p) < 0 || p + 4 > len)
		return -1;
	uint16_t type = be16(msg + p), class = be16(msg + p + 2);
	if (show) {
		add(t, " %s", dns_type_name(type, tn, sizeof tn));
		if (class != 1)
			add(t, " (Class %u)", class);
		add(t, "? %s", name);
	}
	*off = p + 4;
	return 0;
}

static void add_query_head(struct text *t, const struct dns_header *h)
{
	add(t, "%u%s%s%s", h->id, opcode_text(h->flags >> 11 & 15), h->flags & 0x0100 ? "+" : "",
	    h->flags & 0x0010 ? "%" : "");
	if (h->flags & 0x6cf)
		add(t, " [b2&3=0x%x]", h->flags & 0xffff);
	if (h->ancount)
		add(t, " [%ua]", h->ancount);
	if (h->qdcount != 1)
		add(t, " [%uq]", h->qdcount);
	if (h->nscount)
		add(t, " [%un]", h->nscount);
	if (h->arcount)
		add(t, " [%uau]", h->arcount);
}

static void add_response_head(struct text *t, const struct dns_header *h)
{
	add(t, "%u%s%s%s%s%s%s", h->id, opcode_text(h->flags >> 11 & 15),
	    rcode_text(h->flags & 15), h->flags & 0x0400 ? "*" : "",
	    h->flags & 0x0080 ? "" : "-", h->flags & 0x0200 ? "|" : "",
	    h->flags & 0x0020 ? "$" : "");
	if (h->qdcount != 1)
		add(t, " [%uq]", h->qdcount);
}

static int describe_body(struct text *t, const struct dns_header *h, const uint8_t *msg,
			 size_t len)
{
	size_t off = 12;
	int response = h->flags & 0x8000;
	for (unsigned i = 0; i < h->qdcount; i++)
		if (add_question(t, msg, len, &off, !response) < 0)
			return -1;
	if (!response)
		return 0;
	add(t, " %u/%u/%u", h->ancount, h->nscount, h->arcount);
	for (unsigned i = 0; i < h->ancount && i < MAX_ANSWERS_SHOWN; i++) {
		if (i)
			add(t, ",");
		if (add_answer(t, msg, len, &off) < 0)
			return -1;
	}
	return 0;
}

int dns_describe(const uint8_t *msg, size_t len, char *out, size_t outn)
{
	struct text t = { out, 0, outn };
	struct dns_header h;
	if (outn == 0)
		return -1;
	out[0] = '\0';
	if (len < 12)
		return -1;
	h.id = be16(msg);
	h.flags = be16(msg + 2);
	h.qdcount = be16(msg + 4);
	h.ancount = be16(msg + 6);
	h.nscount = be16(msg + 8);
	h.arcount = be16(msg + 10);
	if (h.flags & 0x8000)
		add_response_head(&t, &h);
	else
		add_query_head(&t, &h);
	if (describe_body(&t, &h, msg, len) < 0) {
		add(&t, " [|domain]");
		return -1;
	}
	return 0;
}
