/* SPDX-License-Identifier: MIT */
/*
 * sysfiles.h - sys/: every BPF object the kernel holds, loaded by anyone,
 * named by its kernel id (see sysfiles.c for the files and their errnos).
 *
 * Nodes below sys/ hold ids only, never an fd: each operation opens the
 * object by id and closes it again (an open file or directory of
 * sys/maps/ID holds the map until it is closed), so the kernel's dentry
 * cache never keeps an object alive that its owner has let go.
 */
#ifndef EBPFS_SYSFILES_H
#define EBPFS_SYSFILES_H

#include "fs.h"

/* sys/ itself (a permanent node made by root.c). */
extern const struct fs_node_ops fs_sys_dir_ops;

/* Make the permanent nodes sys/progs, sys/maps, sys/links and sys/btf
 * (call after sys/ exists).  0 or -ENOMEM. */
int fs_sys_tree_init(void);

#endif
