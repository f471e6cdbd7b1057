/* file: the notes' TCP file downloader, server and client. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "net/fileproto.h"
#include "core/io.h"
#include "core/loop.h"
#include "core/num.h"
#include "core/out.h"
#include "net/sock.h"

const char file_usage[] =
"usage: nettool file serve [-4|-6] [--json] [-d DIR] PORT\n"
"       nettool file get [-4|-6] [-o PATH] [-f] HOST PORT NAME\n"
"\n"
"  serve   send files from DIR (default .) to clients that name them\n"
"  get     download NAME from HOST PORT into PATH (default: its last part)\n"
"  -d, --dir DIR     the directory served; nothing outside it is sent\n"
"  -o, --output PATH where get writes (atomically)\n"
"  -f, --force       replace an existing output file\n"
"  -4, -6            use IPv4 or IPv6 only\n"
"      --json        serve: one JSON object per request on stdout\n";

enum { NAME_PAUSE_MS = 300, NAME_TIMEOUT_MS = 10000, MAX_CLIENTS = 1000 };
#define SEND_CHUNK (4u << 20)

struct options {
	int family, json, force;
	const char *dir, *output;
};

/* ---- serve ---------------------------------------------------------- */

struct server;

struct client {
	struct server *s;
	int fd, file, timer;
	off_t off, size;
	long long start;
	size_t len;
	char peer[SOCK_ADDRSTRLEN];
	char name[FP_NAME_MAX + 1];
	char buf[FP_NAME_MAX + 2];
};

struct server {
	struct loop *l;
	int lfd, dirfd, json;
	struct out *log;
	size_t n; /* clients connected */
};

static const struct out_col log_cols[] = {
	{ "peer", "peer", 0, 0 },
	{ "name", "name", 0, 0 },
	{ "status", "status", 0, 0 },
	{ "reason", "reason", 0, 0 },
	{ "bytes", "bytes", 0, 0 },
	{ "seconds", "seconds", 0, 0 },
};

static void log_request(struct client *c, const char *status, const char *reason)
{
	struct server *s = c->s;
	double secs = (double)(loop_now_ms() - c->start) / 1000.0;
	char q[160];

	if (s->json) {
		out_str(s->log, c->peer);
		if (c->name[0])
			out_str(s->log, c->name);
		else
			out_skip(s->log);
		out_str(s->log, status);
		if (reason)
			out_str(s->log, reason);
		else
			out_skip(s->log);
		out_int(s->log, (long long)c->off);
		out_real(s->log, secs, 3);
		out_end(s->log);
		fflush(stdout);
		return;
	}
	fprintf(stderr, "nettool file: %s '%s' %s%s%s, %lld bytes in %.3f s\n",
		c->peer, nt_quote(c->name, q, sizeof q), status,
		reason ? ": " : "", reason ? reason : "", (long long)c->off, secs);
}

/* closing with SO_LINGER 0 sends a reset, so a client can tell an
 * aborted transfer from a finished one; a crash of this process aborts
 * the same way because the option is set while sending. */
static void set_abortive(int fd, int on)
{
	struct linger l = { on, 0 };
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

static void drop_client(struct client *c)
{
	struct server *s = c->s;

	loop_unwatch(s->l, c->fd);
	loop_timer_cancel(s->l, c->timer);
	close(c->fd);
	if (c->file >= 0)
		close(c->file);
	free(c);
	if (s->n-- == MAX_CLIENTS)
		loop_accept_hold(s->l, s->lfd, 0); /* room again */
}

static void finish(struct client *c, const char *status, const char *reason)
{
	log_request(c, status, reason);
	drop_client(c);
}

static void send_more(struct client *c)
{
	off_t left = c->size - c->off;
	ssize_t w;

	if (left > 0) {
		w = io_sendfile(c->fd, c->file, &c->off,
				  left > SEND_CHUNK ? SEND_CHUNK : (size_t)left);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (w <= 0) {
			/* still abortive: the client sees a reset */
			finish(c, "error", w < 0 ? strerror(errno) : "file shrank");
			return;
		}
		if (c->off < c->size)
			return;
	}
	set_abortive(c->fd, 0);
	finish(c, "sent", NULL);
}

static void on_sendable(struct loop *l, int fd, unsigned ev, void *arg)
{
	(void)l, (void)fd, (void)ev;
	send_more(arg);
}

static void start_sending(struct client *c)
{
	enum fp_open_err why;
	struct stat st;

	loop_timer_cancel(c->s->l, c->timer);
	c->file = fp_open_beneath(c->s->dirfd, c->name, FP_RESOLVE_AUTO, &st, &why);
	if (c->file < 0) {
		finish(c, "refused", why == FPO_SYSTEM ? strerror(errno)
		       : fp_open_strerror(why));
		return;
	}
	c->size = st.st_size;
	set_abortive(c->fd, 1);
	if (loop_watch(c->s->l, c->fd, LOOP_OUT, on_sendable, c) < 0)
		finish(c, "error", strerror(errno));
}

static void parse_name(struct client *c, int at_end)
{
	enum fp_name_err err;
	enum fp_parse r = fp_parse_request(c->buf, c->len, at_end, c->name, &err);

	if (r == FP_MORE)
		return;
	if (r == FP_BAD) {
		c->name[0] = '\0';
		if (c->len && err != FPN_TOO_LONG) {
			size_t n = c->len < 120 ? c->len : 120;
			memcpy(c->name, c->buf, n);
			c->name[n] = '\0';
		}
		finish(c, "refused", fp_name_strerror(err));
		return;
	}
	start_sending(c);
}

/* The notes' client neither half-closes nor ends the name with a newline:
 * a short pause after its first bytes ends the name. */
static void on_name_pause(struct loop *l, void *arg)
{
	struct client *c = arg;

	(void)l;
	c->timer = 0;
	parse_name(c, 1);
}

static void on_name_timeout(struct loop *l, void *arg)
{
	struct client *c = arg;

	(void)l;
	c->timer = 0;
	finish(c, "refused", "no name sent");
}

static void on_name_bytes(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct client *c = arg;
	ssize_t got = read(fd, c->buf + c->len, sizeof c->buf - 1 - c->len);

	(void)ev;
	if (got < 0) {
		if (errno != EAGAIN && errno != EINTR)
			finish(c, "error", strerror(errno));
		return;
	}
	if (got > 0 && c->len == 0) {
		loop_timer_cancel(l, c->timer);
		c->timer = loop_timer(l, NAME_PAUSE_MS, on_name_pause, c);
	}
	c->len += (size_t)got;
	parse_name(c, got == 0);
}

static void add_client(struct server *s, int fd, const struct sockaddr *sa,
		       socklen_t sl)
{
	struct client *c = calloc(1, sizeof *c);

	if (!c || loop_watch(s->l, fd, LOOP_IN, on_name_bytes, c) < 0) {
		nt_warn("cannot take a client: %s", strerror(c ? errno : ENOMEM));
		free(c);
		close(fd);
		return;
	}
	c->s = s;
	c->fd = fd;
	c->file = -1;
	c->start = loop_now_ms();
	sock_format_addr(sa, sl, c->peer, sizeof c->peer);
	c->timer = loop_timer(s->l, NAME_TIMEOUT_MS, on_name_timeout, c);
	if (++s->n == MAX_CLIENTS)
		loop_accept_hold(s->l, s->lfd, 1); /* the backlog waits */
}

static void on_conn(struct loop *l, int fd, const struct sockaddr *peer,
		    socklen_t len, void *arg)
{
	(void)l;
	add_client(arg, fd, peer, len);
}

/* Once per pause: the listener waits until a descriptor frees. */
static void on_accept_pause(struct loop *l, int lfd, int err, void *arg)
{
	(void)l, (void)lfd, (void)arg;
	nt_warn("cannot accept: %s; new clients wait", strerror(err));
}

static int file_serve(const struct options *o, char **args, int nargs)
{
	struct server s;
	char q[128];
	int err, port;

	if (nargs != 1)
		nt_usage_error("serve needs PORT (see 'nettool file --help')");
	if (num_parse_port(args[0], 0, &port) != NUM_OK)
		nt_usage_error("port '%s' %s (0-65535)", nt_quote(args[0], q, sizeof q),
			       num_strerror(num_parse_port(args[0], 0, &port)));
	memset(&s, 0, sizeof s);
	s.json = o->json;
	s.dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.dirfd < 0)
		nt_usage_error("cannot use directory '%s': %s",
			       nt_quote(o->dir, q, sizeof q), strerror(errno));
	s.lfd = sock_listen(&(struct sock_spec){ .proto = SOCK_PROTO_TCP,
			    .family = o->family, .port = args[0], .timeout_ms = -1 },
			    128, &err, NULL, NULL);
	if (s.lfd < 0)
		nt_die(EXIT_NO, "cannot listen on port %d: %s", port, sock_strerror(err));
	if (s.json)
		s.log = out_open(stdout, OUT_JSON, log_cols, sizeof log_cols / sizeof log_cols[0]);
	s.l = loop_new();
	if (!s.l || loop_accept(s.l, s.lfd, on_conn, on_accept_pause, &s) < 0)
		nt_die(EXIT_NO, "cannot start the event loop: %s", strerror(errno));
	if (loop_run(s.l) < 0)
		nt_die(EXIT_NO, "event loop: %s", strerror(errno));
	return EXIT_YES;
}

/* ---- get ------------------------------------------------------------ */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: read returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static const char *default_output(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	char q[128];

	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		nt_usage_error("cannot name a file after '%s': give -o PATH",
			       nt_quote(name, q, sizeof q));
	return base;
}

static void show_progress(long long bytes, long long start, int final)
{
	double secs = (double)(loop_now_ms() - start) / 1000.0;
	double rate = secs > 0 ? (double)bytes / secs / 1e6 : 0;

	fprintf(stderr, "\r%lld bytes  %.1f MB/s  %.1f s%s", bytes, rate, secs,
		final ? "\n" : "   ");
}

/* Reads until the server closes. Returns bytes, or -1 with *what set. */
static long long receive_into(int fd, struct fp_sink *sink, const char **what,
			      int progress)
{
	long long total = 0, start = loop_now_ms(), shown = start;
	int write_failed;

	for (;;) {
		long r = fp_sink_receive(sink, fd, &write_failed);
		if (r == 0)
			return total;
		if (r < 0) {
			if (write_failed)
				*what = "write";
			else if (errno == EINTR && !interrupted)
				continue;
			else
				*what = interrupted ? "interrupted" : "receive";
			return -1 - total;
		}
		total += r;
		if (progress && loop_now_ms() - shown >= 500) {
			shown = loop_now_ms();
			show_progress(total, start, 0);
		}
	}
}

static int send_name(int fd, const char *name)
{
	/* The notes' server reads the name from one recv(): no newline, and
	 * a half-close tells our own server the name is complete. */
	if (io_write_all(fd, name, strlen(name)) < 0)
		return -1;
	return shutdown(fd, SHUT_WR);
}

static int file_get(const struct options *o, char **args, int nargs)
{
	const char *target, *what = NULL;
	struct fp_sink sink;
	long long got, start;
	int fd, err, port, progress = isatty(STDERR_FILENO);
	char q[128];

	if (nargs != 3)
		nt_usage_error("get needs HOST PORT NAME (see 'nettool file --help')");
	if (num_parse_port(args[1], 1, &port) != NUM_OK)
		nt_usage_error("port '%s' %s (1-65535)", nt_quote(args[1], q, sizeof q),
			       num_strerror(num_parse_port(args[1], 1, &port)));
	if (!args[2][0])
		nt_usage_error("empty file name");
	target = o->output ? o->output : default_output(args[2]);
	catch_signals();
	if (fp_sink_open(&sink, target, o->force) < 0) {
		if (errno == EEXIST)
			nt_die(EXIT_NO, "'%s' exists (use -f to replace it)",
			       nt_quote(target, q, sizeof q));
		nt_die(EXIT_NO, "cannot write '%s': %s", nt_quote(target, q, sizeof q),
		       strerror(errno));
	}
	fd = sock_connect(&(struct sock_spec){ .proto = SOCK_PROTO_TCP,
			  .family = o->family, .host = args[0], .port = args[1],
			  .timeout_ms = -1 }, &err, NULL, NULL);
	if (fd < 0) {
		fp_sink_abort(&sink);
		nt_die(EXIT_NO, "cannot connect to '%s' port %d: %s",
		       nt_quote(args[0], q, sizeof q), port, sock_strerror(err));
	}
	start = loop_now_ms();
	if (send_name(fd, args[2]) < 0) {
		fp_sink_abort(&sink);
		nt_die(EXIT_NO, "cannot send the name: %s", strerror(errno));
	}
	got = receive_into(fd, &sink, &what, progress);
	if (got < 0) {
		int e = errno;
		fp_sink_abort(&sink);
		if (got == -1 && e == ECONNRESET)
			nt_die(EXIT_NO, "no such file on server (or refused)");
		if (strcmp(what, "write") == 0)
			nt_die(EXIT_NO, "cannot write '%s': %s; nothing saved",
			       nt_quote(target, q, sizeof q), strerror(e));
		if (strcmp(what, "interrupted") == 0)
			nt_die(EXIT_NO, "interrupted after %lld bytes; nothing saved", -1 - got);
		nt_die(EXIT_NO, "transfer failed after %lld bytes: %s; nothing saved",
		       -1 - got, strerror(e));
	}
	close(fd);
	if (got == 0) {
		fp_sink_abort(&sink);
		nt_die(EXIT_NO, "no such file on server (or refused)");
	}
	if (fp_sink_commit(&sink) < 0) {
		int e = errno;
		fp_sink_abort(&sink);
		nt_die(EXIT_NO, "cannot save '%s': %s", nt_quote(target, q, sizeof q),
		       e == EEXIST ? "it appeared meanwhile (use -f)" : strerror(e));
	}
	if (progress) {
		fprintf(stderr, "\r");
		show_progress(got, start, 1);
	}
	return EXIT_YES;
}

int cmd_file(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { AF_UNSPEC, 0, 0, ".", NULL };
	char q[128];
	int c;

	while ((c = nt_getopt(argc, argv, "46d:o:f", longopts)) != -1) {
		switch (c) {
		case '4': o.family = AF_INET; break;
		case '6': o.family = AF_INET6; break;
		case 'd': o.dir = optarg; break;
		case 'o': o.output = optarg; break;
		case 'f': o.force = 1; break;
		case 'J': o.json = 1; break;
		}
	}
	if (optind >= argc)
		nt_usage_error("needs 'serve' or 'get' (see 'nettool file --help')");
	if (strcmp(argv[optind], "serve") == 0)
		return file_serve(&o, argv + optind + 1, argc - optind - 1);
	if (strcmp(argv[optind], "get") == 0)
		return file_get(&o, argv + optind + 1, argc - optind - 1);
	nt_usage_error("unknown subcommand '%s' (serve or get)",
		       nt_quote(argv[optind], q, sizeof q));
}
