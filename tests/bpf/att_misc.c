// SPDX-License-Identifier: GPL-2.0
/*
 * att_misc.c - cgroup, perf_event and sockmap programs for the attach
 * tests (test_attach.c).
 *
 * misc_counts (ARRAY u32 -> u64, 4):
 *   [0] cg_egress  SEC("cgroup_skb/egress"): IPv4 UDP packets to port 31338
 *                  sent from the cgroup; returns 1 (allow)
 *   [1] pe_count   SEC("perf_event"): samples
 * sk_verdict SEC("sk_skb/stream_verdict"): SK_PASS; att_socks: SOCKMAP, 4.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} misc_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} att_socks SEC(".maps");

static __always_inline void bump(__u32 key)
{
	__u64 *val = bpf_map_lookup_elem(&misc_counts, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
}

SEC("cgroup_skb/egress")
int cg_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data;
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > data_end)
		return 1;
	if (ip->version == 4 && ip->ihl == 5 && ip->protocol == IPPROTO_UDP &&
	    udp->dest == bpf_htons(31338))
		bump(0);
	return 1;
}

SEC("perf_event")
int pe_count(void *ctx)
{
	bump(1);
	return 0;
}

SEC("sk_skb/stream_verdict")
int sk_verdict(struct __sk_buff *skb)
{
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
