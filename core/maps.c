/* SPDX-License-Identifier: MIT */
/*
 * maps.c - map definitions: BTF-defined `.maps`, legacy `maps` records
 * (struct bpf_map_def) and global data sections.  Parsing only; creation
 * is in load.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "log.h"
#include "obj_priv.h"
#include "util.h"

const char *eb_map_origin_str(enum eb_map_origin origin)
{
	switch (origin) {
	case EB_MAP_BTF:
		return "btf";
	case EB_MAP_LEGACY:
		return "legacy";
	case EB_MAP_DATA:
		return "data";
	case EB_MAP_INNER:
		return "inner";
	case EB_MAP_STRUCT_OPS:
		return "struct_ops";
	}
	return "?";
}

void obj_free_map(struct eb_obj_map *map)
{
	if (map->inner) {
		struct eb_obj_map *inner = (struct eb_obj_map *)map->inner;

		obj_free_map(inner);
		free(inner);
		map->inner = NULL;
	}
	if (map->origin == EB_MAP_INNER)
		free((void *)map->name);
	free((void *)map->kname);
	free((void *)map->init_slots);
	eb_zfree(&map->priv_buf);
	if (map->origin == EB_MAP_STRUCT_OPS)
		eb_zfree((void **)&map->init_data);
	map->kname = NULL;
	map->init_slots = NULL;
}

static void map_init(struct eb_obj_map *m)
{
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

/* --- BTF-defined maps --------------------------------------------------- */

/* __uint(name, val): a pointer to an array of val elements; __ulong: an
 * enum whose one value is val. */
static int btf_get_uint(struct eb_object *obj, const char *map, const char *attr,
			uint32_t type_id, uint64_t *val)
{
	const struct eb_btf *btf = obj->btf;
	const struct btf_type *t;
	int id = eb_btf_skip_mods(btf, type_id);

	t = id > 0 ? eb_btf_type_by_id(btf, (uint32_t)id) : NULL;
	if (t && eb_btf_kind(t) == BTF_KIND_PTR) {
		id = eb_btf_skip_mods(btf, t->type);
		t = id > 0 ? eb_btf_type_by_id(btf, (uint32_t)id) : NULL;
		if (t && eb_btf_kind(t) == BTF_KIND_ARRAY) {
			*val = eb_btf_array(t)->nelems;
			return 0;
		}
	} else if (t && eb_btf_kind(t) == BTF_KIND_ENUM && eb_btf_vlen(t) == 1) {
		*val = (uint32_t)eb_btf_enums(t)[0].val;
		return 0;
	} else if (t && eb_btf_kind(t) == BTF_KIND_ENUM64 && eb_btf_vlen(t) == 1) {
		*val = (uint64_t)eb_btf_enums64(t)[0].val_hi32 << 32 | eb_btf_enums64(t)[0].val_lo32;
		return 0;
	}
	obj_warn(obj, "elf", "section '.maps': map '%s': attribute '%s' is not __uint()",
		 map, attr);
	return -EINVAL;
}

/* __type(name, T): a pointer to T.  Returns T's id and size. */
static int btf_get_type(struct eb_object *obj, const char *map, const char *attr,
			uint32_t type_id, uint32_t *id_out, uint32_t *size_out)
{
	const struct btf_type *t;
	int64_t size;
	int id = eb_btf_skip_mods(obj->btf, type_id);

	t = id > 0 ? eb_btf_type_by_id(obj->btf, (uint32_t)id) : NULL;
	if (!t || eb_btf_kind(t) != BTF_KIND_PTR) {
		obj_warn(obj, "elf", "section '.maps': map '%s': attribute '%s' is not __type()",
			 map, attr);
		return -EINVAL;
	}
	size = eb_btf_resolve_size(obj->btf, t->type);
	if (size < 0 || size > UINT32_MAX) {
		obj_warn(obj, "elf", "section '.maps': map '%s': %s type %u has no size",
			 map, attr, t->type);
		return -EINVAL;
	}
	*id_out = t->type;
	*size_out = (uint32_t)size;
	return 0;
}

static int set_size(struct eb_object *obj, const char *map, const char *what,
		    uint32_t *field, uint32_t val)
{
	if (*field && *field != val) {
		obj_warn(obj, "elf", "section '.maps': map '%s': %s %u conflicts with %u",
			 map, what, val, *field);
		return -EINVAL;
	}
	*field = val;
	return 0;
}

static bool is_map_in_map(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

static int parse_btf_def(struct eb_object *obj, struct eb_obj_map *m, uint32_t struct_id,
			 bool inner);

/* `values`: __array(values, T): an array of pointers to T. */
static int parse_values(struct eb_object *obj, struct eb_obj_map *m, uint32_t type_id,
			bool inner)
{
	const struct btf_type *t;
	struct eb_obj_map *im;
	int id, err;

	id = eb_btf_skip_mods(obj->btf, type_id);
	t = id > 0 ? eb_btf_type_by_id(obj->btf, (uint32_t)id) : NULL;
	if (t && eb_btf_kind(t) == BTF_KIND_ARRAY) {
		id = eb_btf_skip_mods(obj->btf, eb_btf_array(t)->type);
		t = id > 0 ? eb_btf_type_by_id(obj->btf, (uint32_t)id) : NULL;
		if (t && eb_btf_kind(t) == BTF_KIND_PTR) {
			id = eb_btf_skip_mods(obj->btf, t->type);
			t = id > 0 ? eb_btf_type_by_id(obj->btf, (uint32_t)id) : NULL;
		} else {
			t = NULL;
		}
	} else {
		t = NULL;
	}
	if (!t) {
		obj_warn(obj, "elf", "section '.maps': map '%s': 'values' is not __array()", m->name);
		return -EINVAL;
	}
	if (m->type == BPF_MAP_TYPE_PROG_ARRAY) {
		if (eb_btf_kind(t) != BTF_KIND_FUNC_PROTO) {
			obj_warn(obj, "elf", "section '.maps': map '%s': prog array 'values' must be functions",
				 m->name);
			return -EINVAL;
		}
		return set_size(obj, m->name, "value_size", &m->value_size, 4);
	}
	if (!is_map_in_map(m->type) || inner || eb_btf_kind(t) != BTF_KIND_STRUCT) {
		obj_warn(obj, "elf", "section '.maps': map '%s': 'values' needs a map-in-map or prog array%s",
			 m->name, inner ? " (no nesting)" : "");
		return -EINVAL;
	}
	err = set_size(obj, m->name, "value_size", &m->value_size, 4);
	if (err)
		return err;
	im = calloc(1, sizeof(*im));
	if (!im)
		return -ENOMEM;
	map_init(im);
	im->origin = EB_MAP_INNER;
	im->sec_name = m->sec_name;
	im->sec_idx = m->sec_idx;
	im->sec_off = m->sec_off;
	m->inner = im;
	im->name = malloc(strlen(m->name) + sizeof(".inner"));
	if (!im->name)
		return -ENOMEM;
	strcpy((char *)im->name, m->name);
	strcat((char *)im->name, ".inner");
	im->kname = obj_kernel_name(im->name);
	if (!im->kname)
		return -ENOMEM;
	return parse_btf_def(obj, im, (uint32_t)id, true);
}

static int parse_btf_def(struct eb_object *obj, struct eb_obj_map *m, uint32_t struct_id,
			 bool inner)
{
	const struct btf_type *st = eb_btf_type_by_id(obj->btf, struct_id);
	uint32_t values_type = 0, i, vlen;
	bool has_values = false;
	uint64_t v;
	int err;

	if (!st || eb_btf_kind(st) != BTF_KIND_STRUCT) {
		obj_warn(obj, "elf", "section '.maps': map '%s' is not a struct", m->name);
		return -EINVAL;
	}
	vlen = eb_btf_vlen(st);
	for (i = 0; i < vlen; i++) {
		const struct btf_member *mb = &eb_btf_members(st)[i];
		const char *a = eb_btf_str(obj->btf, mb->name_off);
		uint32_t id, size;

		if (!a) {
			obj_warn(obj, "elf", "section '.maps': map '%s': member %u has a bad name",
				 m->name, i);
			return -EINVAL;
		}
		if (!strcmp(a, "key") || !strcmp(a, "value")) {
			bool key = a[0] == 'k';

			err = btf_get_type(obj, m->name, a, mb->type, &id, &size);
			if (!err)
				err = set_size(obj, m->name, key ? "key_size" : "value_size",
					       key ? &m->key_size : &m->value_size, size);
			if (err)
				return err;
			if (key)
				m->btf_key_type_id = id;
			else
				m->btf_value_type_id = id;
			continue;
		}
		if (!strcmp(a, "values")) {
			has_values = true;
			values_type = mb->type;
			m->values_off = eb_btf_member_bit_offset(st, i) / 8;
			continue;
		}
		err = btf_get_uint(obj, m->name, a, mb->type, &v);
		if (err)
			return err;
		if (!strcmp(a, "map_extra")) {
			m->map_extra = v;
			continue;
		}
		if (v > UINT32_MAX) {
			obj_warn(obj, "elf", "section '.maps': map '%s': %s %llu is too large",
				 m->name, a, (unsigned long long)v);
			return -EINVAL;
		}
		if (!strcmp(a, "type"))
			m->type = (uint32_t)v;
		else if (!strcmp(a, "max_entries"))
			m->max_entries = (uint32_t)v;
		else if (!strcmp(a, "map_flags"))
			m->map_flags = (uint32_t)v;
		else if (!strcmp(a, "numa_node"))
			m->numa_node = (uint32_t)v;
		else if (!strcmp(a, "pinning"))
			m->pinning = (uint32_t)v;
		else if (!strcmp(a, "key_size"))
			err = set_size(obj, m->name, "key_size", &m->key_size, (uint32_t)v);
		else if (!strcmp(a, "value_size"))
			err = set_size(obj, m->name, "value_size", &m->value_size, (uint32_t)v);
		else {
			obj_warn(obj, "elf", "section '.maps': map '%s': unknown attribute '%s'",
				 m->name, a);
			return -EINVAL;
		}
		if (err)
			return err;
	}
	if (!m->type) {
		obj_warn(obj, "elf", "section '.maps': map '%s' has no type", m->name);
		return -EINVAL;
	}
	if (m->pinning > EB_PIN_BY_NAME) {
		obj_warn(obj, "elf", "section '.maps': map '%s': unsupported pinning %u",
			 m->name, m->pinning);
		return -EINVAL;
	}
	if (has_values)
		return parse_values(obj, m, values_type, inner);
	return 0;
}

static int collect_btf_maps(struct eb_object *obj)
{
	const struct eb_section *sec = &obj->secs[obj->maps_idx];
	const struct btf_type *ds;
	uint32_t i, vlen;
	int id, err;

	if (!obj->btf) {
		obj_warn(obj, "elf", "section '.maps': needs BTF, the object has none");
		return -EINVAL;
	}
	id = eb_btf_find_by_name_kind(obj->btf, ".maps", BTF_KIND_DATASEC);
	if (id < 0) {
		obj_warn(obj, "elf", "section '.maps': no DATASEC '.maps' in BTF");
		return -EINVAL;
	}
	ds = eb_btf_type_by_id(obj->btf, (uint32_t)id);
	vlen = eb_btf_vlen(ds);
	obj->maps = eb_calloc(vlen, sizeof(*obj->maps));
	if (!obj->maps)
		return -ENOMEM;
	for (i = 0; i < vlen; i++) {
		const struct btf_var_secinfo *si = &eb_btf_secinfos(ds)[i];
		const struct btf_type *vt = eb_btf_type_by_id(obj->btf, si->type);
		struct eb_obj_map *m = &obj->maps[obj->map_cnt];
		int sid;

		map_init(m);
		m->origin = EB_MAP_BTF;
		m->sec_name = sec->name;
		m->sec_idx = sec->idx;
		m->name = eb_btf_name(obj->btf, si->type);
		if (!vt || eb_btf_kind(vt) != BTF_KIND_VAR || !m->name) {
			obj_warn(obj, "elf", "section '.maps': entry %u is not a variable", i);
			return -EINVAL;
		}
		obj->map_cnt++;
		m->kname = obj_kernel_name(m->name);
		if (!m->kname)
			return -ENOMEM;
		m->sec_off = si->offset;
		m->def_size = si->size;
		if (si->offset > sec->size || sec->size - si->offset < si->size) {
			obj_warn(obj, "elf", "section '.maps': map '%s' at %u+%u is past the section end (%llu)",
				 m->name, si->offset, si->size, (unsigned long long)sec->size);
			return -EINVAL;
		}
		sid = eb_btf_skip_mods(obj->btf, vt->type);
		if (sid <= 0) {
			obj_warn(obj, "elf", "section '.maps': map '%s' has a bad type", m->name);
			return -EINVAL;
		}
		err = parse_btf_def(obj, m, (uint32_t)sid, false);
		if (err)
			return err;
	}
	return 0;
}

/* --- legacy maps ----------------------------------------------------------- */

static int cmp_map_off(const void *a, const void *b)
{
	const struct eb_obj_map *x = a, *y = b;

	return x->sec_off < y->sec_off ? -1 : x->sec_off > y->sec_off;
}

static int collect_legacy_maps(struct eb_object *obj)
{
	const struct eb_section *sec = &obj->secs[obj->legacy_maps_idx];
	const struct obj_sec_data *d = &obj->sdata[sec->idx];
	unsigned int i, n = 0, first = obj->map_cnt;
	struct eb_obj_map *maps;
	uint64_t rec;

	for (i = 0; i < obj->sym_cnt; i++)
		if (obj->syms[i].shndx == sec->idx && obj->syms[i].type != STT_SECTION &&
		    obj->syms[i].name[0])
			n++;
	if (!n) {
		if (sec->size) {
			obj_warn(obj, "elf", "section 'maps': no map symbols");
			return -EINVAL;
		}
		return 0;
	}
	rec = sec->size / n;
	if (sec->size % n || rec < 5 * sizeof(uint32_t) || rec % 4 || !d->buf) {
		obj_warn(obj, "elf", "section 'maps': %llu bytes for %u maps is not a whole number of bpf_map_def records",
			 (unsigned long long)sec->size, n);
		return -EINVAL;
	}
	maps = eb_reallocarray(obj->maps, obj->map_cnt + n, sizeof(*maps));
	if (!maps)
		return -ENOMEM;
	obj->maps = maps;
	for (i = 0; i < obj->sym_cnt; i++) {
		const struct eb_elf_sym *s = &obj->syms[i];
		struct eb_obj_map *m = &obj->maps[obj->map_cnt];
		uint32_t def[5];

		if (s->shndx != sec->idx || s->type == STT_SECTION || !s->name[0])
			continue;
		map_init(m);
		m->origin = EB_MAP_LEGACY;
		m->name = s->name;
		m->sec_name = sec->name;
		m->sec_idx = sec->idx;
		m->def_size = (uint32_t)rec;
		obj->map_cnt++;
		m->kname = obj_kernel_name(m->name);
		if (!m->kname)
			return -ENOMEM;
		if (s->value > sec->size || sec->size - s->value < rec) {
			obj_warn(obj, "elf", "section 'maps': map '%s' record at %llu is past the section end (%llu)",
				 s->name, (unsigned long long)s->value,
				 (unsigned long long)sec->size);
			return -EINVAL;
		}
		if (s->value % rec) {
			obj_warn(obj, "elf", "section 'maps': map '%s' record at %llu is not a multiple of the record size %llu",
				 s->name, (unsigned long long)s->value, (unsigned long long)rec);
			return -EINVAL;
		}
		m->sec_off = (uint32_t)s->value;
		memcpy(def, (const char *)d->buf + s->value, sizeof(def));
		m->type = def[0];
		m->key_size = def[1];
		m->value_size = def[2];
		m->max_entries = def[3];
		m->map_flags = def[4];
		if (!m->type) {
			obj_warn(obj, "elf", "section 'maps': map '%s' has no type", s->name);
			return -EINVAL;
		}
	}
	qsort(obj->maps + first, n, sizeof(*obj->maps), cmp_map_off);
	for (i = first + 1; i < obj->map_cnt; i++)
		if (obj->maps[i].sec_off == obj->maps[i - 1].sec_off) {
			obj_warn(obj, "elf", "section 'maps': maps '%s' and '%s' share offset %u",
				 obj->maps[i - 1].name, obj->maps[i].name, obj->maps[i].sec_off);
			return -EINVAL;
		}
	return 0;
}

/* --- global data ------------------------------------------------------------ */

static int collect_data_maps(struct eb_object *obj)
{
	unsigned int i, n = 0;
	struct eb_obj_map *maps;

	for (i = 0; i < obj->sec_cnt; i++)
		if (obj->secs[i].kind == EB_SEC_DATA && obj->secs[i].size)
			n++;
	if (!n)
		return 0;
	maps = eb_reallocarray(obj->maps, obj->map_cnt + n, sizeof(*maps));
	if (!maps)
		return -ENOMEM;
	obj->maps = maps;
	for (i = 0; i < obj->sec_cnt; i++) {
		struct eb_section *sec = &obj->secs[i];
		struct eb_obj_map *m = &obj->maps[obj->map_cnt];
		int id;

		if (sec->kind != EB_SEC_DATA || !sec->size)
			continue;
		if (sec->size > UINT32_MAX / 2) {
			obj_warn(obj, "elf", "section '%s': %llu bytes is too large for a map",
				 sec->name, (unsigned long long)sec->size);
			return -EINVAL;
		}
		map_init(m);
		m->origin = EB_MAP_DATA;
		m->name = sec->name;
		m->sec_name = sec->name;
		m->sec_idx = sec->idx;
		m->def_size = (uint32_t)sec->size;
		sec->map_idx = (int)obj->map_cnt;
		obj->map_cnt++;
		m->kname = obj_data_map_name(obj->obj_name, sec->name);
		if (!m->kname)
			return -ENOMEM;
		m->type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->value_size = (uint32_t)sec->size;
		m->max_entries = 1;
		m->map_flags = BPF_F_MMAPABLE;
		if (!strncmp(sec->name, ".rodata", 7)) {
			m->map_flags |= BPF_F_RDONLY_PROG;
			m->frozen = true;
		}
		m->init_data = obj->sdata[i].buf;
		if (obj->btf) {
			id = eb_btf_find_by_name_kind(obj->btf, sec->name, BTF_KIND_DATASEC);
			if (id > 0)
				m->btf_value_type_id = (uint32_t)id;
		}
	}
	return 0;
}

int obj_collect_maps(struct eb_object *obj)
{
	int err;

	if (obj->maps_idx >= 0) {
		err = collect_btf_maps(obj);
		if (err)
			return err;
	}
	if (obj->legacy_maps_idx >= 0) {
		err = collect_legacy_maps(obj);
		if (err)
			return err;
	}
	return collect_data_maps(obj);
}

int obj_find_map_by_sym(const struct eb_object *obj, unsigned int shndx, uint64_t off)
{
	unsigned int i;

	for (i = 0; i < obj->map_cnt; i++) {
		const struct eb_obj_map *m = &obj->maps[i];

		if (m->sec_idx != shndx)
			continue;
		if (m->origin == EB_MAP_DATA || m->sec_off == off)
			return (int)i;
	}
	return -1;
}

/* --- `values` slots from .rel.maps ----------------------------------------------- */

static int add_slot(struct eb_obj_map *m, uint32_t index, const char *sym)
{
	struct eb_map_slot *s = (struct eb_map_slot *)m->init_slots;

	if (m->init_slot_cnt == m->init_slot_cap) {
		uint32_t cap = m->init_slot_cap ? m->init_slot_cap * 2 : 4;

		s = eb_reallocarray(s, cap, sizeof(*s));
		if (!s)
			return -ENOMEM;
		m->init_slot_cap = cap;
		m->init_slots = s;
	}
	s[m->init_slot_cnt].index = index;
	s[m->init_slot_cnt].sym_name = sym;
	m->init_slot_cnt++;
	return 0;
}

int obj_collect_map_slots(struct eb_object *obj, unsigned int relsec)
{
	const struct eb_section *rs = &obj->secs[relsec];
	const struct obj_sec_data *d = &obj->sdata[relsec];
	size_t i, n = d->size / sizeof(Elf64_Rel);

	if (d->size % sizeof(Elf64_Rel)) {
		obj_warn(obj, "elf", "section '%s': size %zu is not a multiple of %zu",
			 rs->name, d->size, sizeof(Elf64_Rel));
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		Elf64_Rel r;
		const struct eb_elf_sym *sym;
		struct eb_obj_map *m = NULL;
		unsigned int j;
		uint64_t rel;
		int err;

		memcpy(&r, (const char *)d->buf + i * sizeof(r), sizeof(r));
		if (ELF64_R_SYM(r.r_info) >= obj->sym_cnt) {
			obj_warn(obj, "elf", "section '%s': relocation %zu: bad symbol index %llu",
				 rs->name, i, (unsigned long long)ELF64_R_SYM(r.r_info));
			return -EINVAL;
		}
		sym = &obj->syms[ELF64_R_SYM(r.r_info)];
		for (j = 0; j < obj->map_cnt; j++) {
			struct eb_obj_map *c = &obj->maps[j];

			if (c->origin == EB_MAP_BTF && r.r_offset >= c->sec_off &&
			    r.r_offset - c->sec_off < c->def_size) {
				m = c;
				break;
			}
		}
		if (!m || !m->values_off || r.r_offset < m->sec_off + m->values_off ||
		    (r.r_offset - m->sec_off - m->values_off) % 8) {
			obj_warn(obj, "elf", "section '%s': relocation against '%s' at offset %llu is not in a map's 'values'",
				 rs->name, sym->name, (unsigned long long)r.r_offset);
			return -EINVAL;
		}
		rel = (r.r_offset - m->sec_off - m->values_off) / 8;
		err = add_slot(m, (uint32_t)rel, sym->name);
		if (err)
			return err;
	}
	return 0;
}
