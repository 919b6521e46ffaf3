#!/usr/bin/env bash
# tests/fs_sys.sh - sys/: every BPF object the kernel holds, by id.  Maps
# and programs are made OUTSIDE the mount with bpftool (pinned under a
# bpffs directory of this test's own) and reached through sys/maps/ID,
# sys/progs/ID, sys/btf/ID and sys/links/ID; bpftool is the witness of
# what the kernel holds.  The crucial case: sys/ nodes the kernel has
# looked up (stat, ls, a shell's cwd) never keep an object alive.
T=fs_sys
. "$(dirname "$0")/fs_lib.sh"
command -v bpftool >/dev/null || skip_all "no bpftool"
command -v setpriv >/dev/null || skip_all "no setpriv"

EXT=/sys/fs/bpf/ebpfs-test-$T-ext-$$
CWDPID=
sys_cleanup() {
	local rc=$?
	[ -n "$CWDPID" ] && kill "$CWDPID" 2>/dev/null && wait "$CWDPID" 2>/dev/null
	rm -rf "$EXT"
	(exit $rc)
	fs_cleanup
}
trap sys_cleanup EXIT
mkdir -p "$EXT" || skip_all "cannot make $EXT"

start_daemon || { not_ok "daemon mounts"; finish; }
P=$MNT/progs
S=$MNT/sys

# jfield JSON-COMMAND... FIELD: one field of bpftool's -j output
jfield() {
	local f=${*: -1}
	"${@:1:$#-1}" 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)[sys.argv[1]]
print(" ".join(map(str, v)) if isinstance(v, list) else v)' "$f"
}

# lookup_hex ID KEYBYTES...: the value bpftool reads, as hex ("" if none)
lookup_hex() {
	local id=$1
	shift
	bpftool -j map lookup id "$id" key "$@" 2>/dev/null | python3 -c '
import json, sys
print("".join(b[2:] for b in json.load(sys.stdin)["value"]))' 2>/dev/null
}

# (grep reads a here-string: `ls | grep -q` under pipefail fails when grep
# leaves at its match before ls has written everything)
listed() { grep -Fxq -- "$2" <<<"$(ls "$1")"; }
not_listed() { ! listed "$@"; }
map_gone() { ! bpftool map show id "$1" >/dev/null 2>&1; }
prog_gone() { ! bpftool prog show id "$1" >/dev/null 2>&1; }

# --- the tree ---
expect_eq "ls sys/" "$(ls "$S" | tr '\n' ' ')" "btf links maps progs "
expect_err "mkdir sys/progs/1" EPERM mkdir "$S/progs/1"

# --- a map made by someone else ---
MN=sysm$$
check "bpftool map create" bpftool map create "$EXT/m" type hash key 4 value 8 \
	entries 16 name "$MN"
MID=$(jfield bpftool -j map show pinned "$EXT/m" id)
D=$S/maps/$MID
check "ls sys/maps lists its id" listed "$S/maps" "$MID"
expect_eq "maps/ does not list it" "$(ls "$MNT/maps")" ""
info=$WORK/info
cat "$D/.info" >"$info"
expect_line ".info id" "$info" "id: $MID"
expect_line ".info name (bpftool's)" "$info" "name: $(jfield bpftool -j map show id "$MID" name)"
expect_line ".info type (bpftool's)" "$info" "type: $(jfield bpftool -j map show id "$MID" type)"
expect_line ".info key_size (bpftool's)" "$info" "key_size: $(jfield bpftool -j map show id "$MID" bytes_key)"
expect_line ".info value_size (bpftool's)" "$info" "value_size: $(jfield bpftool -j map show id "$MID" bytes_value)"
expect_line ".info max_entries (bpftool's)" "$info" "max_entries: $(jfield bpftool -j map show id "$MID" max_entries)"
expect_line ".info flags" "$info" "flags: 0x0"
expect_line ".info entries" "$info" "entries: 0"
expect_line ".info owners: none" "$info" "owners:"
expect_eq "ls -a of an empty map" "$(ls -a "$D" | tr '\n' ' ')" ". .. .dump .info "

check "bpftool map update key 1 = 42" bpftool map update id "$MID" key 1 0 0 0 \
	value 42 0 0 0 0 0 0 0
expect_eq "cat sys/maps/ID/1 (decimal)" "$(cat "$D/1")" "42"
expect_eq "ls sys/maps/ID" "$(ls "$D")" "1"
check "echo 7 > sys/maps/ID/2" bash -c "echo 7 > '$D/2'"
expect_eq "bpftool sees key 2 = 7" "$(lookup_hex "$MID" 2 0 0 0)" "0700000000000000"
check "touch sys/maps/ID/3 inserts" touch "$D/3"
expect_eq "bpftool sees key 3 = 0" "$(lookup_hex "$MID" 3 0 0 0)" "0000000000000000"
check "echo 9 > sys/maps/ID/3 updates" bash -c "echo 9 > '$D/3'"
expect_eq "bpftool sees key 3 = 9" "$(lookup_hex "$MID" 3 0 0 0)" "0900000000000000"
expect_eq ".dump" "$(sort -n "$D/.dump")" "$(printf '1 42\n2 7\n3 9')"
expect_eq "stat size = value length" "$(stat -c %s "$D/1")" "3"
expect_err "a malformed value" EINVAL bash -c "echo abc > '$D/2'"
expect_eq "value kept after the bad write" "$(lookup_hex "$MID" 2 0 0 0)" "0700000000000000"
expect_err "a key that is not a number" ENOENT cat "$D/abc"
expect_err "touch a name that is not a key" EINVAL touch "$D/xyz"
check "rm sys/maps/ID/1" rm "$D/1"
expect_eq "bpftool: key 1 gone" "$(lookup_hex "$MID" 1 0 0 0)" ""
expect_err "cat the removed key" ENOENT cat "$D/1"
expect_err "rm the removed key" ENOENT rm "$D/1"
expect_line ".info entries after the changes" <(cat "$D/.info") "entries: 2"
expect_err "write .info" EACCES bash -c "echo 1 > '$D/.info'"
expect_err "rm .info" EPERM rm "$D/.info"
expect_err "rmdir sys/maps/ID" EPERM rmdir "$D"
expect_err "mkdir in sys/maps" EPERM mkdir "$S/maps/12345"
expect_err "mv sys/maps/ID" EPERM mv "$D" "$S/maps/1"

# --- an array: rm refused as in maps/ ---
check "bpftool array map" bpftool map create "$EXT/a" type array key 4 value 4 \
	entries 2 name "sysa$$"
AID=$(jfield bpftool -j map show pinned "$EXT/a" id)
expect_eq "ls of an array: every key" "$(ls "$S/maps/$AID" | tr '\n' ' ')" "0 1 "
expect_err "rm in an array" EPERM rm "$S/maps/$AID/0"
check "echo 5 > array/1" bash -c "echo 5 > '$S/maps/$AID/1'"
expect_eq "bpftool array[1]" "$(lookup_hex "$AID" 1 0 0 0)" "05000000"

# --- a ring buffer: .info only ---
check "bpftool ringbuf map" bpftool map create "$EXT/r" type ringbuf key 0 value 0 \
	entries 4096 name "sysr$$"
RID=$(jfield bpftool -j map show pinned "$EXT/r" id)
expect_eq "ls -a of a ring buffer" "$(ls -a "$S/maps/$RID" | tr '\n' ' ')" ". .. .info "
expect_line "ring buffer .info type" <(cat "$S/maps/$RID/.info") "type: ringbuf"
expect_err "no events file" ENOENT cat "$S/maps/$RID/events"
expect_err "no .dump" ENOENT cat "$S/maps/$RID/.dump"

# --- names that are not live ids ---
expect_err "ls sys/maps/abc" ENOENT ls "$S/maps/abc"
expect_err "a leading zero" ENOENT cat "$S/maps/0$MID/.info"
expect_err "an id past 32 bits" ENOENT ls "$S/maps/4294967296"
expect_err "cat sys/progs/999999999/info" ENOENT cat "$S/progs/999999999/info"
expect_err "sys/btf/0" ENOENT cat "$S/btf/0"
expect_err "a program id in sys/maps" ENOENT ls "$S/maps/999999998"

# --- a program loaded by bpftool ---
check "bpftool prog load xdp_count" bpftool prog load "$BPF/xdp_count.bpf.o" "$EXT/p"
PID=$(jfield bpftool -j prog show pinned "$EXT/p" id)
check "ls sys/progs lists its id" listed "$S/progs" "$PID"
ids=$(ls -f "$S/progs" | grep -v '^\.')
expect_eq "sys/progs listed in ascending ids" "$ids" "$(printf '%s\n' $ids | sort -n)"
expect_eq "ls sys/progs/ID" "$(ls "$S/progs/$PID" | tr '\n' ' ')" "info xlated "
cat "$S/progs/$PID/info" >"$info"
expect_line "info id" "$info" "id: $PID"
expect_line "info name (bpftool's)" "$info" "name: $(bpftool_prog_name "$PID")"
expect_line "info type (bpftool's)" "$info" "type: $(jfield bpftool -j prog show id "$PID" type)"
expect_line "info tag (bpftool's)" "$info" "tag: $(jfield bpftool -j prog show id "$PID" tag)"
expect_line "info map_ids (bpftool's)" "$info" "map_ids: $(jfield bpftool -j prog show id "$PID" map_ids)"
expect_line "info: no object" "$info" "object: -"
expect_eq "xlated's first line" "$(head -1 "$S/progs/$PID/xlated")" \
	"$(printf '       0:\tr2 = *(u64 *)(r1 + 0)')"
PMAP=$(jfield bpftool -j prog show id "$PID" map_ids | cut -d' ' -f1)
expect_line "the program's first map" <(cat "$S/maps/$PMAP/.info") "name: counts"
expect_err "write info" EACCES bash -c "echo 1 > '$S/progs/$PID/info'"
expect_err "rmdir sys/progs/ID" EPERM rmdir "$S/progs/$PID"

# the same renderers as progs/NAME/: load the object through the mount too
check "cp xdp_count.bpf.o" cp "$BPF/xdp_count.bpf.o" "$P/"
OID=$(our_prog_id xdp_count)
check "xlated = progs/xdp_count/xlated" cmp "$S/progs/$OID/xlated" "$P/xdp_count/xlated"
filt() { grep -Ev '^(attach_type|section|object|license|run_cnt|run_time_ns):' "$1"; }
expect_eq "info = progs/xdp_count/info but for what the loader knows" \
	"$(filt "$S/progs/$OID/info")" "$(filt "$P/xdp_count/info")"

# --- BTF ---
BID=$(jfield bpftool -j prog show id "$PID" btf_id)
check "ls sys/btf lists the program's BTF" listed "$S/btf" "$BID"
expect_eq "st_size = btf_size" "$(stat -c %s "$S/btf/$BID")" \
	"$(jfield bpftool -j btf show id "$BID" size)"
expect_eq "read size = btf_size" "$(wc -c <"$S/btf/$BID")" \
	"$(jfield bpftool -j btf show id "$BID" size)"
check "bpftool btf dump file sys/btf/ID names xdp_count" \
	bash -c "bpftool btf dump file '$S/btf/$BID' | grep -q \"FUNC 'xdp_count'\""
VID=$(bpftool -j btf show | python3 -c '
import json, sys
print([b["id"] for b in json.load(sys.stdin) if b.get("name") == "vmlinux"][0])')
check "sys/btf/<vmlinux> = /sys/kernel/btf/vmlinux" cmp "$S/btf/$VID" /sys/kernel/btf/vmlinux
expect_err "rm sys/btf/ID" EPERM rm "$S/btf/$BID"
expect_err "write sys/btf/ID" EACCES bash -c "echo 1 > '$S/btf/$BID'"

# --- links ---
check "cp tracepoint.bpf.o" cp "$BPF/tracepoint.bpf.o" "$P/"
check "attach raw_sys_enter" bash -c "echo auto > '$P/raw_sys_enter/attach'"
LID=$(ls "$P/raw_sys_enter/links")
check "ls sys/links lists the link" listed "$S/links" "$LID"
cat "$S/links/$LID/info" >"$info"
expect_line "link info id" "$info" "id: $LID"
expect_line "link info type (bpftool's)" "$info" "type: $(jfield bpftool -j link show id "$LID" type)"
expect_line "link info prog_id (bpftool's)" "$info" "prog_id: $(jfield bpftool -j link show id "$LID" prog_id)"
expect_line "link info target" "$info" "target: raw_tracepoint sys_enter"
check "rm tracepoint.bpf.o" rm "$P/tracepoint.bpf.o"
expect_err "the link's id is gone at once" ENOENT cat "$S/links/$LID/info"
check "not listed any more" not_listed "$S/links" "$LID"

# --- nodes never keep an object alive ---
stat "$D" "$D/2" "$D/.info" >/dev/null
ls -a "$D" >/dev/null
cat "$D/.dump" "$D/2" >/dev/null
(cd "$D" && exec sleep 60) &
CWDPID=$!
cat "$S/progs/$PID/info" "$S/progs/$PID/xlated" >/dev/null
stat "$S/progs/$PID/info" "$S/btf/$BID" >/dev/null
sleep 0.2
check "rm the map's pin" rm "$EXT/m"
check "the kernel frees the map (a shell's cwd is in sys/maps/ID)" eventually map_gone "$MID"
check "its id leaves ls sys/maps" not_listed "$S/maps" "$MID"
expect_err "sys/maps/ID is ENOENT" ENOENT cat "$D/.info"
expect_err "its key too" ENOENT cat "$D/2"
expect_err "echo into it" ENOENT bash -c "echo 1 > '$D/2'"
kill "$CWDPID" 2>/dev/null
wait "$CWDPID" 2>/dev/null
CWDPID=
check "rm the program's pin" rm "$EXT/p"
check "the kernel frees the program" eventually prog_gone "$PID"
check "and its map" eventually map_gone "$PMAP"
check "the program leaves ls sys/progs" not_listed "$S/progs" "$PID"
expect_err "sys/progs/ID/info is ENOENT" ENOENT cat "$S/progs/$PID/info"

# --- others get nothing of sys/ (-o allow_other): the kernel gives them
# no ids or fds of BPF objects either ---
as_other() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
stop_daemon
start_daemon -o allow_other || not_ok "daemon with allow_other"
A=$S/maps/$AID
expect_eq "sys/ is root's only" "$(stat -c %A "$S")" "dr-x------"
expect_err "others may not list sys/" EACCES as_other ls "$S"
expect_err "others may not list sys/maps/ID" EACCES as_other ls "$A"
expect_err "others may not read a value" EACCES as_other cat "$A/1"
expect_err "others may not read a program's xlated" EACCES as_other cat "$S/progs/$(ls "$S/progs" | head -1)/xlated"
expect_err "others may not write a value" EACCES as_other bash -c "echo 1 > '$A/1'"
expect_err "others may not delete" EACCES as_other rm "$A/1"
expect_eq "root still reads it" "$(cat "$A/1")" "5"
expect_eq "value unchanged" "$(lookup_hex "$AID" 1 0 0 0)" "05000000"
check "daemon still answers" daemon_alive

finish
