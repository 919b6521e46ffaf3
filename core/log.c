/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "strbuf.h"

static void default_print(enum eb_log_level level, const char *msg)
{
	if (level == EB_LOG_DEBUG)
		return;
	fprintf(stderr, "%s\n", msg);
}

static eb_print_fn print_fn = default_print;

eb_print_fn eb_set_print(eb_print_fn fn)
{
	eb_print_fn old = print_fn;

	print_fn = fn ? fn : default_print;
	return old;
}

void eb_log(enum eb_log_level level, const char *subsys, const char *fmt, ...)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	va_list ap;

	eb_strbuf_addf(&sb, "%s: ", subsys);
	va_start(ap, fmt);
	eb_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	print_fn(level, sb.len ? sb.buf : "(out of memory)");
	eb_strbuf_release(&sb);
}
