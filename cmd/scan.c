/* nettool scan: which ports answer (nc -z, nmap -sT / -sU). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "core/alloc.h"
#include "core/io.h"
#include "core/loop.h"
#include "core/out.h"
#include "names/services.h"
#include "net/scan.h"
#include "net/sock.h"

const char scan_usage[] =
	"usage: nettool scan [-4] [-6] [-u] [-a] [-p PORTS] [-w SECS] [-P PARALLEL] [--force] [-j|--json] HOST|CIDR...\n"
	"\n"
	"Tells which ports of each HOST (or each host address of a CIDR) answer:\n"
	"TCP by connecting (and closing at once, no data sent), UDP (-u) by one\n"
	"empty datagram per port. Prints the open ports; a summary goes to stderr.\n"
	"  -4, -6           IPv4 / IPv6 only\n"
	"  -u               UDP: open on a reply, closed on ICMP port unreachable,\n"
	"                   open|filtered on silence\n"
	"  -a, --all        print every port scanned, not only the open ones\n"
	"  -p PORTS         comma list of ports, ranges and service names\n"
	"                   (22,80,8000-8100,redis; - is all); default: every port\n"
	"                   the services database names for the protocol\n"
	"  -w SECS          per-port timeout (default 1)\n"
	"  -P PARALLEL      probes in flight at most (default 256)\n"
	"  --force          allow a prefix wider than /16 (IPv4) or /112 (IPv6)\n"
	"  -j, --json       one JSON object per port printed\n"
	"\n"
	"Exit status: 0 if any port was open, 1 if none, 2 on bad input.\n"
	"Scan only hosts you own or may test.\n";

#define MAX_PARALLEL 16384

struct scan_cmd {
	int family, udp, all, json, force, parallel, timeout_ms;
	int park_max, lport_lo, lport_hi;
	const char *ports_text;
	struct svc_db db;
	const char **svc_name; /* by port, for the protocol scanned */
	struct scan_ports ports;
	struct scan_ports reserved; /* ip_local_reserved_ports */
	struct scan_target *targets;
	size_t ntargets;
	struct out *out;
	int tty, unflushed;
	struct ip host;        /* the last address printed, as host_text */
	char host_text[ADDR_STRLEN];
};

enum { C_HOST, C_PORT, C_PROTO, C_STATE, C_SERVICE, C_RTT, C_REASON, C_COUNT };

static const struct out_col columns[C_COUNT] = {
	[C_HOST] = { "host", "HOST", 0, 15 },
	[C_PORT] = { "port", "PORT", OUT_RIGHT, 5 },
	[C_PROTO] = { "proto", "PROTO", 0, 5 },
	[C_STATE] = { "state", "STATE", 0, 8 },
	[C_SERVICE] = { "service", "SERVICE", 0, 12 },
	[C_RTT] = { "rtt_ms", "RTT_MS", OUT_RIGHT, 8 },
	[C_REASON] = { "reason", "", OUT_JSON_ONLY, 0 },
};

static void parse_options(int argc, char **argv, struct scan_cmd *c)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	c->parallel = 256;
	c->timeout_ms = 1000;
	while ((ch = nt_getopt(argc, argv, "46uap:w:P:j", longopts)) != -1) {
		switch (ch) {
		case '4': c->family = 4; break;
		case '6': c->family = 6; break;
		case 'u': c->udp = 1; break;
		case 'a': c->all = 1; break;
		case 'p': c->ports_text = optarg; break;
		case 'w': c->timeout_ms = opt_timeout_ms(optarg); break;
		case 'P':
			c->parallel = (int)opt_count("parallel", optarg, 1, MAX_PARALLEL);
			break;
		case 'j': c->json = 1; break;
		case 'F': c->force = 1; break;
		default: nt_usage_error("unknown option");
		}
	}
}

static void parse_ports(struct scan_cmd *c)
{
	int proto = c->udp ? SVC_UDP : SVC_TCP;
	struct scan_error e;
	char q[128];

	nt_load_services(&c->db);
	if (!c->ports_text) {
		scan_ports_from_db(&c->db, proto, &c->ports);
		return;
	}
	if (scan_parse_ports(c->ports_text, &c->db, proto, &c->ports, &e) == 0)
		return;
	if (e.code == SCAN_EMPTY)
		nt_usage_error("port list '%s' has an empty item",
			       nt_quote(c->ports_text, q, sizeof q));
	nt_usage_error("port '%s' %s",
		       nt_quoten(c->ports_text + e.pos, e.len, q, sizeof q),
		       e.code == SCAN_UNKNOWN_SERVICE
			       ? (c->udp ? "is not a UDP service name the services database knows"
					 : "is not a TCP service name the services database knows")
			       : scan_strerror(e.code));
}

static void parse_target(struct scan_cmd *c, const char *arg,
			 struct scan_target *t)
{
	struct scan_error e;
	char q[128];
	int gai;

	if (scan_parse_target(arg, strlen(arg), c->family, c->force, t, &e) == 0)
		return;
	if (e.code == SCAN_NOT_LITERAL) {
		if (scan_resolve_target(arg, c->family, t, &gai) == 0)
			return;
		nt_usage_error("cannot resolve '%s': %s", nt_quote(arg, q, sizeof q),
			       sock_strerror(gai));
	}
	if (e.code == SCAN_BAD_ADDRESS && e.addr == ADDR_OK)
		nt_usage_error("'%s' is not an IPv%d address", nt_quote(arg, q, sizeof q),
			       c->family);
	if (e.code == SCAN_BAD_ADDRESS)
		nt_usage_error("'%s' is not a valid address or CIDR: %s",
			       nt_quote(arg, q, sizeof q), addr_strerror(e.addr));
	nt_usage_error("'%s' %s", nt_quote(arg, q, sizeof q), scan_strerror(e.code));
}

/* The ports the kernel keeps out of the ephemeral range
 * (ip_local_reserved_ports: "8080,9000-9100", or an empty line): sockets
 * are not bound to them either. Returns -1 when they cannot be known. */
static int load_reserved(struct scan_cmd *c)
{
	char path[4200], buf[8192];
	struct scan_error e;
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof path, "%s/sys/net/ipv4/ip_local_reserved_ports",
		 nt_proc_root());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = io_read(fd, buf, sizeof buf - 1);
		close(fd);
	}
	if (n < 0 || (size_t)n == sizeof buf - 1)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (buf[0] == '\0')
		return 0;
	return scan_parse_ports(buf, NULL, SVC_TCP, &c->reserved, &e);
}

/* Probes parked past the round-trip estimate (see scan_opts) at most. */
#define PARK_CAP 16384

/* PARALLEL sockets must fit under the open-files limit; what is left of
 * it bounds the parked probes. */
static void fit_parallel(struct scan_cmd *c)
{
	long limit = sock_raise_nofile(), room;
	char path[4200];

	if (limit > 0 && c->parallel > limit - 32) {
		int fit = limit > 64 ? (int)(limit - 32) : 32;
		nt_warn("parallel %d is above the open-files limit (%ld); using %d",
			c->parallel, limit, fit);
		c->parallel = fit;
	}
	room = limit < 0 ? PARK_CAP : limit - c->parallel - 64;
	c->park_max = room < 0 ? 0 : room > PARK_CAP ? PARK_CAP : (int)room;
	snprintf(path, sizeof path, "%s/sys/net/ipv4/ip_local_port_range",
		 nt_proc_root());
	if (svc_ephemeral_range(path, &c->lport_lo, &c->lport_hi) < 0 ||
	    load_reserved(c) < 0)
		c->lport_lo = c->lport_hi = 0; /* connect() picks ports */
}

/* Each port's service name, looked up once (svc_by_port's first match)
 * instead of once per row. */
static void name_ports(struct scan_cmd *c)
{
	int proto = c->udp ? SVC_UDP : SVC_TCP;
	size_t i;

	c->svc_name = xcalloc(65536, sizeof *c->svc_name);
	for (i = 0; i < c->db.n; i++) {
		const struct svc_entry *e = &c->db.v[i];
		if ((e->proto & proto) && e->port > 0 && e->port <= 65535 &&
		    !c->svc_name[e->port])
			c->svc_name[e->port] = e->name;
	}
}

/* v's digits or, with ms, v microseconds as milliseconds ("0.005", just
 * what printf's "%.3f" makes of v / 1000.0), at the end of buf: rows of
 * -a -p - are many, and printf is most of their cost. */
static const char *number_text(char buf[32], long long v, int ms)
{
	char *p = buf + 31;
	int i = 0;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
		if (ms && ++i == 3)
			*--p = '.';
	} while (v > 0 || (ms && i < 4));
	return p;
}

static void on_result(const struct scan_result *r, void *arg)
{
	struct scan_cmd *c = arg;
	char num[32];

	if (r->state != SCAN_OPEN && !c->all)
		return;
	if (memcmp(&r->addr, &c->host, sizeof c->host) != 0) {
		c->host = r->addr; /* rows come address by address */
		addr_format(&c->host, c->host_text);
	}
	out_str(c->out, c->host_text);
	out_num(c->out, number_text(num, r->port, 0));
	out_str(c->out, c->udp ? "udp" : "tcp");
	out_str(c->out, scan_state_name(r->state));
	out_str(c->out, c->svc_name[r->port]);
	if (r->rtt_us >= 0)
		out_num(c->out, number_text(num, r->rtt_us, 1));
	else
		out_str(c->out, NULL);
	if (!c->json) /* the reason is for JSON only */
		out_skip(c->out);
	else
		out_str(c->out, r->err == 0 ? (c->udp ? "reply" : "connected")
				: r->err == ETIMEDOUT ? "no answer" : sock_strerror(r->err));
	out_end(c->out);
	/* A terminal sees each port at once; a pipe gets them in batches
	 * (one write per row would cost more than the probe on -a -p -). */
	if (c->tty || ++c->unflushed >= 512) {
		out_flush(c->out);
		c->unflushed = 0;
	}
}

static void on_signal(struct loop *l, int signo, void *arg)
{
	(void)signo;
	(void)arg;
	loop_stop(l);
}

static void summary(const struct scan_cmd *c, const struct scan_totals *t,
		    double secs)
{
	fprintf(stderr, "%llu scanned on %llu host%s: %llu open, %llu closed, %llu filtered",
		t->scanned, t->hosts, t->hosts == 1 ? "" : "s", t->open,
		t->closed, t->filtered);
	if (c->udp)
		fprintf(stderr, ", %llu open|filtered", t->open_filtered);
	fprintf(stderr, " in %.3f s%s\n", secs, t->interrupted ? " (interrupted)" : "");
}

static int run(struct scan_cmd *c)
{
	struct scan_opts so = {
		.udp = c->udp, .parallel = c->parallel, .timeout_ms = c->timeout_ms,
		.park_max = c->park_max, .lport_lo = c->lport_lo, .lport_hi = c->lport_hi,
		.lport_skip = &c->reserved,
		.targets = c->targets, .ntargets = c->ntargets, .ports = &c->ports,
		.on_result = on_result, .arg = c,
	};
	struct scan_totals t;
	struct loop *l = loop_new();
	long long start = loop_now_ms();
	int rc;

	if (!l)
		nt_die(EXIT_NO, "cannot start the event loop: %s", strerror(errno));
	loop_signal(l, SIGINT, on_signal, NULL);
	loop_signal(l, SIGTERM, on_signal, NULL);
	c->out = out_open(stdout, c->json ? OUT_JSON : OUT_TABLE, columns, C_COUNT);
	c->tty = nt_stdout_is_tty();
	rc = scan_run(l, &so, &t);
	out_close(c->out);
	loop_free(l);
	if (rc < 0)
		nt_die(EXIT_NO, "cannot probe: %s", sock_strerror(errno));
	summary(c, &t, (double)(loop_now_ms() - start) / 1000);
	return t.open ? EXIT_YES : EXIT_NO;
}

int cmd_scan(int argc, char **argv)
{
	struct scan_cmd c;
	size_t i;
	int rc;

	memset(&c, 0, sizeof c);
	parse_options(argc, argv, &c);
	if (optind >= argc)
		nt_usage_error("no HOST or CIDR to scan");
	parse_ports(&c);
	c.ntargets = (size_t)(argc - optind);
	c.targets = xcalloc(c.ntargets, sizeof *c.targets);
	for (i = 0; i < c.ntargets; i++)
		parse_target(&c, argv[optind + (int)i], &c.targets[i]);
	fit_parallel(&c);
	name_ports(&c);
	rc = run(&c);
	for (i = 0; i < c.ntargets; i++)
		scan_target_free(&c.targets[i]);
	free(c.targets);
	scan_ports_free(&c.ports);
	scan_ports_free(&c.reserved);
	free(c.svc_name);
	svc_free(&c.db);
	return rc;
}
