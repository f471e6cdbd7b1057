/* ping's engine: echo probes to one or many targets over one ICMP socket
 * per family, paced on lib/loop; replies and errors matched to their probe
 * by sequence number; statistics per target. Never prints: every reply,
 * error and send is handed to the caller as a struct ping_event. */
#ifndef NETTOOL_PING_H
#define NETTOOL_PING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "net/pingsock.h"

struct loop;

/* ---- statistics (pure) ---- */

#define PING_MAX_SAMPLES (1u << 20)
enum { PING_HIST_ROWS = 8 };

struct ping_stats {
	long long sent, received, dups, corrupt, errors;
	long long rtt_min, rtt_max;      /* microseconds */
	double rtt_sum, rtt_sum2, jitter_sum;
	long long last_rtt;
	long long ewma8;                 /* 8 x iputils' moving average */
	long long pipe;                  /* most probes in flight at a reply */
	float *samples;                  /* every rtt, up to PING_MAX_SAMPLES */
	size_t nsamples, cap;
};

struct ping_summary {
	long long min, avg, max, mdev;   /* microseconds, rounded */
	long long ewma;                  /* microseconds */
	double median, p95, jitter;      /* microseconds */
	double loss;                     /* percent of sent not received */
};

/* Counts one answered probe's round trip (received must already count it). */
void ping_stats_rtt(struct ping_stats *s, long long rtt_us);
/* Sorts the samples and fills out (zeros without replies). */
void ping_stats_summary(struct ping_stats *s, struct ping_summary *out);
void ping_stats_free(struct ping_stats *s);
/* Nearest-rank percentile of n > 0 sorted samples; the median of an even
 * count is the mean of the middle two. */
double ping_percentile(const float *sorted, size_t n, int pct);
/* A log-spaced histogram of n sorted samples between the smallest (at
 * least 1 us) and the largest: count[i] samples below upper_us[i].
 * Returns PING_HIST_ROWS, or 0 when there is nothing to draw. */
int ping_histogram(const float *sorted, size_t n, size_t count[PING_HIST_ROWS],
		   double upper_us[PING_HIST_ROWS]);
/* The probe number (1, 2, ...) a 16-bit sequence number stands for, given
 * sent probes so far: the latest one it can be, or 0 if none. */
long long ping_unwrap(long long sent, uint16_t s16);

/* ---- the session ---- */

struct ping_opts {
	long long count;        /* probes per target; 0: until stopped (one
				 * target) or until it answers, at most tries */
	int tries;              /* without count, several targets: probes each */
	long long interval_us;  /* between probes to one target */
	long long gap_us;       /* between any two probes (1 / rate) */
	long long timeout_us;   /* wait for a reply when none came */
	long long deadline_us;  /* 0: none */
	int flood;              /* next probe when the reply came (10 ms at most) */
	int preload;            /* probes sent at once at the start */
	int many;               /* several targets: fping's rules */
	int report_missing;     /* -O: an event for a probe still unanswered */
	size_t datalen;
	uint8_t pattern[16];    /* fills the data; patlen 0: the default */
	size_t patlen;
	struct pingsock_opts sock;
};

enum ping_event_kind {
	PING_SENT,              /* a probe left */
	PING_REPLY,
	PING_ERROR,             /* an ICMP error about a probe */
	PING_SEND_ERROR,        /* the kernel refused the probe (err) */
	PING_MISSING,           /* -O: seq has no answer yet */
};

struct ping_target {
	char *name;             /* as given */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int family;             /* 4 or 6 */
	char text[64];          /* the address in digits */
	struct ping_stats st;
	long long next_us;      /* its next probe is due */
	long long last_n;       /* probe number of its latest probe */
	int complete;
};

struct ping_event {
	enum ping_event_kind kind;
	struct ping_target *t;
	long long seq;          /* the target's probe number */
	size_t bytes;           /* ICMP bytes of the reply */
	const char *from;       /* who answered or reported */
	int different;          /* from is not the target */
	int ttl;                /* -1 if unknown */
	long long rtt_us;
	int dup, bad_checksum;
	int icmp_type, icmp_code;
	int err;                /* PING_SEND_ERROR, local errors: errno */
	int mtu;                /* too big for the path: its MTU, or 0 */
	int local;              /* PING_SEND_ERROR: reported by our kernel */
	int refused;            /* TCP probe: the port is closed */
	const struct timespec *when;
};

typedef void (*ping_event_fn)(void *arg, const struct ping_event *ev);

struct ping_session;

struct ping_session *ping_new(const struct ping_opts *o, ping_event_fn fn, void *arg);
void ping_free(struct ping_session *s);
/* Adds a target (copying name and address); returns it. */
struct ping_target *ping_add(struct ping_session *s, const char *name,
			     const struct sockaddr *sa, socklen_t len);
size_t ping_ntargets(const struct ping_session *s);
struct ping_target *ping_target_at(struct ping_session *s, size_t i);
/* Opens the socket of one family (4 or 6), before targets are added so
 * that privileges can go before any name is resolved: 0, or -1 with errno
 * from the raw attempt and *dgram_errno from the datagram one. */
int ping_open(struct ping_session *s, int family, int *dgram_errno);
/* 1 if the socket of that family is open. */
int ping_has_family(const struct ping_session *s, int family);
/* 1 if the sockets are raw (IPv4 replies carry their IP header). */
int ping_raw(const struct ping_session *s);
/* Starts probing on l; the session stops l when it is done. */
int ping_start(struct ping_session *s, struct loop *l);
/* Stops now (Ctrl-C, deadline): no more probes, the loop stops. */
void ping_stop(struct ping_session *s);
/* For tests without a network: probes go to send (0, or -1 with errno)
 * instead of a socket, and ping_inject hands the session a packet as if
 * the socket of that family had received it. */
typedef int (*ping_send_fn)(void *arg, const struct ping_target *t,
			    const uint8_t *buf, size_t len);
void ping_set_sender(struct ping_session *s, ping_send_fn fn, void *arg);
void ping_inject(struct ping_session *s, int family, struct ping_packet *pkt);
/* Microseconds since ping_start (wall clock, as iputils' "time"). */
long long ping_elapsed_us(const struct ping_session *s);

#endif
