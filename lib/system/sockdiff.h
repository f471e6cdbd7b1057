/* Two snapshots of the socket table compared: which sockets are new, which
 * are gone, which changed state (netstat --watch). Pure. */
#ifndef NETTOOL_SOCKDIFF_H
#define NETTOOL_SOCKDIFF_H

#include "system/procnet.h"

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

#endif
