#!/usr/bin/env bash
# tests/loader_corpus.sh - the loader against libbpf on the whole
# tests/bpf corpus, through both front ends (issue 6).
#
# Every NAME.bpf.o in EB_BPF_DIR is loaded three times: with `bpftool
# prog loadall` (libbpf 1.1, the independent witness), with `ebpfctl obj
# load --pin` (the core, a fresh process) and with `cp NAME.bpf.o
# MOUNT/progs/` into a real ebpfs mount (the daemon, default options,
# which keeps the kernel's BTF parsed between loads).  For every object
# and each of our two variants:
#   - if bpftool loads it, ours must load it too, and every program
#     bpftool pinned must be in the kernel from our load with the same
#     kernel name, type and tag (the tag hashes the final instructions,
#     so relocations, CO-RE, externs and subprogram placement must agree).
#     ebpfctl's programs are found through its pins, the mount's through
#     the id in progs/PROG/info; bpftool reports name, type and tag;
#   - the objects listed in EXTRA (valid objects libbpf 1.1 refuses) must
#     load with ours;
#   - the objects listed in REFUSED must fail with that errno (this test
#     kernel refuses fentry/fexit/lsm with EPERM; typed ksyms need
#     CONFIG_KALLSYMS_ALL): `ebpfctl` says so, `cp` fails with it (the
#     close that loads) and leaves no program of the object in the mount.
#     That is the visible skip of their positive case;
#   - the two variants agree: an object loads through cp exactly when it
#     loads through ebpfctl.
# Objects neither libbpf nor we load, and objects only we load, are
# listed at the end.
#
# Needs root, a bpffs on /sys/fs/bpf and bpftool; otherwise it skips
# visibly (exit 77).  Without FUSE (/dev/fuse, fusermount3, the ebpfs
# binary) the cp variant alone skips visibly.
set -uo pipefail

T=loader_corpus
CTL=${EB_BUILD_DIR:?}/tools/ebpfctl
BPF=${EB_BPF_DIR:?}
ROOT=/sys/fs/bpf/ebpfs_ldr_corpus_$$

# valid objects libbpf 1.1 refuses: ours must load them
EXTRA="sec_old_xdp sec_old_cls sec_tcx sec_netfilter sec_uprobe_multi struct_ops_link"
# objects this kernel refuses, with the error ours must report
declare -A REFUSED=(
	[fentry]="Operation not permitted"
	[lsm]="Operation not permitted"
	[ksym_typed]="No such file or directory"
	[reject]="Permission denied"
)

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP loader_corpus: not root"
	exit 77
fi
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	echo "SKIP loader_corpus: no bpffs on /sys/fs/bpf"
	exit 77
fi
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)
if [ ! -x "$BPFTOOL" ]; then
	echo "SKIP loader_corpus: bpftool not installed"
	exit 77
fi

# The mount: fs_lib.sh's temp mountpoint, unique pin dir and cleanup
# trap (it exits 77 itself when FUSE is missing: look first).
if [ -c /dev/fuse ] && command -v fusermount3 >/dev/null && [ -x "$EB_BUILD_DIR/fs/ebpfs" ]; then
	. "$(dirname "$0")/fs_lib.sh"
	MOUNT=1
else
	MOUNT=0
	pass=0
	fail=0
	ok() { pass=$((pass + 1)); echo "ok - $1"; }
	not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }
	echo "SKIP loader_corpus (cp into a mount): no /dev/fuse, fusermount3 or $EB_BUILD_DIR/fs/ebpfs"
fi
tmp=$(mktemp -d)

# libbpf pins LIBBPF_PIN_BY_NAME maps at /sys/fs/bpf/NAME whatever
# directory bpftool is given: remember what was there before, and remove
# the map pins that bpftool adds there.
pins_before=$(ls -A /sys/fs/bpf 2>/dev/null | sort)
drop_libbpf_pins() {
	local n
	for n in $(comm -13 <(echo "$pins_before") <(ls -A /sys/fs/bpf 2>/dev/null | sort)); do
		[ -f "/sys/fs/bpf/$n" ] && rm -f "/sys/fs/bpf/$n"
	done
	return 0
}

corpus_cleanup() {
	drop_libbpf_pins
	rm -rf "$tmp"
	[ -d "$ROOT" ] && rm -rf "$ROOT"
	return 0
}
if [ "$MOUNT" = 1 ]; then
	# ours first, then fs_lib's (unmount, daemon, pins; it exits with rc)
	trap 'rc=$?; corpus_cleanup; (exit $rc); fs_cleanup' EXIT
else
	trap corpus_cleanup EXIT
fi

[ -x "$CTL" ] || { not_ok "$CTL is not built"; exit 1; }

in_list() {	# in_list WORD LIST
	case " $(echo $2) " in *" $1 "*) return 0 ;; esac
	return 1
}

# "NAME TYPE TAG" of the programs bpftool reports, from `prog show -j`
# output on stdin (one object per line; bpftool 7.1 gives types it does
# not know, e.g. netfilter, as a number)
name_type_tag() {
	sed -n 's/.*"type":"\{0,1\}\([^",]*\)"\{0,1\},.*"name":"\([^"]*\)".*"tag":"\([^"]*\)".*/\2 \1 \3/p' | sort
}

# ... of every program pinned in (or below) a directory
pinned_progs() {
	find "$1" -type f 2>/dev/null | while read -r f; do
		"$BPFTOOL" prog show pinned "$f" -j 2>/dev/null
		echo
	done | name_type_tag
}

# ... of every program the mount shows for object file OBJ (its info
# file names the object; the id in it is asked of bpftool)
mount_progs() {
	local info id
	for info in "$MNT"/progs/*/info; do
		[ -f "$info" ] || continue
		grep -qFx "object: $1" "$info" || continue
		id=$(sed -n 's/^id: //p' "$info")
		"$BPFTOOL" prog show id "$id" -j 2>/dev/null
		echo
	done | name_type_tag
}

# judge VARIANT NAME RC ERRFILE PROGSFILE REFUSED_ERR BT: the verdicts
# for one object through one variant (PROGSFILE: what the variant loaded).
# A refusal must be the variant's own message: ebpfctl's "load failed:
# STRERROR", cp's "cp: ...: STRERROR" for the close that loads.
ours_only=""
neither=""
judge() {
	local v=$1 name=$2 rc=$3 err=$4 progs=$5 want_err=$6 bt=$7 missing msg
	msg=".*load failed: $want_err"
	[ "$v" = cp ] && msg="cp: .*: $want_err"
	if [ -n "$want_err" ]; then
		if [ "$rc" -ne 0 ] && grep -q "^$msg\$" "$err" && [ ! -s "$progs" ]; then
			ok "$v $name: refused by this kernel with '$want_err' (as expected; libbpf: $([ "$bt" -eq 0 ] && echo loads || echo refused))"
			echo "SKIP loader_corpus $v $name: this kernel refuses it ($want_err)"
		else
			not_ok "$v $name: expected the load to fail with '$want_err' and leave nothing"
			sed 's/^/#   | /' "$err" | head -10
		fi
	elif [ "$bt" -eq 0 ]; then
		if [ "$rc" -ne 0 ]; then
			not_ok "$v $name: bpftool loads it, $v does not"
			sed 's/^/#   | /' "$err" | head -10
			return
		fi
		missing=$(comm -23 "$tmp/bt.progs" "$progs")
		if [ -s "$tmp/bt.progs" ] && [ -z "$missing" ]; then
			ok "$v $name: loads like libbpf ($(wc -l <"$tmp/bt.progs") programs, same names, types and tags)"
		else
			not_ok "$v $name: programs differ from libbpf's (name type tag)"
			diff "$tmp/bt.progs" "$progs" | sed 's/^/#   /'
		fi
	elif in_list "$name" "$EXTRA"; then
		if [ "$rc" -eq 0 ] && [ -s "$progs" ]; then
			ok "$v $name: loads with $v, libbpf 1.1 refuses it ($(wc -l <"$progs") programs)"
		else
			not_ok "$v $name: a valid object libbpf refuses must load with $v"
			sed 's/^/#   | /' "$err" | head -10
		fi
	elif [ "$rc" -eq 0 ]; then
		ours_only="$ours_only $v:$name"
		ok "$v $name: loads with $v only"
	else
		neither="$neither $v:$name"
		ok "$v $name: neither loads ($(head -1 "$err"))"
	fi
}

mkdir -p "$ROOT"
if [ "$MOUNT" = 1 ]; then
	if start_daemon; then
		ok "ebpfs mounted at $MNT (pin_dir $PIN)"
	else
		not_ok "ebpfs mounts"
		MOUNT=0
	fi
fi

for o in "$BPF"/*.bpf.o; do
	name=$(basename "$o" .bpf.o)
	base=$(basename "$o")
	bdir=$ROOT/bt_$name
	edir=$ROOT/eb_$name
	want_err=${REFUSED[$name]:-}

	bt=0
	"$BPFTOOL" prog loadall "$o" "$bdir" >"$tmp/bt.err" 2>&1 || bt=1
	drop_libbpf_pins
	pinned_progs "$bdir" >"$tmp/bt.progs"

	# --- ebpfctl: the core in a fresh process -----------------------------
	eb=0
	"$CTL" obj load "$o" --pin "$edir" >"$tmp/eb.out" 2>"$tmp/eb.err" || eb=1
	pinned_progs "$edir/progs" >"$tmp/eb.progs"
	judge ebpfctl "$name" "$eb" "$tmp/eb.err" "$tmp/eb.progs" "$want_err" "$bt"
	rm -rf "$edir"

	# --- cp into the mount: the daemon --------------------------------------
	if [ "$MOUNT" = 1 ]; then
		fsrc=0
		guard 60 cp "$o" "$MNT/progs/" 2>"$tmp/cp.err" || fsrc=1
		mount_progs "$base" >"$tmp/cp.progs"
		if [ "$fsrc" -ne 0 ]; then	# why, for the messages
			sed 's/^/.last_error: /' "$MNT/progs/.last_error" >>"$tmp/cp.err" 2>/dev/null
		fi
		judge cp "$name" "$fsrc" "$tmp/cp.err" "$tmp/cp.progs" "$want_err" "$bt"
		if [ "$fsrc" -ne "$eb" ]; then
			not_ok "cp $name: cp and ebpfctl disagree (cp status $fsrc, ebpfctl $eb)"
		fi
		if [ -e "$MNT/progs/$base" ] && ! rm "$MNT/progs/$base"; then
			not_ok "cp $name: rm of the object fails"
		fi
		if [ -n "$(mount_progs "$base")" ]; then
			not_ok "cp $name: programs left in the mount after rm / a failed load"
		fi
		daemon_alive || { not_ok "the daemon is gone after $name"; break; }
	fi
	rm -rf "$bdir"
done

for name in $EXTRA "${!REFUSED[@]}"; do
	[ -e "$BPF/$name.bpf.o" ] || not_ok "$name.bpf.o is missing from the corpus"
done
echo "# loaded by ours only:${ours_only:- none}"
echo "# loaded by neither:${neither:- none}"
if [ "$MOUNT" = 1 ]; then
	finish	# stops the daemon, checks its log for sanitizer reports
fi
echo "loader_corpus: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
