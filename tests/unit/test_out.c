/* lib/out: tables, lists and JSON escaping. */
#include <stdlib.h>

#include "core/out.h"
#include "unit.h"

static const struct out_col cols[] = {
	{ "name", "NAME", 0, 0 },
	{ "count", "COUNT", OUT_RIGHT, 0 },
	{ "note", "NOTE", 0, 0 },
};

/* Renders two records in fmt into a string the caller frees. */
static char *render(enum out_format fmt, const char *note)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct out *o = out_open(fp, fmt, cols, 3);

	out_str(o, "lo");
	out_int(o, 7);
	out_str(o, note);
	out_end(o);
	out_str(o, "eth0-long");
	out_uint(o, 1234);
	out_skip(o);
	out_end(o);
	CHECK(out_close(o) == 0);
	fclose(fp);
	return buf;
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
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct out *o = out_open(fp, OUT_JSON, c, 1);

	out_real(o, 0.04, 3);
	out_end(o);
	out_real(o, 12.3456, 1);
	out_end(o);
	CHECK(out_close(o) == 0);
	fclose(fp);
	CHECK_STR(buf, "{\"ms\":0.040}\n{\"ms\":12.3}\n");
	free(buf);
}

/* The same two records as render(), filled by key in another order. */
static char *render_by_key(enum out_format fmt, const char *note)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct out *o = out_open(fp, fmt, cols, 3);

	out_str(out_key(o, "note"), note);
	out_int(out_key(o, "count"), 7);
	out_str(out_key(o, "name"), "lo");
	out_end(o);
	out_uint(out_key(o, "count"), 1234); /* note not set: left out */
	out_str(out_key(o, "name"), "eth0-long");
	out_end(o);
	CHECK(out_close(o) == 0);
	fclose(fp);
	return buf;
}

/* By key, the output is the one of filling by position. */
static void test_by_key(void)
{
	char *s;

	s = render_by_key(OUT_TABLE, "x");
	CHECK_STR(s, "NAME       COUNT  NOTE\nlo             7  x\neth0-long   1234  \n");
	free(s);
	s = render_by_key(OUT_JSON, NULL);
	CHECK_STR(s, "{\"name\":\"lo\",\"count\":7,\"note\":null}\n"
		     "{\"name\":\"eth0-long\",\"count\":1234}\n");
	free(s);
	s = render_by_key(OUT_LIST, "x");
	CHECK_STR(s, "NAME   lo\nCOUNT  7\nNOTE   x\n\nNAME   eth0-long\nCOUNT  1234\n");
	free(s);
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
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct out *o = out_open(fp, OUT_JSON, c, 4);

	out_str(out_key(o, "b"), "first");
	out_str(out_key(o, "b"), "second");
	out_strv(o, names, 2);       /* the column after b */
	out_str(o, "for people");    /* hidden in JSON */
	out_bool(out_key(o, "a"), 1);
	out_end(o);
	out_strv(out_key(o, "list"), names, 0);
	out_end(o);
	out_end(o);
	CHECK(out_close(o) == 0);
	fclose(fp);
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
