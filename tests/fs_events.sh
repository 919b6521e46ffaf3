#!/usr/bin/env bash
# tests/fs_events.sh - maps/NAME/events, events_pipe and .format of perf
# event array, ring buffer and user ring buffer maps.  A tracepoint
# program (tests/bpf/fs_events.c, attached through progs/NAME/attach)
# sends one sample per getppid() of a chosen process to a perf event
# array and a ring buffer; real `tail -f` and `cat` must see exactly the
# samples, in order; typed lines after .format; events_pipe with poll();
# loss accounting with a tiny log; user ring buffer writes drained by the
# kernel; lazy unmount and SIGTERM while a reader blocks.
T=fs_events
. "$(dirname "$0")/fs_lib.sh"

OBJ=fs_events.bpf.o
[ -e "$BPF/$OBJ" ] || skip_all "no $OBJ"

cat >"$WORK/ev.py" <<'EOF'
import errno, os, select, struct, sys, threading, time

M = os.environ["MNT"] + "/maps"

def setcfg(i, v):
    with open("%s/fse_cfg/%d" % (M, i), "w") as f:
        f.write("%d\n" % v)

def trig(n, burst=1, syscall=os.getppid):
    setcfg(1, burst)
    setcfg(0, os.getpid())
    for _ in range(n):
        syscall()
    setcfg(0, 0)

def seqs(lines):
    """seq of each sample line (hex or typed), "lost"/"evicted" lines as words"""
    out = []
    for l in lines:
        w = l.split()
        if len(w) >= 3 and w[2].startswith("data="):
            out.append(str(struct.unpack_from("<I", bytes.fromhex(w[2][5:]), 4)[0]))
        elif any(x.startswith("seq=") for x in w):
            out.append([x[4:] for x in w if x.startswith("seq=")][0])
        else:
            out.append(" ".join(x.split("=")[0] for x in w[1:]))
    return out

cmd = sys.argv[1]
if cmd == "trig":                       # trig N [BURST]
    trig(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    print(os.getpid())
elif cmd == "trig_read":                # trig_read N FILE...: read at once
    trig(int(sys.argv[2]))
    t = time.monotonic()
    for f in sys.argv[3:]:
        sys.stdout.write(open(f).read())
    if time.monotonic() - t > 0.02:     # the periodic drain could have run
        print("slow: %.3f s" % (time.monotonic() - t))
    print("pid: %d" % os.getpid())
elif cmd == "seqs":                     # seqs FILE: one seq per sample line
    print("\n".join(seqs(open(sys.argv[2]).read().splitlines())))
elif cmd == "poll":                     # poll MAP: the events_pipe with poll()
    path = "%s/%s/events_pipe" % (M, sys.argv[2])
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    res = []
    try:
        os.read(fd, 65536)
        res.append("read-data")
    except OSError as e:
        res.append("read-" + errno.errorcode[e.errno])
    p = select.poll()
    p.register(fd, select.POLLIN)
    res.append("idle-%d" % len(p.poll(300)))
    t = threading.Timer(0.5, trig, args=(3,))
    t0 = time.monotonic()
    t.start()
    ev = p.poll(5000)
    waited = time.monotonic() - t0
    t.join()
    res.append("ready-%s" % ("POLLIN" if ev and ev[0][1] & select.POLLIN else str(ev)))
    res.append("waited" if waited >= 0.4 else "early-%.2f" % waited)
    time.sleep(0.2)
    data = os.read(fd, 65536).decode()
    res.append("lines-%d" % len(data.splitlines()))
    res.append("idle-%d" % len(p.poll(300)))
    # a blocking read (no O_NONBLOCK) waits for the next sample
    fd2 = os.open(path, os.O_RDONLY)
    t = threading.Timer(0.5, trig, args=(1,))
    t0 = time.monotonic()
    t.start()
    data = os.read(fd2, 65536).decode()
    waited = time.monotonic() - t0
    t.join()
    res.append("blocked-%d" % len(data.splitlines()) if waited >= 0.4 else "early")
    os.close(fd2)
    os.close(fd)
    print(" ".join(res))
elif cmd == "latency":                  # latency MAP: getppid() to its events_pipe line
    fd = os.open("%s/%s/events_pipe" % (M, sys.argv[2]), os.O_RDONLY)
    setcfg(1, 1)
    setcfg(0, os.getpid())
    worst = 0
    for _ in range(5):
        t0 = time.monotonic()
        os.getppid()
        os.read(fd, 65536)
        worst = max(worst, time.monotonic() - t0)
        time.sleep(0.05)
    setcfg(0, 0)
    os.close(fd)
    print("fast" if worst < 0.25 else "slow-%.3f" % worst)
elif cmd == "lag":                      # lag MAP N: a pipe reader that falls behind
    fd = os.open("%s/%s/events_pipe" % (M, sys.argv[2]), os.O_RDONLY | os.O_NONBLOCK)
    trig(int(sys.argv[3]))
    time.sleep(0.5)
    data = b""
    while True:
        try:
            d = os.read(fd, 1 << 20)
        except BlockingIOError:
            break
        if not d:
            break
        data += d
    os.close(fd)
    sys.stdout.write(data.decode())
elif cmd == "urb":                      # urb: user ring buffer writes
    fd = os.open(M + "/fse_urb/events", os.O_WRONLY)
    ok = nospc = 0
    for v in range(1, 201):
        try:
            n = os.write(fd, struct.pack("<QQ", v, 0))
            ok += n == 16
        except OSError as e:
            if e.errno != errno.ENOSPC:
                raise
            nospc += 1
    try:
        os.write(fd, b"x" * 5000)
        big = "accepted"
    except OSError as e:
        big = errno.errorcode[e.errno]
    os.close(fd)
    setcfg(0, os.getpid())
    os.getpgid(0)
    setcfg(0, 0)
    print(ok, nospc, big, sum(range(1, ok + 1)))
EOF
export MNT
ev() { python3 "$WORK/ev.py" "$@"; }
# the trigger runs on one CPU, so the perf samples share one ring (order
# across CPUs is the order the reader takes them)
trig() { taskset -c 0 python3 "$WORK/ev.py" trig "$@"; }
# wait_lines FILE N: until FILE has N lines (5 s at most)
wait_lines() {
	local i
	for i in $(seq 1 100); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

start_daemon -o max_threads=2 || { not_ok "daemon mounts"; finish; }
P=$MNT/progs
M=$MNT/maps

check "cp $OBJ" cp "$BPF/$OBJ" "$P/"

# --- the directories ---
for m in fse_pa fse_rb fse_urb; do
	expect_eq "ls maps/$m" "$(ls "$M/$m" | tr '\n' ' ')" "events events_pipe "
	expect_eq "ls -a maps/$m" "$(ls -a "$M/$m" | tr '\n' ' ')" \
		". .. .format .info events events_pipe "
done
check_fails "no key files in a perf event array" test -e "$M/fse_pa/0"
expect_eq "events is read-only" "$(stat -c %A "$M/fse_pa/events")" "-r--r--r--"
expect_eq "user ring buffer events is writable" "$(stat -c %A "$M/fse_urb/events")" "-rw-r--r--"
expect_eq "empty log" "$(stat -c %s "$M/fse_pa/events")" "0"
expect_eq ".format is hex" "$(cat "$M/fse_pa/.format")" "hex"
expect_line ".info events_samples" <(cat "$M/fse_rb/.info") "events_samples: 0"

# --- attach the tracepoint programs ---
if [ -e "$P/fse_getppid/attach" ]; then
	check "echo auto > progs/fse_getppid/attach" sh -c "echo auto > '$P/fse_getppid/attach'"
	check "echo auto > progs/fse_drain/attach" sh -c "echo auto > '$P/fse_drain/attach'"
	expect_eq "linked" "$(cut -d' ' -f2- "$P/fse_getppid/attach")" \
		"tracepoint syscalls/sys_enter_getppid"
else
	skip_all "progs/NAME/attach is missing"
fi

# --- tail -f and cat see exactly N samples, in order ---
N=50
for m in fse_pa fse_rb; do
	timeout 20 tail -f "$M/$m/events" >"$WORK/tail.$m" 2>&1 &
	eval "tail_$m=\$!"
	timeout 20 cat "$M/$m/events_pipe" >"$WORK/pipe.$m" 2>&1 &
	eval "pipe_$m=\$!"
done
timeout 20 cat "$M/fse_rb/events_pipe" >"$WORK/pipe2.fse_rb" 2>&1 &
pipe2=$!
sleep 1	# tail has read the (empty) file; the pipes are open
expect_eq "two events_pipe readers of fse_rb" "$(info fse_rb events_pipe_readers)" "2"
pid=$(trig $N)
want=$(seq 0 $((N - 1)))
for m in fse_pa fse_rb; do
	wait_lines "$WORK/tail.$m" $N
	sleep 1.2	# one more tail poll: nothing beyond N
	expect_eq "tail -f $m: $N samples in order" "$(ev seqs "$WORK/tail.$m")" "$want"
	expect_eq "events_pipe $m: $N samples in order" "$(ev seqs "$WORK/pipe.$m")" "$want"
	expect_eq "cat $m/events: $N samples in order" "$(ev seqs <(cat "$M/$m/events"))" "$want"
	expect_eq "size of $m/events = bytes cat reads" "$(stat -c %s "$M/$m/events")" \
		"$(cat "$M/$m/events" | wc -c)"
	expect_line "$m .info events_samples" <(cat "$M/$m/.info") "events_samples: $N"
	expect_line "$m .info events_lost" <(cat "$M/$m/.info") "events_lost: 0"
	expect_line "$m .info events_evicted" <(cat "$M/$m/.info") "events_evicted: 0"
	line1=$(head -1 "$M/$m/events")
	cpu=$([ $m = fse_pa ] && echo 0 || echo -)
	check "$m line: TIME cpu=$cpu data=HEX" \
		grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9} cpu=$cpu data=[0-9a-f]{80,88}\$" <<<"$line1"
	ts=$(date -d "$(cut -d' ' -f1 <<<"$line1" | tr T ' ')" +%s)
	check "$m line time is now" test $(($(date +%s) - ts)) -lt 60
done
expect_eq "a short read of events returns whole lines" "$(python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
n = len(os.pread(fd, 4096, 0).split(b"\n")[0]) + 1
d = os.pread(fd, 2 * n + n // 2, 0)
print(len(d) // n, len(d) % n, d.endswith(b"\n"))' "$M/fse_pa/events")" "2 0 True"
expect_eq "second events_pipe reader gets every sample too" "$(ev seqs "$WORK/pipe2.fse_rb")" "$want"
kill $tail_fse_pa $tail_fse_rb $pipe_fse_pa $pipe_fse_rb $pipe2 2>/dev/null
wait $tail_fse_pa $tail_fse_rb $pipe_fse_pa $pipe_fse_rb $pipe2 2>/dev/null
check "killed readers are gone from .info" \
	eventually grep -qx 'events_pipe_readers: 0' "$M/fse_rb/.info"
expect_eq "hex data is the sample (pid, seq 0, comm)" \
	"$(head -1 "$M/fse_rb/events" | sed 's/.*data=//' | cut -c1-32)" \
	"$(python3 -c "import struct; print((struct.pack('<II', $pid, 0) + b'python3').hex().ljust(32, '0'))")"

# --- typed lines ---
check "echo 'struct fse_event' > .format" sh -c "echo 'struct fse_event' > '$M/fse_pa/.format'"
check "echo 'struct fse_event' > fse_rb/.format" sh -c "echo 'struct fse_event' > '$M/fse_rb/.format'"
expect_eq "cat .format" "$(cat "$M/fse_pa/.format")" "struct fse_event"
expect_err "unknown type" ENOENT bash -c "echo 'struct nope' > '$M/fse_pa/.format'"
expect_err "not a type name" EINVAL bash -c "echo 'struct a-b' > '$M/fse_pa/.format'"
expect_eq ".format kept after a refused write" "$(cat "$M/fse_pa/.format")" "struct fse_event"
expect_line ".info events_format" <(cat "$M/fse_pa/.info") "events_format: struct fse_event"
# a read drains what waits in the rings (below the perf wakeup mark)
# before it answers: the samples are there the moment the trigger is done
taskset -c 0 python3 "$WORK/ev.py" trig_read 2 "$M/fse_pa/.info" "$M/fse_rb/.info" \
	>"$WORK/at_once"
expect_eq "both maps count both samples at once" \
	"$(grep -E '^events_samples' "$WORK/at_once" | tr '\n' ' ')" \
	"events_samples: $((N + 2)) events_samples: $((N + 2)) "
# reads slower than 20 ms (sanitizers, a busy machine) may have been
# helped by the periodic drain: said, not failed (no timing assertions)
grep '^slow' "$WORK/at_once" | sed 's/^/# the two .info reads were /'
pid=$(sed -n 's/^pid: //p' "$WORK/at_once")
for m in fse_pa fse_rb; do
	tail -2 "$M/$m/events" | sed 's/^[^ ]* cpu=[^ ]* //' >"$WORK/typed.$m"
	expect_eq "typed lines of $m" "$(cat "$WORK/typed.$m")" \
"pid=$pid seq=$N comm=\"python3\" pair.a=$N pair.b=-$N neg=-$((N + 1)) kind=FSE_PING bytes=[1,2,3] flag=false
pid=$pid seq=$((N + 1)) comm=\"python3\" pair.a=$((N + 1)) pair.b=-$((N + 1)) neg=-$((N + 2)) kind=FSE_PONG bytes=[1,2,3] flag=true"
done
check "echo hex > .format" sh -c "echo hex > '$M/fse_pa/.format'"
expect_eq ".format back to hex" "$(cat "$M/fse_pa/.format")" "hex"

# --- events_pipe with poll(), O_NONBLOCK and a blocking read ---
expect_eq "poll on events_pipe" "$(guard 20 ev poll fse_rb)" \
	"read-EAGAIN idle-0 ready-POLLIN waited lines-3 idle-0 blocked-1"

# --- a perf sample reaches events_pipe soon (the rings wake the daemon
# every 8 samples; what waits below that is read every 25 ms) ---
expect_eq "perf sample latency under 250 ms" "$(guard 20 ev latency fse_pa)" "fast"

# --- blocked readers stall nothing else (the daemon has 2 threads) ---
rdr=()
for i in 1 2 3 4; do
	cat "$M/fse_pa/events_pipe" >/dev/null 2>&1 &
	rdr+=($!)
done
sleep 0.5
check "cat a key file while 4 readers block" guard 5 sh -c "cat '$M/fse_cfg/0' >/dev/null"
check "ls maps/ while 4 readers block" guard 5 sh -c "ls '$M' >/dev/null"
check "cat events while 4 readers block" guard 5 sh -c "cat '$M/fse_pa/events' >/dev/null"
kill -TERM "${rdr[@]}" 2>/dev/null
gone=1
for i in $(seq 1 60); do
	gone=1
	for r in "${rdr[@]}"; do kill -0 "$r" 2>/dev/null && gone=0; done
	[ $gone = 1 ] && break
	sleep 0.05
done
expect_eq "SIGTERM ends blocked readers (interrupt)" "$gone" "1"
[ $gone = 1 ] && wait "${rdr[@]}" 2>/dev/null

# --- samples lost in the kernel are counted (a burst that may overflow) ---
BURST=100000
cat "$M/fse_pa/events_pipe" >"$WORK/burst" &
bpipe=$!
sleep 0.3
before_pa=$(info fse_pa events_samples)
before_rb=$(info fse_rb events_samples)
trig 1 $BURST >/dev/null
trig 1 >/dev/null	# a lost record is written ahead of a later sample
emitted=$((BURST + 1))
# every emitted sample delivered or counted lost (read again at each try)
pa_accounted() { test $(($(info fse_pa events_samples) + $(info fse_pa events_lost) - before_pa)) -ge $emitted; }
rb_accounted() { test $(($(info fse_rb events_samples) - before_rb + rerr)) -ge $emitted; }
eventually pa_accounted
lost_pa=$(info fse_pa events_lost)
perr=$(sed -n 's/^1 //p' <(cat "$M/fse_cnt/.dump"))
rerr=$(sed -n 's/^2 //p' <(cat "$M/fse_cnt/.dump"))
expect_eq "perf: delivered + lost = emitted" \
	"$(($(info fse_pa events_samples) - before_pa + lost_pa))" "$emitted"
expect_eq "perf: lost = the program's failed outputs" "$lost_pa" "$perr"
eventually rb_accounted
expect_eq "ring: delivered + failed reserves = emitted" \
	"$(($(info fse_rb events_samples) - before_rb + rerr))" "$emitted"
sleep 0.5
kill $bpipe
wait $bpipe 2>/dev/null
if [ "$lost_pa" -gt 0 ] && ! grep -q evicted= "$WORK/burst"; then
	expect_eq "lost lines (events_pipe) sum to events_lost" \
		"$(grep -o ' lost=[0-9]*' "$WORK/burst" | cut -d= -f2 | awk '{ s += $1 } END { print s }')" "$lost_pa"
	expect_eq "... and the pipe had every other sample" "$(grep -c data= "$WORK/burst")" \
		"$((emitted - lost_pa))"
elif [ "$lost_pa" -gt 0 ]; then
	echo "# (the events_pipe reader fell behind: lost lines not checked)"
else
	echo "# (no perf sample was lost in the burst: lost lines not checked)"
fi

# --- user ring buffer: each write is one sample for the kernel ---
read -r ok nospc big sum <<<"$(ev urb)"
check "writes accepted until the ring is full ($ok)" test "$ok" -gt 100
check "ENOSPC when full ($nospc)" test "$nospc" -gt 0
expect_eq "a write larger than the ring" "$big" "E2BIG"
expect_eq "the kernel drained every accepted sample" "$(cat "$M/fse_usum/0")" "$ok"
expect_eq "... with the bytes written (sum of first u64)" "$(cat "$M/fse_usum/1")" "$sum"
expect_eq "the log shows what was written" "$(wc -l <"$M/fse_urb/events")" "$ok"
expect_eq "first logged sample" "$(head -1 "$M/fse_urb/events" | cut -d' ' -f2-)" \
	"cpu=- data=01000000000000000000000000000000"
expect_line ".info events_write_errors" <(cat "$M/fse_urb/.info") \
	"events_write_errors: $((nospc + 1))"
expect_err "events of a perf event array is not writable" EACCES \
	sh -c "echo x > '$M/fse_pa/events'"

# --- a tiny log: evicted lines are counted and reported ---
stop_daemon || not_ok "daemon stops"
start_daemon -o events_log=1K || { not_ok "daemon mounts with events_log=1K"; finish; }
expect_line ".info events_log_max" <(cat "$M/fse_rb/.info") "events_log_max: 1024"
ev lag fse_rb 100 >"$WORK/lag"
cat "$M/fse_rb/events" >"$WORK/tiny"
kept=$(grep -c 'data=' "$WORK/tiny")
evicted=$(info fse_rb events_evicted)
check "the log keeps what fits in 1 KiB ($kept lines)" test "$kept" -ge 5 -a "$kept" -le 12
expect_eq "evicted + retained = 100" "$((evicted + kept))" "100"
expect_eq "cat starts with an evicted line" "$(head -1 "$WORK/tiny" | cut -d' ' -f2)" \
	"evicted=$evicted"
last=$(($(cat "$M/fse_cnt/0") - 1))
expect_eq "then the newest samples, in order" "$(ev seqs "$WORK/tiny" | tail -n +2)" \
	"$(seq $((last - kept + 1)) $last)"
expect_line ".info events_lines" <(cat "$M/fse_rb/.info") "events_lines: 100"
check "retained bytes within the bound" test "$(info fse_rb events_retained)" -le 1024
expect_eq "a lagging events_pipe reader is told how many it missed" \
	"$(head -1 "$WORK/lag" | cut -d' ' -f2)" "evicted=$(( 100 - $(grep -c 'data=' "$WORK/lag") ))"
expect_eq "size counts every byte ever logged" "$(stat -c %s "$M/fse_rb/events")" \
	"$(info fse_rb events_bytes)"
check "events_log below the minimum is refused" \
	sh -c "'$EBPFS' '$WORK/nomnt' -f -o 'pin_dir=$PIN,events_log=100' 2>&1 | grep -q 'bad events_log=100'"

# The last two daemons log apart: a file open when the mount goes (the
# blocked reader's) may never be released to the daemon (libfuse stops
# at FUSE_DESTROY or SIGTERM), and LeakSanitizer builds report its
# handle.  Other sanitizer reports still count.
stop_daemon || not_ok "daemon stops"
"$EBPFS" "$MNT" -f -o "pin_dir=$PIN" 2>>"$WORK/lazy.log" &
DPID=$!
wait_mounted || not_ok "daemon mounts again"

# --- lazy unmount while a reader blocks ---
cat "$M/fse_rb/events_pipe" >"$WORK/blocked" 2>&1 &
reader=$!
sleep 0.5
check "fusermount3 -u -z with a blocked reader" fusermount3 -u -z "$MNT"
check_fails "the mount is gone" mountpoint -q "$MNT"
check "the reader still waits" kill -0 $reader
kill -TERM $reader
expect_eq "SIGTERM ends it" "$(for i in $(seq 1 60); do kill -0 $reader 2>/dev/null || { echo gone; break; }; sleep 0.05; done)" "gone"
wait $reader 2>/dev/null
expect_eq "then the daemon exits by itself" \
	"$(for i in $(seq 1 100); do kill -0 "$DPID" 2>/dev/null || { echo exited; break; }; sleep 0.05; done)" "exited"
wait "$DPID" 2>/dev/null
DPID=

# --- SIGTERM to the daemon while a reader blocks: the reader gets EOF ---
# (its own log: the file the reader had open is never released to the
# stopped daemon, so LeakSanitizer builds report that handle)
"$EBPFS" "$MNT" -f -o "pin_dir=$PIN" 2>>"$WORK/term.log" &
DPID=$!
if wait_mounted; then
	# the restart restored the object before it served anything (a CI
	# run once found events_pipe missing here: say so, with the log)
	if [ -e "$M/fse_rb/events_pipe" ]; then
		ok "the restarted daemon shows maps/fse_rb/events_pipe"
	else
		not_ok "the restarted daemon shows maps/fse_rb/events_pipe"
		echo "#   maps/: $(ls "$M" 2>&1 | tr '\n' ' ')"
		sed 's/^/#   | /' "$WORK/term.log"
	fi
	python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
print("EOF" if os.read(fd, 4096) == b"" else "data")
try:
    os.close(fd)	# may fail: the daemon is gone (ECONNABORTED)
except OSError:
    pass' "$M/fse_rb/events_pipe" >"$WORK/blocked" 2>&1 &
	reader=$!
	sleep 0.5
	kill -TERM "$DPID"
	rc=timeout
	for i in $(seq 1 100); do
		if ! kill -0 $reader 2>/dev/null; then
			wait $reader
			rc=$?
			break
		fi
		sleep 0.05
	done
	expect_eq "the blocked reader ends" "$rc" "0"
	expect_eq "its read returned EOF" "$(cat "$WORK/blocked")" "EOF"
	expect_eq "the daemon exits" \
		"$(for i in $(seq 1 100); do kill -0 "$DPID" 2>/dev/null || { echo exited; break; }; sleep 0.05; done)" "exited"
	wait "$DPID" 2>/dev/null
	DPID=
	check_fails "unmounted" mountpoint -q "$MNT"
else
	not_ok "daemon mounts again"
fi
check_fails "no sanitizer error but leaks in the last daemons' logs" \
	grep -Eq 'ERROR: AddressSanitizer|runtime error' "$WORK/lazy.log" "$WORK/term.log"

finish
