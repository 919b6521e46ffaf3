// SPDX-License-Identifier: GPL-2.0
/*
 * sleepable.c - sleepable programs: a sleepable uprobe reading user
 * memory with bpf_copy_from_user, and a BPF_PROG_TYPE_SYSCALL program
 * (always sleepable) run with BPF_PROG_TEST_RUN.
 *
 *   slp_uprobe  SEC("uprobe.s/bin/true:main")
 *   slp_syscall SEC("syscall"): stores its context's first u32 + 1 into
 *               .bss `syscall_out` and returns 5.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u32 syscall_out;
char copied[16];

SEC("uprobe.s/bin/true:main")
int BPF_KPROBE(slp_uprobe, int argc, char **argv)
{
	char *arg0 = NULL;

	if (!bpf_copy_from_user(&arg0, sizeof(arg0), argv) && arg0)
		bpf_copy_from_user(copied, sizeof(copied), arg0);
	return 0;
}

SEC("syscall")
int slp_syscall(__u32 *ctx)
{
	syscall_out = *ctx + 1;
	return 5;
}

char LICENSE[] SEC("license") = "GPL";
