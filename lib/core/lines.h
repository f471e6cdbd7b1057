/* Bulk line input for filters: reads a descriptor in large blocks and
 * hands each line to a callback without copying it. */
#ifndef NETTOOL_LINES_H
#define NETTOOL_LINES_H

#include <stddef.h>

/* One line without its '\n' (a last line without one is given too), and
 * its number from 1. A line longer than the buffer comes once as s NULL,
 * n 0; the rest of it is dropped. A nonzero return stops the reading. */
typedef int (*lines_fn)(void *ctx, const char *s, size_t n, long lineno);

/* Calls fn for every line of fd, with a buffer of bufsize bytes. Returns
 * 0 at the end of the input or when fn stopped it (*stopped set when
 * given), -1 with errno on a read error. */
int lines_each(int fd, size_t bufsize, lines_fn fn, void *ctx, int *stopped);

#endif
