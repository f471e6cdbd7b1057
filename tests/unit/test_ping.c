/* lib/net/ping: statistics, sequence unwrap, histogram, and the scheduler
 * and matcher driven without a network (a fake sender, injected replies);
 * lib/net/pingsock's control messages. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/loop.h"
#include "net/icmp.h"
#include "net/ping.h"
#include "net/tcping.h"
#include "unit.h"

static void test_stats(void)
{
	struct ping_stats st;
	struct ping_summary r;
	long long rtt[] = { 100, 400, 200, 300 };
	size_t i;

	memset(&st, 0, sizeof st);
	st.sent = 5;
	for (i = 0; i < 4; i++) {
		st.received++;
		ping_stats_rtt(&st, rtt[i]);
	}
	ping_stats_summary(&st, &r);
	CHECK_INT(r.min, 100);
	CHECK_INT(r.max, 400);
	CHECK_INT(r.avg, 250);
	CHECK_INT(r.mdev, 112);          /* sqrt(12500) */
	CHECK(r.median == 250);          /* mean of the middle two */
	CHECK(r.p95 == 400);
	CHECK(r.jitter == (300 + 200 + 100) / 3.0);
	CHECK(r.loss == 20);
	/* ewma x8: 800, 800+400-100, 1100+200-137, 1163+300-145 */
	CHECK_INT(r.ewma, 1318 / 8);
	CHECK(st.samples[0] == 100 && st.samples[3] == 400); /* sorted */
	ping_stats_free(&st);
	memset(&st, 0, sizeof st);
	st.sent = 3;
	ping_stats_summary(&st, &r);
	CHECK(r.loss == 100 && r.max == 0);
}

static void test_percentile_histogram(void)
{
	float s[20];
	size_t count[PING_HIST_ROWS], total = 0;
	double upper[PING_HIST_ROWS];
	int i;

	for (i = 0; i < 20; i++)
		s[i] = (float)(i + 1) * 50;
	CHECK(ping_percentile(s, 20, 95) == 950); /* rank ceil(19) */
	CHECK(ping_percentile(s, 19, 50) == 500); /* odd: the middle */
	CHECK(ping_percentile(s, 1, 95) == 50);
	CHECK_INT(ping_histogram(s, 20, count, upper), PING_HIST_ROWS);
	for (i = 0; i < PING_HIST_ROWS; i++)
		total += count[i];
	CHECK_INT(total, 20);
	CHECK(fabs(upper[PING_HIST_ROWS - 1] - 1000) < 0.01);
	CHECK(count[0] >= 1);
	CHECK_INT(ping_histogram(s, 1, count, upper), 0);
	s[1] = s[0];
	CHECK_INT(ping_histogram(s, 2, count, upper), 0); /* all equal */
}

static void test_unwrap(void)
{
	CHECK_INT(ping_unwrap(5, 3), 3);
	CHECK_INT(ping_unwrap(5, 5), 5);
	CHECK_INT(ping_unwrap(5, 6), 0);        /* not sent yet */
	CHECK_INT(ping_unwrap(5, 0), 0);
	CHECK_INT(ping_unwrap(65536, 0), 65536);
	CHECK_INT(ping_unwrap(70000, (uint16_t)70000), 70000);
	CHECK_INT(ping_unwrap(70000, (uint16_t)4465), 4465);  /* 65535 back */
	CHECK_INT(ping_unwrap(70000, (uint16_t)4464), 70000 - 65536 + 65536);
}

/* ---- a session without a network ---- */

struct fake {
	struct loop *l;
	struct ping_session *s;
	int drop[8];                  /* per target: drop the first N probes */
	int never[8];                 /* per target: never answer */
	int dup;
	struct ping_packet q[64];
	int nq, nsent, nevents[8];
	long long sent_at[64];
};

static void deliver(struct loop *l, void *arg)
{
	struct fake *f = arg;
	int i, n = f->nq;

	(void)l;
	f->nq = 0;
	for (i = 0; i < n; i++)
		ping_inject(f->s, 4, &f->q[i]);
}

static void queue_reply(struct fake *f, const uint8_t *buf, size_t len, const char *from)
{
	struct ping_packet *p = &f->q[f->nq++];
	struct sockaddr_in *sin = (struct sockaddr_in *)&p->from;
	uint16_t c;

	memset(p, 0, sizeof *p);
	memcpy(p->buf, buf, len);
	p->buf[0] = 0; /* echo reply */
	p->buf[2] = p->buf[3] = 0;
	c = icmp_checksum(p->buf, len);
	p->buf[2] = (uint8_t)(c >> 8);
	p->buf[3] = (uint8_t)c;
	p->len = len;
	p->ttl = 64;
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, from, &sin->sin_addr);
	clock_gettime(CLOCK_REALTIME, &p->when);
	if (f->nq == 1)
		loop_timer(f->l, 0, deliver, f);
}

static int fake_send(void *arg, const struct ping_target *t, const uint8_t *buf, size_t len)
{
	struct fake *f = arg;
	int i = (int)(t - ping_target_at(f->s, 0));

	f->sent_at[f->nsent++ % 64] = loop_now_us();
	if (f->never[i] || f->drop[i]-- > 0)
		return 0;
	queue_reply(f, buf, len, t->text);
	if (f->dup)
		queue_reply(f, buf, len, t->text);
	return 0;
}

static void count_event(void *arg, const struct ping_event *ev)
{
	struct fake *f = arg;

	f->nevents[ev->kind]++;
}

static struct ping_target *add4(struct ping_session *s, const char *a)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, a, &sin.sin_addr);
	return ping_add(s, a, (struct sockaddr *)&sin, sizeof sin);
}

static void run(struct fake *f, const struct ping_opts *o, int ntargets)
{
	char a[32];
	int i;

	f->l = loop_new();
	f->s = ping_new(o, count_event, f);
	for (i = 0; i < ntargets; i++) {
		snprintf(a, sizeof a, "10.0.0.%d", i + 1);
		add4(f->s, a);
	}
	ping_set_sender(f->s, fake_send, f);
	CHECK_INT(ping_start(f->s, f->l), 0);
	CHECK_INT(loop_run(f->l), 0);
}

static void done(struct fake *f)
{
	ping_free(f->s);
	loop_free(f->l);
}

static void base_opts(struct ping_opts *o)
{
	memset(o, 0, sizeof *o);
	o->interval_us = 1000;
	o->timeout_us = 20000;
	o->datalen = 56;
	pingsock_opts_init(&o->sock);
}

static void test_single(void)
{
	struct ping_opts o;
	struct fake f;
	struct ping_target *t;
	long long t0 = loop_now_us();

	base_opts(&o);
	o.count = 3;
	memset(&f, 0, sizeof f);
	f.dup = 1;
	run(&f, &o, 1);
	t = ping_target_at(f.s, 0);
	CHECK_INT(t->st.sent, 3);
	CHECK_INT(t->st.received, 3);
	CHECK(t->st.dups >= 2);               /* the last may come after the end */
	CHECK_INT(f.nevents[PING_SENT], 3);
	CHECK(loop_now_us() - t0 >= 2000);    /* paced by -i */
	CHECK(f.sent_at[1] - t0 >= 1000 && f.sent_at[2] - t0 >= 2000);
	done(&f);
	/* a lost probe: counted, and the wait after the last is -W */
	memset(&f, 0, sizeof f);
	f.drop[0] = 1;
	t0 = loop_now_us();
	run(&f, &o, 1);
	t = ping_target_at(f.s, 0);
	CHECK_INT(t->st.sent, 3);
	CHECK_INT(t->st.received, 2);
	CHECK(loop_now_us() - t0 >= 2000 + 10000); /* 2 x max rtt, at least 10 ms */
	done(&f);
}

static void test_many(void)
{
	struct ping_opts o;
	struct fake f;
	long long t0 = loop_now_us();

	base_opts(&o);
	o.many = 1;
	o.tries = 3;
	o.gap_us = 2000;
	o.timeout_us = 5000;
	memset(&f, 0, sizeof f);
	f.never[1] = 1;
	f.drop[2] = 1;
	run(&f, &o, 3);
	CHECK_INT(ping_target_at(f.s, 0)->st.sent, 1);   /* answered at once */
	CHECK_INT(ping_target_at(f.s, 0)->st.received, 1);
	CHECK_INT(ping_target_at(f.s, 1)->st.sent, 3);   /* every try */
	CHECK_INT(ping_target_at(f.s, 1)->st.received, 0);
	CHECK_INT(ping_target_at(f.s, 2)->st.sent, 2);   /* the retry answered */
	CHECK_INT(ping_target_at(f.s, 2)->st.received, 1);
	CHECK(f.sent_at[1] - t0 >= 2000);                 /* the rate */
	CHECK(f.sent_at[2] - t0 >= 4000);
	done(&f);
	/* -c: every target gets count probes, statistics each */
	base_opts(&o);
	o.many = 1;
	o.count = 2;
	memset(&f, 0, sizeof f);
	f.never[0] = 1;
	run(&f, &o, 2);
	CHECK_INT(ping_target_at(f.s, 0)->st.sent, 2);
	CHECK_INT(ping_target_at(f.s, 0)->st.received, 0);
	CHECK_INT(ping_target_at(f.s, 1)->st.received, 2);
	CHECK_INT(ping_target_at(f.s, 1)->st.nsamples, 2);
	done(&f);
}

/* An ICMP error read from a datagram socket's error queue names the
 * probe by the echo it returns, and the router as offender. */
static void test_error_queue(void)
{
	struct ping_opts o;
	struct fake f;
	struct ping_packet pkt;
	struct sockaddr_in *off = (struct sockaddr_in *)&pkt.offender;
	uint8_t echo[64];

	base_opts(&o);
	o.count = 1;
	o.timeout_us = 1000;
	memset(&f, 0, sizeof f);
	f.never[0] = 1;
	f.l = loop_new();
	f.s = ping_new(&o, count_event, &f);
	add4(f.s, "10.0.0.1");
	ping_set_sender(f.s, fake_send, &f);
	CHECK_INT(ping_start(f.s, f.l), 0);    /* probe 1 is sent at once */
	memset(&pkt, 0, sizeof pkt);
	icmp_build_echo(echo, sizeof echo, 4, 0, 1, 56);
	memcpy(pkt.buf, echo, 64);
	pkt.len = 64;
	pkt.is_error_queue = 1;
	pkt.ee_origin = SO_EE_ORIGIN_ICMP;
	pkt.ee_type = 3;
	pkt.ee_code = 1;
	off->sin_family = AF_INET;
	inet_pton(AF_INET, "10.0.0.254", &off->sin_addr);
	ping_inject(f.s, 4, &pkt);
	CHECK_INT(ping_target_at(f.s, 0)->st.errors, 1);
	CHECK_INT(f.nevents[PING_ERROR], 1);
	done(&f);
}

/* The offender after an IPv4 extended error is a sockaddr_in: copy that
 * much, never the size of a sockaddr_in6 past the message's end. */
static void test_cmsg_offender(void)
{
	size_t datalen = sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in);
	size_t space = CMSG_SPACE(datalen);
	char *control = malloc(space);
	struct msghdr mh;
	struct cmsghdr *c;
	struct sock_extended_err ee;
	struct sockaddr_in sin;
	struct ping_packet *pkt = calloc(1, sizeof *pkt);
	size_t i;
	int clean = 1;

	memset(control, 0, space);
	memset(&mh, 0, sizeof mh);
	mh.msg_control = control;
	mh.msg_controllen = space;
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_RECVERR;
	c->cmsg_len = CMSG_LEN(datalen);
	memset(&ee, 0, sizeof ee);
	ee.ee_origin = SO_EE_ORIGIN_ICMP;
	ee.ee_type = 11;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x0a000001);
	memcpy(CMSG_DATA(c), &ee, sizeof ee);
	memcpy(CMSG_DATA(c) + sizeof ee, &sin, sizeof sin);
	memset(&pkt->offender, 0x5a, sizeof pkt->offender);
	pingsock_read_cmsgs(&mh, pkt);
	CHECK_INT(pkt->is_error_queue, 1);
	CHECK_INT(pkt->ee_type, 11);
	CHECK_INT(pkt->offender.ss_family, AF_INET);
	CHECK(memcmp(&pkt->offender, &sin, sizeof sin) == 0);
	for (i = sizeof sin; i < sizeof pkt->offender; i++)
		if (((unsigned char *)&pkt->offender)[i] != 0)
			clean = 0;
	CHECK(clean); /* nothing from beyond the message */
	free(pkt);
	free(control);
}

/* TCP probes on loopback: a listening port answers, a bound one that
 * does not listen refuses (also an answer). */
static int tcp_refused;
static void tcp_event(void *arg, const struct ping_event *ev)
{
	(void)arg;
	if (ev->kind == PING_REPLY && ev->refused)
		tcp_refused++;
}

static void test_tcping(void)
{
	struct ping_opts o;
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int ls = socket(AF_INET, SOCK_STREAM, 0), bs = socket(AF_INET, SOCK_STREAM, 0), i;

	base_opts(&o);
	o.count = 2;
	for (i = 0; i < 2; i++) {
		struct loop *l = loop_new();
		struct ping_session *s = ping_new(&o, tcp_event, NULL);
		struct ping_target *t;
		struct tcping *tp;
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		bind(i ? bs : ls, (struct sockaddr *)&sin, sizeof sin);
		if (!i)
			listen(ls, 8);
		getsockname(i ? bs : ls, (struct sockaddr *)&sin, &len);
		t = ping_add(s, "127.0.0.1", (struct sockaddr *)&sin, sizeof sin);
		tp = tcping_new(&o, t, tcp_event, NULL);
		CHECK_INT(tcping_start(tp, l), 0);
		CHECK_INT(loop_run(l), 0);
		CHECK_INT(t->st.sent, 2);
		CHECK_INT(t->st.received, 2);
		CHECK_INT(tcp_refused, i ? 2 : 0);
		tcping_free(tp);
		ping_free(s);
		loop_free(l);
	}
	close(ls);
	close(bs);
}

int main(void)
{
	test_tcping();
	test_stats();
	test_percentile_histogram();
	test_unwrap();
	test_single();
	test_many();
	test_error_queue();
	test_cmsg_offender();
	return unit_report();
}
