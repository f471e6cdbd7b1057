/* The one event loop (epoll behind a poll-like face): fd watchers,
 * timers, signals, bounded buffers, and pumps that move bytes from one
 * fd to another with backpressure (splice/sendfile when they can).
 *
 * Nothing here blocks but loop_run's wait; an idle loop sleeps in the
 * kernel. Regular files (which epoll refuses) are treated as always
 * ready. The loop never prints and never exits. */
#ifndef NETTOOL_LOOP_H
#define NETTOOL_LOOP_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

struct loop;

/* Events asked for and reported. */
enum { LOOP_IN = 1, LOOP_OUT = 2, LOOP_ERR = 4, LOOP_HUP = 8 };

typedef void (*loop_fd_fn)(struct loop *l, int fd, unsigned events, void *arg);
typedef void (*loop_timer_fn)(struct loop *l, void *arg);
typedef void (*loop_signal_fn)(struct loop *l, int signo, void *arg);

/* NULL with errno on failure. */
struct loop *loop_new(void);
/* Frees the loop; does not close the fds watched. */
void loop_free(struct loop *l);

/* Watches fd for events (LOOP_IN|LOOP_OUT, or 0 to keep it registered
 * but quiet); calling again changes events, fn and arg. One watcher per
 * fd: two users of one socket dup() it. Returns 0 or -1 with errno. */
int loop_watch(struct loop *l, int fd, unsigned events, loop_fd_fn fn,
	       void *arg);
/* Changes only the events of a watched fd. */
int loop_events(struct loop *l, int fd, unsigned events);
/* Takes fd out of the kernel's wait queue (1) while its owner reads it
 * without being told, or puts it back (0). A socket in epoll's wait queue
 * costs a wakeup per packet in and per packet sent, even when nobody
 * waits; a flood answered before the next probe needs none. Nothing is
 * reported for a quiet fd. Returns 0 or -1 with errno. */
int loop_quiet(struct loop *l, int fd, int quiet);
/* Stops watching fd (before closing it). A listener paused for want of
 * descriptors retries at once: the fd is about to be closed. */
int loop_unwatch(struct loop *l, int fd);

/* An error condition on a watched socket (EPOLLERR): with fn set here,
 * the loop reads the socket's pending error (SO_ERROR, which clears it)
 * and hands it to fn instead of calling the fd's callback. Without one,
 * the fd's callback gets LOOP_ERR and must take the error itself (its
 * read or write, or SO_ERROR), or the loop wakes for it again. For fds
 * that are not sockets (pipes, ttys) the callback always gets LOOP_ERR. */
typedef void (*loop_error_fn)(struct loop *l, int fd, int err, void *arg);
int loop_on_error(struct loop *l, int fd, loop_error_fn fn);

/* Accepting on a listening socket. Each connection is handed to on_conn
 * as a non-blocking, close-on-exec fd. When accept fails for want of
 * descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) the listener
 * pauses: it is not watched (no spin on the pending connection), and is
 * tried again after a short delay (growing to a second) and whenever one
 * of our fds is unwatched. on_pause (may be NULL) is called once per
 * pause with the error; a pause ends when the backlog has been emptied.
 * loop_unwatch(l, lfd) stops accepting. */
typedef void (*loop_conn_fn)(struct loop *l, int fd,
			     const struct sockaddr *peer, socklen_t len,
			     void *arg);
typedef void (*loop_pause_fn)(struct loop *l, int lfd, int err, void *arg);
int loop_accept(struct loop *l, int lfd, loop_conn_fn on_conn,
		loop_pause_fn on_pause, void *arg);
/* Holds accepting (1), e.g. at a cap on clients, or lets it go on (0);
 * held connections wait in the kernel's backlog. */
void loop_accept_hold(struct loop *l, int lfd, int hold);

/* One-shot timer after ms milliseconds; returns an id > 0 or -1.
 * loop_timer_cancel(l, id) is harmless on a fired or unknown id. */
int loop_timer(struct loop *l, long long ms, loop_timer_fn fn, void *arg);
void loop_timer_cancel(struct loop *l, int id);
/* The same after us microseconds (the wait is that fine too). */
int loop_timer_us(struct loop *l, long long us, loop_timer_fn fn, void *arg);

/* Delivers signo through the loop (signalfd) instead of a handler: the
 * one way signals reach a command. The signal is blocked while the loop
 * exists; loop_free takes what is pending and unblocks it again. */
int loop_signal(struct loop *l, int signo, loop_signal_fn fn, void *arg);

/* Runs until loop_stop, or until nothing is watched and no timer is
 * pending. Returns 0, or -1 with errno if waiting failed. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

/* Milliseconds on the monotonic clock. */
long long loop_now_ms(void);
/* Microseconds on the same clock. */
long long loop_now_us(void);

/* A bounded byte buffer: never grows past cap, so a slow consumer stops
 * the producer instead of growing memory. Storage is allocated on first
 * use and released by lbuf_trim once empty, so idle connections cost
 * nothing. */
struct lbuf {
	char *data;
	size_t head, tail, cap;
};
void lbuf_init(struct lbuf *b, size_t cap);
size_t lbuf_len(const struct lbuf *b);
size_t lbuf_space(const struct lbuf *b);
/* Copies all n bytes or none; returns 0 or -1 (no room / no memory). */
int lbuf_put(struct lbuf *b, const void *p, size_t n);
/* read() into the free space: bytes read, 0 at EOF, -1 with errno. */
ssize_t lbuf_fill(struct lbuf *b, int fd);
/* write() of the held bytes: bytes written, -1 with errno. */
ssize_t lbuf_drain(struct lbuf *b, int fd);
/* Frees the storage when the buffer is empty. */
void lbuf_trim(struct lbuf *b);
void lbuf_free(struct lbuf *b);

/* A pump moves bytes from src to dst until src ends, through a bounded
 * buffer: reading stops while the buffer is full (backpressure). With no
 * filter it uses sendfile() when src is a regular file, splice() through
 * a pipe when src is a socket, else read()/write() (a pipe src is enlarged
 * to the buffer size); the same bytes in the same order either way. */
struct pump;

/* Rewrites n input bytes into out (room outcap >= n * ratio + 64); n == 0
 * means end of input (flush held state). Returns bytes written to out, or
 * -1 to stop the pump with error EILSEQ. */
typedef ssize_t (*pump_filter_fn)(void *arg, const char *in, size_t n,
				  char *out, size_t outcap);

enum pump_end { PUMP_DONE, PUMP_READ_ERR, PUMP_WRITE_ERR };

struct pump_opts {
	size_t bufsize;             /* bytes held at most (0: 1 MiB) */
	pump_filter_fn filter;      /* NULL: bytes pass unchanged */
	void *filter_arg;
	size_t filter_ratio;        /* output bytes per input byte, at most */
	/* Called once: src ended and everything was written (PUMP_DONE), or
	 * an error (err is its errno). The pump has stopped watching; the
	 * callback may pump_free it. */
	void (*on_end)(struct pump *p, enum pump_end how, int err, void *arg);
	/* Called after bytes moved (for idle timers); may be NULL. */
	void (*on_progress)(struct pump *p, void *arg);
	void *arg;
};

/* Starts pumping; src and dst are made non-blocking (their flags are
 * restored by pump_free). Returns NULL with errno on failure. */
struct pump *pump_new(struct loop *l, int src, int dst,
		      const struct pump_opts *o);
/* Bytes written to dst so far. */
unsigned long long pump_bytes(const struct pump *p);
/* Bytes read from src and not yet written to dst. */
size_t pump_held(const struct pump *p);
/* Stops reading src for now (1) or again (0), e.g. while paused. */
void pump_pause(struct pump *p, int paused);
/* Stops watching, frees buffers, restores fd flags; closes nothing. */
void pump_free(struct pump *p);

#endif
