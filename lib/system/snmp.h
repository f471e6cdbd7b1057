/* The kernel's protocol counters: /proc/net/snmp and /proc/net/netstat
 * (pairs of "Group: names" / "Group: values" lines) and /proc/net/snmp6
 * ("Ip6InReceives  1053" lines), and their netstat -s wording. Parsers
 * are pure; the reader takes the proc root. */
#ifndef NETTOOL_SNMP_H
#define NETTOOL_SNMP_H

#include <stddef.h>

struct snmp_counter {
	char group[16];         /* "Ip", "Tcp", "TcpExt", "Ip6", "Icmp6", ... */
	char name[40];          /* "OutRsts", "ListenOverflows", "InReceives" */
	unsigned long long value;
	int negative;           /* a signed counter below zero (Tcp MaxConn -1) */
};

struct snmp_list {
	struct snmp_counter *v;
	size_t n, cap;
	size_t malformed;       /* lines or values that did not parse */
};

/* The text of /proc/net/snmp or /proc/net/netstat, appended to list. */
void snmp_parse_pairs(const char *text, size_t n, struct snmp_list *list);
/* The text of /proc/net/snmp6. */
void snmp_parse_snmp6(const char *text, size_t n, struct snmp_list *list);
/* All three files under proc_root/net. Returns 0, or -1 with errno when
 * snmp cannot be read (netstat and snmp6 may be missing). */
int snmp_read(const char *proc_root, struct snmp_list *list);
void snmp_free(struct snmp_list *list);

/* netstat -s's sentence for a counter with its value, e.g.
 * "100 resets sent", "Quick ack mode was activated 3 times", or
 * "InCsumErrors: 0" for counters netstat names as they are; into buf.
 * Returns 0 if netstat -s would leave it out (zero and not among those it
 * always prints, or never printed), 1 if written. */
int snmp_sentence(const struct snmp_counter *c, char *buf, size_t n);
/* The whole -s counters text, netstat -s's layout ("Tcp:" then indented
 * sentences), in a string the caller frees (NULL: out of memory). family
 * 4 leaves out snmp6's groups, 6 keeps only them; with 0 they show when
 * they have a line to show. */
char *snmp_netstat_text(const struct snmp_list *list, int family);
/* One record per counter: group, counter, value, and text when netstat -s
 * prints it (the columns sockstat_open declares). */
struct out;
void snmp_emit(struct out *o, const struct snmp_list *list);

#endif
