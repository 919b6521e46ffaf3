// SPDX-License-Identifier: MIT
/*
 * mapfiles.c - maps/: one directory per map, key files, .info, .dump.
 *
 *   maps/NAME/KEY     read: the value; write: update at close (flush);
 *                     create (touch, >): insert a zero value; rm: delete
 *   maps/NAME/.info   "key: value" lines about the map
 *   maps/NAME/.dump   every entry as "KEY VALUE", streamed in chunks
 *
 * Spellings (fmt.h): integer keys and values in decimal, others as hex
 * bytes.  Per-CPU values: "cpuN: V" lines plus "sum: S" for integers;
 * in .dump "KEY cpu0:V cpu1:V ... sum:S".  Listing a directory and .dump
 * read with batch lookups (eb_map_dump), never one syscall per key.
 *
 * Errors: a value that does not parse or has the wrong size: EINVAL
 * (nothing written), from write() when the text ends in a newline (echo),
 * else from close(); a key name that does not parse or is not in the map:
 * ENOENT on lookup, EINVAL on create; rm in an array: EPERM; writes to
 * maps whose values are fds (prog arrays, maps of maps, perf event
 * arrays, sockmaps ...): EOPNOTSUPP.
 *
 * Long keys.  A key of 128 bytes or more would have a hex name longer
 * than NAME_MAX (255), so its file is named by a fallback (fmt.h):
 *
 *   <first 200 hex digits of the key>~<16 lowercase hex digits: FNV-1a 64>
 *
 * always 217 bytes; the hash (offset basis 0xcbf29ce484222325, prime
 * 0x100000001b3, printed most significant digit first) covers all the
 * key's bytes.  readdir lists that name once per key.  A lookup (cat,
 * echo >, stat, rm) of such a name scans the map with batch lookups for
 * the key with that prefix and hash: ENOENT if there is none, so every
 * access to a long key costs one pass over the map.  Read, write and rm
 * then work as for any key.  A new long key cannot be created through
 * its file: the name does not hold the whole key, so touch / > of a
 * fallback name that is not in the map (or of any other name) fails with
 * EINVAL; long keys are inserted by a BPF program or another bpf(2) user
 * (bpftool map update), and .dump (read-only) shows their full hex keys.
 * Two keys that share the first 100 bytes and the 64-bit hash (only by
 * design: FNV-1a is not collision resistant) would be listed under one
 * name twice, and that name reaches the first one the scan meets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eventfiles.h"
#include "info.h"
#include "keylist.h"
#include "log.h"
#include "map.h"
#include "objects.h"
#include "util.h"

struct fs_map {
	struct fs_backing b;
	char *name;
	struct eb_map m;
	uint32_t pinning;
	enum fs_fmt key_fmt;
	enum fs_fmt val_fmt;
	char **owners;
	unsigned int nowners;
	bool registered;
	struct fs_key_splits splits;	/* where the last listing split */
};

static struct {
	struct fs_map **maps;
	unsigned int n;
} mreg;

/* --- the map objects --------------------------------------------------------- */

static void map_destroy(struct fs_backing *b)
{
	struct fs_map *m = (struct fs_map *)b;
	unsigned int i;

	eb_map_close(&m->m);
	fs_key_splits_fini(&m->splits);
	for (i = 0; i < m->nowners; i++)
		free(m->owners[i]);
	free(m->owners);
	free(m->name);
	free(m);
}

int fs_map_new(const struct fs_map_desc *d, struct fs_map **out)
{
	struct fs_map *m = calloc(1, sizeof(*m));
	int fd, ret;

	if (!m)
		return -ENOMEM;
	fs_backing_init(&m->b, map_destroy);
	fs_key_splits_init(&m->splits);
	m->m.fd = -1;
	m->name = strdup(d->name);
	if (!m->name) {
		ret = -ENOMEM;
		goto err;
	}
	fd = fcntl(d->fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0) {
		ret = -errno;
		goto err;
	}
	ret = d->own ? eb_map_from_own_fd(&m->m, fd) : eb_map_from_fd(&m->m, fd);
	if (ret) {
		close(fd);
		goto err;
	}
	m->pinning = d->pinning;
	m->key_fmt = d->key_fmt;
	m->val_fmt = d->val_fmt;
	*out = m;
	return 0;
err:
	fs_backing_put(&m->b);
	return ret;
}

struct fs_map *fs_map_get(struct fs_map *m)
{
	fs_backing_get(m ? &m->b : NULL);
	return m;
}

void fs_map_put(struct fs_map *m)
{
	if (m)
		fs_backing_put(&m->b);
}

struct fs_map *fs_map_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < mreg.n; i++)
		if (!strcmp(mreg.maps[i]->name, name))
			return mreg.maps[i];
	return NULL;
}

struct fs_backing *fs_map_backing(struct fs_map *m)
{
	return &m->b;
}

const char *fs_map_name(const struct fs_map *m)
{
	return m->name;
}

uint32_t fs_map_pinning(const struct fs_map *m)
{
	return m->pinning;
}

int fs_map_fd(const struct fs_map *m)
{
	return m->m.fd;
}

int fs_map_add_owner(struct fs_map *m, const char *obj)
{
	unsigned int i;
	char **a, *s;

	for (i = 0; i < m->nowners; i++)
		if (!strcmp(m->owners[i], obj))
			return 0;
	s = strdup(obj);
	a = s ? eb_reallocarray(m->owners, m->nowners + 1, sizeof(*a)) : NULL;
	if (!a) {
		free(s);
		return -ENOMEM;
	}
	a[m->nowners++] = s;
	m->owners = a;
	return 0;
}

unsigned int fs_map_del_owner(struct fs_map *m, const char *obj)
{
	unsigned int i;

	for (i = 0; i < m->nowners; i++) {
		if (!strcmp(m->owners[i], obj)) {
			free(m->owners[i]);
			memmove(m->owners + i, m->owners + i + 1,
				(m->nowners - i - 1) * sizeof(*m->owners));
			m->nowners--;
			break;
		}
	}
	return m->nowners;
}

unsigned int fs_map_owner_cnt(const struct fs_map *m)
{
	return m->nowners;
}

const char *fs_map_owner(const struct fs_map *m, unsigned int i)
{
	return i < m->nowners ? m->owners[i] : NULL;
}

int fs_map_register(struct fs_map *m)
{
	struct fs_map **a = eb_reallocarray(mreg.maps, mreg.n + 1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a[mreg.n++] = fs_map_get(m);
	mreg.maps = a;
	m->registered = true;
	return 0;
}

void fs_map_unregister(struct fs_map *m)
{
	unsigned int i;

	for (i = 0; i < mreg.n; i++) {
		if (mreg.maps[i] == m) {
			memmove(mreg.maps + i, mreg.maps + i + 1,
				(mreg.n - i - 1) * sizeof(*mreg.maps));
			mreg.n--;
			m->registered = false;
			m->b.gone = true;
			eb_map_close(&m->m);
			fs_map_put(m);
			return;
		}
	}
}

void fs_maps_fini(void)
{
	unsigned int i;

	for (i = 0; i < mreg.n; i++) {
		mreg.maps[i]->registered = false;
		fs_map_put(mreg.maps[i]);
	}
	eb_zfree(&mreg.maps);
	mreg.n = 0;
}

/* --- helpers ------------------------------------------------------------------ */

static struct fs_map *node_map(const struct fs_node *n)
{
	return (struct fs_map *)n->backing;
}

static bool has_keys(const struct fs_map *m)
{
	return m->m.key_size > 0 && !eb_map_is_queue_like(&m->m) &&
	       m->m.type != BPF_MAP_TYPE_RINGBUF;
}

static bool is_array(const struct fs_map *m)
{
	return m->m.type == BPF_MAP_TYPE_ARRAY || m->m.type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* Map types whose values user space writes as fds. */
static bool fd_valued(const struct fs_map *m)
{
	switch (m->m.type) {
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH:
	case BPF_MAP_TYPE_XSKMAP:
	case BPF_MAP_TYPE_REUSEPORT_SOCKARRAY:
		return true;
	default:
		return false;
	}
}

static bool long_keys(const struct fs_map *m)
{
	return fs_fmt_key_is_long(m->key_fmt, m->m.key_size);
}

static uint32_t dump_chunk(const struct fs_map *m);

/*
 * The long key a fallback name stands for: scan the map with batch
 * lookups for the key with the name's prefix and hash.  0 (key filled),
 * -EINVAL (not a fallback name), -ENOENT (no such key in the map) or
 * -errno.
 */
static int find_long_key(const struct fs_map *m, const char *name, void *key)
{
	size_t ks = m->m.key_size;
	struct fs_fmt_long_name ln;
	struct eb_map_dump d;
	const uint8_t *keys;
	const void *vals;
	int cnt = 0, i, ret;

	if (fs_fmt_parse_long_name(name, strlen(name), &ln))
		return -EINVAL;
	ret = eb_map_dump_init(&d, &m->m, dump_chunk(m), 0);
	if (ret)
		return ret;
	ret = -ENOENT;
	while (ret == -ENOENT &&
	       (cnt = eb_map_dump_next(&d, (const void **)&keys, &vals)) > 0) {
		for (i = 0; i < cnt; i++) {
			if (fs_fmt_long_name_matches(&ln, keys + (size_t)i * ks, ks)) {
				memcpy(key, keys + (size_t)i * ks, ks);
				ret = 0;
				break;
			}
		}
	}
	if (cnt < 0)
		ret = cnt;
	eb_map_dump_release(&d);
	return ret;
}

/* Parse a key file name into key (key_size bytes).  0 or -EINVAL; for
 * long keys find_long_key()'s answers. */
static int parse_key(const struct fs_map *m, const char *name, void *key)
{
	if (!has_keys(m))
		return -EINVAL;
	if (long_keys(m))
		return find_long_key(m, name, key);
	return fs_fmt_parse(m->key_fmt, name, strlen(name), key, m->m.key_size);
}

/* Append the spelling of one value (per-CPU: lines, or one line). */
static void render_value(const struct fs_map *m, const void *val, bool oneline,
			 struct eb_strbuf *out)
{
	if (eb_map_is_percpu(&m->m)) {
		int ncpu = eb_possible_cpus();

		fs_fmt_render_percpu(m->val_fmt, val, m->m.value_size,
				     eb_map_percpu_stride(&m->m),
				     ncpu > 0 ? (unsigned int)ncpu : 1, oneline, out);
		return;
	}
	if (oneline)
		eb_strbuf_addch(out, ' ');
	fs_fmt_render(m->val_fmt, val, m->m.value_size, out);
	if (!oneline)
		eb_strbuf_addch(out, '\n');
}

/* The size of a key file holding val: its rendered text. */
static off_t value_text_size(const struct fs_map *m, const void *val)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	off_t size;

	render_value(m, val, false, &sb);
	size = (off_t)sb.len;
	eb_strbuf_release(&sb);
	return size;
}

/* Look a key up: *val is allocated (caller frees).  0 or -errno. */
static int lookup_value(const struct fs_map *m, const void *key, void **val)
{
	ssize_t vs = eb_map_value_size(&m->m);
	int ret;

	*val = NULL;
	if (vs < 0)
		return (int)vs;
	*val = calloc(1, vs ? (size_t)vs : 1);
	if (!*val)
		return -ENOMEM;
	ret = eb_map_lookup(&m->m, key, *val);
	if (ret)
		eb_zfree(val);
	return ret;
}

/* --- maps/ -------------------------------------------------------------------- */

static const struct fs_node_ops map_dir_ops;
static const struct fs_node_ops map_info_ops;
static const struct fs_node_ops map_dump_ops;
static const struct fs_node_ops key_ops;

static int maps_lookup(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	struct fs_map *m = fs_map_find(name);

	if (!m)
		return -ENOENT;
	out->ops = &map_dir_ops;
	out->backing = fs_backing_get(&m->b);
	return 0;
}

static int maps_readdir(struct fs_node *dir, struct fs_handle *dh, uint64_t pos,
			fs_emit_fn emit, void *ctx)
{
	int n = 0;

	for (; pos < mreg.n; pos++, n++)
		if (emit(ctx, mreg.maps[pos]->name, S_IFDIR, 0))
			break;
	return n;
}

const struct fs_node_ops fs_maps_dir_ops = {
	.kind = "maps",
	.mode = S_IFDIR | 0755,
	.cache_negative = true,
	.lookup = maps_lookup,
	.readdir = maps_readdir,
};

/* --- maps/NAME/ ------------------------------------------------------------------ */

static int map_dir_lookup(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	struct fs_map *m = node_map(dir);
	void *key, *val;
	int ret;

	if (!strcmp(name, ".info") ||
	    (!strcmp(name, ".dump") && !fs_events_map_type(m->m.type))) {
		out->ops = name[1] == 'i' ? &map_info_ops : &map_dump_ops;
		out->backing = fs_backing_get(&m->b);
		return 0;
	}
	if (fs_events_map_type(m->m.type)) {	/* events files, no keys */
		out->ops = fs_events_entry(m->m.type, name);
		if (!out->ops)
			return -ENOENT;
		out->backing = fs_backing_get(&m->b);
		return 0;
	}
	if (!has_keys(m))
		return -ENOENT;
	key = malloc(m->m.key_size);
	if (!key)
		return -ENOMEM;
	ret = parse_key(m, name, key);
	if (ret) {
		free(key);
		return ret == -EINVAL ? -ENOENT : ret;
	}
	ret = lookup_value(m, key, &val);
	if (ret) {
		free(key);
		return ret == -ENOENT ? -ENOENT : ret;
	}
	/* what key_getattr would say, without a second lookup */
	out->size = value_text_size(m, val);
	clock_gettime(CLOCK_REALTIME, &out->mtime);
	out->attr_known = true;
	free(val);
	out->ops = &key_ops;
	out->backing = fs_backing_get(&m->b);
	out->data = key;	/* handed over to the node table */
	out->data_len = m->m.key_size;
	return 0;
}

/*
 * Listing a map directory: positions 0 and 1 are .info and .dump, keys
 * follow.  The open directory handle keeps a struct key_listing.
 *
 * Sorted snapshot (every map whose listing fits in FS_LIST_MAX bytes,
 * judged from max_entries by list_fits()): a readdir from position 0
 * (the first one of an open directory, and after rewinddir) reads every
 * key with batch lookups, renders the names and sorts them byte-wise
 * (keylist.h: from a map's second listing on, one thread per CPU reads
 * a part of it); the readdirs that follow hand out that snapshot.  So
 * each key is listed exactly once even while the map
 * changes, offsets stay valid for seekdir, and the names come in ls's
 * order, which makes ls's own sort of 100,000 names several times
 * cheaper.  Keys inserted or deleted after the snapshot show from the
 * next rewind on (lookups are always live).
 *
 * Streamed (bigger maps, or one that outgrows the limit while it is
 * read): a cursor over a batched dump, names rendered as they are
 * handed out, in the kernel's order; a position before the cursor
 * restarts the dump.
 */
#define FS_LIST_MAX	(64u << 20)

struct key_cursor {
	struct eb_map_dump d;
	bool active;
	const uint8_t *keys;
	int n, i;
	uint64_t pos;		/* position of keys[i] */
	bool done;
};

struct key_listing {
	bool sorted;		/* the snapshot is in use */
	struct fs_keylist list;	/* the snapshot */
	struct key_cursor c;	/* streamed listing */
};

static void key_listing_free(void *p)
{
	struct key_listing *l = p;

	if (l->c.active)
		eb_map_dump_release(&l->c.d);
	fs_keylist_release(&l->list);
	free(l);
}

/*
 * Entries per batch lookup when listing or dumping: about 256 KiB of keys
 * and values per bpf(2) call, between 256 and 4096 entries (a 100,000-key
 * u32 -> u64 map is read in 25 calls instead of 391).
 */
static uint32_t dump_chunk(const struct fs_map *m)
{
	ssize_t vs = eb_map_value_size(&m->m);
	size_t per = (size_t)m->m.key_size + (vs > 0 ? (size_t)vs : 0);
	size_t n = per ? (256u << 10) / per : 4096;

	return (uint32_t)EB_MIN(EB_MAX(n, (size_t)256), (size_t)4096);
}

/* Bytes a key's listing costs at most: its longest name, the NUL, its
 * offset and, while the listing is read, two sort records (keylist.c). */
static size_t list_entry_cost(const struct fs_map *m)
{
	static const size_t digits[9] = { 0, 3, 5, 0, 10, 0, 0, 0, 20 };
	size_t ks = m->m.key_size, name;

	if (long_keys(m))
		name = FS_FMT_LONG_NAME_LEN;
	else if (m->key_fmt == FS_FMT_HEX || !fs_fmt_int_size(ks))
		name = 2 * ks;
	else
		name = digits[ks] + (m->key_fmt == FS_FMT_SINT);
	return name + 1 + sizeof(uint32_t) + 2 * sizeof(struct fs_fmt_name_ref);
}

static bool list_fits(const struct fs_map *m)
{
	return (uint64_t)m->m.max_entries * list_entry_cost(m) <= FS_LIST_MAX;
}

/* Read every key into a sorted snapshot.  0, -E2BIG when the listing
 * outgrows FS_LIST_MAX (maps whose max_entries does not bound them),
 * or -errno. */
static int key_list_load(struct key_listing *l, struct fs_map *m)
{
	struct fs_keylist_req r = {
		.map = &m->m,
		.key_fmt = m->key_fmt,
		.chunk = dump_chunk(m),
		.max = FS_LIST_MAX / list_entry_cost(m),
		.shards = fs_keylist_shards(),
		.splits = &m->splits,
	};

	return fs_keylist_load(&l->list, &r);
}

static int key_cursor_restart(struct key_cursor *c, const struct fs_map *m)
{
	int ret;

	if (c->active)
		eb_map_dump_release(&c->d);
	memset(c, 0, sizeof(*c));
	ret = eb_map_dump_init(&c->d, &m->m, dump_chunk(m), 0);
	if (ret)
		return ret;
	c->active = true;
	return 0;
}

/* Make keys[i] valid (fetch the next chunk).  1, 0 at the end, -errno. */
static int key_cursor_fill(struct key_cursor *c)
{
	const void *keys, *vals;
	int n;

	if (c->i < c->n)
		return 1;
	if (c->done)
		return 0;
	n = eb_map_dump_next(&c->d, &keys, &vals);
	if (n <= 0) {
		c->done = true;
		return n;
	}
	c->keys = keys;
	c->n = n;
	c->i = 0;
	return 1;
}

/* Emit keys from key position kpos (0 = the first key) of a streamed
 * listing.  The number emitted or -errno. */
static int key_stream(struct key_cursor *c, const struct fs_map *m, uint64_t kpos,
		      fs_emit_fn emit, void *ctx)
{
	struct eb_strbuf name = EB_STRBUF_INIT;
	int n = 0, ret = 0;

	if (!c->active || c->pos > kpos) {
		ret = key_cursor_restart(c, m);
		if (ret)
			return ret;
	}
	while ((ret = key_cursor_fill(c)) > 0) {
		const uint8_t *key = c->keys + (size_t)c->i * m->m.key_size;

		if (c->pos < kpos) {	/* skip to the requested position */
			c->i++, c->pos++;
			continue;
		}
		eb_strbuf_reset(&name);
		fs_fmt_render_key(m->key_fmt, key, m->m.key_size, &name);
		if (eb_strbuf_error(&name)) {
			ret = -ENOMEM;
			break;
		}
		if (emit(ctx, name.buf, S_IFREG, 0))
			break;
		c->i++, c->pos++, n++, kpos++;
	}
	eb_strbuf_release(&name);
	return ret < 0 && !n ? ret : n;
}

/* Emit keys from key position kpos; `rewind`: the readdir started at
 * position 0, take a new snapshot.  The number emitted or -errno. */
static int key_list(struct fs_handle *dh, struct fs_map *m, uint64_t kpos,
		    bool rewind, fs_emit_fn emit, void *ctx)
{
	struct key_listing *l = dh->priv;
	int n = 0, ret;

	if (!l) {
		l = calloc(1, sizeof(*l));
		if (!l)
			return -ENOMEM;
		eb_strbuf_init(&l->list.names);
		l->sorted = list_fits(m);
		dh->priv = l;
		dh->priv_free = key_listing_free;
		rewind = true;
	}
	if (rewind && l->sorted) {
		ret = key_list_load(l, m);
		if (ret == -E2BIG) {
			l->sorted = false;
		} else if (ret) {
			return ret;
		}
	}
	if (!l->sorted)
		return key_stream(&l->c, m, kpos, emit, ctx);
	for (; kpos < l->list.n; kpos++, n++)
		if (emit(ctx, l->list.names.buf + l->list.off[kpos], S_IFREG, 0))
			break;
	return n;
}

static int map_dir_readdir(struct fs_node *dir, struct fs_handle *dh, uint64_t pos,
			   fs_emit_fn emit, void *ctx)
{
	struct fs_map *m = node_map(dir);
	bool rewind = pos == 0;
	int n = 0, ret;

	if (pos == 0) {
		if (emit(ctx, ".info", S_IFREG, 0))
			return 0;
		pos++, n++;
	}
	if (fs_events_map_type(m->m.type)) {	/* no entries to dump: no .dump */
		const char *en;

		for (; (en = fs_events_entry_name(m->m.type, (unsigned int)(pos - 1)));
		     pos++, n++)
			if (emit(ctx, en, S_IFREG, 0))
				break;
		return n;
	}
	if (pos == 1) {
		if (emit(ctx, ".dump", S_IFREG, 0))
			return n;
		pos++, n++;
	}
	if (!has_keys(m))
		return n;
	ret = key_list(dh, m, pos - 2, rewind, emit, ctx);
	return ret < 0 ? (n ? n : ret) : n + ret;
}

static int map_dir_create(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	struct fs_map *m = node_map(dir);
	void *key = NULL, *val = NULL;
	ssize_t vs;
	int ret;

	fs_rdlock();
	if (fs_node_stale(dir)) {
		ret = -ENOENT;
		goto out;
	}
	if (name[0] == '.' || !has_keys(m)) {
		ret = -EPERM;
		goto out;
	}
	if (fd_valued(m)) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	vs = eb_map_value_size(&m->m);
	key = malloc(m->m.key_size);
	val = vs >= 0 ? calloc(1, vs ? (size_t)vs : 1) : NULL;
	if (!key || !val) {
		ret = vs < 0 ? (int)vs : -ENOMEM;
		goto out;
	}
	ret = parse_key(m, name, key);
	if (long_keys(m))	/* a fallback name cannot say a new key */
		ret = !ret ? -EEXIST : ret == -ENOENT ? -EINVAL : ret;
	if (ret)
		goto out;
	if (is_array(m) && *(uint32_t *)key >= m->m.max_entries) {
		/* the kernel's E2BIG would read "Argument list too long" */
		eb_warn("fs", "maps/%s/%s: past the array's end (%u entries)",
			m->name, name, m->m.max_entries);
		ret = -EINVAL;
		goto out;
	}
	ret = eb_map_update(&m->m, key, val, BPF_NOEXIST);
	if (ret)
		goto out;
	out->ops = &key_ops;
	out->backing = fs_backing_get(&m->b);
	out->data = key;
	out->data_len = m->m.key_size;
	key = NULL;
out:
	fs_unlock();
	free(key);
	free(val);
	return ret;
}

static int map_dir_unlink(struct fs_node *dir, const char *name)
{
	struct fs_map *m = node_map(dir);
	void *key = NULL;
	int ret;

	fs_rdlock();
	if (fs_node_stale(dir)) {
		ret = -ENOENT;
		goto out;
	}
	if (name[0] == '.') {
		ret = -EPERM;
		goto out;
	}
	key = malloc(m->m.key_size ? m->m.key_size : 1);
	if (!key) {
		ret = -ENOMEM;
		goto out;
	}
	ret = parse_key(m, name, key);
	if (ret) {
		ret = ret == -EINVAL ? -ENOENT : ret;
		goto out;
	}
	if (is_array(m)) {
		ret = -EPERM;
		goto out;
	}
	ret = eb_map_delete(&m->m, key);
out:
	fs_unlock();
	free(key);
	return ret;
}

/*
 * glibc's opendir() sizes the buffer readdir() fills by the directory's
 * st_blksize (32 KiB to 1 MiB): a 100,000-key listing is then read in 4
 * requests instead of 98.
 */
#define FS_MAP_DIR_BLKSIZE	(1 << 20)

static int map_dir_getattr(struct fs_node *n, struct stat *st)
{
	(void)n;
	st->st_blksize = FS_MAP_DIR_BLKSIZE;
	return 0;
}

static const struct fs_node_ops map_dir_ops = {
	.kind = "map",
	.mode = S_IFDIR | 0755,
	.cache_entry = true,
	.getattr = map_dir_getattr,
	.dir_writable = true,
	.lookup = map_dir_lookup,
	.readdir = map_dir_readdir,
	.create = map_dir_create,
	.unlink = map_dir_unlink,
};

/* --- key files ---------------------------------------------------------------- */

static int key_getattr(struct fs_node *n, struct stat *st)
{
	struct fs_map *m = node_map(n);
	void *val;
	int ret;

	ret = lookup_value(m, n->data, &val);
	if (ret)
		return ret;
	st->st_size = value_text_size(m, val);
	clock_gettime(CLOCK_REALTIME, &st->st_mtim);
	free(val);
	return 0;
}

static int key_render(struct fs_handle *h, struct eb_strbuf *out)
{
	struct fs_map *m = node_map(h->node);
	void *val;
	int ret;

	ret = lookup_value(m, h->node->data, &val);
	if (ret)
		return ret;
	render_value(m, val, false, out);
	free(val);
	return 0;
}

/*
 * Check a write as it arrives: text ending in a newline is a complete
 * value and must parse (`echo bad > key` fails in write(), where the
 * shell sees it); other text is checked at close.
 */
/* The daemon's log line for a value that does not parse: which key,
 * what was written (printable bytes, at most 64) and what the map takes. */
static void warn_unparsed(const struct fs_handle *h, const struct fs_map *m)
{
	struct eb_strbuf text = EB_STRBUF_INIT;
	size_t len = h->wbuf.len, i;
	const char *spell;

	while (len && (h->wbuf.buf[len - 1] == '\n' || h->wbuf.buf[len - 1] == '\r'))
		len--;
	for (i = 0; i < len && i < 64; i++) {
		unsigned char c = (unsigned char)h->wbuf.buf[i];

		eb_strbuf_addch(&text, c >= 0x20 && c < 0x7f ? (char)c : '?');
	}
	if (len > 64)
		eb_strbuf_adds(&text, "...");
	spell = m->val_fmt == FS_FMT_UINT ? "an unsigned integer" :
		m->val_fmt == FS_FMT_SINT ? "a signed integer" : "hex bytes";
	eb_warn("fs", "maps/%s/%s: '%s' is not a value of this map (%u bytes, %s%s)",
		m->name, h->node->name, text.buf, m->m.value_size, spell,
		eb_map_is_percpu(&m->m) ? "; per CPU: one value for all, or cpuN: lines" : "");
	eb_strbuf_release(&text);
}

static int key_check(struct fs_handle *h)
{
	struct fs_map *m = node_map(h->node);
	size_t len = h->wbuf.len;
	void *val;
	int ret;

	if (!len || h->wbuf.buf[len - 1] != '\n')
		return 0;
	if (fd_valued(m))
		return -EOPNOTSUPP;
	if (eb_map_is_percpu(&m->m)) {
		ssize_t vs = eb_map_value_size(&m->m);
		int ncpu = eb_possible_cpus();

		if (vs < 0)
			return (int)vs;
		val = calloc(1, vs ? (size_t)vs : 1);
		if (!val)
			return -ENOMEM;
		ret = fs_fmt_parse_percpu(m->val_fmt, h->wbuf.buf, len, val,
					  m->m.value_size, eb_map_percpu_stride(&m->m),
					  ncpu > 0 ? (unsigned int)ncpu : 1);
	} else {
		val = malloc(m->m.value_size ? m->m.value_size : 1);
		if (!val)
			return -ENOMEM;
		ret = fs_fmt_parse(m->val_fmt, h->wbuf.buf, len, val, m->m.value_size);
	}
	free(val);
	if (ret == -EINVAL)
		warn_unparsed(h, m);
	return ret;
}

static int key_commit(struct fs_handle *h)
{
	struct fs_map *m = node_map(h->node);
	const void *key = h->node->data;
	void *val = NULL;
	ssize_t vs;
	int ret;

	fs_rdlock();
	if (fs_node_stale(h->node)) {
		ret = -ENOENT;
		goto out;
	}
	if (fd_valued(m)) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	vs = eb_map_value_size(&m->m);
	if (vs < 0) {
		ret = (int)vs;
		goto out;
	}
	val = calloc(1, vs ? (size_t)vs : 1);
	if (!val) {
		ret = -ENOMEM;
		goto out;
	}
	if (eb_map_is_percpu(&m->m)) {
		int ncpu = eb_possible_cpus();

		/* CPUs the text does not name keep their values */
		ret = eb_map_lookup(&m->m, key, val);
		if (ret && ret != -ENOENT)
			goto out;
		ret = fs_fmt_parse_percpu(m->val_fmt, h->wbuf.buf, h->wbuf.len, val,
					  m->m.value_size, eb_map_percpu_stride(&m->m),
					  ncpu > 0 ? (unsigned int)ncpu : 1);
	} else {
		ret = fs_fmt_parse(m->val_fmt, h->wbuf.buf, h->wbuf.len, val,
				   m->m.value_size);
	}
	if (ret) {
		warn_unparsed(h, m);
		goto out;
	}
	ret = eb_map_update(&m->m, key, val, BPF_ANY);
out:
	fs_unlock();
	free(val);
	return ret;
}

/* A write-open of a key of a frozen or read-only map fails at once (the
 * kernel would refuse the update only at close, which shells ignore). */
static int key_open(struct fs_handle *h)
{
	struct fs_map *m = node_map(h->node);

	if ((h->flags & O_ACCMODE) == O_RDONLY || eb_map_is_readonly(&m->m) != 1)
		return 0;
	eb_warn("fs", "maps/%s: the map is frozen (read-only for user space)",
		fs_map_name(m));
	return -EPERM;
}

static const struct fs_node_ops key_ops = {
	.kind = "key",
	.open = key_open,
	.mode = S_IFREG | 0644,
	.live = true,
	.cache_attr = true,
	.writable = true,
	.getattr = key_getattr,
	.render = key_render,
	.read = fs_text_read,
	.check = key_check,
	.commit = key_commit,
};

/* --- .info ---------------------------------------------------------------------- */

static const char *fmt_name(enum fs_fmt f)
{
	return f == FS_FMT_UINT ? "unsigned" : f == FS_FMT_SINT ? "signed" : "hex";
}

/* Number of entries, counted with batched lookups.  count or -errno. */
static long count_entries(const struct fs_map *m)
{
	struct eb_map_dump d;
	const void *k, *v;
	long total = 0;
	int n;

	n = eb_map_dump_init(&d, &m->m, 0, 0);
	if (n)
		return n;
	while ((n = eb_map_dump_next(&d, &k, &v)) > 0)
		total += n;
	eb_map_dump_release(&d);
	return n < 0 ? n : total;
}

static int map_info_render(struct fs_handle *h, struct eb_strbuf *out)
{
	struct fs_map *m = node_map(h->node);
	const char *type = eb_map_type_str(m->m.type);
	unsigned int i;
	long cnt;

	eb_strbuf_addf(out, "id: %u\n", m->m.id);
	eb_strbuf_addf(out, "name: %s\n", m->name);
	eb_strbuf_addf(out, "kernel_name: %s\n", m->m.name);
	if (type)
		eb_strbuf_addf(out, "type: %s\n", type);
	else
		eb_strbuf_addf(out, "type: %u\n", m->m.type);
	eb_strbuf_addf(out, "key_size: %u\n", m->m.key_size);
	eb_strbuf_addf(out, "value_size: %u\n", m->m.value_size);
	eb_strbuf_addf(out, "max_entries: %u\n", m->m.max_entries);
	eb_strbuf_addf(out, "flags: 0x%x\n", m->m.flags);
	cnt = has_keys(m) ? count_entries(m) : -EOPNOTSUPP;
	if (cnt >= 0)
		eb_strbuf_addf(out, "entries: %ld\n", cnt);
	else
		eb_strbuf_addf(out, "entries: -\n");
	eb_strbuf_adds(out, "owners:");
	for (i = 0; i < m->nowners; i++)
		eb_strbuf_addf(out, " %s", m->owners[i]);
	eb_strbuf_addch(out, '\n');
	eb_strbuf_addf(out, "pinning: %s\n", m->pinning == 1 ? "by_name" : "none");
	eb_strbuf_addf(out, "key_format: %s\n", has_keys(m) ? fmt_name(m->key_fmt) : "-");
	eb_strbuf_addf(out, "value_format: %s\n", fmt_name(m->val_fmt));
	eb_strbuf_addf(out, "percpu: %s\n", eb_map_is_percpu(&m->m) ? "yes" : "no");
	eb_strbuf_addf(out, "btf_id: %u\n", m->m.btf_id);
	fs_events_info(m, out);
	return 0;
}

static const struct fs_node_ops map_info_ops = {
	.kind = "map_info",
	.mode = S_IFREG | 0444,
	.live = true,
	.render = map_info_render,
	.read = fs_text_read,
};

/* --- .dump: streamed ---------------------------------------------------------------- */

struct dump_cursor {
	struct eb_map_dump d;
	bool active, done;
	uint64_t pos;		/* stream offset of pend.buf[pend_off] */
	struct eb_strbuf pend;	/* rendered, not yet returned */
	size_t pend_off;
};

static void dump_cursor_free(void *p)
{
	struct dump_cursor *c = p;

	if (c->active)
		eb_map_dump_release(&c->d);
	eb_strbuf_release(&c->pend);
	free(c);
}

/* Render the next chunk into pend.  >0, 0 at the end, -errno. */
static int dump_more(struct dump_cursor *c, const struct fs_map *m)
{
	ssize_t vs = eb_map_value_size(&m->m);
	const uint8_t *keys, *vals;
	int n, i;

	if (c->done)
		return 0;
	if (vs < 0)
		return (int)vs;
	n = eb_map_dump_next(&c->d, (const void **)&keys, (const void **)&vals);
	if (n <= 0) {
		c->done = true;
		return n;
	}
	eb_strbuf_reset(&c->pend);
	c->pend_off = 0;
	for (i = 0; i < n; i++) {
		fs_fmt_render(m->key_fmt, keys + (size_t)i * m->m.key_size, m->m.key_size,
			      &c->pend);
		render_value(m, vals + (size_t)i * (size_t)vs, true, &c->pend);
		eb_strbuf_addch(&c->pend, '\n');
	}
	return eb_strbuf_error(&c->pend) ? -ENOMEM : n;
}

static int map_dump_read(struct fs_handle *h, size_t size, off_t off,
			 struct eb_strbuf *out)
{
	struct fs_map *m = node_map(h->node);
	struct dump_cursor *c = h->priv;
	uint64_t want = (uint64_t)off;
	int ret;

	if (!has_keys(m))
		return 0;
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return -ENOMEM;
		eb_strbuf_init(&c->pend);
		h->priv = c;
		h->priv_free = dump_cursor_free;
	}
	if (!c->active || want < c->pos) {
		if (c->active)
			eb_map_dump_release(&c->d);
		c->active = false;
		c->done = false;
		c->pos = 0;
		eb_strbuf_reset(&c->pend);
		c->pend_off = 0;
		ret = eb_map_dump_init(&c->d, &m->m, dump_chunk(m), 0);
		if (ret)
			return ret;
		c->active = true;
	}
	if (eb_strbuf_grow(out, size))	/* one allocation per read */
		return -ENOMEM;
	while (out->len < size) {
		size_t avail = c->pend.len - c->pend_off, take;

		if (!avail) {
			ret = dump_more(c, m);
			if (ret < 0)
				return out->len ? 0 : ret;
			if (ret == 0)
				break;
			continue;
		}
		if (c->pos < want) {	/* skip to the requested offset */
			take = (size_t)EB_MIN((uint64_t)avail, want - c->pos);
			c->pend_off += take;
			c->pos += take;
			continue;
		}
		take = EB_MIN(avail, size - out->len);
		eb_strbuf_add(out, c->pend.buf + c->pend_off, take);
		c->pend_off += take;
		c->pos += take;
	}
	return eb_strbuf_error(out);
}

static const struct fs_node_ops map_dump_ops = {
	.kind = "map_dump",
	.mode = S_IFREG | 0444,
	.live = true,
	.read = map_dump_read,
};

const struct fs_map_kinds fs_map_kinds = {
	.dir = &map_dir_ops,
	.key = &key_ops,
	.info = &map_info_ops,
	.dump = &map_dump_ops,
};
