/* The progress line of a long transfer (file get, send --progress): bytes
 * so far, rate and elapsed time, as text; the command decides where and
 * whether to show it. Times are milliseconds of one monotonic clock
 * (loop_now_ms). The protocols carry no length, so there is no percentage. */
#ifndef NETTOOL_PROGRESS_H
#define NETTOOL_PROGRESS_H

#include <stddef.h>

#define PROGRESS_EVERY_MS 250 /* at most four updates a second */
#define PROGRESS_TICK_MS 1000 /* and one a second through a stall */

struct progress {
	long long start_ms; /* when the transfer began */
	long long shown_ms; /* when a line was last due, -1: never */
	unsigned long long bytes;
};

void progress_start(struct progress *p, long long now_ms);
/* Counts n more bytes; returns 1 when a new line is due (the first call
 * after PROGRESS_EVERY_MS since the last line), else 0. */
int progress_add(struct progress *p, unsigned long long n, long long now_ms);
/* "12.5 MiB  3.1 MiB/s  0:04" into buf (always terminated); returns its
 * length. */
size_t progress_line(const struct progress *p, long long now_ms, char *buf,
		     size_t len);
/* "13107200 bytes (12.5 MiB) in 4.0 s, 3.1 MiB/s": the final line. */
size_t progress_summary(const struct progress *p, long long now_ms, char *buf,
			size_t len);
/* n bytes in binary units with one decimal ("512 B", "1.5 KiB", "3.0 GiB"). */
size_t progress_bytes(unsigned long long n, char *buf, size_t len);

#endif
