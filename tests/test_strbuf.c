/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"
#include "strbuf.h"
#include "testutil.h"
#include "util.h"

static void test_strbuf_append(void **state)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	char *s;
	size_t len;

	(void)state;
	assert_string_equal(sb.buf, "");
	eb_strbuf_adds(&sb, "id: ");
	eb_strbuf_addf(&sb, "%u", 42u);
	eb_strbuf_addch(&sb, '\n');
	eb_strbuf_addhex(&sb, "\x0a\xff", 2);
	assert_string_equal(sb.buf, "id: 42\n0aff");
	assert_int_equal(sb.len, 11);
	assert_int_equal(eb_strbuf_error(&sb), 0);
	s = eb_strbuf_detach(&sb, &len);
	assert_int_equal(len, 11);
	assert_string_equal(s, "id: 42\n0aff");
	assert_string_equal(sb.buf, "");
	free(s);
	eb_strbuf_release(&sb);
}

static void test_strbuf_grows_past_initial(void **state)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	int i;

	(void)state;
	for (i = 0; i < 10000; i++)
		eb_strbuf_addf(&sb, "%04d", i % 10000);
	assert_int_equal(sb.len, 40000);
	assert_memory_equal(sb.buf + 39996, "9999", 4);
	assert_int_equal(sb.buf[40000], '\0');
	eb_strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	eb_strbuf_release(&sb);
}

static void test_cpu_list(void **state)
{
	(void)state;
	assert_int_equal(eb_parse_cpu_list("0"), 1);
	assert_int_equal(eb_parse_cpu_list("0-3\n"), 4);
	assert_int_equal(eb_parse_cpu_list("0-3,5,7-8"), 7);
	assert_int_equal(eb_parse_cpu_list(""), -EINVAL);
	assert_int_equal(eb_parse_cpu_list("3-1"), -EINVAL);
	assert_int_equal(eb_parse_cpu_list("a"), -EINVAL);
	assert_int_equal(eb_parse_cpu_list("0,,1"), -EINVAL);
	assert_true(eb_possible_cpus() >= 1);
}

static void test_log_callback(void **state)
{
	eb_print_fn old;

	(void)state;
	old = tu_log_capture(TU_LOG_ALL);
	eb_warn("elf", "section %s: bad index %d", ".maps", 7);
	assert_string_equal(tu_log_last(), "elf: section .maps: bad index 7");
	assert_int_equal(tu_log_last_level(), EB_LOG_WARN);
	assert_ptr_equal(eb_set_print(old), tu_log_print);
	tu_log_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_append),
		cmocka_unit_test(test_strbuf_grows_past_initial),
		cmocka_unit_test(test_cpu_list),
		cmocka_unit_test(test_log_callback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
