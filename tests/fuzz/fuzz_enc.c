/* libFuzzer: network bytes through the GBK->UTF-8 converter (split at a
 * fuzzer-chosen point, as reads split them), the hex dump and the
 * terminal escaping. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/enc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct enc *e;
	size_t cut, cap = size * ENC_RATIO + 256, hcap = size * HEX_RATIO + 160;
	char *out = malloc(cap), *hex = malloc(hcap);
	struct hexdump h = { 0 };
	ssize_t k;

	if (!e)
		e = enc_open("UTF-8", "GBK");
	if (!out || !hex || !e)
		abort();
	cut = size ? data[0] % (size + 1) : 0;
	k = enc_convert(e, (const char *)data, cut, out, cap);
	if (k < 0 || (size_t)k > cap)
		abort();
	k += enc_convert(e, (const char *)data + cut, size - cut, out + k, cap - (size_t)k);
	k += enc_convert(e, "", 0, out + k, cap - (size_t)k);
	if ((size_t)k > cap)
		abort();
	if (hex_dump(&h, data, size, hex, hcap) > hcap || h.offset != size)
		abort();
	{
		struct term_escape t = { .mode = ESC_NEWLINES };
		size_t ecap = size * ESC_RATIO + 16, w, i;
		char *e2 = malloc(ecap);
		if (!e2)
			abort();
		w = enc_escape(&t, (const char *)data, cut, e2, ecap);
		w += enc_escape(&t, (const char *)data + cut, size - cut, e2 + w, ecap - w);
		w += enc_escape(&t, "", 0, e2 + w, ecap - w);
		if (w > ecap)
			abort();
		for (i = 0; i < w; i++)    /* nothing a terminal acts on is left */
			if ((unsigned char)e2[i] < 0x20 && e2[i] != '\t')
				abort();
		free(e2);
	}
	free(out);
	free(hex);
	return 0;
}
