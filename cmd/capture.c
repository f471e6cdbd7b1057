/* capture: packets from an AF_PACKET ring (or a pcap file), filtered by a
 * BPF program compiled from the user's expression, shown one line each,
 * layer by layer, as JSON, or written to pcap files. Every wait is on
 * core/loop: the ring's socket, the signals, the file reader's turns. */
#define _GNU_SOURCE /* if_indextoname */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/bpf.h"
#include "capture/capsock.h"
#include "capture/feed.h"
#include "capture/pcap.h"
#include "capture/session.h"
#include "cmd.h"
#include "core/loop.h"
#include "system/procnet.h"

const char capture_usage[] =
"usage: nettool capture [-i IFACE] [-c COUNT] [-w FILE.pcap] [-r FILE.pcap] [-v] [-x]\n"
"                       [-X] [-A] [-e] [-n] [-p] [-s SNAPLEN] [-B KIB] [-Q DIR] [-D]\n"
"                       [-C MB] [-W FILES] [-G SECS]\n"
"                       [--nano] [--pid PID] [--follow] [--json] [FILTER]\n"
"\n"
"Capture packets on IFACE (default: every interface, as Linux cooked\n"
"packets) or read them from a pcap file, keep those FILTER matches, and\n"
"show one line per packet.\n"
"\n"
"  -i, --interface IFACE  capture on IFACE only ('any': every interface)\n"
"  -c, --count COUNT      stop after COUNT packets\n"
"  -w, --write FILE       write the packets to a pcap file ('-': stdout)\n"
"  -C, --file-size MB     -w starts a new file past MB million bytes\n"
"  -W, --file-count N     -C keeps a ring of N files; -G stops after N\n"
"  -G, --rotate-seconds S -w starts a new file every S seconds (strftime name)\n"
"  -r, --read FILE        read packets from a pcap file instead\n"
"  -v, --verbose          each packet layer by layer, and its payload's start\n"
"  -x, -X, --hex          hex and ASCII dump of each payload\n"
"  -A, --ascii            each payload as text\n"
"  -e, --link-header      the link-layer header on each line\n"
"  -n                     accepted (output is always numeric)\n"
"  -p, --no-promiscuous   leave the interface out of promiscuous mode\n"
"  -s, --snapshot-length N  keep the first N bytes of each packet\n"
"  -B, --buffer-size KIB  the kernel ring's size (default 32768)\n"
"  -Q, --direction DIR    in, out or inout (default)\n"
"  -D, --list-interfaces  list the interfaces one can capture on\n"
"      --nano             -w writes nanosecond time stamps\n"
"      --pid PID          keep only packets of PID's TCP and UDP sockets\n"
"      --follow           name TCP handshake and teardown steps\n"
"  -j, --json             one JSON object per packet\n"
"\n"
"FILTER is tcpdump's language (see nettool-capture(1)): tcp udp icmp arp ip ip6,\n"
"[src|dst] host|net|port|portrange, less, greater, proto[off:size] comparisons,\n"
"vlan, ether, broadcast, multicast, inbound, outbound; and, or, not, ( ).\n";

struct capture_opts {
	const char *ifname, *wfile, *rfile;
	long count;      /* 0: no limit */
	long long file_bytes;
	long file_secs, file_count;
	int nano, follow, json, list;
	struct show_opts show;
	struct capsock_opts sock;
	long pid;        /* 0: none */
	char filter[8192];
};

/* A capture: the session (per-packet work), the loop, the sources. */
struct capture {
	const struct capture_opts *o;
	struct session ses;
	struct loop *loop;
	int status;
	struct sock_list socks;
	long long socks_at;
};

/* ---- options ---- */

static const struct option longopts[] = {
	{ "interface", required_argument, NULL, 'i' }, { "count", required_argument, NULL, 'c' },
	{ "write", required_argument, NULL, 'w' }, { "read", required_argument, NULL, 'r' },
	{ "verbose", no_argument, NULL, 'v' }, { "hex", no_argument, NULL, 'x' },
	{ "ascii", no_argument, NULL, 'A' }, { "link-header", no_argument, NULL, 'e' },
	{ "no-promiscuous", no_argument, NULL, 'p' },
	{ "snapshot-length", required_argument, NULL, 's' },
	{ "buffer-size", required_argument, NULL, 'B' }, { "direction", required_argument, NULL, 'Q' },
	{ "list-interfaces", no_argument, NULL, 'D' }, { "nano", no_argument, NULL, 'N' },
	{ "pid", required_argument, NULL, 'P' }, { "follow", no_argument, NULL, 'F' },
	{ "json", no_argument, NULL, 'j' }, { "file-size", required_argument, NULL, 'C' },
	{ "file-count", required_argument, NULL, 'W' },
	{ "rotate-seconds", required_argument, NULL, 'G' }, { NULL, 0, NULL, 0 },
};

static enum cap_dir parse_direction(const char *s)
{
	char q[64];
	if (!strcmp(s, "in"))
		return CAP_DIR_IN;
	if (!strcmp(s, "out"))
		return CAP_DIR_OUT;
	if (!strcmp(s, "inout"))
		return CAP_DIR_INOUT;
	nt_usage_error("direction '%s' is not in, out or inout", nt_quote(s, q, sizeof q));
}

static void parse_option(int c, struct capture_opts *o)
{
	switch (c) {
	case 'i': o->ifname = optarg; break;
	case 'w': o->wfile = optarg; break;
	case 'r': o->rfile = optarg; break;
	case 'v': o->show.verbose = 1; break;
	case 'x': case 'X': o->show.hex = 1; break;
	case 'A': o->show.ascii = 1; break;
	case 'e': o->show.link_header = 1; break;
	case 'n': break;
	case 'p': o->sock.no_promisc = 1; break;
	case 'D': o->list = 1; break;
	case 'N': o->nano = 1; break;
	case 'F': o->follow = 1; break;
	case 'j': o->json = 1; break;
	case 'c': o->count = opt_count("count", optarg, 1, 1000000000L); break;
	case 'P': o->pid = opt_count("pid", optarg, 1, 4194304L); break;
	case 's': o->sock.snaplen = (unsigned)opt_count("snapshot length", optarg, 0, 262144); break;
	case 'B': o->sock.ring_bytes = (size_t)opt_count("buffer size", optarg, 256, 4194304) * 1024; break;
	case 'Q': o->sock.dir = parse_direction(optarg); break;
	case 'C': o->file_bytes = opt_count("file size", optarg, 1, 1000000) * 1000000LL; break;
	case 'W': o->file_count = opt_count("file count", optarg, 1, 1000000); break;
	case 'G': o->file_secs = opt_count("rotation seconds", optarg, 1, 31536000); break;
	}
}

static void join_filter(int argc, char **argv, struct capture_opts *o)
{
	for (int i = optind; i < argc; i++) {
		size_t used = strlen(o->filter);
		if (used + strlen(argv[i]) + 2 > sizeof o->filter)
			nt_usage_error("filter is too long (at most %zu bytes)", sizeof o->filter - 1);
		if (used)
			strcat(o->filter, " ");
		strcat(o->filter, argv[i]);
	}
}

static void parse_options(int argc, char **argv, struct capture_opts *o)
{
	char q[128];
	int c;
	memset(o, 0, sizeof *o);
	while ((c = nt_getopt(argc, argv, "i:c:w:r:vxXAenpDs:B:Q:C:W:G:j", longopts)) != -1)
		parse_option(c, o);
	join_filter(argc, argv, o);
	if (o->rfile && o->ifname)
		nt_usage_error("-r reads a file; -i '%s' makes no sense with it",
			       nt_quote(o->ifname, q, sizeof q));
	if (o->rfile && o->pid)
		nt_usage_error("--pid needs a live capture, not -r");
	if (o->rfile && o->sock.dir)
		nt_usage_error("-Q needs a live capture, not -r");
	if ((o->file_bytes || o->file_secs) && !o->wfile)
		nt_usage_error("-C and -G rotate the files of -w, which is missing");
	if (o->file_count && !o->file_bytes && !o->file_secs)
		nt_usage_error("-W needs -C or -G");
	if (o->ifname && strlen(o->ifname) >= IF_NAMESIZE)
		nt_usage_error("interface '%s' is not a valid name",
			       nt_quote(o->ifname, q, sizeof q));
	o->sock.ifname = o->ifname;
	o->show.tty = nt_stdout_is_tty();
}

/* ---- --pid ---- */

static int sock_matches(const struct sock_rec *s, const struct pkt *p, const uint8_t *addr,
			uint16_t port)
{
	static const uint8_t any[16];
	if (s->lport != port || (s->proto == SP_TCP) != (p->l4 == 6))
		return 0;
	if (s->family != p->family) /* a dual-stack socket bound to :: also takes IPv4 */
		return s->family == 6 && p->family == 4 && !memcmp(s->local, any, 16);
	size_t n = p->family == 6 ? 16 : 4;
	return !memcmp(s->local, any, n) || !memcmp(s->local, addr, n);
}

static int pid_owns(const struct capture *cp, const struct pkt *p)
{
	for (size_t i = 0; i < cp->socks.n; i++) {
		const struct sock_rec *s = &cp->socks.v[i];
		if (sock_matches(s, p, p->src, p->sport) || sock_matches(s, p, p->dst, p->dport))
			return 1;
	}
	return 0;
}

static int refresh_sockets(struct capture *cp)
{
	cp->socks.n = 0;
	cp->socks_at = loop_now_ms();
	return procnet_sockets_of_pid(nt_proc_root(), (pid_t)cp->o->pid, &cp->socks);
}

/* A packet of a socket the process opened since the last look is found
 * by looking again, at most ten times a second. */
static int keep_for_pid(void *ctx, const struct pkt *p)
{
	struct capture *cp = ctx;
	if (p->l4 != 6 && p->l4 != 17)
		return 0;
	if (pid_owns(cp, p))
		return 1;
	if (loop_now_ms() - cp->socks_at < 100)
		return 0;
	refresh_sockets(cp);
	return pid_owns(cp, p);
}

/* ---- output ---- */

static void start_session(struct capture *cp, int link)
{
	const struct capture_opts *o = cp->o;
	struct session *s = &cp->ses;
	char q[256];
	s->count = o->count;
	s->json = o->json;
	s->follow = o->follow;
	s->show = o->show;
	s->save = (struct savefile_opts){ o->wfile, link, o->nano, o->sock.snaplen, o->file_bytes,
					  o->file_secs, o->file_count };
	s->fp = stdout;
	if (o->pid) {
		s->keep = keep_for_pid;
		s->keep_ctx = cp;
	}
	if (session_start(s, link) < 0)
		nt_die(EXIT_USAGE, "cannot write '%s': %s",
		       nt_quote(s->file.name[0] ? s->file.name : o->wfile, q, sizeof q),
		       strerror(errno));
}

static int end_session(struct capture *cp)
{
	char q[256];
	if (session_end(&cp->ses) == 0)
		return 0;
	if (!cp->o->wfile && errno == EPIPE)
		nt_write_error(); /* the reader left: end as any filter does */
	nt_warn("cannot write '%s': %s", nt_quote(cp->o->wfile ? cp->ses.file.name : "stdout", q,
						   sizeof q), strerror(errno));
	return -1;
}

static void compile_or_die(const char *filter, int link, enum bpf_target target,
			   struct bpf_prog *prog)
{
	char err[512];
	if (bpf_compile_for(filter, link, target, prog, err, sizeof err) < 0)
		nt_usage_error("%s", err);
}

/* ---- sources ---- */

static int run_file(struct capture *cp, struct bpf_prog *prog)
{
	const struct capture_opts *o = cp->o;
	char q[256];
	FILE *fp = strcmp(o->rfile, "-") == 0 ? stdin : fopen(o->rfile, "rb");
	struct pcap_reader r;
	struct feed f = { cp->loop, session_packet, session_flush, NULL, &cp->ses, NULL, &r, prog,
			  PCAP_OK, 0 };
	enum pcap_err e;
	if (!fp)
		nt_die(EXIT_USAGE, "cannot read '%s': %s", nt_quote(o->rfile, q, sizeof q),
		       strerror(errno));
	if ((e = pcap_reader_open(&r, fp)) != PCAP_OK)
		nt_die(EXIT_USAGE, "cannot read '%s': %s", nt_quote(o->rfile, q, sizeof q),
		       pcap_strerror(e));
	compile_or_die(o->filter, r.link, BPF_TARGET_FILE, prog);
	start_session(cp, r.link);
	if (feed_file(&f) < 0 || loop_run(cp->loop) < 0)
		nt_die(EXIT_NO, "cannot read '%s': %s", nt_quote(o->rfile, q, sizeof q),
		       strerror(errno));
	if (f.file_err != PCAP_OK && f.file_err != PCAP_EOF) {
		nt_warn("'%s': %s after %ld packets", nt_quote(o->rfile, q, sizeof q),
				pcap_strerror(f.file_err), cp->ses.seen);
		cp->status = EXIT_USAGE;
	}
	pcap_reader_close(&r);
	if (fp != stdin)
		fclose(fp);
	return cp->status;
}

static void explain_open_error(const struct capture_opts *o, int err)
{
	char q[64];
	if (err == EPERM || err == EACCES)
		nt_die(EXIT_NO, "cannot open a packet socket: %s (run as root, or grant the "
		       "capability: setcap cap_net_raw+ep nettool)", strerror(err));
	if (err == ENODEV)
		nt_die(EXIT_NO, "no interface '%s' (see 'nettool ifaces')",
		       nt_quote(o->ifname, q, sizeof q));
	nt_die(EXIT_NO, "cannot start the capture: %s", strerror(err));
}

static void explain_end(const struct capture *cp, int err)
{
	char q[64];
	if (err == ENETDOWN)
		nt_warn("interface '%s' went down", nt_quote(cp->o->ifname, q, sizeof q));
	else
		nt_warn("capture failed: %s", strerror(err));
}

static int run_live(struct capture *cp, struct bpf_prog *prog)
{
	const struct capture_opts *o = cp->o;
	struct capsock cs;
	struct feed f = { cp->loop, session_packet, session_flush, session_release, &cp->ses, &cs,
			  NULL, NULL, PCAP_OK, 0 };
	int cooked, link = capsock_link_of(o->ifname, &cooked);
	compile_or_die(o->filter, link, cooked ? BPF_TARGET_KERNEL_COOKED : BPF_TARGET_KERNEL, prog);
	if (capsock_open(&cs, &o->sock, prog) < 0)
		explain_open_error(o, errno);
	cp->ses.cs = &cs;
	if (o->pid && refresh_sockets(cp) < 0)
		nt_die(EXIT_NO, "cannot read the sockets of pid %ld: %s", o->pid, strerror(errno));
	start_session(cp, link);
	/* --pid reads another process's descriptors as it goes, which needs them */
	if (!o->pid && capsock_drop_privileges() < 0)
		nt_die(EXIT_NO, "cannot drop privileges: %s", strerror(errno));
	if (feed_live(&f) < 0 || loop_run(cp->loop) < 0)
		f.sock_err = errno;
	if (f.sock_err) {
		explain_end(cp, f.sock_err);
		cp->status = EXIT_NO;
	}
	feed_end(&f);
	capsock_update_stats(&cs);
	capsock_close(&cs);
	cp->ses.cs = NULL;
	fflush(stdout);
	fprintf(stderr, "%ld packets captured\n%llu packets received by filter\n"
		"%llu packets dropped by kernel\n", cp->ses.seen, cs.received, cs.drops);
	return cp->status;
}

static void on_stop_signal(struct loop *l, int signo, void *arg)
{
	(void)signo;
	(void)arg;
	loop_stop(l);
}

static void print_interface(void *ctx, unsigned index, const char *name)
{
	(void)ctx;
	printf("%u.%s\n", index, name);
}

static int list_interfaces(void)
{
	if (capsock_list(print_interface, NULL) < 0)
		nt_die(EXIT_NO, "cannot list the interfaces: %s", strerror(errno));
	printf("%u.any (every interface, Linux cooked headers)\n", 0u);
	return EXIT_YES;
}

int cmd_capture(int argc, char **argv)
{
	static struct capture_opts o;
	static struct capture cp;
	static struct bpf_prog prog;

	parse_options(argc, argv, &o);
	if (o.list)
		return list_interfaces();
	/* A wrong filter is a usage error before any file or socket is opened. */
	char err[512];
	if (bpf_check(o.filter, err, sizeof err) < 0)
		nt_usage_error("%s", err);
	memset(&cp, 0, sizeof cp);
	cp.o = &o;
	if (!(cp.loop = loop_new()))
		nt_die(EXIT_NO, "cannot start the event loop: %s", strerror(errno));
	loop_signal(cp.loop, SIGINT, on_stop_signal, &cp);
	loop_signal(cp.loop, SIGTERM, on_stop_signal, &cp);
	int status = o.rfile ? run_file(&cp, &prog) : run_live(&cp, &prog);
	if (end_session(&cp) < 0)
		status = EXIT_NO;
	sock_list_free(&cp.socks);
	loop_free(cp.loop);
	return status;
}
