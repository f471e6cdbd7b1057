/* Packets into a callback from core/loop: a live ring (its socket
 * watched, its error read and kept) or a pcap file (a batch of records
 * per turn of the loop, so signals are seen between batches). */
#ifndef NETTOOL_FEED_H
#define NETTOOL_FEED_H

#include "capture/bpf.h"
#include "capture/capsock.h"
#include "capture/pcap.h"

struct loop;

struct feed {
	struct loop *loop;
	capsock_fn fn;             /* per packet; nonzero stops the loop */
	int (*after_batch)(void *ctx); /* may be NULL; nonzero stops */
	capsock_release_fn release; /* live: before the ring reuses what fn saw; may be NULL */
	void *ctx;
	struct capsock *cs;        /* live */
	struct pcap_reader *r;     /* or a file, */
	const struct bpf_prog *prog; /* filtered by prog */
	enum pcap_err file_err;    /* where the file's reading ended */
	int sock_err;              /* the socket's error that ended it, or 0 */
};

/* Arm the feed on f->loop; the caller runs the loop. 0 or -1 (errno). */
int feed_live(struct feed *f);
int feed_file(struct feed *f);
/* Stop watching (live). */
void feed_end(struct feed *f);

#endif
