/* SPDX-License-Identifier: MIT */
/*
 * object.c - opening an object: ELF header, sections, symbols, functions,
 * license, version, BTF (with the kernel's fixups); the accessors.
 *
 * The image is a private copy; libelf reads it with elf_memory().  Every
 * offset and size is checked against the image before it is used, so a
 * malformed file ends in -ENOEXEC / -EINVAL and one log line, never in a
 * read outside the buffer.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "log.h"
#include "obj_priv.h"
#include "syscall.h"
#include "util.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

void obj_warn(struct eb_object *obj, const char *subsys, const char *fmt, ...)
{
	struct eb_strbuf *sb = &obj->errmsg;
	va_list ap;

	eb_strbuf_reset(sb);
	eb_strbuf_addf(sb, "%s: ", subsys);
	va_start(ap, fmt);
	eb_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	/* eb_log adds the prefix itself */
	eb_log(EB_LOG_WARN, subsys, "%s", sb->buf + strlen(subsys) + 2);
}

static bool kname_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.';
}

char *obj_kernel_name(const char *name)
{
	size_t i, len = strnlen(name, BPF_OBJ_NAME_LEN - 1);
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	for (i = 0; i < len; i++)
		s[i] = kname_char_ok(name[i]) ? name[i] : '_';
	s[len] = '\0';
	return s;
}

char *obj_data_map_name(const char *obj_name, const char *sec_name)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	size_t sfx = EB_MAX(strlen(sec_name), (size_t)7);
	size_t pfx = 0;
	char *name, *k;

	if (sfx > BPF_OBJ_NAME_LEN - 1)
		sfx = BPF_OBJ_NAME_LEN - 1;
	if (!sec_name[0] || !strchr(sec_name + 1, '.'))
		pfx = EB_MIN(BPF_OBJ_NAME_LEN - 1 - sfx, strlen(obj_name));
	eb_strbuf_add(&sb, obj_name, pfx);
	eb_strbuf_add(&sb, sec_name, EB_MIN(sfx, strlen(sec_name)));
	name = eb_strbuf_detach(&sb, NULL);
	if (!name)
		return NULL;
	k = obj_kernel_name(name);
	free(name);
	return k;
}

const char *eb_sec_kind_str(enum eb_sec_kind kind)
{
	static const char *const names[] = {
		[EB_SEC_OTHER] = "other", [EB_SEC_PROG] = "prog",
		[EB_SEC_DATA] = "data", [EB_SEC_MAPS] = "maps",
		[EB_SEC_MAPS_LEGACY] = "legacy_maps", [EB_SEC_LICENSE] = "license",
		[EB_SEC_VERSION] = "version", [EB_SEC_BTF] = "btf",
		[EB_SEC_BTF_EXT] = "btf_ext", [EB_SEC_SYMTAB] = "symtab",
		[EB_SEC_STRTAB] = "strtab", [EB_SEC_RELO] = "relo",
		[EB_SEC_DEBUG] = "debug",
	};

	if ((unsigned int)kind >= EB_ARRAY_SIZE(names) || !names[kind])
		return "?";
	return names[kind];
}

/* --- header and sections ------------------------------------------------ */

static int check_header(struct eb_object *obj)
{
	const unsigned char *id = obj->image;
	Elf64_Ehdr eh;
	uint64_t shnum;

	if (obj->image_size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG)) {
		obj_warn(obj, "elf", "%s: not an ELF file", obj->name);
		return -ENOEXEC;
	}
	if (id[EI_CLASS] != ELFCLASS64) {
		obj_warn(obj, "elf", "%s: not a 64-bit ELF file (class %u)",
			 obj->name, id[EI_CLASS]);
		return -ENOEXEC;
	}
	if (id[EI_DATA] != (__BYTE_ORDER == __LITTLE_ENDIAN ? ELFDATA2LSB : ELFDATA2MSB)) {
		obj_warn(obj, "elf", "%s: byte order %u differs from this host's",
			 obj->name, id[EI_DATA]);
		return -ENOEXEC;
	}
	if (obj->image_size < sizeof(eh)) {
		obj_warn(obj, "elf", "%s: truncated ELF header (%zu bytes)",
			 obj->name, obj->image_size);
		return -ENOEXEC;
	}
	memcpy(&eh, obj->image, sizeof(eh));
	if (eh.e_machine != EM_BPF) {
		obj_warn(obj, "elf", "%s: machine %u is not BPF (%u)",
			 obj->name, eh.e_machine, EM_BPF);
		return -ENOEXEC;
	}
	if (eh.e_type != ET_REL) {
		obj_warn(obj, "elf", "%s: ELF type %u is not a relocatable object",
			 obj->name, eh.e_type);
		return -ENOEXEC;
	}
	if (eh.e_shentsize != sizeof(Elf64_Shdr) || !eh.e_shoff) {
		obj_warn(obj, "elf", "%s: bad section header table (entry size %u, offset %llu)",
			 obj->name, eh.e_shentsize, (unsigned long long)eh.e_shoff);
		return -EINVAL;
	}
	shnum = eh.e_shnum;
	if (eh.e_shoff > obj->image_size ||
	    obj->image_size - eh.e_shoff < sizeof(Elf64_Shdr)) {
		obj_warn(obj, "elf", "%s: section header table at %llu is past the end of the file (%zu bytes)",
			 obj->name, (unsigned long long)eh.e_shoff, obj->image_size);
		return -EINVAL;
	}
	if (!shnum) {	/* extended numbering: the count is in section 0 */
		Elf64_Shdr sh0;

		memcpy(&sh0, (char *)obj->image + eh.e_shoff, sizeof(sh0));
		shnum = sh0.sh_size;
	}
	if (shnum > (obj->image_size - eh.e_shoff) / sizeof(Elf64_Shdr)) {
		obj_warn(obj, "elf", "%s: section header table (%llu sections at %llu) is past the end of the file (%zu bytes)",
			 obj->name, (unsigned long long)shnum,
			 (unsigned long long)eh.e_shoff, obj->image_size);
		return -EINVAL;
	}
	return 0;
}

static bool is_data_sec(const char *name)
{
	static const char *const pfx[] = { ".data", ".rodata", ".bss" };
	unsigned int i;
	size_t len;

	for (i = 0; i < EB_ARRAY_SIZE(pfx); i++) {
		len = strlen(pfx[i]);
		if (!strncmp(name, pfx[i], len) && (!name[len] || name[len] == '.'))
			return true;
	}
	return false;
}

static int read_sections(struct eb_object *obj)
{
	size_t shnum, shstrndx;
	unsigned int i;

	if (elf_getshdrnum(obj->elf, &shnum) || elf_getshdrstrndx(obj->elf, &shstrndx)) {
		obj_warn(obj, "elf", "%s: cannot read the section table: %s",
			 obj->name, elf_errmsg(-1));
		return -EINVAL;
	}
	if (shstrndx >= shnum) {
		obj_warn(obj, "elf", "%s: section name table index %zu out of range (%zu sections)",
			 obj->name, shstrndx, shnum);
		return -EINVAL;
	}
	{
		GElf_Shdr sh;

		if (!gelf_getshdr(elf_getscn(obj->elf, shstrndx), &sh) ||
		    sh.sh_type != SHT_STRTAB || sh.sh_offset > obj->image_size ||
		    obj->image_size - sh.sh_offset < sh.sh_size) {
			obj_warn(obj, "elf", "%s: section %zu (the section name table) is not a string table inside the file",
				 obj->name, shstrndx);
			return -EINVAL;
		}
	}
	obj->secs = eb_calloc(shnum, sizeof(*obj->secs));
	obj->sdata = eb_calloc(shnum, sizeof(*obj->sdata));
	if (!obj->secs || !obj->sdata)
		return -ENOMEM;
	obj->sec_cnt = (unsigned int)shnum;

	for (i = 0; i < shnum; i++) {
		struct eb_section *s = &obj->secs[i];
		Elf_Scn *scn = elf_getscn(obj->elf, i);
		GElf_Shdr sh;
		Elf_Data *d;

		s->idx = i;
		s->map_idx = -1;
		s->relo_for = -1;
		if (!scn || !gelf_getshdr(scn, &sh)) {
			obj_warn(obj, "elf", "%s: section %u: bad header: %s",
				 obj->name, i, elf_errmsg(-1));
			return -EINVAL;
		}
		s->name = i ? elf_strptr(obj->elf, shstrndx, sh.sh_name) : "";
		if (!s->name) {
			obj_warn(obj, "elf", "%s: section %u: bad name offset %u",
				 obj->name, i, sh.sh_name);
			return -EINVAL;
		}
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->size = sh.sh_size;
		if (sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL &&
		    (sh.sh_offset > obj->image_size ||
		     obj->image_size - sh.sh_offset < sh.sh_size)) {
			obj_warn(obj, "elf", "section '%s': bytes %llu..%llu are past the end of the file (%zu bytes)",
				 s->name, (unsigned long long)sh.sh_offset,
				 (unsigned long long)(sh.sh_offset + sh.sh_size),
				 obj->image_size);
			return -EINVAL;
		}
		if (sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL && sh.sh_size) {
			d = elf_getdata(scn, NULL);
			if (!d || (d->d_size && !d->d_buf) || d->d_size != sh.sh_size) {
				obj_warn(obj, "elf", "section '%s': cannot read its data: %s",
					 s->name, elf_errmsg(-1));
				return -EINVAL;
			}
			obj->sdata[i].buf = d->d_buf;
			obj->sdata[i].size = d->d_size;
		}

		if (sh.sh_type == SHT_SYMTAB) {
			if (obj->symtab_idx) {
				obj_warn(obj, "elf", "section '%s': a second symbol table", s->name);
				return -EINVAL;
			}
			obj->symtab_idx = i;
			s->kind = EB_SEC_SYMTAB;
		} else if (sh.sh_type == SHT_STRTAB) {
			s->kind = EB_SEC_STRTAB;
		} else if (sh.sh_type == SHT_REL) {
			if (sh.sh_info >= shnum) {
				obj_warn(obj, "elf", "section '%s': bad section index %u in sh_info",
					 s->name, sh.sh_info);
				return -EINVAL;
			}
			s->kind = EB_SEC_RELO;
			s->relo_for = (int)sh.sh_info;
		} else if (!strcmp(s->name, "license")) {
			s->kind = EB_SEC_LICENSE;
		} else if (!strcmp(s->name, "version")) {
			s->kind = EB_SEC_VERSION;
		} else if (!strcmp(s->name, ".BTF")) {
			s->kind = EB_SEC_BTF;
		} else if (!strcmp(s->name, ".BTF.ext")) {
			s->kind = EB_SEC_BTF_EXT;
		} else if (!strcmp(s->name, ".maps")) {
			s->kind = EB_SEC_MAPS;
			obj->maps_idx = (int)i;
		} else if (!strcmp(s->name, "maps")) {
			s->kind = EB_SEC_MAPS_LEGACY;
			obj->legacy_maps_idx = (int)i;
		} else if (sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_EXECINSTR)) {
			if (sh.sh_size % EB_INSN_SZ) {
				obj_warn(obj, "elf", "section '%s': size %llu is not a multiple of %u",
					 s->name, (unsigned long long)sh.sh_size, EB_INSN_SZ);
				return -EINVAL;
			}
			s->kind = EB_SEC_PROG;
		} else if ((sh.sh_type == SHT_PROGBITS || sh.sh_type == SHT_NOBITS) &&
			   (sh.sh_flags & SHF_ALLOC) && is_data_sec(s->name)) {
			s->kind = EB_SEC_DATA;
		} else if (!strncmp(s->name, ".debug", 6) || !strncmp(s->name, ".rel.debug", 10)) {
			s->kind = EB_SEC_DEBUG;
		}
	}
	/* relocation sections must use the symbol table */
	for (i = 0; i < shnum; i++) {
		GElf_Shdr sh;

		if (obj->secs[i].kind != EB_SEC_RELO)
			continue;
		gelf_getshdr(elf_getscn(obj->elf, i), &sh);
		if (sh.sh_link != obj->symtab_idx || !obj->symtab_idx) {
			obj_warn(obj, "elf", "section '%s': sh_link %u is not the symbol table",
				 obj->secs[i].name, sh.sh_link);
			return -EINVAL;
		}
		if (obj->secs[sh.sh_info].kind == EB_SEC_DEBUG)
			obj->secs[i].kind = EB_SEC_DEBUG;
	}
	return 0;
}

static int read_symbols(struct eb_object *obj)
{
	Elf_Scn *scn;
	GElf_Shdr sh;
	unsigned int i, n;

	if (!obj->symtab_idx) {
		obj_warn(obj, "elf", "%s: no symbol table", obj->name);
		return -EINVAL;
	}
	scn = elf_getscn(obj->elf, obj->symtab_idx);
	gelf_getshdr(scn, &sh);
	if (sh.sh_link >= obj->sec_cnt || obj->secs[sh.sh_link].type != SHT_STRTAB) {
		obj_warn(obj, "elf", "section '%s': sh_link %u is not a string table",
			 obj->secs[obj->symtab_idx].name, sh.sh_link);
		return -EINVAL;
	}
	if (sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_size % sizeof(Elf64_Sym)) {
		obj_warn(obj, "elf", "section '%s': bad entry size %llu",
			 obj->secs[obj->symtab_idx].name, (unsigned long long)sh.sh_entsize);
		return -EINVAL;
	}
	n = (unsigned int)(sh.sh_size / sizeof(Elf64_Sym));
	obj->syms = eb_calloc(n, sizeof(*obj->syms));
	if (!obj->syms)
		return -ENOMEM;
	obj->sym_cnt = n;
	for (i = 0; i < n; i++) {
		Elf64_Sym raw;
		struct eb_elf_sym *s = &obj->syms[i];
		const struct eb_section *sec;

		memcpy(&raw, (const char *)obj->sdata[obj->symtab_idx].buf + i * sizeof(raw),
		       sizeof(raw));
		s->name = elf_strptr(obj->elf, sh.sh_link, raw.st_name);
		if (!s->name) {
			obj_warn(obj, "elf", "symbol %u: bad name offset %u", i, raw.st_name);
			return -EINVAL;
		}
		s->value = raw.st_value;
		s->size = raw.st_size;
		s->shndx = raw.st_shndx;
		s->type = ELF64_ST_TYPE(raw.st_info);
		s->bind = ELF64_ST_BIND(raw.st_info);
		if (s->type == STT_SECTION && !s->name[0] && s->shndx < obj->sec_cnt)
			s->name = obj->secs[s->shndx].name;
		if (s->shndx == SHN_UNDEF || s->shndx == SHN_ABS || s->shndx == SHN_COMMON ||
		    s->type == STT_FILE)
			continue;
		if (s->shndx >= obj->sec_cnt) {
			obj_warn(obj, "elf", "symbol '%s': bad section index %u", s->name, s->shndx);
			return -EINVAL;
		}
		sec = &obj->secs[s->shndx];
		if ((s->type == STT_FUNC || s->type == STT_OBJECT) &&
		    (s->value > sec->size || sec->size - s->value < s->size)) {
			obj_warn(obj, "elf", "symbol '%s': bytes %llu..%llu are outside section '%s' (%llu bytes)",
				 s->name, (unsigned long long)s->value,
				 (unsigned long long)(s->value + s->size), sec->name,
				 (unsigned long long)sec->size);
			return -EINVAL;
		}
	}
	return 0;
}

static int read_license_version(struct eb_object *obj)
{
	unsigned int i;

	for (i = 0; i < obj->sec_cnt; i++) {
		const struct obj_sec_data *d = &obj->sdata[i];

		if (obj->secs[i].kind == EB_SEC_LICENSE) {
			if (obj->license) {
				obj_warn(obj, "elf", "section %u: a second license section", i);
				return -EINVAL;
			}
			if (!d->buf || !memchr(d->buf, '\0', d->size)) {
				obj_warn(obj, "elf", "section 'license': not a NUL-terminated string");
				return -EINVAL;
			}
			obj->license = strdup(d->buf);
			if (!obj->license)
				return -ENOMEM;
		} else if (obj->secs[i].kind == EB_SEC_VERSION) {
			if (!d->buf || d->size != sizeof(uint32_t)) {
				obj_warn(obj, "elf", "section 'version': size %zu is not 4", d->size);
				return -EINVAL;
			}
			memcpy(&obj->kern_version, d->buf, sizeof(uint32_t));
		}
	}
	if (!obj->license) {
		obj_warn(obj, "elf", "%s: no license section", obj->name);
		return -EINVAL;
	}
	return 0;
}

static int read_btf(struct eb_object *obj)
{
	int btf_idx = -1, ext_idx = -1, err;
	unsigned int i;

	for (i = 0; i < obj->sec_cnt; i++) {
		if (obj->secs[i].kind == EB_SEC_BTF)
			btf_idx = (int)i;
		else if (obj->secs[i].kind == EB_SEC_BTF_EXT)
			ext_idx = (int)i;
	}
	if (btf_idx < 0)
		return 0;
	err = eb_btf_parse(obj->sdata[btf_idx].buf, obj->sdata[btf_idx].size, &obj->btf);
	if (err) {
		/* like libbpf: an object with broken BTF still loads without it */
		eb_warn("elf", "section '.BTF': cannot parse it (%s), ignoring BTF",
			eb_strerror(err));
		obj->btf = NULL;
		return 0;
	}
	if (ext_idx >= 0) {
		err = eb_btf_ext_parse(obj->sdata[ext_idx].buf, obj->sdata[ext_idx].size,
				       obj->btf, &obj->btf_ext);
		if (err) {
			eb_warn("elf", "section '.BTF.ext': cannot parse it (%s), ignoring it",
				eb_strerror(err));
			obj->btf_ext = NULL;
		}
	}
	return 0;
}

/* --- BTF fixups ----------------------------------------------------------- */

static const struct eb_elf_sym *find_var_sym(const struct eb_object *obj, unsigned int shndx,
					  const char *name)
{
	unsigned int i;

	for (i = 0; i < obj->sym_cnt; i++) {
		const struct eb_elf_sym *s = &obj->syms[i];

		if (s->shndx == shndx && (s->type == STT_OBJECT || s->type == STT_NOTYPE) &&
		    !strcmp(s->name, name))
			return s;
	}
	return NULL;
}

static int find_sec_by_name(const struct eb_object *obj, const char *name)
{
	unsigned int i;

	for (i = 1; i < obj->sec_cnt; i++)
		if (!strcmp(obj->secs[i].name, name))
			return (int)i;
	return -1;
}

static int cmp_secinfo(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int fixup_datasec(struct eb_object *obj, uint32_t id, const struct btf_type *t)
{
	const char *name = eb_btf_name(obj->btf, id);
	uint16_t vlen = eb_btf_vlen(t);
	struct btf_type *copy = NULL;
	struct btf_var_secinfo *vsi;
	bool sorted = true;
	int sec, err;
	uint32_t i;

	sec = find_sec_by_name(obj, name ? name : "");
	if (sec < 0)
		return 0;	/* .kconfig, .ksyms: later issue */
	if (obj->secs[sec].size > UINT32_MAX) {
		obj_warn(obj, "btf", "DATASEC '%s': section too large", name);
		return -EINVAL;
	}
	err = eb_btf_set_datasec_size(obj->btf, id, (uint32_t)obj->secs[sec].size);
	if (err)
		return err;
	for (i = 0; i < vlen; i++) {
		const struct btf_var_secinfo *si = &eb_btf_secinfos(eb_btf_type_by_id(obj->btf, id))[i];
		const struct btf_type *vt = eb_btf_type_by_id(obj->btf, si->type);
		const char *vname = eb_btf_name(obj->btf, si->type);
		const struct eb_elf_sym *sym;

		if (!vt || eb_btf_kind(vt) != BTF_KIND_VAR || !vname) {
			obj_warn(obj, "btf", "DATASEC '%s': entry %u is not a variable", name, i);
			return -EINVAL;
		}
		sym = find_var_sym(obj, (unsigned int)sec, vname);
		if (!sym) {
			if (eb_btf_var(vt)->linkage == BTF_VAR_STATIC)
				continue;	/* keep clang's offset */
			obj_warn(obj, "btf", "DATASEC '%s': no symbol for variable '%s'", name, vname);
			return -EINVAL;
		}
		if (sym->value > obj->secs[sec].size) {
			obj_warn(obj, "btf", "DATASEC '%s': variable '%s' at %llu is outside the section (%llu bytes)",
				 name, vname, (unsigned long long)sym->value,
				 (unsigned long long)obj->secs[sec].size);
			return -EINVAL;
		}
		err = eb_btf_set_secinfo_offset(obj->btf, id, i, (uint32_t)sym->value);
		if (err)
			return err;
	}
	t = eb_btf_type_by_id(obj->btf, id);
	vsi = (struct btf_var_secinfo *)eb_btf_secinfos(t);
	for (i = 1; i < vlen; i++)
		if (vsi[i - 1].offset > vsi[i].offset)
			sorted = false;
	if (sorted)
		return 0;
	/* the kernel wants the variables in offset order */
	copy = malloc(sizeof(*t) + vlen * sizeof(*vsi));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, t, sizeof(*t) + vlen * sizeof(*vsi));
	qsort(copy + 1, vlen, sizeof(*vsi), cmp_secinfo);
	err = eb_btf_replace_type(obj->btf, id, copy);
	free(copy);
	return err;
}

int obj_fixup_btf(struct eb_object *obj)
{
	uint32_t id, cnt;
	int err;

	if (!obj->btf)
		return 0;
	cnt = eb_btf_type_cnt(obj->btf);
	for (id = 1; id < cnt; id++) {
		const struct btf_type *t = eb_btf_type_by_id(obj->btf, id);

		if (!t || eb_btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		err = fixup_datasec(obj, id, t);
		if (err)
			return err;
	}
	return 0;
}

/* --- functions ---------------------------------------------------------------- */

static int cmp_func_sym(const void *a, const void *b)
{
	const struct eb_elf_sym *x = *(const struct eb_elf_sym *const *)a;
	const struct eb_elf_sym *y = *(const struct eb_elf_sym *const *)b;

	return x->value < y->value ? -1 : x->value > y->value;
}

static bool is_func_sym(const struct eb_elf_sym *s, unsigned int shndx)
{
	if (s->shndx != shndx)
		return false;
	return s->type == STT_FUNC ||
	       (s->type == STT_NOTYPE && s->bind == STB_GLOBAL && s->name[0]);
}

static int add_func(struct eb_object *obj, const struct eb_section *sec,
		    const struct eb_elf_sym *sym, uint64_t size)
{
	struct eb_prog *p = &obj->funcs[obj->func_cnt];
	const struct eb_sec_def *def;
	struct bpf_insn *insns;

	insns = malloc(size);
	if (!insns)
		return -ENOMEM;
	memcpy(insns, (const char *)obj->sdata[sec->idx].buf + sym->value, size);
	memset(p, 0, sizeof(*p));
	p->name = sym->name;
	p->kname = obj_kernel_name(sym->name);
	if (!p->kname) {
		free(insns);
		return -ENOMEM;
	}
	obj->func_cnt++;
	p->sec_name = sec->name;
	p->sec_idx = sec->idx;
	p->sec_off = (uint32_t)(sym->value / EB_INSN_SZ);
	p->insns = insns;
	p->insn_cnt = (uint32_t)(size / EB_INSN_SZ);
	p->fd = -1;
	p->st_ops_map = -1;
	p->autoload = true;
	p->attach_target = "";
	p->is_subprog = !strcmp(sec->name, ".text") || sym->bind == STB_LOCAL;
	if (p->is_subprog)
		return 0;
	def = eb_sec_def_find(sec->name, &p->attach_target);
	if (!def) {
		eb_info("elf", "program '%s': unknown section name '%s', it will not be loaded",
			p->name, sec->name);
		return 0;
	}
	p->sec_known = true;
	p->type = def->prog_type;
	p->expected_attach_type = def->expected_attach_type;
	p->prog_flags = def->prog_flags;
	p->sleepable = def->prog_flags & BPF_F_SLEEPABLE;
	return 0;
}

static int collect_funcs(struct eb_object *obj)
{
	const struct eb_elf_sym **list = NULL;
	unsigned int i, j, n, total = 0;
	int err = 0;

	for (i = 0; i < obj->sym_cnt; i++)
		if (obj->syms[i].shndx < obj->sec_cnt &&
		    obj->secs[obj->syms[i].shndx].kind == EB_SEC_PROG &&
		    is_func_sym(&obj->syms[i], obj->syms[i].shndx))
			total++;
	obj->funcs = eb_calloc(total, sizeof(*obj->funcs));
	list = eb_calloc(total, sizeof(*list));
	if (!obj->funcs || !list) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 1; i < obj->sec_cnt; i++) {
		const struct eb_section *sec = &obj->secs[i];

		if (sec->kind != EB_SEC_PROG)
			continue;
		for (n = 0, j = 0; j < obj->sym_cnt; j++)
			if (is_func_sym(&obj->syms[j], i))
				list[n++] = &obj->syms[j];
		if (!n) {
			if (sec->size) {
				obj_warn(obj, "elf", "section '%s': code without a function symbol",
					 sec->name);
				err = -EINVAL;
				goto out;
			}
			continue;
		}
		qsort(list, n, sizeof(*list), cmp_func_sym);
		for (j = 0; j < n; j++) {
			const struct eb_elf_sym *s = list[j];
			uint64_t end = j + 1 < n ? list[j + 1]->value : sec->size;
			uint64_t size = s->size ? s->size : end - s->value;

			if (s->value % EB_INSN_SZ || s->value >= sec->size ||
			    !size || size % EB_INSN_SZ || size > end - s->value) {
				obj_warn(obj, "elf", "function '%s': bad placement %llu+%llu in section '%s' (%llu bytes)",
					 s->name, (unsigned long long)s->value,
					 (unsigned long long)size, sec->name,
					 (unsigned long long)sec->size);
				err = -EINVAL;
				goto out;
			}
			err = add_func(obj, sec, s, size);
			if (err)
				goto out;
		}
	}
	obj->progs = eb_calloc(obj->func_cnt, sizeof(*obj->progs));
	if (!obj->progs) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < obj->func_cnt; i++)
		if (!obj->funcs[i].is_subprog)
			obj->progs[obj->prog_cnt++] = i;
out:
	free(list);
	return err;
}

/* --- open / close ----------------------------------------------------------------- */

static char *make_obj_name(const char *name)
{
	const char *base = strrchr(name, '/');
	size_t len;
	char *s;

	base = base ? base + 1 : name;
	len = strcspn(base, ".");
	s = malloc(len + 1);
	if (s) {
		memcpy(s, base, len);
		s[len] = '\0';
	}
	return s;
}

static int parse(struct eb_object *obj)
{
	int err;

	err = check_header(obj);
	if (err)
		return err;
	elf_version(EV_CURRENT);
	obj->elf = elf_memory(obj->image, obj->image_size);
	if (!obj->elf || elf_kind(obj->elf) != ELF_K_ELF) {
		obj_warn(obj, "elf", "%s: libelf refuses it: %s", obj->name, elf_errmsg(-1));
		return obj->elf ? -ENOEXEC : -EINVAL;
	}
	err = read_sections(obj);
	if (!err)
		err = read_symbols(obj);
	if (!err)
		err = read_license_version(obj);
	if (!err)
		err = read_btf(obj);
	if (!err)
		err = collect_funcs(obj);
	if (!err)
		err = obj_fixup_btf(obj);
	if (!err)
		err = obj_collect_maps(obj);
	if (!err)
		err = obj_collect_externs(obj);
	if (!err)
		err = obj_collect_struct_ops(obj);
	if (!err)
		err = obj_collect_relos(obj);
	return err;
}

int eb_object_open_mem(const void *buf, size_t size, const char *name,
		       const struct eb_open_opts *opts, struct eb_object **out)
{
	struct eb_object *obj;
	int err = -ENOMEM;

	*out = NULL;
	if (!buf && size)
		return -EINVAL;
	obj = calloc(1, sizeof(*obj));
	if (!obj)
		return -ENOMEM;
	eb_strbuf_init(&obj->errmsg);
	obj->btf_fd = -1;
	obj->maps_idx = -1;
	obj->legacy_maps_idx = -1;
	obj->kconfig_map = -1;
	obj->name = strdup(name ? name : "object");
	obj->obj_name = make_obj_name(opts && opts->obj_name ? opts->obj_name :
				      name ? name : "object");
	obj->image = malloc(size ? size : 1);
	if (!obj->name || !obj->obj_name || !obj->image)
		goto fail;
	if (size)
		memcpy(obj->image, buf, size);
	obj->image_size = size;
	err = parse(obj);
	if (err)
		goto fail;
	*out = obj;
	return 0;
fail:
	if (err == -ENOMEM && !obj->errmsg.len)
		obj_warn(obj, "elf", "%s: out of memory", name ? name : "object");
	if (opts && opts->errmsg)
		eb_strbuf_adds(opts->errmsg, obj->errmsg.buf);
	eb_object_close(obj);
	return err;
}

int eb_object_open_file(const char *path, const struct eb_open_opts *opts,
			struct eb_object **out)
{
	void *data;
	size_t size;
	int err;

	*out = NULL;
	err = eb_read_file(path, &data, &size);
	if (err) {
		eb_warn("elf", "%s: cannot read it: %s", path, eb_strerror(err));
		if (opts && opts->errmsg)
			eb_strbuf_addf(opts->errmsg, "elf: %s: cannot read it: %s",
				       path, eb_strerror(err));
		return err;
	}
	err = eb_object_open_mem(data, size, path, opts, out);
	free(data);
	return err;
}

void eb_object_close(struct eb_object *obj)
{
	unsigned int i;

	if (!obj)
		return;
	obj_unload(obj);
	for (i = 0; i < obj->func_cnt; i++) {
		struct eb_prog *p = &obj->funcs[i];

		free((void *)p->kname);
		free((void *)p->insns);
		free((void *)p->relocs);
		free(p->log);
	}
	for (i = 0; i < obj->map_cnt; i++)
		obj_free_map(&obj->maps[i]);
	free(obj->maps);
	obj_free_externs(obj);
	free(obj->funcs);
	free(obj->progs);
	free(obj->syms);
	free(obj->secs);
	free(obj->sdata);
	free(obj->license);
	eb_btf_ext_free(obj->btf_ext);
	eb_btf_free(obj->btf);
	if (obj->elf)
		elf_end(obj->elf);
	free(obj->image);
	free(obj->name);
	free(obj->obj_name);
	eb_strbuf_release(&obj->errmsg);
	free(obj);
}

/* --- accessors ---------------------------------------------------------------------- */

const char *eb_object_name(const struct eb_object *obj)
{
	return obj->obj_name;
}

const char *eb_object_license(const struct eb_object *obj)
{
	return obj->license;
}

uint32_t eb_object_kern_version(const struct eb_object *obj)
{
	return obj->kern_version;
}

struct eb_btf *eb_object_btf(const struct eb_object *obj)
{
	return obj->btf;
}

const struct eb_btf_ext *eb_object_btf_ext(const struct eb_object *obj)
{
	return obj->btf_ext;
}

int eb_object_btf_fd(const struct eb_object *obj)
{
	return obj->btf_fd;
}

bool eb_object_loaded(const struct eb_object *obj)
{
	return obj->loaded;
}

const char *eb_object_errmsg(const struct eb_object *obj)
{
	return obj->errmsg.buf;
}

unsigned int eb_object_prog_cnt(const struct eb_object *obj)
{
	return obj->prog_cnt;
}

struct eb_prog *eb_object_prog(const struct eb_object *obj, unsigned int idx)
{
	return idx < obj->prog_cnt ? &obj->funcs[obj->progs[idx]] : NULL;
}

struct eb_prog *eb_object_find_prog(const struct eb_object *obj, const char *name)
{
	unsigned int i;

	for (i = 0; i < obj->prog_cnt; i++)
		if (!strcmp(obj->funcs[obj->progs[i]].name, name))
			return &obj->funcs[obj->progs[i]];
	return NULL;
}

unsigned int eb_object_func_cnt(const struct eb_object *obj)
{
	return obj->func_cnt;
}

const struct eb_prog *eb_object_func(const struct eb_object *obj, unsigned int idx)
{
	return idx < obj->func_cnt ? &obj->funcs[idx] : NULL;
}

void eb_prog_set_autoload(struct eb_prog *prog, bool autoload)
{
	prog->autoload = autoload;
}

const char *eb_object_prog_log(const struct eb_prog *prog)
{
	return prog->log ? prog->log : "";
}

unsigned int eb_object_map_cnt(const struct eb_object *obj)
{
	return obj->map_cnt;
}

const struct eb_obj_map *eb_object_map(const struct eb_object *obj, unsigned int idx)
{
	return idx < obj->map_cnt ? &obj->maps[idx] : NULL;
}

const struct eb_obj_map *eb_object_find_map(const struct eb_object *obj, const char *name)
{
	unsigned int i;

	for (i = 0; i < obj->map_cnt; i++)
		if (!strcmp(obj->maps[i].name, name))
			return &obj->maps[i];
	return NULL;
}

unsigned int eb_object_sec_cnt(const struct eb_object *obj)
{
	return obj->sec_cnt;
}

const struct eb_section *eb_object_sec(const struct eb_object *obj, unsigned int idx)
{
	return idx < obj->sec_cnt ? &obj->secs[idx] : NULL;
}

unsigned int eb_object_sym_cnt(const struct eb_object *obj)
{
	return obj->sym_cnt;
}

const struct eb_elf_sym *eb_object_sym(const struct eb_object *obj, unsigned int idx)
{
	return idx < obj->sym_cnt ? &obj->syms[idx] : NULL;
}

const void *eb_object_sec_data(const struct eb_object *obj, unsigned int idx, size_t *size)
{
	if (idx >= obj->sec_cnt || !obj->sdata[idx].buf) {
		*size = 0;
		return NULL;
	}
	*size = obj->sdata[idx].size;
	return obj->sdata[idx].buf;
}

int eb_object_set_global(struct eb_object *obj, const char *name, const void *val,
			 size_t size)
{
	struct eb_obj_map *m;
	unsigned int i;

	if (obj->loaded)
		return -EBUSY;
	for (i = 0; i < obj->sym_cnt; i++) {
		const struct eb_elf_sym *s = &obj->syms[i];
		const struct eb_section *sec;

		if (s->type != STT_OBJECT || s->shndx >= obj->sec_cnt || strcmp(s->name, name))
			continue;
		sec = &obj->secs[s->shndx];
		if (sec->kind != EB_SEC_DATA || sec->map_idx < 0)
			continue;
		if (s->size != size || s->value + size > sec->size)
			return -EINVAL;
		m = &obj->maps[sec->map_idx];
		if (!m->priv_buf) {
			/* a private copy: the image may be shared by .bss-less views */
			m->priv_buf = calloc(1, m->value_size);
			if (!m->priv_buf)
				return -ENOMEM;
			if (m->init_data)
				memcpy(m->priv_buf, m->init_data, m->value_size);
			m->init_data = m->priv_buf;
		}
		memcpy((char *)m->priv_buf + s->value, val, size);
		return 0;
	}
	return -ENOENT;
}
