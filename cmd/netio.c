/* Shared by send and listen: filters and argument checks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "netio.h"
#include "num.h"

int netio_filter_init(struct netio_filter *f, const char *to,
		      const char *from, int hexdump)
{
	memset(f, 0, sizeof *f);
	f->hexdump = hexdump;
	if (to && from) {
		f->enc = enc_open(to, from);
		if (!f->enc)
			return -1;
	}
	if (f->enc && hexdump) {
		f->tmpcap = 65536 * ENC_RATIO + 64;
		f->tmp = malloc(f->tmpcap);
		if (!f->tmp)
			return -1;
	}
	return 0;
}

void netio_filter_free(struct netio_filter *f)
{
	enc_close(f->enc);
	free(f->tmp);
	f->enc = NULL;
	f->tmp = NULL;
}

size_t netio_filter_ratio(const struct netio_filter *f)
{
	return (f->enc ? ENC_RATIO : 1) * (f->hexdump ? HEX_RATIO : 1);
}

ssize_t netio_filter(void *arg, const char *in, size_t n, char *out,
		     size_t outcap)
{
	struct netio_filter *f = arg;
	ssize_t k;

	if (f->enc && !f->hexdump)
		return enc_convert(f->enc, in, n, out, outcap);
	if (f->enc) {
		k = enc_convert(f->enc, in, n, f->tmp, f->tmpcap);
		if (k < 0)
			return -1;
		in = f->tmp;
		n = (size_t)k;
	}
	return (ssize_t)hex_dump(&f->hex, (const unsigned char *)in, n, out, outcap);
}

int netio_parse_secs(const char *cmd, const char *s)
{
	long long usec;
	enum num_err e = num_parse_seconds(s, 0.001, 86400, &usec);
	char q[64];

	if (e != NUM_OK)
		nt_usage_error("timeout '%s' %s (0.001-86400 seconds)",
			       nt_quote(s, q, sizeof q), num_strerror(e));
	(void)cmd;
	return (int)(usec / 1000);
}

const char *netio_check_port(const char *s)
{
	int port;
	enum num_err e = num_parse_port(s, 1, &port);
	char q[64];

	if (e != NUM_OK)
		nt_usage_error("port '%s' %s (1-65535)", nt_quote(s, q, sizeof q),
			       num_strerror(e));
	return s;
}
