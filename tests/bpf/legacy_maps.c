// SPDX-License-Identifier: GPL-2.0
/*
 * legacy_maps.c - maps declared the old way, as struct bpf_map_def
 * records in SEC("maps") (no BTF for the maps themselves).
 *
 * Maps (name, type, key size, value size, max entries, flags):
 *   legacy_cnt    ARRAY  4  8  2   0
 *   legacy_hash   HASH   4  4  32  0
 *   legacy_lru    LRU_HASH 8 8 16  0
 *
 * Program: legacy_filter, SEC("socket"), type SOCKET_FILTER.
 * Under BPF_PROG_TEST_RUN: retval = the packet length (skb->len);
 * legacy_cnt[0] += 1, legacy_hash[packet length] = 1 (or +1).
 * libbpf >= 1.0 refuses SEC("maps"); the ebpfs loader accepts it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") legacy_cnt = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
};

struct bpf_map_def SEC("maps") legacy_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 32,
};

struct bpf_map_def SEC("maps") legacy_lru = {
	.type = BPF_MAP_TYPE_LRU_HASH,
	.key_size = sizeof(__u64),
	.value_size = sizeof(__u64),
	.max_entries = 16,
};

SEC("socket")
int legacy_filter(struct __sk_buff *skb)
{
	__u32 key = 0, len = skb->len, one = 1, *hv;
	__u64 k64 = len, *val;

	val = bpf_map_lookup_elem(&legacy_cnt, &key);
	if (val)
		__sync_fetch_and_add(val, 1);

	hv = bpf_map_lookup_elem(&legacy_hash, &len);
	if (hv)
		__sync_fetch_and_add(hv, 1);
	else
		bpf_map_update_elem(&legacy_hash, &len, &one, BPF_ANY);

	bpf_map_update_elem(&legacy_lru, &k64, &k64, BPF_ANY);

	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
