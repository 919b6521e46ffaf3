/* SPDX-License-Identifier: MIT */
/*
 * struct_ops.c - .struct_ops and .struct_ops.link: kernel structs of
 * function pointers implemented by BPF programs (tcp_congestion_ops,
 * sched_ext_ops, ...).  The rules are in object.h at eb_obj_map.
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


#define ST_OPS_VALUE_PREFIX	"bpf_struct_ops_"

static bool is_st_ops_sec(const char *name)
{
	return !strcmp(name, ".struct_ops") || !strcmp(name, ".struct_ops.link");
}

/* The local struct type of a struct_ops map. */
static const struct btf_type *local_struct(const struct eb_object *obj,
					   const struct eb_obj_map *m, uint32_t *id)
{
	int vid = eb_btf_find_by_name_kind(obj->btf, m->name, BTF_KIND_VAR);
	int sid;

	if (vid <= 0)
		return NULL;
	sid = eb_btf_skip_mods(obj->btf, eb_btf_type_by_id(obj->btf, (uint32_t)vid)->type);
	if (sid <= 0)
		return NULL;
	*id = (uint32_t)sid;
	return eb_btf_type_by_id(obj->btf, (uint32_t)sid);
}

static int add_slot(struct eb_obj_map *m, uint32_t member, const char *prog)
{
	struct eb_map_slot *s = (struct eb_map_slot *)m->init_slots;

	s = eb_reallocarray(s, m->init_slot_cnt + 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	m->init_slots = s;
	s[m->init_slot_cnt].index = member;
	s[m->init_slot_cnt].sym_name = prog;
	m->init_slot_cnt++;
	m->init_slot_cap = m->init_slot_cnt;
	return 0;
}

/* One relocation of .rel.struct_ops: a function pointer member. */
static int st_ops_relo(struct eb_object *obj, const struct eb_section *rs,
		       const struct eb_section *ss, const Elf64_Rel *r)
{
	const struct eb_elf_sym *sym;
	const struct btf_type *st;
	struct eb_obj_map *m = NULL;
	struct eb_prog *p;
	uint32_t sid, moff;
	unsigned int i;
	int fi;
	uint16_t k;

	if (ELF64_R_SYM(r->r_info) >= obj->sym_cnt) {
		obj_warn(obj, "elf", "section '%s': bad symbol index %llu", rs->name,
			 (unsigned long long)ELF64_R_SYM(r->r_info));
		return -EINVAL;
	}
	sym = &obj->syms[ELF64_R_SYM(r->r_info)];
	for (i = 0; i < obj->map_cnt && !m; i++) {
		struct eb_obj_map *c = &obj->maps[i];

		if (c->origin == EB_MAP_STRUCT_OPS && c->sec_idx == ss->idx &&
		    r->r_offset >= c->sec_off && r->r_offset - c->sec_off < c->def_size)
			m = c;
	}
	if (!m) {
		obj_warn(obj, "elf", "section '%s': relocation against '%s' at %llu is outside every struct_ops variable",
			 rs->name, sym->name, (unsigned long long)r->r_offset);
		return -EINVAL;
	}
	moff = (uint32_t)(r->r_offset - m->sec_off);
	st = local_struct(obj, m, &sid);
	for (k = 0; st && k < eb_btf_vlen(st); k++)
		if (eb_btf_member_bit_offset(st, k) == moff * 8)
			break;
	if (!st || k >= eb_btf_vlen(st)) {
		obj_warn(obj, "elf", "struct_ops '%s': relocation against '%s' at byte %u is not on a member",
			 m->name, sym->name, moff);
		return -EINVAL;
	}
	fi = sym->shndx < obj->sec_cnt && obj->secs[sym->shndx].kind == EB_SEC_PROG &&
	     !(sym->value % EB_INSN_SZ) ?
	     obj_func_at(obj, sym->shndx, sym->value / EB_INSN_SZ) : -1;
	p = fi >= 0 ? &obj->funcs[fi] : NULL;
	if (!p || p->is_subprog || p->type != BPF_PROG_TYPE_STRUCT_OPS) {
		obj_warn(obj, "elf", "struct_ops '%s': member %u points at '%s', which is not a program in a struct_ops section",
			 m->name, k, sym->name);
		return -EINVAL;
	}
	if (p->st_ops_map >= 0 && (p->st_ops_map != (int)(m - obj->maps) ||
				   p->st_ops_member != k)) {
		obj_warn(obj, "elf", "program '%s' is used by two struct_ops members; one program serves one member",
			 p->name);
		return -EINVAL;
	}
	p->st_ops_map = (int)(m - obj->maps);
	p->st_ops_member = k;
	return add_slot(m, k, p->name);
}

static int collect_sec(struct eb_object *obj, unsigned int si)
{
	const struct eb_section *sec = &obj->secs[si];
	const struct btf_type *ds;
	struct eb_obj_map *maps;
	unsigned int i;
	uint16_t vlen;
	int id, err;

	if (!obj->btf) {
		obj_warn(obj, "elf", "section '%s': needs BTF, the object has none", sec->name);
		return -EINVAL;
	}
	id = eb_btf_find_by_name_kind(obj->btf, sec->name, BTF_KIND_DATASEC);
	if (id <= 0) {
		obj_warn(obj, "elf", "section '%s': no DATASEC of that name in BTF", sec->name);
		return -EINVAL;
	}
	ds = eb_btf_type_by_id(obj->btf, (uint32_t)id);
	vlen = eb_btf_vlen(ds);
	maps = eb_reallocarray(obj->maps, obj->map_cnt + vlen + 1u, sizeof(*maps));
	if (!maps)
		return -ENOMEM;
	obj->maps = maps;
	for (i = 0; i < vlen; i++) {
		const struct btf_var_secinfo *si_ = &eb_btf_secinfos(ds)[i];
		struct eb_obj_map *m = &obj->maps[obj->map_cnt];
		const struct btf_type *st;
		const char *tname;
		uint32_t sid;

		memset(m, 0, sizeof(*m));
		m->fd = -1;
		m->origin = EB_MAP_STRUCT_OPS;
		m->name = eb_btf_name(obj->btf, si_->type);
		m->sec_name = sec->name;
		m->sec_idx = sec->idx;
		m->sec_off = si_->offset;
		m->def_size = si_->size;
		if (!m->name || !m->name[0]) {
			obj_warn(obj, "elf", "section '%s': entry %u has no name", sec->name, i);
			return -EINVAL;
		}
		obj->map_cnt++;
		m->kname = obj_kernel_name(m->name);
		if (!m->kname)
			return -ENOMEM;
		st = local_struct(obj, m, &sid);
		tname = st ? eb_btf_name(obj->btf, sid) : NULL;
		if (!st || eb_btf_kind(st) != BTF_KIND_STRUCT || !tname || !tname[0]) {
			obj_warn(obj, "elf", "struct_ops '%s' is not a variable of a named struct type",
				 m->name);
			return -EINVAL;
		}
		if ((uint64_t)si_->offset + si_->size > sec->size || si_->size < st->size ||
		    !obj->sdata[si].buf) {
			obj_warn(obj, "elf", "struct_ops '%s' at %u+%u is past the end of section '%s' (%llu)",
				 m->name, si_->offset, si_->size, sec->name,
				 (unsigned long long)sec->size);
			return -EINVAL;
		}
		m->priv_buf = strndup(tname, eb_core_essential_len(tname));
		if (!m->priv_buf)
			return -ENOMEM;
		m->st_ops_tname = m->priv_buf;
		m->type = BPF_MAP_TYPE_STRUCT_OPS;
		m->key_size = 4;
		m->max_entries = 1;
		if (!strcmp(sec->name, ".struct_ops.link"))
			m->map_flags = BPF_F_LINK;
	}
	/* the function pointers: .rel.struct_ops[.link] */
	for (i = 1; i < obj->sec_cnt; i++) {
		const struct eb_section *rs = &obj->secs[i];
		const struct obj_sec_data *d = &obj->sdata[i];
		size_t j;

		if (rs->type != SHT_REL || rs->relo_for != (int)si)
			continue;
		if (d->size % sizeof(Elf64_Rel)) {
			obj_warn(obj, "elf", "section '%s': size %zu is not a multiple of %zu",
				 rs->name, d->size, sizeof(Elf64_Rel));
			return -EINVAL;
		}
		for (j = 0; j < d->size / sizeof(Elf64_Rel); j++) {
			Elf64_Rel r;

			memcpy(&r, (const char *)d->buf + j * sizeof(r), sizeof(r));
			err = st_ops_relo(obj, rs, sec, &r);
			if (err)
				return err;
		}
	}
	return 0;
}

int obj_collect_struct_ops(struct eb_object *obj)
{
	unsigned int i;
	int err;

	for (i = 1; i < obj->sec_cnt; i++) {
		if (obj->secs[i].type != SHT_PROGBITS || !is_st_ops_sec(obj->secs[i].name))
			continue;
		err = collect_sec(obj, i);
		if (err)
			return err;
	}
	return 0;
}

/* --- at load ------------------------------------------------------------------- */

/* Member `name` of the kernel struct kt: index and byte offset. */
static int kmember(const struct eb_btf *kbtf, const struct btf_type *kt, const char *name,
		   uint32_t *idx, uint32_t *off)
{
	uint16_t i;

	for (i = 0; i < eb_btf_vlen(kt); i++) {
		const char *n = eb_btf_str(kbtf, eb_btf_members(kt)[i].name_off);

		if (n && !strcmp(n, name)) {
			*idx = i;
			*off = eb_btf_member_bit_offset(kt, i) / 8;
			return 0;
		}
	}
	return -ENOENT;
}

struct st_kernel {
	const struct btf_type *kt;	/* the kernel struct */
	uint32_t kt_id;
	uint32_t data_off;		/* of `data` in bpf_struct_ops_<name> */
};

static int kernel_types(struct eb_object *obj, struct eb_obj_map *m, struct eb_btf *kbtf,
			struct st_kernel *k)
{
	struct eb_strbuf vname = EB_STRBUF_INIT;
	const struct btf_type *vt;
	uint32_t didx;
	int id, vid;

	id = eb_btf_find_by_name_kind(kbtf, m->st_ops_tname, BTF_KIND_STRUCT);
	eb_strbuf_addf(&vname, ST_OPS_VALUE_PREFIX "%s", m->st_ops_tname);
	if (eb_strbuf_error(&vname))
		return -ENOMEM;
	vid = eb_btf_find_by_name_kind(kbtf, vname.buf, BTF_KIND_STRUCT);
	if (id <= 0 || vid <= 0) {
		obj_warn(obj, "load", "struct_ops '%s': the kernel has no struct_ops type '%s' (no %s in its BTF)",
			 m->name, m->st_ops_tname, id <= 0 ? m->st_ops_tname : vname.buf);
		eb_strbuf_release(&vname);
		return -ENOTSUP;
	}
	eb_strbuf_release(&vname);
	vt = eb_btf_type_by_id(kbtf, (uint32_t)vid);
	if (kmember(kbtf, vt, "data", &didx, &k->data_off)) {
		obj_warn(obj, "load", "struct_ops '%s': the kernel's " ST_OPS_VALUE_PREFIX "%s has no 'data'",
			 m->name, m->st_ops_tname);
		return -EINVAL;
	}
	k->kt_id = (uint32_t)id;
	k->kt = eb_btf_type_by_id(kbtf, (uint32_t)id);
	m->btf_vmlinux_value_type_id = (uint32_t)vid;
	m->value_size = vt->size;
	return 0;
}

static bool is_func_ptr(const struct eb_btf *btf, uint32_t id)
{
	const struct btf_type *t;
	int r = eb_btf_skip_mods(btf, id);

	t = r > 0 ? eb_btf_type_by_id(btf, (uint32_t)r) : NULL;
	if (!t || eb_btf_kind(t) != BTF_KIND_PTR)
		return false;
	r = eb_btf_skip_mods(btf, t->type);
	t = r > 0 ? eb_btf_type_by_id(btf, (uint32_t)r) : NULL;
	return t && eb_btf_kind(t) == BTF_KIND_FUNC_PROTO;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Kernel types, the value's data members, and the programs' attach ids. */
static int prepare_map(struct eb_object *obj, struct eb_obj_map *m, struct eb_btf *kbtf)
{
	const uint8_t *data = (const uint8_t *)obj->sdata[m->sec_idx].buf + m->sec_off;
	const struct btf_type *st;
	struct st_kernel k;
	uint8_t *val;
	uint32_t sid, j;
	uint16_t i;
	int err;

	err = kernel_types(obj, m, kbtf, &k);
	if (err)
		return err;
	st = local_struct(obj, m, &sid);
	val = calloc(1, m->value_size);
	if (!val)
		return -ENOMEM;
	free((void *)m->init_data);	/* struct_ops maps own it */
	m->init_data = NULL;
	for (i = 0; i < eb_btf_vlen(st); i++) {
		const struct btf_member *mb = &eb_btf_members(st)[i];
		const char *name = eb_btf_str(obj->btf, mb->name_off);
		uint32_t loff = eb_btf_member_bit_offset(st, i) / 8, kidx, koff;
		int64_t lsz = eb_btf_resolve_size(obj->btf, mb->type), ksz;
		bool fptr = is_func_ptr(obj->btf, mb->type);

		if (!name || !name[0] || lsz < 0 || loff + (uint64_t)lsz > st->size)
			continue;
		if (kmember(kbtf, k.kt, name, &kidx, &koff)) {
			if (fptr ? false : all_zero(data + loff, (size_t)lsz))
				continue;
			for (j = 0; fptr && j < m->init_slot_cnt; j++)
				if (m->init_slots[j].index == i)
					break;
			if (fptr && j == m->init_slot_cnt)
				continue;	/* a NULL pointer the kernel lacks */
			obj_warn(obj, "load", "struct_ops '%s': the kernel's %s has no member '%s'",
				 m->name, m->st_ops_tname, name);
			free(val);
			return -ENOTSUP;
		}
		ksz = eb_btf_resolve_size(kbtf, eb_btf_members(k.kt)[kidx].type);
		if (fptr) {
			for (j = 0; j < m->init_slot_cnt; j++) {
				struct eb_prog *p;

				if (m->init_slots[j].index != i)
					continue;
				p = eb_object_find_prog(obj, m->init_slots[j].sym_name);
				if (p) {
					p->attach_btf_id = k.kt_id;
					p->expected_attach_type = kidx;
				}
			}
			continue;
		}
		if (ksz != lsz || k.data_off + (uint64_t)koff + (uint64_t)ksz > m->value_size) {
			obj_warn(obj, "load", "struct_ops '%s': member '%s' has %lld bytes here and %lld in the kernel",
				 m->name, name, (long long)lsz, (long long)ksz);
			free(val);
			return -EINVAL;
		}
		memcpy(val + k.data_off + koff, data + loff, (size_t)lsz);
	}
	m->init_data = val;
	return 0;
}

int obj_prepare_struct_ops(struct eb_object *obj)
{
	struct eb_btf *kbtf = NULL;
	unsigned int i;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		struct eb_obj_map *m = &obj->maps[i];

		if (m->origin != EB_MAP_STRUCT_OPS)
			continue;
		if (!kbtf) {
			err = obj_kernel_btf(obj, "struct_ops", &kbtf);
			if (err)
				return err;
		}
		err = prepare_map(obj, m, kbtf);
		if (err)
			return err;
	}
	return 0;
}

int obj_fill_struct_ops(struct eb_object *obj)
{
	struct eb_btf *kbtf = NULL;
	unsigned int i;
	uint32_t j;
	int err;

	for (i = 0; i < obj->map_cnt; i++) {
		struct eb_obj_map *m = &obj->maps[i];
		struct st_kernel k;

		if (m->origin != EB_MAP_STRUCT_OPS || !m->init_data)
			continue;
		err = obj_kernel_btf(obj, "struct_ops", &kbtf);
		if (!err)
			err = kernel_types(obj, m, kbtf, &k);
		if (err)
			return err;
		for (j = 0; j < m->init_slot_cnt; j++) {
			const struct eb_prog *p = eb_object_find_prog(obj, m->init_slots[j].sym_name);
			uint64_t fd;

			if (!p || p->fd < 0) {
				obj_warn(obj, "load", "struct_ops '%s': program '%s' is not loaded",
					 m->name, m->init_slots[j].sym_name);
				return -EINVAL;
			}
			fd = (uint64_t)p->fd;
			memcpy((uint8_t *)m->init_data + k.data_off +
			       eb_btf_member_bit_offset(k.kt, p->expected_attach_type) / 8,
			       &fd, sizeof(fd));
		}
	}
	return 0;
}
