// SPDX-License-Identifier: GPL-2.0
/*
 * lsm.c - a BPF LSM program (attach BTF id bpf_lsm_file_open) and a
 * sleepable one (lsm.s/bprm_check_security).  This test kernel refuses
 * them with EPERM.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("lsm/file_open")
int BPF_PROG(lsm_file_open, struct file *file)
{
	return 0;
}

SEC("lsm.s/bprm_check_security")
int BPF_PROG(lsm_bprm, struct linux_binprm *bprm)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
