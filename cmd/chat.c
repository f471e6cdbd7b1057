/* chat: two-way UDP messaging, the notes' UDP chat. */
#define _GNU_SOURCE
#include <errno.h>
#include <iconv.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "core/num.h"
#include "core/out.h"
#include "net/sock.h"

const char chat_usage[] =
"usage: nettool chat [-4|-6] [--json] [--encoding ENC] udp LOCALPORT [HOST PORT]\n"
"\n"
"  Binds LOCALPORT; each stdin line goes to HOST PORT, or without them to\n"
"  whoever wrote last; each datagram is printed as '[ADDR:PORT] text'.\n"
"  -4, -6            use IPv4 or IPv6 only\n"
"      --json        one JSON object per received message\n"
"      --encoding ENC  the peer's text encoding (e.g. GBK); default UTF-8\n";

#define LINE_MAX_BYTES 65507

struct chat {
	int fd, json, tty;
	int reply_to_last; /* no HOST PORT: answer whoever wrote last */
	iconv_t to_peer, from_peer;
	struct sockaddr_storage dest;
	socklen_t destlen;
	struct out *out;
	char line[LINE_MAX_BYTES + 1]; /* what is typed, not yet sent */
	size_t len;
};

static const struct out_col chat_cols[] = {
	{ "peer", "peer", 0, 0 },
	{ "text", "text", 0, 0 },
};

static struct termios saved_tio;
static int tio_saved;

static void restore_terminal(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

/* Our own line editing, so a message arriving mid-line can be printed
 * above the line being typed and the line drawn again. */
static int raw_terminal(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return -1;
	t = saved_tio;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		return -1;
	tio_saved = 1;
	atexit(restore_terminal);
	return 0;
}

/* iconv into a new buffer; NULL if the text cannot be converted. */
static char *convert(iconv_t cd, const char *in, size_t n, size_t *outn)
{
	size_t cap = n * 4 + 16, left = cap, inleft = n;
	char *out = malloc(cap), *o = out, *i = (char *)in;

	if (!out)
		return NULL;
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &i, &inleft, &o, &left) == (size_t)-1) {
		free(out);
		return NULL;
	}
	*outn = cap - left;
	return out;
}

static void redraw(struct chat *c)
{
	if (c->tty) {
		fflush(stdout);
		(void)!write(STDERR_FILENO, c->line, c->len);
	}
}

static void print_message(struct chat *c, const struct sockaddr *from,
			  socklen_t fromlen, const char *text, size_t n)
{
	char peer[SOCK_ADDRSTRLEN], *conv = NULL;
	size_t cn = n;

	sock_format_addr(from, fromlen, peer, sizeof peer);
	if (c->from_peer != (iconv_t)-1 && (conv = convert(c->from_peer, text, n, &cn)))
		text = conv;
	if (c->tty)
		fputs("\r\033[K", stderr);
	if (c->json) {
		out_str(c->out, peer);
		out_strn(c->out, text, cn);
		out_end(c->out);
	} else {
		printf("[%s] ", peer);
		fwrite(text, 1, cn, stdout);
		putchar('\n');
	}
	fflush(stdout);
	free(conv);
	redraw(c);
}

static void receive_one(struct chat *c)
{
	static char buf[65536];
	struct sockaddr_storage from;
	socklen_t fl = sizeof from;
	ssize_t r = recvfrom(c->fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);

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

static void send_line(struct chat *c, const char *s, size_t n)
{
	char *conv = NULL;
	size_t cn = n;
	socklen_t len = c->destlen;

	if (len == 0) {
		nt_warn("nobody to reply to yet: no message received (or give HOST PORT)");
		return;
	}
	if (c->to_peer != (iconv_t)-1) {
		if (!(conv = convert(c->to_peer, s, n, &cn))) {
			nt_warn("line cannot be converted to the chosen encoding; not sent");
			return;
		}
		s = conv;
	}
	if (sendto(c->fd, s, cn, 0, (struct sockaddr *)&c->dest, len) < 0)
		nt_warn("send: %s", strerror(errno));
	free(conv);
}

/* Returns 0 at end of input. */
static int read_input(struct chat *c)
{
	char buf[4096];
	ssize_t r = read(STDIN_FILENO, buf, sizeof buf), k;

	if (r < 0)
		return errno == EINTR || errno == EAGAIN;
	if (r == 0) {
		if (c->len)
			send_line(c, c->line, c->len);
		return 0;
	}
	for (k = 0; k < r; k++) {
		unsigned char ch = (unsigned char)buf[k];
		if (ch == '\n' || (c->tty && ch == '\r')) {
			if (c->tty)
				fputs("\n", stderr);
			send_line(c, c->line, c->len);
			c->len = 0;
		} else if (c->tty && ch == 4 && c->len == 0) {
			return 0;
		} else if (c->tty && (ch == 0x7f || ch == 8)) {
			while (c->len && ((unsigned char)c->line[c->len - 1] & 0xc0) == 0x80)
				c->len--;
			if (c->len) {
				c->len--;
				fputs("\b \b", stderr);
			}
		} else if (c->len < LINE_MAX_BYTES) {
			c->line[c->len++] = (char)ch;
			if (c->tty)
				fputc(ch, stderr);
		}
	}
	return 1;
}

static int chat_loop(struct chat *c)
{
	struct pollfd p[2];

	p[0].fd = STDIN_FILENO;
	p[0].events = POLLIN;
	p[1].fd = c->fd;
	p[1].events = POLLIN;
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			nt_die(EXIT_NO, "poll: %s", strerror(errno));
		}
		if (p[1].revents & POLLIN)
			receive_one(c);
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			if (!read_input(c))
				return EXIT_YES;
	}
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

	c->to_peer = c->from_peer = (iconv_t)-1;
	if (!enc)
		return;
	c->to_peer = iconv_open(enc, "UTF-8");
	c->from_peer = iconv_open("UTF-8", enc);
	if (c->to_peer == (iconv_t)-1 || c->from_peer == (iconv_t)-1)
		nt_usage_error("unknown encoding '%s'", nt_quote(enc, q, sizeof q));
}

int cmd_chat(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "encoding", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	static struct chat c;
	const char *enc = NULL;
	char q[128];
	int opt, family = AF_UNSPEC, port, err;
	char **a;

	while ((opt = nt_getopt(argc, argv, "46", longopts)) != -1) {
		switch (opt) {
		case '4': family = AF_INET; break;
		case '6': family = AF_INET6; break;
		case 'J': c.json = 1; break;
		case 'E': enc = optarg; break;
		}
	}
	a = argv + optind;
	argc -= optind;
	if (argc < 1 || strcmp(a[0], "udp") != 0)
		nt_usage_error("needs 'udp LOCALPORT [HOST PORT]' (see 'nettool chat --help')");
	if (argc != 2 && argc != 4)
		nt_usage_error("needs 'udp LOCALPORT [HOST PORT]' (see 'nettool chat --help')");
	if (num_parse_port(a[1], 0, &port) != NUM_OK)
		nt_usage_error("port '%s' %s (0-65535)", nt_quote(a[1], q, sizeof q),
			       num_strerror(num_parse_port(a[1], 0, &port)));
	if (argc == 4 && num_parse_port(a[3], 1, &port) != NUM_OK)
		nt_usage_error("port '%s' %s (1-65535)", nt_quote(a[3], q, sizeof q),
			       num_strerror(num_parse_port(a[3], 1, &port)));
	open_encoding(&c, enc);
	if (argc == 4 && (err = resolve_peer(a[2], a[3], family, &c)) != 0)
		nt_usage_error("cannot resolve '%s': %s", nt_quote(a[2], q, sizeof q),
			       gai_strerror(err));
	if (argc == 4 && family == AF_UNSPEC)
		family = c.dest.ss_family;
	c.fd = sock_listen(&(struct sock_spec){ .proto = SOCK_PROTO_UDP,
			   .family = family, .port = a[1], .timeout_ms = -1 },
			   0, &err, NULL, NULL);
	if (c.fd < 0)
		nt_die(EXIT_NO, "cannot bind udp port '%s': %s", nt_quote(a[1], q, sizeof q),
		       sock_strerror(err));
	c.reply_to_last = argc == 2;
	if (c.json)
		c.out = out_open(stdout, OUT_JSON, chat_cols, 2);
	c.tty = isatty(STDIN_FILENO) && isatty(STDERR_FILENO) && raw_terminal() == 0;
	return chat_loop(&c);
}
