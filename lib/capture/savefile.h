/* Where -w writes: one pcap file, or a series of them rotated by size
 * (-C, with -W files kept as a ring) or by time (-G, names made by
 * strftime), named as tcpdump names them. Never prints. */
#ifndef NETTOOL_SAVEFILE_H
#define NETTOOL_SAVEFILE_H

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "capture/pcap.h"

struct savefile_opts {
	const char *path;         /* "-": stdout, never rotated */
	int link, nano;
	unsigned snaplen;
	long long rotate_bytes;   /* -C: a new file once this size is passed; 0: no */
	long rotate_secs;         /* -G: a new file every this many seconds; 0: no */
	long max_files;           /* -W: with -C a ring of this many; with -G stop after */
};

struct savefile {
	struct savefile_opts o;
	struct pcap_writer pw;
	int fd, open;
	long long written;        /* bytes in the current file */
	int allocating;           /* a regular file we allocate ahead of the writes */
	int rewriting;            /* a -W file rewritten in place (savefile.c) */
	pthread_t reaper;         /* closes a replaced -W file (see savefile.c) */
	int reaping, reaped, reap_fd;
	long long allocated;      /* bytes of it allocated so far */
	long count;               /* -C files made in this -G period */
	long periods;             /* -G files made */
	time_t period_start;
	char name[PATH_MAX];      /* the current file */
};

/* Opens the first file (named for now). 0, or -1 with errno. */
int savefile_open(struct savefile *s, const struct savefile_opts *o, time_t now);

/* Writes one record, first moving to the next file when one is due.
 * held: data stays unchanged until savefile_flush, so it is written from
 * where it is rather than copied. Returns 0, 1 when -W files of -G are
 * done (the capture should end), or -1 with errno (s->name names the
 * file). */
int savefile_write(struct savefile *s, int64_t sec, long nsec, const uint8_t *data,
		   size_t caplen, size_t wirelen, time_t now, int held);

/* Writes the records waiting. 0, or -1 with errno. */
int savefile_flush(struct savefile *s);

/* Flushes and closes. 0 or -1 with errno. */
int savefile_close(struct savefile *s);

/* The name of file number n (n < 0: the first without a number) for a
 * -G period starting at t; exposed for tests. 0, or -1 when too long. */
int savefile_name(const struct savefile_opts *o, time_t t, long n, char *out, size_t outn);

#endif
