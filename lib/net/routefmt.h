/* Routes as text: the people's table of nettool route and net-tools'
 * netstat -rn rows, built by hand for speed (a table of 100,000 routes
 * must not cost more than ip route). Pure. */
#ifndef NETTOOL_ROUTEFMT_H
#define NETTOOL_ROUTEFMT_H

#include <stddef.h>

#include "net/netlink.h"

/* "default" (or 0.0.0.0/0 with numeric), an address for a whole-length
 * prefix, else ADDR/LEN. buf needs 64 bytes. Returns the length. */
size_t routefmt_prefix(int family, const uint8_t *addr, int has, int len, int numeric, char *buf);
/* An address alone. buf needs 48 bytes. */
size_t routefmt_addr(int family, const uint8_t *addr, char *buf);

/* The header and one row of the table: [TABLE] DESTINATION GATEWAY DEV
 * SOURCE PROTO SCOPE METRIC FLAGS, "-" for what a route lacks, the type
 * before the destination when it is not unicast; numeric: numbers for
 * protocol, scope and table. buf needs 512 bytes; returns the length,
 * newline included. */
size_t routefmt_header(int with_table, char *buf);
size_t routefmt_row(const struct nl_route *r, const char *dev, int numeric, int with_table,
		    char *buf);
/* One line of net-tools' netstat -rn (IPv4): Destination Gateway Genmask
 * Flags MSS Window irtt Iface. 0 for routes netstat leaves out (broadcast,
 * multicast). buf needs 256 bytes. */
size_t routefmt_nettools_row(const struct nl_route *r, const char *dev, int numeric, char *buf);
extern const char routefmt_nettools_header[];

#endif
