// SPDX-License-Identifier: GPL-2.0
/*
 * tp_btf.c - a BTF-enabled raw tracepoint (attach BTF id of
 * btf_trace_sched_switch) reading its typed arguments directly.
 * Program: tpb_switch: .bss `switches` += 1, `last_next_pid` = next->pid.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 switches;
__s32 last_next_pid;

SEC("tp_btf/sched_switch")
int BPF_PROG(tpb_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__sync_fetch_and_add(&switches, 1);
	last_next_pid = next->pid;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
