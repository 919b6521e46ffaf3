/* SPDX-License-Identifier: MIT */
/*
 * testutil.h - helpers shared by the cmocka tests.
 *
 * tests/testutil.c is linked into every cmocka test, and some tests link
 * only the eb_base module, so the functions declared here use nothing but
 * libc, cmocka and eb_base (log, strbuf, util).  The helpers that need the
 * bpf(2) layer (core/syscall.h, module eb_sys) are static inline functions
 * at the end of this header: a test that does not call them does not need
 * eb_sys.
 *
 * Include this header after <cmocka.h> (and what cmocka needs first:
 * <setjmp.h>, <stdarg.h>, <stddef.h>, <stdint.h>).
 *
 * Conventions: a helper documented as "asserting" fails the calling test
 * through cmocka when it cannot do its job; the others report through their
 * return value (0 / a count / an fd, or -errno).  Everything returned
 * malloc'd belongs to the caller, who free()s it.
 */
#ifndef EB_TESTUTIL_H
#define EB_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "insn.h"
#include "log.h"
#include "syscall.h"

/* --- skipping ------------------------------------------------------------- */

/* Print "SKIP <test>: <reason>" (reason formatted from fmt) on stdout and
 * flush it.  Used by TU_SKIP(). */
void tu_print_skip(const char *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Skip the calling test visibly: print "SKIP <test>: <reason>" (printf
 * arguments) and call cmocka's skip(), which does not return. */
#define TU_SKIP(...) do {						\
	tu_print_skip(__func__, __VA_ARGS__);				\
	skip();								\
} while (0)

/* TU_SKIP(...) unless cond holds. */
#define TU_SKIP_UNLESS(cond, ...) do {					\
	if (!(cond))							\
		TU_SKIP(__VA_ARGS__);					\
} while (0)

/* Report that a part of the calling test was skipped: print "SKIP part of
 * <test>: <reason>" (printf arguments).  The test goes on. */
#define TU_SKIP_PART(...) tu_print_skip_part(__func__, __VA_ARGS__)
void tu_print_skip_part(const char *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* --- capabilities --------------------------------------------------------- */

#define TU_CAP_SYS_ADMIN 21
#define TU_CAP_BPF 39

/* Whether capability number `cap` (TU_CAP_*) is in this process's effective
 * set, as /proc/self/status says.  False when that cannot be read. */
bool tu_have_cap(unsigned int cap);

/* Skip the calling test unless it runs as root with CAP_SYS_ADMIN. */
#define TU_SKIP_UNLESS_ROOT() \
	TU_SKIP_UNLESS(geteuid() == 0 && tu_have_cap(TU_CAP_SYS_ADMIN), \
		       "needs root with CAP_SYS_ADMIN")

/* --- files and fds -------------------------------------------------------- */

/* Number of fds this process has open (entries of /proc/self/fd, not
 * counting the one used to read it), or -errno.  Compare two counts to
 * show that a call leaks no fd. */
int tu_count_fds(void);

/* "$EB_BPF_DIR/NAME.bpf.o", malloc'd.  Asserting: fails the test when
 * EB_BPF_DIR is not set. */
char *tu_bpf_obj_path(const char *name);

/* Read the compiled BPF object NAME.bpf.o (tests/bpf/NAME.c) from
 * $EB_BPF_DIR: *buf receives the bytes (malloc'd, NUL-terminated) and
 * *size their number.  Asserting: fails the test when the file cannot be
 * read. */
void tu_read_bpf_obj(const char *name, void **buf, size_t *size);

/* A minimal valid BTF blob: one 32-bit signed int named "int". */
#define TU_TINY_BTF_SIZE 45
extern const uint8_t tu_tiny_btf[TU_TINY_BTF_SIZE];

/* --- bpffs and cgroups ---------------------------------------------------- */

/*
 * Mount a private bpffs (mode 0700) on a new directory
 * /tmp/eb-test-TAG-XXXXXX.  Returns 0 with *dir set (malloc'd; release it
 * with tu_bpffs_umount()) or -errno with *dir NULL and nothing left
 * behind.  Needs CAP_SYS_ADMIN.
 */
int tu_bpffs_mount_private(const char *tag, char **dir);

/* Skip the calling test unless bpf(2) works and dir (from
 * tu_bpffs_mount_private()) is not NULL. */
#define TU_REQUIRE_BPFFS(dir) do {					\
	TU_REQUIRE_BPF();						\
	TU_SKIP_UNLESS(dir, "cannot mount a private bpffs");		\
} while (0)

/* Undo tu_bpffs_mount_private(): unmount *dir lazily (which drops every
 * pin left in it), remove the directory, free the string and set *dir to
 * NULL.  Harmless when *dir is NULL. */
void tu_bpffs_umount(char **dir);

/* The root of the cgroup v2 hierarchy (a static string:
 * "/sys/fs/cgroup/unified" or "/sys/fs/cgroup"), or NULL if there is
 * none. */
const char *tu_cgroup2_root(void);

/* --- commands ------------------------------------------------------------- */

/*
 * Run cmd with /bin/sh and collect its standard output.  Returns the wait
 * status pclose() gives (0: the command exited with 0), with *out set to
 * the output (malloc'd, NUL-terminated, also when the status is not 0);
 * or -errno (the command could not be started, or memory ran out) with
 * *out NULL.
 */
int tu_run(const char *cmd, char **out);

/* Whether the command `name` is found on $PATH. */
bool tu_have_tool(const char *name);

/* Whether bpftool runs here ("bpftool version" exits with 0). */
bool tu_have_bpftool(void);

/* Run "bpftool -j ARGS" (ARGS formatted from fmt; stderr discarded) and
 * return what it printed, malloc'd.  Asserting: fails the test when
 * bpftool cannot be started. */
char *tu_bpftool_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Asserting: fails the test (printing both) unless the JSON text json
 * holds "KEY":VALUE, VALUE as written ("\"xdp\"", "8", "[3,4]"). */
void tu_assert_json_has(const char *json, const char *key, const char *value);

/* --- capturing the core's log --------------------------------------------- */

#define TU_LOG_LEVEL(level) (1u << (level))
#define TU_LOG_WARN TU_LOG_LEVEL(EB_LOG_WARN)
#define TU_LOG_ALL (TU_LOG_LEVEL(EB_LOG_WARN) | TU_LOG_LEVEL(EB_LOG_INFO) | \
		    TU_LOG_LEVEL(EB_LOG_DEBUG))

/*
 * Route the core's log (eb_set_print()) to tu_log_print(), which keeps the
 * messages whose level is in `levels` (TU_LOG_ALL, TU_LOG_WARN, an OR of
 * TU_LOG_LEVEL()s) and drops the others.  What was captured before is
 * forgotten.  Returns the callback that was installed before.
 */
eb_print_fn tu_log_capture(unsigned int levels);
/* The callback tu_log_capture() installs; it keeps the levels of the last
 * tu_log_capture() (every level before the first). */
void tu_log_print(enum eb_log_level level, const char *msg);
/* Forget (and free) what was captured; the callback stays installed. */
void tu_log_reset(void);
/* Every message captured since the last capture/reset, each followed by
 * '\n'; "" if none.  Valid until the next message, capture or reset. */
const char *tu_log_text(void);
/* The last message captured (without '\n'), "" if none.  Valid as
 * tu_log_text(). */
const char *tu_log_last(void);
/* The level of the last message captured (EB_LOG_WARN if none). */
enum eb_log_level tu_log_last_level(void);
/* How many messages were captured since the last capture/reset. */
int tu_log_count(void);
/* Install a callback that drops every message (what was captured stays
 * readable). */
void tu_log_quiet(void);
/* Restore the default printer (eb_set_print(NULL)) and free what was
 * captured. */
void tu_log_stop(void);

/* --- bpf(2) helpers (need eb_sys) ----------------------------------------- */

/* Create a map: the new fd or -errno.  name may be NULL. */
static inline int tu_map_create(uint32_t type, uint32_t key_size,
				uint32_t value_size, uint32_t max_entries,
				uint32_t flags, const char *name)
{
	struct eb_map_create_opts o = {
		.type = type, .name = name, .key_size = key_size,
		.value_size = value_size, .max_entries = max_entries,
		.map_flags = flags,
	};

	return eb_sys_map_create(&o);
}

/* 0 if bpf(2) works here (a 1-entry array map can be created, and is
 * closed again), else the -errno map creation gave.  Probed once. */
static inline int tu_bpf_probe(void)
{
	static int result = 1;
	int fd;

	if (result > 0) {
		fd = tu_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, NULL);
		result = fd < 0 ? fd : 0;
		if (fd >= 0)
			close(fd);
	}
	return result;
}

/* Why tu_bpf_probe() failed with err, as a SKIP reason. */
const char *tu_bpf_skip_reason(int err);

/* Skip the calling test unless bpf(2) works (tu_bpf_probe()). */
#define TU_REQUIRE_BPF()						\
	TU_SKIP_UNLESS(!tu_bpf_probe(), "%s",				\
		       tu_bpf_skip_reason(tu_bpf_probe()))

/* Load a GPL program of `type` from cnt instructions, with expected attach
 * type eat (0: none) and name (may be NULL).  The new fd or -errno. */
static inline int tu_prog_load(uint32_t type, uint32_t eat,
			       const struct bpf_insn *insns, uint32_t cnt,
			       const char *name)
{
	struct eb_prog_load_opts o = {
		.type = type, .expected_attach_type = eat, .name = name,
		.license = "GPL", .insns = insns, .insn_cnt = cnt,
	};

	return eb_sys_prog_load(&o);
}

/* The program "r0 = ret; exit" (see tu_prog_load()). */
static inline int tu_prog_load_const(uint32_t type, uint32_t eat, int32_t ret,
				     const char *name)
{
	const struct bpf_insn p[] = {
		eb_insn_mov64_imm(BPF_REG_0, ret),
		eb_insn_exit(),
	};

	return tu_prog_load(type, eat, p, 2, name);
}

/* An XDP program that returns the u32 at key 0 of map_fd (an array with
 * 4-byte keys and values), or 0 if the lookup fails.  fd or -errno. */
static inline int tu_prog_load_xdp_map_reader(int map_fd, const char *name)
{
	struct bpf_insn p[] = {
		eb_insn_mov64_imm(BPF_REG_1, 0),
		eb_insn_stx_mem(BPF_W, BPF_REG_10, BPF_REG_1, -4),
		eb_insn_mov64_reg(BPF_REG_2, BPF_REG_10),
		eb_insn_alu64_imm(BPF_ADD, BPF_REG_2, -4),
		{ 0 }, { 0 },		/* r1 = map_fd (two slots) */
		eb_insn_call_helper(BPF_FUNC_map_lookup_elem),
		eb_insn_jmp_imm(BPF_JEQ, BPF_REG_0, 0, 1),
		eb_insn_ldx_mem(BPF_W, BPF_REG_0, BPF_REG_0, 0),
		eb_insn_exit(),
	};

	eb_insn_ld_map_fd(&p[4], BPF_REG_1, map_fd);
	return tu_prog_load(BPF_PROG_TYPE_XDP, 0, p, 10, name);
}

#endif
