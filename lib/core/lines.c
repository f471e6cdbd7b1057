#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/io.h"
#include "core/lines.h"

struct reader {
	lines_fn fn;
	void *ctx;
	long lineno;
	int skipping;   /* inside a line longer than the buffer */
};

/* The whole lines in buf[0..n); returns where the unfinished one starts,
 * or NULL when fn asked to stop. */
static char *whole_lines(struct reader *r, char *p, char *end)
{
	char *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		if (r->skipping)
			r->skipping = 0;
		else if (r->fn(r->ctx, p, (size_t)(nl - p), ++r->lineno))
			return NULL;
		p = nl + 1;
	}
	return p;
}

int lines_each(int fd, size_t bufsize, lines_fn fn, void *ctx, int *stopped)
{
	struct reader r = { fn, ctx, 0, 0 };
	char *buf = xmalloc(bufsize), *p;
	size_t have = 0;
	ssize_t got;
	int rc = 0, stop = 0;

	while ((got = io_read(fd, buf + have, bufsize - have)) > 0) {
		p = whole_lines(&r, buf, buf + have + (size_t)got);
		if (!p) {
			stop = 1;
			break;
		}
		have = (size_t)(buf + have + (size_t)got - p);
		memmove(buf, p, have);
		if (have == bufsize) {
			if (!r.skipping && fn(ctx, NULL, 0, ++r.lineno))
				stop = 1;
			r.skipping = 1;
			have = 0;
		}
		if (stop)
			break;
	}
	if (got < 0)
		rc = -1;
	else if (!stop && have && !r.skipping)
		stop = fn(ctx, buf, have, ++r.lineno) != 0;
	if (stopped)
		*stopped = stop;
	free(buf);
	return rc;
}
