/* tcpdump's filter language parsed into a tree (bpfgen.c turns it into
 * classic BPF). Pure; the tree lives in struct filter.
 *
 *   expr   := factor { ("and" | "&&" | "or" | "||") factor }   (equal precedence,
 *                                                               left to right)
 *   factor := ("not" | "!") factor | "(" expr ")" | rel | prim
 *   rel    := arith RELOP arith          RELOP: = == != < <= > >=
 *   arith  := arith OP arith | "-" arith | "(" arith ")" | NUM | NAME | "len"
 *           | PROTO "[" arith [":" (1|2|4)] "]"     OP: | ^ & << >> + - * / %
 *   prim   := [PROTO] [DIR] [TYPE] ID | PROTO | PROTO "proto" NUM
 *           | [ether|ip|ip6] (broadcast | multicast) | less NUM | greater NUM
 *           | vlan [NUM] | inbound | outbound
 *   PROTO  := ether link ip ip6 arp rarp tcp udp sctp icmp icmp6 igmp
 *   DIR    := src | dst | src or dst | src and dst
 *   TYPE   := host | net | port | portrange
 * A bare ID after and/or/not takes the qualifiers of the primitive before
 * it ("port 53 or 5353", "host a or b"). */
#ifndef NETTOOL_FILTER_H
#define NETTOOL_FILTER_H

#include <stddef.h>
#include <stdint.h>

enum { FILTER_MAX_NODES = 4096, FILTER_MAX_TOKENS = 4096 };

enum fnode_kind { F_AND, F_OR, F_NOT, F_PRIM };

enum prim_kind {
	P_ETHERTYPE,   /* v: ethertype (ip, ip6, arp, rarp, ether proto N) */
	P_IPPROTO,     /* family 0/4/6, v: protocol number */
	P_HOST,        /* family 4/6, addr/mask, which: Q_IP|Q_ARP|Q_RARP */
	P_PORT,        /* family 0/4/6, v..v2 range, which: 0 or the l4 protocol */
	P_EHOST,       /* MAC in addr */
	P_EBCAST, P_EMCAST, P_IPBCAST, P_IPMCAST, /* family for IP multicast */
	P_LESS, P_GREATER, /* v */
	P_VLAN,        /* v: id, or -1 for any */
	P_INBOUND, P_OUTBOUND,
	P_REL,         /* op, l, r: arithmetic nodes */
};

enum { DIR_ANY, DIR_SRC, DIR_DST, DIR_BOTH };
enum { Q_IP = 1, Q_ARP = 2, Q_RARP = 4 };
enum rel_op { R_EQ, R_NE, R_LT, R_LE, R_GT, R_GE };

/* Arithmetic: A_NUM k, A_LEN, A_LOAD proto[l : size], A_BIN l op r, A_NEG l. */
enum anode_kind { A_NUM, A_LEN, A_LOAD, A_BIN, A_NEG };
enum arith_op { O_ADD, O_SUB, O_MUL, O_DIV, O_MOD, O_AND, O_OR, O_XOR, O_LSH, O_RSH };
/* Protocols of loads and qualifiers. */
enum proto_word { PW_NONE, PW_LINK, PW_IP, PW_IP6, PW_ARP, PW_RARP, PW_TCP, PW_UDP,
		  PW_SCTP, PW_ICMP, PW_ICMP6, PW_IGMP };

struct fnode {
	int kind;          /* fnode_kind, or the anode_kind of an arithmetic node */
	int prim;          /* prim_kind */
	int a, b;          /* children */
	int dir, family, which, op, size, proto;
	uint32_t v, v2;
	uint8_t addr[16], mask[16];
	int shift;         /* bytes of VLAN tags before the network header (parse order) */
};

struct filter {
	struct fnode n[FILTER_MAX_NODES];
	int count, root;   /* root -1: the empty filter, every packet */
	int vlan_shift;    /* while parsing */
};

/* Parses expr. Returns 0, or -1 with err saying what is wrong, quoting
 * the bad part and its position (1-based character offset). */
int filter_parse(const char *expr, struct filter *f, char *err, size_t errn);

#endif
