// SPDX-License-Identifier: MIT
/*
 * glue.c - the FUSE low-level callbacks.
 *
 * Each callback finds the node of its inode, takes the state lock for
 * reading (except the callbacks the ops table documents as lock-free),
 * dispatches on node->ops and converts the result once:
 * reply_err(req, ret).  Operations a node kind does not support
 * are refused: EPERM for directory changes (mkdir, rmdir, rename, link,
 * symlink, create or unlink where the directory takes none), EACCES for
 * opening a read-only file for writing.  Requests that change anything
 * from a uid other than 0 are refused with EACCES.
 */
#define FUSE_USE_VERSION 314
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <linux/fuse.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "log.h"
#include "util.h"

/* Everything can change behind the kernel's back: no caching. */
#define FS_TIMEOUT 0.0
/*
 * The permanent directories (root, progs/, maps/) never go away and only
 * their link count and times change, so the kernel may cache their entries
 * and attributes for a while: a path lookup below them costs fewer round
 * trips.  Everything else changes behind the kernel's back: no caching.
 */
#define FS_PERMANENT_TIMEOUT 1.0

/* Cached program and map directories: valid until the next load or unload. */
#define FS_CACHE_TIMEOUT 1.0

/* FUSE_NOTIFY_INC_EPOCH (protocol 7.44): newer than the installed headers */
#define FS_NOTIFY_INC_EPOCH 8

/* 0: not tried yet, 1: the kernel takes epoch bumps, -1: it refuses them */
static atomic_int epoch_state;

void fs_cache_changed(void)
{
	struct fuse_out_header oh = {
		.len = sizeof(oh),
		.error = FS_NOTIFY_INC_EPOCH,
		.unique = 0,
	};

	if (atomic_load(&epoch_state) < 0 || fs_st.fuse_fd < 0)
		return;
	if (write(fs_st.fuse_fd, &oh, sizeof(oh)) == (ssize_t)sizeof(oh)) {
		atomic_store(&epoch_state, 1);
	} else if (atomic_exchange(&epoch_state, -1) >= 0) {
		eb_info("fs", "the kernel has no FUSE_NOTIFY_INC_EPOCH (%s): "
			"directories are not cached", strerror(errno));
	}
}

/* Whether ops->cache_entry nodes may be cached: the first asks the kernel. */
static bool epoch_works(void)
{
	if (!atomic_load(&epoch_state))
		fs_cache_changed();
	return atomic_load(&epoch_state) > 0;
}

static double entry_timeout(const struct fs_node *n)
{
	if (n->permanent)
		return FS_PERMANENT_TIMEOUT;
	if (n->ops->cache_entry && epoch_works())
		return FS_CACHE_TIMEOUT;
	return FS_TIMEOUT;
}

static double attr_timeout(const struct fs_node *n)
{
	if (n->ops->cache_attr)
		return FS_CACHE_TIMEOUT;
	return entry_timeout(n);
}

static void fill_stat(const struct fs_node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_mode = n->ops->mode;
	st->st_nlink = S_ISDIR(n->ops->mode) ? 2 : 1;
	st->st_blksize = 4096;
	st->st_atim = n->time;
	st->st_mtim = n->time;
	st->st_ctim = n->time;
}

/*
 * Full attributes of a node: defaults plus the kind's getattr, or what a
 * lookup already found out (known: fs_entry.attr_known; may be NULL).
 */
static int node_stat(struct fs_node *n, const struct fs_entry *known, struct stat *st)
{
	fill_stat(n, st);
	if (fs_node_stale(n))
		return -ENOENT;
	if (known && known->attr_known) {
		st->st_size = known->size;
		st->st_mtim = known->mtime;
		return 0;
	}
	if (n->ops->getattr)
		return n->ops->getattr(n, st);
	return 0;
}

/*
 * Reply with -ret as the errno.  The kernel accepts errnos below 512
 * only: the kernel-internal ENOTSUPP (524) the bpf(2) calls return
 * becomes EOPNOTSUPP, anything else out of range EIO (an unanswerable
 * reply would leave the caller blocked for ever).
 */
static void reply_err(fuse_req_t req, int ret)
{
	int err = -ret;

	if (err < 0 || err >= 512)
		err = err == 524 ? EOPNOTSUPP : EIO;
	fuse_reply_err(req, err);
}

static bool req_is_root(fuse_req_t req)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	return ctx && ctx->uid == 0;
}

static struct fs_handle *handle_of(struct fuse_file_info *fi)
{
	return (struct fs_handle *)(uintptr_t)fi->fh;
}

static struct fs_handle *handle_new(struct fs_node *n, int flags, uid_t uid)
{
	struct fs_handle *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->node = n;
	h->flags = flags;
	h->uid = uid;
	pthread_mutex_init(&h->lock, NULL);
	eb_strbuf_init(&h->rbuf);
	eb_strbuf_init(&h->wbuf);
	return h;
}

/* Frees h and drops its node reference. */
static void handle_free(struct fs_handle *h)
{
	if (h->priv_free)
		h->priv_free(h->priv);
	eb_strbuf_release(&h->rbuf);
	eb_strbuf_release(&h->wbuf);
	pthread_mutex_destroy(&h->lock);
	fs_node_put(h->node);
	free(h);
}

int fs_text_read(struct fs_handle *h, size_t size, off_t off, struct eb_strbuf *out)
{
	int ret;

	if (off == 0 || !h->rvalid) {
		eb_strbuf_reset(&h->rbuf);
		h->rvalid = false;
		ret = h->node->ops->render(h, &h->rbuf);
		if (!ret)
			ret = eb_strbuf_error(&h->rbuf);
		if (ret)
			return ret;
		h->rvalid = true;
	}
	if ((size_t)off >= h->rbuf.len)
		return 0;
	size = EB_MIN(size, h->rbuf.len - (size_t)off);
	eb_strbuf_add(out, h->rbuf.buf + off, size);
	return eb_strbuf_error(out);
}

/* --- lookup and attributes -------------------------------------------------- */

/*
 * The entry of n as the kernel caches it; known: what the lookup already
 * found out (fs_entry.attr_known), or NULL.  0 or -errno (from its stat).
 */
static int fill_entry(struct fs_node *n, const struct fs_entry *known,
		      struct fuse_entry_param *e)
{
	int ret;

	memset(e, 0, sizeof(*e));
	ret = node_stat(n, known, &e->attr);
	if (ret)
		return ret;
	e->ino = n->ino;
	e->generation = 1;
	e->attr_timeout = attr_timeout(n);
	e->entry_timeout = entry_timeout(n);
	return 0;
}

static void reply_entry_of(fuse_req_t req, struct fs_node *n, const struct fs_entry *known)
{
	struct fuse_entry_param e;
	int ret;

	ret = fill_entry(n, known, &e);
	if (ret) {
		/* the lookup count was taken: give it back */
		fs_node_forget(n->ino, 1);
		reply_err(req, ret);
		return;
	}
	if (fuse_reply_entry(req, &e))
		fs_node_forget(n->ino, 1);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs_entry e = { 0 };
	struct fs_node *dir, *n;
	int ret;

	fs_rdlock();
	dir = fs_node_get(parent);
	if (!dir || fs_node_stale(dir)) {
		ret = -ENOENT;
		goto out;
	}
	if (!S_ISDIR(dir->ops->mode)) {
		ret = -ENOTDIR;
		goto out;
	}
	ret = dir->ops->lookup ? dir->ops->lookup(dir, name, &e) : -ENOENT;
	if (ret == -ENOENT && dir->ops->cache_negative && epoch_works()) {
		/* absent for a second, or until the next load/unload */
		struct fuse_entry_param neg = { .entry_timeout = FS_CACHE_TIMEOUT };

		fs_node_put(dir);
		fs_unlock();
		fuse_reply_entry(req, &neg);
		return;
	}
	if (ret)
		goto out;
	n = fs_node_obtain(dir, name, &e);
	if (!n) {
		ret = -ENOMEM;
		goto out;
	}
	reply_entry_of(req, n, &e);
	fs_node_put(n);
	fs_node_put(dir);
	fs_unlock();
	return;
out:
	fs_node_put(dir);
	fs_unlock();
	reply_err(req, ret);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	fs_node_forget(ino, nlookup);
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *fd)
{
	size_t i;

	for (i = 0; i < count; i++)
		fs_node_forget(fd[i].ino, fd[i].nlookup);
	fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	double timeout = FS_TIMEOUT;
	struct fs_node *n;
	struct stat st;
	int ret;

	fs_rdlock();
	n = fs_node_get(ino);
	ret = n ? node_stat(n, NULL, &st) : -ENOENT;
	if (n)
		timeout = attr_timeout(n);
	fs_node_put(n);
	fs_unlock();
	if (ret)
		reply_err(req, ret);
	else
		fuse_reply_attr(req, &st, timeout);
}

/*
 * The most bytes a handle may hold: -o max_object for object files, a
 * fixed bound for the text files (values, attach lines, run input).
 */
#define FS_MAX_TEXT_WRITE (64ull << 20)

static uint64_t write_limit(const struct fs_node *n)
{
	return n->ops->max_object ? fs_st.cfg->max_object : FS_MAX_TEXT_WRITE;
}

/* Truncate the written bytes of a handle to size (zero-filling). */
static int handle_truncate(struct fs_handle *h, size_t size)
{
	if (size > h->wbuf.len) {
		size_t more = size - h->wbuf.len;

		if (eb_strbuf_grow(&h->wbuf, more))
			return -ENOMEM;
		memset(h->wbuf.buf + h->wbuf.len, 0, more);
	}
	h->wbuf.len = size;
	h->wbuf.buf[size] = '\0';
	h->dirty = true;
	return 0;
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	struct fs_node *n;
	struct stat st;
	int ret = 0;

	if (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	if ((to_set & FUSE_SET_ATTR_SIZE) && !req_is_root(req)) {
		fuse_reply_err(req, EACCES);
		return;
	}
	if ((to_set & FUSE_SET_ATTR_SIZE) && fi) {
		struct fs_handle *h = handle_of(fi);

		if ((uint64_t)attr->st_size > write_limit(h->node)) {
			fuse_reply_err(req, EFBIG);
			return;
		}
		pthread_mutex_lock(&h->lock);
		ret = handle_truncate(h, (size_t)attr->st_size);
		pthread_mutex_unlock(&h->lock);
		if (ret) {
			reply_err(req, ret);
			return;
		}
	}
	/* times are accepted and ignored: touch works */
	fs_rdlock();
	n = fs_node_get(ino);
	if (!n) {
		ret = -ENOENT;
	} else if ((to_set & FUSE_SET_ATTR_SIZE) && !fi) {
		if (!n->ops->writable)
			ret = -EACCES;
		else if (n->ops->truncate)
			ret = n->ops->truncate(n, attr->st_size);
		else
			ret = -EPERM;
	}
	if (!ret)
		ret = node_stat(n, NULL, &st);
	fs_node_put(n);
	fs_unlock();
	if (ret)
		reply_err(req, ret);
	else
		fuse_reply_attr(req, &st, FS_TIMEOUT);
}

/* --- directories --------------------------------------------------------------- */

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_handle *h;
	struct fs_node *n;

	fs_rdlock();
	n = fs_node_get(ino);
	fs_unlock();
	if (!n || fs_node_stale(n)) {
		fs_node_put(n);
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (!S_ISDIR(n->ops->mode)) {
		fs_node_put(n);
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	h = handle_new(n, fi->flags, fuse_req_ctx(req)->uid);
	if (!h) {
		fs_node_put(n);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	fi->fh = (uintptr_t)h;
	if (fuse_reply_open(req, fi))
		handle_free(h);
}

struct dir_fill {
	fuse_req_t req;
	char *buf;
	size_t size, used;
	uint64_t next_off;
	uint64_t dir_ino;
	uint64_t child_filter;	/* fs_node_child_filter() of the directory */
};

static bool dir_emit(void *ctx, const char *name, mode_t mode, uint64_t ino)
{
	struct dir_fill *f = ctx;
	struct stat st;
	size_t len;

	memset(&st, 0, sizeof(st));
	st.st_mode = mode;
	st.st_ino = ino ? ino : fs_node_peek_ino(f->dir_ino, name, f->child_filter);
	if (!st.st_ino)
		st.st_ino = (ino_t)-1;	/* not looked up yet */
	len = fuse_add_direntry(f->req, f->buf + f->used, f->size - f->used, name,
				&st, (off_t)(f->next_off + 1));
	if (len > f->size - f->used)
		return true;
	f->used += len;
	f->next_off++;
	return false;
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct fs_handle *h = handle_of(fi);
	struct fs_node *n = h->node;
	struct dir_fill f = {
		.req = req, .size = size, .next_off = (uint64_t)off, .dir_ino = ino,
	};
	int ret = 0;

	f.buf = malloc(size);
	if (!f.buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_lock(&h->lock);
	fs_rdlock();
	if (fs_node_stale(n)) {
		ret = -ENOENT;
		goto out;
	}
	f.child_filter = fs_node_child_filter(n);
	if (f.next_off == 0 && dir_emit(&f, ".", S_IFDIR, n->ino))
		goto out;
	if (f.next_off == 1 && dir_emit(&f, "..", S_IFDIR, n->parent))
		goto out;
	if (n->ops->readdir) {
		ret = n->ops->readdir(n, h, f.next_off - 2, dir_emit, &f);
		if (ret > 0)
			ret = 0;
	}
out:
	fs_unlock();
	pthread_mutex_unlock(&h->lock);
	if (ret < 0 && f.used == 0)
		reply_err(req, ret);
	else
		fuse_reply_buf(req, f.buf, f.used);
	free(f.buf);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	handle_free(handle_of(fi));
	fuse_reply_err(req, 0);
}

/* --- files ----------------------------------------------------------------------- */

/* Open n for a request; n's reference passes to the handle.  0 or -errno. */
static int open_node(fuse_req_t req, struct fs_node *n, struct fuse_file_info *fi)
{
	int acc = fi->flags & O_ACCMODE;
	bool wr = acc == O_WRONLY || acc == O_RDWR;
	struct fs_handle *h;
	int ret;

	if (fs_node_stale(n))
		return -ENOENT;
	if (S_ISDIR(n->ops->mode))
		return -EISDIR;
	if (wr && !n->ops->writable)
		return -EACCES;
	if (wr && !req_is_root(req))
		return -EACCES;
	h = handle_new(n, fi->flags, fuse_req_ctx(req)->uid);
	if (!h)
		return -ENOMEM;
	if (wr && (fi->flags & O_TRUNC))
		h->trunc = true;
	if (n->ops->open) {
		ret = n->ops->open(h);
		if (ret) {
			h->node = NULL;
			handle_free(h);
			return ret;
		}
	}
	fi->fh = (uintptr_t)h;
	fi->direct_io = 1;
	fi->keep_cache = 0;
	/* a read-only handle has nothing to apply at close: no FLUSH trip */
	if (!wr)
		fi->noflush = 1;
	if (n->ops->read_wait)
		fi->nonseekable = 1;	/* a stream, like a pipe */
	return 0;
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_node *n;
	int ret;

	fs_rdlock();
	n = fs_node_get(ino);
	ret = n ? open_node(req, n, fi) : -ENOENT;
	fs_unlock();
	if (ret) {
		fs_node_put(n);
		reply_err(req, ret);
		return;
	}
	if (fuse_reply_open(req, fi))
		handle_free(handle_of(fi));
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fs_handle *h = handle_of(fi);
	struct eb_strbuf out = EB_STRBUF_INIT;
	int ret;

	pthread_mutex_lock(&h->lock);
	fs_rdlock();
	if (fs_node_stale(h->node)) {
		ret = -ENOENT;
	} else if (h->node->ops->read_wait) {
		/* O_NONBLOCK as it is now (fcntl may have changed it) */
		h->flags = (h->flags & ~O_NONBLOCK) | (fi->flags & O_NONBLOCK);
		ret = h->node->ops->read_wait(h, (struct fs_req *)req, size, off, &out);
	} else if (h->node->ops->read) {
		ret = h->node->ops->read(h, size, off, &out);
	} else {
		ret = -EINVAL;
	}
	fs_unlock();
	pthread_mutex_unlock(&h->lock);
	if (ret == FS_PARKED)
		;	/* answered later (fs_req_reply_*) */
	else if (ret < 0)
		reply_err(req, ret);
	else
		fuse_reply_buf(req, out.buf, EB_MIN(out.len, size));
	eb_strbuf_release(&out);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
		     off_t off, struct fuse_file_info *fi)
{
	struct fs_handle *h = handle_of(fi);
	size_t end = (size_t)off + size, old_len = 0;
	bool old_dirty;
	char *old;
	int ret = 0;

	if (h->node->ops->write) {
		/* taken at once: no buffer, no size limit */
		pthread_mutex_lock(&h->lock);
		fs_rdlock();
		ret = fs_node_stale(h->node) ? -ENOENT :
		      h->node->ops->write(h, buf, size, off);
		fs_unlock();
		pthread_mutex_unlock(&h->lock);
		if (ret < 0)
			reply_err(req, ret);
		else
			fuse_reply_write(req, (size_t)ret);
		return;
	}
	pthread_mutex_lock(&h->lock);
	/* O_APPEND writes at the end of what the handle holds, whatever
	 * offset the kernel sent: check the limit against that end */
	if ((h->flags & O_APPEND))
		off = (off_t)h->wbuf.len, end = h->wbuf.len + size;
	if (off < 0 || end > write_limit(h->node)) {
		h->too_big = true;
		pthread_mutex_unlock(&h->lock);
		fuse_reply_err(req, EFBIG);
		return;
	}
	/* files that check their writes are small: keep the old bytes */
	old = NULL;
	old_dirty = h->dirty;
	if (h->node->ops->check) {
		old = malloc(h->wbuf.len + 1);
		if (!old)
			ret = -ENOMEM;
		else
			memcpy(old, h->wbuf.buf, h->wbuf.len);
		old_len = h->wbuf.len;
	}
	if (!ret && end > h->wbuf.len)
		ret = handle_truncate(h, end);
	if (!ret) {
		memcpy(h->wbuf.buf + off, buf, size);
		if (h->node->ops->check)
			ret = h->node->ops->check(h);
	}
	if (ret && old) {
		/* refused: the buffer is what it was before this write, and
		 * nothing of it is applied at flush */
		eb_strbuf_reset(&h->wbuf);
		eb_strbuf_add(&h->wbuf, old, old_len);
		h->dirty = old_dirty;
		h->refused = ret;
	} else if (!ret) {
		h->dirty = true;
	}
	free(old);
	pthread_mutex_unlock(&h->lock);
	if (ret)
		reply_err(req, ret);
	else
		fuse_reply_write(req, size);
}

/* Apply what the handle wrote, once.  Handle lock held. */
static int handle_commit(struct fs_handle *h)
{
	int ret = 0;

	if (h->too_big) {
		/* never apply (load) the bytes before the refused write */
		h->too_big = false;
		h->dirty = false;
		return -EFBIG;
	}
	if (h->refused) {
		ret = h->refused;
		h->refused = 0;
		h->dirty = false;
		return ret;
	}
	if (h->dirty && h->node->ops->commit) {
		h->dirty = false;
		ret = h->node->ops->commit(h);
		h->rvalid = false;
	}
	h->dirty = false;
	return ret;
}

static void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_handle *h = handle_of(fi);
	int ret;

	pthread_mutex_lock(&h->lock);
	ret = handle_commit(h);
	pthread_mutex_unlock(&h->lock);
	reply_err(req, ret);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_handle *h = handle_of(fi);

	pthread_mutex_lock(&h->lock);
	(void)handle_commit(h);
	pthread_mutex_unlock(&h->lock);
	if (h->node->ops->release)
		h->node->ops->release(h);
	handle_free(h);
	fuse_reply_err(req, 0);
}

static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

/* What poll(2) reports for files of kinds without a poll op. */
#define FS_POLL_DEFAULT (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

static void op_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		    struct fuse_pollhandle *ph)
{
	struct fs_handle *h = handle_of(fi);
	unsigned int ev;

	if (!h->node->ops->poll) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		fuse_reply_poll(req, FS_POLL_DEFAULT);
		return;
	}
	fs_rdlock();
	ev = h->node->ops->poll(h, (struct fs_poll *)ph);
	fs_unlock();
	fuse_reply_poll(req, ev);
}

/* --- answers given later ----------------------------------------------------- */

void fs_req_reply_buf(struct fs_req *req, const void *buf, size_t len)
{
	fuse_reply_buf((fuse_req_t)req, buf, len);
}

void fs_req_reply_err(struct fs_req *req, int ret)
{
	reply_err((fuse_req_t)req, ret);
}

static void interrupt_trampoline(fuse_req_t req, void *data)
{
	const struct fs_req_interrupt *ri = data;

	ri->fn((struct fs_req *)req);
}

bool fs_req_on_interrupt(struct fs_req *req, const struct fs_req_interrupt *ri)
{
	fuse_req_interrupt_func((fuse_req_t)req, interrupt_trampoline, (void *)ri);
	return fuse_req_interrupted((fuse_req_t)req);
}

bool fs_req_interrupted(struct fs_req *req)
{
	return fuse_req_interrupted((fuse_req_t)req);
}

void fs_poll_notify(struct fs_poll *ph)
{
	struct fuse_pollhandle *p = (struct fuse_pollhandle *)ph;

	if (!p)
		return;
	fuse_lowlevel_notify_poll(p);
	fuse_pollhandle_destroy(p);
}

void fs_poll_free(struct fs_poll *ph)
{
	if (ph)
		fuse_pollhandle_destroy((struct fuse_pollhandle *)ph);
}

/* --- changing directories ---------------------------------------------------- */

/* The directory node for a change request, or NULL after replying. */
static struct fs_node *change_dir(fuse_req_t req, fuse_ino_t parent)
{
	struct fs_node *dir;

	if (!req_is_root(req)) {
		fuse_reply_err(req, EACCES);
		return NULL;
	}
	fs_rdlock();
	dir = fs_node_get(parent);
	fs_unlock();
	if (!dir || fs_node_stale(dir)) {
		fs_node_put(dir);
		fuse_reply_err(req, ENOENT);
		return NULL;
	}
	if (!dir->ops->dir_writable) {
		fs_node_put(dir);
		fuse_reply_err(req, EPERM);
		return NULL;
	}
	return dir;
}

/* create + lookup of the new node; returns it (a lookup count and a
 * reference) or NULL with *err set. */
static struct fs_node *create_node(struct fs_node *dir, const char *name, int *err)
{
	struct fs_entry e = { 0 };
	struct fs_node *n;
	int ret;

	if (strlen(name) > 255) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	ret = dir->ops->create ? dir->ops->create(dir, name, &e) : -EPERM;
	if (ret) {
		*err = ret;
		return NULL;
	}
	fs_rdlock();
	n = fs_node_obtain(dir, name, &e);
	fs_unlock();
	if (!n)
		*err = -ENOMEM;
	return n;
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	struct fuse_entry_param e;
	struct fs_node *dir, *n;
	int ret = 0;

	dir = change_dir(req, parent);
	if (!dir)
		return;
	n = create_node(dir, name, &ret);
	fs_node_put(dir);
	if (!n) {
		reply_err(req, ret);
		return;
	}
	fs_rdlock();
	ret = fill_entry(n, NULL, &e);
	if (!ret)
		ret = open_node(req, n, fi);
	fs_unlock();
	if (ret) {
		fs_node_forget(n->ino, 1);
		fs_node_put(n);
		reply_err(req, ret);
		return;
	}
	if (fuse_reply_create(req, &e, fi)) {
		fs_node_forget(n->ino, 1);
		handle_free(handle_of(fi));
	}
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	struct fs_node *dir, *n;
	int ret = 0;

	if (!S_ISREG(mode)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	dir = change_dir(req, parent);
	if (!dir)
		return;
	n = create_node(dir, name, &ret);
	fs_node_put(dir);
	if (!n) {
		reply_err(req, ret);
		return;
	}
	fs_rdlock();
	reply_entry_of(req, n, NULL);
	fs_node_put(n);
	fs_unlock();
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs_node *dir;
	int ret;

	dir = change_dir(req, parent);
	if (!dir)
		return;
	ret = dir->ops->unlink ? dir->ops->unlink(dir, name) : -EPERM;
	if (!ret)
		fs_node_unhash_name(parent, name);
	fs_node_put(dir);
	reply_err(req, ret);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	fuse_reply_err(req, req_is_root(req) ? EPERM : EACCES);
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fuse_reply_err(req, req_is_root(req) ? EPERM : EACCES);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	fuse_reply_err(req, req_is_root(req) ? EPERM : EACCES);
}

/* no symbolic or hard links anywhere in the tree */
static void op_symlink(fuse_req_t req, const char *target, fuse_ino_t parent,
		       const char *name)
{
	fuse_reply_err(req, req_is_root(req) ? EPERM : EACCES);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	fuse_reply_err(req, req_is_root(req) ? EPERM : EACCES);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	/* no page cache for our files: their contents are live */
	conn->want &= ~(unsigned int)FUSE_CAP_WRITEBACK_CACHE;
	/* one read request at a time per read(2), in order: an events
	 * file maps a reader's offsets onto its log as it goes */
	conn->want &= ~(unsigned int)FUSE_CAP_ASYNC_DIO;
	/* libfuse checks that this matches the mount's max_read (main.c) */
	conn->max_read = (unsigned int)fs_st.cfg->max_read;
}

const struct fuse_lowlevel_ops fs_fuse_ops = {
	.init = op_init,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.setattr = op_setattr,
	.opendir = op_opendir,
	.readdir = op_readdir,
	.releasedir = op_releasedir,
	.open = op_open,
	.read = op_read,
	.write = op_write,
	.flush = op_flush,
	.release = op_release,
	.fsync = op_fsync,
	.poll = op_poll,
	.create = op_create,
	.mknod = op_mknod,
	.symlink = op_symlink,
	.link = op_link,
	.unlink = op_unlink,
	.mkdir = op_mkdir,
	.rmdir = op_rmdir,
	.rename = op_rename,
};
