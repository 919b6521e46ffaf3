/* SPDX-License-Identifier: MIT */
/*
 * Tests of core/testrun.h: BPF_PROG_TEST_RUN with data and context in and
 * out, output growth on ENOSPC, repeat counts, return values.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "info.h"
#include "map.h"
#include "syscall.h"
#include "testrun.h"
#include "testutil.h"
#include "util.h"

static void fill_packet(uint8_t *pkt, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pkt[i] = (uint8_t)(i * 13 + 5);
}

/* An XDP program returns the value a map holds; data comes back as sent. */
static void test_xdp_map_value(void **state)
{
	struct eb_map m = EB_MAP_INIT;
	struct eb_map_create_opts mo = {
		.type = BPF_MAP_TYPE_ARRAY, .name = "eb_tr_val", .key_size = 4,
		.value_size = 4, .max_entries = 1,
	};
	struct eb_test_run_result res;
	struct eb_test_run_in in;
	uint8_t pkt[100];
	uint32_t k = 0, v;
	int prog;

	(void)state;
	TU_REQUIRE_BPF();
	assert_int_equal(eb_map_create(&m, &mo), 0);
	prog = tu_prog_load_xdp_map_reader(m.fd, "eb_xdp_reader");
	assert_true(prog >= 0);
	fill_packet(pkt, sizeof(pkt));

	memset(&in, 0, sizeof(in));
	in.data = pkt;
	in.data_size = sizeof(pkt);
	assert_int_equal(eb_prog_test_run(prog, &in, &res), 0);
	assert_int_equal(res.retval, 0);		/* map holds 0 */
	assert_int_equal(res.data_out_size, sizeof(pkt));
	assert_memory_equal(res.data_out, pkt, sizeof(pkt));
	assert_null(res.ctx_out);
	eb_test_run_result_release(&res);

	v = 3;	/* XDP_TX */
	assert_int_equal(eb_map_update(&m, &k, &v, BPF_ANY), 0);
	assert_int_equal(eb_prog_test_run(prog, &in, &res), 0);
	assert_int_equal(res.retval, 3);
	eb_test_run_result_release(&res);
	v = 0x12345;
	assert_int_equal(eb_map_update(&m, &k, &v, BPF_ANY), 0);
	assert_int_equal(eb_prog_test_run(prog, &in, &res), 0);
	assert_int_equal(res.retval, 0x12345);
	eb_test_run_result_release(&res);
	eb_test_run_result_release(&res);	/* twice is fine */

	close(prog);
	eb_map_close(&m);
}

/* An output buffer too small grows to what the kernel asks for. */
static void test_output_grows(void **state)
{
	struct eb_test_run_result res;
	struct eb_test_run_in in;
	uint8_t pkt[300];
	int prog;

	(void)state;
	TU_REQUIRE_BPF();
	prog = tu_prog_load_const(BPF_PROG_TYPE_XDP, 0, 2, "eb_tr_grow");
	assert_true(prog >= 0);
	fill_packet(pkt, sizeof(pkt));
	memset(&in, 0, sizeof(in));
	in.data = pkt;
	in.data_size = sizeof(pkt);
	in.out_size_hint = 16;
	assert_int_equal(eb_prog_test_run(prog, &in, &res), 0);
	assert_int_equal(res.retval, 2);
	assert_int_equal(res.data_out_size, sizeof(pkt));
	assert_memory_equal(res.data_out, pkt, sizeof(pkt));
	eb_test_run_result_release(&res);
	close(prog);
}

/*
 * A tc program reads skb->mark from the context, returns it and writes
 * 77 back: ctx in and ctx out.
 */
static void test_ctx_in_out(void **state)
{
	const int16_t mark = offsetof(struct __sk_buff, mark);
	struct bpf_insn p[] = {
		eb_insn_ldx_mem(BPF_W, BPF_REG_2, BPF_REG_1, mark),
		eb_insn_mov64_imm(BPF_REG_3, 77),
		eb_insn_stx_mem(BPF_W, BPF_REG_1, BPF_REG_3, mark),
		eb_insn_mov64_reg(BPF_REG_0, BPF_REG_2),
		eb_insn_exit(),
	};
	struct eb_test_run_result res;
	struct eb_test_run_in in;
	struct __sk_buff ctx, out;
	uint8_t pkt[64];
	int prog;

	(void)state;
	TU_REQUIRE_BPF();
	prog = tu_prog_load(BPF_PROG_TYPE_SCHED_CLS, 0, p, EB_ARRAY_SIZE(p), "eb_tr_mark");
	assert_true(prog >= 0);
	fill_packet(pkt, sizeof(pkt));
	memset(&ctx, 0, sizeof(ctx));
	ctx.mark = 5;
	memset(&in, 0, sizeof(in));
	in.data = pkt;
	in.data_size = sizeof(pkt);
	in.ctx = &ctx;
	in.ctx_size = sizeof(ctx);
	in.want_ctx_out = true;
	assert_int_equal(eb_prog_test_run(prog, &in, &res), 0);
	assert_int_equal(res.retval, 5);
	assert_non_null(res.ctx_out);
	assert_true(res.ctx_out_size >= offsetof(struct __sk_buff, mark) + 4);
	memset(&out, 0, sizeof(out));
	memcpy(&out, res.ctx_out, EB_MIN(sizeof(out), res.ctx_out_size));
	assert_int_equal(out.mark, 77);
	/* tc sees the whole frame, L2 header included */
	assert_int_equal(res.data_out_size, sizeof(pkt));
	assert_memory_equal(res.data_out, pkt, sizeof(pkt));
	assert_int_equal(ctx.mark, 5);		/* the input was not touched */
	eb_test_run_result_release(&res);

	/* a context given short (up to mark only): ctx_out still comes back
	 * whole, the buffer grown from the short size on ENOSPC */
	in.ctx_size = offsetof(struct __sk_buff, mark) + 4;
	ctx.mark = 9;
	assert_int_equal(eb_prog_test_run(prog, &in, &res), 0);
	assert_int_equal(res.retval, 9);
	assert_true(res.ctx_out_size >= sizeof(struct __sk_buff));
	memcpy(&out, res.ctx_out, sizeof(out));
	assert_int_equal(out.mark, 77);
	eb_test_run_result_release(&res);

	/* a context field tc may not set from user space: EINVAL */
	in.ctx_size = sizeof(ctx);
	ctx.len = 1234;
	assert_int_equal(eb_prog_test_run(prog, &in, &res), -EINVAL);
	assert_null(res.data_out);
	close(prog);
}

/* repeat runs the program that many times: run_cnt says so. */
static void test_repeat_and_duration(void **state)
{
	struct eb_test_run_result res;
	struct eb_test_run_in in;
	struct eb_prog_info pi;
	uint8_t pkt[64];
	uint64_t before;
	int prog, stats;

	(void)state;
	TU_REQUIRE_BPF();
	prog = tu_prog_load_const(BPF_PROG_TYPE_SOCKET_FILTER, 0, 0x7f, "eb_tr_repeat");
	assert_true(prog >= 0);
	stats = eb_sys_enable_stats(BPF_STATS_RUN_TIME);
	assert_true(stats >= 0);
	assert_int_equal(eb_prog_info_by_fd(prog, &pi), 0);
	before = pi.run_cnt;
	eb_prog_info_release(&pi);

	fill_packet(pkt, sizeof(pkt));
	memset(&in, 0, sizeof(in));
	in.data = pkt;
	in.data_size = sizeof(pkt);
	in.repeat = 1000;
	assert_int_equal(eb_prog_test_run(prog, &in, &res), 0);
	assert_int_equal(res.retval, 0x7f);
	assert_true(res.duration_ns < 10000000);	/* average: < 10 ms */
	/* a socket filter gets no L2 header back: the kernel zeroes it */
	assert_int_equal(res.data_out_size, sizeof(pkt));
	assert_memory_equal(res.data_out, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 14);
	assert_memory_equal((uint8_t *)res.data_out + 14, pkt + 14, sizeof(pkt) - 14);
	eb_test_run_result_release(&res);

	assert_int_equal(eb_prog_info_by_fd(prog, &pi), 0);
	assert_int_equal(pi.run_cnt - before, 1000);
	assert_true(pi.run_time_ns > 0);
	eb_prog_info_release(&pi);

	/* repeat 0 means once */
	in.repeat = 0;
	assert_int_equal(eb_prog_test_run(prog, &in, &res), 0);
	eb_test_run_result_release(&res);
	assert_int_equal(eb_prog_info_by_fd(prog, &pi), 0);
	assert_int_equal(pi.run_cnt - before, 1001);
	eb_prog_info_release(&pi);
	close(stats);
	close(prog);
}

static void test_refusals(void **state)
{
	struct eb_test_run_result res;
	struct eb_test_run_in in;
	uint8_t pkt[64] = { 0 };
	uint64_t args[2] = { 0, 0 };
	int prog;

	(void)state;
	TU_REQUIRE_BPF();
	/* raw tracepoint programs take a context but no data */
	prog = tu_prog_load_const(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 4, "eb_tr_rawtp");
	assert_true(prog >= 0);
	memset(&in, 0, sizeof(in));
	in.data = pkt;
	in.data_size = sizeof(pkt);
	assert_int_equal(eb_prog_test_run(prog, &in, &res), -EINVAL);
	memset(&in, 0, sizeof(in));
	in.ctx = args;
	in.ctx_size = sizeof(args);
	assert_int_equal(eb_prog_test_run(prog, &in, &res), 0);
	assert_int_equal(res.retval, 4);
	assert_null(res.data_out);
	eb_test_run_result_release(&res);
	close(prog);

	/* a packet shorter than an Ethernet header */
	prog = tu_prog_load_const(BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, "eb_tr_short");
	assert_true(prog >= 0);
	memset(&in, 0, sizeof(in));
	in.data = pkt;
	in.data_size = 4;
	assert_int_equal(eb_prog_test_run(prog, &in, &res), -EINVAL);
	close(prog);
	assert_int_equal(eb_prog_test_run(-1, &in, &res), -EBADF);
}

/* A syscall program writes its context back in place: returned as ctx_out,
 * the caller's buffer untouched. */
static void test_syscall_ctx_writeback(void **state)
{
	struct bpf_insn p[] = {
		eb_insn_mov64_imm(BPF_REG_2, 0x55),
		eb_insn_stx_mem(BPF_W, BPF_REG_1, BPF_REG_2, 4),
		eb_insn_mov64_imm(BPF_REG_0, 6),
		eb_insn_exit(),
	};
	struct eb_prog_load_opts o = {
		.type = BPF_PROG_TYPE_SYSCALL, .name = "eb_tr_syscall",
		.license = "GPL", .insns = p, .insn_cnt = EB_ARRAY_SIZE(p),
		.prog_flags = BPF_F_SLEEPABLE,
	};
	struct eb_test_run_result res;
	struct eb_test_run_in in;
	uint32_t ctx[3] = { 1, 2, 3 };
	int prog;

	(void)state;
	TU_REQUIRE_BPF();
	prog = eb_sys_prog_load(&o);
	TU_SKIP_UNLESS(prog >= 0, "syscall program refused: %s", eb_strerror(prog));
	memset(&in, 0, sizeof(in));
	in.ctx = ctx;
	in.ctx_size = sizeof(ctx);
	assert_int_equal(eb_prog_test_run(prog, &in, &res), 0);
	assert_int_equal(res.retval, 6);
	assert_non_null(res.ctx_out);
	assert_int_equal(res.ctx_out_size, sizeof(ctx));
	assert_memory_equal(res.ctx_out, "\1\0\0\0\x55\0\0\0\3\0\0\0", 12);
	assert_int_equal(ctx[1], 2);
	eb_test_run_result_release(&res);
	/* syscall programs refuse ctx_out */
	in.want_ctx_out = true;
	assert_int_equal(eb_prog_test_run(prog, &in, &res), -EINVAL);
	close(prog);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xdp_map_value),
		cmocka_unit_test(test_output_grows),
		cmocka_unit_test(test_ctx_in_out),
		cmocka_unit_test(test_repeat_and_duration),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_syscall_ctx_writeback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
