/* lib/packet: decoders fed crafted packets, whole and broken. */
#include "capture/packet.h"
#include "pktbuild.h"
#include "unit.h"

static const uint8_t six_a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t six_b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static void test_tcp_with_options(void)
{
	struct pb b = { .n = 0 };
	struct pkt p = { .wire_len = 0 };
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 6, 0x0a000001, 0x0a000002, 40 + 3, 0x4000);
	pb_tcp(&b, 40000, 80, TCP_SYN | TCP_ACK, "abc");
	pb_bytes(&b, "\0\0\0\0", 4); /* Ethernet padding: not payload */
	packet_decode(b.b, b.n, LINK_ETHERNET, &p);
	CHECK(p.trunc == NULL);
	CHECK_INT(p.family, 4);
	CHECK_INT(p.ttl, 64);
	CHECK_INT(p.dont_frag, 1);
	CHECK_INT(p.l4, 6);
	CHECK_INT(p.sport, 40000);
	CHECK_INT(p.dport, 80);
	CHECK_INT(p.seq, 1000);
	CHECK_INT(p.ack, 2000);
	CHECK_INT(p.window, 512);
	CHECK_INT(p.mss, 1460);
	CHECK_INT(p.sack_ok, 1);
	CHECK_INT(p.has_ts, 1);
	CHECK_INT(p.ts_val, 7);
	CHECK_INT(p.ts_ecr, 9);
	CHECK_INT(p.wscale, 7);
	CHECK_INT(p.payload_len, 3);
	CHECK(memcmp(p.payload, "abc", 3) == 0);
	char fl[16];
	packet_tcp_flags_str(p.tcp_flags, fl, sizeof fl);
	CHECK_STR(fl, "S.");
	packet_tcp_flags_str(TCP_FIN | TCP_PSH | TCP_ACK, fl, sizeof fl);
	CHECK_STR(fl, "FP.");
	packet_tcp_flags_str(0, fl, sizeof fl);
	CHECK_STR(fl, "none");
}

static void test_truncations(void)
{
	struct pb b = { .n = 0 };
	struct pkt p;
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 6, 1, 2, 40, 0);
	pb_tcp(&b, 1, 2, TCP_SYN, "");
	/* every shorter prefix decodes without reading past its end */
	for (size_t n = 0; n < b.n; n++) {
		memset(&p, 0, sizeof p);
		packet_decode(b.b, n, LINK_ETHERNET, &p);
		CHECK(p.trunc != NULL);
		CHECK(p.l4 == 0);
	}
	packet_decode(b.b, 13, LINK_ETHERNET, &p);
	CHECK_STR(p.trunc, "ethernet");
	packet_decode(b.b, 14 + 19, LINK_ETHERNET, &p);
	CHECK_STR(p.trunc, "ipv4");

	/* IHL says 60 bytes, fewer are there */
	b.b[14] = 0x4f;
	packet_decode(b.b, b.n - 1, LINK_ETHERNET, &p);
	CHECK_STR(p.trunc, "ipv4 header length");
	b.b[14] = 0x45;

	/* TCP data offset beyond the packet */
	b.b[14 + 20 + 12] = 0xf0;
	packet_decode(b.b, b.n, LINK_ETHERNET, &p);
	CHECK_STR(p.trunc, "tcp header length");
	b.b[14 + 20 + 12] = 0xa0;

	/* an option whose length runs past the header */
	b.b[14 + 20 + 20 + 1] = 200;
	packet_decode(b.b, b.n, LINK_ETHERNET, &p);
	CHECK_STR(p.trunc, "tcp option");
	CHECK_INT(p.l4, 6);
	/* a zero option length must not loop forever */
	b.b[14 + 20 + 20 + 1] = 0;
	packet_decode(b.b, b.n, LINK_ETHERNET, &p);
	CHECK_STR(p.trunc, "tcp option");
}

static void test_ipv4_fragment(void)
{
	struct pb b = { .n = 0 };
	struct pkt p;
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 17, 1, 2, 8, 0x2000 | 100); /* MF, offset 800 */
	pb_bytes(&b, "12345678", 8);
	packet_decode(b.b, b.n, LINK_ETHERNET, &p);
	CHECK(p.trunc == NULL);
	CHECK_INT(p.frag_offset, 800);
	CHECK_INT(p.more_frags, 1);
	CHECK_INT(p.l4, 0); /* no UDP header in a later fragment */
	CHECK_INT(p.payload_len, 8);
}

static void test_ipv4_options(void)
{
	struct pb b = { .n = 0 };
	struct pkt p;
	pb_eth(&b, 0x0800);
	pb_u8(&b, 0x46); pb_u8(&b, 0); pb_u16(&b, 24 + 8 + 2);
	pb_u16(&b, 1); pb_u16(&b, 0); pb_u8(&b, 1); pb_u8(&b, 17); pb_u16(&b, 0);
	pb_u32(&b, 1); pb_u32(&b, 2);
	pb_u32(&b, 0x94040000); /* router alert */
	pb_udp(&b, 5, 6, "hi");
	packet_decode(b.b, b.n, LINK_ETHERNET, &p);
	CHECK(p.trunc == NULL);
	CHECK_INT(p.ip_opt_len, 4);
	CHECK_INT(p.l4, 17);
	CHECK_INT(p.dport, 6);
	CHECK_INT(p.payload_len, 2);
}

static void test_ipv6_extensions(void)
{
	struct pb b = { .n = 0 };
	struct pkt p;
	pb_eth(&b, 0x86dd);
	pb_ipv6(&b, 0, six_a, six_b, 8 + 8 + 8 + 2);
	pb_u8(&b, 44); pb_u8(&b, 0); pb_u16(&b, 0x0104); pb_u32(&b, 0); /* hop-by-hop */
	pb_u8(&b, 17); pb_u8(&b, 0); pb_u16(&b, 0); pb_u32(&b, 77);     /* fragment, first */
	pb_udp(&b, 53, 5353, "ok");
	packet_decode(b.b, b.n, LINK_ETHERNET, &p);
	CHECK(p.trunc == NULL);
	CHECK_INT(p.family, 6);
	CHECK_INT(p.n_ext, 2);
	CHECK_INT(p.ext[0], 0);
	CHECK_INT(p.ext[1], 44);
	CHECK_INT(p.proto, 17);
	CHECK_INT(p.sport, 53);
	CHECK_INT(p.dport, 5353);
	CHECK_INT(p.flow_label, 0x12345);
	char s[64];
	CHECK_STR(packet_addr_str(6, p.src, s, sizeof s), "2001:db8::1");

	/* an endless chain of destination options stops at the table's end */
	struct pb c = { .n = 0 };
	pb_eth(&c, 0x86dd);
	pb_ipv6(&c, 60, six_a, six_b, 8 * 12);
	for (int i = 0; i < 12; i++) {
		pb_u8(&c, 60); pb_u8(&c, 0); pb_u16(&c, 0); pb_u32(&c, 0);
	}
	packet_decode(c.b, c.n, LINK_ETHERNET, &p);
	CHECK_STR(p.trunc, "ipv6 extension chain");
	CHECK_INT(p.l4, 0);

	/* an extension header longer than the packet */
	struct pb d = { .n = 0 };
	pb_eth(&d, 0x86dd);
	pb_ipv6(&d, 43, six_a, six_b, 8);
	pb_u8(&d, 6); pb_u8(&d, 9); pb_u16(&d, 0); pb_u32(&d, 0);
	packet_decode(d.b, d.n, LINK_ETHERNET, &p);
	CHECK_STR(p.trunc, "ipv6 extension header");
}

static void test_vlan_arp(void)
{
	struct pb b = { .n = 0 };
	struct pkt p;
	pb_eth(&b, 0x8100);
	pb_u16(&b, 42); pb_u16(&b, 0x0806);
	pb_u16(&b, 1); pb_u16(&b, 0x0800); pb_u8(&b, 6); pb_u8(&b, 4); pb_u16(&b, 1);
	pb_bytes(&b, "\x02\0\0\0\0\x01", 6); pb_u32(&b, 0xc0a80001);
	pb_bytes(&b, "\0\0\0\0\0\0", 6); pb_u32(&b, 0xc0a80002);
	packet_decode(b.b, b.n, LINK_ETHERNET, &p);
	CHECK(p.trunc == NULL);
	CHECK_INT(p.nvlan, 1);
	CHECK_INT(p.vlan[0], 42);
	CHECK_INT(p.has_arp, 1);
	CHECK_INT(p.arp_op, 1);
	CHECK_INT(p.arp_tpa[3], 2);
	packet_decode(b.b, b.n - 1, LINK_ETHERNET, &p);
	CHECK_STR(p.trunc, "arp");
}

static void test_sll_icmp(void)
{
	struct pb b = { .n = 0 };
	struct pkt p;
	pb_u16(&b, 4); pb_u16(&b, 772); pb_u16(&b, 6);
	pb_bytes(&b, "\0\0\0\0\0\0\0\0", 8); pb_u16(&b, 0x0800);
	pb_ipv4(&b, 1, 0x7f000001, 0x7f000001, 8, 0);
	pb_u8(&b, 8); pb_u8(&b, 0); pb_u16(&b, 0); pb_u16(&b, 99); pb_u16(&b, 3);
	packet_decode(b.b, b.n, LINK_LINUX_SLL, &p);
	CHECK(p.trunc == NULL);
	CHECK_INT(p.sll_pkttype, 4);
	CHECK_INT(p.l4, 1);
	CHECK_INT(p.icmp_type, 8);
	CHECK_INT(p.icmp_id, 99);
	CHECK_INT(p.icmp_seq, 3);
	CHECK_STR(packet_icmp_name(4, p.icmp_type), "echo request");
	CHECK_STR(packet_icmp_name(6, 135), "neighbor solicitation");
	packet_decode(b.b, 15, LINK_LINUX_SLL, &p);
	CHECK_STR(p.trunc, "linux cooked");
	packet_decode(b.b, b.n, 999, &p);
	CHECK_STR(p.trunc, "unknown link type");
}

static void test_raw_ipv6_icmp6(void)
{
	struct pb b = { .n = 0 };
	struct pkt p;
	pb_ipv6(&b, 58, six_a, six_b, 8);
	pb_u8(&b, 128); pb_u8(&b, 0); pb_u16(&b, 0); pb_u16(&b, 1); pb_u16(&b, 2);
	packet_decode(b.b, b.n, LINK_RAW, &p);
	CHECK(p.trunc == NULL);
	CHECK_INT(p.l4, 58);
	CHECK_INT(p.icmp_type, 128);
	CHECK_INT(p.icmp_seq, 2);
}

int main(void)
{
	test_tcp_with_options();
	test_truncations();
	test_ipv4_fragment();
	test_ipv4_options();
	test_ipv6_extensions();
	test_vlan_arp();
	test_sll_icmp();
	test_raw_ipv6_icmp6();
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed != 0;
}
