#!/usr/bin/env bash
# tools/bench_load.sh - load time of ebpfs and the core's loader against
# libbpf (issue 6's benchmark).
#
#   tools/bench_load.sh [BUILD_DIR] [RUNS]
#
# Loads a small object, a small CO-RE object and a verifier-heavy one
# RUNS times (default 10) each, in one interleaved run, with:
#   cp        `cp OBJ MOUNT/progs/` into a running ebpfs started with
#             `-o log_level=0`: no verifier log on success, a level-1 log
#             on failure, which is what bpftool does (time from cp's start
#             to its exit: open, write, and the close that loads);
#   cp_def    the same into a second ebpfs with the default options
#             (log_level=4: the verifier's statistics for every load,
#             kept in progs/PROG/log; a refused program is loaded again
#             at level 1);
#   ebpfctl   `ebpfctl obj load --pin DIR` (a fresh process: it parses
#             the kernel's vmlinux BTF itself when the object needs it);
#   bpftool   `bpftool prog loadall OBJ DIR` (libbpf 1.1);
#   tmpfs     reference: `cp OBJ` into a tmpfs directory (/dev/shm),
#             i.e. what cp costs by itself (start-up, open, write,
#             close) without a mount or a load.
# After every run the object is removed again (rm from the mount, rm -rf
# of the pin directory), untimed.  Each daemon keeps the kernel's BTF
# parsed from its first CO-RE load on, as a long-running daemon does; one
# warm-up run per object and tool comes first.
#
# Output: the median wall time of each in ms and the ratios to bpftool
# (below 1.00: faster than bpftool), one line per object, then the same
# as a markdown table.
#
# Needs root, /dev/fuse, fusermount3, a bpffs on /sys/fs/bpf and bpftool.
set -euo pipefail

. "$(dirname "$0")/bench_lib.sh"
BUILD=${1:-build}
RUNS=${2:-10}
CTL=$BUILD/tools/ebpfctl
EBPFS=$BUILD/fs/ebpfs
BPF=$BUILD/tests/bpf
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)
DIR=/sys/fs/bpf/ebpfs_bench_$$
PIN0=/sys/fs/bpf/ebpfs_bench_fs0_$$
PIN1=/sys/fs/bpf/ebpfs_bench_fs1_$$
TMP=$(mktemp -d)
# the reference for cp alone: a tmpfs directory (/dev/shm), else $TMP
TMPFS=$(mktemp -d /dev/shm/ebpfs-bench.XXXXXX 2>/dev/null || mktemp -d)
MNT0=$(mktemp -d /tmp/ebpfs-bench0.XXXXXX)
MNT1=$(mktemp -d /tmp/ebpfs-bench1.XXXXXX)
PID0=
PID1=

for f in "$CTL" "$EBPFS"; do
	[ -x "$f" ] || { echo "bench_load: $f is not built" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "bench_load: needs root" >&2; exit 1; }
[ -x "$BPFTOOL" ] || { echo "bench_load: no bpftool" >&2; exit 1; }

stop_daemon() {	# stop_daemon MNT PID
	mountpoint -q "$1" && fusermount3 -u "$1" 2>/dev/null
	[ -n "$2" ] || return 0
	local i
	for i in $(seq 1 40); do
		kill -0 "$2" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$2" 2>/dev/null || true
	wait "$2" 2>/dev/null || true
	return 0
}

cleanup() {
	set +e
	stop_daemon "$MNT0" "$PID0"
	stop_daemon "$MNT1" "$PID1"
	rmdir "$MNT0" "$MNT1" 2>/dev/null
	rm -rf "$DIR" "$PIN0" "$PIN1" "$TMP" "$TMPFS"
	bench_uring_restore
	return 0
}
trap cleanup EXIT

# FUSE over io_uring when the kernel has it; put back on exit.
bench_uring_on

# Other work on the machine shows up as noise: run (with the daemons and
# every timed command, which inherit it) at a higher priority.
renice -n -10 $$ >/dev/null 2>&1 || true

start_daemon() {	# start_daemon MNT PIN [ARGS...]; the caller takes $!
	local mnt=$1 pin=$2 i
	shift 2
	"$EBPFS" "$mnt" -f -o "pin_dir=$pin" "$@" 2>>"$TMP/daemon.log" &
	for i in $(seq 1 100); do
		mountpoint -q "$mnt" && break
		sleep 0.05
	done
	mountpoint -q "$mnt" || { echo "bench_load: ebpfs did not mount" >&2; cat "$TMP/daemon.log" >&2; exit 1; }
}

start_daemon "$MNT0" "$PIN0" -o log_level=0
PID0=$!
start_daemon "$MNT1" "$PIN1"
PID1=$!

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# time_cmd UNDO CMD...: run CMD, print its microseconds, then run the
# shell command UNDO (untimed).  A failure ends the benchmark.
time_cmd() {
	local undo=$1 t0 t1
	shift
	t0=${EPOCHREALTIME/./}	# microseconds, without a fork
	if ! "$@" >/dev/null 2>"$TMP/err"; then
		echo "bench_load: '$*' failed:" >&2
		cat "$TMP/err" >&2
		exit 1
	fi
	t1=${EPOCHREALTIME/./}
	eval "$undo"
	echo $((t1 - t0))
}

# one_run OBJ: one timed load of each, appended to $TMP/<tool>
one_run() {
	local obj=$1 base
	base=$(basename "$obj")
	time_cmd "rm -f '$MNT0/progs/$base'" cp "$obj" "$MNT0/progs/" >>"$TMP/cp"
	time_cmd "rm -f '$MNT1/progs/$base'" cp "$obj" "$MNT1/progs/" >>"$TMP/cp_def"
	time_cmd "rm -rf '$DIR'" "$CTL" obj load "$obj" --pin "$DIR" >>"$TMP/ebpfctl"
	time_cmd "rm -rf '$DIR'" "$BPFTOOL" prog loadall "$obj" "$DIR" >>"$TMP/bpftool"
	time_cmd "rm -f '$TMPFS/$base'" cp "$obj" "$TMPFS/" >>"$TMP/tmpfs"
}

rows=()
bench() {
	local obj=$1 kind=$2 i t cp cp1 ctl bt tf
	for t in cp cp_def ebpfctl bpftool tmpfs; do : >"$TMP/$t"; done
	one_run "$obj"		# warm-up: page cache, the daemons' kernel BTF
	for t in cp cp_def ebpfctl bpftool tmpfs; do : >"$TMP/$t"; done
	for ((i = 0; i < RUNS; i++)); do
		one_run "$obj"
	done
	cp=$(median <"$TMP/cp")
	cp1=$(median <"$TMP/cp_def")
	ctl=$(median <"$TMP/ebpfctl")
	bt=$(median <"$TMP/bpftool")
	tf=$(median <"$TMP/tmpfs")
	awk -v n="$(basename "$obj" .bpf.o)" -v c="$cp" -v c1="$cp1" -v e="$ctl" -v b="$bt" -v t="$tf" 'BEGIN {
		printf "%s cp_ms %.2f cp_def_ms %.2f ebpfctl_ms %.2f bpftool_ms %.2f tmpfs_cp_ms %.2f cp_ratio %.2f cp_def_ratio %.2f ebpfctl_ratio %.2f\n",
			n, c / 1e3, c1 / 1e3, e / 1e3, b / 1e3, t / 1e3, c / b, c1 / b, e / b }'
	rows+=("$(awk -v n="$(basename "$obj")" -v k="$kind" -v c="$cp" -v c1="$cp1" -v e="$ctl" -v b="$bt" -v t="$tf" 'BEGIN {
		printf "| %s (%s) | %.2f | %.2f | **%.2f** | %.2f | %.2f | %.2f | %.2f | %.2f |",
			n, k, b / 1e3, c / 1e3, c / b, c1 / 1e3, c1 / b, e / 1e3, e / b, t / 1e3 }')")
}

transport=$(bench_transport "$TMP/daemon.log")
echo "# $RUNS runs each, interleaved, median wall time; ratio = ours / bpftool prog loadall; daemon transport: $transport"
bench "$BPF/xdp_count.bpf.o" "small: 1 program, 2 maps"
bench "$BPF/core_read.bpf.o" "small, CO-RE: needs vmlinux BTF"
bench "$BPF/bench_heavy.bpf.o" "verifier-heavy: 520k insns processed"
echo
echo "| object | bpftool ms | cp ms | cp / bpftool | cp, default log_level=4 ms | ratio | ebpfctl ms | ratio | cp to tmpfs ms |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
