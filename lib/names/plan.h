/* Subnet planning: split a network, deaggregate a range into the fewest
 * CIDRs, merge (collapse) lists, test membership in a set of networks,
 * reverse DNS names. IPv4 and IPv6 alike on 128-bit values (IPv4 in the
 * low 32 bits). Pure: no printing, no exits (allocation aside). */
#ifndef NETTOOL_PLAN_H
#define NETTOOL_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "names/addr.h"

struct u128 {
	uint64_t hi, lo;
};

/* A CIDR block: base has no host bits set. */
struct plan_net {
	int version;
	int prefix;
	struct u128 base;
};

/* An inclusive range of addresses of one family. */
struct plan_range {
	int version;
	struct u128 first, last;
};

int plan_bits(int version);                       /* 32 or 128 */
struct u128 plan_value(const struct ip *ip);
void plan_ip(struct u128 v, int version, struct ip *out);
/* The range a network covers; its address count in decimal (buf 48). */
void plan_net_range(const struct plan_net *n, struct plan_range *out);
void plan_net_count(const struct plan_net *n, char *buf);
/* "192.168.1.0/26"; buf needs PLAN_STRLEN bytes. */
#define PLAN_STRLEN (ADDR_STRLEN + 4)
char *plan_format_net(const struct plan_net *n, char *buf);

/* ---- parsing -------------------------------------------------------- */
/* ADDR or ADDR/LEN (or IPv4 ADDR/NETMASK); host bits are cleared, an
 * address alone is a /32 or /128. */
int plan_parse_net(const char *s, size_t n, struct plan_net *out,
		   struct addr_error *err);
/* START and END of one family, START not after END. For the error,
 * pos and len point into end (ADDR_RANGE_ORDER, ADDR_RANGE_FAMILY). */
int plan_make_range(const struct ip *start, const struct ip *end,
		    struct plan_range *out, struct addr_error *err);
/* ADDR, CIDR or START-END (blanks allowed around '-'). */
int plan_parse_item(const char *s, size_t n, struct plan_range *out,
		    struct addr_error *err);
/* A line of a list (a file, stdin, an operand): the item with blanks and
 * a carriage return around it; with comments, '#' starts one and a blank
 * or comment-only line gives 0. Returns 1 with *out, 0, or -1 with *err
 * placed in the item: s[*off .. *off + *len), without blanks. */
int plan_parse_list_line(const char *s, size_t n, int comments,
			 struct plan_range *out, struct addr_error *err,
			 size_t *off, size_t *len);
/* A prefix length "26" or "/26" for version (0: up to 128). */
int plan_parse_prefix_len(const char *s, int version);

/* ---- splitting ------------------------------------------------------ */
struct plan_split {
	struct plan_net next;
	struct u128 left;     /* subnets still to give, minus one */
	int done;
};
/* Subnets of net with the longer prefix; -1 if prefix is shorter than
 * the network's or longer than the family allows. */
int plan_split_begin(struct plan_split *it, const struct plan_net *net, int prefix);
/* 1 with the next subnet in *out, 0 when all were given. */
int plan_split_next(struct plan_split *it, struct plan_net *out);
/* The smallest prefix giving at least count subnets of net; -1 if even
 * single addresses are not enough. */
int plan_subnets_prefix(const struct plan_net *net, uint64_t count);

/* ---- a range as the fewest CIDRs ------------------------------------ */
struct plan_deagg {
	struct plan_range rest;
	int done;
};
void plan_deagg_begin(struct plan_deagg *it, const struct plan_range *r);
int plan_deagg_next(struct plan_deagg *it, struct plan_net *out);

/* ---- sets of networks: merge and membership ------------------------- */
struct plan_range6 {
	struct u128 first, last;
};

struct plan_set {
	uint32_t *first4, *last4;   /* after plan_set_finish: sorted, disjoint */
	uint64_t *add4;             /* first << 32 | last, as added */
	size_t n4, cap4;
	struct plan_range6 *v6;
	size_t n6, cap6;
	uint32_t *index4;           /* 65537: first range with last >= top16 */
};
void plan_set_init(struct plan_set *s);
void plan_set_add(struct plan_set *s, const struct plan_range *r);
/* Sorts once and sweeps: overlapping and adjacent ranges become one. */
void plan_set_finish(struct plan_set *s);
int plan_set_has4(const struct plan_set *s, uint32_t a);
int plan_set_has(const struct plan_set *s, const struct ip *ip);
/* After finish: the disjoint ranges, IPv4 first, in order. */
size_t plan_set_count(const struct plan_set *s);
void plan_set_range(const struct plan_set *s, size_t i, struct plan_range *out);
void plan_set_free(struct plan_set *s);

/* The address at the start of a line, as grepcidr finds it: blanks
 * skipped, IPv4 ends at anything but a letter, digit or dot, IPv6 at
 * anything but those or a colon. Returns 4 (*v4 set), 6 (*ip set) or 0. */
int plan_line_address(const char *s, size_t n, uint32_t *v4, struct ip *ip);

/* ---- reverse DNS ------------------------------------------------------ */
/* The prefix the reverse zones of net use: a multiple of 8 (IPv4) or 4
 * (IPv6) at or above net's, or net's own for IPv4 /25../31 (RFC 2317). */
int plan_reverse_prefix(const struct plan_net *net);
/* "1.168.192.in-addr.arpa", "5.1.168.192.in-addr.arpa" for a /32,
 * "64/26.1.168.192.in-addr.arpa" (RFC 2317), nibbles + "ip6.arpa".
 * net->prefix must be what plan_reverse_prefix gives. */
#define PLAN_REVLEN 80
char *plan_reverse_name(const struct plan_net *net, char *buf);

#endif
