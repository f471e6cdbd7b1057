/* ping's command files: options and running in ping.c, rendering of the
 * engine's events and statistics in ping_print.c. */
#ifndef NETTOOL_CMD_PING_H
#define NETTOOL_CMD_PING_H

#include "net/ping.h"

struct out;

struct cli {
	struct ping_opts o;
	int family, quiet, timestamps, json;
	const char *host;
	struct ping_session *s;
	struct out *jreply, *jerror;
};

/* The PING line (or the JSON writers). */
void ping_print_header(struct cli *c);
/* A ping_event_fn: one line per reply or error, as iputils. */
void ping_print_event(void *arg, const struct ping_event *ev);
/* The statistics block (or the JSON summary). */
void ping_print_summary(struct cli *c);

#endif
