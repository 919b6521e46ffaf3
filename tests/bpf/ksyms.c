// SPDX-License-Identifier: GPL-2.0
/*
 * ksyms.c - typeless .ksyms variables: a symbol's address from
 * /proc/kallsyms, and a weak one the kernel lacks (its address is 0).
 *
 * Program: ksyms_getpid, SEC("tracepoint/syscalls/sys_enter_getpid"): .bss
 *   sym_addr    &__x64_sys_getpid (this test kernel's kallsyms lists
 *               functions only; x86_64 name)
 *   missing     &ebpfs_no_such_symbol (weak: 0)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern const void __x64_sys_getpid __ksym;
extern const void ebpfs_no_such_symbol __ksym __weak;

__u64 sym_addr, missing = 1;

SEC("tracepoint/syscalls/sys_enter_getpid")
int ksyms_getpid(void *ctx)
{
	sym_addr = (__u64)&__x64_sys_getpid;
	missing = (__u64)&ebpfs_no_such_symbol;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
