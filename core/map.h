/* SPDX-License-Identifier: MIT */
/*
 * map.h - map operations on top of the bpf(2) layer.
 *
 * A map is handled through a small struct eb_map: the fd plus the
 * attributes the kernel reports for it (BPF_OBJ_GET_INFO_BY_FD), so every
 * operation knows its key and value sizes without asking again.
 *
 * Value buffers.  A lookup writes eb_map_value_size() bytes: value_size for
 * ordinary maps; for per-CPU maps one slot per *possible* CPU, each slot
 * EB_ROUND_UP(value_size, 8) bytes (eb_map_percpu_stride()), CPU n at
 * offset n * stride.  Updates read the same layout.
 *
 * Errors are the kernel's, as -errno (see syscall.h): a missing key is
 * -ENOENT, BPF_NOEXIST on a present key -EEXIST, BPF_EXIST on a missing one
 * -ENOENT, a full hash map -E2BIG, a write to a frozen map -EPERM, an
 * empty queue/stack -ENOENT, a full queue/stack (without BPF_EXIST) -E2BIG.
 *
 * Thread safety: an eb_map is read-only after it is opened, so any number
 * of threads may run operations on one concurrently.  An iterator or a
 * dump cursor belongs to one thread at a time.
 */
#ifndef EB_MAP_H
#define EB_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "syscall.h"

#define EB_OBJ_NAME_LEN 16	/* BPF_OBJ_NAME_LEN, NUL included */

struct eb_map {
	int fd;			/* owned by the handle; -1 when closed */
	uint32_t type;		/* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;	/* per element, per CPU */
	uint32_t max_entries;
	uint32_t flags;		/* map_flags */
	uint32_t id;
	uint32_t btf_id;	/* 0: no BTF */
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	char name[EB_OBJ_NAME_LEN];
};

#define EB_MAP_INIT { .fd = -1 }

/* --- opening and closing ---------------------------------------------- */

/*
 * Fill *m from a map fd.  TAKES OWNERSHIP of fd on success (eb_map_close()
 * closes it); on failure fd is left open and still the caller's.  Use
 * dup() first to keep your own fd.  Returns 0, -EINVAL if fd is not a
 * BPF map, or -errno from the kernel.
 */
int eb_map_from_fd(struct eb_map *m, int fd);
/* The same for an fd known to be a map (eb_map_info_by_own_fd()). */
int eb_map_from_own_fd(struct eb_map *m, int fd);
/* Open the map with this id (BPF_MAP_GET_FD_BY_ID).  0 or -errno
 * (-ENOENT: no such id). */
int eb_map_from_id(struct eb_map *m, uint32_t id);
/* Open the map pinned at path (BPF_OBJ_GET).  0 or -errno. */
int eb_map_from_pinned(struct eb_map *m, const char *path);
/* Create a map (BPF_MAP_CREATE) and fill *m.  0 or -errno. */
int eb_map_create(struct eb_map *m, const struct eb_map_create_opts *opts);
/* Close the fd and reset *m to EB_MAP_INIT.  Safe to call twice. */
void eb_map_close(struct eb_map *m);

/* --- sizes -------------------------------------------------------------- */

/* True for the map types whose values are per CPU (percpu hash/array,
 * LRU percpu hash, percpu cgroup storage). */
bool eb_map_type_is_percpu(uint32_t type);
bool eb_map_is_percpu(const struct eb_map *m);
/* True for queue and stack maps (no keys; push/pop/peek). */
bool eb_map_is_queue_like(const struct eb_map *m);
/* Per-CPU slot size: EB_ROUND_UP(value_size, 8). */
size_t eb_map_percpu_stride(const struct eb_map *m);
/* Bytes a lookup writes / an update reads: value_size, or stride times
 * eb_possible_cpus() for per-CPU maps.  Returns the size or -errno if the
 * number of possible CPUs cannot be read. */
ssize_t eb_map_value_size(const struct eb_map *m);

/* --- elements ----------------------------------------------------------- */

/* BPF_MAP_LOOKUP_ELEM.  value: eb_map_value_size() bytes.  0 or -errno. */
int eb_map_lookup(const struct eb_map *m, const void *key, void *value);
/* BPF_MAP_UPDATE_ELEM, flags BPF_ANY / BPF_NOEXIST / BPF_EXIST
 * [| BPF_F_LOCK].  value: eb_map_value_size() bytes.  0 or -errno. */
int eb_map_update(const struct eb_map *m, const void *key, const void *value,
		  uint64_t flags);
/* Update where `value` is ONE value_size value: per-CPU maps get it on
 * every possible CPU, other maps behave as eb_map_update().  0 or -errno
 * (-ENOMEM if the per-CPU buffer cannot be allocated). */
int eb_map_update_all_cpus(const struct eb_map *m, const void *key,
			   const void *value, uint64_t flags);
/* BPF_MAP_DELETE_ELEM.  0 or -errno (-ENOENT: no such key; -EINVAL on
 * array maps, whose elements cannot be deleted). */
int eb_map_delete(const struct eb_map *m, const void *key);
/* BPF_MAP_LOOKUP_AND_DELETE_ELEM on a keyed map (hash types, Linux 5.14+). */
int eb_map_lookup_and_delete(const struct eb_map *m, const void *key, void *value);
/* BPF_MAP_GET_NEXT_KEY: the key after `key` (NULL: the first key) into
 * next_key (key_size bytes).  -ENOENT after the last key.  NOTE: on hash
 * maps a `key` that is no longer in the map yields the FIRST key again;
 * use the iterator below to walk a map that may change. */
int eb_map_next_key(const struct eb_map *m, const void *key, void *next_key);

/* --- queue / stack ----------------------------------------------------- */

/* Push (update with a NULL key).  flags: BPF_ANY, or BPF_EXIST to drop the
 * oldest element when full.  -E2BIG when full without BPF_EXIST. */
int eb_map_push(const struct eb_map *m, const void *value, uint64_t flags);
/* Pop (lookup-and-delete with a NULL key) / peek (lookup with a NULL key):
 * value_size bytes into value.  -ENOENT when empty. */
int eb_map_pop(const struct eb_map *m, void *value);
int eb_map_peek(const struct eb_map *m, void *value);

/* BPF_MAP_FREEZE: make the map read-only for user space from now on;
 * later updates and deletes through bpf(2) fail with -EPERM. */
int eb_map_freeze(const struct eb_map *m);
/* Whether user space may no longer change the map: frozen (the
 * "frozen:" line of /proc/self/fdinfo/FD) or created BPF_F_RDONLY.
 * 1, 0 or -errno (-ENOENT: no such line, a kernel without freezing). */
int eb_map_is_readonly(const struct eb_map *m);

/* --- iteration ----------------------------------------------------------- */

/*
 * An iterator over the keys (and optionally values) of a live map.
 *
 * Guarantee, also while other threads or BPF programs insert and delete:
 *   - no key is returned twice by one walk;
 *   - every key present in the map from eb_map_iter_init() until the walk
 *     ends is returned exactly once; a key inserted or deleted meanwhile
 *     is returned at most once;
 *   - the walk ends (returns 0) after a finite number of calls when the
 *     map stops changing; under endless churn it gives up with -EAGAIN
 *     after EB_MAP_ITER_MAX_RESTARTS restarts instead of running forever.
 *
 * How: on hash maps BPF_MAP_GET_NEXT_KEY on a key that was deleted
 * meanwhile restarts at the first key.  The iterator remembers every key
 * it returned (an open-addressing hash set of key bytes: memory grows with
 * the number of keys returned, about 2 * key_size per key) and silently
 * skips remembered keys, so a restart only costs the syscalls of walking
 * past them.  Maps indexed by a u32 (arrays and the other array-like
 * types) never restart and keep no set.
 *
 * When a value buffer is passed, the value is looked up as the key is
 * returned; a key deleted between next_key and lookup is skipped (it is
 * gone, so it is not "present for the whole walk").
 */
#define EB_MAP_ITER_MAX_RESTARTS 1024

struct eb_map_iter {
	const struct eb_map *map;	/* borrowed; must outlive the iterator */
	void *cur;			/* key_size bytes: last key seen */
	bool started;
	bool done;
	bool track;			/* keeps a visited set */
	int err;			/* sticky error, 0 if none */
	unsigned int restarts;
	/* visited set */
	uint8_t *set;			/* slots * (1 + key_size) bytes */
	size_t set_slots;
	size_t set_used;
};

/* Start a walk.  0, -EINVAL for maps without keys (queue, stack, ring
 * buffer, ...), -ENOMEM. */
int eb_map_iter_init(struct eb_map_iter *it, const struct eb_map *m);
/*
 * Next key into key (key_size bytes) and, if value is not NULL, its value
 * (eb_map_value_size() bytes).  Returns 1 when an entry was returned, 0 at
 * the end, -errno on failure (-EAGAIN: too many restarts, see above).
 * After 0 or an error every further call returns the same.
 */
int eb_map_iter_next(struct eb_map_iter *it, void *key, void *value);
/* Number of restarts seen (concurrent deletes of the current key). */
unsigned int eb_map_iter_restarts(const struct eb_map_iter *it);
/* Free the iterator's memory.  Safe to call twice. */
void eb_map_iter_release(struct eb_map_iter *it);

/* --- batched dump -------------------------------------------------------- */

/*
 * A chunked dump of keys and values, for streaming a map to a reader
 * without holding all of it: call eb_map_dump_next() repeatedly, each call
 * returns up to `chunk` entries in buffers the cursor owns (valid until the
 * next call or release).
 *
 * Uses BPF_MAP_LOOKUP_BATCH where the kernel supports it for the map type
 * (hash maps are read one bucket at a time, so an entry is returned at
 * most once even under concurrent updates); when the first batch call
 * fails with -EINVAL / -EOPNOTSUPP / -ENOTSUPP the cursor falls back to an
 * eb_map_iter walk plus lookups, with the same at-most-once guarantee.
 * A hash bucket bigger than `chunk` makes the cursor grow its buffers.
 */
enum eb_map_dump_flags {
	EB_MAP_DUMP_NO_BATCH = 1 << 0,	/* always use the fallback walk */
};

struct eb_map_dump {
	const struct eb_map *map;	/* borrowed */
	uint32_t chunk;			/* entries per call (capacity) */
	uint32_t flags;
	bool started, done, fallback;
	size_t vsize;			/* eb_map_value_size() */
	void *in_batch, *out_batch;	/* batch cursor, max(key_size, 8) bytes */
	void *keys;			/* chunk * key_size */
	void *values;			/* chunk * vsize */
	struct eb_map_iter it;		/* fallback walk */
};

/* Prepare a dump of m in chunks of `chunk` entries (0: 256).  flags:
 * enum eb_map_dump_flags.  0, -EINVAL (map without keys), -ENOMEM. */
int eb_map_dump_init(struct eb_map_dump *d, const struct eb_map *m,
		     uint32_t chunk, uint32_t flags);
/*
 * The next chunk: *keys points at n keys (key_size bytes each, packed),
 * *values at n values (eb_map_value_size() bytes each, packed).  Returns
 * n > 0, 0 at the end, or -errno.  The buffers belong to the cursor.
 */
int eb_map_dump_next(struct eb_map_dump *d, const void **keys, const void **values);
/*
 * Where the dump stands: *cur points at the batch cursor after the last
 * chunk (valid until the next call), which a later dump of the same map
 * may start from with eb_map_dump_seek().  The cursor's size, or -ENOENT
 * before the first chunk and after the last, -EOPNOTSUPP in the fallback
 * walk (no cursor to hand out).  The bytes are the kernel's and opaque:
 * compare them only for equality.
 */
int eb_map_dump_cursor(const struct eb_map_dump *d, const void **cur);
/*
 * Start a fresh dump (no chunk read yet) at a cursor an earlier dump of
 * the same map handed out: the chunks that follow are the ones a dump
 * that had reached the cursor would read next.  Only for batch-capable
 * maps (the cursor came from a batch walk): no fallback walk follows a
 * failure.  0, -EINVAL (wrong size, dump already started), -errno.
 */
int eb_map_dump_seek(struct eb_map_dump *d, const void *cur, size_t size);
/* True once the fallback walk is in use (for tests and diagnostics). */
bool eb_map_dump_uses_fallback(const struct eb_map_dump *d);
/* Free the cursor's buffers.  Safe to call twice. */
void eb_map_dump_release(struct eb_map_dump *d);

#endif
