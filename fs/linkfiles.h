/* SPDX-License-Identifier: MIT */
/*
 * linkfiles.h - attaching: progs/PROG/attach, progs/PROG/attach_error,
 * progs/PROG/links/ and the registry of the links the daemon made.
 *
 *   attach        write an attach line (core/attach.h: "auto", "xdp IFNAME
 *                 [skb|drv|hw]", "tc IFNAME ingress|egress", ...): each
 *                 line is applied when its newline is written, so write()
 *                 returns its errno; a last line without a newline is
 *                 applied at close.  Read: one line per link of the
 *                 program, "NAME LINE" ("12 xdp eth0"; LINE is "-" when
 *                 not known).
 *   attach_error  why the last refused attach line of this program failed:
 *                 "program:", "line:", "errno: N (text)", "message:"
 *                 (the line naming the word at fault).  Empty until one
 *                 fails; kept until the next failure or the unload.
 *   links/NAME    one file per link, NAME its kernel link id (or the
 *                 core's name for links the kernel has no id for).
 *                 Reading shows eb_link_describe() plus "program:" and
 *                 "object:" lines; reading an iterator link runs the
 *                 iterator and returns its output.  rm detaches.
 *
 * Links live in a registry keyed by object and program name, so they
 * outlive a replacement of the object's programs.  It changes only under
 * fs_st.load_lock plus the state write lock and is read under the state
 * read lock.
 *
 * Persistence, under the pin directory P (names escaped as in pin.c):
 *   P/objs/OBJ/%links/PROG/NAME        the link (eb_link_pin(): perf event
 *                                      links of further CPUs at NAME@1 ...)
 *   P/objs/OBJ/%links/PROG/NAME%line   a symlink whose target is the
 *                                      attach line (so a restarted daemon
 *                                      can still replace perf event links)
 */
#ifndef EBPFS_LINKFILES_H
#define EBPFS_LINKFILES_H

#include "fs.h"

struct fs_prog;
struct eb_strbuf;

/* The node kinds of a program directory (registered by progfiles.c). */
extern const struct fs_node_ops fs_attach_ops;
extern const struct fs_node_ops fs_attach_error_ops;
extern const struct fs_node_ops fs_links_dir_ops;

/*
 * rm progs/OBJ: detach every link of object obj (the registered ones and
 * any other link pinned under its %links directory), remove their pins
 * and the %links directory, forget the attach errors.  Call with
 * fs_st.load_lock held and the state lock NOT held (takes the write lock).
 */
void fs_links_detach_obj(const char *obj);

/*
 * Object obj is being replaced by new programs progs[0..n-1] (loaded, not
 * yet registered; borrowed).  Every link of a program that the new
 * object also has (same name) is switched to the new program in place
 * (eb_link_update(): BPF_LINK_UPDATE where the kernel has it, make before
 * break otherwise) and re-pinned when its name changed; links of programs
 * the new object lacks are detached.  If one update fails, the links
 * already switched are switched back, nothing is detached, err receives
 * the message and the errno is returned (the load must fail).  Call with
 * fs_st.load_lock held and the state lock NOT held.  0 or -errno.
 */
int fs_links_replace_obj(const char *obj, struct fs_prog *const *progs, unsigned int n,
			 struct eb_strbuf *err);

/*
 * Start-up: reopen the links pinned for object obj (already restored and
 * registered) and register them.  Call with fs_st.load_lock held and the
 * state lock NOT held.
 */
void fs_links_restore(const char *obj);

/* Exit: close every link (the pins keep them attached).  Takes the write lock. */
void fs_links_fini(void);

/* --- pin.c ------------------------------------------------------------------ */

/*
 * P/objs/OBJ/%links, P/objs/OBJ/%links/PROG (prog not NULL) or
 * P/objs/OBJ/%links/PROG/LINK (both not NULL), names escaped.  Allocated
 * (caller frees); NULL on ENOMEM.
 */
char *fs_pin_path_links(const char *obj, const char *prog, const char *link);

#endif
