/* Sockets: resolve, bind, connect with a timeout, listen, non-blocking
 * setup, and errors in words a user understands.
 *
 * Error convention: functions returning an fd return -1 on failure and
 * store a code in *err: a positive errno value, or a negative getaddrinfo
 * code (EAI_*). sock_strerror() turns either into words. */
#ifndef NETTOOL_SOCK_H
#define NETTOOL_SOCK_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Longest "[addr%scope]:port" text sock_format_addr writes. */
#define SOCK_ADDRSTRLEN 80

/* Socket type words accepted on the command line. */
enum sock_transport { SOCK_PROTO_TCP, SOCK_PROTO_UDP };

/* Parses "tcp" / "udp"; returns 0 or -1. */
int sock_parse_proto(const char *s, enum sock_transport *out);

/* Where and how: family is AF_UNSPEC, AF_INET or AF_INET6 (-4/-6). */
struct sock_spec {
	enum sock_transport proto;
	int family;
	const char *host;      /* NULL: any address (listen) */
	const char *port;      /* service or number, as text */
	const char *src_host;  /* connect: local address, or NULL */
	const char *src_port;  /* connect: local port, or NULL */
	int timeout_ms;        /* connect: <0 waits as long as the kernel does */
};

/* Connects (TCP) or associates (UDP) to the first address of host that
 * answers, trying each in getaddrinfo order. The fd is returned in
 * blocking mode. On failure *err holds the last address's reason. The
 * address connected to is copied to peer/peerlen when they are not NULL. */
int sock_connect(const struct sock_spec *s, int *err,
		 struct sockaddr_storage *peer, socklen_t *peerlen);

/* Binds (SO_REUSEADDR) and, for TCP, listens with backlog; returns the
 * bound fd, non-blocking and close-on-exec. With no host and no family,
 * binds the IPv6 any address dual-stack when the system has IPv6, else
 * IPv4's. The address actually bound is written to bound/boundlen. */
int sock_listen(const struct sock_spec *s, int backlog, int *err,
		struct sockaddr_storage *bound, socklen_t *boundlen);

/* Accepts one connection, non-blocking and close-on-exec; -1 with errno
 * EAGAIN when none is pending. */
int sock_accept(int lfd, struct sockaddr_storage *peer, socklen_t *peerlen);

int sock_set_nonblock(int fd, int on);
/* Enlarges SO_RCVBUF (tries SO_RCVBUFFORCE first, as root may). */
int sock_set_rcvbuf(int fd, int bytes);
int sock_set_sndbuf(int fd, int bytes);

/* "1.2.3.4:80" or "[::1]:80" (IPv4-mapped IPv6 shown as IPv4). */
const char *sock_format_addr(const struct sockaddr *sa, socklen_t len,
			     char *buf, size_t n);
/* The port of an AF_INET/AF_INET6 address, else -1. */
int sock_addr_port(const struct sockaddr *sa);
/* 1 when answering a datagram from `from` would feed a loop: its source
 * port is 0 (no one can receive there), or it comes from our own port on
 * a loopback address (only the loopback can carry a datagram from one of
 * our own addresses; the kernel drops such a "martian" source elsewhere),
 * that is from this very socket, or a spoof of it. */
int sock_is_reflection(const struct sockaddr *from, int ourport);

/* Words for an error code of this module (errno or EAI_* code). */
const char *sock_strerror(int err);

/* Raises the soft RLIMIT_NOFILE to the hard limit; returns the new soft
 * limit or -1. */
long sock_raise_nofile(void);


/* UDP batches (recvmmsg/sendmmsg behind a portable face). */
struct sock_dgram {
	char *buf;                   /* caller's storage, cap bytes */
	size_t cap, len;             /* len: bytes received / to send */
	struct sockaddr_storage addr;/* sender / destination */
	socklen_t addrlen;           /* 0 on send: connected socket */
};
/* Receives up to n datagrams without blocking once one arrived; returns
 * how many, or -1 with errno (EAGAIN: none). A datagram longer than cap
 * sets len to cap+1 so the caller can report truncation. */
int sock_recv_batch(int fd, struct sock_dgram *d, int n);
/* Sends d[0..n); returns how many went, or -1 with errno. */
int sock_send_batch(int fd, struct sock_dgram *d, int n);
/* An echo server's answer: each of d[0..n) back to its sender, once,
 * except those sock_is_reflection refuses (d is reordered). Returns how
 * many went, or -1 with errno. */
int sock_echo_batch(int fd, struct sock_dgram *d, int n, int ourport);

/* Largest UDP payload over IPv4. */
#define SOCK_UDP_MAX 65507

/* A batch: slots datagram buffers of size bytes each, to receive into
 * or to queue datagrams in for one sendmmsg. */
struct sock_batch {
	struct sock_dgram *d;
	char *store;
	int slots, queued;
	size_t size;
	unsigned long long bytes, count;   /* sent so far */
};
void sock_batch_init(struct sock_batch *b, int slots, size_t size);
void sock_batch_free(struct sock_batch *b);
/* Receives up to slots datagrams into b->d (as sock_recv_batch). */
int sock_batch_recv(int fd, struct sock_batch *b);
/* Queues a copy of p[0..n) (n <= size) to go to fd's peer; the batch is
 * sent when full. Returns 0, or -1 with errno. */
int sock_batch_queue(int fd, struct sock_batch *b, const void *p, size_t n);
/* Sends what is queued; 0 or -1 with errno. */
int sock_batch_flush(int fd, struct sock_batch *b);

/* Replies on a UDP socket, on the loop: each datagram goes to fn (which
 * returns -1 to stop), until idle_ms pass without one, or SIGINT/SIGTERM
 * (*signo set). Returns 0, or -1 with errno when receiving failed. */
typedef int (*sock_dgram_fn)(const char *p, size_t n, void *arg);
int sock_recv_until_idle(int fd, int idle_ms, sock_dgram_fn fn, void *arg,
			 int *signo);

#endif
