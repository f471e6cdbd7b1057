#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "net/fileproto.h"
#include "core/io.h"

/* ---- request name -------------------------------------------------- */

static enum fp_name_err check_name(const char *s, size_t n)
{
	size_t i, start = 0;

	if (n == 0)
		return FPN_EMPTY;
	if (n > FP_NAME_MAX)
		return FPN_TOO_LONG;
	if (memchr(s, '\0', n))
		return FPN_NUL;
	if (s[0] == '/')
		return FPN_ABSOLUTE;
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '/') {
			if (i - start == 2 && s[start] == '.' && s[start + 1] == '.')
				return FPN_DOTDOT;
			start = i + 1;
		}
	}
	return FPN_OK;
}

enum fp_parse fp_parse_request(const char *buf, size_t len, int at_end,
			       char *name, enum fp_name_err *err)
{
	const char *nl = memchr(buf, '\n', len);
	size_t n;

	if (nl)
		n = (size_t)(nl - buf);
	else if (len > FP_NAME_MAX) {
		*err = FPN_TOO_LONG;
		return FP_BAD;
	} else if (at_end)
		n = len;
	else
		return FP_MORE;
	if (nl && n > 0 && buf[n - 1] == '\r')
		n--;
	*err = check_name(buf, n);
	if (*err != FPN_OK)
		return FP_BAD;
	memcpy(name, buf, n);
	name[n] = '\0';
	return FP_DONE;
}

const char *fp_name_strerror(enum fp_name_err e)
{
	switch (e) {
	case FPN_OK: return "ok";
	case FPN_EMPTY: return "empty name";
	case FPN_TOO_LONG: return "name too long";
	case FPN_NUL: return "NUL byte in name";
	case FPN_ABSOLUTE: return "absolute path refused";
	case FPN_DOTDOT: return "'..' component refused";
	}
	return "bad name";
}

/* ---- open beneath a directory -------------------------------------- */

#ifndef RESOLVE_BENEATH
struct open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_BENEATH 0x08
#endif

static int open_how_beneath(int dirfd, const char *name, int flags)
{
#ifdef SYS_openat2
	struct open_how how;

	memset(&how, 0, sizeof how);
	how.flags = (uint64_t)flags;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	return (int)syscall(SYS_openat2, dirfd, name, &how, sizeof how);
#else
	(void)dirfd; (void)name; (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static enum fp_open_err classify_errno(int e)
{
	switch (e) {
	case ENOENT: case ENOTDIR: return FPO_NOT_FOUND;
	case EXDEV: case ELOOP: return FPO_ESCAPE;
	case EACCES: case EPERM: return FPO_DENIED;
	default: return FPO_SYSTEM;
	}
}

/* Every component opened as O_PATH without following symlinks: a symlink
 * anywhere is refused, since its target cannot be checked race-free. */
static int walk_beneath(int dirfd, const char *name, enum fp_open_err *why)
{
	char comp[NAME_MAX + 1];
	const char *p = name;
	int cur = -1, fd;
	struct stat st;

	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n + (slash != NULL);
			continue;
		}
		if (n > NAME_MAX || (n == 2 && p[0] == '.' && p[1] == '.')) {
			*why = n > NAME_MAX ? FPO_NOT_FOUND : FPO_ESCAPE;
			goto fail;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		fd = openat(cur < 0 ? dirfd : cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			*why = classify_errno(errno);
			goto fail;
		}
		if (cur >= 0)
			close(cur);
		cur = fd;
		if (fstat(cur, &st) < 0) {
			*why = FPO_SYSTEM;
			goto fail;
		}
		if (S_ISLNK(st.st_mode)) {
			*why = FPO_ESCAPE;
			errno = ELOOP;
			goto fail;
		}
		p += n + (slash != NULL);
		if (*p && !S_ISDIR(st.st_mode)) {
			*why = FPO_NOT_FOUND;
			errno = ENOTDIR;
			goto fail;
		}
	}
	if (cur < 0) {
		*why = FPO_NOT_FOUND;
		errno = ENOENT;
	}
	return cur;
fail:
	if (cur >= 0) {
		int e = errno;
		close(cur);
		errno = e;
	}
	return -1;
}

static int path_fd_beneath(int dirfd, const char *name, enum fp_resolve mode,
			   enum fp_open_err *why)
{
	static int no_openat2;
	int fd;

	if (mode == FP_RESOLVE_AUTO && !no_openat2) {
		fd = open_how_beneath(dirfd, name, O_PATH | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != E2BIG && errno != EPERM) {
			*why = classify_errno(errno);
			return -1;
		}
		no_openat2 = 1; /* old kernel or a seccomp filter */
	}
	return walk_beneath(dirfd, name, why);
}

/* Turns the checked O_PATH descriptor into a readable one for the same
 * inode, so nothing can be swapped in between. */
static int reopen_for_reading(int pathfd, const struct stat *want)
{
	char proc[64];
	struct stat got;
	int fd;

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", pathfd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &got) < 0 || got.st_dev != want->st_dev ||
	    got.st_ino != want->st_ino) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

int fp_open_beneath(int dirfd, const char *name, enum fp_resolve mode,
		    struct stat *st, enum fp_open_err *why)
{
	int pathfd, fd;

	*why = FPO_OK;
	if (!name[0] || name[0] == '/') {
		*why = name[0] ? FPO_ESCAPE : FPO_NOT_FOUND;
		errno = name[0] ? EXDEV : ENOENT;
		return -1;
	}
	pathfd = path_fd_beneath(dirfd, name, mode, why);
	if (pathfd < 0)
		return -1;
	fd = -1;
	if (fstat(pathfd, st) < 0)
		*why = FPO_SYSTEM;
	else if (S_ISDIR(st->st_mode))
		*why = FPO_IS_DIR;
	else if (!S_ISREG(st->st_mode))
		*why = FPO_NOT_REGULAR;
	else if ((fd = reopen_for_reading(pathfd, st)) < 0)
		*why = classify_errno(errno);
	{
		int e = errno;
		close(pathfd);
		errno = e;
	}
	if (*why == FPO_IS_DIR)
		errno = EISDIR;
	else if (*why == FPO_NOT_REGULAR)
		errno = EINVAL;
	return fd;
}

const char *fp_open_strerror(enum fp_open_err e)
{
	switch (e) {
	case FPO_OK: return "ok";
	case FPO_NOT_FOUND: return "no such file";
	case FPO_ESCAPE: return "path leaves the served directory";
	case FPO_IS_DIR: return "is a directory";
	case FPO_NOT_REGULAR: return "not a regular file";
	case FPO_DENIED: return "permission denied";
	case FPO_SYSTEM: return "cannot open";
	}
	return "cannot open";
}

/* ---- atomic download writer ---------------------------------------- */

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	d = strndup(path, (size_t)(slash - path));
	return d;
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static int target_exists(const char *target)
{
	struct stat st;
	return lstat(target, &st) == 0;
}

static void apply_umask_mode(int fd)
{
	mode_t m = umask(022);
	umask(m);
	(void)fchmod(fd, 0666 & ~m); /* best effort: the file is still ours */
}

static int open_named_tmp(struct fp_sink *s, const char *dir)
{
	size_t n = strlen(dir) + strlen(base_of(s->target)) + 32;

	s->tmp = malloc(n);
	if (!s->tmp)
		return -1;
	snprintf(s->tmp, n, "%s/.%s.nettool-XXXXXX", dir, base_of(s->target));
	s->fd = mkstemp(s->tmp);
	if (s->fd < 0) {
		free(s->tmp);
		s->tmp = NULL;
		return -1;
	}
	return 0;
}

int fp_sink_open(struct fp_sink *s, const char *target, int force)
{
	char *dir;
	int e;

	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->pipe[0] = s->pipe[1] = -1;
	s->force = force;
	if (!force && target_exists(target)) {
		errno = EEXIST;
		return -1;
	}
	s->target = strdup(target);
	dir = dir_of(target);
	if (!s->target || !dir) {
		free(dir);
		free(s->target);
		s->target = NULL;
		errno = ENOMEM;
		return -1;
	}
	/* O_TMPFILE leaves nothing behind even if we are killed. */
	s->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	if (s->fd >= 0)
		s->anonymous = 1;
	else if (open_named_tmp(s, dir) == 0)
		apply_umask_mode(s->fd);
	e = errno;
	free(dir);
	if (s->fd < 0) {
		free(s->target);
		s->target = NULL;
		errno = e;
		return -1;
	}
	return 0;
}

int fp_sink_write(struct fp_sink *s, const void *p, size_t n)
{
	return io_write_all(s->fd, p, n);
}

#define SINK_CHUNK (1 << 20)

static void close_pipe(struct fp_sink *s)
{
	if (s->pipe[0] >= 0) {
		close(s->pipe[0]);
		close(s->pipe[1]);
	}
	s->pipe[0] = s->pipe[1] = -1;
}

static long receive_copying(struct fp_sink *s, int fd, int *write_failed)
{
	static char buf[SINK_CHUNK];
	ssize_t r = read(fd, buf, sizeof buf);

	if (r > 0 && fp_sink_write(s, buf, (size_t)r) < 0) {
		*write_failed = 1;
		return -1;
	}
	return (long)r;
}

/* Empties the pipe into the file; a failure here loses nothing that
 * matters, since the download is then abandoned. */
static int drain_pipe(struct fp_sink *s, size_t n)
{
	while (n > 0) {
		ssize_t w = splice(s->pipe[0], NULL, s->fd, NULL, n, SPLICE_F_MOVE);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		n -= (size_t)w;
	}
	return 0;
}

long fp_sink_receive(struct fp_sink *s, int fd, int *write_failed)
{
	ssize_t r;

	*write_failed = 0;
	if (!s->copying && s->pipe[0] < 0) {
		if (pipe2(s->pipe, O_CLOEXEC) < 0)
			s->copying = 1;
		else
			(void)fcntl(s->pipe[1], F_SETPIPE_SZ, SINK_CHUNK);
	}
	if (s->copying)
		return receive_copying(s, fd, write_failed);
	r = splice(fd, NULL, s->pipe[1], NULL, SINK_CHUNK, SPLICE_F_MOVE);
	if (r < 0 && errno == EINVAL) {
		close_pipe(s);
		s->copying = 1;
		return receive_copying(s, fd, write_failed);
	}
	if (r > 0 && drain_pipe(s, (size_t)r) < 0) {
		*write_failed = 1;
		return -1;
	}
	return (long)r;
}

/* Gives the anonymous file a name in the target's directory. */
static int link_anonymous(struct fp_sink *s, const char *name)
{
	char proc[64];

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", s->fd);
	return linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW);
}

static int name_anonymous_tmp(struct fp_sink *s)
{
	char *dir = dir_of(s->target);
	size_t n;
	int i;

	if (!dir)
		return -1;
	n = strlen(dir) + strlen(base_of(s->target)) + 48;
	s->tmp = malloc(n);
	if (!s->tmp) {
		free(dir);
		return -1;
	}
	for (i = 0; i < 100; i++) {
		snprintf(s->tmp, n, "%s/.%s.nettool-%ld-%d-%ld", dir,
			 base_of(s->target), (long)getpid(), i, (long)time(NULL));
		if (link_anonymous(s, s->tmp) == 0) {
			free(dir);
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	free(dir);
	free(s->tmp);
	s->tmp = NULL;
	return -1;
}

static void sync_dir_of(const char *target)
{
	char *dir = dir_of(target);
	int fd;

	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd); /* durability of the name is best effort */
		close(fd);
	}
	free(dir);
}

int fp_sink_commit(struct fp_sink *s)
{
	int rc;

	close_pipe(s);
	if (s->anonymous && !s->force) {
		rc = link_anonymous(s, s->target); /* EEXIST: never clobbers */
	} else {
		if (s->anonymous && name_anonymous_tmp(s) < 0)
			return -1;
		if (s->force)
			rc = rename(s->tmp, s->target);
		else if ((rc = link(s->tmp, s->target)) == 0)
			(void)unlink(s->tmp);
		if (rc == 0) {
			free(s->tmp);
			s->tmp = NULL;
		}
	}
	if (rc < 0)
		return -1;
	if (close(s->fd) < 0) {
		s->fd = -1;
		return -1;
	}
	s->fd = -1;
	sync_dir_of(s->target);
	free(s->target);
	s->target = NULL;
	return 0;
}

void fp_sink_abort(struct fp_sink *s)
{
	int e = errno;

	close_pipe(s);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->tmp)
		(void)unlink(s->tmp);
	free(s->tmp);
	free(s->target);
	s->tmp = s->target = NULL;
	errno = e;
}
