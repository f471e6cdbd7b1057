/* ping: an ICMP/ICMPv6 echo probe with iputils' output. The probing,
 * matching and statistics are lib/net/ping's; this file parses options,
 * runs it on the loop and renders its events. */
#define _GNU_SOURCE
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
#include "ping.h"

const char ping_usage[] =
"usage: nettool ping [-4|-6] [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-w DEADLINE]\n"
"                    [-s SIZE] [-t TTL] [-q] [-f] [-D] [--json] HOST\n"
"\n"
"Send ICMP (or ICMPv6) echo requests to HOST and report the replies in\n"
"iputils ping's format, statistics at the end and on Ctrl-C.\n"
"\n"
"  -4, -6         use IPv4 or IPv6 only\n"
"  -c COUNT       stop after COUNT replies (or COUNT sent and waited for)\n"
"  -i INTERVAL    seconds between requests (default 1; below 0.002 root only)\n"
"  -W TIMEOUT     seconds to wait for a reply when none came (default 10)\n"
"  -w DEADLINE    stop after DEADLINE seconds whatever happened\n"
"  -s SIZE        data bytes per request (default 56)\n"
"  -t TTL         IP time to live (IPv6 hop limit)\n"
"  -q             quiet: only the header and the statistics\n"
"  -f             flood: the next request as soon as a reply came (root only)\n"
"  -D             print the receive time (UNIX time) before each line\n"
"  -j, --json     one JSON object per reply or error and one for the summary\n";


/* ---- options -------------------------------------------------------------- */

static void parse_options(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct ping_opts *o = &c->o;
	char q[128];
	int ch;

	o->interval_us = 1000000;
	o->timeout_us = 10000000;
	o->datalen = 56;
	pingsock_opts_init(&o->sock);
	while ((ch = nt_getopt(argc, argv, "46c:i:W:w:s:t:qfDj", longopts)) != -1) {
		switch (ch) {
		case '4': c->family = 4; break;
		case '6': c->family = 6; break;
		case 'c': o->count = opt_count("count", optarg, 1, 1000000000L); break;
		case 'i': o->interval_us = opt_seconds("interval", optarg, 0, 3600); break;
		case 'W': o->timeout_us = opt_seconds("timeout", optarg, 0, 3600); break;
		case 'w': o->deadline_us = opt_seconds("deadline", optarg, 0.001, 1e9); break;
		case 's': o->datalen = (size_t)opt_count("size", optarg, 0, 65507); break;
		case 't': o->sock.ttl = (int)opt_count("ttl", optarg, 1, 255); break;
		case 'q': c->quiet = 1; break;
		case 'f': o->flood = 1; break;
		case 'D': c->timestamps = 1; break;
		case 'j': c->json = 1; break;
		}
	}
	if (optind >= argc)
		nt_usage_error("name a host to ping (see 'nettool ping --help')");
	if (optind + 1 < argc)
		nt_usage_error("unexpected argument '%s' (one host at a time)",
			       nt_quote(argv[optind + 1], q, sizeof q));
	c->host = argv[optind];
	if (geteuid() != 0 && o->flood)
		nt_usage_error("flood (-f) is for root only");
	if (geteuid() != 0 && o->interval_us < 2000)
		nt_usage_error("interval below 0.002 s is for root only");
	if (o->flood)
		o->interval_us = 0;
}

/* Numeric addresses never reach DNS; names do, and only then. */
static socklen_t resolve(const struct cli *c, const char *host, struct sockaddr_storage *ss)
{
	socklen_t len;
	struct addrinfo hints, *res;
	char q[256];
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = c->family == 4 ? AF_INET : c->family == 6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_RAW;
	hints.ai_flags = AI_NUMERICHOST;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc == EAI_NONAME) {
		hints.ai_flags = 0;
		rc = getaddrinfo(host, NULL, &hints, &res);
	}
	if (rc != 0)
		nt_usage_error("cannot resolve '%s': %s", nt_quote(host, q, sizeof q),
			       gai_strerror(rc));
	len = res->ai_addrlen < sizeof *ss ? res->ai_addrlen : sizeof *ss;
	memcpy(ss, res->ai_addr, len);
	freeaddrinfo(res);
	return len;
}

/* Both ways of getting an ICMP socket failed: say why each did and how to
 * allow either. */
static void open_sockets(struct cli *c)
{
	int family = 4, dgram_errno = 0;
	char dgram[128];

	if (ping_open(c->s, &family, &dgram_errno) < 0) {
		int raw_errno = errno;
		if (!dgram_errno)
			nt_die(EXIT_USAGE, "cannot set up the ICMP socket: %s", strerror(raw_errno));
		snprintf(dgram, sizeof dgram, "%s", strerror(dgram_errno));
		nt_die(EXIT_USAGE, "cannot open an ICMP socket (datagram: %s; raw: %s): allow "
		       "group %ld with 'sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"', "
		       "or give the binary CAP_NET_RAW with 'setcap cap_net_raw+ep nettool'",
		       dgram, strerror(raw_errno), (long)getgid());
	}
	if (pingsock_drop_privileges() < 0)
		nt_die(EXIT_USAGE, "cannot drop privileges: %s", strerror(errno));
}

/* ---- running ---------------------------------------------------------------------- */

static void on_signal(struct loop *l, int signo, void *arg)
{
	(void)l;
	(void)signo;
	ping_stop(arg);
}

int cmd_ping(int argc, char **argv)
{
	struct cli c;
	struct loop *l;
	int rc;

	struct sockaddr_storage ss;
	socklen_t len;

	memset(&c, 0, sizeof c);
	parse_options(&c, argc, argv);
	len = resolve(&c, c.host, &ss);
	if (ss.ss_family == AF_INET6 && c.o.datalen > 65527)
		c.o.datalen = 65527;
	c.s = ping_new(&c.o, ping_print_event, &c);
	ping_add(c.s, c.host, (struct sockaddr *)&ss, len);
	open_sockets(&c);
	l = loop_new();
	if (!l || loop_signal(l, SIGINT, on_signal, c.s) < 0 ||
	    loop_signal(l, SIGTERM, on_signal, c.s) < 0)
		nt_die(EXIT_USAGE, "cannot set up the event loop: %s", strerror(errno));
	ping_print_header(&c);
	if (ping_start(c.s, l) < 0 || loop_run(l) < 0)
		nt_die(EXIT_NO, "waiting for replies failed: %s", strerror(errno));
	ping_print_summary(&c);
	out_close(c.jreply);
	out_close(c.jerror);
	rc = ping_target_at(c.s, 0)->st.received ? EXIT_YES : EXIT_NO;
	ping_free(c.s);
	loop_free(l);
	return rc;
}
