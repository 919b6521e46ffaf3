/* SPDX-License-Identifier: MIT */
/*
 * Tests of the instruction codec: the exact bytes every encoder produces
 * and what the decoder makes of them, including its refusals.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "insn.h"
#include "strbuf.h"
#include "util.h"

struct enc {
	struct bpf_insn insn;
	const char *bytes;	/* as llvm-objdump prints them */
};

static void check_bytes(const struct bpf_insn *insns, size_t n,
			const char *want)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	const unsigned char *b = (const unsigned char *)insns;
	size_t k;

	assert_int_equal(sizeof(*insns), 8);
	for (k = 0; k < n * 8; k++)
		eb_strbuf_addf(&sb, k ? " %02x" : "%02x", b[k]);
	if (strcmp(sb.buf, want))
		fail_msg("encoded '%s', want '%s'", sb.buf, want);
	eb_strbuf_release(&sb);
}

static void check_table(const struct enc *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		check_bytes(&t[i].insn, 1, t[i].bytes);
}

static void test_encode_alu(void **state)
{
	const struct enc t[] = {
		{ eb_insn_alu64_imm(BPF_ADD, 1, 7), "07 01 00 00 07 00 00 00" },
		{ eb_insn_alu64_imm(BPF_SUB, 2, -1), "17 02 00 00 ff ff ff ff" },
		{ eb_insn_alu64_imm(BPF_MUL, 3, 3), "27 03 00 00 03 00 00 00" },
		{ eb_insn_alu64_imm(BPF_DIV, 4, 10), "37 04 00 00 0a 00 00 00" },
		{ eb_insn_alu64_imm(BPF_OR, 5, 0x100), "47 05 00 00 00 01 00 00" },
		{ eb_insn_alu64_imm(BPF_AND, 6, 255), "57 06 00 00 ff 00 00 00" },
		{ eb_insn_alu64_imm(BPF_LSH, 7, 32), "67 07 00 00 20 00 00 00" },
		{ eb_insn_alu64_imm(BPF_RSH, 8, 32), "77 08 00 00 20 00 00 00" },
		{ eb_insn_alu64_imm(BPF_MOD, 9, 7), "97 09 00 00 07 00 00 00" },
		{ eb_insn_alu64_imm(BPF_XOR, 0, -1), "a7 00 00 00 ff ff ff ff" },
		{ eb_insn_alu64_imm(BPF_ARSH, 1, 63), "c7 01 00 00 3f 00 00 00" },
		{ eb_insn_alu64_reg(BPF_ADD, 1, 2), "0f 21 00 00 00 00 00 00" },
		{ eb_insn_alu64_reg(BPF_MOD, 1, 2), "9f 21 00 00 00 00 00 00" },
		{ eb_insn_alu64_reg(BPF_ARSH, 9, 10), "cf a9 00 00 00 00 00 00" },
		{ eb_insn_alu32_imm(BPF_ADD, 1, 7), "04 01 00 00 07 00 00 00" },
		{ eb_insn_alu32_imm(BPF_MOD, 1, 7), "94 01 00 00 07 00 00 00" },
		{ eb_insn_alu32_reg(BPF_XOR, 3, 4), "ac 43 00 00 00 00 00 00" },
		{ eb_insn_mov64_imm(0, 2), "b7 00 00 00 02 00 00 00" },
		{ eb_insn_mov64_reg(1, 10), "bf a1 00 00 00 00 00 00" },
		{ eb_insn_mov32_imm(1, -1), "b4 01 00 00 ff ff ff ff" },
		{ eb_insn_mov32_reg(7, 8), "bc 87 00 00 00 00 00 00" },
		{ eb_insn_neg64(3), "87 03 00 00 00 00 00 00" },
		{ eb_insn_neg32(3), "84 03 00 00 00 00 00 00" },
		{ eb_insn_sdiv64_reg(1, 2), "3f 21 01 00 00 00 00 00" },
		{ eb_insn_smod64_reg(1, 2), "9f 21 01 00 00 00 00 00" },
		{ eb_insn_sdiv32_reg(1, 2), "3c 21 01 00 00 00 00 00" },
		{ eb_insn_smod32_reg(1, 2), "9c 21 01 00 00 00 00 00" },
		{ eb_insn_salu64_imm(BPF_DIV, 1, -3), "37 01 01 00 fd ff ff ff" },
		{ eb_insn_salu32_imm(BPF_MOD, 1, 5), "94 01 01 00 05 00 00 00" },
		{ eb_insn_movsx64_reg(1, 2, 8), "bf 21 08 00 00 00 00 00" },
		{ eb_insn_movsx64_reg(1, 2, 16), "bf 21 10 00 00 00 00 00" },
		{ eb_insn_movsx64_reg(1, 2, 32), "bf 21 20 00 00 00 00 00" },
		{ eb_insn_movsx32_reg(1, 2, 8), "bc 21 08 00 00 00 00 00" },
		{ eb_insn_movsx32_reg(1, 2, 16), "bc 21 10 00 00 00 00 00" },
		{ eb_insn_to_le(1, 16), "d4 01 00 00 10 00 00 00" },
		{ eb_insn_to_le(1, 64), "d4 01 00 00 40 00 00 00" },
		{ eb_insn_to_be(2, 32), "dc 02 00 00 20 00 00 00" },
		{ eb_insn_bswap(3, 16), "d7 03 00 00 10 00 00 00" },
		{ eb_insn_bswap(3, 64), "d7 03 00 00 40 00 00 00" },
		{ eb_insn_addr_space_cast(1, 2, 1, 0), "bf 21 01 00 00 00 01 00" },
		{ eb_insn_mov64_percpu(0, 0), "bf 00 ff ff 00 00 00 00" },
		{ eb_insn_raw(0xff, 0x1f, 0x1f, -2, 3), "ff ff fe ff 03 00 00 00" },
	};

	(void)state;
	check_table(t, EB_ARRAY_SIZE(t));
}

static void test_encode_jmp(void **state)
{
	const struct enc t[] = {
		{ eb_insn_ja(5), "05 00 05 00 00 00 00 00" },
		{ eb_insn_ja(-1), "05 00 ff ff 00 00 00 00" },
		{ eb_insn_gotol(70000), "06 00 00 00 70 11 01 00" },
		{ eb_insn_may_goto(3), "e5 00 03 00 00 00 00 00" },
		{ eb_insn_jmp_imm(BPF_JEQ, 1, 3, 5), "15 01 05 00 03 00 00 00" },
		{ eb_insn_jmp_imm(BPF_JGT, 1, 3, 5), "25 01 05 00 03 00 00 00" },
		{ eb_insn_jmp_imm(BPF_JGE, 1, 3, 5), "35 01 05 00 03 00 00 00" },
		{ eb_insn_jmp_imm(BPF_JSET, 1, 3, 5), "45 01 05 00 03 00 00 00" },
		{ eb_insn_jmp_imm(BPF_JNE, 1, 3, 5), "55 01 05 00 03 00 00 00" },
		{ eb_insn_jmp_imm(BPF_JSGT, 1, 3, 5), "65 01 05 00 03 00 00 00" },
		{ eb_insn_jmp_imm(BPF_JSGE, 1, 3, 5), "75 01 05 00 03 00 00 00" },
		{ eb_insn_jmp_imm(BPF_JLT, 1, 3, 5), "a5 01 05 00 03 00 00 00" },
		{ eb_insn_jmp_imm(BPF_JLE, 1, 3, 5), "b5 01 05 00 03 00 00 00" },
		{ eb_insn_jmp_imm(BPF_JSLT, 1, 3, 5), "c5 01 05 00 03 00 00 00" },
		{ eb_insn_jmp_imm(BPF_JSLE, 1, 3, -5), "d5 01 fb ff 03 00 00 00" },
		{ eb_insn_jmp_reg(BPF_JEQ, 1, 2, -4), "1d 21 fc ff 00 00 00 00" },
		{ eb_insn_jmp_reg(BPF_JSLE, 1, 2, 1), "dd 21 01 00 00 00 00 00" },
		{ eb_insn_jmp32_imm(BPF_JNE, 1, -1, 2), "56 01 02 00 ff ff ff ff" },
		{ eb_insn_jmp32_reg(BPF_JSLT, 3, 4, 0), "ce 43 00 00 00 00 00 00" },
		{ eb_insn_call_helper(1), "85 00 00 00 01 00 00 00" },
		{ eb_insn_call_pseudo(-1), "85 10 00 00 ff ff ff ff" },
		{ eb_insn_call_kfunc(1234, 2), "85 20 02 00 d2 04 00 00" },
		{ eb_insn_exit(), "95 00 00 00 00 00 00 00" },
	};

	(void)state;
	check_table(t, EB_ARRAY_SIZE(t));
}

static void test_encode_mem(void **state)
{
	const struct enc t[] = {
		{ eb_insn_ld_abs(BPF_B, 12), "30 00 00 00 0c 00 00 00" },
		{ eb_insn_ld_abs(BPF_H, 12), "28 00 00 00 0c 00 00 00" },
		{ eb_insn_ld_abs(BPF_W, 12), "20 00 00 00 0c 00 00 00" },
		{ eb_insn_ld_ind(BPF_W, 2, 4), "40 20 00 00 04 00 00 00" },
		{ eb_insn_ldx_mem(BPF_B, 1, 2, 0), "71 21 00 00 00 00 00 00" },
		{ eb_insn_ldx_mem(BPF_H, 1, 2, 6), "69 21 06 00 00 00 00 00" },
		{ eb_insn_ldx_mem(BPF_W, 1, 10, -4), "61 a1 fc ff 00 00 00 00" },
		{ eb_insn_ldx_mem(BPF_DW, 0, 1, -32768), "79 10 00 80 00 00 00 00" },
		{ eb_insn_ldx_memsx(BPF_B, 1, 2, 3), "91 21 03 00 00 00 00 00" },
		{ eb_insn_ldx_memsx(BPF_H, 1, 2, 0), "89 21 00 00 00 00 00 00" },
		{ eb_insn_ldx_memsx(BPF_W, 1, 2, -8), "81 21 f8 ff 00 00 00 00" },
		{ eb_insn_st_mem(BPF_B, 10, -1, 1), "72 0a ff ff 01 00 00 00" },
		{ eb_insn_st_mem(BPF_H, 10, -2, 2), "6a 0a fe ff 02 00 00 00" },
		{ eb_insn_st_mem(BPF_W, 10, -4, 7), "62 0a fc ff 07 00 00 00" },
		{ eb_insn_st_mem(BPF_DW, 1, 8, -1), "7a 01 08 00 ff ff ff ff" },
		{ eb_insn_stx_mem(BPF_B, 10, 1, -1), "73 1a ff ff 00 00 00 00" },
		{ eb_insn_stx_mem(BPF_H, 10, 1, -2), "6b 1a fe ff 00 00 00 00" },
		{ eb_insn_stx_mem(BPF_W, 10, 1, -4), "63 1a fc ff 00 00 00 00" },
		{ eb_insn_stx_mem(BPF_DW, 10, 1, -8), "7b 1a f8 ff 00 00 00 00" },
		{ eb_insn_atomic_add(BPF_W, 1, 2, 0), "c3 21 00 00 00 00 00 00" },
		{ eb_insn_atomic_add(BPF_DW, 1, 2, 0), "db 21 00 00 00 00 00 00" },
		{ eb_insn_atomic(BPF_DW, BPF_OR, 1, 2, 0), "db 21 00 00 40 00 00 00" },
		{ eb_insn_atomic(BPF_DW, BPF_AND, 1, 2, 0), "db 21 00 00 50 00 00 00" },
		{ eb_insn_atomic(BPF_DW, BPF_XOR, 1, 2, 0), "db 21 00 00 a0 00 00 00" },
		{ eb_insn_atomic_fetch_add(BPF_DW, 1, 2, 0), "db 21 00 00 01 00 00 00" },
		{ eb_insn_atomic(BPF_W, BPF_OR | BPF_FETCH, 1, 2, 0), "c3 21 00 00 41 00 00 00" },
		{ eb_insn_atomic(BPF_W, BPF_AND | BPF_FETCH, 1, 2, 0), "c3 21 00 00 51 00 00 00" },
		{ eb_insn_atomic(BPF_W, BPF_XOR | BPF_FETCH, 1, 2, 0), "c3 21 00 00 a1 00 00 00" },
		{ eb_insn_atomic_xchg(BPF_DW, 1, 2, -8), "db 21 f8 ff e1 00 00 00" },
		{ eb_insn_atomic_cmpxchg(BPF_W, 1, 2, -8), "c3 21 f8 ff f1 00 00 00" },
		{ eb_insn_load_acquire(BPF_B, 0, 1, 0), "d3 10 00 00 00 01 00 00" },
		{ eb_insn_load_acquire(BPF_H, 0, 1, 0), "cb 10 00 00 00 01 00 00" },
		{ eb_insn_load_acquire(BPF_DW, 0, 1, 0), "db 10 00 00 00 01 00 00" },
		{ eb_insn_store_release(BPF_W, 1, 2, 0), "c3 21 00 00 10 01 00 00" },
	};

	(void)state;
	check_table(t, EB_ARRAY_SIZE(t));
}

static void test_encode_ld_imm64(void **state)
{
	struct bpf_insn p[2];

	(void)state;
	eb_insn_ld_imm64(p, 1, 0x123456789abcdef0ULL);
	check_bytes(p, 2, "18 01 00 00 f0 de bc 9a 00 00 00 00 78 56 34 12");
	eb_insn_ld_map_fd(p, 1, 5);
	check_bytes(p, 2, "18 11 00 00 05 00 00 00 00 00 00 00 00 00 00 00");
	eb_insn_ld_map_value(p, 2, 5, 16);
	check_bytes(p, 2, "18 22 00 00 05 00 00 00 00 00 00 00 10 00 00 00");
	eb_insn_ld_btf_id(p, 3, 77, 4);
	check_bytes(p, 2, "18 33 00 00 4d 00 00 00 00 00 00 00 04 00 00 00");
	eb_insn_ld_func(p, 4, -3);
	check_bytes(p, 2, "18 44 00 00 fd ff ff ff 00 00 00 00 00 00 00 00");
	eb_insn_ld_map_idx(p, 5, 2);
	check_bytes(p, 2, "18 55 00 00 02 00 00 00 00 00 00 00 00 00 00 00");
	eb_insn_ld_map_idx_value(p, 6, 1, 8);
	check_bytes(p, 2, "18 66 00 00 01 00 00 00 00 00 00 00 08 00 00 00");
	assert_true(eb_insn_is_ld_imm64(&p[0]));
	assert_false(eb_insn_is_ld_imm64(&p[1]));
}

/* --- decoding ------------------------------------------------------------- */

static void decode1(struct bpf_insn insn, struct eb_insn_info *info)
{
	assert_int_equal(eb_insn_decode(&insn, 1, 0, info), 1);
}

static void test_decode_alu(void **state)
{
	struct eb_insn_info in;

	(void)state;
	decode1(eb_insn_alu64_reg(BPF_SUB, 3, 4), &in);
	assert_int_equal(in.kind, EB_INSN_ALU);
	assert_int_equal(in.cls, BPF_ALU64);
	assert_int_equal(in.op, BPF_SUB);
	assert_true(in.use_reg);
	assert_true(in.is64);
	assert_false(in.sign);
	assert_int_equal(in.dst, 3);
	assert_int_equal(in.src, 4);
	assert_int_equal(in.slots, 1);

	decode1(eb_insn_alu32_imm(BPF_LSH, 2, 5), &in);
	assert_int_equal(in.kind, EB_INSN_ALU);
	assert_int_equal(in.cls, BPF_ALU);
	assert_false(in.use_reg);
	assert_false(in.is64);
	assert_int_equal(in.imm, 5);

	decode1(eb_insn_smod32_reg(1, 2), &in);
	assert_int_equal(in.kind, EB_INSN_ALU);
	assert_int_equal(in.op, BPF_MOD);
	assert_true(in.sign);

	decode1(eb_insn_movsx64_reg(1, 2, 32), &in);
	assert_int_equal(in.kind, EB_INSN_MOVSX);
	assert_int_equal(in.bits, 32);
	decode1(eb_insn_neg32(4), &in);
	assert_int_equal(in.kind, EB_INSN_NEG);
	decode1(eb_insn_to_be(4, 16), &in);
	assert_int_equal(in.kind, EB_INSN_END);
	assert_int_equal(in.bits, 16);
	assert_false(in.use_reg);
	decode1(eb_insn_bswap(4, 32), &in);
	assert_int_equal(in.kind, EB_INSN_BSWAP);
	assert_int_equal(in.bits, 32);
	decode1(eb_insn_addr_space_cast(1, 2, 1, 0), &in);
	assert_int_equal(in.kind, EB_INSN_ADDR_SPACE_CAST);
	decode1(eb_insn_mov64_percpu(3, 4), &in);
	assert_int_equal(in.kind, EB_INSN_MOV_PERCPU);
	assert_int_equal(in.dst, 3);
	assert_int_equal(in.src, 4);
}

static void test_decode_jmp(void **state)
{
	struct eb_insn_info in;

	(void)state;
	decode1(eb_insn_jmp32_reg(BPF_JSGE, 1, 2, -7), &in);
	assert_int_equal(in.kind, EB_INSN_JCC);
	assert_int_equal(in.cls, BPF_JMP32);
	assert_int_equal(in.op, BPF_JSGE);
	assert_false(in.is64);
	assert_true(in.use_reg);
	assert_int_equal(in.off, -7);
	decode1(eb_insn_jmp_imm(BPF_JSET, 1, 8, 2), &in);
	assert_int_equal(in.kind, EB_INSN_JCC);
	assert_true(in.is64);
	decode1(eb_insn_ja(3), &in);
	assert_int_equal(in.kind, EB_INSN_JA);
	decode1(eb_insn_gotol(-70000), &in);
	assert_int_equal(in.kind, EB_INSN_GOTOL);
	assert_int_equal(in.imm, -70000);
	decode1(eb_insn_may_goto(9), &in);
	assert_int_equal(in.kind, EB_INSN_MAY_GOTO);
	decode1(eb_insn_call_helper(6), &in);
	assert_int_equal(in.kind, EB_INSN_CALL_HELPER);
	decode1(eb_insn_call_pseudo(4), &in);
	assert_int_equal(in.kind, EB_INSN_CALL_PSEUDO);
	decode1(eb_insn_call_kfunc(100, 1), &in);
	assert_int_equal(in.kind, EB_INSN_CALL_KFUNC);
	assert_int_equal(in.off, 1);
	decode1(eb_insn_raw(BPF_JMP | BPF_CALL | BPF_X, 0, 0, 0, 5), &in);
	assert_int_equal(in.kind, EB_INSN_CALLX);
	decode1(eb_insn_exit(), &in);
	assert_int_equal(in.kind, EB_INSN_EXIT);
}

static void test_decode_mem(void **state)
{
	struct bpf_insn p[3];
	struct eb_insn_info in;

	(void)state;
	eb_insn_ld_map_value(p, 2, 7, 24);
	p[2] = eb_insn_exit();
	assert_int_equal(eb_insn_decode(p, 3, 0, &in), 2);
	assert_int_equal(in.kind, EB_INSN_LD_IMM64);
	assert_int_equal(in.slots, 2);
	assert_int_equal(in.src, BPF_PSEUDO_MAP_VALUE);
	assert_int_equal(in.imm, 7);
	assert_true(in.imm64 == ((uint64_t)24 << 32 | 7));
	assert_int_equal(eb_insn_decode(p, 3, 2, &in), 1);
	assert_int_equal(in.kind, EB_INSN_EXIT);

	decode1(eb_insn_ld_abs(BPF_H, 3), &in);
	assert_int_equal(in.kind, EB_INSN_LD_ABS);
	assert_int_equal(in.size, 2);
	decode1(eb_insn_ld_ind(BPF_B, 3, 1), &in);
	assert_int_equal(in.kind, EB_INSN_LD_IND);
	assert_int_equal(in.size, 1);
	decode1(eb_insn_ldx_mem(BPF_DW, 1, 2, -8), &in);
	assert_int_equal(in.kind, EB_INSN_LDX);
	assert_int_equal(in.mode, BPF_MEM);
	assert_int_equal(in.size, 8);
	decode1(eb_insn_ldx_memsx(BPF_H, 1, 2, -8), &in);
	assert_int_equal(in.kind, EB_INSN_LDX_SX);
	assert_int_equal(in.mode, BPF_MEMSX);
	assert_int_equal(in.size, 2);
	decode1(eb_insn_st_mem(BPF_W, 10, -4, 1), &in);
	assert_int_equal(in.kind, EB_INSN_ST);
	assert_int_equal(in.size, 4);
	decode1(eb_insn_stx_mem(BPF_B, 10, 1, -1), &in);
	assert_int_equal(in.kind, EB_INSN_STX);
	decode1(eb_insn_atomic_cmpxchg(BPF_DW, 1, 2, 0), &in);
	assert_int_equal(in.kind, EB_INSN_ATOMIC);
	assert_int_equal(in.atomic_op, BPF_CMPXCHG);
	assert_int_equal(in.mode, BPF_ATOMIC);
	decode1(eb_insn_store_release(BPF_H, 1, 2, 0), &in);
	assert_int_equal(in.kind, EB_INSN_ATOMIC);
	assert_int_equal(in.atomic_op, BPF_STORE_REL);
	assert_int_equal(in.size, 2);
}

static void test_decode_errors(void **state)
{
	const struct bpf_insn bad[] = {
		/* unknown opcodes */
		eb_insn_raw(0xff, 0, 0, 0, 0),
		eb_insn_raw(BPF_ALU64 | 0xe0, 1, 0, 0, 0),
		eb_insn_raw(BPF_JMP | 0xf0, 0, 0, 0, 0),
		eb_insn_raw(BPF_LD | BPF_MEM | BPF_W, 0, 0, 0, 0),
		eb_insn_raw(BPF_LDX | BPF_IMM | BPF_W, 1, 2, 0, 0),
		eb_insn_raw(BPF_ST | BPF_ATOMIC | BPF_W, 1, 0, 0, 0),
		eb_insn_raw(BPF_LD | BPF_ABS | BPF_DW, 0, 0, 0, 0),
		eb_insn_raw(BPF_LDX | BPF_MEMSX | BPF_DW, 1, 2, 0, 0),
		eb_insn_raw(BPF_JMP | BPF_JA | BPF_X, 0, 0, 1, 0),
		eb_insn_raw(BPF_JMP32 | BPF_CALL, 0, 0, 0, 1),
		eb_insn_raw(BPF_JMP32 | BPF_EXIT, 0, 0, 0, 0),
		eb_insn_raw(BPF_JMP32 | BPF_JCOND, 0, 0, 1, 0),
		eb_insn_raw(BPF_ALU64 | BPF_END | BPF_TO_BE, 1, 0, 0, 16),
		eb_insn_raw(BPF_ALU64 | BPF_NEG | BPF_X, 1, 0, 0, 0),
		/* reserved fields */
		eb_insn_raw(BPF_ALU64 | BPF_ADD | BPF_K, 1, 2, 0, 1),
		eb_insn_raw(BPF_ALU64 | BPF_ADD | BPF_X, 1, 2, 0, 1),
		eb_insn_raw(BPF_ALU64 | BPF_ADD | BPF_X, 1, 2, 1, 0),
		eb_insn_raw(BPF_ALU64 | BPF_DIV | BPF_X, 1, 2, 2, 0),
		eb_insn_raw(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 8, 0),
		eb_insn_raw(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 4, 0),
		eb_insn_raw(BPF_ALU | BPF_MOV | BPF_X, 1, 2, 32, 0),
		eb_insn_raw(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 8, 1),
		eb_insn_raw(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, -1, 1),
		eb_insn_raw(BPF_ALU | BPF_MOV | BPF_X, 1, 2, -1, 0),
		eb_insn_raw(BPF_ALU | BPF_END | BPF_TO_LE, 1, 0, 0, 8),
		eb_insn_raw(BPF_ALU | BPF_END | BPF_TO_LE, 1, 2, 0, 16),
		eb_insn_raw(BPF_ALU | BPF_NEG | BPF_K, 1, 0, 0, 1),
		eb_insn_raw(BPF_JMP | BPF_JA, 1, 0, 1, 0),
		eb_insn_raw(BPF_JMP | BPF_JA, 0, 0, 1, 1),
		eb_insn_raw(BPF_JMP32 | BPF_JA, 0, 0, 1, 1),
		eb_insn_raw(BPF_JMP | BPF_JEQ | BPF_K, 1, 2, 1, 0),
		eb_insn_raw(BPF_JMP | BPF_JEQ | BPF_X, 1, 2, 1, 3),
		eb_insn_raw(BPF_JMP | BPF_CALL, 1, 0, 0, 1),
		eb_insn_raw(BPF_JMP | BPF_CALL, 0, 0, 1, 1),
		eb_insn_raw(BPF_JMP | BPF_CALL, 0, 3, 0, 1),
		eb_insn_raw(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 1, 1),
		eb_insn_raw(BPF_JMP | BPF_CALL | BPF_X, 1, 0, 0, 2),
		eb_insn_raw(BPF_JMP | BPF_EXIT, 0, 0, 0, 1),
		eb_insn_raw(BPF_JMP | BPF_JCOND, 0, 1, 1, 0),
		eb_insn_raw(BPF_LD | BPF_ABS | BPF_W, 1, 0, 0, 0),
		eb_insn_raw(BPF_LD | BPF_ABS | BPF_W, 0, 1, 0, 0),
		eb_insn_raw(BPF_LD | BPF_IND | BPF_W, 0, 1, 1, 0),
		eb_insn_raw(BPF_LDX | BPF_MEM | BPF_W, 1, 2, 0, 1),
		eb_insn_raw(BPF_ST | BPF_MEM | BPF_W, 1, 2, 0, 1),
		eb_insn_raw(BPF_STX | BPF_MEM | BPF_W, 1, 2, 0, 1),
		eb_insn_raw(BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 0, BPF_SUB),
		eb_insn_raw(BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 0, 0x02),
		eb_insn_raw(BPF_STX | BPF_ATOMIC | BPF_B, 1, 2, 0, BPF_ADD),
		eb_insn_raw(BPF_STX | BPF_ATOMIC | BPF_H, 1, 2, 0, BPF_XCHG),
		/* registers beyond r10 */
		eb_insn_raw(BPF_ALU64 | BPF_MOV | BPF_K, 11, 0, 0, 0),
		eb_insn_raw(BPF_ALU64 | BPF_MOV | BPF_X, 1, 15, 0, 0),
	};
	struct eb_insn_info in;
	struct bpf_insn p[2];
	size_t i;

	(void)state;
	for (i = 0; i < EB_ARRAY_SIZE(bad); i++) {
		int ret = eb_insn_decode(&bad[i], 1, 0, &in);

		if (ret != -EINVAL)
			fail_msg("bad[%zu] (code 0x%02x): decoded %d, want -EINVAL",
				 i, bad[i].code, ret);
	}

	/* 64-bit loads: truncated, malformed second slot, unknown pseudo */
	eb_insn_ld_imm64(p, 1, 1);
	assert_int_equal(eb_insn_decode(p, 1, 0, &in), -EINVAL);
	assert_int_equal(eb_insn_decode(p, 2, 0, &in), 2);
	p[1].code = BPF_JMP | BPF_EXIT;
	assert_int_equal(eb_insn_decode(p, 2, 0, &in), -EINVAL);
	p[1] = eb_insn_raw(0, 0, 1, 0, 0);
	assert_int_equal(eb_insn_decode(p, 2, 0, &in), -EINVAL);
	p[1] = eb_insn_raw(0, 0, 0, 1, 0);
	assert_int_equal(eb_insn_decode(p, 2, 0, &in), -EINVAL);
	eb_insn_ld_pseudo(p, 1, 7, 0, 0);
	assert_int_equal(eb_insn_decode(p, 2, 0, &in), -EINVAL);
	eb_insn_ld_imm64(p, 1, 1);
	p[0].off = 1;
	assert_int_equal(eb_insn_decode(p, 2, 0, &in), -EINVAL);

	/* out of range index, NULL array */
	eb_insn_ld_imm64(p, 1, 1);
	assert_int_equal(eb_insn_decode(p, 2, 2, &in), -EINVAL);
	assert_int_equal(eb_insn_decode(NULL, 0, 0, &in), -EINVAL);
}

/* Every opcode byte: the decoder accepts exactly the known set (with the
 * other fields at values valid for the form). */
static void test_decode_opcode_set(void **state)
{
	static const uint8_t valid[] = {
		/* ALU: all ops K and X but NEG X; END K/X */
		0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c,
		0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c, 0x84, 0x94, 0x9c, 0xa4,
		0xac, 0xb4, 0xbc, 0xc4, 0xcc, 0xd4, 0xdc,
		/* ALU64: END only as K (bswap) */
		0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f,
		0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f, 0xa7,
		0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd7,
		/* JMP */
		0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55,
		0x5d, 0x65, 0x6d, 0x75, 0x7d, 0x85, 0x8d, 0x95, 0xa5, 0xad,
		0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd, 0xe5,
		/* JMP32 */
		0x06, 0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e, 0x46, 0x4e, 0x56,
		0x5e, 0x66, 0x6e, 0x76, 0x7e, 0xa6, 0xae, 0xb6, 0xbe, 0xc6,
		0xce, 0xd6, 0xde,
		/* LD */
		0x18, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50,
		/* LDX */
		0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91,
		/* ST, STX, atomics */
		0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b,
		0xc3, 0xcb, 0xd3, 0xdb,
	};
	bool is_valid[256] = { false };
	unsigned int code;
	size_t i;

	(void)state;
	for (i = 0; i < EB_ARRAY_SIZE(valid); i++)
		is_valid[valid[i]] = true;
	for (code = 0; code < 256; code++) {
		struct bpf_insn p[2];
		struct eb_insn_info in;
		int32_t imm = 0;
		bool ok;

		/* a value each form accepts in imm */
		if (BPF_OP(code) == BPF_END && (BPF_CLASS(code) == BPF_ALU ||
						BPF_CLASS(code) == BPF_ALU64))
			imm = 16;
		if (BPF_CLASS(code) == BPF_STX && BPF_MODE(code) == BPF_ATOMIC)
			imm = BPF_LOAD_ACQ;
		p[0] = eb_insn_raw(code, 0, 0, 0, imm);
		p[1] = eb_insn_raw(0, 0, 0, 0, 0);
		ok = eb_insn_decode(p, 2, 0, &in) > 0;
		if (ok != is_valid[code])
			fail_msg("opcode 0x%02x: decoder says %s", code,
				 ok ? "valid" : "invalid");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_alu),
		cmocka_unit_test(test_encode_jmp),
		cmocka_unit_test(test_encode_mem),
		cmocka_unit_test(test_encode_ld_imm64),
		cmocka_unit_test(test_decode_alu),
		cmocka_unit_test(test_decode_jmp),
		cmocka_unit_test(test_decode_mem),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_decode_opcode_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
