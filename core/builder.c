/* SPDX-License-Identifier: MIT */
/*
 * builder.c - a growable program with labels and named map references
 * patched in a final resolve step (see builder.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "log.h"
#include "util.h"

enum ref_kind {
	REF_JMP,	/* off of a jump */
	REF_GOTOL,	/* imm of gotol */
	REF_CALL,	/* imm of a BPF-to-BPF call */
	REF_FUNC,	/* imm of ld_imm64 BPF_PSEUDO_FUNC */
	REF_MAP,	/* imm of ld_imm64 BPF_PSEUDO_MAP_FD / MAP_VALUE */
};

struct label {
	char *name;
	size_t idx;
};

struct ref {
	enum ref_kind kind;
	size_t idx;	/* the referring instruction */
	char *name;
};

struct eb_builder {
	struct bpf_insn *insns;
	size_t cnt, cap;
	struct label *labels;	/* sorted by name */
	size_t nlabels, cap_labels;
	struct ref *refs;	/* in emission order */
	size_t nrefs, cap_refs;
	int err;		/* sticky: the first failure */
};

static void set_err(struct eb_builder *b, int err)
{
	if (!b->err)
		b->err = err;
}

/* Make room for `extra` more elements of `size` in *arr (cap in *cap). */
static int grow(void **arr, size_t *cap, size_t used, size_t extra,
		size_t size)
{
	size_t want, ncap;
	void *p;

	if (used + extra <= *cap)
		return 0;
	want = used + extra;
	if (want < used)
		return -ENOMEM;
	ncap = *cap ? *cap : 16;
	while (ncap < want) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	p = eb_reallocarray(*arr, ncap, size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

struct eb_builder *eb_builder_new(void)
{
	return calloc(1, sizeof(struct eb_builder));
}

static void drop_symbols(struct eb_builder *b)
{
	size_t i;

	for (i = 0; i < b->nlabels; i++)
		free(b->labels[i].name);
	for (i = 0; i < b->nrefs; i++)
		free(b->refs[i].name);
	eb_zfree(&b->labels);
	eb_zfree(&b->refs);
	b->nlabels = b->cap_labels = 0;
	b->nrefs = b->cap_refs = 0;
}

void eb_builder_free(struct eb_builder *b)
{
	if (!b)
		return;
	drop_symbols(b);
	free(b->insns);
	free(b);
}

void eb_builder_emitv(struct eb_builder *b, const struct bpf_insn *insns,
		      size_t n)
{
	if (!b || !n)
		return;
	if (grow((void **)&b->insns, &b->cap, b->cnt, n, sizeof(*insns))) {
		set_err(b, -ENOMEM);
		return;
	}
	memcpy(&b->insns[b->cnt], insns, n * sizeof(*insns));
	b->cnt += n;
}

void eb_builder_emit(struct eb_builder *b, struct bpf_insn insn)
{
	eb_builder_emitv(b, &insn, 1);
}

size_t eb_builder_len(const struct eb_builder *b)
{
	return b ? b->cnt : 0;
}

static bool name_ok(struct eb_builder *b, const char *name, const char *what)
{
	if (name && *name)
		return true;
	eb_warn("builder", "%s without a name at insn %zu", what, b->cnt);
	set_err(b, -EINVAL);
	return false;
}

/* Index of the first label whose name is >= name. */
static size_t label_pos(const struct eb_builder *b, const char *name)
{
	size_t lo = 0, hi = b->nlabels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(b->labels[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct label *label_find(const struct eb_builder *b,
				      const char *name)
{
	size_t pos = label_pos(b, name);

	if (pos < b->nlabels && !strcmp(b->labels[pos].name, name))
		return &b->labels[pos];
	return NULL;
}

void eb_builder_label(struct eb_builder *b, const char *name)
{
	const struct label *old;
	size_t pos;
	char *copy;

	if (!b || !name_ok(b, name, "label"))
		return;
	old = label_find(b, name);
	if (old) {
		eb_warn("builder", "duplicate label '%s' at insn %zu (first at insn %zu)",
			name, b->cnt, old->idx);
		set_err(b, -EEXIST);
		return;
	}
	pos = label_pos(b, name);
	copy = strdup(name);
	if (!copy || grow((void **)&b->labels, &b->cap_labels, b->nlabels, 1,
			  sizeof(*b->labels))) {
		free(copy);
		set_err(b, -ENOMEM);
		return;
	}
	memmove(&b->labels[pos + 1], &b->labels[pos],
		(b->nlabels - pos) * sizeof(*b->labels));
	b->labels[pos].name = copy;
	b->labels[pos].idx = b->cnt;
	b->nlabels++;
}

/* Emit n slots and record a reference from the first of them. */
static void emit_ref(struct eb_builder *b, const struct bpf_insn *insns,
		     size_t n, enum ref_kind kind, const char *name)
{
	struct ref *r;
	char *copy;

	copy = strdup(name);
	if (!copy || grow((void **)&b->refs, &b->cap_refs, b->nrefs, 1,
			  sizeof(*b->refs))) {
		free(copy);
		set_err(b, -ENOMEM);
		/* Keep the indices of later instructions right anyway. */
		eb_builder_emitv(b, insns, n);
		return;
	}
	r = &b->refs[b->nrefs++];
	r->kind = kind;
	r->idx = b->cnt;
	r->name = copy;
	eb_builder_emitv(b, insns, n);
}

void eb_builder_jmp_label(struct eb_builder *b, struct bpf_insn insn,
			  const char *label)
{
	uint8_t cls = BPF_CLASS(insn.code), op = BPF_OP(insn.code);
	enum ref_kind kind = REF_JMP;

	if (!b || !name_ok(b, label, "jump"))
		return;
	if ((cls != BPF_JMP && cls != BPF_JMP32) || op == BPF_CALL ||
	    op == BPF_EXIT || (cls == BPF_JMP32 && op == BPF_JCOND)) {
		eb_warn("builder", "jump to '%s' at insn %zu: opcode 0x%02x is not a jump",
			label, b->cnt, insn.code);
		set_err(b, -EINVAL);
		eb_builder_emit(b, insn);
		return;
	}
	if (cls == BPF_JMP32 && op == BPF_JA)
		kind = REF_GOTOL;
	emit_ref(b, &insn, 1, kind, label);
}

void eb_builder_call_label(struct eb_builder *b, const char *label)
{
	struct bpf_insn insn = eb_insn_call_pseudo(-1);

	if (!b || !name_ok(b, label, "call"))
		return;
	emit_ref(b, &insn, 1, REF_CALL, label);
}

void eb_builder_ld_func_label(struct eb_builder *b, uint8_t dst,
			      const char *label)
{
	struct bpf_insn insns[2];

	if (!b || !name_ok(b, label, "function load"))
		return;
	eb_insn_ld_func(insns, dst, 0);
	emit_ref(b, insns, 2, REF_FUNC, label);
}

void eb_builder_ld_map(struct eb_builder *b, uint8_t dst, const char *map)
{
	struct bpf_insn insns[2];

	if (!b || !name_ok(b, map, "map load"))
		return;
	eb_insn_ld_map_fd(insns, dst, -1);
	emit_ref(b, insns, 2, REF_MAP, map);
}

void eb_builder_ld_map_value(struct eb_builder *b, uint8_t dst,
			     const char *map, uint32_t off)
{
	struct bpf_insn insns[2];

	if (!b || !name_ok(b, map, "map value load"))
		return;
	eb_insn_ld_map_value(insns, dst, -1, off);
	emit_ref(b, insns, 2, REF_MAP, map);
}

/* --- resolution ----------------------------------------------------------- */

static bool same_namespace(enum ref_kind a, enum ref_kind b)
{
	return (a == REF_MAP) == (b == REF_MAP);
}

/* Report an unresolved name once, at its first reference. */
static void report_missing(const struct eb_builder *b, size_t i)
{
	const struct ref *r = &b->refs[i];
	size_t j, more = 0;

	for (j = 0; j < b->nrefs; j++) {
		if (j == i || !same_namespace(r->kind, b->refs[j].kind) ||
		    strcmp(r->name, b->refs[j].name))
			continue;
		if (j < i)
			return;		/* reported with the earlier one */
		more++;
	}
	if (more)
		eb_warn("builder", "unresolved %s '%s' at insn %zu (and %zu more)",
			r->kind == REF_MAP ? "map" : "label", r->name, r->idx,
			more);
	else
		eb_warn("builder", "unresolved %s '%s' at insn %zu",
			r->kind == REF_MAP ? "map" : "label", r->name, r->idx);
}

/* Compute the value for reference i into *val.  0, -ENOENT (unresolved),
 * -ERANGE (logged) or the resolver's error (logged). */
static int ref_value(const struct eb_builder *b, size_t i,
		     eb_builder_map_fn resolve_map, void *ctx, int64_t *val)
{
	const struct ref *r = &b->refs[i];
	const struct label *l;
	int64_t rel, lo, hi;
	int fd;

	if (r->kind == REF_MAP) {
		if (!resolve_map)
			return -ENOENT;
		fd = resolve_map(ctx, r->name);
		if (fd == -ENOENT)
			return -ENOENT;
		if (fd < 0) {
			eb_warn("builder", "map '%s' at insn %zu: %s", r->name,
				r->idx, strerror(-fd));
			return fd;
		}
		*val = fd;
		return 0;
	}
	l = label_find(b, r->name);
	if (!l)
		return -ENOENT;
	rel = (int64_t)l->idx - (int64_t)r->idx - 1;
	if (r->kind == REF_JMP) {
		lo = INT16_MIN;
		hi = INT16_MAX;
	} else {
		lo = INT32_MIN;
		hi = INT32_MAX;
	}
	if (rel < lo || rel > hi) {
		eb_warn("builder", "%s '%s' at insn %zu: offset %lld does not fit in %d bits",
			r->kind == REF_JMP || r->kind == REF_GOTOL ? "jump to" :
			"call to", r->name, r->idx, (long long)rel,
			r->kind == REF_JMP ? 16 : 32);
		return -ERANGE;
	}
	*val = rel;
	return 0;
}

int eb_builder_resolve(struct eb_builder *b, eb_builder_map_fn resolve_map,
		       void *ctx)
{
	int64_t *vals;
	int err = 0, missing = 0, other = 0, range = 0;
	size_t i;

	if (!b)
		return -ENOMEM;
	if (b->err)
		return b->err;
	if (!b->nrefs)
		return 0;
	vals = eb_calloc(b->nrefs, sizeof(*vals));
	if (!vals)
		return -ENOMEM;

	for (i = 0; i < b->nrefs; i++) {
		err = ref_value(b, i, resolve_map, ctx, &vals[i]);
		if (err == -ENOENT) {
			report_missing(b, i);
			missing = err;
		} else if (err == -ERANGE) {
			range = err;
		} else if (err && !other) {
			other = err;
		}
	}
	err = missing ?: other ?: range;
	if (err)
		goto out;

	for (i = 0; i < b->nrefs; i++) {
		struct bpf_insn *insn = &b->insns[b->refs[i].idx];

		if (b->refs[i].kind == REF_JMP)
			insn->off = (int16_t)vals[i];
		else
			insn->imm = (int32_t)vals[i];
		free(b->refs[i].name);
	}
	b->nrefs = 0;
out:
	free(vals);
	return err;
}

int eb_builder_error(const struct eb_builder *b)
{
	return b ? b->err : -ENOMEM;
}

const struct bpf_insn *eb_builder_insns(const struct eb_builder *b,
					size_t *cnt)
{
	if (cnt)
		*cnt = b ? b->cnt : 0;
	return b ? b->insns : NULL;
}

struct bpf_insn *eb_builder_detach(struct eb_builder *b, size_t *cnt)
{
	struct bpf_insn *insns;

	if (cnt)
		*cnt = b ? b->cnt : 0;
	if (!b)
		return NULL;
	insns = b->insns;
	b->insns = NULL;
	b->cnt = b->cap = 0;
	drop_symbols(b);
	return insns;
}
