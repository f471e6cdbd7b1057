/* libFuzzer target: each /proc/net line parser, whole-file parsing, the
 * snmp/netstat/snmp6 counter parsers and the sock_diag answer parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "system/procnet.h"
#include "system/snmp.h"
#include "system/sockdiag.h"
#include "system/sockfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct sock_list l = { 0 };
	struct sock_rec r;
	char buf[SOCKFMT_ADDRLEN];

	if (procnet_parse_inet_line(s, size, 4, &r) == 0)
		sockfmt_endpoint(r.local, 4, r.lport, 0, NULL, buf);
	if (procnet_parse_inet_line(s, size, 6, &r) == 0)
		sockfmt_endpoint(r.remote, 6, r.rport, 1, NULL, buf);
	if (procnet_parse_unix_line(s, size, &r) == 0 && strlen(r.path) >= sizeof r.path)
		__builtin_trap();
	if (sockdiag_parse(data, size, &r) == 0 && r.family != 4 && r.family != 6)
		__builtin_trap();
	{
		struct snmp_list c = { 0 };
		char buf[160];
		snmp_parse_pairs(s, size, &c);
		snmp_parse_snmp6(s, size, &c);
		for (size_t i = 0; i < c.n; i++)
			(void)snmp_sentence(&c.v[i], buf, sizeof buf);
		free(snmp_netstat_text(&c, 0));
		snmp_free(&c);
	}
	procnet_parse_text(s, size, SP_TCP, 6, &l);
	procnet_parse_text(s, size, SP_UNIX, 0, &l);
	for (size_t i = 0; i < l.n; i++)
		(void)procnet_state_name(&l.v[i]);
	sock_list_free(&l);
	return 0;
}
