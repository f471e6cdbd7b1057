/* lib/names/plan: split, deaggregation, sets, line addresses, reverse
 * names, at the edges of both address spaces. */
#include <stdlib.h>

#include "names/plan.h"
#include "unit.h"

static struct plan_net net(const char *s)
{
	struct plan_net n = { 0, -1, { 0, 0 } };
	struct addr_error e;

	if (plan_parse_net(s, strlen(s), &n, &e) < 0)
		n.prefix = -1;
	return n;
}

static const char *fmt(const struct plan_net *n)
{
	static char buf[PLAN_STRLEN];

	return plan_format_net(n, buf);
}

/* The CIDRs of a START-END item joined by spaces. */
static const char *deagg(const char *item)
{
	static char out[8192];
	struct plan_range r;
	struct plan_deagg it;
	struct plan_net n;
	struct addr_error e;

	out[0] = '\0';
	if (plan_parse_item(item, strlen(item), &r, &e) < 0)
		return addr_strerror(e.code);
	plan_deagg_begin(&it, &r);
	while (plan_deagg_next(&it, &n)) {
		if (out[0])
			strcat(out, " ");
		strcat(out, fmt(&n));
	}
	return out;
}

static void test_parse(void)
{
	struct plan_net n = net("192.168.1.77/24");
	struct plan_range r;
	struct addr_error e;
	size_t off, len;

	CHECK_STR(fmt(&n), "192.168.1.0/24");
	n = net("2001:db8::1");
	CHECK_STR(fmt(&n), "2001:db8::1/128");
	CHECK_INT(plan_parse_item("10.0.0.9-10.0.0.1", 17, &r, &e), -1);
	CHECK_INT(e.code, ADDR_RANGE_ORDER);
	CHECK_INT(plan_parse_item("10.0.0.1-::1", 12, &r, &e), -1);
	CHECK_INT(e.code, ADDR_RANGE_FAMILY);
	CHECK_INT(plan_parse_item("10.0.0.1 - 10.0.0.300", 21, &r, &e), -1);
	CHECK_INT(e.code, ADDR_OCTET_RANGE);
	CHECK_INT(e.pos, 18); /* "300" inside the whole item */
	CHECK_INT(plan_parse_list_line("  # nothing\r", 12, 1, &r, &e, &off, &len), 0);
	CHECK_INT(plan_parse_list_line(" 10.0.0.0/8 # ours\r", 19, 1, &r, &e, &off, &len), 1);
	CHECK_INT(r.first.lo, 0x0a000000);
	CHECK_INT(r.last.lo, 0x0affffff);
	CHECK_INT(plan_parse_list_line(" bad ", 5, 1, &r, &e, &off, &len), -1);
	CHECK_INT(off, 1);
	CHECK_INT(len, 3);
	CHECK_INT(plan_parse_prefix_len("/26", 4), 26);
	CHECK_INT(plan_parse_prefix_len("33", 4), -1);
	CHECK_INT(plan_parse_prefix_len("128", 6), 128);
	CHECK_INT(plan_parse_prefix_len("026", 4), -1);
	CHECK_INT(plan_parse_prefix_len("", 4), -1);
}

static void test_split(void)
{
	struct plan_net n = net("192.168.1.0/24"), s;
	struct plan_split it;
	int count = 0;

	CHECK_INT(plan_split_begin(&it, &n, 23), -1);
	CHECK_INT(plan_split_begin(&it, &n, 33), -1);
	CHECK_INT(plan_split_begin(&it, &n, 26), 0);
	while (plan_split_next(&it, &s))
		count++;
	CHECK_INT(count, 4);
	CHECK_STR(fmt(&s), "192.168.1.192/26");
	/* the last /32 of the space ends the walk without wrapping */
	n = net("255.255.255.252/30");
	plan_split_begin(&it, &n, 32);
	for (count = 0; plan_split_next(&it, &s); count++)
		;
	CHECK_INT(count, 4);
	CHECK_STR(fmt(&s), "255.255.255.255/32");
	n = net("::/0");
	plan_split_begin(&it, &n, 1);
	plan_split_next(&it, &s);
	CHECK_INT(plan_split_next(&it, &s), 1);
	CHECK_STR(fmt(&s), "8000::/1");
	CHECK_INT(plan_split_next(&it, &s), 0);
	n = net("10.0.0.0/24");
	CHECK_INT(plan_subnets_prefix(&n, 1), 24);
	CHECK_INT(plan_subnets_prefix(&n, 3), 26);
	CHECK_INT(plan_subnets_prefix(&n, 4), 26);
	CHECK_INT(plan_subnets_prefix(&n, 256), 32);
	CHECK_INT(plan_subnets_prefix(&n, 257), -1);
}

static void test_deagg(void)
{
	CHECK_STR(deagg("10.0.0.1-10.0.0.6"), "10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 10.0.0.6/32");
	CHECK_STR(deagg("0.0.0.0-255.255.255.255"), "0.0.0.0/0");
	CHECK_STR(deagg("255.255.255.255-255.255.255.255"), "255.255.255.255/32");
	CHECK_STR(deagg("255.255.255.254-255.255.255.255"), "255.255.255.254/31");
	CHECK_STR(deagg("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "::/0");
	CHECK_STR(deagg("::1-::2"), "::1/128 ::2/128");
	CHECK_STR(deagg("0:0:0:1::-0:0:0:2::ffff"), "0:0:0:1::/64 0:0:0:2::/112");
	CHECK_STR(deagg("10.0.0.0/8"), "10.0.0.0/8");
}

static void test_set(void)
{
	static const char *const items[] = {
		"10.0.0.128/25", "10.0.0.0/25", "10.0.1.0-10.0.1.255", "10.0.3.0/24",
		"255.255.255.255", "2001:db8::/127", "2001:db8::2", "0.0.0.0",
	};
	struct plan_set s;
	struct plan_range r;
	struct addr_error e;
	struct ip ip;
	size_t i;

	plan_set_init(&s);
	for (i = 0; i < sizeof items / sizeof items[0]; i++) {
		CHECK_INT(plan_parse_item(items[i], strlen(items[i]), &r, &e), 0);
		plan_set_add(&s, &r);
	}
	plan_set_finish(&s);
	CHECK_INT(plan_set_count(&s), 5);
	plan_set_range(&s, 1, &r);
	CHECK_INT(r.first.lo, 0x0a000000);
	CHECK_INT(r.last.lo, 0x0a0001ff);
	CHECK_INT(plan_set_has4(&s, 0x0a0001ff), 1);
	CHECK_INT(plan_set_has4(&s, 0x0a000200), 0);
	CHECK_INT(plan_set_has4(&s, 0x0a0003ff), 1);
	CHECK_INT(plan_set_has4(&s, 0xffffffff), 1);
	CHECK_INT(plan_set_has4(&s, 0xfffffffe), 0);
	CHECK_INT(plan_set_has4(&s, 0), 1);
	CHECK_INT(plan_set_has4(&s, 1), 0);
	addr_parse("2001:db8::2", 11, &ip, NULL);
	CHECK_INT(plan_set_has(&s, &ip), 1);
	addr_parse("2001:db8::3", 11, &ip, NULL);
	CHECK_INT(plan_set_has(&s, &ip), 0);
	plan_set_range(&s, 4, &r);
	CHECK_INT(r.version, 6);
	CHECK_INT(r.last.lo - r.first.lo, 2);
	plan_set_free(&s);
	plan_set_init(&s); /* an empty set answers no */
	plan_set_finish(&s);
	CHECK_INT(plan_set_has4(&s, 12345), 0);
	CHECK_INT(plan_set_has(&s, &ip), 0);
	plan_set_free(&s);
}

/* Past SMALL_SET ranges the radix sort and the /16 index take over: the
 * answers must still be those of a linear scan of what was added. */
static void test_big_set(void)
{
	enum { N = 6000 };
	static uint32_t first[N], last[N];
	struct plan_set s;
	uint32_t x = 12345;
	int i, j, wrong = 0;

	plan_set_init(&s);
	for (i = 0; i < N; i++) {
		struct plan_range r = { 4, { 0, 0 }, { 0, 0 } };
		int host = (int)((x = x * 1103515245u + 12345u) >> 28);
		x = x * 1103515245u + 12345u;
		first[i] = x >> host << host;
		last[i] = first[i] | (host ? (UINT32_C(1) << host) - 1 : 0);
		r.first.lo = first[i];
		r.last.lo = last[i];
		plan_set_add(&s, &r);
	}
	plan_set_finish(&s);
	CHECK(s.index4 != NULL);
	for (i = 0; i < 20000; i++) {
		uint32_t a = i < N ? (i % 2 ? last[i] + 1 : first[i] - 1) : (x = x * 1103515245u + 12345u);
		int in = 0;
		for (j = 0; j < N && !in; j++)
			in = a >= first[j] && a <= last[j];
		wrong += in != plan_set_has4(&s, a);
	}
	CHECK_INT(wrong, 0);
	plan_set_free(&s);
}

static int line(const char *s, uint32_t *a)
{
	struct ip ip;

	return plan_line_address(s, strlen(s), a, &ip);
}

static void test_line_address(void)
{
	uint32_t a = 0;

	CHECK_INT(line("10.1.2.3 - - [x]", &a), 4);
	CHECK_INT(a, 0x0a010203);
	CHECK_INT(line("  10.1.2.3:443 x", &a), 4);
	CHECK_INT(line("10.1.2.3,x", &a), 4);
	CHECK_INT(line("10.1.2.3", &a), 4);
	CHECK_INT(line("10.1.2.3x", &a), 0);
	CHECK_INT(line("10.1.2.3.4", &a), 0);
	CHECK_INT(line("010.1.2.3", &a), 0);
	CHECK_INT(line("2001:db8::1 GET", &a), 6);
	CHECK_INT(line("::ffff:1.2.3.4 x", &a), 6);
	CHECK_INT(line("host.example x", &a), 0);
	CHECK_INT(line("", &a), 0);
	CHECK_INT(line("1:2", &a), 0);
}

static const char *rev(const char *s)
{
	static char buf[PLAN_REVLEN];
	struct plan_net n = net(s);

	n.prefix = plan_reverse_prefix(&n);
	return plan_reverse_name(&n, buf);
}

static void test_reverse(void)
{
	CHECK_STR(rev("192.168.1.5"), "5.1.168.192.in-addr.arpa");
	CHECK_STR(rev("192.168.1.0/24"), "1.168.192.in-addr.arpa");
	CHECK_STR(rev("10.0.0.0/23"), "0.0.10.in-addr.arpa");
	CHECK_STR(rev("192.168.1.64/26"), "64/26.1.168.192.in-addr.arpa");
	CHECK_STR(rev("0.0.0.0/0"), "in-addr.arpa");
	CHECK_STR(rev("2001:db8::/32"), "8.b.d.0.1.0.0.2.ip6.arpa");
	CHECK_STR(rev("2001:db8::/30"), "8.b.d.0.1.0.0.2.ip6.arpa");
	CHECK_STR(rev("::1"), "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa");
}

int main(void)
{
	test_parse();
	test_split();
	test_deagg();
	test_set();
	test_big_set();
	test_line_address();
	test_reverse();
	return unit_report();
}
