/* SPDX-License-Identifier: MIT */
/*
 * test_attach.c - attach lines (parsing, canonical forms, refusals), the
 * helpers of probe.c, and sockmap attachment against the kernel.
 * test_attach_net.c has the attachments to network devices, namespaces
 * and cgroups, test_attach_trace.c those to tracepoints, probes, perf
 * events and iterators; test_attach_common.c their shared fixtures.
 *
 * Whether the kernel has sockmap links (6.10) is probed with direct bpf(2)
 * calls before it is asserted; without them the test asserts the
 * BPF_PROG_ATTACH fallback and skips that part visibly ("SKIP part of
 * <test>: ...").  Skips visibly without root / bpf(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "attach.h"
#include "info.h"
#include "object.h"
#include "strbuf.h"
#include "syscall.h"
#include "testutil.h"
#include "test_attach.h"
#include "util.h"

/* --- parsing ------------------------------------------------------------------- */

struct parse_case {
	const char *line;
	uint32_t prog_type;
	uint32_t expected;
	const char *sec;
	int err;
	const char *out;	/* canonical line, or the message */
};

#define PT(x) BPF_PROG_TYPE_##x

static const struct parse_case parse_cases[] = {
	/* good lines and their canonical form */
	{ "xdp eth0\n", PT(XDP), BPF_XDP, "xdp", 0, "xdp eth0" },
	{ "xdp eth0 native", PT(XDP), BPF_XDP, "xdp", 0, "xdp eth0 drv" },
	{ "  xdp\teth0   generic ", PT(XDP), BPF_XDP, "xdp", 0, "xdp eth0 skb" },
	{ "tc eth0 egress netlink", PT(SCHED_CLS), 0, "tc", 0, "tc eth0 egress netlink" },
	{ "tracepoint syscalls:sys_enter_getppid", PT(TRACEPOINT), 0, NULL, 0,
	  "tracepoint syscalls/sys_enter_getppid" },
	{ "raw_tp sys_enter", PT(RAW_TRACEPOINT), 0, NULL, 0, "raw_tracepoint sys_enter" },
	{ "cgroup /sys/fs/cgroup/x ingress", PT(CGROUP_SKB), 0, NULL, 0,
	  "cgroup /sys/fs/cgroup/x cgroup_inet_ingress" },
	{ "cgroup /sys/fs/cgroup/x connect4", PT(CGROUP_SOCK_ADDR), 0, NULL, 0,
	  "cgroup /sys/fs/cgroup/x cgroup_inet4_connect" },
	{ "cgroup /sys/fs/cgroup/x", PT(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_CREATE, NULL, 0,
	  "cgroup /sys/fs/cgroup/x cgroup_inet_sock_create" },
	{ "netns /run/netns/x", PT(FLOW_DISSECTOR), BPF_FLOW_DISSECTOR, NULL, 0,
	  "netns /run/netns/x" },
	{ "sockmap socks", PT(SK_MSG), BPF_SK_MSG_VERDICT, NULL, 0, "sockmap socks msg_verdict" },
	{ "sockmap socks stream_parser", PT(SK_SKB), 0, NULL, 0,
	  "sockmap socks stream_parser" },
	{ "uprobe /bin/true:main+0x10", PT(KPROBE), 0, NULL, 0, "uprobe /bin/true:main+0x10" },
	{ "uretprobe /bin/true:4096", PT(KPROBE), 0, NULL, 0, "uretprobe /bin/true:0x1000" },
	{ "uretprobe /bin/true:main+0", PT(KPROBE), 0, NULL, 0, "uretprobe /bin/true:main" },
	{ "uprobe /bin/true:0xfffffffffffffff0+0xf", PT(KPROBE), 0, NULL, 0,
	  "uprobe /bin/true:0xffffffffffffffff" },
	{ "kprobe do_nanosleep+8", PT(KPROBE), 0, NULL, 0, "kprobe do_nanosleep+0x8" },
	{ "perf_event cpu-clock 99", PT(PERF_EVENT), 0, NULL, 0, "perf_event cpu-clock 99" },
	{ "fentry", PT(TRACING), BPF_TRACE_FENTRY, "fentry/do_nanosleep", 0,
	  "fentry do_nanosleep" },
	{ "iter task", PT(TRACING), BPF_TRACE_ITER, "iter/task", 0, "iter task" },
	/* auto */
	{ "auto", PT(TRACEPOINT), 0, "tracepoint/syscalls/sys_enter_getppid", 0,
	  "tracepoint syscalls/sys_enter_getppid" },
	{ "auto", PT(TRACEPOINT), 0, "tp/sched/sched_switch", 0, "tracepoint sched/sched_switch" },
	{ "auto", PT(RAW_TRACEPOINT), 0, "raw_tp/sys_enter", 0, "raw_tracepoint sys_enter" },
	{ "auto", PT(TRACING), BPF_TRACE_RAW_TP, "tp_btf/sched_switch", 0, "tp_btf sched_switch" },
	{ "auto", PT(TRACING), BPF_TRACE_ITER, "iter/task", 0, "iter task" },
	{ "auto", PT(TRACING), BPF_TRACE_FEXIT, "fexit/do_nanosleep", 0, "fexit do_nanosleep" },
	{ "auto", PT(LSM), BPF_LSM_MAC, "lsm/file_open", 0, "lsm file_open" },
	{ "auto", PT(KPROBE), 0, "uprobe//usr/bin/true:main", 0, "uprobe /usr/bin/true:main" },
	{ "auto", PT(KPROBE), 0, "kretprobe/do_nanosleep", 0, "kretprobe do_nanosleep" },
	{ "auto eth0", PT(XDP), BPF_XDP, "xdp", 0, "xdp eth0" },
	{ "auto eth0", PT(SCHED_CLS), EB_ATTACH_TCX_EGRESS, "tc/egress", 0, "tc eth0 egress" },
	{ "auto eth0 ingress", PT(SCHED_CLS), 0, "tc", 0, "tc eth0 ingress" },
	{ "auto eth0 netlink", PT(SCHED_CLS), EB_ATTACH_TCX_INGRESS, "tcx/ingress", 0,
	  "tc eth0 ingress netlink" },
	{ "auto eth0", PT(SCHED_CLS), 0, "tc", -EINVAL,
	  "attach: auto: section 'tc' needs a direction: write 'auto eth0 ingress|egress'" },
	{ "auto /sys/fs/cgroup/x", PT(CGROUP_SKB), BPF_CGROUP_INET_EGRESS, "cgroup_skb/egress", 0,
	  "cgroup /sys/fs/cgroup/x cgroup_inet_egress" },
	{ "auto /sys/fs/cgroup/x", PT(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_CONNECT,
	  "cgroup/connect4", 0, "cgroup /sys/fs/cgroup/x cgroup_inet4_connect" },
	{ "auto", PT(SK_LOOKUP), BPF_SK_LOOKUP, "sk_lookup", 0, "netns /proc/self/ns/net" },
	{ "auto socks", PT(SK_SKB), BPF_SK_SKB_STREAM_VERDICT, "sk_skb/stream_verdict", 0,
	  "sockmap socks stream_verdict" },
	{ "auto cpu-clock 49", PT(PERF_EVENT), 0, "perf_event", 0, "perf_event cpu-clock 49" },
	/* lines that do not parse: the message names the wrong word */
	{ "", PT(XDP), 0, "xdp", -EINVAL, "attach: empty line: write an attach point (e.g. 'auto')" },
	{ "teleport eth0", PT(XDP), 0, "xdp", -EINVAL,
	  "attach: unknown attach point 'teleport' (auto, xdp, tc, tracepoint, raw_tracepoint, tp_btf, fentry, fexit, fmod_ret, lsm, iter, cgroup, netns, sockmap, uprobe, uretprobe, kprobe, kretprobe, perf_event)" },
	{ "xdp", PT(XDP), 0, "xdp", -EINVAL, "attach: 'xdp' needs an interface name" },
	{ "xdp eth0 turbo", PT(XDP), 0, "xdp", -EINVAL,
	  "attach: unknown xdp mode 'turbo' (skb, drv or hw)" },
	{ "xdp eth0 skb extra", PT(XDP), 0, "xdp", -EINVAL,
	  "attach: unexpected 'extra' after 'skb' (the line ends there)" },
	{ "xdp eth0", PT(TRACEPOINT), 0, NULL, -EINVAL,
	  "attach: 'xdp' does not fit a tracepoint program" },
	{ "tc eth0", PT(SCHED_CLS), 0, "tc", -EINVAL,
	  "attach: 'tc eth0' needs a direction: ingress or egress" },
	{ "tc eth0 sideways", PT(SCHED_CLS), 0, "tc", -EINVAL,
	  "attach: tc direction 'sideways' is neither ingress nor egress" },
	{ "tc eth0 ingress qdisc", PT(SCHED_CLS), 0, "tc", -EINVAL,
	  "attach: unknown tc mode 'qdisc' (tcx or netlink)" },
	{ "tracepoint sys_enter_getppid", PT(TRACEPOINT), 0, NULL, -EINVAL,
	  "attach: tracepoint 'sys_enter_getppid' is not CATEGORY/NAME" },
	{ "tracepoint", PT(TRACEPOINT), 0, NULL, -EINVAL,
	  "attach: 'tracepoint' needs CATEGORY/NAME" },
	{ "raw_tracepoint", PT(RAW_TRACEPOINT), 0, NULL, -EINVAL,
	  "attach: 'raw_tracepoint' needs a tracepoint name" },
	{ "fentry other_fn", PT(TRACING), BPF_TRACE_FENTRY, "fentry/do_nanosleep", -EINVAL,
	  "attach: 'fentry' target 'other_fn' differs from 'do_nanosleep', the target the program was loaded for (section 'fentry/do_nanosleep')" },
	{ "fexit", PT(TRACING), BPF_TRACE_FENTRY, "fentry/do_nanosleep", -EINVAL,
	  "attach: 'fexit' does not fit a program loaded for trace_fentry" },
	{ "cgroup relative/x ingress", PT(CGROUP_SKB), 0, NULL, -EINVAL,
	  "attach: cgroup path 'relative/x' is not absolute" },
	{ "cgroup /sys/fs/cgroup/x sideways", PT(CGROUP_SKB), 0, NULL, -EINVAL,
	  "attach: unknown attach type 'sideways'" },
	{ "cgroup /sys/fs/cgroup/x", PT(CGROUP_SKB), 0, NULL, -EINVAL,
	  "attach: 'cgroup /sys/fs/cgroup/x' needs an attach type (e.g. cgroup_inet_ingress)" },
	{ "netns", PT(SK_LOOKUP), 0, NULL, -EINVAL,
	  "attach: 'netns' needs a network namespace path" },
	{ "sockmap socks sideways", PT(SK_SKB), 0, NULL, -EINVAL,
	  "attach: unknown sockmap attach type 'sideways' (stream_parser, stream_verdict, verdict or msg_verdict)" },
	{ "uprobe /bin/true", PT(KPROBE), 0, NULL, -EINVAL,
	  "attach: '/bin/true' is not BINARY:SYMBOL" },
	{ "uprobe bin/true:main", PT(KPROBE), 0, NULL, -EINVAL,
	  "attach: uprobe binary 'bin/true' is not an absolute path" },
	{ "uprobe /bin/true:main+zz", PT(KPROBE), 0, NULL, -EINVAL,
	  "attach: bad offset after 'main' in '/bin/true:main+zz'" },
	{ "uprobe /bin/true:", PT(KPROBE), 0, NULL, -EINVAL,
	  "attach: '/bin/true:' names no symbol after the binary" },
	{ "uretprobe /bin/true:main+4", PT(KPROBE), 0, NULL, -EINVAL,
	  "attach: uretprobe '/bin/true:main+4': a uretprobe must be at a function's entry, not at +0x4" },
	{ "uprobe /bin/true:0xffffffffffffffff+1", PT(KPROBE), 0, NULL, -EINVAL,
	  "attach: file offset 0xffffffffffffffff + 0x1 in '/bin/true:0xffffffffffffffff+1' overflows" },
	{ "kretprobe do_nanosleep+4", PT(KPROBE), 0, NULL, -EINVAL,
	  "attach: kretprobe 'do_nanosleep+4' cannot take an offset" },
	{ "perf_event", PT(PERF_EVENT), 0, NULL, -EINVAL,
	  "attach: 'perf_event' needs EVENT FREQ (e.g. cpu-clock 99)" },
	{ "perf_event cpu-clock", PT(PERF_EVENT), 0, NULL, -EINVAL,
	  "attach: 'perf_event cpu-clock' needs a frequency (samples/s)" },
	{ "perf_event cpu-clock 0", PT(PERF_EVENT), 0, NULL, -EINVAL,
	  "attach: bad perf_event frequency '0' (1..1000000)" },
	{ "auto", PT(XDP), BPF_XDP, NULL, -EINVAL,
	  "attach: 'auto' needs the program's section name, which is not known here" },
	{ "auto", PT(XDP), BPF_XDP, "xdp", -EINVAL,
	  "attach: auto: section 'xdp' needs an interface name: write 'auto IFNAME'" },
	{ "auto", PT(TRACEPOINT), 0, "tracepoint", -EINVAL,
	  "attach: auto: section 'tracepoint' names no target: write the attach point explicitly" },
	{ "auto", PT(CGROUP_SKB), BPF_CGROUP_INET_INGRESS, "cgroup_skb/ingress", -EINVAL,
	  "attach: auto: section 'cgroup_skb/ingress' needs a cgroup path: write 'auto PATH'" },
	{ "auto", 0, 0, "no_such_section", -EINVAL,
	  "attach: auto: unknown section name 'no_such_section'" },
	{ "auto", PT(SOCKET_FILTER), 0, "socket", -EINVAL,
	  "attach: auto: section 'socket' says no attach point ebpfs can attach to: write it explicitly" },
	{ "auto x", PT(TRACEPOINT), 0, "tracepoint/syscalls/sys_enter_getppid", -EINVAL,
	  "attach: unexpected 'x' after 'auto' (the line ends there)" },
};

static void test_parse(void **state)
{
	struct eb_strbuf err = EB_STRBUF_INIT;
	struct eb_attach_spec spec;
	struct eb_attach_spec again;
	unsigned int i;
	int ret;

	for (i = 0; i < EB_ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];

		eb_strbuf_reset(&err);
		ret = eb_attach_parse(c->line, c->prog_type, c->expected, c->sec, &spec, &err);
		if (ret != c->err)
			fail_msg("'%s': got %d (%s), want %d", c->line, ret, err.buf, c->err);
		if (ret) {
			if (strcmp(err.buf, c->out))
				fail_msg("'%s': message\n  got  '%s'\n  want '%s'", c->line, err.buf,
					 c->out);
			assert_null(spec.line);
			continue;
		}
		if (strcmp(spec.line, c->out))
			fail_msg("'%s': line '%s', want '%s'", c->line, spec.line, c->out);
		/* the canonical line parses back to itself */
		assert_int_equal(eb_attach_parse(spec.line, c->prog_type, c->expected, c->sec,
						 &again, &err), 0);
		assert_string_equal(again.line, spec.line);
		assert_int_equal(again.hook, spec.hook);
		assert_int_equal(again.attach_type, spec.attach_type);
		eb_attach_spec_release(&again);
		eb_attach_spec_release(&spec);
		eb_attach_spec_release(&spec);	/* twice is harmless */
	}
	eb_strbuf_release(&err);
}

static void test_parse_fields(void **state)
{
	struct eb_attach_spec s;

	assert_int_equal(eb_attach_parse("uprobe /bin/true:main+0x10", PT(KPROBE), 0, NULL, &s,
					 NULL), 0);
	assert_int_equal(s.hook, EB_HOOK_UPROBE);
	assert_string_equal(s.target, "/bin/true");
	assert_string_equal(s.symbol, "main");
	assert_int_equal(s.offset, 0x10);
	eb_attach_spec_release(&s);
	assert_int_equal(eb_attach_parse("xdp eth0 hw", PT(XDP), 0, NULL, &s, NULL), 0);
	assert_int_equal(s.xdp_flags, 8);	/* XDP_FLAGS_HW_MODE */
	assert_int_equal(s.attach_type, BPF_XDP);
	eb_attach_spec_release(&s);
	assert_int_equal(eb_attach_parse("tc eth0 egress", PT(SCHED_CLS), 0, NULL, &s, NULL), 0);
	assert_true(s.egress);
	assert_int_equal(s.tc_mode, EB_TC_AUTO);
	assert_int_equal(s.attach_type, EB_ATTACH_TCX_EGRESS);
	eb_attach_spec_release(&s);
	assert_int_equal(eb_attach_parse("perf_event page-faults 1000", PT(PERF_EVENT), 0, NULL,
					 &s, NULL), 0);
	assert_int_equal(s.freq, 1000);
	eb_attach_spec_release(&s);
	assert_string_equal(eb_hook_str(EB_HOOK_RAW_TP), "raw_tracepoint");
	assert_string_equal(eb_hook_str(EB_HOOK_MAX), "?");
}

/*
 * Uprobe offsets out of range are refused before anything reaches the
 * kernel (which takes an offset negative as a loff_t), so no program is
 * needed: prog_fd -1 is never used.
 */
static void expect_uprobe_refused(const char *line, int want_err, const char *want)
{
	struct eb_strbuf err = EB_STRBUF_INIT;
	struct eb_attach_spec s;
	struct eb_link *l = NULL;

	assert_int_equal(eb_attach_parse(line, PT(KPROBE), 0, NULL, &s, &err), 0);
	assert_int_equal(eb_attach(-1, &s, NULL, &l, &err), want_err);
	assert_null(l);
	if (strcmp(err.buf, want))
		fail_msg("'%s': message\n  got  '%s'\n  want '%s'", line, err.buf, want);
	eb_attach_spec_release(&s);
	eb_strbuf_release(&err);
}

static void test_uprobe_offsets(void **state)
{
	const char *bin = getenv("EB_UPROBE_TARGET");
	char line[4096], want[4096];
	uint64_t off = 0;
	struct stat st;

	(void)state;
	assert_non_null(bin);
	assert_int_equal(stat(bin, &st), 0);
	assert_int_equal(eb_elf_symbol_offset(bin, "eb_uprobe_target", &off), 0);

	snprintf(line, sizeof(line), "uprobe %s:0xffffffffffffffff", bin);
	snprintf(want, sizeof(want),
		 "attach: file offset 0xffffffffffffffff is beyond the end of '%s' (%lld bytes)",
		 bin, (long long)st.st_size);
	expect_uprobe_refused(line, -EINVAL, want);
	/* the first offset past the end */
	snprintf(line, sizeof(line), "uprobe %s:%lld", bin, (long long)st.st_size);
	snprintf(want, sizeof(want),
		 "attach: file offset 0x%llx is beyond the end of '%s' (%lld bytes)",
		 (unsigned long long)st.st_size, bin, (long long)st.st_size);
	expect_uprobe_refused(line, -EINVAL, want);
	/* symbol + offset wrapping around 2^64 */
	snprintf(line, sizeof(line), "uprobe %s:eb_uprobe_target+0xffffffffffffffff", bin);
	snprintf(want, sizeof(want),
		 "attach: offset +0xffffffffffffffff after 'eb_uprobe_target' (file offset 0x%llx) in '%s' overflows",
		 (unsigned long long)off, bin);
	expect_uprobe_refused(line, -EINVAL, want);
	/* symbol + offset past the end, no wrap */
	snprintf(line, sizeof(line), "uprobe %s:eb_uprobe_target+%lld", bin,
		 (long long)st.st_size);
	snprintf(want, sizeof(want),
		 "attach: 'eb_uprobe_target+0x%llx' is at file offset 0x%llx, beyond the end of '%s' (%lld bytes)",
		 (unsigned long long)st.st_size, (unsigned long long)(off + st.st_size), bin,
		 (long long)st.st_size);
	expect_uprobe_refused(line, -EINVAL, want);
	/* the same for a uretprobe at a symbol's entry */
	snprintf(line, sizeof(line), "uretprobe %s:0xffffffffffffffff", bin);
	snprintf(want, sizeof(want),
		 "attach: file offset 0xffffffffffffffff is beyond the end of '%s' (%lld bytes)",
		 bin, (long long)st.st_size);
	expect_uprobe_refused(line, -EINVAL, want);
}

/* --- helpers of probe.c -------------------------------------------------------- */

static void test_probe_helpers(void **state)
{
	const char *bin = getenv("EB_UPROBE_TARGET");
	uint64_t off = 0;
	char cmd[4096];
	const char *nm;
	unsigned long long addr;
	int err;

	ATT_REQUIRE_BPF();
	assert_string_equal(eb_tracefs_dir(&err), "/sys/kernel/tracing");
	assert_int_equal(err, 0);
	assert_int_equal(eb_tracepoint_id("syscalls", "sys_enter_getppid"),
			 atoi(att_output("cat /sys/kernel/tracing/events/syscalls/sys_enter_getppid/id")));
	assert_int_equal(eb_tracepoint_id("syscalls", "no_such_tp"), -ENOENT);
	assert_int_equal(eb_tracepoint_id("..", "x"), -ENOENT);
	assert_int_equal(eb_pmu_type("uprobe"),
			 atoi(att_output("cat /sys/bus/event_source/devices/uprobe/type")));
	assert_int_equal(eb_pmu_type("no_such_pmu"), -ENOENT);
	assert_non_null(bin);
	assert_int_equal(eb_elf_symbol_offset(bin, "eb_uprobe_target", &off), 0);
	/* a PIE's text segment: file offset == vaddr for the first PT_LOAD pair */
	snprintf(cmd, sizeof(cmd), "nm %s | awk '$3 == \"eb_uprobe_target\" { print $1 }'", bin);
	nm = att_output("%s", cmd);
	assert_int_equal(sscanf(nm, "%llx", &addr), 1);
	assert_true(off > 0);
	assert_true(off <= addr);
	assert_int_equal(eb_elf_symbol_offset(bin, "no_such_symbol", &off), -ENOENT);
	assert_int_equal(eb_elf_symbol_offset("/nonexistent", "main", &off), -ENOENT);
	assert_int_equal(eb_elf_symbol_offset("/proc/self/status", "main", &off), -ENOEXEC);
}

/* --- sockmap ------------------------------------------------------------------- */

/*
 * Whether this kernel has sockmap links (Linux 6.10): 0 when an sk_skb
 * stream verdict program can be linked to a new sockmap, else the -errno
 * (-EINVAL without them).
 */
static int probe_sockmap_link(void)
{
	int map, prog, link;

	map = tu_map_create(BPF_MAP_TYPE_SOCKMAP, 4, 4, 1, 0, "eb_probe_skm");
	if (map < 0)
		return map;
	prog = tu_prog_load_const(BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 1 /* SK_PASS */,
				  "eb_probe_skl");
	if (prog < 0) {
		close(map);
		return prog;
	}
	link = eb_sys_link_create(prog, map, BPF_SK_SKB_STREAM_VERDICT, NULL);
	close(prog);
	close(map);
	if (link < 0)
		return link;
	close(link);
	return 0;
}

static int socks_fd;

static int resolve_map(const char *name, void *ctx)
{
	return strcmp(name, "att_socks") ? -ENOENT : fcntl(socks_fd, F_DUPFD_CLOEXEC, 0);
}

static void test_sockmap(void **state)
{
	struct eb_attach_opts opts = { .map_fd = resolve_map };
	struct eb_strbuf err = EB_STRBUF_INIT;
	struct eb_attach_spec spec;
	struct eb_map_info mi;
	struct eb_object *obj;
	struct eb_link *l = NULL;
	const struct eb_prog *p;
	char line[64], want[512], *d;
	int skl;

	ATT_REQUIRE_BPF();
	obj = att_load("att_misc");
	socks_fd = att_map_fd(obj, "att_socks");
	assert_int_equal(eb_map_info_by_fd(socks_fd, &mi), 0);
	p = att_prog(obj, "sk_verdict");
	assert_int_equal(eb_attach_parse("auto att_socks", p->type, p->expected_attach_type,
					 p->sec_name, &spec, &err), 0);
	assert_int_equal(eb_attach(p->fd, &spec, &opts, &l, &err), 0);
	eb_attach_spec_release(&spec);
	att_track(l);
	skl = probe_sockmap_link();
	if (!skl) {
		assert_int_equal(l->kind, EB_LINK_BPF);
		snprintf(want, sizeof(want),
			 "id: %u\ntype: sockmap\nprog_id: %u\ntarget: map_id %u\nattach_type: sk_skb_stream_verdict\nline: sockmap att_socks stream_verdict\n",
			 l->id, l->prog_id, mi.id);
	} else {
		/* before sockmap links: BPF_PROG_ATTACH to the map */
		assert_int_equal(skl, -EINVAL);
		assert_int_equal(l->kind, EB_LINK_PROG_ATTACH);
		assert_int_equal(l->hook, EB_HOOK_SOCKMAP);
		assert_int_equal(l->map_id, mi.id);
		snprintf(want, sizeof(want),
			 "name: %s\ntype: prog_attach\nprog_id: %u\ntarget: map_id %u\nattach_type: sk_skb_stream_verdict\nline: sockmap att_socks stream_verdict\n",
			 l->name, l->prog_id, mi.id);
		TU_SKIP_PART("this kernel has no sockmap links (%s, Linux 6.10): attached with BPF_PROG_ATTACH",
			     eb_strerror(skl));
	}
	d = att_describe(l);
	assert_string_equal(d, want);
	free(d);
	att_drop(&l);
	/* by id, without a resolver */
	snprintf(line, sizeof(line), "sockmap id:%u", mi.id);
	l = att_attach(p, line);
	att_drop(&l);
	eb_strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_uprobe_offsets),
		ATT_T(test_probe_helpers),
		ATT_T(test_sockmap),
	};

	return cmocka_run_group_tests(tests, att_group_setup, att_group_teardown);
}
