// SPDX-License-Identifier: GPL-2.0
/*
 * loop_cb.c - bpf_loop with a static callback.
 *
 * Program: loop_sum, SEC("xdp").  The callback adds i + 1 for
 * i = 0 .. N-1 into a context struct, N = 10.
 * Under BPF_PROG_TEST_RUN: retval 55 (1 + 2 + ... + 10).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define N 10

struct loop_ctx {
	__u64 sum;
};

static int sum_cb(__u32 index, void *data)
{
	struct loop_ctx *c = data;

	c->sum += index + 1;
	return 0;
}

SEC("xdp")
int loop_sum(struct xdp_md *ctx)
{
	struct loop_ctx c = { .sum = 0 };

	bpf_loop(N, sum_cb, &c, 0);
	return c.sum;
}

char LICENSE[] SEC("license") = "GPL";
