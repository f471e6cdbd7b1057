/* lib/system/procnet: /proc/net line parsers against crafted lines, the
 * hand-made fixture tree (tests/fixtures/proc) and samples from a real
 * kernel (tests/fixtures/kernel); sockfilter and sockdiff on the records. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "system/procnet.h"
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "system/sockdiag.h"
#include "system/sockdiff.h"
#include "system/sockfilter.h"
#include "system/sockfmt.h"
#include "unit.h"

#define FIXTURES "tests/fixtures/proc"
#define FIXTURE "tests/fixtures/kernel"

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
	CHECK_INT(procnet_state_from_name("FIN_WAIT_1"), TS_FIN_WAIT1);
	CHECK_INT(procnet_state_from_name("listen"), TS_LISTEN);
	CHECK_INT(procnet_state_from_name("ESTABLISHEDESTABLISHEDESTABLISHED"), -1);
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
	/* the tail: rto 20, ato 4 (ticks), quick/pingpong 30, cwnd 10, ssthresh -1 */
	CHECK_INT(r.has_info, 1);
	CHECK_INT(r.rto, 20);
	CHECK_INT(r.ato, 4);
	CHECK_INT(r.cwnd, 10);
	CHECK_INT(r.ssthresh, -1);
	CHECK_INT(r.timer, 0);
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

static void test_unix_lines_kernel(void)
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

static void test_owners_fixture(void)
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

/* The timer columns and the short tails of time-wait and UDP lines. */
static void test_timers(void)
{
	static const char on[] =
		"   2: 0100007F:9C0A 0A000002:1538 01 00000010:00000000 01:0000012C 00000003  0        0 5 1 0 40 0 0 1 7";
	static const char tw[] =
		"   3: 0100007F:9C0B 0A000002:1538 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000";
	struct sock_rec r;
	char buf[64];

	CHECK_INT(procnet_parse_inet_line(on, sizeof on - 1, 4, &r), 0);
	CHECK_INT(r.timer, 1);
	CHECK_INT(r.timer_ticks, 300);
	CHECK_INT(r.retrans, 3);
	CHECK_INT(r.has_info, 1);
	CHECK_INT(r.rto, 40);
	CHECK_INT(r.ssthresh, 7);
	sockfmt_timer(&r, buf, sizeof buf);
	CHECK_STR(buf, "on (3.00/3/0)");
	sockfmt_info(&r, buf, sizeof buf);
	CHECK_STR(buf, "rto:400 ato:0 cwnd:1 ssthresh:7 retrans:3");
	CHECK_INT(procnet_parse_inet_line(tw, sizeof tw - 1, 4, &r), 0);
	CHECK_STR(procnet_timer_name(r.timer), "timewait");
	CHECK_INT(r.timer_ticks, 6000);
	CHECK_INT(r.has_info, 0);
	CHECK_INT(sockfmt_info(&r, buf, sizeof buf), 0);
	CHECK_STR(procnet_timer_name(4), "probe");
	CHECK_STR(procnet_timer_name(9), "unknown");
}

static void test_filter_states(void)
{
	uint32_t m;
	const char *bad;

	CHECK_INT(sockfilter_states("established,time-wait", &m, &bad), 0);
	CHECK_INT(m, 1u << TS_ESTABLISHED | 1u << TS_TIME_WAIT);
	CHECK_INT(sockfilter_states("connected", &m, &bad), 0);
	CHECK(!(m & (1u << TS_LISTEN)) && !(m & (1u << TS_CLOSE)) && (m & (1u << TS_SYN_SENT)));
	CHECK_INT(sockfilter_states("synchronized", &m, &bad), 0);
	CHECK(!(m & (1u << TS_SYN_SENT)) && !(m & (1u << TS_SYN_RECV)) && (m & (1u << TS_CLOSE_WAIT)));
	CHECK_INT(sockfilter_states("LISTEN,unconn", &m, &bad), 0);
	CHECK_INT(m, 1u << TS_LISTEN | 1u << TS_CLOSE);
	CHECK_INT(sockfilter_states("bucket", &m, &bad), 0);
	CHECK_INT(m, 1u << TS_SYN_RECV | 1u << TS_TIME_WAIT);
	CHECK_INT(sockfilter_states("listen,bogus", &m, &bad), -1);
	CHECK_STR(bad, "bogus");
	CHECK_INT(sockfilter_states("listen,", &m, &bad), -1);
	CHECK_INT(sockfilter_states("", &m, &bad), -1);
}

static void test_filter_match(void)
{
	struct sock_filter f;
	struct sock_rec r;
	struct port_range pr;
	struct addr_error err;
	const char *v4 = "   1: 0100000A:1538 0101A8C0:9C41 01 00000005:00000007 00:00000000 00000000  1000        0 5002 1 0 100 0 0 10 0";

	CHECK_INT(procnet_parse_inet_line(v4, strlen(v4), 4, &r), 0); /* 10.0.0.1:5432 -> 192.168.1.1:40001 */
	r.proto = SP_TCP;
	memset(&f, 0, sizeof f);
	CHECK_INT(sockfilter_match(&f, &r), 1);
	f.listening = SF_LISTEN_ONLY;
	CHECK_INT(sockfilter_match(&f, &r), 0);
	f.listening = SF_LISTEN_ALL;
	CHECK_INT(sockfilter_port_range("5000-6000", &f.sport), 0);
	CHECK_INT(sockfilter_match(&f, &r), 1);
	CHECK_INT(sockfilter_port_range("40002-65535", &f.dport), 0);
	CHECK_INT(sockfilter_match(&f, &r), 0);
	f.dport.on = 0;
	CHECK_INT(addr_parse_prefix("10.0.0.0/8", 10, &f.src, &err), 0);
	f.has_src = 1;
	CHECK_INT(sockfilter_match(&f, &r), 1);
	CHECK_INT(addr_parse_prefix("192.168.1.0/25", 14, &f.dst, &err), 0);
	f.has_dst = 1;
	CHECK_INT(sockfilter_match(&f, &r), 1);
	CHECK_INT(addr_parse_prefix("192.168.1.128/25", 16, &f.dst, &err), 0);
	CHECK_INT(sockfilter_match(&f, &r), 0);
	CHECK_INT(addr_parse_prefix("::/0", 4, &f.dst, &err), 0);
	CHECK_INT(sockfilter_match(&f, &r), 0); /* an IPv6 prefix never holds an IPv4 socket */
	CHECK_INT(sockfilter_port_range("6000-5000", &pr), -1);
	CHECK_INT(sockfilter_port_range("65536", &pr), -1);
	CHECK_INT(sockfilter_port_range("1-", &pr), -1);
	CHECK_INT(sockfilter_port_range("x", &pr), -1);
}

static void test_diff_fn(enum sockdiff_kind kind, const struct sock_rec *r,
			 const struct sock_rec *old, void *arg)
{
	char *log = arg;
	size_t n = strlen(log);

	snprintf(log + n, 256 - n, "%c%u%s ", "-+~"[kind], r->lport,
		 old ? procnet_state_name(old) : "");
}

static void test_diff(void)
{
	struct sock_rec a[3], b[3];
	struct sock_list old = { a, 3, 3, 0 }, now = { b, 3, 3, 0 };
	char log[256] = "";
	int i;

	memset(a, 0, sizeof a);
	for (i = 0; i < 3; i++) {
		a[i].family = 4;
		a[i].state = TS_ESTABLISHED;
	}
	a[0].lport = 30; a[1].lport = 10; a[2].lport = 20;
	memcpy(b, a, sizeof b);
	b[0].lport = 40;               /* 30 gone, 40 new */
	b[2].state = TS_TIME_WAIT;     /* 20 changed */
	sockdiff_sort(&old);
	sockdiff_sort(&now);
	CHECK_INT(old.v[0].lport, 10);
	sockdiff_run(&old, &now, test_diff_fn, log);
	CHECK_STR(log, "~20ESTABLISHED -30 +40 ");
}

/* sock_diag: the bytecode the filters compile to, and an answer parsed. */
static void test_sockdiag(void)
{
	struct sock_filter f;
	struct addr_error err;
	uint8_t bc[256];
	struct { struct nlmsghdr h; struct inet_diag_msg m; } msg;
	struct sock_rec r;
	size_t n;

	memset(&f, 0, sizeof f);
	CHECK_INT(sockdiag_useful(&f), 0);
	CHECK_INT(sockdiag_bytecode(&f, 4, bc, sizeof bc), 0);
	CHECK_INT(sockfilter_port_range("5000-6000", &f.dport), 0);
	CHECK_INT(addr_parse_prefix("10.0.0.0/8", 10, &f.dst, &err), 0);
	f.has_dst = 1;
	CHECK_INT(sockdiag_useful(&f), 1);
	n = sockdiag_bytecode(&f, 4, bc, sizeof bc);
	CHECK_INT(n, 8 + 8 + 4 + 8 + 4);          /* D_GE, D_LE, D_COND with an IPv4 address */
	CHECK_INT(bc[0], INET_DIAG_BC_D_GE);
	CHECK_INT(bc[1], 8);                       /* yes: the next op */
	CHECK_INT(bc[2] | bc[3] << 8, n + 4);      /* no: past the end, rejected */
	CHECK_INT(bc[6] | bc[7] << 8, 5000);
	CHECK_INT(bc[8], INET_DIAG_BC_D_LE);
	CHECK_INT(bc[10] | bc[11] << 8, n - 8 + 4);
	CHECK_INT(bc[14] | bc[15] << 8, 6000);
	CHECK_INT(bc[16], INET_DIAG_BC_D_COND);
	CHECK_INT(bc[20], AF_INET);
	CHECK_INT(bc[21], 8);                      /* prefix length */
	CHECK_INT(bc[28], 10);                     /* the address */
	CHECK_INT(sockdiag_bytecode(&f, 6, bc, sizeof bc), 16); /* no IPv4 prefix in a v6 dump */
	CHECK_INT(sockdiag_bytecode(&f, 4, bc, 20), 0);         /* no room: no bytecode */

	memset(&msg, 0, sizeof msg);
	msg.h.nlmsg_len = sizeof msg;
	msg.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.m.idiag_family = AF_INET;
	msg.m.idiag_state = TS_ESTABLISHED;
	msg.m.idiag_timer = 1;
	msg.m.idiag_retrans = 3;
	msg.m.idiag_expires = 1230;
	msg.m.id.idiag_sport = htons(40000);
	msg.m.id.idiag_dport = htons(5432);
	msg.m.id.idiag_dst[0] = htonl(0x0a000001);
	msg.m.idiag_wqueue = 7;
	msg.m.idiag_inode = 99;
	CHECK_INT(sockdiag_parse(&msg, sizeof msg, &r), 0);
	CHECK(r.proto == SP_TCP && r.family == 4 && r.lport == 40000 && r.rport == 5432);
	CHECK(r.remote[0] == 10 && r.remote[3] == 1 && r.txq == 7 && r.inode == 99);
	CHECK_STR(sockfmt_timer(&r, (char *)bc, sizeof bc) ? (char *)bc : NULL, "on (1.23/3/0)");
	CHECK_INT(sockdiag_parse(&msg, sizeof msg - 1, &r), -1);
	msg.m.idiag_family = 99;
	CHECK_INT(sockdiag_parse(&msg, sizeof msg, &r), -1);
}

int main(void)
{
	test_inet_lines();
	test_unix_lines();
	test_fixture_files();
	test_states();
	test_owners();
	test_ipv4_line();
	test_ipv6_words_in_host_order();
	test_malformed_lines();
	test_unix_lines_kernel();
	test_read_fixture();
	test_owners_fixture();
	test_timers();
	test_filter_states();
	test_filter_match();
	test_diff();
	test_sockdiag();
	return unit_report();
}
