// SPDX-License-Identifier: GPL-2.0
/*
 * perf_event.c - a perf_event program sampling stacks into a
 * STACK_TRACE map, counting per stack id in a hash (profiler style).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 128);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} pe_stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __s32);
	__type(value, __u64);
} pe_counts SEC(".maps");

SEC("perf_event")
int pe_sample(struct bpf_perf_event_data *ctx)
{
	__s32 id = bpf_get_stackid(ctx, &pe_stacks, 0);
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&pe_counts, &id);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&pe_counts, &id, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
