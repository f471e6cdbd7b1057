#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "net/routefmt.h"

static size_t put_u8(char *p, unsigned v)
{
	size_t n = 0;

	if (v >= 100)
		p[n++] = (char)('0' + v / 100);
	if (v >= 10)
		p[n++] = (char)('0' + v / 10 % 10);
	p[n++] = (char)('0' + v % 10);
	return n;
}

size_t routefmt_addr(int family, const uint8_t *a, char *buf)
{
	size_t n = 0;
	int i;

	if (family == 6) {
		if (!inet_ntop(AF_INET6, a, buf, 48))
			strcpy(buf, "?");
		return strlen(buf);
	}
	for (i = 0; i < 4; i++) {
		if (i)
			buf[n++] = '.';
		n += put_u8(buf + n, a[i]);
	}
	buf[n] = '\0';
	return n;
}

size_t routefmt_prefix(int family, const uint8_t *addr, int has, int len, int numeric, char *buf)
{
	static const uint8_t zero[16];
	size_t n;

	if ((!has || len == 0) && !numeric) {
		strcpy(buf, "default");
		return 7;
	}
	n = routefmt_addr(family, has ? addr : zero, buf);
	if (len != (family == 4 ? 32 : 128))
		n += (size_t)sprintf(buf + n, "/%d", len);
	return n;
}

/* s, then spaces to width, then one space. */
static char *cell(char *p, const char *s, size_t n, size_t width)
{
	memcpy(p, s, n);
	p += n;
	while (n++ < width)
		*p++ = ' ';
	*p++ = ' ';
	return p;
}

size_t routefmt_header(int with_table, char *buf)
{
	static const char head[] =
		"DESTINATION        GATEWAY         DEV    SOURCE          PROTO  SCOPE  METRIC FLAGS\n";

	if (with_table)
		memcpy(buf, "TABLE  ", 7);
	memcpy(buf + (with_table ? 7 : 0), head, sizeof head);
	return (with_table ? 7 : 0) + sizeof head - 1;
}

static char *put_addr_cell(char *p, int family, const uint8_t *a, int has, size_t width)
{
	char t[48];

	return has ? cell(p, t, routefmt_addr(family, a, t), width) : cell(p, "-", 1, width);
}

/* PROTO SCOPE METRIC FLAGS */
static char *put_tail(char *p, const struct nl_route *r, int numeric)
{
	char t[16];
	const char *flags[8];
	size_t nf = nl_route_flag_names(r->flags, flags, 8), i;
	const char *s;

	s = numeric ? (snprintf(t, sizeof t, "%u", r->protocol), t) : nl_protocol_name(r->protocol, t);
	p = cell(p, s, strlen(s), 6);
	s = numeric ? (snprintf(t, sizeof t, "%u", r->scope), t) : nl_scope_name(r->scope, t);
	p = cell(p, s, strlen(s), 6);
	if (r->has_metric)
		p += sprintf(p, "%6lu ", (unsigned long)r->metric);
	else
		p = cell(p, "     -", 6, 6);
	for (i = 0; i < nf; i++)
		p += sprintf(p, "%s%s", i ? "," : "", flags[i]);
	if (!nf)
		*p++ = '-';
	*p++ = '\n';
	return p;
}

size_t routefmt_row(const struct nl_route *r, const char *dev, int numeric, int with_table,
		    char *buf)
{
	char t[80], *p = buf;
	size_t n = 0;

	if (with_table) {
		const char *s = numeric ? (snprintf(t, sizeof t, "%lu", (unsigned long)r->table), t)
				: nl_table_name(r->table, t);
		p = cell(p, s, strlen(s), 6);
	}
	if (r->type != RTN_UNICAST)
		n = (size_t)sprintf(t, "%s ", nl_route_type_name(r->type));
	n += routefmt_prefix(r->family, r->dst, r->has_dst, r->dst_len, numeric, t + n);
	p = cell(p, t, n, 18);
	p = put_addr_cell(p, r->family, r->gateway, r->has_gateway, 15);
	p = dev ? cell(p, dev, strlen(dev), 6) : cell(p, "-", 1, 6);
	p = put_addr_cell(p, r->family, r->prefsrc, r->has_prefsrc, 15);
	p = put_tail(p, r, numeric);
	return (size_t)(p - buf);
}

const char routefmt_nettools_header[] =
	"Kernel IP routing table\n"
	"Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n";

size_t routefmt_nettools_row(const struct nl_route *r, const char *dev, int numeric, char *buf)
{
	static const uint8_t zero[4];
	char dst[48], gw[48], mask[48], flags[8];
	uint32_t m = r->dst_len ? htonl(~0u << (32 - r->dst_len)) : 0;
	size_t k = 0;

	if (r->type == RTN_BROADCAST || r->type == RTN_MULTICAST)
		return 0; /* /proc/net/route leaves them out too */
	routefmt_addr(4, r->has_dst ? r->dst : zero, dst);
	routefmt_addr(4, r->has_gateway ? r->gateway : zero, gw);
	routefmt_addr(4, (const uint8_t *)&m, mask);
	if (r->type == RTN_UNREACHABLE || r->type == RTN_PROHIBIT)
		return (size_t)sprintf(buf, "%-15s %-15s %-15s %-6s %4s %-6s %5s %s\n",
				       dst, "-", mask, "!", "-", "-", "-", "-");
	flags[k++] = 'U';
	if (r->has_gateway)
		flags[k++] = 'G';
	if (r->dst_len == 32)
		flags[k++] = 'H';
	flags[k] = '\0';
	return (size_t)sprintf(buf, "%-15s %-15s %-15s %-6s %4d %-6d %5d %s\n",
			       r->dst_len || numeric ? dst : "default", gw, mask, flags, 0, 0, 0,
			       dev ? dev : "*");
}
