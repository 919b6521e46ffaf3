// SPDX-License-Identifier: GPL-2.0
/*
 * ev_user.c - drain a user ring buffer.
 *
 * Map ev_urb: USER_RINGBUF of 8192 bytes; samples written from user space
 *   start with struct ev_usample { u32 seq; u32 len; u64 val; }.
 * Map ev_usum: ARRAY of 8 u64:
 *   [0] samples drained (all calls), [1] sum of val, [2] sum of len,
 *   [3] samples whose seq was not the previous one + 1 (order breaks),
 *   [4] samples too short to read, [5] the last drain's return value,
 *   [6] the last seq seen + 1 (0 before any).
 * Program ev_drain: SEC("raw_tp/sys_enter"), run by test run (never
 *   attached): one bpf_user_ringbuf_drain() of ev_urb.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ev_usample {
	__u32 seq;
	__u32 len;
	__u64 val;
};

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 8192);
} ev_urb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} ev_usum SEC(".maps");

static __always_inline void add(__u32 idx, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(&ev_usum, &idx);

	if (p)
		*p += v;
}

static __always_inline void set(__u32 idx, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(&ev_usum, &idx);

	if (p)
		*p = v;
}

static long drain_one(struct bpf_dynptr *d, void *ctx)
{
	struct ev_usample s;
	__u32 idx = 6;
	__u64 *next;

	if (bpf_dynptr_read(&s, sizeof(s), d, 0, 0)) {
		add(4, 1);
		return 0;
	}
	next = bpf_map_lookup_elem(&ev_usum, &idx);
	if (!next)
		return 1;
	if (*next && s.seq != *next)
		add(3, 1);
	*next = (__u64)s.seq + 1;
	add(0, 1);
	add(1, s.val);
	add(2, s.len);
	return 0;
}

SEC("raw_tp/sys_enter")
int ev_drain(void *ctx)
{
	long ret = bpf_user_ringbuf_drain(&ev_urb, drain_one, NULL, 0);

	set(5, (__u64)ret);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
