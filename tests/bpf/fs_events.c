// SPDX-License-Identifier: GPL-2.0
/*
 * fs_events.c - samples for tests/fs_events.sh (maps/NAME/events).
 *
 * Config (fse_cfg, ARRAY of 4 u32, written through the mount):
 *   [0] the tgid whose syscalls count (0: nobody)
 *   [1] samples per getppid() (0: 1)
 * Program fse_getppid: SEC("tracepoint/syscalls/sys_enter_getppid"): for
 *   each getppid() of that tgid, `burst` struct fse_event samples, each
 *   sent to both fse_pa (perf event array) and fse_rb (ring buffer).
 *   seq counts from 0 (fse_cnt[0]); pair = { seq & 0xffff, -seq }, neg =
 *   -(seq + 1), kind FSE_PING for even seq and FSE_PONG for odd, bytes =
 *   { 1, 2, 3 }, flag = seq odd.  fse_cnt[1] / [2] count the perf outputs
 *   / ring outputs that failed.
 * Program fse_drain: SEC("tracepoint/syscalls/sys_enter_getpgid"): for a
 *   getpgid() of that tgid, drain fse_urb (user ring buffer) into fse_usum:
 *   [0] samples, [1] sum of their first u64, [3] samples shorter than
 *   8 bytes ([2] unused).
 * fse_last holds the last event (and puts struct fse_event into the BTF).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum fse_kind {
	FSE_PING = 1,
	FSE_PONG = 2,
};

struct fse_pair {
	__u16 a;
	__s16 b;
};

struct fse_event {
	__u32 pid;
	__u32 seq;
	char comm[16];
	struct fse_pair pair;
	__s32 neg;
	enum fse_kind kind;
	__u8 bytes[3];
	_Bool flag;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} fse_pa SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} fse_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} fse_urb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} fse_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} fse_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} fse_usum SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fse_event);
} fse_last SEC(".maps");

static __always_inline __u32 cfg(__u32 idx)
{
	__u32 *v = bpf_map_lookup_elem(&fse_cfg, &idx);

	return v ? *v : 0;
}

static __always_inline void bump(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&fse_cnt, &idx);

	if (c)
		__sync_fetch_and_add(c, 1);
}

struct emit_ctx {
	void *ctx;
	__u32 pid;
};

static long emit_one(__u32 i, struct emit_ctx *ec)
{
	struct fse_event ev = {};
	__u32 zero = 0;
	__u64 *seqp = bpf_map_lookup_elem(&fse_cnt, &zero);
	__u64 seq;

	if (!seqp)
		return 1;
	seq = __sync_fetch_and_add(seqp, 1);
	ev.pid = ec->pid;
	ev.seq = (__u32)seq;
	bpf_get_current_comm(ev.comm, sizeof(ev.comm));
	ev.pair.a = (__u16)seq;
	ev.pair.b = -(__s16)seq;
	ev.neg = -(__s32)seq - 1;
	ev.kind = seq & 1 ? FSE_PONG : FSE_PING;
	ev.bytes[0] = 1;
	ev.bytes[1] = 2;
	ev.bytes[2] = 3;
	ev.flag = seq & 1;
	if (bpf_perf_event_output(ec->ctx, &fse_pa, BPF_F_CURRENT_CPU, &ev, sizeof(ev)))
		bump(1);
	if (bpf_ringbuf_output(&fse_rb, &ev, sizeof(ev), 0))
		bump(2);
	bpf_map_update_elem(&fse_last, &zero, &ev, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int fse_getppid(void *ctx)
{
	struct emit_ctx ec = { .ctx = ctx };
	__u32 burst;

	ec.pid = bpf_get_current_pid_tgid() >> 32;
	if (!ec.pid || ec.pid != cfg(0))
		return 0;
	burst = cfg(1);
	bpf_loop(burst ? burst : 1, emit_one, &ec, 0);
	return 0;
}

static __always_inline void add(__u32 idx, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(&fse_usum, &idx);

	if (p)
		__sync_fetch_and_add(p, v);
}

static long drain_one(struct bpf_dynptr *d, void *ctx)
{
	__u64 first = 0;

	add(0, 1);
	if (bpf_dynptr_read(&first, sizeof(first), d, 0, 0))
		add(3, 1);
	else
		add(1, first);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int fse_drain(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (!pid || pid != cfg(0))
		return 0;
	bpf_user_ringbuf_drain(&fse_urb, drain_one, NULL, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
