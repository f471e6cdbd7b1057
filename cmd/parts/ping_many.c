/* ping with several targets, fping's way: the targets from operands, -g
 * and --file; "is alive" lines as replies come, the rest at the end. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "core/out.h"
#include "names/addr.h"
#include "net/iprange.h"
#include "ping.h"

#define GEN_LIMIT 65536ULL

static void add_host(struct cli *c, const char *host, const char *where, long line)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char q[256];
	int rc = ping_resolve(c, host, &ss, &len);

	if (rc && where)
		nt_usage_error("%s line %ld: cannot resolve '%s': %s", where, line,
			       nt_quote(host, q, sizeof q), gai_strerror(rc));
	if (rc)
		nt_usage_error("cannot resolve '%s': %s", nt_quote(host, q, sizeof q),
			       gai_strerror(rc));
	ping_add(c->s, host, (struct sockaddr *)&ss, len);
}

static void parse_ip(const char *s, struct ip_prefix *p, int cidr)
{
	struct addr_error e;
	char q[128];
	int rc = cidr ? addr_parse_prefix(s, strlen(s), p, &e) : addr_parse(s, strlen(s), &p->ip, &e);

	if (rc < 0)
		nt_usage_error("-g '%s': %s", nt_quote(s, q, sizeof q), addr_strerror(e.code));
}

/* -g CIDR or -g START END: every address, refused above 65536 unless
 * --force, before anything is sent. */
static void add_generated(struct cli *c)
{
	struct ip_prefix p, end;
	struct ip first, last;
	unsigned long long n, i;
	char text[ADDR_STRLEN];

	if (strchr(c->gen, '/')) {
		parse_ip(c->gen, &p, 1);
		iprange_hosts(&p, &first, &last);
	} else {
		if (c->nhosts != 1)
			nt_usage_error("-g START needs END (or use -g CIDR)");
		parse_ip(c->gen, &p, 0);
		parse_ip(c->hosts[0], &end, 0);
		first = p.ip;
		last = end.ip;
		c->nhosts = 0;
	}
	n = iprange_count(&first, &last, c->force ? ~0ULL - 1 : GEN_LIMIT);
	if (n == 0)
		nt_usage_error("-g: the range is empty (START after END, or mixed versions)");
	if (n > GEN_LIMIT && !c->force)
		nt_usage_error("-g: more than %llu addresses; add --force to probe them all",
			       GEN_LIMIT);
	for (i = 0; i < n; i++, iprange_next(&first))
		add_host(c, addr_format(&first, text), NULL, 0);
}

static void add_file(struct cli *c)
{
	FILE *fp = strcmp(c->file, "-") ? fopen(c->file, "r") : stdin;
	const char *where = strcmp(c->file, "-") ? c->file : "standard input";
	char buf[1024], q[256], *s, *e, *r;
	long line = 0;

	if (!fp)
		nt_usage_error("cannot read '%s': %s", nt_quote(c->file, q, sizeof q), strerror(errno));
	while (fgets(buf, sizeof buf, fp)) {
		line++;
		for (s = buf; *s == ' ' || *s == '\t'; s++)
			;
		e = s + strcspn(s, " \t\r\n#");
		r = e + strspn(e, " \t\r\n");
		if (*r && *r != '#')
			nt_usage_error("%s line %ld: one target per line", where, line);
		*e = '\0';
		if (*s)
			add_host(c, s, where, line);
	}
	if (fp != stdin)
		fclose(fp);
}

void ping_many_targets(struct cli *c)
{
	int i;

	if (c->gen)
		add_generated(c);
	if (c->file)
		add_file(c);
	for (i = 0; i < c->nhosts; i++)
		add_host(c, c->hosts[i], NULL, 0);
	if (ping_ntargets(c->s) == 0)
		nt_usage_error("no targets to ping");
}

void ping_many_event(void *arg, const struct ping_event *ev)
{
	struct cli *c = arg;
	char t[32];

	if (ev->kind != PING_REPLY || ev->dup || ev->bad_checksum || ev->t->st.received != 1)
		return;
	/* the first answer: fping's line now, or the name for -a */
	if (c->json || c->unreach_only || c->o.count)
		return;
	if (c->alive_only) {
		printf("%s\n", ev->t->name);
	} else if (!c->quiet) {
		ping_format_rtt(ev->rtt_us, t, sizeof t);
		printf("%s is alive (%s ms)\n", ev->t->name, t);
	}
	fflush(stdout);
}

static void json_target(struct out *o, struct ping_target *t)
{
	struct ping_summary r;

	ping_stats_summary(&t->st, &r);
	out_str(o, "target");
	out_str(o, t->name);
	out_str(o, t->text);
	out_bool(o, t->st.received > 0);
	out_int(o, t->st.sent);
	out_int(o, t->st.received);
	out_int(o, t->st.dups);
	out_int(o, t->st.errors);
	out_real(o, r.loss, 1);
	if (t->st.received) {
		out_real(o, (double)r.min / 1000, 3);
		out_real(o, (double)r.avg / 1000, 3);
		out_real(o, (double)r.max / 1000, 3);
		out_real(o, r.median / 1000, 3);
		out_real(o, r.p95 / 1000, 3);
	}
	out_end(o);
}

/* fping -c's line: the name padded to the longest, counts and loss, then
 * min/avg/max when anything came back. */
static void count_line(struct ping_target *t, int width)
{
	struct ping_summary r;
	char a[32], b[32], m[32];
	long long loss = t->st.sent ? (t->st.sent - t->st.received) * 100 / t->st.sent : 0;

	ping_stats_summary(&t->st, &r);
	printf("%-*s : xmt/rcv/%%loss = %lld/%lld/%lld%%", width, t->name, t->st.sent,
	       t->st.received, loss);
	if (t->st.received) {
		ping_format_rtt(r.min, a, sizeof a);
		ping_format_rtt(r.avg, b, sizeof b);
		ping_format_rtt(r.max, m, sizeof m);
		printf(", min/avg/max = %s/%s/%s", a, b, m);
	}
	putchar('\n');
}

/* -a and -u: the name alone (-a without -c printed it at the reply). */
static void list_line(const struct cli *c, const struct ping_target *t, int alive)
{
	if ((c->alive_only && alive && c->o.count) || (c->unreach_only && !alive))
		printf("%s\n", t->name);
}

int ping_many_summary(struct cli *c)
{
	static const struct out_col cols[] = {
		{ "type", "", 0, 0 }, { "host", "", 0, 0 }, { "address", "", 0, 0 },
		{ "alive", "", 0, 0 }, { "transmitted", "", 0, 0 }, { "received", "", 0, 0 },
		{ "duplicates", "", 0, 0 }, { "errors", "", 0, 0 }, { "loss_percent", "", 0, 0 },
		{ "rtt_min_ms", "", 0, 0 }, { "rtt_avg_ms", "", 0, 0 }, { "rtt_max_ms", "", 0, 0 },
		{ "rtt_median_ms", "", 0, 0 }, { "rtt_p95_ms", "", 0, 0 },
	};
	struct out *o = c->json ? out_open(stdout, OUT_JSON, cols, sizeof cols / sizeof cols[0]) : NULL;
	size_t i, n = ping_ntargets(c->s);
	int width = 0, all = 1;

	for (i = 0; i < n; i++)
		if ((int)strlen(ping_target_at(c->s, i)->name) > width)
			width = (int)strlen(ping_target_at(c->s, i)->name);
	for (i = 0; i < n; i++) {
		struct ping_target *t = ping_target_at(c->s, i);
		int alive = t->st.received > 0;
		all &= alive;
		if (o)
			json_target(o, t);
		else if (c->alive_only || c->unreach_only)
			list_line(c, t, alive);
		else if (c->o.count)
			count_line(t, width);
		else if (!alive && !c->quiet)
			printf("%s is unreachable\n", t->name);
	}
	out_close(o);
	return all ? EXIT_YES : EXIT_NO;
}
