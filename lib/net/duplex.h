/* send's engine: one TCP conversation on the loop. Input (stdin) is
 * pumped to the socket and the socket to output (stdout) at the same
 * time; at the end of input the socket is half-closed and the rest of
 * the peer's answer still read. Ends at the peer's close, an idle
 * timeout, an error or SIGINT/SIGTERM; the descriptors' flags are back
 * as they were when it returns. Never prints. */
#ifndef NETTOOL_DUPLEX_H
#define NETTOOL_DUPLEX_H

#include "core/loop.h"

enum duplex_end {
	DUPLEX_DONE,       /* the peer closed (after all input, if any) */
	DUPLEX_CUT_SHORT,  /* the peer closed before the end of input */
	DUPLEX_IDLE,       /* nothing moved for idle_ms */
	DUPLEX_OUT_GONE,   /* output's reader left (EPIPE): a quiet end */
	DUPLEX_QUIT,       /* end of input with quit_at_eof */
	DUPLEX_SIGNAL,     /* SIGINT or SIGTERM: signo */
	DUPLEX_READ_IN,    /* reading input failed: err */
	DUPLEX_WRITE_OUT,  /* writing output failed: err */
	DUPLEX_SEND,       /* sending to the peer failed: err */
	DUPLEX_SHUTDOWN,   /* half-closing failed: err */
	DUPLEX_RECEIVE,    /* receiving from the peer failed: err */
};

struct duplex_opts {
	int in_fd;              /* -1: nothing to send (already sent) */
	int out_fd;
	int idle_ms;            /* 0: no idle timeout */
	int quit_at_eof;        /* stop at the end of input */
	int cut_short_ok;       /* a close before the end of input is fine
				   (input from a terminal) */
	pump_filter_fn up, down;       /* input->peer, peer->output */
	void *up_arg, *down_arg;
	size_t up_ratio, down_ratio;
	/* Called with the bytes sent so far each time some went, and every
	 * PROGRESS_TICK_MS while none go (a progress display); may be NULL. */
	void (*on_sent)(unsigned long long sent, void *arg);
	void *sent_arg;
};

struct duplex_result {
	enum duplex_end end;
	int err, signo;
	unsigned long long sent, received;
};

/* Runs the conversation over connected socket sock (not closed). Returns
 * 0, or -1 with errno when it could not start. */
int duplex_run(int sock, const struct duplex_opts *o, struct duplex_result *r);

#endif
