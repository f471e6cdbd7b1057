/* port: well-known port and service lookup, and who uses a port now. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "core/alloc.h"
#include "core/out.h"
#include "system/procnet.h"
#include "names/services.h"
#include "system/sockfmt.h"

const char port_usage[] =
"usage: nettool port [--json] [-p|--who] PORT|NAME[/tcp|/udp]...\n"
"       nettool port --list [--range well-known|registered|dynamic] [--json]\n"
"\n"
"Look up a port number or a service name (or alias) in the services\n"
"database: /etc/services (or the file named by NETTOOL_SERVICES) merged with\n"
"a built-in table of common services. Shows the IANA range and whether the\n"
"port lies in this host's ephemeral range.\n"
"\n"
"  -j, --json         one JSON object per record\n"
"  -p, --who          list the local sockets using the port, with PID/program\n"
"  -l, --list         list the whole database\n"
"  -r, --range RANGE  with --list: well-known (0-1023), registered\n"
"                     (1024-49151) or dynamic (49152-65535)\n"
"\n"
"Exit status: 0 found, 1 unknown name or unassigned port (with --who: nothing\n"
"uses it), 2 invalid port or option.\n";

#define MAX_HITS 64

struct query {
	int port;          /* -1 when looked up by name */
	const char *name;
	int proto;         /* SVC_* bit from a /tcp or /udp suffix, 0 for any */
};

static const struct out_col service_cols[] = {
	{ "port", "PORT", OUT_RIGHT, 0 },
	{ "protocol", "PROTO", 0, 0 },
	{ "service", "SERVICE", 0, 0 },
	{ "aliases", "ALIASES", 0, 0 },
	{ "range", "RANGE", 0, 0 },
	{ "ephemeral", "EPHEMERAL", 0, 0 },
	{ "source", "SOURCE", OUT_JSON_ONLY, 0 },
};

static const struct out_col who_cols[] = {
	{ "protocol", "PROTO", 0, 0 },
	{ "local_address", "LOCAL ADDRESS", 0, 0 },
	{ "local_port", "LPORT", OUT_JSON_ONLY, 0 },
	{ "remote_address", "FOREIGN ADDRESS", 0, 0 },
	{ "remote_port", "RPORT", OUT_JSON_ONLY, 0 },
	{ "state", "STATE", 0, 0 },
	{ "pid", "PID", OUT_JSON_ONLY, 0 },
	{ "program", "PROGRAM", OUT_JSON_ONLY, 0 },
	{ "pid_program", "PID/PROGRAM", OUT_HUMAN_ONLY, 0 },
};

struct port_ctx {
	struct svc_db db;
	int eph_lo, eph_hi, have_eph;
};

static void load_db(struct port_ctx *c)
{
	char eph[4200];

	nt_load_services(&c->db);
	snprintf(eph, sizeof eph, "%s/sys/net/ipv4/ip_local_port_range", nt_proc_root());
	c->have_eph = svc_ephemeral_range(eph, &c->eph_lo, &c->eph_hi) == 0;
}

/* A service name: letters, digits and "-_.+" (services(5) names). */
static int is_service_name(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(s[i] == '-' || s[i] == '_' || s[i] == '.' || s[i] == '+' ||
		      (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

static void parse_query(const char *arg, struct query *q)
{
	char qb[300];
	const char *slash = strchr(arg, '/');
	size_t n = slash ? (size_t)(slash - arg) : strlen(arg);
	char *word;

	q->proto = 0;
	if (slash) {
		q->proto = svc_proto_from_name(slash + 1);
		if (!(q->proto & (SVC_TCP | SVC_UDP)))
			nt_usage_error("unknown protocol '%s' in '%s' (use /tcp or /udp)",
				       nt_quote(slash + 1, qb, 64), nt_quote(arg, qb + 100, 190));
	}
	if (n == 0 || n > 127)
		nt_usage_error("'%s' is not a port or service name", nt_quote(arg, qb, sizeof qb));
	word = xstrndup(arg, n);
	if ((word[0] >= '0' && word[0] <= '9') ||
	    (word[0] == '-' && word[1] >= '0' && word[1] <= '9')) {
		q->port = opt_port(word, 1);
		q->name = NULL;
		free(word);
		return;
	}
	if (!is_service_name(word, n))
		nt_usage_error("'%s' is not a port or service name", nt_quote(arg, qb, sizeof qb));
	q->port = -1;
	q->name = word;
}

static void emit_service(struct port_ctx *c, struct out *o, int port, int proto,
			 const struct svc_entry *s)
{
	out_int(out_key(o, "port"), port);
	out_str(out_key(o, "protocol"), proto ? svc_proto_name(proto) : NULL);
	out_str(out_key(o, "service"), s ? s->name : NULL);
	out_strv(out_key(o, "aliases"), s ? s->aliases : NULL,
		 s ? (size_t)s->naliases : 0);
	out_str(out_key(o, "range"), svc_iana_range(port));
	if (c->have_eph)
		out_bool(out_key(o, "ephemeral"), port >= c->eph_lo && port <= c->eph_hi);
	else
		out_str(out_key(o, "ephemeral"), NULL);
	if (s)
		out_str(out_key(o, "source"), s->builtin ? "built-in" : "services file");
	else
		out_str(out_key(o, "source"), NULL);
	out_end(o);
}

/* Prints the matches of one query; returns how many there were. */
static size_t lookup(struct port_ctx *c, struct out *o, const struct query *q)
{
	const struct svc_entry *hits[MAX_HITS];
	size_t n, i;

	if (q->port >= 0)
		n = svc_by_port(&c->db, q->port, q->proto, hits, MAX_HITS);
	else
		n = svc_by_name(&c->db, q->name, q->proto, hits, MAX_HITS);
	for (i = 0; i < n; i++)
		emit_service(c, o, hits[i]->port, hits[i]->proto, hits[i]);
	if (n == 0 && q->port >= 0)
		emit_service(c, o, q->port, q->proto, NULL); /* the range still helps */
	return n;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct svc_entry *x = a, *y = b;
	if (x->port != y->port)
		return x->port - y->port;
	return x->proto - y->proto;
}

static int list_all(struct port_ctx *c, struct out *o, const char *range)
{
	size_t i;
	long shown = 0;

	qsort(c->db.v, c->db.n, sizeof c->db.v[0], cmp_entry);
	for (i = 0; i < c->db.n; i++) {
		const struct svc_entry *s = &c->db.v[i];
		if (!(s->proto & (SVC_TCP | SVC_UDP)))
			continue;
		if (range && strcmp(svc_iana_range(s->port), range) != 0)
			continue;
		emit_service(c, o, s->port, s->proto, s);
		shown++;
	}
	return shown ? EXIT_YES : EXIT_NO;
}

/* --who: the sockets on the queried ports, with their processes. */
static int who(struct port_ctx *c, struct out *o, const struct query *qs, int nq)
{
	struct sock_list l = { 0 };
	struct owner_map *m;
	size_t i;
	long shown = 0;
	int k;

	if (procnet_read(nt_proc_root(), 1u << SP_TCP | 1u << SP_UDP, 0, &l) < 0)
		nt_die(EXIT_NO, "cannot read %s/net: %s", nt_proc_root(), strerror(errno));
	m = procnet_owners(nt_proc_root());
	for (i = 0; i < l.n; i++) {
		const struct sock_rec *r = &l.v[i];
		int hit = 0;
		for (k = 0; k < nq && !hit; k++) {
			const struct svc_entry *hits[MAX_HITS];
			size_t n, j;
			int want = r->proto == SP_TCP ? SVC_TCP : SVC_UDP;
			if (qs[k].proto && qs[k].proto != want)
				continue;
			if (qs[k].port >= 0) {
				hit = r->lport == qs[k].port;
				continue;
			}
			n = svc_by_name(&c->db, qs[k].name, want, hits, MAX_HITS);
			for (j = 0; j < n && !hit; j++)
				hit = r->lport == hits[j]->port;
		}
		if (!hit)
			continue;
		sockfmt_emit_owner_row(o, r, owner_lookup(m, r->inode));
		shown++;
	}
	owner_map_free(m);
	sock_list_free(&l);
	(void)c;
	if (!shown)
		nt_warn("no local socket uses %s", nq == 1 ? "that port" : "those ports");
	return shown ? EXIT_YES : EXIT_NO;
}

struct port_opts {
	int json, list, who;
	const char *range;
};

static void parse_options(int *argc, char ***argv, struct port_opts *po)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "who", no_argument, NULL, 'p' },
		{ "list", no_argument, NULL, 'l' },
		{ "range", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	char q[128];
	int ch;

	while ((ch = nt_getopt(*argc, *argv, "jplr:", longopts)) != -1) {
		switch (ch) {
		case 'j': po->json = 1; break;
		case 'p': po->who = 1; break;
		case 'l': po->list = 1; break;
		case 'r': po->range = optarg; break;
		}
	}
	*argc -= optind;
	*argv += optind;
	if (po->range && strcmp(po->range, "well-known") &&
	    strcmp(po->range, "registered") && strcmp(po->range, "dynamic"))
		nt_usage_error("unknown range '%s' (well-known, registered or dynamic)",
			       nt_quote(po->range, q, sizeof q));
	if (po->range && !po->list)
		nt_usage_error("--range goes with --list");
	if (po->list && *argc)
		nt_usage_error("--list takes no ports or names");
	if (!po->list && *argc == 0)
		nt_usage_error("name a port or service (see 'nettool port --help')");
}

/* Looks every query up; a name nobody has is said on stderr. */
static int lookup_all(struct port_ctx *c, struct out *o, const struct query *qs, int nq)
{
	char q[128];
	int i, rc = EXIT_YES;

	for (i = 0; i < nq; i++) {
		if (lookup(c, o, &qs[i]) > 0)
			continue;
		rc = EXIT_NO;
		if (qs[i].port < 0)
			nt_warn("no service named '%s'%s%s", nt_quote(qs[i].name, q, sizeof q),
				qs[i].proto ? "/" : "",
				qs[i].proto ? svc_proto_name(qs[i].proto) : "");
	}
	return rc;
}

int cmd_port(int argc, char **argv)
{
	struct port_opts po = { 0 };
	struct port_ctx c = { 0 };
	static struct query *qs; /* static: reachable when a lookup dies */
	enum out_format fmt;
	struct out *o;
	int i, rc;

	parse_options(&argc, &argv, &po);
	fmt = po.json ? OUT_JSON : OUT_TABLE;
	qs = xcalloc((size_t)argc + 1, sizeof *qs);
	for (i = 0; i < argc; i++)
		parse_query(argv[i], &qs[i]);
	load_db(&c);
	if (po.who) {
		o = out_open(stdout, fmt, who_cols, sizeof who_cols / sizeof who_cols[0]);
		rc = who(&c, o, qs, argc);
	} else {
		o = out_open(stdout, fmt, service_cols,
			     sizeof service_cols / sizeof service_cols[0]);
		rc = po.list ? list_all(&c, o, po.range) : lookup_all(&c, o, qs, argc);
	}
	if (out_close(o) < 0)
		nt_write_error();
	for (i = 0; i < argc; i++)
		free((char *)qs[i].name);
	free(qs);
	svc_free(&c.db);
	return rc;
}
