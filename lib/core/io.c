#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/io.h"

int io_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int io_writev_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		/* past the buffers written whole, then into the one cut short */
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

ssize_t io_read(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

int obuf_init(struct obuf *b, int fd, size_t cap)
{
	b->fd = fd;
	b->err = 0;
	b->len = 0;
	b->cap = cap;
	b->buf = xmalloc(cap);
	return 0;
}

int obuf_flush(struct obuf *b)
{
	if (b->err)
		return -1;
	if (b->len && io_write_all(b->fd, b->buf, b->len) < 0) {
		b->err = errno;
		return -1;
	}
	b->len = 0;
	return 0;
}

int obuf_put(struct obuf *b, const void *p, size_t n)
{
	if (b->err)
		return -1;
	if (b->len + n > b->cap) {
		if (obuf_flush(b) < 0)
			return -1;
		if (n > b->cap) {
			if (io_write_all(b->fd, p, n) < 0) {
				b->err = errno;
				return -1;
			}
			return 0;
		}
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	return 0;
}

void obuf_free(struct obuf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

ssize_t io_sendfile(int out_fd, int in_fd, off_t *offset, size_t n)
{
	ssize_t r;

	do
		r = sendfile(out_fd, in_fd, offset, n);
	while (r < 0 && errno == EINTR);
	return r;
}
