// SPDX-License-Identifier: GPL-2.0
/*
 * sk_progs.c - socket-level programs with sockmap / sockhash maps.
 *   sk_map   SOCKMAP 4     sk_hash  SOCKHASH 4, key u32
 *   skp_verdict  sk_skb/stream_verdict  redirects to sk_map[0]
 *   skp_msg      sk_msg                 redirects to sk_hash[1]
 *   skp_lookup   sk_lookup              passes (SK_PASS)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} sk_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} sk_hash SEC(".maps");

SEC("sk_skb/stream_verdict")
int skp_verdict(struct __sk_buff *skb)
{
	return bpf_sk_redirect_map(skb, &sk_map, 0, 0);
}

SEC("sk_msg")
int skp_msg(struct sk_msg_md *msg)
{
	__u32 key = 1;

	return bpf_msg_redirect_hash(msg, &sk_hash, &key, 0);
}

SEC("sk_lookup")
int skp_lookup(struct bpf_sk_lookup *ctx)
{
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
