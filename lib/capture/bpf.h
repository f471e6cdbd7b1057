/* Capture filter expressions compiled to classic BPF, and a small cBPF
 * interpreter so the same program filters packets read from a file. */
#ifndef NETTOOL_BPF_H
#define NETTOOL_BPF_H

#include <stddef.h>
#include <stdint.h>

/* Same layout as the kernel's struct sock_filter. */
struct bpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

enum { BPF_MAX_INSNS = 4096 };

struct bpf_prog {
	size_t len;
	struct bpf_insn insn[BPF_MAX_INSNS];
};

/* Compiles expr for link type link (packet.h LINK_*). Returns 0, or -1
 * with err (size errn) saying what is wrong and naming the bad word. */
int bpf_compile(const char *expr, int link, struct bpf_prog *prog,
		char *err, size_t errn);

/* Context the kernel offers as ancillary loads; a file gives zeros. */
struct bpf_aux {
	uint32_t pkttype, ifindex, protocol;
};

/* Runs prog over the packet; returns the accept length (0 = drop).
 * Out-of-bounds loads and division by zero drop, as in the kernel. */
uint32_t bpf_run(const struct bpf_prog *prog, const uint8_t *pkt, size_t len,
		 const struct bpf_aux *aux);

#endif
