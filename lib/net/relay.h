/* listen's engine: a TCP server relaying between its clients and a pair
 * of descriptors (stdin, stdout) on the loop. Each client's bytes go to
 * out_fd (or back to the client with echo); in_fd's bytes go to every
 * client. Bounded buffers everywhere: a slow client or a slow out_fd
 * stops the reading that feeds it instead of growing memory. Clients
 * may be capped in number and dropped when idle. Never prints: what
 * happens is told to on_event. */
#ifndef NETTOOL_RELAY_H
#define NETTOOL_RELAY_H

#include <stddef.h>

#include "core/loop.h"

struct relay;

enum relay_event {
	RELAY_CONNECT,      /* a client came */
	RELAY_DISCONNECT,   /* a client left or was dropped (always last) */
	RELAY_CLIENT_ERROR, /* reading or writing a client failed: err */
	RELAY_IDLE,         /* a client was idle idle_ms: it is dropped */
	RELAY_PAUSED,       /* accepting paused (err: EMFILE...), once a pause */
	RELAY_OUT_ERROR,    /* writing out_fd failed (err); the loop stops */
	RELAY_REFUSED,      /* a client over max_clients: closed at once */
};

/* What an event is about. */
struct relay_peer {
	const char *peer;                  /* "addr:port"; NULL for a pause */
	unsigned long long bytes_in, bytes_out;
	size_t clients;                    /* connected now */
	int err;
};

typedef void (*relay_event_fn)(struct relay *r, enum relay_event ev,
			       const struct relay_peer *p, void *arg);

struct relay_opts {
	int in_fd, out_fd;          /* -1: none */
	int echo;                   /* a client's bytes go back to it */
	size_t max_clients;         /* 0: no cap; past it a client is closed */
	long long idle_ms;          /* 0: never drop an idle client */
	size_t client_buf;          /* held per client (0: 256 KiB) */
	size_t out_buf;             /* held for out_fd (0: 1 MiB) */
	pump_filter_fn to_out;      /* client bytes -> out_fd (NULL: as is) */
	void *to_out_arg;
	size_t to_out_ratio;
	pump_filter_fn to_clients;  /* in_fd -> clients (NULL: as is) */
	void *to_clients_arg;
	size_t to_clients_ratio;
	relay_event_fn on_event;
	void *arg;
};

struct relay_stats {
	unsigned long long served, bytes_in, bytes_out;
	size_t clients;
};

/* Starts serving on the listening socket lfd (not closed by the relay).
 * NULL with errno on failure. */
struct relay *relay_new(struct loop *l, int lfd, const struct relay_opts *o);
void relay_stats(const struct relay *r, struct relay_stats *st);
/* Writes what is held for out_fd (blocking), drops every client (each
 * with its RELAY_DISCONNECT), stops accepting, restores out_fd's flags,
 * fills *st (may be NULL) with the final figures and frees. */
void relay_free(struct relay *r, struct relay_stats *st);

#endif
