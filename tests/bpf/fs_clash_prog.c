// SPDX-License-Identifier: GPL-2.0
/*
 * fs_clash_prog.c - a program name that clashes with xdp_count.c's.
 *
 * Program: xdp_count, SEC("xdp"), retval 2: loaded next to
 * xdp_count.bpf.o in one ebpfs mount it must fail with EEXIST.
 * Map: clash_prog_map ARRAY key u32, value u32, 1 entry (a name no other
 * test object uses, so a test sees whether a failed load left it behind).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} clash_prog_map SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u32 *val = bpf_map_lookup_elem(&clash_prog_map, &key);

	if (val)
		*val += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
