/* ipclass: IPv4 class and address-range classification. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names/addr.h"
#include "cmd.h"
#include "core/io.h"
#include "core/lines.h"
#include "core/out.h"
#include "ipclass.h"

const char ipclass_usage[] =
"usage: nettool ipclass [-j|--json] [-f|--filter CATEGORY] [ADDR[/PREFIX] | ADDR NETMASK]...\n"
"       nettool ipclass [--json] [--force] --split PREFIX | --subnets N CIDR...\n"
"       nettool ipclass [--json] --range START END | --range START-END\n"
"       nettool ipclass [--json] --merge [CIDR | ADDR | START-END]...\n"
"       nettool ipclass [--json] [-v] --in CIDR[,CIDR...] | --in-file FILE\n"
"       nettool ipclass [--json] --reverse ADDR[/PREFIX]...\n"
"\n"
"Classify IPv4 and IPv6 addresses: classful class (A-E) with leading bits,\n"
"default mask and network/host split, the dotted binary form, and the\n"
"special-purpose range (name, CIDR, RFC). With /PREFIX or NETMASK: network,\n"
"netmask, wildcard, broadcast, first and last host, number of hosts.\n"
"Without operands, reads one address per line from standard input and\n"
"prints ADDRESS<TAB>CLASS<TAB>CATEGORY.\n"
"\n"
"  -j, --json             one JSON object per address (or CIDR, or line)\n"
"  -f, --filter CATEGORY  only addresses in CATEGORY (exit 1 if none)\n"
"\n"
"Subnet planning, IPv4 and IPv6, one CIDR per output line:\n"
"      --split PREFIX     the subnets of length PREFIX of each CIDR\n"
"      --subnets N        the smallest prefix giving N subnets, and those\n"
"      --force            allow more than 2^20 subnets\n"
"      --range            a range START END as the fewest CIDRs\n"
"      --merge            the fewest CIDRs covering the operands (or the\n"
"                         lines of standard input): addresses, CIDRs, ranges\n"
"      --in LIST          print the lines of standard input whose first\n"
"                         address lies in a CIDR of the comma-separated LIST\n"
"      --in-file FILE     the same with one CIDR, address or range a line\n"
"  -v, --invert-match     with --in: print the other lines\n"
"      --reverse          the reverse DNS name of each address, or the\n"
"                         reverse zones of each network\n"
"\n"
"IPv4 categories: this-network private shared loopback link-local\n"
"  ietf-protocol documentation benchmarking multicast reserved broadcast global\n"
"IPv6 categories: unspecified loopback ipv4-mapped nat64 discard teredo\n"
"  documentation 6to4 unique-local link-local multicast global reserved\n";

static const struct out_col columns[] = {
	{ "address", "address", 0, 0 },
	{ "version", "version", OUT_JSON_ONLY, 0 },
	{ "class", "class", 0, 0 },
	{ "leading_bits", "leading bits", 0, 0 },
	{ "default_mask", "default mask", 0, 0 },
	{ "default_prefix", "default prefix", OUT_JSON_ONLY, 0 },
	{ "network_part", "network part", 0, 0 },
	{ "host_part", "host part", 0, 0 },
	{ "binary", "binary", 0, 0 },
	{ "category", "category", 0, 0 },
	{ "scope", "scope", 0, 0 },
	{ "range", "range", 0, 0 },
	{ "range_name", "range name", 0, 0 },
	{ "rfc", "rfc", 0, 0 },
	{ "prefix", "prefix", 0, 0 },
	{ "network", "network", 0, 0 },
	{ "netmask", "netmask", 0, 0 },
	{ "wildcard", "wildcard", 0, 0 },
	{ "broadcast", "broadcast", 0, 0 },
	{ "first_host", "first host", 0, 0 },
	{ "last_host", "last host", 0, 0 },
	{ "hosts", "hosts", OUT_RIGHT, 0 },
};

static void emit_class(struct out *o, const struct ip *ip)
{
	uint32_t a = (uint32_t)ip->b[0] << 24 | (uint32_t)ip->b[1] << 16 |
		     (uint32_t)ip->b[2] << 8 | ip->b[3];
	struct ipv4_class c = addr_ipv4_class(a);
	char buf[ADDR_STRLEN], net[16], host[16];

	out_fmt(out_key(o, "class"), "%c", c.letter);
	out_str(out_key(o, "leading_bits"), c.leading);
	if (c.default_prefix > 0) {
		struct ip_prefix p = { *ip, c.default_prefix };
		struct addr_net n;
		addr_network(&p, &n);
		out_str(out_key(o, "default_mask"), addr_format(&n.netmask, buf));
		out_int(out_key(o, "default_prefix"), c.default_prefix);
		out_str(out_key(o, "network_part"),
			addr_format_octets(ip, 0, c.network_bytes, net));
		out_str(out_key(o, "host_part"),
			addr_format_octets(ip, c.network_bytes, 4, host));
	}
	out_str(out_key(o, "binary"), addr_format_binary(ip, buf));
}

static void emit_network(struct out *o, const struct ip_prefix *p)
{
	struct addr_net n;
	char buf[ADDR_STRLEN];

	addr_network(p, &n);
	out_int(out_key(o, "prefix"), p->prefix);
	out_str(out_key(o, "network"), addr_format(&n.network, buf));
	out_str(out_key(o, "netmask"), addr_format(&n.netmask, buf));
	out_str(out_key(o, "wildcard"), addr_format(&n.wildcard, buf));
	if (n.has_broadcast)
		out_str(out_key(o, "broadcast"), addr_format(&n.broadcast, buf));
	out_str(out_key(o, "first_host"), addr_format(&n.first, buf));
	out_str(out_key(o, "last_host"), addr_format(&n.last, buf));
	out_num(out_key(o, "hosts"), n.hosts);
}

static int emit_record(struct ipclass *ic, const struct ip_prefix *p)
{
	const struct addr_range *r = addr_classify(&p->ip);
	const char *scope = addr_ipv6_mcast_scope(&p->ip);
	struct out *o = ic->out;
	char buf[ADDR_STRLEN];

	if (ic->filter && strcmp(r->category, ic->filter) != 0)
		return 0;
	ic->matched++;
	out_str(out_key(o, "address"), addr_format(&p->ip, buf));
	out_int(out_key(o, "version"), p->ip.version);
	if (p->ip.version == 4)
		emit_class(o, &p->ip);
	else
		out_str(out_key(o, "class"), NULL); /* IPv6 has no class */
	out_str(out_key(o, "category"), r->category);
	if (scope)
		out_str(out_key(o, "scope"), scope);
	if (r->cidr) {
		out_str(out_key(o, "range"), r->cidr);
		out_str(out_key(o, "range_name"), r->name);
		out_str(out_key(o, "rfc"), r->rfc);
	}
	if (p->prefix >= 0)
		emit_network(o, p);
	return out_end(o);
}

/* ADDR NETMASK: an IPv4 operand after a bare IPv4 address that starts with
 * 255 is taken as its netmask, as ipcalc does. */
static int is_netmask_operand(const struct ip_prefix *p, const char *next)
{
	return p->ip.version == 4 && p->prefix < 0 && next &&
	       strncmp(next, "255.", 4) == 0;
}

static int classify_operands(struct ipclass *ic, int argc, char **argv)
{
	struct addr_error e;
	int i;

	for (i = 0; i < argc; i++) {
		struct ip_prefix p;
		const char *s = argv[i];

		if (addr_parse_prefix(s, strlen(s), &p, &e) < 0) {
			ipclass_bad(ic, NULL, 0, s, strlen(s), &e);
			continue;
		}
		if (i + 1 < argc && is_netmask_operand(&p, argv[i + 1])) {
			const char *m = argv[++i];
			p.prefix = addr_netmask_to_prefix(m, strlen(m), &e);
			if (p.prefix < 0) {
				if (e.code != ADDR_BAD_NETMASK)
					e = (struct addr_error){ ADDR_BAD_NETMASK, 0, strlen(m) };
				ipclass_bad(ic, NULL, 0, m, strlen(m), &e);
				continue;
			}
		}
		if (emit_record(ic, &p) < 0)
			return -1;
	}
	return 0;
}

/* ---- bulk mode: one address per line on stdin -------------------------- */

struct bulk {
	struct ipclass *ic;
	struct obuf ob;
	long lines;
};

static void put_tsv(struct obuf *ob, const char *s, size_t n, char cls,
		    const char *cat, size_t clen)
{
	char mid[4] = { '\t', cls, '\t', 0 };

	/* Fast path: room for the whole line in the buffer. */
	if (ob->len + n + clen + 4 <= ob->cap) {
		char *p = ob->buf + ob->len;
		memcpy(p, s, n);
		memcpy(p + n, mid, 3);
		memcpy(p + n + 3, cat, clen);
		p[n + 3 + clen] = '\n';
		ob->len += n + clen + 4;
		return;
	}
	obuf_put(ob, s, n);
	obuf_put(ob, mid, 3);
	obuf_put(ob, cat, clen);
	obuf_put(ob, "\n", 1);
}

static int bulk_line(void *ctx, const char *s, size_t n, long lineno)
{
	struct bulk *b = ctx;
	struct ipclass *ic = b->ic;
	struct addr_error e;
	struct addr_line l;

	b->lines = lineno;
	if (!s) {
		nt_warn("line %ld: line is too long to be an address", lineno);
		ic->bad++;
	} else if (addr_classify_line(s, n, &l, &e) < 0) {
		if (e.code == ADDR_TOO_LONG)
			nt_warn("line %ld: line is too long (%zu bytes) to be an address",
				lineno, e.len);
		else
			ipclass_bad(ic, NULL, lineno, l.addr, l.len, &e);
		ic->bad += e.code == ADDR_TOO_LONG;
	} else if (ic->json) {
		if (!l.parsed)
			addr_parse_prefix(l.addr, l.len, &l.p, NULL);
		return emit_record(ic, &l.p) < 0;
	} else if (!ic->filter || strcmp(l.category, ic->filter) == 0) {
		ic->matched++;
		put_tsv(&b->ob, l.addr, l.len, l.cls, l.category, l.category_len);
		return b->ob.err != 0;
	}
	return 0;
}

static int classify_stdin(struct ipclass *ic)
{
	struct bulk b = { ic, { 0 }, 0 };
	int rc = 0;

	if (obuf_init(&b.ob, STDOUT_FILENO, 1u << 16) < 0)
		nt_die(EXIT_NOMEM, "out of memory");
	if (lines_each(STDIN_FILENO, IPCLASS_BUF, bulk_line, &b, NULL) < 0)
		nt_die(EXIT_USAGE, "cannot read standard input: %s", strerror(errno));
	if (obuf_flush(&b.ob) < 0 || fflush(stdout) != 0) {
		errno = b.ob.err ? b.ob.err : errno;
		rc = -1;
	}
	obuf_free(&b.ob);
	if (rc == 0 && b.lines == 0)
		nt_usage_error("no addresses on standard input");
	return rc;
}

/* ---- options --------------------------------------------------------- */

static void set_mode(struct ipclass *ic, enum ipclass_mode m, const char *arg)
{
	static const char *const names[] = {
		"", "--split", "--subnets", "--range", "--merge", "--in", "--reverse",
	};

	if (ic->mode != MODE_CLASSIFY && ic->mode != m)
		nt_usage_error("%s and %s cannot be combined", names[ic->mode], names[m]);
	if (ic->mode == m && m == MODE_IN)
		nt_usage_error("--in and --in-file cannot be combined (put the networks in the file)");
	ic->mode = m;
	ic->mode_arg = arg;
}

static void parse_options(struct ipclass *ic, int argc, char **argv)
{
	enum { O_SPLIT = 256, O_SUBNETS, O_RANGE, O_MERGE, O_IN, O_IN_FILE,
	       O_REVERSE, O_FORCE };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "filter", required_argument, NULL, 'f' },
		{ "invert-match", no_argument, NULL, 'v' },
		{ "split", required_argument, NULL, O_SPLIT },
		{ "subnets", required_argument, NULL, O_SUBNETS },
		{ "range", no_argument, NULL, O_RANGE },
		{ "merge", no_argument, NULL, O_MERGE },
		{ "in", required_argument, NULL, O_IN },
		{ "in-file", required_argument, NULL, O_IN_FILE },
		{ "reverse", no_argument, NULL, O_REVERSE },
		{ "force", no_argument, NULL, O_FORCE },
		{ NULL, 0, NULL, 0 },
	};
	static const enum ipclass_mode modes[] = {
		MODE_SPLIT, MODE_SUBNETS, MODE_RANGE, MODE_MERGE, MODE_IN, MODE_IN,
		MODE_REVERSE,
	};
	int c;

	while ((c = nt_getopt(argc, argv, "jf:v", longopts)) != -1) {
		if (c == 'j')
			ic->json = 1;
		else if (c == 'f')
			ic->filter = optarg;
		else if (c == 'v')
			ic->invert = 1;
		else if (c == O_FORCE)
			ic->force = 1;
		else if (c == O_IN_FILE)
			ic->in_file = optarg, set_mode(ic, MODE_IN, NULL);
		else if (c >= O_SPLIT && c <= O_REVERSE)
			set_mode(ic, modes[c - O_SPLIT], optarg);
	}
}

static void check_options(struct ipclass *ic)
{
	char q[128];

	if (ic->filter && ic->mode != MODE_CLASSIFY)
		nt_usage_error("--filter classifies; it cannot be combined with subnet planning");
	if (ic->filter && !addr_is_category(ic->filter, 0))
		nt_usage_error("unknown category '%s' (see 'nettool ipclass --help' for the list)",
			       nt_quote(ic->filter, q, sizeof q));
	if (ic->invert && ic->mode != MODE_IN)
		nt_usage_error("-v only applies to --in and --in-file");
}

int cmd_ipclass(int argc, char **argv)
{
	struct ipclass ic = { 0 };
	int rc;

	parse_options(&ic, argc, argv);
	check_options(&ic);
	argc -= optind;
	argv += optind;
	if (ic.mode != MODE_CLASSIFY)
		return ipplan_run(&ic, argc, argv);
	ic.out = out_open(stdout, ic.json ? OUT_JSON : OUT_LIST, columns, sizeof columns / sizeof columns[0]);
	if (argc > 0) {
		rc = classify_operands(&ic, argc, argv);
	} else {
		if (isatty(STDIN_FILENO))
			nt_usage_error("no address given: name addresses or pipe them on standard input");
		rc = classify_stdin(&ic);
	}
	rc = out_close(ic.out) < 0 || rc < 0;
	return ipclass_finish(&ic, rc, ic.filter != NULL);
}
