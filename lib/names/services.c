#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/io.h"
#include "names/services.h"

/* Larger than any services file: a bigger one is not one (EFBIG). */
#define SVC_MAX_FILE ((size_t)64 << 20)

/* Common services that minimal systems' /etc/services often lack. */
static const struct { const char *name; int port; int proto; const char *alias; } builtin[] = {
	{ "ftp-data", 20, SVC_TCP, NULL }, { "ftp", 21, SVC_TCP, NULL },
	{ "ssh", 22, SVC_TCP, NULL }, { "telnet", 23, SVC_TCP, NULL },
	{ "smtp", 25, SVC_TCP, "mail" }, { "domain", 53, SVC_TCP, "dns" },
	{ "domain", 53, SVC_UDP, "dns" }, { "bootps", 67, SVC_UDP, "dhcp" },
	{ "bootpc", 68, SVC_UDP, "dhcpc" }, { "tftp", 69, SVC_UDP, NULL },
	{ "http", 80, SVC_TCP, "www" }, { "pop3", 110, SVC_TCP, "pop-3" },
	{ "ntp", 123, SVC_UDP, NULL }, { "imap", 143, SVC_TCP, "imap2" },
	{ "snmp", 161, SVC_UDP, NULL }, { "snmp-trap", 162, SVC_UDP, "snmptrap" },
	{ "ldap", 389, SVC_TCP, NULL }, { "https", 443, SVC_TCP, NULL },
	{ "https", 443, SVC_UDP, "quic" }, { "syslog", 514, SVC_UDP, NULL },
	{ "submission", 587, SVC_TCP, NULL }, { "ldaps", 636, SVC_TCP, NULL },
	{ "imaps", 993, SVC_TCP, NULL }, { "pop3s", 995, SVC_TCP, NULL },
	{ "mqtt", 1883, SVC_TCP, NULL }, { "mysql", 3306, SVC_TCP, NULL },
	{ "ms-wbt-server", 3389, SVC_TCP, "rdp" }, { "amqp", 5672, SVC_TCP, NULL },
	{ "postgresql", 5432, SVC_TCP, "postgres" }, { "vnc", 5900, SVC_TCP, "rfb" },
	{ "redis", 6379, SVC_TCP, NULL }, { "http-alt", 8080, SVC_TCP, "tomcat" },
	{ "kafka", 9092, SVC_TCP, NULL }, { "elasticsearch", 9200, SVC_TCP, NULL },
	{ "memcached", 11211, SVC_TCP, NULL }, { "memcached", 11211, SVC_UDP, NULL },
	{ "mongodb", 27017, SVC_TCP, "mongo" },
};

static struct svc_entry *db_next(struct svc_db *db)
{
	db->v = xgrow(db->v, &db->cap, db->n + 1, sizeof *db->v);
	memset(&db->v[db->n], 0, sizeof db->v[0]);
	return &db->v[db->n];
}

static const struct { const char *name; int proto; } protos[] = {
	{ "tcp", SVC_TCP }, { "udp", SVC_UDP }, { "sctp", SVC_SCTP }, { "dccp", SVC_DCCP },
};

int svc_proto_from_name(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof protos / sizeof protos[0]; i++)
		if (strcasecmp(s, protos[i].name) == 0)
			return protos[i].proto;
	return 0;
}

const char *svc_proto_name(int proto)
{
	size_t i;

	for (i = 0; i < sizeof protos / sizeof protos[0]; i++)
		if (proto == protos[i].proto)
			return protos[i].name;
	return "?";
}

/* Splits the words of one line (comment removed) into w[]; returns count. */
static int split_words(const char *p, const char *e, const char **w, size_t *wl, int max)
{
	int n = 0;

	while (p < e) {
		const char *s;
		while (p < e && isspace((unsigned char)*p))
			p++;
		if (p >= e)
			break;
		s = p;
		while (p < e && !isspace((unsigned char)*p))
			p++;
		if (n == max)
			return n + 1;
		w[n] = s;
		wl[n] = (size_t)(p - s);
		n++;
	}
	return n;
}

/* "80/tcp" -> port and protocol bit; -1 if malformed. */
static int parse_port_proto(const char *s, size_t n, int *port, int *proto)
{
	const char *slash = memchr(s, '/', n);
	char pname[8];
	size_t i, plen;
	int v = 0;

	if (!slash || slash == s || slash - s > 5)
		return -1;
	for (i = 0; s + i < slash; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > 65535)
		return -1;
	plen = n - (size_t)(slash - s) - 1;
	if (plen == 0 || plen >= sizeof pname)
		return -1;
	memcpy(pname, slash + 1, plen);
	pname[plen] = '\0';
	*proto = svc_proto_from_name(pname);
	*port = v;
	return *proto ? 0 : -1;
}

static void parse_line(struct svc_db *db, const char *p, const char *e)
{
	const char *hash = memchr(p, '#', (size_t)(e - p));
	const char *w[2 + SVC_MAX_ALIASES + 1];
	size_t wl[2 + SVC_MAX_ALIASES + 1];
	struct svc_entry *s;
	int n, i, port, proto;

	if (hash)
		e = hash;
	n = split_words(p, e, w, wl, 2 + SVC_MAX_ALIASES);
	if (n == 0)
		return;
	if (n < 2 || wl[0] > 64 || parse_port_proto(w[1], wl[1], &port, &proto) < 0) {
		db->malformed++;
		return;
	}
	if (n > 2 + SVC_MAX_ALIASES)
		n = 2 + SVC_MAX_ALIASES; /* more aliases than we keep */
	s = db_next(db);
	s->name = xstrndup(w[0], wl[0]);
	s->port = port;
	s->proto = proto;
	for (i = 2; i < n; i++)
		s->aliases[s->naliases++] = xstrndup(w[i], wl[i] > 64 ? 64 : wl[i]);
	db->n++;
}

static void add_builtin(struct svc_db *db);

void svc_parse(struct svc_db *db, const char *text, size_t len)
{
	const char *p = text, *e = text + len;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *end = nl ? nl : e;
		parse_line(db, p, end);
		p = end + 1;
	}
	add_builtin(db);
}

/* The whole file into *buf (freed by the caller); -1 with errno. */
static int read_file(const char *path, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;
	size_t cap = 0, n = 0;
	ssize_t r = 0;

	*buf = NULL;
	if (fd < 0)
		return -1;
	do {
		if (n >= SVC_MAX_FILE) { /* no services file is this big: not one */
			errno = EFBIG;
			break;
		}
		*buf = xgrow(*buf, &cap, n + 65536, 1);
		r = io_read(fd, *buf + n, cap - n);
		if (r > 0)
			n += (size_t)r;
	} while (r > 0);
	saved = errno;
	close(fd);
	if (n >= SVC_MAX_FILE || r < 0) {
		free(*buf);
		*buf = NULL;
		errno = saved;
		return -1;
	}
	*len = n;
	return 0;
}

int svc_load(struct svc_db *db, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = path ? read_file(path, &buf, &len) : 0;
	int saved = errno;

	svc_parse(db, buf ? buf : "", len);
	free(buf);
	errno = saved;
	return rc;
}

static int names_it(const struct svc_entry *s, const char *name);

static void add_alias(struct svc_entry *s, const char *name)
{
	if (!name || names_it(s, name) || s->naliases == SVC_MAX_ALIASES)
		return;
	s->aliases[s->naliases++] = xstrdup(name);
}

static void merge_names(struct svc_entry *s, const char *name, const char *alias)
{
	add_alias(s, name);
	add_alias(s, alias);
}

static void add_builtin(struct svc_db *db)
{
	size_t i, j, have = db->n;

	for (i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
		struct svc_entry *s;
		int known = 0;
		for (j = 0; j < have && !known; j++)
			known = db->v[j].port == builtin[i].port &&
				db->v[j].proto == builtin[i].proto;
		if (known) {
			/* The file's entry stays; its names gain ours ("rdp" for
			 * ms-wbt-server) so both spellings find the port. */
			merge_names(&db->v[j - 1], builtin[i].name, builtin[i].alias);
			continue;
		}
		s = db_next(db);
		s->name = xstrdup(builtin[i].name);
		s->port = builtin[i].port;
		s->proto = builtin[i].proto;
		s->builtin = 1;
		if (builtin[i].alias)
			s->aliases[s->naliases++] = xstrdup(builtin[i].alias);
		db->n++;
	}
}

void svc_free(struct svc_db *db)
{
	size_t i;
	int k;

	for (i = 0; i < db->n; i++) {
		free(db->v[i].name);
		for (k = 0; k < db->v[i].naliases; k++)
			free(db->v[i].aliases[k]);
	}
	free(db->v);
	memset(db, 0, sizeof *db);
}

size_t svc_by_port(const struct svc_db *db, int port, int proto_mask,
		   const struct svc_entry **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < db->n && n < max; i++)
		if (db->v[i].port == port && (!proto_mask || (db->v[i].proto & proto_mask)))
			out[n++] = &db->v[i];
	return n;
}

static int names_it(const struct svc_entry *s, const char *name)
{
	int k;

	if (strcasecmp(s->name, name) == 0)
		return 1;
	for (k = 0; k < s->naliases; k++)
		if (strcasecmp(s->aliases[k], name) == 0)
			return 1;
	return 0;
}

size_t svc_by_name(const struct svc_db *db, const char *name, int proto_mask,
		   const struct svc_entry **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < db->n && n < max; i++)
		if ((!proto_mask || (db->v[i].proto & proto_mask)) && names_it(&db->v[i], name))
			out[n++] = &db->v[i];
	return n;
}

const char *svc_iana_range(int port)
{
	if (port < 1024)
		return "well-known";
	if (port < 49152)
		return "registered";
	return "dynamic";
}

int svc_ephemeral_range(const char *path, int *lo, int *hi)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = io_read(fd, buf, sizeof buf - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = '\0';
	if (sscanf(buf, "%d %d", lo, hi) != 2 || *lo < 0 || *hi > 65535 || *lo > *hi)
		return -1;
	return 0;
}
