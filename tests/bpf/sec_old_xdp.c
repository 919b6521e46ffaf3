// SPDX-License-Identifier: GPL-2.0
/*
 * sec_old_xdp.c - an old-style section name that only begins with a
 * program type, as iproute2 samples wrote them: SEC("xdp_vlan01") loads
 * as XDP (libbpf 1.x refuses the name).  Program xdp_vlan_prog returns
 * XDP_PASS (2).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp_vlan01")
int xdp_vlan_prog(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
