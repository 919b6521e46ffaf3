// SPDX-License-Identifier: GPL-2.0
/*
 * struct_ops_link.c - a struct_ops map in .struct_ops.link (attached
 * through a BPF link, flag BPF_F_LINK), which libbpf 1.1 does not know.
 * Map `ebpfs_cc_link`, tcp_congestion_ops named "ebpfs_ccl".
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("struct_ops/ebpfs_l_ssthresh")
__u32 BPF_PROG(ebpfs_l_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/ebpfs_l_undo_cwnd")
__u32 BPF_PROG(ebpfs_l_undo_cwnd, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/ebpfs_l_cong_avoid")
void BPF_PROG(ebpfs_l_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops.link")
struct tcp_congestion_ops ebpfs_cc_link = {
	.ssthresh = (void *)ebpfs_l_ssthresh,
	.undo_cwnd = (void *)ebpfs_l_undo_cwnd,
	.cong_avoid = (void *)ebpfs_l_cong_avoid,
	.name = "ebpfs_ccl",
};

char LICENSE[] SEC("license") = "GPL";
