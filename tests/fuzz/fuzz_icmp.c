/* libFuzzer target: the ICMP/ICMPv6 reply parser, with and without an
 * IPv4 header, on truncated and hostile packets. */
#include <stdint.h>

#include "net/icmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct icmp_msg m;
	int fam, ip;

	for (fam = 4; fam <= 6; fam += 2)
		for (ip = 0; ip <= (fam == 4); ip++)
			if (icmp_parse(data, size, fam, ip, &m) == 0) {
				if (m.icmp_len > size)
					__builtin_trap();
				(void)icmp_error_text(fam, m.type, m.code);
			}
	return 0;
}
