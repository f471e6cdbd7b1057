/* Packets as JSON records through core/out; see show.h. The columns are
 * filled in order, one helper per layer. */
#include "capture/show.h"

#include <stdio.h>

#include "capture/dns.h"
#include "core/out.h"

const struct out_col show_json_cols[] = {
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
	{ "payload_length", "", 0, 0 }, { "dns", "", 0, 0 }, { "step", "", 0, 0 },
	{ "truncated", "", 0, 0 },
};
const size_t show_json_ncols = sizeof show_json_cols / sizeof show_json_cols[0];

static void skip(struct out *o, int n)
{
	while (n-- > 0)
		out_skip(o);
}

static void mac(struct out *o, const uint8_t *m)
{
	out_fmt(o, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void json_link(struct out *o, const struct pkt *p)
{
	if (p->has_mac) {
		mac(o, p->src_mac);
		if (p->link == LINK_ETHERNET)
			mac(o, p->dst_mac);
		else
			out_skip(o);
	} else {
		skip(o, 2);
	}
	out_uint(o, p->ethertype);
	if (p->nvlan)
		out_uint(o, p->vlan[0]);
	else
		out_skip(o);
}

static void json_network(struct out *o, const struct pkt *p)
{
	static const struct { uint8_t proto; const char *name; } names[] = {
		{ 1, "icmp" }, { 2, "igmp" }, { 6, "tcp" }, { 17, "udp" }, { 58, "icmp6" },
		{ 132, "sctp" },
	};
	char a[64];
	if (p->has_arp) {
		out_str(o, "arp");
		out_str(o, packet_addr_str(4, p->arp_spa, a, sizeof a));
		out_str(o, packet_addr_str(4, p->arp_tpa, a, sizeof a));
	} else if (p->family) {
		out_str(o, p->family == 4 ? "ipv4" : "ipv6");
		out_str(o, packet_addr_str(p->family, p->src, a, sizeof a));
		out_str(o, packet_addr_str(p->family, p->dst, a, sizeof a));
	} else {
		skip(o, 3);
	}
	if (!p->family) {
		skip(o, 5);
		return;
	}
	out_uint(o, p->ttl);
	out_uint(o, p->ip_id);
	out_uint(o, p->frag_offset);
	out_bool(o, p->more_frags);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].proto == p->proto) {
			out_str(o, names[i].name);
			return;
		}
	out_uint(o, p->proto);
}

static void json_transport(struct out *o, const struct pkt *p)
{
	if (p->l4 == 6 || p->l4 == 17) {
		out_uint(o, p->sport);
		out_uint(o, p->dport);
	} else {
		skip(o, 2);
	}
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
		skip(o, 6);
	}
	if (p->l4 == 1 || p->l4 == 58) {
		out_uint(o, p->icmp_type);
		out_uint(o, p->icmp_code);
	} else {
		skip(o, 2);
	}
	if (p->has_arp)
		out_uint(o, p->arp_op);
	else
		out_skip(o);
}

static void json_dns(struct out *o, const struct pkt *p)
{
	char text[1024];
	const uint8_t *d = p->payload;
	size_t n = p->payload_len;
	if ((p->l4 != 17 && p->l4 != 6) || (p->sport != 53 && p->dport != 53) || !n) {
		out_skip(o);
		return;
	}
	if (p->l4 == 6 && n >= 2) {
		d += 2;
		n -= 2;
	}
	dns_describe(d, n, text, sizeof text);
	out_str(o, text);
}

int show_json(struct out *o, const struct cap_meta *m, const struct pkt *p, const char *step)
{
	char t[48];
	snprintf(t, sizeof t, "%lld.%06ld", (long long)m->sec, m->nsec / 1000);
	out_num(o, t);
	if (m->ifname) {
		out_str(o, m->ifname);
		out_str(o, show_direction(m->pkttype));
	} else {
		skip(o, 2);
	}
	out_uint(o, m->wirelen);
	out_uint(o, m->caplen);
	json_link(o, p);
	json_network(o, p);
	json_transport(o, p);
	out_uint(o, p->payload_len);
	json_dns(o, p);
	if (step) out_str(o, step); else out_skip(o);
	if (p->trunc) out_str(o, p->trunc); else out_skip(o);
	return out_end(o);
}
