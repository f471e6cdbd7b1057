/* lib/net/duplex: send's TCP conversation over a socketpair and pipes
 * (no network): the exchange with a half-close, a peer that leaves
 * before the end of input, the idle timeout, and a signal that leaves
 * the descriptors blocking as they were. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/io.h"
#include "net/duplex.h"
#include "unit.h"

static int nonblocking(int fd)
{
	return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
}

/* The peer: reads to EOF, answers, closes. */
static void answering_peer(int s)
{
	char buf[64];

	while (read(s, buf, sizeof buf) > 0)
		;
	io_write_all(s, "reply", 5);
	_exit(0);
}

static void test_exchange(void)
{
	int sv[2], in[2], out[2];
	struct duplex_opts o = { .idle_ms = 5000 };
	struct duplex_result r;
	char buf[16] = "";
	pid_t pid;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(pipe(in) == 0 && pipe(out) == 0);
	io_write_all(in[1], "hello", 5);
	close(in[1]); /* before the fork: the peer must not hold it open */
	if ((pid = fork()) == 0) {
		close(sv[0]);
		answering_peer(sv[1]);
	}
	close(sv[1]);
	o.in_fd = in[0];
	o.out_fd = out[1];
	CHECK_INT(duplex_run(sv[0], &o, &r), 0);
	CHECK_INT(r.end, DUPLEX_DONE);
	CHECK_INT(r.sent, 5);
	CHECK_INT(r.received, 5);
	CHECK_INT(read(out[0], buf, sizeof buf), 5);
	CHECK(memcmp(buf, "reply", 5) == 0);
	CHECK(!nonblocking(in[0]) && !nonblocking(out[1]));
	waitpid(pid, NULL, 0);
	close(sv[0]), close(in[0]), close(out[0]), close(out[1]);
}

static void test_cut_short_and_idle(void)
{
	int sv[2], in[2], out[2];
	struct duplex_opts o = { .idle_ms = 50 };
	struct duplex_result r;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(pipe(in) == 0 && pipe(out) == 0);
	o.in_fd = in[0];
	o.out_fd = out[1];
	/* Nothing moves: the idle timeout ends it. */
	CHECK_INT(duplex_run(sv[0], &o, &r), 0);
	CHECK_INT(r.end, DUPLEX_IDLE);
	CHECK_INT(r.err, ETIMEDOUT);
	/* The peer leaves while input is still open: cut short... */
	close(sv[1]);
	o.idle_ms = 5000;
	CHECK_INT(duplex_run(sv[0], &o, &r), 0);
	CHECK_INT(r.end, DUPLEX_CUT_SHORT);
	/* ...unless input is a terminal, where that is just the end. */
	o.cut_short_ok = 1;
	CHECK_INT(duplex_run(sv[0], &o, &r), 0);
	CHECK_INT(r.end, DUPLEX_DONE);
	close(sv[0]), close(in[0]), close(in[1]), close(out[0]), close(out[1]);
}

static void test_signal(void)
{
	int sv[2], in[2], out[2];
	struct duplex_opts o = { 0 };
	struct duplex_result r;
	sigset_t now;
	pid_t pid;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(pipe(in) == 0 && pipe(out) == 0);
	o.in_fd = in[0];
	o.out_fd = out[1];
	if ((pid = fork()) == 0) {
		/* once the pumps made stdin non-blocking, a SIGTERM */
		while (!nonblocking(in[0]))
			usleep(1000);
		kill(getppid(), SIGTERM);
		_exit(0);
	}
	CHECK_INT(duplex_run(sv[0], &o, &r), 0);
	CHECK_INT(r.end, DUPLEX_SIGNAL);
	CHECK_INT(r.signo, SIGTERM);
	CHECK(!nonblocking(in[0]) && !nonblocking(out[1]));
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(!sigismember(&now, SIGTERM));
	waitpid(pid, NULL, 0);
	close(sv[0]), close(sv[1]), close(in[0]), close(in[1]);
	close(out[0]), close(out[1]);
}

int main(void)
{
	test_exchange();
	test_cut_short_and_idle();
	test_signal();
	return unit_report();
}
