#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/loop.h"
#include "net/tcping.h"

struct probe {
	struct tcping *tp;
	int fd, timer;
	long long seq, start_us;
	struct probe *next;
};

struct tcping {
	struct ping_opts o;
	struct ping_target *t;
	ping_event_fn fn;
	void *arg;
	struct loop *l;
	struct probe *flight;      /* connects under way */
	long long next_us, start_us;
	struct timespec start;
	int timer, stopped, done_sending;
};

struct tcping *tcping_new(const struct ping_opts *o, struct ping_target *t,
			  ping_event_fn fn, void *arg)
{
	struct tcping *tp = xcalloc(1, sizeof *tp);

	tp->o = *o;
	tp->t = t;
	tp->fn = fn;
	tp->arg = arg;
	return tp;
}

static void drop(struct tcping *tp, struct probe *p)
{
	struct probe **pp;

	for (pp = &tp->flight; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	loop_unwatch(tp->l, p->fd);
	close(p->fd);
	if (p->timer)
		loop_timer_cancel(tp->l, p->timer);
	free(p);
}

void tcping_stop(struct tcping *tp)
{
	tp->stopped = 1;
	if (tp->l)
		loop_stop(tp->l);
}

void tcping_free(struct tcping *tp)
{
	if (!tp)
		return;
	while (tp->flight)
		drop(tp, tp->flight);
	if (tp->timer)
		loop_timer_cancel(tp->l, tp->timer);
	free(tp);
}

long long tcping_elapsed_us(const struct tcping *tp)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (long long)(now.tv_sec - tp->start.tv_sec) * 1000000 +
	       (now.tv_nsec - tp->start.tv_nsec) / 1000;
}

static void check_end(struct tcping *tp)
{
	if (tp->done_sending && !tp->flight)
		tcping_stop(tp);
}

/* The connect ended: err 0 (open) or ECONNREFUSED (closed) answer, any
 * other error is counted as one; a timeout (err -1) is a loss. */
static void finish(struct probe *p, int err)
{
	struct tcping *tp = p->tp;
	struct ping_target *t = tp->t;
	struct ping_event ev;
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	memset(&ev, 0, sizeof ev);
	ev.t = t;
	ev.seq = p->seq;
	ev.from = t->text;
	ev.ttl = -1;
	ev.when = &now;
	ev.rtt_us = loop_now_us() - p->start_us;
	if (err == 0 || err == ECONNREFUSED) {
		ev.kind = PING_REPLY;
		ev.refused = err != 0;
		t->st.received++;
		ping_stats_rtt(&t->st, ev.rtt_us);
	} else if (err > 0) {
		ev.kind = PING_SEND_ERROR;
		ev.err = err;
		t->st.errors++;
	} else {
		ev.kind = PING_MISSING;
	}
	drop(tp, p);
	tp->fn(tp->arg, &ev);
	check_end(tp);
}

static void on_connect(struct loop *l, int fd, unsigned events, void *arg)
{
	int err = 0;
	socklen_t len = sizeof err;

	(void)l;
	(void)events;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	finish(arg, err);
}

static void on_timeout(struct loop *l, void *arg)
{
	struct probe *p = arg;

	(void)l;
	p->timer = 0;
	finish(p, -1);
}

static void send_one(struct tcping *tp)
{
	struct ping_target *t = tp->t;
	struct probe *p = xcalloc(1, sizeof *p);
	struct ping_event ev;
	struct timespec now;
	int r;

	p->tp = tp;
	p->seq = ++t->st.sent;
	p->fd = socket(t->family == 6 ? AF_INET6 : AF_INET,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	p->next = tp->flight;
	tp->flight = p;
	clock_gettime(CLOCK_REALTIME, &now);
	memset(&ev, 0, sizeof ev);
	ev.kind = PING_SENT;
	ev.t = t;
	ev.seq = p->seq;
	ev.when = &now;
	tp->fn(tp->arg, &ev);
	p->start_us = loop_now_us();
	if (p->fd < 0) {
		p->fd = -1;
		finish(p, errno);
		return;
	}
	r = connect(p->fd, (struct sockaddr *)&t->addr, t->addrlen);
	if (r == 0 || errno != EINPROGRESS) {
		finish(p, r == 0 ? 0 : errno);
		return;
	}
	p->timer = loop_timer_us(tp->l, tp->o.timeout_us, on_timeout, p);
	loop_watch(tp->l, p->fd, LOOP_OUT, on_connect, p);
}

static void tick(struct loop *l, void *arg)
{
	struct tcping *tp = arg;
	long long now = loop_now_us(), when;

	(void)l;
	tp->timer = 0;
	if (tp->stopped)
		return;
	if (tp->o.deadline_us && now - tp->start_us >= tp->o.deadline_us) {
		tcping_stop(tp);
		return;
	}
	if (!tp->done_sending && now >= tp->next_us) {
		send_one(tp);
		tp->next_us += tp->o.interval_us;
		if (tp->next_us < now - tp->o.interval_us)
			tp->next_us = now;
		tp->done_sending = tp->o.count && tp->t->st.sent >= tp->o.count;
		check_end(tp);
		if (tp->stopped)
			return;
	}
	when = tp->done_sending ? -1 : tp->next_us;
	if (tp->o.deadline_us && (when < 0 || tp->start_us + tp->o.deadline_us < when))
		when = tp->start_us + tp->o.deadline_us;
	if (when >= 0)
		tp->timer = loop_timer_us(tp->l, when - now, tick, tp);
}

int tcping_start(struct tcping *tp, struct loop *l)
{
	tp->l = l;
	clock_gettime(CLOCK_REALTIME, &tp->start);
	tp->start_us = tp->next_us = loop_now_us();
	tp->timer = loop_timer_us(l, 0, tick, tp);
	return tp->timer > 0 ? 0 : -1;
}
