/* SPDX-License-Identifier: MIT */
/*
 * testrun.h - run a loaded program on given input (BPF_PROG_TEST_RUN).
 *
 * A convenience layer over eb_sys_prog_test_run(): the output buffers are
 * allocated here and grown when the kernel says they were too small
 * (-ENOSPC with the needed size), and the results come back in a struct
 * the caller releases.
 *
 * The caller's input buffers are never written (the context is copied).
 *
 * Note: growing re-runs the program, so side effects (map updates) of a
 * run whose output did not fit happen once more.  Pass out_size_hint to
 * avoid that when the output size is known.
 */
#ifndef EB_TESTRUN_H
#define EB_TESTRUN_H

#include <stdbool.h>
#include <stdint.h>

struct eb_test_run_in {
	const void *data;		/* packet / input; NULL: none */
	uint32_t data_size;
	const void *ctx;		/* context (e.g. struct __sk_buff,
					 * struct xdp_md); NULL: none */
	uint32_t ctx_size;
	bool want_ctx_out;		/* ask for the context after the run
					 * (types that support ctx_out) */
	uint32_t out_size_hint;		/* first data_out size; 0: data_size
					 * + 512 */
	uint32_t repeat;		/* runs; 0 means 1 */
	uint32_t flags;			/* BPF_F_TEST_RUN_ON_CPU, ... */
	uint32_t cpu;
	uint32_t batch_size;		/* XDP live frames */
};

struct eb_test_run_result {
	uint32_t retval;		/* the program's return value (last run) */
	uint32_t duration_ns;		/* average over `repeat` runs */
	void *data_out;			/* allocated; NULL when no data was given */
	uint32_t data_out_size;
	void *ctx_out;			/* allocated; NULL unless want_ctx_out,
					 * or the program changed its context
					 * in place (syscall programs, which
					 * take no ctx_out: the kernel writes
					 * back into the input) */
	uint32_t ctx_out_size;
};

/*
 * Run prog_fd once (or `repeat` times) on *in.  Data output is requested
 * whenever data is given.  Returns 0 and fills *res (release it with
 * eb_test_run_result_release()), or -errno with *res zeroed: -EINVAL for
 * input the program type refuses (e.g. data for a raw tracepoint
 * program), -ENOTSUPP (524) for types without test runs, -ENOSPC if the
 * output still did not fit after growing.
 */
int eb_prog_test_run(int prog_fd, const struct eb_test_run_in *in,
		     struct eb_test_run_result *res);
/* Free the result's buffers.  Safe to call twice. */
void eb_test_run_result_release(struct eb_test_run_result *res);

#endif
