// SPDX-License-Identifier: GPL-2.0
/*
 * fs_clash_type.c - m_pinned of maps_btf.c / fs_share.c with another type.
 *
 * Map: m_pinned ARRAY key u32, value u32, 8 entries, pinning
 * LIBBPF_PIN_BY_NAME: the name and sizes of the shared HASH map, but not
 * its type, so an ebpfs mount holding maps_btf.bpf.o must refuse this
 * object (EINVAL: "has type 1, the object wants 2").
 * Program: clash_type_prog, SEC("xdp"), retval 2.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} m_pinned SEC(".maps");

SEC("xdp")
int clash_type_prog(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u32 *val = bpf_map_lookup_elem(&m_pinned, &key);

	if (val)
		*val = 99;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
