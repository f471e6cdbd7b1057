/* Sockets: resolve, bind, connect, listen, and errors in words. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/loop.h"
#include "net/sock.h"

int sock_parse_proto(const char *s, enum sock_transport *out)
{
	if (strcmp(s, "tcp") == 0)
		*out = SOCK_PROTO_TCP;
	else if (strcmp(s, "udp") == 0)
		*out = SOCK_PROTO_UDP;
	else
		return -1;
	return 0;
}

static int socktype(enum sock_transport p)
{
	return p == SOCK_PROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
}

/* Numeric hosts never go to DNS: AI_NUMERICHOST is tried first so
 * "1.2.3.4" does not wait on a resolver. */
static int resolve(const char *host, const char *port, int family, int type,
		   int passive, struct addrinfo **res)
{
	struct addrinfo hints;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = type;
	hints.ai_flags = AI_NUMERICHOST | (passive ? AI_PASSIVE : 0);
	rc = getaddrinfo(host, port, &hints, res);
	if (rc == EAI_NONAME && host) {
		hints.ai_flags = passive ? AI_PASSIVE : AI_ADDRCONFIG;
		rc = getaddrinfo(host, port, &hints, res);
	}
	return rc;
}

static int gai_code(int rc)
{
	if (rc == EAI_SYSTEM)
		return errno ? errno : EIO;
	return rc < 0 ? rc : -rc; /* keep EAI_* negative on every libc */
}

static int bind_source(int fd, const struct sock_spec *s, int family, int *err)
{
	struct addrinfo *res;
	int one = 1, rc;

	if (!s->src_host && !s->src_port)
		return 0;
	rc = resolve(s->src_host, s->src_port ? s->src_port : "0", family,
		     socktype(s->proto), 1, &res);
	if (rc != 0) {
		*err = gai_code(rc);
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
		*err = errno;
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	return 0;
}

/* How a connect in progress ended: 0 or an errno. */
struct connect_wait {
	int err;
};

static void on_connected(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct connect_wait *c = arg;
	socklen_t len = sizeof c->err;

	(void)ev;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &c->err, &len) < 0)
		c->err = errno;
	loop_stop(l);
}

static void on_connect_error(struct loop *l, int fd, int err, void *arg)
{
	(void)fd;
	((struct connect_wait *)arg)->err = err;
	loop_stop(l);
}

static void on_connect_timeout(struct loop *l, void *arg)
{
	((struct connect_wait *)arg)->err = ETIMEDOUT;
	loop_stop(l);
}

/* Waits on the loop for a connect in progress; 0 or -1 with errno. */
static int connect_wait(int fd, int timeout_ms)
{
	struct connect_wait c = { EINPROGRESS };
	struct loop *l = loop_new();

	if (!l)
		return -1;
	if (loop_watch(l, fd, LOOP_OUT, on_connected, &c) < 0 ||
	    loop_on_error(l, fd, on_connect_error) < 0 ||
	    (timeout_ms >= 0 && loop_timer(l, timeout_ms, on_connect_timeout, &c) < 0) ||
	    loop_run(l) < 0)
		c.err = errno;
	loop_unwatch(l, fd);
	loop_free(l);
	if (c.err) {
		errno = c.err;
		return -1;
	}
	return 0;
}

/* connect() bounded by timeout_ms: non-blocking connect, then the loop
 * waits until it ends (SO_ERROR says how) or the time is up. */
static int connect_timed(int fd, const struct sockaddr *sa, socklen_t len,
			 int timeout_ms)
{
	if (sock_set_nonblock(fd, 1) < 0)
		return -1;
	if (connect(fd, sa, len) == 0)
		return sock_set_nonblock(fd, 0);
	if (errno != EINPROGRESS && errno != EINTR)
		return -1;
	if (connect_wait(fd, timeout_ms) < 0)
		return -1;
	return sock_set_nonblock(fd, 0);
}

int sock_connect(const struct sock_spec *s, int *err,
		 struct sockaddr_storage *peer, socklen_t *peerlen)
{
	struct addrinfo *res, *ai;
	int rc, fd = -1;

	rc = resolve(s->host, s->port, s->family, socktype(s->proto), 0, &res);
	if (rc != 0) {
		*err = gai_code(rc);
		return -1;
	}
	*err = EADDRNOTAVAIL;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			*err = errno;
			continue;
		}
		if (bind_source(fd, s, ai->ai_family, err) < 0) {
			close(fd);
			fd = -1;
			continue;
		}
		if (connect_timed(fd, ai->ai_addr, ai->ai_addrlen,
				  s->timeout_ms) == 0) {
			if (peer && peerlen) {
				memcpy(peer, ai->ai_addr, ai->ai_addrlen);
				*peerlen = ai->ai_addrlen;
			}
			break;
		}
		*err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int listen_on(const struct addrinfo *ai, const struct sock_spec *s,
		     int backlog, int *err)
{
	int fd, one = 1, zero = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    ai->ai_protocol);
	if (fd < 0)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
		goto fail;
	/* The any address of IPv6 also takes IPv4 unless -6 was asked. */
	if (ai->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
		       s->family == AF_INET6 ? &one : &zero, sizeof one) < 0)
		goto fail;
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		goto fail;
	if (s->proto == SOCK_PROTO_TCP && listen(fd, backlog) < 0)
		goto fail;
	return fd;
fail:
	*err = errno;
	if (fd >= 0)
		close(fd);
	return -1;
}

int sock_listen(const struct sock_spec *s, int backlog, int *err,
		struct sockaddr_storage *bound, socklen_t *boundlen)
{
	struct addrinfo *res, *ai;
	int rc, fd = -1, family = s->family;
	const char *host = s->host;

	if (!host && family == AF_UNSPEC) {
		/* Dual stack: "::" first, "0.0.0.0" where IPv6 is off. */
		rc = resolve("::", s->port, AF_INET6, socktype(s->proto), 1, &res);
		if (rc == 0) {
			fd = listen_on(res, s, backlog, err);
			freeaddrinfo(res);
			if (fd >= 0 || (*err != EAFNOSUPPORT && *err != EADDRNOTAVAIL))
				goto done;
		}
		family = AF_INET;
	}
	rc = resolve(host, s->port, family, socktype(s->proto), 1, &res);
	if (rc != 0) {
		*err = gai_code(rc);
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = listen_on(ai, s, backlog, err);
		if (fd >= 0)
			break;
	}
	freeaddrinfo(res);
done:
	if (fd >= 0 && bound && boundlen) {
		*boundlen = sizeof *bound;
		if (getsockname(fd, (struct sockaddr *)bound, boundlen) < 0) {
			*err = errno;
			close(fd);
			return -1;
		}
	}
	return fd;
}

int sock_accept(int lfd, struct sockaddr_storage *peer, socklen_t *peerlen)
{
	int fd;

	*peerlen = sizeof *peer;
	do
		fd = accept4(lfd, (struct sockaddr *)peer, peerlen,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	return fd;
}

int sock_set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
	return fcntl(fd, F_SETFL, fl) < 0 ? -1 : 0;
}

int sock_set_rcvbuf(int fd, int bytes)
{
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) == 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

int sock_set_sndbuf(int fd, int bytes)
{
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes) == 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
}

const char *sock_format_addr(const struct sockaddr *sa, socklen_t len,
			     char *buf, size_t n)
{
	char host[INET6_ADDRSTRLEN];

	(void)len;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		snprintf(buf, n, "%s:%u", host, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], host,
				  sizeof host);
			snprintf(buf, n, "%s:%u", host, ntohs(in6->sin6_port));
		} else {
			inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
			snprintf(buf, n, "[%s]:%u", host, ntohs(in6->sin6_port));
		}
	} else {
		snprintf(buf, n, "?");
	}
	return buf;
}

int sock_addr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	return -1;
}

const char *sock_strerror(int err)
{
	if (err < 0) {
		if (err == EAI_NONAME || err == -EAI_NONAME)
			return "name or service not known";
		if (err == EAI_AGAIN || err == -EAI_AGAIN)
			return "temporary failure in name resolution";
		if (err == EAI_FAMILY || err == -EAI_FAMILY ||
		    err == EAI_ADDRFAMILY || err == -EAI_ADDRFAMILY)
			return "no address of the requested family (-4/-6)";
		if (err == EAI_SERVICE || err == -EAI_SERVICE)
			return "unknown service";
		return gai_strerror(err < -1000 ? -err : err);
	}
	switch (err) {
	case ECONNREFUSED: return "connection refused";
	case ETIMEDOUT:    return "timed out";
	case EHOSTUNREACH: return "no route to host";
	case ENETUNREACH:  return "network unreachable";
	case EADDRINUSE:   return "address in use";
	case EACCES:
	case EPERM:        return "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
	case EADDRNOTAVAIL:return "address not available on this host";
	case ECONNRESET:   return "connection reset by peer";
	case EPIPE:        return "connection closed by peer";
	case EMSGSIZE:     return "message too long";
	default:           return strerror(err);
	}
}

long sock_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			return -1;
	}
	return (long)rl.rlim_cur;
}

#define BATCH_MAX 64

/* Points mh[i] at d[i]: its buffer (len bytes of it) and, for receiving
 * or when it has one, its address. */
static int batch_prepare(struct mmsghdr *mh, struct iovec *iov,
			 struct sock_dgram *d, int n, int receiving)
{
	int i;

	if (n > BATCH_MAX)
		n = BATCH_MAX;
	memset(mh, 0, sizeof(mh[0]) * (size_t)n);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = d[i].buf;
		iov[i].iov_len = receiving ? d[i].cap : d[i].len;
		mh[i].msg_hdr.msg_iov = &iov[i];
		mh[i].msg_hdr.msg_iovlen = 1;
		if (receiving || d[i].addrlen) {
			mh[i].msg_hdr.msg_name = &d[i].addr;
			mh[i].msg_hdr.msg_namelen = receiving ? sizeof d[i].addr
							      : d[i].addrlen;
		}
	}
	return n;
}

int sock_recv_batch(int fd, struct sock_dgram *d, int n)
{
	struct mmsghdr mh[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	int i, r;

	n = batch_prepare(mh, iov, d, n, 1);
	do
		r = recvmmsg(fd, mh, (unsigned)n, MSG_DONTWAIT, NULL);
	while (r < 0 && errno == EINTR);
	for (i = 0; i < r; i++) {
		d[i].len = mh[i].msg_len;
		if (mh[i].msg_hdr.msg_flags & MSG_TRUNC)
			d[i].len = d[i].cap + 1;
		d[i].addrlen = mh[i].msg_hdr.msg_namelen;
	}
	return r;
}

int sock_send_batch(int fd, struct sock_dgram *d, int n)
{
	struct mmsghdr mh[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	int r;

	n = batch_prepare(mh, iov, d, n, 0);
	do
		r = sendmmsg(fd, mh, (unsigned)n, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

void sock_batch_init(struct sock_batch *b, int slots, size_t size)
{
	int i;

	memset(b, 0, sizeof *b);
	b->slots = slots > BATCH_MAX ? BATCH_MAX : slots;
	b->size = size;
	b->d = xcalloc((size_t)b->slots, sizeof *b->d);
	b->store = xmalloc((size_t)b->slots * size);
	for (i = 0; i < b->slots; i++) {
		b->d[i].buf = b->store + (size_t)i * size;
		b->d[i].cap = size;
	}
}

void sock_batch_free(struct sock_batch *b)
{
	free(b->d);
	free(b->store);
	b->d = NULL;
	b->store = NULL;
}

int sock_batch_recv(int fd, struct sock_batch *b)
{
	return sock_recv_batch(fd, b->d, b->slots);
}

int sock_batch_flush(int fd, struct sock_batch *b)
{
	int i = 0, r, k;

	while (i < b->queued) {
		r = sock_send_batch(fd, b->d + i, b->queued - i);
		if (r < 0)
			return -1;
		for (k = i; k < i + r; k++)
			b->bytes += b->d[k].len;
		b->count += (unsigned long long)r;
		i += r;
	}
	b->queued = 0;
	return 0;
}

int sock_batch_queue(int fd, struct sock_batch *b, const void *p, size_t n)
{
	struct sock_dgram *d = &b->d[b->queued];

	if (n > b->size) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(d->buf, p, n);
	d->len = n;
	d->addrlen = 0;
	if (++b->queued == b->slots)
		return sock_batch_flush(fd, b);
	return 0;
}

struct replies {
	int idle_ms, timer, err, signo;
	sock_dgram_fn fn;
	void *arg;
	char *buf;
};

static void on_replies_idle(struct loop *l, void *arg)
{
	((struct replies *)arg)->timer = 0;
	loop_stop(l);
}

static void on_reply(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct replies *u = arg;
	ssize_t n = recv(fd, u->buf, SOCK_UDP_MAX + 1, 0);

	(void)ev;
	if (n < 0) {
		if (errno != EINTR && errno != EAGAIN) {
			u->err = errno;
			loop_stop(l);
		}
		return;
	}
	if (u->fn(u->buf, (size_t)n, u->arg) < 0) {
		loop_stop(l);
		return;
	}
	loop_timer_cancel(l, u->timer);
	u->timer = loop_timer(l, u->idle_ms, on_replies_idle, u);
}

static void on_reply_error(struct loop *l, int fd, int err, void *arg)
{
	(void)fd;
	((struct replies *)arg)->err = err;
	loop_stop(l);
}

static void on_replies_signal(struct loop *l, int signo, void *arg)
{
	((struct replies *)arg)->signo = signo;
	loop_stop(l);
}

int sock_recv_until_idle(int fd, int idle_ms, sock_dgram_fn fn, void *arg,
			 int *signo)
{
	struct replies u = { .idle_ms = idle_ms, .fn = fn, .arg = arg };
	struct loop *l = loop_new();

	u.buf = xmalloc(SOCK_UDP_MAX + 1);
	if (!l || loop_signal(l, SIGINT, on_replies_signal, &u) < 0 ||
	    loop_signal(l, SIGTERM, on_replies_signal, &u) < 0 ||
	    loop_watch(l, fd, LOOP_IN, on_reply, &u) < 0 ||
	    loop_on_error(l, fd, on_reply_error) < 0 ||
	    (u.timer = loop_timer(l, idle_ms, on_replies_idle, &u)) < 0 ||
	    loop_run(l) < 0)
		u.err = errno;
	loop_free(l);
	free(u.buf);
	*signo = u.signo;
	errno = u.err;
	return u.err ? -1 : 0;
}

static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return 0;
}

int sock_is_reflection(const struct sockaddr *from, int ourport)
{
	int port = sock_addr_port(from);

	if (from->sa_family != AF_INET && from->sa_family != AF_INET6)
		return 0;
	return port == 0 || (port == ourport && is_loopback(from));
}

int sock_echo_batch(int fd, struct sock_dgram *d, int n, int ourport)
{
	int i, keep = 0;

	for (i = 0; i < n; i++) {
		if (sock_is_reflection((struct sockaddr *)&d[i].addr, ourport))
			continue;
		if (keep != i) {  /* swap: each entry keeps its own buffer */
			struct sock_dgram t = d[keep];
			d[keep] = d[i];
			d[i] = t;
		}
		keep++;
	}
	return keep ? sock_send_batch(fd, d, keep) : 0;
}
