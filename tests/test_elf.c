/* SPDX-License-Identifier: MIT */
/*
 * test_elf.c - the loader's ELF side (no kernel): parsing the objects of
 * tests/bpf/ and refusing every malformed variant made by editing their
 * bytes.  Each refusal: the exact -errno, one log line naming the
 * section or symbol at fault, and no fd left open.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "btf.h"
#include "log.h"
#include "object.h"
#include "strbuf.h"
#include "util.h"
#include "testutil.h"

/* --- helpers ---------------------------------------------------------------- */

struct blob {
	unsigned char *buf;
	size_t size;
};

/* The bytes of NAME.bpf.o into *b (b->buf malloc'd).  Asserting. */
static void load_blob(const char *name, struct blob *b)
{
	void *data;

	tu_read_bpf_obj(name, &data, &b->size);
	b->buf = data;
}

static Elf64_Ehdr *ehdr(struct blob *b)
{
	return (Elf64_Ehdr *)b->buf;
}

static Elf64_Shdr *shdr_at(struct blob *b, unsigned int idx)
{
	return (Elf64_Shdr *)(b->buf + ehdr(b)->e_shoff) + idx;
}

static Elf64_Shdr *shdr(struct blob *b, const char *name)
{
	Elf64_Shdr *strs = shdr_at(b, ehdr(b)->e_shstrndx);
	unsigned int i;

	for (i = 0; i < ehdr(b)->e_shnum; i++)
		if (!strcmp((char *)b->buf + strs->sh_offset + shdr_at(b, i)->sh_name, name))
			return shdr_at(b, i);
	fail_msg("no section %s", name);
	return NULL;
}

static char *sec_name_ptr(struct blob *b, const char *name)
{
	Elf64_Shdr *strs = shdr_at(b, ehdr(b)->e_shstrndx);

	return (char *)b->buf + strs->sh_offset + shdr(b, name)->sh_name;
}

static Elf64_Sym *sym(struct blob *b, const char *name)
{
	Elf64_Shdr *st = shdr(b, ".symtab");
	Elf64_Shdr *str = shdr_at(b, st->sh_link);
	Elf64_Sym *s = (Elf64_Sym *)(b->buf + st->sh_offset);
	size_t i, n = st->sh_size / sizeof(*s);

	for (i = 0; i < n; i++)
		if (!strcmp((char *)b->buf + str->sh_offset + s[i].st_name, name))
			return &s[i];
	fail_msg("no symbol %s", name);
	return NULL;
}

static unsigned int sym_index(struct blob *b, const char *name)
{
	return (unsigned int)(sym(b, name) - (Elf64_Sym *)(b->buf + shdr(b, ".symtab")->sh_offset));
}

static Elf64_Rel *rel(struct blob *b, const char *relsec, unsigned int idx)
{
	Elf64_Shdr *sh = shdr(b, relsec);

	assert_true((idx + 1) * sizeof(Elf64_Rel) <= sh->sh_size);
	return (Elf64_Rel *)(b->buf + sh->sh_offset) + idx;
}

static struct bpf_insn *insn_at(struct blob *b, const char *sec, uint64_t byte_off)
{
	return (struct bpf_insn *)(b->buf + shdr(b, sec)->sh_offset + byte_off);
}

/*
 * Open the (edited) bytes and expect a refusal: the exact errno, a last
 * WARN line containing every `want` string, no object, no fd left open.
 */
static void expect_refusal(struct blob *b, size_t size, int err, ...)
{
	struct eb_object *obj = (void *)1;
	int fds = tu_count_fds();
	const char *want;
	va_list ap;
	int ret;

	tu_log_reset();
	ret = eb_object_open_mem(b->buf, size, "bad.bpf.o", NULL, &obj);
	if (ret != err)
		fail_msg("open returned %d, expected %d (log: %s)", ret, err, tu_log_last());
	assert_null(obj);
	assert_int_equal(tu_count_fds(), fds);
	va_start(ap, err);
	while ((want = va_arg(ap, const char *)))
		if (!strstr(tu_log_last(), want))
			fail_msg("log line '%s' lacks '%s'", tu_log_last(), want);
	va_end(ap);
	free(b->buf);
	b->buf = NULL;
}

/* --- parsing real objects ------------------------------------------------------ */

static void test_subprogs(void **state)
{
	struct eb_object *obj = tu_obj_open("subprogs");
	const struct eb_prog *p, *f;
	int fds = tu_count_fds();

	assert_int_equal(eb_object_prog_cnt(obj), 2);
	assert_int_equal(eb_object_func_cnt(obj), 5);
	p = eb_object_find_prog(obj, "sub_xdp");
	assert_non_null(p);
	assert_string_equal(p->sec_name, "xdp");
	assert_int_equal(p->type, BPF_PROG_TYPE_XDP);
	assert_int_equal(p->expected_attach_type, BPF_XDP);
	assert_false(p->is_subprog);
	assert_int_equal(p->insn_cnt, 8);
	assert_int_equal(p->fd, -1);
	assert_null(p->final_insns);
	/* call sub_add3 through the .text section symbol, sub_global by name */
	assert_int_equal(p->reloc_cnt, 2);
	assert_int_equal(p->relocs[0].kind, EB_RELO_CALL);
	assert_int_equal(p->relocs[0].insn_idx, 0);
	assert_string_equal(p->relocs[0].sym_name, ".text");
	assert_string_equal(eb_object_func(obj, p->relocs[0].func_idx)->name, "sub_add3");
	assert_int_equal(p->relocs[1].insn_idx, 3);
	assert_string_equal(p->relocs[1].sym_name, "sub_global");
	f = eb_object_func(obj, p->relocs[1].func_idx);
	assert_string_equal(f->name, "sub_global");
	assert_true(f->is_subprog);
	assert_string_equal(f->sec_name, ".text");
	/* sub_add3 -> sub_double is pc-relative without an ELF relocation */
	f = eb_object_func(obj, p->relocs[0].func_idx);
	assert_int_equal(f->reloc_cnt, 1);
	assert_int_equal(f->relocs[0].kind, EB_RELO_CALL);
	assert_int_equal(f->relocs[0].insn_idx, 1);
	assert_string_equal(f->relocs[0].sym_name, "");
	assert_string_equal(eb_object_func(obj, f->relocs[0].func_idx)->name, "sub_double");
	p = eb_object_find_prog(obj, "sub_sock");
	assert_int_equal(p->type, BPF_PROG_TYPE_SOCKET_FILTER);
	assert_int_equal(p->expected_attach_type, 0);
	assert_null(eb_object_find_prog(obj, "sub_double"));
	assert_string_equal(eb_object_license(obj), "GPL");
	assert_int_equal(eb_object_kern_version(obj), 0);
	assert_int_equal(eb_object_map_cnt(obj), 0);
	assert_false(eb_object_loaded(obj));
	eb_object_close(obj);
	assert_int_equal(tu_count_fds(), fds);
}

static void test_loop_cb(void **state)
{
	struct eb_object *obj = tu_obj_open("loop_cb");
	const struct eb_prog *p = eb_object_find_prog(obj, "loop_sum");

	assert_non_null(p);
	assert_int_equal(p->reloc_cnt, 1);
	assert_int_equal(p->relocs[0].kind, EB_RELO_FUNC_PTR);
	assert_int_equal(p->relocs[0].insn_idx, 5);
	assert_int_equal(p->insns[5].code, BPF_LD | BPF_IMM | BPF_DW);
	assert_string_equal(eb_object_func(obj, p->relocs[0].func_idx)->name, "sum_cb");
	assert_string_equal(eb_reloc_kind_str(p->relocs[0].kind), "func_ptr");
	eb_object_close(obj);
}

static void test_globals(void **state)
{
	struct eb_object *obj = NULL;
	struct blob b;
	const struct eb_obj_map *m;
	const struct eb_prog *p;
	const struct eb_section *s;
	int32_t v[5];
	unsigned int i;

	load_blob("globals", &b);
	/* the object name comes from the name argument: libbpf's map names */
	assert_int_equal(eb_object_open_mem(b.buf, b.size, "dir/xdp_counter.bpf.o", NULL, &obj), 0);
	free(b.buf);
	assert_string_equal(eb_object_name(obj), "xdp_counter");
	assert_int_equal(eb_object_map_cnt(obj), 5);

	m = tu_obj_map(obj, ".data");
	assert_string_equal(m->kname, "xdp_coun.data");
	assert_int_equal(m->origin, EB_MAP_DATA);
	assert_int_equal(m->type, BPF_MAP_TYPE_ARRAY);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 20);
	assert_int_equal(m->max_entries, 1);
	assert_int_equal(m->map_flags, BPF_F_MMAPABLE);
	assert_false(m->frozen);
	memcpy(v, m->init_data, sizeof(v));
	assert_int_equal(v[0], 40);
	assert_int_equal(v[1], 1);
	assert_int_equal(v[4], 4);
	assert_int_equal(m->btf_key_type_id, 0);
	assert_int_not_equal(m->btf_value_type_id, 0);

	m = tu_obj_map(obj, ".rodata");
	assert_string_equal(m->kname, "xdp_coun.rodata");
	assert_int_equal(m->map_flags, BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	assert_true(m->frozen);
	assert_int_equal(m->value_size, 51);
	memcpy(v, m->init_data, 3 * sizeof(v[0]));
	assert_int_equal(v[0], 2);
	assert_int_equal(v[1], 1);
	assert_int_equal(v[2], 10);

	m = tu_obj_map(obj, ".bss");
	assert_string_equal(m->kname, "xdp_coun.bss");
	assert_null(m->init_data);
	assert_int_equal(m->value_size, 12);
	m = tu_obj_map(obj, ".data.custom");
	assert_string_equal(m->kname, ".data.custom");
	m = tu_obj_map(obj, ".rodata.str1.1");
	assert_string_equal(m->kname, ".rodata.str1.1");
	assert_true(m->frozen);
	assert_memory_equal(m->init_data, "globals: hit %d\n", 17);

	/* map value relocations: symbol offset + clang's addend */
	p = eb_object_find_prog(obj, "globals_sum");
	for (i = 0; i < p->reloc_cnt; i++) {
		const struct eb_reloc *r = &p->relocs[i];

		assert_int_equal(r->kind, EB_RELO_MAP_VALUE);
		if (!strcmp(r->sym_name, "rodata_scale")) {
			assert_string_equal(eb_object_map(obj, r->map_idx)->name, ".rodata");
			assert_int_equal(r->map_off, 4);
		} else if (!strcmp(r->sym_name, "bss_val")) {
			assert_string_equal(eb_object_map(obj, r->map_idx)->name, ".bss");
			assert_int_equal(r->map_off, 8);
		} else if (!strcmp(r->sym_name, ".rodata")) {
			assert_int_equal(r->map_off, 24);	/* the static format string */
		}
	}
	assert_int_equal(p->reloc_cnt, 8);

	/* sections: what the loader made of them */
	for (i = 0; i < eb_object_sec_cnt(obj); i++) {
		s = eb_object_sec(obj, i);
		assert_int_equal(s->idx, i);
		if (!strcmp(s->name, ".bss")) {
			assert_int_equal(s->kind, EB_SEC_DATA);
			assert_int_equal(s->type, SHT_NOBITS);
			assert_string_equal(eb_object_map(obj, s->map_idx)->name, ".bss");
		} else if (!strcmp(s->name, "xdp")) {
			assert_int_equal(s->kind, EB_SEC_PROG);
			assert_int_equal(s->size, 36 * 8);
		} else if (!strcmp(s->name, ".relxdp")) {
			assert_int_equal(s->kind, EB_SEC_RELO);
			assert_string_equal(eb_object_sec(obj, s->relo_for)->name, "xdp");
		} else if (!strcmp(s->name, "license")) {
			assert_int_equal(s->kind, EB_SEC_LICENSE);
		} else if (!strcmp(s->name, ".debug_info")) {
			assert_string_equal(eb_sec_kind_str(s->kind), "debug");
		}
	}
	eb_object_close(obj);
}

/* Global data in custom sections only (tests/bpf/globals_custom.c): one
 * array map per section, named after the section whatever the object is
 * called; .rodata.* read-only for programs and frozen, .data.* neither. */
static void test_globals_custom(void **state)
{
	struct eb_object *obj = NULL;
	const struct eb_obj_map *m;
	const struct eb_prog *p;
	const unsigned char *d;
	const struct eb_btf *btf;
	struct blob b;
	int32_t v;
	unsigned int i, seen = 0;
	int id;

	load_blob("globals_custom", &b);
	assert_int_equal(eb_object_open_mem(b.buf, b.size, "dir/some_object.bpf.o", NULL, &obj),
			 0);
	free(b.buf);
	btf = eb_object_btf(obj);
	assert_int_equal(eb_object_map_cnt(obj), 2);
	assert_null(eb_object_find_map(obj, ".data"));
	assert_null(eb_object_find_map(obj, ".rodata"));
	assert_null(eb_object_find_map(obj, ".bss"));

	m = tu_obj_map(obj, ".rodata.custom");
	assert_string_equal(m->kname, ".rodata.custom");
	assert_string_equal(m->sec_name, ".rodata.custom");
	assert_int_equal(m->origin, EB_MAP_DATA);
	assert_int_equal(m->type, BPF_MAP_TYPE_ARRAY);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 16);
	assert_int_equal(m->max_entries, 1);
	assert_int_equal(m->map_flags, BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	assert_true(m->frozen);
	assert_int_equal(m->btf_key_type_id, 0);
	id = eb_btf_find_by_name_kind(btf, ".rodata.custom", BTF_KIND_DATASEC);
	assert_int_equal(m->btf_value_type_id, id);
	d = m->init_data;
	assert_non_null(d);
	memcpy(&v, d + tu_btf_var_off(btf, ".rodata.custom", "knob"), sizeof(v));
	assert_int_equal(v, 5);
	for (i = 0; i < 3; i++) {
		static const int32_t want[3] = { 2, 3, 7 };

		memcpy(&v, d + tu_btf_var_off(btf, ".rodata.custom", "scale") + 4 * i, sizeof(v));
		assert_int_equal(v, want[i]);
	}

	m = tu_obj_map(obj, ".data.custom2");
	assert_string_equal(m->kname, ".data.custom2");
	assert_int_equal(m->origin, EB_MAP_DATA);
	assert_int_equal(m->type, BPF_MAP_TYPE_ARRAY);
	assert_int_equal(m->value_size, 8);
	assert_int_equal(m->max_entries, 1);
	assert_int_equal(m->map_flags, BPF_F_MMAPABLE);
	assert_false(m->frozen);
	d = m->init_data;
	assert_non_null(d);
	memcpy(&v, d + tu_btf_var_off(btf, ".data.custom2", "bias"), sizeof(v));
	assert_int_equal(v, 11);
	memcpy(&v, d + tu_btf_var_off(btf, ".data.custom2", "tally"), sizeof(v));
	assert_int_equal(v, 1);

	/* each variable is referenced once: a map value relocation into the
	 * map of its section, at its offset there */
	p = eb_object_find_prog(obj, "gc_sum");
	assert_non_null(p);
	assert_int_equal(p->reloc_cnt, 4);
	for (i = 0; i < p->reloc_cnt; i++) {
		static const char *const vars[4] = { "knob", "scale", "bias", "tally" };
		const struct eb_reloc *r = &p->relocs[i];
		unsigned int k;

		for (k = 0; k < 4 && strcmp(r->sym_name, vars[k]); k++)
			;
		if (k == 4)
			fail_msg("relocation against '%s'", r->sym_name);
		assert_int_equal(r->kind, EB_RELO_MAP_VALUE);
		assert_string_equal(eb_object_map(obj, r->map_idx)->name,
				    k < 2 ? ".rodata.custom" : ".data.custom2");
		assert_int_equal(r->map_off, tu_btf_var_off(btf, k < 2 ? ".rodata.custom" :
							    ".data.custom2", vars[k]));
		seen |= 1u << k;
	}
	assert_int_equal(seen, 0xf);
	eb_object_close(obj);
}

/* DATASEC sizes and VAR offsets as the kernel needs them */
static void test_btf_fixups(void **state)
{
	struct eb_object *obj = tu_obj_open("globals");
	struct eb_btf *btf = eb_object_btf(obj);
	const struct btf_type *t;
	const struct btf_var_secinfo *vsi;
	int id;

	assert_non_null(btf);
	id = eb_btf_find_by_name_kind(btf, ".data", BTF_KIND_DATASEC);
	assert_true(id > 0);
	t = eb_btf_type_by_id(btf, (uint32_t)id);
	assert_int_equal(t->size, 20);
	vsi = eb_btf_secinfos(t);
	assert_int_equal(eb_btf_vlen(t), 2);
	assert_string_equal(eb_btf_name(btf, vsi[0].type), "data_val");
	assert_int_equal(vsi[0].offset, 0);
	assert_string_equal(eb_btf_name(btf, vsi[1].type), "data_arr");
	assert_int_equal(vsi[1].offset, 4);

	id = eb_btf_find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	t = eb_btf_type_by_id(btf, (uint32_t)id);
	assert_int_equal(t->size, 51);
	vsi = eb_btf_secinfos(t);
	assert_int_equal(vsi[1].offset, 4);	/* rodata_scale */
	assert_int_equal(vsi[2].offset, 8);	/* rodata_table */
	assert_int_equal(vsi[3].offset, 24);	/* the static ____fmt */

	id = eb_btf_find_by_name_kind(btf, ".bss", BTF_KIND_DATASEC);
	t = eb_btf_type_by_id(btf, (uint32_t)id);
	assert_int_equal(t->size, 12);
	vsi = eb_btf_secinfos(t);
	assert_true(vsi[0].offset < vsi[1].offset);	/* sorted for the kernel */
	assert_non_null(eb_object_btf_ext(obj));
	eb_object_close(obj);
}

static void test_maps_btf(void **state)
{
	struct eb_object *obj = tu_obj_open("maps_btf");
	const struct eb_obj_map *m;

	m = tu_obj_map(obj, "m_hash");
	assert_int_equal(m->origin, EB_MAP_BTF);
	assert_string_equal(m->sec_name, ".maps");
	assert_int_equal(m->type, BPF_MAP_TYPE_HASH);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 8);
	assert_int_equal(m->max_entries, 64);
	assert_int_not_equal(m->btf_key_type_id, 0);
	assert_int_not_equal(m->btf_value_type_id, 0);
	m = tu_obj_map(obj, "m_lpm");
	assert_int_equal(m->type, BPF_MAP_TYPE_LPM_TRIE);
	assert_int_equal(m->key_size, 8);
	assert_int_equal(m->value_size, 4);
	assert_int_equal(m->map_flags, BPF_F_NO_PREALLOC);
	m = tu_obj_map(obj, "m_queue");
	assert_int_equal(m->key_size, 0);
	assert_int_equal(m->value_size, 4);
	m = tu_obj_map(obj, "m_perf");
	assert_int_equal(m->type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	assert_int_equal(m->max_entries, 0);	/* set to the CPU count at load */
	m = tu_obj_map(obj, "m_ringbuf");
	assert_int_equal(m->max_entries, 4096);
	m = tu_obj_map(obj, "m_pinned");
	assert_int_equal(m->pinning, EB_PIN_BY_NAME);
	assert_int_equal(tu_obj_map(obj, "m_hash")->pinning, EB_PIN_NONE);
	m = tu_obj_map(obj, "m_outer");
	assert_int_equal(m->type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	assert_int_equal(m->value_size, 4);
	assert_int_equal(m->max_entries, 2);
	assert_non_null(m->inner);
	assert_string_equal(m->inner->name, "m_outer.inner");
	assert_int_equal(m->inner->origin, EB_MAP_INNER);
	assert_int_equal(m->inner->type, BPF_MAP_TYPE_ARRAY);
	assert_int_equal(m->inner->key_size, 4);
	assert_int_equal(m->inner->value_size, 4);
	assert_int_equal(m->inner->max_entries, 1);
	assert_int_equal(m->init_slot_cnt, 1);
	assert_int_equal(m->init_slots[0].index, 0);
	assert_string_equal(m->init_slots[0].sym_name, "m_inner");
	assert_int_equal(eb_object_map_cnt(obj), 14);
	assert_string_equal(eb_map_origin_str(m->origin), "btf");
	eb_object_close(obj);
}

static void test_legacy_maps(void **state)
{
	struct eb_object *obj = tu_obj_open("legacy_maps");
	const struct eb_prog *p;
	const struct eb_obj_map *m;

	assert_int_equal(eb_object_map_cnt(obj), 3);
	m = eb_object_map(obj, 0);
	assert_string_equal(m->name, "legacy_cnt");
	assert_int_equal(m->origin, EB_MAP_LEGACY);
	assert_int_equal(m->type, BPF_MAP_TYPE_ARRAY);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 8);
	assert_int_equal(m->max_entries, 2);
	m = eb_object_map(obj, 2);
	assert_string_equal(m->name, "legacy_lru");
	assert_int_equal(m->type, BPF_MAP_TYPE_LRU_HASH);
	assert_int_equal(m->sec_off, 40);
	assert_int_equal(m->btf_value_type_id, 0);
	p = eb_object_find_prog(obj, "legacy_filter");
	assert_int_equal(p->reloc_cnt, 4);
	assert_int_equal(p->relocs[1].kind, EB_RELO_MAP_FD);
	assert_string_equal(eb_object_map(obj, p->relocs[1].map_idx)->name, "legacy_hash");
	eb_object_close(obj);
}

static void test_multi_and_targets(void **state)
{
	struct eb_object *obj = tu_obj_open("multi");
	static const char *const names[] = {
		"multi_pass", "multi_drop", "multi_tx", "multi_sock1", "multi_sock2",
		"multi_raw", "multi_tp",
	};
	const struct eb_prog *p;
	unsigned int i;

	assert_int_equal(eb_object_prog_cnt(obj), 7);
	for (i = 0; i < 7; i++)
		assert_string_equal(eb_object_prog(obj, i)->name, names[i]);
	assert_int_equal(eb_object_prog(obj, 1)->sec_off, eb_object_prog(obj, 0)->insn_cnt);
	p = eb_object_find_prog(obj, "multi_tp");
	assert_int_equal(p->type, BPF_PROG_TYPE_TRACEPOINT);
	assert_string_equal(p->attach_target, "syscalls/sys_enter_getppid");
	p = eb_object_find_prog(obj, "multi_raw");
	assert_int_equal(p->type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	assert_string_equal(p->attach_target, "sys_enter");
	assert_null(eb_object_prog(obj, 7));
	eb_object_close(obj);
}

static void test_names_version(void **state)
{
	struct eb_object *obj = tu_obj_open("ldr_names");
	const struct eb_prog *p;

	assert_string_equal(eb_object_license(obj), "Dual BSD/GPL");
	assert_int_equal(eb_object_kern_version(obj), 0x00060000);
	p = eb_object_find_prog(obj, "a_program_with_a_long_name");
	assert_string_equal(p->kname, "a_program_with_");
	p = eb_object_find_prog(obj, "odd-name$x");
	assert_string_equal(p->kname, "odd_name_x");
	p = eb_object_find_prog(obj, "ldr_unknown");
	assert_false(p->sec_known);
	assert_int_equal(p->type, 0);
	assert_string_equal(tu_obj_map(obj, "a_map_with_a_very_long_name")->kname, "a_map_with_a_ve");
	eb_object_close(obj);
}

/* What eb_sec_def_find() makes of a section name: the entry it finds (all
 * of its fields) and the target after "prefix/". */
struct sec_case {
	const char *name;
	const char *prefix;
	uint32_t prog_type;
	uint32_t expected_attach_type;
	uint32_t prog_flags;
	const char *target;
};

#define PT(x) BPF_PROG_TYPE_##x
#define SLEEPABLE BPF_F_SLEEPABLE

static const struct sec_case sec_cases[] = {
	{ "xdp", "xdp", PT(XDP), BPF_XDP, 0, "" },
	{ "xdp.frags", "xdp.frags", PT(XDP), BPF_XDP, BPF_F_XDP_HAS_FRAGS, "" },
	{ "xdp/devmap", "xdp/devmap", PT(XDP), BPF_XDP_DEVMAP, 0, "" },
	{ "tracepoint/syscalls/sys_enter_openat", "tracepoint", PT(TRACEPOINT), 0, 0,
	  "syscalls/sys_enter_openat" },
	{ "tp/sched/sched_switch", "tp", PT(TRACEPOINT), 0, 0, "sched/sched_switch" },
	{ "kprobe/do_unlinkat", "kprobe", PT(KPROBE), 0, 0, "do_unlinkat" },
	{ "kprobe.multi/tcp_*", "kprobe.multi", PT(KPROBE), BPF_TRACE_KPROBE_MULTI, 0, "tcp_*" },
	{ "fentry.s/do_sys_open", "fentry.s", PT(TRACING), BPF_TRACE_FENTRY, SLEEPABLE,
	  "do_sys_open" },
	{ "cgroup_skb/egress", "cgroup_skb/egress", PT(CGROUP_SKB), BPF_CGROUP_INET_EGRESS, 0, "" },
	{ "cgroup/connect_unix", "cgroup/connect_unix", PT(CGROUP_SOCK_ADDR),
	  EB_ATTACH_CGROUP_UNIX_CONNECT, 0, "" },
	{ "tc/ingress", "tc/ingress", PT(SCHED_CLS), EB_ATTACH_TCX_INGRESS, 0, "" },
	{ "syscall", "syscall", PT(SYSCALL), 0, SLEEPABLE, "" },
	{ "iter/task", "iter", PT(TRACING), BPF_TRACE_ITER, 0, "task" },
	{ "lsm.s/file_open", "lsm.s", PT(LSM), BPF_LSM_MAC, SLEEPABLE, "file_open" },
	{ "tp_btf/sched_switch", "tp_btf", PT(TRACING), BPF_TRACE_RAW_TP, 0, "sched_switch" },
	/* old objects: plain prefixes */
	{ "xdp_prog", "xdp", PT(XDP), BPF_XDP, 0, "" },
	{ "socket1", "socket", PT(SOCKET_FILTER), 0, 0, "" },
	/* names libbpf 1.1 refuses: only a known type at the start */
	{ "xdp_vlan01", "xdp", PT(XDP), BPF_XDP, 0, "" },
	{ "classifier/3", "classifier", PT(SCHED_CLS), 0, 0, "3" },
	/* names newer than libbpf 1.1 */
	{ "tcx/egress", "tcx/egress", PT(SCHED_CLS), EB_ATTACH_TCX_EGRESS, 0, "" },
	{ "netfilter", "netfilter", EB_PROG_TYPE_NETFILTER, EB_ATTACH_NETFILTER, 0, "" },
	{ "uprobe.multi.s/bin/true:*", "uprobe.multi.s", PT(KPROBE), EB_ATTACH_TRACE_UPROBE_MULTI,
	  SLEEPABLE, "bin/true:*" },
	{ "struct_ops.s/x", "struct_ops.s", PT(STRUCT_OPS), 0, SLEEPABLE, "x" },
};

static void test_section_names(void **state)
{
	const struct eb_sec_def *d;
	const char *t;
	size_t i;

	for (i = 0; i < EB_ARRAY_SIZE(sec_cases); i++) {
		const struct sec_case *c = &sec_cases[i];

		t = NULL;
		d = eb_sec_def_find(c->name, &t);
		if (!d)
			fail_msg("'%s': no entry", c->name);
		if (strcmp(d->prefix, c->prefix) || d->prog_type != c->prog_type ||
		    d->expected_attach_type != c->expected_attach_type ||
		    d->prog_flags != c->prog_flags || !t || strcmp(t, c->target))
			fail_msg("'%s': prefix '%s' type %u attach type %u flags 0x%x target '%s', want '%s' %u %u 0x%x '%s'",
				 c->name, d->prefix, d->prog_type, d->expected_attach_type,
				 d->prog_flags, t ?: "(null)", c->prefix, c->prog_type,
				 c->expected_attach_type, c->prog_flags, c->target);
	}
	assert_null(eb_sec_def_find("nonsense", &t));
	assert_null(eb_sec_def_find("", &t));
	assert_non_null(eb_sec_defs()[0].prefix);
}

/* --- issue 6: libbpf-style objects (parsing only) ------------------------------------ */

static void test_externs(void **state)
{
	struct eb_object *obj = tu_obj_open("kconfig");
	const struct eb_obj_extern *e;
	const struct eb_obj_map *m;
	struct eb_btf *btf = eb_object_btf(obj);
	const struct btf_type *t;
	int id;

	assert_int_equal(eb_object_extern_cnt(obj), 8);
	/* layout in DATASEC order, each aligned to its type */
	e = tu_obj_extern(obj, "LINUX_KERNEL_VERSION");
	assert_int_equal(e->kind, EB_EXT_KCONFIG);
	assert_false(e->weak);
	assert_int_equal(e->size, 4);
	e = tu_obj_extern(obj, "CONFIG_EBPFS_NO_SUCH_OPTION");
	assert_true(e->weak);
	assert_int_equal(e->kconfig_off % 4, 0);
	e = tu_obj_extern(obj, "CONFIG_LOCALVERSION");
	assert_int_equal(e->size, 16);
	e = tu_obj_extern(obj, "LINUX_HAS_BPF_COOKIE");
	assert_int_equal(e->size, 1);
	assert_string_equal(eb_extern_kind_str(EB_EXT_KCONFIG), "kconfig");
	/* the map: read-only, frozen, its BTF the fixed-up DATASEC */
	m = eb_object_find_map(obj, ".kconfig");
	assert_non_null(m);
	assert_int_equal(m->origin, EB_MAP_DATA);
	assert_string_equal(m->kname, "kconfig.kconfig");
	assert_int_equal(m->map_flags, BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	assert_true(m->frozen);
	assert_int_equal(m->value_size % 8, 0);
	t = eb_btf_type_by_id(btf, m->btf_value_type_id);
	assert_int_equal(eb_btf_kind(t), BTF_KIND_DATASEC);
	assert_int_equal(t->size, m->value_size);
	/* extern VARs were made loadable: global allocated */
	id = eb_btf_find_by_name_kind(btf, "CONFIG_HZ", BTF_KIND_VAR);
	assert_true(id > 0);
	assert_int_equal(eb_btf_var(eb_btf_type_by_id(btf, (uint32_t)id))->linkage,
			 BTF_VAR_GLOBAL_ALLOCATED);
	eb_object_close(obj);

	/* kfuncs: FUNCs become global, .ksyms becomes an anonymous struct */
	obj = tu_obj_open("kfuncs");
	btf = eb_object_btf(obj);
	e = tu_obj_extern(obj, "bpf_task_acquire");
	assert_int_equal(e->kind, EB_EXT_KFUNC);
	assert_string_equal(eb_extern_kind_str(e->kind), "kfunc");
	assert_int_equal(eb_btf_vlen(eb_btf_type_by_id(btf, e->btf_id)), BTF_FUNC_GLOBAL);
	assert_int_equal(eb_btf_find_by_name_kind(btf, ".ksyms", BTF_KIND_DATASEC), -ENOENT);
	assert_int_equal(eb_object_prog(obj, 0)->relocs[0].kind, EB_RELO_KFUNC);
	eb_object_close(obj);

	obj = tu_obj_open("ksyms");
	e = tu_obj_extern(obj, "__x64_sys_getpid");
	assert_int_equal(e->kind, EB_EXT_KSYM);
	assert_false(e->typed);
	assert_true(tu_obj_extern(obj, "ebpfs_no_such_symbol")->weak);
	eb_object_close(obj);
	obj = tu_obj_open("ksym_typed");
	assert_true(tu_obj_extern(obj, "runqueues")->typed);
	eb_object_close(obj);
}

static void test_struct_ops_and_slots(void **state)
{
	struct eb_object *obj = tu_obj_open("struct_ops");
	const struct eb_obj_map *m = tu_obj_map(obj, "ebpfs_cc");
	const struct eb_prog *p;
	uint32_t i;

	assert_int_equal(m->origin, EB_MAP_STRUCT_OPS);
	assert_string_equal(eb_map_origin_str(m->origin), "struct_ops");
	assert_int_equal(m->type, BPF_MAP_TYPE_STRUCT_OPS);
	assert_string_equal(m->st_ops_tname, "tcp_congestion_ops");
	assert_int_equal(m->map_flags, 0);
	assert_int_equal(m->init_slot_cnt, 3);
	for (i = 0; i < m->init_slot_cnt; i++) {
		p = eb_object_find_prog(obj, m->init_slots[i].sym_name);
		assert_non_null(p);
		assert_int_equal(p->type, BPF_PROG_TYPE_STRUCT_OPS);
		assert_int_equal(p->st_ops_member, m->init_slots[i].index);
	}
	eb_object_close(obj);
	obj = tu_obj_open("struct_ops_link");
	assert_int_equal(tu_obj_map(obj, "ebpfs_cc_link")->map_flags, 1u << 13);
	eb_object_close(obj);

	/* prog array and map-in-map initial slots from .rel.maps */
	obj = tu_obj_open("tail_calls");
	m = tu_obj_map(obj, "tc_jmp");
	assert_int_equal(m->value_size, 4);
	assert_int_equal(m->init_slot_cnt, 2);
	assert_int_equal(m->init_slots[0].index, 0);
	assert_string_equal(m->init_slots[0].sym_name, "tc_step0");
	assert_int_equal(m->init_slots[1].index, 2);
	assert_string_equal(m->init_slots[1].sym_name, "tc_step2");
	eb_object_close(obj);
	obj = tu_obj_open("map_in_map");
	m = tu_obj_map(obj, "mim_hash");
	assert_int_equal(m->init_slot_cnt, 1);
	assert_int_equal(m->init_slots[0].index, 3);
	assert_string_equal(m->init_slots[0].sym_name, "mim_inner_b");
	assert_non_null(m->inner);
	assert_int_equal(tu_obj_map(obj, "mim_empty")->init_slot_cnt, 0);
	assert_int_equal(tu_obj_map(obj, "mim_empty")->inner->value_size, 4);
	eb_object_close(obj);
}

/* CO-RE records become relocations of their function, in insn order. */
static void test_core_records(void **state)
{
	struct eb_object *obj = tu_obj_open("core_read");
	const struct eb_prog *p = eb_object_find_prog(obj, "core_getpid");
	uint32_t i, n = 0, kinds = 0;

	for (i = 0; i < p->reloc_cnt; i++) {
		const struct eb_reloc *r = &p->relocs[i];

		if (r->kind != EB_RELO_CORE)
			continue;
		n++;
		kinds |= 1u << r->core_kind;
		assert_true(r->insn_idx < p->insn_cnt);
		if (i)
			assert_true(p->relocs[i - 1].insn_idx <= r->insn_idx);
	}
	assert_int_equal(n, 15);
	/* offset, size, exists, signed, lshift, rshift, type size/exists, enum value/exists */
	assert_int_equal(kinds, 1u << BPF_CORE_FIELD_BYTE_OFFSET | 1u << BPF_CORE_FIELD_BYTE_SIZE |
			 1u << BPF_CORE_FIELD_EXISTS | 1u << BPF_CORE_FIELD_SIGNED |
			 1u << BPF_CORE_FIELD_LSHIFT_U64 | 1u << BPF_CORE_FIELD_RSHIFT_U64 |
			 1u << BPF_CORE_TYPE_SIZE | 1u << BPF_CORE_TYPE_EXISTS |
			 1u << BPF_CORE_ENUMVAL_VALUE | 1u << BPF_CORE_ENUMVAL_EXISTS);
	assert_string_equal(eb_reloc_kind_str(EB_RELO_CORE), "core");
	eb_object_close(obj);
}

static void test_symbols_accessor(void **state)
{
	struct eb_object *obj = tu_obj_open("multi");
	const struct eb_elf_sym *s;
	unsigned int i, labels = 0;
	size_t size;
	const void *data;
	const struct eb_section *sec = NULL;

	for (i = 1; i < eb_object_sec_cnt(obj); i++)
		if (!strcmp(eb_object_sec(obj, i)->name, "xdp"))
			sec = eb_object_sec(obj, i);
	assert_non_null(sec);
	data = eb_object_sec_data(obj, sec->idx, &size);
	assert_non_null(data);
	assert_int_equal(size, sec->size);
	for (i = 0; i < eb_object_sym_cnt(obj); i++) {
		s = eb_object_sym(obj, i);
		if (s->shndx == sec->idx && s->type == STT_NOTYPE && !strncmp(s->name, "LBB", 3))
			labels++;
	}
	assert_int_equal(labels, 3);
	assert_null(eb_object_sym(obj, eb_object_sym_cnt(obj)));
	assert_null(eb_object_sec_data(obj, 9999, &size));
	assert_int_equal(size, 0);
	eb_object_close(obj);
}

/* --- malformed objects ---------------------------------------------------------- */

static void test_bad_not_elf(void **state)
{
	struct blob b;

	b.buf = calloc(1, 4096);
	memcpy(b.buf, "#!/bin/sh\n", 10);
	expect_refusal(&b, 4096, -ENOEXEC, "bad.bpf.o", "not an ELF", NULL);
	b.buf = calloc(1, 1);
	expect_refusal(&b, 0, -ENOEXEC, "not an ELF", NULL);
}

static void test_bad_truncated(void **state)
{
	struct blob b;

	load_blob("xdp_count", &b);
	expect_refusal(&b, b.size / 2, -EINVAL, "bad.bpf.o", "past the end of the file", NULL);
	load_blob("xdp_count", &b);
	expect_refusal(&b, 40, -ENOEXEC, "truncated ELF header", NULL);
	/* the section table survives, the data it describes does not */
	load_blob("xdp_count", &b);
	memmove(b.buf + 64, b.buf + ehdr(&b)->e_shoff, ehdr(&b)->e_shnum * sizeof(Elf64_Shdr));
	ehdr(&b)->e_shoff = 64;
	expect_refusal(&b, 64 + ehdr(&b)->e_shnum * sizeof(Elf64_Shdr),
		       -EINVAL, "the section name table", NULL);
	/* a data section runs past the end */
	load_blob("xdp_count", &b);
	shdr(&b, ".BTF")->sh_size = b.size;
	expect_refusal(&b, b.size, -EINVAL, "section '.BTF'", "past the end of the file", NULL);
}

static void test_bad_header(void **state)
{
	struct blob b;

	load_blob("xdp_count", &b);
	ehdr(&b)->e_machine = EM_X86_64;
	expect_refusal(&b, b.size, -ENOEXEC, "machine 62 is not BPF", NULL);
	load_blob("xdp_count", &b);
	b.buf[EI_CLASS] = ELFCLASS32;
	expect_refusal(&b, b.size, -ENOEXEC, "not a 64-bit ELF", NULL);
	load_blob("xdp_count", &b);
	b.buf[EI_DATA] = ELFDATA2MSB;
	expect_refusal(&b, b.size, -ENOEXEC, "byte order", NULL);
	load_blob("xdp_count", &b);
	ehdr(&b)->e_type = ET_EXEC;
	expect_refusal(&b, b.size, -ENOEXEC, "not a relocatable object", NULL);
	load_blob("xdp_count", &b);
	ehdr(&b)->e_shstrndx = 999;
	expect_refusal(&b, b.size, -EINVAL, NULL);
}

static void test_bad_section_index(void **state)
{
	struct blob b;

	load_blob("xdp_count", &b);
	shdr(&b, ".relxdp")->sh_info = 200;
	expect_refusal(&b, b.size, -EINVAL, "section '.relxdp'", "bad section index 200", NULL);
	load_blob("xdp_count", &b);
	shdr(&b, ".relxdp")->sh_link = 1;
	expect_refusal(&b, b.size, -EINVAL, "section '.relxdp'", "sh_link 1", NULL);
	load_blob("xdp_count", &b);
	sym(&b, "xdp_count")->st_shndx = 0x7000;
	expect_refusal(&b, b.size, -EINVAL, "symbol 'xdp_count'", "bad section index", NULL);
	load_blob("xdp_count", &b);
	shdr(&b, ".symtab")->sh_link = 0;
	expect_refusal(&b, b.size, -EINVAL, "section '.symtab'", "not a string table", NULL);
	load_blob("xdp_count", &b);
	shdr(&b, "xdp")->sh_offset = b.size - 16;
	expect_refusal(&b, b.size, -EINVAL, "section 'xdp'", "past the end", NULL);
}

static void test_bad_symbol(void **state)
{
	struct blob b;

	load_blob("xdp_count", &b);
	sym(&b, "xdp_count")->st_value = 0x10000;
	expect_refusal(&b, b.size, -EINVAL, "symbol 'xdp_count'", "outside section 'xdp'", NULL);
	load_blob("xdp_count", &b);
	sym(&b, "xdp_count")->st_value = 4;
	sym(&b, "xdp_count")->st_size = 8;
	expect_refusal(&b, b.size, -EINVAL, "function 'xdp_count'", "bad placement", NULL);
	load_blob("xdp_count", &b);
	sym(&b, "xdp_count")->st_name = 0xffffff;
	expect_refusal(&b, b.size, -EINVAL, "bad name offset", NULL);
	/* an untyped symbol (not bounds-checked as an object) placing a
	 * DATASEC variable past its section, beyond 4 GiB and just past it */
	load_blob("globals", &b);
	sym(&b, "data_val")->st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE);
	sym(&b, "data_val")->st_value = 0x100000000ull;
	expect_refusal(&b, b.size, -EINVAL, "DATASEC '.data'", "variable 'data_val' at 4294967296",
		       "outside the section", NULL);
	load_blob("globals", &b);
	sym(&b, "data_val")->st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE);
	sym(&b, "data_val")->st_value = 0x1000;
	expect_refusal(&b, b.size, -EINVAL, "DATASEC '.data'", "variable 'data_val' at 4096",
		       "outside the section", NULL);
}

static void test_bad_relocation(void **state)
{
	struct blob b;
	Elf64_Rel *r;

	load_blob("xdp_count", &b);
	rel(&b, ".relxdp", 0)->r_offset = 0x100000;
	expect_refusal(&b, b.size, -EINVAL, "section '.relxdp'", "'counts'",
		       "outside section 'xdp'", NULL);
	load_blob("xdp_count", &b);
	rel(&b, ".relxdp", 0)->r_offset += 4;
	expect_refusal(&b, b.size, -EINVAL, "'counts'", "not on an instruction of section 'xdp'", NULL);
	load_blob("xdp_count", &b);
	r = rel(&b, ".relxdp", 0);
	r->r_info = ELF64_R_INFO(5000, ELF64_R_TYPE(r->r_info));
	expect_refusal(&b, b.size, -EINVAL, "section '.relxdp'", "bad symbol index 5000", NULL);
	/* against the null symbol: undefined */
	load_blob("xdp_count", &b);
	r = rel(&b, ".relxdp", 0);
	r->r_info = ELF64_R_INFO(0, ELF64_R_TYPE(r->r_info));
	expect_refusal(&b, b.size, -EINVAL, "program 'xdp_count'", "undefined", NULL);
	/* on an instruction that is neither ld_imm64 nor call */
	load_blob("xdp_count", &b);
	rel(&b, ".relxdp", 0)->r_offset = 0;
	expect_refusal(&b, b.size, -EINVAL, "program 'xdp_count'", "'counts'",
		       "not on an ld_imm64 or call", NULL);
	/* against a symbol that is neither code, map nor data */
	load_blob("xdp_count", &b);
	r = rel(&b, ".relxdp", 0);
	r->r_info = ELF64_R_INFO(sym_index(&b, "LICENSE"), ELF64_R_TYPE(r->r_info));
	expect_refusal(&b, b.size, -EINVAL, "'LICENSE'", "section 'license'",
		       "neither code, map nor data", NULL);
	/* a relocation section with a torn record */
	load_blob("xdp_count", &b);
	shdr(&b, ".relxdp")->sh_size -= 3;
	expect_refusal(&b, b.size, -EINVAL, "section '.relxdp'", NULL);
}

static void test_bad_ldimm64_split(void **state)
{
	struct blob b;
	uint64_t last;

	/* make the last instruction (exit) an ld_imm64 and relocate it */
	load_blob("socket_filter", &b);
	last = shdr(&b, "socket")->sh_size - 8;
	insn_at(&b, "socket", last)->code = BPF_LD | BPF_IMM | BPF_DW;
	shdr(&b, ".rel.BTF.ext")->sh_info = (uint32_t)(shdr(&b, "socket") - shdr_at(&b, 0));
	rel(&b, ".rel.BTF.ext", 0)->r_offset = last;
	expect_refusal(&b, b.size, -EINVAL, "program 'sock_trunc'", "ld_imm64 at insn 1",
		       "split across the end of section 'socket'", NULL);
}

static void test_bad_call(void **state)
{
	struct blob b;
	uint64_t off;

	/* sub_add3 -> sub_double is pc-relative: aim it past every function */
	load_blob("subprogs", &b);
	off = sym(&b, "sub_add3")->st_value + 8;
	assert_int_equal(insn_at(&b, ".text", off)->code, BPF_JMP | BPF_CALL);
	insn_at(&b, ".text", off)->imm = 1000;
	expect_refusal(&b, b.size, -EINVAL, "program 'sub_add3'", "missing subprogram", NULL);
	/* through a relocation: into the middle of a function */
	load_blob("subprogs", &b);
	insn_at(&b, "xdp", 0)->imm = 5;
	expect_refusal(&b, b.size, -EINVAL, "program 'sub_xdp'", "missing subprogram",
		       "'.text'+5", NULL);
	/* a callback pointer at no function */
	load_blob("loop_cb", &b);
	insn_at(&b, "xdp", 5 * 8)->imm = 4;
	expect_refusal(&b, b.size, -EINVAL, "program 'loop_sum'", "function pointer", NULL);
}

static void test_bad_maps(void **state)
{
	struct blob b;

	/* a legacy record that runs past the end of `maps` */
	load_blob("legacy_maps", &b);
	sym(&b, "legacy_lru")->st_value = 44;
	sym(&b, "legacy_lru")->st_size = 0;
	expect_refusal(&b, b.size, -EINVAL, "section 'maps'", "'legacy_lru'",
		       "past the section end", NULL);
	/* a legacy record between two records (overlapping its neighbours) */
	load_blob("legacy_maps", &b);
	sym(&b, "legacy_lru")->st_value = 24;
	expect_refusal(&b, b.size, -EINVAL, "section 'maps'", "'legacy_lru'",
		       "record at 24", "not a multiple of the record size 20", NULL);
	/* records that do not divide the section */
	load_blob("legacy_maps", &b);
	shdr(&b, "maps")->sh_size = 61;
	expect_refusal(&b, b.size, -EINVAL, "section 'maps'", "bpf_map_def", NULL);
	/* a legacy map without a type */
	load_blob("legacy_maps", &b);
	memset(b.buf + shdr(&b, "maps")->sh_offset, 0, 4);
	expect_refusal(&b, b.size, -EINVAL, "map 'legacy_cnt' has no type", NULL);
	/* BTF-defined maps in an object without BTF */
	load_blob("xdp_count", &b);
	memcpy(sec_name_ptr(&b, ".BTF"), ".BTX", 4);
	expect_refusal(&b, b.size, -EINVAL, "section '.maps'", "needs BTF", NULL);
}

static void test_bad_license(void **state)
{
	struct blob b;

	load_blob("xdp_count", &b);
	memcpy(sec_name_ptr(&b, "license"), "licensX", 7);
	expect_refusal(&b, b.size, -EINVAL, "bad.bpf.o", "no license section", NULL);
	load_blob("xdp_count", &b);
	memset(b.buf + shdr(&b, "license")->sh_offset, 'X', shdr(&b, "license")->sh_size);
	expect_refusal(&b, b.size, -EINVAL, "section 'license'", "NUL-terminated", NULL);
}

static void test_open_file_errors(void **state)
{
	struct eb_strbuf msg = EB_STRBUF_INIT;
	struct eb_open_opts opts = { .errmsg = &msg };
	struct eb_object *obj;
	struct blob b;
	int fds = tu_count_fds();

	assert_int_equal(eb_object_open_file("/nonexistent/x.bpf.o", &opts, &obj), -ENOENT);
	assert_null(obj);
	assert_non_null(strstr(msg.buf, "/nonexistent/x.bpf.o"));
	eb_strbuf_reset(&msg);
	/* the failure's line reaches opts.errmsg */
	load_blob("xdp_count", &b);
	ehdr(&b)->e_machine = 0;
	assert_int_equal(eb_object_open_mem(b.buf, b.size, "m.o", &opts, &obj), -ENOEXEC);
	assert_string_equal(msg.buf, "elf: m.o: machine 0 is not BPF (247)");
	free(b.buf);
	eb_strbuf_release(&msg);
	assert_int_equal(tu_count_fds(), fds);
}

/* every byte of the header and section table flipped: never a crash */
static void test_fuzz_header_bytes(void **state)
{
	struct blob b, orig;
	struct eb_object *obj;
	size_t i, n;
	int fds = tu_count_fds();

	load_blob("subprogs", &orig);
	n = EB_MIN(orig.size, (size_t)64);
	b.buf = malloc(orig.size);
	for (i = 0; i < n + ehdr(&orig)->e_shnum * sizeof(Elf64_Shdr); i++) {
		size_t off = i < n ? i : ehdr(&orig)->e_shoff + (i - n);

		memcpy(b.buf, orig.buf, orig.size);
		b.buf[off] ^= 0xa5;
		if (eb_object_open_mem(b.buf, orig.size, "fuzz", NULL, &obj) == 0)
			eb_object_close(obj);
	}
	free(b.buf);
	free(orig.buf);
	assert_int_equal(tu_count_fds(), fds);
}

/* random bytes anywhere (symbols, relocations, BTF, maps): never a crash,
 * never an fd left open; a successful open yields a consistent object */
static void test_fuzz_random_bytes(void **state)
{
	static const char *const names[] = {
		"subprogs", "globals", "maps_btf", "legacy_maps", "loop_cb",
		"core_flavors", "kconfig", "kfuncs", "struct_ops", "map_in_map",
		"tail_calls",
	};
	unsigned int seed = 12345, i, k, n;
	struct eb_object *obj;
	int fds = tu_count_fds();

	for (n = 0; n < EB_ARRAY_SIZE(names); n++) {
		struct blob orig, b;

		load_blob(names[n], &orig);
		b.buf = malloc(orig.size);
		for (i = 0; i < 400; i++) {
			memcpy(b.buf, orig.buf, orig.size);
			for (k = 0; k < 1 + (unsigned int)rand_r(&seed) % 4; k++)
				b.buf[(size_t)rand_r(&seed) % orig.size] ^= (unsigned char)(1 + rand_r(&seed) % 255);
			if (eb_object_open_mem(b.buf, orig.size, "fuzz", NULL, &obj) == 0) {
				unsigned int j;

				for (j = 0; j < eb_object_func_cnt(obj); j++) {
					const struct eb_prog *p = eb_object_func(obj, j);
					uint32_t r;

					for (r = 0; r < p->reloc_cnt; r++) {
						assert_true(p->relocs[r].insn_idx < p->insn_cnt);
						switch (p->relocs[r].kind) {
						case EB_RELO_CALL:
						case EB_RELO_FUNC_PTR:
							assert_true((unsigned int)p->relocs[r].func_idx <
								    eb_object_func_cnt(obj));
							break;
						case EB_RELO_EXTERN:
						case EB_RELO_KFUNC:
							assert_true((unsigned int)p->relocs[r].ext_idx <
								    eb_object_extern_cnt(obj));
							break;
						case EB_RELO_CORE:
							break;
						default:
							assert_true((unsigned int)p->relocs[r].map_idx <
								    eb_object_map_cnt(obj));
						}
					}
				}
				eb_object_close(obj);
			}
		}
		free(b.buf);
		free(orig.buf);
	}
	assert_int_equal(tu_count_fds(), fds);
}

static int setup(void **state)
{
	tu_log_capture(TU_LOG_WARN);
	return 0;
}

static int teardown(void **state)
{
	tu_log_stop();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subprogs),
		cmocka_unit_test(test_loop_cb),
		cmocka_unit_test(test_globals),
		cmocka_unit_test(test_globals_custom),
		cmocka_unit_test(test_btf_fixups),
		cmocka_unit_test(test_maps_btf),
		cmocka_unit_test(test_legacy_maps),
		cmocka_unit_test(test_multi_and_targets),
		cmocka_unit_test(test_names_version),
		cmocka_unit_test(test_section_names),
		cmocka_unit_test(test_externs),
		cmocka_unit_test(test_struct_ops_and_slots),
		cmocka_unit_test(test_core_records),
		cmocka_unit_test(test_symbols_accessor),
		cmocka_unit_test(test_bad_not_elf),
		cmocka_unit_test(test_bad_truncated),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_section_index),
		cmocka_unit_test(test_bad_symbol),
		cmocka_unit_test(test_bad_relocation),
		cmocka_unit_test(test_bad_ldimm64_split),
		cmocka_unit_test(test_bad_call),
		cmocka_unit_test(test_bad_maps),
		cmocka_unit_test(test_bad_license),
		cmocka_unit_test(test_open_file_errors),
		cmocka_unit_test(test_fuzz_header_bytes),
		cmocka_unit_test(test_fuzz_random_bytes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
