/* Network interfaces: flags, MTU, MAC, every address, counters. The
 * /proc/net/dev parser is pure; the readers take their paths. */
#ifndef NETTOOL_IFACES_H
#define NETTOOL_IFACES_H

#include <stddef.h>
#include <stdint.h>

#include "names/addr.h"

struct if_counters {
	unsigned long long rx_bytes, rx_packets, rx_errors, rx_dropped;
	unsigned long long tx_bytes, tx_packets, tx_errors, tx_dropped;
};

struct if_addr {
	struct ip ip;
	int prefix;
	char label[32];       /* IPv4 label ("eth0:1"), else "" */
};

struct iface {
	char name[32];
	unsigned index;
	unsigned flags;       /* IFF_* */
	int mtu;              /* -1 unknown */
	int has_mac;
	uint8_t mac[6];
	int has_counters;
	struct if_counters c;
	struct if_addr *addrs;
	size_t naddrs, addrcap;
};

struct iface_list {
	struct iface *v;
	size_t n;
};

/* One data line of /proc/net/dev ("  eth0: 1 2 ..."): fills name and
 * counters; 0, or -1 if the line is not one. */
int ifaces_parse_dev_line(const char *line, char *name, size_t namelen,
			  struct if_counters *c);

/* Every interface (getifaddrs), sorted by index, with counters from
 * proc_net_dev and MTU from sys_class_net/NAME/mtu. Returns 0, or -1 with
 * errno. */
int ifaces_read(const char *proc_net_dev, const char *sys_class_net, struct iface_list *out);
void ifaces_free(struct iface_list *l);

/* "UP", "BROADCAST", ... for bit i of flags; NULL when the bit has no name. */
const char *ifaces_flag_name(unsigned bit);

#endif
