/* SPDX-License-Identifier: MIT */
/*
 * btf.h - BTF parsing: an object's .BTF / .BTF.ext, the kernel's vmlinux.
 *
 * A struct eb_btf owns a private, mutable copy of the raw BTF bytes (header,
 * type section, string section) in host byte order, and an index from type
 * id to the type's record.  Type ids start at 1; id 0 is void.  Split BTF
 * (kernel modules) continues the ids of its base.
 *
 * Returned `const struct btf_type *` and strings point into the eb_btf and
 * stay valid until it is freed or modified through eb_btf_replace_type()
 * (or, for a BTF that eb_btf_parse_file() mapped, through any mutator:
 * see the notes at the end).
 *
 * Parse errors are -EINVAL (malformed) or -ENOEXEC (not BTF at all) with
 * one log line "btf: ..." naming the offset or type id at fault.
 */
#ifndef EB_BTF_H
#define EB_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi_ext.h"

struct eb_btf;

/* Parse a copy of data.  *out is owned by the caller (eb_btf_free). */
int eb_btf_parse(const void *data, size_t size, struct eb_btf **out);
/* Parse split BTF on top of base (base must outlive the result). */
int eb_btf_parse_split(const void *data, size_t size, const struct eb_btf *base,
		       struct eb_btf **out);
/* Read and parse a file such as /sys/kernel/btf/vmlinux. */
int eb_btf_parse_file(const char *path, const struct eb_btf *base, struct eb_btf **out);
/* /sys/kernel/btf/vmlinux, parsed once per call (the caller caches). */
int eb_btf_load_vmlinux(struct eb_btf **out);
void eb_btf_free(struct eb_btf *btf);

/* Number of type ids, including void: valid ids are 1 .. cnt-1 (for split
 * BTF the count includes the base's ids). */
uint32_t eb_btf_type_cnt(const struct eb_btf *btf);
/* First id owned by this BTF (1, or base's count for split BTF). */
uint32_t eb_btf_start_id(const struct eb_btf *btf);
/* NULL for an id out of range; id 0 returns a static void record. */
const struct btf_type *eb_btf_type_by_id(const struct eb_btf *btf, uint32_t id);
/* A string by offset into the string section; NULL if out of range. */
const char *eb_btf_str(const struct eb_btf *btf, uint32_t off);
/* The name of a type ("" for anonymous types, NULL for a bad id). */
const char *eb_btf_name(const struct eb_btf *btf, uint32_t id);

/* First type with this name and kind (BTF_KIND_*), or -ENOENT.
 * kind -1 matches any kind. */
int eb_btf_find_by_name_kind(const struct eb_btf *btf, const char *name, int kind);

/* Follow typedef / const / volatile / restrict / type_tag; returns the id
 * reached (0 for void).  Loops are cut after 32 steps (returns -ELOOP). */
int eb_btf_skip_mods(const struct eb_btf *btf, uint32_t id);
/* Size in bytes of a type (pointers are 8; arrays are nelems * elem);
 * -EINVAL for void, functions and types without a size. */
int64_t eb_btf_resolve_size(const struct eb_btf *btf, uint32_t id);
/* Alignment in bytes (for DATASEC variable layout). */
int eb_btf_align(const struct eb_btf *btf, uint32_t id);

/* Accessors for a type record */
static inline uint16_t eb_btf_kind(const struct btf_type *t) { return (uint16_t)BTF_INFO_KIND(t->info); }
static inline uint16_t eb_btf_vlen(const struct btf_type *t) { return (uint16_t)BTF_INFO_VLEN(t->info); }
static inline bool eb_btf_kflag(const struct btf_type *t) { return BTF_INFO_KFLAG(t->info); }
/* The member / enum / param / var_secinfo array that follows a record. */
static inline const struct btf_member *eb_btf_members(const struct btf_type *t) { return (const struct btf_member *)(t + 1); }
static inline const struct btf_enum *eb_btf_enums(const struct btf_type *t) { return (const struct btf_enum *)(t + 1); }
static inline const struct btf_enum64 *eb_btf_enums64(const struct btf_type *t) { return (const struct btf_enum64 *)(t + 1); }
static inline const struct btf_param *eb_btf_params(const struct btf_type *t) { return (const struct btf_param *)(t + 1); }
static inline const struct btf_var_secinfo *eb_btf_secinfos(const struct btf_type *t) { return (const struct btf_var_secinfo *)(t + 1); }
static inline const struct btf_array *eb_btf_array(const struct btf_type *t) { return (const struct btf_array *)(t + 1); }
static inline const struct btf_var *eb_btf_var(const struct btf_type *t) { return (const struct btf_var *)(t + 1); }
/* BTF_KIND_INT encoding word */
static inline uint32_t eb_btf_int_info(const struct btf_type *t) { return *(const uint32_t *)(t + 1); }
/* Member bit offset and bitfield size (0 if not a bitfield), honouring kflag. */
uint32_t eb_btf_member_bit_offset(const struct btf_type *t, uint32_t idx);
uint32_t eb_btf_member_bitfield_size(const struct btf_type *t, uint32_t idx);

/* Find a member of a struct/union by name (direct members only).  Returns
 * its index or -ENOENT. */
int eb_btf_find_member(const struct eb_btf *btf, uint32_t struct_id, const char *name);
/* Find an enumerator by name in an ENUM/ENUM64; *value receives it
 * (sign-extended for signed enums).  0 or -ENOENT. */
int eb_btf_find_enum_value(const struct eb_btf *btf, uint32_t enum_id,
			   const char *name, int64_t *value);

/* --- mutation for the loader's fixups -------------------------------------- */

/* Set a DATASEC's size, or a VAR_SECINFO's offset (the loader fixes up
 * what clang leaves as 0).  -EINVAL if id/idx is not of that kind. */
int eb_btf_set_datasec_size(struct eb_btf *btf, uint32_t datasec_id, uint32_t size);
int eb_btf_set_secinfo_offset(struct eb_btf *btf, uint32_t datasec_id, uint32_t idx,
			      uint32_t offset);
/* Overwrite a type record in place with one of the same vlen-size (used to
 * sanitize kinds an old kernel lacks).  */
int eb_btf_replace_type(struct eb_btf *btf, uint32_t id, const struct btf_type *t);

/* The raw bytes to hand to BPF_BTF_LOAD (header + types + strings). */
const void *eb_btf_raw(const struct eb_btf *btf, uint32_t *size);

/* --- .BTF.ext ---------------------------------------------------------------- */

/* One section's records in .BTF.ext: rec_size bytes each, nr of them.
 * Records are bpf_func_info / bpf_line_info / bpf_core_relo, with insn_off
 * in bytes from the start of the ELF section as clang wrote them. */
struct eb_btf_ext_sec {
	const char *sec_name;	/* points into the BTF string section */
	uint32_t rec_size;
	uint32_t nr;
	const void *recs;	/* points into the eb_btf_ext copy */
};

struct eb_btf_ext {
	void *data;		/* owned copy of the section */
	size_t size;
	struct eb_btf_ext_sec *func_info;
	uint32_t func_info_cnt;
	struct eb_btf_ext_sec *line_info;
	uint32_t line_info_cnt;
	struct eb_btf_ext_sec *core_relo;
	uint32_t core_relo_cnt;
};

/* Parse .BTF.ext against its .BTF (for section names).  *out is owned by
 * the caller (eb_btf_ext_free). */
int eb_btf_ext_parse(const void *data, size_t size, const struct eb_btf *btf,
		     struct eb_btf_ext **out);
void eb_btf_ext_free(struct eb_btf_ext *ext);
/* The records for one ELF section by name, or NULL. */
const struct eb_btf_ext_sec *eb_btf_ext_func_info(const struct eb_btf_ext *ext, const char *sec);
const struct eb_btf_ext_sec *eb_btf_ext_line_info(const struct eb_btf_ext *ext, const char *sec);
const struct eb_btf_ext_sec *eb_btf_ext_core_relo(const struct eb_btf_ext *ext, const char *sec);

/* Render a type as C-like text for messages and listings, e.g.
 * "struct foo", "unsigned int", "char[16]", "u64 *".  0 or -errno. */
struct eb_strbuf;
int eb_btf_type_str(const struct eb_btf *btf, uint32_t id, struct eb_strbuf *out);

/* --- additions (btf module) ---------------------------------------------- */

/* "int", "struct", "func_proto", ... for BTF_KIND_*; "unknown" otherwise.
 * Static string. */
const char *eb_btf_kind_name(unsigned int kind);
/* Bit offset and bitfield size (0: not a bitfield) of member idx of the
 * STRUCT/UNION t, for both encodings: kflag set (size in the member's
 * offset word) and kflag clear (size/offset in the member's INT type).
 * 0 or -EINVAL if t is not a struct/union or idx is out of range. */
int eb_btf_member_bitfield(const struct eb_btf *btf, const struct btf_type *t,
			   uint32_t idx, uint32_t *bit_off, uint32_t *bit_size);

/*
 * Notes on the contract above (as implemented in btf.c / btf_ext.c):
 * - Other-endian BTF (magic 0x9feb) is refused with -EOPNOTSUPP, not
 *   converted.  Input that is too short for the magic or has another magic
 *   is -ENOEXEC; everything else malformed is -EINVAL.
 * - eb_btf_raw() returns a canonical layout: hdr_len 24, type_off 0,
 *   str_off == type_len, no gaps; header fields past 24 bytes must be zero
 *   on input.  For split BTF it holds only the split part.
 * - Lookups by name search the base first, then the split part; the first
 *   four lookups of a BTF walk its records, the fifth builds a hash index
 *   (atomically published, so concurrent readers are safe).  Mutators are
 *   not safe against concurrent readers.
 * - eb_btf_parse_file() maps files on sysfs read-only where the kernel
 *   allows it (/sys/kernel/btf/vmlinux since 6.16) instead of copying
 *   them, and reads other files with one buffer of their stat size; input
 *   already in the canonical layout is used as it is.  The first mutator
 *   called on a mapped BTF gives it a private copy: from then on every
 *   record has moved (pointers obtained before are stale).
 * - Parsing validates every record in one pass (bounds, kinds, vlen, int
 *   encodings, name offsets, referenced ids) whatever the source: the
 *   kernel's BTF gets the same checks as an object's.
 * - eb_btf_align(): ints/enums/floats align to min(size, 8), pointers 8,
 *   a struct whose members are not naturally placed is taken as packed (1).
 * - eb_btf_type_str(): C declarator syntax without names for pointer and
 *   array types ("const char *", "char[16]", "int (*)(void *)",
 *   "char *const"), "struct (anon)" for anonymous tags, a FUNC renders as
 *   "int name(int, ...)", a VAR as "type name", a DATASEC as
 *   "datasec .data"; type tags and decl tags are skipped.  On error `out`
 *   is left as it was.
 * - .BTF.ext: hdr_len and subsection offsets must be multiples of 4 and
 *   rec_size a multiple of 4 no smaller than the kernel struct, so records
 *   may be read through struct pointers.
 */

#endif
