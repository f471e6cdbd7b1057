#include <string.h>

#include "net/iprange.h"

static int len_of(const struct ip *ip)
{
	return ip->version == 4 ? 4 : 16;
}

unsigned long long iprange_count(const struct ip *first, const struct ip *last,
				 unsigned long long limit)
{
	uint8_t d[16];
	unsigned long long n = 0;
	int i, borrow = 0, len = len_of(first);

	if (first->version != last->version || memcmp(first->b, last->b, (size_t)len) > 0)
		return 0;
	for (i = len - 1; i >= 0; i--) { /* d = last - first */
		int v = last->b[i] - first->b[i] - borrow;
		borrow = v < 0;
		d[i] = (uint8_t)(v + (borrow ? 256 : 0));
	}
	for (i = 0; i < len; i++) {
		if (n > (limit >> 8))
			return limit + 1;
		n = n << 8 | d[i];
	}
	return n >= limit ? limit + 1 : n + 1;
}

void iprange_next(struct ip *ip)
{
	int i;

	for (i = len_of(ip) - 1; i >= 0; i--)
		if (++ip->b[i] != 0)
			break;
}

void iprange_hosts(const struct ip_prefix *p, struct ip *first, struct ip *last)
{
	struct addr_net net;

	addr_network(p, &net);
	*first = net.first;
	*last = net.last;
}
