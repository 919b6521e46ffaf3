// SPDX-License-Identifier: GPL-2.0
/*
 * sec_tcx.c - tcx section names (Linux 6.6, libbpf 1.3): tcx/ingress
 * and tcx/egress give SCHED_CLS with expected attach type TCX_INGRESS /
 * TCX_EGRESS; tc/egress likewise.  libbpf 1.1 does not know them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tcx/ingress")
int tcx_in(struct __sk_buff *skb)
{
	return 0;	/* TC_ACT_OK / TCX_NEXT */
}

SEC("tcx/egress")
int tcx_out(struct __sk_buff *skb)
{
	return 0;
}

SEC("tc/egress")
int tc_out(struct __sk_buff *skb)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
