// SPDX-License-Identifier: MIT
/*
 * linkfiles.c - progs/PROG/attach, attach_error, links/ and the link
 * registry (formats and locking in linkfiles.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "log.h"
#include "linkfiles.h"
#include "objects.h"
#include "syscall.h"
#include "util.h"

/* An attach line longer than this without a newline is refused. */
#define ATTACH_LINE_MAX 4096
/* Suffix of the symlink that records a link's attach line. */
#define LINE_SUFFIX "%line"

struct fs_link {
	struct fs_backing b;
	char *obj;		/* object file name */
	char *prog;		/* program name */
	struct eb_link *el;	/* owned; NULL once detached */
};

/* Changes under load_lock + the state write lock; read under the read lock. */
static struct {
	struct fs_link **v;
	unsigned int n;
} lreg;

/* The last refused attach line of each program (attach_error). */
struct att_err {
	char *obj;
	char *prog;
	char *text;
};

static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;
static struct att_err *errs;
static unsigned int nerrs;

/* --- the registry ------------------------------------------------------------ */

static void link_destroy(struct fs_backing *b)
{
	struct fs_link *l = (struct fs_link *)b;

	eb_link_close(l->el);
	free(l->obj);
	free(l->prog);
	free(l);
}

/* A record holding el (taken on success only); one reference. */
static struct fs_link *link_new(const char *obj, const char *prog, struct eb_link *el)
{
	struct fs_link *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	fs_backing_init(&l->b, link_destroy);
	l->obj = strdup(obj);
	l->prog = strdup(prog);
	if (!l->obj || !l->prog) {
		link_destroy(&l->b);
		return NULL;
	}
	l->el = el;
	return l;
}

static bool link_of(const struct fs_link *l, const char *obj, const char *prog)
{
	return !strcmp(l->obj, obj) && (!prog || !strcmp(l->prog, prog));
}

/* Registered link NAME of obj/prog, or NULL.  State lock held. */
static struct fs_link *link_find(const char *obj, const char *prog, const char *name)
{
	unsigned int i;

	for (i = 0; i < lreg.n; i++) {
		struct fs_link *l = lreg.v[i];

		if (link_of(l, obj, prog) && l->el && !strcmp(l->el->name, name))
			return l;
	}
	return NULL;
}

/* Register l (takes its reference).  Write lock held.  0 or -ENOMEM. */
static int link_register(struct fs_link *l)
{
	struct fs_link **v = eb_reallocarray(lreg.v, lreg.n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	v[lreg.n++] = l;
	lreg.v = v;
	return 0;
}

/* Remove l from the registry, mark it gone, close it, drop the registry's
 * reference.  Write lock held. */
static void link_unregister(struct fs_link *l)
{
	unsigned int i;

	for (i = 0; i < lreg.n; i++) {
		if (lreg.v[i] == l) {
			memmove(lreg.v + i, lreg.v + i + 1, (lreg.n - i - 1) * sizeof(*lreg.v));
			lreg.n--;
			break;
		}
	}
	l->b.gone = true;
	eb_link_close(l->el);
	l->el = NULL;
	fs_backing_put(&l->b);
}

/* --- pins ---------------------------------------------------------------------- */

static char *line_path(const char *path)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;

	eb_strbuf_adds(&sb, path);
	eb_strbuf_adds(&sb, LINE_SUFFIX);
	if (eb_strbuf_error(&sb)) {
		eb_strbuf_release(&sb);
		return NULL;
	}
	return eb_strbuf_detach(&sb, NULL);
}

/* The attach line recorded next to the pin at path (allocated), or NULL. */
static char *line_read(const char *path)
{
	char *lp = line_path(path), *buf = NULL;
	ssize_t n;

	if (!lp)
		return NULL;
	buf = malloc(ATTACH_LINE_MAX + 1);
	n = buf ? readlink(lp, buf, ATTACH_LINE_MAX) : -1;
	if (n <= 0) {
		eb_zfree(&buf);
	} else {
		buf[n] = '\0';
	}
	free(lp);
	return buf;
}

/* Remove the empty %links/PROG and %links directories of obj. */
static void prune_dirs(const char *obj, const char *prog)
{
	char *path = prog ? fs_pin_path_links(obj, prog, NULL) : NULL;

	if (path)
		(void)rmdir(path);
	free(path);
	path = fs_pin_path_links(obj, NULL, NULL);
	if (path)
		(void)rmdir(path);
	free(path);
}

/*
 * Remove the pins of a link that was pinned as `name` with this kind and
 * number of further CPUs (the link itself may have changed since).
 */
static void unpin_as(const char *obj, const char *prog, const char *name,
		     enum eb_link_kind kind, unsigned int cpu_cnt)
{
	struct eb_link snap = { .kind = kind, .cpu_cnt = cpu_cnt };
	char *path = fs_pin_path_links(obj, prog, name), *lp;
	int ret;

	if (!path)
		return;
	ret = eb_link_unpin(&snap, path);
	if (ret && ret != -ENOENT)
		eb_warn("fs", "unpin %s: %s", path, eb_strerror(ret));
	lp = line_path(path);
	if (lp)
		(void)unlink(lp);
	free(lp);
	free(path);
}

/* Pin l and record its line.  A failure is logged: the link works but
 * does not survive the daemon. */
static void link_pin(const struct fs_link *l)
{
	char *path = fs_pin_path_links(l->obj, l->prog, l->el->name), *lp = NULL;
	int ret = -ENOMEM;

	if (path) {
		ret = eb_link_pin(l->el, path);
		if (ret == -EEXIST) {
			/* a stale pin of a link that is gone */
			(void)eb_link_unpin(l->el, path);
			ret = eb_link_pin(l->el, path);
		}
	}
	if (!ret && l->el->line) {
		lp = line_path(path);
		if (lp) {
			(void)unlink(lp);
			if (symlink(l->el->line, lp))
				eb_warn("fs", "%s: %s", lp, strerror(errno));
		}
	}
	if (ret)
		eb_warn("fs", "progs/%s/links/%s: cannot pin it (%s): it will not survive the daemon",
			l->prog, l->el->name, eb_strerror(ret));
	free(lp);
	free(path);
}

/*
 * Detach l and remove its pins and record.  force: also when the detach
 * fails (logged).  Write lock and load_lock held.  0 or -errno (nothing
 * changed then).
 */
static int link_drop(struct fs_link *l, bool force)
{
	int ret = eb_link_detach(l->el);

	if (ret == -ENOENT)
		ret = 0;	/* already gone from its hook */
	if (ret) {
		eb_warn("fs", "progs/%s/links/%s: detach: %s", l->prog, l->el->name,
			eb_strerror(ret));
		if (!force)
			return ret;
	}
	unpin_as(l->obj, l->prog, l->el->name, l->el->kind, l->el->cpu_cnt);
	prune_dirs(l->obj, l->prog);
	eb_info("fs", "detached progs/%s/links/%s", l->prog, l->el->name);
	link_unregister(l);
	return 0;
}

/* --- attach errors -------------------------------------------------------------- */

static struct att_err *err_find(const char *obj, const char *prog)
{
	unsigned int i;

	for (i = 0; i < nerrs; i++)
		if (!strcmp(errs[i].obj, obj) && !strcmp(errs[i].prog, prog))
			return &errs[i];
	return NULL;
}

static void err_record(const struct fs_prog *p, const char *line, int err,
		       const struct eb_strbuf *msg)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	struct att_err *e, *a;
	char *text;

	eb_strbuf_addf(&sb, "program: %s\nline: %s\nerrno: %d (%s)\nmessage: %s\n", p->name,
		       line, -err, eb_strerror(err), msg->len ? msg->buf : eb_strerror(err));
	if (eb_strbuf_error(&sb)) {
		eb_strbuf_release(&sb);
		return;
	}
	text = eb_strbuf_detach(&sb, NULL);
	pthread_mutex_lock(&err_lock);
	e = err_find(p->obj_name, p->name);
	if (!e) {
		a = eb_reallocarray(errs, nerrs + 1, sizeof(*a));
		if (a) {
			errs = a;
			e = &errs[nerrs];
			e->obj = strdup(p->obj_name);
			e->prog = strdup(p->name);
			e->text = NULL;
			if (e->obj && e->prog) {
				nerrs++;
			} else {
				free(e->obj);
				free(e->prog);
				e = NULL;
			}
		}
	}
	if (e) {
		free(e->text);
		e->text = text;
		text = NULL;
	}
	pthread_mutex_unlock(&err_lock);
	free(text);
}

/* Forget the errors of obj (all objects when obj is NULL). */
static void err_forget(const char *obj)
{
	unsigned int i = 0;

	pthread_mutex_lock(&err_lock);
	while (i < nerrs) {
		if (obj && strcmp(errs[i].obj, obj)) {
			i++;
			continue;
		}
		free(errs[i].obj);
		free(errs[i].prog);
		free(errs[i].text);
		errs[i] = errs[--nerrs];
	}
	if (!nerrs)
		eb_zfree(&errs);
	pthread_mutex_unlock(&err_lock);
}

/* --- attaching -------------------------------------------------------------------- */

/* sockmap MAP: MAP is a name in maps/. */
static int map_fd_by_name(const char *name, void *ctx)
{
	struct fs_map *m;
	int fd;

	fs_rdlock();
	m = fs_map_find(name);
	fd = m ? fcntl(fs_map_fd(m), F_DUPFD_CLOEXEC, 3) : -1;
	if (m && fd < 0)
		fd = -errno;
	fs_unlock();
	return m ? fd : -ENOENT;
}

/*
 * How many bytes of canonical line name the hook itself: all of it, but
 * an XDP line without its mode word ("xdp IF") and a tc line without its
 * mechanism ("tc IF DIR"), since the kernel keeps one hook per interface
 * (and direction) whatever the mode.
 */
static size_t hook_key_len(const char *line)
{
	unsigned int words, n = 0;
	size_t i;

	if (!strncmp(line, "xdp ", 4))
		words = 2;
	else if (!strncmp(line, "tc ", 3))
		words = 3;
	else
		return strlen(line);
	for (i = 0; line[i]; i++) {
		if (line[i] == ' ' && ++n == words)
			break;
	}
	return i;
}

static bool same_hook(const char *a, const char *b)
{
	size_t la = hook_key_len(a);

	return la == hook_key_len(b) && !memcmp(a, b, la);
}

/*
 * The name of a link of p (registered through this mount) attached where
 * the canonical line spec_line says, or NULL.  An iterator is no hook
 * (each link is a reader of its own), so it never clashes.  State lock
 * held.
 */
static const char *link_on_hook(const struct fs_prog *p, const struct eb_attach_spec *spec)
{
	unsigned int i;

	if (spec->hook == EB_HOOK_ITER)
		return NULL;
	for (i = 0; i < lreg.n; i++) {
		const struct fs_link *l = lreg.v[i];

		if (link_of(l, p->obj_name, p->name) && l->el && l->el->line &&
		    same_hook(l->el->line, spec->line))
			return l->el->name;
	}
	return NULL;
}

/*
 * Attach p where line says; register and pin the link.  0 or -errno
 * (the message in err).  The attach runs under load_lock only (no
 * unload can close p->fd meanwhile), not the state lock: a uprobe on a
 * file of this mount must not block on a lock our own reply needs.
 */
static int attach_line(struct fs_prog *p, const char *line, struct eb_strbuf *err,
		       char **made)
{
	const struct eb_attach_opts opts = { .map_fd = map_fd_by_name };
	struct eb_attach_spec spec;
	struct eb_link *el = NULL;
	const char *dup;
	struct fs_link *l;
	bool gone;
	int ret;

	pthread_mutex_lock(&fs_st.load_lock);
	fs_rdlock();
	gone = p->b.gone;
	fs_unlock();
	if (gone) {
		eb_strbuf_addf(err, "program '%s' was unloaded", p->name);
		ret = -ENOENT;
		goto out;
	}
	ret = eb_attach_parse(line, p->type, p->expected_attach_type, p->sec_name, &spec, err);
	if (ret)
		goto out;
	if (spec.self_netns) {
		/* auto's default is the caller's namespace: here that would
		 * be the daemon's, not the writer's */
		eb_strbuf_addf(err, "attach: '%s': name the network namespace: write 'auto PATH' or 'netns PATH' (/run/netns/NAME, /proc/PID/ns/net)",
			       line);
		eb_attach_spec_release(&spec);
		ret = -EINVAL;
		goto out;
	}
	fs_rdlock();
	dup = link_on_hook(p, &spec);
	if (dup) {
		eb_strbuf_addf(err, "attach: '%s': already attached there: link %s", spec.line,
			       dup);
		ret = -EBUSY;
	}
	fs_unlock();
	if (ret) {
		eb_attach_spec_release(&spec);
		goto out;
	}
	ret = eb_attach(p->fd, &spec, &opts, &el, err);
	eb_attach_spec_release(&spec);
	if (ret)
		goto out;
	l = link_new(p->obj_name, p->name, el);
	if (!l) {
		(void)eb_link_detach(el);
		eb_link_close(el);
		ret = -ENOMEM;
		goto out;
	}
	link_pin(l);
	fs_wrlock();
	ret = link_register(l);
	if (ret) {
		(void)link_drop(l, true);	/* drops the reference too */
		fs_unlock();
		goto out;
	}
	fs_unlock();
	eb_info("fs", "attached progs/%s: link %s: %s", p->name, l->el->name,
		l->el->line ? l->el->line : line);
	*made = strdup(l->el->name);	/* NULL: it cannot be undone */
out:
	pthread_mutex_unlock(&fs_st.load_lock);
	return ret;
}

/* Apply bytes [from, to) of the handle's buffer as one attach line;
 * *made: the new link's name (or NULL). */
static int apply_span(struct fs_handle *h, size_t from, size_t to, char **made)
{
	struct fs_prog *p = (struct fs_prog *)h->node->backing;
	struct eb_strbuf err = EB_STRBUF_INIT;
	const char *s = h->wbuf.buf + from;
	size_t len = to - from, i;
	char *line;
	int ret;

	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'); i++)
		;
	if (i == len)
		return 0;	/* a blank line does nothing */
	line = malloc(len + 1);
	if (!line)
		return -ENOMEM;
	memcpy(line, s, len);
	line[len] = '\0';
	if (memchr(s, '\0', len)) {
		eb_strbuf_adds(&err, "attach: the line holds a NUL byte");
		ret = -EINVAL;
	} else {
		ret = attach_line(p, line, &err, made);
	}
	if (ret) {
		eb_warn("fs", "progs/%s/attach: '%s': %s", p->name, line,
			err.len ? err.buf : eb_strerror(ret));
		err_record(p, line, ret, &err);
	}
	free(line);
	eb_strbuf_release(&err);
	return ret;
}

/* Per open attach file: how far the written bytes were applied. */
struct att_cursor {
	size_t done;	/* bytes up to here are applied lines */
};

static int attach_open(struct fs_handle *h)
{
	h->priv = calloc(1, sizeof(struct att_cursor));
	if (!h->priv)
		return -ENOMEM;
	h->priv_free = free;
	return 0;
}

/* Detach the links named made[0..n) of p: lines of a refused write. */
static void undo_lines(struct fs_prog *p, char **made, size_t n)
{
	struct fs_link *l;
	size_t i;

	pthread_mutex_lock(&fs_st.load_lock);
	fs_wrlock();
	for (i = 0; i < n; i++) {
		l = p->b.gone || !made[i] ? NULL : link_find(p->obj_name, p->name, made[i]);
		if (l)
			(void)link_drop(l, true);
	}
	fs_unlock();
	pthread_mutex_unlock(&fs_st.load_lock);
	eb_warn("fs", "progs/%s/attach: a line of the same write was refused: %zu link%s it made undone",
		p->name, n, n == 1 ? "" : "s");
}

/*
 * After each write: apply every complete line not applied yet.  One
 * write() is all or nothing: when a line is refused, the links the lines
 * before it made in the same write are detached again.
 */
static int attach_check(struct fs_handle *h)
{
	struct att_cursor *c = h->priv;
	size_t done0 = c->done, i, nmade = 0;
	char **made = NULL, *name;
	int ret = 0;

	if (c->done > h->wbuf.len)
		c->done = done0 = h->wbuf.len;	/* truncated meanwhile */
	for (i = c->done; i < h->wbuf.len; i++) {
		char **more;

		if (h->wbuf.buf[i] != '\n')
			continue;
		name = NULL;
		ret = apply_span(h, c->done, i, &name);
		if (ret)
			break;
		c->done = i + 1;
		if (!name)
			continue;	/* a blank line (or no memory to name it) */
		more = eb_reallocarray(made, nmade + 1, sizeof(*made));
		if (!more) {
			free(name);
			ret = -ENOMEM;
			break;
		}
		made = more;
		made[nmade++] = name;
	}
	if (!ret && h->wbuf.len - c->done > ATTACH_LINE_MAX) {
		eb_warn("fs", "attach: a line longer than %d bytes", ATTACH_LINE_MAX);
		ret = -EINVAL;
	}
	if (ret) {
		if (nmade)
			undo_lines((struct fs_prog *)h->node->backing, made, nmade);
		/* glue puts the buffer back as it was before this write */
		c->done = done0;
	}
	for (i = 0; i < nmade; i++)
		free(made[i]);
	free(made);
	return ret;
}

/* At close: a last line without a newline. */
static int attach_commit(struct fs_handle *h)
{
	struct att_cursor *c = h->priv;
	size_t from = EB_MIN(c->done, h->wbuf.len);
	char *made = NULL;
	int ret;

	c->done = h->wbuf.len;
	if (from >= h->wbuf.len)
		return 0;
	ret = apply_span(h, from, h->wbuf.len, &made);
	free(made);
	return ret;
}

static int attach_render(struct fs_handle *h, struct eb_strbuf *out)
{
	struct fs_prog *p = (struct fs_prog *)h->node->backing;
	unsigned int i;

	for (i = 0; i < lreg.n; i++) {
		const struct fs_link *l = lreg.v[i];

		if (link_of(l, p->obj_name, p->name) && l->el)
			eb_strbuf_addf(out, "%s %s\n", l->el->name, l->el->line ? l->el->line : "-");
	}
	return 0;
}

const struct fs_node_ops fs_attach_ops = {
	.kind = "prog_attach",
	.mode = S_IFREG | 0644,
	.live = true,
	.writable = true,
	.open = attach_open,
	.render = attach_render,
	.read = fs_text_read,
	.check = attach_check,
	.commit = attach_commit,
};

static int attach_error_render(struct fs_handle *h, struct eb_strbuf *out)
{
	struct fs_prog *p = (struct fs_prog *)h->node->backing;
	struct att_err *e;

	pthread_mutex_lock(&err_lock);
	e = err_find(p->obj_name, p->name);
	if (e)
		eb_strbuf_adds(out, e->text);
	pthread_mutex_unlock(&err_lock);
	return 0;
}

const struct fs_node_ops fs_attach_error_ops = {
	.kind = "prog_attach_error",
	.mode = S_IFREG | 0444,
	.live = true,
	.render = attach_error_render,
	.read = fs_text_read,
};

/* --- links/ and links/NAME ------------------------------------------------------- */

static int link_render(struct fs_handle *h, struct eb_strbuf *out)
{
	struct fs_link *l = (struct fs_link *)h->node->backing;
	int ret;

	if (!l->el)
		return -ENOENT;
	if (l->el->hook == EB_HOOK_ITER)
		return eb_iter_read(l->el->fd, out);
	ret = eb_link_describe(l->el, out);
	if (ret)
		return ret;
	eb_strbuf_addf(out, "program: %s\nobject: %s\n", l->prog, l->obj);
	return 0;
}

static const struct fs_node_ops link_file_ops = {
	.kind = "link",
	.mode = S_IFREG | 0444,
	.live = true,
	.render = link_render,
	.read = fs_text_read,
};

static int links_lookup(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	struct fs_prog *p = (struct fs_prog *)dir->backing;
	struct fs_link *l = link_find(p->obj_name, p->name, name);

	if (!l)
		return -ENOENT;
	out->ops = &link_file_ops;
	out->backing = fs_backing_get(&l->b);
	return 0;
}

static int links_readdir(struct fs_node *dir, struct fs_handle *dh, uint64_t pos,
			 fs_emit_fn emit, void *ctx)
{
	struct fs_prog *p = (struct fs_prog *)dir->backing;
	uint64_t k = 0;
	unsigned int i;
	int n = 0;

	for (i = 0; i < lreg.n; i++) {
		const struct fs_link *l = lreg.v[i];

		if (!link_of(l, p->obj_name, p->name) || !l->el)
			continue;
		if (k++ < pos)
			continue;
		if (emit(ctx, l->el->name, S_IFREG, 0))
			break;
		n++;
	}
	return n;
}

static int links_unlink(struct fs_node *dir, const char *name)
{
	struct fs_prog *p = (struct fs_prog *)dir->backing;
	struct fs_link *l;
	int ret;

	pthread_mutex_lock(&fs_st.load_lock);
	fs_wrlock();
	l = p->b.gone ? NULL : link_find(p->obj_name, p->name, name);
	ret = l ? link_drop(l, false) : -ENOENT;
	fs_unlock();
	pthread_mutex_unlock(&fs_st.load_lock);
	return ret;
}

const struct fs_node_ops fs_links_dir_ops = {
	.kind = "prog_links",
	.mode = S_IFDIR | 0755,
	.dir_writable = true,
	.lookup = links_lookup,
	.readdir = links_readdir,
	.unlink = links_unlink,
};

/* --- hooks of the object registry ------------------------------------------------- */

/* Is this entry of a %links/PROG directory a link pin (not a CPU pin or
 * a line record)? */
static bool is_link_pin(const char *name)
{
	size_t len = strlen(name), sl = strlen(LINE_SUFFIX);

	if (name[0] == '.' || strchr(name, '@'))
		return false;
	return len <= sl || strcmp(name + len - sl, LINE_SUFFIX);
}

/*
 * Call fn(obj, prog, path) for every link pin under obj's %links
 * directory.  remove_rest: also remove the other entries (CPU pins, line
 * records) and the directories once done.
 */
static void for_each_pin(const char *obj,
			 void (*fn)(const char *obj, const char *prog, const char *path),
			 bool remove_rest)
{
	char *dpath = fs_pin_path_links(obj, NULL, NULL);
	struct dirent *pe, *le;
	DIR *d, *pd;

	if (!dpath)
		return;
	d = opendir(dpath);
	while (d && (pe = readdir(d))) {
		struct eb_strbuf sb = EB_STRBUF_INIT;
		char *prog;

		if (pe->d_name[0] == '.')
			continue;
		prog = fs_pin_unescape(pe->d_name);
		eb_strbuf_addf(&sb, "%s/%s", dpath, pe->d_name);
		pd = prog && !eb_strbuf_error(&sb) ? opendir(sb.buf) : NULL;
		while (pd && (le = readdir(pd))) {
			struct eb_strbuf lp = EB_STRBUF_INIT;

			if (le->d_name[0] == '.')
				continue;
			eb_strbuf_addf(&lp, "%s/%s", sb.buf, le->d_name);
			if (!eb_strbuf_error(&lp)) {
				if (is_link_pin(le->d_name))
					fn(obj, prog, lp.buf);
				else if (remove_rest)
					(void)unlink(lp.buf);
			}
			eb_strbuf_release(&lp);
		}
		if (pd)
			closedir(pd);
		if (remove_rest && !eb_strbuf_error(&sb))
			(void)rmdir(sb.buf);
		free(prog);
		eb_strbuf_release(&sb);
	}
	if (d)
		closedir(d);
	if (remove_rest)
		(void)rmdir(dpath);
	free(dpath);
}

/* A pin nobody registered (e.g. under -o no_restore): detach it. */
static void detach_pinned(const char *obj, const char *prog, const char *path)
{
	struct eb_link *el = NULL;
	int ret = eb_link_open_pinned(path, &el);

	if (!ret) {
		ret = eb_link_detach(el);
		if (ret && ret != -ENOENT)
			eb_warn("fs", "detach %s: %s", path, eb_strerror(ret));
		(void)eb_link_unpin(el, path);
		eb_link_close(el);
	} else {
		eb_warn("fs", "%s: %s: removing the pin", path, eb_strerror(ret));
		(void)unlink(path);
	}
}

void fs_links_detach_obj(const char *obj)
{
	unsigned int i = 0;

	fs_wrlock();
	while (i < lreg.n) {
		if (!link_of(lreg.v[i], obj, NULL)) {
			i++;
			continue;
		}
		(void)link_drop(lreg.v[i], true);
	}
	fs_unlock();
	for_each_pin(obj, detach_pinned, true);
	err_forget(obj);
}

/* What a link was before an update, to switch back and re-pin. */
struct link_upd {
	struct fs_link *l;
	const struct fs_prog *np;	/* the new program, NULL: none */
	char *name;
	enum eb_link_kind kind;
	unsigned int cpu_cnt;
	bool updated;
};

static const struct fs_prog *prog_in(struct fs_prog *const *progs, unsigned int n,
				     const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(progs[i]->name, name))
			return progs[i];
	return NULL;
}

/*
 * Undo the update of a link the kernel could not swap in place (a
 * tracepoint, raw tracepoint or perf event link is attached again with
 * the new program): the old kernel link still holds the hook, kept by
 * its pin until the update is committed, so the old program cannot be
 * attached a second time (EEXIST).  Take the old link back from its pin
 * and drop the new one.  Returns whether it did.
 */
static bool relink_pinned(const char *obj, struct link_upd *u)
{
	struct fs_link *l = u->l;
	struct eb_link *old = NULL;
	char *path;
	int ret;

	if (u->kind != EB_LINK_BPF || !strcmp(u->name, l->el->name))
		return false;	/* the same kernel link: swap it back */
	path = fs_pin_path_links(obj, l->prog, u->name);
	if (!path)
		return false;
	ret = eb_link_open_pinned(path, &old);
	free(path);
	if (ret)
		return false;	/* not pinned: attach the old program again */
	if (!old->line && l->el->line)
		old->line = strdup(l->el->line);
	(void)eb_link_detach(l->el);
	eb_link_close(l->el);	/* never pinned: this ends it */
	l->el = old;
	return true;
}

int fs_links_replace_obj(const char *obj, struct fs_prog *const *progs, unsigned int n,
			 struct eb_strbuf *err)
{
	struct eb_strbuf msg = EB_STRBUF_INIT;
	struct link_upd *u = NULL;
	unsigned int i, cnt = 0;
	int ret = 0;

	fs_wrlock();
	for (i = 0; i < lreg.n; i++)
		if (link_of(lreg.v[i], obj, NULL) && lreg.v[i]->el)
			cnt++;
	if (!cnt)
		goto out;
	u = eb_calloc(cnt, sizeof(*u));
	if (!u) {
		ret = -ENOMEM;
		goto out;
	}
	cnt = 0;
	for (i = 0; i < lreg.n; i++) {
		struct fs_link *l = lreg.v[i];

		if (!link_of(l, obj, NULL) || !l->el)
			continue;
		u[cnt].l = l;
		u[cnt].np = prog_in(progs, n, l->prog);
		u[cnt].name = strdup(l->el->name);
		u[cnt].kind = l->el->kind;
		u[cnt].cpu_cnt = l->el->cpu_cnt;
		if (!u[cnt++].name) {
			ret = -ENOMEM;
			goto undo;
		}
	}
	for (i = 0; i < cnt; i++) {
		if (!u[i].np)
			continue;
		ret = eb_link_update(u[i].l->el, u[i].np->fd, &msg);
		if (ret) {
			eb_strbuf_reset(err);
			eb_strbuf_addf(err, "cannot keep link %s of program '%s' (%s): %s",
				       u[i].name, u[i].l->prog, u[i].l->el->line ? u[i].l->el->line : "-",
				       msg.len ? msg.buf : eb_strerror(ret));
			eb_warn("fs", "%s: %s", obj, err->buf);
			goto undo;
		}
		u[i].updated = true;
	}
	goto repin;
undo:
	/* switch back to the old programs (still registered) */
	for (i = 0; i < cnt; i++) {
		const struct fs_prog *op;
		int r;

		if (!u[i].updated)
			continue;
		if (relink_pinned(obj, &u[i])) {
			u[i].updated = false;	/* the old link and its pins stand */
			continue;
		}
		op = fs_prog_find(u[i].l->prog);
		r = op ? eb_link_update(u[i].l->el, op->fd, NULL) : -ENOENT;
		if (r)
			eb_warn("fs", "%s: link %s stays on the new program '%s': %s", obj,
				u[i].l->el->name, u[i].l->prog, eb_strerror(r));
	}
repin:
	for (i = 0; i < cnt; i++) {
		struct fs_link *l = u[i].l;

		if (!u[i].updated || !u[i].name)
			continue;
		if (u[i].kind == EB_LINK_BPF && !strcmp(u[i].name, l->el->name) &&
		    u[i].cpu_cnt == l->el->cpu_cnt)
			continue;	/* the same kernel link: its pins stand */
		unpin_as(obj, l->prog, u[i].name, u[i].kind, u[i].cpu_cnt);
		link_pin(l);
	}
	if (!ret) {
		for (i = 0; i < cnt; i++) {
			if (u[i].np)
				continue;
			eb_info("fs", "%s: the new object has no program '%s': detaching its link %s",
				obj, u[i].l->prog, u[i].name ? u[i].name : "?");
			(void)link_drop(u[i].l, true);
		}
	}
	for (i = 0; i < cnt; i++)
		free(u[i].name);
	free(u);
out:
	fs_unlock();
	eb_strbuf_release(&msg);
	return ret;
}

static void restore_pinned(const char *obj, const char *prog, const char *path)
{
	const struct fs_prog *p;
	struct eb_link *el = NULL;
	struct fs_link *l;
	bool ok;
	int ret;

	fs_rdlock();
	p = fs_prog_find(prog);
	ok = p && !strcmp(p->obj_name, obj);
	fs_unlock();
	if (!ok) {
		eb_warn("fs", "restore %s: %s: object %s has no program '%s'", obj, path, obj, prog);
		return;
	}
	ret = eb_link_open_pinned(path, &el);
	if (ret) {
		eb_warn("fs", "restore %s: link %s: %s", obj, path, eb_strerror(ret));
		return;
	}
	if (!el->line)
		el->line = line_read(path);
	l = link_new(obj, prog, el);
	if (!l) {
		eb_link_close(el);	/* the pin keeps it attached */
		return;
	}
	fs_wrlock();
	ret = link_register(l);
	fs_unlock();
	if (ret)
		fs_backing_put(&l->b);	/* closes it: the pin keeps it attached */
}

void fs_links_restore(const char *obj)
{
	for_each_pin(obj, restore_pinned, false);
}

void fs_links_fini(void)
{
	unsigned int i;

	fs_wrlock();
	for (i = 0; i < lreg.n; i++) {
		struct fs_link *l = lreg.v[i];

		l->b.gone = true;
		eb_link_close(l->el);	/* the pins keep them */
		l->el = NULL;
		fs_backing_put(&l->b);
	}
	eb_zfree(&lreg.v);
	lreg.n = 0;
	fs_unlock();
	err_forget(NULL);
}
