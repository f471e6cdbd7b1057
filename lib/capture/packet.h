/* Pure packet decoders: link (Ethernet, Linux cooked, VLAN), ARP, IPv4,
 * IPv6 with extension headers, TCP with options, UDP, ICMP, ICMPv6.
 * Fed bytes, they fill a struct; they never read past len. */
#ifndef NETTOOL_PACKET_H
#define NETTOOL_PACKET_H

#include <stddef.h>
#include <stdint.h>

/* pcap link types we decode. */
enum { LINK_ETHERNET = 1, LINK_RAW = 101, LINK_LINUX_SLL = 113, LINK_LINUX_SLL2 = 276 };

/* The LINUX_SLL2 header ahead of every packet of an any-interface capture:
 * protocol, reserved, ifindex, ARPHRD type, packet type, address length,
 * address (8 bytes). */
enum { SLL2_HDR_LEN = 20 };

enum { ETYPE_IPV4 = 0x0800, ETYPE_ARP = 0x0806, ETYPE_VLAN = 0x8100,
       ETYPE_QINQ = 0x88a8, ETYPE_IPV6 = 0x86dd };

enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08,
       TCP_ACK = 0x10, TCP_URG = 0x20, TCP_ECE = 0x40, TCP_CWR = 0x80 };

struct pkt {
	/* link */
	int link;                 /* LINK_* of the capture */
	int has_mac;
	uint8_t src_mac[6], dst_mac[6];
	uint16_t sll_pkttype;     /* Linux cooked: 0 host .. 4 outgoing */
	uint32_t sll_ifindex;     /* LINUX_SLL2: the interface */
	uint16_t sll_hatype;      /* Linux cooked: ARPHRD_* of the interface */
	int raw_ip;               /* no link header (tun, WireGuard) */
	uint16_t ethertype;       /* after any VLAN tags */
	int nvlan;
	uint16_t vlan[2];

	/* ARP */
	int has_arp;
	uint16_t arp_op;
	uint8_t arp_sha[6], arp_tha[6], arp_spa[4], arp_tpa[4];

	/* network: family 4 or 6, 0 when none */
	int family;
	uint8_t src[16], dst[16];
	uint8_t ttl, tos;
	uint16_t ip_id, frag_offset; /* offset in bytes */
	int more_frags, dont_frag;
	size_t ip_hdr_len, ip_total_len, ip_opt_len;
	uint32_t flow_label;
	int n_ext;                   /* IPv6 extension headers passed */
	uint8_t ext[8];              /* their types */
	uint8_t proto;               /* transport protocol number */

	/* transport: 0 none, else proto decoded */
	int l4;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t tcp_flags;
	uint16_t window, urgent;
	size_t l4_hdr_len;
	int mss, wscale, sack_ok, n_sack, has_ts; /* -1: absent */
	uint32_t ts_val, ts_ecr;
	uint32_t sack[4][2];
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	uint16_t udp_len;

	size_t l4_wire_len;   /* the transport's bytes on the wire, its header
				 too, as the IP header counts them: more than
				 was captured when a snapshot length cut the
				 packet; 0 when unknown */

	const uint8_t *payload;
	size_t payload_len;   /* the bytes of it captured */
	size_t wire_len;      /* caller sets: original length */

	/* Where decoding stopped short, or NULL when complete. */
	const char *trunc;
};

/* Decodes len bytes of link type link. Returns 0; a truncated or bad
 * header sets p->trunc and leaves the layers above it empty. */
int packet_decode(const uint8_t *data, size_t len, int link, struct pkt *p);

/* "S.", "F.", "P.", "R", "." — the tcpdump-style flag letters. */
void packet_tcp_flags_str(uint8_t flags, char *buf, size_t n);
/* Address of family 4 or 6 as text (inet_ntop). */
const char *packet_addr_str(int family, const uint8_t *a, char *buf, size_t n);
/* Name of an ICMP (family 4) or ICMPv6 (6) type: "echo request", ... */
const char *packet_icmp_name(int family, uint8_t type);

#endif
