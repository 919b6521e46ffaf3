// SPDX-License-Identifier: GPL-2.0
/*
 * kconfig.c - .kconfig externs: the kernel version, feature flags and
 * CONFIG_* values, a weak one the kernel lacks.
 *
 * Program: kconfig_sock, SEC("socket"): copies the values into .bss and
 * returns 1.  .bss after a run:
 *   kver        LINUX_KERNEL_VERSION
 *   wrapper     LINUX_HAS_SYSCALL_WRAPPER (1 on x86_64)
 *   cookie      LINUX_HAS_BPF_COOKIE (1)
 *   hz          CONFIG_HZ
 *   bpf_sys     CONFIG_BPF_SYSCALL (bool, 1)
 *   tri         CONFIG_BPF_JIT (tristate: 1 y, 2 m)
 *   missing     CONFIG_EBPFS_NO_SUCH_OPTION (weak, 0)
 *   release0    CONFIG_LOCALVERSION[0] (a string)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* enum libbpf_tristate { TRI_NO, TRI_YES, TRI_MODULE } is in bpf_helpers.h */
extern __u32 LINUX_KERNEL_VERSION __kconfig;
extern bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;
extern bool LINUX_HAS_BPF_COOKIE __kconfig;
extern int CONFIG_HZ __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig;
extern int CONFIG_EBPFS_NO_SUCH_OPTION __kconfig __weak;
extern char CONFIG_LOCALVERSION[16] __kconfig __weak;

__u32 kver, wrapper, cookie, hz, bpf_sys, tri, missing, release0;

SEC("socket")
int kconfig_sock(struct __sk_buff *skb)
{
	kver = LINUX_KERNEL_VERSION;
	wrapper = LINUX_HAS_SYSCALL_WRAPPER;
	cookie = LINUX_HAS_BPF_COOKIE;
	hz = CONFIG_HZ;
	bpf_sys = CONFIG_BPF_SYSCALL;
	tri = CONFIG_BPF_JIT;
	missing = CONFIG_EBPFS_NO_SUCH_OPTION;
	release0 = CONFIG_LOCALVERSION[0];
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
