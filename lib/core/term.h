/* The terminal: raw mode that is always put back, and a small line
 * editor (pure: bytes in, echo and finished lines out) so a program can
 * print above the line being typed and draw it again. */
#ifndef NETTOOL_TERM_H
#define NETTOOL_TERM_H

#include <stddef.h>
#include <termios.h>

/* A terminal whose modes we changed. */
struct term {
	int fd;
	int raw;          /* saved holds the modes to put back */
	struct termios saved;
};

/* Turns off canonical input and echo on fd (signals still work: Ctrl-C
 * stays SIGINT). The modes are restored by term_restore, and at exit if
 * nobody did. Returns 0, or -1 with errno (not a terminal). */
int term_raw(struct term *t, int fd);
/* Puts the saved modes back; harmless when not raw. */
void term_restore(struct term *t);

/* What feeding a byte gave. */
enum term_event {
	TERM_NONE,  /* nothing to act on */
	TERM_LINE,  /* a line is complete: line/len, without the newline */
	TERM_EOF,   /* end of input (Ctrl-D on an empty line) */
};

struct term_line {
	char *line;       /* what is typed, not yet finished */
	size_t len, max;  /* max: longest line kept (bytes) */
	int editing;      /* a terminal: echo, Backspace, Enter, Ctrl-D */
};

/* max bytes per line; editing as above. */
void term_line_init(struct term_line *e, size_t max, int editing);
void term_line_free(struct term_line *e);
/* Takes one input byte. Writes what the terminal should show into echo
 * (room for TERM_ECHO_MAX bytes) and its length into *echolen. On
 * TERM_LINE the finished line is in e->line[0..e->len); call
 * term_line_clear once it is used. */
enum term_event term_line_feed(struct term_line *e, unsigned char ch,
			       char *echo, size_t *echolen);
void term_line_clear(struct term_line *e);
#define TERM_ECHO_MAX 8

#endif
