// SPDX-License-Identifier: GPL-2.0
/*
 * ev_emit.c - samples of known contents for the event reader tests.
 *
 * Config (ev_cfg, ARRAY of 1 struct ev_cfg, written by the test):
 *   pid    only getppid() calls of this tgid emit (ev_getppid)
 *   size   payload bytes, 24..255 (smaller: 24)
 *   burst  samples per trigger (0: 1)
 *   mode   EV_PERF: bpf_perf_event_output to ev_pa (BPF_F_CURRENT_CPU)
 *          EV_RING: bpf_ringbuf_output of `size` bytes to ev_rb
 *          EV_RING_RESERVE: reserve 32 bytes in ev_rb, fill, and submit
 *                  even sequence numbers, discard odd ones
 * Payload: struct ev_hdr { u64 seq; u32 cpu; u32 size; u64 ktime; }, then
 *   byte i (24 <= i < size) = (seq + i) & 0xff.  seq counts from 0 over
 *   every sample of every program (ev_cnt[EV_SEQ]).
 * Counters (ev_cnt, ARRAY of u64): EV_SEQ next seq, EV_PERF_OK / EV_PERF_ERR
 *   perf outputs that succeeded / failed, EV_RING_OK / EV_RING_ERR ring
 *   outputs or reserves that succeeded / failed.
 *
 * Program ev_getppid: SEC("tracepoint/syscalls/sys_enter_getppid"), emits
 *   `burst` samples when the caller's tgid is cfg.pid.
 * Program ev_burst: SEC("raw_tp/sys_enter"), never attached: a test run
 *   (BPF_F_TEST_RUN_ON_CPU) emits `burst` samples on that CPU.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define EV_PERF		1
#define EV_RING		2
#define EV_RING_RESERVE	4
#define EV_MAX		256

#define EV_SEQ		0
#define EV_PERF_OK	1
#define EV_PERF_ERR	2
#define EV_RING_OK	3
#define EV_RING_ERR	4

struct ev_cfg {
	__u32 pid;
	__u32 size;
	__u32 burst;
	__u32 mode;
};

struct ev_hdr {
	__u64 seq;
	__u32 cpu;
	__u32 size;
	__u64 ktime;
};

struct ev_small {
	struct ev_hdr h;
	__u64 tail;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} ev_pa SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ev_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ev_cfg);
} ev_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} ev_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[EV_MAX]);
} ev_buf SEC(".maps");

struct ev_loop {
	void *ctx;
	struct ev_cfg *cfg;
};

static __always_inline __u64 *counter(__u32 idx)
{
	return bpf_map_lookup_elem(&ev_cnt, &idx);
}

static __always_inline void bump(__u32 idx)
{
	__u64 *c = counter(idx);

	if (c)
		__sync_fetch_and_add(c, 1);
}

static __always_inline void emit_reserve(__u64 seq, __u32 cpu)
{
	struct ev_small *e;

	e = bpf_ringbuf_reserve(&ev_rb, sizeof(*e), 0);
	if (!e) {
		bump(EV_RING_ERR);
		return;
	}
	e->h.seq = seq;
	e->h.cpu = cpu;
	e->h.size = sizeof(*e);
	e->h.ktime = bpf_ktime_get_ns();
	e->tail = ~seq;
	if (seq & 1) {
		bpf_ringbuf_discard(e, 0);
	} else {
		bpf_ringbuf_submit(e, 0);
		bump(EV_RING_OK);
	}
}

static long emit_one(__u32 i, struct ev_loop *l)
{
	struct ev_cfg *cfg = l->cfg;
	struct ev_hdr *h;
	__u32 zero = 0, size, j;
	__u64 *seqp, seq;
	__u8 *buf;

	seqp = counter(EV_SEQ);
	if (!seqp)
		return 1;
	seq = __sync_fetch_and_add(seqp, 1);
	if (cfg->mode & EV_RING_RESERVE) {
		emit_reserve(seq, bpf_get_smp_processor_id());
		return 0;
	}
	buf = bpf_map_lookup_elem(&ev_buf, &zero);
	if (!buf)
		return 1;
	size = cfg->size;
	if (size < sizeof(*h))
		size = sizeof(*h);
	size &= EV_MAX - 1;
	h = (struct ev_hdr *)buf;
	h->seq = seq;
	h->cpu = bpf_get_smp_processor_id();
	h->size = size;
	h->ktime = bpf_ktime_get_ns();
	for (j = sizeof(*h); j < EV_MAX; j++)
		buf[j] = (seq + j) & 0xff;
	if (cfg->mode & EV_PERF) {
		if (bpf_perf_event_output(l->ctx, &ev_pa, BPF_F_CURRENT_CPU, buf, size))
			bump(EV_PERF_ERR);
		else
			bump(EV_PERF_OK);
	}
	if (cfg->mode & EV_RING) {
		if (bpf_ringbuf_output(&ev_rb, buf, size, 0))
			bump(EV_RING_ERR);
		else
			bump(EV_RING_OK);
	}
	return 0;
}

static __always_inline int emit(void *ctx, struct ev_cfg *cfg)
{
	struct ev_loop l = { .ctx = ctx, .cfg = cfg };

	bpf_loop(cfg->burst ? cfg->burst : 1, emit_one, &l, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int ev_getppid(void *ctx)
{
	__u32 zero = 0;
	struct ev_cfg *cfg = bpf_map_lookup_elem(&ev_cfg, &zero);

	if (!cfg || cfg->pid != bpf_get_current_pid_tgid() >> 32)
		return 0;
	return emit(ctx, cfg);
}

SEC("raw_tp/sys_enter")
int ev_burst(void *ctx)
{
	__u32 zero = 0;
	struct ev_cfg *cfg = bpf_map_lookup_elem(&ev_cfg, &zero);

	if (!cfg)
		return 0;
	return emit(ctx, cfg);
}

char LICENSE[] SEC("license") = "GPL";
