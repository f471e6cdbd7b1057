/* lib/core/term: the line editor (pure) and raw mode on a pseudo-
 * terminal, put back by term_restore. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "core/term.h"
#include "unit.h"

/* Feeds s; returns the last event and appends the echo to echo_all. */
static enum term_event feed(struct term_line *e, const char *s, char *echo_all)
{
	enum term_event ev = TERM_NONE;
	char echo[TERM_ECHO_MAX];
	size_t n;

	for (; *s; s++) {
		ev = term_line_feed(e, (unsigned char)*s, echo, &n);
		strncat(echo_all, echo, n);
		if (ev != TERM_NONE)
			break;
	}
	return ev;
}

static void test_editor(void)
{
	struct term_line e;
	char echo[256] = "";

	term_line_init(&e, 8, 1);
	CHECK_INT(feed(&e, "hi", echo), TERM_NONE);
	CHECK_STR(echo, "hi");
	echo[0] = '\0';
	CHECK_INT(feed(&e, "\x7f" "ey\r", echo), TERM_LINE);
	CHECK(e.len == 3 && memcmp(e.line, "hey", 3) == 0);
	CHECK_STR(echo, "\b \bey\n");
	term_line_clear(&e);
	/* Backspace takes a whole UTF-8 character. */
	CHECK_INT(feed(&e, "a\xc3\xa9\x7f\n", echo), TERM_LINE);
	CHECK(e.len == 1 && e.line[0] == 'a');
	term_line_clear(&e);
	/* Longer than max: the rest is dropped, the line still ends. */
	CHECK_INT(feed(&e, "0123456789\n", echo), TERM_LINE);
	CHECK_INT(e.len, 8);
	term_line_clear(&e);
	CHECK_INT(feed(&e, "\x04", echo), TERM_EOF);   /* Ctrl-D, empty line */
	CHECK_INT(feed(&e, "x\x04", echo), TERM_NONE); /* not on a line */
	term_line_free(&e);
	/* Not a terminal: no echo, no editing keys, '\r' is a byte. */
	term_line_init(&e, 8, 0);
	echo[0] = '\0';
	CHECK_INT(feed(&e, "a\rb\n", echo), TERM_LINE);
	CHECK(e.len == 3 && memcmp(e.line, "a\rb", 3) == 0);
	CHECK_STR(echo, "");
	term_line_free(&e);
}

static void test_raw_mode(void)
{
	struct termios t;
	struct term tm;
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave, nul;

	CHECK(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	CHECK(slave >= 0);
	CHECK_INT(term_raw(&tm, slave), 0);
	tcgetattr(slave, &t);
	CHECK(!(t.c_lflag & ICANON) && !(t.c_lflag & ECHO));
	CHECK(t.c_lflag & ISIG); /* Ctrl-C still a signal */
	term_restore(&tm);
	tcgetattr(slave, &t);
	CHECK((t.c_lflag & ICANON) && (t.c_lflag & ECHO));
	term_restore(&tm); /* harmless twice */
	nul = open("/dev/null", O_RDONLY);
	CHECK_INT(term_raw(&tm, nul), -1); /* not a terminal */
	close(nul);
	close(slave);
	close(master);
}

int main(void)
{
	test_editor();
	test_raw_mode();
	return unit_report();
}
