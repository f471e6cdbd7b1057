#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/out.h"

struct out {
	FILE *fp;
	enum out_format fmt;
	const struct out_col *cols;
	size_t ncols;
	size_t field;      /* next column to fill */
	int header;        /* table: print a header */
	int header_done;
	int records;       /* records ended so far */
	int err;
	int json_fields;   /* JSON: fields written in this record */
	int started;       /* a field of the current record was set */
	char **row;        /* table: cells of the current record */
	char **rows;       /* table: buffered cells, ncols per row */
	size_t nrows, caprows;
	int *width;
};

static void *xalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		abort(); /* out of memory: nothing sensible left to do */
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xalloc(n + 1);
	memcpy(p, s, n);
	return p;
}

struct out *out_open(FILE *fp, enum out_format fmt,
		     const struct out_col *cols, size_t ncols)
{
	struct out *o = xalloc(sizeof *o);
	size_t i;

	o->fp = fp;
	o->fmt = fmt;
	o->cols = cols;
	o->ncols = ncols;
	o->header = 1;
	o->row = xalloc(ncols * sizeof *o->row);
	o->width = xalloc(ncols * sizeof *o->width);
	for (i = 0; i < ncols; i++) {
		int w = (int)strlen(cols[i].label);
		o->width[i] = w > cols[i].min_width ? w : cols[i].min_width;
	}
	return o;
}

void out_header(struct out *o, int on)
{
	o->header = on;
}

int out_json_escape(FILE *fp, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned c = *p;
		size_t len = 0;
		if (c == '"' || c == '\\') {
			putc('\\', fp);
			putc((int)c, fp);
			p++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n': fputs("\\n", fp); break;
			case '\r': fputs("\\r", fp); break;
			case '\t': fputs("\\t", fp); break;
			case '\b': fputs("\\b", fp); break;
			case '\f': fputs("\\f", fp); break;
			default:
				fprintf(fp, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
			}
			p++;
			continue;
		}
		if (c < 0x80) {
			putc((int)c, fp);
			p++;
			continue;
		}
		/* Multi-byte: copy a well-formed UTF-8 sequence, else U+FFFD. */
		if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4;
		if (len && (size_t)(end - p) >= len) {
			size_t k;
			uint32_t cp = c & (0x3f >> (len - 1));
			for (k = 1; k < len; k++) {
				if ((p[k] & 0xc0) != 0x80)
					break;
				cp = (cp << 6) | (p[k] & 0x3f);
			}
			if (k == len && !(len == 3 && cp < 0x800) &&
			    !(len == 4 && (cp < 0x10000 || cp > 0x10ffff)) &&
			    !(cp >= 0xd800 && cp <= 0xdfff)) {
				fwrite(p, 1, len, fp);
				p += len;
				continue;
			}
		}
		fputs("\\ufffd", fp);
		p++;
	}
	return ferror(fp) ? -1 : 0;
}

static int visible(const struct out *o, size_t i)
{
	unsigned f = o->cols[i].flags;
	return o->fmt == OUT_JSON ? !(f & OUT_HUMAN_ONLY) : !(f & OUT_JSON_ONLY);
}

static void json_key(struct out *o)
{
	fputs(o->json_fields++ ? ",\"" : "{\"", o->fp);
	fputs(o->cols[o->field].key, o->fp);
	fputs("\":", o->fp);
}

static int list_label_width(const struct out *o)
{
	size_t i;
	int w = 0;

	for (i = 0; i < o->ncols; i++)
		if (visible(o, i) && (int)strlen(o->cols[i].label) > w)
			w = (int)strlen(o->cols[i].label);
	return w;
}

/* One field, as text for people or as a JSON value (quoted or bare). */
static void put_field(struct out *o, const char *s, size_t n, int quoted)
{
	size_t i = o->field;

	if (i >= o->ncols)
		return;
	if (!visible(o, i)) {
		o->field++;
		return;
	}
	switch (o->fmt) {
	case OUT_JSON:
		json_key(o);
		if (!s) {
			fputs("null", o->fp);
		} else if (quoted) {
			putc('"', o->fp);
			out_json_escape(o->fp, s, n);
			putc('"', o->fp);
		} else {
			fwrite(s, 1, n, o->fp);
		}
		break;
	case OUT_LIST:
		if (!o->started && o->records)
			putc('\n', o->fp);
		fprintf(o->fp, "%-*s  ", list_label_width(o), o->cols[i].label);
		if (s)
			fwrite(s, 1, n, o->fp);
		else
			putc('-', o->fp);
		putc('\n', o->fp);
		break;
	case OUT_TABLE:
		free(o->row[i]);
		o->row[i] = s ? xstrndup(s, n) : xstrndup("-", 1);
		break;
	}
	o->started = 1;
	o->field++;
}

void out_key(struct out *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->ncols; i++)
		if (strcmp(o->cols[i].key, key) == 0)
			break;
	o->field = i; /* ncols when unknown: the next setter does nothing */
}

void out_str(struct out *o, const char *s)
{
	put_field(o, s, s ? strlen(s) : 0, 1);
}

void out_strn(struct out *o, const char *s, size_t n)
{
	put_field(o, s, n, 1);
}

void out_fmt(struct out *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof buf) {
		char *big = xalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		put_field(o, big, (size_t)n, 1);
		free(big);
		return;
	}
	put_field(o, buf, (size_t)n, 1);
}

void out_int(struct out *o, long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%lld", v);
	put_field(o, buf, (size_t)n, 0);
}

void out_uint(struct out *o, unsigned long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%llu", v);
	put_field(o, buf, (size_t)n, 0);
}

void out_bool(struct out *o, int v)
{
	if (o->fmt == OUT_JSON)
		put_field(o, v ? "true" : "false", v ? 4 : 5, 0);
	else
		put_field(o, v ? "yes" : "no", v ? 3 : 2, 0);
}

void out_num(struct out *o, const char *digits)
{
	put_field(o, digits, strlen(digits), 0);
}

void out_real(struct out *o, double v, int decimals)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%.*f", decimals, v);
	out_num(o, buf);
}

void out_strv(struct out *o, char *const *v, size_t n)
{
	size_t i, len = 0;
	char *joined, *p;

	if (o->fmt == OUT_JSON) {
		if (o->field >= o->ncols || !visible(o, o->field)) {
			o->field++;
			return;
		}
		json_key(o);
		putc('[', o->fp);
		for (i = 0; i < n; i++) {
			fputs(i ? ",\"" : "\"", o->fp);
			out_json_escape(o->fp, v[i], strlen(v[i]));
			putc('"', o->fp);
		}
		putc(']', o->fp);
		o->field++;
		return;
	}
	if (n == 0) {
		put_field(o, "-", 1, 1);
		return;
	}
	for (i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	joined = p = xalloc(len);
	for (i = 0; i < n; i++) {
		size_t l = strlen(v[i]);
		if (i)
			*p++ = ',';
		memcpy(p, v[i], l);
		p += l;
	}
	*p = '\0';
	put_field(o, joined, (size_t)(p - joined), 1);
	free(joined);
}

void out_skip(struct out *o)
{
	if (o->field < o->ncols && o->fmt == OUT_TABLE) {
		free(o->row[o->field]);
		o->row[o->field] = xstrndup("", 0);
	}
	o->field++;
}

int out_end(struct out *o)
{
	size_t i;

	if (o->fmt == OUT_JSON) {
		fputs(o->json_fields ? "}\n" : "{}\n", o->fp);
		o->json_fields = 0;
	} else if (o->fmt == OUT_TABLE) {
		if (o->nrows == o->caprows) {
			size_t cap = o->caprows ? o->caprows * 2 : 64;
			char **n = realloc(o->rows, cap * o->ncols * sizeof *n);
			if (!n)
				abort();
			o->rows = n;
			o->caprows = cap;
		}
		for (i = 0; i < o->ncols; i++) {
			int w;
			if (!o->row[i])
				o->row[i] = xstrndup("", 0); /* a column people don't see */
			w = visible(o, i) ? (int)strlen(o->row[i]) : 0;
			if (w > o->width[i])
				o->width[i] = w;
			o->rows[o->nrows * o->ncols + i] = o->row[i];
			o->row[i] = NULL;
		}
		o->nrows++;
	}
	o->field = 0;
	o->started = 0;
	o->records++;
	if (ferror(o->fp))
		o->err = 1;
	return o->err ? -1 : 0;
}

static size_t last_visible(const struct out *o)
{
	size_t i, last = 0;

	for (i = 0; i < o->ncols; i++)
		if (visible(o, i))
			last = i;
	return last;
}

static void put_cell(struct out *o, size_t i, const char *s, int pad)
{
	int w = o->width[i], n = (int)strlen(s);

	if (o->cols[i].flags & OUT_RIGHT)
		fprintf(o->fp, "%*s", w, s);
	else if (pad)
		fprintf(o->fp, "%-*s", w, s);
	else
		fputs(s, o->fp);
	(void)n;
}

static void put_table_line(struct out *o, char **cells, int is_header)
{
	size_t i, last = last_visible(o);
	int first = 1;

	for (i = 0; i < o->ncols; i++) {
		if (!visible(o, i))
			continue;
		if (!first)
			fputs("  ", o->fp);
		first = 0;
		put_cell(o, i, is_header ? o->cols[i].label : cells[i], i != last);
	}
	putc('\n', o->fp);
}

int out_flush(struct out *o)
{
	size_t r, i;

	if (o->fmt == OUT_TABLE) {
		if (o->header && !o->header_done && (o->nrows || o->records)) {
			put_table_line(o, NULL, 1);
			o->header_done = 1;
		}
		for (r = 0; r < o->nrows; r++) {
			put_table_line(o, o->rows + r * o->ncols, 0);
			for (i = 0; i < o->ncols; i++)
				free(o->rows[r * o->ncols + i]);
		}
		o->nrows = 0;
	}
	if (fflush(o->fp) != 0 || ferror(o->fp))
		o->err = 1;
	return o->err ? -1 : 0;
}

int out_close(struct out *o)
{
	int rc;
	size_t i;

	if (!o)
		return 0;
	rc = out_flush(o);
	for (i = 0; i < o->ncols; i++)
		free(o->row[i]);
	free(o->row);
	free(o->rows);
	free(o->width);
	free(o);
	return rc;
}
