/* ipclass subnet planning: --split, --subnets, --range, --merge, --in,
 * --reverse. Options and rendering; the engine is lib/names/plan. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "core/io.h"
#include "core/lines.h"
#include "core/out.h"
#include "ipclass.h"
#include "names/plan.h"

/* Without --force, --split and --subnets stop at 2^20 output lines. */
#define MAX_SPLIT_BITS 20
#define MAX_TEXT 512

static const struct out_col plan_columns[] = {
	{ "cidr", "cidr", 0, 0 },
	{ "network", "network", 0, 0 },
	{ "prefix", "prefix", 0, 0 },
	{ "first", "first", 0, 0 },
	{ "last", "last", 0, 0 },
	{ "addresses", "addresses", OUT_RIGHT, 0 },
	{ "reverse", "reverse", 0, 0 },
	{ "address", "address", 0, 0 },
	{ "line", "line", 0, 0 },
};

void ipclass_bad(struct ipclass *ic, const char *where, long lineno,
		 const char *text, size_t n, const struct addr_error *e)
{
	char msg[2048], w[256] = "", q[200];

	addr_describe_error(text, n, e, msg, sizeof msg);
	if (where)
		snprintf(w, sizeof w, "%s: ", nt_quote(where, q, sizeof q));
	if (lineno > 0)
		nt_warn("%sline %ld: %s", w, lineno, msg);
	else
		nt_warn("%s%s", w, msg);
	ic->bad++;
}

int ipclass_finish(struct ipclass *ic, int write_failed, int grep_like)
{
	if (write_failed)
		nt_write_error();
	if (ic->bad)
		return EXIT_USAGE;
	return grep_like && ic->matched == 0 ? EXIT_NO : EXIT_YES;
}

/* ---- records ------------------------------------------------------------ */

static int emit_net(struct ipclass *ic, const struct plan_net *n, const char *rev)
{
	char cidr[PLAN_STRLEN], a[ADDR_STRLEN], count[48];
	struct out *o = ic->out;
	struct plan_range r;
	struct ip ip;

	ic->matched++;
	if (!ic->json) {
		fputs(rev ? rev : plan_format_net(n, cidr), stdout);
		return putchar('\n') == EOF ? -1 : 0;
	}
	plan_net_range(n, &r);
	plan_ip(n->base, n->version, &ip);
	addr_format(&ip, a);
	out_str(out_key(o, "cidr"), plan_format_net(n, cidr));
	out_str(out_key(o, "network"), a);
	out_int(out_key(o, "prefix"), n->prefix);
	out_str(out_key(o, "first"), a);
	plan_ip(r.last, r.version, &ip);
	out_str(out_key(o, "last"), addr_format(&ip, a));
	plan_net_count(n, count);
	out_num(out_key(o, "addresses"), count);
	if (rev)
		out_str(out_key(o, "reverse"), rev);
	return out_end(o);
}

/* The fewest CIDRs of a range, in order. */
static int emit_range(struct ipclass *ic, const struct plan_range *r)
{
	struct plan_deagg it;
	struct plan_net n;

	plan_deagg_begin(&it, r);
	while (plan_deagg_next(&it, &n))
		if (emit_net(ic, &n, NULL) < 0)
			return -1;
	return 0;
}

/* ---- --split and --subnets ------------------------------------------------ */

static int split_prefix(struct ipclass *ic, const struct plan_net *net, const char *s)
{
	int bits = plan_bits(net->version), p;
	char q[64], cidr[PLAN_STRLEN];

	if (ic->mode == MODE_SUBNETS) {
		long count = opt_count("subnet count", ic->mode_arg, 1, 1L << 62);
		p = plan_subnets_prefix(net, (uint64_t)count);
		if (p < 0) {
			char most[48];
			plan_net_count(net, most);
			nt_warn("'%s' has room for %s subnets at most, not %ld",
				nt_quote(s, q, sizeof q), most, count);
		}
	} else if ((p = plan_parse_prefix_len(ic->mode_arg, net->version)) < 0) {
		nt_warn("--split '%s': not a prefix length for IPv%d (0-%d)",
			nt_quote(ic->mode_arg, q, sizeof q), net->version, bits);
	} else if (p < net->prefix) {
		nt_warn("--split '%s': shorter than the prefix of %s (/%d)",
			nt_quote(ic->mode_arg, q, sizeof q),
			plan_format_net(net, cidr), net->prefix);
		p = -1;
	}
	if (p >= 0 && p - net->prefix > MAX_SPLIT_BITS && !ic->force) {
		char count[48];
		addr_pow2_decimal(p - net->prefix, count);
		nt_warn("%s in /%d subnets is %s lines, more than 2^%d (add --force)",
			plan_format_net(net, cidr), p, count, MAX_SPLIT_BITS);
		p = -1;
	}
	if (p < 0)
		ic->bad++;
	return p;
}

/* --split, --subnets and --reverse: each operand's subnets, or the
 * reverse zones (subnets on an octet or nibble boundary) with their names. */
static int split_mode(struct ipclass *ic, int argc, char **argv)
{
	char name[PLAN_REVLEN];
	struct addr_error e;
	int i, rev = ic->mode == MODE_REVERSE;

	for (i = 0; i < argc; i++) {
		struct plan_split it;
		struct plan_net net, sub;
		int p;

		if (plan_parse_net(argv[i], strlen(argv[i]), &net, &e) < 0) {
			ipclass_bad(ic, NULL, 0, argv[i], strlen(argv[i]), &e);
			continue;
		}
		p = rev ? plan_reverse_prefix(&net) : split_prefix(ic, &net, argv[i]);
		if (p < 0)
			continue;
		plan_split_begin(&it, &net, p);
		while (plan_split_next(&it, &sub))
			if (emit_net(ic, &sub, rev ? plan_reverse_name(&sub, name) : NULL) < 0)
				return -1;
	}
	return 0;
}

/* ---- --range ---------------------------------------------------------------- */

/* START END, or START-END operands: each as the fewest CIDRs. */
static int range_mode(struct ipclass *ic, int argc, char **argv)
{
	char text[2 * MAX_TEXT], q[128];
	struct addr_error e;
	struct plan_range r;
	int i, pair = argc == 2 && !strchr(argv[0], '-') && !strchr(argv[1], '-');

	if (argc == 0)
		nt_usage_error("--range needs START END or START-END");
	for (i = 0; i < (pair ? 1 : argc); i++) {
		if (!pair && !strchr(argv[i], '-'))
			nt_usage_error("--range takes START END or START-END..., not '%s'",
				       nt_quote(argv[i], q, sizeof q));
		snprintf(text, sizeof text, pair ? "%s-%s" : "%s", argv[i], pair ? argv[1] : "");
		if (plan_parse_item(text, strlen(text), &r, &e) < 0)
			ipclass_bad(ic, NULL, 0, text, strlen(text), &e);
		else if (emit_range(ic, &r) < 0)
			return -1;
	}
	return 0;
}

/* ---- lists of networks: --merge, --in, --in-file --------------------------- */

struct list {
	struct ipclass *ic;
	struct plan_set set;
	const char *where;
};

static void list_item(struct list *l, const char *s, size_t n, long lineno)
{
	struct plan_range r;
	struct addr_error e;
	size_t off, len;
	int rc = plan_parse_list_line(s, n, lineno > 0, &r, &e, &off, &len);

	if (rc < 0)
		ipclass_bad(l->ic, l->where, lineno, s + off, len, &e);
	else if (rc > 0)
		plan_set_add(&l->set, &r);
}

static int list_line(void *ctx, const char *s, size_t n, long lineno)
{
	struct list *l = ctx;

	if (!s) {
		nt_warn("%s%sline %ld: longer than %u bytes", l->where ? l->where : "",
			l->where ? ": " : "", lineno, IPCLASS_BUF);
		l->ic->bad++;
		return 0;
	}
	list_item(l, s, n, lineno);
	return 0;
}

static void read_list(struct list *l, const char *path)
{
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	char q[256];

	if (fd < 0)
		nt_die(EXIT_USAGE, "cannot open '%s': %s", nt_quote(path, q, sizeof q),
		       strerror(errno));
	if (!path && isatty(fd))
		nt_usage_error("no networks given: name them or pipe them on standard input");
	l->where = path;
	if (lines_each(fd, IPCLASS_BUF, list_line, l, NULL) < 0)
		nt_die(EXIT_USAGE, "cannot read '%s': %s",
		       nt_quote(path ? path : "standard input", q, sizeof q), strerror(errno));
	if (path)
		close(fd);
	l->where = NULL;
}

static int merge_mode(struct ipclass *ic, int argc, char **argv)
{
	struct list l = { ic, { 0 }, NULL };
	struct plan_range r;
	size_t i;
	int rc = 0;

	plan_set_init(&l.set);
	for (i = 0; i < (size_t)argc; i++)
		list_item(&l, argv[i], strlen(argv[i]), 0);
	if (argc == 0)
		read_list(&l, NULL);
	plan_set_finish(&l.set);
	for (i = 0; i < plan_set_count(&l.set) && rc == 0; i++) {
		plan_set_range(&l.set, i, &r);
		rc = emit_range(ic, &r);
	}
	plan_set_free(&l.set);
	return rc;
}

/* ---- --in: the lines of stdin whose first address is in the set ------------ */

struct filter {
	struct ipclass *ic;
	const struct plan_set *set;
	struct obuf ob;
};

static int filter_json(struct filter *f, const char *s, size_t n, int v,
		       uint32_t a, struct ip *ip)
{
	char buf[ADDR_STRLEN];

	if (v == 4)
		plan_ip((struct u128){ 0, a }, 4, ip);
	out_str(out_key(f->ic->out, "address"), v ? addr_format(ip, buf) : NULL);
	out_strn(out_key(f->ic->out, "line"), s, n);
	return out_end(f->ic->out) < 0;
}

static int filter_line(void *ctx, const char *s, size_t n, long lineno)
{
	struct filter *f = ctx;
	struct ip ip;
	uint32_t a;
	int v, in;

	if (!s) {
		nt_warn("line %ld: longer than %u bytes, left out", lineno, IPCLASS_BUF);
		f->ic->bad++;
		return 0;
	}
	v = plan_line_address(s, n, &a, &ip);
	in = v == 4 ? plan_set_has4(f->set, a) : v == 6 ? plan_set_has(f->set, &ip) : 0;
	if (in == f->ic->invert)
		return 0;
	f->ic->matched++;
	if (f->ic->json)
		return filter_json(f, s, n, v, a, &ip);
	if (f->ob.len + n + 1 <= f->ob.cap) {
		memcpy(f->ob.buf + f->ob.len, s, n);
		f->ob.buf[f->ob.len + n] = '\n';
		f->ob.len += n + 1;
		return 0;
	}
	obuf_put(&f->ob, s, n);
	return obuf_put(&f->ob, "\n", 1) < 0;
}

static void in_list(struct list *l, const char *arg)
{
	const char *p = arg, *comma;

	l->where = "--in";
	do {
		comma = strchr(p, ',');
		list_item(l, p, comma ? (size_t)(comma - p) : strlen(p), 0);
		p = comma + 1;
	} while (comma);
	l->where = NULL;
}

static int in_mode(struct ipclass *ic, int argc, char **argv)
{
	struct list l = { ic, { 0 }, NULL };
	struct filter f = { ic, &l.set, { 0 } };
	int rc = 0;

	if (argc > 0)
		nt_usage_error("--in filters standard input; it takes no operands (got '%s')",
			       argv[0]);
	plan_set_init(&l.set);
	if (ic->in_file)
		read_list(&l, ic->in_file);
	else
		in_list(&l, ic->mode_arg);
	plan_set_finish(&l.set);
	if (isatty(STDIN_FILENO))
		nt_usage_error("--in filters standard input: pipe the lines in");
	if (obuf_init(&f.ob, STDOUT_FILENO, 1u << 16) < 0)
		nt_die(EXIT_NOMEM, "out of memory");
	if (lines_each(STDIN_FILENO, IPCLASS_BUF, filter_line, &f, NULL) < 0)
		nt_die(EXIT_USAGE, "cannot read standard input: %s", strerror(errno));
	if (obuf_flush(&f.ob) < 0) {
		errno = f.ob.err;
		rc = -1;
	}
	obuf_free(&f.ob);
	plan_set_free(&l.set);
	return rc;
}

int ipplan_run(struct ipclass *ic, int argc, char **argv)
{
	int rc;

	if (argc == 0 && (ic->mode == MODE_SPLIT || ic->mode == MODE_SUBNETS ||
			  ic->mode == MODE_REVERSE))
		nt_usage_error("%s needs an address or a CIDR", ic->mode == MODE_SPLIT ?
			       "--split" : ic->mode == MODE_SUBNETS ? "--subnets" : "--reverse");
	ic->out = out_open(stdout, OUT_JSON, plan_columns,
			   sizeof plan_columns / sizeof plan_columns[0]);
	if (ic->mode == MODE_SPLIT || ic->mode == MODE_SUBNETS || ic->mode == MODE_REVERSE)
		rc = split_mode(ic, argc, argv);
	else if (ic->mode == MODE_RANGE)
		rc = range_mode(ic, argc, argv);
	else if (ic->mode == MODE_MERGE)
		rc = merge_mode(ic, argc, argv);
	else
		rc = in_mode(ic, argc, argv);
	rc = out_close(ic->out) < 0 || rc < 0 || fflush(stdout) != 0;
	return ipclass_finish(ic, rc, ic->mode == MODE_IN);
}
