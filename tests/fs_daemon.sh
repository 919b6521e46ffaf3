#!/usr/bin/env bash
# tests/fs_daemon.sh - the daemon in daemon mode (no -f, as tools/setup.sh
# starts it): it detaches, serves, and after SIGKILL a new daemon restores
# programs, maps, values, links and the events readers.  Guards the
# restore running after fuse_daemonize() (main.c): reader threads and
# mapped rings made before the fork would be gone in the daemon, so the
# restored perf event array and ring buffer would never log a sample.
T=fs_daemon
. "$(dirname "$0")/fs_lib.sh"

OBJ=fs_events.bpf.o
[ -e "$BPF/$OBJ" ] || skip_all "no $OBJ"
P=$MNT/progs
M=$MNT/maps

# A detached daemon's stderr is /dev/null: sanitizer builds report into
# files instead (checked at the end).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$WORK/san"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$WORK/san"

# start_detached: ebpfs returns once mounted; DPID is the daemon it left
start_detached() {
	local rc
	"$EBPFS" "$MNT" -o "pin_dir=$PIN" 2>>"$LOG"
	rc=$?
	expect_eq "ebpfs (daemon mode) exits 0" "$rc" 0
	DPID=$(pgrep -f -x "$EBPFS $MNT -o pin_dir=$PIN" | head -1)
	check "the daemon runs" test -n "$DPID"
	check "mounted" mountpoint -q "$MNT"
	[ -n "$DPID" ] && mountpoint -q "$MNT"
}

# sigkill: SIGKILL the daemon, wait until it is gone, clean the dead mount
sigkill() {
	local i
	kill -9 "$DPID"
	for i in $(seq 1 100); do
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.05
	done
	check "the daemon is gone after SIGKILL" sh -c "! kill -0 $DPID 2>/dev/null"
	DPID=
	fusermount3 -u -z "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null
	check "the dead mount is cleaned" sh -c "! mountpoint -q '$MNT'"
}

# trig N: N samples from fs_events.bpf.o's tracepoint program (one per
# getppid() of this python process), through the maps' files; with the
# daemon gone, bpftool writes the config map through its pin instead.
cat >"$WORK/trig.py" <<'EOF'
import os, subprocess, sys

n, how, where = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def setcfg(i, v):
    if how == "mount":
        with open("%s/fse_cfg/%d" % (where, i), "w") as f:
            f.write("%d\n" % v)
    else:
        subprocess.run(["bpftool", "map", "update", "pinned", where + "/maps/fse_cfg",
                        "key"] + [str(b) for b in i.to_bytes(4, "little")] +
                       ["value"] + [str(b) for b in v.to_bytes(4, "little")], check=True)

setcfg(1, 1)
setcfg(0, os.getpid())
for _ in range(n):
    os.getppid()
setcfg(0, 0)
EOF
# seqs FILE: the seq field of each hex sample line of fse_pa / fse_rb
seqs() {
	python3 -c '
import struct, sys
for l in open(sys.argv[1]).read().splitlines():
    w = l.split()
    d = [x for x in w if x.startswith("data=")]
    print(struct.unpack_from("<I", bytes.fromhex(d[0][5:]), 4)[0] if d else " ".join(w[1:]))
' "$1"
}

# --- first daemon ---
start_detached || { not_ok "daemon mounts"; finish; }
check "detached (not our child)" test "$(ps -o ppid= -p "$DPID" | tr -d ' ')" != "$$"
for o in xdp_count.bpf.o maps_btf.bpf.o "$OBJ"; do
	check "cp $o" cp "$BPF/$o" "$P/"
done
check "echo 7 > counts/1" sh -c "echo 7 > '$M/counts/1'"
check "echo 42 > m_hash/3" sh -c "echo 42 > '$M/m_hash/3'"
check "echo 5 > m_pinned/1" sh -c "echo 5 > '$M/m_pinned/1'"
check "echo 9 > m_pcpu_array/2" sh -c "echo 9 > '$M/m_pcpu_array/2'"
for m in m_ringbuf m_perf fse_rb fse_pa; do
	expect_line "$m: the reader runs (.info events_samples)" <(cat "$M/$m/.info") "events_samples: 0"
done
if [ ! -e "$P/fse_getppid/attach" ]; then
	skip_all "progs/NAME/attach is missing"
fi
check "echo auto > progs/fse_getppid/attach" sh -c "echo auto > '$P/fse_getppid/attach'"
N=5
check "$N samples" python3 "$WORK/trig.py" $N mount "$M"
check "fse_rb: $N samples logged" eventually logged fse_rb $N
check "fse_pa: $N samples logged" eventually logged fse_pa $N
ls_p=$(ls "$P" | tr '\n' ' ')
ls_m=$(ls "$M" | tr '\n' ' ')
ids=$(for p in xdp_count maps_use fse_getppid; do our_prog_id $p; done | tr '\n' ' ')
mids=$(for m in counts m_hash m_ringbuf fse_rb fse_pa; do our_map_id $m; done | tr '\n' ' ')
link=$(cat "$P/fse_getppid/attach")
old=$DPID

# --- SIGKILL; samples while no daemon runs ---
sigkill
check "pins survive" test -e "$PIN/maps/counts"
K=3
check "$K samples while no daemon runs (config through bpftool)" \
	python3 "$WORK/trig.py" $K bpftool "$PIN"

# --- restart in daemon mode ---
start_detached || { not_ok "daemon restarts"; finish; }
check "a new daemon" test "$DPID" != "$old"
# no retry: requests wait until the restore is done
expect_eq "same progs/ at once" "$(ls "$P" | tr '\n' ' ')" "$ls_p"
expect_eq "same maps/" "$(ls "$M" | tr '\n' ' ')" "$ls_m"
expect_eq "same program ids" "$(for p in xdp_count maps_use fse_getppid; do our_prog_id $p; done | tr '\n' ' ')" "$ids"
expect_eq "same map ids" "$(for m in counts m_hash m_ringbuf fse_rb fse_pa; do our_map_id $m; done | tr '\n' ' ')" "$mids"
expect_eq "counts/1 kept" "$(cat "$M/counts/1")" 7
expect_eq "m_hash/3 kept" "$(cat "$M/m_hash/3")" 42
expect_eq "m_pinned/1 kept" "$(cat "$M/m_pinned/1")" 5
expect_line "m_pcpu_array/2 kept" <(cat "$M/m_pcpu_array/2") "cpu0: 9"
check "object bytes kept" cmp "$P/maps_btf.bpf.o" "$BPF/maps_btf.bpf.o"
expect_eq "the link is back" "$(cat "$P/fse_getppid/attach")" "$link"
for m in m_ringbuf m_perf; do
	expect_line "maps_btf $m: the restored reader runs" <(cat "$M/$m/.info") "events_samples: 0"
	expect_eq "maps_btf $m: events empty" "$(cat "$M/$m/events")" ""
done
expect_eq "maps_btf m_ringbuf: events_pipe has nothing yet" \
	"$(pyerrno "os.read(os.open('$M/m_ringbuf/events_pipe', os.O_RDONLY | os.O_NONBLOCK), 100)")" EAGAIN

# the ring buffer kept what came while no daemon ran; the new reader
# logs it
check "fse_rb: the $K samples of the gap are logged" \
	eventually logged fse_rb $K
expect_eq "fse_rb: events holds them in order" "$(seqs <(cat "$M/fse_rb/events"))" \
	"$(seq $N $((N + K - 1)))"
# new samples reach both restored readers
check "$N more samples" python3 "$WORK/trig.py" $N mount "$M"
check "fse_rb: all logged" eventually logged fse_rb $((K + N))
check "fse_pa: the new ones logged" eventually logged fse_pa $N
expect_eq "fse_rb: events in order" "$(seqs <(cat "$M/fse_rb/events"))" \
	"$(seq $N $((2 * N + K - 1)))"
expect_eq "fse_pa: events in order" "$(seqs <(cat "$M/fse_pa/events"))" \
	"$(seq $((N + K)) $((2 * N + K - 1)))"
expect_line "fse_rb: nothing lost" <(cat "$M/fse_rb/.info") "events_lost: 0"

# --- unload; the daemon ends on unmount ---
for o in "$OBJ" maps_btf.bpf.o xdp_count.bpf.o; do
	check "rm $o" rm "$P/$o"
done
expect_eq "progs/ empty" "$(ls "$P")" ""
expect_eq "no pins left" "$(find "$PIN" -mindepth 2 | wc -l)" 0
check "fusermount3 -u ends the daemon" stop_daemon
if grep -Eqs 'Sanitizer|runtime error' "$WORK"/san*; then
	not_ok "sanitizer report of the detached daemon"
	cat "$WORK"/san* | head -40 | sed 's/^/#   /'
else
	ok "no sanitizer report of the detached daemon"
fi
finish
