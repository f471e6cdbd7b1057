/* Live capture: an AF_PACKET socket with a TPACKET_V3 memory-mapped ring
 * and a kernel BPF filter. Linux only; never prints. */
#ifndef NETTOOL_CAPSOCK_H
#define NETTOOL_CAPSOCK_H

#include <stddef.h>
#include <stdint.h>

#include "capture/bpf.h"

enum { CAP_HOST = 0, CAP_BROADCAST = 1, CAP_MULTICAST = 2, CAP_OTHERHOST = 3,
       CAP_OUTGOING = 4 };

struct cap_packet {
	int64_t sec;
	long nsec;
	const uint8_t *data;
	size_t caplen, wirelen;
	int ifindex;
	int pkttype;    /* CAP_* */
};

struct capsock {
	int fd;
	uint8_t *ring;
	size_t ring_len, block_size;
	unsigned nblocks, next_block;
	int link;       /* LINK_* of what the socket delivers */
	unsigned long long received, drops;
};

/* ifname NULL captures on every interface. prog (may be NULL) runs in the
 * kernel. Returns 0, or -1 with errno set (EPERM: needs CAP_NET_RAW,
 * ENODEV: no such interface). */
int capsock_open(struct capsock *c, const char *ifname, const struct bpf_prog *prog);

/* The LINK_* type a capture on ifname (NULL: all) delivers, so a filter
 * can be compiled for it before the socket opens. */
int capsock_link_of(const char *ifname);

/* Called per packet; a nonzero return stops the dispatch. */
typedef int (*capsock_fn)(void *ctx, const struct cap_packet *p);

/* Waits up to timeout_ms for packets and hands each to fn. Returns the
 * number handed over, -2 when fn asked to stop, -1 with errno on error
 * (EINTR when a signal came). */
int capsock_dispatch(struct capsock *c, int timeout_ms, capsock_fn fn, void *ctx);

/* Adds the kernel's counters since the last call to c->received, c->drops. */
int capsock_update_stats(struct capsock *c);
void capsock_close(struct capsock *c);

#endif
