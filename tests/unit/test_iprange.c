/* lib/net/iprange: counts with saturation, stepping, fping's -g hosts. */
#include <string.h>

#include "names/addr.h"
#include "net/iprange.h"
#include "unit.h"

static struct ip ip_of(const char *s)
{
	struct ip ip;
	struct addr_error e;

	memset(&ip, 0, sizeof ip);
	addr_parse(s, strlen(s), &ip, &e);
	return ip;
}

static void test_count(void)
{
	struct ip a = ip_of("10.0.0.1"), b = ip_of("10.0.0.254"), c = ip_of("10.1.0.0");
	struct ip v6a = ip_of("2001:db8::"), v6b = ip_of("2001:db8::ffff"), v6c = ip_of("2001:db9::");

	CHECK_INT(iprange_count(&a, &b, 65536), 254);
	CHECK_INT(iprange_count(&a, &a, 65536), 1);
	CHECK_INT(iprange_count(&b, &a, 65536), 0);          /* reversed */
	CHECK_INT(iprange_count(&a, &v6a, 65536), 0);        /* mixed */
	CHECK_INT(iprange_count(&a, &c, 65536), 65536);      /* 10.0.0.1 - 10.1.0.0 */
	CHECK_INT(iprange_count(&a, &c, 1000), 1001);        /* saturated at limit + 1 */
	CHECK_INT(iprange_count(&v6a, &v6b, 65536), 65536);
	CHECK_INT(iprange_count(&v6a, &v6c, 65536), 65537);  /* 2^96: saturated */
}

static void test_next_hosts(void)
{
	struct ip a = ip_of("10.0.0.255"), first, last;
	struct ip_prefix p;
	struct addr_error e;
	char t[ADDR_STRLEN];

	iprange_next(&a);
	CHECK_STR(addr_format(&a, t), "10.0.1.0");
	a = ip_of("2001:db8::ffff");
	iprange_next(&a);
	CHECK_STR(addr_format(&a, t), "2001:db8::1:0");
	addr_parse_prefix("192.0.2.77/24", 13, &p, &e);
	iprange_hosts(&p, &first, &last);
	CHECK_STR(addr_format(&first, t), "192.0.2.1");      /* no network */
	CHECK_STR(addr_format(&last, t), "192.0.2.254");     /* no broadcast */
	addr_parse_prefix("192.0.2.8/31", 12, &p, &e);
	iprange_hosts(&p, &first, &last);
	CHECK_STR(addr_format(&first, t), "192.0.2.8");
	CHECK_STR(addr_format(&last, t), "192.0.2.9");
	addr_parse_prefix("2001:db8::/126", 14, &p, &e);
	iprange_hosts(&p, &first, &last);
	CHECK_STR(addr_format(&first, t), "2001:db8::");
	CHECK_STR(addr_format(&last, t), "2001:db8::3");
}

int main(void)
{
	test_count();
	test_next_hosts();
	return unit_report();
}
