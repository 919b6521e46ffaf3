// SPDX-License-Identifier: GPL-2.0
/*
 * bench_heavy.c - a verifier-heavy program for the load benchmark
 * (tools/bench_load.sh): a bounded loop (not unrolled) over a map value
 * with data-dependent branches whose states the verifier cannot prune,
 * about 500,000 instructions processed at load time.
 * Program: heavy_sock, SEC("socket"): returns 0 when heavy_buf is zeroed.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct buf {
	__u8 b[256];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct buf);
} heavy_buf SEC(".maps");

SEC("socket")
int heavy_sock(struct __sk_buff *skb)
{
	__u32 key = 0, sum = 0, state = 0;
	struct buf *v = bpf_map_lookup_elem(&heavy_buf, &key);
	int i;

	if (!v)
		return 0;
#pragma clang loop unroll(disable)
	for (i = 0; i < 24; i++) {
		__u8 c = v->b[i];

		if (c & 1)
			state = state * 3 + c;
		else if (c & 2)
			state ^= c << 3;
		else if (c > 100)
			state -= c;
		else
			sum += state & 0xff;
		if (state > 100000)
			state = 0;
		if (sum & 0x100)
			sum = v->b[sum & 0xff];
	}
	return sum + state;
}

char LICENSE[] SEC("license") = "GPL";
