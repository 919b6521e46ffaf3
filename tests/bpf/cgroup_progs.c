// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup_progs.c - cgroup programs of several attach types in one object.
 *   cg_ingress  cgroup_skb/ingress   allows (1), counts bytes
 *   cg_connect4 cgroup/connect4      allows (1), counts connects to port 80
 *   cg_sock     cgroup/sock_create   allows (1)
 *   cg_sockops  sockops              counts ops
 *   cg_sysctl   cgroup/sysctl        allows (1)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

__u64 bytes, port80, sockops_cnt;

SEC("cgroup_skb/ingress")
int cg_ingress(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&bytes, skb->len);
	return 1;
}

SEC("cgroup/connect4")
int cg_connect4(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(80))
		__sync_fetch_and_add(&port80, 1);
	return 1;
}

SEC("cgroup/sock_create")
int cg_sock(struct bpf_sock *sk)
{
	return 1;
}

SEC("sockops")
int cg_sockops(struct bpf_sock_ops *ops)
{
	__sync_fetch_and_add(&sockops_cnt, 1);
	return 1;
}

SEC("cgroup/sysctl")
int cg_sysctl(struct bpf_sysctl *ctx)
{
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
