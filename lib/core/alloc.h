/* Allocation that succeeds or ends the program: the one place where
 * lib/ may exit, with one message and one status for running out of
 * memory, so no caller checks for NULL. */
#ifndef NETTOOL_ALLOC_H
#define NETTOOL_ALLOC_H

#include <stddef.h>

/* Exit status after "nettool CMD: out of memory". */
enum { ALLOC_EXIT = 1 };

/* Names the command for the message ("nettool CMD: out of memory"). */
void alloc_set_prefix(const char *cmd);

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grows an array of elsize-byte elements so that it holds at least need
 * of them: doubles *cap (at least 16), never overflows; returns the array
 * (moved or not). Use: v = xgrow(v, &cap, n + 1, sizeof *v). */
void *xgrow(void *v, size_t *cap, size_t need, size_t elsize);

#endif
