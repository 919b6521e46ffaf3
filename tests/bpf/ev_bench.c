// SPDX-License-Identifier: GPL-2.0
/*
 * ev_bench.c - emit samples as fast as possible (tools/bench_events).
 *
 * Config (eb_bcfg, ARRAY of 1 struct eb_bcfg): count samples per run,
 *   size 8 or 64 (anything else: 64), mode 1 perf event array, 2 ring
 *   buffer (reserve + submit).
 * Sample: size bytes, the first u64 is a sequence number.
 * Counters (eb_bcnt, ARRAY of u64): [0] emitted, [1] failed (perf output
 *   error or ring reserve failure).
 * Maps: eb_bpa PERF_EVENT_ARRAY (one entry per possible CPU), eb_brb
 *   RINGBUF of 256 KiB (the same bytes as 8 pages per CPU on 8 CPUs).
 * Program eb_bench: SEC("raw_tp/sys_enter"), run by test run only: emits
 *   `count` samples with bpf_loop.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct eb_bcfg {
	__u32 count;
	__u32 size;
	__u32 mode;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} eb_bpa SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} eb_brb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eb_bcfg);
} eb_bcfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} eb_bcnt SEC(".maps");

struct bloop {
	void *ctx;
	__u64 seq;
	__u64 ok;
	__u64 fail;
	__u32 size;
	__u32 mode;
};

struct s64 {
	__u64 w[8];
};

static long bench_one(__u32 i, struct bloop *l)
{
	__u64 seq = l->seq++;

	if (l->mode == 1) {
		struct s64 s = { .w = { seq } };
		long err;

		if (l->size == 8)
			err = bpf_perf_event_output(l->ctx, &eb_bpa, BPF_F_CURRENT_CPU,
						    &s, 8);
		else
			err = bpf_perf_event_output(l->ctx, &eb_bpa, BPF_F_CURRENT_CPU,
						    &s, sizeof(s));
		if (err)
			l->fail++;
		else
			l->ok++;
		return 0;
	}
	if (l->size == 8) {
		__u64 *p = bpf_ringbuf_reserve(&eb_brb, 8, 0);

		if (!p) {
			l->fail++;
			return 0;
		}
		*p = seq;
		bpf_ringbuf_submit(p, 0);
	} else {
		struct s64 *p = bpf_ringbuf_reserve(&eb_brb, sizeof(*p), 0);

		if (!p) {
			l->fail++;
			return 0;
		}
		p->w[0] = seq;
		bpf_ringbuf_submit(p, 0);
	}
	l->ok++;
	return 0;
}

SEC("raw_tp/sys_enter")
int eb_bench(void *ctx)
{
	__u32 zero = 0, one = 1;
	struct eb_bcfg *cfg = bpf_map_lookup_elem(&eb_bcfg, &zero);
	struct bloop l = { .ctx = ctx };
	__u64 *ok, *fail;

	if (!cfg)
		return 0;
	l.size = cfg->size;
	l.mode = cfg->mode;
	ok = bpf_map_lookup_elem(&eb_bcnt, &zero);
	fail = bpf_map_lookup_elem(&eb_bcnt, &one);
	if (!ok || !fail)
		return 0;
	l.seq = *ok + *fail;
	bpf_loop(cfg->count, bench_one, &l, 0);
	__sync_fetch_and_add(ok, l.ok);
	__sync_fetch_and_add(fail, l.fail);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
