/* TCP sockets from the kernel's sock_diag netlink interface (what ss
 * reads), with the address and port filters compiled to inet_diag
 * bytecode so the kernel skips what does not match: a filtered listing
 * of 60,000 sockets then costs what the matches cost, not a read of the
 * whole /proc/net/tcp. Parser and bytecode builder are pure. */
#ifndef NETTOOL_SOCKDIAG_H
#define NETTOOL_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

#include "system/procnet.h"
#include "system/sockfilter.h"

/* The bytecode for f's sport, dport, src and dst (the filters the kernel
 * can run; the caller still applies sockfilter_match to what comes back)
 * for sockets of family (4 or 6) into buf. Returns its length (0: no
 * condition to run), or 0 if cap is too small. */
size_t sockdiag_bytecode(const struct sock_filter *f, int family, uint8_t *buf, size_t cap);

/* 1 if f has a condition the kernel can run (ports, prefixes): then a
 * sock_diag scan beats reading /proc/net/tcp whole. */
int sockdiag_useful(const struct sock_filter *f);

/* One SOCK_DIAG_BY_FAMILY answer (struct nlmsghdr first) into a TCP
 * record: 0, or -1 if it is not one or is malformed. Queues as
 * /proc/net/tcp shows them (a listener's Send-Q 0). */
int sockdiag_parse(const void *msg, size_t len, struct sock_rec *out);

/* The TCP sockets of family (4, 6 or 0 for both) in the states of mask
 * (1 << TS_*; 0 for all) that pass f's kernel-side part, each handed to
 * fn (which may stop the scan by returning nonzero). Returns 0, or -1
 * with errno (no sock_diag: EPROTONOSUPPORT, ...). */
int sockdiag_scan_tcp(int family, uint32_t states, const struct sock_filter *f,
		      procnet_fn fn, void *arg);

#endif
