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

/* Where a program runs: over packets that start with their link header
 * (a file, our interpreter, a kernel socket of that link type), or in the
 * kernel on a cooked (SOCK_DGRAM) socket, where packets start at the
 * network header and the link fields are ancillary loads. */
enum bpf_target { BPF_TARGET_FILE, BPF_TARGET_KERNEL, BPF_TARGET_KERNEL_COOKED };

/* Compiles expr for link type link (packet.h LINK_*) to run over a file.
 * Returns 0, or -1 with err (size errn) saying what is wrong and naming
 * the bad word and its position. */
int bpf_compile(const char *expr, int link, struct bpf_prog *prog,
		char *err, size_t errn);
/* Only whether expr parses (0), or -1 with err; no link type needed. */
int bpf_check(const char *expr, char *err, size_t errn);
/* The same for a target. */
int bpf_compile_for(const char *expr, int link, enum bpf_target target,
		    struct bpf_prog *prog, char *err, size_t errn);

/* Context the kernel offers as ancillary loads; a file gives zeros. */
struct bpf_aux {
	uint32_t pkttype, ifindex, protocol;
};

/* Runs prog over the packet; returns the accept length (0 = drop).
 * Out-of-bounds loads and division by zero drop, as in the kernel. */
uint32_t bpf_run(const struct bpf_prog *prog, const uint8_t *pkt, size_t len,
		 const struct bpf_aux *aux);
/* The same over caplen bytes of a packet that was wirelen long on the
 * wire (a record cut by a snapshot length): loads stop at caplen, while
 * len, less and greater see wirelen, as in the kernel and in libpcap. */
uint32_t bpf_run_wire(const struct bpf_prog *prog, const uint8_t *pkt, size_t caplen,
		      size_t wirelen, const struct bpf_aux *aux);

#endif
