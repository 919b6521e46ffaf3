/* SPDX-License-Identifier: MIT */
/*
 * test_load.c - the loader against the kernel: what eb_object_load()
 * creates, checked with direct bpf(2) calls (info by fd, lookups, test
 * runs) and bpftool as an independent witness.  Skips visibly without
 * CAP_BPF.
 *
 * Objects that need something not every kernel has (tcx, netfilter,
 * uprobe_multi, struct_ops links, fentry/lsm, kfuncs, typed ksyms) are
 * loaded after a probe of the running kernel with a minimal case
 * (probe_prog(), ...).  Where the kernel refuses the probe, the object
 * must fail with the same errno and say so, and the test's positive
 * case skips visibly ("SKIP <test>: ..."); where the kernel takes it,
 * the object must load and the positive case runs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <cmocka.h>

#include "btf.h"
#include "insn.h"
#include "log.h"
#include "object.h"
#include "strbuf.h"
#include "syscall.h"
#include "testutil.h"
#include "util.h"

static bool have_bpf;

#define REQUIRE_BPF()							\
	do {								\
		if (!have_bpf) {					\
			printf("SKIP %s: no CAP_BPF / bpf(2) not permitted\n", __func__); \
			skip();						\
		}							\
	} while (0)

static char last_warn[2048];

static void capture(enum eb_log_level level, const char *msg)
{
	if (level == EB_LOG_WARN)
		snprintf(last_warn, sizeof(last_warn), "%s", msg);
}

static void quiet(enum eb_log_level level, const char *msg)
{
}

static struct eb_object *open_obj(const char *name)
{
	struct eb_object *obj = NULL;
	char path[4096];
	int err;

	snprintf(path, sizeof(path), "%s/%s.bpf.o", getenv("EB_BPF_DIR"), name);
	err = eb_object_open_file(path, NULL, &obj);
	if (err)
		fail_msg("open %s: %d: %s", path, err, last_warn);
	return obj;
}

static struct eb_object *load_obj(const char *name)
{
	struct eb_object *obj = open_obj(name);
	int err = eb_object_load(obj, NULL);

	if (err)
		fail_msg("load %s: %d: %s", name, err, eb_object_errmsg(obj));
	assert_true(eb_object_loaded(obj));
	return obj;
}

static void prog_info(int fd, struct bpf_prog_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	assert_int_equal(eb_sys_obj_get_info_by_fd(fd, info, &len), 0);
}

static void map_info(int fd, struct bpf_map_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	assert_int_equal(eb_sys_obj_get_info_by_fd(fd, info, &len), 0);
}

static const struct eb_obj_map *map_named(struct eb_object *obj, const char *name)
{
	const struct eb_obj_map *m = eb_object_find_map(obj, name);

	if (!m)
		fail_msg("no map %s", name);
	assert_true(m->fd >= 0);
	return m;
}

static void check_map(struct eb_object *obj, const char *name, const char *kname,
		      uint32_t type, uint32_t key, uint32_t value, uint32_t max,
		      uint32_t flags)
{
	struct bpf_map_info info;

	map_info(map_named(obj, name)->fd, &info);
	assert_string_equal(info.name, kname);
	assert_int_equal(info.type, type);
	assert_int_equal(info.key_size, key);
	assert_int_equal(info.value_size, value);
	assert_int_equal(info.max_entries, max);
	assert_int_equal(info.map_flags, flags);
}

static const struct eb_prog *prog_named(struct eb_object *obj, const char *name)
{
	const struct eb_prog *p = eb_object_find_prog(obj, name);

	if (!p)
		fail_msg("no program %s", name);
	return p;
}

/* One test run with a 64-byte packet; returns retval. */
static uint32_t run(const struct eb_prog *p)
{
	unsigned char pkt[64] = { 0 };
	struct eb_test_run_opts o;
	int err;

	memset(&o, 0, sizeof(o));
	pkt[12] = 0x08;	/* ethertype IPv4 */
	o.data_in = pkt;
	o.data_size_in = sizeof(pkt);
	o.repeat = 1;
	err = eb_sys_prog_test_run(p->fd, &o);
	if (err)
		fail_msg("test run of %s: %d", p->name, err);
	return o.retval;
}

/* The kernel's ids of all maps or programs, for before/after comparisons. */
static unsigned int list_ids(bool maps, uint32_t *ids, unsigned int cap)
{
	uint32_t id = 0;
	unsigned int n = 0;

	while ((maps ? eb_sys_map_get_next_id(id, &id) : eb_sys_prog_get_next_id(id, &id)) == 0)
		if (n < cap)
			ids[n++] = id;
	return n;
}

static bool name_exists(bool maps, const char *name)
{
	uint32_t id = 0;

	while ((maps ? eb_sys_map_get_next_id(id, &id) : eb_sys_prog_get_next_id(id, &id)) == 0) {
		int fd = maps ? eb_sys_map_get_fd_by_id(id) : eb_sys_prog_get_fd_by_id(id);
		char kname[BPF_OBJ_NAME_LEN] = "";

		if (fd < 0)
			continue;
		if (maps) {
			struct bpf_map_info mi;
			uint32_t len = sizeof(mi);

			memset(&mi, 0, sizeof(mi));
			if (!eb_sys_obj_get_info_by_fd(fd, &mi, &len))
				memcpy(kname, mi.name, sizeof(kname));
		} else {
			struct bpf_prog_info pi;
			uint32_t len = sizeof(pi);

			memset(&pi, 0, sizeof(pi));
			if (!eb_sys_obj_get_info_by_fd(fd, &pi, &len))
				memcpy(kname, pi.name, sizeof(kname));
		}
		close(fd);
		if (!strcmp(kname, name))
			return true;
	}
	return false;
}

/* --- tests --------------------------------------------------------------------- */

static void test_xdp_count(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *p;
	struct bpf_prog_info info;
	uint32_t key = 0;
	uint64_t val = 0;

	REQUIRE_BPF();
	obj = load_obj("xdp_count");
	p = prog_named(obj, "xdp_count");
	assert_true(p->fd >= 0);
	prog_info(p->fd, &info);
	assert_string_equal(info.name, "xdp_count");
	assert_int_equal(info.type, BPF_PROG_TYPE_XDP);
	assert_int_equal(info.nr_map_ids, 2);
	assert_int_equal(p->final_cnt, p->insn_cnt);
	assert_int_equal(p->final_insns[10].src_reg, BPF_PSEUDO_MAP_FD);
	assert_int_equal(p->final_insns[10].imm, map_named(obj, "counts")->fd);
	check_map(obj, "counts", "counts", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	check_map(obj, "drops", "drops", BPF_MAP_TYPE_HASH, 4, 8, 16, 0);
	assert_int_equal(run(p), 2);
	assert_int_equal(eb_sys_map_lookup_elem(map_named(obj, "counts")->fd, &key, &val, 0), 0);
	assert_int_equal(val, 1);
	assert_true(eb_object_btf_fd(obj) >= 0);
	/* a second load of the same object is refused */
	assert_int_equal(eb_object_load(obj, NULL), -EALREADY);
	eb_object_close(obj);
}

static void test_globals(void **state)
{
	struct eb_object *obj;
	const struct eb_obj_map *m;
	unsigned char buf[64];
	uint32_t key = 0;
	uint64_t hits;
	FILE *f;
	char cmd[256], out[4096];
	struct bpf_map_info mi;
	size_t n;

	REQUIRE_BPF();
	obj = load_obj("globals");
	check_map(obj, ".data", "globals.data", BPF_MAP_TYPE_ARRAY, 4, 20, 1, BPF_F_MMAPABLE);
	check_map(obj, ".rodata", "globals.rodata", BPF_MAP_TYPE_ARRAY, 4, 51, 1,
		  BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	check_map(obj, ".bss", "globals.bss", BPF_MAP_TYPE_ARRAY, 4, 12, 1, BPF_F_MMAPABLE);
	check_map(obj, ".data.custom", ".data.custom", BPF_MAP_TYPE_ARRAY, 4, 4, 1, BPF_F_MMAPABLE);
	check_map(obj, ".rodata.str1.1", ".rodata.str1.1", BPF_MAP_TYPE_ARRAY, 4, 17, 1,
		  BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	/* initial values reached the kernel */
	m = map_named(obj, ".data");
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	assert_memory_equal(buf, m->init_data, 20);
	assert_int_equal(((int32_t *)buf)[0], 40);
	m = map_named(obj, ".rodata");
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	assert_memory_equal(buf, m->init_data, 51);
	/* .rodata is frozen */
	assert_int_equal(eb_sys_map_update_elem(m->fd, &key, buf, BPF_ANY), -EPERM);
	m = map_named(obj, ".data.custom");
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	assert_int_equal(*(int32_t *)buf, 100);
	/* the programs see them */
	assert_int_equal(run(prog_named(obj, "globals_sum")), 42);
	assert_int_equal(run(prog_named(obj, "globals_table")), 110);
	m = map_named(obj, ".bss");
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	memcpy(&hits, buf, sizeof(hits));
	assert_int_equal(hits, 1);
	m = map_named(obj, ".data.custom");
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	assert_int_equal(*(int32_t *)buf, 101);

	/* bpftool, an independent witness, agrees on name and frozen state */
	map_info(map_named(obj, ".rodata")->fd, &mi);
	snprintf(cmd, sizeof(cmd), "bpftool map show id %u -j 2>/dev/null", mi.id);
	f = popen(cmd, "r");
	if (f) {
		n = fread(out, 1, sizeof(out) - 1, f);
		out[n] = '\0';
		if (pclose(f) == 0) {
			assert_non_null(strstr(out, "\"name\":\"globals.rodata\""));
			assert_non_null(strstr(out, "\"frozen\":1"));
		} else {
			printf("SKIP bpftool check: bpftool not usable\n");
		}
	}
	eb_object_close(obj);
}

static void test_subprog_calls(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *p;
	struct bpf_prog_info info;

	REQUIRE_BPF();
	obj = load_obj("subprogs");
	p = prog_named(obj, "sub_xdp");
	/* sub_xdp 8 + sub_add3 4 + sub_global 4 + sub_double 3, each once */
	assert_int_equal(p->final_cnt, 19);
	assert_int_equal(run(p), 31);
	prog_info(p->fd, &info);
	assert_int_equal(info.nr_func_info, 4);	/* func_info rebased for all four */
	assert_true(info.nr_line_info > 0);
	p = prog_named(obj, "sub_sock");
	assert_int_equal(p->final_cnt, 7 + 4 + 3);
	assert_int_equal(run(p), 35);
	prog_info(p->fd, &info);
	assert_int_equal(info.nr_func_info, 3);
	eb_object_close(obj);
}

static void test_callback(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *p;

	REQUIRE_BPF();
	obj = load_obj("loop_cb");
	p = prog_named(obj, "loop_sum");
	assert_int_equal(p->final_cnt, 11 + 8);
	assert_int_equal(p->final_insns[5].src_reg, BPF_PSEUDO_FUNC);
	assert_int_equal(p->final_insns[5].imm, 11 - 5 - 1);
	assert_int_equal(run(p), 55);
	eb_object_close(obj);
}

static void test_legacy_maps(void **state)
{
	struct eb_object *obj;
	uint32_t key = 0;
	uint64_t val = 0;

	REQUIRE_BPF();
	obj = load_obj("legacy_maps");
	check_map(obj, "legacy_cnt", "legacy_cnt", BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	check_map(obj, "legacy_hash", "legacy_hash", BPF_MAP_TYPE_HASH, 4, 4, 32, 0);
	check_map(obj, "legacy_lru", "legacy_lru", BPF_MAP_TYPE_LRU_HASH, 8, 8, 16, 0);
	/* skb->len: the 64-byte frame minus the Ethernet header the kernel pulls */
	assert_int_equal(run(prog_named(obj, "legacy_filter")), 64 - 14);
	assert_int_equal(eb_sys_map_lookup_elem(map_named(obj, "legacy_cnt")->fd, &key, &val, 0), 0);
	assert_int_equal(val, 1);
	eb_object_close(obj);
}

static void test_maps_btf(void **state)
{
	struct eb_object *obj;
	struct bpf_map_info info;
	uint32_t qval = 0;

	REQUIRE_BPF();
	obj = load_obj("maps_btf");
	check_map(obj, "m_perf", "m_perf", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4,
		  (uint32_t)eb_possible_cpus(), 0);
	check_map(obj, "m_outer", "m_outer", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0);
	check_map(obj, "m_lpm", "m_lpm", BPF_MAP_TYPE_LPM_TRIE, 8, 4, 16, BPF_F_NO_PREALLOC);
	check_map(obj, "m_ringbuf", "m_ringbuf", BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0);
	map_info(map_named(obj, "m_hash")->fd, &info);
	assert_int_not_equal(info.btf_id, 0);
	assert_int_equal(info.btf_value_type_id, map_named(obj, "m_hash")->btf_value_type_id);
	/* the inner template was closed after the outer map was made */
	assert_int_equal(map_named(obj, "m_outer")->inner->fd, -1);
	assert_int_equal(run(prog_named(obj, "maps_use")), 2);
	assert_int_equal(eb_sys_map_lookup_and_delete_elem(map_named(obj, "m_queue")->fd, NULL,
							   &qval, 0), 0);
	assert_int_equal(qval, 7);
	eb_object_close(obj);
}

static void test_names(void **state)
{
	struct eb_object *obj;
	struct bpf_prog_info info;

	REQUIRE_BPF();
	obj = load_obj("ldr_names");
	prog_info(prog_named(obj, "a_program_with_a_long_name")->fd, &info);
	assert_string_equal(info.name, "a_program_with_");
	assert_int_equal(run(prog_named(obj, "a_program_with_a_long_name")), 7);
	prog_info(prog_named(obj, "odd-name$x")->fd, &info);
	assert_string_equal(info.name, "odd_name_x");
	assert_int_equal(prog_named(obj, "ldr_unknown")->fd, -1);
	check_map(obj, "a_map_with_a_very_long_name", "a_map_with_a_ve", BPF_MAP_TYPE_ARRAY,
		  4, 4, 1, 0);
	eb_object_close(obj);
}

static void test_verifier_reject(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *p;
	int err, fds;

	REQUIRE_BPF();
	obj = open_obj("reject");
	fds = tu_count_fds();
	err = eb_object_load(obj, NULL);
	assert_int_equal(err, -EACCES);
	assert_false(eb_object_loaded(obj));
	p = prog_named(obj, "reject_null");
	assert_int_equal(p->fd, -1);
	assert_non_null(strstr(eb_object_prog_log(p), "invalid mem access 'map_value_or_null'"));
	assert_non_null(strstr(eb_object_errmsg(obj), "program 'reject_null'"));
	assert_non_null(strstr(eb_object_errmsg(obj), "invalid mem access"));
	assert_string_equal(eb_object_errmsg(obj), last_warn);
	/* nothing of the object remains in the kernel */
	assert_int_equal(eb_object_map(obj, 0)->fd, -1);
	assert_false(name_exists(true, "reject_map"));
	assert_false(name_exists(false, "reject_null"));
	assert_int_equal(tu_count_fds(), fds);
	/* and the object can be tried again: same answer */
	assert_int_equal(eb_object_load(obj, NULL), -EACCES);
	eb_object_close(obj);
}

/* the kernel's id lists hold nothing new of ours after a failed load */
static void test_failed_load_leaves_nothing(void **state)
{
	static uint32_t before[65536], after[65536];
	struct eb_object *obj;
	unsigned int nb, na, i, j;

	REQUIRE_BPF();
	obj = open_obj("reject");
	nb = list_ids(true, before, 65536);
	assert_int_equal(eb_object_load(obj, NULL), -EACCES);
	na = list_ids(true, after, 65536);
	for (i = 0; i < na; i++) {
		bool old = false;

		for (j = 0; j < nb && !old; j++)
			old = after[i] == before[j];
		if (!old) {	/* another process's new map: must not be ours */
			int fd = eb_sys_map_get_fd_by_id(after[i]);
			struct bpf_map_info mi;

			if (fd < 0)
				continue;
			map_info(fd, &mi);
			close(fd);
			assert_string_not_equal(mi.name, "reject_map");
		}
	}
	eb_object_close(obj);
}

static int reuse_ctx_fd = -1;

static int reuse_counts(const struct eb_obj_map *m, void *ctx)
{
	int *calls = ctx;

	(*calls)++;
	if (strcmp(m->name, "counts"))
		return -ENOENT;
	return fcntl(reuse_ctx_fd, F_DUPFD_CLOEXEC, 0);
}

static void test_map_reuse(void **state)
{
	struct eb_map_create_opts mo = { .type = BPF_MAP_TYPE_ARRAY, .name = "counts",
					 .key_size = 4, .value_size = 8, .max_entries = 4 };
	struct eb_load_opts lo = { .map_reuse = reuse_counts };
	struct bpf_map_info a, b;
	struct eb_object *obj;
	int calls = 0, err;

	REQUIRE_BPF();
	reuse_ctx_fd = eb_sys_map_create(&mo);
	assert_true(reuse_ctx_fd >= 0);
	lo.map_reuse_ctx = &calls;
	obj = open_obj("xdp_count");
	assert_int_equal(eb_object_load(obj, &lo), 0);
	assert_int_equal(calls, 2);
	assert_true(map_named(obj, "counts")->reused);
	assert_false(map_named(obj, "drops")->reused);
	map_info(reuse_ctx_fd, &a);
	map_info(map_named(obj, "counts")->fd, &b);
	assert_int_equal(a.id, b.id);
	eb_object_close(obj);
	eb_zclose(&reuse_ctx_fd);

	/* an incompatible map: -EINVAL, message, nothing left open */
	mo.value_size = 4;
	reuse_ctx_fd = eb_sys_map_create(&mo);
	assert_true(reuse_ctx_fd >= 0);
	obj = open_obj("xdp_count");
	err = eb_object_load(obj, &lo);
	assert_int_equal(err, -EINVAL);
	assert_non_null(strstr(eb_object_errmsg(obj), "map 'counts'"));
	assert_non_null(strstr(eb_object_errmsg(obj), "value_size 4, the object wants 8"));
	assert_int_equal(eb_object_find_map(obj, "counts")->fd, -1);
	assert_int_equal(eb_object_find_map(obj, "drops")->fd, -1);
	eb_object_close(obj);
	eb_zclose(&reuse_ctx_fd);
}

static bool skip_tp(const struct eb_prog *p, void *ctx)
{
	return !strcmp(p->name, "multi_tp");
}

static void test_skip_and_autoload(void **state)
{
	struct eb_load_opts lo = { .prog_skip = skip_tp };
	struct eb_object *obj;

	REQUIRE_BPF();
	obj = open_obj("multi");
	eb_prog_set_autoload(eb_object_find_prog(obj, "multi_raw"), false);
	assert_int_equal(eb_object_load(obj, &lo), 0);
	assert_int_equal(prog_named(obj, "multi_tp")->fd, -1);
	assert_int_equal(prog_named(obj, "multi_raw")->fd, -1);
	assert_true(prog_named(obj, "multi_pass")->fd >= 0);
	assert_int_equal(run(prog_named(obj, "multi_drop")), 1);
	assert_int_equal(run(prog_named(obj, "multi_sock2")), 2);
	eb_object_close(obj);
}

static void test_verifier_log(void **state)
{
	struct eb_load_opts lo = { .log_level = 2, .log_size = 1024 };
	struct eb_object *obj;
	const char *log;

	REQUIRE_BPF();
	/* a level-2 log of maps_use outgrows 1 KiB: grown and retried */
	obj = open_obj("maps_btf");
	assert_int_equal(eb_object_load(obj, &lo), 0);
	log = eb_object_prog_log(prog_named(obj, "maps_use"));
	assert_true(strlen(log) > 1024);
	assert_non_null(strstr(log, "processed "));
	eb_object_close(obj);
	/* without a log level, a successful load keeps no log */
	obj = load_obj("socket_filter");
	assert_string_equal(eb_object_prog_log(prog_named(obj, "sock_trunc")), "");
	eb_object_close(obj);
}

static void test_tracepoints(void **state)
{
	struct eb_object *obj;
	struct bpf_prog_info info;

	REQUIRE_BPF();
	obj = load_obj("tracepoint");
	prog_info(prog_named(obj, "tp_getppid")->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_TRACEPOINT);
	prog_info(prog_named(obj, "raw_sys_enter")->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	eb_object_close(obj);
}


/* --- issue 6: libbpf-style objects ------------------------------------------------ */

static struct eb_btf *vmlinux_btf;

static struct eb_btf *vmlinux(void)
{
	if (!vmlinux_btf && eb_btf_load_vmlinux(&vmlinux_btf))
		fail_msg("cannot parse /sys/kernel/btf/vmlinux");
	return vmlinux_btf;
}

static int vmlinux_id(const char *name, int kind)
{
	int id = eb_btf_find_by_name_kind(vmlinux(), name, kind);

	if (id <= 0)
		fail_msg("no %s in vmlinux", name);
	return id;
}

/* --- what the running kernel supports ---------------------------------------------- */

/*
 * Load the minimal program "r0 = ret; exit" of type / expected attach type
 * eat (prog_flags flags, attach_btf_id btf_id in vmlinux, 0: none) with a
 * direct bpf(2) call, and close it again.  Returns 0 when the kernel takes
 * it, else the -errno it gave.
 */
static int probe_prog(uint32_t type, uint32_t eat, uint32_t flags, uint32_t btf_id, int32_t ret)
{
	const struct bpf_insn insns[] = {
		eb_insn_mov64_imm(BPF_REG_0, ret),
		eb_insn_exit(),
	};
	struct eb_prog_load_opts o = {
		.type = type, .expected_attach_type = eat, .name = "eb_probe",
		.license = "GPL", .insns = insns, .insn_cnt = 2, .prog_flags = flags,
		.attach_btf_id = btf_id,
	};
	int fd = eb_sys_prog_load(&o);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/*
 * Whether the kernel has struct_ops links (Linux 6.4): 0 if it creates a
 * tcp_congestion_ops struct_ops map with BPF_F_LINK, else the -errno.  The
 * same map without the flag must be creatable (asserting).  Recent kernels
 * want a BTF fd with a struct_ops map: a minimal one is loaded.
 */
static int probe_struct_ops_link(void)
{
	int vt = vmlinux_id("bpf_struct_ops_tcp_congestion_ops", BTF_KIND_STRUCT);
	struct eb_map_create_opts o = {
		.type = BPF_MAP_TYPE_STRUCT_OPS, .name = "eb_probe", .key_size = 4,
		.value_size = eb_btf_type_by_id(vmlinux(), (uint32_t)vt)->size,
		.max_entries = 1, .btf_vmlinux_value_type_id = (uint32_t)vt,
	};
	int btf = eb_sys_btf_load(tu_tiny_btf, TU_TINY_BTF_SIZE, NULL, 0, 0);
	int fd;

	if (btf < 0)
		fail_msg("loading a minimal BTF: %s", eb_strerror(btf));
	o.btf_fd = btf;
	fd = eb_sys_map_create(&o);
	if (fd < 0) {
		close(btf);
		fail_msg("a struct_ops map without BPF_F_LINK: %s", eb_strerror(fd));
	}
	close(fd);
	o.map_flags = 1u << 13;		/* BPF_F_LINK, Linux 6.4 */
	fd = eb_sys_map_create(&o);
	close(btf);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/*
 * Open and load object `name`, whose needs a probe checked: probe 0 (the
 * kernel takes the minimal case) means the load must succeed, and the
 * object is returned; a -errno means the object must fail with exactly
 * that errno, its message holding `msg` (NULL: the errno's text), and
 * leave nothing loaded; then NULL is returned (the object is closed).
 */
static struct eb_object *load_probed(const char *name, int probe, const char *msg)
{
	struct eb_object *obj = open_obj(name);
	int err = eb_object_load(obj, NULL);

	if (!probe) {
		if (err)
			fail_msg("load %s: %d: %s (the kernel takes the minimal case)", name, err,
				 eb_object_errmsg(obj));
		return obj;
	}
	if (err != probe)
		fail_msg("load %s: %d (%s), but the kernel refuses the minimal case with %d", name,
			 err, err ? eb_object_errmsg(obj) : "loaded", probe);
	if (!strstr(eb_object_errmsg(obj), msg ?: eb_strerror(probe)))
		fail_msg("load %s: message '%s' lacks '%s'", name, eb_object_errmsg(obj),
			 msg ?: eb_strerror(probe));
	assert_false(eb_object_loaded(obj));
	eb_object_close(obj);
	return NULL;
}

/* load_probed() into obj, or skip the calling test visibly when the
 * kernel lacks `what` (printf arguments). */
#define LOAD_PROBED(obj, name, probe, msg, ...) do {			\
	(obj) = load_probed((name), (probe), (msg));			\
	if (!(obj)) {							\
		printf("SKIP %s: this kernel lacks ", __func__);	\
		printf(__VA_ARGS__);					\
		printf(" (%s)\n", eb_strerror(probe));			\
		fflush(stdout);						\
		skip();							\
	}								\
} while (0)

static struct eb_object *load_with(const char *name, const struct eb_load_opts *o)
{
	struct eb_object *obj = open_obj(name);
	int err = eb_object_load(obj, o);

	if (err)
		fail_msg("load %s: %d: %s", name, err, eb_object_errmsg(obj));
	return obj;
}

/* Byte offset of variable var in DATASEC sec of the object's BTF. */
static uint32_t var_off(struct eb_object *obj, const char *sec, const char *var)
{
	struct eb_btf *btf = eb_object_btf(obj);
	int ds = eb_btf_find_by_name_kind(btf, sec, BTF_KIND_DATASEC);
	const struct btf_type *t;
	uint16_t i;

	assert_true(ds > 0);
	t = eb_btf_type_by_id(btf, (uint32_t)ds);
	for (i = 0; i < eb_btf_vlen(t); i++) {
		const char *n = eb_btf_name(btf, eb_btf_secinfos(t)[i].type);

		if (n && !strcmp(n, var))
			return eb_btf_secinfos(t)[i].offset;
	}
	fail_msg("no variable %s in %s", var, sec);
	return 0;
}

/* Read (get) or write a global variable of a loaded object's data map. */
static void global_rw(struct eb_object *obj, const char *sec, const char *var,
		      void *val, size_t size, bool write)
{
	const struct eb_obj_map *m = map_named(obj, sec);
	uint32_t key = 0, off = var_off(obj, sec, var);
	unsigned char *buf = calloc(1, m->value_size);

	assert_non_null(buf);
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	if (write) {
		memcpy(buf + off, val, size);
		assert_int_equal(eb_sys_map_update_elem(m->fd, &key, buf, BPF_ANY), 0);
	} else {
		memcpy(val, buf + off, size);
	}
	free(buf);
}

static uint64_t get_u64(struct eb_object *obj, const char *var)
{
	uint64_t v = 0;

	global_rw(obj, ".bss", var, &v, sizeof(v), false);
	return v;
}

static uint32_t get_u32(struct eb_object *obj, const char *var)
{
	uint32_t v = 0;

	global_rw(obj, ".bss", var, &v, sizeof(v), false);
	return v;
}

/* Attach to a tracepoint of this process (perf_event_open + SET_BPF):
 * the perf fd, or -1 when tracefs is not there. */
static int attach_tp(const struct eb_prog *p, const char *event)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	struct perf_event_attr attr;
	char path[512];
	unsigned int i;
	void *data = NULL;
	size_t size;
	int fd;

	for (i = 0; i < EB_ARRAY_SIZE(roots) && !data; i++) {
		snprintf(path, sizeof(path), "%s/events/%s/id", roots[i], event);
		if (eb_read_file(path, &data, &size))
			data = NULL;
	}
	if (!data)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = strtoull(data, NULL, 10);
	attr.sample_period = 1;
	free(data);
	fd = (int)syscall(__NR_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ioctl(fd, PERF_EVENT_IOC_SET_BPF, p->fd), 0);
	assert_int_equal(ioctl(fd, PERF_EVENT_IOC_ENABLE, 0), 0);
	return fd;
}

#define REQUIRE_TP(fd)							\
	do {								\
		if ((fd) < 0) {						\
			printf("SKIP %s: no tracefs events\n", __func__); \
			eb_object_close(obj);				\
			skip();						\
		}							\
	} while (0)

static void test_core_read(void **state)
{
	struct eb_load_opts o = { 0 };
	struct eb_object *obj;
	uint32_t tgid = (uint32_t)getpid();
	int64_t arena;
	int tp, id;

	REQUIRE_BPF();
	/* the kernel's BTF passed in: used, not freed */
	o.kernel_btf = vmlinux();
	obj = load_with("core_read", &o);
	global_rw(obj, ".bss", "target_tgid", &tgid, sizeof(tgid), true);
	tp = attach_tp(prog_named(obj, "core_getpid"), "syscalls/sys_enter_getpid");
	REQUIRE_TP(tp);
	syscall(SYS_getpid);
	close(tp);
	assert_int_equal(get_u32(obj, "calls"), 1);
	assert_int_equal(get_u32(obj, "seen_pid"), (uint32_t)syscall(SYS_gettid));
	assert_int_equal(get_u32(obj, "seen_tgid"), tgid);
	assert_int_equal(get_u32(obj, "seen_ppid"), (uint32_t)getppid());
	assert_int_equal(get_u32(obj, "comm_len"), 16);
	assert_int_equal(get_u32(obj, "has_pid"), 1);
	id = vmlinux_id("task_struct", BTF_KIND_STRUCT);
	assert_int_equal(get_u32(obj, "task_size"), eb_btf_resolve_size(vmlinux(), (uint32_t)id));
	assert_int_equal(get_u32(obj, "ts_exists"), 1);
	assert_int_equal(get_u32(obj, "ev_value"), BPF_MAP_TYPE_ARRAY);
	id = vmlinux_id("bpf_map_type", BTF_KIND_ENUM);
	assert_int_equal(get_u32(obj, "ev_exists"),
			 !eb_btf_find_enum_value(vmlinux(), (uint32_t)id, "BPF_MAP_TYPE_ARENA", &arena));
	assert_int_equal(get_u32(obj, "in_execve"), 0);
	eb_object_close(obj);
	/* still usable: the loader did not free it */
	assert_true(eb_btf_find_by_name_kind(vmlinux(), "task_struct", BTF_KIND_STRUCT) > 0);
}

static void test_core_flavors(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *p;
	uint32_t i, poisoned = 0;
	int tp;

	REQUIRE_BPF();
	obj = load_obj("core_flavors");
	p = prog_named(obj, "flavors_getpid");
	/* the read of the missing field became the poison call */
	for (i = 0; i < p->reloc_cnt; i++) {
		const struct eb_reloc *r = &p->relocs[i];

		if (r->kind == EB_RELO_CORE && r->core_kind == BPF_CORE_FIELD_BYTE_OFFSET &&
		    !strcmp(eb_btf_name(eb_object_btf(obj), r->core_type_id), "task_struct___old")) {
			assert_int_equal(p->final_insns[r->insn_idx].code, BPF_JMP | BPF_CALL);
			assert_int_equal(p->final_insns[r->insn_idx].imm, 0xbad2310);
			poisoned++;
		}
	}
	assert_int_equal(poisoned, 1);
	tp = attach_tp(p, "syscalls/sys_enter_getpid");
	REQUIRE_TP(tp);
	syscall(SYS_getpid);
	close(tp);
	assert_int_equal(get_u32(obj, "new_pid"), (uint32_t)syscall(SYS_gettid));
	assert_int_equal(get_u32(obj, "old_state"), 0);
	assert_int_equal(get_u64(obj, "old_value"), 0);
	assert_int_equal(get_u32(obj, "enum_exists"), 1);
	assert_int_equal(get_u32(obj, "gone_enum"), 0);
	assert_int_equal(get_u32(obj, "no_type"), 0);
	eb_object_close(obj);
}

/* Global data in custom sections only: .rodata.custom (read-only for
 * programs, frozen) and .data.custom2 (tests/bpf/globals_custom.c). */
static void test_globals_custom(void **state)
{
	struct eb_object *obj;
	const struct eb_obj_map *m;
	unsigned char buf[16];
	uint32_t key = 0, tally = 0;
	int32_t knob = 0, scale[3] = { 0 }, bias = 0;
	char *json;

	REQUIRE_BPF();
	obj = load_obj("globals_custom");
	assert_int_equal(eb_object_map_cnt(obj), 2);
	check_map(obj, ".rodata.custom", ".rodata.custom", BPF_MAP_TYPE_ARRAY, 4, 16, 1,
		  BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	check_map(obj, ".data.custom2", ".data.custom2", BPF_MAP_TYPE_ARRAY, 4, 8, 1,
		  BPF_F_MMAPABLE);
	/* the initial values reached the kernel */
	m = map_named(obj, ".rodata.custom");
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	assert_memory_equal(buf, m->init_data, 16);
	global_rw(obj, ".rodata.custom", "knob", &knob, sizeof(knob), false);
	assert_int_equal(knob, 5);
	global_rw(obj, ".rodata.custom", "scale", scale, sizeof(scale), false);
	assert_int_equal(scale[0], 2);
	assert_int_equal(scale[1], 3);
	assert_int_equal(scale[2], 7);
	/* frozen: user space cannot write it either */
	assert_int_equal(eb_sys_map_update_elem(m->fd, &key, buf, BPF_ANY), -EPERM);
	global_rw(obj, ".data.custom2", "bias", &bias, sizeof(bias), false);
	assert_int_equal(bias, 11);
	global_rw(obj, ".data.custom2", "tally", &tally, sizeof(tally), false);
	assert_int_equal(tally, 1);
	/* the program reads both and writes .data.custom2 */
	assert_int_equal(run(prog_named(obj, "gc_sum")), 5 * 2 + 7 + 11);
	global_rw(obj, ".data.custom2", "tally", &tally, sizeof(tally), false);
	assert_int_equal(tally, 2);
	bias = 20;
	global_rw(obj, ".data.custom2", "bias", &bias, sizeof(bias), true);
	assert_int_equal(run(prog_named(obj, "gc_sum")), 5 * 2 + 7 + 20);
	/* bpftool, an independent witness, sees the frozen map by its name */
	if (tu_have_bpftool()) {
		struct bpf_map_info mi;

		map_info(m->fd, &mi);
		json = tu_bpftool_json("map show id %u", mi.id);
		tu_assert_json_has(json, "name", "\".rodata.custom\"");
		tu_assert_json_has(json, "frozen", "1");
		free(json);
	} else {
		TU_SKIP_PART("bpftool not usable: no witness of the frozen state");
	}
	eb_object_close(obj);

	/* a const volatile knob of .rodata.custom set before the load */
	obj = open_obj("globals_custom");
	knob = 6;
	assert_int_equal(eb_object_set_global(obj, "knob", &knob, sizeof(knob)), 0);
	assert_int_equal(eb_object_load(obj, NULL), 0);
	assert_int_equal(run(prog_named(obj, "gc_sum")), 6 * 2 + 7 + 11);
	eb_object_close(obj);
}

static int map_named_fd(struct eb_object *obj, const char *name)
{
	const struct eb_obj_map *m = eb_object_find_map(obj, name);

	assert_non_null(m);
	return m->fd;
}

/* CONFIG_NAME's value in the running kernel's config (zcat: an
 * independent reader), "" when unset. */
static void config_value(const char *name, char *out, size_t size)
{
	char cmd[256], line[512];
	FILE *f;

	out[0] = '\0';
	snprintf(cmd, sizeof(cmd), "zcat /proc/config.gz 2>/dev/null | grep '^%s='", name);
	f = popen(cmd, "r");
	assert_non_null(f);
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(out, size, "%s", line + strlen(name) + 1);
	}
	pclose(f);
}

static void test_kconfig(void **state)
{
	struct eb_load_opts o = { 0 };
	struct eb_object *obj;
	struct utsname u;
	unsigned int a = 0, b = 0, c = 0;
	char hz[64], jit[64], lv[64];
	uint32_t key = 0;
	unsigned char val[64];
	int fds;

	REQUIRE_BPF();
	config_value("CONFIG_HZ", hz, sizeof(hz));
	if (!hz[0]) {
		printf("SKIP %s: no /proc/config.gz with CONFIG_HZ\n", __func__);
		skip();
	}
	config_value("CONFIG_BPF_JIT", jit, sizeof(jit));
	config_value("CONFIG_LOCALVERSION", lv, sizeof(lv));
	assert_int_equal(uname(&u), 0);
	sscanf(u.release, "%u.%u.%u", &a, &b, &c);

	obj = load_obj("kconfig");
	assert_int_equal(run(prog_named(obj, "kconfig_sock")), 1);
	assert_int_equal(get_u32(obj, "kver"), a << 16 | b << 8 | (c > 255 ? 255 : c));
	assert_int_equal(get_u32(obj, "wrapper"), 1);
	assert_int_equal(get_u32(obj, "cookie"), 1);
	assert_int_equal(get_u32(obj, "hz"), strtoul(hz, NULL, 0));
	assert_int_equal(get_u32(obj, "bpf_sys"), 1);
	assert_int_equal(get_u32(obj, "tri"), !strcmp(jit, "y") ? 1 : !strcmp(jit, "m") ? 2 : 0);
	assert_int_equal(get_u32(obj, "missing"), 0);
	assert_int_equal(get_u32(obj, "release0"), lv[0] == '"' ? (unsigned char)lv[1] : 0);
	/* the .kconfig map: read-only for programs, frozen */
	check_map(obj, ".kconfig", "kconfig.kconfig", BPF_MAP_TYPE_ARRAY, 4,
		  map_named(obj, ".kconfig")->value_size, 1, BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	memset(val, 0, sizeof(val));
	assert_int_equal(eb_sys_map_update_elem(map_named(obj, ".kconfig")->fd, &key, val, 0), -EPERM);
	eb_object_close(obj);

	/* the caller's lines come first */
	o.kconfig = "CONFIG_HZ=123\n# CONFIG_BPF_JIT is not set\nCONFIG_LOCALVERSION=\"xy\"\n";
	obj = load_with("kconfig", &o);
	assert_int_equal(run(prog_named(obj, "kconfig_sock")), 1);
	assert_int_equal(get_u32(obj, "hz"), 123);
	assert_int_equal(get_u32(obj, "tri"), 0);
	assert_int_equal(get_u32(obj, "release0"), 'x');
	eb_object_close(obj);

	/* a value that does not suit the type */
	o.kconfig = "CONFIG_HZ=abc\n";
	obj = open_obj("kconfig");
	fds = tu_count_fds();
	assert_int_equal(eb_object_load(obj, &o), -EINVAL);
	assert_non_null(strstr(eb_object_errmsg(obj), "extern 'CONFIG_HZ'"));
	assert_int_equal(tu_count_fds(), fds);	/* nothing left open */
	assert_int_equal(map_named_fd(obj, ".kconfig"), -1);
	eb_object_close(obj);
}

static uint64_t kallsyms_addr(const char *name)
{
	char line[512], sym[256], type;
	unsigned long long addr;
	uint64_t found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) == 3 && !strcmp(sym, name)) {
			found = addr;
			break;
		}
	fclose(f);
	return found;
}

static const struct eb_obj_extern *extern_named(struct eb_object *obj, const char *name)
{
	unsigned int i;

	for (i = 0; i < eb_object_extern_cnt(obj); i++)
		if (!strcmp(eb_object_extern(obj, i)->name, name))
			return eb_object_extern(obj, i);
	fail_msg("no extern %s", name);
	return NULL;
}

static void test_ksyms(void **state)
{
	struct eb_object *obj;
	const struct eb_obj_extern *e;
	uint64_t missing = 1;
	int tp;

	REQUIRE_BPF();
	obj = load_obj("ksyms");
	assert_int_equal(eb_object_extern_cnt(obj), 2);
	e = extern_named(obj, "__x64_sys_getpid");
	assert_int_equal(e->kind, EB_EXT_KSYM);
	assert_false(e->typed);
	assert_true(e->resolved);
	assert_true(e->value != 0);
	assert_int_equal(e->value, kallsyms_addr("__x64_sys_getpid"));
	e = extern_named(obj, "ebpfs_no_such_symbol");
	assert_true(e->weak);
	assert_false(e->resolved);
	tp = attach_tp(prog_named(obj, "ksyms_getpid"), "syscalls/sys_enter_getpid");
	REQUIRE_TP(tp);
	syscall(SYS_getpid);
	close(tp);
	assert_int_equal(get_u64(obj, "sym_addr"), kallsyms_addr("__x64_sys_getpid"));
	global_rw(obj, ".data", "missing", &missing, sizeof(missing), false);
	assert_int_equal(missing, 0);	/* was 1 */
	eb_object_close(obj);
}

/* A typed ksym: resolved in the kernel's BTF by the loader, its address
 * found by the kernel, which needs it in kallsyms (CONFIG_KALLSYMS_ALL
 * for a variable). */
static void test_ksym_typed(void **state)
{
	struct eb_object *obj;
	int probe;

	REQUIRE_BPF();
	probe = kallsyms_addr("runqueues") ? 0 : -ENOENT;
	obj = load_probed("ksym_typed", probe, NULL);
	if (!obj) {
		obj = open_obj("ksym_typed");
		assert_int_equal(eb_object_load(obj, NULL), -ENOENT);
		assert_true(eb_object_extern(obj, 0)->typed);
		assert_int_equal(eb_object_extern(obj, 0)->target_btf_id,
				 vmlinux_id("runqueues", BTF_KIND_VAR));
		assert_non_null(strstr(eb_object_prog_log(prog_named(obj, "ksym_typed_switch")),
				       "failed to find the address for kernel symbol 'runqueues'"));
		eb_object_close(obj);
		TU_SKIP("typed ksym: 'runqueues' is not in /proc/kallsyms (no CONFIG_KALLSYMS_ALL)");
	}
	assert_true(eb_object_extern(obj, 0)->typed);
	assert_true(eb_object_extern(obj, 0)->resolved);
	assert_int_equal(eb_object_extern(obj, 0)->target_btf_id,
			 vmlinux_id("runqueues", BTF_KIND_VAR));
	eb_object_close(obj);
}

/* 0 when the kernel's BTF has every kfunc of names, else -ESRCH with
 * *missing the first it lacks. */
static int probe_kfuncs(const char *const *names, unsigned int cnt, const char **missing)
{
	unsigned int i;

	for (i = 0; i < cnt; i++)
		if (eb_btf_find_by_name_kind(vmlinux(), names[i], BTF_KIND_FUNC) <= 0) {
			*missing = names[i];
			return -ESRCH;
		}
	return 0;
}

static void test_kfuncs(void **state)
{
	static const char *const kfuncs[] = { "bpf_task_acquire", "bpf_task_release",
					      "bpf_rcu_read_lock", "bpf_rcu_read_unlock" };
	struct eb_object *obj;
	const struct eb_prog *p;
	uint32_t i, kf = 0;
	const char *missing = NULL;
	char msg[256];
	int probe;

	REQUIRE_BPF();
	/* a kfunc the kernel lacks: the loader refuses with ESRCH (Linux 6.2
	 * brought these) */
	probe = probe_kfuncs(kfuncs, EB_ARRAY_SIZE(kfuncs), &missing);
	snprintf(msg, sizeof(msg), "extern '%s': no kfunc of that name in the kernel's BTF",
		 missing ?: "");
	LOAD_PROBED(obj, "kfuncs", probe, msg, "the kfunc %s", missing);
	p = prog_named(obj, "kfuncs_switch");
	assert_int_equal(p->attach_btf_id, vmlinux_id("btf_trace_sched_switch", BTF_KIND_TYPEDEF));
	for (i = 0; i < p->reloc_cnt; i++) {
		const struct eb_reloc *r = &p->relocs[i];

		if (r->kind != EB_RELO_KFUNC)
			continue;
		kf++;
		assert_int_equal(p->final_insns[r->insn_idx].src_reg, BPF_PSEUDO_KFUNC_CALL);
		assert_int_equal(p->final_insns[r->insn_idx].imm,
				 vmlinux_id(r->sym_name, BTF_KIND_FUNC));
	}
	assert_int_equal(kf, 4);
	eb_object_close(obj);

	/* kfunc_weak needs only the RCU pair of the kfuncs above */
	obj = load_obj("kfunc_weak");
	p = prog_named(obj, "kfunc_weak_switch");
	for (i = 0; i < p->reloc_cnt; i++) {
		const struct eb_reloc *r = &p->relocs[i];

		if (strcmp(r->sym_name, "ebpfs_no_such_kfunc"))
			continue;
		if (r->kind == EB_RELO_KFUNC) {
			assert_int_equal(p->final_insns[r->insn_idx].src_reg, BPF_PSEUDO_KFUNC_CALL);
			assert_int_equal(p->final_insns[r->insn_idx].imm, 0);
		} else {
			assert_int_equal(r->kind, EB_RELO_EXTERN);
			assert_int_equal(p->final_insns[r->insn_idx].src_reg, 0);
			assert_int_equal(p->final_insns[r->insn_idx].imm, 0);
		}
	}
	eb_object_close(obj);
}

static void test_map_in_map(void **state)
{
	struct eb_object *obj;
	struct bpf_map_info a, b;
	uint32_t key = 0, id = 0;
	uint64_t v = 0;

	REQUIRE_BPF();
	obj = load_obj("map_in_map");
	map_info(map_named(obj, "mim_inner_a")->fd, &a);
	map_info(map_named(obj, "mim_inner_b")->fd, &b);
	/* user space reads the inner map's id from a map of maps */
	assert_int_equal(eb_sys_map_lookup_elem(map_named(obj, "mim_outer")->fd, &key, &id, 0), 0);
	assert_int_equal(id, a.id);
	key = 1;
	assert_int_equal(eb_sys_map_lookup_elem(map_named(obj, "mim_outer")->fd, &key, &id, 0), 0);
	assert_int_equal(id, b.id);
	key = 3;
	assert_int_equal(eb_sys_map_lookup_elem(map_named(obj, "mim_hash")->fd, &key, &id, 0), 0);
	assert_int_equal(id, b.id);
	key = 0;
	assert_int_equal(eb_sys_map_lookup_elem(map_named(obj, "mim_hash")->fd, &key, &id, 0), -ENOENT);
	assert_int_equal(eb_sys_map_lookup_elem(map_named(obj, "mim_empty")->fd, &key, &id, 0), -ENOENT);
	check_map(obj, "mim_empty", "mim_empty", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 4, 0);
	/* the program walks them: 3 inner maps found */
	assert_int_equal(run(prog_named(obj, "mim_sock")), 3);
	assert_int_equal(eb_sys_map_lookup_elem(map_named(obj, "mim_inner_a")->fd, &key, &v, 0), 0);
	assert_int_equal(v, 1);
	assert_int_equal(eb_sys_map_lookup_elem(map_named(obj, "mim_inner_b")->fd, &key, &v, 0), 0);
	assert_int_equal(v, 1);
	key = 1;
	assert_int_equal(eb_sys_map_lookup_elem(map_named(obj, "mim_inner_b")->fd, &key, &v, 0), 0);
	assert_int_equal(v, 10);
	eb_object_close(obj);
}

static void test_tail_calls(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *entry;
	uint32_t slot;

	REQUIRE_BPF();
	obj = load_obj("tail_calls");
	entry = prog_named(obj, "tc_entry");
	assert_int_equal(run(entry), 10);
	slot = 2;
	global_rw(obj, ".bss", "slot", &slot, sizeof(slot), true);
	assert_int_equal(run(entry), 12);
	slot = 1;	/* tc_step1 is loaded but not in the array */
	global_rw(obj, ".bss", "slot", &slot, sizeof(slot), true);
	assert_int_equal(run(entry), 99);
	assert_int_equal(run(prog_named(obj, "tc_step1")), 11);
	eb_object_close(obj);
}

static void test_struct_ops(void **state)
{
	struct eb_object *obj;
	const struct eb_obj_map *m;
	const struct btf_type *kt, *vt;
	struct bpf_map_info info;
	const char *names[] = { "ebpfs_ssthresh", "ebpfs_undo_cwnd", "ebpfs_cong_avoid" };
	const char *members[] = { "ssthresh", "undo_cwnd", "cong_avoid" };
	uint32_t key = 0, data_off = 0, i;
	int kt_id, vt_id, err;
	void *avail = NULL;
	size_t size;

	REQUIRE_BPF();
	obj = load_obj("struct_ops");
	m = map_named(obj, "ebpfs_cc");
	assert_int_equal(m->origin, EB_MAP_STRUCT_OPS);
	assert_string_equal(m->st_ops_tname, "tcp_congestion_ops");
	kt_id = vmlinux_id("tcp_congestion_ops", BTF_KIND_STRUCT);
	vt_id = vmlinux_id("bpf_struct_ops_tcp_congestion_ops", BTF_KIND_STRUCT);
	kt = eb_btf_type_by_id(vmlinux(), (uint32_t)kt_id);
	vt = eb_btf_type_by_id(vmlinux(), (uint32_t)vt_id);
	map_info(m->fd, &info);
	assert_int_equal(info.type, BPF_MAP_TYPE_STRUCT_OPS);
	assert_int_equal(info.btf_vmlinux_value_type_id, vt_id);
	assert_int_equal(info.value_size, vt->size);
	for (i = 0; i < eb_btf_vlen(vt); i++)
		if (!strcmp(eb_btf_name(vmlinux(), 0) ?: "", "") &&
		    !strcmp(eb_btf_str(vmlinux(), eb_btf_members(vt)[i].name_off), "data"))
			data_off = eb_btf_member_bit_offset(vt, i) / 8;
	assert_true(data_off > 0);
	for (i = 0; i < 3; i++) {
		const struct eb_prog *p = prog_named(obj, names[i]);
		uint32_t j;
		uint64_t fd;

		assert_true(p->fd >= 0);
		assert_int_equal(p->attach_btf_id, kt_id);
		for (j = 0; j < eb_btf_vlen(kt); j++)
			if (!strcmp(eb_btf_str(vmlinux(), eb_btf_members(kt)[j].name_off), members[i]))
				break;
		assert_int_equal(p->expected_attach_type, j);
		memcpy(&fd, (const char *)m->init_data + data_off +
		       eb_btf_member_bit_offset(kt, j) / 8, sizeof(fd));
		assert_int_equal(fd, (uint64_t)p->fd);
	}
	for (i = 0; i < eb_btf_vlen(kt); i++)
		if (!strcmp(eb_btf_str(vmlinux(), eb_btf_members(kt)[i].name_off), "name"))
			assert_string_equal((const char *)m->init_data + data_off +
					    eb_btf_member_bit_offset(kt, i) / 8, "ebpfs_cc");
	/* registering it is the attach step: the kernel then lists it */
	err = eb_sys_map_update_elem(m->fd, &key, m->init_data, 0);
	if (err) {
		printf("SKIP %s: registering the congestion control: %s\n", __func__,
		       eb_strerror(err));
	} else {
		assert_int_equal(eb_read_file("/proc/sys/net/ipv4/tcp_available_congestion_control",
					      &avail, &size), 0);
		assert_non_null(strstr(avail, "ebpfs_cc"));
		free(avail);
		assert_int_equal(eb_sys_map_delete_elem(m->fd, &key), 0);
	}
	eb_object_close(obj);
}

/* .struct_ops.link: the map gets BPF_F_LINK (struct_ops links, Linux 6.4) */
static void test_struct_ops_link(void **state)
{
	struct eb_object *obj;
	const struct eb_obj_map *m;
	struct bpf_map_info info;

	REQUIRE_BPF();
	/* what the loader makes of the section needs no kernel support */
	obj = open_obj("struct_ops_link");
	m = eb_object_find_map(obj, "ebpfs_cc_link");
	assert_non_null(m);
	assert_int_equal(m->origin, EB_MAP_STRUCT_OPS);
	assert_int_equal(m->map_flags, 1u << 13);
	eb_object_close(obj);

	LOAD_PROBED(obj, "struct_ops_link", probe_struct_ops_link(), NULL,
		    "struct_ops links (a struct_ops map with BPF_F_LINK, Linux 6.4)");
	map_info(map_named(obj, "ebpfs_cc_link")->fd, &info);
	assert_int_equal(info.type, BPF_MAP_TYPE_STRUCT_OPS);
	assert_int_equal(info.map_flags, 1u << 13);
	eb_object_close(obj);
}

static void test_section_names_load(void **state)
{
	struct eb_object *obj;
	struct bpf_prog_info info;
	const struct eb_prog *p;

	REQUIRE_BPF();
	obj = load_obj("sec_old_xdp");
	p = prog_named(obj, "xdp_vlan_prog");
	prog_info(p->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_XDP);
	assert_int_equal(run(p), 2);
	eb_object_close(obj);
	obj = load_obj("sec_old_cls");
	p = prog_named(obj, "cls_three");
	prog_info(p->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_SCHED_CLS);
	assert_string_equal(p->attach_target, "3");
	assert_int_equal(run(p), 3);
	eb_object_close(obj);
}

/* tcx/ingress, tcx/egress, tc/egress: SCHED_CLS with the tcx attach types
 * (Linux 6.6) */
static void test_section_tcx(void **state)
{
	struct eb_object *obj;
	struct bpf_prog_info info;
	int probe;

	REQUIRE_BPF();
	obj = open_obj("sec_tcx");
	assert_int_equal(prog_named(obj, "tcx_in")->expected_attach_type, EB_ATTACH_TCX_INGRESS);
	assert_int_equal(prog_named(obj, "tcx_out")->expected_attach_type, EB_ATTACH_TCX_EGRESS);
	assert_int_equal(prog_named(obj, "tc_out")->expected_attach_type, EB_ATTACH_TCX_EGRESS);
	eb_object_close(obj);
	probe = probe_prog(BPF_PROG_TYPE_SCHED_CLS, EB_ATTACH_TCX_INGRESS, 0, 0, 0);
	LOAD_PROBED(obj, "sec_tcx", probe, NULL, "SCHED_CLS programs for tcx_ingress");
	prog_info(prog_named(obj, "tcx_in")->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_SCHED_CLS);
	prog_info(prog_named(obj, "tc_out")->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_SCHED_CLS);
	eb_object_close(obj);
}

/* netfilter: program type NETFILTER (Linux 6.4) */
static void test_section_netfilter(void **state)
{
	struct eb_object *obj;
	struct bpf_prog_info info;
	int probe;

	REQUIRE_BPF();
	obj = open_obj("sec_netfilter");
	assert_int_equal(prog_named(obj, "nf_accept")->type, EB_PROG_TYPE_NETFILTER);
	assert_int_equal(prog_named(obj, "nf_accept")->expected_attach_type, EB_ATTACH_NETFILTER);
	eb_object_close(obj);
	probe = probe_prog(EB_PROG_TYPE_NETFILTER, EB_ATTACH_NETFILTER, 0, 0, 1);
	LOAD_PROBED(obj, "sec_netfilter", probe, NULL, "netfilter programs (Linux 6.4)");
	prog_info(prog_named(obj, "nf_accept")->fd, &info);
	assert_int_equal(info.type, EB_PROG_TYPE_NETFILTER);
	eb_object_close(obj);
}

/* uprobe.multi, uprobe.multi.s: KPROBE with trace_uprobe_multi (Linux 6.6),
 * the second sleepable */
static void test_section_uprobe_multi(void **state)
{
	struct eb_object *obj;
	struct bpf_prog_info info;
	int probe;

	REQUIRE_BPF();
	obj = open_obj("sec_uprobe_multi");
	assert_int_equal(prog_named(obj, "upm_main")->type, BPF_PROG_TYPE_KPROBE);
	assert_int_equal(prog_named(obj, "upm_main")->expected_attach_type,
			 EB_ATTACH_TRACE_UPROBE_MULTI);
	assert_int_equal(prog_named(obj, "upm_sleepable")->prog_flags, BPF_F_SLEEPABLE);
	eb_object_close(obj);
	probe = probe_prog(BPF_PROG_TYPE_KPROBE, EB_ATTACH_TRACE_UPROBE_MULTI, 0, 0, 0) ?:
		probe_prog(BPF_PROG_TYPE_KPROBE, EB_ATTACH_TRACE_UPROBE_MULTI, BPF_F_SLEEPABLE,
			   0, 0);
	LOAD_PROBED(obj, "sec_uprobe_multi", probe, NULL,
		    "(sleepable) KPROBE programs for trace_uprobe_multi");
	assert_int_equal(prog_named(obj, "upm_main")->expected_attach_type,
			 EB_ATTACH_TRACE_UPROBE_MULTI);
	assert_int_equal(prog_named(obj, "upm_sleepable")->prog_flags, BPF_F_SLEEPABLE);
	prog_info(prog_named(obj, "upm_sleepable")->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_KPROBE);
	eb_object_close(obj);
}

/*
 * A tracing or LSM object whose program `prog` attaches to BTF function
 * target: where the kernel refuses a minimal program of that type and
 * attach type (this test machine: EPERM), the object fails with the same
 * errno and a message naming the program, and the test skips visibly;
 * elsewhere it loads, and the kernel holds the program for that target.
 */
static void tracing_case(const char *test, const char *name, const char *prog, uint32_t type,
			 uint32_t eat, const char *target)
{
	int id = vmlinux_id(target, BTF_KIND_FUNC);
	int probe = probe_prog(type, eat, 0, (uint32_t)id, 0);
	struct eb_object *obj = open_obj(name);
	struct bpf_prog_info info;
	int err = eb_object_load(obj, NULL);
	char want[256];

	/* the loader resolves the target before the kernel is asked */
	assert_int_equal(prog_named(obj, prog)->attach_btf_id, id);
	if (probe) {
		assert_int_equal(err, probe);
		assert_false(eb_object_loaded(obj));
		snprintf(want, sizeof(want),
			 "load: program '%s' (section '%s'): the kernel refused it: %s",
			 prog, prog_named(obj, prog)->sec_name, eb_strerror(probe));
		assert_string_equal(eb_object_errmsg(obj), want);
		eb_object_close(obj);
		tu_print_skip(test, "this kernel refuses a minimal %s program on %s (%s)",
			      type == BPF_PROG_TYPE_LSM ? "lsm" : "fentry", target,
			      eb_strerror(probe));
		skip();
	}
	if (err)
		fail_msg("load %s: %d: %s (the kernel takes a minimal program)", name, err,
			 eb_object_errmsg(obj));
	prog_info(prog_named(obj, prog)->fd, &info);
	assert_int_equal(info.type, type);
	assert_int_equal(info.attach_btf_id, id);
	eb_object_close(obj);
}

static void test_fentry_load(void **state)
{
	REQUIRE_BPF();
	tracing_case(__func__, "fentry", "fe_nanosleep", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY,
		     "do_nanosleep");
}

static void test_lsm_load(void **state)
{
	REQUIRE_BPF();
	tracing_case(__func__, "lsm", "lsm_file_open", BPF_PROG_TYPE_LSM, BPF_LSM_MAC,
		     "bpf_lsm_file_open");
}

static void test_shared_and_knobs(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *p;
	uint32_t one = 1, big = 128;
	uint64_t x = 0;

	REQUIRE_BPF();
	obj = load_obj("shared_subprogs");
	assert_int_equal(run(prog_named(obj, "ss_xdp")), 7);
	assert_int_equal(run(prog_named(obj, "ss_sock")), 16);
	assert_int_equal(run(prog_named(obj, "ss_tc")), 31);
	assert_int_equal(run(prog_named(obj, "ss_tc2")), 6);
	eb_object_close(obj);

	/* subprograms are placed depth first in call order, as libbpf does:
	 * sub_xdp calls sub_add3 (which calls sub_double), then sub_global */
	obj = load_obj("subprogs");
	p = prog_named(obj, "sub_xdp");
	{
		uint32_t base = p->insn_cnt, add3 = 0, dbl = 0, glob = 0;
		unsigned int i;

		for (i = 0; i < eb_object_func_cnt(obj); i++) {
			const struct eb_prog *f = eb_object_func(obj, i);

			if (!strcmp(f->name, "sub_add3"))
				add3 = f->insn_cnt;
			else if (!strcmp(f->name, "sub_double"))
				dbl = f->insn_cnt;
			else if (!strcmp(f->name, "sub_global"))
				glob = f->insn_cnt;
		}
		assert_int_equal(p->final_cnt, base + add3 + dbl + glob);
		/* insn 0 calls sub_add3 at base, whose call reaches sub_double
		 * right behind it; insn 3 calls sub_global after both */
		assert_int_equal(p->final_insns[0].imm, (int32_t)base - 1);
		assert_int_equal(p->final_insns[3].imm, (int32_t)(base + add3 + dbl) - 4);
		assert_int_equal(p->final_insns[base + 1].imm, (int32_t)add3 - 2);
	}
	eb_object_close(obj);

	obj = open_obj("knobs");
	assert_int_equal(eb_object_set_global(obj, "drop_all", &one, sizeof(one)), 0);
	assert_int_equal(eb_object_set_global(obj, "snap_len", &big, sizeof(big)), 0);
	assert_int_equal(eb_object_set_global(obj, "snap_len", &x, sizeof(x)), -EINVAL);
	assert_int_equal(eb_object_set_global(obj, "no_such", &one, sizeof(one)), -ENOENT);
	assert_int_equal(eb_object_load(obj, NULL), 0);
	assert_int_equal(eb_object_set_global(obj, "drop_all", &one, sizeof(one)), -EBUSY);
	p = prog_named(obj, "knobs_xdp");
	assert_int_equal(run(p), 1);	/* XDP_DROP */
	assert_int_equal(run(prog_named(obj, "knobs_sock")), 128);
	assert_int_equal(get_u64(obj, "packets"), 1);
	assert_int_equal(get_u64(obj, "total"), 3);
	eb_object_close(obj);
	obj = load_obj("knobs");
	assert_int_equal(run(prog_named(obj, "knobs_xdp")), 2);	/* the defaults */
	assert_int_equal(run(prog_named(obj, "knobs_sock")), 64);
	eb_object_close(obj);

	obj = load_obj("timer_lock");
	assert_int_equal(run(prog_named(obj, "tl_count")), 1);
	assert_int_equal(run(prog_named(obj, "tl_count")), 2);
	eb_object_close(obj);
}

static void test_iter_and_sleepable(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *p;
	struct eb_test_run_opts o;
	char buf[4096], want[64];
	struct eb_strbuf text = EB_STRBUF_INIT;
	uint32_t ctx = 41;
	int link, it;
	ssize_t n;

	REQUIRE_BPF();
	obj = load_obj("iter_task");
	p = prog_named(obj, "iter_tasks");
	assert_int_equal(p->attach_btf_id, vmlinux_id("bpf_iter_task", BTF_KIND_FUNC));
	link = eb_sys_link_create(p->fd, 0, BPF_TRACE_ITER, NULL);
	assert_true(link >= 0);
	it = eb_sys_iter_create(link);
	assert_true(it >= 0);
	while ((n = read(it, buf, sizeof(buf))) > 0)
		eb_strbuf_add(&text, buf, (size_t)n);
	close(it);
	close(link);
	snprintf(want, sizeof(want), "\n%d test_load\n", (int)syscall(SYS_gettid));
	assert_non_null(strstr(text.buf, want));
	assert_true(get_u64(obj, "tasks") > 1);
	eb_strbuf_release(&text);
	eb_object_close(obj);

	obj = load_obj("sleepable");
	assert_int_equal(prog_named(obj, "slp_uprobe")->prog_flags, BPF_F_SLEEPABLE);
	p = prog_named(obj, "slp_syscall");
	assert_int_equal(p->type, BPF_PROG_TYPE_SYSCALL);
	assert_int_equal(p->prog_flags, BPF_F_SLEEPABLE);
	memset(&o, 0, sizeof(o));
	o.ctx_in = &ctx;
	o.ctx_size_in = sizeof(ctx);
	assert_int_equal(eb_sys_prog_test_run(p->fd, &o), 0);
	assert_int_equal(o.retval, 5);
	assert_int_equal(get_u32(obj, "syscall_out"), 42);
	eb_object_close(obj);
}

/* mutated objects that still parse: whatever the kernel says, a failed
 * load closes everything and a successful one closes on eb_object_close */
static void test_fuzz_load(void **state)
{
	static const char *const names[] = { "subprogs", "globals", "loop_cb", "legacy_maps",
					     "core_flavors", "kconfig", "map_in_map", "struct_ops" };
	unsigned int seed = 777, i, n, loaded = 0, failed = 0;
	struct eb_load_opts lo = { 0 };
	eb_print_fn old;
	int fds;

	REQUIRE_BPF();
	lo.kernel_btf = vmlinux();	/* parsed once for all loads */
	old = eb_set_print(quiet);
	fds = tu_count_fds();
	for (n = 0; n < EB_ARRAY_SIZE(names); n++) {
		char path[4096];
		unsigned char *orig, *buf;
		size_t size;
		void *data;

		snprintf(path, sizeof(path), "%s/%s.bpf.o", getenv("EB_BPF_DIR"), names[n]);
		assert_int_equal(eb_read_file(path, &data, &size), 0);
		orig = data;
		buf = malloc(size);
		for (i = 0; i < 150; i++) {
			struct eb_object *obj;
			size_t off = (size_t)rand_r(&seed) % size;

			memcpy(buf, orig, size);
			buf[off] ^= (unsigned char)(1 + rand_r(&seed) % 255);
			if (eb_object_open_mem(buf, size, names[n], NULL, &obj))
				continue;
			if (eb_object_load(obj, &lo))
				failed++;
			else
				loaded++;
			eb_object_close(obj);
			assert_int_equal(tu_count_fds(), fds);
		}
		free(buf);
		free(orig);
	}
	eb_set_print(old);
	printf("fuzz load: %u loaded, %u refused\n", loaded, failed);
	assert_true(loaded > 0);
}

static int setup(void **state)
{
	struct eb_map_create_opts o = { .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					.value_size = 4, .max_entries = 1 };
	int fd = eb_sys_map_create(&o);

	have_bpf = fd >= 0;
	if (fd >= 0)
		close(fd);
	eb_set_print(capture);
	return 0;
}

static int teardown(void **state)
{
	eb_set_print(NULL);
	eb_zclose(&reuse_ctx_fd);
	eb_btf_free(vmlinux_btf);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xdp_count),
		cmocka_unit_test(test_globals),
		cmocka_unit_test(test_globals_custom),
		cmocka_unit_test(test_subprog_calls),
		cmocka_unit_test(test_callback),
		cmocka_unit_test(test_legacy_maps),
		cmocka_unit_test(test_maps_btf),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_verifier_reject),
		cmocka_unit_test(test_failed_load_leaves_nothing),
		cmocka_unit_test(test_map_reuse),
		cmocka_unit_test(test_skip_and_autoload),
		cmocka_unit_test(test_verifier_log),
		cmocka_unit_test(test_tracepoints),
		cmocka_unit_test(test_core_read),
		cmocka_unit_test(test_core_flavors),
		cmocka_unit_test(test_kconfig),
		cmocka_unit_test(test_ksyms),
		cmocka_unit_test(test_ksym_typed),
		cmocka_unit_test(test_kfuncs),
		cmocka_unit_test(test_map_in_map),
		cmocka_unit_test(test_tail_calls),
		cmocka_unit_test(test_struct_ops),
		cmocka_unit_test(test_struct_ops_link),
		cmocka_unit_test(test_section_names_load),
		cmocka_unit_test(test_section_tcx),
		cmocka_unit_test(test_section_netfilter),
		cmocka_unit_test(test_section_uprobe_multi),
		cmocka_unit_test(test_fentry_load),
		cmocka_unit_test(test_lsm_load),
		cmocka_unit_test(test_shared_and_knobs),
		cmocka_unit_test(test_iter_and_sleepable),
		cmocka_unit_test(test_fuzz_load),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
