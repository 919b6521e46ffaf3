// SPDX-License-Identifier: MIT
/*
 * store.c - keep an object's bytes in the kernel, next to its pins.
 *
 * A bpffs holds only pins, so the bytes of an object written to progs/
 * (and the verifier logs of its programs) go into a BPF array map that is
 * pinned at P/objs/OBJ/%image: they live exactly as long as the object's
 * pins do.  Layout: entries of FS_STORE_CHUNK bytes holding
 *	"EBPFSIMG" | u64 image_len | u64 logs_len | image | logs
 * and the map is frozen once written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "map.h"
#include "objects.h"
#include "syscall.h"
#include "util.h"

#define FS_STORE_CHUNK	16384u
#define FS_STORE_MAGIC	"EBPFSIMG"
#define FS_STORE_HDR	24u

/*
 * Chunk i of the blob header | image | logs, into buf (FS_STORE_CHUNK
 * bytes, zero-padded).  Built one chunk at a time: a big object costs no
 * second copy of itself.
 */
static void store_chunk(uint8_t *buf, uint32_t i, const uint8_t *hdr,
			const void *image, size_t image_len,
			const void *logs, size_t logs_len)
{
	const struct {
		const void *p;
		size_t len;
	} part[] = {
		{ hdr, FS_STORE_HDR }, { image, image_len }, { logs, logs_len },
	};
	size_t lo = (size_t)i * FS_STORE_CHUNK, hi = lo + FS_STORE_CHUNK, at = 0, k;

	memset(buf, 0, FS_STORE_CHUNK);
	for (k = 0; k < EB_ARRAY_SIZE(part); k++) {
		size_t from = EB_MAX(at, lo), to = EB_MIN(at + part[k].len, hi);

		if (from < to)
			memcpy(buf + (from - lo), (const uint8_t *)part[k].p + (from - at),
			       to - from);
		at += part[k].len;
	}
}

int fs_store_save(const char *path, const void *image, size_t image_len,
		  const void *logs, size_t logs_len)
{
	struct eb_map_create_opts o = { 0 };
	size_t total = FS_STORE_HDR + image_len + logs_len;
	uint64_t lens[2] = { image_len, logs_len };
	uint8_t hdr[FS_STORE_HDR], *buf;
	uint32_t i, n;
	int fd, ret = 0;

	if (!path)
		return -ENOMEM;
	n = (uint32_t)((total + FS_STORE_CHUNK - 1) / FS_STORE_CHUNK);
	buf = malloc(FS_STORE_CHUNK);
	if (!buf)
		return -ENOMEM;
	memcpy(hdr, FS_STORE_MAGIC, 8);
	memcpy(hdr + 8, lens, sizeof(lens));

	o.type = BPF_MAP_TYPE_ARRAY;
	o.name = "ebpfs_image";
	o.key_size = 4;
	o.value_size = FS_STORE_CHUNK;
	o.max_entries = n;
	/* the bare syscalls: the map is ours, no need to ask the kernel
	 * what it is (eb_map_create() would: readlink + OBJ_GET_INFO) */
	fd = eb_sys_map_create(&o);
	if (fd < 0) {
		ret = fd;
		eb_warn("store", "%s: create map: %s", path, eb_strerror(ret));
		goto out;
	}
	for (i = 0; i < n && !ret; i++) {
		store_chunk(buf, i, hdr, image, image_len, logs, logs_len);
		ret = eb_sys_map_update_elem(fd, &i, buf, BPF_ANY);
	}
	if (!ret)
		ret = eb_sys_map_freeze(fd);
	if (ret) {
		eb_warn("store", "%s: write map: %s", path, eb_strerror(ret));
		goto out;
	}
	ret = fs_pin_replace(fd, path);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

int fs_store_load(const char *path, void **image, size_t *image_len,
		  void **logs, size_t *logs_len)
{
	struct eb_map m = EB_MAP_INIT;
	uint64_t lens[2];
	uint8_t *blob = NULL;
	size_t total;
	uint32_t i;
	int ret;

	*image = *logs = NULL;
	if (!path)
		return -ENOMEM;
	ret = eb_map_from_pinned(&m, path);
	if (ret)
		return ret;
	if (m.type != BPF_MAP_TYPE_ARRAY || m.value_size != FS_STORE_CHUNK ||
	    m.key_size != 4 || !m.max_entries) {
		ret = -EINVAL;
		goto bad;
	}
	blob = eb_calloc(m.max_entries, FS_STORE_CHUNK);
	if (!blob) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < m.max_entries && !ret; i++)
		ret = eb_map_lookup(&m, &i, blob + (size_t)i * FS_STORE_CHUNK);
	if (ret)
		goto out;
	memcpy(lens, blob + 8, sizeof(lens));
	total = (size_t)m.max_entries * FS_STORE_CHUNK;
	if (memcmp(blob, FS_STORE_MAGIC, 8) || lens[0] > total || lens[1] > total ||
	    FS_STORE_HDR + lens[0] + lens[1] > total) {
		ret = -EINVAL;
		goto bad;
	}
	*image = malloc(lens[0] ? lens[0] : 1);
	*logs = malloc(lens[1] + 1);
	if (!*image || !*logs) {
		eb_zfree(image);
		eb_zfree(logs);
		ret = -ENOMEM;
		goto out;
	}
	memcpy(*image, blob + FS_STORE_HDR, lens[0]);
	memcpy(*logs, blob + FS_STORE_HDR + lens[0], lens[1]);
	((char *)*logs)[lens[1]] = '\0';
	*image_len = lens[0];
	*logs_len = lens[1];
	goto out;
bad:
	eb_warn("store", "%s: not an ebpfs image map", path);
out:
	free(blob);
	eb_map_close(&m);
	return ret;
}
