# tools/bench_lib.sh - sourced by the bench_*.sh scripts.
#
# bench_uring_on: serve through FUSE over io_uring for the run, as
# tools/setup.sh mounts (README.md, "FUSE over io_uring"); EBPFS_URING=N
# measures /dev/fuse.  bench_uring_restore puts the kernel's setting back
# (call it from the EXIT trap).  bench_transport LOG: which one a daemon
# whose log is LOG serves through.

BENCH_URING_PARAM=/sys/module/fuse/parameters/enable_uring
bench_uring_was=

bench_uring_on() {
	[ -w "$BENCH_URING_PARAM" ] || return 0
	bench_uring_was=$(cat "$BENCH_URING_PARAM")
	echo "${EBPFS_URING:-Y}" >"$BENCH_URING_PARAM"
}

bench_uring_restore() {
	[ -z "$bench_uring_was" ] || echo "$bench_uring_was" >"$BENCH_URING_PARAM"
}

bench_transport() {
	if grep -q 'serving through io_uring' "$1"; then
		echo "io_uring (per-CPU queues)"
	else
		echo "/dev/fuse"
	fi
}
