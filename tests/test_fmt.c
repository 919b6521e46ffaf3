/* SPDX-License-Identifier: MIT */
/*
 * test_fmt.c - fs/fmt.c: the spellings of map keys and values, per-CPU
 * lines, and the order of names in a listing.  Pure functions: no kernel,
 * no FUSE.
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

#include "../fs/fmt.h"
#include "strbuf.h"
#include "util.h"

/* Render and compare with the exact text. */
static void expect_render(enum fs_fmt fmt, const void *data, size_t size, const char *want)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;

	fs_fmt_render(fmt, data, size, &sb);
	assert_int_equal(eb_strbuf_error(&sb), 0);
	assert_string_equal(sb.buf, want);
	eb_strbuf_release(&sb);
}

static int parse_str(enum fs_fmt fmt, const char *text, void *out, size_t size)
{
	return fs_fmt_parse(fmt, text, strlen(text), out, size);
}

/* An integer of size bytes (1, 2, 4 or 8) and its text in format fmt. */
struct int_case {
	enum fs_fmt fmt;
	size_t size;
	uint64_t value;		/* truncated to size bytes */
	const char *text;
};

union int_buf {
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
};

/* value as a native integer of size bytes, stored in *b: its address. */
static const void *int_bytes(uint64_t value, size_t size, union int_buf *b)
{
	memset(b, 0, sizeof(*b));
	switch (size) {
	case 1:
		b->u8 = (uint8_t)value;
		break;
	case 2:
		b->u16 = (uint16_t)value;
		break;
	case 4:
		b->u32 = (uint32_t)value;
		break;
	default:
		assert_int_equal(size, 8);
		b->u64 = value;
	}
	return b;
}

/* Every case's value renders as exactly its text. */
static void expect_renders(const struct int_case *c, size_t n)
{
	union int_buf b;
	size_t i;

	for (i = 0; i < n; i++)
		expect_render(c[i].fmt, int_bytes(c[i].value, c[i].size, &b), c[i].size,
			      c[i].text);
}

/* Every case's text parses to exactly its value. */
static void expect_parses(const struct int_case *c, size_t n)
{
	union int_buf want, out;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&out, 0x5a, sizeof(out));
		if (parse_str(c[i].fmt, c[i].text, &out, c[i].size))
			fail_msg("'%s' (%zu bytes) does not parse", c[i].text, c[i].size);
		assert_memory_equal(&out, int_bytes(c[i].value, c[i].size, &want), c[i].size);
	}
}

/* Every case's text is refused with -EINVAL, the output left untouched
 * (its value is not used). */
static void expect_refusals(const struct int_case *c, size_t n)
{
	union int_buf out, fill;
	size_t i;

	memset(&fill, 0x5a, sizeof(fill));
	for (i = 0; i < n; i++) {
		out = fill;
		if (parse_str(c[i].fmt, c[i].text, &out, c[i].size) != -EINVAL)
			fail_msg("'%s' (%zu bytes) is not refused", c[i].text, c[i].size);
		assert_memory_equal(&out, &fill, sizeof(out));
	}
}

static void test_int_size(void **state)
{
	(void)state;
	assert_true(fs_fmt_int_size(1));
	assert_true(fs_fmt_int_size(2));
	assert_true(fs_fmt_int_size(4));
	assert_true(fs_fmt_int_size(8));
	assert_false(fs_fmt_int_size(0));
	assert_false(fs_fmt_int_size(3));
	assert_false(fs_fmt_int_size(16));
}

static void test_render_unsigned(void **state)
{
	static const struct int_case c[] = {
		{ FS_FMT_UINT, 1, 255, "255" },
		{ FS_FMT_UINT, 2, 65535, "65535" },
		{ FS_FMT_UINT, 4, 4294967295u, "4294967295" },
		{ FS_FMT_UINT, 4, 0, "0" },
		{ FS_FMT_UINT, 4, 12345, "12345" },
		{ FS_FMT_UINT, 8, UINT64_MAX, "18446744073709551615" },
		{ FS_FMT_UINT, 8, 1000000000000ull, "1000000000000" },
	};

	(void)state;
	expect_renders(c, EB_ARRAY_SIZE(c));
}

static void test_render_signed(void **state)
{
	static const struct int_case c[] = {
		{ FS_FMT_SINT, 1, (uint64_t)-128, "-128" },
		{ FS_FMT_SINT, 1, 127, "127" },
		{ FS_FMT_SINT, 2, (uint64_t)-1, "-1" },
		{ FS_FMT_SINT, 4, (uint64_t)INT32_MIN, "-2147483648" },
		{ FS_FMT_SINT, 4, 42, "42" },
		{ FS_FMT_SINT, 8, (uint64_t)INT64_MIN, "-9223372036854775808" },
		{ FS_FMT_SINT, 8, INT64_MAX, "9223372036854775807" },
		{ FS_FMT_SINT, 8, (uint64_t)-10, "-10" },
		/* the same bytes unsigned */
		{ FS_FMT_UINT, 1, (uint64_t)-128, "128" },
		{ FS_FMT_UINT, 2, (uint64_t)-1, "65535" },
	};

	(void)state;
	expect_renders(c, EB_ARRAY_SIZE(c));
}

static void test_render_hex(void **state)
{
	static const uint8_t addr[6] = { 0x0a, 0x00, 0x00, 0x01, 0x00, 0x50 };
	static const uint8_t three[3] = { 0xab, 0xcd, 0xef };
	uint32_t v = 0x01020304;
	char want[9];
	const uint8_t *b = (const uint8_t *)&v;

	(void)state;
	expect_render(FS_FMT_HEX, addr, sizeof(addr), "0a0000010050");
	/* sizes that are not integers are hex whatever the format says */
	expect_render(FS_FMT_UINT, three, 3, "abcdef");
	expect_render(FS_FMT_SINT, three, 3, "abcdef");
	/* hex of an integer is its bytes in memory order */
	snprintf(want, sizeof(want), "%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
	expect_render(FS_FMT_HEX, &v, 4, want);
	expect_render(FS_FMT_HEX, addr, 0, "");
}

static void test_int_value(void **state)
{
	uint8_t b = 0xff;
	uint16_t h = 0x8000;
	uint32_t w = 0xfffffffe;

	(void)state;
	assert_int_equal(fs_fmt_int_value(FS_FMT_UINT, &b, 1), 255);
	assert_int_equal(fs_fmt_int_value(FS_FMT_SINT, &b, 1), -1);
	assert_int_equal(fs_fmt_int_value(FS_FMT_SINT, &h, 2), -32768);
	assert_int_equal(fs_fmt_int_value(FS_FMT_UINT, &h, 2), 32768);
	assert_int_equal(fs_fmt_int_value(FS_FMT_SINT, &w, 4), -2);
	assert_true(fs_fmt_int_value(FS_FMT_UINT, &w, 4) == 4294967294ll);
}

static void test_parse_unsigned(void **state)
{
	static const struct int_case c[] = {
		{ FS_FMT_UINT, 4, 42, "42" },
		{ FS_FMT_UINT, 4, 42, " \t42\n" },
		{ FS_FMT_UINT, 4, 16, "0x10" },
		{ FS_FMT_UINT, 4, 255, "0XfF" },
		{ FS_FMT_UINT, 4, 7, "+7" },
		{ FS_FMT_UINT, 1, 255, "255" },
		{ FS_FMT_UINT, 2, 65535, "65535" },
		{ FS_FMT_UINT, 4, 4294967295u, "4294967295" },
		{ FS_FMT_UINT, 8, UINT64_MAX, "18446744073709551615" },
		{ FS_FMT_UINT, 8, UINT64_MAX, "0xffffffffffffffff" },
	};
	uint32_t u32;

	(void)state;
	expect_parses(c, EB_ARRAY_SIZE(c));
	/* only the length given counts, not what follows */
	assert_int_equal(fs_fmt_parse(FS_FMT_UINT, "123456", 3, &u32, 4), 0);
	assert_int_equal(u32, 123);
}

static void test_parse_unsigned_malformed(void **state)
{
	static const char *const bad32[] = {
		"", " ", "\n", "-1", "-0x1", "4294967296", "12a", "a12", "1 2", "0x",
		"0xg", "0x-1", "+", "-", "1.5", "1e3", "++1", "0x 1", "\xff",
	};
	/* out of range for the size */
	static const struct int_case c[] = {
		{ FS_FMT_UINT, 1, 0, "256" },
		{ FS_FMT_UINT, 1, 0, "0x100" },
		{ FS_FMT_UINT, 2, 0, "65536" },
		{ FS_FMT_UINT, 8, 0, "18446744073709551616" },
		{ FS_FMT_UINT, 8, 0, "0x10000000000000000" },
		{ FS_FMT_UINT, 8, 0, "99999999999999999999999" },
	};
	struct int_case bad = { FS_FMT_UINT, 4, 0, NULL };
	size_t i;

	(void)state;
	for (i = 0; i < EB_ARRAY_SIZE(bad32); i++) {
		bad.text = bad32[i];
		expect_refusals(&bad, 1);
	}
	expect_refusals(c, EB_ARRAY_SIZE(c));
}

static void test_parse_signed(void **state)
{
	static const struct int_case good[] = {
		{ FS_FMT_SINT, 1, (uint64_t)-128, "-128" },
		{ FS_FMT_SINT, 1, 127, "127" },
		{ FS_FMT_SINT, 2, (uint64_t)-32768, "-32768" },
		{ FS_FMT_SINT, 4, (uint64_t)INT32_MIN, "-2147483648" },
		{ FS_FMT_SINT, 4, (uint64_t)-16, "-0x10" },
		{ FS_FMT_SINT, 4, (uint64_t)-1, " -1 \n" },
		{ FS_FMT_SINT, 8, (uint64_t)INT64_MIN, "-9223372036854775808" },
		{ FS_FMT_SINT, 8, INT64_MAX, "9223372036854775807" },
	};
	static const struct int_case bad[] = {
		{ FS_FMT_SINT, 1, 0, "-129" },
		{ FS_FMT_SINT, 1, 0, "128" },
		{ FS_FMT_SINT, 1, 0, "0xff" },
		{ FS_FMT_SINT, 2, 0, "32768" },
		{ FS_FMT_SINT, 4, 0, "2147483648" },
		{ FS_FMT_SINT, 4, 0, "-2147483649" },
		{ FS_FMT_SINT, 8, 0, "9223372036854775808" },
		{ FS_FMT_SINT, 8, 0, "-9223372036854775809" },
		{ FS_FMT_SINT, 4, 0, "--1" },
		{ FS_FMT_SINT, 4, 0, "- 1" },
		{ FS_FMT_SINT, 4, 0, "" },
		{ FS_FMT_SINT, 4, 0, "x" },
	};

	(void)state;
	expect_parses(good, EB_ARRAY_SIZE(good));
	expect_refusals(bad, EB_ARRAY_SIZE(bad));
}

static void test_parse_hex(void **state)
{
	static const uint8_t addr[6] = { 0x0a, 0x00, 0x00, 0x01, 0x00, 0x50 };
	uint8_t out[6], three[3];

	(void)state;
	memset(out, 0, sizeof(out));
	assert_int_equal(parse_str(FS_FMT_HEX, "0a0000010050", out, 6), 0);
	assert_memory_equal(out, addr, 6);
	memset(out, 0, sizeof(out));
	assert_int_equal(parse_str(FS_FMT_HEX, "0x0A 00 00 01 00 50\n", out, 6), 0);
	assert_memory_equal(out, addr, 6);
	memset(out, 0, sizeof(out));
	assert_int_equal(parse_str(FS_FMT_HEX, "0a00\t0001\n0050", out, 6), 0);
	assert_memory_equal(out, addr, 6);
	/* a size that is not an integer's parses as hex whatever the format */
	assert_int_equal(parse_str(FS_FMT_UINT, "abcdef", three, 3), 0);
	assert_int_equal(three[0], 0xab);
	assert_int_equal(three[2], 0xef);

	assert_int_equal(parse_str(FS_FMT_HEX, "0a00000100", out, 6), -EINVAL);	/* short */
	assert_int_equal(parse_str(FS_FMT_HEX, "0a000001005000", out, 6), -EINVAL); /* long */
	assert_int_equal(parse_str(FS_FMT_HEX, "0a000001005", out, 6), -EINVAL);	/* odd */
	assert_int_equal(parse_str(FS_FMT_HEX, "0a00000100g0", out, 6), -EINVAL);
	assert_int_equal(parse_str(FS_FMT_HEX, "0 a0000010050", out, 6), -EINVAL); /* split byte */
	assert_int_equal(parse_str(FS_FMT_HEX, "", out, 6), -EINVAL);
	assert_int_equal(parse_str(FS_FMT_HEX, "0x", out, 6), -EINVAL);
	assert_int_equal(parse_str(FS_FMT_HEX, "-a0000010050", out, 6), -EINVAL);
	assert_int_equal(parse_str(FS_FMT_UINT, "12", three, 3), -EINVAL);
}

/* What is rendered parses back to the same bytes. */
static void test_round_trip(void **state)
{
	static const uint64_t vals[] = { 0, 1, 9, 10, 255, 256, 65535, 4294967295u,
					 4294967296ull, UINT64_MAX, 0x8000000000000000ull };
	static const enum fs_fmt fmts[] = { FS_FMT_UINT, FS_FMT_SINT, FS_FMT_HEX };
	static const size_t sizes[] = { 1, 2, 4, 8 };
	struct eb_strbuf sb = EB_STRBUF_INIT;
	size_t f, s, v;

	(void)state;
	for (f = 0; f < 3; f++) {
		for (s = 0; s < 4; s++) {
			for (v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
				uint64_t in = vals[v], out = 0;

				eb_strbuf_reset(&sb);
				fs_fmt_render(fmts[f], &in, sizes[s], &sb);
				assert_int_equal(fs_fmt_parse(fmts[f], sb.buf, sb.len, &out,
							      sizes[s]), 0);
				assert_memory_equal(&in, &out, sizes[s]);
			}
		}
	}
	eb_strbuf_release(&sb);
}

static void test_render_percpu(void **state)
{
	uint64_t u[2] = { 1, 2 };
	int32_t s[4] = { -5, 0x7777, 3, 0x7777 };	/* stride 8: slots 0 and 2 */
	uint8_t h[16] = { 1, 2, 3, 0, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0 };
	struct eb_strbuf sb = EB_STRBUF_INIT;

	(void)state;
	fs_fmt_render_percpu(FS_FMT_UINT, u, 8, 8, 2, false, &sb);
	assert_string_equal(sb.buf, "cpu0: 1\ncpu1: 2\nsum: 3\n");
	eb_strbuf_reset(&sb);
	fs_fmt_render_percpu(FS_FMT_UINT, u, 8, 8, 2, true, &sb);
	assert_string_equal(sb.buf, " cpu0:1 cpu1:2 sum:3");
	eb_strbuf_reset(&sb);
	fs_fmt_render_percpu(FS_FMT_SINT, s, 4, 8, 2, false, &sb);
	assert_string_equal(sb.buf, "cpu0: -5\ncpu1: 3\nsum: -2\n");
	eb_strbuf_reset(&sb);
	fs_fmt_render_percpu(FS_FMT_SINT, s, 4, 8, 2, true, &sb);
	assert_string_equal(sb.buf, " cpu0:-5 cpu1:3 sum:-2");
	eb_strbuf_reset(&sb);
	fs_fmt_render_percpu(FS_FMT_HEX, h, 3, 8, 2, false, &sb);
	assert_string_equal(sb.buf, "cpu0: 010203\ncpu1: 040506\n");	/* no sum */
	eb_strbuf_reset(&sb);
	fs_fmt_render_percpu(FS_FMT_UINT, h, 3, 8, 2, true, &sb);
	assert_string_equal(sb.buf, " cpu0:010203 cpu1:040506");
	eb_strbuf_reset(&sb);
	/* an unsigned sum wraps like the counters it adds */
	u[0] = UINT64_MAX;
	fs_fmt_render_percpu(FS_FMT_UINT, u, 8, 8, 2, false, &sb);
	assert_string_equal(sb.buf, "cpu0: 18446744073709551615\ncpu1: 2\nsum: 1\n");
	assert_int_equal(eb_strbuf_error(&sb), 0);
	eb_strbuf_release(&sb);
}

static int parse_pc(const char *text, uint64_t *v, unsigned int ncpu)
{
	return fs_fmt_parse_percpu(FS_FMT_UINT, text, strlen(text), v, 8, 8, ncpu);
}

static void test_parse_percpu(void **state)
{
	uint64_t v[3];
	int32_t s[4];

	(void)state;
	/* one value: every CPU */
	v[0] = v[1] = v[2] = 9;
	assert_int_equal(parse_pc("7\n", v, 3), 0);
	assert_true(v[0] == 7 && v[1] == 7 && v[2] == 7);
	/* named CPUs only; the others keep their values */
	assert_int_equal(parse_pc("cpu1: 5\n", v, 3), 0);
	assert_true(v[0] == 7 && v[1] == 5 && v[2] == 7);
	assert_int_equal(parse_pc("cpu2:1\n\ncpu0: 0x10\nsum: 999\n", v, 3), 0);
	assert_true(v[0] == 16 && v[1] == 5 && v[2] == 1);
	/* what cat prints is accepted back */
	assert_int_equal(parse_pc("cpu0: 1\ncpu1: 2\ncpu2: 3\nsum: 6\n", v, 3), 0);
	assert_true(v[0] == 1 && v[1] == 2 && v[2] == 3);
	assert_int_equal(parse_pc("sum: 5", v, 3), 0);
	assert_true(v[0] == 1 && v[1] == 2 && v[2] == 3);
	/* signed values in 8-byte slots */
	memset(s, 0x11, sizeof(s));
	assert_int_equal(fs_fmt_parse_percpu(FS_FMT_SINT, "cpu1: -3", 8, s, 4, 8, 2), 0);
	assert_int_equal(s[2], -3);
	assert_int_equal(s[0], 0x11111111);
	assert_int_equal(s[3], 0x11111111);	/* padding untouched */

	/* malformed: EINVAL */
	assert_int_equal(parse_pc("", v, 3), -EINVAL);
	assert_int_equal(parse_pc("abc", v, 3), -EINVAL);
	assert_int_equal(parse_pc("-1", v, 3), -EINVAL);
	assert_int_equal(parse_pc("cpu3: 1", v, 3), -EINVAL);	/* no such CPU */
	assert_int_equal(parse_pc("cpu0 1", v, 3), -EINVAL);	/* no colon */
	assert_int_equal(parse_pc("cpux: 1", v, 3), -EINVAL);
	assert_int_equal(parse_pc("cpu: 1", v, 3), -EINVAL);
	assert_int_equal(parse_pc("cpu0: abc", v, 3), -EINVAL);
	assert_int_equal(parse_pc("cpu0:", v, 3), -EINVAL);
	assert_int_equal(parse_pc("cpu0: 1\nbogus", v, 3), -EINVAL);
	assert_int_equal(parse_pc("cpu0: 1\nsums: 2", v, 3), -EINVAL);
	assert_int_equal(parse_pc("cpu0: 18446744073709551616", v, 3), -EINVAL);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort names with fs_fmt_sort_names() and return them joined by ' '. */
static char *sorted(const char *const *names, size_t n)
{
	struct eb_strbuf base = EB_STRBUF_INIT, out = EB_STRBUF_INIT;
	uint32_t *off = calloc(n ? n : 1, sizeof(*off));
	size_t i;

	assert_non_null(off);
	for (i = 0; i < n; i++) {
		off[i] = (uint32_t)base.len;
		eb_strbuf_adds(&base, names[i]);
		eb_strbuf_addch(&base, '\0');
	}
	fs_fmt_sort_names(base.buf, off, n);
	for (i = 0; i < n; i++) {
		if (i)
			eb_strbuf_addch(&out, ' ');
		eb_strbuf_adds(&out, base.buf + off[i]);
	}
	free(off);
	eb_strbuf_release(&base);
	return eb_strbuf_detach(&out, NULL);
}

static void test_sort_names(void **state)
{
	static const char *const names[] = {
		"10", "9", "1", "100", "-5", "0", "-10", "abc", "2",
		"0a00000100500001", "0a00000100500000", "0a000001", "0a0000010050",
		"0a00000100500000ff", "0a000001005000",
	};
	static const char *const one[] = { "x" };
	char *s;

	(void)state;
	s = sorted(names, sizeof(names) / sizeof(names[0]));
	assert_string_equal(s, "-10 -5 0 0a000001 0a0000010050 0a000001005000 "
			    "0a00000100500000 0a00000100500000ff 0a00000100500001 "
			    "1 10 100 2 9 abc");
	free(s);
	s = sorted(one, 1);
	assert_string_equal(s, "x");
	free(s);
	s = sorted(NULL, 0);
	assert_string_equal(s, "");
	free(s);
}

/* Many names (radix passes), long shared prefixes, names that are
 * prefixes of others, duplicates: strcmp's order. */
static void test_sort_names_many(void **state)
{
	enum { N = 20000 };
	const char **want = calloc(N, sizeof(*want));
	struct eb_strbuf base = EB_STRBUF_INIT;
	uint32_t *off = calloc(N, sizeof(*off));
	unsigned int seed = 12345;
	size_t i;

	(void)state;
	assert_non_null(want);
	assert_non_null(off);
	for (i = 0; i < N; i++) {
		off[i] = (uint32_t)base.len;
		seed = seed * 1103515245u + 12345u;
		switch (i % 4) {
		case 0:		/* decimal keys */
			eb_strbuf_addf(&base, "%u", seed % 1000000u);
			break;
		case 3:		/* signed decimal keys */
			eb_strbuf_addf(&base, "-%u", seed % 100000u);
			break;
		case 1:		/* hex keys sharing a 12-byte prefix */
			eb_strbuf_addf(&base, "c0a80001aaaa%08x", seed);
			break;
		default:	/* a few duplicates and short names */
			eb_strbuf_addf(&base, "%x", seed % 64u);
			break;
		}
		eb_strbuf_addch(&base, '\0');
	}
	assert_int_equal(eb_strbuf_error(&base), 0);
	for (i = 0; i < N; i++)
		want[i] = base.buf + off[i];
	qsort(want, N, sizeof(*want), cmp_str);
	fs_fmt_sort_names(base.buf, off, N);
	for (i = 0; i < N; i++)
		assert_string_equal(base.buf + off[i], want[i]);
	free(want);
	free(off);
	eb_strbuf_release(&base);
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* The prefix sort: the same names as above plus names of exactly 8
 * bytes, bytes above 0x7f and one shared 8-byte prefix; refs end in
 * strcmp order and fs_fmt_ref_cmp() agrees with strcmp. */
static void test_sort_refs(void **state)
{
	enum { N = 20000 };
	const char **want = calloc(N, sizeof(*want));
	struct fs_fmt_name_ref *refs = calloc(N, sizeof(*refs));
	struct fs_fmt_name_ref *tmp = calloc(N, sizeof(*tmp));
	struct eb_strbuf base = EB_STRBUF_INIT;
	unsigned int seed = 777;
	size_t i;

	(void)state;
	assert_non_null(want);
	assert_non_null(refs);
	assert_non_null(tmp);
	assert_true(fs_fmt_name_prefix("") == 0);
	assert_true(fs_fmt_name_prefix("a") == 0x6100000000000000ull);
	assert_true(fs_fmt_name_prefix("0123456789") == 0x3031323334353637ull);
	for (i = 0; i < N; i++) {
		refs[i].off = (uint32_t)base.len;
		seed = seed * 1103515245u + 12345u;
		switch (i % 6) {
		case 0:
			eb_strbuf_addf(&base, "%u", seed % 1000000u);
			break;
		case 1:		/* one 12-byte prefix: equal prefixes */
			eb_strbuf_addf(&base, "c0a80001aaaa%08x", seed);
			break;
		case 2:		/* exactly 8 bytes */
			eb_strbuf_addf(&base, "%08x", seed % 5000u);
			break;
		case 3:		/* bytes above 0x7f sort after ASCII */
			eb_strbuf_addf(&base, "\xc3\xa9%u", seed % 300u);
			break;
		case 4:
			eb_strbuf_addf(&base, "-%u", seed % 100000u);
			break;
		default:	/* short names, duplicates */
			eb_strbuf_addf(&base, "%x", seed % 64u);
			break;
		}
		eb_strbuf_addch(&base, '\0');
	}
	assert_int_equal(eb_strbuf_error(&base), 0);
	for (i = 0; i < N; i++) {
		want[i] = base.buf + refs[i].off;
		refs[i].prefix = fs_fmt_name_prefix(want[i]);
	}
	for (i = 1; i < N; i++)
		assert_int_equal(sign(fs_fmt_ref_cmp(base.buf, &refs[i - 1], &refs[i])),
				 sign(strcmp(want[i - 1], want[i])));
	qsort(want, N, sizeof(*want), cmp_str);
	fs_fmt_sort_refs(base.buf, refs, tmp, N);
	for (i = 0; i < N; i++) {
		assert_string_equal(base.buf + refs[i].off, want[i]);
		assert_true(refs[i].prefix == fs_fmt_name_prefix(want[i]));
	}
	fs_fmt_sort_refs(base.buf, refs, tmp, 1);
	fs_fmt_sort_refs(base.buf, refs, tmp, 0);
	free(want);
	free(refs);
	free(tmp);
	eb_strbuf_release(&base);
}

/* --- key file names: the NAME_MAX fallback --------------------------------- */

static void test_fnv1a64(void **state)
{
	uint8_t k[200];
	size_t i;

	(void)state;
	/* the published FNV-1a 64 test vectors */
	assert_true(fs_fmt_fnv1a64("", 0) == 0xcbf29ce484222325ull);
	assert_true(fs_fmt_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cull);
	assert_true(fs_fmt_fnv1a64("foobar", 6) == 0x85944171f73967e8ull);
	for (i = 0; i < sizeof(k); i++)
		k[i] = (uint8_t)i;
	assert_true(fs_fmt_fnv1a64(k, sizeof(k)) == 0x43cfa8023695d3bdull);
}

static void test_key_is_long(void **state)
{
	(void)state;
	assert_false(fs_fmt_key_is_long(FS_FMT_HEX, 8));
	assert_false(fs_fmt_key_is_long(FS_FMT_HEX, 127));	/* 254 digits */
	assert_true(fs_fmt_key_is_long(FS_FMT_HEX, 128));	/* 256 digits */
	assert_true(fs_fmt_key_is_long(FS_FMT_HEX, 200));
	assert_false(fs_fmt_key_is_long(FS_FMT_UINT, 8));
	assert_false(fs_fmt_key_is_long(FS_FMT_SINT, 4));
	/* an integer spelling of a non-integer size is hex */
	assert_false(fs_fmt_key_is_long(FS_FMT_UINT, 127));
	assert_true(fs_fmt_key_is_long(FS_FMT_UINT, 200));
}

/* The hex of bytes [0, n) of key, for building expected names. */
static void hex_of(const uint8_t *key, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[key[i] >> 4];
		out[2 * i + 1] = d[key[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static void expect_key_name(enum fs_fmt fmt, const void *key, size_t size,
			    const char *want)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;

	fs_fmt_render_key(fmt, key, size, &sb);
	assert_int_equal(eb_strbuf_error(&sb), 0);
	assert_string_equal(sb.buf, want);
	eb_strbuf_release(&sb);
}

static void test_render_key(void **state)
{
	uint32_t k = 12345;
	int32_t s = -7;
	uint8_t key[300], key7[300];
	char hex[601];
	size_t i;

	(void)state;
	/* short keys: the ordinary spelling */
	expect_key_name(FS_FMT_UINT, &k, 4, "12345");
	expect_key_name(FS_FMT_SINT, &s, 4, "-7");
	expect_key_name(FS_FMT_HEX, "\x0a\x00\x00\x01", 4, "0a000001");
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	hex_of(key, 127, hex);
	expect_key_name(FS_FMT_HEX, key, 127, hex);	/* 254: still fits */

	/* 200 bytes 00 01 .. c7: 200 hex digits of bytes 0..99, ~, hash */
	hex_of(key, 100, hex);
	strcat(hex, "~43cfa8023695d3bd");
	assert_int_equal(strlen(hex), FS_FMT_LONG_NAME_LEN);
	assert_int_equal(FS_FMT_LONG_NAME_LEN, 217);
	expect_key_name(FS_FMT_HEX, key, 200, hex);
	/* the shortest long key, 128 bytes 00 .. 7f */
	hex_of(key, 100, hex);
	strcat(hex, "~356c6cc8137514a5");
	expect_key_name(FS_FMT_HEX, key, 128, hex);
	/* 300 bytes i*7: the hash has leading digits > 9 */
	for (i = 0; i < sizeof(key); i++)
		key7[i] = (uint8_t)(i * 7);
	hex_of(key7, 100, hex);
	strcat(hex, "~f6c87c941888ad55");
	expect_key_name(FS_FMT_HEX, key7, 300, hex);
}

static void test_parse_long_name(void **state)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	struct fs_fmt_long_name ln;
	uint8_t key[200], other[200];
	char name[FS_FMT_LONG_NAME_LEN + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 13 + 5);
	fs_fmt_render_key(FS_FMT_HEX, key, sizeof(key), &sb);
	assert_int_equal(sb.len, FS_FMT_LONG_NAME_LEN);

	/* round trip: the name's prefix and hash, and the key matches */
	memset(&ln, 0xaa, sizeof(ln));
	assert_int_equal(fs_fmt_parse_long_name(sb.buf, sb.len, &ln), 0);
	assert_memory_equal(ln.prefix, key, 100);
	assert_true(ln.hash == fs_fmt_fnv1a64(key, sizeof(key)));
	assert_true(fs_fmt_long_name_matches(&ln, key, sizeof(key)));

	/* same first 100 bytes, another tail: the hash tells them apart */
	memcpy(other, key, sizeof(key));
	other[199] ^= 1;
	assert_false(fs_fmt_long_name_matches(&ln, other, sizeof(other)));
	/* same hash field, another prefix */
	memcpy(other, key, sizeof(key));
	other[0] ^= 1;
	assert_false(fs_fmt_long_name_matches(&ln, other, sizeof(other)));
	/* a key shorter than the prefix never matches */
	assert_false(fs_fmt_long_name_matches(&ln, key, 99));

	/* uppercase digits are the same name */
	memcpy(name, sb.buf, sb.len + 1);
	for (i = 0; i < sb.len; i++)
		if (name[i] >= 'a' && name[i] <= 'f')
			name[i] = (char)(name[i] - 'a' + 'A');
	memset(&ln, 0, sizeof(ln));
	assert_int_equal(fs_fmt_parse_long_name(name, sb.len, &ln), 0);
	assert_true(fs_fmt_long_name_matches(&ln, key, sizeof(key)));

	/* malformed: length, separator, digits */
	memcpy(name, sb.buf, sb.len + 1);
	assert_int_equal(fs_fmt_parse_long_name(name, sb.len - 1, &ln), -EINVAL);
	strcat(name, "0");
	assert_int_equal(fs_fmt_parse_long_name(name, sb.len + 1, &ln), -EINVAL);
	memcpy(name, sb.buf, sb.len + 1);
	name[200] = '-';
	assert_int_equal(fs_fmt_parse_long_name(name, sb.len, &ln), -EINVAL);
	memcpy(name, sb.buf, sb.len + 1);
	name[17] = 'g';
	assert_int_equal(fs_fmt_parse_long_name(name, sb.len, &ln), -EINVAL);
	memcpy(name, sb.buf, sb.len + 1);
	name[216] = 'x';
	assert_int_equal(fs_fmt_parse_long_name(name, sb.len, &ln), -EINVAL);
	memcpy(name, sb.buf, sb.len + 1);
	name[210] = '~';
	assert_int_equal(fs_fmt_parse_long_name(name, sb.len, &ln), -EINVAL);
	assert_int_equal(fs_fmt_parse_long_name("", 0, &ln), -EINVAL);
	assert_int_equal(fs_fmt_parse_long_name("00~0", 4, &ln), -EINVAL);
	eb_strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int_size),
		cmocka_unit_test(test_render_unsigned),
		cmocka_unit_test(test_render_signed),
		cmocka_unit_test(test_render_hex),
		cmocka_unit_test(test_int_value),
		cmocka_unit_test(test_parse_unsigned),
		cmocka_unit_test(test_parse_unsigned_malformed),
		cmocka_unit_test(test_parse_signed),
		cmocka_unit_test(test_parse_hex),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_render_percpu),
		cmocka_unit_test(test_parse_percpu),
		cmocka_unit_test(test_sort_names),
		cmocka_unit_test(test_sort_names_many),
		cmocka_unit_test(test_sort_refs),
		cmocka_unit_test(test_fnv1a64),
		cmocka_unit_test(test_key_is_long),
		cmocka_unit_test(test_render_key),
		cmocka_unit_test(test_parse_long_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
