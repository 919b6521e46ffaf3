/* SPDX-License-Identifier: MIT */
/*
 * Tests of the bpf(2) layer (core/syscall.h) against the running kernel.
 * Programs are built by hand from raw instructions.
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

#include "syscall.h"
#include "testutil.h"
#include "util.h"

/* --- helpers ------------------------------------------------------------ */

static char *bpffs_dir;		/* a private bpffs, NULL if none */

/* Every map here is named "eb_test". */
static int create_map(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max,
		      uint32_t flags)
{
	return tu_map_create(type, ks, vs, max, flags, "eb_test");
}

static void assert_cloexec(int fd)
{
	int fl;

	assert_true(fd >= 0);
	fl = fcntl(fd, F_GETFD);
	assert_true(fl >= 0);
	assert_true(fl & FD_CLOEXEC);
}

static uint32_t obj_id(int fd)
{
	/* map, prog, link and BTF info all start with or hold an id; use
	 * the right struct per caller instead of guessing. */
	struct bpf_map_info mi;
	uint32_t len = sizeof(mi);

	memset(&mi, 0, sizeof(mi));
	assert_int_equal(eb_sys_obj_get_info_by_fd(fd, &mi, &len), 0);
	return mi.id;
}

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info pi;
	uint32_t len = sizeof(pi);

	memset(&pi, 0, sizeof(pi));
	assert_int_equal(eb_sys_obj_get_info_by_fd(fd, &pi, &len), 0);
	return pi.id;
}

static int group_setup(void **state)
{
	(void)state;
	if (!tu_bpf_probe())
		tu_bpffs_mount_private("sys", &bpffs_dir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tu_bpffs_umount(&bpffs_dir);
	return 0;
}

/* --- error classifiers (no kernel needed) ------------------------------ */

static void test_err_classifiers(void **state)
{
	(void)state;
	assert_true(eb_err_is_exists(-EEXIST));
	assert_false(eb_err_is_exists(-ENOENT));
	assert_true(eb_err_is_not_found(-ENOENT));
	assert_false(eb_err_is_not_found(-EEXIST));
	assert_true(eb_err_is_too_big(-E2BIG));
	assert_true(eb_err_is_too_big(-ENOSPC));
	assert_false(eb_err_is_too_big(-ENOMEM));
	assert_true(eb_err_is_perm(-EPERM));
	assert_true(eb_err_is_perm(-EACCES));
	assert_false(eb_err_is_perm(-EINVAL));
	assert_true(eb_err_is_unsupported(-EINVAL));
	assert_true(eb_err_is_unsupported(-EOPNOTSUPP));
	assert_true(eb_err_is_unsupported(-524));
	assert_false(eb_err_is_unsupported(-ENOENT));
	assert_string_equal(eb_strerror(-524),
			    "Operation not supported by this kernel (ENOTSUPP)");
	assert_string_equal(eb_strerror(-ENOENT), strerror(ENOENT));
	assert_string_equal(eb_strerror(EEXIST), strerror(EEXIST));
}

/* --- element errnos --------------------------------------------------- */

static void test_map_elem_errnos(void **state)
{
	uint32_t k1 = 1, k2 = 2, k3 = 3, next;
	uint64_t v = 0, out = 0;
	int fd;

	(void)state;
	TU_REQUIRE_BPF();
	fd = create_map(BPF_MAP_TYPE_HASH, 4, 8, 2, 0);
	assert_cloexec(fd);

	assert_int_equal(eb_sys_map_lookup_elem(fd, &k1, &out, 0), -ENOENT);
	assert_int_equal(eb_sys_map_get_next_key(fd, NULL, &next), -ENOENT);
	v = 0x1122334455667788ULL;
	assert_int_equal(eb_sys_map_update_elem(fd, &k1, &v, BPF_EXIST), -ENOENT);
	assert_int_equal(eb_sys_map_update_elem(fd, &k1, &v, BPF_NOEXIST), 0);
	assert_int_equal(eb_sys_map_update_elem(fd, &k1, &v, BPF_NOEXIST), -EEXIST);
	assert_int_equal(eb_sys_map_lookup_elem(fd, &k1, &out, 0), 0);
	assert_int_equal(out, 0x1122334455667788ULL);
	v = 7;
	assert_int_equal(eb_sys_map_update_elem(fd, &k1, &v, BPF_EXIST), 0);
	assert_int_equal(eb_sys_map_lookup_elem(fd, &k1, &out, 0), 0);
	assert_int_equal(out, 7);
	assert_int_equal(eb_sys_map_update_elem(fd, &k2, &v, BPF_ANY), 0);
	/* full: max_entries 2 */
	assert_int_equal(eb_sys_map_update_elem(fd, &k3, &v, BPF_ANY), -E2BIG);
	assert_int_equal(eb_sys_map_update_elem(fd, &k3, &v, 42), -EINVAL);
	/* get_next_key walks both keys and ends with ENOENT */
	assert_int_equal(eb_sys_map_get_next_key(fd, NULL, &next), 0);
	assert_true(next == 1 || next == 2);
	assert_int_equal(eb_sys_map_get_next_key(fd, &next, &next), 0);
	assert_true(next == 1 || next == 2);
	assert_int_equal(eb_sys_map_get_next_key(fd, &next, &next), -ENOENT);

	assert_int_equal(eb_sys_map_delete_elem(fd, &k3), -ENOENT);
	assert_int_equal(eb_sys_map_delete_elem(fd, &k2), 0);
	assert_int_equal(eb_sys_map_lookup_and_delete_elem(fd, &k1, &out, 0), 0);
	assert_int_equal(out, 7);
	assert_int_equal(eb_sys_map_lookup_elem(fd, &k1, &out, 0), -ENOENT);
	close(fd);

	/* a closed fd */
	assert_int_equal(eb_sys_map_lookup_elem(fd, &k1, &out, 0), -EBADF);
	assert_int_equal(eb_sys_map_update_elem(-1, &k1, &v, 0), -EBADF);
	assert_int_equal(eb_sys_map_freeze(-1), -EBADF);
}

static void test_map_create_errnos(void **state)
{
	(void)state;
	TU_REQUIRE_BPF();
	/* zero sizes / unknown type / unknown flag */
	assert_int_equal(create_map(BPF_MAP_TYPE_HASH, 0, 8, 4, 0), -EINVAL);
	assert_int_equal(create_map(BPF_MAP_TYPE_HASH, 4, 8, 0, 0), -EINVAL);
	assert_int_equal(create_map(9999, 4, 8, 4, 0), -EINVAL);
	assert_int_equal(create_map(BPF_MAP_TYPE_HASH, 4, 8, 4, 1u << 30), -EINVAL);
}

/* --- close-on-exec ------------------------------------------------------- */

static void test_cloexec_everywhere(void **state)
{
	int map = -1, prog = -1, byid = -1, stats = -1, btf = -1, got = -1;
	char path[128];

	(void)state;
	TU_REQUIRE_BPF();
	map = create_map(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	assert_cloexec(map);
	prog = tu_prog_load_const(BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, "eb_cloexec");
	assert_cloexec(prog);
	byid = eb_sys_map_get_fd_by_id(obj_id(map));
	assert_cloexec(byid);
	close(byid);
	byid = eb_sys_prog_get_fd_by_id(prog_id(prog));
	assert_cloexec(byid);
	stats = eb_sys_enable_stats(BPF_STATS_RUN_TIME);
	assert_cloexec(stats);
	btf = eb_sys_btf_load(tu_tiny_btf, sizeof(tu_tiny_btf), NULL, 0, 0);
	assert_cloexec(btf);
	if (bpffs_dir) {
		snprintf(path, sizeof(path), "%s/cloexec", bpffs_dir);
		assert_int_equal(eb_sys_obj_pin(map, path), 0);
		got = eb_sys_obj_get(path, 0);
		assert_cloexec(got);
		assert_int_equal(unlink(path), 0);
	}
	eb_zclose(&got);
	eb_zclose(&btf);
	eb_zclose(&stats);
	eb_zclose(&byid);
	eb_zclose(&prog);
	eb_zclose(&map);
}

/* --- ids ------------------------------------------------------------------- */

typedef int (*next_id_fn)(uint32_t, uint32_t *);

/* Walk all ids with fn; true if want is among them, ids strictly rising. */
static bool id_walk_finds(next_id_fn fn, uint32_t want)
{
	uint32_t id = 0, next;
	bool found = false;
	int err;

	while (!(err = fn(id, &next))) {
		assert_true(next > id);
		if (next == want)
			found = true;
		id = next;
	}
	assert_int_equal(err, -ENOENT);
	return found;
}

static void test_id_round_trips(void **state)
{
	int map, prog, link, btf, fd;
	struct bpf_link_info li;
	struct bpf_btf_info bi;
	uint32_t len, mid, pid;

	(void)state;
	TU_REQUIRE_BPF();
	map = create_map(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	assert_true(map >= 0);
	prog = tu_prog_load_const(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, "eb_rawtp");
	assert_true(prog >= 0);
	link = eb_sys_raw_tracepoint_open("sys_enter", prog);
	assert_cloexec(link);
	btf = eb_sys_btf_load(tu_tiny_btf, sizeof(tu_tiny_btf), NULL, 0, 0);
	assert_true(btf >= 0);

	mid = obj_id(map);
	pid = prog_id(prog);
	assert_true(mid > 0);
	assert_true(pid > 0);
	assert_true(id_walk_finds(eb_sys_map_get_next_id, mid));
	assert_true(id_walk_finds(eb_sys_prog_get_next_id, pid));

	memset(&li, 0, sizeof(li));
	len = sizeof(li);
	assert_int_equal(eb_sys_obj_get_info_by_fd(link, &li, &len), 0);
	assert_int_equal(li.type, BPF_LINK_TYPE_RAW_TRACEPOINT);
	assert_int_equal(li.prog_id, pid);
	assert_true(id_walk_finds(eb_sys_link_get_next_id, li.id));

	memset(&bi, 0, sizeof(bi));
	len = sizeof(bi);
	assert_int_equal(eb_sys_obj_get_info_by_fd(btf, &bi, &len), 0);
	assert_int_equal(bi.btf_size, sizeof(tu_tiny_btf));
	assert_int_equal(bi.kernel_btf, 0);
	assert_true(id_walk_finds(eb_sys_btf_get_next_id, bi.id));

	/* fd by id gives the same object */
	fd = eb_sys_map_get_fd_by_id(mid);
	assert_int_equal(obj_id(fd), mid);
	close(fd);
	fd = eb_sys_prog_get_fd_by_id(pid);
	assert_int_equal(prog_id(fd), pid);
	close(fd);
	fd = eb_sys_link_get_fd_by_id(li.id);
	assert_cloexec(fd);
	memset(&li, 0, sizeof(li));
	len = sizeof(li);
	assert_int_equal(eb_sys_obj_get_info_by_fd(fd, &li, &len), 0);
	assert_int_equal(li.prog_id, pid);
	close(fd);
	fd = eb_sys_btf_get_fd_by_id(bi.id);
	assert_cloexec(fd);
	close(fd);

	/* ids that do not exist */
	assert_int_equal(eb_sys_map_get_fd_by_id(0x7ffffff0), -ENOENT);
	assert_int_equal(eb_sys_prog_get_fd_by_id(0x7ffffff0), -ENOENT);
	assert_int_equal(eb_sys_link_get_fd_by_id(0x7ffffff0), -ENOENT);
	assert_int_equal(eb_sys_btf_get_fd_by_id(0x7ffffff0), -ENOENT);
	assert_int_equal(eb_sys_map_get_next_id(0x7ffffff0, &len), -ENOENT);
	/* ids at or above INT_MAX are refused outright */
	assert_int_equal(eb_sys_map_get_next_id(0xfffffff0, &len), -EINVAL);

	/* raw tracepoint links cannot be detached, only closed */
	assert_int_equal(eb_sys_link_detach(link), -EOPNOTSUPP);
	close(btf);
	close(link);
	close(prog);
	close(map);
}

/* --- pinning ---------------------------------------------------------------- */

static void test_pin_get(void **state)
{
	char path[128], missing[128];
	uint32_t k = 0, v = 5;
	int map, got, ro;

	(void)state;
	TU_REQUIRE_BPFFS(bpffs_dir);
	snprintf(path, sizeof(path), "%s/pinned_map", bpffs_dir);
	snprintf(missing, sizeof(missing), "%s/nothing", bpffs_dir);
	map = create_map(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	assert_true(map >= 0);
	assert_int_equal(eb_sys_obj_pin(map, path), 0);
	assert_int_equal(eb_sys_obj_pin(map, path), -EEXIST);
	assert_int_equal(eb_sys_obj_get(missing, 0), -ENOENT);
	/* the kernel probes the fd as map, prog, link: none matches */
	assert_int_equal(eb_sys_obj_pin(-1, missing), -EINVAL);
	/* pinning outside a bpffs */
	assert_int_equal(eb_sys_obj_pin(map, "/tmp/eb-not-bpffs-pin"), -EPERM);

	got = eb_sys_obj_get(path, 0);
	assert_cloexec(got);
	assert_int_equal(obj_id(got), obj_id(map));
	assert_int_equal(eb_sys_map_update_elem(got, &k, &v, 0), 0);
	v = 0;
	assert_int_equal(eb_sys_map_lookup_elem(map, &k, &v, 0), 0);
	assert_int_equal(v, 5);

	ro = eb_sys_obj_get(path, BPF_F_RDONLY);
	assert_true(ro >= 0);
	assert_int_equal(eb_sys_map_update_elem(ro, &k, &v, 0), -EPERM);
	assert_int_equal(eb_sys_map_lookup_elem(ro, &k, &v, 0), 0);

	assert_int_equal(unlink(path), 0);
	close(ro);
	close(got);
	close(map);
}

/* --- batch ops ----------------------------------------------------------------- */

static void test_batch_ops(void **state)
{
	enum { N = 100 };
	uint32_t keys[N], vals[N], outk[N], outv[N], cursor[2], count, total;
	unsigned char seen[N];
	bool first = true;
	int fd, err;
	uint32_t i;

	(void)state;
	TU_REQUIRE_BPF();
	fd = create_map(BPF_MAP_TYPE_HASH, 4, 4, N, 0);
	assert_true(fd >= 0);
	for (i = 0; i < N; i++) {
		keys[i] = i;
		vals[i] = i * 3 + 1;
	}
	count = N;
	assert_int_equal(eb_sys_map_update_batch(fd, keys, vals, &count, 0), 0);
	assert_int_equal(count, N);

	/* dump in chunks of 16 (a bucket may hold more: grow on ENOSPC) */
	memset(seen, 0, sizeof(seen));
	total = 0;
	for (;;) {
		count = 16;
		err = eb_sys_map_lookup_batch(fd, first ? NULL : cursor, cursor,
					      outk, outv, &count, 0);
		assert_true(err == 0 || err == -ENOENT);
		for (i = 0; i < count; i++) {
			assert_true(outk[i] < N);
			assert_int_equal(seen[outk[i]], 0);
			seen[outk[i]] = 1;
			assert_int_equal(outv[i], outk[i] * 3 + 1);
		}
		total += count;
		first = false;
		if (err == -ENOENT)
			break;
	}
	assert_int_equal(total, N);

	/* delete 0..9 in one batch; a missing key stops the batch */
	count = 10;
	assert_int_equal(eb_sys_map_delete_batch(fd, keys, &count, 0), 0);
	assert_int_equal(count, 10);
	assert_int_equal(eb_sys_map_lookup_elem(fd, &keys[5], &outv[0], 0), -ENOENT);
	count = 2;
	assert_int_equal(eb_sys_map_delete_batch(fd, &keys[9], &count, 0), -ENOENT);
	assert_int_equal(count, 0);

	/* drain the rest */
	total = 0;
	first = true;
	do {
		count = N;
		err = eb_sys_map_lookup_and_delete_batch(fd, first ? NULL : cursor,
							 cursor, outk, outv,
							 &count, 0);
		total += count;
		first = false;
	} while (err == 0);
	assert_int_equal(err, -ENOENT);
	assert_int_equal(total, N - 10);
	assert_int_equal(eb_sys_map_get_next_key(fd, NULL, &outk[0]), -ENOENT);
	close(fd);
}

/* --- freeze ---------------------------------------------------------------------- */

static void test_freeze(void **state)
{
	uint32_t k = 0, v = 9, out = 0;
	int fd;

	(void)state;
	TU_REQUIRE_BPF();
	fd = create_map(BPF_MAP_TYPE_ARRAY, 4, 4, 2, 0);
	assert_true(fd >= 0);
	assert_int_equal(eb_sys_map_update_elem(fd, &k, &v, 0), 0);
	assert_int_equal(eb_sys_map_freeze(fd), 0);
	assert_int_equal(eb_sys_map_update_elem(fd, &k, &v, 0), -EPERM);
	/* a frozen map lost its write permission: freezing again is EPERM */
	assert_int_equal(eb_sys_map_freeze(fd), -EPERM);
	assert_int_equal(eb_sys_map_lookup_elem(fd, &k, &out, 0), 0);
	assert_int_equal(out, 9);
	close(fd);
}

/* --- prog query (cgroup v2) -------------------------------------------------------- */

static void test_prog_query(void **state)
{
	const char *root = tu_cgroup2_root();
	uint32_t ids[4], cnt, flags, pid;
	char dir[160];
	int prog, cg;

	(void)state;
	TU_REQUIRE_BPF();
	TU_SKIP_UNLESS(root, "no cgroup v2 hierarchy");
	snprintf(dir, sizeof(dir), "%s/eb-test-query-%d", root, (int)getpid());
	assert_int_equal(mkdir(dir, 0755), 0);
	cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(cg >= 0);
	prog = tu_prog_load_const(BPF_PROG_TYPE_CGROUP_SKB, 0, 1, "eb_cgskb");
	assert_true(prog >= 0);
	pid = prog_id(prog);

	cnt = 0;
	assert_int_equal(eb_sys_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, NULL,
					   NULL, &cnt), 0);
	assert_int_equal(cnt, 0);
	assert_int_equal(eb_sys_prog_attach(prog, cg, BPF_CGROUP_INET_INGRESS,
					    BPF_F_ALLOW_MULTI, 0), 0);
	cnt = 0;
	assert_int_equal(eb_sys_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, NULL,
					   NULL, &cnt), 0);
	assert_int_equal(cnt, 1);
	cnt = EB_ARRAY_SIZE(ids);
	flags = 0xdead;
	assert_int_equal(eb_sys_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, &flags,
					   ids, &cnt), 0);
	assert_int_equal(cnt, 1);
	assert_int_equal(ids[0], pid);
	assert_int_equal(flags, BPF_F_ALLOW_MULTI);
	assert_int_equal(eb_sys_prog_detach(prog, cg, BPF_CGROUP_INET_INGRESS), 0);
	assert_int_equal(eb_sys_prog_detach(prog, cg, BPF_CGROUP_INET_INGRESS),
			 -ENOENT);
	cnt = 0;
	assert_int_equal(eb_sys_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, NULL,
					   NULL, &cnt), 0);
	assert_int_equal(cnt, 0);
	close(prog);
	close(cg);
	assert_int_equal(rmdir(dir), 0);
}

/* --- test run + stats ---------------------------------------------------------------- */

static void test_run_and_stats(void **state)
{
	struct bpf_prog_info pi;
	uint8_t pkt[64], out[128], zero[14] = { 0 };
	struct eb_test_run_opts o;
	uint64_t before;
	uint32_t len;
	int prog, stats;

	(void)state;
	TU_REQUIRE_BPF();
	prog = tu_prog_load_const(BPF_PROG_TYPE_SOCKET_FILTER, 0, 0x2a, "eb_stats");
	assert_true(prog >= 0);
	memset(pkt, 0xab, sizeof(pkt));

	stats = eb_sys_enable_stats(BPF_STATS_RUN_TIME);
	assert_cloexec(stats);
	/* another process may have stats on too: compare before and after */
	memset(&pi, 0, sizeof(pi));
	len = sizeof(pi);
	assert_int_equal(eb_sys_obj_get_info_by_fd(prog, &pi, &len), 0);
	before = pi.run_cnt;
	memset(&o, 0, sizeof(o));
	o.data_in = pkt;
	o.data_size_in = sizeof(pkt);
	o.data_out = out;
	o.data_size_out = sizeof(out);
	o.repeat = 7;
	assert_int_equal(eb_sys_prog_test_run(prog, &o), 0);
	assert_int_equal(o.retval, 0x2a);
	assert_int_equal(o.data_size_out, sizeof(pkt));
	/* a socket filter gets no L2 header: the kernel zeroes it on output */
	assert_memory_equal(out, zero, 14);
	assert_memory_equal(out + 14, pkt + 14, sizeof(pkt) - 14);
	memset(&pi, 0, sizeof(pi));
	len = sizeof(pi);
	assert_int_equal(eb_sys_obj_get_info_by_fd(prog, &pi, &len), 0);
	assert_int_equal(pi.run_cnt - before, 7);
	assert_true(pi.run_time_ns > 0);

	/* output buffer too small: ENOSPC and the needed size */
	memset(&o, 0, sizeof(o));
	o.data_in = pkt;
	o.data_size_in = sizeof(pkt);
	o.data_out = out;
	o.data_size_out = 10;
	assert_int_equal(eb_sys_prog_test_run(prog, &o), -ENOSPC);
	assert_int_equal(o.data_size_out, sizeof(pkt));

	assert_int_equal(eb_sys_enable_stats(9999), -EINVAL);
	assert_int_equal(eb_sys_prog_test_run(-1, &o), -EBADF);
	close(stats);
	close(prog);
}

static void test_prog_load_errnos(void **state)
{
	struct bpf_insn bad[] = { eb_insn_mov64_imm(BPF_REG_0, 0) }; /* no exit */
	struct bpf_insn uninit[] = { eb_insn_exit() };		     /* r0 unset */
	struct eb_prog_load_opts o = {
		.type = BPF_PROG_TYPE_SOCKET_FILTER, .license = "GPL",
		.insns = bad, .insn_cnt = 1,
	};
	char log[4096], tiny[8];

	(void)state;
	TU_REQUIRE_BPF();
	assert_int_equal(eb_sys_prog_load(&o), -EINVAL);
	o.insns = uninit;
	o.log_buf = log;
	o.log_size = sizeof(log);
	o.log_level = 1;
	assert_int_equal(eb_sys_prog_load(&o), -EACCES);
	assert_non_null(strstr(log, "R0 !read_ok"));
	/* a log too small: ENOSPC */
	o.log_buf = tiny;
	o.log_size = sizeof(tiny);
	assert_int_equal(eb_sys_prog_load(&o), -ENOSPC);
	o.insn_cnt = 0;
	o.log_buf = NULL;
	o.log_size = 0;
	o.log_level = 0;
	assert_int_equal(eb_sys_prog_load(&o), -E2BIG);
	o.insn_cnt = 1;
	o.type = 9999;
	assert_int_equal(eb_sys_prog_load(&o), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_classifiers),
		cmocka_unit_test(test_map_elem_errnos),
		cmocka_unit_test(test_map_create_errnos),
		cmocka_unit_test(test_cloexec_everywhere),
		cmocka_unit_test(test_id_round_trips),
		cmocka_unit_test(test_pin_get),
		cmocka_unit_test(test_batch_ops),
		cmocka_unit_test(test_freeze),
		cmocka_unit_test(test_prog_query),
		cmocka_unit_test(test_run_and_stats),
		cmocka_unit_test(test_prog_load_errnos),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
