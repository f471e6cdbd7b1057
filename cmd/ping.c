/* ping: an ICMP/ICMPv6 echo probe with iputils' output. */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "net/icmp.h"
#include "core/num.h"
#include "core/out.h"
#include "net/pingsock.h"
#include "system/sockfmt.h"

const char ping_usage[] =
"usage: nettool ping [-4|-6] [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-w DEADLINE]\n"
"                    [-s SIZE] [-t TTL] [-q] [-f] [-D] [--json] HOST\n"
"\n"
"Send ICMP (or ICMPv6) echo requests to HOST and report the replies in\n"
"iputils ping's format, statistics at the end and on Ctrl-C.\n"
"\n"
"  -4, -6         use IPv4 or IPv6 only\n"
"  -c COUNT       stop after COUNT replies (or COUNT sent and waited for)\n"
"  -i INTERVAL    seconds between requests (default 1; below 0.002 root only)\n"
"  -W TIMEOUT     seconds to wait for a reply when none came (default 10)\n"
"  -w DEADLINE    stop after DEADLINE seconds whatever happened\n"
"  -s SIZE        data bytes per request (default 56)\n"
"  -t TTL         IP time to live (IPv6 hop limit)\n"
"  -q             quiet: only the header and the statistics\n"
"  -f             flood: the next request as soon as a reply came (root only)\n"
"  -D             print the receive time (UNIX time) before each line\n"
"  -j, --json     one JSON object per reply or error and one for the summary\n";

#define SEQ_WINDOW 65536
#define MAX_SAMPLES (1u << 20)

struct ping {
	/* options */
	int family, quiet, flood, timestamps, json, ttl;
	long count;
	long long interval_us, timeout_us, deadline_us;
	size_t datalen;
	const char *host;
	/* target */
	struct sockaddr_storage dst;
	socklen_t dstlen;
	char addr[SOCKFMT_ADDRLEN];
	struct pingsock ps;
	/* state */
	long long sent, received, dups, corrupt, errors;
	struct timespec sent_at[SEQ_WINDOW];
	uint8_t got[SEQ_WINDOW / 8];
	long long rtt_min, rtt_max;    /* microseconds */
	double rtt_sum, rtt_sum2;
	float *samples;
	size_t nsamples;
	double jitter_sum;
	long long last_rtt;
	long long ewma8;               /* 8 x iputils' moving average */
	long long pipe;                /* most probes in flight at a reply */
	struct timespec start;
	struct out *jreply, *jerror;
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static long long mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long ts_diff_us(const struct timespec *a, const struct timespec *b)
{
	return (long long)(a->tv_sec - b->tv_sec) * 1000000 + (a->tv_nsec - b->tv_nsec) / 1000;
}

/* ---- options -------------------------------------------------------------- */

static long long seconds_opt(const char *s, const char *what, double min, double max)
{
	long long us;
	char q[64];

	if (num_parse_seconds(s, min, max, &us) != NUM_OK)
		nt_usage_error("%s '%s' is not a number of seconds (%g-%g)", what,
			       nt_quote(s, q, sizeof q), min, max);
	return us;
}

static long long_opt(const char *s, const char *what, long min, long max)
{
	long v;
	char q[64];
	enum num_err e = num_parse_long(s, min, max, &v);

	if (e != NUM_OK)
		nt_usage_error("%s '%s' %s (%ld-%ld)", what, nt_quote(s, q, sizeof q),
			       num_strerror(e), min, max);
	return v;
}

static void parse_options(struct ping *p, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	char q[128];
	int c;

	p->interval_us = 1000000;
	p->timeout_us = 10000000;
	p->datalen = 56;
	p->ttl = -1;
	while ((c = nt_getopt(argc, argv, "46c:i:W:w:s:t:qfDj", longopts)) != -1) {
		switch (c) {
		case '4': p->family = 4; break;
		case '6': p->family = 6; break;
		case 'c': p->count = long_opt(optarg, "count", 1, 1000000000L); break;
		case 'i': p->interval_us = seconds_opt(optarg, "interval", 0, 3600); break;
		case 'W': p->timeout_us = seconds_opt(optarg, "timeout", 0, 3600); break;
		case 'w': p->deadline_us = seconds_opt(optarg, "deadline", 0.001, 1e9); break;
		case 's': p->datalen = (size_t)long_opt(optarg, "size", 0, 65507); break;
		case 't': p->ttl = (int)long_opt(optarg, "ttl", 1, 255); break;
		case 'q': p->quiet = 1; break;
		case 'f': p->flood = 1; break;
		case 'D': p->timestamps = 1; break;
		case 'j': p->json = 1; break;
		}
	}
	if (optind >= argc)
		nt_usage_error("name a host to ping (see 'nettool ping --help')");
	if (optind + 1 < argc)
		nt_usage_error("unexpected argument '%s' (one host at a time)",
			       nt_quote(argv[optind + 1], q, sizeof q));
	p->host = argv[optind];
	if (geteuid() != 0 && p->flood)
		nt_usage_error("flood (-f) is for root only");
	if (geteuid() != 0 && p->interval_us < 2000)
		nt_usage_error("interval below 0.002 s is for root only");
	if (p->flood)
		p->interval_us = 0;
}

static void resolve(struct ping *p)
{
	struct addrinfo hints, *res;
	char q[256];
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = p->family == 4 ? AF_INET : p->family == 6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_RAW;
	hints.ai_flags = AI_NUMERICHOST;
	rc = getaddrinfo(p->host, NULL, &hints, &res);
	if (rc == EAI_NONAME) {
		hints.ai_flags = 0; /* a name: now, and only now, ask DNS */
		rc = getaddrinfo(p->host, NULL, &hints, &res);
	}
	if (rc != 0)
		nt_usage_error("cannot resolve '%s': %s", nt_quote(p->host, q, sizeof q),
			       gai_strerror(rc));
	memcpy(&p->dst, res->ai_addr, res->ai_addrlen);
	p->dstlen = res->ai_addrlen;
	p->family = res->ai_family == AF_INET ? 4 : 6;
	freeaddrinfo(res);
	if (p->family == 6 && p->datalen > 65527)
		p->datalen = 65527;
	sockfmt_ip(p->family == 4 ? (uint8_t *)&((struct sockaddr_in *)&p->dst)->sin_addr :
		   (uint8_t *)&((struct sockaddr_in6 *)&p->dst)->sin6_addr, p->family, p->addr);
}

static void open_socket(struct ping *p)
{
	int dgram_errno;

	if (pingsock_open(&p->ps, p->family, &dgram_errno) < 0) {
		gid_t g = getgid();
		nt_die(EXIT_USAGE, "cannot open an ICMP socket (%s): allow group %ld with "
		       "'sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"', or give the "
		       "binary CAP_NET_RAW with 'setcap cap_net_raw+ep nettool'",
		       strerror(errno), (long)g);
	}
	(void)dgram_errno;
	if (pingsock_drop_privileges() < 0)
		nt_die(EXIT_USAGE, "cannot drop privileges: %s", strerror(errno));
	if (p->ttl > 0 && pingsock_set_ttl(&p->ps, p->ttl) < 0)
		nt_die(EXIT_USAGE, "cannot set ttl %d: %s", p->ttl, strerror(errno));
}

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
static void format_rtt(long long us, char *buf, size_t n)
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

static void print_stamp(struct ping *p, const struct timespec *when)
{
	if (p->timestamps)
		printf("[%lld.%06ld] ", (long long)when->tv_sec, when->tv_nsec / 1000);
}

/* -q prints no line per packet; -f instead marks it on a terminal (a
 * reply erases its request's dot, an error leaves an E). */
static int no_line(const struct ping *p, const char *flood_mark)
{
	if (p->flood && !p->quiet && nt_stdout_is_tty())
		fputs(flood_mark, stdout);
	return p->quiet || p->flood;
}

static void print_reply(struct ping *p, long long seq, size_t bytes, const char *from,
			int ttl, long long rtt, int dup, int bad, const struct timespec *when)
{
	char t[32], stamp[48];

	format_rtt(rtt, t, sizeof t);
	if (p->json) {
		struct out *o = p->jreply;
		out_str(o, "reply");
		out_int(o, seq);
		out_uint(o, bytes);
		out_str(o, from);
		if (ttl >= 0)
			out_int(o, ttl);
		else
			out_str(o, NULL);
		out_real(o, (double)rtt / 1000, 3);
		out_bool(o, dup);
		out_bool(o, bad);
		snprintf(stamp, sizeof stamp, "%lld.%06ld", (long long)when->tv_sec,
			 when->tv_nsec / 1000);
		out_num(o, stamp); /* a double would round the microseconds */
		out_end(o);
		return;
	}
	if (no_line(p, "\b \b"))
		return;
	print_stamp(p, when);
	printf("%zu bytes from %s: icmp_seq=%lld", bytes, from, seq);
	if (ttl >= 0)
		printf(" ttl=%d", ttl);
	printf(" time=%s ms%s%s\n", t, dup ? " (DUP!)" : "", bad ? " (BAD CHECKSUM!)" : "");
}

static void print_error(struct ping *p, long long seq, const char *from, int type, int code,
			const struct timespec *when)
{
	const char *msg = icmp_error_text(p->family, type, code);

	if (p->json) {
		struct out *o = p->jerror;
		out_str(o, "error");
		out_int(o, seq);
		out_str(o, from);
		out_int(o, type);
		out_int(o, code);
		out_str(o, msg);
		out_end(o);
		return;
	}
	if (no_line(p, "E"))
		return;
	print_stamp(p, when);
	printf("From %s icmp_seq=%lld %s\n", from, seq, msg);
}

/* ---- sending and receiving ---------------------------------------------------- */

static void send_one(struct ping *p)
{
	uint8_t buf[65536];
	long long seq = p->sent + 1;
	uint16_t s16 = (uint16_t)seq;
	size_t len = icmp_build_echo(buf, sizeof buf, p->family, p->ps.id, s16, p->datalen);

	p->got[s16 >> 3] &= (uint8_t)~(1u << (s16 & 7));
	clock_gettime(CLOCK_REALTIME, &p->sent_at[s16]);
	p->sent++;
	if (pingsock_send(&p->ps, buf, len, (struct sockaddr *)&p->dst, p->dstlen) < 0) {
		/* the kernel refused at once (no route, unreachable): an error */
		p->errors++;
		if (!p->quiet && !p->json)
			printf("From %s icmp_seq=%lld %s\n", p->addr, seq, strerror(errno));
		return;
	}
	if (p->flood && !p->quiet && !p->json && nt_stdout_is_tty())
		fputs(".", stdout);
}

/* The sequence number we sent that a 16-bit seq stands for, or 0. */
static long long unwrap_seq(const struct ping *p, uint16_t s16)
{
	long long c = (p->sent & ~0xffffLL) | s16;

	if (c > p->sent)
		c -= 65536;
	return c > 0 && p->sent - c < SEQ_WINDOW ? c : 0;
}

static void note_rtt(struct ping *p, long long rtt)
{
	if (p->received == 1 || rtt < p->rtt_min)
		p->rtt_min = rtt;
	if (rtt > p->rtt_max)
		p->rtt_max = rtt;
	p->rtt_sum += (double)rtt;
	p->rtt_sum2 += (double)rtt * (double)rtt;
	if (p->received > 1)
		p->jitter_sum += (double)llabs(rtt - p->last_rtt);
	p->last_rtt = rtt;
	/* iputils' ewma: weight 1/8, kept scaled by 8 in integers */
	p->ewma8 = p->received == 1 ? rtt * 8 : p->ewma8 + rtt - p->ewma8 / 8;
	if (p->nsamples < MAX_SAMPLES)
		p->samples[p->nsamples++] = (float)rtt;
}

static void from_text(const struct sockaddr_storage *ss, char *buf)
{
	if (ss->ss_family == AF_INET6)
		sockfmt_ip((const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr, 6, buf);
	else
		sockfmt_ip((const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr, 4, buf);
}

static void handle_error_queue(struct ping *p, struct ping_packet *pkt)
{
	struct icmp_msg m;
	char from[SOCKFMT_ADDRLEN];
	long long seq;

	/* The queue returns our own echo: its seq says which probe failed. */
	if (icmp_parse(pkt->buf, pkt->len, p->family, 0, &m) < 0)
		return;
	seq = unwrap_seq(p, m.seq);
	if (!seq)
		return;
	from_text(&pkt->offender, from);
	p->errors++;
	print_error(p, seq, from, pkt->ee_type, pkt->ee_code, &pkt->when);
}

static void handle_packet(struct ping *p, struct ping_packet *pkt)
{
	struct icmp_msg m;
	char from[SOCKFMT_ADDRLEN];
	long long seq, rtt;
	uint16_t s16;
	int ttl, dup;

	if (pkt->is_error_queue) {
		handle_error_queue(p, pkt);
		return;
	}
	if (icmp_parse(pkt->buf, pkt->len, p->family, p->ps.raw && p->family == 4, &m) < 0)
		return;
	if (m.kind == ICMP_KIND_OTHER || (p->ps.raw && m.id != p->ps.id))
		return; /* someone else's */
	seq = unwrap_seq(p, m.seq);
	if (!seq)
		return;
	if (p->ps.raw && p->family == 4)
		sockfmt_ip(m.src, 4, from);
	else
		from_text(&pkt->from, from);
	if (m.kind == ICMP_KIND_ERROR) {
		p->errors++;
		print_error(p, seq, from, m.type, m.code, &pkt->when);
		return;
	}
	s16 = m.seq;
	rtt = ts_diff_us(&pkt->when, &p->sent_at[s16]);
	if (rtt < 0)
		rtt = 0;
	ttl = m.ttl >= 0 ? m.ttl : pkt->ttl;
	if (!m.checksum_ok) {
		p->corrupt++; /* counted, not believed */
		print_reply(p, seq, m.icmp_len, from, ttl, rtt, 0, 1, &pkt->when);
		return;
	}
	dup = (p->got[s16 >> 3] >> (s16 & 7)) & 1;
	if (dup) {
		p->dups++;
	} else {
		p->got[s16 >> 3] |= (uint8_t)(1u << (s16 & 7));
		p->received++;
		note_rtt(p, rtt);
		if (p->sent - seq + 1 > p->pipe)
			p->pipe = p->sent - seq + 1;
	}
	print_reply(p, seq, m.icmp_len, from, ttl, rtt, dup, 0, &pkt->when);
}

static void drain(struct ping *p, struct ping_packet *pkt)
{
	int r;

	while ((r = pingsock_recv(&p->ps, pkt)) == 1)
		handle_packet(p, pkt);
	if (r < 0 && errno != EAGAIN)
		p->errors += 0; /* a socket error with nothing queued: nothing to count */
}

/* ---- the loop ------------------------------------------------------------------ */

static int done_counting(const struct ping *p)
{
	return p->count && p->received + p->errors + p->corrupt >= p->count;
}

static void run(struct ping *p)
{
	struct ping_packet *pkt = malloc(sizeof *pkt);
	long long start = mono_us(), next = start, linger_end = 0, now;
	struct pollfd pfd = { p->ps.fd, POLLIN, 0 };

	if (!pkt)
		nt_die(EXIT_USAGE, "out of memory");
	clock_gettime(CLOCK_REALTIME, &p->start);
	while (!interrupted) {
		long long wake;
		struct timespec ts;

		now = mono_us();
		if (p->deadline_us && now - start >= p->deadline_us)
			break;
		if (done_counting(p))
			break;
		if (!linger_end && now >= next) {
			send_one(p);
			next = p->flood ? now + 10000 : next + p->interval_us;
			if (p->interval_us && next < now - p->interval_us)
				next = now; /* fell far behind (suspended): don't burst */
			if (p->count && p->sent >= p->count) {
				long long wait = p->received ? 2 * p->rtt_max : p->timeout_us;
				if (p->received && wait < 10000)
					wait = 10000;
				linger_end = now + wait;
			}
		}
		if (linger_end && now >= linger_end)
			break;
		wake = linger_end ? linger_end : next;
		if (p->deadline_us && start + p->deadline_us < wake)
			wake = start + p->deadline_us;
		wake -= now;
		if (wake < 0)
			wake = 0;
		ts.tv_sec = wake / 1000000;
		ts.tv_nsec = (long)(wake % 1000000) * 1000;
		fflush(stdout);
		if (ppoll(&pfd, 1, &ts, NULL) > 0) {
			long long before = p->received;
			drain(p, pkt);
			/* a wait for replies that have all come ends; flood sends on */
			if (linger_end && p->received > before && p->received >= p->sent)
				break;
			if (p->flood && p->received > before)
				next = mono_us();
			if (linger_end && p->received > before && !done_counting(p)) {
				long long w = 2 * p->rtt_max;
				linger_end = mono_us() + (w < 10000 ? 10000 : w);
			}
		}
	}
	free(pkt);
}

/* ---- statistics ------------------------------------------------------------------ */

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted samples (n > 0); the median of an
 * even count is the mean of the middle two. */
static double percentile(const float *s, size_t n, int pct)
{
	size_t rank;

	if (pct == 50 && n % 2 == 0)
		return ((double)s[n / 2 - 1] + (double)s[n / 2]) / 2;
	rank = (n * (size_t)pct + 99) / 100; /* ceil(n * pct / 100) */
	return s[rank ? rank - 1 : 0];
}

/* A compact histogram of the sorted samples: up to 8 rows, log-spaced
 * between the smallest and largest round trip. */
static void print_histogram(const struct ping *p)
{
	enum { ROWS = 8, WIDTH = 40 };
	size_t count[ROWS] = { 0 }, i, most = 0;
	double lo = p->samples[0], hi = p->samples[p->nsamples - 1], step;
	int r, rows;

	if (p->nsamples < 2 || hi <= lo)
		return;
	if (lo < 1)
		lo = 1;
	rows = ROWS;
	step = log(hi / lo) / rows;
	if (step <= 0)
		return;
	for (i = 0; i < p->nsamples; i++) {
		double v = p->samples[i] < lo ? lo : p->samples[i];
		r = (int)(log(v / lo) / step);
		count[r >= rows ? rows - 1 : r]++;
	}
	for (r = 0; r < rows; r++)
		if (count[r] > most)
			most = count[r];
	for (r = 0; r < rows; r++) {
		int bar = (int)((count[r] * WIDTH + most - 1) / most);
		printf("  <%9.3f ms |%-*.*s %zu\n", lo * exp(step * (r + 1)) / 1000, WIDTH, bar,
		       "########################################", count[r]);
	}
}

static void summary(struct ping *p)
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
	struct timespec end;
	long long elapsed_us, elapsed_ms, avg = 0, mdev = 0, ipg;
	int unpaced;
	double loss = p->sent ? (double)(p->sent - p->received) * 100.0 / (double)p->sent : 0;
	double median = 0, p95 = 0, jitter = 0;
	char lossnum[32];

	clock_gettime(CLOCK_REALTIME, &end);
	elapsed_us = ts_diff_us(&end, &p->start);
	elapsed_ms = (elapsed_us + 500) / 1000;
	/* iputils shows ipg/ewma only for probes not paced by an interval */
	unpaced = p->received && (p->flood || p->interval_us == 0) && p->sent > 1;
	ipg = p->sent > 1 ? elapsed_us / (p->sent - 1) : 0;
	if (p->received) {
		double a = p->rtt_sum / (double)p->received;
		double var = p->rtt_sum2 / (double)p->received - a * a;
		avg = llround(a);
		mdev = llround(sqrt(var > 0 ? var : 0));
		qsort(p->samples, p->nsamples, sizeof p->samples[0], cmp_float);
		median = percentile(p->samples, p->nsamples, 50);
		p95 = percentile(p->samples, p->nsamples, 95);
		if (p->received > 1)
			jitter = p->jitter_sum / (double)(p->received - 1);
	}
	if (p->json) {
		struct out *o = out_open(stdout, OUT_JSON, cols, sizeof cols / sizeof cols[0]);
		out_str(o, "summary");
		out_str(o, p->host);
		out_str(o, p->addr);
		out_int(o, p->sent);
		out_int(o, p->received);
		out_int(o, p->dups);
		out_int(o, p->corrupt);
		out_int(o, p->errors);
		snprintf(lossnum, sizeof lossnum, "%g", loss); /* as the text line */
		out_num(o, lossnum);
		out_int(o, elapsed_ms);
		if (p->received) {
			out_real(o, (double)p->rtt_min / 1000, 3);
			out_real(o, (double)avg / 1000, 3);
			out_real(o, (double)p->rtt_max / 1000, 3);
			out_real(o, (double)mdev / 1000, 3);
			out_real(o, median / 1000, 3);
			out_real(o, p95 / 1000, 3);
			out_real(o, jitter / 1000, 3);
			out_int(o, p->pipe);
			if (unpaced) {
				out_real(o, (double)ipg / 1000, 3);
				out_real(o, (double)p->ewma8 / 8000, 3);
			}
		}
		out_end(o);
		out_close(o);
		return;
	}
	if (p->flood && nt_stdout_is_tty())
		putchar('\n');
	/* Beyond iputils, but ahead of its statistics block, so that scripts
	 * reading that block (tail -1, tail -3, grep) find it unchanged. */
	if (p->received)
		printf("latency median/p95/jitter = %.3f/%.3f/%.3f ms\n",
		       median / 1000, p95 / 1000, jitter / 1000);
	printf("\n--- %s ping statistics ---\n", p->host);
	printf("%lld packets transmitted, %lld received", p->sent, p->received);
	if (p->dups)
		printf(", +%lld duplicates", p->dups);
	if (p->corrupt)
		printf(", +%lld corrupted", p->corrupt);
	if (p->errors)
		printf(", +%lld errors", p->errors);
	printf(", %g%% packet loss, time %lldms\n", loss, elapsed_ms);
	/* iputils' second line: rtt, then how many probes were in flight at
	 * most (pipe) and, when probes are not paced by a fixed interval, the
	 * mean gap between them and the moving average (ipg/ewma). Its final
	 * newline comes even without replies, leaving a blank line. */
	if (p->received)
		printf("rtt min/avg/max/mdev = %lld.%03lld/%lld.%03lld/%lld.%03lld/%lld.%03lld ms",
		       p->rtt_min / 1000, p->rtt_min % 1000, avg / 1000, avg % 1000,
		       p->rtt_max / 1000, p->rtt_max % 1000, mdev / 1000, mdev % 1000);
	if (p->pipe > 1)
		printf(", pipe %lld", p->pipe);
	if (unpaced) {
		long long e = p->ewma8 / 8;
		printf(", ipg/ewma %lld.%03lld/%lld.%03lld ms", ipg / 1000,
		       ipg % 1000, e / 1000, e % 1000);
	}
	putchar('\n');
	if (p->received && nt_stdout_is_tty())
		print_histogram(p);
}

int cmd_ping(int argc, char **argv)
{
	struct ping *p = calloc(1, sizeof *p);
	struct sigaction sa;

	if (!p)
		nt_die(EXIT_USAGE, "out of memory");
	parse_options(p, argc, argv);
	resolve(p);
	open_socket(p);
	p->samples = malloc(MAX_SAMPLES * sizeof *p->samples);
	if (!p->samples)
		nt_die(EXIT_USAGE, "out of memory");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (p->json) {
		p->jreply = out_open(stdout, OUT_JSON, reply_cols, sizeof reply_cols / sizeof reply_cols[0]);
		p->jerror = out_open(stdout, OUT_JSON, error_cols, sizeof error_cols / sizeof error_cols[0]);
	} else if (p->family == 4) {
		printf("PING %s (%s) %zu(%zu) bytes of data.\n", p->host, p->addr, p->datalen,
		       p->datalen + 28);
	} else {
		printf("PING %s (%s) %zu data bytes\n", p->host, p->addr, p->datalen);
	}
	run(p);
	summary(p);
	out_close(p->jreply);
	out_close(p->jerror);
	{
		int rc = p->received ? EXIT_YES : EXIT_NO;
		free(p->samples);
		close(p->ps.fd);
		free(p);
		return rc;
	}
}
