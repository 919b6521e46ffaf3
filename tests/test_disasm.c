/* SPDX-License-Identifier: MIT */
/*
 * Tests of the disassembler: exact text of every instruction form, the
 * whole-program layout, and agreement with `llvm-objdump -d` on every
 * object in $EB_BPF_DIR and on a sweep of encodings assembled with
 * llvm-mc.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "disasm.h"
#include "insn.h"
#include "strbuf.h"
#include "testutil.h"
#include "util.h"

struct form {
	struct bpf_insn insn;
	const char *text;
};

static void check_one(const struct bpf_insn *insns, size_t cnt,
		      const char *want, int want_ret)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	int ret;

	ret = eb_disasm_insn(insns, cnt, 0, &sb);
	if (strcmp(sb.buf, want) || ret != want_ret)
		fail_msg("insn %02x %u %u %d %d: got '%s' (%d), want '%s' (%d)",
			 insns[0].code, insns[0].dst_reg, insns[0].src_reg,
			 insns[0].off, insns[0].imm, sb.buf, ret, want,
			 want_ret);
	eb_strbuf_release(&sb);
}

static void check_forms(const struct form *forms, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		check_one(&forms[i].insn, 1, forms[i].text, 1);
}

static void test_alu_forms(void **state)
{
	const struct form forms[] = {
		{ eb_insn_alu64_imm(BPF_ADD, 1, 7), "r1 += 7" },
		{ eb_insn_alu64_imm(BPF_SUB, 2, -1), "r2 -= -1" },
		{ eb_insn_alu64_imm(BPF_MUL, 3, 3), "r3 *= 3" },
		{ eb_insn_alu64_imm(BPF_DIV, 4, 10), "r4 /= 10" },
		{ eb_insn_alu64_imm(BPF_OR, 5, 0x100), "r5 |= 256" },
		{ eb_insn_alu64_imm(BPF_AND, 6, 255), "r6 &= 255" },
		{ eb_insn_alu64_imm(BPF_LSH, 7, 32), "r7 <<= 32" },
		{ eb_insn_alu64_imm(BPF_RSH, 8, 32), "r8 >>= 32" },
		{ eb_insn_alu64_imm(BPF_MOD, 9, 7), "r9 %= 7" },
		{ eb_insn_alu64_imm(BPF_XOR, 0, -1), "r0 ^= -1" },
		{ eb_insn_alu64_imm(BPF_ARSH, 1, 63), "r1 s>>= 63" },
		{ eb_insn_mov64_imm(0, 2), "r0 = 2" },
		{ eb_insn_mov64_imm(1, INT32_MIN), "r1 = -2147483648" },
		{ eb_insn_alu64_reg(BPF_ADD, 1, 2), "r1 += r2" },
		{ eb_insn_alu64_reg(BPF_SUB, 1, 2), "r1 -= r2" },
		{ eb_insn_alu64_reg(BPF_MUL, 1, 2), "r1 *= r2" },
		{ eb_insn_alu64_reg(BPF_DIV, 1, 2), "r1 /= r2" },
		{ eb_insn_alu64_reg(BPF_OR, 1, 2), "r1 |= r2" },
		{ eb_insn_alu64_reg(BPF_AND, 1, 2), "r1 &= r2" },
		{ eb_insn_alu64_reg(BPF_LSH, 1, 2), "r1 <<= r2" },
		{ eb_insn_alu64_reg(BPF_RSH, 1, 2), "r1 >>= r2" },
		{ eb_insn_alu64_reg(BPF_MOD, 1, 2), "r1 %= r2" },
		{ eb_insn_alu64_reg(BPF_XOR, 1, 2), "r1 ^= r2" },
		{ eb_insn_alu64_reg(BPF_ARSH, 1, 2), "r1 s>>= r2" },
		{ eb_insn_mov64_reg(1, 10), "r1 = r10" },
		{ eb_insn_alu32_imm(BPF_ADD, 1, 7), "w1 += 7" },
		{ eb_insn_alu32_imm(BPF_SUB, 1, 7), "w1 -= 7" },
		{ eb_insn_alu32_imm(BPF_MUL, 1, 7), "w1 *= 7" },
		{ eb_insn_alu32_imm(BPF_DIV, 1, 7), "w1 /= 7" },
		{ eb_insn_alu32_imm(BPF_OR, 1, 7), "w1 |= 7" },
		{ eb_insn_alu32_imm(BPF_AND, 1, 7), "w1 &= 7" },
		{ eb_insn_alu32_imm(BPF_LSH, 1, 7), "w1 <<= 7" },
		{ eb_insn_alu32_imm(BPF_RSH, 1, 7), "w1 >>= 7" },
		{ eb_insn_alu32_imm(BPF_MOD, 1, 7), "w1 %= 7" },
		{ eb_insn_alu32_imm(BPF_XOR, 1, 7), "w1 ^= 7" },
		{ eb_insn_alu32_imm(BPF_ARSH, 1, 7), "w1 s>>= 7" },
		{ eb_insn_mov32_imm(1, -1), "w1 = -1" },
		{ eb_insn_alu32_reg(BPF_ADD, 1, 2), "w1 += w2" },
		{ eb_insn_alu32_reg(BPF_XOR, 3, 4), "w3 ^= w4" },
		{ eb_insn_alu32_reg(BPF_ARSH, 5, 6), "w5 s>>= w6" },
		{ eb_insn_mov32_reg(7, 8), "w7 = w8" },
		{ eb_insn_neg64(3), "r3 = -r3" },
		{ eb_insn_neg32(3), "w3 = -w3" },
		/* cpu v4 */
		{ eb_insn_sdiv64_reg(1, 2), "r1 s/= r2" },
		{ eb_insn_smod64_reg(1, 2), "r1 s%= r2" },
		{ eb_insn_sdiv32_reg(1, 2), "w1 s/= w2" },
		{ eb_insn_smod32_reg(1, 2), "w1 s%= w2" },
		{ eb_insn_salu64_imm(BPF_DIV, 1, -3), "r1 s/= -3" },
		{ eb_insn_salu64_imm(BPF_MOD, 1, 3), "r1 s%= 3" },
		{ eb_insn_salu32_imm(BPF_DIV, 1, 5), "w1 s/= 5" },
		{ eb_insn_salu32_imm(BPF_MOD, 1, 5), "w1 s%= 5" },
		{ eb_insn_movsx64_reg(1, 2, 8), "r1 = (s8)r2" },
		{ eb_insn_movsx64_reg(1, 2, 16), "r1 = (s16)r2" },
		{ eb_insn_movsx64_reg(1, 2, 32), "r1 = (s32)r2" },
		{ eb_insn_movsx32_reg(1, 2, 8), "w1 = (s8)w2" },
		{ eb_insn_movsx32_reg(1, 2, 16), "w1 = (s16)w2" },
		{ eb_insn_to_le(1, 16), "r1 = le16 r1" },
		{ eb_insn_to_le(1, 32), "r1 = le32 r1" },
		{ eb_insn_to_le(1, 64), "r1 = le64 r1" },
		{ eb_insn_to_be(2, 16), "r2 = be16 r2" },
		{ eb_insn_to_be(2, 32), "r2 = be32 r2" },
		{ eb_insn_to_be(2, 64), "r2 = be64 r2" },
		{ eb_insn_bswap(3, 16), "r3 = bswap16 r3" },
		{ eb_insn_bswap(3, 32), "r3 = bswap32 r3" },
		{ eb_insn_bswap(3, 64), "r3 = bswap64 r3" },
		{ eb_insn_addr_space_cast(1, 2, 1, 0),
		  "r1 = addr_space_cast(r2, 1, 0)" },
		{ eb_insn_mov64_percpu(0, 0), "r0 = &(void __percpu *)(r0)" },
	};

	(void)state;
	check_forms(forms, EB_ARRAY_SIZE(forms));
}

static void test_jmp_forms(void **state)
{
	const struct form forms[] = {
		{ eb_insn_ja(5), "goto +5" },
		{ eb_insn_ja(-1), "goto -1" },
		{ eb_insn_ja(0), "goto +0" },
		{ eb_insn_gotol(70000), "gotol +70000" },
		{ eb_insn_gotol(-2), "gotol -2" },
		{ eb_insn_may_goto(3), "may_goto +3" },
		{ eb_insn_jmp_imm(BPF_JEQ, 1, 3, 5), "if r1 == 3 goto +5" },
		{ eb_insn_jmp_imm(BPF_JGT, 1, 3, 5), "if r1 > 3 goto +5" },
		{ eb_insn_jmp_imm(BPF_JGE, 1, 3, 5), "if r1 >= 3 goto +5" },
		{ eb_insn_jmp_imm(BPF_JSET, 1, 4, 2), "if r1 & 4 goto +2" },
		{ eb_insn_jmp_imm(BPF_JNE, 1, 3, 5), "if r1 != 3 goto +5" },
		{ eb_insn_jmp_imm(BPF_JSGT, 1, -3, 5), "if r1 s> -3 goto +5" },
		{ eb_insn_jmp_imm(BPF_JSGE, 1, 3, 5), "if r1 s>= 3 goto +5" },
		{ eb_insn_jmp_imm(BPF_JLT, 1, 3, 5), "if r1 < 3 goto +5" },
		{ eb_insn_jmp_imm(BPF_JLE, 1, 3, 5), "if r1 <= 3 goto +5" },
		{ eb_insn_jmp_imm(BPF_JSLT, 1, 3, 5), "if r1 s< 3 goto +5" },
		{ eb_insn_jmp_imm(BPF_JSLE, 1, 3, -5), "if r1 s<= 3 goto -5" },
		{ eb_insn_jmp_reg(BPF_JEQ, 1, 2, -4), "if r1 == r2 goto -4" },
		{ eb_insn_jmp_reg(BPF_JSET, 1, 2, 1), "if r1 & r2 goto +1" },
		{ eb_insn_jmp_reg(BPF_JSLE, 1, 2, 1), "if r1 s<= r2 goto +1" },
		{ eb_insn_jmp32_imm(BPF_JNE, 1, -1, 2), "if w1 != -1 goto +2" },
		{ eb_insn_jmp32_imm(BPF_JLT, 1, 9, 2), "if w1 < 9 goto +2" },
		{ eb_insn_jmp32_reg(BPF_JSLE, 3, 4, 0), "if w3 s<= w4 goto +0" },
		{ eb_insn_jmp32_reg(BPF_JGT, 3, 4, 0), "if w3 > w4 goto +0" },
		{ eb_insn_call_helper(1), "call 1" },
		{ eb_insn_call_pseudo(-1), "call -1" },
		{ eb_insn_call_kfunc(1234, 0), "call 1234" },
		{ eb_insn_call_kfunc(77, 2), "call 77" },
		{ eb_insn_raw(BPF_JMP | BPF_CALL | BPF_X, 0, 0, 0, 3), "callx r3" },
		{ eb_insn_exit(), "exit" },
	};

	(void)state;
	check_forms(forms, EB_ARRAY_SIZE(forms));
}

static void test_mem_forms(void **state)
{
	const struct form forms[] = {
		{ eb_insn_ld_abs(BPF_B, 12), "r0 = *(u8 *)skb[12]" },
		{ eb_insn_ld_abs(BPF_H, 12), "r0 = *(u16 *)skb[12]" },
		{ eb_insn_ld_abs(BPF_W, -1), "r0 = *(u32 *)skb[-1]" },
		{ eb_insn_ld_ind(BPF_W, 2, 0), "r0 = *(u32 *)skb[r2]" },
		{ eb_insn_ld_ind(BPF_B, 3, 4), "r0 = *(u8 *)skb[r3]" },
		{ eb_insn_ldx_mem(BPF_B, 1, 2, 0), "r1 = *(u8 *)(r2 + 0)" },
		{ eb_insn_ldx_mem(BPF_H, 1, 2, 6), "r1 = *(u16 *)(r2 + 6)" },
		{ eb_insn_ldx_mem(BPF_W, 1, 10, -4), "r1 = *(u32 *)(r10 - 4)" },
		{ eb_insn_ldx_mem(BPF_DW, 0, 1, -32768),
		  "r0 = *(u64 *)(r1 - 32768)" },
		{ eb_insn_ldx_memsx(BPF_B, 1, 2, 3), "r1 = *(s8 *)(r2 + 3)" },
		{ eb_insn_ldx_memsx(BPF_H, 1, 2, 0), "r1 = *(s16 *)(r2 + 0)" },
		{ eb_insn_ldx_memsx(BPF_W, 1, 2, -8), "r1 = *(s32 *)(r2 - 8)" },
		{ eb_insn_st_mem(BPF_B, 10, -1, 1), "*(u8 *)(r10 - 1) = 1" },
		{ eb_insn_st_mem(BPF_H, 10, -2, 2), "*(u16 *)(r10 - 2) = 2" },
		{ eb_insn_st_mem(BPF_W, 10, -4, 7), "*(u32 *)(r10 - 4) = 7" },
		{ eb_insn_st_mem(BPF_DW, 1, 8, -1), "*(u64 *)(r1 + 8) = -1" },
		{ eb_insn_stx_mem(BPF_B, 10, 1, -1), "*(u8 *)(r10 - 1) = r1" },
		{ eb_insn_stx_mem(BPF_H, 10, 1, -2), "*(u16 *)(r10 - 2) = r1" },
		{ eb_insn_stx_mem(BPF_W, 10, 1, -4), "*(u32 *)(r10 - 4) = r1" },
		{ eb_insn_stx_mem(BPF_DW, 10, 1, 32767),
		  "*(u64 *)(r10 + 32767) = r1" },
	};

	(void)state;
	check_forms(forms, EB_ARRAY_SIZE(forms));
}

static void test_atomic_forms(void **state)
{
	const struct form forms[] = {
		{ eb_insn_atomic_add(BPF_DW, 1, 2, 0),
		  "lock *(u64 *)(r1 + 0) += r2" },
		{ eb_insn_atomic(BPF_DW, BPF_OR, 1, 2, 0),
		  "lock *(u64 *)(r1 + 0) |= r2" },
		{ eb_insn_atomic(BPF_DW, BPF_AND, 1, 2, 0),
		  "lock *(u64 *)(r1 + 0) &= r2" },
		{ eb_insn_atomic(BPF_DW, BPF_XOR, 1, 2, 0),
		  "lock *(u64 *)(r1 + 0) ^= r2" },
		{ eb_insn_atomic_fetch_add(BPF_DW, 1, 2, 0),
		  "r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)" },
		{ eb_insn_atomic(BPF_DW, BPF_OR | BPF_FETCH, 1, 2, 8),
		  "r2 = atomic_fetch_or((u64 *)(r1 + 8), r2)" },
		{ eb_insn_atomic(BPF_DW, BPF_AND | BPF_FETCH, 1, 2, 0),
		  "r2 = atomic_fetch_and((u64 *)(r1 + 0), r2)" },
		{ eb_insn_atomic(BPF_DW, BPF_XOR | BPF_FETCH, 1, 2, 0),
		  "r2 = atomic_fetch_xor((u64 *)(r1 + 0), r2)" },
		{ eb_insn_atomic_xchg(BPF_DW, 1, 2, -8),
		  "r2 = xchg_64(r1 - 8, r2)" },
		{ eb_insn_atomic_cmpxchg(BPF_DW, 1, 2, -8),
		  "r0 = cmpxchg_64(r1 - 8, r0, r2)" },
		{ eb_insn_atomic_add(BPF_W, 1, 2, -8),
		  "lock *(u32 *)(r1 - 8) += r2" },
		{ eb_insn_atomic(BPF_W, BPF_OR, 1, 2, -8),
		  "lock *(u32 *)(r1 - 8) |= w2" },
		{ eb_insn_atomic(BPF_W, BPF_AND, 1, 2, -8),
		  "lock *(u32 *)(r1 - 8) &= w2" },
		{ eb_insn_atomic(BPF_W, BPF_XOR, 1, 2, -8),
		  "lock *(u32 *)(r1 - 8) ^= w2" },
		{ eb_insn_atomic_fetch_add(BPF_W, 1, 2, -8),
		  "w2 = atomic_fetch_add((u32 *)(r1 - 8), w2)" },
		{ eb_insn_atomic(BPF_W, BPF_XOR | BPF_FETCH, 1, 2, 0),
		  "w2 = atomic_fetch_xor((u32 *)(r1 + 0), w2)" },
		{ eb_insn_atomic_xchg(BPF_W, 1, 2, -8),
		  "w2 = xchg32_32(r1 - 8, w2)" },
		{ eb_insn_atomic_cmpxchg(BPF_W, 1, 2, -8),
		  "w0 = cmpxchg32_32(r1 - 8, w0, w2)" },
		{ eb_insn_load_acquire(BPF_B, 0, 1, 0),
		  "w0 = load_acquire((u8 *)(r1 + 0))" },
		{ eb_insn_load_acquire(BPF_H, 0, 1, 2),
		  "w0 = load_acquire((u16 *)(r1 + 2))" },
		{ eb_insn_load_acquire(BPF_W, 0, 10, -4),
		  "w0 = load_acquire((u32 *)(r10 - 4))" },
		{ eb_insn_load_acquire(BPF_DW, 0, 1, 0),
		  "r0 = load_acquire((u64 *)(r1 + 0))" },
		{ eb_insn_store_release(BPF_B, 1, 2, 0),
		  "store_release((u8 *)(r1 + 0), w2)" },
		{ eb_insn_store_release(BPF_H, 1, 2, 0),
		  "store_release((u16 *)(r1 + 0), w2)" },
		{ eb_insn_store_release(BPF_W, 1, 2, 0),
		  "store_release((u32 *)(r1 + 0), w2)" },
		{ eb_insn_store_release(BPF_DW, 1, 2, 0),
		  "store_release((u64 *)(r1 + 0), r2)" },
	};

	(void)state;
	check_forms(forms, EB_ARRAY_SIZE(forms));
}

static void check_ld(void (*enc)(struct bpf_insn *, uint8_t, uint64_t),
		     uint8_t dst, uint64_t v, const char *want)
{
	struct bpf_insn insns[2];

	enc(insns, dst, v);
	check_one(insns, 2, want, 2);
}

static void enc_imm64(struct bpf_insn *o, uint8_t d, uint64_t v)
{
	eb_insn_ld_imm64(o, d, v);
}

static void enc_map_fd(struct bpf_insn *o, uint8_t d, uint64_t v)
{
	eb_insn_ld_map_fd(o, d, (int)v);
}

static void enc_map_value(struct bpf_insn *o, uint8_t d, uint64_t v)
{
	eb_insn_ld_map_value(o, d, (int)v, 16);
}

static void enc_btf_id(struct bpf_insn *o, uint8_t d, uint64_t v)
{
	eb_insn_ld_btf_id(o, d, (uint32_t)v, 0);
}

static void enc_func(struct bpf_insn *o, uint8_t d, uint64_t v)
{
	eb_insn_ld_func(o, d, (int32_t)v);
}

static void enc_map_idx(struct bpf_insn *o, uint8_t d, uint64_t v)
{
	eb_insn_ld_map_idx(o, d, (uint32_t)v);
}

static void enc_map_idx_value(struct bpf_insn *o, uint8_t d, uint64_t v)
{
	eb_insn_ld_map_idx_value(o, d, (uint32_t)v, 8);
}

static void test_ld_imm64_forms(void **state)
{
	(void)state;
	check_ld(enc_imm64, 1, 0, "r1 = 0 ll");
	check_ld(enc_imm64, 2, 0x123456789aULL, "r2 = 78187493530 ll");
	check_ld(enc_imm64, 3, UINT64_MAX, "r3 = -1 ll");
	check_ld(enc_imm64, 4, 0xffffffffULL, "r4 = 4294967295 ll");
	check_ld(enc_imm64, 5, 0x8000000000000000ULL,
		 "r5 = -9223372036854775808 ll");
	check_ld(enc_map_fd, 1, 5, "ld_pseudo\tr1, 1, 5");
	check_ld(enc_map_fd, 1, (uint64_t)-1, "ld_pseudo\tr1, 1, 4294967295");
	check_ld(enc_map_value, 2, 5, "ld_pseudo\tr2, 2, 5");
	check_ld(enc_btf_id, 3, 77, "ld_pseudo\tr3, 3, 77");
	check_ld(enc_func, 4, 10, "ld_pseudo\tr4, 4, 10");
	check_ld(enc_map_idx, 5, 2, "ld_pseudo\tr5, 5, 2");
	check_ld(enc_map_idx_value, 6, 1, "ld_pseudo\tr6, 6, 1");
}

static void test_unknown(void **state)
{
	struct bpf_insn bad[] = {
		eb_insn_raw(0xff, 0, 0, 0, 0),			/* no such class/op */
		eb_insn_raw(BPF_ALU64 | BPF_ADD | BPF_K, 1, 2, 0, 1), /* src set */
		eb_insn_raw(BPF_ALU64 | BPF_END | BPF_TO_BE, 1, 0, 0, 16),
		eb_insn_raw(BPF_ALU | BPF_END | BPF_TO_LE, 1, 0, 0, 8),
		eb_insn_raw(BPF_JMP | BPF_EXIT, 0, 0, 0, 1),
		eb_insn_raw(BPF_JMP32 | BPF_CALL, 0, 0, 0, 1),
		eb_insn_raw(BPF_STX | BPF_ATOMIC | BPF_B, 1, 2, 0, BPF_ADD),
		eb_insn_raw(BPF_LDX | BPF_MEMSX | BPF_DW, 1, 2, 0, 0),
		eb_insn_raw(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 4, 0),
		eb_insn_raw(BPF_ALU64 | BPF_MOV | BPF_K, 11, 0, 0, 0),
	};
	struct bpf_insn ld[2];
	size_t i;

	(void)state;
	for (i = 0; i < EB_ARRAY_SIZE(bad); i++)
		check_one(&bad[i], 1, "<unknown>", -EINVAL);
	/* a 64-bit load cut short, and one with a bad second slot */
	eb_insn_ld_imm64(ld, 1, 7);
	check_one(ld, 1, "<unknown>", -EINVAL);
	ld[1].code = BPF_JMP | BPF_EXIT;
	check_one(ld, 2, "<unknown>", -EINVAL);
}

static void test_prog_layout(void **state)
{
	struct bpf_insn p[7];
	const struct eb_disasm_sym syms[] = {
		{ 40, "LBB0_2" },
		{ 0, "f" },
		{ 0, "another" },	/* same address: the greatest name wins */
	};
	struct eb_disasm_opts opts = { .syms = syms, .nsyms = 3 };
	struct eb_strbuf sb = EB_STRBUF_INIT;

	(void)state;
	p[0] = eb_insn_mov64_imm(0, 0);
	p[1] = eb_insn_jmp_imm(BPF_JGT, 1, 3, 3);
	eb_insn_ld_imm64(&p[2], 1, 5);
	p[4] = eb_insn_ja(-5);
	p[5] = eb_insn_raw(0xff, 0, 0, 0, 0);
	p[6] = eb_insn_exit();

	assert_int_equal(eb_disasm_prog(p, 7, NULL, &sb), 1);
	assert_string_equal(sb.buf,
		"       0:\tb7 00 00 00 00 00 00 00\tr0 = 0\n"
		"       1:\t25 01 03 00 03 00 00 00\tif r1 > 3 goto +3\n"
		"       2:\t18 01 00 00 05 00 00 00 00 00 00 00 00 00 00 00\tr1 = 5 ll\n"
		"       4:\t05 00 fb ff 00 00 00 00\tgoto -5\n"
		"       5:\tff 00 00 00 00 00 00 00\t<unknown>\n"
		"       6:\t95 00 00 00 00 00 00 00\texit\n");

	eb_strbuf_reset(&sb);
	assert_int_equal(eb_disasm_prog(p, 7, &opts, &sb), 1);
	assert_string_equal(sb.buf,
		"\n0000000000000000 <f>:\n"
		"       0:\tb7 00 00 00 00 00 00 00\tr0 = 0\n"
		"       1:\t25 01 03 00 03 00 00 00\tif r1 > 3 goto +3 <LBB0_2>\n"
		"       2:\t18 01 00 00 05 00 00 00 00 00 00 00 00 00 00 00\tr1 = 5 ll\n"
		"       4:\t05 00 fb ff 00 00 00 00\tgoto -5 <f>\n"
		"\n0000000000000028 <LBB0_2>:\n"
		"       5:\tff 00 00 00 00 00 00 00\t<unknown>\n"
		"       6:\t95 00 00 00 00 00 00 00\texit\n");

	/* targets between symbols, and below the first (modulo 2^64) */
	eb_strbuf_reset(&sb);
	opts.no_bytes = true;
	p[1] = eb_insn_jmp_imm(BPF_JGT, 1, 3, 1);
	p[4] = eb_insn_ja(-6);
	assert_int_equal(eb_disasm_prog(p, 5, &opts, &sb), 0);
	assert_string_equal(sb.buf,
		"\n0000000000000000 <f>:\n"
		"       0:\tr0 = 0\n"
		"       1:\tif r1 > 3 goto +1 <f+0x18>\n"
		"       2:\tr1 = 5 ll\n"
		"       4:\tgoto -6 <LBB0_2+0xffffffffffffffd0>\n");
	eb_strbuf_release(&sb);
}

/*
 * A BPF-to-BPF call in both encodings: an object's (off 0, imm the
 * pc-relative offset, objdump 14's "call 7") and a loaded program's
 * translated form, where the kernel keeps the offset in off and puts the
 * callee's subprogram index in imm (bytes 85 10 07 00 01 00 00 00).
 */
static void test_pseudo_call_forms(void **state)
{
	static const unsigned char xlated[8] = {
		0x85, 0x10, 0x07, 0x00, 0x01, 0x00, 0x00, 0x00
	};
	struct bpf_insn insn, p[4];
	const struct eb_disasm_sym syms[] = { { 0, "main" }, { 24, "sub" } };
	struct eb_disasm_opts opts = { .syms = syms, .nsyms = 2,
				       .no_bytes = true };
	struct eb_strbuf sb = EB_STRBUF_INIT;

	(void)state;
	memcpy(&insn, xlated, sizeof(insn));
	check_one(&insn, 1, "call pc+7", 1);
	insn = eb_insn_call_pseudo(7);
	check_one(&insn, 1, "call 7", 1);
	/* backwards, and a subprogram index of 0 (the main program) */
	insn = eb_insn_raw(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, -3, 0);
	check_one(&insn, 1, "call pc-3", 1);
	/* still malformed: a destination register, or BPF_X */
	insn = eb_insn_raw(BPF_JMP | BPF_CALL, 1, BPF_PSEUDO_CALL, 7, 1);
	check_one(&insn, 1, "<unknown>", -EINVAL);
	insn = eb_insn_raw(BPF_JMP | BPF_CALL | BPF_X, 0, BPF_PSEUDO_CALL,
			   7, 1);
	check_one(&insn, 1, "<unknown>", -EINVAL);

	/* whole programs: main calls sub at index 3 */
	p[0] = eb_insn_raw(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 2, 1);
	p[1] = eb_insn_exit();
	p[2] = eb_insn_exit();
	p[3] = eb_insn_exit();
	assert_int_equal(eb_disasm_prog(p, 4, NULL, &sb), 0);
	assert_string_equal(sb.buf,
		"       0:\t85 10 02 00 01 00 00 00\tcall pc+2\n"
		"       1:\t95 00 00 00 00 00 00 00\texit\n"
		"       2:\t95 00 00 00 00 00 00 00\texit\n"
		"       3:\t95 00 00 00 00 00 00 00\texit\n");
	eb_strbuf_reset(&sb);
	assert_int_equal(eb_disasm_prog(p, 4, &opts, &sb), 0);
	assert_string_equal(sb.buf,
		"\n0000000000000000 <main>:\n"
		"       0:\tcall pc+2 <sub>\n"
		"       1:\texit\n"
		"       2:\texit\n"
		"\n0000000000000018 <sub>:\n"
		"       3:\texit\n");
	/* the object form keeps objdump 14's text, without a target */
	eb_strbuf_reset(&sb);
	p[0] = eb_insn_call_pseudo(2);
	assert_int_equal(eb_disasm_prog(p, 4, &opts, &sb), 0);
	assert_string_equal(sb.buf,
		"\n0000000000000000 <main>:\n"
		"       0:\tcall 2\n"
		"       1:\texit\n"
		"       2:\texit\n"
		"\n0000000000000018 <sub>:\n"
		"       3:\texit\n");
	eb_strbuf_release(&sb);
}

/*
 * The translated instructions of subprogs.bpf.o's sub_xdp as the kernel
 * reports them (loaded and dumped raw by bpftool): every call is one of
 * the three BPF-to-BPF calls, none prints "<unknown>".
 */
static char xlated_dir[] = "/tmp/eb_disasm_xl_XXXXXX";
static bool xlated_dir_made;
static char *xlated_bpffs;

static void test_xlated_subprog_calls(void **state)
{
	struct eb_strbuf cmd = EB_STRBUF_INIT, sb = EB_STRBUF_INIT;
	char *obj, *outp = NULL;
	void *raw = NULL;
	size_t size = 0;
	int ret, st;

	(void)state;
	TU_SKIP_UNLESS_ROOT();
	TU_SKIP_UNLESS(tu_have_bpftool(), "bpftool not found");
	ret = tu_bpffs_mount_private("disasm", &xlated_bpffs);
	TU_SKIP_UNLESS(!ret, "cannot mount a private bpffs: %d", ret);
	assert_non_null(mkdtemp(xlated_dir));
	xlated_dir_made = true;
	obj = tu_bpf_obj_path("subprogs");
	eb_strbuf_addf(&cmd, "bpftool prog loadall '%s' '%s/p' 2>&1 && "
		       "bpftool prog dump xlated pinned '%s/p/sub_xdp' "
		       "file '%s/x.bin' 2>&1",
		       obj, xlated_bpffs, xlated_bpffs, xlated_dir);
	st = tu_run(cmd.buf, &outp);
	free(obj);
	if (st) {
		eb_strbuf_release(&cmd);
		TU_SKIP("bpftool cannot load and dump subprogs.bpf.o: %s",
			outp ? outp : "?");
	}
	free(outp);
	eb_strbuf_reset(&cmd);
	eb_strbuf_addf(&cmd, "%s/x.bin", xlated_dir);
	assert_int_equal(eb_read_file(cmd.buf, &raw, &size), 0);
	eb_strbuf_release(&cmd);
	assert_int_equal(size % 8, 0);

	assert_int_equal(eb_disasm_prog(raw, size / 8, NULL, &sb), 0);
	free(raw);
	if (strstr(sb.buf, "<unknown>"))
		fail_msg("xlated sub_xdp has an <unknown>:\n%s", sb.buf);
	/* sub_xdp's calls of sub_add3 (at 0 + 1 + 7) and sub_global, and
	 * sub_add3's of sub_double; bpftool prints "call pc+7#..." etc. */
	if (!strstr(sb.buf, "       0:\t85 10 07 00 01 00 00 00\tcall pc+7\n") ||
	    !strstr(sb.buf, "\tcall pc+11\n") ||
	    !strstr(sb.buf, "\tcall pc+2\n"))
		fail_msg("xlated sub_xdp lacks its three calls:\n%s", sb.buf);
	eb_strbuf_release(&sb);
}

/* Drop the pins (with the private bpffs) and the dump file. */
static int xlated_teardown(void **state)
{
	struct eb_strbuf path = EB_STRBUF_INIT;

	(void)state;
	tu_bpffs_umount(&xlated_bpffs);
	if (xlated_dir_made) {
		eb_strbuf_addf(&path, "%s/x.bin", xlated_dir);
		unlink(path.buf);
		rmdir(xlated_dir);
	}
	eb_strbuf_release(&path);
	return 0;
}

/* --- comparison with llvm-objdump ---------------------------------------- */

/* objdump's block for one section: the text after its header line up to
 * the next header, without leading and trailing newlines (malloc'd). */
static char *objdump_block(const char *dump, const char *sec)
{
	struct eb_strbuf hdr = EB_STRBUF_INIT;
	const char *start, *end;
	char *res = NULL;

	eb_strbuf_addf(&hdr, "\nDisassembly of section %s:\n", sec);
	start = strstr(dump, hdr.buf);
	if (start) {
		start += hdr.len;
		end = strstr(start, "\nDisassembly of section ");
		if (!end)
			end = start + strlen(start);
		while (start < end && *start == '\n')
			start++;
		while (end > start && end[-1] == '\n')
			end--;
		res = strndup(start, end - start);
	}
	eb_strbuf_release(&hdr);
	return res;
}

/* Forms LLVM 14's disassembler decodes (the rest print "<unknown>"
 * there, or differently; unit tests above pin our text for them). */
static bool llvm14_knows(const struct eb_insn_info *in)
{
	switch (in->kind) {
	case EB_INSN_MOVSX:
	case EB_INSN_ADDR_SPACE_CAST:
	case EB_INSN_MOV_PERCPU:
	case EB_INSN_BSWAP:
	case EB_INSN_GOTOL:
	case EB_INSN_MAY_GOTO:
	case EB_INSN_LDX_SX:
	case EB_INSN_ST:
		return false;
	case EB_INSN_ALU:
		return !in->sign && in->op != BPF_MOD;
	case EB_INSN_JCC:
		return in->op != BPF_JSET;
	case EB_INSN_CALLX:
		return in->dst == 0;
	case EB_INSN_ATOMIC:
		if (in->atomic_op == BPF_LOAD_ACQ ||
		    in->atomic_op == BPF_STORE_REL)
			return false;
		return in->size == 8 || in->atomic_op == BPF_ADD;
	default:
		return true;
	}
}

/*
 * Newer forms objdump 14 prints as some older instruction, because it
 * ignores the field that tells them apart (off for sdiv/smod, movsx and
 * the casts; the fetch bit of a 32-bit add; load-acquire's imm bits).
 */
static bool llvm14_misreads(const struct eb_insn_info *in)
{
	switch (in->kind) {
	case EB_INSN_ALU:
		return in->sign;
	case EB_INSN_MOVSX:
	case EB_INSN_ADDR_SPACE_CAST:
	case EB_INSN_MOV_PERCPU:
		return true;
	case EB_INSN_ATOMIC:
		return in->size >= 4 && (in->atomic_op == BPF_LOAD_ACQ ||
					 in->atomic_op == (BPF_ADD | BPF_FETCH));
	default:
		return false;
	}
}

/*
 * True if an objdump line "<unknown>" stands for an instruction we print
 * in later LLVM's syntax: `ours` is our line for the same slot, whose
 * byte column is parsed back and decoded.
 */
static bool newer_than_llvm14(const char *ours, size_t len)
{
	unsigned char bytes[8];
	struct bpf_insn insn;
	struct eb_insn_info info;
	const char *p = memchr(ours, '\t', len);
	size_t k;

	if (!p)
		return false;
	for (k = 0; k < 8; k++) {
		unsigned int v;

		if (sscanf(p + 1 + 3 * k, "%2x", &v) != 1)
			return false;
		bytes[k] = (unsigned char)v;
	}
	memcpy(&insn, bytes, sizeof(insn));
	return eb_insn_decode(&insn, 1, 0, &info) == 1 && !llvm14_knows(&info);
}

/*
 * Compare line by line; on a mismatch fail naming file, section, line.
 * The one tolerated difference: a form objdump 14 cannot decode (cpu v4,
 * JSET, MOD, ...) that objdump prints as "<unknown>"; *nnewer counts them.
 */
static void compare_block(const char *file, const char *sec,
			  const char *want, const char *got, size_t *ninsns,
			  size_t *nnewer)
{
	static const char unknown[] = "\t<unknown>";
	const size_t ulen = sizeof(unknown) - 1;
	const char *w = want, *g = got;
	size_t line = 1;

	while (*w || *g) {
		size_t wl = strcspn(w, "\n"), gl = strcspn(g, "\n");

		if (wl != gl || memcmp(w, g, wl)) {
			bool newer = wl > ulen && gl > wl - ulen &&
				     !memcmp(w + wl - ulen, unknown, ulen) &&
				     !memcmp(w, g, wl - ulen) &&
				     g[wl - ulen] == '\t' &&
				     newer_than_llvm14(g, gl);

			if (!newer)
				fail_msg("%s: section %s, line %zu: objdump '%.*s' vs ours '%.*s'",
					 file, sec, line, (int)wl, w, (int)gl,
					 g);
			(*nnewer)++;
		}
		if (memchr(w, ':', wl) && w[0] == ' ')
			(*ninsns)++;
		w += wl + (w[wl] == '\n');
		g += gl + (g[gl] == '\n');
		line++;
	}
}

struct elf_syms {
	struct eb_disasm_sym *v;
	size_t n;
};

/* The symbols llvm-objdump labels in section shndx. */
static void collect_syms(Elf *elf, size_t shndx, const char *secname,
			 struct elf_syms *out)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	bool at_zero = false;
	size_t i, n;

	out->v = NULL;
	out->n = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		out->v = calloc(n + 1, sizeof(*out->v));
		assert_non_null(out->v);
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			int type;

			if (!gelf_getsym(data, (int)i, &sym) ||
			    sym.st_shndx != shndx)
				continue;
			type = GELF_ST_TYPE(sym.st_info);
			if (type == STT_SECTION || type == STT_FILE)
				continue;
			out->v[out->n].addr = sym.st_value;
			out->v[out->n].name = elf_strptr(elf, sh.sh_link,
							 sym.st_name);
			if (!out->v[out->n].name)
				continue;
			at_zero |= sym.st_value == 0;
			out->n++;
		}
		break;
	}
	/* objdump invents a symbol named after the section at offset 0. */
	if (!at_zero) {
		if (!out->v)
			out->v = calloc(1, sizeof(*out->v));
		assert_non_null(out->v);
		out->v[out->n].addr = 0;
		out->v[out->n].name = secname;
		out->n++;
	}
}

/* Disassemble every executable section of `path` and compare it with
 * llvm-objdump.  Returns the number of instructions compared; *nnewer is
 * increased by those objdump 14 could not decode. */
static size_t compare_object(const char *path, size_t *nnewer)
{
	struct eb_strbuf cmd = EB_STRBUF_INIT;
	size_t shstrndx, ninsns = 0, nsec = 0, ndump = 0;
	Elf_Scn *scn = NULL;
	char *dump;
	const char *p;
	Elf *elf;
	int fd;

	eb_strbuf_addf(&cmd, "llvm-objdump -d '%s'", path);
	if (tu_run(cmd.buf, &dump)) {
		free(dump);
		fail_msg("%s: llvm-objdump failed", path);
	}
	eb_strbuf_release(&cmd);

	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	assert_int_equal(elf_getshdrstrndx(elf, &shstrndx), 0);

	while ((scn = elf_nextscn(elf, scn))) {
		struct eb_strbuf sb = EB_STRBUF_INIT;
		struct eb_disasm_opts opts = { 0 };
		struct elf_syms syms;
		const char *name;
		Elf_Data *data;
		GElf_Shdr sh;
		char *want;

		assert_non_null(gelf_getshdr(scn, &sh));
		if (sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_EXECINSTR) || !sh.sh_size)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		assert_non_null(name);
		data = elf_getdata(scn, NULL);
		assert_non_null(data);
		assert_int_equal(data->d_size % 8, 0);
		nsec++;

		collect_syms(elf, elf_ndxscn(scn), name, &syms);
		opts.syms = syms.v;
		opts.nsyms = syms.n;
		assert_true(eb_disasm_prog(data->d_buf, data->d_size / 8,
					   &opts, &sb) >= 0);
		want = objdump_block(dump, name);
		if (!want)
			fail_msg("%s: llvm-objdump shows no section %s", path,
				 name);
		/* ours starts with "\n" before the first label */
		compare_block(path, name, want,
			      sb.buf + strspn(sb.buf, "\n"), &ninsns, nnewer);
		free(want);
		free(syms.v);
		eb_strbuf_release(&sb);
	}
	for (p = dump; (p = strstr(p, "\nDisassembly of section ")); p++)
		ndump++;
	if (ndump != nsec)
		fail_msg("%s: llvm-objdump shows %zu sections, we found %zu",
			 path, ndump, nsec);
	elf_end(elf);
	close(fd);
	free(dump);
	return ninsns;
}

static void test_corpus_matches_objdump(void **state)
{
	const char *dir = getenv("EB_BPF_DIR");
	size_t nfiles = 0, ninsns = 0, nnewer = 0;
	struct dirent *de;
	DIR *d;

	(void)state;
	TU_SKIP_UNLESS(tu_have_tool("llvm-objdump"), "llvm-objdump not found");
	d = dir ? opendir(dir) : NULL;
	TU_SKIP_UNLESS(d, "EB_BPF_DIR not set or unreadable");
	while ((de = readdir(d))) {
		struct eb_strbuf path = EB_STRBUF_INIT;
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 6, ".bpf.o"))
			continue;
		eb_strbuf_addf(&path, "%s/%s", dir, de->d_name);
		ninsns += compare_object(path.buf, &nnewer);
		eb_strbuf_release(&path);
		nfiles++;
	}
	closedir(d);
	TU_SKIP_UNLESS(nfiles, "no *.bpf.o in %s", dir);
	printf("compared %zu instructions in %zu objects with llvm-objdump"
	       " (%zu in forms it cannot decode)\n", ninsns, nfiles, nnewer);
	assert_true(ninsns > 0);
}


static void add_byte_line(struct eb_strbuf *s, const struct bpf_insn *insn)
{
	const unsigned char *b = (const unsigned char *)insn;
	int k;

	eb_strbuf_adds(s, ".byte ");
	for (k = 0; k < 8; k++)
		eb_strbuf_addf(s, k ? ",%u" : "%u", b[k]);
	eb_strbuf_addch(s, '\n');
}

static char sweep_dir[] = "/tmp/eb_disasm_XXXXXX";
static bool sweep_dir_made;	/* mkdtemp() may well leave an 'X' in it */

/*
 * Every opcode with a spread of field values: the ones the decoder accepts
 * are assembled byte for byte by llvm-mc and compared with llvm-objdump.
 * Forms objdump 14 does not know must show as "<unknown>" there; those it
 * misreads as an older instruction are left out (see llvm14_misreads).
 */
static void test_sweep_matches_objdump(void **state)
{
	static const struct { uint8_t dst, src; int16_t off; int32_t imm; } f[] = {
		{ 1, 2, 0, 0 }, { 3, 4, -8, -1 }, { 1, 0, 5, 7 },
		{ 10, 1, -32768, INT32_MIN }, { 0, 0, 0, 0 }, { 9, 0, 32767, INT32_MAX },
		{ 1, 2, 1, 0 }, { 1, 2, 8, 0 }, { 1, 2, 16, 0 }, { 1, 2, 32, 0 },
		{ 2, 0, 0, 16 }, { 2, 0, 0, 32 }, { 2, 0, 0, 64 },
		{ 0, 1, 0, -1 }, { 0, 2, 3, 17 }, { 5, 0, 0, 3 },
		{ 1, 2, -8, BPF_ADD | BPF_FETCH }, { 1, 2, 8, BPF_OR },
		{ 1, 2, 8, BPF_AND }, { 1, 2, 8, BPF_XOR },
		{ 1, 2, 8, BPF_OR | BPF_FETCH }, { 1, 2, 8, BPF_AND | BPF_FETCH },
		{ 1, 2, 8, BPF_XOR | BPF_FETCH }, { 1, 2, 8, BPF_XCHG },
		{ 1, 2, 8, BPF_CMPXCHG }, { 1, 2, 0, BPF_LOAD_ACQ },
		{ 4, 3, 0, 9 }, { 5, 4, 0, -9 }, { 6, 5, 0, 1 }, { 7, 6, 0, 2 },
		{ 1, 2, 0, BPF_STORE_REL }, { 1, 2, -1, 0 },
	};
	struct eb_strbuf s = EB_STRBUF_INIT, cmd = EB_STRBUF_INIT;
	char *dir = sweep_dir;
	size_t ninsns = 0, nvalid = 0, nnewer = 0, nunknown = 0, i;
	unsigned int code, h;
	int fd;

	(void)state;
	TU_SKIP_UNLESS(tu_have_tool("llvm-mc") && tu_have_tool("llvm-objdump"),
		       "llvm-mc or llvm-objdump not found");
	assert_non_null(mkdtemp(dir));
	sweep_dir_made = true;
	eb_strbuf_adds(&s, ".section sweep,\"ax\",@progbits\n.globl f\nf:\n");
	for (code = 0; code < 256; code++) {
		for (i = 0; i < EB_ARRAY_SIZE(f); i++) {
			for (h = 0; h < (code == 0x18 ? 3u : 1u); h++) {
				static const int32_t hi[] = { 0, 1, -1 };
				struct bpf_insn insn[2];
				struct eb_insn_info info;

				insn[0] = eb_insn_raw(code, f[i].dst, f[i].src,
						      f[i].off, f[i].imm);
				insn[1] = eb_insn_raw(0, 0, 0, 0, hi[h]);
				if (eb_insn_decode(insn, 2, 0, &info) < 0 ||
				    llvm14_misreads(&info))
					continue;
				nunknown += !llvm14_knows(&info);
				add_byte_line(&s, &insn[0]);
				if (info.slots == 2)
					add_byte_line(&s, &insn[1]);
				nvalid++;
			}
		}
	}
	eb_strbuf_addf(&cmd, "%s/sweep.s", dir);
	fd = open(cmd.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s.buf, s.len), (ssize_t)s.len);
	close(fd);
	eb_strbuf_reset(&cmd);
	eb_strbuf_addf(&cmd, "llvm-mc -triple bpfel -filetype=obj %s/sweep.s -o %s/sweep.o",
		       dir, dir);
	assert_int_equal(system(cmd.buf), 0);
	eb_strbuf_reset(&cmd);
	eb_strbuf_addf(&cmd, "%s/sweep.o", dir);
	ninsns = compare_object(cmd.buf, &nnewer);
	printf("sweep: %zu encodings, %zu lines compared, %zu newer than objdump\n",
	       nvalid, ninsns, nnewer);
	assert_int_equal(ninsns, nvalid);
	assert_int_equal(nnewer, nunknown);
	assert_true(nunknown > 0);
	eb_strbuf_release(&cmd);
	eb_strbuf_release(&s);
}

/* Remove the sweep's files even when the test failed half way. */
static int sweep_teardown(void **state)
{
	static const char *const files[] = { "sweep.s", "sweep.o" };
	struct eb_strbuf path = EB_STRBUF_INIT;
	size_t i;

	(void)state;
	if (sweep_dir_made) {
		for (i = 0; i < EB_ARRAY_SIZE(files); i++) {
			eb_strbuf_reset(&path);
			eb_strbuf_addf(&path, "%s/%s", sweep_dir, files[i]);
			unlink(path.buf);
		}
		rmdir(sweep_dir);
	}
	eb_strbuf_release(&path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alu_forms),
		cmocka_unit_test(test_jmp_forms),
		cmocka_unit_test(test_mem_forms),
		cmocka_unit_test(test_atomic_forms),
		cmocka_unit_test(test_ld_imm64_forms),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_prog_layout),
		cmocka_unit_test(test_pseudo_call_forms),
		cmocka_unit_test_teardown(test_xlated_subprog_calls,
					  xlated_teardown),
		cmocka_unit_test(test_corpus_matches_objdump),
		cmocka_unit_test_teardown(test_sweep_matches_objdump,
					  sweep_teardown),
	};

	elf_version(EV_CURRENT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
