/* lib/core/alloc: growth of arrays, copies, and the one out-of-memory
 * message and status. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/alloc.h"
#include "unit.h"

static void test_grow(void)
{
	size_t cap = 0;
	int *v = xgrow(NULL, &cap, 1, sizeof *v), *w;

	CHECK_INT(cap, 16); /* at least 16 */
	v[15] = 7;
	w = xgrow(v, &cap, 16, sizeof *v);
	CHECK(w == v);       /* room enough: the same array */
	CHECK_INT(cap, 16);
	v = xgrow(v, &cap, 17, sizeof *v);
	CHECK_INT(cap, 32);  /* doubles */
	CHECK_INT(v[15], 7); /* and keeps what was there */
	v = xgrow(v, &cap, 1000, sizeof *v);
	CHECK_INT(cap, 1024);
	free(v);
}

static void test_copies(void)
{
	char *s = xstrndup("abcdef", 3), *t = xstrdup("");

	CHECK_STR(s, "abc");
	CHECK_STR(t, "");
	free(s);
	free(t);
	s = xstrndup("ab", 10); /* n past the end: the string as it is */
	CHECK_STR(s, "ab");
	free(s);
}

/* Runs fn in a child; returns its exit status and what it wrote on stderr. */
static int in_child(void (*fn)(void), char *err, size_t n)
{
	int fds[2], status = -1;
	ssize_t k;
	pid_t pid;

	if (pipe(fds) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], 2);
		fn();
		_exit(99);
	}
	close(fds[1]);
	k = read(fds[0], err, n - 1);
	err[k > 0 ? k : 0] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A size that cannot be (an overflow, checked before any malloc, so a
 * sanitizer's allocator never sees it). */
static void grow_too_far(void)
{
	size_t cap = 0;

	(void)xgrow(NULL, &cap, SIZE_MAX / 2, 16);
}

static void grow_too_far_in_port(void)
{
	alloc_set_prefix("port");
	grow_too_far();
}

static void test_out_of_memory(void)
{
	char err[256];

	CHECK_INT(in_child(grow_too_far, err, sizeof err), ALLOC_EXIT);
	CHECK_STR(err, "nettool: out of memory\n");
	CHECK_INT(in_child(grow_too_far_in_port, err, sizeof err), ALLOC_EXIT);
	CHECK_STR(err, "nettool port: out of memory\n");
	CHECK_INT(ALLOC_EXIT, 1);
}

int main(void)
{
	test_grow();
	test_copies();
	test_out_of_memory();
	return unit_report();
}
