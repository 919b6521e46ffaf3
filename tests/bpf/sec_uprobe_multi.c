// SPDX-License-Identifier: GPL-2.0
/*
 * sec_uprobe_multi.c - uprobe.multi (Linux 6.6, libbpf 1.3): KPROBE
 * programs with expected attach type TRACE_UPROBE_MULTI, a sleepable one
 * too.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

__u64 hits;

SEC("uprobe.multi/bin/true:main")
int upm_main(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

SEC("uprobe.multi.s/bin/true:*")
int upm_sleepable(struct pt_regs *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
