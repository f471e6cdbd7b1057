/* Two snapshots of the socket table compared: which sockets are new, which
 * are gone, which changed state (netstat --watch). Pure. */
#ifndef NETTOOL_SOCKDIFF_H
#define NETTOOL_SOCKDIFF_H

#include "system/procnet.h"
#include "system/sockfilter.h"

enum sockdiff_kind { SOCKDIFF_GONE, SOCKDIFF_NEW, SOCKDIFF_STATE };

/* r is the socket as it is now (as it was, for GONE); old is the earlier
 * record for STATE, else NULL. */
typedef void (*sockdiff_fn)(enum sockdiff_kind kind, const struct sock_rec *r,
			    const struct sock_rec *old, void *arg);

/* Orders a list by identity (protocol, family, ports, addresses; unix by
 * inode), the order sockdiff_run needs. */
void sockdiff_sort(struct sock_list *l);
/* Walks two sorted lists and reports each difference in key order. */
void sockdiff_run(const struct sock_list *old, const struct sock_list *now,
		  sockdiff_fn fn, void *arg);

/* netstat --watch: a snapshot of the sockets proc/net holds that pass the
 * filter, then every interval_ms (on lib/core/loop's timer) the changes
 * since the last one, until SIGINT or SIGTERM (through the loop) or until
 * a callback asks to stop. */
struct sockwatch {
	const char *proc;
	unsigned protos;
	int family;
	const struct sock_filter *filter;
	long long interval_ms;
	int owners;                  /* keep a fresh owner map for the callbacks */
	/* Each socket of the first snapshot (kind SOCKDIFF_NEW, old NULL),
	 * then each change. m is NULL unless owners was asked for. */
	void (*report)(enum sockdiff_kind kind, const struct sock_rec *r,
		       const struct sock_rec *old, const struct owner_map *m,
		       int first, void *arg);
	int (*flush)(void *arg);     /* after each round: nonzero stops */
	void *arg;
};
/* Returns 0 when stopped, or -1 with errno: proc unreadable (the first
 * snapshot or a later one) or the loop could not start. */
int sockwatch_run(const struct sockwatch *w);

#endif
