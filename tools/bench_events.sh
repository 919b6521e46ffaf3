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
#   fs-read-perf / fs-read-ring   ebpfs: MOUNT/maps/eb_bpa|eb_brb/events read
#                                 by a C reader doing 1 MiB reads (sleeping
#                                 0.5 ms at EOF), following the growing file
#   fs-cat-perf / fs-cat-ring     ebpfs: `cat MOUNT/maps/.../events_pipe >
#                                 /dev/null` (the blocking companion: `cat
#                                 events` itself stops at EOF)
#                                 Each fs run copies the object into a fresh
#                                 mount (BUILD_DIR/fs/ebpfs -o events_log=LOG)
#                                 and runs the mount's program through its
#                                 pin.  delivered: sample lines the reader
#                                 got; lost: kernel losses (perf) or failed
#                                 reserves (ring) plus lines the log evicted
#                                 before the reader got them.
# The producer is tests/bpf/ev_bench.c: a raw_tp program run with
# BPF_PROG_TEST_RUN on CPU 0 that emits 1000 samples per run with bpf_loop,
# as fast as it can, for SECONDS per case.  Readers wait on CPU 1.
#
# Usage: tools/bench_events.sh [BUILD_DIR [SECONDS [LOG]]]   (root)
# LOG: the mount's events_log (default 4M).
# Prints a table: emitted/s, delivered/s, lost/s per consumer and size,
# then the ratios of our readers to libbpf's (delivered/s), and the
# daemon's peak memory (VmHWM) in each fs run.
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

# --- the ebpfs reader -----------------------------------------------------------
cat > "$tmp/fs_bench.c" <<'EOF'
/* Reads a map's events through an ebpfs mount while the mount's eb_bench
 * program emits.  usage: fs_bench MNT PIN perf|ring SIZE SECONDS read|cat */
#include <bpf/bpf.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct bcfg { unsigned int count, size, mode, pad; };

static int prog_fd, cfg_fd, cnt_fd;
static unsigned int size, mode;
static double secs;
static volatile bool stop;
static unsigned long long samples, lost, evicted;

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

static unsigned long long counter(unsigned int idx)
{
	unsigned long long v = 0;

	bpf_map_lookup_elem(cnt_fd, &idx, &v);
	return v;
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

/* "name: N" from a .info file */
static unsigned long long info(const char *path, const char *key)
{
	char line[256];
	unsigned long long v = 0;
	size_t n = strlen(key);
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtoull(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* one line (without its newline) */
static void line_seen(const char *l, size_t n)
{
	const char *q;

	if (memmem(l, n < 64 ? n : 64, " data=", 6))
		samples++;
	else if ((q = memmem(l, n, " lost=", 6)))
		lost += strtoull(q + 6, NULL, 10);
	else if ((q = memmem(l, n, " evicted=", 9)))
		evicted += strtoull(q + 9, NULL, 10);
}

static char carry[(1 << 16) + 1];
static size_t clen;

static void scan(const char *p, size_t n)
{
	const char *end = p + n, *nl;

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (!nl) {
			size_t k = end - p;

			if (clen + k > sizeof(carry) - 1)
				k = sizeof(carry) - 1 - clen;
			memcpy(carry + clen, p, k);
			clen += k;
			return;
		}
		if (clen) {
			size_t k = nl - p;

			if (clen + k > sizeof(carry) - 1)
				k = sizeof(carry) - 1 - clen;
			memcpy(carry + clen, p, k);
			carry[clen + k] = '\n';	/* ends the numbers strtoull reads */
			line_seen(carry, clen + k);
			clen = 0;
		} else {
			line_seen(p, nl - p);
		}
		p = nl + 1;
	}
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	char path[4096], ipath[4096];
	unsigned long long base_ok, base_fail, ok, fail, delivered, lostall;
	const char *map;
	pthread_t th;
	bool cat_mode;
	pid_t cat = -1;
	off_t off = 0;
	int fd = -1;

	if (argc < 7)
		return 2;
	mode = strcmp(argv[3], "ring") ? 1 : 2;
	size = atoi(argv[4]);
	secs = atof(argv[5]);
	cat_mode = !strcmp(argv[6], "cat");
	map = mode == 1 ? "eb_bpa" : "eb_brb";
	snprintf(path, sizeof(path), "%s/objs/ev_bench%%2ebpf%%2eo/eb_bench", argv[2]);
	prog_fd = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/maps/eb_bcfg", argv[2]);
	cfg_fd = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/maps/eb_bcnt", argv[2]);
	cnt_fd = bpf_obj_get(path);
	if (prog_fd < 0 || cfg_fd < 0 || cnt_fd < 0) {
		fprintf(stderr, "fs_bench: the mount's pins are missing\n");
		return 1;
	}
	snprintf(ipath, sizeof(ipath), "%s/maps/%s/.info", argv[1], map);
	snprintf(path, sizeof(path), "%s/maps/%s/%s", argv[1], map,
		 cat_mode ? "events_pipe" : "events");
	base_ok = counter(0);
	base_fail = counter(1);
	set_cfg(1000);
	pin(1);
	if (cat_mode) {
		cat = fork();
		if (cat == 0) {
			int nul = open("/dev/null", O_WRONLY);
			cpu_set_t all;

			/* like the daemon: on any CPU */
			CPU_ZERO(&all);
			CPU_SET(0, &all);
			CPU_SET(1, &all);
			sched_setaffinity(0, sizeof(all), &all);

			dup2(nul, 1);
			execlp("cat", "cat", path, (char *)NULL);
			_exit(127);
		}
		usleep(300000);
	} else {
		struct stat st;

		fd = open(path, O_RDONLY);
		if (fd < 0 || fstat(fd, &st)) {
			perror(path);
			return 1;
		}
		off = st.st_size;
	}
	pthread_create(&th, NULL, producer, NULL);
	if (cat_mode) {
		unsigned long long last = ~0ULL, cur;

		pthread_join(th, NULL);
		set_cfg(1);
		run_once();	/* carries a pending lost record */
		while ((cur = info(ipath, "events_samples")) != last) {
			last = cur;
			usleep(300000);
		}
		usleep(300000);
		kill(cat, SIGTERM);
		waitpid(cat, NULL, 0);
		samples = info(ipath, "events_samples");
		evicted = info(ipath, "events_pipe_missed");
		lost = info(ipath, "events_lost");
		delivered = samples - evicted;
	} else {
		double idle = 0;
		bool flushed = false;

		for (;;) {
			ssize_t n = pread(fd, buf, sizeof(buf), off);

			if (n > 0) {
				off += n;
				scan(buf, n);
				idle = 0;
				continue;
			}
			if (stop && !flushed) {
				pthread_join(th, NULL);
				set_cfg(1);
				run_once();	/* carries a pending lost record */
				flushed = true;
			}
			if (flushed && !idle)
				idle = now_s();
			if (flushed && now_s() - idle > 0.3)
				break;
			usleep(500);
		}
		delivered = samples;
	}
	ok = counter(0) - base_ok;
	fail = counter(1) - base_fail;
	lostall = (mode == 2 ? fail : lost) + evicted;
	printf("RESULT consumer=fs-%s-%s size=%u secs=%.2f emitted=%llu delivered=%llu lost=%llu\n",
	       cat_mode ? "cat" : "read", mode == 1 ? "perf" : "ring", size, secs,
	       ok + fail, delivered, lostall);
	return 0;
}
EOF
cc -O2 -Wall -D_GNU_SOURCE -o "$tmp/fs_bench" "$tmp/fs_bench.c" -lbpf -lpthread

# fs_run KIND SIZE HOW: a fresh mount holding the object, one fs_bench run
mem=$tmp/mem
: > "$mem"
fs_run() {
	local i
	if [ ! -x "$ebpfs" ]; then
		echo "bench_events.sh: $ebpfs missing: fs runs skipped" >&2
		return 0
	fi
	mkdir -p "$mnt"
	"$ebpfs" "$mnt" -f -o "pin_dir=$pin,no_restore,events_log=$evlog" 2>>"$tmp/ebpfs.log" &
	dpid=$!
	for i in $(seq 1 100); do
		mountpoint -q "$mnt" && break
		sleep 0.05
	done
	if cp "$obj" "$mnt/progs/"; then
		run "$tmp/fs_bench" "$mnt" "$pin" "$1" "$2" "$secs" "$3"
		echo "fs-$3-$1 size=$2 VmHWM $(sed -n 's/^VmHWM: *//p' /proc/$dpid/status)" >> "$mem"
	else
		echo "bench_events.sh: cp $obj into the mount failed" >&2
	fi
	fs_stop
}

# --- the runs ----------------------------------------------------------------
results=$tmp/results
: > "$results"
run() {
	echo "running: $*" >&2
	"$@" | grep '^RESULT' >> "$results" ||
		echo "bench_events.sh: no result from: $*" >&2
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
	for kind in perf ring; do
		for how in read cat; do
			fs_run "$kind" "$size" "$how"
		done
	done
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
		for (h = 0; h < 2; h++) {
			how = h ? "cat" : "read"
			c = "fs-" how "-perf"
			if (de["libbpf-perf", sz] && ((c, sz) in de))
				printf "  size %2d  %-12s / libbpf-perf   %.2f\n", sz, c,
				       de[c, sz] / de["libbpf-perf", sz]
			if (de["bpftool", sz] && ((c, sz) in de))
				printf "  size %2d  %-12s / bpftool       %.2f\n", sz, c,
				       de[c, sz] / de["bpftool", sz]
			c = "fs-" how "-ring"
			if (de["libbpf-ring", sz] && ((c, sz) in de))
				printf "  size %2d  %-12s / libbpf-ring   %.2f\n", sz, c,
				       de[c, sz] / de["libbpf-ring", sz]
		}
	}
}' "$results"
if [ -s "$mem" ]; then
	echo ""
	echo "ebpfs peak memory (VmHWM; events_log=$evlog per map, 2 event maps):"
	sed 's/^/  /' "$mem"
fi
