/* SPDX-License-Identifier: MIT */
/*
 * ebpfctl - inspect, disassemble and load clang-built BPF objects with the
 * ebpfs core.
 *
 *   ebpfctl [-d] obj show FILE
 *   ebpfctl [-d] obj disasm FILE [PROG]
 *   ebpfctl [-d] obj load FILE [--pin DIR] [--log-level N]
 *   ebpfctl help | obj help
 *
 * -d (--debug) also prints the core's debug messages on stderr.
 *
 * Output: plain text on stdout, one record per line, fields separated by
 * one space, never wider than what is shown here.  Scripts may rely on
 * these formats; new fields are only ever appended at the end of a line.
 *
 * obj show FILE (nothing is loaded, no privilege needed):
 *   object NAME version KERN_VERSION license LICENSE...   (license: rest of line)
 *   prog NAME section SEC type TYPE attach ATTACH insns N
 *   subprog NAME section SEC offset INSN_OFF insns N
 *   map NAME type TYPE key K value V max_entries M flags 0xF origin ORIGIN pinning PIN
 *   inner OUTER type TYPE key K value V max_entries M flags 0xF
 *   section IDX NAME type SHT kind KIND size BYTES   (every section but 0)
 *   reloc FUNC insn N kind KIND symbol SYM target TARGET off OFF
 *     TYPE: bpftool's program / map type names ("xdp", "socket_filter",
 *       "percpu_hash" ...), or the number when the core knows no name.
 *     ATTACH: bpftool's attach type name, "none" when the section implies
 *       none.  ORIGIN: btf, legacy, data.  PIN: none or by_name.
 *     SHT: progbits, nobits, symtab, strtab, rel, rela, llvm_addrsig or
 *       0xHEX.  KIND: the loader's section kind (prog, data, maps, ...).
 *     reloc: FUNC is the program or subprogram, N the instruction index
 *       in it, KIND map_fd / map_value / call / func_ptr / extern / kfunc /
 *       core, SYM the ELF symbol ("-" when the call has no ELF
 *       relocation; the access string "0:1:2" for core), TARGET the map,
 *       function or extern it resolves to (core: the local type's name),
 *       OFF the byte offset into a map value.  core records end in
 *       " core CORE_KIND" (field_byte_offset, field_exists, type_size,
 *       enumval_value ...).
 *   extern NAME kind kconfig|ksym|kfunc weak 0|1 [offset OFF size BYTES]
 *       (offset and size in the .kconfig map for kconfig externs)
 *     Records come in this order: object, prog and subprog (ELF order),
 *     map (inner right after its outer map), section, reloc, extern.
 *
 * obj disasm FILE [PROG] (nothing is loaded): exactly the text of
 * `llvm-objdump -d FILE` (LLVM 14), byte for byte:
 *   <blank line>
 *   FILE:\tfile format elf64-bpf         FILE as given on the command line
 *   then for every non-empty code section, in section order:
 *   <blank line>
 *   Disassembly of section SEC:
 *   <blank line>
 *   %016x <LABEL>:                  a symbol's byte offset in SEC: functions
 *                                   and clang's local labels (LBB0_2)
 *   %8u:\tHEX BYTES\tINSTRUCTION   index in the section, the 8 (or 16 for
 *                                   ld_imm64) bytes, the instruction; a jump
 *                                   ends in " <LABEL>" or " <LABEL+0xN>"
 *   with a blank line before every label line after the first.
 *   With PROG: the same header, then only PROG's section, and in it only
 *   the lines of that function (program or subprogram) and its local
 *   labels.  For a function without local labels this is the text of
 *   `llvm-objdump -d --disassemble-symbols=PROG`; objdump stops at the
 *   next label, ebpfctl prints the function to its end.
 *
 * obj load FILE [--pin DIR] [--log-level N] (root / CAP_BPF):
 *   prog NAME id ID type TYPE [pinned PATH]
 *   map NAME id ID type TYPE [pinned PATH]
 *   Programs first (ELF order), then maps; programs the core does not
 *   load (unknown section names) are not listed.  Without --pin everything
 *   is released when ebpfctl exits, so the ids are gone afterwards.  With
 *   --pin DIR (on a bpffs; missing directories are created) programs are
 *   pinned at DIR/progs/NAME and maps at DIR/maps/NAME, where NAME is the
 *   kernel name with '.' turned into '_' (bpffs refuses dots).  Maps
 *   declared with LIBBPF_PIN_BY_NAME reuse a compatible map already pinned
 *   at DIR/maps/NAME instead of creating one, so objects loaded with the
 *   same DIR share them.  --log-level N asks the verifier for a log at
 *   level N (1, 2, 4 bits) for every program and prints each non-empty
 *   log on stderr after the records.
 *   On failure: the loader's message and, for a verifier rejection, the
 *   verifier log on stderr, exit status 1, nothing left loaded or pinned.
 *
 * Errors go to stderr, prefixed "ebpfctl: "; the exit status is 0 on
 * success, 1 when the operation failed, 2 for a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <elf.h>

#include "btf.h"
#include "core_relo.h"
#include "disasm.h"
#include "info.h"
#include "log.h"
#include "object.h"
#include "strbuf.h"
#include "syscall.h"
#include "util.h"

#define EXIT_USAGE 2

/* --- configuration ------------------------------------------------------- */

struct ctl_opts {
	bool debug;		/* -d: print the core's debug messages */
	const char *pin_dir;	/* obj load --pin */
	uint32_t log_level;	/* obj load --log-level */
};

static struct ctl_opts opts;

/* Help asked for goes to stdout; help after a usage error to stderr. */
static FILE *help_out;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static void print_core_msg(enum eb_log_level level, const char *msg)
{
	if (level == EB_LOG_DEBUG && !opts.debug)
		return;
	fprintf(stderr, "ebpfctl: %s\n", msg);
}

__attribute__((format(printf, 1, 2)))
static void ctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("ebpfctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Write and release the buffer; 0, or 1 when stdout failed. */
static int flush_out(struct eb_strbuf *sb)
{
	int ret = 0;

	if (eb_strbuf_error(sb)) {
		ctl_err("out of memory");
		ret = 1;
	} else if (sb->len && fwrite(sb->buf, 1, sb->len, stdout) != sb->len) {
		ctl_err("writing to stdout: %s", strerror(errno));
		ret = 1;
	}
	eb_strbuf_release(sb);
	if (fflush(stdout) == EOF && !ret) {
		ctl_err("writing to stdout: %s", strerror(errno));
		ret = 1;
	}
	return ret;
}

/*
 * Run the command named by argv[0] from a NULL-terminated table.  A
 * unique prefix selects a command too ("obj sh" is "obj show").
 */
static int cmd_select(const struct cmd *cmds, int argc, char **argv,
		      const char *what, int (*help)(int, char **))
{
	const struct cmd *found = NULL, *c;

	if (argc < 1) {
		help_out = stderr;
		help(argc, argv);
		return EXIT_USAGE;
	}
	for (c = cmds; c->name; c++) {
		if (!strcmp(c->name, argv[0]))
			return c->fn(argc - 1, argv + 1);
		if (!strncmp(c->name, argv[0], strlen(argv[0]))) {
			if (found) {
				ctl_err("%s '%s' is ambiguous; see 'ebpfctl help'",
				    what, argv[0]);
				return EXIT_USAGE;
			}
			found = c;
		}
	}
	if (found)
		return found->fn(argc - 1, argv + 1);
	ctl_err("unknown %s '%s'; see 'ebpfctl help'", what, argv[0]);
	return EXIT_USAGE;
}

/* --- names --------------------------------------------------------------- */

static void add_prog_type(struct eb_strbuf *sb, uint32_t type)
{
	const char *s = eb_prog_type_str(type);

	if (s)
		eb_strbuf_adds(sb, s);
	else
		eb_strbuf_addf(sb, "%u", type);
}

static void add_map_type(struct eb_strbuf *sb, uint32_t type)
{
	const char *s = eb_map_type_str(type);

	if (s)
		eb_strbuf_adds(sb, s);
	else
		eb_strbuf_addf(sb, "%u", type);
}

static void add_attach_type(struct eb_strbuf *sb, const struct eb_prog *prog)
{
	const char *s;

	/* 0 is CGROUP_INET_INGRESS, but only cgroup_skb programs mean it. */
	if (prog->expected_attach_type == 0 &&
	    prog->type != BPF_PROG_TYPE_CGROUP_SKB) {
		eb_strbuf_adds(sb, "none");
		return;
	}
	s = eb_attach_type_str(prog->expected_attach_type);
	if (s)
		eb_strbuf_adds(sb, s);
	else
		eb_strbuf_addf(sb, "%u", prog->expected_attach_type);
}

static void add_sht(struct eb_strbuf *sb, uint32_t type)
{
	static const char *const names[] = {
		[SHT_NULL] = "null",
		[SHT_PROGBITS] = "progbits",
		[SHT_SYMTAB] = "symtab",
		[SHT_STRTAB] = "strtab",
		[SHT_RELA] = "rela",
		[SHT_HASH] = "hash",
		[SHT_DYNAMIC] = "dynamic",
		[SHT_NOTE] = "note",
		[SHT_NOBITS] = "nobits",
		[SHT_REL] = "rel",
	};

	if (type < EB_ARRAY_SIZE(names) && names[type])
		eb_strbuf_adds(sb, names[type]);
	else if (type == 0x6fff4c03)	/* SHT_LLVM_ADDRSIG */
		eb_strbuf_adds(sb, "llvm_addrsig");
	else
		eb_strbuf_addf(sb, "0x%x", type);
}

/* A token never contains a space: empty or odd names print as "-". */
static const char *tok(const char *s)
{
	return s && *s ? s : "-";
}

/* --- opening -------------------------------------------------------------- */

static int open_obj(const char *path, struct eb_object **obj)
{
	int ret;

	ret = eb_object_open_file(path, NULL, obj);
	if (ret < 0) {
		/* the core has printed what was wrong and where */
		ctl_err("%s: cannot open: %s", path, eb_strerror(ret));
		return 1;
	}
	return 0;
}

/* --- obj show ------------------------------------------------------------- */

static void show_map_line(struct eb_strbuf *sb, const char *tag,
			  const char *name, const struct eb_obj_map *map)
{
	eb_strbuf_addf(sb, "%s %s type ", tag, tok(name));
	add_map_type(sb, map->type);
	eb_strbuf_addf(sb, " key %u value %u max_entries %u flags 0x%x",
		       map->key_size, map->value_size, map->max_entries,
		       map->map_flags);
}

static void show_relocs(struct eb_strbuf *sb, const struct eb_object *obj,
			const struct eb_prog *fn)
{
	uint32_t i;

	for (i = 0; i < fn->reloc_cnt; i++) {
		const struct eb_reloc *r = &fn->relocs[i];
		const char *target = NULL;

		switch (r->kind) {
		case EB_RELO_MAP_FD:
		case EB_RELO_MAP_VALUE:
			if (r->map_idx >= 0 &&
			    (unsigned int)r->map_idx < eb_object_map_cnt(obj))
				target = eb_object_map(obj, r->map_idx)->name;
			break;
		case EB_RELO_CALL:
		case EB_RELO_FUNC_PTR:
			if (r->func_idx >= 0 &&
			    (unsigned int)r->func_idx < eb_object_func_cnt(obj))
				target = eb_object_func(obj, r->func_idx)->name;
			break;
		case EB_RELO_EXTERN:
		case EB_RELO_KFUNC:
			if (r->ext_idx >= 0 &&
			    (unsigned int)r->ext_idx < eb_object_extern_cnt(obj))
				target = eb_object_extern(obj, r->ext_idx)->name;
			break;
		case EB_RELO_CORE:
			target = eb_btf_name(eb_object_btf(obj), r->core_type_id);
			break;
		}
		eb_strbuf_addf(sb, "reloc %s insn %u kind %s symbol %s target %s off %u",
			       tok(fn->name), r->insn_idx,
			       eb_reloc_kind_str(r->kind), tok(r->sym_name),
			       tok(target),
			       r->kind == EB_RELO_MAP_VALUE ? r->map_off : 0);
		if (r->kind == EB_RELO_CORE)
			eb_strbuf_addf(sb, " core %s", eb_core_kind_str(r->core_kind));
		eb_strbuf_addch(sb, '\n');
	}
}

static int do_show(int argc, char **argv)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	struct eb_object *obj = NULL;
	unsigned int i;
	int ret;

	if (argc != 1) {
		ctl_err("usage: ebpfctl obj show FILE");
		return EXIT_USAGE;
	}
	ret = open_obj(argv[0], &obj);
	if (ret)
		return ret;

	eb_strbuf_addf(&sb, "object %s version %u license %s\n",
		       tok(eb_object_name(obj)), eb_object_kern_version(obj),
		       eb_object_license(obj));

	for (i = 0; i < eb_object_func_cnt(obj); i++) {
		const struct eb_prog *p = eb_object_func(obj, i);

		if (p->is_subprog) {
			eb_strbuf_addf(&sb, "subprog %s section %s offset %u insns %u\n",
				       tok(p->name), tok(p->sec_name),
				       p->sec_off, p->insn_cnt);
			continue;
		}
		eb_strbuf_addf(&sb, "prog %s section %s type ", tok(p->name),
			       tok(p->sec_name));
		add_prog_type(&sb, p->type);
		eb_strbuf_adds(&sb, " attach ");
		add_attach_type(&sb, p);
		eb_strbuf_addf(&sb, " insns %u\n", p->insn_cnt);
	}

	for (i = 0; i < eb_object_map_cnt(obj); i++) {
		const struct eb_obj_map *m = eb_object_map(obj, i);

		show_map_line(&sb, "map", m->name, m);
		eb_strbuf_addf(&sb, " origin %s pinning %s\n",
			       eb_map_origin_str(m->origin),
			       m->pinning == EB_PIN_BY_NAME ? "by_name" : "none");
		if (m->inner) {
			show_map_line(&sb, "inner", m->name, m->inner);
			eb_strbuf_addch(&sb, '\n');
		}
	}

	for (i = 1; i < eb_object_sec_cnt(obj); i++) {
		const struct eb_section *s = eb_object_sec(obj, i);

		eb_strbuf_addf(&sb, "section %u %s type ", s->idx, tok(s->name));
		add_sht(&sb, s->type);
		eb_strbuf_addf(&sb, " kind %s size %llu\n",
			       eb_sec_kind_str(s->kind),
			       (unsigned long long)s->size);
	}

	for (i = 0; i < eb_object_func_cnt(obj); i++)
		show_relocs(&sb, obj, eb_object_func(obj, i));

	for (i = 0; i < eb_object_extern_cnt(obj); i++) {
		const struct eb_obj_extern *e = eb_object_extern(obj, i);

		eb_strbuf_addf(&sb, "extern %s kind %s weak %d",
			       tok(e->name), eb_extern_kind_str(e->kind), e->weak);
		if (e->kind == EB_EXT_KCONFIG)
			eb_strbuf_addf(&sb, " offset %u size %u", e->kconfig_off, e->size);
		eb_strbuf_addch(&sb, '\n');
	}

	eb_object_close(obj);
	return flush_out(&sb);
}

/* --- obj disasm ----------------------------------------------------------- */

/*
 * The labels llvm-objdump puts into section sec: every named symbol of
 * the section but the section and file symbols.  *out is malloc'd (the
 * names are borrowed from the object); returns the count or -ENOMEM.
 */
static int sec_labels(const struct eb_object *obj, unsigned int sec,
		      struct eb_disasm_sym **out)
{
	struct eb_disasm_sym *syms;
	unsigned int i, n = 0;

	syms = eb_calloc(eb_object_sym_cnt(obj) + 1, sizeof(*syms));
	if (!syms)
		return -ENOMEM;
	for (i = 1; i < eb_object_sym_cnt(obj); i++) {
		const struct eb_elf_sym *s = eb_object_sym(obj, i);

		if (s->shndx != sec || !s->name[0] || s->type == STT_SECTION ||
		    s->type == STT_FILE)
			continue;
		syms[n].addr = s->value;
		syms[n].name = s->name;
		n++;
	}
	*out = syms;
	return (int)n;
}

/*
 * Keep the lines of one section's disassembly that lie in bytes
 * [start, end): its instruction lines ("%8u:") and label lines
 * ("%016x <NAME>:", each after a blank line).
 */
static void keep_range(struct eb_strbuf *out, const char *text,
		       uint64_t start, uint64_t end)
{
	const char *line = text, *nl;
	unsigned long long v;

	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		if (nl == line)		/* blank: belongs to the next label */
			continue;
		if (line[0] == ' ' || memchr(line, '\t', (size_t)(nl - line))) {
			v = strtoull(line, NULL, 10) * sizeof(struct bpf_insn);
		} else {
			v = strtoull(line, NULL, 16);
			if (v >= start && v < end)
				eb_strbuf_addch(out, '\n');
		}
		if (v >= start && v < end)
			eb_strbuf_add(out, line, nl - line + 1);
	}
}

static int disasm_sec(struct eb_strbuf *sb, const struct eb_object *obj,
		      unsigned int sec, const struct eb_prog *only)
{
	struct eb_strbuf text = EB_STRBUF_INIT;
	struct eb_disasm_opts dopts = { 0 };
	struct eb_disasm_sym *syms = NULL;
	const void *data;
	size_t size;
	int n;

	data = eb_object_sec_data(obj, sec, &size);
	n = sec_labels(obj, sec, &syms);
	if (n < 0)
		return n;
	dopts.syms = syms;
	dopts.nsyms = (size_t)n;
	n = eb_disasm_prog(data, size / sizeof(struct bpf_insn), &dopts, &text);
	free(syms);
	if (n < 0) {
		eb_strbuf_release(&text);
		return n;
	}
	eb_strbuf_addf(sb, "\nDisassembly of section %s:\n",
		       eb_object_sec(obj, sec)->name);
	if (only)
		keep_range(sb, text.buf,
			   (uint64_t)only->sec_off * sizeof(struct bpf_insn),
			   (uint64_t)(only->sec_off + only->insn_cnt) *
			   sizeof(struct bpf_insn));
	else
		eb_strbuf_add(sb, text.buf, text.len);
	eb_strbuf_release(&text);
	return 0;
}

static int do_disasm(int argc, char **argv)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	const struct eb_prog *only = NULL;
	struct eb_object *obj = NULL;
	unsigned int i;
	int ret;

	if (argc < 1 || argc > 2) {
		ctl_err("usage: ebpfctl obj disasm FILE [PROG]");
		return EXIT_USAGE;
	}
	ret = open_obj(argv[0], &obj);
	if (ret)
		return ret;
	if (argc == 2) {
		for (i = 0; i < eb_object_func_cnt(obj) && !only; i++)
			if (!strcmp(eb_object_func(obj, i)->name, argv[1]))
				only = eb_object_func(obj, i);
		if (!only) {
			ctl_err("%s: no program or subprogram '%s'", argv[0], argv[1]);
			ret = 1;
			goto out;
		}
	}
	eb_strbuf_addf(&sb, "\n%s:\tfile format elf64-bpf\n", argv[0]);
	for (i = 1; i < eb_object_sec_cnt(obj); i++) {
		const struct eb_section *s = eb_object_sec(obj, i);

		if (s->kind != EB_SEC_PROG || !s->size ||
		    (only && only->sec_idx != i))
			continue;
		ret = disasm_sec(&sb, obj, i, only);
		if (ret < 0) {
			ctl_err("out of memory");
			ret = 1;
			goto out;
		}
	}
	ret = flush_out(&sb);
out:
	eb_strbuf_release(&sb);
	eb_object_close(obj);
	return ret;
}

/* --- obj load ------------------------------------------------------------- */

struct pin_list {
	char **paths;
	size_t cnt;
};

/* DIR/SUB/NAME with '.' in NAME turned into '_'.  Caller frees. */
static char *pin_path(const char *dir, const char *sub, const char *name)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	size_t start;

	eb_strbuf_addf(&sb, "%s/%s/", dir, sub);
	start = sb.len;
	eb_strbuf_adds(&sb, name);
	if (eb_strbuf_error(&sb)) {
		eb_strbuf_release(&sb);
		return NULL;
	}
	for (; start < sb.len; start++)
		if (sb.buf[start] == '.')
			sb.buf[start] = '_';
	return eb_strbuf_detach(&sb, NULL);
}

static int reuse_pinned(const struct eb_obj_map *map, void *ctx)
{
	const char *dir = ctx;
	char *path;
	int fd;

	if (!dir || map->pinning != EB_PIN_BY_NAME)
		return -ENOENT;
	path = pin_path(dir, "maps", map->kname);
	if (!path)
		return -ENOMEM;
	fd = eb_sys_obj_get(path, 0);
	if (fd < 0 && fd != -ENOENT)
		ctl_err("%s: cannot open pinned map: %s", path, eb_strerror(fd));
	free(path);
	return fd;
}

/* Pin fd at DIR/SUB/NAME and remember the path; 0 or -errno. */
static int pin_one(struct pin_list *pins, int fd, const char *sub,
		   const char *name, char **out)
{
	char **paths;
	char *path;
	int ret;

	path = pin_path(opts.pin_dir, sub, name);
	if (!path)
		return -ENOMEM;
	paths = eb_reallocarray(pins->paths, pins->cnt + 1, sizeof(*paths));
	if (!paths) {
		free(path);
		return -ENOMEM;
	}
	pins->paths = paths;
	ret = eb_pin(fd, path);
	if (ret < 0) {
		ctl_err("%s: cannot pin: %s", path, eb_strerror(ret));
		free(path);
		return ret;
	}
	pins->paths[pins->cnt++] = path;
	*out = path;
	return 0;
}

/* Undo every pin (on failure) and free the list. */
static void pins_release(struct pin_list *pins, bool unpin)
{
	size_t i;

	for (i = pins->cnt; i-- > 0;) {
		if (unpin)
			eb_unpin(pins->paths[i]);
		free(pins->paths[i]);
	}
	eb_zfree(&pins->paths);
	pins->cnt = 0;
}

static int id_of(int fd, bool is_prog, uint32_t *id)
{
	struct eb_prog_info pi = { 0 };
	struct eb_map_info mi;
	int ret;

	if (is_prog) {
		ret = eb_prog_info_by_fd(fd, &pi);
		*id = pi.id;
		eb_prog_info_release(&pi);
	} else {
		ret = eb_map_info_by_fd(fd, &mi);
		*id = ret ? 0 : mi.id;
	}
	return ret;
}

static void print_failure(const char *path, struct eb_object *obj, int err_no)
{
	unsigned int i;

	/* the loader's own message went to stderr through print_core_msg */
	ctl_err("%s: load failed: %s", path, eb_strerror(err_no));
	for (i = 0; i < eb_object_prog_cnt(obj); i++) {
		const struct eb_prog *p = eb_object_prog(obj, i);
		const char *log = eb_object_prog_log(p);

		if (!*log)
			continue;
		ctl_err("verifier log of prog %s:", p->name);
		fputs(log, stderr);
		if (log[strlen(log) - 1] != '\n')
			fputc('\n', stderr);
	}
}

static int load_parse_opts(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pin", required_argument, NULL, 'p' },
		{ "log-level", required_argument, NULL, 'l' },
		{ 0 }
	};
	char *end;
	unsigned long v;
	int c;

	optind = 0;	/* reset getopt for this sub-argv (GNU: full reset) */
	opterr = 0;	/* report errors ourselves, with our prefix */
	while ((c = getopt_long(argc, argv, ":p:l:", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			opts.pin_dir = optarg;
			break;
		case 'l':
			errno = 0;
			v = strtoul(optarg, &end, 0);
			if (errno || *end || end == optarg || v > UINT32_MAX) {
				ctl_err("--log-level: '%s' is not a number", optarg);
				return -1;
			}
			opts.log_level = v;
			break;
		case ':':
			ctl_err("option '%s' needs an argument", argv[optind - 1]);
			return -1;
		default:
			ctl_err("unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	return optind;
}

static int do_load(int argc, char **argv)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	struct pin_list pins = { 0 };
	struct eb_load_opts lopts = { 0 };
	struct eb_object *obj = NULL;
	const char *path;
	unsigned int i;
	int ret, first;

	/* getopt wants argv[0] to be the program name: argv - 1 is "load" */
	first = load_parse_opts(argc + 1, argv - 1);
	if (first < 0 || first != argc) {
		ctl_err("usage: ebpfctl obj load FILE [--pin DIR] [--log-level N]");
		return EXIT_USAGE;
	}
	path = argv[first - 1];
	ret = open_obj(path, &obj);
	if (ret)
		return ret;

	lopts.log_level = opts.log_level;
	lopts.map_reuse = reuse_pinned;
	lopts.map_reuse_ctx = (void *)opts.pin_dir;
	ret = eb_object_load(obj, &lopts);
	if (ret < 0) {
		print_failure(path, obj, ret);
		ret = 1;
		goto out;
	}

	for (i = 0; i < eb_object_prog_cnt(obj); i++) {
		const struct eb_prog *p = eb_object_prog(obj, i);
		char *pinned = NULL;
		uint32_t id;

		if (p->fd < 0)
			continue;
		ret = id_of(p->fd, true, &id);
		if (!ret && opts.pin_dir)
			ret = pin_one(&pins, p->fd, "progs", p->kname, &pinned);
		if (ret < 0)
			goto fail;
		eb_strbuf_addf(&sb, "prog %s id %u type ", p->name, id);
		add_prog_type(&sb, p->type);
		if (pinned)
			eb_strbuf_addf(&sb, " pinned %s", pinned);
		eb_strbuf_addch(&sb, '\n');
	}
	for (i = 0; i < eb_object_map_cnt(obj); i++) {
		const struct eb_obj_map *m = eb_object_map(obj, i);
		char *pinned = NULL;
		uint32_t id;

		if (m->fd < 0)
			continue;
		ret = id_of(m->fd, false, &id);
		if (!ret && opts.pin_dir && !m->reused)
			ret = pin_one(&pins, m->fd, "maps", m->kname, &pinned);
		if (ret < 0)
			goto fail;
		eb_strbuf_addf(&sb, "map %s id %u type ", m->name, id);
		add_map_type(&sb, m->type);
		if (pinned)
			eb_strbuf_addf(&sb, " pinned %s", pinned);
		eb_strbuf_addch(&sb, '\n');
	}
	ret = flush_out(&sb);
	if (opts.log_level) {
		for (i = 0; i < eb_object_prog_cnt(obj); i++) {
			const struct eb_prog *p = eb_object_prog(obj, i);
			const char *log = eb_object_prog_log(p);

			if (!*log)
				continue;
			fprintf(stderr, "ebpfctl: verifier log of prog %s:\n%s",
				p->name, log);
			if (log[strlen(log) - 1] != '\n')
				fputc('\n', stderr);
		}
	}
	pins_release(&pins, false);
	goto out;
fail:
	ctl_err("%s: load failed: %s", path, eb_strerror(ret));
	pins_release(&pins, true);
	ret = 1;
out:
	eb_strbuf_release(&sb);
	eb_object_close(obj);
	return ret;
}

/* --- help and dispatch ----------------------------------------------------- */

static int do_obj_help(int argc, char **argv)
{
	fprintf(help_out ? help_out : stdout,
		"Usage: ebpfctl obj show FILE\n"
		"       ebpfctl obj disasm FILE [PROG]\n"
		"       ebpfctl obj load FILE [--pin DIR] [--log-level N]\n"
		"       ebpfctl obj help\n"
		"\n"
		"  show    list programs, maps, sections and relocations (no load)\n"
		"  disasm  disassemble every function, or just PROG\n"
		"  load    load into the kernel and print the ids; the verifier\n"
		"          log on failure\n");
	return 0;
}

static int do_help(int argc, char **argv)
{
	fprintf(help_out ? help_out : stdout,
		"Usage: ebpfctl [-d|--debug] OBJECT COMMAND ...\n"
		"       ebpfctl help\n"
		"\n"
		"  OBJECT := obj\n"
		"  -d, --debug  also print the core's debug messages\n"
		"\n");
	do_obj_help(argc, argv);
	return 0;
}

static const struct cmd obj_cmds[] = {
	{ "show", do_show },
	{ "disasm", do_disasm },
	{ "load", do_load },
	{ "help", do_obj_help },
	{ NULL, NULL }
};

static int do_obj(int argc, char **argv)
{
	if (argc < 1) {
		help_out = stderr;
		do_obj_help(argc, argv);
		return EXIT_USAGE;
	}
	return cmd_select(obj_cmds, argc, argv, "obj command", do_obj_help);
}

static const struct cmd main_cmds[] = {
	{ "obj", do_obj },
	{ "help", do_help },
	{ NULL, NULL }
};

int main(int argc, char **argv)
{
	int i = 1;

	eb_set_print(print_core_msg);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-d") || !strcmp(argv[i], "--debug")) {
			opts.debug = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			do_help(0, NULL);
			return 0;
		} else {
			ctl_err("unknown option '%s'; see 'ebpfctl help'", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		help_out = stderr;
		do_help(0, NULL);
		return EXIT_USAGE;
	}
	return cmd_select(main_cmds, argc - i, argv + i, "object", do_help);
}
