/* Request/reply exchanges for send --repeat (the notes' 4.8, long and
 * short connections): N times write a message to a line-echoing peer and
 * wait for the line to come back, each exchange over its own connection
 * (short) or all of them over one (long, "keep").
 *
 * A connection ends the way the notes' short connection does: this side
 * closes first (shutdown, then close once the peer's FIN is in), so the
 * TIME_WAIT sockets are on this side, where they can be counted. */
#ifndef NETTOOL_EXCHANGE_H
#define NETTOOL_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct loop;

struct xchg_opts {
	const struct sockaddr *peer;
	socklen_t peerlen;
	const char *msg;            /* written once per exchange */
	size_t len;
	unsigned long count;        /* exchanges wanted */
	int keep;                   /* one connection for all of them */
	int timeout_ms;             /* each connect, reply and teardown */
};

/* Why a series ended. */
enum xchg_end {
	XCHG_DONE,                  /* every exchange answered */
	XCHG_CONNECT,               /* a connect failed (err) */
	XCHG_SEND,                  /* writing failed (err) */
	XCHG_RECV,                  /* reading failed (err) */
	XCHG_CLOSED,                /* the peer closed before replying */
	XCHG_TIMEOUT,               /* no connection or reply in time */
	XCHG_INTERRUPTED,           /* loop_stop from outside */
};

struct xchg_result {
	unsigned long done;         /* exchanges answered */
	unsigned long connections;  /* connections established */
	double total_ms;            /* first connect to last close */
	float *connect_ms;          /* one per connection */
	float *exchange_ms;         /* one per exchange: write to reply */
	unsigned short *local_ports;/* one per connection: this side's port,
				       to tell this run's TIME_WAIT sockets */
	enum xchg_end end;
	int err;                    /* errno for CONNECT, SEND, RECV */
	int connecting;             /* TIMEOUT: while connecting (else replying) */
};

/* The first address of host:port (family 4, 6 or 0) for TCP. Returns 0,
 * or -1 with *err an EAI_* code (negative) or errno (positive), as
 * sock_strerror() words them. */
int xchg_resolve(const char *host, const char *port, int family,
		 struct sockaddr_storage *out, socklen_t *outlen, int *err);

/* Runs the series on l; returns 0 when it ran (see r->end), -1 with
 * errno when it could not start. Free r with xchg_result_free. */
int xchg_run(struct loop *l, const struct xchg_opts *o, struct xchg_result *r);
void xchg_result_free(struct xchg_result *r);

/* min, median, 95th percentile (nearest rank) and max of n samples
 * (sorts v); all 0 when n is 0. */
struct xchg_stats {
	double min, median, p95, max;
};
void xchg_stats(float *v, size_t n, struct xchg_stats *s);

/* Words for how a series ended ("the peer closed the connection"). */
const char *xchg_end_text(enum xchg_end e);

#endif
