/* What cmd/ipclass.c (options, classification) and cmd/ipplan.c (subnet
 * planning) share. */
#ifndef NETTOOL_IPCLASS_H
#define NETTOOL_IPCLASS_H

#include <stddef.h>

#include "names/addr.h"

enum ipclass_mode {
	MODE_CLASSIFY, MODE_SPLIT, MODE_SUBNETS, MODE_RANGE, MODE_MERGE,
	MODE_IN, MODE_REVERSE,
};

struct ipclass {
	enum ipclass_mode mode;
	int json, force, invert;
	const char *filter;       /* --filter CATEGORY */
	const char *mode_arg;     /* --split PREFIX, --subnets N, --in LIST */
	const char *in_file;      /* --in-file FILE */
	struct out *out;
	int bad;                  /* inputs that were not valid */
	long matched;             /* records or lines printed */
};

/* Bulk input is read in blocks of this size; a longer line is an error. */
#define IPCLASS_BUF (1u << 20)

/* "nettool ipclass: [where: ][line N: ]'text': what is wrong", counted
 * as bad. where names a file, or is NULL. */
void ipclass_bad(struct ipclass *ic, const char *where, long lineno,
		 const char *text, size_t n, const struct addr_error *e);
/* Runs a planning mode; returns the exit status. */
int ipplan_run(struct ipclass *ic, int argc, char **argv);
/* Ends a command: a write error on stdout is reported (exit 2), EPIPE
 * ends quietly; else the status the inputs and matches call for. */
int ipclass_finish(struct ipclass *ic, int write_failed, int grep_like);

#endif
