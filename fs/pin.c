// SPDX-License-Identifier: MIT
/*
 * pin.c - paths under the pin directory, pinning through the core.
 *
 * bpffs refuses names containing '.', so names are stored escaped: '.'
 * becomes "%2e" and '%' becomes "%25" ("xdp.bpf.o" -> "xdp%2ebpf%2eo").
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "info.h"
#include "linkfiles.h"
#include "log.h"
#include "objects.h"
#include "syscall.h"

static bool escaped(char c)
{
	return c == '.' || c == '%';
}

static void add_escaped(struct eb_strbuf *sb, const char *name)
{
	for (; *name; name++) {
		if (escaped(*name))
			eb_strbuf_addf(sb, "%%%02x", (unsigned char)*name);
		else
			eb_strbuf_addch(sb, *name);
	}
}

size_t fs_pin_name_len(const char *name)
{
	size_t n = 0;

	for (; *name; name++)
		n += escaped(*name) ? 3 : 1;
	return n;
}

char *fs_pin_unescape(const char *name)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	unsigned int c;

	for (; *name; name++) {
		if (name[0] == '%' && name[1] && name[2] &&
		    sscanf(name + 1, "%2x", &c) == 1) {
			eb_strbuf_addch(&sb, (char)c);
			name += 2;
		} else {
			eb_strbuf_addch(&sb, *name);
		}
	}
	if (eb_strbuf_error(&sb)) {
		eb_strbuf_release(&sb);
		return NULL;
	}
	return eb_strbuf_detach(&sb, NULL);
}

/* pin_dir/a[/b[/c]] with b and c escaped, then raw appended as is */
static char *join(const char *a, const char *b, const char *c, const char *raw)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;

	eb_strbuf_addf(&sb, "%s/%s", fs_st.cfg->pin_dir, a);
	if (b) {
		eb_strbuf_addch(&sb, '/');
		add_escaped(&sb, b);
	}
	if (c) {
		eb_strbuf_addch(&sb, '/');
		add_escaped(&sb, c);
	}
	if (raw)
		eb_strbuf_adds(&sb, raw);
	if (eb_strbuf_error(&sb)) {
		eb_strbuf_release(&sb);
		return NULL;
	}
	return eb_strbuf_detach(&sb, NULL);
}

char *fs_pin_path_map(const char *map)
{
	return join("maps", map, NULL, NULL);
}

char *fs_pin_path_obj(const char *obj)
{
	return join("objs", obj, NULL, NULL);
}

char *fs_pin_path_prog(const char *obj, const char *prog)
{
	return join("objs", obj, prog, NULL);
}

char *fs_pin_path_links(const char *obj, const char *prog, const char *link)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;

	/* "%links", like "%image", is no escaped name */
	eb_strbuf_addf(&sb, "%s/objs/", fs_st.cfg->pin_dir);
	add_escaped(&sb, obj);
	eb_strbuf_adds(&sb, "/%links");
	if (prog) {
		eb_strbuf_addch(&sb, '/');
		add_escaped(&sb, prog);
	}
	if (prog && link) {
		eb_strbuf_addch(&sb, '/');
		add_escaped(&sb, link);
	}
	if (eb_strbuf_error(&sb)) {
		eb_strbuf_release(&sb);
		return NULL;
	}
	return eb_strbuf_detach(&sb, NULL);
}

char *fs_pin_path_image(const char *obj)
{
	/* "%image": escaped names never hold a '%' that is not followed by two
	 * hex digits, so no program pin can be called that */
	return join("objs", obj, NULL, "/%image");
}

int fs_pin_replace(int fd, const char *path)
{
	int ret;

	if (!path)
		return -ENOMEM;
	ret = eb_pin(fd, path);
	if (ret == -EEXIST) {
		(void)eb_unpin(path);
		ret = eb_pin(fd, path);
	}
	if (ret)
		eb_warn("pin", "pin %s: %s", path, eb_strerror(ret));
	return ret;
}

void fs_pin_make_obj_dir(const char *obj)
{
	char *path = fs_pin_path_obj(obj);

	/* ENOENT (no objs/ yet): the first pin creates the parents */
	if (path && mkdir(path, 0700) && errno != EEXIST && errno != ENOENT)
		eb_warn("pin", "mkdir %s: %s", path, eb_strerror(-errno));
	free(path);
}

/*
 * Whether the pin directory is known to be on a bpffs: asked once (a
 * statfs) and remembered when true, so an unpin is one unlink instead
 * of lstat + statfs + unlink.  Until then eb_unpin() checks every path.
 */
static atomic_bool pin_dir_is_bpffs;

static bool pin_dir_checked(void)
{
	if (atomic_load(&pin_dir_is_bpffs))
		return true;
	if (!eb_path_is_bpffs(fs_st.cfg->pin_dir))
		return false;
	atomic_store(&pin_dir_is_bpffs, true);
	return true;
}

int fs_unpin(const char *path)
{
	int ret;

	if (!path)
		return -ENOMEM;
	if (pin_dir_checked()) {
		/* every path here is below the pin dir: a pin or a directory */
		ret = unlink(path) ? -errno : 0;
		if (ret == -EISDIR || ret == -EPERM)
			ret = rmdir(path) ? -errno : 0;
	} else {
		ret = eb_unpin(path);
	}
	if (ret == -ENOENT)
		return 0;
	if (ret)
		eb_warn("pin", "unpin %s: %s", path, eb_strerror(ret));
	return ret;
}

int fs_pin_open(const char *path)
{
	if (!path)
		return -ENOMEM;
	return eb_sys_obj_get(path, 0);
}
