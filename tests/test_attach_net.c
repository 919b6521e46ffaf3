/* SPDX-License-Identifier: MIT */
/*
 * test_attach_net.c - attaching to network devices, namespaces and
 * cgroups against the kernel: XDP and tc (tcx and the netlink fallback)
 * on a veth pair between two network namespaces this test creates (never
 * the host's interfaces), replacing a program in place under traffic,
 * sk_lookup through a netns, cgroup_skb on a cgroup v2 directory it
 * creates.  Every count is exact.  Teardown removes the namespaces (and
 * with them the veths), the cgroup, the pins and every link, also after
 * a failure (test_attach_common.c).  Skips visibly without root / bpf(2).
 *
 * Whether the kernel has tcx links (6.6) is probed with a direct bpf(2)
 * call before it is asserted; without them the test asserts the refusal
 * and the clsact fallback and skips the positive case visibly.
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
#include <net/if.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* --- XDP -------------------------------------------------------------------------- */

static void test_xdp(void **state)
{
	struct eb_object *obj;
	struct eb_link *l;
	struct eb_link_info info;
	char want[512], *d;
	int counts, idx;

	ATT_REQUIRE_NET();
	obj = att_load("att_net");
	counts = att_map_fd(obj, "net_counts");
	assert_int_equal(att_enter_ns(att_ns_a), 0);
	idx = (int)if_nametoindex("eba0");
	assert_true(idx > 0);

	l = att_attach(att_prog(obj, "xdp_a"), "xdp eba0");
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
	d = att_describe(l);
	assert_string_equal(d, want);
	free(d);

	att_send_udp(att_ns_b, ATT_ADDR_A, ATT_PORT, 25, 0);
	assert_int_equal(att_get(counts, 0), 25);
	att_drop(&l);
	att_send_udp(att_ns_b, ATT_ADDR_A, ATT_PORT, 10, 0);
	assert_int_equal(att_get(counts, 0), 25);
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

	ATT_REQUIRE_NET();
	obj = att_load("att_net");
	counts = att_map_fd(obj, "net_counts");
	assert_int_equal(att_enter_ns(att_ns_a), 0);
	l = att_attach(att_prog(obj, "xdp_a"), "xdp eba0");
	id = l->id;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)	/* the blaster: paced so the veth's XDP ring never overflows */
		exit(att_send_udp(att_ns_b, ATT_ADDR_A, ATT_PORT, total, 32) == total ? 0 : 1);
	for (i = 0; i < 5000 && att_get(counts, 0) < 2000; i++)
		usleep(1000);
	assert_int_equal(eb_link_update(l, att_prog(obj, "xdp_b")->fd, &err), 0);
	eb_strbuf_release(&err);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	a = att_get(counts, 0);
	b = att_get(counts, 1);
	printf("replace under traffic: %llu by xdp_a, %llu by xdp_b\n", (unsigned long long)a,
	       (unsigned long long)b);
	assert_true(a >= 2000);
	assert_true(b > 0);
	assert_int_equal(a + b, total);
	assert_int_equal(l->id, id);	/* the same link */
	assert_int_equal(l->prog_id, att_prog_id_of(att_prog(obj, "xdp_b")->fd));
	att_drop(&l);
}

/* --- tc ----------------------------------------------------------------------------- */

static void test_tcx(void **state)
{
	struct eb_object *obj;
	struct eb_link *in, *out;
	char want[512], msg[4096], *d;
	int counts, idx, tcx;

	ATT_REQUIRE_NET();
	obj = att_load("att_net");
	counts = att_map_fd(obj, "net_counts");
	assert_int_equal(att_enter_ns(att_ns_a), 0);
	idx = (int)if_nametoindex("eba0");
	tcx = probe_tcx();
	if (tcx) {
		/* no tcx: "tcx" insists and gets the kernel's refusal; "auto"
		 * falls back to a clsact qdisc, which counts */
		assert_int_equal(tcx, -EINVAL);
		assert_int_equal(att_attach_err(att_prog(obj, "tc_out"), -1, "tc eba0 egress tcx", msg,
					    sizeof(msg)), -EINVAL);
		assert_string_equal(msg, "attach: kernel refused 'tc eba0 egress tcx': Invalid argument");
		in = att_attach(att_prog(obj, "tc_in"), "auto eba0");
		assert_int_equal(in->kind, EB_LINK_TC_NETLINK);
		assert_int_equal(in->hook, EB_HOOK_TC);
		att_send_udp(att_ns_b, ATT_ADDR_A, ATT_PORT, 7, 0);
		assert_int_equal(att_get(counts, 2), 7);
		att_drop(&in);
		att_send_udp(att_ns_b, ATT_ADDR_A, ATT_PORT, 3, 0);
		assert_int_equal(att_get(counts, 2), 7);
		TU_SKIP("this kernel has no tcx links (%s); the clsact fallback counted",
		     eb_strerror(tcx));
	}
	in = att_attach(att_prog(obj, "tc_in"), "auto eba0");
	out = att_attach(att_prog(obj, "tc_out"), "tc eba0 egress tcx");
	assert_int_equal(in->kind, EB_LINK_BPF);
	assert_int_equal(in->hook, EB_HOOK_TC);
	snprintf(want, sizeof(want),
		 "id: %u\ntype: tcx\nprog_id: %u\ntarget: ifindex %d (eba0)\nattach_type: tcx_ingress\nline: tc eba0 ingress\n",
		 in->id, in->prog_id, idx);
	d = att_describe(in);
	assert_string_equal(d, want);
	free(d);

	att_send_udp(att_ns_b, ATT_ADDR_A, ATT_PORT, 7, 0);	/* in at eba0 */
	att_send_udp(NULL, ATT_ADDR_B, ATT_PORT, 5, 0);	/* out of eba0 */
	assert_int_equal(att_get(counts, 2), 7);
	assert_int_equal(att_get(counts, 3), 5);
	att_drop(&in);
	att_drop(&out);
	att_send_udp(att_ns_b, ATT_ADDR_A, ATT_PORT, 3, 0);
	att_send_udp(NULL, ATT_ADDR_B, ATT_PORT, 3, 0);
	assert_int_equal(att_get(counts, 2), 7);
	assert_int_equal(att_get(counts, 3), 5);
}

static void test_tc_netlink(void **state)
{
	struct eb_strbuf err = EB_STRBUF_INIT;
	struct eb_object *obj;
	struct eb_link *l, *again = NULL;
	char want[512], path[256], *d;
	const char *out;
	int counts, idx;

	ATT_REQUIRE_NET();
	if (!att_bpffs)
		TU_SKIP("no private bpffs");
	obj = att_load("att_net");
	counts = att_map_fd(obj, "net_counts");
	assert_int_equal(att_enter_ns(att_ns_a), 0);
	idx = (int)if_nametoindex("eba0");
	assert_int_equal(strstr(att_output("tc -n %s qdisc show dev eba0", att_ns_a), "clsact"), NULL);

	l = att_attach(att_prog(obj, "tc_nl"), "tc eba0 ingress netlink");
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
	d = att_describe(l);
	assert_string_equal(d, want);
	free(d);
	/* tc(8) as the witness */
	assert_non_null(strstr(att_output("tc -n %s qdisc show dev eba0", att_ns_a),
			       "qdisc clsact ffff:"));
	out = att_output("tc -n %s filter show dev eba0 ingress", att_ns_a);
	assert_non_null(strstr(out, "tc_nl"));
	assert_non_null(strstr(out, "direct-action"));

	att_send_udp(att_ns_b, ATT_ADDR_A, ATT_PORT, 6, 0);
	assert_int_equal(att_get(counts, 4), 6);
	/* replaced in place */
	assert_int_equal(eb_link_update(l, att_prog(obj, "tc_nl2")->fd, &err), 0);
	assert_int_equal(l->prog_id, att_prog_id_of(att_prog(obj, "tc_nl2")->fd));
	att_send_udp(att_ns_b, ATT_ADDR_A, ATT_PORT, 4, 0);
	assert_int_equal(att_get(counts, 4), 6);
	assert_int_equal(att_get(counts, 6), 4);
	assert_non_null(strstr(att_output("tc -n %s filter show dev eba0 ingress", att_ns_a), "tc_nl2"));

	/* the record survives in the bpffs; detach after "a restart" */
	snprintf(path, sizeof(path), "%s/links/tc", att_bpffs);
	assert_int_equal(eb_link_pin(l, path), 0);
	att_untrack(l);
	eb_link_close(l);
	assert_int_equal(eb_link_open_pinned(path, &again), 0);
	att_track(again);
	assert_int_equal(again->kind, EB_LINK_TC_NETLINK);
	assert_int_equal(again->ifindex, idx);
	assert_int_equal(again->tc_handle, 1);
	assert_int_equal(again->tc_prio, 49152);
	assert_true(again->qdisc_created);
	assert_int_equal(eb_link_unpin(again, path), 0);
	assert_int_equal(eb_link_detach(again), 0);
	att_untrack(again);
	eb_link_close(again);
	/* filter and the qdisc we created are gone */
	assert_null(strstr(att_output("tc -n %s qdisc show dev eba0", att_ns_a), "clsact"));
	att_send_udp(att_ns_b, ATT_ADDR_A, ATT_PORT, 4, 0);
	assert_int_equal(att_get(counts, 6), 4);
	eb_strbuf_release(&err);
}

/* A clsact that was there before is left in place. */
static void test_tc_netlink_keeps_foreign_qdisc(void **state)
{
	struct eb_object *obj;
	struct eb_link *l;

	ATT_REQUIRE_NET();
	obj = att_load("att_net");
	assert_int_equal(att_sh("tc -n %s qdisc add dev eba0 clsact", att_ns_a), 0);
	assert_int_equal(att_enter_ns(att_ns_a), 0);
	l = att_attach(att_prog(obj, "tc_nl"), "tc eba0 egress netlink");
	assert_false(l->qdisc_created);
	assert_int_equal(l->tc_parent, 0xfffffff3);	/* clsact egress */
	att_drop(&l);
	assert_non_null(strstr(att_output("tc -n %s qdisc show dev eba0", att_ns_a), "clsact"));
	assert_int_equal(att_sh("tc -n %s qdisc del dev eba0 clsact", att_ns_a), 0);
}

/* --- sk_lookup through a netns ------------------------------------------------------------- */

static void test_sk_lookup_netns(void **state)
{
	struct eb_object *obj;
	struct eb_link *l;
	char line[256], *d;
	int counts;

	ATT_REQUIRE_NET();
	obj = att_load("att_net");
	counts = att_map_fd(obj, "net_counts");
	snprintf(line, sizeof(line), "netns /run/netns/%s", att_ns_a);
	l = att_attach(att_prog(obj, "lookup"), line);
	assert_int_equal(l->hook, EB_HOOK_NETNS);
	d = att_describe(l);
	assert_non_null(strstr(d, "type: netns\n"));
	assert_non_null(strstr(d, "attach_type: sk_lookup\n"));
	free(d);
	att_send_udp(att_ns_a, "127.0.0.1", ATT_PORT, 8, 0);
	assert_int_equal(att_get(counts, 5), 8);
	att_send_udp(NULL, "127.0.0.1", ATT_PORT, 5, 0);	/* another netns */
	assert_int_equal(att_get(counts, 5), 8);
	att_drop(&l);
	att_send_udp(att_ns_a, "127.0.0.1", ATT_PORT, 2, 0);
	assert_int_equal(att_get(counts, 5), 8);
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

	ATT_REQUIRE_BPF();
	if (!att_cgdir[0])
		TU_SKIP("cannot create a cgroup v2 directory (cgroup2 root: %s)",
		     att_cgroot[0] ? att_cgroot : "none found, and none could be mounted");
	obj = att_load("att_misc");
	counts = att_map_fd(obj, "misc_counts");
	snprintf(line, sizeof(line), "auto %s", att_cgdir);
	l = att_attach(att_prog(obj, "cg_egress"), line);
	assert_int_equal(l->hook, EB_HOOK_CGROUP);
	assert_int_equal(stat(att_cgdir, &st), 0);
	snprintf(want, sizeof(want),
		 "id: %u\ntype: cgroup\nprog_id: %u\ntarget: cgroup_id %llu\nattach_type: cgroup_inet_egress\nline: cgroup %s cgroup_inet_egress\n",
		 l->id, l->prog_id, (unsigned long long)st.st_ino, att_cgdir);
	d = att_describe(l);
	assert_string_equal(d, want);
	free(d);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char procs[1024], me[32];
		int fd;

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", att_cgdir);
		snprintf(me, sizeof(me), "%d\n", (int)getpid());
		fd = open(procs, O_WRONLY);
		if (fd < 0 || write(fd, me, strlen(me)) < 0)
			_exit(2);
		close(fd);
		_exit(att_send_udp(NULL, "127.0.0.1", ATT_CG_PORT, 9, 0) == 9 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(att_get(counts, 0), 9);
	att_send_udp(NULL, "127.0.0.1", ATT_CG_PORT, 3, 0);	/* not from the cgroup */
	assert_int_equal(att_get(counts, 0), 9);
	att_drop(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ATT_T(test_xdp),
		ATT_T(test_xdp_replace_under_traffic),
		ATT_T(test_tcx),
		ATT_T(test_tc_netlink),
		ATT_T(test_tc_netlink_keeps_foreign_qdisc),
		ATT_T(test_sk_lookup_netns),
		ATT_T(test_cgroup_skb),
	};

	return cmocka_run_group_tests(tests, att_group_setup_net, att_group_teardown);
}
