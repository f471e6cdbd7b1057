#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/out.h"

/* A field of the current record, kept until out_end so that fields may be
 * set by key in any order and are still written in column order. */
enum cell_kind {
	CELL_UNSET, /* not set (or out_skip): left out */
	CELL_NULL,  /* JSON null, "-" for people */
	CELL_TEXT,  /* a JSON string */
	CELL_BARE,  /* a JSON number, boolean or array, written as it is */
};

struct cell {
	char *s;
	size_t n;
	enum cell_kind kind;
};

struct out {
	FILE *fp;
	enum out_format fmt;
	const struct out_col *cols;
	size_t ncols;
	size_t field;      /* column the next setter fills */
	int header;        /* table: print a header */
	int header_done;
	int records;       /* records ended so far */
	int err;
	struct cell *cell; /* the current record, ncols cells */
	char **rows;       /* table: buffered cells, ncols per row */
	size_t nrows, caprows;
	int *width;
};

struct out *out_open(FILE *fp, enum out_format fmt,
		     const struct out_col *cols, size_t ncols)
{
	struct out *o = xcalloc(1, sizeof *o);
	size_t i;

	o->fp = fp;
	o->fmt = fmt;
	o->cols = cols;
	o->ncols = ncols;
	o->header = 1;
	o->cell = xcalloc(ncols, sizeof *o->cell);
	o->width = xcalloc(ncols, sizeof *o->width);
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

struct out *out_key(struct out *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->ncols; i++)
		if (strcmp(o->cols[i].key, key) == 0)
			break;
	assert(i < o->ncols && "out_key: no column with that key");
	o->field = i;
	return o;
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

/* Stores one field in the selected column and moves to the next one. A
 * field set twice keeps the last value. */
static void put_field(struct out *o, const char *s, size_t n,
		      enum cell_kind kind)
{
	struct cell *c;

	if (o->field >= o->ncols)
		return;
	c = &o->cell[o->field++];
	free(c->s);
	c->s = NULL;
	c->n = 0;
	c->kind = s ? kind : CELL_NULL;
	if (s) {
		c->s = xmalloc(n + 1);
		memcpy(c->s, s, n);
		c->s[n] = '\0';
		c->n = n;
	}
}

void out_str(struct out *o, const char *s)
{
	put_field(o, s, s ? strlen(s) : 0, CELL_TEXT);
}

void out_strn(struct out *o, const char *s, size_t n)
{
	put_field(o, s, n, CELL_TEXT);
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
		char *big = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		put_field(o, big, (size_t)n, CELL_TEXT);
		free(big);
		return;
	}
	put_field(o, buf, (size_t)n, CELL_TEXT);
}

void out_int(struct out *o, long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%lld", v);
	put_field(o, buf, (size_t)n, CELL_BARE);
}

void out_uint(struct out *o, unsigned long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%llu", v);
	put_field(o, buf, (size_t)n, CELL_BARE);
}

void out_bool(struct out *o, int v)
{
	if (o->fmt == OUT_JSON)
		put_field(o, v ? "true" : "false", v ? 4 : 5, CELL_BARE);
	else
		put_field(o, v ? "yes" : "no", v ? 3 : 2, CELL_BARE);
}

void out_num(struct out *o, const char *digits)
{
	put_field(o, digits, strlen(digits), CELL_BARE);
}

void out_real(struct out *o, double v, int decimals)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%.*f", decimals, v);
	out_num(o, buf);
}

/* The items as a JSON array, or joined by "," for people ("-" if none). */
static char *join_strv(const struct out *o, char *const *v, size_t n,
		       size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);
	size_t i;

	if (!fp)
		return NULL;
	if (o->fmt == OUT_JSON)
		putc('[', fp);
	for (i = 0; i < n; i++) {
		if (o->fmt != OUT_JSON) {
			fputs(i ? "," : "", fp);
			fputs(v[i], fp);
			continue;
		}
		fputs(i ? ",\"" : "\"", fp);
		out_json_escape(fp, v[i], strlen(v[i]));
		putc('"', fp);
	}
	fputs(o->fmt == OUT_JSON ? "]" : n ? "" : "-", fp);
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void out_strv(struct out *o, char *const *v, size_t n)
{
	size_t len = 0;
	char *s = join_strv(o, v, n, &len);

	if (!s) /* open_memstream failed: only for want of memory */
		s = xstrdup(o->fmt == OUT_JSON ? "[]" : "-");
	put_field(o, s, strlen(s), o->fmt == OUT_JSON ? CELL_BARE : CELL_TEXT);
	free(s);
}

void out_skip(struct out *o)
{
	if (o->field < o->ncols) {
		struct cell *c = &o->cell[o->field];
		free(c->s);
		c->s = NULL;
		c->kind = CELL_UNSET;
	}
	o->field++;
}

static void end_json(struct out *o)
{
	size_t i;
	int first = 1;

	for (i = 0; i < o->ncols; i++) {
		const struct cell *c = &o->cell[i];
		if (c->kind == CELL_UNSET || !visible(o, i))
			continue;
		fputs(first ? "{\"" : ",\"", o->fp);
		first = 0;
		fputs(o->cols[i].key, o->fp);
		fputs("\":", o->fp);
		if (c->kind == CELL_NULL) {
			fputs("null", o->fp);
		} else if (c->kind == CELL_TEXT) {
			putc('"', o->fp);
			out_json_escape(o->fp, c->s, c->n);
			putc('"', o->fp);
		} else {
			fwrite(c->s, 1, c->n, o->fp);
		}
	}
	fputs(first ? "{}\n" : "}\n", o->fp);
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

static void end_list(struct out *o)
{
	size_t i;
	int first = 1, w = list_label_width(o);

	for (i = 0; i < o->ncols; i++) {
		const struct cell *c = &o->cell[i];
		if (c->kind == CELL_UNSET || !visible(o, i))
			continue;
		if (first && o->records)
			putc('\n', o->fp);
		first = 0;
		fprintf(o->fp, "%-*s  ", w, o->cols[i].label);
		if (c->kind == CELL_NULL)
			putc('-', o->fp);
		else
			fwrite(c->s, 1, c->n, o->fp);
		putc('\n', o->fp);
	}
}

/* Table cells that own no storage. */
static char empty_cell[] = "", null_cell[] = "-";

static void free_table_cell(char *s)
{
	if (s != empty_cell && s != null_cell)
		free(s);
}

/* The record becomes a buffered table row (its cells' text moves there);
 * columns widen to fit. */
static void end_table(struct out *o)
{
	size_t i;

	o->rows = xgrow(o->rows, &o->caprows, (o->nrows + 1) * o->ncols,
			sizeof *o->rows);
	for (i = 0; i < o->ncols; i++) {
		struct cell *c = &o->cell[i];
		char *s;
		int w;
		if (!visible(o, i) || c->kind == CELL_UNSET) {
			s = empty_cell;
		} else if (c->kind == CELL_NULL) {
			s = null_cell;
		} else {
			s = c->s;
			c->s = NULL;
		}
		w = (int)strlen(s);
		if (w > o->width[i])
			o->width[i] = w;
		o->rows[o->nrows * o->ncols + i] = s;
	}
	o->nrows++;
}

static void clear_record(struct out *o)
{
	size_t i;

	for (i = 0; i < o->ncols; i++) {
		free(o->cell[i].s);
		o->cell[i].s = NULL;
		o->cell[i].kind = CELL_UNSET;
	}
	o->field = 0;
}

int out_end(struct out *o)
{
	if (o->fmt == OUT_JSON)
		end_json(o);
	else if (o->fmt == OUT_LIST)
		end_list(o);
	else
		end_table(o);
	clear_record(o);
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

static void put_spaces(FILE *fp, int n)
{
	static const char spaces[] = "                                ";
	int k;

	for (; n > 0; n -= k) {
		k = n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1;
		fwrite(spaces, 1, (size_t)k, fp);
	}
}

static void put_cell(struct out *o, size_t i, const char *s, int pad)
{
	size_t n = strlen(s);
	int gap = o->width[i] - (int)n;

	if (o->cols[i].flags & OUT_RIGHT)
		put_spaces(o->fp, gap);
	fwrite(s, 1, n, o->fp);
	if (pad && !(o->cols[i].flags & OUT_RIGHT))
		put_spaces(o->fp, gap);
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
				free_table_cell(o->rows[r * o->ncols + i]);
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

	if (!o)
		return 0;
	rc = out_flush(o);
	clear_record(o);
	free(o->cell);
	free(o->rows);
	free(o->width);
	free(o);
	return rc;
}
