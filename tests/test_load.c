/* SPDX-License-Identifier: MIT */
/*
 * test_load.c - the loader against the kernel: what eb_object_load()
 * creates for plain objects (maps, global data, subprograms, callbacks,
 * map-in-map, tail calls, iterators), its refusals (verifier, map reuse)
 * and what a failed load leaves behind (nothing), checked with direct
 * bpf(2) calls (info by fd, lookups, test runs) and bpftool as an
 * independent witness.  Skips visibly without CAP_BPF.
 *
 * test_load_ext.c has the libbpf-style objects that need kernel BTF or
 * newer kernels (CO-RE, externs, struct_ops, newer section names).
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
#include <unistd.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "btf.h"
#include "log.h"
#include "object.h"
#include "strbuf.h"
#include "syscall.h"
#include "testutil.h"
#include "util.h"

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

	TU_REQUIRE_BPF();
	obj = tu_obj_load("xdp_count", NULL);
	p = tu_obj_prog(obj, "xdp_count");
	assert_true(p->fd >= 0);
	tu_prog_info(p->fd, &info);
	assert_string_equal(info.name, "xdp_count");
	assert_int_equal(info.type, BPF_PROG_TYPE_XDP);
	assert_int_equal(info.nr_map_ids, 2);
	assert_int_equal(p->final_cnt, p->insn_cnt);
	assert_int_equal(p->final_insns[10].src_reg, BPF_PSEUDO_MAP_FD);
	assert_int_equal(p->final_insns[10].imm, tu_obj_map(obj, "counts")->fd);
	tu_assert_obj_map(obj, "counts", "counts", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	tu_assert_obj_map(obj, "drops", "drops", BPF_MAP_TYPE_HASH, 4, 8, 16, 0);
	assert_int_equal(tu_prog_run_pkt(p), 2);
	assert_int_equal(eb_sys_map_lookup_elem(tu_obj_map(obj, "counts")->fd, &key, &val, 0), 0);
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
	struct bpf_map_info mi;
	char *json;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("globals", NULL);
	tu_assert_obj_map(obj, ".data", "globals.data", BPF_MAP_TYPE_ARRAY, 4, 20, 1, BPF_F_MMAPABLE);
	tu_assert_obj_map(obj, ".rodata", "globals.rodata", BPF_MAP_TYPE_ARRAY, 4, 51, 1,
		  BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	tu_assert_obj_map(obj, ".bss", "globals.bss", BPF_MAP_TYPE_ARRAY, 4, 12, 1, BPF_F_MMAPABLE);
	tu_assert_obj_map(obj, ".data.custom", ".data.custom", BPF_MAP_TYPE_ARRAY, 4, 4, 1,
			  BPF_F_MMAPABLE);
	tu_assert_obj_map(obj, ".rodata.str1.1", ".rodata.str1.1", BPF_MAP_TYPE_ARRAY, 4, 17, 1,
		  BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	/* initial values reached the kernel */
	m = tu_obj_map(obj, ".data");
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	assert_memory_equal(buf, m->init_data, 20);
	assert_int_equal(((int32_t *)buf)[0], 40);
	m = tu_obj_map(obj, ".rodata");
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	assert_memory_equal(buf, m->init_data, 51);
	/* .rodata is frozen */
	assert_int_equal(eb_sys_map_update_elem(m->fd, &key, buf, BPF_ANY), -EPERM);
	m = tu_obj_map(obj, ".data.custom");
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	assert_int_equal(*(int32_t *)buf, 100);
	/* the programs see them */
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "globals_sum")), 42);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "globals_table")), 110);
	m = tu_obj_map(obj, ".bss");
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	memcpy(&hits, buf, sizeof(hits));
	assert_int_equal(hits, 1);
	m = tu_obj_map(obj, ".data.custom");
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	assert_int_equal(*(int32_t *)buf, 101);

	/* bpftool, an independent witness, agrees on name and frozen state */
	if (tu_have_bpftool()) {
		tu_map_info(tu_obj_map(obj, ".rodata")->fd, &mi);
		json = tu_bpftool_json("map show id %u", mi.id);
		tu_assert_json_has(json, "name", "\"globals.rodata\"");
		tu_assert_json_has(json, "frozen", "1");
		free(json);
	} else {
		TU_SKIP_PART("bpftool not usable: no witness of the frozen state");
	}
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

	TU_REQUIRE_BPF();
	obj = tu_obj_load("globals_custom", NULL);
	assert_int_equal(eb_object_map_cnt(obj), 2);
	tu_assert_obj_map(obj, ".rodata.custom", ".rodata.custom", BPF_MAP_TYPE_ARRAY, 4, 16, 1,
		  BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	tu_assert_obj_map(obj, ".data.custom2", ".data.custom2", BPF_MAP_TYPE_ARRAY, 4, 8, 1,
		  BPF_F_MMAPABLE);
	/* the initial values reached the kernel */
	m = tu_obj_map(obj, ".rodata.custom");
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	assert_memory_equal(buf, m->init_data, 16);
	tu_obj_global_rw(obj, ".rodata.custom", "knob", &knob, sizeof(knob), false);
	assert_int_equal(knob, 5);
	tu_obj_global_rw(obj, ".rodata.custom", "scale", scale, sizeof(scale), false);
	assert_int_equal(scale[0], 2);
	assert_int_equal(scale[1], 3);
	assert_int_equal(scale[2], 7);
	/* frozen: user space cannot write it either */
	assert_int_equal(eb_sys_map_update_elem(m->fd, &key, buf, BPF_ANY), -EPERM);
	tu_obj_global_rw(obj, ".data.custom2", "bias", &bias, sizeof(bias), false);
	assert_int_equal(bias, 11);
	tu_obj_global_rw(obj, ".data.custom2", "tally", &tally, sizeof(tally), false);
	assert_int_equal(tally, 1);
	/* the program reads both and writes .data.custom2 */
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "gc_sum")), 5 * 2 + 7 + 11);
	tu_obj_global_rw(obj, ".data.custom2", "tally", &tally, sizeof(tally), false);
	assert_int_equal(tally, 2);
	bias = 20;
	tu_obj_global_rw(obj, ".data.custom2", "bias", &bias, sizeof(bias), true);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "gc_sum")), 5 * 2 + 7 + 20);
	/* bpftool, an independent witness, sees the frozen map by its name */
	if (tu_have_bpftool()) {
		struct bpf_map_info mi;

		tu_map_info(m->fd, &mi);
		json = tu_bpftool_json("map show id %u", mi.id);
		tu_assert_json_has(json, "name", "\".rodata.custom\"");
		tu_assert_json_has(json, "frozen", "1");
		free(json);
	} else {
		TU_SKIP_PART("bpftool not usable: no witness of the frozen state");
	}
	eb_object_close(obj);

	/* a const volatile knob of .rodata.custom set before the load */
	obj = tu_obj_open("globals_custom");
	knob = 6;
	assert_int_equal(eb_object_set_global(obj, "knob", &knob, sizeof(knob)), 0);
	assert_int_equal(eb_object_load(obj, NULL), 0);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "gc_sum")), 6 * 2 + 7 + 11);
	eb_object_close(obj);
}

static void test_subprog_calls(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *p;
	struct bpf_prog_info info;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("subprogs", NULL);
	p = tu_obj_prog(obj, "sub_xdp");
	/* sub_xdp 8 + sub_add3 4 + sub_global 4 + sub_double 3, each once */
	assert_int_equal(p->final_cnt, 19);
	assert_int_equal(tu_prog_run_pkt(p), 31);
	tu_prog_info(p->fd, &info);
	assert_int_equal(info.nr_func_info, 4);	/* func_info rebased for all four */
	assert_true(info.nr_line_info > 0);
	p = tu_obj_prog(obj, "sub_sock");
	assert_int_equal(p->final_cnt, 7 + 4 + 3);
	assert_int_equal(tu_prog_run_pkt(p), 35);
	tu_prog_info(p->fd, &info);
	assert_int_equal(info.nr_func_info, 3);
	eb_object_close(obj);
}

static void test_callback(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *p;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("loop_cb", NULL);
	p = tu_obj_prog(obj, "loop_sum");
	assert_int_equal(p->final_cnt, 11 + 8);
	assert_int_equal(p->final_insns[5].src_reg, BPF_PSEUDO_FUNC);
	assert_int_equal(p->final_insns[5].imm, 11 - 5 - 1);
	assert_int_equal(tu_prog_run_pkt(p), 55);
	eb_object_close(obj);
}

static void test_legacy_maps(void **state)
{
	struct eb_object *obj;
	uint32_t key = 0;
	uint64_t val = 0;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("legacy_maps", NULL);
	tu_assert_obj_map(obj, "legacy_cnt", "legacy_cnt", BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	tu_assert_obj_map(obj, "legacy_hash", "legacy_hash", BPF_MAP_TYPE_HASH, 4, 4, 32, 0);
	tu_assert_obj_map(obj, "legacy_lru", "legacy_lru", BPF_MAP_TYPE_LRU_HASH, 8, 8, 16, 0);
	/* skb->len: the 64-byte frame minus the Ethernet header the kernel pulls */
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "legacy_filter")), 64 - 14);
	assert_int_equal(eb_sys_map_lookup_elem(tu_obj_map(obj, "legacy_cnt")->fd, &key, &val, 0), 0);
	assert_int_equal(val, 1);
	eb_object_close(obj);
}

static void test_maps_btf(void **state)
{
	struct eb_object *obj;
	struct bpf_map_info info;
	uint32_t qval = 0;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("maps_btf", NULL);
	tu_assert_obj_map(obj, "m_perf", "m_perf", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4,
		  (uint32_t)eb_possible_cpus(), 0);
	tu_assert_obj_map(obj, "m_outer", "m_outer", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0);
	tu_assert_obj_map(obj, "m_lpm", "m_lpm", BPF_MAP_TYPE_LPM_TRIE, 8, 4, 16, BPF_F_NO_PREALLOC);
	tu_assert_obj_map(obj, "m_ringbuf", "m_ringbuf", BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0);
	tu_map_info(tu_obj_map(obj, "m_hash")->fd, &info);
	assert_int_not_equal(info.btf_id, 0);
	assert_int_equal(info.btf_value_type_id, tu_obj_map(obj, "m_hash")->btf_value_type_id);
	/* the inner template was closed after the outer map was made */
	assert_int_equal(tu_obj_map(obj, "m_outer")->inner->fd, -1);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "maps_use")), 2);
	assert_int_equal(eb_sys_map_lookup_and_delete_elem(tu_obj_map(obj, "m_queue")->fd, NULL,
							   &qval, 0), 0);
	assert_int_equal(qval, 7);
	eb_object_close(obj);
}

static void test_names(void **state)
{
	struct eb_object *obj;
	struct bpf_prog_info info;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("ldr_names", NULL);
	tu_prog_info(tu_obj_prog(obj, "a_program_with_a_long_name")->fd, &info);
	assert_string_equal(info.name, "a_program_with_");
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "a_program_with_a_long_name")), 7);
	tu_prog_info(tu_obj_prog(obj, "odd-name$x")->fd, &info);
	assert_string_equal(info.name, "odd_name_x");
	assert_int_equal(tu_obj_prog(obj, "ldr_unknown")->fd, -1);
	tu_assert_obj_map(obj, "a_map_with_a_very_long_name", "a_map_with_a_ve", BPF_MAP_TYPE_ARRAY,
		  4, 4, 1, 0);
	eb_object_close(obj);
}

static void test_verifier_reject(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *p;
	int err, fds;

	TU_REQUIRE_BPF();
	obj = tu_obj_open("reject");
	fds = tu_count_fds();
	err = eb_object_load(obj, NULL);
	assert_int_equal(err, -EACCES);
	assert_false(eb_object_loaded(obj));
	p = tu_obj_prog(obj, "reject_null");
	assert_int_equal(p->fd, -1);
	assert_non_null(strstr(eb_object_prog_log(p), "invalid mem access 'map_value_or_null'"));
	assert_non_null(strstr(eb_object_errmsg(obj), "program 'reject_null'"));
	assert_non_null(strstr(eb_object_errmsg(obj), "invalid mem access"));
	assert_string_equal(eb_object_errmsg(obj), tu_log_last());
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

	TU_REQUIRE_BPF();
	obj = tu_obj_open("reject");
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
			tu_map_info(fd, &mi);
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

	TU_REQUIRE_BPF();
	reuse_ctx_fd = eb_sys_map_create(&mo);
	assert_true(reuse_ctx_fd >= 0);
	lo.map_reuse_ctx = &calls;
	obj = tu_obj_open("xdp_count");
	assert_int_equal(eb_object_load(obj, &lo), 0);
	assert_int_equal(calls, 2);
	assert_true(tu_obj_map(obj, "counts")->reused);
	assert_false(tu_obj_map(obj, "drops")->reused);
	tu_map_info(reuse_ctx_fd, &a);
	tu_map_info(tu_obj_map(obj, "counts")->fd, &b);
	assert_int_equal(a.id, b.id);
	eb_object_close(obj);
	eb_zclose(&reuse_ctx_fd);

	/* an incompatible map: -EINVAL, message, nothing left open */
	mo.value_size = 4;
	reuse_ctx_fd = eb_sys_map_create(&mo);
	assert_true(reuse_ctx_fd >= 0);
	obj = tu_obj_open("xdp_count");
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

	TU_REQUIRE_BPF();
	obj = tu_obj_open("multi");
	eb_prog_set_autoload(eb_object_find_prog(obj, "multi_raw"), false);
	assert_int_equal(eb_object_load(obj, &lo), 0);
	assert_int_equal(tu_obj_prog(obj, "multi_tp")->fd, -1);
	assert_int_equal(tu_obj_prog(obj, "multi_raw")->fd, -1);
	assert_true(tu_obj_prog(obj, "multi_pass")->fd >= 0);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "multi_drop")), 1);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "multi_sock2")), 2);
	eb_object_close(obj);
}

static void test_verifier_log(void **state)
{
	struct eb_load_opts lo = { .log_level = 2, .log_size = 1024 };
	struct eb_object *obj;
	const char *log;

	TU_REQUIRE_BPF();
	/* a level-2 log of maps_use outgrows 1 KiB: grown and retried */
	obj = tu_obj_open("maps_btf");
	assert_int_equal(eb_object_load(obj, &lo), 0);
	log = eb_object_prog_log(tu_obj_prog(obj, "maps_use"));
	assert_true(strlen(log) > 1024);
	assert_non_null(strstr(log, "processed "));
	eb_object_close(obj);
	/* without a log level, a successful load keeps no log */
	obj = tu_obj_load("socket_filter", NULL);
	assert_string_equal(eb_object_prog_log(tu_obj_prog(obj, "sock_trunc")), "");
	eb_object_close(obj);
}

static void test_tracepoints(void **state)
{
	struct eb_object *obj;
	struct bpf_prog_info info;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("tracepoint", NULL);
	tu_prog_info(tu_obj_prog(obj, "tp_getppid")->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_TRACEPOINT);
	tu_prog_info(tu_obj_prog(obj, "raw_sys_enter")->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	eb_object_close(obj);
}

static void test_map_in_map(void **state)
{
	struct eb_object *obj;
	struct bpf_map_info a, b;
	uint32_t key = 0, id = 0;
	uint64_t v = 0;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("map_in_map", NULL);
	tu_map_info(tu_obj_map(obj, "mim_inner_a")->fd, &a);
	tu_map_info(tu_obj_map(obj, "mim_inner_b")->fd, &b);
	/* user space reads the inner map's id from a map of maps */
	assert_int_equal(eb_sys_map_lookup_elem(tu_obj_map(obj, "mim_outer")->fd, &key, &id, 0), 0);
	assert_int_equal(id, a.id);
	key = 1;
	assert_int_equal(eb_sys_map_lookup_elem(tu_obj_map(obj, "mim_outer")->fd, &key, &id, 0), 0);
	assert_int_equal(id, b.id);
	key = 3;
	assert_int_equal(eb_sys_map_lookup_elem(tu_obj_map(obj, "mim_hash")->fd, &key, &id, 0), 0);
	assert_int_equal(id, b.id);
	key = 0;
	assert_int_equal(eb_sys_map_lookup_elem(tu_obj_map(obj, "mim_hash")->fd, &key, &id, 0),
			 -ENOENT);
	assert_int_equal(eb_sys_map_lookup_elem(tu_obj_map(obj, "mim_empty")->fd, &key, &id, 0),
			 -ENOENT);
	tu_assert_obj_map(obj, "mim_empty", "mim_empty", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 4, 0);
	/* the program walks them: 3 inner maps found */
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "mim_sock")), 3);
	assert_int_equal(eb_sys_map_lookup_elem(tu_obj_map(obj, "mim_inner_a")->fd, &key, &v, 0), 0);
	assert_int_equal(v, 1);
	assert_int_equal(eb_sys_map_lookup_elem(tu_obj_map(obj, "mim_inner_b")->fd, &key, &v, 0), 0);
	assert_int_equal(v, 1);
	key = 1;
	assert_int_equal(eb_sys_map_lookup_elem(tu_obj_map(obj, "mim_inner_b")->fd, &key, &v, 0), 0);
	assert_int_equal(v, 10);
	eb_object_close(obj);
}

static void test_tail_calls(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *entry;
	uint32_t slot;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("tail_calls", NULL);
	entry = tu_obj_prog(obj, "tc_entry");
	assert_int_equal(tu_prog_run_pkt(entry), 10);
	slot = 2;
	tu_obj_global_rw(obj, ".bss", "slot", &slot, sizeof(slot), true);
	assert_int_equal(tu_prog_run_pkt(entry), 12);
	slot = 1;	/* tc_step1 is loaded but not in the array */
	tu_obj_global_rw(obj, ".bss", "slot", &slot, sizeof(slot), true);
	assert_int_equal(tu_prog_run_pkt(entry), 99);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "tc_step1")), 11);
	eb_object_close(obj);
}

static void test_shared_and_knobs(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *p;
	uint32_t one = 1, big = 128;
	uint64_t x = 0;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("shared_subprogs", NULL);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "ss_xdp")), 7);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "ss_sock")), 16);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "ss_tc")), 31);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "ss_tc2")), 6);
	eb_object_close(obj);

	/* subprograms are placed depth first in call order, as libbpf does:
	 * sub_xdp calls sub_add3 (which calls sub_double), then sub_global */
	obj = tu_obj_load("subprogs", NULL);
	p = tu_obj_prog(obj, "sub_xdp");
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

	obj = tu_obj_open("knobs");
	assert_int_equal(eb_object_set_global(obj, "drop_all", &one, sizeof(one)), 0);
	assert_int_equal(eb_object_set_global(obj, "snap_len", &big, sizeof(big)), 0);
	assert_int_equal(eb_object_set_global(obj, "snap_len", &x, sizeof(x)), -EINVAL);
	assert_int_equal(eb_object_set_global(obj, "no_such", &one, sizeof(one)), -ENOENT);
	assert_int_equal(eb_object_load(obj, NULL), 0);
	assert_int_equal(eb_object_set_global(obj, "drop_all", &one, sizeof(one)), -EBUSY);
	p = tu_obj_prog(obj, "knobs_xdp");
	assert_int_equal(tu_prog_run_pkt(p), 1);	/* XDP_DROP */
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "knobs_sock")), 128);
	assert_int_equal(tu_obj_bss_u64(obj, "packets"), 1);
	assert_int_equal(tu_obj_bss_u64(obj, "total"), 3);
	eb_object_close(obj);
	obj = tu_obj_load("knobs", NULL);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "knobs_xdp")), 2);	/* the defaults */
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "knobs_sock")), 64);
	eb_object_close(obj);

	obj = tu_obj_load("timer_lock", NULL);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "tl_count")), 1);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "tl_count")), 2);
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

	TU_REQUIRE_BPF();
	obj = tu_obj_load("iter_task", NULL);
	p = tu_obj_prog(obj, "iter_tasks");
	assert_int_equal(p->attach_btf_id, tu_vmlinux_id("bpf_iter_task", BTF_KIND_FUNC));
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
	assert_true(tu_obj_bss_u64(obj, "tasks") > 1);
	eb_strbuf_release(&text);
	eb_object_close(obj);

	obj = tu_obj_load("sleepable", NULL);
	assert_int_equal(tu_obj_prog(obj, "slp_uprobe")->prog_flags, BPF_F_SLEEPABLE);
	p = tu_obj_prog(obj, "slp_syscall");
	assert_int_equal(p->type, BPF_PROG_TYPE_SYSCALL);
	assert_int_equal(p->prog_flags, BPF_F_SLEEPABLE);
	memset(&o, 0, sizeof(o));
	o.ctx_in = &ctx;
	o.ctx_size_in = sizeof(ctx);
	assert_int_equal(eb_sys_prog_test_run(p->fd, &o), 0);
	assert_int_equal(o.retval, 5);
	assert_int_equal(tu_obj_bss_u32(obj, "syscall_out"), 42);
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
	int fds;

	TU_REQUIRE_BPF();
	lo.kernel_btf = tu_vmlinux();	/* parsed once for all loads */
	tu_log_quiet();
	fds = tu_count_fds();
	for (n = 0; n < EB_ARRAY_SIZE(names); n++) {
		unsigned char *orig, *buf;
		size_t size;
		void *data;

		tu_read_bpf_obj(names[n], &data, &size);
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
	tu_log_capture(TU_LOG_WARN);
	printf("fuzz load: %u loaded, %u refused\n", loaded, failed);
	assert_true(loaded > 0);
}

static int setup(void **state)
{
	tu_log_capture(TU_LOG_WARN);
	return 0;
}

static int teardown(void **state)
{
	tu_log_stop();
	eb_zclose(&reuse_ctx_fd);
	tu_vmlinux_free();
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
		cmocka_unit_test(test_map_in_map),
		cmocka_unit_test(test_tail_calls),
		cmocka_unit_test(test_shared_and_knobs),
		cmocka_unit_test(test_iter_and_sleepable),
		cmocka_unit_test(test_fuzz_load),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
