// SPDX-License-Identifier: GPL-2.0
/*
 * subprogs.c - BPF-to-BPF calls.
 *
 *   sub_double   static __noinline: 2 * x
 *   sub_add3     static __noinline: sub_double(x) + 3   (nested call)
 *   sub_global   global __noinline (its own BTF FUNC, verified apart):
 *                x * 10 + 1
 *
 * Program: sub_xdp, SEC("xdp"): retval 31 = sub_add3(4) + sub_global(2) - 1
 *          = (8 + 3) + 21 - 1.
 * Program: sub_sock, SEC("socket"): retval 35 = sub_global(3) + sub_double(2)
 *          = 31 + 4.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline int sub_double(int x)
{
	return 2 * x;
}

static __noinline int sub_add3(int x)
{
	return sub_double(x) + 3;
}

__noinline int sub_global(int x)
{
	return x * 10 + 1;
}

SEC("xdp")
int sub_xdp(struct xdp_md *ctx)
{
	return sub_add3(4) + sub_global(2) - 1;
}

SEC("socket")
int sub_sock(struct __sk_buff *skb)
{
	return sub_global(3) + sub_double(2);
}

char LICENSE[] SEC("license") = "GPL";
