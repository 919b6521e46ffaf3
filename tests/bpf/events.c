// SPDX-License-Identifier: GPL-2.0
/*
 * events.c - samples to a perf event array and to a ring buffer.
 *
 * Maps: ev_perf  PERF_EVENT_ARRAY key 4, value 4 (one entry per CPU)
 *       ev_ring  RINGBUF 8192 bytes
 * Sample layout (both): struct event { u32 pid; u32 kind; u64 seq; }
 *       16 bytes; kind 1 from the perf program, 2 from the ring one.
 *
 * Program: ev_perf_tp, SEC("tracepoint/syscalls/sys_enter_getppid"):
 *          one 16-byte perf sample per getppid() call, returns 0.
 * Program: ev_ring_tp, SEC("raw_tp/sys_enter"): one ring buffer
 *          sample (reserve/submit) per syscall of any kind, returns 0.
 * Program: ev_ring_xdp, SEC("xdp"): bpf_ringbuf_output of one sample
 *          (pid 0, kind 3, seq = packet length); retval 2 (XDP_PASS),
 *          so a test run produces a known sample.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 pid;
	__u32 kind;
	__u64 seq;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} ev_perf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8192);
} ev_ring SEC(".maps");

__u64 ev_seq;

SEC("tracepoint/syscalls/sys_enter_getppid")
int ev_perf_tp(void *ctx)
{
	struct event e = {
		.pid = bpf_get_current_pid_tgid() >> 32,
		.kind = 1,
		.seq = __sync_fetch_and_add(&ev_seq, 1),
	};

	bpf_perf_event_output(ctx, &ev_perf, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

SEC("raw_tp/sys_enter")
int ev_ring_tp(void *ctx)
{
	struct event *e;

	e = bpf_ringbuf_reserve(&ev_ring, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->kind = 2;
	e->seq = __sync_fetch_and_add(&ev_seq, 1);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("xdp")
int ev_ring_xdp(struct xdp_md *ctx)
{
	struct event e = {
		.pid = 0,
		.kind = 3,
		.seq = ctx->data_end - ctx->data,
	};

	bpf_ringbuf_output(&ev_ring, &e, sizeof(e), 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
