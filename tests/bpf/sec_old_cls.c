// SPDX-License-Identifier: GPL-2.0
/*
 * sec_old_cls.c - SEC("classifier/3"): an old tc classifier name with a
 * suffix; loads as SCHED_CLS (libbpf 1.x refuses it).  Returns 3.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("classifier/3")
int cls_three(struct __sk_buff *skb)
{
	return 3;
}

char LICENSE[] SEC("license") = "GPL";
