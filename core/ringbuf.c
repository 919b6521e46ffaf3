/* SPDX-License-Identifier: MIT */
/*
 * ringbuf.c - BPF ring buffer reader and user ring buffer writer (see
 * ringbuf.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"
#include "ringbuf.h"
#include "syscall.h"
#include "util.h"

#define RB_FLAG_BITS (BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)

/* Size of a record with `len` bytes of data, header included. */
static uint64_t rb_rec_size(uint32_t len)
{
	return EB_ROUND_UP((uint64_t)len + BPF_RINGBUF_HDR_SZ, 8);
}

/* Check that map_fd is a map of `type` and return its data size. */
static int rb_map_size(const char *subsys, int map_fd, uint32_t type,
		       size_t *size)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	int err;

	memset(&info, 0, sizeof(info));
	err = eb_sys_obj_get_info_by_fd(map_fd, &info, &len);
	if (err) {
		eb_warn(subsys, "map fd %d: cannot read map info: %s", map_fd,
			eb_strerror(err));
		return err;
	}
	if (info.type != type) {
		eb_warn(subsys, "map '%s' (id %u): type %u, expected %u",
			info.name, info.id, info.type, type);
		return -EINVAL;
	}
	if (!info.max_entries || (info.max_entries & (info.max_entries - 1))) {
		eb_warn(subsys, "map '%s': size %u is not a power of 2",
			info.name, info.max_entries);
		return -EINVAL;
	}
	*size = info.max_entries;
	return 0;
}

/* --- reader --------------------------------------------------------------- */

struct rb_ring {
	int map_fd;		/* our dup */
	uint64_t *consumer;	/* consumer page, read-write */
	uint8_t *producer;	/* producer page, then data twice, read-only */
	size_t size;		/* data bytes, a power of 2 */
	eb_event_sample_fn cb;
	void *ctx;
};

struct eb_ringbuf {
	int epfd;
	size_t page_size;
	struct rb_ring *rings;
	int ring_cnt;
	struct epoll_event *evs;
	uint64_t samples;	/* written by the consuming thread, read atomically */
};

static void rb_ring_close(struct eb_ringbuf *rb, struct rb_ring *r)
{
	if (r->consumer)
		munmap(r->consumer, rb->page_size);
	if (r->producer)
		munmap(r->producer, rb->page_size + 2 * r->size);
	r->consumer = NULL;
	r->producer = NULL;
	eb_zclose(&r->map_fd);
}

int eb_ringbuf_add(struct eb_ringbuf *rb, int map_fd, eb_event_sample_fn cb,
		   void *ctx)
{
	struct rb_ring *rings, *r;
	struct epoll_event *evs, ev;
	void *p;
	int err;

	if (!cb) {
		eb_warn("ringbuf", "no sample callback");
		return -EINVAL;
	}
	rings = eb_reallocarray(rb->rings, rb->ring_cnt + 1, sizeof(*rings));
	if (!rings)
		return -ENOMEM;
	rb->rings = rings;
	evs = eb_reallocarray(rb->evs, rb->ring_cnt + 1, sizeof(*evs));
	if (!evs)
		return -ENOMEM;
	rb->evs = evs;

	r = &rb->rings[rb->ring_cnt];
	memset(r, 0, sizeof(*r));
	r->cb = cb;
	r->ctx = ctx;
	r->map_fd = -1;
	err = rb_map_size("ringbuf", map_fd, BPF_MAP_TYPE_RINGBUF, &r->size);
	if (err)
		return err;
	if (r->size > (SIZE_MAX - rb->page_size) / 2) {
		eb_warn("ringbuf", "ring of %zu bytes does not fit the address space",
			r->size);
		return -E2BIG;
	}
	r->map_fd = fcntl(map_fd, F_DUPFD_CLOEXEC, 0);
	if (r->map_fd < 0) {
		err = -errno;
		goto err_close;
	}
	p = mmap(NULL, rb->page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 r->map_fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		eb_warn("ringbuf", "mmap of the consumer page: %s", eb_strerror(err));
		goto err_close;
	}
	r->consumer = p;
	p = mmap(NULL, rb->page_size + 2 * r->size, PROT_READ, MAP_SHARED,
		 r->map_fd, rb->page_size);
	if (p == MAP_FAILED) {
		err = -errno;
		eb_warn("ringbuf", "mmap of the producer page and %zu data bytes: %s",
			2 * r->size, eb_strerror(err));
		goto err_close;
	}
	r->producer = p;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = rb->ring_cnt;
	if (epoll_ctl(rb->epfd, EPOLL_CTL_ADD, r->map_fd, &ev) < 0) {
		err = -errno;
		eb_warn("ringbuf", "epoll_ctl: %s", eb_strerror(err));
		goto err_close;
	}
	rb->ring_cnt++;
	return 0;

err_close:
	rb_ring_close(rb, r);
	return err;
}

int eb_ringbuf_new(int map_fd, eb_event_sample_fn cb, void *ctx,
		   struct eb_ringbuf **out)
{
	struct eb_ringbuf *rb;
	int err;

	*out = NULL;
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return -ENOMEM;
	rb->page_size = sysconf(_SC_PAGESIZE);
	rb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rb->epfd < 0) {
		err = -errno;
		goto err_free;
	}
	err = eb_ringbuf_add(rb, map_fd, cb, ctx);
	if (err)
		goto err_free;
	*out = rb;
	return 0;

err_free:
	eb_ringbuf_free(rb);
	return err;
}

int eb_ringbuf_epoll_fd(const struct eb_ringbuf *rb)
{
	return rb->epfd;
}

void eb_ringbuf_stats(const struct eb_ringbuf *rb, struct eb_event_stats *st)
{
	st->samples = __atomic_load_n(&rb->samples, __ATOMIC_RELAXED);
	st->lost = 0;
}

int64_t eb_ringbuf_avail(const struct eb_ringbuf *rb, int i)
{
	const struct rb_ring *r;
	uint64_t cons, prod;

	if (i < 0 || i >= rb->ring_cnt)
		return -ENOENT;
	r = &rb->rings[i];
	cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n((uint64_t *)r->producer, __ATOMIC_ACQUIRE);
	return prod - cons;
}

/* Publish the consumer position every RB_STORE_EVERY bytes of a batch
 * (and at its end) rather than after each record: the kernel's producer
 * reads that cache line at every reserve, and a store per record would
 * pull it back and forth between the CPUs. */
#define RB_STORE_EVERY 4096u

/*
 * Read one ring until it is empty or reaches a busy record, at most one
 * ring's worth of bytes per call: a program that emits faster than the
 * callbacks run keeps the ring from ever being empty, and the caller
 * must get its loop back (to serve readers, to read the other rings).
 * The sample counter is updated once per call (only this thread writes
 * it).
 */
static int rb_ring_consume(struct eb_ringbuf *rb, struct rb_ring *r)
{
	const uint8_t *data = r->producer + rb->page_size;
	uint64_t cons, prod, stored, start, mask = r->size - 1;
	uint64_t every = EB_MIN((uint64_t)RB_STORE_EVERY, r->size / 4);
	struct eb_event_sample s = { .cpu = -1 };
	int n = 0, err = 0;

	cons = stored = start = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
	for (;;) {
		prod = __atomic_load_n((uint64_t *)r->producer, __ATOMIC_ACQUIRE);
		if (cons >= prod || cons - start >= r->size)
			break;
		s.time_ns = eb_event_now_ns();
		while (cons < prod) {
			const uint32_t *hdr = (const uint32_t *)(data + (cons & mask));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

			if (len & BPF_RINGBUF_BUSY_BIT)
				goto out;
			cons += rb_rec_size(len & ~RB_FLAG_BITS);
			if (len & BPF_RINGBUF_DISCARD_BIT)
				continue;
			s.data = hdr + 2;
			s.size = len & ~RB_FLAG_BITS;
			err = r->cb(r->ctx, &s);
			n++;
			if (err < 0 || n == INT32_MAX)
				goto out;
			if (cons - stored >= every) {
				__atomic_store_n(r->consumer, cons, __ATOMIC_RELEASE);
				stored = cons;
			}
		}
	}
out:
	if (cons != stored)
		__atomic_store_n(r->consumer, cons, __ATOMIC_RELEASE);
	if (n)
		__atomic_store_n(&rb->samples, rb->samples + n, __ATOMIC_RELAXED);
	return err < 0 ? err : n;
}

int eb_ringbuf_consume(struct eb_ringbuf *rb)
{
	int i, n = 0, ret;

	for (i = 0; i < rb->ring_cnt; i++) {
		ret = rb_ring_consume(rb, &rb->rings[i]);
		if (ret < 0)
			return ret;
		n += ret;
		if (n < 0)
			return INT32_MAX;
	}
	return n;
}

int eb_ringbuf_poll(struct eb_ringbuf *rb, int timeout_ms)
{
	int cnt, i, n = 0, ret;

	cnt = epoll_wait(rb->epfd, rb->evs, rb->ring_cnt, timeout_ms);
	if (cnt < 0)
		return -errno;
	for (i = 0; i < cnt; i++) {
		uint32_t idx = rb->evs[i].data.u32;

		if (idx >= (uint32_t)rb->ring_cnt)
			continue;
		ret = rb_ring_consume(rb, &rb->rings[idx]);
		if (ret < 0)
			return ret;
		n += ret;
		if (n < 0)
			return INT32_MAX;
	}
	return n;
}

void eb_ringbuf_free(struct eb_ringbuf *rb)
{
	int i;

	if (!rb)
		return;
	for (i = 0; i < rb->ring_cnt; i++)
		rb_ring_close(rb, &rb->rings[i]);
	eb_zfree(&rb->rings);
	eb_zfree(&rb->evs);
	eb_zclose(&rb->epfd);
	free(rb);
}

/* --- user ring buffer writer ------------------------------------------------ */

struct eb_user_ringbuf {
	int map_fd;		/* our dup */
	size_t page_size;
	size_t size;		/* data bytes, a power of 2 */
	const uint64_t *consumer;	/* read-only: the kernel's position */
	uint8_t *producer;	/* producer page, then data twice, read-write */
	uint64_t prod;		/* our producer position */
};

int eb_user_ringbuf_new(int map_fd, struct eb_user_ringbuf **out)
{
	struct eb_user_ringbuf *urb;
	void *p;
	int err;

	*out = NULL;
	urb = calloc(1, sizeof(*urb));
	if (!urb)
		return -ENOMEM;
	urb->map_fd = -1;
	urb->page_size = sysconf(_SC_PAGESIZE);
	err = rb_map_size("user_ringbuf", map_fd, BPF_MAP_TYPE_USER_RINGBUF,
			  &urb->size);
	if (err)
		goto err_free;
	if (urb->size > (SIZE_MAX - urb->page_size) / 2) {
		err = -E2BIG;
		goto err_free;
	}
	urb->map_fd = fcntl(map_fd, F_DUPFD_CLOEXEC, 0);
	if (urb->map_fd < 0) {
		err = -errno;
		goto err_free;
	}
	p = mmap(NULL, urb->page_size, PROT_READ, MAP_SHARED, urb->map_fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		eb_warn("user_ringbuf", "mmap of the consumer page: %s",
			eb_strerror(err));
		goto err_free;
	}
	urb->consumer = p;
	p = mmap(NULL, urb->page_size + 2 * urb->size, PROT_READ | PROT_WRITE,
		 MAP_SHARED, urb->map_fd, urb->page_size);
	if (p == MAP_FAILED) {
		err = -errno;
		eb_warn("user_ringbuf", "mmap of the producer page and %zu data bytes: %s",
			2 * urb->size, eb_strerror(err));
		goto err_free;
	}
	urb->producer = p;
	urb->prod = __atomic_load_n((uint64_t *)urb->producer, __ATOMIC_ACQUIRE);
	*out = urb;
	return 0;

err_free:
	eb_user_ringbuf_free(urb);
	return err;
}

int eb_user_ringbuf_fd(const struct eb_user_ringbuf *urb)
{
	return urb->map_fd;
}

uint64_t eb_user_ringbuf_free_bytes(const struct eb_user_ringbuf *urb)
{
	uint64_t cons = __atomic_load_n(urb->consumer, __ATOMIC_ACQUIRE);

	return urb->size - (urb->prod - cons);
}

int eb_user_ringbuf_reserve(struct eb_user_ringbuf *urb, uint32_t size,
			    void **sample)
{
	uint64_t need = rb_rec_size(size);
	uint32_t *hdr;

	*sample = NULL;
	if (!size)
		return -EINVAL;
	if ((size & RB_FLAG_BITS) || need > urb->size)
		return -E2BIG;
	if (need > eb_user_ringbuf_free_bytes(urb))
		return -ENOSPC;
	hdr = (uint32_t *)(urb->producer + urb->page_size +
			   (urb->prod & (urb->size - 1)));
	hdr[1] = 0;
	__atomic_store_n(&hdr[0], size | BPF_RINGBUF_BUSY_BIT, __ATOMIC_RELAXED);
	urb->prod += need;
	/* the busy header is visible before the new producer position */
	__atomic_store_n((uint64_t *)urb->producer, urb->prod, __ATOMIC_RELEASE);
	*sample = hdr + 2;
	return 0;
}

static void urb_commit(void *sample, uint32_t flag)
{
	uint32_t *hdr = (uint32_t *)sample - 2;
	uint32_t len = __atomic_load_n(hdr, __ATOMIC_RELAXED) & ~RB_FLAG_BITS;

	/* the sample's bytes are visible before the header says they are done */
	__atomic_store_n(hdr, len | flag, __ATOMIC_RELEASE);
}

void eb_user_ringbuf_submit(struct eb_user_ringbuf *urb, void *sample)
{
	urb_commit(sample, 0);
}

void eb_user_ringbuf_discard(struct eb_user_ringbuf *urb, void *sample)
{
	urb_commit(sample, BPF_RINGBUF_DISCARD_BIT);
}

int eb_user_ringbuf_write(struct eb_user_ringbuf *urb, const void *data,
			  uint32_t size)
{
	void *sample;
	int err;

	err = eb_user_ringbuf_reserve(urb, size, &sample);
	if (err)
		return err;
	memcpy(sample, data, size);
	eb_user_ringbuf_submit(urb, sample);
	return 0;
}

void eb_user_ringbuf_free(struct eb_user_ringbuf *urb)
{
	if (!urb)
		return;
	if (urb->consumer)
		munmap((void *)urb->consumer, urb->page_size);
	if (urb->producer)
		munmap(urb->producer, urb->page_size + 2 * urb->size);
	eb_zclose(&urb->map_fd);
	free(urb);
}
