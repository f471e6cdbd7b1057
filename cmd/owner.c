/* The process holding a port, for "address in use by python3 (pid 4242)".
 * Kept apart from send/listen because lib/procnet and lib/sock both
 * name an enum sock_proto. */
#include <stdio.h>

#include "owner.h"
#include "procnet.h"

int netio_port_owner(int udp, int port, char *buf, size_t n)
{
	struct owner who;

	if (procnet_find_port_owner("/proc", udp ? SP_UDP : SP_TCP,
				    (uint16_t)port, &who) != 1)
		return 0;
	snprintf(buf, n, "%s (pid %ld)", who.comm, (long)who.pid);
	return 1;
}
