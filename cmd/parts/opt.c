/* The helpers every command uses: messages, option parsing with the
 * contract's one-line errors (exit 2), numbers, ports and seconds from
 * users, and where the system's files are (NETTOOL_PROC, NETTOOL_SERVICES). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "core/alloc.h"
#include "core/enc.h"
#include "core/num.h"
#include "core/out.h"
#include "net/sock.h"
#include "names/services.h"

static const char *current = NULL; /* the running command, for messages */

void nt_set_command(const char *name)
{
	current = name;
	alloc_set_prefix(name);
}

__attribute__((format(printf, 1, 0)))
static void vsay(const char *fmt, va_list ap)
{
	fflush(stdout);
	if (current)
		fprintf(stderr, "nettool %s: ", current);
	else
		fputs("nettool: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void nt_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

noreturn void nt_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	exit(status);
}

noreturn void nt_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	exit(EXIT_USAGE);
}

noreturn void nt_write_error(void)
{
	int e = errno;

	if (e == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	nt_die(EXIT_WRITE, "write error on standard output: %s", strerror(e));
}

const char *nt_quote(const char *s, char *buf, size_t n)
{
	return nt_quoten(s, strlen(s), buf, n);
}

const char *nt_quoten(const char *s, size_t len, char *buf, size_t n)
{
	return enc_quote(s, len, buf, n);
}

int nt_stdout_is_tty(void)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(STDOUT_FILENO);
	return tty;
}

int nt_getopt(int argc, char **argv, const char *shortopts,
	      const struct option *longopts)
{
	char q[128];
	char spec[64];
	int c;

	/* A leading ':' makes getopt report a missing argument as ':'. */
	snprintf(spec, sizeof spec, ":%s", shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, spec, longopts, NULL);
	while (c == '?' && nt_habit(current, optopt, argv[optind - 1]))
		c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c == '?') {
		if (optopt > ' ' && optopt < 0x7f)
			nt_usage_error("unknown option '-%c' (see 'nettool %s --help')",
				       optopt, current);
		nt_usage_error("unknown option '%s' (see 'nettool %s --help')",
			       nt_quote(argv[optind - 1], q, sizeof q), current);
	}
	if (c == ':')
		nt_usage_error("option '%s' needs a value",
			       nt_quote(argv[optind - 1], q, sizeof q));
	return c;
}

int opt_port(const char *s, int min)
{
	int port;
	enum num_err e = num_parse_port(s, min, &port);
	char q[64];

	if (e != NUM_OK)
		nt_usage_error("port '%s' %s (%d-65535)", nt_quote(s, q, sizeof q),
			       num_strerror(e), min);
	return port;
}

long opt_count(const char *what, const char *s, long min, long max)
{
	long v;
	enum num_err e = num_parse_long(s, min, max, &v);
	char q[64];

	if (e != NUM_OK)
		nt_usage_error("%s '%s' %s (%ld-%ld)", what,
			       nt_quote(s, q, sizeof q), num_strerror(e), min, max);
	return v;
}

long long opt_seconds(const char *what, const char *s, double min, double max)
{
	long long usec;
	enum num_err e = num_parse_seconds(s, min, max, &usec);
	char q[64];

	if (e != NUM_OK)
		nt_usage_error("%s '%s' %s (%g-%g seconds)", what,
			       nt_quote(s, q, sizeof q), num_strerror(e), min, max);
	return usec;
}

int opt_timeout_ms(const char *s)
{
	return (int)(opt_seconds("timeout", s, 0.001, 86400) / 1000);
}

const char *opt_port_text(const char *s)
{
	(void)opt_port(s, 1);
	return s;
}

const char *nt_proc_root(void)
{
	const char *p = getenv("NETTOOL_PROC");

	return p && *p ? p : "/proc";
}

void nt_load_services(struct svc_db *db)
{
	const char *path = getenv("NETTOOL_SERVICES");
	int named = path && *path;
	char q[256];

	/* A missing /etc/services leaves the built-ins alone; a file the
	 * user named must be there. */
	if (svc_load(db, named ? path : "/etc/services") < 0 && named)
		nt_usage_error("cannot read services file '%s' (NETTOOL_SERVICES): %s",
			       nt_quote(path, q, sizeof q), strerror(errno));
}

void nt_announce_listening(int fd, int json)
{
	static const struct out_col cols[] = {
		{ "event", "event", 0, 0 }, { "proto", "proto", 0, 0 },
		{ "local", "local", 0, 0 }, { "port", "port", 0, 0 },
	};
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char where[SOCK_ADDRSTRLEN];
	int type = 0;
	socklen_t tlen = sizeof type;
	struct out *o;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	sock_format_addr((struct sockaddr *)&ss, len, where, sizeof where);
	if (!json) {
		nt_warn("listening on %s", where);
		return;
	}
	(void)getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen);
	o = out_open(stderr, OUT_JSON, cols, 4);
	out_str(out_key(o, "event"), "listening");
	out_str(out_key(o, "proto"), type == SOCK_DGRAM ? "udp" : "tcp");
	out_str(out_key(o, "local"), where);
	out_int(out_key(o, "port"), sock_addr_port((struct sockaddr *)&ss));
	out_end(o);
	out_close(o);
}

char *nt_join_words(int argc, char **argv, int newline, size_t *len)
{
	size_t n = 0, k;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = xmalloc(n + 1);
	for (i = 0, n = 0; i < argc; i++) {
		if (i)
			s[n++] = ' ';
		k = strlen(argv[i]);
		memcpy(s + n, argv[i], k);
		n += k;
	}
	if (newline)
		s[n++] = '\n';
	s[n] = '\0';
	*len = n;
	return s;
}
