/* lib/addr: parsing, classification at every range boundary, CIDR math. */
#include <stdlib.h>

#include "names/addr.h"
#include "unit.h"

static const char *category(const char *s)
{
	struct ip ip;
	struct addr_error e;

	if (addr_parse(s, strlen(s), &ip, &e) < 0)
		return "(parse error)";
	return addr_classify(&ip)->category;
}

/* first, last and the neighbours just outside each IPv4 special range */
static const char *const v4_vectors[][2] = {
	{ "0.0.0.0", "this-network" }, { "0.255.255.255", "this-network" },
	{ "1.0.0.0", "global" },
	{ "9.255.255.255", "global" }, { "10.0.0.0", "private" },
	{ "10.255.255.255", "private" }, { "11.0.0.0", "global" },
	{ "100.63.255.255", "global" }, { "100.64.0.0", "shared" },
	{ "100.127.255.255", "shared" }, { "100.128.0.0", "global" },
	{ "126.255.255.255", "global" }, { "127.0.0.0", "loopback" },
	{ "127.255.255.255", "loopback" }, { "128.0.0.0", "global" },
	{ "169.253.255.255", "global" }, { "169.254.0.0", "link-local" },
	{ "169.254.255.255", "link-local" }, { "169.255.0.0", "global" },
	{ "172.15.255.255", "global" }, { "172.16.0.0", "private" },
	{ "172.31.255.255", "private" }, { "172.32.0.0", "global" },
	{ "191.255.255.255", "global" }, { "192.0.0.0", "ietf-protocol" },
	{ "192.0.0.255", "ietf-protocol" }, { "192.0.1.0", "global" },
	{ "192.0.1.255", "global" }, { "192.0.2.0", "documentation" },
	{ "192.0.2.255", "documentation" }, { "192.0.3.0", "global" },
	{ "192.167.255.255", "global" }, { "192.168.0.0", "private" },
	{ "192.168.255.255", "private" }, { "192.169.0.0", "global" },
	{ "198.17.255.255", "global" }, { "198.18.0.0", "benchmarking" },
	{ "198.19.255.255", "benchmarking" }, { "198.20.0.0", "global" },
	{ "198.51.99.255", "global" }, { "198.51.100.0", "documentation" },
	{ "198.51.100.255", "documentation" }, { "198.51.101.0", "global" },
	{ "203.0.112.255", "global" }, { "203.0.113.0", "documentation" },
	{ "203.0.113.255", "documentation" }, { "203.0.114.0", "global" },
	{ "223.255.255.255", "global" }, { "224.0.0.0", "multicast" },
	{ "239.255.255.255", "multicast" }, { "240.0.0.0", "reserved" },
	{ "255.255.255.254", "reserved" }, { "255.255.255.255", "broadcast" },
	{ "8.8.8.8", "global" },
};

static const char *const v6_vectors[][2] = {
	{ "::", "unspecified" }, { "::1", "loopback" }, { "::2", "reserved" },
	{ "::fffe:ffff:ffff", "reserved" }, { "::ffff:0.0.0.0", "ipv4-mapped" },
	{ "::ffff:255.255.255.255", "ipv4-mapped" }, { "::1:0:0:0", "reserved" },
	{ "64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", "reserved" },
	{ "64:ff9b::", "nat64" }, { "64:ff9b::ffff:ffff", "nat64" },
	{ "64:ff9b::1:0:0", "reserved" },
	{ "64:ff9b:1::", "nat64" }, { "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "nat64" },
	{ "64:ff9b:2::", "reserved" },
	{ "ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved" },
	{ "100::", "discard" }, { "100::ffff:ffff:ffff:ffff", "discard" },
	{ "100:0:0:1::", "reserved" },
	{ "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved" },
	{ "2000::", "global" },
	{ "2001::", "teredo" }, { "2001:0:ffff:ffff:ffff:ffff:ffff:ffff", "teredo" },
	{ "2001:1::", "reserved" }, { "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved" },
	{ "2001:200::", "global" },
	{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "global" },
	{ "2001:db8::", "documentation" },
	{ "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "documentation" },
	{ "2001:db9::", "global" },
	{ "2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "global" },
	{ "2002::", "6to4" }, { "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "6to4" },
	{ "2003::", "global" },
	{ "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "global" },
	{ "3fff::", "documentation" }, { "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "documentation" },
	{ "3fff:1000::", "global" },
	{ "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "global" },
	{ "4000::", "reserved" },
	{ "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved" },
	{ "fc00::", "unique-local" }, { "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "unique-local" },
	{ "fe00::", "reserved" },
	{ "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved" },
	{ "fe80::", "link-local" }, { "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "link-local" },
	{ "fec0::", "reserved" },
	{ "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved" },
	{ "ff00::", "multicast" }, { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "multicast" },
};

static void test_vectors(void)
{
	size_t i;

	for (i = 0; i < sizeof v4_vectors / sizeof v4_vectors[0]; i++)
		CHECK_STR(category(v4_vectors[i][0]), v4_vectors[i][1]);
	for (i = 0; i < sizeof v6_vectors / sizeof v6_vectors[0]; i++)
		CHECK_STR(category(v6_vectors[i][0]), v6_vectors[i][1]);
}

static enum addr_err parse_error(const char *s)
{
	struct ip_prefix p;
	struct addr_error e = { ADDR_OK, 0, 0 };

	if (addr_parse_prefix(s, strlen(s), &p, &e) == 0)
		return ADDR_OK;
	return e.code;
}

static void test_bad_input(void)
{
	struct addr_error e;
	uint32_t a;

	CHECK_INT(parse_error("256.1.1.1"), ADDR_OCTET_RANGE);
	CHECK_INT(parse_error("1.2.3"), ADDR_TOO_FEW);
	CHECK_INT(parse_error("1.2.3.4.5"), ADDR_TOO_MANY);
	CHECK_INT(parse_error("1.2.3.4x"), ADDR_BAD_CHAR);
	CHECK_INT(parse_error(""), ADDR_EMPTY);
	CHECK_INT(parse_error("1.2.3.4/33"), ADDR_PREFIX_RANGE);
	CHECK_INT(parse_error("::1/129"), ADDR_PREFIX_RANGE);
	CHECK_INT(parse_error("1.2.3.4/"), ADDR_BAD_PREFIX);
	CHECK_INT(parse_error("1.2.3.4/x"), ADDR_BAD_PREFIX);
	CHECK_INT(parse_error("1.2.3.4/08"), ADDR_BAD_PREFIX);
	CHECK_INT(parse_error("01.2.3.4"), ADDR_LEADING_ZERO);
	CHECK_INT(parse_error("1.2.3.00"), ADDR_LEADING_ZERO);
	CHECK_INT(parse_error("+1.2.3.4"), ADDR_BAD_CHAR);
	CHECK_INT(parse_error("-1.2.3.4"), ADDR_BAD_CHAR);
	CHECK_INT(parse_error("1.2. 3.4"), ADDR_BAD_CHAR);
	CHECK_INT(parse_error("0x7f.0.0.1"), ADDR_BAD_CHAR);
	CHECK_INT(parse_error("1..2.3"), ADDR_EMPTY_PART);
	CHECK_INT(parse_error("1.2.3.4."), ADDR_EMPTY_PART);
	CHECK_INT(parse_error("1.2.3.1234"), ADDR_OCTET_RANGE);
	CHECK_INT(parse_error("1.2.3.99999999999999999999"), ADDR_OCTET_RANGE);
	CHECK_INT(parse_error(":::"), ADDR_BAD_IPV6);
	CHECK_INT(parse_error("fe80::1%lo"), ADDR_BAD_CHAR);
	CHECK_INT(parse_error("10.0.0.0/255.0.255.0"), ADDR_BAD_NETMASK);
	CHECK_INT(parse_error("10.0.0.0/255.255.0.0"), ADDR_OK);
	CHECK_INT(parse_error("0.0.0.0/0"), ADDR_OK);
	CHECK_INT(parse_error("::/0"), ADDR_OK);
	/* the error names the bad part */
	CHECK(addr_parse_ipv4("1.256.3.4", 9, &a, &e) < 0);
	CHECK_INT(e.pos, 2);
	CHECK_INT(e.len, 3);
	CHECK(addr_parse_ipv4("1.2.3.4x", 8, &a, &e) < 0);
	CHECK_INT(e.pos, 7);
	/* a length, not a NUL, ends the text */
	CHECK(addr_parse_ipv4("1.2.3.45", 7, &a, &e) == 0);
	CHECK_INT(a, 0x01020304);
}

static void check_net(const char *s, const char *network, const char *first,
		      const char *last, const char *bcast, const char *hosts)
{
	struct ip_prefix p;
	struct addr_net n;
	char buf[ADDR_STRLEN];

	CHECK(addr_parse_prefix(s, strlen(s), &p, NULL) == 0);
	addr_network(&p, &n);
	CHECK_STR(addr_format(&n.network, buf), network);
	CHECK_STR(addr_format(&n.first, buf), first);
	CHECK_STR(addr_format(&n.last, buf), last);
	if (bcast) {
		CHECK(n.has_broadcast);
		CHECK_STR(addr_format(&n.broadcast, buf), bcast);
	} else {
		CHECK(!n.has_broadcast);
	}
	CHECK_STR(n.hosts, hosts);
}

static void test_networks(void)
{
	char buf[ADDR_STRLEN];
	struct ip_prefix p;
	struct addr_net n;

	check_net("172.20.1.5/16", "172.20.0.0", "172.20.0.1", "172.20.255.254",
		  "172.20.255.255", "65534");
	check_net("192.168.1.7/30", "192.168.1.4", "192.168.1.5", "192.168.1.6",
		  "192.168.1.7", "2");
	check_net("10.0.0.1/31", "10.0.0.0", "10.0.0.0", "10.0.0.1", NULL, "2");
	check_net("10.0.0.1/32", "10.0.0.1", "10.0.0.1", "10.0.0.1", NULL, "1");
	check_net("1.2.3.4/0", "0.0.0.0", "0.0.0.1", "255.255.255.254",
		  "255.255.255.255", "4294967294");
	check_net("2001:db8::1/127", "2001:db8::", "2001:db8::", "2001:db8::1", NULL, "2");
	check_net("2001:db8::1/128", "2001:db8::1", "2001:db8::1", "2001:db8::1", NULL, "1");
	check_net("2001:db8::1/64", "2001:db8::", "2001:db8::",
		  "2001:db8::ffff:ffff:ffff:ffff", NULL, "18446744073709551616");
	check_net("::/0", "::", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL,
		  "340282366920938463463374607431768211456");
	CHECK(addr_parse_prefix("10.1.2.3/255.255.255.0", 22, &p, NULL) == 0);
	CHECK_INT(p.prefix, 24);
	addr_network(&p, &n);
	CHECK_STR(addr_format(&n.wildcard, buf), "0.0.0.255");
	CHECK_STR(addr_format(&n.netmask, buf), "255.255.255.0");
	CHECK_INT(addr_netmask_to_prefix("255.255.255.255", 15, NULL), 32);
	CHECK_INT(addr_netmask_to_prefix("0.0.0.0", 7, NULL), 0);
	CHECK_INT(addr_netmask_to_prefix("255.255.0.255", 13, NULL), -1);
}

static void test_class_and_format(void)
{
	struct ip ip;
	char buf[ADDR_STRLEN];
	struct ipv4_class c;

	c = addr_ipv4_class(0xAC140105); /* 172.20.1.5 */
	CHECK_INT(c.letter, 'B');
	CHECK_STR(c.leading, "10");
	CHECK_INT(c.default_prefix, 16);
	CHECK_INT(addr_ipv4_class(0x7f000001).letter, 'A');
	CHECK_INT(addr_ipv4_class(0x80000000).letter, 'B');
	CHECK_INT(addr_ipv4_class(0xbfffffff).letter, 'B');
	CHECK_INT(addr_ipv4_class(0xc0000000).letter, 'C');
	CHECK_INT(addr_ipv4_class(0xdfffffff).letter, 'C');
	CHECK_INT(addr_ipv4_class(0xe0000000).letter, 'D');
	CHECK_INT(addr_ipv4_class(0xefffffff).letter, 'D');
	CHECK_INT(addr_ipv4_class(0xf0000000).letter, 'E');
	CHECK(addr_parse("172.20.1.5", 10, &ip, NULL) == 0);
	CHECK_STR(addr_format_binary(&ip, buf), "10101100.00010100.00000001.00000101");
	CHECK(addr_parse("2001:DB8:0:0:0:0:0:1", 20, &ip, NULL) == 0);
	CHECK_STR(addr_format(&ip, buf), "2001:db8::1");
	CHECK(addr_parse("ff02::1", 7, &ip, NULL) == 0);
	CHECK_STR(addr_ipv6_mcast_scope(&ip), "link-local");
	CHECK(addr_parse("ff0e::1", 7, &ip, NULL) == 0);
	CHECK_STR(addr_ipv6_mcast_scope(&ip), "global");
	CHECK(addr_is_category("private", 4));
	CHECK(!addr_is_category("private", 6));
	CHECK(addr_is_category("teredo", 0));
	CHECK(!addr_is_category("bogus", 0));
	CHECK_STR(addr_category_ipv4(0xc0a80101), "private");
}

static const char *v6(const char *s)
{
	static char buf[ADDR_STRLEN];
	struct ip ip;

	if (addr_parse(s, strlen(s), &ip, NULL) < 0)
		return "(parse error)";
	return addr_format(&ip, buf);
}

static void test_format_rfc5952(void)
{
	CHECK_STR(v6("::"), "::");
	CHECK_STR(v6("::1"), "::1");
	CHECK_STR(v6("1::"), "1::");
	CHECK_STR(v6("::18:4000"), "::18:4000"); /* not ::0.24.64.0 */
	CHECK_STR(v6("::1.2.3.4"), "::102:304");
	CHECK_STR(v6("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
	CHECK_STR(v6("::ffff:0:0"), "::ffff:0.0.0.0");
	CHECK_STR(v6("2001:DB8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
	CHECK_STR(v6("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
	CHECK_STR(v6("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
	CHECK_STR(v6("0:1:0:1:0:1:0:1"), "0:1:0:1:0:1:0:1");
	CHECK_STR(v6("fe80::0001"), "fe80::1");
	CHECK_STR(v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	CHECK_STR(v6("1:2:3:4:5:6:0:0"), "1:2:3:4:5:6::");
	CHECK_STR(v6("0.0.0.0"), "0.0.0.0");
	CHECK_STR(v6("255.255.255.255"), "255.255.255.255");
}

static void test_scan_and_lines(void)
{
	struct addr_line l;
	struct addr_error e;
	char msg[256];
	uint32_t a = 0;

	CHECK_INT(addr_scan_ipv4("10.1.2.3 x", 10, &a), 8);
	CHECK_INT(a, 0x0a010203);
	CHECK_INT(addr_scan_ipv4("255.255.255.255", 15, &a), 15);
	CHECK_INT(addr_scan_ipv4("256.1.1.1", 9, &a), 0);
	CHECK_INT(addr_scan_ipv4("01.1.1.1", 8, &a), 0);
	CHECK_INT(addr_scan_ipv4("1.1.1", 5, &a), 0);
	CHECK_INT(addr_scan_ipv4("1.1.1.1000", 10, &a), 0);
	CHECK_INT(addr_scan_ipv4("1.1.1.", 6, &a), 0);
	CHECK_INT(addr_classify_line("172.20.1.5\r", 11, &l, &e), 0);
	CHECK_INT(l.len, 10);
	CHECK_INT(l.cls, 'B');
	CHECK_STR(l.category, "private");
	CHECK_INT(l.category_len, 7);
	CHECK_INT(l.parsed, 0);
	CHECK_INT(addr_classify_line(" ::1\t", 5, &l, &e), 0);
	CHECK_INT(l.cls, '-');
	CHECK_STR(l.category, "loopback");
	CHECK_INT(l.parsed, 1);
	CHECK_INT(addr_classify_line(" 1.2.3.4x", 9, &l, &e), -1);
	CHECK_INT(e.code, ADDR_BAD_CHAR);
	addr_describe_error(l.addr, l.len, &e, msg, sizeof msg);
	CHECK_STR(msg, "'1.2.3.4x': unexpected character 'x' at position 8");
	addr_describe_error("1.2.3.4/33", 10,
			    &(struct addr_error){ ADDR_PREFIX_RANGE, 8, 2 }, msg, sizeof msg);
	CHECK_STR(msg, "'1.2.3.4/33': prefix length '33' is out of range (0-32)");
	addr_describe_error("a\001'", 3, &(struct addr_error){ ADDR_BAD_CHAR, 1, 1 },
			    msg, sizeof msg);
	CHECK_STR(msg, "'a\\x01\\x27': unexpected character '\\x01' at position 2");
}

int main(void)
{
	test_scan_and_lines();
	test_format_rfc5952();
	test_vectors();
	test_bad_input();
	test_networks();
	test_class_and_format();
	return unit_report();
}
