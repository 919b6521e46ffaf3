// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_hello.c - the example object of README.md's first command.
 *
 * One XDP program, hello_xdp, counts every packet it sees into the
 * ARRAY map hello_count (key 0: packets, key 1: bytes) and lets the
 * packet through (XDP_PASS).  Built by meson into
 * build/tools/xdp_hello.bpf.o:
 *
 *     ebpfctl obj show build/tools/xdp_hello.bpf.o
 *     ebpfctl obj load build/tools/xdp_hello.bpf.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} hello_count SEC(".maps");

SEC("xdp")
int hello_xdp(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *val;

	val = bpf_map_lookup_elem(&hello_count, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	key = 1;
	val = bpf_map_lookup_elem(&hello_count, &key);
	if (val)
		__sync_fetch_and_add(val, ctx->data_end - ctx->data);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
