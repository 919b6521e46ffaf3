#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench_events.sh - samples per second delivered, and samples lost, for 8-
# and 64-byte samples from a program emitting as fast as it can
# (tests/bpf/ev_bench.c), read by, side by side in one run:
#   core-perfbuf / core-ringbuf   the core's readers, in build/tools/bench_events
#                                 (perf: 64 pages per CPU, a wakeup per sample)
#   core-perf-wm                  the core's perf reader with the daemon's
#                                 settings (1 MiB per CPU, a wakeup every 8 samples)
#   libbpf-perf / libbpf-ring     libbpf's perf_buffer (64 pages per CPU, a
#                                 wakeup per sample) and ring_buffer, in a
#                                 small consumer this script compiles with
#                                 `cc ... -lbpf` (the core never links libbpf)
#   bpftool                       `bpftool map event_pipe` (perf arrays only)
#   fs-read-perf / fs-read-ring   ebpfs: a C reader of MOUNT/maps/MAP/events
#                                 (1 MiB reads following the growing file)
#   fs-cat-perf / fs-cat-ring     ebpfs: `cat MOUNT/maps/MAP/events_pipe >
#                                 /dev/null` (`cat events` would stop at the
#                                 end of the log: events_pipe is the stream)
# Every consumer is measured by the same loop (tools/bench_events.c, see
# its header): the program runs on CPU 0 for SECONDS, every consumer (and
# the ebpfs daemon) on CPU 1, all at nice -10; delivered/s = samples the consumer got /
# time from the start of production to its last delivery; lost = emitted
# - delivered (the program counts what it emitted), checked against the
# losses the consumer was told of (perf lost records, failed ring
# reserves, ebpfs lost and evicted lines): a mismatch is flagged.
# Each fs run copies the object into a fresh mount (BUILD/fs/ebpfs -o
# events_log=LOG) and drives the mount's program through its pins.
#
# Usage: tools/bench_events.sh [BUILD_DIR [SECONDS [LOG]]]   (root)
# LOG: the mount's events_log (default 4M).  Prints a table, the ratios
# of ebpfs to libbpf and bpftool, and the daemon's peak memory.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
secs=${2:-2}
evlog=${3:-4M}
ebpfs=$build/fs/ebpfs
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

# Every process of the run (producer, consumers, the daemon) inherits
# this priority: other work on the machine disturbs them less, and all
# alike.
renice -n -10 -p $$ > /dev/null 2>&1 || true

tmp=$(mktemp -d)
mnt=$tmp/mnt
pin=/sys/fs/bpf/ebpfs-bench-$$
dpid=
fs_stop() {
	if mountpoint -q "$mnt" 2>/dev/null; then
		fusermount3 -u "$mnt" 2>/dev/null || fusermount3 -u -z "$mnt" 2>/dev/null
	fi
	if [ -n "$dpid" ]; then
		kill "$dpid" 2>/dev/null || true
		wait "$dpid" 2>/dev/null || true
		dpid=
	fi
	rm -rf "$pin"
}
trap 'fs_stop; rm -rf "$tmp"' EXIT

# --- libbpf's consumers ---------------------------------------------------------
cat > "$tmp/libbpf_consumer.c" <<'EOF'
/* libbpf_consumer MAP_ID perf|ring: libbpf's perf_buffer (64 pages per
 * CPU, a wakeup per sample) or ring_buffer on the map.  Prints READY once
 * installed, then "COUNT DELIVERED LOST LAST_NS" (bench_events.c's count:
 * consumers); SIGINT: read what is left, print the last COUNT, exit. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t done;
static unsigned long long delivered, lost, last_ns;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void on_perf(void *ctx, int cpu, void *data, __u32 size) { delivered++; }
static void on_lost(void *ctx, int cpu, __u64 n) { lost += n; }
static int on_ring(void *ctx, void *data, size_t size) { delivered++; return 0; }
static void on_sig(int sig) { done = 1; }

static void report(void)
{
	printf("COUNT %llu %llu %llu\n", delivered, lost, last_ns);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sig };
	struct perf_buffer *pb = NULL;
	struct ring_buffer *rb = NULL;
	unsigned long long shown = 0, shown_at = 0, d;
	int fd;

	if (argc < 3)
		return 2;
	libbpf_set_print(NULL);
	fd = bpf_map_get_fd_by_id(atoi(argv[1]));
	if (!strcmp(argv[2], "perf"))
		pb = perf_buffer__new(fd, 64, on_perf, on_lost, NULL, NULL);
	else
		rb = ring_buffer__new(fd, on_ring, NULL, NULL);
	if (fd < 0 || (!pb && !rb)) {
		fprintf(stderr, "libbpf_consumer: cannot read map id %s\n", argv[1]);
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("READY\n");
	fflush(stdout);
	while (!done) {
		d = delivered;
		if (pb)
			perf_buffer__poll(pb, 100);
		else
			ring_buffer__poll(rb, 100);
		if (delivered != d)
			last_ns = now_ns();
		if (delivered != shown && now_ns() - shown_at > 10000000) {
			report();
			shown = delivered;
			shown_at = now_ns();
		}
	}
	d = delivered;
	if (pb)
		perf_buffer__consume(pb);
	else
		ring_buffer__consume(rb);
	if (delivered != d)
		last_ns = now_ns();
	report();
	perf_buffer__free(pb);
	ring_buffer__free(rb);
	return 0;
}
EOF
cc -O2 -Wall -o "$tmp/libbpf_consumer" "$tmp/libbpf_consumer.c" -lbpf

# --- the runs -------------------------------------------------------------------
results=$tmp/results
mem=$tmp/mem
: > "$results"
: > "$mem"

# measure SRC KIND NAME=CONSUMER SIZE: one bench_events run, its RESULT kept
measure() {
	echo "running: $*" >&2
	"$bench" "$@" "$secs" | grep '^RESULT' >> "$results" ||
		echo "bench_events.sh: no result from: $*" >&2
}

vmhwm() { sed -n 's/^VmHWM: *//p' "/proc/$1/status"; }

# fs_run KIND SIZE read|cat: a fresh mount holding the object (the daemon
# on CPU 1, like every consumer), one measurement through it
fs_run() {
	local i idle map=eb_bpa
	[ "$1" = ring ] && map=eb_brb
	if [ ! -x "$ebpfs" ]; then
		echo "bench_events.sh: $ebpfs missing: fs runs skipped" >&2
		return 0
	fi
	mkdir -p "$mnt"
	taskset -c 1 "$ebpfs" "$mnt" -f -o "pin_dir=$pin,no_restore,events_log=$evlog" \
		2>>"$tmp/ebpfs.log" &
	dpid=$!
	for i in $(seq 1 100); do
		mountpoint -q "$mnt" && break
		sleep 0.05
	done
	if cp "$obj" "$mnt/progs/"; then
		idle=$(vmhwm "$dpid")
		if [ "$3" = read ]; then
			measure "$pin" "$1" "fs-read-$1=read:$mnt/maps/$map/events" "$2"
		else
			measure "$pin" "$1" \
				"fs-cat-$1=info:$mnt/maps/$map/.info:exec cat $mnt/maps/$map/events_pipe" "$2"
		fi
		echo "fs-$3-$1 size=$2: $(vmhwm "$dpid") (after cp: $idle)" >> "$mem"
	else
		echo "bench_events.sh: cp $obj into the mount failed" >&2
	fi
	fs_stop
}

lc="$tmp/libbpf_consumer %u"
for size in 8 64; do
	measure "$obj" perf core-perfbuf=core "$size"
	measure "$obj" perf "libbpf-perf=count:exec $lc perf" "$size"
	measure "$obj" perf core-perf-wm=core-wm "$size"
	if command -v bpftool > /dev/null; then
		measure "$obj" perf "bpftool=bpftool:exec bpftool map event_pipe id %u" "$size"
	fi
	measure "$obj" ring core-ringbuf=core "$size"
	measure "$obj" ring "libbpf-ring=count:exec $lc ring" "$size"
	for kind in perf ring; do
		for how in read cat; do
			fs_run "$kind" "$size" "$how"
		done
	done
done

# --- the table ----------------------------------------------------------------
awk '
{
	for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	c = f["consumer"]; s = f["size"]
	em[c, s] = f["emitted"] / f["secs"]; de[c, s] = f["delivered"] / f["elapsed"]
	lp[c, s] = f["emitted"] ? 100 * f["lost"] / f["emitted"] : 0
	bad[c, s] = f["lost"] != f["reported"] ? sprintf("told %d of %d", f["reported"], f["lost"]) : ""
	if (!(c in seen)) { seen[c] = 1; order[n++] = c }
}
function ratio(a, b, sz) {
	if (((a, sz) in de) && ((b, sz) in de) && de[b, sz])
		printf "  %2d B  %-13s / %-12s %7.2f   (lost %.1f%% / %.1f%%)\n", sz, a, b,
		       de[a, sz] / de[b, sz], lp[a, sz], lp[b, sz]
}
END {
	printf "%-13s %4s %12s %12s %7s\n", "consumer", "size", "emitted/s",
	       "delivered/s", "lost"
	for (k = 0; k < n; k++) for (sz = 8; sz <= 64; sz += 56) {
		c = order[k]
		if (!((c, sz) in em)) continue
		printf "%-13s %4d %12.0f %12.0f %6.1f%% %s\n", c, sz, em[c, sz],
		       de[c, sz], lp[c, sz], bad[c, sz] ? "(" bad[c, sz] ")" : ""
	}
	print ""
	print "ratios of delivered/s (ours / theirs):"
	for (sz = 8; sz <= 64; sz += 56) {
		ratio("core-perfbuf", "libbpf-perf", sz)
		ratio("core-perf-wm", "libbpf-perf", sz)
		ratio("core-ringbuf", "libbpf-ring", sz)
		ratio("fs-read-perf", "libbpf-perf", sz)
		ratio("fs-cat-perf", "libbpf-perf", sz)
		ratio("fs-read-perf", "bpftool", sz)
		ratio("fs-cat-perf", "bpftool", sz)
		ratio("fs-read-ring", "libbpf-ring", sz)
		ratio("fs-cat-ring", "libbpf-ring", sz)
	}
}' "$results"
if [ -s "$mem" ]; then
	echo ""
	echo "ebpfs peak memory (VmHWM; events_log=$evlog per map, 2 event maps):"
	sed 's/^/  /' "$mem"
fi
