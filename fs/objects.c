// SPDX-License-Identifier: MIT
/*
 * objects.c - progs/: loading and unloading objects, the registry.
 *
 *   progs/OBJ          an object as written: reading returns its bytes;
 *                      writing and closing loads it (replacing the old
 *                      contents only if the new ones load); rm unloads
 *   progs/PROG/        one directory per loaded program (progfiles.c)
 *   progs/.last_error  why the last load failed: the loader's message,
 *                      the errno and the verifier log
 *
 * Map names in maps/ are the ELF names; global data maps are named
 * OBJNAME + section (object name = file name up to its first '.'), e.g.
 * "globals.rodata", "globals.bss", "globals.data.custom".  A map name
 * already in maps/ makes a load fail with EEXIST, unless both maps are
 * declared with LIBBPF_PIN_BY_NAME: then the new object uses the existing
 * map (the loader checks type, sizes and flags: EINVAL when they differ).
 * Copying a new build over a loaded object keeps each map the new object
 * declares with the same type, sizes and flags and does not initialise
 * itself (keep_on_replace()), and moves the links to the new programs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"
#include "eventfiles.h"
#include "info.h"
#include "linkfiles.h"
#include "log.h"
#include "object.h"
#include "objects.h"
#include "syscall.h"
#include "util.h"

/* --- the registry --------------------------------------------------------- */

static struct {
	struct fs_obj **objs;
	unsigned int nobjs;
	struct fs_prog **progs;
	unsigned int nprogs;
} reg;

static pthread_mutex_t last_error_lock = PTHREAD_MUTEX_INITIALIZER;
static struct eb_strbuf last_error = EB_STRBUF_INIT;

struct fs_obj *fs_obj_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < reg.nobjs; i++)
		if (!strcmp(reg.objs[i]->name, name))
			return reg.objs[i];
	return NULL;
}

struct fs_prog *fs_prog_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < reg.nprogs; i++)
		if (!strcmp(reg.progs[i]->name, name))
			return reg.progs[i];
	return NULL;
}

struct fs_obj *fs_obj_at(unsigned int i)
{
	return i < reg.nobjs ? reg.objs[i] : NULL;
}

struct fs_prog *fs_prog_at(unsigned int i)
{
	return i < reg.nprogs ? reg.progs[i] : NULL;
}

/* Append p to an array of pointers.  0 or -ENOMEM. */
static int ptr_push(void ***arr, unsigned int *n, void *p)
{
	void **a = eb_reallocarray(*arr, *n + 1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a[(*n)++] = p;
	*arr = a;
	return 0;
}

static void ptr_remove(void **arr, unsigned int *n, void *p)
{
	unsigned int i;

	for (i = 0; i < *n; i++) {
		if (arr[i] == p) {
			memmove(arr + i, arr + i + 1, (*n - i - 1) * sizeof(*arr));
			(*n)--;
			return;
		}
	}
}

void fs_last_error_render(struct eb_strbuf *out)
{
	pthread_mutex_lock(&last_error_lock);
	eb_strbuf_add(out, last_error.buf, last_error.len);
	pthread_mutex_unlock(&last_error_lock);
}

/* --- objects ------------------------------------------------------------------ */

static void obj_destroy(struct fs_backing *b)
{
	struct fs_obj *obj = (struct fs_obj *)b;
	unsigned int i;

	for (i = 0; i < obj->nprogs; i++)
		fs_backing_put(&obj->progs[i]->b);
	for (i = 0; i < obj->nmaps; i++)
		fs_map_put(obj->maps[i]);
	free(obj->progs);
	free(obj->maps);
	eb_object_close(obj->eo);
	free(obj->image);
	free(obj->name);
	free(obj);
}

struct fs_obj *fs_obj_new(const char *name)
{
	struct fs_obj *obj = calloc(1, sizeof(*obj));

	if (!obj)
		return NULL;
	fs_backing_init(&obj->b, obj_destroy);
	obj->name = strdup(name);
	if (!obj->name) {
		free(obj);
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &obj->mtime);
	return obj;
}

static struct fs_prog *prog_new(const struct eb_prog *p, const char *obj_name,
				const char *license, const char *log, int fd)
{
	struct fs_prog *fp = calloc(1, sizeof(*fp));

	if (!fp)
		return NULL;
	fs_backing_init(&fp->b, fs_prog_destroy);
	pthread_mutex_init(&fp->run_lock, NULL);
	eb_strbuf_init(&fp->run_result);
	fp->fd = fd;
	fp->type = p->type;
	fp->expected_attach_type = p->expected_attach_type;
	fp->name = strdup(p->name);
	fp->obj_name = strdup(obj_name);
	fp->sec_name = strdup(p->sec_name);
	fp->license = strdup(license ? license : "");
	fp->log = strdup(log ? log : "");
	if (!fp->name || !fp->obj_name || !fp->sec_name || !fp->license || !fp->log) {
		fs_prog_destroy(&fp->b);
		return NULL;
	}
	return fp;
}

/* The name of a map in maps/ (allocated). */
static char *map_fs_name(const struct eb_object *eo, const struct eb_obj_map *m)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;

	if (m->origin == EB_MAP_DATA)
		eb_strbuf_adds(&sb, eb_object_name(eo));
	eb_strbuf_adds(&sb, m->name);
	if (eb_strbuf_error(&sb)) {
		eb_strbuf_release(&sb);
		return NULL;
	}
	return eb_strbuf_detach(&sb, NULL);
}

enum fs_fmt fs_btf_fmt(const struct eb_btf *btf, uint32_t type_id, uint32_t size)
{
	const struct btf_type *t;
	int id;

	if (!fs_fmt_int_size(size))
		return FS_FMT_HEX;
	if (!btf || !type_id)
		return FS_FMT_UINT;
	id = eb_btf_skip_mods(btf, type_id);
	t = id > 0 ? eb_btf_type_by_id(btf, (uint32_t)id) : NULL;
	if (!t)
		return FS_FMT_HEX;
	switch (eb_btf_kind(t)) {
	case BTF_KIND_INT:
		return (BTF_INT_ENCODING(eb_btf_int_info(t)) & BTF_INT_SIGNED) ?
			FS_FMT_SINT : FS_FMT_UINT;
	case BTF_KIND_ENUM:
#ifdef BTF_KIND_ENUM64
	case BTF_KIND_ENUM64:
#endif
		return eb_btf_kflag(t) ? FS_FMT_SINT : FS_FMT_UINT;
	default:
		return FS_FMT_HEX;
	}
}

static void map_desc(const struct eb_object *eo, const struct eb_obj_map *m,
		     const char *name, int fd, struct fs_map_desc *d)
{
	const struct eb_btf *btf = eb_object_btf(eo);

	d->name = name;
	d->fd = fd;
	d->pinning = m->pinning;
	d->key_fmt = fs_btf_fmt(btf, m->btf_key_type_id, m->key_size);
	d->val_fmt = fs_btf_fmt(btf, m->btf_value_type_id, m->value_size);
	if (m->origin == EB_MAP_DATA)
		d->val_fmt = FS_FMT_HEX;
}

/* --- loading ----------------------------------------------------------------- */

struct load_ctx {
	struct fs_obj *obj;
	struct eb_object *eo;
	struct eb_strbuf *err;	/* our own message, if we refused */
};

/* Is m owned by nobody but obj (so a replacement of obj may recreate it)? */
static bool owned_only_by(const struct fs_map *m, const struct fs_obj *obj)
{
	return obj->registered && fs_map_owner_cnt(m) == 1 &&
	       !strcmp(fs_map_owner(m, 0), obj->name);
}

/*
 * A replacement of an object keeps the old map when the new object
 * declares it alike (type, sizes, flags) and does not fill it itself
 * (initial data, slots: a kept prog array would hold the old programs).
 */
static bool keep_on_replace(const struct eb_obj_map *m, const struct fs_map *old)
{
	struct eb_map_info mi;
	uint32_t max = m->max_entries;

	if (m->init_data || m->frozen || m->init_slot_cnt || m->inner || m->st_ops_tname ||
	    m->type == BPF_MAP_TYPE_PROG_ARRAY)
		return false;
	if (!max && m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		max = (uint32_t)eb_possible_cpus();
	if (eb_map_info_by_fd(fs_map_fd(old), &mi))
		return false;
	return mi.type == m->type && mi.key_size == m->key_size &&
	       mi.value_size == m->value_size && mi.max_entries == max &&
	       mi.flags == m->map_flags;
}

/* Refuse the load: the message into lc->err and the log.  Returns err. */
static int refuse(struct load_ctx *lc, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct load_ctx *lc, int err, const char *fmt, ...)
{
	va_list ap;

	eb_strbuf_reset(lc->err);
	va_start(ap, fmt);
	eb_strbuf_vaddf(lc->err, fmt, ap);
	va_end(ap);
	eb_warn("fs", "%s: %s", lc->obj->name, lc->err->buf);
	return err;
}

static int reuse_map(const struct eb_obj_map *m, void *ctx)
{
	struct load_ctx *lc = ctx;
	struct fs_map *old;
	char *name = map_fs_name(lc->eo, m);
	int fd;

	if (!name)
		return -ENOMEM;
	old = fs_map_find(name);
	if (!old || (owned_only_by(old, lc->obj) &&
		     !(m->pinning == EB_PIN_BY_NAME && fs_map_pinning(old) == EB_PIN_BY_NAME) &&
		     !keep_on_replace(m, old))) {
		free(name);
		return -ENOENT;
	}
	if ((m->pinning == EB_PIN_BY_NAME && fs_map_pinning(old) == EB_PIN_BY_NAME) ||
	    owned_only_by(old, lc->obj)) {
		free(name);
		fd = fcntl(fs_map_fd(old), F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? -errno : fd;
	}
	fd = refuse(lc, -EEXIST, "map '%s' already exists in maps/ (object %s)", name,
		    fs_map_owner_cnt(old) ? fs_map_owner(old, 0) : "?");
	free(name);
	return fd;
}

/*
 * Whether name can be a directory of progs/ or maps/ and a pin: not
 * empty, no '/', not starting with '.' (".", ".." and the metadata files
 * like .info), at most NAME_MAX bytes as a pin.  0, or -EINVAL /
 * -ENAMETOOLONG with the reason in lc->err.
 */
static int check_name(struct load_ctx *lc, const char *what, const char *name)
{
	size_t len = fs_pin_name_len(name);

	if (!*name || *name == '.' || strchr(name, '/'))
		return refuse(lc, -EINVAL, "%s name '%s' cannot be a file name (empty, "
			      "starting with '.' or holding '/')", what, name);
	if (len > NAME_MAX)
		return refuse(lc, -ENAMETOOLONG, "%s name '%.40s...' is too long to pin: "
			      "%zu bytes ('.' and '%%' count 3), at most %d", what, name, len,
			      NAME_MAX);
	return 0;
}

/* Refuse names that cannot be files or pins, then programs whose names
 * are taken in progs/ by another object or by this object's own file. */
static int check_names(struct load_ctx *lc)
{
	unsigned int i;
	int ret;

	for (i = 0; i < eb_object_prog_cnt(lc->eo); i++) {
		const struct eb_prog *p = eb_object_prog(lc->eo, i);

		ret = p->sec_known ? check_name(lc, "program", p->name) : 0;
		if (ret)
			return ret;
	}
	for (i = 0; i < eb_object_map_cnt(lc->eo); i++) {
		char *name = map_fs_name(lc->eo, eb_object_map(lc->eo, i));

		if (!name)
			return -ENOMEM;
		ret = check_name(lc, "map", name);
		free(name);
		if (ret)
			return ret;
	}
	for (i = 0; i < eb_object_prog_cnt(lc->eo); i++) {
		const struct eb_prog *p = eb_object_prog(lc->eo, i);
		struct fs_prog *other = fs_prog_find(p->name);
		struct fs_obj *o = fs_obj_find(p->name);

		if (!p->sec_known)
			continue;
		if (!strcmp(p->name, lc->obj->name))
			return refuse(lc, -EEXIST, "program '%s' has the name of its own object "
				      "file: name the file differently", p->name);
		if ((other && strcmp(other->obj_name, lc->obj->name)) || o)
			return refuse(lc, -EEXIST, "program '%s' already exists in progs/ (%s %s)",
				      p->name, other ? "object" : "file",
				      other ? other->obj_name : o->name);
	}
	return 0;
}

static void record_error(const char *name, int err, const struct eb_strbuf *msg,
			 const struct eb_object *eo)
{
	const char *log = NULL, *prog = NULL;
	unsigned int i;

	if (eo) {
		for (i = 0; i < eb_object_prog_cnt(eo); i++) {
			const struct eb_prog *p = eb_object_prog(eo, i);
			const char *l = eb_object_prog_log(p);

			if (l && *l) {
				log = l;
				prog = p->name;
			}
		}
	}
	pthread_mutex_lock(&last_error_lock);
	eb_strbuf_reset(&last_error);
	eb_strbuf_addf(&last_error, "object: %s\nerrno: %d (%s)\nmessage: %s\n", name,
		       -err, eb_strerror(err),
		       msg->len ? msg->buf : eo ? eb_object_errmsg(eo) : "");
	if (prog) {
		eb_strbuf_addf(&last_error, "program: %s\nverifier log:\n", prog);
		eb_strbuf_adds(&last_error, log);
		if (last_error.len && last_error.buf[last_error.len - 1] != '\n')
			eb_strbuf_addch(&last_error, '\n');
	}
	pthread_mutex_unlock(&last_error_lock);
}

/* A write went past max_object: no load is attempted (so no errno line:
 * the write's EFBIG is what the shell shows). */
static void record_too_big(const char *name, off_t off, size_t size, uint64_t max)
{
	pthread_mutex_lock(&last_error_lock);
	eb_strbuf_reset(&last_error);
	eb_strbuf_addf(&last_error,
		       "object: %s\nmessage: %s: larger than max_object (%llu bytes): a write reached byte %llu; nothing is loaded (mount with -o max_object=BYTES for more)\n",
		       name, name, (unsigned long long)max,
		       off < 0 ? 0ULL : (unsigned long long)off + size);
	pthread_mutex_unlock(&last_error_lock);
}

/* The programs' logs as "name\0log\0..." for the image store. */
static void logs_blob(struct fs_prog **progs, unsigned int n, struct eb_strbuf *out)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		eb_strbuf_add(out, progs[i]->name, strlen(progs[i]->name) + 1);
		eb_strbuf_add(out, progs[i]->log, strlen(progs[i]->log) + 1);
	}
}

static const char *logs_find(const char *blob, size_t len, const char *name)
{
	const char *p = blob, *end = blob + len;

	while (p < end) {
		const char *log = memchr(p, '\0', (size_t)(end - p));

		if (!log || ++log >= end)
			break;
		if (!strcmp(p, name))
			return log;
		p = memchr(log, '\0', (size_t)(end - log));
		if (!p)
			break;
		p++;
	}
	return "";
}

/* The new contents of an object, built before they are published. */
struct contents {
	void *image;
	size_t image_len;
	struct eb_object *eo;
	struct fs_prog **progs;
	unsigned int nprogs;
	struct fs_map **maps;
	bool *map_new;		/* created by this load (register + pin) */
	bool *map_events;	/* a perf event array or ring buffer */
	unsigned int nmaps;
};

static void contents_free(struct contents *c)
{
	unsigned int i;

	for (i = 0; i < c->nprogs; i++)
		fs_backing_put(&c->progs[i]->b);
	for (i = 0; i < c->nmaps; i++)
		fs_map_put(c->maps[i]);
	free(c->progs);
	free(c->maps);
	free(c->map_new);
	free(c->map_events);
	eb_object_close(c->eo);
	free(c->image);
	memset(c, 0, sizeof(*c));
}

/*
 * Build programs and maps from a loaded (or, for a restore, parsed)
 * object.  prog_fd(p) gives each program's fd (owned by the result);
 * map_fd(m) each map's fd (borrowed).  Skipped entries return -ENOENT.
 */
struct build_ops {
	/* true: maps the loader reused are the registered ones, others are
	 * new; false (restore): a registered map of the same name is it */
	bool loaded;
	int (*prog_fd)(const struct eb_prog *p, const char *obj, void *ctx);
	const char *(*prog_log)(const struct eb_prog *p, void *ctx);
	int (*map_fd)(const struct eb_obj_map *m, const char *name, void *ctx);
	void *ctx;
};

static int build_contents(const char *obj_name, struct contents *c,
			  const struct build_ops *bo)
{
	unsigned int i, n;
	int ret;

	n = eb_object_map_cnt(c->eo);
	c->maps = eb_calloc(n ? n : 1, sizeof(*c->maps));
	c->map_new = eb_calloc(n ? n : 1, sizeof(*c->map_new));
	c->map_events = eb_calloc(n ? n : 1, sizeof(*c->map_events));
	if (!c->maps || !c->map_new || !c->map_events)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct eb_obj_map *m = eb_object_map(c->eo, i);
		char *name = map_fs_name(c->eo, m);
		struct fs_map *fm = NULL;
		struct fs_map_desc d;
		int fd;

		if (!name)
			return -ENOMEM;
		fm = !bo->loaded || m->reused ? fs_map_find(name) : NULL;
		if (fm) {
			c->maps[c->nmaps++] = fs_map_get(fm);
			free(name);
			continue;
		}
		fd = bo->map_fd(m, name, bo->ctx);
		if (fd < 0) {
			free(name);
			if (fd == -ENOENT)
				continue;
			return fd;
		}
		map_desc(c->eo, m, name, fd, &d);
		d.own = bo->loaded;	/* created by this load, not read from pins */
		ret = fs_map_new(&d, &fm);
		free(name);
		if (ret)
			return ret;
		c->map_new[c->nmaps] = true;
		/* the declared type is the kernel's: no need to ask it */
		c->map_events[c->nmaps] = fs_events_map_type(m->type);
		c->maps[c->nmaps++] = fm;
	}
	for (i = 0; i < eb_object_prog_cnt(c->eo); i++) {
		const struct eb_prog *p = eb_object_prog(c->eo, i);
		struct fs_prog *fp;
		int fd = bo->prog_fd(p, obj_name, bo->ctx);

		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			return fd;
		fp = prog_new(p, obj_name, eb_object_license(c->eo), bo->prog_log(p, bo->ctx), fd);
		if (!fp) {
			close(fd);
			return -ENOMEM;
		}
		ret = ptr_push((void ***)&c->progs, &c->nprogs, fp);
		if (ret) {
			fs_backing_put(&fp->b);
			return ret;
		}
	}
	return 0;
}

static bool map_in(struct fs_map *m, struct fs_map **maps, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (maps[i] == m)
			return true;
	return false;
}

/* Unload what obj holds, except the maps in keep.  Write lock held. */
static void unload_contents(struct fs_obj *obj, struct fs_map **keep, unsigned int nkeep)
{
	unsigned int i;

	for (i = 0; i < obj->nprogs; i++) {
		struct fs_prog *p = obj->progs[i];
		char *path = fs_pin_path_prog(obj->name, p->name);

		(void)fs_unpin(path);
		free(path);
		p->b.gone = true;
		eb_zclose(&p->fd);
		ptr_remove((void **)reg.progs, &reg.nprogs, p);
		fs_backing_put(&p->b);	/* the registry's */
		fs_backing_put(&p->b);	/* the object's */
	}
	eb_zfree(&obj->progs);
	obj->nprogs = 0;
	for (i = 0; i < obj->nmaps; i++) {
		struct fs_map *m = obj->maps[i];

		if (!map_in(m, keep, nkeep) && !fs_map_del_owner(m, obj->name)) {
			char *path = fs_pin_path_map(fs_map_name(m));

			(void)fs_unpin(path);
			free(path);
			fs_events_map_removed(m);
			fs_map_unregister(m);
		}
		fs_map_put(m);
	}
	eb_zfree(&obj->maps);
	obj->nmaps = 0;
	eb_object_close(obj->eo);
	obj->eo = NULL;
	eb_zfree(&obj->image);
	obj->image_len = 0;
}

/* Make c the object's contents and register it.  Write lock held. */
static int publish(struct fs_obj *obj, struct contents *c, bool pin)
{
	unsigned int i;
	int ret = 0;

	if (!obj->registered) {
		ret = ptr_push((void ***)&reg.objs, &reg.nobjs, obj);
		if (ret)
			return ret;
		fs_backing_get(&obj->b);
		obj->registered = true;
	}
	for (i = 0; i < c->nprogs; i++) {
		struct fs_prog *p = c->progs[i];

		if (ptr_push((void ***)&reg.progs, &reg.nprogs, p)) {
			ret = -ENOMEM;
			continue;
		}
		fs_backing_get(&p->b);
		if (pin) {
			char *path = fs_pin_path_prog(obj->name, p->name);

			(void)fs_pin_replace(p->fd, path);
			free(path);
		}
	}
	for (i = 0; i < c->nmaps; i++) {
		struct fs_map *m = c->maps[i];

		if (fs_map_add_owner(m, obj->name))
			ret = -ENOMEM;
		if (!c->map_new[i])
			continue;
		if (fs_map_register(m))
			ret = -ENOMEM;
		else if (c->map_events[i])
			(void)fs_events_map_added(m);	/* read from now on */
		if (pin) {
			char *path = fs_pin_path_map(fs_map_name(m));

			(void)fs_pin_replace(fs_map_fd(m), path);
			free(path);
		}
	}
	obj->image = c->image;
	obj->image_len = c->image_len;
	obj->eo = c->eo;
	obj->progs = c->progs;
	obj->nprogs = c->nprogs;
	obj->maps = c->maps;
	obj->nmaps = c->nmaps;
	free(c->map_new);
	free(c->map_events);
	memset(c, 0, sizeof(*c));
	clock_gettime(CLOCK_REALTIME, &obj->mtime);
	if (ret)
		eb_warn("fs", "%s: out of memory while registering", obj->name);
	return 0;
}

static int loaded_prog_fd(const struct eb_prog *p, const char *obj, void *ctx)
{
	int fd;

	if (p->fd < 0)
		return -ENOENT;
	fd = fcntl(p->fd, F_DUPFD_CLOEXEC, 3);
	return fd < 0 ? -errno : fd;
}

static const char *loaded_prog_log(const struct eb_prog *p, void *ctx)
{
	return eb_object_prog_log(p);
}

static int loaded_map_fd(const struct eb_obj_map *m, const char *name, void *ctx)
{
	return m->fd;
}

/*
 * The kernel's BTF (CO-RE, ksyms, kfuncs, attach targets, struct_ops):
 * parsed on the first load that needs it, then lent to every load until
 * the daemon exits (loads only read it).  NULL if it cannot be read: the
 * loader then tries itself and reports why.
 */
static pthread_mutex_t kernel_btf_lock = PTHREAD_MUTEX_INITIALIZER;
static struct eb_btf *kernel_btf;

static struct eb_btf *kernel_btf_for(const struct eb_object *eo)
{
	const struct eb_btf_ext *ext = eb_object_btf_ext(eo);
	bool need = (ext && ext->core_relo_cnt) || eb_object_extern_cnt(eo);
	struct eb_btf *kb;
	unsigned int i;

	for (i = 0; i < eb_object_prog_cnt(eo) && !need; i++)
		need = eb_object_prog(eo, i)->type == BPF_PROG_TYPE_TRACING ||
		       eb_object_prog(eo, i)->type == BPF_PROG_TYPE_LSM ||
		       eb_object_prog(eo, i)->type == BPF_PROG_TYPE_STRUCT_OPS;
	for (i = 0; i < eb_object_map_cnt(eo) && !need; i++)
		need = eb_object_map(eo, i)->origin == EB_MAP_STRUCT_OPS;
	if (!need)
		return NULL;
	pthread_mutex_lock(&kernel_btf_lock);
	if (!kernel_btf && eb_btf_load_vmlinux(&kb) == 0)
		kernel_btf = kb;
	kb = kernel_btf;
	pthread_mutex_unlock(&kernel_btf_lock);
	return kb;
}

int fs_obj_load(struct fs_obj *obj, const void *image, size_t len)
{
	struct eb_strbuf err = EB_STRBUF_INIT, logs = EB_STRBUF_INIT;
	struct eb_open_opts oo = { .errmsg = &err };
	struct eb_load_opts lo = { 0 };
	struct contents c = { 0 };
	struct load_ctx lc = { .obj = obj, .err = &err };
	const struct build_ops bo = {
		.loaded = true,
		.prog_fd = loaded_prog_fd,
		.prog_log = loaded_prog_log,
		.map_fd = loaded_map_fd,
	};
	struct fs_obj *other;
	char *path;
	int ret;

	pthread_mutex_lock(&fs_st.load_lock);
	if (obj->b.gone) {
		ret = -ENOENT;
		goto out;
	}
	other = fs_obj_find(obj->name);
	if (other && other != obj) {
		eb_strbuf_addf(&err, "an object named '%s' was loaded meanwhile", obj->name);
		ret = -EEXIST;
		goto fail;
	}
	c.image = malloc(len ? len : 1);
	if (!c.image) {
		ret = -ENOMEM;
		goto fail;
	}
	memcpy(c.image, image, len);
	c.image_len = len;
	ret = eb_object_open_mem(image, len, obj->name, &oo, &c.eo);
	if (ret)
		goto fail;
	lc.eo = c.eo;

	fs_rdlock();
	ret = check_names(&lc);
	if (!ret) {
		lo.log_level = fs_st.cfg->log_level;
		lo.map_reuse = reuse_map;
		lo.map_reuse_ctx = &lc;
		lo.kernel_btf = kernel_btf_for(c.eo);
		ret = eb_object_load(c.eo, &lo);
	}
	fs_unlock();
	if (ret)
		goto fail;
	/* the registry cannot change while we hold load_lock */
	ret = build_contents(obj->name, &c, &bo);
	if (ret) {
		eb_strbuf_addf(&err, "cannot build the registry entries: %s", eb_strerror(ret));
		goto fail;
	}
	/* the old programs' links move to the new ones (linkfiles.c) */
	if (obj->registered) {
		ret = fs_links_replace_obj(obj->name, c.progs, c.nprogs, &err);
		if (ret)
			goto fail;
	}
	logs_blob(c.progs, c.nprogs, &logs);
	fs_pin_make_obj_dir(obj->name);
	path = fs_pin_path_image(obj->name);
	if (eb_strbuf_error(&logs) ||
	    fs_store_save(path, image, len, logs.buf, logs.len))
		eb_warn("fs", "%s: the object will not survive a restart", obj->name);
	free(path);

	fs_wrlock();
	if (obj->registered)
		unload_contents(obj, c.maps, c.nmaps);
	ret = publish(obj, &c, true);
	fs_unlock();
	fs_cache_changed();	/* the old contents went, new ones came */
	if (ret)
		goto fail;
	eb_info("fs", "loaded %s: %u programs, %u maps", obj->name, obj->nprogs,
		obj->nmaps);
	goto out;

fail:
	record_error(obj->name, ret, &err, c.eo);
	if (!obj->registered) {
		fs_wrlock();
		obj->b.gone = true;
		fs_unlock();
	}
out:
	pthread_mutex_unlock(&fs_st.load_lock);
	contents_free(&c);
	eb_strbuf_release(&err);
	eb_strbuf_release(&logs);
	return ret;
}

int fs_obj_unload_by_name(const char *name)
{
	struct fs_obj *obj;
	char *path;

	pthread_mutex_lock(&fs_st.load_lock);
	fs_links_detach_obj(name);	/* links first: no hook keeps a program */
	fs_wrlock();
	obj = fs_obj_find(name);
	if (!obj) {
		fs_unlock();
		pthread_mutex_unlock(&fs_st.load_lock);
		return -ENOENT;
	}
	unload_contents(obj, NULL, 0);
	ptr_remove((void **)reg.objs, &reg.nobjs, obj);
	obj->registered = false;
	obj->b.gone = true;
	path = fs_pin_path_image(name);
	(void)fs_unpin(path);
	free(path);
	path = fs_pin_path_obj(name);
	(void)fs_unpin(path);
	free(path);
	fs_unlock();
	fs_cache_changed();
	pthread_mutex_unlock(&fs_st.load_lock);
	eb_info("fs", "unloaded %s", name);
	fs_backing_put(&obj->b);
	return 0;
}

/* --- restoring from pins --------------------------------------------------------- */

struct restore_ctx {
	const char *logs;
	size_t logs_len;
};

static int pinned_prog_fd(const struct eb_prog *p, const char *obj, void *ctx)
{
	char *path;
	int fd;

	if (!p->sec_known)
		return -ENOENT;
	path = fs_pin_path_prog(obj, p->name);
	fd = fs_pin_open(path);
	if (fd < 0)
		eb_warn("fs", "restore %s: program %s: %s", obj, p->name, eb_strerror(fd));
	free(path);
	return fd < 0 ? -ENOENT : fd;
}

static const char *pinned_prog_log(const struct eb_prog *p, void *ctx)
{
	struct restore_ctx *rc = ctx;

	return logs_find(rc->logs, rc->logs_len, p->name);
}

static int pinned_map_fd(const struct eb_obj_map *m, const char *name, void *ctx)
{
	char *path = fs_pin_path_map(name);
	int fd = fs_pin_open(path);

	if (fd < 0)
		eb_warn("fs", "restore: map %s: %s", name, eb_strerror(fd));
	free(path);
	/* fs_map_new dups the fd; this one is closed after the restore */
	return fd < 0 ? -ENOENT : fd;
}

/* Remembers the pin fds build_contents borrowed, to close them after it
 * (the maps hold dups).  rc first: pinned_prog_log() casts ctx to it. */
struct restore_fds {
	struct restore_ctx rc;
	int *fds;
	unsigned int nfds;
};

static int pinned_map_fd_tracked(const struct eb_obj_map *m, const char *name, void *ctx)
{
	struct restore_fds *rf = ctx;
	int fd = pinned_map_fd(m, name, ctx), *a;

	if (fd < 0)
		return fd;
	a = eb_reallocarray(rf->fds, rf->nfds + 1, sizeof(*a));
	if (!a) {
		close(fd);
		return -ENOMEM;
	}
	a[rf->nfds++] = fd;
	rf->fds = a;
	return fd;
}

static void restore_one(const char *name)
{
	struct restore_fds rf = { { 0 } };
	const struct build_ops bo = {
		.prog_fd = pinned_prog_fd,
		.prog_log = pinned_prog_log,
		.map_fd = pinned_map_fd_tracked,
		.ctx = &rf,
	};
	struct contents c = { 0 };
	struct fs_obj *obj = NULL;
	void *logs = NULL;
	size_t logs_len = 0;
	unsigned int i;
	char *path;
	int ret;

	path = fs_pin_path_image(name);
	ret = fs_store_load(path, &c.image, &c.image_len, &logs, &logs_len);
	free(path);
	if (ret) {
		eb_warn("fs", "restore %s: no image: %s", name, eb_strerror(ret));
		return;
	}
	rf.rc.logs = logs;
	rf.rc.logs_len = logs_len;
	ret = eb_object_open_mem(c.image, c.image_len, name, NULL, &c.eo);
	if (!ret)
		ret = build_contents(name, &c, &bo);
	for (i = 0; i < rf.nfds; i++)
		close(rf.fds[i]);
	free(rf.fds);
	free(logs);
	obj = ret ? NULL : fs_obj_new(name);
	if (!obj) {
		eb_warn("fs", "restore %s: %s", name, eb_strerror(ret ? ret : -ENOMEM));
		contents_free(&c);
		return;
	}
	fs_wrlock();
	ret = publish(obj, &c, false);
	fs_unlock();
	if (ret)
		contents_free(&c);
	else
		eb_info("fs", "restored %s: %u programs, %u maps", name, obj->nprogs,
			obj->nmaps);
	fs_backing_put(&obj->b);
}

void fs_objects_restore(void)
{
	char *dirpath = fs_pin_path_obj("");
	struct dirent *de;
	DIR *d;

	if (!dirpath)
		return;
	d = opendir(dirpath);
	free(dirpath);
	if (!d)
		return;
	pthread_mutex_lock(&fs_st.load_lock);
	while ((de = readdir(d))) {
		char *name;

		if (de->d_name[0] == '.')
			continue;
		name = fs_pin_unescape(de->d_name);
		if (name) {
			restore_one(name);
			fs_links_restore(name);
		}
		free(name);
	}
	pthread_mutex_unlock(&fs_st.load_lock);
	closedir(d);
}

void fs_objects_fini(void)
{
	unsigned int i;

	fs_links_fini();
	fs_wrlock();
	for (i = 0; i < reg.nprogs; i++)
		fs_backing_put(&reg.progs[i]->b);
	eb_zfree(&reg.progs);
	reg.nprogs = 0;
	for (i = 0; i < reg.nobjs; i++) {
		reg.objs[i]->registered = false;
		fs_backing_put(&reg.objs[i]->b);
	}
	eb_zfree(&reg.objs);
	reg.nobjs = 0;
	fs_maps_fini();
	fs_unlock();
	pthread_mutex_lock(&kernel_btf_lock);
	eb_btf_free(kernel_btf);
	kernel_btf = NULL;
	pthread_mutex_unlock(&kernel_btf_lock);
	pthread_mutex_lock(&last_error_lock);
	eb_strbuf_release(&last_error);
	pthread_mutex_unlock(&last_error_lock);
}

/* --- the progs/ directory ---------------------------------------------------------- */

#define LAST_ERROR ".last_error"

static const struct fs_node_ops objfile_ops;
static const struct fs_node_ops last_error_ops;

static int progs_lookup(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	struct fs_prog *p;
	struct fs_obj *o;

	if (!strcmp(name, LAST_ERROR)) {
		out->ops = &last_error_ops;
		return 0;
	}
	o = fs_obj_find(name);
	if (o) {
		out->ops = &objfile_ops;
		out->backing = fs_backing_get(&o->b);
		return 0;
	}
	p = fs_prog_find(name);
	if (p) {
		out->ops = &fs_prog_dir_ops;
		out->backing = fs_backing_get(&p->b);
		return 0;
	}
	return -ENOENT;
}

static int progs_readdir(struct fs_node *dir, struct fs_handle *dh, uint64_t pos,
			 fs_emit_fn emit, void *ctx)
{
	int n = 0;

	for (;; pos++, n++) {
		struct fs_obj *o;
		struct fs_prog *p;
		bool full;

		if (pos == 0) {
			full = emit(ctx, LAST_ERROR, S_IFREG, 0);
		} else if ((o = fs_obj_at((unsigned int)pos - 1))) {
			full = emit(ctx, o->name, S_IFREG, 0);
		} else if ((p = fs_prog_at((unsigned int)(pos - 1 - reg.nobjs)))) {
			full = emit(ctx, p->name, S_IFDIR, 0);
		} else {
			break;
		}
		if (full)
			break;
	}
	return n;
}

static int progs_create(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	struct fs_obj *obj;
	size_t len;
	int ret = 0;

	if (name[0] == '.')
		return -EPERM;	/* reserved for the daemon's files */
	len = fs_pin_name_len(name);
	if (len > NAME_MAX) {
		/* its pins could not hold it: it would not survive a restart */
		eb_warn("fs", "progs/%.40s...: the name is too long to pin (%zu bytes, "
			"'.' and '%%' count 3, at most %d)", name, len, NAME_MAX);
		return -ENAMETOOLONG;
	}
	fs_rdlock();
	if (fs_obj_find(name) || fs_prog_find(name))
		ret = -EEXIST;
	fs_unlock();
	if (ret)
		return ret;
	obj = fs_obj_new(name);
	if (!obj)
		return -ENOMEM;
	out->ops = &objfile_ops;
	out->backing = &obj->b;
	return 0;
}

static int progs_unlink(struct fs_node *dir, const char *name)
{
	int ret;

	if (!strcmp(name, LAST_ERROR))
		return -EPERM;
	ret = fs_obj_unload_by_name(name);
	if (ret == -ENOENT) {
		fs_rdlock();
		if (fs_prog_find(name))
			ret = -EISDIR;
		fs_unlock();
	}
	return ret;
}

const struct fs_node_ops fs_progs_dir_ops = {
	.kind = "progs",
	.mode = S_IFDIR | 0755,
	.dir_writable = true,
	.cache_negative = true,
	.lookup = progs_lookup,
	.readdir = progs_readdir,
	.create = progs_create,
	.unlink = progs_unlink,
};

/* --- progs/OBJ ----------------------------------------------------------------------- */

static int objfile_getattr(struct fs_node *n, struct stat *st)
{
	struct fs_obj *obj = (struct fs_obj *)n->backing;

	st->st_size = (off_t)obj->image_len;
	st->st_mtim = obj->mtime;
	st->st_ctim = obj->mtime;
	return 0;
}

static int objfile_open(struct fs_handle *h)
{
	struct fs_obj *obj = (struct fs_obj *)h->node->backing;
	int acc = h->flags & O_ACCMODE;

	/* a new file is loaded at close even if nothing was written */
	if (!obj->registered)
		h->dirty = true;
	/* a write without O_TRUNC starts from the current bytes */
	if ((acc == O_WRONLY || acc == O_RDWR) && !h->trunc && obj->image_len) {
		eb_strbuf_add(&h->wbuf, obj->image, obj->image_len);
		if (eb_strbuf_error(&h->wbuf))
			return -ENOMEM;
	}
	return 0;
}

static int objfile_read(struct fs_handle *h, size_t size, off_t off, struct eb_strbuf *out)
{
	struct fs_obj *obj = (struct fs_obj *)h->node->backing;

	if ((size_t)off >= obj->image_len)
		return 0;
	eb_strbuf_add(out, (const char *)obj->image + off,
		      EB_MIN(size, obj->image_len - (size_t)off));
	return eb_strbuf_error(out);
}

/*
 * Writes are taken here rather than through glue.c's buffered path so
 * that max_object (a bound on objects only) is enforced where objects
 * live, and a refused write says so in .last_error.  The bytes go into
 * h->wbuf like any buffered write; flush loads them (objfile_commit).
 * Handle lock and state read lock held.
 */
static int objfile_write(struct fs_handle *h, const char *buf, size_t size, off_t off)
{
	uint64_t max = fs_st.cfg->max_object;
	size_t end;

	if (size > INT_MAX)
		size = INT_MAX;	/* the kernel sends at most max_write */
	/* O_APPEND writes at the end of what the handle holds, whatever
	 * offset the kernel sent (its size is not ours while uploading) */
	if (h->flags & O_APPEND)
		off = (off_t)h->wbuf.len;
	if (off < 0 || (uint64_t)off > max || size > max - (uint64_t)off) {
		struct fs_obj *obj = (struct fs_obj *)h->node->backing;

		/* the next flush fails with EFBIG and loads nothing */
		h->too_big = true;
		record_too_big(obj->name, off, size, max);
		return -EFBIG;
	}
	end = (size_t)off + size;
	if (end > h->wbuf.len) {
		size_t more = end - h->wbuf.len;

		if (eb_strbuf_grow(&h->wbuf, more))
			return -ENOMEM;
		memset(h->wbuf.buf + h->wbuf.len, 0, more);
		h->wbuf.len = end;
		h->wbuf.buf[end] = '\0';
	}
	memcpy(h->wbuf.buf + off, buf, size);
	h->dirty = true;
	return (int)size;
}

static int objfile_commit(struct fs_handle *h)
{
	struct fs_obj *obj = (struct fs_obj *)h->node->backing;

	/*
	 * A new file flushed before its first byte: `cat x.o > progs/x.o`
	 * closes a duplicate of the descriptor before cat writes.  Load at a
	 * later flush instead; a new file closed empty loads nothing and is
	 * not kept.
	 */
	if (!obj->registered && !h->wbuf.len) {
		h->dirty = true;
		return 0;
	}
	return fs_obj_load(obj, h->wbuf.buf, h->wbuf.len);
}

static const struct fs_node_ops objfile_ops = {
	.kind = "object",
	.mode = S_IFREG | 0644,
	.writable = true,
	.cache_attr = true,
	.max_object = true,
	.getattr = objfile_getattr,
	.open = objfile_open,
	.read = objfile_read,
	.write = objfile_write,
	.commit = objfile_commit,
};

static int last_error_render(struct fs_handle *h, struct eb_strbuf *out)
{
	fs_last_error_render(out);
	return 0;
}

static const struct fs_node_ops last_error_ops = {
	.kind = "last_error",
	.mode = S_IFREG | 0444,
	.live = true,
	.render = last_error_render,
	.read = fs_text_read,
};
