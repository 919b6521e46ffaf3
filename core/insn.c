/* SPDX-License-Identifier: MIT */
/*
 * insn.c - the instruction decoder: classify one instruction and check
 * that every field its form does not use is zero.
 */
#include <errno.h>
#include <string.h>

#include "insn.h"

#define EB_MAX_REG 10

static int decode_alu(const struct bpf_insn *in, struct eb_insn_info *out)
{
	bool x = out->use_reg;

	switch (out->op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_MUL:
	case BPF_OR:
	case BPF_AND:
	case BPF_LSH:
	case BPF_RSH:
	case BPF_XOR:
	case BPF_ARSH:
		if (in->off)
			return -EINVAL;
		break;
	case BPF_DIV:
	case BPF_MOD:
		if (in->off != 0 && in->off != 1)
			return -EINVAL;
		out->sign = in->off == 1;
		break;
	case BPF_MOV:
		if (!x) {
			if (in->off)
				return -EINVAL;
			break;
		}
		if (in->off == 1 && out->is64) {
			out->kind = EB_INSN_ADDR_SPACE_CAST;
			return 0;
		}
		if (in->off == 0)
			break;
		if (in->imm)
			return -EINVAL;
		if (in->off == EB_INSN_OFF_PERCPU && out->is64) {
			out->kind = EB_INSN_MOV_PERCPU;
			return 0;
		}
		if (in->off != 8 && in->off != 16 &&
		    !(in->off == 32 && out->is64))
			return -EINVAL;
		out->kind = EB_INSN_MOVSX;
		out->bits = in->off;
		return 0;
	case BPF_NEG:
		if (x || in->src_reg || in->off || in->imm)
			return -EINVAL;
		out->kind = EB_INSN_NEG;
		return 0;
	case BPF_END:
		if (in->src_reg || in->off)
			return -EINVAL;
		if (in->imm != 16 && in->imm != 32 && in->imm != 64)
			return -EINVAL;
		out->bits = in->imm;
		if (out->cls == BPF_ALU64) {
			if (x)
				return -EINVAL;
			out->kind = EB_INSN_BSWAP;
		} else {
			out->kind = EB_INSN_END;
		}
		/* END's source bit selects the byte order, not a register. */
		out->use_reg = false;
		return 0;
	default:
		return -EINVAL;
	}
	if (x ? in->imm != 0 : in->src_reg != 0)
		return -EINVAL;
	out->kind = EB_INSN_ALU;
	return 0;
}

static int decode_jmp(const struct bpf_insn *in, struct eb_insn_info *out)
{
	bool x = out->use_reg;
	bool j32 = out->cls == BPF_JMP32;

	switch (out->op) {
	case BPF_JA:
		if (x || in->dst_reg || in->src_reg)
			return -EINVAL;
		if (j32) {
			if (in->off)
				return -EINVAL;
			out->kind = EB_INSN_GOTOL;
		} else {
			if (in->imm)
				return -EINVAL;
			out->kind = EB_INSN_JA;
		}
		return 0;
	case BPF_JEQ:
	case BPF_JGT:
	case BPF_JGE:
	case BPF_JSET:
	case BPF_JNE:
	case BPF_JSGT:
	case BPF_JSGE:
	case BPF_JLT:
	case BPF_JLE:
	case BPF_JSLT:
	case BPF_JSLE:
		if (x ? in->imm != 0 : in->src_reg != 0)
			return -EINVAL;
		out->kind = EB_INSN_JCC;
		return 0;
	case BPF_CALL:
		if (j32)
			return -EINVAL;
		if (x) {
			/* LLVM's callx: the register sits in imm (LLVM <= 16)
			 * or in dst (later); the other field is zero. */
			if (in->src_reg || in->off)
				return -EINVAL;
			if (in->dst_reg && in->imm)
				return -EINVAL;
			if (in->imm < 0 || in->imm > EB_MAX_REG)
				return -EINVAL;
			out->kind = EB_INSN_CALLX;
			return 0;
		}
		if (in->dst_reg)
			return -EINVAL;
		switch (in->src_reg) {
		case 0:
			out->kind = EB_INSN_CALL_HELPER;
			break;
		case BPF_PSEUDO_CALL:
			out->kind = EB_INSN_CALL_PSEUDO;
			break;
		case BPF_PSEUDO_KFUNC_CALL:
			out->kind = EB_INSN_CALL_KFUNC;
			return 0;	/* off: module BTF fd index */
		default:
			return -EINVAL;
		}
		return in->off ? -EINVAL : 0;
	case BPF_EXIT:
		if (j32 || x || in->dst_reg || in->src_reg || in->off ||
		    in->imm)
			return -EINVAL;
		out->kind = EB_INSN_EXIT;
		return 0;
	case BPF_JCOND:
		if (j32 || x || in->dst_reg || in->src_reg || in->imm)
			return -EINVAL;
		out->kind = EB_INSN_MAY_GOTO;
		return 0;
	default:
		return -EINVAL;
	}
}

static int decode_ld(const struct bpf_insn *insns, size_t cnt, size_t idx,
		     struct eb_insn_info *out)
{
	const struct bpf_insn *in = &insns[idx];
	const struct bpf_insn *hi;

	switch (out->mode) {
	case BPF_IMM:
		if (out->size != 8 || in->off || in->src_reg > 6)
			return -EINVAL;
		if (idx + 1 >= cnt)
			return -EINVAL;
		hi = &insns[idx + 1];
		if (hi->code || hi->dst_reg || hi->src_reg || hi->off)
			return -EINVAL;
		out->kind = EB_INSN_LD_IMM64;
		out->imm64 = (uint64_t)(uint32_t)in->imm |
			     (uint64_t)(uint32_t)hi->imm << 32;
		out->slots = 2;
		return 0;
	case BPF_ABS:
	case BPF_IND:
		if (out->size == 8 || in->dst_reg || in->off)
			return -EINVAL;
		if (out->mode == BPF_ABS) {
			if (in->src_reg)
				return -EINVAL;
			out->kind = EB_INSN_LD_ABS;
		} else {
			out->kind = EB_INSN_LD_IND;
		}
		return 0;
	default:
		return -EINVAL;
	}
}

static bool atomic_op_ok(int32_t aop, unsigned int size)
{
	switch (aop) {
	case BPF_ADD:
	case BPF_OR:
	case BPF_AND:
	case BPF_XOR:
	case BPF_ADD | BPF_FETCH:
	case BPF_OR | BPF_FETCH:
	case BPF_AND | BPF_FETCH:
	case BPF_XOR | BPF_FETCH:
	case BPF_XCHG:
	case BPF_CMPXCHG:
		return size >= 4;
	case BPF_LOAD_ACQ:
	case BPF_STORE_REL:
		return true;
	default:
		return false;
	}
}

static int decode_mem(const struct bpf_insn *in, struct eb_insn_info *out)
{
	switch (out->cls) {
	case BPF_LDX:
		if (in->imm)
			return -EINVAL;
		if (out->mode == BPF_MEM) {
			out->kind = EB_INSN_LDX;
			return 0;
		}
		if (out->mode == BPF_MEMSX && out->size != 8) {
			out->kind = EB_INSN_LDX_SX;
			return 0;
		}
		return -EINVAL;
	case BPF_ST:
		if (out->mode != BPF_MEM || in->src_reg)
			return -EINVAL;
		out->kind = EB_INSN_ST;
		return 0;
	default:	/* BPF_STX */
		if (out->mode == BPF_MEM) {
			if (in->imm)
				return -EINVAL;
			out->kind = EB_INSN_STX;
			return 0;
		}
		if (out->mode != BPF_ATOMIC || !atomic_op_ok(in->imm, out->size))
			return -EINVAL;
		out->kind = EB_INSN_ATOMIC;
		out->atomic_op = in->imm;
		return 0;
	}
}

int eb_insn_decode(const struct bpf_insn *insns, size_t cnt, size_t idx,
		   struct eb_insn_info *out)
{
	const struct bpf_insn *in;

	if (!insns || idx >= cnt)
		return -EINVAL;
	in = &insns[idx];
	memset(out, 0, sizeof(*out));
	out->code = in->code;
	out->cls = BPF_CLASS(in->code);
	out->dst = in->dst_reg;
	out->src = in->src_reg;
	out->off = in->off;
	out->imm = in->imm;
	out->slots = 1;
	if (in->dst_reg > EB_MAX_REG || in->src_reg > EB_MAX_REG)
		return -EINVAL;

	switch (out->cls) {
	case BPF_ALU:
	case BPF_ALU64:
	case BPF_JMP:
	case BPF_JMP32:
		out->op = BPF_OP(in->code);
		out->use_reg = BPF_SRC(in->code) == BPF_X;
		out->is64 = out->cls == BPF_ALU64 || out->cls == BPF_JMP;
		if (out->cls == BPF_ALU || out->cls == BPF_ALU64)
			return decode_alu(in, out) ?: 1;
		return decode_jmp(in, out) ?: 1;
	default:
		out->mode = BPF_MODE(in->code);
		out->size = eb_insn_size_bytes(BPF_SIZE(in->code));
		if (out->cls == BPF_LD) {
			int err = decode_ld(insns, cnt, idx, out);

			return err ? err : (int)out->slots;
		}
		return decode_mem(in, out) ?: 1;
	}
}
