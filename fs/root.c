// SPDX-License-Identifier: MIT
/*
 * root.c - the mount's root directory and the permanent nodes.
 *
 *   /        progs/, maps/ and sys/ (sysfiles.c)
 */
#include <errno.h>
#include <string.h>

#include "fs.h"
#include "sysfiles.h"
#include "util.h"

static const struct {
	const char *name;
	uint64_t ino;
	const struct fs_node_ops *ops;
} root_entries[] = {
	{ "progs", FS_INO_PROGS, &fs_progs_dir_ops },
	{ "maps", FS_INO_MAPS, &fs_maps_dir_ops },
	{ "sys", FS_INO_SYS, &fs_sys_dir_ops },
};

static int root_lookup(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	size_t i;

	for (i = 0; i < EB_ARRAY_SIZE(root_entries); i++) {
		if (!strcmp(name, root_entries[i].name)) {
			out->ops = root_entries[i].ops;
			return 0;
		}
	}
	return -ENOENT;
}

static int root_readdir(struct fs_node *dir, struct fs_handle *dh, uint64_t pos,
			fs_emit_fn emit, void *ctx)
{
	int n = 0;

	for (; pos < EB_ARRAY_SIZE(root_entries); pos++, n++) {
		if (emit(ctx, root_entries[pos].name, S_IFDIR, root_entries[pos].ino))
			break;
	}
	return n;
}

const struct fs_node_ops fs_root_ops = {
	.kind = "root",
	.mode = S_IFDIR | 0755,
	.lookup = root_lookup,
	.readdir = root_readdir,
};

int fs_tree_init(void)
{
	size_t i;

	if (!fs_node_new_permanent(FS_INO_ROOT, FS_INO_ROOT, "", &fs_root_ops))
		return -ENOMEM;
	for (i = 0; i < EB_ARRAY_SIZE(root_entries); i++) {
		if (!fs_node_new_permanent(root_entries[i].ino, FS_INO_ROOT,
					   root_entries[i].name, root_entries[i].ops))
			return -ENOMEM;
	}
	return fs_sys_tree_init();
}
