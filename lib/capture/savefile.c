/* pcap files rotated by size and time; see savefile.h. */
#define _GNU_SOURCE /* localtime_r */
#include "capture/savefile.h"

#include <errno.h>
#include <fcntl.h>
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
 * a file system that cannot (or a full disk) just is not asked again. */
static void allocate_ahead(struct savefile *s, size_t more)
{
	long long need = s->written + (long long)more, end = s->allocated + ALLOCATE_AHEAD;
	long long last = s->o.rotate_bytes + (long long)pcap_record_size(PCAP_SNAPLEN);
	if (!s->allocating || need <= s->allocated)
		return;
	if (s->o.rotate_bytes && end > last) /* a -C file ends one record past its size */
		end = need > last ? need : last;
	if (fallocate(s->fd, FALLOC_FL_KEEP_SIZE, s->allocated, end - s->allocated) == 0)
		s->allocated = end;
	else
		s->allocating = 0;
}

static int open_file(struct savefile *s, time_t now)
{
	struct stat st;
	if (savefile_name(&s->o, s->period_start ? s->period_start : now, next_number(s), s->name,
			  sizeof s->name) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	s->fd = strcmp(s->o.path, "-") == 0 ? STDOUT_FILENO
		: open(s->name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (s->fd < 0)
		return -1;
	s->allocating = s->fd != STDOUT_FILENO && fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode);
	s->allocated = 0;
	if (pcap_writer_open(&s->pw, s->fd, s->o.link, s->o.nano, s->o.snaplen) < 0)
		return -1;
	s->open = 1;
	s->written = FILE_HEADER;
	s->count++;
	return 0;
}

/* Gives back the blocks allocated past the end (a no-op for the bytes). */
static void trim(struct savefile *s)
{
	struct stat st;
	if (s->allocated > 0 && fstat(s->fd, &st) == 0)
		(void)!ftruncate(s->fd, st.st_size);
}

static int close_file(struct savefile *s)
{
	if (!s->open)
		return 0;
	s->open = 0;
	int rc = pcap_writer_close(&s->pw);
	int err = s->pw.err;
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
	size_t size = pcap_record_size(caplen);
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
	return close_file(s);
}
