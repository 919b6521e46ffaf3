#!/usr/bin/env bash
# The README's second command: build with warnings as errors and run every
# test, then build again under ASan+UBSan and run every test again.
#   tools/test.sh            both passes
#   tools/test.sh --quick    the plain pass only
set -uo pipefail
cd "$(dirname "$0")/.."

bash tools/deps.sh || exit 1
bash tools/kernel-fs.sh || exit 1

passes=(plain asan)
[ "${1:-}" = "--quick" ] && passes=(plain)

# FUSE over io_uring (fs/uring.c) is used when the fuse module allows it:
# the plain pass runs with it, the sanitizer pass through /dev/fuse only,
# so both transports run every test.  The setting is put back at the end.
URING_PARAM=/sys/module/fuse/parameters/enable_uring
uring_was=
if [ -w "$URING_PARAM" ]; then
	uring_was=$(cat "$URING_PARAM")
	trap 'echo "$uring_was" > "$URING_PARAM"' EXIT
fi
set_uring() {
	[ -n "$uring_was" ] || { echo "=== $pass: no fuse io_uring on this kernel: /dev/fuse only"; return; }
	echo "$1" >"$URING_PARAM"
	echo "=== $pass: fuse enable_uring=$1"
}

rc=0
for pass in "${passes[@]}"; do
	dir=build-test-$pass
	opts=(-Dwerror=true -Dbuildtype=debugoptimized)
	[ "$pass" = asan ] && opts+=(-Db_sanitize=address,undefined -Db_lundef=false)
	echo "=== $pass: configure and build ($dir)"
	if [ -d "$dir" ]; then
		meson setup --reconfigure "$dir" "${opts[@]}" >/dev/null || { rc=1; continue; }
	else
		meson setup "$dir" "${opts[@]}" >/dev/null || { rc=1; continue; }
	fi
	if ! ninja -C "$dir"; then
		echo "=== $pass: build FAILED"
		rc=1
		continue
	fi
	if [ "$pass" = plain ]; then set_uring Y; else set_uring N; fi
	echo "=== $pass: tests"
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	meson test -C "$dir" --print-errorlogs --num-processes 2 || rc=1
done

# One summary over both passes, counted per test program, with every
# visible skip reason the tests printed.
python3 - "${passes[@]}" <<'PY'
import json, sys, re
passed = failed = skipped = 0
reasons = []
for p in sys.argv[1:]:
    try:
        lines = open(f"build-test-{p}/meson-logs/testlog.json").read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        r = t.get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
        for m in re.finditer(r"^SKIP .*$", t.get("stdout", "") or "", re.M):
            reasons.append(f"[{p}] {t['name']}: {m.group(0)}")
for r in sorted(set(reasons)):
    print(r)
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
[ $? -eq 0 ] || rc=1
exit $rc
