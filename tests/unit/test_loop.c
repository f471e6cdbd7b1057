/* lib/loop and lib/sock: buffers, timers, a pump over pipes and a
 * loopback TCP connection, error words. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
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
	/* gaps of tens of ms: a pause between two calls (a busy machine)
	 * must not be able to reorder the deadlines themselves */
	loop_timer_us(l, 70000, on_timer_us, &c);
	loop_timer_us(l, 30000, on_timer_us, &b);
	loop_timer_us(l, 0, on_timer_us, &a);
	CHECK_INT(loop_run(l), 0);
	CHECK_INT(norder, 3);
	CHECK_INT(order[0], 1);
	CHECK_INT(order[1], 2);
	CHECK_INT(order[2], 3);
	CHECK(loop_now_us() - t0 >= 70000);
	norder = 0;
	t0 = loop_now_us();
	loop_timer_us(l, 20000, on_timer_us, &c);
	loop_timer_us(l, 10000, on_timer_us, &b);
	loop_timer_us(l, 30000, on_timer_us, &a);
	while (loop_now_us() - t0 < 100000)
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

/* ---- UDP batches (a unix datagram socketpair: no network) ---- */

static int replies_seen;
static size_t replies_bytes;

static int on_reply_dgram(const char *p, size_t n, void *arg)
{
	(void)p, (void)arg;
	replies_seen++;
	replies_bytes += n;
	return 0;
}

static void test_batch(void)
{
	struct sock_batch out, in;
	char big[200] = { 0 };
	int sv[2], n, signo = -1;

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	sock_batch_init(&out, 2, 100);
	sock_batch_init(&in, 8, 101);
	CHECK_INT(sock_batch_queue(sv[0], &out, "one", 3), 0);
	CHECK_INT(sock_batch_queue(sv[0], &out, "two!", 4), 0); /* full: sent */
	CHECK_INT(out.count, 2);
	CHECK_INT(sock_batch_queue(sv[0], &out, "three", 5), 0);
	CHECK_INT(out.count, 2);
	CHECK_INT(sock_batch_flush(sv[0], &out), 0);
	CHECK_INT(out.count, 3);
	CHECK_INT(out.bytes, 12);
	CHECK_INT(sock_batch_queue(sv[0], &out, big, sizeof big), -1);
	CHECK_INT(errno, EMSGSIZE);
	n = sock_batch_recv(sv[1], &in);
	CHECK_INT(n, 3);
	CHECK(in.d[0].len == 3 && memcmp(in.d[0].buf, "one", 3) == 0);
	CHECK(in.d[2].len == 5 && memcmp(in.d[2].buf, "three", 5) == 0);
	CHECK_INT(sock_batch_recv(sv[1], &in), -1); /* none left */
	CHECK_INT(errno, EAGAIN);
	/* Replies until a quiet spell. */
	sock_batch_queue(sv[0], &out, "r1", 2);
	sock_batch_queue(sv[0], &out, "r22", 3);
	CHECK_INT(sock_recv_until_idle(sv[1], 50, on_reply_dgram, NULL, &signo), 0);
	CHECK_INT(replies_seen, 2);
	CHECK_INT(replies_bytes, 5);
	CHECK_INT(signo, 0);
	sock_batch_free(&out);
	sock_batch_free(&in);
	close(sv[0]);
	close(sv[1]);
}

/* ---- accepting with a full descriptor table ---- */

struct acc_state {
	int fds[64];
	int nfds, pauses, last_err, lfd;
};

static void on_conn(struct loop *l, int fd, const struct sockaddr *sa,
		    socklen_t len, void *arg)
{
	struct acc_state *st = arg;

	(void)l;
	(void)sa;
	(void)len;
	st->fds[st->nfds++] = fd;
}

static void on_pause(struct loop *l, int lfd, int err, void *arg)
{
	struct acc_state *st = arg;

	(void)l;
	(void)lfd;
	st->pauses++;
	st->last_err = err;
}

static void stop_loop(struct loop *l, void *arg)
{
	(void)arg;
	loop_stop(l);
}

static int unix_listener(struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path + 1, sizeof sun->sun_path - 1, "nt-unit-%d", (int)getpid());
	if (bind(fd, (struct sockaddr *)sun, sizeof *sun) < 0 || listen(fd, 64) < 0)
		return -1;
	return fd;
}

static int unix_client(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (connect(fd, (const struct sockaddr *)sun, sizeof *sun) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void dummy_fd(struct loop *l, int fd, unsigned ev, void *arg)
{
	(void)l, (void)fd, (void)ev, (void)arg;
}

/* Runs l for ms milliseconds. */
static void run_for(struct loop *l, long long ms)
{
	loop_timer(l, ms, stop_loop, NULL);
	loop_run(l);
}

static void test_accept_pause(void)
{
	struct loop *l = loop_new();
	struct acc_state st = { .nfds = 0 };
	struct sockaddr_un sun;
	struct rlimit old, low;
	int clients[20], extra[3], i, probe;

	st.lfd = unix_listener(&sun);
	CHECK(st.lfd >= 0);
	for (i = 0; i < 20; i++)
		clients[i] = unix_client(&sun);
	CHECK(clients[19] >= 0);
	CHECK_INT(loop_accept(l, st.lfd, on_conn, on_pause, &st), 0);
	/* Room for exactly three more descriptors. */
	probe = dup(0);
	close(probe);
	getrlimit(RLIMIT_NOFILE, &old);
	low = old;
	low.rlim_cur = (rlim_t)probe + 3;
	CHECK_INT(setrlimit(RLIMIT_NOFILE, &low), 0);
	run_for(l, 300);
	CHECK_INT(st.nfds, 3);
	CHECK_INT(st.pauses, 1);     /* once per pause, not per retry */
	CHECK_INT(st.last_err, EMFILE);
	/* One of ours closes: the paused listener takes one more at once. */
	loop_watch(l, st.fds[0], 0, dummy_fd, NULL);
	loop_unwatch(l, st.fds[0]);
	close(st.fds[0]);
	run_for(l, 20);
	CHECK_INT(st.nfds, 4);
	CHECK_INT(st.pauses, 1);
	/* Room again: the backlog empties, the pause ends. */
	setrlimit(RLIMIT_NOFILE, &old);
	run_for(l, 300);
	CHECK_INT(st.nfds, 20);
	CHECK_INT(st.pauses, 1);
	/* A new pause is reported again. */
	for (i = 0; i < 3; i++)
		extra[i] = unix_client(&sun);
	probe = dup(0);
	close(probe);
	low.rlim_cur = (rlim_t)probe;
	setrlimit(RLIMIT_NOFILE, &low);
	run_for(l, 100);
	setrlimit(RLIMIT_NOFILE, &old);
	CHECK_INT(st.nfds, 20);
	CHECK_INT(st.pauses, 2);
	run_for(l, 300);
	CHECK_INT(st.nfds, 23);
	for (i = 0; i < 3; i++)
		close(extra[i]);
	for (i = 1; i < st.nfds; i++)
		close(st.fds[i]);
	for (i = 0; i < 20; i++)
		close(clients[i]);
	loop_unwatch(l, st.lfd);
	close(st.lfd);
	loop_free(l);
}

/* ---- errors and signals ---- */

static int got_err, got_events;

static void on_sock_error(struct loop *l, int fd, int err, void *arg)
{
	(void)fd, (void)arg;
	got_err = err;
	loop_stop(l);
}

static void on_sock_fd(struct loop *l, int fd, unsigned ev, void *arg)
{
	socklen_t len = sizeof got_err;

	(void)arg;
	got_events = (int)ev;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &got_err, &len);
	loop_stop(l);
}

/* A non-blocking connect to a port nobody listens on fails with an
 * error condition; the loop reads SO_ERROR and hands it over. */
static int refused_socket(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof sin;
	int probe = socket(AF_INET, SOCK_STREAM, 0), fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(probe, (struct sockaddr *)&sin, sizeof sin);
	getsockname(probe, (struct sockaddr *)&sin, &len);
	close(probe);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(fd, (struct sockaddr *)&sin, sizeof sin);
	return fd;
}

static void test_socket_error(void)
{
	struct loop *l = loop_new();
	int fd = refused_socket();

	loop_watch(l, fd, LOOP_OUT, on_sock_fd, NULL);
	loop_on_error(l, fd, on_sock_error);
	got_err = 0;
	run_for(l, 2000);
	CHECK_INT(got_err, ECONNREFUSED);
	loop_unwatch(l, fd);
	close(fd);
	/* Without an error handler: LOOP_ERR, the error left to read. */
	fd = refused_socket();
	loop_watch(l, fd, LOOP_OUT, on_sock_fd, NULL);
	got_err = 0;
	run_for(l, 2000);
	CHECK(got_events & LOOP_ERR);
	CHECK_INT(got_err, ECONNREFUSED);
	loop_unwatch(l, fd);
	close(fd);
	loop_free(l);
}

static int got_signo;

static void on_sig(struct loop *l, int signo, void *arg)
{
	(void)arg;
	got_signo = signo;
	loop_stop(l);
}

static void test_signal(void)
{
	struct loop *l = loop_new();
	sigset_t now;

	CHECK_INT(loop_signal(l, SIGUSR1, on_sig, NULL), 0);
	raise(SIGUSR1);
	run_for(l, 2000);
	CHECK_INT(got_signo, SIGUSR1);
	raise(SIGUSR1); /* pending at loop_free: taken, not fatal */
	loop_free(l);
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(!sigismember(&now, SIGUSR1));
}

static int quiet_reads;
static void on_quiet_readable(struct loop *l, int fd, unsigned ev, void *arg)
{
	char c;

	(void)ev;
	(void)arg;
	if (read(fd, &c, 1) == 1)
		quiet_reads++;
	loop_stop(l);
}

/* A quiet fd is not reported however long it is readable; put back, it
 * is reported at once. */
static void test_quiet(void)
{
	struct loop *l = loop_new();
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	CHECK_INT(loop_watch(l, sv[0], LOOP_IN, on_quiet_readable, NULL), 0);
	CHECK_INT(loop_quiet(l, sv[0], 1), 0);
	CHECK_INT(loop_quiet(l, sv[0], 1), 0);
	CHECK(write(sv[1], "x", 1) == 1);
	loop_timer(l, 50, stop_loop, NULL);
	loop_run(l);
	CHECK_INT(quiet_reads, 0);
	CHECK_INT(loop_events(l, sv[0], LOOP_IN), 0); /* no epoll call while quiet */
	CHECK_INT(loop_quiet(l, sv[0], 0), 0);
	loop_timer(l, 5000, stop_loop, NULL);
	loop_run(l);
	CHECK_INT(quiet_reads, 1);
	CHECK_INT(loop_quiet(l, sv[0], 1), 0);
	CHECK_INT(loop_unwatch(l, sv[0]), 0);
	close(sv[0]);
	close(sv[1]);
	loop_free(l);
}

int main(void)
{
	test_lbuf();
	test_timer();
	test_timer_us();
	test_pump_pipe();
	test_sock();
	test_batch();
	test_quiet();
	test_accept_pause();
	test_socket_error();
	test_signal();
	return unit_report();
}
