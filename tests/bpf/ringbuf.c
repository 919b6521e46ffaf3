// SPDX-License-Identifier: GPL-2.0
/*
 * ringbuf.c - ring buffers both ways: a producer (bpf_ringbuf_reserve /
 * submit into `rb_events`) and a consumer of a user ring buffer
 * (bpf_user_ringbuf_drain of `rb_user`, samples summed into .bss).
 *
 * Program: rb_produce, SEC("tracepoint/syscalls/sys_enter_getpid"):
 *   submits struct rb_event { pid, seq } per call.
 * Program: rb_consume, SEC("tracepoint/syscalls/sys_enter_getppid"):
 *   drains `rb_user`; .bss `drained` += samples, `sum` += each u64 sample.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct rb_event {
	__u32 pid;
	__u32 seq;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} rb_user SEC(".maps");

__u32 seq;
__u64 drained, sum;

SEC("tracepoint/syscalls/sys_enter_getpid")
int rb_produce(void *ctx)
{
	struct rb_event *e = bpf_ringbuf_reserve(&rb_events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->seq = seq++;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static long consume_one(struct bpf_dynptr *dynptr, void *ctx)
{
	__u64 v = 0;

	if (bpf_dynptr_read(&v, sizeof(v), dynptr, 0, 0))
		return 1;
	__sync_fetch_and_add(&sum, v);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int rb_consume(void *ctx)
{
	long n = bpf_user_ringbuf_drain(&rb_user, consume_one, NULL, 0);

	if (n > 0)
		__sync_fetch_and_add(&drained, n);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
