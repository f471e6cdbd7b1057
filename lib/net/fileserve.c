/* The notes' file server, one state machine per client: reading the
 * name (timers for the pause that ends it and for silence), then
 * sending with sendfile while the client reads (a timer for a client
 * that stopped), then one report. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/io.h"
#include "net/fileproto.h"
#include "net/fileserve.h"
#include "net/sock.h"

#define SEND_CHUNK (4u << 20)

struct fileserve {
	struct loop *l;
	int lfd;
	struct fs_opts o;
	struct client *clients;
	size_t n;
	size_t fd_cap;     /* clients the descriptor limit has room for */
};

struct client {
	struct fileserve *s;
	int fd, file, timer;
	off_t off, size;
	long long start;
	size_t len;
	char peer[SOCK_ADDRSTRLEN];
	char name[FP_NAME_MAX + 1];
	char buf[FP_NAME_MAX + 2];
	struct client *prev, *next;
};

/* Closing with SO_LINGER 0 sends a reset, so a client can tell an
 * aborted transfer from a finished one; a crash of this process aborts
 * the same way because the option is set while sending. */
static void set_abortive(int fd, int on)
{
	struct linger l = { on, 0 };
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

static void drop_client(struct client *c)
{
	struct fileserve *s = c->s;

	loop_unwatch(s->l, c->fd);
	loop_timer_cancel(s->l, c->timer);
	close(c->fd);
	if (c->file >= 0)
		close(c->file);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
	if (s->n-- == s->fd_cap)
		loop_accept_hold(s->l, s->lfd, 0); /* room again */
}

static void finish(struct client *c, enum fs_status st, const char *reason)
{
	struct fs_report r = { c->peer, c->name, st, reason, (long long)c->off,
			       loop_now_ms() - c->start };

	if (c->s->o.on_report)
		c->s->o.on_report(&r, c->s->o.arg);
	drop_client(c);
}

static void on_stalled(struct loop *l, void *arg)
{
	struct client *c = arg;

	(void)l;
	c->timer = 0;
	finish(c, FS_ERROR, "client stopped reading (timed out)");
}

static void send_more(struct client *c)
{
	off_t left = c->size - c->off;
	ssize_t w;

	if (left > 0) {
		w = io_sendfile(c->fd, c->file, &c->off,
				left > SEND_CHUNK ? SEND_CHUNK : (size_t)left);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (w <= 0) {
			/* still abortive: the client sees a reset */
			finish(c, FS_ERROR, w < 0 ? strerror(errno) : "file shrank");
			return;
		}
		loop_timer_cancel(c->s->l, c->timer);
		c->timer = loop_timer(c->s->l, c->s->o.idle_ms, on_stalled, c);
		if (c->off < c->size)
			return;
	}
	set_abortive(c->fd, 0);
	finish(c, FS_SENT, NULL);
}

static void on_sendable(struct loop *l, int fd, unsigned ev, void *arg)
{
	(void)l, (void)fd, (void)ev;
	send_more(arg);
}

static void on_client_error(struct loop *l, int fd, int err, void *arg)
{
	(void)l, (void)fd;
	finish(arg, FS_ERROR, strerror(err));
}

static void start_sending(struct client *c)
{
	enum fp_open_err why;
	struct stat st;

	loop_timer_cancel(c->s->l, c->timer);
	c->timer = 0;
	c->file = fp_open_beneath(c->s->o.dirfd, c->name, FP_RESOLVE_AUTO, &st, &why);
	if (c->file < 0) {
		finish(c, FS_REFUSED, why == FPO_SYSTEM ? strerror(errno)
		       : fp_open_strerror(why));
		return;
	}
	c->size = st.st_size;
	set_abortive(c->fd, 1);
	if (loop_watch(c->s->l, c->fd, LOOP_OUT, on_sendable, c) < 0) {
		finish(c, FS_ERROR, strerror(errno));
		return;
	}
	c->timer = loop_timer(c->s->l, c->s->o.idle_ms, on_stalled, c);
}

static void parse_name(struct client *c, int at_end)
{
	enum fp_name_err err;
	enum fp_parse r = fp_parse_request(c->buf, c->len, at_end, c->name, &err);

	if (r == FP_MORE)
		return;
	if (r == FP_BAD) {
		c->name[0] = '\0';
		if (c->len && err != FPN_TOO_LONG) {
			size_t n = c->len < 120 ? c->len : 120;
			memcpy(c->name, c->buf, n);
			c->name[n] = '\0';
		}
		finish(c, FS_REFUSED, fp_name_strerror(err));
		return;
	}
	start_sending(c);
}

/* The notes' client neither half-closes nor ends the name with a newline:
 * a short pause after its first bytes ends the name. */
static void on_name_pause(struct loop *l, void *arg)
{
	struct client *c = arg;

	(void)l;
	c->timer = 0;
	parse_name(c, 1);
}

static void on_name_timeout(struct loop *l, void *arg)
{
	struct client *c = arg;

	(void)l;
	c->timer = 0;
	finish(c, FS_REFUSED, c->len ? "name not finished in time" : "no name sent");
}

/* Each byte restarts the pause that ends a name (a name dribbled in is
 * read whole, never taken by its prefix), within the time a whole name
 * may take. */
static void restart_name_pause(struct loop *l, struct client *c)
{
	long long left = c->s->o.name_ms - (loop_now_ms() - c->start);

	loop_timer_cancel(l, c->timer);
	if (left > c->s->o.pause_ms)
		c->timer = loop_timer(l, c->s->o.pause_ms, on_name_pause, c);
	else
		c->timer = loop_timer(l, left > 0 ? left : 0, on_name_timeout, c);
}

static void on_name_bytes(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct client *c = arg;
	ssize_t got = read(fd, c->buf + c->len, sizeof c->buf - 1 - c->len);

	(void)ev;
	if (got < 0) {
		if (errno != EAGAIN && errno != EINTR)
			finish(c, FS_ERROR, strerror(errno));
		return;
	}
	if (got > 0)
		restart_name_pause(l, c);
	c->len += (size_t)got;
	parse_name(c, got == 0);
}

/* A client past --max-clients is closed at once, with its report. */
static void refuse_over_cap(struct fileserve *s, int fd,
			    const struct sockaddr *sa, socklen_t len)
{
	char peer[SOCK_ADDRSTRLEN];
	struct fs_report r = { peer, "", FS_REFUSED, "over --max-clients", 0, 0 };

	sock_format_addr(sa, len, peer, sizeof peer);
	close(fd);
	if (s->o.on_report)
		s->o.on_report(&r, s->o.arg);
}

/* Each client takes two descriptors (its socket and its file): past what
 * the limit leaves room for, clients wait in the backlog rather than be
 * accepted only to be refused for want of a descriptor to open the file. */
static size_t clients_with_room(void)
{
	struct rlimit rl;
	const rlim_t reserve = 16; /* stdio, the loop's own, the listener */

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > 2 * (rlim_t)1000000)
		return 1000000;
	return rl.rlim_cur > reserve + 2 ? (size_t)((rl.rlim_cur - reserve) / 2) : 1;
}

static void on_conn(struct loop *l, int fd, const struct sockaddr *sa,
		    socklen_t len, void *arg)
{
	struct fileserve *s = arg;
	struct client *c;

	if (s->n >= s->o.max_clients) {
		refuse_over_cap(s, fd, sa, len);
		return;
	}
	c = xcalloc(1, sizeof *c);
	if (loop_watch(l, fd, LOOP_IN, on_name_bytes, c) < 0) {
		free(c);
		close(fd);
		return;
	}
	loop_on_error(l, fd, on_client_error);
	c->s = s;
	c->fd = fd;
	c->file = -1;
	c->start = loop_now_ms();
	sock_format_addr(sa, len, c->peer, sizeof c->peer);
	c->timer = loop_timer(l, s->o.name_ms, on_name_timeout, c);
	c->next = s->clients;
	if (s->clients)
		s->clients->prev = c;
	s->clients = c;
	if (++s->n == s->fd_cap)
		loop_accept_hold(l, s->lfd, 1); /* the backlog waits */
}

static void on_pause(struct loop *l, int lfd, int err, void *arg)
{
	struct fileserve *s = arg;

	(void)l, (void)lfd;
	if (s->o.on_pause)
		s->o.on_pause(err, s->o.arg);
}

struct fileserve *fileserve_new(struct loop *l, int lfd,
				const struct fs_opts *o)
{
	struct fileserve *s = xcalloc(1, sizeof *s);

	s->l = l;
	s->lfd = lfd;
	s->o = *o;
	if (!s->o.max_clients)
		s->o.max_clients = 1000;
	s->fd_cap = clients_with_room();
	if (!s->o.idle_ms)
		s->o.idle_ms = 60000;
	if (!s->o.name_ms)
		s->o.name_ms = 10000;
	if (!s->o.pause_ms)
		s->o.pause_ms = 300;
	if (loop_accept(l, lfd, on_conn, on_pause, s) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

void fileserve_free(struct fileserve *s)
{
	if (!s)
		return;
	while (s->clients)
		drop_client(s->clients);
	loop_unwatch(s->l, s->lfd);
	free(s);
}
