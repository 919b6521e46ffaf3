// SPDX-License-Identifier: GPL-2.0
/*
 * timer_lock.c - map values with a bpf_spin_lock and a bpf_timer (the
 * kernel needs the value's BTF for both).
 *   tl_locked  ARRAY 1: struct { bpf_spin_lock lock; u64 count; }
 *   tl_timers  HASH 4:  struct { bpf_timer t; u64 fired; }
 * Program: tl_count, SEC("tc"): count += 1 under the lock, returns
 * the new count.
 * Program: tl_arm, SEC("tc"): arms a timer for key 0 (callback adds 1 to
 * fired), returns 0.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct locked {
	struct bpf_spin_lock lock;
	__u64 count;
};

struct timed {
	struct bpf_timer t;
	__u64 fired;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked);
} tl_locked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct timed);
} tl_timers SEC(".maps");

SEC("tc")
int tl_count(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct locked *v = bpf_map_lookup_elem(&tl_locked, &key);
	__u64 n;

	if (!v)
		return 0;
	bpf_spin_lock(&v->lock);
	n = ++v->count;
	bpf_spin_unlock(&v->lock);
	return (int)n;
}

static int fire(void *map, __u32 *key, struct timed *val)
{
	__sync_fetch_and_add(&val->fired, 1);
	return 0;
}

SEC("tc")
int tl_arm(struct __sk_buff *skb)
{
	struct timed init = {}, *v;
	__u32 key = 0;

	bpf_map_update_elem(&tl_timers, &key, &init, BPF_NOEXIST);
	v = bpf_map_lookup_elem(&tl_timers, &key);
	if (!v)
		return 0;
	bpf_timer_init(&v->t, &tl_timers, 1 /* CLOCK_MONOTONIC */);
	bpf_timer_set_callback(&v->t, fire);
	bpf_timer_start(&v->t, 1000, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
