/* neigh: the ARP and NDP neighbour tables over rtnetlink. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>

#include "cmd.h"
#include "core/out.h"
#include "names/addr.h"
#include "net/netlink.h"

const char neigh_usage[] =
"usage: nettool neigh [-4|-6] [-a] [-j|--json] [IFACE]\n"
"\n"
"The neighbour tables (ARP for IPv4, NDP for IPv6) read from the kernel over\n"
"rtnetlink, as ip neigh shows them: address, device, link-layer address and\n"
"state (REACHABLE, STALE, DELAY, PROBE, FAILED, INCOMPLETE, PERMANENT).\n"
"\n"
"  -4, -6            IPv4 (ARP) or IPv6 (NDP) only (default: both)\n"
"  -a, --all         also NOARP and NONE entries (multicast, loopback)\n"
"  -j, --json        one JSON object per neighbour\n"
"\n"
"Exit status: 0 entries shown, 1 none, 2 bad input (an unknown IFACE).\n";

struct neigh_opts {
	int family, json, all, ifindex;
	struct out *out;
	struct nl_ifnames *ifn;
	unsigned long shown;
};

static const struct out_col cols[] = {
	{ "dst", "ADDRESS", 0, 15 }, { "family", "", OUT_JSON_ONLY, 0 },
	{ "dev", "DEV", 0, 6 }, { "lladdr", "LLADDR", 0, 17 },
	{ "state", "STATE", 0, 10 }, { "probes", "PROBES", OUT_JSON_ONLY, 0 },
	{ "flags", "FLAGS", 0, 0 },
};

static void put_lladdr(struct out *o, const struct nl_neigh *n, int json)
{
	static const char hex[] = "0123456789abcdef";
	char buf[3 * sizeof n->lladdr];
	int i;

	if (!n->lladdr_len) {
		if (!json)
			out_str(out_key(o, "lladdr"), NULL); /* "-" for people */
		return;
	}
	for (i = 0; i < n->lladdr_len; i++) {
		buf[3 * i] = hex[n->lladdr[i] >> 4];
		buf[3 * i + 1] = hex[n->lladdr[i] & 15];
		buf[3 * i + 2] = ':';
	}
	buf[3 * n->lladdr_len - 1] = '\0';
	out_str(out_key(o, "lladdr"), buf);
}

static void put_flags(struct out *o, const struct nl_neigh *n)
{
	char *names[4];
	size_t k = 0;

	if (n->flags & NTF_ROUTER)
		names[k++] = "router";
	if (n->flags & NTF_PROXY)
		names[k++] = "proxy";
	if (n->flags & NTF_EXT_LEARNED)
		names[k++] = "extern_learn";
	out_key(o, "flags");
	out_strv(o, names, k);
}

static int on_neigh(const struct nl_neigh *n, void *arg)
{
	struct neigh_opts *o = arg;
	struct ip ip;
	char buf[ADDR_STRLEN];

	/* as ip neigh show: NOARP and NONE entries only when asked for */
	if (!o->all && (n->state == NUD_NOARP || n->state == NUD_NONE))
		return 0;
	if (!n->has_dst || (o->ifindex && n->ifindex != o->ifindex))
		return 0;
	ip.version = n->family;
	memcpy(ip.b, n->dst, n->family == 4 ? 4 : 16);
	out_key(o->out, "dst"); out_str(o->out, addr_format(&ip, buf));
	out_key(o->out, "family"); out_int(o->out, n->family);
	out_key(o->out, "dev"); out_str(o->out, nl_ifname(o->ifn, n->ifindex));
	put_lladdr(o->out, n, o->json);
	out_key(o->out, "state"); out_str(o->out, nl_neigh_state_name(n->state));
	if (n->has_probes) {
		out_key(o->out, "probes");
		out_uint(o->out, n->probes);
	}
	put_flags(o->out, n);
	out_end(o->out);
	o->shown++;
	return 0;
}

static void parse_options(struct neigh_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' }, { "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	char q[64];
	int c;

	while ((c = nt_getopt(argc, argv, "46ja", longopts)) != -1) {
		switch (c) {
		case '4': o->family = 4; break;
		case '6': o->family = 6; break;
		case 'j': o->json = 1; break;
		case 'a': o->all = 1; break;
		}
	}
	if (optind + 1 < argc)
		nt_usage_error("unexpected argument '%s' (neigh takes at most one interface)",
			       nt_quote(argv[optind + 1], q, sizeof q));
	if (optind < argc && !(o->ifindex = nl_ifindex(o->ifn, argv[optind])))
		nt_usage_error("no interface '%s' (see 'nettool ifaces')",
			       nt_quote(argv[optind], q, sizeof q));
}

int cmd_neigh(int argc, char **argv)
{
	struct neigh_opts o;
	int fam;

	memset(&o, 0, sizeof o);
	o.ifn = nl_ifnames_load();
	parse_options(&o, argc, argv);
	o.out = out_open(stdout, o.json ? OUT_JSON : OUT_TABLE, cols, sizeof cols / sizeof cols[0]);
	for (fam = 4; fam <= 6; fam += 2) {
		if (o.family && o.family != fam)
			continue;
		if (nl_dump_neigh(fam, on_neigh, &o, NULL) < 0 && !(fam == 6 && errno == EAFNOSUPPORT))
			nt_die(EXIT_NO, "cannot read the neighbour table: %s", strerror(errno));
	}
	if (out_close(o.out) < 0)
		nt_write_error();
	nl_ifnames_free(o.ifn);
	return o.shown ? EXIT_YES : EXIT_NO;
}
