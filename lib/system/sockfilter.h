/* Which sockets a listing keeps: listening or not, states (ss's names and
 * groups), port ranges and address prefixes -- the filters ss users write.
 * Pure: parsing words and matching records. */
#ifndef NETTOOL_SOCKFILTER_H
#define NETTOOL_SOCKFILTER_H

#include <stdint.h>

#include "names/addr.h"
#include "system/procnet.h"

enum { SF_LISTEN_NOT, SF_LISTEN_ONLY, SF_LISTEN_ALL };

struct port_range { int on; uint16_t lo, hi; };

struct sock_filter {
	int listening;               /* SF_LISTEN_* */
	uint32_t states;             /* 1 << state; 0: any */
	struct port_range sport, dport, port; /* port: either end */
	int has_src, has_dst;
	struct ip_prefix src, dst;   /* prefix -1 means the whole address */
};

/* A comma list of states and groups into a mask: ss's words
 * (established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait,
 * closed, close-wait, last-ack, listening, closing; groups all,
 * connected, synchronized, bucket, big) and netstat's (ESTABLISHED,
 * TIME_WAIT, LISTEN, UNCONN ...), any case. Returns 0, or -1 with *bad
 * pointing at the first word not known (it runs to ',' or the end). */
int sockfilter_states(const char *list, uint32_t *mask, const char **bad);

/* LO-HI or N into r: 0, or -1 if not numbers in 0-65535 with LO <= HI.
 * A name is the caller's business (it knows the services database). */
int sockfilter_port_range(const char *s, struct port_range *r);

/* N, LO-HI, or a service name db knows (its TCP or UDP port): 0, or -1. */
struct svc_db;
int sockfilter_ports(const char *s, const struct svc_db *db, struct port_range *r);

/* 1 if the socket passes every filter set. */
int sockfilter_match(const struct sock_filter *f, const struct sock_rec *r);
/* A listener: TCP/unix LISTEN, unconnected UDP/raw. */
int sockfilter_is_listening(const struct sock_rec *r);

#endif
