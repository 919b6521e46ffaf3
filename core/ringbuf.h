/* SPDX-License-Identifier: MIT */
/*
 * ringbuf.h - BPF ring buffers: read BPF_MAP_TYPE_RINGBUF, write
 * BPF_MAP_TYPE_USER_RINGBUF.
 *
 * Kernel layout of both map types (mmap of the map fd):
 *	offset 0		consumer page: u64 consumer_pos
 *	offset 1 page		producer page: u64 producer_pos
 *	offset 2 pages		data, max_entries bytes (a power of 2), mapped
 *				twice in a row, so a record that wraps around
 *				the end is contiguous in memory
 * Each record starts with an 8-byte header { u32 len; u32 pg_off; } and is
 * padded to 8 bytes; len carries BPF_RINGBUF_BUSY_BIT while the producer
 * still writes it and BPF_RINGBUF_DISCARD_BIT when it was discarded.
 *
 * Reader (RINGBUF): the consumer page is mapped read-write, the producer
 * page and data read-only.  Positions and record headers are loaded with
 * acquire; the consumer position is stored with release every 4 KiB of
 * records read (a quarter of the ring if that is less) and at the end of
 * each batch, after the callbacks of the records it covers returned.
 * Reading stops at the first busy record (records are consumed in order);
 * discarded records are skipped without a callback.  Ring buffer records
 * carry no CPU (sample.cpu = -1) and no time: sample.time_ns is
 * CLOCK_MONOTONIC when the reader took the batch from the ring.
 *
 * Writer (USER_RINGBUF): the consumer page is mapped read-only, the
 * producer page and data read-write; a BPF program drains the samples with
 * bpf_user_ringbuf_drain().
 *
 * Thread safety: one thread at a time per reader / writer; eb_ringbuf_stats()
 * from any thread.
 */
#ifndef EB_RINGBUF_H
#define EB_RINGBUF_H

#include <stdint.h>

#include "events.h"

/* --- reader --------------------------------------------------------------- */

struct eb_ringbuf;

/*
 * Open a reader on map_fd (a BPF_MAP_TYPE_RINGBUF; the reader dups it, the
 * caller keeps its own).  cb (required) and ctx receive its samples.  On
 * success *out is the caller's (eb_ringbuf_free()).  Returns 0, -EINVAL
 * if the map is not a ring buffer or cb is NULL, or -errno from mmap() /
 * epoll.
 */
int eb_ringbuf_new(int map_fd, eb_event_sample_fn cb, void *ctx,
		   struct eb_ringbuf **out);

/*
 * Add another ring buffer map to the same reader (same epoll fd), with its
 * own callback.  Returns 0 or -errno as eb_ringbuf_new(); on failure the
 * reader is as before.
 */
int eb_ringbuf_add(struct eb_ringbuf *rb, int map_fd, eb_event_sample_fn cb,
		   void *ctx);

/* The epoll fd (owned by the reader): readable when a ring has data. */
int eb_ringbuf_epoll_fd(const struct eb_ringbuf *rb);

/* Wait up to timeout_ms (-1 forever, 0 not at all) and consume the rings
 * that signal.  Returns samples handled (discarded records do not count),
 * 0 on timeout, -EINTR, or a callback's -errno. */
int eb_ringbuf_poll(struct eb_ringbuf *rb, int timeout_ms);

/* Consume every ring without waiting, until each is empty, reaches a
 * busy record or gave one ring's worth of bytes (a ring kept full by a
 * fast program: call again).  Returns samples handled or a callback's
 * -errno. */
int eb_ringbuf_consume(struct eb_ringbuf *rb);

/* Counters over all rings (stats.lost stays 0: a full ring buffer makes
 * the program's reserve fail, the reader never hears of it). */
void eb_ringbuf_stats(const struct eb_ringbuf *rb, struct eb_event_stats *st);

/* Bytes not yet consumed in ring i (in eb_ringbuf_add() order; 0 is the
 * map of eb_ringbuf_new()), or -ENOENT. */
int64_t eb_ringbuf_avail(const struct eb_ringbuf *rb, int i);

/* Unmap and close everything.  NULL is fine. */
void eb_ringbuf_free(struct eb_ringbuf *rb);

/* --- user ring buffer writer ------------------------------------------------ */

struct eb_user_ringbuf;

/*
 * Open a writer on map_fd (a BPF_MAP_TYPE_USER_RINGBUF; dup'ed, the caller
 * keeps its own).  On success *out is the caller's (eb_user_ringbuf_free()).
 * Returns 0, -EINVAL for another map type, or -errno from mmap().
 */
int eb_user_ringbuf_new(int map_fd, struct eb_user_ringbuf **out);

/*
 * Reserve size bytes for one sample; *sample points at them (8-byte
 * aligned, contents undefined) until submit or discard.  Several samples
 * may be reserved before submitting; the kernel drains them in reserve
 * order and waits at the first one not yet submitted.  Returns 0,
 * -EINVAL for size 0, -E2BIG if the sample can never fit, -ENOSPC if the
 * ring has no room now (the program has not drained enough yet).
 */
int eb_user_ringbuf_reserve(struct eb_user_ringbuf *urb, uint32_t size,
			    void **sample);
/* Publish a reserved sample to the kernel. */
void eb_user_ringbuf_submit(struct eb_user_ringbuf *urb, void *sample);
/* Give a reserved sample up: the kernel skips it. */
void eb_user_ringbuf_discard(struct eb_user_ringbuf *urb, void *sample);
/* Copy size bytes and submit them: reserve + memcpy + submit.  Returns 0
 * or the reserve's -errno. */
int eb_user_ringbuf_write(struct eb_user_ringbuf *urb, const void *data,
			  uint32_t size);
/* Bytes free for new samples (headers included) right now. */
uint64_t eb_user_ringbuf_free_bytes(const struct eb_user_ringbuf *urb);
/* The map fd (owned by the writer): poll it for POLLOUT to wait until the
 * program drained something. */
int eb_user_ringbuf_fd(const struct eb_user_ringbuf *urb);
/* Unmap and close.  Reserved but unsubmitted samples stay busy in the
 * ring, blocking the kernel's drain: submit or discard them first.
 * NULL is fine. */
void eb_user_ringbuf_free(struct eb_user_ringbuf *urb);

#endif
