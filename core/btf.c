// SPDX-License-Identifier: MIT
/*
 * btf.c - BTF parsing, validation, lookups and fixups (see btf.h).
 *
 * The input is copied into one canonical buffer laid out exactly as
 * BPF_BTF_LOAD wants it: a 24-byte header (hdr_len 24, type_off 0,
 * str_off = type_len), the type section, the string section.  The type
 * section therefore starts 4-byte aligned whatever the input alignment was,
 * and every record can be read through struct pointers.
 *
 * Nothing here recurses without a bound: walks over modifier chains stop
 * after EB_BTF_MAX_CHAIN steps, and walks that fan out (struct alignment,
 * rendering function prototypes) also spend from a fixed work budget.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"

#define BTF_MAGIC_SWAPPED	0x9FEB
#define EB_BTF_MAX_CHAIN	32	/* modifier / array steps per walk */
#define EB_BTF_BUDGET		4096	/* type visits per fan-out walk */
#define EB_BTF_VMLINUX		"/sys/kernel/btf/vmlinux"

/* Name index: chained hash over this BTF's own named types. */
struct eb_btf_index {
	uint32_t mask;
	uint32_t *heads;	/* bucket -> local index + 1, 0: empty */
	uint32_t *next;		/* local index -> next local index + 1 */
};

struct eb_btf {
	void *raw;			/* header + types + strings */
	uint32_t raw_size;
	struct btf_header *hdr;
	uint8_t *types;
	const char *strs;
	uint32_t str_len;
	uint32_t *offs;			/* local index -> offset in types */
	uint32_t nr_types;		/* records owned by this BTF */
	uint32_t start_id;		/* id of offs[0] */
	uint32_t start_str_off;		/* string offsets below are the base's */
	const struct eb_btf *base;
	struct eb_btf_index *index;	/* lazily built, published atomically */
};

static const struct btf_type eb_btf_void;

/* Bytes that follow the common struct btf_type for a record, or -1 for a
 * kind this code does not know. */
static int64_t rec_extra(const struct btf_type *t)
{
	uint64_t vlen = eb_btf_vlen(t);

	switch (eb_btf_kind(t)) {
	case BTF_KIND_INT:
		return sizeof(uint32_t);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64:
		return vlen * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

const char *eb_btf_kind_name(unsigned int kind)
{
	static const char *const names[] = {
		[BTF_KIND_UNKN] = "void", [BTF_KIND_INT] = "int",
		[BTF_KIND_PTR] = "ptr", [BTF_KIND_ARRAY] = "array",
		[BTF_KIND_STRUCT] = "struct", [BTF_KIND_UNION] = "union",
		[BTF_KIND_ENUM] = "enum", [BTF_KIND_FWD] = "fwd",
		[BTF_KIND_TYPEDEF] = "typedef", [BTF_KIND_VOLATILE] = "volatile",
		[BTF_KIND_CONST] = "const", [BTF_KIND_RESTRICT] = "restrict",
		[BTF_KIND_FUNC] = "func", [BTF_KIND_FUNC_PROTO] = "func_proto",
		[BTF_KIND_VAR] = "var", [BTF_KIND_DATASEC] = "datasec",
		[BTF_KIND_FLOAT] = "float", [BTF_KIND_DECL_TAG] = "decl_tag",
		[BTF_KIND_TYPE_TAG] = "type_tag", [BTF_KIND_ENUM64] = "enum64",
	};

	if (kind >= EB_ARRAY_SIZE(names) || !names[kind])
		return "unknown";
	return names[kind];
}

/* --- accessors -------------------------------------------------------- */

uint32_t eb_btf_type_cnt(const struct eb_btf *btf)
{
	return btf->start_id + btf->nr_types;
}

uint32_t eb_btf_start_id(const struct eb_btf *btf)
{
	return btf->start_id;
}

const struct btf_type *eb_btf_type_by_id(const struct eb_btf *btf, uint32_t id)
{
	if (id == 0)
		return &eb_btf_void;
	while (btf && id < btf->start_id)
		btf = btf->base;
	if (!btf || id - btf->start_id >= btf->nr_types)
		return NULL;
	return (const struct btf_type *)(btf->types + btf->offs[id - btf->start_id]);
}

const char *eb_btf_str(const struct eb_btf *btf, uint32_t off)
{
	while (btf && off < btf->start_str_off)
		btf = btf->base;
	if (!btf || off - btf->start_str_off >= btf->str_len)
		return NULL;
	return btf->strs + (off - btf->start_str_off);
}

const char *eb_btf_name(const struct eb_btf *btf, uint32_t id)
{
	const struct btf_type *t = eb_btf_type_by_id(btf, id);

	if (!t)
		return NULL;
	return eb_btf_str(btf, t->name_off);
}

uint32_t eb_btf_member_bit_offset(const struct btf_type *t, uint32_t idx)
{
	uint32_t off;

	if (idx >= eb_btf_vlen(t))
		return 0;
	off = eb_btf_members(t)[idx].offset;
	return eb_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(off) : off;
}

uint32_t eb_btf_member_bitfield_size(const struct btf_type *t, uint32_t idx)
{
	if (idx >= eb_btf_vlen(t) || !eb_btf_kflag(t))
		return 0;
	return BTF_MEMBER_BITFIELD_SIZE(eb_btf_members(t)[idx].offset);
}

int eb_btf_member_bitfield(const struct eb_btf *btf, const struct btf_type *t,
			   uint32_t idx, uint32_t *bit_off, uint32_t *bit_size)
{
	const struct btf_type *mt;
	uint32_t info;
	int id;

	if ((eb_btf_kind(t) != BTF_KIND_STRUCT && eb_btf_kind(t) != BTF_KIND_UNION) ||
	    idx >= eb_btf_vlen(t))
		return -EINVAL;
	*bit_off = eb_btf_member_bit_offset(t, idx);
	*bit_size = eb_btf_member_bitfield_size(t, idx);
	if (eb_btf_kflag(t))
		return 0;
	/* Old encoding: the bitfield lives in the member's INT type. */
	id = eb_btf_skip_mods(btf, eb_btf_members(t)[idx].type);
	if (id < 0)
		return id;
	mt = eb_btf_type_by_id(btf, (uint32_t)id);
	if (!mt || eb_btf_kind(mt) != BTF_KIND_INT)
		return 0;
	info = eb_btf_int_info(mt);
	if (BTF_INT_OFFSET(info) == 0 && BTF_INT_BITS(info) == mt->size * 8)
		return 0;
	*bit_off += BTF_INT_OFFSET(info);
	*bit_size = BTF_INT_BITS(info);
	return 0;
}

/* --- validation ------------------------------------------------------- */

static int check_name(const struct eb_btf *btf, uint32_t id, uint32_t off,
		      const char *what, uint32_t idx)
{
	if (eb_btf_str(btf, off))
		return 0;
	if (what)
		eb_warn("btf", "type id %u: %s %u name_off %u is outside the string section",
			id, what, idx, off);
	else
		eb_warn("btf", "type id %u: name_off %u is outside the string section",
			id, off);
	return -EINVAL;
}

static int check_ref(const struct eb_btf *btf, uint32_t id, uint32_t ref,
		     const char *what)
{
	if (ref < eb_btf_type_cnt(btf))
		return 0;
	eb_warn("btf", "type id %u: %s refers to type id %u, but the last id is %u",
		id, what, ref, eb_btf_type_cnt(btf) - 1);
	return -EINVAL;
}

/* Kind-specific checks of one record whose bytes are known to be in
 * bounds: names, vlen, int encoding, referenced ids. */
static int check_type(const struct eb_btf *btf, uint32_t id, const struct btf_type *t)
{
	uint32_t kind = eb_btf_kind(t), vlen = eb_btf_vlen(t), i;
	int err;

	err = check_name(btf, id, t->name_off, NULL, 0);
	if (err)
		return err;

	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_PTR:
	case BTF_KIND_ARRAY:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_VAR:
	case BTF_KIND_FLOAT:
	case BTF_KIND_DECL_TAG:
	case BTF_KIND_TYPE_TAG:
		if (vlen) {
			eb_warn("btf", "type id %u: %s with vlen %u (must be 0)",
				id, eb_btf_kind_name(kind), vlen);
			return -EINVAL;
		}
		break;
	case BTF_KIND_FUNC:
		if (vlen > BTF_FUNC_EXTERN) {
			eb_warn("btf", "type id %u: func with unknown linkage %u", id, vlen);
			return -EINVAL;
		}
		break;
	}

	switch (kind) {
	case BTF_KIND_INT: {
		uint32_t info = eb_btf_int_info(t);
		uint32_t bits = BTF_INT_BITS(info), off = BTF_INT_OFFSET(info);

		if (t->size == 0 || t->size > 16 || (t->size & (t->size - 1)) ||
		    bits == 0 || bits > 128 || off + bits > t->size * 8) {
			eb_warn("btf", "type id %u: int of size %u with %u bits at offset %u",
				id, t->size, bits, off);
			return -EINVAL;
		}
		break;
	}
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FUNC_PROTO:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
	case BTF_KIND_TYPE_TAG:
		err = check_ref(btf, id, t->type, eb_btf_kind_name(kind));
		if (err)
			return err;
		break;
	case BTF_KIND_ARRAY:
		err = check_ref(btf, id, eb_btf_array(t)->type, "array element");
		if (!err)
			err = check_ref(btf, id, eb_btf_array(t)->index_type, "array index");
		if (err)
			return err;
		break;
	}

	for (i = 0; i < vlen; i++) {
		switch (kind) {
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			err = check_name(btf, id, eb_btf_members(t)[i].name_off, "member", i);
			if (!err)
				err = check_ref(btf, id, eb_btf_members(t)[i].type, "member");
			break;
		case BTF_KIND_ENUM:
			err = check_name(btf, id, eb_btf_enums(t)[i].name_off, "enumerator", i);
			break;
		case BTF_KIND_ENUM64:
			err = check_name(btf, id, eb_btf_enums64(t)[i].name_off, "enumerator", i);
			break;
		case BTF_KIND_FUNC_PROTO:
			err = check_name(btf, id, eb_btf_params(t)[i].name_off, "parameter", i);
			if (!err)
				err = check_ref(btf, id, eb_btf_params(t)[i].type, "parameter");
			break;
		case BTF_KIND_DATASEC:
			err = check_ref(btf, id, eb_btf_secinfos(t)[i].type, "datasec variable");
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

/* Split the type section into records: fills btf->offs / nr_types. */
static int index_types(struct eb_btf *btf)
{
	uint32_t len = btf->hdr->type_len, off = 0, n = 0;
	uint64_t max = (uint64_t)len / sizeof(struct btf_type) + 1;

	btf->offs = eb_calloc(max, sizeof(*btf->offs));
	if (!btf->offs)
		return -ENOMEM;
	while (off < len) {
		const struct btf_type *t = (const struct btf_type *)(btf->types + off);
		uint32_t id = btf->start_id + n;
		int64_t extra;

		if (len - off < sizeof(*t)) {
			eb_warn("btf", "type id %u at offset %u: record header runs past the type section (%u bytes)",
				id, off, len);
			return -EINVAL;
		}
		extra = rec_extra(t);
		if (extra < 0) {
			eb_warn("btf", "type id %u at offset %u: unknown kind %u",
				id, off, eb_btf_kind(t));
			return -EINVAL;
		}
		if ((uint64_t)extra > len - off - sizeof(*t)) {
			eb_warn("btf", "type id %u at offset %u: %s with vlen %u runs past the type section (%u bytes)",
				id, off, eb_btf_kind_name(eb_btf_kind(t)), eb_btf_vlen(t), len);
			return -EINVAL;
		}
		if (id == UINT32_MAX) {
			eb_warn("btf", "too many types at offset %u", off);
			return -EINVAL;
		}
		btf->offs[n++] = off;
		off += sizeof(*t) + (uint32_t)extra;
	}
	btf->nr_types = n;
	return 0;
}

static int parse(const void *data, size_t size, const struct eb_btf *base,
		 struct eb_btf **out)
{
	const uint8_t *p = data;
	struct btf_header h;
	struct eb_btf *btf;
	uint64_t avail, tend, send;
	uint16_t magic;
	uint32_t i;
	int err;

	*out = NULL;
	if (!data || size < sizeof(magic)) {
		eb_warn("btf", "not BTF: %zu bytes is too short for a header", size);
		return -ENOEXEC;
	}
	memcpy(&magic, p, sizeof(magic));
	if (magic == BTF_MAGIC_SWAPPED) {
		eb_warn("btf", "BTF of the other byte order (magic 0x%04x) is not supported",
			magic);
		return -EOPNOTSUPP;
	}
	if (magic != BTF_MAGIC) {
		eb_warn("btf", "not BTF: magic 0x%04x at offset 0, expected 0x%04x",
			magic, BTF_MAGIC);
		return -ENOEXEC;
	}
	if (size < sizeof(h)) {
		eb_warn("btf", "truncated header: %zu bytes, need %zu", size, sizeof(h));
		return -EINVAL;
	}
	memcpy(&h, p, sizeof(h));
	if (h.version != BTF_VERSION) {
		eb_warn("btf", "unsupported version %u at offset 2", h.version);
		return -EINVAL;
	}
	if (h.flags) {
		eb_warn("btf", "unsupported flags 0x%x at offset 3", h.flags);
		return -EINVAL;
	}
	if (h.hdr_len < sizeof(h) || h.hdr_len > size) {
		eb_warn("btf", "hdr_len %u is outside [%zu, %zu]", h.hdr_len, sizeof(h), size);
		return -EINVAL;
	}
	for (i = sizeof(h); i < h.hdr_len; i++) {
		if (p[i]) {
			eb_warn("btf", "unknown non-zero header field at offset %u", i);
			return -EINVAL;
		}
	}
	avail = size - h.hdr_len;
	tend = (uint64_t)h.type_off + h.type_len;
	send = (uint64_t)h.str_off + h.str_len;
	if (tend > avail) {
		eb_warn("btf", "type section [%u, +%u) runs past the end of the data (%" PRIu64 " bytes after the header)",
			h.type_off, h.type_len, avail);
		return -EINVAL;
	}
	if (send > avail) {
		eb_warn("btf", "string section [%u, +%u) runs past the end of the data (%" PRIu64 " bytes after the header)",
			h.str_off, h.str_len, avail);
		return -EINVAL;
	}
	if (h.type_len && h.str_len && h.type_off < send && h.str_off < tend) {
		eb_warn("btf", "type section [%u, +%u) overlaps string section [%u, +%u)",
			h.type_off, h.type_len, h.str_off, h.str_len);
		return -EINVAL;
	}
	if (!base && (h.str_len == 0 || p[h.hdr_len + h.str_off] != '\0')) {
		eb_warn("btf", "string section at offset %u does not start with a NUL",
			h.hdr_len + h.str_off);
		return -EINVAL;
	}
	if (h.str_len && p[h.hdr_len + h.str_off + h.str_len - 1] != '\0') {
		eb_warn("btf", "string section at offset %u does not end with a NUL",
			h.hdr_len + h.str_off);
		return -EINVAL;
	}
	if (sizeof(h) + (uint64_t)h.type_len + h.str_len > UINT32_MAX ||
	    (base && (uint64_t)base->start_str_off + base->str_len + h.str_len > UINT32_MAX)) {
		eb_warn("btf", "BTF of %zu bytes is too large", size);
		return -EINVAL;
	}

	btf = calloc(1, sizeof(*btf));
	if (!btf)
		return -ENOMEM;
	btf->raw_size = sizeof(h) + h.type_len + h.str_len;
	btf->raw = malloc(btf->raw_size);
	if (!btf->raw) {
		err = -ENOMEM;
		goto fail;
	}
	btf->hdr = btf->raw;
	*btf->hdr = h;
	btf->hdr->hdr_len = sizeof(h);
	btf->hdr->type_off = 0;
	btf->hdr->str_off = h.type_len;
	btf->types = (uint8_t *)btf->raw + sizeof(h);
	memcpy(btf->types, p + h.hdr_len + h.type_off, h.type_len);
	memcpy(btf->types + h.type_len, p + h.hdr_len + h.str_off, h.str_len);
	btf->strs = (const char *)btf->types + h.type_len;
	btf->str_len = h.str_len;
	btf->base = base;
	btf->start_id = base ? eb_btf_type_cnt(base) : 1;
	btf->start_str_off = base ? base->start_str_off + base->str_len : 0;

	err = index_types(btf);
	if (err)
		goto fail;
	for (i = 0; i < btf->nr_types; i++) {
		err = check_type(btf, btf->start_id + i,
				 eb_btf_type_by_id(btf, btf->start_id + i));
		if (err)
			goto fail;
	}
	*out = btf;
	return 0;
fail:
	eb_btf_free(btf);
	return err;
}

int eb_btf_parse(const void *data, size_t size, struct eb_btf **out)
{
	return parse(data, size, NULL, out);
}

int eb_btf_parse_split(const void *data, size_t size, const struct eb_btf *base,
		       struct eb_btf **out)
{
	if (!base) {
		*out = NULL;
		return -EINVAL;
	}
	return parse(data, size, base, out);
}

int eb_btf_parse_file(const char *path, const struct eb_btf *base, struct eb_btf **out)
{
	void *data;
	size_t size;
	int err;

	*out = NULL;
	err = eb_read_file(path, &data, &size);
	if (err) {
		eb_warn("btf", "%s: %s", path, strerror(-err));
		return err;
	}
	err = parse(data, size, base, out);
	if (err)
		eb_warn("btf", "%s: not usable BTF", path);
	free(data);
	return err;
}

int eb_btf_load_vmlinux(struct eb_btf **out)
{
	return eb_btf_parse_file(EB_BTF_VMLINUX, NULL, out);
}

static void index_free(struct eb_btf_index *idx)
{
	if (!idx)
		return;
	free(idx->heads);
	free(idx->next);
	free(idx);
}

void eb_btf_free(struct eb_btf *btf)
{
	if (!btf)
		return;
	index_free(btf->index);
	free(btf->offs);
	free(btf->raw);
	free(btf);
}

const void *eb_btf_raw(const struct eb_btf *btf, uint32_t *size)
{
	*size = btf->raw_size;
	return btf->raw;
}

/* --- name lookup ------------------------------------------------------ */

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s) {
		h ^= (uint8_t)*s++;
		h *= 16777619u;
	}
	return h;
}

/* Build the index of this BTF's own named types.  Chains are in ascending
 * id order, so the first match is the lowest id. */
static struct eb_btf_index *index_build(const struct eb_btf *btf)
{
	struct eb_btf_index *idx;
	uint32_t nb = 16, i;

	while (nb < btf->nr_types * 2ull && nb < (1u << 30))
		nb <<= 1;
	idx = calloc(1, sizeof(*idx));
	if (!idx)
		return NULL;
	idx->mask = nb - 1;
	idx->heads = eb_calloc(nb, sizeof(*idx->heads));
	idx->next = eb_calloc(btf->nr_types ? btf->nr_types : 1, sizeof(*idx->next));
	if (!idx->heads || !idx->next) {
		index_free(idx);
		return NULL;
	}
	for (i = btf->nr_types; i-- > 0;) {
		const char *name = eb_btf_name(btf, btf->start_id + i);
		uint32_t b;

		if (!name || !*name)
			continue;
		b = name_hash(name) & idx->mask;
		idx->next[i] = idx->heads[b];
		idx->heads[b] = i + 1;
	}
	return idx;
}

static const struct eb_btf_index *index_get(const struct eb_btf *cbtf)
{
	struct eb_btf *btf = (struct eb_btf *)cbtf;	/* the cache only */
	struct eb_btf_index *idx, *expected = NULL;

	idx = __atomic_load_n(&btf->index, __ATOMIC_ACQUIRE);
	if (idx)
		return idx;
	idx = index_build(btf);
	if (!idx)
		return NULL;
	if (!__atomic_compare_exchange_n(&btf->index, &expected, idx, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		index_free(idx);	/* another thread won */
		return expected;
	}
	return idx;
}

static bool kind_matches(const struct btf_type *t, int kind)
{
	return kind < 0 || eb_btf_kind(t) == (unsigned int)kind;
}

static int find_own(const struct eb_btf *btf, const char *name, int kind)
{
	const struct eb_btf_index *idx = index_get(btf);
	uint32_t i;

	if (!idx) {	/* out of memory: scan */
		for (i = 0; i < btf->nr_types; i++) {
			uint32_t id = btf->start_id + i;

			if (kind_matches(eb_btf_type_by_id(btf, id), kind) &&
			    !strcmp(eb_btf_name(btf, id), name))
				return (int)id;
		}
		return -ENOENT;
	}
	for (i = idx->heads[name_hash(name) & idx->mask]; i; i = idx->next[i - 1]) {
		uint32_t id = btf->start_id + i - 1;

		if (kind_matches(eb_btf_type_by_id(btf, id), kind) &&
		    !strcmp(eb_btf_name(btf, id), name))
			return (int)id;
	}
	return -ENOENT;
}

int eb_btf_find_by_name_kind(const struct eb_btf *btf, const char *name, int kind)
{
	int id;

	if (!name || !*name)
		return -ENOENT;
	if (btf->base) {
		id = eb_btf_find_by_name_kind(btf->base, name, kind);
		if (id >= 0)
			return id;
	}
	return find_own(btf, name, kind);
}

/* --- type walks ------------------------------------------------------- */

static bool is_mod(unsigned int kind)
{
	return kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_CONST ||
	       kind == BTF_KIND_VOLATILE || kind == BTF_KIND_RESTRICT ||
	       kind == BTF_KIND_TYPE_TAG;
}

int eb_btf_skip_mods(const struct eb_btf *btf, uint32_t id)
{
	uint32_t start = id;
	int steps;

	for (steps = 0; steps <= EB_BTF_MAX_CHAIN; steps++) {
		const struct btf_type *t = eb_btf_type_by_id(btf, id);

		if (!t)
			return -EINVAL;
		if (!is_mod(eb_btf_kind(t)))
			return (int)id;
		id = t->type;
	}
	eb_warn("btf", "type id %u: modifier chain longer than %d", start,
		EB_BTF_MAX_CHAIN);
	return -ELOOP;
}

int64_t eb_btf_resolve_size(const struct eb_btf *btf, uint32_t id)
{
	uint64_t n = 1;
	int steps;

	for (steps = 0; steps <= EB_BTF_MAX_CHAIN; steps++) {
		const struct btf_type *t = eb_btf_type_by_id(btf, id);
		uint32_t nelems;

		if (!t)
			return -EINVAL;
		switch (eb_btf_kind(t)) {
		case BTF_KIND_INT:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_DATASEC:
		case BTF_KIND_FLOAT:
			if (t->size && n > (uint64_t)INT64_MAX / t->size)
				return -E2BIG;
			return (int64_t)(n * t->size);
		case BTF_KIND_PTR:
			if (n > (uint64_t)INT64_MAX / 8)
				return -E2BIG;
			return (int64_t)(n * 8);
		case BTF_KIND_ARRAY:
			nelems = eb_btf_array(t)->nelems;
			if (nelems && n > UINT64_MAX / nelems)
				return -E2BIG;
			n *= nelems;
			id = eb_btf_array(t)->type;
			break;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_VAR:
			id = t->type;
			break;
		default:	/* void, fwd, func, func_proto, decl_tag */
			return -EINVAL;
		}
	}
	return -ELOOP;
}

static int align_of(const struct eb_btf *btf, uint32_t id, int depth, int *budget)
{
	const struct btf_type *t;
	uint32_t i, max = 1;
	int sid, a;

	if (depth > EB_BTF_MAX_CHAIN || --*budget < 0)
		return -ELOOP;
	sid = eb_btf_skip_mods(btf, id);
	if (sid < 0)
		return sid;
	t = eb_btf_type_by_id(btf, (uint32_t)sid);
	switch (eb_btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FLOAT:
		return t->size ? (int)EB_MIN(t->size, 8u) : 1;
	case BTF_KIND_PTR:
		return 8;
	case BTF_KIND_ARRAY:
		return align_of(btf, eb_btf_array(t)->type, depth + 1, budget);
	case BTF_KIND_VAR:
		return align_of(btf, t->type, depth + 1, budget);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (i = 0; i < eb_btf_vlen(t); i++) {
			a = align_of(btf, eb_btf_members(t)[i].type, depth + 1, budget);
			if (a < 0)
				return a;
			/* a misplaced plain member means the struct is packed */
			if (!eb_btf_member_bitfield_size(t, i) &&
			    eb_btf_member_bit_offset(t, i) % (8u * (uint32_t)a))
				return 1;
			max = EB_MAX(max, (uint32_t)a);
		}
		return t->size % max ? 1 : (int)max;
	default:
		return -EINVAL;
	}
}

int eb_btf_align(const struct eb_btf *btf, uint32_t id)
{
	int budget = EB_BTF_BUDGET;

	return align_of(btf, id, 0, &budget);
}

int eb_btf_find_member(const struct eb_btf *btf, uint32_t struct_id, const char *name)
{
	const struct btf_type *t;
	uint32_t i;
	int id;

	id = eb_btf_skip_mods(btf, struct_id);
	if (id < 0)
		return id;
	t = eb_btf_type_by_id(btf, (uint32_t)id);
	if (eb_btf_kind(t) != BTF_KIND_STRUCT && eb_btf_kind(t) != BTF_KIND_UNION)
		return -EINVAL;
	for (i = 0; i < eb_btf_vlen(t); i++) {
		const char *s = eb_btf_str(btf, eb_btf_members(t)[i].name_off);

		if (s && *s && !strcmp(s, name))
			return (int)i;
	}
	return -ENOENT;
}

int eb_btf_find_enum_value(const struct eb_btf *btf, uint32_t enum_id,
			   const char *name, int64_t *value)
{
	const struct btf_type *t;
	uint32_t i;
	int id;

	id = eb_btf_skip_mods(btf, enum_id);
	if (id < 0)
		return id;
	t = eb_btf_type_by_id(btf, (uint32_t)id);
	if (eb_btf_kind(t) == BTF_KIND_ENUM) {
		for (i = 0; i < eb_btf_vlen(t); i++) {
			const struct btf_enum *e = &eb_btf_enums(t)[i];

			if (strcmp(eb_btf_str(btf, e->name_off), name))
				continue;
			if (eb_btf_kflag(t))
				*value = (int32_t)e->val;
			else
				*value = (uint32_t)e->val;
			return 0;
		}
		return -ENOENT;
	}
	if (eb_btf_kind(t) == BTF_KIND_ENUM64) {
		for (i = 0; i < eb_btf_vlen(t); i++) {
			const struct btf_enum64 *e = &eb_btf_enums64(t)[i];

			if (strcmp(eb_btf_str(btf, e->name_off), name))
				continue;
			*value = (int64_t)(((uint64_t)e->val_hi32 << 32) | e->val_lo32);
			return 0;
		}
		return -ENOENT;
	}
	return -EINVAL;
}

/* --- mutation --------------------------------------------------------- */

static struct btf_type *own_type(struct eb_btf *btf, uint32_t id)
{
	if (id < btf->start_id || id - btf->start_id >= btf->nr_types)
		return NULL;
	return (struct btf_type *)(btf->types + btf->offs[id - btf->start_id]);
}

int eb_btf_set_datasec_size(struct eb_btf *btf, uint32_t datasec_id, uint32_t size)
{
	struct btf_type *t = own_type(btf, datasec_id);

	if (!t || eb_btf_kind(t) != BTF_KIND_DATASEC)
		return -EINVAL;
	t->size = size;
	return 0;
}

int eb_btf_set_secinfo_offset(struct eb_btf *btf, uint32_t datasec_id, uint32_t idx,
			      uint32_t offset)
{
	struct btf_type *t = own_type(btf, datasec_id);

	if (!t || eb_btf_kind(t) != BTF_KIND_DATASEC || idx >= eb_btf_vlen(t))
		return -EINVAL;
	((struct btf_var_secinfo *)(t + 1))[idx].offset = offset;
	return 0;
}

int eb_btf_replace_type(struct eb_btf *btf, uint32_t id, const struct btf_type *nt)
{
	struct btf_type *t = own_type(btf, id);
	int64_t old_extra, new_extra;
	void *save;
	int err;

	if (!t || !nt)
		return -EINVAL;
	old_extra = rec_extra(t);
	new_extra = rec_extra(nt);
	if (new_extra < 0 || new_extra != old_extra) {
		eb_warn("btf", "type id %u: replacement %s record has a different size",
			id, eb_btf_kind_name(eb_btf_kind(nt)));
		return -EINVAL;
	}
	save = malloc(sizeof(*t) + (size_t)old_extra);
	if (!save)
		return -ENOMEM;
	memcpy(save, t, sizeof(*t) + (size_t)old_extra);
	memcpy(t, nt, sizeof(*t) + (size_t)new_extra);
	err = check_type(btf, id, t);
	if (err)
		memcpy(t, save, sizeof(*t) + (size_t)old_extra);
	free(save);
	if (!err) {	/* the name or kind may have changed */
		index_free(btf->index);
		btf->index = NULL;
	}
	return err;
}

/* --- rendering -------------------------------------------------------- */

static void sb_prepend(struct eb_strbuf *sb, const char *a, const char *b)
{
	struct eb_strbuf n = EB_STRBUF_INIT;

	eb_strbuf_adds(&n, a);
	eb_strbuf_add(&n, sb->buf, sb->len);
	if (b)
		eb_strbuf_adds(&n, b);
	if (sb->oom)
		n.oom = true;
	eb_strbuf_release(sb);
	*sb = n;
}

static const char *qual_name(unsigned int kind)
{
	switch (kind) {
	case BTF_KIND_CONST:
		return "const";
	case BTF_KIND_VOLATILE:
		return "volatile";
	default:
		return "restrict";
	}
}

/* Kind of the type id refers to after qualifiers and type tags (but not
 * typedefs), or -1. */
static int peek_kind(const struct eb_btf *btf, uint32_t id)
{
	int steps;

	for (steps = 0; steps <= EB_BTF_MAX_CHAIN; steps++) {
		const struct btf_type *t = eb_btf_type_by_id(btf, id);

		if (!t)
			return -1;
		switch (eb_btf_kind(t)) {
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			break;
		default:
			return eb_btf_kind(t);
		}
	}
	return -1;
}

static int render(const struct eb_btf *btf, uint32_t id, struct eb_strbuf *out,
		  int depth, int *budget);

static int render_params(const struct eb_btf *btf, const struct btf_type *t,
			 struct eb_strbuf *decl, int depth, int *budget)
{
	uint32_t i, vlen = eb_btf_vlen(t);
	int err;

	eb_strbuf_addch(decl, '(');
	if (!vlen)
		eb_strbuf_adds(decl, "void");
	for (i = 0; i < vlen; i++) {
		const struct btf_param *p = &eb_btf_params(t)[i];

		if (i)
			eb_strbuf_adds(decl, ", ");
		if (p->type == 0 && i == vlen - 1) {
			eb_strbuf_adds(decl, "...");
			continue;
		}
		err = render(btf, p->type, decl, depth + 1, budget);
		if (err)
			return err;
	}
	eb_strbuf_addch(decl, ')');
	return 0;
}

static int render(const struct eb_btf *btf, uint32_t id, struct eb_strbuf *out,
		  int depth, int *budget)
{
	struct eb_strbuf decl = EB_STRBUF_INIT, quals = EB_STRBUF_INIT;
	const char *name, *tag;
	int err = 0, steps, nk;

	if (depth > EB_BTF_MAX_CHAIN)
		return -ELOOP;
	for (steps = 0;; steps++) {
		const struct btf_type *t = eb_btf_type_by_id(btf, id);
		unsigned int kind;

		if (steps > EB_BTF_MAX_CHAIN || --*budget < 0) {
			err = -ELOOP;
			goto out;
		}
		if (!t) {
			err = -EINVAL;
			goto out;
		}
		kind = eb_btf_kind(t);
		name = eb_btf_str(btf, t->name_off);
		switch (kind) {
		case BTF_KIND_PTR:
			nk = peek_kind(btf, t->type);
			if (nk == BTF_KIND_ARRAY || nk == BTF_KIND_FUNC_PROTO)
				sb_prepend(&decl, "(*", ")");
			else
				sb_prepend(&decl, "*", NULL);
			id = t->type;
			continue;
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
			if (peek_kind(btf, t->type) == BTF_KIND_PTR) {
				sb_prepend(&decl, decl.len ? " " : "", NULL);
				sb_prepend(&decl, qual_name(kind), NULL);
			} else {
				eb_strbuf_adds(&quals, qual_name(kind));
				eb_strbuf_addch(&quals, ' ');
			}
			id = t->type;
			continue;
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_DECL_TAG:
			id = t->type;
			continue;
		case BTF_KIND_ARRAY:
			eb_strbuf_addf(&decl, "[%u]", eb_btf_array(t)->nelems);
			id = eb_btf_array(t)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			err = render_params(btf, t, &decl, depth, budget);
			if (err)
				goto out;
			id = t->type;
			continue;
		case BTF_KIND_FUNC:
		case BTF_KIND_VAR:
			sb_prepend(&decl, name, NULL);
			id = t->type;
			continue;
		}
		/* a base type ends the walk */
		eb_strbuf_add(out, quals.buf, quals.len);
		tag = NULL;
		switch (kind) {
		case BTF_KIND_UNKN:
			name = "void";
			break;
		case BTF_KIND_STRUCT:
			tag = "struct";
			break;
		case BTF_KIND_UNION:
			tag = "union";
			break;
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			tag = "enum";
			break;
		case BTF_KIND_FWD:
			tag = eb_btf_kflag(t) ? "union" : "struct";
			break;
		case BTF_KIND_DATASEC:
			tag = "datasec";
			break;
		}
		if (tag)
			eb_strbuf_addf(out, "%s %s", tag, *name ? name : "(anon)");
		else
			eb_strbuf_adds(out, name);
		if (decl.len && decl.buf[0] != '[')
			eb_strbuf_addch(out, ' ');
		eb_strbuf_add(out, decl.buf, decl.len);
		if (decl.oom || quals.oom)
			err = -ENOMEM;
		break;
	}
out:
	eb_strbuf_release(&decl);
	eb_strbuf_release(&quals);
	return err;
}

int eb_btf_type_str(const struct eb_btf *btf, uint32_t id, struct eb_strbuf *out)
{
	int budget = EB_BTF_BUDGET, err;
	size_t len = out->len;

	err = render(btf, id, out, 0, &budget);
	if (!err)
		err = eb_strbuf_error(out);
	if (err && out->len > len) {	/* leave out as it was */
		out->len = len;
		out->buf[len] = '\0';
	}
	return err;
}
