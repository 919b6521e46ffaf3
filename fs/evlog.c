// SPDX-License-Identifier: MIT
/*
 * evlog.c - the bounded events log and the rendering of its lines (see
 * evlog.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "evlog.h"
#include "util.h"

#define EVLOG_FIRST_CAP	(64u << 10)
#define NSEC_PER_SEC	1000000000ULL

/* --- the log ----------------------------------------------------------------- */

void fs_evlog_init(struct fs_evlog *log, size_t max)
{
	memset(log, 0, sizeof(*log));
	log->max = max < FS_EVLOG_MIN ? FS_EVLOG_MIN : max;
}

void fs_evlog_release(struct fs_evlog *log)
{
	size_t max = log->max;

	free(log->buf);
	fs_evlog_init(log, max);
}

static size_t retained(const struct fs_evlog *log)
{
	return (size_t)(log->end - log->start);
}

/* Ring index of absolute offset off (start <= off <= end). */
static size_t ring_pos(const struct fs_evlog *log, uint64_t off)
{
	size_t p = log->head + (size_t)(off - log->start);

	return p >= log->cap ? p - log->cap : p;
}

/* Copy n bytes from ring index pos to dst (wrapping). */
static void ring_get(const struct fs_evlog *log, size_t pos, void *dst, size_t n)
{
	size_t first = EB_MIN(n, log->cap - pos);

	memcpy(dst, log->buf + pos, first);
	if (n > first)
		memcpy((char *)dst + first, log->buf, n - first);
}

static void ring_put(struct fs_evlog *log, size_t pos, const void *src, size_t n)
{
	size_t first = EB_MIN(n, log->cap - pos);

	memcpy(log->buf + pos, src, first);
	if (n > first)
		memcpy(log->buf, (const char *)src + first, n - first);
}

/* Make the ring hold at least want bytes (up to max), linearised at 0.
 * 0 or -ENOMEM (the ring is unchanged). */
static int ring_grow(struct fs_evlog *log, size_t want)
{
	size_t cap = log->cap ? log->cap : EVLOG_FIRST_CAP;
	char *buf;

	while (cap < want)
		cap *= 2;
	if (cap > log->max)
		cap = log->max;
	if (cap <= log->cap)
		return 0;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	if (log->buf)
		ring_get(log, log->head, buf, retained(log));
	free(log->buf);
	log->buf = buf;
	log->cap = cap;
	log->head = 0;
	return 0;
}

/*
 * '\n' in n bytes at p, 16 at a time with GCC vector extensions (one SSE2
 * or NEON register): each lane of acc counts the newlines of its column,
 * up to 255 blocks before the lanes are summed.
 */
typedef unsigned char nl_vec __attribute__((vector_size(16)));

static uint64_t count_nl(const char *p, size_t n)
{
	const nl_vec nlv = {
		'\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n',
		'\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n',
	};
	uint64_t c = 0;
	size_t i = 0, k, blocks;

	while (n - i >= sizeof(nl_vec)) {
		nl_vec acc = { 0 }, w;

		blocks = EB_MIN((n - i) / sizeof(nl_vec), (size_t)255);
		for (k = 0; k < blocks; k++, i += sizeof(nl_vec)) {
			memcpy(&w, p + i, sizeof(w));
			acc -= (nl_vec)(w == nlv);	/* a match is -1 */
		}
		for (k = 0; k < sizeof(nl_vec); k++)
			c += acc[k];
	}
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}

/* Newlines in the n retained bytes from ring index pos (wrapping). */
static uint64_t ring_count_nl(const struct fs_evlog *log, size_t pos, size_t n)
{
	size_t first = EB_MIN(n, log->cap - pos);

	return count_nl(log->buf + pos, first) + count_nl(log->buf, n - first);
}

/* Drop the oldest lines that hold at least need of the retained bytes
 * (need <= retained). */
static void evict(struct fs_evlog *log, size_t need)
{
	size_t n = retained(log), pos = ring_pos(log, log->start + need - 1);
	size_t left = n - (need - 1), first = EB_MIN(left, log->cap - pos);
	const char *p = memchr(log->buf + pos, '\n', first);
	size_t drop;

	/* the line holding the last needed byte ends at the next newline */
	if (p) {
		drop = need + (size_t)(p - (log->buf + pos));
	} else {
		p = memchr(log->buf, '\n', left - first);
		drop = p ? need + first + (size_t)(p - log->buf) : n;
	}
	log->lines_start += ring_count_nl(log, log->head, drop);
	log->start += drop;
	log->head += drop;
	if (log->head >= log->cap)
		log->head -= log->cap;
}

int fs_evlog_append(struct fs_evlog *log, const char *text, size_t len,
		    uint64_t nlines)
{
	uint64_t dropped = 0;
	size_t skip = 0, keep;
	char *cut = NULL;
	int ret;

	if (!len)
		return 0;
	/* lines that cannot fit even alone in the log: drop them */
	while (len - skip > log->max && nlines - dropped > 1) {
		const char *p = memchr(text + skip, '\n', len - skip);

		if (!p)
			break;
		skip = (size_t)(p - text) + 1;
		dropped++;
	}
	keep = len - skip;
	if (keep > log->max) {
		/* one line longer than the bound: cut it */
		cut = malloc(log->max);
		if (!cut)
			goto nomem;
		memcpy(cut, text + skip, log->max - 4);
		memcpy(cut + log->max - 4, "...\n", 4);
		keep = log->max;
	}
	if (skip) {
		/* everything before the kept text is evicted */
		ret = ring_grow(log, keep);
		if (ret)
			goto nomem;
		log->start = log->end + skip;
		log->end = log->start;
		log->head = 0;
		log->lines_start = log->lines_end + dropped;
	} else {
		if (keep + retained(log) > log->cap) {
			ret = ring_grow(log, keep + retained(log));
			if (ret)
				goto nomem;
		}
		if (keep + retained(log) > log->cap)
			evict(log, keep + retained(log) - log->cap);
	}
	ring_put(log, ring_pos(log, log->end), cut ? cut : text + skip, keep);
	log->end += keep;
	log->lines_end += nlines;
	free(cut);
	return 0;
nomem:
	/* count the text as written and evicted: offsets stay monotonic */
	log->end += len;
	log->start = log->end;
	log->head = 0;
	log->lines_end += nlines;
	log->lines_start = log->lines_end;
	free(cut);
	return -ENOMEM;
}

size_t fs_evlog_copy(const struct fs_evlog *log, uint64_t off, size_t size,
		     struct eb_strbuf *out, uint64_t *nl)
{
	const char *last;
	size_t n;

	if (nl)
		*nl = 0;
	if (off < log->start || off >= log->end || !size)
		return 0;
	n = (size_t)EB_MIN((uint64_t)size, log->end - off);
	if (eb_strbuf_grow(out, n))
		return 0;
	ring_get(log, ring_pos(log, off), out->buf + out->len, n);
	if (n < log->end - off && out->buf[out->len + n - 1] != '\n') {
		/* whole lines only, unless one line is larger than size */
		last = memrchr(out->buf + out->len, '\n', n);
		if (last)
			n = (size_t)(last - (out->buf + out->len)) + 1;
	}
	if (nl)
		*nl = count_nl(out->buf + out->len, n);
	out->len += n;
	out->buf[out->len] = '\0';
	return n;
}

uint64_t fs_evlog_line_at(const struct fs_evlog *log, uint64_t off)
{
	if (off <= log->start)
		return log->lines_start;
	if (off >= log->end)
		return log->lines_end;
	return log->lines_start + ring_count_nl(log, log->head, (size_t)(off - log->start));
}

int fs_evlog_parse_size(const char *s, size_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K':
		v <<= 10, end++;
		break;
	case 'm': case 'M':
		v <<= 20, end++;
		break;
	case 'g': case 'G':
		v <<= 30, end++;
		break;
	default:
		break;
	}
	if (*end || v < FS_EVLOG_MIN || v > (1ULL << 40))
		return -EINVAL;
	*out = (size_t)v;
	return 0;
}

/* --- lines ------------------------------------------------------------------- */

static const char hexdig[] = "0123456789abcdef";

/* "00".."ff": the two digits of each byte value */
static const char hex_pairs[513] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* Write the 2 * size hex digits of data at d; returns the end. */
static char *put_hex(char *d, const uint8_t *p, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++, d += 2)
		memcpy(d, hex_pairs + 2 * p[i], 2);
	return d;
}

/* Append the decimal digits of v, zero-padded to width. */
static void add_uint(struct eb_strbuf *out, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width && n < (int)sizeof(tmp))
		tmp[sizeof(tmp) - 1 - n++] = '0';
	eb_strbuf_add(out, tmp + sizeof(tmp) - n, (size_t)n);
}

void fs_ev_time(struct fs_evclock *c, uint64_t wall_ns, struct eb_strbuf *out)
{
	time_t sec = (time_t)(wall_ns / NSEC_PER_SEC);

	if (!c->valid || c->sec != sec) {
		struct tm tm;

		c->len = 0;
		if (localtime_r(&sec, &tm))
			c->len = strftime(c->text, sizeof(c->text), "%Y-%m-%dT%H:%M:%S", &tm);
		c->sec = sec;
		c->valid = true;
	}
	eb_strbuf_add(out, c->text, c->len);
	eb_strbuf_addch(out, '.');
	add_uint(out, wall_ns % NSEC_PER_SEC, 9);
}

/* "00".."99" */
static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

void fs_ev_line_hex(struct fs_evclock *c, uint64_t wall_ns, int cpu, const void *data,
		    size_t size, struct eb_strbuf *out)
{
	const uint8_t *p = data;
	uint32_t ns = (uint32_t)(wall_ns % NSEC_PER_SEC);
	char *d, *start;
	int k;

	if (!c->valid || c->sec != (time_t)(wall_ns / NSEC_PER_SEC)) {
		/* refresh the cached second */
		struct eb_strbuf tmp = EB_STRBUF_INIT;

		fs_ev_time(c, wall_ns, &tmp);
		eb_strbuf_release(&tmp);
	}
	if (eb_strbuf_grow(out, c->len + 10 + 16 + 6 + 2 * size + 1))
		return;
	start = d = out->buf + out->len;
	memcpy(d, c->text, c->len);
	d += c->len;
	*d++ = '.';
	d[8] = (char)('0' + ns % 10);
	ns /= 10;
	for (k = 6; k >= 0; k -= 2) {
		memcpy(d + k, digit_pairs + 2 * (ns % 100), 2);
		ns /= 100;
	}
	d += 9;
	memcpy(d, " cpu=", 5);
	d += 5;
	if (cpu < 0) {
		*d++ = '-';
	} else {
		char tmp[12];
		int n = 0;
		unsigned int v = (unsigned int)cpu;

		do {
			tmp[n++] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		while (n)
			*d++ = tmp[--n];
	}
	memcpy(d, " data=", 6);
	d = put_hex(d + 6, p, size);
	*d++ = '\n';
	out->len += (size_t)(d - start);
	out->buf[out->len] = '\0';
}

void fs_ev_cpu(int cpu, struct eb_strbuf *out)
{
	eb_strbuf_add(out, " cpu=", 5);
	if (cpu < 0)
		eb_strbuf_addch(out, '-');
	else
		add_uint(out, (uint64_t)cpu, 1);
}

void fs_ev_hex(const void *data, size_t size, struct eb_strbuf *out)
{
	const uint8_t *p = data;
	char *d;

	if (eb_strbuf_grow(out, 6 + 2 * size))
		return;
	d = out->buf + out->len;
	memcpy(d, " data=", 6);
	put_hex(d + 6, p, size);
	out->len += 6 + 2 * size;
	out->buf[out->len] = '\0';
}

/* --- typed samples ----------------------------------------------------------- */

int fs_evtype_new(const struct eb_btf *btf, const char *text, struct fs_evtype **out)
{
	static const int plain_kinds[] = {
		BTF_KIND_TYPEDEF, BTF_KIND_INT, BTF_KIND_FLOAT, BTF_KIND_STRUCT,
		BTF_KIND_UNION, BTF_KIND_ENUM, BTF_KIND_ENUM64,
	};
	struct eb_strbuf name = EB_STRBUF_INIT;
	const char *kw = NULL, *s = text, *e;
	struct fs_evtype *t = NULL;
	const void *raw;
	uint32_t raw_size;
	int id = -ENOENT, kind = -1, ret;
	int64_t size;
	size_t i;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		e--;
	if (e - s > 7 && !strncmp(s, "struct ", 7))
		kw = "struct", kind = BTF_KIND_STRUCT, s += 7;
	else if (e - s > 6 && !strncmp(s, "union ", 6))
		kw = "union", kind = BTF_KIND_UNION, s += 6;
	else if (e - s > 5 && !strncmp(s, "enum ", 5))
		kw = "enum", kind = BTF_KIND_ENUM, s += 5;
	while (*s == ' ' || *s == '\t')
		s++;
	if (s >= e)
		return -EINVAL;
	for (i = 0; s + i < e; i++) {
		char c = s[i];

		if (!(c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || (c == ' ' && !kw)))
			return -EINVAL;
	}
	eb_strbuf_add(&name, s, (size_t)(e - s));
	if (eb_strbuf_error(&name))
		return -ENOMEM;
	if (kind >= 0) {
		id = eb_btf_find_by_name_kind(btf, name.buf, kind);
		if (id < 0 && kind == BTF_KIND_ENUM)
			id = eb_btf_find_by_name_kind(btf, name.buf, BTF_KIND_ENUM64);
	} else {
		for (i = 0; i < EB_ARRAY_SIZE(plain_kinds) && id < 0; i++)
			id = eb_btf_find_by_name_kind(btf, name.buf, plain_kinds[i]);
	}
	if (id < 0) {
		ret = -ENOENT;
		goto out;
	}
	size = eb_btf_resolve_size(btf, (uint32_t)id);
	if (size <= 0 || size > UINT32_MAX) {
		ret = -EINVAL;
		goto out;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		ret = -ENOMEM;
		goto out;
	}
	raw = eb_btf_raw(btf, &raw_size);
	ret = raw ? eb_btf_parse(raw, raw_size, &t->btf) : -EINVAL;
	if (ret)
		goto out;
	t->id = (uint32_t)id;
	t->size = (uint32_t)size;
	if (kw) {
		eb_strbuf_reset(&name);
		eb_strbuf_addf(&name, "%s %.*s", kw, (int)(e - s), s);
	}
	t->name = eb_strbuf_detach(&name, NULL);
	if (!t->name) {
		ret = -ENOMEM;
		goto out;
	}
	*out = t;
	t = NULL;
	ret = 0;
out:
	fs_evtype_free(t);
	eb_strbuf_release(&name);
	return ret;
}

void fs_evtype_free(struct fs_evtype *t)
{
	if (!t)
		return;
	eb_btf_free(t->btf);
	free(t->name);
	free(t);
}

struct trender {
	const struct eb_btf *btf;
	const uint8_t *data;
	size_t size;		/* bytes of the sample */
	bool cut;		/* a field did not fit */
	struct eb_strbuf *out;
};

#define MAX_DEPTH 16

static void r_value(struct trender *r, uint32_t id, size_t off, uint32_t bit_shift,
		    uint32_t bit_size, int depth);

/* Bits [bit_shift, bit_shift + bits) from byte off, little-endian. */
static unsigned __int128 read_bits(const struct trender *r, size_t off,
				   uint32_t bit_shift, uint32_t bits)
{
	unsigned __int128 v = 0;
	size_t n = (bit_shift + bits + 7) / 8, i;

	for (i = 0; i < n && i < 16; i++)
		v |= (unsigned __int128)r->data[off + i] << (8 * i);
	v >>= bit_shift;
	if (bits < 128)
		v &= ((unsigned __int128)1 << bits) - 1;
	return v;
}

static void add_u128(struct eb_strbuf *out, unsigned __int128 v)
{
	char tmp[48];
	int n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	eb_strbuf_add(out, tmp + sizeof(tmp) - n, (size_t)n);
}

static void add_s128(struct eb_strbuf *out, unsigned __int128 v, uint32_t bits)
{
	if (bits && bits < 128 && (v >> (bits - 1)) & 1) {
		v = ~v + 1;	/* two's complement of a bits-wide value */
		if (bits < 128)
			v &= ((unsigned __int128)1 << bits) - 1;
		eb_strbuf_addch(out, '-');
	}
	add_u128(out, v);
}

static bool is_char_type(const struct eb_btf *btf, uint32_t id)
{
	const struct btf_type *t;
	const char *name;
	int rid = eb_btf_skip_mods(btf, id);

	if (rid <= 0)
		return false;
	t = eb_btf_type_by_id(btf, (uint32_t)rid);
	if (!t || eb_btf_kind(t) != BTF_KIND_INT || t->size != 1)
		return false;
	if (BTF_INT_ENCODING(eb_btf_int_info(t)) & BTF_INT_CHAR)
		return true;
	name = eb_btf_name(btf, (uint32_t)rid);
	return name && !strcmp(name, "char");
}

static void r_string(struct trender *r, size_t off, size_t n)
{
	size_t i;

	eb_strbuf_addch(r->out, '"');
	for (i = 0; i < n; i++) {
		uint8_t c = r->data[off + i];

		if (!c)
			break;
		if (c == '"' || c == '\\') {
			eb_strbuf_addch(r->out, '\\');
			eb_strbuf_addch(r->out, (char)c);
		} else if (c == '\n') {
			eb_strbuf_add(r->out, "\\n", 2);
		} else if (c == '\t') {
			eb_strbuf_add(r->out, "\\t", 2);
		} else if (c < 0x20 || c >= 0x7f) {
			char esc[4] = { '\\', 'x', hexdig[c >> 4], hexdig[c & 15] };

			eb_strbuf_add(r->out, esc, 4);
		} else {
			eb_strbuf_addch(r->out, (char)c);
		}
	}
	eb_strbuf_addch(r->out, '"');
}

/* Append " NAME=V" (or "NAME=V" when *first) for each member of the
 * struct/union sid at byte off; names get prefix. */
static void r_fields(struct trender *r, uint32_t sid, size_t off, struct eb_strbuf *prefix,
		     bool *first, int depth)
{
	const struct btf_type *t = eb_btf_type_by_id(r->btf, sid);
	size_t plen = prefix->len;
	uint32_t i;

	for (i = 0; t && i < eb_btf_vlen(t); i++) {
		const struct btf_member *m = eb_btf_members(t) + i;
		const char *mname = eb_btf_str(r->btf, m->name_off);
		uint32_t bit_off = 0, bit_size = 0;
		const struct btf_type *mt;
		int mid = eb_btf_skip_mods(r->btf, m->type);
		int64_t msize;
		size_t moff;

		if (mid < 0 || eb_btf_member_bitfield(r->btf, t, i, &bit_off, &bit_size))
			continue;
		mt = eb_btf_type_by_id(r->btf, (uint32_t)mid);
		if (!mt)
			continue;
		moff = off + bit_off / 8;
		prefix->len = plen;
		if (mname && *mname) {
			eb_strbuf_adds(prefix, mname);
		} else if (plen) {
			prefix->len = plen - 1;	/* anonymous: no extra dot */
		}
		if (!bit_size && (eb_btf_kind(mt) == BTF_KIND_STRUCT ||
				  eb_btf_kind(mt) == BTF_KIND_UNION)) {
			if (depth >= MAX_DEPTH)
				continue;
			if (prefix->len)
				eb_strbuf_addch(prefix, '.');
			r_fields(r, (uint32_t)mid, moff, prefix, first, depth + 1);
			continue;
		}
		msize = bit_size ? (int64_t)((bit_off % 8 + bit_size + 7) / 8) :
			eb_btf_resolve_size(r->btf, (uint32_t)mid);
		if (msize < 0)
			continue;
		if (moff + (size_t)msize > r->size) {
			r->cut = true;
			continue;
		}
		if (!*first)
			eb_strbuf_addch(r->out, ' ');
		*first = false;
		eb_strbuf_add(r->out, prefix->buf, prefix->len);
		eb_strbuf_addch(r->out, '=');
		r_value(r, (uint32_t)mid, moff, bit_size ? bit_off % 8 : 0, bit_size, depth + 1);
	}
	prefix->len = plen;
	if (prefix->alloc)
		prefix->buf[plen] = '\0';
}

static void r_int(struct trender *r, const struct btf_type *t, size_t off,
		  uint32_t bit_shift, uint32_t bit_size)
{
	uint32_t info = eb_btf_int_info(t);
	uint32_t enc = BTF_INT_ENCODING(info);
	uint32_t bits = bit_size ? bit_size : t->size * 8;
	unsigned __int128 v;

	if (bits > 128)
		bits = 128;
	v = read_bits(r, off, bit_shift, bits);
	if (enc & BTF_INT_BOOL)
		eb_strbuf_adds(r->out, v ? "true" : "false");
	else if (enc & BTF_INT_SIGNED)
		add_s128(r->out, v, bits);
	else
		add_u128(r->out, v);
}

static void r_enum(struct trender *r, const struct btf_type *t, size_t off,
		   uint32_t bit_shift, uint32_t bit_size)
{
	uint32_t bits = bit_size ? bit_size : t->size * 8, i;
	unsigned __int128 v;
	int64_t sv;

	if (bits > 64)
		bits = 64;
	v = read_bits(r, off, bit_shift, bits);
	sv = (int64_t)(uint64_t)v;
	if (eb_btf_kflag(t) && bits < 64 && ((uint64_t)v >> (bits - 1)) & 1)
		sv = (int64_t)((uint64_t)v | ~(((uint64_t)1 << bits) - 1));
	for (i = 0; i < eb_btf_vlen(t); i++) {
		int64_t ev;
		uint32_t name_off;

		if (eb_btf_kind(t) == BTF_KIND_ENUM) {
			const struct btf_enum *e = eb_btf_enums(t) + i;

			ev = eb_btf_kflag(t) ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
			name_off = e->name_off;
		} else {
			const struct btf_enum64 *e = eb_btf_enums64(t) + i;

			ev = (int64_t)(((uint64_t)e->val_hi32 << 32) | e->val_lo32);
			name_off = e->name_off;
		}
		if ((uint64_t)ev == (uint64_t)sv ||
		    (!eb_btf_kflag(t) && (uint64_t)ev == (uint64_t)v)) {
			eb_strbuf_adds(r->out, eb_btf_str(r->btf, name_off));
			return;
		}
	}
	if (eb_btf_kflag(t))
		eb_strbuf_addf(r->out, "%" PRId64, sv);
	else
		eb_strbuf_addf(r->out, "%" PRIu64, (uint64_t)v);
}

static void r_array(struct trender *r, const struct btf_type *t, size_t off, int depth)
{
	const struct btf_array *a = eb_btf_array(t);
	int64_t esize = eb_btf_resolve_size(r->btf, a->type);
	int eid = eb_btf_skip_mods(r->btf, a->type);
	uint32_t i;

	if (esize <= 0 || eid < 0) {
		eb_strbuf_adds(r->out, "[]");
		return;
	}
	if (is_char_type(r->btf, a->type)) {
		r_string(r, off, a->nelems);
		return;
	}
	eb_strbuf_addch(r->out, '[');
	for (i = 0; i < a->nelems; i++) {
		if (i)
			eb_strbuf_addch(r->out, ',');
		r_value(r, (uint32_t)eid, off + (size_t)esize * i, 0, 0, depth + 1);
	}
	eb_strbuf_addch(r->out, ']');
}

static void r_value(struct trender *r, uint32_t id, size_t off, uint32_t bit_shift,
		    uint32_t bit_size, int depth)
{
	const struct btf_type *t;
	int rid = eb_btf_skip_mods(r->btf, id);

	t = rid > 0 ? eb_btf_type_by_id(r->btf, (uint32_t)rid) : NULL;
	if (!t || depth > MAX_DEPTH) {
		eb_strbuf_addch(r->out, '?');
		return;
	}
	switch (eb_btf_kind(t)) {
	case BTF_KIND_INT:
		r_int(r, t, off, bit_shift, bit_size);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		r_enum(r, t, off, bit_shift, bit_size);
		break;
	case BTF_KIND_PTR: {
		uint64_t p;

		memcpy(&p, r->data + off, sizeof(p));
		eb_strbuf_addf(r->out, "0x%" PRIx64, p);
		break;
	}
	case BTF_KIND_FLOAT:
		if (t->size == 4) {
			float f;

			memcpy(&f, r->data + off, 4);
			eb_strbuf_addf(r->out, "%g", (double)f);
		} else if (t->size == 8) {
			double d;

			memcpy(&d, r->data + off, 8);
			eb_strbuf_addf(r->out, "%g", d);
		} else {
			eb_strbuf_add(r->out, "0x", 2);
			eb_strbuf_addhex(r->out, r->data + off, t->size);
		}
		break;
	case BTF_KIND_ARRAY:
		r_array(r, t, off, depth);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		struct eb_strbuf prefix = EB_STRBUF_INIT;
		bool first = true;

		eb_strbuf_addch(r->out, '{');
		r_fields(r, (uint32_t)rid, off, &prefix, &first, depth + 1);
		eb_strbuf_addch(r->out, '}');
		eb_strbuf_release(&prefix);
		break;
	}
	default:
		eb_strbuf_addch(r->out, '?');
		break;
	}
}

void fs_evtype_render(const struct fs_evtype *t, const void *data, size_t size,
		      struct eb_strbuf *out)
{
	struct trender r = { .btf = t->btf, .data = data, .size = size, .out = out };
	const struct btf_type *bt;
	int rid = eb_btf_skip_mods(t->btf, t->id);

	bt = rid > 0 ? eb_btf_type_by_id(t->btf, (uint32_t)rid) : NULL;
	if (bt && (eb_btf_kind(bt) == BTF_KIND_STRUCT || eb_btf_kind(bt) == BTF_KIND_UNION)) {
		struct eb_strbuf prefix = EB_STRBUF_INIT;
		bool first = false;

		r_fields(&r, (uint32_t)rid, 0, &prefix, &first, 0);
		eb_strbuf_release(&prefix);
	} else if (size >= t->size) {
		eb_strbuf_add(out, " value=", 7);
		r_value(&r, t->id, 0, 0, 0, 0);
	} else {
		r.cut = true;
	}
	if (r.cut || size < t->size)
		eb_strbuf_addf(out, " short=%zu/%u", size, t->size);
}
