/* SPDX-License-Identifier: MIT */
/*
 * fmt.h - how keys and values are spelled in maps/.
 *
 * A key or value is shown in one of three spellings, chosen per map from
 * its size and BTF (objects.c decides):
 *   FS_FMT_UINT  unsigned decimal, host byte order (sizes 1, 2, 4, 8)
 *   FS_FMT_SINT  signed decimal (BTF says the integer is signed)
 *   FS_FMT_HEX   the bytes in memory order as lowercase hex, no separators
 *
 * Parsing accepts the canonical spelling and a few others of the same
 * bytes: leading/trailing white space; for integers "0x..." hex and, for
 * signed ones, a minus sign; for hex an optional "0x" and white space
 * between bytes.  Anything else, or a number out of range, or the wrong
 * number of hex digits, is -EINVAL.  Functions here never touch the
 * kernel.
 */
#ifndef EBPFS_FMT_H
#define EBPFS_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum fs_fmt {
	FS_FMT_HEX,
	FS_FMT_UINT,
	FS_FMT_SINT,
};

/* True for sizes that can be shown as integers. */
bool fs_fmt_int_size(size_t size);

/* Append the spelling of size bytes at data (no newline). */
void fs_fmt_render(enum fs_fmt fmt, const void *data, size_t size, struct eb_strbuf *out);

/* Parse text[0..len) into size bytes at out.  0 or -EINVAL. */
int fs_fmt_parse(enum fs_fmt fmt, const char *text, size_t len, void *out, size_t size);

/* The integer at data (size 1, 2, 4 or 8) widened: signed or not per fmt. */
int64_t fs_fmt_int_value(enum fs_fmt fmt, const void *data, size_t size);

/*
 * Per-CPU values: `ncpu` slots `stride` bytes apart, each `size` bytes.
 * render_percpu appends "cpuN: V\n" per CPU and, for integer spellings,
 * "sum: S\n".  With `oneline` the same as " cpuN:V ... sum:S" on one
 * line (for .dump).  parse_percpu accepts either one value (copied to
 * every CPU) or "cpuN: V" lines (any subset, any order; CPUs not named
 * keep what `out` held) plus an optional "sum:" line that is ignored.
 */
void fs_fmt_render_percpu(enum fs_fmt fmt, const void *data, size_t size,
			  size_t stride, unsigned int ncpu, bool oneline,
			  struct eb_strbuf *out);
int fs_fmt_parse_percpu(enum fs_fmt fmt, const char *text, size_t len, void *out,
			size_t size, size_t stride, unsigned int ncpu);

/*
 * Key file names (mapfiles.c).  A key's name is its spelling above,
 * unless that would exceed NAME_MAX (255 bytes: hex keys of 128 bytes
 * or more).  Such a long key is named by the fallback
 *
 *   <first 200 hex digits of the key>~<FNV-1a 64-bit hash of the whole key>
 *
 * the hash as 16 lowercase hex digits, most significant first: always
 * FS_FMT_LONG_NAME_LEN (217) bytes.  The prefix is the hex spelling of
 * the key's first 100 bytes; the hash is FNV-1a (offset basis
 * 0xcbf29ce484222325, prime 0x100000001b3) over all key_size bytes.
 */
#define FS_FMT_NAME_MAX		255
#define FS_FMT_LONG_PREFIX	200	/* hex digits of the key kept */
#define FS_FMT_LONG_SEP		'~'
#define FS_FMT_LONG_NAME_LEN	(FS_FMT_LONG_PREFIX + 1 + 16)

/* What a fallback name says: the key's first bytes and its hash. */
struct fs_fmt_long_name {
	uint8_t prefix[FS_FMT_LONG_PREFIX / 2];
	uint64_t hash;
};

/* 64-bit FNV-1a of size bytes at data. */
uint64_t fs_fmt_fnv1a64(const void *data, size_t size);

/* True when keys of this spelling and size are named by the fallback. */
bool fs_fmt_key_is_long(enum fs_fmt fmt, size_t size);

/* Append the file name of the size-byte key at data (no NUL): its
 * spelling, or the fallback name for long keys. */
void fs_fmt_render_key(enum fs_fmt fmt, const void *data, size_t size,
		       struct eb_strbuf *out);

/*
 * Parse name[0..len) as a fallback name into *out.  Exactly
 * FS_FMT_LONG_NAME_LEN bytes: 200 hex digits, '~', 16 hex digits (either
 * case is accepted; readdir lists lowercase).  0 or -EINVAL.
 */
int fs_fmt_parse_long_name(const char *name, size_t len, struct fs_fmt_long_name *out);

/* Whether the size-byte key at data (a long key: size >= 100) is the
 * one *ln names: same first 100 bytes and same hash. */
bool fs_fmt_long_name_matches(const struct fs_fmt_long_name *ln, const void *data,
			      size_t size);

/*
 * Sort names into byte-wise (strcmp) order: the order ls(1) shows them in
 * the C and C.UTF-8 locales, and for names made of digits, lowercase hex
 * digits and '-' in the usual UTF-8 locales too, so a listing handed out
 * sorted leaves ls the least work.  The n names are NUL-terminated
 * strings at base + off[i]; off is permuted in place, base is not
 * touched.  An in-place MSD radix sort: time linear in the bytes that
 * tell the names apart, no allocation; 2 KiB of stack per level, one
 * level per byte position at which 16 or more names still differ.
 */
void fs_fmt_sort_names(const char *base, uint32_t *off, size_t n);

/*
 * A name to sort (at base + off) with its first 8 bytes as a big-endian
 * number, zero past the name's end (fs_fmt_name_prefix()): refs in
 * prefix order are in strcmp order except among equal prefixes, and
 * comparing prefixes touches no name.  Keep refs when names are sorted
 * in parts that are merged afterwards (fs_fmt_ref_cmp()).
 */
struct fs_fmt_name_ref {
	uint64_t prefix;
	uint32_t off;
};

uint64_t fs_fmt_name_prefix(const char *name);

/* strcmp order of the names of two refs (names at base + off). */
int fs_fmt_ref_cmp(const char *base, const struct fs_fmt_name_ref *a,
		   const struct fs_fmt_name_ref *b);

/*
 * Sort refs[0..n) into strcmp order of their names: an LSD radix sort
 * over the prefixes (a byte all prefixes share costs no pass), then
 * fs_fmt_sort_names() from byte 8 on for each run of equal prefixes of
 * names 8 bytes or longer.  tmp is scratch space for n refs.
 */
void fs_fmt_sort_refs(const char *base, struct fs_fmt_name_ref *refs,
		      struct fs_fmt_name_ref *tmp, size_t n);

#endif
