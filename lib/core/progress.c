/* Progress text for long transfers; see progress.h. */
#include <stdio.h>

#include "core/progress.h"

void progress_start(struct progress *p, long long now_ms)
{
	p->start_ms = now_ms;
	p->shown_ms = -1;
	p->bytes = 0;
}

int progress_add(struct progress *p, unsigned long long n, long long now_ms)
{
	p->bytes += n;
	if (p->shown_ms >= 0 && now_ms - p->shown_ms < PROGRESS_EVERY_MS)
		return 0;
	if (p->shown_ms < 0 && now_ms - p->start_ms < PROGRESS_EVERY_MS)
		return 0;
	p->shown_ms = now_ms;
	return 1;
}

/* snprintf's result as the length written, whatever the truncation. */
static size_t put(size_t len, int n)
{
	if (n < 0 || len == 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

size_t progress_bytes(unsigned long long n, char *buf, size_t len)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024)
		return put(len, snprintf(buf, len, "%llu B", n));
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	return put(len, snprintf(buf, len, "%.1f %s", v, unit[u]));
}

/* Bytes per second over the elapsed time (all of it when under 1 ms). */
static unsigned long long rate(const struct progress *p, long long now_ms)
{
	long long ms = now_ms - p->start_ms;

	if (ms <= 0)
		return p->bytes;
	return (unsigned long long)((double)p->bytes * 1000.0 / (double)ms);
}

size_t progress_line(const struct progress *p, long long now_ms, char *buf,
		     size_t len)
{
	char b[32], r[32];
	long long s = (now_ms - p->start_ms) / 1000;

	if (s < 0)
		s = 0;
	progress_bytes(p->bytes, b, sizeof b);
	progress_bytes(rate(p, now_ms), r, sizeof r);
	if (s >= 3600)
		return put(len, snprintf(buf, len, "%s  %s/s  %lld:%02lld:%02lld",
					      b, r, s / 3600, s / 60 % 60, s % 60));
	return put(len, snprintf(buf, len, "%s  %s/s  %lld:%02lld", b, r,
				      s / 60, s % 60));
}

size_t progress_summary(const struct progress *p, long long now_ms, char *buf,
			size_t len)
{
	char b[32], r[32];
	long long ms = now_ms - p->start_ms;

	if (ms < 0)
		ms = 0;
	progress_bytes(p->bytes, b, sizeof b);
	progress_bytes(rate(p, now_ms), r, sizeof r);
	return put(len, snprintf(buf, len, "%llu bytes (%s) in %.1f s, %s/s",
				      p->bytes, b, (double)ms / 1000.0, r));
}
