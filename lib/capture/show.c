/* Packets as text and JSON records; see show.h. */
#define _GNU_SOURCE /* localtime_r */
#include "capture/show.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capsock.h"
#include "capture/dns.h"
#include "core/alloc.h"
#include "core/out.h"

void show_buf_free(struct show_buf *b)
{
	free(b->buf);
	memset(b, 0, sizeof *b);
}

static void put(struct show_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct show_buf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		size_t room = b->cap - b->len;
		va_start(ap, fmt);
		int n = vsnprintf(b->buf ? b->buf + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->buf = xgrow(b->buf, &b->cap, b->len + (size_t)n + 256, 1);
	}
}

static void put_char(struct show_buf *b, char c)
{
	if (b->len + 1 >= b->cap)
		b->buf = xgrow(b->buf, &b->cap, b->len + 256, 1);
	b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

const char *show_direction(int pkttype)
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

static void put_time(struct show_buf *b, int64_t sec, long nsec)
{
	time_t t = (time_t)sec;
	if (t != b->tm_sec || !b->tm_text[0]) {
		struct tm tm;
		if (localtime_r(&t, &tm))
			strftime(b->tm_text, sizeof b->tm_text, "%H:%M:%S", &tm);
		b->tm_sec = t;
	}
	put(b, "%s.%06ld", b->tm_text, nsec / 1000);
}

static void put_mac(struct show_buf *b, const uint8_t *m)
{
	put(b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void put_tcp_options(struct show_buf *b, const struct pkt *p)
{
	const char *sep = "";
	if (p->mss < 0 && p->wscale < 0 && !p->sack_ok && !p->has_ts && !p->n_sack)
		return;
	put(b, ", options [");
	if (p->mss >= 0) { put(b, "%smss %d", sep, p->mss); sep = ","; }
	if (p->sack_ok) { put(b, "%ssackOK", sep); sep = ","; }
	if (p->has_ts) { put(b, "%sTS val %u ecr %u", sep, p->ts_val, p->ts_ecr); sep = ","; }
	if (p->wscale >= 0) { put(b, "%swscale %d", sep, p->wscale); sep = ","; }
	for (int i = 0; i < p->n_sack; i++) {
		put(b, "%ssack %u:%u", sep, p->sack[i][0], p->sack[i][1]);
		sep = ",";
	}
	put(b, "]");
}

static void put_endpoint(struct show_buf *b, const struct pkt *p, const uint8_t *a, uint16_t port,
			 int with_port)
{
	char s[64];
	packet_addr_str(p->family, a, s, sizeof s);
	if (with_port)
		put(b, "%s.%u", s, port);
	else
		put(b, "%s", s);
}

static void put_arp(struct show_buf *b, const struct pkt *p)
{
	char a[64], s[64];
	packet_addr_str(4, p->arp_tpa, a, sizeof a);
	packet_addr_str(4, p->arp_spa, s, sizeof s);
	if (p->arp_op == 1) {
		put(b, "ARP, Request who-has %s tell %s, length 28", a, s);
	} else if (p->arp_op == 2) {
		put(b, "ARP, Reply %s is-at ", s);
		put_mac(b, p->arp_sha);
		put(b, ", length 28");
	} else {
		put(b, "ARP, op %u, length 28", p->arp_op);
	}
}

/* The payload's length on the wire, as tcpdump counts it (UDP's own
 * length, else the IP header's count): a snapshot length may have cut
 * what was captured shorter. */
static size_t wire_payload(const struct pkt *p)
{
	size_t wire = p->l4_wire_len > p->l4_hdr_len ? p->l4_wire_len - p->l4_hdr_len : 0;
	if (p->l4 == 17 && p->udp_len >= 8 && (size_t)p->udp_len - 8 <= wire)
		wire = (size_t)p->udp_len - 8;
	return wire > p->payload_len ? wire : p->payload_len;
}

static void put_tcp(struct show_buf *b, const struct pkt *p)
{
	char fl[16];
	size_t len = wire_payload(p);
	packet_tcp_flags_str(p->tcp_flags, fl, sizeof fl);
	put(b, "Flags [%s], seq %u", fl, p->seq);
	if (len)
		put(b, ":%u", p->seq + (uint32_t)len);
	if (p->tcp_flags & TCP_ACK)
		put(b, ", ack %u", p->ack);
	put(b, ", win %u", p->window);
	put_tcp_options(b, p);
	put(b, ", length %zu", len);
}

static void put_icmp(struct show_buf *b, const struct pkt *p)
{
	int fam = p->l4 == 1 ? 4 : 6;
	int echo = fam == 4 ? (p->icmp_type == 0 || p->icmp_type == 8)
			    : (p->icmp_type == 128 || p->icmp_type == 129);
	const char *name = packet_icmp_name(fam, p->icmp_type);
	put(b, "%s %s", p->l4 == 1 ? "ICMP" : "ICMP6", name);
	if (!strcmp(name, "type"))
		put(b, " %u", p->icmp_type);
	if (echo)
		put(b, ", id %u, seq %u", p->icmp_id, p->icmp_seq);
	else
		put(b, ", code %u", p->icmp_code);
	put(b, ", length %zu", wire_payload(p) + p->l4_hdr_len);
}

/* DNS on port 53 over UDP, or over TCP after its two length bytes:
 * tcpdump's line, " [|domain]" where the message is cut or malformed. */
static int put_dns(struct show_buf *b, const struct pkt *p, const char *lead)
{
	if ((p->sport != 53 && p->dport != 53) || !p->payload_len)
		return 0;
	const uint8_t *d = p->payload;
	size_t n = p->payload_len;
	if (p->l4 == 6) {
		if (n < 2)
			return 0;
		d += 2;
		n -= 2;
	}
	char text[1024];
	if (dns_describe(d, n, text, sizeof text) < 0)
		put(b, "%s%s", lead, text);
	else
		put(b, "%s%s (%zu)", lead, text, n);
	return 1;
}

/* The tcpdump-style summary: "IP a.p > b.q: Flags [S], seq ..., length N". */
static void put_summary(struct show_buf *b, const struct pkt *p)
{
	if (p->has_arp) {
		put_arp(b, p);
		return;
	}
	if (p->family == 0) {
		if (p->trunc)
			put(b, "[|%s]", p->trunc);
		else
			put(b, "ethertype 0x%04x, length %zu", p->ethertype, p->wire_len);
		return;
	}
	int ports = p->l4 == 6 || p->l4 == 17;
	put(b, "%s ", p->family == 6 ? "IP6" : "IP");
	put_endpoint(b, p, p->src, p->sport, ports);
	put(b, " > ");
	put_endpoint(b, p, p->dst, p->dport, ports);
	put(b, ": ");
	if (p->l4 == 6) {
		put_tcp(b, p);
		put_dns(b, p, " ");
	} else if (p->l4 == 17) {
		if (!put_dns(b, p, ""))
			put(b, "UDP, length %zu", wire_payload(p));
	} else if (p->l4 == 1 || p->l4 == 58) {
		put_icmp(b, p);
	} else {
		const char *n = proto_name(p->proto);
		if (p->frag_offset)
			put(b, "fragment offset %u, ", p->frag_offset);
		if (n)
			put(b, "%s", n);
		else
			put(b, "ip-proto-%u", p->proto);
		put(b, ", length %zu", wire_payload(p));
	}
	if (p->trunc)
		put(b, " [|%s]", p->trunc);
}

static const char *link_name(const struct pkt *p)
{
	if (p->link == LINK_LINUX_SLL || p->link == LINK_LINUX_SLL2)
		return "Linux cooked";
	return "Ethernet";
}

static void put_link_layer(struct show_buf *b, const struct pkt *p)
{
	put(b, "\n  link layer (OSI 2 data link, 1 physical): ");
	if (p->has_mac) {
		put(b, "%s ", link_name(p));
		put_mac(b, p->src_mac);
		if (p->link == LINK_ETHERNET) {
			put(b, " > ");
			put_mac(b, p->dst_mac);
		}
	} else {
		put(b, "%s", p->link == LINK_RAW || p->raw_ip ? "raw IP (no link header)"
							      : "link header");
	}
	for (int i = 0; i < p->nvlan; i++)
		put(b, ", vlan %u", p->vlan[i]);
	put(b, ", ethertype 0x%04x, frame %zu bytes", p->ethertype, p->wire_len);
}

static void put_network_layer(struct show_buf *b, const struct pkt *p)
{
	char a[64], c[64];
	put(b, "\n  internet layer (OSI 3 network): ");
	if (p->has_arp) {
		put(b, "ARP %s, sender ", p->arp_op == 1 ? "request" : p->arp_op == 2 ? "reply" : "op");
		put_mac(b, p->arp_sha);
		put(b, " %s, target ", packet_addr_str(4, p->arp_spa, a, sizeof a));
		put_mac(b, p->arp_tha);
		put(b, " %s", packet_addr_str(4, p->arp_tpa, c, sizeof c));
	} else if (p->family == 4) {
		put(b, "IPv4 %s > %s, ttl %u, tos 0x%02x, id %u, header %zu, total %zu",
		    packet_addr_str(4, p->src, a, sizeof a), packet_addr_str(4, p->dst, c, sizeof c),
		    p->ttl, p->tos, p->ip_id, p->ip_hdr_len, p->ip_total_len);
		if (p->dont_frag) put(b, ", DF");
		if (p->more_frags) put(b, ", MF");
		if (p->frag_offset) put(b, ", fragment offset %u", p->frag_offset);
		if (p->ip_opt_len) put(b, ", options %zu bytes", p->ip_opt_len);
		put(b, ", protocol %u", p->proto);
	} else if (p->family == 6) {
		put(b, "IPv6 %s > %s, hop limit %u, flow 0x%05x, payload %zu",
		    packet_addr_str(6, p->src, a, sizeof a), packet_addr_str(6, p->dst, c, sizeof c),
		    p->ttl, p->flow_label, p->ip_total_len - 40);
		for (int i = 0; i < p->n_ext; i++)
			put(b, ", ext header %u", p->ext[i]);
		put(b, ", next header %u", p->proto);
	} else {
		put(b, "none");
	}
}

static void put_transport_layer(struct show_buf *b, const struct pkt *p)
{
	put(b, "\n  transport layer (OSI 4 transport): ");
	if (p->l4 == 6) {
		char fl[16];
		packet_tcp_flags_str(p->tcp_flags, fl, sizeof fl);
		put(b, "TCP %u > %u, flags [%s], seq %u, ack %u, win %u, header %zu",
		    p->sport, p->dport, fl, p->seq, p->ack, p->window, p->l4_hdr_len);
		put_tcp_options(b, p);
	} else if (p->l4 == 17) {
		put(b, "UDP %u > %u, length %u", p->sport, p->dport, p->udp_len);
	} else if (p->l4 == 1 || p->l4 == 58) {
		put(b, "%s type %u (%s), code %u", p->l4 == 1 ? "ICMP" : "ICMPv6", p->icmp_type,
		    packet_icmp_name(p->l4 == 1 ? 4 : 6, p->icmp_type), p->icmp_code);
	} else {
		put(b, "none");
	}
}

/* Up to max bytes as C-style escaped text: printable ASCII as it is,
 * \n \r \t \\ \" by name, every other byte as \xNN. */
static void put_escaped(struct show_buf *b, const uint8_t *d, size_t n, size_t max)
{
	for (size_t i = 0; i < n && i < max; i++) {
		uint8_t c = d[i];
		switch (c) {
		case '\n': put(b, "\\n"); break;
		case '\r': put(b, "\\r"); break;
		case '\t': put(b, "\\t"); break;
		case '\\': put(b, "\\\\"); break;
		case '"': put(b, "\\\""); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				put_char(b, (char)c);
			else
				put(b, "\\x%02x", c);
		}
	}
	if (n > max)
		put(b, "...");
}

static void put_layers(struct show_buf *b, const struct pkt *p)
{
	put_link_layer(b, p);
	put_network_layer(b, p);
	put_transport_layer(b, p);
	put(b, "\n  application layer (OSI 5 session, 6 presentation, 7 application): %zu bytes",
	    p->payload_len);
	if (p->payload_len) {
		put(b, "\n  payload: \"");
		put_escaped(b, p->payload, p->payload_len, 64);
		put(b, "\"");
	}
	if (p->trunc)
		put(b, "\n  truncated: %s", p->trunc);
}

static void put_hex(struct show_buf *b, const uint8_t *d, size_t n)
{
	for (size_t off = 0; off < n; off += 16) {
		put(b, "\n\t0x%04zx: ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i % 2 == 0)
				put_char(b, ' ');
			if (off + i < n)
				put(b, "%02x", d[off + i]);
			else
				put(b, "  ");
		}
		put(b, "  ");
		for (size_t i = 0; i < 16 && off + i < n; i++) {
			uint8_t c = d[off + i];
			put_char(b, c >= 0x20 && c < 0x7f ? (char)c : '.');
		}
	}
}

/* -A: printable bytes and line ends as they are, every other byte '.'
 * (on a terminal too, so no payload reaches it as a control sequence). */
static void put_ascii(struct show_buf *b, const uint8_t *d, size_t n)
{
	put_char(b, '\n');
	for (size_t i = 0; i < n; i++) {
		uint8_t c = d[i];
		if (c == '\n' || (c >= 0x20 && c < 0x7f))
			put_char(b, (char)c);
		else if (c != '\r')
			put_char(b, '.');
	}
}

static const char *ethertype_name(uint16_t et)
{
	switch (et) {
	case ETYPE_IPV4: return "IPv4";
	case ETYPE_IPV6: return "IPv6";
	case ETYPE_ARP: return "ARP";
	case ETYPE_VLAN: return "802.1Q";
	}
	return "Unknown";
}

/* -e: the link header as tcpdump shows it. */
static void put_link_header(struct show_buf *b, const struct pkt *p)
{
	if (p->has_mac) {
		put_mac(b, p->src_mac);
		if (p->link == LINK_ETHERNET) {
			put(b, " > ");
			put_mac(b, p->dst_mac);
		}
		put(b, ", ");
	}
	for (int i = 0; i < p->nvlan; i++)
		put(b, "vlan %u, ", p->vlan[i]);
	put(b, "ethertype %s (0x%04x), length %zu: ", ethertype_name(p->ethertype), p->ethertype,
	    p->wire_len);
}

void show_packet(struct show_buf *b, const struct show_opts *o, const struct cap_meta *m,
		 const struct pkt *p, const char *step)
{
	put_time(b, m->sec, m->nsec);
	if (m->ifname)
		put(b, " %s %s", m->ifname, show_direction(m->pkttype));
	put_char(b, ' ');
	if (o->link_header)
		put_link_header(b, p);
	put_summary(b, p);
	if (step)
		put(b, "  <%s>", step);
	if (o->verbose)
		put_layers(b, p);
	if (o->hex && p->payload_len)
		put_hex(b, p->payload, p->payload_len);
	if (o->ascii && p->payload_len)
		put_ascii(b, p->payload, p->payload_len);
	if (!b->len || b->buf[b->len - 1] != '\n')
		put_char(b, '\n');
}
