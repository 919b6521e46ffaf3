// SPDX-License-Identifier: GPL-2.0
/*
 * maps_btf.c - BTF-defined maps of many types.
 *
 * Maps (name, type, key size, value size, max entries, flags):
 *   m_hash       HASH            4  8  64
 *   m_array      ARRAY           4  8  8
 *   m_pcpu_hash  PERCPU_HASH     4  8  32
 *   m_pcpu_array PERCPU_ARRAY    4  8  4
 *   m_lru_hash   LRU_HASH        8  8  128
 *   m_lpm        LPM_TRIE        8  4  16   BPF_F_NO_PREALLOC
 *   m_queue      QUEUE           0  4  8
 *   m_stack      STACK           0  8  8
 *   m_ringbuf    RINGBUF         0  0  4096
 *   m_perf       PERF_EVENT_ARRAY 4 4  (no max_entries: one per CPU)
 *   m_progs      PROG_ARRAY      4  4  4
 *   m_outer      ARRAY_OF_MAPS   4  4  2   inner: ARRAY 4/4/1
 *   m_pinned     HASH            4  4  8   pinning LIBBPF_PIN_BY_NAME
 *
 * Program: maps_use, SEC("xdp").  Under BPF_PROG_TEST_RUN: retval 2
 * (XDP_PASS); m_array[0] += 1, m_queue receives the value 7.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} m_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} m_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, __u64);
} m_pcpu_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} m_pcpu_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__type(key, __u64);
	__type(value, __u64);
} m_lru_hash SEC(".maps");

struct lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, __u32);
} m_lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 8);
	__type(value, __u32);
} m_queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 8);
	__type(value, __u64);
} m_stack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} m_ringbuf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} m_perf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} m_progs SEC(".maps");

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} m_inner SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_map);
} m_outer SEC(".maps") = {
	.values = { [0] = &m_inner },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} m_pinned SEC(".maps");

SEC("xdp")
int maps_use(struct xdp_md *ctx)
{
	struct lpm_key lk = { .prefixlen = 32, .addr = 0x0100007f };
	__u32 key = 0, qval = 7, *inner_val;
	__u64 *val, one = 1;
	void *inner;

	val = bpf_map_lookup_elem(&m_array, &key);
	if (val)
		__sync_fetch_and_add(val, 1);

	val = bpf_map_lookup_elem(&m_hash, &key);
	if (!val)
		bpf_map_update_elem(&m_hash, &key, &one, BPF_ANY);

	val = bpf_map_lookup_elem(&m_pcpu_hash, &key);
	if (!val)
		bpf_map_update_elem(&m_pcpu_hash, &key, &one, BPF_ANY);

	val = bpf_map_lookup_elem(&m_pcpu_array, &key);
	if (val)
		*val += 1;

	val = bpf_map_lookup_elem(&m_lru_hash, &one);
	if (!val)
		bpf_map_update_elem(&m_lru_hash, &one, &one, BPF_ANY);

	if (!bpf_map_lookup_elem(&m_lpm, &lk))
		bpf_map_update_elem(&m_lpm, &lk, &qval, BPF_ANY);

	bpf_map_push_elem(&m_queue, &qval, BPF_ANY);
	bpf_map_push_elem(&m_stack, &one, BPF_ANY);

	bpf_ringbuf_output(&m_ringbuf, &one, sizeof(one), 0);
	bpf_perf_event_output(ctx, &m_perf, BPF_F_CURRENT_CPU, &one, sizeof(one));

	inner = bpf_map_lookup_elem(&m_outer, &key);
	if (inner) {
		inner_val = bpf_map_lookup_elem(inner, &key);
		if (inner_val)
			*inner_val += 1;
	}

	if (!bpf_map_lookup_elem(&m_pinned, &key))
		bpf_map_update_elem(&m_pinned, &key, &qval, BPF_ANY);

	bpf_tail_call(ctx, &m_progs, 0);

	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
