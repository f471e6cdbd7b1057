#define _DEFAULT_SOURCE /* the linux/ headers' types */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "core/alloc.h"
#include "net/netlink.h"

/* ---- pure parsers ------------------------------------------------------- */

#define ALIGN4(n) (((n) + 3u) & ~(size_t)3u)

/* Attribute type -> (payload, length), for types below max; a repeated
 * type keeps the first. Returns -1 if an attribute runs past the end. */
struct attr { const uint8_t *p; size_t len; };

static int parse_attrs(const uint8_t *p, size_t len, struct attr *tb, unsigned max)
{
	memset(tb, 0, max * sizeof *tb);
	while (len >= sizeof(struct rtattr)) {
		struct rtattr ra;
		size_t step;
		unsigned type;

		memcpy(&ra, p, sizeof ra);
		if (ra.rta_len < sizeof ra || ra.rta_len > len)
			return -1;
		type = ra.rta_type & NLA_TYPE_MASK;
		if (type < max && !tb[type].p) {
			tb[type].p = p + sizeof ra;
			tb[type].len = ra.rta_len - sizeof ra;
		}
		step = ALIGN4(ra.rta_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

static int take_addr(const struct attr *a, int family, uint8_t *out)
{
	size_t want = family == 4 ? 4 : 16;

	if (!a->p)
		return 0;
	if (a->len != want)
		return -1;
	memcpy(out, a->p, want);
	return 1;
}

static int take_u32(const struct attr *a, uint32_t *out)
{
	if (!a->p)
		return 0;
	if (a->len < 4)
		return -1;
	memcpy(out, a->p, 4);
	return 1;
}

/* The message's header and its fixed part (hdrlen bytes after the
 * nlmsghdr); body and bodylen: the attributes after it. */
static int open_msg(const void *msg, size_t len, uint16_t type, size_t hdrlen,
		    const uint8_t **fixed, const uint8_t **body, size_t *bodylen)
{
	struct nlmsghdr h;

	if (len < sizeof h)
		return -1;
	memcpy(&h, msg, sizeof h);
	if (h.nlmsg_type != type || h.nlmsg_len > len || h.nlmsg_len < NLMSG_LENGTH(hdrlen))
		return -1;
	*fixed = (const uint8_t *)msg + NLMSG_HDRLEN;
	*body = *fixed + NLMSG_ALIGN(hdrlen);
	*bodylen = h.nlmsg_len < NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen) ? 0 :
		   h.nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(hdrlen);
	return 0;
}

static int family_of(unsigned af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 6 : 0;
}

/* RTA_MULTIPATH: the first next hop fills gateway and device. */
static int take_multipath(const struct attr *a, struct nl_route *r)
{
	struct rtnexthop nh;
	struct attr tb[RTA_MAX + 1];

	if (!a->p)
		return 0;
	if (a->len < sizeof nh)
		return -1;
	memcpy(&nh, a->p, sizeof nh);
	if (nh.rtnh_len < sizeof nh || nh.rtnh_len > a->len)
		return -1;
	for (size_t off = 0; off + sizeof nh <= a->len; r->nexthops++) {
		struct rtnexthop x;
		memcpy(&x, a->p + off, sizeof x);
		if (x.rtnh_len < sizeof x || off + x.rtnh_len > a->len)
			return -1;
		off += RTNH_ALIGN(x.rtnh_len);
	}
	r->oif = nh.rtnh_ifindex;
	if (parse_attrs(a->p + sizeof nh, nh.rtnh_len - sizeof nh, tb, RTA_MAX + 1) < 0)
		return -1;
	r->has_gateway = take_addr(&tb[RTA_GATEWAY], r->family, r->gateway);
	return r->has_gateway < 0 ? -1 : 0;
}

static int route_attrs(const struct attr *tb, struct nl_route *r)
{
	uint32_t v;
	int rc;

	if ((r->has_dst = take_addr(&tb[RTA_DST], r->family, r->dst)) < 0 ||
	    (r->has_src = take_addr(&tb[RTA_SRC], r->family, r->src)) < 0 ||
	    (r->has_gateway = take_addr(&tb[RTA_GATEWAY], r->family, r->gateway)) < 0 ||
	    (r->has_prefsrc = take_addr(&tb[RTA_PREFSRC], r->family, r->prefsrc)) < 0 ||
	    (r->has_metric = take_u32(&tb[RTA_PRIORITY], &r->metric)) < 0 ||
	    (r->has_uid = take_u32(&tb[RTA_UID], &r->uid)) < 0)
		return -1;
	if ((rc = take_u32(&tb[RTA_TABLE], &v)) < 0)
		return -1;
	if (rc)
		r->table = v;
	if ((rc = take_u32(&tb[RTA_OIF], &v)) < 0)
		return -1;
	r->oif = rc ? (int)v : 0;
	if ((rc = take_u32(&tb[RTA_IIF], &v)) < 0)
		return -1;
	r->iif = rc ? (int)v : 0;
	if (tb[RTA_PREF].p) {
		if (tb[RTA_PREF].len < 1)
			return -1;
		r->pref = tb[RTA_PREF].p[0];
		r->has_pref = 1;
	}
	return take_multipath(&tb[RTA_MULTIPATH], r);
}

int nl_parse_route(const void *msg, size_t len, struct nl_route *out)
{
	const uint8_t *fixed, *body;
	size_t bodylen;
	struct rtmsg rtm;
	struct attr tb[RTA_MAX + 1];

	memset(out, 0, sizeof *out);
	if (open_msg(msg, len, RTM_NEWROUTE, sizeof rtm, &fixed, &body, &bodylen) < 0)
		return -1;
	memcpy(&rtm, fixed, sizeof rtm);
	out->family = family_of(rtm.rtm_family);
	if (!out->family || rtm.rtm_dst_len > (out->family == 4 ? 32 : 128) ||
	    rtm.rtm_src_len > (out->family == 4 ? 32 : 128))
		return -1;
	out->dst_len = rtm.rtm_dst_len;
	out->src_len = rtm.rtm_src_len;
	out->type = rtm.rtm_type;
	out->protocol = rtm.rtm_protocol;
	out->scope = rtm.rtm_scope;
	out->tos = rtm.rtm_tos;
	out->table = rtm.rtm_table;
	out->flags = rtm.rtm_flags;
	if (parse_attrs(body, bodylen, tb, RTA_MAX + 1) < 0)
		return -1;
	return route_attrs(tb, out);
}

int nl_parse_neigh(const void *msg, size_t len, struct nl_neigh *out)
{
	const uint8_t *fixed, *body;
	size_t bodylen;
	struct ndmsg nd;
	struct attr tb[NDA_MAX + 1];

	memset(out, 0, sizeof *out);
	if (open_msg(msg, len, RTM_NEWNEIGH, sizeof nd, &fixed, &body, &bodylen) < 0)
		return -1;
	memcpy(&nd, fixed, sizeof nd);
	out->family = family_of(nd.ndm_family);
	if (!out->family)
		return -1;
	out->ifindex = nd.ndm_ifindex;
	out->state = nd.ndm_state;
	out->flags = nd.ndm_flags;
	out->type = nd.ndm_type;
	if (parse_attrs(body, bodylen, tb, NDA_MAX + 1) < 0)
		return -1;
	if ((out->has_dst = take_addr(&tb[NDA_DST], out->family, out->dst)) < 0 ||
	    (out->has_probes = take_u32(&tb[NDA_PROBES], &out->probes)) < 0)
		return -1;
	if (tb[NDA_LLADDR].p) {
		if (tb[NDA_LLADDR].len > sizeof out->lladdr)
			return -1;
		memcpy(out->lladdr, tb[NDA_LLADDR].p, tb[NDA_LLADDR].len);
		out->lladdr_len = (int)tb[NDA_LLADDR].len;
	}
	return 0;
}

int nl_walk(const void *buf, size_t len, nl_msg_fn fn, void *arg)
{
	const uint8_t *p = buf;

	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		memcpy(&h, p, sizeof h);
		if (h.nlmsg_len < sizeof h || h.nlmsg_len > len)
			return -EPROTO;
		if (h.nlmsg_type == NLMSG_DONE)
			return NL_DONE;
		if (h.nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr e;
			if (h.nlmsg_len < NLMSG_LENGTH(sizeof e.error))
				return -EPROTO;
			memcpy(&e.error, p + NLMSG_HDRLEN, sizeof e.error);
			return e.error < 0 ? (e.error < -4095 ? -EPROTO : e.error) : NL_DONE;
		}
		if (h.nlmsg_type >= NLMSG_MIN_TYPE && fn(p, h.nlmsg_len, arg))
			return NL_DONE;
		if (NLMSG_ALIGN(h.nlmsg_len) >= len)
			break;
		p += NLMSG_ALIGN(h.nlmsg_len);
		len -= NLMSG_ALIGN(h.nlmsg_len);
	}
	return NL_MORE;
}

/* ---- names -------------------------------------------------------------- */

const char *nl_route_type_name(unsigned type)
{
	static const char *const names[] = {
		"none", "unicast", "local", "broadcast", "anycast", "multicast",
		"blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve",
	};
	return type < sizeof names / sizeof names[0] ? names[type] : "unknown";
}

const char *nl_protocol_name(unsigned proto, char *buf)
{
	static const struct { unsigned n; const char *name; } names[] = {
		{ 0, "unspec" }, { 1, "redirect" }, { 2, "kernel" }, { 3, "boot" },
		{ 4, "static" }, { 8, "gated" }, { 9, "ra" }, { 10, "mrt" },
		{ 11, "zebra" }, { 12, "bird" }, { 13, "dnrouted" }, { 14, "xorp" },
		{ 15, "ntk" }, { 16, "dhcp" }, { 17, "mrouted" }, { 18, "keepalived" },
		{ 42, "babel" }, { 99, "openr" }, { 186, "bgp" }, { 187, "isis" },
		{ 188, "ospf" }, { 189, "rip" }, { 192, "eigrp" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].n == proto)
			return names[i].name;
	snprintf(buf, 12, "%u", proto);
	return buf;
}

const char *nl_scope_name(unsigned scope, char *buf)
{
	switch (scope) {
	case RT_SCOPE_UNIVERSE: return "global";
	case RT_SCOPE_SITE: return "site";
	case RT_SCOPE_LINK: return "link";
	case RT_SCOPE_HOST: return "host";
	case RT_SCOPE_NOWHERE: return "nowhere";
	}
	snprintf(buf, 12, "%u", scope);
	return buf;
}

const char *nl_table_name(uint32_t table, char *buf)
{
	switch (table) {
	case RT_TABLE_UNSPEC: return "unspec";
	case RT_TABLE_COMPAT: return "compat";
	case RT_TABLE_DEFAULT: return "default";
	case RT_TABLE_MAIN: return "main";
	case RT_TABLE_LOCAL: return "local";
	}
	snprintf(buf, 12, "%lu", (unsigned long)table);
	return buf;
}

int nl_table_from_name(const char *s, uint32_t *table)
{
	unsigned long v = 0;
	const char *p = s;

	if (strcasecmp(s, "main") == 0) { *table = RT_TABLE_MAIN; return 0; }
	if (strcasecmp(s, "local") == 0) { *table = RT_TABLE_LOCAL; return 0; }
	if (strcasecmp(s, "default") == 0) { *table = RT_TABLE_DEFAULT; return 0; }
	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long)(*p++ - '0');
		if (v > 0xffffffffUL)
			return -1;
	}
	if (*p || v == 0)
		return -1;
	*table = (uint32_t)v;
	return 0;
}

const char *nl_neigh_state_name(unsigned state)
{
	switch (state) {
	case NUD_NONE: return "NONE";
	case NUD_INCOMPLETE: return "INCOMPLETE";
	case NUD_REACHABLE: return "REACHABLE";
	case NUD_STALE: return "STALE";
	case NUD_DELAY: return "DELAY";
	case NUD_PROBE: return "PROBE";
	case NUD_FAILED: return "FAILED";
	case NUD_NOARP: return "NOARP";
	case NUD_PERMANENT: return "PERMANENT";
	}
	return "UNKNOWN";
}

size_t nl_route_flag_names(uint32_t flags, const char **names, size_t max)
{
	static const struct { uint32_t bit; const char *name; } words[] = {
		{ RTNH_F_DEAD, "dead" }, { RTNH_F_ONLINK, "onlink" },
		{ RTNH_F_PERVASIVE, "pervasive" }, { RTNH_F_OFFLOAD, "offload" },
		{ RTNH_F_TRAP, "trap" }, { RTNH_F_LINKDOWN, "linkdown" },
		{ RTNH_F_UNRESOLVED, "unresolved" },
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof words / sizeof words[0] && n < max; i++)
		if (flags & words[i].bit)
			names[n++] = words[i].name;
	return n;
}

/* ---- requests ----------------------------------------------------------- */

#define NL_BUFSIZE (1u << 16)

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct sockaddr_nl sa;

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int nl_send(int fd, void *req, size_t len)
{
	struct sockaddr_nl sa;
	ssize_t n;

	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	do
		n = sendto(fd, req, len, 0, (struct sockaddr *)&sa, sizeof sa);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/* Reads datagrams until the dump or the answer ends. */
static int nl_receive(int fd, nl_msg_fn fn, void *arg)
{
	char *buf = xmalloc(NL_BUFSIZE);
	int rc = NL_MORE;

	while (rc == NL_MORE) {
		ssize_t n = recv(fd, buf, NL_BUFSIZE, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EPROTO;
			rc = -1;
			break;
		}
		rc = nl_walk(buf, (size_t)n, fn, arg);
		if (rc < 0) {
			errno = -rc;
			rc = -1;
		}
	}
	free(buf);
	return rc < 0 ? -1 : 0;
}

struct dump {
	nl_route_fn route_fn;
	nl_neigh_fn neigh_fn;
	void *arg;
	size_t malformed;
	struct nl_route *got;
};

static int on_route(const void *msg, size_t len, void *arg)
{
	struct dump *d = arg;
	struct nl_route r;

	if (nl_parse_route(msg, len, &r) < 0) {
		d->malformed++;
		return 0;
	}
	if (d->got) {
		*d->got = r;
		return 1;
	}
	return d->route_fn(&r, d->arg);
}

static int on_neigh(const void *msg, size_t len, void *arg)
{
	struct dump *d = arg;
	struct nl_neigh n;

	if (nl_parse_neigh(msg, len, &n) < 0) {
		d->malformed++;
		return 0;
	}
	return d->neigh_fn(&n, d->arg);
}

/* A dump request: the header and an rtmsg or ndmsg (both start with the
 * family byte; rtmsg is the larger). */
static int dump(uint16_t type, int family, nl_msg_fn fn, struct dump *d)
{
	struct { struct nlmsghdr h; struct rtmsg m; } req;
	int fd = nl_open(), rc;

	if (fd < 0)
		return -1;
	memset(&req, 0, sizeof req);
	req.h.nlmsg_len = NLMSG_LENGTH(type == RTM_GETNEIGH ? sizeof(struct ndmsg) : sizeof req.m);
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.m.rtm_family = family == 6 ? AF_INET6 : AF_INET;
	rc = nl_send(fd, &req, req.h.nlmsg_len) < 0 ? -1 : nl_receive(fd, fn, d);
	if (rc < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

int nl_dump_routes(int family, nl_route_fn fn, void *arg, size_t *malformed)
{
	struct dump d = { fn, NULL, arg, 0, NULL };
	int rc = dump(RTM_GETROUTE, family, on_route, &d);

	if (malformed)
		*malformed = d.malformed;
	return rc;
}

int nl_dump_neigh(int family, nl_neigh_fn fn, void *arg, size_t *malformed)
{
	struct dump d = { NULL, fn, arg, 0, NULL };
	int rc = dump(RTM_GETNEIGH, family, on_neigh, &d);

	if (malformed)
		*malformed = d.malformed;
	return rc;
}

int nl_route_get(int family, const uint8_t *dst, struct nl_route *out)
{
	struct { struct nlmsghdr h; struct rtmsg m; struct rtattr a; uint8_t addr[16]; } req;
	size_t alen = family == 6 ? 16 : 4;
	struct dump d = { NULL, NULL, NULL, 0, out };
	int fd = nl_open(), rc;

	if (fd < 0)
		return -1;
	memset(&req, 0, sizeof req);
	memset(out, 0, sizeof *out);
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof req.m) + RTA_LENGTH(alen);
	req.h.nlmsg_type = RTM_GETROUTE;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.h.nlmsg_seq = 1;
	req.m.rtm_family = family == 6 ? AF_INET6 : AF_INET;
	req.m.rtm_dst_len = (unsigned char)(alen * 8);
	req.m.rtm_flags = RTM_F_LOOKUP_TABLE; /* the table the rules chose, not main */
	req.a.rta_type = RTA_DST;
	req.a.rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(req.addr, dst, alen);
	rc = nl_send(fd, &req, req.h.nlmsg_len) < 0 ? -1 : nl_receive(fd, on_route, &d);
	if (rc == 0 && !out->family) {
		errno = EPROTO;
		rc = -1;
	}
	{
		int e = errno;
		close(fd);
		errno = e;
	}
	return rc;
}

/* ---- interface names ---------------------------------------------------- */

struct nl_ifnames {
	char (*name)[IF_NAMESIZE];
	size_t n;              /* indexes 0 .. n-1 */
};

struct nl_ifnames *nl_ifnames_load(void)
{
	struct nl_ifnames *m = xcalloc(1, sizeof *m);
	struct if_nameindex *ni = if_nameindex(), *p;
	size_t max = 0;

	for (p = ni; p && p->if_index; p++)
		if (p->if_index + 1 > max)
			max = p->if_index + 1;
	m->name = xcalloc(max ? max : 1, sizeof *m->name);
	m->n = max;
	for (p = ni; p && p->if_index; p++)
		snprintf(m->name[p->if_index], IF_NAMESIZE, "%s", p->if_name);
	if (ni)
		if_freenameindex(ni);
	return m;
}

const char *nl_ifname(const struct nl_ifnames *m, int index)
{
	if (index <= 0 || (size_t)index >= m->n || !m->name[index][0])
		return NULL;
	return m->name[index];
}

int nl_ifindex(const struct nl_ifnames *m, const char *name)
{
	size_t i;

	for (i = 1; i < m->n; i++)
		if (strcmp(m->name[i], name) == 0)
			return (int)i;
	return 0;
}

void nl_ifnames_free(struct nl_ifnames *m)
{
	if (!m)
		return;
	free(m->name);
	free(m);
}
