/* AF_PACKET + TPACKET_V3 capture; see capsock.h. */
#define _GNU_SOURCE
#include "capture/capsock.h"
#include "capture/packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { BLOCK_SIZE = 1 << 20, MIN_BLOCK = 1 << 16, DEFAULT_RING = 32 << 20,
       FRAME_SIZE = 2048, RETIRE_MS = 20, VLAN_TAG_LEN = 4,
       RESERVE = SLL2_HDR_LEN + VLAN_TAG_LEN };

/* The checks the kernel runs ahead of the user's program: on loopback it
 * hands every packet to us twice, leaving and arriving, and like libpcap
 * we keep only the arrival; -Q keeps one direction. */
static size_t kernel_head(struct sock_filter *out, int lo_index, enum cap_dir dir)
{
	size_t n = 0;
	out[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						(uint32_t)SKF_AD_OFF + SKF_AD_PKTTYPE);
	if (dir == CAP_DIR_IN)
		out[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1);
	else if (dir == CAP_DIR_OUT)
		out[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 1, 0);
	if (dir != CAP_DIR_INOUT)
		out[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	if (lo_index > 0 && dir != CAP_DIR_IN) {
		out[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 3);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
							(uint32_t)SKF_AD_OFF + SKF_AD_IFINDEX);
		out[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)lo_index, 0, 1);
		out[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	}
	return n;
}

/* The user's program after the head; its accept length becomes the snap
 * length (the kernel copies that many bytes into the ring). */
static int attach_filter(struct capsock *c, const struct bpf_prog *prog, enum cap_dir dir)
{
	static const struct bpf_prog accept_all = { 1, { { BPF_RET | BPF_K, 0, 0, 262144 } } };
	static struct sock_filter code[BPF_MAX_INSNS + 16];
	const struct bpf_prog *p = prog ? prog : &accept_all;
	size_t n = kernel_head(code, (int)if_nametoindex("lo"), dir);
	if (n + p->len > BPF_MAX_INSNS) {
		errno = E2BIG;
		return -1;
	}
	for (size_t i = 0; i < p->len; i++) {
		struct sock_filter *f = &code[n + i];
		f->code = p->insn[i].code;
		f->jt = p->insn[i].jt;
		f->jf = p->insn[i].jf;
		f->k = p->insn[i].k;
		if (f->code == (BPF_RET | BPF_K) && f->k && c->snaplen)
			f->k = c->snaplen > (c->cooked ? SLL2_HDR_LEN : 0) + 1
				? c->snaplen - (c->cooked ? SLL2_HDR_LEN : 0) : 1;
	}
	struct sock_fprog fp = { (unsigned short)(n + p->len), code };
	return setsockopt(c->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp);
}

static int hw_type(const char *ifname)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	int r = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	return r < 0 ? -1 : ifr.ifr_hwaddr.sa_family;
}

int capsock_link_of(const char *ifname, int *kernel_cooked)
{
	*kernel_cooked = 0;
	if (ifname && strcmp(ifname, "any") != 0) {
		switch (hw_type(ifname)) {
		case -1: case ARPHRD_ETHER: case ARPHRD_LOOPBACK: return LINK_ETHERNET;
		case ARPHRD_NONE: return LINK_RAW;
		}
	}
	*kernel_cooked = 1;
	return LINK_LINUX_SLL2;
}

static void ring_geometry(size_t ring, size_t *block, unsigned *count)
{
	size_t b = BLOCK_SIZE;
	if (ring == 0)
		ring = DEFAULT_RING;
	while (b > MIN_BLOCK && ring / b < 4)
		b /= 2;
	*block = b;
	*count = (unsigned)(ring / b ? ring / b : 1);
}

static int setup_ring(struct capsock *c, size_t ring_bytes)
{
	int v = TPACKET_V3;
	unsigned reserve = RESERVE;
	if (setsockopt(c->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) < 0 ||
	    setsockopt(c->fd, SOL_PACKET, PACKET_RESERVE, &reserve, sizeof reserve) < 0)
		return -1;
	ring_geometry(ring_bytes, &c->block_size, &c->nblocks);
	struct tpacket_req3 req;
	memset(&req, 0, sizeof req);
	req.tp_block_size = (unsigned)c->block_size;
	req.tp_block_nr = c->nblocks;
	req.tp_frame_size = FRAME_SIZE;
	req.tp_frame_nr = (unsigned)(c->block_size / FRAME_SIZE) * c->nblocks;
	req.tp_retire_blk_tov = RETIRE_MS;
	if (setsockopt(c->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0)
		return -1;
	c->ring_len = c->block_size * c->nblocks;
	void *m = mmap(NULL, c->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED,
		       c->fd, 0);
	if (m == MAP_FAILED)
		m = mmap(NULL, c->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (m == MAP_FAILED)
		return -1;
	c->ring = m;
	return 0;
}

static int set_promisc(int fd, int ifindex)
{
	struct packet_mreq mr;
	memset(&mr, 0, sizeof mr);
	mr.mr_ifindex = ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	return setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr);
}

int capsock_open(struct capsock *c, const struct capsock_opts *o, const struct bpf_prog *prog)
{
	const char *ifname = o->ifname && strcmp(o->ifname, "any") ? o->ifname : NULL;
	int cooked;
	memset(c, 0, sizeof *c);
	c->link = capsock_link_of(ifname, &cooked);
	c->cooked = cooked;
	c->snaplen = o->snaplen;
	unsigned idx = 0;
	if (ifname && (idx = if_nametoindex(ifname)) == 0) {
		c->fd = -1;
		errno = ENODEV;
		return -1;
	}
	/* Protocol 0: nothing is queued until bind, so no packet slips in
	 * before the filter is attached. */
	c->fd = socket(AF_PACKET, (cooked ? SOCK_DGRAM : SOCK_RAW) | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	struct sockaddr_ll sll;
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)idx;
	if (attach_filter(c, prog, o->dir) < 0 || setup_ring(c, o->ring_bytes) < 0)
		goto fail;
	if (bind(c->fd, (struct sockaddr *)&sll, sizeof sll) < 0)
		goto fail;
	if (idx && !o->no_promisc && set_promisc(c->fd, (int)idx) < 0)
		goto fail;
	return 0;
fail:;
	int e = errno;
	capsock_close(c);
	errno = e;
	return -1;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* A tag the kernel took off (it always does on receive) goes back in, as
 * libpcap puts it, so files and filters see the frame as it was sent. */
static void restore_vlan(struct capsock *c, const struct tpacket3_hdr *h, struct cap_packet *p,
			 uint16_t *proto)
{
	uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) && h->hv1.tp_vlan_tpid
		? (uint16_t)h->hv1.tp_vlan_tpid : ETYPE_VLAN;
	uint8_t *d = (uint8_t *)p->data - VLAN_TAG_LEN;
	if (c->cooked) {
		put16(d, (uint16_t)h->hv1.tp_vlan_tci);
		put16(d + 2, *proto);
		*proto = tpid;
	} else {
		if (p->caplen < 12)
			return;
		memmove(d, p->data, 12);
		put16(d + 12, tpid);
		put16(d + 14, (uint16_t)h->hv1.tp_vlan_tci);
	}
	p->data = d;
	p->caplen += VLAN_TAG_LEN;
	p->wirelen += VLAN_TAG_LEN;
}

/* The LINUX_SLL2 header in the room PACKET_RESERVE left ahead of it. */
static void put_sll2(struct cap_packet *p, const struct sockaddr_ll *sll, uint16_t proto)
{
	uint8_t *h = (uint8_t *)p->data - SLL2_HDR_LEN;
	memset(h, 0, SLL2_HDR_LEN);
	put16(h, proto);
	uint32_t ifi = (uint32_t)sll->sll_ifindex;
	h[4] = (uint8_t)(ifi >> 24); h[5] = (uint8_t)(ifi >> 16);
	h[6] = (uint8_t)(ifi >> 8); h[7] = (uint8_t)ifi;
	put16(h + 8, sll->sll_hatype);
	h[10] = sll->sll_pkttype;
	h[11] = sll->sll_halen > 8 ? 8 : sll->sll_halen;
	memcpy(h + 12, sll->sll_addr, h[11]);
	p->data = h;
	p->caplen += SLL2_HDR_LEN;
	p->wirelen += SLL2_HDR_LEN;
}

static void fill_packet(struct capsock *c, struct tpacket3_hdr *h, struct cap_packet *p)
{
	const struct sockaddr_ll *sll = (const struct sockaddr_ll *)((uint8_t *)h +
		TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
	uint16_t proto = ntohs(sll->sll_protocol);
	*p = (struct cap_packet){
		.sec = h->tp_sec, .nsec = (long)h->tp_nsec,
		.data = (uint8_t *)h + h->tp_mac,
		.caplen = h->tp_snaplen, .wirelen = h->tp_len,
		.ifindex = sll->sll_ifindex, .pkttype = sll->sll_pkttype, .held = 1,
	};
	if (h->tp_status & TP_STATUS_VLAN_VALID)
		restore_vlan(c, h, p, &proto);
	if (c->cooked)
		put_sll2(p, sll, proto);
}

static int walk_block(struct capsock *c, struct tpacket_block_desc *b, capsock_fn fn,
		      void *ctx, int *stop)
{
	uint32_t n = b->hdr.bh1.num_pkts;
	uint8_t *pos = (uint8_t *)b + b->hdr.bh1.offset_to_first_pkt;
	int handed = 0;
	for (uint32_t i = 0; i < n && !*stop; i++) {
		struct tpacket3_hdr *h = (struct tpacket3_hdr *)pos;
		struct cap_packet p;
		fill_packet(c, h, &p);
		handed++;
		if (fn(ctx, &p))
			*stop = 1;
		pos += h->tp_next_offset;
	}
	return handed;
}

static struct tpacket_block_desc *ready_block(struct capsock *c)
{
	struct tpacket_block_desc *b =
		(struct tpacket_block_desc *)(c->ring + (size_t)c->next_block * c->block_size);
	if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
		return NULL;
	return b;
}

int capsock_drain(struct capsock *c, capsock_fn fn, capsock_release_fn release, void *ctx)
{
	int total = 0, stop = 0;
	struct tpacket_block_desc *b;
	/* Every ready block, so a busy link is served in one wakeup. */
	for (unsigned k = 0; k < c->nblocks && !stop && (b = ready_block(c)); k++) {
		total += walk_block(c, b, fn, ctx, &stop);
		if (release && release(ctx))
			stop = 1;
		__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		c->next_block = (c->next_block + 1) % c->nblocks;
	}
	return stop ? -2 : total;
}

int capsock_error(struct capsock *c)
{
	int err = 0;
	socklen_t len = sizeof err;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err;
}

const char *capsock_ifname(struct capsock *c, int ifindex, char *tmp)
{
	char *n = ifindex > 0 && ifindex < 64 ? c->names[ifindex] : tmp;
	if (ifindex <= 0)
		return "-";
	if (n == tmp || !n[0])
		if (!if_indextoname((unsigned)ifindex, n))
			snprintf(n, IF_NAMESIZE, "if%d", ifindex);
	return n;
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

int capsock_list(void (*fn)(void *ctx, unsigned index, const char *name), void *ctx)
{
	struct if_nameindex *v = if_nameindex();
	if (!v)
		return -1;
	for (struct if_nameindex *i = v; i->if_index; i++)
		fn(ctx, i->if_index, i->if_name);
	if_freenameindex(v);
	return 0;
}

int capsock_drop_privileges(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	if (getegid() != getgid() && setgid(getgid()) < 0)
		return -1;
	if (geteuid() != getuid() && setuid(getuid()) < 0)
		return -1;
	memset(d, 0, sizeof d);
	return syscall(SYS_capset, &h, d) < 0 ? -1 : 0;
}
