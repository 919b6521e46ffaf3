// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe.c - kprobe / kretprobe programs with BPF_KPROBE argument
 * access (CO-RE reads of struct pt_regs).  They load; this test kernel
 * has no kprobes to attach them to.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

__u64 last_mode, last_ret;

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(kp_nanosleep, struct hrtimer_sleeper *t, enum hrtimer_mode mode)
{
	last_mode = mode;
	return 0;
}

SEC("kretprobe/do_nanosleep")
int BPF_KRETPROBE(krp_nanosleep, int ret)
{
	last_ret = ret;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
