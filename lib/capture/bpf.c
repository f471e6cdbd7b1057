/* The classic BPF interpreter that runs filters over pcap files; see
 * bpf.h (the compiler is filter.c and bpfgen.c). */
#include "capture/bpf.h"
#include "capture/packet.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Opcode pieces of classic BPF (the kernel's values). */
enum {
	C_LD = 0x00, C_LDX = 0x01, C_ST = 0x02, C_STX = 0x03, C_ALU = 0x04,
	C_JMP = 0x05, C_RET = 0x06, C_MISC = 0x07,
	S_W = 0x00, S_H = 0x08, S_B = 0x10,
	M_IMM = 0x00, M_ABS = 0x20, M_IND = 0x40, M_MEM = 0x60, M_LEN = 0x80, M_MSH = 0xa0,
	J_JA = 0x00, J_JEQ = 0x10, J_JGT = 0x20, J_JGE = 0x30, J_JSET = 0x40,
	SRC_K = 0x00, SRC_X = 0x08,
	R_K = 0x00, R_A = 0x10,
};
#define AD_OFF 0xfffff000u /* SKF_AD_OFF (-0x1000) */
enum { AD_PROTOCOL = 0, AD_PKTTYPE = 4, AD_IFINDEX = 8 };

enum { ACCEPT_LEN = 262144 };

/* ---- interpreter ---- */

static int load(const uint8_t *p, size_t len, uint32_t off, int size, uint32_t *v,
		const struct bpf_aux *aux)
{
	if (off >= AD_OFF) {
		uint32_t ad = off - AD_OFF;
		if (!aux || size != 4)
			return -1;
		if (ad == AD_PROTOCOL) *v = aux->protocol;
		else if (ad == AD_PKTTYPE) *v = aux->pkttype;
		else if (ad == AD_IFINDEX) *v = aux->ifindex;
		else return -1;
		return 0;
	}
	if ((size_t)off > len || len - off < (size_t)size)
		return -1;
	p += off;
	if (size == 4) *v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	else if (size == 2) *v = (uint32_t)p[0] << 8 | p[1];
	else *v = p[0];
	return 0;
}

static int size_of(uint16_t code)
{
	switch (code & 0x18) {
	case S_W: return 4;
	case S_H: return 2;
	case S_B: return 1;
	}
	return -1;
}

static int alu(uint16_t op, uint32_t *a, uint32_t v)
{
	switch (op) {
	case 0x00: *a += v; break;
	case 0x10: *a -= v; break;
	case 0x20: *a *= v; break;
	case 0x30: if (!v) return -1; *a /= v; break;
	case 0x40: *a |= v; break;
	case 0x50: *a &= v; break;
	case 0x60: *a = v >= 32 ? 0 : *a << v; break;
	case 0x70: *a = v >= 32 ? 0 : *a >> v; break;
	case 0x80: *a = (uint32_t)-(int64_t)*a; break;
	case 0x90: if (!v) return -1; *a %= v; break;
	case 0xa0: *a ^= v; break;
	default: return -1;
	}
	return 0;
}

/* The machine's state while a program runs. */
struct vm {
	uint32_t a, x, mem[16];
	const uint8_t *pkt;
	size_t len, wirelen;
	const struct bpf_aux *aux;
};

/* BPF_LD into A: 0, or -1 to drop the packet. */
static int run_ld(struct vm *m, const struct bpf_insn *in)
{
	switch (in->code & 0xe0) {
	case M_IMM: m->a = in->k; return 0;
	case M_ABS: return load(m->pkt, m->len, in->k, size_of(in->code), &m->a, m->aux);
	case M_IND: return load(m->pkt, m->len, m->x + in->k, size_of(in->code), &m->a, m->aux);
	case M_LEN: m->a = (uint32_t)m->wirelen; return 0;
	case M_MEM: if (in->k >= 16) return -1; m->a = m->mem[in->k]; return 0;
	}
	return -1;
}

static int run_ldx(struct vm *m, const struct bpf_insn *in)
{
	uint32_t v;
	switch (in->code & 0xe0) {
	case M_IMM: m->x = in->k; return 0;
	case M_LEN: m->x = (uint32_t)m->wirelen; return 0;
	case M_MEM: if (in->k >= 16) return -1; m->x = m->mem[in->k]; return 0;
	case M_MSH:
		if (load(m->pkt, m->len, in->k, 1, &v, NULL) < 0)
			return -1;
		m->x = (v & 0x0f) * 4;
		return 0;
	}
	return -1;
}

/* A jump: how far to skip, or -1 to drop (a bad jump or opcode). */
static long run_jmp(const struct vm *m, const struct bpf_insn *in, size_t left)
{
	uint32_t k = (in->code & SRC_X) ? m->x : in->k;
	int taken;
	switch (in->code & 0xf0) {
	case J_JA: return in->k >= left + 1 ? -1 : (long)in->k;
	case J_JEQ: taken = m->a == k; break;
	case J_JGT: taken = m->a > k; break;
	case J_JGE: taken = m->a >= k; break;
	case J_JSET: taken = (m->a & k) != 0; break;
	default: return -1;
	}
	return taken ? in->jt : in->jf;
}

uint32_t bpf_run(const struct bpf_prog *prog, const uint8_t *pkt, size_t len,
		 const struct bpf_aux *aux)
{
	return bpf_run_wire(prog, pkt, len, len, aux);
}

uint32_t bpf_run_wire(const struct bpf_prog *prog, const uint8_t *pkt, size_t caplen,
		      size_t wirelen, const struct bpf_aux *aux)
{
	struct vm m = { 0, 0, { 0 }, pkt, caplen, wirelen < caplen ? caplen : wirelen, aux };
	size_t pc = 0;
	/* Every jump goes forward, so at most len steps run. */
	while (pc < prog->len) {
		const struct bpf_insn *in = &prog->insn[pc++];
		int bad = 0;
		long skip;
		switch (in->code & 0x07) {
		case C_LD: bad = run_ld(&m, in); break;
		case C_LDX: bad = run_ldx(&m, in); break;
		case C_ST: if (in->k >= 16) return 0; m.mem[in->k] = m.a; break;
		case C_STX: if (in->k >= 16) return 0; m.mem[in->k] = m.x; break;
		case C_ALU: bad = alu(in->code & 0xf0, &m.a, (in->code & SRC_X) ? m.x : in->k); break;
		case C_JMP:
			if ((skip = run_jmp(&m, in, prog->len - pc)) < 0)
				return 0;
			pc += (size_t)skip;
			break;
		case C_RET: return (in->code & 0x18) == R_A ? m.a : in->k;
		case C_MISC: if (in->code & 0x80) m.a = m.x; else m.x = m.a; break;
		}
		if (bad)
			return 0;
	}
	return 0;
}
