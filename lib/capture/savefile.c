/* pcap files rotated by size and time; see savefile.h. */
#define _GNU_SOURCE /* localtime_r, F_SETLEASE */
#include "capture/savefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Files are allocated this far ahead of what is written (Linux
 * fallocate, size kept): the writes then land in blocks the file system
 * has already placed, which costs ext4 far less than allocating them one
 * page at a time, and closing a file rewritten from empty (-C -W) does
 * not start its write-back there and then. What is left past the end is
 * given back on close. */
enum { FILE_HEADER = 24, ALLOCATE_AHEAD = 32 << 20 };

static int digits(long n)
{
	int d = 1;
	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

int savefile_name(const struct savefile_opts *o, time_t t, long n, char *out, size_t outn)
{
	char base[PATH_MAX];
	size_t len;
	if (o->rotate_secs) {
		struct tm tm;
		if (!localtime_r(&t, &tm))
			return -1;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		len = strftime(base, sizeof base, o->path, &tm); /* the user's pattern, as tcpdump */
#pragma GCC diagnostic pop
		if (len == 0)
			return -1;
	} else {
		len = strlen(o->path);
		if (len >= sizeof base)
			return -1;
		memcpy(base, o->path, len + 1);
	}
	int r;
	if (n < 0)
		r = snprintf(out, outn, "%s", base);
	else if (o->max_files && o->rotate_bytes)
		r = snprintf(out, outn, "%s%0*ld", base, digits(o->max_files - 1), n);
	else
		r = snprintf(out, outn, "%s%ld", base, n);
	return r < 0 || (size_t)r >= outn ? -1 : 0;
}

/* The number the next -C file of this period carries (-1: none). */
static long next_number(const struct savefile *s)
{
	if (!s->o.rotate_bytes)
		return -1;
	if (s->o.max_files)
		return s->count % s->o.max_files;
	return s->count ? s->count : -1;
}

/* Keeps the allocated part of the file ahead of what will be written;
 * a file system that cannot (or a full disk) just is not asked again.
 * A -C file is allocated up to its size and no further: the record that
 * crosses it goes where the file system puts it, and nothing is left
 * past the end to give back (online discard makes that slow). */
static void allocate_ahead(struct savefile *s, size_t more)
{
	long long need = s->written + (long long)more, end = s->allocated + ALLOCATE_AHEAD;
	long long cap = s->o.rotate_bytes ? s->o.rotate_bytes : LLONG_MAX;
	if (!s->allocating || need <= s->allocated || s->allocated >= cap)
		return;
	if (end > cap)
		end = cap;
	if (fallocate(s->fd, FALLOC_FL_KEEP_SIZE, s->allocated, end - s->allocated) == 0)
		s->allocated = end;
	else
		s->allocating = 0;
}

static void *reap(void *arg)
{
	struct savefile *s = arg;
	close(s->reap_fd);
	__atomic_store_n(&s->reaped, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Waits for the last reaper (wait 0: only if it is done); 1 when none is
 * left running. */
static int join_reaper(struct savefile *s, int wait)
{
	if (s->reaping && (wait || __atomic_load_n(&s->reaped, __ATOMIC_ACQUIRE))) {
		pthread_join(s->reaper, NULL);
		s->reaping = 0;
	}
	return !s->reaping;
}

/* A -W file that something else has open (a reader, a copy under way)
 * is replaced by a new one rather than rewritten, so that reader goes on
 * reading the old records unchanged. The old one's pages and blocks are
 * freed when its last reference closes, which takes milliseconds (more
 * with online discard), so that close runs in a thread while the
 * capture goes on. Anything unexpected (not a plain file of ours, no
 * thread) truncates in place. */
static int replace_file(struct savefile *s)
{
	struct stat st;
	int old = open(s->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (old >= 0 && fstat(old, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
	    join_reaper(s, 0) && unlink(s->name) == 0) {
		int fd = open(s->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		s->reap_fd = old;
		s->reaped = 0;
		s->reaping = pthread_create(&s->reaper, NULL, reap, s) == 0;
		if (!s->reaping)
			close(old);
		return fd;
	}
	if (old >= 0)
		close(old);
	return open(s->name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

/* 1 when fd is the only open file description of its file: Linux grants
 * a write lease only then. It is given back at once. */
static int opened_only_here(int fd)
{
	if (fcntl(fd, F_SETLEASE, F_WRLCK) < 0)
		return 0;
	(void)fcntl(fd, F_SETLEASE, F_UNLCK);
	return 1;
}

/* The file a -W ring comes back to is rewritten in place: its pages and
 * blocks are used again, where a new file would have the kernel free
 * them all and take as many anew (about 3x the kernel time, with dd).
 * Until it is closed (and cut to what was written), the old records
 * follow the new ones behind an end mark (pcap_writer_mark_end), and the
 * file keeps its old size. One with another name (a hard link) or open
 * elsewhere is replaced instead. */
static int reuse_file(struct savefile *s)
{
	struct stat st;
	int fd = open(s->name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
	    opened_only_here(fd)) {
		s->rewriting = 1;
		return fd;
	}
	if (fd >= 0)
		close(fd);
	return replace_file(s);
}

static int open_file(struct savefile *s, time_t now)
{
	struct stat st;
	if (savefile_name(&s->o, s->period_start ? s->period_start : now, next_number(s), s->name,
			  sizeof s->name) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (strcmp(s->o.path, "-") == 0)
		s->fd = STDOUT_FILENO;
	else if (s->o.rotate_bytes && s->o.max_files && s->count >= s->o.max_files)
		s->fd = reuse_file(s);
	else
		s->fd = open(s->name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (s->fd < 0)
		return -1;
	s->allocating = s->fd != STDOUT_FILENO && fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode);
	s->allocated = s->rewriting ? st.st_size : 0;
	if (pcap_writer_open(&s->pw, s->fd, s->o.link, s->o.nano, s->o.snaplen) < 0)
		return -1;
	if (s->rewriting)
		pcap_writer_mark_end(&s->pw);
	s->open = 1;
	s->written = FILE_HEADER;
	s->count++;
	return 0;
}

/* Gives back the blocks allocated past the end (a no-op for the bytes). */
static void trim(struct savefile *s)
{
	struct stat st;
	if (s->allocated > 0 && fstat(s->fd, &st) == 0 && st.st_size < s->allocated)
		(void)!ftruncate(s->fd, st.st_size);
}

static int close_file(struct savefile *s)
{
	if (!s->open)
		return 0;
	s->open = 0;
	int rc = pcap_writer_close(&s->pw);
	int err = s->pw.err;
	if (s->rewriting && rc == 0 && ftruncate(s->fd, s->written) < 0) {
		rc = -1;
		err = errno;
	}
	s->rewriting = 0;
	trim(s);
	if (s->fd != STDOUT_FILENO && close(s->fd) < 0 && rc == 0) {
		rc = -1;
		err = errno;
	}
	if (rc < 0)
		errno = err;
	return rc;
}

int savefile_open(struct savefile *s, const struct savefile_opts *o, time_t now)
{
	memset(s, 0, sizeof *s);
	s->o = *o;
	s->fd = -1;
	s->period_start = now;
	s->periods = 1;
	if (!strcmp(o->path, "-"))
		s->o.rotate_bytes = s->o.rotate_secs = 0;
	return open_file(s, now);
}

/* 1: a -G period ended and -W of them are done. */
static int rotate_if_due(struct savefile *s, time_t now)
{
	if (s->o.rotate_secs && now - s->period_start >= s->o.rotate_secs) {
		if (close_file(s) < 0)
			return -1;
		if (s->o.max_files && !s->o.rotate_bytes && s->periods >= s->o.max_files)
			return 1;
		s->period_start = now;
		s->periods++;
		s->count = 0;
		return open_file(s, now);
	}
	if (s->o.rotate_bytes && s->written > s->o.rotate_bytes) {
		if (close_file(s) < 0)
			return -1;
		return open_file(s, now);
	}
	return 0;
}

int savefile_write(struct savefile *s, int64_t sec, long nsec, const uint8_t *data,
		   size_t caplen, size_t wirelen, time_t now, int held)
{
	int r = rotate_if_due(s, now);
	if (r != 0)
		return r;
	size_t size = pcap_record_size(&s->pw, caplen);
	allocate_ahead(s, size);
	r = held ? pcap_write_held(&s->pw, sec, nsec, data, caplen, wirelen)
		 : pcap_write(&s->pw, sec, nsec, data, caplen, wirelen);
	if (r < 0) {
		errno = s->pw.err;
		return -1;
	}
	s->written += (long long)size;
	return 0;
}

int savefile_flush(struct savefile *s)
{
	if (!s->open || pcap_flush(&s->pw) == 0)
		return 0;
	errno = s->pw.err;
	return -1;
}

int savefile_close(struct savefile *s)
{
	int rc = close_file(s);
	join_reaper(s, 1);
	return rc;
}
