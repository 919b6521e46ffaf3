// SPDX-License-Identifier: MIT
/*
 * node.c - the inode table.
 *
 * Every node the kernel knows is in a hash table by inode number; nodes
 * that can still be reached by name are also in a second table by
 * (parent inode, name).  Inode numbers come from a counter and are never
 * reused while the daemon runs, so an inode always means the same thing.
 *
 * A node lives while the kernel holds lookup counts on it (nlookup) or
 * the daemon holds references (opens: open files, requests in flight).
 * When both drop to zero it is freed, and its backing reference dropped.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "util.h"

struct node_table {
	pthread_mutex_t lock;
	struct fs_node **by_ino;
	struct fs_node **by_name;
	size_t slots;		/* power of two, same for both */
	size_t count;
	uint64_t next_ino;
};

static struct node_table tbl = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.next_ino = 16,
};

void fs_backing_init(struct fs_backing *b, void (*destroy)(struct fs_backing *))
{
	atomic_init(&b->refs, 1);
	b->gone = false;
	b->destroy = destroy;
}

struct fs_backing *fs_backing_get(struct fs_backing *b)
{
	if (b)
		atomic_fetch_add(&b->refs, 1);
	return b;
}

void fs_backing_put(struct fs_backing *b)
{
	if (b && atomic_fetch_sub(&b->refs, 1) == 1)
		b->destroy(b);
}

static size_t hash_ino(uint64_t ino)
{
	ino ^= ino >> 33;
	ino *= 0xff51afd7ed558ccdULL;
	ino ^= ino >> 33;
	return (size_t)ino;
}

static size_t hash_name(uint64_t parent, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ parent;

	for (; *name; name++) {
		h ^= (unsigned char)*name;
		h *= 1099511628211ULL;
	}
	return hash_ino(h);
}

static void link_ino(struct fs_node **tab, size_t slots, struct fs_node *n)
{
	size_t i = hash_ino(n->ino) & (slots - 1);

	n->ino_next = tab[i];
	tab[i] = n;
}

static void link_name(struct fs_node **tab, size_t slots, struct fs_node *n)
{
	size_t i = hash_name(n->parent, n->name) & (slots - 1);

	n->name_next = tab[i];
	tab[i] = n;
}

/* Double the tables when they get crowded.  Failure keeps the old ones. */
static void maybe_grow(void)
{
	struct fs_node **ni, **nn;
	size_t slots = tbl.slots * 2, i;

	if (tbl.count < tbl.slots)
		return;
	ni = eb_calloc(slots, sizeof(*ni));
	nn = eb_calloc(slots, sizeof(*nn));
	if (!ni || !nn) {
		free(ni);
		free(nn);
		return;
	}
	for (i = 0; i < tbl.slots; i++) {
		struct fs_node *n = tbl.by_ino[i], *next;

		for (; n; n = next) {
			next = n->ino_next;
			link_ino(ni, slots, n);
		}
		for (n = tbl.by_name[i]; n; n = next) {
			next = n->name_next;
			link_name(nn, slots, n);
		}
	}
	free(tbl.by_ino);
	free(tbl.by_name);
	tbl.by_ino = ni;
	tbl.by_name = nn;
	tbl.slots = slots;
}

int fs_nodes_init(void)
{
	tbl.slots = 256;
	tbl.by_ino = eb_calloc(tbl.slots, sizeof(*tbl.by_ino));
	tbl.by_name = eb_calloc(tbl.slots, sizeof(*tbl.by_name));
	if (!tbl.by_ino || !tbl.by_name) {
		eb_zfree(&tbl.by_ino);
		eb_zfree(&tbl.by_name);
		return -ENOMEM;
	}
	return 0;
}

static void node_free(struct fs_node *n)
{
	if (n->ops->fini)
		n->ops->fini(n);
	fs_backing_put(n->backing);
	free(n->data);
	free(n->name);
	free(n);
}

void fs_nodes_fini(void)
{
	size_t i;

	for (i = 0; i < tbl.slots; i++) {
		struct fs_node *n = tbl.by_ino[i], *next;

		for (; n; n = next) {
			next = n->ino_next;
			node_free(n);
		}
	}
	eb_zfree(&tbl.by_ino);
	eb_zfree(&tbl.by_name);
	tbl.slots = 0;
	tbl.count = 0;
}

static struct fs_node *find_ino(uint64_t ino)
{
	struct fs_node *n = tbl.by_ino[hash_ino(ino) & (tbl.slots - 1)];

	while (n && n->ino != ino)
		n = n->ino_next;
	return n;
}

/* A name's bit in its parent's child_bits. */
static uint64_t name_bit(size_t hash)
{
	return 1ull << ((uint64_t)hash >> 58);
}

static struct fs_node *find_name_hashed(uint64_t parent, const char *name, size_t hash)
{
	struct fs_node *n = tbl.by_name[hash & (tbl.slots - 1)];

	while (n && (n->parent != parent || strcmp(n->name, name)))
		n = n->name_next;
	return n;
}

static struct fs_node *find_name(uint64_t parent, const char *name)
{
	return find_name_hashed(parent, name, hash_name(parent, name));
}

/* Count n under its parent; it was just put in by_name. */
static void mark_hashed(struct fs_node *n)
{
	struct fs_node *p = find_ino(n->parent);

	n->hashed = true;
	if (p) {
		p->children++;
		p->child_bits |= name_bit(hash_name(n->parent, n->name));
	}
}

static void unhash(struct fs_node *n)
{
	struct fs_node **pp, *p;

	if (!n->hashed)
		return;
	p = find_ino(n->parent);
	if (p && p->children && !--p->children)
		p->child_bits = 0;
	pp = &tbl.by_name[hash_name(n->parent, n->name) & (tbl.slots - 1)];
	while (*pp != n)
		pp = &(*pp)->name_next;
	*pp = n->name_next;
	n->hashed = false;
}

/* Remove n from both tables and free it if nothing holds it.  Lock held. */
static void maybe_free(struct fs_node *n)
{
	struct fs_node **pp;

	if (n->permanent || n->nlookup || n->opens)
		return;
	unhash(n);
	pp = &tbl.by_ino[hash_ino(n->ino) & (tbl.slots - 1)];
	while (*pp != n)
		pp = &(*pp)->ino_next;
	*pp = n->ino_next;
	tbl.count--;
	node_free(n);
}

static struct fs_node *node_alloc(uint64_t ino, uint64_t parent, const char *name,
				  const struct fs_node_ops *ops)
{
	struct fs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strdup(name);
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->ino = ino;
	n->parent = parent;
	n->ops = ops;
	clock_gettime(CLOCK_REALTIME, &n->time);
	return n;
}

struct fs_node *fs_node_new_permanent(uint64_t ino, uint64_t parent, const char *name,
				      const struct fs_node_ops *ops)
{
	struct fs_node *n = node_alloc(ino, parent, name, ops);

	if (!n)
		return NULL;
	n->permanent = true;
	pthread_mutex_lock(&tbl.lock);
	maybe_grow();
	link_ino(tbl.by_ino, tbl.slots, n);
	if (ino != parent) {
		link_name(tbl.by_name, tbl.slots, n);
		mark_hashed(n);
	}
	tbl.count++;
	pthread_mutex_unlock(&tbl.lock);
	return n;
}

struct fs_node *fs_node_get(uint64_t ino)
{
	struct fs_node *n;

	pthread_mutex_lock(&tbl.lock);
	n = find_ino(ino);
	if (n)
		n->opens++;
	pthread_mutex_unlock(&tbl.lock);
	return n;
}

void fs_node_put(struct fs_node *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&tbl.lock);
	n->opens--;
	maybe_free(n);
	pthread_mutex_unlock(&tbl.lock);
}

static bool same_entry(const struct fs_node *n, const struct fs_entry *e)
{
	if (n->ops != e->ops || n->backing != e->backing || n->data_len != e->data_len)
		return false;
	return !e->data_len || !memcmp(n->data, e->data, e->data_len);
}

struct fs_node *fs_node_obtain(struct fs_node *dir, const char *name, struct fs_entry *e)
{
	struct fs_node *n;

	pthread_mutex_lock(&tbl.lock);
	n = find_name(dir->ino, name);
	if (n && same_entry(n, e)) {
		n->nlookup++;
		n->opens++;
		pthread_mutex_unlock(&tbl.lock);
		fs_backing_put(e->backing);
		e->backing = NULL;
		eb_zfree(&e->data);
		return n;
	}
	if (n && !n->permanent)
		unhash(n);
	n = node_alloc(tbl.next_ino, dir->ino, name, e->ops);
	if (!n)
		goto nomem;
	n->data = e->data;
	n->data_len = e->data_len;
	e->data = NULL;
	n->backing = e->backing;
	e->backing = NULL;
	if (n->ops->init && n->ops->init(n)) {
		node_free(n);
		pthread_mutex_unlock(&tbl.lock);
		return NULL;
	}
	tbl.next_ino++;
	maybe_grow();
	link_ino(tbl.by_ino, tbl.slots, n);
	link_name(tbl.by_name, tbl.slots, n);
	mark_hashed(n);
	tbl.count++;
	n->nlookup = 1;
	n->opens = 1;
	pthread_mutex_unlock(&tbl.lock);
	return n;

nomem:
	pthread_mutex_unlock(&tbl.lock);
	fs_backing_put(e->backing);
	e->backing = NULL;
	eb_zfree(&e->data);
	return NULL;
}

uint64_t fs_node_peek_ino(uint64_t dir, const char *name, uint64_t filter)
{
	struct fs_node *n;
	uint64_t ino = 0;
	size_t hash;

	if (!filter)
		return 0;
	hash = hash_name(dir, name);
	if (!(filter & name_bit(hash)))
		return 0;
	pthread_mutex_lock(&tbl.lock);
	n = find_name_hashed(dir, name, hash);
	if (n && !fs_node_stale(n))
		ino = n->ino;
	pthread_mutex_unlock(&tbl.lock);
	return ino;
}

uint64_t fs_node_child_filter(struct fs_node *dir)
{
	uint64_t bits;

	pthread_mutex_lock(&tbl.lock);
	bits = dir->children ? dir->child_bits : 0;
	pthread_mutex_unlock(&tbl.lock);
	return bits;
}

void fs_node_forget(uint64_t ino, uint64_t count)
{
	struct fs_node *n;

	pthread_mutex_lock(&tbl.lock);
	n = find_ino(ino);
	if (n && !n->permanent) {
		n->nlookup = count > n->nlookup ? 0 : n->nlookup - count;
		maybe_free(n);
	}
	pthread_mutex_unlock(&tbl.lock);
}

void fs_node_unhash_name(uint64_t dir, const char *name)
{
	struct fs_node *n;

	pthread_mutex_lock(&tbl.lock);
	n = find_name(dir, name);
	if (n && !n->permanent)
		unhash(n);
	pthread_mutex_unlock(&tbl.lock);
}
