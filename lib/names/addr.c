#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/enc.h"
#include "names/addr.h"

/* ---- parsing ---------------------------------------------------------- */

static int fail(struct addr_error *err, enum addr_err code, size_t pos, size_t len)
{
	if (err) {
		err->code = code;
		err->pos = pos;
		err->len = len;
	}
	return -1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int addr_parse_ipv4(const char *s, size_t n, uint32_t *out, struct addr_error *err)
{
	uint32_t a = 0;
	size_t i = 0;
	int part;

	if (n == 0)
		return fail(err, ADDR_EMPTY, 0, 0);
	for (part = 0; part < 4; part++) {
		size_t start = i;
		unsigned v = 0;

		while (i < n && is_digit(s[i]) && i - start < 4)
			v = v * 10 + (unsigned)(s[i++] - '0');
		while (i < n && is_digit(s[i]))
			i++; /* a run too long to be an octet: still name all of it */
		if (i == start) {
			if (i < n && s[i] != '.')
				return fail(err, ADDR_BAD_CHAR, i, 1);
			return fail(err, ADDR_EMPTY_PART, i, 0);
		}
		if (i - start > 3 || v > 255)
			return fail(err, ADDR_OCTET_RANGE, start, i - start);
		if (i - start > 1 && s[start] == '0')
			return fail(err, ADDR_LEADING_ZERO, start, i - start);
		a = a << 8 | v;
		if (i == n) {
			if (part < 3)
				return fail(err, ADDR_TOO_FEW, 0, n);
			break;
		}
		if (s[i] != '.')
			return fail(err, ADDR_BAD_CHAR, i, 1);
		if (part == 3) {
			if (i + 1 < n && is_digit(s[i + 1]))
				return fail(err, ADDR_TOO_MANY, i + 1, n - i - 1);
			return fail(err, ADDR_EMPTY_PART, i + 1, 0);
		}
		i++;
	}
	*out = a;
	return 0;
}

__attribute__((hot)) size_t addr_scan_ipv4(const char *s, size_t n, uint32_t *out)
{
	const char *p = s, *end = s + n;
	uint32_t a = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v;

		if (part && (p == end || *p++ != '.'))
			return 0;
		if (p == end || !is_digit(*p))
			return 0;
		v = (unsigned)(*p++ - '0');
		if (p < end && is_digit(*p)) {
			if (v == 0)
				return 0; /* leading zero */
			v = v * 10 + (unsigned)(*p++ - '0');
			if (p < end && is_digit(*p)) {
				v = v * 10 + (unsigned)(*p++ - '0');
				if (v > 255 || (p < end && is_digit(*p)))
					return 0;
			}
		}
		a = a << 8 | v;
	}
	*out = a;
	return (size_t)(p - s);
}

static void ip_from_v4(struct ip *ip, uint32_t a)
{
	memset(ip, 0, sizeof *ip);
	ip->version = 4;
	ip->b[0] = (uint8_t)(a >> 24);
	ip->b[1] = (uint8_t)(a >> 16);
	ip->b[2] = (uint8_t)(a >> 8);
	ip->b[3] = (uint8_t)a;
}

static uint32_t ip_to_v4(const struct ip *ip)
{
	return (uint32_t)ip->b[0] << 24 | (uint32_t)ip->b[1] << 16 |
	       (uint32_t)ip->b[2] << 8 | ip->b[3];
}

static int parse_ipv6(const char *s, size_t n, struct ip *out, struct addr_error *err)
{
	char buf[ADDR_STRLEN];
	size_t i;

	if (n >= sizeof buf)
		return fail(err, ADDR_BAD_IPV6, 0, n);
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!(is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
		      c == ':' || c == '.'))
			return fail(err, ADDR_BAD_CHAR, i, 1);
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET6, buf, out->b) != 1)
		return fail(err, ADDR_BAD_IPV6, 0, n);
	out->version = 6;
	return 0;
}

int addr_parse(const char *s, size_t n, struct ip *out, struct addr_error *err)
{
	uint32_t a;

	if (n == 0)
		return fail(err, ADDR_EMPTY, 0, 0);
	if (memchr(s, ':', n))
		return parse_ipv6(s, n, out, err);
	if (addr_parse_ipv4(s, n, &a, err) < 0)
		return -1;
	ip_from_v4(out, a);
	return 0;
}

int addr_netmask_to_prefix(const char *s, size_t n, struct addr_error *err)
{
	uint32_t m;
	int len = 0;

	if (addr_parse_ipv4(s, n, &m, err) < 0)
		return -1;
	while (len < 32 && (m & (UINT32_C(1) << (31 - len))))
		len++;
	if (len < 32 && (m << len) != 0)
		return fail(err, ADDR_BAD_NETMASK, 0, n);
	return len;
}

static int parse_prefix_len(const char *s, size_t n, size_t off, int max,
			    struct addr_error *err)
{
	size_t i;
	int v = 0;

	if (n == 0 || n > 3)
		return fail(err, n ? ADDR_PREFIX_RANGE : ADDR_BAD_PREFIX, off, n);
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return fail(err, ADDR_BAD_PREFIX, off, n);
		v = v * 10 + (s[i] - '0');
	}
	if (n > 1 && s[0] == '0')
		return fail(err, ADDR_BAD_PREFIX, off, n);
	if (v > max)
		return fail(err, ADDR_PREFIX_RANGE, off, n);
	return v;
}

int addr_parse_prefix(const char *s, size_t n, struct ip_prefix *out,
		      struct addr_error *err)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	size_t off = alen + 1;
	int len;

	if (addr_parse(s, alen, &out->ip, err) < 0)
		return -1;
	out->prefix = -1;
	if (!slash)
		return 0;
	if (out->ip.version == 4 && memchr(slash + 1, '.', n - off)) {
		len = addr_netmask_to_prefix(slash + 1, n - off, err);
		if (len < 0) {
			if (err && err->code != ADDR_BAD_NETMASK)
				err->code = ADDR_BAD_NETMASK;
			if (err) {
				err->pos = off;
				err->len = n - off;
			}
			return -1;
		}
	} else {
		len = parse_prefix_len(slash + 1, n - off, off,
				       out->ip.version == 4 ? 32 : 128, err);
		if (len < 0)
			return -1;
	}
	out->prefix = len;
	return 0;
}

const char *addr_strerror(enum addr_err e)
{
	switch (e) {
	case ADDR_OK: return "valid";
	case ADDR_EMPTY: return "empty address";
	case ADDR_BAD_CHAR: return "unexpected character";
	case ADDR_OCTET_RANGE: return "part is out of range (0-255)";
	case ADDR_LEADING_ZERO: return "part has a leading zero (octal is not accepted)";
	case ADDR_EMPTY_PART: return "empty part";
	case ADDR_TOO_FEW: return "too few parts (an IPv4 address has 4)";
	case ADDR_TOO_MANY: return "too many parts (an IPv4 address has 4)";
	case ADDR_BAD_IPV6: return "not a valid IPv6 address";
	case ADDR_BAD_PREFIX: return "prefix length is not a number";
	case ADDR_PREFIX_RANGE: return "prefix length is out of range";
	case ADDR_BAD_NETMASK: return "not a contiguous netmask";
	case ADDR_TOO_LONG: return "too long to be an address";
	case ADDR_RANGE_ORDER: return "the range starts after its end";
	case ADDR_RANGE_FAMILY: return "the range mixes IPv4 and IPv6";
	}
	return "invalid address";
}

/* ---- formatting ------------------------------------------------------- */

/* RFC 5952: lowercase hex without leading zeros, the longest run of two
 * or more zero groups (the first of equals) as "::", dotted quad only for
 * IPv4-mapped addresses. (glibc also writes ::/96 as "::a.b.c.d", the
 * deprecated IPv4-compatible form.) */
static char *format_ipv6(const uint8_t *b, char *buf)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	int i, best = -1, bestlen = 1, run = 0, v4 = memcmp(b, mapped, 12) == 0;
	unsigned w[8];
	char *p = buf;

	for (i = 0; i < 8; i++) {
		w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
		run = w[i] ? 0 : run + 1;
		if (run > bestlen) {
			bestlen = run;
			best = i - run + 1;
		}
	}
	for (i = 0; i < (v4 ? 6 : 8); i++) {
		if (i == best) {
			p += sprintf(p, "::");
			i += bestlen - 1;
			continue;
		}
		if (i && i != best + bestlen)
			*p++ = ':';
		p += sprintf(p, "%x", w[i]);
	}
	if (v4)
		sprintf(p, ":%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
	else
		*p = '\0';
	return buf;
}

char *addr_format(const struct ip *ip, char *buf)
{
	if (ip->version == 6)
		return format_ipv6(ip->b, buf);
	sprintf(buf, "%u.%u.%u.%u", ip->b[0], ip->b[1], ip->b[2], ip->b[3]);
	return buf;
}

char *addr_format_binary(const struct ip *ip, char *buf)
{
	char *p = buf;
	int i, bit;

	for (i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		for (bit = 7; bit >= 0; bit--)
			*p++ = (char)('0' + ((ip->b[i] >> bit) & 1));
	}
	*p = '\0';
	return buf;
}

char *addr_format_octets(const struct ip *ip, int from, int to, char *buf)
{
	char *p = buf;
	int i;

	for (i = from; i < to; i++)
		p += sprintf(p, i > from ? ".%u" : "%u", ip->b[i]);
	*p = '\0';
	return buf;
}

/* ---- classful class --------------------------------------------------- */

struct ipv4_class addr_ipv4_class(uint32_t a)
{
	static const struct ipv4_class classes[] = {
		{ 'A', "0", 8, 1 },
		{ 'B', "10", 16, 2 },
		{ 'C', "110", 24, 3 },
		{ 'D', "1110", -1, 0 },
		{ 'E', "1111", -1, 0 },
	};
	unsigned top = a >> 28;

	if (top < 8)
		return classes[0];
	if (top < 12)
		return classes[1];
	if (top < 14)
		return classes[2];
	if (top == 14)
		return classes[3];
	return classes[4];
}

/* ---- special-purpose ranges -------------------------------------------- */

/* IANA IPv4 Special-Purpose Address Registry, as CLI.md groups it. */
enum {
	V4_THIS_NETWORK, V4_PRIVATE_10, V4_SHARED, V4_LOOPBACK, V4_LINK_LOCAL,
	V4_PRIVATE_172, V4_IETF, V4_TEST_NET_1, V4_PRIVATE_192, V4_BENCHMARK,
	V4_TEST_NET_2, V4_TEST_NET_3, V4_MULTICAST, V4_RESERVED, V4_BROADCAST,
	V4_GLOBAL,
};

static const struct addr_range v4_ranges[] = {
	[V4_THIS_NETWORK] = { "this-network", "This network", "0.0.0.0/8", "RFC 791" },
	[V4_PRIVATE_10] = { "private", "Private-Use", "10.0.0.0/8", "RFC 1918" },
	[V4_SHARED] = { "shared", "Shared Address Space (CGNAT)", "100.64.0.0/10", "RFC 6598" },
	[V4_LOOPBACK] = { "loopback", "Loopback", "127.0.0.0/8", "RFC 1122" },
	[V4_LINK_LOCAL] = { "link-local", "Link Local", "169.254.0.0/16", "RFC 3927" },
	[V4_PRIVATE_172] = { "private", "Private-Use", "172.16.0.0/12", "RFC 1918" },
	[V4_IETF] = { "ietf-protocol", "IETF Protocol Assignments", "192.0.0.0/24", "RFC 6890" },
	[V4_TEST_NET_1] = { "documentation", "Documentation (TEST-NET-1)", "192.0.2.0/24", "RFC 5737" },
	[V4_PRIVATE_192] = { "private", "Private-Use", "192.168.0.0/16", "RFC 1918" },
	[V4_BENCHMARK] = { "benchmarking", "Benchmarking", "198.18.0.0/15", "RFC 2544" },
	[V4_TEST_NET_2] = { "documentation", "Documentation (TEST-NET-2)", "198.51.100.0/24", "RFC 5737" },
	[V4_TEST_NET_3] = { "documentation", "Documentation (TEST-NET-3)", "203.0.113.0/24", "RFC 5737" },
	[V4_MULTICAST] = { "multicast", "Multicast", "224.0.0.0/4", "RFC 5771" },
	[V4_RESERVED] = { "reserved", "Reserved for Future Use", "240.0.0.0/4", "RFC 1112" },
	[V4_BROADCAST] = { "broadcast", "Limited Broadcast", "255.255.255.255/32", "RFC 919" },
	[V4_GLOBAL] = { "global", "Global", NULL, NULL },
};

/* strlen of each category, for the bulk path. */
static const unsigned char v4_category_len[] = {
	[V4_THIS_NETWORK] = 12, [V4_PRIVATE_10] = 7, [V4_SHARED] = 6,
	[V4_LOOPBACK] = 8, [V4_LINK_LOCAL] = 10, [V4_PRIVATE_172] = 7,
	[V4_IETF] = 13, [V4_TEST_NET_1] = 13, [V4_PRIVATE_192] = 7,
	[V4_BENCHMARK] = 12, [V4_TEST_NET_2] = 13, [V4_TEST_NET_3] = 13,
	[V4_MULTICAST] = 9, [V4_RESERVED] = 8, [V4_BROADCAST] = 9, [V4_GLOBAL] = 6,
};

/* A switch on the first octet: bulk classification is one branch or two. */
static int v4_range_index(uint32_t a)
{
	unsigned o1 = a >> 24, o2 = (a >> 16) & 255, o3 = (a >> 8) & 255;

	switch (o1) {
	case 0: return V4_THIS_NETWORK;
	case 10: return V4_PRIVATE_10;
	case 100: return (o2 & 0xc0) == 64 ? V4_SHARED : V4_GLOBAL;
	case 127: return V4_LOOPBACK;
	case 169: return o2 == 254 ? V4_LINK_LOCAL : V4_GLOBAL;
	case 172: return (o2 & 0xf0) == 16 ? V4_PRIVATE_172 : V4_GLOBAL;
	case 192:
		if (o2 == 168)
			return V4_PRIVATE_192;
		if (o2 == 0 && o3 == 0)
			return V4_IETF;
		if (o2 == 0 && o3 == 2)
			return V4_TEST_NET_1;
		return V4_GLOBAL;
	case 198:
		if ((o2 & 0xfe) == 18)
			return V4_BENCHMARK;
		return o2 == 51 && o3 == 100 ? V4_TEST_NET_2 : V4_GLOBAL;
	case 203: return o2 == 0 && o3 == 113 ? V4_TEST_NET_3 : V4_GLOBAL;
	case 255: return a == 0xffffffffu ? V4_BROADCAST : V4_RESERVED;
	}
	if (o1 >= 224)
		return o1 < 240 ? V4_MULTICAST : V4_RESERVED;
	return V4_GLOBAL;
}

const char *addr_category_ipv4(uint32_t a)
{
	return v4_ranges[v4_range_index(a)].category;
}

static int is_line_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int addr_classify_line(const char *s, size_t n, struct addr_line *out,
		       struct addr_error *err)
{
	uint32_t a;
	size_t len = addr_scan_ipv4(s, n, &a);

	out->parsed = 0;
	if (len && (len == n || (len + 1 == n && s[len] == '\r'))) {
		out->addr = s;
		out->len = len;
		int r = v4_range_index(a);
		out->cls = "AAAAAAAABBBBCCDE"[a >> 28];
		out->category = v4_ranges[r].category;
		out->category_len = v4_category_len[r];
		return 0;
	}
	while (n && is_line_blank(s[n - 1]))
		n--;
	while (n && is_line_blank(*s)) {
		s++;
		n--;
	}
	out->addr = s; /* on an error too: what the error's position is in */
	out->len = n;
	if (n > ADDR_LINE_MAX)
		return fail(err, ADDR_TOO_LONG, 0, n);
	if (addr_parse_prefix(s, n, &out->p, err) < 0)
		return -1;
	out->parsed = 1;
	out->cls = out->p.ip.version == 4 ? addr_ipv4_class(ip_to_v4(&out->p.ip)).letter : '-';
	out->category = addr_classify(&out->p.ip)->category;
	out->category_len = strlen(out->category);
	return 0;
}

/* IANA IPv6 Special-Purpose Address Registry; the first match wins, so
 * the more specific entries come first. */
static const struct v6_range {
	uint8_t net[16];
	int len;
	struct addr_range r;
} v6_ranges[] = {
	{ {0}, 128, { "unspecified", "Unspecified Address", "::/128", "RFC 4291" } },
	{ {[15] = 1}, 128, { "loopback", "Loopback Address", "::1/128", "RFC 4291" } },
	{ {[10] = 0xff, [11] = 0xff}, 96, { "ipv4-mapped", "IPv4-mapped Address", "::ffff:0:0/96", "RFC 4291" } },
	{ {0, 0x64, 0xff, 0x9b}, 96, { "nat64", "IPv4-IPv6 Translation", "64:ff9b::/96", "RFC 6052" } },
	{ {0, 0x64, 0xff, 0x9b, 0, 1}, 48, { "nat64", "IPv4-IPv6 Translation (local use)", "64:ff9b:1::/48", "RFC 8215" } },
	{ {1, 0}, 64, { "discard", "Discard-Only Address Block", "100::/64", "RFC 6666" } },
	{ {0x20, 0x01, 0, 0}, 32, { "teredo", "Teredo", "2001::/32", "RFC 4380" } },
	{ {0x20, 0x01, 0, 0}, 23, { "reserved", "IETF Protocol Assignments", "2001::/23", "RFC 2928" } },
	{ {0x20, 0x01, 0x0d, 0xb8}, 32, { "documentation", "Documentation", "2001:db8::/32", "RFC 3849" } },
	{ {0x3f, 0xff}, 20, { "documentation", "Documentation", "3fff::/20", "RFC 9637" } },
	{ {0x20, 0x02}, 16, { "6to4", "6to4", "2002::/16", "RFC 3056" } },
	{ {0x20}, 3, { "global", "Global Unicast", "2000::/3", "RFC 4291" } },
	{ {0xfc}, 7, { "unique-local", "Unique-Local", "fc00::/7", "RFC 4193" } },
	{ {0xfe, 0x80}, 10, { "link-local", "Link-Local Unicast", "fe80::/10", "RFC 4291" } },
	{ {0xff}, 8, { "multicast", "Multicast", "ff00::/8", "RFC 4291" } },
	{ {0}, 0, { "reserved", "Reserved by IETF", "::/0", "RFC 4291" } },
};

static int prefix_matches(const uint8_t *a, const uint8_t *net, int len)
{
	int full = len / 8, rest = len % 8;

	if (memcmp(a, net, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ net[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

const struct addr_range *addr_classify(const struct ip *ip)
{
	size_t i;

	if (ip->version == 4)
		return &v4_ranges[v4_range_index(ip_to_v4(ip))];
	for (i = 0; i < sizeof v6_ranges / sizeof v6_ranges[0] - 1; i++)
		if (prefix_matches(ip->b, v6_ranges[i].net, v6_ranges[i].len))
			return &v6_ranges[i].r;
	return &v6_ranges[i].r;
}

const char *addr_ipv6_mcast_scope(const struct ip *ip)
{
	static const char *const scopes[16] = {
		[0x1] = "interface-local", [0x2] = "link-local",
		[0x3] = "realm-local", [0x4] = "admin-local", [0x5] = "site-local",
		[0x8] = "organization-local", [0xe] = "global",
	};

	if (ip->version != 6 || ip->b[0] != 0xff)
		return NULL;
	return scopes[ip->b[1] & 15] ? scopes[ip->b[1] & 15] : "unassigned";
}

int addr_is_category(const char *word, int version)
{
	static const char *const v4[] = {
		"this-network", "private", "shared", "loopback", "link-local",
		"ietf-protocol", "documentation", "benchmarking", "multicast",
		"reserved", "broadcast", "global", NULL,
	};
	static const char *const v6[] = {
		"unspecified", "loopback", "ipv4-mapped", "nat64", "discard",
		"teredo", "documentation", "6to4", "unique-local", "link-local",
		"multicast", "global", "reserved", NULL,
	};
	size_t i;

	if (version != 6)
		for (i = 0; v4[i]; i++)
			if (strcmp(word, v4[i]) == 0)
				return 1;
	if (version != 4)
		for (i = 0; v6[i]; i++)
			if (strcmp(word, v6[i]) == 0)
				return 1;
	return 0;
}

/* ---- CIDR arithmetic --------------------------------------------------- */

static void mask_bits(struct ip *m, int version, int prefix)
{
	int i, bytes = version == 4 ? 4 : 16;

	memset(m, 0, sizeof *m);
	m->version = version;
	for (i = 0; i < bytes; i++) {
		int bits = prefix - i * 8;
		m->b[i] = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

/* 2^n in decimal, n <= 128, by doubling a digit string. */
void addr_pow2_decimal(int n, char *out)
{
	char d[48];
	int len = 1, i, k;

	d[0] = 1;
	for (k = 0; k < n; k++) {
		int carry = 0;
		for (i = 0; i < len; i++) {
			int v = d[i] * 2 + carry;
			d[i] = (char)(v % 10);
			carry = v / 10;
		}
		if (carry)
			d[len++] = (char)carry;
	}
	for (i = 0; i < len; i++)
		out[i] = (char)('0' + d[len - 1 - i]);
	out[len] = '\0';
}

void addr_network(const struct ip_prefix *p, struct addr_net *out)
{
	int version = p->ip.version, bytes = version == 4 ? 4 : 16;
	int bits = version == 4 ? 32 : 128, i;
	int prefix = p->prefix < 0 ? bits : p->prefix;
	int host_bits = bits - prefix;

	memset(out, 0, sizeof *out);
	mask_bits(&out->netmask, version, prefix);
	out->network = out->wildcard = out->broadcast = out->netmask;
	for (i = 0; i < bytes; i++) {
		out->wildcard.b[i] = (uint8_t)~out->netmask.b[i];
		out->network.b[i] = p->ip.b[i] & out->netmask.b[i];
		out->broadcast.b[i] = out->network.b[i] | out->wildcard.b[i];
	}
	out->first = out->network;
	out->last = out->broadcast;
	/* IPv4 keeps network and broadcast out of the host range, except on
	 * point-to-point /31 links (RFC 3021) and single-host /32. IPv6 has no
	 * broadcast: every address of the prefix is usable. */
	if (version == 4 && host_bits >= 2) {
		uint32_t f = ip_to_v4(&out->network) + 1, l = ip_to_v4(&out->broadcast) - 1;
		ip_from_v4(&out->first, f);
		ip_from_v4(&out->last, l);
		out->has_broadcast = 1;
		snprintf(out->hosts, sizeof out->hosts, "%llu",
			 (unsigned long long)((UINT64_C(1) << host_bits) - 2));
	} else {
		addr_pow2_decimal(host_bits, out->hosts);
	}
}

/* ---- messages ------------------------------------------------------------ */

static void describe(char *msg, size_t size, const struct addr_error *e,
		     const char *q, const char *part, int max)
{
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
	case ADDR_PREFIX_RANGE:
		snprintf(msg, size, "'%s': prefix length '%s' is %s (0-%d)", q, part,
			 e->code == ADDR_BAD_PREFIX ? "not a plain decimal number" :
			 "out of range", max);
		break;
	case ADDR_BAD_NETMASK:
		snprintf(msg, size, "'%s': netmask '%s' is not a contiguous netmask", q, part);
		break;
	default:
		snprintf(msg, size, "'%s': %s", q, addr_strerror(e->code));
	}
}

void addr_describe_error(const char *text, size_t n, const struct addr_error *e,
			 char *msg, size_t size)
{
	char q[160 * 4 + 8], part[160 * 4 + 8];
	size_t pos = e->pos <= n ? e->pos : n;
	size_t plen = e->len < n - pos ? e->len : n - pos;

	enc_quote(text, n, q, sizeof q);
	enc_quote(text + pos, plen, part, sizeof part);
	describe(msg, size, e, q, part, memchr(text, ':', n) ? 128 : 32);
}
