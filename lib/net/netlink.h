/* rtnetlink, where packets go: route and neighbour dumps, the kernel's own
 * route lookup for one address, and the pure parsers of the messages
 * (bytes in, structs out) that unit tests and the fuzzer call directly. */
#ifndef NETTOOL_NETLINK_H
#define NETTOOL_NETLINK_H

#include <stddef.h>
#include <stdint.h>

/* One route (RTM_NEWROUTE). Addresses in network byte order. */
struct nl_route {
	int family;             /* 4 or 6 */
	uint8_t type;           /* RTN_UNICAST, RTN_LOCAL, ... */
	uint8_t protocol;       /* RTPROT_KERNEL, RTPROT_BOOT, RTPROT_STATIC, ... */
	uint8_t scope;          /* RT_SCOPE_UNIVERSE, _LINK, _HOST, ... */
	uint8_t tos;
	uint32_t table;         /* RT_TABLE_MAIN (254), RT_TABLE_LOCAL (255), N */
	uint32_t flags;         /* rtm_flags: RTNH_F_ONLINK, RTNH_F_LINKDOWN, ... */
	uint8_t dst[16], src[16], gateway[16], prefsrc[16];
	int dst_len, src_len;   /* prefix lengths */
	int has_dst, has_src, has_gateway, has_prefsrc, has_metric, has_pref, has_uid;
	int oif;                /* output interface index, 0 if none */
	int iif;                /* input interface index (route get from a device) */
	uint32_t metric;        /* RTA_PRIORITY */
	uint8_t pref;           /* IPv6 router preference: 0 medium, 1 high, 3 low */
	uint32_t uid;           /* route get: the UID the lookup was made for */
	int nexthops;           /* RTA_MULTIPATH: count; the first fills gateway/oif */
};

/* One neighbour (RTM_NEWNEIGH): an ARP or NDP cache entry. */
struct nl_neigh {
	int family;             /* 4 or 6 */
	int ifindex;
	uint16_t state;         /* NUD_* bits */
	uint8_t flags;          /* NTF_ROUTER, NTF_PROXY, ... */
	uint8_t type;
	uint8_t dst[16];
	int has_dst;
	uint8_t lladdr[32];
	int lladdr_len;         /* 0: no link-layer address (INCOMPLETE, FAILED) */
	uint32_t probes;
	int has_probes;
};

/* ---- pure parsers ---------------------------------------------------------
 * msg points at one netlink message (struct nlmsghdr first) of len bytes,
 * as received. Returns 0, or -1 if it is not that kind of message or it is
 * malformed (a length that runs past the end, a short attribute). */
int nl_parse_route(const void *msg, size_t len, struct nl_route *out);
int nl_parse_neigh(const void *msg, size_t len, struct nl_neigh *out);

/* Walks the messages of one datagram: fn gets each (msg, len) that is not
 * a control message and may return nonzero to stop. Returns NL_MORE when
 * the dump goes on, NL_DONE at NLMSG_DONE (or fn's stop), or a negative
 * errno from NLMSG_ERROR (-EPROTO if the datagram is malformed). An ack
 * (NLMSG_ERROR with 0) counts as done. */
enum { NL_MORE = 0, NL_DONE = 1 };
typedef int (*nl_msg_fn)(const void *msg, size_t len, void *arg);
int nl_walk(const void *buf, size_t len, nl_msg_fn fn, void *arg);

/* Names as ip(8) prints them; numbers as text for the ones without. buf
 * needs 12 bytes. */
const char *nl_route_type_name(unsigned type);      /* "unicast", "local", "blackhole" */
const char *nl_protocol_name(unsigned proto, char *buf); /* "kernel", "boot", "static", "dhcp" */
const char *nl_scope_name(unsigned scope, char *buf);    /* "global", "link", "host" */
const char *nl_table_name(uint32_t table, char *buf);    /* "main", "local", "100" */
/* Table from text: "main", "local", "default", or a number 1-2^32-1.
 * Returns 0, or -1. */
int nl_table_from_name(const char *s, uint32_t *table);
/* NUD_* state as ip neigh prints it: "REACHABLE", "STALE", "FAILED", ... */
const char *nl_neigh_state_name(unsigned state);
/* ip's route flag words for flags, written into buf joined by ",";
 * returns the count. ("onlink", "linkdown", "dead", ...) */
size_t nl_route_flag_names(uint32_t flags, const char **names, size_t max);

/* ---- requests (they talk to the kernel) ----------------------------------- */

typedef int (*nl_route_fn)(const struct nl_route *r, void *arg);
typedef int (*nl_neigh_fn)(const struct nl_neigh *n, void *arg);

/* Every route of family (4 or 6), all tables, in the kernel's order; fn may
 * return nonzero to stop. Returns 0, or -1 with errno. Malformed messages
 * are counted in *malformed when it is not NULL. */
int nl_dump_routes(int family, nl_route_fn fn, void *arg, size_t *malformed);
/* Every neighbour entry of family (4 or 6). */
int nl_dump_neigh(int family, nl_neigh_fn fn, void *arg, size_t *malformed);
/* The kernel's answer for packets to dst (family 4: 4 bytes, 6: 16): the
 * route it would use, with gateway, device and preferred source. Returns
 * 0, or -1 with errno (ENETUNREACH, EHOSTUNREACH, ... when there is no
 * route). */
int nl_route_get(int family, const uint8_t *dst, struct nl_route *out);

/* Interface index -> name, built once (if_nameindex) for big dumps. */
struct nl_ifnames;
struct nl_ifnames *nl_ifnames_load(void);
/* The name, or NULL for an index not known. */
const char *nl_ifname(const struct nl_ifnames *m, int index);
/* The index of name, 0 if none. */
int nl_ifindex(const struct nl_ifnames *m, const char *name);
void nl_ifnames_free(struct nl_ifnames *m);

#endif
