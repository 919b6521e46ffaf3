// SPDX-License-Identifier: MIT
/*
 * test_core_relo.c - CO-RE relocations (core/core_relo.h) against
 * hand-built local and target BTF that differ the way kernels differ:
 * moved fields, renamed flavors, missing fields (poisoned), resized and
 * re-signed fields, bitfields, anonymous unions, arrays, type and enum
 * relocations; then instruction patching, and the same through the
 * loader with a clang-built object.
 */
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
#include "core_relo.h"
#include "log.h"
#include "object.h"
#include "strbuf.h"
#include "testutil.h"
#include "util.h"

/* --- a tiny BTF builder ------------------------------------------------- */

#define TI(kind, kflag, vlen) (((uint32_t)(kflag) << 31) | ((uint32_t)(kind) << 24) | (vlen))

struct bb {
	uint32_t types[2048];
	uint32_t tlen;		/* in u32 words */
	char strs[4096];
	uint32_t slen;
	uint32_t next_id;
};

static void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	b->slen = 1;		/* "" at offset 0 */
	b->next_id = 1;
}

static uint32_t bb_str(struct bb *b, const char *s)
{
	uint32_t off = b->slen, len = (uint32_t)strlen(s) + 1;

	if (!*s)
		return 0;
	assert_true(b->slen + len <= sizeof(b->strs));
	memcpy(b->strs + b->slen, s, len);
	b->slen += len;
	return off;
}

static void bb_w(struct bb *b, uint32_t w)
{
	assert_true(b->tlen < EB_ARRAY_SIZE(b->types));
	b->types[b->tlen++] = w;
}

static uint32_t bb_int(struct bb *b, const char *name, uint32_t size, uint32_t enc)
{
	bb_w(b, bb_str(b, name));
	bb_w(b, TI(BTF_KIND_INT, 0, 0));
	bb_w(b, size);
	bb_w(b, enc << 24 | size * 8);
	return b->next_id++;
}

static uint32_t bb_ref(struct bb *b, uint32_t kind, const char *name, uint32_t type)
{
	bb_w(b, bb_str(b, name));
	bb_w(b, TI(kind, 0, 0));
	bb_w(b, type);
	return b->next_id++;
}

static uint32_t bb_array(struct bb *b, uint32_t elem, uint32_t index, uint32_t n)
{
	bb_w(b, 0);
	bb_w(b, TI(BTF_KIND_ARRAY, 0, 0));
	bb_w(b, 0);
	bb_w(b, elem);
	bb_w(b, index);
	bb_w(b, n);
	return b->next_id++;
}

struct mem {
	const char *name;
	uint32_t type;
	uint32_t bit_off;
	uint32_t bf;		/* bitfield size, 0: none */
};

/* A struct / union with kflag set (bitfield sizes in the offsets). */
static uint32_t bb_comp(struct bb *b, uint32_t kind, const char *name, uint32_t size,
			const struct mem *m, uint32_t n)
{
	uint32_t i;

	bb_w(b, bb_str(b, name));
	bb_w(b, TI(kind, 1, n));
	bb_w(b, size);
	for (i = 0; i < n; i++) {
		bb_w(b, bb_str(b, m[i].name));
		bb_w(b, m[i].type);
		bb_w(b, m[i].bf << 24 | m[i].bit_off);
	}
	return b->next_id++;
}

static uint32_t bb_enum(struct bb *b, const char *name, const char *const *names,
			const int32_t *vals, uint32_t n)
{
	uint32_t i;

	bb_w(b, bb_str(b, name));
	bb_w(b, TI(BTF_KIND_ENUM, 0, n));
	bb_w(b, 4);
	for (i = 0; i < n; i++) {
		bb_w(b, bb_str(b, names[i]));
		bb_w(b, (uint32_t)vals[i]);
	}
	return b->next_id++;
}

static struct eb_btf *bb_done(struct bb *b)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = b->tlen * 4, .str_off = b->tlen * 4,
		.str_len = b->slen,
	};
	size_t size = sizeof(h) + h.type_len + h.str_len;
	uint8_t *raw = malloc(size);
	struct eb_btf *btf = NULL;
	int err;

	assert_non_null(raw);
	memcpy(raw, &h, sizeof(h));
	memcpy(raw + sizeof(h), b->types, h.type_len);
	memcpy(raw + sizeof(h) + h.type_len, b->strs, h.str_len);
	err = eb_btf_parse(raw, size, &btf);
	free(raw);
	assert_int_equal(err, 0);
	return btf;
}

/* --- the two BTFs -------------------------------------------------------------- */

/*
 * local (what the program was compiled against):
 *   struct task { int pid; int tgid; unsigned int flags:3 @ bit 65;
 *                 int arr[4] @ 96; int gone @ 224; } size 32
 *   struct task___v2 { int tgid; } (a flavor)
 *   struct task (as union member path) ...
 *   enum state { RUNNING___x = 1, SLEEPING = 2, ZOMBIE = 3 }
 *   struct dup { int a; }  (two in the target)
 *   struct lonely { int a; } (none in the target)
 * target (the "kernel"):
 *   struct task { long pad; union { int pid; int alias; }; unsigned int tgid;
 *                 unsigned int flags:3 @ bit 130 (straddles nothing);
 *                 int arr[2] @ 160; } size 40     (no `gone`, tgid unsigned,
 *                 pid inside an anonymous union, arr shorter)
 *   enum state { SLEEPING = 20, RUNNING = 10 }
 *   struct dup { int a; } size 4  and  struct dup { long x; int a; } size 16
 */
struct env {
	struct eb_btf *local, *target;
	struct eb_core_cache *cache;
	/* local ids */
	uint32_t l_int, l_task, l_task_v2, l_state, l_dup, l_lonely, l_ptr;
	/* target ids */
	uint32_t t_task, t_dup1, t_dup2, t_state;
	struct bb lb;		/* for access strings */
};

static struct env E;

static int setup_target(void)
{
	struct bb *b = &E.lb, tb;
	uint32_t l_uint, l_arr, t_int, t_uint, t_long, t_arr, t_union;
	static const char *const l_en[] = { "RUNNING___x", "SLEEPING", "ZOMBIE" };
	static const int32_t l_ev[] = { 1, 2, 3 };
	static const char *const t_en[] = { "SLEEPING", "RUNNING" };
	static const int32_t t_ev[] = { 20, 10 };

	bb_init(b);
	E.l_int = bb_int(b, "int", 4, BTF_INT_SIGNED);
	l_uint = bb_int(b, "unsigned int", 4, 0);
	l_arr = bb_array(b, E.l_int, E.l_int, 4);
	{
		struct mem m[] = {
			{ "pid", E.l_int, 0, 0 }, { "tgid", E.l_int, 32, 0 },
			{ "flags", l_uint, 65, 3 }, { "arr", l_arr, 96, 0 },
			{ "gone", E.l_int, 224, 0 },
		};
		E.l_task = bb_comp(b, BTF_KIND_STRUCT, "task", 32, m, 5);
	}
	{
		struct mem m[] = { { "tgid", E.l_int, 0, 0 } };
		E.l_task_v2 = bb_comp(b, BTF_KIND_STRUCT, "task___v2", 4, m, 1);
	}
	E.l_state = bb_enum(b, "state", l_en, l_ev, 3);
	{
		struct mem m[] = { { "a", E.l_int, 0, 0 } };
		E.l_dup = bb_comp(b, BTF_KIND_STRUCT, "dup", 4, m, 1);
		E.l_lonely = bb_comp(b, BTF_KIND_STRUCT, "lonely", 4, m, 1);
	}
	E.l_ptr = bb_ref(b, BTF_KIND_PTR, "", E.l_task);

	bb_init(&tb);
	t_int = bb_int(&tb, "int", 4, BTF_INT_SIGNED);
	t_uint = bb_int(&tb, "unsigned int", 4, 0);
	t_long = bb_int(&tb, "long", 8, BTF_INT_SIGNED);
	t_arr = bb_array(&tb, t_int, t_int, 2);
	{
		struct mem m[] = { { "pid", t_int, 0, 0 }, { "alias", t_int, 0, 0 } };
		t_union = bb_comp(&tb, BTF_KIND_UNION, "", 4, m, 2);
	}
	{
		struct mem m[] = {
			{ "pad", t_long, 0, 0 }, { "", t_union, 64, 0 },
			{ "tgid", t_uint, 96, 0 }, { "flags", t_uint, 130, 3 },
			{ "arr", t_arr, 160, 0 },
		};
		E.t_task = bb_comp(&tb, BTF_KIND_STRUCT, "task", 40, m, 5);
	}
	E.t_state = bb_enum(&tb, "state", t_en, t_ev, 2);
	{
		struct mem m1[] = { { "a", t_int, 0, 0 } };
		struct mem m2[] = { { "x", t_long, 0, 0 }, { "a", t_int, 64, 0 } };

		E.t_dup1 = bb_comp(&tb, BTF_KIND_STRUCT, "dup", 4, m1, 1);
		E.t_dup2 = bb_comp(&tb, BTF_KIND_STRUCT, "dup", 16, m2, 2);
	}
	E.target = bb_done(&tb);
	return 0;
}

static int teardown(void **state)
{
	eb_core_cache_free(E.cache);
	eb_btf_free(E.local);
	eb_btf_free(E.target);
	return 0;
}

/* Access strings go into the local BTF's string table: make them all
 * before the local BTF is finished. */
static uint32_t acc_off[32];
static const char *const accs[] = {
	"0:0", "0:1", "0:2", "0:3:3", "0:3:1", "0:4", "0", "0", "1", "0", "2",
};
enum { A_PID, A_TGID, A_FLAGS, A_ARR3, A_ARR1, A_GONE, A_TYPE, A_V2TGID,
       A_SLEEPING, A_RUNNING, A_ZOMBIE };

static int setup(void **state)
{
	unsigned int i;
	uint32_t roots[8];

	setup_target();
	for (i = 0; i < EB_ARRAY_SIZE(accs); i++)
		acc_off[i] = bb_str(&E.lb, accs[i]);
	E.local = bb_done(&E.lb);
	roots[0] = E.l_task;
	roots[1] = E.l_task_v2;
	roots[2] = E.l_state;
	roots[3] = E.l_dup;
	roots[4] = E.l_lonely;
	roots[5] = E.l_task;	/* duplicates are fine */
	assert_int_equal(eb_core_cache_new(E.local, E.target, roots, 6, &E.cache), 0);
	return 0;
}

static struct eb_core_res calc(uint32_t type_id, int acc, uint32_t kind, int want_err)
{
	struct eb_strbuf why = EB_STRBUF_INIT;
	struct bpf_core_relo rec = {
		.insn_off = 0, .type_id = type_id, .access_str_off = acc_off[acc], .kind = kind,
	};
	struct eb_core_res res;
	int err = eb_core_calc(E.cache, &rec, &res, &why);

	if (err != want_err)
		fail_msg("calc(type %u, '%s', %s): %d (%s), want %d", type_id, accs[acc],
			 eb_core_kind_str(kind), err, why.buf, want_err);
	eb_strbuf_release(&why);
	return res;
}

/* --- tests ---------------------------------------------------------------- */

static void test_essential_name(void **state)
{
	assert_int_equal(eb_core_essential_len("task_struct___old"), 11);
	assert_int_equal(eb_core_essential_len("task_struct"), 11);
	assert_int_equal(eb_core_essential_len("a___b___c"), 5);	/* the last split */
	assert_int_equal(eb_core_essential_len("x____y"), 6);		/* "____": no split */
	assert_int_equal(eb_core_essential_len("___x"), 4);
	assert_int_equal(eb_core_essential_len("x___"), 4);
	assert_int_equal(eb_core_essential_len(""), 0);
	assert_string_equal(eb_core_kind_str(BPF_CORE_TYPE_MATCHES), "type_matches");
	assert_string_equal(eb_core_kind_str(99), "?");
}

/*
 * One calculation and what must come out of it: poison or not, the local
 * value and (unless poisoned, when it means nothing) the target value.
 */
struct calc_case {
	uint32_t type_id;	/* the local root */
	int acc;		/* A_* */
	uint32_t kind;		/* BPF_CORE_* */
	bool poison;
	uint64_t orig_val;
	uint64_t new_val;
};

#define F_OFF BPF_CORE_FIELD_BYTE_OFFSET
#define F_SIZE BPF_CORE_FIELD_BYTE_SIZE
#define F_EXISTS BPF_CORE_FIELD_EXISTS
#define F_SIGNED BPF_CORE_FIELD_SIGNED
#define F_LSHIFT BPF_CORE_FIELD_LSHIFT_U64
#define F_RSHIFT BPF_CORE_FIELD_RSHIFT_U64

/* calc() each case, which must succeed, and compare. */
static void check_calcs(const struct calc_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct eb_core_res r = calc(c[i].type_id, c[i].acc, c[i].kind, 0);

		if (r.poison != c[i].poison || r.orig_val != c[i].orig_val ||
		    (!c[i].poison && r.new_val != c[i].new_val))
			fail_msg("case %zu (type %u, '%s', %s): poison %d, %llu -> %llu; want poison %d, %llu -> %llu",
				 i, c[i].type_id, accs[c[i].acc], eb_core_kind_str(c[i].kind),
				 r.poison, (unsigned long long)r.orig_val,
				 (unsigned long long)r.new_val, c[i].poison,
				 (unsigned long long)c[i].orig_val,
				 (unsigned long long)c[i].new_val);
	}
}

static void test_moved_field(void **state)
{
	const struct calc_case c[] = {
		/* pid: 0 here, 8 in the target (inside an anonymous union) */
		{ E.l_task, A_PID, F_OFF, false, 0, 8 },
		/* tgid: 4 here, 12 there */
		{ E.l_task, A_TGID, F_OFF, false, 4, 12 },
		{ E.l_task, A_TGID, F_EXISTS, false, 1, 1 },
		{ E.l_task, A_TGID, F_SIZE, false, 4, 4 },
		/* int here, unsigned int there */
		{ E.l_task, A_TGID, F_SIGNED, false, 1, 0 },
		/* non-bitfield shifts: 64 - 32 both ways */
		{ E.l_task, A_TGID, F_LSHIFT, false, 32, 32 },
		{ E.l_task, A_TGID, F_RSHIFT, false, 32, 32 },
	};

	check_calcs(c, EB_ARRAY_SIZE(c));
	assert_int_equal(calc(E.l_task, A_PID, F_OFF, 0).target_id, E.t_task);
}

static void test_renamed_flavor(void **state)
{
	const struct calc_case c[] = {
		/* task___v2 finds task: tgid at 12 */
		{ E.l_task_v2, A_PID, F_OFF, false, 0, 12 },
		{ E.l_task_v2, A_TYPE, BPF_CORE_TYPE_EXISTS, false, 1, 1 },
		{ E.l_task_v2, A_TYPE, BPF_CORE_TYPE_SIZE, false, 4, 40 },
	};

	check_calcs(c, EB_ARRAY_SIZE(c));
	assert_int_equal(calc(E.l_task_v2, A_PID, F_OFF, 0).target_id, E.t_task);
}

static void test_missing_field_poisoned(void **state)
{
	const struct calc_case c[] = {
		{ E.l_task, A_GONE, F_OFF, true, 28, 0 },
		{ E.l_task, A_GONE, F_SIZE, true, 4, 0 },
		/* existence is an answer, not a poison */
		{ E.l_task, A_GONE, F_EXISTS, false, 1, 0 },
		/* no target type at all */
		{ E.l_lonely, A_PID, F_OFF, true, 0, 0 },
		{ E.l_lonely, A_TYPE, BPF_CORE_TYPE_EXISTS, false, 1, 0 },
		{ E.l_lonely, A_TYPE, BPF_CORE_TYPE_ID_TARGET, true, E.l_lonely, 0 },
	};

	check_calcs(c, EB_ARRAY_SIZE(c));
}

static void test_bitfield(void **state)
{
	const struct calc_case c[] = {
		/* local flags:3 at bit 65 of an unsigned int: load 4 bytes at
		 * 8; target at bit 130: load 4 bytes at 16 */
		{ E.l_task, A_FLAGS, F_OFF, false, 8, 16 },
		{ E.l_task, A_FLAGS, F_SIZE, false, 4, 4 },
		/* lshift: 64 - (bit within the load + 3): 64 - (1 + 3), 64 - (2 + 3) */
		{ E.l_task, A_FLAGS, F_LSHIFT, false, 60, 59 },
		{ E.l_task, A_FLAGS, F_RSHIFT, false, 61, 61 },
		{ E.l_task, A_FLAGS, F_SIGNED, false, 0, 0 },
	};

	check_calcs(c, EB_ARRAY_SIZE(c));
	assert_true(calc(E.l_task, A_FLAGS, F_OFF, 0).bitfield);
}

static void test_array_index(void **state)
{
	const struct calc_case c[] = {
		/* arr[1]: 12 + 4 here, 20 + 4 there */
		{ E.l_task, A_ARR1, F_OFF, false, 16, 24 },
		/* arr[3]: past the end of the target's 2 elements */
		{ E.l_task, A_ARR3, F_OFF, true, 24, 0 },
		{ E.l_task, A_ARR3, F_EXISTS, false, 1, 0 },
	};

	check_calcs(c, EB_ARRAY_SIZE(c));
}

static void test_type_relos(void **state)
{
	const struct calc_case c[] = {
		{ E.l_task, A_TYPE, BPF_CORE_TYPE_ID_LOCAL, false, E.l_task, E.l_task },
		{ E.l_task, A_TYPE, BPF_CORE_TYPE_ID_TARGET, false, E.l_task, E.t_task },
		{ E.l_task, A_TYPE, BPF_CORE_TYPE_SIZE, false, 32, 40 },
		/* matches: local task has `gone`, the target does not */
		{ E.l_task, A_TYPE, BPF_CORE_TYPE_MATCHES, false, 1, 0 },
		/* task___v2 { int tgid } vs task's unsigned tgid: no match either */
		{ E.l_task_v2, A_TYPE, BPF_CORE_TYPE_MATCHES, false, 1, 0 },
		/* exists does not look at members */
		{ E.l_task, A_TYPE, BPF_CORE_TYPE_EXISTS, false, 1, 1 },
	};

	check_calcs(c, EB_ARRAY_SIZE(c));
	/* a type relocation needs access "0" */
	calc(E.l_task, A_TGID, BPF_CORE_TYPE_EXISTS, -EINVAL);
}

static void test_enum_relos(void **state)
{
	const struct calc_case c[] = {
		/* RUNNING___x = 1 here, RUNNING = 10 there */
		{ E.l_state, A_RUNNING, BPF_CORE_ENUMVAL_VALUE, false, 1, 10 },
		{ E.l_state, A_SLEEPING, BPF_CORE_ENUMVAL_VALUE, false, 2, 20 },
		{ E.l_state, A_SLEEPING, BPF_CORE_ENUMVAL_EXISTS, false, 1, 1 },
		/* ZOMBIE is not in the target */
		{ E.l_state, A_ZOMBIE, BPF_CORE_ENUMVAL_EXISTS, false, 1, 0 },
		{ E.l_state, A_ZOMBIE, BPF_CORE_ENUMVAL_VALUE, true, 3, 0 },
	};

	check_calcs(c, EB_ARRAY_SIZE(c));
	/* enumerator index past the end */
	calc(E.l_state, A_ARR3, BPF_CORE_ENUMVAL_VALUE, -EINVAL);
}

static void test_ambiguous_and_bad(void **state)
{
	struct eb_strbuf why = EB_STRBUF_INIT;
	struct bpf_core_relo rec = {
		.type_id = E.l_dup, .access_str_off = acc_off[A_PID],
		.kind = BPF_CORE_FIELD_BYTE_OFFSET,
	};
	struct eb_core_res r;

	/* two target `dup`s put `a` at 0 and at 8 */
	assert_int_equal(eb_core_calc(E.cache, &rec, &r, &why), -EINVAL);
	assert_non_null(strstr(why.buf, "ambiguous"));
	eb_strbuf_reset(&why);
	/* both have `a`: existence agrees */
	rec.kind = BPF_CORE_FIELD_EXISTS;
	assert_int_equal(eb_core_calc(E.cache, &rec, &r, &why), 0);
	assert_int_equal(r.new_val, 1);
	/* anonymous root (the pointer) */
	rec.type_id = E.l_ptr;
	rec.access_str_off = acc_off[A_TYPE];
	rec.kind = BPF_CORE_TYPE_EXISTS;
	assert_int_equal(eb_core_calc(E.cache, &rec, &r, &why), -EINVAL);
	assert_non_null(strstr(why.buf, "anonymous"));
	/* ... but its local id is fine */
	rec.kind = BPF_CORE_TYPE_ID_LOCAL;
	assert_int_equal(eb_core_calc(E.cache, &rec, &r, NULL), 0);
	assert_int_equal(r.new_val, E.l_ptr);
	/* member index past the end of the struct */
	rec.type_id = E.l_task_v2;
	rec.access_str_off = acc_off[A_TGID];
	rec.kind = BPF_CORE_FIELD_BYTE_OFFSET;
	assert_int_equal(eb_core_calc(E.cache, &rec, &r, NULL), -EINVAL);
	eb_strbuf_release(&why);
}

static void test_types_compat(void **state)
{
	assert_int_equal(eb_core_types_compat(E.local, E.l_task, E.target, E.t_task), 1);
	assert_int_equal(eb_core_types_compat(E.local, E.l_int, E.target, E.t_task), 0);
	assert_int_equal(eb_core_types_compat(E.local, E.l_state, E.target, E.t_state), 1);
	assert_int_equal(eb_core_types_compat(E.local, 9999, E.target, E.t_task), -EINVAL);
}

/* --- patching --------------------------------------------------------------------- */

static struct bpf_insn I(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn i = { .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };

	return i;
}

static void test_patch(void **state)
{
	struct bpf_core_relo rec = { .kind = BPF_CORE_FIELD_BYTE_OFFSET };
	struct eb_core_res res = { .orig_val = 4, .new_val = 12, .orig_sz = 4, .new_sz = 4 };
	struct eb_strbuf why = EB_STRBUF_INIT;
	struct bpf_insn p[4];

	/* r1 += 4 -> r1 += 12 */
	p[0] = I(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, 4);
	assert_int_equal(eb_core_patch(p, 1, 0, &rec, &res, NULL), 0);
	assert_int_equal(p[0].imm, 12);
	assert_int_equal(p[0].code, BPF_ALU64 | BPF_ADD | BPF_K);
	/* r0 = *(u32 *)(r1 + 4) -> + 12, and u32 -> u64 when the field grew */
	p[0] = I(BPF_LDX | BPF_MEM | BPF_W, 0, 1, 4, 0);
	res.new_sz = 8;
	assert_int_equal(eb_core_patch(p, 1, 0, &rec, &res, NULL), 0);
	assert_int_equal(p[0].off, 12);
	assert_int_equal(p[0].code, BPF_LDX | BPF_MEM | BPF_DW);
	/* a size that is no access size poisons the load */
	p[0] = I(BPF_LDX | BPF_MEM | BPF_W, 0, 1, 4, 0);
	res.new_sz = 3;
	assert_int_equal(eb_core_patch(p, 1, 0, &rec, &res, NULL), 0);
	assert_int_equal(p[0].code, BPF_JMP | BPF_CALL);
	assert_int_equal(p[0].imm, EB_CORE_POISON_HELPER);
	assert_int_equal(p[0].imm, 195896080);
	/* a store: offset only */
	p[0] = I(BPF_STX | BPF_MEM | BPF_W, 1, 2, 4, 0);
	res.new_sz = 4;
	assert_int_equal(eb_core_patch(p, 1, 0, &rec, &res, NULL), 0);
	assert_int_equal(p[0].off, 12);
	/* ld_imm64 takes 64 bits */
	rec.kind = BPF_CORE_ENUMVAL_VALUE;
	res.new_val = 0x123456789ull;
	p[0] = I(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 1);
	p[1] = I(0, 0, 0, 0, 0);
	assert_int_equal(eb_core_patch(p, 2, 0, &rec, &res, NULL), 0);
	assert_int_equal((uint32_t)p[0].imm, 0x23456789u);
	assert_int_equal(p[1].imm, 1);
	/* poisoned ld_imm64: both slots */
	res.poison = true;
	assert_int_equal(eb_core_patch(p, 2, 0, &rec, &res, NULL), 0);
	assert_int_equal(p[0].code, BPF_JMP | BPF_CALL);
	assert_int_equal(p[1].code, BPF_JMP | BPF_CALL);
	assert_int_equal(p[1].imm, EB_CORE_POISON_HELPER);
	/* poisoned ALU */
	p[2] = I(BPF_ALU | BPF_MOV | BPF_K, 3, 0, 0, 7);
	assert_int_equal(eb_core_patch(p, 3, 2, &rec, &res, NULL), 0);
	assert_int_equal(p[2].code, BPF_JMP | BPF_CALL);
	assert_int_equal(p[2].dst_reg, 0);
	res.poison = false;
	/* a 64-bit value does not fit an ALU64 immediate */
	p[0] = I(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 1);
	assert_int_equal(eb_core_patch(p, 1, 0, &rec, &res, &why), -EINVAL);
	assert_non_null(strstr(why.buf, "does not fit"));
	/* ... but 0xffffffff fits a 32-bit mov */
	res.new_val = 0xffffffffu;
	p[0] = I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, 1);
	assert_int_equal(eb_core_patch(p, 1, 0, &rec, &res, NULL), 0);
	assert_int_equal(p[0].imm, -1);
	/* a jump cannot take a relocation */
	eb_strbuf_reset(&why);
	p[0] = I(BPF_JMP | BPF_JA, 0, 0, 1, 0);
	assert_int_equal(eb_core_patch(p, 1, 0, &rec, &res, &why), -EINVAL);
	assert_non_null(strstr(why.buf, "cannot take it"));
	/* nor an instruction past the end */
	assert_int_equal(eb_core_patch(p, 1, 1, &rec, &res, NULL), -EINVAL);
	/* an offset that does not fit 16 bits */
	rec.kind = BPF_CORE_FIELD_BYTE_OFFSET;
	res.new_val = 40000;
	p[0] = I(BPF_LDX | BPF_MEM | BPF_W, 0, 1, 4, 0);
	assert_int_equal(eb_core_patch(p, 1, 0, &rec, &res, NULL), -EINVAL);
	eb_strbuf_release(&why);
}

/* --- through the loader (no kernel needed) --------------------------------------- */

static void test_object_records(void **state)
{
	struct eb_object *obj = tu_obj_open("core_flavors");
	const struct eb_prog *p = tu_obj_prog(obj, "flavors_getpid");
	unsigned int i, core = 0, poisoned_sites = 0;
	bool exists_gone = false;

	for (i = 0; i < p->reloc_cnt; i++) {
		const struct eb_reloc *r = &p->relocs[i];
		const char *tn;

		if (r->kind != EB_RELO_CORE)
			continue;
		core++;
		tn = eb_btf_name(eb_object_btf(obj), r->core_type_id);
		assert_non_null(tn);
		if (!strcmp(tn, "task_struct___old") && r->core_kind == BPF_CORE_FIELD_EXISTS)
			exists_gone = true;
		if (!strcmp(tn, "task_struct___old") && r->core_kind == BPF_CORE_FIELD_BYTE_OFFSET)
			poisoned_sites++;
		assert_int_equal(p->insns[r->insn_idx].code == (BPF_LD | BPF_IMM | BPF_DW) ||
				 BPF_CLASS(p->insns[r->insn_idx].code) == BPF_ALU64 ||
				 BPF_CLASS(p->insns[r->insn_idx].code) == BPF_ALU ||
				 BPF_CLASS(p->insns[r->insn_idx].code) == BPF_LDX, 1);
	}
	/* see tests/bpf/core_flavors.c: 6 records */
	assert_int_equal(core, 6);
	assert_true(exists_gone);
	assert_int_equal(poisoned_sites, 1);
	eb_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_essential_name),
		cmocka_unit_test(test_moved_field),
		cmocka_unit_test(test_renamed_flavor),
		cmocka_unit_test(test_missing_field_poisoned),
		cmocka_unit_test(test_bitfield),
		cmocka_unit_test(test_array_index),
		cmocka_unit_test(test_type_relos),
		cmocka_unit_test(test_enum_relos),
		cmocka_unit_test(test_ambiguous_and_bad),
		cmocka_unit_test(test_types_compat),
		cmocka_unit_test(test_patch),
		cmocka_unit_test(test_object_records),
	};
	tu_log_quiet();
	return cmocka_run_group_tests(tests, setup, teardown);
}
