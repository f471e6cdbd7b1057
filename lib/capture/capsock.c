/* AF_PACKET + TPACKET_V3 capture; see capsock.h. */
#define _GNU_SOURCE
#include "capture/capsock.h"
#include "capture/packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BLOCK_SIZE = 1 << 20, BLOCK_COUNT = 32, FRAME_SIZE = 2048, RETIRE_MS = 20 };

/* On loopback the kernel hands every packet to us twice, once leaving and
 * once arriving; like libpcap we keep only the arrival. The check runs in
 * the kernel ahead of the user's program, whose relative jumps stay valid. */
static int with_loopback_dedup(const struct bpf_prog *user, int lo_index,
			       struct sock_filter *out, size_t max)
{
	static const struct bpf_prog accept_all = { 1, { { BPF_RET | BPF_K, 0, 0, 262144 } } };
	const struct bpf_prog *p = user ? user : &accept_all;
	size_t n = 0;
	if (lo_index > 0) {
		struct sock_filter head[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)SKF_AD_OFF + SKF_AD_PKTTYPE),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 3),
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)SKF_AD_OFF + SKF_AD_IFINDEX),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)lo_index, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, 0),
		};
		memcpy(out, head, sizeof head);
		n = sizeof head / sizeof head[0];
	}
	if (n + p->len > max) {
		errno = E2BIG;
		return -1;
	}
	for (size_t i = 0; i < p->len; i++) {
		out[n + i].code = p->insn[i].code;
		out[n + i].jt = p->insn[i].jt;
		out[n + i].jf = p->insn[i].jf;
		out[n + i].k = p->insn[i].k;
	}
	return (int)(n + p->len);
}

static int attach_filter(int fd, const struct bpf_prog *prog)
{
	static struct sock_filter code[BPF_MAX_INSNS + 8];
	int lo = (int)if_nametoindex("lo");
	int n = with_loopback_dedup(prog, lo, code, sizeof code / sizeof code[0]);
	if (n < 0)
		return -1;
	struct sock_fprog fp = { (unsigned short)n, code };
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp);
}

int capsock_link_of(const char *ifname)
{
	struct ifreq ifr;
	if (!ifname)
		return LINK_ETHERNET;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return LINK_ETHERNET;
	memset(&ifr, 0, sizeof ifr);
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	int r = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (r < 0)
		return LINK_ETHERNET;
	switch (ifr.ifr_hwaddr.sa_family) {
	case ARPHRD_ETHER: case ARPHRD_LOOPBACK: return LINK_ETHERNET;
	case ARPHRD_NONE: case ARPHRD_PPP: return LINK_RAW;
	}
	return LINK_ETHERNET;
}

static int setup_ring(struct capsock *c)
{
	int v = TPACKET_V3;
	if (setsockopt(c->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) < 0)
		return -1;
	struct tpacket_req3 req;
	memset(&req, 0, sizeof req);
	req.tp_block_size = BLOCK_SIZE;
	req.tp_block_nr = BLOCK_COUNT;
	req.tp_frame_size = FRAME_SIZE;
	req.tp_frame_nr = BLOCK_SIZE / FRAME_SIZE * BLOCK_COUNT;
	req.tp_retire_blk_tov = RETIRE_MS;
	if (setsockopt(c->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0)
		return -1;
	c->block_size = BLOCK_SIZE;
	c->nblocks = BLOCK_COUNT;
	c->ring_len = (size_t)BLOCK_SIZE * BLOCK_COUNT;
	void *m = mmap(NULL, c->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED,
		       c->fd, 0);
	if (m == MAP_FAILED)
		m = mmap(NULL, c->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (m == MAP_FAILED)
		return -1;
	c->ring = m;
	return 0;
}

int capsock_open(struct capsock *c, const char *ifname, const struct bpf_prog *prog)
{
	memset(c, 0, sizeof *c);
	c->link = LINK_ETHERNET;
	/* Protocol 0: nothing is queued until bind, so no packet slips in
	 * before the filter is attached. */
	c->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	struct sockaddr_ll sll;
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	if (ifname) {
		unsigned idx = if_nametoindex(ifname);
		if (idx == 0) {
			errno = ENODEV;
			goto fail;
		}
		sll.sll_ifindex = (int)idx;
		c->link = capsock_link_of(ifname);
	}
	if (attach_filter(c->fd, prog) < 0 || setup_ring(c) < 0)
		goto fail;
	if (bind(c->fd, (struct sockaddr *)&sll, sizeof sll) < 0)
		goto fail;
	return 0;
fail:;
	int e = errno;
	capsock_close(c);
	errno = e;
	return -1;
}

static int walk_block(struct capsock *c, struct tpacket_block_desc *b, capsock_fn fn,
		      void *ctx, int *stop)
{
	uint32_t n = b->hdr.bh1.num_pkts;
	uint8_t *base = (uint8_t *)b;
	uint8_t *pos = base + b->hdr.bh1.offset_to_first_pkt;
	int handed = 0;
	for (uint32_t i = 0; i < n && !*stop; i++) {
		struct tpacket3_hdr *h = (struct tpacket3_hdr *)pos;
		struct sockaddr_ll *sll = (struct sockaddr_ll *)((uint8_t *)h +
			TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
		struct cap_packet p = {
			.sec = h->tp_sec, .nsec = (long)h->tp_nsec,
			.data = (uint8_t *)h + h->tp_mac,
			.caplen = h->tp_snaplen, .wirelen = h->tp_len,
			.ifindex = sll->sll_ifindex, .pkttype = sll->sll_pkttype,
		};
		handed++;
		if (fn(ctx, &p))
			*stop = 1;
		pos += h->tp_next_offset;
	}
	(void)c;
	return handed;
}

int capsock_dispatch(struct capsock *c, int timeout_ms, capsock_fn fn, void *ctx)
{
	struct tpacket_block_desc *b =
		(struct tpacket_block_desc *)(c->ring + (size_t)c->next_block * c->block_size);
	if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
		struct pollfd pfd = { c->fd, POLLIN | POLLERR, 0 };
		int r = poll(&pfd, 1, timeout_ms);
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
	}
	int total = 0, stop = 0;
	/* Drain every ready block, so a busy link is served in one wakeup. */
	for (unsigned k = 0; k < c->nblocks && !stop; k++) {
		b = (struct tpacket_block_desc *)(c->ring + (size_t)c->next_block * c->block_size);
		if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
			break;
		total += walk_block(c, b, fn, ctx, &stop);
		__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		c->next_block = (c->next_block + 1) % c->nblocks;
	}
	return stop ? -2 : total;
}

int capsock_update_stats(struct capsock *c)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof st;
	if (getsockopt(c->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0)
		return -1;
	c->received += st.tp_packets;
	c->drops += st.tp_drops;
	return 0;
}

void capsock_close(struct capsock *c)
{
	if (c->ring)
		munmap(c->ring, c->ring_len);
	c->ring = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
