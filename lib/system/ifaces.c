/* Interfaces from getifaddrs(), /proc/net/dev and /sys/class/net; see
 * ifaces.h. getifaddrs() reads the kernel over netlink, so it sees the
 * secondary IPv4 addresses ifconfig hides. */
#define _DEFAULT_SOURCE /* getifaddrs, IFF_* */
#include "system/ifaces.h"
#include "core/alloc.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int ifaces_parse_dev_line(const char *line, char *name, size_t namelen, struct if_counters *c)
{
	const char *colon = strchr(line, ':');
	if (!colon)
		return -1;
	const char *s = line;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = (size_t)(colon - s);
	if (n == 0 || n >= namelen || memchr(s, '|', n) || memchr(s, ' ', n))
		return -1;
	memcpy(name, s, n);
	name[n] = '\0';
	unsigned long long v[16];
	int k = sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9],
		       &v[10], &v[11], &v[12], &v[13], &v[14], &v[15]);
	if (k != 16)
		return -1;
	*c = (struct if_counters){ v[0], v[1], v[2], v[3], v[8], v[9], v[10], v[11] };
	return 0;
}

static struct iface *find_or_add(struct iface_list *l, const char *name, size_t *cap)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	l->v = xgrow(l->v, cap, l->n + 1, sizeof *l->v);
	struct iface *f = &l->v[l->n++];
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	f->index = if_nametoindex(name);
	f->mtu = -1;
	return f;
}

static int prefix_of(const struct sockaddr *mask, int family)
{
	if (!mask)
		return family == AF_INET ? 32 : 128;
	const uint8_t *b = family == AF_INET
		? (const uint8_t *)&((const struct sockaddr_in *)(const void *)mask)->sin_addr
		: (const uint8_t *)&((const struct sockaddr_in6 *)(const void *)mask)->sin6_addr;
	int n = family == AF_INET ? 4 : 16, bits = 0;
	for (int i = 0; i < n; i++)
		for (int k = 7; k >= 0; k--)
			bits += (b[i] >> k) & 1;
	return bits;
}

static void add_address(struct iface *f, const struct ifaddrs *a, const char *label)
{
	f->addrs = xgrow(f->addrs, &f->addrcap, f->naddrs + 1, sizeof *f->addrs);
	struct if_addr *x = &f->addrs[f->naddrs++];
	memset(x, 0, sizeof *x);
	int fam = a->ifa_addr->sa_family;
	if (fam == AF_INET) {
		x->ip.version = 4;
		memcpy(x->ip.b, &((const struct sockaddr_in *)(const void *)a->ifa_addr)->sin_addr, 4);
	} else {
		x->ip.version = 6;
		memcpy(x->ip.b, &((const struct sockaddr_in6 *)(const void *)a->ifa_addr)->sin6_addr, 16);
	}
	x->prefix = prefix_of(a->ifa_netmask, fam);
	if (label && strcmp(label, f->name) != 0)
		snprintf(x->label, sizeof x->label, "%s", label);
}

static void read_mtu(const char *sys, struct iface *f)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s/mtu", sys, f->name);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return;
	if (fscanf(fp, "%d", &f->mtu) != 1)
		f->mtu = -1;
	fclose(fp);
}

static int read_counters(const char *path, struct iface_list *l)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return -1;
	char line[512], name[64];
	struct if_counters c;
	while (fgets(line, sizeof line, fp))
		if (ifaces_parse_dev_line(line, name, sizeof name, &c) == 0)
			for (size_t i = 0; i < l->n; i++)
				if (strcmp(l->v[i].name, name) == 0) {
					l->v[i].c = c;
					l->v[i].has_counters = 1;
				}
	fclose(fp);
	return 0;
}

static int by_index(const void *a, const void *b)
{
	const struct iface *x = a, *y = b;
	return x->index < y->index ? -1 : x->index > y->index;
}

int ifaces_read(const char *proc_net_dev, const char *sys_class_net, struct iface_list *out)
{
	struct ifaddrs *all;
	size_t cap = 0;
	out->v = NULL;
	out->n = 0;
	if (getifaddrs(&all) < 0)
		return -1;
	for (struct ifaddrs *a = all; a; a = a->ifa_next) {
		char dev[32];
		/* an IPv4 label "eth0:1" belongs to device eth0 */
		snprintf(dev, sizeof dev, "%s", a->ifa_name);
		char *colon = strchr(dev, ':');
		if (colon)
			*colon = '\0';
		struct iface *f = find_or_add(out, dev, &cap);
		f->flags = a->ifa_flags;
		if (!a->ifa_addr)
			continue;
		int fam = a->ifa_addr->sa_family;
		if (fam == AF_PACKET) {
			const struct sockaddr_ll *ll = (const struct sockaddr_ll *)(const void *)a->ifa_addr;
			if (ll->sll_halen == 6) {
				f->has_mac = 1;
				memcpy(f->mac, ll->sll_addr, 6);
			}
		} else if (fam == AF_INET || fam == AF_INET6) {
			add_address(f, a, a->ifa_name);
		}
	}
	freeifaddrs(all);
	for (size_t i = 0; i < out->n; i++)
		read_mtu(sys_class_net, &out->v[i]);
	read_counters(proc_net_dev, out); /* counters are optional: no file, no counters */
	qsort(out->v, out->n, sizeof *out->v, by_index);
	return 0;
}

void ifaces_free(struct iface_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].addrs);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const char *ifaces_flag_name(unsigned bit)
{
	static const char *const names[] = {
		"UP", "BROADCAST", "DEBUG", "LOOPBACK", "POINTOPOINT", "NOTRAILERS",
		"RUNNING", "NOARP", "PROMISC", "ALLMULTI", "MASTER", "SLAVE",
		"MULTICAST", "PORTSEL", "AUTOMEDIA", "DYNAMIC", "LOWER_UP", "DORMANT", "ECHO",
	};
	return bit < sizeof names / sizeof names[0] ? names[bit] : NULL;
}
