/* Ranges of addresses for multi-target probes: how many, and each in
 * turn. Pure. */
#ifndef NETTOOL_IPRANGE_H
#define NETTOOL_IPRANGE_H

#include "names/addr.h"

/* Addresses from first to last inclusive (same version, first <= last):
 * the count, saturated at limit + 1; 0 if the range is empty or mixed. */
unsigned long long iprange_count(const struct ip *first, const struct ip *last,
				 unsigned long long limit);
/* The hosts of a prefix as fping -g takes them: IPv4 below /31 without
 * its network and broadcast addresses. Fills first and last. */
void iprange_hosts(const struct ip_prefix *p, struct ip *first, struct ip *last);
/* Steps ip to the next address (wrapping at the top). */
void iprange_next(struct ip *ip);

#endif
