/* chat: two-way UDP messaging, the notes' UDP chat. */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd.h"
#include "core/alloc.h"
#include "core/enc.h"
#include "core/loop.h"
#include "core/num.h"
#include "core/out.h"
#include "core/term.h"
#include "net/sock.h"

const char chat_usage[] =
"usage: nettool chat [-4|-6] [-j|--json] [--encoding ENC] udp LOCALPORT [HOST PORT]\n"
"\n"
"  Binds LOCALPORT (0: any free port, announced on stderr); each stdin line\n"
"  goes to HOST PORT, or without them to whoever wrote last; each datagram\n"
"  is printed as '[ADDR:PORT] text'.\n"
"  -4, -6            use IPv4 or IPv6 only\n"
"  -j, --json        one JSON object per received message\n"
"      --encoding ENC  the peer's text encoding (e.g. GBK); default UTF-8\n";

#define LINE_MAX_BYTES 65507
#define CONV_CAP ((size_t)65536 * ENC_RATIO + 64)

struct chat {
	int fd, json, tty, signo;
	int reply_to_last; /* no HOST PORT: answer whoever wrote last */
	struct enc *to_peer, *from_peer;
	char *conv;        /* converted text, ENC_RATIO * 64 KiB + 64 */
	char *esc;         /* conv escaped for a terminal, on first use */
	struct sockaddr_storage dest;
	socklen_t destlen;
	struct out *out;
	struct term term;
	struct term_line ed;
};

static const struct out_col chat_cols[] = {
	{ "peer", "peer", 0, 0 },
	{ "text", "text", 0, 0 },
};


/* text converted by e into c->conv; its length in *n. */
static const char *convert(struct chat *c, struct enc *e, const char *text,
			   size_t *n)
{
	ssize_t k;

	if (!e)
		return text;
	k = enc_convert(e, text, *n, c->conv, CONV_CAP);
	k += enc_convert(e, "", 0, c->conv + k, CONV_CAP - (size_t)k);
	*n = (size_t)k;
	return c->conv;
}

/* A peer's text made safe for a terminal: one message, one line, no
 * control sequences. */
static const char *escape_for_terminal(struct chat *c, const char *text,
				       size_t *n)
{
	struct term_escape esc = { .mode = ESC_NEWLINES };
	size_t k;

	if (!c->esc)
		c->esc = xmalloc(CONV_CAP * ESC_RATIO + 16);
	k = enc_escape(&esc, text, *n, c->esc, CONV_CAP * ESC_RATIO + 16);
	k += enc_escape(&esc, "", 0, c->esc + k, 16);
	*n = k;
	return c->esc;
}

/* The line being typed, drawn again below a message. */
static void redraw(struct chat *c)
{
	if (c->tty) {
		fflush(stdout);
		(void)!write(STDERR_FILENO, c->ed.line, c->ed.len);
	}
}

static void print_message(struct chat *c, const struct sockaddr *from,
			  socklen_t fromlen, const char *text, size_t n)
{
	char peer[SOCK_ADDRSTRLEN];

	sock_format_addr(from, fromlen, peer, sizeof peer);
	text = convert(c, c->from_peer, text, &n);
	if (n && text[n - 1] == '\n')
		n--;
	if (!c->json && nt_stdout_is_tty())
		text = escape_for_terminal(c, text, &n);
	if (c->tty)
		fputs("\r\033[K", stderr);
	if (c->json) {
		out_str(c->out, peer);
		out_strn(c->out, text, n);
		out_end(c->out);
	} else {
		printf("[%s] ", peer);
		fwrite(text, 1, n, stdout);
		putchar('\n');
	}
	fflush(stdout);
	redraw(c);
}

static void on_datagram(struct loop *l, int fd, unsigned ev, void *arg)
{
	static char buf[65536];
	struct chat *c = arg;
	struct sockaddr_storage from;
	socklen_t fl = sizeof from;
	ssize_t r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);

	(void)l;
	(void)ev;
	if (r < 0) {
		if (errno != EINTR && errno != EAGAIN)
			nt_warn("receive: %s", strerror(errno));
		return;
	}
	if (c->reply_to_last) {
		memcpy(&c->dest, &from, fl);
		c->destlen = fl;
	}
	print_message(c, (struct sockaddr *)&from, fl, buf, (size_t)r);
}

/* An ICMP error for an earlier datagram (nobody at HOST PORT), said as
 * the receive that used to meet it. */
static void on_socket_error(struct loop *l, int fd, int err, void *arg)
{
	(void)l;
	(void)fd;
	(void)arg;
	nt_warn("receive: %s", strerror(err));
}

static void send_line(struct chat *c, const char *s, size_t n)
{
	if (c->destlen == 0) {
		nt_warn("nobody to reply to yet: no message received (or give HOST PORT)");
		return;
	}
	s = convert(c, c->to_peer, s, &n);
	if (sendto(c->fd, s, n, 0, (struct sockaddr *)&c->dest, c->destlen) < 0)
		nt_warn("send: %s", strerror(errno));
}

/* Feeds typed bytes to the line editor; 0 at end of input. */
static int take_input(struct chat *c, const char *buf, size_t n)
{
	char echo[TERM_ECHO_MAX];
	size_t i, elen;

	for (i = 0; i < n; i++) {
		enum term_event ev = term_line_feed(&c->ed, (unsigned char)buf[i],
						    echo, &elen);
		if (c->tty && elen)
			(void)!write(STDERR_FILENO, echo, elen);
		if (ev == TERM_EOF)
			return 0;
		if (ev == TERM_LINE) {
			send_line(c, c->ed.line, c->ed.len);
			term_line_clear(&c->ed);
		}
	}
	return 1;
}

static void on_stdin(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct chat *c = arg;
	char buf[4096];
	ssize_t r = read(fd, buf, sizeof buf);

	(void)ev;
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r <= 0) {
		if (c->ed.len)
			send_line(c, c->ed.line, c->ed.len);
		loop_stop(l);
		return;
	}
	if (!take_input(c, buf, (size_t)r))
		loop_stop(l);
}

static void on_signal(struct loop *l, int signo, void *arg)
{
	((struct chat *)arg)->signo = signo;
	loop_stop(l);
}

static int chat_run(struct chat *c)
{
	struct loop *l = loop_new();

	if (!l || loop_signal(l, SIGINT, on_signal, c) < 0 ||
	    loop_signal(l, SIGTERM, on_signal, c) < 0 ||
	    loop_signal(l, SIGHUP, on_signal, c) < 0 ||
	    loop_watch(l, c->fd, LOOP_IN, on_datagram, c) < 0 ||
	    loop_on_error(l, c->fd, on_socket_error) < 0 ||
	    loop_watch(l, STDIN_FILENO, LOOP_IN, on_stdin, c) < 0)
		nt_die(EXIT_NO, "cannot start: %s", strerror(errno));
	if (loop_run(l) < 0)
		nt_die(EXIT_NO, "event loop: %s", strerror(errno));
	term_restore(&c->term);
	if (c->tty && c->signo)
		fputs("\n", stderr);
	loop_free(l);
	if (c->signo) {
		/* Ended by a signal, as before, but with the terminal back. */
		fflush(stdout);
		signal(c->signo, SIG_DFL);
		raise(c->signo);
	}
	return EXIT_YES;
}

/* The fixed peer of "chat udp LOCALPORT HOST PORT"; 0 or an EAI_ code. */
static int resolve_peer(const char *host, const char *port, int family,
			struct chat *c)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		return rc;
	memcpy(&c->dest, res->ai_addr, res->ai_addrlen);
	c->destlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void open_encoding(struct chat *c, const char *enc)
{
	char q[64];

	if (!enc)
		return;
	c->to_peer = enc_open(enc, "UTF-8");
	c->from_peer = enc_open("UTF-8", enc);
	if (!c->to_peer || !c->from_peer)
		nt_usage_error("unknown encoding '%s'", nt_quote(enc, q, sizeof q));
	c->conv = xmalloc(CONV_CAP);
}

static void parse_args(struct chat *c, int argc, char **argv, char ***ops,
		       int *nops, int *family, const char **enc)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "encoding", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	char q[64];
	int opt;

	while ((opt = nt_getopt(argc, argv, "46j", longopts)) != -1) {
		switch (opt) {
		case '4': *family = AF_INET; break;
		case '6': *family = AF_INET6; break;
		case 'j': c->json = 1; break;
		case 'E': *enc = optarg; break;
		}
	}
	*ops = argv + optind;
	*nops = argc - optind;
	if (*nops >= 1 && strcmp((*ops)[0], "udp") != 0)
		nt_usage_error("'%s' is not a protocol chat speaks (only udp)",
			       nt_quote((*ops)[0], q, sizeof q));
	if (*nops < 1 || strcmp((*ops)[0], "udp") != 0 || (*nops != 2 && *nops != 4))
		nt_usage_error("needs 'udp LOCALPORT [HOST PORT]' (see 'nettool chat --help')");
	opt_port((*ops)[1], 0);
	if (*nops == 4)
		opt_port((*ops)[3], 1);
}

int cmd_chat(int argc, char **argv)
{
	static struct chat c;
	const char *enc = NULL;
	char q[128], **a;
	int family = AF_UNSPEC, n, err;

	parse_args(&c, argc, argv, &a, &n, &family, &enc);
	open_encoding(&c, enc);
	if (n == 4 && (err = resolve_peer(a[2], a[3], family, &c)) != 0)
		nt_usage_error("cannot resolve '%s': %s", nt_quote(a[2], q, sizeof q),
			       gai_strerror(err));
	if (n == 4 && family == AF_UNSPEC)
		family = c.dest.ss_family;
	c.fd = sock_listen(&(struct sock_spec){ .proto = SOCK_PROTO_UDP,
			   .family = family, .port = a[1], .timeout_ms = -1 },
			   0, &err, NULL, NULL);
	if (c.fd < 0)
		nt_die(EXIT_NO, "cannot bind udp port '%s': %s", nt_quote(a[1], q, sizeof q),
		       sock_strerror(err));
	nt_announce_listening(c.fd, c.json);
	c.reply_to_last = n == 2;
	if (c.json)
		c.out = out_open(stdout, OUT_JSON, chat_cols, 2);
	c.tty = isatty(STDIN_FILENO) && isatty(STDERR_FILENO) &&
		term_raw(&c.term, STDIN_FILENO) == 0;
	term_line_init(&c.ed, LINE_MAX_BYTES, c.tty);
	return chat_run(&c);
}
