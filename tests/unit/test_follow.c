/* lib/follow: handshake and teardown steps named in order. */
#include "capture/follow.h"
#include "unit.h"

static struct follow f;

static const char *step(int from_client, uint8_t flags, uint32_t seq, uint32_t ack, size_t len)
{
	struct pkt p;
	memset(&p, 0, sizeof p);
	p.family = 4;
	p.l4 = 6;
	uint8_t c[4] = { 10, 0, 0, 1 }, s[4] = { 10, 0, 0, 2 };
	memcpy(p.src, from_client ? c : s, 4);
	memcpy(p.dst, from_client ? s : c, 4);
	p.sport = from_client ? 40000 : 80;
	p.dport = from_client ? 80 : 40000;
	p.tcp_flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.payload_len = len;
	return follow_step(&f, &p);
}

#define NONE "(none)"
static const char *s_or_none(const char *s) { return s ? s : NONE; }

int main(void)
{
	follow_init(&f);
	CHECK_STR(s_or_none(step(1, TCP_SYN, 100, 0, 0)), "handshake 1/3 SYN");
	CHECK_STR(s_or_none(step(0, TCP_SYN | TCP_ACK, 500, 101, 0)), "handshake 2/3 SYN-ACK");
	CHECK_STR(s_or_none(step(1, TCP_ACK, 101, 501, 0)), "handshake 3/3 ACK");
	CHECK_STR(s_or_none(step(1, TCP_ACK | TCP_PSH, 101, 501, 5)), NONE);
	CHECK_STR(s_or_none(step(0, TCP_ACK, 501, 106, 0)), NONE);
	CHECK_STR(s_or_none(step(1, TCP_FIN | TCP_ACK, 106, 501, 0)), "teardown 1/4 FIN");
	CHECK_STR(s_or_none(step(0, TCP_ACK, 501, 107, 0)), "teardown 2/4 ACK");
	CHECK_STR(s_or_none(step(0, TCP_FIN | TCP_ACK, 501, 107, 0)), "teardown 3/4 FIN");
	CHECK_STR(s_or_none(step(1, TCP_ACK, 107, 502, 0)), "teardown 4/4 ACK");
	CHECK_STR(s_or_none(step(1, TCP_ACK, 107, 502, 0)), NONE); /* forgotten after */

	/* the server closes first, with FIN and ACK combined the other way */
	follow_init(&f);
	step(1, TCP_SYN, 1, 0, 0);
	step(0, TCP_SYN | TCP_ACK, 9, 2, 0);
	step(1, TCP_ACK, 2, 10, 0);
	CHECK_STR(s_or_none(step(0, TCP_FIN | TCP_ACK, 10, 2, 0)), "teardown 1/4 FIN");
	CHECK_STR(s_or_none(step(1, TCP_FIN | TCP_ACK, 2, 11, 0)), "teardown 2+3/4 FIN-ACK");
	CHECK_STR(s_or_none(step(0, TCP_ACK, 11, 3, 0)), "teardown 4/4 ACK");

	/* a reset ends it; packets of unknown connections are not named */
	follow_init(&f);
	CHECK_STR(s_or_none(step(1, TCP_ACK, 1, 1, 0)), NONE);
	step(1, TCP_SYN, 1, 0, 0);
	CHECK_STR(s_or_none(step(0, TCP_RST | TCP_ACK, 0, 2, 0)), "reset RST");
	CHECK_STR(s_or_none(step(0, TCP_SYN | TCP_ACK, 0, 2, 0)), NONE);
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed != 0;
}
