#!/usr/bin/env bash
# tests/fs_mount.sh - milestone 1: the daemon mounts, daemonizes, shows
# the root, keeps inode numbers stable, refuses mkdir, and ends cleanly
# on fusermount3 -u.
T=fs_mount
. "$(dirname "$0")/fs_lib.sh"

# --help documents the options and exits 0
out=$("$EBPFS" --help 2>&1)
expect_eq "--help exits 0" "$?" 0
for opt in pin_dir= allow_other log_level= max_object= no_restore; do
	if printf '%s' "$out" | grep -q -- "$opt"; then ok "--help lists $opt"; else not_ok "--help lists $opt"; fi
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

expect_eq "ls /" "$(ls "$MNT" | tr '\n' ' ')" "maps progs "
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

finish
