/* The filter compiler on any text, and its program run over the same
 * bytes as a packet through the interpreter. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/bpf.h"
#include "capture/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bpf_prog prog;
	char err[256];
	char *expr = malloc(size + 1);
	if (!expr)
		return 0;
	memcpy(expr, data, size);
	expr[size] = '\0';
	if (bpf_compile(expr, LINK_ETHERNET, &prog, err, sizeof err) == 0)
		bpf_run(&prog, data, size, NULL);
	if (bpf_compile(expr, LINK_RAW, &prog, err, sizeof err) == 0)
		bpf_run(&prog, data, size, NULL);
	free(expr);
	/* and the bytes as a raw program */
	struct bpf_prog *raw = calloc(1, sizeof *raw);
	if (!raw)
		return 0;
	raw->len = size / sizeof(struct bpf_insn);
	memcpy(raw->insn, data, raw->len * sizeof(struct bpf_insn));
	bpf_run(raw, data, size, NULL);
	free(raw);
	return 0;
}
