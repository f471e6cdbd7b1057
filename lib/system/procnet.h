/* Sockets from /proc/net and their owning processes from /proc/PID/fd.
 * Line parsers are pure; readers take the proc root ("/proc", or a fixture
 * directory) as a parameter. */
#ifndef NETTOOL_PROCNET_H
#define NETTOOL_PROCNET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum sock_proto { SP_TCP, SP_UDP, SP_RAW, SP_UNIX, SP_COUNT };

/* The kernel's TCP state numbers (include/net/tcp_states.h). */
enum tcp_state {
	TS_ESTABLISHED = 1, TS_SYN_SENT, TS_SYN_RECV, TS_FIN_WAIT1, TS_FIN_WAIT2,
	TS_TIME_WAIT, TS_CLOSE, TS_CLOSE_WAIT, TS_LAST_ACK, TS_LISTEN, TS_CLOSING,
	TS_NEW_SYN_RECV, TS_MAX
};

struct sock_rec {
	uint8_t proto;          /* enum sock_proto */
	uint8_t family;         /* 4 or 6; 0 for unix */
	uint8_t state;          /* tcp_state, or unix state (1 unconnected, 3 connected) */
	uint8_t unix_type;      /* SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5 */
	uint8_t local[16], remote[16]; /* network byte order */
	uint16_t lport, rport;  /* host byte order; raw: protocol number */
	uint32_t uid;
	unsigned long txq, rxq;
	unsigned long inode;
	char path[110];         /* unix: path, "@name" for abstract, "" unnamed */
	/* TCP/UDP timer and TCP internals, as /proc/net/tcp prints them. */
	uint8_t timer;          /* 0 off, 1 on (retransmit), 2 keepalive, 3 timewait, 4 probe */
	uint8_t has_info;       /* rto..ssthresh below were on the line (TCP) */
	unsigned long timer_ticks; /* time left on the timer, USER_HZ ticks (1/100 s) */
	unsigned long retrans;  /* retransmits of the unacknowledged segment */
	unsigned long probes;   /* unanswered keepalive / zero-window probes */
	unsigned long rto, ato; /* in USER_HZ ticks */
	unsigned long cwnd;
	long ssthresh;          /* -1: still in initial slow start */
};

struct sock_list {
	struct sock_rec *v;
	size_t n, cap;
	size_t malformed;       /* lines that did not parse */
};

/* One data line of /proc/net/{tcp,udp,raw}{,6}: 0, or -1 if malformed. */
int procnet_parse_inet_line(const char *line, size_t n, int family,
			    struct sock_rec *out);
/* One data line of /proc/net/unix. */
int procnet_parse_unix_line(const char *line, size_t n, struct sock_rec *out);
/* A whole file's text (header line first) appended to list. */
void procnet_parse_text(const char *text, size_t n, enum sock_proto proto,
			int family, struct sock_list *list);

/* Reads proc_root/net/FILE for the protocols in mask (1 << SP_TCP, ...)
 * and families (4, 6 or 0 for both). Returns 0, or -1 with errno if a file
 * that must exist cannot be read (a missing tcp6 when IPv6 is off is not
 * an error). */
int procnet_read(const char *proc_root, unsigned proto_mask, int family,
		 struct sock_list *list);
/* The same files streamed: fn gets each record (valid only during the
 * call) and stops the scan by returning nonzero. Every file is opened
 * before the first record, so a missing one fails before any output.
 * malformed (may be NULL) counts lines that did not parse. */
typedef int (*procnet_fn)(const struct sock_rec *r, void *arg);
int procnet_scan(const char *proc_root, unsigned proto_mask, int family,
		 procnet_fn fn, void *arg, size_t *malformed);
void sock_list_free(struct sock_list *list);

const char *procnet_state_name(const struct sock_rec *r);
/* net-tools' timer name: "off", "on", "keepalive", "timewait", "probe". */
const char *procnet_timer_name(unsigned timer);
/* TCP state from a name ("ESTABLISHED", "time-wait", "listen"); -1 if none. */
int procnet_state_from_name(const char *name);

/* Socket inode -> owning process, built in one pass over proc_root/[0-9]*
 * /fd. Processes that vanish or are unreadable are skipped. */
struct owner { pid_t pid; char comm[16]; };
struct owner_map;
struct owner_map *procnet_owners(const char *proc_root);
/* NULL when no process we can see holds the inode. */
const struct owner *owner_lookup(const struct owner_map *m, unsigned long inode);
void owner_map_free(struct owner_map *m);

/* procnet_read and procnet_owners at the same time: the /proc/PID/fd pass
 * runs on a second thread while /proc/net is read (one after the other if
 * no thread can be made). *owners is always set; free it with
 * owner_map_free. Returns procnet_read's result. */
int procnet_read_owned(const char *proc_root, unsigned proto_mask, int family,
		       struct sock_list *list, struct owner_map **owners);

/* Which process holds local port `port` (host order) of protocol SP_TCP or
 * SP_UDP, IPv4 or IPv6 -- for "address in use by python3 (pid 4242)". A TCP
 * listener is preferred, then any other socket bound to the port. Fills
 * *who and returns 1; 0 if no process we can see holds it; -1 with errno on
 * error (a /proc/net file unreadable, proto not TCP/UDP). */
int procnet_find_port_owner(const char *proc_root, enum sock_proto proto,
			    uint16_t port, struct owner *who);
/* The TCP and UDP sockets (IPv4 and IPv6) process pid holds, appended to
 * list: local/remote address and port, proto, state -- for capture --pid.
 * Returns 0, or -1 with errno if the process or /proc/net cannot be read.
 * Free the list with sock_list_free. */
int procnet_sockets_of_pid(const char *proc_root, pid_t pid, struct sock_list *list);

/* "python3 (pid 4242)" for whoever holds the port, into buf: 1, or 0 when
 * no process we can see holds it. */
int procnet_port_owner_text(const char *proc_root, int udp, int port, char *buf, size_t n);

#endif
