/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

char eb_strbuf_empty[1];

void eb_strbuf_init(struct eb_strbuf *sb)
{
	sb->buf = eb_strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	sb->oom = false;
}

void eb_strbuf_release(struct eb_strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	eb_strbuf_init(sb);
}

char *eb_strbuf_detach(struct eb_strbuf *sb, size_t *len)
{
	char *res;

	if (len)
		*len = sb->len;
	res = sb->alloc ? sb->buf : strdup("");
	eb_strbuf_init(sb);
	return res;
}

void eb_strbuf_reset(struct eb_strbuf *sb)
{
	sb->len = 0;
	sb->buf[0] = '\0';
	sb->oom = false;
}

int eb_strbuf_grow(struct eb_strbuf *sb, size_t extra)
{
	size_t want, n;
	char *p;

	if (sb->oom)
		return -ENOMEM;
	if (extra >= (size_t)-1 / 2 - sb->len)
		goto fail;
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return 0;
	n = sb->alloc ? sb->alloc : 64;
	while (n < want)
		n *= 2;
	p = realloc(sb->alloc ? sb->buf : NULL, n);
	if (!p)
		goto fail;
	if (!sb->alloc)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = n;
	return 0;
fail:
	sb->oom = true;
	return -ENOMEM;
}

void eb_strbuf_add(struct eb_strbuf *sb, const void *data, size_t len)
{
	if (eb_strbuf_grow(sb, len))
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void eb_strbuf_adds(struct eb_strbuf *sb, const char *s)
{
	eb_strbuf_add(sb, s, strlen(s));
}

void eb_strbuf_addch(struct eb_strbuf *sb, char c)
{
	eb_strbuf_add(sb, &c, 1);
}

void eb_strbuf_vaddf(struct eb_strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || eb_strbuf_grow(sb, (size_t)n))
		return;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void eb_strbuf_addf(struct eb_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	eb_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void eb_strbuf_addhex(struct eb_strbuf *sb, const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;
	size_t i;

	if (eb_strbuf_grow(sb, len * 2))
		return;
	for (i = 0; i < len; i++) {
		sb->buf[sb->len++] = digits[p[i] >> 4];
		sb->buf[sb->len++] = digits[p[i] & 15];
	}
	sb->buf[sb->len] = '\0';
}

int eb_strbuf_error(const struct eb_strbuf *sb)
{
	return sb->oom ? -ENOMEM : 0;
}
