/* Range-checked number parsing: the one place numbers from users are read. */
#ifndef NETTOOL_NUM_H
#define NETTOOL_NUM_H

enum num_err {
	NUM_OK = 0,
	NUM_EMPTY,   /* nothing given */
	NUM_INVALID, /* not a plain decimal number */
	NUM_RANGE,   /* a number, but outside [min, max] */
};

/* Plain decimal integer (no sign, blanks, hex or trailing bytes; leading
 * zeros allowed) in [min, max]. min may be negative, then "-" is allowed. */
enum num_err num_parse_long(const char *s, long min, long max, long *out);
/* A TCP/UDP port in [min, 65535]; min is 0 or 1. */
enum num_err num_parse_port(const char *s, int min, int *out);
/* Seconds with an optional fraction ("0.2", "5", ".5") in [min, max],
 * returned in microseconds. */
enum num_err num_parse_seconds(const char *s, double min, double max,
			       long long *usec);
/* Words for the error: "is not a number", "is out of range", ... */
const char *num_strerror(enum num_err e);

#endif
