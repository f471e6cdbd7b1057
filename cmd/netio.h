/* What send and listen share: options common to both and their filters. */
#ifndef NETTOOL_NETIO_H
#define NETTOOL_NETIO_H

#include <stddef.h>
#include <sys/types.h>

#include "enc.h"
#include "loop.h"
#include "sock.h"

/* Filters for pumps: --encoding in each direction, --hex on output. */
struct netio_filter {
	struct enc *enc;
	struct hexdump hex;
	int hexdump;
	char *tmp;   /* the encoding's output before the hex dump */
	size_t tmpcap;
};
ssize_t netio_filter(void *arg, const char *in, size_t n, char *out,
		     size_t outcap);
/* Sets f up; returns -1 with errno EINVAL for an unknown encoding. */
int netio_filter_init(struct netio_filter *f, const char *to,
		      const char *from, int hexdump);
void netio_filter_free(struct netio_filter *f);
/* The ratio a pump needs for f. */
size_t netio_filter_ratio(const struct netio_filter *f);

/* Parses -w style seconds into milliseconds or dies with exit 2. */
int netio_parse_secs(const char *cmd, const char *s);
/* Parses a port or dies with exit 2. */
const char *netio_check_port(const char *s);

#endif
