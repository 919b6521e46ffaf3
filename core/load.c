/* SPDX-License-Identifier: MIT */
/*
 * load.c - the kernel side of the loader: BTF, maps (or reused fds),
 * global data, programs with the verifier log; all or nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "core_relo.h"
#include "log.h"
#include "obj_priv.h"
#include "syscall.h"
#include "util.h"

#define LOG_DEFAULT_SIZE	(64u * 1024)
#define LOG_MIN_SIZE		1024u
#define LOG_MAX_SIZE		(16u * 1024 * 1024)

void obj_unload(struct eb_object *obj)
{
	unsigned int i;

	for (i = 0; i < obj->func_cnt; i++) {
		struct eb_prog *p = &obj->funcs[i];

		eb_zclose(&p->fd);
		eb_zfree((struct bpf_insn **)&p->final_insns);
		p->final_cnt = 0;
	}
	for (i = 0; i < obj->map_cnt; i++) {
		struct eb_obj_map *m = &obj->maps[i];

		eb_zclose(&m->fd);
		if (m->inner)
			eb_zclose(&((struct eb_obj_map *)m->inner)->fd);
		m->reused = false;
	}
	eb_zclose(&obj->btf_fd);
	obj->loaded = false;
}

/* The verifier's reason: the last non-empty line of its log that is not
 * one of the statistics lines it prints at the end. */
static void last_line(const char *log, struct eb_strbuf *out)
{
	size_t end = strlen(log), start;

	for (;;) {
		while (end && (log[end - 1] == '\n' || log[end - 1] == ' '))
			end--;
		start = end;
		while (start && log[start - 1] != '\n')
			start--;
		if (start == end)
			return;
		if (strncmp(log + start, "processed ", 10) &&
		    strncmp(log + start, "verification time", 17) &&
		    strncmp(log + start, "stack depth", 11))
			break;
		end = start;
	}
	eb_strbuf_add(out, log + start, end - start);
}

/* --- BTF ------------------------------------------------------------------ */

static void load_btf(struct eb_object *obj)
{
	struct eb_strbuf why = EB_STRBUF_INIT;
	const void *raw;
	uint32_t size;
	char *log;
	int fd;

	if (!obj->btf)
		return;
	raw = eb_btf_raw(obj->btf, &size);
	fd = eb_sys_btf_load(raw, size, NULL, 0, 0);
	if (fd >= 0) {
		obj->btf_fd = fd;
		return;
	}
	/* once more with a log, only to say why */
	log = calloc(1, LOG_DEFAULT_SIZE);
	if (log) {
		int fd2 = eb_sys_btf_load(raw, size, log, LOG_DEFAULT_SIZE, 1);

		if (fd2 >= 0)
			close(fd2);
		last_line(log, &why);
		free(log);
	}
	eb_warn("load", "%s: the kernel refused the object's BTF (%s%s%s), loading without BTF",
		obj->name, eb_strerror(fd), why.len ? ": " : "", why.buf);
	eb_strbuf_release(&why);
}

/* --- maps ------------------------------------------------------------------- */

static int check_reused(struct eb_object *obj, const struct eb_obj_map *m)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	const char *what = NULL;
	uint32_t have = 0, want = 0;
	int err;

	memset(&info, 0, sizeof(info));
	err = eb_sys_obj_get_info_by_fd(m->fd, &info, &len);
	if (err) {
		obj_warn(obj, "load", "map '%s': the reused fd is not a map: %s",
			 m->name, eb_strerror(err));
		return err == -EBADF ? -EBADF : -EINVAL;
	}
#define CMP(field) \
	if (!what && info.field != m->field) { \
		what = #field; have = info.field; want = m->field; \
	}
	CMP(type);
	CMP(key_size);
	CMP(value_size);
	CMP(max_entries);
	CMP(map_flags);
#undef CMP
	if (what) {
		obj_warn(obj, "load", "map '%s': the existing map (id %u) has %s %u, the object wants %u",
			 m->name, info.id, what, have, want);
		return -EINVAL;
	}
	return 0;
}

/* Map types the kernel creates without key/value BTF (as libbpf does). */
static bool map_takes_btf(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_STACK_TRACE:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH:
	case BPF_MAP_TYPE_CPUMAP:
	case BPF_MAP_TYPE_XSKMAP:
	case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH:
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_RINGBUF:
		return false;
	default:
		return true;
	}
}

static int create_map(struct eb_object *obj, struct eb_obj_map *m, int inner_fd)
{
	struct eb_map_create_opts o;
	int fd;

	memset(&o, 0, sizeof(o));
	o.type = m->type;
	o.name = m->kname;
	o.key_size = m->key_size;
	o.value_size = m->value_size;
	o.max_entries = m->max_entries;
	o.map_flags = m->map_flags;
	o.numa_node = m->numa_node;
	o.inner_map_fd = inner_fd > 0 ? inner_fd : 0;
	o.map_extra = m->map_extra;
	o.btf_vmlinux_value_type_id = m->btf_vmlinux_value_type_id;
	if (obj->btf_fd >= 0 && m->btf_value_type_id && map_takes_btf(m->type)) {
		o.btf_fd = obj->btf_fd;
		o.btf_key_type_id = m->btf_key_type_id;
		o.btf_value_type_id = m->btf_value_type_id;
	}
	if (m->type == BPF_MAP_TYPE_STRUCT_OPS && obj->btf_fd >= 0)
		o.btf_fd = obj->btf_fd;	/* the kernel wants one, without type ids */
	fd = eb_sys_map_create(&o);
	if (fd < 0 && o.btf_fd && m->type != BPF_MAP_TYPE_STRUCT_OPS) {
		int err = fd;

		o.btf_fd = 0;
		o.btf_key_type_id = o.btf_value_type_id = 0;
		fd = eb_sys_map_create(&o);
		if (fd >= 0)
			eb_info("load", "map '%s': created without BTF (with BTF: %s)",
				m->name, eb_strerror(err));
	}
	if (fd < 0) {
		obj_warn(obj, "load", "map '%s' (%s): the kernel refused to create it: %s",
			 m->name, m->kname, eb_strerror(fd));
		return fd;
	}
	m->fd = fd;
	return 0;
}

static int init_data_map(struct eb_object *obj, struct eb_obj_map *m)
{
	uint32_t key = 0;
	int err;

	if (m->init_data) {
		err = eb_sys_map_update_elem(m->fd, &key, m->init_data, BPF_ANY);
		if (err) {
			obj_warn(obj, "load", "map '%s': cannot write its initial contents: %s",
				 m->name, eb_strerror(err));
			return err;
		}
	}
	if (m->frozen) {
		err = eb_sys_map_freeze(m->fd);
		if (err) {
			obj_warn(obj, "load", "map '%s': cannot freeze it: %s",
				 m->name, eb_strerror(err));
			return err;
		}
	}
	return 0;
}

static int create_maps(struct eb_object *obj, const struct eb_load_opts *opts)
{
	unsigned int i;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		struct eb_obj_map *m = &obj->maps[i];
		struct eb_obj_map *inner = (struct eb_obj_map *)m->inner;

		if (m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && !m->max_entries) {
			int cpus = eb_possible_cpus();

			if (cpus < 0) {
				obj_warn(obj, "load", "map '%s': cannot count the possible CPUs: %s",
					 m->name, eb_strerror(cpus));
				return cpus;
			}
			m->max_entries = (uint32_t)cpus;
		}
		if (opts->map_reuse) {
			int fd = opts->map_reuse(m, opts->map_reuse_ctx);

			if (fd >= 0) {
				m->fd = fd;
				m->reused = true;
				err = check_reused(obj, m);
				if (err)
					return err;
				continue;
			}
			if (fd != -ENOENT) {
				obj_warn(obj, "load", "map '%s': the reuse hook failed: %s",
					 m->name, eb_strerror(fd));
				return fd;
			}
		}
		if (inner) {
			err = create_map(obj, inner, -1);
			if (err)
				return err;
		}
		err = create_map(obj, m, inner ? inner->fd : -1);
		if (inner)
			eb_zclose(&inner->fd);	/* the template served its purpose */
		if (err)
			return err;
		if (m->origin == EB_MAP_DATA) {
			err = init_data_map(obj, m);
			if (err)
				return err;
		}
	}
	return 0;
}

/* --- programs ------------------------------------------------------------------ */

int obj_kernel_btf(struct eb_object *obj, const char *what, struct eb_btf **out)
{
	int err;

	if (!obj->kbtf && obj->lopts && obj->lopts->kernel_btf) {
		obj->kbtf = obj->lopts->kernel_btf;
		obj->kbtf_owned = false;
	}
	if (!obj->kbtf) {
		err = eb_btf_load_vmlinux(&obj->kbtf);
		if (err) {
			obj->kbtf = NULL;
			obj_warn(obj, "load", "%s needs the kernel's BTF (/sys/kernel/btf/vmlinux): %s",
				 what, eb_strerror(err));
			return err;
		}
		obj->kbtf_owned = true;
	}
	*out = obj->kbtf;
	return 0;
}

static void drop_kernel_btf(struct eb_object *obj)
{
	eb_core_cache_free(obj->core_cache);
	obj->core_cache = NULL;
	if (obj->kbtf_owned)
		eb_btf_free(obj->kbtf);
	obj->kbtf = NULL;
	obj->kbtf_owned = false;
}

/* The candidate cache for every CO-RE record of the object. */
static int prepare_core(struct eb_object *obj)
{
	struct eb_strbuf what = EB_STRBUF_INIT;
	struct eb_btf *kbtf;
	uint32_t *ids = NULL, r;
	size_t n = 0, cap = 0;
	const char *first = NULL;
	unsigned int i;
	int err = 0;

	for (i = 0; i < obj->func_cnt; i++) {
		const struct eb_prog *fn = &obj->funcs[i];

		for (r = 0; r < fn->reloc_cnt; r++) {
			if (fn->relocs[r].kind != EB_RELO_CORE)
				continue;
			if (n == cap) {
				uint32_t *v;

				cap = cap ? cap * 2 : 32;
				v = eb_reallocarray(ids, cap, sizeof(*v));
				if (!v) {
					free(ids);
					return -ENOMEM;
				}
				ids = v;
			}
			ids[n++] = fn->relocs[r].core_type_id;
			if (!first && fn->relocs[r].core_kind != BPF_CORE_TYPE_ID_LOCAL)
				first = fn->name;
		}
	}
	if (!n)
		return 0;
	if (first) {
		eb_strbuf_addf(&what, "CO-RE in function '%s'", first);
		err = eb_strbuf_error(&what);
		if (!err)
			err = obj_kernel_btf(obj, what.buf, &kbtf);
		eb_strbuf_release(&what);
	} else {
		kbtf = obj->btf;	/* only local type ids: any target will do */
	}
	if (!err)
		err = eb_core_cache_new(obj->btf, kbtf, ids, n, &obj->core_cache);
	free(ids);
	return err;
}

static int resolve_attach_btf(struct eb_object *obj, struct eb_prog *p)
{
	struct eb_strbuf name = EB_STRBUF_INIT;
	int kind = BTF_KIND_FUNC, id, err;
	struct eb_btf *vmlinux;

	if (p->type != BPF_PROG_TYPE_TRACING && p->type != BPF_PROG_TYPE_LSM)
		return 0;
	if (!p->attach_target[0]) {
		obj_warn(obj, "load", "program '%s': section '%s' names no attach target",
			 p->name, p->sec_name);
		return -EINVAL;
	}
	eb_strbuf_addf(&name, "program '%s'", p->name);
	err = eb_strbuf_error(&name);
	if (!err)
		err = obj_kernel_btf(obj, name.buf, &vmlinux);
	eb_strbuf_release(&name);
	if (err)
		return err;
	switch (p->expected_attach_type) {
	case BPF_TRACE_RAW_TP:
		eb_strbuf_adds(&name, "btf_trace_");
		kind = BTF_KIND_TYPEDEF;
		break;
	case BPF_LSM_MAC:
	case BPF_LSM_CGROUP:
		eb_strbuf_adds(&name, "bpf_lsm_");
		break;
	case BPF_TRACE_ITER:
		eb_strbuf_adds(&name, "bpf_iter_");
		break;
	default:
		break;
	}
	eb_strbuf_adds(&name, p->attach_target);
	if (eb_strbuf_error(&name)) {
		eb_strbuf_release(&name);
		return -ENOMEM;
	}
	id = eb_btf_find_by_name_kind(vmlinux, name.buf, kind);
	if (id < 0) {
		obj_warn(obj, "load", "program '%s': no '%s' in the kernel's BTF (section '%s')",
			 p->name, name.buf, p->sec_name);
		eb_strbuf_release(&name);
		return -ESRCH;
	}
	eb_strbuf_release(&name);
	p->attach_btf_id = (uint32_t)id;
	return 0;
}

static bool wants_load(const struct eb_prog *p, const struct eb_load_opts *opts)
{
	if (!p->sec_known || !p->autoload)
		return false;
	if (p->type == BPF_PROG_TYPE_STRUCT_OPS && p->st_ops_map < 0) {
		eb_info("load", "program '%s': no struct_ops variable uses it, not loaded",
			p->name);
		return false;
	}
	return !(opts->prog_skip && opts->prog_skip(p, opts->prog_skip_ctx));
}

/* One load at `level` (0: no log), growing the log buffer x4 on ENOSPC.
 * The log of the attempt replaces p->log (level 0 leaves it alone). */
static int prog_load_at(struct eb_prog *p, struct eb_prog_load_opts *lo,
			uint32_t level, uint32_t size)
{
	char *buf;
	int fd;

	if (!level)
		return eb_sys_prog_load(lo);
	if (size < LOG_MIN_SIZE)
		size = LOG_MIN_SIZE;
	if (size > LOG_MAX_SIZE)
		size = LOG_MAX_SIZE;
	for (;;) {
		/* not zeroed: the kernel NUL-terminates what it writes, and
		 * a fresh big buffer is then only touched as far as the log */
		buf = malloc(size);
		if (!buf)
			return -ENOMEM;
		buf[0] = '\0';
		lo->log_buf = buf;
		lo->log_size = size;
		lo->log_level = level;
		fd = eb_sys_prog_load(lo);
		lo->log_buf = NULL;
		lo->log_size = lo->log_level = 0;
		if (fd == -ENOSPC && size < LOG_MAX_SIZE) {
			free(buf);
			size = size > LOG_MAX_SIZE / 4 ? LOG_MAX_SIZE : size * 4;
			continue;
		}
		buf[size - 1] = '\0';
		free(p->log);
		p->log_len = strlen(buf);
		/* keep what the log holds, not the whole buffer */
		p->log = realloc(buf, p->log_len + 1);
		if (!p->log)
			p->log = buf;
		return fd;
	}
}

/*
 * The log policy (object.h): a level without the verbose bits (0, or
 * BPF_LOG_STATS alone) is cheap, so that attempt runs first; only a
 * failure is loaded again with the verbose bit, so the log says why.
 * Verbose logging costs the verifier several times its own work on big
 * programs, which is why it is not the first attempt.
 */
static int prog_load_logged(struct eb_prog *p, struct eb_prog_load_opts *lo,
			    const struct eb_load_opts *opts)
{
	uint32_t size = opts->log_size ? opts->log_size : LOG_DEFAULT_SIZE;
	uint32_t level = opts->log_level;
	int fd;

	if (level & (EB_LOG_LEVEL1 | EB_LOG_LEVEL2))
		return prog_load_at(p, lo, level, size);
	fd = prog_load_at(p, lo, level, level ? LOG_MIN_SIZE : 0);
	if (fd >= 0 || fd == -ENOMEM)
		return fd;
	return prog_load_at(p, lo, level | EB_LOG_LEVEL1, size);
}

static int load_prog(struct eb_object *obj, struct eb_prog *p,
		     const struct eb_load_opts *opts)
{
	struct eb_prog_load_opts lo;
	struct obj_ext_info ext;
	struct eb_strbuf why = EB_STRBUF_INIT;
	int fd, err;

	err = resolve_attach_btf(obj, p);
	if (err)
		return err;
	err = obj_relocate_prog(obj, p, &ext);
	if (err)
		return err;
	memset(&lo, 0, sizeof(lo));
	lo.type = p->type;
	if (p->type != BPF_PROG_TYPE_SYSCALL && p->type != BPF_PROG_TYPE_EXT)
		lo.expected_attach_type = p->expected_attach_type;
	lo.name = p->kname;
	lo.license = obj->license;
	lo.insns = p->final_insns;
	lo.insn_cnt = p->final_cnt;
	lo.kern_version = opts->kern_version ? opts->kern_version : obj->kern_version;
	lo.prog_flags = p->prog_flags;
	lo.attach_btf_id = p->attach_btf_id;
	if (obj->btf_fd >= 0) {
		lo.prog_btf_fd = obj->btf_fd;
		if (ext.func_info_cnt) {
			lo.func_info = ext.func_info;
			lo.func_info_cnt = ext.func_info_cnt;
			lo.func_info_rec_size = ext.func_info_rec_size;
		}
		if (ext.line_info_cnt) {
			lo.line_info = ext.line_info;
			lo.line_info_cnt = ext.line_info_cnt;
			lo.line_info_rec_size = ext.line_info_rec_size;
		}
	}
	fd = prog_load_logged(p, &lo, opts);
	obj_ext_info_free(&ext);
	if (fd < 0) {
		if (p->log)
			last_line(p->log, &why);
		obj_warn(obj, "load", "program '%s' (section '%s'): the kernel refused it: %s%s%s",
			 p->name, p->sec_name, eb_strerror(fd), why.len ? ": " : "", why.buf);
		eb_strbuf_release(&why);
		return fd;
	}
	p->fd = fd;
	return 0;
}

/* --- initial slots of prog arrays and maps of maps ------------------------------ */

static int fill_slots(struct eb_object *obj, bool progs)
{
	unsigned int i;
	uint32_t j;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		struct eb_obj_map *m = &obj->maps[i];
		bool is_prog_array = m->type == BPF_MAP_TYPE_PROG_ARRAY;

		if (!m->init_slot_cnt || m->reused || is_prog_array != progs ||
		    m->origin == EB_MAP_STRUCT_OPS)
			continue;
		for (j = 0; j < m->init_slot_cnt; j++) {
			const struct eb_map_slot *s = &m->init_slots[j];
			const char *what = progs ? "program" : "map";
			int fd = -1;

			if (progs) {
				const struct eb_prog *p = eb_object_find_prog(obj, s->sym_name);

				if (p && p->fd < 0 && !p->autoload) {
					eb_info("load", "map '%s': slot %u: program '%s' is not loaded, the slot stays empty",
						m->name, s->index, s->sym_name);
					continue;
				}
				fd = p ? p->fd : -1;
			} else {
				const struct eb_obj_map *im = eb_object_find_map(obj, s->sym_name);

				fd = im ? im->fd : -1;
			}
			if (fd < 0) {
				obj_warn(obj, "load", "map '%s': slot %u names %s '%s', which the object does not %s",
					 m->name, s->index, what, s->sym_name,
					 progs ? "load" : "create");
				return -EINVAL;
			}
			err = eb_sys_map_update_elem(m->fd, &s->index, &fd, BPF_ANY);
			if (err) {
				obj_warn(obj, "load", "map '%s': cannot set slot %u to %s '%s': %s",
					 m->name, s->index, what, s->sym_name, eb_strerror(err));
				return err;
			}
		}
	}
	return 0;
}

int eb_object_load(struct eb_object *obj, const struct eb_load_opts *opts)
{
	static const struct eb_load_opts defaults;
	unsigned int i;
	int err = 0;

	if (!opts)
		opts = &defaults;
	if (obj->loaded) {
		obj_warn(obj, "load", "%s: already loaded", obj->name);
		return -EALREADY;
	}
	eb_strbuf_reset(&obj->errmsg);
	for (i = 0; i < obj->func_cnt; i++) {
		eb_zfree(&obj->funcs[i].log);
		obj->funcs[i].log_len = 0;
	}
	obj->lopts = opts;
	load_btf(obj);
	err = prepare_core(obj);
	if (!err)
		err = obj_resolve_externs(obj);
	if (!err)
		err = obj_prepare_struct_ops(obj);
	if (!err)
		err = create_maps(obj, opts);
	if (!err)
		err = fill_slots(obj, false);
	for (i = 0; !err && i < obj->prog_cnt; i++) {
		struct eb_prog *p = &obj->funcs[obj->progs[i]];

		if (wants_load(p, opts))
			err = load_prog(obj, p, opts);
	}
	if (!err)
		err = fill_slots(obj, true);
	if (!err)
		err = obj_fill_struct_ops(obj);
	drop_kernel_btf(obj);
	obj->lopts = NULL;
	if (err) {
		obj_unload(obj);
		return err;
	}
	obj->loaded = true;
	return 0;
}
