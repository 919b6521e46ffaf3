/* SPDX-License-Identifier: MIT */
/*
 * test_attach_trace.c - attaching to tracing hooks against the kernel:
 * tracepoints and raw tracepoints counting the test's own getppid()
 * calls, link pinning in a private bpffs, uprobes on
 * tests/uprobe_target.c ($EB_UPROBE_TARGET), a task iterator, perf_event
 * on every CPU, kprobes, fentry/fexit, links from fds, and the exact
 * errno and message of every missing target.  Every count is exact.
 * Teardown removes the pins and every link, also after a failure
 * (test_attach_common.c).  Skips visibly without root / bpf(2).
 *
 * What differs between kernels is probed with direct bpf(2) calls before
 * it is asserted: the perf_event part of bpf_link_info (6.6), fentry
 * loads, the kprobe PMU.  Where the kernel lacks a thing, the test
 * asserts how it is refused and skips the positive case visibly
 * ("SKIP <test>: ..." or "SKIP part of <test>: ...").
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "attach.h"
#include "btf.h"
#include "object.h"
#include "strbuf.h"
#include "syscall.h"
#include "testutil.h"
#include "test_attach.h"
#include "util.h"

/* --- what the running kernel supports (direct bpf(2) calls) ----------------- */

/*
 * Whether the kernel describes the perf_event link link_fd (the
 * perf_event member of struct bpf_link_info, Linux 6.6): its type field,
 * the first u32 of the union after type, id and prog_id (offset 16), is
 * not 0.  Read with a direct BPF_OBJ_GET_INFO_BY_FD.
 */
static bool kernel_describes_perf_link(int link_fd)
{
	uint64_t buf[32];
	uint32_t len = sizeof(buf), type;

	memset(buf, 0, sizeof(buf));
	assert_int_equal(eb_sys_obj_get_info_by_fd(link_fd, buf, &len), 0);
	memcpy(&type, (const char *)buf + 16, sizeof(type));
	return type != 0;
}

/* The target line att_describe() gives a perf_event link: `want` where the
 * kernel describes perf_event links, else the generic one, and a visible
 * partial skip (test: the caller's name). */
static const char *perf_target(const char *test, int link_fd, const char *want)
{
	if (kernel_describes_perf_link(link_fd))
		return want;
	tu_print_skip_part(test, "this kernel does not describe perf_event links (bpf_link_info.perf_event, Linux 6.6): the target line is generic");
	return "target: perf event\n";
}

/* n calls of nanosleep(2) (1 us each): do_nanosleep runs n times. */
static void nanosleep_n(int n)
{
	struct timespec ts = { 0, 1000 };
	int i;

	for (i = 0; i < n; i++)
		nanosleep(&ts, NULL);
}

/* --- tracepoints ----------------------------------------------------------------- */

static void getppid_n(int n)
{
	int i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static struct eb_object *load_trace(int *counts)
{
	struct eb_object *obj = att_load("att_trace");

	att_set(att_map_fd(obj, "att_cfg"), 0, (uint64_t)getpid());
	*counts = att_map_fd(obj, "trace_counts");
	return obj;
}

static void test_tracepoint_and_raw_tp(void **state)
{
	struct eb_strbuf err = EB_STRBUF_INIT;
	struct eb_object *obj;
	struct eb_link *tp, *raw;
	uint32_t old_id;
	char want[512], *d;
	int counts;

	ATT_REQUIRE_BPF();
	obj = load_trace(&counts);
	tp = att_attach(att_prog(obj, "tp_getppid"), "auto");
	raw = att_attach(att_prog(obj, "raw_getppid"), "auto");
	assert_int_equal(tp->hook, EB_HOOK_TRACEPOINT);
	assert_string_equal(tp->line, "tracepoint syscalls/sys_enter_getppid");
	assert_string_equal(raw->line, "raw_tracepoint sys_enter");
	getppid_n(17);
	assert_int_equal(att_get(counts, 0), 17);
	assert_int_equal(att_get(counts, 1), 17);

	snprintf(want, sizeof(want),
		 "id: %u\ntype: perf_event\nprog_id: %u\n%sline: tracepoint syscalls/sys_enter_getppid\n",
		 tp->id, tp->prog_id,
		 perf_target(__func__, tp->fd, "target: tracepoint sys_enter_getppid\n"));
	d = att_describe(tp);
	assert_string_equal(d, want);
	free(d);
	snprintf(want, sizeof(want),
		 "id: %u\ntype: raw_tracepoint\nprog_id: %u\ntarget: raw_tracepoint sys_enter\nline: raw_tracepoint sys_enter\n",
		 raw->id, raw->prog_id);
	d = att_describe(raw);
	assert_string_equal(d, want);
	free(d);

	/* perf links cannot swap programs: make before break */
	old_id = tp->id;
	assert_int_equal(eb_link_update(tp, att_prog(obj, "tp_getppid2")->fd, &err), 0);
	assert_int_not_equal(tp->id, old_id);
	assert_int_equal(eb_sys_link_get_fd_by_id(old_id), -ENOENT);
	getppid_n(5);
	assert_int_equal(att_get(counts, 0), 17);
	assert_int_equal(att_get(counts, 5), 5);
	assert_int_equal(att_get(counts, 1), 22);

	att_drop(&tp);
	att_drop(&raw);
	getppid_n(3);
	assert_int_equal(att_get(counts, 5), 5);
	assert_int_equal(att_get(counts, 1), 22);
	eb_strbuf_release(&err);
}

/* A pinned link outlives every fd; unpinned and closed, it is gone. */
static void test_link_pin_survives(void **state)
{
	struct eb_object *obj;
	struct eb_link *l, *again = NULL;
	char path[256], *d1, *d2;
	uint32_t id;
	int counts, fd, i;

	ATT_REQUIRE_BPF();
	if (!att_bpffs)
		TU_SKIP("no private bpffs");
	obj = load_trace(&counts);
	counts = fcntl(counts, F_DUPFD_CLOEXEC, 0);	/* outlives the object */
	l = att_attach(att_prog(obj, "raw_getppid"), "raw_tracepoint sys_enter");
	id = l->id;
	d1 = att_describe(l);
	snprintf(path, sizeof(path), "%s/obj/links/%u", att_bpffs, id);
	assert_int_equal(eb_link_pin(l, path), 0);
	att_untrack(l);
	eb_link_close(l);			/* no fd left */
	att_obj_close(obj);			/* nor the program's */
	fd = eb_sys_link_get_fd_by_id(id);
	assert_true(fd >= 0);
	close(fd);
	getppid_n(4);
	assert_int_equal(att_get(counts, 1), 4);	/* still attached */

	assert_int_equal(eb_link_open_pinned(path, &again), 0);
	att_track(again);
	assert_int_equal(again->id, id);
	assert_int_equal(again->hook, EB_HOOK_RAW_TP);
	assert_null(again->line);
	d2 = att_describe(again);
	/* the same, less the line that only the attaching process knew */
	*strstr(d1, "line: ") = '\0';
	assert_string_equal(d2, d1);
	free(d1);
	free(d2);
	assert_int_equal(eb_link_unpin(again, path), 0);
	att_untrack(again);
	eb_link_close(again);
	for (i = 0; i < 100 && (fd = eb_sys_link_get_fd_by_id(id)) >= 0; i++) {
		close(fd);
		usleep(10000);
	}
	assert_int_equal(fd, -ENOENT);
	getppid_n(4);
	assert_int_equal(att_get(counts, 1), 4);
	assert_int_equal(eb_link_describe_id(id, NULL), -ENOENT);
	close(counts);
}

/* --- uprobes ------------------------------------------------------------------------ */

static void run_target(int k)
{
	char arg[16];
	pid_t pid;
	int st;

	snprintf(arg, sizeof(arg), "%d", k);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(getenv("EB_UPROBE_TARGET"), "uprobe_target", arg, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_uprobe(void **state)
{
	const char *bin = getenv("EB_UPROBE_TARGET");
	struct eb_object *obj;
	struct eb_link *up, *ret;
	char line[4096], want[8192], target[4200], *d;
	uint64_t off;
	int counts;

	ATT_REQUIRE_BPF();
	assert_non_null(bin);
	obj = load_trace(&counts);
	snprintf(line, sizeof(line), "uprobe %s:eb_uprobe_target", bin);
	up = att_attach(att_prog(obj, "up_target"), line);
	snprintf(line, sizeof(line), "uretprobe %s:eb_uprobe_target", bin);
	ret = att_attach(att_prog(obj, "upret_target"), line);
	assert_int_equal(up->hook, EB_HOOK_UPROBE);
	run_target(13);
	assert_int_equal(att_get(counts, 2), 13);
	assert_int_equal(att_get(counts, 3), 13);
	assert_int_equal(att_get(counts, 4), 13 * 13);	/* sum of 2i+1 */

	assert_int_equal(eb_elf_symbol_offset(bin, "eb_uprobe_target", &off), 0);
	snprintf(target, sizeof(target), "target: uretprobe %s+0x%llx\n", bin,
		 (unsigned long long)off);
	snprintf(want, sizeof(want),
		 "id: %u\ntype: perf_event\nprog_id: %u\n%sline: uretprobe %s:eb_uprobe_target\n",
		 ret->id, ret->prog_id, perf_target(__func__, ret->fd, target), bin);
	d = att_describe(ret);
	assert_string_equal(d, want);
	free(d);

	att_drop(&up);
	att_drop(&ret);
	run_target(2);
	assert_int_equal(att_get(counts, 2), 13);
	assert_int_equal(att_get(counts, 3), 13);
}

/* --- iterator ------------------------------------------------------------------------- */

static void test_iter_task(void **state)
{
	struct eb_strbuf out = EB_STRBUF_INIT;
	const struct eb_btf *vmlinux = tu_vmlinux();
	const struct btf_type *t;
	struct eb_object *obj;
	struct eb_link *l;
	char mine[32], *d;
	int id, idx, counts;

	ATT_REQUIRE_BPF();
	id = eb_btf_find_by_name_kind(vmlinux, "task_struct", BTF_KIND_STRUCT);
	assert_true(id > 0);
	idx = eb_btf_find_member(vmlinux, (uint32_t)id, "tgid");
	assert_true(idx >= 0);
	t = eb_btf_type_by_id(vmlinux, (uint32_t)id);
	obj = load_trace(&counts);
	att_set(att_map_fd(obj, "att_cfg"), 1, eb_btf_member_bit_offset(t, (uint32_t)idx) / 8);

	l = att_attach(att_prog(obj, "iter_tasks"), "auto");
	assert_int_equal(l->hook, EB_HOOK_ITER);
	assert_int_equal(eb_iter_read(l->fd, &out), 0);
	snprintf(mine, sizeof(mine), "tgid %d\n", (int)getpid());
	assert_non_null(strstr(out.buf, mine));
	snprintf(mine, sizeof(mine), "tgid %d\n", (int)getppid());
	assert_non_null(strstr(out.buf, mine));
	eb_strbuf_release(&out);
	d = att_describe(l);
	assert_non_null(strstr(d, "type: iter\n"));
	assert_non_null(strstr(d, "target: iter task\n"));
	free(d);
	/* a non-iterator link cannot be read */
	assert_int_equal(eb_iter_read(-1, &out), -EBADF);
	eb_strbuf_release(&out);
	att_drop(&l);
}

/* --- perf_event on every CPU -------------------------------------------------------- */

static void test_perf_event(void **state)
{
	struct eb_object *obj;
	struct eb_link *l, *again = NULL;
	struct timespec t0, t1;
	char path[256], *d;
	int counts, cpus;
	uint64_t n;
	unsigned int i;

	ATT_REQUIRE_BPF();
	obj = att_load("att_misc");
	counts = att_map_fd(obj, "misc_counts");
	l = att_attach(att_prog(obj, "pe_count"), "perf_event cpu-clock 1000");
	cpus = atoi(att_output("nproc"));
	assert_int_equal(l->cpu_cnt + 1, cpus);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do	/* spin for 200 ms */
		clock_gettime(CLOCK_MONOTONIC, &t1);
	while ((t1.tv_sec - t0.tv_sec) * 1000000000L + t1.tv_nsec - t0.tv_nsec < 200000000L);
	n = att_get(counts, 1);
	assert_true(n >= 20);
	d = att_describe(l);
	assert_non_null(strstr(d, "\ntype: perf_event\n"));
	if (kernel_describes_perf_link(l->fd)) {
		/* the kernel reports the PMU type it used: PERF_TYPE_SOFTWARE,
		 * or on newer kernels cpu-clock's own PMU */
		assert_non_null(strstr(d, "\ntarget: perf_event type "));
		assert_non_null(strstr(d, " config 0\nline: perf_event cpu-clock 1000\n"));
	} else {
		assert_non_null(strstr(d, "\ntarget: perf event\nline: perf_event cpu-clock 1000\n"));
		TU_SKIP_PART("this kernel does not describe perf_event links (bpf_link_info.perf_event, Linux 6.6)");
	}
	if (l->cpu_cnt)
		assert_non_null(strstr(d, "cpu_links: "));
	free(d);
	if (att_bpffs) {
		snprintf(path, sizeof(path), "%s/pe", att_bpffs);
		assert_int_equal(eb_link_pin(l, path), 0);
		assert_int_equal(eb_link_open_pinned(path, &again), 0);
		att_track(again);
		assert_int_equal(again->cpu_cnt, l->cpu_cnt);
		for (i = 0; i < l->cpu_cnt; i++)
			assert_int_equal(again->cpu_ids[i], l->cpu_ids[i]);
		assert_int_equal(eb_link_unpin(again, path), 0);
		assert_int_equal(eb_link_unpin(again, path), -ENOENT);
	}
	att_drop(&l);
	att_drop(&again);
}

/* --- refusals: exact errno and message -------------------------------------------------------- */

/* Attaching p by line fails with exactly err and message want. */
static void expect_refused(const struct eb_prog *p, const char *line, int err, const char *want)
{
	char msg[4096];

	assert_int_equal(att_attach_err(p, -1, line, msg, sizeof(msg)), err);
	assert_string_equal(msg, want);
}

static void test_targets_missing(void **state)
{
	enum { TRACE, NET, MISC };
	static const struct {
		int obj;		/* TRACE (att_trace), NET (att_net), MISC (att_misc) */
		const char *prog;
		const char *line;
		int err;
		const char *msg;
	} cases[] = {
		{ NET, "xdp_a", "xdp nosuchif0", -ENOENT, "attach: no such interface 'nosuchif0'" },
		{ TRACE, "tp_getppid", "tracepoint syscalls/sys_enter_nosuch", -ENOENT,
		  "attach: no tracepoint 'syscalls/sys_enter_nosuch' (/sys/kernel/tracing/events/syscalls/sys_enter_nosuch/id)" },
		{ TRACE, "raw_getppid", "raw_tracepoint nosuch_tp", -ENOENT,
		  "attach: no raw tracepoint 'nosuch_tp'" },
		{ TRACE, "up_target", "uprobe /nonexistent/bin:main", -ENOENT,
		  "attach: no such binary '/nonexistent/bin'" },
		{ MISC, "cg_egress", "cgroup /tmp egress", -EINVAL,
		  "attach: '/tmp' is not a cgroup v2 directory" },
		{ NET, "lookup", "netns /run/netns/ebatt-nosuch", -ENOENT,
		  "attach: netns '/run/netns/ebatt-nosuch': No such file or directory" },
		{ MISC, "sk_verdict", "sockmap ebatt_nosuch", -ENOENT,
		  "attach: no sockmap 'ebatt_nosuch'" },
	};
	struct eb_object *objs[3];
	char line[4096], want[4096];
	const char *bin = getenv("EB_UPROBE_TARGET");
	const char *cgroot = att_cgroot[0] ? att_cgroot : "/sys/fs/cgroup";
	size_t i;
	int counts;

	ATT_REQUIRE_BPF();
	objs[TRACE] = load_trace(&counts);
	objs[NET] = att_load("att_net");
	objs[MISC] = att_load("att_misc");
	for (i = 0; i < EB_ARRAY_SIZE(cases); i++)
		expect_refused(att_prog(objs[cases[i].obj], cases[i].prog), cases[i].line,
			       cases[i].err, cases[i].msg);
	snprintf(line, sizeof(line), "uprobe %s:no_such_symbol", bin);
	snprintf(want, sizeof(want), "attach: no symbol 'no_such_symbol' in '%s'", bin);
	expect_refused(att_prog(objs[TRACE], "up_target"), line, -ENOENT, want);
	snprintf(line, sizeof(line), "cgroup %s/ebatt-nosuch egress", cgroot);
	snprintf(want, sizeof(want), "attach: cgroup '%s/ebatt-nosuch': No such file or directory",
		 cgroot);
	expect_refused(att_prog(objs[MISC], "cg_egress"), line, -ENOENT, want);
	/* the kernel refuses: a cgroup_skb program on a connect4 hook */
	if (!att_cgroot[0]) {
		TU_SKIP_PART("no cgroup v2 hierarchy: the kernel's refusal of a cgroup attach");
		return;
	}
	snprintf(line, sizeof(line), "cgroup %s connect4", att_cgdir[0] ? att_cgdir : att_cgroot);
	snprintf(want, sizeof(want),
		 "attach: kernel refused 'cgroup %s cgroup_inet4_connect': Invalid argument",
		 att_cgdir[0] ? att_cgdir : att_cgroot);
	expect_refused(att_prog(objs[MISC], "cg_egress"), line, -EINVAL, want);
}

/*
 * kprobes: where the kernel has no kprobe PMU (this test machine), the
 * exact refusal, and the positive case skips visibly; elsewhere a kprobe
 * and a kretprobe on do_nanosleep count this process's nanosleep calls
 * (at least: other processes sleep too).
 */
static void test_kprobe(void **state)
{
	struct eb_object *obj;
	struct eb_link *kp, *kret;
	char *d;
	int counts;

	ATT_REQUIRE_BPF();
	obj = load_trace(&counts);
	if (access("/sys/bus/event_source/devices/kprobe/type", F_OK)) {
		expect_refused(att_prog(obj, "up_target"), "kprobe do_nanosleep", -EOPNOTSUPP,
			       "attach: kprobe: this kernel has no kprobe PMU (/sys/bus/event_source/devices/kprobe/type is missing)");
		expect_refused(att_prog(obj, "up_target"), "kretprobe do_nanosleep", -EOPNOTSUPP,
			       "attach: kretprobe: this kernel has no kprobe PMU (/sys/bus/event_source/devices/kprobe/type is missing)");
		TU_SKIP("positive case: this kernel has no kprobe PMU (/sys/bus/event_source/devices/kprobe)");
	}
	kp = att_attach(att_prog(obj, "up_target"), "kprobe do_nanosleep");
	kret = att_attach(att_prog(obj, "upret_target"), "kretprobe do_nanosleep");
	assert_int_equal(kp->hook, EB_HOOK_KPROBE);
	assert_int_equal(kret->hook, EB_HOOK_KRETPROBE);
	nanosleep_n(9);
	assert_true(att_get(counts, 2) >= 9);
	assert_true(att_get(counts, 3) >= 9);
	d = att_describe(kp);
	assert_non_null(strstr(d, "\ntype: perf_event\n"));
	assert_non_null(strstr(d, "\nline: kprobe do_nanosleep"));
	free(d);
	att_drop(&kp);
	att_drop(&kret);
}

/*
 * fentry: a target not in the kernel's BTF is refused before the kernel
 * is asked.  Where the kernel refuses a minimal fentry program (this test
 * machine: EPERM), att_fentry fails with that errno and a message naming
 * the program, and the positive case skips visibly; elsewhere fentry and
 * fexit programs on do_nanosleep attach and count this process's
 * nanosleep calls (at least: other processes sleep too).
 */
static void test_fentry(void **state)
{
	struct eb_object *obj;
	const struct eb_obj_map *bss;
	char want[512];
	struct eb_link *fe, *fx;
	struct eb_prog fake;
	uint64_t vals[2] = { 0, 0 };
	uint32_t key = 0;
	int ret, probe;

	ATT_REQUIRE_BPF();
	obj = tu_obj_open("att_fentry");
	att_adopt(obj);
	/* a BTF target that does not exist: refused before the kernel is asked */
	memset(&fake, 0, sizeof(fake));
	fake.type = BPF_PROG_TYPE_TRACING;
	fake.expected_attach_type = BPF_TRACE_FENTRY;
	fake.sec_name = "fentry/ebpfs_no_such_function";
	fake.fd = -1;
	expect_refused(&fake, "fentry", -ENOENT,
		       "attach: fentry target 'ebpfs_no_such_function': no 'ebpfs_no_such_function' in the kernel's BTF");

	probe = tu_prog_probe(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, 0,
			      (uint32_t)tu_vmlinux_id("do_nanosleep", BTF_KIND_FUNC), 0);
	ret = eb_object_load(obj, NULL);
	if (probe) {
		assert_int_equal(ret, probe);
		snprintf(want, sizeof(want),
			 "load: program 'fentry_sleep' (section 'fentry/do_nanosleep'): the kernel refused it: %s",
			 eb_strerror(probe));
		assert_string_equal(eb_object_errmsg(obj), want);
		TU_SKIP("positive case: this kernel refuses a minimal fentry program (%s)",
		     eb_strerror(probe));
	}
	if (ret)
		fail_msg("load att_fentry: %d: %s (the kernel takes a minimal fentry program)", ret,
			 eb_object_errmsg(obj));
	fe = att_attach(att_prog(obj, "fentry_sleep"), "auto");
	assert_int_equal(fe->hook, EB_HOOK_FENTRY);
	att_drop(&fe);

	/* fentry.c counts: entries and exits of do_nanosleep in .bss */
	obj = att_load("fentry");
	fe = att_attach(att_prog(obj, "fe_nanosleep"), "auto");
	fx = att_attach(att_prog(obj, "fx_nanosleep"), "fexit");
	assert_int_equal(fe->hook, EB_HOOK_FENTRY);
	assert_int_equal(fx->hook, EB_HOOK_FEXIT);
	nanosleep_n(7);
	bss = eb_object_find_map(obj, ".bss");
	assert_non_null(bss);
	assert_int_equal(bss->value_size, sizeof(vals));
	assert_int_equal(eb_sys_map_lookup_elem(bss->fd, &key, vals, 0), 0);
	assert_true(vals[0] >= 7);	/* entries */
	assert_true(vals[1] >= 7);	/* exits */
	att_drop(&fe);
	att_drop(&fx);
}

static void test_link_from_fd(void **state)
{
	struct eb_object *obj;
	struct eb_link *l, *w = NULL;
	int counts, fd;

	ATT_REQUIRE_BPF();
	obj = load_trace(&counts);
	l = att_attach(att_prog(obj, "tp_getppid"), "auto");
	fd = eb_sys_link_get_fd_by_id(l->id);
	assert_true(fd >= 0);
	assert_int_equal(eb_link_from_fd(fd, &w), 0);
	assert_int_equal(w->id, l->id);
	assert_int_equal(w->hook, EB_HOOK_TRACEPOINT);
	assert_int_equal(w->prog_id, l->prog_id);
	eb_link_close(w);
	/* a map fd is no link (and is closed) */
	fd = fcntl(att_map_fd(obj, "trace_counts"), F_DUPFD_CLOEXEC, 0);
	assert_int_equal(eb_link_from_fd(fd, &w), -EINVAL);
	assert_null(w);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	att_drop(&l);
}

static int group_teardown(void **state)
{
	tu_vmlinux_free();
	return att_group_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ATT_T(test_tracepoint_and_raw_tp),
		ATT_T(test_link_pin_survives),
		ATT_T(test_uprobe),
		ATT_T(test_iter_task),
		ATT_T(test_perf_event),
		ATT_T(test_targets_missing),
		ATT_T(test_kprobe),
		ATT_T(test_fentry),
		ATT_T(test_link_from_fd),
	};

	return cmocka_run_group_tests(tests, att_group_setup, group_teardown);
}
