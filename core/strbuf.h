/* SPDX-License-Identifier: MIT */
/*
 * strbuf.h - a growable byte buffer for building text.
 *
 * Invariants (as long as no allocation failed):
 *   - buf is never NULL: an empty strbuf points at a static "" and has
 *     alloc == 0; the first append allocates.
 *   - buf[len] == '\0' always, so buf is a C string even when the
 *     contents are binary (then len is what counts).
 * An allocation failure sets the sticky `oom` flag and leaves the contents
 * as they were; callers check it once at the end (eb_strbuf_error()).
 *
 * Ownership: the strbuf owns buf.  eb_strbuf_detach() hands it to the
 * caller (who frees it with free()) and resets the strbuf.
 */
#ifndef EB_STRBUF_H
#define EB_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct eb_strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	bool oom;
};

extern char eb_strbuf_empty[];
#define EB_STRBUF_INIT { .buf = eb_strbuf_empty }

void eb_strbuf_init(struct eb_strbuf *sb);
/* Free the contents and reset to empty. */
void eb_strbuf_release(struct eb_strbuf *sb);
/* Return the contents (malloc'd, NUL-terminated, never NULL unless out of
 * memory) and reset sb.  *len receives the length if len is not NULL. */
char *eb_strbuf_detach(struct eb_strbuf *sb, size_t *len);
/* Make room for at least `extra` more bytes.  0 or -ENOMEM. */
int eb_strbuf_grow(struct eb_strbuf *sb, size_t extra);
void eb_strbuf_reset(struct eb_strbuf *sb);
void eb_strbuf_add(struct eb_strbuf *sb, const void *data, size_t len);
void eb_strbuf_adds(struct eb_strbuf *sb, const char *s);
void eb_strbuf_addch(struct eb_strbuf *sb, char c);
void eb_strbuf_addf(struct eb_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void eb_strbuf_vaddf(struct eb_strbuf *sb, const char *fmt, va_list ap);
/* Append bytes as lowercase hex, no separators. */
void eb_strbuf_addhex(struct eb_strbuf *sb, const void *data, size_t len);
/* 0, or -ENOMEM if any append failed since init/reset. */
int eb_strbuf_error(const struct eb_strbuf *sb);

#endif
