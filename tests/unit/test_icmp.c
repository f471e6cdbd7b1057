/* lib/icmp: echo building, checksums, reply and error parsing. */
#include "net/icmp.h"
#include "unit.h"

int main(void)
{
	uint8_t buf[128], ip[128];
	struct icmp_msg m;
	size_t n;

	n = icmp_build_echo(buf, sizeof buf, 4, 0x1234, 7, 56);
	CHECK_INT(n, 64);
	CHECK_INT(buf[0], 8);
	CHECK_INT(icmp_checksum(buf, n), 0);
	CHECK_INT(buf[8], 8);
	CHECK_INT(icmp_build_echo(buf, 10, 4, 1, 1, 56), 0);

	/* an echo reply behind a 20-byte IPv4 header */
	memset(ip, 0, sizeof ip);
	ip[0] = 0x45; ip[2] = 0; ip[3] = 84; ip[8] = 63; ip[9] = 1;
	ip[12] = 10; ip[13] = 0; ip[14] = 0; ip[15] = 2;
	memcpy(ip + 20, buf, 64);
	ip[20] = 0; ip[22] = 0; ip[23] = 0;
	{
		uint16_t c = icmp_checksum(ip + 20, 64);
		ip[22] = (uint8_t)(c >> 8); ip[23] = (uint8_t)c;
	}
	CHECK(icmp_parse(ip, 84, 4, 1, &m) == 0);
	CHECK_INT(m.kind, ICMP_KIND_REPLY);
	CHECK_INT(m.id, 0x1234);
	CHECK_INT(m.seq, 7);
	CHECK_INT(m.ttl, 63);
	CHECK(m.checksum_ok);
	CHECK_INT(m.icmp_len, 64);
	CHECK_INT(m.src[3], 2);
	ip[30] ^= 0xff; /* corrupt a payload byte */
	CHECK(icmp_parse(ip, 84, 4, 1, &m) == 0);
	CHECK(!m.checksum_ok);

	/* a host unreachable quoting our echo */
	memset(ip, 0, sizeof ip);
	ip[0] = 3; ip[1] = 1;
	ip[8] = 0x45; ip[17] = 1;
	memcpy(ip + 28, buf, 8);
	CHECK(icmp_parse(ip, 36, 4, 0, &m) == 0);
	CHECK_INT(m.kind, ICMP_KIND_ERROR);
	CHECK_INT(m.seq, 7);
	CHECK_INT(m.id, 0x1234);
	CHECK_STR(icmp_error_text(4, 3, 1), "Destination Host Unreachable");
	CHECK_STR(icmp_error_text(4, 11, 0), "Time to live exceeded");
	CHECK_STR(icmp_error_text(6, 3, 0), "Time exceeded: Hop limit");

	/* truncated and hostile input */
	CHECK(icmp_parse(ip, 4, 4, 0, &m) < 0);
	CHECK(icmp_parse(ip, 19, 4, 1, &m) < 0);
	ip[0] = 0x4f; /* header length past the packet */
	CHECK(icmp_parse(ip, 30, 4, 1, &m) < 0);
	/* ICMPv6 echo reply, no IP header */
	n = icmp_build_echo(buf, sizeof buf, 6, 9, 65535, 8);
	buf[0] = 129;
	CHECK(icmp_parse(buf, n, 6, 0, &m) == 0);
	CHECK_INT(m.kind, ICMP_KIND_REPLY);
	CHECK_INT(m.seq, 65535);
	return unit_report();
}
