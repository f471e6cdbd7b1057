/* nettool listen: a TCP or UDP server (netcat's listen mode) serving any
 * number of clients from one event loop (lib/net/relay). */
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
#include "net/relay.h"
#include "net/sock.h"
#include "system/procnet.h"

const char listen_usage[] =
	"usage: nettool listen [-4] [-6] [-k] [-b ADDR] [--echo] [--once] [--max-clients N] [--timeout SECS] [--hex] [--encoding ENC] [-j|--json] tcp|udp PORT\n"
	"\n"
	"Listens on PORT (0: any free port); the address bound is announced on\n"
	"stderr. Received data goes to stdout, stdin goes to the clients.\n"
	"  -4, -6           IPv4 / IPv6 only (default: both)\n"
	"  -b ADDR          bind to ADDR only\n"
	"  -k               keep listening (the default; accepted for netcat habits)\n"
	"  --echo           send each client's data back to it instead of to stdout\n"
	"  --once           exit after the first client leaves\n"
	"  --max-clients N  serve at most N clients at once; others are closed\n"
	"  --timeout SECS   drop a TCP client idle that long\n"
	"  --hex            hex-dump what is received\n"
	"  --encoding ENC   received text is ENC, printed as UTF-8; stdin is sent as ENC\n"
	"  -j, --json       events as JSON Lines on stderr\n";

struct listen_opts {
	struct sock_spec spec;
	int echo, once, hex, json, idle_ms;
	long max_clients;
	const char *encoding;
};

struct server {
	struct listen_opts o;
	struct loop *l;
	int lfd;
	char bound[SOCK_ADDRSTRLEN];
	int port;                      /* bound */
	struct enc_filter fin, fout;   /* client->stdout, stdin->clients */
	struct out *events;            /* --json: events on stderr */
};

static const struct out_col event_cols[] = {
	{ "event", "event", 0, 0 }, { "proto", "proto", 0, 0 },
	{ "peer", "peer", 0, 0 }, { "bytes", "bytes", 0, 0 },
	{ "bytes_received", "bytes_received", 0, 0 },
	{ "bytes_sent", "bytes_sent", 0, 0 }, { "clients", "clients", 0, 0 },
};

static void json_event(struct server *s, const char *what,
		       const struct relay_peer *p)
{
	out_str(out_key(s->events, "event"), what);
	out_str(out_key(s->events, "proto"), "tcp");
	out_str(out_key(s->events, "peer"), p->peer);
	out_uint(out_key(s->events, "bytes_received"), p->bytes_in);
	out_uint(out_key(s->events, "bytes_sent"), p->bytes_out);
	out_uint(out_key(s->events, "clients"), p->clients);
	out_end(s->events);
}

static void on_relay_event(struct relay *r, enum relay_event ev,
			   const struct relay_peer *p, void *arg)
{
	struct server *s = arg;

	(void)r;
	switch (ev) {
	case RELAY_CONNECT:
		if (s->events)
			json_event(s, "connect", p);
		else
			nt_warn("connection from %s", p->peer);
		break;
	case RELAY_DISCONNECT:
		if (s->events)
			json_event(s, "disconnect", p);
		else
			nt_warn("%s closed (%llu bytes in, %llu bytes out)",
				p->peer, p->bytes_in, p->bytes_out);
		if (s->o.once)
			loop_stop(s->l);
		break;
	case RELAY_CLIENT_ERROR:
		if (!s->events)
			nt_warn("%s: %s", p->peer, sock_strerror(p->err));
		break;
	case RELAY_IDLE:
		if (!s->events)
			nt_warn("%s idle for %g s: dropped", p->peer, s->o.idle_ms / 1000.0);
		break;
	case RELAY_PAUSED:
		nt_warn("cannot accept: %s; new clients wait", strerror(p->err));
		break;
	case RELAY_REFUSED:
		if (s->events)
			json_event(s, "refused", p);
		else
			nt_warn("%s refused: --max-clients %ld reached", p->peer,
				s->o.max_clients);
		break;
	case RELAY_OUT_ERROR:
		if (p->err != EPIPE)
			nt_warn("writing stdout: %s", strerror(p->err));
		break;
	}
}

static void on_signal(struct loop *l, int signo, void *arg)
{
	(void)signo;
	(void)arg;
	loop_stop(l);
}

static int run_tcp(struct server *s)
{
	struct relay_opts ro = {
		.in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO, .echo = s->o.echo,
		.max_clients = (size_t)s->o.max_clients, .idle_ms = s->o.idle_ms,
		.on_event = on_relay_event, .arg = s,
	};
	struct relay_stats st;
	struct relay *r;

	if (s->fin.enc || s->fin.hexdump || s->fin.esc.mode) {
		ro.to_out = enc_filter;
		ro.to_out_arg = &s->fin;
		ro.to_out_ratio = enc_filter_ratio(&s->fin);
	}
	if (s->fout.enc) {
		ro.to_clients = enc_filter;
		ro.to_clients_arg = &s->fout;
		ro.to_clients_ratio = enc_filter_ratio(&s->fout);
	}
	r = relay_new(s->l, s->lfd, &ro);
	if (!r)
		nt_die(EXIT_NO, "cannot start: %s", strerror(errno));
	if (loop_run(s->l) < 0)
		nt_die(EXIT_NO, "event loop: %s", strerror(errno));
	s->o.once = 0;
	relay_free(r, &st);
	if (!s->events)
		nt_warn("closed %s: %llu clients, %llu bytes in, %llu bytes out",
			s->bound, st.served, st.bytes_in, st.bytes_out);
	return EXIT_YES;
}

#define UDP_BATCH 32

struct udp_server {
	struct server *s;
	struct sock_batch b;
	char *scratch;
	size_t outcap;
	struct obuf ob;
	unsigned long long count, bytes;
	int tty, port;
};

/* One datagram to stdout; on a terminal its sender first and the whole
 * datagram on one line (its newlines escaped, so it cannot forge the
 * line of another sender). */
static void print_datagram(struct udp_server *u, const char *who,
			   const char *p, size_t len)
{
	struct enc_filter *f = &u->s->fin;

	if (u->tty) {
		obuf_put(&u->ob, "[", 1);
		obuf_put(&u->ob, who, strlen(who));
		obuf_put(&u->ob, "] ", 2);
		if (len && p[len - 1] == '\n' && !f->hexdump)
			len--;
	}
	if (f->enc || f->hexdump || f->esc.mode) {
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
		struct sock_dgram *d = &u->b.d[i];
		size_t len = d->len > SOCK_UDP_MAX ? SOCK_UDP_MAX : d->len;
		char who[SOCK_ADDRSTRLEN];
		u->count++;
		u->bytes += len;
		sock_format_addr((struct sockaddr *)&d->addr, d->addrlen, who, sizeof who);
		if (u->s->events) {
			out_str(out_key(u->s->events, "event"), "datagram");
			out_str(out_key(u->s->events, "proto"), "udp");
			out_str(out_key(u->s->events, "peer"), who);
			out_uint(out_key(u->s->events, "bytes"), len);
			out_end(u->s->events);
		}
		if (u->s->o.echo)
			d->len = len;
		else
			print_datagram(u, who, d->buf, len);
	}
	if (u->s->o.echo)
		sock_echo_batch(u->s->lfd, u->b.d, n, u->port);
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
		n = sock_batch_recv(fd, &u->b);
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

	sock_batch_init(&u.b, UDP_BATCH, SOCK_UDP_MAX + 1);
	u.outcap = (SOCK_UDP_MAX + 1) * enc_filter_ratio(&s->fin) * 2 + 256;
	u.scratch = xmalloc(u.outcap);
	u.tty = nt_stdout_is_tty();
	u.port = s->port;
	if (obuf_init(&u.ob, STDOUT_FILENO, 1 << 20) < 0)
		nt_die(EXIT_NO, "out of memory");
	sock_set_rcvbuf(s->lfd, 8 << 20);
	if (loop_watch(s->l, s->lfd, LOOP_IN, on_udp, &u) < 0 ||
	    loop_on_error(s->l, s->lfd, on_udp_error) < 0)
		nt_die(EXIT_NO, "cannot start: %s", strerror(errno));
	if (loop_run(s->l) < 0)
		nt_die(EXIT_NO, "event loop: %s", strerror(errno));
	obuf_flush(&u.ob);
	if (u.ob.err && u.ob.err != EPIPE)
		nt_warn("writing stdout: %s", strerror(u.ob.err));
	if (!s->events)
		nt_warn("closed %s: %llu datagrams, %llu bytes", s->bound, u.count,
			u.bytes);
	obuf_free(&u.ob);
	sock_batch_free(&u.b);
	free(u.scratch);
	return 0;
}

static void parse_args(struct listen_opts *o, int argc, char **argv)
{
	enum { OPT_ECHO = 256, OPT_ONCE, OPT_HEX, OPT_ENC, OPT_MAX, OPT_TIMEOUT };
	static const struct option longopts[] = {
		{ "echo", no_argument, NULL, OPT_ECHO },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "encoding", required_argument, NULL, OPT_ENC },
		{ "json", no_argument, NULL, 'j' },
		{ "max-clients", required_argument, NULL, OPT_MAX },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ NULL, 0, NULL, 0 },
	};
	char q[64];
	int c;

	memset(o, 0, sizeof *o);
	while ((c = nt_getopt(argc, argv, "46kb:j", longopts)) != -1) {
		switch (c) {
		case '4': o->spec.family = AF_INET; break;
		case '6': o->spec.family = AF_INET6; break;
		case 'k': break;
		case 'b': o->spec.host = optarg; break;
		case OPT_ECHO: o->echo = 1; break;
		case OPT_ONCE: o->once = 1; break;
		case OPT_HEX: o->hex = 1; break;
		case OPT_ENC: o->encoding = optarg; break;
		case 'j': o->json = 1; break;
		case OPT_MAX: o->max_clients = opt_count("max-clients", optarg, 1, 1000000); break;
		case OPT_TIMEOUT: o->idle_ms = opt_timeout_ms(optarg); break;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		nt_usage_error("needs tcp|udp and PORT (see 'nettool listen --help')");
	if (sock_parse_proto(argv[0], &o->spec.proto) < 0)
		nt_usage_error("unknown protocol '%s' (tcp or udp)",
			       nt_quote(argv[0], q, sizeof q));
	opt_port(argv[1], 0);
	o->spec.port = argv[1];
}

/* Names the process holding the port when /proc shows it. */
static void address_in_use(const struct listen_opts *o)
{
	char who[64], q[300];
	const char *host = o->spec.host;

	if (!host)
		host = o->spec.family == AF_INET6 ? "[::]" : "0.0.0.0";
	if (procnet_port_owner_text(nt_proc_root(), o->spec.proto == SOCK_PROTO_UDP, atoi(o->spec.port),
			     who, sizeof who))
		nt_die(EXIT_NO, "address %s%s%s:%s in use by %s",
		       strchr(host, ':') && host[0] != '[' ? "[" : "", host,
		       strchr(host, ':') && host[0] != '[' ? "]" : "",
		       o->spec.port, nt_quote(who, q, sizeof q)); /* a name is anyone's */
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
	/* a terminal gets escaped text; --hex is safe as it is */
	if (nt_stdout_is_tty() && !s.o.hex)
		s.fin.esc.mode = s.o.spec.proto == SOCK_PROTO_UDP ?
			ESC_NEWLINES : ESC_KEEP_NEWLINES;
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
	s.port = sock_addr_port((struct sockaddr *)&bound);
	if (s.o.json)
		s.events = out_open(stderr, OUT_JSON, event_cols,
				    sizeof event_cols / sizeof event_cols[0]);
	nt_announce_listening(s.lfd, s.o.json);
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
	if (s.events)
		out_close(s.events);
	return err;
}
