/* file: the notes' TCP file downloader, server and client. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd.h"
#include "core/io.h"
#include "core/loop.h"
#include "core/progress.h"
#include "core/out.h"
#include "net/fileproto.h"
#include "net/fileserve.h"
#include "net/sock.h"

const char file_usage[] =
"usage: nettool file serve [-4|-6] [-j|--json] [-d DIR] [--timeout SECS] [--max-clients N] PORT\n"
"       nettool file get [-4|-6] [-o PATH] [-f] [-q] [-w SECS] HOST PORT NAME\n"
"\n"
"  serve   send files from DIR (default .) to clients that name them;\n"
"          PORT 0 takes any free port; the address is announced on stderr\n"
"  get     download NAME from HOST PORT into PATH (default: its last part)\n"
"  -d, --dir DIR     the directory served; nothing outside it is sent\n"
"      --timeout SECS  serve: drop a client that stops reading (default 60)\n"
"      --max-clients N serve: at most N clients at once (default 1000)\n"
"  -o, --output PATH where get writes (atomically)\n"
"  -f, --force       replace an existing output file\n"
"  -q, --quiet       get: no progress line on a terminal\n"
"  -w, --wait SECS   get: give up on a server silent that long\n"
"  -4, -6            use IPv4 or IPv6 only\n"
"  -j, --json        serve: one JSON object per request on stdout\n";

struct options {
	int family, json, force, idle_ms, wait_ms, quiet;
	long max_clients;
	const char *dir, *output;
};

/* ---- serve ---------------------------------------------------------- */

static const struct out_col log_cols[] = {
	{ "peer", "peer", 0, 0 },
	{ "name", "name", 0, 0 },
	{ "status", "status", 0, 0 },
	{ "reason", "reason", 0, 0 },
	{ "bytes", "bytes", 0, 0 },
	{ "seconds", "seconds", 0, 0 },
};

static const char *const status_words[] = {
	[FS_SENT] = "sent", [FS_REFUSED] = "refused", [FS_ERROR] = "error",
};

static void log_request(const struct fs_report *r, void *arg)
{
	struct out *log = arg;
	double secs = (double)r->ms / 1000.0;
	char q[160];

	if (log) {
		out_str(out_key(log, "peer"), r->peer);
		if (r->name[0])
			out_str(out_key(log, "name"), r->name);
		out_str(out_key(log, "status"), status_words[r->status]);
		if (r->reason)
			out_str(out_key(log, "reason"), r->reason);
		out_int(out_key(log, "bytes"), r->bytes);
		out_real(out_key(log, "seconds"), secs, 3);
		out_end(log);
		fflush(stdout);
		return;
	}
	fprintf(stderr, "nettool file: %s '%s' %s%s%s, %lld bytes in %.3f s\n",
		r->peer, nt_quote(r->name, q, sizeof q), status_words[r->status],
		r->reason ? ": " : "", r->reason ? r->reason : "", r->bytes, secs);
}

/* Once per pause: the listener waits until a descriptor frees. */
static void on_accept_pause(int err, void *arg)
{
	(void)arg;
	nt_warn("cannot accept: %s; new clients wait", strerror(err));
}

static int file_serve(const struct options *o, char **args, int nargs)
{
	struct fs_opts fo = { .max_clients = (size_t)o->max_clients,
			      .idle_ms = o->idle_ms, .on_report = log_request,
			      .on_pause = on_accept_pause };
	struct fileserve *fs;
	struct loop *l;
	char q[128];
	int err, lfd, port;

	if (nargs != 1)
		nt_usage_error("serve needs PORT (see 'nettool file --help')");
	port = opt_port(args[0], 0);
	fo.dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fo.dirfd < 0)
		nt_usage_error("cannot use directory '%s': %s",
			       nt_quote(o->dir, q, sizeof q), strerror(errno));
	sock_raise_nofile();
	lfd = sock_listen(&(struct sock_spec){ .proto = SOCK_PROTO_TCP,
			  .family = o->family, .port = args[0], .timeout_ms = -1 },
			  4096, &err, NULL, NULL);
	if (lfd < 0)
		nt_die(EXIT_NO, "cannot listen on port %d: %s", port, sock_strerror(err));
	nt_announce_listening(lfd, o->json); /* the requests' log: stdout */
	if (o->json)
		fo.arg = out_open(stdout, OUT_JSON, log_cols, 6);
	l = loop_new();
	if (!l || !(fs = fileserve_new(l, lfd, &fo)))
		nt_die(EXIT_NO, "cannot start the event loop: %s", strerror(errno));
	if (loop_run(l) < 0)
		nt_die(EXIT_NO, "event loop: %s", strerror(errno));
	fileserve_free(fs);
	loop_free(l);
	if (fo.arg)
		out_close(fo.arg);
	close(lfd);
	close(fo.dirfd);
	return EXIT_YES;
}

/* ---- get ------------------------------------------------------------ */

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


static int send_name(int fd, const char *name)
{
	/* The notes' server reads the name from one recv(): no newline, and
	 * a half-close tells our own server the name is complete. */
	if (io_write_all(fd, name, strlen(name)) < 0)
		return -1;
	return shutdown(fd, SHUT_WR);
}

/* A download on the loop: how it ended, and what it got. */
enum get_end { GET_DONE, GET_READ_ERR, GET_WRITE_ERR, GET_INTERRUPTED,
	       GET_SILENT };

struct download {
	struct fp_sink *sink;
	enum get_end end;
	int err;
	int wait_ms, timer;     /* -w: the server's silence allowed */
	long long total;
	struct nt_progress progress;
};

static void download_stop(struct loop *l, struct download *d, enum get_end end,
			  int err)
{
	d->end = end;
	d->err = err;
	loop_stop(l);
}

static void on_silence(struct loop *l, void *arg)
{
	struct download *d = arg;

	d->timer = 0;
	download_stop(l, d, GET_SILENT, ETIMEDOUT);
}

static void restart_silence(struct loop *l, struct download *d)
{
	if (!d->wait_ms)
		return;
	loop_timer_cancel(l, d->timer);
	d->timer = loop_timer(l, d->wait_ms, on_silence, d);
}

static void on_data(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct download *d = arg;
	int write_failed, i;
	long r;

	(void)ev;
	restart_silence(l, d);
	for (i = 0; i < 16; i++) {
		r = fp_sink_receive(d->sink, fd, &write_failed);
		if (r == 0) {
			download_stop(l, d, GET_DONE, 0);
			return;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			download_stop(l, d, write_failed ? GET_WRITE_ERR
				      : GET_READ_ERR, errno);
			return;
		}
		d->total += r;
	}
	nt_progress(&d->progress, "received", (unsigned long long)d->total);
}

/* Once a second the progress line is drawn again, bytes or not, so its
 * clock runs on through a stall. */
static void on_progress_tick(struct loop *l, void *arg)
{
	struct download *d = arg;

	loop_timer(l, PROGRESS_TICK_MS, on_progress_tick, d);
	nt_progress(&d->progress, "received", (unsigned long long)d->total);
}

static void on_data_error(struct loop *l, int fd, int err, void *arg)
{
	(void)fd;
	download_stop(l, arg, GET_READ_ERR, err);
}

static void on_get_signal(struct loop *l, int signo, void *arg)
{
	(void)signo;
	download_stop(l, arg, GET_INTERRUPTED, EINTR);
}

/* Reads until the server closes, into d->sink; d->end says how it went. */
static void receive_into(int fd, struct download *d)
{
	struct loop *l = loop_new();

	if (!l || sock_set_nonblock(fd, 1) < 0 ||
	    loop_signal(l, SIGINT, on_get_signal, d) < 0 ||
	    loop_signal(l, SIGTERM, on_get_signal, d) < 0 ||
	    loop_signal(l, SIGHUP, on_get_signal, d) < 0 ||
	    loop_watch(l, fd, LOOP_IN, on_data, d) < 0 ||
	    loop_on_error(l, fd, on_data_error) < 0 ||
	    (d->progress.on && loop_timer(l, PROGRESS_TICK_MS, on_progress_tick, d) < 0) ||
	    (restart_silence(l, d), loop_run(l) < 0))
		download_stop(l, d, GET_READ_ERR, errno);
	loop_free(l);
}

/* Says why a download failed, after removing what it wrote. */
static noreturn void download_failed(struct download *d, const char *target)
{
	char q[128];

	fp_sink_abort(d->sink);
	nt_progress_clear(&d->progress);
	if (d->total == 0 && d->err == ECONNRESET)
		nt_die(EXIT_NO, "no such file on server (or refused)");
	if (d->end == GET_WRITE_ERR)
		nt_die(EXIT_NO, "cannot write '%s': %s; nothing saved",
		       nt_quote(target, q, sizeof q), strerror(d->err));
	if (d->end == GET_INTERRUPTED)
		nt_die(EXIT_NO, "interrupted after %lld bytes; nothing saved", d->total);
	if (d->end == GET_SILENT)
		nt_die(EXIT_NO, "the server sent nothing for %g s (after %lld bytes); nothing saved",
		       d->wait_ms / 1000.0, d->total);
	nt_die(EXIT_NO, "transfer failed after %lld bytes: %s; nothing saved",
	       d->total, strerror(d->err));
}

static int connect_for(const struct options *o, char **args, int port,
		       struct fp_sink *sink)
{
	char q[128];
	int fd, err;

	fd = sock_connect(&(struct sock_spec){ .proto = SOCK_PROTO_TCP,
			  .family = o->family, .host = args[0], .port = args[1],
			  .timeout_ms = o->wait_ms ? o->wait_ms : -1 }, &err, NULL, NULL);
	if (fd < 0) {
		fp_sink_abort(sink);
		nt_die(EXIT_NO, "cannot connect to '%s' port %d: %s",
		       nt_quote(args[0], q, sizeof q), port, sock_strerror(err));
	}
	if (send_name(fd, args[2]) < 0) {
		fp_sink_abort(sink);
		nt_die(EXIT_NO, "cannot send the name: %s", strerror(errno));
	}
	return fd;
}

static int file_get(const struct options *o, char **args, int nargs)
{
	const char *target;
	struct fp_sink sink;
	struct download d = { .sink = &sink, .wait_ms = o->wait_ms };
	char q[128];
	int fd, port;

	if (nargs != 3)
		nt_usage_error("get needs HOST PORT NAME (see 'nettool file --help')");
	port = opt_port(args[1], 1);
	if (!args[2][0])
		nt_usage_error("empty file name");
	target = o->output ? o->output : default_output(args[2]);
	if (fp_sink_open(&sink, target, o->force) < 0) {
		if (errno == EEXIST)
			nt_die(EXIT_NO, "'%s' exists (use -f to replace it)",
			       nt_quote(target, q, sizeof q));
		nt_die(EXIT_NO, "cannot write '%s': %s", nt_quote(target, q, sizeof q),
		       strerror(errno));
	}
	fd = connect_for(o, args, port, &sink);
	nt_progress_begin(&d.progress, !o->quiet);
	receive_into(fd, &d);
	close(fd);
	if (d.end != GET_DONE)
		download_failed(&d, target);
	if (d.total == 0) {
		fp_sink_abort(&sink);
		nt_die(EXIT_NO, "no such file on server (or refused)");
	}
	if (fp_sink_commit(&sink) < 0) {
		int e = errno;
		fp_sink_abort(&sink);
		nt_die(EXIT_NO, "cannot save '%s': %s", nt_quote(target, q, sizeof q),
		       e == EEXIST ? "it appeared meanwhile (use -f)" : strerror(e));
	}
	nt_progress_end(&d.progress, "received", (unsigned long long)d.total);
	return EXIT_YES;
}

int cmd_file(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "max-clients", required_argument, NULL, 'M' },
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { .family = AF_UNSPEC, .dir = ".", .idle_ms = 60000 };
	char q[128];
	int c;

	while ((c = nt_getopt(argc, argv, "46d:o:fqjw:", longopts)) != -1) {
		switch (c) {
		case '4': o.family = AF_INET; break;
		case '6': o.family = AF_INET6; break;
		case 'd': o.dir = optarg; break;
		case 'o': o.output = optarg; break;
		case 'f': o.force = 1; break;
		case 'q': o.quiet = 1; break;
		case 'j': o.json = 1; break;
		case 'T': o.idle_ms = opt_timeout_ms(optarg); break;
		case 'w': o.wait_ms = opt_timeout_ms(optarg); break;
		case 'M': o.max_clients = opt_count("max-clients", optarg, 1, 1000000); break;
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
