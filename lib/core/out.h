/* Records out: an aligned table or "label  value" list for people, or
 * JSON Lines for machines. A command describes its columns once, then
 * fills each record by key: out_str(out_key(o, "name"), s). Fields may be
 * set in any order; a record is always written in column order, and a
 * field not set is left out (as out_skip). */
#ifndef NETTOOL_OUT_H
#define NETTOOL_OUT_H

#include <stddef.h>
#include <stdio.h>

enum out_format {
	OUT_TABLE, /* one row per record under a header, columns aligned */
	OUT_LIST,  /* one "label  value" line per field, blank line between */
	OUT_JSON,  /* one JSON object per record per line */
};

enum {
	OUT_RIGHT = 1 << 0,      /* right-align in a table (numbers) */
	OUT_JSON_ONLY = 1 << 1,  /* not shown in TABLE or LIST */
	OUT_HUMAN_ONLY = 1 << 2, /* not written in JSON */
};

struct out_col {
	const char *key;   /* JSON key, snake_case */
	const char *label; /* table header / list label */
	unsigned flags;
	int min_width;     /* keeps streamed tables aligned */
};

struct out;

struct out *out_open(FILE *fp, enum out_format fmt,
		     const struct out_col *cols, size_t ncols);
/* Whether a table prints its header line (default on). */
void out_header(struct out *o, int on);

/* Selects the column whose JSON key is key (it must exist: asserted): the
 * next setter fills it. Returns o, so setters nest:
 * out_int(out_key(o, "mtu"), 1500). */
struct out *out_key(struct out *o, const char *key);

/* Field setters: each fills the selected column, then selects the next
 * one, so columns may also be filled in order without out_key. A field
 * set twice in a record keeps the last value. */
void out_str(struct out *o, const char *s); /* NULL: JSON null, "-" */
void out_strn(struct out *o, const char *s, size_t n);
void out_fmt(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void out_int(struct out *o, long long v);
void out_uint(struct out *o, unsigned long long v);
void out_bool(struct out *o, int v);
/* A list of strings: a JSON array, or the items joined by "," for people
 * ("-" when empty). */
void out_strv(struct out *o, char *const *v, size_t n);
/* A number already in decimal digits (e.g. a 128-bit count, "12.345"). */
void out_num(struct out *o, const char *digits);
/* A fractional number with a fixed count of decimals (a JSON number). */
void out_real(struct out *o, double v, int decimals);
/* Field not present in this record: omitted from JSON, empty in a table,
 * line left out in a list. Only needed when filling by position; by key,
 * a field simply not set is not present. */
void out_skip(struct out *o);

/* Ends the record. JSON and LIST write at once; TABLE keeps rows until
 * out_flush so columns can be sized. Returns -1 on a write error. */
int out_end(struct out *o);
/* Writes the buffered table rows. Returns -1 on a write error. */
int out_flush(struct out *o);
/* Flushes and frees; returns -1 if any write failed. */
int out_close(struct out *o);

/* JSON string body of s[0..n): quotes, backslash and control characters
 * escaped, invalid UTF-8 bytes replaced by U+FFFD. No surrounding quotes.
 * Returns -1 on a write error. */
int out_json_escape(FILE *fp, const char *s, size_t n);

#endif
