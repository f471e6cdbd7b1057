/* libFuzzer: one /proc/net/unix line, and whole files of them. */
#include <stddef.h>
#include <stdint.h>

#include "procnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sock_rec r;
	struct sock_list l = { 0 };

	if (procnet_parse_unix_line((const char *)data, size, &r) == 0)
		(void)procnet_state_name(&r);
	procnet_parse_text((const char *)data, size, SP_UNIX, 0, &l);
	sock_list_free(&l);
	return 0;
}
