// SPDX-License-Identifier: GPL-2.0
/*
 * struct_ops.c - a TCP congestion control in BPF (.struct_ops):
 * map `ebpfs_cc` of type struct_ops implementing tcp_congestion_ops with
 * three programs and the data member name = "ebpfs_cc".  Loading does
 * not register it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("struct_ops/ebpfs_ssthresh")
__u32 BPF_PROG(ebpfs_ssthresh, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/ebpfs_undo_cwnd")
__u32 BPF_PROG(ebpfs_undo_cwnd, struct sock *sk)
{
	return 2;
}

SEC("struct_ops/ebpfs_cong_avoid")
void BPF_PROG(ebpfs_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops ebpfs_cc = {
	.ssthresh = (void *)ebpfs_ssthresh,
	.undo_cwnd = (void *)ebpfs_undo_cwnd,
	.cong_avoid = (void *)ebpfs_cong_avoid,
	.name = "ebpfs_cc",
};

char LICENSE[] SEC("license") = "GPL";
