/* lib/loop and lib/sock: buffers, timers, a pump over pipes and a
 * loopback TCP connection, error words. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/io.h"
#include "core/loop.h"
#include "net/sock.h"
#include "unit.h"

static int fired;
static void on_timer(struct loop *l, void *arg)
{
	(void)l;
	fired += *(int *)arg;
}

static enum pump_end end_how = (enum pump_end)-1;
static void on_end(struct pump *p, enum pump_end how, int err, void *arg)
{
	(void)p;
	(void)err;
	(void)arg;
	end_how = how;
}

static void test_lbuf(void)
{
	struct lbuf b;
	char big[20] = { 0 };

	lbuf_init(&b, 16);
	CHECK(b.data == NULL);
	CHECK_INT(lbuf_put(&b, "hello", 5), 0);
	CHECK_INT(lbuf_len(&b), 5);
	CHECK_INT(lbuf_space(&b), 11);
	CHECK_INT(lbuf_put(&b, big, 12), -1); /* never grows past cap */
	CHECK_INT(lbuf_len(&b), 5);
	lbuf_free(&b);
}

static void test_timer(void)
{
	struct loop *l = loop_new();
	int one = 1, two = 2, id;

	CHECK(l != NULL);
	loop_timer(l, 1, on_timer, &one);
	id = loop_timer(l, 1, on_timer, &two);
	loop_timer_cancel(l, id);
	CHECK_INT(loop_run(l), 0);
	CHECK_INT(fired, 1);
	loop_free(l);
}

static int order[4], norder;
static void on_timer_us(struct loop *l, void *arg)
{
	(void)l;
	order[norder++] = *(int *)arg;
}

/* Microsecond timers fire in order and never early, also when a slow
 * turn (a sanitizer, a busy machine) finds several due at once. */
static void test_timer_us(void)
{
	struct loop *l = loop_new();
	int a = 1, b = 2, c = 3;
	long long t0 = loop_now_us(), ms = loop_now_ms();

	CHECK(ms >= t0 / 1000 && ms <= t0 / 1000 + 1000);
	loop_timer_us(l, 700, on_timer_us, &c);
	loop_timer_us(l, 300, on_timer_us, &b);
	loop_timer_us(l, 0, on_timer_us, &a);
	CHECK_INT(loop_run(l), 0);
	CHECK_INT(norder, 3);
	CHECK_INT(order[0], 1);
	CHECK_INT(order[1], 2);
	CHECK_INT(order[2], 3);
	CHECK(loop_now_us() - t0 >= 700);
	norder = 0;
	t0 = loop_now_us();
	loop_timer_us(l, 200, on_timer_us, &c);
	loop_timer_us(l, 100, on_timer_us, &b);
	loop_timer_us(l, 300, on_timer_us, &a);
	while (loop_now_us() - t0 < 1000)
		; /* all three due before the loop looks */
	CHECK_INT(loop_run(l), 0);
	CHECK_INT(norder, 3);
	CHECK_INT(order[0], 2);
	CHECK_INT(order[1], 3);
	CHECK_INT(order[2], 1);
	loop_free(l);
}

static void test_pump_pipe(void)
{
	struct loop *l = loop_new();
	struct pump_opts o = { .bufsize = 4096, .on_end = on_end };
	int a[2], b[2];
	char *data = malloc(100000), *got = malloc(100000);
	struct pump *p;
	size_t i, n = 0;
	ssize_t r;

	for (i = 0; i < 100000; i++)
		data[i] = (char)(i * 7);
	CHECK(pipe(a) == 0 && pipe(b) == 0);
	if (fork() == 0) {
		close(a[0]);
		io_write_all(a[1], data, 100000);
		_exit(0);
	}
	close(a[1]);
	if (fork() == 0) {
		close(b[1]);
		while ((r = io_read(b[0], got + n, 100000 - n)) > 0)
			n += (size_t)r;
		_exit(n == 100000 && memcmp(got, data, n) == 0 ? 0 : 1);
	}
	close(b[0]);
	p = pump_new(l, a[0], b[1], &o);
	CHECK(p != NULL);
	CHECK_INT(loop_run(l), 0);
	CHECK_INT(end_how, PUMP_DONE);
	CHECK_INT(pump_bytes(p), 100000);
	pump_free(p);
	close(b[1]);
	{
		int st, ok = 1;
		while (wait(&st) > 0)
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				ok = 0;
		CHECK(ok);
	}
	close(a[0]);
	free(data);
	free(got);
	loop_free(l);
}

static void test_sock(void)
{
	struct sock_spec s = { .proto = SOCK_PROTO_TCP, .family = 0,
			       .host = "127.0.0.1", .port = "0" };
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[SOCK_ADDRSTRLEN], port[16];
	int err = 0, lfd, cfd;
	enum sock_transport pr;

	lfd = sock_listen(&s, 16, &err, &ss, &len);
	CHECK(lfd >= 0);
	sock_format_addr((struct sockaddr *)&ss, len, buf, sizeof buf);
	CHECK(strncmp(buf, "127.0.0.1:", 10) == 0);
	snprintf(port, sizeof port, "%d", sock_addr_port((struct sockaddr *)&ss));
	s.port = port;
	s.timeout_ms = 2000;
	cfd = sock_connect(&s, &err, NULL, NULL);
	CHECK(cfd >= 0);
	close(cfd);
	close(lfd);
	/* Nobody listens there now. */
	cfd = sock_connect(&s, &err, NULL, NULL);
	CHECK_INT(cfd, -1);
	CHECK_STR(sock_strerror(err), "connection refused");
	CHECK_STR(sock_strerror(EADDRINUSE), "address in use");
	CHECK_INT(sock_parse_proto("udp", &pr), 0);
	CHECK_INT(pr, SOCK_PROTO_UDP);
	CHECK_INT(sock_parse_proto("icmp", &pr), -1);
	CHECK(sock_raise_nofile() > 0);
}

int main(void)
{
	test_lbuf();
	test_timer();
	test_timer_us();
	test_pump_pipe();
	test_sock();
	return unit_report();
}
