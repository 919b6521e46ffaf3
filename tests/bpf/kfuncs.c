// SPDX-License-Identifier: GPL-2.0
/*
 * kfuncs.c - calls of kernel functions declared __ksym (kfuncs),
 * resolved against the kernel's BTF.
 *
 * Program: kfuncs_switch, SEC("tp_btf/sched_switch"): takes a reference
 * on `next` with bpf_task_acquire and drops it with bpf_task_release,
 * inside bpf_rcu_read_lock / unlock; counts in .bss `acquired`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

__u64 acquired;

SEC("tp_btf/sched_switch")
int BPF_PROG(kfuncs_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *t;

	bpf_rcu_read_lock();
	t = bpf_task_acquire(next);
	if (t) {
		__sync_fetch_and_add(&acquired, 1);
		bpf_task_release(t);
	}
	bpf_rcu_read_unlock();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
