/* SPDX-License-Identifier: MIT */
/*
 * core_relo.h - CO-RE ("compile once, run everywhere") relocations: the
 * records clang leaves in .BTF.ext (struct bpf_core_relo) resolved against
 * a target BTF, normally the running kernel's vmlinux BTF.
 *
 * A record names an instruction, a local type (in the object's BTF), an
 * access string ("0:1:2": array index on the root, then member / element
 * indices) and a kind (enum bpf_core_relo_kind).  Resolution:
 *
 *   0. TYPE_ID_LOCAL is the local id itself; nothing else is looked up.
 *   1. Candidates: the target types whose name equals the local type's
 *      name once both lose a "___flavor" suffix (task_struct___old ->
 *      task_struct) and whose kind is the local kind (enum and enum64
 *      count as one kind).  Anonymous local types have no candidates
 *      (only TYPE_ID_LOCAL works on them).
 *   2. Each candidate is matched against the local specification:
 *      - field kinds: every named member of the access path is looked up
 *        by name in the target (through anonymous struct/union members
 *        too), every array index must be inside the target array (a
 *        zero-length array is flexible), and the member types must be
 *        compatible: both composite (struct/union), or the same kind
 *        (ints of any size, enums of any size, pointers to anything,
 *        floats, arrays of compatible elements);
 *      - type kinds (id target, exists, size): the types must be
 *        compatible: same kind, pointers / arrays / function prototypes
 *        compared recursively, composites by name only;
 *      - type matches: stricter, every local member / enumerator must be
 *        in the target by name, ints and floats of the same size and
 *        signedness, arrays of the same length;
 *      - enum value kinds: the target enum has an enumerator of that name,
 *        again ignoring ___flavor suffixes (PIDTYPE_MAX___v2 matches
 *        PIDTYPE_MAX).
 *      Candidates that match must agree on the result, otherwise the
 *      relocation is ambiguous (-EINVAL).
 *   3. No candidate matches: FIELD_EXISTS, TYPE_EXISTS, TYPE_MATCHES and
 *      ENUMVAL_EXISTS become 0; every other kind is "poisoned": its
 *      instruction becomes a call to the nonexistent helper 195896080
 *      (0xbad2310), so the verifier refuses the program only if that path
 *      is reachable ("invalid func unknown#195896080").
 *
 * Values (little-endian hosts): FIELD_BYTE_OFFSET / FIELD_BYTE_SIZE are
 * the offset and size of the field, or for a bitfield of the smallest
 * naturally aligned load (of at least the size of its int type) that
 * holds it; FIELD_LSHIFT_U64 = 64 - (bits to the field's end within that
 * load), FIELD_RSHIFT_U64 = 64 - field bits; FIELD_SIGNED 1 for signed
 * ints, chars and signed enums.
 *
 * Patching: ALU/ALU64 with an immediate source get the value as imm;
 * LDX/ST/STX get it as off (FIELD_BYTE_OFFSET), and their access size
 * follows the target field's size when it differs (1/2/4/8 bytes, not for
 * bitfields; any other size poisons the access); ld_imm64 gets the 64-bit
 * value.  Any other instruction, or a value that does not fit, is
 * -EINVAL.
 *
 * Not thread safe per cache; caches are independent.
 */
#ifndef EB_CORE_RELO_H
#define EB_CORE_RELO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi_ext.h"

struct eb_btf;
struct eb_strbuf;

/* The call an unresolvable relocation's instruction becomes. */
#define EB_CORE_POISON_HELPER	0xbad2310

/* "field_byte_offset", "type_matches", ... ("?" for an unknown kind). */
const char *eb_core_kind_str(uint32_t kind);

/*
 * Candidate cache for one (local, target) pair; both BTFs must outlive it.
 * root_ids: the local type ids the relocations name (duplicates fine); the
 * candidates of all of them are found in one pass over the target.
 * Returns 0 and *out (free with eb_core_cache_free()) or -ENOMEM.
 */
struct eb_core_cache;
int eb_core_cache_new(const struct eb_btf *local, const struct eb_btf *target,
		      const uint32_t *root_ids, size_t n, struct eb_core_cache **out);
void eb_core_cache_free(struct eb_core_cache *cache);

struct eb_core_res {
	bool poison;		/* no candidate: poison the instruction */
	uint64_t orig_val;	/* the value in the local BTF */
	uint64_t new_val;	/* the value in the target */
	uint32_t orig_sz;	/* FIELD_BYTE_OFFSET: field sizes, for the */
	uint32_t new_sz;	/*   access size fix-up of loads and stores */
	bool bitfield;		/* the field is a bitfield */
	uint32_t target_id;	/* the matched target type (0: none) */
};

/*
 * Resolve one record.  cache must be for (local, target) and hold
 * rec->type_id among its roots (else the record has no candidates).
 * Returns 0 with *res filled, or -EINVAL for a malformed record (bad
 * access string, an anonymous root, an ambiguous match) after appending
 * the reason to why (may be NULL).
 */
int eb_core_calc(struct eb_core_cache *cache, const struct bpf_core_relo *rec,
		 struct eb_core_res *res, struct eb_strbuf *why);

/*
 * Patch instruction idx of insns (cnt slots) with res.  0, or -EINVAL
 * (reason appended to why) when the instruction cannot take the value.
 */
int eb_core_patch(struct bpf_insn *insns, size_t cnt, size_t idx,
		  const struct bpf_core_relo *rec, const struct eb_core_res *res,
		  struct eb_strbuf *why);

/*
 * libbpf's "essential name": the length of name without a "___flavor"
 * suffix (the last "X___Y" with X and Y not '_' splits it).
 */
size_t eb_core_essential_len(const char *name);

/*
 * Type compatibility as used for TYPE_* relocations and for kfunc /
 * typed ksym checks: 1 compatible, 0 not, -errno on a bad id.
 */
int eb_core_types_compat(const struct eb_btf *local, uint32_t local_id,
			 const struct eb_btf *target, uint32_t target_id);

#endif
