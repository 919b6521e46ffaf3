// SPDX-License-Identifier: GPL-2.0
/*
 * ksym_typed.c - a typed .ksyms variable: the per-CPU runqueues, read
 * with bpf_this_cpu_ptr.  The ld_imm64 becomes BPF_PSEUDO_BTF_ID of the
 * kernel's VAR runqueues; the kernel then needs the variable in
 * kallsyms (CONFIG_KALLSYMS_ALL), which this test kernel lacks: its load
 * fails there with ENOENT ("failed to find the address"), for libbpf too.
 *
 * Program: ksym_typed_switch, SEC("tp_btf/sched_switch"): .bss rq_cpu =
 * this CPU's runqueues.cpu.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern const struct rq runqueues __ksym;

__s32 rq_cpu = -1;

SEC("tp_btf/sched_switch")
int ksym_typed_switch(void *ctx)
{
	const struct rq *rq = bpf_this_cpu_ptr(&runqueues);

	rq_cpu = rq->cpu;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
