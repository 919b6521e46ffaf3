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
expect_err "empty value" EINVAL bash -c "echo > '$M/counts/1'"
expect_err "blank value" EINVAL bash -c "echo '  ' > '$M/counts/1'"
expect_err "value of the wrong size" EINVAL bash -c "echo 0011 > '$M/globals.data/0'"
unchanged "bad values"

expect_err "a key name that is not a key" ENOENT cat "$M/counts/one"
expect_err "a key out of range" ENOENT cat "$M/counts/99"
expect_err "insert out of range in an array" E2BIG touch "$M/counts/99"
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
expect_err "create a dot file in progs/" EPERM touch "$P/.hidden"
expect_err "a file in a program dir" EPERM touch "$P/xdp_count/new"
expect_err "an object named like a program" EISDIR bash -c "cat '$BPF/socket_filter.bpf.o' > '$P/xdp_count'"
unchanged "bad names"

check "a good object still loads" cp "$BPF/socket_filter.bpf.o" "$P/"
check "and unloads" rm "$P/socket_filter.bpf.o"
unchanged "after the good object"

finish
