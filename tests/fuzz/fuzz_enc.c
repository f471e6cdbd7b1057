/* libFuzzer: network bytes through the GBK->UTF-8 converter (split at a
 * fuzzer-chosen point, as reads split them) and the hex dump. */
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
	free(out);
	free(hex);
	return 0;
}
