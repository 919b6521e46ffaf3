// SPDX-License-Identifier: GPL-2.0
/*
 * fs_clash_size.c - m_pinned of maps_btf.c / fs_share.c with another size.
 *
 * Map: m_pinned HASH key u32, value u64 (the shared map's value is u32),
 * 8 entries, pinning LIBBPF_PIN_BY_NAME, so an ebpfs mount holding
 * maps_btf.bpf.o must refuse this object (EINVAL: "has value_size 4,
 * the object wants 8").
 * Program: clash_size_prog, SEC("xdp"), retval 2.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} m_pinned SEC(".maps");

SEC("xdp")
int clash_size_prog(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 val = 99;

	bpf_map_update_elem(&m_pinned, &key, &val, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
