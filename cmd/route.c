/* route: the routing tables over rtnetlink, and the kernel's own answer
 * for one destination (route get). */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "cmd.h"
#include "core/io.h"
#include "core/out.h"
#include "names/addr.h"
#include "net/netlink.h"
#include "net/routefmt.h"

const char route_usage[] =
"usage: nettool route [-4|-6] [-n] [--table main|local|all|N] [-j|--json]\n"
"       nettool route get [-4|-6] [-j|--json] ADDR\n"
"\n"
"The routing tables, read from the kernel over rtnetlink (what ip route\n"
"shows), or with 'get' the route the kernel picks for packets to ADDR.\n"
"\n"
"  -4, -6            IPv4 or IPv6 routes only (default: both)\n"
"  -n, --numeric     0.0.0.0/0 for default; protocol, scope and table as numbers\n"
"  -t, --table TABLE main (default), local, all, or a table number\n"
"  -j, --json        one JSON object per route\n"
"\n"
"Exit status: 0 routes shown, 1 none (no route to ADDR), 2 bad input.\n";

enum { TABLE_ALL = 0 };

struct route_opts {
	int family, numeric, json, get, netstat;
	uint32_t table;               /* TABLE_ALL, or one table */
	struct out *out;              /* JSON and route get's list */
	struct obuf ob;               /* the tables, built by hand for speed */
	struct out_col cols[16];      /* route get: TYPE shown */
	struct nl_ifnames *ifn;
	unsigned long shown;
};

static int show(struct route_opts *o);

/* ---- options -------------------------------------------------------------- */

static void parse_options(struct route_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "numeric", no_argument, NULL, 'n' }, { "json", no_argument, NULL, 'j' },
		{ "table", required_argument, NULL, 't' }, { NULL, 0, NULL, 0 },
	};
	char q[64];
	int c;

	while ((c = nt_getopt(argc, argv, "46njt:", longopts)) != -1) {
		switch (c) {
		case '4': o->family = 4; break;
		case '6': o->family = 6; break;
		case 'n': o->numeric = 1; break;
		case 'j': o->json = 1; break;
		case 't':
			if (strcmp(optarg, "all") == 0)
				o->table = TABLE_ALL;
			else if (nl_table_from_name(optarg, &o->table) < 0)
				nt_usage_error("table '%s' is not main, local, all or a number "
					       "(1-4294967295)", nt_quote(optarg, q, sizeof q));
			break;
		}
	}
}

/* ---- one route as a record ------------------------------------------------ */

static const struct out_col cols[] = {
	{ "table", "TABLE", 0, 0 }, { "type", "TYPE", OUT_JSON_ONLY, 0 },
	{ "family", "", OUT_JSON_ONLY, 0 }, { "dst", "DESTINATION", 0, 18 },
	{ "from", "FROM", OUT_JSON_ONLY, 0 }, { "gateway", "GATEWAY", 0, 15 },
	{ "dev", "DEV", 0, 6 }, { "prefsrc", "SOURCE", 0, 15 },
	{ "protocol", "PROTO", 0, 6 }, { "scope", "SCOPE", 0, 6 },
	{ "metric", "METRIC", OUT_RIGHT, 6 }, { "pref", "PREF", OUT_JSON_ONLY, 0 },
	{ "uid", "UID", OUT_JSON_ONLY, 0 }, { "flags", "FLAGS", 0, 0 },
};

/* "default", an address, or ADDR/LEN, as ip prints them. */
static void put_prefix(struct out *o, int family, const uint8_t *a, int has, int len, int numeric)
{
	char buf[64];

	routefmt_prefix(family, a, has, len, numeric, buf);
	out_str(o, buf);
}

/* An absent field: no key in JSON, "-" for people. */
static void put_none(struct route_opts *o, const char *key)
{
	if (!o->json)
		out_str(out_key(o->out, key), NULL);
}

static void put_addr(struct route_opts *ro, const char *key, int family, const uint8_t *a, int has)
{
	char buf[48];

	if (!has) {
		put_none(ro, key);
		return;
	}
	routefmt_addr(family, a, buf);
	out_str(out_key(ro->out, key), buf);
}

static void put_names(struct route_opts *o, const struct nl_route *r)
{
	char buf[12];

	out_key(o->out, "type");
	out_str(o->out, nl_route_type_name(r->type));
	out_str(out_key(o->out, "table"), nl_table_name(r->table, buf));
	out_str(out_key(o->out, "protocol"), nl_protocol_name(r->protocol, buf));
	out_str(out_key(o->out, "scope"), nl_scope_name(r->scope, buf));
}

static void put_route(struct route_opts *o, const struct nl_route *r)
{
	struct out *out = o->out;
	const char *flags[8], *dev = nl_ifname(o->ifn, r->oif);
	size_t nflags = nl_route_flag_names(r->flags, flags, 8);

	put_names(o, r);
	out_key(out, "family"); out_int(out, r->family);
	out_key(out, "dst");
	put_prefix(out, r->family, r->dst, r->has_dst, r->dst_len, 0);
	if (r->has_src) {
		out_key(out, "from");
		put_prefix(out, r->family, r->src, 1, r->src_len, 1);
	}
	put_addr(o, "gateway", r->family, r->gateway, r->has_gateway);
	if (dev)
		out_str(out_key(out, "dev"), dev);
	else
		put_none(o, "dev");
	put_addr(o, "prefsrc", r->family, r->prefsrc, r->has_prefsrc);
	if (r->has_metric)
		out_uint(out_key(out, "metric"), r->metric);
	else
		put_none(o, "metric");
	if (r->has_pref) {
		out_key(out, "pref");
		out_str(out, r->pref == 1 ? "high" : r->pref == 3 ? "low" : "medium");
	}
	if (r->has_uid) { out_key(out, "uid"); out_uint(out, r->uid); }
	out_key(out, "flags");
	out_strv(out, (char *const *)flags, nflags);
	out_end(out);
	o->shown++;
}

static int on_route(const struct nl_route *r, void *arg)
{
	struct route_opts *o = arg;
	char buf[512];
	size_t n;

	if (o->table != TABLE_ALL && r->table != o->table)
		return 0;
	if (o->json || o->get) {
		put_route(o, r);
		return 0;
	}
	buf[0] = 0;
	n = o->netstat ? routefmt_nettools_row(r, nl_ifname(o->ifn, r->oif), o->numeric, buf) :
		routefmt_row(r, nl_ifname(o->ifn, r->oif), o->numeric, o->table == TABLE_ALL, buf);
	o->shown += n > 0;
	return obuf_put(&o->ob, buf, n) < 0;
	return 0;
}

/* ---- netstat -r: net-tools' table ----------------------------------------- */

int route_netstat(int numeric, int json)
{
	struct route_opts o;

	memset(&o, 0, sizeof o);
	o.family = 4;
	o.table = 254;
	o.numeric = numeric;
	o.json = json;
	o.netstat = !json;
	o.ifn = nl_ifnames_load();
	show(&o);
	if (out_close(o.out) < 0)
		nt_write_error();
	nl_ifnames_free(o.ifn);
	return EXIT_YES;
}

/* ---- route get ------------------------------------------------------------ */

/* ADDR as a literal, else a host name through getaddrinfo (a DNS lookup
 * the user asked for by giving a name). */
static void resolve(const char *s, int family, struct ip *ip)
{
	struct addrinfo hints, *ai = NULL;
	struct addr_error err;
	char q[128];
	int rc;

	if (addr_parse(s, strlen(s), ip, &err) == 0) {
		if (family && ip->version != family)
			nt_usage_error("'%s' is not an IPv%d address", nt_quote(s, q, sizeof q), family);
		return;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(s, NULL, &hints, &ai)) != 0)
		nt_usage_error("cannot resolve '%s': %s", nt_quote(s, q, sizeof q), gai_strerror(rc));
	ip->version = ai->ai_family == AF_INET6 ? 6 : 4;
	if (ip->version == 4)
		memcpy(ip->b, &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr, 4);
	else
		memcpy(ip->b, &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr, 16);
	freeaddrinfo(ai);
}

static int route_get(struct route_opts *o, int argc, char **argv)
{
	struct nl_route r;
	struct ip ip;
	char q[128];

	if (optind == argc)
		nt_usage_error("route get needs an address");
	if (optind + 1 != argc)
		nt_usage_error("unexpected argument '%s' (route get takes one address)",
			       nt_quote(argv[argc - 1], q, sizeof q));
	resolve(argv[optind], o->family, &ip);
	if (nl_route_get(ip.version, ip.b, &r) < 0) {
		if (errno == ENETUNREACH || errno == EHOSTUNREACH || errno == EACCES ||
		    errno == EINVAL || errno == ESRCH)
			nt_die(EXIT_NO, "no route to %s: %s", nt_quote(argv[optind], q, sizeof q),
			       strerror(errno));
		nt_die(EXIT_NO, "cannot ask the kernel for a route: %s", strerror(errno));
	}
	memcpy(o->cols, cols, sizeof cols);
	o->cols[1].flags = 0; /* TYPE: its own line */
	o->out = out_open(stdout, o->json ? OUT_JSON : OUT_LIST, o->cols, sizeof cols / sizeof cols[0]);
	put_route(o, &r);
	return EXIT_YES;
}

/* ---- main ----------------------------------------------------------------- */

/* The tables asked for, both families unless one was. TABLE shows for
 * people only when more than one table is listed. */
static int show(struct route_opts *o)
{
	char head[128];
	int fam;

	if (o->json)
		o->out = out_open(stdout, OUT_JSON, cols, sizeof cols / sizeof cols[0]);
	else if (obuf_init(&o->ob, 1, 1u << 16) < 0)
		nt_die(EXIT_NO, "out of memory");
	else if (o->netstat)
		obuf_put(&o->ob, routefmt_nettools_header, strlen(routefmt_nettools_header));
	else
		obuf_put(&o->ob, head, routefmt_header(o->table == TABLE_ALL, head));
	for (fam = 4; fam <= 6; fam += 2) {
		if (o->family && o->family != fam)
			continue;
		if (nl_dump_routes(fam, on_route, o, NULL) < 0 && !(fam == 6 && errno == EAFNOSUPPORT))
			nt_die(EXIT_NO, "cannot read the routing table: %s", strerror(errno));
	}
	if (!o->json && obuf_flush(&o->ob) < 0) {
		errno = o->ob.err;
		nt_write_error();
	}
	obuf_free(&o->ob);
	return o->shown ? EXIT_YES : EXIT_NO;
}

int cmd_route(int argc, char **argv)
{
	struct route_opts o;
	int rc;

	memset(&o, 0, sizeof o);
	o.table = 254; /* RT_TABLE_MAIN */
	if (argc > 1 && strcmp(argv[1], "get") == 0) {
		o.get = 1;
		argv++;
		argc--;
	}
	parse_options(&o, argc, argv);
	if (!o.get && optind < argc) {
		char q[64];
		nt_usage_error("unexpected argument '%s' (route takes options, or 'get ADDR')",
			       nt_quote(argv[optind], q, sizeof q));
	}
	o.ifn = nl_ifnames_load();
	rc = o.get ? route_get(&o, argc, argv) : show(&o);
	if (out_close(o.out) < 0)
		nt_write_error();
	nl_ifnames_free(o.ifn);
	return rc;
}
