/* netstat: the socket table from /proc/net, with owning processes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "core/alloc.h"
#include "core/io.h"
#include "core/out.h"
#include "names/services.h"
#include "system/ifaces.h"
#include "system/procnet.h"
#include "system/sockdiag.h"
#include "system/sockdiff.h"
#include "system/sockfilter.h"
#include "system/sockfmt.h"
#include "system/snmp.h"
#include "system/sockstat.h"

const char netstat_usage[] =
"usage: nettool netstat [-t] [-u] [-w] [-x] [-l|-a] [-n] [-p] [-e] [-o] [-4|-6] [-s]\n"
"                       [-r] [-i] [--state STATES] [--port PORT] [--sport PORTS]\n"
"                       [--dport PORTS] [--src PREFIX] [--dst PREFIX] [--info]\n"
"                       [--watch [SECS]] [-j|--json]\n"
"\n"
"List sockets from /proc/net. Default: TCP and UDP sockets that are not\n"
"listening. Exit status 1 when no socket matched.\n"
"\n"
"  -t, --tcp         TCP sockets          -u, --udp     UDP sockets\n"
"  -w, --raw         raw sockets          -x, --unix    unix sockets\n"
"  -l, --listening   only listening (TCP LISTEN, unconnected UDP/raw)\n"
"  -a, --all         listening and not\n"
"  -n, --numeric     ports as numbers, not service names\n"
"  -p, --program     PID/program owning each socket\n"
"  -e, --extend      add UID and inode columns\n"
"  -o, --timers      timer, time left, retransmits and probes (netstat -o)\n"
"      --info        TCP internals: rto, ato, cwnd, ssthresh, retransmits\n"
"  -4, -6            only IPv4 or only IPv6\n"
"  -s, --statistics  count sockets per protocol and state\n"
"  -r, --route       the IPv4 routing table as net-tools prints it (nettool route)\n"
"  -i, --interfaces  the interface table: MTU, packets, errors, drops, flags\n"
"      --state STATES  only these states, a comma list of names (ESTABLISHED,\n"
"                    time-wait, ...) and groups (connected, synchronized, all)\n"
"      --port PORT   local or remote port PORT\n"
"      --sport PORTS, --dport PORTS  local / remote port: N, LO-HI or a name\n"
"      --src PREFIX, --dst PREFIX    local / remote address in ADDR[/LEN]\n"
"      --watch [SECS] keep running; print what changed every SECS (default 1)\n"
"  -j, --json        one JSON object per socket (or per change, per count)\n";

enum { OPT_STATE = 256, OPT_PORT, OPT_WATCH, OPT_SPORT, OPT_DPORT, OPT_SRC, OPT_DST, OPT_INFO };

struct netstat {
	unsigned protos;
	int family, stats, json, program, numeric, routes, ifaces;
	long long watch_ms;
	struct sock_filter filter;
	struct sockfmt_table table;
	const char *proc;
	struct svc_db db;
	struct obuf ob;
	struct out *out;
	struct sock_list list;
	struct owner_map *owners;
	const struct owner_map *owners_now; /* --watch: the engine's */
	unsigned long shown;
};

/* ---- options -------------------------------------------------------------- */

static void parse_states(struct netstat *ns, const char *s)
{
	const char *bad;
	char q[64];

	if (sockfilter_states(s, &ns->filter.states, &bad) < 0)
		nt_usage_error("unknown state '%s' (ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, "
			       "FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, "
			       "UNCONN, or connected, synchronized, bucket, big, all)",
			       nt_quote(s, q, sizeof q));
}

/* N, LO-HI or a service name (its TCP or UDP port). */
static void parse_ports(struct netstat *ns, const char *s, struct port_range *r)
{
	char q[64];

	if (!ns->db.v && sockfilter_port_range(s, r) < 0)
		nt_load_services(&ns->db);
	if (sockfilter_ports(s, &ns->db, r) < 0)
		nt_usage_error("port '%s' is not a port, a range LO-HI (0-65535) or a service name",
			       nt_quote(s, q, sizeof q));
}

static void parse_prefix(const char *s, struct ip_prefix *p, int *has)
{
	struct addr_error err;
	char q[80];

	if (addr_parse_prefix(s, strlen(s), p, &err) < 0)
		nt_usage_error("address '%s' is not ADDR or ADDR/LEN: %s",
			       nt_quote(s, q, sizeof q), addr_strerror(err.code));
	*has = 1;
}

static int parse_long(struct netstat *ns, int c, int argc, char **argv)
{
	switch (c) {
	case OPT_STATE: parse_states(ns, optarg); break;
	case OPT_PORT: ns->filter.port.lo = ns->filter.port.hi = (uint16_t)opt_port(optarg, 1);
		ns->filter.port.on = 1; break;
	case OPT_SPORT: parse_ports(ns, optarg, &ns->filter.sport); break;
	case OPT_DPORT: parse_ports(ns, optarg, &ns->filter.dport); break;
	case OPT_SRC: parse_prefix(optarg, &ns->filter.src, &ns->filter.has_src); break;
	case OPT_DST: parse_prefix(optarg, &ns->filter.dst, &ns->filter.has_dst); break;
	case OPT_INFO: ns->table.info = 1; break;
	case OPT_WATCH:
		ns->watch_ms = 1000;
		if (optarg)
			ns->watch_ms = opt_seconds("watch interval", optarg, 0.01, 3600) / 1000;
		else if (optind < argc && argv[optind][0] >= '0' && argv[optind][0] <= '9')
			ns->watch_ms = opt_seconds("watch interval", argv[optind++], 0.01, 3600) / 1000;
		break;
	default: return -1;
	}
	return 0;
}

static void parse_short(struct netstat *ns, int c)
{
	switch (c) {
	case 't': ns->protos |= 1u << SP_TCP; break;
	case 'u': ns->protos |= 1u << SP_UDP; break;
	case 'w': ns->protos |= 1u << SP_RAW; break;
	case 'x': ns->protos |= 1u << SP_UNIX; break;
	case 'l': ns->filter.listening = SF_LISTEN_ONLY; break;
	case 'a': ns->filter.listening = SF_LISTEN_ALL; break;
	case 'n': ns->numeric = 1; break;
	case 'p': ns->program = ns->table.program = 1; break;
	case 'e': ns->table.extend = 1; break;
	case 'o': ns->table.timers = 1; break;
	case 's': ns->stats = 1; break;
	case 'r': ns->routes = 1; break;
	case 'i': ns->ifaces = 1; break;
	case 'j': ns->json = 1; break;
	case '4': ns->family = 4; break;
	case '6': ns->family = 6; break;
	}
}

static void parse_options(struct netstat *ns, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tcp", no_argument, NULL, 't' }, { "udp", no_argument, NULL, 'u' },
		{ "raw", no_argument, NULL, 'w' }, { "unix", no_argument, NULL, 'x' },
		{ "listening", no_argument, NULL, 'l' }, { "all", no_argument, NULL, 'a' },
		{ "numeric", no_argument, NULL, 'n' }, { "program", no_argument, NULL, 'p' },
		{ "extend", no_argument, NULL, 'e' }, { "statistics", no_argument, NULL, 's' },
		{ "timers", no_argument, NULL, 'o' }, { "json", no_argument, NULL, 'j' },
		{ "route", no_argument, NULL, 'r' }, { "interfaces", no_argument, NULL, 'i' },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "sport", required_argument, NULL, OPT_SPORT },
		{ "dport", required_argument, NULL, OPT_DPORT },
		{ "src", required_argument, NULL, OPT_SRC },
		{ "dst", required_argument, NULL, OPT_DST },
		{ "info", no_argument, NULL, OPT_INFO },
		{ "watch", optional_argument, NULL, OPT_WATCH },
		{ NULL, 0, NULL, 0 },
	};
	char q[64];
	int c;

	while ((c = nt_getopt(argc, argv, "tuwxlanpeosri46j", longopts)) != -1)
		if (parse_long(ns, c, argc, argv) < 0)
			parse_short(ns, c);
	if (optind < argc)
		nt_usage_error("unexpected argument '%s' (netstat takes options only)",
			       nt_quote(argv[optind], q, sizeof q));
	if (!ns->protos)
		ns->protos = 1u << SP_TCP | 1u << SP_UDP;
	if (ns->family)
		ns->protos &= ~(1u << SP_UNIX); /* -4/-6 leave unix sockets out */
	if ((ns->filter.states || ns->stats) && ns->filter.listening == SF_LISTEN_NOT)
		ns->filter.listening = SF_LISTEN_ALL;
}

static void load_service_names(struct netstat *ns)
{
	if (!ns->db.v)
		nt_load_services(&ns->db);
	sockfmt_service_names(&ns->db, ns->table.svc);
}

static void put_record(struct netstat *ns, const struct sock_rec *r, const char *event,
		       const char *mark, const char *old_state)
{
	const struct owner_map *m = ns->owners ? ns->owners : ns->owners_now;
	const struct owner *who = m ? owner_lookup(m, r->inode) : NULL;
	char state[64];

	ns->shown++;
	if (ns->json) {
		sockfmt_json(ns->out, &ns->table, r, who, event, old_state);
		return;
	}
	if (mark) {
		char t[32];
		obuf_put(&ns->ob, t, sockfmt_clock(t, sizeof t));
		obuf_put(&ns->ob, mark, 2);
	}
	if (old_state)
		snprintf(state, sizeof state, "%s->%s", old_state, procnet_state_name(r));
	sockfmt_row(&ns->ob, &ns->table, r, who, old_state ? state : NULL);
}

static int print_if_wanted(const struct sock_rec *r, void *arg)
{
	struct netstat *ns = arg;

	if (sockfilter_match(&ns->filter, r))
		put_record(ns, r, NULL, NULL, NULL);
	return ns->ob.err != 0; /* stdout gone: stop reading */
}

static void cannot_read(struct netstat *ns)
{
	nt_die(EXIT_NO, "cannot read %s/net: %s", ns->proc, strerror(errno));
}

/* Streams: each record is printed as it is parsed, so tens of thousands of
 * sockets cost no more memory than one; ports or prefixes on TCP alone are
 * filtered by the kernel (sock_diag). With -p the owner pass overlaps the
 * reading instead. */
static void print_listing(struct netstat *ns)
{
	struct sock_list *l = &ns->list;
	size_t i;

	if (!ns->json)
		sockfmt_header(&ns->ob, &ns->table);
	if (!ns->program) {
		if (strcmp(ns->proc, "/proc") == 0 && ns->protos == 1u << SP_TCP && !ns->table.info &&
		    sockdiag_useful(&ns->filter) &&
		    sockdiag_scan_tcp(ns->family, ns->filter.states, &ns->filter, print_if_wanted, ns) == 0)
			return;
		if (procnet_scan(ns->proc, ns->protos, ns->family, print_if_wanted, ns, NULL) < 0)
			cannot_read(ns);
		return;
	}
	if (procnet_read_owned(ns->proc, ns->protos, ns->family, l, &ns->owners) < 0)
		cannot_read(ns);
	for (i = 0; i < l->n && !ns->ob.err; i++)
		print_if_wanted(&l->v[i], ns);
}

/* The kernel's counters after the socket counts: netstat -s's text, or
 * one JSON record each. A proc root without net/snmp (fixtures) has none. */
static void print_counters(struct netstat *ns, struct out *o)
{
	struct snmp_list l = { 0 };
	char *text = NULL;

	if (snmp_read(ns->proc, &l) < 0) {
		if (errno != ENOENT)
			nt_die(EXIT_NO, "cannot read %s/net/snmp: %s", ns->proc, strerror(errno));
		return;
	}
	if (ns->json)
		snmp_emit(o, &l);
	else if (out_flush(o) < 0 || !(text = snmp_netstat_text(&l, ns->family)) ||
		 printf("\n%s", text) < 0)
		nt_write_error();
	free(text);
	snmp_free(&l);
}

static int print_stats(struct netstat *ns)
{
	struct sock_counts counts;
	struct out *o = sockstat_open(stdout, ns->json);

	if (sockstat_count(ns->proc, ns->protos, ns->family, &ns->filter, &counts) < 0)
		cannot_read(ns);
	sockstat_emit(o, &counts);
	print_counters(ns, o);
	if (out_close(o) < 0)
		nt_write_error();
	return EXIT_YES;
}

static int print_interfaces(struct netstat *ns)
{
	char path[4096], *text;

	if (ns->json)
		nt_usage_error("-i has no JSON form (see 'nettool ifaces --json')");
	snprintf(path, sizeof path, "%s/net/dev", ns->proc);
	if (!(text = ifaces_nettools_table(path, "/sys/class/net", ns->filter.listening == SF_LISTEN_ALL)))
		nt_die(EXIT_NO, "cannot read the interfaces: %s", strerror(errno));
	if (fputs(text, stdout) < 0)
		nt_write_error();
	free(text);
	return EXIT_YES;
}

/* ---- --watch: print what changed ------------------------------------------ */

static void on_change(enum sockdiff_kind kind, const struct sock_rec *r,
		      const struct sock_rec *old, const struct owner_map *m, int first, void *arg)
{
	static const char *const event[] = { "gone", "new", "state" }, *const mark[] = { "- ", "+ ", "~ " };
	struct netstat *ns = arg;

	ns->owners_now = m;
	if (first)
		put_record(ns, r, NULL, NULL, NULL);
	else
		put_record(ns, r, event[kind], mark[kind], old ? procnet_state_name(old) : NULL);
}

static int flush_output(void *arg)
{
	struct netstat *ns = arg;

	if (ns->json)
		return fflush(stdout) == 0 ? 0 : -1;
	return obuf_flush(&ns->ob);
}

static int watch(struct netstat *ns)
{
	struct sockwatch w = { ns->proc, ns->protos, ns->family, &ns->filter, ns->watch_ms,
			       ns->program, on_change, flush_output, ns };

	if (!ns->json)
		sockfmt_header(&ns->ob, &ns->table);
	if (sockwatch_run(&w) < 0)
		cannot_read(ns);
	return flush_output(ns);
}

/* ---- main ----------------------------------------------------------------- */

static void finish(struct netstat *ns, int rc)
{
	int err = ns->ob.err ? ns->ob.err : errno;

	if (ns->out && out_close(ns->out) < 0)
		rc = -1;
	if (rc < 0) {
		errno = err;
		nt_write_error();
	}
	owner_map_free(ns->owners);
	sock_list_free(&ns->list);
	obuf_free(&ns->ob);
	svc_free(&ns->db);
	free((void *)ns->table.svc[0]);
	free((void *)ns->table.svc[1]);
}

int cmd_netstat(int argc, char **argv)
{
	struct netstat ns;
	int rc;

	memset(&ns, 0, sizeof ns);
	ns.proc = nt_proc_root();
	parse_options(&ns, argc, argv);
	if (ns.routes)
		return route_netstat(ns.numeric, ns.json);
	if (ns.ifaces)
		return print_interfaces(&ns);
	if (ns.stats)
		return print_stats(&ns);
	if (!ns.numeric && !ns.json)
		load_service_names(&ns);
	if (obuf_init(&ns.ob, STDOUT_FILENO, 1u << 16) < 0)
		nt_die(EXIT_USAGE, "out of memory");
	if (ns.json)
		ns.out = sockfmt_json_open(stdout);
	if (!ns.watch_ms)
		print_listing(&ns);
	rc = ns.watch_ms ? watch(&ns) : flush_output(&ns);
	finish(&ns, rc);
	return ns.shown || ns.watch_ms ? EXIT_YES : EXIT_NO;
}
