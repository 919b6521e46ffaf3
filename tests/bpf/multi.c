// SPDX-License-Identifier: GPL-2.0
/*
 * multi.c - several programs in one section and across sections.
 *
 * Programs (name, section, test-run retval):
 *   multi_pass   xdp     2 (XDP_PASS)
 *   multi_drop   xdp     1 (XDP_DROP)
 *   multi_tx     xdp     3 (XDP_TX)
 *   multi_sock1  socket  1
 *   multi_sock2  socket  2
 *   multi_raw    raw_tp/sys_enter   0
 *   multi_tp     tracepoint/syscalls/sys_enter_getppid   0
 * Map: multi_hits ARRAY key 4, value 8, 8 entries; program number i
 * (0..6, in the order above) adds 1 to multi_hits[i] per run.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} multi_hits SEC(".maps");

static __always_inline void hit(__u32 key)
{
	__u64 *val = bpf_map_lookup_elem(&multi_hits, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
}

SEC("xdp")
int multi_pass(struct xdp_md *ctx)
{
	hit(0);
	return XDP_PASS;
}

SEC("xdp")
int multi_drop(struct xdp_md *ctx)
{
	hit(1);
	return XDP_DROP;
}

SEC("xdp")
int multi_tx(struct xdp_md *ctx)
{
	hit(2);
	return XDP_TX;
}

SEC("socket")
int multi_sock1(struct __sk_buff *skb)
{
	hit(3);
	return 1;
}

SEC("socket")
int multi_sock2(struct __sk_buff *skb)
{
	hit(4);
	return 2;
}

SEC("raw_tp/sys_enter")
int multi_raw(void *ctx)
{
	hit(5);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int multi_tp(void *ctx)
{
	hit(6);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
