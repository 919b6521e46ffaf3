/* SPDX-License-Identifier: MIT */
/*
 * probe.c - what the perf-event based attach points need: tracefs and
 * tracepoint ids, PMU types, perf_event_open(2), the online CPUs, and the
 * file offset of a symbol in an ELF binary (libelf) for uprobes.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "attach_priv.h"
#include "log.h"
#include "util.h"

#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

/* --- tracefs ------------------------------------------------------------------ */

static bool is_tracefs(const char *dir)
{
	struct statfs st;

	return !statfs(dir, &st) && st.f_type == TRACEFS_MAGIC;
}

const char *eb_tracefs_dir(int *err)
{
	static const char main_dir[] = "/sys/kernel/tracing";
	static const char debug_dir[] = "/sys/kernel/debug/tracing";

	if (err)
		*err = 0;
	if (is_tracefs(main_dir))
		return main_dir;
	if (is_tracefs(debug_dir))
		return debug_dir;
	if (mount("tracefs", main_dir, "tracefs", 0, NULL)) {
		int e = -errno;

		eb_warn("attach", "mount -t tracefs tracefs %s: %s", main_dir, strerror(-e));
		if (err)
			*err = e;
		return NULL;
	}
	eb_info("attach", "mounted tracefs on %s", main_dir);
	return main_dir;
}

int eb_tracepoint_id(const char *category, const char *name)
{
	struct eb_strbuf path = EB_STRBUF_INIT;
	const char *dir = eb_tracefs_dir(NULL);
	void *data = NULL;
	size_t size;
	char *end;
	long id;
	int err;

	if (!dir)
		return -ENOENT;
	if (strchr(category, '/') || strchr(name, '/') || !strcmp(category, "..") ||
	    !strcmp(name, ".."))
		return -ENOENT;
	eb_strbuf_addf(&path, "%s/events/%s/%s/id", dir, category, name);
	err = eb_strbuf_error(&path) ?: eb_read_file(path.buf, &data, &size);
	eb_strbuf_release(&path);
	if (err)
		return err == -ENOMEM ? err : -ENOENT;
	errno = 0;
	id = strtol(data, &end, 10);
	if (errno || end == data || id < 0 || id > INT32_MAX)
		err = -EINVAL;
	free(data);
	return err ?: (int)id;
}

/* --- PMUs --------------------------------------------------------------------- */

int eb_pmu_type(const char *name)
{
	struct eb_strbuf path = EB_STRBUF_INIT;
	void *data = NULL;
	size_t size;
	long type;
	char *end;
	int err;

	eb_strbuf_addf(&path, "/sys/bus/event_source/devices/%s/type", name);
	err = eb_strbuf_error(&path) ?: eb_read_file(path.buf, &data, &size);
	eb_strbuf_release(&path);
	if (err)
		return err == -ENOMEM ? err : -ENOENT;
	errno = 0;
	type = strtol(data, &end, 10);
	if (errno || end == data || type < 0 || type > INT32_MAX)
		err = -EINVAL;
	free(data);
	return err ?: (int)type;
}

int eb_att_pmu_retprobe_bit(const char *pmu)
{
	struct eb_strbuf path = EB_STRBUF_INIT;
	void *data = NULL;
	size_t size;
	int bit = -EINVAL, err;

	eb_strbuf_addf(&path, "/sys/bus/event_source/devices/%s/format/retprobe", pmu);
	err = eb_strbuf_error(&path) ?: eb_read_file(path.buf, &data, &size);
	eb_strbuf_release(&path);
	if (err)
		return err == -ENOENT ? 0 : err;
	/* "config:0" */
	if (sscanf(data, "config:%d", &bit) != 1 || bit < 0 || bit > 63)
		bit = -EINVAL;
	free(data);
	return bit;
}

int eb_att_perf_event_open(void *attr, int pid, int cpu)
{
	long fd = syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : (int)fd;
}

int eb_att_online_cpus(int **cpus)
{
	void *data = NULL;
	size_t size;
	int *list = NULL, *grown, n = 0, err;
	char *s, *end;
	long a, b;

	*cpus = NULL;
	err = eb_read_file("/sys/devices/system/cpu/online", &data, &size);
	if (err)
		return err;
	s = data;
	while (*s && *s != '\n') {
		errno = 0;
		a = strtol(s, &end, 10);
		if (end == s || errno || a < 0)
			goto bad;
		b = a;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || errno || b < a || b - a > 65536)
				goto bad;
			s = end;
		}
		grown = eb_reallocarray(list, (size_t)n + (size_t)(b - a + 1), sizeof(int));
		if (!grown) {
			err = -ENOMEM;
			goto fail;
		}
		list = grown;
		for (; a <= b; a++)
			list[n++] = (int)a;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			goto bad;
	}
	if (!n)
		goto bad;
	free(data);
	*cpus = list;
	return n;
bad:
	err = -EINVAL;
fail:
	free(list);
	free(data);
	return err;
}

/* --- ELF symbols ---------------------------------------------------------------- */

/* Find symbol in the symbol table section scn; 0 with *sym or -ENOENT. */
static int find_sym(Elf *elf, Elf_Scn *scn, const char *symbol, GElf_Sym *out)
{
	GElf_Shdr sh;
	Elf_Data *data;
	GElf_Sym sym;
	size_t i, n;
	const char *name;

	if (!gelf_getshdr(scn, &sh) || !sh.sh_entsize)
		return -ENOENT;
	data = elf_getdata(scn, NULL);
	if (!data)
		return -ENOENT;
	n = sh.sh_size / sh.sh_entsize;
	for (i = 0; i < n; i++) {
		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		name = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (!name || strcmp(name, symbol))
			continue;
		if (sym.st_shndx == SHN_UNDEF)
			continue;
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC &&
		    GELF_ST_TYPE(sym.st_info) != STT_GNU_IFUNC &&
		    GELF_ST_TYPE(sym.st_info) != STT_OBJECT &&
		    GELF_ST_TYPE(sym.st_info) != STT_NOTYPE)
			continue;
		*out = sym;
		return 0;
	}
	return -ENOENT;
}

/* st_value -> file offset: through the PT_LOAD holding it, else (no program
 * headers: a relocatable object) through its section. */
static int vaddr_to_offset(Elf *elf, const GElf_Sym *sym, uint64_t *off)
{
	GElf_Phdr ph;
	GElf_Shdr sh;
	Elf_Scn *scn;
	size_t i, n;

	if (!elf_getphdrnum(elf, &n) && n) {
		for (i = 0; i < n; i++) {
			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
			    !(ph.p_flags & PF_X))
				continue;
			if (sym->st_value >= ph.p_vaddr &&
			    sym->st_value < ph.p_vaddr + ph.p_memsz) {
				*off = sym->st_value - ph.p_vaddr + ph.p_offset;
				return 0;
			}
		}
		for (i = 0; i < n; i++) {
			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
				continue;
			if (sym->st_value >= ph.p_vaddr &&
			    sym->st_value < ph.p_vaddr + ph.p_memsz) {
				*off = sym->st_value - ph.p_vaddr + ph.p_offset;
				return 0;
			}
		}
		return -ENOENT;
	}
	scn = elf_getscn(elf, sym->st_shndx);
	if (!scn || !gelf_getshdr(scn, &sh))
		return -ENOENT;
	*off = sym->st_value - sh.sh_addr + sh.sh_offset;
	return 0;
}

int eb_elf_symbol_offset(const char *binary, const char *symbol, uint64_t *off)
{
	Elf_Scn *scn = NULL, *symtab = NULL, *dynsym = NULL;
	GElf_Shdr sh;
	GElf_Sym sym;
	Elf *elf;
	int fd, err;

	fd = open(binary, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		err = -ENOEXEC;
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			symtab = scn;
		else if (sh.sh_type == SHT_DYNSYM)
			dynsym = scn;
	}
	err = -ENOENT;
	if (symtab)
		err = find_sym(elf, symtab, symbol, &sym);
	if (err && dynsym)
		err = find_sym(elf, dynsym, symbol, &sym);
	if (!err)
		err = vaddr_to_offset(elf, &sym, off);
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}
