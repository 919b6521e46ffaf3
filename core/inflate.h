/* SPDX-License-Identifier: MIT */
/*
 * inflate.h - a small gzip reader (RFC 1952 framing around RFC 1951
 * DEFLATE), so the loader can read /proc/config.gz without linking zlib.
 * Slow-ish (bit by bit Huffman decoding) but plenty for a kernel config.
 */
#ifndef EB_INFLATE_H
#define EB_INFLATE_H

#include <stddef.h>

/*
 * Decompress the first gzip member of in[0..in_len).  On success *out is
 * a malloc'd buffer (the caller frees it) holding *out_len bytes plus a
 * terminating NUL.  Returns 0, -EINVAL for input that is not gzip or is
 * corrupt / truncated (the CRC is not checked), -E2BIG when the output
 * would exceed max_out bytes, -ENOMEM.
 */
int eb_gunzip(const void *in, size_t in_len, size_t max_out, void **out, size_t *out_len);

#endif
