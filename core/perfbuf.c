/* SPDX-License-Identifier: MIT */
/*
 * perfbuf.c - the perf event array reader (see perfbuf.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "perfbuf.h"
#include "syscall.h"
#include "util.h"

#define PB_DEFAULT_PAGES 8

struct pb_ring {
	int cpu;
	int fd;			/* the perf event */
	void *base;		/* struct perf_event_mmap_page, then data */
	bool installed;		/* map[cpu] holds fd */
};

struct eb_perfbuf {
	int map_fd;		/* our dup */
	int epfd;
	size_t page_size;
	size_t data_size;	/* per ring, a power of 2 */
	size_t mmap_size;	/* header page + data */
	struct pb_ring *rings;
	int ring_cnt;
	struct epoll_event *evs;
	void *scratch;		/* reassembled wrapped records */
	size_t scratch_size;
	eb_event_sample_fn sample_cb;
	eb_event_lost_fn lost_cb;
	void *ctx;
	uint64_t samples;	/* written by the consuming thread, read atomically */
	uint64_t lost;
};

/* The records we ask for (sample_type TIME | RAW, no sample_id_all). */
struct pb_sample {
	struct perf_event_header h;
	uint64_t time;
	uint32_t size;
	uint8_t data[];
};

struct pb_lost {
	struct perf_event_header h;
	uint64_t id;
	uint64_t lost;
};

static int pb_open_event(int cpu, const struct eb_perfbuf_opts *opts)
{
	struct perf_event_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_period = 1;
	attr.sample_type = PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
	attr.use_clockid = 1;
	attr.clockid = CLOCK_MONOTONIC;
	if (opts->watermark_bytes) {
		attr.watermark = 1;
		attr.wakeup_watermark = opts->watermark_bytes;
	} else {
		attr.wakeup_events = opts->wakeup_events ? opts->wakeup_events : 1;
	}
	fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1,
		     PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	return (int)fd;
}

static int pb_map_info(int map_fd, struct bpf_map_info *info)
{
	uint32_t len = sizeof(*info);
	int err;

	memset(info, 0, sizeof(*info));
	err = eb_sys_obj_get_info_by_fd(map_fd, info, &len);
	if (err) {
		eb_warn("perfbuf", "map fd %d: cannot read map info: %s",
			map_fd, eb_strerror(err));
		return err;
	}
	if (info->type != BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		eb_warn("perfbuf", "map '%s' (id %u): type %u is not a perf event array",
			info->name, info->id, info->type);
		return -EINVAL;
	}
	return 0;
}

/* Open, map, install and watch the ring of one CPU.  Returns 0, 1 when the
 * CPU is offline (skipped), or -errno. */
static int pb_ring_open(struct eb_perfbuf *pb, struct pb_ring *r, int cpu,
			const struct eb_perfbuf_opts *opts)
{
	struct epoll_event ev;
	uint32_t key = cpu, val;
	int err;

	r->cpu = cpu;
	r->fd = pb_open_event(cpu, opts);
	if (r->fd == -ENODEV) {
		eb_debug("perfbuf", "cpu %d is offline: no ring", cpu);
		r->fd = -1;
		return 1;
	}
	if (r->fd < 0) {
		err = r->fd;
		r->fd = -1;
		eb_warn("perfbuf", "cpu %d: perf_event_open(BPF_OUTPUT): %s",
			cpu, eb_strerror(err));
		return err;
	}
	r->base = mmap(NULL, pb->mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       r->fd, 0);
	if (r->base == MAP_FAILED) {
		err = -errno;
		r->base = NULL;
		eb_warn("perfbuf", "cpu %d: mmap of %zu bytes: %s", cpu,
			pb->mmap_size, eb_strerror(err));
		return err;
	}
	val = r->fd;
	err = eb_sys_map_update_elem(pb->map_fd, &key, &val, BPF_ANY);
	if (err) {
		eb_warn("perfbuf", "cpu %d: storing the perf event in the map: %s",
			cpu, eb_strerror(err));
		return err;
	}
	r->installed = true;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = r - pb->rings;
	if (epoll_ctl(pb->epfd, EPOLL_CTL_ADD, r->fd, &ev) < 0) {
		err = -errno;
		eb_warn("perfbuf", "cpu %d: epoll_ctl: %s", cpu, eb_strerror(err));
		return err;
	}
	return 0;
}

static void pb_ring_close(struct eb_perfbuf *pb, struct pb_ring *r)
{
	uint32_t key = r->cpu;

	if (r->installed) {
		eb_sys_map_delete_elem(pb->map_fd, &key);
		r->installed = false;
	}
	if (r->base)
		munmap(r->base, pb->mmap_size);
	r->base = NULL;
	eb_zclose(&r->fd);
}

int eb_perfbuf_new(int map_fd, const struct eb_perfbuf_opts *opts,
		   struct eb_perfbuf **out)
{
	struct eb_perfbuf *pb;
	struct bpf_map_info info;
	uint32_t pages;
	int ncpu, cpu, err;

	*out = NULL;
	if (!opts || !opts->sample_cb) {
		eb_warn("perfbuf", "no sample callback");
		return -EINVAL;
	}
	pages = opts->pages_per_cpu ? opts->pages_per_cpu : PB_DEFAULT_PAGES;
	if (pages & (pages - 1)) {
		eb_warn("perfbuf", "pages per cpu %u is not a power of 2", pages);
		return -EINVAL;
	}
	err = pb_map_info(map_fd, &info);
	if (err)
		return err;
	ncpu = eb_possible_cpus();
	if (ncpu < 0)
		return ncpu;
	if ((uint32_t)ncpu > info.max_entries) {
		eb_warn("perfbuf", "map '%s' has %u entries for %d possible cpus: cpus %u.. get no ring",
			info.name, info.max_entries, ncpu, info.max_entries);
		ncpu = info.max_entries;
	}

	pb = calloc(1, sizeof(*pb));
	if (!pb)
		return -ENOMEM;
	pb->epfd = -1;
	pb->map_fd = -1;
	pb->sample_cb = opts->sample_cb;
	pb->lost_cb = opts->lost_cb;
	pb->ctx = opts->ctx;
	pb->page_size = sysconf(_SC_PAGESIZE);
	pb->data_size = pages * pb->page_size;
	pb->mmap_size = pb->data_size + pb->page_size;
	pb->map_fd = fcntl(map_fd, F_DUPFD_CLOEXEC, 0);
	if (pb->map_fd < 0) {
		err = -errno;
		goto err_free;
	}
	pb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (pb->epfd < 0) {
		err = -errno;
		goto err_free;
	}
	pb->rings = eb_calloc(ncpu ? ncpu : 1, sizeof(*pb->rings));
	pb->evs = eb_calloc(ncpu ? ncpu : 1, sizeof(*pb->evs));
	if (!pb->rings || !pb->evs) {
		err = -ENOMEM;
		goto err_free;
	}
	for (cpu = 0; cpu < ncpu; cpu++) {
		struct pb_ring *r = &pb->rings[pb->ring_cnt];

		r->fd = -1;
		err = pb_ring_open(pb, r, cpu, opts);
		if (err < 0) {
			pb_ring_close(pb, r);
			goto err_free;
		}
		if (err == 0)
			pb->ring_cnt++;
	}
	if (!pb->ring_cnt) {
		eb_warn("perfbuf", "map '%s': no cpu could be opened", info.name);
		err = -ENODEV;
		goto err_free;
	}
	*out = pb;
	return 0;

err_free:
	eb_perfbuf_free(pb);
	return err;
}

int eb_perfbuf_epoll_fd(const struct eb_perfbuf *pb)
{
	return pb->epfd;
}

int eb_perfbuf_ring_cnt(const struct eb_perfbuf *pb)
{
	return pb->ring_cnt;
}

int eb_perfbuf_ring_cpu(const struct eb_perfbuf *pb, int i)
{
	if (i < 0 || i >= pb->ring_cnt)
		return -1;
	return pb->rings[i].cpu;
}

size_t eb_perfbuf_ring_size(const struct eb_perfbuf *pb)
{
	return pb->data_size;
}

void eb_perfbuf_stats(const struct eb_perfbuf *pb, struct eb_event_stats *st)
{
	st->samples = __atomic_load_n(&pb->samples, __ATOMIC_RELAXED);
	st->lost = __atomic_load_n(&pb->lost, __ATOMIC_RELAXED);
}

/* Copy len bytes starting at ring offset off, wrapping at the end. */
static void pb_copy_wrapped(void *dst, const uint8_t *data, size_t size,
			    size_t off, size_t len)
{
	size_t first = EB_MIN(len, size - off);

	memcpy(dst, data + off, first);
	memcpy((uint8_t *)dst + first, data, len - first);
}

/* One record.  Returns 1 for a sample handed on (the caller counts it),
 * 0 for another record, or the callback's -errno (the sample counts as
 * handed on). */
static int pb_handle(struct eb_perfbuf *pb, struct pb_ring *r, const void *rec)
{
	const struct perf_event_header *h = rec;
	struct eb_event_sample s;
	int err;

	switch (h->type) {
	case PERF_RECORD_SAMPLE: {
		const struct pb_sample *ps = rec;

		if (h->size < offsetof(struct pb_sample, data) ||
		    ps->size > h->size - offsetof(struct pb_sample, data)) {
			eb_warn("perfbuf", "cpu %d: sample record of %u bytes holds %u bytes of data",
				r->cpu, h->size, ps->size);
			return 0;
		}
		s.cpu = r->cpu;
		s.time_ns = ps->time;
		s.data = ps->data;
		s.size = ps->size;
		err = pb->sample_cb(pb->ctx, &s);
		return err < 0 ? err : 1;
	}
	case PERF_RECORD_LOST: {
		const struct pb_lost *pl = rec;

		if (h->size < sizeof(*pl))
			return 0;
		__atomic_fetch_add(&pb->lost, pl->lost, __ATOMIC_RELAXED);
		if (pb->lost_cb)
			pb->lost_cb(pb->ctx, r->cpu, pl->lost);
		return 0;
	}
	default:
		return 0;
	}
}

/*
 * Read one ring: the records up to data_head, then again while the
 * producer keeps writing, at most one ring's worth of bytes per call (so
 * a busy ring does not starve the others).  data_tail is published every
 * quarter of the ring as well as at the end, so the kernel can refill
 * the space of a long batch while it is being handled.  The sample
 * counter is updated once per call (only this thread writes it).
 */
static int pb_ring_consume(struct eb_perfbuf *pb, struct pb_ring *r)
{
	struct perf_event_mmap_page *mp = r->base;
	const uint8_t *data = (const uint8_t *)r->base + pb->page_size;
	size_t size = pb->data_size;
	uint64_t head, tail, start, stored;
	int n = 0, ret = 0;

	start = stored = tail = mp->data_tail;
	head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
	while (tail != head) {
		struct perf_event_header h;
		size_t off = tail & (size - 1);
		const void *rec;

		/* the producer's CPU wrote these lines: ask for them early */
		__builtin_prefetch(data + ((off + 512) & (size - 1)));
		pb_copy_wrapped(&h, data, size, off, sizeof(h));
		if (h.size < sizeof(h) || h.size > head - tail) {
			eb_warn("perfbuf", "cpu %d: bad record size %u at %llu: skipping %llu bytes",
				r->cpu, h.size, (unsigned long long)tail,
				(unsigned long long)(head - tail));
			tail = head;
			break;
		}
		if (off + h.size <= size) {
			rec = data + off;
		} else {
			if (pb->scratch_size < h.size) {
				void *p = realloc(pb->scratch, h.size);

				if (!p) {
					ret = -ENOMEM;
					break;
				}
				pb->scratch = p;
				pb->scratch_size = h.size;
			}
			pb_copy_wrapped(pb->scratch, data, size, off, h.size);
			rec = pb->scratch;
		}
		ret = pb_handle(pb, r, rec);
		tail += h.size;
		if (ret < 0) {
			n++;
			break;
		}
		n += ret;
		ret = 0;
		if (tail - stored >= size / 4) {
			__atomic_store_n(&mp->data_tail, tail, __ATOMIC_RELEASE);
			stored = tail;
		}
		if (tail == head && tail - start < size)
			head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
	}
	if (tail != stored)
		__atomic_store_n(&mp->data_tail, tail, __ATOMIC_RELEASE);
	if (n)
		__atomic_store_n(&pb->samples, pb->samples + n, __ATOMIC_RELAXED);
	return ret < 0 ? ret : n;
}

int eb_perfbuf_consume(struct eb_perfbuf *pb)
{
	int i, n = 0, ret;

	for (i = 0; i < pb->ring_cnt; i++) {
		ret = pb_ring_consume(pb, &pb->rings[i]);
		if (ret < 0)
			return ret;
		n += ret;
	}
	return n;
}

int eb_perfbuf_poll(struct eb_perfbuf *pb, int timeout_ms)
{
	int cnt, i, n = 0, ret;

	cnt = epoll_wait(pb->epfd, pb->evs, pb->ring_cnt, timeout_ms);
	if (cnt < 0)
		return -errno;
	for (i = 0; i < cnt; i++) {
		uint32_t idx = pb->evs[i].data.u32;

		if (idx >= (uint32_t)pb->ring_cnt)
			continue;
		ret = pb_ring_consume(pb, &pb->rings[idx]);
		if (ret < 0)
			return ret;
		n += ret;
	}
	return n;
}

void eb_perfbuf_free(struct eb_perfbuf *pb)
{
	int i;

	if (!pb)
		return;
	for (i = 0; i < pb->ring_cnt; i++)
		pb_ring_close(pb, &pb->rings[i]);
	eb_zfree(&pb->rings);
	eb_zfree(&pb->evs);
	eb_zfree(&pb->scratch);
	eb_zclose(&pb->epfd);
	eb_zclose(&pb->map_fd);
	free(pb);
}
