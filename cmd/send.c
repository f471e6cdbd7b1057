/* nettool send: a TCP or UDP client (netcat's connect mode). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd.h"
#include "core/alloc.h"
#include "core/io.h"
#include "core/enc.h"
#include "core/loop.h"
#include "net/sock.h"
#include "core/out.h"

const char send_usage[] =
	"usage: nettool send [-4] [-6] [-n] [-q] [-w SECS] [-s ADDR] [-p PORT] [--raw] [--hex] [--encoding ENC] [--json] tcp|udp HOST PORT [MESSAGE...]\n"
	"\n"
	"Connects to HOST PORT and sends MESSAGE (words joined by spaces, plus a\n"
	"newline) or stdin; what the peer sends is written to stdout.\n"
	"  -4, -6           use IPv4 / IPv6 only\n"
	"  -n               no newline after MESSAGE\n"
	"  -q               TCP: exit at end of input, do not wait for the reply\n"
	"  -w SECS          connect timeout and idle timeout; UDP: wait SECS for replies\n"
	"  -s ADDR          local address to send from\n"
	"  -p PORT          local port to send from\n"
	"  --raw            UDP: one datagram per read of stdin, not per line\n"
	"  --hex            hex-dump what is received\n"
	"  --encoding ENC   send text converted from UTF-8 to ENC, print replies in UTF-8\n"
	"  --json           connection events as JSON Lines on stderr\n";

struct send_opts {
	struct sock_spec spec;
	int newline, quit_at_eof, idle_ms, raw, hex, json;
	const char *encoding;
	char *message;   /* joined MESSAGE words, or NULL for stdin */
	size_t msglen;
};

struct tcp_session {
	struct loop *l;
	int sock, sock_in;           /* sock_in: a dup for the reading pump */
	struct pump *up, *down;      /* stdin->sock, sock->stdout */
	int idle_ms, timer, quit_at_eof;
	int up_done;                 /* all of stdin was sent */
	int cut_short;               /* the peer closed before that */
	int status;
	const char *why;             /* message when status != 0; the
					peer's address follows it */
	int why_local;               /* ... unless about stdin/stdout */
	int err;
	int signo;                   /* SIGINT/SIGTERM ended the session */
	struct enc_filter fup, fdown;
};

static void json_event(const struct send_opts *o, const char *event,
		       const char *peer, unsigned long long sent,
		       unsigned long long received)
{
	if (!o->json)
		return;
	fprintf(stderr, "{\"event\":\"%s\",\"proto\":\"%s\",\"peer\":\"", event,
		o->spec.proto == SOCK_PROTO_TCP ? "tcp" : "udp");
	out_json_escape(stderr, peer, strlen(peer));
	fprintf(stderr, "\",\"bytes_sent\":%llu,\"bytes_received\":%llu}\n",
		sent, received);
}

/* Ends the process by the signal that stopped it, as if it had not been
 * caught, once the descriptors and terminal are back as they were. */
static noreturn void die_by(int signo)
{
	fflush(stdout);
	signal(signo, SIG_DFL);
	raise(signo);
	_exit(128 + signo);
}

static void on_idle(struct loop *l, void *arg)
{
	struct tcp_session *t = arg;

	t->timer = 0;
	t->status = EXIT_NO;
	t->why = "idle timeout on";
	t->err = ETIMEDOUT;
	loop_stop(l);
}

static void on_tcp_signal(struct loop *l, int signo, void *arg)
{
	((struct tcp_session *)arg)->signo = signo;
	loop_stop(l);
}

static void rearm(struct tcp_session *t)
{
	if (t->idle_ms <= 0)
		return;
	if (t->timer)
		loop_timer_cancel(t->l, t->timer);
	t->timer = loop_timer(t->l, t->idle_ms, on_idle, t);
}

static void on_progress(struct pump *p, void *arg)
{
	(void)p;
	rearm(arg);
}

static void fail(struct tcp_session *t, const char *why, int err, int local)
{
	if (t->status == 0) {
		t->status = EXIT_NO;
		t->why = why;
		t->why_local = local;
		t->err = err;
	}
	loop_stop(t->l);
}

static void up_end(struct pump *p, enum pump_end how, int err, void *arg)
{
	struct tcp_session *t = arg;

	(void)p;
	if (how == PUMP_READ_ERR) {
		fail(t, "reading stdin", err, 1);
		return;
	}
	if (how == PUMP_WRITE_ERR) {
		fail(t, "sending to", err, 0);
		return;
	}
	t->up_done = 1;
	/* End of input: half-close so the peer sees EOF and can answer. */
	if (shutdown(t->sock, SHUT_WR) < 0 && errno != ENOTCONN) {
		fail(t, "shutting down the connection to", errno, 0);
		return;
	}
	if (t->quit_at_eof)
		loop_stop(t->l);
}

static void down_end(struct pump *p, enum pump_end how, int err, void *arg)
{
	struct tcp_session *t = arg;

	(void)p;
	if (how == PUMP_READ_ERR) {
		fail(t, "receiving from", err, 0);
		return;
	}
	if (how == PUMP_WRITE_ERR) {
		if (err == EPIPE) { /* the reader of stdout left: end quietly */
			loop_stop(t->l);
			return;
		}
		fail(t, "writing stdout", err, 1);
		return;
	}
	/* The peer closed. Input still to come from a pipe or file would be
	 * lost (a killed listener looks just like this), so that is a
	 * failure; at a terminal it is just the end of the session. */
	if (t->up && !t->up_done && !isatty(STDIN_FILENO)) {
		t->status = EXIT_NO;
		t->cut_short = 1;
	}
	loop_stop(t->l);
}

static int setup_filters(struct tcp_session *t, const struct send_opts *o)
{
	char q[64];

	if (enc_filter_init(&t->fup, o->encoding, o->encoding ? "UTF-8" : NULL, 0) < 0 ||
	    enc_filter_init(&t->fdown, o->encoding ? "UTF-8" : NULL, o->encoding, o->hex) < 0)
		nt_usage_error("unknown encoding '%s'",
			       nt_quote(o->encoding ? o->encoding : "", q, sizeof q));
	return 0;
}

static int send_message_blocking(int fd, const struct send_opts *o,
				 struct enc_filter *f)
{
	char *buf = o->message;
	size_t n = o->msglen;
	int rc;

	if (f->enc) {
		size_t cap = n * ENC_RATIO + 64;
		ssize_t k, k2;
		buf = malloc(cap);
		if (!buf)
			return -1;
		k = enc_convert(f->enc, o->message, n, buf, cap);
		k2 = enc_convert(f->enc, "", 0, buf + k, cap - (size_t)k);
		n = (size_t)(k + k2);
	}
	rc = io_write_all(fd, buf, n);
	if (buf != o->message)
		free(buf);
	return rc;
}

static int run_tcp(const struct send_opts *o, int fd, const char *peer)
{
	struct tcp_session t;
	struct pump_opts po;
	unsigned long long sent;
	int in_fd = STDIN_FILENO;

	memset(&t, 0, sizeof t);
	t.sock = fd;
	t.idle_ms = o->idle_ms;
	t.quit_at_eof = o->quit_at_eof;
	setup_filters(&t, o);
	t.l = loop_new();
	t.sock_in = dup(fd);
	if (!t.l || t.sock_in < 0 || loop_signal(t.l, SIGINT, on_tcp_signal, &t) < 0 ||
	    loop_signal(t.l, SIGTERM, on_tcp_signal, &t) < 0)
		nt_die(EXIT_NO, "cannot start: %s", strerror(errno));
	if (o->message) {
		if (send_message_blocking(fd, o, &t.fup) < 0)
			nt_die(EXIT_NO, "sending to %s: %s", peer, sock_strerror(errno));
		if (shutdown(fd, SHUT_WR) < 0)
			nt_die(EXIT_NO, "shutdown: %s", sock_strerror(errno));
		in_fd = -1;
		if (o->quit_at_eof)
			goto done;
	}
	memset(&po, 0, sizeof po);
	po.on_progress = on_progress;
	po.arg = &t;
	if (in_fd >= 0) {
		po.on_end = up_end;
		if (t.fup.enc) {
			po.filter = enc_filter;
			po.filter_arg = &t.fup;
			po.filter_ratio = enc_filter_ratio(&t.fup);
		}
		t.up = pump_new(t.l, in_fd, fd, &po);
		if (!t.up)
			nt_die(EXIT_NO, "cannot read stdin: %s", strerror(errno));
	}
	po.on_end = down_end;
	po.filter = NULL;
	po.filter_ratio = 0;
	if (t.fdown.enc || t.fdown.hexdump) {
		po.filter = enc_filter;
		po.filter_arg = &t.fdown;
		po.filter_ratio = enc_filter_ratio(&t.fdown);
	}
	t.down = pump_new(t.l, t.sock_in, STDOUT_FILENO, &po);
	if (!t.down)
		nt_die(EXIT_NO, "cannot write stdout: %s", strerror(errno));
	rearm(&t);
	if (loop_run(t.l) < 0)
		nt_die(EXIT_NO, "event loop: %s", strerror(errno));
done:
	sent = t.up ? pump_bytes(t.up) : o->msglen;
	json_event(o, "close", peer, sent, t.down ? pump_bytes(t.down) : 0);
	pump_free(t.up);
	pump_free(t.down);
	loop_free(t.l);
	enc_filter_free(&t.fup);
	enc_filter_free(&t.fdown);
	close(t.sock_in);
	close(fd);
	if (t.signo)
		die_by(t.signo); /* stdin and stdout are blocking again */
	if (t.cut_short)
		nt_warn("%s closed the connection before the end of input "
			"(%llu bytes sent)", peer, sent);
	else if (t.status && t.why_local)
		nt_warn("%s: %s", t.why, strerror(t.err));
	else if (t.status)
		nt_warn("%s %s: %s", t.why, peer, sock_strerror(t.err));
	return t.status;
}

/* ---- UDP ---- */

#define UDP_BATCH 64

struct udp_out {
	int fd;
	struct sock_dgram d[UDP_BATCH];
	char *store;   /* UDP_BATCH datagram buffers of SOCK_UDP_MAX bytes */
	int n;
	unsigned long long sent, count;
	const char *peer;
};

static int udp_flush(struct udp_out *u)
{
	int i = 0, r;

	while (i < u->n) {
		r = sock_send_batch(u->fd, u->d + i, u->n - i);
		if (r < 0)
			return -1;
		for (int k = i; k < i + r; k++)
			u->sent += u->d[k].len;
		u->count += (unsigned long long)r;
		i += r;
	}
	u->n = 0;
	return 0;
}

static int udp_queue(struct udp_out *u, const char *p, size_t n,
		     struct enc_filter *f)
{
	struct sock_dgram *d = &u->d[u->n];

	if (f->enc) {
		char *tmp = malloc(n * ENC_RATIO + 64);
		ssize_t k;
		if (!tmp)
			return -1;
		k = enc_convert(f->enc, p, n, tmp, n * ENC_RATIO + 64);
		k += enc_convert(f->enc, "", 0, tmp + k, 64);
		if ((size_t)k > SOCK_UDP_MAX) {
			free(tmp);
			nt_usage_error("a datagram of %zd bytes is too long (at most %d)",
				       k, SOCK_UDP_MAX);
		}
		memcpy(d->buf, tmp, (size_t)k);
		d->len = (size_t)k;
		free(tmp);
	} else {
		if (n > SOCK_UDP_MAX)
			nt_usage_error("a datagram of %zu bytes is too long (at most %d)",
				       n, SOCK_UDP_MAX);
		memcpy(d->buf, p, n);
		d->len = n;
	}
	d->addrlen = 0;
	if (++u->n == UDP_BATCH)
		return udp_flush(u);
	return 0;
}

/* Splits stdin into lines (or reads, with --raw), one datagram each. */
static int udp_send_stdin(struct udp_out *u, const struct send_opts *o,
			  struct enc_filter *f)
{
	size_t cap = 4 * 65536, len = 0, start;
	char *buf = malloc(cap);
	ssize_t r;

	if (!buf)
		return -1;
	for (;;) {
		r = io_read(STDIN_FILENO, buf + len, cap - len);
		if (r < 0) {
			free(buf);
			return -2;
		}
		if (r == 0)
			break;
		if (o->raw) {
			if (udp_queue(u, buf, (size_t)r, f) < 0)
				goto fail;
			continue;
		}
		len += (size_t)r;
		start = 0;
		for (;;) {
			char *nl = memchr(buf + start, '\n', len - start);
			if (!nl)
				break;
			if (udp_queue(u, buf + start, (size_t)(nl - buf) + 1 - start, f) < 0)
				goto fail;
			start = (size_t)(nl - buf) + 1;
		}
		if (len - start > SOCK_UDP_MAX)
			nt_usage_error("a stdin line longer than %d bytes does not fit in a datagram",
				       SOCK_UDP_MAX);
		memmove(buf, buf + start, len - start);
		len -= start;
	}
	if (len > 0 && udp_queue(u, buf, len, f) < 0)
		goto fail;
	free(buf);
	return udp_flush(u);
fail:
	free(buf);
	return -1;
}

/* Waiting for replies: each one printed, the wait ending idle_ms after
 * the last (or at a signal). */
struct udp_replies {
	int idle_ms, timer, err, signo;
	struct enc_filter *f;
	char *buf, *out;
	size_t outcap;
	unsigned long long received;
};

static void on_replies_idle(struct loop *l, void *arg)
{
	((struct udp_replies *)arg)->timer = 0;
	loop_stop(l);
}

static int print_reply(struct udp_replies *u, size_t n)
{
	struct enc_filter *f = u->f;

	if (f->enc || f->hexdump) {
		ssize_t k = enc_filter(f, u->buf, n, u->out, u->outcap);
		k += enc_filter(f, "", 0, u->out + k, u->outcap - (size_t)k);
		return k > 0 ? io_write_all(STDOUT_FILENO, u->out, (size_t)k) : 0;
	}
	return io_write_all(STDOUT_FILENO, u->buf, n);
}

static void on_reply(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct udp_replies *u = arg;
	ssize_t n = recv(fd, u->buf, SOCK_UDP_MAX + 1, 0);

	(void)ev;
	if (n < 0) {
		if (errno != EINTR && errno != EAGAIN) {
			u->err = errno;
			loop_stop(l);
		}
		return;
	}
	u->received += (unsigned long long)n;
	if (print_reply(u, (size_t)n) < 0) {
		loop_stop(l);
		return;
	}
	loop_timer_cancel(l, u->timer);
	u->timer = loop_timer(l, u->idle_ms, on_replies_idle, u);
}

static void on_reply_error(struct loop *l, int fd, int err, void *arg)
{
	(void)fd;
	((struct udp_replies *)arg)->err = err;
	loop_stop(l);
}

static void on_udp_signal(struct loop *l, int signo, void *arg)
{
	((struct udp_replies *)arg)->signo = signo;
	loop_stop(l);
}

/* Returns 0, or -1 with errno when receiving failed; *signo is set when
 * a signal ended the wait. */
static int udp_wait_replies(int fd, int wait_ms, struct enc_filter *f,
			    unsigned long long *received, int *signo)
{
	struct udp_replies u = { .idle_ms = wait_ms, .f = f };
	struct loop *l = loop_new();

	u.outcap = (SOCK_UDP_MAX + 1) * enc_filter_ratio(f) + 128;
	u.out = xmalloc(u.outcap);
	u.buf = xmalloc(SOCK_UDP_MAX + 1);
	if (!l || loop_signal(l, SIGINT, on_udp_signal, &u) < 0 ||
	    loop_signal(l, SIGTERM, on_udp_signal, &u) < 0 ||
	    loop_watch(l, fd, LOOP_IN, on_reply, &u) < 0 ||
	    loop_on_error(l, fd, on_reply_error) < 0 ||
	    (u.timer = loop_timer(l, wait_ms, on_replies_idle, &u)) < 0 ||
	    loop_run(l) < 0)
		u.err = errno;
	loop_free(l);
	free(u.out);
	free(u.buf);
	*received = u.received;
	*signo = u.signo;
	errno = u.err;
	return u.err ? -1 : 0;
}

static int run_udp(const struct send_opts *o, int fd, const char *peer)
{
	struct udp_out u;
	struct enc_filter fup, fdown;
	unsigned long long received = 0;
	int i, rc, signo = 0;
	char q[64];

	memset(&u, 0, sizeof u);
	u.fd = fd;
	u.peer = peer;
	if (enc_filter_init(&fup, o->encoding, o->encoding ? "UTF-8" : NULL, 0) < 0 ||
	    enc_filter_init(&fdown, o->encoding ? "UTF-8" : NULL, o->encoding, o->hex) < 0)
		nt_usage_error("unknown encoding '%s'",
			       nt_quote(o->encoding ? o->encoding : "", q, sizeof q));
	u.store = malloc((size_t)UDP_BATCH * (SOCK_UDP_MAX + 1));
	if (!u.store)
		nt_die(EXIT_NO, "out of memory");
	for (i = 0; i < UDP_BATCH; i++) {
		u.d[i].buf = u.store + (size_t)i * (SOCK_UDP_MAX + 1);
		u.d[i].cap = SOCK_UDP_MAX + 1;
	}
	if (o->message)
		rc = udp_queue(&u, o->message, o->msglen, &fup) < 0 ? -1 : udp_flush(&u);
	else
		rc = udp_send_stdin(&u, o, &fup);
	if (rc == -2)
		nt_die(EXIT_NO, "reading stdin: %s", strerror(errno));
	if (rc < 0)
		nt_die(EXIT_NO, "sending to %s: %s", peer, sock_strerror(errno));
	if (o->idle_ms > 0 &&
	    udp_wait_replies(fd, o->idle_ms, &fdown, &received, &signo) < 0)
		nt_die(EXIT_NO, "receiving from %s: %s", peer, sock_strerror(errno));
	if (signo)
		die_by(signo);
	json_event(o, "close", peer, u.sent, received);
	free(u.store);
	enc_filter_free(&fup);
	enc_filter_free(&fdown);
	close(fd);
	return 0;
}

static void join_message(struct send_opts *o, int argc, char **argv)
{
	size_t n = 0;
	int i;

	for (i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	o->message = malloc(n + 1);
	if (!o->message)
		nt_die(EXIT_NO, "out of memory");
	o->msglen = 0;
	for (i = 0; i < argc; i++) {
		if (i)
			o->message[o->msglen++] = ' ';
		memcpy(o->message + o->msglen, argv[i], strlen(argv[i]));
		o->msglen += strlen(argv[i]);
	}
	if (o->newline)
		o->message[o->msglen++] = '\n';
}

static void parse_args(struct send_opts *o, int argc, char **argv)
{
	enum { OPT_RAW = 256, OPT_HEX, OPT_ENC, OPT_JSON };
	static const struct option longopts[] = {
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "encoding", required_argument, NULL, OPT_ENC },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	char q[64];
	int c;

	memset(o, 0, sizeof *o);
	o->newline = 1;
	o->spec.timeout_ms = -1;
	while ((c = nt_getopt(argc, argv, "46nqw:s:p:", longopts)) != -1) {
		switch (c) {
		case '4': o->spec.family = AF_INET; break;
		case '6': o->spec.family = AF_INET6; break;
		case 'n': o->newline = 0; break;
		case 'q': o->quit_at_eof = 1; break;
		case 'w': o->idle_ms = opt_timeout_ms(optarg); break;
		case 's': o->spec.src_host = optarg; break;
		case 'p': o->spec.src_port = opt_port_text(optarg); break;
		case OPT_RAW: o->raw = 1; break;
		case OPT_HEX: o->hex = 1; break;
		case OPT_ENC: o->encoding = optarg; break;
		case OPT_JSON: o->json = 1; break;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3)
		nt_usage_error("needs tcp|udp, HOST and PORT (see 'nettool send --help')");
	if (sock_parse_proto(argv[0], &o->spec.proto) < 0)
		nt_usage_error("unknown protocol '%s' (tcp or udp)",
			       nt_quote(argv[0], q, sizeof q));
	o->spec.host = argv[1];
	o->spec.port = opt_port_text(argv[2]);
	if (o->idle_ms > 0)
		o->spec.timeout_ms = o->idle_ms;
	if (o->encoding) {
		struct enc *e = enc_open(o->encoding, "UTF-8");
		if (!e)
			nt_usage_error("unknown encoding '%s'",
				       nt_quote(o->encoding, q, sizeof q));
		enc_close(e);
	}
	if (argc > 3)
		join_message(o, argc - 3, argv + 3);
}

int cmd_send(int argc, char **argv)
{
	struct send_opts o;
	struct sockaddr_storage peer;
	socklen_t peerlen = 0;
	char where[SOCK_ADDRSTRLEN + 8], q[128];
	int fd, err = 0, rc;

	parse_args(&o, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	fd = sock_connect(&o.spec, &err, &peer, &peerlen);
	if (fd < 0) {
		if (err < 0)
			nt_usage_error("cannot resolve '%s': %s",
				       nt_quote(o.spec.host, q, sizeof q), sock_strerror(err));
		nt_die(EXIT_NO, "cannot connect to %s port %s: %s",
		       nt_quote(o.spec.host, q, sizeof q), o.spec.port, sock_strerror(err));
	}
	sock_format_addr((struct sockaddr *)&peer, peerlen, where, sizeof where);
	json_event(&o, "connect", where, 0, 0);
	if (o.spec.proto == SOCK_PROTO_TCP)
		rc = run_tcp(&o, fd, where);
	else
		rc = run_udp(&o, fd, where);
	free(o.message);
	return rc;
}
