/* The reference evaluator of capture filters; see bpf_ref.h. Written from
 * pcap-filter(7) and libpcap's documented behaviour, not from
 * lib/capture's compiler: it reads the frame's fields itself. */
#include "bpf_ref.h"

enum { ETH_NH = 14, ET_OFF = 12 };

struct rctx {
	const uint8_t *p;
	size_t caplen, wirelen;
	int drop;     /* a read past the end or a division by zero happened */
	int shift;    /* of the primitive being evaluated */
	int raw;      /* raw IP: no link header */
};

/* size bytes big-endian at off, or 0 with drop set when not captured. */
static uint32_t rd(struct rctx *c, uint32_t off, int size)
{
	if (c->drop || (size_t)off > c->caplen || c->caplen - off < (size_t)size) {
		c->drop = 1;
		return 0;
	}
	uint32_t v = 0;
	for (int i = 0; i < size; i++)
		v = v << 8 | c->p[off + (uint32_t)i];
	return v;
}

static uint32_t nh(const struct rctx *c)
{
	return c->raw ? 0 : (uint32_t)(ETH_NH + c->shift);
}

static int ethertype_is(struct rctx *c, uint32_t et)
{
	if (!c->raw)
		return rd(c, (uint32_t)(ET_OFF + c->shift), 2) == et;
	if (et != 0x0800 && et != 0x86dd)
		return 0;                      /* nothing to read: raw IP is only IP */
	return (rd(c, 0, 1) & 0xf0) == (et == 0x0800 ? 0x40u : 0x60u);
}

static int ipproto(struct rctx *c, int fam, uint32_t v)
{
	if (fam != 6) {
		if (ethertype_is(c, 0x0800))
			return rd(c, nh(c) + 9, 1) == v;
		if (fam == 4)
			return 0;
	}
	if (!ethertype_is(c, 0x86dd))
		return 0;
	uint32_t next = rd(c, nh(c) + 6, 1);
	if (next == v)
		return 1;
	return next == 44 && rd(c, nh(c) + 40, 1) == v;
}

/* words 4-byte words at off equal addr under mask; zero-mask words unread. */
static int addr_at(struct rctx *c, uint32_t off, const uint8_t *addr, const uint8_t *mask,
		   int words)
{
	for (int i = 0; i < words; i++) {
		uint32_t a = 0, m = 0;
		for (int k = 0; k < 4; k++) {
			a = a << 8 | addr[4 * i + k];
			m = m << 8 | mask[4 * i + k];
		}
		if (m && (rd(c, off + 4 * (uint32_t)i, 4) & m) != (a & m))
			return 0;
	}
	return 1;
}

/* One side of a field test: an address, a MAC or a port range. */
struct side {
	int kind;      /* 0 address, 1 MAC, 2 port range */
	const struct ref_node *n;
	int words;
};

static int side_is(struct rctx *c, const struct side *s, uint32_t off)
{
	const struct ref_node *n = s->n;
	uint32_t v;
	switch (s->kind) {
	case 0:
		return addr_at(c, off, n->addr, n->mask, s->words);
	case 1:
		if (rd(c, off + 2, 4) != ((uint32_t)n->addr[2] << 24 | (uint32_t)n->addr[3] << 16 |
					  (uint32_t)n->addr[4] << 8 | n->addr[5]))
			return 0;
		return rd(c, off, 2) == ((uint32_t)n->addr[0] << 8 | n->addr[1]);
	}
	v = rd(c, off, 2);
	return v >= n->v && v <= n->v2;
}

static int by_dir(struct rctx *c, const struct side *s, uint32_t src, uint32_t dst)
{
	switch (s->n->dir) {
	case REF_DIR_SRC: return side_is(c, s, src);
	case REF_DIR_DST: return side_is(c, s, dst);
	case REF_DIR_BOTH: return side_is(c, s, src) && side_is(c, s, dst);
	}
	return side_is(c, s, src) || side_is(c, s, dst);
}

static int host4(struct rctx *c, const struct ref_node *n)
{
	static const struct { int q; uint32_t et, src, dst; } parts[] = {
		{ REF_IP, 0x0800, 12, 16 }, { REF_ARP, 0x0806, 14, 24 }, { REF_RARP, 0x8035, 14, 24 },
	};
	struct side s = { 0, n, 1 };
	for (int i = 0; i < 3; i++)
		if ((n->which & parts[i].q) && ethertype_is(c, parts[i].et))
			return by_dir(c, &s, nh(c) + parts[i].src, nh(c) + parts[i].dst);
	return 0;
}

static int host6(struct rctx *c, const struct ref_node *n)
{
	struct side s = { 0, n, 4 };
	return ethertype_is(c, 0x86dd) && by_dir(c, &s, nh(c) + 8, nh(c) + 24);
}

static int l4_ok(const struct ref_node *n, uint32_t proto)
{
	return n->proto ? proto == (uint32_t)n->proto : proto == 6 || proto == 17 || proto == 132;
}

static int port(struct rctx *c, const struct ref_node *n)
{
	struct side s = { 2, n, 0 };
	if (n->fam != 4 && ethertype_is(c, 0x86dd)) {
		if (!l4_ok(n, rd(c, nh(c) + 6, 1)))
			return 0;
		return by_dir(c, &s, nh(c) + 40, nh(c) + 42);
	}
	if (n->fam == 6 || !ethertype_is(c, 0x0800))
		return 0;
	if (!l4_ok(n, rd(c, nh(c) + 9, 1)) || (rd(c, nh(c) + 6, 2) & 0x1fff))
		return 0;
	uint32_t l4 = nh(c) + (rd(c, nh(c), 1) & 0x0f) * 4;
	return by_dir(c, &s, l4, l4 + 2);
}

static int vlan(struct rctx *c, const struct ref_node *n)
{
	uint32_t tpid = rd(c, (uint32_t)(ET_OFF + c->shift), 2);
	if (tpid != 0x8100 && tpid != 0x88a8 && tpid != 0x9100)
		return 0;
	return n->v == REF_ANY || (rd(c, (uint32_t)(ET_OFF + 2 + c->shift), 2) & 0x0fff) == n->v;
}

/* ---- comparisons ---- */

static int transport(int proto)
{
	return proto == RP_TCP || proto == RP_UDP || proto == RP_SCTP || proto == RP_ICMP ||
	       proto == RP_IGMP;
}

/* Whether the loads in arithmetic node i have their protocol (index first). */
static int loads_ok(struct rctx *c, const struct ref_tree *t, int i)
{
	static const uint32_t number[RP_COUNT] = { [RP_TCP] = 6, [RP_UDP] = 17, [RP_SCTP] = 132,
						   [RP_ICMP] = 1, [RP_IGMP] = 2 };
	const struct ref_node *n = &t->n[i];
	if (n->kind == RA_BIN)
		return loads_ok(c, t, n->a) && loads_ok(c, t, n->b);
	if (n->kind == RA_NEG)
		return loads_ok(c, t, n->a);
	if (n->kind != RA_LOAD)
		return 1;
	if (!loads_ok(c, t, n->a))
		return 0;
	switch (n->proto) {
	case RP_LINK: return 1;
	case RP_IP6: return ethertype_is(c, 0x86dd);
	case RP_ICMP6: return ethertype_is(c, 0x86dd) && rd(c, nh(c) + 6, 1) == 58;
	case RP_ARP: return ethertype_is(c, 0x0806);
	case RP_RARP: return ethertype_is(c, 0x8035);
	case RP_IP: return ethertype_is(c, 0x0800);
	}
	return ethertype_is(c, 0x0800) && rd(c, nh(c) + 9, 1) == number[n->proto] &&
	       !(rd(c, nh(c) + 6, 2) & 0x1fff);
}

static uint32_t arith(struct rctx *c, const struct ref_tree *t, int i);

static uint32_t load(struct rctx *c, const struct ref_tree *t, const struct ref_node *n)
{
	uint32_t idx = arith(c, t, n->a), base = nh(c);
	if (n->proto == RP_LINK)
		base = 0;
	else if (n->proto == RP_ICMP6)
		base = nh(c) + 40;
	else if (transport(n->proto))
		base = nh(c) + (rd(c, nh(c), 1) & 0x0f) * 4;
	return rd(c, base + idx, n->size); /* 32-bit sum, as the machine adds */
}

static uint32_t binop(struct rctx *c, int op, uint32_t l, uint32_t r)
{
	switch (op) {
	case RO_ADD: return l + r;
	case RO_SUB: return l - r;
	case RO_MUL: return l * r;
	case RO_AND: return l & r;
	case RO_OR: return l | r;
	case RO_XOR: return l ^ r;
	case RO_LSH: return r >= 32 ? 0 : l << r;
	case RO_RSH: return r >= 32 ? 0 : l >> r;
	}
	if (r == 0) {
		c->drop = 1;
		return 0;
	}
	return op == RO_DIV ? l / r : l % r;
}

static uint32_t arith(struct rctx *c, const struct ref_tree *t, int i)
{
	const struct ref_node *n = &t->n[i];
	switch (n->kind) {
	case RA_NUM: return n->v;
	case RA_LEN: return (uint32_t)c->wirelen;
	case RA_LOAD: return load(c, t, n);
	case RA_NEG: return 0u - arith(c, t, n->a);
	}
	uint32_t l = arith(c, t, n->a);
	uint32_t r = arith(c, t, n->b);
	return binop(c, n->op, l, r);
}

static int relation(struct rctx *c, const struct ref_tree *t, const struct ref_node *n)
{
	if (!loads_ok(c, t, n->a) || !loads_ok(c, t, n->b))
		return 0;
	uint32_t l = arith(c, t, n->a);
	uint32_t r = arith(c, t, n->b);
	switch (n->op) {
	case RR_EQ: return l == r;
	case RR_NE: return l != r;
	case RR_LT: return l < r;
	case RR_LE: return l <= r;
	case RR_GT: return l > r;
	}
	return l >= r;
}

static int prim(struct rctx *c, const struct ref_tree *t, const struct ref_node *n)
{
	uint32_t v;
	c->shift = n->shift;
	switch (n->kind) {
	case RN_ETHERTYPE: return ethertype_is(c, n->v);
	case RN_IPPROTO: return ipproto(c, n->fam, n->v);
	case RN_HOST4: return host4(c, n);
	case RN_HOST6: return host6(c, n);
	case RN_PORT: return port(c, n);
	case RN_EHOST: {
		struct side s = { 1, n, 0 };
		return by_dir(c, &s, 6, 0);
	}
	case RN_EBCAST: return rd(c, 2, 4) == 0xffffffffu && rd(c, 0, 2) == 0xffff;
	case RN_EMCAST: return rd(c, 0, 1) & 1;
	case RN_IPBCAST:
		if (!ethertype_is(c, 0x0800))
			return 0;
		v = rd(c, nh(c) + 16, 4);
		return v == 0 || v == 0xffffffffu;
	case RN_IPMCAST: return ethertype_is(c, 0x0800) && rd(c, nh(c) + 16, 1) >= 224;
	case RN_IP6MCAST: return ethertype_is(c, 0x86dd) && rd(c, nh(c) + 24, 1) == 0xff;
	case RN_LESS: return c->wirelen <= n->v;
	case RN_GREATER: return c->wirelen >= n->v;
	case RN_VLAN: return vlan(c, n);
	}
	return relation(c, t, n);
}

static int eval(struct rctx *c, const struct ref_tree *t, int i)
{
	const struct ref_node *n = &t->n[i];
	int r;
	switch (n->kind) {
	case RN_AND:
		r = eval(c, t, n->a);
		return !c->drop && r ? eval(c, t, n->b) : 0;
	case RN_OR:
		r = eval(c, t, n->a);
		return !c->drop && !r ? eval(c, t, n->b) : r;
	case RN_NOT:
		return !eval(c, t, n->a);
	}
	return prim(c, t, n);
}

/* VLAN shifts in text order: left operands are written first. */
static void shifts(struct ref_tree *t, int i, int *shift)
{
	struct ref_node *n = &t->n[i];
	if (n->kind == RN_AND || n->kind == RN_OR) {
		shifts(t, n->a, shift);
		shifts(t, n->b, shift);
		return;
	}
	if (n->kind == RN_NOT) {
		shifts(t, n->a, shift);
		return;
	}
	n->shift = *shift;
	if (n->kind == RN_VLAN)
		*shift += 4;
}

enum ref_result ref_eval(struct ref_tree *t, const uint8_t *pkt, size_t caplen, size_t wirelen,
			 int raw)
{
	struct rctx c = { pkt, caplen, wirelen < caplen ? caplen : wirelen, 0, 0, raw };
	int shift = 0;
	if (t->root < 0)
		return REF_TRUE;
	shifts(t, t->root, &shift);
	int r = eval(&c, t, t->root);
	return c.drop ? REF_DROP : r ? REF_TRUE : REF_FALSE;
}
