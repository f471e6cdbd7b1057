#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/io.h"
#include "core/out.h"
#include "system/snmp.h"

/* ---- parsers -------------------------------------------------------------- */

static void add(struct snmp_list *l, const char *group, size_t glen, const char *name,
		size_t nlen, const char *value, size_t vlen)
{
	struct snmp_counter *c;
	unsigned long long v = 0;
	size_t i = 0;
	int neg = vlen > 0 && value[0] == '-';

	if (glen == 0 || glen >= sizeof c->group || nlen == 0 || nlen >= sizeof c->name ||
	    vlen == (size_t)neg || vlen - (size_t)neg > 20) {
		l->malformed++;
		return;
	}
	for (i = (size_t)neg; i < vlen; i++) {
		if (value[i] < '0' || value[i] > '9' || v > (~0ULL - 9) / 10) {
			l->malformed++;
			return;
		}
		v = v * 10 + (unsigned)(value[i] - '0');
	}
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	c = &l->v[l->n++];
	memcpy(c->group, group, glen);
	c->group[glen] = '\0';
	memcpy(c->name, name, nlen);
	c->name[nlen] = '\0';
	c->value = v;
	c->negative = neg;
}

/* The next blank-separated word of [*p, e) on this line. */
static size_t word(const char **p, const char *e, const char **w)
{
	const char *s = *p;

	while (s < e && *s == ' ')
		s++;
	*w = s;
	while (s < e && *s != ' ' && *s != '\t')
		s++;
	*p = s;
	return (size_t)(s - *w);
}

static const char *line_end(const char *p, const char *e)
{
	const char *nl = memchr(p, '\n', (size_t)(e - p));
	return nl ? nl : e;
}

/* "Tcp: A B C" then "Tcp: 1 2 3": the names line and its values line. */
static void parse_pair(const char *a, const char *ae, const char *b, const char *be,
		       struct snmp_list *l)
{
	const char *colon = memchr(a, ':', (size_t)(ae - a)), *n, *v;
	size_t glen, nl, vl;

	if (!colon || (size_t)(be - b) <= (size_t)(colon - a) ||
	    memcmp(a, b, (size_t)(colon - a + 1)) != 0) {
		l->malformed++;
		return;
	}
	glen = (size_t)(colon - a);
	a = colon + 1;
	b += glen + 1;
	while ((nl = word(&a, ae, &n)) > 0) {
		vl = word(&b, be, &v);
		add(l, colon - glen, glen, n, nl, v, vl);
	}
	if (word(&b, be, &v) > 0)
		l->malformed++; /* more values than names */
}

void snmp_parse_pairs(const char *text, size_t n, struct snmp_list *list)
{
	const char *p = text, *e = text + n;

	while (p < e) {
		const char *ae = line_end(p, e), *b, *be;
		if (ae == p) {
			p++;
			continue;
		}
		b = ae < e ? ae + 1 : e;
		be = line_end(b, e);
		parse_pair(p, ae, b, be, list);
		p = be < e ? be + 1 : e;
	}
}

static size_t group_prefix(const char *name, size_t n)
{
	static const char *const groups[] = { "UdpLite6", "Icmp6", "Udp6", "Ip6" };
	size_t i, k;

	for (i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		k = strlen(groups[i]);
		if (n > k && memcmp(name, groups[i], k) == 0)
			return k;
	}
	return 0;
}

void snmp_parse_snmp6(const char *text, size_t n, struct snmp_list *list)
{
	const char *p = text, *e = text + n;

	while (p < e) {
		const char *le = line_end(p, e), *q = p, *name, *value;
		size_t nl = word(&q, le, &name), vl, g;
		while (q < le && (*q == ' ' || *q == '\t'))
			q++;
		vl = word(&q, le, &value);
		if (nl && (g = group_prefix(name, nl)) > 0)
			add(list, name, g, name + g, nl - g, value, vl);
		else if (nl)
			list->malformed++;
		p = le < e ? le + 1 : e;
	}
}

/* A /proc file (whose size says 0) read to its end. */
static char *slurp(const char *path, size_t *len)
{
	size_t cap = 0;
	char *text = NULL;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	*len = 0;
	do {
		text = xgrow(text, &cap, *len + 8192, 1);
		n = io_read(fd, text + *len, cap - *len);
		if (n > 0)
			*len += (size_t)n;
	} while (n > 0);
	close(fd);
	if (n < 0) {
		free(text);
		return NULL;
	}
	return text;
}

static int read_into(const char *proc_root, const char *file, int pairs, struct snmp_list *l)
{
	char path[4096], *text;
	size_t len = 0;

	snprintf(path, sizeof path, "%s/net/%s", proc_root, file);
	if (!(text = slurp(path, &len)))
		return -1;
	if (pairs)
		snmp_parse_pairs(text, len, l);
	else
		snmp_parse_snmp6(text, len, l);
	free(text);
	return 0;
}

int snmp_read(const char *proc_root, struct snmp_list *list)
{
	if (read_into(proc_root, "snmp", 1, list) < 0)
		return -1;
	(void)read_into(proc_root, "netstat", 1, list);
	(void)read_into(proc_root, "snmp6", 0, list);
	return 0;
}

void snmp_free(struct snmp_list *list)
{
	free(list->v);
	list->v = NULL;
	list->n = list->cap = 0;
}

/* ---- netstat -s's words ---------------------------------------------------- */

/* flags: A printed even when zero; H never printed; B "%s: N" as named. */
enum { A = 1, H = 2 };

struct wording { const char *group, *name, *text; unsigned flags; };

/* text holds one %llu where the number goes; NULL: "Name: N". */
static const struct wording words[] = {
	{ "Ip", "Forwarding", "Forwarding: %llu", A }, { "Ip", "DefaultTTL", NULL, H },
	{ "Ip", "InReceives", "%llu total packets received", A },
	{ "Ip", "InHdrErrors", "%llu with invalid headers", 0 },
	{ "Ip", "InAddrErrors", "%llu with invalid addresses", 0 },
	{ "Ip", "ForwDatagrams", "%llu forwarded", A },
	{ "Ip", "InUnknownProtos", "%llu with unknown protocol", 0 },
	{ "Ip", "InDiscards", "%llu incoming packets discarded", A },
	{ "Ip", "InDelivers", "%llu incoming packets delivered", A },
	{ "Ip", "OutRequests", "%llu requests sent out", A },
	{ "Ip", "OutDiscards", "%llu outgoing packets dropped", 0 },
	{ "Ip", "OutNoRoutes", "%llu dropped because of missing route", 0 },
	{ "Ip", "ReasmTimeout", "%llu fragments dropped after timeout", 0 },
	{ "Ip", "ReasmReqds", "%llu reassemblies required", 0 },
	{ "Ip", "ReasmOKs", "%llu packets reassembled ok", 0 },
	{ "Ip", "ReasmFails", "%llu packet reassemblies failed", 0 },
	{ "Ip", "FragOKs", "%llu fragments received ok", 0 },
	{ "Ip", "FragFails", "%llu fragments failed", 0 },
	{ "Ip", "FragCreates", "%llu fragments created", 0 },
	{ "Icmp", "InMsgs", "%llu ICMP messages received", A },
	{ "Icmp", "InErrors", "%llu input ICMP message failed", A },
	{ "Icmp", "OutMsgs", "%llu ICMP messages sent", A },
	{ "Icmp", "OutErrors", "%llu ICMP messages failed", A },
	{ "Icmp", "InDestUnreachs", "    destination unreachable: %llu", 0 },
	{ "Icmp", "InTimeExcds", "    timeout in transit: %llu", 0 },
	{ "Icmp", "InParmProbs", "    wrong parameters: %llu", 0 },
	{ "Icmp", "InSrcQuenchs", "    source quenches: %llu", 0 },
	{ "Icmp", "InRedirects", "    redirects: %llu", 0 },
	{ "Icmp", "InEchos", "    echo requests: %llu", 0 },
	{ "Icmp", "InEchoReps", "    echo replies: %llu", 0 },
	{ "Icmp", "InTimestamps", "    timestamp request: %llu", 0 },
	{ "Icmp", "InTimestampReps", "    timestamp reply: %llu", 0 },
	{ "Icmp", "InAddrMasks", "    address mask request: %llu", 0 },
	{ "Icmp", "InAddrMaskReps", "    address mask replies: %llu", 0 },
	{ "Icmp", "OutDestUnreachs", "    destination unreachable: %llu", 0 },
	{ "Icmp", "OutTimeExcds", "    timeout in transit: %llu", 0 },
	{ "Icmp", "OutParmProbs", "    wrong parameters: %llu", 0 },
	{ "Icmp", "OutSrcQuenchs", "    source quenches: %llu", 0 },
	{ "Icmp", "OutRedirects", "    redirects: %llu", 0 },
	{ "Icmp", "OutEchos", "    echo requests: %llu", 0 },
	{ "Icmp", "OutEchoReps", "    echo replies: %llu", 0 },
	{ "Icmp", "OutTimestamps", "    timestamp request: %llu", 0 },
	{ "Icmp", "OutTimestampReps", "    timestamp reply: %llu", 0 },
	{ "Icmp", "OutAddrMasks", "    address mask request: %llu", 0 },
	{ "Icmp", "OutAddrMaskReps", "    address mask replies: %llu", 0 },
	{ "Tcp", "RtoAlgorithm", NULL, H }, { "Tcp", "RtoMin", NULL, H },
	{ "Tcp", "RtoMax", NULL, H }, { "Tcp", "MaxConn", NULL, H },
	{ "Tcp", "ActiveOpens", "%llu active connection openings", A },
	{ "Tcp", "PassiveOpens", "%llu passive connection openings", A },
	{ "Tcp", "AttemptFails", "%llu failed connection attempts", A },
	{ "Tcp", "EstabResets", "%llu connection resets received", A },
	{ "Tcp", "CurrEstab", "%llu connections established", A },
	{ "Tcp", "InSegs", "%llu segments received", A },
	{ "Tcp", "OutSegs", "%llu segments sent out", A },
	{ "Tcp", "RetransSegs", "%llu segments retransmitted", A },
	{ "Tcp", "InErrs", "%llu bad segments received", A },
	{ "Tcp", "OutRsts", "%llu resets sent", A },
	{ "Udp", "InDatagrams", "%llu packets received", A },
	{ "Udp", "NoPorts", "%llu packets to unknown port received", A },
	{ "Udp", "InErrors", "%llu packet receive errors", A },
	{ "Udp", "OutDatagrams", "%llu packets sent", A },
	{ "Udp", "RcvbufErrors", "%llu receive buffer errors", A },
	{ "Udp", "SndbufErrors", "%llu send buffer errors", A },
	{ "UdpLite", "InDatagrams", "%llu packets received", 0 },
	{ "UdpLite", "NoPorts", "%llu packets to unknown port received", 0 },
	{ "UdpLite", "InErrors", "%llu packet receive errors", 0 },
	{ "UdpLite", "OutDatagrams", "%llu packets sent", 0 },
	{ "TcpExt", "SyncookiesSent", "%llu SYN cookies sent", 0 },
	{ "TcpExt", "SyncookiesRecv", "%llu SYN cookies received", 0 },
	{ "TcpExt", "SyncookiesFailed", "%llu invalid SYN cookies received", 0 },
	{ "TcpExt", "EmbryonicRsts", "%llu resets received for embryonic SYN_RECV sockets", 0 },
	{ "TcpExt", "PruneCalled", "%llu packets pruned from receive queue because of socket buffer overrun", 0 },
	{ "TcpExt", "OfoPruned", "%llu packets pruned from receive queue", 0 },
	{ "TcpExt", "OutOfWindowIcmps", "%llu ICMP packets dropped because they were out-of-window", 0 },
	{ "TcpExt", "LockDroppedIcmps", "%llu ICMP packets dropped because socket was locked", 0 },
	{ "TcpExt", "TW", "%llu TCP sockets finished time wait in fast timer", 0 },
	{ "TcpExt", "TWRecycled", "%llu time wait sockets recycled by time stamp", 0 },
	{ "TcpExt", "TWKilled", "%llu TCP sockets finished time wait in slow timer", 0 },
	{ "TcpExt", "PAWSActive", "%llu active connections rejected because of time stamp", 0 },
	{ "TcpExt", "PAWSEstab", "%llu packets rejects in established connections because of timestamp", 0 },
	{ "TcpExt", "DelayedACKs", "%llu delayed acks sent", 0 },
	{ "TcpExt", "DelayedACKLocked", "%llu delayed acks further delayed because of locked socket", 0 },
	{ "TcpExt", "DelayedACKLost", "Quick ack mode was activated %llu times", 0 },
	{ "TcpExt", "ListenOverflows", "%llu times the listen queue of a socket overflowed", 0 },
	{ "TcpExt", "ListenDrops", "%llu SYNs to LISTEN sockets dropped", 0 },
	{ "TcpExt", "TCPHPHits", "%llu packet headers predicted", A },
	{ "TcpExt", "TCPPureAcks", "%llu acknowledgments not containing data payload received", 0 },
	{ "TcpExt", "TCPHPAcks", "%llu predicted acknowledgments", 0 },
	{ "TcpExt", "TCPLostRetransmit", "%llu retransmits lost", 0 },
	{ "TcpExt", "TCPSACKReorder", "Detected reordering %llu times using SACK", 0 },
	{ "TcpExt", "TCPTSReorder", "Detected reordering %llu times using time stamp", 0 },
	{ "TcpExt", "TCPFullUndo", "%llu congestion windows fully recovered without slow start", 0 },
	{ "TcpExt", "TCPPartialUndo", "%llu congestion windows partially recovered using Hoe heuristic", 0 },
	{ "TcpExt", "TCPFastRetrans", "%llu fast retransmits", 0 },
	{ "TcpExt", "TCPAbortOnData", "%llu connections reset due to unexpected data", 0 },
	{ "TcpExt", "TCPAbortOnClose", "%llu connections reset due to early user close", 0 },
	{ "TcpExt", "TCPAbortOnMemory", "%llu connections aborted due to memory pressure", 0 },
	{ "TcpExt", "TCPAbortOnTimeout", "%llu connections aborted due to timeout", 0 },
	{ "TcpExt", "TCPAbortFailed", "%llu times unable to send RST due to no memory", 0 },
	{ "TcpExt", "TCPMemoryPressures", "TCP ran low on memory %llu times", 0 },
};

static const struct wording *find_wording(const struct snmp_counter *c)
{
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(words[i].name, c->name) == 0 && strcmp(words[i].group, c->group) == 0)
			return &words[i];
	return NULL;
}

int snmp_sentence(const struct snmp_counter *c, char *buf, size_t n)
{
	const struct wording *w = find_wording(c);

	if ((w && (w->flags & H)) || (!c->value && !(w && (w->flags & A))))
		return 0;
	if (w && w->text) {
		const char *at = strstr(w->text, "%llu");
		snprintf(buf, n, "%.*s%llu%s", (int)(at - w->text), w->text, c->value, at + 4);
	} else
		snprintf(buf, n, "%s: %s%llu", c->name, c->negative ? "-" : "", c->value);
	return 1;
}

static int is_v6_group(const char *g)
{
	return strcmp(g, "Ip6") == 0 || strcmp(g, "Icmp6") == 0 || strcmp(g, "Udp6") == 0 ||
	       strcmp(g, "UdpLite6") == 0;
}

/* The lines of the group starting at list->v[i] into out; the index after it. */
static size_t put_group(FILE *out, const struct snmp_list *list, size_t i, int family)
{
	const char *g = list->v[i].group, *indent = strcmp(g, "IcmpMsg") == 0 ? "        " : "    ";
	int v6 = is_v6_group(g), header = 0;
	char line[160];

	if ((family == 4 && v6) || (family == 6 && !v6))
		header = -1;
	else if (!v6)
		header = fprintf(out, "%s:\n", g) > 0; /* netstat prints empty groups too */
	for (; i < list->n && strcmp(list->v[i].group, g) == 0; i++) {
		const struct snmp_counter *c = &list->v[i];
		if (header < 0 || !snmp_sentence(c, line, sizeof line))
			continue;
		if (!header)
			header = fprintf(out, "%s:\n", g) > 0;
		fprintf(out, "%s%s\n", indent, line);
		if (strcmp(g, "Icmp") == 0 && strcmp(c->name, "InErrors") == 0)
			fputs("    ICMP input histogram:\n", out);
		if (strcmp(g, "Icmp") == 0 && strcmp(c->name, "OutErrors") == 0)
			fputs("    ICMP output histogram:\n", out);
	}
	return i;
}

char *snmp_netstat_text(const struct snmp_list *list, int family)
{
	char *text = NULL;
	size_t len = 0, i = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	while (i < list->n)
		i = put_group(out, list, i, family);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

void snmp_emit(struct out *o, const struct snmp_list *list)
{
	char line[160];
	size_t i;

	for (i = 0; i < list->n; i++) {
		const struct snmp_counter *c = &list->v[i];
		out_str(out_key(o, "group"), c->group);
		out_str(out_key(o, "counter"), c->name);
		if (c->negative)
			out_int(out_key(o, "value"), -(long long)c->value);
		else
			out_uint(out_key(o, "value"), c->value);
		if (snmp_sentence(c, line, sizeof line))
			out_str(out_key(o, "text"), line);
		out_end(o);
	}
}
