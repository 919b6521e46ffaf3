/* SPDX-License-Identifier: MIT */
/*
 * testutil.h - helpers shared by the cmocka tests.
 *
 * tests/testutil.c is linked into every cmocka test, and some tests link
 * only the eb_base module, so the functions declared here use nothing but
 * libc, cmocka and eb_base (log, strbuf, util).  The helpers that need the
 * bpf(2) layer (core/syscall.h, module eb_sys), the BTF parser (eb_btf) or
 * the loader (core/object.h, module eb_obj) are static inline functions
 * at the end of this header: a test that does not call them does not need
 * those modules.
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

#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "insn.h"
#include "log.h"
#include "object.h"
#include "strbuf.h"
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


/*
 * Whether the kernel takes the minimal program "r0 = ret; exit" of `type`
 * with expected attach type eat, prog_flags flags and attach_btf_id btf_id
 * (0: none; an id in vmlinux): 0 when it does (the program is closed
 * again), else the -errno the load gave.
 */
static inline int tu_prog_probe(uint32_t type, uint32_t eat, uint32_t flags,
				uint32_t btf_id, int32_t ret)
{
	const struct bpf_insn p[] = {
		eb_insn_mov64_imm(BPF_REG_0, ret),
		eb_insn_exit(),
	};
	struct eb_prog_load_opts o = {
		.type = type, .expected_attach_type = eat, .name = "eb_probe",
		.license = "GPL", .insns = p, .insn_cnt = 2, .prog_flags = flags,
		.attach_btf_id = btf_id,
	};
	int fd = eb_sys_prog_load(&o);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* Asserting: the kernel's bpf_prog_info / bpf_map_info of fd into *info
 * (zeroed first). */
static inline void tu_prog_info(int fd, struct bpf_prog_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	assert_int_equal(eb_sys_obj_get_info_by_fd(fd, info, &len), 0);
}

static inline void tu_map_info(int fd, struct bpf_map_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	assert_int_equal(eb_sys_obj_get_info_by_fd(fd, info, &len), 0);
}

/* --- the kernel's BTF (need eb_btf) --------------------------------------- */

/* The slot of tu_vmlinux()'s cache (one per source file). */
static inline struct eb_btf **tu_vmlinux_slot(void)
{
	static struct eb_btf *btf;

	return &btf;
}

/* /sys/kernel/btf/vmlinux, parsed on the first call and kept until
 * tu_vmlinux_free() (call it from the group teardown).  Asserting: fails
 * the test when it cannot be parsed. */
static inline struct eb_btf *tu_vmlinux(void)
{
	struct eb_btf **btf = tu_vmlinux_slot();

	if (!*btf && eb_btf_load_vmlinux(btf))
		fail_msg("cannot parse /sys/kernel/btf/vmlinux");
	return *btf;
}

/* Free what tu_vmlinux() parsed.  Harmless when it parsed nothing. */
static inline void tu_vmlinux_free(void)
{
	struct eb_btf **btf = tu_vmlinux_slot();

	eb_btf_free(*btf);
	*btf = NULL;
}

/* The id of type `name` of BTF_KIND_* `kind` in vmlinux.  Asserting:
 * fails the test when there is none. */
static inline int tu_vmlinux_id(const char *name, int kind)
{
	int id = eb_btf_find_by_name_kind(tu_vmlinux(), name, kind);

	if (id <= 0)
		fail_msg("no %s in vmlinux", name);
	return id;
}

/* The byte offset of variable var in DATASEC sec of btf.  Asserting: fails
 * the test when there is no such DATASEC or variable. */
static inline uint32_t tu_btf_var_off(const struct eb_btf *btf, const char *sec,
				      const char *var)
{
	int id = eb_btf_find_by_name_kind(btf, sec, BTF_KIND_DATASEC);
	const struct btf_type *t;
	uint16_t i;

	if (id <= 0)
		fail_msg("no DATASEC %s", sec);
	t = eb_btf_type_by_id(btf, (uint32_t)id);
	for (i = 0; i < eb_btf_vlen(t); i++)
		if (!strcmp(eb_btf_name(btf, eb_btf_secinfos(t)[i].type) ?: "", var))
			return eb_btf_secinfos(t)[i].offset;
	fail_msg("no variable %s in %s", var, sec);
	return 0;
}

/* --- BPF objects (need eb_obj) -------------------------------------------- */

/* Open the compiled BPF object NAME.bpf.o (tests/bpf/NAME.c) from
 * $EB_BPF_DIR, not loaded; the caller closes it (eb_object_close()).
 * Asserting: fails the test, with the loader's message, when it cannot be
 * opened. */
static inline struct eb_object *tu_obj_open(const char *name)
{
	struct eb_strbuf msg = EB_STRBUF_INIT;
	struct eb_open_opts o = { .errmsg = &msg };
	struct eb_object *obj = NULL;
	char *path = tu_bpf_obj_path(name);
	int err = eb_object_open_file(path, &o, &obj);

	if (err)
		print_error("open %s: %d: %s\n", path, err, msg.buf);
	free(path);
	eb_strbuf_release(&msg);
	if (err)
		fail();
	return obj;
}

/* tu_obj_open() and eb_object_load(obj, opts) (opts may be NULL): the
 * loaded object, the caller's to close.  Asserting: fails the test, with
 * the loader's message, when it cannot be loaded. */
static inline struct eb_object *tu_obj_load(const char *name,
					    const struct eb_load_opts *opts)
{
	struct eb_object *obj = tu_obj_open(name);
	int err = eb_object_load(obj, opts);

	if (err) {
		print_error("load %s: %d: %s\n", name, err, eb_object_errmsg(obj));
		eb_object_close(obj);
		fail();
	}
	assert_true(eb_object_loaded(obj));
	return obj;
}

/* The program `name` of obj (owned by obj).  Asserting: fails the test
 * when there is none. */
static inline struct eb_prog *tu_obj_prog(const struct eb_object *obj, const char *name)
{
	struct eb_prog *p = eb_object_find_prog(obj, name);

	if (!p)
		fail_msg("no program %s", name);
	return p;
}

/* The map `name` of obj (owned by obj).  Asserting: fails the test when
 * there is none, or when obj is loaded and the map has no fd. */
static inline const struct eb_obj_map *tu_obj_map(const struct eb_object *obj,
						  const char *name)
{
	const struct eb_obj_map *m = eb_object_find_map(obj, name);

	if (!m)
		fail_msg("no map %s", name);
	if (eb_object_loaded(obj))
		assert_true(m->fd >= 0);
	return m;
}

/* The extern `name` of obj (owned by obj).  Asserting: fails the test
 * when there is none. */
static inline const struct eb_obj_extern *tu_obj_extern(const struct eb_object *obj,
							const char *name)
{
	unsigned int i;

	for (i = 0; i < eb_object_extern_cnt(obj); i++)
		if (!strcmp(eb_object_extern(obj, i)->name, name))
			return eb_object_extern(obj, i);
	fail_msg("no extern %s", name);
	return NULL;
}

/* Asserting: the kernel holds map `name` of the loaded obj with exactly
 * these kernel name, type, sizes, max_entries and flags. */
static inline void tu_assert_obj_map(const struct eb_object *obj, const char *name,
				     const char *kname, uint32_t type, uint32_t key,
				     uint32_t value, uint32_t max, uint32_t flags)
{
	struct bpf_map_info info;

	tu_map_info(tu_obj_map(obj, name)->fd, &info);
	assert_string_equal(info.name, kname);
	assert_int_equal(info.type, type);
	assert_int_equal(info.key_size, key);
	assert_int_equal(info.value_size, value);
	assert_int_equal(info.max_entries, max);
	assert_int_equal(info.map_flags, flags);
}

/* One test run of the loaded program p on a 64-byte IPv4 Ethernet frame
 * of zeros: the program's return value.  Asserting: fails the test when
 * the run fails. */
static inline uint32_t tu_prog_run_pkt(const struct eb_prog *p)
{
	unsigned char pkt[64] = { 0 };
	struct eb_test_run_opts o;
	int err;

	memset(&o, 0, sizeof(o));
	pkt[12] = 0x08;	/* ethertype IPv4 */
	o.data_in = pkt;
	o.data_size_in = sizeof(pkt);
	o.repeat = 1;
	err = eb_sys_prog_test_run(p->fd, &o);
	if (err)
		fail_msg("test run of %s: %d", p->name, err);
	return o.retval;
}

/* Read (write: false) or write size bytes at variable var of global data
 * section sec (".bss", ".data", ...) of the loaded obj, in the kernel's
 * map.  Asserting. */
static inline void tu_obj_global_rw(const struct eb_object *obj, const char *sec,
				    const char *var, void *val, size_t size, bool write)
{
	const struct eb_obj_map *m = tu_obj_map(obj, sec);
	uint32_t key = 0, off = tu_btf_var_off(eb_object_btf(obj), sec, var);
	unsigned char *buf = calloc(1, m->value_size);

	assert_non_null(buf);
	assert_int_equal(eb_sys_map_lookup_elem(m->fd, &key, buf, 0), 0);
	if (write) {
		memcpy(buf + off, val, size);
		assert_int_equal(eb_sys_map_update_elem(m->fd, &key, buf, BPF_ANY), 0);
	} else {
		memcpy(val, buf + off, size);
	}
	free(buf);
}

/* The u32 / u64 variable var of .bss of the loaded obj.  Asserting. */
static inline uint32_t tu_obj_bss_u32(const struct eb_object *obj, const char *var)
{
	uint32_t v = 0;

	tu_obj_global_rw(obj, ".bss", var, &v, sizeof(v), false);
	return v;
}

static inline uint64_t tu_obj_bss_u64(const struct eb_object *obj, const char *var)
{
	uint64_t v = 0;

	tu_obj_global_rw(obj, ".bss", var, &v, sizeof(v), false);
	return v;
}

#endif
