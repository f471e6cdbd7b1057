/* lib/procnet: /proc/net line parsers against fixtures and crafted lines. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "system/procnet.h"
#include "system/sockfmt.h"
#include "unit.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures/proc"
#endif

static const char *endpoint(const struct sock_rec *r, int remote)
{
	static char buf[SOCKFMT_ADDRLEN];
	sockfmt_endpoint(remote ? r->remote : r->local, r->family,
			 remote ? r->rport : r->lport, remote, NULL, buf);
	return buf;
}

static void test_inet_lines(void)
{
	struct sock_rec r;
	const char *v4 = "   1: 0100007F:1538 0100007F:9C41 01 00000005:00000007 00:00000000 00000000  1000        0 5002 1 0000000000000000 100 0 0 10 0";
	const char *v6 = "   3: 000080FE000000000000000001000000:0016 0000000000000000FFFF00000100007F:CB20 0A 00000000:00000000 00:00000000 00000000     0        0 6004 1 0";

	CHECK(procnet_parse_inet_line(v4, strlen(v4), 4, &r) == 0);
	CHECK_STR(endpoint(&r, 0), "127.0.0.1:5432");
	CHECK_STR(endpoint(&r, 1), "127.0.0.1:40001");
	CHECK_INT(r.state, TS_ESTABLISHED);
	CHECK_INT(r.txq, 5);
	CHECK_INT(r.rxq, 7);
	CHECK_INT(r.uid, 1000);
	CHECK_INT(r.inode, 5002);
	CHECK(procnet_parse_inet_line(v6, strlen(v6), 6, &r) == 0);
	CHECK_STR(endpoint(&r, 0), "[fe80::1]:22");
	CHECK_STR(endpoint(&r, 1), "[::ffff:127.0.0.1]:52000");
	CHECK_INT(r.state, TS_LISTEN);
	/* malformed and truncated lines are refused, never half-read */
	CHECK(procnet_parse_inet_line(v4, 20, 4, &r) < 0);
	CHECK(procnet_parse_inet_line(v6, strlen(v6), 4, &r) < 0);
	CHECK(procnet_parse_inet_line(v4, strlen(v4), 6, &r) < 0);
	CHECK(procnet_parse_inet_line("", 0, 4, &r) < 0);
	CHECK(procnet_parse_inet_line("   1: 0100007G:1538 0100007F:9C41 01 0:0 00:0 0 0 0 1", 52, 4, &r) < 0);
}

static void test_unix_lines(void)
{
	struct sock_rec r;
	const char *a = "0000000000000004: 00000002 00000000 00010000 0005 01  8004 /tmp/a path with spaces";
	const char *b = "0000000000000003: 00000002 00000000 00000000 0002 01  8003 @abstract";
	const char *c = "0000000000000002: 00000003 00000000 00000000 0001 03  8002";

	CHECK(procnet_parse_unix_line(a, strlen(a), &r) == 0);
	CHECK_STR(r.path, "/tmp/a path with spaces");
	CHECK_INT(r.state, TS_LISTEN);
	CHECK_INT(r.unix_type, 5);
	CHECK_INT(r.inode, 8004);
	CHECK(procnet_parse_unix_line(b, strlen(b), &r) == 0);
	CHECK_STR(r.path, "@abstract");
	CHECK_STR(procnet_state_name(&r), "UNCONN");
	CHECK(procnet_parse_unix_line(c, strlen(c), &r) == 0);
	CHECK_STR(r.path, "");
	CHECK_STR(procnet_state_name(&r), "CONNECTED");
	CHECK(procnet_parse_unix_line("garbage", 7, &r) < 0);
}

static void test_fixture_files(void)
{
	struct sock_list l = { 0 };
	size_t i, listen = 0, tw = 0;

	CHECK(procnet_read(FIXTURES, 1u << SP_TCP, 0, &l) == 0);
	CHECK_INT(l.n, 15);          /* 11 in tcp, 4 in tcp6 */
	CHECK_INT(l.malformed, 2);   /* a truncated line and one with bad hex */
	for (i = 0; i < l.n; i++) {
		listen += l.v[i].state == TS_LISTEN;
		tw += l.v[i].state == TS_TIME_WAIT;
	}
	CHECK_INT(listen, 2);
	CHECK_INT(tw, 1);
	sock_list_free(&l);
	l.malformed = 0;
	CHECK(procnet_read(FIXTURES, 1u << SP_UNIX, 0, &l) == 0);
	CHECK_INT(l.n, 4);
	CHECK_INT(l.malformed, 1);
	sock_list_free(&l);
	l.malformed = 0;
	CHECK(procnet_read(FIXTURES, 1u << SP_UDP | 1u << SP_RAW, 6, &l) == 0);
	CHECK_INT(l.n, 1);
	sock_list_free(&l);
	CHECK(procnet_read("/nonexistent", 1u << SP_TCP, 4, &l) < 0);
}

static void test_states(void)
{
	CHECK_INT(procnet_state_from_name("ESTABLISHED"), TS_ESTABLISHED);
	CHECK_INT(procnet_state_from_name("established"), TS_ESTABLISHED);
	CHECK_INT(procnet_state_from_name("time-wait"), TS_TIME_WAIT);
	CHECK_INT(procnet_state_from_name("fin-wait-1"), TS_FIN_WAIT1);
	CHECK_INT(procnet_state_from_name("estab"), TS_ESTABLISHED);
	CHECK_INT(procnet_state_from_name("bogus"), -1);
	CHECK_INT(procnet_state_from_name(""), -1);
}

static void test_owners(void)
{
	struct owner_map *m = procnet_owners("/proc");
	struct owner who;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { 0 };
	socklen_t len = sizeof sa;
	int found;

	owner_map_free(m);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(s >= 0);
	CHECK(bind(s, (struct sockaddr *)&sa, sizeof sa) == 0);
	CHECK(listen(s, 1) == 0);
	CHECK(getsockname(s, (struct sockaddr *)&sa, &len) == 0);
	found = procnet_find_port_owner("/proc", SP_TCP, ntohs(sa.sin_port), &who);
	CHECK_INT(found, 1);
	CHECK_INT(who.pid, getpid());
	close(s);
}

int main(void)
{
	test_inet_lines();
	test_unix_lines();
	test_fixture_files();
	test_states();
	test_owners();
	return unit_report();
}
