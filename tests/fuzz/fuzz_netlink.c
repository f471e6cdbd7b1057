/* libFuzzer target: rtnetlink datagrams through nl_walk and both message
 * parsers, and the names of whatever they read. */
#include <stdint.h>
#include <string.h>

#include "net/netlink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int each(const void *msg, size_t len, void *arg)
{
	struct nl_route r;
	struct nl_neigh n;
	const char *flags[8];
	char buf[12];

	(void)arg;
	if (nl_parse_route(msg, len, &r) == 0) {
		if (r.family != 4 && r.family != 6)
			__builtin_trap();
		(void)nl_route_type_name(r.type);
		(void)nl_protocol_name(r.protocol, buf);
		(void)nl_scope_name(r.scope, buf);
		(void)nl_table_name(r.table, buf);
		(void)nl_route_flag_names(r.flags, flags, 8);
	}
	if (nl_parse_neigh(msg, len, &n) == 0) {
		if (n.lladdr_len < 0 || (size_t)n.lladdr_len > sizeof n.lladdr)
			__builtin_trap();
		(void)nl_neigh_state_name(n.state);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)nl_walk(data, size, each, NULL);
	each(data, size, NULL);
	return 0;
}
