/* SPDX-License-Identifier: MIT */
/*
 * relo.c - relocation records and the relocation passes.
 *
 * At open, every SHT_REL section that patches code is turned into
 * struct eb_reloc records on the function that holds the instruction
 * (map fd, map value, call, function pointer), plus one CALL record for
 * each pc-relative call clang resolved itself (no ELF relocation).
 *
 * At load, obj_relocate_prog() builds a program's final instruction
 * array: the program first, then every subprogram it reaches (through
 * calls and function pointers, recursively), each appended once.  Then it
 * runs the table of passes below over the relocation records of every
 * function in that array.  CO-RE will be one more pass over .BTF.ext
 * core_relo records.  func_info / line_info from .BTF.ext are rebased from
 * byte offsets in the ELF section to instruction indices in the array.
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

const char *eb_reloc_kind_str(enum eb_reloc_kind kind)
{
	switch (kind) {
	case EB_RELO_MAP_FD:
		return "map_fd";
	case EB_RELO_MAP_VALUE:
		return "map_value";
	case EB_RELO_CALL:
		return "call";
	case EB_RELO_FUNC_PTR:
		return "func_ptr";
	case EB_RELO_CORE:
		return "core";
	case EB_RELO_EXTERN:
		return "extern";
	case EB_RELO_KFUNC:
		return "kfunc";
	}
	return "?";
}

static bool is_ldimm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static bool is_pseudo_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL;
}

/* The function starting exactly at instruction `insn` of section shndx. */
static int func_at(const struct eb_object *obj, unsigned int shndx, uint64_t insn)
{
	unsigned int i;

	for (i = 0; i < obj->func_cnt; i++)
		if (obj->funcs[i].sec_idx == shndx && obj->funcs[i].sec_off == insn)
			return (int)i;
	return -1;
}

int obj_func_at(const struct eb_object *obj, unsigned int shndx, uint64_t insn)
{
	return func_at(obj, shndx, insn);
}

/* The function containing byte offset off of section shndx. */
static struct eb_prog *func_holding(struct eb_object *obj, unsigned int shndx, uint64_t off)
{
	unsigned int i;

	for (i = 0; i < obj->func_cnt; i++) {
		struct eb_prog *p = &obj->funcs[i];
		uint64_t start = (uint64_t)p->sec_off * EB_INSN_SZ;

		if (p->sec_idx == shndx && off >= start && off - start < p->insn_cnt * EB_INSN_SZ)
			return p;
	}
	return NULL;
}

struct relo_vec {
	struct eb_reloc *v;
	uint32_t cnt, cap;
};

static struct eb_reloc *relo_add(struct relo_vec *rv)
{
	if (rv->cnt == rv->cap) {
		uint32_t cap = rv->cap ? rv->cap * 2 : 8;
		struct eb_reloc *v = eb_reallocarray(rv->v, cap, sizeof(*v));

		if (!v)
			return NULL;
		rv->v = v;
		rv->cap = cap;
	}
	memset(&rv->v[rv->cnt], 0, sizeof(rv->v[0]));
	rv->v[rv->cnt].map_idx = -1;
	rv->v[rv->cnt].func_idx = -1;
	rv->v[rv->cnt].ext_idx = -1;
	return &rv->v[rv->cnt++];
}

/* Classify one ELF relocation of code. */
static int record_relo(struct eb_object *obj, const struct eb_section *rs,
		       const struct eb_section *ts, const Elf64_Rel *r,
		       struct relo_vec *vecs)
{
	const struct eb_elf_sym *sym;
	const struct eb_section *ss;
	const struct bpf_insn *insn;
	struct eb_reloc *rel;
	struct eb_prog *fn;
	uint32_t idx;
	uint64_t off;
	int target;

	if (ELF64_R_SYM(r->r_info) >= obj->sym_cnt) {
		obj_warn(obj, "elf", "section '%s': relocation at offset %llu: bad symbol index %llu",
			 rs->name, (unsigned long long)r->r_offset,
			 (unsigned long long)ELF64_R_SYM(r->r_info));
		return -EINVAL;
	}
	sym = &obj->syms[ELF64_R_SYM(r->r_info)];
	if (r->r_offset >= ts->size || r->r_offset % EB_INSN_SZ) {
		obj_warn(obj, "elf", "section '%s': relocation against '%s' at offset %llu is %s section '%s' (%llu bytes)",
			 rs->name, sym->name, (unsigned long long)r->r_offset,
			 r->r_offset >= ts->size ? "outside" : "not on an instruction of",
			 ts->name, (unsigned long long)ts->size);
		return -EINVAL;
	}
	fn = func_holding(obj, ts->idx, r->r_offset);
	if (!fn) {
		obj_warn(obj, "elf", "section '%s': relocation against '%s' at offset %llu is outside any function",
			 rs->name, sym->name, (unsigned long long)r->r_offset);
		return -EINVAL;
	}
	idx = (uint32_t)(r->r_offset / EB_INSN_SZ - fn->sec_off);
	insn = &fn->insns[idx];
	if (sym->shndx == SHN_UNDEF && sym->name[0]) {
		int ext = obj_find_extern(obj, sym->name);
		bool call = insn->code == (BPF_JMP | BPF_CALL);

		if (ext < 0 || (call && obj->externs[ext].kind != EB_EXT_KFUNC) ||
		    (!call && !is_ldimm64(insn)) || (!call && idx + 1 >= fn->insn_cnt)) {
			obj_warn(obj, "elf", "program '%s': relocation at insn %u against extern '%s' that is %s",
				 fn->name, idx, sym->name, ext < 0 ? "not declared in BTF" :
				 call ? "not a function" : "not on an ld_imm64");
			return -EINVAL;
		}
		rel = relo_add(&vecs[fn - obj->funcs]);
		if (!rel)
			return -ENOMEM;
		rel->insn_idx = idx;
		rel->sym_name = sym->name;
		rel->kind = call ? EB_RELO_KFUNC : EB_RELO_EXTERN;
		rel->ext_idx = ext;
		return 0;
	}
	if (sym->shndx == SHN_UNDEF || sym->shndx >= obj->sec_cnt) {
		obj_warn(obj, "elf", "program '%s': relocation at insn %u against %s symbol '%s'",
			 fn->name, idx, sym->shndx == SHN_UNDEF ? "undefined unnamed" :
			 "section-less", sym->name);
		return -EINVAL;
	}
	ss = &obj->secs[sym->shndx];
	rel = relo_add(&vecs[fn - obj->funcs]);
	if (!rel)
		return -ENOMEM;
	rel->insn_idx = idx;
	rel->sym_name = sym->name;
	rel->map_idx = -1;
	rel->func_idx = -1;

	if (is_pseudo_call(insn)) {
		if (ss->kind != EB_SEC_PROG || sym->value % EB_INSN_SZ) {
			obj_warn(obj, "elf", "program '%s': call at insn %u against '%s', which is not code",
				 fn->name, idx, sym->name);
			return -EINVAL;
		}
		off = sym->value / EB_INSN_SZ + (uint64_t)(int64_t)insn->imm + 1;
		target = func_at(obj, ss->idx, off);
		if (target < 0) {
			obj_warn(obj, "elf", "program '%s': call at insn %u to a missing subprogram ('%s'+%d)",
				 fn->name, idx, sym->name, insn->imm);
			return -EINVAL;
		}
		rel->kind = EB_RELO_CALL;
		rel->func_idx = target;
		return 0;
	}
	if (!is_ldimm64(insn)) {
		obj_warn(obj, "elf", "program '%s': relocation against '%s' at insn %u (opcode 0x%02x) is not on an ld_imm64 or call",
			 fn->name, sym->name, idx, insn->code);
		return -EINVAL;
	}
	if (idx + 1 >= fn->insn_cnt) {
		obj_warn(obj, "elf", "program '%s': ld_imm64 at insn %u against '%s' is split across the end of section '%s'",
			 fn->name, idx, sym->name, ts->name);
		return -EINVAL;
	}
	switch (ss->kind) {
	case EB_SEC_PROG:
		off = sym->value + (uint64_t)(int64_t)insn->imm;
		target = off % EB_INSN_SZ ? -1 : func_at(obj, ss->idx, off / EB_INSN_SZ);
		if (target < 0) {
			obj_warn(obj, "elf", "program '%s': function pointer at insn %u to a missing subprogram ('%s'+%d)",
				 fn->name, idx, sym->name, insn->imm);
			return -EINVAL;
		}
		rel->kind = EB_RELO_FUNC_PTR;
		rel->func_idx = target;
		return 0;
	case EB_SEC_MAPS:
	case EB_SEC_MAPS_LEGACY:
		off = sym->value;
		if (sym->type == STT_SECTION)
			off += (uint64_t)(int64_t)insn->imm;
		rel->kind = EB_RELO_MAP_FD;
		rel->map_idx = obj_find_map_by_sym(obj, ss->idx, off);
		if (rel->map_idx < 0) {
			obj_warn(obj, "elf", "program '%s': relocation at insn %u against '%s': no map at offset %llu of section '%s'",
				 fn->name, idx, sym->name, (unsigned long long)off, ss->name);
			return -EINVAL;
		}
		return 0;
	case EB_SEC_DATA:
		off = sym->value + (uint64_t)(int64_t)insn->imm;
		rel->kind = EB_RELO_MAP_VALUE;
		rel->map_idx = ss->map_idx;
		if (rel->map_idx < 0 || off > ss->size) {
			obj_warn(obj, "elf", "program '%s': relocation at insn %u against '%s': offset %lld is outside section '%s' (%llu bytes)",
				 fn->name, idx, sym->name, (long long)off, ss->name,
				 (unsigned long long)ss->size);
			return -EINVAL;
		}
		rel->map_off = (uint32_t)off;
		return 0;
	default:
		obj_warn(obj, "elf", "program '%s': relocation at insn %u against '%s' in section '%s', which is neither code, map nor data",
			 fn->name, idx, sym->name, ss->name);
		return -EINVAL;
	}
}

static int code_relos(struct eb_object *obj, const struct eb_section *rs,
		      struct relo_vec *vecs)
{
	const struct obj_sec_data *d = &obj->sdata[rs->idx];
	const struct eb_section *ts = &obj->secs[rs->relo_for];
	size_t i, n = d->size / sizeof(Elf64_Rel);
	int err;

	if (d->size % sizeof(Elf64_Rel)) {
		obj_warn(obj, "elf", "section '%s': size %zu is not a multiple of %zu",
			 rs->name, d->size, sizeof(Elf64_Rel));
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		Elf64_Rel r;

		memcpy(&r, (const char *)d->buf + i * sizeof(r), sizeof(r));
		err = record_relo(obj, rs, ts, &r, vecs);
		if (err)
			return err;
	}
	return 0;
}

static int cmp_relo(const void *a, const void *b)
{
	const struct eb_reloc *x = a, *y = b;

	return x->insn_idx < y->insn_idx ? -1 : x->insn_idx > y->insn_idx;
}

static bool has_relo_at(const struct relo_vec *rv, uint32_t idx)
{
	uint32_t i;

	for (i = 0; i < rv->cnt; i++)
		if (rv->v[i].insn_idx == idx)
			return true;
	return false;
}

/* pc-relative calls inside one section that clang left without a relocation */
static int implicit_calls(struct eb_object *obj, unsigned int fi, struct relo_vec *rv)
{
	struct eb_prog *fn = &obj->funcs[fi];
	uint32_t i;

	for (i = 0; i < fn->insn_cnt; i++) {
		const struct bpf_insn *insn = &fn->insns[i];
		struct eb_reloc *rel;
		int64_t off;
		int target;

		if (!is_pseudo_call(insn) || has_relo_at(rv, i))
			continue;
		off = (int64_t)fn->sec_off + i + insn->imm + 1;
		target = off < 0 ? -1 : func_at(obj, fn->sec_idx, (uint64_t)off);
		if (target < 0) {
			obj_warn(obj, "elf", "program '%s': call at insn %u to a missing subprogram (insn %lld of section '%s')",
				 fn->name, i, (long long)off, fn->sec_name);
			return -EINVAL;
		}
		rel = relo_add(rv);
		if (!rel)
			return -ENOMEM;
		rel->kind = EB_RELO_CALL;
		rel->insn_idx = i;
		rel->sym_name = "";
		rel->map_idx = -1;
		rel->func_idx = target;
	}
	return 0;
}

/* CO-RE records of .BTF.ext, attached to the functions they patch. */
int obj_collect_core_relos(struct eb_object *obj, void *vecs_arg)
{
	struct relo_vec *vecs = vecs_arg;
	const struct eb_btf_ext *ext = obj->btf_ext;
	uint32_t i, j;

	if (!ext)
		return 0;
	for (i = 0; i < ext->core_relo_cnt; i++) {
		const struct eb_btf_ext_sec *es = &ext->core_relo[i];
		int sec = -1;
		unsigned int k;

		for (k = 1; k < obj->sec_cnt; k++)
			if (obj->secs[k].kind == EB_SEC_PROG &&
			    !strcmp(obj->secs[k].name, es->sec_name))
				sec = (int)k;
		if (sec < 0) {
			obj_warn(obj, "elf", ".BTF.ext: CO-RE records for section '%s', which is not code",
				 es->sec_name);
			return -EINVAL;
		}
		for (j = 0; j < es->nr; j++) {
			const struct bpf_core_relo *cr =
				(const void *)((const char *)es->recs + (size_t)j * es->rec_size);
			struct eb_prog *fn = func_holding(obj, (unsigned int)sec, cr->insn_off);
			struct eb_reloc *rel;

			if (!fn) {
				obj_warn(obj, "elf", ".BTF.ext: CO-RE record %u of section '%s' at byte %u is outside any function",
					 j, es->sec_name, cr->insn_off);
				return -EINVAL;
			}
			rel = relo_add(&vecs[fn - obj->funcs]);
			if (!rel)
				return -ENOMEM;
			rel->kind = EB_RELO_CORE;
			rel->insn_idx = cr->insn_off / EB_INSN_SZ - fn->sec_off;
			rel->sym_name = eb_btf_str(obj->btf, cr->access_str_off);
			if (!rel->sym_name)
				rel->sym_name = "";
			rel->core_kind = cr->kind;
			rel->core_type_id = cr->type_id;
			rel->core_access_off = cr->access_str_off;
		}
	}
	return 0;
}

int obj_collect_relos(struct eb_object *obj)
{
	struct relo_vec *vecs;
	unsigned int i;
	int err = 0;

	vecs = eb_calloc(obj->func_cnt, sizeof(*vecs));
	if (!vecs)
		return -ENOMEM;
	for (i = 0; i < obj->sec_cnt && !err; i++) {
		const struct eb_section *rs = &obj->secs[i];

		if (rs->kind != EB_SEC_RELO)
			continue;
		if (obj->secs[rs->relo_for].kind == EB_SEC_PROG)
			err = code_relos(obj, rs, vecs);
		else if (obj->secs[rs->relo_for].kind == EB_SEC_MAPS)
			err = obj_collect_map_slots(obj, i);
	}
	for (i = 0; i < obj->func_cnt && !err; i++)
		err = implicit_calls(obj, i, &vecs[i]);
	if (!err)
		err = obj_collect_core_relos(obj, vecs);
	for (i = 0; i < obj->func_cnt; i++) {
		if (err) {
			free(vecs[i].v);
			continue;
		}
		if (vecs[i].cnt)
			qsort(vecs[i].v, vecs[i].cnt, sizeof(*vecs[i].v), cmp_relo);
		obj->funcs[i].relocs = vecs[i].v;
		obj->funcs[i].reloc_cnt = vecs[i].cnt;
	}
	free(vecs);
	return err;
}

/* --- the passes ------------------------------------------------------------------ */

/* A program being linked: which functions sit where in the final array. */
struct link {
	struct eb_object *obj;
	struct bpf_insn *insns;
	uint32_t cnt;
	unsigned int *funcs;	/* function index, in placement order */
	uint32_t *base;		/* first instruction of each in insns */
	unsigned int nfuncs;
};

static int link_base_of(const struct link *lk, int func_idx)
{
	unsigned int i;

	for (i = 0; i < lk->nfuncs; i++)
		if ((int)lk->funcs[i] == func_idx)
			return (int)lk->base[i];
	return -1;
}

typedef int (*relo_pass_fn)(struct link *lk, const struct eb_prog *fn, uint32_t base,
			    const struct eb_reloc *r);

static int pass_map_fd(struct link *lk, const struct eb_prog *fn, uint32_t base,
		       const struct eb_reloc *r)
{
	struct bpf_insn *insn = &lk->insns[base + r->insn_idx];

	insn[0].src_reg = BPF_PSEUDO_MAP_FD;
	insn[0].imm = lk->obj->maps[r->map_idx].fd;
	insn[1].imm = 0;
	return 0;
}

static int pass_map_value(struct link *lk, const struct eb_prog *fn, uint32_t base,
			  const struct eb_reloc *r)
{
	struct bpf_insn *insn = &lk->insns[base + r->insn_idx];

	insn[0].src_reg = BPF_PSEUDO_MAP_VALUE;
	insn[0].imm = lk->obj->maps[r->map_idx].fd;
	insn[1].imm = (int32_t)r->map_off;
	return 0;
}

static int pass_code_ref(struct link *lk, const struct eb_prog *fn, uint32_t base,
			 const struct eb_reloc *r)
{
	struct bpf_insn *insn = &lk->insns[base + r->insn_idx];
	int target = link_base_of(lk, r->func_idx);

	if (target < 0)
		return -EFAULT;	/* linking placed every target: cannot happen */
	insn->imm = target - (int)(base + r->insn_idx) - 1;
	if (r->kind == EB_RELO_FUNC_PTR) {
		insn[0].src_reg = BPF_PSEUDO_FUNC;
		insn[1].imm = 0;
	}
	return 0;
}

static int pass_core(struct link *lk, const struct eb_prog *fn, uint32_t base,
		     const struct eb_reloc *r)
{
	struct eb_object *obj = lk->obj;
	struct eb_strbuf why = EB_STRBUF_INIT;
	struct bpf_core_relo rec;
	struct eb_core_res res;
	const char *tname;
	int err;

	rec.insn_off = (fn->sec_off + r->insn_idx) * EB_INSN_SZ;
	rec.type_id = r->core_type_id;
	rec.access_str_off = r->core_access_off;
	rec.kind = r->core_kind;
	tname = eb_btf_name(obj->btf, r->core_type_id);
	if (!obj->core_cache) {
		obj_warn(obj, "load", "program '%s': CO-RE relocation at insn %u of '%s' without the kernel's BTF",
			 fn->name, r->insn_idx, fn->name);
		return -ENOENT;
	}
	err = eb_core_calc(obj->core_cache, &rec, &res, &why);
	if (!err)
		err = eb_core_patch(lk->insns, lk->cnt, base + r->insn_idx, &rec, &res, &why);
	if (err) {
		obj_warn(obj, "load", "function '%s': CO-RE %s relocation of '%s' (access %s) at insn %u: %s",
			 fn->name, eb_core_kind_str(r->core_kind), tname ? tname : "?",
			 r->sym_name, r->insn_idx, why.len ? why.buf : eb_strerror(err));
		eb_strbuf_release(&why);
		return err == -ENOMEM ? err : -EINVAL;
	}
	if (res.poison)
		eb_debug("load", "function '%s': CO-RE %s of '%s' (access %s) at insn %u: no match in the kernel, poisoned",
			 fn->name, eb_core_kind_str(r->core_kind), tname ? tname : "?",
			 r->sym_name, r->insn_idx);
	else if (res.orig_val != res.new_val)
		eb_debug("load", "function '%s': CO-RE %s of '%s' (access %s) at insn %u: %llu -> %llu",
			 fn->name, eb_core_kind_str(r->core_kind), tname ? tname : "?",
			 r->sym_name, r->insn_idx, (unsigned long long)res.orig_val,
			 (unsigned long long)res.new_val);
	eb_strbuf_release(&why);
	return 0;
}

static int pass_extern(struct link *lk, const struct eb_prog *fn, uint32_t base,
		       const struct eb_reloc *r)
{
	struct bpf_insn *insn = &lk->insns[base + r->insn_idx];
	const struct eb_obj_extern *e = &lk->obj->externs[r->ext_idx];

	switch (e->kind) {
	case EB_EXT_KCONFIG:
		insn[1].imm = (int32_t)(e->kconfig_off + (uint32_t)insn[0].imm);
		insn[0].src_reg = BPF_PSEUDO_MAP_VALUE;
		insn[0].imm = lk->obj->maps[lk->obj->kconfig_map].fd;
		return 0;
	case EB_EXT_KSYM:
	case EB_EXT_KFUNC:
		if (e->resolved && (e->typed || e->kind == EB_EXT_KFUNC)) {
			insn[0].src_reg = BPF_PSEUDO_BTF_ID;
			insn[0].imm = (int32_t)e->target_btf_id;
			insn[1].imm = 0;	/* vmlinux */
		} else {
			insn[0].src_reg = 0;
			insn[0].imm = (int32_t)(uint32_t)e->value;
			insn[1].imm = (int32_t)(uint32_t)(e->value >> 32);
		}
		return 0;
	}
	return -EINVAL;
}

static int pass_kfunc(struct link *lk, const struct eb_prog *fn, uint32_t base,
		      const struct eb_reloc *r)
{
	struct bpf_insn *insn = &lk->insns[base + r->insn_idx];
	const struct eb_obj_extern *e = &lk->obj->externs[r->ext_idx];

	/* weak and missing: BTF id 0, which the verifier takes in dead code only */
	insn->src_reg = BPF_PSEUDO_KFUNC_CALL;
	insn->imm = e->resolved ? (int32_t)e->target_btf_id : 0;
	insn->off = 0;		/* vmlinux */
	return 0;
}

/* One pass per relocation kind; CO-RE is the last one. */
static const struct {
	enum eb_reloc_kind kind;
	relo_pass_fn fn;
} relo_passes[] = {
	{ EB_RELO_MAP_FD, pass_map_fd },
	{ EB_RELO_MAP_VALUE, pass_map_value },
	{ EB_RELO_CALL, pass_code_ref },
	{ EB_RELO_FUNC_PTR, pass_code_ref },
	{ EB_RELO_EXTERN, pass_extern },
	{ EB_RELO_KFUNC, pass_kfunc },
	{ EB_RELO_CORE, pass_core },
};

static int link_append(struct link *lk, unsigned int fi)
{
	const struct eb_prog *fn = &lk->obj->funcs[fi];
	struct bpf_insn *insns;

	if (lk->cnt + (uint64_t)fn->insn_cnt > UINT32_MAX / 2)
		return -E2BIG;
	insns = eb_reallocarray(lk->insns, lk->cnt + fn->insn_cnt, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	lk->insns = insns;
	memcpy(insns + lk->cnt, fn->insns, fn->insn_cnt * sizeof(*insns));
	lk->funcs[lk->nfuncs] = fi;
	lk->base[lk->nfuncs] = lk->cnt;
	lk->nfuncs++;
	lk->cnt += fn->insn_cnt;
	return 0;
}

/* Rebase one kind of .BTF.ext records onto the linked array. */
static int rebase_ext(const struct link *lk, const struct eb_btf_ext_sec *(*get)(const struct eb_btf_ext *, const char *),
		      void **out, uint32_t *out_cnt, uint32_t *out_rec)
{
	const struct eb_btf_ext *ext = lk->obj->btf_ext;
	unsigned int i;
	uint32_t j, n = 0, cap = 0, rec = 0;
	char *buf = NULL;

	for (i = 0; i < lk->nfuncs; i++) {
		const struct eb_prog *fn = &lk->obj->funcs[lk->funcs[i]];
		const struct eb_btf_ext_sec *es = get(ext, fn->sec_name);

		if (!es || !es->nr)
			continue;
		if (rec && es->rec_size != rec) {
			free(buf);
			return -EINVAL;
		}
		rec = es->rec_size;
		for (j = 0; j < es->nr; j++) {
			const char *src = (const char *)es->recs + (size_t)j * rec;
			uint32_t off, insn;

			memcpy(&off, src, sizeof(off));	/* insn_off comes first */
			if (off % EB_INSN_SZ)
				continue;
			insn = off / EB_INSN_SZ;
			if (insn < fn->sec_off || insn - fn->sec_off >= fn->insn_cnt)
				continue;
			if (n == cap) {
				char *nb;

				cap = cap ? cap * 2 : 16;
				nb = eb_reallocarray(buf, cap, rec);
				if (!nb) {
					free(buf);
					return -ENOMEM;
				}
				buf = nb;
			}
			memcpy(buf + (size_t)n * rec, src, rec);
			insn = insn - fn->sec_off + lk->base[i];
			memcpy(buf + (size_t)n * rec, &insn, sizeof(insn));
			n++;
		}
	}
	*out = buf;
	*out_cnt = n;
	*out_rec = rec;
	return 0;
}

void obj_ext_info_free(struct obj_ext_info *ext)
{
	eb_zfree(&ext->func_info);
	eb_zfree(&ext->line_info);
	memset(ext, 0, sizeof(*ext));
}

int obj_relocate_prog(struct eb_object *obj, struct eb_prog *prog, struct obj_ext_info *ext)
{
	struct link lk = { .obj = obj };
	struct {
		unsigned int fi;
		uint32_t r;
	} *stack = NULL;
	unsigned int i, k, depth = 0;
	int err;

	memset(ext, 0, sizeof(*ext));
	lk.funcs = eb_calloc(obj->func_cnt, sizeof(*lk.funcs));
	lk.base = eb_calloc(obj->func_cnt, sizeof(*lk.base));
	if (!lk.funcs || !lk.base) {
		err = -ENOMEM;
		goto fail;
	}
	stack = eb_calloc(obj->func_cnt, sizeof(*stack));
	if (!stack) {
		err = -ENOMEM;
		goto fail;
	}
	/*
	 * Every reachable function once, depth first in instruction order
	 * (a callee is placed, then its own callees, before the caller's
	 * next call): the order libbpf uses, so the final instructions and
	 * the kernel's program tag come out the same.
	 */
	err = link_append(&lk, (unsigned int)(prog - obj->funcs));
	if (!err) {
		stack[0].fi = lk.funcs[0];
		stack[0].r = 0;
		depth = 1;
	}
	while (!err && depth) {
		const struct eb_prog *fn = &obj->funcs[stack[depth - 1].fi];
		uint32_t r = stack[depth - 1].r;

		while (r < fn->reloc_cnt &&
		       !((fn->relocs[r].kind == EB_RELO_CALL ||
			  fn->relocs[r].kind == EB_RELO_FUNC_PTR) &&
			 link_base_of(&lk, fn->relocs[r].func_idx) < 0))
			r++;
		if (r == fn->reloc_cnt) {
			depth--;
			continue;
		}
		stack[depth - 1].r = r + 1;
		err = link_append(&lk, (unsigned int)fn->relocs[r].func_idx);
		stack[depth].fi = (unsigned int)fn->relocs[r].func_idx;
		stack[depth].r = 0;
		depth++;
	}
	if (err)
		goto fail;
	for (k = 0; k < EB_ARRAY_SIZE(relo_passes); k++) {
		for (i = 0; i < lk.nfuncs; i++) {
			const struct eb_prog *fn = &obj->funcs[lk.funcs[i]];
			uint32_t r;

			for (r = 0; r < fn->reloc_cnt; r++) {
				if (fn->relocs[r].kind != relo_passes[k].kind)
					continue;
				err = relo_passes[k].fn(&lk, fn, lk.base[i], &fn->relocs[r]);
				if (err) {
					obj_warn(obj, "load", "program '%s': cannot apply %s relocation at insn %u of '%s'",
						 prog->name, eb_reloc_kind_str(fn->relocs[r].kind),
						 fn->relocs[r].insn_idx, fn->name);
					goto fail;
				}
			}
		}
	}
	if (obj->btf_ext && obj->btf_fd >= 0) {
		err = rebase_ext(&lk, eb_btf_ext_func_info, &ext->func_info,
				 &ext->func_info_cnt, &ext->func_info_rec_size);
		if (!err)
			err = rebase_ext(&lk, eb_btf_ext_line_info, &ext->line_info,
					 &ext->line_info_cnt, &ext->line_info_rec_size);
		if (err) {
			obj_warn(obj, "load", "program '%s': cannot rebase .BTF.ext records: %s",
				 prog->name, eb_strerror(err));
			goto fail;
		}
	}
	free((void *)prog->final_insns);
	prog->final_insns = lk.insns;
	prog->final_cnt = lk.cnt;
	free(lk.funcs);
	free(lk.base);
	free(stack);
	return 0;
fail:
	obj_ext_info_free(ext);
	free(lk.insns);
	free(lk.funcs);
	free(lk.base);
	free(stack);
	return err;
}
