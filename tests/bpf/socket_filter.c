// SPDX-License-Identifier: GPL-2.0
/*
 * socket_filter.c - the smallest socket filter.
 *
 * Program: sock_trunc, SEC("socket"), type SOCKET_FILTER: keeps at most
 * the first 64 bytes of each packet.
 * Under BPF_PROG_TEST_RUN: retval 64 (whatever the packet).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int sock_trunc(struct __sk_buff *skb)
{
	return 64;
}

char LICENSE[] SEC("license") = "GPL";
