/* SPDX-License-Identifier: MIT */
/*
 * perfbuf.h - read a BPF_MAP_TYPE_PERF_EVENT_ARRAY: one perf ring per CPU.
 *
 * eb_perfbuf_new() opens, for every *possible* CPU below the map's
 * max_entries, a software perf event PERF_COUNT_SW_BPF_OUTPUT on that CPU
 * with sample_type PERF_SAMPLE_TIME | PERF_SAMPLE_RAW and clockid
 * CLOCK_MONOTONIC, maps its ring (one header page plus pages_per_cpu data
 * pages), stores the event fd in the map at the CPU's index (so a program's
 * bpf_perf_event_output(..., BPF_F_CURRENT_CPU, ...) lands there) and adds
 * it to one epoll fd.  A possible CPU that is offline is skipped (debug
 * log), as are CPUs at or past max_entries (a warning once).
 *
 * Reading: the ring's data_head is loaded with acquire, records are parsed
 * up to it (and on while the producer adds more, up to one ring's worth
 * per call), and data_tail is stored with release every quarter of the
 * ring and at the end, after the callbacks of the records it covers
 * returned.  A record that wraps
 * around the end of the ring is copied into a scratch buffer the reader
 * owns, so the callback always sees contiguous bytes.  PERF_RECORD_SAMPLE
 * goes to the sample callback, PERF_RECORD_LOST to the lost callback (and
 * the lost counter); other record types are skipped.
 *
 * Sample size: the kernel pads each raw sample so that its 4-byte size
 * field plus the data is a multiple of 8, and reports the padded size.  A
 * program writing n bytes is seen with size round_up(n + 4, 8) - 4; the
 * bytes past n are not defined.
 *
 * Map entries: the reader installs its event fds in the map through the
 * map fd the caller passed (the kernel ties the entries to that open
 * file: they also vanish when the last fd of it is closed).
 * eb_perfbuf_free() deletes the entries it installed, including ones
 * another reader may have replaced since: one reader per map at a time.
 *
 * Thread safety: one thread at a time in poll/consume; eb_perfbuf_stats()
 * from any thread.
 */
#ifndef EB_PERFBUF_H
#define EB_PERFBUF_H

#include <stdint.h>

#include "events.h"

struct eb_perfbuf;

struct eb_perfbuf_opts {
	uint32_t pages_per_cpu;		/* data pages per ring, a power of 2;
					 * 0: 8 */
	/* Wakeups: the epoll fd turns readable after wakeup_events samples
	 * (0: 1), or, with watermark_bytes != 0, once that many bytes wait
	 * in a ring (wakeup_events is then ignored).  Records are still read
	 * by eb_perfbuf_consume() whenever it is called. */
	uint32_t wakeup_events;
	uint32_t watermark_bytes;
	eb_event_sample_fn sample_cb;	/* required */
	eb_event_lost_fn lost_cb;	/* may be NULL */
	void *ctx;
};

/*
 * Open the rings for map_fd (a perf event array; the reader dups it, the
 * caller keeps its own).  On success *out is the caller's
 * (eb_perfbuf_free()).  Returns 0; -EINVAL if map_fd is not a perf event
 * array, pages_per_cpu is not a power of 2, or sample_cb is NULL; -ENODEV
 * if no CPU could be opened; or the -errno of perf_event_open(), mmap()
 * or the map update that failed (nothing is left installed).
 */
int eb_perfbuf_new(int map_fd, const struct eb_perfbuf_opts *opts,
		   struct eb_perfbuf **out);

/* The epoll fd (owned by the reader): readable when a ring has data. */
int eb_perfbuf_epoll_fd(const struct eb_perfbuf *pb);

/* Wait up to timeout_ms (-1 forever, 0 not at all) for rings to signal
 * and consume those.  Returns samples handled, 0 on timeout, -EINTR if a
 * signal interrupted the wait, or a callback's -errno. */
int eb_perfbuf_poll(struct eb_perfbuf *pb, int timeout_ms);

/* Consume every ring without waiting.  Returns samples handled or a
 * callback's -errno. */
int eb_perfbuf_consume(struct eb_perfbuf *pb);

/* Number of rings opened, and the CPU of ring i (-1 past the end). */
int eb_perfbuf_ring_cnt(const struct eb_perfbuf *pb);
int eb_perfbuf_ring_cpu(const struct eb_perfbuf *pb, int i);
/* Bytes of data per ring (pages_per_cpu * page size). */
size_t eb_perfbuf_ring_size(const struct eb_perfbuf *pb);

void eb_perfbuf_stats(const struct eb_perfbuf *pb, struct eb_event_stats *st);

/* Delete the map entries it installed, unmap and close everything.
 * NULL is fine. */
void eb_perfbuf_free(struct eb_perfbuf *pb);

#endif
