/* SPDX-License-Identifier: MIT */
/*
 * test_load.c - the loader against the kernel: what eb_object_load()
 * creates, checked with direct bpf(2) calls (info by fd, lookups, test
 * runs) and bpftool as an independent witness.  Skips visibly without
 * CAP_BPF.
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
#include <cmocka.h>

#include "log.h"
#include "object.h"
#include "strbuf.h"
#include "syscall.h"
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

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
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
	fds = count_fds();
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
	assert_int_equal(count_fds(), fds);
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

/* mutated objects that still parse: whatever the kernel says, a failed
 * load closes everything and a successful one closes on eb_object_close */
static void test_fuzz_load(void **state)
{
	static const char *const names[] = { "subprogs", "globals", "loop_cb", "legacy_maps" };
	unsigned int seed = 777, i, n, loaded = 0, failed = 0;
	eb_print_fn old;
	int fds;

	REQUIRE_BPF();
	old = eb_set_print(quiet);
	fds = count_fds();
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
			if (eb_object_load(obj, NULL))
				failed++;
			else
				loaded++;
			eb_object_close(obj);
			assert_int_equal(count_fds(), fds);
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
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xdp_count),
		cmocka_unit_test(test_globals),
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
		cmocka_unit_test(test_fuzz_load),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
