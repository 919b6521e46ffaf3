/* SPDX-License-Identifier: MIT */
/*
 * Tests of core/map.h against the running kernel: element ops and their
 * errnos, per-CPU layout, queue/stack, freeze, the iterator under
 * concurrent deletes and the chunked dump.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "map.h"
#include "testutil.h"
#include "util.h"

static bool have_bpftool;

static int group_setup(void **state)
{
	(void)state;
	have_bpftool = tu_have_bpftool();
	return 0;
}

static void make_map(struct eb_map *m, uint32_t type, uint32_t ks, uint32_t vs,
		     uint32_t max, uint32_t flags, const char *name)
{
	struct eb_map_create_opts o = {
		.type = type, .name = name, .key_size = ks, .value_size = vs,
		.max_entries = max, .map_flags = flags,
	};

	assert_int_equal(eb_map_create(m, &o), 0);
}

/* --- sizes (no kernel) ------------------------------------------------------ */

static void test_value_sizes(void **state)
{
	struct eb_map m = EB_MAP_INIT;
	int ncpus = eb_possible_cpus();

	(void)state;
	assert_true(ncpus >= 1);
	m.type = BPF_MAP_TYPE_HASH;
	m.value_size = 12;
	assert_false(eb_map_is_percpu(&m));
	assert_int_equal(eb_map_value_size(&m), 12);
	m.type = BPF_MAP_TYPE_PERCPU_HASH;
	assert_true(eb_map_is_percpu(&m));
	assert_int_equal(eb_map_percpu_stride(&m), 16);
	assert_int_equal(eb_map_value_size(&m), 16 * ncpus);
	m.value_size = 8;
	assert_int_equal(eb_map_value_size(&m), 8 * ncpus);
	m.value_size = 1;
	assert_int_equal(eb_map_percpu_stride(&m), 8);
	assert_true(eb_map_type_is_percpu(BPF_MAP_TYPE_PERCPU_ARRAY));
	assert_true(eb_map_type_is_percpu(BPF_MAP_TYPE_LRU_PERCPU_HASH));
	assert_true(eb_map_type_is_percpu(BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE));
	assert_false(eb_map_type_is_percpu(BPF_MAP_TYPE_ARRAY));
	m.type = BPF_MAP_TYPE_QUEUE;
	assert_true(eb_map_is_queue_like(&m));
}

/* --- handle ---------------------------------------------------------------------- */

static void test_handle(void **state)
{
	struct eb_map m = EB_MAP_INIT, m2 = EB_MAP_INIT;
	int fd, pfd;

	(void)state;
	TU_REQUIRE_BPF();
	make_map(&m, BPF_MAP_TYPE_HASH, 4, 24, 33, BPF_F_NO_PREALLOC,
		 "eb_handle_name_that_is_long");
	assert_true(m.fd >= 0);
	assert_int_equal(m.type, BPF_MAP_TYPE_HASH);
	assert_int_equal(m.key_size, 4);
	assert_int_equal(m.value_size, 24);
	assert_int_equal(m.max_entries, 33);
	assert_int_equal(m.flags, BPF_F_NO_PREALLOC);
	assert_string_equal(m.name, "eb_handle_name_");	/* 15 chars kept */
	assert_true(m.id > 0);

	/* from_fd takes ownership of the fd it is given */
	fd = dup(m.fd);
	assert_int_equal(eb_map_from_fd(&m2, fd), 0);
	assert_int_equal(m2.fd, fd);
	assert_int_equal(m2.id, m.id);
	eb_map_close(&m2);
	assert_int_equal(m2.fd, -1);
	assert_int_equal(fcntl(fd, F_GETFD), -1);	/* closed by eb_map_close */
	eb_map_close(&m2);				/* twice is fine */

	assert_int_equal(eb_map_from_id(&m2, m.id), 0);
	assert_int_equal(m2.value_size, 24);
	eb_map_close(&m2);
	assert_int_equal(eb_map_from_id(&m2, 0x7ffffff0), -ENOENT);
	assert_int_equal(m2.fd, -1);

	/* a program fd is not a map: refused, and stays the caller's */
	pfd = tu_prog_load_const(BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, NULL);
	assert_true(pfd >= 0);
	assert_int_equal(eb_map_from_fd(&m2, pfd), -EINVAL);
	assert_true(fcntl(pfd, F_GETFD) >= 0);
	close(pfd);
	assert_int_equal(eb_map_from_fd(&m2, 12345), -EBADF);
	eb_map_close(&m);
}

/* --- element ops --------------------------------------------------------------------- */

static void test_elem_ops(void **state)
{
	struct eb_map m = EB_MAP_INIT, a = EB_MAP_INIT;
	uint32_t k, next;
	uint64_t v, out;
	char *json;

	(void)state;
	TU_REQUIRE_BPF();
	make_map(&m, BPF_MAP_TYPE_HASH, 4, 8, 3, 0, "eb_elem");
	k = 1;
	assert_int_equal(eb_map_lookup(&m, &k, &out), -ENOENT);
	v = 0x0100000000000007ULL;
	assert_int_equal(eb_map_update(&m, &k, &v, BPF_EXIST), -ENOENT);
	assert_int_equal(eb_map_update(&m, &k, &v, BPF_NOEXIST), 0);
	assert_int_equal(eb_map_update(&m, &k, &v, BPF_NOEXIST), -EEXIST);

	/* the kernel holds it: check with a direct syscall and with bpftool */
	out = 0;
	assert_int_equal(eb_sys_map_lookup_elem(m.fd, &k, &out, 0), 0);
	assert_int_equal(out, 0x0100000000000007ULL);
	if (have_bpftool) {
		json = tu_bpftool_json("map lookup id %u key 1 0 0 0", m.id);
		tu_assert_json_has(json, "value", "[\"0x07\",\"0x00\",\"0x00\","
				   "\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x01\"]");
		free(json);
	} else {
		TU_SKIP_PART("bpftool not installed");
	}

	v = 99;
	assert_int_equal(eb_map_update(&m, &k, &v, BPF_EXIST), 0);
	assert_int_equal(eb_map_lookup(&m, &k, &out), 0);
	assert_int_equal(out, 99);
	k = 2;
	assert_int_equal(eb_map_update(&m, &k, &v, BPF_ANY), 0);
	k = 3;
	assert_int_equal(eb_map_update(&m, &k, &v, BPF_ANY), 0);
	k = 4;
	assert_int_equal(eb_map_update(&m, &k, &v, BPF_ANY), -E2BIG);
	assert_int_equal(eb_map_delete(&m, &k), -ENOENT);

	/* next_key: three keys then ENOENT */
	assert_int_equal(eb_map_next_key(&m, NULL, &next), 0);
	assert_int_equal(eb_map_next_key(&m, &next, &next), 0);
	assert_int_equal(eb_map_next_key(&m, &next, &next), 0);
	assert_int_equal(eb_map_next_key(&m, &next, &next), -ENOENT);

	k = 2;
	assert_int_equal(eb_map_lookup_and_delete(&m, &k, &out), 0);
	assert_int_equal(out, 99);
	assert_int_equal(eb_map_lookup(&m, &k, &out), -ENOENT);
	k = 3;
	assert_int_equal(eb_map_delete(&m, &k), 0);
	assert_int_equal(eb_sys_map_lookup_elem(m.fd, &k, &out, 0), -ENOENT);

	/* arrays: every index exists, none can be deleted */
	make_map(&a, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, "eb_arr");
	k = 3;
	assert_int_equal(eb_map_lookup(&a, &k, &out), 0);
	assert_int_equal(out, 0);
	assert_int_equal(eb_map_update(&a, &k, &v, BPF_NOEXIST), -EEXIST);
	assert_int_equal(eb_map_delete(&a, &k), -EINVAL);
	k = 4;
	assert_int_equal(eb_map_lookup(&a, &k, &out), -ENOENT);
	assert_int_equal(eb_map_update(&a, &k, &v, BPF_ANY), -E2BIG);
	eb_map_close(&a);
	eb_map_close(&m);
}

/* --- per-CPU ---------------------------------------------------------------------------- */

static void test_percpu(void **state)
{
	struct eb_map m = EB_MAP_INIT, h = EB_MAP_INIT;
	int ncpus = eb_possible_cpus(), i;
	uint8_t *buf, *raw, one[12];
	uint32_t k = 0;
	ssize_t size;

	(void)state;
	TU_REQUIRE_BPF();
	make_map(&m, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 2, 0, "eb_pcpu");
	size = eb_map_value_size(&m);
	assert_int_equal(size, 8 * ncpus);
	buf = calloc(1, (size_t)size);
	raw = calloc(1, (size_t)size);
	assert_non_null(buf);
	assert_non_null(raw);
	/* a distinct value per CPU */
	for (i = 0; i < ncpus; i++) {
		uint32_t v = 100 + (uint32_t)i;

		memcpy(buf + 8 * i, &v, 4);
	}
	assert_int_equal(eb_map_update(&m, &k, buf, BPF_ANY), 0);
	memset(raw, 0xee, (size_t)size);
	assert_int_equal(eb_sys_map_lookup_elem(m.fd, &k, raw, 0), 0);
	for (i = 0; i < ncpus; i++) {
		uint32_t v;

		memcpy(&v, raw + 8 * i, 4);
		assert_int_equal(v, 100 + i);
	}
	/* update_all_cpus: one value everywhere */
	memcpy(one, "\x44\x33\x22\x11", 4);
	assert_int_equal(eb_map_update_all_cpus(&m, &k, one, BPF_ANY), 0);
	memset(buf, 0xee, (size_t)size);
	assert_int_equal(eb_map_lookup(&m, &k, buf), 0);
	for (i = 0; i < ncpus; i++)
		assert_memory_equal(buf + 8 * i, "\x44\x33\x22\x11\0\0\0\0", 8);
	free(buf);
	free(raw);

	/* value_size 12: stride 16 */
	make_map(&h, BPF_MAP_TYPE_PERCPU_HASH, 4, 12, 4, 0, "eb_pcpu_h");
	size = eb_map_value_size(&h);
	assert_int_equal(size, 16 * ncpus);
	buf = calloc(1, (size_t)size);
	assert_non_null(buf);
	memcpy(one, "abcdefghijkl", 12);
	k = 7;
	assert_int_equal(eb_map_update_all_cpus(&h, &k, one, BPF_NOEXIST), 0);
	assert_int_equal(eb_map_update_all_cpus(&h, &k, one, BPF_NOEXIST), -EEXIST);
	assert_int_equal(eb_map_lookup(&h, &k, buf), 0);
	for (i = 0; i < ncpus; i++) {
		assert_memory_equal(buf + 16 * i, "abcdefghijkl", 12);
		assert_memory_equal(buf + 16 * i + 12, "\0\0\0\0", 4);
	}
	free(buf);
	eb_map_close(&h);
	eb_map_close(&m);
}

/* --- queue / stack / freeze ---------------------------------------------------------------- */

static void test_queue_stack(void **state)
{
	struct eb_map q = EB_MAP_INIT, s = EB_MAP_INIT;
	uint32_t v, i;

	(void)state;
	TU_REQUIRE_BPF();
	make_map(&q, BPF_MAP_TYPE_QUEUE, 0, 4, 3, 0, "eb_queue");
	assert_true(eb_map_is_queue_like(&q));
	assert_int_equal(eb_map_pop(&q, &v), -ENOENT);
	assert_int_equal(eb_map_peek(&q, &v), -ENOENT);
	for (i = 1; i <= 3; i++)
		assert_int_equal(eb_map_push(&q, &i, BPF_ANY), 0);
	i = 4;
	assert_int_equal(eb_map_push(&q, &i, BPF_ANY), -E2BIG);
	/* BPF_EXIST: drop the oldest (1) to make room */
	assert_int_equal(eb_map_push(&q, &i, BPF_EXIST), 0);
	assert_int_equal(eb_map_peek(&q, &v), 0);
	assert_int_equal(v, 2);
	for (i = 2; i <= 4; i++) {
		assert_int_equal(eb_map_pop(&q, &v), 0);
		assert_int_equal(v, i);
	}
	assert_int_equal(eb_map_pop(&q, &v), -ENOENT);

	make_map(&s, BPF_MAP_TYPE_STACK, 0, 4, 3, 0, "eb_stack");
	for (i = 1; i <= 3; i++)
		assert_int_equal(eb_map_push(&s, &i, BPF_ANY), 0);
	assert_int_equal(eb_map_peek(&s, &v), 0);
	assert_int_equal(v, 3);
	for (i = 3; i >= 1; i--) {
		assert_int_equal(eb_map_pop(&s, &v), 0);
		assert_int_equal(v, i);
	}
	assert_int_equal(eb_map_pop(&s, &v), -ENOENT);

	/* a frozen queue refuses pushes from user space */
	i = 5;
	assert_int_equal(eb_map_push(&s, &i, BPF_ANY), 0);
	assert_int_equal(eb_map_freeze(&s), 0);
	assert_int_equal(eb_map_push(&s, &i, BPF_ANY), -EPERM);
	assert_int_equal(eb_map_peek(&s, &v), 0);
	assert_int_equal(v, 5);

	/* no keys to iterate or dump */
	{
		struct eb_map_iter it;
		struct eb_map_dump d;

		assert_int_equal(eb_map_iter_init(&it, &q), -EINVAL);
		eb_map_iter_release(&it);
		assert_int_equal(eb_map_dump_init(&d, &q, 0, 0), -EINVAL);
		eb_map_dump_release(&d);
	}
	eb_map_close(&s);
	eb_map_close(&q);
}

static void test_freeze(void **state)
{
	struct eb_map m = EB_MAP_INIT;
	uint32_t k = 1, v = 11, out = 0;

	(void)state;
	TU_REQUIRE_BPF();
	make_map(&m, BPF_MAP_TYPE_HASH, 4, 4, 4, 0, "eb_frozen");
	assert_int_equal(eb_map_update(&m, &k, &v, BPF_ANY), 0);
	assert_int_equal(eb_map_is_readonly(&m), 0);
	assert_int_equal(eb_map_freeze(&m), 0);
	assert_int_equal(eb_map_is_readonly(&m), 1);
	assert_int_equal(eb_map_update(&m, &k, &v, BPF_ANY), -EPERM);
	assert_int_equal(eb_map_delete(&m, &k), -EPERM);
	assert_int_equal(eb_map_lookup(&m, &k, &out), 0);
	assert_int_equal(out, 11);
	eb_map_close(&m);
}

/* --- iteration --------------------------------------------------------------------------------- */

static void fill_hash(struct eb_map *m, uint32_t n, uint32_t max)
{
	uint32_t k;
	uint64_t v;

	make_map(m, BPF_MAP_TYPE_HASH, 4, 8, max, 0, "eb_iter");
	for (k = 0; k < n; k++) {
		v = (uint64_t)k * 7;
		assert_int_equal(eb_map_update(m, &k, &v, BPF_NOEXIST), 0);
	}
}

static void test_iter_plain(void **state)
{
	enum { N = 500 };
	struct eb_map m = EB_MAP_INIT, a = EB_MAP_INIT;
	struct eb_map_iter it;
	unsigned char seen[N] = { 0 };
	uint32_t k, n = 0;
	uint64_t v;
	int ret;

	(void)state;
	TU_REQUIRE_BPF();
	fill_hash(&m, N, N);
	assert_int_equal(eb_map_iter_init(&it, &m), 0);
	while ((ret = eb_map_iter_next(&it, &k, &v)) == 1) {
		assert_true(k < N);
		assert_int_equal(seen[k], 0);
		seen[k] = 1;
		assert_int_equal(v, (uint64_t)k * 7);
		n++;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(n, N);
	assert_int_equal(eb_map_iter_restarts(&it), 0);
	assert_int_equal(eb_map_iter_next(&it, &k, &v), 0);	/* stays ended */
	eb_map_iter_release(&it);
	eb_map_iter_release(&it);

	/* arrays: indexes in order, values looked up */
	make_map(&a, BPF_MAP_TYPE_ARRAY, 4, 8, 5, 0, "eb_iter_a");
	k = 2;
	v = 22;
	assert_int_equal(eb_map_update(&a, &k, &v, BPF_ANY), 0);
	assert_int_equal(eb_map_iter_init(&it, &a), 0);
	for (n = 0; n < 5; n++) {
		assert_int_equal(eb_map_iter_next(&it, &k, &v), 1);
		assert_int_equal(k, n);
		assert_int_equal(v, n == 2 ? 22 : 0);
	}
	assert_int_equal(eb_map_iter_next(&it, &k, NULL), 0);
	eb_map_iter_release(&it);
	eb_map_close(&a);
	eb_map_close(&m);
}

/*
 * Deterministic "concurrent" deletes: while walking, delete the key just
 * returned every 10th step (forcing a restart at the first key) and one
 * key not yet returned.  Every key never deleted must come out exactly
 * once; keys deleted before their turn never.
 */
static void test_iter_deletes_current(void **state)
{
	enum { N = 1000 };
	struct eb_map m = EB_MAP_INIT;
	struct eb_map_iter it;
	unsigned char seen[N] = { 0 }, deleted[N] = { 0 };
	uint32_t k, victim = 0, step = 0, i;
	int ret;

	(void)state;
	TU_REQUIRE_BPF();
	fill_hash(&m, N, N);
	assert_int_equal(eb_map_iter_init(&it, &m), 0);
	while ((ret = eb_map_iter_next(&it, &k, NULL)) == 1) {
		assert_true(k < N);
		assert_int_equal(seen[k], 0);
		assert_int_equal(deleted[k], 0);
		seen[k] = 1;
		if (++step % 10)
			continue;
		assert_int_equal(eb_map_delete(&m, &k), 0);
		deleted[k] = 1;
		/* and one that was not returned yet */
		while (victim < N && (seen[victim] || deleted[victim]))
			victim++;
		if (victim < N) {
			assert_int_equal(eb_map_delete(&m, &victim), 0);
			deleted[victim] = 1;
		}
	}
	assert_int_equal(ret, 0);
	for (i = 0; i < N; i++)
		if (!deleted[i] || seen[i])
			assert_int_equal(seen[i], 1);
	assert_true(eb_map_iter_restarts(&it) > 0);
	eb_map_iter_release(&it);
	eb_map_close(&m);
}

/*
 * Endless churn: deleting the current key at every step makes every step
 * a restart; after EB_MAP_ITER_MAX_RESTARTS the walk gives up with
 * -EAGAIN instead of running on, and stays failed.
 */
static void test_iter_gives_up(void **state)
{
	enum { N = EB_MAP_ITER_MAX_RESTARTS + 200 };
	struct eb_map m = EB_MAP_INIT;
	struct eb_map_iter it;
	unsigned char *seen = calloc(N, 1);
	uint32_t k, first = 0, steps = 0;
	int ret;

	(void)state;
	TU_REQUIRE_BPF();
	assert_non_null(seen);
	fill_hash(&m, N, N);
	assert_int_equal(eb_map_iter_init(&it, &m), 0);
	while ((ret = eb_map_iter_next(&it, &k, NULL)) == 1) {
		assert_int_equal(seen[k], 0);
		seen[k] = 1;
		if (!steps++) {
			first = k;	/* keep the first key: restarts land on it */
			continue;
		}
		assert_int_equal(eb_map_delete(&m, &k), 0);
	}
	assert_int_equal(ret, -EAGAIN);
	assert_int_equal(eb_map_iter_restarts(&it), EB_MAP_ITER_MAX_RESTARTS + 1);
	assert_int_equal(steps, EB_MAP_ITER_MAX_RESTARTS + 2);
	assert_int_equal(eb_map_iter_next(&it, &k, NULL), -EAGAIN);
	assert_int_equal(seen[first], 1);
	eb_map_iter_release(&it);
	free(seen);
	eb_map_close(&m);
}

struct deleter {
	const struct eb_map *m;
	uint32_t n;
	int errors;
};

static void *delete_odd_keys(void *arg)
{
	struct deleter *d = arg;
	uint32_t i, k;

	/* odd keys, in a scattered order */
	for (i = 0; i < d->n / 2; i++) {
		k = ((i * 7919u) % (d->n / 2)) * 2 + 1;
		if (eb_map_delete(d->m, &k))
			d->errors++;
	}
	return NULL;
}

static void test_iter_threaded_deletes(void **state)
{
	enum { N = 20000 };
	struct eb_map m = EB_MAP_INIT;
	struct eb_map_iter it;
	struct deleter d;
	unsigned char *seen;
	pthread_t th;
	uint32_t k, i;
	uint64_t v;
	int ret;

	(void)state;
	TU_REQUIRE_BPF();
	fill_hash(&m, N, N);
	seen = calloc(N, 1);
	assert_non_null(seen);
	d.m = &m;
	d.n = N;
	d.errors = 0;
	assert_int_equal(eb_map_iter_init(&it, &m), 0);
	assert_int_equal(pthread_create(&th, NULL, delete_odd_keys, &d), 0);
	while ((ret = eb_map_iter_next(&it, &k, &v)) == 1) {
		assert_true(k < N);
		assert_int_equal(seen[k], 0);	/* never twice */
		seen[k] = 1;
		assert_int_equal(v, (uint64_t)k * 7);
	}
	pthread_join(th, NULL);
	assert_int_equal(ret, 0);
	assert_int_equal(d.errors, 0);
	for (i = 0; i < N; i += 2)
		assert_int_equal(seen[i], 1);	/* survivors exactly once */
	printf("iter: %u restarts under concurrent deletes\n",
	       eb_map_iter_restarts(&it));
	eb_map_iter_release(&it);
	free(seen);
	eb_map_close(&m);
}

/* --- chunked dump ------------------------------------------------------------------------------ */

static void dump_check(const struct eb_map *m, uint32_t n, uint32_t chunk,
		       uint32_t flags, bool expect_fallback)
{
	struct eb_map_dump d;
	const void *keys, *vals;
	unsigned char *seen = calloc(n, 1);
	uint32_t total = 0, calls = 0;
	int got, i;

	assert_non_null(seen);
	assert_int_equal(eb_map_dump_init(&d, m, chunk, flags), 0);
	while ((got = eb_map_dump_next(&d, &keys, &vals)) > 0) {
		calls++;
		assert_true((uint32_t)got <= d.chunk);
		for (i = 0; i < got; i++) {
			uint32_t k;
			uint64_t v;

			memcpy(&k, (const uint8_t *)keys + 4 * i, 4);
			memcpy(&v, (const uint8_t *)vals + 8 * i, 8);
			assert_true(k < n);
			assert_int_equal(seen[k], 0);
			seen[k] = 1;
			assert_int_equal(v, (uint64_t)k * 7);
		}
		total += (uint32_t)got;
	}
	assert_int_equal(got, 0);
	assert_int_equal(total, n);
	assert_true(calls >= n / d.chunk);
	assert_int_equal(eb_map_dump_uses_fallback(&d), expect_fallback);
	assert_int_equal(eb_map_dump_next(&d, &keys, &vals), 0);
	eb_map_dump_release(&d);
	eb_map_dump_release(&d);
	free(seen);
}

static void test_dump_10000(void **state)
{
	enum { N = 10000 };
	struct eb_map m = EB_MAP_INIT;

	(void)state;
	TU_REQUIRE_BPF();
	fill_hash(&m, N, N);
	dump_check(&m, N, 128, 0, false);		/* batch */
	dump_check(&m, N, 1, 0, false);			/* buckets > chunk: grows */
	dump_check(&m, N, 500, EB_MAP_DUMP_NO_BATCH, true);
	eb_map_close(&m);
}

/* Read the rest of a dump into seen[], failing on a key seen twice.
 * The number of entries read. */
static uint32_t dump_rest(struct eb_map_dump *d, unsigned char *seen, uint32_t n)
{
	const void *keys, *vals;
	uint32_t total = 0, k;
	int got, i;

	while ((got = eb_map_dump_next(d, &keys, &vals)) > 0) {
		for (i = 0; i < got; i++) {
			memcpy(&k, (const uint8_t *)keys + 4 * i, 4);
			assert_true(k < n);
			assert_int_equal(seen[k], 0);
			seen[k] = 1;
		}
		total += (uint32_t)got;
	}
	assert_int_equal(got, 0);
	return total;
}

/*
 * A cursor handed out after a chunk restarts a later dump there: the
 * chunks before it plus the seeked dump read every entry exactly once,
 * for a hash map (bucket cursor) and an array (prev-key cursor).
 */
static void seek_check(const struct eb_map *m, uint32_t n, uint32_t chunk)
{
	struct eb_map_dump d, d2;
	const void *keys, *vals, *cur;
	unsigned char *seen = calloc(n, 1), *first = calloc(n, 1), saved[64];
	uint32_t total = 0, rest, k;
	int got, i, size = 0, chunks;

	assert_non_null(seen);
	assert_non_null(first);
	assert_int_equal(eb_map_dump_init(&d, m, chunk, 0), 0);
	assert_int_equal(eb_map_dump_cursor(&d, &cur), -ENOENT);
	for (chunks = 0; chunks < 3; chunks++) {
		got = eb_map_dump_next(&d, &keys, &vals);
		assert_true(got > 0);
		for (i = 0; i < got; i++) {
			memcpy(&k, (const uint8_t *)keys + 4 * i, 4);
			assert_int_equal(seen[k], 0);
			seen[k] = first[k] = 1;
		}
		total += (uint32_t)got;
		size = eb_map_dump_cursor(&d, &cur);
		assert_int_equal(size, m->key_size > 8 ? m->key_size : 8);
		memcpy(saved, cur, (size_t)size);
	}
	assert_true(total < n);

	assert_int_equal(eb_map_dump_init(&d2, m, chunk, 0), 0);
	assert_int_equal(eb_map_dump_seek(&d2, saved, (size_t)size - 1), -EINVAL);
	assert_int_equal(eb_map_dump_seek(&d2, saved, (size_t)size), 0);
	assert_int_equal(eb_map_dump_seek(&d2, saved, (size_t)size), -EINVAL);
	rest = dump_rest(&d2, seen, n);
	assert_int_equal(total + rest, n);
	assert_int_equal(eb_map_dump_cursor(&d2, &cur), -ENOENT);	/* at the end */
	eb_map_dump_release(&d2);

	/* the first dump, continued, reads the same entries */
	for (k = 0; k < n; k++)
		if (!first[k])
			seen[k] = 0;
	assert_int_equal(dump_rest(&d, seen, n), rest);
	free(first);
	eb_map_dump_release(&d);
	free(seen);
}

static void test_dump_seek(void **state)
{
	enum { N = 5000 };
	struct eb_map m = EB_MAP_INIT, a = EB_MAP_INIT;
	struct eb_map_dump d;
	const void *cur;
	uint32_t k;
	uint64_t v;

	(void)state;
	TU_REQUIRE_BPF();
	fill_hash(&m, N, N);
	seek_check(&m, N, 256);
	eb_map_close(&m);

	make_map(&a, BPF_MAP_TYPE_ARRAY, 4, 8, 1000, 0, "eb_dump_sk");
	for (k = 0; k < 1000; k++) {
		v = (uint64_t)k * 7;
		assert_int_equal(eb_map_update(&a, &k, &v, BPF_ANY), 0);
	}
	seek_check(&a, 1000, 64);

	/* the fallback walk has no cursor */
	assert_int_equal(eb_map_dump_init(&d, &a, 64, EB_MAP_DUMP_NO_BATCH), 0);
	assert_true(eb_map_dump_next(&d, &cur, &cur) > 0);
	assert_int_equal(eb_map_dump_cursor(&d, &cur), -EOPNOTSUPP);
	eb_map_dump_release(&d);
	eb_map_close(&a);
}

static void test_dump_array_and_percpu(void **state)
{
	struct eb_map a = EB_MAP_INIT, p = EB_MAP_INIT;
	struct eb_map_dump d;
	const void *keys, *vals;
	int ncpus = eb_possible_cpus(), got, i, c;
	uint32_t k, total = 0;
	uint64_t v;

	(void)state;
	TU_REQUIRE_BPF();
	make_map(&a, BPF_MAP_TYPE_ARRAY, 4, 8, 1000, 0, "eb_dump_a");
	for (k = 0; k < 1000; k++) {
		v = (uint64_t)k * 7;
		assert_int_equal(eb_map_update(&a, &k, &v, BPF_ANY), 0);
	}
	dump_check(&a, 1000, 64, 0, false);
	dump_check(&a, 1000, 64, EB_MAP_DUMP_NO_BATCH, true);
	eb_map_close(&a);

	make_map(&p, BPF_MAP_TYPE_PERCPU_HASH, 4, 4, 64, 0, "eb_dump_p");
	for (k = 0; k < 50; k++)
		assert_int_equal(eb_map_update_all_cpus(&p, &k, &k, BPF_ANY), 0);
	assert_int_equal(eb_map_dump_init(&d, &p, 16, 0), 0);
	while ((got = eb_map_dump_next(&d, &keys, &vals)) > 0) {
		for (i = 0; i < got; i++) {
			memcpy(&k, (const uint8_t *)keys + 4 * i, 4);
			for (c = 0; c < ncpus; c++) {
				uint32_t x;

				memcpy(&x, (const uint8_t *)vals +
				       (size_t)(i * ncpus + c) * 8, 4);
				assert_int_equal(x, k);
			}
		}
		total += (uint32_t)got;
	}
	assert_int_equal(got, 0);
	assert_int_equal(total, 50);
	eb_map_dump_release(&d);
	eb_map_close(&p);
}

/* An LPM trie (batch lookups since Linux 6.x) with a struct key. */
static void test_dump_lpm(void **state)
{
	struct eb_map m = EB_MAP_INIT;
	struct eb_map_dump d;
	const void *keys, *vals;
	struct { uint32_t prefixlen; uint8_t addr[4]; } key;
	unsigned char seen[20] = { 0 };
	uint32_t i, total = 0, v;
	int got;

	(void)state;
	TU_REQUIRE_BPF();
	make_map(&m, BPF_MAP_TYPE_LPM_TRIE, sizeof(key), 4, 64,
		 BPF_F_NO_PREALLOC, "eb_lpm");
	for (i = 0; i < 20; i++) {
		key.prefixlen = 32;
		memcpy(key.addr, "\x0a\x00\x00", 3);
		key.addr[3] = (uint8_t)i;
		v = i + 1000;
		assert_int_equal(eb_map_update(&m, &key, &v, BPF_ANY), 0);
	}
	assert_int_equal(eb_map_dump_init(&d, &m, 8, 0), 0);
	while ((got = eb_map_dump_next(&d, &keys, &vals)) > 0) {
		for (i = 0; i < (uint32_t)got; i++) {
			memcpy(&key, (const uint8_t *)keys + sizeof(key) * i, sizeof(key));
			memcpy(&v, (const uint8_t *)vals + 4 * i, 4);
			assert_int_equal(key.prefixlen, 32);
			assert_memory_equal(key.addr, "\x0a\x00\x00", 3);
			assert_true(key.addr[3] < 20);
			assert_int_equal(seen[key.addr[3]], 0);
			seen[key.addr[3]] = 1;
			assert_int_equal(v, key.addr[3] + 1000u);
		}
		total += (uint32_t)got;
	}
	assert_int_equal(got, 0);
	assert_int_equal(total, 20);
	eb_map_dump_release(&d);
	eb_map_close(&m);
}

/* devmap_hash has no batch ops (-ENOTSUPP): the dump falls back by itself. */
static void test_dump_fallback_auto(void **state)
{
	struct eb_map m = EB_MAP_INIT;
	struct eb_map_dump d;
	const void *keys, *vals;
	unsigned char seen[30] = { 0 };
	uint32_t i, k, v, lo = 1, total = 0;
	int got;

	(void)state;
	TU_REQUIRE_BPF();
	make_map(&m, BPF_MAP_TYPE_DEVMAP_HASH, 4, 4, 64, 0, "eb_devh");
	for (k = 0; k < 30; k++)
		assert_int_equal(eb_map_update(&m, &k, &lo, BPF_ANY), 0);
	assert_int_equal(eb_map_dump_init(&d, &m, 7, 0), 0);
	while ((got = eb_map_dump_next(&d, &keys, &vals)) > 0) {
		assert_true(got <= 7);
		for (i = 0; i < (uint32_t)got; i++) {
			memcpy(&k, (const uint8_t *)keys + 4 * i, 4);
			memcpy(&v, (const uint8_t *)vals + 4 * i, 4);
			assert_true(k < 30);
			assert_int_equal(seen[k], 0);
			seen[k] = 1;
			assert_int_equal(v, 1);	/* ifindex of lo */
		}
		total += (uint32_t)got;
	}
	assert_int_equal(got, 0);
	assert_int_equal(total, 30);
	assert_true(eb_map_dump_uses_fallback(&d));
	eb_map_dump_release(&d);
	eb_map_close(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_sizes),
		cmocka_unit_test(test_handle),
		cmocka_unit_test(test_elem_ops),
		cmocka_unit_test(test_percpu),
		cmocka_unit_test(test_queue_stack),
		cmocka_unit_test(test_freeze),
		cmocka_unit_test(test_iter_plain),
		cmocka_unit_test(test_iter_deletes_current),
		cmocka_unit_test(test_iter_threaded_deletes),
		cmocka_unit_test(test_iter_gives_up),
		cmocka_unit_test(test_dump_10000),
		cmocka_unit_test(test_dump_seek),
		cmocka_unit_test(test_dump_array_and_percpu),
		cmocka_unit_test(test_dump_lpm),
		cmocka_unit_test(test_dump_fallback_auto),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
