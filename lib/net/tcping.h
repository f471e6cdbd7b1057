/* TCP probes (tcping): one non-blocking connect per probe, timed to the
 * handshake, then closed. A refused connect is an answer (the host is up,
 * the port closed); no answer within the timeout is a loss. Paced on
 * lib/loop; statistics in the target's struct ping_stats. Needs no
 * privilege. */
#ifndef NETTOOL_TCPING_H
#define NETTOOL_TCPING_H

#include "net/ping.h"

struct tcping;

/* o: count, interval_us, timeout_us, deadline_us are used. t's address
 * carries the port. Events: PING_SENT, PING_REPLY (refused set when the
 * port is closed), PING_SEND_ERROR (err: the connect's error). */
struct tcping *tcping_new(const struct ping_opts *o, struct ping_target *t,
			  ping_event_fn fn, void *arg);
int tcping_start(struct tcping *tp, struct loop *l);
void tcping_stop(struct tcping *tp);
long long tcping_elapsed_us(const struct tcping *tp);
void tcping_free(struct tcping *tp);

#endif
