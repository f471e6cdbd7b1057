/* file serve's engine: the per-client state machine of the notes' file
 * protocol on the loop. A client sends a name (ended by a newline, its
 * half-close, or a short pause: the notes' client sends neither); the
 * server sends that regular file from beneath its directory and closes,
 * or closes without data. Every request ends in exactly one report. */
#ifndef NETTOOL_FILESERVE_H
#define NETTOOL_FILESERVE_H

#include "core/loop.h"

enum fs_status {
	FS_SENT,     /* the whole file went */
	FS_REFUSED,  /* bad name, no such file, not regular...: no data */
	FS_ERROR,    /* the transfer broke off (reset, timeout, I/O) */
};

/* One finished request. */
struct fs_report {
	const char *peer;      /* "addr:port" */
	const char *name;      /* "" when no name was read */
	enum fs_status status;
	const char *reason;    /* words, NULL when sent */
	long long bytes;       /* sent */
	long long ms;          /* since the connection came */
};

struct fs_opts {
	int dirfd;              /* the directory served */
	size_t max_clients;     /* at most at once (0: 1000); past it a
				 * client is closed at once (FS_REFUSED);
				 * past the descriptor limit's room,
				 * clients wait in the backlog */
	long long idle_ms;      /* a client that stops reading (0: 60 s) */
	long long name_ms;      /* to send a name (0: 10 s) */
	long long pause_ms;     /* a pause that ends a name (0: 300 ms) */
	void (*on_report)(const struct fs_report *r, void *arg);
	/* Accepting paused for want of descriptors (once a pause). */
	void (*on_pause)(int err, void *arg);
	void *arg;
};

struct fileserve;

/* Serves on listening socket lfd (not closed by it); NULL with errno. */
struct fileserve *fileserve_new(struct loop *l, int lfd,
				const struct fs_opts *o);
/* Drops the clients still connected (no reports) and frees. */
void fileserve_free(struct fileserve *s);

#endif
