/* Packets as text for people (tcpdump's one-line summary, the layers,
 * hex and ASCII dumps) and as JSON records through core/out. Pure: it
 * fills a growing buffer the command writes; it never prints. */
#ifndef NETTOOL_SHOW_H
#define NETTOOL_SHOW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "capture/packet.h"

#include "core/out.h"

/* What the kernel or the file says about one packet. */
struct cap_meta {
	int64_t sec;
	long nsec;
	size_t caplen, wirelen;
	const char *ifname;   /* NULL when unknown (a file) */
	int pkttype;          /* CAP_* of capsock.h */
};

struct show_opts {
	int verbose;     /* -v: the layers and the payload's first bytes */
	int hex;         /* -x/-X: hex and ASCII dump of the payload */
	int ascii;       /* -A: the payload as text */
	int link_header; /* -e: MAC addresses and ethertype on the line */
	int tty;         /* output is a terminal: escape control bytes */
};

/* A growing text buffer; len bytes of text at buf. */
struct show_buf {
	char *buf;
	size_t len, cap;
	time_t tm_sec;      /* the second tm_text was made for */
	char tm_text[16];
};

void show_buf_free(struct show_buf *b);

/* Appends the text of one packet, ending in a newline; step (may be
 * NULL) is the --follow name. */
void show_packet(struct show_buf *b, const struct show_opts *o, const struct cap_meta *m,
		 const struct pkt *p, const char *step);

/* "In", "Out", "B", "M", "P": tcpdump's direction words. */
const char *show_direction(int pkttype);

/* The JSON columns and one record of them (fields as in the man page). */
extern const struct out_col show_json_cols[];
extern const size_t show_json_ncols;
int show_json(struct out *o, const struct cap_meta *m, const struct pkt *p, const char *step);

#endif
