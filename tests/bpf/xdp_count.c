// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_count.c - an XDP packet counter.
 *
 * Program: xdp_count, SEC("xdp"), type XDP.
 * Maps:    counts  ARRAY  key u32, value u64, 4 entries
 *          drops   HASH   key u32, value u64, 16 entries
 *
 * Under BPF_PROG_TEST_RUN (any packet): retval 2 (XDP_PASS);
 * counts[0] grows by 1 per run, counts[1] by the packet length,
 * drops[packet length] grows by 1.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	__u32 key = 0;
	__u64 one = 1, *val;

	val = bpf_map_lookup_elem(&counts, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	key = 1;
	val = bpf_map_lookup_elem(&counts, &key);
	if (val)
		__sync_fetch_and_add(val, len);

	val = bpf_map_lookup_elem(&drops, &len);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		bpf_map_update_elem(&drops, &len, &one, BPF_NOEXIST);

	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
