/* Text encodings (iconv) and hex dumps, as streaming filters. */
#ifndef NETTOOL_ENC_H
#define NETTOOL_ENC_H

#include <stddef.h>
#include <sys/types.h>

struct enc;

/* A converter from one encoding to another ("UTF-8", "GBK"); NULL with
 * errno EINVAL when iconv does not know one of them. */
struct enc *enc_open(const char *to, const char *from);
/* Converts n bytes; a sequence cut at the end of in is held for the next
 * call; n == 0 flushes. Bytes that are not valid in the source encoding
 * become '?'. Returns bytes written to out (outcap >= 4 * n + 64). */
ssize_t enc_convert(struct enc *e, const char *in, size_t n, char *out,
		    size_t outcap);
void enc_close(struct enc *e);

/* Output bytes per input byte enc_convert may need, at most. */
#define ENC_RATIO 4

/* Hex dump state: the offset shown on the next line. */
struct hexdump {
	unsigned long long offset;
};
/* Formats n bytes as lines "00000010  68 69 ...  |hi..|" (16 a line).
 * Returns bytes written (outcap >= HEX_RATIO * n + 80). */
size_t hex_dump(struct hexdump *h, const unsigned char *p, size_t n,
		char *out, size_t outcap);
#define HEX_RATIO 5

/* Escaping for a terminal: bytes a terminal would act on (C0 controls
 * but tab, and newline unless ESC_NEWLINES; DEL; UTF-8 C1 controls
 * U+0080-U+009F) become \xNN, so a peer can neither move the cursor,
 * retitle the window nor, with ESC_NEWLINES, start a line of its own.
 * held carries a UTF-8 lead byte cut at the end of one call to the next;
 * n == 0 flushes it. Returns bytes written (outcap >= ESC_RATIO * n + 8). */
enum { ESC_KEEP_NEWLINES = 1, ESC_NEWLINES = 2 };
struct term_escape {
	int mode;               /* 0: off, else an ESC_* value */
	unsigned char held;
};
size_t enc_escape(struct term_escape *t, const char *in, size_t n, char *out,
		  size_t outcap);
#define ESC_RATIO 4

/* s[0..len) with control, non-ASCII, quote and backslash bytes as \xNN,
 * cut with "..." to fit n bytes: safe to quote in a one-line message.
 * Returns buf ("" when n is 0). */
const char *enc_quote(const char *s, size_t len, char *buf, size_t n);

/* Filters for pumps: --encoding in each direction, --hex on output,
 * escaping when the output is a terminal. */
struct enc_filter {
	struct enc *enc;
	struct hexdump hex;
	int hexdump;
	struct term_escape esc; /* set .mode after init to escape output */
	char *tmp;   /* the encoding's output before the hex dump or escaping */
	size_t tmpcap;
};
ssize_t enc_filter(void *arg, const char *in, size_t n, char *out,
		     size_t outcap);
/* Sets f up; returns -1 with errno EINVAL for an unknown encoding. */
int enc_filter_init(struct enc_filter *f, const char *to,
		      const char *from, int hexdump);
void enc_filter_free(struct enc_filter *f);
/* The ratio a pump needs for f. */
size_t enc_filter_ratio(const struct enc_filter *f);


#endif
