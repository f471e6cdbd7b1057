/* Raw terminal modes and a line editor. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/term.h"

/* The terminal to put back at exit if its owner could not. */
static struct term *at_exit_term;

static void restore_at_exit(void)
{
	if (at_exit_term)
		term_restore(at_exit_term);
}

int term_raw(struct term *t, int fd)
{
	static int registered;
	struct termios r;

	t->fd = fd;
	t->raw = 0;
	if (tcgetattr(fd, &t->saved) < 0)
		return -1;
	r = t->saved;
	r.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	r.c_cc[VMIN] = 1;
	r.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &r) < 0)
		return -1;
	t->raw = 1;
	at_exit_term = t;
	if (!registered && atexit(restore_at_exit) == 0)
		registered = 1;
	return 0;
}

void term_restore(struct term *t)
{
	if (!t->raw)
		return;
	while (tcsetattr(t->fd, TCSANOW, &t->saved) < 0 && errno == EINTR)
		;
	t->raw = 0;
	if (at_exit_term == t)
		at_exit_term = NULL;
}

void term_line_init(struct term_line *e, size_t max, int editing)
{
	e->line = xmalloc(max + 1);
	e->len = 0;
	e->max = max;
	e->editing = editing;
}

void term_line_free(struct term_line *e)
{
	free(e->line);
	e->line = NULL;
	e->len = e->max = 0;
}

void term_line_clear(struct term_line *e)
{
	e->len = 0;
}

/* Backspace removes a whole UTF-8 character, not one byte of it. */
static int erase_char(struct term_line *e)
{
	while (e->len && ((unsigned char)e->line[e->len - 1] & 0xc0) == 0x80)
		e->len--;
	if (!e->len)
		return 0;
	e->len--;
	return 1;
}

enum term_event term_line_feed(struct term_line *e, unsigned char ch,
			       char *echo, size_t *echolen)
{
	*echolen = 0;
	if (ch == '\n' || (e->editing && ch == '\r')) {
		if (e->editing)
			echo[(*echolen)++] = '\n';
		return TERM_LINE;
	}
	if (e->editing && ch == 4 && e->len == 0)
		return TERM_EOF;
	if (e->editing && (ch == 0x7f || ch == 8)) {
		if (erase_char(e)) {
			memcpy(echo, "\b \b", 3);
			*echolen = 3;
		}
		return TERM_NONE;
	}
	if (e->len < e->max) {
		e->line[e->len++] = (char)ch;
		if (e->editing)
			echo[(*echolen)++] = (char)ch;
	}
	return TERM_NONE;
}
