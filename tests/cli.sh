#!/usr/bin/env bash
# tests/cli.sh - drive tools/ebpfctl on the tests/bpf corpus.
#
# Environment (set by meson): EB_BUILD_DIR (the build tree, ebpfctl is
# in tools/), EB_BPF_DIR (the compiled NAME.bpf.o objects).
# llvm-objdump is the independent witness for `obj show` and `obj
# disasm`; bpftool for what `obj load` put into the kernel.  The load
# checks need root and a bpffs on /sys/fs/bpf: without them they are
# skipped visibly and, if nothing failed, the script exits 77 (skip).
set -euo pipefail

CTL=${EB_BUILD_DIR:?}/tools/ebpfctl
BPF=${EB_BPF_DIR:?}
OBJDUMP=${OBJDUMP:-llvm-objdump}
PIN_ROOT=/sys/fs/bpf/ebpfctl_test_$$

pass=0
fail=0
skipped=0
tmp=$(mktemp -d)

cleanup() {
	rm -rf "$tmp"
	if [ -d "$PIN_ROOT" ]; then
		rm -rf "$PIN_ROOT"
	fi
}
trap cleanup EXIT

. "$(dirname "$0")/tap_lib.sh"

skip() {
	skipped=$((skipped + 1))
	echo "SKIP cli $1"
}

# expect_line FILE LINE: LINE must be a whole line of FILE.
expect_line() {
	if grep -Fxq -- "$2" "$1"; then
		ok "$(basename "$1"): $2"
	else
		not_ok "$(basename "$1"): $2"
		echo "#   not found in:"
		head -40 "$1" | sed 's/^/#   | /'
	fi
}

# expect_match FILE ERE DESC: some line of FILE matches ERE.
expect_match() {
	if grep -Eq -- "$2" "$1"; then
		ok "$3"
	else
		not_ok "$3"
		echo "#   /$2/ not found in:"
		sed 's/^/#   | /' "$1"
	fi
}

# run_ctl OUT ERR ARGS...: run ebpfctl, record its exit status in $rc.
run_ctl() {
	local out=$1 err=$2
	shift 2
	rc=0
	"$CTL" "$@" >"$out" 2>"$err" || rc=$?
}

# sec_field OBJ NAME COLUMN: from `llvm-objdump -h`, the section's index
# (column 1) or size in decimal (column 3).
sec_field() {
	local v
	v=$("$OBJDUMP" -h "$1" | awk -v n="$2" -v c="$3" '$2 == n { print $c; exit }')
	if [ "$3" = 3 ] && [ -n "$v" ]; then
		v=$((16#$v))
	fi
	echo "$v"
}

# sym_insns OBJ SYM: instruction count of a function from its symbol size.
sym_insns() {
	local v
	v=$("$OBJDUMP" -t "$1" | awk -v s="$2" '$NF == s && $3 == "F" { print $(NF-1); exit }')
	[ -n "$v" ] && echo $((16#$v / 8))
}

[ -x "$CTL" ] || { echo "cli: $CTL is not built"; echo "cli: 0 passed, 1 failed"; exit 1; }

# --- obj show: xdp_count ------------------------------------------------------
o=$BPF/xdp_count.bpf.o
out=$tmp/show_xdp_count.out
run_ctl "$out" "$tmp/err" obj show "$o"
check "obj show xdp_count exits 0" test "$rc" -eq 0
expect_line "$out" "object xdp_count version 0 license GPL"
expect_line "$out" "prog xdp_count section xdp type xdp attach xdp insns $(sym_insns "$o" xdp_count)"
expect_line "$out" "map counts type array key 4 value 8 max_entries 4 flags 0x0 origin btf pinning none"
expect_line "$out" "map drops type hash key 4 value 8 max_entries 16 flags 0x0 origin btf pinning none"
expect_line "$out" "section $(sec_field "$o" xdp 1) xdp type progbits kind prog size $(sec_field "$o" xdp 3)"
expect_line "$out" "section $(sec_field "$o" .maps 1) .maps type progbits kind maps size $(sec_field "$o" .maps 3)"
expect_line "$out" "section $(sec_field "$o" license 1) license type progbits kind license size 4"
# every map relocation llvm-objdump lists, as instruction index + symbol
"$OBJDUMP" -r "$o" | awk '/RELOCATION RECORDS FOR \[xdp\]/ { on = 1; next }
	/^$/ { on = 0 } on && $2 == "R_BPF_64_64" { print $1, $3 }' |
	while read -r off sym; do
		echo "reloc xdp_count insn $((16#$off / 8)) kind map_fd symbol $sym target $sym off 0"
	done >"$tmp/relocs"
check "llvm-objdump lists 4 relocations in xdp" test "$(wc -l <"$tmp/relocs")" -eq 4
while IFS= read -r line; do expect_line "$out" "$line"; done <"$tmp/relocs"
check "obj show xdp_count: exactly 4 reloc records" \
	test "$(grep -c '^reloc ' "$out")" -eq 4
check "obj show prints nothing on stderr" test ! -s "$tmp/err"

# --- obj show: maps of every kind -------------------------------------------------
o=$BPF/maps_btf.bpf.o
out=$tmp/show_maps_btf.out
run_ctl "$out" "$tmp/err" obj show "$o"
check "obj show maps_btf exits 0" test "$rc" -eq 0
for line in \
	"map m_hash type hash key 4 value 8 max_entries 64 flags 0x0 origin btf pinning none" \
	"map m_array type array key 4 value 8 max_entries 8 flags 0x0 origin btf pinning none" \
	"map m_pcpu_hash type percpu_hash key 4 value 8 max_entries 32 flags 0x0 origin btf pinning none" \
	"map m_pcpu_array type percpu_array key 4 value 8 max_entries 4 flags 0x0 origin btf pinning none" \
	"map m_lru_hash type lru_hash key 8 value 8 max_entries 128 flags 0x0 origin btf pinning none" \
	"map m_lpm type lpm_trie key 8 value 4 max_entries 16 flags 0x1 origin btf pinning none" \
	"map m_queue type queue key 0 value 4 max_entries 8 flags 0x0 origin btf pinning none" \
	"map m_stack type stack key 0 value 8 max_entries 8 flags 0x0 origin btf pinning none" \
	"map m_ringbuf type ringbuf key 0 value 0 max_entries 4096 flags 0x0 origin btf pinning none" \
	"map m_perf type perf_event_array key 4 value 4 max_entries 0 flags 0x0 origin btf pinning none" \
	"map m_progs type prog_array key 4 value 4 max_entries 4 flags 0x0 origin btf pinning none" \
	"map m_outer type array_of_maps key 4 value 4 max_entries 2 flags 0x0 origin btf pinning none" \
	"inner m_outer type array key 4 value 4 max_entries 1 flags 0x0" \
	"map m_pinned type hash key 4 value 4 max_entries 8 flags 0x0 origin btf pinning by_name" \
	"prog maps_use section xdp type xdp attach xdp insns $(sym_insns "$o" maps_use)"; do
	expect_line "$out" "$line"
done

# --- obj show: legacy maps, global data, subprograms, sections ---------------------
o=$BPF/legacy_maps.bpf.o
out=$tmp/show_legacy.out
run_ctl "$out" "$tmp/err" obj show "$o"
check "obj show legacy_maps exits 0" test "$rc" -eq 0
expect_line "$out" "map legacy_cnt type array key 4 value 8 max_entries 2 flags 0x0 origin legacy pinning none"
expect_line "$out" "map legacy_hash type hash key 4 value 4 max_entries 32 flags 0x0 origin legacy pinning none"
expect_line "$out" "map legacy_lru type lru_hash key 8 value 8 max_entries 16 flags 0x0 origin legacy pinning none"
expect_line "$out" "prog legacy_filter section socket type socket_filter attach none insns $(sym_insns "$o" legacy_filter)"
expect_line "$out" "section $(sec_field "$o" maps 1) maps type progbits kind legacy_maps size 60"

o=$BPF/globals.bpf.o
out=$tmp/show_globals.out
run_ctl "$out" "$tmp/err" obj show "$o"
check "obj show globals exits 0" test "$rc" -eq 0
# BPF_F_MMAPABLE 0x400, .rodata* also BPF_F_RDONLY_PROG 0x80
for sec in .data .bss .data.custom; do
	expect_line "$out" "map $sec type array key 4 value $(sec_field "$o" "$sec" 3) max_entries 1 flags 0x400 origin data pinning none"
done
for sec in .rodata .rodata.str1.1; do
	expect_line "$out" "map $sec type array key 4 value $(sec_field "$o" "$sec" 3) max_entries 1 flags 0x480 origin data pinning none"
done
expect_line "$out" "section $(sec_field "$o" .bss 1) .bss type nobits kind data size 12"

o=$BPF/subprogs.bpf.o
out=$tmp/show_subprogs.out
run_ctl "$out" "$tmp/err" obj show "$o"
check "obj show subprogs exits 0" test "$rc" -eq 0
expect_line "$out" "prog sub_xdp section xdp type xdp attach xdp insns $(sym_insns "$o" sub_xdp)"
expect_line "$out" "prog sub_sock section socket type socket_filter attach none insns $(sym_insns "$o" sub_sock)"
expect_line "$out" "subprog sub_global section .text offset 0 insns 4"
expect_line "$out" "subprog sub_add3 section .text offset 4 insns 4"
expect_line "$out" "subprog sub_double section .text offset 8 insns 3"
# sub_add3 calls sub_double inside .text: no ELF relocation
expect_line "$out" "reloc sub_add3 insn 1 kind call symbol - target sub_double off 0"
expect_line "$out" "reloc sub_xdp insn 3 kind call symbol sub_global target sub_global off 0"
expect_line "$out" "reloc sub_xdp insn 0 kind call symbol .text target sub_add3 off 0"

o=$BPF/tracepoint.bpf.o
out=$tmp/show_tp.out
run_ctl "$out" "$tmp/err" obj show "$o"
expect_line "$out" "prog tp_getppid section tracepoint/syscalls/sys_enter_getppid type tracepoint attach none insns $(sym_insns "$o" tp_getppid)"
expect_line "$out" "prog raw_sys_enter section raw_tp/sys_enter type raw_tracepoint attach none insns $(sym_insns "$o" raw_sys_enter)"

o=$BPF/loop_cb.bpf.o
out=$tmp/show_loop.out
run_ctl "$out" "$tmp/err" obj show "$o"
expect_match "$out" '^reloc loop_sum insn [0-9]+ kind func_ptr symbol [^ ]+ target sum_cb off 0$' \
	"obj show loop_cb: bpf_loop callback is a func_ptr relocation to sum_cb"

# --- obj disasm: the full text of llvm-objdump -d -------------------------------
# Run from the object's directory with a relative name, as a person would;
# both tools print the name they were given in the header line.
for o in "$BPF"/*.bpf.o; do
	name=$(basename "$o")
	rc=0
	(cd "$BPF" && "$CTL" obj disasm "$name") >"$tmp/got" 2>"$tmp/dis.err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		not_ok "obj disasm $name exits 0"
		sed 's/^/#   | /' "$tmp/dis.err"
		continue
	fi
	(cd "$BPF" && "$OBJDUMP" -d "$name") >"$tmp/want"
	if grep -q '^Disassembly of section' "$tmp/want" && cmp -s "$tmp/want" "$tmp/got"; then
		ok "obj disasm $name is byte for byte llvm-objdump -d ($(grep -c '^ *[0-9]*:' "$tmp/want") insns, $(grep -c '^[0-9a-f]\{16\} <' "$tmp/want") labels)"
	else
		not_ok "obj disasm $name is byte for byte llvm-objdump -d"
		diff "$tmp/want" "$tmp/got" | head -20 | sed 's/^/#   /' || true
	fi
done
# labels and jump target names are really there (multi has LBB labels)
(cd "$BPF" && "$CTL" obj disasm multi.bpf.o) >"$tmp/got" 2>/dev/null || true
expect_line "$tmp/got" "0000000000000050 <LBB0_2>:"
expect_line "$tmp/got" "       7:	15 00 02 00 00 00 00 00	if r0 == 0 goto +2 <LBB0_2>"
# one function: llvm-objdump --disassemble-symbols for a function without
# local labels; with them ebpfctl goes on to the function's end
o=$BPF/subprogs.bpf.o
run_ctl "$tmp/dis.out" "$tmp/dis.err" obj disasm "$o" sub_double
check "obj disasm FILE sub_double exits 0" test "$rc" -eq 0
"$OBJDUMP" -d --disassemble-symbols=sub_double "$o" >"$tmp/want"
if grep -q 'sub_double' "$tmp/want" && cmp -s "$tmp/want" "$tmp/dis.out"; then
	ok "obj disasm FILE sub_double is llvm-objdump --disassemble-symbols=sub_double"
else
	not_ok "obj disasm FILE sub_double is llvm-objdump --disassemble-symbols=sub_double"
	diff "$tmp/want" "$tmp/dis.out" | sed 's/^/#   /' || true
fi
run_ctl "$tmp/dis.out" "$tmp/dis.err" obj disasm "$BPF/multi.bpf.o" multi_drop
"$OBJDUMP" -d "$BPF/multi.bpf.o" | sed -n '/^0000000000000060 <multi_drop>:$/,/^      22:/p' >"$tmp/want"
sed -n '/^0000000000000060 <multi_drop>:$/,$p' "$tmp/dis.out" >"$tmp/got"
if [ "$(wc -l <"$tmp/want")" -eq 13 ] && cmp -s "$tmp/want" "$tmp/got"; then
	ok "obj disasm FILE multi_drop prints the function and its label LBB1_2 to its end"
else
	not_ok "obj disasm FILE multi_drop prints the function and its label LBB1_2 to its end"
	diff "$tmp/want" "$tmp/got" | sed 's/^/#   /' || true
fi
run_ctl "$tmp/dis.out" "$tmp/dis.err" obj disasm "$o" no_such_prog
check "obj disasm of a missing program exits 1" test "$rc" -eq 1
expect_line "$tmp/dis.err" "ebpfctl: $o: no program or subprogram 'no_such_prog'"

# --- bad input ------------------------------------------------------------------
head -c 100 "$BPF/xdp_count.bpf.o" >"$tmp/truncated.o"
run_ctl "$tmp/out" "$tmp/err" obj show "$tmp/truncated.o"
check "obj show of a truncated file exits 1" test "$rc" -eq 1
check "obj show of a truncated file prints nothing on stdout" test ! -s "$tmp/out"
expect_match "$tmp/err" "^ebpfctl: $tmp/truncated.o: cannot open: " \
	"truncated file: 'ebpfctl: FILE: cannot open: ...' on stderr"
expect_match "$tmp/err" '^ebpfctl: elf: ' \
	"truncated file: the loader's 'elf: ...' reason on stderr"
run_ctl "$tmp/out" "$tmp/err" obj show "$tmp/no-such-file.o"
check "obj show of a missing file exits 1" test "$rc" -eq 1
expect_match "$tmp/err" "^ebpfctl: $tmp/no-such-file.o: cannot open: No such file or directory$" \
	"missing file: ENOENT message"
run_ctl "$tmp/out" "$tmp/err" obj frobnicate
check "an unknown command exits 2" test "$rc" -eq 2
expect_line "$tmp/err" "ebpfctl: unknown obj command 'frobnicate'; see 'ebpfctl help'"
run_ctl "$tmp/out" "$tmp/err" obj load "$BPF/xdp_count.bpf.o" --log-level x
check "a bad --log-level exits 2" test "$rc" -eq 2

# --- obj load (root, bpffs) ---------------------------------------------------------
bpffs_ok() {
	[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ]
}
if [ "$(id -u)" -ne 0 ]; then
	skip "load: not root"
elif ! bpffs_ok; then
	skip "load: no bpffs mounted on /sys/fs/bpf"
elif ! command -v bpftool >/dev/null; then
	skip "load: bpftool not installed"
else
	# without --pin: ids printed, released at exit
	o=$BPF/xdp_count.bpf.o
	run_ctl "$tmp/load.out" "$tmp/load.err" obj load "$o"
	check "obj load xdp_count exits 0" test "$rc" -eq 0
	expect_match "$tmp/load.out" '^prog xdp_count id [0-9]+ type xdp$' "load prints the prog record"
	expect_match "$tmp/load.out" '^map counts id [0-9]+ type array$' "load prints map counts"
	expect_match "$tmp/load.out" '^map drops id [0-9]+ type hash$' "load prints map drops"
	check "load prints exactly 3 records" test "$(wc -l <"$tmp/load.out")" -eq 3
	id=$(awk '$1 == "prog" { print $4 }' "$tmp/load.out")
	gone=no
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		if ! bpftool prog show id "$id" >/dev/null 2>&1; then gone=yes; break; fi
		sleep 0.2
	done
	check "without --pin prog id $id is released at exit" test "$gone" = yes

	# with --pin: bpftool sees what we printed
	dir=$PIN_ROOT/xdp
	run_ctl "$tmp/load.out" "$tmp/load.err" obj load "$o" --pin "$dir"
	check "obj load --pin exits 0" test "$rc" -eq 0
	id=$(awk '$1 == "prog" { print $4 }' "$tmp/load.out")
	expect_line "$tmp/load.out" "prog xdp_count id $id type xdp pinned $dir/progs/xdp_count"
	bpftool prog show id "$id" >"$tmp/bt" 2>&1 || true
	expect_match "$tmp/bt" "^$id: xdp  name xdp_count  " "bpftool prog show id $id: an xdp prog named xdp_count"
	bpftool prog show pinned "$dir/progs/xdp_count" >"$tmp/bt" 2>&1 || true
	expect_match "$tmp/bt" "^$id: xdp " "the pin $dir/progs/xdp_count is prog id $id"
	mid=$(awk '$1 == "map" && $2 == "counts" { print $4 }' "$tmp/load.out")
	bpftool map show id "$mid" >"$tmp/bt" 2>&1 || true
	expect_match "$tmp/bt" "^$mid: array  name counts  flags 0x0$" "bpftool map show id $mid: array counts"
	bpftool map show pinned "$dir/maps/drops" >"$tmp/bt" 2>&1 || true
	expect_match "$tmp/bt" "^[0-9]+: hash  name drops  " "the pin $dir/maps/drops is the hash drops"
	# the prog uses both maps
	bpftool prog show id "$id" | grep -Eo 'map_ids [0-9,]+' >"$tmp/ids" || true
	check "prog $id references map $mid" grep -Eq "[ ,]$mid(,|$)" "$tmp/ids"

	# a second load into the same directory collides and leaves the first alone
	run_ctl "$tmp/load2.out" "$tmp/load2.err" obj load "$o" --pin "$dir"
	check "a second load into the same --pin dir exits 1" test "$rc" -eq 1
	expect_match "$tmp/load2.err" "^ebpfctl: $dir/progs/xdp_count: cannot pin: File exists$" \
		"the collision names the pin path"
	bpftool prog show pinned "$dir/progs/xdp_count" >"$tmp/bt" 2>&1 || true
	expect_match "$tmp/bt" "^$id: xdp " "the first load's pin is untouched"
	rm -rf "$dir"

	# global data maps pin with '.' turned into '_'
	dir=$PIN_ROOT/globals
	run_ctl "$tmp/load.out" "$tmp/load.err" obj load "$BPF/globals.bpf.o" --pin "$dir"
	check "obj load globals --pin exits 0" test "$rc" -eq 0
	expect_match "$tmp/load.out" "^map \.rodata id [0-9]+ type array pinned $dir/maps/globals_rodata$" \
		"the .rodata map pins as globals_rodata"
	check "pin $dir/maps/globals_bss exists" test -e "$dir/maps/globals_bss"
	rm -rf "$dir"

	# LIBBPF_PIN_BY_NAME: a compatible map pinned at DIR/maps/NAME is reused
	dir=$PIN_ROOT/byname
	mkdir -p "$dir/maps"
	bpftool map create "$dir/maps/m_pinned" type hash key 4 value 4 entries 8 name m_pinned
	pre=$(bpftool map show pinned "$dir/maps/m_pinned" | awk -F: 'NR == 1 { print $1 }')
	run_ctl "$tmp/load.out" "$tmp/load.err" obj load "$BPF/maps_btf.bpf.o" --pin "$dir"
	check "obj load maps_btf --pin with m_pinned pinned already exits 0" test "$rc" -eq 0
	expect_line "$tmp/load.out" "map m_pinned id $pre type hash"
	expect_match "$tmp/load.out" "^map m_hash id [0-9]+ type hash pinned $dir/maps/m_hash$" \
		"maps without pinning are pinned as usual next to it"
	rm -rf "$dir"
	mkdir -p "$dir/maps"
	bpftool map create "$dir/maps/m_pinned" type hash key 4 value 4 entries 9 name m_pinned
	run_ctl "$tmp/load.out" "$tmp/load.err" obj load "$BPF/maps_btf.bpf.o" --pin "$dir"
	check "an incompatible pinned m_pinned fails the load (exit 1)" test "$rc" -eq 1
	expect_match "$tmp/load.err" "^ebpfctl: .*m_pinned.*" "the message names m_pinned"
	check "the failed load pinned no program" test ! -e "$dir/progs/maps_use"
	rm -rf "$dir"

	# every loadable corpus object loads
	for name in maps_btf legacy_maps subprogs loop_cb events multi socket_filter tracepoint; do
		run_ctl "$tmp/load.out" "$tmp/load.err" obj load "$BPF/$name.bpf.o"
		if [ "$rc" -eq 0 ] && grep -q '^prog ' "$tmp/load.out"; then
			ok "obj load $name"
		else
			not_ok "obj load $name (exit $rc)"
			sed 's/^/#   | /' "$tmp/load.err" | head -20
		fi
	done
	run_ctl "$tmp/load.out" "$tmp/load.err" obj load "$BPF/multi.bpf.o"
	check "obj load multi lists 7 programs" test "$(grep -c '^prog ' "$tmp/load.out" || true)" -eq 7
	expect_match "$tmp/load.out" '^prog multi_tp id [0-9]+ type tracepoint$' "multi: the tracepoint program"
	expect_match "$tmp/load.out" '^prog multi_sock2 id [0-9]+ type socket_filter$' "multi: the second socket program"

	# --log-level: the verifier log on stderr, also on success
	run_ctl "$tmp/load.out" "$tmp/load.err" obj load "$BPF/socket_filter.bpf.o" --log-level 1
	check "obj load --log-level 1 exits 0" test "$rc" -eq 0
	expect_line "$tmp/load.err" "ebpfctl: verifier log of prog sock_trunc:"
	expect_match "$tmp/load.err" '^processed [0-9]+ insns' "the verifier's summary line is printed"

	# a verifier rejection: exit 1, EACCES, the log, nothing left behind
	run_ctl "$tmp/load.out" "$tmp/load.err" obj load "$BPF/reject.bpf.o" --pin "$PIN_ROOT/reject"
	check "obj load reject exits 1" test "$rc" -eq 1
	check "obj load reject prints no records" test ! -s "$tmp/load.out"
	expect_line "$tmp/load.err" "ebpfctl: $BPF/reject.bpf.o: load failed: Permission denied"
	expect_line "$tmp/load.err" "ebpfctl: verifier log of prog reject_null:"
	expect_match "$tmp/load.err" "invalid mem access 'map_value_or_null'" "the verifier's reason is on stderr"
	check "a failed load pins nothing" test ! -e "$PIN_ROOT/reject"
	left=yes
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		if ! grep -q ' name reject_map ' <<<"$(bpftool map list 2>/dev/null)"; then left=no; break; fi
		sleep 0.2
	done
	check "a failed load leaves no map reject_map in the kernel" test "$left" = no
fi

echo "cli: $pass passed, $fail failed"
if [ "$fail" -ne 0 ]; then
	exit 1
fi
if [ "$skipped" -ne 0 ]; then
	exit 77
fi
exit 0
