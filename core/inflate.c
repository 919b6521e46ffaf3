/* SPDX-License-Identifier: MIT */
/*
 * inflate.c - gzip / DEFLATE decoding (see inflate.h).
 *
 * Huffman codes are canonical: a code is described by the number of codes
 * of each length, and symbols sorted by (length, value).  Decoding walks
 * the lengths one bit at a time, keeping the first code of each length.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inflate.h"

#define MAXBITS		15
#define MAXLCODES	286
#define MAXDCODES	30
#define FIXLCODES	288

struct inf {
	const uint8_t *in;
	size_t in_len, pos;
	uint32_t bitbuf;
	int bitcnt;
	uint8_t *out;
	size_t out_len, out_cap, max_out;
	int err;
};

struct huff {
	short count[MAXBITS + 1];
	short symbol[FIXLCODES];
};

static int bits(struct inf *s, int need)
{
	uint32_t v = s->bitbuf;

	while (s->bitcnt < need) {
		if (s->pos >= s->in_len) {
			s->err = -EINVAL;
			return 0;
		}
		v |= (uint32_t)s->in[s->pos++] << s->bitcnt;
		s->bitcnt += 8;
	}
	s->bitbuf = v >> need;
	s->bitcnt -= need;
	return (int)(v & ((1u << need) - 1));
}

static int put(struct inf *s, uint8_t c)
{
	if (s->out_len == s->out_cap) {
		size_t cap = s->out_cap ? s->out_cap * 2 : 65536;
		uint8_t *p;

		if (s->out_cap >= s->max_out) {
			s->err = -E2BIG;
			return -1;
		}
		if (cap > s->max_out)
			cap = s->max_out;
		p = realloc(s->out, cap + 1);
		if (!p) {
			s->err = -ENOMEM;
			return -1;
		}
		s->out = p;
		s->out_cap = cap;
	}
	s->out[s->out_len++] = c;
	return 0;
}

static int stored(struct inf *s)
{
	unsigned int len, nlen;

	s->bitbuf = 0;
	s->bitcnt = 0;
	if (s->pos + 4 > s->in_len)
		return -EINVAL;
	len = s->in[s->pos] | (unsigned int)s->in[s->pos + 1] << 8;
	nlen = s->in[s->pos + 2] | (unsigned int)s->in[s->pos + 3] << 8;
	s->pos += 4;
	if (len != (~nlen & 0xffff) || s->pos + len > s->in_len)
		return -EINVAL;
	while (len--)
		if (put(s, s->in[s->pos++]))
			return s->err;
	return 0;
}

static int decode(struct inf *s, const struct huff *h)
{
	int code = 0, first = 0, index = 0, len, count;

	for (len = 1; len <= MAXBITS; len++) {
		code |= bits(s, 1);
		if (s->err)
			return -1;
		count = h->count[len];
		if (code - count < first)
			return h->symbol[index + (code - first)];
		index += count;
		first += count;
		first <<= 1;
		code <<= 1;
	}
	s->err = -EINVAL;
	return -1;
}

/* Build h from n code lengths; 0 when complete or the one allowed
 * incomplete code, -EINVAL when over-subscribed. */
static int build(struct huff *h, const short *length, int n)
{
	short offs[MAXBITS + 1];
	int len, sym, left;

	memset(h->count, 0, sizeof(h->count));
	for (sym = 0; sym < n; sym++)
		h->count[length[sym]]++;
	if (h->count[0] == n)
		return 0;
	left = 1;
	for (len = 1; len <= MAXBITS; len++) {
		left <<= 1;
		left -= h->count[len];
		if (left < 0)
			return -EINVAL;
	}
	offs[1] = 0;
	for (len = 1; len < MAXBITS; len++)
		offs[len + 1] = (short)(offs[len] + h->count[len]);
	for (sym = 0; sym < n; sym++)
		if (length[sym])
			h->symbol[offs[length[sym]]++] = (short)sym;
	return 0;
}

static const short len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const short len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const short dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577 };
static const short dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

static int codes(struct inf *s, const struct huff *lh, const struct huff *dh)
{
	int sym, len;
	size_t dist;

	for (;;) {
		sym = decode(s, lh);
		if (sym < 0)
			return s->err;
		if (sym < 256) {
			if (put(s, (uint8_t)sym))
				return s->err;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return -EINVAL;
		len = len_base[sym] + bits(s, len_extra[sym]);
		sym = decode(s, dh);
		if (sym < 0 || sym >= 30)
			return s->err ? s->err : -EINVAL;
		dist = (size_t)dist_base[sym] + (size_t)bits(s, dist_extra[sym]);
		if (s->err)
			return s->err;
		if (dist > s->out_len)
			return -EINVAL;
		while (len--)
			if (put(s, s->out[s->out_len - dist]))
				return s->err;
	}
}

static int fixed(struct inf *s)
{
	short lengths[FIXLCODES];
	struct huff lh, dh;
	int i;

	/* rebuilt per block: cheap, and no shared state between threads */
	for (i = 0; i < 144; i++)
		lengths[i] = 8;
	for (; i < 256; i++)
		lengths[i] = 9;
	for (; i < 280; i++)
		lengths[i] = 7;
	for (; i < FIXLCODES; i++)
		lengths[i] = 8;
	build(&lh, lengths, FIXLCODES);
	for (i = 0; i < MAXDCODES; i++)
		lengths[i] = 5;
	build(&dh, lengths, MAXDCODES);
	return codes(s, &lh, &dh);
}

static int dynamic(struct inf *s)
{
	static const short order[19] = {
		16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	short lengths[MAXLCODES + MAXDCODES];
	struct huff lh, dh;
	int nlen, ndist, ncode, index, sym, len;

	nlen = bits(s, 5) + 257;
	ndist = bits(s, 5) + 1;
	ncode = bits(s, 4) + 4;
	if (s->err || nlen > MAXLCODES || ndist > MAXDCODES)
		return -EINVAL;
	for (index = 0; index < ncode; index++)
		lengths[order[index]] = (short)bits(s, 3);
	for (; index < 19; index++)
		lengths[order[index]] = 0;
	if (s->err || build(&lh, lengths, 19))
		return -EINVAL;
	index = 0;
	while (index < nlen + ndist) {
		sym = decode(s, &lh);
		if (sym < 0)
			return -EINVAL;
		if (sym < 16) {
			lengths[index++] = (short)sym;
			continue;
		}
		len = 0;
		if (sym == 16) {
			if (!index)
				return -EINVAL;
			len = lengths[index - 1];
			sym = 3 + bits(s, 2);
		} else if (sym == 17) {
			sym = 3 + bits(s, 3);
		} else {
			sym = 11 + bits(s, 7);
		}
		if (s->err || index + sym > nlen + ndist)
			return -EINVAL;
		while (sym--)
			lengths[index++] = (short)len;
	}
	if (!lengths[256])
		return -EINVAL;
	if (build(&lh, lengths, nlen) || build(&dh, lengths + nlen, ndist))
		return -EINVAL;
	return codes(s, &lh, &dh);
}

int eb_gunzip(const void *in, size_t in_len, size_t max_out, void **out, size_t *out_len)
{
	struct inf s;
	const uint8_t *p = in;
	size_t pos = 10;
	int last, type, err = 0;
	uint8_t flg;

	*out = NULL;
	*out_len = 0;
	if (in_len < 18 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8)
		return -EINVAL;
	flg = p[3];
	if (flg & 4) {			/* FEXTRA */
		if (pos + 2 > in_len)
			return -EINVAL;
		pos += 2 + (p[pos] | (size_t)p[pos + 1] << 8);
	}
	if (flg & 8) {			/* FNAME */
		while (pos < in_len && p[pos])
			pos++;
		pos++;
	}
	if (flg & 16) {			/* FCOMMENT */
		while (pos < in_len && p[pos])
			pos++;
		pos++;
	}
	if (flg & 2)			/* FHCRC */
		pos += 2;
	if (pos >= in_len)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	s.in = p + pos;
	s.in_len = in_len - pos;
	s.max_out = max_out;
	do {
		last = bits(&s, 1);
		type = bits(&s, 2);
		if (s.err) {
			err = s.err;
			break;
		}
		if (type == 0)
			err = stored(&s);
		else if (type == 1)
			err = fixed(&s);
		else if (type == 2)
			err = dynamic(&s);
		else
			err = -EINVAL;
	} while (!err && !last);
	if (!err && !s.out) {
		s.out = malloc(1);
		if (!s.out)
			err = -ENOMEM;
	}
	if (err) {
		free(s.out);
		return err;
	}
	s.out[s.out_len] = '\0';
	*out = s.out;
	*out_len = s.out_len;
	return 0;
}
