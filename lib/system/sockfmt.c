#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/enc.h"
#include "system/sockfmt.h"

/* Dotted quad by hand: netstat formats tens of thousands of these. */
static size_t put_u8(char *p, unsigned v)
{
	if (v >= 100) {
		p[0] = (char)('0' + v / 100);
		p[1] = (char)('0' + v / 10 % 10);
		p[2] = (char)('0' + v % 10);
		return 3;
	}
	if (v >= 10) {
		p[0] = (char)('0' + v / 10);
		p[1] = (char)('0' + v % 10);
		return 2;
	}
	p[0] = (char)('0' + v);
	return 1;
}

size_t sockfmt_ip(const uint8_t *addr, int family, char *buf)
{
	size_t n = 0;
	int i;

	if (family == 4) {
		for (i = 0; i < 4; i++) {
			if (i)
				buf[n++] = '.';
			n += put_u8(buf + n, addr[i]);
		}
		buf[n] = '\0';
		return n;
	}
	if (!inet_ntop(AF_INET6, addr, buf, SOCKFMT_ADDRLEN))
		strcpy(buf, "?");
	return strlen(buf);
}

static size_t put_uint(char *p, unsigned v)
{
	char tmp[12];
	size_t n = 0, i;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

size_t sockfmt_endpoint(const uint8_t *addr, int family, unsigned port,
			int is_remote, const char *service, char *buf)
{
	size_t n = 0;

	if (family == 6)
		buf[n++] = '[';
	n += sockfmt_ip(addr, family, buf + n);
	if (family == 6)
		buf[n++] = ']';
	buf[n++] = ':';
	if (is_remote && port == 0) {
		buf[n++] = '*';
	} else if (service) {
		size_t l = strlen(service);
		if (l > 20)
			l = 20;
		memcpy(buf + n, service, l);
		n += l;
	} else {
		n += put_uint(buf + n, port);
	}
	buf[n] = '\0';
	return n;
}

const char *sockfmt_proto(const struct sock_rec *r)
{
	static const char *const names[SP_COUNT][2] = {
		[SP_TCP] = { "tcp", "tcp6" }, [SP_UDP] = { "udp", "udp6" },
		[SP_RAW] = { "raw", "raw6" }, [SP_UNIX] = { "unix", "unix" },
	};
	return names[r->proto][r->family == 6];
}

/* ---- the table ------------------------------------------------------------ */

#define ADDR_COL 23

static void put_padded(struct obuf *b, const char *s, size_t n, size_t width)
{
	static const char spaces[64] = "                                                               ";

	obuf_put(b, s, n);
	while (n < width) {
		size_t k = width - n < sizeof spaces ? width - n : sizeof spaces;
		obuf_put(b, spaces, k);
		n += k;
	}
}

static void put_right(struct obuf *b, unsigned long v, size_t width)
{
	char tmp[24];
	size_t n = 0;
	char *p = tmp + sizeof tmp;

	do {
		*--p = (char)('0' + v % 10);
		n++;
	} while ((v /= 10));
	while (n < width) {
		*--p = ' ';
		n++;
	}
	obuf_put(b, p, n);
}

void sockfmt_header(struct obuf *b, const struct sockfmt_table *t)
{
	static const char head[] =
		"Proto Recv-Q Send-Q Local Address           Foreign Address         State      ";

	obuf_put(b, head, sizeof head - 1);
	if (t->extend)
		obuf_put(b, " UID      Inode     ", 20);
	if (t->program)
		obuf_put(b, " PID/Program name", 17);
	if (t->timers)
		obuf_put(b, t->program ? "    Timer" : " Timer", t->program ? 9 : 6);
	if (t->info)
		obuf_put(b, " Info", 5);
	obuf_put(b, "\n", 1);
}

static const char *service_of(const struct sockfmt_table *t, const struct sock_rec *r,
			      unsigned port)
{
	if (!t->svc[0] || r->proto == SP_RAW || r->proto == SP_UNIX || !port)
		return NULL;
	return t->svc[r->proto == SP_UDP][port];
}

static void put_addresses(struct obuf *b, const struct sockfmt_table *t, const struct sock_rec *r)
{
	char buf[SOCKFMT_ADDRLEN + 32];
	size_t n;

	if (r->proto == SP_UNIX) {
		const char *path = r->path[0] ? r->path : "-";
		put_padded(b, path, strlen(path), ADDR_COL);
		obuf_put(b, " ", 1);
		put_padded(b, "-", 1, ADDR_COL);
		return;
	}
	n = sockfmt_endpoint(r->local, r->family, r->lport, 0, service_of(t, r, r->lport), buf);
	put_padded(b, buf, n, ADDR_COL);
	obuf_put(b, " ", 1);
	n = sockfmt_endpoint(r->remote, r->family, r->rport, 1, service_of(t, r, r->rport), buf);
	put_padded(b, buf, n, ADDR_COL);
}

/* A process names itself (prctl): its control bytes and newlines are
 * shown escaped, so it can neither drive a terminal nor forge a row. */
static const char *safe_name(const char *comm, char *out, size_t cap)
{
	struct term_escape e = { .mode = ESC_NEWLINES };
	size_t k = enc_escape(&e, comm, strlen(comm), out, cap);

	k += enc_escape(&e, "", 0, out + k, cap - k);
	out[k] = '\0';
	return out;
}

/* The columns after State: UID/Inode, PID/Program, Timer, Info. */
static void put_tail(struct obuf *b, const struct sockfmt_table *t, const struct sock_rec *r,
		     const struct owner *who)
{
	char buf[160];
	size_t n;

	if (t->extend) {
		n = (size_t)snprintf(buf, sizeof buf, " %-8lu %-10lu", (unsigned long)r->uid, r->inode);
		obuf_put(b, buf, n);
	}
	if (t->program) {
		char name[sizeof who->comm * ESC_RATIO + 8];
		n = who ? (size_t)snprintf(buf, sizeof buf, " %ld/%s", (long)who->pid,
					   safe_name(who->comm, name, sizeof name))
			: (size_t)snprintf(buf, sizeof buf, " -");
		if (t->timers || t->info)
			put_padded(b, buf, n, 21);
		else
			obuf_put(b, buf, n);
	}
	if (t->timers) {
		obuf_put(b, " ", 1);
		n = sockfmt_timer(r, buf, sizeof buf);
		if (t->info)
			put_padded(b, buf, n, 22);
		else
			obuf_put(b, buf, n);
	}
	if (t->info && (n = sockfmt_info(r, buf, sizeof buf)) > 0) {
		obuf_put(b, " ", 1);
		obuf_put(b, buf, n);
	}
}

void sockfmt_row(struct obuf *b, const struct sockfmt_table *t, const struct sock_rec *r,
		 const struct owner *who, const char *state)
{
	const char *proto = sockfmt_proto(r);
	int more = t->extend || t->program || t->timers || t->info;

	put_padded(b, proto, strlen(proto), 5);
	obuf_put(b, " ", 1);
	put_right(b, r->rxq, 6);
	obuf_put(b, " ", 1);
	put_right(b, r->txq, 6);
	obuf_put(b, " ", 1);
	put_addresses(b, t, r);
	obuf_put(b, " ", 1);
	if (!state)
		state = procnet_state_name(r);
	if (more)
		put_padded(b, state, strlen(state), 11);
	else
		obuf_put(b, state, strlen(state));
	put_tail(b, t, r, who);
	obuf_put(b, "\n", 1);
}

size_t sockfmt_timer(const struct sock_rec *r, char *buf, size_t n)
{
	int k = snprintf(buf, n, "%s (%lu.%02lu/%lu/%lu)", procnet_timer_name(r->timer),
			 r->timer_ticks / 100, r->timer_ticks % 100, r->retrans, r->probes);
	return k < 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
}

size_t sockfmt_info(const struct sock_rec *r, char *buf, size_t n)
{
	int k;

	if (!r->has_info) {
		buf[0] = '\0';
		return 0;
	}
	k = snprintf(buf, n, "rto:%lu ato:%lu cwnd:%lu ssthresh:%ld retrans:%lu",
		     r->rto * 10, r->ato * 10, r->cwnd, r->ssthresh, r->retrans);
	return k < 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
}

/* ---- JSON --------------------------------------------------------------- */

static const struct out_col json_cols[] = {
	{ "event", "", 0, 0 }, { "proto", "", 0, 0 }, { "family", "", 0, 0 },
	{ "recv_q", "", 0, 0 }, { "send_q", "", 0, 0 },
	{ "local_address", "", 0, 0 }, { "local_port", "", 0, 0 },
	{ "remote_address", "", 0, 0 }, { "remote_port", "", 0, 0 },
	{ "state", "", 0, 0 }, { "old_state", "", 0, 0 }, { "uid", "", 0, 0 },
	{ "inode", "", 0, 0 }, { "pid", "", 0, 0 }, { "program", "", 0, 0 },
	{ "path", "", 0, 0 }, { "type", "", 0, 0 }, { "timer", "", 0, 0 },
	{ "timer_ms", "", 0, 0 }, { "retransmits", "", 0, 0 }, { "probes", "", 0, 0 },
	{ "rto_ms", "", 0, 0 }, { "ato_ms", "", 0, 0 }, { "cwnd", "", 0, 0 },
	{ "ssthresh", "", 0, 0 },
};

static void json_addresses(struct out *o, const struct sock_rec *r)
{
	char buf[SOCKFMT_ADDRLEN];

	sockfmt_ip(r->local, r->family, buf);
	out_key(o, "local_address"); out_str(o, buf);
	out_key(o, "local_port"); out_int(o, r->lport);
	sockfmt_ip(r->remote, r->family, buf);
	out_key(o, "remote_address"); out_str(o, buf);
	out_key(o, "remote_port"); out_int(o, r->rport);
}

/* -o and --info: the timer and the TCP internals (times in ms). */
static void json_tcp(struct out *o, const struct sockfmt_table *t, const struct sock_rec *r)
{
	if (t->timers) {
		out_key(o, "timer"); out_str(o, procnet_timer_name(r->timer));
		out_key(o, "timer_ms"); out_uint(o, r->timer_ticks * 10ULL);
		out_key(o, "probes"); out_uint(o, r->probes);
	}
	if (t->timers || (t->info && r->has_info)) {
		out_key(o, "retransmits"); out_uint(o, r->retrans);
	}
	if (t->info && r->has_info) {
		out_key(o, "rto_ms"); out_uint(o, r->rto * 10ULL);
		out_key(o, "ato_ms"); out_uint(o, r->ato * 10ULL);
		out_key(o, "cwnd"); out_uint(o, r->cwnd);
		out_key(o, "ssthresh"); out_int(o, r->ssthresh);
	}
}

void sockfmt_json(struct out *o, const struct sockfmt_table *t, const struct sock_rec *r,
		  const struct owner *who, const char *event, const char *old_state)
{
	if (event) { out_key(o, "event"); out_str(o, event); }
	out_key(o, "proto"); out_str(o, sockfmt_proto(r));
	if (r->proto != SP_UNIX) { out_key(o, "family"); out_int(o, r->family); }
	out_key(o, "recv_q"); out_uint(o, r->rxq);
	out_key(o, "send_q"); out_uint(o, r->txq);
	if (r->proto != SP_UNIX)
		json_addresses(o, r);
	out_key(o, "state"); out_str(o, procnet_state_name(r));
	if (old_state) { out_key(o, "old_state"); out_str(o, old_state); }
	out_key(o, "uid"); out_uint(o, r->uid);
	out_key(o, "inode"); out_uint(o, r->inode);
	if (who || t->program) {
		out_key(o, "pid"); who ? out_int(o, who->pid) : out_str(o, NULL);
		out_key(o, "program"); out_str(o, who ? who->comm : NULL);
	}
	if (r->proto == SP_UNIX) {
		out_key(o, "path"); out_str(o, r->path);
		out_key(o, "type");
		out_str(o, r->unix_type == 1 ? "stream" : r->unix_type == 2 ? "dgram" :
			   r->unix_type == 5 ? "seqpacket" : "other");
	} else {
		json_tcp(o, t, r);
	}
	out_end(o);
}

struct out *sockfmt_json_open(FILE *fp)
{
	return out_open(fp, OUT_JSON, json_cols, sizeof json_cols / sizeof json_cols[0]);
}

void sockfmt_service_names(const struct svc_db *db, const char *const *svc[2])
{
	const char **v[2];
	size_t i;

	v[0] = xcalloc(65536, sizeof *v[0]);
	v[1] = xcalloc(65536, sizeof *v[1]);
	for (i = 0; i < db->n; i++) {
		const struct svc_entry *s = &db->v[i];
		int k = s->proto == SVC_TCP ? 0 : s->proto == SVC_UDP ? 1 : -1;
		if (k >= 0 && !v[k][s->port])
			v[k][s->port] = s->name;
	}
	svc[0] = v[0];
	svc[1] = v[1];
}

size_t sockfmt_clock(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	size_t k;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	k = strftime(buf, n, "%H:%M:%S", &tm);
	if (k && k + 5 < n)
		k += (size_t)snprintf(buf + k, n - k, ".%03ld ", ts.tv_nsec / 1000000);
	return k;
}
