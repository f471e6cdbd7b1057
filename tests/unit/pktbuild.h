/* Builds test packets: Ethernet/IPv4/IPv6 with TCP, UDP or ICMP, byte by
 * byte, so unit tests of the decoders and the filter share one source. */
#ifndef NETTOOL_PKTBUILD_H
#define NETTOOL_PKTBUILD_H

#include <stdint.h>
#include <string.h>

struct pb { uint8_t b[2048]; size_t n; };

static void pb_u8(struct pb *p, unsigned v) { p->b[p->n++] = (uint8_t)v; }
static void pb_u16(struct pb *p, unsigned v) { pb_u8(p, v >> 8); pb_u8(p, v & 0xff); }
static void pb_u32(struct pb *p, uint32_t v) { pb_u16(p, v >> 16); pb_u16(p, v & 0xffff); }
static void pb_bytes(struct pb *p, const void *d, size_t n) { memcpy(p->b + p->n, d, n); p->n += n; }

static void pb_eth(struct pb *p, unsigned etype)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x02 }, src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	pb_bytes(p, dst, 6);
	pb_bytes(p, src, 6);
	pb_u16(p, etype);
}

/* IPv4 header with total length covering l4len bytes after it. */
static void pb_ipv4(struct pb *p, unsigned proto, uint32_t src, uint32_t dst, size_t l4len,
		    unsigned frag)
{
	pb_u8(p, 0x45); pb_u8(p, 0); pb_u16(p, (unsigned)(20 + l4len));
	pb_u16(p, 0x1234); pb_u16(p, frag);
	pb_u8(p, 64); pb_u8(p, proto); pb_u16(p, 0);
	pb_u32(p, src); pb_u32(p, dst);
}

static void pb_ipv6(struct pb *p, unsigned nh, const uint8_t *src, const uint8_t *dst, size_t plen)
{
	pb_u32(p, 0x60000000u | 0x12345);
	pb_u16(p, (unsigned)plen); pb_u8(p, nh); pb_u8(p, 64);
	pb_bytes(p, src, 16);
	pb_bytes(p, dst, 16);
}

static void pb_udp(struct pb *p, unsigned sport, unsigned dport, const char *data)
{
	size_t n = strlen(data);
	pb_u16(p, sport); pb_u16(p, dport); pb_u16(p, (unsigned)(8 + n)); pb_u16(p, 0);
	pb_bytes(p, data, n);
}

/* TCP with MSS, SACK-permitted, timestamps, NOP and window scale (20 bytes). */
static void pb_tcp(struct pb *p, unsigned sport, unsigned dport, unsigned flags, const char *data)
{
	pb_u16(p, sport); pb_u16(p, dport); pb_u32(p, 1000); pb_u32(p, 2000);
	pb_u8(p, 10 << 4); pb_u8(p, flags); pb_u16(p, 512); pb_u16(p, 0); pb_u16(p, 0);
	pb_u8(p, 2); pb_u8(p, 4); pb_u16(p, 1460);
	pb_u8(p, 4); pb_u8(p, 2);
	pb_u8(p, 8); pb_u8(p, 10); pb_u32(p, 7); pb_u32(p, 9);
	pb_u8(p, 1);
	pb_u8(p, 3); pb_u8(p, 3); pb_u8(p, 7);
	pb_bytes(p, data, strlen(data));
}

#endif
