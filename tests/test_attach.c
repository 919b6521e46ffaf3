/* SPDX-License-Identifier: MIT */
/*
 * test_attach.c - attach lines, attaching and links against the kernel.
 *
 * Real attachments: XDP and tc (tcx and the netlink fallback) on a veth
 * pair between two network namespaces this test creates (never the host's
 * interfaces), tracepoints and raw tracepoints counting the test's own
 * getppid() calls, cgroup_skb on a cgroup v2 directory it creates, uprobes
 * on tests/uprobe_target.c ($EB_UPROBE_TARGET), a task iterator, sk_lookup
 * through a netns, perf_event on every CPU, sockmap, link pinning in a
 * private bpffs, and replacing a program in place under traffic.  Every
 * count is exact.  Teardown removes the namespaces (and with them the
 * veths), the cgroup, the pins and every link, also after a failure.
 * Skips visibly without root / bpf(2).
 *
 * What differs between kernels is probed with direct bpf(2) calls before
 * it is asserted: tcx links (6.6), sockmap links (6.10), the perf_event
 * part of bpf_link_info (6.6), fentry loads, the kprobe PMU.  Where the
 * kernel lacks a thing, the test asserts how it is refused (or the
 * fallback that replaces it) and skips the positive case visibly
 * ("SKIP <test>: ..." or "SKIP part of <test>: ...").  The cgroup v2
 * root is found, or a private cgroup2 is mounted for the test.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "attach.h"
#include "btf.h"
#include "info.h"
#include "log.h"
#include "object.h"
#include "strbuf.h"
#include "syscall.h"
#include "testutil.h"
#include "util.h"

#define PORT 31337
#define CG_PORT 31338
#define ADDR_A "10.199.77.1"
#define ADDR_B "10.199.77.2"

static bool have_bpf;
static bool have_net;
static char ns_a[64], ns_b[64];		/* network namespaces we created */
static int host_ns = -1;		/* our original netns */
static char bpffs[64];			/* a private bpffs mount */
static char cgroot[512];		/* the cgroup v2 root we use */
static bool cg_private;			/* cgroot is our own cgroup2 mount */
static char cgdir[600];			/* our cgroup v2 directory */
static char last_warn[4096];

#define MAX_TRACKED 32
static struct eb_link *tracked[MAX_TRACKED];
static struct eb_object *objs[MAX_TRACKED];

#define SKIP(fmt, ...) do {						\
	printf("SKIP %s: " fmt "\n", __func__, ##__VA_ARGS__);		\
	skip();								\
} while (0)

#define REQUIRE_BPF() do { if (!have_bpf) SKIP("needs root and bpf(2)"); } while (0)
#define REQUIRE_NET() do {						\
	REQUIRE_BPF();							\
	if (!have_net) SKIP("cannot create network namespaces / veth"); \
} while (0)

static void capture(enum eb_log_level level, const char *msg)
{
	if (level == EB_LOG_WARN)
		snprintf(last_warn, sizeof(last_warn), "%s", msg);
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The output of a shell command (static buffer). */
static const char *output(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *output(const char *fmt, ...)
{
	static char buf[8192];
	char cmd[1024];
	va_list ap;
	size_t n = 0;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	f = popen(cmd, "r");
	if (!f)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	pclose(f);
	return buf;
}

/* --- tracking: whatever a test leaves behind, teardown removes -------------- */

static void track(struct eb_link *l)
{
	int i;

	for (i = 0; i < MAX_TRACKED; i++)
		if (!tracked[i]) {
			tracked[i] = l;
			return;
		}
	fail_msg("too many links");
}

static void untrack(struct eb_link *l)
{
	int i;

	for (i = 0; i < MAX_TRACKED; i++)
		if (tracked[i] == l)
			tracked[i] = NULL;
}

/* Detach and close (and forget) a link. */
static void drop(struct eb_link **l)
{
	if (!*l)
		return;
	untrack(*l);
	eb_link_detach(*l);
	eb_link_close(*l);
	*l = NULL;
}

static void drop_all(void)
{
	int i;

	for (i = 0; i < MAX_TRACKED; i++) {
		if (tracked[i]) {
			eb_link_detach(tracked[i]);
			eb_link_close(tracked[i]);
			tracked[i] = NULL;
		}
		eb_object_close(objs[i]);
		objs[i] = NULL;
	}
}

static struct eb_object *load(const char *name)
{
	struct eb_object *obj = NULL;
	char path[4096];
	int err, i;

	snprintf(path, sizeof(path), "%s/%s.bpf.o", getenv("EB_BPF_DIR"), name);
	err = eb_object_open_file(path, NULL, &obj);
	if (err)
		fail_msg("open %s: %d: %s", path, err, last_warn);
	for (i = 0; i < MAX_TRACKED && objs[i]; i++)
		;
	assert_true(i < MAX_TRACKED);
	objs[i] = obj;
	err = eb_object_load(obj, NULL);
	if (err)
		fail_msg("load %s: %d: %s", name, err, eb_object_errmsg(obj));
	return obj;
}

static struct eb_prog *prog(struct eb_object *obj, const char *name)
{
	struct eb_prog *p = eb_object_find_prog(obj, name);

	if (!p)
		fail_msg("no program %s", name);
	assert_true(p->fd >= 0);
	return p;
}

static int map_fd(struct eb_object *obj, const char *name)
{
	const struct eb_obj_map *m = eb_object_find_map(obj, name);

	if (!m)
		fail_msg("no map %s", name);
	return m->fd;
}

static uint32_t prog_id_of(int fd)
{
	struct eb_prog_info pi;
	uint32_t id;

	assert_int_equal(eb_prog_info_by_fd(fd, &pi), 0);
	id = pi.id;
	eb_prog_info_release(&pi);
	return id;
}

static uint64_t get(int fd, uint32_t key)
{
	uint64_t v = 0;

	assert_int_equal(eb_sys_map_lookup_elem(fd, &key, &v, 0), 0);
	return v;
}

static void set(int fd, uint32_t key, uint64_t v)
{
	assert_int_equal(eb_sys_map_update_elem(fd, &key, &v, BPF_ANY), 0);
}

/* Parse line for p and attach; fails the test with the message on error. */
static struct eb_link *attach(const struct eb_prog *p, const char *line)
{
	struct eb_strbuf err = EB_STRBUF_INIT;
	struct eb_attach_spec spec;
	struct eb_link *l = NULL;
	int ret;

	ret = eb_attach_parse(line, p->type, p->expected_attach_type, p->sec_name, &spec, &err);
	if (ret)
		fail_msg("parse '%s': %d: %s", line, ret, err.buf);
	ret = eb_attach(p->fd, &spec, NULL, &l, &err);
	eb_attach_spec_release(&spec);
	if (ret) {
		char msg[4096];

		snprintf(msg, sizeof(msg), "%s", err.buf);
		eb_strbuf_release(&err);
		fail_msg("attach '%s': %d: %s", line, ret, msg);
	}
	eb_strbuf_release(&err);
	track(l);
	return l;
}

/* Parse and attach expecting failure: returns the errno, *msg the message. */
static int attach_err(const struct eb_prog *p, int fd, const char *line, char *msg, size_t len)
{
	struct eb_strbuf err = EB_STRBUF_INIT;
	struct eb_attach_spec spec;
	struct eb_link *l = NULL;
	int ret;

	ret = eb_attach_parse(line, p ? p->type : 0, p ? p->expected_attach_type : 0,
			      p ? p->sec_name : NULL, &spec, &err);
	if (!ret) {
		ret = eb_attach(p ? p->fd : fd, &spec, NULL, &l, &err);
		eb_attach_spec_release(&spec);
	}
	snprintf(msg, len, "%s", err.buf);
	eb_strbuf_release(&err);
	if (!ret) {
		track(l);
		fail_msg("attach '%s' succeeded", line);
	}
	return ret;
}

static char *describe(const struct eb_link *l)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;

	assert_int_equal(eb_link_describe(l, &sb), 0);
	return eb_strbuf_detach(&sb, NULL);
}

/* --- what the running kernel supports (direct bpf(2) calls) ----------------- */

/*
 * Whether this kernel has tcx links (Linux 6.6): 0 when a tcx link on the
 * current network namespace's lo can be made (it is closed again at once,
 * which detaches it), else the -errno: -EINVAL for a kernel without tcx.
 */
static int probe_tcx(void)
{
	int prog, link;

	prog = tu_prog_load_const(BPF_PROG_TYPE_SCHED_CLS, EB_ATTACH_TCX_INGRESS,
				  -1 /* TCX_NEXT */, "eb_probe_tcx");
	if (prog < 0)
		return prog;
	link = eb_sys_link_create(prog, (int)if_nametoindex("lo"), EB_ATTACH_TCX_INGRESS, NULL);
	close(prog);
	if (link < 0)
		return link;
	close(link);
	return 0;
}

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

/* The target line describe() gives a perf_event link: `want` where the
 * kernel describes perf_event links, else the generic one, and a visible
 * partial skip (test: the caller's name). */
static const char *perf_target(const char *test, int link_fd, const char *want)
{
	if (kernel_describes_perf_link(link_fd))
		return want;
	tu_print_skip_part(test, "this kernel does not describe perf_event links (bpf_link_info.perf_event, Linux 6.6): the target line is generic");
	return "target: perf event\n";
}

/*
 * Whether this kernel loads fentry programs: 0 when it takes a minimal
 * fentry program on `target` (BTF function of vmlinux), else the -errno
 * (this test machine: -EPERM).
 */
static int probe_fentry(const char *target)
{
	const struct bpf_insn insns[] = {
		eb_insn_mov64_imm(BPF_REG_0, 0),
		eb_insn_exit(),
	};
	struct eb_prog_load_opts o = {
		.type = BPF_PROG_TYPE_TRACING, .expected_attach_type = BPF_TRACE_FENTRY,
		.name = "eb_probe_fe", .license = "GPL", .insns = insns, .insn_cnt = 2,
	};
	struct eb_btf *vmlinux = NULL;
	int id, fd;

	assert_int_equal(eb_btf_load_vmlinux(&vmlinux), 0);
	id = eb_btf_find_by_name_kind(vmlinux, target, BTF_KIND_FUNC);
	eb_btf_free(vmlinux);
	assert_true(id > 0);
	o.attach_btf_id = (uint32_t)id;
	fd = eb_sys_prog_load(&o);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* n calls of nanosleep(2) (1 us each): do_nanosleep runs n times. */
static void nanosleep_n(int n)
{
	struct timespec ts = { 0, 1000 };
	int i;

	for (i = 0; i < n; i++)
		nanosleep(&ts, NULL);
}

/* --- network namespaces and traffic ---------------------------------------- */

static int enter_ns(const char *name)
{
	char path[128];
	int fd, err;

	if (!name)
		return setns(host_ns, CLONE_NEWNET) ? -errno : 0;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	return err;
}

/*
 * Send count UDP datagrams to dst:port from network namespace ns (NULL:
 * the current one), pausing 200 us after every `burst` packets (0: never).
 * Runs in a child process; returns the number sent.
 */
static int send_udp(const char *ns, const char *dst, int port, int count, int burst)
{
	pid_t pid;
	int st;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
		int s, i, sent = 0;

		if (ns && enter_ns(ns))
			_exit(255);
		inet_pton(AF_INET, dst, &sa.sin_addr);
		s = socket(AF_INET, SOCK_DGRAM, 0);
		if (s < 0)
			_exit(255);
		for (i = 0; i < count; i++) {
			if (sendto(s, "ebpfs", 5, 0, (struct sockaddr *)&sa, sizeof(sa)) == 5)
				sent++;
			if (burst && i % burst == burst - 1)
				usleep(200);
		}
		_exit(sent == count ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	return count;
}

static void net_teardown_ns(void)
{
	if (ns_a[0])
		run("ip netns del %s 2>/dev/null", ns_a);
	if (ns_b[0])
		run("ip netns del %s 2>/dev/null", ns_b);
	ns_a[0] = ns_b[0] = '\0';
}

static bool net_setup(void)
{
	snprintf(ns_a, sizeof(ns_a), "ebatt-a-%d", (int)getpid());
	snprintf(ns_b, sizeof(ns_b), "ebatt-b-%d", (int)getpid());
	if (run("ip netns add %s && ip netns add %s", ns_a, ns_b) ||
	    run("ip link add eba0 netns %s type veth peer name ebb0 netns %s", ns_a, ns_b) ||
	    run("ip -n %s addr add " ADDR_A "/24 dev eba0 && ip -n %s link set eba0 up && ip -n %s link set lo up",
		ns_a, ns_a, ns_a) ||
	    run("ip -n %s addr add " ADDR_B "/24 dev ebb0 && ip -n %s link set ebb0 up && ip -n %s link set lo up",
		ns_b, ns_b, ns_b)) {
		net_teardown_ns();
		return false;
	}
	/* resolve neighbours both ways (port 9: counted by nobody) */
	usleep(100000);
	send_udp(ns_b, ADDR_A, 9, 1, 0);
	send_udp(ns_a, ADDR_B, 9, 1, 0);
	usleep(200000);
	return true;
}

/* --- fixtures ------------------------------------------------------------------ */

static void remove_fixtures(void)
{
	net_teardown_ns();
	if (bpffs[0]) {
		umount2(bpffs, MNT_DETACH);
		rmdir(bpffs);
		bpffs[0] = '\0';
	}
	if (cgdir[0]) {
		rmdir(cgdir);
		cgdir[0] = '\0';
	}
	if (cg_private) {
		umount2(cgroot, MNT_DETACH);
		rmdir(cgroot);
		cg_private = false;
	}
	cgroot[0] = '\0';
}

/*
 * The cgroup v2 hierarchy: tu_cgroup2_root(), else the first cgroup2
 * mount in /proc/self/mounts, else a private cgroup2 mount on a new
 * /tmp/ebatt-cg2-XXXXXX (removed by remove_fixtures()).  Then our
 * directory in it.  cgroot / cgdir stay "" when that fails.
 */
static void cgroup_setup(void)
{
	const char *root = tu_cgroup2_root();
	struct mntent *me;
	FILE *f;

	if (root) {
		snprintf(cgroot, sizeof(cgroot), "%s", root);
	} else if ((f = setmntent("/proc/self/mounts", "r"))) {
		while ((me = getmntent(f)))
			if (!strcmp(me->mnt_type, "cgroup2")) {
				snprintf(cgroot, sizeof(cgroot), "%s", me->mnt_dir);
				break;
			}
		endmntent(f);
	}
	if (!cgroot[0]) {
		snprintf(cgroot, sizeof(cgroot), "/tmp/ebatt-cg2-XXXXXX");
		if (!mkdtemp(cgroot)) {
			cgroot[0] = '\0';
			return;
		}
		if (mount("cgroup2", cgroot, "cgroup2", 0, NULL)) {
			rmdir(cgroot);
			cgroot[0] = '\0';
			return;
		}
		cg_private = true;
	}
	snprintf(cgdir, sizeof(cgdir), "%s/ebatt-%d", cgroot, (int)getpid());
	if (mkdir(cgdir, 0755))
		cgdir[0] = '\0';
}

/* meson's timeout sends SIGTERM: leave nothing behind even then */
static void on_term(int sig)
{
	if (host_ns >= 0)
		setns(host_ns, CLONE_NEWNET);
	remove_fixtures();
	_exit(128 + sig);
}

static int group_setup(void **state)
{
	struct eb_map_create_opts o = { .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					.value_size = 4, .max_entries = 1 };
	int fd;

	eb_set_print(capture);
	fd = eb_sys_map_create(&o);
	have_bpf = fd >= 0 && geteuid() == 0;
	if (fd >= 0)
		close(fd);
	if (!have_bpf)
		return 0;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	have_net = host_ns >= 0 && net_setup();
	snprintf(bpffs, sizeof(bpffs), "/tmp/ebatt-bpffs-XXXXXX");
	if (!mkdtemp(bpffs) || mount("bpf", bpffs, "bpf", 0, NULL)) {
		if (bpffs[0])
			rmdir(bpffs);
		bpffs[0] = '\0';
	}
	cgroup_setup();
	return 0;
}

static int group_teardown(void **state)
{
	drop_all();
	if (host_ns >= 0) {
		setns(host_ns, CLONE_NEWNET);
		close(host_ns);
		host_ns = -1;
	}
	remove_fixtures();
	eb_set_print(NULL);
	return 0;
}

/* Per test: links and objects go, and we are back in our own netns. */
static int test_teardown(void **state)
{
	drop_all();
	if (host_ns >= 0)
		setns(host_ns, CLONE_NEWNET);
	if (bpffs[0])
		run("rm -rf %s/* 2>/dev/null", bpffs);
	if (ns_a[0])	/* a failed tc test may leave a clsact behind */
		run("tc -n %s qdisc del dev eba0 clsact 2>/dev/null", ns_a);
	return 0;
}

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

/* --- helpers of probe.c -------------------------------------------------------- */

static void test_probe_helpers(void **state)
{
	const char *bin = getenv("EB_UPROBE_TARGET");
	uint64_t off = 0;
	char cmd[4096];
	const char *nm;
	unsigned long long addr;
	int err;

	REQUIRE_BPF();
	assert_string_equal(eb_tracefs_dir(&err), "/sys/kernel/tracing");
	assert_int_equal(err, 0);
	assert_int_equal(eb_tracepoint_id("syscalls", "sys_enter_getppid"),
			 atoi(output("cat /sys/kernel/tracing/events/syscalls/sys_enter_getppid/id")));
	assert_int_equal(eb_tracepoint_id("syscalls", "no_such_tp"), -ENOENT);
	assert_int_equal(eb_tracepoint_id("..", "x"), -ENOENT);
	assert_int_equal(eb_pmu_type("uprobe"),
			 atoi(output("cat /sys/bus/event_source/devices/uprobe/type")));
	assert_int_equal(eb_pmu_type("no_such_pmu"), -ENOENT);
	assert_non_null(bin);
	assert_int_equal(eb_elf_symbol_offset(bin, "eb_uprobe_target", &off), 0);
	/* a PIE's text segment: file offset == vaddr for the first PT_LOAD pair */
	snprintf(cmd, sizeof(cmd), "nm %s | awk '$3 == \"eb_uprobe_target\" { print $1 }'", bin);
	nm = output("%s", cmd);
	assert_int_equal(sscanf(nm, "%llx", &addr), 1);
	assert_true(off > 0);
	assert_true(off <= addr);
	assert_int_equal(eb_elf_symbol_offset(bin, "no_such_symbol", &off), -ENOENT);
	assert_int_equal(eb_elf_symbol_offset("/nonexistent", "main", &off), -ENOENT);
	assert_int_equal(eb_elf_symbol_offset("/proc/self/status", "main", &off), -ENOEXEC);
}

/* --- XDP -------------------------------------------------------------------------- */

static void test_xdp(void **state)
{
	struct eb_object *obj;
	struct eb_link *l;
	struct eb_link_info info;
	char want[512], *d;
	int counts, idx;

	REQUIRE_NET();
	obj = load("att_net");
	counts = map_fd(obj, "net_counts");
	assert_int_equal(enter_ns(ns_a), 0);
	idx = (int)if_nametoindex("eba0");
	assert_true(idx > 0);

	l = attach(prog(obj, "xdp_a"), "xdp eba0");
	assert_int_equal(l->kind, EB_LINK_BPF);
	assert_int_equal(l->hook, EB_HOOK_XDP);
	assert_int_equal(eb_link_info_by_fd(l->fd, &info), 0);
	assert_int_equal(info.type, BPF_LINK_TYPE_XDP);
	assert_int_equal(info.ifindex, idx);
	assert_int_equal(info.id, l->id);
	eb_link_info_release(&info);
	snprintf(want, sizeof(want), "%u", l->id);
	assert_string_equal(l->name, want);
	snprintf(want, sizeof(want),
		 "id: %u\ntype: xdp\nprog_id: %u\ntarget: ifindex %d (eba0)\nline: xdp eba0\n",
		 l->id, l->prog_id, idx);
	d = describe(l);
	assert_string_equal(d, want);
	free(d);

	send_udp(ns_b, ADDR_A, PORT, 25, 0);
	assert_int_equal(get(counts, 0), 25);
	drop(&l);
	send_udp(ns_b, ADDR_A, PORT, 10, 0);
	assert_int_equal(get(counts, 0), 25);
}

/* BPF_LINK_UPDATE under continuous traffic: no packet goes uncounted. */
static void test_xdp_replace_under_traffic(void **state)
{
	const int total = 20000;
	struct eb_strbuf err = EB_STRBUF_INIT;
	struct eb_object *obj;
	struct eb_link *l;
	uint32_t id;
	uint64_t a, b;
	pid_t pid;
	int counts, st, i;

	REQUIRE_NET();
	obj = load("att_net");
	counts = map_fd(obj, "net_counts");
	assert_int_equal(enter_ns(ns_a), 0);
	l = attach(prog(obj, "xdp_a"), "xdp eba0");
	id = l->id;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)	/* the blaster: paced so the veth's XDP ring never overflows */
		exit(send_udp(ns_b, ADDR_A, PORT, total, 32) == total ? 0 : 1);
	for (i = 0; i < 5000 && get(counts, 0) < 2000; i++)
		usleep(1000);
	assert_int_equal(eb_link_update(l, prog(obj, "xdp_b")->fd, &err), 0);
	eb_strbuf_release(&err);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	a = get(counts, 0);
	b = get(counts, 1);
	printf("replace under traffic: %llu by xdp_a, %llu by xdp_b\n", (unsigned long long)a,
	       (unsigned long long)b);
	assert_true(a >= 2000);
	assert_true(b > 0);
	assert_int_equal(a + b, total);
	assert_int_equal(l->id, id);	/* the same link */
	assert_int_equal(l->prog_id, prog_id_of(prog(obj, "xdp_b")->fd));
	drop(&l);
}

/* --- tc ----------------------------------------------------------------------------- */

static void test_tcx(void **state)
{
	struct eb_object *obj;
	struct eb_link *in, *out;
	char want[512], msg[4096], *d;
	int counts, idx, tcx;

	REQUIRE_NET();
	obj = load("att_net");
	counts = map_fd(obj, "net_counts");
	assert_int_equal(enter_ns(ns_a), 0);
	idx = (int)if_nametoindex("eba0");
	tcx = probe_tcx();
	if (tcx) {
		/* no tcx: "tcx" insists and gets the kernel's refusal; "auto"
		 * falls back to a clsact qdisc, which counts */
		assert_int_equal(tcx, -EINVAL);
		assert_int_equal(attach_err(prog(obj, "tc_out"), -1, "tc eba0 egress tcx", msg,
					    sizeof(msg)), -EINVAL);
		assert_string_equal(msg, "attach: kernel refused 'tc eba0 egress tcx': Invalid argument");
		in = attach(prog(obj, "tc_in"), "auto eba0");
		assert_int_equal(in->kind, EB_LINK_TC_NETLINK);
		assert_int_equal(in->hook, EB_HOOK_TC);
		send_udp(ns_b, ADDR_A, PORT, 7, 0);
		assert_int_equal(get(counts, 2), 7);
		drop(&in);
		send_udp(ns_b, ADDR_A, PORT, 3, 0);
		assert_int_equal(get(counts, 2), 7);
		SKIP("this kernel has no tcx links (%s); the clsact fallback counted",
		     eb_strerror(tcx));
	}
	in = attach(prog(obj, "tc_in"), "auto eba0");
	out = attach(prog(obj, "tc_out"), "tc eba0 egress tcx");
	assert_int_equal(in->kind, EB_LINK_BPF);
	assert_int_equal(in->hook, EB_HOOK_TC);
	snprintf(want, sizeof(want),
		 "id: %u\ntype: tcx\nprog_id: %u\ntarget: ifindex %d (eba0)\nattach_type: tcx_ingress\nline: tc eba0 ingress\n",
		 in->id, in->prog_id, idx);
	d = describe(in);
	assert_string_equal(d, want);
	free(d);

	send_udp(ns_b, ADDR_A, PORT, 7, 0);	/* in at eba0 */
	send_udp(NULL, ADDR_B, PORT, 5, 0);	/* out of eba0 */
	assert_int_equal(get(counts, 2), 7);
	assert_int_equal(get(counts, 3), 5);
	drop(&in);
	drop(&out);
	send_udp(ns_b, ADDR_A, PORT, 3, 0);
	send_udp(NULL, ADDR_B, PORT, 3, 0);
	assert_int_equal(get(counts, 2), 7);
	assert_int_equal(get(counts, 3), 5);
}

static void test_tc_netlink(void **state)
{
	struct eb_strbuf err = EB_STRBUF_INIT;
	struct eb_object *obj;
	struct eb_link *l, *again = NULL;
	char want[512], path[256], *d;
	const char *out;
	int counts, idx;

	REQUIRE_NET();
	if (!bpffs[0])
		SKIP("no private bpffs");
	obj = load("att_net");
	counts = map_fd(obj, "net_counts");
	assert_int_equal(enter_ns(ns_a), 0);
	idx = (int)if_nametoindex("eba0");
	assert_int_equal(strstr(output("tc -n %s qdisc show dev eba0", ns_a), "clsact"), NULL);

	l = attach(prog(obj, "tc_nl"), "tc eba0 ingress netlink");
	assert_int_equal(l->kind, EB_LINK_TC_NETLINK);
	assert_int_equal(l->fd, -1);
	assert_int_equal(l->id, 0);
	assert_true(l->qdisc_created);
	assert_int_equal(l->ifindex, idx);
	assert_int_equal(l->tc_parent, 0xfffffff2);	/* ffff:fff2, clsact ingress */
	assert_int_equal(l->tc_handle, 1);
	assert_int_equal(l->tc_prio, 49152);		/* the kernel's first automatic priority */
	snprintf(want, sizeof(want), "tc-%d-ingress-1", idx);
	assert_string_equal(l->name, want);
	snprintf(want, sizeof(want),
		 "name: tc-%d-ingress-1\ntype: tc_netlink\nprog_id: %u\ntarget: ifindex %d (eba0) ingress handle 1 prio 49152 (clsact created by ebpfs)\nline: tc eba0 ingress netlink\n",
		 idx, l->prog_id, idx);
	d = describe(l);
	assert_string_equal(d, want);
	free(d);
	/* tc(8) as the witness */
	assert_non_null(strstr(output("tc -n %s qdisc show dev eba0", ns_a), "qdisc clsact ffff:"));
	out = output("tc -n %s filter show dev eba0 ingress", ns_a);
	assert_non_null(strstr(out, "tc_nl"));
	assert_non_null(strstr(out, "direct-action"));

	send_udp(ns_b, ADDR_A, PORT, 6, 0);
	assert_int_equal(get(counts, 4), 6);
	/* replaced in place */
	assert_int_equal(eb_link_update(l, prog(obj, "tc_nl2")->fd, &err), 0);
	assert_int_equal(l->prog_id, prog_id_of(prog(obj, "tc_nl2")->fd));
	send_udp(ns_b, ADDR_A, PORT, 4, 0);
	assert_int_equal(get(counts, 4), 6);
	assert_int_equal(get(counts, 6), 4);
	assert_non_null(strstr(output("tc -n %s filter show dev eba0 ingress", ns_a), "tc_nl2"));

	/* the record survives in the bpffs; detach after "a restart" */
	snprintf(path, sizeof(path), "%s/links/tc", bpffs);
	assert_int_equal(eb_link_pin(l, path), 0);
	untrack(l);
	eb_link_close(l);
	assert_int_equal(eb_link_open_pinned(path, &again), 0);
	track(again);
	assert_int_equal(again->kind, EB_LINK_TC_NETLINK);
	assert_int_equal(again->ifindex, idx);
	assert_int_equal(again->tc_handle, 1);
	assert_int_equal(again->tc_prio, 49152);
	assert_true(again->qdisc_created);
	assert_int_equal(eb_link_unpin(again, path), 0);
	assert_int_equal(eb_link_detach(again), 0);
	untrack(again);
	eb_link_close(again);
	/* filter and the qdisc we created are gone */
	assert_null(strstr(output("tc -n %s qdisc show dev eba0", ns_a), "clsact"));
	send_udp(ns_b, ADDR_A, PORT, 4, 0);
	assert_int_equal(get(counts, 6), 4);
	eb_strbuf_release(&err);
}

/* A clsact that was there before is left in place. */
static void test_tc_netlink_keeps_foreign_qdisc(void **state)
{
	struct eb_object *obj;
	struct eb_link *l;

	REQUIRE_NET();
	obj = load("att_net");
	assert_int_equal(run("tc -n %s qdisc add dev eba0 clsact", ns_a), 0);
	assert_int_equal(enter_ns(ns_a), 0);
	l = attach(prog(obj, "tc_nl"), "tc eba0 egress netlink");
	assert_false(l->qdisc_created);
	assert_int_equal(l->tc_parent, 0xfffffff3);	/* clsact egress */
	drop(&l);
	assert_non_null(strstr(output("tc -n %s qdisc show dev eba0", ns_a), "clsact"));
	assert_int_equal(run("tc -n %s qdisc del dev eba0 clsact", ns_a), 0);
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
	struct eb_object *obj = load("att_trace");

	set(map_fd(obj, "att_cfg"), 0, (uint64_t)getpid());
	*counts = map_fd(obj, "trace_counts");
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

	REQUIRE_BPF();
	obj = load_trace(&counts);
	tp = attach(prog(obj, "tp_getppid"), "auto");
	raw = attach(prog(obj, "raw_getppid"), "auto");
	assert_int_equal(tp->hook, EB_HOOK_TRACEPOINT);
	assert_string_equal(tp->line, "tracepoint syscalls/sys_enter_getppid");
	assert_string_equal(raw->line, "raw_tracepoint sys_enter");
	getppid_n(17);
	assert_int_equal(get(counts, 0), 17);
	assert_int_equal(get(counts, 1), 17);

	snprintf(want, sizeof(want),
		 "id: %u\ntype: perf_event\nprog_id: %u\n%sline: tracepoint syscalls/sys_enter_getppid\n",
		 tp->id, tp->prog_id,
		 perf_target(__func__, tp->fd, "target: tracepoint sys_enter_getppid\n"));
	d = describe(tp);
	assert_string_equal(d, want);
	free(d);
	snprintf(want, sizeof(want),
		 "id: %u\ntype: raw_tracepoint\nprog_id: %u\ntarget: raw_tracepoint sys_enter\nline: raw_tracepoint sys_enter\n",
		 raw->id, raw->prog_id);
	d = describe(raw);
	assert_string_equal(d, want);
	free(d);

	/* perf links cannot swap programs: make before break */
	old_id = tp->id;
	assert_int_equal(eb_link_update(tp, prog(obj, "tp_getppid2")->fd, &err), 0);
	assert_int_not_equal(tp->id, old_id);
	assert_int_equal(eb_sys_link_get_fd_by_id(old_id), -ENOENT);
	getppid_n(5);
	assert_int_equal(get(counts, 0), 17);
	assert_int_equal(get(counts, 5), 5);
	assert_int_equal(get(counts, 1), 22);

	drop(&tp);
	drop(&raw);
	getppid_n(3);
	assert_int_equal(get(counts, 5), 5);
	assert_int_equal(get(counts, 1), 22);
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

	REQUIRE_BPF();
	if (!bpffs[0])
		SKIP("no private bpffs");
	obj = load_trace(&counts);
	counts = fcntl(counts, F_DUPFD_CLOEXEC, 0);	/* outlives the object */
	l = attach(prog(obj, "raw_getppid"), "raw_tracepoint sys_enter");
	id = l->id;
	d1 = describe(l);
	snprintf(path, sizeof(path), "%s/obj/links/%u", bpffs, id);
	assert_int_equal(eb_link_pin(l, path), 0);
	untrack(l);
	eb_link_close(l);			/* no fd left */
	eb_object_close(objs[0]);		/* nor the program's */
	objs[0] = NULL;
	fd = eb_sys_link_get_fd_by_id(id);
	assert_true(fd >= 0);
	close(fd);
	getppid_n(4);
	assert_int_equal(get(counts, 1), 4);	/* still attached */

	assert_int_equal(eb_link_open_pinned(path, &again), 0);
	track(again);
	assert_int_equal(again->id, id);
	assert_int_equal(again->hook, EB_HOOK_RAW_TP);
	assert_null(again->line);
	d2 = describe(again);
	/* the same, less the line that only the attaching process knew */
	*strstr(d1, "line: ") = '\0';
	assert_string_equal(d2, d1);
	free(d1);
	free(d2);
	assert_int_equal(eb_link_unpin(again, path), 0);
	untrack(again);
	eb_link_close(again);
	for (i = 0; i < 100 && (fd = eb_sys_link_get_fd_by_id(id)) >= 0; i++) {
		close(fd);
		usleep(10000);
	}
	assert_int_equal(fd, -ENOENT);
	getppid_n(4);
	assert_int_equal(get(counts, 1), 4);
	assert_int_equal(eb_link_describe_id(id, NULL), -ENOENT);
	close(counts);
}

/* --- cgroup ------------------------------------------------------------------------- */

static void test_cgroup_skb(void **state)
{
	struct eb_object *obj;
	struct eb_link *l;
	char line[1024], want[1536], *d;
	struct stat st;
	pid_t pid;
	int counts, status;

	REQUIRE_BPF();
	if (!cgdir[0])
		SKIP("cannot create a cgroup v2 directory (cgroup2 root: %s)",
		     cgroot[0] ? cgroot : "none found, and none could be mounted");
	obj = load("att_misc");
	counts = map_fd(obj, "misc_counts");
	snprintf(line, sizeof(line), "auto %s", cgdir);
	l = attach(prog(obj, "cg_egress"), line);
	assert_int_equal(l->hook, EB_HOOK_CGROUP);
	assert_int_equal(stat(cgdir, &st), 0);
	snprintf(want, sizeof(want),
		 "id: %u\ntype: cgroup\nprog_id: %u\ntarget: cgroup_id %llu\nattach_type: cgroup_inet_egress\nline: cgroup %s cgroup_inet_egress\n",
		 l->id, l->prog_id, (unsigned long long)st.st_ino, cgdir);
	d = describe(l);
	assert_string_equal(d, want);
	free(d);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char procs[1024], me[32];
		int fd;

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgdir);
		snprintf(me, sizeof(me), "%d\n", (int)getpid());
		fd = open(procs, O_WRONLY);
		if (fd < 0 || write(fd, me, strlen(me)) < 0)
			_exit(2);
		close(fd);
		_exit(send_udp(NULL, "127.0.0.1", CG_PORT, 9, 0) == 9 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(get(counts, 0), 9);
	send_udp(NULL, "127.0.0.1", CG_PORT, 3, 0);	/* not from the cgroup */
	assert_int_equal(get(counts, 0), 9);
	drop(&l);
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

	REQUIRE_BPF();
	assert_non_null(bin);
	obj = load_trace(&counts);
	snprintf(line, sizeof(line), "uprobe %s:eb_uprobe_target", bin);
	up = attach(prog(obj, "up_target"), line);
	snprintf(line, sizeof(line), "uretprobe %s:eb_uprobe_target", bin);
	ret = attach(prog(obj, "upret_target"), line);
	assert_int_equal(up->hook, EB_HOOK_UPROBE);
	run_target(13);
	assert_int_equal(get(counts, 2), 13);
	assert_int_equal(get(counts, 3), 13);
	assert_int_equal(get(counts, 4), 13 * 13);	/* sum of 2i+1 */

	assert_int_equal(eb_elf_symbol_offset(bin, "eb_uprobe_target", &off), 0);
	snprintf(target, sizeof(target), "target: uretprobe %s+0x%llx\n", bin,
		 (unsigned long long)off);
	snprintf(want, sizeof(want),
		 "id: %u\ntype: perf_event\nprog_id: %u\n%sline: uretprobe %s:eb_uprobe_target\n",
		 ret->id, ret->prog_id, perf_target(__func__, ret->fd, target), bin);
	d = describe(ret);
	assert_string_equal(d, want);
	free(d);

	drop(&up);
	drop(&ret);
	run_target(2);
	assert_int_equal(get(counts, 2), 13);
	assert_int_equal(get(counts, 3), 13);
}

/* --- iterator ------------------------------------------------------------------------- */

static void test_iter_task(void **state)
{
	struct eb_strbuf out = EB_STRBUF_INIT;
	struct eb_btf *vmlinux = NULL;
	const struct btf_type *t;
	struct eb_object *obj;
	struct eb_link *l;
	char mine[32], *d;
	int id, idx, counts;

	REQUIRE_BPF();
	assert_int_equal(eb_btf_load_vmlinux(&vmlinux), 0);
	id = eb_btf_find_by_name_kind(vmlinux, "task_struct", BTF_KIND_STRUCT);
	assert_true(id > 0);
	idx = eb_btf_find_member(vmlinux, (uint32_t)id, "tgid");
	assert_true(idx >= 0);
	t = eb_btf_type_by_id(vmlinux, (uint32_t)id);
	obj = load_trace(&counts);
	set(map_fd(obj, "att_cfg"), 1, eb_btf_member_bit_offset(t, (uint32_t)idx) / 8);
	eb_btf_free(vmlinux);

	l = attach(prog(obj, "iter_tasks"), "auto");
	assert_int_equal(l->hook, EB_HOOK_ITER);
	assert_int_equal(eb_iter_read(l->fd, &out), 0);
	snprintf(mine, sizeof(mine), "tgid %d\n", (int)getpid());
	assert_non_null(strstr(out.buf, mine));
	snprintf(mine, sizeof(mine), "tgid %d\n", (int)getppid());
	assert_non_null(strstr(out.buf, mine));
	eb_strbuf_release(&out);
	d = describe(l);
	assert_non_null(strstr(d, "type: iter\n"));
	assert_non_null(strstr(d, "target: iter task\n"));
	free(d);
	/* a non-iterator link cannot be read */
	assert_int_equal(eb_iter_read(-1, &out), -EBADF);
	eb_strbuf_release(&out);
	drop(&l);
}

/* --- sk_lookup through a netns ------------------------------------------------------------- */

static void test_sk_lookup_netns(void **state)
{
	struct eb_object *obj;
	struct eb_link *l;
	char line[256], *d;
	int counts;

	REQUIRE_NET();
	obj = load("att_net");
	counts = map_fd(obj, "net_counts");
	snprintf(line, sizeof(line), "netns /run/netns/%s", ns_a);
	l = attach(prog(obj, "lookup"), line);
	assert_int_equal(l->hook, EB_HOOK_NETNS);
	d = describe(l);
	assert_non_null(strstr(d, "type: netns\n"));
	assert_non_null(strstr(d, "attach_type: sk_lookup\n"));
	free(d);
	send_udp(ns_a, "127.0.0.1", PORT, 8, 0);
	assert_int_equal(get(counts, 5), 8);
	send_udp(NULL, "127.0.0.1", PORT, 5, 0);	/* another netns */
	assert_int_equal(get(counts, 5), 8);
	drop(&l);
	send_udp(ns_a, "127.0.0.1", PORT, 2, 0);
	assert_int_equal(get(counts, 5), 8);
}

/* --- perf_event on every CPU, sockmap -------------------------------------------------------- */

static void test_perf_event(void **state)
{
	struct eb_object *obj;
	struct eb_link *l, *again = NULL;
	struct timespec t0, t1;
	char path[256], *d;
	int counts, cpus;
	uint64_t n;
	unsigned int i;

	REQUIRE_BPF();
	obj = load("att_misc");
	counts = map_fd(obj, "misc_counts");
	l = attach(prog(obj, "pe_count"), "perf_event cpu-clock 1000");
	cpus = atoi(output("nproc"));
	assert_int_equal(l->cpu_cnt + 1, cpus);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do	/* spin for 200 ms */
		clock_gettime(CLOCK_MONOTONIC, &t1);
	while ((t1.tv_sec - t0.tv_sec) * 1000000000L + t1.tv_nsec - t0.tv_nsec < 200000000L);
	n = get(counts, 1);
	assert_true(n >= 20);
	d = describe(l);
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
	if (bpffs[0]) {
		snprintf(path, sizeof(path), "%s/pe", bpffs);
		assert_int_equal(eb_link_pin(l, path), 0);
		assert_int_equal(eb_link_open_pinned(path, &again), 0);
		track(again);
		assert_int_equal(again->cpu_cnt, l->cpu_cnt);
		for (i = 0; i < l->cpu_cnt; i++)
			assert_int_equal(again->cpu_ids[i], l->cpu_ids[i]);
		assert_int_equal(eb_link_unpin(again, path), 0);
		assert_int_equal(eb_link_unpin(again, path), -ENOENT);
	}
	drop(&l);
	drop(&again);
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

	REQUIRE_BPF();
	obj = load("att_misc");
	socks_fd = map_fd(obj, "att_socks");
	assert_int_equal(eb_map_info_by_fd(socks_fd, &mi), 0);
	p = prog(obj, "sk_verdict");
	assert_int_equal(eb_attach_parse("auto att_socks", p->type, p->expected_attach_type,
					 p->sec_name, &spec, &err), 0);
	assert_int_equal(eb_attach(p->fd, &spec, &opts, &l, &err), 0);
	eb_attach_spec_release(&spec);
	track(l);
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
	d = describe(l);
	assert_string_equal(d, want);
	free(d);
	drop(&l);
	/* by id, without a resolver */
	snprintf(line, sizeof(line), "sockmap id:%u", mi.id);
	l = attach(p, line);
	drop(&l);
	eb_strbuf_release(&err);
}

/* --- refusals: exact errno and message -------------------------------------------------------- */

static void test_targets_missing(void **state)
{
	struct eb_object *obj, *net, *misc;
	char msg[4096], line[4096], want[4096];
	const char *bin = getenv("EB_UPROBE_TARGET");
	int counts;

	REQUIRE_BPF();
	obj = load_trace(&counts);
	net = load("att_net");
	misc = load("att_misc");
	assert_int_equal(attach_err(prog(net, "xdp_a"), -1, "xdp nosuchif0", msg, sizeof(msg)),
			 -ENOENT);
	assert_string_equal(msg, "attach: no such interface 'nosuchif0'");
	assert_int_equal(attach_err(prog(obj, "tp_getppid"), -1,
				    "tracepoint syscalls/sys_enter_nosuch", msg, sizeof(msg)), -ENOENT);
	assert_string_equal(msg, "attach: no tracepoint 'syscalls/sys_enter_nosuch' (/sys/kernel/tracing/events/syscalls/sys_enter_nosuch/id)");
	assert_int_equal(attach_err(prog(obj, "raw_getppid"), -1, "raw_tracepoint nosuch_tp", msg,
				    sizeof(msg)), -ENOENT);
	assert_string_equal(msg, "attach: no raw tracepoint 'nosuch_tp'");
	assert_int_equal(attach_err(prog(obj, "up_target"), -1, "uprobe /nonexistent/bin:main", msg,
				    sizeof(msg)), -ENOENT);
	assert_string_equal(msg, "attach: no such binary '/nonexistent/bin'");
	snprintf(line, sizeof(line), "uprobe %s:no_such_symbol", bin);
	assert_int_equal(attach_err(prog(obj, "up_target"), -1, line, msg, sizeof(msg)), -ENOENT);
	snprintf(want, sizeof(want), "attach: no symbol 'no_such_symbol' in '%s'", bin);
	assert_string_equal(msg, want);
	snprintf(line, sizeof(line), "cgroup %s/ebatt-nosuch egress",
		 cgroot[0] ? cgroot : "/sys/fs/cgroup");
	assert_int_equal(attach_err(prog(misc, "cg_egress"), -1, line, msg, sizeof(msg)), -ENOENT);
	snprintf(want, sizeof(want), "attach: cgroup '%s/ebatt-nosuch': No such file or directory",
		 cgroot[0] ? cgroot : "/sys/fs/cgroup");
	assert_string_equal(msg, want);
	assert_int_equal(attach_err(prog(misc, "cg_egress"), -1, "cgroup /tmp egress", msg,
				    sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "attach: '/tmp' is not a cgroup v2 directory");
	assert_int_equal(attach_err(prog(net, "lookup"), -1, "netns /run/netns/ebatt-nosuch", msg,
				    sizeof(msg)), -ENOENT);
	assert_string_equal(msg, "attach: netns '/run/netns/ebatt-nosuch': No such file or directory");
	assert_int_equal(attach_err(prog(misc, "sk_verdict"), -1, "sockmap ebatt_nosuch", msg,
				    sizeof(msg)), -ENOENT);
	assert_string_equal(msg, "attach: no sockmap 'ebatt_nosuch'");
	/* the kernel refuses: a cgroup_skb program on a connect4 hook */
	if (!cgroot[0]) {
		TU_SKIP_PART("no cgroup v2 hierarchy: the kernel's refusal of a cgroup attach");
		return;
	}
	snprintf(line, sizeof(line), "cgroup %s connect4", cgdir[0] ? cgdir : cgroot);
	assert_int_equal(attach_err(prog(misc, "cg_egress"), -1, line, msg, sizeof(msg)), -EINVAL);
	snprintf(want, sizeof(want), "attach: kernel refused 'cgroup %s cgroup_inet4_connect': Invalid argument",
		 cgdir[0] ? cgdir : cgroot);
	assert_string_equal(msg, want);
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
	char msg[4096], *d;
	int counts, ret;

	REQUIRE_BPF();
	obj = load_trace(&counts);
	if (access("/sys/bus/event_source/devices/kprobe/type", F_OK)) {
		ret = attach_err(prog(obj, "up_target"), -1, "kprobe do_nanosleep", msg, sizeof(msg));
		assert_int_equal(ret, -EOPNOTSUPP);
		assert_string_equal(msg, "attach: kprobe: this kernel has no kprobe PMU (/sys/bus/event_source/devices/kprobe/type is missing)");
		ret = attach_err(prog(obj, "up_target"), -1, "kretprobe do_nanosleep", msg, sizeof(msg));
		assert_int_equal(ret, -EOPNOTSUPP);
		assert_string_equal(msg, "attach: kretprobe: this kernel has no kprobe PMU (/sys/bus/event_source/devices/kprobe/type is missing)");
		SKIP("positive case: this kernel has no kprobe PMU (/sys/bus/event_source/devices/kprobe)");
	}
	kp = attach(prog(obj, "up_target"), "kprobe do_nanosleep");
	kret = attach(prog(obj, "upret_target"), "kretprobe do_nanosleep");
	assert_int_equal(kp->hook, EB_HOOK_KPROBE);
	assert_int_equal(kret->hook, EB_HOOK_KRETPROBE);
	nanosleep_n(9);
	assert_true(get(counts, 2) >= 9);
	assert_true(get(counts, 3) >= 9);
	d = describe(kp);
	assert_non_null(strstr(d, "\ntype: perf_event\n"));
	assert_non_null(strstr(d, "\nline: kprobe do_nanosleep"));
	free(d);
	drop(&kp);
	drop(&kret);
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
	struct eb_object *obj = NULL;
	const struct eb_obj_map *bss;
	char path[4096], msg[4096], want[512];
	struct eb_link *fe, *fx;
	struct eb_prog fake;
	uint64_t vals[2] = { 0, 0 };
	uint32_t key = 0;
	int ret, i, probe;

	REQUIRE_BPF();
	snprintf(path, sizeof(path), "%s/att_fentry.bpf.o", getenv("EB_BPF_DIR"));
	assert_int_equal(eb_object_open_file(path, NULL, &obj), 0);
	for (i = 0; i < MAX_TRACKED && objs[i]; i++)
		;
	objs[i] = obj;
	/* a BTF target that does not exist: refused before the kernel is asked */
	memset(&fake, 0, sizeof(fake));
	fake.type = BPF_PROG_TYPE_TRACING;
	fake.expected_attach_type = BPF_TRACE_FENTRY;
	fake.sec_name = "fentry/ebpfs_no_such_function";
	fake.fd = -1;
	ret = attach_err(&fake, -1, "fentry", msg, sizeof(msg));
	assert_int_equal(ret, -ENOENT);
	assert_string_equal(msg, "attach: fentry target 'ebpfs_no_such_function': no 'ebpfs_no_such_function' in the kernel's BTF");

	probe = probe_fentry("do_nanosleep");
	ret = eb_object_load(obj, NULL);
	if (probe) {
		assert_int_equal(ret, probe);
		snprintf(want, sizeof(want),
			 "load: program 'fentry_sleep' (section 'fentry/do_nanosleep'): the kernel refused it: %s",
			 eb_strerror(probe));
		assert_string_equal(eb_object_errmsg(obj), want);
		SKIP("positive case: this kernel refuses a minimal fentry program (%s)",
		     eb_strerror(probe));
	}
	if (ret)
		fail_msg("load att_fentry: %d: %s (the kernel takes a minimal fentry program)", ret,
			 eb_object_errmsg(obj));
	fe = attach(prog(obj, "fentry_sleep"), "auto");
	assert_int_equal(fe->hook, EB_HOOK_FENTRY);
	drop(&fe);

	/* fentry.c counts: entries and exits of do_nanosleep in .bss */
	obj = load("fentry");
	fe = attach(prog(obj, "fe_nanosleep"), "auto");
	fx = attach(prog(obj, "fx_nanosleep"), "fexit");
	assert_int_equal(fe->hook, EB_HOOK_FENTRY);
	assert_int_equal(fx->hook, EB_HOOK_FEXIT);
	nanosleep_n(7);
	bss = eb_object_find_map(obj, ".bss");
	assert_non_null(bss);
	assert_int_equal(bss->value_size, sizeof(vals));
	assert_int_equal(eb_sys_map_lookup_elem(bss->fd, &key, vals, 0), 0);
	assert_true(vals[0] >= 7);	/* entries */
	assert_true(vals[1] >= 7);	/* exits */
	drop(&fe);
	drop(&fx);
}

static void test_link_from_fd(void **state)
{
	struct eb_object *obj;
	struct eb_link *l, *w = NULL;
	int counts, fd;

	REQUIRE_BPF();
	obj = load_trace(&counts);
	l = attach(prog(obj, "tp_getppid"), "auto");
	fd = eb_sys_link_get_fd_by_id(l->id);
	assert_true(fd >= 0);
	assert_int_equal(eb_link_from_fd(fd, &w), 0);
	assert_int_equal(w->id, l->id);
	assert_int_equal(w->hook, EB_HOOK_TRACEPOINT);
	assert_int_equal(w->prog_id, l->prog_id);
	eb_link_close(w);
	/* a map fd is no link (and is closed) */
	fd = fcntl(map_fd(obj, "trace_counts"), F_DUPFD_CLOEXEC, 0);
	assert_int_equal(eb_link_from_fd(fd, &w), -EINVAL);
	assert_null(w);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	drop(&l);
}

#define T(f) cmocka_unit_test_teardown(f, test_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_fields),
		T(test_probe_helpers),
		T(test_xdp),
		T(test_xdp_replace_under_traffic),
		T(test_tcx),
		T(test_tc_netlink),
		T(test_tc_netlink_keeps_foreign_qdisc),
		T(test_tracepoint_and_raw_tp),
		T(test_link_pin_survives),
		T(test_cgroup_skb),
		T(test_uprobe),
		T(test_iter_task),
		T(test_sk_lookup_netns),
		T(test_perf_event),
		T(test_sockmap),
		T(test_targets_missing),
		T(test_kprobe),
		T(test_fentry),
		T(test_link_from_fd),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
