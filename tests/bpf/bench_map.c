// SPDX-License-Identifier: GPL-2.0
/*
 * bench_map.c - the map of tools/bench_maps.sh (issue 3's benchmark).
 *
 * Program: bench_touch, SEC("xdp"), type XDP.
 * Maps:    bench       HASH  key u32, value u64, 131072 entries
 *          bench_wide  HASH  key 64 bytes, value u64, 1 << 20 entries,
 *                      BPF_F_NO_PREALLOC
 *
 * The benchmark fills `bench` with 100,000 entries from user space; the
 * program only makes the object a normal loadable one (it counts packets
 * under key 0 when run).  bench_wide is too big for a sorted listing
 * snapshot (fs/mapfiles.c), so its directory is listed streamed.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 131072);
	__type(key, __u32);
	__type(value, __u64);
} bench SEC(".maps");

struct wide_key {
	__u8 bytes[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1 << 20);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct wide_key);
	__type(value, __u64);
} bench_wide SEC(".maps");

SEC("xdp")
int bench_touch(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *val;

	val = bpf_map_lookup_elem(&bench, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	if (ctx->data_end == ctx->data) {	/* never: keeps bench_wide used */
		struct wide_key wk = {};

		bpf_map_delete_elem(&bench_wide, &wk);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
