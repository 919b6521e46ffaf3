#!/usr/bin/env bash
# tests/fs_persist.sh - milestone 4: pins under pin_dir survive a daemon
# killed with SIGKILL; the run file; replacing an object on copy (and
# keeping the old one when the new one fails); LIBBPF_PIN_BY_NAME
# sharing; -o allow_other (others read, never change).
T=fs_persist
. "$(dirname "$0")/fs_lib.sh"

start_daemon || { not_ok "daemon mounts"; finish; }
P=$MNT/progs
M=$MNT/maps

check "cp xdp_count.bpf.o" cp "$BPF/xdp_count.bpf.o" "$P/"
check "cp globals.bpf.o" cp "$BPF/globals.bpf.o" "$P/"
check "echo 7 > counts/1" sh -c "echo 7 > '$M/counts/1'"
check "echo 9 > drops/6" sh -c "echo 9 > '$M/drops/6'"
id=$(our_prog_id xdp_count)
cid=$(our_map_id counts)
log_before=$(cat "$P/xdp_count/log")
ls_p=$(ls "$P" | tr '\n' ' ')
ls_m=$(ls "$M" | tr '\n' ' ')

# --- SIGKILL and restart ---
kill_daemon
check "pins survive the daemon" test -e "$PIN/maps/counts"
expect_eq "program still loaded (pinned)" "$(bpftool_prog_name "$id")" "xdp_count"
start_daemon || not_ok "daemon restarts"
expect_eq "same progs/ after restart" "$(ls "$P" | tr '\n' ' ')" "$ls_p"
expect_eq "same maps/ after restart" "$(ls "$M" | tr '\n' ' ')" "$ls_m"
expect_eq "counts/1 kept" "$(cat "$M/counts/1")" "7"
expect_eq "drops/6 kept" "$(cat "$M/drops/6")" "9"
expect_line "same program id" <(cat "$P/xdp_count/info") "id: $id"
expect_line "same map id" <(cat "$M/counts/.info") "id: $cid"
check "object bytes kept" cmp "$P/xdp_count.bpf.o" "$BPF/xdp_count.bpf.o"
expect_eq "verifier log kept" "$(cat "$P/xdp_count/log")" "$log_before"
expect_line "owners kept" <(cat "$M/counts/.info") "owners: xdp_count.bpf.o"

# --- run ---
check "write 64 bytes to run" sh -c "head -c 64 /dev/zero > '$P/xdp_count/run'"
res=$WORK/run
cat "$P/xdp_count/run" >"$res"
expect_line "run: retval XDP_PASS" "$res" "retval: 2"
expect_line "run: data_size_out" "$res" "data_size_out: 64"
expect_line "run: data_out" "$res" "data_out: $(printf '%0128d' 0)"
check "run: duration line" grep -q '^duration_ns: [0-9]*$' "$res"
expect_eq "run: counts[0] counted the run" "$(cat "$M/counts/0")" "1"
expect_eq "run: drops[64] counted the length" "$(cat "$M/drops/64")" "1"
check "globals_sum run" sh -c "head -c 64 /dev/zero > '$P/globals_sum/run'"
expect_line "globals_sum retval 42" <(cat "$P/globals_sum/run") "retval: 42"
expect_err "run with input the type refuses" EINVAL bash -c "printf x | dd of='$P/xdp_count/run' status=none"
# a failed run replaces the last result: cat never shows a stale success
expect_line "run: the failure replaces the result" "$P/xdp_count/run" \
	"error: Invalid argument: an xdp input needs at least 14 bytes (an Ethernet header) (a run of xdp_count on 1 byte of input)"
check "run: no stale retval after the failure" sh -c "! grep -q '^retval' '$P/xdp_count/run'"
check "run: a good run again" sh -c "head -c 64 /dev/zero > '$P/xdp_count/run'"
expect_line "run: its result is back" "$P/xdp_count/run" "retval: 2"
# a shell redirect ignores the error at close; the run file still tells
sh -c "head -c 10 /dev/zero > '$P/xdp_count/run'"
expect_eq "run: 10 bytes: one error line" "$(cat "$P/xdp_count/run")" \
	"error: Invalid argument: an xdp input needs at least 14 bytes (an Ethernet header) (a run of xdp_count on 10 bytes of input)"
# input a type can never run on is refused at write(), where shells see it
check "cp att_trace.bpf.o (tracepoint programs)" cp "$BPF/att_trace.bpf.o" "$P/"
expect_err "run: a tracepoint program refuses input at write" EOPNOTSUPP \
	bash -c "printf x > '$P/tp_getppid/run'"
expect_eq "run: it says why" "$(cat "$P/tp_getppid/run")" \
	"error: Operation not supported: the kernel has no test runs for tracepoint programs (a run of tp_getppid on 1 byte of input)"
expect_err "run: a raw_tracepoint program takes no input bytes" EINVAL \
	bash -c "printf xy > '$P/raw_getppid/run'"
expect_eq "run: it says why" "$(cat "$P/raw_getppid/run")" \
	"error: Invalid argument: a raw_tracepoint program runs on a context, not on input bytes (a run of raw_getppid on 2 bytes of input)"
check "rm att_trace.bpf.o" rm "$P/att_trace.bpf.o"

# --- replace on copy ---
check "cp over the same name" cp "$BPF/xdp_count.bpf.o" "$P/xdp_count.bpf.o"
nid=$(our_prog_id xdp_count)
check "a new program id" test -n "$nid" -a "$nid" != "$id"
check "old program unloaded" eventually sh -c "! bpftool prog show id $id"
# kept: counts[1] is the 7 written above plus the two 64-byte runs (the
# refused runs never ran)
expect_eq "maps of the same type and sizes are kept" "$(cat "$M/counts/1")" "135"
expect_eq "one xdp_count dir" "$(ls "$P" | grep -c '^xdp_count$')" "1"
check "echo 5 > counts/1" sh -c "echo 5 > '$M/counts/1'"
expect_err "a failing replacement" EACCES cp "$BPF/reject.bpf.o" "$P/xdp_count.bpf.o"
expect_line "old one stays" <(cat "$P/xdp_count/info") "id: $nid"
check "old bytes stay" cmp "$P/xdp_count.bpf.o" "$BPF/xdp_count.bpf.o"
expect_eq "old maps stay" "$(cat "$M/counts/1")" "5"

# --- LIBBPF_PIN_BY_NAME sharing ---
check "cp maps_btf.bpf.o" cp "$BPF/maps_btf.bpf.o" "$P/"
check "cp fs_share.bpf.o (shares m_pinned)" cp "$BPF/fs_share.bpf.o" "$P/"
expect_line "m_pinned has two owners" <(cat "$M/m_pinned/.info") "owners: maps_btf.bpf.o fs_share.bpf.o"
check "share_touch run" sh -c "head -c 64 /dev/zero > '$P/share_touch/run'"
expect_eq "shared map written by the second object" "$(cat "$M/m_pinned/1")" "11"
pid_maps=$(bpftool -j prog show id "$(our_prog_id share_touch)" | python3 -c 'import json,sys; print(json.load(sys.stdin)["map_ids"][0])')
expect_line "one kernel map" <(cat "$M/m_pinned/.info") "id: $pid_maps"
check "rm maps_btf.bpf.o" rm "$P/maps_btf.bpf.o"
expect_eq "shared map stays for fs_share" "$(cat "$M/m_pinned/1")" "11"
expect_line "one owner left" <(cat "$M/m_pinned/.info") "owners: fs_share.bpf.o"
check "rm fs_share.bpf.o" rm "$P/fs_share.bpf.o"
check "shared map gone with its last owner" test ! -e "$M/m_pinned"

# --- permissions ---
check "echo 9 > drops/6 (again, in the new map)" bash -c "echo 9 > '$M/drops/6'"
as_other() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
expect_err "others: no access without allow_other" EACCES as_other ls "$P"
stop_daemon
start_daemon -o allow_other || not_ok "daemon with allow_other"
check "others may list" as_other ls "$P"
expect_eq "others may read a value" "$(as_other cat "$M/counts/1")" "5"
expect_err "others may not write a value" EACCES as_other bash -c "echo 1 > '$M/counts/1'"
expect_err "others may not insert" EACCES as_other touch "$M/drops/77"
expect_err "others may not delete" EACCES as_other rm "$M/drops/6"
expect_err "others may not load" EACCES as_other cp "$BPF/socket_filter.bpf.o" "$P/"
expect_err "others may not unload" EACCES as_other rm "$P/xdp_count.bpf.o"
expect_err "others may not run" EACCES as_other bash -c "printf x > '$P/xdp_count/run'"
expect_eq "value unchanged" "$(cat "$M/counts/1")" "5"
check "drops/6 still there" test -e "$M/drops/6"
check "daemon still answers" daemon_alive

finish
