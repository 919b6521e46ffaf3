#!/usr/bin/env bash
# tests/fs_mount.sh - milestone 1: the daemon mounts, daemonizes, shows
# the root, keeps inode numbers stable, refuses mkdir, and ends cleanly
# on fusermount3 -u.
T=fs_mount
. "$(dirname "$0")/fs_lib.sh"

# --help documents the options and exits 0
out=$("$EBPFS" --help 2>&1)
expect_eq "--help exits 0" "$?" 0
for opt in pin_dir= allow_other log_level= max_object= max_read= no_restore uring=; do
	if [[ $out == *"$opt"* ]]; then ok "--help lists $opt"; else not_ok "--help lists $opt"; fi
done
"$EBPFS" >/dev/null 2>&1
expect_eq "no mountpoint: exit 1" "$?" 1

# daemon mode: ebpfs returns once mounted, the daemon keeps running
"$EBPFS" "$MNT" -o "pin_dir=$PIN" 2>>"$LOG"
expect_eq "ebpfs (daemon mode) exits 0" "$?" 0
check "mounted" mountpoint -q "$MNT"
DPID=$(pgrep -f -x "$EBPFS $MNT -o pin_dir=$PIN" | head -1)
check "daemon process found" test -n "$DPID"
check "pin dir created on bpffs" test -d "$PIN"

expect_eq "ls /" "$(ls "$MNT" | tr '\n' ' ')" "maps progs sys "
expect_eq "ls progs/ empty" "$(ls "$MNT/progs")" ""
expect_eq "ls maps/ empty" "$(ls "$MNT/maps")" ""
expect_eq "progs/.last_error empty" "$(cat "$MNT/progs/.last_error")" ""
ino1=$(stat -c %i "$MNT/progs")
ino2=$(stat -c %i "$MNT/progs")
expect_eq "progs/ inode stable" "$ino1" "$ino2"
expect_eq "progs/ is a directory" "$(stat -c %F "$MNT/progs")" "directory"

expect_err "mkdir maps/x" EPERM mkdir "$MNT/maps/x"
expect_err "mkdir /x" EPERM mkdir "$MNT/x"
expect_err "touch maps/x" EPERM touch "$MNT/maps/x"
expect_err "cat nothing" ENOENT cat "$MNT/progs/nothing"
expect_err "write .last_error" EACCES bash -c "echo x > '$MNT/progs/.last_error'"
expect_eq "owner root" "$(stat -c %u "$MNT/maps")" 0

# multi-threaded: many concurrent readers
for i in $(seq 1 20); do ls "$MNT/progs" >/dev/null & done
wait_ok=0
for j in $(jobs -p); do wait "$j" || wait_ok=1; done
expect_eq "20 concurrent ls" "$wait_ok" 0

# fusermount3 -u ends the daemon
check "fusermount3 -u" fusermount3 -u "$MNT"
gone=no
for i in $(seq 1 100); do
	if ! kill -0 "$DPID" 2>/dev/null; then gone=yes; break; fi
	sleep 0.05
done
expect_eq "daemon exited after unmount" "$gone" yes
[ "$gone" = yes ] && DPID=
check "not mounted" sh -c "! mountpoint -q '$MNT'"

# -f mode, umount(8) ends it too
start_daemon
check "mounted with -f" mountpoint -q "$MNT"
check "umount" umount "$MNT"
gone=no
for i in $(seq 1 100); do
	if ! kill -0 "$DPID" 2>/dev/null; then gone=yes; break; fi
	sleep 0.05
done
expect_eq "foreground daemon exited after umount" "$gone" yes
if [ "$gone" = yes ]; then
	wait "$DPID"
	expect_eq "foreground daemon exit status" "$?" 0
	DPID=
fi

P=$MNT/progs
M=$MNT/maps

# restart_with ARGS...: a fresh foreground daemon on the same pin dir
restart_with() {
	if [ -n "$DPID" ]; then
		stop_daemon
	fi
	start_daemon "$@"
}

# --- bad option values: refused before mounting ---
# refused_start DESC OPTION MESSAGE: the daemon exits 1 printing MESSAGE
# (one that starts anyway is unmounted again after 5 s)
refused_start() {
	local pid i rc
	"$EBPFS" "$MNT" -f -o "pin_dir=$PIN,$2" >"$WORK/start.out" 2>&1 &
	pid=$!
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		not_ok "$1: the daemon started"
		fusermount3 -u "$MNT" 2>/dev/null
		kill "$pid" 2>/dev/null
		wait "$pid"
		return
	fi
	wait "$pid"
	rc=$?
	expect_eq "$1: exit 1" "$rc" 1
	expect_eq "$1: message" "$(cat "$WORK/start.out")" "$3"
}
refused_start "log_level=9" log_level=9 "ebpfs: bad log_level=9 (0-7: 1 and 2 verbose, 4 statistics)"
refused_start "log_level=-1" log_level=-1 "ebpfs: bad log_level=4294967295 (0-7: 1 and 2 verbose, 4 statistics)"
refused_start "max_object=big" max_object=big "ebpfs: bad max_object=big (bytes, 1 to 2^40, K/M/G suffixes)"
refused_start "max_object=5000G (over 2^40)" max_object=5000G "ebpfs: bad max_object=5000G (bytes, 1 to 2^40, K/M/G suffixes)"
refused_start "max_object=0" max_object=0 "ebpfs: bad max_object=0 (bytes, 1 to 2^40, K/M/G suffixes)"
refused_start "max_read=1000 (under 4K)" max_read=1000 "ebpfs: bad max_read=1000 (bytes, 4K to 1M, K/M suffixes)"
refused_start "max_read=2M (over 1M)" max_read=2M "ebpfs: bad max_read=2M (bytes, 4K to 1M, K/M suffixes)"
refused_start "uring=on" uring=on "ebpfs: bad uring=on (auto or off)"
check "bad options: not mounted" sh -c "! mountpoint -q '$MNT'"

# --- -o max_read=BYTES: the kernel's largest READ request ---
# mount_opt NAME: the value of mount option NAME of $MNT, as the kernel has it
mount_opt() { awk -v m="$MNT" '$2 == m { print $4 }' /proc/self/mounts | tr ',' '\n' | sed -n "s/^$1=//p"; }
restart_with || not_ok "daemon with the default options"
expect_eq "default max_read: 16 KiB" "$(mount_opt max_read)" 16384
big=$(ls -S "$BPF"/*.bpf.o | head -1)
check "cp of a big object ($(stat -c %s "$big") bytes)" cp "$big" "$P/big.o"
check "read back in 16 KiB requests: the same bytes" cmp "$big" "$P/big.o"
check "rm big.o" rm "$P/big.o"
restart_with -o "max_read=4K" || not_ok "daemon with max_read=4K"
expect_eq "max_read=4K reaches the kernel" "$(mount_opt max_read)" 4096
check "max_read=4K: cp of a big object" cp "$big" "$P/big.o"
check "max_read=4K: read back" cmp "$big" "$P/big.o"
check "max_read=4K: rm" rm "$P/big.o"

# max_object is 64-bit: 8G (which wraps to 0 in 32 bits) loads an object
restart_with -o "max_object=8G" || not_ok "daemon with max_object=8G"
check "max_object=8G: cp loads" cp "$BPF/xdp_count.bpf.o" "$P/"
check "max_object=8G: loaded" test -d "$P/xdp_count"
check "max_object=8G: rm" rm "$P/xdp_count.bpf.o"

# --- -o max_object=BYTES ---
# big.o: xdp_count.bpf.o plus one trailing byte (still a valid object)
SZ=$(stat -c %s "$BPF/xdp_count.bpf.o")
{ cat "$BPF/xdp_count.bpf.o"; printf '\0'; } >"$WORK/big.o"
restart_with -o "max_object=$SZ" || not_ok "daemon with max_object"
nothing_loaded() {
	expect_eq "$1: progs/ empty" "$(ls "$P")" ""
	expect_eq "$1: maps/ empty" "$(ls "$M")" ""
	expect_eq "$1: no pins" "$(find "$PIN" -mindepth 2 | wc -l)" 0
	if daemon_alive; then ok "$1: daemon answers"; else not_ok "$1: daemon gone"; fi
}
expect_err "cp an object 1 byte over max_object" EFBIG cp "$WORK/big.o" "$P/"
nothing_loaded "over max_object"
expect_err "cat >> (O_APPEND) 1 byte over max_object" EFBIG bash -c "cat '$WORK/big.o' >> '$P/app.o'"
nothing_loaded "O_APPEND over max_object"
# dd writes 1 KiB blocks: the last one is refused, and the close must not
# load the bytes before it (a cut-off object)
out=$(dd if="$WORK/big.o" of="$P/app.o" bs=1024 oflag=append conv=notrunc status=none 2>&1)
expect_eq "dd oflag=append over max_object: write and close fail with EFBIG" "$out" \
	"dd: error writing '$P/app.o': File too large
dd: closing output file '$P/app.o': File too large"
nothing_loaded "dd oflag=append over max_object"
check "no load was attempted (.last_error)" sh -c "! grep -q '^errno' '$P/.last_error'"
# O_APPEND with fstat() between the writes: the kernel's idea of the size
# (0 while uploading) becomes the write offset; the limit must hold
# against the bytes the daemon holds, not that offset
cat >"$WORK/append.py" <<'EOF'
import os, sys
data = open(sys.argv[1], "rb").read()
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
try:
    for i in range(0, len(data), 1024):
        os.write(fd, data[i:i + 1024])
        os.fstat(fd)
finally:
    os.close(fd)
EOF
expect_eq "O_APPEND + fstat, 1 byte over max_object" \
	"$(pyerrno "exec(open('$WORK/append.py').read().replace('sys.argv[1]', '\"$WORK/big.o\"').replace('sys.argv[2]', '\"$P/app.o\"'))")" EFBIG
nothing_loaded "O_APPEND + fstat over max_object"
check "an object of exactly max_object bytes loads" cp "$BPF/xdp_count.bpf.o" "$P/"
check "its bytes" cmp "$P/xdp_count.bpf.o" "$BPF/xdp_count.bpf.o"
check "rm it" rm "$P/xdp_count.bpf.o"
check "O_APPEND + fstat at max_object loads" python3 "$WORK/append.py" "$BPF/xdp_count.bpf.o" "$P/app.o"
check "its bytes" cmp "$P/app.o" "$BPF/xdp_count.bpf.o"
id=$(our_prog_id xdp_count)
expect_err "appending 1 byte to it" EFBIG bash -c "printf '\\0' >> '$P/app.o'"
check "the loaded object stays" cmp "$P/app.o" "$BPF/xdp_count.bpf.o"
expect_line "the same program" <(cat "$P/xdp_count/info") "id: $id"
check "rm app.o" rm "$P/app.o"
check "dd oflag=append at max_object loads" \
	dd if="$BPF/xdp_count.bpf.o" of="$P/app.o" bs=1024 oflag=append conv=notrunc status=none
check "its bytes" cmp "$P/app.o" "$BPF/xdp_count.bpf.o"
check "rm app.o" rm "$P/app.o"
check "a smaller object loads" cp "$BPF/socket_filter.bpf.o" "$P/"
check "rm it" rm "$P/socket_filter.bpf.o"
nothing_loaded "max_object done"

# --- -o log_level=N (core/object.h: verbose levels keep the log also on
# success; otherwise a refused program is loaded again at level 1) ---
# REASON: the verifier's reason for reject.bpf.o, at instruction 7
REASON="R0 invalid mem access 'map_value_or_null'"
refused_log() {
	expect_err "$1: a refused load" EACCES cp "$BPF/reject.bpf.o" "$P/"
	cat "$P/.last_error" >"$WORK/last_error"
	expect_line "$1: .last_error program" "$WORK/last_error" "program: reject_null"
	expect_line "$1: .last_error has the log" "$WORK/last_error" "verifier log:"
	expect_line "$1: the refused instruction" "$WORK/last_error" "7: (79) r1 = *(u64 *)(r0 +0)"
	expect_line "$1: the verifier's reason" "$WORK/last_error" "$REASON"
	expect_eq "$1: nothing of it loaded" "$(ls "$P")" ""
}
restart_with || not_ok "daemon with the default log_level"
check "default: cp socket_filter.bpf.o" cp "$BPF/socket_filter.bpf.o" "$P/"
cat "$P/sock_trunc/log" >"$WORK/log"
expect_eq "default (4): the log is the statistics, 3 lines" "$(wc -l <"$WORK/log")" 3
check "default: verification time" grep -Eqx 'verification time [0-9]+ usec' "$WORK/log"
expect_line "default: stack depth" "$WORK/log" "stack depth 0"
expect_eq "default: processed" "$(sed -n 3p "$WORK/log" | cut -d' ' -f1-3)" "processed 2 insns"
check "default: no instruction lines" sh -c "! grep -Eq '^[0-9]+: ' '$WORK/log'"
check "rm socket_filter.bpf.o" rm "$P/socket_filter.bpf.o"
refused_log "default"

restart_with -o log_level=2 || not_ok "daemon with log_level=2"
check "log_level=2: cp socket_filter.bpf.o" cp "$BPF/socket_filter.bpf.o" "$P/"
cat "$P/sock_trunc/log" >"$WORK/log"
check "log_level=2: instruction 0" grep -Eq '^0: \(b7\) r0 = 64( |$)' "$WORK/log"
expect_line "log_level=2: instruction 1" "$WORK/log" "1: (95) exit"
expect_eq "log_level=2: processed" "$(tail -1 "$WORK/log" | cut -d' ' -f1-3)" "processed 2 insns"
check "log_level=2: no statistics" sh -c "! grep -q '^verification time' '$WORK/log'"
check "rm socket_filter.bpf.o" rm "$P/socket_filter.bpf.o"
refused_log "log_level=2"

# level 1 is verbose about the path that fails: the kernel drops the log
# of every path that passed, so a load that succeeds keeps one line
restart_with -o log_level=1 || not_ok "daemon with log_level=1"
check "log_level=1: cp socket_filter.bpf.o" cp "$BPF/socket_filter.bpf.o" "$P/"
cat "$P/sock_trunc/log" >"$WORK/log"
expect_eq "log_level=1: success keeps 1 line" "$(wc -l <"$WORK/log")" 1
expect_eq "log_level=1: processed" "$(cut -d' ' -f1-3 "$WORK/log")" "processed 2 insns"
check "rm socket_filter.bpf.o" rm "$P/socket_filter.bpf.o"
refused_log "log_level=1"

restart_with -o log_level=0 || not_ok "daemon with log_level=0"
check "log_level=0: cp socket_filter.bpf.o" cp "$BPF/socket_filter.bpf.o" "$P/"
expect_eq "log_level=0: no log" "$(cat "$P/sock_trunc/log")" ""
check "rm socket_filter.bpf.o" rm "$P/socket_filter.bpf.o"
refused_log "log_level=0"

# --- -s: single-threaded ---
restart_with -s || not_ok "daemon with -s"
check "-s: cp xdp_count.bpf.o" cp "$BPF/xdp_count.bpf.o" "$P/"
check "-s: cp maps_btf.bpf.o" cp "$BPF/maps_btf.bpf.o" "$P/"
expect_line "-s: cat info" <(cat "$P/xdp_count/info") "name: xdp_count"
check "-s: echo 7 > counts/1" sh -c "echo 7 > '$M/counts/1'"
expect_eq "-s: cat counts/1" "$(cat "$M/counts/1")" 7
check "-s: echo 3 > drops/5 (insert)" sh -c "echo 3 > '$M/drops/5'"
expect_eq "-s: ls drops" "$(ls "$M/drops")" 5
check "-s: rm drops/5" rm "$M/drops/5"
expect_eq "-s: drops empty" "$(ls "$M/drops")" ""
# a reader parked on events_pipe holds no thread: the only one still serves
cat "$M/m_ringbuf/events_pipe" >/dev/null 2>&1 &
cpid=$!
sleep 0.3
check "-s: a blocked events_pipe reader" kill -0 "$cpid"
check "-s: ls answers meanwhile" guard 5 sh -c "ls '$P' >/dev/null"
expect_eq "-s: cat answers meanwhile" "$(guard 5 cat "$M/counts/1")" 7
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
check "-s: rm maps_btf.bpf.o" rm "$P/maps_btf.bpf.o"
check "-s: rm xdp_count.bpf.o" rm "$P/xdp_count.bpf.o"
nothing_loaded "-s"

# --- -o no_restore ---
restart_with || not_ok "daemon for no_restore"
check "cp xdp_count.bpf.o" cp "$BPF/xdp_count.bpf.o" "$P/"
check "cp maps_btf.bpf.o" cp "$BPF/maps_btf.bpf.o" "$P/"
check "echo 7 > counts/1" sh -c "echo 7 > '$M/counts/1'"
ls_p=$(ls "$P" | tr '\n' ' ')
ls_m=$(ls "$M" | tr '\n' ' ')
stop_daemon
find "$PIN" | sort >"$WORK/pins_before"
restart_with -o no_restore || not_ok "daemon with no_restore"
expect_eq "no_restore: progs/ empty" "$(ls "$P")" ""
expect_eq "no_restore: maps/ empty" "$(ls "$M")" ""
expect_err "no_restore: counts not shown" ENOENT cat "$M/counts/1"
if daemon_alive; then ok "no_restore: daemon answers"; else not_ok "no_restore: daemon gone"; fi
stop_daemon
find "$PIN" | sort >"$WORK/pins_after"
check "no_restore: the pins stay" cmp "$WORK/pins_before" "$WORK/pins_after"
check "no_restore: pins exist" test -e "$PIN/maps/counts"
restart_with || not_ok "daemon after no_restore"
expect_eq "restored after no_restore: progs/" "$(ls "$P" | tr '\n' ' ')" "$ls_p"
expect_eq "restored after no_restore: maps/" "$(ls "$M" | tr '\n' ' ')" "$ls_m"
expect_eq "restored after no_restore: counts/1" "$(cat "$M/counts/1")" 7
check "rm maps_btf.bpf.o" rm "$P/maps_btf.bpf.o"
check "rm xdp_count.bpf.o" rm "$P/xdp_count.bpf.o"
nothing_loaded "no_restore done"
stop_daemon

# --- the default pin_dir: bpffs is mounted on /sys/fs/bpf if missing ---
# Only in a private mount namespace whose /sys/fs/bpf is unmounted: the
# host's bpffs and its /sys/fs/bpf/ebpfs are never touched.
if ! command -v unshare >/dev/null || ! unshare -m --propagation private true 2>/dev/null; then
	echo "SKIP $T: bpffs mounting: no unshare -m"
else
	host_fs=$(stat -f -c %T /sys/fs/bpf)
	NSMNT=$WORK/nsmnt
	mkdir -p "$NSMNT"
	EBPFS="$EBPFS" NSMNT="$NSMNT" BPF="$BPF" NSLOG="$WORK/ns.log" \
	unshare -m --propagation private bash -c '
		# everything made here dies with the namespace; the daemon
		# must not outlive it
		dpid=
		trap "fusermount3 -u \"\$NSMNT\" 2>/dev/null; [ -n \"\$dpid\" ] && kill -9 \$dpid 2>/dev/null; wait" EXIT
		while [ "$(stat -f -c %T /sys/fs/bpf)" = bpf_fs ]; do
			umount /sys/fs/bpf || { echo "umount-failed"; exit 0; }
		done
		echo "before: $(stat -f -c %T /sys/fs/bpf)"
		"$EBPFS" "$NSMNT" -f 2>"$NSLOG" &
		dpid=$!
		for i in $(seq 1 100); do
			mountpoint -q "$NSMNT" && break
			sleep 0.05
		done
		echo "after: $(stat -f -c %T /sys/fs/bpf)"
		echo "pin_dir: $(stat -f -c %T /sys/fs/bpf/ebpfs 2>&1)"
		cp "$BPF/xdp_count.bpf.o" "$NSMNT/progs/" && echo "cp: ok"
		echo "map pins: $(ls /sys/fs/bpf/ebpfs/maps | tr "\n" " ")"
		echo "obj pins: $(ls /sys/fs/bpf/ebpfs/objs | tr "\n" " ")"
		rm "$NSMNT/progs/xdp_count.bpf.o" && echo "rm: ok"
		fusermount3 -u "$NSMNT" && wait $dpid && echo "exit: $?"
		dpid=
	' >"$WORK/ns.out" 2>&1
	if grep -qx umount-failed "$WORK/ns.out"; then
		echo "SKIP $T: bpffs mounting: cannot unmount /sys/fs/bpf in a namespace"
	else
		expect_line "ns: /sys/fs/bpf is no bpffs" "$WORK/ns.out" "before: sysfs"
		expect_line "ns: the daemon mounted bpffs" "$WORK/ns.out" "after: bpf_fs"
		expect_line "ns: the default pin_dir is on it" "$WORK/ns.out" "pin_dir: bpf_fs"
		expect_line "ns: cp" "$WORK/ns.out" "cp: ok"
		expect_line "ns: map pins under /sys/fs/bpf/ebpfs" "$WORK/ns.out" "map pins: counts drops "
		expect_line "ns: object pins under /sys/fs/bpf/ebpfs" "$WORK/ns.out" "obj pins: xdp_count%2ebpf%2eo "
		expect_line "ns: rm" "$WORK/ns.out" "rm: ok"
		expect_line "ns: the daemon exits 0" "$WORK/ns.out" "exit: 0"
		expect_line "ns: the daemon says so" "$WORK/ns.log" "ebpfs: fs: mounted bpffs on /sys/fs/bpf"
		cat "$WORK/ns.log" >>"$LOG"
		expect_eq "host: /sys/fs/bpf untouched" "$(stat -f -c %T /sys/fs/bpf)" "$host_fs"
		check "host: the mount is not visible" sh -c "! mountpoint -q '$NSMNT'"
	fi
fi

finish
