#define _GNU_SOURCE /* struct in6_pktinfo, IPV6_RECVHOPLIMIT, SO_TIMESTAMPNS */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h> /* ahead of linux/: musl's in6_addr, not the kernel's */
#include <time.h>       /* struct timespec, for linux/errqueue.h */
#include <linux/capability.h>
#include <linux/errqueue.h>
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

static void common_options(struct pingsock *ps)
{
	int on = 1, size = 1 << 20;

	setsockopt(ps->fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
	setsockopt(ps->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	if (ps->family == 4) {
		setsockopt(ps->fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
		if (!ps->raw)
			setsockopt(ps->fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on);
	} else {
		setsockopt(ps->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
		if (!ps->raw)
			setsockopt(ps->fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on);
	}
	fcntl(ps->fd, F_SETFL, fcntl(ps->fd, F_GETFL) | O_NONBLOCK);
}

int pingsock_open(struct pingsock *ps, int family, int *dgram_errno)
{
	int domain = family == 4 ? AF_INET : AF_INET6;
	int proto = family == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;

	memset(ps, 0, sizeof *ps);
	ps->family = family;
	ps->fd = socket(domain, SOCK_DGRAM | SOCK_CLOEXEC, proto);
	*dgram_errno = ps->fd < 0 ? errno : 0;
	if (ps->fd >= 0) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		/* The kernel sets the echo id to the socket's port on bind. */
		memset(&ss, 0, sizeof ss);
		ss.ss_family = (sa_family_t)domain;
		if (bind(ps->fd, (struct sockaddr *)&ss, family == 4 ?
			 sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) == 0 &&
		    getsockname(ps->fd, (struct sockaddr *)&ss, &len) == 0)
			ps->id = ntohs(family == 4 ? ((struct sockaddr_in *)&ss)->sin_port :
				       ((struct sockaddr_in6 *)&ss)->sin6_port);
		common_options(ps);
		return 0;
	}
	ps->fd = socket(domain, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (ps->fd < 0)
		return -1;
	ps->raw = 1;
	ps->id = (uint16_t)(getpid() ^ (time(NULL) << 4));
	filter_raw(ps);
	common_options(ps);
	return 0;
}

int pingsock_set_ttl(struct pingsock *ps, int ttl)
{
	if (ps->family == 4)
		return setsockopt(ps->fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
	return setsockopt(ps->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
}

int pingsock_drop_privileges(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (getegid() != getgid() && setgid(getgid()) < 0)
		return -1;
	if (geteuid() != getuid() && setuid(getuid()) < 0)
		return -1;
	if (getuid() != 0) {
		/* file capabilities: keep none of them */
		memset(d, 0, sizeof d);
		if (syscall(SYS_capset, &h, d) < 0 && errno != EPERM)
			return -1;
	}
	return 0;
}

static void read_cmsgs(struct msghdr *mh, struct ping_packet *pkt)
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
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(c), sizeof ee);
			if (ee.ee_origin == SO_EE_ORIGIN_ICMP || ee.ee_origin == SO_EE_ORIGIN_ICMP6) {
				pkt->is_error_queue = 1;
				pkt->ee_type = ee.ee_type;
				pkt->ee_code = ee.ee_code;
				memcpy(&pkt->offender, SO_EE_OFFENDER((struct sock_extended_err *)CMSG_DATA(c)),
				       pkt->offender.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
				       sizeof(struct sockaddr_in6));
			}
		}
	}
}

static int recv_flags(struct pingsock *ps, struct ping_packet *pkt, int flags)
{
	union { char buf[512]; struct cmsghdr align; } control;
	struct iovec iov = { pkt->buf, sizeof pkt->buf };
	struct msghdr mh;
	ssize_t n;

	memset(&mh, 0, sizeof mh);
	mh.msg_name = &pkt->from;
	mh.msg_namelen = sizeof pkt->from;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof control.buf;
	pkt->ttl = -1;
	pkt->is_error_queue = 0;
	pkt->when.tv_sec = 0;
	pkt->when.tv_nsec = 0;
	do
		n = recvmsg(ps->fd, &mh, flags | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	pkt->len = (size_t)n;
	read_cmsgs(&mh, pkt);
	if (pkt->when.tv_sec == 0)
		clock_gettime(CLOCK_REALTIME, &pkt->when);
	return 1;
}

int pingsock_recv(struct pingsock *ps, struct ping_packet *pkt)
{
	int r = recv_flags(ps, pkt, 0);

	if (r < 0 && !ps->raw) {
		/* a pending ICMP error makes recvmsg fail; read it from the queue */
		r = recv_flags(ps, pkt, MSG_ERRQUEUE);
		if (r > 0 && !pkt->is_error_queue)
			return 0;
	}
	return r;
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
