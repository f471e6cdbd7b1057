/* netstat -s: sockets counted per protocol, family and state. */
#ifndef NETTOOL_SOCKSTAT_H
#define NETTOOL_SOCKSTAT_H

#include <stdio.h>

#include "core/out.h"
#include "system/procnet.h"
#include "system/sockfilter.h"

struct sock_counts {
	unsigned long n[SP_COUNT][2][TS_MAX + 1]; /* [proto][IPv6][state] */
};

void sockstat_add(struct sock_counts *c, const struct sock_rec *r);
/* Counts the sockets of protos (1 << SP_*) in family (4, 6, 0) under
 * proc that f keeps; TCP from sock_diag when proc is "/proc". Returns 0,
 * or -1 with errno when proc cannot be read. */
int sockstat_count(const char *proc, unsigned protos, int family,
		   const struct sock_filter *f, struct sock_counts *c);
/* Sockets of proto in family (4, 6, or 0 for both). */
unsigned long sockstat_total(const struct sock_counts *c, int proto, int family);

/* The counts as records: proto, state, count (a table, or JSON Lines);
 * after each protocol and family's states its "total", and for a protocol
 * seen in both families "tcp+tcp6" "total". The JSON columns also hold the
 * kernel counters' group, counter, value and text (netstat -s). */
struct out *sockstat_open(FILE *fp, int json);
void sockstat_emit(struct out *o, const struct sock_counts *c);

#endif
