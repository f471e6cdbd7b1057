/* Port scanning: PORTS and target parsers, and the probe engine. */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/loop.h"
#include "core/num.h"
#include "names/services.h"
#include "net/scan.h"

const char *scan_strerror(enum scan_err e)
{
	switch (e) {
	case SCAN_OK:              return "no error";
	case SCAN_EMPTY:           return "is empty";
	case SCAN_BAD_PORT:        return "is not a port, range or service name";
	case SCAN_PORT_RANGE:      return "is out of range (1-65535)";
	case SCAN_EMPTY_RANGE:     return "is an empty range (first port above last)";
	case SCAN_UNKNOWN_SERVICE: return "is not a service name the services database knows";
	case SCAN_BAD_ADDRESS:     return "is not a valid address or CIDR";
	case SCAN_TOO_WIDE:        return "is wider than /16 (IPv4) or /112 (IPv6); add --force to scan it";
	case SCAN_NOT_LITERAL:     return "is not an address";
	}
	return "is not valid";
}

/* ---- PORTS ----------------------------------------------------------------------- */

static void set_error(struct scan_error *err, enum scan_err code, size_t pos,
		      size_t len)
{
	err->code = code;
	err->pos = pos;
	err->len = len;
	err->addr = ADDR_OK;
}

/* One side of a range, s[0..n) all digits; 0 when empty (open side). */
static enum scan_err port_number(const char *s, size_t n, int *out)
{
	char buf[16];
	int port;

	if (n >= sizeof buf)
		return SCAN_PORT_RANGE; /* only digits, and far too many */
	memcpy(buf, s, n);
	buf[n] = '\0';
	switch (num_parse_port(buf, 1, &port)) {
	case NUM_OK:
		*out = port;
		return SCAN_OK;
	case NUM_RANGE:
		return SCAN_PORT_RANGE;
	default:
		return SCAN_BAD_PORT;
	}
}

/* "N", "N-M", "N-" (to 65535), "-M" (from 1), "-" (all). */
static enum scan_err port_range(const char *s, size_t n, int *lo, int *hi)
{
	const char *dash = memchr(s, '-', n);
	enum scan_err e;

	*lo = *hi = 0;
	if (!dash) {
		e = port_number(s, n, lo);
		*hi = *lo;
		return e;
	}
	if (memchr(dash + 1, '-', n - (size_t)(dash - s) - 1))
		return SCAN_BAD_PORT;
	*lo = 1;
	*hi = 65535;
	if (dash > s && (e = port_number(s, (size_t)(dash - s), lo)))
		return e;
	if (dash + 1 < s + n &&
	    (e = port_number(dash + 1, n - (size_t)(dash - s) - 1, hi)))
		return e;
	return *lo > *hi ? SCAN_EMPTY_RANGE : SCAN_OK;
}

static int numeric_item(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '-')
			return 0;
	return 1;
}

static enum scan_err service_item(const char *s, size_t n,
				  const struct svc_db *db, int proto_mask,
				  uint8_t *bits)
{
	const struct svc_entry *hits[16];
	char name[64];
	size_t i, k;

	if (n >= sizeof name || !db)
		return SCAN_UNKNOWN_SERVICE;
	memcpy(name, s, n);
	name[n] = '\0';
	k = svc_by_name(db, name, proto_mask, hits, 16);
	if (k == 0)
		return SCAN_UNKNOWN_SERVICE;
	for (i = 0; i < k; i++)
		if (hits[i]->port > 0 && hits[i]->port <= 65535)
			bits[hits[i]->port >> 3] |= (uint8_t)(1u << (hits[i]->port & 7));
	return SCAN_OK;
}

static void ports_from_bits(const uint8_t *bits, struct scan_ports *out)
{
	size_t n = 0, p;

	for (p = 1; p <= 65535; p++)
		n += (bits[p >> 3] >> (p & 7)) & 1;
	out->v = xmalloc((n ? n : 1) * sizeof *out->v);
	out->n = 0;
	for (p = 1; p <= 65535; p++)
		if ((bits[p >> 3] >> (p & 7)) & 1)
			out->v[out->n++] = (uint16_t)p;
}

int scan_parse_ports(const char *s, const struct svc_db *db, int proto_mask,
		     struct scan_ports *out, struct scan_error *err)
{
	uint8_t *bits = xcalloc(65536 / 8, 1);
	size_t pos = 0, len = strlen(s), n;
	enum scan_err e;
	int lo, hi, p;

	set_error(err, SCAN_OK, 0, 0);
	for (;;) {
		const char *comma = memchr(s + pos, ',', len - pos);
		n = comma ? (size_t)(comma - (s + pos)) : len - pos;
		if (n == 0)
			e = SCAN_EMPTY;
		else if (numeric_item(s + pos, n))
			e = port_range(s + pos, n, &lo, &hi);
		else
			e = service_item(s + pos, n, db, proto_mask, bits), lo = 1, hi = 0;
		if (e != SCAN_OK) {
			set_error(err, e, pos, n);
			free(bits);
			return -1;
		}
		for (p = lo; p <= hi; p++)
			bits[p >> 3] |= (uint8_t)(1u << (p & 7));
		if (!comma)
			break;
		pos += n + 1;
	}
	ports_from_bits(bits, out);
	free(bits);
	return 0;
}

void scan_ports_from_db(const struct svc_db *db, int proto_mask,
			struct scan_ports *out)
{
	uint8_t *bits = xcalloc(65536 / 8, 1);
	size_t i;

	for (i = 0; i < db->n; i++) {
		int port = db->v[i].port;
		if ((db->v[i].proto & proto_mask) && port > 0 && port <= 65535)
			bits[port >> 3] |= (uint8_t)(1u << (port & 7));
	}
	ports_from_bits(bits, out);
	free(bits);
}

void scan_ports_free(struct scan_ports *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* ---- targets --------------------------------------------------------------------- */

void scan_ip_add(const struct ip *base, uint64_t off, struct ip *out)
{
	int i = base->version == 4 ? 3 : 15;
	unsigned carry = 0;

	*out = *base;
	for (; i >= 0 && (off || carry); i--) {
		unsigned v = out->b[i] + (unsigned)(off & 0xff) + carry;
		out->b[i] = (uint8_t)v;
		carry = v >> 8;
		off >>= 8;
	}
}

/* Digits and dots only, or a ':' anywhere: meant as an address. */
static int looks_literal(const char *s, size_t n)
{
	size_t i, digits = 1;

	if (memchr(s, ':', n) || memchr(s, '/', n))
		return 1;
	for (i = 0; i < n; i++)
		if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '.')
			digits = 0;
	return n > 0 && digits;
}

static void expand_prefix(const struct ip_prefix *p, struct scan_target *out)
{
	struct addr_net net;
	int bits = (p->ip.version == 4 ? 32 : 128) - p->prefix;

	addr_network(p, &net);
	out->first = net.network;
	if (bits >= 64)
		out->count = UINT64_MAX;
	else
		out->count = (uint64_t)1 << bits;
	if (p->ip.version == 4 && bits >= 2) {
		scan_ip_add(&net.network, 1, &out->first); /* no network, */
		out->count -= 2;                           /* no broadcast */
	}
}

int scan_parse_target(const char *s, size_t n, int family, int force,
		      struct scan_target *out, struct scan_error *err)
{
	struct ip_prefix p;
	struct addr_error ae;

	set_error(err, SCAN_OK, 0, 0);
	if (n == 0) {
		set_error(err, SCAN_EMPTY, 0, 0);
		return -1;
	}
	if (!looks_literal(s, n)) {
		set_error(err, SCAN_NOT_LITERAL, 0, n);
		return -1;
	}
	if (addr_parse_prefix(s, n, &p, &ae) < 0) {
		set_error(err, SCAN_BAD_ADDRESS, ae.pos, ae.len);
		err->addr = ae.code;
		return -1;
	}
	if (family && p.ip.version != family) {
		set_error(err, SCAN_BAD_ADDRESS, 0, n);
		return -1;
	}
	if (!force && p.prefix >= 0 &&
	    p.prefix < (p.ip.version == 4 ? SCAN_MAX_WIDE4 : SCAN_MAX_WIDE6)) {
		set_error(err, SCAN_TOO_WIDE, 0, n);
		return -1;
	}
	memset(out, 0, sizeof *out);
	if (p.prefix >= 0) {
		expand_prefix(&p, out);
	} else {
		out->first = p.ip;
		out->count = 1;
	}
	out->name = xstrndup(s, n);
	return 0;
}

int scan_resolve_target(const char *host, int family, struct scan_target *out,
			int *gai_err)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		*gai_err = rc == EAI_SYSTEM ? (errno ? errno : EIO)
					    : (rc < 0 ? rc : -rc);
		return -1;
	}
	memset(out, 0, sizeof *out);
	if (res->ai_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)res->ai_addr;
		out->first.version = 4;
		memcpy(out->first.b, &a->sin_addr, 4);
	} else {
		const struct sockaddr_in6 *a = (const void *)res->ai_addr;
		out->first.version = 6;
		memcpy(out->first.b, &a->sin6_addr, 16);
		out->scope = a->sin6_scope_id;
	}
	out->count = 1;
	out->name = xstrdup(host);
	freeaddrinfo(res);
	return 0;
}

void scan_target_free(struct scan_target *t)
{
	free(t->name);
	t->name = NULL;
}

const char *scan_state_name(enum scan_state s)
{
	switch (s) {
	case SCAN_OPEN:          return "open";
	case SCAN_CLOSED:        return "closed";
	case SCAN_FILTERED:      return "filtered";
	case SCAN_OPEN_FILTERED: return "open|filtered";
	}
	return "?";
}

/* ---- round-trip estimate --------------------------------------------------------- */

/* RFC 6298: the first sample R gives srtt R and rttvar R/2; each next one
 * moves rttvar a quarter and srtt an eighth of the way. */
void scan_rtt_sample(struct scan_rtt *r, long long us)
{
	long long diff;

	if (us < 0)
		us = 0;
	if (r->samples++ == 0) {
		r->srtt_us = us;
		r->rttvar_us = us / 2;
		return;
	}
	diff = r->srtt_us > us ? r->srtt_us - us : us - r->srtt_us;
	r->rttvar_us += (diff - r->rttvar_us) / 4;
	r->srtt_us += (us - r->srtt_us) / 8;
}

long long scan_rtt_timeout(const struct scan_rtt *r, long long floor_us,
			   long long cap_us)
{
	long long t;

	if (r->samples == 0)
		return cap_us;
	t = r->srtt_us + 4 * r->rttvar_us;
	if (t < floor_us)
		t = floor_us;
	return t > cap_us ? cap_us : t;
}

/* ---- the engine ------------------------------------------------------------------ */

/* One probe. Probes live in a ring indexed by launch sequence, so results
 * leave in launch order and, every probe having the same timeout, the
 * oldest one in flight is always the next to expire: one timer serves
 * them all. The same order makes the oldest unparked probe the next to
 * park (see park_overdue). */
struct slot {
	struct scan *s;
	long long start_us, deadline_us;
	uint64_t off;          /* address offset in the target */
	long long rtt_us;      /* < 0: no answer */
	int fd;                /* >= 0 while in flight */
	int err;
	uint32_t target;
	uint16_t port;
	uint16_t lport;        /* the local port fd is bound to, 0: none */
	uint8_t done, state, watched, parked;
};

#define SPARE_MAX 64
/* A probe is parked no sooner than this after its SYN, whatever the
 * round trip: below it, our own loop's latency would count as the
 * network's. */
#define PARK_FLOOR_US 2000
/* Binding local ports stops after this many ports in use in a row. */
#define BIND_TRIES 16
/* Sockets holding a port by name at once, at most: such a port is one
 * the kernel cannot share with connects elsewhere on the host (it can
 * share the ports it picks), so parked probes beyond these go unbound. */
#define BOUND_MAX 1024
/* Sockets are bound to their source address too when at least this many
 * ports are scanned per address (the look-up costs two system calls). */
#define SOURCE_MIN_PORTS 16

struct spare {
	int fd;
	uint16_t lport;
};

struct scan {
	struct loop *l;
	const struct scan_opts *o;
	struct scan_totals *t;
	struct slot *w;
	uint64_t mask;         /* ring size - 1 */
	uint64_t head, next;   /* results not yet reported: [head, next) */
	int inflight;          /* probes in the window (at most parallel) */
	int parked;            /* probes waiting outside it (at most park_max) */
	int timer, park_timer;
	uint64_t pk;           /* probes below pk are parked or done */
	struct scan_rtt rtt;   /* from the RSTs and SYN-ACKs seen */
	size_t ti, pi;         /* the next probe: target, address, port */
	uint64_t ai;
	int more, starved, finished, fatal;
	int next_lport;        /* the local port to try binding next, 0: none */
	int nbound;            /* sockets open with a port bound by name */
	int route_fd[2];       /* UDP sockets that find source addresses */
	struct sockaddr_storage dst[2]; /* the last target address looked up */
	struct sockaddr_storage src[2]; /* its source (family 0: unknown) */
	struct spare spare[2][SPARE_MAX]; /* refused TCP sockets to use again */
	int nspare[2];             /* IPv4, IPv6 */
};

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static socklen_t make_sockaddr(const struct scan_target *t, uint64_t off,
			       int port, struct sockaddr_storage *ss)
{
	struct ip a;

	scan_ip_add(&t->first, off, &a);
	memset(ss, 0, sizeof *ss);
	if (a.version == 4) {
		struct sockaddr_in *in = (void *)ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		memcpy(&in->sin_addr, a.b, 4);
		return sizeof *in;
	} else {
		struct sockaddr_in6 *in6 = (void *)ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		in6->sin6_scope_id = t->scope;
		memcpy(&in6->sin6_addr, a.b, 16);
		return sizeof *in6;
	}
}

/* Errors that mean "not now": out of descriptors, buffers or local ports. */
static int retryable(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOBUFS ||
	       err == ENOMEM || err == EADDRNOTAVAIL || err == EAGAIN;
}

static enum scan_state state_of(const struct scan *s, int err)
{
	if (err == 0)
		return SCAN_OPEN;
	if (err == ECONNREFUSED)
		return SCAN_CLOSED;
	if (err == ETIMEDOUT && s->o->udp)
		return SCAN_OPEN_FILTERED;
	return SCAN_FILTERED;
}

static socklen_t sockaddr_len(int family)
{
	return family == AF_INET6 ? sizeof(struct sockaddr_in6)
				  : sizeof(struct sockaddr_in);
}

/* The same address (and IPv6 scope), whatever the ports. */
static int same_address(const struct sockaddr_storage *a,
			const struct sockaddr_storage *b)
{
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a->ss_family != AF_INET6 ||
	       (!memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) &&
		a6->sin6_scope_id == b6->sin6_scope_id);
}

static int port_of(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
	return ntohs(((const struct sockaddr_in *)a)->sin_port);
}

static void close_socket(struct scan *s, int fd, uint16_t lport)
{
	if (lport)
		s->nbound--;
	close(fd);
}

/* Closes a connected TCP socket with a RST (SO_LINGER 0), not a FIN: no
 * TIME_WAIT keeps its port, which no other connect() could use meanwhile
 * when it is bound by name. */
static void reset_close(struct scan *s, const struct slot *p)
{
	struct linger now = { 1, 0 };

	(void)setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
	close_socket(s, p->fd, p->lport);
}

/* Keeps a refused TCP socket for the next probe, closes any other. */
static void release_socket(struct scan *s, const struct slot *p, int err)
{
	int v6 = s->o->targets[p->target].first.version == 6;

	if (!s->o->udp && err == 0) {
		reset_close(s, p);
		return;
	}
	if (s->o->udp || err != ECONNREFUSED || s->nspare[v6] >= SPARE_MAX) {
		close_socket(s, p->fd, p->lport);
		return;
	}
	s->spare[v6][s->nspare[v6]].fd = p->fd;
	s->spare[v6][s->nspare[v6]++].lport = p->lport;
}

/* A TCP socket probing a local address on its own port connects to
 * itself (simultaneous open). Nothing can listen there -- the port is
 * ours -- so the port is closed, whatever connect() said. */
static int connected_to_itself(int fd)
{
	struct sockaddr_storage me, peer;
	socklen_t lme = sizeof me, lpeer = sizeof peer;

	if (getsockname(fd, (struct sockaddr *)&me, &lme) < 0 ||
	    getpeername(fd, (struct sockaddr *)&peer, &lpeer) < 0)
		return 0;
	return same_address(&me, &peer) && port_of(&me) == port_of(&peer);
}

/* Marks a probe answered (err 0 or why not) and frees its socket. An
 * answer from the target (SYN-ACK or RST) is a round-trip sample. */
static void finish(struct slot *p, int err)
{
	struct scan *s = p->s;
	long long took = now_us() - p->start_us;

	if (p->watched) {
		loop_unwatch(s->l, p->fd);
		p->watched = 0;
		if (p->parked)
			s->parked--;
		else
			s->inflight--;
		s->starved = 0;
	}
	if (!s->o->udp && err == 0 && connected_to_itself(p->fd)) {
		reset_close(s, p);
		p->fd = -1;
		err = ECONNREFUSED;
	}
	if (p->fd >= 0)
		release_socket(s, p, err);
	if (!s->o->udp && (err == 0 || err == ECONNREFUSED))
		scan_rtt_sample(&s->rtt, took);
	p->fd = -1;
	p->err = err;
	p->state = (uint8_t)state_of(s, err);
	p->rtt_us = err == ETIMEDOUT ? -1 : took;
	p->done = 1;
}

static void advance(struct scan *s);

static void on_ready(struct loop *l, int fd, unsigned events, void *arg)
{
	struct slot *p = arg;
	int err = 0;
	socklen_t len = sizeof err;
	char byte;

	(void)l;
	if (p->s->o->udp) {
		if (recv(fd, &byte, sizeof byte, MSG_DONTWAIT) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			err = errno;
		}
	} else {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err == 0 && !(events & LOOP_OUT))
			return;
	}
	finish(p, err);
	advance(p->s);
}

/* The socket's error, if one came in already (0: none yet). */
static int pending_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err;
}

static void close_spares(struct scan *s, int v6)
{
	while (s->nspare[v6] > 0) {
		const struct spare *k = &s->spare[v6][--s->nspare[v6]];
		close_socket(s, k->fd, k->lport);
	}
}

/* Keeps src[] the address the kernel sends from towards dst's address,
 * found once per target address by connecting a UDP socket there. Spare
 * sockets are bound to the old source: a new one closes them. Unknown
 * (family 0: sockets bound to any address) when the look-up fails or
 * too few ports per address make it not worth its system calls. */
static void find_source(struct scan *s, const struct sockaddr_storage *dst)
{
	int v6 = dst->ss_family == AF_INET6, *fd = &s->route_fd[v6];
	struct sockaddr_storage src;
	socklen_t len = sizeof src;

	if (s->o->udp || s->o->ports->n < SOURCE_MIN_PORTS ||
	    same_address(dst, &s->dst[v6]))
		return;
	s->dst[v6] = *dst;
	memset(&src, 0, sizeof src);
	if (*fd < 0)
		*fd = socket(dst->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*fd < 0 || connect(*fd, (const struct sockaddr *)dst,
			       sockaddr_len(dst->ss_family)) < 0 ||
	    getsockname(*fd, (struct sockaddr *)&src, &len) < 0 ||
	    src.ss_family != dst->ss_family)
		memset(&src, 0, sizeof src);
	if (!same_address(&src, &s->src[v6])) {
		close_spares(s, v6);
		s->src[v6] = src;
	}
}

/* Binds a new TCP socket to its source address (when known) and a local
 * port of its own, taken in turn from the ephemeral range: a socket bound
 * so keeps both when a connect is refused, and the kernel neither
 * searches for a free port nor rehashes the socket at each connect and
 * each RST. Ports in use are skipped; after BIND_TRIES of them in a row,
 * connect() picks ports as it would. */
static int skipped_lport(const struct scan *s, int port)
{
	const struct scan_ports *k = s->o->lport_skip;
	size_t lo = 0, hi = k ? k->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (k->v[mid] == port)
			return 1;
		if (k->v[mid] < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The next port of the range that is neither avoid nor to skip; 0: none. */
static int take_lport(struct scan *s, int avoid)
{
	int left = s->o->lport_hi - s->o->lport_lo + 1;

	for (; left > 0 && s->next_lport; left--) {
		int port = s->next_lport;
		s->next_lport = port >= s->o->lport_hi ? s->o->lport_lo : port + 1;
		if (port != avoid && !skipped_lport(s, port))
			return port;
	}
	return 0;
}

static uint16_t bind_local_port(struct scan *s, int fd, int family, int avoid)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_len(family);
	int i, port;

	if (s->nbound >= BOUND_MAX)
		return 0;
	ss = s->src[family == AF_INET6];
	if (ss.ss_family != family) {
		memset(&ss, 0, sizeof ss);
		ss.ss_family = (sa_family_t)family;
	}
	for (i = 0; i < BIND_TRIES && (port = take_lport(s, avoid)) > 0; i++) {
		if (family == AF_INET6)
			((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		else
			((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		if (bind(fd, (struct sockaddr *)&ss, len) == 0) {
			s->nbound++;
			return (uint16_t)port;
		}
		if (errno != EADDRINUSE)
			break;
	}
	s->next_lport = 0;
	return 0;
}

/* A TCP socket whose connect was refused can connect again (Linux), which
 * spares a socket() and a close() per closed port. A socket is never
 * bound to the port it probes (see connected_to_itself). */
static int new_socket(struct scan *s, struct slot *p,
		      const struct sockaddr_storage *dst)
{
	int family = dst->ss_family, v6 = family == AF_INET6;
	int *n = &s->nspare[v6], fd;

	p->lport = 0;
	find_source(s, dst);
	if (!s->o->udp && *n > 0 && s->spare[v6][*n - 1].lport != p->port) {
		p->lport = s->spare[v6][--*n].lport;
		return s->spare[v6][*n].fd;
	}
	fd = socket(family, (s->o->udp ? SOCK_DGRAM : SOCK_STREAM) |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && !s->o->udp)
		p->lport = bind_local_port(s, fd, family, p->port);
	return fd;
}

/* TCP: 0 connected, EALREADY still connecting, else why not. A local
 * target often answers before connect() returns (the kernel ran the RST
 * on this CPU on the way out): a second connect() reads that answer and
 * leaves a refused socket ready to be used again. */
static int tcp_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	int r = connect(fd, sa, len);

	if (r < 0 && errno == ECONNABORTED) /* a reused socket, reset now */
		r = connect(fd, sa, len);
	if (r == 0)
		return 0;
	if (errno != EINPROGRESS)
		return errno;
	return connect(fd, sa, len) == 0 ? 0 : errno;
}

/* UDP: one empty datagram on a connected socket; 0 sent, else why not.
 * A socket given the very port it probes on a local address would read
 * its own datagram as a reply: that port is closed (it is ours). */
static int udp_probe(int fd, const struct sockaddr *sa, socklen_t len)
{
	int one = 1;

	/* Every ICMP unreachable becomes the socket's error, not only the
	 * "hard" ones, so host-unreachable shows as filtered. */
	(void)setsockopt(fd, sa->sa_family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
			 sa->sa_family == AF_INET ? IP_RECVERR : IPV6_RECVERR,
			 &one, sizeof one);
	if (connect(fd, sa, len) < 0)
		return errno;
	if (connected_to_itself(fd))
		return ECONNREFUSED;
	if (send(fd, "", 0, 0) < 0)
		return errno;
	return pending_error(fd);
}

/* Opens, connects and (UDP) sends one probe: 0 (in flight or already
 * answered), or -1 with errno when it could not start. */
static int start_probe(struct scan *s, struct slot *p)
{
	const struct scan_target *t = &s->o->targets[p->target];
	struct sockaddr_storage ss;
	socklen_t len = make_sockaddr(t, p->off, p->port, &ss);
	int e;

	p->fd = new_socket(s, p, &ss);
	if (p->fd < 0)
		return -1;
	p->start_us = now_us();
	p->deadline_us = p->start_us + (long long)s->o->timeout_ms * 1000;
	if (s->o->udp)
		e = udp_probe(p->fd, (struct sockaddr *)&ss, len);
	else
		e = tcp_connect(p->fd, (struct sockaddr *)&ss, len);
	if (e == EALREADY || (s->o->udp && e == 0)) {
		if (loop_watch(s->l, p->fd, s->o->udp ? LOOP_IN : LOOP_OUT, on_ready, p) < 0)
			e = errno;
		else {
			p->watched = 1;
			s->inflight++;
			return 0;
		}
	}
	if (retryable(e)) {
		close_socket(s, p->fd, p->lport);
		p->fd = -1;
		errno = e;
		return -1;
	}
	finish(p, e);
	return 0;
}

static void next_cursor(struct scan *s)
{
	if (++s->pi < s->o->ports->n)
		return;
	s->pi = 0;
	if (++s->ai < s->o->targets[s->ti].count)
		return;
	s->ai = 0;
	while (++s->ti < s->o->ntargets && s->o->targets[s->ti].count == 0)
		;
	s->more = s->ti < s->o->ntargets;
}

static void fill(struct scan *s)
{
	while (s->more && !s->starved && s->inflight < s->o->parallel &&
	       s->next - s->head <= s->mask) {
		struct slot *p = &s->w[s->next & s->mask];
		memset(p, 0, sizeof *p);
		p->s = s;
		p->fd = -1;
		p->target = (uint32_t)s->ti;
		p->off = s->ai;
		p->port = s->o->ports->v[s->pi];
		if (start_probe(s, p) < 0) {
			if (retryable(errno) && s->inflight + s->parked > 0) {
				s->starved = 1; /* until a probe finishes */
				return;
			}
			s->fatal = errno;
			s->more = 0;
			return;
		}
		s->next++;
		next_cursor(s);
	}
}

/* TCP: a connect unanswered well past the round trip measured so far
 * (srtt + 4 rttvar, as TCP's retransmission timeout) is most likely
 * dropped. It leaves the window -- parked -- so that it no longer holds
 * back the next probes, and still waits for its own deadline: an answer
 * that comes late counts as any other. At most park_max are parked (each
 * holds a descriptor); with no sample yet, nothing is. Probes are parked
 * in launch order, the oldest first. */
static long long park_after_us(const struct scan *s)
{
	if (s->o->udp || s->o->park_max <= 0 || s->rtt.samples == 0)
		return -1;
	return scan_rtt_timeout(&s->rtt, PARK_FLOOR_US,
				(long long)s->o->timeout_ms * 1000);
}

/* Moves pk to the oldest probe still in the window (or to next). */
static void skip_settled(struct scan *s)
{
	if (s->pk < s->head)
		s->pk = s->head;
	while (s->pk < s->next && (s->w[s->pk & s->mask].done ||
				   s->w[s->pk & s->mask].parked))
		s->pk++;
}

static void park_overdue(struct scan *s)
{
	long long after = park_after_us(s), now;

	if (after < 0)
		return;
	now = now_us();
	for (skip_settled(s); s->pk < s->next; skip_settled(s)) {
		struct slot *p = &s->w[s->pk & s->mask];
		if (p->start_us + after > now || s->parked >= s->o->park_max)
			return;
		p->parked = 1;
		s->parked++;
		s->inflight--;
	}
}

static void on_park_time(struct loop *l, void *arg)
{
	struct scan *s = arg;

	(void)l;
	s->park_timer = 0;
	advance(s);
}

/* Wakes when the oldest probe in the window is due to park. */
static void arm_park_timer(struct scan *s)
{
	long long after = park_after_us(s), us;
	const struct slot *p;

	if (s->park_timer || after < 0 || s->parked >= s->o->park_max)
		return;
	skip_settled(s);
	if (s->pk >= s->next)
		return;
	p = &s->w[s->pk & s->mask];
	us = p->start_us + after - now_us();
	s->park_timer = loop_timer_us(s->l, us < 0 ? 0 : us, on_park_time, s);
	if (s->park_timer < 0) {
		s->park_timer = 0;
		s->fatal = errno ? errno : ENOMEM;
	}
}

static void report(struct scan *s, const struct slot *p)
{
	struct scan_result r;

	r.target = &s->o->targets[p->target];
	scan_ip_add(&r.target->first, p->off, &r.addr);
	r.port = p->port;
	r.state = (enum scan_state)p->state;
	r.err = p->err;
	r.rtt_us = p->rtt_us;
	r.rtt_ms = p->rtt_us < 0 ? -1 : (double)p->rtt_us / 1000;
	s->t->scanned++;
	if (r.state == SCAN_OPEN)
		s->t->open++;
	else if (r.state == SCAN_CLOSED)
		s->t->closed++;
	else if (r.state == SCAN_FILTERED)
		s->t->filtered++;
	else
		s->t->open_filtered++;
	if (s->o->on_result)
		s->o->on_result(&r, s->o->arg);
}

static void emit(struct scan *s)
{
	while (s->head < s->next && s->w[s->head & s->mask].done)
		report(s, &s->w[s->head++ & s->mask]);
}

static void on_deadline(struct loop *l, void *arg)
{
	struct scan *s = arg;
	long long now = now_us();
	uint64_t i;

	(void)l;
	s->timer = 0;
	for (i = s->head; i < s->next; i++) {
		struct slot *p = &s->w[i & s->mask];
		if (p->done)
			continue;
		if (p->deadline_us > now)
			break; /* launched later, expires later */
		finish(p, ETIMEDOUT);
	}
	advance(s);
}

static void arm_timer(struct scan *s)
{
	const struct slot *p;
	long long us;

	if (s->timer || s->head == s->next)
		return;
	p = &s->w[s->head & s->mask]; /* in flight: emit() stopped there */
	us = p->deadline_us - now_us();
	s->timer = loop_timer_us(s->l, us < 0 ? 0 : us, on_deadline, s);
	if (s->timer < 0) {
		s->timer = 0;
		s->fatal = errno ? errno : ENOMEM;
	}
}

static void advance(struct scan *s)
{
	emit(s);
	park_overdue(s);
	fill(s);
	emit(s);
	if (!s->fatal)
		arm_timer(s);
	if (!s->fatal)
		arm_park_timer(s);
	if (s->fatal || (!s->more && s->head == s->next)) {
		s->finished = !s->fatal;
		loop_stop(s->l);
	}
}

static uint64_t ring_size(int parallel)
{
	uint64_t n = 65536;

	while (n < (uint64_t)parallel * 4)
		n *= 2;
	return n;
}

static void abandon(struct scan *s)
{
	uint64_t i;

	for (i = s->head; i < s->next; i++) {
		struct slot *p = &s->w[i & s->mask];
		if (p->watched)
			loop_unwatch(s->l, p->fd);
		if (p->fd >= 0)
			close_socket(s, p->fd, p->lport);
		p->fd = -1;
		p->watched = 0;
	}
	close_spares(s, 0);
	close_spares(s, 1);
	if (s->route_fd[0] >= 0)
		close(s->route_fd[0]);
	if (s->route_fd[1] >= 0)
		close(s->route_fd[1]);
	if (s->timer)
		loop_timer_cancel(s->l, s->timer);
	if (s->park_timer)
		loop_timer_cancel(s->l, s->park_timer);
}

int scan_run(struct loop *l, const struct scan_opts *o, struct scan_totals *t)
{
	struct scan s;
	size_t i;

	memset(t, 0, sizeof *t);
	memset(&s, 0, sizeof s);
	for (i = 0; i < o->ntargets; i++)
		t->hosts = t->hosts + o->targets[i].count < t->hosts
				   ? UINT64_MAX : t->hosts + o->targets[i].count;
	if (o->ports->n == 0 || t->hosts == 0 || o->parallel < 1)
		return 0;
	s.l = l;
	s.o = o;
	s.t = t;
	s.mask = ring_size(o->parallel) - 1;
	s.route_fd[0] = s.route_fd[1] = -1;
	if (!o->udp && o->lport_lo > 0 && o->lport_hi >= o->lport_lo)
		s.next_lport = o->lport_lo +
			       (int)((unsigned long long)now_us() %
				     (unsigned)(o->lport_hi - o->lport_lo + 1));
	s.w = xcalloc(s.mask + 1, sizeof *s.w);
	s.ti = 0;
	while (s.ti < o->ntargets && o->targets[s.ti].count == 0)
		s.ti++;
	s.more = s.ti < o->ntargets;
	advance(&s);
	if (!s.finished && !s.fatal && loop_run(l) < 0 && !s.fatal)
		s.fatal = errno;
	emit(&s);
	abandon(&s);
	free(s.w);
	t->interrupted = !s.finished && !s.fatal;
	if (s.fatal) {
		errno = s.fatal;
		return -1;
	}
	return 0;
}
