/* SPDX-License-Identifier: MIT */
/*
 * builder.h - write eBPF programs in C with symbolic labels and maps.
 *
 *	struct eb_builder *b = eb_builder_new();
 *
 *	eb_builder_ld_map(b, BPF_REG_1, "counts");
 *	eb_builder_jmp_label(b, eb_insn_jmp_imm(BPF_JEQ, BPF_REG_0, 0, 0),
 *			     "out");
 *	eb_builder_emit(b, eb_insn_mov64_imm(BPF_REG_0, 1));
 *	eb_builder_label(b, "out");
 *	eb_builder_emit(b, eb_insn_exit());
 *	err = eb_builder_resolve(b, lookup_map, ctx);
 *	insns = eb_builder_insns(b, &cnt);
 *
 * Labels name an instruction index; jumps, BPF-to-BPF calls and callback
 * address loads refer to labels by name, and 64-bit map loads refer to
 * maps by name.  References may come before the label is defined: all of
 * them are patched in eb_builder_resolve().
 *
 * Errors are sticky, as in struct eb_strbuf: the emit and label calls
 * return nothing; each failure (-ENOMEM, -EEXIST for a label defined
 * twice, -EINVAL for an empty name or a jump that is not one) is logged
 * where it happens, and the first is kept and returned by
 * eb_builder_error() and eb_builder_resolve().
 *
 * Ownership: the builder owns its instructions and copies every name it
 * is given.  Not thread safe.
 */
#ifndef EB_BUILDER_H
#define EB_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "insn.h"

struct eb_builder;

/* A new empty builder, or NULL when out of memory.  Free with
 * eb_builder_free(). */
struct eb_builder *eb_builder_new(void);
/* Free the builder and its instructions; NULL is a no-op. */
void eb_builder_free(struct eb_builder *b);

/* Append one slot as is. */
void eb_builder_emit(struct eb_builder *b, struct bpf_insn insn);
/* Append n slots as is (e.g. the two of an eb_insn_ld_imm64()). */
void eb_builder_emitv(struct eb_builder *b, const struct bpf_insn *insns,
		      size_t n);
/* Number of slots emitted so far: the index the next emit will get. */
size_t eb_builder_len(const struct eb_builder *b);

/* Define `name` as the index of the next instruction emitted.
 * A name defined twice is -EEXIST (sticky). */
void eb_builder_label(struct eb_builder *b, const char *name);

/*
 * Append a jump whose target is a label.  insn is any jump encoding
 * (eb_insn_ja, eb_insn_jmp_imm/_reg, eb_insn_jmp32_imm/_reg,
 * eb_insn_may_goto: off is patched; eb_insn_gotol: imm is patched);
 * anything else is -EINVAL (sticky).
 */
void eb_builder_jmp_label(struct eb_builder *b, struct bpf_insn insn,
			  const char *label);
/* Append a BPF-to-BPF call to the subprogram starting at a label. */
void eb_builder_call_label(struct eb_builder *b, const char *label);
/* Append dst = address of the subprogram at a label (BPF_PSEUDO_FUNC,
 * for callbacks such as bpf_loop's); two slots. */
void eb_builder_ld_func_label(struct eb_builder *b, uint8_t dst,
			      const char *label);

/* Append dst = the map named `map` (BPF_PSEUDO_MAP_FD); two slots. */
void eb_builder_ld_map(struct eb_builder *b, uint8_t dst, const char *map);
/* Append dst = &value[off] of the array map named `map`
 * (BPF_PSEUDO_MAP_VALUE); two slots. */
void eb_builder_ld_map_value(struct eb_builder *b, uint8_t dst,
			     const char *map, uint32_t off);

/*
 * Resolves a map name to its fd.  Returns the fd (>= 0), -ENOENT if no
 * such map (reported as unresolved), or another -errno (reported and
 * returned by eb_builder_resolve()).  The builder does not own the fd.
 */
typedef int (*eb_builder_map_fn)(void *ctx, const char *name);

/*
 * Patch every pending reference: jump offsets (which must fit in s16, or
 * s32 for gotol), call and callback offsets, and map fds through
 * `resolve_map` (may be NULL when no map is referenced).  Every name that
 * cannot be resolved is logged, one line per name:
 *	"builder: unresolved label 'out' at insn 7"
 *	"builder: unresolved map 'counts' at insn 2"
 * (the first referencing instruction; "(and N more)" is appended when
 * several refer to it).
 *
 * Returns 0 when every reference was patched (they are then forgotten, so
 * a second call is a no-op), the sticky error if one is set, -ENOENT if
 * any name is unresolved, -ERANGE if a jump does not fit its field, or the
 * resolver's error.  On failure nothing is patched.
 */
int eb_builder_resolve(struct eb_builder *b, eb_builder_map_fn resolve_map,
		       void *ctx);

/* The sticky error: 0 or -errno. */
int eb_builder_error(const struct eb_builder *b);

/* The instructions (owned by the builder, valid until the next emit or
 * free); *cnt receives the slot count. */
const struct bpf_insn *eb_builder_insns(const struct eb_builder *b,
					size_t *cnt);

/* Hand the instruction array to the caller (free() it) and empty the
 * builder (labels and pending references are dropped too).  Returns NULL
 * with *cnt = 0 when there are no instructions. */
struct bpf_insn *eb_builder_detach(struct eb_builder *b, size_t *cnt);

#endif
