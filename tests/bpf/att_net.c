// SPDX-License-Identifier: GPL-2.0
/*
 * att_net.c - packet counters for the attach tests (test_attach.c).
 *
 * Every program counts IPv4 UDP packets to port 31337 (ATT_PORT) in
 * net_counts (ARRAY, key u32, value u64, 8 entries) and lets every packet
 * pass:
 *   [0] xdp_a    SEC("xdp")          XDP_PASS
 *   [1] xdp_b    SEC("xdp")          XDP_PASS (the replacement of xdp_a)
 *   [2] tc_in    SEC("tc/ingress")   TC_ACT_OK (0)
 *   [3] tc_out   SEC("tc/egress")    TC_ACT_OK
 *   [4] tc_nl    SEC("tc")           TC_ACT_OK (attached through netlink)
 *   [5] lookup   SEC("sk_lookup")    SK_PASS; counts lookups for local port 31337
 *   [6] tc_nl2   SEC("tc")           TC_ACT_OK (replaces tc_nl)
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define ATT_PORT 31337

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} net_counts SEC(".maps");

static __always_inline void bump(__u32 key)
{
	__u64 *val = bpf_map_lookup_elem(&net_counts, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
}

/* true for an Ethernet + IPv4 + UDP packet to ATT_PORT */
static __always_inline int is_ours(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;

	if ((void *)(ip + 1) > data_end)
		return 0;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_UDP ||
	    ip->ihl != 5)
		return 0;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return 0;
	return udp->dest == bpf_htons(ATT_PORT);
}

SEC("xdp")
int xdp_a(struct xdp_md *ctx)
{
	if (is_ours((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		bump(0);
	return XDP_PASS;
}

SEC("xdp")
int xdp_b(struct xdp_md *ctx)
{
	if (is_ours((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		bump(1);
	return XDP_PASS;
}

static __always_inline int tc_count(struct __sk_buff *skb, __u32 key)
{
	if (is_ours((void *)(long)skb->data, (void *)(long)skb->data_end))
		bump(key);
	return 0;
}

SEC("tc/ingress")
int tc_in(struct __sk_buff *skb)
{
	return tc_count(skb, 2);
}

SEC("tc/egress")
int tc_out(struct __sk_buff *skb)
{
	return tc_count(skb, 3);
}

SEC("tc")
int tc_nl(struct __sk_buff *skb)
{
	return tc_count(skb, 4);
}

SEC("tc")
int tc_nl2(struct __sk_buff *skb)
{
	return tc_count(skb, 6);
}

SEC("sk_lookup")
int lookup(struct bpf_sk_lookup *ctx)
{
	if (ctx->local_port == ATT_PORT)
		bump(5);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
