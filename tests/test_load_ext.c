/* SPDX-License-Identifier: MIT */
/*
 * test_load_ext.c - the loader against the kernel with libbpf-style
 * objects: CO-RE relocations against the running kernel's BTF, externs
 * (kconfig, ksyms, kfuncs), struct_ops, and section names that older
 * libbpf did not know (tcx, netfilter, uprobe.multi, fentry, lsm).
 * Checked with direct bpf(2) calls and bpftool.  Skips visibly without
 * CAP_BPF.  (test_load.c has the plain objects.)
 *
 * Objects that need something not every kernel has (tcx, netfilter,
 * uprobe_multi, struct_ops links, fentry/lsm, kfuncs, typed ksyms) are
 * loaded after a probe of the running kernel with a minimal case
 * (tu_prog_probe(), ...).  Where the kernel refuses the probe, the object
 * must fail with the same errno and say so, and the test's positive
 * case skips visibly ("SKIP <test>: ..."); where the kernel takes it,
 * the object must load and the positive case runs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <cmocka.h>

#include "btf.h"
#include "log.h"
#include "object.h"
#include "strbuf.h"
#include "syscall.h"
#include "testutil.h"
#include "util.h"

/* --- what the running kernel supports ---------------------------------------------- */

/*
 * Whether the kernel has struct_ops links (Linux 6.4): 0 if it creates a
 * tcp_congestion_ops struct_ops map with BPF_F_LINK, else the -errno.  The
 * same map without the flag must be creatable (asserting).  Recent kernels
 * want a BTF fd with a struct_ops map: a minimal one is loaded.
 */
static int probe_struct_ops_link(void)
{
	int vt = tu_vmlinux_id("bpf_struct_ops_tcp_congestion_ops", BTF_KIND_STRUCT);
	struct eb_map_create_opts o = {
		.type = BPF_MAP_TYPE_STRUCT_OPS, .name = "eb_probe", .key_size = 4,
		.value_size = eb_btf_type_by_id(tu_vmlinux(), (uint32_t)vt)->size,
		.max_entries = 1, .btf_vmlinux_value_type_id = (uint32_t)vt,
	};
	int btf = eb_sys_btf_load(tu_tiny_btf, TU_TINY_BTF_SIZE, NULL, 0, 0);
	int fd;

	if (btf < 0)
		fail_msg("loading a minimal BTF: %s", eb_strerror(btf));
	o.btf_fd = btf;
	fd = eb_sys_map_create(&o);
	if (fd < 0) {
		close(btf);
		fail_msg("a struct_ops map without BPF_F_LINK: %s", eb_strerror(fd));
	}
	close(fd);
	o.map_flags = 1u << 13;		/* BPF_F_LINK, Linux 6.4 */
	fd = eb_sys_map_create(&o);
	close(btf);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/*
 * Open and load object `name`, whose needs a probe checked: probe 0 (the
 * kernel takes the minimal case) means the load must succeed, and the
 * object is returned; a -errno means the object must fail with exactly
 * that errno, its message holding `msg` (NULL: the errno's text), and
 * leave nothing loaded; then NULL is returned (the object is closed).
 */
static struct eb_object *load_probed(const char *name, int probe, const char *msg)
{
	struct eb_object *obj = tu_obj_open(name);
	int err = eb_object_load(obj, NULL);

	if (!probe) {
		if (err)
			fail_msg("load %s: %d: %s (the kernel takes the minimal case)", name, err,
				 eb_object_errmsg(obj));
		return obj;
	}
	if (err != probe)
		fail_msg("load %s: %d (%s), but the kernel refuses the minimal case with %d", name,
			 err, err ? eb_object_errmsg(obj) : "loaded", probe);
	if (!strstr(eb_object_errmsg(obj), msg ?: eb_strerror(probe)))
		fail_msg("load %s: message '%s' lacks '%s'", name, eb_object_errmsg(obj),
			 msg ?: eb_strerror(probe));
	assert_false(eb_object_loaded(obj));
	eb_object_close(obj);
	return NULL;
}

/* load_probed() into obj, or skip the calling test visibly when the
 * kernel lacks `what` (printf arguments). */
#define LOAD_PROBED(obj, name, probe, msg, ...) do {			\
	(obj) = load_probed((name), (probe), (msg));			\
	if (!(obj)) {							\
		printf("SKIP %s: this kernel lacks ", __func__);	\
		printf(__VA_ARGS__);					\
		printf(" (%s)\n", eb_strerror(probe));			\
		fflush(stdout);						\
		skip();							\
	}								\
} while (0)

/* Attach to a tracepoint of this process (perf_event_open + SET_BPF):
 * the perf fd, or -1 when tracefs is not there. */
static int attach_tp(const struct eb_prog *p, const char *event)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	struct perf_event_attr attr;
	char path[512];
	unsigned int i;
	void *data = NULL;
	size_t size;
	int fd;

	for (i = 0; i < EB_ARRAY_SIZE(roots) && !data; i++) {
		snprintf(path, sizeof(path), "%s/events/%s/id", roots[i], event);
		if (eb_read_file(path, &data, &size))
			data = NULL;
	}
	if (!data)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = strtoull(data, NULL, 10);
	attr.sample_period = 1;
	free(data);
	fd = (int)syscall(__NR_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ioctl(fd, PERF_EVENT_IOC_SET_BPF, p->fd), 0);
	assert_int_equal(ioctl(fd, PERF_EVENT_IOC_ENABLE, 0), 0);
	return fd;
}

/* Skip the calling test visibly (closing its object obj) when attach_tp()
 * gave no fd. */
#define REQUIRE_TP(fd) do {						\
	if ((fd) < 0) {							\
		eb_object_close(obj);					\
		TU_SKIP("no tracefs events");				\
	}								\
} while (0)

/* --- CO-RE against the kernel's BTF ------------------------------------------------- */

static void test_core_read(void **state)
{
	struct eb_load_opts o = { 0 };
	struct eb_object *obj;
	uint32_t tgid = (uint32_t)getpid();
	int64_t arena;
	int tp, id;

	TU_REQUIRE_BPF();
	/* the kernel's BTF passed in: used, not freed */
	o.kernel_btf = tu_vmlinux();
	obj = tu_obj_load("core_read", &o);
	tu_obj_global_rw(obj, ".bss", "target_tgid", &tgid, sizeof(tgid), true);
	tp = attach_tp(tu_obj_prog(obj, "core_getpid"), "syscalls/sys_enter_getpid");
	REQUIRE_TP(tp);
	syscall(SYS_getpid);
	close(tp);
	assert_int_equal(tu_obj_bss_u32(obj, "calls"), 1);
	assert_int_equal(tu_obj_bss_u32(obj, "seen_pid"), (uint32_t)syscall(SYS_gettid));
	assert_int_equal(tu_obj_bss_u32(obj, "seen_tgid"), tgid);
	assert_int_equal(tu_obj_bss_u32(obj, "seen_ppid"), (uint32_t)getppid());
	assert_int_equal(tu_obj_bss_u32(obj, "comm_len"), 16);
	assert_int_equal(tu_obj_bss_u32(obj, "has_pid"), 1);
	id = tu_vmlinux_id("task_struct", BTF_KIND_STRUCT);
	assert_int_equal(tu_obj_bss_u32(obj, "task_size"),
			 eb_btf_resolve_size(tu_vmlinux(), (uint32_t)id));
	assert_int_equal(tu_obj_bss_u32(obj, "ts_exists"), 1);
	assert_int_equal(tu_obj_bss_u32(obj, "ev_value"), BPF_MAP_TYPE_ARRAY);
	id = tu_vmlinux_id("bpf_map_type", BTF_KIND_ENUM);
	assert_int_equal(tu_obj_bss_u32(obj, "ev_exists"),
			 !eb_btf_find_enum_value(tu_vmlinux(), (uint32_t)id, "BPF_MAP_TYPE_ARENA", &arena));
	assert_int_equal(tu_obj_bss_u32(obj, "in_execve"), 0);
	eb_object_close(obj);
	/* still usable: the loader did not free it */
	assert_true(eb_btf_find_by_name_kind(tu_vmlinux(), "task_struct", BTF_KIND_STRUCT) > 0);
}

static void test_core_flavors(void **state)
{
	struct eb_object *obj;
	const struct eb_prog *p;
	uint32_t i, poisoned = 0;
	int tp;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("core_flavors", NULL);
	p = tu_obj_prog(obj, "flavors_getpid");
	/* the read of the missing field became the poison call */
	for (i = 0; i < p->reloc_cnt; i++) {
		const struct eb_reloc *r = &p->relocs[i];

		if (r->kind == EB_RELO_CORE && r->core_kind == BPF_CORE_FIELD_BYTE_OFFSET &&
		    !strcmp(eb_btf_name(eb_object_btf(obj), r->core_type_id), "task_struct___old")) {
			assert_int_equal(p->final_insns[r->insn_idx].code, BPF_JMP | BPF_CALL);
			assert_int_equal(p->final_insns[r->insn_idx].imm, 0xbad2310);
			poisoned++;
		}
	}
	assert_int_equal(poisoned, 1);
	tp = attach_tp(p, "syscalls/sys_enter_getpid");
	REQUIRE_TP(tp);
	syscall(SYS_getpid);
	close(tp);
	assert_int_equal(tu_obj_bss_u32(obj, "new_pid"), (uint32_t)syscall(SYS_gettid));
	assert_int_equal(tu_obj_bss_u32(obj, "old_state"), 0);
	assert_int_equal(tu_obj_bss_u64(obj, "old_value"), 0);
	assert_int_equal(tu_obj_bss_u32(obj, "enum_exists"), 1);
	assert_int_equal(tu_obj_bss_u32(obj, "gone_enum"), 0);
	assert_int_equal(tu_obj_bss_u32(obj, "no_type"), 0);
	eb_object_close(obj);
}

/* --- externs: kconfig, ksyms, kfuncs ------------------------------------------------ */

/* CONFIG_NAME's value in the running kernel's config (zcat: an
 * independent reader), "" when unset. */
static void config_value(const char *name, char *out, size_t size)
{
	struct eb_strbuf cmd = EB_STRBUF_INIT;
	char *text = NULL;

	eb_strbuf_addf(&cmd, "zcat /proc/config.gz 2>/dev/null | grep '^%s='", name);
	assert_int_equal(eb_strbuf_error(&cmd), 0);
	assert_true(tu_run(cmd.buf, &text) >= 0);
	eb_strbuf_release(&cmd);
	text[strcspn(text, "\n")] = '\0';
	snprintf(out, size, "%s", text[0] ? text + strlen(name) + 1 : "");
	free(text);
}

static void test_kconfig(void **state)
{
	struct eb_load_opts o = { 0 };
	struct eb_object *obj;
	struct utsname u;
	unsigned int a = 0, b = 0, c = 0;
	char hz[64], jit[64], lv[64];
	uint32_t key = 0;
	unsigned char val[64];
	int fds;

	TU_REQUIRE_BPF();
	config_value("CONFIG_HZ", hz, sizeof(hz));
	TU_SKIP_UNLESS(hz[0], "no /proc/config.gz with CONFIG_HZ");
	config_value("CONFIG_BPF_JIT", jit, sizeof(jit));
	config_value("CONFIG_LOCALVERSION", lv, sizeof(lv));
	assert_int_equal(uname(&u), 0);
	sscanf(u.release, "%u.%u.%u", &a, &b, &c);

	obj = tu_obj_load("kconfig", NULL);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "kconfig_sock")), 1);
	assert_int_equal(tu_obj_bss_u32(obj, "kver"), a << 16 | b << 8 | (c > 255 ? 255 : c));
	assert_int_equal(tu_obj_bss_u32(obj, "wrapper"), 1);
	assert_int_equal(tu_obj_bss_u32(obj, "cookie"), 1);
	assert_int_equal(tu_obj_bss_u32(obj, "hz"), strtoul(hz, NULL, 0));
	assert_int_equal(tu_obj_bss_u32(obj, "bpf_sys"), 1);
	assert_int_equal(tu_obj_bss_u32(obj, "tri"),
			 !strcmp(jit, "y") ? 1 : !strcmp(jit, "m") ? 2 : 0);
	assert_int_equal(tu_obj_bss_u32(obj, "missing"), 0);
	assert_int_equal(tu_obj_bss_u32(obj, "release0"), lv[0] == '"' ? (unsigned char)lv[1] : 0);
	/* the .kconfig map: read-only for programs, frozen */
	tu_assert_obj_map(obj, ".kconfig", "kconfig.kconfig", BPF_MAP_TYPE_ARRAY, 4,
		  tu_obj_map(obj, ".kconfig")->value_size, 1, BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	memset(val, 0, sizeof(val));
	assert_int_equal(eb_sys_map_update_elem(tu_obj_map(obj, ".kconfig")->fd, &key, val, 0),
			 -EPERM);
	eb_object_close(obj);

	/* the caller's lines come first */
	o.kconfig = "CONFIG_HZ=123\n# CONFIG_BPF_JIT is not set\nCONFIG_LOCALVERSION=\"xy\"\n";
	obj = tu_obj_load("kconfig", &o);
	assert_int_equal(tu_prog_run_pkt(tu_obj_prog(obj, "kconfig_sock")), 1);
	assert_int_equal(tu_obj_bss_u32(obj, "hz"), 123);
	assert_int_equal(tu_obj_bss_u32(obj, "tri"), 0);
	assert_int_equal(tu_obj_bss_u32(obj, "release0"), 'x');
	eb_object_close(obj);

	/* a value that does not suit the type */
	o.kconfig = "CONFIG_HZ=abc\n";
	obj = tu_obj_open("kconfig");
	fds = tu_count_fds();
	assert_int_equal(eb_object_load(obj, &o), -EINVAL);
	assert_non_null(strstr(eb_object_errmsg(obj), "extern 'CONFIG_HZ'"));
	assert_int_equal(tu_count_fds(), fds);	/* nothing left open */
	assert_int_equal(tu_obj_map(obj, ".kconfig")->fd, -1);
	eb_object_close(obj);
}

static uint64_t kallsyms_addr(const char *name)
{
	char line[512], sym[256], type;
	unsigned long long addr;
	uint64_t found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) == 3 && !strcmp(sym, name)) {
			found = addr;
			break;
		}
	fclose(f);
	return found;
}

static void test_ksyms(void **state)
{
	struct eb_object *obj;
	const struct eb_obj_extern *e;
	uint64_t missing = 1;
	int tp;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("ksyms", NULL);
	assert_int_equal(eb_object_extern_cnt(obj), 2);
	e = tu_obj_extern(obj, "__x64_sys_getpid");
	assert_int_equal(e->kind, EB_EXT_KSYM);
	assert_false(e->typed);
	assert_true(e->resolved);
	assert_true(e->value != 0);
	assert_int_equal(e->value, kallsyms_addr("__x64_sys_getpid"));
	e = tu_obj_extern(obj, "ebpfs_no_such_symbol");
	assert_true(e->weak);
	assert_false(e->resolved);
	tp = attach_tp(tu_obj_prog(obj, "ksyms_getpid"), "syscalls/sys_enter_getpid");
	REQUIRE_TP(tp);
	syscall(SYS_getpid);
	close(tp);
	assert_int_equal(tu_obj_bss_u64(obj, "sym_addr"), kallsyms_addr("__x64_sys_getpid"));
	tu_obj_global_rw(obj, ".data", "missing", &missing, sizeof(missing), false);
	assert_int_equal(missing, 0);	/* was 1 */
	eb_object_close(obj);
}

/* A typed ksym: resolved in the kernel's BTF by the loader, its address
 * found by the kernel, which needs it in kallsyms (CONFIG_KALLSYMS_ALL
 * for a variable). */
static void test_ksym_typed(void **state)
{
	struct eb_object *obj;
	int probe;

	TU_REQUIRE_BPF();
	probe = kallsyms_addr("runqueues") ? 0 : -ENOENT;
	obj = load_probed("ksym_typed", probe, NULL);
	if (!obj) {
		obj = tu_obj_open("ksym_typed");
		assert_int_equal(eb_object_load(obj, NULL), -ENOENT);
		assert_true(eb_object_extern(obj, 0)->typed);
		assert_int_equal(eb_object_extern(obj, 0)->target_btf_id,
				 tu_vmlinux_id("runqueues", BTF_KIND_VAR));
		assert_non_null(strstr(eb_object_prog_log(tu_obj_prog(obj, "ksym_typed_switch")),
				       "failed to find the address for kernel symbol 'runqueues'"));
		eb_object_close(obj);
		TU_SKIP("typed ksym: 'runqueues' is not in /proc/kallsyms (no CONFIG_KALLSYMS_ALL)");
	}
	assert_true(eb_object_extern(obj, 0)->typed);
	assert_true(eb_object_extern(obj, 0)->resolved);
	assert_int_equal(eb_object_extern(obj, 0)->target_btf_id,
			 tu_vmlinux_id("runqueues", BTF_KIND_VAR));
	eb_object_close(obj);
}

/* 0 when the kernel's BTF has every kfunc of names, else -ESRCH with
 * *missing the first it lacks. */
static int probe_kfuncs(const char *const *names, unsigned int cnt, const char **missing)
{
	unsigned int i;

	for (i = 0; i < cnt; i++)
		if (eb_btf_find_by_name_kind(tu_vmlinux(), names[i], BTF_KIND_FUNC) <= 0) {
			*missing = names[i];
			return -ESRCH;
		}
	return 0;
}

static void test_kfuncs(void **state)
{
	static const char *const kfuncs[] = { "bpf_task_acquire", "bpf_task_release",
					      "bpf_rcu_read_lock", "bpf_rcu_read_unlock" };
	struct eb_object *obj;
	const struct eb_prog *p;
	uint32_t i, kf = 0;
	const char *missing = NULL;
	char msg[256];
	int probe;

	TU_REQUIRE_BPF();
	/* a kfunc the kernel lacks: the loader refuses with ESRCH (Linux 6.2
	 * brought these) */
	probe = probe_kfuncs(kfuncs, EB_ARRAY_SIZE(kfuncs), &missing);
	snprintf(msg, sizeof(msg), "extern '%s': no kfunc of that name in the kernel's BTF",
		 missing ?: "");
	LOAD_PROBED(obj, "kfuncs", probe, msg, "the kfunc %s", missing);
	p = tu_obj_prog(obj, "kfuncs_switch");
	assert_int_equal(p->attach_btf_id, tu_vmlinux_id("btf_trace_sched_switch", BTF_KIND_TYPEDEF));
	for (i = 0; i < p->reloc_cnt; i++) {
		const struct eb_reloc *r = &p->relocs[i];

		if (r->kind != EB_RELO_KFUNC)
			continue;
		kf++;
		assert_int_equal(p->final_insns[r->insn_idx].src_reg, BPF_PSEUDO_KFUNC_CALL);
		assert_int_equal(p->final_insns[r->insn_idx].imm,
				 tu_vmlinux_id(r->sym_name, BTF_KIND_FUNC));
	}
	assert_int_equal(kf, 4);
	eb_object_close(obj);

	/* kfunc_weak needs only the RCU pair of the kfuncs above */
	obj = tu_obj_load("kfunc_weak", NULL);
	p = tu_obj_prog(obj, "kfunc_weak_switch");
	for (i = 0; i < p->reloc_cnt; i++) {
		const struct eb_reloc *r = &p->relocs[i];

		if (strcmp(r->sym_name, "ebpfs_no_such_kfunc"))
			continue;
		if (r->kind == EB_RELO_KFUNC) {
			assert_int_equal(p->final_insns[r->insn_idx].src_reg, BPF_PSEUDO_KFUNC_CALL);
			assert_int_equal(p->final_insns[r->insn_idx].imm, 0);
		} else {
			assert_int_equal(r->kind, EB_RELO_EXTERN);
			assert_int_equal(p->final_insns[r->insn_idx].src_reg, 0);
			assert_int_equal(p->final_insns[r->insn_idx].imm, 0);
		}
	}
	eb_object_close(obj);
}

/* --- struct_ops ------------------------------------------------------------------- */

static void test_struct_ops(void **state)
{
	struct eb_object *obj;
	const struct eb_obj_map *m;
	const struct btf_type *kt, *vt;
	struct bpf_map_info info;
	const char *names[] = { "ebpfs_ssthresh", "ebpfs_undo_cwnd", "ebpfs_cong_avoid" };
	const char *members[] = { "ssthresh", "undo_cwnd", "cong_avoid" };
	uint32_t key = 0, data_off = 0, i;
	int kt_id, vt_id, err;
	void *avail = NULL;
	size_t size;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("struct_ops", NULL);
	m = tu_obj_map(obj, "ebpfs_cc");
	assert_int_equal(m->origin, EB_MAP_STRUCT_OPS);
	assert_string_equal(m->st_ops_tname, "tcp_congestion_ops");
	kt_id = tu_vmlinux_id("tcp_congestion_ops", BTF_KIND_STRUCT);
	vt_id = tu_vmlinux_id("bpf_struct_ops_tcp_congestion_ops", BTF_KIND_STRUCT);
	kt = eb_btf_type_by_id(tu_vmlinux(), (uint32_t)kt_id);
	vt = eb_btf_type_by_id(tu_vmlinux(), (uint32_t)vt_id);
	tu_map_info(m->fd, &info);
	assert_int_equal(info.type, BPF_MAP_TYPE_STRUCT_OPS);
	assert_int_equal(info.btf_vmlinux_value_type_id, vt_id);
	assert_int_equal(info.value_size, vt->size);
	for (i = 0; i < eb_btf_vlen(vt); i++)
		if (!strcmp(eb_btf_name(tu_vmlinux(), 0) ?: "", "") &&
		    !strcmp(eb_btf_str(tu_vmlinux(), eb_btf_members(vt)[i].name_off), "data"))
			data_off = eb_btf_member_bit_offset(vt, i) / 8;
	assert_true(data_off > 0);
	for (i = 0; i < 3; i++) {
		const struct eb_prog *p = tu_obj_prog(obj, names[i]);
		uint32_t j;
		uint64_t fd;

		assert_true(p->fd >= 0);
		assert_int_equal(p->attach_btf_id, kt_id);
		for (j = 0; j < eb_btf_vlen(kt); j++)
			if (!strcmp(eb_btf_str(tu_vmlinux(), eb_btf_members(kt)[j].name_off), members[i]))
				break;
		assert_int_equal(p->expected_attach_type, j);
		memcpy(&fd, (const char *)m->init_data + data_off +
		       eb_btf_member_bit_offset(kt, j) / 8, sizeof(fd));
		assert_int_equal(fd, (uint64_t)p->fd);
	}
	for (i = 0; i < eb_btf_vlen(kt); i++)
		if (!strcmp(eb_btf_str(tu_vmlinux(), eb_btf_members(kt)[i].name_off), "name"))
			assert_string_equal((const char *)m->init_data + data_off +
					    eb_btf_member_bit_offset(kt, i) / 8, "ebpfs_cc");
	/* registering it is the attach step: the kernel then lists it */
	err = eb_sys_map_update_elem(m->fd, &key, m->init_data, 0);
	if (err) {
		TU_SKIP_PART("registering the congestion control: %s", eb_strerror(err));
	} else {
		assert_int_equal(eb_read_file("/proc/sys/net/ipv4/tcp_available_congestion_control",
					      &avail, &size), 0);
		assert_non_null(strstr(avail, "ebpfs_cc"));
		free(avail);
		assert_int_equal(eb_sys_map_delete_elem(m->fd, &key), 0);
	}
	eb_object_close(obj);
}

/* .struct_ops.link: the map gets BPF_F_LINK (struct_ops links, Linux 6.4) */
static void test_struct_ops_link(void **state)
{
	struct eb_object *obj;
	const struct eb_obj_map *m;
	struct bpf_map_info info;

	TU_REQUIRE_BPF();
	/* what the loader makes of the section needs no kernel support */
	obj = tu_obj_open("struct_ops_link");
	m = eb_object_find_map(obj, "ebpfs_cc_link");
	assert_non_null(m);
	assert_int_equal(m->origin, EB_MAP_STRUCT_OPS);
	assert_int_equal(m->map_flags, 1u << 13);
	eb_object_close(obj);

	LOAD_PROBED(obj, "struct_ops_link", probe_struct_ops_link(), NULL,
		    "struct_ops links (a struct_ops map with BPF_F_LINK, Linux 6.4)");
	tu_map_info(tu_obj_map(obj, "ebpfs_cc_link")->fd, &info);
	assert_int_equal(info.type, BPF_MAP_TYPE_STRUCT_OPS);
	assert_int_equal(info.map_flags, 1u << 13);
	eb_object_close(obj);
}

/* --- section names ---------------------------------------------------------------- */

static void test_section_names_load(void **state)
{
	struct eb_object *obj;
	struct bpf_prog_info info;
	const struct eb_prog *p;

	TU_REQUIRE_BPF();
	obj = tu_obj_load("sec_old_xdp", NULL);
	p = tu_obj_prog(obj, "xdp_vlan_prog");
	tu_prog_info(p->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_XDP);
	assert_int_equal(tu_prog_run_pkt(p), 2);
	eb_object_close(obj);
	obj = tu_obj_load("sec_old_cls", NULL);
	p = tu_obj_prog(obj, "cls_three");
	tu_prog_info(p->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_SCHED_CLS);
	assert_string_equal(p->attach_target, "3");
	assert_int_equal(tu_prog_run_pkt(p), 3);
	eb_object_close(obj);
}

/* tcx/ingress, tcx/egress, tc/egress: SCHED_CLS with the tcx attach types
 * (Linux 6.6) */
static void test_section_tcx(void **state)
{
	struct eb_object *obj;
	struct bpf_prog_info info;
	int probe;

	TU_REQUIRE_BPF();
	obj = tu_obj_open("sec_tcx");
	assert_int_equal(tu_obj_prog(obj, "tcx_in")->expected_attach_type, EB_ATTACH_TCX_INGRESS);
	assert_int_equal(tu_obj_prog(obj, "tcx_out")->expected_attach_type, EB_ATTACH_TCX_EGRESS);
	assert_int_equal(tu_obj_prog(obj, "tc_out")->expected_attach_type, EB_ATTACH_TCX_EGRESS);
	eb_object_close(obj);
	probe = tu_prog_probe(BPF_PROG_TYPE_SCHED_CLS, EB_ATTACH_TCX_INGRESS, 0, 0, 0);
	LOAD_PROBED(obj, "sec_tcx", probe, NULL, "SCHED_CLS programs for tcx_ingress");
	tu_prog_info(tu_obj_prog(obj, "tcx_in")->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_SCHED_CLS);
	tu_prog_info(tu_obj_prog(obj, "tc_out")->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_SCHED_CLS);
	eb_object_close(obj);
}

/* netfilter: program type NETFILTER (Linux 6.4) */
static void test_section_netfilter(void **state)
{
	struct eb_object *obj;
	struct bpf_prog_info info;
	int probe;

	TU_REQUIRE_BPF();
	obj = tu_obj_open("sec_netfilter");
	assert_int_equal(tu_obj_prog(obj, "nf_accept")->type, EB_PROG_TYPE_NETFILTER);
	assert_int_equal(tu_obj_prog(obj, "nf_accept")->expected_attach_type, EB_ATTACH_NETFILTER);
	eb_object_close(obj);
	probe = tu_prog_probe(EB_PROG_TYPE_NETFILTER, EB_ATTACH_NETFILTER, 0, 0, 1);
	LOAD_PROBED(obj, "sec_netfilter", probe, NULL, "netfilter programs (Linux 6.4)");
	tu_prog_info(tu_obj_prog(obj, "nf_accept")->fd, &info);
	assert_int_equal(info.type, EB_PROG_TYPE_NETFILTER);
	eb_object_close(obj);
}

/* uprobe.multi, uprobe.multi.s: KPROBE with trace_uprobe_multi (Linux 6.6),
 * the second sleepable */
static void test_section_uprobe_multi(void **state)
{
	struct eb_object *obj;
	struct bpf_prog_info info;
	int probe;

	TU_REQUIRE_BPF();
	obj = tu_obj_open("sec_uprobe_multi");
	assert_int_equal(tu_obj_prog(obj, "upm_main")->type, BPF_PROG_TYPE_KPROBE);
	assert_int_equal(tu_obj_prog(obj, "upm_main")->expected_attach_type,
			 EB_ATTACH_TRACE_UPROBE_MULTI);
	assert_int_equal(tu_obj_prog(obj, "upm_sleepable")->prog_flags, BPF_F_SLEEPABLE);
	eb_object_close(obj);
	probe = tu_prog_probe(BPF_PROG_TYPE_KPROBE, EB_ATTACH_TRACE_UPROBE_MULTI, 0, 0, 0) ?:
		tu_prog_probe(BPF_PROG_TYPE_KPROBE, EB_ATTACH_TRACE_UPROBE_MULTI, BPF_F_SLEEPABLE,
			   0, 0);
	LOAD_PROBED(obj, "sec_uprobe_multi", probe, NULL,
		    "(sleepable) KPROBE programs for trace_uprobe_multi");
	assert_int_equal(tu_obj_prog(obj, "upm_main")->expected_attach_type,
			 EB_ATTACH_TRACE_UPROBE_MULTI);
	assert_int_equal(tu_obj_prog(obj, "upm_sleepable")->prog_flags, BPF_F_SLEEPABLE);
	tu_prog_info(tu_obj_prog(obj, "upm_sleepable")->fd, &info);
	assert_int_equal(info.type, BPF_PROG_TYPE_KPROBE);
	eb_object_close(obj);
}

/*
 * A tracing or LSM object whose program `prog` attaches to BTF function
 * target: where the kernel refuses a minimal program of that type and
 * attach type (this test machine: EPERM), the object fails with the same
 * errno and a message naming the program, and the test skips visibly;
 * elsewhere it loads, and the kernel holds the program for that target.
 */
static void tracing_case(const char *test, const char *name, const char *prog, uint32_t type,
			 uint32_t eat, const char *target)
{
	int id = tu_vmlinux_id(target, BTF_KIND_FUNC);
	int probe = tu_prog_probe(type, eat, 0, (uint32_t)id, 0);
	struct eb_object *obj = tu_obj_open(name);
	struct bpf_prog_info info;
	int err = eb_object_load(obj, NULL);
	char want[256];

	/* the loader resolves the target before the kernel is asked */
	assert_int_equal(tu_obj_prog(obj, prog)->attach_btf_id, id);
	if (probe) {
		assert_int_equal(err, probe);
		assert_false(eb_object_loaded(obj));
		snprintf(want, sizeof(want),
			 "load: program '%s' (section '%s'): the kernel refused it: %s",
			 prog, tu_obj_prog(obj, prog)->sec_name, eb_strerror(probe));
		assert_string_equal(eb_object_errmsg(obj), want);
		eb_object_close(obj);
		tu_print_skip(test, "this kernel refuses a minimal %s program on %s (%s)",
			      type == BPF_PROG_TYPE_LSM ? "lsm" : "fentry", target,
			      eb_strerror(probe));
		skip();
	}
	if (err)
		fail_msg("load %s: %d: %s (the kernel takes a minimal program)", name, err,
			 eb_object_errmsg(obj));
	tu_prog_info(tu_obj_prog(obj, prog)->fd, &info);
	assert_int_equal(info.type, type);
	assert_int_equal(info.attach_btf_id, id);
	eb_object_close(obj);
}

static void test_fentry_load(void **state)
{
	TU_REQUIRE_BPF();
	tracing_case(__func__, "fentry", "fe_nanosleep", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY,
		     "do_nanosleep");
}

static void test_lsm_load(void **state)
{
	TU_REQUIRE_BPF();
	tracing_case(__func__, "lsm", "lsm_file_open", BPF_PROG_TYPE_LSM, BPF_LSM_MAC,
		     "bpf_lsm_file_open");
}

static int setup(void **state)
{
	tu_log_capture(TU_LOG_WARN);
	return 0;
}

static int teardown(void **state)
{
	tu_log_stop();
	tu_vmlinux_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_read),
		cmocka_unit_test(test_core_flavors),
		cmocka_unit_test(test_kconfig),
		cmocka_unit_test(test_ksyms),
		cmocka_unit_test(test_ksym_typed),
		cmocka_unit_test(test_kfuncs),
		cmocka_unit_test(test_struct_ops),
		cmocka_unit_test(test_struct_ops_link),
		cmocka_unit_test(test_section_names_load),
		cmocka_unit_test(test_section_tcx),
		cmocka_unit_test(test_section_netfilter),
		cmocka_unit_test(test_section_uprobe_multi),
		cmocka_unit_test(test_fentry_load),
		cmocka_unit_test(test_lsm_load),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
