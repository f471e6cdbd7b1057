/* lib/core/io: io_writev_all resumes after short writes, in order. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/io.h"
#include "unit.h"

static void on_alarm(int sig)
{
	(void)sig;
}

/* A file size limit cuts a writev inside its second buffer: the bytes
 * before the limit are there, in order, and the error is reported. */
static void test_cut_short(void)
{
	struct rlimit old, lim = { 100, 0 };
	char a[60], b[80], got[200];
	FILE *fp = tmpfile();
	CHECK(fp != NULL);
	if (!fp || getrlimit(RLIMIT_FSIZE, &old) < 0)
		return;
	memset(a, 'a', sizeof a);
	memset(b, 'b', sizeof b);
	struct iovec iov[2] = { { a, sizeof a }, { b, sizeof b } };
	signal(SIGXFSZ, SIG_IGN);
	lim.rlim_max = old.rlim_max;
	CHECK_INT(setrlimit(RLIMIT_FSIZE, &lim), 0);
	CHECK_INT(io_writev_all(fileno(fp), iov, 2), -1);
	CHECK_INT(errno, EFBIG);
	setrlimit(RLIMIT_FSIZE, &old);
	rewind(fp);
	CHECK_INT(fread(got, 1, sizeof got, fp), 100);
	CHECK(memcmp(got, a, 60) == 0 && memcmp(got + 60, b, 40) == 0);
	fclose(fp);
}

/* Into a pipe a slow reader empties while a timer interrupts the writer
 * (no SA_RESTART): whatever the kernel cuts short, every byte arrives
 * once, in order. */
static void test_interrupted(void)
{
	enum { PARTS = 300, PART = 1000 };
	static unsigned char data[PARTS * PART];
	struct iovec iov[PARTS];
	int fds[2];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	for (int i = 0; i < PARTS; i++)
		iov[i] = (struct iovec){ data + i * PART, PART - (i % 3) * 100 };
	CHECK_INT(pipe(fds), 0);
	pid_t child = fork();
	if (child == 0) { /* compares what it reads with what it should get */
		unsigned char buf[777];
		size_t at = 0, part = 0, off = 0, bad = 0;
		ssize_t n;
		close(fds[1]);
		while ((n = read(fds[0], buf, sizeof buf)) > 0) {
			for (ssize_t k = 0; k < n; k++, at++) {
				if (part >= PARTS || buf[k] != data[part * PART + off])
					bad++;
				if (part < PARTS && ++off == iov[part].iov_len) {
					part++;
					off = 0;
				}
			}
			nanosleep(&(struct timespec){ 0, 200000 }, NULL);
		}
		_exit(bad || part != PARTS ? 1 : 0);
	}
	close(fds[0]);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval t = { { 0, 500 }, { 0, 500 } };
	setitimer(ITIMER_REAL, &t, NULL);
	struct iovec work[PARTS];
	memcpy(work, iov, sizeof work);
	CHECK_INT(io_writev_all(fds[1], work, PARTS), 0);
	t = (struct itimerval){ { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &t, NULL);
	close(fds[1]);
	int status = -1;
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	test_cut_short();
	test_interrupted();
	return unit_report();
}
