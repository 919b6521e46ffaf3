/* SPDX-License-Identifier: MIT */
/*
 * Tests of fs/keylist.c against the running kernel: a map's key names
 * come back sorted, each exactly once, whether one thread reads the map
 * or several start at the last walk's cursors; a map that changed
 * between listings, cursors that are garbage and a listing over the
 * limit are read right too.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../fs/keylist.h"
#include "map.h"
#include "testutil.h"
#include "util.h"

#define CHUNK 512

struct fixture {
	struct eb_map m;
	struct fs_key_splits sp;
	struct fs_keylist l;
	unsigned char *present;	/* present[k]: key k is in the map */
	uint32_t range;		/* keys are below this */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The listing must be exactly the present keys, in strcmp order. */
static void expect_exact(const struct fixture *f)
{
	char **want, buf[16];
	size_t n = 0, i;
	uint32_t k;

	for (k = 0; k < f->range; k++)
		n += f->present[k];
	want = calloc(n ? n : 1, sizeof(*want));
	assert_non_null(want);
	for (k = 0, i = 0; k < f->range; k++) {
		if (!f->present[k])
			continue;
		snprintf(buf, sizeof(buf), "%u", k);
		want[i] = strdup(buf);
		assert_non_null(want[i++]);
	}
	qsort(want, n, sizeof(*want), cmp_str);
	assert_int_equal(f->l.n, n);
	for (i = 0; i < n; i++) {
		assert_string_equal(f->l.names.buf + f->l.off[i], want[i]);
		free(want[i]);
	}
	free(want);
}

static void put(struct fixture *f, uint32_t k)
{
	uint64_t v = k;

	assert_int_equal(eb_map_update(&f->m, &k, &v, BPF_ANY), 0);
	f->present[k] = 1;
}

static void del(struct fixture *f, uint32_t k)
{
	assert_int_equal(eb_map_delete(&f->m, &k), 0);
	f->present[k] = 0;
}

static int load(struct fixture *f, unsigned int shards, size_t max)
{
	struct fs_keylist_req r = {
		.map = &f->m, .key_fmt = FS_FMT_UINT, .chunk = CHUNK, .max = max,
		.shards = shards, .splits = &f->sp,
	};

	return fs_keylist_load(&f->l, &r);
}

static int setup(void **state)
{
	struct eb_map_create_opts o = {
		.type = BPF_MAP_TYPE_HASH, .name = "eb_keylist", .key_size = 4,
		.value_size = 8, .max_entries = 40000,
	};
	struct fixture *f = calloc(1, sizeof(*f));
	uint32_t k;

	if (!f)
		return -1;
	f->m = (struct eb_map)EB_MAP_INIT;
	f->range = 100000;
	f->present = calloc(f->range, 1);
	fs_key_splits_init(&f->sp);
	eb_strbuf_init(&f->l.names);
	*state = f;
	if (!f->present || eb_map_create(&f->m, &o))
		return 0;	/* the test skips: no BPF */
	for (k = 0; k < 20000; k++)
		put(f, k * 3);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fs_keylist_release(&f->l);
	fs_key_splits_fini(&f->sp);
	eb_map_close(&f->m);
	free(f->present);
	free(f);
	return 0;
}

#define REQUIRE_MAP(f) TU_SKIP_UNLESS((f)->m.fd >= 0, "cannot create a BPF map (needs root)")

static void test_shards(void **state)
{
	unsigned int n = fs_keylist_shards();

	(void)state;
	assert_true(n >= 1 && n <= FS_KEYLIST_MAX_SHARDS);
}

/* The first listing is one walk and leaves its split points; the next
 * ones start a thread at each. */
static void test_parts(void **state)
{
	struct fixture *f = *state;

	REQUIRE_MAP(f);
	assert_int_equal(load(f, 2, SIZE_MAX), 0);
	assert_int_equal(f->l.shards, 1);
	expect_exact(f);
	assert_int_equal(f->sp.n, 1);
	assert_int_equal(f->sp.size, 8);

	assert_int_equal(load(f, 2, SIZE_MAX), 0);
	assert_int_equal(f->l.shards, 2);
	expect_exact(f);

	/* more threads: three splits are kept, then four parts read */
	assert_int_equal(load(f, 4, SIZE_MAX), 0);
	assert_int_equal(f->l.shards, 2);
	assert_int_equal(f->sp.n, 3);
	expect_exact(f);
	assert_int_equal(load(f, 4, SIZE_MAX), 0);
	assert_int_equal(f->l.shards, 4);
	expect_exact(f);

	/* one thread: the splits are not used, and none are kept */
	assert_int_equal(load(f, 1, SIZE_MAX), 0);
	assert_int_equal(f->l.shards, 1);
	assert_int_equal(f->sp.n, 0);
	expect_exact(f);
}

/* Keys deleted and added between listings move the batch boundaries:
 * a part that does not meet its stop cursor reads to the end, and the
 * listing stays exact. */
static void test_changed_map(void **state)
{
	struct fixture *f = *state;
	uint32_t k;

	REQUIRE_MAP(f);
	assert_int_equal(load(f, 4, SIZE_MAX), 0);
	assert_int_equal(load(f, 4, SIZE_MAX), 0);
	assert_int_equal(f->l.shards, 4);
	for (k = 0; k < 60000; k += 6)
		del(f, k);
	for (k = 60001; k < 90000; k += 3)
		put(f, k);
	assert_int_equal(load(f, 4, SIZE_MAX), 0);
	expect_exact(f);
	assert_int_equal(load(f, 4, SIZE_MAX), 0);
	expect_exact(f);

	/* almost empty: the old cursors point past everything */
	for (k = 0; k < f->range; k++)
		if (f->present[k] && k > 100)
			del(f, k);
	assert_int_equal(load(f, 4, SIZE_MAX), 0);
	expect_exact(f);
	assert_true(f->l.n > 0 && f->l.n < 40);
}

/* Cursors that are not the kernel's: garbage bytes, a wrong size. */
static void test_bad_splits(void **state)
{
	struct fixture *f = *state;

	REQUIRE_MAP(f);
	assert_int_equal(load(f, 4, SIZE_MAX), 0);
	assert_int_equal(f->sp.n, 3);
	memset(f->sp.cur, 0xff, 8);
	memset(f->sp.cur + 8, 0x5a, 8);
	assert_int_equal(load(f, 4, SIZE_MAX), 0);
	expect_exact(f);

	assert_int_equal(f->sp.n, 3);
	f->sp.size = 3;
	assert_int_equal(load(f, 4, SIZE_MAX), 0);
	assert_int_equal(f->l.shards, 1);
	expect_exact(f);
}

/* More keys than allowed: -E2BIG and an empty list, in one walk or in
 * parts. */
static void test_too_many(void **state)
{
	struct fixture *f = *state;

	REQUIRE_MAP(f);
	assert_int_equal(load(f, 2, 19999), -E2BIG);
	assert_int_equal(f->l.n, 0);
	assert_null(f->l.off);
	assert_int_equal(load(f, 2, 20000), 0);
	assert_int_equal(load(f, 2, 20000), 0);
	assert_int_equal(f->l.shards, 2);
	assert_int_equal(load(f, 2, 19999), -E2BIG);
	assert_int_equal(f->l.n, 0);
	assert_int_equal(load(f, 2, 20000), 0);
	expect_exact(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shards),
		cmocka_unit_test_setup_teardown(test_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_splits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
