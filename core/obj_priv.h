/* SPDX-License-Identifier: MIT */
/*
 * obj_priv.h - the loader's internal state, shared by object.c (ELF
 * parsing), section.c (section names), maps.c (map definitions), relo.c
 * (relocation records and passes) and load.c (kernel side).  Not part of
 * the public API: front ends include object.h only.
 */
#ifndef EB_OBJ_PRIV_H
#define EB_OBJ_PRIV_H

#include <gelf.h>
#include <libelf.h>

#include "object.h"
#include "strbuf.h"

#define EB_INSN_SZ	8u

/* Per-section bytes (NULL for NOBITS / empty) next to the public record. */
struct obj_sec_data {
	const void *buf;
	size_t size;
};

struct eb_object {
	char *name;		/* as given to open (path or name argument) */
	char *obj_name;		/* basename up to the first '.' */
	void *image;		/* private copy of the ELF bytes */
	size_t image_size;
	Elf *elf;

	struct eb_section *secs;	/* one per ELF section, by index */
	struct obj_sec_data *sdata;
	unsigned int sec_cnt;
	unsigned int symtab_idx;
	int maps_idx;		/* .maps, or -1 */
	int legacy_maps_idx;	/* maps, or -1 */

	struct eb_elf_sym *syms;
	unsigned int sym_cnt;

	char *license;
	uint32_t kern_version;
	struct eb_btf *btf;
	struct eb_btf_ext *btf_ext;
	int btf_fd;

	struct eb_prog *funcs;	/* every function, sorted by (section, offset) */
	unsigned int func_cnt;
	unsigned int *progs;	/* indices into funcs of the main programs */
	unsigned int prog_cnt;

	struct eb_obj_map *maps;
	unsigned int map_cnt;

	struct eb_obj_extern *externs;
	unsigned int extern_cnt;
	int kconfig_map;	/* index of the .kconfig map, -1: none */

	/* during eb_object_load() only */
	const struct eb_load_opts *lopts;
	struct eb_btf *kbtf;	/* the kernel's BTF (NULL until needed) */
	bool kbtf_owned;
	struct eb_core_cache *core_cache;

	bool loaded;
	struct eb_strbuf errmsg;
	struct eb_strbuf *open_errmsg;	/* from eb_open_opts, during open */
};

/* Log one WARN line "SUBSYS: ..." and keep it as the object's errmsg. */
void obj_warn(struct eb_object *obj, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sanitize to [A-Za-z0-9_.] and cut to BPF_OBJ_NAME_LEN - 1.  malloc'd. */
char *obj_kernel_name(const char *name);
/* libbpf's kernel name of a global data map.  malloc'd. */
char *obj_data_map_name(const char *obj_name, const char *sec_name);

/* maps.c: build the map list from .maps, maps and the data sections. */
int obj_collect_maps(struct eb_object *obj);
void obj_free_map(struct eb_obj_map *map);
/* The map a relocation symbol refers to: by section and offset; -1. */
int obj_find_map_by_sym(const struct eb_object *obj, unsigned int shndx, uint64_t off);

/* relo.c: relocation records at open, the passes at load. */
int obj_collect_relos(struct eb_object *obj);
/* Link and relocate one program into prog->final_insns (maps must have
 * fds).  Fills the func/line info arrays given (malloc'd; caller frees). */
struct obj_ext_info {
	void *func_info;
	uint32_t func_info_cnt;
	uint32_t func_info_rec_size;
	void *line_info;
	uint32_t line_info_cnt;
	uint32_t line_info_rec_size;
};
int obj_relocate_prog(struct eb_object *obj, struct eb_prog *prog,
		      struct obj_ext_info *ext);
void obj_ext_info_free(struct obj_ext_info *ext);

/* load.c: close every fd the load created and forget the results. */
void obj_unload(struct eb_object *obj);
/* maps.c: `values` slots of map-in-map / prog arrays from .rel.maps. */
int obj_collect_map_slots(struct eb_object *obj, unsigned int relsec);

/* object.c: BTF fixups (DATASEC sizes, VAR offsets, sorted secinfos). */
int obj_fixup_btf(struct eb_object *obj);

/* load.c: the kernel's BTF for this load (the option's, or vmlinux parsed
 * once); `what` names the user in the failure message. */
int obj_kernel_btf(struct eb_object *obj, const char *what, struct eb_btf **out);

/* extern.c: externs at open (after the maps: adds the .kconfig map and
 * sanitizes their BTF), values at load (before the maps are created). */
int obj_collect_externs(struct eb_object *obj);
int obj_find_extern(const struct eb_object *obj, const char *name);
int obj_resolve_externs(struct eb_object *obj);
void obj_free_externs(struct eb_object *obj);

/* struct_ops.c: .struct_ops / .struct_ops.link maps at open (after the
 * externs); at load their kernel types (before the maps are created) and
 * their values (after the programs are loaded). */
int obj_collect_struct_ops(struct eb_object *obj);
int obj_prepare_struct_ops(struct eb_object *obj);
int obj_fill_struct_ops(struct eb_object *obj);
/* relo.c: the function starting at instruction insn of section shndx; -1 */
int obj_func_at(const struct eb_object *obj, unsigned int shndx, uint64_t insn);

/* relo.c: CO-RE records of every function, at open */
int obj_collect_core_relos(struct eb_object *obj, void *vecs);

#endif
