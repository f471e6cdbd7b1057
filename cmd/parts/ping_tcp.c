/* ping --tcp PORT (tcping): connect times in iputils' shape. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "core/loop.h"
#include "core/out.h"
#include "net/tcping.h"
#include "ping.h"

static const struct out_col tcp_cols[] = {
	{ "type", "", 0, 0 }, { "seq", "", 0, 0 }, { "from", "", 0, 0 },
	{ "port", "", 0, 0 }, { "state", "", 0, 0 }, { "rtt_ms", "", 0, 0 },
	{ "time", "", 0, 0 },
};

static void json_connect(struct cli *c, const struct ping_event *ev)
{
	struct out *o = c->jreply;
	char stamp[48];

	out_str(o, "reply");
	out_int(o, ev->seq);
	out_str(o, ev->from);
	out_int(o, c->tcp_port);
	out_str(o, ev->refused ? "closed" : "open");
	out_real(o, (double)ev->rtt_us / 1000, 3);
	snprintf(stamp, sizeof stamp, "%lld.%06ld", (long long)ev->when->tv_sec,
		 ev->when->tv_nsec / 1000);
	out_num(o, stamp);
	out_end(o);
}

/* "connected to ADDR:PORT: tcp_seq=N time=T ms" (or "refused by"), the
 * shape of iputils' reply line; a timeout prints nothing, as a loss. */
static void tcp_event(void *arg, const struct ping_event *ev)
{
	struct cli *c = arg;
	const char *a = ev->t->text, *l = ev->t->family == 6 ? "[" : "", *r = ev->t->family == 6 ? "]" : "";
	char t[32];

	if (ev->kind == PING_REPLY && c->json)
		json_connect(c, ev);
	if (c->quiet || c->json)
		return;
	if (ev->kind == PING_REPLY) {
		ping_format_rtt(ev->rtt_us, t, sizeof t);
		printf("%s %s%s%s:%d: tcp_seq=%lld time=%s ms\n", ev->refused ? "refused by" :
		       "connected to", l, a, r, c->tcp_port, ev->seq, t);
	} else if (ev->kind == PING_SEND_ERROR) {
		printf("From %s tcp_seq=%lld %s\n", a, ev->seq, strerror(ev->err));
	} else if (ev->kind == PING_MISSING && c->o.report_missing) {
		printf("no answer yet for tcp_seq=%lld\n", ev->seq);
	}
	fflush(stdout);
}

int ping_tcp_run(struct cli *c, struct loop *l)
{
	struct ping_target *t = ping_target_at(c->s, 0);
	struct tcping *tp;
	int rc;

	if (t->family == 6)
		((struct sockaddr_in6 *)&t->addr)->sin6_port = htons((uint16_t)c->tcp_port);
	else
		((struct sockaddr_in *)&t->addr)->sin_port = htons((uint16_t)c->tcp_port);
	tp = tcping_new(&c->o, t, tcp_event, c);
	c->tcp = tp;
	if (c->json)
		c->jreply = out_open(stdout, OUT_JSON, tcp_cols, sizeof tcp_cols / sizeof tcp_cols[0]);
	else
		printf("PING %s (%s) port %d over TCP.\n", t->name, t->text, c->tcp_port);
	fflush(stdout);
	if (tcping_start(tp, l) < 0 || loop_run(l) < 0)
		nt_die(EXIT_NO, "waiting for connects failed");
	ping_print_stats(c, t, tcping_elapsed_us(tp));
	rc = t->st.received ? EXIT_YES : EXIT_NO;
	tcping_free(tp);
	return rc;
}
