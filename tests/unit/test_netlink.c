/* lib/net/netlink: the pure parsers on rtnetlink answers captured from a
 * real kernel (tests/fixtures/netlink, README there), and on broken ones. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "net/netlink.h"
#include "unit.h"

#define FIXTURES "tests/fixtures/netlink/"

struct capture { unsigned char *data; size_t len; };

/* The whole file: datagrams, each after its 4-byte little-endian length. */
static struct capture load(const char *name)
{
	struct capture c = { NULL, 0 };
	char path[256];
	FILE *fp;
	long n;

	snprintf(path, sizeof path, FIXTURES "%s", name);
	fp = fopen(path, "rb");
	CHECK(fp != NULL);
	if (!fp)
		return c;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	c.data = malloc((size_t)n);
	c.len = fread(c.data, 1, (size_t)n, fp);
	fclose(fp);
	return c;
}

struct routes { struct nl_route v[64]; size_t n; };
struct neighs { struct nl_neigh v[16]; size_t n; };

static int add_route(const void *msg, size_t len, void *arg)
{
	struct routes *r = arg;

	if (r->n < 64 && nl_parse_route(msg, len, &r->v[r->n]) == 0)
		r->n++;
	return 0;
}

static int add_neigh(const void *msg, size_t len, void *arg)
{
	struct neighs *r = arg;

	if (r->n < 16 && nl_parse_neigh(msg, len, &r->v[r->n]) == 0)
		r->n++;
	return 0;
}

/* Walks every datagram of a capture; returns the last walk's result. */
static int walk(const struct capture *c, nl_msg_fn fn, void *arg)
{
	size_t off = 0;
	int rc = NL_MORE;

	while (off + 4 <= c->len) {
		uint32_t n = (uint32_t)c->data[off] | (uint32_t)c->data[off + 1] << 8 |
			     (uint32_t)c->data[off + 2] << 16 | (uint32_t)c->data[off + 3] << 24;
		rc = nl_walk(c->data + off + 4, n, fn, arg);
		off += 4 + n;
	}
	return rc;
}

static const struct nl_route *find(const struct routes *r, const char *dst, int len, uint32_t table)
{
	uint8_t a[16] = { 0 };
	size_t i;

	inet_pton(strchr(dst, ':') ? AF_INET6 : AF_INET, dst, a);
	for (i = 0; i < r->n; i++)
		if (r->v[i].dst_len == len && r->v[i].table == table &&
		    memcmp(r->v[i].dst, a, r->v[i].family == 4 ? 4 : 16) == 0)
			return &r->v[i];
	return NULL;
}

static const char *ntop(int family, const uint8_t *a)
{
	static char buf[64];
	return inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, sizeof buf);
}

static void test_route_dump4(void)
{
	struct capture c = load("route4.bin");
	static struct routes r;
	const struct nl_route *x;

	CHECK_INT(walk(&c, add_route, &r), NL_DONE);
	x = find(&r, "0.0.0.0", 0, RT_TABLE_MAIN);
	CHECK(x && x->has_gateway && x->oif == 3 && x->protocol == RTPROT_BOOT && x->type == RTN_UNICAST);
	CHECK_STR(x ? ntop(4, x->gateway) : NULL, "10.9.0.254");
	x = find(&r, "192.0.2.0", 24, RT_TABLE_MAIN);
	CHECK(x && x->has_metric && x->metric == 50);
	x = find(&r, "10.9.0.0", 24, RT_TABLE_MAIN);
	CHECK(x && x->protocol == RTPROT_KERNEL && x->scope == RT_SCOPE_LINK && x->has_prefsrc);
	x = find(&r, "198.51.100.7", 32, RT_TABLE_MAIN);
	CHECK(x && x->scope == RT_SCOPE_LINK && !x->has_gateway);
	CHECK_STR(x ? ntop(4, x->prefsrc) : NULL, "10.9.0.1");
	x = find(&r, "10.10.0.0", 16, RT_TABLE_MAIN);
	CHECK(x && x->nexthops == 2 && x->oif == 3);
	CHECK_STR(x ? ntop(4, x->gateway) : NULL, "10.9.0.5");
	x = find(&r, "203.0.113.0", 24, RT_TABLE_MAIN);
	CHECK(x && x->type == RTN_BLACKHOLE && x->oif == 0);
	x = find(&r, "203.0.113.0", 25, RT_TABLE_MAIN);
	CHECK(x && x->type == RTN_UNREACHABLE);
	x = find(&r, "172.16.0.0", 16, 100);
	CHECK(x && x->has_gateway);
	x = find(&r, "10.9.0.1", 32, RT_TABLE_LOCAL);
	CHECK(x && x->type == RTN_LOCAL && x->scope == RT_SCOPE_HOST);
	free(c.data);
}

static void test_route_dump6_and_get(void)
{
	struct capture c = load("route6.bin"), g = load("get4.bin"), u = load("get4-unreachable.bin");
	static struct routes r, got;
	const struct nl_route *x;

	CHECK_INT(walk(&c, add_route, &r), NL_DONE);
	x = find(&r, "2001:db8:aa::", 48, RT_TABLE_MAIN);
	CHECK(x && x->family == 6 && x->has_metric && x->metric == 1024 && x->has_pref && x->pref == 0);
	CHECK_STR(x ? ntop(6, x->gateway) : NULL, "2001:db8:9::fe");
	CHECK(find(&r, "2001:db8:9::", 64, RT_TABLE_MAIN) != NULL);
	CHECK_INT(walk(&g, add_route, &got), NL_MORE); /* an answer, not a dump: no DONE */
	CHECK_INT(got.n, 1);
	x = &got.v[0];
	CHECK(x->dst_len == 32 && x->has_gateway && x->has_prefsrc && x->oif == 3 && x->has_uid);
	CHECK_STR(ntop(4, x->dst), "192.0.2.5");
	CHECK_STR(ntop(4, x->gateway), "10.9.0.3");
	CHECK_STR(ntop(4, x->prefsrc), "10.9.0.1");
	CHECK_INT(walk(&u, add_route, &got), -EHOSTUNREACH);
	free(c.data);
	free(g.data);
	free(u.data);
}

static void test_neigh_dump(void)
{
	struct capture c = load("neigh4.bin");
	static struct neighs r;
	size_t i, seen = 0;

	CHECK_INT(walk(&c, add_neigh, &r), NL_DONE);
	for (i = 0; i < r.n; i++) {
		const struct nl_neigh *n = &r.v[i];
		const char *a = ntop(4, n->dst);
		if (strcmp(a, "10.9.0.77") == 0) {
			CHECK_STR(nl_neigh_state_name(n->state), "PERMANENT");
			CHECK(n->lladdr_len == 6 && n->lladdr[0] == 2 && n->lladdr[5] == 0x77);
			seen++;
		} else if (strcmp(a, "10.9.0.78") == 0) {
			CHECK_STR(nl_neigh_state_name(n->state), "FAILED");
			CHECK_INT(n->lladdr_len, 0);
			seen++;
		} else if (strcmp(a, "10.9.0.79") == 0) {
			CHECK_STR(nl_neigh_state_name(n->state), "STALE");
			CHECK(n->flags & NTF_ROUTER);
			CHECK_INT(n->ifindex, 3);
			seen++;
		}
	}
	CHECK_INT(seen, 3);
	free(c.data);
}

/* Every prefix of every message, and messages with a field broken: the
 * parsers refuse them or read them whole, never past the end (ASan). */
static void test_broken(void)
{
	struct capture c = load("route4.bin");
	struct nl_route r;
	struct nl_neigh n;
	unsigned char *copy;
	size_t cut, first;

	first = c.data[0] | (size_t)c.data[1] << 8; /* the first datagram */
	for (cut = 0; cut < first; cut++) {
		copy = malloc(cut ? cut : 1);
		memcpy(copy, c.data + 4, cut);
		(void)nl_parse_route(copy, cut, &r);
		(void)nl_parse_neigh(copy, cut, &n);
		(void)nl_walk(copy, cut, add_route, &(struct routes){ .n = 64 });
		free(copy);
	}
	copy = malloc(first);
	memcpy(copy, c.data + 4, first);
	copy[0] = 0xff; /* nlmsg_len past the datagram */
	CHECK_INT(nl_walk(copy, first, add_route, &(struct routes){ .n = 64 }), -EPROTO);
	memcpy(copy, c.data + 4, first);
	copy[16 + 12] = 3; /* the first attribute's length below its header */
	CHECK_INT(nl_parse_route(copy, first, &r), -1);
	memcpy(copy, c.data + 4, first);
	copy[16 + 1] = 40; /* an IPv4 prefix of /40 */
	CHECK_INT(nl_parse_route(copy, first, &r), -1);
	free(copy);
	free(c.data);
}

static void test_names(void)
{
	char buf[12];
	uint32_t t;
	const char *f[8];

	CHECK_STR(nl_route_type_name(RTN_BLACKHOLE), "blackhole");
	CHECK_STR(nl_route_type_name(200), "unknown");
	CHECK_STR(nl_protocol_name(RTPROT_STATIC, buf), "static");
	CHECK_STR(nl_protocol_name(250, buf), "250");
	CHECK_STR(nl_scope_name(RT_SCOPE_LINK, buf), "link");
	CHECK_STR(nl_table_name(RT_TABLE_MAIN, buf), "main");
	CHECK_STR(nl_table_name(100, buf), "100");
	CHECK_INT(nl_table_from_name("local", &t), 0);
	CHECK_INT(t, RT_TABLE_LOCAL);
	CHECK_INT(nl_table_from_name("4294967295", &t), 0);
	CHECK_INT(nl_table_from_name("4294967296", &t), -1);
	CHECK_INT(nl_table_from_name("0", &t), -1);
	CHECK_INT(nl_table_from_name("12a", &t), -1);
	CHECK_STR(nl_neigh_state_name(NUD_DELAY), "DELAY");
	CHECK_STR(nl_neigh_state_name(NUD_INCOMPLETE), "INCOMPLETE");
	CHECK_INT(nl_route_flag_names(RTNH_F_ONLINK | RTNH_F_LINKDOWN, f, 8), 2);
	CHECK_STR(f[0], "onlink");
	CHECK_STR(f[1], "linkdown");
}

int main(void)
{
	test_route_dump4();
	test_route_dump6_and_get();
	test_neigh_dump();
	test_broken();
	test_names();
	return unit_report();
}
