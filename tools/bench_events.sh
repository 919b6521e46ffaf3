#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench_events.sh - samples per second delivered and lost, for 8- and
# 64-byte samples, through:
#   core-perfbuf / core-ringbuf   our readers (build/tools/bench_events)
#   core-perf-wm                  ours with a 128 KiB wakeup watermark
#                                 instead of a wakeup per sample
#   libbpf-perf / libbpf-ring     libbpf's perf_buffer and ring_buffer, in a
#                                 small comparison program this script
#                                 compiles with `cc ... -lbpf` (the core
#                                 never links libbpf; only this does)
#   bpftool                       `bpftool map event_pipe` (perf event array)
# The producer is tests/bpf/ev_bench.c: a raw_tp program run with
# BPF_PROG_TEST_RUN on CPU 0 that emits 1000 samples per run with bpf_loop,
# as fast as it can, for SECONDS per case.  Readers wait on CPU 1.
#
# Usage: tools/bench_events.sh [BUILD_DIR [SECONDS]]   (root)
# Prints a table: emitted/s, delivered/s, lost/s per consumer and size,
# then the ratios of our readers to libbpf's (delivered/s).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
secs=${2:-2}
obj=$build/tests/bpf/ev_bench.bpf.o
bench=$build/tools/bench_events

for f in "$obj" "$bench"; do
	if [ ! -e "$f" ]; then
		echo "bench_events.sh: $f missing: build first (ninja -C $build)" >&2
		exit 1
	fi
done
if [ "$(id -u)" != 0 ]; then
	echo "bench_events.sh: needs root (BPF and perf events)" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- the libbpf comparison program ----------------------------------------
cat > "$tmp/libbpf_bench.c" <<'EOF'
/* libbpf consumers for the comparison; same producer and output format as
 * bench_events.c.  usage: libbpf_bench OBJ perf|ring SIZE SECONDS */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct bcfg { unsigned int count, size, mode, pad; };

static int prog_fd, cfg_fd, cnt_fd;
static unsigned int size, mode;
static double secs;
static volatile bool stop;
static unsigned long long delivered, lost;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void set_cfg(unsigned int count)
{
	struct bcfg c = { count, size, mode, 0 };
	unsigned int zero = 0;

	bpf_map_update_elem(cfg_fd, &zero, &c, 0);
}

static int run_once(void)
{
	unsigned long long args[1] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = args,
		    .ctx_size_in = sizeof(args),
		    .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = 0);

	return bpf_prog_test_run_opts(prog_fd, &o);
}

static void *producer(void *arg)
{
	double end = now_s() + secs;

	pin(0);
	while (now_s() < end)
		if (run_once())
			break;
	stop = true;
	return NULL;
}

static void on_perf(void *ctx, int cpu, void *data, unsigned int sz)
{
	delivered++;
}

static void on_lost(void *ctx, int cpu, unsigned long long n)
{
	lost += n;
}

static int on_ring(void *ctx, void *data, size_t sz)
{
	delivered++;
	return 0;
}

int main(int argc, char **argv)
{
	struct perf_buffer *pb = NULL;
	struct ring_buffer *rb = NULL;
	struct bpf_object *obj;
	unsigned long long ok = 0, fail = 0;
	unsigned int zero = 0, one = 1;
	pthread_t th;

	if (argc < 5)
		return 2;
	mode = strcmp(argv[2], "ring") ? 1 : 2;
	size = atoi(argv[3]);
	secs = atof(argv[4]);
	libbpf_set_print(NULL);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "libbpf_bench: cannot load %s\n", argv[1]);
		return 1;
	}
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "eb_bench"));
	cfg_fd = bpf_object__find_map_fd_by_name(obj, "eb_bcfg");
	cnt_fd = bpf_object__find_map_fd_by_name(obj, "eb_bcnt");
	if (mode == 1)
		pb = perf_buffer__new(bpf_object__find_map_fd_by_name(obj, "eb_bpa"),
				      64, on_perf, on_lost, NULL, NULL);
	else
		rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "eb_brb"),
				      on_ring, NULL, NULL);
	if (!pb && !rb) {
		fprintf(stderr, "libbpf_bench: cannot open the reader\n");
		return 1;
	}
	set_cfg(1000);
	pin(1);
	pthread_create(&th, NULL, producer, NULL);
	while (!stop) {
		if (pb)
			perf_buffer__poll(pb, 100);
		else
			ring_buffer__poll(rb, 100);
	}
	pthread_join(th, NULL);
	if (pb) {
		perf_buffer__consume(pb);
		set_cfg(1);
		run_once();
		perf_buffer__consume(pb);
	} else {
		ring_buffer__consume(rb);
	}
	bpf_map_lookup_elem(cnt_fd, &zero, &ok);
	bpf_map_lookup_elem(cnt_fd, &one, &fail);
	if (mode == 2)
		lost = fail;
	printf("RESULT consumer=%s size=%u secs=%.2f emitted=%llu delivered=%llu lost=%llu\n",
	       mode == 1 ? "libbpf-perf" : "libbpf-ring", size, secs, ok + fail,
	       delivered, lost);
	perf_buffer__free(pb);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}
EOF
cc -O2 -Wall -D_GNU_SOURCE -o "$tmp/libbpf_bench" "$tmp/libbpf_bench.c" -lbpf -lpthread

# --- the runs ----------------------------------------------------------------
results=$tmp/results
: > "$results"
run() {
	echo "running: $*" >&2
	"$@" | grep '^RESULT' >> "$results"
}

for size in 8 64; do
	run "$bench" "$obj" perf "$size" "$secs"
	run "$tmp/libbpf_bench" "$obj" perf "$size" "$secs"
	run "$bench" "$obj" perfwm "$size" "$secs"
	run "$bench" "$obj" ring "$size" "$secs"
	run "$tmp/libbpf_bench" "$obj" ring "$size" "$secs"
	if command -v bpftool > /dev/null; then
		run "$bench" "$obj" "external:exec bpftool map event_pipe id %u" "$size" "$secs"
		sed -i '$ s/consumer=external/consumer=bpftool/' "$results"
	fi
	# PLACEHOLDER(fs events): once the daemon serves maps/NAME/events, add
	# a run here that mounts ebpfs, creates the maps through it, and reads
	# MOUNT/maps/eb_bpa/events (and eb_brb/events) with `cat`/`tail -f`,
	# e.g. "$bench" "$obj" "external:..." with a line counter; the daemon
	# owns the perf rings then, so the producer must use its map.
done

# --- the table -----------------------------------------------------------------
awk '
function v(s, k,   a) { split(s, a, "="); return a[2] }
{
	for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	c = f["consumer"]; s = f["size"]; t = f["secs"]
	em[c, s] = f["emitted"] / t; de[c, s] = f["delivered"] / t
	lo[c, s] = f["lost"] / t
	if (!(c in seen)) { seen[c] = 1; order[n++] = c }
}
END {
	printf "%-14s %5s %14s %14s %14s %8s\n", "consumer", "size",
	       "emitted/s", "delivered/s", "lost/s", "lost%"
	for (k = 0; k < n; k++) for (sz = 8; sz <= 64; sz += 56) {
		c = order[k]
		if (!((c, sz) in em)) continue
		printf "%-14s %5d %14.0f %14.0f %14.0f %7.1f%%\n", c, sz,
		       em[c, sz], de[c, sz], lo[c, sz],
		       em[c, sz] ? 100 * lo[c, sz] / em[c, sz] : 0
	}
	print ""
	print "ratios of delivered/s (ours / theirs):"
	for (sz = 8; sz <= 64; sz += 56) {
		if (de["libbpf-perf", sz])
			printf "  size %2d  core-perfbuf / libbpf-perf   %.2f\n", sz,
			       de["core-perfbuf", sz] / de["libbpf-perf", sz]
		if (de["libbpf-perf", sz] && de["core-perf-wm", sz])
			printf "  size %2d  core-perf-wm / libbpf-perf   %.2f\n", sz,
			       de["core-perf-wm", sz] / de["libbpf-perf", sz]
		if (de["bpftool", sz])
			printf "  size %2d  core-perfbuf / bpftool       %.2f\n", sz,
			       de["core-perfbuf", sz] / de["bpftool", sz]
		if (de["libbpf-ring", sz])
			printf "  size %2d  core-ringbuf / libbpf-ring   %.2f\n", sz,
			       de["core-ringbuf", sz] / de["libbpf-ring", sz]
	}
}' "$results"
