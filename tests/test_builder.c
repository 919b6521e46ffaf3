/* SPDX-License-Identifier: MIT */
/*
 * Tests of the program builder: label, call and map resolution, and every
 * error it reports (by name, in the log).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "builder.h"
#include "disasm.h"
#include "log.h"
#include "strbuf.h"
#include "testutil.h"
#include "util.h"

/* Each test starts capturing every log line (read with tu_log_text()). */
static int setup(void **state)
{
	(void)state;
	tu_log_capture(TU_LOG_ALL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_log_stop();
	return 0;
}

/* The builder's program as text, without bytes. */
static char *listing(const struct eb_builder *b)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	struct eb_disasm_opts opts = { .no_bytes = true };
	const struct bpf_insn *insns;
	size_t cnt;

	insns = eb_builder_insns(b, &cnt);
	assert_int_equal(eb_disasm_prog(insns, cnt, &opts, &sb), 0);
	return eb_strbuf_detach(&sb, NULL);
}

struct map_names {
	const char *name[4];
	int fd[4];
	int calls;
};

static int resolve_map(void *ctx, const char *name)
{
	struct map_names *m = ctx;
	int i;

	m->calls++;
	for (i = 0; i < 4 && m->name[i]; i++)
		if (!strcmp(m->name[i], name))
			return m->fd[i];
	return -ENOENT;
}

static void test_resolve_all(void **state)
{
	struct map_names maps = { { "counts", "cfg" }, { 7, 9 }, 0 };
	struct eb_builder *b = eb_builder_new();
	const struct bpf_insn *insns;
	size_t cnt;
	char *text;

	(void)state;
	assert_non_null(b);
	eb_builder_label(b, "top");
	eb_builder_ld_map(b, BPF_REG_1, "counts");			/* 0 */
	eb_builder_ld_map_value(b, BPF_REG_2, "cfg", 16);		/* 2 */
	eb_builder_jmp_label(b, eb_insn_jmp_imm(BPF_JEQ, 1, 0, 0), "out"); /* 4 */
	eb_builder_jmp_label(b, eb_insn_jmp32_reg(BPF_JGT, 1, 2, 0), "top"); /* 5 */
	eb_builder_call_label(b, "sub");				/* 6 */
	eb_builder_ld_func_label(b, BPF_REG_3, "sub");			/* 7 */
	eb_builder_jmp_label(b, eb_insn_gotol(0), "out");		/* 9 */
	eb_builder_jmp_label(b, eb_insn_may_goto(0), "out");		/* 10 */
	eb_builder_jmp_label(b, eb_insn_ja(0), "top");			/* 11 */
	eb_builder_label(b, "out");
	eb_builder_emit(b, eb_insn_exit());				/* 12 */
	eb_builder_label(b, "sub");
	eb_builder_emit(b, eb_insn_mov64_imm(BPF_REG_0, 0));		/* 13 */
	eb_builder_emit(b, eb_insn_exit());				/* 14 */
	assert_int_equal(eb_builder_len(b), 15);
	assert_int_equal(eb_builder_error(b), 0);

	assert_int_equal(eb_builder_resolve(b, resolve_map, &maps), 0);
	assert_int_equal(maps.calls, 2);
	assert_string_equal(tu_log_text(), "");

	text = listing(b);
	assert_string_equal(text,
		"       0:\tld_pseudo\tr1, 1, 7\n"
		"       2:\tld_pseudo\tr2, 2, 9\n"
		"       4:\tif r1 == 0 goto +7\n"
		"       5:\tif w1 > w2 goto -6\n"
		"       6:\tcall 6\n"
		"       7:\tld_pseudo\tr3, 4, 5\n"
		"       9:\tgotol +2\n"
		"      10:\tmay_goto +1\n"
		"      11:\tgoto -12\n"
		"      12:\texit\n"
		"      13:\tr0 = 0\n"
		"      14:\texit\n");
	free(text);

	insns = eb_builder_insns(b, &cnt);
	assert_int_equal(cnt, 15);
	assert_int_equal(insns[3].imm, 16);	/* map value offset kept */
	assert_int_equal(insns[6].src_reg, BPF_PSEUDO_CALL);
	assert_int_equal(insns[7].src_reg, BPF_PSEUDO_FUNC);

	/* Resolved references are forgotten: a second resolve is a no-op. */
	maps.calls = 0;
	assert_int_equal(eb_builder_resolve(b, NULL, NULL), 0);
	assert_int_equal(maps.calls, 0);
	eb_builder_free(b);
}

static void test_unresolved_names(void **state)
{
	struct map_names maps = { { "counts" }, { 3 }, 0 };
	struct eb_builder *b = eb_builder_new();
	struct bpf_insn before[8];
	const struct bpf_insn *insns;
	size_t cnt;

	(void)state;
	eb_builder_jmp_label(b, eb_insn_ja(0), "out");			/* 0 */
	eb_builder_ld_map(b, BPF_REG_1, "counts");			/* 1 */
	eb_builder_ld_map(b, BPF_REG_1, "nosuch");			/* 3 */
	eb_builder_call_label(b, "helper_fn");				/* 5 */
	eb_builder_jmp_label(b, eb_insn_jmp_imm(BPF_JNE, 1, 0, 0), "out"); /* 6 */
	eb_builder_jmp_label(b, eb_insn_jmp_imm(BPF_JNE, 1, 0, 0), "out"); /* 7 */
	insns = eb_builder_insns(b, &cnt);
	assert_int_equal(cnt, 8);
	memcpy(before, insns, sizeof(before));

	assert_int_equal(eb_builder_resolve(b, resolve_map, &maps), -ENOENT);
	assert_string_equal(tu_log_text(),
		"builder: unresolved label 'out' at insn 0 (and 2 more)\n"
		"builder: unresolved map 'nosuch' at insn 3\n"
		"builder: unresolved label 'helper_fn' at insn 5\n");
	/* nothing was patched, not even the map that resolved */
	insns = eb_builder_insns(b, &cnt);
	assert_memory_equal(insns, before, sizeof(before));

	/* defining the missing names makes the same builder resolve */
	tu_log_reset();
	maps.name[1] = "nosuch";
	maps.fd[1] = 4;
	eb_builder_label(b, "out");
	eb_builder_emit(b, eb_insn_exit());
	eb_builder_label(b, "helper_fn");
	eb_builder_emit(b, eb_insn_exit());
	assert_int_equal(eb_builder_resolve(b, resolve_map, &maps), 0);
	assert_string_equal(tu_log_text(), "");
	insns = eb_builder_insns(b, &cnt);
	assert_int_equal(insns[0].off, 7);
	assert_int_equal(insns[1].imm, 3);
	assert_int_equal(insns[3].imm, 4);
	assert_int_equal(insns[5].imm, 3);
	assert_int_equal(insns[7].off, 0);
	eb_builder_free(b);
}

static void test_map_without_resolver(void **state)
{
	struct eb_builder *b = eb_builder_new();

	(void)state;
	eb_builder_ld_map_value(b, BPF_REG_1, ".rodata", 0);
	eb_builder_emit(b, eb_insn_exit());
	assert_int_equal(eb_builder_resolve(b, NULL, NULL), -ENOENT);
	assert_string_equal(tu_log_text(),
			    "builder: unresolved map '.rodata' at insn 0\n");
	eb_builder_free(b);
}

static int failing_resolver(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
	return -EBADF;
}

static void test_resolver_error(void **state)
{
	struct eb_builder *b = eb_builder_new();

	(void)state;
	eb_builder_ld_map(b, BPF_REG_1, "m");
	assert_int_equal(eb_builder_resolve(b, failing_resolver, NULL), -EBADF);
	assert_string_equal(tu_log_text(),
			    "builder: map 'm' at insn 0: Bad file descriptor\n");
	eb_builder_free(b);
}

static void test_duplicate_label_is_sticky(void **state)
{
	struct eb_builder *b = eb_builder_new();

	(void)state;
	eb_builder_label(b, "again");
	eb_builder_emit(b, eb_insn_mov64_imm(BPF_REG_0, 0));
	eb_builder_label(b, "again");
	assert_int_equal(eb_builder_error(b), -EEXIST);
	eb_builder_emit(b, eb_insn_exit());
	eb_builder_label(b, "");
	assert_int_equal(eb_builder_error(b), -EEXIST);	/* the first stays */
	assert_int_equal(eb_builder_resolve(b, NULL, NULL), -EEXIST);
	assert_string_equal(tu_log_text(),
		"builder: duplicate label 'again' at insn 1 (first at insn 0)\n"
		"builder: label without a name at insn 2\n");
	eb_builder_free(b);
}

static void test_bad_arguments(void **state)
{
	struct eb_builder *b = eb_builder_new();

	(void)state;
	eb_builder_jmp_label(b, eb_insn_exit(), "x");
	assert_int_equal(eb_builder_error(b), -EINVAL);
	assert_int_equal(eb_builder_len(b), 1);
	assert_string_equal(tu_log_text(),
		"builder: jump to 'x' at insn 0: opcode 0x95 is not a jump\n");
	eb_builder_free(b);

	tu_log_reset();
	b = eb_builder_new();
	eb_builder_jmp_label(b, eb_insn_mov64_imm(1, 1), "x");
	assert_int_equal(eb_builder_error(b), -EINVAL);
	eb_builder_free(b);

	b = eb_builder_new();
	eb_builder_call_label(b, NULL);
	assert_int_equal(eb_builder_error(b), -EINVAL);
	eb_builder_free(b);

	/* a NULL builder (failed eb_builder_new) is harmless */
	eb_builder_emit(NULL, eb_insn_exit());
	eb_builder_label(NULL, "x");
	assert_int_equal(eb_builder_error(NULL), -ENOMEM);
	assert_int_equal(eb_builder_resolve(NULL, NULL, NULL), -ENOMEM);
	assert_int_equal(eb_builder_len(NULL), 0);
	eb_builder_free(NULL);
}

static void test_jump_range(void **state)
{
	struct eb_builder *b = eb_builder_new();
	const struct bpf_insn *insns;
	size_t i, cnt;

	(void)state;
	eb_builder_jmp_label(b, eb_insn_ja(0), "far");		/* 0: +40001 */
	eb_builder_jmp_label(b, eb_insn_gotol(0), "far");	/* 1: fits */
	eb_builder_jmp_label(b, eb_insn_ja(0), "edge");		/* 2: +32767 */
	for (i = 0; i < 32767; i++)
		eb_builder_emit(b, eb_insn_mov64_imm(BPF_REG_0, 0));
	eb_builder_label(b, "edge");				/* 32770 */
	for (i = 0; i < 40002 - 32770; i++)
		eb_builder_emit(b, eb_insn_mov64_imm(BPF_REG_0, 0));
	eb_builder_label(b, "far");				/* 40002 */
	eb_builder_emit(b, eb_insn_exit());
	eb_builder_jmp_label(b, eb_insn_ja(0), "edge");		/* -7233 */

	assert_int_equal(eb_builder_resolve(b, NULL, NULL), -ERANGE);
	assert_string_equal(tu_log_text(),
		"builder: jump to 'far' at insn 0: offset 40001 does not fit in 16 bits\n");

	/* the same distance through gotol is fine */
	tu_log_reset();
	eb_builder_free(b);
	b = eb_builder_new();
	eb_builder_jmp_label(b, eb_insn_gotol(0), "far");
	eb_builder_jmp_label(b, eb_insn_ja(0), "edge");
	for (i = 0; i < 32767; i++)
		eb_builder_emit(b, eb_insn_mov64_imm(BPF_REG_0, 0));
	eb_builder_label(b, "edge");
	for (i = 0; i < 40000 - 32769; i++)
		eb_builder_emit(b, eb_insn_mov64_imm(BPF_REG_0, 0));
	eb_builder_label(b, "far");
	eb_builder_emit(b, eb_insn_exit());
	assert_int_equal(eb_builder_resolve(b, NULL, NULL), 0);
	insns = eb_builder_insns(b, &cnt);
	assert_int_equal(cnt, 40001);
	assert_int_equal(insns[0].imm, 39999);
	assert_int_equal(insns[1].off, 32767);
	eb_builder_free(b);
}

static void test_detach(void **state)
{
	struct eb_builder *b = eb_builder_new();
	struct bpf_insn *insns;
	size_t cnt;

	(void)state;
	eb_builder_label(b, "l");
	eb_builder_emit(b, eb_insn_mov64_imm(BPF_REG_0, 1));
	eb_builder_jmp_label(b, eb_insn_ja(0), "l");
	assert_int_equal(eb_builder_resolve(b, NULL, NULL), 0);
	insns = eb_builder_detach(b, &cnt);
	assert_non_null(insns);
	assert_int_equal(cnt, 2);
	assert_int_equal(insns[1].off, -2);
	free(insns);
	assert_int_equal(eb_builder_len(b), 0);
	/* labels went with the instructions: "l" can be defined again */
	eb_builder_label(b, "l");
	assert_int_equal(eb_builder_error(b), 0);
	assert_null(eb_builder_detach(b, &cnt));
	assert_int_equal(cnt, 0);
	eb_builder_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_resolve_all, setup),
		cmocka_unit_test_setup(test_unresolved_names, setup),
		cmocka_unit_test_setup(test_map_without_resolver, setup),
		cmocka_unit_test_setup(test_resolver_error, setup),
		cmocka_unit_test_setup(test_duplicate_label_is_sticky, setup),
		cmocka_unit_test_setup(test_bad_arguments, setup),
		cmocka_unit_test_setup(test_jump_range, setup),
		cmocka_unit_test_setup(test_detach, setup),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
