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
#include "core/enc.h"
#include "core/io.h"
#include "core/loop.h"
#include "core/out.h"
#include "net/duplex.h"
#include "net/sock.h"
#include "repeat.h"

const char send_usage[] =
	"usage: nettool send [-4] [-6] [-n] [-q] [-w SECS] [-s ADDR] [-p PORT] [--raw] [--hex] [--encoding ENC] [--progress] [-j|--json] [--repeat N] [--keep] tcp|udp HOST PORT [MESSAGE...]\n"
	"\n"
	"Connects to HOST PORT and sends MESSAGE (words joined by spaces, plus a\n"
	"newline) or stdin; what the peer sends is written to stdout.\n"
	"  -4, -6           use IPv4 / IPv6 only\n"
	"  -n               no newline after MESSAGE\n"
	"  -q               TCP: exit at end of input, do not wait for the reply\n"
	"  -w SECS          connect timeout and idle timeout; UDP: wait SECS for replies\n"
	"  -s ADDR          local address to send from\n"
	"  -p PORT          local port to send from\n"
	"  --progress       TCP: bytes sent, rate and time on stderr if a terminal\n"
	"  --raw            UDP: one datagram per read of stdin, not per line\n"
	"  --hex            hex-dump what is received\n"
	"  --encoding ENC   send text converted from UTF-8 to ENC, print replies in UTF-8\n"
	"  -j, --json       connection events as JSON Lines on stderr\n"
	"  --repeat N       TCP: N echo exchanges, a connection each (--keep: one)\n";

struct send_opts {
	struct sock_spec spec;
	int newline, quit_at_eof, idle_ms, raw, hex, json;
	struct repeat_opts rep;
	const char *encoding;
	char *message;   /* joined MESSAGE words, or NULL for stdin */
	size_t msglen;
	int progress;    /* --progress */
};

static const struct out_col event_cols[] = {
	{ "event", "event", 0, 0 }, { "proto", "proto", 0, 0 },
	{ "peer", "peer", 0, 0 }, { "bytes_sent", "bytes_sent", 0, 0 },
	{ "bytes_received", "bytes_received", 0, 0 },
};

static void json_event(const struct send_opts *o, const char *event,
		       const char *peer, unsigned long long sent,
		       unsigned long long received)
{
	struct out *out;

	if (!o->json)
		return;
	out = out_open(stderr, OUT_JSON, event_cols, 5);
	out_str(out_key(out, "event"), event);
	out_str(out_key(out, "proto"), o->spec.proto == SOCK_PROTO_TCP ? "tcp" : "udp");
	out_str(out_key(out, "peer"), peer);
	out_uint(out_key(out, "bytes_sent"), sent);
	out_uint(out_key(out, "bytes_received"), received);
	out_end(out);
	out_close(out);
}

/* Ends the process by the signal that stopped it, as if it had not been
 * caught, once the descriptors are back as they were. */
static noreturn void die_by(int signo)
{
	fflush(stdout);
	signal(signo, SIG_DFL);
	raise(signo);
	_exit(128 + signo);
}

static void setup_filters(const struct send_opts *o, struct enc_filter *up,
			  struct enc_filter *down)
{
	char q[64];

	if (enc_filter_init(up, o->encoding, o->encoding ? "UTF-8" : NULL, 0) < 0 ||
	    enc_filter_init(down, o->encoding ? "UTF-8" : NULL, o->encoding, o->hex) < 0)
		nt_usage_error("unknown encoding '%s'",
			       nt_quote(o->encoding ? o->encoding : "", q, sizeof q));
	if (nt_stdout_is_tty() && !o->hex)
		down->esc.mode = ESC_KEEP_NEWLINES; /* the peer's bytes, escaped */
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
		buf = xmalloc(cap);
		k = enc_convert(f->enc, o->message, n, buf, cap);
		k2 = enc_convert(f->enc, "", 0, buf + k, cap - (size_t)k);
		n = (size_t)(k + k2);
	}
	rc = io_write_all(fd, buf, n);
	if (buf != o->message)
		free(buf);
	return rc;
}

/* What went wrong, in words: local ones name stdin/stdout, the others the
 * peer. Returns the exit status. */
static int tcp_verdict(const struct duplex_result *r, const char *peer)
{
	static const char *const why[] = {
		[DUPLEX_IDLE] = "idle timeout on", [DUPLEX_READ_IN] = "reading stdin",
		[DUPLEX_WRITE_OUT] = "writing stdout", [DUPLEX_SEND] = "sending to",
		[DUPLEX_SHUTDOWN] = "shutting down the connection to",
		[DUPLEX_RECEIVE] = "receiving from",
	};

	switch (r->end) {
	case DUPLEX_DONE: case DUPLEX_OUT_GONE: case DUPLEX_QUIT: case DUPLEX_SIGNAL:
		return EXIT_YES;
	case DUPLEX_CUT_SHORT:
		nt_warn("%s closed the connection before the end of input "
			"(%llu bytes sent)", peer, r->sent);
		return EXIT_NO;
	case DUPLEX_READ_IN: case DUPLEX_WRITE_OUT:
		nt_warn("%s: %s", why[r->end], strerror(r->err));
		return EXIT_NO;
	default:
		nt_warn("%s %s: %s", why[r->end], peer, sock_strerror(r->err));
		return EXIT_NO;
	}
}

static int run_tcp(const struct send_opts *o, int fd, const char *peer,
		   struct enc_filter *up, struct enc_filter *down)
{
	struct nt_progress np;
	struct duplex_opts d = { .in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO,
				 .idle_ms = o->idle_ms, .quit_at_eof = o->quit_at_eof,
				 .cut_short_ok = isatty(STDIN_FILENO), .sent_arg = &np };
	struct duplex_result r = { .end = DUPLEX_QUIT };

	if (o->message) {
		if (send_message_blocking(fd, o, up) < 0)
			nt_die(EXIT_NO, "sending to %s: %s", peer, sock_strerror(errno));
		if (shutdown(fd, SHUT_WR) < 0)
			nt_die(EXIT_NO, "shutdown: %s", sock_strerror(errno));
		d.in_fd = -1;
	}
	if (up->enc) {
		d.up = enc_filter;
		d.up_arg = up;
		d.up_ratio = enc_filter_ratio(up);
	}
	if (down->enc || down->hexdump || down->esc.mode) {
		d.down = enc_filter;
		d.down_arg = down;
		d.down_ratio = enc_filter_ratio(down);
	}
	nt_progress_begin(&np, o->progress && !o->message);
	d.on_sent = np.on ? nt_progress_sent : NULL;
	if (!(o->message && o->quit_at_eof) && duplex_run(fd, &d, &r) < 0)
		nt_die(EXIT_NO, "cannot start: %s", strerror(errno));
	nt_progress_end(&np, "sent", r.sent);
	json_event(o, "close", peer, o->message ? o->msglen : r.sent, r.received);
	enc_filter_free(up);
	enc_filter_free(down);
	close(fd);
	if (r.end == DUPLEX_SIGNAL)
		die_by(r.signo); /* stdin and stdout are blocking again */
	return tcp_verdict(&r, peer);
}

/* ---- UDP ---- */

#define UDP_BATCH 64

struct udp_out {
	int fd;
	struct sock_batch b;
	struct enc_filter *f;
	char *conv;      /* converted text, when --encoding */
};

/* One datagram queued, converted to ENC first. */
static int udp_queue(struct udp_out *u, const char *p, size_t n)
{
	if (u->f->enc) {
		size_t cap = n * ENC_RATIO + 64;
		ssize_t k;
		u->conv = xrealloc(u->conv, cap);
		k = enc_convert(u->f->enc, p, n, u->conv, cap);
		k += enc_convert(u->f->enc, "", 0, u->conv + k, cap - (size_t)k);
		p = u->conv;
		n = (size_t)k;
	}
	if (n > SOCK_UDP_MAX)
		nt_usage_error("a datagram of %zu bytes is too long (at most %d)",
			       n, SOCK_UDP_MAX);
	return sock_batch_queue(u->fd, &u->b, p, n);
}

/* Splits stdin into lines (or reads, with --raw), one datagram each. */
static int udp_send_stdin(struct udp_out *u, const struct send_opts *o)
{
	size_t cap = 4 * 65536, len = 0, start;
	char *buf = xmalloc(cap);
	ssize_t r;

	for (;;) {
		r = io_read(STDIN_FILENO, buf + len, cap - len);
		if (r < 0) {
			free(buf);
			return -2;
		}
		if (r == 0)
			break;
		if (o->raw) {
			if (udp_queue(u, buf, (size_t)r) < 0)
				goto fail;
			continue;
		}
		len += (size_t)r;
		start = 0;
		for (;;) {
			char *nl = memchr(buf + start, '\n', len - start);
			if (!nl)
				break;
			if (udp_queue(u, buf + start, (size_t)(nl - buf) + 1 - start) < 0)
				goto fail;
			start = (size_t)(nl - buf) + 1;
		}
		if (len - start > SOCK_UDP_MAX)
			nt_usage_error("a stdin line longer than %d bytes does not fit in a datagram",
				       SOCK_UDP_MAX);
		memmove(buf, buf + start, len - start);
		len -= start;
	}
	if (len > 0 && udp_queue(u, buf, len) < 0)
		goto fail;
	free(buf);
	return sock_batch_flush(u->fd, &u->b);
fail:
	free(buf);
	return -1;
}


/* A reply to stdout, through --encoding/--hex. */
struct reply_out {
	struct enc_filter *f;
	char *out;
	size_t outcap;
	unsigned long long received;
};

static int print_reply(const char *p, size_t n, void *arg)
{
	struct reply_out *r = arg;
	struct enc_filter *f = r->f;
	ssize_t k;

	r->received += n;
	if (!f->enc && !f->hexdump && !f->esc.mode)
		return io_write_all(STDOUT_FILENO, p, n);
	k = enc_filter(f, p, n, r->out, r->outcap);
	k += enc_filter(f, "", 0, r->out + k, r->outcap - (size_t)k);
	return k > 0 ? io_write_all(STDOUT_FILENO, r->out, (size_t)k) : 0;
}

static int run_udp(const struct send_opts *o, int fd, const char *peer,
		   struct enc_filter *up, struct enc_filter *down)
{
	struct udp_out u = { .fd = fd, .f = up };
	struct reply_out r = { .f = down };
	int rc, signo = 0;

	sock_batch_init(&u.b, UDP_BATCH, SOCK_UDP_MAX);
	if (o->message)
		rc = udp_queue(&u, o->message, o->msglen) < 0 ? -1
			: sock_batch_flush(fd, &u.b);
	else
		rc = udp_send_stdin(&u, o);
	if (rc == -2)
		nt_die(EXIT_NO, "reading stdin: %s", strerror(errno));
	if (rc < 0)
		nt_die(EXIT_NO, "sending to %s: %s", peer, sock_strerror(errno));
	r.outcap = (SOCK_UDP_MAX + 1) * enc_filter_ratio(down) + 128;
	r.out = xmalloc(r.outcap);
	if (o->idle_ms > 0 &&
	    sock_recv_until_idle(fd, o->idle_ms, print_reply, &r, &signo) < 0)
		nt_die(EXIT_NO, "receiving from %s: %s", peer, sock_strerror(errno));
	if (signo)
		die_by(signo);
	json_event(o, "close", peer, u.b.bytes, r.received);
	sock_batch_free(&u.b);
	free(r.out);
	free(u.conv);
	enc_filter_free(up);
	enc_filter_free(down);
	close(fd);
	return 0;
}

static void parse_args(struct send_opts *o, int argc, char **argv)
{
	enum { OPT_RAW = 256, OPT_HEX, OPT_ENC, OPT_REPEAT, OPT_KEEP };
	static const struct option longopts[] = {
		{ "progress", no_argument, NULL, 'P' },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "encoding", required_argument, NULL, OPT_ENC },
		{ "json", no_argument, NULL, 'j' },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ NULL, 0, NULL, 0 },
	};
	char q[64];
	int c;

	memset(o, 0, sizeof *o);
	o->newline = 1;
	o->spec.timeout_ms = -1;
	while ((c = nt_getopt(argc, argv, "46nqw:s:p:j", longopts)) != -1) {
		switch (c) {
		case '4': o->spec.family = AF_INET; break;
		case '6': o->spec.family = AF_INET6; break;
		case 'n': o->newline = 0; break;
		case 'q': o->quit_at_eof = 1; break;
		case 'w': o->idle_ms = opt_timeout_ms(optarg); break;
		case 's': o->spec.src_host = optarg; break;
		case 'p': o->spec.src_port = opt_port_text(optarg); break;
		case 'P': o->progress = 1; break;
		case OPT_RAW: o->raw = 1; break;
		case OPT_HEX: o->hex = 1; break;
		case OPT_ENC: o->encoding = optarg; break;
		case 'j': o->json = 1; break;
		case OPT_REPEAT: o->rep.count = opt_count("repeat count", optarg, 1, 1000000); break;
		case OPT_KEEP: o->rep.keep = 1; break;
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
	if (argc > 3)
		o->message = nt_join_words(argc - 3, argv + 3, o->newline, &o->msglen);
}

int cmd_send(int argc, char **argv)
{
	struct send_opts o;
	struct sockaddr_storage peer;
	socklen_t peerlen = 0;
	char where[SOCK_ADDRSTRLEN + 8], q[128];
	struct enc_filter up, down;
	int fd, err = 0, rc;

	parse_args(&o, argc, argv);
	if (o.rep.count || o.rep.keep) {
		rc = send_repeat(&o.rep, &o.spec, o.message, o.msglen, o.newline, o.idle_ms, o.json);
		free(o.message);
		return rc;
	}
	setup_filters(&o, &up, &down);
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
		rc = run_tcp(&o, fd, where, &up, &down);
	else
		rc = run_udp(&o, fd, where, &up, &down);
	free(o.message);
	return rc;
}
