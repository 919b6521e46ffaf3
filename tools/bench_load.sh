#!/usr/bin/env bash
# tools/bench_load.sh - load time of the core's loader against libbpf.
#
#   tools/bench_load.sh [BUILD_DIR] [RUNS]
#
# Loads a small object and a verifier-heavy one RUNS times (default 10)
# each with `ebpfctl obj load --pin` and with `bpftool prog loadall`
# (libbpf 1.1), both pinning into a bpffs directory that is removed after
# every run, and prints the median wall time of each and the ratio
# ebpfctl / bpftool (below 1.00: ours is faster).  Both parse the
# object, load BTF, create the maps and load the programs; both parse
# the kernel's vmlinux BTF when the object needs it (CO-RE).
#
# TODO(mount): the same with `cp OBJ MOUNT/progs/` into a running ebpfs
# (time from cp start to cp exit), once fs/ is ready.
#
# Needs root, a bpffs on /sys/fs/bpf and bpftool.  Output, one line per
# object:
#   OBJECT ebpfctl_ms N.NN bpftool_ms N.NN ratio N.NN
set -euo pipefail

BUILD=${1:-build}
RUNS=${2:-10}
CTL=$BUILD/tools/ebpfctl
BPF=$BUILD/tests/bpf
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)
DIR=/sys/fs/bpf/ebpfs_bench_$$
TMP=$(mktemp -d)

[ -x "$CTL" ] || { echo "bench_load: $CTL is not built" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "bench_load: needs root" >&2; exit 1; }
trap 'rm -rf "$DIR" "$TMP"' EXIT

now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# time_one CMD...: nanoseconds of one run (the pin dir is removed after)
time_one() {
	local t0 t1
	t0=$(now_ns)
	"$@" >/dev/null
	t1=$(now_ns)
	rm -rf "$DIR"
	echo $((t1 - t0))
}

bench() {
	local obj=$1 i ours theirs
	: >"$TMP/ours"
	: >"$TMP/theirs"
	# one warm-up each (page cache, vmlinux BTF in memory)
	time_one "$CTL" obj load "$obj" --pin "$DIR" >/dev/null
	time_one "$BPFTOOL" prog loadall "$obj" "$DIR" >/dev/null
	for ((i = 0; i < RUNS; i++)); do
		time_one "$CTL" obj load "$obj" --pin "$DIR" >>"$TMP/ours"
		time_one "$BPFTOOL" prog loadall "$obj" "$DIR" >>"$TMP/theirs"
	done
	ours=$(median <"$TMP/ours")
	theirs=$(median <"$TMP/theirs")
	awk -v n="$(basename "$obj" .bpf.o)" -v o="$ours" -v t="$theirs" \
		'BEGIN { printf "%s ebpfctl_ms %.2f bpftool_ms %.2f ratio %.2f\n", n, o / 1e6, t / 1e6, o / t }'
}

echo "# $RUNS runs each, median wall time; ratio = ebpfctl / bpftool"
bench "$BPF/xdp_count.bpf.o"		# small: 1 program, 2 maps
bench "$BPF/core_read.bpf.o"		# small, CO-RE: parses vmlinux BTF
bench "$BPF/bench_heavy.bpf.o"		# verifier-heavy
