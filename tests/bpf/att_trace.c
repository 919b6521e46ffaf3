// SPDX-License-Identifier: GPL-2.0
/*
 * att_trace.c - tracing programs for the attach tests (test_attach.c).
 *
 * att_cfg (ARRAY u32 -> u64, 4): [0] the tgid to count (the test's pid),
 *   [1] byte offset of tgid in struct task_struct (from vmlinux BTF).
 * trace_counts (ARRAY u32 -> u64, 8):
 *   [0] tp_getppid   SEC("tracepoint/syscalls/sys_enter_getppid"): getppid()
 *                    calls of tgid att_cfg[0]
 *   [1] raw_getppid  SEC("raw_tp/sys_enter"): the same through raw_tp
 *                    (args[1] == 110, __NR_getppid on x86_64)
 *   [2] up_target    SEC("uprobe"): calls of the probed function
 *   [3] upret_target SEC("uretprobe"): returns of the probed function
 *   [4]              the sum of the values it returned (rax)
 *   [5] tp_getppid2  like tp_getppid (the replacement for update tests)
 * iter_tasks SEC("iter/task"): prints "tgid N\n" for every task.
 */
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} att_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} trace_counts SEC(".maps");

static __always_inline __u64 cfg(__u32 key)
{
	__u64 *val = bpf_map_lookup_elem(&att_cfg, &key);

	return val ? *val : 0;
}

static __always_inline void add(__u32 key, __u64 n)
{
	__u64 *val = bpf_map_lookup_elem(&trace_counts, &key);

	if (val)
		__sync_fetch_and_add(val, n);
}

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == cfg(0);
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_getppid(void *ctx)
{
	if (mine())
		add(0, 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_getppid2(void *ctx)
{
	if (mine())
		add(5, 1);
	return 0;
}

SEC("raw_tp/sys_enter")
int raw_getppid(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == 110 && mine())
		add(1, 1);
	return 0;
}

SEC("uprobe")
int up_target(struct pt_regs *ctx)
{
	add(2, 1);
	return 0;
}

SEC("uretprobe")
int upret_target(struct pt_regs *ctx)
{
	add(3, 1);
	add(4, ctx->rax);
	return 0;
}

struct bpf_iter_meta___att {
	void *seq;
	__u64 session_id;
	__u64 seq_num;
};

struct bpf_iter__task___att {
	struct bpf_iter_meta___att *meta;
	void *task;
};

SEC("iter/task")
int iter_tasks(struct bpf_iter__task___att *ctx)
{
	static const char fmt[] = "tgid %u\n";
	void *task = ctx->task;
	__u64 off = cfg(1), data[1];
	__u32 tgid = 0;

	if (!task || !off || off > 65536)
		return 0;
	bpf_probe_read_kernel(&tgid, sizeof(tgid), task + off);
	data[0] = tgid;
	bpf_seq_printf(ctx->meta->seq, fmt, sizeof(fmt), data, sizeof(data));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
