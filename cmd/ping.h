/* ping's command files: options and running in ping.c, rendering of the
 * engine's events and statistics in ping_print.c. */
#ifndef NETTOOL_CMD_PING_H
#define NETTOOL_CMD_PING_H

#include "net/ping.h"

struct out;
struct loop;
struct tcping;

struct cli {
	struct ping_opts o;
	int family, quiet, timestamps, json;
	int alive_only, unreach_only, force, timeout_set, interval_set;
	long rate;
	const char *host;           /* the one target */
	const char *gen;            /* -g CIDR or START */
	const char *file;           /* --file */
	char **hosts;               /* operands */
	int nhosts;
	int tcp_port;               /* --tcp */
	int open_errno[2], open_dgram_errno[2]; /* IPv4, IPv6 socket failures */
	struct ping_session *s;
	struct tcping *tcp;
	struct out *jreply, *jerror;
};

/* -p PATTERN, -Q TOS, -I IFACE|ADDR, -M do|want|dont: exit 2 if bad. */
void parse_pattern(struct ping_opts *o, const char *s);
int parse_tos(const char *s);
void parse_iface(struct ping_opts *o, const char *s);
void parse_pmtu(struct ping_opts *o, const char *s);

/* iputils' precision: three decimals below 1 ms, fewer above. */
void ping_format_rtt(long long us, char *buf, size_t n);
/* Several targets (fping's lines): the events and the end. */
void ping_many_event(void *arg, const struct ping_event *ev);
/* Prints the per-target results; returns the exit status. */
int ping_many_summary(struct cli *c);
/* Adds the targets of -g, --file and the operands (exit 2 on bad input). */
void ping_many_targets(struct cli *c);
/* Resolves host: 0, or the getaddrinfo error. */
int ping_resolve(const struct cli *c, const char *host, struct sockaddr_storage *ss,
		 socklen_t *len);

/* The PING line (or the JSON writers). */
void ping_print_header(struct cli *c);
/* A ping_event_fn: one line per reply or error, as iputils. */
void ping_print_event(void *arg, const struct ping_event *ev);
/* The statistics block (or the JSON summary). */
void ping_print_summary(struct cli *c);
/* The same for target t after elapsed_us. */
void ping_print_stats(struct cli *c, struct ping_target *t, long long elapsed_us);
/* --tcp: probes, lines and statistics; returns the exit status. */
int ping_tcp_run(struct cli *c, struct loop *l);

#endif
