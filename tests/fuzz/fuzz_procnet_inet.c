/* libFuzzer: one /proc/net/{tcp,udp,raw}{,6} line, and whole files of them. */
#include <stddef.h>
#include <stdint.h>

#include "procnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sock_rec r;
	struct sock_list l = { 0 };

	if (procnet_parse_inet_line((const char *)data, size, 4, &r) == 0)
		(void)procnet_state_name(&r);
	if (procnet_parse_inet_line((const char *)data, size, 6, &r) == 0)
		(void)procnet_state_name(&r);
	procnet_parse_text((const char *)data, size, SP_TCP, 6, &l);
	sock_list_free(&l);
	return 0;
}
