/* ifaces: every interface with flags, MTU, MAC, all its addresses with
 * their ipclass category, and its counters (ifconfig-like). */
#define _DEFAULT_SOURCE /* IFF_* */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "names/addr.h"
#include "cmd.h"
#include "system/ifaces.h"
#include "core/out.h"

const char ifaces_usage[] =
"usage: nettool ifaces [--json] [NAME]\n"
"\n"
"List network interfaces (or only NAME): flags, MTU, MAC address, every\n"
"IPv4 and IPv6 address with its prefix and category, and RX/TX counters.\n"
"\n"
"  -j, --json     one JSON object per interface\n";

static const struct out_col json_cols[] = {
	{ "name", "", 0, 0 }, { "index", "", 0, 0 }, { "flags", "", 0, 0 },
	{ "mtu", "", 0, 0 }, { "mac", "", 0, 0 },
	{ "ipv4", "", 0, 0 }, { "ipv4_category", "", 0, 0 }, { "ipv4_label", "", 0, 0 },
	{ "ipv6", "", 0, 0 }, { "ipv6_scope", "", 0, 0 }, { "ipv6_category", "", 0, 0 },
	{ "rx_bytes", "", 0, 0 }, { "rx_packets", "", 0, 0 }, { "rx_errors", "", 0, 0 },
	{ "rx_dropped", "", 0, 0 }, { "tx_bytes", "", 0, 0 }, { "tx_packets", "", 0, 0 },
	{ "tx_errors", "", 0, 0 }, { "tx_dropped", "", 0, 0 },
};

static const char *ipv6_scope(const struct ip *ip)
{
	const struct addr_range *r = addr_classify(ip);
	if (!strcmp(r->category, "loopback"))
		return "host";
	if (!strcmp(r->category, "link-local"))
		return "link";
	if (!strcmp(r->category, "multicast")) {
		const char *s = addr_ipv6_mcast_scope(ip);
		return s ? s : "global";
	}
	return "global";
}

static size_t flag_names(unsigned flags, const char **v, size_t max)
{
	size_t n = 0;
	for (unsigned bit = 0; bit < 32 && n < max; bit++) {
		const char *name = ifaces_flag_name(bit);
		if ((flags >> bit & 1) && name)
			v[n++] = name;
	}
	return n;
}

static void print_text(const struct iface *f)
{
	const char *names[32];
	size_t nf = flag_names(f->flags, names, 32);
	printf("%s: flags=%u<", f->name, f->flags);
	for (size_t i = 0; i < nf; i++)
		printf("%s%s", i ? "," : "", names[i]);
	printf(">  mtu %d  index %u\n", f->mtu, f->index);
	for (size_t i = 0; i < f->naddrs; i++) {
		const struct if_addr *a = &f->addrs[i];
		char s[ADDR_STRLEN];
		addr_format(&a->ip, s);
		if (a->ip.version == 4)
			printf("        inet %s/%d  %s", s, a->prefix, addr_classify(&a->ip)->category);
		else
			printf("        inet6 %s/%d  scope %s  %s", s, a->prefix, ipv6_scope(&a->ip),
			       addr_classify(&a->ip)->category);
		if (a->label[0])
			printf("  label %s", a->label);
		putchar('\n');
	}
	if (f->has_mac)
		printf("        ether %02x:%02x:%02x:%02x:%02x:%02x\n", f->mac[0], f->mac[1],
		       f->mac[2], f->mac[3], f->mac[4], f->mac[5]);
	if (f->has_counters) {
		printf("        RX packets %llu  bytes %llu  errors %llu  dropped %llu\n",
		       f->c.rx_packets, f->c.rx_bytes, f->c.rx_errors, f->c.rx_dropped);
		printf("        TX packets %llu  bytes %llu  errors %llu  dropped %llu\n",
		       f->c.tx_packets, f->c.tx_bytes, f->c.tx_errors, f->c.tx_dropped);
	}
	putchar('\n');
}

/* One address family's fields as parallel arrays: addresses, categories,
 * and the labels (IPv4) or scopes (IPv6). */
static void json_addrs(struct out *o, const struct iface *f, int version)
{
	enum { MAX = 256 };
	static char text[MAX][ADDR_STRLEN + 4];
	char *addrs[MAX], *cats[MAX], *extra[MAX];
	size_t n = 0;
	for (size_t i = 0; i < f->naddrs && n < MAX; i++) {
		const struct if_addr *a = &f->addrs[i];
		if (a->ip.version != version)
			continue;
		char s[ADDR_STRLEN];
		snprintf(text[n], sizeof text[n], "%s/%d", addr_format(&a->ip, s), a->prefix);
		addrs[n] = text[n];
		cats[n] = (char *)addr_classify(&a->ip)->category;
		extra[n] = version == 4 ? (char *)(a->label[0] ? a->label : f->name)
					: (char *)ipv6_scope(&a->ip);
		n++;
	}
	out_strv(out_key(o, version == 4 ? "ipv4" : "ipv6"), addrs, n);
	out_strv(out_key(o, version == 4 ? "ipv4_category" : "ipv6_category"), cats, n);
	out_strv(out_key(o, version == 4 ? "ipv4_label" : "ipv6_scope"), extra, n);
}

static void json_counters(struct out *o, const struct if_counters *c)
{
	out_uint(out_key(o, "rx_bytes"), c->rx_bytes);
	out_uint(out_key(o, "rx_packets"), c->rx_packets);
	out_uint(out_key(o, "rx_errors"), c->rx_errors);
	out_uint(out_key(o, "rx_dropped"), c->rx_dropped);
	out_uint(out_key(o, "tx_bytes"), c->tx_bytes);
	out_uint(out_key(o, "tx_packets"), c->tx_packets);
	out_uint(out_key(o, "tx_errors"), c->tx_errors);
	out_uint(out_key(o, "tx_dropped"), c->tx_dropped);
}

static int print_json(struct out *o, const struct iface *f)
{
	const char *names[32];
	size_t nf = flag_names(f->flags, names, 32);
	out_str(out_key(o, "name"), f->name);
	out_uint(out_key(o, "index"), f->index);
	out_strv(out_key(o, "flags"), (char *const *)names, nf);
	if (f->mtu >= 0)
		out_int(out_key(o, "mtu"), f->mtu);
	if (f->has_mac)
		out_fmt(out_key(o, "mac"), "%02x:%02x:%02x:%02x:%02x:%02x", f->mac[0],
			f->mac[1], f->mac[2], f->mac[3], f->mac[4], f->mac[5]);
	json_addrs(o, f, 4);
	json_addrs(o, f, 6);
	if (f->has_counters)
		json_counters(o, &f->c);
	return out_end(o);
}

int cmd_ifaces(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, c;
	char q[128];
	while ((c = nt_getopt(argc, argv, "j", longopts)) != -1)
		if (c == 'j')
			json = 1;
	if (argc - optind > 1)
		nt_usage_error("one interface name at most, not also '%s'",
			       nt_quote(argv[optind + 1], q, sizeof q));
	const char *want = optind < argc ? argv[optind] : NULL;

	struct iface_list l;
	char dev[4096];
	snprintf(dev, sizeof dev, "%s/net/dev", nt_proc_root());
	if (ifaces_read(dev, "/sys/class/net", &l) < 0)
		nt_die(EXIT_NO, "cannot list interfaces: %s", strerror(errno));
	struct out *o = json ? out_open(stdout, OUT_JSON, json_cols,
					 sizeof json_cols / sizeof json_cols[0]) : NULL;
	size_t shown = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (want && strcmp(l.v[i].name, want) != 0)
			continue;
		shown++;
		if (o)
			print_json(o, &l.v[i]);
		else
			print_text(&l.v[i]);
	}
	ifaces_free(&l);
	if (o && out_close(o) < 0)
		nt_write_error();
	if (want && !shown)
		nt_die(EXIT_NO, "no interface '%s'", nt_quote(want, q, sizeof q));
	return EXIT_YES;
}
