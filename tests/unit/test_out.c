/* lib/out: tables, lists and JSON escaping. */
#include <stdlib.h>

#include "core/out.h"
#include "unit.h"

static const struct out_col cols[] = {
	{ "name", "NAME", 0, 0 },
	{ "count", "COUNT", OUT_RIGHT, 0 },
	{ "note", "NOTE", 0, 0 },
};

/* Records rendered into memory: sink_open, fill, sink_text. */
static char *sink_buf;
static size_t sink_len;
static FILE *sink_fp;

static struct out *sink_open(enum out_format fmt, const struct out_col *c, size_t n)
{
	sink_buf = NULL;
	sink_fp = open_memstream(&sink_buf, &sink_len);
	return out_open(sink_fp, fmt, c, n);
}

/* Closes o and returns what it wrote (the caller frees it). */
static char *sink_text(struct out *o)
{
	CHECK(out_close(o) == 0);
	fclose(sink_fp);
	return sink_buf;
}

/* Renders two records in fmt into a string the caller frees. */
static char *render(enum out_format fmt, const char *note)
{
	struct out *o = sink_open(fmt, cols, 3);

	out_str(o, "lo");
	out_int(o, 7);
	out_str(o, note);
	out_end(o);
	out_str(o, "eth0-long");
	out_uint(o, 1234);
	out_skip(o);
	out_end(o);
	return sink_text(o);
}

static char *escape(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	out_json_escape(fp, s, n);
	fclose(fp);
	return buf;
}

/* A fractional number is a JSON number with the decimals asked for. */
static void test_real(void)
{
	static const struct out_col c[] = { { "ms", "MS", 0, 0 } };
	struct out *o = sink_open(OUT_JSON, c, 1);
	char *buf;

	out_real(o, 0.04, 3);
	out_end(o);
	out_real(o, 12.3456, 1);
	out_end(o);
	buf = sink_text(o);
	CHECK_STR(buf, "{\"ms\":0.040}\n{\"ms\":12.3}\n");
	free(buf);
}

/* The same two records as render(), filled by key in another order. */
static char *render_by_key(enum out_format fmt, const char *note)
{
	struct out *o = sink_open(fmt, cols, 3);

	out_str(out_key(o, "note"), note);
	out_int(out_key(o, "count"), 7);
	out_str(out_key(o, "name"), "lo");
	out_end(o);
	out_uint(out_key(o, "count"), 1234); /* note not set: left out */
	out_str(out_key(o, "name"), "eth0-long");
	out_end(o);
	return sink_text(o);
}

/* By key, the output is the one of filling by position (whose exact
 * text main() checks), in every format. */
static void test_by_key(void)
{
	static const enum out_format fmts[] = { OUT_TABLE, OUT_JSON, OUT_LIST };
	size_t i;

	for (i = 0; i < 3; i++) {
		char *want = render(fmts[i], i == 1 ? NULL : "x");
		char *got = render_by_key(fmts[i], i == 1 ? NULL : "x");
		CHECK_STR(got, want);
		free(want);
		free(got);
	}
}

/* A field set twice keeps the last value; after out_key the next setter
 * without a key fills the column after it; the record after an out_end
 * starts empty. */
static void test_key_then_position(void)
{
	static const struct out_col c[] = {
		{ "a", "A", 0, 0 }, { "b", "B", 0, 0 },
		{ "list", "LIST", 0, 0 }, { "hidden", "H", OUT_HUMAN_ONLY, 0 },
	};
	char *names[] = { "x", "y\"z" };
	struct out *o = sink_open(OUT_JSON, c, 4);
	char *buf;

	out_str(out_key(o, "b"), "first");
	out_str(out_key(o, "b"), "second");
	out_strv(o, names, 2);       /* the column after b */
	out_str(o, "for people");    /* hidden in JSON */
	out_bool(out_key(o, "a"), 1);
	out_end(o);
	out_strv(out_key(o, "list"), names, 0);
	out_end(o);
	out_end(o);
	buf = sink_text(o);
	CHECK_STR(buf, "{\"a\":true,\"b\":\"second\",\"list\":[\"x\",\"y\\\"z\"]}\n"
		       "{\"list\":[]}\n{}\n");
	free(buf);
}

int main(void)
{
	char *s;

	test_real();
	test_by_key();
	test_key_then_position();

	s = render(OUT_TABLE, "x");
	CHECK_STR(s, "NAME       COUNT  NOTE\nlo             7  x\neth0-long   1234  \n");
	free(s);
	s = render(OUT_JSON, "a\"b");
	CHECK_STR(s, "{\"name\":\"lo\",\"count\":7,\"note\":\"a\\\"b\"}\n"
		     "{\"name\":\"eth0-long\",\"count\":1234}\n");
	free(s);
	s = render(OUT_JSON, NULL);
	CHECK_STR(s, "{\"name\":\"lo\",\"count\":7,\"note\":null}\n"
		     "{\"name\":\"eth0-long\",\"count\":1234}\n");
	free(s);
	s = render(OUT_LIST, "x");
	CHECK_STR(s, "NAME   lo\nCOUNT  7\nNOTE   x\n\nNAME   eth0-long\nCOUNT  1234\n");
	free(s);

	s = escape("a\\b\n\t\x01\x7f", 7);
	CHECK_STR(s, "a\\\\b\\n\\t\\u0001\\u007f");
	free(s);
	s = escape("\xe6\x88\x91", 3); /* 我: valid UTF-8 passes through */
	CHECK_STR(s, "\xe6\x88\x91");
	free(s);
	s = escape("\xff\xc3(\xe6\x88", 5); /* invalid bytes become U+FFFD */
	CHECK_STR(s, "\\ufffd\\ufffd(\\ufffd\\ufffd");
	free(s);
	s = escape("\xed\xa0\x80", 3); /* a UTF-16 surrogate is not UTF-8 */
	CHECK_STR(s, "\\ufffd\\ufffd\\ufffd");
	free(s);
	s = escape("a\0b", 3);
	CHECK_STR(s, "a\\u0000b");
	free(s);
	return unit_report();
}
