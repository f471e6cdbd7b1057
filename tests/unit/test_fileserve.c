/* lib/net/fileserve: the per-client state machine over a unix socket
 * listener (no network): a file sent whole, bad names refused, a name
 * that never comes, a client that stops reading, the cap on clients. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/io.h"
#include "core/loop.h"
#include "net/fileserve.h"
#include "unit.h"

static struct sockaddr_un addr;
static int nreports;
static struct report { enum fs_status status; char reason[128];
	char name[64]; long long bytes; } last, first;

static void on_report(const struct fs_report *r, void *arg)
{
	(void)arg;
	nreports++;
	last.status = r->status;
	snprintf(last.reason, sizeof last.reason, "%s", r->reason ? r->reason : "");
	snprintf(last.name, sizeof last.name, "%s", r->name);
	last.bytes = r->bytes;
	if (nreports == 1)
		first = last;
}

static void stop_loop(struct loop *l, void *arg)
{
	(void)arg;
	loop_stop(l);
}

static void run_until(struct loop *l, int reports)
{
	int i, id;

	for (i = 0; i < 300 && nreports < reports; i++) {
		id = loop_timer(l, 10, stop_loop, NULL);
		loop_run(l);
		loop_timer_cancel(l, id);
	}
}

static int listener(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	memset(&addr, 0, sizeof addr);
	addr.sun_family = AF_UNIX;
	snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "nt-fs-%d", (int)getpid());
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 16) < 0)
		return -1;
	return fd;
}

static int client(const char *request)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
		return -1;
	if (request)
		io_write_all(fd, request, strlen(request));
	return fd;
}

static int make_dir(char *dir)
{
	int dfd, f;
	char *big = calloc(1, 8 << 20);

	if (!mkdtemp(dir))
		return -1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	f = openat(dfd, "hello.txt", O_WRONLY | O_CREAT, 0644);
	io_write_all(f, "hello, file\n", 12);
	close(f);
	f = openat(dfd, "big", O_WRONLY | O_CREAT, 0644);
	io_write_all(f, big, 8 << 20);
	close(f);
	free(big);
	return dfd;
}

static void test_requests(struct loop *l, struct fs_opts *o, int lfd)
{
	struct fileserve *s = fileserve_new(l, lfd, o);
	char buf[64];
	ssize_t n;
	int c;

	CHECK(s != NULL);
	c = client("hello.txt\n");
	run_until(l, 1);
	CHECK_INT(last.status, FS_SENT);
	CHECK_STR(last.name, "hello.txt");
	CHECK_INT(last.bytes, 12);
	n = read(c, buf, sizeof buf - 1);
	CHECK_INT(n, 12);
	close(c);
	c = client("../etc/passwd\n");
	run_until(l, 2);
	CHECK_INT(last.status, FS_REFUSED);
	CHECK(last.reason[0] != '\0');
	close(c);
	c = client(NULL); /* says nothing */
	run_until(l, 3);
	CHECK_INT(last.status, FS_REFUSED);
	CHECK_STR(last.reason, "no name sent");
	close(c);
	/* The notes' client: no newline, no half-close, a pause. */
	c = client("hello.txt");
	run_until(l, 4);
	CHECK_INT(last.status, FS_SENT);
	close(c);
	fileserve_free(s);
}

static void test_stalled_and_cap(struct loop *l, struct fs_opts *o, int lfd)
{
	struct fileserve *s;
	int a, b;

	o->max_clients = 1;
	nreports = 0;
	s = fileserve_new(l, lfd, o);
	a = client("big\n");   /* never reads */
	b = client("hello.txt\n");
	run_until(l, 2);
	CHECK_STR(last.name, "big");
	CHECK_STR(last.reason, "client stopped reading (timed out)");
	CHECK(last.bytes < (8 << 20));
	/* b, past the cap, was closed at once; a timed out after */
	CHECK_INT(last.status, FS_ERROR);
	CHECK_INT(first.status, FS_REFUSED);
	CHECK_STR(first.reason, "over --max-clients");
	close(a);
	close(b);
	fileserve_free(s);
}

int main(void)
{
	char dir[] = "/tmp/nt-fs-XXXXXX", cmd[64];
	struct loop *l = loop_new();
	int lfd = listener();
	struct fs_opts o = { .idle_ms = 200, .name_ms = 100, .pause_ms = 30,
			     .on_report = on_report };

	o.dirfd = make_dir(dir);
	CHECK(o.dirfd >= 0 && lfd >= 0);
	test_requests(l, &o, lfd);
	test_stalled_and_cap(l, &o, lfd);
	loop_free(l);
	close(lfd);
	close(o.dirfd);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
	return unit_report();
}
