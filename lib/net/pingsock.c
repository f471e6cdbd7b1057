#define _GNU_SOURCE /* struct in6_pktinfo, IPV6_RECVHOPLIMIT, SO_TIMESTAMPNS */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h> /* ahead of linux/: musl's in6_addr, not the kernel's */
#include <time.h>       /* struct timespec, for linux/errqueue.h */
#include <linux/capability.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "net/pingsock.h"

/* Only echo replies and the errors that can be about our echoes. */
static void filter_raw(struct pingsock *ps)
{
	if (ps->family == 4) {
		struct icmp_filter f;
		f.data = ~((1u << ICMP_ECHOREPLY) | (1u << ICMP_DEST_UNREACH) |
			   (1u << ICMP_TIME_EXCEEDED) | (1u << ICMP_PARAMETERPROB));
		setsockopt(ps->fd, SOL_RAW, ICMP_FILTER, &f, sizeof f);
	} else {
		struct icmp6_filter f;
		memset(&f, 0xff, sizeof f); /* block all ... */
		f.data[ICMPV6_ECHO_REPLY >> 5] &= ~(1u << (ICMPV6_ECHO_REPLY & 31));
		f.data[ICMPV6_DEST_UNREACH >> 5] &= ~(1u << (ICMPV6_DEST_UNREACH & 31));
		f.data[ICMPV6_PKT_TOOBIG >> 5] &= ~(1u << (ICMPV6_PKT_TOOBIG & 31));
		f.data[ICMPV6_TIME_EXCEED >> 5] &= ~(1u << (ICMPV6_TIME_EXCEED & 31));
		f.data[ICMPV6_PARAMPROB >> 5] &= ~(1u << (ICMPV6_PARAMPROB & 31));
		setsockopt(ps->fd, SOL_ICMPV6, ICMPV6_FILTER, &f, sizeof f);
	}
}

/* A raw socket gets every echo reply of the host: let the kernel keep
 * only those with our identifier (errors pass: they quote our echo). */
static void filter_id(struct pingsock *ps)
{
	uint8_t reply = ps->family == 4 ? ICMP_ECHOREPLY : ICMPV6_ECHO_REPLY;
	struct sock_filter v4[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),         /* x = IP header length */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),          /* the echo identifier */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ps->id, 2, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),          /* the ICMP type */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, reply, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_filter v6[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ps->id, 2, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, reply, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog;

	prog.filter = ps->family == 4 ? v4 : v6;
	prog.len = ps->family == 4 ? sizeof v4 / sizeof v4[0] : sizeof v6 / sizeof v6[0];
	setsockopt(ps->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

static void common_options(struct pingsock *ps)
{
	int on = 1, size = 1 << 20;

	setsockopt(ps->fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
	setsockopt(ps->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	/* The error queue: ICMP errors for datagram sockets (raw ones see
	 * them as packets too), local errors such as "message too long"
	 * with the path MTU for both. */
	if (ps->family == 4) {
		/* a raw socket's replies carry their IP header, TTL and all:
		 * no control message per packet for it */
		if (!ps->raw)
			setsockopt(ps->fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
		setsockopt(ps->fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on);
	} else {
		setsockopt(ps->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
		setsockopt(ps->fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on);
	}
	fcntl(ps->fd, F_SETFL, fcntl(ps->fd, F_GETFL) | O_NONBLOCK);
}

void pingsock_opts_init(struct pingsock_opts *o)
{
	memset(o, 0, sizeof *o);
	o->ttl = -1;
	o->tos = -1;
	o->pmtu = -1;
}

static socklen_t sa_len(int family)
{
	return family == 4 ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

/* The kernel sets a datagram socket's echo id to its port on bind. */
static void bind_dgram(struct pingsock *ps, const struct sockaddr_storage *source)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	memset(&ss, 0, sizeof ss);
	if (source && source->ss_family)
		memcpy(&ss, source, sa_len(ps->family));
	ss.ss_family = (sa_family_t)(ps->family == 4 ? AF_INET : AF_INET6);
	if (bind(ps->fd, (struct sockaddr *)&ss, sa_len(ps->family)) == 0 &&
	    getsockname(ps->fd, (struct sockaddr *)&ss, &len) == 0)
		ps->id = ntohs(ps->family == 4 ? ((struct sockaddr_in *)&ss)->sin_port :
			       ((struct sockaddr_in6 *)&ss)->sin6_port);
}

int pingsock_open(struct pingsock *ps, int family,
		  const struct sockaddr_storage *source, int *dgram_errno)
{
	int domain = family == 4 ? AF_INET : AF_INET6;
	int proto = family == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;

	memset(ps, 0, sizeof *ps);
	ps->family = family;
	ps->fd = socket(domain, SOCK_DGRAM | SOCK_CLOEXEC, proto);
	*dgram_errno = ps->fd < 0 ? errno : 0;
	if (ps->fd >= 0) {
		bind_dgram(ps, source);
		common_options(ps);
		return 0;
	}
	ps->fd = socket(domain, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (ps->fd < 0)
		return -1;
	ps->raw = 1;
	ps->id = (uint16_t)(getpid() ^ (time(NULL) << 4));
	if (source && source->ss_family &&
	    bind(ps->fd, (const struct sockaddr *)source, sa_len(family)) < 0) {
		int e = errno;
		close(ps->fd);
		ps->fd = -1;
		errno = e;
		return -1;
	}
	filter_raw(ps);
	filter_id(ps);
	common_options(ps);
	return 0;
}

static int set_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof v);
}

int pingsock_configure(struct pingsock *ps, const struct pingsock_opts *o,
		       const char **what)
{
	static const int v4[] = { IP_PMTUDISC_DONT, IP_PMTUDISC_WANT, IP_PMTUDISC_DO };
	static const int v6[] = { IPV6_PMTUDISC_DONT, IPV6_PMTUDISC_WANT, IPV6_PMTUDISC_DO };
	int four = ps->family == 4;

	*what = "ttl";
	if (o->ttl >= 0 && set_int(ps->fd, four ? IPPROTO_IP : IPPROTO_IPV6,
				   four ? IP_TTL : IPV6_UNICAST_HOPS, o->ttl) < 0)
		return -1;
	*what = "tos";
	if (o->tos >= 0 && set_int(ps->fd, four ? IPPROTO_IP : IPPROTO_IPV6,
				   four ? IP_TOS : IPV6_TCLASS, o->tos) < 0)
		return -1;
	*what = "path mtu discovery";
	if (o->pmtu >= 0 && set_int(ps->fd, four ? IPPROTO_IP : IPPROTO_IPV6,
				    four ? IP_MTU_DISCOVER : IPV6_MTU_DISCOVER,
				    four ? v4[o->pmtu] : v6[o->pmtu]) < 0)
		return -1;
	*what = "broadcast";
	if (o->broadcast && set_int(ps->fd, SOL_SOCKET, SO_BROADCAST, 1) < 0)
		return -1;
	*what = "interface";
	if (o->iface[0] && setsockopt(ps->fd, SOL_SOCKET, SO_BINDTODEVICE, o->iface,
				      (socklen_t)strlen(o->iface) + 1) < 0)
		return -1;
	return 0;
}

int pingsock_drop_privileges(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (getegid() != getgid() && setgid(getgid()) < 0)
		return -1;
	if (geteuid() != getuid() && setuid(getuid()) < 0)
		return -1;
	/* File capabilities, or root's: keep none of them (the socket is
	 * open; nothing after needs a privilege). */
	memset(d, 0, sizeof d);
	if (syscall(SYS_capset, &h, d) < 0 && errno != EPERM)
		return -1;
	return 0;
}

static void read_ee(struct cmsghdr *c, struct ping_packet *pkt)
{
	struct sock_extended_err ee;
	size_t have = c->cmsg_len - CMSG_LEN(0), off;

	if (have < sizeof ee)
		return;
	memcpy(&ee, CMSG_DATA(c), sizeof ee);
	pkt->is_error_queue = 1;
	pkt->ee_origin = ee.ee_origin;
	pkt->ee_errno = (int)ee.ee_errno;
	pkt->ee_info = ee.ee_info;
	pkt->ee_type = ee.ee_type;
	pkt->ee_code = ee.ee_code;
	/* The offender follows the error, as long as its own family says
	 * (sockaddr_in or sockaddr_in6), never more than the message holds. */
	memset(&pkt->offender, 0, sizeof pkt->offender);
	off = sizeof ee;
	if (have > off)
		memcpy(&pkt->offender, CMSG_DATA(c) + off,
		       have - off < sizeof pkt->offender ? have - off : sizeof pkt->offender);
	if (pkt->offender.ss_family != AF_INET && pkt->offender.ss_family != AF_INET6)
		memset(&pkt->offender, 0, sizeof pkt->offender);
}

void pingsock_read_cmsgs(struct msghdr *mh, struct ping_packet *pkt)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
			memcpy(&pkt->when, CMSG_DATA(c), sizeof pkt->when);
		} else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
			   (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
			int v;
			memcpy(&v, CMSG_DATA(c), sizeof v);
			pkt->ttl = v;
		} else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
			   (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)) {
			read_ee(c, pkt);
		}
	}
}

enum { BATCH = 16, CONTROL = 256 };

union control {
	char buf[CONTROL];
	struct cmsghdr align;
};

static void prepare(struct mmsghdr *m, struct iovec *iov, union control *ctl,
		    struct ping_packet *pkt)
{
	memset(m, 0, sizeof *m);
	iov->iov_base = pkt->buf;
	iov->iov_len = sizeof pkt->buf;
	m->msg_hdr.msg_name = &pkt->from;
	m->msg_hdr.msg_namelen = sizeof pkt->from;
	m->msg_hdr.msg_iov = iov;
	m->msg_hdr.msg_iovlen = 1;
	m->msg_hdr.msg_control = ctl->buf;
	m->msg_hdr.msg_controllen = sizeof ctl->buf;
	pkt->ttl = -1;
	pkt->is_error_queue = 0;
	pkt->when.tv_sec = 0;
	pkt->when.tv_nsec = 0;
}

int pingsock_recv(struct pingsock *ps, struct ping_packet *pkt, int n, int errqueue)
{
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	union control ctl[BATCH];
	int i, got;

	if (n > BATCH)
		n = BATCH;
	for (i = 0; i < n; i++)
		prepare(&m[i], &iov[i], &ctl[i], &pkt[i]);
	do {
		int flags = MSG_DONTWAIT | (errqueue ? MSG_ERRQUEUE : 0);
		if (n == 1) { /* one: recvmsg, lighter in the kernel */
			ssize_t len = recvmsg(ps->fd, &m[0].msg_hdr, flags);
			m[0].msg_len = len < 0 ? 0 : (unsigned)len;
			got = len < 0 ? -1 : 1;
		} else {
			got = recvmmsg(ps->fd, m, (unsigned)n, flags, NULL);
		}
	} while (got < 0 && errno == EINTR);
	if (got < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	for (i = 0; i < got; i++) {
		pkt[i].len = m[i].msg_len;
		pingsock_read_cmsgs(&m[i].msg_hdr, &pkt[i]);
		if (pkt[i].when.tv_sec == 0)
			clock_gettime(CLOCK_REALTIME, &pkt[i].when);
	}
	return got;
}
int pingsock_send(struct pingsock *ps, const void *buf, size_t len,
		  const struct sockaddr *dst, socklen_t dstlen)
{
	ssize_t n;

	do
		n = sendto(ps->fd, buf, len, 0, dst, dstlen);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}
