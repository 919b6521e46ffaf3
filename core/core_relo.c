/* SPDX-License-Identifier: MIT */
/*
 * core_relo.c - CO-RE relocations: candidates, matching, values, patching
 * (the rules are in core_relo.h).
 *
 * Every walk over types is bounded (CORE_MAX_DEPTH levels, CORE_MAX_SPEC
 * accessors), so hostile BTF ends in "no match" or -EINVAL, never in a
 * loop.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "core_relo.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"

#define CORE_MAX_SPEC	64	/* accessors in one access string */
#define CORE_MAX_DEPTH	32	/* nesting of compatibility checks */

const char *eb_core_kind_str(uint32_t kind)
{
	static const char *const names[] = {
		[BPF_CORE_FIELD_BYTE_OFFSET] = "field_byte_offset",
		[BPF_CORE_FIELD_BYTE_SIZE] = "field_byte_size",
		[BPF_CORE_FIELD_EXISTS] = "field_exists",
		[BPF_CORE_FIELD_SIGNED] = "field_signed",
		[BPF_CORE_FIELD_LSHIFT_U64] = "field_lshift_u64",
		[BPF_CORE_FIELD_RSHIFT_U64] = "field_rshift_u64",
		[BPF_CORE_TYPE_ID_LOCAL] = "type_id_local",
		[BPF_CORE_TYPE_ID_TARGET] = "type_id_target",
		[BPF_CORE_TYPE_EXISTS] = "type_exists",
		[BPF_CORE_TYPE_SIZE] = "type_size",
		[BPF_CORE_ENUMVAL_EXISTS] = "enumval_exists",
		[BPF_CORE_ENUMVAL_VALUE] = "enumval_value",
		[BPF_CORE_TYPE_MATCHES] = "type_matches",
	};

	return kind < EB_ARRAY_SIZE(names) && names[kind] ? names[kind] : "?";
}

static bool is_field_kind(uint32_t k)
{
	return k <= BPF_CORE_FIELD_RSHIFT_U64;
}

static bool is_enumval_kind(uint32_t k)
{
	return k == BPF_CORE_ENUMVAL_EXISTS || k == BPF_CORE_ENUMVAL_VALUE;
}

static bool is_enum_kind(uint16_t k)
{
	return k == BTF_KIND_ENUM || k == BTF_KIND_ENUM64;
}

static bool is_composite_kind(uint16_t k)
{
	return k == BTF_KIND_STRUCT || k == BTF_KIND_UNION;
}

/* --- names ---------------------------------------------------------------- */

size_t eb_core_essential_len(const char *name)
{
	size_t n = strlen(name), i;

	/* the last "X___Y", X and Y not '_' */
	for (i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;) {
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] != '_')
			return i + 1;
	}
	return n;
}

static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Same kind for candidate purposes (enum and enum64 are one). */
static bool kinds_compat(uint16_t a, uint16_t b)
{
	return a == b || (is_enum_kind(a) && is_enum_kind(b));
}

/* --- candidate cache ------------------------------------------------------ */

struct cand_list {
	uint32_t local_id;
	const char *name;
	size_t len;		/* essential length */
	uint16_t kind;
	uint32_t *ids;
	uint32_t cnt, cap;
};

struct eb_core_cache {
	const struct eb_btf *local;
	const struct eb_btf *target;
	struct cand_list *lists;
	size_t n;
	uint32_t mask;
	uint32_t *heads;	/* bucket -> list index + 1 */
	uint32_t *next;		/* list index -> next list index + 1 */
};

void eb_core_cache_free(struct eb_core_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		free(c->lists[i].ids);
	free(c->lists);
	free(c->heads);
	free(c->next);
	free(c);
}

static int cand_add(struct cand_list *l, uint32_t id)
{
	if (l->cnt == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 4;
		uint32_t *v = eb_reallocarray(l->ids, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->ids = v;
		l->cap = cap;
	}
	l->ids[l->cnt++] = id;
	return 0;
}

static const struct cand_list *cache_find(const struct eb_core_cache *c, uint32_t local_id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->lists[i].local_id == local_id)
			return &c->lists[i];
	return NULL;
}

int eb_core_cache_new(const struct eb_btf *local, const struct eb_btf *target,
		      const uint32_t *root_ids, size_t n, struct eb_core_cache **out)
{
	struct eb_core_cache *c;
	uint32_t kinds = 0, id, cnt, nb = 1;
	size_t i;
	int err = -ENOMEM;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->local = local;
	c->target = target;
	c->lists = eb_calloc(n + 1, sizeof(*c->lists));
	if (!c->lists)
		goto fail;
	for (i = 0; i < n; i++) {
		const struct btf_type *t = eb_btf_type_by_id(local, root_ids[i]);
		const char *name = eb_btf_name(local, root_ids[i]);
		struct cand_list *l;

		if (!t || !name || !name[0] || cache_find(c, root_ids[i]))
			continue;
		l = &c->lists[c->n++];
		l->local_id = root_ids[i];
		l->name = name;
		l->len = eb_core_essential_len(name);
		l->kind = eb_btf_kind(t);
		kinds |= 1u << l->kind;
		if (is_enum_kind(l->kind))
			kinds |= 1u << BTF_KIND_ENUM | 1u << BTF_KIND_ENUM64;
	}
	while (nb < c->n * 2)
		nb <<= 1;
	c->mask = nb - 1;
	c->heads = eb_calloc(nb, sizeof(*c->heads));
	c->next = eb_calloc(c->n + 1, sizeof(*c->next));
	if (!c->heads || !c->next)
		goto fail;
	for (i = 0; i < c->n; i++) {
		uint32_t b = name_hash(c->lists[i].name, c->lists[i].len) & c->mask;

		c->next[i] = c->heads[b];
		c->heads[b] = (uint32_t)i + 1;
	}
	/* one pass over the target */
	cnt = c->n ? eb_btf_type_cnt(target) : 0;
	for (id = 1; id < cnt; id++) {
		const struct btf_type *t = eb_btf_type_by_id(target, id);
		const char *name;
		size_t len;
		uint32_t k;

		if (!t || !(kinds & (1u << eb_btf_kind(t))) || !t->name_off)
			continue;
		name = eb_btf_str(target, t->name_off);
		if (!name || !name[0])
			continue;
		len = eb_core_essential_len(name);
		for (k = c->heads[name_hash(name, len) & c->mask]; k; k = c->next[k - 1]) {
			struct cand_list *l = &c->lists[k - 1];

			if (l->len == len && !memcmp(l->name, name, len) &&
			    kinds_compat(l->kind, eb_btf_kind(t))) {
				err = cand_add(l, id);
				if (err)
					goto fail;
			}
		}
	}
	*out = c;
	return 0;
fail:
	eb_core_cache_free(c);
	return err;
}

/* --- compatibility ---------------------------------------------------------- */

static const struct btf_type *skip(const struct eb_btf *btf, uint32_t *id)
{
	int r = eb_btf_skip_mods(btf, *id);

	if (r < 0)
		return NULL;
	*id = (uint32_t)r;
	return eb_btf_type_by_id(btf, *id);
}

static bool int_plain(const struct btf_type *t)
{
	return BTF_INT_OFFSET(eb_btf_int_info(t)) == 0;
}

static int types_compat(const struct eb_btf *lb, uint32_t lid, const struct eb_btf *tb,
			uint32_t tid, int depth)
{
	const struct btf_type *lt, *tt;
	uint16_t i, n;
	int r;

	if (depth > CORE_MAX_DEPTH)
		return 0;
	lt = skip(lb, &lid);
	tt = skip(tb, &tid);
	if (!lt || !tt)
		return -EINVAL;
	if (!kinds_compat(eb_btf_kind(lt), eb_btf_kind(tt)))
		return 0;
	switch (eb_btf_kind(lt)) {
	case BTF_KIND_UNKN:	/* void */
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
	case BTF_KIND_FLOAT:
		return 1;
	case BTF_KIND_INT:
		return int_plain(lt) && int_plain(tt);
	case BTF_KIND_PTR:
		return types_compat(lb, lt->type, tb, tt->type, depth + 1);
	case BTF_KIND_ARRAY:
		return types_compat(lb, eb_btf_array(lt)->type, tb,
				    eb_btf_array(tt)->type, depth + 1);
	case BTF_KIND_FUNC_PROTO:
		n = eb_btf_vlen(lt);
		if (n != eb_btf_vlen(tt))
			return 0;
		for (i = 0; i < n; i++) {
			r = types_compat(lb, eb_btf_params(lt)[i].type, tb,
					 eb_btf_params(tt)[i].type, depth + 1);
			if (r <= 0)
				return r;
		}
		return types_compat(lb, lt->type, tb, tt->type, depth + 1);
	default:
		return 0;
	}
}

int eb_core_types_compat(const struct eb_btf *local, uint32_t local_id,
			 const struct eb_btf *target, uint32_t target_id)
{
	return types_compat(local, local_id, target, target_id, 0);
}

/* Member types along a field access path. */
static int fields_compat(const struct eb_btf *lb, uint32_t lid, const struct eb_btf *tb,
			 uint32_t tid, int depth)
{
	const struct btf_type *lt, *tt;

	if (depth > CORE_MAX_DEPTH)
		return 0;
	lt = skip(lb, &lid);
	tt = skip(tb, &tid);
	if (!lt || !tt)
		return -EINVAL;
	if (is_composite_kind(eb_btf_kind(lt)) && is_composite_kind(eb_btf_kind(tt)))
		return 1;
	if (!kinds_compat(eb_btf_kind(lt), eb_btf_kind(tt)))
		return 0;
	switch (eb_btf_kind(lt)) {
	case BTF_KIND_FWD:
	case BTF_KIND_FLOAT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_PTR:
		return 1;
	case BTF_KIND_INT:
		return int_plain(lt) && int_plain(tt);
	case BTF_KIND_ARRAY:
		return fields_compat(lb, eb_btf_array(lt)->type, tb,
				     eb_btf_array(tt)->type, depth + 1);
	default:
		return 0;
	}
}

static bool names_match(const struct eb_btf *lb, const struct btf_type *lt,
			const struct eb_btf *tb, const struct btf_type *tt)
{
	const char *ln = eb_btf_str(lb, lt->name_off);
	const char *tn = eb_btf_str(tb, tt->name_off);
	size_t ll, tl;

	if (!ln || !ln[0])
		return true;	/* anonymous local: nothing to compare */
	if (!tn)
		return false;
	ll = eb_core_essential_len(ln);
	tl = eb_core_essential_len(tn);
	return ll == tl && !memcmp(ln, tn, ll);
}

/* Index of the enumerator of tt named like name once both lose a
 * ___flavor suffix, or -1. */
static int enum_find(const struct eb_btf *tb, const struct btf_type *tt, const char *name)
{
	size_t len = eb_core_essential_len(name);
	uint16_t i, n = eb_btf_vlen(tt);

	for (i = 0; i < n; i++) {
		uint32_t off = eb_btf_kind(tt) == BTF_KIND_ENUM ?
			eb_btf_enums(tt)[i].name_off : eb_btf_enums64(tt)[i].name_off;
		const char *s = eb_btf_str(tb, off);

		if (s && eb_core_essential_len(s) == len && !memcmp(s, name, len))
			return i;
	}
	return -1;
}

static int enum_has(const struct eb_btf *tb, const struct btf_type *tt, const char *name)
{
	return enum_find(tb, tt, name) >= 0;
}

/* The value of enumerator idx of t (sign-extended for signed enums). */
static uint64_t enum_val(const struct btf_type *t, int idx)
{
	if (eb_btf_kind(t) == BTF_KIND_ENUM) {
		int32_t v = eb_btf_enums(t)[idx].val;

		return eb_btf_kflag(t) ? (uint64_t)(int64_t)v : (uint64_t)(uint32_t)v;
	}
	return (uint64_t)eb_btf_enums64(t)[idx].val_hi32 << 32 | eb_btf_enums64(t)[idx].val_lo32;
}

/* TYPE_MATCHES.  shallow: reached through a pointer, composites are
 * compared by name and kind only. */
static int types_match(const struct eb_btf *lb, uint32_t lid, const struct eb_btf *tb,
		       uint32_t tid, bool shallow, int depth)
{
	const struct btf_type *lt, *tt;
	uint16_t lk, tk, i, n;
	int r;

	if (depth > CORE_MAX_DEPTH)
		return 0;
	lt = skip(lb, &lid);
	tt = skip(tb, &tid);
	if (!lt || !tt)
		return -EINVAL;
	lk = eb_btf_kind(lt);
	tk = eb_btf_kind(tt);
	if (lk == BTF_KIND_FWD || tk == BTF_KIND_FWD) {
		bool lc = lk == BTF_KIND_FWD || is_composite_kind(lk);
		bool tc = tk == BTF_KIND_FWD || is_composite_kind(tk);

		return lc && tc && names_match(lb, lt, tb, tt);
	}
	if (!kinds_compat(lk, tk))
		return 0;
	switch (lk) {
	case BTF_KIND_UNKN:
		return 1;
	case BTF_KIND_INT:
		return lt->size == tt->size &&
		       (BTF_INT_ENCODING(eb_btf_int_info(lt)) & BTF_INT_SIGNED) ==
		       (BTF_INT_ENCODING(eb_btf_int_info(tt)) & BTF_INT_SIGNED);
	case BTF_KIND_FLOAT:
		return lt->size == tt->size;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (!names_match(lb, lt, tb, tt) || lt->size != tt->size)
			return 0;
		n = eb_btf_vlen(lt);
		for (i = 0; i < n; i++) {
			uint32_t off = lk == BTF_KIND_ENUM ? eb_btf_enums(lt)[i].name_off :
				       eb_btf_enums64(lt)[i].name_off;
			const char *s = eb_btf_str(lb, off);

			if (!s || !enum_has(tb, tt, s))
				return 0;
		}
		return 1;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (!names_match(lb, lt, tb, tt))
			return 0;
		if (shallow)
			return 1;
		n = eb_btf_vlen(lt);
		if (n > eb_btf_vlen(tt))
			return 0;
		for (i = 0; i < n; i++) {
			const char *s = eb_btf_str(lb, eb_btf_members(lt)[i].name_off);
			uint16_t j, m = eb_btf_vlen(tt);
			bool found = false;

			if (!s || !s[0])
				continue;
			for (j = 0; j < m && !found; j++) {
				const char *ts = eb_btf_str(tb, eb_btf_members(tt)[j].name_off);

				if (!ts || strcmp(s, ts))
					continue;
				r = types_match(lb, eb_btf_members(lt)[i].type, tb,
						eb_btf_members(tt)[j].type, false, depth + 1);
				if (r < 0)
					return r;
				found = r;
				if (!found)
					return 0;
			}
			if (!found)
				return 0;
		}
		return 1;
	case BTF_KIND_PTR:
		return types_match(lb, lt->type, tb, tt->type, true, depth + 1);
	case BTF_KIND_ARRAY:
		if (eb_btf_array(lt)->nelems != eb_btf_array(tt)->nelems)
			return 0;
		return types_match(lb, eb_btf_array(lt)->type, tb, eb_btf_array(tt)->type,
				   shallow, depth + 1);
	case BTF_KIND_FUNC_PROTO:
		n = eb_btf_vlen(lt);
		if (n != eb_btf_vlen(tt))
			return 0;
		for (i = 0; i < n; i++) {
			r = types_match(lb, eb_btf_params(lt)[i].type, tb,
					eb_btf_params(tt)[i].type, shallow, depth + 1);
			if (r <= 0)
				return r;
		}
		return types_match(lb, lt->type, tb, tt->type, shallow, depth + 1);
	default:
		return 0;
	}
}

/* --- specifications ------------------------------------------------------------ */

struct core_acc {
	uint32_t type_id;	/* the struct / array / enum it indexes */
	uint32_t idx;
	const char *name;	/* member / enumerator name; NULL for array indices */
};

struct core_spec {
	const struct eb_btf *btf;
	uint32_t root_id;
	struct core_acc acc[CORE_MAX_SPEC];
	int len;
	uint64_t bit_off;
	uint32_t field_type;	/* type of the accessed field / element */
	uint32_t bf_size;	/* bitfield bits, 0: not a bitfield */
};

static int parse_access(const char *s, uint32_t *raw, int *n)
{
	*n = 0;
	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		uint64_t v = 0;

		if (*s < '0' || *s > '9' || *n >= CORE_MAX_SPEC)
			return -EINVAL;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (uint64_t)(*s++ - '0');
			if (v > UINT32_MAX)
				return -EINVAL;
		}
		raw[(*n)++] = (uint32_t)v;
		if (!*s)
			return 0;
		if (*s++ != ':')
			return -EINVAL;
	}
}

static int spec_fail(struct eb_strbuf *why, const char *what, const char *access)
{
	if (why)
		eb_strbuf_addf(why, "%s (access string '%s')", what, access ? access : "");
	return -EINVAL;
}

static int parse_local(const struct eb_btf *btf, const struct bpf_core_relo *rec,
		       const char *access, struct core_spec *sp, struct eb_strbuf *why)
{
	uint32_t raw[CORE_MAX_SPEC], id = rec->type_id;
	const struct btf_type *t;
	int n, i;
	int64_t sz;

	memset(sp, 0, sizeof(*sp));
	sp->btf = btf;
	sp->root_id = rec->type_id;
	if (parse_access(access, raw, &n))
		return spec_fail(why, "bad access string", access);
	t = eb_btf_type_by_id(btf, id);
	if (!t || !id)
		return spec_fail(why, "bad local type", access);
	if (!is_field_kind(rec->kind) && !is_enumval_kind(rec->kind)) {
		if (n != 1 || raw[0])
			return spec_fail(why, "type relocation with an access string other than \"0\"", access);
		sp->acc[0].type_id = id;
		sp->len = 1;
		return 0;
	}
	t = skip(btf, &id);
	if (!t)
		return spec_fail(why, "bad local type", access);
	if (is_enumval_kind(rec->kind)) {
		if (!is_enum_kind(eb_btf_kind(t)) || n != 1 || raw[0] >= eb_btf_vlen(t))
			return spec_fail(why, "enum value relocation on a non-enum or past its end", access);
		sp->acc[0].type_id = id;
		sp->acc[0].idx = raw[0];
		sp->acc[0].name = eb_btf_str(btf, eb_btf_kind(t) == BTF_KIND_ENUM ?
					     eb_btf_enums(t)[raw[0]].name_off :
					     eb_btf_enums64(t)[raw[0]].name_off);
		if (!sp->acc[0].name)
			return spec_fail(why, "bad enumerator name", access);
		sp->len = 1;
		return 0;
	}
	sz = eb_btf_resolve_size(btf, id);
	if (sz < 0)
		return spec_fail(why, "local root type without a size", access);
	sp->acc[0].type_id = id;
	sp->acc[0].idx = raw[0];
	sp->len = 1;
	sp->bit_off = (uint64_t)raw[0] * (uint64_t)sz * 8;
	sp->field_type = id;
	for (i = 1; i < n; i++) {
		uint32_t cur = sp->field_type;

		t = skip(btf, &cur);
		if (!t)
			return spec_fail(why, "bad type on the access path", access);
		if (is_composite_kind(eb_btf_kind(t))) {
			uint32_t bo, bs;
			const char *name;

			if (raw[i] >= eb_btf_vlen(t) ||
			    eb_btf_member_bitfield(btf, t, raw[i], &bo, &bs))
				return spec_fail(why, "member index past the end", access);
			name = eb_btf_str(btf, eb_btf_members(t)[raw[i]].name_off);
			sp->bit_off += bo;
			sp->bf_size = bs;
			sp->field_type = eb_btf_members(t)[raw[i]].type;
			if (name && name[0]) {
				sp->acc[sp->len].type_id = cur;
				sp->acc[sp->len].idx = raw[i];
				sp->acc[sp->len].name = name;
				sp->len++;
			}
		} else if (eb_btf_kind(t) == BTF_KIND_ARRAY) {
			sz = eb_btf_resolve_size(btf, eb_btf_array(t)->type);
			if (sz < 0)
				return spec_fail(why, "array element without a size", access);
			sp->bit_off += (uint64_t)raw[i] * (uint64_t)sz * 8;
			sp->bf_size = 0;
			sp->field_type = eb_btf_array(t)->type;
			sp->acc[sp->len].type_id = cur;
			sp->acc[sp->len].idx = raw[i];
			sp->acc[sp->len].name = NULL;
			sp->len++;
		} else {
			return spec_fail(why, "index into a scalar", access);
		}
	}
	return 0;
}

/* Find member `name` in composite tid, descending into anonymous members. */
static bool find_member(const struct eb_btf *tb, uint32_t tid, const char *name,
			uint64_t *bit_off, uint32_t *type, uint32_t *bf, int depth)
{
	const struct btf_type *t = skip(tb, &tid);
	uint16_t i, n;

	if (!t || !is_composite_kind(eb_btf_kind(t)) || depth > CORE_MAX_DEPTH)
		return false;
	n = eb_btf_vlen(t);
	for (i = 0; i < n; i++) {
		const struct btf_member *m = &eb_btf_members(t)[i];
		const char *mn = eb_btf_str(tb, m->name_off);
		uint32_t bo, bs;

		if (eb_btf_member_bitfield(tb, t, i, &bo, &bs))
			return false;
		if (mn && mn[0]) {
			if (strcmp(mn, name))
				continue;
			*bit_off += bo;
			*type = m->type;
			*bf = bs;
			return true;
		}
		{
			uint64_t sub = *bit_off + bo;

			if (find_member(tb, m->type, name, &sub, type, bf, depth + 1)) {
				*bit_off = sub;
				return true;
			}
		}
	}
	return false;
}

/* Match the local field spec against candidate cid; 1, 0, or -errno. */
static int match_field(const struct core_spec *ls, const struct eb_btf *tb, uint32_t cid,
		       struct core_spec *ts)
{
	uint32_t id = cid;
	int64_t sz;
	int i, r;

	memset(ts, 0, sizeof(*ts));
	ts->btf = tb;
	ts->root_id = cid;
	if (!skip(tb, &id))
		return -EINVAL;
	sz = eb_btf_resolve_size(tb, id);
	if (sz < 0)
		return 0;
	ts->bit_off = (uint64_t)ls->acc[0].idx * (uint64_t)sz * 8;
	ts->field_type = id;
	ts->acc[0] = ls->acc[0];
	ts->acc[0].type_id = id;
	ts->len = 1;
	for (i = 1; i < ls->len; i++) {
		const struct core_acc *la = &ls->acc[i];
		uint32_t cur = ts->field_type;
		const struct btf_type *t = skip(tb, &cur);

		if (!t)
			return -EINVAL;
		if (la->name) {
			const struct btf_type *lt = eb_btf_type_by_id(ls->btf, la->type_id);
			uint32_t mtype, bf;

			if (!is_composite_kind(eb_btf_kind(t)) ||
			    !find_member(tb, cur, la->name, &ts->bit_off, &mtype, &bf, 0))
				return 0;
			r = fields_compat(ls->btf, eb_btf_members(lt)[la->idx].type, tb, mtype, 0);
			if (r <= 0)
				return r;
			ts->field_type = mtype;
			ts->bf_size = bf;
		} else {
			uint32_t nelems;

			if (eb_btf_kind(t) != BTF_KIND_ARRAY)
				return 0;
			nelems = eb_btf_array(t)->nelems;
			if (nelems && la->idx >= nelems)
				return 0;
			sz = eb_btf_resolve_size(tb, eb_btf_array(t)->type);
			if (sz < 0)
				return 0;
			ts->bit_off += (uint64_t)la->idx * (uint64_t)sz * 8;
			ts->field_type = eb_btf_array(t)->type;
			ts->bf_size = 0;
		}
		ts->acc[ts->len] = *la;
		ts->acc[ts->len].type_id = cur;
		ts->len++;
	}
	return 1;
}

static bool type_signed(const struct eb_btf *btf, uint32_t id)
{
	const struct btf_type *t = skip(btf, &id);

	if (!t)
		return false;
	if (eb_btf_kind(t) == BTF_KIND_INT)
		return BTF_INT_ENCODING(eb_btf_int_info(t)) & BTF_INT_SIGNED;
	if (is_enum_kind(eb_btf_kind(t)))
		return eb_btf_kflag(t);
	return false;
}

/* A field relocation's value in one spec. */
static int field_value(const struct core_spec *sp, uint32_t kind, uint64_t *val,
		       uint32_t *byte_sz_out, struct eb_strbuf *why)
{
	uint64_t byte_off, bit_size, byte_sz;
	int64_t sz = eb_btf_resolve_size(sp->btf, sp->field_type);

	if (sp->bf_size) {
		if (sz <= 0 || sz > 8) {
			if (why)
				eb_strbuf_adds(why, "bitfield of a type without a usable size");
			return -EINVAL;
		}
		byte_sz = (uint64_t)sz;
		byte_off = sp->bit_off / 8 / byte_sz * byte_sz;
		while (sp->bit_off + sp->bf_size - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8) {
				if (why)
					eb_strbuf_adds(why, "bitfield does not fit in 8 bytes");
				return -EINVAL;
			}
			byte_sz *= 2;
			byte_off = sp->bit_off / 8 / byte_sz * byte_sz;
		}
		bit_size = sp->bf_size;
	} else {
		if (sz < 0) {
			if (kind == BPF_CORE_FIELD_EXISTS || kind == BPF_CORE_FIELD_BYTE_OFFSET)
				sz = 0;
			else {
				if (why)
					eb_strbuf_adds(why, "field without a size");
				return -EINVAL;
			}
		}
		byte_sz = (uint64_t)sz;
		byte_off = sp->bit_off / 8;
		bit_size = byte_sz * 8;
	}
	*byte_sz_out = (uint32_t)byte_sz;
	switch (kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		*val = byte_off;
		break;
	case BPF_CORE_FIELD_BYTE_SIZE:
		*val = byte_sz;
		break;
	case BPF_CORE_FIELD_EXISTS:
		*val = 1;
		break;
	case BPF_CORE_FIELD_SIGNED:
		*val = type_signed(sp->btf, sp->field_type);
		break;
	case BPF_CORE_FIELD_LSHIFT_U64:
		*val = 64 - (sp->bit_off + bit_size - byte_off * 8);
		break;
	case BPF_CORE_FIELD_RSHIFT_U64:
		*val = 64 - bit_size;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/* Value of the relocation in spec sp (local or a matched candidate). */
static int spec_value(const struct core_spec *sp, uint32_t kind, uint64_t *val,
		      uint32_t *sz, struct eb_strbuf *why)
{
	int64_t s;

	*sz = 0;
	if (is_field_kind(kind))
		return field_value(sp, kind, val, sz, why);
	switch (kind) {
	case BPF_CORE_TYPE_ID_LOCAL:
	case BPF_CORE_TYPE_ID_TARGET:
		*val = sp->root_id;
		return 0;
	case BPF_CORE_TYPE_EXISTS:
	case BPF_CORE_TYPE_MATCHES:
	case BPF_CORE_ENUMVAL_EXISTS:
		*val = 1;
		return 0;
	case BPF_CORE_TYPE_SIZE:
		s = eb_btf_resolve_size(sp->btf, sp->root_id);
		if (s < 0) {
			if (why)
				eb_strbuf_adds(why, "type without a size");
			return -EINVAL;
		}
		*val = (uint64_t)s;
		return 0;
	case BPF_CORE_ENUMVAL_VALUE:
		*val = enum_val(eb_btf_type_by_id(sp->btf, sp->acc[0].type_id),
				(int)sp->acc[0].idx);
		return 0;
	default:
		if (why)
			eb_strbuf_addf(why, "unknown relocation kind %u", kind);
		return -EINVAL;
	}
}

/* Does candidate cid match?  Fills ts for value computation. */
static int match_cand(const struct core_spec *ls, uint32_t kind, const struct eb_btf *tb,
		      uint32_t cid, struct core_spec *ts)
{
	uint32_t id = cid;
	const struct btf_type *t;
	int r;

	if (is_field_kind(kind))
		return match_field(ls, tb, cid, ts);
	memset(ts, 0, sizeof(*ts));
	ts->btf = tb;
	ts->root_id = cid;
	ts->len = 1;
	if (is_enumval_kind(kind)) {
		t = skip(tb, &id);
		if (!t || !is_enum_kind(eb_btf_kind(t)))
			return 0;
		ts->acc[0].type_id = id;
		ts->acc[0].name = ls->acc[0].name;
		r = enum_find(tb, t, ls->acc[0].name);
		if (r < 0)
			return 0;
		ts->acc[0].idx = (uint32_t)r;
		return 1;
	}
	ts->acc[0].type_id = cid;
	if (kind == BPF_CORE_TYPE_MATCHES)
		return types_match(ls->btf, ls->root_id, tb, cid, false, 0);
	return types_compat(ls->btf, ls->root_id, tb, cid, 0);
}

int eb_core_calc(struct eb_core_cache *cache, const struct bpf_core_relo *rec,
		 struct eb_core_res *res, struct eb_strbuf *why)
{
	const char *access = eb_btf_str(cache->local, rec->access_str_off);
	struct core_spec *ls = NULL, *ts = NULL;
	const struct cand_list *cands;
	const char *name;
	bool found = false;
	uint32_t i;
	int err;

	memset(res, 0, sizeof(*res));
	ls = malloc(sizeof(*ls));
	ts = malloc(sizeof(*ts));
	if (!ls || !ts) {
		err = -ENOMEM;
		goto out;
	}
	err = parse_local(cache->local, rec, access, ls, why);
	if (err)
		goto out;
	if (rec->kind == BPF_CORE_TYPE_ID_LOCAL) {
		res->orig_val = res->new_val = rec->type_id;
		goto out;
	}
	name = eb_btf_name(cache->local, rec->type_id);
	if (!name || !name[0]) {
		if (why)
			eb_strbuf_addf(why, "%s relocation against an anonymous type",
				       eb_core_kind_str(rec->kind));
		err = -EINVAL;
		goto out;
	}
	err = spec_value(ls, rec->kind, &res->orig_val, &res->orig_sz, why);
	if (err)
		goto out;
	res->bitfield = ls->bf_size != 0;
	cands = cache_find(cache, rec->type_id);
	for (i = 0; cands && i < cands->cnt; i++) {
		uint64_t v;
		uint32_t sz;
		int r = match_cand(ls, rec->kind, cache->target, cands->ids[i], ts);

		if (r < 0) {
			err = r;
			goto out;
		}
		if (!r)
			continue;
		err = spec_value(ts, rec->kind, &v, &sz, why);
		if (err)
			goto out;
		if (found && (v != res->new_val || sz != res->new_sz)) {
			if (why)
				eb_strbuf_addf(why, "%s of '%s' (access '%s') is ambiguous: target types %u and %u give %" PRIu64 " and %" PRIu64,
					       eb_core_kind_str(rec->kind), name, access,
					       res->target_id, cands->ids[i], res->new_val, v);
			err = -EINVAL;
			goto out;
		}
		if (!found) {
			found = true;
			res->new_val = v;
			res->new_sz = sz;
			res->target_id = cands->ids[i];
			res->bitfield = res->bitfield || ts->bf_size;
		}
	}
	if (!found) {
		switch (rec->kind) {
		case BPF_CORE_FIELD_EXISTS:
		case BPF_CORE_TYPE_EXISTS:
		case BPF_CORE_TYPE_MATCHES:
		case BPF_CORE_ENUMVAL_EXISTS:
			res->new_val = 0;
			break;
		default:
			res->poison = true;
			break;
		}
	}
out:
	free(ls);
	free(ts);
	return err;
}

/* --- patching --------------------------------------------------------------- */

static void poison(struct bpf_insn *insn)
{
	memset(insn, 0, sizeof(*insn));
	insn->code = BPF_JMP | BPF_CALL;
	insn->imm = EB_CORE_POISON_HELPER;
}

static int size_code(uint32_t bytes)
{
	switch (bytes) {
	case 1:
		return BPF_B;
	case 2:
		return BPF_H;
	case 4:
		return BPF_W;
	case 8:
		return BPF_DW;
	default:
		return -1;
	}
}

static uint32_t code_size(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	default:
		return 8;
	}
}

int eb_core_patch(struct bpf_insn *insns, size_t cnt, size_t idx,
		  const struct bpf_core_relo *rec, const struct eb_core_res *res,
		  struct eb_strbuf *why)
{
	struct bpf_insn *insn;
	uint8_t cls;
	int64_t v = (int64_t)res->new_val;

	if (idx >= cnt) {
		if (why)
			eb_strbuf_addf(why, "instruction %zu is past the end (%zu)", idx, cnt);
		return -EINVAL;
	}
	insn = &insns[idx];
	cls = BPF_CLASS(insn->code);
	if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
		if (idx + 1 >= cnt) {
			if (why)
				eb_strbuf_addf(why, "ld_imm64 at %zu is cut off", idx);
			return -EINVAL;
		}
		if (res->poison) {
			poison(&insn[0]);
			poison(&insn[1]);
			return 0;
		}
		insn[0].imm = (int32_t)(uint32_t)res->new_val;
		insn[1].imm = (int32_t)(uint32_t)(res->new_val >> 32);
		return 0;
	}
	if (res->poison) {
		poison(insn);
		return 0;
	}
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(insn->code) != BPF_K)
			break;
		if (v != (int32_t)v && !(cls == BPF_ALU && res->new_val <= UINT32_MAX)) {
			if (why)
				eb_strbuf_addf(why, "value %" PRIu64 " does not fit the immediate of insn %zu",
					       res->new_val, idx);
			return -EINVAL;
		}
		insn->imm = (int32_t)(uint32_t)res->new_val;
		return 0;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		if (rec->kind != BPF_CORE_FIELD_BYTE_OFFSET)
			break;
		if (v != (int16_t)v) {
			if (why)
				eb_strbuf_addf(why, "offset %" PRIu64 " does not fit insn %zu", res->new_val, idx);
			return -EINVAL;
		}
		insn->off = (int16_t)v;
		if (res->orig_sz && res->new_sz != res->orig_sz &&
		    code_size(insn->code) == res->orig_sz) {
			int sc = size_code(res->new_sz);

			if (sc < 0 || res->bitfield) {
				poison(insn);
				return 0;
			}
			insn->code = (uint8_t)((insn->code & ~0x18) | sc);
		}
		return 0;
	default:
		break;
	}
	if (why)
		eb_strbuf_addf(why, "%s relocation on insn %zu (opcode 0x%02x) that cannot take it",
			       eb_core_kind_str(rec->kind), idx, insn->code);
	return -EINVAL;
}
