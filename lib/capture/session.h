/* What happens to each captured packet: decoded, kept or not (--pid),
 * then written to pcap files (-w, rotated) or shown as text or JSON on
 * the caller's stream. Its session_packet is the capsock_fn of a feed. */
#ifndef NETTOOL_SESSION_H
#define NETTOOL_SESSION_H

#include <stdio.h>

#include "capture/capsock.h"
#include "capture/follow.h"
#include "capture/savefile.h"
#include "capture/show.h"

struct session {
	/* set by the caller */
	long count;                /* stop after this many; 0: never */
	int json, follow;
	struct show_opts show;
	struct savefile_opts save; /* save.path NULL: show instead */
	FILE *fp;                  /* where text and JSON go */
	/* --pid: 1 to keep a decoded packet; NULL keeps every one */
	int (*keep)(void *ctx, const struct pkt *p);
	void *keep_ctx;
	struct capsock *cs;        /* names the interfaces; NULL for a file */

	/* state */
	int link;
	long seen;
	int writing, write_err, files_done;
	struct savefile file;
	struct out *out;
	struct follow *steps;
	struct show_buf text;
};

/* Starts the output for packets of link type link: opens the first file
 * or the JSON stream. 0, or -1 with errno (s->file.name names the file). */
int session_start(struct session *s, int link);
/* capsock_fn: nonzero when the capture should end (count reached, a
 * write failed, the -G files are done). */
int session_packet(void *ctx, const struct cap_packet *cap);
/* capsock_release_fn: writes the records that point into the ring;
 * nonzero when that failed. */
int session_release(void *ctx);
/* After each batch: flushes the text or the pcap file, so readers see
 * every batch at once; nonzero when that failed. */
int session_flush(void *ctx);
/* Closes the files; 0, or -1 when a write failed (errno says why). */
int session_end(struct session *s);

#endif
