/* Port scanning: the PORTS list and target parsers (pure), and the probe
 * engine on the one loop -- non-blocking TCP connects or one UDP datagram
 * per port, at most `parallel` in flight, each with its own deadline.
 *
 * Results come back in launch order (target by target, address by
 * address, port by port), whatever order the network answers in. */
#ifndef NETTOOL_SCAN_H
#define NETTOOL_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "names/addr.h"

struct loop;
struct svc_db;

enum scan_err {
	SCAN_OK = 0,
	SCAN_EMPTY,            /* nothing, or an empty item ("22,,80") */
	SCAN_BAD_PORT,         /* "8o", "-5", "1-2-3" */
	SCAN_PORT_RANGE,       /* 0 or above 65535 */
	SCAN_EMPTY_RANGE,      /* "100-50" */
	SCAN_UNKNOWN_SERVICE,  /* a name the services database lacks */
	SCAN_BAD_ADDRESS,      /* an address or CIDR that does not parse */
	SCAN_TOO_WIDE,         /* wider than /16 or /112 without force */
	SCAN_NOT_LITERAL,      /* not an address: a host name to resolve */
};

/* The failing item: s[pos .. pos+len), so a message can quote it. */
struct scan_error {
	enum scan_err code;
	size_t pos, len;
	enum addr_err addr;    /* SCAN_BAD_ADDRESS: the address parser's reason */
};

const char *scan_strerror(enum scan_err e);

/* A set of ports, kept sorted and without duplicates. */
struct scan_ports {
	uint16_t *v;
	size_t n;
};

/* Parses "22,80,8000-8100,redis" (names through db for the protocols in
 * proto_mask, SVC_TCP or SVC_UDP). Returns 0, or -1 with *err naming the
 * bad item; out is untouched on failure. */
int scan_parse_ports(const char *s, const struct svc_db *db, int proto_mask,
		     struct scan_ports *out, struct scan_error *err);
/* Every port db names for proto_mask. */
void scan_ports_from_db(const struct svc_db *db, int proto_mask,
			struct scan_ports *out);
void scan_ports_free(struct scan_ports *p);

/* One operand: a run of consecutive addresses. */
struct scan_target {
	char *name;            /* as given */
	struct ip first;
	uint64_t count;        /* addresses from first; saturates at 2^64-1 */
	uint32_t scope;        /* IPv6 scope id of a resolved link-local */
};

/* The widest prefixes taken without force. */
#define SCAN_MAX_WIDE4 16
#define SCAN_MAX_WIDE6 112

/* An address or a CIDR (its host addresses: IPv4 below /31 leaves out
 * the network and broadcast addresses). family 4 or 6 refuses the other
 * (SCAN_BAD_ADDRESS with addr ADDR_OK), 0 takes either. Returns 0, or -1:
 * SCAN_NOT_LITERAL when s is no address at all (a host name). */
int scan_parse_target(const char *s, size_t n, int family, int force,
		      struct scan_target *out, struct scan_error *err);
/* A host name through getaddrinfo (the first address of family, 0 for
 * either). Returns 0, or -1 with *gai_err an EAI_* code (or errno as a
 * positive value); sock_strerror() words both. */
int scan_resolve_target(const char *host, int family, struct scan_target *out,
			int *gai_err);
void scan_target_free(struct scan_target *t);
/* first + off (wrapping is the caller's business). */
void scan_ip_add(const struct ip *base, uint64_t off, struct ip *out);

enum scan_state { SCAN_OPEN, SCAN_CLOSED, SCAN_FILTERED, SCAN_OPEN_FILTERED };
/* "open", "closed", "filtered", "open|filtered". */
const char *scan_state_name(enum scan_state s);

struct scan_result {
	const struct scan_target *target;
	struct ip addr;
	int port;
	enum scan_state state;
	int err;               /* what decided it: 0 (answered), ECONNREFUSED,
				  ETIMEDOUT, EHOSTUNREACH, ... */
	double rtt_ms;         /* < 0: no answer */
	long long rtt_us;      /* the same in microseconds */
};

struct scan_opts {
	int udp;
	int parallel;          /* probes in flight at most (>= 1) */
	int timeout_ms;        /* per probe */
	/* TCP: probes unanswered well past the measured round trip stop
	 * counting against parallel ("parked") while they wait out their
	 * timeout; at most park_max of them (0: none parked). */
	int park_max;
	/* TCP: the local ports to bind sockets to in turn (the ephemeral
	 * range) but those in lport_skip (may be NULL: the reserved ports);
	 * 0: connect() picks one each time. */
	int lport_lo, lport_hi;
	const struct scan_ports *lport_skip;
	const struct scan_target *targets;
	size_t ntargets;
	const struct scan_ports *ports;
	void (*on_result)(const struct scan_result *r, void *arg);
	void *arg;
};

struct scan_totals {
	unsigned long long scanned, open, closed, filtered, open_filtered;
	unsigned long long hosts;
	int interrupted;       /* the loop was stopped from outside */
};

/* The round trip of the answers seen (RFC 6298 srtt and rttvar). */
struct scan_rtt {
	long long srtt_us, rttvar_us;
	int samples;
};
void scan_rtt_sample(struct scan_rtt *r, long long us);
/* srtt + 4 rttvar within [floor_us, cap_us]; cap_us without a sample. */
long long scan_rtt_timeout(const struct scan_rtt *r, long long floor_us,
			   long long cap_us);

/* Runs the scan on l until every probe is answered or timed out, or until
 * someone calls loop_stop(l) (interrupted). Returns 0, or -1 with errno
 * when no probe can be started at all (no socket, no family support). */
int scan_run(struct loop *l, const struct scan_opts *o, struct scan_totals *t);

#endif
