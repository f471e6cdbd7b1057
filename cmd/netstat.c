/* netstat: the socket table from /proc/net, with owning processes. */
#define _DEFAULT_SOURCE /* nanosleep, localtime_r */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "core/alloc.h"
#include "core/io.h"
#include "core/num.h"
#include "core/out.h"
#include "system/procnet.h"
#include "names/services.h"
#include "system/sockfmt.h"

const char netstat_usage[] =
"usage: nettool netstat [-t] [-u] [-w] [-x] [-l|-a] [-n] [-p] [-e] [-4|-6] [-s]\n"
"                       [--state STATE] [--port PORT] [--watch [SECS]] [--json]\n"
"\n"
"List sockets from /proc/net. Default: TCP and UDP sockets that are not\n"
"listening.\n"
"\n"
"  -t, --tcp         TCP sockets          -u, --udp     UDP sockets\n"
"  -w, --raw         raw sockets          -x, --unix    unix sockets\n"
"  -l, --listening   only listening (TCP LISTEN, unconnected UDP/raw)\n"
"  -a, --all         listening and not\n"
"  -n, --numeric     ports as numbers, not service names\n"
"  -p, --program     PID/program owning each socket\n"
"  -e, --extend      add UID and inode columns\n"
"  -4, -6            only IPv4 or only IPv6\n"
"  -s, --statistics  count sockets per protocol and state\n"
"      --state STATE only sockets in STATE (ESTABLISHED, TIME_WAIT, LISTEN, ...)\n"
"      --port PORT   only sockets with PORT as local or remote port\n"
"      --watch [SECS] keep running; print what changed every SECS (default 1)\n"
"  -j, --json        one JSON object per socket (or per change, per count)\n";

enum { OPT_STATE = 256, OPT_PORT, OPT_WATCH };
enum { LISTEN_NOT, LISTEN_ONLY, LISTEN_ALL };

struct netstat {
	unsigned protos;
	int listening, numeric, program, extend, family, stats, json;
	int state, port;
	long long watch_us;
	const char *proc;
	const char **svc[2];    /* port -> name, TCP and UDP, unless -n */
	struct svc_db db;
	struct obuf ob;
	struct out *out;
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* ---- options -------------------------------------------------------------- */

static int parse_state(const char *s)
{
	char q[64];
	int st;

	if (strcasecmp(s, "UNCONN") == 0)
		return TS_CLOSE;
	if (strcasecmp(s, "LISTENING") == 0)
		return TS_LISTEN;
	if (strcasecmp(s, "CONNECTED") == 0)
		return TS_ESTABLISHED;
	st = procnet_state_from_name(s);
	if (st < 0)
		nt_usage_error("unknown state '%s' (ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, "
			       "FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, UNCONN)",
			       nt_quote(s, q, sizeof q));
	return st;
}

static long long parse_interval(const char *s)
{
	long long us;
	char q[64];

	if (num_parse_seconds(s, 0.01, 3600, &us) != NUM_OK)
		nt_usage_error("watch interval '%s' is not a number of seconds (0.01-3600)",
			       nt_quote(s, q, sizeof q));
	return us;
}

static void parse_options(struct netstat *ns, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tcp", no_argument, NULL, 't' }, { "udp", no_argument, NULL, 'u' },
		{ "raw", no_argument, NULL, 'w' }, { "unix", no_argument, NULL, 'x' },
		{ "listening", no_argument, NULL, 'l' }, { "all", no_argument, NULL, 'a' },
		{ "numeric", no_argument, NULL, 'n' }, { "program", no_argument, NULL, 'p' },
		{ "extend", no_argument, NULL, 'e' }, { "statistics", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "watch", optional_argument, NULL, OPT_WATCH },
		{ NULL, 0, NULL, 0 },
	};
	char q[64];
	int c;

	while ((c = nt_getopt(argc, argv, "tuwxlanpes46j", longopts)) != -1) {
		switch (c) {
		case 't': ns->protos |= 1u << SP_TCP; break;
		case 'u': ns->protos |= 1u << SP_UDP; break;
		case 'w': ns->protos |= 1u << SP_RAW; break;
		case 'x': ns->protos |= 1u << SP_UNIX; break;
		case 'l': ns->listening = LISTEN_ONLY; break;
		case 'a': ns->listening = LISTEN_ALL; break;
		case 'n': ns->numeric = 1; break;
		case 'p': ns->program = 1; break;
		case 'e': ns->extend = 1; break;
		case 's': ns->stats = 1; break;
		case 'j': ns->json = 1; break;
		case '4': ns->family = 4; break;
		case '6': ns->family = 6; break;
		case OPT_STATE: ns->state = parse_state(optarg); break;
		case OPT_PORT:
			if (num_parse_port(optarg, 1, &ns->port) != NUM_OK)
				nt_usage_error("port '%s' is %s (1-65535)", nt_quote(optarg, q, sizeof q),
					       num_parse_port(optarg, 0, &c) == NUM_INVALID ?
					       "not a number" : "out of range");
			break;
		case OPT_WATCH:
			ns->watch_us = 1000000;
			if (optarg)
				ns->watch_us = parse_interval(optarg);
			else if (optind < argc && argv[optind][0] >= '0' && argv[optind][0] <= '9')
				ns->watch_us = parse_interval(argv[optind++]);
			break;
		}
	}
	if (optind < argc)
		nt_usage_error("unexpected argument '%s' (netstat takes options only)",
			       nt_quote(argv[optind], q, sizeof q));
	if (!ns->protos)
		ns->protos = 1u << SP_TCP | 1u << SP_UDP;
	if (ns->family && (ns->protos & (1u << SP_UNIX)))
		ns->protos &= ~(1u << SP_UNIX); /* -4/-6 leave unix sockets out */
	if ((ns->state >= 0 || ns->stats) && ns->listening == LISTEN_NOT)
		ns->listening = LISTEN_ALL;
}

/* ---- the snapshot --------------------------------------------------------- */

static int is_listening(const struct sock_rec *r)
{
	if (r->proto == SP_TCP || r->proto == SP_UNIX)
		return r->state == TS_LISTEN;
	return r->state == TS_CLOSE;
}

static int wanted(const struct netstat *ns, const struct sock_rec *r)
{
	if (ns->listening == LISTEN_ONLY && !is_listening(r))
		return 0;
	if (ns->listening == LISTEN_NOT && is_listening(r))
		return 0;
	if (ns->state >= 0 && r->state != ns->state)
		return 0;
	if (ns->port > 0 && (r->proto == SP_UNIX ||
			     (r->lport != ns->port && r->rport != ns->port)))
		return 0;
	return 1;
}

static void keep_wanted(const struct netstat *ns, struct sock_list *l)
{
	size_t i, k = 0;

	for (i = 0; i < l->n; i++)
		if (wanted(ns, &l->v[i]))
			l->v[k++] = l->v[i];
	l->n = k;
}

static void snapshot(struct netstat *ns, struct sock_list *l)
{
	l->n = 0;
	if (procnet_read(ns->proc, ns->protos, ns->family, l) < 0)
		nt_die(EXIT_NO, "cannot read %s/net: %s", ns->proc, strerror(errno));
	keep_wanted(ns, l);
}

/* ---- service names -------------------------------------------------------- */

static void load_service_names(struct netstat *ns)
{
	size_t i;
	int k;

	nt_load_services(&ns->db);
	for (k = 0; k < 2; k++)
		ns->svc[k] = xcalloc(65536, sizeof *ns->svc[k]);
	for (i = 0; i < ns->db.n; i++) {
		const struct svc_entry *s = &ns->db.v[i];
		int k2 = s->proto == SVC_TCP ? 0 : s->proto == SVC_UDP ? 1 : -1;
		if (k2 >= 0 && !ns->svc[k2][s->port])
			ns->svc[k2][s->port] = s->name;
	}
}

static const char *service_of(const struct netstat *ns, const struct sock_rec *r, unsigned port)
{
	if (ns->numeric || r->proto == SP_RAW || !port)
		return NULL;
	return ns->svc[r->proto == SP_UDP][port];
}

/* ---- people's table: fixed columns, built by hand for speed ---------------- */

#define ADDR_COL 23

static void put(struct obuf *b, const char *s, size_t n)
{
	obuf_put(b, s, n);
}

static void put_padded(struct obuf *b, const char *s, size_t n, size_t width)
{
	static const char spaces[64] = "                                                               ";

	put(b, s, n);
	while (n < width) {
		size_t k = width - n < sizeof spaces ? width - n : sizeof spaces;
		put(b, spaces, k);
		n += k;
	}
}

static void put_right(struct obuf *b, unsigned long v, size_t width)
{
	char tmp[24];
	size_t n = 0;
	char *p = tmp + sizeof tmp;

	do {
		*--p = (char)('0' + v % 10);
		n++;
	} while ((v /= 10));
	while (n < width) {
		*--p = ' ';
		n++;
	}
	put(b, p, n);
}

static void put_header(struct netstat *ns)
{
	struct obuf *b = &ns->ob;
	static const char head[] =
		"Proto Recv-Q Send-Q Local Address           Foreign Address         State      ";

	put(b, head, sizeof head - 1);
	if (ns->extend)
		put(b, " UID      Inode     ", 20);
	if (ns->program)
		put(b, " PID/Program name", 17);
	put(b, "\n", 1);
}

static void put_row(struct netstat *ns, const struct sock_rec *r, const struct owner *who,
		    const char *state)
{
	struct obuf *b = &ns->ob;
	char buf[SOCKFMT_ADDRLEN + 32];
	const char *proto = sockfmt_proto(r);
	size_t n;

	put_padded(b, proto, strlen(proto), 5);
	put(b, " ", 1);
	put_right(b, r->rxq, 6);
	put(b, " ", 1);
	put_right(b, r->txq, 6);
	put(b, " ", 1);
	if (r->proto == SP_UNIX) {
		const char *path = r->path[0] ? r->path : "-";
		put_padded(b, path, strlen(path), ADDR_COL);
		put(b, " ", 1);
		put_padded(b, "-", 1, ADDR_COL);
	} else {
		n = sockfmt_endpoint(r->local, r->family, r->lport, 0,
				     service_of(ns, r, r->lport), buf);
		put_padded(b, buf, n, ADDR_COL);
		put(b, " ", 1);
		n = sockfmt_endpoint(r->remote, r->family, r->rport, 1,
				     service_of(ns, r, r->rport), buf);
		put_padded(b, buf, n, ADDR_COL);
	}
	put(b, " ", 1);
	if (!state)
		state = procnet_state_name(r);
	if (ns->extend || ns->program)
		put_padded(b, state, strlen(state), 11);
	else
		put(b, state, strlen(state));
	if (ns->extend) {
		put(b, " ", 1);
		n = (size_t)snprintf(buf, sizeof buf, "%-8lu %-10lu", (unsigned long)r->uid, r->inode);
		put(b, buf, n);
	}
	if (ns->program) {
		put(b, " ", 1);
		if (who) {
			n = (size_t)snprintf(buf, sizeof buf, "%ld/%s", (long)who->pid, who->comm);
			put(b, buf, n);
		} else {
			put(b, "-", 1);
		}
	}
	put(b, "\n", 1);
}

/* ---- JSON ----------------------------------------------------------------- */

enum {
	J_EVENT, J_PROTO, J_FAMILY, J_RECVQ, J_SENDQ, J_LADDR, J_LPORT, J_RADDR,
	J_RPORT, J_STATE, J_OLD_STATE, J_UID, J_INODE, J_PID, J_PROGRAM, J_PATH,
	J_TYPE, J_COUNT
};

static const struct out_col json_cols[J_COUNT] = {
	[J_EVENT] = { "event", "", 0, 0 }, [J_PROTO] = { "proto", "", 0, 0 },
	[J_FAMILY] = { "family", "", 0, 0 }, [J_RECVQ] = { "recv_q", "", 0, 0 },
	[J_SENDQ] = { "send_q", "", 0, 0 }, [J_LADDR] = { "local_address", "", 0, 0 },
	[J_LPORT] = { "local_port", "", 0, 0 }, [J_RADDR] = { "remote_address", "", 0, 0 },
	[J_RPORT] = { "remote_port", "", 0, 0 }, [J_STATE] = { "state", "", 0, 0 },
	[J_OLD_STATE] = { "old_state", "", 0, 0 }, [J_UID] = { "uid", "", 0, 0 },
	[J_INODE] = { "inode", "", 0, 0 }, [J_PID] = { "pid", "", 0, 0 },
	[J_PROGRAM] = { "program", "", 0, 0 }, [J_PATH] = { "path", "", 0, 0 },
	[J_TYPE] = { "type", "", 0, 0 },
};

static const char *unix_type_name(int t)
{
	return t == 1 ? "stream" : t == 2 ? "dgram" : t == 5 ? "seqpacket" : "other";
}

static void put_json(struct netstat *ns, const struct sock_rec *r, const struct owner *who,
		     const char *event, const char *old_state)
{
	struct out *o = ns->out;
	char buf[SOCKFMT_ADDRLEN];

	if (event)
		out_str(o, event);
	else
		out_skip(o);
	out_str(o, sockfmt_proto(r));
	if (r->proto == SP_UNIX)
		out_skip(o);
	else
		out_int(o, r->family);
	out_uint(o, r->rxq);
	out_uint(o, r->txq);
	if (r->proto == SP_UNIX) {
		out_skip(o); out_skip(o); out_skip(o); out_skip(o);
	} else {
		sockfmt_ip(r->local, r->family, buf);
		out_str(o, buf);
		out_int(o, r->lport);
		sockfmt_ip(r->remote, r->family, buf);
		out_str(o, buf);
		out_int(o, r->rport);
	}
	out_str(o, procnet_state_name(r));
	if (old_state)
		out_str(o, old_state);
	else
		out_skip(o);
	out_uint(o, r->uid);
	out_uint(o, r->inode);
	if (who) {
		out_int(o, who->pid);
		out_str(o, who->comm);
	} else if (ns->program) {
		out_str(o, NULL);
		out_str(o, NULL);
	} else {
		out_skip(o);
		out_skip(o);
	}
	if (r->proto == SP_UNIX) {
		out_str(o, r->path);
		out_str(o, unix_type_name(r->unix_type));
	} else {
		out_skip(o);
		out_skip(o);
	}
	out_end(o);
}

static void print_list(struct netstat *ns, const struct sock_list *l, struct owner_map *m)
{
	size_t i;

	if (!ns->json)
		put_header(ns);
	for (i = 0; i < l->n; i++) {
		const struct owner *who = m ? owner_lookup(m, l->v[i].inode) : NULL;
		if (ns->json)
			put_json(ns, &l->v[i], who, NULL, NULL);
		else
			put_row(ns, &l->v[i], who, NULL);
	}
}

/* The one-shot listing streams: each record is printed as it is parsed,
 * so tens of thousands of sockets cost no more memory than one. */
struct stream { struct netstat *ns; struct owner_map *m; };

static int print_if_wanted(const struct sock_rec *r, void *arg)
{
	struct stream *st = arg;
	const struct owner *who;

	if (!wanted(st->ns, r))
		return 0;
	who = st->m ? owner_lookup(st->m, r->inode) : NULL;
	if (st->ns->json)
		put_json(st->ns, r, who, NULL, NULL);
	else
		put_row(st->ns, r, who, NULL);
	return st->ns->ob.err != 0; /* stdout gone: stop reading */
}

static void print_stream(struct netstat *ns, struct owner_map *m)
{
	struct stream st = { ns, m };

	if (!ns->json)
		put_header(ns);
	if (procnet_scan(ns->proc, ns->protos, ns->family, print_if_wanted, &st, NULL) < 0)
		nt_die(EXIT_NO, "cannot read %s/net: %s", ns->proc, strerror(errno));
}

/* ---- -s: counts per protocol and state ------------------------------------ */

static int print_stats(struct netstat *ns, const struct sock_list *l)
{
	static const struct out_col cols[] = {
		{ "proto", "PROTO", 0, 0 }, { "state", "STATE", 0, 0 },
		{ "count", "COUNT", OUT_RIGHT, 0 },
	};
	/* [proto][family v6][state] */
	static unsigned long count[SP_COUNT][2][TS_MAX + 1];
	struct out *o = out_open(stdout, ns->json ? OUT_JSON : OUT_TABLE, cols, 3);
	size_t i;
	int p, f, s;

	memset(count, 0, sizeof count);
	for (i = 0; i < l->n; i++)
		count[l->v[i].proto][l->v[i].family == 6][l->v[i].state <= TS_MAX ? l->v[i].state : 0]++;
	for (p = 0; p < SP_COUNT; p++)
		for (f = 0; f < 2; f++)
			for (s = 0; s <= TS_MAX; s++) {
				struct sock_rec r;
				if (!count[p][f][s])
					continue;
				memset(&r, 0, sizeof r);
				r.proto = (uint8_t)p;
				r.family = f ? 6 : 4;
				r.state = (uint8_t)s;
				out_str(o, sockfmt_proto(&r));
				out_str(o, procnet_state_name(&r));
				out_uint(o, count[p][f][s]);
				out_end(o);
			}
	return out_close(o);
}

/* ---- --watch: print what changed ------------------------------------------- */

static int cmp_key(const void *a, const void *b)
{
	const struct sock_rec *x = a, *y = b;
	int c;

	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->proto == SP_UNIX)
		return x->inode < y->inode ? -1 : x->inode > y->inode;
	if (x->family != y->family)
		return x->family - y->family;
	if (x->lport != y->lport)
		return x->lport - y->lport;
	if (x->rport != y->rport)
		return x->rport - y->rport;
	if ((c = memcmp(x->local, y->local, 16)))
		return c;
	return memcmp(x->remote, y->remote, 16);
}

static void sort_by_key(struct sock_list *l)
{
	if (l->n > 1) /* an empty list has no array to hand qsort */
		qsort(l->v, l->n, sizeof l->v[0], cmp_key);
}

static void put_time(struct obuf *b)
{
	struct timeval tv;
	struct tm tm;
	char buf[32];
	size_t n;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	n = strftime(buf, sizeof buf, "%H:%M:%S", &tm);
	n += (size_t)snprintf(buf + n, sizeof buf - n, ".%03ld ", (long)tv.tv_usec / 1000);
	put(b, buf, n);
}

static void report_change(struct netstat *ns, const struct sock_rec *r, struct owner_map *m,
			  const char *event, const char *mark, const char *old_state)
{
	const struct owner *who = m ? owner_lookup(m, r->inode) : NULL;
	char state[64];

	if (ns->json) {
		put_json(ns, r, who, event, old_state);
		return;
	}
	put_time(&ns->ob);
	put(&ns->ob, mark, 2);
	if (old_state) {
		snprintf(state, sizeof state, "%s->%s", old_state, procnet_state_name(r));
		put_row(ns, r, who, state);
	} else {
		put_row(ns, r, who, NULL);
	}
}

static void diff(struct netstat *ns, const struct sock_list *old, const struct sock_list *now,
		 struct owner_map *m)
{
	size_t i = 0, j = 0;

	while (i < old->n || j < now->n) {
		int c = i == old->n ? 1 : j == now->n ? -1 : cmp_key(&old->v[i], &now->v[j]);
		if (c < 0) {
			report_change(ns, &old->v[i++], m, "gone", "- ", NULL);
		} else if (c > 0) {
			report_change(ns, &now->v[j++], m, "new", "+ ", NULL);
		} else {
			if (old->v[i].state != now->v[j].state)
				report_change(ns, &now->v[j], m, "state", "~ ",
					      procnet_state_name(&old->v[i]));
			i++;
			j++;
		}
	}
}

static int flush_output(struct netstat *ns)
{
	if (ns->json)
		return fflush(stdout) == 0 ? 0 : -1;
	return obuf_flush(&ns->ob);
}

static int watch(struct netstat *ns)
{
	struct sock_list a = { 0 }, b = { 0 }, *old = &a, *now = &b, *t;
	struct sigaction sa;
	struct owner_map *m = NULL;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART; /* a stop mid-write must not fail the write */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	snapshot(ns, old);
	sort_by_key(old);
	if (ns->program)
		m = procnet_owners(ns->proc);
	print_list(ns, old, m);
	while (!stop_requested && flush_output(ns) == 0) {
		struct timespec ts = { ns->watch_us / 1000000, (long)(ns->watch_us % 1000000) * 1000 };
		if (nanosleep(&ts, NULL) < 0 && stop_requested)
			break;
		snapshot(ns, now);
		sort_by_key(now);
		if (ns->program) {
			owner_map_free(m);
			m = procnet_owners(ns->proc);
		}
		diff(ns, old, now, m);
		t = old;
		old = now;
		now = t;
	}
	owner_map_free(m);
	sock_list_free(&a);
	sock_list_free(&b);
	return flush_output(ns);
}

int cmd_netstat(int argc, char **argv)
{
	struct netstat ns;
	struct sock_list l = { 0 };
	struct owner_map *m = NULL;
	int rc;

	memset(&ns, 0, sizeof ns);
	ns.state = -1;
	ns.port = -1;
	ns.proc = nt_proc_root();
	parse_options(&ns, argc, argv);
	if (!ns.numeric && !ns.json && !ns.stats)
		load_service_names(&ns);
	if (obuf_init(&ns.ob, STDOUT_FILENO, 1u << 16) < 0)
		nt_die(EXIT_USAGE, "out of memory");
	if (ns.json)
		ns.out = out_open(stdout, OUT_JSON, json_cols, J_COUNT);
	if (ns.watch_us) {
		rc = watch(&ns);
	} else {
		if (ns.stats) {
			snapshot(&ns, &l);
			rc = print_stats(&ns, &l);
		} else {
			if (ns.program) {
				/* the owner pass overlaps the reading */
				if (procnet_read_owned(ns.proc, ns.protos, ns.family, &l, &m) < 0)
					nt_die(EXIT_NO, "cannot read %s/net: %s", ns.proc,
					       strerror(errno));
				keep_wanted(&ns, &l);
				print_list(&ns, &l, m);
			} else {
				print_stream(&ns, NULL);
			}
			rc = flush_output(&ns);
		}
	}
	if (ns.out && out_close(ns.out) < 0)
		rc = -1;
	if (rc < 0 && (ns.ob.err ? ns.ob.err : errno) != EPIPE)
		nt_die(EXIT_NO, "write error on standard output: %s",
		       strerror(ns.ob.err ? ns.ob.err : errno));
	owner_map_free(m);
	sock_list_free(&l);
	obuf_free(&ns.ob);
	svc_free(&ns.db);
	free(ns.svc[0]);
	free(ns.svc[1]);
	return EXIT_YES;
}
