/* ping's engine: statistics, the probe book, the scheduler and the
 * receive path, on lib/loop. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <math.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/loop.h"
#include "net/icmp.h"
#include "net/ping.h"

/* ---- statistics ---- */

void ping_stats_rtt(struct ping_stats *s, long long rtt)
{
	if (s->received == 1 || rtt < s->rtt_min)
		s->rtt_min = rtt;
	if (rtt > s->rtt_max)
		s->rtt_max = rtt;
	s->rtt_sum += (double)rtt;
	s->rtt_sum2 += (double)rtt * (double)rtt;
	if (s->received > 1)
		s->jitter_sum += (double)llabs(rtt - s->last_rtt);
	s->last_rtt = rtt;
	/* iputils' ewma: weight 1/8, kept scaled by 8 in integers */
	s->ewma8 = s->received == 1 ? rtt * 8 : s->ewma8 + rtt - s->ewma8 / 8;
	if (s->nsamples < PING_MAX_SAMPLES) {
		if (s->nsamples == s->cap)
			s->samples = xgrow(s->samples, &s->cap, s->nsamples + 1,
					   sizeof *s->samples);
		s->samples[s->nsamples++] = (float)rtt;
	}
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

double ping_percentile(const float *s, size_t n, int pct)
{
	size_t rank;

	if (pct == 50 && n % 2 == 0)
		return ((double)s[n / 2 - 1] + (double)s[n / 2]) / 2;
	rank = (n * (size_t)pct + 99) / 100; /* ceil(n * pct / 100) */
	return s[rank ? rank - 1 : 0];
}

void ping_stats_summary(struct ping_stats *s, struct ping_summary *r)
{
	memset(r, 0, sizeof *r);
	if (s->sent)
		r->loss = (double)(s->sent - s->received) * 100.0 / (double)s->sent;
	if (!s->received)
		return;
	{
		double a = s->rtt_sum / (double)s->received;
		double var = s->rtt_sum2 / (double)s->received - a * a;
		r->avg = llround(a);
		r->mdev = llround(sqrt(var > 0 ? var : 0));
	}
	r->min = s->rtt_min;
	r->max = s->rtt_max;
	r->ewma = s->ewma8 / 8;
	qsort(s->samples, s->nsamples, sizeof s->samples[0], cmp_float);
	r->median = ping_percentile(s->samples, s->nsamples, 50);
	r->p95 = ping_percentile(s->samples, s->nsamples, 95);
	if (s->received > 1)
		r->jitter = s->jitter_sum / (double)(s->received - 1);
}

void ping_stats_free(struct ping_stats *s)
{
	free(s->samples);
	s->samples = NULL;
	s->nsamples = s->cap = 0;
}

int ping_histogram(const float *sorted, size_t n, size_t count[PING_HIST_ROWS],
		   double upper[PING_HIST_ROWS])
{
	double lo, hi, step;
	size_t i;
	int r;

	if (n < 2)
		return 0;
	lo = sorted[0];
	hi = sorted[n - 1];
	if (hi <= lo)
		return 0;
	if (lo < 1)
		lo = 1;
	step = log(hi / lo) / PING_HIST_ROWS;
	if (step <= 0)
		return 0;
	memset(count, 0, PING_HIST_ROWS * sizeof count[0]);
	for (i = 0; i < n; i++) {
		double v = sorted[i] < lo ? lo : sorted[i];
		r = (int)(log(v / lo) / step);
		count[r >= PING_HIST_ROWS ? PING_HIST_ROWS - 1 : r]++;
	}
	for (r = 0; r < PING_HIST_ROWS; r++)
		upper[r] = lo * exp(step * (r + 1));
	return PING_HIST_ROWS;
}

long long ping_unwrap(long long sent, uint16_t s16)
{
	long long c = (sent & ~0xffffLL) | s16;

	if (c > sent)
		c -= 65536;
	return c > 0 && sent - c < 65536 ? c : 0;
}

/* ---- the session ---- */

/* What the book remembers of each of the last 65536 probes. */
struct probe {
	long long n;            /* probe number across all targets */
	long long seq;          /* the target's own probe number */
	struct timespec at;     /* sent, CLOCK_REALTIME */
	uint32_t target;
	uint8_t got;
};

enum { RECV_BATCH = 16 };

struct ping_session {
	struct ping_opts o;
	ping_event_fn fn;
	void *arg;
	struct ping_target *t;
	size_t nt, tcap;
	struct pingsock ps[2];     /* IPv4, IPv6; fd -1 when unused */
	struct loop *loop;
	struct probe *book;
	long long n;               /* probes sent so far */
	size_t *queue;             /* targets by next_us, a ring of nt + 1 */
	size_t qhead, qtail;
	long long next_slot;       /* the rate's earliest next probe */
	long long start_us, linger_end, rtt_max;
	struct timespec start;
	size_t ncomplete;
	int timer, stopped;
	int quiet_fd, kick;        /* a flood's socket out of epoll; its timer */
	struct ping_packet *pkt;
	uint8_t *txbuf;
	ping_send_fn send;
	void *send_arg;
	long long msgsize_n;       /* the probe last refused as too big */
};

struct ping_session *ping_new(const struct ping_opts *o, ping_event_fn fn, void *arg)
{
	struct ping_session *s = xcalloc(1, sizeof *s);

	s->o = *o;
	s->fn = fn;
	s->arg = arg;
	s->ps[0].fd = s->ps[1].fd = s->quiet_fd = -1;
	s->ps[0].family = 4;
	s->ps[1].family = 6;
	return s;
}

void ping_free(struct ping_session *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < 2; i++)
		if (s->ps[i].fd >= 0) {
			if (s->loop)
				loop_unwatch(s->loop, s->ps[i].fd);
			close(s->ps[i].fd);
		}
	if (s->loop && s->timer)
		loop_timer_cancel(s->loop, s->timer);
	if (s->loop && s->kick)
		loop_timer_cancel(s->loop, s->kick);
	for (i = 0; i < s->nt; i++) {
		ping_stats_free(&s->t[i].st);
		free(s->t[i].name);
	}
	free(s->t);
	free(s->book);
	free(s->queue);
	free(s->pkt);
	free(s->txbuf);
	free(s);
}

static void addr_text(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	const void *a = ss->ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family == AF_INET6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)n))
		snprintf(buf, n, "?");
}

struct ping_target *ping_add(struct ping_session *s, const char *name,
			     const struct sockaddr *sa, socklen_t len)
{
	struct ping_target *t;

	if (s->nt == s->tcap)
		s->t = xgrow(s->t, &s->tcap, s->nt + 1, sizeof *s->t);
	t = &s->t[s->nt++];
	memset(t, 0, sizeof *t);
	t->name = xstrdup(name);
	memcpy(&t->addr, sa, len < sizeof t->addr ? len : sizeof t->addr);
	t->addrlen = len;
	t->family = sa->sa_family == AF_INET6 ? 6 : 4;
	addr_text(&t->addr, t->text, sizeof t->text);
	return t;
}

size_t ping_ntargets(const struct ping_session *s)
{
	return s->nt;
}

struct ping_target *ping_target_at(struct ping_session *s, size_t i)
{
	return i < s->nt ? &s->t[i] : NULL;
}

int ping_raw(const struct ping_session *s)
{
	return s->ps[0].fd >= 0 ? s->ps[0].raw : s->ps[1].raw;
}

int ping_open(struct ping_session *s, int family, int *dgram_errno)
{
	const struct sockaddr_storage *src = &s->o.sock.source;
	struct pingsock *ps = &s->ps[family == 6];
	const char *what;

	if (src->ss_family && src->ss_family != (family == 6 ? AF_INET6 : AF_INET))
		src = NULL;
	if (pingsock_open(ps, family, src, dgram_errno) < 0) {
		ps->fd = -1;
		return -1;
	}
	*dgram_errno = 0;
	if (pingsock_configure(ps, &s->o.sock, &what) < 0) {
		int e = errno;
		close(ps->fd);
		ps->fd = -1;
		errno = e;
		return -1;
	}
	return 0;
}

int ping_has_family(const struct ping_session *s, int family)
{
	return s->ps[family == 6].fd >= 0;
}

long long ping_elapsed_us(const struct ping_session *s)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (long long)(now.tv_sec - s->start.tv_sec) * 1000000 +
	       (now.tv_nsec - s->start.tv_nsec) / 1000;
}

static void emit(struct ping_session *s, struct ping_event *ev)
{
	s->fn(s->arg, ev);
}

static void stop(struct ping_session *s)
{
	s->stopped = 1;
	if (s->loop)
		loop_stop(s->loop);
}

void ping_stop(struct ping_session *s)
{
	stop(s);
}

/* ---- scheduling ---- */

static int target_complete(const struct ping_session *s, const struct ping_target *t)
{
	if (!s->o.count)
		return s->o.many && t->st.received > 0;
	return t->st.received + t->st.errors + t->st.corrupt >= s->o.count;
}

static void check_complete(struct ping_session *s, struct ping_target *t)
{
	if (!t->complete && target_complete(s, t)) {
		t->complete = 1;
		s->ncomplete++;
	}
}

/* Whether the target gets another probe after this one. */
static int wants_more(const struct ping_session *s, const struct ping_target *t)
{
	if (s->o.count)
		return t->st.sent < s->o.count;
	if (s->o.many)
		return !t->complete && t->st.sent < s->o.tries;
	return 1;
}

static void push(struct ping_session *s, size_t i)
{
	s->queue[s->qtail] = i;
	s->qtail = (s->qtail + 1) % (s->nt + 1);
}

static long long linger_wait(const struct ping_session *s)
{
	long long w = 2 * s->rtt_max;

	if (s->o.many || !s->t[0].st.received)
		return s->o.timeout_us;
	return w < 10000 ? 10000 : w;
}

/* The probe's payload: the pattern if one was given, iputils' otherwise. */
static size_t build_probe(struct ping_session *s, int family, uint16_t id, uint16_t s16)
{
	size_t len = icmp_build_echo(s->txbuf, 65536, family, id, s16, s->o.datalen), i;

	if (s->o.patlen && len) {
		for (i = 0; i < s->o.datalen; i++)
			s->txbuf[8 + i] = s->o.pattern[i % s->o.patlen];
		if (family == 4) {
			s->txbuf[2] = s->txbuf[3] = 0;
			uint16_t c = icmp_checksum(s->txbuf, len);
			s->txbuf[2] = (uint8_t)(c >> 8);
			s->txbuf[3] = (uint8_t)c;
		}
	}
	return len;
}

static void report_missing(struct ping_session *s, struct ping_target *t)
{
	const struct probe *p = &s->book[(uint16_t)t->last_n];
	struct ping_event ev;

	if (!s->o.report_missing || !t->last_n || p->n != t->last_n || p->got)
		return;
	memset(&ev, 0, sizeof ev);
	ev.kind = PING_MISSING;
	ev.t = t;
	ev.seq = p->seq;
	ev.ttl = -1;
	emit(s, &ev);
}

static void send_probe(struct ping_session *s, struct ping_target *t)
{
	struct pingsock *ps = &s->ps[t->family == 6];
	long long n = ++s->n;
	struct probe *p = &s->book[(uint16_t)n];
	size_t len = build_probe(s, t->family, ps->id, (uint16_t)n);
	struct ping_event ev;

	report_missing(s, t);
	p->n = n;
	p->seq = ++t->st.sent;
	p->target = (uint32_t)(t - s->t);
	p->got = 0;
	t->last_n = n;
	clock_gettime(CLOCK_REALTIME, &p->at);
	memset(&ev, 0, sizeof ev);
	ev.t = t;
	ev.seq = p->seq;
	ev.ttl = -1;
	ev.when = &p->at;
	ev.kind = PING_SENT;
	if ((s->send ? s->send(s->send_arg, t, s->txbuf, len) :
	     pingsock_send(ps, s->txbuf, len, (struct sockaddr *)&t->addr, t->addrlen)) < 0) {
		/* the kernel refused at once (no route, too big): an error;
		 * too big for the path is told with its MTU by the error
		 * queue, which does not say which probe: remember it */
		ev.kind = PING_SEND_ERROR;
		if (errno == EMSGSIZE) {
			t->st.errors++;
			check_complete(s, t);
			s->msgsize_n = n;
			return;
		}
		ev.err = errno;
		ev.from = t->text;
		t->st.errors++;
		check_complete(s, t);
	}
	emit(s, &ev);
}

/* When this target's next probe is due, just after one went at now. */
static void reschedule(struct ping_session *s, struct ping_target *t, long long now)
{
	if (t->st.sent < s->o.preload)
		t->next_us = now;
	else if (s->o.flood)
		t->next_us = now + 10000;
	else if (s->o.many && !s->o.count)
		t->next_us = now + s->o.timeout_us; /* a retry once the wait is over */
	else {
		t->next_us += s->o.interval_us;
		if (s->o.interval_us && t->next_us < now - s->o.interval_us)
			t->next_us = now; /* fell far behind (suspended): no burst */
	}
	if (wants_more(s, t))
		push(s, (size_t)(t - s->t));
}

static void tick(struct loop *l, void *arg);

static void arm(struct ping_session *s, long long now)
{
	long long when = s->linger_end;

	if (s->qhead != s->qtail) {
		when = s->t[s->queue[s->qhead]].next_us;
		if (when < s->next_slot)
			when = s->next_slot;
	}
	if (s->o.deadline_us && s->start_us + s->o.deadline_us < when)
		when = s->start_us + s->o.deadline_us;
	if (s->timer)
		loop_timer_cancel(s->loop, s->timer);
	s->timer = loop_timer_us(s->loop, when - now, tick, s);
}

/* Sends every probe that is due, then decides whether we are done, then
 * sets the timer for the next thing to happen. */
static void schedule(struct ping_session *s)
{
	long long now = loop_now_us();
	int burst;

	if (s->stopped)
		return;
	if ((s->o.deadline_us && now - s->start_us >= s->o.deadline_us) ||
	    s->ncomplete == s->nt) {
		stop(s);
		return;
	}
	/* One target: one probe per turn of the loop, so replies to -i 0
	 * are read between probes as iputils does; many: short bursts. */
	burst = s->o.many ? 64 : s->t[0].st.sent < s->o.preload ? s->o.preload : 1;
	while (burst > 0 && s->qhead != s->qtail) {
		struct ping_target *t = &s->t[s->queue[s->qhead]];
		if (t->complete && s->o.many) {
			s->qhead = (s->qhead + 1) % (s->nt + 1);
			continue;
		}
		if (t->next_us > now || s->next_slot > now)
			break;
		s->qhead = (s->qhead + 1) % (s->nt + 1);
		send_probe(s, t);
		burst--;
		s->next_slot += s->o.gap_us;
		if (s->next_slot < now - s->o.gap_us)
			s->next_slot = now;
		reschedule(s, t, now);
	}
	if (s->qhead == s->qtail && !s->linger_end)
		s->linger_end = now + linger_wait(s);
	if (s->linger_end && now >= s->linger_end) {
		stop(s);
		return;
	}
	arm(s, now);
}

static void tick(struct loop *l, void *arg)
{
	struct ping_session *s = arg;

	(void)l;
	s->timer = 0;
	schedule(s);
}

/* ---- receiving ---- */

static long long ts_diff_us(const struct timespec *a, const struct timespec *b)
{
	return (long long)(a->tv_sec - b->tv_sec) * 1000000 + (a->tv_nsec - b->tv_nsec) / 1000;
}

/* The probe a 16-bit sequence number names on this socket, or NULL. */
static struct probe *find_probe(struct ping_session *s, int family, uint16_t s16)
{
	long long n = ping_unwrap(s->n, s16);
	struct probe *p = &s->book[s16];

	if (!n || p->n != n || s->t[p->target].family != family)
		return NULL;
	return p;
}

static void base_event(struct ping_event *ev, struct ping_target *t, const struct probe *p,
		       const struct ping_packet *pkt, const char *from)
{
	memset(ev, 0, sizeof *ev);
	ev->t = t;
	ev->seq = p->seq;
	ev->from = from;
	ev->different = strcmp(from, t->text) != 0;
	ev->ttl = pkt->ttl;
	ev->when = &pkt->when;
}

static void got_error(struct ping_session *s, struct probe *p, const struct ping_packet *pkt,
		      const char *from, int type, int code, int mtu)
{
	struct ping_target *t = &s->t[p->target];
	struct ping_event ev;

	base_event(&ev, t, p, pkt, from);
	ev.kind = PING_ERROR;
	ev.icmp_type = type;
	ev.icmp_code = code;
	ev.mtu = mtu;
	t->st.errors++;
	check_complete(s, t);
	emit(s, &ev);
}

static void got_reply(struct ping_session *s, struct probe *p, const struct ping_packet *pkt,
		      const struct icmp_msg *m, const char *from)
{
	struct ping_target *t = &s->t[p->target];
	struct ping_event ev;

	base_event(&ev, t, p, pkt, from);
	ev.kind = PING_REPLY;
	ev.bytes = m->icmp_len;
	if (m->ttl >= 0)
		ev.ttl = m->ttl;
	ev.rtt_us = ts_diff_us(&pkt->when, &p->at);
	if (ev.rtt_us < 0)
		ev.rtt_us = 0;
	if (!m->checksum_ok) {
		ev.bad_checksum = 1;
		t->st.corrupt++; /* counted, not believed */
	} else if (p->got) {
		ev.dup = 1;
		t->st.dups++;
	} else {
		p->got = 1;
		t->st.received++;
		ping_stats_rtt(&t->st, ev.rtt_us);
		if (t->st.sent - p->seq + 1 > t->st.pipe)
			t->st.pipe = t->st.sent - p->seq + 1;
		if (ev.rtt_us > s->rtt_max)
			s->rtt_max = ev.rtt_us;
	}
	check_complete(s, t);
	emit(s, &ev);
}

static void handle_packet(struct ping_session *s, struct pingsock *ps, struct ping_packet *pkt)
{
	struct icmp_msg m;
	char from[64];
	struct probe *p;
	int v4raw = ps->raw && ps->family == 4;

	if (icmp_parse(pkt->buf, pkt->len, ps->family, v4raw, &m) < 0)
		return;
	if (m.kind == ICMP_KIND_OTHER || (ps->raw && m.id != ps->id))
		return; /* someone else's */
	p = find_probe(s, ps->family, m.seq);
	if (!p)
		return;
	if (v4raw)
		inet_ntop(AF_INET, m.src, from, sizeof from);
	else
		addr_text(&pkt->from, from, sizeof from);
	if (m.kind == ICMP_KIND_ERROR)
		got_error(s, p, pkt, from, m.type, m.code, (int)m.mtu);
	else
		got_reply(s, p, pkt, &m, from);
}

/* A datagram socket's error queue hands back our own echo with the error:
 * an ICMP error from a router, or a local one (message too long). */
/* A local error (message too long, with the path MTU) about the probe
 * sendto just refused, already counted there. */
static void local_error(struct ping_session *s, const struct ping_packet *pkt)
{
	struct probe *p = &s->book[(uint16_t)s->msgsize_n];
	struct ping_target *t = &s->t[p->target];
	struct ping_event ev;

	if (!s->msgsize_n || p->n != s->msgsize_n)
		return;
	s->msgsize_n = 0;
	base_event(&ev, t, p, pkt, t->text);
	ev.kind = PING_SEND_ERROR;
	ev.local = 1;
	ev.err = pkt->ee_errno;
	ev.mtu = pkt->ee_errno == EMSGSIZE ? (int)pkt->ee_info : 0;
	emit(s, &ev);
}

/* A socket's error queue hands back an error with what we sent: an ICMP
 * error from a router (datagram sockets; raw ones read the ICMP error
 * itself), or a local one. */
static void handle_queued_error(struct ping_session *s, struct pingsock *ps,
				struct ping_packet *pkt)
{
	char from[64];
	struct probe *p;
	int toobig;

	if (!pkt->is_error_queue)
		return;
	if (pkt->ee_origin == SO_EE_ORIGIN_LOCAL) {
		local_error(s, pkt);
		return;
	}
	if (ps->raw || pkt->len < 8 ||
	    (pkt->ee_origin != SO_EE_ORIGIN_ICMP && pkt->ee_origin != SO_EE_ORIGIN_ICMP6))
		return;
	p = find_probe(s, ps->family, (uint16_t)(pkt->buf[6] << 8 | pkt->buf[7]));
	if (!p)
		return;
	if (pkt->offender.ss_family)
		addr_text(&pkt->offender, from, sizeof from);
	else
		snprintf(from, sizeof from, "%s", s->t[p->target].text);
	toobig = (ps->family == 4 && pkt->ee_type == 3 && pkt->ee_code == 4) ||
		 (ps->family == 6 && pkt->ee_type == 2);
	got_error(s, p, pkt, from, pkt->ee_type, pkt->ee_code, toobig ? (int)pkt->ee_info : 0);
}

static void drain_errors(struct ping_session *s, struct pingsock *ps)
{
	int r, i, rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		r = pingsock_recv(ps, s->pkt, RECV_BATCH, 1);
		for (i = 0; i < r; i++)
			handle_queued_error(s, ps, &s->pkt[i]);
		if (r < RECV_BATCH)
			break;
	}
}

/* After replies: done, or iputils' rules for the wait after the last
 * probe, or flood's next probe at once. Other probes go by the timer, so
 * -i 0 reads the replies between probes as iputils does. */
static void after_replies(struct ping_session *s, long long before)
{
	struct ping_target *t = &s->t[0];
	long long now = loop_now_us();

	if (s->ncomplete == s->nt) {
		stop(s);
		return;
	}
	if (s->o.many || t->st.received == before)
		return;
	if (s->linger_end && t->st.received >= t->st.sent) {
		stop(s);
		return;
	}
	if (s->linger_end) {
		long long w = 2 * s->rtt_max;
		s->linger_end = now + (w < 10000 ? 10000 : w);
		arm(s, now);
	}
	if (s->o.flood) {
		t->next_us = now;
		schedule(s);
	}
}

static void on_readable(struct loop *l, int fd, unsigned events, void *arg);

static void flood_go_on(struct loop *l, void *arg)
{
	struct ping_session *s = arg;

	s->kick = 0;
	on_readable(l, s->quiet_fd, LOOP_IN, s);
}

/* A flood answered before its next probe is sent (loopback, a fast LAN)
 * reads its replies unasked: the socket leaves epoll's wait queue, whose
 * wakeups on every packet in and out would cost more than the reads. A
 * read that finds nothing puts it back; a long run of answered probes
 * goes on after a zero timer, so signals and timers get their turn. */
static void flood_quiet(struct ping_session *s, int fd, int quiet)
{
	if ((s->quiet_fd >= 0) == quiet || loop_quiet(s->loop, fd, quiet) < 0)
		return;
	s->quiet_fd = quiet ? fd : -1;
}

static void on_readable(struct loop *l, int fd, unsigned events, void *arg)
{
	struct ping_session *s = arg;
	struct pingsock *ps = &s->ps[s->ps[1].fd == fd];
	int r, i, rounds, batch;

	(void)l;
	if (events & LOOP_ERR)
		drain_errors(s, ps);
	/* A flood has one reply in flight: a batch of one costs the kernel
	 * no second try; else up to RECV_BATCH per call. */
	batch = s->o.flood ? 1 : RECV_BATCH;
	for (rounds = 0; rounds < 64 && !s->stopped; rounds++) {
		long long before = s->t[0].st.received, sent = s->n;
		r = pingsock_recv(ps, s->pkt, batch, 0);
		if (r < 0)
			drain_errors(s, ps); /* the error made recvmsg fail */
		for (i = 0; i < r; i++)
			handle_packet(s, ps, &s->pkt[i]);
		if (r > 0)
			after_replies(s, before);
		if (s->o.flood && rounds > 0) /* a read just after a probe */
			flood_quiet(s, fd, r > 0);
		/* A full batch may leave more; a flood's new probe on a fast
		 * path may already have its reply: else the loop tells us. */
		if (r < batch && !(r > 0 && s->o.flood && s->n > sent))
			break;
	}
	if (s->quiet_fd >= 0 && !s->stopped && rounds == 64)
		s->kick = loop_timer_us(s->loop, 0, flood_go_on, s);
	else if (s->quiet_fd >= 0)
		flood_quiet(s, fd, 0);
}

int ping_start(struct ping_session *s, struct loop *l)
{
	size_t i;

	s->loop = l;
	for (i = 0; i < s->nt; i++)
		if (s->t[i].family == 6 && s->o.datalen > 65527)
			s->o.datalen = 65527;
	s->book = xcalloc(65536, sizeof *s->book);
	s->queue = xcalloc(s->nt + 1, sizeof *s->queue);
	s->pkt = xmalloc(RECV_BATCH * sizeof *s->pkt);
	s->txbuf = xmalloc(65536 + 64);
	clock_gettime(CLOCK_REALTIME, &s->start);
	s->start_us = s->next_slot = loop_now_us();
	for (i = 0; i < s->nt; i++) {
		s->t[i].next_us = s->start_us;
		push(s, i);
	}
	for (i = 0; i < 2; i++)
		if (s->ps[i].fd >= 0 && loop_watch(l, s->ps[i].fd, LOOP_IN, on_readable, s) < 0)
			return -1;
	schedule(s);
	return 0;
}

void ping_set_sender(struct ping_session *s, ping_send_fn fn, void *arg)
{
	s->send = fn;
	s->send_arg = arg;
}

void ping_inject(struct ping_session *s, int family, struct ping_packet *pkt)
{
	struct pingsock *ps = &s->ps[family == 6];
	long long before = s->t[0].st.received;

	if (s->stopped)
		return;
	if (pkt->is_error_queue)
		handle_queued_error(s, ps, pkt);
	else
		handle_packet(s, ps, pkt);
	after_replies(s, before);
}
