/* listen's fan-out: clients, in_fd broadcast, echo, backpressure, a cap
 * on clients and an idle timeout, on the one loop. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/io.h"
#include "net/relay.h"
#include "net/sock.h"

struct client {
	struct relay *r;
	int fd, timer;
	char peer[SOCK_ADDRSTRLEN];
	struct lbuf out;      /* to the client */
	int eof;              /* the client half-closed */
	int paused;           /* not read while its bytes cannot be placed */
	unsigned long long in, sent;
	struct client *prev, *next;
};

struct relay {
	struct loop *l;
	int lfd;
	struct relay_opts o;
	struct client *clients;
	size_t n;
	struct relay_stats st;
	struct lbuf outbuf;       /* for out_fd */
	int out_watched, out_dead, out_flags;
	int in_eof, in_watched;
	char *scratch;            /* filtered bytes */
	size_t scratchcap;
};

static void tell(struct relay *r, enum relay_event ev, const struct client *c,
		 int err)
{
	struct relay_peer p = { c ? c->peer : NULL, c ? c->in : 0,
				c ? c->sent : 0, r->n, err };

	if (r->o.on_event)
		r->o.on_event(r, ev, &p, r->o.arg);
}

static void update_client(struct client *c);
static void update_in(struct relay *r);
static void update_out(struct relay *r);

static void drop_client(struct client *c)
{
	struct relay *r = c->r;

	loop_unwatch(r->l, c->fd);
	loop_timer_cancel(r->l, c->timer);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		r->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	r->n--;
	r->st.served++;
	r->st.bytes_in += c->in;
	r->st.bytes_out += c->sent;
	tell(r, RELAY_DISCONNECT, c, 0);
	lbuf_free(&c->out);
	free(c);
	update_in(r);
}

static void fail_client(struct client *c, int err)
{
	tell(c->r, RELAY_CLIENT_ERROR, c, err);
	drop_client(c);
}

static void on_idle(struct loop *l, void *arg)
{
	struct client *c = arg;

	(void)l;
	c->timer = 0;
	tell(c->r, RELAY_IDLE, c, 0);
	drop_client(c);
}

static void rearm(struct client *c)
{
	if (c->r->o.idle_ms <= 0)
		return;
	loop_timer_cancel(c->r->l, c->timer);
	c->timer = loop_timer(c->r->l, c->r->o.idle_ms, on_idle, c);
}

/* Bytes of input a client may send now: room where they go, less the
 * filter's growth. */
static size_t room_for_input(struct client *c)
{
	struct relay *r = c->r;
	size_t room;

	if (r->o.echo)
		return lbuf_space(&c->out);
	if (r->out_dead)
		return 0;
	room = lbuf_space(&r->outbuf);
	if (!r->o.to_out)
		return room;
	if (room < 128 + r->o.to_out_ratio)
		return 0;
	return (room - 128) / r->o.to_out_ratio;
}

static int take_input(struct client *c, const char *p, size_t n)
{
	struct relay *r = c->r;
	ssize_t k;

	if (r->o.echo)
		return lbuf_put(&c->out, p, n);
	if (!r->o.to_out)
		return lbuf_put(&r->outbuf, p, n);
	k = r->o.to_out(r->o.to_out_arg, p, n, r->scratch, r->scratchcap);
	if (k < 0)
		return -1;
	return lbuf_put(&r->outbuf, r->scratch, (size_t)k);
}

static void client_read(struct client *c)
{
	char buf[65536];
	size_t room = room_for_input(c);
	ssize_t r;

	if (room == 0) {
		update_client(c);
		return;
	}
	r = read(c->fd, buf, room > sizeof buf ? sizeof buf : room);
	if (r < 0) {
		if (errno != EAGAIN && errno != EINTR)
			fail_client(c, errno);
		return;
	}
	if (r == 0) {
		c->eof = 1;
		if (lbuf_len(&c->out) == 0)
			drop_client(c);
		else
			update_client(c);
		return;
	}
	c->in += (unsigned long long)r;
	rearm(c);
	if (take_input(c, buf, (size_t)r) < 0) {
		fail_client(c, ENOMEM);
		return;
	}
	update_client(c);
	if (!c->r->o.echo)
		update_out(c->r);
}

static void client_write(struct client *c)
{
	ssize_t r = lbuf_drain(&c->out, c->fd);

	if (r < 0) {
		if (errno != EAGAIN && errno != EINTR)
			fail_client(c, errno);
		return;
	}
	c->sent += (unsigned long long)r;
	if (r > 0)
		rearm(c);
	if (lbuf_len(&c->out) == 0) {
		lbuf_trim(&c->out); /* idle clients hold no buffer */
		if (c->eof) {
			drop_client(c);
			return;
		}
	}
	update_client(c);
	update_in(c->r);
}

static void on_client_fd(struct loop *l, int fd, unsigned ev, void *arg)
{
	(void)l;
	(void)fd;
	if (ev & LOOP_OUT) {
		client_write(arg);
		return; /* the client may be gone; the next wake-up reads */
	}
	if (ev & (LOOP_IN | LOOP_ERR | LOOP_HUP))
		client_read(arg);
}

static void on_client_error(struct loop *l, int fd, int err, void *arg)
{
	(void)l;
	(void)fd;
	fail_client(arg, err);
}

static void update_client(struct client *c)
{
	unsigned ev = 0;

	c->paused = room_for_input(c) == 0;
	if (!c->eof && !c->paused)
		ev |= LOOP_IN;
	if (lbuf_len(&c->out) > 0)
		ev |= LOOP_OUT;
	loop_events(c->r->l, c->fd, ev);
}

static void resume_clients(struct relay *r)
{
	struct client *c;

	for (c = r->clients; c; c = c->next)
		if (c->paused)
			update_client(c);
}

/* ---- out_fd (stdout) ---- */

static void on_out(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct relay *r = arg;
	ssize_t n;

	(void)ev;
	n = lbuf_drain(&r->outbuf, fd);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		r->out_dead = 1;
		loop_unwatch(l, fd);
		r->out_watched = 0;
		tell(r, RELAY_OUT_ERROR, NULL, errno);
		loop_stop(l);
		return;
	}
	update_out(r);
	resume_clients(r);
}

static void update_out(struct relay *r)
{
	if (r->out_dead || r->o.out_fd < 0)
		return;
	if (!r->out_watched) {
		if (loop_watch(r->l, r->o.out_fd, 0, on_out, r) < 0)
			return;
		r->out_watched = 1;
	}
	loop_events(r->l, r->o.out_fd, lbuf_len(&r->outbuf) ? LOOP_OUT : 0);
}

/* ---- in_fd (stdin) to every client ---- */

/* in_fd is read only while every client has room for what is read, so
 * a slow client slows the input instead of growing memory. */
static size_t in_room(struct relay *r)
{
	struct client *c;
	size_t room = 65536;

	if (!r->clients)
		return 0;
	for (c = r->clients; c; c = c->next)
		if (lbuf_space(&c->out) < room)
			room = lbuf_space(&c->out);
	return room;
}

static void broadcast(struct relay *r, const char *p, size_t n)
{
	struct client *c;

	for (c = r->clients; c; c = c->next)
		if (lbuf_put(&c->out, p, n) == 0)
			update_client(c);
}

static void on_in(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct relay *r = arg;
	char buf[65536];
	size_t room = in_room(r), ratio = r->o.to_clients ? r->o.to_clients_ratio : 1;
	ssize_t n;

	(void)l;
	(void)ev;
	if (room < 128 + ratio) {
		update_in(r);
		return;
	}
	room = (room - 128) / ratio;
	n = io_read(fd, buf, room > sizeof buf ? sizeof buf : room);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		r->in_eof = 1;
		update_in(r);
		return;
	}
	if (!r->o.to_clients) {
		broadcast(r, buf, (size_t)n);
		return;
	}
	n = r->o.to_clients(r->o.to_clients_arg, buf, (size_t)n, r->scratch,
			    r->scratchcap);
	if (n > 0)
		broadcast(r, r->scratch, (size_t)n);
}

static void update_in(struct relay *r)
{
	if (r->o.in_fd < 0)
		return;
	if (r->in_eof) {
		if (r->in_watched) {
			loop_unwatch(r->l, r->o.in_fd);
			r->in_watched = 0;
		}
		return;
	}
	if (!r->in_watched) {
		if (loop_watch(r->l, r->o.in_fd, 0, on_in, r) < 0) {
			r->in_eof = 1;
			return;
		}
		r->in_watched = 1;
	}
	loop_events(r->l, r->o.in_fd, in_room(r) >= 4096 ? LOOP_IN : 0);
}

/* ---- accepting ---- */

static void on_conn(struct loop *l, int fd, const struct sockaddr *peer,
		    socklen_t len, void *arg)
{
	struct relay *r = arg;
	struct client *c;

	if (r->o.max_clients && r->n >= r->o.max_clients) {
		/* at the cap: closed at once, so the client knows, rather
		 * than left waiting in the backlog */
		struct client refused = { .r = r };
		sock_format_addr(peer, len, refused.peer, sizeof refused.peer);
		close(fd);
		tell(r, RELAY_REFUSED, &refused, 0);
		return;
	}
	c = xcalloc(1, sizeof *c);
	if (loop_watch(l, fd, LOOP_IN, on_client_fd, c) < 0) {
		free(c);
		close(fd);
		return;
	}
	loop_on_error(l, fd, on_client_error);
	c->r = r;
	c->fd = fd;
	lbuf_init(&c->out, r->o.client_buf);
	sock_format_addr(peer, len, c->peer, sizeof c->peer);
	c->next = r->clients;
	if (r->clients)
		r->clients->prev = c;
	r->clients = c;
	r->n++;
	tell(r, RELAY_CONNECT, c, 0);
	rearm(c);
	update_client(c);
	update_in(r);
}

static void on_pause(struct loop *l, int lfd, int err, void *arg)
{
	(void)l;
	(void)lfd;
	tell(arg, RELAY_PAUSED, NULL, err);
}

struct relay *relay_new(struct loop *l, int lfd, const struct relay_opts *o)
{
	struct relay *r = xcalloc(1, sizeof *r);
	size_t ratio;

	r->l = l;
	r->lfd = lfd;
	r->o = *o;
	if (!r->o.client_buf)
		r->o.client_buf = 256 * 1024;
	if (!r->o.out_buf)
		r->o.out_buf = 1024 * 1024;
	if (!r->o.to_out_ratio)
		r->o.to_out_ratio = 1;
	if (!r->o.to_clients_ratio)
		r->o.to_clients_ratio = 1;
	ratio = r->o.to_out_ratio > r->o.to_clients_ratio ? r->o.to_out_ratio
							  : r->o.to_clients_ratio;
	r->scratchcap = 65536 * ratio + 256;
	r->scratch = xmalloc(r->scratchcap);
	lbuf_init(&r->outbuf, r->o.out_buf);
	r->out_flags = r->o.out_fd >= 0 ? fcntl(r->o.out_fd, F_GETFL) : -1;
	if (loop_accept(l, lfd, on_conn, on_pause, r) < 0) {
		free(r->scratch);
		free(r);
		return NULL;
	}
	return r;
}

void relay_stats(const struct relay *r, struct relay_stats *st)
{
	*st = r->st;
	st->clients = r->n;
}

/* What is held for out_fd, written before the end. */
static void flush_out(struct relay *r)
{
	if (r->out_dead || r->o.out_fd < 0 || lbuf_len(&r->outbuf) == 0)
		return;
	if (r->out_flags >= 0)
		fcntl(r->o.out_fd, F_SETFL, r->out_flags & ~O_NONBLOCK);
	io_write_all(r->o.out_fd, r->outbuf.data + r->outbuf.head,
		     lbuf_len(&r->outbuf));
}

void relay_free(struct relay *r, struct relay_stats *st)
{
	if (!r)
		return;
	flush_out(r);
	while (r->clients)
		drop_client(r->clients);
	if (st)
		relay_stats(r, st);
	if (r->out_watched)
		loop_unwatch(r->l, r->o.out_fd);
	if (r->in_watched)
		loop_unwatch(r->l, r->o.in_fd);
	loop_unwatch(r->l, r->lfd);
	if (r->out_flags >= 0)
		fcntl(r->o.out_fd, F_SETFL, r->out_flags);
	lbuf_free(&r->outbuf);
	free(r->scratch);
	free(r);
}
