/* lib/net/relay: listen's fan-out over a unix socket listener and pipes
 * (no network): broadcast, echo, output with a filter, backpressure,
 * the cap on clients and the idle timeout. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/io.h"
#include "core/loop.h"
#include "net/relay.h"
#include "unit.h"

static int counts[RELAY_REFUSED + 1];

static void on_event(struct relay *r, enum relay_event ev,
		     const struct relay_peer *p, void *arg)
{
	(void)r, (void)p, (void)arg;
	counts[ev]++;
}

static void stop_loop(struct loop *l, void *arg)
{
	(void)arg;
	loop_stop(l);
}

static void run_for(struct loop *l, long long ms)
{
	int id = loop_timer(l, ms, stop_loop, NULL);

	loop_run(l);
	loop_timer_cancel(l, id);
}

static struct sockaddr_un addr;

static int listener(void)
{
	static int seq;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	memset(&addr, 0, sizeof addr);
	addr.sun_family = AF_UNIX;
	snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "nt-relay-%d-%d",
		 (int)getpid(), seq++);
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 16) < 0)
		return -1;
	return fd;
}

static int client(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
		return -1;
	return fd;
}

/* Reads what fd holds now (non-blocking) into buf, NUL-terminated. */
static size_t drain(struct loop *l, int fd, char *buf, size_t cap, size_t want)
{
	size_t n = 0;
	ssize_t r;
	int i;

	for (i = 0; i < 100 && n < want; i++) {
		run_for(l, 10);
		while ((r = recv(fd, buf + n, cap - 1 - n, MSG_DONTWAIT)) > 0)
			n += (size_t)r;
		if (r < 0 && errno != EAGAIN)
			break;
	}
	buf[n] = '\0';
	return n;
}

static void test_broadcast_and_out(void)
{
	struct loop *l = loop_new();
	int in[2], out[2], lfd = listener(), a, b;
	struct relay_opts o = { .on_event = on_event };
	struct relay_stats st;
	struct relay *r;
	char buf[256];

	CHECK(pipe2(in, O_NONBLOCK) == 0 && pipe2(out, O_NONBLOCK) == 0);
	o.in_fd = in[0];
	o.out_fd = out[1];
	r = relay_new(l, lfd, &o);
	CHECK(r != NULL);
	a = client();
	b = client();
	run_for(l, 50);
	CHECK_INT(counts[RELAY_CONNECT], 2);
	io_write_all(in[1], "to all\n", 7);
	drain(l, a, buf, sizeof buf, 7);
	CHECK_STR(buf, "to all\n");
	drain(l, b, buf, sizeof buf, 7);
	CHECK_STR(buf, "to all\n");
	io_write_all(a, "from a\n", 7);
	run_for(l, 50);
	CHECK_INT(read(out[0], buf, sizeof buf), 7);
	close(a);
	run_for(l, 50);
	CHECK_INT(counts[RELAY_DISCONNECT], 1);
	relay_free(r, &st);
	CHECK_INT(counts[RELAY_DISCONNECT], 2);
	CHECK_INT(st.served, 2);
	CHECK_INT(st.bytes_in, 7);
	CHECK_INT(st.bytes_out, 14);
	close(b);
	close(lfd);
	close(in[0]), close(in[1]), close(out[0]), close(out[1]);
	loop_free(l);
}

static ssize_t upper(void *arg, const char *in, size_t n, char *out, size_t cap)
{
	size_t i;

	(void)arg;
	for (i = 0; i < n && i < cap; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	return (ssize_t)i;
}

static void test_echo_and_filter(void)
{
	struct loop *l = loop_new();
	int out[2], lfd = listener(), a;
	struct relay_opts o = { .in_fd = -1, .echo = 1, .on_event = on_event };
	struct relay *r;
	char buf[256];

	CHECK(pipe2(out, O_NONBLOCK) == 0);
	o.out_fd = out[1];
	r = relay_new(l, lfd, &o);
	a = client();
	io_write_all(a, "ping", 4);
	drain(l, a, buf, sizeof buf, 4);
	CHECK_STR(buf, "ping");
	CHECK_INT(read(out[0], buf, sizeof buf), -1); /* echo: nothing out */
	relay_free(r, NULL);
	close(a);
	/* Without echo, through a filter to out_fd. */
	o.echo = 0;
	o.to_out = upper;
	r = relay_new(l, lfd, &o);
	a = client();
	io_write_all(a, "shout", 5);
	run_for(l, 50);
	CHECK_INT(read(out[0], buf, sizeof buf), 5);
	CHECK(memcmp(buf, "SHOUT", 5) == 0);
	relay_free(r, NULL);
	close(a);
	close(lfd);
	close(out[0]), close(out[1]);
	loop_free(l);
}

/* A client that never reads stops the reading of in_fd: the bytes wait
 * in the pipe, not in our memory. */
static void test_backpressure(void)
{
	struct loop *l = loop_new();
	int in[2], lfd = listener(), a, pending = 0;
	struct relay_opts o = { .out_fd = -1, .client_buf = 65536,
				.on_event = on_event };
	struct relay *r;
	char chunk[4096] = { 0 };
	size_t i;

	CHECK(pipe2(in, O_NONBLOCK) == 0);
	fcntl(in[1], F_SETPIPE_SZ, 1 << 20);
	o.in_fd = in[0];
	r = relay_new(l, lfd, &o);
	a = client();
	for (i = 0; i < 20; i++) {
		while (write(in[1], chunk, sizeof chunk) > 0)
			;
		run_for(l, 10);
	}
	ioctl(in[0], FIONREAD, &pending);
	CHECK(pending > 0);
	relay_free(r, NULL);
	close(a);
	close(lfd);
	close(in[0]), close(in[1]);
	loop_free(l);
}

static void test_cap_and_idle(void)
{
	struct loop *l = loop_new();
	int lfd = listener(), a, b;
	struct relay_opts o = { .in_fd = -1, .out_fd = -1, .max_clients = 1,
				.idle_ms = 100, .on_event = on_event };
	struct relay *r;
	int i;

	memset(counts, 0, sizeof counts);
	r = relay_new(l, lfd, &o);
	a = client();
	b = client();
	run_for(l, 50);
	CHECK_INT(counts[RELAY_CONNECT], 1);
	CHECK_INT(counts[RELAY_REFUSED], 1);  /* b closed at once */
	CHECK_INT(read(b, &i, 1), 0);
	for (i = 0; i < 100 && counts[RELAY_IDLE] < 1; i++)
		run_for(l, 10);
	CHECK_INT(counts[RELAY_IDLE], 1);     /* a dropped, room for another */
	close(b);
	b = client();
	run_for(l, 20);
	CHECK_INT(counts[RELAY_CONNECT], 2);
	for (i = 0; i < 100 && counts[RELAY_IDLE] < 2; i++)
		run_for(l, 10);
	CHECK_INT(counts[RELAY_IDLE], 2);
	CHECK_INT(counts[RELAY_DISCONNECT], 2);
	relay_free(r, NULL);
	close(a);
	close(b);
	close(lfd);
	loop_free(l);
}

int main(void)
{
	test_broadcast_and_out();
	test_echo_and_filter();
	test_backpressure();
	test_cap_and_idle();
	return unit_report();
}
