/* SPDX-License-Identifier: MIT */
/*
 * test_attach_common.c - the fixtures of the attach tests (see
 * test_attach.h): tracking of links and objects, attaching by line,
 * network namespaces with a veth pair and traffic between them, a cgroup
 * v2 directory, a private bpffs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
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
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "attach.h"
#include "info.h"
#include "log.h"
#include "object.h"
#include "strbuf.h"
#include "syscall.h"
#include "testutil.h"
#include "test_attach.h"
#include "util.h"

bool att_have_bpf;
bool att_have_net;
char att_ns_a[64], att_ns_b[64];
char *att_bpffs;
char att_cgroot[512];
char att_cgdir[600];

static int host_ns = -1;		/* our original netns */
static bool cg_private;			/* att_cgroot is our own cgroup2 mount */

#define MAX_TRACKED 32
static struct eb_link *tracked[MAX_TRACKED];
static struct eb_object *objs[MAX_TRACKED];

/* --- commands --------------------------------------------------------------- */

/* Run the command in cmd (formatted from fmt, ap): tu_run()'s status,
 * *out its output (NULL when it could not run). */
static int vrun(char **out, const char *fmt, va_list ap)
{
	struct eb_strbuf cmd = EB_STRBUF_INIT;
	int st;

	*out = NULL;
	eb_strbuf_vaddf(&cmd, fmt, ap);
	st = eb_strbuf_error(&cmd) ? -ENOMEM : tu_run(cmd.buf, out);
	eb_strbuf_release(&cmd);
	return st;
}

int att_sh(const char *fmt, ...)
{
	va_list ap;
	char *out;
	int st;

	va_start(ap, fmt);
	st = vrun(&out, fmt, ap);
	va_end(ap);
	free(out);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *last_output;

const char *att_output(const char *fmt, ...)
{
	va_list ap;

	eb_zfree(&last_output);
	va_start(ap, fmt);
	vrun(&last_output, fmt, ap);
	va_end(ap);
	return last_output ?: "";
}

/* --- tracking: whatever a test leaves behind, teardown removes -------------- */

void att_track(struct eb_link *l)
{
	int i;

	for (i = 0; i < MAX_TRACKED; i++)
		if (!tracked[i]) {
			tracked[i] = l;
			return;
		}
	fail_msg("too many links");
}

void att_untrack(struct eb_link *l)
{
	int i;

	for (i = 0; i < MAX_TRACKED; i++)
		if (tracked[i] == l)
			tracked[i] = NULL;
}

void att_drop(struct eb_link **l)
{
	if (!*l)
		return;
	att_untrack(*l);
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
	eb_zfree(&last_output);
}

void att_adopt(struct eb_object *obj)
{
	int i;

	for (i = 0; i < MAX_TRACKED && objs[i]; i++)
		;
	if (i == MAX_TRACKED) {
		eb_object_close(obj);
		fail_msg("too many objects");
	}
	objs[i] = obj;
}

void att_obj_close(struct eb_object *obj)
{
	int i;

	for (i = 0; i < MAX_TRACKED; i++)
		if (objs[i] == obj)
			objs[i] = NULL;
	eb_object_close(obj);
}

struct eb_object *att_load(const char *name)
{
	struct eb_object *obj = tu_obj_open(name);
	int err;

	att_adopt(obj);
	err = eb_object_load(obj, NULL);
	if (err)
		fail_msg("load %s: %d: %s", name, err, eb_object_errmsg(obj));
	return obj;
}

struct eb_prog *att_prog(struct eb_object *obj, const char *name)
{
	struct eb_prog *p = tu_obj_prog(obj, name);

	assert_true(p->fd >= 0);
	return p;
}

int att_map_fd(struct eb_object *obj, const char *name)
{
	return tu_obj_map(obj, name)->fd;
}

uint32_t att_prog_id_of(int fd)
{
	struct eb_prog_info pi;
	uint32_t id;

	assert_int_equal(eb_prog_info_by_fd(fd, &pi), 0);
	id = pi.id;
	eb_prog_info_release(&pi);
	return id;
}

uint64_t att_get(int fd, uint32_t key)
{
	uint64_t v = 0;

	assert_int_equal(eb_sys_map_lookup_elem(fd, &key, &v, 0), 0);
	return v;
}

void att_set(int fd, uint32_t key, uint64_t v)
{
	assert_int_equal(eb_sys_map_update_elem(fd, &key, &v, BPF_ANY), 0);
}

struct eb_link *att_attach(const struct eb_prog *p, const char *line)
{
	struct eb_strbuf err = EB_STRBUF_INIT;
	struct eb_attach_spec spec;
	struct eb_link *l = NULL;
	int ret;

	ret = eb_attach_parse(line, p->type, p->expected_attach_type, p->sec_name, &spec, &err);
	if (ret) {
		print_error("parse '%s': %d: %s\n", line, ret, err.buf);
		eb_strbuf_release(&err);
		fail();
	}
	ret = eb_attach(p->fd, &spec, NULL, &l, &err);
	eb_attach_spec_release(&spec);
	if (ret) {
		print_error("attach '%s': %d: %s\n", line, ret, err.buf);
		eb_strbuf_release(&err);
		fail();
	}
	eb_strbuf_release(&err);
	att_track(l);
	return l;
}

int att_attach_err(const struct eb_prog *p, int fd, const char *line, char *msg, size_t len)
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
		att_track(l);
		fail_msg("attach '%s' succeeded", line);
	}
	return ret;
}

char *att_describe(const struct eb_link *l)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;

	assert_int_equal(eb_link_describe(l, &sb), 0);
	return eb_strbuf_detach(&sb, NULL);
}

/* --- network namespaces and traffic ---------------------------------------- */

int att_enter_ns(const char *name)
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

int att_send_udp(const char *ns, const char *dst, int port, int count, int burst)
{
	pid_t pid;
	int st;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
		int s, i, sent = 0;

		if (ns && att_enter_ns(ns))
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
	if (att_ns_a[0])
		att_sh("ip netns del %s 2>/dev/null", att_ns_a);
	if (att_ns_b[0])
		att_sh("ip netns del %s 2>/dev/null", att_ns_b);
	att_ns_a[0] = att_ns_b[0] = '\0';
}

static bool net_setup(void)
{
	snprintf(att_ns_a, sizeof(att_ns_a), "ebatt-a-%d", (int)getpid());
	snprintf(att_ns_b, sizeof(att_ns_b), "ebatt-b-%d", (int)getpid());
	if (att_sh("ip netns add %s && ip netns add %s", att_ns_a, att_ns_b) ||
	    att_sh("ip link add eba0 netns %s type veth peer name ebb0 netns %s", att_ns_a,
		   att_ns_b) ||
	    att_sh("ip -n %s addr add " ATT_ADDR_A "/24 dev eba0 && ip -n %s link set eba0 up && ip -n %s link set lo up",
		   att_ns_a, att_ns_a, att_ns_a) ||
	    att_sh("ip -n %s addr add " ATT_ADDR_B "/24 dev ebb0 && ip -n %s link set ebb0 up && ip -n %s link set lo up",
		   att_ns_b, att_ns_b, att_ns_b)) {
		net_teardown_ns();
		return false;
	}
	/* resolve neighbours both ways (port 9: counted by nobody) */
	usleep(100000);
	att_send_udp(att_ns_b, ATT_ADDR_A, 9, 1, 0);
	att_send_udp(att_ns_a, ATT_ADDR_B, 9, 1, 0);
	usleep(200000);
	return true;
}

/* --- fixtures ------------------------------------------------------------------ */

static void remove_fixtures(void)
{
	net_teardown_ns();
	tu_bpffs_umount(&att_bpffs);
	if (att_cgdir[0]) {
		rmdir(att_cgdir);
		att_cgdir[0] = '\0';
	}
	if (cg_private) {
		umount2(att_cgroot, MNT_DETACH);
		rmdir(att_cgroot);
		cg_private = false;
	}
	att_cgroot[0] = '\0';
}

/*
 * The cgroup v2 hierarchy: tu_cgroup2_root(), else the first cgroup2
 * mount in /proc/self/mounts, else a private cgroup2 mount on a new
 * /tmp/ebatt-cg2-XXXXXX (removed by remove_fixtures()).  Then our
 * directory in it.  att_cgroot / att_cgdir stay "" when that fails.
 */
static void cgroup_setup(void)
{
	const char *root = tu_cgroup2_root();
	struct mntent *me;
	FILE *f;

	if (root) {
		snprintf(att_cgroot, sizeof(att_cgroot), "%s", root);
	} else if ((f = setmntent("/proc/self/mounts", "r"))) {
		while ((me = getmntent(f)))
			if (!strcmp(me->mnt_type, "cgroup2")) {
				snprintf(att_cgroot, sizeof(att_cgroot), "%s", me->mnt_dir);
				break;
			}
		endmntent(f);
	}
	if (!att_cgroot[0]) {
		snprintf(att_cgroot, sizeof(att_cgroot), "/tmp/ebatt-cg2-XXXXXX");
		if (!mkdtemp(att_cgroot)) {
			att_cgroot[0] = '\0';
			return;
		}
		if (mount("cgroup2", att_cgroot, "cgroup2", 0, NULL)) {
			rmdir(att_cgroot);
			att_cgroot[0] = '\0';
			return;
		}
		cg_private = true;
	}
	snprintf(att_cgdir, sizeof(att_cgdir), "%s/ebatt-%d", att_cgroot, (int)getpid());
	if (mkdir(att_cgdir, 0755))
		att_cgdir[0] = '\0';
}

/* meson's timeout sends SIGTERM: leave nothing behind even then */
static void on_term(int sig)
{
	if (host_ns >= 0)
		setns(host_ns, CLONE_NEWNET);
	remove_fixtures();
	_exit(128 + sig);
}

static int group_setup(bool net)
{
	tu_log_capture(TU_LOG_WARN);
	att_have_bpf = tu_bpf_probe() == 0 && geteuid() == 0;
	if (!att_have_bpf)
		return 0;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	att_have_net = net && host_ns >= 0 && net_setup();
	tu_bpffs_mount_private("att", &att_bpffs);
	cgroup_setup();
	return 0;
}

int att_group_setup(void **state)
{
	return group_setup(false);
}

int att_group_setup_net(void **state)
{
	return group_setup(true);
}

int att_group_teardown(void **state)
{
	drop_all();
	if (host_ns >= 0) {
		setns(host_ns, CLONE_NEWNET);
		close(host_ns);
		host_ns = -1;
	}
	remove_fixtures();
	tu_log_stop();
	return 0;
}

int att_test_teardown(void **state)
{
	drop_all();
	if (host_ns >= 0)
		setns(host_ns, CLONE_NEWNET);
	if (att_bpffs)
		att_sh("rm -rf %s/* 2>/dev/null", att_bpffs);
	if (att_ns_a[0])	/* a failed tc test may leave a clsact behind */
		att_sh("tc -n %s qdisc del dev eba0 clsact 2>/dev/null", att_ns_a);
	return 0;
}
