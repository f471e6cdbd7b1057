/* libFuzzer target: the address, prefix and netmask parsers, and every
 * function that takes what they return. */
#include <stdint.h>
#include <string.h>

#include "names/addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct ip_prefix p;
	struct addr_error e;
	struct addr_net n;
	struct addr_line l;
	char buf[ADDR_STRLEN], msg[2048];
	uint32_t a;

	if (addr_parse_ipv4(s, size, &a, &e) == 0) {
		(void)addr_category_ipv4(a);
		(void)addr_ipv4_class(a);
	} else if (e.pos > size || e.len > size - e.pos) {
		__builtin_trap(); /* the bad part must lie inside the input */
	}
	if (addr_parse_prefix(s, size, &p, &e) == 0) {
		(void)addr_classify(&p.ip);
		(void)addr_ipv6_mcast_scope(&p.ip);
		addr_format(&p.ip, buf);
		if (p.ip.version == 4)
			addr_format_binary(&p.ip, buf);
		addr_network(&p, &n);
	} else if (e.pos > size || e.len > size - e.pos) {
		__builtin_trap();
	}
	(void)addr_netmask_to_prefix(s, size, &e);
	if (addr_scan_ipv4(s, size, &a) > size)
		__builtin_trap();
	if (addr_classify_line(s, size, &l, &e) == 0) {
		if (l.addr < s || l.len > size - (size_t)(l.addr - s))
			__builtin_trap();
	} else if (e.code != ADDR_TOO_LONG) {
		addr_describe_error(l.addr, l.len, &e, msg, sizeof msg);
	}
	return 0;
}
