// SPDX-License-Identifier: GPL-2.0
/*
 * fs_longkey.c - a map whose keys are too long to be file names in hex.
 *
 * Map: long_keys HASH key struct long_key (200 bytes: 400 hex digits,
 * past NAME_MAX), value u32, 8 entries: ebpfs names its keys by the
 * fallback "<200 hex digits>~<FNV-1a 64 hash>" (tests/fs_maps.sh).
 * Program: longkey_prog, SEC("xdp"): counts packets under key 0, retval 2.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct long_key {
	__u8 bytes[200];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, struct long_key);
	__type(value, __u32);
} long_keys SEC(".maps");

SEC("xdp")
int longkey_prog(struct xdp_md *ctx)
{
	struct long_key key = {};
	__u32 *val = bpf_map_lookup_elem(&long_keys, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
