/* SPDX-License-Identifier: MIT */
/*
 * util.h - small helpers every core module uses.
 */
#ifndef EB_UTIL_H
#define EB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define EB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define EB_ROUND_UP(x, y) ((((x) + (y) - 1) / (y)) * (y))
#define EB_MIN(a, b) ((a) < (b) ? (a) : (b))
#define EB_MAX(a, b) ((a) > (b) ? (a) : (b))

/* free() and set to NULL: a second zfree of the same pointer is harmless. */
#define eb_zfree(pp) do { free(*(pp)); *(pp) = NULL; } while (0)

/* close() a non-negative fd and set it to -1. */
static inline void eb_zclose(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* calloc that refuses overflowing products (returns NULL). */
void *eb_calloc(size_t n, size_t size);
/* reallocarray that keeps the old block on failure (returns NULL). */
void *eb_reallocarray(void *p, size_t n, size_t size);

/*
 * Number of possible CPUs (from /sys/devices/system/cpu/possible), cached
 * after the first call.  This is the count the kernel uses to size per-CPU
 * map values.  Returns the count (>= 1) or -errno.
 */
int eb_possible_cpus(void);

/* Parse a CPU list such as "0-3,5,7-8" and return the number of CPUs in
 * it, or -EINVAL.  Exposed for tests. */
int eb_parse_cpu_list(const char *s);

/* Read a whole file into a malloc'd buffer (NUL-terminated, *size excludes
 * the NUL).  Returns 0 or -errno.  The caller frees *data. */
int eb_read_file(const char *path, void **data, size_t *size);

#endif
