/* The DNS one-line decoder on any bytes: never reads past the message,
 * always terminates its text, and ends on compression loops. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[1024], name[DNS_NAME_MAX];
	size_t next;
	dns_describe(data, size, text, sizeof text);
	if (strlen(text) >= sizeof text)
		__builtin_trap();
	if (size > 12 && dns_name(data, size, 12, name, sizeof name, &next) == 0 && next > size)
		__builtin_trap();
	return 0;
}
