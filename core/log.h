/* SPDX-License-Identifier: MIT */
/*
 * log.h - the core's one logging channel.
 *
 * Every message the core emits goes through eb_log(), tagged with a
 * subsystem prefix ("elf", "btf", "sys", ...).  Front ends route them with
 * eb_set_print(): the daemon sends them to syslog, the CLI to stderr, tests
 * capture them to assert on the text.  The default prints to stderr.
 *
 * Thread safety: the print callback is a single global pointer; set it once
 * before other threads start.
 */
#ifndef EB_LOG_H
#define EB_LOG_H

#include <stdarg.h>

enum eb_log_level {
	EB_LOG_WARN,	/* something failed: always printed by default */
	EB_LOG_INFO,	/* something happened worth knowing */
	EB_LOG_DEBUG,	/* tracing; the default printer drops it */
};

/*
 * A print callback receives the level and the formatted message, without a
 * trailing newline, already prefixed with "subsystem: ".
 */
typedef void (*eb_print_fn)(enum eb_log_level level, const char *msg);

/* Set the callback; NULL restores the default (stderr, WARN and INFO).
 * Returns the previous callback. */
eb_print_fn eb_set_print(eb_print_fn fn);

/* Format and emit one message: "SUBSYS: FMT" */
void eb_log(enum eb_log_level level, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define eb_warn(subsys, ...)  eb_log(EB_LOG_WARN, subsys, __VA_ARGS__)
#define eb_info(subsys, ...)  eb_log(EB_LOG_INFO, subsys, __VA_ARGS__)
#define eb_debug(subsys, ...) eb_log(EB_LOG_DEBUG, subsys, __VA_ARGS__)

#endif
