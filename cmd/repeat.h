/* send --repeat: N exchanges over short or long connections (the notes'
 * 4.8), and their summary. Called by cmd/send.c. */
#ifndef NETTOOL_REPEAT_H
#define NETTOOL_REPEAT_H

#include <stddef.h>

struct repeat_args {
	const char *host, *port;
	int family;                 /* 0, 4 or 6 */
	const char *msg;            /* MESSAGE with its newline */
	size_t len;
	unsigned long count;
	int keep, json;
	int timeout_ms;             /* -w: connect, reply and teardown */
};

/* Runs the series and prints its summary; returns the exit status. */
int send_repeat(const struct repeat_args *a);

#endif
