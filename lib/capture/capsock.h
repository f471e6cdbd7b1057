/* Live capture: an AF_PACKET socket with a TPACKET_V3 memory-mapped ring
 * and a kernel BPF filter. The owner watches capsock.fd on core/loop and
 * calls capsock_drain when it is readable. Linux only; never prints. */
#ifndef NETTOOL_CAPSOCK_H
#define NETTOOL_CAPSOCK_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/bpf.h"

enum { CAP_HOST = 0, CAP_BROADCAST = 1, CAP_MULTICAST = 2, CAP_OTHERHOST = 3,
       CAP_OUTGOING = 4 };

/* -Q: which directions are kept. */
enum cap_dir { CAP_DIR_INOUT = 0, CAP_DIR_IN, CAP_DIR_OUT };

struct cap_packet {
	int64_t sec;
	long nsec;
	const uint8_t *data;  /* starts with the capture's link header */
	size_t caplen, wirelen;
	int ifindex;
	int pkttype;          /* CAP_* */
	int held;             /* data stays put until the drain's release call */
};

struct capsock_opts {
	const char *ifname;   /* NULL or "any": every interface, cooked */
	int no_promisc;       /* -p */
	unsigned snaplen;     /* 0: the whole packet */
	size_t ring_bytes;    /* 0: 32 MiB */
	enum cap_dir dir;
};

struct capsock {
	int fd;
	uint8_t *ring;
	size_t ring_len, block_size;
	unsigned nblocks, next_block;
	int link;             /* LINK_* of what the packets start with */
	int cooked;           /* SOCK_DGRAM: we write the SLL2 header */
	unsigned snaplen;
	unsigned long long received, drops;
	char names[64][IF_NAMESIZE];
};

/* The LINK_* type a capture on ifname (NULL/"any": all) delivers, and
 * whether its kernel filter must be compiled for cooked packets, so the
 * filter can be compiled before the socket opens. */
int capsock_link_of(const char *ifname, int *kernel_cooked);

/* prog (may be NULL) runs in the kernel. Returns 0, or -1 with errno set
 * (EPERM: needs CAP_NET_RAW, ENODEV: no such interface). */
int capsock_open(struct capsock *c, const struct capsock_opts *o, const struct bpf_prog *prog);

/* Called per packet; a nonzero return stops the drain. */
typedef int (*capsock_fn)(void *ctx, const struct cap_packet *p);
/* Called before the packets handed over go back to the kernel (their
 * data is reused then); a nonzero return stops the drain. */
typedef int (*capsock_release_fn)(void *ctx);

/* Hands every packet of the blocks the kernel has filled to fn, calling
 * release (may be NULL) before each block goes back. Returns the number
 * handed over, or -2 when fn or release asked to stop. Never waits. */
int capsock_drain(struct capsock *c, capsock_fn fn, capsock_release_fn release, void *ctx);

/* The socket's pending error (SO_ERROR, which reading clears): ENETDOWN
 * once the interface went down; 0 when none. */
int capsock_error(struct capsock *c);

/* The name of interface ifindex (cached), "ifN" when it has none. */
const char *capsock_ifname(struct capsock *c, int ifindex, char *tmp);

/* Adds the kernel's counters since the last call to c->received, c->drops. */
int capsock_update_stats(struct capsock *c);
void capsock_close(struct capsock *c);

/* Gives up every privilege once the socket is open: a setuid bit (the
 * real ids come back), file capabilities and root's capabilities alike
 * (CapEff, CapPrm 0). 0, or -1 with errno. */
int capsock_drop_privileges(void);

/* Every interface, for -D: calls fn with index and name; 0 or -1. */
int capsock_list(void (*fn)(void *ctx, unsigned index, const char *name), void *ctx);

#endif
