/* send --repeat's engine: connect, write, read the line back, close. */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/loop.h"
#include "net/exchange.h"

enum phase { P_CONNECT, P_SEND, P_REPLY, P_TEARDOWN };

struct xchg {
	struct loop *l;
	const struct xchg_opts *o;
	struct xchg_result *r;
	int fd, timer, finished;
	enum phase phase;
	size_t sent, got;           /* of the current exchange */
	long long t0, step0;        /* series start, step start (us) */
};

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int xchg_resolve(const char *host, const char *port, int family,
		 struct sockaddr_storage *out, socklen_t *outlen, int *err)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		*err = rc == EAI_SYSTEM ? (errno ? errno : EIO) : (rc < 0 ? rc : -rc);
		return -1;
	}
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*outlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void close_conn(struct xchg *x)
{
	if (x->fd < 0)
		return;
	loop_unwatch(x->l, x->fd);
	close(x->fd);
	x->fd = -1;
}

static void stop(struct xchg *x, enum xchg_end end, int err)
{
	if (x->timer)
		loop_timer_cancel(x->l, x->timer);
	x->timer = 0;
	close_conn(x);
	x->r->end = end;
	x->r->err = err;
	x->r->total_ms = (double)(now_us() - x->t0) / 1000;
	x->finished = 1;
	loop_stop(x->l);
}

static void on_timeout(struct loop *l, void *arg);

/* Starts the clock of a step, and its timeout. */
static void step(struct xchg *x, enum phase p)
{
	x->phase = p;
	x->step0 = now_us();
	if (x->timer)
		loop_timer_cancel(x->l, x->timer);
	x->timer = 0;
	if (x->o->timeout_ms > 0)
		x->timer = loop_timer(x->l, x->o->timeout_ms, on_timeout, x);
}

static void on_io(struct loop *l, int fd, unsigned events, void *arg);
static void start_connect(struct xchg *x);
static void start_exchange(struct xchg *x);

/* The peer has closed its side after ours: the teardown is complete. */
static void teardown_done(struct xchg *x)
{
	close_conn(x);
	if (x->r->done == x->o->count)
		stop(x, XCHG_DONE, 0);
	else
		start_connect(x);
}

static void on_timeout(struct loop *l, void *arg)
{
	struct xchg *x = arg;

	(void)l;
	x->timer = 0;
	if (x->phase == P_TEARDOWN) {
		teardown_done(x); /* a peer that never closes: not our problem */
		return;
	}
	x->r->connecting = x->phase == P_CONNECT;
	stop(x, XCHG_TIMEOUT, ETIMEDOUT);
}

/* This side closes first: FIN now, close when the peer's FIN is in. */
static void start_teardown(struct xchg *x)
{
	if (shutdown(x->fd, SHUT_WR) < 0) {
		teardown_done(x);
		return;
	}
	step(x, P_TEARDOWN);
	loop_events(x->l, x->fd, LOOP_IN);
}

static void start_connect(struct xchg *x)
{
	int fd = socket(x->o->peer->sa_family,
			SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		stop(x, XCHG_CONNECT, errno);
		return;
	}
	x->fd = fd;
	step(x, P_CONNECT);
	if (connect(fd, x->o->peer, x->o->peerlen) < 0 && errno != EINPROGRESS) {
		stop(x, XCHG_CONNECT, errno);
		return;
	}
	if (loop_watch(x->l, fd, LOOP_OUT, on_io, x) < 0)
		stop(x, XCHG_CONNECT, errno);
}

static unsigned short local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void connected(struct xchg *x)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		stop(x, XCHG_CONNECT, err);
		return;
	}
	x->r->connect_ms[x->r->connections] =
		(float)((double)(now_us() - x->step0) / 1000);
	x->r->local_ports[x->r->connections++] = local_port(x->fd);
	start_exchange(x);
}

static void send_more(struct xchg *x)
{
	ssize_t n = send(x->fd, x->o->msg + x->sent, x->o->len - x->sent,
			 MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR) {
			loop_events(x->l, x->fd, LOOP_OUT);
			return;
		}
		stop(x, XCHG_SEND, errno);
		return;
	}
	x->sent += (size_t)n;
	loop_events(x->l, x->fd, x->sent < x->o->len ? LOOP_OUT : LOOP_IN);
}

static void start_exchange(struct xchg *x)
{
	x->sent = x->got = 0;
	step(x, P_SEND);
	x->phase = P_REPLY; /* the reply may start before the write ends */
	send_more(x);
}

static void answered(struct xchg *x)
{
	x->r->exchange_ms[x->r->done++] = (float)((double)(now_us() - x->step0) / 1000);
	if (x->o->keep && x->r->done < x->o->count)
		start_exchange(x);
	else
		start_teardown(x);
}

/* Reads what the peer sent: the reply is in when a newline came, or as
 * many bytes as were written (a message sent without one). */
static void receive(struct xchg *x)
{
	char buf[4096];
	ssize_t n = recv(x->fd, buf, sizeof buf, MSG_DONTWAIT);

	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		if (x->phase == P_TEARDOWN)
			teardown_done(x); /* a reset at the end: still answered */
		else
			stop(x, XCHG_RECV, errno);
		return;
	}
	if (x->phase == P_TEARDOWN) {
		if (n == 0)
			teardown_done(x);
		return; /* anything more after the reply is dropped */
	}
	if (n == 0) {
		stop(x, XCHG_CLOSED, 0);
		return;
	}
	x->got += (size_t)n;
	if (memchr(buf, '\n', (size_t)n) || x->got >= x->o->len)
		answered(x);
}

static void on_io(struct loop *l, int fd, unsigned events, void *arg)
{
	struct xchg *x = arg;

	(void)l;
	(void)fd;
	if (x->phase == P_CONNECT) {
		connected(x);
		return;
	}
	if ((events & LOOP_OUT) && x->sent < x->o->len) {
		send_more(x);
		return;
	}
	if (events & (LOOP_IN | LOOP_ERR | LOOP_HUP))
		receive(x);
}

int xchg_run(struct loop *l, const struct xchg_opts *o, struct xchg_result *r)
{
	struct xchg x;

	memset(r, 0, sizeof *r);
	memset(&x, 0, sizeof x);
	if (o->count == 0 || o->len == 0) {
		errno = EINVAL;
		return -1;
	}
	r->connect_ms = xcalloc(o->keep ? 1 : o->count, sizeof *r->connect_ms);
	r->local_ports = xcalloc(o->keep ? 1 : o->count, sizeof *r->local_ports);
	r->exchange_ms = xcalloc(o->count, sizeof *r->exchange_ms);
	x.l = l;
	x.o = o;
	x.r = r;
	x.fd = -1;
	x.t0 = now_us();
	start_connect(&x);
	if (!x.finished && loop_run(l) < 0 && !x.finished)
		stop(&x, XCHG_INTERRUPTED, errno);
	if (!x.finished)
		stop(&x, XCHG_INTERRUPTED, 0);
	return 0;
}

void xchg_result_free(struct xchg_result *r)
{
	free(r->connect_ms);
	free(r->exchange_ms);
	free(r->local_ports);
	r->connect_ms = r->exchange_ms = NULL;
	r->local_ports = NULL;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

void xchg_stats(float *v, size_t n, struct xchg_stats *s)
{
	size_t rank;

	memset(s, 0, sizeof *s);
	if (n == 0)
		return;
	qsort(v, n, sizeof *v, cmp_float);
	s->min = v[0];
	s->max = v[n - 1];
	s->median = n % 2 ? v[n / 2] : ((double)v[n / 2 - 1] + v[n / 2]) / 2;
	rank = (n * 95 + 99) / 100; /* nearest rank: ceil(n * 95 / 100) */
	s->p95 = v[rank - 1];
}

const char *xchg_end_text(enum xchg_end e)
{
	switch (e) {
	case XCHG_DONE:        return "done";
	case XCHG_CONNECT:     return "cannot connect to";
	case XCHG_SEND:        return "cannot send to";
	case XCHG_RECV:        return "cannot receive from";
	case XCHG_CLOSED:      return "connection closed before the reply by";
	case XCHG_TIMEOUT:     return "timed out";
	case XCHG_INTERRUPTED: return "interrupted while talking to";
	}
	return "?";
}
