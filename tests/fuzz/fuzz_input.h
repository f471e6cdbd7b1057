/* A fuzz input read as a stream of big-endian numbers: past its end every
 * read gives zeros, so a generator driven by it always finishes. Included
 * by the structured targets (make fuzz builds one file per target). */
#ifndef NETTOOL_FUZZ_INPUT_H
#define NETTOOL_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct in {
	const uint8_t *p;
	size_t n;
};

static uint32_t take(struct in *in, int bytes)
{
	uint32_t v = 0;
	for (int i = 0; i < bytes; i++) {
		v = v << 8 | (in->n ? *in->p : 0);
		if (in->n) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

#endif
