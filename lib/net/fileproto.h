/* The notes' file download protocol: the request-name parser (pure), a
 * resolver that opens a file only beneath a directory (in the kernel, no
 * check-then-open race), and the atomic download writer. */
#ifndef NETTOOL_FILEPROTO_H
#define NETTOOL_FILEPROTO_H

#include <stddef.h>
#include <sys/stat.h>

/* Longest name a client may ask for (bytes, without the newline). */
#define FP_NAME_MAX 4096

enum fp_parse {
	FP_MORE, /* no end of name yet: read on */
	FP_DONE, /* a valid name is in the output buffer */
	FP_BAD,  /* the request is refused; see the error */
};

enum fp_name_err {
	FPN_OK = 0,
	FPN_EMPTY,    /* nothing before the end */
	FPN_TOO_LONG, /* more than FP_NAME_MAX bytes */
	FPN_NUL,      /* a NUL byte in the name */
	FPN_ABSOLUTE, /* starts with '/' */
	FPN_DOTDOT,   /* a ".." component */
};

/* Looks at the bytes received so far. The name ends at the first newline
 * (a '\r' before it is dropped) or, when at_end is set (the client half-
 * closed or paused), at the end of the bytes. On FP_DONE name (size
 * FP_NAME_MAX + 1) holds the NUL-terminated name. */
enum fp_parse fp_parse_request(const char *buf, size_t len, int at_end,
			       char *name, enum fp_name_err *err);
const char *fp_name_strerror(enum fp_name_err e);

enum fp_open_err {
	FPO_OK = 0,
	FPO_NOT_FOUND,   /* no such file (or a component is not a directory) */
	FPO_ESCAPE,      /* a symlink leads outside DIR, or a bad name */
	FPO_IS_DIR,      /* a directory */
	FPO_NOT_REGULAR, /* a device, FIFO or socket */
	FPO_DENIED,      /* permission denied */
	FPO_SYSTEM,      /* any other failure; errno says which */
};

enum fp_resolve {
	FP_RESOLVE_AUTO, /* openat2(RESOLVE_BENEATH) if the kernel has it */
	FP_RESOLVE_WALK, /* component-by-component O_NOFOLLOW walk */
};

/* Opens name for reading only if it is a regular file beneath dirfd.
 * Returns the fd (close-on-exec) with *st filled, or -1 with *why set
 * and errno kept. FIFOs and devices are never opened for reading. */
int fp_open_beneath(int dirfd, const char *name, enum fp_resolve mode,
		    struct stat *st, enum fp_open_err *why);
const char *fp_open_strerror(enum fp_open_err e);

/* A download being written: a temporary file beside the target that
 * becomes the target only on fp_sink_commit. */
struct fp_sink {
	int fd;
	int anonymous;  /* O_TMPFILE: no name until committed */
	int force;      /* replace an existing target */
	char *target;
	char *tmp;      /* the temporary name (mkstemp) */
	int pipe[2];    /* socket -> file with splice; -1 until first use */
	int copying;    /* splice refused: plain read/write */
};

/* Fails with errno EEXIST when target exists and force is 0. */
int fp_sink_open(struct fp_sink *s, const char *target, int force);
int fp_sink_write(struct fp_sink *s, const void *p, size_t n);
/* Moves what one read of fd gives (up to about 1 MiB) into the file, with
 * splice() through a pipe when the kernel allows, else read/write. Returns
 * bytes stored, 0 at the end of fd, or -1 with errno and *write_failed set
 * when storing (not reading) failed. */
long fp_sink_receive(struct fp_sink *s, int fd, int *write_failed);
/* The temporary file becomes target (never clobbering it without force).
 * No fsync: like cp, curl and rsync, durability is left to the system;
 * what is guaranteed is that target never holds a partial download. On
 * failure nothing is left behind. */
int fp_sink_commit(struct fp_sink *s);
/* Removes the temporary file; safe after a failed commit. */
void fp_sink_abort(struct fp_sink *s);

#endif
