/* SPDX-License-Identifier: MIT */
/*
 * events.h - what the event readers (perfbuf.h, ringbuf.h) share, and one
 * reader for either kind of map.
 *
 * A sample reaches the caller as a struct eb_event_sample through a
 * callback.  Times are CLOCK_MONOTONIC nanoseconds (the clock of
 * bpf_ktime_get_ns()); eb_event_time_to_wall() turns them into wall-clock
 * time.  Perf samples carry the time the kernel wrote them; ring buffer
 * records carry no time, so a ring buffer sample is stamped when the
 * reader takes it from the ring.
 *
 * The daemon's use (DESIGN.md "Events"): when a perf event array or ring
 * buffer map is created, create an eb_event_reader on it (the perf rings
 * are opened and installed at once, so no sample is lost for want of a
 * reader), put eb_event_reader_fd() into the producer thread's epoll set,
 * and call eb_event_reader_consume() when it is readable.  The sample
 * callback runs on that thread and appends to the log; lost samples come
 * through the lost callback and are also counted (eb_event_reader_stats(),
 * readable from any thread).
 */
#ifndef EB_EVENTS_H
#define EB_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct eb_event_sample {
	int cpu;		/* CPU that wrote it; -1 for ring buffers (unknown) */
	uint64_t time_ns;	/* CLOCK_MONOTONIC ns (see the header comment) */
	const void *data;	/* valid only during the callback; perf data
				 * is only 4-byte aligned (memcpy it), ring
				 * buffer data 8-byte aligned */
	uint32_t size;		/* bytes at data (perf: see perfbuf.h on padding) */
};

/*
 * Called once per sample, in ring order.  Return 0 to go on, or a -errno
 * to stop: the sample counts as consumed, and the consume call returns
 * that value.
 */
typedef int (*eb_event_sample_fn)(void *ctx, const struct eb_event_sample *s);

/* Called when the kernel reports `lost` samples dropped on `cpu` (perf
 * event arrays: the ring was full). */
typedef void (*eb_event_lost_fn)(void *ctx, int cpu, uint64_t lost);

/* Counters a reader keeps; each read is atomic, the pair is not. */
struct eb_event_stats {
	uint64_t samples;	/* handed to the sample callback */
	uint64_t lost;		/* reported lost by the kernel */
};

/* --- time ------------------------------------------------------------------ */

/* CLOCK_MONOTONIC now, in ns (0 if the clock fails, which it cannot). */
uint64_t eb_event_now_ns(void);

/*
 * Convert a CLOCK_MONOTONIC time in ns into wall-clock time (CLOCK_REALTIME)
 * using the current offset between the two clocks (so a time from before a
 * clock step is shifted by that step).  Returns 0 or -errno from
 * clock_gettime().
 */
int eb_event_time_to_wall(uint64_t mono_ns, struct timespec *wall);

/* --- one reader for perf event arrays and ring buffers --------------------- */

struct eb_event_reader;

struct eb_event_reader_opts {
	eb_event_sample_fn sample_cb;	/* required */
	eb_event_lost_fn lost_cb;	/* may be NULL */
	void *ctx;			/* passed to both */
	/* perf event arrays only (see struct eb_perfbuf_opts) */
	uint32_t pages_per_cpu;		/* 0: 8 */
	uint32_t wakeup_events;		/* 0: 1 */
	uint32_t watermark_bytes;	/* 0: use wakeup_events */
};

/*
 * Open a reader on map_fd, a BPF_MAP_TYPE_PERF_EVENT_ARRAY (eb_perfbuf_new)
 * or BPF_MAP_TYPE_RINGBUF (eb_ringbuf_new).  map_fd stays the caller's.
 * On success *out is owned by the caller (eb_event_reader_free()).
 * Returns 0, -EINVAL for another map type or bad options, or -errno.
 */
int eb_event_reader_new(int map_fd, const struct eb_event_reader_opts *opts,
			struct eb_event_reader **out);
/* The one fd to wait on (epoll/poll for POLLIN); owned by the reader. */
int eb_event_reader_fd(const struct eb_event_reader *r);
/* Wait up to timeout_ms (-1: forever) and consume.  Returns samples
 * handled (0 on timeout), -EINTR, or a callback's -errno. */
int eb_event_reader_poll(struct eb_event_reader *r, int timeout_ms);
/* Consume everything available without waiting.  Same returns. */
int eb_event_reader_consume(struct eb_event_reader *r);
/* The counters; safe from any thread while another consumes. */
void eb_event_reader_stats(const struct eb_event_reader *r,
			   struct eb_event_stats *st);
/* True for a perf event array reader. */
bool eb_event_reader_is_perf(const struct eb_event_reader *r);
/* Free the reader (see eb_perfbuf_free / eb_ringbuf_free).  NULL is fine.
 * Not while another thread is inside poll/consume on it. */
void eb_event_reader_free(struct eb_event_reader *r);

#endif
