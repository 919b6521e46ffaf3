// SPDX-License-Identifier: GPL-2.0
/*
 * fs_share.c - shares a map with maps_btf.c through LIBBPF_PIN_BY_NAME.
 *
 * Map: m_pinned HASH key u32, value u32, 8 entries, pinning
 * LIBBPF_PIN_BY_NAME (the same definition as in maps_btf.c), so an
 * ebpfs mount holding both objects shows one maps/m_pinned owned by both.
 * Program: share_touch, SEC("xdp").  Under BPF_PROG_TEST_RUN: retval 2;
 * m_pinned[1] = 11.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} m_pinned SEC(".maps");

SEC("xdp")
int share_touch(struct xdp_md *ctx)
{
	__u32 key = 1, val = 11;

	bpf_map_update_elem(&m_pinned, &key, &val, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
