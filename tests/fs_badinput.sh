#!/usr/bin/env bash
# tests/fs_badinput.sh - bad input: every refusal has its errno, the
# daemon keeps answering and nothing changes (listings, values, and the
# programs the kernel holds).
T=fs_badinput
. "$(dirname "$0")/fs_lib.sh"

start_daemon || { not_ok "daemon mounts"; finish; }
P=$MNT/progs
M=$MNT/maps
check "cp xdp_count.bpf.o" cp "$BPF/xdp_count.bpf.o" "$P/"
check "cp globals.bpf.o" cp "$BPF/globals.bpf.o" "$P/"
check "echo 7 > counts/1" sh -c "echo 7 > '$M/counts/1'"

snapshot() {
	ls "$P" "$M"
	cat "$M/counts/.dump" "$M/globals.data/.dump"
	if [ -d "$M/m_pinned" ]; then
		cat "$M/m_pinned/.dump" "$M/m_pinned/.info"
	fi
	# the kernel's side of what we loaded (other tests may load other
	# programs meanwhile: look at ours only)
	for p in xdp_count globals_sum globals_table; do
		id=$(our_prog_id $p)
		echo "$p: $id $(bpftool_prog_name "$id")"
	done
	find "$PIN" | sort
}
snapshot >"$WORK/before"

# unchanged DESC: the daemon answers and nothing changed
unchanged() {
	if ! daemon_alive; then
		not_ok "$1: daemon gone"
		return
	fi
	snapshot >"$WORK/after"
	if cmp -s "$WORK/before" "$WORK/after"; then
		ok "$1: nothing changed"
	else
		not_ok "$1: something changed"
		diff "$WORK/before" "$WORK/after" | sed 's/^/#   /'
	fi
}

head -c 4096 /dev/urandom >"$WORK/random.o"
expect_err "random bytes" ENOEXEC cp "$WORK/random.o" "$P/"
expect_line "random: .last_error errno" <(cat "$P/.last_error") "errno: 8 (Exec format error)"
unchanged "random bytes"

head -c 40 "$BPF/socket_filter.bpf.o" >"$WORK/short.o"
expect_err "an object cut inside the ELF header" ENOEXEC cp "$WORK/short.o" "$P/"
unchanged "truncated header"
head -c 1000 "$BPF/socket_filter.bpf.o" >"$WORK/trunc.o"
expect_err "a truncated object" EINVAL cp "$WORK/trunc.o" "$P/"
unchanged "truncated object"

: >"$WORK/empty.o"
check "an empty object is accepted and loads nothing" cp "$WORK/empty.o" "$P/"
check "and is not kept" test ! -e "$P/empty.o"
unchanged "empty object"

expect_err "verifier rejection" EACCES cp "$BPF/reject.bpf.o" "$P/"
unchanged "verifier rejection"

expect_err "duplicate map name" EEXIST cp "$BPF/fs_dupmap.bpf.o" "$P/"
check ".last_error names the map" grep -q "map 'counts' already exists" "$P/.last_error"
unchanged "duplicate map name"

expect_err "non-numeric value" EINVAL bash -c "echo seven > '$M/counts/1'"
expect_line "the daemon's log names the key, the text and what the map takes" "$LOG" \
	"ebpfs: fs: maps/counts/1: 'seven' is not a value of this map (8 bytes, an unsigned integer)"
printf 'nine' >"$WORK/nine"
expect_err "non-numeric value without a newline (refused at close)" EINVAL \
	bash -c "cat '$WORK/nine' > '$M/counts/1'"
expect_line "that one is named in the log too" "$LOG" \
	"ebpfs: fs: maps/counts/1: 'nine' is not a value of this map (8 bytes, an unsigned integer)"
expect_err "empty value" EINVAL bash -c "echo > '$M/counts/1'"
expect_err "blank value" EINVAL bash -c "echo '  ' > '$M/counts/1'"
expect_err "value of the wrong size" EINVAL bash -c "echo 0011 > '$M/globals.data/0'"
# a value written in two write()s whose second is refused: nothing lands
# (before: the first, valid line was applied at close)
expect_eq "a refused second write() fails, and so does the close" "$(python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_TRUNC)
os.write(fd, b"7\n")
try:
    os.write(fd, b"8\n")
    print("second write accepted")
except OSError as e:
    print("write:", os.strerror(e.errno))
try:
    os.close(fd)
    print("close: ok")
except OSError as e:
    print("close:", os.strerror(e.errno))' "$M/counts/1")" "write: Invalid argument
close: Invalid argument"
expect_err "a key of a frozen map (.rodata) refuses writes at open" EPERM \
	bash -c "echo 00 > '$M/globals.rodata/0'"
unchanged "bad values"

expect_err "a key name that is not a key" ENOENT cat "$M/counts/one"
expect_err "a key out of range" ENOENT cat "$M/counts/99"
expect_err "insert past an array's end" EINVAL touch "$M/counts/99"
expect_line "the log says why" "$LOG" "ebpfs: fs: maps/counts/99: past the array's end (4 entries)"
expect_err "rm a key in an array" EPERM rm "$M/counts/1"
unchanged "bad keys"

expect_err "write to info" EACCES bash -c "echo 1 > '$P/xdp_count/info'"
expect_err "write to xlated" EACCES bash -c "echo 1 > '$P/xdp_count/xlated'"
expect_err "write to .info" EACCES bash -c "echo 1 > '$M/counts/.info'"
expect_err "write to .dump" EACCES bash -c "echo 1 > '$M/counts/.dump'"
expect_err "mkdir in maps/" EPERM mkdir "$M/x"
expect_err "mkdir in progs/" EPERM mkdir "$P/x"
expect_err "rmdir a map" EPERM rmdir "$M/counts"
expect_err "rename an object" EPERM mv "$P/xdp_count.bpf.o" "$P/y.o"
expect_err "a symbolic link in progs/" EPERM ln -s /etc/passwd "$P/sym"
expect_err "a hard link to an object" EPERM ln "$P/xdp_count.bpf.o" "$P/hard.o"
expect_err "create a dot file in progs/" EPERM touch "$P/.hidden"
expect_err "a file in a program dir" EPERM touch "$P/xdp_count/new"
expect_err "an object named like a program" EISDIR bash -c "cat '$BPF/socket_filter.bpf.o' > '$P/xdp_count'"
unchanged "bad names"

check "a good object still loads" cp "$BPF/socket_filter.bpf.o" "$P/"
check "and unloads" rm "$P/socket_filter.bpf.o"
unchanged "after the good object"

# --- name clashes (objects.c: programs and maps/ names are global) ---
check "cp maps_btf.bpf.o (m_pinned: HASH 4/4, LIBBPF_PIN_BY_NAME)" cp "$BPF/maps_btf.bpf.o" "$P/"
check "echo 5 > m_pinned/1" sh -c "echo 5 > '$M/m_pinned/1'"
pinned_id=$(our_map_id m_pinned)
snapshot >"$WORK/before"

# clash OBJ ERRNO MESSAGE [PROG]: OBJ fails with ERRNO, .last_error says
# MESSAGE, the kernel holds no program PROG (a name only OBJ uses), and
# nothing changed
clash() {
	local errno_line
	expect_err "$1" "$2" cp "$BPF/$1" "$P/"
	errno_line=$(python3 -c "import errno,os; print('errno: %d (%s)' % (errno.$2, os.strerror(errno.$2)))")
	cat "$P/.last_error" >"$WORK/last_error"
	expect_line "$1: .last_error object" "$WORK/last_error" "object: $1"
	expect_line "$1: .last_error errno" "$WORK/last_error" "$errno_line"
	expect_line "$1: .last_error says which" "$WORK/last_error" "message: $3"
	if [ -n "${4:-}" ]; then
		check "$1: the kernel holds no $4" eventually no_prog "$4"
	fi
	check "$1: not in progs/" test ! -e "$P/$1"
	unchanged "$1"
}
clash fs_clash_prog.bpf.o EEXIST \
	"program 'xdp_count' already exists in progs/ (object xdp_count.bpf.o)"
check "fs_clash_prog: its map is not in maps/" test ! -e "$M/clash_prog_map"
check "fs_clash_prog: the kernel holds no clash_prog_map" \
	eventually no_map clash_prog_map
clash fs_clash_type.bpf.o EINVAL \
	"load: map 'm_pinned': the existing map (id $pinned_id) has type 1, the object wants 2" \
	clash_type_prog
clash fs_clash_size.bpf.o EINVAL \
	"load: map 'm_pinned': the existing map (id $pinned_id) has value_size 4, the object wants 8" \
	clash_size_prog
clash fs_clash_pin.bpf.o EEXIST \
	"map 'counts' already exists in maps/ (object xdp_count.bpf.o)" clash_pin_prog
expect_eq "m_pinned keeps its value" "$(cat "$M/m_pinned/1")" 5
expect_line "m_pinned keeps its owner" <(cat "$M/m_pinned/.info") "owners: maps_btf.bpf.o"
expect_line "m_pinned keeps its id" <(cat "$M/m_pinned/.info") "id: $pinned_id"
check "m_pinned's pin stays" test -e "$PIN/maps/m_pinned"

# a program named like an object file in progs/
check "cp subprogs.bpf.o as progs/sock_trunc" cp "$BPF/subprogs.bpf.o" "$P/sock_trunc"
snapshot >"$WORK/before"
clash socket_filter.bpf.o EEXIST \
	"program 'sock_trunc' already exists in progs/ (file sock_trunc)"
check "rm progs/sock_trunc" rm "$P/sock_trunc"
check "then socket_filter.bpf.o loads" cp "$BPF/socket_filter.bpf.o" "$P/"
check "and unloads" rm "$P/socket_filter.bpf.o"
check "rm maps_btf.bpf.o" rm "$P/maps_btf.bpf.o"
snapshot >"$WORK/before"

# --- names that cannot be files or pins: refused before anything loads ---
# renamed SRC OLD NEW OUT: SRC with the string OLD (a symbol, BTF name)
# renamed NEW, padded with NULs
renamed() {
	python3 - "$BPF/$1" "$2" "$3" "$4" <<'EOF'
import sys
src, old, new, out = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode(), sys.argv[4]
d = open(src, "rb").read()
assert len(new) <= len(old) and b"\0" + old + b"\0" in d
open(out, "wb").write(d.replace(b"\0" + old + b"\0", b"\0" + new + b"\0" * (len(old) - len(new) + 1)))
EOF
}
# badname DESC SRC OLD NEW ERRNO MESSAGE
badname() {
	renamed "$2" "$3" "$4" "$WORK/badname.o"
	expect_err "$1" "$5" cp "$WORK/badname.o" "$P/"
	expect_line "$1: .last_error says why" <(cat "$P/.last_error") "message: $6"
	check "$1: not in progs/" test ! -e "$P/badname.o"
	check "$1: the kernel holds no map long_keys" eventually no_map long_keys
	unchanged "$1"
}
nofile="cannot be a file name (empty, starting with '.' or holding '/')"
badname "a program named ''" fs_longkey.bpf.o longkey_prog "" EINVAL \
	"program name '' $nofile"
badname "a program named 'a/b'" fs_longkey.bpf.o longkey_prog "a/b" EINVAL \
	"program name 'a/b' $nofile"
badname "a program named '..'" fs_longkey.bpf.o longkey_prog ".." EINVAL \
	"program name '..' $nofile"
badname "a program named '.dump'" fs_longkey.bpf.o longkey_prog ".dump" EINVAL \
	"program name '.dump' $nofile"
badname "a map named 'k/v'" fs_longkey.bpf.o long_keys "k/v" EINVAL \
	"map name 'k/v' $nofile"
badname "a map named '.info'" fs_longkey.bpf.o long_keys ".info" EINVAL \
	"map name '.info' $nofile"
expect_err "an object named like its own program" EEXIST \
	cp "$BPF/fs_longkey.bpf.o" "$P/longkey_prog"
expect_line "... .last_error says why" <(cat "$P/.last_error") \
	"message: program 'longkey_prog' has the name of its own object file: name the file differently"
check "... not in progs/" test ! -e "$P/longkey_prog"
unchanged "an object named like its own program"
# pins hold names of at most 255 bytes, where '.' and '%' take 3
long=$(printf 'a.%.0s' $(seq 1 90))o
expect_err "an object name too long to pin" ENAMETOOLONG cp "$BPF/fs_longkey.bpf.o" "$P/$long"
check "... not in progs/" test ! -e "$P/$long"
unchanged "an object name too long to pin"
long=$(printf 'g%.0s' $(seq 1 250))
expect_err "an object whose data map name is too long to pin" ENAMETOOLONG \
	cp "$BPF/globals.bpf.o" "$P/$long"
expect_line "... .last_error says why" <(cat "$P/.last_error") \
	"message: map name '$(printf 'g%.0s' $(seq 1 40))...' is too long to pin: 257 bytes ('.' and '%' count 3), at most 255"
check "... not in progs/" test ! -e "$P/$long"
unchanged "an object whose data map name is too long to pin"

finish
