#include <string.h>

#include "net/icmp.h"

enum {
	V4_ECHO_REPLY = 0, V4_UNREACH = 3, V4_REDIRECT = 5, V4_ECHO = 8,
	V4_TIME_EXCEEDED = 11, V4_PARAM_PROBLEM = 12,
	V6_UNREACH = 1, V6_TOO_BIG = 2, V6_TIME_EXCEEDED = 3, V6_PARAM_PROBLEM = 4,
	V6_ECHO = 128, V6_ECHO_REPLY = 129,
};

uint16_t icmp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t icmp_build_echo(uint8_t *buf, size_t cap, int family, uint16_t id,
		       uint16_t seq, size_t datalen)
{
	size_t i, len = 8 + datalen;

	if (len > cap)
		return 0;
	buf[0] = family == 4 ? V4_ECHO : V6_ECHO;
	buf[1] = 0;
	put16(buf + 2, 0);
	put16(buf + 4, id);
	put16(buf + 6, seq);
	for (i = 0; i < datalen; i++)
		buf[8 + i] = (uint8_t)(i + 8); /* iputils' pattern: 0x08, 0x09, ... */
	if (family == 4)
		put16(buf + 2, icmp_checksum(buf, len));
	return len;
}

static int is_error_type(int family, int type)
{
	if (family == 4)
		return type == V4_UNREACH || type == V4_TIME_EXCEEDED ||
		       type == V4_PARAM_PROBLEM || type == V4_REDIRECT;
	return type == V6_UNREACH || type == V6_TOO_BIG || type == V6_TIME_EXCEEDED ||
	       type == V6_PARAM_PROBLEM;
}

/* An error quotes the IP header and the first 8 bytes of our echo. */
static int parse_quoted(const uint8_t *q, size_t len, int family, struct icmp_msg *out)
{
	size_t hl;

	if (family == 4) {
		if (len < 20 || (q[0] >> 4) != 4)
			return -1;
		hl = (size_t)(q[0] & 15) * 4;
		if (hl < 20 || len < hl + 8 || q[9] != 1)
			return -1;
		q += hl;
		if (q[0] != V4_ECHO)
			return -1;
	} else {
		if (len < 48 || (q[0] >> 4) != 6 || q[6] != 58)
			return -1; /* extension headers before ICMPv6: not ours */
		q += 40;
		if (q[0] != V6_ECHO)
			return -1;
	}
	out->id = get16(q + 4);
	out->seq = get16(q + 6);
	return 0;
}

int icmp_parse(const uint8_t *buf, size_t len, int family, int with_ip,
	       struct icmp_msg *out)
{
	const uint8_t *p = buf;

	memset(out, 0, sizeof *out);
	out->ttl = -1;
	if (with_ip) {
		size_t hl, total;
		if (len < 20 || (buf[0] >> 4) != 4)
			return -1;
		hl = (size_t)(buf[0] & 15) * 4;
		total = get16(buf + 2);
		if (hl < 20 || len < hl)
			return -1;
		if (total >= hl && total < len)
			len = total; /* ignore link padding */
		out->ttl = buf[8];
		memcpy(out->src, buf + 12, 4);
		p = buf + hl;
		len -= hl;
	}
	if (len < 8)
		return -1;
	out->type = p[0];
	out->code = p[1];
	out->icmp_len = len;
	/* The kernel checks ICMPv6 checksums (they cover a pseudo-header we
	 * do not see); IPv4 ones we check. */
	out->checksum_ok = family == 6 || icmp_checksum(p, len) == 0;
	if ((family == 4 && p[0] == V4_ECHO_REPLY) || (family == 6 && p[0] == V6_ECHO_REPLY)) {
		out->kind = ICMP_KIND_REPLY;
		out->id = get16(p + 4);
		out->seq = get16(p + 6);
		return 0;
	}
	if (is_error_type(family, p[0]) && parse_quoted(p + 8, len - 8, family, out) == 0) {
		out->kind = ICMP_KIND_ERROR;
		if (family == 4 && p[0] == V4_UNREACH && p[1] == 4)
			out->mtu = get16(p + 6);
		else if (family == 6 && p[0] == V6_TOO_BIG)
			out->mtu = (unsigned)get16(p + 4) << 16 | get16(p + 6);
	}
	return 0;
}

const char *icmp_error_text(int family, int type, int code)
{
	static const char *const unreach4[16] = {
		"Destination Net Unreachable", "Destination Host Unreachable",
		"Destination Protocol Unreachable", "Destination Port Unreachable",
		"Frag needed and DF set", "Source Route Failed",
		"Destination Net Unknown", "Destination Host Unknown",
		"Source Host Isolated", "Destination Net Prohibited",
		"Destination Host Prohibited", "Destination Net Unreachable for Type of Service",
		"Destination Host Unreachable for Type of Service", "Packet filtered",
		"Precedence Violation", "Precedence Cutoff",
	};
	static const char *const unreach6[8] = {
		"Destination unreachable: No route", "Destination unreachable: Administratively prohibited",
		"Destination unreachable: Beyond scope of source address", "Destination unreachable: Address unreachable",
		"Destination unreachable: Port unreachable", "Destination unreachable: Source address failed ingress/egress policy",
		"Destination unreachable: Reject route to destination", "Destination unreachable: Error in source routing header",
	};

	if (family == 4) {
		if (type == V4_UNREACH)
			return code < 16 ? unreach4[code] : "Destination Unreachable";
		if (type == V4_TIME_EXCEEDED)
			return code == 0 ? "Time to live exceeded" : "Frag reassembly time exceeded";
		if (type == V4_PARAM_PROBLEM)
			return "Parameter problem";
		if (type == V4_REDIRECT)
			return "Redirect";
	} else {
		if (type == V6_UNREACH)
			return code < 8 ? unreach6[code] : "Destination unreachable";
		if (type == V6_TOO_BIG)
			return "Packet too big";
		if (type == V6_TIME_EXCEEDED)
			return code == 0 ? "Time exceeded: Hop limit" : "Time exceeded: Defragmentation failure";
		if (type == V6_PARAM_PROBLEM)
			return "Parameter problem";
	}
	return "Unknown ICMP error";
}
