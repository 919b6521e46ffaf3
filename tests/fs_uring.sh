#!/usr/bin/env bash
# tests/fs_uring.sh - FUSE over io_uring (fs/uring.c): with the fuse module
# parameter enable_uring=Y the daemon serves requests through one io_uring
# queue per CPU.  Checked: the daemon says so; loads, writes and reads
# made from every online CPU reach the kernel (bpftool is the witness);
# an object's bytes survive the trip; many readers parked on one CPU do
# not stall a quick read from that CPU (the queue grows); SIGTERM with a
# parked reader gives it EOF and ends the daemon; -o uring=off and enable_uring=N serve through
# /dev/fuse alone.  The parameter is put back as it was.
T=fs_uring
. "$(dirname "$0")/fs_lib.sh"

PARAM=/sys/module/fuse/parameters/enable_uring
[ -w "$PARAM" ] || skip_all "no FUSE over io_uring in this kernel ($PARAM)"
command -v bpftool >/dev/null || skip_all "no bpftool"
was=$(cat "$PARAM")
trap 'rc=$?; echo "$was" >"$PARAM"; (exit $rc); fs_cleanup' EXIT

P=$MNT/progs
M=$MNT/maps
# the kernel makes one queue per possible CPU
ncpu=$(python3 -c '
s = open("/sys/devices/system/cpu/possible").read().strip()
print(max(int(p.split("-")[-1]) for p in s.split(",")) + 1)')
online=$(python3 -c '
s = open("/sys/devices/system/cpu/online").read().strip()
cpus = []
for p in s.split(","):
    a, _, b = p.partition("-")
    cpus += range(int(a), int(b or a) + 1)
print(" ".join(map(str, cpus)))')
LINE="ebpfs: fs: serving through io_uring: $ncpu per-CPU queues"
uring_lines() { grep -c -x -F "$LINE" "$LOG"; }

# counts[1] as bpftool reads it, decimal (a little-endian u64)
bpftool_counts1() {
	bpftool -j map lookup id "$(our_map_id counts)" key 1 0 0 0 2>/dev/null | python3 -c '
import json, sys
print(int.from_bytes(bytes(int(b, 16) for b in json.load(sys.stdin)["value"]), "little"))'
}

# --- enable_uring=Y: the rings serve ---
echo Y >"$PARAM"
start_daemon || not_ok "daemon with enable_uring=Y"
check "the daemon says it serves through io_uring ($ncpu queues)" eventually grep -q -x -F "$LINE" "$LOG"
check "cp an object (uring)" cp "$BPF/xdp_count.bpf.o" "$P/"
check "its bytes read back unchanged" cmp "$BPF/xdp_count.bpf.o" "$P/xdp_count.bpf.o"
for cpu in $online; do
	v=$((1000 + cpu))
	check "cpu $cpu: echo $v > counts/1" taskset -c "$cpu" sh -c "echo $v > '$M/counts/1'"
	expect_eq "cpu $cpu: cat counts/1" "$(taskset -c "$cpu" cat "$M/counts/1")" "$v"
	expect_eq "cpu $cpu: the kernel holds $v (bpftool)" "$(bpftool_counts1)" "$v"
	expect_eq "cpu $cpu: ls maps/" "$(taskset -c "$cpu" ls "$M" | tr '\n' ' ')" "counts drops "
done
expect_err "a bad value is refused (uring)" EINVAL bash -c "echo nope > '$M/counts/1'"
expect_eq "and the kernel keeps the last one" "$(bpftool_counts1)" "$((1000 + ${online##* }))"

# --- many readers parked on one CPU; a quick read there still answers ---
first=${online%% *}
check "cp fs_events.bpf.o" cp "$BPF/fs_events.bpf.o" "$P/"
readers=()
for i in $(seq 1 12); do
	taskset -c "$first" timeout 30 cat "$M/fse_rb/events_pipe" >/dev/null 2>&1 &
	readers+=($!)
done
check "12 readers blocked on fse_rb/events_pipe" \
	eventually grep -q -x 'events_pipe_readers: 12' "$M/fse_rb/.info"
expect_eq "cpu $first: cat counts/1 answers beside 12 parked reads" \
	"$(taskset -c "$first" timeout 5 cat "$M/counts/1")" "$((1000 + ${online##* }))"
kill "${readers[@]}" 2>/dev/null
wait "${readers[@]}" 2>/dev/null
check "the readers are gone" eventually grep -q -x 'events_pipe_readers: 0' "$M/fse_rb/.info"

# --- SIGTERM while a reader is parked: the reader gets EOF, the daemon ends ---
# (a daemon of its own, logging apart: the file the reader had open is
# never released to the stopped daemon, so LeakSanitizer builds report
# that handle)
stop_daemon
"$EBPFS" "$MNT" -f -o "pin_dir=$PIN" 2>>"$WORK/term.log" &
DPID=$!
wait_mounted || not_ok "daemon for the SIGTERM case"
check "it serves through io_uring too" eventually grep -q -x -F "$LINE" "$WORK/term.log"
timeout 30 cat "$M/fse_rb/events_pipe" >"$WORK/parked.out" 2>&1 &
reader=$!
check "a reader blocks" eventually grep -q -x 'events_pipe_readers: 1' "$M/fse_rb/.info"
kill -TERM "$DPID"
check "the parked reader ends" eventually sh -c "! kill -0 $reader"
wait "$reader"
expect_eq "with EOF (exit 0, nothing read)" "$?:$(cat "$WORK/parked.out")" "0:"
check "the daemon exits" eventually sh -c "! kill -0 $DPID"
wait "$DPID" 2>/dev/null
DPID=
check "unmounted" sh -c "! mountpoint -q '$MNT'"

# --- -o uring=off: /dev/fuse only ---
before=$(uring_lines)
start_daemon -o uring=off || not_ok "daemon with uring=off"
expect_eq "uring=off: restored counts/1" "$(cat "$M/counts/1")" "$((1000 + ${online##* }))"
check "uring=off: echo 7 > counts/1" sh -c "echo 7 > '$M/counts/1'"
expect_eq "uring=off: the kernel holds 7" "$(bpftool_counts1)" "7"
expect_eq "uring=off: no io_uring" "$(uring_lines)" "$before"
stop_daemon

# --- enable_uring=N: /dev/fuse only ---
echo N >"$PARAM"
start_daemon || not_ok "daemon with enable_uring=N"
check "enable_uring=N: echo 8 > counts/1" sh -c "echo 8 > '$M/counts/1'"
expect_eq "enable_uring=N: cat counts/1" "$(cat "$M/counts/1")" "8"
expect_eq "enable_uring=N: no io_uring" "$(uring_lines)" "$before"
check "rm the objects" rm "$P/xdp_count.bpf.o" "$P/fs_events.bpf.o"
expect_eq "progs/ empty" "$(ls "$P")" ""
expect_eq "maps/ empty" "$(ls "$M")" ""

finish
