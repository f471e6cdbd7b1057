/* lib/core/enc: escaping for a terminal. */
#include <string.h>

#include "core/enc.h"
#include "unit.h"

/* Escapes s (len bytes) in one call, or split at cut, in mode. */
static const char *esc(int mode, const char *s, size_t len, size_t cut)
{
	static char out[1024];
	struct term_escape t = { .mode = mode };
	size_t k;

	k = enc_escape(&t, s, cut, out, sizeof out);
	k += enc_escape(&t, s + cut, len - cut, out + k, sizeof out - k);
	k += enc_escape(&t, "", 0, out + k, sizeof out - k);
	out[k] = '\0';
	return out;
}

int main(void)
{
	static const char evil[] = "\x1b]0;owned\x07hi\n[10.9.9.9:1] forged\r";

	CHECK_STR(esc(ESC_NEWLINES, evil, strlen(evil), 0),
		  "\\x1b]0;owned\\x07hi\\x0a[10.9.9.9:1] forged\\x0d");
	CHECK_STR(esc(ESC_KEEP_NEWLINES, evil, strlen(evil), 5),
		  "\\x1b]0;owned\\x07hi\n[10.9.9.9:1] forged\\x0d");
	CHECK_STR(esc(ESC_NEWLINES, "tab\there", 8, 0), "tab\there");
	CHECK_STR(esc(ESC_NEWLINES, "del\x7f", 4, 0), "del\\x7f");
	/* UTF-8 text passes; a C1 control (U+009B, CSI) does not, even split */
	CHECK_STR(esc(ESC_NEWLINES, "caf\xc3\xa9 \xc2\xa9", 8, 0), "caf\xc3\xa9 \xc2\xa9");
	CHECK_STR(esc(ESC_NEWLINES, "a\xc2\x9b" "2J", 5, 2), "a\\xc2\\x9b2J");
	CHECK_STR(esc(ESC_NEWLINES, "a\xc2", 2, 2), "a\\xc2");
	CHECK_STR(esc(ESC_NEWLINES, "\xc2\xc2\x85", 3, 1), "\xc2\\xc2\\x85");
	return unit_report();
}
