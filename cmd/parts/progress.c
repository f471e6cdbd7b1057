/* The progress line of file get and send --progress on a terminal: one
 * line on stderr rewritten in place, then a final line. */
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "core/loop.h"

void nt_progress_begin(struct nt_progress *np, int on)
{
	np->on = on && isatty(STDERR_FILENO);
	progress_start(&np->p, loop_now_ms());
}

/* "\r" before and erase-to-end-of-line after the text, so a shorter line
 * leaves nothing of a longer one behind. */
void nt_progress(struct nt_progress *np, const char *verb,
		 unsigned long long total)
{
	char line[128];
	long long now = loop_now_ms();

	if (!progress_add(&np->p, total - np->p.bytes, now) || !np->on)
		return;
	progress_line(&np->p, now, line, sizeof line);
	fprintf(stderr, "\r%s %s\033[K", verb, line);
	fflush(stderr);
}

void nt_progress_end(struct nt_progress *np, const char *verb,
		     unsigned long long total)
{
	char line[128];

	np->p.bytes = total;
	if (!np->on)
		return;
	progress_summary(&np->p, loop_now_ms(), line, sizeof line);
	fprintf(stderr, "\r%s %s\033[K\n", verb, line);
	fflush(stderr);
}

void nt_progress_clear(struct nt_progress *np)
{
	if (np->on && np->p.shown_ms >= 0) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

void nt_progress_sent(unsigned long long sent, void *arg)
{
	nt_progress(arg, "sent", sent);
}
