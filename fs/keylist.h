/* SPDX-License-Identifier: MIT */
/*
 * keylist.h - a map's key names, sorted byte-wise, for listing a map
 * directory (mapfiles.c).
 *
 * fs_keylist_load() reads every key with batch lookups, renders the names
 * (fmt.h) and sorts them.  A big map is read by several threads at once:
 * each walk remembers its batch cursors (struct fs_key_splits, one per
 * map), and the next listing starts one thread at each cursor that split
 * the last walk into equal parts.  A thread stops where the next one
 * started, so the parts together read what one walk would; when the map
 * changed so much that a thread does not meet that cursor, it reads on to
 * the end and the threads after it are ignored (correct, just not
 * faster).  Each thread sorts its part; the parts are merged.
 */
#ifndef EBPFS_KEYLIST_H
#define EBPFS_KEYLIST_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"
#include "map.h"
#include "strbuf.h"

#define FS_KEYLIST_MAX_SHARDS	4

/* Where the last walk of a map was split (cursors are the kernel's
 * opaque batch cursors, compared only for equality). */
struct fs_key_splits {
	pthread_mutex_t lock;
	uint8_t *cur;		/* n cursors, size bytes each */
	size_t size;
	unsigned int n;
};

void fs_key_splits_init(struct fs_key_splits *s);
void fs_key_splits_fini(struct fs_key_splits *s);

struct fs_keylist_req {
	const struct eb_map *map;
	enum fs_fmt key_fmt;
	uint32_t chunk;			/* entries per batch lookup */
	size_t max;			/* more keys than this: -E2BIG */
	unsigned int shards;		/* threads to use at most (1 ..
					 * FS_KEYLIST_MAX_SHARDS) */
	struct fs_key_splits *splits;	/* read and updated */
};

struct fs_keylist {
	struct eb_strbuf names;		/* "name\0name\0..." */
	uint32_t *off;			/* off[i]: the i-th name, sorted */
	size_t n;
	unsigned int shards;		/* threads the last load used */
};

/* The number of shards worth using on this machine: online CPUs, at
 * most FS_KEYLIST_MAX_SHARDS. */
unsigned int fs_keylist_shards(void);

/* Replace l's names with every key of r->map, sorted.  0, -E2BIG (more
 * than r->max keys), -ENOMEM or the batch lookup's -errno; on failure
 * l is empty. */
int fs_keylist_load(struct fs_keylist *l, const struct fs_keylist_req *r);

/* Free l's memory; l is empty afterwards and may be loaded again. */
void fs_keylist_release(struct fs_keylist *l);

#endif
