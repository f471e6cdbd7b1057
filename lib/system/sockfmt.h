/* Socket records as text: "127.0.0.1:22", "[::1]:7788", "0.0.0.0:*". */
#ifndef NETTOOL_SOCKFMT_H
#define NETTOOL_SOCKFMT_H

#include <stddef.h>

#include <stdio.h>

#include "core/io.h"
#include "core/out.h"
#include "names/services.h"
#include "system/procnet.h"

#define SOCKFMT_ADDRLEN 64

/* The address alone (no port); IPv6 in RFC 5952 form. Returns length. */
size_t sockfmt_ip(const uint8_t *addr, int family, char *buf);
/* ADDR:PORT with brackets around IPv6; a zero remote port prints as "*".
 * service, if not NULL, is printed instead of the number. */
size_t sockfmt_endpoint(const uint8_t *addr, int family, unsigned port,
			int is_remote, const char *service, char *buf);
/* "tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix". */
const char *sockfmt_proto(const struct sock_rec *r);
/* The net-tools netstat table, built by hand for speed. */
struct sockfmt_table {
	const char *const *svc[2]; /* port -> service name, TCP and UDP; NULL: numbers */
	int extend;                /* -e: UID and Inode */
	int program;               /* -p: PID/Program name */
	int timers;                /* -o: Timer */
	int info;                  /* --info: rto, ato, cwnd, ssthresh, retrans */
};
/* The port -> name arrays of a table (65536 entries each, TCP and UDP;
 * the first name the database gives). Free both with free(). */
void sockfmt_service_names(const struct svc_db *db, const char *const *svc[2]);
void sockfmt_header(struct obuf *b, const struct sockfmt_table *t);
/* One row; state NULL means the record's own state name. who may be NULL. */
void sockfmt_row(struct obuf *b, const struct sockfmt_table *t, const struct sock_rec *r,
		 const struct owner *who, const char *state);
/* "on (0.20/3/0)": timer name, seconds left, retransmits, probes. */
size_t sockfmt_timer(const struct sock_rec *r, char *buf, size_t n);
/* "rto:200 ato:40 cwnd:10 ssthresh:7 retrans:0" (times in ms); "" without. */
size_t sockfmt_info(const struct sock_rec *r, char *buf, size_t n);

/* The wall clock as "12:34:56.789" (local time) for --watch lines. */
size_t sockfmt_clock(char *buf, size_t n);

/* netstat's JSON records: sockfmt_json_open's columns, each record filled
 * by key. event/old_state (--watch) may be NULL; with t->program a record
 * without an owner has "pid": null. */
struct out *sockfmt_json_open(FILE *fp);
void sockfmt_json(struct out *o, const struct sockfmt_table *t, const struct sock_rec *r,
		  const struct owner *who, const char *event, const char *old_state);

#endif
