/* SPDX-License-Identifier: MIT */
/*
 * events.c - time conversion and the reader for either map kind (see
 * events.h).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "log.h"
#include "perfbuf.h"
#include "ringbuf.h"
#include "syscall.h"
#include "util.h"

#define NSEC_PER_SEC 1000000000ULL

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

uint64_t eb_event_now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;
	return ts_ns(&ts);
}

int eb_event_time_to_wall(uint64_t mono_ns, struct timespec *wall)
{
	struct timespec r1, m, r2;
	uint64_t real, mono;
	int64_t wall_ns;

	/* realtime read on both sides of monotonic: their mean pairs best */
	if (clock_gettime(CLOCK_REALTIME, &r1) ||
	    clock_gettime(CLOCK_MONOTONIC, &m) ||
	    clock_gettime(CLOCK_REALTIME, &r2))
		return -errno;
	real = ts_ns(&r1) + (ts_ns(&r2) - ts_ns(&r1)) / 2;
	mono = ts_ns(&m);
	wall_ns = (int64_t)(real - mono) + (int64_t)mono_ns;
	if (wall_ns < 0)
		wall_ns = 0;
	wall->tv_sec = wall_ns / NSEC_PER_SEC;
	wall->tv_nsec = wall_ns % NSEC_PER_SEC;
	return 0;
}

struct eb_event_reader {
	struct eb_perfbuf *pb;
	struct eb_ringbuf *rb;
};

int eb_event_reader_new(int map_fd, const struct eb_event_reader_opts *opts,
			struct eb_event_reader **out)
{
	struct eb_event_reader *r;
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	int err;

	*out = NULL;
	if (!opts || !opts->sample_cb) {
		eb_warn("events", "no sample callback");
		return -EINVAL;
	}
	memset(&info, 0, sizeof(info));
	err = eb_sys_obj_get_info_by_fd(map_fd, &info, &len);
	if (err) {
		eb_warn("events", "map fd %d: cannot read map info: %s", map_fd,
			eb_strerror(err));
		return err;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	switch (info.type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY: {
		struct eb_perfbuf_opts po = {
			.pages_per_cpu = opts->pages_per_cpu,
			.wakeup_events = opts->wakeup_events,
			.watermark_bytes = opts->watermark_bytes,
			.sample_cb = opts->sample_cb,
			.lost_cb = opts->lost_cb,
			.ctx = opts->ctx,
		};

		err = eb_perfbuf_new(map_fd, &po, &r->pb);
		break;
	}
	case BPF_MAP_TYPE_RINGBUF:
		err = eb_ringbuf_new(map_fd, opts->sample_cb, opts->ctx, &r->rb);
		break;
	default:
		eb_warn("events", "map '%s' (id %u): type %u has no events",
			info.name, info.id, info.type);
		err = -EINVAL;
	}
	if (err) {
		free(r);
		return err;
	}
	*out = r;
	return 0;
}

int eb_event_reader_fd(const struct eb_event_reader *r)
{
	return r->pb ? eb_perfbuf_epoll_fd(r->pb) : eb_ringbuf_epoll_fd(r->rb);
}

int eb_event_reader_poll(struct eb_event_reader *r, int timeout_ms)
{
	return r->pb ? eb_perfbuf_poll(r->pb, timeout_ms) :
		       eb_ringbuf_poll(r->rb, timeout_ms);
}

int eb_event_reader_consume(struct eb_event_reader *r)
{
	return r->pb ? eb_perfbuf_consume(r->pb) : eb_ringbuf_consume(r->rb);
}

void eb_event_reader_stats(const struct eb_event_reader *r,
			   struct eb_event_stats *st)
{
	if (r->pb)
		eb_perfbuf_stats(r->pb, st);
	else
		eb_ringbuf_stats(r->rb, st);
}

bool eb_event_reader_is_perf(const struct eb_event_reader *r)
{
	return r->pb != NULL;
}

void eb_event_reader_free(struct eb_event_reader *r)
{
	if (!r)
		return;
	eb_perfbuf_free(r->pb);
	eb_ringbuf_free(r->rb);
	free(r);
}
