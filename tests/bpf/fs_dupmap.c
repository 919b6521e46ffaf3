// SPDX-License-Identifier: GPL-2.0
/*
 * fs_dupmap.c - a map name that clashes with xdp_count.c's `counts`.
 *
 * Map: counts ARRAY key u32, value u64, 4 entries, no pinning: loaded
 * next to xdp_count.bpf.o in one ebpfs mount it must fail with EEXIST.
 * Program: dup_prog, SEC("xdp"), retval 2.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("xdp")
int dup_prog(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&counts, &key);

	if (val)
		*val += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
