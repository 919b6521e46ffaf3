// SPDX-License-Identifier: GPL-2.0
/*
 * tracepoint.c - tracepoint and raw tracepoint counters.
 *
 * Map: tp_counts ARRAY key 4, value 8, 2 entries:
 *      [0] getppid() calls seen by tp_getppid,
 *      [1] syscalls seen by raw_sys_enter.
 * Program: tp_getppid, SEC("tracepoint/syscalls/sys_enter_getppid"),
 *          type TRACEPOINT, returns 0.
 * Program: raw_sys_enter, SEC("raw_tp/sys_enter"), type
 *          RAW_TRACEPOINT, returns 0.  Under BPF_PROG_TEST_RUN (raw_tp
 *          supports it, no input): retval 0 and tp_counts[1] += 1.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} tp_counts SEC(".maps");

static __always_inline void bump(__u32 key)
{
	__u64 *val = bpf_map_lookup_elem(&tp_counts, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_getppid(void *ctx)
{
	bump(0);
	return 0;
}

SEC("raw_tp/sys_enter")
int raw_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	bump(1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
