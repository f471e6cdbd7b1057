#include <limits.h>
#include <string.h>

#include "core/num.h"

enum num_err num_parse_long(const char *s, long min, long max, long *out)
{
	int neg = 0;
	unsigned long v = 0, limit;

	if (!s || !*s)
		return NUM_EMPTY;
	if (*s == '-' && min < 0) {
		neg = 1;
		s++;
	}
	if (*s < '0' || *s > '9')
		return NUM_INVALID;
	/* Count up to one past LONG_MAX's magnitude, then say "range". */
	limit = neg ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return NUM_INVALID;
		if (v > (limit - (unsigned long)(*s - '0')) / 10) {
			while (*s >= '0' && *s <= '9')
				s++;
			return *s ? NUM_INVALID : NUM_RANGE;
		}
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (neg) {
		long r = v == (unsigned long)LONG_MAX + 1 ? LONG_MIN : -(long)v;
		if (r < min || r > max)
			return NUM_RANGE;
		*out = r;
		return NUM_OK;
	}
	if (v > (unsigned long)max || (long)v < min)
		return NUM_RANGE;
	*out = (long)v;
	return NUM_OK;
}

enum num_err num_parse_port(const char *s, int min, int *out)
{
	long v;
	enum num_err e;

	if (s && *s == '-')
		return s[1] >= '0' && s[1] <= '9' ? NUM_RANGE : NUM_INVALID;
	e = num_parse_long(s, min, 65535, &v);
	if (e == NUM_OK)
		*out = (int)v;
	return e;
}

enum num_err num_parse_seconds(const char *s, double min, double max,
			       long long *usec)
{
	long long whole = 0, frac = 0, scale = 100000;
	int digits = 0;
	double v;

	if (!s || !*s)
		return NUM_EMPTY;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (whole > 1000000000LL)
			return NUM_RANGE;
		whole = whole * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
			frac += (*s - '0') * scale;
			scale /= 10;
		}
	}
	if (*s || digits == 0)
		return NUM_INVALID;
	v = (double)whole + (double)frac / 1e6;
	if (v < min || v > max)
		return NUM_RANGE;
	*usec = whole * 1000000 + frac;
	return NUM_OK;
}

const char *num_strerror(enum num_err e)
{
	switch (e) {
	case NUM_OK: return "is valid";
	case NUM_EMPTY: return "is empty";
	case NUM_INVALID: return "is not a number";
	case NUM_RANGE: return "is out of range";
	}
	return "is invalid";
}
