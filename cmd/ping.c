/* ping: an ICMP/ICMPv6 echo probe with iputils' output. The probing,
 * matching and statistics are lib/net/ping's; this file parses options,
 * runs it on the loop and renders its events. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "core/alloc.h"
#include "core/loop.h"
#include "core/out.h"
#include "net/ping.h"
#include "net/tcping.h"
#include "ping.h"

const char ping_usage[] =
"usage: nettool ping [-4|-6] [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-w DEADLINE]\n"
"                    [-s SIZE] [-t TTL] [-q] [-f] [-D] [-I IFACE] [-M PMTUDISC]\n"
"                    [-Q TOS] [-p PATTERN] [-l PRELOAD] [-O] [-b] [-n] [--json] HOST\n"
"       nettool ping --tcp PORT [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [--json] HOST\n"
"       nettool ping [-c COUNT] [-i INTERVAL] [--rate PPS] [-W TIMEOUT] [--retries N]\n"
"                    [-a] [-u] [--force] [--json] HOST... | -g CIDR | -g START END | --file FILE\n"
"\n"
"Send ICMP (or ICMPv6) echo requests to HOST and report the replies in\n"
"iputils ping's format, statistics at the end and on Ctrl-C; or probe many\n"
"targets at once and report them as fping does.\n"
"\n"
"  -4, -6         use IPv4 or IPv6 only\n"
"  -c COUNT       stop after COUNT replies (or COUNT sent and waited for)\n"
"  -i INTERVAL    seconds between requests (default 1; below 0.002 root only)\n"
"  -W TIMEOUT     seconds to wait for a reply when none came (default 10;\n"
"                 1 with several targets, 2 with --tcp)\n"
"  -w DEADLINE    stop after DEADLINE seconds whatever happened\n"
"  -s SIZE        data bytes per request (default 56)\n"
"  -t TTL         IP time to live (IPv6 hop limit)\n"
"  -q             quiet: only the header and the statistics\n"
"  -f             flood: the next request as soon as a reply came (root only)\n"
"  -D             print the receive time (UNIX time) before each line\n"
"  -I IFACE       send from this interface, or from this source address\n"
"  -M PMTUDISC    path MTU discovery: do (set DF), want, dont\n"
"  -Q TOS         type of service / traffic class byte (0-255, 0x10)\n"
"  -p PATTERN     fill the data with these hex bytes (up to 16: ff00)\n"
"  -l PRELOAD     send PRELOAD requests at once at the start\n"
"  -O             report a request still unanswered when the next one goes\n"
"  -b             allow pinging a broadcast address\n"
"  -n             numeric output (always so; accepted for scripts)\n"
"  -j, --json     one JSON object per reply or error and one for the summary\n"
"\n"
"Several HOST operands, -g or --file probe many targets (fping's output):\n"
"  -g CIDR, -g START END   every host address of a prefix or a range\n"
"  --file FILE    one target per line ('-': standard input)\n"
"  --rate PPS     probes per second in all (default 1000; 100 unprivileged)\n"
"  --retries N    without -c: probes after the first to a silent target (2)\n"
"  -a, --alive    print only the targets that answered, one per line\n"
"  -u, --unreachable  print only the targets that did not\n"
"  --force        allow -g of more than 65536 addresses\n"
"\n"
"  --tcp PORT     time a TCP connect to PORT instead (tcping; no privilege):\n"
"                 a refused connect is an answer, a timeout a loss\n";

/* ---- options -------------------------------------------------------------- */

enum { OPT_FILE = 256, OPT_RATE, OPT_FORCE, OPT_RETRIES, OPT_TCP };

/* The options of iputils' single-target ping. */
static int single_option(struct cli *c, int ch)
{
	struct ping_opts *o = &c->o;

	switch (ch) {
	case '4': c->family = 4; break;
	case '6': c->family = 6; break;
	case 'c': o->count = opt_count("count", optarg, 1, 1000000000L); break;
	case 'i': o->interval_us = opt_seconds("interval", optarg, 0, 3600); c->interval_set = 1; break;
	case 'W': o->timeout_us = opt_seconds("timeout", optarg, 0, 3600); c->timeout_set = 1; break;
	case 'w': o->deadline_us = opt_seconds("deadline", optarg, 0.001, 1e9); break;
	case 's': o->datalen = (size_t)opt_count("size", optarg, 0, 65507); break;
	case 't': o->sock.ttl = (int)opt_count("ttl", optarg, 1, 255); break;
	case 'q': c->quiet = 1; break;
	case 'f': o->flood = 1; break;
	case 'D': c->timestamps = 1; break;
	case 'j': c->json = 1; break;
	case 'I': parse_iface(o, optarg); break;
	case 'M': parse_pmtu(o, optarg); break;
	case 'Q': o->sock.tos = parse_tos(optarg); break;
	case 'p': parse_pattern(o, optarg); break;
	case 'l': o->preload = (int)opt_count("preload", optarg, 1, 65536); break;
	case 'O': o->report_missing = 1; break;
	case 'b': o->sock.broadcast = 1; break;
	case 'n': break;
	default: return 0;
	}
	return 1;
}

static void many_option(struct cli *c, int ch)
{
	switch (ch) {
	case 'g': c->gen = optarg; break;
	case 'a': c->alive_only = 1; break;
	case 'u': c->unreach_only = 1; break;
	case OPT_FILE: c->file = optarg; break;
	case OPT_RATE: c->rate = opt_count("rate", optarg, 1, 1000000); break;
	case OPT_FORCE: c->force = 1; break;
	case OPT_RETRIES: c->o.tries = 1 + (int)opt_count("retries", optarg, 0, 100); break;
	case OPT_TCP: c->tcp_port = opt_port(optarg, 1); break;
	}
}

static void check_options(struct cli *c)
{
	struct ping_opts *o = &c->o;

	if (getuid() != 0 && o->flood)
		nt_usage_error("flood (-f) is for root only");
	if (getuid() != 0 && o->interval_us < 2000)
		nt_usage_error("interval below 0.002 s is for root only");
	if (getuid() != 0 && o->preload > 3)
		nt_usage_error("preload above 3 is for root only");
	if (o->many && o->flood)
		nt_usage_error("flood (-f) is for one target");
	if (c->tcp_port && (o->many || o->flood))
		nt_usage_error("--tcp takes one host and no -f");
	if (!o->many && c->alive_only)
		nt_usage_error("'-a' is not iputils' audible ping (nettool has none): it is "
			       "fping's alive filter, for several targets ('nettool ping -a HOST HOST...', "
			       "-g CIDR, --file FILE)");
	if (!o->many && (c->unreach_only || c->rate || c->force))
		nt_usage_error("-u, --rate and --force are for several targets");
	if (o->flood)
		o->interval_us = 0;
	if (c->tcp_port && !c->timeout_set)
		o->timeout_us = 2000000;
	if (o->many) {
		if (!c->timeout_set)
			o->timeout_us = 1000000;
		if (!o->tries)
			o->tries = 3;
		if (!c->rate)
			c->rate = getuid() == 0 ? 1000 : 100;
		o->gap_us = 1000000 / c->rate;
	}
}

static void parse_options(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "alive", no_argument, NULL, 'a' },
		{ "unreachable", no_argument, NULL, 'u' },
		{ "file", required_argument, NULL, OPT_FILE },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "tcp", required_argument, NULL, OPT_TCP },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	c->o.interval_us = 1000000;
	c->o.timeout_us = 10000000;
	c->o.datalen = 56;
	pingsock_opts_init(&c->o.sock);
	while ((ch = nt_getopt(argc, argv, "46c:i:W:w:s:t:qfDjI:M:Q:p:l:Obng:au", longopts)) != -1)
		if (!single_option(c, ch))
			many_option(c, ch);
	c->hosts = argv + optind;
	c->nhosts = argc - optind;
	if (!c->nhosts && !c->gen && !c->file)
		nt_usage_error("name a host to ping (see 'nettool ping --help')");
	c->o.many = c->gen || c->file || c->nhosts > 1;
	c->host = c->nhosts ? c->hosts[0] : NULL;
	check_options(c);
}

int ping_resolve(const struct cli *c, const char *host, struct sockaddr_storage *ss,
		 socklen_t *len)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = c->family == 4 ? AF_INET : c->family == 6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_RAW;
	hints.ai_flags = AI_NUMERICHOST;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc == EAI_NONAME) {
		hints.ai_flags = 0; /* a name: now, and only now, ask DNS */
		rc = getaddrinfo(host, NULL, &hints, &res);
	}
	if (rc != 0)
		return rc;
	*len = res->ai_addrlen < sizeof *ss ? res->ai_addrlen : sizeof *ss;
	memcpy(ss, res->ai_addr, *len);
	freeaddrinfo(res);
	return 0;
}

/* Both ways of getting an ICMP socket of that family failed: say why
 * each did and how to allow either. */
static noreturn void socket_error(const struct cli *c, int family)
{
	int i = family == 6, raw_errno = c->open_errno[i], dgram_errno = c->open_dgram_errno[i];
	char dgram[128];

	if (!dgram_errno)
		nt_die(EXIT_USAGE, "cannot set up the ICMP socket: %s", strerror(raw_errno));
	snprintf(dgram, sizeof dgram, "%s", strerror(dgram_errno));
	nt_die(EXIT_USAGE, "cannot open an ICMP socket (datagram: %s; raw: %s): allow "
	       "group %ld with 'sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"', "
	       "or give the binary CAP_NET_RAW with 'setcap cap_net_raw+ep nettool'",
	       dgram, strerror(raw_errno), (long)getgid());
}

/* The families to open before any name is resolved: the one -4/-6 or a
 * numeric host names, else both (a name may resolve to either). */
static void wanted_families(const struct cli *c, int want[2])
{
	unsigned char b[16];

	want[0] = want[1] = 0;
	if (c->family)
		want[c->family == 6] = 1;
	else if (!c->o.many && inet_pton(AF_INET, c->host, b) == 1)
		want[0] = 1;
	else if (!c->o.many && inet_pton(AF_INET6, c->host, b) == 1)
		want[1] = 1;
	else
		want[0] = want[1] = 1;
}

/* Sockets first, then privileges go, and only then are names resolved. */
static void open_sockets(struct cli *c)
{
	int want[2], i, opened = 0;

	wanted_families(c, want);
	for (i = 0; i < 2; i++) {
		if (!want[i])
			continue;
		if (ping_open(c->s, i ? 6 : 4, &c->open_dgram_errno[i]) == 0)
			opened++;
		else
			c->open_errno[i] = errno;
	}
	if (!opened)
		socket_error(c, want[0] ? 4 : 6);
	if (pingsock_drop_privileges() < 0)
		nt_die(EXIT_USAGE, "cannot drop privileges: %s", strerror(errno));
}

/* Every target's family has its socket. */
static void check_families(const struct cli *c)
{
	size_t i, n = ping_ntargets(c->s);

	for (i = 0; i < n; i++) {
		const struct ping_target *t = ping_target_at(c->s, i);
		if (!ping_has_family(c->s, t->family))
			socket_error(c, t->family);
	}
}

/* ---- running ---------------------------------------------------------------------- */

static void on_signal(struct loop *l, int signo, void *arg)
{
	struct cli *c = arg;

	(void)l;
	(void)signo;
	if (c->tcp)
		tcping_stop(c->tcp);
	else
		ping_stop(c->s);
}

static void one_target(struct cli *c)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char q[256];
	int rc = ping_resolve(c, c->host, &ss, &len);

	if (rc)
		nt_usage_error("cannot resolve '%s': %s", nt_quote(c->host, q, sizeof q),
			       gai_strerror(rc));
	if (ss.ss_family == AF_INET6 && c->o.datalen > 65527)
		c->o.datalen = 65527; /* as the session will */
	ping_add(c->s, c->host, (struct sockaddr *)&ss, len);
}

static int tcp_main(struct cli *c, struct loop *l)
{
	int rc = ping_tcp_run(c, l);

	out_close(c->jreply);
	ping_free(c->s);
	loop_free(l);
	return rc;
}

int cmd_ping(int argc, char **argv)
{
	struct cli c;
	struct loop *l;
	int rc;

	memset(&c, 0, sizeof c);
	parse_options(&c, argc, argv);
	c.s = ping_new(&c.o, c.o.many ? ping_many_event : ping_print_event, &c);
	if (c.tcp_port && pingsock_drop_privileges() < 0) /* none needed */
		nt_die(EXIT_USAGE, "cannot drop privileges: %s", strerror(errno));
	if (!c.tcp_port)
		open_sockets(&c);
	if (c.o.many)
		ping_many_targets(&c);
	else
		one_target(&c);
	if (!c.tcp_port)
		check_families(&c);
	l = loop_new();
	if (!l || loop_signal(l, SIGINT, on_signal, &c) < 0 ||
	    loop_signal(l, SIGTERM, on_signal, &c) < 0)
		nt_die(EXIT_USAGE, "cannot set up the event loop: %s", strerror(errno));
	if (c.tcp_port)
		return tcp_main(&c, l);
	if (!c.o.many)
		ping_print_header(&c);
	if (ping_start(c.s, l) < 0 || loop_run(l) < 0)
		nt_die(EXIT_NO, "waiting for replies failed: %s", strerror(errno));
	if (c.o.many) {
		rc = ping_many_summary(&c);
	} else {
		ping_print_summary(&c);
		rc = ping_target_at(c.s, 0)->st.received ? EXIT_YES : EXIT_NO;
	}
	out_close(c.jreply);
	out_close(c.jerror);
	ping_free(c.s);
	loop_free(l);
	return rc;
}
