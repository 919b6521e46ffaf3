// SPDX-License-Identifier: MIT
/*
 * fmt.c - spellings of keys and values (see fmt.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "util.h"

bool fs_fmt_int_size(size_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

int64_t fs_fmt_int_value(enum fs_fmt fmt, const void *data, size_t size)
{
	union { uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64; } v;
	bool sgn = fmt == FS_FMT_SINT;

	memcpy(&v, data, size);
	switch (size) {
	case 1:
		return sgn ? (int8_t)v.u8 : (int64_t)v.u8;
	case 2:
		return sgn ? (int16_t)v.u16 : (int64_t)v.u16;
	case 4:
		return sgn ? (int32_t)v.u32 : (int64_t)v.u32;
	default:
		return (int64_t)v.u64;
	}
}

/*
 * Decimal digits of v, appended without going through printf: listing a
 * map renders every key, and .dump every key and value, so this is the
 * daemon's hottest loop.  20 digits hold any uint64_t.
 */
static void add_u64(struct eb_strbuf *out, uint64_t v)
{
	char digits[20], *p = digits + sizeof(digits);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	eb_strbuf_add(out, p, (size_t)(digits + sizeof(digits) - p));
}

static void add_s64(struct eb_strbuf *out, int64_t v)
{
	if (v < 0) {
		eb_strbuf_addch(out, '-');
		add_u64(out, (uint64_t)0 - (uint64_t)v);
		return;
	}
	add_u64(out, (uint64_t)v);
}

void fs_fmt_render(enum fs_fmt fmt, const void *data, size_t size, struct eb_strbuf *out)
{
	int64_t v;

	if (fmt == FS_FMT_HEX || !fs_fmt_int_size(size)) {
		eb_strbuf_addhex(out, data, size);
		return;
	}
	v = fs_fmt_int_value(fmt, data, size);
	if (fmt == FS_FMT_SINT)
		add_s64(out, v);
	else
		add_u64(out, (uint64_t)v);
}

static void trim(const char **text, size_t *len)
{
	while (*len && isspace((unsigned char)**text))
		(*text)++, (*len)--;
	while (*len && isspace((unsigned char)(*text)[*len - 1]))
		(*len)--;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *s, size_t len, uint8_t *out, size_t size)
{
	size_t i = 0, n = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	while (i < len) {
		int hi, lo;

		if (isspace((unsigned char)s[i])) {
			i++;
			continue;
		}
		if (i + 1 >= len || n >= size)
			return -EINVAL;
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return n == size ? 0 : -EINVAL;
}

/* Digits only (after an optional sign / 0x), no overflow. */
static int parse_u64(const char *s, size_t len, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i >= len)
		return -EINVAL;
	for (; i < len; i++) {
		int d = hexval(s[i]);

		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -EINVAL;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

static int parse_int(enum fs_fmt fmt, const char *s, size_t len, void *out, size_t size)
{
	bool neg = false;
	uint64_t v, umax = size == 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
	union { uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64; } u;

	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++, len--;
	}
	if (parse_u64(s, len, &v))
		return -EINVAL;
	if (fmt == FS_FMT_SINT) {
		uint64_t lim = 1ULL << (size * 8 - 1);	/* |min| */

		if (neg ? v > lim : v > lim - 1)
			return -EINVAL;
		if (neg)
			v = (uint64_t)0 - v;
	} else {
		if (neg || v > umax)
			return -EINVAL;
	}
	switch (size) {
	case 1: u.u8 = (uint8_t)v; break;
	case 2: u.u16 = (uint16_t)v; break;
	case 4: u.u32 = (uint32_t)v; break;
	default: u.u64 = v; break;
	}
	memcpy(out, &u, size);
	return 0;
}

int fs_fmt_parse(enum fs_fmt fmt, const char *text, size_t len, void *out, size_t size)
{
	trim(&text, &len);
	if (!len)
		return -EINVAL;
	if (fmt == FS_FMT_HEX || !fs_fmt_int_size(size))
		return parse_hex(text, len, out, size);
	return parse_int(fmt, text, len, out, size);
}

void fs_fmt_render_percpu(enum fs_fmt fmt, const void *data, size_t size,
			  size_t stride, unsigned int ncpu, bool oneline,
			  struct eb_strbuf *out)
{
	bool is_int = fmt != FS_FMT_HEX && fs_fmt_int_size(size);
	const uint8_t *p = data;
	uint64_t sum = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < ncpu; cpu++, p += stride) {
		eb_strbuf_adds(out, oneline ? " cpu" : "cpu");
		add_u64(out, cpu);
		eb_strbuf_adds(out, oneline ? ":" : ": ");
		fs_fmt_render(fmt, p, size, out);
		if (!oneline)
			eb_strbuf_addch(out, '\n');
		if (is_int)
			sum += (uint64_t)fs_fmt_int_value(fmt, p, size);
	}
	if (!is_int)
		return;
	eb_strbuf_adds(out, oneline ? " sum:" : "sum: ");
	if (fmt == FS_FMT_SINT)
		add_s64(out, (int64_t)sum);
	else
		add_u64(out, sum);
	if (!oneline)
		eb_strbuf_addch(out, '\n');
}

int fs_fmt_parse_percpu(enum fs_fmt fmt, const char *text, size_t len, void *out,
			size_t size, size_t stride, unsigned int ncpu)
{
	uint8_t *p = out;
	const char *end;
	unsigned int cpu;

	trim(&text, &len);
	if (len < 3 || (strncmp(text, "cpu", 3) && strncmp(text, "sum", 3))) {
		/* one value for every CPU */
		uint8_t *one = malloc(size ? size : 1);
		int ret;

		if (!one)
			return -ENOMEM;
		ret = fs_fmt_parse(fmt, text, len, one, size);
		for (cpu = 0; !ret && cpu < ncpu; cpu++)
			memcpy(p + cpu * stride, one, size);
		free(one);
		return ret;
	}
	end = text + len;
	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		const char *line_end = nl ? nl : end;
		const char *colon = memchr(text, ':', (size_t)(line_end - text));
		size_t llen = (size_t)(line_end - text);
		uint64_t n;

		trim(&text, &llen);
		if (llen == 0) {
			text = nl ? nl + 1 : end;
			continue;
		}
		if (!colon)
			return -EINVAL;
		if (!strncmp(text, "sum", 3) && (size_t)(colon - text) == 3) {
			/* ignored: derived from the CPUs */
		} else {
			if (strncmp(text, "cpu", 3) ||
			    parse_u64(text + 3, (size_t)(colon - text) - 3, &n) ||
			    n >= ncpu)
				return -EINVAL;
			if (fs_fmt_parse(fmt, colon + 1, (size_t)(text + llen - colon - 1),
					 p + n * stride, size))
				return -EINVAL;
		}
		text = nl ? nl + 1 : end;
	}
	return 0;
}

/* --- key file names ----------------------------------------------------------- */

#define FNV64_BASIS	0xcbf29ce484222325ull
#define FNV64_PRIME	0x100000001b3ull

uint64_t fs_fmt_fnv1a64(const void *data, size_t size)
{
	const uint8_t *p = data;
	uint64_t h = FNV64_BASIS;
	size_t i;

	for (i = 0; i < size; i++) {
		h ^= p[i];
		h *= FNV64_PRIME;
	}
	return h;
}

bool fs_fmt_key_is_long(enum fs_fmt fmt, size_t size)
{
	if (fmt != FS_FMT_HEX && fs_fmt_int_size(size))
		return false;	/* at most 20 digits and a sign */
	return size > FS_FMT_NAME_MAX / 2;
}

void fs_fmt_render_key(enum fs_fmt fmt, const void *data, size_t size,
		       struct eb_strbuf *out)
{
	static const char digits[] = "0123456789abcdef";
	uint64_t h;
	char tail[17];
	int i;

	if (!fs_fmt_key_is_long(fmt, size)) {
		fs_fmt_render(fmt, data, size, out);
		return;
	}
	eb_strbuf_addhex(out, data, FS_FMT_LONG_PREFIX / 2);
	h = fs_fmt_fnv1a64(data, size);
	tail[0] = FS_FMT_LONG_SEP;
	for (i = 16; i > 0; i--, h >>= 4)
		tail[i] = digits[h & 0xf];
	eb_strbuf_add(out, tail, sizeof(tail));
}

int fs_fmt_parse_long_name(const char *name, size_t len, struct fs_fmt_long_name *out)
{
	uint64_t h = 0;
	size_t i;

	if (len != FS_FMT_LONG_NAME_LEN || name[FS_FMT_LONG_PREFIX] != FS_FMT_LONG_SEP)
		return -EINVAL;
	for (i = 0; i < FS_FMT_LONG_PREFIX; i += 2) {
		int hi = hexval(name[i]), lo = hexval(name[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out->prefix[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	for (i = FS_FMT_LONG_PREFIX + 1; i < len; i++) {
		int d = hexval(name[i]);

		if (d < 0)
			return -EINVAL;
		h = h << 4 | (uint64_t)d;
	}
	out->hash = h;
	return 0;
}

bool fs_fmt_long_name_matches(const struct fs_fmt_long_name *ln, const void *data,
			      size_t size)
{
	return size >= sizeof(ln->prefix) &&
	       !memcmp(ln->prefix, data, sizeof(ln->prefix)) &&
	       fs_fmt_fnv1a64(data, size) == ln->hash;
}

/* --- sorting names --------------------------------------------------------- */

/* Byte depth of the name at off, 0 past its end (ends sort first). */
static inline unsigned int name_byte(const char *base, uint32_t off, size_t depth)
{
	return (unsigned char)base[off + depth];
}

/* strcmp() of two names from byte depth on. */
static inline int name_cmp(const char *base, uint32_t a, uint32_t b, size_t depth)
{
	const unsigned char *p = (const unsigned char *)base + a + depth;
	const unsigned char *q = (const unsigned char *)base + b + depth;

	while (*p && *p == *q)
		p++, q++;
	return (int)*p - (int)*q;
}

/* Sort off[0..n), names agreeing on bytes [0, depth), by strcmp. */
static void insertion_sort(const char *base, uint32_t *off, size_t n, size_t depth)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint32_t t = off[i];

		for (j = i; j > 0 && name_cmp(base, off[j - 1], t, depth) > 0; j--)
			off[j] = off[j - 1];
		off[j] = t;
	}
}

/*
 * MSD radix sort in place ("American flag sort"): distribute off[0..n)
 * into 256 buckets by the byte at depth, then sort each bucket by the
 * next byte.  Needs no memory beyond two small tables per level, so the
 * daemon's peak memory for a listing is the names and their offsets.
 * A name that ends (byte 0) is smaller than its extensions and equal to
 * the other names that end there.  Names are NUL-terminated, so no name
 * is read past its end: a name's byte at depth is only read when every
 * byte before it was not 0.  Only the range of bytes present is walked
 * (ten buckets for decimal names), and a byte all names share costs no
 * recursion: the stack holds one level per byte where names differ.
 */
static void flag_sort(const char *base, uint32_t *off, size_t n, size_t depth)
{
	uint32_t cnt[256], next[256];
	unsigned int b, c, lo, hi;
	size_t i, start;

again:
	if (n < 16) {
		insertion_sort(base, off, n, depth);
		return;
	}
	lo = 255, hi = 0;
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < n; i++) {
		c = name_byte(base, off[i], depth);
		cnt[c]++;
		lo = EB_MIN(lo, c);
		hi = EB_MAX(hi, c);
	}
	if (lo == hi) {		/* one bucket: on to the next byte */
		if (!lo)
			return;
		depth++;
		goto again;
	}
	for (b = lo, start = 0; b <= hi; b++) {
		next[b] = (uint32_t)start;
		start += cnt[b];
	}
	/* move every name into its bucket: cycles of swaps */
	for (b = lo, start = 0; b <= hi; start += cnt[b], b++) {
		size_t end = start + cnt[b];

		while (next[b] < end) {
			uint32_t v = off[next[b]];

			while ((c = name_byte(base, v, depth)) != b) {
				uint32_t t = off[next[c]];

				off[next[c]++] = v;
				v = t;
			}
			off[next[b]++] = v;
		}
	}
	/* bucket 0 holds names that ended: all equal */
	for (b = lo, start = 0; b <= hi; start += cnt[b], b++)
		if (b && cnt[b] > 1)
			flag_sort(base, off + start, cnt[b], depth + 1);
}

void fs_fmt_sort_names(const char *base, uint32_t *off, size_t n)
{
	flag_sort(base, off, n, 0);
}

uint64_t fs_fmt_name_prefix(const char *name)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < 8 && name[i]; i++)
		v |= (uint64_t)(unsigned char)name[i] << (56 - 8 * i);
	return v;
}

int fs_fmt_ref_cmp(const char *base, const struct fs_fmt_name_ref *a,
		   const struct fs_fmt_name_ref *b)
{
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	if (!(a->prefix & 0xff))	/* both names end within the prefix */
		return 0;
	return name_cmp(base, a->off, b->off, 8);
}

/* Put runs of equal prefixes of long names in order by their rest. */
static void sort_ties(const char *base, struct fs_fmt_name_ref *refs, uint32_t *scratch,
		      size_t n)
{
	size_t i, j, k;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && refs[j].prefix == refs[i].prefix; j++)
			;
		if (j - i < 2 || !(refs[i].prefix & 0xff))
			continue;
		for (k = i; k < j; k++)
			scratch[k - i] = refs[k].off;
		flag_sort(base, scratch, j - i, 8);
		for (k = i; k < j; k++)
			refs[k].off = scratch[k - i];
	}
}

void fs_fmt_sort_refs(const char *base, struct fs_fmt_name_ref *refs,
		      struct fs_fmt_name_ref *tmp, size_t n)
{
	struct fs_fmt_name_ref *src = refs, *dst = tmp, *t;
	size_t cnt[8][256], i, b, sum;

	if (n < 2)
		return;
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < n; i++)
		for (b = 0; b < 8; b++)
			cnt[b][(refs[i].prefix >> (8 * b)) & 0xff]++;
	for (b = 0; b < 8; b++) {	/* byte b from the least significant */
		unsigned int shift = 8 * (unsigned int)b;

		if (cnt[b][(src[0].prefix >> shift) & 0xff] == n)
			continue;	/* every prefix has the same byte here */
		for (i = 0, sum = 0; i < 256; i++) {
			size_t c = cnt[b][i];

			cnt[b][i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[cnt[b][(src[i].prefix >> shift) & 0xff]++] = src[i];
		t = src, src = dst, dst = t;
	}
	if (src != refs)
		memcpy(refs, src, n * sizeof(*refs));
	sort_ties(base, refs, (uint32_t *)tmp, n);
}
