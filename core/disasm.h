/* SPDX-License-Identifier: MIT */
/*
 * disasm.h - eBPF instructions as text, in the syntax of `llvm-objdump -d`.
 *
 * The text is what LLVM 14's objdump prints for every form it knows
 * ("r0 = 2", "w1 += w2", "r1 = 0 ll", "if r1 > 3 goto +5",
 * "*(u32 *)(r10 - 4) = r1", "lock *(u64 *)(r1 + 0) += r2", "call 1",
 * "exit"), immediates in signed decimal.  Forms LLVM 14 cannot decode are
 * printed in the syntax of later LLVM releases, still in decimal:
 *
 *	r1 %= r2     w1 %= 3      (LLVM 14 has no BPF_MOD at all)
 *	r1 s/= r2    w1 s%= 3     r1 = (s8)r2        w1 = (s16)w2
 *	r1 = *(s8 *)(r2 + 0)      *(u32 *)(r10 - 4) = 7
 *	r1 = bswap16 r1           if r1 & 4 goto +2 (nor BPF_JSET)
 *	gotol +70000
 *	may_goto +3               r1 = addr_space_cast(r2, 0, 1)
 *	w2 = atomic_fetch_or((u32 *)(r1 + 0), w2)
 *	w2 = xchg32_32(r1 + 0, w2)     w0 = cmpxchg32_32(r1 + 0, w0, w2)
 *	lock *(u32 *)(r1 + 0) |= w2
 *	w0 = load_acquire((u8 *)(r1 + 0))   store_release((u64 *)(r1 + 0), r2)
 *
 * and the kernel-internal per-CPU move of translated programs as bpftool
 * prints it: "r0 = &(void __percpu *)(r0)".
 *
 * A BPF-to-BPF call (src_reg BPF_PSEUDO_CALL) comes in two encodings.  In
 * an object, off is 0 and imm is the pc-relative offset: "call 7", as
 * objdump 14 prints it (the callee is the instruction at idx + 1 + 7).
 * In a loaded program's translated instructions the kernel moves the
 * pc-relative offset to off and reuses imm (the callee's subprogram
 * index when JITed); that form prints "call pc+7" ("call pc-3"), with
 * the same target rule, and in eb_disasm_prog() gets a target name like a
 * jump when symbols are given.  (A loaded call to the very next
 * instruction, off 0, cannot be told from the object form.)
 *
 * Where objdump 14 is ambiguous it is followed anyway: the 64-bit pseudo
 * loads print as "ld_pseudo\tr1, 1, 7" (src, then the low 32 bits of the
 * immediate, unsigned), and a 32-bit atomic add without fetch prints
 * "lock *(u32 *)(r1 + 0) += r2" (objdump 14 prints that for the 32-bit
 * fetch-add too; it is "w2 = atomic_fetch_add(...)" here).  An instruction
 * eb_insn_decode() rejects prints as "<unknown>"; objdump 14, which does not
 * check unused fields, may print such an encoding as some instruction.
 */
#ifndef EB_DISASM_H
#define EB_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "insn.h"
#include "strbuf.h"

/*
 * Append the text of insns[idx] (cnt slots readable) to out, without
 * address, bytes or newline.  Returns the number of slots it occupies (1,
 * or 2 for a 64-bit immediate load), or -EINVAL after appending
 * "<unknown>" when the instruction does not decode (the caller steps on by
 * one slot).  Jump targets are relative ("goto +5"), never symbolized.
 */
int eb_disasm_insn(const struct bpf_insn *insns, size_t cnt, size_t idx,
		   struct eb_strbuf *out);

/* A symbol inside the disassembled program (e.g. from an ELF symtab). */
struct eb_disasm_sym {
	uint64_t addr;		/* byte offset from the program's first insn */
	const char *name;	/* borrowed for the duration of the call */
};

struct eb_disasm_opts {
	/*
	 * Symbols as llvm-objdump uses them (leave out section and file
	 * symbols).  Each address holding symbols gets a label line
	 * "\n%016x <name>:\n" before its instruction, and a jump prints its
	 * target after the text, " <name>" or " <name+0xN>", naming the
	 * symbol at the highest address <= the target (among several at
	 * one address, the greatest name, as objdump 14 does).  NULL/0: no
	 * labels, no target names.
	 */
	const struct eb_disasm_sym *syms;
	size_t nsyms;
	bool no_bytes;		/* omit the byte column */
};

/*
 * Disassemble a whole array the way `llvm-objdump -d` prints a section:
 * one line per instruction, "%8zu:\t<bytes>\t<text>\n", where the index
 * counts 8-byte slots, <bytes> is the instruction's bytes in memory order
 * as lowercase hex separated by spaces (16 bytes for a 64-bit immediate
 * load, which then occupies two indices).  opts may be NULL.
 * Returns the number of slots printed as "<unknown>" (0 for a well-formed
 * program), or -ENOMEM (out keeps what was appended).
 */
int eb_disasm_prog(const struct bpf_insn *insns, size_t cnt,
		   const struct eb_disasm_opts *opts, struct eb_strbuf *out);

#endif
