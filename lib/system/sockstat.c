#include <string.h>

#include "system/sockdiag.h"
#include "system/sockfmt.h"
#include "system/sockstat.h"

void sockstat_add(struct sock_counts *c, const struct sock_rec *r)
{
	c->n[r->proto % SP_COUNT][r->family == 6][r->state <= TS_MAX ? r->state : 0]++;
}

struct counting {
	const struct sock_filter *f;
	struct sock_counts *c;
};

static int count_one(const struct sock_rec *r, void *arg)
{
	struct counting *k = arg;

	if (sockfilter_match(k->f, r))
		sockstat_add(k->c, r);
	return 0;
}

/* TCP from sock_diag when reading the live system: binary records with
 * no text to format or parse, several times cheaper than /proc/net/tcp
 * with tens of thousands of sockets. Returns the protocols left for proc. */
static unsigned count_tcp_by_diag(const char *proc, unsigned protos, int family,
				  struct counting *k)
{
	if (strcmp(proc, "/proc") != 0 || !(protos & 1u << SP_TCP))
		return protos;
	if (sockdiag_scan_tcp(family, k->f->states, k->f, count_one, k) < 0) {
		memset(k->c, 0, sizeof *k->c); /* counted again from proc */
		return protos;
	}
	return protos & ~(1u << SP_TCP);
}

int sockstat_count(const char *proc, unsigned protos, int family,
		   const struct sock_filter *f, struct sock_counts *c)
{
	struct counting k = { f, c };

	memset(c, 0, sizeof *c);
	protos = count_tcp_by_diag(proc, protos, family, &k);
	return procnet_scan(proc, protos, family, count_one, &k, NULL);
}

unsigned long sockstat_total(const struct sock_counts *c, int proto, int family)
{
	unsigned long sum = 0;
	int f, s;

	for (f = 0; f < 2; f++) {
		if ((family == 4 && f) || (family == 6 && !f))
			continue;
		for (s = 0; s <= TS_MAX; s++)
			sum += c->n[proto][f][s];
	}
	return sum;
}

struct out *sockstat_open(FILE *fp, int json)
{
	static const struct out_col cols[] = {
		{ "proto", "PROTO", 0, 0 }, { "state", "STATE", 0, 0 },
		{ "count", "COUNT", OUT_RIGHT, 0 },
		{ "group", "", OUT_JSON_ONLY, 0 }, { "counter", "", OUT_JSON_ONLY, 0 },
		{ "value", "", OUT_JSON_ONLY, 0 }, { "text", "", OUT_JSON_ONLY, 0 },
	};
	return out_open(fp, json ? OUT_JSON : OUT_TABLE, cols, sizeof cols / sizeof cols[0]);
}

static void row(struct out *o, const char *proto, const char *state, unsigned long n)
{
	out_str(out_key(o, "proto"), proto);
	out_str(out_key(o, "state"), state);
	out_uint(out_key(o, "count"), n);
	out_end(o);
}

/* One protocol's states in one family, then its total. */
static void emit_family(struct out *o, const struct sock_counts *c, int p, int f)
{
	struct sock_rec r;
	int s;

	memset(&r, 0, sizeof r);
	r.proto = (uint8_t)p;
	r.family = f ? 6 : 4;
	for (s = 0; s <= TS_MAX; s++) {
		if (!c->n[p][f][s])
			continue;
		r.state = (uint8_t)s;
		row(o, sockfmt_proto(&r), procnet_state_name(&r), c->n[p][f][s]);
	}
	if (sockstat_total(c, p, f ? 6 : 4))
		row(o, sockfmt_proto(&r), "total", sockstat_total(c, p, f ? 6 : 4));
}

void sockstat_emit(struct out *o, const struct sock_counts *c)
{
	static const char *const both[SP_COUNT] = { "tcp+tcp6", "udp+udp6", "raw+raw6", "unix" };
	int p;

	for (p = 0; p < SP_COUNT; p++) {
		emit_family(o, c, p, 0);
		if (p == SP_UNIX)
			continue;
		emit_family(o, c, p, 1);
		if (sockstat_total(c, p, 4) && sockstat_total(c, p, 6))
			row(o, both[p], "total", sockstat_total(c, p, 0));
	}
}
