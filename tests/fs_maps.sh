#!/usr/bin/env bash
# tests/fs_maps.sh - milestone 3: maps/.  Key files read, write, insert
# and delete map entries (bpftool is the witness), .info and .dump,
# per-CPU values, hex keys and values, global data maps, streaming reads.
T=fs_maps
. "$(dirname "$0")/fs_lib.sh"

start_daemon || { not_ok "daemon mounts"; finish; }
P=$MNT/progs
M=$MNT/maps

for o in xdp_count maps_btf globals legacy_maps; do
	check "cp $o.bpf.o" cp "$BPF/$o.bpf.o" "$P/"
done

# bpftool_value MAPNAME KEYBYTES...: the value bytes bpftool reads, as hex
bpftool_value() {
	local id
	id=$(our_map_id "$1")
	shift
	bpftool -j map lookup id "$id" key "$@" 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)
if "values" in v:
    print(" ".join("".join(b[2:] for b in c["value"]) for c in v["values"]))
else:
    print("".join(b[2:] for b in v["value"]))'
}

# --- listing ---
expect_eq "ls maps/" "$(ls "$M" | tr '\n' ' ')" \
	"counts drops globals.bss globals.data globals.data.custom globals.rodata globals.rodata.str1.1 legacy_cnt legacy_hash legacy_lru m_array m_hash m_inner m_lpm m_lru_hash m_outer m_pcpu_array m_pcpu_hash m_perf m_pinned m_progs m_queue m_ringbuf m_stack "
expect_eq "ls maps/counts (array: every key)" "$(ls "$M/counts" | tr '\n' ' ')" "0 1 2 3 "
expect_eq "ls -a shows .info and .dump" "$(ls -a "$M/drops" | tr '\n' ' ')" ". .. .dump .info "
expect_eq "ls maps/drops (empty hash)" "$(ls "$M/drops")" ""

# --- .info ---
info=$WORK/info
cat "$M/counts/.info" >"$info"
expect_eq ".info id is the kernel's counts" "$(bpftool -j map show id "$(our_map_id counts)" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')" "counts"
expect_line ".info name" "$info" "name: counts"
expect_line ".info type" "$info" "type: array"
expect_line ".info key_size" "$info" "key_size: 4"
expect_line ".info value_size" "$info" "value_size: 8"
expect_line ".info max_entries" "$info" "max_entries: 4"
expect_line ".info flags" "$info" "flags: 0x0"
expect_line ".info entries" "$info" "entries: 4"
expect_line ".info owners" "$info" "owners: xdp_count.bpf.o"
expect_line "m_lpm flags" <(cat "$M/m_lpm/.info") "flags: 0x1"
expect_line "drops entries" <(cat "$M/drops/.info") "entries: 0"

# --- array values ---
expect_eq "cat counts/0" "$(cat "$M/counts/0")" "0"
check "echo 7 > counts/1" sh -c "echo 7 > '$M/counts/1'"
expect_eq "cat counts/1" "$(cat "$M/counts/1")" "7"
expect_eq "bpftool counts[1]" "$(bpftool_value counts 1 0 0 0)" "0700000000000000"
check "printf without newline" sh -c "printf 18446744073709551615 > '$M/counts/2'"
expect_eq "u64 max" "$(cat "$M/counts/2")" "18446744073709551615"
check "0x spelling accepted" sh -c "echo 0x10 > '$M/counts/3'"
expect_eq "0x10 reads 16" "$(cat "$M/counts/3")" "16"
check "two writes, one update at close" sh -c "{ printf 4; printf 2; } > '$M/counts/3'"
expect_eq "42 after split writes" "$(cat "$M/counts/3")" "42"
expect_eq "stat size = value length" "$(stat -c %s "$M/counts/3")" "3"
expect_err "rm in an array" EPERM rm "$M/counts/0"
expect_err "non-numeric value" EINVAL bash -c "echo abc > '$M/counts/1'"
expect_eq "entry kept after the bad write" "$(cat "$M/counts/1")" "7"
expect_err "value out of range" EINVAL bash -c "echo 18446744073709551616 > '$M/counts/1'"
expect_err "negative into unsigned" EINVAL bash -c "echo -1 > '$M/counts/1'"
expect_eq "entry still 7" "$(cat "$M/counts/1")" "7"
expect_err "key past the end" ENOENT cat "$M/counts/4"
expect_err "key that is not a number" ENOENT cat "$M/counts/abc"
expect_eq ".dump of counts" "$(cat "$M/counts/.dump")" "$(printf '0 0\n1 7\n2 18446744073709551615\n3 42')"

# --- hash: insert, update, delete ---
check "touch drops/5 inserts" touch "$M/drops/5"
expect_eq "cat drops/5" "$(cat "$M/drops/5")" "0"
expect_eq "bpftool drops[5]" "$(bpftool_value drops 5 0 0 0)" "0000000000000000"
check "echo 9 > new name inserts" sh -c "echo 9 > '$M/drops/6'"
expect_eq "cat drops/6" "$(cat "$M/drops/6")" "9"
expect_eq "bpftool drops[6]" "$(bpftool_value drops 6 0 0 0)" "0900000000000000"
expect_eq "ls drops" "$(ls "$M/drops" | sort -n | tr '\n' ' ')" "5 6 "
expect_line "drops entries 2" <(cat "$M/drops/.info") "entries: 2"
check "rm drops/5" rm "$M/drops/5"
expect_eq "ls drops after rm" "$(ls "$M/drops")" "6"
expect_eq "bpftool: drops[5] gone" "$(bpftool_value drops 5 0 0 0)" ""
expect_err "rm a missing key" ENOENT rm "$M/drops/5"
expect_err "cat a missing key" ENOENT cat "$M/drops/5"
expect_err "touch a name that is not a key" EINVAL touch "$M/drops/xyz"
check "a BPF program's update is visible (live read)" \
	bpftool map update id "$(our_map_id drops)" key 6 0 0 0 value 3 0 0 0 0 0 0 0
expect_eq "cat drops/6 after bpftool update" "$(cat "$M/drops/6")" "3"
# readdir's d_ino: a key the kernel looked up lists with its inode number
# (the daemon asks its node table only for directories that have nodes)
expect_eq "readdir d_ino of drops/6 = its st_ino" \
	"$(python3 -c 'import os, sys; print([e.inode() for e in os.scandir(sys.argv[1]) if e.name == "6"][0])' "$M/drops")" \
	"$(stat -c %i "$M/drops/6")"

# --- many keys: each listed once, .dump streamed in small reads ---
for i in $(seq 100 160); do : > "$M/m_hash/$i" || break; done
expect_eq "61 keys listed" "$(ls "$M/m_hash" | wc -l)" "61"
expect_eq "no key listed twice" "$(ls -f "$M/m_hash" | sort | uniq -d)" ""
expect_eq ".dump has 61 lines" "$(wc -l <"$M/m_hash/.dump")" "61"
expect_eq ".dump read 7 bytes at a time" "$(dd if="$M/m_hash/.dump" bs=7 status=none | md5sum)" \
	"$(cat "$M/m_hash/.dump" | md5sum)"
expect_eq ".dump keys = listing" "$(cut -d' ' -f1 "$M/m_hash/.dump" | sort -n | tr '\n' ' ')" \
	"$(ls "$M/m_hash" | sort -n | tr '\n' ' ')"

# --- hex keys (LPM trie, 8-byte struct key) ---
check "touch a hex key" touch "$M/m_lpm/200000000a000001"
expect_eq "ls m_lpm" "$(ls "$M/m_lpm")" "200000000a000001"
expect_eq "u32 value of the hex key" "$(cat "$M/m_lpm/200000000a000001")" "0"
check "echo 5 > hex key" sh -c "echo 5 > '$M/m_lpm/200000000a000001'"
expect_eq "bpftool m_lpm" "$(bpftool_value m_lpm 0x20 0 0 0 0x0a 0 0 1)" "05000000"
expect_err "hex key of the wrong length" ENOENT cat "$M/m_lpm/2000"
expect_eq "m_lpm .dump" "$(cat "$M/m_lpm/.dump")" "200000000a000001 5"

# --- global data: hex values, size checked ---
D=$M/globals.data/0
expect_eq "globals.data" "$(cat "$D")" "2800000001000000020000000300000004000000"
expect_err "hex value of the wrong size" EINVAL bash -c "echo 00 > '$D'"
expect_err "hex value with a bad digit" EINVAL bash -c "echo 2800000001000000020000000300000004zz0000 > '$D'"
expect_eq "globals.data kept" "$(cat "$D")" "2800000001000000020000000300000004000000"
check "hex value with spaces" sh -c "echo '29 00 00 00 01 00 00 00 02 00 00 00 03 00 00 00 04 00 00 00' > '$D'"
expect_eq "globals.data updated" "$(cat "$D")" "2900000001000000020000000300000004000000"
# the kernel's refusal comes at close: dd reports it (shells ignore close())
ro=$(cat "$M/globals.rodata/0")
expect_err ".rodata is frozen" EPERM bash -c "echo $ro | dd of='$M/globals.rodata/0' status=none"
expect_err "no newline: checked at close" EINVAL bash -c "printf 12x | dd of='$M/counts/1' status=none"
expect_eq "entry kept after the close-time refusal" "$(cat "$M/counts/1")" "7"

# --- per-CPU ---
ncpu=$(awk -F- '{print ($2 == "" ? 1 : $2 + 1)}' /sys/devices/system/cpu/possible)
C=$M/m_pcpu_array/1
want=""; for c in $(seq 0 $((ncpu - 1))); do want+="cpu$c: 0"$'\n'; done; want+="sum: 0"
expect_eq "per-CPU zero" "$(cat "$C")" "$want"
check "echo 3 sets every CPU" sh -c "echo 3 > '$C'"
want=""; for c in $(seq 0 $((ncpu - 1))); do want+="cpu$c: 3"$'\n'; done; want+="sum: $((3 * ncpu))"
expect_eq "per-CPU 3 each" "$(cat "$C")" "$want"
bp=""; for c in $(seq 1 $ncpu); do bp+="0300000000000000 "; done
expect_eq "bpftool per-CPU" "$(bpftool_value m_pcpu_array 1 0 0 0) " "$bp"
check "cpuN: line sets one CPU" sh -c "echo 'cpu0: 5' > '$C'"
expect_eq "cpu0 5" "$(sed -n 1p "$C")" "cpu0: 5"
expect_eq "sum after cpu0" "$(tail -1 "$C")" "sum: $((3 * ncpu + 2))"
check "cat output writes back (round trip)" sh -c "cat '$C' > '$WORK/pc' && cat '$WORK/pc' > '$C'"
expect_eq "unchanged by the round trip" "$(tail -1 "$C")" "sum: $((3 * ncpu + 2))"
expect_err "cpu out of range" EINVAL bash -c "echo 'cpu$ncpu: 1' > '$C'"
line="1 cpu0:5"; for c in $(seq 1 $((ncpu - 1))); do line+=" cpu$c:3"; done; line+=" sum:$((3 * ncpu + 2))"
expect_line "per-CPU .dump line" <(cat "$M/m_pcpu_array/.dump") "$line"

# --- every .info and .dump answers (no request is left hanging) ---
hung=""
for d in "$M"/*/; do
	guard 10 cat "$d.info" >/dev/null 2>&1
	[ $? = 124 ] && hung+=" $d.info"
	[ -z "$hung" ] && guard 10 cat "$d.dump" >/dev/null 2>&1
	[ $? = 124 ] && hung+=" $d.dump"
	[ -n "$hung" ] && break
done
expect_eq "no .info or .dump hangs" "$hung" ""
[ -n "$hung" ] && finish
expect_err "a perf event array has no .dump (its samples are in events)" ENOENT \
	guard 10 cat "$M/m_perf/.dump"
expect_eq "prog array listing (empty slots are not keys)" "$(guard 10 ls "$M/m_progs")" ""

# --- maps without keys ---
expect_eq "queue: no key files" "$(ls "$M/m_queue")" ""
expect_line "queue .info" <(cat "$M/m_queue/.info") "type: queue"
expect_err "write to .info" EACCES bash -c "echo 1 > '$M/counts/.info'"
expect_err "mkdir in maps/" EPERM mkdir "$M/new"
expect_err "mkdir in a map" EPERM mkdir "$M/counts/new"
expect_err "prog array values are fds" EOPNOTSUPP bash -c "echo 1 > '$M/m_progs/0'"
# --- long keys: hex names past NAME_MAX get "<200 hex digits>~<FNV-1a 64>" ---
check "cp fs_longkey.bpf.o" cp "$BPF/fs_longkey.bpf.o" "$P/"
L=$M/long_keys
lid=$(our_map_id long_keys)
# longname BYTE...: the fallback name of a key, computed independently
longname() {
	python3 -c '
import sys
b = bytes(int(x, 16) for x in sys.argv[1:])
h = 0xcbf29ce484222325
for x in b:
    h = ((h ^ x) * 0x100000001b3) % 2**64
print(b[:100].hex() + "~%016x" % h)' "$@"
}
# A: bytes 00..c7; B: A with the last byte ff (same 200-digit prefix);
# C: A with byte 150 changed (never inserted)
ka=$(python3 -c 'print(" ".join("%02x" % i for i in range(200)))')
kb=$(python3 -c 'print(" ".join("%02x" % (i if i < 199 else 255) for i in range(200)))')
kc=$(python3 -c 'print(" ".join("%02x" % (i if i != 150 else 0) for i in range(200)))')
na=$(longname $ka); nb=$(longname $kb); nc=$(longname $kc)
expect_eq "fallback name of A (python FNV-1a)" "$na" \
	"$(python3 -c 'print(bytes(range(100)).hex())')~43cfa8023695d3bd"
expect_eq "fallback names are 217 bytes" "${#na} ${#nb}" "217 217"
check "bpftool inserts long key A" bpftool map update id "$lid" key hex $ka value 1 0 0 0
check "bpftool inserts long key B" bpftool map update id "$lid" key hex $kb value 2 0 0 0
expect_eq "ls long_keys: exactly the two fallback names" \
	"$(ls "$L" | LC_ALL=C sort | tr '\n' ' ')" \
	"$(printf '%s\n' "$na" "$nb" | LC_ALL=C sort | tr '\n' ' ')"
expect_eq "ls -a: .info .dump and the two names" "$(ls -a "$L" | wc -l)" "6"
expect_eq "cat A" "$(cat "$L/$na")" "1"
expect_eq "cat B" "$(cat "$L/$nb")" "2"
expect_eq "uppercase spelling of B's name" "$(cat "$L/${nb^^}")" "2"
expect_eq "stat size of A" "$(stat -c %s "$L/$na")" "2"
check "echo 9 > A" sh -c "echo 9 > '$L/$na'"
expect_eq "bpftool: A is 9" "$(bpftool_value long_keys hex $ka)" "09000000"
expect_eq "bpftool: B still 2" "$(bpftool_value long_keys hex $kb)" "02000000"
expect_eq "cat A after the write" "$(cat "$L/$na")" "9"
expect_err "bad value for a long key" EINVAL bash -c "echo x > '$L/$na'"
expect_eq ".dump shows the full 400-digit keys" "$(LC_ALL=C sort "$L/.dump")" \
	"$(printf '%s 9\n%s 2' "$(echo $ka | tr -d ' ')" "$(echo $kb | tr -d ' ')")"
bad=${na%?}; [ "${na: -1}" = 0 ] && bad+=1 || bad+=0
expect_err "fallback name with a wrong hash" ENOENT cat "$L/$bad"
expect_err "another prefix with A's hash" ENOENT cat "$L/1${na:1}"
expect_err "fallback name of a key not in the map" ENOENT cat "$L/$nc"
expect_err "fallback name one digit short" ENOENT cat "$L/${na%?}"
expect_err "a short hex name in a long-key map" ENOENT cat "$L/00"
expect_err "touch: a fallback name cannot create a key" EINVAL touch "$L/$nc"
expect_err "echo > a new fallback name" EINVAL bash -c "echo 1 > '$L/$nc'"
expect_err "touch: any other new name" EINVAL touch "$L/00"
expect_line "nothing was inserted" <(cat "$L/.info") "entries: 2"
check "rm A" rm "$L/$na"
expect_eq "bpftool: A deleted" "$(bpftool_value long_keys hex $ka)" ""
expect_eq "bpftool: B kept" "$(bpftool_value long_keys hex $kb)" "02000000"
expect_eq "ls after rm: only B" "$(ls "$L")" "$nb"
expect_err "rm A again" ENOENT rm "$L/$na"
expect_err "rm with a wrong hash" ENOENT rm "$L/$bad"
expect_eq "B survives the failed rms" "$(cat "$L/$nb")" "2"

# --- cached directories follow loads and unloads at once ---
# (program and map directories are cached by the kernel; each load and
# unload makes it look them up again)
[ -e "$MNT/progs/xdp_count.bpf.o" ] && rm "$MNT/progs/xdp_count.bpf.o"
check "cp xdp_count.bpf.o again" cp "$BPF/xdp_count.bpf.o" "$MNT/progs/"
id1=$(our_map_id counts)
p1=$(our_prog_id xdp_count)
expect_eq "counts/1 read (its directory now cached)" "$(cat "$MNT/maps/counts/1")" "0"
check "rm it" rm "$MNT/progs/xdp_count.bpf.o"
expect_err "maps/counts is gone at once" ENOENT cat "$MNT/maps/counts/.info"
expect_err "progs/xdp_count is gone at once" ENOENT cat "$MNT/progs/xdp_count/info"
check "progs/xdp_count.bpf.o is absent (and cached so)" test ! -e "$MNT/progs/xdp_count.bpf.o"
check "cp it once more" cp "$BPF/xdp_count.bpf.o" "$MNT/progs/"
expect_eq "the new object's size at once (attributes from create and write)" \
	"$(stat -c %s "$MNT/progs/xdp_count.bpf.o")" "$(stat -c %s "$BPF/xdp_count.bpf.o")"
id2=$(our_map_id counts)
check "a new map id" test -n "$id2" -a "$id2" != "$id1"
expect_eq "maps/counts/.info shows the new map at once" \
	"$(sed -n 's/^id: //p' "$MNT/maps/counts/.info")" "$id2"
check "progs/xdp_count/info shows the new program at once" \
	test "$(our_prog_id xdp_count)" != "$p1"
expect_eq "bpftool: the kernel has map $id2 named counts" \
	"$(bpftool -j map show id "$id2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')" "counts"
check "rm it again" rm "$MNT/progs/xdp_count.bpf.o"

# --- a big map: listed by several threads from the second listing on ---
# (fs/keylist.c; with one CPU the same listings run on one thread)
FLOOR=$EB_BUILD_DIR/tools/bench_maps_floor
check "cp bench_map.bpf.o" cp "$BPF/bench_map.bpf.o" "$MNT/progs/"
bid=$(our_map_id bench)
check "fill maps/bench with keys 0..29999 (batch updates)" "$FLOOR" fill "$bid" 30000
seq 0 29999 | LC_ALL=C sort >"$WORK/want"
for i in 1 2 3; do
	ls -U "$MNT/maps/bench" | grep -v '^\.' >"$WORK/got"
	check "listing $i: each of 30000 keys once, in byte order" cmp -s "$WORK/got" "$WORK/want"
done
for k in 0 7 12345 29999; do rm "$MNT/maps/bench/$k"; done
for k in 30000 31000 99999; do touch "$MNT/maps/bench/$k"; done
"$FLOOR" keys "$bid" | LC_ALL=C sort >"$WORK/want"
expect_eq "the kernel holds 29999 keys" "$(wc -l <"$WORK/want")" "29999"
for i in 1 2; do
	ls -U "$MNT/maps/bench" | grep -v '^\.' >"$WORK/got"
	check "listing after rm and touch ($i): the kernel's keys" cmp -s "$WORK/got" "$WORK/want"
done
check "rm bench_map.bpf.o" rm "$MNT/progs/bench_map.bpf.o"

check "daemon still answers" daemon_alive

finish
