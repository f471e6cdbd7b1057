/* lib/bpf: expressions compiled and run over crafted packets. */
#include "capture/bpf.h"
#include "capture/packet.h"
#include "pktbuild.h"
#include "unit.h"

static struct bpf_prog prog;

/* 1 if expr (for link) accepts the packet, 0 if not, -1 if it won't compile. */
static int matches(const char *expr, int link, const struct pb *b)
{
	char err[256];
	if (bpf_compile(expr, link, &prog, err, sizeof err) < 0)
		return -1;
	return bpf_run(&prog, b->b, b->n, NULL) != 0;
}

static const char *compile_error(const char *expr)
{
	static char err[256];
	err[0] = '\0';
	if (bpf_compile(expr, LINK_ETHERNET, &prog, err, sizeof err) == 0)
		return "(compiled)";
	return err;
}

static void test_ipv4(void)
{
	struct pb tcp = { .n = 0 }, udp = { .n = 0 }, icmp = { .n = 0 }, frag = { .n = 0 };
	pb_eth(&tcp, 0x0800);
	pb_ipv4(&tcp, 6, 0x0a000001, 0x0a000002, 40, 0);
	pb_tcp(&tcp, 40000, 80, TCP_SYN, "");
	pb_eth(&udp, 0x0800);
	pb_ipv4(&udp, 17, 0x0a000002, 0x0a000001, 10, 0);
	pb_udp(&udp, 53, 40001, "ok");
	pb_eth(&icmp, 0x0800);
	pb_ipv4(&icmp, 1, 0x0a000001, 0x0a000003, 8, 0);
	pb_bytes(&icmp, "\x08\0\0\0\0\x01\0\x01", 8);
	pb_eth(&frag, 0x0800);
	pb_ipv4(&frag, 6, 0x0a000001, 0x0a000002, 4, 10);
	pb_u16(&frag, 80); pb_u16(&frag, 80);

	CHECK_INT(matches("", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("tcp", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("tcp", LINK_ETHERNET, &udp), 0);
	CHECK_INT(matches("udp", LINK_ETHERNET, &udp), 1);
	CHECK_INT(matches("icmp", LINK_ETHERNET, &icmp), 1);
	CHECK_INT(matches("icmp6", LINK_ETHERNET, &icmp), 0);
	CHECK_INT(matches("ip", LINK_ETHERNET, &icmp), 1);
	CHECK_INT(matches("ip6 or arp", LINK_ETHERNET, &icmp), 0);
	CHECK_INT(matches("port 80", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("port 40000", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("port 81", LINK_ETHERNET, &tcp), 0);
	CHECK_INT(matches("dst port 80", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("src port 80", LINK_ETHERNET, &tcp), 0);
	CHECK_INT(matches("tcp src port 40000", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("udp port 80", LINK_ETHERNET, &tcp), 0);
	CHECK_INT(matches("udp port 53", LINK_ETHERNET, &udp), 1);
	CHECK_INT(matches("port 80", LINK_ETHERNET, &icmp), 0);
	CHECK_INT(matches("port 80", LINK_ETHERNET, &frag), 0); /* no ports in later fragments */
	CHECK_INT(matches("host 10.0.0.2", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("host 10.0.0.2", LINK_ETHERNET, &udp), 1);
	CHECK_INT(matches("src host 10.0.0.2", LINK_ETHERNET, &tcp), 0);
	CHECK_INT(matches("dst host 10.0.0.2", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("host 10.0.0.9", LINK_ETHERNET, &tcp), 0);
	CHECK_INT(matches("not tcp", LINK_ETHERNET, &tcp), 0);
	CHECK_INT(matches("! tcp", LINK_ETHERNET, &udp), 1);
	CHECK_INT(matches("tcp and port 80", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("tcp && port 81", LINK_ETHERNET, &tcp), 0);
	CHECK_INT(matches("udp or port 80", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("udp || icmp", LINK_ETHERNET, &tcp), 0);
	CHECK_INT(matches("(udp or tcp) and not (port 81 or host 10.0.0.9)", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("not not tcp", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("icmp and dst host 10.0.0.3", LINK_ETHERNET, &icmp), 1);
	/* a comparison may start with a number and any operator (tcpdump takes them) */
	CHECK_INT(matches("5 + ip[9] = 11", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("2 * ip[9] = 12 and 1 - 1 = 0", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("3 << 1 = ip[9]", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("5 % 2 = 0", LINK_ETHERNET, &tcp), 0);
	CHECK_INT(matches("port 80 or 81", LINK_ETHERNET, &tcp), 1);
	/* a dotted MAC that starts with a letter is an ID, as in tcpdump */
	CHECK_INT(matches("ether a.0.0.0.0.2", LINK_ETHERNET, &tcp), 0);
	CHECK_INT(matches("ether 2.0.0.0.0.2", LINK_ETHERNET, &tcp), 1);
	CHECK_INT(matches("link dst host 2.0.0.0.0.2 and not ether ff.ff.ff.ff.ff.ff", LINK_ETHERNET, &tcp), 1);
	/* len, less and greater see the length on the wire, not the bytes kept */
	char err[256];
	CHECK_INT(bpf_compile("greater 1000 and len = 1500 and not less 1499", LINK_ETHERNET, &prog,
			      err, sizeof err), 0);
	CHECK(bpf_run_wire(&prog, tcp.b, tcp.n, 1500, NULL) != 0);
	CHECK_INT(bpf_run_wire(&prog, tcp.b, tcp.n, tcp.n, NULL), 0);
	/* a short packet is dropped, not read past */
	struct pb shortp = tcp;
	shortp.n = 20;
	CHECK_INT(matches("port 80", LINK_ETHERNET, &shortp), 0);
}

static void test_ipv6_and_arp(void)
{
	static const uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t b6[16] = { [15] = 1 };
	struct pb u6 = { .n = 0 }, f6 = { .n = 0 }, arp = { .n = 0 };
	pb_eth(&u6, 0x86dd);
	pb_ipv6(&u6, 17, a, b6, 10);
	pb_udp(&u6, 5000, 6000, "v6");
	pb_eth(&f6, 0x86dd);
	pb_ipv6(&f6, 44, a, b6, 8 + 20);
	pb_u8(&f6, 6); pb_u8(&f6, 0); pb_u16(&f6, 0); pb_u32(&f6, 1);
	pb_u16(&f6, 1); pb_u16(&f6, 2); pb_u32(&f6, 0); pb_u32(&f6, 0); pb_u32(&f6, 0x50020000); pb_u32(&f6, 0);
	pb_eth(&arp, 0x0806);
	pb_u16(&arp, 1); pb_u16(&arp, 0x0800); pb_u8(&arp, 6); pb_u8(&arp, 4); pb_u16(&arp, 1);
	pb_bytes(&arp, "\x02\0\0\0\0\x01", 6); pb_u32(&arp, 0xc0a80001);
	pb_bytes(&arp, "\0\0\0\0\0\0", 6); pb_u32(&arp, 0xc0a80002);

	CHECK_INT(matches("ip6", LINK_ETHERNET, &u6), 1);
	CHECK_INT(matches("udp", LINK_ETHERNET, &u6), 1);
	CHECK_INT(matches("udp dst port 6000", LINK_ETHERNET, &u6), 1);
	CHECK_INT(matches("src port 6000", LINK_ETHERNET, &u6), 0);
	CHECK_INT(matches("host 2001:db8::1", LINK_ETHERNET, &u6), 1);
	CHECK_INT(matches("dst host ::1", LINK_ETHERNET, &u6), 1);
	CHECK_INT(matches("src host ::1", LINK_ETHERNET, &u6), 0);
	CHECK_INT(matches("host 2001:db8::2", LINK_ETHERNET, &u6), 0);
	CHECK_INT(matches("tcp", LINK_ETHERNET, &f6), 1); /* behind a fragment header */
	CHECK_INT(matches("arp", LINK_ETHERNET, &arp), 1);
	CHECK_INT(matches("arp and host 192.168.0.2", LINK_ETHERNET, &arp), 1);
	CHECK_INT(matches("src host 192.168.0.2", LINK_ETHERNET, &arp), 0);
	CHECK_INT(matches("ip", LINK_ETHERNET, &arp), 0);

	/* the same packet without its Ethernet header, as raw IP */
	struct pb raw = { .n = 0 };
	pb_bytes(&raw, u6.b + 14, u6.n - 14);
	CHECK_INT(matches("udp port 5000 and ip6", LINK_RAW, &raw), 1);
	CHECK_INT(matches("ip", LINK_RAW, &raw), 0);
	CHECK_INT(matches("arp", LINK_RAW, &raw), 0);
	/* and behind a Linux cooked header */
	struct pb sll = { .n = 0 };
	pb_u16(&sll, 0); pb_u16(&sll, 1); pb_u16(&sll, 6);
	pb_bytes(&sll, "\0\0\0\0\0\0\0\0", 8); pb_u16(&sll, 0x86dd);
	pb_bytes(&sll, raw.b, raw.n);
	CHECK_INT(matches("udp and dst port 6000", LINK_LINUX_SLL, &sll), 1);
	CHECK_INT(matches("tcp", LINK_LINUX_SLL, &sll), 0);
}

static void test_errors(void)
{
	CHECK_STR(compile_error("tcp prot 80"), "unexpected 'prot' in filter at position 5 (want and, or or the end)");
	CHECK_STR(compile_error("port 70000"), "port '70000' at position 6 is not a number in 0-65535");
	CHECK_STR(compile_error("port"), "filter ends early (want an address, network or port)");
	CHECK_STR(compile_error("host 1.2.3"), "host '1.2.3' at position 6 is not an IPv4 or IPv6 address");
	CHECK_STR(compile_error("(tcp"), "filter ends early (want ')')");
	CHECK_STR(compile_error("tcp and"), "filter ends early (want a primitive)");
	CHECK_STR(compile_error("foo"), "unknown word 'foo' in filter at position 1");
	CHECK_STR(compile_error("icmp port 5"), "port at position 11 needs tcp, udp, sctp, ip or ip6");
	CHECK_STR(compile_error("tcp $"), "unexpected character '$' in filter at position 5");
	CHECK_STR(compile_error("portrange 10-5"), "port range '10-5' at position 11 runs backwards");
	CHECK_STR(compile_error("tcp[100000:4] = 1"), "offset 100000 at position 4 is out of range (0-65535)");
	CHECK_STR(compile_error("vlan 5000"), "'vlan' at position 6 needs a number in 0-4095");
	CHECK_STR(compile_error("tcp[13] / 0 = 1"), "division by zero at position 9");
	CHECK_STR(compile_error("tcp[13:3] = 1"), "size '3' at position 8 is not 1, 2 or 4");
	CHECK_STR(compile_error("net 10.0.0.1/8"), "non-network bits set in '10.0.0.1/8' at position 5");
	/* deep nesting and long filters fail cleanly */
	char deep[400];
	memset(deep, '(', 100);
	strcpy(deep + 100, "tcp");
	CHECK(strstr(compile_error(deep), "nested") || strstr(compile_error(deep), "too"));
	static char longf[20000] = "";
	for (int i = 0; i < 400; i++)
		strcat(longf, i ? " or host 2001:db8::1" : "host 2001:db8::1");
	CHECK_STR(compile_error(longf), "filter is too long to compile (more than 4096 instructions)");
}

static void test_interpreter_edges(void)
{
	uint8_t pkt[4] = { 1, 2, 3, 4 };
	struct bpf_prog p = { 0 };
	/* division by zero drops */
	p.insn[0] = (struct bpf_insn){ 0x00, 0, 0, 5 };       /* ld #5 */
	p.insn[1] = (struct bpf_insn){ 0x04 | 0x30, 0, 0, 0 }; /* div #0 */
	p.insn[2] = (struct bpf_insn){ 0x06, 0, 0, 1 };
	p.len = 3;
	CHECK_INT(bpf_run(&p, pkt, 4, NULL), 0);
	/* a jump out of the program drops */
	p.insn[0] = (struct bpf_insn){ 0x05, 0, 0, 100 };
	p.len = 1;
	CHECK_INT(bpf_run(&p, pkt, 4, NULL), 0);
	/* ret A with the packet length */
	p.insn[0] = (struct bpf_insn){ 0x80, 0, 0, 0 };        /* ld len */
	p.insn[1] = (struct bpf_insn){ 0x16, 0, 0, 0 };        /* ret a */
	p.len = 2;
	CHECK_INT(bpf_run(&p, pkt, 4, NULL), 4);
	/* of a record cut to 4 bytes, len is the length on the wire */
	CHECK_INT(bpf_run_wire(&p, pkt, 4, 1500, NULL), 1500);
	CHECK_INT(bpf_run_wire(&p, pkt, 4, 2, NULL), 4);
	/* ancillary pkttype load */
	struct bpf_aux aux = { 4, 1, 0x800 };
	p.insn[0] = (struct bpf_insn){ 0x20, 0, 0, 0xfffff000u + 4 };
	CHECK_INT(bpf_run(&p, pkt, 4, &aux), 4);
	/* falling off the end drops */
	p.insn[0] = (struct bpf_insn){ 0x00, 0, 0, 5 };
	p.len = 1;
	CHECK_INT(bpf_run(&p, pkt, 4, NULL), 0);
}

int main(void)
{
	test_ipv4();
	test_ipv6_and_arp();
	test_errors();
	test_interpreter_edges();
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed != 0;
}
