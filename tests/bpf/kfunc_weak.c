// SPDX-License-Identifier: GPL-2.0
/*
 * kfunc_weak.c - a weak kfunc this kernel lacks, called only when it
 * exists (the call is poisoned; the guard's ld_imm64 of its address is
 * 0), next to one it has.  libbpf 1.1 cannot load this object.
 *
 * Program: kfunc_weak_switch, SEC("tp_btf/sched_switch"): .bss `called`
 * counts calls of the missing kfunc (stays 0), `ran` counts runs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern void ebpfs_no_such_kfunc(void) __ksym __weak;

__u64 called, ran;

SEC("tp_btf/sched_switch")
int kfunc_weak_switch(void *ctx)
{
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	if (&ebpfs_no_such_kfunc) {
		ebpfs_no_such_kfunc();
		__sync_fetch_and_add(&called, 1);
	}
	__sync_fetch_and_add(&ran, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
