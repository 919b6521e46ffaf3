// SPDX-License-Identifier: GPL-2.0
/*
 * insn_forms.c - as many instruction forms as llvm-objdump 14 prints,
 * for the disassembler test (test_disasm compares our text with
 * llvm-objdump's for every object here).
 *
 * Built with the default flags (cpu v1), so the forms clang 14 will not
 * emit from C (ALU32, JMP32, fetch atomics, xchg, cmpxchg) are written as
 * inline assembly, and those its assembler cannot parse as raw
 * instructions (.8byte).  Forms llvm-objdump 14 cannot print (cpu v4,
 * JSET, MOD, 32-bit fetch atomics) are left out: test_disasm pins their
 * text in unit cases instead.
 *
 * Program: insn_forms_alu, SEC("socket"): ALU, ALU32, byte swaps,
 *          64-bit immediates, loads/stores of every size, atomics, every
 *          jump condition, a helper call and the legacy packet loads.
 *          Under BPF_PROG_TEST_RUN with a packet of at least 4 bytes:
 *          retval 26 (the u64 counter the atomics leave on the stack).
 * Program: insn_forms_call, SEC("socket"): a BPF-to-BPF call (kept apart:
 *          the kernel refuses packet loads in programs with subprograms).
 *          retval 21 = forms_triple(7).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* One instruction as the 64-bit little-endian word .8byte emits. */
#define INSN(code, dst, src, off, imm)					\
	((unsigned long long)(code) |					\
	 (unsigned long long)((dst) | (src) << 4) << 8 |		\
	 (unsigned long long)((off) & 0xffff) << 16 |			\
	 ((unsigned long long)(imm) & 0xffffffffULL) << 32)

#define STX_ATOMIC_DW	0xdb

SEC("socket")
int insn_forms_alu(struct __sk_buff *skb)
{
	long out;

	asm volatile(
		"r6 = %[ctx]\n"
		/* ALU64, immediate and register */
		"r0 = 18\n"
		"r1 = r0\n"
		"r0 += 7\n"
		"r0 -= 2\n"
		"r0 *= 6\n"
		"r0 /= 3\n"
		"r0 |= 64\n"
		"r0 &= 127\n"
		"r0 <<= 4\n"
		"r0 >>= 2\n"
		"r0 ^= 3\n"
		"r0 s>>= 1\n"
		"r0 = -r0\n"
		"r2 = 3\n"
		"r0 += r2\n"
		"r0 -= r2\n"
		"r0 *= r2\n"
		"r0 /= r2\n"
		"r0 |= r2\n"
		"r0 &= r1\n"
		"r0 <<= r2\n"
		"r0 >>= r2\n"
		"r0 ^= r2\n"
		"r0 s>>= r2\n"
		/* ALU32 */
		"w0 = 5\n"
		"w1 = w0\n"
		"w0 += 7\n"
		"w0 -= 2\n"
		"w0 *= 6\n"
		"w0 /= 3\n"
		"w0 |= 64\n"
		"w0 &= 127\n"
		"w0 <<= 4\n"
		"w0 >>= 2\n"
		"w0 ^= -1\n"
		"w0 s>>= 1\n"
		"w0 = -w0\n"
		"w2 = 3\n"
		"w0 += w2\n"
		"w0 -= w2\n"
		"w0 *= w2\n"
		"w0 /= w2\n"
		"w0 |= w2\n"
		"w0 &= w1\n"
		"w0 <<= w2\n"
		"w0 >>= w2\n"
		"w0 ^= w2\n"
		"w0 s>>= w2\n"
		/* byte order */
		"r0 = le16 r0\n"
		"r0 = le32 r0\n"
		"r0 = le64 r0\n"
		"r0 = be16 r0\n"
		"r0 = be32 r0\n"
		"r0 = be64 r0\n"
		/* 64-bit immediates */
		"r3 = 0x123456789abcdef0 ll\n"
		"r3 = -1 ll\n"
		/* stores and loads of every size */
		"*(u64 *)(r10 - 8) = r0\n"
		"*(u32 *)(r10 - 12) = r0\n"
		"*(u16 *)(r10 - 14) = r0\n"
		"*(u8 *)(r10 - 15) = r0\n"
		"r1 = *(u64 *)(r10 - 8)\n"
		"r1 = *(u32 *)(r10 - 12)\n"
		"r1 = *(u16 *)(r10 - 14)\n"
		"r1 = *(u8 *)(r10 - 15)\n"
		/* atomics on a u64 counter at r10 - 24 and a u32 at r10 - 32 */
		"r1 = 10\n"
		"*(u64 *)(r10 - 24) = r1\n"
		"*(u32 *)(r10 - 32) = r1\n"
		"r2 = 2\n"
		"lock *(u64 *)(r10 - 24) += r2\n"
		"lock *(u32 *)(r10 - 32) += r2\n"
		".8byte %[or]\n"
		".8byte %[and]\n"
		".8byte %[xor]\n"
		".8byte %[fadd]\n"
		".8byte %[fetch_or]\n"
		".8byte %[fand]\n"
		".8byte %[fxor]\n"
		"r2 = 24\n"
		".8byte %[xchg]\n"
		"r0 = 24\n"
		"r2 = 26\n"
		".8byte %[cmpxchg]\n"
		/* every jump condition, 64 and 32 bit, imm and reg */
		"r1 = 1\n"
		"r2 = 2\n"
		"goto +0\n"
		"if r1 == 1 goto +0\n"
		"if r1 != 1 goto +0\n"
		"if r1 > 1 goto +0\n"
		"if r1 >= 1 goto +0\n"
		"if r1 < 1 goto +0\n"
		"if r1 <= 1 goto +0\n"
		"if r1 s> -1 goto +0\n"
		"if r1 s>= -1 goto +0\n"
		"if r1 s< -1 goto +0\n"
		"if r1 s<= -1 goto +0\n"
		"if r1 == r2 goto +0\n"
		"if r1 != r2 goto +0\n"
		"if r1 > r2 goto +0\n"
		"if r1 >= r2 goto +0\n"
		"if r1 < r2 goto +0\n"
		"if r1 <= r2 goto +0\n"
		"if r1 s> r2 goto +0\n"
		"if r1 s>= r2 goto +0\n"
		"if r1 s< r2 goto +0\n"
		"if r1 s<= r2 goto +0\n"
		"if w1 == 1 goto +0\n"
		"if w1 != 1 goto +0\n"
		"if w1 > 1 goto +0\n"
		"if w1 >= 1 goto +0\n"
		"if w1 < 1 goto +0\n"
		"if w1 <= 1 goto +0\n"
		"if w1 s> -1 goto +0\n"
		"if w1 s>= -1 goto +0\n"
		"if w1 s< -1 goto +0\n"
		"if w1 s<= -1 goto +0\n"
		"if w1 == w2 goto +0\n"
		"if w1 != w2 goto +0\n"
		"if w1 > w2 goto +0\n"
		"if w1 >= w2 goto +0\n"
		"if w1 < w2 goto +0\n"
		"if w1 <= w2 goto +0\n"
		"if w1 s> w2 goto +0\n"
		"if w1 s>= w2 goto +0\n"
		"if w1 s< w2 goto +0\n"
		"if w1 s<= w2 goto +0\n"
		/* a helper call: bpf_get_prandom_u32 */
		"call 7\n"
		/* legacy packet loads (r6 = skb) */
		"r0 = *(u8 *)skb[0]\n"
		"r0 = *(u16 *)skb[0]\n"
		"r0 = *(u32 *)skb[0]\n"
		"r2 = 0\n"
		"r0 = *(u8 *)skb[r2]\n"
		"r2 = 0\n"
		"r0 = *(u16 *)skb[r2]\n"
		"r2 = 0\n"
		"r0 = *(u32 *)skb[r2]\n"
		"%[out] = *(u64 *)(r10 - 24)\n"
		: [out] "=r"(out)
		: [ctx] "r"(skb),
		  [or] "i"(INSN(STX_ATOMIC_DW, 10, 2, -24, BPF_OR)),
		  [and] "i"(INSN(STX_ATOMIC_DW, 10, 2, -24, BPF_AND)),
		  [xor] "i"(INSN(STX_ATOMIC_DW, 10, 2, -24, BPF_XOR)),
		  [fadd] "i"(INSN(STX_ATOMIC_DW, 10, 2, -24, BPF_ADD | BPF_FETCH)),
		  [fetch_or] "i"(INSN(STX_ATOMIC_DW, 10, 2, -24, BPF_OR | BPF_FETCH)),
		  [fand] "i"(INSN(STX_ATOMIC_DW, 10, 2, -24, BPF_AND | BPF_FETCH)),
		  [fxor] "i"(INSN(STX_ATOMIC_DW, 10, 2, -24, BPF_XOR | BPF_FETCH)),
		  [xchg] "i"(INSN(STX_ATOMIC_DW, 10, 2, -24, BPF_XCHG)),
		  [cmpxchg] "i"(INSN(STX_ATOMIC_DW, 10, 2, -24, BPF_CMPXCHG))
		: "r0", "r1", "r2", "r3", "r4", "r5", "r6", "memory");
	return out;
}

static __attribute__((noinline)) int forms_triple(int x)
{
	return x * 3;
}

SEC("socket")
int insn_forms_call(struct __sk_buff *skb)
{
	return forms_triple(7);
}

char LICENSE[] SEC("license") = "GPL";
