// SPDX-License-Identifier: GPL-2.0
/*
 * fs_att_replace.c - two builds of one object for the replace-in-place
 * test of tests/fs_attach.sh: this file is version 1, fs_att_replace2.c
 * (this source with FS_ATT_V2) version 2.  Same programs, same maps.
 *
 * rep_counts (ARRAY u32 -> u64, 4):
 *   [0] rep_xdp of version 1: IPv4 UDP packets to port 31337
 *   [1] rep_xdp of version 2: the same
 *   [2] rep_xdp of either version: the same (the total)
 *   [3] rep_tp  SEC("tracepoint/syscalls/sys_enter_getppid") of either
 *       version: getppid() calls of the tgid in rep_cfg[0]
 * rep_cfg (ARRAY u32 -> u64, 1): [0] the tgid rep_tp counts.
 * fs_att_replace_bad.c (FS_ATT_BAD): rep_xdp is a SEC("tc") program
 * instead, which the kernel refuses to put into an XDP link.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#ifdef FS_ATT_V2
#define MY_KEY 1
#else
#define MY_KEY 0
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} rep_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rep_cfg SEC(".maps");

static __always_inline void bump(__u32 key)
{
	__u64 *val = bpf_map_lookup_elem(&rep_counts, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
}

#ifdef FS_ATT_BAD
SEC("tc")
int rep_xdp(struct __sk_buff *skb)
{
	return 0;
}
#else
SEC("xdp")
int rep_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP || udp->dest != bpf_htons(31337))
		return XDP_PASS;
	bump(MY_KEY);
	bump(2);
	return XDP_PASS;
}
#endif

SEC("tracepoint/syscalls/sys_enter_getppid")
int rep_tp(void *ctx)
{
	__u32 key = 0;
	__u64 *tgid = bpf_map_lookup_elem(&rep_cfg, &key);

	if (tgid && *tgid == bpf_get_current_pid_tgid() >> 32)
		bump(3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
