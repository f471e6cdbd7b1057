/* TCP handshake and teardown naming; see follow.h. One slot per
 * connection in a direct-mapped table: a newer connection that hashes to
 * a busy slot takes it over, so memory never grows. */
#include "capture/follow.h"

#include <string.h>

enum { ST_NONE, ST_SYN, ST_SYNACK, ST_OPEN, ST_FIN1, ST_FIN1_ACKED, ST_FIN2 };

static size_t addr_len(int family) { return family == 6 ? 16 : 4; }

static unsigned hash_conn(const struct pkt *p)
{
	/* Symmetric in the two ends so both directions find the slot. */
	unsigned h1 = p->sport, h2 = p->dport;
	size_t n = addr_len(p->family);
	for (size_t i = 0; i < n; i++) {
		h1 = h1 * 31 + p->src[i];
		h2 = h2 * 31 + p->dst[i];
	}
	return (h1 ^ h2) * 2654435761u % FOLLOW_SLOTS;
}

/* 0 when p goes from a to b, 1 when from b to a, -1 when not this conn. */
static int side_of(const struct follow_conn *c, const struct pkt *p)
{
	size_t n = addr_len(p->family);
	if (!c->used || c->family != p->family)
		return -1;
	if (c->aport == p->sport && c->bport == p->dport &&
	    !memcmp(c->a, p->src, n) && !memcmp(c->b, p->dst, n))
		return 0;
	if (c->aport == p->dport && c->bport == p->sport &&
	    !memcmp(c->a, p->dst, n) && !memcmp(c->b, p->src, n))
		return 1;
	return -1;
}

static void start(struct follow_conn *c, const struct pkt *p)
{
	memset(c, 0, sizeof *c);
	c->used = 1;
	c->family = p->family;
	memcpy(c->a, p->src, 16);
	memcpy(c->b, p->dst, 16);
	c->aport = p->sport;
	c->bport = p->dport;
}

void follow_init(struct follow *f)
{
	memset(f, 0, sizeof *f);
}

static const char *on_fin(struct follow_conn *c, const struct pkt *p, int side)
{
	uint8_t fl = p->tcp_flags;
	c->fin_sent[side] = 1;
	c->fin_end[side] = p->seq + (uint32_t)p->payload_len + 1;
	if (c->state < ST_FIN1) {
		c->state = ST_FIN1;
		c->closer = side;
		return "teardown 1/4 FIN";
	}
	if (side == c->closer)
		return NULL; /* a retransmitted FIN */
	int acks_first = (fl & TCP_ACK) && p->ack == c->fin_end[c->closer];
	int was = c->state;
	c->state = ST_FIN2;
	return was == ST_FIN1 && acks_first ? "teardown 2+3/4 FIN-ACK" : "teardown 3/4 FIN";
}

const char *follow_step(struct follow *f, const struct pkt *p)
{
	if (p->l4 != 6 || (p->family != 4 && p->family != 6))
		return NULL;
	struct follow_conn *c = &f->slot[hash_conn(p)];
	uint8_t fl = p->tcp_flags;
	int side = side_of(c, p);

	if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
		start(c, p);
		c->state = ST_SYN;
		return "handshake 1/3 SYN";
	}
	if (side < 0)
		return NULL;
	if (fl & TCP_RST) {
		c->used = 0;
		return "reset RST";
	}
	if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
		if (side != 1 || c->state != ST_SYN)
			return NULL;
		c->state = ST_SYNACK;
		c->fin_end[1] = p->seq + 1; /* what the final ACK acknowledges */
		return "handshake 2/3 SYN-ACK";
	}
	if (fl & TCP_FIN)
		return on_fin(c, p, side);
	if (!(fl & TCP_ACK))
		return NULL;
	if (c->state == ST_SYNACK && side == 0 && p->ack == c->fin_end[1]) {
		c->state = ST_OPEN;
		return "handshake 3/3 ACK";
	}
	if (c->state == ST_FIN1 && side != c->closer && p->ack == c->fin_end[c->closer]) {
		c->state = ST_FIN1_ACKED;
		return "teardown 2/4 ACK";
	}
	if (c->state == ST_FIN2 && side == c->closer && p->ack == c->fin_end[!c->closer]) {
		c->used = 0;
		return "teardown 4/4 ACK";
	}
	return NULL;
}
