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
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "btf.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"

#define BTF_MAGIC_SWAPPED	0x9FEB
#define EB_BTF_MAX_CHAIN	32	/* modifier / array steps per walk */
#define EB_BTF_BUDGET		4096	/* type visits per fan-out walk */
#define EB_BTF_VMLINUX		"/sys/kernel/btf/vmlinux"
#define EB_BTF_SCAN_LOOKUPS	4	/* by-name lookups before the index */

/* Name index: chained hash over this BTF's own named types. */
struct eb_btf_index {
	uint32_t mask;
	uint32_t *heads;	/* bucket -> local index + 1, 0: empty */
	uint32_t *next;		/* local index -> next local index + 1 */
};

struct eb_btf {
	void *raw;			/* header + types + strings */
	uint32_t raw_size;
	size_t map_size;		/* raw is a read-only mapping of this
					 * size (0: raw is malloc'd) */
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
	unsigned int lookups;		/* by-name lookups so far (atomic) */
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

/*
 * One pass over the type section splits it into records and checks each
 * record as it goes; only the references to other types wait for the end
 * of the pass (the number of types is not known before), as the largest
 * id referred to.  The messages name the first fault in id order, except
 * that a dangling reference is reported after the faults of any kind in
 * the records that follow it.
 */

/* The largest type id seen so far; the first reference at or past
 * `limit` (when limit is not 0) with the field that holds it. */
struct ref_scan {
	uint32_t limit;
	uint32_t max;
	uint32_t bad;
	const char *what;	/* NULL: the record's own kind */
	bool found;
};

static inline bool ref_seen(struct ref_scan *rs, uint32_t ref, const char *what)
{
	if (rs->limit && ref >= rs->limit) {
		rs->bad = ref;
		rs->what = what;
		rs->found = true;
		return true;
	}
	if (ref > rs->max)
		rs->max = ref;
	return false;
}

/* Visit every type id record t refers to; stops at the first one past
 * rs->limit. */
static void scan_refs(const struct btf_type *t, struct ref_scan *rs)
{
	uint32_t i, vlen = eb_btf_vlen(t);

	switch (eb_btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
	case BTF_KIND_TYPE_TAG:
		ref_seen(rs, t->type, NULL);
		break;
	case BTF_KIND_FUNC_PROTO:
		if (ref_seen(rs, t->type, NULL))
			break;
		for (i = 0; i < vlen; i++)
			if (ref_seen(rs, eb_btf_params(t)[i].type, "parameter"))
				break;
		break;
	case BTF_KIND_ARRAY:
		if (!ref_seen(rs, eb_btf_array(t)->type, "array element"))
			ref_seen(rs, eb_btf_array(t)->index_type, "array index");
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (i = 0; i < vlen; i++)
			if (ref_seen(rs, eb_btf_members(t)[i].type, "member"))
				break;
		break;
	case BTF_KIND_DATASEC:
		for (i = 0; i < vlen; i++)
			if (ref_seen(rs, eb_btf_secinfos(t)[i].type, "datasec variable"))
				break;
		break;
	}
}

/* The first reference of t past the last type id, reported; 0 if none. */
static int check_refs(const struct eb_btf *btf, uint32_t id, const struct btf_type *t)
{
	struct ref_scan rs = { .limit = eb_btf_type_cnt(btf) };

	scan_refs(t, &rs);
	if (!rs.found)
		return 0;
	eb_warn("btf", "type id %u: %s refers to type id %u, but the last id is %u",
		id, rs.what ? rs.what : eb_btf_kind_name(eb_btf_kind(t)), rs.bad,
		rs.limit - 1);
	return -EINVAL;
}

/* A string offset is valid when it is inside this BTF's strings or its
 * base's (which end where this BTF's begin). */
static inline bool name_ok(const struct eb_btf *btf, uint32_t off)
{
	return off - btf->start_str_off < btf->str_len || off < btf->start_str_off;
}

static int bad_name(uint32_t id, uint32_t off, const char *what, uint32_t idx)
{
	if (what)
		eb_warn("btf", "type id %u: %s %u name_off %u is outside the string section",
			id, what, idx, off);
	else
		eb_warn("btf", "type id %u: name_off %u is outside the string section",
			id, off);
	return -EINVAL;
}

/*
 * The checks of one record whose bytes are known to be in bounds that need
 * no other record: names, vlen, int encoding.  References to other types
 * are left to check_refs() / the end of the pass.
 */
static int check_record(const struct eb_btf *btf, uint32_t id, const struct btf_type *t)
{
	uint32_t kind = eb_btf_kind(t), vlen = eb_btf_vlen(t), i;

	if (!name_ok(btf, t->name_off))
		return bad_name(id, t->name_off, NULL, 0);

	switch (kind) {
	case BTF_KIND_INT: {
		uint32_t info = eb_btf_int_info(t);
		uint32_t bits = BTF_INT_BITS(info), off = BTF_INT_OFFSET(info);

		if (vlen)
			break;
		if (t->size == 0 || t->size > 16 || (t->size & (t->size - 1)) ||
		    bits == 0 || bits > 128 || off + bits > t->size * 8) {
			eb_warn("btf", "type id %u: int of size %u with %u bits at offset %u",
				id, t->size, bits, off);
			return -EINVAL;
		}
		break;
	}
	case BTF_KIND_FUNC:
		if (vlen > BTF_FUNC_EXTERN) {
			eb_warn("btf", "type id %u: func with unknown linkage %u", id, vlen);
			return -EINVAL;
		}
		return 0;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (i = 0; i < vlen; i++)
			if (!name_ok(btf, eb_btf_members(t)[i].name_off))
				return bad_name(id, eb_btf_members(t)[i].name_off, "member", i);
		return 0;
	case BTF_KIND_ENUM:
		for (i = 0; i < vlen; i++)
			if (!name_ok(btf, eb_btf_enums(t)[i].name_off))
				return bad_name(id, eb_btf_enums(t)[i].name_off, "enumerator", i);
		return 0;
	case BTF_KIND_ENUM64:
		for (i = 0; i < vlen; i++)
			if (!name_ok(btf, eb_btf_enums64(t)[i].name_off))
				return bad_name(id, eb_btf_enums64(t)[i].name_off, "enumerator", i);
		return 0;
	case BTF_KIND_FUNC_PROTO:
		for (i = 0; i < vlen; i++)
			if (!name_ok(btf, eb_btf_params(t)[i].name_off))
				return bad_name(id, eb_btf_params(t)[i].name_off, "parameter", i);
		return 0;
	case BTF_KIND_DATASEC:
		return 0;
	}
	/* every other kind has no vlen */
	if (vlen) {
		eb_warn("btf", "type id %u: %s with vlen %u (must be 0)",
			id, eb_btf_kind_name(kind), vlen);
		return -EINVAL;
	}
	return 0;
}

/* All checks of one record (eb_btf_replace_type). */
static int check_type(const struct eb_btf *btf, uint32_t id, const struct btf_type *t)
{
	int err = check_record(btf, id, t);

	return err ? err : check_refs(btf, id, t);
}

/* Split the type section into records and check them: fills btf->offs /
 * nr_types. */
static int scan_types(struct eb_btf *btf)
{
	uint32_t len = btf->hdr->type_len, off = 0, n = 0;
	uint64_t max = (uint64_t)len / sizeof(struct btf_type) + 1;
	struct ref_scan rs = { 0 };
	int err;

	btf->offs = eb_reallocarray(NULL, max, sizeof(*btf->offs));
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
		err = check_record(btf, id, t);
		if (err)
			return err;
		scan_refs(t, &rs);
		btf->offs[n++] = off;
		off += sizeof(*t) + (uint32_t)extra;
	}
	btf->nr_types = n;
	if (rs.max < eb_btf_type_cnt(btf))
		return 0;
	/* a dangling reference: find the first record that has one */
	for (n = 0; n < btf->nr_types; n++) {
		uint32_t id = btf->start_id + n;

		err = check_refs(btf, id, eb_btf_type_by_id(btf, id));
		if (err)
			return err;
	}
	return 0;
}

/*
 * How parse() may use the bytes it is given:
 *   SRC_COPY  the caller keeps them: parse() copies;
 *   SRC_HEAP  a malloc'd buffer handed over: kept as the raw bytes when its
 *             layout is already canonical, else copied and freed;
 *   SRC_MAP   a read-only private mapping of `size` bytes handed over:
 *             kept the same way (the BTF is then read-only until a
 *             mutator makes a private copy), else copied and unmapped.
 * parse() disposes of a handed-over buffer on every path.
 */
enum btf_src {
	SRC_COPY,
	SRC_HEAP,
	SRC_MAP,
};

static void src_drop(void *data, size_t size, enum btf_src src)
{
	if (src == SRC_HEAP)
		free(data);
	else if (src == SRC_MAP)
		munmap(data, size);
}

/* Header checks; *h receives the header. */
static int check_header(const uint8_t *p, size_t size, const struct eb_btf *base,
			struct btf_header *h)
{
	uint64_t avail, tend, send;
	uint16_t magic;
	uint32_t i;

	if (!p || size < sizeof(magic)) {
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
	if (size < sizeof(*h)) {
		eb_warn("btf", "truncated header: %zu bytes, need %zu", size, sizeof(*h));
		return -EINVAL;
	}
	memcpy(h, p, sizeof(*h));
	if (h->version != BTF_VERSION) {
		eb_warn("btf", "unsupported version %u at offset 2", h->version);
		return -EINVAL;
	}
	if (h->flags) {
		eb_warn("btf", "unsupported flags 0x%x at offset 3", h->flags);
		return -EINVAL;
	}
	if (h->hdr_len < sizeof(*h) || h->hdr_len > size) {
		eb_warn("btf", "hdr_len %u is outside [%zu, %zu]", h->hdr_len, sizeof(*h), size);
		return -EINVAL;
	}
	for (i = sizeof(*h); i < h->hdr_len; i++) {
		if (p[i]) {
			eb_warn("btf", "unknown non-zero header field at offset %u", i);
			return -EINVAL;
		}
	}
	avail = size - h->hdr_len;
	tend = (uint64_t)h->type_off + h->type_len;
	send = (uint64_t)h->str_off + h->str_len;
	if (tend > avail) {
		eb_warn("btf", "type section [%u, +%u) runs past the end of the data (%" PRIu64 " bytes after the header)",
			h->type_off, h->type_len, avail);
		return -EINVAL;
	}
	if (send > avail) {
		eb_warn("btf", "string section [%u, +%u) runs past the end of the data (%" PRIu64 " bytes after the header)",
			h->str_off, h->str_len, avail);
		return -EINVAL;
	}
	if (h->type_len && h->str_len && h->type_off < send && h->str_off < tend) {
		eb_warn("btf", "type section [%u, +%u) overlaps string section [%u, +%u)",
			h->type_off, h->type_len, h->str_off, h->str_len);
		return -EINVAL;
	}
	if (!base && (h->str_len == 0 || p[h->hdr_len + h->str_off] != '\0')) {
		eb_warn("btf", "string section at offset %u does not start with a NUL",
			h->hdr_len + h->str_off);
		return -EINVAL;
	}
	if (h->str_len && p[h->hdr_len + h->str_off + h->str_len - 1] != '\0') {
		eb_warn("btf", "string section at offset %u does not end with a NUL",
			h->hdr_len + h->str_off);
		return -EINVAL;
	}
	if (sizeof(*h) + (uint64_t)h->type_len + h->str_len > UINT32_MAX ||
	    (base && (uint64_t)base->start_str_off + base->str_len + h->str_len > UINT32_MAX)) {
		eb_warn("btf", "BTF of %zu bytes is too large", size);
		return -EINVAL;
	}
	return 0;
}

static int parse(const void *data, size_t size, const struct eb_btf *base,
		 enum btf_src src, struct eb_btf **out)
{
	const uint8_t *p = data;
	struct btf_header h;
	struct eb_btf *btf;
	bool canonical;
	int err;

	*out = NULL;
	err = check_header(p, size, base, &h);
	if (err) {
		src_drop((void *)data, size, src);
		return err;
	}
	canonical = h.hdr_len == sizeof(h) && h.type_off == 0 && h.str_off == h.type_len &&
		    size == sizeof(h) + (size_t)h.type_len + h.str_len;

	btf = calloc(1, sizeof(*btf));
	if (!btf) {
		src_drop((void *)data, size, src);
		return -ENOMEM;
	}
	btf->raw_size = sizeof(h) + h.type_len + h.str_len;
	if (canonical && src != SRC_COPY) {
		btf->raw = (void *)data;	/* adopted as it is */
		if (src == SRC_MAP)
			btf->map_size = size;
	} else {
		btf->raw = malloc(btf->raw_size);
		if (!btf->raw) {
			src_drop((void *)data, size, src);
			err = -ENOMEM;
			goto fail;
		}
		memcpy(btf->raw, &h, sizeof(h));
		((struct btf_header *)btf->raw)->hdr_len = sizeof(h);
		((struct btf_header *)btf->raw)->type_off = 0;
		((struct btf_header *)btf->raw)->str_off = h.type_len;
		memcpy((uint8_t *)btf->raw + sizeof(h), p + h.hdr_len + h.type_off, h.type_len);
		memcpy((uint8_t *)btf->raw + sizeof(h) + h.type_len,
		       p + h.hdr_len + h.str_off, h.str_len);
		src_drop((void *)data, size, src);
	}
	btf->hdr = btf->raw;
	btf->types = (uint8_t *)btf->raw + sizeof(h);
	btf->strs = (const char *)btf->types + h.type_len;
	btf->str_len = h.str_len;
	btf->base = base;
	btf->start_id = base ? eb_btf_type_cnt(base) : 1;
	btf->start_str_off = base ? base->start_str_off + base->str_len : 0;

	err = scan_types(btf);
	if (err)
		goto fail;
	*out = btf;
	return 0;
fail:
	eb_btf_free(btf);
	return err;
}

int eb_btf_parse(const void *data, size_t size, struct eb_btf **out)
{
	return parse(data, size, NULL, SRC_COPY, out);
}

int eb_btf_parse_split(const void *data, size_t size, const struct eb_btf *base,
		       struct eb_btf **out)
{
	if (!base) {
		*out = NULL;
		return -EINVAL;
	}
	return parse(data, size, base, SRC_COPY, out);
}

/*
 * Read a whole file: a private read-only mapping when it is on sysfs and
 * the kernel allows it (/sys/kernel/btf/vmlinux does since 6.16: no copy
 * at all, where reads of sysfs come in pages), else one buffer of the
 * size stat() gives, grown only if the file is longer.  Regular files are
 * never mapped: another process could truncate them under us.
 */
static int read_btf_file(const char *path, void **data, size_t *size, enum btf_src *src)
{
	size_t len = 0, cap;
	struct statfs sfs;
	struct stat st;
	char *buf, *nb;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0 && !fstatfs(fd, &sfs) &&
	    sfs.f_type == SYSFS_MAGIC) {
		buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (buf != MAP_FAILED) {
			*data = buf;
			*size = (size_t)st.st_size;
			*src = SRC_MAP;
			err = 0;
			goto out;
		}
	}
	cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size : 4096;
	buf = malloc(cap + 1);	/* +1: a read at the end sees EOF at once */
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (len == cap + 1) {	/* longer than stat said */
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				err = -ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap + 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*data = buf;
	*size = len;
	*src = SRC_HEAP;
	err = 0;
	goto out;
fail:
	free(buf);
out:
	close(fd);
	return err;
}

int eb_btf_parse_file(const char *path, const struct eb_btf *base, struct eb_btf **out)
{
	enum btf_src src;
	void *data;
	size_t size;
	int err;

	*out = NULL;
	err = read_btf_file(path, &data, &size, &src);
	if (err) {
		eb_warn("btf", "%s: %s", path, strerror(-err));
		return err;
	}
	err = parse(data, size, base, src, out);
	if (err)
		eb_warn("btf", "%s: not usable BTF", path);
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
	if (btf->map_size)
		munmap(btf->raw, btf->map_size);
	else
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

	while (nb < btf->nr_types && nb < (1u << 30))
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
		const struct btf_type *t = (const struct btf_type *)(btf->types + btf->offs[i]);
		const char *name;
		uint32_t b;

		if (!t->name_off)	/* offset 0 is "" in every BTF */
			continue;
		name = eb_btf_str(btf, t->name_off);
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

/* Lowest own id with this name and kind by a walk over every record. */
static int scan_own(const struct eb_btf *btf, const char *name, int kind)
{
	uint32_t i;

	for (i = 0; i < btf->nr_types; i++) {
		const struct btf_type *t = (const struct btf_type *)(btf->types + btf->offs[i]);
		const char *s;

		if (!t->name_off || !kind_matches(t, kind))
			continue;
		s = eb_btf_str(btf, t->name_off);
		if (s && s[0] == name[0] && !strcmp(s, name))
			return (int)(btf->start_id + i);
	}
	return -ENOENT;
}

static int find_own(const struct eb_btf *btf, const char *name, int kind)
{
	struct eb_btf *mbtf = (struct eb_btf *)btf;	/* the counter only */
	const struct eb_btf_index *idx;
	uint32_t i;

	/* A walk costs a fraction of building the index (vmlinux: up to
	 * 0.8 ms against 3 ms): the first few lookups walk. */
	if (!__atomic_load_n(&btf->index, __ATOMIC_ACQUIRE) &&
	    __atomic_fetch_add(&mbtf->lookups, 1, __ATOMIC_RELAXED) < EB_BTF_SCAN_LOOKUPS)
		return scan_own(btf, name, kind);
	idx = index_get(btf);
	if (!idx)	/* out of memory: walk */
		return scan_own(btf, name, kind);
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

/* Give a read-only (mapped) BTF a private copy of its bytes, so that it
 * can be changed: every record moves.  0 or -ENOMEM. */
static int make_writable(struct eb_btf *btf)
{
	void *raw;

	if (!btf->map_size)
		return 0;
	raw = malloc(btf->raw_size);
	if (!raw)
		return -ENOMEM;
	memcpy(raw, btf->raw, btf->raw_size);
	munmap(btf->raw, btf->map_size);
	btf->map_size = 0;
	btf->raw = raw;
	btf->hdr = raw;
	btf->types = (uint8_t *)raw + sizeof(struct btf_header);
	btf->strs = (const char *)btf->types + btf->hdr->type_len;
	return 0;
}

/* Own record id, made writable; NULL with *err set when it is not ours. */
static struct btf_type *own_type_rw(struct eb_btf *btf, uint32_t id, int *err)
{
	*err = -EINVAL;
	if (!own_type(btf, id))
		return NULL;
	*err = make_writable(btf);
	return *err ? NULL : own_type(btf, id);
}

int eb_btf_set_datasec_size(struct eb_btf *btf, uint32_t datasec_id, uint32_t size)
{
	struct btf_type *t = own_type(btf, datasec_id);
	int err;

	if (!t || eb_btf_kind(t) != BTF_KIND_DATASEC)
		return -EINVAL;
	t = own_type_rw(btf, datasec_id, &err);
	if (!t)
		return err;
	t->size = size;
	return 0;
}

int eb_btf_set_secinfo_offset(struct eb_btf *btf, uint32_t datasec_id, uint32_t idx,
			      uint32_t offset)
{
	struct btf_type *t = own_type(btf, datasec_id);
	int err;

	if (!t || eb_btf_kind(t) != BTF_KIND_DATASEC || idx >= eb_btf_vlen(t))
		return -EINVAL;
	t = own_type_rw(btf, datasec_id, &err);
	if (!t)
		return err;
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
	t = own_type_rw(btf, id, &err);
	if (!t)
		return err;
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
