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
#   - if ours loads it and bpftool loads it too, every program bpftool
#     pinned must be in the kernel from our load with the same kernel
#     name, type and tag (the tag hashes the final instructions, so
#     relocations, CO-RE, externs and subprogram placement must agree).
#     ebpfctl's programs are found through its pins, the mount's through
#     the id in progs/PROG/info; bpftool reports name, type and tag;
#   - if bpftool loads it, ours must load it too;
#   - `reject` must fail with EACCES (the verifier refuses it everywhere);
#   - any other failure of ours must be a documented refusal of the
#     running kernel, confirmed by a probe, and is printed as a visible
#     "SKIP loader_corpus VARIANT NAME: REASON" (see kernel_refusal below:
#     a minimal program of the same section that the kernel refuses with
#     the same errno, bpftool's `feature probe` where it knows the
#     program type, /proc/kallsyms for typed ksyms, the kernel's BTF for
#     kfuncs and struct_ops links).  Anything else fails; so an object
#     that neither loader loads is a SKIP or a failure, never an ok;
#   - the objects listed in EXTRA (valid objects libbpf 1.1 refuses)
#     must load with ours unless the kernel lacks what they need;
#   - a failed load leaves nothing: `ebpfctl` prints the refusal, `cp`
#     fails with it (the close that loads) and no program of the object
#     stays in the mount;
#   - the two variants agree: an object loads through cp exactly when it
#     loads through ebpfctl.
# Objects neither libbpf nor we load, and objects only we load, are
# listed at the end.
#
# Needs root, a bpffs on /sys/fs/bpf and bpftool; otherwise it skips
# visibly (exit 77).  Without FUSE (/dev/fuse, fusermount3, the ebpfs
# binary) the cp variant alone skips visibly.  The kernel probes compile
# their minimal programs with clang (found on PATH, as the build does).
set -uo pipefail

T=loader_corpus
CTL=${EB_BUILD_DIR:?}/tools/ebpfctl
BPF=${EB_BPF_DIR:?}
ROOT=/sys/fs/bpf/ebpfs_ldr_corpus_$$

# valid objects libbpf 1.1 refuses: ours must load them (or the kernel
# must lack what they need: a visible SKIP)
EXTRA="sec_old_xdp sec_old_cls sec_tcx sec_netfilter sec_uprobe_multi struct_ops_link"
# objects every kernel refuses, with the error ours must report
declare -A REFUSED=(
	[reject]="Permission denied"
)
# objects whose positive case this kernel may refuse (they must be there)
KERNEL_DEPENDENT="fentry lsm ksym_typed att_fentry"
CLANG=$(command -v clang || true)

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

# --- probes of the running kernel ---------------------------------------------
#
# Each answer is computed once and cached in PROBED[KEY].

declare -A PROBED=()

# probe_section SECTION: how the kernel takes a minimal program ("return
# 0", GPL, nothing else) in SECTION, loaded through ebpfctl: "loads", the
# error the kernel gave ("Operation not permitted"), or "loader: MESSAGE"
# when it never reached the kernel.
probe_section() {
	local sec=$1 key="sec:$1" res
	if [ -z "${PROBED[$key]+x}" ]; then
		if [ -z "$CLANG" ]; then
			res="loader: no clang to build the probe"
		else
			printf '%s\n' \
				"__attribute__((section(\"$sec\"), used)) int probe(void *ctx) { return 0; }" \
				'char _license[] __attribute__((section("license"), used)) = "GPL";' \
				>"$tmp/probe.c"
			if ! "$CLANG" -target bpf -O2 -g -c "$tmp/probe.c" -o "$tmp/probe.o" \
				2>"$tmp/probe.err"; then
				res="loader: clang: $(head -1 "$tmp/probe.err")"
			elif "$CTL" obj load "$tmp/probe.o" >/dev/null 2>"$tmp/probe.err"; then
				res=loads
			else
				res=$(sed -n 's/.*: the kernel refused it: \([^:]*\).*/\1/p' \
					"$tmp/probe.err" | head -1)
				[ -n "$res" ] || res="loader: $(head -1 "$tmp/probe.err")"
			fi
		fi
		PROBED[$key]=$res
	fi
	echo "${PROBED[$key]}"
}

# bpftool_feature KEY: "true" or "false" as `bpftool feature probe
# kernel` reports KEY (e.g. have_tracing_prog_type), "" when it does not
# know KEY.
bpftool_feature() {
	if [ -z "${PROBED[features]+x}" ]; then
		PROBED[features]=$("$BPFTOOL" feature probe kernel -j 2>/dev/null)
	fi
	grep -o "\"$1\":[a-z]*" <<<"${PROBED[features]}" | head -1 | cut -d: -f2
}

# kernel_btf_has STRING: the kernel's own BTF (/sys/kernel/btf/vmlinux,
# as bpftool dumps it) holds STRING, e.g. "FUNC 'bpf_task_acquire' " or
# "'BPF_STRUCT_OPS' val=".
kernel_btf_has() {
	if [ ! -s "$tmp/vmlinux.btf" ]; then
		"$BPFTOOL" btf dump file /sys/kernel/btf/vmlinux >"$tmp/vmlinux.btf" 2>/dev/null
	fi
	grep -qF -- "$1" "$tmp/vmlinux.btf"
}

# kernel_refusal OBJ ERRFILE ERRTEXT: whether our failed load of OBJ
# (messages in ERRFILE, the failing errno's text ERRTEXT) is a documented
# refusal of this kernel that a probe confirms; `why` receives the reason
# either way.  Documented refusals:
#   - a program the kernel refuses with EPERM, EINVAL, EOPNOTSUPP or
#     ENOTSUPP (tracing/lsm where the kernel refuses them, a program or
#     attach type it lacks) when a minimal program of the same section
#     gets the same error, and for tracing/lsm/ext programs bpftool's
#     feature probe also finds the type unusable;
#   - ENOENT for a typed ksym the kernel cannot find ("failed to find the
#     address for kernel symbol S") when S is not in /proc/kallsyms
#     (no CONFIG_KALLSYMS_ALL);
#   - ESRCH from the loader for a kfunc the kernel's BTF does not have;
#   - EINVAL for a struct_ops map with BPF_F_LINK when the kernel's BTF
#     has no BPF_STRUCT_OPS attach type (struct_ops links: Linux 6.4),
#     or for a map type bpftool's feature probe finds missing.
kernel_refusal() {
	local obj=$1 err=$2 e=$3 line sec sym probe kind feat map mtype mflags
	why=
	line=$(grep -m1 -o "program '[^']*' (section '[^']*'): the kernel refused it: .*" "$err")
	if [ -n "$line" ]; then
		sec=$(sed "s/^program '[^']*' (section '\([^']*\)').*/\1/" <<<"$line")
		sym=$(sed -n "s/.*failed to find the address for kernel symbol '\([^']*\)'.*/\1/p" \
			<<<"$line")
		if [ -n "$sym" ]; then
			if [ "$e" != "No such file or directory" ]; then
				why="typed ksym '$sym' refused with '$e', not ENOENT"
				return 1
			fi
			if awk -v s="$sym" '$3 == s { f = 1 } END { exit !f }' /proc/kallsyms; then
				why="'$sym' is in /proc/kallsyms, yet the kernel did not find it"
				return 1
			fi
			why="typed ksym '$sym' is not in /proc/kallsyms (no CONFIG_KALLSYMS_ALL): $e"
			return 0
		fi
		case $e in
		"Operation not permitted" | "Invalid argument" | "Operation not supported" | \
			"Operation not supported by this kernel (ENOTSUPP)") ;;
		*)
			why="section '$sec': '$e' is not a kernel refusal of a program type"
			return 1
			;;
		esac
		probe=$(probe_section "$sec")
		if [ "$probe" != "$e" ]; then
			why="section '$sec': the object gets '$e', a minimal program gets '$probe'"
			return 1
		fi
		case $sec in
		fentry/* | fexit/* | fmod_ret/* | fentry.s/* | fexit.s/* | fmod_ret.s/*) kind=tracing ;;
		lsm/* | lsm.s/* | lsm_cgroup/*) kind=lsm ;;
		freplace/*) kind=ext ;;
		*) kind= ;;
		esac
		why="the kernel refuses a minimal '$sec' program too ($e)"
		if [ -n "$kind" ]; then
			feat=$(bpftool_feature "have_${kind}_prog_type")
			if [ "$feat" != false ]; then
				why="$why, but bpftool's feature probe says have_${kind}_prog_type: ${feat:-?}"
				return 1
			fi
			why="$why; bpftool feature probe: no usable $kind program type"
		fi
		return 0
	fi
	line=$(grep -m1 -o "map '[^']*' ([^)]*): the kernel refused to create it: .*" "$err")
	if [ -n "$line" ]; then
		map=$(sed "s/^map '\([^']*\)'.*/\1/" <<<"$line")
		read -r mtype mflags < <("$CTL" obj show "$obj" 2>/dev/null |
			awk -v m="$map" '$1 == "map" && $2 == m {
				for (i = 3; i < NF; i++) {
					if ($i == "type") t = $(i + 1)
					if ($i == "flags") f = $(i + 1)
				}
				print t, f }')
		if [ -z "$mtype" ]; then
			why="map '$map': not found by 'ebpfctl obj show'"
			return 1
		fi
		if [ "$e" != "Invalid argument" ]; then
			why="map '$map': '$e' is not a kernel refusal of a map feature"
			return 1
		fi
		if [ "$mtype" = struct_ops ] && (( ${mflags:-0} & 0x2000 )); then
			if kernel_btf_has "'BPF_STRUCT_OPS' val="; then
				why="map '$map': the kernel has struct_ops links (BPF_STRUCT_OPS in its BTF), yet refused BPF_F_LINK"
				return 1
			fi
			why="map '$map': no struct_ops links (BPF_F_LINK; no BPF_STRUCT_OPS attach type in the kernel's BTF): $e"
			return 0
		fi
		feat=$(bpftool_feature "have_${mtype}_map_type")
		if [ "$feat" = false ]; then
			why="map '$map': bpftool's feature probe finds no $mtype maps: $e"
			return 0
		fi
		why="map '$map' ($mtype, flags ${mflags:-?}): refused with '$e', but the kernel has $mtype maps"
		return 1
	fi
	sym=$(sed -n "s/.*extern '\([^']*\)': no kfunc of that name in the kernel's BTF.*/\1/p" \
		"$err" | head -1)
	if [ -n "$sym" ] && [ "$e" = "No such process" ]; then
		if kernel_btf_has "FUNC '$sym' "; then
			why="kfunc '$sym' is in the kernel's BTF, yet the loader did not find it"
			return 1
		fi
		why="the kernel has no kfunc '$sym' (not in its BTF): $e"
		return 0
	fi
	why="'$e' is no documented kernel refusal: $(grep -v '^ebpfctl: verifier log' "$err" | head -1)"
	return 1
}

# judge VARIANT NAME OBJ RC ERRFILE PROGSFILE BT: the verdicts for one
# object through one variant (PROGSFILE: what the variant loaded; BT:
# bpftool's status).  A refusal is read from the variant's own message:
# ebpfctl's "load failed: STRERROR", cp's "cp: ...: STRERROR" for the
# close that loads (with the loader's message from progs/.last_error).
ours_only=""
neither=""
judge() {
	local v=$1 name=$2 obj=$3 rc=$4 err=$5 progs=$6 bt=$7 missing e
	local want_err=${REFUSED[$name]:-}
	if [ "$v" = cp ]; then
		e=$(sed -n 's/^cp: .*: \([^:]*\)$/\1/p' "$err" | head -1)
	else
		e=$(sed -n 's/.*: load failed: \([^:]*\)$/\1/p' "$err" | head -1)
	fi
	# cp's strerror() does not know the kernel-internal ENOTSUPP
	[ "$e" = "Unknown error 524" ] && e="Operation not supported by this kernel (ENOTSUPP)"
	if [ "$rc" -ne 0 ] && [ -s "$progs" ]; then
		not_ok "$v $name: the failed load left programs behind"
		sed 's/^/#   | /' "$progs" | head -10
		return
	fi
	if [ -n "$want_err" ]; then
		if [ "$rc" -ne 0 ] && [ "$e" = "$want_err" ]; then
			ok "$v $name: refused with '$want_err' (as expected; libbpf: $([ "$bt" -eq 0 ] && echo loads || echo refused))"
		else
			not_ok "$v $name: expected the load to fail with '$want_err' and leave nothing"
			sed 's/^/#   | /' "$err" | head -10
		fi
	elif [ "$rc" -eq 0 ]; then
		if [ "$bt" -eq 0 ]; then
			missing=$(comm -23 "$tmp/bt.progs" "$progs")
			if [ -s "$tmp/bt.progs" ] && [ -z "$missing" ]; then
				ok "$v $name: loads like libbpf ($(wc -l <"$tmp/bt.progs") programs, same names, types and tags)"
			else
				not_ok "$v $name: programs differ from libbpf's (name type tag)"
				diff "$tmp/bt.progs" "$progs" | sed 's/^/#   /'
			fi
		elif in_list "$name" "$EXTRA"; then
			if [ -s "$progs" ]; then
				ok "$v $name: loads with $v, libbpf 1.1 refuses it ($(wc -l <"$progs") programs)"
			else
				not_ok "$v $name: loaded, but no program of it is in the kernel"
			fi
		else
			ours_only="$ours_only $v:$name"
			ok "$v $name: loads with $v only"
		fi
	elif [ "$bt" -eq 0 ]; then
		not_ok "$v $name: bpftool loads it, $v does not"
		sed 's/^/#   | /' "$err" | head -10
	elif kernel_refusal "$obj" "$err" "$e"; then
		neither="$neither $v:$name"
		ok "$v $name: refused by this kernel, as documented (libbpf refuses it too)"
		echo "SKIP loader_corpus $v $name: $why"
	else
		not_ok "$v $name: neither loads, and $v's failure is no documented kernel refusal: $why"
		sed 's/^/#   | /' "$err" | head -10
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

	bt=0
	"$BPFTOOL" prog loadall "$o" "$bdir" >"$tmp/bt.err" 2>&1 || bt=1
	drop_libbpf_pins
	pinned_progs "$bdir" >"$tmp/bt.progs"

	# --- ebpfctl: the core in a fresh process -----------------------------
	eb=0
	"$CTL" obj load "$o" --pin "$edir" >"$tmp/eb.out" 2>"$tmp/eb.err" || eb=1
	pinned_progs "$edir/progs" >"$tmp/eb.progs"
	judge ebpfctl "$name" "$o" "$eb" "$tmp/eb.err" "$tmp/eb.progs" "$bt"
	rm -rf "$edir"

	# --- cp into the mount: the daemon --------------------------------------
	if [ "$MOUNT" = 1 ]; then
		fsrc=0
		guard 60 cp "$o" "$MNT/progs/" 2>"$tmp/cp.err" || fsrc=1
		mount_progs "$base" >"$tmp/cp.progs"
		if [ "$fsrc" -ne 0 ]; then	# why, for the messages
			sed 's/^/.last_error: /' "$MNT/progs/.last_error" >>"$tmp/cp.err" 2>/dev/null
		fi
		judge cp "$name" "$o" "$fsrc" "$tmp/cp.err" "$tmp/cp.progs" "$bt"
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

for name in $EXTRA $KERNEL_DEPENDENT "${!REFUSED[@]}"; do
	[ -e "$BPF/$name.bpf.o" ] || not_ok "$name.bpf.o is missing from the corpus"
done
echo "# loaded by ours only:${ours_only:- none}"
echo "# loaded by neither (refused by this kernel):${neither:- none}"
if [ "$MOUNT" = 1 ]; then
	finish	# stops the daemon, checks its log for sanitizer reports
fi
echo "loader_corpus: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
