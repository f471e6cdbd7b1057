/* A reference for capture filters, independent of lib/capture's parser
 * and code generator: test code builds a filter as a tree (and renders it
 * as text for the compiler), and this evaluates the tree directly over an
 * Ethernet frame with tcpdump's (libpcap's unoptimised) semantics:
 *
 *   - a read past the captured bytes, or a division by zero, stops the
 *     whole filter and drops the packet (REF_DROP), whatever and/or/not
 *     surround it; and/or evaluate left to right and stop early, and each
 *     primitive reads its fields in libpcap's order (the ethertype first,
 *     then the protocol, the fragment offset, the field itself);
 *   - len, less and greater see the length on the wire;
 *   - a primitive after `vlan` looks 4 bytes further (parse order);
 *   - port and proto[] of IPv4 skip later fragments; proto[] of tcp, udp,
 *     sctp, icmp, igmp is IPv4 only; the ip6 protocol tests (tcp, udp,
 *     sctp, icmp6, ip6 proto) look through one fragment header, ports and
 *     icmp6[] do not;
 *   - host of an IPv4 address matches IPv4, ARP and RARP (sender and
 *     target protocol addresses) unless qualified; address words whose
 *     mask is zero are not read;
 *   - `ip broadcast` is a destination of all zeros or all ones (no netmask).
 * Link-layer primitives (ether host, broadcast, multicast, vlan) exist only
 * over Ethernet. Included by fuzz_bpf_diff.c (the fuzz build compiles one file a target). */
#ifndef NETTOOL_BPF_REF_H
#define NETTOOL_BPF_REF_H

#include <stddef.h>
#include <stdint.h>

enum { REF_MAX_NODES = 160 };

enum ref_kind {
	RN_AND, RN_OR, RN_NOT,
	RN_ETHERTYPE,  /* v */
	RN_IPPROTO,    /* fam 0 (IPv4 or IPv6), 4 or 6; v */
	RN_HOST4,      /* which (REF_IP | REF_ARP | REF_RARP), dir, addr, mask */
	RN_HOST6,      /* dir, addr, mask */
	RN_PORT,       /* fam 0/4/6, proto 0 (tcp, udp or sctp) or one, v..v2, dir */
	RN_EHOST,      /* dir, MAC in addr */
	RN_EBCAST, RN_EMCAST, RN_IPBCAST, RN_IPMCAST, RN_IP6MCAST,
	RN_LESS, RN_GREATER, /* v */
	RN_VLAN,       /* v: the id, or REF_ANY */
	RN_REL,        /* op (ref_relop), a, b: arithmetic */
	RA_NUM,        /* v */
	RA_LEN,
	RA_LOAD,       /* proto (ref_proto), a: the offset, size 1/2/4 */
	RA_BIN,        /* op (ref_arith), a, b */
	RA_NEG,        /* a */
};

enum { REF_DIR_ANY, REF_DIR_SRC, REF_DIR_DST, REF_DIR_BOTH };
enum { REF_IP = 1, REF_ARP = 2, REF_RARP = 4 };
#define REF_ANY 0xffffffffu
enum ref_proto { RP_LINK, RP_IP, RP_IP6, RP_ARP, RP_RARP, RP_TCP, RP_UDP, RP_SCTP, RP_ICMP,
		 RP_ICMP6, RP_IGMP, RP_COUNT };
enum ref_relop { RR_EQ, RR_NE, RR_LT, RR_LE, RR_GT, RR_GE };
enum ref_arith { RO_ADD, RO_SUB, RO_MUL, RO_DIV, RO_MOD, RO_AND, RO_OR, RO_XOR, RO_LSH,
		 RO_RSH };

struct ref_node {
	int kind, a, b;
	int dir, fam, which, proto, op, size;
	uint32_t v, v2;
	uint8_t addr[16], mask[16];
	int shift;     /* bytes of VLAN tags before it: set by ref_eval */
};

struct ref_tree {
	struct ref_node n[REF_MAX_NODES];
	int count, root;
};

enum ref_result { REF_FALSE, REF_TRUE, REF_DROP };

/* The filter's verdict on a frame of wirelen bytes of which caplen were
 * kept; raw: the packet is raw IP (link type RAW: no link header, the
 * version nibble tells IPv4 from IPv6, no other network protocol). */
enum ref_result ref_eval(struct ref_tree *t, const uint8_t *pkt, size_t caplen, size_t wirelen,
			 int raw);

#endif
