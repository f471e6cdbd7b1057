/* ipclass: IPv4 class and address-range classification. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names/addr.h"
#include "cmd.h"
#include "core/io.h"
#include "core/out.h"

const char ipclass_usage[] =
"usage: nettool ipclass [--json] [--filter CATEGORY] [ADDR[/PREFIX] | ADDR NETMASK]...\n"
"\n"
"Classify IPv4 and IPv6 addresses: classful class (A-E) with leading bits,\n"
"default mask and network/host split, the dotted binary form, and the\n"
"special-purpose range (name, CIDR, RFC). With /PREFIX or NETMASK: network,\n"
"netmask, wildcard, broadcast, first and last host, number of hosts.\n"
"Without operands, reads one address per line from standard input and\n"
"prints ADDRESS<TAB>CLASS<TAB>CATEGORY.\n"
"\n"
"  -j, --json             one JSON object per address\n"
"  -f, --filter CATEGORY  only addresses in CATEGORY (exit 1 if none)\n"
"\n"
"IPv4 categories: this-network private shared loopback link-local\n"
"  ietf-protocol documentation benchmarking multicast reserved broadcast global\n"
"IPv6 categories: unspecified loopback ipv4-mapped nat64 discard teredo\n"
"  documentation 6to4 unique-local link-local multicast global reserved\n";

/* Longer than any address with a prefix: the rest of such a line is junk. */
#define MAX_ADDR_TEXT 128
#define BULK_BUF (1u << 20)

struct ipclass {
	int json;
	const char *filter;
	struct out *out;
	int bad;        /* inputs that were not addresses */
	long matched;   /* records printed */
};

enum col {
	C_ADDRESS, C_VERSION, C_CLASS, C_LEADING, C_DEFMASK, C_DEFPREFIX,
	C_NETPART, C_HOSTPART, C_BINARY, C_CATEGORY, C_SCOPE, C_RANGE,
	C_RANGE_NAME, C_RFC, C_PREFIX, C_NETWORK, C_NETMASK, C_WILDCARD,
	C_BROADCAST, C_FIRST, C_LAST, C_HOSTS, C_COUNT
};

static const struct out_col columns[C_COUNT] = {
	[C_ADDRESS] = { "address", "address", 0, 0 },
	[C_VERSION] = { "version", "version", OUT_JSON_ONLY, 0 },
	[C_CLASS] = { "class", "class", 0, 0 },
	[C_LEADING] = { "leading_bits", "leading bits", 0, 0 },
	[C_DEFMASK] = { "default_mask", "default mask", 0, 0 },
	[C_DEFPREFIX] = { "default_prefix", "default prefix", OUT_JSON_ONLY, 0 },
	[C_NETPART] = { "network_part", "network part", 0, 0 },
	[C_HOSTPART] = { "host_part", "host part", 0, 0 },
	[C_BINARY] = { "binary", "binary", 0, 0 },
	[C_CATEGORY] = { "category", "category", 0, 0 },
	[C_SCOPE] = { "scope", "scope", 0, 0 },
	[C_RANGE] = { "range", "range", 0, 0 },
	[C_RANGE_NAME] = { "range_name", "range name", 0, 0 },
	[C_RFC] = { "rfc", "rfc", 0, 0 },
	[C_PREFIX] = { "prefix", "prefix", 0, 0 },
	[C_NETWORK] = { "network", "network", 0, 0 },
	[C_NETMASK] = { "netmask", "netmask", 0, 0 },
	[C_WILDCARD] = { "wildcard", "wildcard", 0, 0 },
	[C_BROADCAST] = { "broadcast", "broadcast", 0, 0 },
	[C_FIRST] = { "first_host", "first host", 0, 0 },
	[C_LAST] = { "last_host", "last host", 0, 0 },
	[C_HOSTS] = { "hosts", "hosts", OUT_RIGHT, 0 },
};

/* "172.20" and "1.5": the classful network and host bytes. */
static void split_bytes(const struct ip *ip, int from, int to, char *buf)
{
	char *p = buf;
	int i;

	for (i = from; i < to; i++)
		p += sprintf(p, i > from ? ".%u" : "%u", ip->b[i]);
	*p = '\0';
}

static void emit_class(struct out *o, const struct ip *ip)
{
	uint32_t a = (uint32_t)ip->b[0] << 24 | (uint32_t)ip->b[1] << 16 |
		     (uint32_t)ip->b[2] << 8 | ip->b[3];
	struct ipv4_class c = addr_ipv4_class(a);
	char buf[ADDR_STRLEN], net[16], host[16];

	out_fmt(o, "%c", c.letter);
	out_str(o, c.leading);
	if (c.default_prefix > 0) {
		struct ip_prefix p = { *ip, c.default_prefix };
		struct addr_net n;
		addr_network(&p, &n);
		out_str(o, addr_format(&n.netmask, buf));
		out_int(o, c.default_prefix);
		split_bytes(ip, 0, c.network_bytes, net);
		split_bytes(ip, c.network_bytes, 4, host);
		out_str(o, net);
		out_str(o, host);
	} else {
		out_skip(o);
		out_skip(o);
		out_skip(o);
		out_skip(o);
	}
	out_str(o, addr_format_binary(ip, buf));
}

static void emit_network(struct out *o, const struct ip_prefix *p)
{
	struct addr_net n;
	char buf[ADDR_STRLEN];

	addr_network(p, &n);
	out_int(o, p->prefix);
	out_str(o, addr_format(&n.network, buf));
	out_str(o, addr_format(&n.netmask, buf));
	out_str(o, addr_format(&n.wildcard, buf));
	if (n.has_broadcast)
		out_str(o, addr_format(&n.broadcast, buf));
	else
		out_skip(o);
	out_str(o, addr_format(&n.first, buf));
	out_str(o, addr_format(&n.last, buf));
	out_num(o, n.hosts);
}

static int emit_record(struct ipclass *ic, const struct ip_prefix *p)
{
	const struct addr_range *r = addr_classify(&p->ip);
	struct out *o = ic->out;
	char buf[ADDR_STRLEN];
	int i;

	if (ic->filter && strcmp(r->category, ic->filter) != 0)
		return 0;
	ic->matched++;
	out_str(o, addr_format(&p->ip, buf));
	out_int(o, p->ip.version);
	if (p->ip.version == 4) {
		emit_class(o, &p->ip);
	} else {
		out_str(o, NULL); /* IPv6 has no class */
		for (i = C_LEADING; i <= C_BINARY; i++)
			out_skip(o);
	}
	out_str(o, r->category);
	if (addr_ipv6_mcast_scope(&p->ip))
		out_str(o, addr_ipv6_mcast_scope(&p->ip));
	else
		out_skip(o);
	if (r->cidr) {
		out_str(o, r->cidr);
		out_str(o, r->name);
		out_str(o, r->rfc);
	} else {
		out_skip(o);
		out_skip(o);
		out_skip(o);
	}
	if (p->prefix >= 0)
		emit_network(o, p);
	return out_end(o);
}

/* One line naming the bad part of text, e.g. "'256.1.1.1': part '256' is
 * out of range (0-255)". */
static void describe_error(const char *text, size_t n, const struct addr_error *e,
			   char *msg, size_t size)
{
	char q[MAX_ADDR_TEXT * 4 + 8], part[MAX_ADDR_TEXT * 4 + 8];
	size_t plen = e->pos <= n ? (e->len < n - e->pos ? e->len : n - e->pos) : 0;
	int v6 = memchr(text, ':', n) != NULL;

	nt_quoten(text, n, q, sizeof q);
	nt_quoten(text + (e->pos <= n ? e->pos : n), plen, part, sizeof part);
	switch (e->code) {
	case ADDR_EMPTY:
		snprintf(msg, size, "empty address");
		break;
	case ADDR_BAD_CHAR:
		snprintf(msg, size, "'%s': unexpected character '%s' at position %zu",
			 q, part, e->pos + 1);
		break;
	case ADDR_OCTET_RANGE:
	case ADDR_LEADING_ZERO:
		snprintf(msg, size, "'%s': part '%s' %s", q, part,
			 e->code == ADDR_OCTET_RANGE ? "is out of range (0-255)" :
			 "has a leading zero (octal and padded forms are not accepted)");
		break;
	case ADDR_EMPTY_PART:
		snprintf(msg, size, "'%s': empty part at position %zu", q, e->pos + 1);
		break;
	case ADDR_TOO_MANY:
		snprintf(msg, size, "'%s': too many parts ('%s' after the fourth)", q, part);
		break;
	case ADDR_BAD_PREFIX:
		snprintf(msg, size, "'%s': prefix length '%s' is not a plain decimal number (0-%d)",
			 q, part, v6 ? 128 : 32);
		break;
	case ADDR_PREFIX_RANGE:
		snprintf(msg, size, "'%s': prefix length '%s' is out of range (0-%d)",
			 q, part, v6 ? 128 : 32);
		break;
	case ADDR_BAD_NETMASK:
		snprintf(msg, size, "'%s': netmask '%s' is not a contiguous netmask", q, part);
		break;
	default:
		snprintf(msg, size, "'%s': %s", q, addr_strerror(e->code));
	}
}

static void report_bad(struct ipclass *ic, long lineno, const char *text, size_t n,
		       const struct addr_error *e)
{
	char msg[2048];

	describe_error(text, n, e, msg, sizeof msg);
	if (lineno > 0)
		nt_warn("line %ld: %s", lineno, msg);
	else
		nt_warn("%s", msg);
	ic->bad++;
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
			report_bad(ic, 0, s, strlen(s), &e);
			continue;
		}
		if (i + 1 < argc && is_netmask_operand(&p, argv[i + 1])) {
			const char *m = argv[++i];
			p.prefix = addr_netmask_to_prefix(m, strlen(m), &e);
			if (p.prefix < 0) {
				if (e.code != ADDR_BAD_NETMASK)
					e = (struct addr_error){ ADDR_BAD_NETMASK, 0, strlen(m) };
				report_bad(ic, 0, m, strlen(m), &e);
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
	long lineno;
};

static void trim(const char **s, size_t *n)
{
	while (*n && ((*s)[*n - 1] == '\r' || (*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
}

static void put_tsv(struct bulk *b, const char *s, size_t n, char cls, const char *cat)
{
	char mid[4] = { '\t', cls, '\t', 0 };
	size_t clen = strlen(cat);
	struct obuf *ob = &b->ob;

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

static void bulk_line(struct bulk *b, const char *s, size_t n)
{
	struct ipclass *ic = b->ic;
	struct addr_error e;
	struct ip_prefix p;
	uint32_t a;

	b->lineno++;
	trim(&s, &n);
	if (n > MAX_ADDR_TEXT) {
		nt_warn("line %ld: line is too long (%zu bytes) to be an address",
			b->lineno, n);
		ic->bad++;
		return;
	}
	if (!ic->json && addr_parse_ipv4(s, n, &a, NULL) == 0) {
		const char *cat = addr_category_ipv4(a);
		if (ic->filter && strcmp(cat, ic->filter) != 0)
			return;
		ic->matched++;
		put_tsv(b, s, n, addr_ipv4_class(a).letter, cat);
		return;
	}
	if (addr_parse_prefix(s, n, &p, &e) < 0) {
		report_bad(ic, b->lineno, s, n, &e);
		return;
	}
	if (ic->json) {
		emit_record(ic, &p);
		return;
	}
	{
		const char *cat = addr_classify(&p.ip)->category;
		char cls = p.ip.version == 4 ? addr_ipv4_class(
			(uint32_t)p.ip.b[0] << 24).letter : '-';
		if (ic->filter && strcmp(cat, ic->filter) != 0)
			return;
		ic->matched++;
		put_tsv(b, s, n, cls, cat);
	}
}

static int classify_stdin(struct ipclass *ic)
{
	struct bulk b = { ic, { 0 }, 0 };
	char *buf = malloc(BULK_BUF);
	size_t have = 0;
	int skipping = 0, rc = 0;

	if (!buf || obuf_init(&b.ob, STDOUT_FILENO, 1u << 16) < 0)
		nt_die(EXIT_USAGE, "out of memory");
	for (;;) {
		ssize_t r = io_read(STDIN_FILENO, buf + have, BULK_BUF - have);
		char *p = buf, *end, *nl;

		if (r < 0)
			nt_die(EXIT_USAGE, "cannot read standard input: %s", strerror(errno));
		end = buf + have + r;
		while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
			if (skipping)
				skipping = 0; /* the end of an overlong line */
			else
				bulk_line(&b, p, (size_t)(nl - p));
			p = nl + 1;
		}
		have = (size_t)(end - p);
		if (r == 0) {
			if (have && !skipping)
				bulk_line(&b, p, have);
			break;
		}
		memmove(buf, p, have);
		if (have == BULK_BUF) {
			/* A "line" of a megabyte: report it once, drop the rest. */
			if (!skipping) {
				b.lineno++;
				nt_warn("line %ld: line is too long to be an address",
					b.lineno);
				ic->bad++;
				skipping = 1;
			}
			have = 0;
		}
		if (b.ob.err)
			break;
	}
	if (obuf_flush(&b.ob) < 0 || fflush(stdout) != 0) {
		errno = b.ob.err ? b.ob.err : errno;
		rc = -1;
	}
	if (b.lineno == 0 && rc == 0)
		nt_usage_error("no addresses on standard input");
	obuf_free(&b.ob);
	free(buf);
	return rc;
}

int cmd_ipclass(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "filter", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct ipclass ic = { 0 };
	char q[128];
	int c, rc;

	while ((c = nt_getopt(argc, argv, "jf:", longopts)) != -1) {
		if (c == 'j')
			ic.json = 1;
		else if (c == 'f')
			ic.filter = optarg;
	}
	if (ic.filter && !addr_is_category(ic.filter, 0))
		nt_usage_error("unknown category '%s' (see 'nettool ipclass --help' for the list)",
			       nt_quote(ic.filter, q, sizeof q));
	argc -= optind;
	argv += optind;
	ic.out = out_open(stdout, ic.json ? OUT_JSON : OUT_LIST, columns, C_COUNT);
	if (argc > 0) {
		rc = classify_operands(&ic, argc, argv);
	} else {
		if (isatty(STDIN_FILENO))
			nt_usage_error("no address given: name addresses or pipe them on standard input");
		rc = classify_stdin(&ic);
	}
	if (out_close(ic.out) < 0 || rc < 0) {
		if (errno == EPIPE)
			return EXIT_NO; /* dispatch ends quietly on a closed pipe */
		nt_die(EXIT_USAGE, "write error on standard output: %s", strerror(errno));
	}
	if (ic.bad)
		return EXIT_USAGE;
	return ic.filter && ic.matched == 0 ? EXIT_NO : EXIT_YES;
}
