// SPDX-License-Identifier: GPL-2.0
/*
 * fentry.c - fentry / fexit / fmod_ret programs on do_nanosleep's
 * neighbours (attach BTF ids in vmlinux).  This test kernel refuses
 * their loads with EPERM; elsewhere they load.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 entries, exits;

SEC("fentry/do_nanosleep")
int BPF_PROG(fe_nanosleep, struct hrtimer_sleeper *t, enum hrtimer_mode mode)
{
	__sync_fetch_and_add(&entries, 1);
	return 0;
}

SEC("fexit/do_nanosleep")
int BPF_PROG(fx_nanosleep, struct hrtimer_sleeper *t, enum hrtimer_mode mode, int ret)
{
	__sync_fetch_and_add(&exits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
