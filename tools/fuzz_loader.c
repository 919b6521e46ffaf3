// SPDX-License-Identifier: MIT
/*
 * fuzz_loader.c - a mutation fuzzer for the parts of ebpfs that take
 * untrusted bytes: the ELF object loader, the disassembler, the gzip
 * reader behind /proc/config.gz and the key/value spellings of fs/fmt.c.
 *
 *   fuzz_loader [options] MODE [DIR]
 *
 * MODE:
 *   elf    mutate the seed objects DIR/ *.bpf.o and open them
 *          (eb_object_open_mem); a successful open is checked for
 *          consistency and every function is disassembled
 *   load   the same, then eb_object_load() against the kernel (root),
 *          the relocated programs disassembled, everything closed
 *   disasm random and mutated instruction arrays through eb_insn_decode()
 *          and eb_disasm_prog()
 *   gzip   mutations of /proc/config.gz (or -z FILE) through eb_gunzip()
 *   fmt    random and mutated text through every fs/fmt.c parser, and
 *          round trips: what renders parses back to the same bytes
 *
 * Options:
 *   -n N     iterations (default 1000)
 *   -s SEED  base seed (default 1); iteration i uses seed SEED + i, and
 *            `-s S -n 1` replays the iteration that reported seed S
 *   -t SECS  per-iteration alarm (default 10): a hang aborts with the seed
 *   -L N     leak check every N iterations (LeakSanitizer builds), 0: off
 *   -o FILE  write the (last) mutated input to FILE (replaying one seed)
 *   -v       print every iteration's seed, object and result
 *   -1       strict: a failed open emits exactly one warning (object.h)
 *
 * Every failed check prints "FAIL seed=S ..." and aborts, so the seed of
 * the iteration at fault is on stderr; a sanitizer report or a hang
 * prints "FAIL seed=S" too (sanitizer death callback, SIGALRM).
 * Exit status 0 when every iteration passed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gelf.h>

#include "btf.h"
#include "disasm.h"
#include "inflate.h"
#include "insn.h"
#include "log.h"
#include "object.h"
#include "strbuf.h"
#include "util.h"
#include "../fs/fmt.h"

/* LeakSanitizer / sanitizer hooks, present only in sanitizer builds */
extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

struct seed_obj {
	char *name;
	unsigned char *buf;
	size_t size;
};

static struct {
	uint64_t iter_seed;		/* the iteration running */
	const char *what;		/* its seed object / mode */
	unsigned int alarm_secs;
	unsigned int leak_every;
	const char *out_path;
	bool verbose;
	bool strict;		/* -1: exactly one warning per failed open */
	bool quiet_log;
	unsigned int warns;		/* eb_warn lines of this iteration */
	struct eb_btf *vmlinux;
} fz = { .alarm_secs = 10 };

/* --- failure reporting ------------------------------------------------------- */

static bool reported;

static void report_seed(void)
{
	char line[128];
	int n;

	reported = true;
	n = snprintf(line, sizeof(line), "FAIL seed=%" PRIu64 " (%s)\n",
			 fz.iter_seed, fz.what ? fz.what : "?");

	if (n > 0 && write(2, line, (size_t)n) < 0)
		_exit(3);
}

static void on_alarm(int sig)
{
	(void)sig;
	if (write(2, "hang: ", 6) < 0)
		_exit(3);
	report_seed();
	_exit(2);
}

/* UBSan (halt_on_error with abort_on_error) and failed asserts end here */
static void on_abort(int sig)
{
	if (!reported)
		report_seed();
	signal(sig, SIG_DFL);
	raise(sig);
}

__attribute__((format(printf, 1, 2), noreturn))
static void fail(const char *fmt, ...)
{
	va_list ap;

	report_seed();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

static void count_log(enum eb_log_level level, const char *msg)
{
	/* a non-fatal fault ("..., ignoring BTF") and the lines explaining it
	 * do not count against the failure's one line */
	if (level == EB_LOG_WARN)
		fz.warns = strstr(msg, "ignoring") ? 0 : fz.warns + 1;
	if (!fz.quiet_log)
		fprintf(stderr, "  log: %s\n", msg);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* --- random numbers (splitmix64: a seed gives the same run anywhere) --------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* uniform-ish in [0, n); 0 when n is 0 */
static size_t rnd_below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

/* --- mutations ------------------------------------------------------------------ */

struct mbuf {
	unsigned char *b;
	size_t len;
	size_t cap;
};

static uint32_t boundary_u32(size_t size)
{
	static const uint32_t fixed[] = {
		0, 1, 0xffffffffu, 0x7fffffffu, 0x80000000u, 2, 4, 8, 0xffff, 0x10000,
		0xfffffff8u, 24, 0x7ffffff8u,
	};
	size_t k = rnd_below(EB_ARRAY_SIZE(fixed) + 4);

	if (k < EB_ARRAY_SIZE(fixed))
		return fixed[k];
	switch (k - EB_ARRAY_SIZE(fixed)) {
	case 0:
		return (uint32_t)(size - 1);
	case 1:
		return (uint32_t)(size + 1);
	case 2:
		return (uint32_t)size;
	default:
		return (uint32_t)rnd_below(64);
	}
}

static void put32(struct mbuf *m, size_t off, uint32_t v)
{
	if (off + 4 <= m->len)
		memcpy(m->b + off, &v, 4);
}

static void put64(struct mbuf *m, size_t off, uint64_t v)
{
	if (off + 8 <= m->len)
		memcpy(m->b + off, &v, 8);
}

static uint32_t get32(const struct mbuf *m, size_t off)
{
	uint32_t v = 0;

	if (off + 4 <= m->len)
		memcpy(&v, m->b + off, 4);
	return v;
}

/* A value for a field at [off, off + width): boundary, small delta or random. */
static void mutate_field(struct mbuf *m, size_t off, unsigned int width)
{
	uint64_t v;

	switch (rnd_below(4)) {
	case 0:
		v = boundary_u32(m->len);
		if (width == 8 && rnd_below(2))
			v = rnd_below(2) ? UINT64_MAX : (uint64_t)1 << 63;
		break;
	case 1:
		if (width == 8) {
			memcpy(&v, m->b + off, 8);
		} else {
			uint32_t w = get32(m, off);

			v = width == 4 ? w : width == 2 ? (w & 0xffff) : (w & 0xff);
		}
		v += (uint64_t)(int64_t)((int)rnd_below(17) - 8);
		break;
	case 2:
		v = rnd();
		break;
	default:
		v = rnd_below(256);
	}
	if (off + width > m->len)
		return;
	switch (width) {
	case 1:
		m->b[off] = (unsigned char)v;
		break;
	case 2: {
		uint16_t h = (uint16_t)v;

		memcpy(m->b + off, &h, 2);
		break;
	}
	case 4:
		put32(m, off, (uint32_t)v);
		break;
	default:
		put64(m, off, v);
	}
}

/* The ELF view of the (possibly already mutated) buffer, bounds-checked;
 * headers are copied out (the buffer may hold them at any alignment). */
#define VIEW_MAX_SEC 1024

struct elf_view {
	Elf64_Ehdr eh;
	size_t shoff;
	unsigned int shnum;
	size_t shstr_off, shstr_size;
	Elf64_Shdr sh[VIEW_MAX_SEC];
};

static bool elf_view(const struct mbuf *m, struct elf_view *v)
{
	const Elf64_Shdr *s;

	if (m->len < sizeof(Elf64_Ehdr))
		return false;
	memcpy(&v->eh, m->b, sizeof(v->eh));
	v->shoff = v->eh.e_shoff;
	v->shnum = v->eh.e_shnum;
	if (v->shoff > m->len || v->shnum > (m->len - v->shoff) / sizeof(Elf64_Shdr) ||
	    v->shnum == 0 || v->shnum > VIEW_MAX_SEC)
		return false;
	memcpy(v->sh, m->b + v->shoff, v->shnum * sizeof(Elf64_Shdr));
	v->shstr_off = v->shstr_size = 0;
	if (v->eh.e_shstrndx < v->shnum) {
		s = &v->sh[v->eh.e_shstrndx];
		if (s->sh_offset <= m->len && s->sh_size <= m->len - s->sh_offset) {
			v->shstr_off = s->sh_offset;
			v->shstr_size = s->sh_size;
		}
	}
	return true;
}

static const Elf64_Shdr *elf_shdr(const struct mbuf *m, const struct elf_view *v, unsigned int i)
{
	(void)m;
	return &v->sh[i];
}

static bool sec_in_file(const struct mbuf *m, const Elf64_Shdr *s)
{
	return s->sh_type != SHT_NOBITS && s->sh_offset <= m->len &&
	       s->sh_size <= m->len - s->sh_offset;
}

static const char *sec_name(const struct mbuf *m, const struct elf_view *v, const Elf64_Shdr *s)
{
	size_t i;

	if (s->sh_name >= v->shstr_size)
		return "";
	for (i = v->shstr_off + s->sh_name; i < v->shstr_off + v->shstr_size; i++)
		if (!m->b[i])
			return (const char *)m->b + v->shstr_off + s->sh_name;
	return "";
}

/* A random section matching pred (NULL: any), or -1. */
static int pick_section(const struct mbuf *m, const struct elf_view *v,
			bool (*pred)(const struct mbuf *, const struct elf_view *, const Elf64_Shdr *))
{
	unsigned int i, n = 0, want;

	for (i = 0; i < v->shnum; i++)
		n += !pred || pred(m, v, elf_shdr(m, v, i));
	if (!n)
		return -1;
	want = (unsigned int)rnd_below(n);
	for (i = 0; i < v->shnum; i++)
		if ((!pred || pred(m, v, elf_shdr(m, v, i))) && !want--)
			return (int)i;
	return -1;
}

static bool is_symtab(const struct mbuf *m, const struct elf_view *v, const Elf64_Shdr *s)
{
	(void)v;
	return s->sh_type == SHT_SYMTAB && sec_in_file(m, s);
}

static bool is_rel(const struct mbuf *m, const struct elf_view *v, const Elf64_Shdr *s)
{
	(void)v;
	return s->sh_type == SHT_REL && sec_in_file(m, s);
}

static bool is_btf(const struct mbuf *m, const struct elf_view *v, const Elf64_Shdr *s)
{
	return sec_in_file(m, s) && !strcmp(sec_name(m, v, s), ".BTF");
}

static bool is_btf_ext(const struct mbuf *m, const struct elf_view *v, const Elf64_Shdr *s)
{
	return sec_in_file(m, s) && !strcmp(sec_name(m, v, s), ".BTF.ext");
}

static bool is_exec(const struct mbuf *m, const struct elf_view *v, const Elf64_Shdr *s)
{
	(void)v;
	return (s->sh_flags & SHF_EXECINSTR) && sec_in_file(m, s);
}

static bool is_data(const struct mbuf *m, const struct elf_view *v, const Elf64_Shdr *s)
{
	(void)v;
	return s->sh_type == SHT_PROGBITS && !(s->sh_flags & SHF_EXECINSTR) &&
	       sec_in_file(m, s) && s->sh_size;
}

/* An entry of `esize` bytes inside section idx: its file offset, or SIZE_MAX. */
static size_t pick_entry(const struct mbuf *m, const struct elf_view *v, int idx, size_t esize)
{
	const Elf64_Shdr *s;
	size_t n;

	if (idx < 0)
		return SIZE_MAX;
	s = elf_shdr(m, v, (unsigned int)idx);
	n = s->sh_size / esize;
	if (!n)
		return SIZE_MAX;
	return s->sh_offset + rnd_below(n) * esize;
}

static bool mutate_shdr(struct mbuf *m, const struct elf_view *v)
{
	static const struct { unsigned int off, width; } fields[] = {
		{ offsetof(Elf64_Shdr, sh_name), 4 },
		{ offsetof(Elf64_Shdr, sh_type), 4 },
		{ offsetof(Elf64_Shdr, sh_flags), 8 },
		{ offsetof(Elf64_Shdr, sh_offset), 8 },
		{ offsetof(Elf64_Shdr, sh_size), 8 },
		{ offsetof(Elf64_Shdr, sh_link), 4 },
		{ offsetof(Elf64_Shdr, sh_info), 4 },
		{ offsetof(Elf64_Shdr, sh_addralign), 8 },
		{ offsetof(Elf64_Shdr, sh_entsize), 8 },
	};
	size_t f = rnd_below(EB_ARRAY_SIZE(fields));
	size_t base = v->shoff + rnd_below(v->shnum) * sizeof(Elf64_Shdr);

	if (fields[f].off == offsetof(Elf64_Shdr, sh_type) && rnd_below(2)) {
		static const uint32_t types[] = { SHT_NULL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB,
						  SHT_REL, SHT_RELA, SHT_NOBITS, SHT_DYNSYM };

		put32(m, base + fields[f].off, types[rnd_below(EB_ARRAY_SIZE(types))]);
		return true;
	}
	mutate_field(m, base + fields[f].off, fields[f].width);
	return true;
}

static bool mutate_sym(struct mbuf *m, const struct elf_view *v)
{
	static const struct { unsigned int off, width; } fields[] = {
		{ offsetof(Elf64_Sym, st_name), 4 },
		{ offsetof(Elf64_Sym, st_info), 1 },
		{ offsetof(Elf64_Sym, st_other), 1 },
		{ offsetof(Elf64_Sym, st_shndx), 2 },
		{ offsetof(Elf64_Sym, st_value), 8 },
		{ offsetof(Elf64_Sym, st_size), 8 },
	};
	size_t base = pick_entry(m, v, pick_section(m, v, is_symtab), sizeof(Elf64_Sym));
	size_t f = rnd_below(EB_ARRAY_SIZE(fields));

	if (base == SIZE_MAX)
		return false;
	if (fields[f].off == offsetof(Elf64_Sym, st_info) && rnd_below(2)) {
		/* a valid-looking bind/type pair */
		m->b[base + fields[f].off] = (unsigned char)ELF64_ST_INFO(rnd_below(3),
									  rnd_below(5));
		return true;
	}
	if (fields[f].off == offsetof(Elf64_Sym, st_shndx) && rnd_below(2)) {
		static const uint16_t special[] = { SHN_UNDEF, SHN_ABS, SHN_COMMON, SHN_XINDEX,
						    0xff00 };
		uint16_t x = rnd_below(2) ? special[rnd_below(EB_ARRAY_SIZE(special))] :
					    (uint16_t)rnd_below(v->shnum + 2);

		memcpy(m->b + base + fields[f].off, &x, 2);
		return true;
	}
	mutate_field(m, base + fields[f].off, fields[f].width);
	return true;
}

static bool mutate_rel(struct mbuf *m, const struct elf_view *v)
{
	int sec = pick_section(m, v, is_rel);
	size_t base = pick_entry(m, v, sec, sizeof(Elf64_Rel));
	uint64_t info;

	if (base == SIZE_MAX)
		return false;
	switch (rnd_below(4)) {
	case 0:		/* r_offset */
		if (rnd_below(2)) {
			uint64_t o;

			memcpy(&o, m->b + base, 8);
			o += (uint64_t)(int64_t)(((int)rnd_below(5) - 2) * (rnd_below(2) ? 8 : 1));
			put64(m, base, o);
		} else {
			mutate_field(m, base, 8);
		}
		break;
	case 1:		/* symbol index */
		memcpy(&info, m->b + base + 8, 8);
		info = ELF64_R_INFO(rnd_below(2) ? rnd_below(64) : boundary_u32(m->len),
				    ELF64_R_TYPE(info));
		put64(m, base + 8, info);
		break;
	case 2:		/* type */
		memcpy(&info, m->b + base + 8, 8);
		info = ELF64_R_INFO(ELF64_R_SYM(info), rnd_below(2) ? rnd_below(12) : boundary_u32(0));
		put64(m, base + 8, info);
		break;
	default:	/* duplicate another record over this one */
		memmove(m->b + base, m->b + pick_entry(m, v, sec, sizeof(Elf64_Rel)),
			sizeof(Elf64_Rel));
	}
	return true;
}

/*
 * BTF, type-aware: the records are walked and one field is set to a value
 * the parser accepts (a valid type id, a valid name offset, a flipped
 * kind among records of the same layout) or a boundary value, so the
 * mutation reaches the loader's use of BTF and not only BTF validation.
 */
enum btf_field { BF_TYPE, BF_NAME, BF_NUM, BF_INFO };

#define BTF_MAX_FIELDS 4096

struct btf_fields {
	uint32_t off[BTF_MAX_FIELDS];
	uint8_t cls[BTF_MAX_FIELDS];
	unsigned int n;
	uint32_t ntypes;	/* ids 1 .. ntypes */
	uint32_t str_len;
};

static void bf_add(struct btf_fields *f, size_t off, enum btf_field cls)
{
	if (f->n < BTF_MAX_FIELDS) {
		f->off[f->n] = (uint32_t)off;
		f->cls[f->n++] = (uint8_t)cls;
	}
}

static bool btf_walk(const struct mbuf *m, size_t base, size_t size, struct btf_fields *f)
{
	uint32_t hdr_len = get32(m, base + 4), type_off = get32(m, base + 8);
	uint32_t type_len = get32(m, base + 12);
	size_t p, end;

	f->n = 0;
	f->ntypes = 0;
	f->str_len = get32(m, base + 20);
	if ((uint64_t)hdr_len + type_off + type_len > size)
		return false;
	p = base + hdr_len + type_off;
	end = p + type_len;
	while (p + 12 <= end) {
		uint32_t info = get32(m, p);
		unsigned int kind = (info >> 24) & 0x1f, vlen = info & 0xffff, i;
		size_t extra;

		bf_add(f, p, BF_NAME);
		bf_add(f, p + 4, BF_INFO);
		switch (kind) {
		case BTF_KIND_INT:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_DATASEC:
		case BTF_KIND_FLOAT:
			bf_add(f, p + 8, BF_NUM);
			break;
		default:
			bf_add(f, p + 8, BF_TYPE);
		}
		p += 12;
		switch (kind) {
		case BTF_KIND_INT:
		case BTF_KIND_VAR:
		case BTF_KIND_DECL_TAG:
			extra = 4;
			bf_add(f, p, BF_NUM);
			break;
		case BTF_KIND_ARRAY:
			extra = 12;
			bf_add(f, p, BF_TYPE);
			bf_add(f, p + 4, BF_TYPE);
			bf_add(f, p + 8, BF_NUM);
			break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			extra = (size_t)vlen * 12;
			for (i = 0; i < vlen && p + i * 12 + 12 <= end; i++) {
				bf_add(f, p + i * 12, BF_NAME);
				bf_add(f, p + i * 12 + 4, BF_TYPE);
				bf_add(f, p + i * 12 + 8, BF_NUM);
			}
			break;
		case BTF_KIND_ENUM:
		case BTF_KIND_FUNC_PROTO:
			extra = (size_t)vlen * 8;
			for (i = 0; i < vlen && p + i * 8 + 8 <= end; i++) {
				bf_add(f, p + i * 8, BF_NAME);
				bf_add(f, p + i * 8 + 4, kind == BTF_KIND_ENUM ? BF_NUM : BF_TYPE);
			}
			break;
		case BTF_KIND_DATASEC:
		case BTF_KIND_ENUM64:
			extra = (size_t)vlen * 12;
			for (i = 0; i < vlen && p + i * 12 + 12 <= end; i++) {
				bf_add(f, p + i * 12, kind == BTF_KIND_DATASEC ? BF_TYPE : BF_NAME);
				bf_add(f, p + i * 12 + 4, BF_NUM);
				bf_add(f, p + i * 12 + 8, BF_NUM);
			}
			break;
		default:
			extra = 0;
		}
		p += extra;
		f->ntypes++;
	}
	return f->n > 0;
}

static bool mutate_btf(struct mbuf *m, const struct elf_view *v)
{
	static struct btf_fields f;
	int sec = pick_section(m, v, is_btf);
	const Elf64_Shdr *s;
	size_t base, off;
	unsigned int k;

	if (sec < 0)
		return false;
	s = elf_shdr(m, v, (unsigned int)sec);
	base = s->sh_offset;
	if (s->sh_size < 24)
		return false;
	if (rnd_below(10) == 0) {
		/* magic/version/flags (4 bytes) and the five u32 fields */
		size_t fld = rnd_below(6);

		if (fld == 0)
			mutate_field(m, base + rnd_below(4), 1);
		else
			mutate_field(m, base + fld * 4, 4);
		return true;
	}
	if (!btf_walk(m, base, s->sh_size, &f))
		return false;
	k = (unsigned int)rnd_below(f.n);
	off = f.off[k];
	switch (f.cls[k]) {
	case BF_TYPE:
		if (rnd_below(8) == 0)
			mutate_field(m, off, 4);
		else
			put32(m, off, (uint32_t)rnd_below(f.ntypes + 1));
		break;
	case BF_NAME:
		if (rnd_below(8) == 0)
			mutate_field(m, off, 4);
		else
			put32(m, off, rnd_below(4) ? (uint32_t)rnd_below(f.str_len) : 0);
		break;
	case BF_INFO: {
		/* kinds of the same layout, kflag, vlen one less / more */
		static const uint8_t same[][6] = {
			{ BTF_KIND_PTR, BTF_KIND_TYPEDEF, BTF_KIND_VOLATILE, BTF_KIND_CONST,
			  BTF_KIND_RESTRICT, BTF_KIND_TYPE_TAG },
			{ BTF_KIND_FUNC, BTF_KIND_FWD, BTF_KIND_PTR, BTF_KIND_FLOAT,
			  BTF_KIND_TYPEDEF, BTF_KIND_CONST },
			{ BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_DATASEC, BTF_KIND_ENUM64,
			  BTF_KIND_STRUCT, BTF_KIND_UNION },
			{ BTF_KIND_ENUM, BTF_KIND_FUNC_PROTO, BTF_KIND_ENUM, BTF_KIND_FUNC_PROTO,
			  BTF_KIND_ENUM, BTF_KIND_FUNC_PROTO },
			{ BTF_KIND_INT, BTF_KIND_VAR, BTF_KIND_DECL_TAG, BTF_KIND_INT,
			  BTF_KIND_VAR, BTF_KIND_DECL_TAG },
		};
		uint32_t info = get32(m, off);
		unsigned int kind = (info >> 24) & 0x1f, g, j;

		switch (rnd_below(4)) {
		case 0:
			info ^= 1u << 31;
			break;
		case 1:
			info = (info & ~0xffffu) | ((info + (rnd_below(2) ? 1 : 0xffff)) & 0xffff);
			break;
		default:
			for (g = 0; g < EB_ARRAY_SIZE(same); g++)
				for (j = 0; j < 6; j++)
					if (same[g][j] == kind)
						goto found;
			break;
found:
			info = (info & ~(0x1fu << 24)) | (uint32_t)same[g][rnd_below(6)] << 24;
		}
		put32(m, off, info);
		break;
	}
	default:
		mutate_field(m, off, 4);
	}
	return true;
}

/* .BTF.ext: header fields, a subsection's rec_size / sec_name / nr, a record word */
static bool mutate_btf_ext(struct mbuf *m, const struct elf_view *v)
{
	int sec = pick_section(m, v, is_btf_ext);
	const Elf64_Shdr *s;
	size_t base;

	if (sec < 0)
		return false;
	s = elf_shdr(m, v, (unsigned int)sec);
	base = s->sh_offset;
	if (s->sh_size < 8)
		return false;
	if (rnd_below(3) == 0) {
		size_t f = rnd_below(s->sh_size >= 40 ? 8 : 2);

		if (f == 0)
			mutate_field(m, base + rnd_below(4), 1);
		else
			mutate_field(m, base + 4 * f, 4);
		return true;
	}
	/* any aligned word of the section: rec_size, sec_name_off, num_info, records */
	mutate_field(m, base + rnd_below(s->sh_size / 4) * 4, 4);
	return true;
}

/* An instruction of a code section: opcode, registers, off or imm. */
static bool mutate_insn(struct mbuf *m, const struct elf_view *v)
{
	size_t base = pick_entry(m, v, pick_section(m, v, is_exec), sizeof(struct bpf_insn));

	if (base == SIZE_MAX)
		return false;
	switch (rnd_below(4)) {
	case 0:
		m->b[base] = (unsigned char)rnd();
		break;
	case 1:
		m->b[base + 1] = (unsigned char)rnd();
		break;
	case 2:
		mutate_field(m, base + 2, 2);
		break;
	default:
		mutate_field(m, base + 4, 4);
	}
	return true;
}

/* A word of a data section: map definitions (legacy maps, .maps is all zero) */
static bool mutate_data(struct mbuf *m, const struct elf_view *v)
{
	int sec = pick_section(m, v, is_data);
	const Elf64_Shdr *s;

	if (sec < 0)
		return false;
	s = elf_shdr(m, v, (unsigned int)sec);
	if (s->sh_size < 4)
		return false;
	mutate_field(m, s->sh_offset + rnd_below(s->sh_size / 4) * 4, 4);
	return true;
}

static void mutate_generic(struct mbuf *m)
{
	size_t off, n, k = rnd_below(8);

	if (!m->len)
		return;
	/* size changes mostly end at the section header table: make them rarer */
	if (k >= 3 && k <= 5 && rnd_below(3))
		k = rnd_below(2) ? 0 : 6;
	switch (k) {
	case 0:		/* bit flip */
		off = rnd_below(m->len);
		m->b[off] ^= (unsigned char)(1u << rnd_below(8));
		break;
	case 1: {	/* interesting byte */
		static const unsigned char bytes[] = { 0, 0xff, 0x7f, 0x80, 1 };

		m->b[rnd_below(m->len)] = bytes[rnd_below(EB_ARRAY_SIZE(bytes))];
		break;
	}
	case 2:		/* 4-byte boundary value, aligned or not */
		off = rnd_below(m->len);
		if (rnd_below(2))
			off &= ~(size_t)3;
		put32(m, off, boundary_u32(m->len));
		break;
	case 3:		/* truncation */
		m->len = rnd_below(m->len);
		break;
	case 4:		/* chunk duplication (inserted after itself) */
		off = rnd_below(m->len);
		n = 1 + rnd_below(EB_MIN(m->len - off, (size_t)256));
		if (m->len + n > m->cap)
			break;
		k = off + n;
		memmove(m->b + k + n, m->b + k, m->len - k);
		memcpy(m->b + k, m->b + off, n);
		m->len += n;
		break;
	case 5:		/* chunk deletion */
		off = rnd_below(m->len);
		n = 1 + rnd_below(EB_MIN(m->len - off, (size_t)256));
		memmove(m->b + off, m->b + off + n, m->len - off - n);
		m->len -= n;
		break;
	case 6:		/* random byte */
		m->b[rnd_below(m->len)] = (unsigned char)rnd();
		break;
	default:	/* chunk overwritten with another chunk */
		n = 1 + rnd_below(EB_MIN(m->len, (size_t)64));
		memmove(m->b + rnd_below(m->len - n + 1), m->b + rnd_below(m->len - n + 1), n);
	}
}

static void mutate_elf(struct mbuf *m)
{
	unsigned int rounds = 1 + (unsigned int)rnd_below(rnd_below(4) ? 2 : 8);

	while (rounds--) {
		static struct elf_view v;
		bool done = false;

		if (rnd_below(3) && elf_view(m, &v)) {
			switch (rnd_below(8)) {
			case 0:
				done = mutate_shdr(m, &v);
				break;
			case 1:
				done = mutate_sym(m, &v);
				break;
			case 2:
				done = mutate_rel(m, &v);
				break;
			case 3:
			case 4:
				done = mutate_btf(m, &v);
				break;
			case 5:
				done = mutate_btf_ext(m, &v);
				break;
			case 6:
				done = mutate_insn(m, &v);
				break;
			default:
				done = mutate_data(m, &v);
			}
		}
		if (!done)
			mutate_generic(m);
	}
}

/* --- checks on an opened / loaded object ------------------------------------- */

static void disasm_check(const struct bpf_insn *insns, size_t cnt)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	size_t i;
	int r;

	r = eb_disasm_prog(insns, cnt, NULL, &sb);
	CHECK(r >= 0 && (size_t)r <= cnt, "eb_disasm_prog returned %d for %zu insns", r, cnt);
	for (i = 0; i < cnt; i++) {
		struct eb_insn_info info;
		int d = eb_insn_decode(insns, cnt, i, &info);

		eb_strbuf_reset(&sb);
		r = eb_disasm_insn(insns, cnt, i, &sb);
		CHECK(r == d || (r == -EINVAL && d < 0), "insn %zu: decode %d, disasm %d", i, d, r);
		CHECK(r == -EINVAL || r == 1 || r == 2, "insn %zu: disasm returned %d", i, r);
		CHECK(r != 2 || i + 1 < cnt, "insn %zu: 2 slots past the end", i);
		CHECK(sb.len > 0 && strlen(sb.buf) == sb.len, "insn %zu: bad text", i);
	}
	eb_strbuf_release(&sb);
}

static void check_object(const struct eb_object *obj)
{
	unsigned int j, nf = eb_object_func_cnt(obj), nm = eb_object_map_cnt(obj);
	unsigned int ne = eb_object_extern_cnt(obj);

	CHECK(eb_object_license(obj) != NULL, "no license after a successful open");
	for (j = 0; j < nf; j++) {
		const struct eb_prog *p = eb_object_func(obj, j);
		uint32_t r;

		CHECK(p->name && p->kname && strlen(p->kname) <= 15, "func %u: names", j);
		for (r = 0; r < p->reloc_cnt; r++) {
			const struct eb_reloc *rl = &p->relocs[r];

			CHECK(rl->insn_idx < p->insn_cnt, "func %s: reloc %u at %u of %u", p->name,
			      r, rl->insn_idx, p->insn_cnt);
			CHECK(r == 0 || p->relocs[r - 1].insn_idx <= rl->insn_idx,
			      "func %s: relocs not sorted", p->name);
			switch (rl->kind) {
			case EB_RELO_CALL:
			case EB_RELO_FUNC_PTR:
				CHECK((unsigned int)rl->func_idx < nf, "func %s: reloc %u func %d",
				      p->name, r, rl->func_idx);
				break;
			case EB_RELO_EXTERN:
			case EB_RELO_KFUNC:
				CHECK((unsigned int)rl->ext_idx < ne, "func %s: reloc %u ext %d",
				      p->name, r, rl->ext_idx);
				break;
			case EB_RELO_CORE:
				break;
			default:
				CHECK((unsigned int)rl->map_idx < nm, "func %s: reloc %u map %d",
				      p->name, r, rl->map_idx);
			}
		}
		disasm_check(p->insns, p->insn_cnt);
	}
	for (j = 0; j < nm; j++) {
		const struct eb_obj_map *mp = eb_object_map(obj, j);

		CHECK(mp->name && mp->kname && strlen(mp->kname) <= 15, "map %u: names", j);
		CHECK(mp->init_slot_cnt == 0 || mp->init_slots, "map %s: slots", mp->name);
	}
	for (j = 0; j < eb_object_sym_cnt(obj); j++)
		CHECK(eb_object_sym(obj, j)->name != NULL, "sym %u: no name", j);
	if (eb_object_btf(obj)) {
		struct eb_btf *btf = eb_object_btf(obj);
		uint32_t id, size;
		struct eb_strbuf sb = EB_STRBUF_INIT;

		CHECK(eb_btf_raw(btf, &size) != NULL, "BTF without raw bytes");
		for (id = 1; id < eb_btf_type_cnt(btf) && id < 2000; id++) {
			eb_strbuf_reset(&sb);
			eb_btf_type_str(btf, id, &sb);
			eb_btf_resolve_size(btf, id);
			eb_btf_align(btf, id);
			eb_btf_skip_mods(btf, id);
		}
		eb_strbuf_release(&sb);
	}
}

/* Load hook: refuse maps whose preallocation would take the machine's memory. */
static int map_too_big(const struct eb_obj_map *map, void *ctx)
{
	const struct eb_obj_map *m;

	(void)ctx;
	for (m = map; m; m = m->inner)
		if ((uint64_t)m->max_entries * ((uint64_t)m->key_size + m->value_size + 64) >
		    (64u << 20))
			return -E2BIG;
	return -ENOENT;
}

static int fd_base = -1;

/* kconfig text for the object's __kconfig externs, values hostile or not */
static void make_kconfig(const struct eb_object *obj, struct eb_strbuf *sb)
{
	static const char *const vals[] = {
		"y", "n", "m", "\"str\"", "\"\"", "\"", "\"a\\\"b\"", "\"abc", "0",
		"-1", "0x7fffffffffffffff", "18446744073709551616", "-9223372036854775809",
		"255", "256", "-129", "65536", "", "yes", "0x", "1e3", " 1", "1 ",
		"\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"",
	};
	unsigned int i;

	for (i = 0; i < eb_object_extern_cnt(obj); i++) {
		const struct eb_obj_extern *e = eb_object_extern(obj, i);

		if (e->kind != EB_EXT_KCONFIG)
			continue;
		if (rnd_below(5) == 0)
			eb_strbuf_addf(sb, "# %s is not set\n", e->name);
		else
			eb_strbuf_addf(sb, "%s=%s\n", e->name, vals[rnd_below(EB_ARRAY_SIZE(vals))]);
	}
	if (sb->len && rnd_below(4) == 0)
		sb->buf[rnd_below(sb->len)] = (char)rnd();
}

static void run_object(const struct seed_obj *so, struct mbuf *m, bool load, uint64_t *stats)
{
	struct eb_strbuf err = EB_STRBUF_INIT;
	struct eb_open_opts oo = { .errmsg = &err };
	struct eb_object *obj = NULL;
	int r;

	memcpy(m->b, so->buf, so->size);
	m->len = so->size;
	mutate_elf(m);
	if (fz.out_path) {
		FILE *f = fopen(fz.out_path, "w");

		if (f) {
			fwrite(m->b, 1, m->len, f);
			fclose(f);
		}
	}
	fz.warns = 0;
	r = eb_object_open_mem(m->b, m->len, so->name, &oo, &obj);
	if (r) {
		CHECK(r == -EINVAL || r == -ENOEXEC || r == -EOPNOTSUPP || r == -ENOMEM ||
		      r == -E2BIG || r == -ENOENT || r == -ERANGE || r == -ELOOP,
		      "open: unexpected %d", r);
		CHECK(!obj, "open failed (%d) but set *out", r);
		CHECK(fz.warns >= 1 && err.len > 0, "open failed (%d) without a message", r);
		CHECK(!fz.strict || fz.warns == 1, "open failed (%d) with %u warnings", r, fz.warns);
		stats[0]++;
		if (fz.verbose)
			fprintf(stderr, "seed %" PRIu64 " %s: open %d: %s\n", fz.iter_seed, so->name,
				r, err.buf);
		goto out;
	}
	stats[1]++;
	check_object(obj);
	if (load) {
		struct eb_load_opts lo = {
			.kernel_btf = fz.vmlinux,
			.map_reuse = map_too_big,
			.log_size = 4096,
		};
		struct eb_strbuf kc = EB_STRBUF_INIT;
		unsigned int j;

		if (rnd_below(2)) {
			make_kconfig(obj, &kc);
			lo.kconfig = kc.buf;
		}
		fz.warns = 0;
		r = eb_object_load(obj, &lo);
		eb_strbuf_release(&kc);
		CHECK(r <= 0, "load returned %d", r);
		if (r) {
			CHECK(fz.warns >= 1 && eb_object_errmsg(obj)[0], "load %d without a message",
			      r);
			CHECK(!eb_object_loaded(obj), "failed load left the object loaded");
			for (j = 0; j < eb_object_prog_cnt(obj); j++)
				CHECK(eb_object_prog(obj, j)->fd < 0, "failed load left a prog fd");
			for (j = 0; j < eb_object_map_cnt(obj); j++)
				CHECK(eb_object_map(obj, j)->fd < 0, "failed load left a map fd");
			CHECK(count_fds() == fd_base, "failed load (%d) leaked fds: %d, was %d", r,
			      count_fds(), fd_base);
			stats[2]++;
		} else {
			stats[3]++;
			for (j = 0; j < eb_object_prog_cnt(obj); j++) {
				const struct eb_prog *p = eb_object_prog(obj, j);

				if (p->final_insns)
					disasm_check(p->final_insns, p->final_cnt);
			}
		}
		if (fz.verbose)
			fprintf(stderr, "seed %" PRIu64 " %s: load %d %s\n", fz.iter_seed, so->name,
				r, r ? eb_object_errmsg(obj) : "");
	} else if (fz.verbose) {
		fprintf(stderr, "seed %" PRIu64 " %s: open ok\n", fz.iter_seed, so->name);
	}
	eb_object_close(obj);
out:
	eb_strbuf_release(&err);
}

/* --- disassembler on random instructions ------------------------------------- */

static void run_disasm(void)
{
	struct bpf_insn insns[64];
	size_t cnt = 1 + rnd_below(EB_ARRAY_SIZE(insns)), i;
	struct eb_disasm_sym syms[4];
	struct eb_disasm_opts o = { .syms = syms, .nsyms = rnd_below(5) };
	struct eb_strbuf sb = EB_STRBUF_INIT;

	for (i = 0; i < cnt; i++) {
		uint64_t r = rnd();

		memcpy(&insns[i], &r, sizeof(r));
		if (rnd_below(2)) {
			/* a valid-looking opcode class/op and small registers */
			static const uint8_t codes[] = {
				0x07, 0x0f, 0x04, 0x0c, 0xb7, 0xbf, 0xb4, 0xbc, 0x18, 0x61, 0x79,
				0x63, 0x7b, 0x62, 0x7a, 0xdb, 0xc3, 0x85, 0x95, 0x05, 0x06, 0x15,
				0x1d, 0xd4, 0xdc, 0xd7, 0x91, 0x97, 0x9f, 0x3f, 0x8d, 0xe5, 0x2d,
				0x00, 0x71, 0x81, 0x89, 0x3c, 0x37, 0xc7, 0xcf, 0x34,
			};

			insns[i].code = codes[rnd_below(EB_ARRAY_SIZE(codes))];
			insns[i].dst_reg = (uint8_t)rnd_below(12);
			insns[i].src_reg = (uint8_t)rnd_below(rnd_below(2) ? 12 : 16);
			if (rnd_below(2))
				insns[i].off = (int16_t)((int)rnd_below(9) - 4);
			if (rnd_below(2))
				insns[i].imm = (int32_t)boundary_u32(cnt);
		}
	}
	for (i = 0; i < o.nsyms; i++) {
		syms[i].addr = rnd_below(2) ? rnd_below(cnt + 2) * 8 : rnd();
		syms[i].name = i & 1 ? "a" : "LBB0_1";
	}
	disasm_check(insns, cnt);
	o.no_bytes = rnd_below(2);
	CHECK(eb_disasm_prog(insns, cnt, &o, &sb) >= 0, "disasm_prog with symbols");
	eb_strbuf_release(&sb);
}

/* --- gzip ------------------------------------------------------------------------ */

static void run_gzip(const struct seed_obj *gz, struct mbuf *m)
{
	void *out = NULL;
	size_t out_len = 0;
	int r;

	memcpy(m->b, gz->buf, gz->size);
	m->len = gz->size;
	{
		unsigned int k = 1 + (unsigned int)rnd_below(3);

		while (k--) {
			/* most damage where the deflate headers and early blocks are */
			if (rnd_below(2) && m->len > 64) {
				size_t off = rnd_below(EB_MIN(m->len, (size_t)2048));

				m->b[off] ^= (unsigned char)(1u << rnd_below(8));
			} else {
				mutate_generic(m);
			}
		}
	}
	r = eb_gunzip(m->b, m->len, 4u << 20, &out, &out_len);
	CHECK(r == 0 || r == -EINVAL || r == -E2BIG, "gunzip: unexpected %d", r);
	if (!r) {
		CHECK(out_len <= 4u << 20 && ((char *)out)[out_len] == 0, "gunzip: bad output");
		free(out);
	}
}

/* --- fs/fmt.c ----------------------------------------------------------------- */

static void rand_text(char *s, size_t len)
{
	static const char alpha[] = "0123456789abcdefABCDEFxX-+ \t\n:cpusm~";
	size_t i;

	for (i = 0; i < len; i++)
		s[i] = rnd_below(8) ? alpha[rnd_below(sizeof(alpha) - 1)] : (char)rnd();
}

static void mutate_text(struct mbuf *m)
{
	unsigned int k = 1 + (unsigned int)rnd_below(3);

	while (k--) {
		if (rnd_below(3) == 0 && m->len) {
			static const char ins[] = " -0x9f:\n+~";

			m->b[rnd_below(m->len)] = (unsigned char)ins[rnd_below(sizeof(ins) - 1)];
		} else {
			mutate_generic(m);
		}
	}
}

static void run_fmt(struct mbuf *m)
{
	static const size_t int_sizes[] = { 1, 2, 4, 8 };
	enum fs_fmt fmt = (enum fs_fmt)rnd_below(3);
	size_t size = fmt == FS_FMT_HEX ? 1 + rnd_below(rnd_below(4) ? 16 : 300) :
					  int_sizes[rnd_below(4)];
	struct eb_strbuf sb = EB_STRBUF_INIT, sb2 = EB_STRBUF_INIT;
	unsigned char val[300] = { 0 }, back[300], canary[304];
	size_t i;
	int r;

	/* 1. render -> parse gives the same bytes (value and key spellings) */
	for (i = 0; i < size; i++)
		val[i] = rnd_below(4) ? (unsigned char)rnd() : (unsigned char)(rnd_below(2) ? 0 : 0xff);
	fs_fmt_render(fmt, val, size, &sb);
	r = fs_fmt_parse(fmt, sb.buf, sb.len, back, size);
	CHECK(r == 0 && !memcmp(val, back, size), "fmt %d size %zu: '%s' does not parse back (%d)",
	      fmt, size, sb.buf, r);
	eb_strbuf_reset(&sb);
	fs_fmt_render_key(fmt, val, size, &sb);
	CHECK(sb.len <= FS_FMT_NAME_MAX && !memchr(sb.buf, '/', sb.len),
	      "key name of %zu bytes too long or with '/'", size);
	if (fs_fmt_key_is_long(fmt, size)) {
		struct fs_fmt_long_name ln;

		CHECK(sb.len == FS_FMT_LONG_NAME_LEN, "long name of %zu bytes", sb.len);
		r = fs_fmt_parse_long_name(sb.buf, sb.len, &ln);
		CHECK(r == 0 && fs_fmt_long_name_matches(&ln, val, size), "long name does not match");
		val[size - 1] ^= 1;
		CHECK(!fs_fmt_long_name_matches(&ln, val, size), "long name matches another key");
		val[size - 1] ^= 1;
	} else {
		r = fs_fmt_parse(fmt, sb.buf, sb.len, back, size);
		CHECK(r == 0 && !memcmp(val, back, size), "key '%s' does not parse back", sb.buf);
	}

	/* 2. mutated or random text: never past `size`, a success is canonical */
	m->len = EB_MIN(sb.len, m->cap);
	memcpy(m->b, sb.buf, m->len);
	if (rnd_below(4) == 0) {
		m->len = rnd_below(EB_MIN(m->cap, (size_t)700));
		rand_text((char *)m->b, m->len);
	} else {
		mutate_text(m);
	}
	memset(canary, 0xa5, sizeof(canary));
	r = fs_fmt_parse(fmt, (const char *)m->b, m->len, canary, size);
	CHECK(r == 0 || r == -EINVAL, "parse returned %d", r);
	for (i = size; i < sizeof(canary); i++)
		CHECK(canary[i] == 0xa5, "parse wrote past size %zu", size);
	if (!r) {
		eb_strbuf_reset(&sb2);
		fs_fmt_render(fmt, canary, size, &sb2);
		r = fs_fmt_parse(fmt, sb2.buf, sb2.len, back, size);
		CHECK(r == 0 && !memcmp(canary, back, size), "re-rendered '%s' does not parse back",
		      sb2.buf);
	}
	if (m->len >= 1) {
		struct fs_fmt_long_name ln;

		fs_fmt_parse_long_name((const char *)m->b, m->len, &ln);
	}

	/* 3. per-CPU values: render -> parse; mutated text stays in the buffer */
	{
		unsigned int ncpu = 1 + (unsigned int)rnd_below(6);
		size_t stride = (size + 7) & ~(size_t)7;
		size_t total = stride * ncpu;
		unsigned char *pv = malloc(total + 8), *pb = malloc(total + 8);

		CHECK(pv && pb, "oom");
		for (i = 0; i < total + 8; i++)
			pv[i] = (unsigned char)rnd();
		memset(pb, 0, total + 8);
		eb_strbuf_reset(&sb2);
		fs_fmt_render_percpu(fmt, pv, size, stride, ncpu, false, &sb2);
		r = fs_fmt_parse_percpu(fmt, sb2.buf, sb2.len, pb, size, stride, ncpu);
		CHECK(r == 0, "percpu '%s' does not parse back (%d)", sb2.buf, r);
		for (i = 0; i < ncpu; i++)
			CHECK(!memcmp(pv + i * stride, pb + i * stride, size),
			      "percpu cpu %zu differs after '%s'", i, sb2.buf);
		eb_strbuf_reset(&sb2);
		fs_fmt_render_percpu(fmt, pv, size, stride, ncpu, true, &sb2);
		m->len = EB_MIN(sb2.len, m->cap);
		memcpy(m->b, sb2.buf, m->len);
		if (rnd_below(2)) {
			eb_strbuf_reset(&sb2);
			fs_fmt_render_percpu(fmt, pv, size, stride, ncpu, false, &sb2);
			m->len = EB_MIN(sb2.len, m->cap);
			memcpy(m->b, sb2.buf, m->len);
		}
		mutate_text(m);
		memset(pb + total, 0x5a, 8);
		r = fs_fmt_parse_percpu(fmt, (const char *)m->b, m->len, pb, size, stride, ncpu);
		CHECK(r == 0 || r == -EINVAL || r == -ERANGE, "parse_percpu returned %d", r);
		for (i = total; i < total + 8; i++)
			CHECK(pb[i] == 0x5a, "parse_percpu wrote past the buffer");
		free(pv);
		free(pb);
	}

	/* 4. sorting names: a permutation in strcmp order */
	{
		char names[64 * 8];
		uint32_t off[64];
		size_t n = rnd_below(64), j;

		for (i = 0; i < n; i++) {
			size_t len = rnd_below(7);

			off[i] = (uint32_t)(i * 8);
			for (j = 0; j < len; j++)
				names[i * 8 + j] = "0123456789abcdef-"[rnd_below(rnd_below(2) ? 3 : 17)];
			names[i * 8 + len] = 0;
		}
		fs_fmt_sort_names(names, off, n);
		for (i = 1; i < n; i++)
			CHECK(strcmp(names + off[i - 1], names + off[i]) <= 0, "names not sorted");
		for (i = 0; i < n; i++)
			CHECK(off[i] % 8 == 0 && off[i] / 8 < n, "sort lost a name");
	}
	eb_strbuf_release(&sb);
	eb_strbuf_release(&sb2);
}

/* --- driver ----------------------------------------------------------------------- */

static int read_seeds(const char *dir, struct seed_obj **out, size_t *n)
{
	struct dirent **ents;
	int cnt, i;
	size_t k = 0;

	cnt = scandir(dir, &ents, NULL, alphasort);
	if (cnt < 0)
		return -errno;
	*out = calloc((size_t)cnt, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < cnt; i++) {
		size_t len = strlen(ents[i]->d_name);
		char *path;
		void *data;
		size_t size;

		if (len > 6 && !strcmp(ents[i]->d_name + len - 6, ".bpf.o") &&
		    asprintf(&path, "%s/%s", dir, ents[i]->d_name) > 0) {
			if (!eb_read_file(path, &data, &size) && size) {
				(*out)[k].name = strdup(ents[i]->d_name);
				(*out)[k].buf = data;
				(*out)[k].size = size;
				k++;
			}
			free(path);
		}
		free(ents[i]);
	}
	free(ents);
	*n = k;
	return k ? 0 : -ENOENT;
}

static void usage(void)
{
	fprintf(stderr, "usage: fuzz_loader [-n N] [-s SEED] [-t SECS] [-L N] [-o FILE] [-z GZ] [-v] [-1] "
		"elf|load|disasm|gzip|fmt [DIR]\n");
	exit(1);
}

int main(int argc, char **argv)
{
	uint64_t n = 1000, seed = 1, i, stats[4] = { 0 };
	struct seed_obj *seeds = NULL, gz = { 0 };
	const char *gz_path = "/proc/config.gz", *mode;
	size_t nseeds = 0, maxsize = 1 << 16, k;
	struct mbuf m;
	int opt, r;

	while ((opt = getopt(argc, argv, "n:s:t:L:o:z:v1")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoull(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			fz.alarm_secs = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'L':
			fz.leak_every = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'o':
			fz.out_path = optarg;
			break;
		case 'z':
			gz_path = optarg;
			break;
		case 'v':
			fz.verbose = true;
			break;
		case '1':
			fz.strict = true;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	mode = argv[optind];
	if (!strcmp(mode, "elf") || !strcmp(mode, "load")) {
		if (optind + 1 >= argc)
			usage();
		r = read_seeds(argv[optind + 1], &seeds, &nseeds);
		if (r) {
			fprintf(stderr, "fuzz_loader: no seed objects in %s: %s\n", argv[optind + 1],
				strerror(-r));
			return 1;
		}
		for (k = 0; k < nseeds; k++)
			maxsize = EB_MAX(maxsize, seeds[k].size);
	} else if (!strcmp(mode, "gzip")) {
		void *data;

		r = eb_read_file(gz_path, &data, &gz.size);
		if (r) {
			fprintf(stderr, "fuzz_loader: %s: %s\n", gz_path, strerror(-r));
			return 1;
		}
		gz.buf = data;
		gz.name = NULL;
		maxsize = EB_MAX(maxsize, gz.size);
	} else if (strcmp(mode, "disasm") && strcmp(mode, "fmt")) {
		usage();
	}
	m.cap = 2 * maxsize + 4096;
	m.b = malloc(m.cap);
	if (!m.b)
		return 1;
	fz.quiet_log = !fz.verbose;
	eb_set_print(count_log);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(report_seed);
	signal(SIGALRM, on_alarm);
	signal(SIGABRT, on_abort);
	if (!strcmp(mode, "load")) {
		r = eb_btf_load_vmlinux(&fz.vmlinux);
		if (r) {
			fprintf(stderr, "fuzz_loader: vmlinux BTF: %s\n", strerror(-r));
			return 1;
		}
	}
	fd_base = count_fds();

	for (i = 0; i < n; i++) {
		fz.iter_seed = seed + i;
		rng_state = fz.iter_seed * 0x2545f4914f6cdd1dull;
		rnd();
		alarm(fz.alarm_secs);
		if (nseeds) {
			const struct seed_obj *so = &seeds[rnd_below(nseeds)];

			fz.what = so->name;
			run_object(so, &m, !strcmp(mode, "load"), stats);
		} else if (!strcmp(mode, "disasm")) {
			fz.what = "disasm";
			run_disasm();
		} else if (!strcmp(mode, "gzip")) {
			fz.what = "gzip";
			run_gzip(&gz, &m);
		} else {
			fz.what = "fmt";
			run_fmt(&m);
		}
		alarm(0);
		if (fz.leak_every && (i + 1) % fz.leak_every == 0 && __lsan_do_recoverable_leak_check &&
		    __lsan_do_recoverable_leak_check()) {
			fprintf(stderr, "FAIL leak in seeds %" PRIu64 "..%" PRIu64 "\n",
				fz.iter_seed + 1 - fz.leak_every, fz.iter_seed);
			return 1;
		}
		if ((i & 1023) == 1023 || strcmp(mode, "elf"))
			CHECK(count_fds() == fd_base || !strcmp(mode, "fmt"), "fd count %d, was %d",
			      count_fds(), fd_base);
		if ((i + 1) % 100000 == 0)
			fprintf(stderr, "%" PRIu64 " iterations (open failed %" PRIu64 ", ok %" PRIu64
				", load failed %" PRIu64 ", ok %" PRIu64 ")\n", i + 1, stats[0],
				stats[1], stats[2], stats[3]);
	}
	fprintf(stderr, "done: %" PRIu64 " iterations of %s from seed %" PRIu64 ": open failed %"
		PRIu64 ", ok %" PRIu64 "; load failed %" PRIu64 ", ok %" PRIu64 "\n", n, mode, seed,
		stats[0], stats[1], stats[2], stats[3]);
	eb_btf_free(fz.vmlinux);
	for (k = 0; k < nseeds; k++) {
		free(seeds[k].name);
		free(seeds[k].buf);
	}
	free(seeds);
	free(gz.buf);
	free(m.b);
	return 0;
}
