// SPDX-License-Identifier: MIT
/*
 * btf_ext.c - the .BTF.ext section: func_info, line_info and CO-RE
 * relocation records per ELF section (see btf.h).
 *
 * Layout: a header (magic, version, flags, hdr_len, then offset/length
 * pairs relative to the end of the header for func_info, line_info and,
 * when hdr_len covers it, core_relo).  Each subsection is a u32 rec_size
 * followed by blocks { u32 sec_name_off; u32 num_info; records[num_info] }.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "log.h"
#include "util.h"

struct btf_ext_hdr {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off;
	uint32_t func_info_len;
	uint32_t line_info_off;
	uint32_t line_info_len;
	/* present when hdr_len >= 32 */
	uint32_t core_relo_off;
	uint32_t core_relo_len;
};

#define BTF_EXT_HDR_MIN	offsetof(struct btf_ext_hdr, core_relo_off)

struct sub_desc {
	const char *what;
	uint32_t min_rec;
	int (*check)(const struct eb_btf *btf, const void *rec, const char *sec,
		     uint32_t i);
};

static int check_insn_off(uint32_t insn_off, const char *what, const char *sec,
			  uint32_t i)
{
	if (insn_off % 8 == 0)
		return 0;
	eb_warn("btf", ".BTF.ext %s of section %s record %u: insn_off %u is not a multiple of 8",
		what, sec, i, insn_off);
	return -EINVAL;
}

static int check_func_info(const struct eb_btf *btf, const void *rec, const char *sec,
			   uint32_t i)
{
	const struct bpf_func_info *fi = rec;
	const struct btf_type *t = eb_btf_type_by_id(btf, fi->type_id);

	if (!t || eb_btf_kind(t) != BTF_KIND_FUNC) {
		eb_warn("btf", ".BTF.ext func_info of section %s record %u: type id %u is not a func",
			sec, i, fi->type_id);
		return -EINVAL;
	}
	return check_insn_off(fi->insn_off, "func_info", sec, i);
}

static int check_line_info(const struct eb_btf *btf, const void *rec, const char *sec,
			   uint32_t i)
{
	const struct bpf_line_info *li = rec;

	if (!eb_btf_str(btf, li->file_name_off) || !eb_btf_str(btf, li->line_off)) {
		eb_warn("btf", ".BTF.ext line_info of section %s record %u: string offset %u/%u outside the string section",
			sec, i, li->file_name_off, li->line_off);
		return -EINVAL;
	}
	return check_insn_off(li->insn_off, "line_info", sec, i);
}

static int check_core_relo(const struct eb_btf *btf, const void *rec, const char *sec,
			   uint32_t i)
{
	const struct bpf_core_relo *cr = rec;

	if (cr->type_id >= eb_btf_type_cnt(btf)) {
		eb_warn("btf", ".BTF.ext core_relo of section %s record %u: type id %u out of range",
			sec, i, cr->type_id);
		return -EINVAL;
	}
	if (!eb_btf_str(btf, cr->access_str_off)) {
		eb_warn("btf", ".BTF.ext core_relo of section %s record %u: access string offset %u outside the string section",
			sec, i, cr->access_str_off);
		return -EINVAL;
	}
	return check_insn_off(cr->insn_off, "core_relo", sec, i);
}

static const struct sub_desc func_info_desc = {
	"func_info", sizeof(struct bpf_func_info), check_func_info,
};
static const struct sub_desc line_info_desc = {
	"line_info", sizeof(struct bpf_line_info), check_line_info,
};
static const struct sub_desc core_relo_desc = {
	"core_relo", sizeof(struct bpf_core_relo), check_core_relo,
};

/* Parse one subsection at [start + off, +len) of ext->data, where start is
 * the end of the header. */
static int parse_sub(struct eb_btf_ext *ext, const struct eb_btf *btf, uint32_t start,
		     uint32_t off, uint32_t len, const struct sub_desc *d,
		     struct eb_btf_ext_sec **secs, uint32_t *cnt)
{
	const uint8_t *base = (const uint8_t *)ext->data + start;
	uint32_t rec_size, pos, cap = 0;
	int err;

	*secs = NULL;
	*cnt = 0;
	if (!len)
		return 0;
	if ((uint64_t)off + len > ext->size - start) {
		eb_warn("btf", ".BTF.ext %s [%u, +%u) runs past the end of the section (%zu bytes)",
			d->what, off, len, ext->size);
		return -EINVAL;
	}
	if (off % 4) {
		eb_warn("btf", ".BTF.ext %s offset %u is not 4-byte aligned", d->what, off);
		return -EINVAL;
	}
	if (len < sizeof(uint32_t)) {
		eb_warn("btf", ".BTF.ext %s of %u bytes has no rec_size", d->what, len);
		return -EINVAL;
	}
	base += off;
	memcpy(&rec_size, base, sizeof(rec_size));
	if (rec_size < d->min_rec || rec_size % 4) {
		eb_warn("btf", ".BTF.ext %s at offset %u: rec_size %u (need a multiple of 4, >= %u)",
			d->what, start + off, rec_size, d->min_rec);
		return -EINVAL;
	}
	for (pos = sizeof(uint32_t); pos < len;) {
		const uint32_t *h = (const uint32_t *)(base + pos);
		struct eb_btf_ext_sec *s;
		const char *name;
		uint32_t i;

		if (len - pos < 2 * sizeof(uint32_t)) {
			eb_warn("btf", ".BTF.ext %s at offset %u: truncated section header",
				d->what, start + off + pos);
			return -EINVAL;
		}
		name = eb_btf_str(btf, h[0]);
		if (!name || !*name) {
			eb_warn("btf", ".BTF.ext %s at offset %u: bad section name offset %u",
				d->what, start + off + pos, h[0]);
			return -EINVAL;
		}
		if ((uint64_t)h[1] * rec_size > len - pos - 2 * sizeof(uint32_t)) {
			eb_warn("btf", ".BTF.ext %s of section %s: %u records of %u bytes run past the subsection",
				d->what, name, h[1], rec_size);
			return -EINVAL;
		}
		if (*cnt == cap) {
			cap = cap ? cap * 2 : 8;
			s = eb_reallocarray(*secs, cap, sizeof(**secs));
			if (!s)
				return -ENOMEM;
			*secs = s;
		}
		s = &(*secs)[(*cnt)++];
		s->sec_name = name;
		s->rec_size = rec_size;
		s->nr = h[1];
		s->recs = h + 2;
		for (i = 0; i < s->nr; i++) {
			err = d->check(btf, (const uint8_t *)s->recs + (size_t)i * rec_size,
				       name, i);
			if (err)
				return err;
		}
		pos += 2 * sizeof(uint32_t) + s->nr * rec_size;
	}
	return 0;
}

int eb_btf_ext_parse(const void *data, size_t size, const struct eb_btf *btf,
		     struct eb_btf_ext **out)
{
	struct btf_ext_hdr h = { 0 };
	struct eb_btf_ext *ext;
	int err;

	*out = NULL;
	if (!btf)
		return -EINVAL;
	if (!data || size < sizeof(h.magic)) {
		eb_warn("btf", "not .BTF.ext: %zu bytes is too short for a header", size);
		return -ENOEXEC;
	}
	memcpy(&h.magic, data, sizeof(h.magic));
	if (h.magic == 0x9FEB) {
		eb_warn("btf", ".BTF.ext of the other byte order is not supported");
		return -EOPNOTSUPP;
	}
	if (h.magic != BTF_MAGIC) {
		eb_warn("btf", "not .BTF.ext: magic 0x%04x at offset 0", h.magic);
		return -ENOEXEC;
	}
	if (size < BTF_EXT_HDR_MIN) {
		eb_warn("btf", ".BTF.ext truncated header: %zu bytes, need %zu",
			size, BTF_EXT_HDR_MIN);
		return -EINVAL;
	}
	memcpy(&h, data, EB_MIN(size, sizeof(h)));
	if (h.version != BTF_VERSION || h.flags) {
		eb_warn("btf", ".BTF.ext unsupported version %u / flags 0x%x",
			h.version, h.flags);
		return -EINVAL;
	}
	if (h.hdr_len < BTF_EXT_HDR_MIN || h.hdr_len > size || h.hdr_len % 4) {
		eb_warn("btf", ".BTF.ext hdr_len %u is invalid for %zu bytes", h.hdr_len, size);
		return -EINVAL;
	}
	if (h.hdr_len < sizeof(h))
		h.core_relo_off = h.core_relo_len = 0;

	ext = calloc(1, sizeof(*ext));
	if (!ext)
		return -ENOMEM;
	ext->data = malloc(size);
	if (!ext->data) {
		err = -ENOMEM;
		goto fail;
	}
	memcpy(ext->data, data, size);
	ext->size = size;
	err = parse_sub(ext, btf, h.hdr_len, h.func_info_off, h.func_info_len,
			&func_info_desc, &ext->func_info, &ext->func_info_cnt);
	if (err)
		goto fail;
	err = parse_sub(ext, btf, h.hdr_len, h.line_info_off, h.line_info_len,
			&line_info_desc, &ext->line_info, &ext->line_info_cnt);
	if (err)
		goto fail;
	err = parse_sub(ext, btf, h.hdr_len, h.core_relo_off, h.core_relo_len,
			&core_relo_desc, &ext->core_relo, &ext->core_relo_cnt);
	if (err)
		goto fail;
	*out = ext;
	return 0;
fail:
	eb_btf_ext_free(ext);
	return err;
}

void eb_btf_ext_free(struct eb_btf_ext *ext)
{
	if (!ext)
		return;
	free(ext->func_info);
	free(ext->line_info);
	free(ext->core_relo);
	free(ext->data);
	free(ext);
}

static const struct eb_btf_ext_sec *find_sec(const struct eb_btf_ext_sec *secs,
					     uint32_t cnt, const char *sec)
{
	uint32_t i;

	for (i = 0; i < cnt; i++)
		if (!strcmp(secs[i].sec_name, sec))
			return &secs[i];
	return NULL;
}

const struct eb_btf_ext_sec *eb_btf_ext_func_info(const struct eb_btf_ext *ext, const char *sec)
{
	return find_sec(ext->func_info, ext->func_info_cnt, sec);
}

const struct eb_btf_ext_sec *eb_btf_ext_line_info(const struct eb_btf_ext *ext, const char *sec)
{
	return find_sec(ext->line_info, ext->line_info_cnt, sec);
}

const struct eb_btf_ext_sec *eb_btf_ext_core_relo(const struct eb_btf_ext *ext, const char *sec)
{
	return find_sec(ext->core_relo, ext->core_relo_cnt, sec);
}
