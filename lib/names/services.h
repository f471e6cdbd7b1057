/* The services database: services(5) text merged with a built-in table of
 * common services. Pure parsing; the file's path is a parameter. */
#ifndef NETTOOL_SERVICES_H
#define NETTOOL_SERVICES_H

#include <stddef.h>

enum svc_proto { SVC_TCP = 1, SVC_UDP = 2, SVC_SCTP = 4, SVC_DCCP = 8 };

#define SVC_MAX_ALIASES 8

struct svc_entry {
	char *name;
	int port;
	int proto;              /* one enum svc_proto bit */
	int builtin;            /* from the built-in table, not the file */
	int naliases;
	char *aliases[SVC_MAX_ALIASES];
};

struct svc_db {
	struct svc_entry *v;
	size_t n, cap;
	size_t malformed;       /* lines skipped as not services(5) */
};

/* The one rule that builds a database: the entries of services(5) text
 * in their order (blank and comment lines skipped, malformed ones
 * counted), then the built-in table for the (port, protocol) pairs the
 * text lacks; where the text has a pair, its entry stays and gains the
 * built-in names as aliases ("rdp" for ms-wbt-server). */
void svc_parse(struct svc_db *db, const char *text, size_t len);
/* The same from a file (path NULL: the built-ins alone). Returns -1 with
 * errno if the file cannot be read; the db then holds the built-ins. */
int svc_load(struct svc_db *db, const char *path);
void svc_free(struct svc_db *db);

/* Entries for a port (proto_mask: SVC_* bits, 0 for any), in db order. */
size_t svc_by_port(const struct svc_db *db, int port, int proto_mask,
		   const struct svc_entry **out, size_t max);
/* Entries whose name or an alias is name (case-insensitive). */
size_t svc_by_name(const struct svc_db *db, const char *name, int proto_mask,
		   const struct svc_entry **out, size_t max);
const char *svc_proto_name(int proto);
/* "tcp" -> SVC_TCP; 0 if unknown. */
int svc_proto_from_name(const char *s);

/* IANA port ranges. */
const char *svc_iana_range(int port); /* "well-known", "registered", "dynamic" */

/* The ephemeral range from a file like /proc/sys/net/ipv4/ip_local_port_range. */
int svc_ephemeral_range(const char *path, int *lo, int *hi);

#endif
