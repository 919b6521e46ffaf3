// SPDX-License-Identifier: MIT
/*
 * test_btf.c - the BTF module: vmlinux, clang-built objects (.BTF and
 * .BTF.ext of tests/bpf/btf_types.c), hand-built and malformed buffers,
 * split BTF, fixups, and a BPF_BTF_LOAD of a parsed object.
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
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "btf.h"
#include "syscall.h"
#include "log.h"
#include "strbuf.h"
#include "testutil.h"
#include "util.h"

/* --- helpers ------------------------------------------------------------- */

#define TI(kind, kflag, vlen) (((uint32_t)(kflag) << 31) | ((uint32_t)(kind) << 24) | (vlen))
#define INT_ENC(enc, bits) (((uint32_t)(enc) << 24) | (bits))

/* Header + types + strings into out; returns the total size. */
static size_t build_btf(uint8_t *out, const uint32_t *types, uint32_t tlen,
			const char *strs, uint32_t slen)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = tlen, .str_off = tlen, .str_len = slen,
	};

	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), types, tlen);
	memcpy(out + sizeof(h) + tlen, strs, slen);
	return sizeof(h) + tlen + slen;
}

static struct btf_header *hdr_of(uint8_t *buf)
{
	return (struct btf_header *)buf;
}

static char *type_str(const struct eb_btf *btf, uint32_t id)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	int err = eb_btf_type_str(btf, id, &sb);

	assert_int_equal(err, 0);
	return eb_strbuf_detach(&sb, NULL);
}

#define assert_type_str(btf, id, expect) do {				\
	char *_s = type_str(btf, id);					\
	assert_string_equal(_s, expect);				\
	free(_s);							\
} while (0)

/* A clang-built object's .BTF and .BTF.ext, found with <elf.h> only. */
struct obj {
	void *data;
	size_t size;
	const void *btf, *ext;
	size_t btf_size, ext_size;
};

static const Elf64_Shdr *elf_find(const struct obj *o, const char *name)
{
	const Elf64_Ehdr *eh = o->data;
	const Elf64_Shdr *sh, *strsh;
	unsigned int i;

	if (o->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(*sh) ||
	    eh->e_shoff > o->size ||
	    (uint64_t)eh->e_shnum * sizeof(*sh) > o->size - eh->e_shoff ||
	    eh->e_shstrndx >= eh->e_shnum)
		return NULL;
	sh = (const Elf64_Shdr *)((const char *)o->data + eh->e_shoff);
	strsh = &sh[eh->e_shstrndx];
	for (i = 0; i < eh->e_shnum; i++) {
		const char *n = (const char *)o->data + strsh->sh_offset + sh[i].sh_name;

		if (sh[i].sh_offset + sh[i].sh_size > o->size)
			continue;
		if (!strcmp(n, name))
			return &sh[i];
	}
	return NULL;
}

static void obj_load(struct obj *o, const char *name)
{
	const Elf64_Shdr *sh;

	memset(o, 0, sizeof(*o));
	tu_read_bpf_obj(name, &o->data, &o->size);
	sh = elf_find(o, ".BTF");
	assert_non_null(sh);
	o->btf = (const char *)o->data + sh->sh_offset;
	o->btf_size = sh->sh_size;
	sh = elf_find(o, ".BTF.ext");
	assert_non_null(sh);
	o->ext = (const char *)o->data + sh->sh_offset;
	o->ext_size = sh->sh_size;
}

static uint32_t elf_sec_size(const struct obj *o, const char *name)
{
	const Elf64_Shdr *sh = elf_find(o, name);

	assert_non_null(sh);
	return (uint32_t)sh->sh_size;
}

static int find(const struct eb_btf *btf, const char *name, int kind)
{
	int id = eb_btf_find_by_name_kind(btf, name, kind);

	assert_true(id > 0);
	return id;
}

/* --- vmlinux ------------------------------------------------------------- */

static void test_vmlinux(void **state)
{
	const struct btf_type *t, *mt;
	struct eb_btf *btf;
	int64_t val;
	int id, idx, pid_t_id, ts;
	uint32_t i, n;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		TU_SKIP("/sys/kernel/btf/vmlinux is not readable");
	assert_int_equal(eb_btf_load_vmlinux(&btf), 0);
	assert_int_equal(eb_btf_start_id(btf), 1);
	assert_true(eb_btf_type_cnt(btf) > 10000);

	ts = find(btf, "task_struct", BTF_KIND_STRUCT);
	t = eb_btf_type_by_id(btf, ts);
	assert_int_equal(eb_btf_kind(t), BTF_KIND_STRUCT);
	assert_string_equal(eb_btf_name(btf, ts), "task_struct");
	assert_true(t->size > 1000);

	idx = eb_btf_find_member(btf, ts, "pid");
	assert_true(idx >= 0);
	pid_t_id = eb_btf_members(t)[idx].type;
	assert_string_equal(eb_btf_name(btf, pid_t_id), "pid_t");
	assert_int_equal(eb_btf_kind(eb_btf_type_by_id(btf, pid_t_id)), BTF_KIND_TYPEDEF);
	id = eb_btf_skip_mods(btf, pid_t_id);
	assert_true(id > 0);
	mt = eb_btf_type_by_id(btf, id);
	assert_int_equal(eb_btf_kind(mt), BTF_KIND_INT);
	assert_int_equal(mt->size, 4);
	assert_true(BTF_INT_ENCODING(eb_btf_int_info(mt)) & BTF_INT_SIGNED);
	assert_int_equal(eb_btf_resolve_size(btf, pid_t_id), 4);
	assert_type_str(btf, pid_t_id, "pid_t");
	assert_int_equal(eb_btf_find_member(btf, ts, "no_such_member"), -ENOENT);

	idx = eb_btf_find_member(btf, ts, "real_parent");
	assert_true(idx >= 0);
	id = eb_btf_members(t)[idx].type;
	assert_int_equal(eb_btf_kind(eb_btf_type_by_id(btf, id)), BTF_KIND_PTR);
	assert_int_equal(eb_btf_resolve_size(btf, id), 8);
	assert_type_str(btf, id, "struct task_struct *");

	idx = eb_btf_find_member(btf, ts, "comm");
	assert_true(idx >= 0);
	assert_type_str(btf, eb_btf_members(t)[idx].type, "char[16]");
	assert_int_equal(eb_btf_resolve_size(btf, eb_btf_members(t)[idx].type), 16);

	id = find(btf, "bpf_map_type", BTF_KIND_ENUM);
	assert_int_equal(eb_btf_find_enum_value(btf, id, "BPF_MAP_TYPE_HASH", &val), 0);
	assert_int_equal(val, 1);
	assert_int_equal(eb_btf_find_enum_value(btf, id, "BPF_MAP_TYPE_ARRAY", &val), 0);
	assert_int_equal(val, 2);
	assert_int_equal(eb_btf_find_enum_value(btf, id, "NOPE", &val), -ENOENT);
	assert_int_equal(eb_btf_find_enum_value(btf, ts, "NOPE", &val), -EINVAL);

	id = find(btf, "unsigned int", BTF_KIND_INT);
	assert_type_str(btf, id, "unsigned int");
	assert_int_equal(eb_btf_find_by_name_kind(btf, "task_struct", BTF_KIND_UNION), -ENOENT);
	assert_int_equal(eb_btf_find_by_name_kind(btf, "no_such_type_xyz", -1), -ENOENT);

	/* Every named type is found by name (through the hash index) at an id
	 * no higher than its own, and every type renders and sizes without
	 * error codes other than the documented ones. */
	n = eb_btf_type_cnt(btf);
	for (i = 1; i < n; i++) {
		const char *name = eb_btf_name(btf, i);
		struct eb_strbuf sb = EB_STRBUF_INIT;
		int64_t sz;

		t = eb_btf_type_by_id(btf, i);
		assert_non_null(name);
		if (*name) {
			id = eb_btf_find_by_name_kind(btf, name, eb_btf_kind(t));
			assert_true(id > 0 && (uint32_t)id <= i);
			assert_string_equal(eb_btf_name(btf, id), name);
		}
		assert_int_equal(eb_btf_type_str(btf, i, &sb), 0);
		assert_true(sb.len > 0);
		eb_strbuf_release(&sb);
		sz = eb_btf_resolve_size(btf, i);
		assert_true(sz >= 0 || sz == -EINVAL);
	}
	assert_null(eb_btf_type_by_id(btf, n));
	eb_btf_free(btf);
}

static void test_module_split(void **state)
{
	struct eb_btf *base, *mod;
	struct dirent *de;
	char path[512] = "";
	DIR *d;

	(void)state;
	d = opendir("/sys/kernel/btf");
	if (!d)
		TU_SKIP("/sys/kernel/btf is absent");
	while ((de = readdir(d))) {
		if (de->d_name[0] != '.' && strcmp(de->d_name, "vmlinux")) {
			snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name);
			break;
		}
	}
	closedir(d);
	if (!path[0])
		TU_SKIP("no module BTF in /sys/kernel/btf (modules built in)");
	assert_int_equal(eb_btf_load_vmlinux(&base), 0);
	assert_int_equal(eb_btf_parse_file(path, base, &mod), 0);
	assert_int_equal(eb_btf_start_id(mod), eb_btf_type_cnt(base));
	assert_true(eb_btf_type_cnt(mod) > eb_btf_type_cnt(base));
	assert_int_equal(eb_btf_find_by_name_kind(mod, "task_struct", BTF_KIND_STRUCT),
			 eb_btf_find_by_name_kind(base, "task_struct", BTF_KIND_STRUCT));
	eb_btf_free(mod);
	eb_btf_free(base);
}

/* --- hand-built BTF ------------------------------------------------------ */

/* strings: "" int char s split-unused */
static const char hb_strs[] = "\0int\0char\0s";	/* int=1 char=5 s=10 */
#define S_INT 1
#define S_CHAR 5
#define S_S 10

static const uint32_t hb_types[] = {
	/* [1] */ S_INT, TI(BTF_KIND_INT, 0, 0), 4, INT_ENC(BTF_INT_SIGNED, 32),
	/* [2] */ S_CHAR, TI(BTF_KIND_INT, 0, 0), 1, INT_ENC(BTF_INT_SIGNED | BTF_INT_CHAR, 8),
	/* [3] int[4] */ 0, TI(BTF_KIND_ARRAY, 0, 0), 0, 1, 1, 4,
	/* [4] */ 0, TI(BTF_KIND_PTR, 0, 0), 3,
	/* [5] */ 0, TI(BTF_KIND_CONST, 0, 0), 2,
	/* [6] */ 0, TI(BTF_KIND_PTR, 0, 0), 5,
	/* [7] */ 0, TI(BTF_KIND_PTR, 0, 0), 2,
	/* [8] */ 0, TI(BTF_KIND_CONST, 0, 0), 7,
	/* [9] int[2][4] */ 0, TI(BTF_KIND_ARRAY, 0, 0), 0, 3, 1, 2,
	/* [10] int (int, ...) */ 0, TI(BTF_KIND_FUNC_PROTO, 0, 2), 1, 0, 1, 0, 0,
	/* [11] */ 0, TI(BTF_KIND_PTR, 0, 0), 10,
	/* [12] */ 0, TI(BTF_KIND_STRUCT, 0, 0), 4,
	/* [13] */ 0, TI(BTF_KIND_PTR, 0, 0), 0,
	/* [14] void (void) */ 0, TI(BTF_KIND_FUNC_PROTO, 0, 0), 0,
	/* [15] */ 0, TI(BTF_KIND_PTR, 0, 0), 8,
	/* [16] typedef loop */ S_S, TI(BTF_KIND_TYPEDEF, 0, 0), 16,
	/* [17] const loop */ 0, TI(BTF_KIND_CONST, 0, 0), 17,
	/* [18] packed { char; int @8 } */ S_S, TI(BTF_KIND_STRUCT, 0, 2), 5,
		0, 2, 0, 0, 1, 8,
	/* [19] { char; int @32 } */ 0, TI(BTF_KIND_STRUCT, 0, 2), 8,
		0, 2, 0, 0, 1, 32,
	/* [20] signed enum64 */ S_S, TI(BTF_KIND_ENUM64, 1, 1), 8,
		S_INT, 0xfffffffe, 0xffffffff,
	/* [21] signed enum */ S_CHAR, TI(BTF_KIND_ENUM, 1, 1), 4, S_INT, (uint32_t)-5,
	/* [22] unsigned enum */ S_CHAR, TI(BTF_KIND_ENUM, 0, 1), 4, S_INT, (uint32_t)-5,
	/* [23] decl tag */ S_S, TI(BTF_KIND_DECL_TAG, 0, 0), 1, (uint32_t)-1,
	/* [24] type tag */ S_S, TI(BTF_KIND_TYPE_TAG, 0, 0), 7,
	/* [25] */ 0, TI(BTF_KIND_PTR, 0, 0), 24,
	/* [26] fwd union */ S_S, TI(BTF_KIND_FWD, 1, 0), 0,
	/* [27] func */ S_S, TI(BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL), 10,
	/* [28] var */ S_S, TI(BTF_KIND_VAR, 0, 0), 6, BTF_VAR_GLOBAL_ALLOCATED,
	/* [29] datasec */ S_S, TI(BTF_KIND_DATASEC, 0, 1), 8, 28, 0, 8,
	/* [30] float */ S_S, TI(BTF_KIND_FLOAT, 0, 0), 8,
	/* [31] bitfields, kflag 0: int:3 via a 3-bit INT @ bit 4 */ S_S,
		TI(BTF_KIND_STRUCT, 0, 1), 4, S_INT, 32, 4,
	/* [32] int with 3 bits at offset 1 */ 0, TI(BTF_KIND_INT, 0, 0), 4,
		(1u << 16) | 3,
	/* [33] union, kflag 1: two bitfields */ 0, TI(BTF_KIND_UNION, 1, 2), 4,
		S_INT, 1, (7u << 24) | 0, S_CHAR, 1, (9u << 24) | 0,
};

static struct eb_btf *hb_parse(void)
{
	uint8_t buf[1024];
	struct eb_btf *btf;
	size_t n;

	n = build_btf(buf, hb_types, sizeof(hb_types), hb_strs, sizeof(hb_strs));
	assert_int_equal(eb_btf_parse(buf, n, &btf), 0);
	return btf;
}

static void test_handbuilt_render(void **state)
{
	struct eb_btf *btf = hb_parse();
	struct eb_strbuf sb = EB_STRBUF_INIT;

	(void)state;
	assert_int_equal(eb_btf_type_cnt(btf), 34);
	assert_type_str(btf, 0, "void");
	assert_type_str(btf, 1, "int");
	assert_type_str(btf, 3, "int[4]");
	assert_type_str(btf, 4, "int (*)[4]");
	assert_type_str(btf, 5, "const char");
	assert_type_str(btf, 6, "const char *");
	assert_type_str(btf, 7, "char *");
	assert_type_str(btf, 8, "char *const");
	assert_type_str(btf, 9, "int[2][4]");
	assert_type_str(btf, 10, "int (int, ...)");
	assert_type_str(btf, 11, "int (*)(int, ...)");
	assert_type_str(btf, 12, "struct (anon)");
	assert_type_str(btf, 13, "void *");
	assert_type_str(btf, 14, "void (void)");
	assert_type_str(btf, 15, "char *const *");
	assert_type_str(btf, 16, "s");
	assert_type_str(btf, 18, "struct s");
	assert_type_str(btf, 20, "enum s");
	assert_type_str(btf, 23, "int");
	assert_type_str(btf, 25, "char **");
	assert_type_str(btf, 26, "union s");
	assert_type_str(btf, 27, "int s(int, ...)");
	assert_type_str(btf, 28, "const char *s");
	assert_type_str(btf, 29, "datasec s");
	assert_type_str(btf, 30, "s");

	/* errors leave the buffer as it was */
	eb_strbuf_adds(&sb, "keep");
	assert_int_equal(eb_btf_type_str(btf, 17, &sb), -ELOOP);
	assert_int_equal(eb_btf_type_str(btf, 34, &sb), -EINVAL);
	assert_string_equal(sb.buf, "keep");
	eb_strbuf_release(&sb);
	eb_btf_free(btf);
}

static void test_handbuilt_sizes(void **state)
{
	struct eb_btf *btf = hb_parse();
	uint32_t off, bits;
	int64_t v;

	(void)state;
	assert_int_equal(eb_btf_resolve_size(btf, 0), -EINVAL);
	assert_int_equal(eb_btf_resolve_size(btf, 1), 4);
	assert_int_equal(eb_btf_resolve_size(btf, 3), 16);
	assert_int_equal(eb_btf_resolve_size(btf, 4), 8);
	assert_int_equal(eb_btf_resolve_size(btf, 8), 8);
	assert_int_equal(eb_btf_resolve_size(btf, 9), 32);
	assert_int_equal(eb_btf_resolve_size(btf, 10), -EINVAL);
	assert_int_equal(eb_btf_resolve_size(btf, 16), -ELOOP);
	assert_int_equal(eb_btf_resolve_size(btf, 26), -EINVAL);
	assert_int_equal(eb_btf_resolve_size(btf, 27), -EINVAL);
	assert_int_equal(eb_btf_resolve_size(btf, 28), 8);
	assert_int_equal(eb_btf_resolve_size(btf, 29), 8);
	assert_int_equal(eb_btf_resolve_size(btf, 34), -EINVAL);

	assert_int_equal(eb_btf_skip_mods(btf, 5), 2);
	assert_int_equal(eb_btf_skip_mods(btf, 24), 7);
	assert_int_equal(eb_btf_skip_mods(btf, 1), 1);
	tu_log_capture(TU_LOG_ALL);
	assert_int_equal(eb_btf_skip_mods(btf, 16), -ELOOP);
	assert_non_null(strstr(tu_log_last(), "modifier chain longer than 32"));
	assert_int_equal(eb_btf_skip_mods(btf, 17), -ELOOP);
	tu_log_quiet();
	assert_int_equal(eb_btf_skip_mods(btf, 99), -EINVAL);

	assert_int_equal(eb_btf_align(btf, 1), 4);
	assert_int_equal(eb_btf_align(btf, 2), 1);
	assert_int_equal(eb_btf_align(btf, 9), 4);
	assert_int_equal(eb_btf_align(btf, 7), 8);
	assert_int_equal(eb_btf_align(btf, 18), 1);
	assert_int_equal(eb_btf_align(btf, 19), 4);
	assert_int_equal(eb_btf_align(btf, 16), -ELOOP);
	assert_int_equal(eb_btf_align(btf, 10), -EINVAL);
	eb_set_print(NULL);

	assert_int_equal(eb_btf_find_enum_value(btf, 20, "int", &v), 0);
	assert_int_equal(v, -2);
	assert_int_equal(eb_btf_find_enum_value(btf, 21, "int", &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(eb_btf_find_enum_value(btf, 22, "int", &v), 0);
	assert_int_equal(v, 4294967291LL);

	/* kflag 0: the bitfield lives in the member's INT encoding */
	assert_int_equal(eb_btf_member_bitfield(btf, eb_btf_type_by_id(btf, 31), 0, &off, &bits), 0);
	assert_int_equal(off, 5);
	assert_int_equal(bits, 3);
	assert_int_equal(eb_btf_member_bit_offset(eb_btf_type_by_id(btf, 31), 0), 4);
	assert_int_equal(eb_btf_member_bitfield_size(eb_btf_type_by_id(btf, 31), 0), 0);
	/* kflag 1: in the member's offset word */
	assert_int_equal(eb_btf_member_bitfield(btf, eb_btf_type_by_id(btf, 33), 1, &off, &bits), 0);
	assert_int_equal(off, 0);
	assert_int_equal(bits, 9);
	assert_int_equal(eb_btf_member_bitfield_size(eb_btf_type_by_id(btf, 33), 0), 7);
	assert_int_equal(eb_btf_member_bitfield(btf, eb_btf_type_by_id(btf, 33), 2, &off, &bits), -EINVAL);
	assert_int_equal(eb_btf_member_bitfield(btf, eb_btf_type_by_id(btf, 1), 0, &off, &bits), -EINVAL);

	assert_string_equal(eb_btf_kind_name(BTF_KIND_ENUM64), "enum64");
	assert_string_equal(eb_btf_kind_name(77), "unknown");
	assert_null(eb_btf_str(btf, sizeof(hb_strs)));
	assert_string_equal(eb_btf_str(btf, S_CHAR), "char");
	eb_btf_free(btf);
}

static void test_split_handbuilt(void **state)
{
	static const char sstrs[] = "split";	/* need not start with NUL */
	const uint32_t split_base_len = sizeof(hb_strs);
	const uint32_t types[] = {
		/* [34] */ 0, TI(BTF_KIND_PTR, 0, 0), 12,
		/* [35] */ split_base_len, TI(BTF_KIND_TYPEDEF, 0, 0), 34,
		/* [36] */ S_INT, TI(BTF_KIND_TYPEDEF, 0, 0), 1,
	};
	uint32_t bad[EB_ARRAY_SIZE(types)];
	struct eb_btf *base = hb_parse(), *split;
	uint8_t buf[256];
	size_t n;

	(void)state;
	n = build_btf(buf, types, sizeof(types), sstrs, sizeof(sstrs));
	assert_int_equal(eb_btf_parse_split(buf, n, base, &split), 0);
	assert_int_equal(eb_btf_start_id(split), 34);
	assert_int_equal(eb_btf_type_cnt(split), 37);
	assert_string_equal(eb_btf_name(split, 35), "split");
	assert_string_equal(eb_btf_name(split, 36), "int");
	assert_string_equal(eb_btf_name(split, 1), "int");
	assert_int_equal(eb_btf_find_by_name_kind(split, "split", BTF_KIND_TYPEDEF), 35);
	assert_int_equal(eb_btf_find_by_name_kind(split, "int", BTF_KIND_INT), 1);
	assert_int_equal(eb_btf_find_by_name_kind(split, "int", BTF_KIND_TYPEDEF), 36);
	assert_int_equal(eb_btf_find_by_name_kind(split, "int", -1), 1);
	assert_type_str(split, 35, "split");
	assert_type_str(split, 34, "struct (anon) *");
	assert_int_equal(eb_btf_resolve_size(split, 36), 4);
	/* the base cannot be changed through the split BTF */
	assert_int_equal(eb_btf_set_datasec_size(split, 29, 16), -EINVAL);
	eb_btf_free(split);

	memcpy(bad, types, sizeof(types));
	bad[2] = 37;	/* one past the last id */
	n = build_btf(buf, bad, sizeof(bad), sstrs, sizeof(sstrs));
	tu_log_capture(TU_LOG_ALL);
	assert_int_equal(eb_btf_parse_split(buf, n, base, &split), -EINVAL);
	assert_null(split);
	assert_non_null(strstr(tu_log_last(), "type id 34"));
	memcpy(bad, types, sizeof(types));
	bad[3] = split_base_len + sizeof(sstrs);	/* name past the split strings */
	n = build_btf(buf, bad, sizeof(bad), sstrs, sizeof(sstrs));
	assert_int_equal(eb_btf_parse_split(buf, n, base, &split), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "type id 35"));
	eb_set_print(NULL);
	assert_int_equal(eb_btf_parse_split(buf, n, NULL, &split), -EINVAL);
	eb_btf_free(base);
}

/* --- malformed buffers -------------------------------------------------- */

static const char mb_strs[] = "\0int\0s\0a";	/* int=1 s=5 a=7 */
static const uint32_t mb_types[] = {
	/* [1] w0-3 */ 1, TI(BTF_KIND_INT, 0, 0), 4, INT_ENC(BTF_INT_SIGNED, 32),
	/* [2] w4-6 */ 0, TI(BTF_KIND_PTR, 0, 0), 1,
	/* [3] w7-12 */ 5, TI(BTF_KIND_STRUCT, 0, 1), 8, 7, 2, 0,
};

struct bad_case {
	const char *what;
	int word;		/* index into mb_types to overwrite, -1: none */
	uint32_t value;
	int err;
	const char *msg;	/* a substring of the log line */
};

static void test_malformed_types(void **state)
{
	static const struct bad_case cases[] = {
		{ "name_off out of range", 0, sizeof(mb_strs), -EINVAL, "type id 1: name_off 9" },
		{ "type id out of range", 6, 4, -EINVAL, "type id 2: ptr refers to type id 4" },
		{ "vlen past the end", 8, TI(BTF_KIND_STRUCT, 0, 2), -EINVAL, "type id 3 at offset 28: struct with vlen 2 runs past" },
		{ "unknown kind", 5, TI(20, 0, 0), -EINVAL, "type id 2 at offset 16: unknown kind 20" },
		{ "kind 0", 5, TI(0, 0, 0), -EINVAL, "unknown kind 0" },
		{ "member name_off", 10, 100, -EINVAL, "type id 3: member 0 name_off 100" },
		{ "member type", 11, 9, -EINVAL, "type id 3: member refers to type id 9" },
		{ "int bits", 3, INT_ENC(BTF_INT_SIGNED, 33), -EINVAL, "type id 1: int of size 4 with 33 bits" },
		{ "int size", 2, 3, -EINVAL, "type id 1: int of size 3" },
		{ "vlen on a ptr", 5, TI(BTF_KIND_PTR, 0, 1), -EINVAL, "type id 2: ptr with vlen 1" },
		{ "valid", -1, 0, 0, NULL },
	};
	uint32_t types[EB_ARRAY_SIZE(mb_types)];
	struct eb_btf *btf;
	uint8_t buf[256];
	unsigned int i;
	size_t n;

	(void)state;
	for (i = 0; i < EB_ARRAY_SIZE(cases); i++) {
		memcpy(types, mb_types, sizeof(types));
		if (cases[i].word >= 0)
			types[cases[i].word] = cases[i].value;
		n = build_btf(buf, types, sizeof(types), mb_strs, sizeof(mb_strs));
		tu_log_capture(TU_LOG_ALL);
		btf = (struct eb_btf *)1;
		print_message("case %s\n", cases[i].what);
		assert_int_equal(eb_btf_parse(buf, n, &btf), cases[i].err);
		eb_set_print(NULL);
		if (cases[i].err) {
			assert_null(btf);
			assert_int_equal(tu_log_count(), 1);
			assert_non_null(strstr(tu_log_last(), cases[i].msg));
			assert_memory_equal(tu_log_last(), "btf: ", 5);
		} else {
			assert_int_equal(tu_log_count(), 0);
			eb_btf_free(btf);
		}
	}
}

static void test_malformed_header(void **state)
{
	uint8_t good[256], buf[300];
	struct btf_header *h = hdr_of(buf);
	struct eb_btf *btf;
	const void *raw;
	uint32_t raw_size;
	size_t n;

	(void)state;
	n = build_btf(good, mb_types, sizeof(mb_types), mb_strs, sizeof(mb_strs));
	tu_log_capture(TU_LOG_ALL);

#define RESET() memcpy(buf, good, n)
	RESET();
	assert_int_equal(eb_btf_parse(buf, 1, &btf), -ENOEXEC);
	buf[0] = 0x7f;	/* an ELF file is not BTF */
	assert_int_equal(eb_btf_parse(buf, n, &btf), -ENOEXEC);
	assert_non_null(strstr(tu_log_last(), "not BTF: magic 0xeb7f"));
	RESET();
	buf[0] = 0xeb;	/* byte-swapped magic */
	buf[1] = 0x9f;
	assert_int_equal(eb_btf_parse(buf, n, &btf), -EOPNOTSUPP);
	assert_non_null(strstr(tu_log_last(), "other byte order"));
	RESET();
	assert_int_equal(eb_btf_parse(buf, 10, &btf), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "truncated header: 10 bytes"));
	h->version = 2;
	assert_int_equal(eb_btf_parse(buf, n, &btf), -EINVAL);
	RESET();
	h->flags = 1;
	assert_int_equal(eb_btf_parse(buf, n, &btf), -EINVAL);
	RESET();
	h->hdr_len = 20;
	assert_int_equal(eb_btf_parse(buf, n, &btf), -EINVAL);
	RESET();
	h->type_len += 4;	/* type section past the end */
	h->str_off += 4;
	assert_int_equal(eb_btf_parse(buf, n, &btf), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "string section [56, +9) runs past the end"));
	RESET();
	h->type_len = n;	/* type section past the end */
	assert_int_equal(eb_btf_parse(buf, n, &btf), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "type section [0, +85) runs past the end"));
	RESET();
	h->str_off = 48;	/* overlaps the last type */
	assert_int_equal(eb_btf_parse(buf, n, &btf), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "overlaps"));
	RESET();
	h->type_len -= 4;	/* last record cut */
	assert_int_equal(eb_btf_parse(buf, n, &btf), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "type id 3 at offset 28"));
	RESET();
	h->type_len = 24;	/* second record's header cut */
	assert_int_equal(eb_btf_parse(buf, n, &btf), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "type id 2 at offset 16: record header runs past"));
	RESET();
	buf[n - 1] = 'x';	/* string section not NUL-terminated */
	assert_int_equal(eb_btf_parse(buf, n, &btf), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "does not end with a NUL"));
	RESET();
	buf[sizeof(*h) + h->str_off] = 'x';	/* not starting with NUL */
	assert_int_equal(eb_btf_parse(buf, n, &btf), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "does not start with a NUL"));
	RESET();
	h->str_len = 0;
	assert_int_equal(eb_btf_parse(buf, n, &btf), -EINVAL);
	assert_int_equal(eb_btf_parse(NULL, 0, &btf), -ENOEXEC);

	/* A longer header: zero extra bytes are fine, others are not.  The
	 * raw bytes come back in the canonical 24-byte-header layout. */
	memcpy(buf, good, sizeof(*h));
	memset(buf + sizeof(*h), 0, 4);
	memcpy(buf + sizeof(*h) + 4, good + sizeof(*h), n - sizeof(*h));
	h->hdr_len = sizeof(*h) + 4;
	assert_int_equal(eb_btf_parse(buf, n + 4, &btf), 0);
	raw = eb_btf_raw(btf, &raw_size);
	assert_int_equal(raw_size, n);
	assert_memory_equal(raw, good, n);
	eb_btf_free(btf);
	buf[sizeof(*h) + 2] = 1;
	assert_int_equal(eb_btf_parse(buf, n + 4, &btf), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "unknown non-zero header field at offset 26"));

	/* Sections in the other order with a gap: accepted and normalised. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, good, sizeof(*h));
	h->str_off = 0;
	h->type_off = 16;
	memcpy(buf + sizeof(*h), mb_strs, sizeof(mb_strs));
	memcpy(buf + sizeof(*h) + 16, mb_types, sizeof(mb_types));
	assert_int_equal(eb_btf_parse(buf, sizeof(*h) + 16 + sizeof(mb_types), &btf), 0);
	raw = eb_btf_raw(btf, &raw_size);
	assert_int_equal(raw_size, n);
	assert_memory_equal(raw, good, n);
	eb_btf_free(btf);
#undef RESET
	eb_set_print(NULL);
}

/* --- a clang-built object ------------------------------------------------ */

static void test_object_types(void **state)
{
	static const char *const names[] = { "a", "b", "c", "d", "name", "flags" };
	static const uint32_t offs[] = { 0, 3, 8, 64, 128, 256 };
	static const uint32_t bits[] = { 3, 5, 12, 0, 0, 0 };
	static const char *const entry_types[] = {
		"struct bits", "union val", "enum color", "const char *", "cb_t",
	};
	static const uint32_t entry_offs[] = { 0, 320, 384, 448, 512 };
	const struct btf_type *t;
	struct eb_btf *btf;
	struct obj o;
	uint32_t i, off, bsz;
	int64_t v;
	int id, cb;

	(void)state;
	obj_load(&o, "btf_types");
	assert_int_equal(eb_btf_parse(o.btf, o.btf_size, &btf), 0);

	id = find(btf, "bits", BTF_KIND_STRUCT);
	t = eb_btf_type_by_id(btf, id);
	assert_int_equal(t->size, 40);
	assert_int_equal(eb_btf_vlen(t), 6);
	assert_true(eb_btf_kflag(t));
	for (i = 0; i < 6; i++) {
		assert_string_equal(eb_btf_str(btf, eb_btf_members(t)[i].name_off), names[i]);
		assert_int_equal(eb_btf_member_bit_offset(t, i), offs[i]);
		assert_int_equal(eb_btf_member_bitfield_size(t, i), bits[i]);
		assert_int_equal(eb_btf_member_bitfield(btf, t, i, &off, &bsz), 0);
		assert_int_equal(off, offs[i]);
		assert_int_equal(bsz, bits[i]);
		assert_int_equal(eb_btf_find_member(btf, id, names[i]), i);
	}
	assert_type_str(btf, eb_btf_members(t)[2].type, "int");
	assert_type_str(btf, eb_btf_members(t)[3].type, "unsigned long long");
	assert_type_str(btf, eb_btf_members(t)[4].type, "char[16]");
	assert_type_str(btf, eb_btf_members(t)[5].type, "my_flags_t");
	assert_int_equal(eb_btf_resolve_size(btf, id), 40);
	assert_int_equal(eb_btf_align(btf, id), 8);

	/* typedef chain my_flags_t -> flags_t -> u32_t -> unsigned int */
	id = find(btf, "my_flags_t", BTF_KIND_TYPEDEF);
	t = eb_btf_type_by_id(btf, id);
	assert_string_equal(eb_btf_name(btf, t->type), "flags_t");
	t = eb_btf_type_by_id(btf, t->type);
	assert_string_equal(eb_btf_name(btf, t->type), "u32_t");
	id = eb_btf_skip_mods(btf, id);
	assert_int_equal(id, find(btf, "unsigned int", BTF_KIND_INT));
	assert_int_equal(eb_btf_resolve_size(btf, find(btf, "my_flags_t", -1)), 4);

	id = find(btf, "val", BTF_KIND_UNION);
	t = eb_btf_type_by_id(btf, id);
	assert_int_equal(t->size, 8);
	assert_int_equal(eb_btf_vlen(t), 3);
	assert_int_equal(eb_btf_find_member(btf, id, "bytes"), 2);
	assert_int_equal(eb_btf_member_bit_offset(t, 2), 0);
	assert_type_str(btf, eb_btf_members(t)[2].type, "char[8]");
	assert_int_equal(eb_btf_align(btf, id), 4);

	id = find(btf, "color", BTF_KIND_ENUM);
	t = eb_btf_type_by_id(btf, id);
	assert_int_equal(eb_btf_vlen(t), 3);
	assert_int_equal(eb_btf_find_enum_value(btf, id, "COLOR_RED", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(eb_btf_find_enum_value(btf, id, "COLOR_GREEN", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(eb_btf_find_enum_value(btf, id, "COLOR_NEG", &v), 0);
	/* clang < 15 marks every enum unsigned (kflag 0) */
	assert_int_equal(v, eb_btf_kflag(t) ? -3 : 4294967293LL);

	id = find(btf, "entry", BTF_KIND_STRUCT);
	t = eb_btf_type_by_id(btf, id);
	assert_int_equal(t->size, 72);
	assert_int_equal(eb_btf_vlen(t), 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(eb_btf_member_bit_offset(t, i), entry_offs[i]);
		assert_type_str(btf, eb_btf_members(t)[i].type, entry_types[i]);
	}
	assert_int_equal(eb_btf_resolve_size(btf, eb_btf_members(t)[3].type), 8);
	cb = eb_btf_skip_mods(btf, eb_btf_members(t)[4].type);
	assert_type_str(btf, cb, "int (*)(void *, long)");
	assert_int_equal(eb_btf_resolve_size(btf, cb), 8);
	assert_int_equal(eb_btf_find_by_name_kind(btf, "entry", BTF_KIND_UNION), -ENOENT);

	id = find(btf, "btf_xdp_a", BTF_KIND_FUNC);
	assert_type_str(btf, id, "int btf_xdp_a(struct xdp_md *)");
	assert_int_equal(eb_btf_vlen(eb_btf_type_by_id(btf, id)), BTF_FUNC_GLOBAL);
	id = find(btf, "btf_helper", BTF_KIND_FUNC);
	assert_type_str(btf, id, "int btf_helper(struct entry *)");
	assert_int_equal(eb_btf_vlen(eb_btf_type_by_id(btf, id)), BTF_FUNC_STATIC);
	assert_int_equal(eb_btf_resolve_size(btf, id), -EINVAL);
	id = find(btf, "cfg_limit", BTF_KIND_VAR);
	assert_type_str(btf, id, "const volatile int cfg_limit");
	id = find(btf, "data_counter", BTF_KIND_VAR);
	assert_type_str(btf, id, "int data_counter");
	assert_int_equal(eb_btf_resolve_size(btf, find(btf, "bss_buf", BTF_KIND_VAR)), 32);

	eb_btf_free(btf);
	free(o.data);
}

/* Names of a DATASEC's variables, comma-separated. */
static char *datasec_vars(const struct eb_btf *btf, int id)
{
	const struct btf_type *t = eb_btf_type_by_id(btf, id);
	struct eb_strbuf sb = EB_STRBUF_INIT;
	uint32_t i;

	assert_int_equal(eb_btf_kind(t), BTF_KIND_DATASEC);
	for (i = 0; i < eb_btf_vlen(t); i++) {
		const struct btf_var_secinfo *vs = &eb_btf_secinfos(t)[i];

		assert_int_equal(eb_btf_kind(eb_btf_type_by_id(btf, vs->type)), BTF_KIND_VAR);
		eb_strbuf_addf(&sb, "%s%s:%u+%u", i ? "," : "", eb_btf_name(btf, vs->type),
			       vs->offset, vs->size);
	}
	return eb_strbuf_detach(&sb, NULL);
}

#define assert_datasec(btf, name, expect) do {				\
	char *_s = datasec_vars(btf, find(btf, name, BTF_KIND_DATASEC)); \
	assert_string_equal(_s, expect);				\
	free(_s);							\
} while (0)

static void test_object_datasec_fixups(void **state)
{
	struct eb_btf *btf, *again;
	struct btf_type nt;
	const void *raw;
	uint32_t raw_size;
	struct obj o;
	int maps, id;

	(void)state;
	obj_load(&o, "btf_types");
	assert_int_equal(eb_btf_parse(o.btf, o.btf_size, &btf), 0);
	/* clang leaves DATASEC sizes and variable offsets 0 */
	assert_datasec(btf, ".maps", "entries:0+32,counters:0+32");
	assert_datasec(btf, ".data", "data_counter:0+4");
	assert_datasec(btf, ".bss", "bss_buf:0+32");
	assert_datasec(btf, ".rodata", "cfg_limit:0+4");
	maps = find(btf, ".maps", BTF_KIND_DATASEC);
	assert_int_equal(eb_btf_type_by_id(btf, maps)->size, 0);

	assert_int_equal(eb_btf_set_datasec_size(btf, maps, 64), 0);
	assert_int_equal(eb_btf_set_secinfo_offset(btf, maps, 1, 32), 0);
	assert_int_equal(eb_btf_set_secinfo_offset(btf, maps, 2, 32), -EINVAL);
	assert_int_equal(eb_btf_set_datasec_size(btf, find(btf, "entry", -1), 64), -EINVAL);
	assert_int_equal(eb_btf_set_secinfo_offset(btf, 1, 0, 0), -EINVAL);
	assert_int_equal(eb_btf_set_datasec_size(btf, eb_btf_type_cnt(btf), 1), -EINVAL);

	/* A static function made global (what a sanitizer would do), a
	 * record of another size refused, a bad reference refused. */
	id = find(btf, "btf_helper", BTF_KIND_FUNC);
	nt = *eb_btf_type_by_id(btf, id);
	nt.info = TI(BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL);
	assert_int_equal(eb_btf_replace_type(btf, id, &nt), 0);
	nt.info = TI(BTF_KIND_INT, 0, 0);
	tu_log_quiet();
	assert_int_equal(eb_btf_replace_type(btf, id, &nt), -EINVAL);
	nt.info = TI(BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL);
	nt.type = eb_btf_type_cnt(btf);
	assert_int_equal(eb_btf_replace_type(btf, id, &nt), -EINVAL);
	eb_set_print(NULL);
	assert_int_equal(eb_btf_vlen(eb_btf_type_by_id(btf, id)), BTF_FUNC_GLOBAL);
	assert_true(eb_btf_type_by_id(btf, id)->type < eb_btf_type_cnt(btf));

	/* Renaming a type through replace_type updates the name index. */
	id = find(btf, "my_flags_t", BTF_KIND_TYPEDEF);
	nt = *eb_btf_type_by_id(btf, id);
	nt.name_off = eb_btf_type_by_id(btf, find(btf, "u32_t", BTF_KIND_TYPEDEF))->name_off;
	assert_int_equal(eb_btf_replace_type(btf, id, &nt), 0);
	assert_int_equal(eb_btf_find_by_name_kind(btf, "my_flags_t", -1), -ENOENT);

	raw = eb_btf_raw(btf, &raw_size);
	assert_int_equal(raw_size, o.btf_size);
	assert_int_equal(eb_btf_parse(raw, raw_size, &again), 0);
	assert_datasec(again, ".maps", "entries:0+32,counters:32+32");
	assert_int_equal(eb_btf_type_by_id(again, maps)->size, 64);
	id = find(again, "btf_helper", BTF_KIND_FUNC);
	assert_int_equal(eb_btf_vlen(eb_btf_type_by_id(again, id)), BTF_FUNC_GLOBAL);
	eb_btf_free(again);
	eb_btf_free(btf);
	free(o.data);
}

/* --- .BTF.ext ------------------------------------------------------------ */

static const void *rec_at(const struct eb_btf_ext_sec *s, uint32_t i)
{
	return (const char *)s->recs + (size_t)i * s->rec_size;
}

static void assert_funcs(const struct eb_btf *btf, const struct eb_btf_ext_sec *s,
			 const char *expect)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	uint32_t i;

	assert_non_null(s);
	assert_int_equal(s->rec_size, sizeof(struct bpf_func_info));
	for (i = 0; i < s->nr; i++) {
		const struct bpf_func_info *fi = rec_at(s, i);

		eb_strbuf_addf(&sb, "%s%s@%u", i ? "," : "", eb_btf_name(btf, fi->type_id),
			       fi->insn_off);
	}
	assert_string_equal(sb.buf, expect);
	eb_strbuf_release(&sb);
}

static void test_object_ext(void **state)
{
	const struct eb_btf_ext_sec *s;
	struct eb_btf_ext *ext;
	struct eb_btf *btf;
	const struct bpf_func_info *fi;
	char expect[64];
	struct obj o;
	uint32_t i;

	(void)state;
	obj_load(&o, "btf_types");
	assert_int_equal(eb_btf_parse(o.btf, o.btf_size, &btf), 0);
	assert_int_equal(eb_btf_ext_parse(o.ext, o.ext_size, btf, &ext), 0);
	assert_int_equal(ext->func_info_cnt, 3);
	s = eb_btf_ext_func_info(ext, "xdp");
	assert_non_null(s);
	assert_int_equal(s->nr, 2);
	/* btf_xdp_b starts where btf_xdp_a ends */
	fi = s->recs;
	assert_true(fi[1].insn_off > 0 && fi[1].insn_off < elf_sec_size(&o, "xdp"));
	snprintf(expect, sizeof(expect), "btf_xdp_a@0,btf_xdp_b@%u", fi[1].insn_off);
	assert_funcs(btf, s, expect);
	assert_funcs(btf, eb_btf_ext_func_info(ext, "tc"), "btf_tc@0");
	assert_funcs(btf, eb_btf_ext_func_info(ext, ".text"), "btf_helper@0");
	assert_null(eb_btf_ext_func_info(ext, "nope"));

	assert_int_equal(ext->line_info_cnt, 3);
	s = eb_btf_ext_line_info(ext, "xdp");
	assert_non_null(s);
	assert_int_equal(s->rec_size, sizeof(struct bpf_line_info));
	assert_true(s->nr >= 4);
	for (i = 0; i < s->nr; i++) {
		const struct bpf_line_info *li = rec_at(s, i);

		assert_non_null(strstr(eb_btf_str(btf, li->file_name_off), "btf_types.c"));
		/* 0 for compiler-made code, else inside the xdp programs */
		assert_true(BPF_LINE_INFO_LINE_NUM(li->line_col) == 0 ||
			    (BPF_LINE_INFO_LINE_NUM(li->line_col) >= 83 &&
			     BPF_LINE_INFO_LINE_NUM(li->line_col) <= 101));
		assert_true(li->insn_off < elf_sec_size(&o, "xdp"));
		if (i == 0) {
			assert_int_equal(li->insn_off, 0);
			assert_int_equal(BPF_LINE_INFO_LINE_NUM(li->line_col), 83);
			assert_string_equal(eb_btf_str(btf, li->line_off),
					    "int btf_xdp_a(struct xdp_md *ctx)");
		}
	}
	assert_non_null(eb_btf_ext_line_info(ext, "tc"));
	assert_int_equal(ext->core_relo_cnt, 0);
	assert_null(eb_btf_ext_core_relo(ext, "xdp"));
	eb_btf_ext_free(ext);
	eb_btf_free(btf);
	free(o.data);
}

static void test_malformed_ext(void **state)
{
	struct eb_btf_ext *ext;
	struct eb_btf *btf;
	struct obj o;
	uint32_t *w, hdr_len, fi_off, li_off;
	uint8_t *buf;

	(void)state;
	obj_load(&o, "btf_types");
	assert_int_equal(eb_btf_parse(o.btf, o.btf_size, &btf), 0);
	buf = malloc(o.ext_size);
	assert_non_null(buf);
	w = (uint32_t *)buf;
	memcpy(buf, o.ext, o.ext_size);
	hdr_len = w[1];
	fi_off = hdr_len + w[2];
	li_off = hdr_len + w[4];
	tu_log_capture(TU_LOG_ALL);

#define RESET() memcpy(buf, o.ext, o.ext_size)
#define BAD(err, msg) do {						\
	ext = (struct eb_btf_ext *)1;					\
	assert_int_equal(eb_btf_ext_parse(buf, o.ext_size, btf, &ext), err); \
	assert_null(ext);						\
	assert_non_null(strstr(tu_log_last(), msg));				\
} while (0)
	assert_int_equal(eb_btf_ext_parse(buf, 1, btf, &ext), -ENOEXEC);
	buf[0] = 0;
	BAD(-ENOEXEC, "not .BTF.ext");
	RESET();
	assert_int_equal(eb_btf_ext_parse(buf, 12, btf, &ext), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "truncated header: 12 bytes"));
	buf[2] = 2;
	BAD(-EINVAL, "unsupported version 2");
	RESET();
	w[1] = 2;
	BAD(-EINVAL, "hdr_len 2 is invalid");
	RESET();
	w[3] = o.ext_size;	/* func_info_len */
	BAD(-EINVAL, "func_info [0, +");
	RESET();
	w[2] += 2;
	BAD(-EINVAL, "func_info offset 2 is not 4-byte aligned");
	RESET();
	w[fi_off / 4] = 4;	/* rec_size below sizeof(bpf_func_info) */
	BAD(-EINVAL, "func_info at offset 32: rec_size 4");
	RESET();
	w[li_off / 4] = 18;
	BAD(-EINVAL, "line_info at offset");
	RESET();
	w[fi_off / 4 + 1] = 0xffffff;	/* first sec_name_off */
	BAD(-EINVAL, "bad section name offset 16777215");
	RESET();
	w[fi_off / 4 + 2] = 0x40000000;	/* num_info */
	BAD(-EINVAL, "1073741824 records of 8 bytes run past");
	RESET();
	w[fi_off / 4 + 4] = 1;	/* first record's type id: an INT? */
	BAD(-EINVAL, "record 0: type id 1 is not a func");
	RESET();
	w[fi_off / 4 + 3] = 4;	/* first record's insn_off */
	BAD(-EINVAL, "insn_off 4 is not a multiple of 8");
	RESET();
	w[li_off / 4 + 4] = 0xffffff;	/* first line_info's file_name_off */
	BAD(-EINVAL, "line_info of section");
	RESET();
	w[3] = 4 + 8 + 4;	/* cut inside a section block */
	BAD(-EINVAL, "run past the subsection");
	RESET();
	w[3] = 4 + 4;
	BAD(-EINVAL, "truncated section header");
#undef BAD
#undef RESET
	eb_set_print(NULL);
	free(buf);
	eb_btf_free(btf);
	free(o.data);
}

/* --- robustness: mutated inputs never crash ----------------------------- */

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static void exercise(const struct eb_btf *btf)
{
	uint32_t i, n = eb_btf_type_cnt(btf), off, bits;
	struct eb_strbuf sb = EB_STRBUF_INIT;
	int64_t v;

	for (i = 0; i < n + 2; i++) {
		const struct btf_type *t = eb_btf_type_by_id(btf, i);

		eb_strbuf_reset(&sb);
		(void)eb_btf_type_str(btf, i, &sb);
		(void)eb_btf_resolve_size(btf, i);
		(void)eb_btf_align(btf, i);
		(void)eb_btf_skip_mods(btf, i);
		(void)eb_btf_find_member(btf, i, "a");
		(void)eb_btf_find_enum_value(btf, i, "COLOR_RED", &v);
		if (t && (eb_btf_kind(t) == BTF_KIND_STRUCT || eb_btf_kind(t) == BTF_KIND_UNION))
			(void)eb_btf_member_bitfield(btf, t, 0, &off, &bits);
	}
	(void)eb_btf_find_by_name_kind(btf, "entry", -1);
	eb_strbuf_release(&sb);
}

static void test_mutations_do_not_crash(void **state)
{
	struct eb_btf_ext *ext;
	struct eb_btf *btf, *good;
	uint8_t *buf, *ebuf;
	unsigned int iter, ok = 0, j;
	struct obj o;

	(void)state;
	obj_load(&o, "btf_types");
	assert_int_equal(eb_btf_parse(o.btf, o.btf_size, &good), 0);
	buf = malloc(o.btf_size);
	ebuf = malloc(o.ext_size);
	assert_non_null(buf);
	assert_non_null(ebuf);
	tu_log_quiet();
	for (iter = 0; iter < 4000; iter++) {
		size_t size = o.btf_size;

		memcpy(buf, o.btf, o.btf_size);
		for (j = 1 + rnd() % 3; j > 0; j--) {
			/* mostly hit the header and the type records */
			size_t at = rnd() % 4 ? rnd() % EB_MIN(size, 24 + 900u) : rnd() % size;

			buf[at] = rnd() % 3 ? (uint8_t)rnd() : buf[at] ^ (1u << (rnd() % 8));
		}
		if (rnd() % 8 == 0)
			size = rnd() % size;
		if (eb_btf_parse(buf, size, &btf) == 0) {
			ok++;
			exercise(btf);
			eb_btf_free(btf);
		}

		memcpy(ebuf, o.ext, o.ext_size);
		for (j = 1 + rnd() % 3; j > 0; j--)
			ebuf[rnd() % o.ext_size] = (uint8_t)rnd();
		if (eb_btf_ext_parse(ebuf, rnd() % 8 ? o.ext_size : rnd() % o.ext_size,
				     good, &ext) == 0)
			eb_btf_ext_free(ext);
	}
	eb_set_print(NULL);
	print_message("%u of 4000 mutated BTF buffers parsed\n", ok);
	assert_true(ok > 0);
	free(ebuf);
	free(buf);
	eb_btf_free(good);
	free(o.data);
}

/* --- kernel -------------------------------------------------------------- */

static int btf_load(const void *data, uint32_t size, char *log, uint32_t log_size)
{
	return eb_sys_btf_load(data, size, log, log_size, log ? 1 : 0);
}

static int kernel_fd = -1;

static int kernel_teardown(void **state)
{
	(void)state;
	eb_zclose(&kernel_fd);
	return 0;
}

static void test_kernel_load(void **state)
{
	struct bpf_btf_info info;
	uint32_t info_len;
	struct eb_btf *btf;
	const void *raw;
	uint32_t raw_size, i, n;
	struct obj o;
	char *log;

	(void)state;
	if (!tu_have_cap(TU_CAP_BPF) && !tu_have_cap(TU_CAP_SYS_ADMIN))
		TU_SKIP("needs CAP_BPF");
	obj_load(&o, "btf_types");
	assert_int_equal(eb_btf_parse(o.btf, o.btf_size, &btf), 0);
	log = calloc(1, 65536);
	assert_non_null(log);

	/* As clang wrote it, the kernel refuses the zero-sized DATASECs. */
	raw = eb_btf_raw(btf, &raw_size);
	kernel_fd = btf_load(raw, raw_size, NULL, 0);
	assert_int_equal(kernel_fd, -EINVAL);

	/* Fix up what the loader would: each DATASEC's size from its ELF
	 * section, its variables laid out in order. */
	n = eb_btf_type_cnt(btf);
	for (i = 1; i < n; i++) {
		const struct btf_type *t = eb_btf_type_by_id(btf, i);
		uint32_t j, off = 0, sz;

		if (eb_btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		sz = elf_sec_size(&o, eb_btf_name(btf, i));
		assert_int_equal(eb_btf_set_datasec_size(btf, i, sz), 0);
		for (j = 0; j < eb_btf_vlen(t); j++) {
			assert_int_equal(eb_btf_set_secinfo_offset(btf, i, j, off), 0);
			off += eb_btf_secinfos(t)[j].size;
		}
		assert_true(off <= t->size);
	}
	raw = eb_btf_raw(btf, &raw_size);
	kernel_fd = btf_load(raw, raw_size, log, 65536);
	if (kernel_fd < 0)
		print_message("BTF load: %s\n%s\n", strerror(-kernel_fd), log);
	assert_true(kernel_fd >= 0);

	memset(&info, 0, sizeof(info));
	info_len = sizeof(info);
	assert_int_equal(eb_sys_obj_get_info_by_fd(kernel_fd, &info, &info_len), 0);
	assert_int_equal(info.btf_size, raw_size);
	assert_true(info.id > 0);

	eb_zclose(&kernel_fd);
	free(log);
	eb_btf_free(btf);
	free(o.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmlinux),
		cmocka_unit_test(test_module_split),
		cmocka_unit_test(test_handbuilt_render),
		cmocka_unit_test(test_handbuilt_sizes),
		cmocka_unit_test(test_split_handbuilt),
		cmocka_unit_test(test_malformed_types),
		cmocka_unit_test(test_malformed_header),
		cmocka_unit_test(test_object_types),
		cmocka_unit_test(test_object_datasec_fixups),
		cmocka_unit_test(test_object_ext),
		cmocka_unit_test(test_malformed_ext),
		cmocka_unit_test(test_mutations_do_not_crash),
		cmocka_unit_test_teardown(test_kernel_load, kernel_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
