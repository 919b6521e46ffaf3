/* SPDX-License-Identifier: MIT */
/*
 * testutil.c - helpers shared by the cmocka tests (see testutil.h).
 * libc, cmocka and eb_base (log, strbuf, util) only.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"
#include "strbuf.h"
#include "testutil.h"
#include "util.h"

/* --- skipping and capabilities -------------------------------------------- */

static void vprint_skip(const char *what, const char *test, const char *fmt,
			va_list ap)
{
	printf("SKIP %s%s: ", what, test);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
}

void tu_print_skip(const char *test, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_skip("", test, fmt, ap);
	va_end(ap);
}

void tu_print_skip_part(const char *test, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_skip("part of ", test, fmt, ap);
	va_end(ap);
}

bool tu_have_cap(unsigned int cap)
{
	unsigned long long eff = 0;
	char line[256];
	bool found = false;
	FILE *f;

	if (cap >= 64)
		return false;
	f = fopen("/proc/self/status", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			found = true;
	fclose(f);
	return found && ((eff >> cap) & 1);
}

const char *tu_bpf_skip_reason(int err)
{
	return err == -EPERM ? "no CAP_BPF / bpf(2) not permitted"
			     : "bpf(2) map create failed";
}

/* --- files and fds -------------------------------------------------------- */

int tu_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			n++;
	closedir(d);
	return n;
}

char *tu_bpf_obj_path(const char *name)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	const char *dir = getenv("EB_BPF_DIR");

	if (!dir)
		fail_msg("EB_BPF_DIR is not set (run the tests with meson test)");
	eb_strbuf_addf(&sb, "%s/%s.bpf.o", dir, name);
	assert_int_equal(eb_strbuf_error(&sb), 0);
	return eb_strbuf_detach(&sb, NULL);
}

void tu_read_bpf_obj(const char *name, void **buf, size_t *size)
{
	char *path = tu_bpf_obj_path(name);
	int err;

	*buf = NULL;
	*size = 0;
	err = eb_read_file(path, buf, size);
	if (err) {
		print_error("cannot read %s: %s\n", path, strerror(-err));
		free(path);
		fail();
	}
	free(path);
}

const uint8_t tu_tiny_btf[TU_TINY_BTF_SIZE] = {
	0x9f, 0xeb, 1, 0,		/* magic, version, flags */
	24, 0, 0, 0,			/* hdr_len */
	0, 0, 0, 0, 16, 0, 0, 0,	/* type_off, type_len */
	16, 0, 0, 0, 5, 0, 0, 0,	/* str_off, str_len */
	1, 0, 0, 0,			/* name_off "int" */
	0, 0, 0, 1,			/* info: kind INT (1) << 24 */
	4, 0, 0, 0,			/* size */
	32, 0, 0, 1,			/* SIGNED << 24 | bits 32 */
	0, 'i', 'n', 't', 0,
};

/* --- bpffs and cgroups ---------------------------------------------------- */

int tu_bpffs_mount_private(const char *tag, char **dir)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	int err;

	*dir = NULL;
	eb_strbuf_addf(&sb, "/tmp/eb-test-%s-XXXXXX", tag);
	if (eb_strbuf_error(&sb))
		return -ENOMEM;
	if (!mkdtemp(sb.buf)) {
		err = -errno;
		goto fail;
	}
	if (mount("bpf", sb.buf, "bpf", 0, "mode=0700")) {
		err = -errno;
		rmdir(sb.buf);
		goto fail;
	}
	*dir = eb_strbuf_detach(&sb, NULL);
	return 0;
fail:
	eb_strbuf_release(&sb);
	return err;
}

void tu_bpffs_umount(char **dir)
{
	if (!*dir)
		return;
	umount2(*dir, MNT_DETACH);	/* a private bpffs: drops every pin */
	rmdir(*dir);
	eb_zfree(dir);
}

const char *tu_cgroup2_root(void)
{
	static const char *const cands[] = {
		"/sys/fs/cgroup/unified", "/sys/fs/cgroup",
	};
	struct eb_strbuf probe = EB_STRBUF_INIT;
	const char *root = NULL;
	size_t i;

	for (i = 0; i < EB_ARRAY_SIZE(cands) && !root; i++) {
		eb_strbuf_reset(&probe);
		eb_strbuf_addf(&probe, "%s/cgroup.procs", cands[i]);
		if (access(probe.buf, F_OK))
			continue;
		eb_strbuf_reset(&probe);
		eb_strbuf_addf(&probe, "%s/cgroup.subtree_control", cands[i]);
		if (!access(probe.buf, F_OK))
			root = cands[i];
	}
	eb_strbuf_release(&probe);
	return root;
}

/* --- commands ------------------------------------------------------------- */

int tu_run(const char *cmd, char **out)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	char buf[4096];
	int status;
	size_t n;
	FILE *p;

	*out = NULL;
	fflush(stdout);		/* the child must not repeat what we buffered */
	p = popen(cmd, "re");
	if (!p)
		return errno ? -errno : -ENOMEM;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		eb_strbuf_add(&sb, buf, n);
	status = pclose(p);
	if (eb_strbuf_error(&sb)) {
		eb_strbuf_release(&sb);
		return -ENOMEM;
	}
	*out = eb_strbuf_detach(&sb, NULL);
	if (!*out)
		return -ENOMEM;
	return status < 0 ? -errno : status;
}

/* Run cmd; true if it exited with 0.  Its output is dropped. */
static bool run_ok(const char *cmd)
{
	char *out;
	bool ok = tu_run(cmd, &out) == 0;

	free(out);
	return ok;
}

bool tu_have_tool(const char *name)
{
	struct eb_strbuf cmd = EB_STRBUF_INIT;
	bool ok;

	eb_strbuf_addf(&cmd, "command -v %s >/dev/null 2>&1", name);
	ok = !eb_strbuf_error(&cmd) && run_ok(cmd.buf);
	eb_strbuf_release(&cmd);
	return ok;
}

bool tu_have_bpftool(void)
{
	return run_ok("bpftool version >/dev/null 2>&1");
}

char *tu_bpftool_json(const char *fmt, ...)
{
	struct eb_strbuf cmd = EB_STRBUF_INIT;
	char *out;
	va_list ap;
	int ret;

	eb_strbuf_adds(&cmd, "bpftool -j ");
	va_start(ap, fmt);
	eb_strbuf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	eb_strbuf_adds(&cmd, " 2>/dev/null");
	assert_int_equal(eb_strbuf_error(&cmd), 0);
	ret = tu_run(cmd.buf, &out);
	if (ret < 0) {
		print_error("cannot run %s: %s\n", cmd.buf, strerror(-ret));
		eb_strbuf_release(&cmd);
		fail();
	}
	eb_strbuf_release(&cmd);
	return out;
}

void tu_assert_json_has(const char *json, const char *key, const char *value)
{
	struct eb_strbuf want = EB_STRBUF_INIT;

	eb_strbuf_addf(&want, "\"%s\":%s", key, value);
	assert_int_equal(eb_strbuf_error(&want), 0);
	if (!strstr(json, want.buf)) {
		print_error("missing %s in %s\n", want.buf, json);
		eb_strbuf_release(&want);
		fail();
	}
	eb_strbuf_release(&want);
}

/* --- capturing the core's log --------------------------------------------- */

static struct {
	unsigned int levels;
	struct eb_strbuf text;		/* every message, '\n' after each */
	struct eb_strbuf last;		/* the last message */
	enum eb_log_level last_level;
	int count;
} logcap = {
	.levels = TU_LOG_ALL,
	.text = EB_STRBUF_INIT,
	.last = EB_STRBUF_INIT,
};

void tu_log_print(enum eb_log_level level, const char *msg)
{
	if (!(logcap.levels & TU_LOG_LEVEL(level)))
		return;
	eb_strbuf_adds(&logcap.text, msg);
	eb_strbuf_addch(&logcap.text, '\n');
	eb_strbuf_reset(&logcap.last);
	eb_strbuf_adds(&logcap.last, msg);
	logcap.last_level = level;
	logcap.count++;
}

void tu_log_reset(void)
{
	eb_strbuf_release(&logcap.text);
	eb_strbuf_release(&logcap.last);
	logcap.last_level = EB_LOG_WARN;
	logcap.count = 0;
}

eb_print_fn tu_log_capture(unsigned int levels)
{
	tu_log_reset();
	logcap.levels = levels;
	return eb_set_print(tu_log_print);
}

const char *tu_log_text(void)
{
	return logcap.text.buf;
}

const char *tu_log_last(void)
{
	return logcap.last.buf;
}

enum eb_log_level tu_log_last_level(void)
{
	return logcap.last_level;
}

int tu_log_count(void)
{
	return logcap.count;
}

static void drop_print(enum eb_log_level level, const char *msg)
{
	(void)level;
	(void)msg;
}

void tu_log_quiet(void)
{
	eb_set_print(drop_print);
}

void tu_log_stop(void)
{
	eb_set_print(NULL);
	tu_log_reset();
}
