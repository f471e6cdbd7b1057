/* lib/system/snmp: /proc/net/snmp, netstat and snmp6 text parsed, and
 * netstat -s's wording and layout. */
#include <stdlib.h>

#include "system/snmp.h"
#include "unit.h"

static const char snmp[] =
	"Ip: Forwarding DefaultTTL InReceives InHdrErrors\n"
	"Ip: 1 64 8 0\n"
	"Icmp: InMsgs InErrors InDestUnreachs OutMsgs OutErrors OutDestUnreachs\n"
	"Icmp: 6 0 6 6 0 6\n"
	"Tcp: RtoAlgorithm MaxConn ActiveOpens OutRsts InCsumErrors\n"
	"Tcp: 1 -1 100 100 0\n";
static const char netstat[] =
	"TcpExt: ListenOverflows ListenDrops DelayedACKLost TCPLossProbes\n"
	"TcpExt: 3 3 2 0\n";
static const char snmp6[] =
	"Ip6InReceives                   \t30\n"
	"Icmp6OutMsgs                    \t4\n"
	"UdpLite6InDatagrams             \t0\n"
	"Udp6NoPorts                     \t2\n";

static const struct snmp_counter *find(const struct snmp_list *l, const char *g, const char *n)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].group, g) == 0 && strcmp(l->v[i].name, n) == 0)
			return &l->v[i];
	return NULL;
}

static void test_parse(void)
{
	struct snmp_list l = { 0 };
	const struct snmp_counter *c;

	snmp_parse_pairs(snmp, sizeof snmp - 1, &l);
	snmp_parse_pairs(netstat, sizeof netstat - 1, &l);
	snmp_parse_snmp6(snmp6, sizeof snmp6 - 1, &l);
	CHECK_INT(l.malformed, 0);
	CHECK_INT(l.n, 4 + 6 + 5 + 4 + 4);
	c = find(&l, "Tcp", "OutRsts");
	CHECK(c && c->value == 100);
	c = find(&l, "Tcp", "MaxConn");
	CHECK(c && c->negative && c->value == 1);
	c = find(&l, "TcpExt", "ListenOverflows");
	CHECK(c && c->value == 3);
	CHECK(find(&l, "UdpLite6", "InDatagrams") != NULL); /* not Udp6 "LiteInDatagrams" */
	c = find(&l, "Udp6", "NoPorts");
	CHECK(c && c->value == 2);
	snmp_free(&l);
	/* broken text: counted, never read past */
	snmp_parse_pairs("Ip: A B\nIp: 1\n", strlen("Ip: A B\nIp: 1\n"), &l);
	CHECK_INT(l.n, 1);
	CHECK_INT(l.malformed, 1); /* B without a value */
	snmp_parse_pairs("Ip: A\nTcp: 1\n", strlen("Ip: A\nTcp: 1\n"), &l);
	CHECK_INT(l.malformed, 2);
	snmp_parse_pairs("Ip: A\nIp: 1x\n", strlen("Ip: A\nIp: 1x\n"), &l);
	CHECK_INT(l.malformed, 3);
	snmp_parse_pairs("Ip: A\nIp: 99999999999999999999999\n", strlen("Ip: A\nIp: 99999999999999999999999\n"), &l);
	CHECK_INT(l.malformed, 4);
	snmp_parse_snmp6("Foo 1\n", strlen("Foo 1\n"), &l);
	CHECK_INT(l.malformed, 5);
	snmp_free(&l);
}

static void test_wording(void)
{
	struct snmp_list l = { 0 };
	char *text;

	snmp_parse_pairs(snmp, sizeof snmp - 1, &l);
	snmp_parse_pairs(netstat, sizeof netstat - 1, &l);
	snmp_parse_snmp6(snmp6, sizeof snmp6 - 1, &l);
	text = snmp_netstat_text(&l, 0);
	CHECK_STR(text,
		  "Ip:\n"
		  "    Forwarding: 1\n"
		  "    8 total packets received\n"
		  "Icmp:\n"
		  "    6 ICMP messages received\n"
		  "    0 input ICMP message failed\n"
		  "    ICMP input histogram:\n"
		  "        destination unreachable: 6\n"
		  "    6 ICMP messages sent\n"
		  "    0 ICMP messages failed\n"
		  "    ICMP output histogram:\n"
		  "        destination unreachable: 6\n"
		  "Tcp:\n"
		  "    100 active connection openings\n"
		  "    100 resets sent\n"
		  "TcpExt:\n"
		  "    3 times the listen queue of a socket overflowed\n"
		  "    3 SYNs to LISTEN sockets dropped\n"
		  "    Quick ack mode was activated 2 times\n"
		  "Ip6:\n"
		  "    InReceives: 30\n"
		  "Icmp6:\n"
		  "    OutMsgs: 4\n"
		  "Udp6:\n"
		  "    NoPorts: 2\n");
	free(text);
	text = snmp_netstat_text(&l, 4);
	CHECK(text && !strstr(text, "Ip6:") && strstr(text, "Tcp:"));
	free(text);
	text = snmp_netstat_text(&l, 6);
	CHECK(text && strstr(text, "Ip6:") && !strstr(text, "Tcp:"));
	free(text);
	snmp_free(&l);
}

int main(void)
{
	test_parse();
	test_wording();
	return unit_report();
}
