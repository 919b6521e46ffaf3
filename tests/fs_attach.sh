# tests/fs_attach.sh - progs/PROG/attach, attach_error and links/ with
# real attachments: XDP and tc on a veth pair between two network
# namespaces this test creates, tracepoint and raw tracepoint counting
# getppid() calls of a helper process, cgroup_skb on a cgroup v2 directory
# it creates, uprobe/uretprobe on tests/uprobe_target, sk_lookup through a
# netns, perf_event, a task iterator read with cat, the links surviving a
# SIGKILL of the daemon, replacing an object in place under continuous
# traffic, rm of an object, and the hooks a kernel may refuse (kprobe,
# fentry).  Every count is exact; bpftool and ip are the witnesses.
#
# What differs between kernels is probed first: tcx links (the kernel's
# BTF knows BPF_TCX_INGRESS, Linux 6.6; without them tc uses the clsact
# fallback), the kprobe PMU, fentry (bpftool's feature probe).  What a
# kernel lacks is checked as refused and its positive case is a visible
# "SKIP fs_attach ...".  The cgroup v2 root is the first cgroup2 mount, or
# a private cgroup2 mounted for the test.
#
# The daemon runs inside the first namespace (nsenter --net), so interface
# names resolve there and the host's interfaces are never touched.
# Cleanup (also on failure): the daemon, its pins (which ends every link),
# the namespaces (and with them the veths), the cgroup (and a private
# cgroup2 mount).

T=fs_attach
. "$(dirname "$0")/fs_lib.sh"

for tool in ip nsenter bpftool python3; do
	command -v $tool >/dev/null || skip_all "no $tool"
done

NSA=ebfsatt-a-$$
NSB=ebfsatt-b-$$
ADDR_A=10.199.78.1
ADDR_B=10.199.78.2
# the cgroup v2 hierarchy: the first cgroup2 mount, else a private one
CGROOT=
if command -v findmnt >/dev/null; then
	CGROOT=$(findmnt -rn -t cgroup2 -o TARGET | head -1)
else
	CGROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
fi
CGPRIV=
if [ -z "$CGROOT" ]; then
	CGPRIV=$(mktemp -d /tmp/ebfsatt-cg2.XXXXXX)
	if mount -t cgroup2 cgroup2 "$CGPRIV" 2>/dev/null; then
		CGROOT=$CGPRIV
	else
		rmdir "$CGPRIV"
		CGPRIV=
	fi
fi
CG=${CGROOT:+$CGROOT/ebfsatt-$$}
SPID=
P=$MNT/progs
M=$MNT/maps

att_cleanup() {
	local rc=$?
	if [ -n "$SPID" ]; then
		touch "$WORK/stop"
		kill "$SPID" 2>/dev/null
		wait "$SPID" 2>/dev/null
	fi
	if mountpoint -q "$MNT" 2>/dev/null; then
		fusermount3 -u "$MNT" 2>/dev/null || { fuse_abort; fusermount3 -u -z "$MNT" 2>/dev/null; }
	fi
	if [ -n "$DPID" ]; then
		kill "$DPID" 2>/dev/null
		sleep 0.2
		kill -9 "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
		DPID=
	fi
	[ -n "${UTPID:-}" ] && kill "$UTPID" 2>/dev/null
	# without their pins and the daemon's fds, every link ends
	rm -rf "$PIN"
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	[ -n "$CG" ] && [ -d "$CG" ] && rmdir "$CG" 2>/dev/null
	if [ -n "$CGPRIV" ]; then
		umount -l "$CGPRIV" 2>/dev/null
		rmdir "$CGPRIV" 2>/dev/null
	fi
	(exit $rc)
	fs_cleanup
}
trap att_cleanup EXIT

# --- fixtures ------------------------------------------------------------------

ip netns add "$NSA" && ip netns add "$NSB" &&
	ip link add eba0 netns "$NSA" type veth peer name ebb0 netns "$NSB" &&
	ip -n "$NSA" addr add $ADDR_A/24 dev eba0 && ip -n "$NSA" link set eba0 up &&
	ip -n "$NSA" link set lo up &&
	ip -n "$NSB" addr add $ADDR_B/24 dev ebb0 && ip -n "$NSB" link set ebb0 up &&
	ip -n "$NSB" link set lo up ||
	skip_all "cannot create network namespaces and a veth pair"

# send_udp NS DST PORT COUNT: COUNT datagrams from namespace NS (- : ours)
send_udp() {
	local ns=$1
	shift
	if [ "$ns" = - ]; then
		bash -c 'for ((i = 0; i < $3; i++)); do printf x >/dev/udp/$1/$2 || exit 1; done' _ "$@"
	else
		ip netns exec "$ns" bash -c \
			'for ((i = 0; i < $3; i++)); do printf x >/dev/udp/$1/$2 || exit 1; done' _ "$@"
	fi
}

# resolve the neighbours both ways (port 9: counted by nobody)
send_udp "$NSB" $ADDR_A 9 1
send_udp "$NSA" $ADDR_B 9 1
sleep 0.2

# The daemon, in namespace A.
start_ns_daemon() {
	nsenter --net="/run/netns/$NSA" "$EBPFS" "$MNT" -f -o "pin_dir=$PIN" "$@" 2>>"$LOG" &
	DPID=$!
	wait_mounted
}

# getppid_calls CFGFILE N: a python3 process writes its pid into the map
# entry CFGFILE, then calls getppid() N times.
getppid_calls() {
	python3 -c '
import os, sys
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % os.getpid())
for _ in range(int(sys.argv[2])):
    os.getppid()
' "$1" "$2"
}

# the link names of a program, one per line
links_of() {
	ls "$P/$1/links" 2>/dev/null
}

# link_field ID FIELD: what bpftool says about a link ("" if none)
link_field() {
	bpftool -j link show id "$1" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], ""))' "$2" 2>/dev/null
}

# rep_tp_links: the kernel's links (bpftool) running a program named rep_tp
rep_tp_links() {
	python3 -c 'import json, subprocess
j = lambda *a: json.loads(subprocess.run(["bpftool", "-j"] + list(a), capture_output=True).stdout or "[]")
ids = {p["id"] for p in j("prog", "show") if p.get("name") == "rep_tp"}
print(" ".join(str(l["id"]) for l in j("link", "show") if l.get("prog_id") in ids))'
}
rep_tp_links_are() {
	[ "$(rep_tp_links)" = "$1" ]
}

link_gone() {
	! bpftool link show id "$1" >/dev/null 2>&1
}

# expect_msg DESC FILE TEXT: FILE holds TEXT somewhere
expect_msg() {
	if grep -Fq -- "$3" "$2"; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   '$3' not in $2:"
		sed 's/^/#   | /' "$2" | head -20
	fi
}

# wait_ge FILE N: wait up to 10 s until the number in FILE is >= N
wait_ge() {
	local i
	for i in $(seq 1 200); do
		[ "$(cat "$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

start_ns_daemon || { not_ok "daemon mounts in $NSA"; finish; }

check "cp att_net.bpf.o" cp "$BPF/att_net.bpf.o" "$P/"
check "cp att_trace.bpf.o" cp "$BPF/att_trace.bpf.o" "$P/"
check "cp att_misc.bpf.o" cp "$BPF/att_misc.bpf.o" "$P/"
check "progs/xdp_a/attach exists" test -f "$P/xdp_a/attach"
check "progs/xdp_a/links/ is a directory" test -d "$P/xdp_a/links"
expect_eq "no links yet" "$(cat "$P/xdp_a/attach")" ""
expect_eq "links/ empty" "$(links_of xdp_a)" ""

# --- lines that do not parse, targets that do not exist, wrong hooks --------------
expect_err "a hook without its interface" EINVAL bash -c "echo xdp > '$P/xdp_a/attach'"
expect_line "attach_error: the line" "$P/xdp_a/attach_error" "line: xdp"
expect_line "attach_error: the errno" "$P/xdp_a/attach_error" "errno: 22 (Invalid argument)"
expect_line "attach_error: what is wrong" "$P/xdp_a/attach_error" \
	"message: attach: 'xdp' needs an interface name"
expect_err "an unknown hook" EINVAL bash -c "echo 'teleport eba0' > '$P/xdp_a/attach'"
expect_msg "attach_error names the unknown word" "$P/xdp_a/attach_error" \
	"message: attach: unknown attach point 'teleport'"
expect_err "an interface that does not exist" ENOENT bash -c "echo 'xdp nosuch0' > '$P/xdp_a/attach'"
expect_line "attach_error names the interface" "$P/xdp_a/attach_error" \
	"message: attach: no such interface 'nosuch0'"
expect_err "a hook that does not fit the program" EINVAL \
	bash -c "echo 'tc eba0 ingress' > '$P/xdp_a/attach'"
expect_line "attach_error says it does not fit" "$P/xdp_a/attach_error" \
	"message: attach: 'tc' does not fit a xdp program"
expect_err "auto without the interface xdp needs" EINVAL bash -c "echo auto > '$P/xdp_a/attach'"
expect_err "a tracepoint that does not exist" ENOENT \
	bash -c "echo 'tracepoint nosuch/event' > '$P/tp_getppid/attach'"
expect_msg "attach_error of tp_getppid names it" "$P/tp_getppid/attach_error" "nosuch"
expect_err "a line without a newline fails at close (dd)" ENOENT \
	bash -c "printf 'xdp nosuch1' | dd of='$P/xdp_a/attach' status=none"
expect_line "attach_error of the close" "$P/xdp_a/attach_error" "line: xdp nosuch1"
# one write() is all or nothing: a refused line undoes the lines before it
expect_err "one write() of a good line and a bad one" ENOENT python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
try:
    os.write(fd, b"tracepoint syscalls/sys_enter_getppid\ntracepoint nosuch/event\n")
except OSError as e:
    sys.exit(os.strerror(e.errno))' "$P/tp_getppid/attach"
expect_eq "nothing attached by the refusals" "$(cat "$P/xdp_a/attach" "$P/tp_getppid/attach")" ""
expect_eq "bpftool: no link of tp_getppid" \
	"$(bpftool -j link show | python3 -c 'import json,sys; print(sum(1 for l in json.load(sys.stdin) if l.get("prog_id") == int(sys.argv[1])))' "$(our_prog_id tp_getppid)")" "0"
expect_line "the log says the good line was undone" "$LOG" \
	"ebpfs: fs: progs/tp_getppid/attach: a line of the same write was refused: 1 link it made undone"
check "daemon alive after refusals" daemon_alive

# --- XDP ----------------------------------------------------------------------------
xdp_pid=$(our_prog_id xdp_a)
check "echo 'xdp eba0' > attach" bash -c "echo 'xdp eba0' > '$P/xdp_a/attach'"
xl=$(links_of xdp_a)
expect_eq "one link in links/" "$(links_of xdp_a | wc -l)" "1"
expect_eq "attach lists it" "$(cat "$P/xdp_a/attach")" "$xl xdp eba0"
expect_eq "bpftool: an xdp link" "$(link_field "$xl" type)" "xdp"
expect_eq "bpftool: of xdp_a" "$(link_field "$xl" prog_id)" "$xdp_pid"
ifidx=$(ip -n "$NSA" -o link show eba0 | cut -d: -f1)
lf=$WORK/link
cat "$P/xdp_a/links/$xl" >"$lf"
expect_line "link file: id" "$lf" "id: $xl"
expect_line "link file: type" "$lf" "type: xdp"
expect_line "link file: prog_id" "$lf" "prog_id: $xdp_pid"
expect_line "link file: target" "$lf" "target: ifindex $ifidx (eba0)"
expect_line "link file: line" "$lf" "line: xdp eba0"
expect_line "link file: program" "$lf" "program: xdp_a"
expect_line "link file: object" "$lf" "object: att_net.bpf.o"
check "ip: eba0 runs an xdp program" sh -c "ip -n '$NSA' -d link show eba0 | grep -q 'prog/xdp id $xdp_pid'"
expect_err "links/ takes no new files" EPERM touch "$P/xdp_a/links/new"
expect_err "a link file is read-only" EACCES bash -c "echo 1 > '$P/xdp_a/links/$xl'"
expect_err "the same hook twice" EBUSY bash -c "echo 'xdp eba0' > '$P/xdp_b/attach'"
expect_err "xdp_a on eba0 again, in another mode" EBUSY \
	bash -c "echo 'xdp eba0 skb' > '$P/xdp_a/attach'"
expect_line "attach_error names the link already there" "$P/xdp_a/attach_error" \
	"message: attach: 'xdp eba0 skb': already attached there: link $xl"
send_udp "$NSB" $ADDR_A 31337 5
expect_eq "xdp counted 5 datagrams" "$(cat "$M/net_counts/0")" "5"
check "rm links/ID" rm "$P/xdp_a/links/$xl"
check "bpftool: the link is gone" eventually link_gone "$xl"
check "ip: no xdp program on eba0" sh -c "! ip -n '$NSA' -d link show eba0 | grep -q prog/xdp"
expect_eq "links/ empty again" "$(links_of xdp_a)" ""
expect_eq "attach lists nothing" "$(cat "$P/xdp_a/attach")" ""
send_udp "$NSB" $ADDR_A 31337 5
expect_eq "the count stops at 5" "$(cat "$M/net_counts/0")" "5"
expect_err "rm of a link that is gone" ENOENT rm "$P/xdp_a/links/$xl"

# --- tc ingress and egress on the same veth ---------------------------------------------
# tcx links (Linux 6.6): the kernel's own BTF knows the attach type
if [ "$(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null |
	grep -c "'BPF_TCX_INGRESS' val=")" -gt 0 ]; then
	TCX=1
else
	TCX=0
fi
check "echo 'auto eba0' > tc_in/attach" bash -c "echo 'auto eba0' > '$P/tc_in/attach'"
til=$(links_of tc_in)
expect_eq "tc_in: the canonical line" "$(cat "$P/tc_in/attach")" "$til tc eba0 ingress"
expect_err "tc_in on eba0 ingress again (tcx named)" EBUSY \
	bash -c "echo 'tc eba0 ingress tcx' > '$P/tc_in/attach'"
expect_line "attach_error: tc_in is already there" "$P/tc_in/attach_error" \
	"message: attach: 'tc eba0 ingress tcx': already attached there: link $til"
expect_eq "tc_in: still one link" "$(links_of tc_in | wc -l)" "1"
if [ "$TCX" = 1 ]; then
	check "echo 'tc eba0 egress' > tc_out/attach" bash -c "echo 'tc eba0 egress' > '$P/tc_out/attach'"
	tol=$(links_of tc_out)
	expect_eq "tc_out: the canonical line" "$(cat "$P/tc_out/attach")" "$tol tc eba0 egress"
	expect_line "tc_in: a tcx link" <(cat "$P/tc_in/links/$til") "type: tcx"
	expect_eq "bpftool: tc_in's link is of tc_in" "$(link_field "$til" prog_id)" "$(our_prog_id tc_in)"
	expect_eq "bpftool: tc_out's link is of tc_out" "$(link_field "$tol" prog_id)" "$(our_prog_id tc_out)"
	send_udp "$NSB" $ADDR_A 31337 4
	send_udp "$NSA" $ADDR_B 31337 3
	expect_eq "tc ingress counted 4" "$(cat "$M/net_counts/2")" "4"
	expect_eq "tc egress counted 3" "$(cat "$M/net_counts/3")" "3"
	check "rm the tcx egress link" rm "$P/tc_out/links/$tol"
	check "bpftool: it is gone" eventually link_gone "$tol"
else
	# no tcx: tc_in fell back to a clsact qdisc; "tcx" insists and is refused
	expect_line "tc_in: the clsact fallback" <(cat "$P/tc_in/links/$til") "type: tc_netlink"
	check "tc: tc_in's filter is there" sh -c "tc -n '$NSA' filter show dev eba0 ingress | grep -q tc_in"
	expect_err "tc ... tcx without tcx links" EINVAL \
		bash -c "echo 'tc eba0 egress tcx' > '$P/tc_out/attach'"
	expect_line "attach_error: the kernel's refusal" "$P/tc_out/attach_error" \
		"message: attach: kernel refused 'tc eba0 egress tcx': Invalid argument"
	send_udp "$NSB" $ADDR_A 31337 4
	expect_eq "tc ingress counted 4" "$(cat "$M/net_counts/2")" "4"
	echo "SKIP $T tcx: this kernel has no tcx links (no BPF_TCX_INGRESS in its BTF); tc_in uses the clsact fallback"
fi

# --- tc through netlink (clsact + cls_bpf: no kernel link) ---------------------------------
check "echo 'tc eba0 egress netlink' > tc_nl/attach" \
	bash -c "echo 'tc eba0 egress netlink' > '$P/tc_nl/attach'"
nll=$(links_of tc_nl)
check "a netlink filter is named tc-IFINDEX-egress-HANDLE" \
	sh -c "echo '$nll' | grep -Eq '^tc-$ifidx-egress-[0-9]+$'"
expect_line "its link file: type" <(cat "$P/tc_nl/links/$nll") "type: tc_netlink"
check "tc: the filter is there" sh -c "tc -n '$NSA' filter show dev eba0 egress | grep -q 'tc_nl'"
send_udp "$NSA" $ADDR_B 31337 3
expect_eq "the netlink filter counted 3" "$(cat "$M/net_counts/4")" "3"

# --- tracepoint and raw tracepoint ------------------------------------------------------
check "echo auto > tp_getppid/attach" bash -c "echo auto > '$P/tp_getppid/attach'"
check "echo 'raw_tracepoint sys_enter' > raw_getppid/attach" \
	bash -c "echo 'raw_tracepoint sys_enter' > '$P/raw_getppid/attach'"
tpl=$(links_of tp_getppid)
rawl=$(links_of raw_getppid)
expect_eq "tp: the canonical line" "$(cat "$P/tp_getppid/attach")" \
	"$tpl tracepoint syscalls/sys_enter_getppid"
expect_eq "raw: the canonical line" "$(cat "$P/raw_getppid/attach")" "$rawl raw_tracepoint sys_enter"
expect_eq "bpftool: a perf_event link" "$(link_field "$tpl" type)" "perf_event"
expect_eq "bpftool: a raw_tracepoint link" "$(link_field "$rawl" type)" "raw_tracepoint"
# the same program on the same tracepoint again: refused before the kernel
expect_err "tracepoint: the same hook twice (explicit)" EBUSY \
	bash -c "echo 'tracepoint syscalls/sys_enter_getppid' > '$P/tp_getppid/attach'"
expect_line "tracepoint: attach_error names the link" "$P/tp_getppid/attach_error" \
	"message: attach: 'tracepoint syscalls/sys_enter_getppid': already attached there: link $tpl"
expect_line "tracepoint: attach_error errno" "$P/tp_getppid/attach_error" \
	"errno: 16 (Device or resource busy)"
expect_err "tracepoint: auto twice" EBUSY bash -c "echo auto > '$P/tp_getppid/attach'"
expect_eq "tracepoint: still one link" "$(cat "$P/tp_getppid/attach")" \
	"$tpl tracepoint syscalls/sys_enter_getppid"
# another program on the same tracepoint is no duplicate
check "tp_getppid2 on the same tracepoint" bash -c "echo auto > '$P/tp_getppid2/attach'"
tp2l=$(links_of tp_getppid2)
getppid_calls "$M/att_cfg/0" 7
expect_eq "tracepoint counted 7 getppid() calls" "$(cat "$M/trace_counts/0")" "7"
expect_eq "raw tracepoint counted 7" "$(cat "$M/trace_counts/1")" "7"
expect_eq "the second program on the tracepoint counted 7" "$(cat "$M/trace_counts/5")" "7"
check "rm tp_getppid2's link" rm "$P/tp_getppid2/links/$tp2l"
# the same program on another tracepoint is no duplicate either
check "tp_getppid on a second tracepoint" \
	bash -c "echo 'tracepoint syscalls/sys_enter_getpid' > '$P/tp_getppid/attach'"
expect_eq "tp_getppid: two links" "$(links_of tp_getppid | wc -l)" "2"
tpl2=$(links_of tp_getppid | grep -vx "$tpl")
expect_line "tp_getppid lists the second" "$P/tp_getppid/attach" \
	"$tpl2 tracepoint syscalls/sys_enter_getpid"
check "rm the second tracepoint link" rm "$P/tp_getppid/links/$tpl2"

# --- the links survive a SIGKILL of the daemon ---------------------------------------------
for prog in tc_in tc_nl tp_getppid raw_getppid; do
	cat "$P/$prog/attach" >"$WORK/before.$prog"
done
kill_daemon
check "pins of the links" test -e "$PIN/objs/att_trace%2ebpf%2eo/%links/tp_getppid/$tpl"
check "the links stay without the daemon" sh -c "bpftool link show id $tpl >/dev/null"
if [ "$TCX" = 1 ]; then
	check "the tcx link stays without the daemon" sh -c "bpftool link show id $til >/dev/null"
else
	check "the clsact filter stays without the daemon" \
		sh -c "tc -n '$NSA' filter show dev eba0 ingress | grep -q tc_in"
fi
start_ns_daemon || not_ok "daemon restarts"
for prog in tc_in tc_nl tp_getppid raw_getppid; do
	expect_eq "after restart: $prog lists the same link" "$(cat "$P/$prog/attach")" \
		"$(cat "$WORK/before.$prog")"
done
check "after restart: links/ID of tp_getppid" test -f "$P/tp_getppid/links/$tpl"
getppid_calls "$M/att_cfg/0" 5
expect_eq "after restart: the tracepoint still counts" "$(cat "$M/trace_counts/0")" "12"
expect_eq "after restart: the raw tracepoint still counts" "$(cat "$M/trace_counts/1")" "12"
send_udp "$NSB" $ADDR_A 31337 2
expect_eq "after restart: tc ingress still counts" "$(cat "$M/net_counts/2")" "6"
send_udp "$NSA" $ADDR_B 31337 2
expect_eq "after restart: the netlink filter still counts" "$(cat "$M/net_counts/4")" "5"
check "after restart: rm the netlink filter" rm "$P/tc_nl/links/$nll"
check "tc: the filter is gone" sh -c "! tc -n '$NSA' filter show dev eba0 egress | grep -q ."
if [ "$TCX" = 1 ]; then
	check "tc: the clsact qdisc we made is gone" sh -c "! tc -n '$NSA' qdisc show dev eba0 | grep -q clsact"
else	# tc_in's fallback made it and still uses it
	check "tc: the clsact qdisc stays for tc_in" sh -c "tc -n '$NSA' qdisc show dev eba0 | grep -q clsact"
fi
check "its pin record is gone" test ! -e "$PIN/objs/att_net%2ebpf%2eo/%links/tc_nl/$nll"
check "after restart: rm the tracepoint link" rm "$P/tp_getppid/links/$tpl"
check "bpftool: the tracepoint link is gone" eventually link_gone "$tpl"
getppid_calls "$M/att_cfg/0" 3
expect_eq "the tracepoint stopped counting" "$(cat "$M/trace_counts/0")" "12"
expect_eq "the raw tracepoint goes on" "$(cat "$M/trace_counts/1")" "15"

# --- cgroup_skb -------------------------------------------------------------------------------
if [ -n "$CG" ] && mkdir "$CG" 2>/dev/null; then
	check "echo 'auto CGROUP' > cg_egress/attach" bash -c "echo 'auto $CG' > '$P/cg_egress/attach'"
	cgl=$(links_of cg_egress)
	expect_eq "cgroup: the canonical line" "$(cat "$P/cg_egress/attach")" \
		"$cgl cgroup $CG cgroup_inet_egress"
	expect_line "cgroup: link file attach_type" <(cat "$P/cg_egress/links/$cgl") \
		"attach_type: cgroup_inet_egress"
	expect_eq "bpftool: a cgroup link" "$(link_field "$cgl" type)" "cgroup"
	# the same hook again, spelled out or by auto: refused, no second link
	expect_err "cgroup: the full line of the same hook" EBUSY \
		bash -c "echo 'cgroup $CG cgroup_inet_egress' > '$P/cg_egress/attach'"
	expect_line "cgroup: attach_error names the link" "$P/cg_egress/attach_error" \
		"message: attach: 'cgroup $CG cgroup_inet_egress': already attached there: link $cgl"
	expect_err "cgroup: auto CGROUP twice" EBUSY bash -c "echo 'auto $CG' > '$P/cg_egress/attach'"
	expect_eq "cgroup: still one link" "$(links_of cg_egress)" "$cgl"
	check "a process in the cgroup sends 6" bash -c \
		"echo \$BASHPID > '$CG/cgroup.procs' && for i in 1 2 3 4 5 6; do printf x >/dev/udp/127.0.0.1/31338; done"
	send_udp - 127.0.0.1 31338 3	# not from the cgroup
	expect_eq "cgroup_skb counted the 6 of the process" "$(cat "$M/misc_counts/0")" "6"
	check "rm the cgroup link" rm "$P/cg_egress/links/$cgl"
	check "bpftool: the cgroup link is gone" eventually link_gone "$cgl"
	check "rmdir the cgroup" eventually rmdir "$CG"
else
	echo "SKIP $T cgroup_skb: cannot create a cgroup v2 directory (cgroup2 root: ${CGROOT:-none found, and none could be mounted})"
fi

# --- uprobe / uretprobe; kprobe refused ----------------------------------------------------------
UT=${EB_UPROBE_TARGET:-}
if [ -x "$UT" ]; then
	check "echo 'uprobe BIN:SYM' > up_target/attach" \
		bash -c "echo 'uprobe $UT:eb_uprobe_target' > '$P/up_target/attach'"
	check "echo 'uretprobe BIN:SYM' > upret_target/attach" \
		bash -c "echo 'uretprobe $UT:eb_uprobe_target' > '$P/upret_target/attach'"
	upl=$(links_of up_target)
	expect_eq "uprobe: the canonical line" "$(cat "$P/up_target/attach")" \
		"$upl uprobe $UT:eb_uprobe_target"
	expect_err "uprobe: the same line twice" EBUSY \
		bash -c "echo 'uprobe $UT:eb_uprobe_target' > '$P/up_target/attach'"
	expect_line "uprobe: attach_error names the link" "$P/up_target/attach_error" \
		"message: attach: 'uprobe $UT:eb_uprobe_target': already attached there: link $upl"
	expect_eq "uprobe: still one link" "$(links_of up_target)" "$upl"
	check "the target calls its function 5 times" "$UT" 5
	expect_eq "uprobe counted 5 calls" "$(cat "$M/trace_counts/2")" "5"
	expect_eq "uretprobe counted 5 returns" "$(cat "$M/trace_counts/3")" "5"
	expect_eq "uretprobe summed the return values" "$(cat "$M/trace_counts/4")" "25"
	expect_err "uprobe on a symbol that does not exist" ENOENT \
		bash -c "echo 'uprobe $UT:no_such_symbol' > '$P/up_target/attach'"
	expect_msg "attach_error names the symbol" "$P/up_target/attach_error" "no_such_symbol"
	if [ "$(uname -m)" = x86_64 ]; then
		# the kernel checks the instruction when it places the probe in
		# a process that maps the binary
		"$UT" wait &
		UTPID=$!
		sleep 0.2
		expect_err "uprobe on an instruction the kernel cannot step over" EINVAL \
			bash -c "echo 'uprobe $UT:eb_uprobe_unsteppable' > '$P/up_target/attach'"
		expect_msg "attach_error says why" "$P/up_target/attach_error" \
			"the kernel cannot probe the instruction at offset 0x"
		kill "$UTPID"
		wait "$UTPID" 2>/dev/null
		UTPID=
		expect_eq "uprobe: still one link" "$(links_of up_target)" "$upl"
	fi
else
	echo "SKIP $T uprobe: no \$EB_UPROBE_TARGET"
fi
if [ -e /sys/bus/event_source/devices/kprobe ]; then
	check "kprobe: attach" bash -c "echo 'kprobe do_nanosleep' > '$P/up_target/attach'"
else
	expect_err "kprobe: this kernel refuses" EOPNOTSUPP \
		bash -c "echo 'kprobe do_nanosleep' > '$P/up_target/attach'"
	expect_line "kprobe: attach_error errno" "$P/up_target/attach_error" \
		"errno: 95 (Operation not supported)"
	expect_msg "kprobe: attach_error says why" "$P/up_target/attach_error" \
		"message: attach: kprobe: this kernel has no kprobe PMU"
	echo "SKIP $T kprobe positive case: this kernel has no kprobe PMU"
fi

# --- sk_lookup through netns ------------------------------------------------------------------------
# auto without a path would mean the daemon's own namespace, not the writer's
expect_err "echo auto > lookup/attach: which namespace? (EINVAL)" EINVAL \
	bash -c "echo auto > '$P/lookup/attach'"
check "... and says how to name it" \
	grep -q "name the network namespace: write 'auto PATH' or 'netns PATH'" "$P/lookup/attach_error"
expect_eq "no link made" "$(links_of lookup)" ""
check "echo 'netns /run/netns/B' > lookup/attach" \
	bash -c "echo 'netns /run/netns/$NSB' > '$P/lookup/attach'"
lkl=$(links_of lookup)
expect_eq "bpftool: a netns link" "$(link_field "$lkl" type)" "netns"
send_udp "$NSB" 127.0.0.1 31337 5
send_udp "$NSB" $ADDR_A 31337 2	# looked up in A: not counted
expect_eq "sk_lookup counted the 5 lookups in B" "$(cat "$M/net_counts/5")" "5"

# --- perf_event on every CPU --------------------------------------------------------------------------
check "echo 'perf_event cpu-clock 1000' > pe_count/attach" \
	bash -c "echo 'perf_event cpu-clock 1000' > '$P/pe_count/attach'"
pel=$(links_of pe_count)
expect_eq "perf_event: one entry for every CPU" "$(links_of pe_count | wc -l)" "1"
cat "$P/pe_count/links/$pel" >"$WORK/pe"
ncpu=$(nproc)
if [ "$ncpu" -gt 1 ]; then
	check "perf_event: cpu_links lists the other CPUs" \
		test "$(sed -n 's/^cpu_links: //p' "$WORK/pe" | wc -w)" = "$((ncpu - 1))"
fi
check "perf_event: samples counted" wait_ge "$M/misc_counts/1" 1
pe_ids="$pel $(sed -n 's/^cpu_links: //p' "$WORK/pe")"
check "rm the perf_event link" rm "$P/pe_count/links/$pel"
for id in $pe_ids; do
	check "bpftool: perf_event link $id is gone" eventually link_gone "$id"
done

# --- fentry: refused at load where the kernel refuses tracing programs ---------------------------------------
tracing=$(bpftool -j feature probe kernel 2>/dev/null | grep -o '"have_tracing_prog_type":[a-z]*' | cut -d: -f2)
if cp "$BPF/att_fentry.bpf.o" "$P/" 2>"$WORK/fentry.err"; then
	check "fentry: attach" bash -c "echo auto > '$P/fentry_sleep/attach'"
	check "rm att_fentry.bpf.o" rm "$P/att_fentry.bpf.o"
else
	# the errno cp shows is the one .last_error records, and bpftool's
	# feature probe agrees that this kernel takes no tracing program
	fe_err=$(sed -n 's/^cp: .*: \([^:]*\)$/\1/p' "$WORK/fentry.err" | head -1)
	check "fentry: cp fails with an errno" test -n "$fe_err"
	expect_msg "fentry: .last_error has cp's errno" "$P/.last_error" "($fe_err)"
	expect_msg "fentry: .last_error says the kernel refused it" "$P/.last_error" \
		"message: load: program 'fentry_sleep' (section 'fentry/do_nanosleep'): the kernel refused it: $fe_err"
	expect_eq "bpftool feature probe: no tracing programs here either" "$tracing" "false"
	echo "SKIP $T fentry positive case: this kernel refuses fentry programs ($fe_err)"
fi
expect_err "fentry line on a program of another type" EINVAL \
	bash -c "echo fentry > '$P/xdp_b/attach'"

# --- rm OBJ detaches every link first --------------------------------------------------------------------
check "rm att_trace.bpf.o" rm "$P/att_trace.bpf.o"
check "bpftool: its raw_tracepoint link is gone" eventually link_gone "$rawl"
[ -n "${upl:-}" ] && check "bpftool: its uprobe link is gone" eventually link_gone "$upl"
check "its pins are gone" test ! -e "$PIN/objs/att_trace%2ebpf%2eo"

# --- an iterator read through cat ----------------------------------------------------------------------------
if [ -f "$BPF/iter_task.bpf.o" ]; then
	check "cp iter_task.bpf.o" cp "$BPF/iter_task.bpf.o" "$P/"
	check "echo auto > iter_tasks/attach" bash -c "echo auto > '$P/iter_tasks/attach'"
	itl=$(links_of iter_tasks)
	expect_eq "iter: the canonical line" "$(cat "$P/iter_tasks/attach")" "$itl iter task"
	cat "$P/iter_tasks/links/$itl" >"$WORK/iter"
	expect_line "cat links/ID lists this shell" "$WORK/iter" "$$ bash"
	expect_line "cat links/ID lists the daemon" "$WORK/iter" "$DPID ebpfs"
	check "rm iter_task.bpf.o" rm "$P/iter_task.bpf.o"
	check "bpftool: the iterator link is gone" eventually link_gone "$itl"
else
	echo "SKIP $T iterator: no iter_task.bpf.o (no vmlinux.h)"
fi

# --- replace in place under continuous traffic -----------------------------------------------------------------
check "cp fs_att_replace.bpf.o (version 1)" cp "$BPF/fs_att_replace.bpf.o" "$P/"
check "attach rep_xdp" bash -c "echo 'xdp eba0' > '$P/rep_xdp/attach'"
check "attach rep_tp" bash -c "echo auto > '$P/rep_tp/attach'"
rxl=$(links_of rep_xdp)
rtl=$(links_of rep_tp)
v1=$(our_prog_id rep_xdp)
getppid_calls "$M/rep_cfg/0" 4
expect_eq "version 1 counts getppid()" "$(cat "$M/rep_counts/3")" "4"
rm -f "$WORK/stop" "$WORK/sent"
ip netns exec "$NSB" bash -c 'n=0
	while [ ! -e "$1" ]; do printf x >/dev/udp/$2/31337 && n=$((n + 1)); done
	echo $n >"$3"' _ "$WORK/stop" $ADDR_A "$WORK/sent" &
SPID=$!
check "traffic through version 1" wait_ge "$M/rep_counts/0" 200
check "cp version 2 over it" cp "$BPF/fs_att_replace2.bpf.o" "$P/fs_att_replace.bpf.o"
check "traffic through version 2" wait_ge "$M/rep_counts/1" 200
touch "$WORK/stop"
wait "$SPID"
SPID=
sleep 0.1
sent=$(cat "$WORK/sent" 2>/dev/null)
c0=$(cat "$M/rep_counts/0")
c1=$(cat "$M/rep_counts/1")
c2=$(cat "$M/rep_counts/2")
echo "# sent $sent: version 1 counted $c0, version 2 $c1"
expect_eq "no datagram missed: total = sent" "$c2" "$sent"
expect_eq "no datagram missed: v1 + v2 = sent" "$((c0 + c1))" "$sent"
v2=$(our_prog_id rep_xdp)
check "a new program" test -n "$v2" -a "$v2" != "$v1"
expect_eq "the same xdp link (updated in place)" "$(links_of rep_xdp)" "$rxl"
expect_eq "bpftool: the xdp link runs version 2" "$(link_field "$rxl" prog_id)" "$v2"
check "the old program is unloaded" eventually sh -c "! bpftool prog show id $v1"
rtl2=$(links_of rep_tp)
expect_eq "rep_tp: one link" "$(links_of rep_tp | wc -l)" "1"
expect_eq "rep_tp: its line is kept" "$(cat "$P/rep_tp/attach")" \
	"$rtl2 tracepoint syscalls/sys_enter_getppid"
if [ "$rtl2" != "$rtl" ]; then
	check "rep_tp: the old perf link is gone" eventually link_gone "$rtl"
	check "rep_tp: the old pin is gone" test ! -e "$PIN/objs/fs_att_replace%2ebpf%2eo/%links/rep_tp/$rtl"
fi
check "rep_tp: pinned" test -e "$PIN/objs/fs_att_replace%2ebpf%2eo/%links/rep_tp/$rtl2"
expect_eq "rep_tp: runs version 2" "$(link_field "$rtl2" prog_id)" "$(our_prog_id rep_tp)"
getppid_calls "$M/rep_cfg/0" 4
expect_eq "version 2 counts getppid() once per call" "$(cat "$M/rep_counts/3")" "8"
# rep_xdp attached again, after rep_tp: the refused replacement swaps
# rep_tp's link first (a perf link, attached again with the new
# program), then fails on rep_xdp and must give rep_tp its old link back
check "rm rep_xdp's link" rm "$P/rep_xdp/links/$rxl"
check "attach rep_xdp again" bash -c "echo 'xdp eba0' > '$P/rep_xdp/attach'"
rxl=$(links_of rep_xdp)
expect_err "a replacement whose program cannot take the link" EINVAL \
	cp "$BPF/fs_att_replace_bad.bpf.o" "$P/fs_att_replace.bpf.o"
expect_msg ".last_error says which link" "$P/.last_error" \
	"message: cannot keep link $rxl of program 'rep_xdp' (xdp eba0)"
expect_eq "the old version stays" "$(our_prog_id rep_xdp)" "$v2"
expect_eq "bpftool: the xdp link still runs it" "$(link_field "$rxl" prog_id)" "$v2"
expect_eq "rep_tp keeps its link" "$(links_of rep_tp)" "$rtl2"
expect_eq "bpftool: rep_tp's link runs the old version" "$(link_field "$rtl2" prog_id)" \
	"$(our_prog_id rep_tp)"
check "bpftool: one link runs a rep_tp, the old one" eventually rep_tp_links_are "$rtl2"
check "rep_tp: still pinned" test -e "$PIN/objs/fs_att_replace%2ebpf%2eo/%links/rep_tp/$rtl2"
getppid_calls "$M/rep_cfg/0" 4
expect_eq "the old rep_tp still counts getppid() once per call" "$(cat "$M/rep_counts/3")" "12"
check "rm fs_att_replace.bpf.o" rm "$P/fs_att_replace.bpf.o"
check "bpftool: its xdp link is gone" eventually link_gone "$rxl"
check "bpftool: its tracepoint link is gone" eventually link_gone "$rtl2"

# --- rm att_net.bpf.o with links on tc and sk_lookup ------------------------------------------------------------
check "rm att_net.bpf.o" rm "$P/att_net.bpf.o"
for id in $([ "$TCX" = 1 ] && echo "$til") $lkl; do
	check "bpftool: link $id is gone" eventually link_gone "$id"
done
if [ "$TCX" = 0 ]; then
	check "tc: tc_in's filter and its clsact are gone" \
		sh -c "! tc -n '$NSA' qdisc show dev eba0 | grep -q clsact"
fi
check "its pins are gone" test ! -e "$PIN/objs/att_net%2ebpf%2eo"
check "rm att_misc.bpf.o" rm "$P/att_misc.bpf.o"
check "daemon still answers" daemon_alive

finish
