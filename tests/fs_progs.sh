#!/usr/bin/env bash
# tests/fs_progs.sh - milestone 2: progs/.  cp loads an object (bpftool
# is the witness), the object reads back byte for byte, each program has
# info / xlated / log; a verifier rejection fails cp with EACCES, leaves
# nothing loaded and explains itself in progs/.last_error; rm unloads.
T=fs_progs
. "$(dirname "$0")/fs_lib.sh"

start_daemon || { not_ok "daemon mounts"; finish; }
P=$MNT/progs

# --- a successful load ---
check "cp xdp_count.bpf.o" cp "$BPF/xdp_count.bpf.o" "$P/"
check "object reads back byte for byte" cmp "$P/xdp_count.bpf.o" "$BPF/xdp_count.bpf.o"
expect_eq "object size" "$(stat -c %s "$P/xdp_count.bpf.o")" "$(stat -c %s "$BPF/xdp_count.bpf.o")"
expect_eq "ls progs/" "$(ls "$P" | tr '\n' ' ')" "xdp_count xdp_count.bpf.o "
expect_eq "ls progs/xdp_count/" "$(ls "$P/xdp_count" | tr '\n' ' ')" "attach attach_error info links log run xlated "
id=$(our_prog_id xdp_count)
expect_eq "bpftool sees xdp_count" "$(bpftool_prog_name "$id")" "xdp_count"
info=$WORK/info
cat "$P/xdp_count/info" >"$info"
expect_line "info: id" "$info" "id: $id"
expect_line "info: name" "$info" "name: xdp_count"
expect_line "info: type" "$info" "type: xdp"
expect_line "info: section" "$info" "section: xdp"
expect_line "info: object" "$info" "object: xdp_count.bpf.o"
expect_line "info: license" "$info" "license: GPL"
expect_line "info: uid" "$info" "uid: 0"
tag=$(bpftool -j prog show id "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tag"])')
expect_line "info: tag (bpftool)" "$info" "tag: $tag"
mids=$(bpftool -j prog show id "$id" | python3 -c 'import json,sys; print(" ".join(str(i) for i in json.load(sys.stdin)["map_ids"]))')
expect_line "info: map ids (bpftool)" "$info" "map_ids: $mids"
xl=$WORK/xlated
cat "$P/xdp_count/xlated" >"$xl"
expect_eq "xlated: first insn" "$(head -1 "$xl")" "$(printf '       0:\tr2 = *(u64 *)(r1 + 0)')"
expect_eq "xlated: last insn is exit" "$(tail -1 "$xl" | cut -f2)" "exit"
insns=$(sed -n 's/^insns: //p' "$info")
last=$(tail -1 "$xl" | sed 's/^ *\([0-9]*\):.*/\1/')
expect_eq "xlated: last index = insns - 1" "$last" "$((insns - 1))"
check "log: verifier statistics" grep -q '^processed [0-9]* insns' "$P/xdp_count/log"
pinned=$(bpftool -j prog show pinned "$PIN/objs/xdp_count%2ebpf%2eo/xdp_count" 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
expect_eq "program pinned under pin_dir" "$pinned" "$id"
expect_err "write to info" EACCES bash -c "echo 1 > '$P/xdp_count/info'"
expect_err "rm a program dir" EISDIR rm "$P/xdp_count"

# --- several programs, sections of several kinds ---
check "cp multi.bpf.o" cp "$BPF/multi.bpf.o" "$P/"
for p in multi_pass multi_drop multi_tx multi_sock1 multi_sock2 multi_raw multi_tp; do
	check "progs/$p/ exists" test -d "$P/$p"
	expect_eq "bpftool sees $p" "$(bpftool_prog_name "$(our_prog_id "$p")")" "${p:0:15}"
done
expect_line "multi_tp type" <(cat "$P/multi_tp/info") "type: tracepoint"
expect_line "multi_raw section" <(cat "$P/multi_raw/info") "section: raw_tp/sys_enter"

# --- a verifier rejection ---
before=$(ls "$P" | tr '\n' ' ')
expect_err "cp reject.bpf.o" EACCES cp "$BPF/reject.bpf.o" "$P/"
err=$WORK/err
cat "$P/.last_error" >"$err"
expect_line ".last_error: object" "$err" "object: reject.bpf.o"
expect_line ".last_error: errno" "$err" "errno: 13 (Permission denied)"
expect_line ".last_error: program" "$err" "program: reject_null"
check ".last_error: verifier reason" grep -q "invalid mem access 'map_value_or_null'" "$err"
check ".last_error: loader message" grep -q "^message: .*reject_null" "$err"
expect_eq "nothing listed after the failure" "$(ls "$P" | tr '\n' ' ')" "$before"
check "no progs/reject.bpf.o" test ! -e "$P/reject.bpf.o"
check "no maps/reject_map" test ! -e "$MNT/maps/reject_map"
expect_eq "bpftool: no reject_null" "$(prog_id_by_name reject_null)" ""
check "bpftool: no reject_map" eventually no_map reject_map
check "no pins of the failed object" test ! -e "$PIN/objs/reject%2ebpf%2eo"

# --- rm unloads ---
cid=$(our_map_id counts)
mpid=$(our_prog_id multi_pass)
check "rm progs/xdp_count.bpf.o" rm "$P/xdp_count.bpf.o"
check "progs/xdp_count/ gone" test ! -e "$P/xdp_count"
check "maps/counts gone" test ! -e "$MNT/maps/counts"
expect_eq "bpftool: xdp_count unloaded" "$(bpftool prog show id "$id" 2>/dev/null)" ""
check "bpftool: counts map freed" eventually sh -c "! bpftool map show id $cid"
check "pins removed" test ! -e "$PIN/objs/xdp_count%2ebpf%2eo"
check "map pins removed" test ! -e "$PIN/maps/counts"
expect_err "rm it again" ENOENT rm "$P/xdp_count.bpf.o"
check "rm progs/multi.bpf.o" rm "$P/multi.bpf.o"
expect_eq "progs/ empty again" "$(ls "$P")" ""
expect_eq "maps/ empty again" "$(ls "$MNT/maps")" ""
expect_eq "bpftool: multi_pass unloaded" "$(bpftool_prog_name "$mpid")" ""

# --- shell redirection: the shell closes a duplicate of the new file's
# descriptor before cat writes a byte; the load happens at the last close
check "cat obj > progs/redir.o" sh -c "cat '$BPF/socket_filter.bpf.o' > '$P/redir.o'"
check "redirected object loaded" test -d "$P/sock_trunc"
check "and reads back" cmp "$P/redir.o" "$BPF/socket_filter.bpf.o"
check "rm progs/redir.o" rm "$P/redir.o"
# a new file closed empty loads nothing and is not kept
check "cp /dev/null progs/empty.o" cp /dev/null "$P/empty.o"
check "no empty object listed" test ! -e "$P/empty.o"
expect_eq "progs/ still empty" "$(ls "$P")" ""
check "daemon still answers" daemon_alive

# --- writes into an object: offsets, rewriting a loaded object ---
# a write at an offset past the end zero-fills the gap (the object's ELF
# is followed by 16 zero bytes: still the same object, loadable)
SZ=$(stat -c %s "$BPF/xdp_count.bpf.o")
{ cat "$BPF/xdp_count.bpf.o"; head -c 16 /dev/zero; } >"$WORK/padded.o"
check "write the last byte first, then the rest" python3 -c "
import os
data = open('$WORK/padded.o', 'rb').read()
fd = os.open('$P/gap.o', os.O_WRONLY | os.O_CREAT)
os.pwrite(fd, data[-1:], len(data) - 1)
os.pwrite(fd, data[:-1], 0)
os.close(fd)"
check "the gapped write loaded" test -d "$P/xdp_count"
check "and reads back" cmp "$P/gap.o" "$WORK/padded.o"
gid=$(our_prog_id xdp_count)
# rewriting without O_TRUNC starts from the loaded bytes: patch one byte
# of the padding, the object stays loadable and is replaced
check "patch one byte in place" python3 -c "
import os
fd = os.open('$P/gap.o', os.O_WRONLY)
os.pwrite(fd, b'\\x07', $SZ + 3)
os.close(fd)"
expect_eq "the patched byte" "$(od -An -tx1 -j $((SZ + 3)) -N1 "$P/gap.o" | tr -d ' ')" "07"
expect_eq "the size did not change" "$(stat -c %s "$P/gap.o")" "$((SZ + 16))"
check "the patched object replaced the program" \
	test -n "$gid" -a -n "$(our_prog_id xdp_count)" -a "$(our_prog_id xdp_count)" != "$gid"
check "rm gap.o" rm "$P/gap.o"

# --- -o max_object caps objects only ---
check "cp xdp_count.bpf.o (kept for the restart)" cp "$BPF/xdp_count.bpf.o" "$P/"
check "stop the daemon" stop_daemon
start_daemon -o max_object=16 || not_ok "daemon with max_object=16"
check "restored with max_object=16" test -d "$P/xdp_count"
expect_err "cp an object over max_object" EFBIG cp "$BPF/socket_filter.bpf.o" "$P/"
cat "$P/.last_error" >"$err"
expect_line "EFBIG: .last_error object" "$err" "object: socket_filter.bpf.o"
check "EFBIG: .last_error names the file and the limit" \
	grep -q "^message: socket_filter.bpf.o: larger than max_object (16 bytes)" "$err"
check "EFBIG: nothing of it loaded" test ! -e "$P/socket_filter.bpf.o" -a ! -e "$P/sock_trunc"
check "EFBIG: no pins of it" test ! -e "$PIN/objs/socket_filter%2ebpf%2eo"
# a key file is no object: a 21-byte value is fine under max_object=16
check "a key file takes a value longer than max_object" \
	sh -c "echo 12345678901234567890 > '$MNT/maps/counts/0'"
expect_eq "and holds it" "$(cat "$MNT/maps/counts/0")" "12345678901234567890"
check "rm the restored object" rm "$P/xdp_count.bpf.o"
expect_eq "progs/ empty at the end" "$(ls "$P")" ""

finish
