// SPDX-License-Identifier: MIT
/*
 * sysfiles.c - sys/: every BPF object the kernel holds, loaded by anyone.
 *
 *   sys/progs/ID/info     progs/NAME/info of program ID; what only a loader
 *                         knows (section, object, license, attach type)
 *                         is "-", name is the kernel's name
 *   sys/progs/ID/xlated   its translated instructions, disassembled
 *   sys/maps/ID/          maps/NAME/'s key files, .info and .dump
 *                         (mapfiles.c: same spellings, same errnos; keys
 *                         and values spelled from the map's own BTF as the
 *                         loader would); perf event array, ring buffer and
 *                         user ring buffer maps hold .info only (reading
 *                         another program's rings would steal its samples)
 *   sys/links/ID/info     eb_link_describe_id(): id, type, prog_id,
 *                         target, attach_type
 *   sys/btf/ID            the raw BTF bytes; st_size is their size
 *
 * Names are kernel ids in decimal; a listing walks BPF_*_GET_NEXT_ID when
 * it starts (ascending ids) and hands that snapshot out.  A lookup finds
 * only the canonical spelling of a live id (no sign, no leading zero):
 * anything else is ENOENT, and so is every operation on an object that
 * has gone.  Read-only but for sys/maps/ID/KEY (write, create, rm as in
 * maps/); mkdir, rmdir, rm and rename of ids and of the files are EPERM
 * (glue.c), opening info, xlated or a BTF file for writing EACCES; for
 * users other than root (-o allow_other) every change is EACCES.
 *
 * Holding an object alive: nodes keep the id only (node->data: the id,
 * for key files followed by the key; no backing), and each operation
 * opens the object by id and closes it again.  An open file or directory
 * of sys/maps/ID holds a transient, unregistered struct fs_map (its own
 * fd) until it is closed; mapfiles.c's ops run over a stand-in node and
 * a copy of the handle that show that map.  Nothing here is cached by
 * the kernel (no cache_* flags): ids come and go behind its back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "btf.h"
#include "eventfiles.h"
#include "info.h"
#include "objects.h"
#include "syscall.h"
#include "sysfiles.h"
#include "util.h"

/* --- ids -------------------------------------------------------------------- */

static uint32_t node_id(const struct fs_node *n)
{
	uint32_t id = 0;

	if (n->data_len >= sizeof(id))
		memcpy(&id, n->data, sizeof(id));
	return id;
}

/* The canonical decimal spelling of an id (1 .. UINT32_MAX).  0 or -ENOENT. */
static int parse_id(const char *name, uint32_t *id)
{
	uint64_t v = 0;
	const char *p;

	if (name[0] < '1' || name[0] > '9')
		return -ENOENT;
	for (p = name; *p; p++) {
		if (*p < '0' || *p > '9')
			return -ENOENT;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return -ENOENT;
	}
	*id = (uint32_t)v;
	return 0;
}

/* Fill *out: kind ops, no backing, data the id followed by len bytes at
 * extra.  0 or -ENOMEM. */
static int entry_set(struct fs_entry *out, const struct fs_node_ops *ops, uint32_t id,
		     const void *extra, size_t len)
{
	uint8_t *d = malloc(sizeof(id) + len);

	if (!d)
		return -ENOMEM;
	memcpy(d, &id, sizeof(id));
	if (len)
		memcpy(d + sizeof(id), extra, len);
	out->ops = ops;
	out->backing = NULL;
	out->data = d;
	out->data_len = sizeof(id) + len;
	return 0;
}

/* --- the kinds ---------------------------------------------------------------- */

enum { SYS_PROGS, SYS_MAPS, SYS_LINKS, SYS_BTF };

static const struct fs_node_ops sys_kind_dir_ops;
static const struct fs_node_ops prog_dir_ops;
static const struct fs_node_ops map_dir_ops;
static const struct fs_node_ops link_dir_ops;
static const struct fs_node_ops btf_file_ops;

static const struct sys_kind {
	const char *name;
	uint64_t ino;
	int (*next_id)(uint32_t start_id, uint32_t *next_id);
	int (*fd_by_id)(uint32_t id);
	const struct fs_node_ops *ops;	/* of sys/KIND/ID */
} sys_kinds[] = {
	[SYS_PROGS] = { "progs", FS_INO_SYS_PROGS, eb_sys_prog_get_next_id,
			eb_sys_prog_get_fd_by_id, &prog_dir_ops },
	[SYS_MAPS] = { "maps", FS_INO_SYS_MAPS, eb_sys_map_get_next_id,
		       eb_sys_map_get_fd_by_id, &map_dir_ops },
	[SYS_LINKS] = { "links", FS_INO_SYS_LINKS, eb_sys_link_get_next_id,
			eb_sys_link_get_fd_by_id, &link_dir_ops },
	[SYS_BTF] = { "btf", FS_INO_SYS_BTF, eb_sys_btf_get_next_id,
		      eb_sys_btf_get_fd_by_id, &btf_file_ops },
};

/* Whether id is a live object of kind k: 0, -ENOENT or -errno. */
static int id_alive(unsigned int k, uint32_t id)
{
	int fd = sys_kinds[k].fd_by_id(id);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int prog_getattr(struct fs_node *n, struct stat *st)
{
	return id_alive(SYS_PROGS, node_id(n));
}

static int map_getattr(struct fs_node *n, struct stat *st)
{
	return id_alive(SYS_MAPS, node_id(n));
}

static int link_getattr(struct fs_node *n, struct stat *st)
{
	return id_alive(SYS_LINKS, node_id(n));
}

/* --- sys/ ---------------------------------------------------------------------- */

static int sys_lookup(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	size_t i;

	for (i = 0; i < EB_ARRAY_SIZE(sys_kinds); i++) {
		if (!strcmp(name, sys_kinds[i].name)) {
			out->ops = &sys_kind_dir_ops;	/* the permanent node */
			return 0;
		}
	}
	return -ENOENT;
}

static int sys_readdir(struct fs_node *dir, struct fs_handle *dh, uint64_t pos,
		       fs_emit_fn emit, void *ctx)
{
	int n = 0;

	for (; pos < EB_ARRAY_SIZE(sys_kinds); pos++, n++)
		if (emit(ctx, sys_kinds[pos].name, S_IFDIR, sys_kinds[pos].ino))
			break;
	return n;
}

/* root's only (the kernel enforces it: default_permissions): the kernel
 * gives other users no ids or fds of BPF objects either */
const struct fs_node_ops fs_sys_dir_ops = {
	.kind = "sys",
	.mode = S_IFDIR | 0500,
	.lookup = sys_lookup,
	.readdir = sys_readdir,
};

int fs_sys_tree_init(void)
{
	size_t i;

	for (i = 0; i < EB_ARRAY_SIZE(sys_kinds); i++)
		if (!fs_node_new_permanent(sys_kinds[i].ino, FS_INO_SYS, sys_kinds[i].name,
					   &sys_kind_dir_ops))
			return -ENOMEM;
	return 0;
}

/* --- sys/KIND/: one entry per id ------------------------------------------------- */

static int kind_of_dir(const struct fs_node *dir)
{
	size_t i;

	for (i = 0; i < EB_ARRAY_SIZE(sys_kinds); i++)
		if (sys_kinds[i].ino == dir->ino)
			return (int)i;
	return -ENOENT;
}

static int kind_lookup(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	int k = kind_of_dir(dir), ret;
	uint32_t id;

	if (k < 0 || parse_id(name, &id))
		return -ENOENT;
	ret = id_alive((unsigned int)k, id);
	if (ret)
		return ret;
	return entry_set(out, sys_kinds[k].ops, id, NULL, 0);
}

/* The ids of a listing, taken when it starts (position 0). */
struct id_list {
	uint32_t *ids;
	size_t n, cap;
};

static void id_list_free(void *p)
{
	struct id_list *l = p;

	free(l->ids);
	free(l);
}

static int id_list_load(struct id_list *l, unsigned int k)
{
	uint32_t id = 0;
	int ret;

	l->n = 0;
	for (;;) {
		ret = sys_kinds[k].next_id(id, &id);
		if (ret == -ENOENT)
			return 0;
		if (ret)
			return ret;
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 64;
			uint32_t *a = eb_reallocarray(l->ids, cap, sizeof(*a));

			if (!a)
				return -ENOMEM;
			l->ids = a;
			l->cap = cap;
		}
		l->ids[l->n++] = id;
	}
}

static int kind_readdir(struct fs_node *dir, struct fs_handle *dh, uint64_t pos,
			fs_emit_fn emit, void *ctx)
{
	struct eb_strbuf name = EB_STRBUF_INIT;
	struct id_list *l = dh->priv;
	int k = kind_of_dir(dir), n = 0, ret;
	mode_t mode;

	if (k < 0)
		return k;
	if (!l) {
		l = calloc(1, sizeof(*l));
		if (!l)
			return -ENOMEM;
		dh->priv = l;
		dh->priv_free = id_list_free;
		ret = id_list_load(l, (unsigned int)k);
		if (ret)
			return ret;
	} else if (pos == 0) {
		ret = id_list_load(l, (unsigned int)k);
		if (ret)
			return ret;
	}
	mode = sys_kinds[k].ops->mode & S_IFMT;
	for (; pos < l->n; pos++, n++) {
		eb_strbuf_reset(&name);
		eb_strbuf_addf(&name, "%u", l->ids[pos]);
		if (eb_strbuf_error(&name)) {
			n = n ? n : -ENOMEM;
			break;
		}
		if (emit(ctx, name.buf, mode, 0))
			break;
	}
	eb_strbuf_release(&name);
	return n;
}

static const struct fs_node_ops sys_kind_dir_ops = {
	.kind = "sys_kind",
	.mode = S_IFDIR | 0555,
	.lookup = kind_lookup,
	.readdir = kind_readdir,
};

/* --- directories of fixed files: sys/progs/ID/, sys/links/ID/ --------------------- */

struct fixed_file {
	const char *name;
	const struct fs_node_ops *ops;
};

static int fixed_lookup(const struct fixed_file *files, size_t n, unsigned int k,
			struct fs_node *dir, const char *name, struct fs_entry *out)
{
	uint32_t id = node_id(dir);
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		if (strcmp(name, files[i].name))
			continue;
		ret = id_alive(k, id);
		return ret ? ret : entry_set(out, files[i].ops, id, NULL, 0);
	}
	return -ENOENT;
}

static int fixed_readdir(const struct fixed_file *files, size_t n, uint64_t pos,
			 fs_emit_fn emit, void *ctx)
{
	int cnt = 0;

	for (; pos < n; pos++, cnt++)
		if (emit(ctx, files[pos].name, files[pos].ops->mode & S_IFMT, 0))
			break;
	return cnt;
}

/* --- sys/progs/ID/ ------------------------------------------------------------------ */

/* Open program id, render it with fn, close it. */
static int prog_render(struct fs_handle *h, struct eb_strbuf *out, bool xlated)
{
	int fd = eb_sys_prog_get_fd_by_id(node_id(h->node)), ret;

	if (fd < 0)
		return fd;
	ret = xlated ? fs_prog_xlated_render(fd, out) : fs_prog_info_render(fd, NULL, out);
	close(fd);
	return ret;
}

static int prog_info_render(struct fs_handle *h, struct eb_strbuf *out)
{
	return prog_render(h, out, false);
}

static int prog_xlated_render(struct fs_handle *h, struct eb_strbuf *out)
{
	return prog_render(h, out, true);
}

static const struct fs_node_ops prog_info_ops = {
	.kind = "sys_prog_info",
	.mode = S_IFREG | 0444,
	.live = true,
	.getattr = prog_getattr,
	.render = prog_info_render,
	.read = fs_text_read,
};

static const struct fs_node_ops prog_xlated_ops = {
	.kind = "sys_prog_xlated",
	.mode = S_IFREG | 0444,
	.getattr = prog_getattr,
	.render = prog_xlated_render,
	.read = fs_text_read,
};

static const struct fixed_file prog_files[] = {
	{ "info", &prog_info_ops },
	{ "xlated", &prog_xlated_ops },
};

static int prog_dir_lookup(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	return fixed_lookup(prog_files, EB_ARRAY_SIZE(prog_files), SYS_PROGS, dir, name, out);
}

static int prog_dir_readdir(struct fs_node *dir, struct fs_handle *dh, uint64_t pos,
			    fs_emit_fn emit, void *ctx)
{
	return fixed_readdir(prog_files, EB_ARRAY_SIZE(prog_files), pos, emit, ctx);
}

static const struct fs_node_ops prog_dir_ops = {
	.kind = "sys_prog",
	.mode = S_IFDIR | 0555,
	.getattr = prog_getattr,
	.lookup = prog_dir_lookup,
	.readdir = prog_dir_readdir,
};

/* --- sys/links/ID/ ------------------------------------------------------------------ */

static int link_info_render(struct fs_handle *h, struct eb_strbuf *out)
{
	return eb_link_describe_id(node_id(h->node), out);
}

static const struct fs_node_ops link_info_ops = {
	.kind = "sys_link_info",
	.mode = S_IFREG | 0444,
	.live = true,
	.getattr = link_getattr,
	.render = link_info_render,
	.read = fs_text_read,
};

static const struct fixed_file link_files[] = {
	{ "info", &link_info_ops },
};

static int link_dir_lookup(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	return fixed_lookup(link_files, EB_ARRAY_SIZE(link_files), SYS_LINKS, dir, name, out);
}

static int link_dir_readdir(struct fs_node *dir, struct fs_handle *dh, uint64_t pos,
			    fs_emit_fn emit, void *ctx)
{
	return fixed_readdir(link_files, EB_ARRAY_SIZE(link_files), pos, emit, ctx);
}

static const struct fs_node_ops link_dir_ops = {
	.kind = "sys_link",
	.mode = S_IFDIR | 0555,
	.getattr = link_getattr,
	.lookup = link_dir_lookup,
	.readdir = link_dir_readdir,
};

/* --- sys/btf/ID --------------------------------------------------------------------- */

static int btf_getattr(struct fs_node *n, struct stat *st)
{
	struct eb_btf_info bi;
	int ret;

	memset(&bi, 0, sizeof(bi));
	ret = eb_btf_info_by_id(node_id(n), &bi);
	if (ret)
		return ret;
	st->st_size = (off_t)bi.size;
	eb_btf_info_release(&bi);
	return 0;
}

static int btf_render(struct fs_handle *h, struct eb_strbuf *out)
{
	int fd = eb_sys_btf_get_fd_by_id(node_id(h->node)), ret;
	void *data = NULL;
	uint32_t size = 0;

	if (fd < 0)
		return fd;
	ret = eb_btf_get_raw_by_fd(fd, &data, &size);
	close(fd);
	if (ret)
		return ret;
	eb_strbuf_add(out, data, size);
	free(data);
	return 0;
}

static const struct fs_node_ops btf_file_ops = {
	.kind = "sys_btf",
	.mode = S_IFREG | 0444,
	.getattr = btf_getattr,
	.render = btf_render,
	.read = fs_text_read,
};

/* --- sys/maps/ID/: mapfiles.c's kinds over transient maps -------------------------- */

/* The map's own BTF (program BTF: standalone), or NULL (spell by size). */
static struct eb_btf *map_btf(uint32_t btf_id)
{
	struct eb_btf *btf = NULL;
	void *data = NULL;
	uint32_t size = 0;
	int fd, ret;

	fd = eb_sys_btf_get_fd_by_id(btf_id);
	if (fd < 0)
		return NULL;
	ret = eb_btf_get_raw_by_fd(fd, &data, &size);
	close(fd);
	if (!ret && eb_btf_parse(data, size, &btf))
		btf = NULL;
	free(data);
	return btf;
}

/*
 * Spellings of recent maps by id: a map's BTF and sizes never change and
 * the kernel never reuses an id, so the BTF of a map is fetched and
 * parsed once, not at every lookup, getattr and open of its key files.
 */
#define FMT_CACHE 16
static struct {
	pthread_mutex_t lock;
	unsigned int next;
	struct {
		uint32_t id;		/* 0: empty (no map has id 0) */
		enum fs_fmt key, val;
	} e[FMT_CACHE];
} fmts = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* How to spell the keys and values of the map mi describes. */
static void map_fmts(const struct eb_map_info *mi, enum fs_fmt *key, enum fs_fmt *val)
{
	struct eb_btf *btf = NULL;
	unsigned int i;

	pthread_mutex_lock(&fmts.lock);
	for (i = 0; i < FMT_CACHE; i++) {
		if (fmts.e[i].id == mi->id) {
			*key = fmts.e[i].key;
			*val = fmts.e[i].val;
			pthread_mutex_unlock(&fmts.lock);
			return;
		}
	}
	pthread_mutex_unlock(&fmts.lock);
	if (mi->btf_id && (mi->btf_key_type_id || mi->btf_value_type_id) &&
	    (fs_fmt_int_size(mi->key_size) || fs_fmt_int_size(mi->value_size)))
		btf = map_btf(mi->btf_id);
	*key = fs_btf_fmt(btf, mi->btf_key_type_id, mi->key_size);
	*val = fs_btf_fmt(btf, mi->btf_value_type_id, mi->value_size);
	eb_btf_free(btf);
	pthread_mutex_lock(&fmts.lock);
	i = fmts.next++ % FMT_CACHE;
	fmts.e[i].id = mi->id;
	fmts.e[i].key = *key;
	fmts.e[i].val = *val;
	pthread_mutex_unlock(&fmts.lock);
}

/*
 * Open map id as a transient, unregistered map named by its kernel name,
 * keys and values spelled as the loader would spell them.  *out: one
 * reference (fs_map_put() closes its fd); *type: the map type.  0 or
 * -errno (-ENOENT: no such id).
 */
static int map_open(uint32_t id, struct fs_map **out, uint32_t *type)
{
	struct fs_map_desc d = { 0 };
	struct eb_map_info mi;
	int fd, ret;

	fd = eb_sys_map_get_fd_by_id(id);
	if (fd < 0)
		return fd;
	memset(&mi, 0, sizeof(mi));
	ret = eb_map_info_by_fd(fd, &mi);
	if (!ret) {
		d.name = mi.name;
		d.fd = fd;
		map_fmts(&mi, &d.key_fmt, &d.val_fmt);
		ret = fs_map_new(&d, out);
		*type = mi.type;
	}
	close(fd);
	return ret;
}

/* What mapfiles.c's kind `ops` sees for sys node n: a copy of n whose
 * backing is map m and whose data is the key (after the id). */
static void stand_in(struct fs_node *tmp, const struct fs_node *n,
		     const struct fs_node_ops *ops, struct fs_map *m)
{
	*tmp = *n;
	tmp->ops = ops;
	tmp->backing = fs_map_backing(m);
	tmp->data = (uint8_t *)n->data + sizeof(uint32_t);
	tmp->data_len = n->data_len - sizeof(uint32_t);
	tmp->priv = NULL;
	tmp->ino_next = NULL;
	tmp->name_next = NULL;
}

static const struct fs_node_ops map_key_ops;
static const struct fs_node_ops map_info_ops;
static const struct fs_node_ops map_dump_ops;

/* Our kind for one of mapfiles.c's, NULL for the ones sys/ does not show. */
static const struct fs_node_ops *sys_kind_of(const struct fs_node_ops *inner)
{
	if (inner == fs_map_kinds.key)
		return &map_key_ops;
	if (inner == fs_map_kinds.info)
		return &map_info_ops;
	if (inner == fs_map_kinds.dump)
		return &map_dump_ops;
	return NULL;
}

/* Turn the entry mapfiles.c's op filled (*e, consumed) into ours. */
static int entry_from_inner(struct fs_entry *out, const struct fs_node *dir,
			    struct fs_entry *e)
{
	const struct fs_node_ops *ops = sys_kind_of(e->ops);
	int ret = ops ? entry_set(out, ops, node_id(dir), e->data, e->data_len) : -ENOENT;

	if (!ret && e->attr_known) {	/* our getattr would say the same */
		out->attr_known = true;
		out->size = e->size;
		out->mtime = e->mtime;
	}
	fs_backing_put(e->backing);
	free(e->data);
	memset(e, 0, sizeof(*e));
	return ret;
}

/*
 * An open handle of sys/maps/ID or a file in it: the transient map it
 * holds until it is closed, the stand-in node mapfiles.c's op sees, and
 * that op's own handle state.
 */
struct sys_hmap {
	struct fs_map *map;
	uint32_t type;
	struct fs_node node;
	void *inner;
	void (*inner_free)(void *p);
};

static void hmap_free(void *p)
{
	struct sys_hmap *s = p;

	if (s->inner_free)
		s->inner_free(s->inner);
	fs_map_put(s->map);
	free(s);
}

/* Give h a transient map showing mapfiles.c's kind `inner` (h->priv).
 * 0 or -errno (-ENOENT: the map is gone). */
static int hmap_attach(struct fs_handle *h, const struct fs_node_ops *inner)
{
	struct sys_hmap *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	ret = map_open(node_id(h->node), &s->map, &s->type);
	if (ret) {
		free(s);
		return ret;
	}
	stand_in(&s->node, h->node, inner, s->map);
	h->priv = s;
	h->priv_free = hmap_free;
	return 0;
}

/* The handle mapfiles.c's op sees: a copy of h over the stand-in node
 * with the op's own priv (its lock is never used). */
static void hmap_enter(const struct fs_handle *h, struct fs_handle *th)
{
	const struct sys_hmap *s = h->priv;

	memcpy(th, h, sizeof(*th));
	th->node = (struct fs_node *)&s->node;
	th->priv = s->inner;
	th->priv_free = s->inner_free;
}

static void hmap_leave(struct fs_handle *h, const struct fs_handle *th)
{
	struct sys_hmap *s = h->priv;

	s->inner = th->priv;
	s->inner_free = th->priv_free;
}

static int map_key_open(struct fs_handle *h)
{
	return hmap_attach(h, fs_map_kinds.key);
}

static int map_info_open(struct fs_handle *h)
{
	return hmap_attach(h, fs_map_kinds.info);
}

static int map_dump_open(struct fs_handle *h)
{
	return hmap_attach(h, fs_map_kinds.dump);
}

/* The ops of open handles: the stand-in's kind does the work. */
static int map_h_render(struct fs_handle *h, struct eb_strbuf *out)
{
	const struct sys_hmap *s = h->priv;
	struct fs_handle th;
	int ret;

	hmap_enter(h, &th);
	ret = s->node.ops->render(&th, out);
	hmap_leave(h, &th);
	return ret;
}

static int map_h_read(struct fs_handle *h, size_t size, off_t off, struct eb_strbuf *out)
{
	const struct sys_hmap *s = h->priv;
	struct fs_handle th;
	int ret;

	hmap_enter(h, &th);
	ret = s->node.ops->read(&th, size, off, out);
	hmap_leave(h, &th);
	return ret;
}

static int map_h_check(struct fs_handle *h)
{
	const struct sys_hmap *s = h->priv;
	struct fs_handle th;
	int ret;

	hmap_enter(h, &th);
	ret = s->node.ops->check(&th);
	hmap_leave(h, &th);
	return ret;
}

static int map_h_commit(struct fs_handle *h)
{
	const struct sys_hmap *s = h->priv;
	struct fs_handle th;
	int ret;

	hmap_enter(h, &th);
	ret = s->node.ops->commit(&th);
	hmap_leave(h, &th);
	return ret;
}

/* Node ops open the map for the call only. */
static int key_getattr(struct fs_node *n, struct stat *st)
{
	struct fs_node tmp;
	struct fs_map *m;
	uint32_t type;
	int ret;

	ret = map_open(node_id(n), &m, &type);
	if (ret)
		return ret;
	stand_in(&tmp, n, fs_map_kinds.key, m);
	ret = fs_map_kinds.key->getattr(&tmp, st);
	fs_map_put(m);
	return ret;
}

static const struct fs_node_ops map_key_ops = {
	.kind = "sys_map_key",
	.mode = S_IFREG | 0644,
	.live = true,
	.writable = true,
	.getattr = key_getattr,
	.open = map_key_open,
	.render = map_h_render,
	.read = fs_text_read,
	.check = map_h_check,
	.commit = map_h_commit,
};

static const struct fs_node_ops map_info_ops = {
	.kind = "sys_map_info",
	.mode = S_IFREG | 0444,
	.live = true,
	.getattr = map_getattr,
	.open = map_info_open,
	.render = map_h_render,
	.read = fs_text_read,
};

static const struct fs_node_ops map_dump_ops = {
	.kind = "sys_map_dump",
	.mode = S_IFREG | 0444,
	.live = true,
	.getattr = map_getattr,
	.open = map_dump_open,
	.read = map_h_read,
};

static int map_dir_lookup(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	struct fs_entry e = { 0 };
	struct fs_node tmp;
	struct fs_map *m;
	uint32_t type;
	int ret;

	ret = map_open(node_id(dir), &m, &type);
	if (ret)
		return ret;
	if (fs_events_map_type(type) && strcmp(name, ".info")) {
		ret = -ENOENT;	/* no events files, no .dump */
		goto out;
	}
	stand_in(&tmp, dir, fs_map_kinds.dir, m);
	ret = fs_map_kinds.dir->lookup(&tmp, name, &e);
	if (!ret)
		ret = entry_from_inner(out, dir, &e);
out:
	fs_map_put(m);
	return ret;
}

static int map_dir_readdir(struct fs_node *dir, struct fs_handle *dh, uint64_t pos,
			   fs_emit_fn emit, void *ctx)
{
	struct sys_hmap *s = dh->priv;
	struct fs_handle th;
	int ret;

	if (!s) {
		ret = hmap_attach(dh, fs_map_kinds.dir);
		if (ret)
			return ret;
		s = dh->priv;
	}
	if (fs_events_map_type(s->type))
		return pos == 0 && !emit(ctx, ".info", S_IFREG, 0) ? 1 : 0;
	hmap_enter(dh, &th);
	ret = fs_map_kinds.dir->readdir(&s->node, &th, pos, emit, ctx);
	hmap_leave(dh, &th);
	return ret;
}

/* create and unlink run without the state lock; mapfiles.c's take it. */
static int map_dir_create(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	struct fs_entry e = { 0 };
	struct fs_node tmp;
	struct fs_map *m;
	uint32_t type;
	int ret;

	ret = map_open(node_id(dir), &m, &type);
	if (ret)
		return ret;
	stand_in(&tmp, dir, fs_map_kinds.dir, m);
	ret = fs_map_kinds.dir->create(&tmp, name, &e);
	if (!ret)
		ret = entry_from_inner(out, dir, &e);
	fs_map_put(m);
	return ret;
}

static int map_dir_unlink(struct fs_node *dir, const char *name)
{
	struct fs_node tmp;
	struct fs_map *m;
	uint32_t type;
	int ret;

	ret = map_open(node_id(dir), &m, &type);
	if (ret)
		return ret;
	stand_in(&tmp, dir, fs_map_kinds.dir, m);
	ret = fs_map_kinds.dir->unlink(&tmp, name);
	fs_map_put(m);
	return ret;
}

static const struct fs_node_ops map_dir_ops = {
	.kind = "sys_map",
	.mode = S_IFDIR | 0755,
	.dir_writable = true,
	.getattr = map_getattr,
	.lookup = map_dir_lookup,
	.readdir = map_dir_readdir,
	.create = map_dir_create,
	.unlink = map_dir_unlink,
};
