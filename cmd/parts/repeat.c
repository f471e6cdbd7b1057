/* send --repeat: long and short connections side by side (the notes' 4.8). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "cmd.h"
#include "repeat.h"
#include "core/loop.h"
#include "core/out.h"
#include "net/exchange.h"
#include "net/sock.h"
#include "system/procnet.h"

struct repeat_args {
	const char *host, *port;
	int family;                 /* 0, 4 or 6 */
	const char *msg;            /* MESSAGE with its newline */
	size_t len;
	unsigned long count;
	int keep, json;
	int timeout_ms;             /* connect, reply and teardown, each */
};

struct tw_count {
	const struct sockaddr_storage *peer;
	const unsigned char *ours;  /* bitmap of this run's local ports */
	unsigned long n;
};

/* Counts the TIME_WAIT sockets this run left towards the peer. */
static int count_tw(const struct sock_rec *r, void *arg)
{
	struct tw_count *c = arg;
	const struct sockaddr_storage *p = c->peer;

	if (r->state != TS_TIME_WAIT || r->rport != sock_addr_port((const void *)p) ||
	    !((c->ours[r->lport >> 3] >> (r->lport & 7)) & 1))
		return 0;
	if (p->ss_family == AF_INET && r->family == 4 &&
	    memcmp(r->remote, &((const struct sockaddr_in *)(const void *)p)->sin_addr, 4) == 0)
		c->n++;
	else if (p->ss_family == AF_INET6 && r->family == 6 &&
		 memcmp(r->remote, &((const struct sockaddr_in6 *)(const void *)p)->sin6_addr, 16) == 0)
		c->n++;
	return 0;
}

static long time_wait_left(const struct sockaddr_storage *peer,
			   const struct xchg_result *r)
{
	static unsigned char ours[65536 / 8];
	struct tw_count c = { peer, ours, 0 };
	unsigned long i;

	for (i = 0; i < r->connections; i++)
		ours[r->local_ports[i] >> 3] |= (unsigned char)(1u << (r->local_ports[i] & 7));
	if (procnet_scan(nt_proc_root(), 1u << SP_TCP, peer->ss_family == AF_INET ? 4 : 6,
			 count_tw, &c, NULL) < 0)
		return -1;
	return (long)c.n;
}

static void on_signal(struct loop *l, int signo, void *arg)
{
	(void)signo;
	(void)arg;
	loop_stop(l);
}

static void json_stats(struct out *o, const char *prefix, const struct xchg_stats *s)
{
	char key[32];

	snprintf(key, sizeof key, "%s_min_ms", prefix);
	out_real(out_key(o, key), s->min, 3);
	snprintf(key, sizeof key, "%s_median_ms", prefix);
	out_real(out_key(o, key), s->median, 3);
	snprintf(key, sizeof key, "%s_p95_ms", prefix);
	out_real(out_key(o, key), s->p95, 3);
	snprintf(key, sizeof key, "%s_max_ms", prefix);
	out_real(out_key(o, key), s->max, 3);
}

struct summary {
	const struct repeat_args *a;
	const struct xchg_result *r;
	const char *peer;
	struct xchg_stats conn, xchg;
	double rate;
	long tw;
};

static void print_json(const struct summary *s)
{
	static const struct out_col cols[] = {
		{ "peer", "", 0, 0 }, { "keep", "", 0, 0 },
		{ "requested", "", 0, 0 }, { "exchanges", "", 0, 0 },
		{ "connections", "", 0, 0 }, { "total_ms", "", 0, 0 },
		{ "exchanges_per_s", "", 0, 0 },
		{ "connect_min_ms", "", 0, 0 }, { "connect_median_ms", "", 0, 0 },
		{ "connect_p95_ms", "", 0, 0 }, { "connect_max_ms", "", 0, 0 },
		{ "exchange_min_ms", "", 0, 0 }, { "exchange_median_ms", "", 0, 0 },
		{ "exchange_p95_ms", "", 0, 0 }, { "exchange_max_ms", "", 0, 0 },
		{ "time_wait", "", 0, 0 }, { "complete", "", 0, 0 },
	};
	struct out *o = out_open(stdout, OUT_JSON, cols, sizeof cols / sizeof cols[0]);

	out_str(out_key(o, "peer"), s->peer);
	out_bool(out_key(o, "keep"), s->a->keep);
	out_uint(out_key(o, "requested"), s->a->count);
	out_uint(out_key(o, "exchanges"), s->r->done);
	out_uint(out_key(o, "connections"), s->r->connections);
	out_real(out_key(o, "total_ms"), s->r->total_ms, 3);
	out_real(out_key(o, "exchanges_per_s"), s->rate, 1);
	json_stats(o, "connect", &s->conn);
	json_stats(o, "exchange", &s->xchg);
	if (s->tw >= 0)
		out_int(out_key(o, "time_wait"), s->tw);
	else
		out_str(out_key(o, "time_wait"), NULL);
	out_bool(out_key(o, "complete"), s->r->end == XCHG_DONE);
	out_end(o);
	out_close(o);
}

static void print_text(const struct summary *s)
{
	printf("%lu of %lu exchanges over %lu connection%s to %s in %.3f s (%.1f exchanges/s)\n",
	       s->r->done, s->a->count, s->r->connections,
	       s->r->connections == 1 ? "" : "s", s->peer, s->r->total_ms / 1000, s->rate);
	printf("connect  min/median/p95/max = %.3f/%.3f/%.3f/%.3f ms\n",
	       s->conn.min, s->conn.median, s->conn.p95, s->conn.max);
	printf("exchange min/median/p95/max = %.3f/%.3f/%.3f/%.3f ms\n",
	       s->xchg.min, s->xchg.median, s->xchg.p95, s->xchg.max);
	if (s->tw >= 0)
		printf("TIME_WAIT sockets left towards %s: %ld\n", s->peer, s->tw);
}

static void report_end(const struct repeat_args *a, const struct xchg_result *r,
		       const char *peer)
{
	if (r->end == XCHG_DONE)
		return;
	if (r->end == XCHG_TIMEOUT)
		nt_warn("no %s from %s within the timeout; %lu of %lu exchanges done",
			r->connecting ? "connection" : "reply", peer, r->done, a->count);
	else if (r->err)
		nt_warn("%s %s: %s; %lu of %lu exchanges done", xchg_end_text(r->end),
			peer, sock_strerror(r->err), r->done, a->count);
	else
		nt_warn("%s %s; %lu of %lu exchanges done", xchg_end_text(r->end),
			peer, r->done, a->count);
}

/* The whole series, to a resolved peer. */
static int run(const struct repeat_args *a)
{
	struct xchg_opts xo = { .msg = a->msg, .len = a->len, .count = a->count,
				.keep = a->keep, .timeout_ms = a->timeout_ms };
	struct sockaddr_storage peer;
	struct xchg_result r;
	struct summary s = { .a = a, .r = &r };
	char where[SOCK_ADDRSTRLEN], q[128];
	struct loop *l;
	int err;

	if (xchg_resolve(a->host, a->port, a->family, &peer, &xo.peerlen, &err) < 0)
		nt_usage_error("cannot resolve '%s': %s", nt_quote(a->host, q, sizeof q),
			       sock_strerror(err));
	xo.peer = (const struct sockaddr *)&peer;
	s.peer = sock_format_addr(xo.peer, xo.peerlen, where, sizeof where);
	if (!(l = loop_new()))
		nt_die(EXIT_NO, "cannot start the event loop: %s", strerror(errno));
	loop_signal(l, SIGINT, on_signal, NULL);
	loop_signal(l, SIGTERM, on_signal, NULL);
	if (xchg_run(l, &xo, &r) < 0)
		nt_die(EXIT_NO, "cannot start: %s", strerror(errno));
	loop_free(l);
	report_end(a, &r, s.peer);
	xchg_stats(r.connect_ms, r.connections, &s.conn);
	xchg_stats(r.exchange_ms, r.done, &s.xchg);
	s.rate = r.total_ms > 0 ? r.done * 1000.0 / r.total_ms : 0;
	s.tw = time_wait_left(&peer, &r);
	if (a->json)
		print_json(&s);
	else
		print_text(&s);
	xchg_result_free(&r);
	return r.end == XCHG_DONE ? EXIT_YES : EXIT_NO;
}

int send_repeat(const struct repeat_opts *r, const struct sock_spec *spec,
		const char *msg, size_t len, int newline, int timeout_ms,
		int json)
{
	struct repeat_args a = {
		.host = spec->host, .port = spec->port, .count = (unsigned long)r->count,
		.family = spec->family == AF_INET ? 4 : spec->family == AF_INET6 ? 6 : 0,
		.msg = msg, .len = len, .keep = r->keep, .json = json,
		.timeout_ms = timeout_ms > 0 ? timeout_ms : 10000,
	};

	if (!r->count)
		nt_usage_error("--keep goes with --repeat N");
	if (spec->proto != SOCK_PROTO_TCP)
		nt_usage_error("--repeat needs tcp: it counts connections");
	if (!msg) {
		a.msg = newline ? "ping\n" : "ping";
		a.len = strlen(a.msg);
	}
	return run(&a);
}
