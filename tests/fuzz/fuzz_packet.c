/* The decoder chain on any bytes: the first byte picks the link type. */
#include <stddef.h>
#include <stdint.h>

#include "capture/follow.h"
#include "capture/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int links[] = { LINK_ETHERNET, LINK_LINUX_SLL, LINK_RAW, LINK_LINUX_SLL2 };
	static struct follow f;
	struct pkt p;
	char buf[64];
	if (size < 1)
		return 0;
	p.wire_len = 0;
	packet_decode(data + 1, size - 1, links[data[0] % 4], &p);
	if (p.payload && p.payload_len) {
		/* the payload must lie inside the input */
		volatile uint8_t last = p.payload[p.payload_len - 1];
		(void)last;
	}
	if (p.family)
		packet_addr_str(p.family, p.src, buf, sizeof buf);
	packet_tcp_flags_str(p.tcp_flags, buf, sizeof buf);
	follow_step(&f, &p);
	return 0;
}
