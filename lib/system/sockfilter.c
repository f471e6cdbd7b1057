#include <string.h>
#include <strings.h>

#include "names/services.h"
#include "system/sockfilter.h"

#define BIT(s) (1u << (s))
#define ALL_STATES (((1u << TS_MAX) - 1) & ~1u)

struct state_word { const char *name; uint32_t mask; };

static const struct state_word words[] = {
	{ "all", ALL_STATES },
	{ "connected", ALL_STATES & ~(BIT(TS_LISTEN) | BIT(TS_CLOSE)) },
	{ "synchronized", ALL_STATES & ~(BIT(TS_LISTEN) | BIT(TS_CLOSE) |
					 BIT(TS_SYN_SENT) | BIT(TS_SYN_RECV)) },
	{ "bucket", BIT(TS_SYN_RECV) | BIT(TS_TIME_WAIT) },
	{ "big", ALL_STATES & ~(BIT(TS_SYN_RECV) | BIT(TS_TIME_WAIT)) },
	{ "closed", BIT(TS_CLOSE) }, { "unconn", BIT(TS_CLOSE) },
	{ "listening", BIT(TS_LISTEN) },
	{ "syn-recv", BIT(TS_SYN_RECV) }, { "syn_recv", BIT(TS_SYN_RECV) },
};

/* One word of the list: a group, an alias, or a state procnet names. */
static int word_mask(const char *w, size_t n, uint32_t *mask)
{
	char buf[32];
	size_t i;
	int st;

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, w, n);
	buf[n] = '\0';
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(buf, words[i].name) == 0) {
			*mask |= words[i].mask;
			return 0;
		}
	st = procnet_state_from_name(buf);
	if (st <= 0 || st >= TS_MAX)
		return -1;
	*mask |= BIT(st);
	return 0;
}

int sockfilter_states(const char *list, uint32_t *mask, const char **bad)
{
	const char *p = list;

	*mask = 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		if (word_mask(p, n, mask) < 0) {
			*bad = p;
			return -1;
		}
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static int take_port(const char **pp, unsigned long *v)
{
	const char *p = *pp;
	unsigned long x = 0;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		x = x * 10 + (unsigned long)(*p++ - '0');
		if (x > 65535)
			return -1;
	}
	*pp = p;
	*v = x;
	return 0;
}

int sockfilter_port_range(const char *s, struct port_range *r)
{
	unsigned long lo, hi;

	if (take_port(&s, &lo) < 0)
		return -1;
	hi = lo;
	if (*s == '-') {
		s++;
		if (take_port(&s, &hi) < 0)
			return -1;
	}
	if (*s || lo > hi)
		return -1;
	r->on = 1;
	r->lo = (uint16_t)lo;
	r->hi = (uint16_t)hi;
	return 0;
}

int sockfilter_ports(const char *s, const struct svc_db *db, struct port_range *r)
{
	const struct svc_entry *hit[1];

	if (sockfilter_port_range(s, r) == 0)
		return 0;
	if (svc_by_name(db, s, SVC_TCP | SVC_UDP, hit, 1) != 1)
		return -1;
	r->on = 1;
	r->lo = r->hi = (uint16_t)hit[0]->port;
	return 0;
}

int sockfilter_is_listening(const struct sock_rec *r)
{
	if (r->proto == SP_TCP || r->proto == SP_UNIX)
		return r->state == TS_LISTEN;
	return r->state == TS_CLOSE;
}

static int in_range(const struct port_range *pr, unsigned port)
{
	return port >= pr->lo && port <= pr->hi;
}

static int in_prefix(const struct ip_prefix *p, int family, const uint8_t *a)
{
	int bits = p->prefix < 0 ? (p->ip.version == 4 ? 32 : 128) : p->prefix;
	int full = bits / 8, rest = bits % 8;

	if (family != p->ip.version)
		return 0;
	if (memcmp(p->ip.b, a, (size_t)full) != 0)
		return 0;
	return !rest || ((p->ip.b[full] ^ a[full]) & (0xff00 >> rest) & 0xff) == 0;
}

static int ports_match(const struct sock_filter *f, const struct sock_rec *r)
{
	if (f->sport.on && !in_range(&f->sport, r->lport))
		return 0;
	if (f->dport.on && !in_range(&f->dport, r->rport))
		return 0;
	if (f->port.on && !in_range(&f->port, r->lport) && !in_range(&f->port, r->rport))
		return 0;
	return 1;
}

int sockfilter_match(const struct sock_filter *f, const struct sock_rec *r)
{
	int inet = r->proto != SP_UNIX;

	if (f->listening == SF_LISTEN_ONLY && !sockfilter_is_listening(r))
		return 0;
	if (f->listening == SF_LISTEN_NOT && sockfilter_is_listening(r))
		return 0;
	if (f->states && !(f->states & BIT(r->state < TS_MAX ? r->state : 0)))
		return 0;
	if (f->sport.on || f->dport.on || f->port.on || f->has_src || f->has_dst) {
		if (!inet || !ports_match(f, r))
			return 0;
		if (f->has_src && !in_prefix(&f->src, r->family, r->local))
			return 0;
		if (f->has_dst && !in_prefix(&f->dst, r->family, r->remote))
			return 0;
	}
	return 1;
}
