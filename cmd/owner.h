/* Who holds a port; apart from netio.h since lib/procnet.h and lib/sock.h
 * cannot be included together (both name an enum sock_proto). */
#ifndef NETTOOL_OWNER_H
#define NETTOOL_OWNER_H

#include <stddef.h>

/* "python3 (pid 4242)" for the process holding port, into buf; returns
 * 1, or 0 when no process we can see holds it. */
int netio_port_owner(int udp, int port, char *buf, size_t n);

#endif
