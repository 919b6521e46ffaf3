# tests/fs_lib.sh - shared helpers of the ebpfs integration tests
# (sourced by tests/fs_*.sh; not a test itself).
#
# Each test mounts a real ebpfs in a mktemp directory with its own pin
# directory under /sys/fs/bpf, and its EXIT trap unmounts, kills the
# daemon it started (by pid) and removes the pins, also on failure.
# Without root or /dev/fuse the test prints "SKIP ..." and exits 77.

set -uo pipefail

T=${T:?set T to the test name before sourcing fs_lib.sh}
EBPFS=${EB_BUILD_DIR:?}/fs/ebpfs
BPF=${EB_BPF_DIR:?}

pass=0
fail=0

skip_all() {
	echo "SKIP $T: $1"
	echo "$T: 0 passed, 0 failed (skipped)"
	exit 77
}

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -c /dev/fuse ] || skip_all "no /dev/fuse"
command -v fusermount3 >/dev/null || skip_all "no fusermount3"
[ -x "$EBPFS" ] || skip_all "no $EBPFS"

MNT=$(mktemp -d /tmp/ebpfs-$T.XXXXXX)
PIN=/sys/fs/bpf/ebpfs-test-$T-$$
WORK=$(mktemp -d /tmp/ebpfs-$T-work.XXXXXX)
LOG=$WORK/daemon.log
DPID=

. "$(dirname "${BASH_SOURCE[0]}")/tap_lib.sh"

# check_fails DESC CMD...: the command must fail.
check_fails() {
	local desc=$1
	shift
	if "$@" 2>/dev/null; then not_ok "$desc"; else ok "$desc"; fi
}

# expect_eq DESC GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   got:  $(printf '%q' "$2")"
		echo "#   want: $(printf '%q' "$3")"
	fi
}

# expect_line DESC FILE LINE: LINE is a whole line of FILE.
expect_line() {
	if grep -Fxq -- "$3" "$2"; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   '$3' not in $2:"
		sed 's/^/#   | /' "$2" | head -20
	fi
}

# expect_err DESC ERRNO_NAME CMD...: the command fails and its stderr
# carries the message of ERRNO_NAME (e.g. EACCES).
expect_err() {
	local desc=$1 name=$2 msg out
	shift 2
	msg=$(python3 -c "import errno,os; print(os.strerror(errno.$name))")
	if out=$("$@" 2>&1); then
		not_ok "$desc: succeeded, wanted $name"
		return
	fi
	# (no `printf | grep -q` under pipefail: bash writes line by line,
	# and grep leaving at the first match can SIGPIPE the next write)
	if [[ $out == *"$msg"* ]]; then
		ok "$desc ($name)"
	else
		not_ok "$desc: wanted $name ($msg)"
		echo "#   got: $out"
	fi
}

# pyerrno 'PYTHON CODE': run it (os, errno imported); print the errno
# name of the OSError it raises, or OK.
pyerrno() {
	python3 -c '
import errno, os, sys
try:
    exec(sys.argv[1])
    print("OK")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
' "$1"
}

# daemon_alive: the daemon still answers.
daemon_alive() {
	[ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null && ls "$MNT/progs" >/dev/null
}

# start_daemon [ARGS...]: mount in the foreground mode, in the background.
start_daemon() {
	"$EBPFS" "$MNT" -f -o "pin_dir=$PIN" "$@" 2>>"$LOG" &
	DPID=$!
	wait_mounted
}

wait_mounted() {
	local i
	for i in $(seq 1 100); do
		if mountpoint -q "$MNT"; then
			return 0
		fi
		if [ -n "$DPID" ] && ! kill -0 "$DPID" 2>/dev/null; then
			break
		fi
		sleep 0.05
	done
	echo "# daemon did not mount; log:"
	sed 's/^/#   | /' "$LOG"
	return 1
}

# stop_daemon: unmount and wait for the daemon to exit.
stop_daemon() {
	local i
	fusermount3 -u "$MNT" 2>/dev/null
	for i in $(seq 1 100); do
		if ! kill -0 "$DPID" 2>/dev/null; then
			wait "$DPID" 2>/dev/null
			DPID=
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# kill_daemon: SIGKILL, then clean the stale mount.
kill_daemon() {
	kill -9 "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DPID=
	fusermount3 -u -z "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null
	return 0
}

# fuse_abort: end the mount's FUSE connection, so requests the daemon
# never answers fail (ENOTCONN) instead of blocking for ever: through
# fusectl when it is mounted, else by killing the daemon we started.
fuse_abort() {
	local dev
	dev=$(stat -c %d "$MNT" 2>/dev/null)
	if [ -n "$dev" ] && [ -w "/sys/fs/fuse/connections/$dev/abort" ]; then
		echo 1 >"/sys/fs/fuse/connections/$dev/abort"
	elif [ -n "$DPID" ]; then
		kill -9 "$DPID" 2>/dev/null
	fi
	return 0
}

# guard SECS CMD...: run CMD; if it has not finished after SECS seconds
# (a request the daemon never answered), abort the connection.  Returns
# CMD's status, or 124 after an abort.
guard() {
	local secs=$1 pid i
	shift
	"$@" &
	pid=$!
	for i in $(seq 1 $((secs * 20))); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return $?
		fi
		sleep 0.05
	done
	echo "# '$*' did not finish in ${secs}s: aborting the FUSE connection"
	fuse_abort
	wait "$pid"
	return 124
}

fs_cleanup() {
	local rc=$?
	if mountpoint -q "$MNT" 2>/dev/null; then
		fusermount3 -u "$MNT" 2>/dev/null || { fuse_abort; fusermount3 -u -z "$MNT" 2>/dev/null; }
	fi
	if [ -n "$DPID" ]; then
		kill "$DPID" 2>/dev/null
		sleep 0.2
		kill -9 "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
	fi
	rm -rf "$PIN"
	rmdir "$MNT" 2>/dev/null
	if [ "$fail" != 0 ] && [ -s "$LOG" ]; then
		echo "# daemon log:"
		sed 's/^/#   | /' "$LOG" | tail -40
	fi
	rm -rf "$WORK"
	exit $rc
}
trap fs_cleanup EXIT

# finish: the summary line and the exit status.  Sanitizer reports of
# the daemon (ASan/UBSan builds) count as a failure.
finish() {
	if [ -n "$DPID" ]; then
		stop_daemon
	fi
	if grep -Eq 'Sanitizer|runtime error' "$LOG" 2>/dev/null; then
		not_ok "sanitizer report in the daemon log"
	else
		ok "no sanitizer report in the daemon log"
	fi
	echo "$T: $pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit $?
}

# eventually CMD...: retry the command for up to 3 s (the kernel frees
# maps a program used after an RCU grace period).
eventually() {
	local i
	for i in $(seq 1 60); do
		if "$@" 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# Ids the mount reports (other tests may load objects with the same
# names at the same time, so bpftool is asked about these ids only).
our_prog_id() {
	sed -n 's/^id: //p' "$MNT/progs/$1/info" 2>/dev/null
}

our_map_id() {
	sed -n 's/^id: //p' "$MNT/maps/$1/.info" 2>/dev/null
}

# bpftool_prog_name ID: the name bpftool reports for a program id ("" if none)
bpftool_prog_name() {
	bpftool -j prog show id "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])' 2>/dev/null
}

# bpftool helpers: ids of programs / maps with a given name.
prog_id_by_name() {
	bpftool -j prog show 2>/dev/null | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p.get("name") == sys.argv[1]:
        print(p["id"])' "$1"
}

map_id_by_name() {
	bpftool -j map show 2>/dev/null | python3 -c '
import json, sys
for m in json.load(sys.stdin):
    if m.get("name") == sys.argv[1]:
        print(m["id"])' "$1"
}

# info MAP KEY: the value of KEY in maps/MAP/.info ($M is the maps dir)
info() { sed -n "s/^$2: //p" "$M/$1/.info"; }
# logged MAP N: MAP's .info counts N samples.  A function, so that
# `eventually logged ...` reads .info again at each try (an argument
# "$(info ...)" would be expanded once, before eventually runs); perf
# samples below the wakeup mark (8 per CPU) reach the log at the next drain.
logged() { test "$(info "$1" events_samples)" = "$2"; }

# no_prog NAME / no_map NAME: the kernel holds no program / map of that
# name.  Functions, so that `eventually no_map X` asks bpftool again at
# each try (an argument "$(map_id_by_name X)" is expanded once, before
# eventually runs).
no_prog() { test -z "$(prog_id_by_name "$1")"; }
no_map() { test -z "$(map_id_by_name "$1")"; }
