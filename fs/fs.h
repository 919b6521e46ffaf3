/* SPDX-License-Identifier: MIT */
/*
 * fs.h - the ebpfs daemon's internal interfaces.
 *
 * The daemon has four layers, each in its own files:
 *
 *   main.c     options (struct fs_config), the FUSE session, daemonizing.
 *   glue.c     the FUSE low-level callbacks: they find the node of an
 *              inode, take the state lock and dispatch on the node's
 *              `const struct fs_node_ops` table.  The only file that
 *              replies to FUSE requests.
 *   node.c     the inode table: stable inode numbers, lookup counts,
 *              open counts, the (parent, name) index.
 *   root.c, objects.c, progfiles.c, mapfiles.c, fmt.c, pin.c, store.c
 *              the node kinds and the registry of what is loaded.
 *
 * Nothing in fs/ calls bpf(2): every kernel operation goes through core/.
 *
 * Locking, outermost first:
 *   handle->lock     (mutex) one open file's buffers; a flush holds it
 *                    while the commit loads an object.
 *   state.load_lock  (mutex) serialises every change of the registry:
 *                    loads, unloads, replacements.
 *   state.lock       (rwlock) every FUSE callback holds it for reading;
 *                    publishing a change of the registry holds it for
 *                    writing.  A backing object's `gone` flag and fds
 *                    only change under the write lock, so an op that
 *                    holds the read lock and saw gone == false may use
 *                    the fds until it drops the lock.  Readers must
 *                    not take it recursively (writers are preferred).
 *   node table lock  (mutex, node.c) the inode table itself; held only
 *                    inside node.c.
 */
#ifndef EBPFS_FS_H
#define EBPFS_FS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "strbuf.h"

/* --- configuration (filled by option parsing, read-only afterwards) --- */

struct fs_config {
	char *mountpoint;
	char *pin_dir;		/* -o pin_dir=PATH: bpffs directory for pins */
	int foreground;		/* -f */
	int debug;		/* -d */
	int singlethread;	/* -s */
	int allow_other;	/* -o allow_other */
	int no_restore;		/* -o no_restore: ignore existing pins */
	unsigned int log_level;	/* -o log_level=N: verifier log level */
	unsigned int max_threads;	/* -o max_threads=N */
	uint64_t max_object;	/* -o max_object=BYTES */
	uint64_t max_read;	/* -o max_read=BYTES: largest READ request */
	int no_uring;		/* -o uring=off */
	size_t events_log;	/* -o events_log=SIZE: bound of each map's
				 * events log (eventfiles.h) */
	int show_help;
	int show_version;
};

#define FS_DEFAULT_PIN_DIR	"/sys/fs/bpf/ebpfs"
#define FS_DEFAULT_LOG_LEVEL	4	/* statistics; a refused load is retried verbose */
#define FS_DEFAULT_MAX_OBJECT	(64ull << 20)
/*
 * The kernel pins (and so faults in) every page of a reader's buffer that
 * one READ request could fill: cat's 128 KiB buffer costs 32 page faults
 * for a 15-byte value.  16 KiB requests cost 4 and still move bulk data
 * (.dump, events) in few requests.
 */
#define FS_DEFAULT_MAX_READ	(16ull << 10)
#define FS_MIN_MAX_READ		4096ull
#define FS_MAX_MAX_READ		(1ull << 20)

/* --- backing objects ---------------------------------------------------- */

/*
 * Something nodes point at: a loaded object, a program, a map.  Counted
 * references; the registry holds one while the thing is loaded.  `gone`
 * is set (under the state write lock) when the thing is unloaded: nodes
 * that still point at it answer ENOENT from then on.
 */
struct fs_backing {
	atomic_int refs;
	bool gone;
	void (*destroy)(struct fs_backing *b);
};

void fs_backing_init(struct fs_backing *b, void (*destroy)(struct fs_backing *));
/* Returns b (NULL is fine). */
struct fs_backing *fs_backing_get(struct fs_backing *b);
/* Drop a reference; the last one calls destroy.  NULL is fine. */
void fs_backing_put(struct fs_backing *b);

/* --- nodes ---------------------------------------------------------------- */

struct fs_node;
struct fs_handle;
struct fs_req;		/* a FUSE request kept for a later answer */
struct fs_poll;		/* a FUSE poll handle */

#define FS_PARKED 1	/* read_wait kept the request */

/*
 * What a directory's lookup found: the kind of node, the backing it
 * shows and node-private bytes (e.g. a map key, malloc'd).  Both the
 * backing reference and data are handed over to fs_node_obtain().
 */
struct fs_entry {
	const struct fs_node_ops *ops;
	struct fs_backing *backing;
	void *data;
	size_t data_len;
	/* set by a lookup that already knows what the kind's getattr would
	 * report (st_size and st_mtim; a key file's lookup read the value):
	 * the reply to LOOKUP uses them instead of calling getattr */
	bool attr_known;
	off_t size;
	struct timespec mtime;
};

/* readdir: emit one entry; returns true when the reply buffer is full
 * (the entry was NOT added and must be offered again next time). */
typedef bool (*fs_emit_fn)(void *ctx, const char *name, mode_t mode, uint64_t ino);

/*
 * A node kind.  Every callback returns 0 (or a count) or -errno; a NULL
 * callback means the operation is refused (see glue.c for the errno).
 * Callbacks run with the state lock held for reading unless stated.
 */
struct fs_node_ops {
	const char *kind;
	mode_t mode;		/* S_IFDIR | 0755, S_IFREG | 0644 ... */
	bool live;		/* contents change behind the kernel's back:
				 * direct_io, no attribute caching */
	bool writable;		/* may be opened for writing */
	bool dir_writable;	/* directory accepts create / unlink */
	bool cache_entry;	/* entry and attributes change only through
				 * loads and unloads (fs_cache_changed()) */
	bool cache_attr;	/* attributes may lag a second: sizes of key
				 * files (reads are live, direct_io), objects
				 * (written only through the mount) */
	bool cache_negative;	/* directory: a name it does not hold may be
				 * cached as absent; its names change only
				 * through this mount and loads/unloads */
	bool max_object;	/* bounded by -o max_object (objects in progs/):
				 * its write op refuses bytes past it itself,
				 * glue.c bounds a truncate of its handles */

	/* directories */
	int (*lookup)(struct fs_node *dir, const char *name, struct fs_entry *out);
	/* Emit entries from position `pos` (0 = first entry after . and ..);
	 * returns the number emitted.  dh is the open directory handle
	 * (ops may keep a cursor in dh->priv). */
	int (*readdir)(struct fs_node *dir, struct fs_handle *dh, uint64_t pos,
		       fs_emit_fn emit, void *ctx);
	/* Create `name`; on success fill *out like lookup.  Runs WITHOUT
	 * the state lock (it may take the write lock itself). */
	int (*create)(struct fs_node *dir, const char *name, struct fs_entry *out);
	/* Runs WITHOUT the state lock. */
	int (*unlink)(struct fs_node *dir, const char *name);

	/* any node: set st_size (and anything else) beyond the defaults */
	int (*getattr)(struct fs_node *node, struct stat *st);
	/* Called once at node creation (optional): parse node->data. */
	int (*init)(struct fs_node *node);
	/* Called when the node is freed (optional). */
	void (*fini)(struct fs_node *node);

	/* files */
	int (*open)(struct fs_handle *h);
	/* Render the whole contents (text files); fs_text_read() serves
	 * reads from it, regenerating at offset 0. */
	int (*render)(struct fs_handle *h, struct eb_strbuf *out);
	/* Append up to size bytes at off to out (streamed files). */
	int (*read)(struct fs_handle *h, size_t size, off_t off, struct eb_strbuf *out);
	/* Reads that may wait (used instead of read when set): append up
	 * to size bytes to out and return 0, or keep req and return
	 * FS_PARKED, answering it later with fs_req_reply_*() (glue.c). */
	int (*read_wait)(struct fs_handle *h, struct fs_req *req, size_t size,
			 off_t off, struct eb_strbuf *out);
	/* poll(2) (optional; without it a file is always ready): return the
	 * POLL* bits ready now.  ph (NULL: the caller does not wait) is
	 * handed over: fs_poll_notify() or fs_poll_free() it. */
	unsigned int (*poll)(struct fs_handle *h, struct fs_poll *ph);
	/* Writes taken at once, one call per write(2), instead of the
	 * buffered check/commit path.  Returns bytes taken or -errno. */
	int (*write)(struct fs_handle *h, const char *buf, size_t size, off_t off);
	/* Called after each write with the bytes so far in h->wbuf: an
	 * error refuses this write (the buffer goes back to what it was),
	 * so `echo bad > file` fails in write(), where shells see it. */
	int (*check)(struct fs_handle *h);
	/* Called at flush when the handle was written since the last flush.
	 * The written bytes are h->wbuf.  Runs WITHOUT the state lock. */
	int (*commit)(struct fs_handle *h);
	/* Truncate of a handle-less node (optional). */
	int (*truncate)(struct fs_node *node, off_t size);
	void (*release)(struct fs_handle *h);
};

struct fs_node {
	uint64_t ino;
	uint64_t parent;	/* parent inode */
	char *name;
	const struct fs_node_ops *ops;
	struct fs_backing *backing;	/* one reference, may be NULL */
	void *data;			/* node-private bytes */
	size_t data_len;
	void *priv;			/* set by ops->init */
	struct timespec time;		/* creation time: mtime/ctime */
	/* node.c */
	uint64_t nlookup;
	unsigned int opens;
	unsigned int children;		/* hashed nodes whose parent this is */
	uint64_t child_bits;		/* a bit per child name's hash: see
					 * fs_node_child_filter() */
	bool hashed;
	bool permanent;
	struct fs_node *ino_next, *name_next;
};

/* An open file or directory. */
struct fs_handle {
	struct fs_node *node;	/* an open reference */
	int flags;		/* open(2) flags */
	pthread_mutex_t lock;
	struct eb_strbuf rbuf;	/* rendered contents (text files) */
	bool rvalid;
	struct eb_strbuf wbuf;	/* bytes written, at their offsets */
	bool dirty;
	bool trunc;		/* opened with O_TRUNC */
	int refused;		/* -errno: a write failed its check, so the
				 * flush applies nothing and fails with it
				 * (no valid part of a refused value lands) */
	bool too_big;		/* a write went past max_object (EFBIG): the
				 * next flush fails with EFBIG and applies
				 * nothing of the cut-off bytes */
	void *priv;		/* kind-specific cursor */
	void (*priv_free)(void *priv);
	/* uid of the opener (for permission checks in commit) */
	uid_t uid;
};

/* The node table (node.c). */
int fs_nodes_init(void);
void fs_nodes_fini(void);
/* A permanent node (root, progs/, maps/): never freed. */
struct fs_node *fs_node_new_permanent(uint64_t ino, uint64_t parent, const char *name,
				      const struct fs_node_ops *ops);
/* Find by inode; takes an open reference (fs_node_put()).  NULL: unknown. */
struct fs_node *fs_node_get(uint64_t ino);
/* Drop a reference from fs_node_get()/fs_node_obtain(). */
void fs_node_put(struct fs_node *node);
/*
 * The node for (dir, name) showing entry *e: the existing one if it
 * shows the same thing (same ops, backing and data), else a new one with
 * a fresh inode number (an old node is unhashed).  Takes over e->backing's
 * reference and e->data in every case.  Adds one lookup count and one open reference
 * (fs_node_put()).  NULL only on ENOMEM.
 */
struct fs_node *fs_node_obtain(struct fs_node *dir, const char *name, struct fs_entry *e);
/*
 * A filter of the names the table holds under dir: one bit (of 64) per
 * name's hash, set for every node hashed under dir since dir last had no
 * children; 0 when it has none.  readdir takes it once per request and
 * hands it to fs_node_peek_ino(), so a directory with a few nodes and
 * 100,000 entries makes few locked lookups.
 */
uint64_t fs_node_child_filter(struct fs_node *dir);
/* The inode of (dir, name) if the table knows one; 0 otherwise, and
 * without taking the table's lock when the name's bit is not in filter
 * (readdir uses it for d_ino). */
uint64_t fs_node_peek_ino(uint64_t dir, const char *name, uint64_t filter);
/* Drop n lookup counts (FUSE forget). */
void fs_node_forget(uint64_t ino, uint64_t n);
/* Forget (dir, name) in the index so the next lookup makes a new node. */
void fs_node_unhash_name(uint64_t dir, const char *name);

/* Whether the node's backing has been unloaded. */
static inline bool fs_node_stale(const struct fs_node *n)
{
	return n->backing && n->backing->gone;
}

/* Serve a read from ops->render output (regenerated at offset 0). */
int fs_text_read(struct fs_handle *h, size_t size, off_t off, struct eb_strbuf *out);

/* --- global state ---------------------------------------------------------- */

#define FS_INO_ROOT	1
#define FS_INO_PROGS	2
#define FS_INO_MAPS	3
#define FS_INO_SYS		4	/* sys/ and its four directories */
#define FS_INO_SYS_PROGS	5
#define FS_INO_SYS_MAPS		6
#define FS_INO_SYS_LINKS	7
#define FS_INO_SYS_BTF		8

struct fs_state {
	const struct fs_config *cfg;
	pthread_mutex_t load_lock;
	pthread_rwlock_t lock;
	struct timespec start_time;
	int fuse_fd;		/* the session's /dev/fuse, -1 before mounting */
};

extern struct fs_state fs_st;

/*
 * glue.c: what can be cached.  Nodes with ops->cache_entry (program and
 * map directories) change only when an object is loaded or unloaded; the
 * kernel keeps their entries and attributes for a second, and every load
 * or unload calls fs_cache_changed(), which bumps the kernel's dentry
 * epoch (FUSE_NOTIFY_INC_EPOCH, Linux 6.16+) so that all of them are
 * looked up again.  A kernel without it refuses the first bump and
 * nothing is cached from then on.  Safe to call while answering a
 * request (it takes no lock).
 */
void fs_cache_changed(void);

static inline void fs_rdlock(void) { pthread_rwlock_rdlock(&fs_st.lock); }
static inline void fs_wrlock(void) { pthread_rwlock_wrlock(&fs_st.lock); }
static inline void fs_unlock(void) { pthread_rwlock_unlock(&fs_st.lock); }

/*
 * uring.c: FUSE over io_uring, one queue per CPU served on that CPU (see
 * uring.c).  fs_uring_start() installs the session's I/O hooks and starts
 * the queue threads before the session loop runs; INIT then decides
 * whether requests go through the rings.
 * fs_uring_stop() ends the threads after the loop.
 */
struct fuse_session;
bool fs_uring_kernel_enabled(void);
int fs_uring_start(struct fuse_session *se);
void fs_uring_stop(void);

/* root.c: build the permanent nodes. */
int fs_tree_init(void);

/* The node kinds, defined where they live. */
extern const struct fs_node_ops fs_root_ops;
extern const struct fs_node_ops fs_progs_dir_ops;
extern const struct fs_node_ops fs_maps_dir_ops;

/* glue.c: the FUSE callbacks. */
struct fuse_lowlevel_ops;
extern const struct fuse_lowlevel_ops fs_fuse_ops;

/*
 * glue.c: answers for requests a read_wait parked, and poll handles.  Call
 * them from any thread that holds neither the state lock nor a handle
 * lock; poll notifications only from a thread that is not answering a
 * request (libfuse doc/README.notifications).
 */
void fs_req_reply_buf(struct fs_req *req, const void *buf, size_t len);
void fs_req_reply_err(struct fs_req *req, int ret);
/* Have ri->fn(req) called (on a FUSE worker) if the request is
 * interrupted by a signal; fn must answer it if it still holds it.  ri
 * must outlive the request (a static const).  Returns true if it was
 * interrupted already (fn has run then). */
struct fs_req_interrupt {
	void (*fn)(struct fs_req *req);
};
bool fs_req_on_interrupt(struct fs_req *req, const struct fs_req_interrupt *ri);
/* Whether a signal interrupted the request. */
bool fs_req_interrupted(struct fs_req *req);
/* Tell the kernel a polled file changed, and free ph. */
void fs_poll_notify(struct fs_poll *ph);
void fs_poll_free(struct fs_poll *ph);

#endif
