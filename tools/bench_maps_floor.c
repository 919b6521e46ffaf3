// SPDX-License-Identifier: MIT
/*
 * bench_maps_floor.c - the floor of tools/bench_maps.sh: what a program
 * that calls bpf(2) directly (through core/syscall.h) needs to do what the
 * mount does for a u32 -> u64 map.
 *
 *   bench_maps_floor fill ID N      put keys 0..N-1 into map ID, value of
 *                                   key k = k * 2654435761 (batch updates)
 *   bench_maps_floor dump ID        every entry as "KEY VALUE\n" on stdout
 *                                   (batch lookups of 4096 entries, decimal
 *                                   text built in a strbuf without printf,
 *                                   as the daemon does, written once per
 *                                   batch)
 *   bench_maps_floor keys ID        every key as "KEY\n" (the same walk)
 *   bench_maps_floor lookup ID KEY  one lookup, "VALUE\n"
 *
 * Exit status 0, or 1 with a message on stderr.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "syscall.h"
#include "util.h"

#define FLOOR_BATCH 4096u

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* Decimal digits of v appended to sb, without printf (the daemon renders
 * keys and values the same way, see fs/fmt.c). */
static void add_u64(struct eb_strbuf *sb, uint64_t v)
{
	char digits[20], *p = digits + sizeof(digits);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	eb_strbuf_add(sb, p, (size_t)(digits + sizeof(digits) - p));
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int do_fill(int fd, uint32_t n)
{
	uint32_t *keys = eb_calloc(FLOOR_BATCH, sizeof(*keys));
	uint64_t *vals = eb_calloc(FLOOR_BATCH, sizeof(*vals));
	uint32_t done = 0, i, cnt;
	int ret = 0;

	if (!keys || !vals) {
		ret = -ENOMEM;
		goto out;
	}
	while (done < n) {
		cnt = EB_MIN(FLOOR_BATCH, n - done);
		for (i = 0; i < cnt; i++) {
			keys[i] = done + i;
			vals[i] = (uint64_t)(done + i) * 2654435761u;
		}
		ret = eb_sys_map_update_batch(fd, keys, vals, &cnt, 0);
		if (ret)
			goto out;
		done += cnt;
	}
out:
	free(keys);
	free(vals);
	return ret;
}

static int do_dump(int fd, bool with_values)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	uint32_t *keys = eb_calloc(FLOOR_BATCH, sizeof(*keys));
	uint64_t *vals = eb_calloc(FLOOR_BATCH, sizeof(*vals));
	uint64_t in = 0, out = 0;
	bool started = false;
	uint32_t cnt, i;
	int ret = 0, werr;

	if (!keys || !vals) {
		ret = -ENOMEM;
		goto out;
	}
	for (;;) {
		cnt = FLOOR_BATCH;
		ret = eb_sys_map_lookup_batch(fd, started ? &in : NULL, &out, keys,
					      vals, &cnt, 0);
		if (ret && ret != -ENOENT)
			goto out;
		eb_strbuf_reset(&sb);
		for (i = 0; i < cnt; i++) {
			add_u64(&sb, keys[i]);
			if (with_values) {
				eb_strbuf_addch(&sb, ' ');
				add_u64(&sb, vals[i]);
			}
			eb_strbuf_addch(&sb, '\n');
		}
		if (eb_strbuf_error(&sb)) {
			ret = -ENOMEM;
			goto out;
		}
		if (sb.len && (werr = write_all(1, sb.buf, sb.len)) < 0) {
			ret = werr;
			goto out;
		}
		if (ret == -ENOENT || !cnt) {
			ret = 0;
			break;
		}
		in = out;
		started = true;
	}
out:
	eb_strbuf_release(&sb);
	free(keys);
	free(vals);
	return ret;
}

static int do_lookup(int fd, uint32_t key)
{
	uint64_t val;
	int ret;

	ret = eb_sys_map_lookup_elem(fd, &key, &val, 0);
	if (ret)
		return ret;
	printf("%" PRIu64 "\n", val);
	return fflush(stdout) ? -errno : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_maps_floor fill ID N | dump ID | keys ID | lookup ID KEY\n");
}

int main(int argc, char **argv)
{
	uint32_t id, arg = 0;
	int fd, ret;

	if (argc < 3 || parse_u32(argv[2], &id) ||
	    ((!strcmp(argv[1], "fill") || !strcmp(argv[1], "lookup")) &&
	     (argc != 4 || parse_u32(argv[3], &arg)))) {
		usage();
		return 1;
	}
	fd = eb_sys_map_get_fd_by_id(id);
	if (fd < 0) {
		fprintf(stderr, "bench_maps_floor: map id %u: %s\n", id, strerror(-fd));
		return 1;
	}
	if (!strcmp(argv[1], "fill")) {
		ret = do_fill(fd, arg);
	} else if (!strcmp(argv[1], "dump")) {
		ret = do_dump(fd, true);
	} else if (!strcmp(argv[1], "keys")) {
		ret = do_dump(fd, false);
	} else if (!strcmp(argv[1], "lookup")) {
		ret = do_lookup(fd, arg);
	} else {
		usage();
		ret = -EINVAL;
	}
	close(fd);
	if (ret) {
		fprintf(stderr, "bench_maps_floor: %s map id %u: %s\n", argv[1], id,
			strerror(-ret));
		return 1;
	}
	return 0;
}
