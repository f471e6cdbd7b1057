#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netsock.h"

const char *ns_strerror(int gai)
{
	return gai ? gai_strerror(gai) : strerror(errno);
}

int ns_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static struct addrinfo *lookup(const char *host, const char *port, int family,
			       int socktype, int passive, int *gai)
{
	struct addrinfo hints, *res = NULL;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_flags = passive ? AI_PASSIVE : 0;
	if (!host)
		hints.ai_flags |= AI_NUMERICSERV;
	*gai = getaddrinfo(host, port, &hints, &res);
	return *gai ? NULL : res;
}

int ns_connect_tcp(const char *host, const char *port, int family, int *gai)
{
	struct addrinfo *res, *ai;
	int fd = -1, e = ECONNREFUSED;

	res = lookup(host, port, family, SOCK_STREAM, 0, gai);
	if (!res)
		return -1;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		errno = e;
	return fd;
}

/* AF_UNSPEC binds the IPv6 wildcard with V6ONLY off, so both families
 * reach one socket; IPv4 alone if IPv6 is missing. */
static int bind_any(const char *port, int family, int socktype, int *gai)
{
	struct addrinfo *res, *ai;
	int fd = -1, e = EADDRNOTAVAIL, one = 1, zero = 0;

	res = lookup(NULL, port, family == AF_UNSPEC ? AF_INET6 : family,
		     socktype, 1, gai);
	if (!res && family == AF_UNSPEC)
		res = lookup(NULL, port, AF_INET, socktype, 1, gai);
	if (!res)
		return -1;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		if (socktype == SOCK_STREAM &&
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
			e = errno;
		if (ai->ai_family == AF_INET6 &&
		    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
			       family == AF_UNSPEC ? &zero : &one, sizeof one) < 0)
			e = errno;
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		errno = e;
	return fd;
}

int ns_listen_tcp(const char *port, int family, int *gai)
{
	int fd = bind_any(port, family, SOCK_STREAM, gai);

	if (fd < 0)
		return -1;
	if (listen(fd, 128) < 0 || ns_set_nonblock(fd) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		*gai = 0;
		return -1;
	}
	return fd;
}

int ns_bind_udp(const char *port, int family, int *gai)
{
	return bind_any(port, family, SOCK_DGRAM, gai);
}

int ns_resolve_udp(const char *host, const char *port, int family,
		   struct sockaddr_storage *out, socklen_t *len, int *gai)
{
	struct addrinfo *res = lookup(host, port, family, SOCK_DGRAM, 0, gai);

	if (!res)
		return -1;
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

void ns_format_peer(const struct sockaddr *sa, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
		snprintf(buf, n, "%s:%u", a, ntohs(s4->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], a, sizeof a);
			snprintf(buf, n, "%s:%u", a, ntohs(s6->sin6_port));
		} else {
			inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
			snprintf(buf, n, "[%s]:%u", a, ntohs(s6->sin6_port));
		}
	} else {
		snprintf(buf, n, "?");
	}
}
