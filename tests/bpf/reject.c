// SPDX-License-Identifier: GPL-2.0
/*
 * reject.c - valid C that the verifier must refuse.
 *
 * Program: reject_null, SEC("xdp"): dereferences a map value without
 * checking bpf_map_lookup_elem()'s result for NULL.  Loading fails with
 * EACCES; the verifier log says "invalid mem access 'map_value_or_null'".
 * Map: reject_map HASH key 4, value 8, 4 entries (created, then released
 * when the load fails).  A HASH, not an ARRAY: recent kernels prove an
 * ARRAY lookup with a constant in-range key non-NULL and would accept it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} reject_map SEC(".maps");

SEC("xdp")
int reject_null(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&reject_map, &key);

	*val += 1;	/* no NULL check: the verifier refuses this */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
