/* capture: packets from an AF_PACKET ring (or a pcap file), filtered by a
 * BPF program compiled from the user's expression, shown one line each,
 * layer by layer, as JSON, or written to a pcap file. */
#define _GNU_SOURCE /* if_indextoname, localtime_r */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/bpf.h"
#include "capture/capsock.h"
#include "cmd.h"
#include "capture/follow.h"
#include "core/num.h"
#include "core/out.h"
#include "capture/packet.h"
#include "capture/pcap.h"
#include "system/procnet.h"

const char capture_usage[] =
"usage: nettool capture [-i IFACE] [-c COUNT] [-w FILE.pcap] [-r FILE.pcap] [-v] [-x]\n"
"                       [--nano] [--pid PID] [--follow] [--json] [FILTER]\n"
"\n"
"Capture packets on IFACE (default: every interface) or read them from a\n"
"pcap file, keep those FILTER matches, and show one line per packet.\n"
"\n"
"  -i, --interface IFACE  capture on IFACE only\n"
"  -c, --count COUNT      stop after COUNT packets\n"
"  -w, --write FILE       write the packets to a pcap file ('-': stdout)\n"
"  -r, --read FILE        read packets from a pcap file instead\n"
"  -v, --verbose          show each packet layer by layer (TCP/IP and OSI)\n"
"  -x, --hex              hex and ASCII dump of each payload\n"
"      --nano             -w writes nanosecond time stamps\n"
"      --pid PID          keep only packets of PID's TCP and UDP sockets\n"
"      --follow           name TCP handshake and teardown steps\n"
"  -j, --json             one JSON object per packet\n"
"\n"
"FILTER: tcp udp icmp icmp6 arp ip ip6, [src|dst] port N, [src|dst] host ADDR,\n"
"joined by and, or, not and parentheses; run in the kernel as classic BPF.\n";

struct capture_opts {
	const char *ifname, *wfile, *rfile;
	long count;      /* 0: no limit */
	int verbose, hex, nano, follow, json;
	long pid;        /* 0: none */
	char filter[4096];
};

/* Everything the per-packet path needs. */
struct capture {
	const struct capture_opts *o;
	int link;
	long seen;
	struct pcap_writer pw;
	int writing;
	struct out *out;
	struct follow *follow;
	struct sock_list socks;
	struct timespec socks_at;
	char ifnames[64][IF_NAMESIZE];
	time_t tm_sec;     /* the second tm_text was made for */
	char tm_text[16];
	int write_failed;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const struct out_col json_cols[] = {
	{ "time", "", 0, 0 }, { "interface", "", 0, 0 }, { "direction", "", 0, 0 },
	{ "length", "", 0, 0 }, { "captured", "", 0, 0 },
	{ "src_mac", "", 0, 0 }, { "dst_mac", "", 0, 0 }, { "ethertype", "", 0, 0 },
	{ "vlan", "", 0, 0 }, { "network", "", 0, 0 }, { "src", "", 0, 0 },
	{ "dst", "", 0, 0 }, { "ttl", "", 0, 0 }, { "ip_id", "", 0, 0 },
	{ "fragment_offset", "", 0, 0 }, { "more_fragments", "", 0, 0 },
	{ "protocol", "", 0, 0 }, { "sport", "", 0, 0 }, { "dport", "", 0, 0 },
	{ "flags", "", 0, 0 }, { "seq", "", 0, 0 }, { "ack", "", 0, 0 },
	{ "window", "", 0, 0 }, { "mss", "", 0, 0 }, { "wscale", "", 0, 0 },
	{ "icmp_type", "", 0, 0 }, { "icmp_code", "", 0, 0 }, { "arp_op", "", 0, 0 },
	{ "payload_length", "", 0, 0 }, { "step", "", 0, 0 }, { "truncated", "", 0, 0 },
};

/* ---- options ---- */

static void parse_options(int argc, char **argv, struct capture_opts *o)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "write", required_argument, NULL, 'w' },
		{ "read", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "hex", no_argument, NULL, 'x' },
		{ "nano", no_argument, NULL, 'N' },
		{ "pid", required_argument, NULL, 'P' },
		{ "follow", no_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	char q[128];
	enum num_err e;
	int c;
	memset(o, 0, sizeof *o);
	while ((c = nt_getopt(argc, argv, "i:c:w:r:vxj", longopts)) != -1) {
		switch (c) {
		case 'i': o->ifname = optarg; break;
		case 'w': o->wfile = optarg; break;
		case 'r': o->rfile = optarg; break;
		case 'v': o->verbose = 1; break;
		case 'x': o->hex = 1; break;
		case 'N': o->nano = 1; break;
		case 'F': o->follow = 1; break;
		case 'j': o->json = 1; break;
		case 'c':
			if ((e = num_parse_long(optarg, 1, 1000000000L, &o->count)) != NUM_OK)
				nt_usage_error("count '%s' %s (1-1000000000)",
					       nt_quote(optarg, q, sizeof q), num_strerror(e));
			break;
		case 'P':
			if ((e = num_parse_long(optarg, 1, 4194304L, &o->pid)) != NUM_OK)
				nt_usage_error("pid '%s' %s (1-4194304)",
					       nt_quote(optarg, q, sizeof q), num_strerror(e));
			break;
		}
	}
	for (int i = optind; i < argc; i++) {
		size_t used = strlen(o->filter);
		if (used + strlen(argv[i]) + 2 > sizeof o->filter)
			nt_usage_error("filter is too long (at most %zu bytes)", sizeof o->filter - 1);
		if (used)
			strcat(o->filter, " ");
		strcat(o->filter, argv[i]);
	}
	if (o->rfile && o->ifname)
		nt_usage_error("-r reads a file; -i '%s' makes no sense with it",
			       nt_quote(o->ifname, q, sizeof q));
	if (o->rfile && o->pid)
		nt_usage_error("--pid needs a live capture, not -r");
	if (o->ifname && strlen(o->ifname) >= IF_NAMESIZE)
		nt_usage_error("interface '%s' is not a valid name",
			       nt_quote(o->ifname, q, sizeof q));
}

/* ---- text rendering ---- */

struct line {
	char buf[8192];
	size_t len;
};

static void put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct line *l, const char *fmt, ...)
{
	if (l->len >= sizeof l->buf)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(l->buf + l->len, sizeof l->buf - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n < sizeof l->buf - l->len ? (size_t)n : sizeof l->buf - l->len - 1;
}

static const char *ifname_of(struct capture *cp, int ifindex, char *tmp)
{
	if (ifindex <= 0)
		return "-";
	if (ifindex < 64) {
		char *n = cp->ifnames[ifindex];
		if (!n[0] && !if_indextoname((unsigned)ifindex, n))
			snprintf(n, IF_NAMESIZE, "if%d", ifindex);
		return n;
	}
	if (!if_indextoname((unsigned)ifindex, tmp))
		snprintf(tmp, IF_NAMESIZE, "if%d", ifindex);
	return tmp;
}

static const char *direction_of(int pkttype)
{
	switch (pkttype) {
	case CAP_OUTGOING: return "Out";
	case CAP_BROADCAST: return "B";
	case CAP_MULTICAST: return "M";
	case CAP_OTHERHOST: return "P";
	}
	return "In";
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 58: return "ICMP6";
	case 132: return "SCTP";
	}
	return NULL;
}

static void put_time(struct capture *cp, struct line *l, int64_t sec, long nsec)
{
	time_t t = (time_t)sec;
	if (t != cp->tm_sec || !cp->tm_text[0]) {
		struct tm tm;
		if (localtime_r(&t, &tm))
			strftime(cp->tm_text, sizeof cp->tm_text, "%H:%M:%S", &tm);
		cp->tm_sec = t;
	}
	put(l, "%s.%06ld", cp->tm_text, nsec / 1000);
}

static void put_mac(struct line *l, const uint8_t *m)
{
	put(l, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void put_tcp_options(struct line *l, const struct pkt *p)
{
	int any = 0;
	const char *sep = "";
	if (p->mss < 0 && p->wscale < 0 && !p->sack_ok && !p->has_ts && !p->n_sack)
		return;
	put(l, ", options [");
	if (p->mss >= 0) { put(l, "%smss %d", sep, p->mss); sep = ","; any = 1; }
	if (p->sack_ok) { put(l, "%ssackOK", sep); sep = ","; any = 1; }
	if (p->has_ts) { put(l, "%sTS val %u ecr %u", sep, p->ts_val, p->ts_ecr); sep = ","; any = 1; }
	if (p->wscale >= 0) { put(l, "%swscale %d", sep, p->wscale); sep = ","; any = 1; }
	for (int i = 0; i < p->n_sack; i++) {
		put(l, "%ssack %u:%u", sep, p->sack[i][0], p->sack[i][1]);
		sep = ",";
		any = 1;
	}
	(void)any;
	put(l, "]");
}

static void put_endpoint(struct line *l, const struct pkt *p, const uint8_t *a, uint16_t port,
			 int with_port)
{
	char s[64];
	packet_addr_str(p->family, a, s, sizeof s);
	if (with_port)
		put(l, "%s.%u", s, port);
	else
		put(l, "%s", s);
}

/* The tcpdump-style summary: "IP a.p > b.q: Flags [S], seq ..., length N". */
static void put_summary(struct line *l, const struct pkt *p)
{
	char a[64], b[64];
	if (p->has_arp) {
		packet_addr_str(4, p->arp_tpa, a, sizeof a);
		packet_addr_str(4, p->arp_spa, b, sizeof b);
		if (p->arp_op == 1)
			put(l, "ARP, Request who-has %s tell %s, length 28", a, b);
		else if (p->arp_op == 2) {
			put(l, "ARP, Reply %s is-at ", b);
			put_mac(l, p->arp_sha);
			put(l, ", length 28");
		} else
			put(l, "ARP, op %u, length 28", p->arp_op);
		return;
	}
	if (p->family == 0) {
		if (p->trunc)
			put(l, "[|%s]", p->trunc);
		else
			put(l, "ethertype 0x%04x, length %zu", p->ethertype, p->wire_len);
		return;
	}
	int ports = p->l4 == 6 || p->l4 == 17;
	put(l, "%s ", p->family == 6 ? "IP6" : "IP");
	put_endpoint(l, p, p->src, p->sport, ports);
	put(l, " > ");
	put_endpoint(l, p, p->dst, p->dport, ports);
	put(l, ": ");
	if (p->l4 == 6) {
		char fl[16];
		packet_tcp_flags_str(p->tcp_flags, fl, sizeof fl);
		put(l, "Flags [%s], seq %u", fl, p->seq);
		if (p->payload_len)
			put(l, ":%u", p->seq + (uint32_t)p->payload_len);
		if (p->tcp_flags & TCP_ACK)
			put(l, ", ack %u", p->ack);
		put(l, ", win %u", p->window);
		put_tcp_options(l, p);
		put(l, ", length %zu", p->payload_len);
	} else if (p->l4 == 17) {
		put(l, "UDP, length %zu", p->payload_len);
	} else if (p->l4 == 1 || p->l4 == 58) {
		int fam = p->l4 == 1 ? 4 : 6;
		int echo = fam == 4 ? (p->icmp_type == 0 || p->icmp_type == 8)
				    : (p->icmp_type == 128 || p->icmp_type == 129);
		put(l, "%s %s", p->l4 == 1 ? "ICMP" : "ICMP6", packet_icmp_name(fam, p->icmp_type));
		if (!strcmp(packet_icmp_name(fam, p->icmp_type), "type"))
			put(l, " %u", p->icmp_type);
		if (echo)
			put(l, ", id %u, seq %u", p->icmp_id, p->icmp_seq);
		else
			put(l, ", code %u", p->icmp_code);
		put(l, ", length %zu", p->payload_len + p->l4_hdr_len);
	} else {
		const char *n = proto_name(p->proto);
		if (p->frag_offset)
			put(l, "fragment offset %u, ", p->frag_offset);
		if (n)
			put(l, "%s", n);
		else
			put(l, "ip-proto-%u", p->proto);
		put(l, ", length %zu", p->payload_len);
	}
	if (p->trunc)
		put(l, " [|%s]", p->trunc);
}

static void put_layers(struct line *l, const struct pkt *p)
{
	put(l, "\n  link layer (OSI 2 data link, 1 physical): ");
	if (p->has_mac) {
		put(l, "%s ", p->link == LINK_LINUX_SLL ? "Linux cooked" : "Ethernet");
		put_mac(l, p->src_mac);
		if (p->link == LINK_ETHERNET) {
			put(l, " > ");
			put_mac(l, p->dst_mac);
		}
	} else {
		put(l, "%s", p->link == LINK_RAW ? "raw IP (no link header)" : "link header");
	}
	for (int i = 0; i < p->nvlan; i++)
		put(l, ", vlan %u", p->vlan[i]);
	put(l, ", ethertype 0x%04x, frame %zu bytes", p->ethertype, p->wire_len);

	put(l, "\n  internet layer (OSI 3 network): ");
	char a[64], b[64];
	if (p->has_arp) {
		put(l, "ARP %s, sender ", p->arp_op == 1 ? "request" : p->arp_op == 2 ? "reply" : "op");
		put_mac(l, p->arp_sha);
		put(l, " %s, target ", packet_addr_str(4, p->arp_spa, a, sizeof a));
		put_mac(l, p->arp_tha);
		put(l, " %s", packet_addr_str(4, p->arp_tpa, b, sizeof b));
	} else if (p->family == 4) {
		put(l, "IPv4 %s > %s, ttl %u, tos 0x%02x, id %u, header %zu, total %zu",
		    packet_addr_str(4, p->src, a, sizeof a), packet_addr_str(4, p->dst, b, sizeof b),
		    p->ttl, p->tos, p->ip_id, p->ip_hdr_len, p->ip_total_len);
		if (p->dont_frag) put(l, ", DF");
		if (p->more_frags) put(l, ", MF");
		if (p->frag_offset) put(l, ", fragment offset %u", p->frag_offset);
		if (p->ip_opt_len) put(l, ", options %zu bytes", p->ip_opt_len);
		put(l, ", protocol %u", p->proto);
	} else if (p->family == 6) {
		put(l, "IPv6 %s > %s, hop limit %u, flow 0x%05x, payload %zu",
		    packet_addr_str(6, p->src, a, sizeof a), packet_addr_str(6, p->dst, b, sizeof b),
		    p->ttl, p->flow_label, p->ip_total_len - 40);
		for (int i = 0; i < p->n_ext; i++)
			put(l, ", ext header %u", p->ext[i]);
		put(l, ", next header %u", p->proto);
	} else {
		put(l, "none");
	}

	put(l, "\n  transport layer (OSI 4 transport): ");
	if (p->l4 == 6) {
		char fl[16];
		packet_tcp_flags_str(p->tcp_flags, fl, sizeof fl);
		put(l, "TCP %u > %u, flags [%s], seq %u, ack %u, win %u, header %zu",
		    p->sport, p->dport, fl, p->seq, p->ack, p->window, p->l4_hdr_len);
		put_tcp_options(l, p);
	} else if (p->l4 == 17) {
		put(l, "UDP %u > %u, length %u", p->sport, p->dport, p->udp_len);
	} else if (p->l4 == 1 || p->l4 == 58) {
		put(l, "%s type %u (%s), code %u", p->l4 == 1 ? "ICMP" : "ICMPv6", p->icmp_type,
		    packet_icmp_name(p->l4 == 1 ? 4 : 6, p->icmp_type), p->icmp_code);
	} else {
		put(l, "none");
	}
	put(l, "\n  application layer (OSI 5 session, 6 presentation, 7 application): %zu bytes",
	    p->payload_len);
	if (p->trunc)
		put(l, "\n  truncated: %s", p->trunc);
}

static void put_hex(struct line *l, const uint8_t *d, size_t n)
{
	for (size_t off = 0; off < n; off += 16) {
		put(l, "\n\t0x%04zx: ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i % 2 == 0)
				put(l, " ");
			if (off + i < n)
				put(l, "%02x", d[off + i]);
			else
				put(l, "  ");
		}
		put(l, "  ");
		for (size_t i = 0; i < 16 && off + i < n; i++) {
			uint8_t c = d[off + i];
			put(l, "%c", c >= 0x20 && c < 0x7f ? c : '.');
		}
	}
}

/* ---- JSON ---- */

static void json_packet(struct capture *cp, const struct cap_packet *cap, const struct pkt *p,
			const char *ifname, const char *step)
{
	struct out *o = cp->out;
	char a[64];
	char t[48];
	snprintf(t, sizeof t, "%lld.%06ld", (long long)cap->sec, cap->nsec / 1000);
	out_num(o, t);
	if (ifname) out_str(o, ifname); else out_skip(o);
	if (ifname) out_str(o, direction_of(cap->pkttype)); else out_skip(o);
	out_uint(o, cap->wirelen);
	out_uint(o, cap->caplen);
	if (p->has_mac) {
		out_fmt(o, "%02x:%02x:%02x:%02x:%02x:%02x", p->src_mac[0], p->src_mac[1],
			p->src_mac[2], p->src_mac[3], p->src_mac[4], p->src_mac[5]);
		if (p->link == LINK_ETHERNET)
			out_fmt(o, "%02x:%02x:%02x:%02x:%02x:%02x", p->dst_mac[0], p->dst_mac[1],
				p->dst_mac[2], p->dst_mac[3], p->dst_mac[4], p->dst_mac[5]);
		else
			out_skip(o);
	} else {
		out_skip(o);
		out_skip(o);
	}
	out_uint(o, p->ethertype);
	if (p->nvlan) out_uint(o, p->vlan[0]); else out_skip(o);
	if (p->has_arp) {
		out_str(o, "arp");
		out_str(o, packet_addr_str(4, p->arp_spa, a, sizeof a));
		out_str(o, packet_addr_str(4, p->arp_tpa, a, sizeof a));
	} else if (p->family) {
		out_str(o, p->family == 4 ? "ipv4" : "ipv6");
		out_str(o, packet_addr_str(p->family, p->src, a, sizeof a));
		out_str(o, packet_addr_str(p->family, p->dst, a, sizeof a));
	} else {
		out_skip(o); out_skip(o); out_skip(o);
	}
	if (p->family) {
		out_uint(o, p->ttl);
		out_uint(o, p->ip_id);
		out_uint(o, p->frag_offset);
		out_bool(o, p->more_frags);
		const char *n = proto_name(p->proto);
		if (n) {
			char low[8];
			size_t i;
			for (i = 0; n[i] && i + 1 < sizeof low; i++)
				low[i] = (char)(n[i] >= 'A' && n[i] <= 'Z' ? n[i] + 32 : n[i]);
			low[i] = '\0';
			out_str(o, low);
		} else {
			out_uint(o, p->proto);
		}
	} else {
		for (int i = 0; i < 5; i++) out_skip(o);
	}
	if (p->l4 == 6 || p->l4 == 17) { out_uint(o, p->sport); out_uint(o, p->dport); }
	else { out_skip(o); out_skip(o); }
	if (p->l4 == 6) {
		char fl[16];
		packet_tcp_flags_str(p->tcp_flags, fl, sizeof fl);
		out_str(o, fl);
		out_uint(o, p->seq);
		out_uint(o, p->ack);
		out_uint(o, p->window);
		if (p->mss >= 0) out_int(o, p->mss); else out_skip(o);
		if (p->wscale >= 0) out_int(o, p->wscale); else out_skip(o);
	} else {
		for (int i = 0; i < 6; i++) out_skip(o);
	}
	if (p->l4 == 1 || p->l4 == 58) { out_uint(o, p->icmp_type); out_uint(o, p->icmp_code); }
	else { out_skip(o); out_skip(o); }
	if (p->has_arp) out_uint(o, p->arp_op); else out_skip(o);
	out_uint(o, p->payload_len);
	if (step) out_str(o, step); else out_skip(o);
	if (p->trunc) out_str(o, p->trunc); else out_skip(o);
	if (out_end(o) < 0)
		cp->write_failed = 1;
}

/* ---- --pid ---- */

static int sock_matches(const struct sock_rec *s, const struct pkt *p, const uint8_t *addr,
			uint16_t port)
{
	if (s->lport != port || (s->proto == SP_TCP) != (p->l4 == 6))
		return 0;
	size_t n = p->family == 6 ? 16 : 4;
	if (s->family != p->family) {
		/* a dual-stack socket bound to :: also takes IPv4 */
		static const uint8_t zero[16];
		return s->family == 6 && p->family == 4 && !memcmp(s->local, zero, 16);
	}
	static const uint8_t any[16];
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

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static int refresh_sockets(struct capture *cp)
{
	cp->socks.n = 0;
	clock_gettime(CLOCK_MONOTONIC, &cp->socks_at);
	return procnet_sockets_of_pid(nt_proc_root(), (pid_t)cp->o->pid, &cp->socks);
}

/* A packet of a socket the process opened since the last look is found
 * by looking again, at most ten times a second. */
static int keep_for_pid(struct capture *cp, const struct pkt *p)
{
	if (p->l4 != 6 && p->l4 != 17)
		return 0;
	if (pid_owns(cp, p))
		return 1;
	if (since(&cp->socks_at) < 0.1)
		return 0;
	refresh_sockets(cp);
	return pid_owns(cp, p);
}

/* ---- per packet ---- */

/* Returns nonzero to stop. */
static int handle_packet(void *ctx, const struct cap_packet *cap)
{
	struct capture *cp = ctx;
	const struct capture_opts *o = cp->o;
	struct pkt p;
	int need_decode = !cp->writing || o->pid || o->json || o->verbose || o->follow;

	if (stop_requested)
		return 1;
	if (need_decode) {
		p.wire_len = cap->wirelen;
		packet_decode(cap->data, cap->caplen, cp->link, &p);
		if (o->pid && !keep_for_pid(cp, &p))
			return 0;
	}
	cp->seen++;
	if (cp->writing) {
		if (pcap_write(&cp->pw, cap->sec, cap->nsec, cap->data, cap->caplen, cap->wirelen) < 0) {
			cp->write_failed = 1;
			return 1;
		}
	} else {
		const char *step = o->follow ? follow_step(cp->follow, &p) : NULL;
		char tmp[IF_NAMESIZE];
		const char *ifname = o->rfile ? NULL : ifname_of(cp, cap->ifindex, tmp);
		if (o->json) {
			json_packet(cp, cap, &p, ifname, step);
		} else {
			static struct line l;
			l.len = 0;
			put_time(cp, &l, cap->sec, cap->nsec);
			if (ifname)
				put(&l, " %s %s", ifname, direction_of(cap->pkttype));
			put(&l, " ");
			put_summary(&l, &p);
			if (step)
				put(&l, "  <%s>", step);
			if (o->verbose)
				put_layers(&l, &p);
			if (o->hex && p.payload_len)
				put_hex(&l, p.payload, p.payload_len);
			put(&l, "\n");
			if (fwrite(l.buf, 1, l.len, stdout) != l.len) {
				cp->write_failed = 1;
				return 1;
			}
		}
	}
	return (o->count && cp->seen >= o->count) || cp->write_failed;
}

/* ---- sources ---- */

static int open_output(struct capture *cp)
{
	const struct capture_opts *o = cp->o;
	if (!o->wfile)
		return 0;
	int fd = strcmp(o->wfile, "-") == 0 ? STDOUT_FILENO
		: open(o->wfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		char q[256];
		nt_die(EXIT_USAGE, "cannot write '%s': %s", nt_quote(o->wfile, q, sizeof q),
		       strerror(errno));
	}
	if (pcap_writer_open(&cp->pw, fd, cp->link, o->nano) < 0)
		nt_die(EXIT_NO, "cannot write the pcap header: %s", strerror(errno));
	cp->writing = 1;
	return 0;
}

static int close_output(struct capture *cp)
{
	if (!cp->writing)
		return 0;
	int fd = cp->pw.out.fd;
	int rc = pcap_writer_close(&cp->pw);
	if (rc < 0) {
		nt_warn("cannot write '%s': %s", cp->o->wfile, strerror(cp->pw.out.err));
		return -1;
	}
	if (fd != STDOUT_FILENO && close(fd) < 0) {
		nt_warn("cannot write '%s': %s", cp->o->wfile, strerror(errno));
		return -1;
	}
	return 0;
}

static void compile_or_die(const struct capture_opts *o, int link, struct bpf_prog *prog)
{
	char err[256];
	if (bpf_compile(o->filter, link, prog, err, sizeof err) < 0)
		nt_usage_error("%s", err);
}

static int run_file(struct capture *cp, struct bpf_prog *prog)
{
	const struct capture_opts *o = cp->o;
	char q[256];
	FILE *fp = strcmp(o->rfile, "-") == 0 ? stdin : fopen(o->rfile, "rb");
	if (!fp)
		nt_die(EXIT_USAGE, "cannot read '%s': %s", nt_quote(o->rfile, q, sizeof q),
		       strerror(errno));
	struct pcap_reader r;
	enum pcap_err e = pcap_reader_open(&r, fp);
	if (e != PCAP_OK)
		nt_die(EXIT_USAGE, "cannot read '%s': %s", nt_quote(o->rfile, q, sizeof q),
		       pcap_strerror(e));
	cp->link = r.link;
	compile_or_die(o, r.link, prog);
	open_output(cp);
	struct pcap_record rec;
	int status = EXIT_YES;
	while ((e = pcap_read(&r, &rec)) == PCAP_OK && !stop_requested) {
		if (!bpf_run(prog, rec.data, rec.caplen, NULL))
			continue;
		struct cap_packet cap = { rec.sec, rec.nsec, rec.data, rec.caplen, rec.wirelen, 0,
					  CAP_HOST };
		if (r.link == LINK_LINUX_SLL && rec.caplen >= 2)
			cap.pkttype = rec.data[0] << 8 | rec.data[1];
		if (handle_packet(cp, &cap))
			break;
	}
	if (e != PCAP_OK && e != PCAP_EOF) {
		nt_warn("'%s': %s after %ld packets", nt_quote(o->rfile, q, sizeof q),
			pcap_strerror(e), cp->seen);
		status = EXIT_USAGE;
	}
	pcap_reader_close(&r);
	if (fp != stdin)
		fclose(fp);
	return status;
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

static int run_live(struct capture *cp, struct bpf_prog *prog)
{
	const struct capture_opts *o = cp->o;
	struct capsock cs;
	cp->link = capsock_link_of(o->ifname);
	compile_or_die(o, cp->link, prog);
	if (capsock_open(&cs, o->ifname, prog) < 0)
		explain_open_error(o, errno);
	if (o->pid && refresh_sockets(cp) < 0)
		nt_die(EXIT_NO, "cannot read the sockets of pid %ld: %s", o->pid, strerror(errno));
	open_output(cp);
	int status = EXIT_YES;
	while (!stop_requested) {
		int n = capsock_dispatch(&cs, 200, handle_packet, cp);
		if (n == -2)
			break;
		if (n < 0 && errno != EINTR) {
			nt_warn("capture failed: %s", strerror(errno));
			status = EXIT_NO;
			break;
		}
		if (!cp->writing && fflush(stdout) != 0)
			break;
	}
	capsock_update_stats(&cs);
	capsock_close(&cs);
	fflush(stdout);
	fprintf(stderr, "%ld packets captured\n%llu packets received by filter\n"
		"%llu packets dropped by kernel\n", cp->seen, cs.received, cs.drops);
	return status;
}

int cmd_capture(int argc, char **argv)
{
	static struct capture_opts o;
	static struct capture cp;
	static struct bpf_prog prog;
	static struct follow follow;

	parse_options(argc, argv, &o);
	memset(&cp, 0, sizeof cp);
	cp.o = &o;
	/* A wrong filter is a usage error before any file or socket is opened. */
	compile_or_die(&o, LINK_ETHERNET, &prog);
	cp.follow = &follow;
	follow_init(&follow);
	if (o.json && !o.wfile)
		cp.out = out_open(stdout, OUT_JSON, json_cols, sizeof json_cols / sizeof json_cols[0]);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	int status = o.rfile ? run_file(&cp, &prog) : run_live(&cp, &prog);
	if (close_output(&cp) < 0)
		status = EXIT_NO;
	if (cp.out && out_close(cp.out) < 0)
		status = EXIT_NO;
	sock_list_free(&cp.socks);
	return status;
}
