/* SPDX-License-Identifier: MIT */
/*
 * extern.c - `extern` declarations of an object: .kconfig values, .ksyms
 * kernel symbols and kfuncs (the rules are in object.h, "externs").
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "btf.h"
#include "core_relo.h"
#include "inflate.h"
#include "log.h"
#include "obj_priv.h"
#include "util.h"

#define KCONFIG_MAX	(64u << 20)	/* decompressed config size limit */
/* a BTF type's info word */
#define INFO(kind, kflag, vlen) \
	((uint32_t)(kflag) << 31 | (uint32_t)(kind) << 24 | (uint32_t)(vlen))

#if defined(__x86_64__)
#define SYSCALL_PREFIX "__x64_"
#elif defined(__aarch64__)
#define SYSCALL_PREFIX "__arm64_"
#elif defined(__s390x__)
#define SYSCALL_PREFIX "__s390x_"
#elif defined(__riscv)
#define SYSCALL_PREFIX "__riscv_"
#elif defined(__powerpc64__)
#define SYSCALL_PREFIX "__powerpc_"
#elif defined(__loongarch__)
#define SYSCALL_PREFIX "__loongarch_"
#else
#define SYSCALL_PREFIX "__se_"
#endif

const char *eb_extern_kind_str(enum eb_extern_kind kind)
{
	switch (kind) {
	case EB_EXT_KCONFIG:
		return "kconfig";
	case EB_EXT_KSYM:
		return "ksym";
	case EB_EXT_KFUNC:
		return "kfunc";
	}
	return "?";
}

unsigned int eb_object_extern_cnt(const struct eb_object *obj)
{
	return obj->extern_cnt;
}

const struct eb_obj_extern *eb_object_extern(const struct eb_object *obj, unsigned int idx)
{
	return idx < obj->extern_cnt ? &obj->externs[idx] : NULL;
}

int obj_find_extern(const struct eb_object *obj, const char *name)
{
	unsigned int i;

	for (i = 0; i < obj->extern_cnt; i++)
		if (!strcmp(obj->externs[i].name, name))
			return (int)i;
	return -1;
}

void obj_free_externs(struct eb_object *obj)
{
	eb_zfree(&obj->externs);
	obj->extern_cnt = 0;
}

/* --- at open ------------------------------------------------------------------ */

static bool is_extern_sym(const struct eb_elf_sym *s)
{
	return s->shndx == SHN_UNDEF && s->name[0] &&
	       (s->bind == STB_GLOBAL || s->bind == STB_WEAK) &&
	       s->type != STT_SECTION && s->type != STT_FILE;
}

/* The entry of DATASEC ds whose type is named name; its type id or 0. */
static uint32_t datasec_entry(const struct eb_btf *btf, int ds, const char *name)
{
	const struct btf_type *t;
	uint16_t i;

	if (ds <= 0)
		return 0;
	t = eb_btf_type_by_id(btf, (uint32_t)ds);
	for (i = 0; i < eb_btf_vlen(t); i++) {
		uint32_t id = eb_btf_secinfos(t)[i].type;
		const char *n = eb_btf_name(btf, id);

		if (n && !strcmp(n, name))
			return id;
	}
	return 0;
}

static int classify(struct eb_object *obj, struct eb_obj_extern *e, int kc, int ks)
{
	const struct btf_type *t;
	uint32_t id;
	int sid;

	id = datasec_entry(obj->btf, kc, e->name);
	if (id) {
		e->kind = EB_EXT_KCONFIG;
	} else {
		id = datasec_entry(obj->btf, ks, e->name);
		if (!id) {
			sid = eb_btf_find_by_name_kind(obj->btf, e->name, BTF_KIND_FUNC);
			if (sid > 0 && eb_btf_vlen(eb_btf_type_by_id(obj->btf, (uint32_t)sid)) ==
			    BTF_FUNC_EXTERN)
				id = (uint32_t)sid;
		}
		if (!id) {
			obj_warn(obj, "elf", "extern '%s' is declared neither __kconfig nor __ksym (not in DATASEC .kconfig / .ksyms)",
				 e->name);
			return -EINVAL;
		}
		t = eb_btf_type_by_id(obj->btf, id);
		e->kind = eb_btf_kind(t) == BTF_KIND_FUNC ? EB_EXT_KFUNC : EB_EXT_KSYM;
	}
	t = eb_btf_type_by_id(obj->btf, id);
	if (eb_btf_kind(t) != BTF_KIND_VAR && eb_btf_kind(t) != BTF_KIND_FUNC) {
		obj_warn(obj, "elf", "extern '%s': BTF type %u is a %s, not a variable or function",
			 e->name, id, eb_btf_kind_name(eb_btf_kind(t)));
		return -EINVAL;
	}
	if (e->kind == EB_EXT_KCONFIG && eb_btf_kind(t) != BTF_KIND_VAR) {
		obj_warn(obj, "elf", "extern '%s': a __kconfig extern must be a variable", e->name);
		return -EINVAL;
	}
	e->btf_id = id;
	e->type_id = t->type;
	if (e->kind == EB_EXT_KSYM) {
		sid = eb_btf_skip_mods(obj->btf, t->type);
		e->typed = sid > 0;
	}
	return 0;
}

/* Lay out the .kconfig variables as the map value and fix the DATASEC. */
static int layout_kconfig(struct eb_object *obj, int kc, uint32_t *total)
{
	const struct btf_type *t = eb_btf_type_by_id(obj->btf, (uint32_t)kc);
	uint16_t i, vlen = eb_btf_vlen(t);
	uint64_t off = 0;
	int err;

	for (i = 0; i < vlen; i++) {
		uint32_t vid = eb_btf_secinfos(eb_btf_type_by_id(obj->btf, (uint32_t)kc))[i].type;
		const struct btf_type *vt = eb_btf_type_by_id(obj->btf, vid);
		const char *name = eb_btf_name(obj->btf, vid);
		int64_t size;
		int align, e;

		if (!vt || eb_btf_kind(vt) != BTF_KIND_VAR) {
			obj_warn(obj, "btf", "DATASEC '.kconfig': entry %u is not a variable", i);
			return -EINVAL;
		}
		size = eb_btf_resolve_size(obj->btf, vt->type);
		align = eb_btf_align(obj->btf, vt->type);
		if (size <= 0 || size > 4096 || align <= 0) {
			obj_warn(obj, "btf", "extern '%s' (__kconfig): its type has no usable size",
				 name ? name : "?");
			return -EINVAL;
		}
		off = EB_ROUND_UP(off, (uint64_t)align);
		e = name ? obj_find_extern(obj, name) : -1;
		if (e >= 0) {
			obj->externs[e].size = (uint32_t)size;
			obj->externs[e].kconfig_off = (uint32_t)off;
		}
		err = eb_btf_set_secinfo_offset(obj->btf, (uint32_t)kc, i, (uint32_t)off);
		if (err)
			return err;
		off += (uint64_t)size;
	}
	off = EB_ROUND_UP(off ? off : 1, 8);
	*total = (uint32_t)off;
	return eb_btf_set_datasec_size(obj->btf, (uint32_t)kc, (uint32_t)off);
}

static int add_kconfig_map(struct eb_object *obj, int kc, uint32_t size)
{
	struct eb_obj_map *maps, *m;

	maps = eb_reallocarray(obj->maps, obj->map_cnt + 1, sizeof(*maps));
	if (!maps)
		return -ENOMEM;
	obj->maps = maps;
	m = &obj->maps[obj->map_cnt];
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->origin = EB_MAP_DATA;
	m->name = ".kconfig";
	m->sec_name = ".kconfig";
	m->kname = obj_data_map_name(obj->obj_name, ".kconfig");
	m->priv_buf = calloc(1, size);
	obj->kconfig_map = (int)obj->map_cnt;
	obj->map_cnt++;
	if (!m->kname || !m->priv_buf)
		return -ENOMEM;
	m->init_data = m->priv_buf;
	m->type = BPF_MAP_TYPE_ARRAY;
	m->key_size = 4;
	m->value_size = size;
	m->def_size = size;
	m->max_entries = 1;
	m->map_flags = BPF_F_MMAPABLE | BPF_F_RDONLY_PROG;
	m->frozen = true;
	m->btf_value_type_id = (uint32_t)kc;
	return 0;
}

static int find_int4(const struct eb_btf *btf)
{
	uint32_t id, cnt = eb_btf_type_cnt(btf);

	for (id = 1; id < cnt; id++) {
		const struct btf_type *t = eb_btf_type_by_id(btf, id);

		if (eb_btf_kind(t) == BTF_KIND_INT && t->size == 4 &&
		    BTF_INT_BITS(eb_btf_int_info(t)) == 32 &&
		    !BTF_INT_OFFSET(eb_btf_int_info(t)))
			return (int)id;
	}
	return -ENOENT;
}

static bool in_list(const uint32_t *ids, uint16_t n, uint32_t id)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Make the extern parts of the object's BTF acceptable to the kernel. */
static int sanitize_btf(struct eb_object *obj, int ks)
{
	uint32_t id, cnt = eb_btf_type_cnt(obj->btf), *ksym_ids = NULL;
	int int_id = find_int4(obj->btf);
	struct btf_type *copy = NULL;
	uint16_t i, nks = 0;
	size_t cap = 0;
	int err = 0;

	if (ks > 0) {
		const struct btf_type *kt = eb_btf_type_by_id(obj->btf, (uint32_t)ks);

		nks = eb_btf_vlen(kt);
		ksym_ids = eb_calloc(nks + 1u, sizeof(*ksym_ids));
		if (!ksym_ids)
			return -ENOMEM;
		for (i = 0; i < nks; i++)
			ksym_ids[i] = eb_btf_secinfos(kt)[i].type;
	}
	for (id = 1; id < cnt && !err; id++) {
		const struct btf_type *t = eb_btf_type_by_id(obj->btf, id);
		size_t need = sizeof(*t);
		uint16_t kind = eb_btf_kind(t);

		if (kind == BTF_KIND_VAR && eb_btf_var(t)->linkage == BTF_VAR_GLOBAL_EXTERN)
			need += sizeof(struct btf_var);
		else if (kind == BTF_KIND_FUNC && eb_btf_vlen(t) == BTF_FUNC_EXTERN)
			;
		else if ((int)id == ks && int_id > 0)
			need += (size_t)nks * sizeof(struct btf_member);
		else
			continue;
		if (need > cap) {
			void *p = realloc(copy, need);

			if (!p) {
				err = -ENOMEM;
				break;
			}
			copy = p;
			cap = need;
		}
		memcpy(copy, t, sizeof(*t));
		if (kind == BTF_KIND_VAR) {
			struct btf_var *v = (struct btf_var *)(copy + 1);

			v->linkage = BTF_VAR_GLOBAL_ALLOCATED;
			if (int_id > 0 && in_list(ksym_ids, nks, id))
				copy->type = (uint32_t)int_id;
		} else if (kind == BTF_KIND_FUNC) {
			copy->info = INFO(BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL);
		} else {
			/* .ksyms: an anonymous struct with one int per entry */
			struct btf_member *m = (struct btf_member *)(copy + 1);

			copy->name_off = 0;
			copy->info = INFO(BTF_KIND_STRUCT, 0, nks);
			copy->size = 4u * nks;
			for (i = 0; i < nks; i++) {
				const struct btf_type *et = eb_btf_type_by_id(obj->btf, ksym_ids[i]);

				m[i].name_off = et ? et->name_off : 0;
				m[i].type = (uint32_t)int_id;
				m[i].offset = 32u * i;
			}
		}
		err = eb_btf_replace_type(obj->btf, id, copy);
	}
	free(copy);
	free(ksym_ids);
	if (err)
		obj_warn(obj, "btf", "cannot make the extern declarations loadable: %s",
			 strerror(-err));
	return err;
}

int obj_collect_externs(struct eb_object *obj)
{
	unsigned int i, n = 0;
	bool has_kconfig = false;
	uint32_t total = 0;
	int kc = -1, ks = -1, err;

	obj->kconfig_map = -1;
	for (i = 0; i < obj->sym_cnt; i++)
		if (is_extern_sym(&obj->syms[i]))
			n++;
	if (!n)
		return 0;
	if (!obj->btf) {
		for (i = 0; i < obj->sym_cnt && !is_extern_sym(&obj->syms[i]); i++)
			;
		obj_warn(obj, "elf", "extern '%s': externs need the object's BTF, it has none",
			 obj->syms[i].name);
		return -EINVAL;
	}
	obj->externs = eb_calloc(n, sizeof(*obj->externs));
	if (!obj->externs)
		return -ENOMEM;
	kc = eb_btf_find_by_name_kind(obj->btf, ".kconfig", BTF_KIND_DATASEC);
	ks = eb_btf_find_by_name_kind(obj->btf, ".ksyms", BTF_KIND_DATASEC);
	for (i = 0; i < obj->sym_cnt; i++) {
		const struct eb_elf_sym *s = &obj->syms[i];
		struct eb_obj_extern *e;

		if (!is_extern_sym(s) || obj_find_extern(obj, s->name) >= 0)
			continue;
		e = &obj->externs[obj->extern_cnt++];
		e->name = s->name;
		e->weak = s->bind == STB_WEAK;
		err = classify(obj, e, kc, ks);
		if (err)
			return err;
		has_kconfig |= e->kind == EB_EXT_KCONFIG;
	}
	if (has_kconfig) {
		err = layout_kconfig(obj, kc, &total);
		if (!err)
			err = add_kconfig_map(obj, kc, total);
		if (err)
			return err;
	}
	return sanitize_btf(obj, ks);
}

/* --- kconfig values ------------------------------------------------------------- */

/* The value of name in kconfig text: points at it, *len its length; for
 * "# NAME is not set" returns "n".  NULL when absent. */
static const char *kconfig_lookup(const char *text, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	const char *p = text;

	while (p && *p) {
		const char *end = strchr(p, '\n');
		size_t ll = end ? (size_t)(end - p) : strlen(p);

		if (ll > nl && !strncmp(p, name, nl) && p[nl] == '=') {
			*len = ll - nl - 1;
			return p + nl + 1;
		}
		if (ll >= nl + 13 && !strncmp(p, "# ", 2) && !strncmp(p + 2, name, nl) &&
		    !strncmp(p + 2 + nl, " is not set", 11)) {
			*len = 1;
			return "n";
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

static int read_kconfig_file(struct eb_object *obj, char **text)
{
	struct utsname u;
	struct eb_strbuf path = EB_STRBUF_INIT;
	void *raw = NULL, *out = NULL;
	size_t size, out_len;
	int err;

	err = eb_read_file("/proc/config.gz", &raw, &size);
	if (!err) {
		err = eb_gunzip(raw, size, KCONFIG_MAX, &out, &out_len);
		free(raw);
		if (err) {
			obj_warn(obj, "load", "/proc/config.gz: cannot decompress it: %s",
				 strerror(-err));
			return err;
		}
		*text = out;
		return 0;
	}
	if (uname(&u))
		return -errno;
	eb_strbuf_addf(&path, "/boot/config-%s", u.release);
	if (eb_strbuf_error(&path))
		return -ENOMEM;
	err = eb_read_file(path.buf, &raw, &size);
	if (err) {
		obj_warn(obj, "load", "no kernel config: neither /proc/config.gz nor %s is readable (%s)",
			 path.buf, strerror(-err));
		eb_strbuf_release(&path);
		return err;
	}
	eb_strbuf_release(&path);
	*text = raw;
	return 0;
}

static uint32_t kernel_version(void)
{
	struct utsname u;
	unsigned int a = 0, b = 0, c = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return a << 16 | b << 8 | (c > 255 ? 255 : c);
}

static void put_le(uint8_t *dst, uint64_t v, uint32_t size)
{
	uint32_t i;

	for (i = 0; i < size; i++)
		dst[i] = (uint8_t)(v >> (8 * i));
}

/* Write the text value val (len bytes) of extern e into the buffer. */
static int kconfig_set(struct eb_object *obj, struct eb_obj_extern *e, uint8_t *buf,
		       const char *val, size_t len)
{
	uint32_t tid = e->type_id;
	const struct btf_type *t;
	const char *tname;
	int id = eb_btf_skip_mods(obj->btf, tid);
	char num[64];
	char *end;

	t = id >= 0 ? eb_btf_type_by_id(obj->btf, (uint32_t)id) : NULL;
	if (!t)
		return -EINVAL;
	tname = eb_btf_name(obj->btf, (uint32_t)id);
	buf += e->kconfig_off;
	if (eb_btf_kind(t) == BTF_KIND_INT &&
	    (BTF_INT_ENCODING(eb_btf_int_info(t)) & BTF_INT_BOOL)) {
		if (len == 1 && (val[0] == 'y' || val[0] == 'n')) {
			buf[0] = val[0] == 'y';
			e->value = buf[0];
			return 0;
		}
		goto bad;
	}
	if (eb_btf_kind(t) == BTF_KIND_ENUM && tname && !strcmp(tname, "libbpf_tristate")) {
		if (len != 1 || !strchr("ynm", val[0]))
			goto bad;
		e->value = val[0] == 'y' ? 1 : val[0] == 'm' ? 2 : 0;
		put_le(buf, e->value, e->size);
		return 0;
	}
	if (eb_btf_kind(t) == BTF_KIND_ARRAY) {
		const struct btf_type *et;
		int eid = eb_btf_skip_mods(obj->btf, eb_btf_array(t)->type);
		uint32_t n = eb_btf_array(t)->nelems, o = 0;
		size_t i;

		et = eid > 0 ? eb_btf_type_by_id(obj->btf, (uint32_t)eid) : NULL;
		if (!et || eb_btf_kind(et) != BTF_KIND_INT || et->size != 1 || !n ||
		    len < 2 || val[0] != '"' || val[len - 1] != '"')
			goto bad;
		for (i = 1; i + 1 < len && o + 1 < n; i++) {
			if (val[i] == '\\' && i + 2 < len)
				i++;
			buf[o++] = (uint8_t)val[i];
		}
		if (i + 1 < len)
			eb_info("load", "extern '%s': value %.*s cut to %u bytes",
				e->name, (int)len, val, n - 1);
		buf[o] = 0;
		e->value = 1;
		return 0;
	}
	if ((eb_btf_kind(t) == BTF_KIND_INT || eb_btf_kind(t) == BTF_KIND_ENUM ||
	     eb_btf_kind(t) == BTF_KIND_ENUM64) && e->size <= 8 && len && len < sizeof(num)) {
		bool sign = eb_btf_kind(t) == BTF_KIND_INT ?
			BTF_INT_ENCODING(eb_btf_int_info(t)) & BTF_INT_SIGNED : eb_btf_kflag(t);
		uint64_t v;

		memcpy(num, val, len);
		num[len] = '\0';
		errno = 0;
		v = sign ? (uint64_t)strtoll(num, &end, 0) : strtoull(num, &end, 0);
		if (errno || *end || end == num)
			goto bad;
		if (e->size < 8) {
			uint64_t lim = 1ull << (8 * e->size);
			int64_t sv = (int64_t)v;

			if (sign ? (sv < -(int64_t)(lim / 2) || sv >= (int64_t)(lim / 2)) : v >= lim) {
				obj_warn(obj, "load", "extern '%s': value %s does not fit in %u bytes",
					 e->name, num, e->size);
				return -ERANGE;
			}
		}
		put_le(buf, v, e->size);
		e->value = v;
		return 0;
	}
bad:
	obj_warn(obj, "load", "extern '%s': kconfig value '%.*s' does not suit its type",
		 e->name, (int)EB_MIN(len, (size_t)64), val);
	return -EINVAL;
}

static int kconfig_special(struct eb_object *obj, struct eb_obj_extern *e, uint8_t *buf)
{
	struct eb_btf *kbtf;
	const char *v = "n";
	int err, id;
	int64_t dummy;
	char num[16];

	if (!strcmp(e->name, "LINUX_KERNEL_VERSION")) {
		snprintf(num, sizeof(num), "%u", kernel_version());
		return kconfig_set(obj, e, buf, num, strlen(num));
	}
	err = obj_kernel_btf(obj, e->name, &kbtf);
	if (err)
		return err;
	if (!strcmp(e->name, "LINUX_HAS_SYSCALL_WRAPPER")) {
		if (eb_btf_find_by_name_kind(kbtf, SYSCALL_PREFIX "sys_bpf", BTF_KIND_FUNC) > 0)
			v = "y";
	} else if (!strcmp(e->name, "LINUX_HAS_BPF_COOKIE")) {
		id = eb_btf_find_by_name_kind(kbtf, "bpf_func_id", BTF_KIND_ENUM);
		if (id > 0 && !eb_btf_find_enum_value(kbtf, (uint32_t)id,
						      "BPF_FUNC_get_attach_cookie", &dummy))
			v = "y";
	} else {
		return -ENOENT;
	}
	return kconfig_set(obj, e, buf, v, 1);
}

static int resolve_kconfig(struct eb_object *obj)
{
	struct eb_obj_map *m = &obj->maps[obj->kconfig_map];
	uint8_t *buf = m->priv_buf;
	char *file = NULL;
	bool file_tried = false;
	unsigned int i;
	int err = 0;

	memset(buf, 0, m->value_size);
	for (i = 0; i < obj->extern_cnt && !err; i++) {
		struct eb_obj_extern *e = &obj->externs[i];
		const char *val = NULL;
		size_t len = 0;

		if (e->kind != EB_EXT_KCONFIG)
			continue;
		e->resolved = false;
		e->value = 0;
		if (!strncmp(e->name, "LINUX_", 6)) {
			err = kconfig_special(obj, e, buf);
			if (err == -ENOENT) {
				err = 0;
				if (!e->weak) {
					obj_warn(obj, "load", "extern '%s': unknown LINUX_ kconfig value",
						 e->name);
					err = -ESRCH;
				}
				continue;
			}
			e->resolved = !err;
			continue;
		}
		if (obj->lopts->kconfig)
			val = kconfig_lookup(obj->lopts->kconfig, e->name, &len);
		if (!val && !file_tried) {
			file_tried = true;
			err = read_kconfig_file(obj, &file);
			if (err && e->weak)
				err = 0;	/* weak ones are 0 without a config */
			if (err)
				break;
		}
		if (!val && file)
			val = kconfig_lookup(file, e->name, &len);
		if (!val) {
			if (!e->weak) {
				obj_warn(obj, "load", "extern '%s': not in the kernel config (declare it __weak to default to 0)",
					 e->name);
				err = -ESRCH;
			}
			continue;
		}
		err = kconfig_set(obj, e, buf, val, len);
		e->resolved = !err;
	}
	free(file);
	return err;
}

/* --- kernel symbols ----------------------------------------------------------------- */

static int resolve_kallsyms(struct eb_object *obj)
{
	char *text = NULL, *p, *end;
	size_t size;
	unsigned int i;
	int err;

	err = eb_read_file("/proc/kallsyms", (void **)&text, &size);
	if (err) {
		obj_warn(obj, "load", "/proc/kallsyms: cannot read it: %s", strerror(-err));
		return err;
	}
	for (p = text; p && *p; p = end ? end + 1 : NULL) {
		unsigned long long addr;
		char type, *name;
		int n = 0;

		end = strchr(p, '\n');
		if (end)
			*end = '\0';
		if (sscanf(p, "%llx %c %n", &addr, &type, &n) < 2 || !n)
			continue;
		name = p + n;
		name[strcspn(name, " \t")] = '\0';
		for (i = 0; i < obj->extern_cnt; i++) {
			struct eb_obj_extern *e = &obj->externs[i];

			if (e->kind == EB_EXT_KSYM && !e->typed && !e->resolved &&
			    !strcmp(e->name, name)) {
				e->value = addr;
				e->resolved = true;
			}
		}
	}
	free(text);
	return 0;
}

static int resolve_btf_sym(struct eb_object *obj, struct eb_obj_extern *e)
{
	struct eb_btf *kbtf;
	const struct btf_type *t;
	int err, id, ok;

	err = obj_kernel_btf(obj, e->name, &kbtf);
	if (err)
		return err;
	id = eb_btf_find_by_name_kind(kbtf, e->name,
				      e->kind == EB_EXT_KFUNC ? BTF_KIND_FUNC : BTF_KIND_VAR);
	if (id <= 0) {
		if (e->weak)
			return 0;
		obj_warn(obj, "load", "extern '%s': no %s of that name in the kernel's BTF",
			 e->name, e->kind == EB_EXT_KFUNC ? "kfunc" : "variable");
		return -ESRCH;
	}
	t = eb_btf_type_by_id(kbtf, (uint32_t)id);
	ok = eb_core_types_compat(obj->btf, e->type_id, kbtf, t->type);
	if (ok <= 0) {
		struct eb_strbuf a = EB_STRBUF_INIT, b = EB_STRBUF_INIT;

		eb_btf_type_str(obj->btf, e->type_id, &a);
		eb_btf_type_str(kbtf, t->type, &b);
		obj_warn(obj, "load", "extern '%s': declared as '%s', the kernel's is '%s'",
			 e->name, a.buf, b.buf);
		eb_strbuf_release(&a);
		eb_strbuf_release(&b);
		return -EINVAL;
	}
	e->target_btf_id = (uint32_t)id;
	e->resolved = true;
	return 0;
}

int obj_resolve_externs(struct eb_object *obj)
{
	bool need_kallsyms = false;
	unsigned int i;
	int err;

	if (obj->kconfig_map >= 0) {
		err = resolve_kconfig(obj);
		if (err)
			return err;
	}
	for (i = 0; i < obj->extern_cnt; i++) {
		struct eb_obj_extern *e = &obj->externs[i];

		if (e->kind == EB_EXT_KCONFIG)
			continue;
		e->resolved = false;
		e->value = 0;
		e->target_btf_id = 0;
		if (e->kind == EB_EXT_KSYM && !e->typed) {
			need_kallsyms = true;
			continue;
		}
		err = resolve_btf_sym(obj, e);
		if (err)
			return err;
	}
	if (!need_kallsyms)
		return 0;
	err = resolve_kallsyms(obj);
	if (err)
		return err;
	for (i = 0; i < obj->extern_cnt; i++) {
		struct eb_obj_extern *e = &obj->externs[i];

		if (e->kind == EB_EXT_KSYM && !e->typed && !e->resolved && !e->weak) {
			obj_warn(obj, "load", "extern '%s': not in /proc/kallsyms", e->name);
			return -ESRCH;
		}
	}
	return 0;
}
