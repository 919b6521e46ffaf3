// SPDX-License-Identifier: GPL-2.0
/*
 * knobs.c - const volatile knobs (.rodata), set before load by tools and
 * read-only for the program, next to .data and .bss state.
 *
 * Program: knobs_xdp, SEC("xdp"): returns XDP_DROP (1) when `drop_all`
 *   is set, else XDP_PASS (2); counts packets in .bss `packets`, and
 *   adds `step` (.data, 3) to .bss `total` per packet while
 *   packets <= `max_packets` (.rodata, 100).
 * Program: knobs_sock, SEC("socket"): returns `snap_len` (.rodata, 64).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile __u32 drop_all = 0;
const volatile __u32 max_packets = 100;
const volatile __u32 snap_len = 64;
__u32 step = 3;
__u64 packets, total;

SEC("xdp")
int knobs_xdp(struct xdp_md *ctx)
{
	__u64 n = __sync_fetch_and_add(&packets, 1) + 1;

	if (n <= max_packets)
		__sync_fetch_and_add(&total, step);
	return drop_all ? XDP_DROP : XDP_PASS;
}

SEC("socket")
int knobs_sock(struct __sk_buff *skb)
{
	return snap_len;
}

char LICENSE[] SEC("license") = "GPL";
