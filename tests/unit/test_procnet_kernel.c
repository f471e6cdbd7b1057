/* lib/procnet against /proc samples from a real kernel (tests/fixtures/kernel). */
#include <arpa/inet.h>
#include <stdlib.h>

#include "system/procnet.h"
#include "unit.h"

#define FIXTURE "tests/fixtures/kernel"

static const struct sock_rec *find_inode(const struct sock_list *l, unsigned long inode)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].inode == inode)
			return &l->v[i];
	return NULL;
}

static const char *ip6(const uint8_t *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static void test_ipv4_line(void)
{
	static const char line[] =
		"   1: 0100007F:9C09 0100007F:DA3A 01 00000002:00000064 00:00000000 "
		"00000000  1000        0 146686 1 000000004c80852a 20 4 30 10 -1";
	struct sock_rec r;

	CHECK_INT(procnet_parse_inet_line(line, sizeof line - 1, 4, &r), 0);
	CHECK(r.local[0] == 127 && r.local[1] == 0 && r.local[2] == 0 && r.local[3] == 1);
	CHECK_INT(r.lport, 0x9C09);
	CHECK_INT(r.rport, 0xDA3A);
	CHECK_INT(r.state, TS_ESTABLISHED);
	CHECK_INT(r.txq, 2);
	CHECK_INT(r.rxq, 100);
	CHECK_INT(r.uid, 1000);
	CHECK_INT(r.inode, 146686);
}

static void test_ipv6_words_in_host_order(void)
{
	static const char mapped[] =
		"   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:E320 "
		"01 00000000:00000000 00:00000000 00000000     0        0 146689 1 00000000bba604ea";
	static const char scoped[] =
		"   3: 000080FE00000000FF341202010047FE:C350 000080FE000000000000000002000000:0016 "
		"01 00000000:00000000 00:00000000 00000000  1000        0 200100 1 0";
	struct sock_rec r;
	char buf[INET6_ADDRSTRLEN];

	CHECK_INT(procnet_parse_inet_line(mapped, sizeof mapped - 1, 6, &r), 0);
	CHECK_STR(ip6(r.local, buf), "::ffff:127.0.0.1");
	CHECK_INT(r.lport, 8080);
	CHECK_INT(r.rport, 58144);
	CHECK_INT(procnet_parse_inet_line(scoped, sizeof scoped - 1, 6, &r), 0);
	CHECK_STR(ip6(r.local, buf), "fe80::212:34ff:fe47:1");
	CHECK_STR(ip6(r.remote, buf), "fe80::2");
	CHECK_INT(r.rport, 22);
}

static void test_malformed_lines(void)
{
	static const char *const bad[] = {
		"",
		"   0: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1",
		"   0: 0100007F:0016 00000000:0000 0A 00000000:000000",
		"   0: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1",
		"   0: 0100007:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1",
		"   0: 0100007F0:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1",
		"   0: 0100007F:12345 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1",
		"   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 99999999999999999999999",
		"   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1x",
	};
	struct sock_rec r;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(procnet_parse_inet_line(bad[i], strlen(bad[i]), 4, &r), -1);
	/* An IPv4 line is not an IPv6 one. */
	CHECK_INT(procnet_parse_inet_line(bad[0] + 0, 0, 6, &r), -1);
}

static void test_unix_lines(void)
{
	static const char spaced[] =
		"000000005b70d645: 00000002 00000000 00010000 0001 01 146694 /tmp/fix3/my sock";
	static const char abstract[] =
		"000000001feb248d: 00000002 00000000 00000000 0002 01 146695 @nettool-abstract\n";
	static const char unnamed[] = "0000000031a6f3df: 00000003 00000000 00000000 0001 03 146697";
	static const char bad[] = "00000000zz345678: 00000002 00000000 00010000 0001 01 300200 /bad";
	struct sock_rec r;

	CHECK_INT(procnet_parse_unix_line(spaced, sizeof spaced - 1, &r), 0);
	CHECK_STR(r.path, "/tmp/fix3/my sock");
	CHECK_INT(r.state, TS_LISTEN);
	CHECK_INT(r.unix_type, 1);
	CHECK_INT(r.inode, 146694);
	CHECK_STR(procnet_state_name(&r), "LISTENING");
	CHECK_INT(procnet_parse_unix_line(abstract, sizeof abstract - 1, &r), 0);
	CHECK_STR(r.path, "@nettool-abstract");
	CHECK_INT(r.unix_type, 2);
	CHECK_STR(procnet_state_name(&r), "UNCONN");
	CHECK_INT(procnet_parse_unix_line(unnamed, sizeof unnamed - 1, &r), 0);
	CHECK_STR(r.path, "");
	CHECK_STR(procnet_state_name(&r), "CONNECTED");
	CHECK_INT(procnet_parse_unix_line(bad, sizeof bad - 1, &r), -1);
}

static void test_read_fixture(void)
{
	struct sock_list l = { 0 };
	const struct sock_rec *r;
	static const char *const states[] = {
		"LISTEN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
		"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "CLOSING", "NEW_SYN_RECV",
	};
	size_t i, k;

	CHECK_INT(procnet_read(FIXTURE, 1u << SP_TCP | 1u << SP_UDP | 1u << SP_RAW | 1u << SP_UNIX,
			       0, &l), 0);
	/* tcp 14 good + 3 bad, tcp6 5 + 1 bad, udp 1, udp6 1, raw 1, raw6 1, unix 6 + 1 bad */
	CHECK_INT(l.n, 14 + 5 + 1 + 1 + 1 + 1 + 6);
	CHECK_INT(l.malformed, 3 + 1 + 1);
	for (k = 0; k < sizeof states / sizeof states[0]; k++) {
		int seen = 0;
		for (i = 0; i < l.n; i++)
			seen |= l.v[i].proto == SP_TCP && strcmp(procnet_state_name(&l.v[i]), states[k]) == 0;
		CHECK(seen);
	}
	r = find_inode(&l, 300004); /* the last line, no newline after it */
	CHECK(r && r->lport == 23 && r->state == TS_LISTEN);
	r = find_inode(&l, 146691);
	CHECK(r && r->proto == SP_UDP && r->family == 6 && r->lport == 53);
	r = find_inode(&l, 146693);
	CHECK(r && r->proto == SP_RAW && r->family == 6 && r->lport == 58);
	sock_list_free(&l);

	CHECK_INT(procnet_read(FIXTURE, 1u << SP_TCP, 6, &l), 0);
	CHECK_INT(l.n, 5);
	sock_list_free(&l);
	CHECK_INT(procnet_read("/nonexistent-proc", 1u << SP_TCP, 0, &l), -1);
	sock_list_free(&l);
}

static void test_state_names(void)
{
	CHECK_INT(procnet_state_from_name("ESTABLISHED"), TS_ESTABLISHED);
	CHECK_INT(procnet_state_from_name("estab"), TS_ESTABLISHED);
	CHECK_INT(procnet_state_from_name("time-wait"), TS_TIME_WAIT);
	CHECK_INT(procnet_state_from_name("FIN_WAIT_1"), TS_FIN_WAIT1);
	CHECK_INT(procnet_state_from_name("listen"), TS_LISTEN);
	CHECK_INT(procnet_state_from_name("bogus"), -1);
	CHECK_INT(procnet_state_from_name("ESTABLISHEDESTABLISHEDESTABLISHED"), -1);
}

static void test_owners(void)
{
	struct owner_map *m = procnet_owners(FIXTURE);
	const struct owner *o;
	struct owner who;
	struct sock_list l = { 0 };

	o = owner_lookup(m, 146684);
	CHECK(o && o->pid == 4242);
	CHECK_STR(o ? o->comm : NULL, "python3");
	o = owner_lookup(m, 146694);
	CHECK(o && o->pid == 4243);
	CHECK_STR(o ? o->comm : NULL, "nc");
	CHECK(owner_lookup(m, 146686) == NULL);
	CHECK(owner_lookup(m, 146999) == NULL); /* a pipe, not a socket */
	owner_map_free(m);

	CHECK_INT(procnet_find_port_owner(FIXTURE, SP_TCP, 8080, &who), 1);
	CHECK_INT(who.pid, 4242);
	CHECK_INT(procnet_find_port_owner(FIXTURE, SP_UDP, 5353, &who), 1);
	CHECK_STR(who.comm, "python3");
	/* not listening, but bound by nc */
	CHECK_INT(procnet_find_port_owner(FIXTURE, SP_TCP, 55866, &who), 1);
	CHECK_INT(who.pid, 4243);
	CHECK_INT(procnet_find_port_owner(FIXTURE, SP_TCP, 9, &who), 0);
	CHECK_INT(procnet_find_port_owner(FIXTURE, SP_UNIX, 9, &who), -1);

	CHECK_INT(procnet_sockets_of_pid(FIXTURE, 4242, &l), 0);
	CHECK_INT(l.n, 3); /* tcp 39945 listen, tcp6 8080 listen, udp 5353 */
	CHECK(find_inode(&l, 146684) && find_inode(&l, 146687) && find_inode(&l, 146690));
	sock_list_free(&l);
	CHECK_INT(procnet_sockets_of_pid(FIXTURE, 99999, &l), -1);
	sock_list_free(&l);
}

int main(void)
{
	test_ipv4_line();
	test_ipv6_words_in_host_order();
	test_malformed_lines();
	test_unix_lines();
	test_read_fixture();
	test_state_names();
	test_owners();
	return unit_report();
}
