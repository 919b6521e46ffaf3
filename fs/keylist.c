// SPDX-License-Identifier: MIT
/*
 * keylist.c - a map's key names, sorted, read by several threads.
 *
 * The kernel's time to walk a hash map with batch lookups is most of what
 * listing a big map costs (about 200 ns a key).  A batch walk can only go
 * on from the cursor the previous call returned, so there is no asking
 * for "the second half".  But a cursor stays a valid place to go on from:
 * a walk records the cursor after each batch, the next walk starts a
 * thread at the cursors that split the last one into equal parts, and
 * each thread stops as soon as its cursor equals the one the next thread
 * started from.  Nothing about the cursor's bytes is assumed beyond
 * equality.  If the map changed and a thread never sees its stop cursor,
 * it reads to the end, which is a whole walk from its start: the threads
 * after it are dropped.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keylist.h"
#include "log.h"
#include "util.h"

void fs_key_splits_init(struct fs_key_splits *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
}

void fs_key_splits_fini(struct fs_key_splits *s)
{
	eb_zfree(&s->cur);
	s->n = 0;
	pthread_mutex_destroy(&s->lock);
}

/*
 * The CPUs the daemon may run on: the main thread's (its pid's)
 * affinity.  The thread that asks may be pinned to one CPU (io_uring
 * queue threads are), and a thread inherits its creator's affinity, so
 * walking threads are given this set, or they would share one CPU.
 */
static struct {
	pthread_once_t once;
	cpu_set_t cpus;
	bool have_cpus;
	unsigned int shards;
} kl = { .once = PTHREAD_ONCE_INIT };

static void kl_init(void)
{
	int n = 1;

	if (!sched_getaffinity(getpid(), sizeof(kl.cpus), &kl.cpus)) {
		kl.have_cpus = true;
		n = CPU_COUNT(&kl.cpus);
	}
	kl.shards = (unsigned int)EB_MAX(EB_MIN(n, FS_KEYLIST_MAX_SHARDS), 1);
}

unsigned int fs_keylist_shards(void)
{
	pthread_once(&kl.once, kl_init);
	return kl.shards;
}

void fs_keylist_release(struct fs_keylist *l)
{
	eb_strbuf_release(&l->names);
	eb_zfree(&l->off);
	l->n = 0;
}

/* One thread's part of the walk. */
struct shard {
	const struct fs_keylist_req *r;
	const uint8_t *from;	/* cursor to start at, NULL: the start */
	const uint8_t *stop;	/* cursor to stop at, NULL: the end */
	size_t size;		/* of from and stop */

	struct eb_strbuf names;
	struct fs_fmt_name_ref *refs;	/* sorted at the end */
	size_t n, cap;
	uint8_t *curs;		/* the cursor after each batch ... */
	size_t *at;		/* ... and the keys read by then */
	size_t ncur, curcap, cursize;
	bool hit_stop;
	int err;
	pthread_t thread;
	bool threaded;
};

static void shard_release(struct shard *s)
{
	eb_strbuf_release(&s->names);
	eb_zfree(&s->refs);
	eb_zfree(&s->curs);
	eb_zfree(&s->at);
}

static int shard_add_names(struct shard *s, const uint8_t *keys, size_t cnt)
{
	const struct fs_keylist_req *r = s->r;
	size_t ks = r->map->key_size, i;

	if (s->n + cnt > r->max)
		return -E2BIG;
	if (s->n + cnt > s->cap) {
		size_t cap = EB_MAX(s->n + cnt, 2 * s->cap);
		struct fs_fmt_name_ref *refs = eb_reallocarray(s->refs, cap, sizeof(*refs));

		if (!refs)
			return -ENOMEM;
		s->refs = refs;
		s->cap = cap;
	}
	for (i = 0; i < cnt; i++) {
		struct fs_fmt_name_ref *ref = &s->refs[s->n++];

		ref->off = (uint32_t)s->names.len;
		fs_fmt_render_key(r->key_fmt, keys + i * ks, ks, &s->names);
		eb_strbuf_addch(&s->names, '\0');
		if (eb_strbuf_error(&s->names) || s->names.len > UINT32_MAX)
			return -ENOMEM;
		ref->prefix = fs_fmt_name_prefix(s->names.buf + ref->off);
	}
	return 0;
}

static int shard_add_cursor(struct shard *s, const void *cur, size_t size)
{
	if (s->ncur && size != s->cursize)
		return -EINVAL;
	if (s->ncur == s->curcap) {
		size_t cap = EB_MAX((size_t)16, 2 * s->curcap);
		uint8_t *curs = eb_reallocarray(s->curs, cap, size);
		size_t *at;

		if (!curs)
			return -ENOMEM;
		s->curs = curs;
		at = eb_reallocarray(s->at, cap, sizeof(*at));
		if (!at)
			return -ENOMEM;
		s->at = at;
		s->curcap = cap;
	}
	s->cursize = size;
	memcpy(s->curs + s->ncur * size, cur, size);
	s->at[s->ncur++] = s->n;
	return 0;
}

static int sort_shard(struct shard *s)
{
	struct fs_fmt_name_ref *tmp = eb_reallocarray(NULL, EB_MAX(s->n, (size_t)1),
						      sizeof(*tmp));

	if (!tmp)
		return -ENOMEM;
	fs_fmt_sort_refs(s->names.buf, s->refs, tmp, s->n);
	free(tmp);
	return 0;
}

static void *shard_walk(void *arg)
{
	struct shard *s = arg;
	struct eb_map_dump d;
	const void *keys, *vals, *cur;
	int cnt, size, err;

	err = eb_map_dump_init(&d, s->r->map, s->r->chunk, 0);
	if (err)
		goto out;
	if (s->from) {
		err = eb_map_dump_seek(&d, s->from, s->size);
		if (err)
			goto out;
	}
	while ((cnt = eb_map_dump_next(&d, &keys, &vals)) > 0) {
		err = shard_add_names(s, keys, (size_t)cnt);
		if (err)
			goto out;
		size = eb_map_dump_cursor(&d, &cur);
		if (size < 0)		/* at the end, or no batch ops */
			continue;
		err = shard_add_cursor(s, cur, (size_t)size);
		if (err)
			goto out;
		if (s->stop && (size_t)size == s->size && !memcmp(cur, s->stop, s->size)) {
			s->hit_stop = true;
			break;
		}
	}
	err = cnt < 0 ? cnt : sort_shard(s);
out:
	eb_map_dump_release(&d);
	s->err = err;
	return NULL;
}

/* Merge the sorted parts sh[0..ns) into l (names appended to part 0's). */
static int merge(struct fs_keylist *l, struct shard *sh, unsigned int ns, size_t total)
{
	size_t base[FS_KEYLIST_MAX_SHARDS], pos[FS_KEYLIST_MAX_SHARDS] = { 0 };
	unsigned int i, best;
	size_t k;

	l->off = eb_reallocarray(NULL, EB_MAX(total, (size_t)1), sizeof(*l->off));
	if (!l->off)
		return -ENOMEM;
	l->names = sh[0].names;
	eb_strbuf_init(&sh[0].names);
	base[0] = 0;
	for (i = 1; i < ns; i++) {
		base[i] = l->names.len;
		eb_strbuf_add(&l->names, sh[i].names.buf, sh[i].names.len);
	}
	if (eb_strbuf_error(&l->names) || l->names.len > UINT32_MAX)
		return -ENOMEM;
	for (i = 0; i < ns; i++)	/* refs into l->names */
		for (k = 0; k < sh[i].n; k++)
			sh[i].refs[k].off += (uint32_t)base[i];
	for (k = 0; k < total; k++) {
		const struct fs_fmt_name_ref *min = NULL;

		best = 0;
		for (i = 0; i < ns; i++) {
			const struct fs_fmt_name_ref *ref;

			if (pos[i] == sh[i].n)
				continue;
			ref = &sh[i].refs[pos[i]];
			if (!min || fs_fmt_ref_cmp(l->names.buf, ref, min) < 0) {
				min = ref;
				best = i;
			}
		}
		l->off[k] = min->off;
		pos[best]++;
	}
	l->n = total;
	return 0;
}

/*
 * Keep the cursors that split this walk (parts sh[0..ns)) into `want`
 * equal parts for the next one; none when the walk had too few batches
 * for threads to pay.
 */
static void save_splits(struct fs_key_splits *sp, const struct shard *sh, unsigned int ns,
			size_t total, unsigned int want)
{
	uint8_t *cur = NULL;
	size_t size = sh[0].cursize, ncur = 0, base = 0, taken = 0;
	unsigned int i, s = 1;

	for (i = 0; i < ns; i++)
		ncur += sh[i].ncur;
	if (want > 1 && ncur >= 2 * (size_t)want && size) {
		cur = eb_reallocarray(NULL, want - 1, size);
		for (i = 0; cur && i < ns && s < want; base += sh[i].n, i++) {
			size_t j;

			if (sh[i].ncur && sh[i].cursize != size)
				break;
			for (j = 0; j < sh[i].ncur && s < want; j++) {
				if ((base + sh[i].at[j]) * want < total * s)
					continue;
				memcpy(cur + taken * size, sh[i].curs + j * size, size);
				taken++;
				s++;
			}
		}
	}
	pthread_mutex_lock(&sp->lock);
	free(sp->cur);
	sp->cur = taken ? cur : NULL;
	sp->n = (unsigned int)taken;
	sp->size = size;
	pthread_mutex_unlock(&sp->lock);
	if (!taken)
		free(cur);
}

/* Walk with the cursors in split[0..nsplit) as part boundaries.  0 or
 * -errno; on success l holds the keys and l->shards the parts used. */
static int walk(struct fs_keylist *l, const struct fs_keylist_req *r,
		const uint8_t *split, unsigned int nsplit, size_t size)
{
	struct shard sh[FS_KEYLIST_MAX_SHARDS];
	unsigned int ns = nsplit + 1, used, i;
	pthread_attr_t attr;
	bool threaded = false;
	size_t total = 0;
	int err = 0;

	memset(sh, 0, sizeof(sh));
	for (i = 0; i < ns; i++) {
		sh[i].r = r;
		sh[i].size = size;
		sh[i].from = i ? split + (i - 1) * size : NULL;
		sh[i].stop = i < nsplit ? split + i * size : NULL;
		eb_strbuf_init(&sh[i].names);
	}
	if (ns > 1) {
		pthread_once(&kl.once, kl_init);
		threaded = !pthread_attr_init(&attr);
		if (threaded && kl.have_cpus)
			(void)pthread_attr_setaffinity_np(&attr, sizeof(kl.cpus), &kl.cpus);
	}
	for (i = 1; i < ns && threaded; i++)
		sh[i].threaded = !pthread_create(&sh[i].thread, &attr, shard_walk, &sh[i]);
	if (threaded)
		pthread_attr_destroy(&attr);
	shard_walk(&sh[0]);
	for (i = 1; i < ns; i++) {
		if (sh[i].threaded)
			pthread_join(sh[i].thread, NULL);
		else
			shard_walk(&sh[i]);
	}
	/* part i covers up to part i+1's start only if it met that cursor */
	for (used = 1; used < ns && sh[used - 1].hit_stop; used++)
		;
	for (i = 0; i < used && !err; i++) {
		err = sh[i].err;
		total += sh[i].n;
	}
	if (!err && total > r->max)
		err = -E2BIG;
	if (!err)
		err = merge(l, sh, used, total);
	if (!err) {
		l->shards = used;
		save_splits(r->splits, sh, used, total, r->shards);
	}
	for (i = 0; i < ns; i++)
		shard_release(&sh[i]);
	return err;
}

int fs_keylist_load(struct fs_keylist *l, const struct fs_keylist_req *r)
{
	struct fs_key_splits *sp = r->splits;
	uint8_t *split = NULL;
	unsigned int nsplit = 0;
	size_t size = 0;
	int err;

	fs_keylist_release(l);
	pthread_mutex_lock(&sp->lock);
	if (sp->n && r->shards > 1) {
		nsplit = EB_MIN(sp->n, r->shards - 1);
		size = sp->size;
		split = eb_reallocarray(NULL, nsplit, size);
		if (split)
			memcpy(split, sp->cur, nsplit * size);
		else
			nsplit = 0;
	}
	pthread_mutex_unlock(&sp->lock);

	err = walk(l, r, split, nsplit, size);
	if (err && err != -E2BIG && nsplit) {
		/* a part failed where one walk might not: try that */
		eb_debug("fs", "map '%s' (id %u): listing in %u parts failed (%s), one walk",
			 r->map->name, r->map->id, nsplit + 1, eb_strerror(err));
		fs_keylist_release(l);
		err = walk(l, r, NULL, 0, 0);
	}
	free(split);
	if (err)
		fs_keylist_release(l);
	else
		eb_debug("fs", "map '%s' (id %u): %zu keys listed in %u parts",
			 r->map->name, r->map->id, l->n, l->shards);
	return err;
}
