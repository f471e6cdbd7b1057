/* nettool listen: a TCP or UDP server (netcat's listen mode) serving any
 * number of clients from one event loop. */
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
#include "system/procnet.h"

const char listen_usage[] =
	"usage: nettool listen [-4] [-6] [-k] [-b ADDR] [--echo] [--once] [--hex] [--encoding ENC] [--json] tcp|udp PORT\n"
	"\n"
	"Listens on PORT; received data goes to stdout, stdin goes to the clients.\n"
	"  -4, -6           IPv4 / IPv6 only (default: both)\n"
	"  -b ADDR          bind to ADDR only\n"
	"  -k               keep listening (the default; accepted for netcat habits)\n"
	"  --echo           send each client's data back to it instead of to stdout\n"
	"  --once           exit after the first client leaves\n"
	"  --hex            hex-dump what is received\n"
	"  --encoding ENC   received text is ENC, printed as UTF-8; stdin is sent as ENC\n"
	"  --json           connect/disconnect events as JSON Lines on stderr\n";

#define CLIENT_BUF (256 * 1024)   /* echo and stdin bytes held per client */
#define STDOUT_BUF (1024 * 1024)

struct listen_opts {
	struct sock_spec spec;
	int echo, once, hex, json;
	const char *encoding;
};

struct client {
	int fd;
	char peer[SOCK_ADDRSTRLEN];
	struct lbuf out;      /* to the client */
	int eof;              /* the client half-closed */
	int paused;           /* not read while its bytes cannot be placed */
	unsigned long long in, outn;
	struct client *prev, *next;
};

struct server {
	struct listen_opts o;
	struct loop *l;
	int lfd;
	char bound[SOCK_ADDRSTRLEN];
	struct client *clients;
	size_t nclients;
	unsigned long long served, total_in, total_out;
	struct lbuf stdout_buf;
	int stdout_watched, stdout_dead;
	int stdin_eof, stdin_watched;
	struct enc_filter fin, fout;   /* client->stdout, stdin->clients */
	char *scratch;
	size_t scratchcap;
	int status;
};

static void event(struct server *s, const char *what, const struct client *c)
{
	if (s->o.json) {
		fprintf(stderr, "{\"event\":\"%s\",\"proto\":\"tcp\",\"peer\":\"%s\","
			"\"bytes_received\":%llu,\"bytes_sent\":%llu,\"clients\":%zu}\n",
			what, c->peer, c->in, c->outn, s->nclients);
		return;
	}
	if (strcmp(what, "connect") == 0)
		fprintf(stderr, "nettool listen: connection from %s\n", c->peer);
	else
		fprintf(stderr, "nettool listen: %s closed (%llu bytes in, %llu bytes out)\n",
			c->peer, c->in, c->outn);
}

static void update_client(struct server *s, struct client *c);
static void update_stdin(struct server *s);
static void update_stdout(struct server *s);

static void drop_client(struct server *s, struct client *c)
{
	loop_unwatch(s->l, c->fd);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nclients--;
	s->served++;
	s->total_in += c->in;
	s->total_out += c->outn;
	event(s, "disconnect", c);
	lbuf_free(&c->out);
	free(c);
	if (s->o.once)
		loop_stop(s->l);
	update_stdin(s);
}

/* Where a client's bytes go: back to it (--echo) or to stdout. */
static size_t room_for_input(struct server *s, struct client *c)
{
	size_t room = s->o.echo ? lbuf_space(&c->out) : lbuf_space(&s->stdout_buf);
	size_t ratio = enc_filter_ratio(&s->fin);

	if (s->o.echo)
		return room;
	if (room < 128 + ratio)
		return 0;
	return (room - 128) / ratio;
}

static int take_input(struct server *s, struct client *c, const char *p,
		      size_t n)
{
	if (s->o.echo)
		return lbuf_put(&c->out, p, n);
	if (s->fin.enc || s->fin.hexdump) {
		ssize_t k = enc_filter(&s->fin, p, n, s->scratch, s->scratchcap);
		if (k < 0)
			return -1;
		return lbuf_put(&s->stdout_buf, s->scratch, (size_t)k);
	}
	return lbuf_put(&s->stdout_buf, p, n);
}

static void client_read(struct server *s, struct client *c)
{
	char buf[65536];
	size_t room = room_for_input(s, c);
	ssize_t r;

	if (room == 0) {
		c->paused = 1;
		return;
	}
	if (room > sizeof buf)
		room = sizeof buf;
	r = read(c->fd, buf, room);
	if (r < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		if (!s->o.json)
			nt_warn("%s: %s", c->peer, sock_strerror(errno));
		drop_client(s, c);
		return;
	}
	if (r == 0) {
		c->eof = 1;
		if (lbuf_len(&c->out) == 0) {
			drop_client(s, c);
			return;
		}
		update_client(s, c);
		return;
	}
	c->in += (unsigned long long)r;
	if (take_input(s, c, buf, (size_t)r) < 0) {
		nt_warn("%s: out of memory", c->peer);
		drop_client(s, c);
		return;
	}
	update_client(s, c);
	if (!s->o.echo)
		update_stdout(s);
}

static void client_write(struct server *s, struct client *c)
{
	ssize_t r = lbuf_drain(&c->out, c->fd);

	if (r < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		if (!s->o.json)
			nt_warn("%s: %s", c->peer, sock_strerror(errno));
		drop_client(s, c);
		return;
	}
	c->outn += (unsigned long long)r;
	if (lbuf_len(&c->out) == 0) {
		lbuf_trim(&c->out); /* idle clients hold no buffer */
		if (c->eof) {
			drop_client(s, c);
			return;
		}
	}
	update_client(s, c);
	update_stdin(s);
}

static struct server *the_server; /* one per process: the loop callbacks' context */

static void on_client_fd(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct server *s = the_server;
	struct client *c = arg;

	(void)l;
	(void)fd;
	if (ev & LOOP_OUT) {
		client_write(s, c);
		return; /* c may be gone; the next wake-up reads */
	}
	if (ev & (LOOP_IN | LOOP_ERR | LOOP_HUP))
		client_read(s, c);
}

static void update_client(struct server *s, struct client *c)
{
	unsigned ev = 0;

	c->paused = room_for_input(s, c) == 0;
	if (!c->eof && !c->paused)
		ev |= LOOP_IN;
	if (lbuf_len(&c->out) > 0)
		ev |= LOOP_OUT;
	loop_events(s->l, c->fd, ev);
}

static void resume_clients(struct server *s)
{
	struct client *c;

	for (c = s->clients; c; c = c->next)
		if (c->paused)
			update_client(s, c);
}

static void on_stdout(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct server *s = arg;
	ssize_t r;

	(void)l;
	(void)ev;
	r = lbuf_drain(&s->stdout_buf, fd);
	if (r < 0 && errno != EAGAIN && errno != EINTR) {
		if (errno != EPIPE)
			nt_warn("writing stdout: %s", strerror(errno));
		s->stdout_dead = 1;
		loop_stop(s->l);
		return;
	}
	update_stdout(s);
	resume_clients(s);
}

static void update_stdout(struct server *s)
{
	if (s->stdout_dead)
		return;
	if (!s->stdout_watched) {
		if (loop_watch(s->l, STDOUT_FILENO, 0, on_stdout, s) < 0)
			return;
		s->stdout_watched = 1;
	}
	loop_events(s->l, STDOUT_FILENO, lbuf_len(&s->stdout_buf) ? LOOP_OUT : 0);
}

/* stdin is read only while every client has room for what is read, so a
 * slow client slows stdin instead of growing memory. */
static size_t stdin_room(struct server *s)
{
	struct client *c;
	size_t room = 65536;

	if (!s->clients)
		return 0;
	for (c = s->clients; c; c = c->next)
		if (lbuf_space(&c->out) < room)
			room = lbuf_space(&c->out);
	return room;
}

static void on_stdin(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct server *s = arg;
	char buf[65536];
	size_t room = stdin_room(s), ratio = s->fout.enc ? ENC_RATIO : 1;
	struct client *c, *next;
	ssize_t r;
	const char *p = buf;

	(void)l;
	(void)ev;
	if (room < 128 + ratio) {
		update_stdin(s);
		return;
	}
	room = (room - 128) / ratio;
	if (room > sizeof buf)
		room = sizeof buf;
	r = io_read(fd, buf, room);
	if (r < 0 && errno == EAGAIN)
		return;
	if (r <= 0) {
		s->stdin_eof = 1;
		update_stdin(s);
		return;
	}
	if (s->fout.enc) {
		r = enc_convert(s->fout.enc, buf, (size_t)r, s->scratch, s->scratchcap);
		p = s->scratch;
	}
	for (c = s->clients; c; c = next) {
		next = c->next;
		if (lbuf_put(&c->out, p, (size_t)r) < 0)
			continue;
		update_client(s, c);
	}
}

static void update_stdin(struct server *s)
{
	unsigned ev;

	if (s->stdin_eof) {
		if (s->stdin_watched) {
			loop_unwatch(s->l, STDIN_FILENO);
			s->stdin_watched = 0;
		}
		return;
	}
	if (!s->stdin_watched) {
		if (loop_watch(s->l, STDIN_FILENO, 0, on_stdin, s) < 0) {
			s->stdin_eof = 1;
			return;
		}
		s->stdin_watched = 1;
	}
	ev = stdin_room(s) >= 4096 ? LOOP_IN : 0;
	loop_events(s->l, STDIN_FILENO, ev);
}

static void on_conn(struct loop *l, int cfd, const struct sockaddr *peer,
		    socklen_t len, void *arg)
{
	struct server *s = arg;
	struct client *c = calloc(1, sizeof *c);

	if (!c || loop_watch(l, cfd, LOOP_IN, on_client_fd, c) < 0) {
		free(c);
		close(cfd);
		return;
	}
	c->fd = cfd;
	lbuf_init(&c->out, CLIENT_BUF);
	sock_format_addr(peer, len, c->peer, sizeof c->peer);
	c->next = s->clients;
	if (s->clients)
		s->clients->prev = c;
	s->clients = c;
	s->nclients++;
	event(s, "connect", c);
	update_client(s, c);
	update_stdin(s);
}

/* Once per pause: the listener waits until a descriptor frees. */
static void on_accept_pause(struct loop *l, int lfd, int err, void *arg)
{
	(void)l, (void)lfd, (void)arg;
	nt_warn("cannot accept: %s; new clients wait", strerror(err));
}

static void on_signal(struct loop *l, int signo, void *arg)
{
	(void)signo;
	(void)arg;
	loop_stop(l);
}

static void flush_stdout(struct server *s)
{
	if (!s->stdout_dead && lbuf_len(&s->stdout_buf) > 0) {
		sock_set_nonblock(STDOUT_FILENO, 0);
		io_write_all(STDOUT_FILENO, s->stdout_buf.data + s->stdout_buf.head,
			     lbuf_len(&s->stdout_buf));
	}
}

static int run_tcp(struct server *s)
{
	struct client *c;

	the_server = s;
	lbuf_init(&s->stdout_buf, STDOUT_BUF);
	s->scratchcap = 65536 * enc_filter_ratio(&s->fin) * ENC_RATIO + 256;
	s->scratch = malloc(s->scratchcap);
	if (!s->scratch || loop_accept(s->l, s->lfd, on_conn, on_accept_pause, s) < 0)
		nt_die(EXIT_NO, "cannot start: %s", strerror(errno));
	if (loop_run(s->l) < 0)
		nt_die(EXIT_NO, "event loop: %s", strerror(errno));
	flush_stdout(s);
	while ((c = s->clients)) {
		s->o.once = 0;
		drop_client(s, c);
	}
	if (!s->o.json)
		fprintf(stderr, "nettool listen: closed %s: %llu clients, %llu bytes in, %llu bytes out\n",
			s->bound, s->served, s->total_in, s->total_out);
	lbuf_free(&s->stdout_buf);
	free(s->scratch);
	return s->status;
}

/* ---- UDP ---- */

#define UDP_BATCH 32

struct udp_server {
	struct server *s;
	struct sock_dgram d[UDP_BATCH];
	char *store, *scratch;
	size_t outcap;
	struct obuf ob;
	unsigned long long count, bytes;
	int tty;
};

/* One datagram to stdout: its sender first on a terminal. */
static void print_datagram(struct udp_server *u, const char *who,
			   const char *p, size_t len)
{
	struct enc_filter *f = &u->s->fin;

	if (u->tty) {
		obuf_put(&u->ob, "[", 1);
		obuf_put(&u->ob, who, strlen(who));
		obuf_put(&u->ob, "] ", 2);
	}
	if (f->enc || f->hexdump) {
		ssize_t k = enc_filter(f, p, len, u->scratch, u->outcap);
		k += enc_filter(f, "", 0, u->scratch + k, u->outcap - (size_t)k);
		obuf_put(&u->ob, u->scratch, (size_t)k);
	} else {
		obuf_put(&u->ob, p, len);
	}
	if (u->tty && (len == 0 || p[len - 1] != '\n'))
		obuf_put(&u->ob, "\n", 1);
}

static void take_batch(struct udp_server *u, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		size_t len = u->d[i].len > SOCK_UDP_MAX ? SOCK_UDP_MAX : u->d[i].len;
		char who[SOCK_ADDRSTRLEN];
		u->count++;
		u->bytes += len;
		sock_format_addr((struct sockaddr *)&u->d[i].addr, u->d[i].addrlen,
				 who, sizeof who);
		if (u->s->o.json)
			fprintf(stderr, "{\"event\":\"datagram\",\"proto\":\"udp\",\"peer\":\"%s\",\"bytes\":%zu}\n",
				who, len);
		if (u->s->o.echo)
			u->d[i].len = len;
		else
			print_datagram(u, who, u->d[i].buf, len);
	}
	if (u->s->o.echo)
		sock_send_batch(u->s->lfd, u->d, n);
	if (u->tty)
		obuf_flush(&u->ob);
}

static void on_udp(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct udp_server *u = arg;
	int n, rounds;

	(void)ev;
	/* Bounded: a flood still lets signals through. */
	for (rounds = 0; rounds < 64; rounds++) {
		n = sock_recv_batch(fd, u->d, UDP_BATCH);
		if (n <= 0)
			break;
		take_batch(u, n);
		if (u->ob.err) {
			loop_stop(l);
			return;
		}
	}
	if (obuf_flush(&u->ob) < 0)
		loop_stop(l);
}

/* An ICMP error from an echo to a peer that left: not ours to stop on. */
static void on_udp_error(struct loop *l, int fd, int err, void *arg)
{
	(void)l, (void)fd, (void)err, (void)arg;
}

static int run_udp(struct server *s)
{
	struct udp_server u = { .s = s };
	int i;

	u.store = xmalloc((size_t)UDP_BATCH * (SOCK_UDP_MAX + 1));
	u.outcap = (SOCK_UDP_MAX + 1) * enc_filter_ratio(&s->fin) * 2 + 256;
	u.scratch = xmalloc(u.outcap);
	u.tty = nt_stdout_is_tty();
	if (obuf_init(&u.ob, STDOUT_FILENO, 1 << 20) < 0)
		nt_die(EXIT_NO, "out of memory");
	for (i = 0; i < UDP_BATCH; i++) {
		u.d[i].buf = u.store + (size_t)i * (SOCK_UDP_MAX + 1);
		u.d[i].cap = SOCK_UDP_MAX + 1;
	}
	sock_set_rcvbuf(s->lfd, 8 << 20);
	if (loop_watch(s->l, s->lfd, LOOP_IN, on_udp, &u) < 0 ||
	    loop_on_error(s->l, s->lfd, on_udp_error) < 0)
		nt_die(EXIT_NO, "cannot start: %s", strerror(errno));
	if (loop_run(s->l) < 0)
		nt_die(EXIT_NO, "event loop: %s", strerror(errno));
	obuf_flush(&u.ob);
	if (u.ob.err && u.ob.err != EPIPE)
		nt_warn("writing stdout: %s", strerror(u.ob.err));
	if (!s->o.json)
		fprintf(stderr, "nettool listen: closed %s: %llu datagrams, %llu bytes\n",
			s->bound, u.count, u.bytes);
	obuf_free(&u.ob);
	free(u.store);
	free(u.scratch);
	return 0;
}

static void parse_args(struct listen_opts *o, int argc, char **argv)
{
	enum { OPT_ECHO = 256, OPT_ONCE, OPT_HEX, OPT_ENC, OPT_JSON };
	static const struct option longopts[] = {
		{ "echo", no_argument, NULL, OPT_ECHO },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "encoding", required_argument, NULL, OPT_ENC },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	char q[64];
	int c;

	memset(o, 0, sizeof *o);
	while ((c = nt_getopt(argc, argv, "46kb:", longopts)) != -1) {
		switch (c) {
		case '4': o->spec.family = AF_INET; break;
		case '6': o->spec.family = AF_INET6; break;
		case 'k': break;
		case 'b': o->spec.host = optarg; break;
		case OPT_ECHO: o->echo = 1; break;
		case OPT_ONCE: o->once = 1; break;
		case OPT_HEX: o->hex = 1; break;
		case OPT_ENC: o->encoding = optarg; break;
		case OPT_JSON: o->json = 1; break;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		nt_usage_error("needs tcp|udp and PORT (see 'nettool listen --help')");
	if (sock_parse_proto(argv[0], &o->spec.proto) < 0)
		nt_usage_error("unknown protocol '%s' (tcp or udp)",
			       nt_quote(argv[0], q, sizeof q));
	o->spec.port = opt_port_text(argv[1]);
}

/* Names the process holding the port when /proc shows it. */
static void address_in_use(const struct listen_opts *o)
{
	char who[64];
	const char *host = o->spec.host;

	if (!host)
		host = o->spec.family == AF_INET6 ? "[::]" : "0.0.0.0";
	if (procnet_port_owner_text(nt_proc_root(), o->spec.proto == SOCK_PROTO_UDP, atoi(o->spec.port),
			     who, sizeof who))
		nt_die(EXIT_NO, "address %s%s%s:%s in use by %s",
		       strchr(host, ':') && host[0] != '[' ? "[" : "", host,
		       strchr(host, ':') && host[0] != '[' ? "]" : "",
		       o->spec.port, who);
	nt_die(EXIT_NO, "address %s:%s in use", host, o->spec.port);
}

int cmd_listen(int argc, char **argv)
{
	static struct server s;
	struct sockaddr_storage bound;
	socklen_t blen;
	int err = 0;
	char q[64];

	parse_args(&s.o, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if (enc_filter_init(&s.fin, s.o.encoding ? "UTF-8" : NULL, s.o.encoding, s.o.hex) < 0 ||
	    enc_filter_init(&s.fout, s.o.encoding, s.o.encoding ? "UTF-8" : NULL, 0) < 0)
		nt_usage_error("unknown encoding '%s'",
			       nt_quote(s.o.encoding ? s.o.encoding : "", q, sizeof q));
	sock_raise_nofile();
	s.lfd = sock_listen(&s.o.spec, 4096, &err, &bound, &blen);
	if (s.lfd < 0) {
		if (err < 0)
			nt_usage_error("cannot resolve '%s': %s",
				       nt_quote(s.o.spec.host ? s.o.spec.host : "", q, sizeof q),
				       sock_strerror(err));
		if (err == EADDRINUSE)
			address_in_use(&s.o);
		nt_die(EXIT_NO, "cannot listen on %s port %s: %s",
		       s.o.spec.host ? s.o.spec.host : "*", s.o.spec.port, sock_strerror(err));
	}
	sock_format_addr((struct sockaddr *)&bound, blen, s.bound, sizeof s.bound);
	s.l = loop_new();
	if (!s.l || loop_signal(s.l, SIGINT, on_signal, &s) < 0 ||
	    loop_signal(s.l, SIGTERM, on_signal, &s) < 0)
		nt_die(EXIT_NO, "cannot start: %s", strerror(errno));
	if (s.o.spec.proto == SOCK_PROTO_UDP)
		err = run_udp(&s);
	else
		err = run_tcp(&s);
	loop_free(s.l);
	close(s.lfd);
	enc_filter_free(&s.fin);
	enc_filter_free(&s.fout);
	return err;
}
