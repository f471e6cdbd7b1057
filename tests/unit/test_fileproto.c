/* lib/fileproto: request names, opening beneath a directory, atomic sink. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/fileproto.h"
#include "unit.h"

static char name[FP_NAME_MAX + 1];

static enum fp_parse parse(const char *s, size_t n, int at_end, enum fp_name_err *e)
{
	return fp_parse_request(s, n, at_end, name, e);
}

static void test_names(void)
{
	enum fp_name_err e;
	static char big[5001];

	CHECK_INT(parse("abc", 3, 0, &e), FP_MORE);
	CHECK_INT(parse("abc", 3, 1, &e), FP_DONE);
	CHECK_STR(name, "abc");
	CHECK_INT(parse("a/b.txt\r\nrest", 13, 0, &e), FP_DONE);
	CHECK_STR(name, "a/b.txt");
	CHECK_INT(parse("", 0, 1, &e), FP_BAD);
	CHECK_INT(e, FPN_EMPTY);
	CHECK_INT(parse("\n", 1, 0, &e), FP_BAD);
	CHECK_INT(e, FPN_EMPTY);
	CHECK_INT(parse("../etc/passwd", 13, 1, &e), FP_BAD);
	CHECK_INT(e, FPN_DOTDOT);
	CHECK_INT(parse("a/../../x", 9, 1, &e), FP_BAD);
	CHECK_INT(e, FPN_DOTDOT);
	CHECK_INT(parse("a/..", 4, 1, &e), FP_BAD);
	CHECK_INT(parse("..a/b..", 7, 1, &e), FP_DONE);
	CHECK_INT(parse("/etc/passwd", 11, 1, &e), FP_BAD);
	CHECK_INT(e, FPN_ABSOLUTE);
	CHECK_INT(parse("a\0b", 3, 1, &e), FP_BAD);
	CHECK_INT(e, FPN_NUL);
	memset(big, 'x', sizeof big);
	CHECK_INT(parse(big, sizeof big, 0, &e), FP_BAD);
	CHECK_INT(e, FPN_TOO_LONG);
	CHECK_INT(parse(big, FP_NAME_MAX, 1, &e), FP_DONE);
	CHECK_INT(strlen(name), FP_NAME_MAX);
}

static char dir[64];

static void put(const char *rel, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, rel);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static enum fp_open_err try_open(int dfd, const char *n, enum fp_resolve mode)
{
	enum fp_open_err why;
	struct stat st;
	int fd = fp_open_beneath(dfd, n, mode, &st, &why);

	if (fd >= 0) {
		CHECK(S_ISREG(st.st_mode));
		close(fd);
	}
	return why;
}

static void test_open(void)
{
	char p[256];
	int dfd, m;

	strcpy(dir, "/tmp/nt-fileproto-XXXXXX");
	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(p, sizeof p, "%s/sub", dir);
	mkdir(p, 0700);
	put("f", "x");
	put("sub/g", "y");
	snprintf(p, sizeof p, "%s/out", dir);
	CHECK_INT(symlink("/etc/passwd", p), 0);
	snprintf(p, sizeof p, "%s/zero", dir);
	CHECK_INT(symlink("/dev/zero", p), 0);
	snprintf(p, sizeof p, "%s/up", dir);
	CHECK_INT(symlink("../../etc/passwd", p), 0);
	snprintf(p, sizeof p, "%s/fifo", dir);
	CHECK_INT(mkfifo(p, 0600), 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	for (m = FP_RESOLVE_AUTO; m <= FP_RESOLVE_WALK; m++) {
		CHECK_INT(try_open(dfd, "f", m), FPO_OK);
		CHECK_INT(try_open(dfd, "sub/g", m), FPO_OK);
		CHECK_INT(try_open(dfd, "./sub//g", m), FPO_OK);
		CHECK_INT(try_open(dfd, "nope", m), FPO_NOT_FOUND);
		CHECK_INT(try_open(dfd, "f/x", m), FPO_NOT_FOUND);
		CHECK_INT(try_open(dfd, "out", m), FPO_ESCAPE);
		CHECK_INT(try_open(dfd, "zero", m), FPO_ESCAPE);
		CHECK_INT(try_open(dfd, "up", m), FPO_ESCAPE);
		CHECK_INT(try_open(dfd, "../x", m), FPO_ESCAPE);
		CHECK_INT(try_open(dfd, "/etc/passwd", m), FPO_ESCAPE);
		CHECK_INT(try_open(dfd, "fifo", m), FPO_NOT_REGULAR);
		CHECK_INT(try_open(dfd, "sub", m), FPO_IS_DIR);
	}
	close(dfd);
}

/* The first line of path, or "" when it cannot be read. */
static const char *first_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)n, f))
			buf[0] = '\0';
		fclose(f);
	}
	return buf;
}

static void test_sink(void)
{
	char target[256], buf[16] = "";
	struct fp_sink s;

	snprintf(target, sizeof target, "%s/dl", dir);
	CHECK_INT(fp_sink_open(&s, target, 0), 0);
	CHECK_INT(fp_sink_write(&s, "data", 4), 0);
	CHECK(access(target, F_OK) != 0); /* nothing visible before commit */
	CHECK_INT(fp_sink_commit(&s), 0);
	CHECK_STR(first_line(target, buf, sizeof buf), "data");
	CHECK_INT(fp_sink_open(&s, target, 0), -1); /* exists, no force */
	CHECK_INT(errno, EEXIST);
	CHECK_INT(fp_sink_open(&s, target, 1), 0);
	CHECK_INT(fp_sink_write(&s, "new", 3), 0);
	CHECK_INT(fp_sink_commit(&s), 0);
	CHECK_STR(first_line(target, buf, sizeof buf), "new");
	unlink(target);
	CHECK_INT(fp_sink_open(&s, target, 0), 0);
	CHECK_INT(fp_sink_write(&s, "part", 4), 0);
	fp_sink_abort(&s);
	CHECK(access(target, F_OK) != 0);
}

/* What a socket gives arrives in the file whole, by splice or by copy. */
static void test_sink_receive(void)
{
	char target[256], buf[64] = "";
	struct fp_sink s;
	int sv[2], wf = 0;
	long got = 0, r;

	snprintf(target, sizeof target, "%s/rx", dir);
	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_INT(write(sv[1], "spliced bytes", 13), 13);
	close(sv[1]);
	CHECK_INT(fp_sink_open(&s, target, 0), 0);
	while ((r = fp_sink_receive(&s, sv[0], &wf)) > 0)
		got += r;
	CHECK_INT(r, 0);
	CHECK_INT(wf, 0);
	CHECK_INT(got, 13);
	CHECK_INT(fp_sink_commit(&s), 0);
	close(sv[0]);
	CHECK_STR(first_line(target, buf, sizeof buf), "spliced bytes");
	unlink(target);
	/* A read error is the source's fault, not the file's. */
	CHECK_INT(fp_sink_open(&s, target, 0), 0);
	CHECK_INT(fp_sink_receive(&s, -1, &wf), -1);
	CHECK_INT(wf, 0);
	fp_sink_abort(&s);
	CHECK(access(target, F_OK) != 0);
}

int main(void)
{
	char cmd[128];

	test_names();
	test_open();
	test_sink();
	test_sink_receive();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (dir[0] && system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return unit_report();
}
