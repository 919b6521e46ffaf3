/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "info.h"
#include "log.h"
#include "map.h"
#include "strbuf.h"
#include "util.h"

/* --- opening and closing ------------------------------------------------- */

static int map_from_fd(struct eb_map *m, int fd, bool own)
{
	struct eb_map_info info;
	int err;

	err = own ? eb_map_info_by_own_fd(fd, &info) : eb_map_info_by_fd(fd, &info);
	if (err)
		return err;
	memset(m, 0, sizeof(*m));
	m->fd = fd;
	m->type = info.type;
	m->key_size = info.key_size;
	m->value_size = info.value_size;
	m->max_entries = info.max_entries;
	m->flags = info.flags;
	m->id = info.id;
	m->btf_id = info.btf_id;
	m->btf_key_type_id = info.btf_key_type_id;
	m->btf_value_type_id = info.btf_value_type_id;
	memcpy(m->name, info.name, sizeof(m->name));
	return 0;
}

int eb_map_from_fd(struct eb_map *m, int fd)
{
	return map_from_fd(m, fd, false);
}

int eb_map_from_own_fd(struct eb_map *m, int fd)
{
	return map_from_fd(m, fd, true);
}

static int map_from_new_fd(struct eb_map *m, int fd)
{
	int err;

	if (fd < 0)
		return fd;
	err = eb_map_from_fd(m, fd);
	if (err)
		close(fd);
	return err;
}

int eb_map_from_id(struct eb_map *m, uint32_t id)
{
	return map_from_new_fd(m, eb_sys_map_get_fd_by_id(id));
}

int eb_map_from_pinned(struct eb_map *m, const char *path)
{
	return map_from_new_fd(m, eb_sys_obj_get(path, 0));
}

int eb_map_create(struct eb_map *m, const struct eb_map_create_opts *opts)
{
	return map_from_new_fd(m, eb_sys_map_create(opts));
}

void eb_map_close(struct eb_map *m)
{
	eb_zclose(&m->fd);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

/* --- sizes ----------------------------------------------------------------- */

bool eb_map_type_is_percpu(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		return true;
	default:
		return false;
	}
}

bool eb_map_is_percpu(const struct eb_map *m)
{
	return eb_map_type_is_percpu(m->type);
}

bool eb_map_is_queue_like(const struct eb_map *m)
{
	return m->type == BPF_MAP_TYPE_QUEUE || m->type == BPF_MAP_TYPE_STACK;
}

size_t eb_map_percpu_stride(const struct eb_map *m)
{
	return EB_ROUND_UP((size_t)m->value_size, 8);
}

ssize_t eb_map_value_size(const struct eb_map *m)
{
	int ncpus;

	if (!eb_map_is_percpu(m))
		return m->value_size;
	ncpus = eb_possible_cpus();
	if (ncpus < 0)
		return ncpus;
	return (ssize_t)(eb_map_percpu_stride(m) * (size_t)ncpus);
}

/* --- elements ---------------------------------------------------------------- */

int eb_map_lookup(const struct eb_map *m, const void *key, void *value)
{
	return eb_sys_map_lookup_elem(m->fd, key, value, 0);
}

int eb_map_update(const struct eb_map *m, const void *key, const void *value,
		  uint64_t flags)
{
	return eb_sys_map_update_elem(m->fd, key, value, flags);
}

int eb_map_update_all_cpus(const struct eb_map *m, const void *key,
			   const void *value, uint64_t flags)
{
	size_t stride = eb_map_percpu_stride(m);
	ssize_t size;
	uint8_t *buf;
	int err, ncpus, i;

	if (!eb_map_is_percpu(m))
		return eb_map_update(m, key, value, flags);
	size = eb_map_value_size(m);
	if (size < 0)
		return (int)size;
	buf = eb_calloc(1, (size_t)size);
	if (!buf)
		return -ENOMEM;
	ncpus = (int)((size_t)size / stride);
	for (i = 0; i < ncpus; i++)
		memcpy(buf + (size_t)i * stride, value, m->value_size);
	err = eb_map_update(m, key, buf, flags);
	free(buf);
	return err;
}

int eb_map_delete(const struct eb_map *m, const void *key)
{
	return eb_sys_map_delete_elem(m->fd, key);
}

int eb_map_lookup_and_delete(const struct eb_map *m, const void *key, void *value)
{
	return eb_sys_map_lookup_and_delete_elem(m->fd, key, value, 0);
}

int eb_map_next_key(const struct eb_map *m, const void *key, void *next_key)
{
	return eb_sys_map_get_next_key(m->fd, key, next_key);
}

/* --- queue / stack ---------------------------------------------------------- */

int eb_map_push(const struct eb_map *m, const void *value, uint64_t flags)
{
	return eb_sys_map_update_elem(m->fd, NULL, value, flags);
}

int eb_map_pop(const struct eb_map *m, void *value)
{
	return eb_sys_map_lookup_and_delete_elem(m->fd, NULL, value, 0);
}

int eb_map_peek(const struct eb_map *m, void *value)
{
	return eb_sys_map_lookup_elem(m->fd, NULL, value, 0);
}

int eb_map_freeze(const struct eb_map *m)
{
	return eb_sys_map_freeze(m->fd);
}

int eb_map_is_readonly(const struct eb_map *m)
{
	struct eb_strbuf path = EB_STRBUF_INIT;
	char buf[1024];
	const char *p;
	ssize_t n;
	int fd, err;

	if (m->flags & BPF_F_RDONLY)
		return 1;
	eb_strbuf_addf(&path, "/proc/self/fdinfo/%d", m->fd);
	if (eb_strbuf_error(&path)) {
		eb_strbuf_release(&path);
		return -ENOMEM;
	}
	fd = open(path.buf, O_RDONLY | O_CLOEXEC);
	eb_strbuf_release(&path);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	p = strstr(buf, "\nfrozen:");
	if (!p)
		return -ENOENT;
	return atoi(p + 8) != 0;
}

/* --- iteration ---------------------------------------------------------------- */

/* Maps whose keys are u32 indexes walked in order: next_key never restarts. */
static bool map_is_indexed(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		return true;
	default:
		return false;
	}
}

/* FNV-1a over the key bytes. */
static uint64_t key_hash(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Slot layout: one byte "used" followed by key_size bytes. */
static uint8_t *set_slot(const struct eb_map_iter *it, size_t i)
{
	return it->set + i * (1 + (size_t)it->map->key_size);
}

/* Find key; returns its slot, or the empty slot where it would go. */
static uint8_t *set_find(const struct eb_map_iter *it, const void *key)
{
	size_t ks = it->map->key_size;
	size_t mask = it->set_slots - 1;
	size_t i = (size_t)key_hash(key, ks) & mask;
	uint8_t *s;

	for (;;) {
		s = set_slot(it, i);
		if (!s[0] || !memcmp(s + 1, key, ks))
			return s;
		i = (i + 1) & mask;
	}
}

static int set_grow(struct eb_map_iter *it)
{
	size_t ks = it->map->key_size, old_slots = it->set_slots, i;
	uint8_t *old = it->set;

	it->set_slots = old_slots ? old_slots * 2 : 64;
	it->set = eb_calloc(it->set_slots, 1 + ks);
	if (!it->set) {
		it->set = old;
		it->set_slots = old_slots;
		return -ENOMEM;
	}
	for (i = 0; i < old_slots; i++) {
		uint8_t *s = old + i * (1 + ks);

		if (s[0])
			memcpy(set_find(it, s + 1), s, 1 + ks);
	}
	free(old);
	return 0;
}

/* Add key; 1 if it was new, 0 if already there, -ENOMEM. */
static int set_add(struct eb_map_iter *it, const void *key)
{
	uint8_t *s;
	int err;

	if ((it->set_used + 1) * 2 > it->set_slots) {
		err = set_grow(it);
		if (err)
			return err;
	}
	s = set_find(it, key);
	if (s[0])
		return 0;
	s[0] = 1;
	memcpy(s + 1, key, it->map->key_size);
	it->set_used++;
	return 1;
}

int eb_map_iter_init(struct eb_map_iter *it, const struct eb_map *m)
{
	memset(it, 0, sizeof(*it));
	it->map = m;
	if (!m->key_size || eb_map_is_queue_like(m) ||
	    m->type == BPF_MAP_TYPE_RINGBUF) {
		eb_warn("map", "map '%s' (id %u) has no keys to iterate",
			m->name, m->id);
		return -EINVAL;
	}
	it->cur = eb_calloc(1, m->key_size);
	if (!it->cur)
		return -ENOMEM;
	it->track = !map_is_indexed(m->type);
	return 0;
}

static int iter_next(struct eb_map_iter *it, void *key, void *value)
{
	const struct eb_map *m = it->map;
	bool skipping = false;
	int err;

	for (;;) {
		err = eb_map_next_key(m, it->started ? it->cur : NULL, key);
		if (err == -ENOENT) {
			it->done = true;
			return 0;
		}
		if (err)
			return err;
		it->started = true;
		memcpy(it->cur, key, m->key_size);
		if (it->track) {
			err = set_add(it, key);
			if (err < 0)
				return err;
			if (!err) {
				/* Seen before: the walk restarted. */
				if (!skipping && ++it->restarts > EB_MAP_ITER_MAX_RESTARTS) {
					eb_warn("map", "map '%s' (id %u): walk restarted %u times by concurrent deletes, giving up",
						m->name, m->id, it->restarts - 1);
					return -EAGAIN;
				}
				skipping = true;
				continue;
			}
		}
		skipping = false;
		if (!value)
			return 1;
		err = eb_map_lookup(m, key, value);
		if (err == -ENOENT)
			continue;	/* deleted meanwhile: not returned */
		if (err)
			return err;
		return 1;
	}
}

int eb_map_iter_next(struct eb_map_iter *it, void *key, void *value)
{
	int ret;

	if (it->err)
		return it->err;
	if (it->done)
		return 0;
	if (!it->cur)
		return -EINVAL;
	ret = iter_next(it, key, value);
	if (ret < 0)
		it->err = ret;
	return ret;
}

unsigned int eb_map_iter_restarts(const struct eb_map_iter *it)
{
	return it->restarts;
}

void eb_map_iter_release(struct eb_map_iter *it)
{
	eb_zfree(&it->cur);
	eb_zfree(&it->set);
	it->set_slots = 0;
	it->set_used = 0;
	it->done = true;
}

/* --- batched dump ----------------------------------------------------------- */

static int dump_alloc(struct eb_map_dump *d, uint32_t chunk)
{
	void *keys, *values;

	keys = eb_reallocarray(d->keys, chunk, d->map->key_size);
	if (!keys)
		return -ENOMEM;
	d->keys = keys;
	values = eb_reallocarray(d->values, chunk, d->vsize);
	if (!values)
		return -ENOMEM;
	d->values = values;
	d->chunk = chunk;
	return 0;
}

/* A batch cursor's bytes: the kernel's prev-key cursor or bucket index. */
static size_t cursor_size(const struct eb_map *m)
{
	return EB_MAX((size_t)m->key_size, 8);
}

int eb_map_dump_init(struct eb_map_dump *d, const struct eb_map *m,
		     uint32_t chunk, uint32_t flags)
{
	size_t cursor = cursor_size(m);
	ssize_t vsize;
	int err;

	memset(d, 0, sizeof(*d));
	d->map = m;
	d->flags = flags;
	d->it.done = true;
	if (!m->key_size || eb_map_is_queue_like(m) ||
	    m->type == BPF_MAP_TYPE_RINGBUF) {
		eb_warn("map", "map '%s' (id %u) has no keys to dump",
			m->name, m->id);
		return -EINVAL;
	}
	vsize = eb_map_value_size(m);
	if (vsize < 0)
		return (int)vsize;
	d->vsize = (size_t)vsize;
	d->in_batch = eb_calloc(1, cursor);
	d->out_batch = eb_calloc(1, cursor);
	if (!d->in_batch || !d->out_batch) {
		err = -ENOMEM;
		goto err_free;
	}
	err = dump_alloc(d, chunk ? chunk : 256);
	if (err)
		goto err_free;
	return 0;

err_free:
	eb_map_dump_release(d);
	return err;
}

static int dump_start_fallback(struct eb_map_dump *d)
{
	int err;

	err = eb_map_iter_init(&d->it, d->map);
	if (err)
		return err;
	d->fallback = true;
	return 0;
}

static int dump_next_fallback(struct eb_map_dump *d)
{
	size_t ks = d->map->key_size;
	uint32_t n = 0;
	int ret;

	while (n < d->chunk) {
		ret = eb_map_iter_next(&d->it, (uint8_t *)d->keys + n * ks,
				       (uint8_t *)d->values + n * d->vsize);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			d->done = true;
			break;
		}
		n++;
	}
	return (int)n;
}

static int dump_next_batch(struct eb_map_dump *d)
{
	size_t cursor = cursor_size(d->map);
	uint32_t count;
	void *tmp;
	int err;

	for (;;) {
		count = d->chunk;
		err = eb_sys_map_lookup_batch(d->map->fd,
					      d->started ? d->in_batch : NULL,
					      d->out_batch, d->keys, d->values,
					      &count, 0);
		if (err == -ENOSPC && count == 0) {
			/* A hash bucket holds more than chunk entries. */
			if (d->chunk > UINT32_MAX / 2)
				return err;
			err = dump_alloc(d, d->chunk * 2);
			if (err)
				return err;
			continue;
		}
		break;
	}
	if (err == -ENOENT) {
		d->done = true;
		return (int)count;
	}
	if (err)
		return err;
	d->started = true;
	tmp = d->in_batch;
	d->in_batch = d->out_batch;
	d->out_batch = tmp;
	memset(d->out_batch, 0, cursor);
	return (int)count;
}

/* Batch chunks until one holds entries or the map ends: a chunk of 0
 * without an error must not read as the end. */
static int dump_next_batch_nonempty(struct eb_map_dump *d)
{
	int ret, tries;

	for (tries = 0; tries < 1000; tries++) {
		ret = dump_next_batch(d);
		if (ret != 0 || d->done)
			return ret;
	}
	return -EAGAIN;
}

static int dump_next(struct eb_map_dump *d)
{
	int ret;

	if (d->done || !d->keys)
		return 0;
	if (!d->fallback && (d->flags & EB_MAP_DUMP_NO_BATCH)) {
		ret = dump_start_fallback(d);
		if (ret)
			return ret;
	}
	if (d->fallback)
		return dump_next_fallback(d);
	ret = dump_next_batch_nonempty(d);
	if (ret < 0 && !d->started && eb_err_is_unsupported(ret)) {
		eb_debug("map", "map '%s' (id %u): batch lookup unsupported (%s), walking keys",
			 d->map->name, d->map->id, eb_strerror(ret));
		ret = dump_start_fallback(d);
		if (ret)
			return ret;
		return dump_next_fallback(d);
	}
	return ret;
}

int eb_map_dump_next(struct eb_map_dump *d, const void **keys, const void **values)
{
	int ret = dump_next(d);

	/* after the call: growing may have moved the buffers */
	*keys = d->keys;
	*values = d->values;
	return ret;
}

int eb_map_dump_cursor(const struct eb_map_dump *d, const void **cur)
{
	if (d->fallback)
		return -EOPNOTSUPP;
	if (!d->started || d->done || !d->in_batch)
		return -ENOENT;
	*cur = d->in_batch;
	return (int)cursor_size(d->map);
}

int eb_map_dump_seek(struct eb_map_dump *d, const void *cur, size_t size)
{
	if (!d->in_batch || d->started || d->fallback || d->done ||
	    size != cursor_size(d->map))
		return -EINVAL;
	memcpy(d->in_batch, cur, size);
	d->started = true;
	return 0;
}

bool eb_map_dump_uses_fallback(const struct eb_map_dump *d)
{
	return d->fallback;
}

void eb_map_dump_release(struct eb_map_dump *d)
{
	eb_zfree(&d->in_batch);
	eb_zfree(&d->out_batch);
	eb_zfree(&d->keys);
	eb_zfree(&d->values);
	eb_map_iter_release(&d->it);
	d->done = true;
}
