/* SPDX-License-Identifier: MIT */
/*
 * evlog.h - the events log of one map, and how samples become its lines.
 *
 * struct fs_evlog is a bounded log of text lines: a byte ring that keeps
 * the newest whole lines.  Offsets are absolute: `end` is the number of
 * bytes ever appended (the size of maps/NAME/events), the bytes retained
 * are [start, end), and `start` is always the start of a line.  Appending
 * evicts the oldest lines until the new text fits; the evicted lines are
 * counted (lines_start is the number of lines before `start`).  Memory
 * grows with use (64 KiB, doubling) up to the bound, never past it.  No
 * locking here: the caller serialises (eventfiles.c holds the map's log
 * lock).
 *
 * Line formats (eventfiles.c writes them, README.md documents them):
 *   TIME cpu=N data=HEX        one sample: its bytes as lowercase hex
 *   TIME cpu=N FIELD=V ...     one sample typed through .format
 *   TIME cpu=N lost=K          the kernel dropped K samples on CPU N
 *   TIME evicted=K             (made at read time) K lines were evicted
 *                              from the log before the reader got them
 * TIME is local wall-clock time, 2025-06-01T12:34:56.123456789; cpu is
 * "-" where the map type does not say (ring buffers).
 *
 * Typed rendering (struct fs_evtype) through a BTF type of the object:
 * members as NAME=VALUE separated by blanks, nested structs and unions
 * with dotted names (hdr.seq=1), integers in decimal (signed ones with a
 * sign), bool as true/false, enums by enumerator name (a number when none
 * matches), pointers as 0x hex, floats with %g, char arrays as C strings
 * up to the first NUL ("python3", with \" \\ \n \t \xNN escapes), other
 * arrays as [V,V,...] (structs in them as {NAME=V ...}).  A top-level type
 * that is not a struct or union renders as value=V.  Fields past the end
 * of a short sample are left out and the line gets short=HAVE/NEED.
 */
#ifndef EBPFS_EVLOG_H
#define EBPFS_EVLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "strbuf.h"

struct eb_btf;

/* --- the log ----------------------------------------------------------------- */

#define FS_EVLOG_MIN		512u		/* smallest bound accepted */
#define FS_EVLOG_DEFAULT	(4u << 20)	/* per map */

struct fs_evlog {
	char *buf;		/* ring of cap bytes; NULL until the first append */
	size_t cap;		/* allocated */
	size_t max;		/* bound */
	size_t head;		/* ring index of `start` */
	uint64_t start, end;	/* retained bytes: [start, end) */
	uint64_t lines_start;	/* lines before start (evicted so far) */
	uint64_t lines_end;	/* lines appended so far */
};

/* An empty log bounded to max bytes (at least FS_EVLOG_MIN). */
void fs_evlog_init(struct fs_evlog *log, size_t max);
/* Free the ring (the log is empty and reusable afterwards). */
void fs_evlog_release(struct fs_evlog *log);

/*
 * Append len bytes of whole lines (text ends in '\n'; nlines of them),
 * evicting the oldest lines as needed.  Lines of the text that cannot fit
 * even in an empty log are dropped from its front and count as evicted;
 * a single line longer than the bound is cut to fit and ends in "...\n".
 * Returns 0, or -ENOMEM (the log is unchanged, the lines count as
 * evicted).
 */
int fs_evlog_append(struct fs_evlog *log, const char *text, size_t len,
		    uint64_t nlines);

/*
 * Append to out up to size bytes of the log from absolute offset off
 * (start <= off <= end; outside that range nothing is copied): whole
 * lines only, unless the first line from off does not fit in size (then
 * size bytes of it).  Returns the number of bytes copied; *nl (may be
 * NULL) receives the number of '\n' among them.  out's oom flag reports
 * allocation failure.
 */
size_t fs_evlog_copy(const struct fs_evlog *log, uint64_t off, size_t size,
		     struct eb_strbuf *out, uint64_t *nl);

/* The number of lines before absolute offset off: exact for start <= off
 * <= end (it counts the retained newlines before off); lines_start below
 * that range, lines_end above it. */
uint64_t fs_evlog_line_at(const struct fs_evlog *log, uint64_t off);

/* Parse a size with an optional K, M or G suffix (powers of 1024) into
 * *out.  0, or -EINVAL for anything else or below FS_EVLOG_MIN. */
int fs_evlog_parse_size(const char *s, size_t *out);

/* --- lines ------------------------------------------------------------------- */

/* Caches the rendering of the current second (local time). */
struct fs_evclock {
	time_t sec;
	bool valid;
	size_t len;
	char text[48];
};

/* Append "TIME" for a wall-clock time in ns since the epoch. */
void fs_ev_time(struct fs_evclock *c, uint64_t wall_ns, struct eb_strbuf *out);
/* Append " cpu=N" (cpu < 0: " cpu=-"). */
void fs_ev_cpu(int cpu, struct eb_strbuf *out);
/* Append " data=HEX". */
void fs_ev_hex(const void *data, size_t size, struct eb_strbuf *out);
/* Append a whole sample line "TIME cpu=N data=HEX\n" (the fast path). */
void fs_ev_line_hex(struct fs_evclock *c, uint64_t wall_ns, int cpu, const void *data,
		    size_t size, struct eb_strbuf *out);

/* A sample type resolved in an object's BTF (a private copy). */
struct fs_evtype {
	struct eb_btf *btf;	/* owned */
	uint32_t id;
	uint32_t size;		/* bytes the type needs */
	char *name;		/* as .format shows it: "struct event" */
};

/*
 * Resolve text (a type name: "struct NAME", "union NAME", "enum NAME", or a
 * typedef / base type name; blanks around are ignored) in btf, which is
 * copied.  On success *out is the caller's (fs_evtype_free()).  Returns 0,
 * -ENOENT if btf has no such type, -EINVAL for a type without a size
 * (void, functions) or a malformed name, -ENOMEM.
 */
int fs_evtype_new(const struct eb_btf *btf, const char *text, struct fs_evtype **out);
void fs_evtype_free(struct fs_evtype *t);
/* Append " FIELD=V ..." for a sample of size bytes. */
void fs_evtype_render(const struct fs_evtype *t, const void *data, size_t size,
		      struct eb_strbuf *out);

#endif
