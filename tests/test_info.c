/* SPDX-License-Identifier: MIT */
/*
 * Tests of core/info.h: object info by fd / id / pinned path checked
 * against the kernel and bpftool, type names, pinning.
 *
 * The test moves itself into a fresh network namespace (when it can) so
 * the XDP, tcx and sk_lookup attachments it makes on "lo" are private.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
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

#include "info.h"
#include "log.h"
#include "map.h"
#include "strbuf.h"
#include "syscall.h"
#include "testutil.h"
#include "util.h"

static bool have_bpftool;
static bool own_netns;
static char *bpffs_dir;		/* a private bpffs, NULL if none */

static int group_setup(void **state)
{
	(void)state;
	have_bpftool = tu_have_bpftool();
	if (!tu_bpf_probe() && !unshare(CLONE_NEWNET)) {
		own_netns = true;
		if (system("ip link set lo up >/dev/null 2>&1"))
			printf("note: could not bring lo up in the test netns\n");
	}
	if (!tu_bpf_probe())
		tu_bpffs_mount_private("info", &bpffs_dir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tu_bpffs_umount(&bpffs_dir);
	return 0;
}

/* --- names (no kernel) -------------------------------------------------------------- */

static void test_type_names(void **state)
{
	uint32_t i;

	(void)state;
	assert_string_equal(eb_prog_type_str(BPF_PROG_TYPE_XDP), "xdp");
	assert_string_equal(eb_prog_type_str(BPF_PROG_TYPE_SOCKET_FILTER), "socket_filter");
	assert_string_equal(eb_prog_type_str(BPF_PROG_TYPE_SCHED_CLS), "sched_cls");
	assert_string_equal(eb_prog_type_str(BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE),
			    "raw_tracepoint_writable");
	assert_string_equal(eb_prog_type_str(32), "netfilter");
	assert_null(eb_prog_type_str(33));
	assert_null(eb_prog_type_str(UINT32_MAX));
	assert_int_equal(eb_prog_type_parse("xdp"), 6);
	assert_int_equal(eb_prog_type_parse("syscall"), 31);
	assert_int_equal(eb_prog_type_parse("XDP"), -EINVAL);
	assert_int_equal(eb_prog_type_parse(""), -EINVAL);
	assert_int_equal(eb_prog_type_parse(NULL), -EINVAL);

	assert_string_equal(eb_map_type_str(BPF_MAP_TYPE_PERCPU_ARRAY), "percpu_array");
	assert_string_equal(eb_map_type_str(BPF_MAP_TYPE_RINGBUF), "ringbuf");
	assert_string_equal(eb_map_type_str(33), "arena");
	assert_null(eb_map_type_str(34));
	assert_int_equal(eb_map_type_parse("lru_percpu_hash"), 10);
	assert_int_equal(eb_map_type_parse("hash_map"), -EINVAL);

	assert_string_equal(eb_link_type_str(BPF_LINK_TYPE_RAW_TRACEPOINT), "raw_tracepoint");
	assert_string_equal(eb_link_type_str(11), "tcx");
	assert_string_equal(eb_link_type_str(14), "sockmap");
	assert_null(eb_link_type_str(15));
	assert_int_equal(eb_link_type_parse("netns"), 5);

	assert_string_equal(eb_attach_type_str(BPF_CGROUP_INET_INGRESS), "cgroup_inet_ingress");
	assert_string_equal(eb_attach_type_str(BPF_XDP), "xdp");
	assert_string_equal(eb_attach_type_str(BPF_TRACE_ITER), "trace_iter");
	assert_string_equal(eb_attach_type_str(44), "struct_ops");
	assert_string_equal(eb_attach_type_str(46), "tcx_ingress");
	assert_string_equal(eb_attach_type_str(57), "trace_uprobe_session");
	assert_null(eb_attach_type_str(58));
	assert_int_equal(eb_attach_type_parse("cgroup_inet_egress"), 1);
	assert_int_equal(eb_attach_type_parse("sk_lookup"), 36);

	/* every name parses back to its value */
	for (i = 0; i < 64; i++) {
		if (eb_prog_type_str(i))
			assert_int_equal(eb_prog_type_parse(eb_prog_type_str(i)), i);
		if (eb_map_type_str(i))
			assert_int_equal(eb_map_type_parse(eb_map_type_str(i)), i);
		if (eb_link_type_str(i))
			assert_int_equal(eb_link_type_parse(eb_link_type_str(i)), i);
		if (eb_attach_type_str(i))
			assert_int_equal(eb_attach_type_parse(eb_attach_type_str(i)), i);
	}
	/* no holes up to the newest known value */
	for (i = 0; i <= 32; i++)
		assert_non_null(eb_prog_type_str(i));
	for (i = 0; i <= 33; i++)
		assert_non_null(eb_map_type_str(i));
	for (i = 0; i <= 57; i++)
		assert_non_null(eb_attach_type_str(i));
}

static void test_tag_and_time(void **state)
{
	const uint8_t tag[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	char hex[EB_TAG_HEX_LEN];
	struct timespec boot, real, conv;
	uint64_t boot_ns;
	int64_t diff;

	(void)state;
	eb_tag_to_hex(tag, hex);
	assert_string_equal(hex, "0123456789abcdef");

	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_REALTIME, &real);
	boot_ns = (uint64_t)boot.tv_sec * 1000000000ULL + (uint64_t)boot.tv_nsec;
	conv = eb_boot_ns_to_realtime(boot_ns);
	diff = ((int64_t)conv.tv_sec - real.tv_sec) * 1000000000LL +
	       (conv.tv_nsec - real.tv_nsec);
	assert_true(diff > -50000000LL && diff < 50000000LL);	/* 50 ms */
	assert_true(conv.tv_nsec >= 0 && conv.tv_nsec < 1000000000L);
}

/* --- programs ------------------------------------------------------------------------ */

static void test_prog_info(void **state)
{
	struct eb_prog_info pi, pi2;
	struct timespec before, after;
	struct bpf_insn *x = NULL;
	char hex[EB_TAG_HEX_LEN], path[160], *json;
	struct eb_strbuf sb = EB_STRBUF_INIT;
	uint32_t cnt;
	int map, prog, sf;

	(void)state;
	TU_REQUIRE_BPF();
	map = tu_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, "eb_info_map");
	assert_true(map >= 0);
	clock_gettime(CLOCK_REALTIME, &before);
	prog = tu_prog_load_xdp_map_reader(map, "eb_xdp_info");
	assert_true(prog >= 0);
	clock_gettime(CLOCK_REALTIME, &after);

	assert_int_equal(eb_prog_info_by_fd(prog, &pi), 0);
	assert_int_equal(pi.type, BPF_PROG_TYPE_XDP);
	assert_string_equal(pi.name, "eb_xdp_info");
	assert_true(pi.id > 0);
	assert_int_equal(pi.nr_map_ids, 1);
	assert_non_null(pi.map_ids);
	{
		struct eb_map_info mi;

		assert_int_equal(eb_map_info_by_fd(map, &mi), 0);
		assert_int_equal(pi.map_ids[0], mi.id);
	}
	assert_true(pi.xlated_len > 0);
	assert_int_equal(pi.xlated_len % 8, 0);
	assert_true(pi.jited_len > 0);		/* bpf_jit_enable is on */
	assert_int_equal(pi.created_by_uid, getuid());
	assert_true(pi.verified_insns > 0);
	assert_true(pi.gpl_compatible);
	assert_int_equal(pi.btf_id, 0);
	/* load time, converted to wall clock, within the load call (+-1 s) */
	assert_true(pi.load_time.tv_sec >= before.tv_sec - 1);
	assert_true(pi.load_time.tv_sec <= after.tv_sec + 1);

	/* bpftool sees the same */
	eb_tag_to_hex(pi.tag, hex);
	if (have_bpftool) {
		json = tu_bpftool_json("prog show id %u", pi.id);
		tu_assert_json_has(json, "name", "\"eb_xdp_info\"");
		tu_assert_json_has(json, "type", "\"xdp\"");
		eb_strbuf_addf(&sb, "\"%s\"", hex);
		tu_assert_json_has(json, "tag", sb.buf);
		eb_strbuf_reset(&sb);
		eb_strbuf_addf(&sb, "[%u]", pi.map_ids[0]);
		tu_assert_json_has(json, "map_ids", sb.buf);
		eb_strbuf_reset(&sb);
		eb_strbuf_addf(&sb, "%u", pi.xlated_len);
		tu_assert_json_has(json, "bytes_xlated", sb.buf);
		eb_strbuf_reset(&sb);
		eb_strbuf_addf(&sb, "%u", pi.jited_len);
		tu_assert_json_has(json, "bytes_jited", sb.buf);
		free(json);
	} else {
		TU_SKIP_PART("bpftool not installed");
	}

	/* by id and by pinned path give the same */
	assert_int_equal(eb_prog_info_by_id(pi.id, &pi2), 0);
	assert_int_equal(pi2.id, pi.id);
	assert_memory_equal(pi2.tag, pi.tag, 8);
	assert_int_equal(pi2.nr_map_ids, 1);
	assert_int_equal(pi2.map_ids[0], pi.map_ids[0]);
	assert_int_equal(pi2.load_time_boot_ns, pi.load_time_boot_ns);
	eb_prog_info_release(&pi2);
	if (bpffs_dir) {
		snprintf(path, sizeof(path), "%s/prog_info", bpffs_dir);
		assert_int_equal(eb_pin(prog, path), 0);
		assert_int_equal(eb_prog_info_by_path(path, &pi2), 0);
		assert_int_equal(pi2.id, pi.id);
		assert_string_equal(pi2.name, "eb_xdp_info");
		eb_prog_info_release(&pi2);
		/* a pinned map is not a program */
		assert_int_equal(eb_unpin(path), 0);
		assert_int_equal(eb_pin(map, path), 0);
		assert_int_equal(eb_prog_info_by_path(path, &pi2), -EINVAL);
		assert_int_equal(eb_unpin(path), 0);
		assert_int_equal(eb_prog_info_by_path(path, &pi2), -ENOENT);
	}
	assert_int_equal(eb_prog_info_by_id(0x7ffffff0, &pi2), -ENOENT);
	assert_int_equal(eb_prog_info_by_fd(map, &pi2), -EINVAL);
	assert_null(pi2.map_ids);
	eb_prog_info_release(&pi);
	eb_prog_info_release(&pi);

	/* translated instructions of "r0 = 42; exit" are exactly those */
	sf = tu_prog_load_const(BPF_PROG_TYPE_SOCKET_FILTER, 0, 42, "eb_xlated");
	assert_true(sf >= 0);
	assert_int_equal(eb_prog_xlated_insns(sf, &x, &cnt), 0);
	assert_int_equal(cnt, 2);
	assert_int_equal(x[0].code, BPF_ALU64 | BPF_MOV | BPF_K);
	assert_int_equal(x[0].dst_reg, 0);
	assert_int_equal(x[0].imm, 42);
	assert_int_equal(x[1].code, BPF_JMP | BPF_EXIT);
	free(x);
	assert_int_equal(eb_prog_xlated_insns(map, &x, &cnt), -EINVAL);
	assert_null(x);
	/* the map-reading program: as many insns as xlated_len says */
	assert_int_equal(eb_prog_info_by_fd(prog, &pi), 0);
	assert_int_equal(eb_prog_xlated_insns(prog, &x, &cnt), 0);
	assert_int_equal(cnt, pi.xlated_len / 8);
	free(x);
	eb_prog_info_release(&pi);

	eb_strbuf_release(&sb);
	close(sf);
	close(prog);
	close(map);
}

static void test_run_stats_in_info(void **state)
{
	struct eb_test_run_opts o;
	struct eb_prog_info pi;
	uint8_t pkt[64] = { 0 };
	uint64_t before;
	int prog, stats;

	(void)state;
	TU_REQUIRE_BPF();
	prog = tu_prog_load_const(BPF_PROG_TYPE_SOCKET_FILTER, 0, 1, "eb_runcnt");
	assert_true(prog >= 0);
	stats = eb_sys_enable_stats(BPF_STATS_RUN_TIME);
	assert_true(stats >= 0);
	assert_int_equal(eb_prog_info_by_fd(prog, &pi), 0);
	before = pi.run_cnt;
	memset(&o, 0, sizeof(o));
	o.data_in = pkt;
	o.data_size_in = sizeof(pkt);
	o.repeat = 25;
	assert_int_equal(eb_sys_prog_test_run(prog, &o), 0);
	assert_int_equal(eb_prog_info_by_fd(prog, &pi), 0);
	assert_int_equal(pi.run_cnt - before, 25);
	assert_true(pi.run_time_ns > 0);
	eb_prog_info_release(&pi);
	close(stats);
	close(prog);
}

/* --- maps -------------------------------------------------------------------------------- */

static void test_map_info(void **state)
{
	struct eb_map_create_opts bo = {
		.type = BPF_MAP_TYPE_BLOOM_FILTER, .name = "eb_bloom",
		.key_size = 0, .value_size = 4, .max_entries = 100,
		.map_extra = 3,
	};
	struct eb_map_info mi, mi2;
	char path[160], *json;
	int map, bloom;

	(void)state;
	TU_REQUIRE_BPF();
	map = tu_map_create(BPF_MAP_TYPE_LRU_HASH, 8, 16, 128, 0, "eb_minfo");
	assert_true(map >= 0);
	assert_int_equal(eb_map_info_by_fd(map, &mi), 0);
	assert_int_equal(mi.type, BPF_MAP_TYPE_LRU_HASH);
	assert_int_equal(mi.key_size, 8);
	assert_int_equal(mi.value_size, 16);
	assert_int_equal(mi.max_entries, 128);
	assert_int_equal(mi.flags, 0);
	assert_string_equal(mi.name, "eb_minfo");
	assert_int_equal(mi.btf_id, 0);
	assert_true(mi.id > 0);
	if (have_bpftool) {
		json = tu_bpftool_json("map show id %u", mi.id);
		tu_assert_json_has(json, "type", "\"lru_hash\"");
		tu_assert_json_has(json, "name", "\"eb_minfo\"");
		tu_assert_json_has(json, "bytes_key", "8");
		tu_assert_json_has(json, "bytes_value", "16");
		tu_assert_json_has(json, "max_entries", "128");
		free(json);
	}
	assert_int_equal(eb_map_info_by_id(mi.id, &mi2), 0);
	assert_memory_equal(&mi2, &mi, sizeof(mi));
	/* an fd the caller vouches for: the same record, kind unchecked */
	assert_int_equal(eb_map_info_by_own_fd(map, &mi2), 0);
	assert_memory_equal(&mi2, &mi, sizeof(mi));
	assert_int_equal(eb_map_info_by_own_fd(-1, &mi2), -EBADF);
	if (bpffs_dir) {
		snprintf(path, sizeof(path), "%s/map_info", bpffs_dir);
		assert_int_equal(eb_pin(map, path), 0);
		assert_int_equal(eb_map_info_by_path(path, &mi2), 0);
		assert_memory_equal(&mi2, &mi, sizeof(mi));
		assert_int_equal(eb_unpin(path), 0);
	}
	assert_int_equal(eb_map_info_by_id(0x7ffffff0, &mi2), -ENOENT);

	bloom = eb_sys_map_create(&bo);
	assert_true(bloom >= 0);
	assert_int_equal(eb_map_info_by_fd(bloom, &mi), 0);
	assert_int_equal(mi.type, BPF_MAP_TYPE_BLOOM_FILTER);
	assert_int_equal(mi.map_extra, 3);
	close(bloom);
	close(map);
}

/* --- links ---------------------------------------------------------------------------------- */

static void test_link_info_raw_tp(void **state)
{
	struct eb_link_info li, li2;
	struct eb_prog_info pi;
	char path[160];
	int prog, link;

	(void)state;
	TU_REQUIRE_BPF();
	prog = tu_prog_load_const(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, "eb_rawtp");
	assert_true(prog >= 0);
	link = eb_sys_raw_tracepoint_open("sys_enter", prog);
	assert_true(link >= 0);
	assert_int_equal(eb_prog_info_by_fd(prog, &pi), 0);
	assert_int_equal(eb_link_info_by_fd(link, &li), 0);
	assert_int_equal(li.type, BPF_LINK_TYPE_RAW_TRACEPOINT);
	assert_int_equal(li.prog_id, pi.id);
	assert_string_equal(li.tp_name, "sys_enter");
	assert_null(li.iter_target);
	assert_int_equal(eb_link_info_by_id(li.id, &li2), 0);
	assert_string_equal(li2.tp_name, "sys_enter");
	assert_int_equal(li2.prog_id, pi.id);
	eb_link_info_release(&li2);
	if (bpffs_dir) {
		snprintf(path, sizeof(path), "%s/links/raw/sys_enter", bpffs_dir);
		assert_int_equal(eb_pin(link, path), 0);
		assert_int_equal(eb_link_info_by_path(path, &li2), 0);
		assert_int_equal(li2.id, li.id);
		eb_link_info_release(&li2);
		assert_int_equal(eb_unpin(path), 0);
		snprintf(path, sizeof(path), "%s/links/raw", bpffs_dir);
		assert_int_equal(eb_unpin(path), 0);
		snprintf(path, sizeof(path), "%s/links", bpffs_dir);
		assert_int_equal(eb_unpin(path), 0);
	}
	assert_int_equal(eb_link_info_by_fd(prog, &li2), -EINVAL);
	eb_link_info_release(&li);
	eb_link_info_release(&li);
	eb_prog_info_release(&pi);
	close(link);
	close(prog);
}

/* XDP, tcx and sk_lookup links in the test's private netns. */
static void test_link_info_net(void **state)
{
	struct eb_link_info li;
	struct stat st;
	int xdp, tc, skl, link, ns;

	(void)state;
	TU_REQUIRE_BPF();
	TU_SKIP_UNLESS(own_netns, "no private network namespace");
	xdp = tu_prog_load_const(BPF_PROG_TYPE_XDP, BPF_XDP, 2 /* XDP_PASS */, "eb_xdp_pass");
	assert_true(xdp >= 0);
	link = eb_sys_link_create(xdp, 1 /* lo */, BPF_XDP, NULL);
	assert_true(link >= 0);
	assert_int_equal(eb_link_info_by_fd(link, &li), 0);
	assert_int_equal(li.type, BPF_LINK_TYPE_XDP);
	assert_int_equal(li.ifindex, 1);
	eb_link_info_release(&li);
	close(link);
	close(xdp);

	tc = tu_prog_load_const(BPF_PROG_TYPE_SCHED_CLS, EB_ATTACH_TCX_INGRESS,
			-1 /* TCX_NEXT */, "eb_tcx");
	assert_true(tc >= 0);
	link = eb_sys_link_create(tc, 1, EB_ATTACH_TCX_INGRESS, NULL);
	if (link >= 0) {
		assert_int_equal(eb_link_info_by_fd(link, &li), 0);
		assert_int_equal(li.type, EB_LINK_TYPE_TCX);
		assert_int_equal(li.ifindex, 1);
		assert_int_equal(li.attach_type, EB_ATTACH_TCX_INGRESS);
		assert_string_equal(eb_link_type_str(li.type), "tcx");
		eb_link_info_release(&li);
		close(link);
	} else {
		TU_SKIP_PART("tcx link: %s", eb_strerror(link));
	}
	close(tc);

	skl = tu_prog_load_const(BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 1 /* SK_PASS */,
			 "eb_sklookup");
	assert_true(skl >= 0);
	ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(ns >= 0);
	assert_int_equal(fstat(ns, &st), 0);
	link = eb_sys_link_create(skl, ns, BPF_SK_LOOKUP, NULL);
	assert_true(link >= 0);
	assert_int_equal(eb_link_info_by_fd(link, &li), 0);
	assert_int_equal(li.type, BPF_LINK_TYPE_NETNS);
	assert_int_equal(li.netns_ino, (uint32_t)st.st_ino);
	assert_int_equal(li.attach_type, BPF_SK_LOOKUP);
	eb_link_info_release(&li);
	close(link);
	close(ns);
	close(skl);
}

static void test_link_info_cgroup(void **state)
{
	struct eb_link_info li;
	const char *root = tu_cgroup2_root();
	struct stat st;
	char dir[160];
	int prog, cg, link;

	(void)state;
	TU_REQUIRE_BPF();
	TU_SKIP_UNLESS(root, "no cgroup v2 hierarchy");
	snprintf(dir, sizeof(dir), "%s/eb-test-link-%d", root, (int)getpid());
	assert_int_equal(mkdir(dir, 0755), 0);
	cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(cg >= 0);
	assert_int_equal(fstat(cg, &st), 0);
	prog = tu_prog_load_const(BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 1,
			  "eb_cg_egress");
	assert_true(prog >= 0);
	link = eb_sys_link_create(prog, cg, BPF_CGROUP_INET_EGRESS, NULL);
	assert_true(link >= 0);
	assert_int_equal(eb_link_info_by_fd(link, &li), 0);
	assert_int_equal(li.type, BPF_LINK_TYPE_CGROUP);
	assert_int_equal(li.attach_type, BPF_CGROUP_INET_EGRESS);
	assert_int_equal(li.cgroup_id, (uint64_t)st.st_ino);	/* kernfs id */
	eb_link_info_release(&li);
	close(link);
	close(prog);
	close(cg);
	assert_int_equal(rmdir(dir), 0);
}

/* --- BTF ---------------------------------------------------------------------------------- */

static void test_btf_info(void **state)
{
	struct eb_btf_info bi;
	uint32_t id = 0, size, vmlinux_id = 0;
	struct stat st;
	void *raw;
	int fd;

	(void)state;
	TU_REQUIRE_BPF();
	fd = eb_sys_btf_load(tu_tiny_btf, sizeof(tu_tiny_btf), NULL, 0, 0);
	assert_true(fd >= 0);
	assert_int_equal(eb_obj_kind(fd), EB_OBJ_BTF);
	assert_int_equal(eb_btf_info_by_fd(fd, &bi), 0);
	assert_int_equal(bi.size, sizeof(tu_tiny_btf));
	assert_string_equal(bi.name, "");
	assert_false(bi.kernel_btf);
	assert_true(bi.id > 0);
	eb_btf_info_release(&bi);
	assert_int_equal(eb_btf_get_raw_by_fd(fd, &raw, &size), 0);
	assert_int_equal(size, sizeof(tu_tiny_btf));
	assert_memory_equal(raw, tu_tiny_btf, sizeof(tu_tiny_btf));
	free(raw);
	close(fd);

	/* find vmlinux among the kernel's BTF objects */
	while (!eb_sys_btf_get_next_id(id, &id)) {
		if (eb_btf_info_by_id(id, &bi))
			continue;
		if (bi.kernel_btf && !strcmp(bi.name, "vmlinux"))
			vmlinux_id = id;
		eb_btf_info_release(&bi);
		if (vmlinux_id)
			break;
	}
	if (!vmlinux_id || stat("/sys/kernel/btf/vmlinux", &st)) {
		TU_SKIP_PART("no vmlinux BTF");
		return;
	}
	assert_int_equal(eb_btf_info_by_id(vmlinux_id, &bi), 0);
	assert_int_equal(bi.size, (uint32_t)st.st_size);
	eb_btf_info_release(&bi);
	fd = eb_sys_btf_get_fd_by_id(vmlinux_id);
	assert_true(fd >= 0);
	assert_int_equal(eb_btf_get_raw_by_fd(fd, &raw, &size), 0);
	assert_int_equal(size, (uint32_t)st.st_size);
	assert_memory_equal(raw, "\x9f\xeb\x01", 3);
	free(raw);
	close(fd);
}

/* --- object kinds and pinning --------------------------------------------------------------- */

static void test_obj_kind(void **state)
{
	int map, prog, file, link;

	(void)state;
	TU_REQUIRE_BPF();
	map = tu_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, NULL);
	prog = tu_prog_load_const(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, "eb_kind");
	link = eb_sys_raw_tracepoint_open("sys_exit", prog);
	file = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	assert_true(map >= 0 && prog >= 0 && link >= 0 && file >= 0);
	assert_int_equal(eb_obj_kind(map), EB_OBJ_MAP);
	assert_int_equal(eb_obj_kind(prog), EB_OBJ_PROG);
	assert_int_equal(eb_obj_kind(link), EB_OBJ_LINK);
	{
		/* links opened by id are "bpf-link", not "bpf_link" */
		struct eb_link_info li;
		int byid;

		assert_int_equal(eb_link_info_by_fd(link, &li), 0);
		byid = eb_sys_link_get_fd_by_id(li.id);
		assert_true(byid >= 0);
		assert_int_equal(eb_obj_kind(byid), EB_OBJ_LINK);
		eb_link_info_release(&li);
		close(byid);
	}
	assert_int_equal(eb_obj_kind(file), EB_OBJ_UNKNOWN);
	assert_int_equal(eb_obj_kind(-1), -EBADF);
	close(file);
	assert_int_equal(eb_obj_kind(file), -EBADF);
	assert_string_equal(eb_obj_kind_str(EB_OBJ_LINK), "link");
	assert_string_equal(eb_obj_kind_str(42), "unknown");
	close(link);
	close(prog);
	close(map);
}

static void test_pin_unpin(void **state)
{
	char path[200], dir[200], outside[64];
	struct eb_map_info mi, mi2;
	eb_print_fn old;
	int map, got, fd;

	(void)state;
	TU_REQUIRE_BPFFS(bpffs_dir);
	map = tu_map_create(BPF_MAP_TYPE_HASH, 4, 4, 8, 0, "eb_pinned");
	assert_true(map >= 0);
	assert_int_equal(eb_map_info_by_fd(map, &mi), 0);

	/* missing parents are created inside the bpffs */
	snprintf(path, sizeof(path), "%s/a/b//c/pinned", bpffs_dir);
	assert_int_equal(eb_pin(map, path), 0);
	assert_true(eb_path_is_bpffs(path));
	got = eb_sys_obj_get(path, 0);
	assert_true(got >= 0);
	assert_int_equal(eb_map_info_by_fd(got, &mi2), 0);
	assert_int_equal(mi2.id, mi.id);
	close(got);
	assert_int_equal(eb_pin(map, path), -EEXIST);

	/* outside a bpffs: refused with a log line, nothing created */
	strcpy(outside, "/tmp/eb-test-nopin-XXXXXX");
	assert_non_null(mkdtemp(outside));
	snprintf(dir, sizeof(dir), "%s/sub/pin", outside);
	old = tu_log_capture(TU_LOG_ALL);
	assert_int_equal(eb_pin(map, dir), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "not on a bpffs"));
	assert_non_null(strstr(tu_log_last(), outside));
	snprintf(dir, sizeof(dir), "%s/sub", outside);
	assert_int_equal(access(dir, F_OK), -1);
	/* unpin refuses files outside a bpffs and leaves them */
	snprintf(dir, sizeof(dir), "%s/file", outside);
	fd = open(dir, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	tu_log_reset();
	assert_int_equal(eb_unpin(dir), -EINVAL);
	assert_non_null(strstr(tu_log_last(), "not on a bpffs"));
	eb_set_print(old);
	tu_log_reset();
	assert_int_equal(access(dir, F_OK), 0);
	unlink(dir);
	rmdir(outside);

	/* unpin the pin, then the directories, innermost first */
	assert_int_equal(eb_unpin(path), 0);
	assert_int_equal(eb_unpin(path), -ENOENT);
	assert_int_equal(eb_sys_obj_get(path, 0), -ENOENT);
	snprintf(dir, sizeof(dir), "%s/a", bpffs_dir);
	assert_int_equal(eb_unpin(dir), -ENOTEMPTY);
	snprintf(dir, sizeof(dir), "%s/a/b/c", bpffs_dir);
	assert_int_equal(eb_unpin(dir), 0);
	snprintf(dir, sizeof(dir), "%s/a/b", bpffs_dir);
	assert_int_equal(eb_unpin(dir), 0);
	snprintf(dir, sizeof(dir), "%s/a", bpffs_dir);
	assert_int_equal(eb_unpin(dir), 0);
	assert_int_equal(eb_pin(map, ""), -EINVAL);
	close(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_tag_and_time),
		cmocka_unit_test(test_prog_info),
		cmocka_unit_test(test_run_stats_in_info),
		cmocka_unit_test(test_map_info),
		cmocka_unit_test(test_link_info_raw_tp),
		cmocka_unit_test(test_link_info_net),
		cmocka_unit_test(test_link_info_cgroup),
		cmocka_unit_test(test_btf_info),
		cmocka_unit_test(test_obj_kind),
		cmocka_unit_test(test_pin_unpin),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
