// SPDX-License-Identifier: GPL-2.0
/*
 * shared_subprogs.c - several programs in several sections sharing
 * subprograms: a static helper, a global (separately verified) function
 * and a callback, each linked into every program that reaches it.
 *
 *   ss_xdp   SEC("xdp")       returns mix(2) = 2 * 3 + 1 = 7
 *   ss_sock  SEC("socket")    returns mix(4) + glob_add(1, 2) = 13 + 3 = 16
 *   ss_tc    SEC("tc")        returns glob_add(20, 1) + loop_sum(4) = 21 + 10 = 31
 *   ss_tc2   SEC("tc")        returns loop_sum(3) = 6
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

static __noinline int mix(int x)
{
	return x * 3 + 1;
}

__noinline int glob_add(int a, int b)
{
	return a + b;
}

struct loop_ctx {
	int sum;
};

static long add_idx(__u32 idx, void *data)
{
	struct loop_ctx *c = data;

	c->sum += idx + 1;
	return 0;
}

static __noinline int loop_sum(int n)
{
	struct loop_ctx c = { 0 };

	bpf_loop(n, add_idx, &c, 0);
	return c.sum;
}

SEC("xdp")
int ss_xdp(struct xdp_md *ctx)
{
	return mix(2);
}

SEC("socket")
int ss_sock(struct __sk_buff *skb)
{
	return mix(4) + glob_add(1, 2);
}

SEC("tc")
int ss_tc(struct __sk_buff *skb)
{
	return glob_add(20, 1) + loop_sum(4);
}

SEC("tc")
int ss_tc2(struct __sk_buff *skb)
{
	return loop_sum(3);
}

char LICENSE[] SEC("license") = "GPL";
