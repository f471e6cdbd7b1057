/* One TCP conversation: two pumps, a half-close, an idle timer. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/progress.h"
#include "net/duplex.h"

struct duplex {
	struct loop *l;
	const struct duplex_opts *o;
	int sock;
	struct pump *up, *down;
	int timer, up_done;
	struct duplex_result *r;
	int ended;
};

/* The first end wins; the loop stops. */
static void end(struct duplex *d, enum duplex_end how, int err)
{
	if (!d->ended) {
		d->ended = 1;
		d->r->end = how;
		d->r->err = err;
	}
	loop_stop(d->l);
}

static void on_idle(struct loop *l, void *arg)
{
	struct duplex *d = arg;

	(void)l;
	d->timer = 0;
	end(d, DUPLEX_IDLE, ETIMEDOUT);
}

static void rearm(struct duplex *d)
{
	if (d->o->idle_ms <= 0)
		return;
	if (d->timer)
		loop_timer_cancel(d->l, d->timer);
	d->timer = loop_timer(d->l, d->o->idle_ms, on_idle, d);
}

static void on_progress(struct pump *p, void *arg)
{
	struct duplex *d = arg;

	rearm(d);
	if (p == d->up && d->o->on_sent)
		d->o->on_sent(pump_bytes(p), d->o->sent_arg);
}

/* Until the input ends, on_sent hears once a second even when nothing
 * goes, so a progress display keeps its clock running through a stall. */
static void on_tick(struct loop *l, void *arg)
{
	struct duplex *d = arg;

	if (!d->up_done)
		loop_timer(l, PROGRESS_TICK_MS, on_tick, d);
	d->o->on_sent(pump_bytes(d->up), d->o->sent_arg);
}

static void up_end(struct pump *p, enum pump_end how, int err, void *arg)
{
	struct duplex *d = arg;

	(void)p;
	if (how == PUMP_READ_ERR) {
		end(d, DUPLEX_READ_IN, err);
		return;
	}
	if (how == PUMP_WRITE_ERR) {
		end(d, DUPLEX_SEND, err);
		return;
	}
	d->up_done = 1;
	/* End of input: half-close so the peer sees EOF and can answer. */
	if (shutdown(d->sock, SHUT_WR) < 0 && errno != ENOTCONN) {
		end(d, DUPLEX_SHUTDOWN, errno);
		return;
	}
	if (d->o->quit_at_eof)
		end(d, DUPLEX_QUIT, 0);
}

/* The peer closed while input was not known to be over. Input that is
 * at its end already (an empty file, /dev/null, a closed pipe) loses
 * nothing; anything else, read or still to come, would be lost. */
static int input_lost(struct duplex *d)
{
	char c;
	ssize_t r;

	if (!d->up || d->up_done || d->o->cut_short_ok)
		return 0;
	if (pump_held(d->up) > 0)
		return 1;
	do
		r = read(d->o->in_fd, &c, 1);
	while (r < 0 && errno == EINTR);
	return r != 0;
}

static void down_end(struct pump *p, enum pump_end how, int err, void *arg)
{
	struct duplex *d = arg;

	(void)p;
	if (how == PUMP_READ_ERR)
		end(d, DUPLEX_RECEIVE, err);
	else if (how == PUMP_WRITE_ERR)
		end(d, err == EPIPE ? DUPLEX_OUT_GONE : DUPLEX_WRITE_OUT, err);
	/* The peer closed. Input still to come from a pipe or file would be
	 * lost (a killed listener looks just like this), so that is a
	 * failure; at a terminal it is just the end of the session. */
	else if (input_lost(d))
		end(d, DUPLEX_CUT_SHORT, 0);
	else
		end(d, DUPLEX_DONE, 0);
}

static void on_signal(struct loop *l, int signo, void *arg)
{
	struct duplex *d = arg;

	(void)l;
	d->r->signo = signo;
	end(d, DUPLEX_SIGNAL, EINTR);
}

static int start_pumps(struct duplex *d, int sock_in)
{
	const struct duplex_opts *o = d->o;
	struct pump_opts po = { .on_progress = on_progress, .arg = d };

	if (o->in_fd >= 0) {
		po.on_end = up_end;
		po.filter = o->up;
		po.filter_arg = o->up_arg;
		po.filter_ratio = o->up_ratio;
		if (!(d->up = pump_new(d->l, o->in_fd, d->sock, &po)))
			return -1;
	}
	po.on_end = down_end;
	po.filter = o->down;
	po.filter_arg = o->down_arg;
	po.filter_ratio = o->down_ratio;
	d->down = pump_new(d->l, sock_in, o->out_fd, &po);
	return d->down ? 0 : -1;
}

int duplex_run(int sock, const struct duplex_opts *o, struct duplex_result *r)
{
	struct duplex d = { .o = o, .sock = sock, .r = r };
	int sock_in = dup(sock), rc = -1, e = 0; /* one watcher per fd */

	memset(r, 0, sizeof *r);
	d.l = loop_new();
	if (d.l && sock_in >= 0 && loop_signal(d.l, SIGINT, on_signal, &d) == 0 &&
	    loop_signal(d.l, SIGTERM, on_signal, &d) == 0 &&
	    start_pumps(&d, sock_in) == 0) {
		rearm(&d);
		if (o->on_sent && d.up)
			loop_timer(d.l, PROGRESS_TICK_MS, on_tick, &d);
		rc = loop_run(d.l);
	}
	e = errno;
	r->sent = d.up ? pump_bytes(d.up) : 0;
	r->received = d.down ? pump_bytes(d.down) : 0;
	pump_free(d.up);
	pump_free(d.down);
	loop_free(d.l);
	if (sock_in >= 0)
		close(sock_in);
	errno = e;
	return rc;
}
