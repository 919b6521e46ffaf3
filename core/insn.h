/* SPDX-License-Identifier: MIT */
/*
 * insn.h - encoding and decoding single eBPF instructions.
 *
 * Encoders are static inline functions returning a struct bpf_insn by
 * value, so a program reads like a listing:
 *
 *	struct bpf_insn prog[] = {
 *		eb_insn_mov64_imm(BPF_REG_0, 0),
 *		eb_insn_exit(),
 *	};
 *
 * The 64-bit immediate load is the one two-slot instruction; its encoders
 * fill an array of two instructions (struct bpf_insn out[2]).
 *
 * Arguments are the kernel's names: `op` is BPF_ADD .. BPF_END (ALU) or
 * BPF_JEQ .. BPF_JSLE (jumps), `size` is BPF_B, BPF_H, BPF_W or BPF_DW,
 * registers are 0..10 (BPF_REG_0 ..).  Encoders do not validate: what you
 * pass is what is encoded.  eb_insn_decode() validates.
 *
 * Nothing here allocates; there is no ownership to track.
 */
#ifndef EB_INSN_H
#define EB_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi_ext.h"

/* One slot of the instruction stream, built from its five fields. */
static inline struct bpf_insn eb_insn_raw(uint8_t code, uint8_t dst,
					  uint8_t src, int16_t off,
					  int32_t imm)
{
	struct bpf_insn insn = {
		.code = code,
		.dst_reg = dst & 0xf,
		.src_reg = src & 0xf,
		.off = off,
		.imm = imm,
	};
	return insn;
}

/* --- ALU (32-bit, BPF_ALU) and ALU64 ------------------------------------ */

/* dst op= src, op one of BPF_ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, MOD,
 * XOR, MOV, ARSH (unsigned DIV/MOD). */
static inline struct bpf_insn eb_insn_alu64_reg(uint8_t op, uint8_t dst,
						uint8_t src)
{
	return eb_insn_raw(BPF_ALU64 | op | BPF_X, dst, src, 0, 0);
}

static inline struct bpf_insn eb_insn_alu64_imm(uint8_t op, uint8_t dst,
						int32_t imm)
{
	return eb_insn_raw(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm);
}

static inline struct bpf_insn eb_insn_alu32_reg(uint8_t op, uint8_t dst,
						uint8_t src)
{
	return eb_insn_raw(BPF_ALU | op | BPF_X, dst, src, 0, 0);
}

static inline struct bpf_insn eb_insn_alu32_imm(uint8_t op, uint8_t dst,
						int32_t imm)
{
	return eb_insn_raw(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}

static inline struct bpf_insn eb_insn_mov64_reg(uint8_t dst, uint8_t src)
{
	return eb_insn_alu64_reg(BPF_MOV, dst, src);
}

/* dst = imm, sign-extended to 64 bits. */
static inline struct bpf_insn eb_insn_mov64_imm(uint8_t dst, int32_t imm)
{
	return eb_insn_alu64_imm(BPF_MOV, dst, imm);
}

static inline struct bpf_insn eb_insn_mov32_reg(uint8_t dst, uint8_t src)
{
	return eb_insn_alu32_reg(BPF_MOV, dst, src);
}

/* w(dst) = imm; the upper half of dst is zeroed. */
static inline struct bpf_insn eb_insn_mov32_imm(uint8_t dst, int32_t imm)
{
	return eb_insn_alu32_imm(BPF_MOV, dst, imm);
}

/* cpu v4: dst = (s<bits>)src, bits 8, 16 or 32 (off carries bits). */
static inline struct bpf_insn eb_insn_movsx64_reg(uint8_t dst, uint8_t src,
						  int16_t bits)
{
	return eb_insn_raw(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, bits, 0);
}

/* cpu v4: w(dst) = (s<bits>)w(src), bits 8 or 16. */
static inline struct bpf_insn eb_insn_movsx32_reg(uint8_t dst, uint8_t src,
						  int16_t bits)
{
	return eb_insn_raw(BPF_ALU | BPF_MOV | BPF_X, dst, src, bits, 0);
}

/* cpu v4 signed division and modulo: BPF_DIV / BPF_MOD with off = 1.
 * op is BPF_DIV or BPF_MOD. */
static inline struct bpf_insn eb_insn_salu64_reg(uint8_t op, uint8_t dst,
						 uint8_t src)
{
	return eb_insn_raw(BPF_ALU64 | op | BPF_X, dst, src, 1, 0);
}

static inline struct bpf_insn eb_insn_salu64_imm(uint8_t op, uint8_t dst,
						 int32_t imm)
{
	return eb_insn_raw(BPF_ALU64 | op | BPF_K, dst, 0, 1, imm);
}

static inline struct bpf_insn eb_insn_salu32_reg(uint8_t op, uint8_t dst,
						 uint8_t src)
{
	return eb_insn_raw(BPF_ALU | op | BPF_X, dst, src, 1, 0);
}

static inline struct bpf_insn eb_insn_salu32_imm(uint8_t op, uint8_t dst,
						 int32_t imm)
{
	return eb_insn_raw(BPF_ALU | op | BPF_K, dst, 0, 1, imm);
}

static inline struct bpf_insn eb_insn_sdiv64_reg(uint8_t dst, uint8_t src)
{
	return eb_insn_salu64_reg(BPF_DIV, dst, src);
}

static inline struct bpf_insn eb_insn_smod64_reg(uint8_t dst, uint8_t src)
{
	return eb_insn_salu64_reg(BPF_MOD, dst, src);
}

static inline struct bpf_insn eb_insn_sdiv32_reg(uint8_t dst, uint8_t src)
{
	return eb_insn_salu32_reg(BPF_DIV, dst, src);
}

static inline struct bpf_insn eb_insn_smod32_reg(uint8_t dst, uint8_t src)
{
	return eb_insn_salu32_reg(BPF_MOD, dst, src);
}

/* dst = -dst */
static inline struct bpf_insn eb_insn_neg64(uint8_t dst)
{
	return eb_insn_raw(BPF_ALU64 | BPF_NEG | BPF_K, dst, 0, 0, 0);
}

static inline struct bpf_insn eb_insn_neg32(uint8_t dst)
{
	return eb_insn_raw(BPF_ALU | BPF_NEG | BPF_K, dst, 0, 0, 0);
}

/* Byte order conversion of the low `bits` (16, 32, 64) of dst:
 * to_le/to_be are no-ops or swaps depending on the host (BPF_ALU class);
 * bswap (cpu v4, BPF_ALU64 | BPF_END | BPF_TO_LE) always swaps. */
static inline struct bpf_insn eb_insn_to_le(uint8_t dst, int32_t bits)
{
	return eb_insn_raw(BPF_ALU | BPF_END | BPF_TO_LE, dst, 0, 0, bits);
}

static inline struct bpf_insn eb_insn_to_be(uint8_t dst, int32_t bits)
{
	return eb_insn_raw(BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, bits);
}

static inline struct bpf_insn eb_insn_bswap(uint8_t dst, int32_t bits)
{
	return eb_insn_raw(BPF_ALU64 | BPF_END | BPF_TO_LE, dst, 0, 0, bits);
}

/* Arena pointer cast (Linux 6.9): dst = addr_space_cast(src, dst_as,
 * src_as), encoded as ALU64 MOV X with off = 1. */
static inline struct bpf_insn eb_insn_addr_space_cast(uint8_t dst,
						      uint8_t src,
						      uint16_t dst_as,
						      uint16_t src_as)
{
	return eb_insn_raw(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 1,
			   (int32_t)(((uint32_t)dst_as << 16) | src_as));
}

/* The verifier's per-CPU address conversion, found in translated
 * (xlated) programs: dst = this CPU's address of the per-CPU pointer src
 * (ALU64 MOV X with off = -1; kernel-internal, never loaded). */
#define EB_INSN_OFF_PERCPU	(-1)

static inline struct bpf_insn eb_insn_mov64_percpu(uint8_t dst, uint8_t src)
{
	return eb_insn_raw(BPF_ALU64 | BPF_MOV | BPF_X, dst, src,
			   EB_INSN_OFF_PERCPU, 0);
}

/* --- jumps ---------------------------------------------------------------- */

/* if dst op imm goto pc + 1 + off; op BPF_JEQ .. BPF_JSLE. */
static inline struct bpf_insn eb_insn_jmp_imm(uint8_t op, uint8_t dst,
					      int32_t imm, int16_t off)
{
	return eb_insn_raw(BPF_JMP | op | BPF_K, dst, 0, off, imm);
}

static inline struct bpf_insn eb_insn_jmp_reg(uint8_t op, uint8_t dst,
					      uint8_t src, int16_t off)
{
	return eb_insn_raw(BPF_JMP | op | BPF_X, dst, src, off, 0);
}

/* The same comparing the low 32 bits (class BPF_JMP32). */
static inline struct bpf_insn eb_insn_jmp32_imm(uint8_t op, uint8_t dst,
						int32_t imm, int16_t off)
{
	return eb_insn_raw(BPF_JMP32 | op | BPF_K, dst, 0, off, imm);
}

static inline struct bpf_insn eb_insn_jmp32_reg(uint8_t op, uint8_t dst,
						uint8_t src, int16_t off)
{
	return eb_insn_raw(BPF_JMP32 | op | BPF_X, dst, src, off, 0);
}

/* goto pc + 1 + off */
static inline struct bpf_insn eb_insn_ja(int16_t off)
{
	return eb_insn_raw(BPF_JMP | BPF_JA, 0, 0, off, 0);
}

/* cpu v4 long jump: gotol pc + 1 + imm (BPF_JMP32 | BPF_JA). */
static inline struct bpf_insn eb_insn_gotol(int32_t imm)
{
	return eb_insn_raw(BPF_JMP32 | BPF_JA, 0, 0, 0, imm);
}

/* may_goto pc + 1 + off (Linux 6.9, BPF_JMP | BPF_JCOND). */
static inline struct bpf_insn eb_insn_may_goto(int16_t off)
{
	return eb_insn_raw(BPF_JMP | BPF_JCOND, 0, 0, off, 0);
}

/* Call helper number `id` (enum bpf_func_id). */
static inline struct bpf_insn eb_insn_call_helper(int32_t id)
{
	return eb_insn_raw(BPF_JMP | BPF_CALL, 0, 0, 0, id);
}

/* BPF-to-BPF call: the callee starts at pc + 1 + rel. */
static inline struct bpf_insn eb_insn_call_pseudo(int32_t rel)
{
	return eb_insn_raw(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, rel);
}

/* kfunc call: imm is the BTF id of the function, off the index of its
 * module BTF in the fd_array (0: vmlinux). */
static inline struct bpf_insn eb_insn_call_kfunc(int32_t btf_id,
						 int16_t fd_idx)
{
	return eb_insn_raw(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL,
			   fd_idx, btf_id);
}

static inline struct bpf_insn eb_insn_exit(void)
{
	return eb_insn_raw(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* --- 64-bit immediate loads (two slots) ---------------------------------- */

/* out[0..1] = dst = imm_lo | imm_hi << 32 with pseudo source `src`
 * (0, or BPF_PSEUDO_MAP_FD, MAP_VALUE, BTF_ID, FUNC, MAP_IDX,
 * MAP_IDX_VALUE). */
static inline void eb_insn_ld_pseudo(struct bpf_insn out[2], uint8_t dst,
				     uint8_t src, int32_t imm_lo,
				     int32_t imm_hi)
{
	out[0] = eb_insn_raw(BPF_LD | BPF_IMM | BPF_DW, dst, src, 0, imm_lo);
	out[1] = eb_insn_raw(0, 0, 0, 0, imm_hi);
}

/* dst = imm (64-bit constant). */
static inline void eb_insn_ld_imm64(struct bpf_insn out[2], uint8_t dst,
				    uint64_t imm)
{
	eb_insn_ld_pseudo(out, dst, 0, (int32_t)(uint32_t)imm,
			  (int32_t)(uint32_t)(imm >> 32));
}

/* dst = the map with this fd. */
static inline void eb_insn_ld_map_fd(struct bpf_insn out[2], uint8_t dst,
				     int fd)
{
	eb_insn_ld_pseudo(out, dst, BPF_PSEUDO_MAP_FD, fd, 0);
}

/* dst = address of byte `off` of the (array) map's value. */
static inline void eb_insn_ld_map_value(struct bpf_insn out[2], uint8_t dst,
					int fd, uint32_t off)
{
	eb_insn_ld_pseudo(out, dst, BPF_PSEUDO_MAP_VALUE, fd, (int32_t)off);
}

/* The same naming the map by its index in the load's fd_array. */
static inline void eb_insn_ld_map_idx(struct bpf_insn out[2], uint8_t dst,
				      uint32_t idx)
{
	eb_insn_ld_pseudo(out, dst, BPF_PSEUDO_MAP_IDX, (int32_t)idx, 0);
}

static inline void eb_insn_ld_map_idx_value(struct bpf_insn out[2],
					    uint8_t dst, uint32_t idx,
					    uint32_t off)
{
	eb_insn_ld_pseudo(out, dst, BPF_PSEUDO_MAP_IDX_VALUE, (int32_t)idx,
			  (int32_t)off);
}

/* dst = address of the kernel variable with this BTF id; btf_fd names a
 * module BTF (0: vmlinux). */
static inline void eb_insn_ld_btf_id(struct bpf_insn out[2], uint8_t dst,
				     uint32_t btf_id, int btf_fd)
{
	eb_insn_ld_pseudo(out, dst, BPF_PSEUDO_BTF_ID, (int32_t)btf_id,
			  btf_fd);
}

/* dst = address of the subprogram starting at pc + 1 + rel (callbacks). */
static inline void eb_insn_ld_func(struct bpf_insn out[2], uint8_t dst,
				   int32_t rel)
{
	eb_insn_ld_pseudo(out, dst, BPF_PSEUDO_FUNC, rel, 0);
}

/* --- legacy packet loads (socket filters) ------------------------------- */

/* r0 = *(size *)(skb->data + imm) */
static inline struct bpf_insn eb_insn_ld_abs(uint8_t size, int32_t imm)
{
	return eb_insn_raw(BPF_LD | BPF_ABS | size, 0, 0, 0, imm);
}

/* r0 = *(size *)(skb->data + src + imm) */
static inline struct bpf_insn eb_insn_ld_ind(uint8_t size, uint8_t src,
					     int32_t imm)
{
	return eb_insn_raw(BPF_LD | BPF_IND | size, 0, src, 0, imm);
}

/* --- memory --------------------------------------------------------------- */

/* dst = *(size *)(src + off), zero-extended. */
static inline struct bpf_insn eb_insn_ldx_mem(uint8_t size, uint8_t dst,
					      uint8_t src, int16_t off)
{
	return eb_insn_raw(BPF_LDX | BPF_MEM | size, dst, src, off, 0);
}

/* cpu v4: dst = *(s<size> *)(src + off), sign-extended (B, H, W). */
static inline struct bpf_insn eb_insn_ldx_memsx(uint8_t size, uint8_t dst,
						uint8_t src, int16_t off)
{
	return eb_insn_raw(BPF_LDX | BPF_MEMSX | size, dst, src, off, 0);
}

/* *(size *)(dst + off) = imm */
static inline struct bpf_insn eb_insn_st_mem(uint8_t size, uint8_t dst,
					     int16_t off, int32_t imm)
{
	return eb_insn_raw(BPF_ST | BPF_MEM | size, dst, 0, off, imm);
}

/* *(size *)(dst + off) = src */
static inline struct bpf_insn eb_insn_stx_mem(uint8_t size, uint8_t dst,
					      uint8_t src, int16_t off)
{
	return eb_insn_raw(BPF_STX | BPF_MEM | size, dst, src, off, 0);
}

/*
 * Atomic operation on *(size *)(dst + off) with src (size BPF_W or
 * BPF_DW).  aop is the immediate: BPF_ADD, BPF_OR, BPF_AND, BPF_XOR,
 * each optionally | BPF_FETCH (src receives the old value), BPF_XCHG,
 * BPF_CMPXCHG (compares with r0, r0 receives the old value).
 */
static inline struct bpf_insn eb_insn_atomic(uint8_t size, int32_t aop,
					     uint8_t dst, uint8_t src,
					     int16_t off)
{
	return eb_insn_raw(BPF_STX | BPF_ATOMIC | size, dst, src, off, aop);
}

/* lock *(size *)(dst + off) += src */
static inline struct bpf_insn eb_insn_atomic_add(uint8_t size, uint8_t dst,
						 uint8_t src, int16_t off)
{
	return eb_insn_atomic(size, BPF_ADD, dst, src, off);
}

/* src = atomic_fetch_add((size *)(dst + off), src) */
static inline struct bpf_insn eb_insn_atomic_fetch_add(uint8_t size,
						       uint8_t dst,
						       uint8_t src,
						       int16_t off)
{
	return eb_insn_atomic(size, BPF_ADD | BPF_FETCH, dst, src, off);
}

static inline struct bpf_insn eb_insn_atomic_xchg(uint8_t size, uint8_t dst,
						  uint8_t src, int16_t off)
{
	return eb_insn_atomic(size, BPF_XCHG, dst, src, off);
}

static inline struct bpf_insn eb_insn_atomic_cmpxchg(uint8_t size,
						     uint8_t dst,
						     uint8_t src,
						     int16_t off)
{
	return eb_insn_atomic(size, BPF_CMPXCHG, dst, src, off);
}

/* Linux 6.15: dst = load_acquire((size *)(src + off)), any size. */
static inline struct bpf_insn eb_insn_load_acquire(uint8_t size, uint8_t dst,
						   uint8_t src, int16_t off)
{
	return eb_insn_atomic(size, BPF_LOAD_ACQ, dst, src, off);
}

/* Linux 6.15: store_release((size *)(dst + off), src), any size. */
static inline struct bpf_insn eb_insn_store_release(uint8_t size,
						    uint8_t dst,
						    uint8_t src, int16_t off)
{
	return eb_insn_atomic(size, BPF_STORE_REL, dst, src, off);
}

/* --- decoding --------------------------------------------------------------- */

/* True if insn is the first slot of a 64-bit immediate load. */
static inline bool eb_insn_is_ld_imm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* What an instruction does, one value per form. */
enum eb_insn_kind {
	EB_INSN_ALU,		/* ALU/ALU64 binary op, incl. mov, sdiv, smod */
	EB_INSN_NEG,		/* dst = -dst */
	EB_INSN_MOVSX,		/* dst = (s8/s16/s32)src */
	EB_INSN_ADDR_SPACE_CAST,
	EB_INSN_MOV_PERCPU,	/* xlated only: dst = &(void __percpu *)(src) */
	EB_INSN_END,		/* to_le / to_be (ALU) */
	EB_INSN_BSWAP,		/* unconditional swap (ALU64) */
	EB_INSN_JA,		/* goto off */
	EB_INSN_GOTOL,		/* gotol imm */
	EB_INSN_MAY_GOTO,	/* may_goto off */
	EB_INSN_JCC,		/* conditional jump */
	EB_INSN_CALL_HELPER,
	EB_INSN_CALL_PSEUDO,	/* BPF-to-BPF call */
	EB_INSN_CALL_KFUNC,
	EB_INSN_CALLX,		/* call through a register (LLVM; not the kernel) */
	EB_INSN_EXIT,
	EB_INSN_LD_IMM64,	/* incl. the pseudo forms (see .src) */
	EB_INSN_LD_ABS,
	EB_INSN_LD_IND,
	EB_INSN_LDX,		/* zero-extending load */
	EB_INSN_LDX_SX,		/* sign-extending load */
	EB_INSN_ST,		/* store immediate */
	EB_INSN_STX,		/* store register */
	EB_INSN_ATOMIC,		/* see .atomic_op */
};

struct eb_insn_info {
	enum eb_insn_kind kind;
	uint8_t code;		/* the whole opcode byte */
	uint8_t cls;		/* BPF_CLASS(code): BPF_LD .. BPF_ALU64 */
	uint8_t op;		/* BPF_OP(code) for ALU/JMP classes, else 0 */
	uint8_t mode;		/* BPF_MODE(code) for LD/LDX/ST/STX, else 0 */
	uint8_t size;		/* access width in bytes (1, 2, 4, 8), else 0 */
	bool use_reg;		/* ALU/JMP: source is src (BPF_X), not imm */
	bool is64;		/* ALU64/JMP width (64-bit operands) */
	uint8_t dst;
	uint8_t src;
	int16_t off;
	int32_t imm;
	uint64_t imm64;		/* LD_IMM64: the full constant (hi << 32 | lo) */
	int32_t atomic_op;	/* ATOMIC: the immediate (BPF_ADD .. BPF_STORE_REL) */
	int32_t bits;		/* END/BSWAP: 16/32/64; MOVSX: 8/16/32 */
	bool sign;		/* ALU: signed DIV/MOD (off == 1) */
	unsigned int slots;	/* 2 for LD_IMM64, else 1 */
};

/*
 * Decode insns[idx] (cnt slots are readable).  Fills *out and returns the
 * number of slots the instruction occupies (1, or 2 for the first slot of
 * a 64-bit immediate load).  Returns -EINVAL for an unknown opcode, a
 * reserved field that is not zero, a 64-bit load whose second slot is
 * missing or malformed, or idx >= cnt; *out is then unspecified.  Does
 * not log: callers decide whether a bad instruction is worth a message.
 */
int eb_insn_decode(const struct bpf_insn *insns, size_t cnt, size_t idx,
		   struct eb_insn_info *out);

/* Width in bytes of a BPF_SIZE() value (BPF_B .. BPF_DW). */
static inline unsigned int eb_insn_size_bytes(uint8_t size)
{
	switch (size & 0x18) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	default:
		return 8;
	}
}

#endif
