/* SPDX-License-Identifier: MIT */
/*
 * disasm.c - instruction text in llvm-objdump's syntax (see disasm.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "util.h"

static const char *alu_op_str(uint8_t op, bool sign)
{
	switch (op) {
	case BPF_ADD:	return "+=";
	case BPF_SUB:	return "-=";
	case BPF_MUL:	return "*=";
	case BPF_DIV:	return sign ? "s/=" : "/=";
	case BPF_OR:	return "|=";
	case BPF_AND:	return "&=";
	case BPF_LSH:	return "<<=";
	case BPF_RSH:	return ">>=";
	case BPF_MOD:	return sign ? "s%=" : "%=";
	case BPF_XOR:	return "^=";
	case BPF_MOV:	return "=";
	case BPF_ARSH:	return "s>>=";
	default:	return "?";
	}
}

static const char *jmp_op_str(uint8_t op)
{
	switch (op) {
	case BPF_JEQ:	return "==";
	case BPF_JGT:	return ">";
	case BPF_JGE:	return ">=";
	case BPF_JSET:	return "&";
	case BPF_JNE:	return "!=";
	case BPF_JSGT:	return "s>";
	case BPF_JSGE:	return "s>=";
	case BPF_JLT:	return "<";
	case BPF_JLE:	return "<=";
	case BPF_JSLT:	return "s<";
	case BPF_JSLE:	return "s<=";
	default:	return "?";
	}
}

static const char *atomic_op_str(int32_t aop)
{
	switch (aop & ~BPF_FETCH) {
	case BPF_ADD:	return "add";
	case BPF_OR:	return "or";
	case BPF_AND:	return "and";
	default:	return "xor";
	}
}

static const char *atomic_sym_str(int32_t aop)
{
	switch (aop & ~BPF_FETCH) {
	case BPF_ADD:	return "+";
	case BPF_OR:	return "|";
	case BPF_AND:	return "&";
	default:	return "^";
	}
}

/* "r1 + 0", "r10 - 8": the address part of a memory operand. */
static void add_addr(struct eb_strbuf *out, uint8_t reg, int16_t off)
{
	if (off < 0)
		eb_strbuf_addf(out, "r%u - %d", reg, -(int)off);
	else
		eb_strbuf_addf(out, "r%u + %d", reg, off);
}

/* "+5", "-3", "+0" */
static void add_target(struct eb_strbuf *out, int64_t rel)
{
	eb_strbuf_addf(out, "%s%" PRId64, rel >= 0 ? "+" : "", rel);
}

static void disasm_atomic(const struct eb_insn_info *in,
			  struct eb_strbuf *out)
{
	unsigned int bits = in->size * 8;
	char r = in->size == 8 ? 'r' : 'w';
	int32_t aop = in->atomic_op;

	switch (aop) {
	case BPF_LOAD_ACQ:
		eb_strbuf_addf(out, "%c%u = load_acquire((u%u *)(", r,
			       in->dst, bits);
		add_addr(out, in->src, in->off);
		eb_strbuf_adds(out, "))");
		return;
	case BPF_STORE_REL:
		eb_strbuf_addf(out, "store_release((u%u *)(", bits);
		add_addr(out, in->dst, in->off);
		eb_strbuf_addf(out, "), %c%u)", r, in->src);
		return;
	case BPF_XCHG:
		eb_strbuf_addf(out, "%c%u = xchg%s_%u(", r, in->src,
			       in->size == 8 ? "" : "32", bits);
		add_addr(out, in->dst, in->off);
		eb_strbuf_addf(out, ", %c%u)", r, in->src);
		return;
	case BPF_CMPXCHG:
		eb_strbuf_addf(out, "%c0 = cmpxchg%s_%u(", r,
			       in->size == 8 ? "" : "32", bits);
		add_addr(out, in->dst, in->off);
		eb_strbuf_addf(out, ", %c0, %c%u)", r, r, in->src);
		return;
	}
	if (aop & BPF_FETCH) {
		eb_strbuf_addf(out, "%c%u = atomic_fetch_%s((u%u *)(", r,
			       in->src, atomic_op_str(aop), bits);
		add_addr(out, in->dst, in->off);
		eb_strbuf_addf(out, "), %c%u)", r, in->src);
		return;
	}
	/* objdump 14 knows the 32-bit add only, and prints an r register. */
	if (aop == BPF_ADD)
		r = 'r';
	eb_strbuf_addf(out, "lock *(u%u *)(", bits);
	add_addr(out, in->dst, in->off);
	eb_strbuf_addf(out, ") %s= %c%u", atomic_sym_str(aop), r, in->src);
}

static void disasm_alu(const struct eb_insn_info *in, struct eb_strbuf *out)
{
	char r = in->is64 ? 'r' : 'w';

	switch (in->kind) {
	case EB_INSN_NEG:
		eb_strbuf_addf(out, "%c%u = -%c%u", r, in->dst, r, in->dst);
		return;
	case EB_INSN_MOVSX:
		eb_strbuf_addf(out, "%c%u = (s%d)%c%u", r, in->dst, in->bits,
			       r, in->src);
		return;
	case EB_INSN_ADDR_SPACE_CAST:
		eb_strbuf_addf(out, "r%u = addr_space_cast(r%u, %u, %u)",
			       in->dst, in->src, (uint32_t)in->imm >> 16,
			       (uint32_t)in->imm & 0xffff);
		return;
	case EB_INSN_MOV_PERCPU:
		eb_strbuf_addf(out, "r%u = &(void __percpu *)(r%u)", in->dst,
			       in->src);
		return;
	case EB_INSN_END:
		eb_strbuf_addf(out, "r%u = %s%d r%u", in->dst,
			       BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le",
			       in->bits, in->dst);
		return;
	case EB_INSN_BSWAP:
		eb_strbuf_addf(out, "r%u = bswap%d r%u", in->dst, in->bits,
			       in->dst);
		return;
	default:
		break;
	}
	eb_strbuf_addf(out, "%c%u %s ", r, in->dst,
		       alu_op_str(in->op, in->sign));
	if (in->use_reg)
		eb_strbuf_addf(out, "%c%u", r, in->src);
	else
		eb_strbuf_addf(out, "%d", in->imm);
}

/* The text of a decoded instruction. */
static void disasm_info(const struct eb_insn_info *in, struct eb_strbuf *out)
{
	char r = in->is64 ? 'r' : 'w';

	switch (in->kind) {
	case EB_INSN_ALU:
	case EB_INSN_NEG:
	case EB_INSN_MOVSX:
	case EB_INSN_ADDR_SPACE_CAST:
	case EB_INSN_MOV_PERCPU:
	case EB_INSN_END:
	case EB_INSN_BSWAP:
		disasm_alu(in, out);
		return;
	case EB_INSN_JA:
		eb_strbuf_adds(out, "goto ");
		add_target(out, in->off);
		return;
	case EB_INSN_GOTOL:
		eb_strbuf_adds(out, "gotol ");
		add_target(out, in->imm);
		return;
	case EB_INSN_MAY_GOTO:
		eb_strbuf_adds(out, "may_goto ");
		add_target(out, in->off);
		return;
	case EB_INSN_JCC:
		eb_strbuf_addf(out, "if %c%u %s ", r, in->dst,
			       jmp_op_str(in->op));
		if (in->use_reg)
			eb_strbuf_addf(out, "%c%u", r, in->src);
		else
			eb_strbuf_addf(out, "%d", in->imm);
		eb_strbuf_adds(out, " goto ");
		add_target(out, in->off);
		return;
	case EB_INSN_CALL_HELPER:
	case EB_INSN_CALL_PSEUDO:
	case EB_INSN_CALL_KFUNC:
		eb_strbuf_addf(out, "call %d", in->imm);
		return;
	case EB_INSN_CALLX:
		eb_strbuf_addf(out, "callx r%d", in->dst ? in->dst : in->imm);
		return;
	case EB_INSN_EXIT:
		eb_strbuf_adds(out, "exit");
		return;
	case EB_INSN_LD_IMM64:
		if (in->src)
			eb_strbuf_addf(out, "ld_pseudo\tr%u, %u, %u", in->dst,
				       in->src, (uint32_t)in->imm);
		else
			eb_strbuf_addf(out, "r%u = %" PRId64 " ll", in->dst,
				       (int64_t)in->imm64);
		return;
	case EB_INSN_LD_ABS:
		eb_strbuf_addf(out, "r0 = *(u%u *)skb[%d]", in->size * 8,
			       in->imm);
		return;
	case EB_INSN_LD_IND:
		eb_strbuf_addf(out, "r0 = *(u%u *)skb[r%u]", in->size * 8,
			       in->src);
		return;
	case EB_INSN_LDX:
	case EB_INSN_LDX_SX:
		eb_strbuf_addf(out, "r%u = *(%c%u *)(", in->dst,
			       in->kind == EB_INSN_LDX ? 'u' : 's',
			       in->size * 8);
		add_addr(out, in->src, in->off);
		eb_strbuf_addch(out, ')');
		return;
	case EB_INSN_ST:
	case EB_INSN_STX:
		eb_strbuf_addf(out, "*(u%u *)(", in->size * 8);
		add_addr(out, in->dst, in->off);
		if (in->kind == EB_INSN_ST)
			eb_strbuf_addf(out, ") = %d", in->imm);
		else
			eb_strbuf_addf(out, ") = r%u", in->src);
		return;
	case EB_INSN_ATOMIC:
		disasm_atomic(in, out);
		return;
	}
}

/*
 * A BPF-to-BPF call as the kernel reports a loaded program: the
 * pc-relative offset moved to off, imm reused (the callee's subprogram
 * index once JITed, the interpreter's entry, or 0 when raw addresses are
 * hidden).  eb_insn_decode() rejects it (off must be 0 in an object).
 */
static bool is_loaded_pseudo_call(const struct bpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL) && !in->dst_reg &&
	       in->src_reg == BPF_PSEUDO_CALL && in->off;
}

/* "call pc+7": a loaded pseudo call, see is_loaded_pseudo_call(). */
static void disasm_loaded_call(const struct bpf_insn *in,
			       struct eb_strbuf *out)
{
	eb_strbuf_adds(out, "call pc");
	add_target(out, in->off);
}

int eb_disasm_insn(const struct bpf_insn *insns, size_t cnt, size_t idx,
		   struct eb_strbuf *out)
{
	struct eb_insn_info info;
	int n;

	n = eb_insn_decode(insns, cnt, idx, &info);
	if (n < 0 && idx < cnt && is_loaded_pseudo_call(&insns[idx])) {
		disasm_loaded_call(&insns[idx], out);
		return 1;
	}
	if (n < 0) {
		eb_strbuf_adds(out, "<unknown>");
		return n;
	}
	disasm_info(&info, out);
	return n;
}

/* --- whole programs ------------------------------------------------------ */

/* llvm-objdump 14 orders symbols by (address, name) and picks the last. */
static int sym_cmp(const void *a, const void *b)
{
	const struct eb_disasm_sym *x = *(const struct eb_disasm_sym *const *)a;
	const struct eb_disasm_sym *y = *(const struct eb_disasm_sym *const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The last symbol (in sorted order) at or below addr, or NULL. */
static const struct eb_disasm_sym *
sym_at_or_below(const struct eb_disasm_sym **sorted, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sorted[mid]->addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? sorted[lo - 1] : NULL;
}

static bool is_jump(const struct eb_insn_info *in)
{
	return in->kind == EB_INSN_JA || in->kind == EB_INSN_GOTOL ||
	       in->kind == EB_INSN_MAY_GOTO || in->kind == EB_INSN_JCC;
}

/* " <name>" or " <name+0xN>" for the target of the branch at addr. */
static void add_target_sym(struct eb_strbuf *out,
			   const struct eb_disasm_sym **sorted, size_t nsyms,
			   uint64_t addr, int64_t rel)
{
	/* objdump computes the target modulo 2^64. */
	uint64_t target = addr + 8 + (uint64_t)rel * 8;
	const struct eb_disasm_sym *s;

	s = sym_at_or_below(sorted, nsyms, target);
	if (s && s->addr == target)
		eb_strbuf_addf(out, " <%s>", s->name);
	else if (s)
		eb_strbuf_addf(out, " <%s+0x%" PRIx64 ">", s->name,
			       target - s->addr);
}

int eb_disasm_prog(const struct bpf_insn *insns, size_t cnt,
		   const struct eb_disasm_opts *opts, struct eb_strbuf *out)
{
	const struct eb_disasm_sym **sorted = NULL;
	size_t nsyms = opts ? opts->nsyms : 0;
	size_t nlabel = 0;	/* next sorted symbol to label */
	int unknown = 0;
	size_t i, k;

	if (nsyms && opts->syms) {
		sorted = eb_calloc(nsyms, sizeof(*sorted));
		if (!sorted)
			return -ENOMEM;
		for (i = 0; i < nsyms; i++)
			sorted[i] = &opts->syms[i];
		qsort(sorted, nsyms, sizeof(*sorted), sym_cmp);
	} else {
		nsyms = 0;
	}

	for (i = 0; i < cnt;) {
		uint64_t addr = (uint64_t)i * 8;
		struct eb_insn_info info;
		const struct eb_disasm_sym *label = NULL;
		const unsigned char *bytes = (const unsigned char *)&insns[i];
		int n;

		/* Skip symbols between instructions; label the last one here. */
		while (nlabel < nsyms && sorted[nlabel]->addr <= addr) {
			if (sorted[nlabel]->addr == addr)
				label = sorted[nlabel];
			nlabel++;
		}
		if (label)
			eb_strbuf_addf(out, "\n%016" PRIx64 " <%s>:\n", addr,
				       label->name);

		n = eb_insn_decode(insns, cnt, i, &info);
		eb_strbuf_addf(out, "%8zu:\t", i);
		if (!opts || !opts->no_bytes) {
			for (k = 0; k < (n == 2 ? 16u : 8u); k++)
				eb_strbuf_addf(out, k ? " %02x" : "%02x",
					       bytes[k]);
			eb_strbuf_addch(out, '\t');
		}
		if (n < 0 && is_loaded_pseudo_call(&insns[i])) {
			disasm_loaded_call(&insns[i], out);
			if (nsyms)
				add_target_sym(out, sorted, nsyms, addr,
					       insns[i].off);
			eb_strbuf_addch(out, '\n');
			i++;
			continue;
		}
		if (n < 0) {
			eb_strbuf_adds(out, "<unknown>\n");
			unknown++;
			i++;
			continue;
		}
		disasm_info(&info, out);
		if (nsyms && is_jump(&info))
			add_target_sym(out, sorted, nsyms, addr,
				       info.kind == EB_INSN_GOTOL ? info.imm
								  : info.off);
		eb_strbuf_addch(out, '\n');
		i += n;
	}
	free(sorted);
	return eb_strbuf_error(out) ?: unknown;
}
