// SPDX-License-Identifier: GPL-2.0
/*
 * sec_netfilter.c - a netfilter program (Linux 6.4, libbpf 1.2):
 * SEC("netfilter"), program type NETFILTER; accepts (NF_ACCEPT = 1).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("netfilter")
int nf_accept(struct bpf_nf_ctx *ctx)
{
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
