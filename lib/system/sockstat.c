#include <string.h>

#include "system/sockfmt.h"
#include "system/sockstat.h"

void sockstat_add(struct sock_counts *c, const struct sock_rec *r)
{
	c->n[r->proto % SP_COUNT][r->family == 6][r->state <= TS_MAX ? r->state : 0]++;
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
	};
	return out_open(fp, json ? OUT_JSON : OUT_TABLE, cols, 3);
}

void sockstat_emit(struct out *o, const struct sock_counts *c)
{
	struct sock_rec r;
	int p, f, s;

	memset(&r, 0, sizeof r);
	for (p = 0; p < SP_COUNT; p++)
		for (f = 0; f < 2; f++)
			for (s = 0; s <= TS_MAX; s++) {
				if (!c->n[p][f][s])
					continue;
				r.proto = (uint8_t)p;
				r.family = f ? 6 : 4;
				r.state = (uint8_t)s;
				out_key(o, "proto");
				out_str(o, sockfmt_proto(&r));
				out_key(o, "state");
				out_str(o, procnet_state_name(&r));
				out_key(o, "count");
				out_uint(o, c->n[p][f][s]);
				out_end(o);
			}
}
