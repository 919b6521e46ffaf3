// SPDX-License-Identifier: GPL-2.0
/*
 * fs_clash_pin.c - xdp_count.c's `counts`, declared LIBBPF_PIN_BY_NAME.
 *
 * Map: counts ARRAY key u32, value u64, 4 entries (xdp_count.c's
 * definition) with pinning LIBBPF_PIN_BY_NAME.  xdp_count.c's map is not
 * pinned by name, so sharing needs both to declare it: an ebpfs mount
 * holding xdp_count.bpf.o must refuse this object with EEXIST.
 * Program: clash_pin_prog, SEC("xdp"), retval 2.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} counts SEC(".maps");

SEC("xdp")
int clash_pin_prog(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 *val = bpf_map_lookup_elem(&counts, &key);

	if (val)
		*val = 99;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
