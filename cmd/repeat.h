/* send --repeat: N exchanges over short or long connections (the notes'
 * 4.8), and their summary. cmd/send.c parses the options and calls it. */
#ifndef NETTOOL_REPEAT_H
#define NETTOOL_REPEAT_H

#include <stddef.h>

struct sock_spec;

struct repeat_opts {
	long count;                 /* --repeat N; 0: not asked */
	int keep;                   /* --keep: all N over one connection */
};

/* With --repeat or --keep given: checks them against the rest (TCP only,
 * --keep needs --repeat), runs the series to spec's host and port with
 * msg (NULL: "ping", with a newline unless newline is 0) and prints its
 * summary; returns the exit status. timeout_ms <= 0: 10 s a step. */
int send_repeat(const struct repeat_opts *r, const struct sock_spec *spec,
		const char *msg, size_t len, int newline, int timeout_ms,
		int json);

#endif
