/* The filter compiler against a reference: the input builds a filter (a
 * tree from a small grammar of tcpdump's primitives, rendered as text)
 * and a few Ethernet frames (IPv4, IPv6, ARP; TCP, UDP, SCTP, ICMP; VLAN
 * tags, fragments, options, random fields, sometimes cut short). The text
 * must compile (lib/capture/filter.c, bpfgen.c) and the program, run by
 * lib/capture/bpf.c's interpreter over each frame, must keep exactly the
 * frames bpf_ref.c's direct evaluation of the tree keeps.
 *
 * Input: byte 0's low 7 bits are how many of the following bytes build the
 * filter, its top bit chooses raw IP (link type RAW) over Ethernet; the
 * rest build the frames. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/bpf.h"
#include "capture/packet.h"

#include "bpf_ref.c"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* ---- values both sides pick from, so filters match often ---- */

static const uint8_t ip4_pool[][4] = {
	{ 10, 0, 0, 1 }, { 10, 0, 0, 2 }, { 192, 168, 1, 7 }, { 0, 0, 0, 0 },
	{ 255, 255, 255, 255 }, { 224, 0, 0, 251 }, { 10, 1, 2, 3 }, { 172, 16, 0, 9 },
};
static const char *const ip6_pool[] = {
	"::1", "fe80::1", "2001:db8::1", "2001:db8::2", "ff02::1", "::", "2001:db8:1:2:3:4:5:6",
	"::ffff:10.0.0.1",
};
static const uint8_t mac_pool[][6] = {
	{ 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 2 }, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	{ 1, 0, 0x5e, 0, 0, 0xfb }, { 0x33, 0x33, 0, 0, 0, 1 }, { 0, 0, 0, 0, 0, 0 },
};
static const uint16_t port_pool[] = { 0, 53, 80, 443, 5353, 65535, 1024, 8080 };
static const uint16_t ethertype_pool[] = { 0x0800, 0x86dd, 0x0806, 0x8035, 0x8100, 0x88a8,
					    0x9100, 0x0000 };
static const uint8_t proto_pool[] = { 6, 17, 132, 1, 2, 58, 44, 0 };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void pick_ip4(struct in *in, uint8_t *a)
{
	uint32_t c = take(in, 1);
	if (c < 224) {
		memcpy(a, ip4_pool[c % COUNT(ip4_pool)], 4);
		return;
	}
	for (int i = 0; i < 4; i++)
		a[i] = (uint8_t)take(in, 1);
}

static void pick_ip6(struct in *in, uint8_t *a)
{
	uint32_t c = take(in, 1);
	if (c < 224) {
		inet_pton(AF_INET6, ip6_pool[c % COUNT(ip6_pool)], a);
		return;
	}
	for (int i = 0; i < 16; i++)
		a[i] = (uint8_t)take(in, 1);
}

static void pick_mac(struct in *in, uint8_t *m)
{
	uint32_t c = take(in, 1);
	if (c < 224) {
		memcpy(m, mac_pool[c % COUNT(mac_pool)], 6);
		return;
	}
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)take(in, 1);
}

static uint32_t pick_port(struct in *in)
{
	uint32_t c = take(in, 1);
	return c < 200 ? port_pool[c % COUNT(port_pool)] : take(in, 2);
}

/* ---- the filter: a tree and its text ---- */

/* How a primitive is written, beside what it means. */
struct look {
	int pw;        /* the protocol word written first: index in pw_words, 0 none */
	int dirw;      /* 0 none, 1 src, 2 dst, 3 src or dst, 4 src and dst */
	int typew;     /* 0 none, 1 host, 2 net, 3 port, 4 portrange */
	int form;      /* a spelling variant */
	int bare;      /* write the ID alone when the qualifiers are inherited */
	int name;      /* of a number written as a name: its index in names[] */
	int paren;     /* extra parentheses */
};

static const char *const pw_words[] = { "", "ip", "ip6", "arp", "rarp", "tcp", "udp", "sctp",
					"ether", "link" };
enum { PWW_NONE, PWW_IP, PWW_IP6, PWW_ARP, PWW_RARP, PWW_TCP, PWW_UDP, PWW_SCTP, PWW_ETHER,
       PWW_LINK };
static const char *const dir_words[] = { "", "src", "dst", "src or dst", "src and dst" };
static const int dir_of[] = { REF_DIR_ANY, REF_DIR_SRC, REF_DIR_DST, REF_DIR_ANY,
			      REF_DIR_BOTH };
static const char *const type_words[] = { "", "host", "net", "port", "portrange" };

struct gen {
	struct in in;
	struct ref_tree *t;
	struct look look[REF_MAX_NODES];
	int prims;
	int raw;       /* link type RAW: no link-layer primitives */
};

static int node(struct gen *g, int kind)
{
	if (g->t->count >= REF_MAX_NODES)
		return -1;
	int i = g->t->count++;
	memset(&g->t->n[i], 0, sizeof g->t->n[i]);
	memset(&g->look[i], 0, sizeof g->look[i]);
	g->t->n[i].kind = kind;
	g->t->n[i].a = g->t->n[i].b = -1;
	return i;
}

static void qualifiers(struct gen *g, int i, int typew)
{
	struct look *l = &g->look[i];
	uint32_t c = take(&g->in, 1);
	l->dirw = (int)(c % 5);
	l->typew = typew;
	l->bare = (c & 0x38) == 0x38;
	g->t->n[i].dir = dir_of[l->dirw];
}

static void prefix(uint8_t *mask, int bits, int bytes)
{
	memset(mask, 0, 16);
	for (int i = 0; i < bytes; i++) {
		int b = bits - 8 * i;
		mask[i] = b >= 8 ? 0xff : b <= 0 ? 0 : (uint8_t)(0xff << (8 - b));
	}
}

static int gen_host(struct gen *g)
{
	uint32_t c = take(&g->in, 1);
	int v6 = (c & 3) == 3, net = (c & 4) != 0;
	int i = node(g, v6 ? RN_HOST6 : RN_HOST4);
	if (i < 0)
		return -1;
	struct ref_node *n = &g->t->n[i];
	struct look *l = &g->look[i];
	static const int pw4[] = { PWW_NONE, PWW_NONE, PWW_IP, PWW_ARP, PWW_RARP, PWW_NONE };
	qualifiers(g, i, net ? 2 : 1);
	if (!net && (c & 8) && l->dirw)
		l->typew = 0;                   /* "src 10.0.0.1": host by default */
	l->pw = v6 ? ((c & 16) ? PWW_IP6 : PWW_NONE) : pw4[(c >> 4) % 6];
	n->which = l->pw == PWW_IP ? REF_IP : l->pw == PWW_ARP ? REF_ARP
		 : l->pw == PWW_RARP ? REF_RARP : REF_IP | REF_ARP | REF_RARP;
	int bytes = v6 ? 16 : 4;
	if (v6)
		pick_ip6(&g->in, n->addr);
	else
		pick_ip4(&g->in, n->addr);
	int bits = net ? (int)(take(&g->in, 1) % (8 * bytes + 1)) : 8 * bytes;
	l->form = net ? (int)(c >> 6) : 0;  /* 1: short form, 2: mask form (IPv4) */
	if (net && !v6 && l->form == 2) {
		for (int k = 0; k < 4; k++)
			n->mask[k] = (uint8_t)take(&g->in, 1);
	} else {
		if (l->form == 1 && (v6 || bits % 8 || bits < 8 || bits > 24))
			l->form = 0;
		prefix(n->mask, bits, bytes);
	}
	for (int k = 0; k < bytes; k++)
		n->addr[k] &= n->mask[k];
	return i;
}

static int gen_port(struct gen *g)
{
	static const int pws[] = { PWW_NONE, PWW_NONE, PWW_TCP, PWW_UDP, PWW_SCTP, PWW_IP, PWW_IP6,
				   PWW_TCP };
	static const int proto_of[] = { [PWW_TCP] = 6, [PWW_UDP] = 17, [PWW_SCTP] = 132 };
	uint32_t c = take(&g->in, 1);
	int i = node(g, RN_PORT);
	if (i < 0)
		return -1;
	struct ref_node *n = &g->t->n[i];
	int range = (c & 0x18) == 0x18;
	qualifiers(g, i, range ? 4 : 3);
	g->look[i].pw = pws[c % COUNT(pws)];
	n->fam = g->look[i].pw == PWW_IP ? 4 : g->look[i].pw == PWW_IP6 ? 6 : 0;
	n->proto = g->look[i].pw >= PWW_TCP && g->look[i].pw <= PWW_SCTP ? proto_of[g->look[i].pw] : 0;
	n->v = n->v2 = pick_port(&g->in);
	if (range) {
		n->v2 = pick_port(&g->in);
		if (n->v > n->v2) {
			uint32_t x = n->v;
			n->v = n->v2;
			n->v2 = x;
		}
	}
	return i;
}

static int gen_link(struct gen *g)
{
	uint32_t c = take(&g->in, 1);
	int i;
	switch (c % 4) {
	case 0:
	case 1:
		if ((i = node(g, RN_EHOST)) < 0)
			return -1;
		qualifiers(g, i, (c & 4) ? 1 : 0);
		g->look[i].pw = (c & 8) ? PWW_LINK : PWW_ETHER;
		g->look[i].bare = 0;
		g->look[i].form = (c & 16) != 0; /* dotted MAC */
		pick_mac(&g->in, g->t->n[i].addr);
		return i;
	case 2:
		i = node(g, RN_EBCAST);
		break;
	default:
		i = node(g, RN_EMCAST);
		break;
	}
	if (i >= 0)
		g->look[i].form = (c & 4) != 0; /* "ether broadcast" */
	return i;
}

static int gen_proto(struct gen *g)
{
	uint32_t c = take(&g->in, 1);
	int i = node(g, (c & 7) < 3 ? RN_ETHERTYPE : RN_IPPROTO);
	if (i < 0)
		return -1;
	struct ref_node *n = &g->t->n[i];
	struct look *l = &g->look[i];
	l->form = (int)(c >> 3 & 7);
	if (n->kind == RN_ETHERTYPE) {
		/* form 0-3: ip ip6 arp rarp; else ether proto N */
		static const uint32_t et[] = { 0x0800, 0x86dd, 0x0806, 0x8035 };
		n->v = l->form < 4 ? et[l->form] : (c & 0x80) ? take(&g->in, 2)
			: ethertype_pool[take(&g->in, 1) % COUNT(ethertype_pool)];
		return i;
	}
	/* form 0-5: tcp udp sctp icmp igmp icmp6; 6: ip proto, 7: ip6 proto; c&3==3 bare proto */
	static const uint32_t num[] = { 6, 17, 132, 1, 2, 58 };
	if (l->form < 6) {
		n->v = num[l->form];
		n->fam = l->form == 3 || l->form == 4 ? 4 : l->form == 5 ? 6 : 0;
		return i;
	}
	n->v = (c & 0x80) ? take(&g->in, 1) : proto_pool[take(&g->in, 1) % COUNT(proto_pool)];
	n->fam = (c & 7) == 7 ? 0 : l->form == 6 ? 4 : 6;
	return i;
}

/* ---- arithmetic ---- */

static const struct { const char *name; uint32_t v; } names[] = {
	{ "tcpflags", 13 }, { "tcp-fin", 1 }, { "tcp-syn", 2 }, { "tcp-rst", 4 },
	{ "tcp-push", 8 }, { "tcp-ack", 16 }, { "tcp-urg", 32 }, { "tcp-ece", 64 },
	{ "tcp-cwr", 128 }, { "icmptype", 0 }, { "icmpcode", 1 }, { "icmp-echo", 8 },
	{ "icmp-echoreply", 0 }, { "icmp-unreach", 3 }, { "icmp-timxceed", 11 },
	{ "icmp6type", 0 }, { "icmp6-echo", 128 }, { "icmp6-neighborsolicit", 135 },
};

static int gen_arith(struct gen *g, int depth);

static int gen_num(struct gen *g, int nonzero, uint32_t below)
{
	uint32_t c = take(&g->in, 1);
	int i = node(g, RA_NUM);
	if (i < 0)
		return -1;
	struct ref_node *n = &g->t->n[i];
	g->look[i].form = (int)(c & 3); /* 0 decimal, 1 hex, 2 octal, 3 a name */
	if (g->look[i].form == 3) {
		g->look[i].name = (int)(c >> 2) % (int)COUNT(names);
		n->v = names[g->look[i].name].v;
	} else {
		n->v = (c & 0x80) ? take(&g->in, 4) : (c & 0x40) ? take(&g->in, 2) : take(&g->in, 1);
	}
	if (below && n->v >= below)
		n->v %= below;
	if (nonzero && n->v == 0)
		n->v = 1;
	if (g->look[i].form == 3 && n->v != names[g->look[i].name].v)
		g->look[i].form = 0;
	return i;
}

static int gen_load(struct gen *g, int depth)
{
	uint32_t c = take(&g->in, 1);
	int i = node(g, RA_LOAD);
	if (i < 0)
		return -1;
	struct ref_node *n = &g->t->n[i];
	static const int sizes[] = { 1, 1, 2, 4 };
	n->proto = (int)(c % RP_COUNT);
	n->size = sizes[c >> 4 & 3];
	g->look[i].form = (c & 0x40) != 0 || n->size != 1; /* ":size" written */
	g->look[i].pw = (c & 0x80) != 0;                    /* "link" for ether */
	int idx;
	if (depth > 0 && (take(&g->in, 1) & 7) == 7) {
		idx = gen_arith(g, depth - 1);
	} else {
		idx = node(g, RA_NUM);
		if (idx >= 0) {
			uint32_t o = take(&g->in, 1);
			g->t->n[idx].v = o < 250 ? o % 70 : take(&g->in, 2);
			g->look[idx].form = (int)(o & 1);
		}
	}
	if (idx < 0)
		return -1;
	if (g->t->n[idx].kind == RA_NUM && g->t->n[idx].v > 65535) {
		g->t->n[idx].v &= 0xffff;       /* a constant offset is at most 65535 */
		g->look[idx].form = 0;
	}
	g->t->n[i].a = idx;
	return i;
}

static int gen_arith(struct gen *g, int depth)
{
	uint32_t c = take(&g->in, 1);
	if (depth <= 0 || c % 8 < 3 || g->in.n == 0)
		return (c & 0x18) == 0x18 ? node(g, RA_LEN) : (c & 0x18) == 0x10 ? gen_num(g, 0, 0)
			: gen_load(g, depth);
	if (c % 8 == 3) {
		int i = node(g, RA_NEG), a = gen_arith(g, depth - 1);
		if (i < 0 || a < 0)
			return -1;
		g->t->n[i].a = a;
		return i;
	}
	int i = node(g, RA_BIN);
	if (i < 0)
		return -1;
	int op = (int)(c >> 3) % 10;
	int a = gen_arith(g, depth - 1), b;
	if (op == RO_LSH || op == RO_RSH)
		b = gen_num(g, 0, 32);                 /* shifts of 32 or more are undefined */
	else if ((op == RO_DIV || op == RO_MOD) && !(c & 0x80))
		b = gen_num(g, 1, 0);                  /* a constant 0 is refused */
	else if (op == RO_DIV || op == RO_MOD)
		b = gen_load(g, depth - 1);            /* may be 0: drops */
	else
		b = gen_arith(g, depth - 1);
	if (a < 0 || b < 0)
		return -1;
	g->t->n[i].op = op;
	g->t->n[i].a = a;
	g->t->n[i].b = b;
	return i;
}

static int gen_rel(struct gen *g)
{
	uint32_t c = take(&g->in, 1);
	int i = node(g, RN_REL);
	if (i < 0)
		return -1;
	int a = gen_arith(g, 3), b = gen_arith(g, 2);
	if (a < 0 || b < 0)
		return -1;
	g->t->n[i].op = (int)(c % 6);
	g->look[i].form = (int)(c >> 3 & 1); /* "==" for "=" */
	g->t->n[i].a = a;
	g->t->n[i].b = b;
	return i;
}

static int gen_prim(struct gen *g)
{
	uint32_t c = take(&g->in, 1);
	int i;
	g->prims++;
	switch (c % 16) {
	case 0: case 1: return gen_proto(g);
	case 2: case 3: case 4: return gen_host(g);
	case 5: case 6: case 7: return gen_port(g);
	case 8: return g->raw ? gen_proto(g) : gen_link(g);
	case 9:
		i = node(g, (c & 0x30) == 0 ? RN_IPBCAST : (c & 0x30) == 0x10 ? RN_IP6MCAST : RN_IPMCAST);
		return i;
	case 10:
		if ((i = node(g, (c & 0x10) ? RN_LESS : RN_GREATER)) >= 0)
			g->t->n[i].v = (c & 0x20) ? take(&g->in, 2) : take(&g->in, 1);
		return i;
	case 11:
		if ((c & 0x70) != 0x70 || g->raw)
			return gen_proto(g);
		if ((i = node(g, RN_VLAN)) >= 0)
			g->t->n[i].v = (c & 0x80) ? take(&g->in, 2) % 4096 : REF_ANY;
		return i;
	}
	return gen_rel(g);
}

static int gen_bool(struct gen *g, int depth)
{
	uint32_t c = take(&g->in, 1);
	int i;
	if (depth <= 0 || g->prims >= 12 || c % 8 < 5 || g->in.n == 0)
		i = gen_prim(g);
	else if (c % 8 == 5) {
		if ((i = node(g, RN_NOT)) >= 0) {
			int a = gen_bool(g, depth - 1);
			g->t->n[i].a = a;
			if (a < 0)
				return -1;
		}
	} else if ((i = node(g, (c & 8) ? RN_OR : RN_AND)) >= 0) {
		int a = gen_bool(g, depth - 1), b = gen_bool(g, depth - 1);
		if (a < 0 || b < 0)
			return -1;
		g->t->n[i].a = a;
		g->t->n[i].b = b;
	}
	if (i >= 0)
		g->look[i].paren = (c & 0xf0) == 0xf0;
	if (i >= 0 && g->t->n[i].kind <= RN_NOT)
		g->look[i].form = (c >> 4) & 1;  /* && || ! */
	return i;
}

/* ---- rendering ---- */

struct text {
	char s[4096];
	size_t n;
	int over;
	struct { int set, pw, dir, type; } last; /* the qualifiers a bare ID takes */
};

static void put(struct text *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(x->s + x->n, sizeof x->s - x->n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= sizeof x->s - x->n)
		x->over = 1;
	else
		x->n += (size_t)r;
}

static void put_num(struct text *x, const struct look *l, uint32_t v)
{
	switch (l->form) {
	case 1: put(x, "0x%x ", v); return;
	case 2: put(x, v ? "0%o " : "%o ", v); return;
	case 3: put(x, "%s ", names[l->name].name); return;
	}
	put(x, "%u ", v);
}

static int level_of(const struct ref_node *n)
{
	static const int levels[] = { [RO_OR] = 0, [RO_XOR] = 0, [RO_AND] = 1, [RO_LSH] = 2,
				      [RO_RSH] = 2, [RO_ADD] = 3, [RO_SUB] = 3, [RO_MUL] = 4,
				      [RO_DIV] = 4, [RO_MOD] = 4 };
	return n->kind == RA_BIN ? levels[n->op] : 5;
}

static void render_arith(struct text *x, const struct gen *g, int i);

static void render_sub(struct text *x, const struct gen *g, int i, int paren)
{
	if (paren)
		put(x, "( ");
	render_arith(x, g, i);
	if (paren)
		put(x, ") ");
}

static void render_arith(struct text *x, const struct gen *g, int i)
{
	static const char *const ops[] = { "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>" };
	static const char *const protos[] = { "ether", "ip", "ip6", "arp", "rarp", "tcp", "udp",
					      "sctp", "icmp", "icmp6", "igmp" };
	const struct ref_node *n = &g->t->n[i];
	const struct look *l = &g->look[i];
	switch (n->kind) {
	case RA_NUM: put_num(x, l, n->v); return;
	case RA_LEN: put(x, "len "); return;
	case RA_NEG:
		put(x, "- ");
		render_sub(x, g, n->a, level_of(&g->t->n[n->a]) < 5 || g->t->n[n->a].kind == RA_NEG);
		return;
	case RA_LOAD:
		put(x, "%s[ ", n->proto == RP_LINK && l->pw ? "link" : protos[n->proto]);
		render_arith(x, g, n->a);
		if (l->form)
			put(x, ": %d ", n->size);
		put(x, "] ");
		return;
	}
	int lv = level_of(n);
	render_sub(x, g, n->a, level_of(&g->t->n[n->a]) < lv);
	put(x, "%s ", ops[n->op]);
	render_sub(x, g, n->b, level_of(&g->t->n[n->b]) <= lv);
}

static void put_addr(struct text *x, const struct ref_node *n, const struct look *l)
{
	char a[INET6_ADDRSTRLEN], m[INET_ADDRSTRLEN];
	int v6 = n->kind == RN_HOST6, bits = 0, bytes = v6 ? 16 : 4;
	inet_ntop(v6 ? AF_INET6 : AF_INET, n->addr, a, sizeof a);
	for (int k = 0; k < bytes; k++)
		for (int b = 0; b < 8; b++)
			bits += n->mask[k] >> b & 1;
	if (l->typew != 2) {
		put(x, "%s ", a);
	} else if (l->form == 2 && !v6) {
		inet_ntop(AF_INET, n->mask, m, sizeof m);
		put(x, "%s mask %s ", a, m);
	} else if (l->form == 1) {
		for (int k = 0; k < bits / 8; k++)
			put(x, k ? ".%u" : "%u", n->addr[k]);
		put(x, " ");
	} else {
		put(x, "%s/%d ", a, bits);
	}
}

/* host, net, port, portrange, ether host: the qualifiers, or the ID alone
 * when they are the ones a bare ID inherits. */
static void render_qualified(struct text *x, const struct gen *g, int i)
{
	const struct ref_node *n = &g->t->n[i];
	const struct look *l = &g->look[i];
	int bare = l->bare && x->last.set && x->last.pw == l->pw && x->last.dir == n->dir &&
		   x->last.type == l->typew;
	if (!bare) {
		if (l->pw)
			put(x, "%s ", pw_words[l->pw]);
		if (l->dirw)
			put(x, "%s ", dir_words[l->dirw]);
		if (l->typew)
			put(x, "%s ", type_words[l->typew]);
		x->last.set = 1;
		x->last.pw = l->pw;
		x->last.dir = n->dir;
		x->last.type = l->typew;
	}
	if (n->kind == RN_EHOST) {
		const uint8_t *m = n->addr;
		put(x, l->form ? "%x.%x.%x.%x.%x.%x " : "%02x:%02x:%02x:%02x:%02x:%02x ", m[0], m[1],
		    m[2], m[3], m[4], m[5]);
	} else if (n->kind == RN_PORT) {
		put(x, l->typew == 4 ? "%u-%u " : "%u ", n->v, n->v2);
	} else {
		put_addr(x, n, l);
	}
}

static void render_proto(struct text *x, const struct ref_node *n, const struct look *l)
{
	static const char *const ets[] = { "ip", "ip6", "arp", "rarp" };
	static const char *const l4[] = { "tcp", "udp", "sctp", "icmp", "igmp", "icmp6" };
	if (n->kind == RN_ETHERTYPE && l->form < 4)
		put(x, "%s ", ets[l->form]);
	else if (n->kind == RN_ETHERTYPE)
		put(x, "ether proto %u ", n->v);
	else if (l->form < 6)
		put(x, "%s ", l4[l->form]);
	else
		put(x, "%sproto %u ", n->fam == 0 ? "" : n->fam == 4 ? "ip " : "ip6 ", n->v);
}

static void render_prim(struct text *x, const struct gen *g, int i)
{
	static const char *const rels[] = { "=", "!=", "<", "<=", ">", ">=" };
	const struct ref_node *n = &g->t->n[i];
	const struct look *l = &g->look[i];
	switch (n->kind) {
	case RN_ETHERTYPE: case RN_IPPROTO: render_proto(x, n, l); return;
	case RN_HOST4: case RN_HOST6: case RN_PORT: case RN_EHOST: render_qualified(x, g, i); return;
	case RN_EBCAST: put(x, "%sbroadcast ", l->form ? "ether " : ""); return;
	case RN_EMCAST: put(x, "%smulticast ", l->form ? "ether " : ""); return;
	case RN_IPBCAST: put(x, "ip broadcast "); return;
	case RN_IPMCAST: put(x, "ip multicast "); return;
	case RN_IP6MCAST: put(x, "ip6 multicast "); return;
	case RN_LESS: put(x, "less %u ", n->v); return;
	case RN_GREATER: put(x, "greater %u ", n->v); return;
	case RN_VLAN:
		put(x, n->v == REF_ANY ? "vlan " : "vlan %u ", n->v);
		return;
	}
	render_arith(x, g, n->a);
	put(x, "%s ", n->op == RR_EQ && l->form ? "==" : rels[n->op]);
	render_arith(x, g, n->b);
}

static int is_bin(const struct gen *g, int i)
{
	return g->t->n[i].kind == RN_AND || g->t->n[i].kind == RN_OR;
}

static void render_bool(struct text *x, const struct gen *g, int i)
{
	const struct ref_node *n = &g->t->n[i];
	const struct look *l = &g->look[i];
	if (l->paren)
		put(x, "( ");
	switch (n->kind) {
	case RN_NOT:
		put(x, l->form ? "! " : "not ");
		if (is_bin(g, n->a))
			put(x, "( ");
		render_bool(x, g, n->a);
		if (is_bin(g, n->a))
			put(x, ") ");
		break;
	case RN_AND:
	case RN_OR:
		render_bool(x, g, n->a); /* and/or bind equally, left to right */
		put(x, "%s ", n->kind == RN_AND ? (l->form ? "&&" : "and") : (l->form ? "||" : "or"));
		if (is_bin(g, n->b))
			put(x, "( ");
		render_bool(x, g, n->b);
		if (is_bin(g, n->b))
			put(x, ") ");
		break;
	default:
		render_prim(x, g, i);
	}
	if (l->paren)
		put(x, ") ");
}

/* ---- frames ---- */

struct frame {
	uint8_t b[1600];
	size_t n;
};

static void u8(struct frame *f, uint32_t v)
{
	if (f->n < sizeof f->b)
		f->b[f->n++] = (uint8_t)v;
}

static void u16(struct frame *f, uint32_t v) { u8(f, v >> 8); u8(f, v); }
static void u32(struct frame *f, uint32_t v) { u16(f, v >> 16); u16(f, v); }

static void bytes(struct frame *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		u8(f, p[i]);
}

static void random_bytes(struct frame *f, struct in *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		u8(f, take(in, 1));
}

static void transport_hdr(struct frame *f, struct in *in, uint32_t proto)
{
	static const uint8_t icmp_types[] = { 0, 3, 8, 11, 128, 129, 135, 136 };
	uint32_t c;
	switch (proto) {
	case 6:
		u16(f, pick_port(in));
		u16(f, pick_port(in));
		random_bytes(f, in, 8);
		c = take(in, 1);
		u8(f, c < 200 ? 0x50 : c);
		u8(f, take(in, 1));     /* flags */
		random_bytes(f, in, 6);
		return;
	case 17:
	case 132:
		u16(f, pick_port(in));
		u16(f, pick_port(in));
		random_bytes(f, in, proto == 17 ? 4 : 8);
		return;
	case 1:
	case 58:
		c = take(in, 1);
		u8(f, c < 200 ? icmp_types[c % COUNT(icmp_types)] : c);
		random_bytes(f, in, 7);
		return;
	}
	random_bytes(f, in, take(in, 1) % 16);
}

static void ipv4(struct frame *f, struct in *in)
{
	static const uint16_t frags[] = { 0, 0x4000, 0x2000, 0, 0x2001, 0x00b9 };
	uint32_t c = take(in, 1), ihl = c < 224 ? 5 : c % 16;
	uint8_t a[4];
	u8(f, 0x40 | ihl);
	u8(f, take(in, 1));
	u16(f, take(in, 2));                /* total length: anything */
	u16(f, take(in, 2));
	c = take(in, 1);
	u16(f, c < 240 ? frags[c % COUNT(frags)] : take(in, 2));
	u8(f, take(in, 1));
	c = take(in, 1);
	uint32_t proto = c < 224 ? proto_pool[c % 6] : c;
	u8(f, proto);
	u16(f, take(in, 2));
	pick_ip4(in, a);
	bytes(f, a, 4);
	pick_ip4(in, a);
	bytes(f, a, 4);
	if (ihl > 5)
		random_bytes(f, in, (ihl - 5) * 4);
	transport_hdr(f, in, proto);
}

static void ipv6(struct frame *f, struct in *in)
{
	uint8_t a[16];
	uint32_t c = take(in, 1), next = c < 224 ? proto_pool[c % COUNT(proto_pool)] : c;
	u32(f, 0x60000000u | (take(in, 1) << 12));
	u16(f, take(in, 2));
	u8(f, next);
	u8(f, take(in, 1));
	pick_ip6(in, a);
	bytes(f, a, 16);
	pick_ip6(in, a);
	bytes(f, a, 16);
	if (next == 44) { /* a fragment header */
		c = take(in, 1);
		next = c < 224 ? proto_pool[c % 4] : c;
		u8(f, next);
		u8(f, 0);
		u16(f, take(in, 2));
		u32(f, take(in, 4));
	}
	transport_hdr(f, in, next);
}

static void arp(struct frame *f, struct in *in)
{
	uint8_t m[6], a[4];
	u16(f, 1);
	u16(f, 0x0800);
	u8(f, 6);
	u8(f, 4);
	u16(f, 1 + take(in, 1) % 2);
	for (int i = 0; i < 2; i++) {
		pick_mac(in, m);
		bytes(f, m, 6);
		pick_ip4(in, a);
		bytes(f, a, 4);
	}
}

/* What follows a frame's network header: payload, a cut, a longer wire. */
static size_t frame_end(struct frame *f, struct in *in)
{
	random_bytes(f, in, take(in, 1) % 24);   /* payload */
	size_t wire = f->n;
	uint32_t c = take(in, 1);
	if ((c & 3) == 3)                         /* cut short, as by a snapshot length */
		f->n = take(in, 1) % (f->n + 1);
	if ((c & 12) == 12)
		wire += take(in, 2);
	return wire;
}

/* A frame; returns its length on the wire (the captured part is f->n). */
static size_t build_frame(struct frame *f, struct in *in, int raw)
{
	uint8_t m[6];
	uint32_t c = take(in, 1);
	f->n = 0;
	if (c == 0xff) {          /* anything at all */
		random_bytes(f, in, take(in, 1));
		return f->n;
	}
	if (raw) {
		if (c % 4 == 3)
			random_bytes(f, in, 1 + take(in, 1) % 40);
		else if (c % 4 == 2)
			ipv6(f, in);
		else
			ipv4(f, in);
		return frame_end(f, in);
	}
	pick_mac(in, m);
	bytes(f, m, 6);
	pick_mac(in, m);
	bytes(f, m, 6);
	for (uint32_t tags = (c & 0x30) == 0x30 ? 1 + (c >> 6) % 2 : 0; tags; tags--) {
		uint32_t t = take(in, 1);
		u16(f, ethertype_pool[4 + t % 4]);
		u16(f, (t & 0x80) ? take(in, 2) : t % 4);
	}
	c = take(in, 1);
	static const uint16_t types[] = { 0x0800, 0x0800, 0x0800, 0x86dd, 0x86dd, 0x0806, 0x8035 };
	uint32_t et = c % 8 < 7 ? types[c % 8] : take(in, 2);
	u16(f, et);
	if (et == 0x0800)
		ipv4(f, in);
	else if (et == 0x86dd)
		ipv6(f, in);
	else if (et == 0x0806 || et == 0x8035)
		arp(f, in);
	return frame_end(f, in);
}

/* ---- the comparison ---- */

static void report(const char *what, const char *expr, const struct frame *f, size_t wire,
		   int ref, uint32_t got, int raw)
{
	fprintf(stderr, "bpf diff: %s\nfilter (%s): %s\ncaplen %zu wirelen %zu, reference %s, program %u\n",
		what, raw ? "raw IP" : "Ethernet", expr, f->n, wire, ref == REF_TRUE ? "keeps" : ref == REF_DROP ? "drops (stops)"
		: "drops", got);
	for (size_t i = 0; i < f->n; i++)
		fprintf(stderr, "%02x%s", f->b[i], i % 16 == 15 ? "\n" : " ");
	fprintf(stderr, "\n");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ref_tree tree;
	static struct gen g;
	static struct text x;
	static struct bpf_prog prog;
	static struct frame f;
	char err[256];
	if (size == 0)
		return 0;
	size_t flen = (data[0] & 0x7fu) < size - 1 ? (data[0] & 0x7fu) : size - 1;
	int raw = data[0] >> 7;
	memset(&x, 0, sizeof x);
	g = (struct gen){ { data + 1, flen }, &tree, { { 0 } }, 0, raw };
	tree.count = 0;
	tree.root = gen_bool(&g, 5);
	if (tree.root < 0)
		return 0;          /* too many nodes */
	render_bool(&x, &g, tree.root);
	if (x.over)
		return 0;
	if (bpf_compile(x.s, raw ? LINK_RAW : LINK_ETHERNET, &prog, err, sizeof err) < 0) {
		fprintf(stderr, "bpf diff: '%s' does not compile: %s\n", x.s, err);
		abort();
	}
	struct in in = { data + 1 + flen, size - 1 - flen };
	for (int k = 0; k < 8 && (k == 0 || in.n); k++) {
		size_t wire = build_frame(&f, &in, raw);
		int ref = ref_eval(&tree, f.b, f.n, wire, raw);
		uint32_t got = bpf_run_wire(&prog, f.b, f.n, wire, NULL);
		if ((ref == REF_TRUE) != (got != 0) || (got != 0 && got != 262144))
			report("the program and the reference disagree", x.s, &f, wire, ref, got, raw);
	}
	return 0;
}
