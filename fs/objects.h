/* SPDX-License-Identifier: MIT */
/*
 * objects.h - the registry: objects in progs/, their programs, the maps.
 *
 * The registry is what the daemon has loaded: objects (files in progs/),
 * the programs they brought (directories in progs/) and the maps
 * (directories in maps/, shared by name).  It changes only under
 * fs_st.load_lock plus the state write lock; it is read under the state
 * read lock.  This header does not include the core's object.h or map.h:
 * objects.c speaks to the loader, mapfiles.c to the map module, and the
 * map type stays opaque here.
 *
 * Persistence (pin.c, store.c), under the pin directory P:
 *   P/maps/NAME            every map, pinned by its name in maps/
 *   P/objs/OBJ/PROG        every program of object OBJ
 *   P/objs/OBJ/%image      an array map holding the object's bytes and the
 *                          verifier logs (store.c), so a restarted daemon
 *                          can show progs/OBJ and re-parse it
 * Names are escaped: bpffs refuses '.', so '.' is "%2e" and '%' "%25".
 * ("%image" is no escaped name, so it never clashes with a program.)
 */
#ifndef EBPFS_OBJECTS_H
#define EBPFS_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"
#include "fs.h"

struct eb_btf;
struct fs_map;

/* A program: a directory in progs/. */
struct fs_prog {
	struct fs_backing b;
	char *name;		/* ELF symbol */
	char *obj_name;		/* the object file it came from */
	char *sec_name;
	char *license;
	int fd;			/* owned; -1 once unloaded */
	uint32_t type;		/* enum bpf_prog_type */
	uint32_t expected_attach_type;
	char *log;		/* verifier log of the load ("" if none) */
	/* last test run (progfiles.c), under run_lock */
	pthread_mutex_t run_lock;
	struct eb_strbuf run_result;
};

/* An object file in progs/. */
struct fs_obj {
	struct fs_backing b;
	char *name;		/* file name in progs/ */
	bool registered;	/* loaded and listed */
	void *image;		/* the bytes as written */
	size_t image_len;
	struct eb_object *eo;	/* parsed (and, when loaded here, loaded) */
	struct fs_prog **progs;
	unsigned int nprogs;
	struct fs_map **maps;	/* one reference each */
	unsigned int nmaps;
	struct timespec mtime;
};

/* --- registry lookups (state lock held) --------------------------------- */

struct fs_obj *fs_obj_find(const char *name);
struct fs_prog *fs_prog_find(const char *name);
/* Iterate: index i of the registered objects / programs; NULL past the end. */
struct fs_obj *fs_obj_at(unsigned int i);
struct fs_prog *fs_prog_at(unsigned int i);

/* --- objects.c ------------------------------------------------------------- */

/* A new, unregistered object named name (an upload in progress). */
struct fs_obj *fs_obj_new(const char *name);
/*
 * Load image as the object's new contents: takes the load lock and the
 * state locks itself (call without them).  On success the old contents
 * (if any) are unloaded and the new ones registered and pinned; on
 * failure nothing changes and progs/.last_error says why.  0 or -errno.
 */
int fs_obj_load(struct fs_obj *obj, const void *image, size_t len);
/* rm progs/NAME: unload everything the object brought.  Takes the locks
 * itself.  0 or -errno (-ENOENT). */
int fs_obj_unload_by_name(const char *name);
/* Restore what the pins under the pin dir hold (at start-up). */
void fs_objects_restore(void);
/* Drop the registry at exit (pins stay). */
void fs_objects_fini(void);
/* progs/.last_error: append its contents to out. */
void fs_last_error_render(struct eb_strbuf *out);
/* How to spell a key or value of BTF type type_id (0: none; btf may be
 * NULL) and size bytes. */
enum fs_fmt fs_btf_fmt(const struct eb_btf *btf, uint32_t type_id, uint32_t size);

/* --- mapfiles.c: maps -------------------------------------------------------- */

struct fs_map_desc {
	const char *name;	/* name in maps/ */
	int fd;			/* borrowed: fs_map_new() dups it */
	bool own;		/* fd is a map this process created (the
				 * loader's): its kind need not be checked */
	uint32_t pinning;	/* EB_PIN_* */
	enum fs_fmt key_fmt;
	enum fs_fmt val_fmt;
};

/* A new map (one reference, unregistered).  0 or -errno. */
int fs_map_new(const struct fs_map_desc *d, struct fs_map **out);
struct fs_map *fs_map_get(struct fs_map *m);
void fs_map_put(struct fs_map *m);
/* Registered map by name (state lock held), or NULL. */
struct fs_map *fs_map_find(const char *name);
const char *fs_map_name(const struct fs_map *m);
uint32_t fs_map_pinning(const struct fs_map *m);
/* The map's fd, borrowed (valid under the state lock while registered). */
int fs_map_fd(const struct fs_map *m);
/* Owners: object names.  add returns 0 or -ENOMEM; del returns the
 * number of owners left.  Write lock held. */
int fs_map_add_owner(struct fs_map *m, const char *obj);
unsigned int fs_map_del_owner(struct fs_map *m, const char *obj);
unsigned int fs_map_owner_cnt(const struct fs_map *m);
const char *fs_map_owner(const struct fs_map *m, unsigned int i);
/* Add to / remove from maps/ (write lock held).  Register takes a
 * reference; unregister marks it gone, closes the fd, drops it. */
int fs_map_register(struct fs_map *m);
void fs_map_unregister(struct fs_map *m);
/* Drop every registered map (exit). */
void fs_maps_fini(void);
/* The backing inside m (nodes showing m hold a reference to it). */
struct fs_backing *fs_map_backing(struct fs_map *m);
/* The node kinds of maps/NAME/, for sys/maps/ID/ (sysfiles.c), which
 * shows them over transient maps. */
struct fs_map_kinds {
	const struct fs_node_ops *dir, *key, *info, *dump;
};
extern const struct fs_map_kinds fs_map_kinds;

/* --- progfiles.c ----------------------------------------------------------- */

extern const struct fs_node_ops fs_prog_dir_ops;
/* Free a program (backing destroy). */
void fs_prog_destroy(struct fs_backing *b);
/* progs/NAME/info and xlated of program fd, appended to out; p (NULL:
 * a program not loaded here) adds what the loader knows.  0 or -errno. */
int fs_prog_info_render(int fd, const struct fs_prog *p, struct eb_strbuf *out);
int fs_prog_xlated_render(int fd, struct eb_strbuf *out);

/* --- pin.c -------------------------------------------------------------------- */

/* Paths under the pin dir, allocated (caller frees); NULL on ENOMEM. */
char *fs_pin_path_map(const char *map);
char *fs_pin_path_obj(const char *obj);
char *fs_pin_path_prog(const char *obj, const char *prog);
char *fs_pin_path_image(const char *obj);
/* Undo the escaping of a name read from the pin dir (allocated). */
char *fs_pin_unescape(const char *name);
/* Length of name as a pin file name (escaped: '.' and '%' take 3 bytes). */
size_t fs_pin_name_len(const char *name);
/* Pin fd at path, replacing what is there.  0 or -errno (logged). */
int fs_pin_replace(int fd, const char *path);
/* mkdir P/objs/OBJ (existing is fine; a missing objs/ is left to the
 * first pin, which creates the parents).  Failures are logged. */
void fs_pin_make_obj_dir(const char *obj);
/* Unpin (missing is fine).  0 or -errno (logged). */
int fs_unpin(const char *path);
/* Open a pinned object.  fd or -errno. */
int fs_pin_open(const char *path);

/* --- store.c: the object image in a pinned array map --------------------------- */

/* Save image and logs at path (replacing).  0 or -errno. */
int fs_store_save(const char *path, const void *image, size_t image_len,
		  const void *logs, size_t logs_len);
/* Load them back; *image and *logs are allocated (caller frees).  0 or -errno. */
int fs_store_load(const char *path, void **image, size_t *image_len,
		  void **logs, size_t *logs_len);

#endif
