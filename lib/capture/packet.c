/* Pure packet decoders; see packet.h. Every read is checked against the
 * bytes left, so a truncated or hostile packet only stops decoding. */
#include "capture/packet.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static uint16_t get16(const uint8_t *b) { return (uint16_t)(b[0] << 8 | b[1]); }
static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void decode_l3(const uint8_t *d, size_t len, uint16_t etype, struct pkt *p);

static void decode_tcp_options(const uint8_t *o, size_t n, struct pkt *p)
{
	size_t i = 0;
	while (i < n) {
		uint8_t kind = o[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n) {
			p->trunc = "tcp option";
			return;
		}
		uint8_t olen = o[i + 1];
		const uint8_t *v = o + i + 2;
		if (kind == 2 && olen == 4)
			p->mss = get16(v);
		else if (kind == 3 && olen == 3)
			p->wscale = v[0];
		else if (kind == 4 && olen == 2)
			p->sack_ok = 1;
		else if (kind == 5 && olen >= 10 && (olen - 2) % 8 == 0) {
			for (size_t k = 0; k < (size_t)(olen - 2) / 8 && p->n_sack < 4; k++) {
				p->sack[p->n_sack][0] = get32(v + 8 * k);
				p->sack[p->n_sack][1] = get32(v + 8 * k + 4);
				p->n_sack++;
			}
		} else if (kind == 8 && olen == 10) {
			p->has_ts = 1;
			p->ts_val = get32(v);
			p->ts_ecr = get32(v + 4);
		}
		i += olen;
	}
}

static void decode_tcp(const uint8_t *d, size_t len, struct pkt *p)
{
	if (len < 20) {
		p->trunc = "tcp";
		return;
	}
	size_t hl = (size_t)(d[12] >> 4) * 4;
	if (hl < 20 || hl > len) {
		p->trunc = "tcp header length";
		return;
	}
	p->l4 = 6;
	p->sport = get16(d);
	p->dport = get16(d + 2);
	p->seq = get32(d + 4);
	p->ack = get32(d + 8);
	p->tcp_flags = d[13];
	p->window = get16(d + 14);
	p->urgent = get16(d + 18);
	p->l4_hdr_len = hl;
	decode_tcp_options(d + 20, hl - 20, p);
	p->payload = d + hl;
	p->payload_len = len - hl;
}

static void decode_udp(const uint8_t *d, size_t len, struct pkt *p)
{
	if (len < 8) {
		p->trunc = "udp";
		return;
	}
	p->l4 = 17;
	p->sport = get16(d);
	p->dport = get16(d + 2);
	p->udp_len = get16(d + 4);
	p->l4_hdr_len = 8;
	size_t body = len - 8;
	if (p->udp_len >= 8 && (size_t)p->udp_len - 8 < body)
		body = (size_t)p->udp_len - 8;
	p->payload = d + 8;
	p->payload_len = body;
}

static void decode_icmp(const uint8_t *d, size_t len, struct pkt *p, int l4)
{
	if (len < 4) {
		p->trunc = "icmp";
		return;
	}
	p->l4 = l4;
	p->icmp_type = d[0];
	p->icmp_code = d[1];
	p->l4_hdr_len = len < 8 ? 4 : 8;
	if (len >= 8) {
		p->icmp_id = get16(d + 4);
		p->icmp_seq = get16(d + 6);
	}
	p->payload = d + p->l4_hdr_len;
	p->payload_len = len - p->l4_hdr_len;
}

static void decode_l4(const uint8_t *d, size_t len, struct pkt *p)
{
	if (p->frag_offset != 0) { /* later fragment: no transport header */
		p->payload = d;
		p->payload_len = len;
		return;
	}
	switch (p->proto) {
	case 6: decode_tcp(d, len, p); break;
	case 17: decode_udp(d, len, p); break;
	case 1: decode_icmp(d, len, p, 1); break;
	case 58: decode_icmp(d, len, p, 58); break;
	default:
		p->payload = d;
		p->payload_len = len;
	}
}

static void decode_ipv4(const uint8_t *d, size_t len, struct pkt *p)
{
	if (len < 20 || d[0] >> 4 != 4) {
		p->trunc = "ipv4";
		return;
	}
	size_t hl = (size_t)(d[0] & 0x0f) * 4;
	size_t tot = get16(d + 2);
	if (hl < 20 || hl > len || tot < hl) {
		p->trunc = "ipv4 header length";
		return;
	}
	p->family = 4;
	p->tos = d[1];
	p->ip_hdr_len = hl;
	p->ip_total_len = tot;
	p->ip_opt_len = hl - 20;
	p->ip_id = get16(d + 4);
	uint16_t fo = get16(d + 6);
	p->dont_frag = !!(fo & 0x4000);
	p->more_frags = !!(fo & 0x2000);
	p->frag_offset = (uint16_t)((fo & 0x1fff) * 8);
	p->ttl = d[8];
	p->proto = d[9];
	memcpy(p->src, d + 12, 4);
	memcpy(p->dst, d + 16, 4);
	if (tot < len) /* Ethernet padding is not payload */
		len = tot;
	p->l4_wire_len = tot - hl;
	decode_l4(d + hl, len - hl, p);
}

static int ipv6_is_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51 || nh == 135;
}

static void decode_ipv6(const uint8_t *d, size_t len, struct pkt *p)
{
	if (len < 40 || d[0] >> 4 != 6) {
		p->trunc = "ipv6";
		return;
	}
	p->family = 6;
	p->tos = (uint8_t)((get16(d) >> 4) & 0xff);
	p->flow_label = get32(d) & 0xfffff;
	size_t plen = get16(d + 4);
	uint8_t nh = d[6];
	p->ttl = d[7];
	memcpy(p->src, d + 8, 16);
	memcpy(p->dst, d + 24, 16);
	p->ip_hdr_len = 40;
	p->ip_total_len = 40 + plen;
	if (40 + plen < len)
		len = 40 + plen;
	size_t off = 40;
	while (ipv6_is_ext(nh)) {
		if (p->n_ext >= (int)sizeof p->ext) {
			p->trunc = "ipv6 extension chain";
			return;
		}
		if (off + 8 > len) {
			p->trunc = "ipv6 extension header";
			return;
		}
		size_t elen;
		if (nh == 44) {
			elen = 8;
			uint16_t fo = get16(d + off + 2);
			p->frag_offset = (uint16_t)(fo & 0xfff8);
			p->more_frags = fo & 1;
			p->ip_id = (uint16_t)get32(d + off + 4);
		} else if (nh == 51) {
			elen = ((size_t)d[off + 1] + 2) * 4;
		} else {
			elen = ((size_t)d[off + 1] + 1) * 8;
		}
		if (off + elen > len) {
			p->trunc = "ipv6 extension header";
			return;
		}
		p->ext[p->n_ext++] = nh;
		nh = d[off];
		off += elen;
	}
	p->ip_hdr_len = off;
	p->proto = nh;
	if (plen >= off - 40) /* 0: a jumbogram's length is elsewhere */
		p->l4_wire_len = plen - (off - 40);
	decode_l4(d + off, len - off, p);
}

static void decode_arp(const uint8_t *d, size_t len, struct pkt *p)
{
	/* Only Ethernet/IPv4 ARP has the fixed layout we name. */
	if (len < 28 || get16(d) != 1 || get16(d + 2) != ETYPE_IPV4 || d[4] != 6 || d[5] != 4) {
		p->trunc = "arp";
		return;
	}
	p->has_arp = 1;
	p->arp_op = get16(d + 6);
	memcpy(p->arp_sha, d + 8, 6);
	memcpy(p->arp_spa, d + 14, 4);
	memcpy(p->arp_tha, d + 18, 6);
	memcpy(p->arp_tpa, d + 24, 4);
}

static void decode_l3(const uint8_t *d, size_t len, uint16_t etype, struct pkt *p)
{
	while ((etype == ETYPE_VLAN || etype == ETYPE_QINQ) && p->nvlan < 2) {
		if (len < 4) {
			p->trunc = "vlan";
			return;
		}
		p->vlan[p->nvlan++] = get16(d) & 0x0fff;
		etype = get16(d + 2);
		d += 4;
		len -= 4;
	}
	p->ethertype = etype;
	switch (etype) {
	case ETYPE_IPV4: decode_ipv4(d, len, p); break;
	case ETYPE_IPV6: decode_ipv6(d, len, p); break;
	case ETYPE_ARP: decode_arp(d, len, p); break;
	default:
		p->payload = d;
		p->payload_len = len;
	}
}

static void decode_sll2(const uint8_t *d, size_t len, struct pkt *p)
{
	if (len < SLL2_HDR_LEN) {
		p->trunc = "linux cooked v2";
		return;
	}
	p->sll_ifindex = get32(d + 4);
	p->sll_hatype = get16(d + 8);
	p->sll_pkttype = d[10];
	if (d[11] == 6) {
		p->has_mac = 1;
		memcpy(p->src_mac, d + 12, 6);
	}
	p->raw_ip = p->sll_hatype == 0xfffe || p->sll_hatype == 65534;
	decode_l3(d + SLL2_HDR_LEN, len - SLL2_HDR_LEN, get16(d), p);
}

int packet_decode(const uint8_t *d, size_t len, int link, struct pkt *p)
{
	size_t wire = p->wire_len;
	memset(p, 0, sizeof *p);
	p->wire_len = wire ? wire : len;
	p->link = link;
	p->mss = p->wscale = -1;
	switch (link) {
	case LINK_ETHERNET:
		if (len < 14) {
			p->trunc = "ethernet";
			return 0;
		}
		p->has_mac = 1;
		memcpy(p->dst_mac, d, 6);
		memcpy(p->src_mac, d + 6, 6);
		decode_l3(d + 14, len - 14, get16(d + 12), p);
		break;
	case LINK_LINUX_SLL:
		if (len < 16) {
			p->trunc = "linux cooked";
			return 0;
		}
		p->sll_pkttype = get16(d);
		p->sll_hatype = get16(d + 2);
		if (get16(d + 4) == 6) {
			p->has_mac = 1;
			memcpy(p->src_mac, d + 6, 6);
		}
		decode_l3(d + 16, len - 16, get16(d + 14), p);
		break;
	case LINK_LINUX_SLL2:
		decode_sll2(d, len, p);
		break;
	case LINK_RAW:
		p->raw_ip = 1;
		if (len >= 1 && d[0] >> 4 == 6)
			decode_l3(d, len, ETYPE_IPV6, p);
		else
			decode_l3(d, len, ETYPE_IPV4, p);
		break;
	default:
		p->trunc = "unknown link type";
	}
	return 0;
}

void packet_tcp_flags_str(uint8_t f, char *buf, size_t n)
{
	size_t i = 0;
	static const struct { uint8_t bit; char c; } map[] = {
		{ TCP_SYN, 'S' }, { TCP_FIN, 'F' }, { TCP_PSH, 'P' }, { TCP_RST, 'R' },
		{ TCP_URG, 'U' }, { TCP_ECE, 'E' }, { TCP_CWR, 'W' }, { TCP_ACK, '.' },
	};
	for (size_t k = 0; k < sizeof map / sizeof map[0] && i + 1 < n; k++)
		if (f & map[k].bit)
			buf[i++] = map[k].c;
	if (i == 0 && n > 4) {
		memcpy(buf, "none", 4);
		i = 4;
	}
	if (n)
		buf[i < n ? i : n - 1] = '\0';
}

const char *packet_addr_str(int family, const uint8_t *a, char *buf, size_t n)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)n))
		snprintf(buf, n, "?");
	return buf;
}

const char *packet_icmp_name(int family, uint8_t t)
{
	if (family == 4) {
		switch (t) {
		case 0: return "echo reply";
		case 3: return "destination unreachable";
		case 5: return "redirect";
		case 8: return "echo request";
		case 11: return "time exceeded";
		case 12: return "parameter problem";
		case 13: return "timestamp request";
		case 14: return "timestamp reply";
		}
		return "type";
	}
	switch (t) {
	case 1: return "destination unreachable";
	case 2: return "packet too big";
	case 3: return "time exceeded";
	case 4: return "parameter problem";
	case 128: return "echo request";
	case 129: return "echo reply";
	case 133: return "router solicitation";
	case 134: return "router advertisement";
	case 135: return "neighbor solicitation";
	case 136: return "neighbor advertisement";
	}
	return "type";
}
