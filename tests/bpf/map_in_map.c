// SPDX-License-Identifier: GPL-2.0
/*
 * map_in_map.c - maps of maps with initial values, the libbpf way.
 *
 *   mim_inner_a, mim_inner_b  ARRAY 4/8/4 (ordinary maps, also the
 *                             initial inner maps)
 *   mim_outer   ARRAY_OF_MAPS 2 slots: [0] = mim_inner_a, [1] = mim_inner_b
 *   mim_hash    HASH_OF_MAPS 8 entries, key 4: {3: mim_inner_b}
 *   mim_empty   ARRAY_OF_MAPS 4 slots, none set; its inner map template
 *               is declared inline (ARRAY 4/4/1)
 *
 * Program: mim_sock, SEC("socket"): for slot 0 and 1 of mim_outer, adds
 * 1 to element 0 of the inner map; for key 3 of mim_hash adds 10 to
 * element 1.  Returns the number of inner maps found (3 when all are set).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner mim_inner_a SEC(".maps");
struct inner mim_inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} mim_outer SEC(".maps") = {
	.values = { &mim_inner_a, &mim_inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner);
} mim_hash SEC(".maps") = {
	.values = { [3] = &mim_inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_ARRAY);
		__uint(max_entries, 1);
		__type(key, __u32);
		__type(value, __u32);
	});
} mim_empty SEC(".maps");

static int bump(void *outer, __u32 okey, __u32 ikey, __u64 by)
{
	__u64 *v;
	void *in;

	in = bpf_map_lookup_elem(outer, &okey);
	if (!in)
		return 0;
	v = bpf_map_lookup_elem(in, &ikey);
	if (v)
		__sync_fetch_and_add(v, by);
	return 1;
}

SEC("socket")
int mim_sock(struct __sk_buff *skb)
{
	__u32 key = 0;
	int n = 0;

	n += bump(&mim_outer, 0, 0, 1);
	n += bump(&mim_outer, 1, 0, 1);
	n += bump(&mim_hash, 3, 1, 10);
	if (bpf_map_lookup_elem(&mim_empty, &key))
		n += 100;
	return n;
}

char LICENSE[] SEC("license") = "GPL";
