/* Stop-gap socket helpers for chat and file, written while lib/sock (issue
 * 5) did not exist yet. TO BE FOLDED INTO lib/sock once it lands. */
#ifndef NETTOOL_NETSOCK_H
#define NETTOOL_NETSOCK_H

#include <stddef.h>
#include <sys/socket.h>

/* family: AF_UNSPEC, AF_INET or AF_INET6. On failure these return -1 and
 * set *gai (a getaddrinfo error, for ns_strerror) or errno (*gai = 0). */
int ns_connect_tcp(const char *host, const char *port, int family, int *gai);
/* A listening TCP socket on all addresses (IPv6 dual stack when family is
 * AF_UNSPEC), non-blocking. */
int ns_listen_tcp(const char *port, int family, int *gai);
/* A UDP socket bound to port on all addresses. */
int ns_bind_udp(const char *port, int family, int *gai);
/* host:port into a sockaddr for sendto. */
int ns_resolve_udp(const char *host, const char *port, int family,
		   struct sockaddr_storage *out, socklen_t *len, int *gai);
/* "192.0.2.7:7890" or "[::1]:7890"; IPv4-mapped shown as IPv4. */
void ns_format_peer(const struct sockaddr *sa, char *buf, size_t n);
int ns_set_nonblock(int fd);
const char *ns_strerror(int gai);

#endif
