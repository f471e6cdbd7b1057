/* ICMP sockets for ping (Linux): the unprivileged datagram kind first, then
 * raw; receive with kernel timestamps and TTL. */
#ifndef NETTOOL_PINGSOCK_H
#define NETTOOL_PINGSOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

struct pingsock {
	int fd;
	int family;            /* 4 or 6 */
	int raw;               /* 1: raw socket (IPv4 replies carry the IP header) */
	uint16_t id;           /* the echo identifier replies will carry */
};

/* Opens a socket: 0, or -1 with errno from the raw attempt and
 * *dgram_errno from the datagram one. */
int pingsock_open(struct pingsock *ps, int family, int *dgram_errno);
/* Hop limit / TTL; bigger receive buffer for floods. */
int pingsock_set_ttl(struct pingsock *ps, int ttl);
/* Gives up any privilege beyond the user's (setuid bit, file capabilities). */
int pingsock_drop_privileges(void);

struct ping_packet {
	uint8_t buf[65536 + 128];
	size_t len;
	struct timespec when;   /* kernel receive time, CLOCK_REALTIME */
	int ttl;                /* from a control message, -1 if none */
	struct sockaddr_storage from;
	int is_error_queue;     /* from MSG_ERRQUEUE (datagram sockets) */
	uint8_t ee_type, ee_code; /* with is_error_queue: the ICMP error */
	struct sockaddr_storage offender;
};

/* One non-blocking receive: 1 got a packet, 0 nothing waiting, -1 error. */
int pingsock_recv(struct pingsock *ps, struct ping_packet *pkt);
/* Sends an echo to dst; returns 0 or -1 with errno. */
int pingsock_send(struct pingsock *ps, const void *buf, size_t len,
		  const struct sockaddr *dst, socklen_t dstlen);

#endif
