/* Whole reads and writes: EINTR and short writes are handled here once. */
#ifndef NETTOOL_IO_H
#define NETTOOL_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all n bytes; returns 0, or -1 with errno set. */
int io_write_all(int fd, const void *buf, size_t n);
struct iovec;
/* Writes every byte of the n buffers of iov, in order, with writev(2),
 * resuming after a short write and on EINTR; iov is used up (its entries
 * advanced). Returns 0, or -1 with errno set. */
int io_writev_all(int fd, struct iovec *iov, int n);
/* read() retried on EINTR; returns bytes read, 0 at EOF, -1 on error. */
ssize_t io_read(int fd, void *buf, size_t n);
/* Sends up to n bytes of in_fd at *offset to out_fd with sendfile(2)
 * (advancing *offset); returns bytes sent, 0 at end of file, -1 with
 * errno (EAGAIN when out_fd is non-blocking and full). Linux. */
ssize_t io_sendfile(int out_fd, int in_fd, off_t *offset, size_t n);

/* A growing-free output buffer on a file descriptor for hot paths. */
struct obuf {
	int fd;
	int err;        /* errno of the first failed write, else 0 */
	size_t len, cap;
	char *buf;
};
/* Returns 0 (running out of memory ends the program: lib/core/alloc). */
int obuf_init(struct obuf *b, int fd, size_t cap);
/* Appends; flushes when full. Returns -1 once a write has failed. */
int obuf_put(struct obuf *b, const void *p, size_t n);
int obuf_flush(struct obuf *b);
void obuf_free(struct obuf *b);

#endif
