/* ICMP and ICMPv6 echo: build requests, parse replies and errors, checksum.
 * Pure: bytes in, structs out. */
#ifndef NETTOOL_ICMP_H
#define NETTOOL_ICMP_H

#include <stddef.h>
#include <stdint.h>

enum icmp_kind {
	ICMP_KIND_OTHER = 0,   /* not for us, or not interesting */
	ICMP_KIND_REPLY,       /* an echo reply */
	ICMP_KIND_ERROR,       /* unreachable, time exceeded ... about our echo */
};

struct icmp_msg {
	enum icmp_kind kind;
	uint8_t type, code;
	uint16_t id, seq;      /* of the reply, or of our echo quoted in an error */
	unsigned mtu;          /* frag needed / packet too big: the next hop's MTU */
	int ttl;               /* from the IP header, -1 if none was given */
	int checksum_ok;
	size_t icmp_len;       /* bytes of ICMP message (header + data) */
	uint8_t src[16];       /* source address from the IPv4 header, if any */
};

uint16_t icmp_checksum(const void *data, size_t len);
/* Fills an echo request of 8 + datalen bytes into buf; IPv6 leaves the
 * checksum to the kernel. The data carries a fixed pattern. */
size_t icmp_build_echo(uint8_t *buf, size_t cap, int family, uint16_t id,
		       uint16_t seq, size_t datalen);
/* Parses what a socket returned: with_ip says an IPv4 header leads (raw
 * IPv4 sockets). Returns 0, or -1 if too short or malformed. */
int icmp_parse(const uint8_t *buf, size_t len, int family, int with_ip,
	       struct icmp_msg *out);
/* "Destination Host Unreachable", "Time to live exceeded", ... */
const char *icmp_error_text(int family, int type, int code);

#endif
