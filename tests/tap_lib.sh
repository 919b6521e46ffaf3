# tests/tap_lib.sh - the TAP-style result lines the shell tests share
# (sourced by tests/cli.sh and tests/fs_lib.sh; not a test itself).
# The sourcing script sets pass=0 and fail=0 first.

ok() {
	pass=$((pass + 1))
	echo "ok - $1"
}

not_ok() {
	fail=$((fail + 1))
	echo "not ok - $1"
}

# check DESC CMD...: the command must succeed.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
