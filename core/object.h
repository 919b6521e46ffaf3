/* SPDX-License-Identifier: MIT */
/*
 * object.h - the ELF object loader: clang-built BPF objects (libelf).
 *
 * Two phases:
 *
 *   eb_object_open_file() / eb_object_open_mem()
 *	parse a private copy of the ELF image WITHOUT touching the kernel:
 *	sections, symbols, programs (every function of every executable
 *	section), maps (BTF-defined `.maps`, legacy `maps`, global data),
 *	relocation records, license, version, BTF and .BTF.ext.  The BTF
 *	fixups the kernel needs (DATASEC sizes, VAR offsets) are applied
 *	here, so eb_object_btf() already shows the fixed-up types.
 *
 *   eb_object_load()
 *	loads BTF; when something needs the kernel's BTF (CO-RE, kfuncs,
 *	typed ksyms, tp_btf / fentry / iter / lsm targets, struct_ops)
 *	parses it once for the whole call (or uses eb_load_opts.kernel_btf);
 *	resolves externs; creates the maps (or reuses fds the caller
 *	supplies), writes global data and freezes .rodata and .kconfig,
 *	fills maps of maps from their `values`; relocates every program (map
 *	fds, map values, BPF-to-BPF calls, function pointers, externs,
 *	kfuncs, then CO-RE: core_relo.h; each program gets its reachable
 *	subprograms appended once, depth first in call order as libbpf
 *	does, so the kernel computes the same program tag) and loads the
 *	programs; fills prog arrays from their `values`; builds struct_ops
 *	values.  All or nothing: on failure every fd it created is closed
 *	again and the object is back in the "opened" state (it may be loaded
 *	again, e.g. with other options).
 *
 *   eb_object_close() frees the object and closes every fd it holds.
 *
 * Nothing here is thread safe: one object is used by one thread at a time.
 * Different objects are independent.
 *
 * Errors: every function returns 0 (or a count / fd) on success and -errno
 * on failure, and every failure emits exactly one eb_warn() line (subsystem
 * "elf" for parse errors, "load" for kernel-side errors) naming the section,
 * symbol, map or program at fault; the object keeps that line
 * (eb_object_errmsg()).  Parse errors:
 *   -ENOEXEC  not an ELF file, not ELF64, not EM_BPF (247), not ET_REL,
 *             wrong byte order for this host, a truncated header;
 *   -EINVAL   any structural fault: bad section index / sh_link / sh_info,
 *             a section or symbol outside the file or its section, a
 *             relocation offset outside its section or not on an
 *             instruction boundary, a relocation against an unknown
 *             symbol, an ld_imm64 split across the end of a section, a call
 *             to a missing subprogram, a map record past the section end,
 *             a malformed map definition, and a missing or unterminated
 *             license ("elf: no license section": the kernel needs a
 *             license to decide on GPL-only helpers, so we refuse early);
 *   -ENOMEM   out of memory.
 *
 * Section names and program types: see core/section.c (the table there is
 * the documentation of the supported SEC() names).  Also:
 *   .struct_ops / .struct_ops.link  struct_ops maps (eb_obj_map, below)
 *   .kconfig / .ksyms (no ELF section: BTF DATASECs)  externs (below)
 * Programs of type TRACING / LSM get attach_btf_id from the kernel's BTF:
 * tp_btf/X -> typedef btf_trace_X, iter/X -> func bpf_iter_X, lsm/X ->
 * func bpf_lsm_X, fentry/fexit/fmod_ret/X -> func X (freplace needs a
 * target program and is not resolved here); struct_ops programs get the
 * kernel struct's id from their map.
 *
 * Legacy `maps` section: an array of struct bpf_map_def records
 *	{ u32 type, key_size, value_size, max_entries, map_flags; }
 * The record size is the section size divided by the number of symbols in
 * the section (it must be a multiple of 4 and at least 20 bytes; each
 * symbol's st_value must be a multiple of it).  Records larger than 20
 * bytes (old iproute2 / bcc layouts with id, pinning, inner_map_idx ...)
 * are accepted: fields after map_flags are ignored.
 *
 * BTF-defined `.maps`: each variable of the `.maps` DATASEC is a struct
 * whose members are read by name:
 *	type, key_size, value_size, max_entries, map_flags, numa_node,
 *	pinning, map_extra   __uint(): pointer to an array, nelems = value
 *	key, value           __type(): pointer to the type (sizes follow)
 *	values               __array(): initial slots of maps-of-maps and
 *	                     prog arrays (eb_obj_map.init_slots from .rel.maps:
 *	                     maps of maps are filled right after the maps are
 *	                     created, prog arrays after the programs are
 *	                     loaded; a slot naming a program with autoload
 *	                     off stays empty; reused maps are not filled)
 *	inner                via `values`' element type: the inner map
 *	                     definition of array/hash of maps (created as a
 *	                     template for the outer map and closed after it)
 * Unknown members are refused (-EINVAL), like libbpf.
 *
 * Kernel names (eb_prog.kname / eb_obj_map.kname): the ELF name with every
 * character outside [A-Za-z0-9_.] replaced by '_' and cut to 15 bytes
 * (BPF_OBJ_NAME_LEN - 1).  Global data maps follow libbpf's rule so that
 * bpftool shows the same names: suffix = the section name, at least 7
 * characters wide in the computation; if the section name has a second
 * '.' (".rodata.str1.1", ".data.foo") there is no prefix, otherwise the
 * prefix is the object name (file basename up to its first '.') cut to
 * 15 - max(7, strlen(section)) characters: "xdp_counter.bpf.o" gives
 * "xdp_coun.rodata", "xdp_coun.bss", ".rodata.str1.1".
 */
#ifndef EB_OBJECT_H
#define EB_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi_ext.h"

struct eb_object;
struct eb_btf;
struct eb_btf_ext;

/* libbpf's pinning values for BTF-defined maps */
#define EB_PIN_NONE	0
#define EB_PIN_BY_NAME	1	/* LIBBPF_PIN_BY_NAME */

/* --- what the loader made of each ELF section ----------------------------- */

enum eb_sec_kind {
	EB_SEC_OTHER,		/* kept in the listing, otherwise ignored */
	EB_SEC_PROG,		/* executable code: programs / subprograms */
	EB_SEC_DATA,		/* global data: became an array map */
	EB_SEC_MAPS,		/* BTF-defined maps (.maps) */
	EB_SEC_MAPS_LEGACY,	/* struct bpf_map_def records (maps) */
	EB_SEC_LICENSE,
	EB_SEC_VERSION,
	EB_SEC_BTF,
	EB_SEC_BTF_EXT,
	EB_SEC_SYMTAB,
	EB_SEC_STRTAB,
	EB_SEC_RELO,		/* SHT_REL for a section we use */
	EB_SEC_DEBUG,		/* .debug_*, DWARF: ignored */
};

struct eb_section {
	const char *name;
	uint32_t idx;		/* ELF section index */
	uint32_t type;		/* SHT_* */
	uint64_t flags;		/* SHF_* */
	uint64_t size;
	enum eb_sec_kind kind;
	int map_idx;		/* EB_SEC_DATA: index in the map list, else -1 */
	int relo_for;		/* EB_SEC_RELO: index of the section it patches, else -1 */
};

/* A short name for a section kind ("prog", "data", "maps", ...). */
const char *eb_sec_kind_str(enum eb_sec_kind kind);

/* --- relocation records of a program ------------------------------------- */

enum eb_reloc_kind {
	EB_RELO_MAP_FD,		/* ld_imm64 of a map: src = BPF_PSEUDO_MAP_FD */
	EB_RELO_MAP_VALUE,	/* ld_imm64 into global data: BPF_PSEUDO_MAP_VALUE + off */
	EB_RELO_CALL,		/* BPF-to-BPF call (also calls without an ELF relocation) */
	EB_RELO_FUNC_PTR,	/* ld_imm64 of a function: BPF_PSEUDO_FUNC (callbacks) */
	EB_RELO_CORE,		/* a .BTF.ext CO-RE record (core_relo.h) */
	EB_RELO_EXTERN,		/* ld_imm64 of an extern: .kconfig value or .ksyms symbol */
	EB_RELO_KFUNC,		/* call of an extern function: a kernel kfunc */
};

/* A short name ("map_fd", "map_value", "call", "func_ptr", "core",
 * "extern", "kfunc"). */
const char *eb_reloc_kind_str(enum eb_reloc_kind kind);

struct eb_reloc {
	enum eb_reloc_kind kind;
	uint32_t insn_idx;	/* in the function's own instructions (eb_prog.insns) */
	const char *sym_name;	/* ELF symbol (section name for section symbols;
				 * "" for a call without an ELF relocation) */
	int map_idx;		/* MAP_FD / MAP_VALUE: index in the map list */
	uint32_t map_off;	/* MAP_VALUE: byte offset into the map's value */
	int func_idx;		/* CALL / FUNC_PTR: target in eb_object_func() */
	int ext_idx;		/* EXTERN / KFUNC: index in eb_object_extern(), else -1 */
	/* CORE: the record (sym_name is its access string, "0:1:2") */
	uint32_t core_kind;	/* enum bpf_core_relo_kind */
	uint32_t core_type_id;	/* local root type in the object's BTF */
	uint32_t core_access_off;	/* access string offset in the object's BTF */
};

/* --- programs (functions) -------------------------------------------------- */

/*
 * One function of an executable section.  Programs are the functions of
 * the non-.text sections with global binding; subprograms are the
 * functions of .text (static or global) and static functions elsewhere.
 * All fields are read-only for callers; strings live as long as the object.
 */
struct eb_prog {
	const char *name;		/* ELF symbol name (full) */
	const char *kname;		/* kernel name: sanitized, <= 15 chars */
	const char *sec_name;		/* e.g. "tracepoint/syscalls/sys_enter_getppid" */
	uint32_t sec_idx;
	uint32_t sec_off;		/* first instruction index inside its section */
	bool is_subprog;
	/* from the section name (core/section.c) */
	uint32_t type;			/* enum bpf_prog_type */
	uint32_t expected_attach_type;	/* enum bpf_attach_type (0 when none) */
	const char *attach_target;	/* part after the prefix ("syscalls/sys_enter_getppid"),
					 * "" when the section name carries none */
	bool sleepable;			/* ".s" sections, "syscall" */
	uint32_t prog_flags;		/* BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS */
	bool sec_known;			/* false: unknown section name (type 0, not loaded) */
	/* code */
	const struct bpf_insn *insns;	/* the function as in the ELF (owned copy) */
	uint32_t insn_cnt;
	const struct eb_reloc *relocs;	/* sorted by insn_idx */
	uint32_t reloc_cnt;
	/* after eb_object_load() (NULL / 0 / -1 before, and for subprograms) */
	const struct bpf_insn *final_insns;	/* relocated, subprograms appended */
	uint32_t final_cnt;
	int fd;
	bool autoload;			/* eb_prog_set_autoload() */
	uint32_t attach_btf_id;		/* tracing types: resolved target in vmlinux BTF */
	/* private to the loader */
	char *log;			/* see eb_object_prog_log() */
	size_t log_len;
	int st_ops_map;			/* struct_ops: the map using it, -1: none */
	uint32_t st_ops_member;		/*   and the member (object's struct) */
};

/* --- maps -------------------------------------------------------------------- */

enum eb_map_origin {
	EB_MAP_BTF,		/* a variable of .maps */
	EB_MAP_LEGACY,		/* a struct bpf_map_def record of `maps` */
	EB_MAP_DATA,		/* a global data section */
	EB_MAP_INNER,		/* the inner template of a map-in-map */
	EB_MAP_STRUCT_OPS,	/* a variable of .struct_ops / .struct_ops.link */
};

/* A short name ("btf", "legacy", "data", "inner", "struct_ops"). */
const char *eb_map_origin_str(enum eb_map_origin origin);

/*
 * One initial slot: `values` of a prog array / map-in-map (index: the
 * array slot, set after the maps / programs are created), or a function
 * pointer of a struct_ops map (index: the member of the object's struct).
 */
struct eb_map_slot {
	uint32_t index;
	const char *sym_name;	/* the program or map it names */
};

struct eb_obj_map {
	const char *name;	/* ELF name: the variable / symbol, or the section
				 * name for global data (".rodata", ".data.foo") */
	const char *kname;	/* kernel name (rules in the header comment) */
	enum eb_map_origin origin;
	const char *sec_name;	/* section it came from */
	uint32_t sec_idx;
	uint32_t sec_off;	/* offset of its symbol / record in the section */
	uint32_t type;		/* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;	/* perf event arrays with 0: set at load to the
				 * number of possible CPUs */
	uint32_t map_flags;	/* global data: BPF_F_MMAPABLE, .rodata also
				 * BPF_F_RDONLY_PROG */
	uint32_t numa_node;
	uint32_t pinning;	/* EB_PIN_NONE / EB_PIN_BY_NAME */
	uint64_t map_extra;
	uint32_t btf_key_type_id;	/* 0 when none (always 0 for global data) */
	uint32_t btf_value_type_id;	/* global data: the DATASEC */
	const struct eb_obj_map *inner;	/* map-in-map template, else NULL */
	/* global data: initial contents (value_size bytes; NULL for .bss) */
	const void *init_data;
	bool frozen;		/* .rodata*: frozen after it is written */
	const struct eb_map_slot *init_slots;	/* `values` of BTF maps, struct_ops programs */
	uint32_t init_slot_cnt;
	/*
	 * struct_ops maps (type BPF_MAP_TYPE_STRUCT_OPS, key 4, 1 entry,
	 * BPF_F_LINK for .struct_ops.link): st_ops_tname is the kernel
	 * struct they implement ("tcp_congestion_ops": the variable's type
	 * name without a ___flavor).  At load the loader finds the kernel's
	 * bpf_struct_ops_<tname> (btf_vmlinux_value_type_id; value_size is
	 * its size), loads the programs the function pointers name (attach
	 * BTF id: the kernel struct, expected attach type: the member
	 * index), and builds init_data: the kernel value with the object's
	 * data members copied by name and every function pointer set to its
	 * program's fd.  Like libbpf, loading does not register it: attaching
	 * is BPF_MAP_UPDATE_ELEM(key 0, init_data) (and, for BPF_F_LINK
	 * maps, BPF_LINK_CREATE on the map fd).
	 */
	const char *st_ops_tname;
	uint32_t btf_vmlinux_value_type_id;
	/* after eb_object_load() */
	int fd;			/* -1 before */
	bool reused;		/* fd came from the reuse hook */
	/* private to the loader */
	void *priv_buf;		/* owned buffer behind init_data (.kconfig, struct_ops) */
	uint32_t values_off;	/* BTF maps: byte offset of `values` in the def */
	uint32_t def_size;	/* bytes of the definition in its section */
	uint32_t init_slot_cap;
};

/* --- externs ------------------------------------------------------------------ */

/*
 * An `extern` the object declares (an undefined ELF symbol described in
 * the object's BTF):
 *   KCONFIG  `extern T NAME __kconfig;` (DATASEC .kconfig): a value the
 *            loader supplies through a read-only array map ".kconfig":
 *            LINUX_KERNEL_VERSION (from uname: major << 16 | minor << 8 |
 *            min(patch, 255)), LINUX_HAS_SYSCALL_WRAPPER (the kernel has
 *            __<arch>_sys_bpf), LINUX_HAS_BPF_COOKIE (the kernel knows
 *            BPF_FUNC_get_attach_cookie), and CONFIG_* from
 *            eb_load_opts.kconfig, else /proc/config.gz, else
 *            /boot/config-$(uname -r).  bool: y 1, n 0; enum
 *            libbpf_tristate: y 1, m 2, n 0; integers: the number; char
 *            arrays: the quoted string.  A weak (__weak) extern that is not
 *            set is 0; a strong one fails the load with -ESRCH.
 *   KSYM     `extern const T NAME __ksym;` (DATASEC .ksyms): typed (T is a
 *            real type): the ld_imm64 becomes BPF_PSEUDO_BTF_ID of the
 *            kernel's VAR NAME (its type must be compatible); typeless
 *            (`const void`): the ld_imm64 loads the address from
 *            /proc/kallsyms.  Weak and missing: the ld_imm64 loads 0.
 *   KFUNC    `extern R NAME(...) __ksym;`: calls become
 *            BPF_PSEUDO_KFUNC_CALL of the kernel's FUNC NAME (its prototype
 *            must be compatible).  Weak and missing: the call gets BTF
 *            id 0, which the verifier accepts only where it is dead code
 *            (guard it with `if (&NAME)`: that ld_imm64 loads 0), as
 *            libbpf does.
 * At open the object's BTF is made loadable: extern VARs become global
 * allocated, extern FUNCs global, the .kconfig DATASEC gets the map's
 * layout and the .ksyms DATASEC (which the kernel would refuse: it holds
 * functions) becomes an anonymous struct of ints.
 */
enum eb_extern_kind {
	EB_EXT_KCONFIG,
	EB_EXT_KSYM,
	EB_EXT_KFUNC,
};

/* "kconfig", "ksym", "kfunc". */
const char *eb_extern_kind_str(enum eb_extern_kind kind);

struct eb_obj_extern {
	const char *name;
	enum eb_extern_kind kind;
	bool weak;
	uint32_t btf_id;	/* its VAR / FUNC in the object's BTF */
	uint32_t type_id;	/* the VAR's type / the FUNC's prototype (as declared) */
	bool typed;		/* KSYM: the type is not void */
	uint32_t size;		/* KCONFIG: bytes of the value */
	uint32_t kconfig_off;	/* KCONFIG: offset in the .kconfig map's value */
	/* after eb_object_load() */
	bool resolved;		/* found (false: weak and missing) */
	uint64_t value;		/* KCONFIG: integer value (1 for a set string);
				 * typeless KSYM: the address */
	uint32_t target_btf_id;	/* typed KSYM / KFUNC: id in the kernel's BTF */
};

unsigned int eb_object_extern_cnt(const struct eb_object *obj);
const struct eb_obj_extern *eb_object_extern(const struct eb_object *obj, unsigned int idx);

/* --- opening ----------------------------------------------------------------- */

struct eb_strbuf;

struct eb_open_opts {
	/* Object name for kernel names of global data maps; NULL: from the
	 * path / the name argument. */
	const char *obj_name;
	/* If not NULL: a failed open appends its log line here (there is no
	 * object to ask eb_object_errmsg()).  The caller owns the strbuf. */
	struct eb_strbuf *errmsg;
};

/*
 * Parse the object in `path` (read into memory, then as open_mem).
 * opts may be NULL.  On success *out is a new object owned by the caller
 * (eb_object_close()).  Returns 0 or -errno (see the header comment).
 */
int eb_object_open_file(const char *path, const struct eb_open_opts *opts,
			struct eb_object **out);

/*
 * Parse an object from memory.  buf is copied: the caller may free it at
 * once.  name (may be NULL: "object") names it in messages and gives the
 * object name.  Same returns as eb_object_open_file().
 */
int eb_object_open_mem(const void *buf, size_t size, const char *name,
		       const struct eb_open_opts *opts, struct eb_object **out);

/* Free everything and close every fd (programs, maps, BTF).  NULL is fine. */
void eb_object_close(struct eb_object *obj);

/* --- loading ----------------------------------------------------------------- */

/*
 * Map reuse hook: called for every map (not for inner templates) before
 * it is created.  Return an fd >= 0 to use it instead of creating the map
 * (the object takes ownership of that fd: it is closed by
 * eb_object_close() or when the load fails), -ENOENT to create the map
 * normally, any other -errno to fail the load with it.  The loader checks
 * the fd's type, key_size, value_size, max_entries and map_flags against
 * the definition and fails with -EINVAL and a message when they differ.
 * A reused map is neither written (global data) nor frozen.
 */
typedef int (*eb_map_reuse_fn)(const struct eb_obj_map *map, void *ctx);

/* Return true to skip loading this program (it keeps fd -1). */
typedef bool (*eb_prog_skip_fn)(const struct eb_prog *prog, void *ctx);

struct eb_load_opts {
	/*
	 * Verifier log (bits EB_LOG_LEVEL1, EB_LOG_LEVEL2, EB_LOG_STATS of
	 * uapi_ext.h).  Without a verbose bit (0, the default, or
	 * EB_LOG_STATS alone) the first attempt runs at that cheap level
	 * (no log, or the statistics only, kept on success); if it fails,
	 * the program is loaded again with EB_LOG_LEVEL1 added, so the
	 * failure comes with the verifier's reasons.  With a verbose bit
	 * every attempt runs at that level and the log is kept also on
	 * success (verbose logging can cost the verifier several times its
	 * own work on big programs).  The buffer starts at log_size (0:
	 * 64 KiB) and grows x4 on ENOSPC up to 16 MiB.
	 */
	uint32_t log_level;
	uint32_t log_size;
	eb_map_reuse_fn map_reuse;
	void *map_reuse_ctx;
	eb_prog_skip_fn prog_skip;
	void *prog_skip_ctx;
	/* Override the object's kern_version (0: use the ELF's `version`). */
	uint32_t kern_version;
	/*
	 * The kernel's BTF for CO-RE, attach targets, kfuncs, typed ksyms and
	 * struct_ops (borrowed: must outlive the call).  NULL: the loader
	 * parses /sys/kernel/btf/vmlinux once per eb_object_load(), only if
	 * something needs it, and frees it before returning.  A front end
	 * loading many objects passes its own copy to save that work.
	 */
	struct eb_btf *kernel_btf;
	/*
	 * Extra kconfig text, lines "CONFIG_X=VALUE" as in a kernel .config
	 * (also "# CONFIG_X is not set").  Its values take precedence over the
	 * kernel's config file.  NULL: the file only.
	 */
	const char *kconfig;
};

/*
 * Load the object: BTF, maps, global data, relocations, programs, in that
 * order.  opts may be NULL.  Returns 0, or -errno of the first failure:
 * -EACCES / -EINVAL / -E2BIG ... from the verifier (the log is in
 * eb_object_prog_log()), -EINVAL for an incompatible reused map, the
 * kernel's errno for a map it refuses, -EALREADY if already loaded.  On
 * failure nothing the call created stays open.  If the kernel refuses the
 * object's BTF, the load continues without BTF and logs a warning.
 * Programs with an unknown section name, or with autoload false, or
 * skipped by opts->prog_skip are not loaded.
 */
int eb_object_load(struct eb_object *obj, const struct eb_load_opts *opts);

/* --- the object -------------------------------------------------------------- */

/* The name given at open (for messages) and the object name (basename up
 * to the first '.'). */
const char *eb_object_name(const struct eb_object *obj);
/* "GPL", "Dual BSD/GPL" ...; never NULL after a successful open. */
const char *eb_object_license(const struct eb_object *obj);
/* The `version` section's value, 0 without one. */
uint32_t eb_object_kern_version(const struct eb_object *obj);
/* The object's BTF after fixups, or NULL.  Owned by the object. */
struct eb_btf *eb_object_btf(const struct eb_object *obj);
const struct eb_btf_ext *eb_object_btf_ext(const struct eb_object *obj);
/* After load: the BTF fd in the kernel, -1 when none was loaded. */
int eb_object_btf_fd(const struct eb_object *obj);
bool eb_object_loaded(const struct eb_object *obj);

/*
 * The loader's own message for the last failure of open/load: the last
 * eb_warn line it emitted ("" when none).  Owned by the object.
 */
const char *eb_object_errmsg(const struct eb_object *obj);

/*
 * Programs: index 0 .. eb_object_prog_cnt()-1 in ELF order (section, then
 * offset); subprograms are not in this list.  Returned pointers live as
 * long as the object.
 */
unsigned int eb_object_prog_cnt(const struct eb_object *obj);
struct eb_prog *eb_object_prog(const struct eb_object *obj, unsigned int idx);
/* By ELF name; NULL if none. */
struct eb_prog *eb_object_find_prog(const struct eb_object *obj, const char *name);
/* Every function, programs and subprograms (the targets of eb_reloc.func_idx). */
unsigned int eb_object_func_cnt(const struct eb_object *obj);
const struct eb_prog *eb_object_func(const struct eb_object *obj, unsigned int idx);

/*
 * Before load: set the initial value of global variable `name` (an ELF
 * symbol in .data*, .rodata* or .bss*), e.g. a `const volatile` knob.
 * size must be the variable's size.  The value is written into the map
 * when the object is loaded (again at every load).  Returns 0, -ENOENT
 * (no such variable), -EINVAL (size differs), -EBUSY (already loaded),
 * -ENOMEM.
 */
int eb_object_set_global(struct eb_object *obj, const char *name, const void *val,
			 size_t size);

/* Before load: do not load this program (default true). */
void eb_prog_set_autoload(struct eb_prog *prog, bool autoload);

/*
 * The verifier log of the program's last load attempt ("" when none was
 * requested or the program was not loaded).  Owned by the object.
 */
const char *eb_object_prog_log(const struct eb_prog *prog);

/*
 * Maps: .maps variables, legacy records, then global data, in ELF order
 * (inner templates are reached through eb_obj_map.inner only).
 */
unsigned int eb_object_map_cnt(const struct eb_object *obj);
const struct eb_obj_map *eb_object_map(const struct eb_object *obj, unsigned int idx);
const struct eb_obj_map *eb_object_find_map(const struct eb_object *obj, const char *name);

/* Sections: every ELF section by index (index 0, the null section, too). */
unsigned int eb_object_sec_cnt(const struct eb_object *obj);
const struct eb_section *eb_object_sec(const struct eb_object *obj, unsigned int idx);

/*
 * ELF symbols: every entry of .symtab by index (index 0, the null symbol,
 * too), as clang wrote them.  name is "" for unnamed symbols, the section
 * name for unnamed section symbols.  Lives as long as the object.
 * Front ends use them for listings, e.g. the labels of a disassembly:
 * the symbols with shndx == a code section and type other than
 * STT_SECTION / STT_FILE are its functions (STT_FUNC) and clang's local
 * jump labels (STT_NOTYPE, "LBB0_2").
 */
struct eb_elf_sym {
	const char *name;
	uint64_t value;		/* st_value: byte offset in its section */
	uint64_t size;		/* st_size */
	uint16_t shndx;		/* st_shndx (SHN_UNDEF for externs) */
	uint8_t type;		/* STT_* */
	uint8_t bind;		/* STB_* */
};

unsigned int eb_object_sym_cnt(const struct eb_object *obj);
const struct eb_elf_sym *eb_object_sym(const struct eb_object *obj, unsigned int idx);

/*
 * The bytes of section idx as in the file (*size receives the count).
 * NULL with *size 0 for SHT_NOBITS, empty sections and a bad index.
 * Owned by the object.
 */
const void *eb_object_sec_data(const struct eb_object *obj, unsigned int idx, size_t *size);

/* --- section names (core/section.c) ---------------------------------------- */

struct eb_sec_def {
	const char *prefix;	/* "tracepoint", "xdp.frags", "cgroup/connect4" ... */
	uint32_t prog_type;
	uint32_t expected_attach_type;
	uint32_t prog_flags;	/* BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS */
	bool takes_target;	/* "prefix/TARGET" */
};

/*
 * Look up a section name.  Rules: an exact match of a table entry; or, for
 * entries that take a target, the prefix followed by '/' (the rest is the
 * target); or, failing both, the longest table entry the name starts with
 * (old objects: "xdp_prog", "socket1").  Returns the entry and sets
 * *target (may be NULL) to the part after "prefix/" ("" when none), or
 * returns NULL for an unknown name.
 */
const struct eb_sec_def *eb_sec_def_find(const char *sec_name, const char **target);
/* The whole table, for listings (NULL-terminated by prefix == NULL). */
const struct eb_sec_def *eb_sec_defs(void);

#endif
