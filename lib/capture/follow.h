/* Names the steps of TCP connections as their packets pass: the
 * three-way handshake and the four-way teardown. Pure; bounded memory. */
#ifndef NETTOOL_FOLLOW_H
#define NETTOOL_FOLLOW_H

#include "capture/packet.h"

enum { FOLLOW_SLOTS = 4096 };

struct follow_conn {
	int used, family;
	uint8_t a[16], b[16];   /* a: the side that sent the SYN (or first seen) */
	uint16_t aport, bport;
	int state;
	uint32_t fin_end[2];    /* sequence a FIN from side 0 (a) / 1 (b) ends at */
	int fin_sent[2], closer;
};

struct follow {
	struct follow_conn slot[FOLLOW_SLOTS];
};

void follow_init(struct follow *f);
/* The step this TCP packet is ("handshake 1/3 SYN", ...) or NULL. */
const char *follow_step(struct follow *f, const struct pkt *p);

#endif
