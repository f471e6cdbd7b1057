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

/* Path options (iputils' -t -Q -M -b -I); -1 / 0 / "" leave the system's. */
enum { PINGSOCK_PMTU_DONT = 0, PINGSOCK_PMTU_WANT, PINGSOCK_PMTU_DO };
struct pingsock_opts {
	int ttl;                /* -1: the system's */
	int tos;                /* -1: the system's (IPv6: traffic class) */
	int pmtu;               /* -1, or PINGSOCK_PMTU_* */
	int broadcast;
	char iface[16];         /* bind to this interface, "" none */
	struct sockaddr_storage source; /* ss_family 0: none */
};
/* The options as unset. */
void pingsock_opts_init(struct pingsock_opts *o);

/* Opens a socket bound to source (NULL or family 0: any): 0, or -1 with
 * errno from the raw attempt and *dgram_errno from the datagram one. */
int pingsock_open(struct pingsock *ps, int family,
		  const struct sockaddr_storage *source, int *dgram_errno);
/* Applies the path options: 0, or -1 with errno and *what naming the
 * option that failed ("ttl", "tos", ...). */
int pingsock_configure(struct pingsock *ps, const struct pingsock_opts *o,
		       const char **what);
/* Gives up any privilege beyond the user's (setuid bit, file capabilities). */
int pingsock_drop_privileges(void);

struct ping_packet {
	uint8_t buf[65536 + 128];
	size_t len;
	struct timespec when;   /* kernel receive time, CLOCK_REALTIME */
	int ttl;                /* from a control message, -1 if none */
	struct sockaddr_storage from;
	int is_error_queue;     /* from MSG_ERRQUEUE (datagram sockets) */
	int ee_origin;          /* with is_error_queue: SO_EE_ORIGIN_* */
	int ee_errno;           /* ... the error (EMSGSIZE, EHOSTUNREACH) */
	uint32_t ee_info;       /* ... the MTU for "message too long" */
	uint8_t ee_type, ee_code; /* ... the ICMP error (origin ICMP) */
	struct sockaddr_storage offender;
};

/* Receives up to n packets without waiting: how many (fewer than n means
 * nothing more is queued), 0 if none, -1 on error. errqueue reads the
 * datagram socket's error queue instead (ICMP errors, local errors). */
int pingsock_recv(struct pingsock *ps, struct ping_packet *pkt, int n, int errqueue);
/* Reads the control messages of one received message into pkt (time,
 * TTL, extended error). Exposed for tests. */
void pingsock_read_cmsgs(struct msghdr *mh, struct ping_packet *pkt);
/* Sends an echo to dst; returns 0 or -1 with errno. */
int pingsock_send(struct pingsock *ps, const void *buf, size_t len,
		  const struct sockaddr *dst, socklen_t dstlen);

#endif
