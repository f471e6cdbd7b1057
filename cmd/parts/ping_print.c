/* ping's rendering: iputils' lines and statistics block, or JSON Lines
 * through lib/out. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "core/out.h"
#include "net/icmp.h"
#include "ping.h"

/* ---- printing --------------------------------------------------------------- */

static const struct out_col reply_cols[] = {
	{ "type", "", 0, 0 }, { "seq", "", 0, 0 }, { "bytes", "", 0, 0 },
	{ "from", "", 0, 0 }, { "ttl", "", 0, 0 }, { "rtt_ms", "", 0, 0 },
	{ "dup", "", 0, 0 }, { "bad_checksum", "", 0, 0 }, { "time", "", 0, 0 },
};
static const struct out_col error_cols[] = {
	{ "type", "", 0, 0 }, { "seq", "", 0, 0 }, { "from", "", 0, 0 },
	{ "icmp_type", "", 0, 0 }, { "icmp_code", "", 0, 0 }, { "message", "", 0, 0 },
};

/* iputils' precision: three decimals below 1 ms, fewer above. */
void ping_format_rtt(long long us, char *buf, size_t n)
{
	if (us >= 100000 - 50)
		snprintf(buf, n, "%lld", (us + 500) / 1000);
	else if (us >= 10000 - 5)
		snprintf(buf, n, "%lld.%01lld", (us + 50) / 1000, ((us + 50) % 1000) / 100);
	else if (us >= 1000)
		snprintf(buf, n, "%lld.%02lld", (us + 5) / 1000, ((us + 5) % 1000) / 10);
	else
		snprintf(buf, n, "%lld.%03lld", us / 1000, us % 1000);
}

static void print_stamp(const struct cli *c, const struct timespec *when)
{
	if (c->timestamps)
		printf("[%lld.%06ld] ", (long long)when->tv_sec, when->tv_nsec / 1000);
}

/* -q prints no line per packet; -f instead marks it on a terminal (a
 * reply erases its request's dot, an error leaves an E). */
static int no_line(const struct cli *c, const char *flood_mark)
{
	if (c->o.flood && !c->quiet && nt_stdout_is_tty())
		fputs(flood_mark, stdout);
	return c->quiet || c->o.flood;
}

static void json_reply(struct cli *c, const struct ping_event *ev)
{
	struct out *o = c->jreply;
	char stamp[48];

	out_str(o, "reply");
	out_int(o, ev->seq);
	out_uint(o, ev->bytes);
	out_str(o, ev->from);
	if (ev->ttl >= 0)
		out_int(o, ev->ttl);
	else
		out_str(o, NULL);
	out_real(o, (double)ev->rtt_us / 1000, 3);
	out_bool(o, ev->dup);
	out_bool(o, ev->bad_checksum);
	snprintf(stamp, sizeof stamp, "%lld.%06ld", (long long)ev->when->tv_sec,
		 ev->when->tv_nsec / 1000);
	out_num(o, stamp); /* a double would round the microseconds */
	out_end(o);
}

static void print_reply(struct cli *c, const struct ping_event *ev)
{
	char t[32];

	if (c->json) {
		json_reply(c, ev);
		return;
	}
	if (no_line(c, "\b \b"))
		return;
	ping_format_rtt(ev->rtt_us, t, sizeof t);
	print_stamp(c, ev->when);
	printf("%zu bytes from %s: icmp_seq=%lld", ev->bytes, ev->from, ev->seq);
	if (ev->ttl >= 0)
		printf(" ttl=%d", ev->ttl);
	printf(" time=%s ms%s%s%s\n", t, ev->dup ? " (DUP!)" : "",
	       ev->bad_checksum ? " (BAD CHECKSUM!)" : "",
	       ev->different && !c->o.sock.broadcast ? " (DIFFERENT ADDRESS!)" : "");
}

static void print_error(struct cli *c, const struct ping_event *ev)
{
	const char *msg = icmp_error_text(ev->t->family, ev->icmp_type, ev->icmp_code);

	if (c->json) {
		struct out *o = c->jerror;
		out_str(o, "error");
		out_int(o, ev->seq);
		out_str(o, ev->from);
		out_int(o, ev->icmp_type);
		out_int(o, ev->icmp_code);
		out_str(o, msg);
		out_end(o);
		return;
	}
	if (no_line(c, "E"))
		return;
	print_stamp(c, ev->when);
	printf("From %s icmp_seq=%lld %s", ev->from, ev->seq, msg);
	if (ev->mtu && ev->t->family == 4)
		printf(" (mtu = %d)", ev->mtu);
	else if (ev->mtu)
		printf(": mtu=%d", ev->mtu);
	putchar('\n');
}

/* The kernel refused the probe: at once (no route), or through the error
 * queue (too big for the path: iputils' "local error" on stderr). */
static void print_send_error(struct cli *c, const struct ping_event *ev)
{
	if (c->quiet || c->json)
		return;
	if (ev->local && ev->err == EMSGSIZE)
		nt_warn("local error: message too long, mtu=%d", ev->mtu);
	else if (ev->local)
		nt_warn("local error: %s", strerror(ev->err));
	else
		printf("From %s icmp_seq=%lld %s\n", ev->t->text, ev->seq, strerror(ev->err));
}

void ping_print_event(void *arg, const struct ping_event *ev)
{
	struct cli *c = arg;

	switch (ev->kind) {
	case PING_SENT:
		if (c->o.flood && !c->quiet && !c->json && nt_stdout_is_tty())
			fputs(".", stdout);
		break;
	case PING_SEND_ERROR:
		print_send_error(c, ev);
		break;
	case PING_REPLY:
		print_reply(c, ev);
		break;
	case PING_ERROR:
		print_error(c, ev);
		break;
	case PING_MISSING:
		if (!c->quiet && !c->json && !c->o.flood)
			printf("no answer yet for icmp_seq=%lld\n", ev->seq);
		break;
	}
	fflush(stdout); /* lines as they happen, even into a pipe */
}

/* ---- statistics ------------------------------------------------------------------ */

/* A compact histogram of the round trips: up to 8 log-spaced rows. */
static void print_histogram(const struct ping_stats *st)
{
	enum { WIDTH = 40 };
	size_t count[PING_HIST_ROWS], most = 0;
	double upper[PING_HIST_ROWS];
	int r;

	if (!ping_histogram(st->samples, st->nsamples, count, upper))
		return;
	for (r = 0; r < PING_HIST_ROWS; r++)
		if (count[r] > most)
			most = count[r];
	for (r = 0; r < PING_HIST_ROWS; r++) {
		int bar = (int)((count[r] * WIDTH + most - 1) / most);
		printf("  <%9.3f ms |%-*.*s %zu\n", upper[r] / 1000, WIDTH, bar,
		       "########################################", count[r]);
	}
}

/* iputils shows ipg/ewma only for probes not paced by an interval. */
static int unpaced(const struct cli *c, const struct ping_stats *st)
{
	return st->received && (c->o.flood || c->o.interval_us == 0) && st->sent > 1;
}

static void json_summary(struct cli *c, struct ping_target *t, const struct ping_summary *r,
			 long long elapsed_us)
{
	static const struct out_col cols[] = {
		{ "type", "", 0, 0 }, { "host", "", 0, 0 }, { "address", "", 0, 0 },
		{ "transmitted", "", 0, 0 }, { "received", "", 0, 0 },
		{ "duplicates", "", 0, 0 }, { "corrupted", "", 0, 0 }, { "errors", "", 0, 0 },
		{ "loss_percent", "", 0, 0 }, { "time_ms", "", 0, 0 },
		{ "rtt_min_ms", "", 0, 0 }, { "rtt_avg_ms", "", 0, 0 }, { "rtt_max_ms", "", 0, 0 },
		{ "rtt_mdev_ms", "", 0, 0 }, { "rtt_median_ms", "", 0, 0 },
		{ "rtt_p95_ms", "", 0, 0 }, { "jitter_ms", "", 0, 0 },
		{ "pipe", "", 0, 0 }, { "ipg_ms", "", 0, 0 }, { "ewma_ms", "", 0, 0 },
	};
	struct out *o = out_open(stdout, OUT_JSON, cols, sizeof cols / sizeof cols[0]);
	const struct ping_stats *st = &t->st;
	char loss[32];

	out_str(o, "summary");
	out_str(o, t->name);
	out_str(o, t->text);
	out_int(o, st->sent);
	out_int(o, st->received);
	out_int(o, st->dups);
	out_int(o, st->corrupt);
	out_int(o, st->errors);
	snprintf(loss, sizeof loss, "%g", r->loss); /* as the text line */
	out_num(o, loss);
	out_int(o, (elapsed_us + 500) / 1000);
	if (st->received) {
		out_real(o, (double)r->min / 1000, 3);
		out_real(o, (double)r->avg / 1000, 3);
		out_real(o, (double)r->max / 1000, 3);
		out_real(o, (double)r->mdev / 1000, 3);
		out_real(o, r->median / 1000, 3);
		out_real(o, r->p95 / 1000, 3);
		out_real(o, r->jitter / 1000, 3);
		out_int(o, st->pipe);
		if (unpaced(c, st)) {
			out_real(o, (double)(st->sent > 1 ? elapsed_us / (st->sent - 1) : 0) / 1000, 3);
			out_real(o, (double)r->ewma / 1000, 3);
		}
	}
	out_end(o);
	out_close(o);
}

static void print_ms3(const char *sep, long long us)
{
	printf("%s%lld.%03lld", sep, us / 1000, us % 1000);
}

/* iputils' block: the counts, then rtt, how many probes were in flight at
 * most (pipe) and, for unpaced probes, the mean gap and moving average.
 * Its final newline comes even without replies, leaving a blank line. */
static void text_summary(struct cli *c, struct ping_target *t, const struct ping_summary *r,
			 long long elapsed_us)
{
	const struct ping_stats *st = &t->st;
	long long ipg = st->sent > 1 ? elapsed_us / (st->sent - 1) : 0;

	if (c->o.flood && nt_stdout_is_tty())
		putchar('\n');
	/* Beyond iputils, but ahead of its statistics block, so that scripts
	 * reading that block (tail -1, tail -3, grep) find it unchanged. */
	if (st->received)
		printf("latency median/p95/jitter = %.3f/%.3f/%.3f ms\n",
		       r->median / 1000, r->p95 / 1000, r->jitter / 1000);
	printf("\n--- %s ping statistics ---\n", t->name);
	printf("%lld packets transmitted, %lld received", st->sent, st->received);
	if (st->dups)
		printf(", +%lld duplicates", st->dups);
	if (st->corrupt)
		printf(", +%lld corrupted", st->corrupt);
	if (st->errors)
		printf(", +%lld errors", st->errors);
	printf(", %g%% packet loss, time %lldms\n", r->loss, (elapsed_us + 500) / 1000);
	if (st->received) {
		print_ms3("rtt min/avg/max/mdev = ", r->min);
		print_ms3("/", r->avg);
		print_ms3("/", r->max);
		print_ms3("/", r->mdev);
		fputs(" ms", stdout);
	}
	if (st->pipe > 1)
		printf(", pipe %lld", st->pipe);
	if (unpaced(c, st)) {
		print_ms3(", ipg/ewma ", ipg);
		print_ms3("/", r->ewma);
		fputs(" ms", stdout);
	}
	putchar('\n');
	if (st->received && nt_stdout_is_tty())
		print_histogram(st);
}

void ping_print_summary(struct cli *c)
{
	ping_print_stats(c, ping_target_at(c->s, 0), ping_elapsed_us(c->s));
}

void ping_print_stats(struct cli *c, struct ping_target *t, long long elapsed_us)
{
	struct ping_summary r;

	ping_stats_summary(&t->st, &r);
	if (c->json)
		json_summary(c, t, &r, elapsed_us);
	else
		text_summary(c, t, &r, elapsed_us);
}

void ping_print_header(struct cli *c)
{
	struct ping_target *t = ping_target_at(c->s, 0);

	if (c->json) {
		c->jreply = out_open(stdout, OUT_JSON, reply_cols,
				     sizeof reply_cols / sizeof reply_cols[0]);
		c->jerror = out_open(stdout, OUT_JSON, error_cols,
				     sizeof error_cols / sizeof error_cols[0]);
	} else if (t->family == 4) {
		printf("PING %s (%s) %zu(%zu) bytes of data.\n", t->name, t->text,
		       c->o.datalen, c->o.datalen + 28);
	} else {
		printf("PING %s (%s) %zu data bytes\n", t->name, t->text, c->o.datalen);
	}
	fflush(stdout);
}

