// SPDX-License-Identifier: MIT
/*
 * eventfiles.c - events, events_pipe and .format of perf event array,
 * ring buffer and user ring buffer maps (see eventfiles.h), and the
 * producer thread that reads them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "eventfiles.h"
#include "events.h"
#include "evlog.h"
#include "info.h"
#include "log.h"
#include "object.h"
#include "objects.h"
#include "ringbuf.h"
#include "syscall.h"
#include "util.h"

#define STAGE_FLUSH	(64u << 10)	/* producer: append to the log in chunks */
/*
 * Perf rings: the per-CPU rings of a map take together at most half its
 * log bound, each between PERF_RING_MIN and PERF_RING_MAX bytes (fewer if
 * the memlock limit refuses them).  The kernel wakes the reader after
 * every PERF_WAKEUP_EVENTS samples of a CPU: each wakeup costs the
 * emitting program a little (an irq_work and a wakeup), and that is the
 * only brake a program emitting as fast as it can ever feels.  At every
 * sample (libbpf's and bpftool's choice) it holds the program to about
 * 110,000 samples/s; with no wakeups at all (a watermark of a big share
 * of the ring) the program outruns any text pipeline and the ring
 * overflows; one wakeup in 8 samples keeps it under what the log and its
 * readers take (about 0.8M samples/s here, none lost).  The fewer than
 * PERF_WAKEUP_EVENTS samples still waiting are read every PERF_DRAIN_NS,
 * so a sample reaches the log at most that late.
 */
#define PERF_RING_MIN	(64u << 10)
#define PERF_RING_MAX	(1u << 20)
#define PERF_WAKEUP_EVENTS 8
#define PERF_DRAIN_NS	(25 * 1000000ULL)
#define DRAIN_WAIT_NS	(100 * 1000000L)	/* a reader waits at most this for a drain */
#define EV_BLKSIZE	(1 << 20)	/* st_blksize: cat reads this much at once */
#define PACE_ACTIVE_NS	(50 * 1000000ULL)	/* a pipe reader read this recently */
#define PACE_WAIT_US	200		/* producer pause while one lags */
#define NSEC_PER_SEC	1000000000ULL

/* A sample type shared by the log's readers and the producer. */
struct evfmt {
	atomic_int refs;
	struct fs_evtype *t;
};

/* One map being read. */
struct evmap {
	atomic_int refs;
	struct fs_map *map;		/* identity only (no reference) */
	char *name;
	uint32_t type;
	/* under evs.lock */
	bool dead;			/* removed: finish it */
	bool kicked;			/* serve its pipes */
	bool rings;			/* has a reader: rings to drain */
	uint64_t drain_req, drain_done;	/* drains asked for by readers / done */
	uint64_t drain_to;		/* the producer's: drain_req it is doing */
	atomic_uint drain_waiters;	/* readers in drain_sync() */
	struct evpipe *pipes;
	struct evmap *next;		/* evs.maps */
	struct evmap *kick_next;	/* evs.kicks */
	struct evmap *drain_next;	/* the producer's list of perf maps to drain */
	/* the producer thread's */
	struct eb_event_reader *reader;
	struct eb_strbuf stage;		/* lines not yet in the log */
	uint64_t stage_lines, stage_samples, stage_lost;
	uint64_t wall_base;		/* wall-clock ns at CLOCK_MONOTONIC 0 */
	struct fs_evclock pclock;
	struct evfmt *pfmt;		/* format of this batch */
	/* under log_lock */
	pthread_mutex_t log_lock;
	struct fs_evlog log;
	struct evfmt *fmt;		/* NULL: hex */
	struct eb_user_ringbuf *urb;	/* user ring buffers */
	struct fs_evclock wclock;
	uint64_t samples, lost, write_errors;
	uint64_t pipe_missed;		/* lines events_pipe readers missed */
	struct timespec mtime;		/* last append */
};

/* An open events_pipe (h->priv); everything under evs.lock. */
struct evpipe {
	struct evmap *e;		/* a reference */
	uint64_t pos;			/* next log offset to return */
	uint64_t line;			/* lines before pos */
	struct fs_poll *ph;		/* waiting poll, if any */
	uint64_t read_ns;		/* CLOCK_MONOTONIC of its last read */
	struct evpipe *next;		/* e->pipes */
};

/* An open events file (h->priv): where the reader stands. */
struct evfile {
	struct evmap *e;		/* a reference */
	uint64_t next_off;		/* kernel offset of a sequential read */
	int64_t delta;			/* log offset - kernel offset */
	uint64_t line;			/* lines before next_off */
	bool line_known;
};

/* A parked events_pipe read. */
struct parked {
	struct fs_req *req;
	struct evpipe *p;
	size_t size;
	struct eb_strbuf buf;		/* the answer, once there is one */
	struct parked *next;
};

static struct {
	pthread_mutex_t lock;
	struct evmap *maps;
	struct evmap *kicks;		/* maps to serve or finish */
	struct parked *parked;
	int epfd, efd;
	pthread_t thread;
	bool running, stop;
	unsigned int perf_maps;		/* maps with a perf reader */
	pthread_cond_t drained;		/* a map's drain_done moved */
} evs = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.drained = PTHREAD_COND_INITIALIZER,
	.epfd = -1,
	.efd = -1,
};

/* --- small things -------------------------------------------------------------- */

bool fs_events_map_type(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERF_EVENT_ARRAY || type == BPF_MAP_TYPE_RINGBUF ||
	       type == BPF_MAP_TYPE_USER_RINGBUF;
}

static uint64_t wall_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static struct evfmt *evfmt_get(struct evfmt *f)
{
	if (f)
		atomic_fetch_add(&f->refs, 1);
	return f;
}

static void evfmt_put(struct evfmt *f)
{
	if (f && atomic_fetch_sub(&f->refs, 1) == 1) {
		fs_evtype_free(f->t);
		free(f);
	}
}

static struct evmap *evmap_get(struct evmap *e)
{
	if (e)
		atomic_fetch_add(&e->refs, 1);
	return e;
}

static void evmap_put(struct evmap *e)
{
	if (!e || atomic_fetch_sub(&e->refs, 1) != 1)
		return;
	eb_event_reader_free(e->reader);
	eb_user_ringbuf_free(e->urb);
	evfmt_put(e->fmt);
	evfmt_put(e->pfmt);
	fs_evlog_release(&e->log);
	eb_strbuf_release(&e->stage);
	pthread_mutex_destroy(&e->log_lock);
	free(e->name);
	free(e);
}

/* The evmap of m with a reference, or NULL. */
static struct evmap *evmap_find(const struct fs_map *m)
{
	struct evmap *e;

	pthread_mutex_lock(&evs.lock);
	for (e = evs.maps; e && e->map != m; e = e->next)
		;
	evmap_get(e);
	pthread_mutex_unlock(&evs.lock);
	return e;
}

static struct fs_map *node_map(const struct fs_node *n)
{
	return (struct fs_map *)n->backing;	/* the backing is a map's */
}

/* Wake the producer thread. */
static void wake(void)
{
	uint64_t one = 1;

	if (evs.efd >= 0 && write(evs.efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		eb_warn("fs", "events: waking the reader thread: %s", strerror(errno));
}

/* Ask the producer to serve (or finish) e.  evs.lock held. */
static void kick_locked(struct evmap *e)
{
	if (!e->kicked) {
		e->kicked = true;
		e->kick_next = evs.kicks;
		evs.kicks = evmap_get(e);
	}
	wake();
}

/* Append "TIME evicted=K" (or evicted_bytes=B when k < 0). */
static void add_evicted_line(struct eb_strbuf *out, int64_t k, uint64_t bytes)
{
	struct fs_evclock c = { 0 };

	fs_ev_time(&c, wall_now_ns(), out);
	if (k >= 0)
		eb_strbuf_addf(out, " evicted=%" PRId64 "\n", k);
	else
		eb_strbuf_addf(out, " evicted_bytes=%" PRIu64 "\n", bytes);
}

/* --- the producer -------------------------------------------------------------- */

/* Move the staged lines into the log.  Producer thread. */
static void stage_flush(struct evmap *e)
{
	if (!e->stage.len && !e->stage_samples && !e->stage_lost)
		return;
	pthread_mutex_lock(&e->log_lock);
	if (eb_strbuf_error(&e->stage) ||
	    fs_evlog_append(&e->log, e->stage.buf, e->stage.len, e->stage_lines))
		eb_warn("fs", "maps/%s/events: out of memory, lines dropped", e->name);
	e->samples += e->stage_samples;
	e->lost += e->stage_lost;
	clock_gettime(CLOCK_REALTIME, &e->mtime);
	pthread_mutex_unlock(&e->log_lock);
	eb_strbuf_reset(&e->stage);
	e->stage_lines = e->stage_samples = e->stage_lost = 0;
	if (atomic_load(&e->drain_waiters)) {
		/* a reader waiting for a drain can go on: the log grew */
		pthread_mutex_lock(&evs.lock);
		pthread_cond_broadcast(&evs.drained);
		pthread_mutex_unlock(&evs.lock);
	}
}

static int on_sample(void *ctx, const struct eb_event_sample *s)
{
	struct evmap *e = ctx;

	if (e->pfmt) {
		fs_ev_time(&e->pclock, e->wall_base + s->time_ns, &e->stage);
		fs_ev_cpu(s->cpu, &e->stage);
		fs_evtype_render(e->pfmt->t, s->data, s->size, &e->stage);
		eb_strbuf_addch(&e->stage, '\n');
	} else {
		fs_ev_line_hex(&e->pclock, e->wall_base + s->time_ns, s->cpu, s->data,
			       s->size, &e->stage);
	}
	e->stage_lines++;
	e->stage_samples++;
	if (e->stage.len >= STAGE_FLUSH)
		stage_flush(e);
	return 0;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct evmap *e = ctx;

	fs_ev_time(&e->pclock, wall_now_ns(), &e->stage);
	fs_ev_cpu(cpu, &e->stage);
	eb_strbuf_addf(&e->stage, " lost=%" PRIu64 "\n", lost);
	e->stage_lines++;
	e->stage_lost += lost;
}

/* Read what e's rings hold into its log.  Producer thread. */
static void consume(struct evmap *e)
{
	struct timespec base;
	int ret;

	if (!eb_event_time_to_wall(0, &base))
		e->wall_base = (uint64_t)base.tv_sec * NSEC_PER_SEC + (uint64_t)base.tv_nsec;
	pthread_mutex_lock(&e->log_lock);
	if (e->pfmt != e->fmt) {
		evfmt_put(e->pfmt);
		e->pfmt = evfmt_get(e->fmt);
	}
	pthread_mutex_unlock(&e->log_lock);
	ret = eb_event_reader_consume(e->reader);
	if (ret < 0 && ret != -EINTR)
		eb_warn("fs", "maps/%s/events: reading: %s", e->name, eb_strerror(ret));
	stage_flush(e);
}

/*
 * Fill p's answer from the log: an evicted line if it fell behind, then
 * up to size bytes.  Returns the bytes in out.  evs.lock held.
 */
static size_t pipe_fill(struct evpipe *p, size_t size, struct eb_strbuf *out)
{
	struct evmap *e = p->e;
	uint64_t nl = 0;
	size_t n;

	p->read_ns = eb_event_now_ns();
	pthread_mutex_lock(&e->log_lock);
	if (p->pos < e->log.start) {
		add_evicted_line(out, (int64_t)(e->log.lines_start - p->line), 0);
		e->pipe_missed += e->log.lines_start - p->line;
		p->pos = e->log.start;
		p->line = e->log.lines_start;
	}
	if (out->len < size) {
		n = fs_evlog_copy(&e->log, p->pos, size - out->len, out, &nl);
		p->pos += n;
		p->line += nl;
	}
	pthread_mutex_unlock(&e->log_lock);
	return out->len;
}

/* Whether a read of p would return now (data, or EOF).  evs.lock held. */
static bool pipe_ready(const struct evpipe *p)
{
	bool ready;

	if (p->e->dead)
		return true;
	pthread_mutex_lock(&p->e->log_lock);
	ready = p->pos < p->e->log.end;
	pthread_mutex_unlock(&p->e->log_lock);
	return ready;
}

/*
 * Answer e's parked reads that can be answered and notify its pollers.
 * The answers go out after evs.lock is dropped.  Not from a request
 * handler (poll notifications).
 */
static void serve(struct evmap *e)
{
	struct parked *done = NULL, **pp, *r;
	struct fs_poll **notes = NULL;
	size_t nnotes = 0, cap = 0, i;
	struct evpipe *p;

	pthread_mutex_lock(&evs.lock);
	for (p = e->pipes; p; p = p->next) {
		if (!p->ph || !pipe_ready(p))
			continue;
		if (nnotes == cap) {
			struct fs_poll **a = eb_reallocarray(notes, cap ? cap * 2 : 8,
							     sizeof(*a));

			if (!a) {	/* notify under the lock rather than never */
				fs_poll_notify(p->ph);
				p->ph = NULL;
				continue;
			}
			notes = a;
			cap = cap ? cap * 2 : 8;
		}
		notes[nnotes++] = p->ph;
		p->ph = NULL;
	}
	for (pp = &evs.parked; (r = *pp);) {
		if (r->p->e != e || (!pipe_fill(r->p, r->size, &r->buf) && !e->dead)) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		r->next = done;
		done = r;
	}
	pthread_mutex_unlock(&evs.lock);
	while ((r = done)) {
		done = r->next;
		if (eb_strbuf_error(&r->buf))
			fs_req_reply_err(r->req, -ENOMEM);
		else
			fs_req_reply_buf(r->req, r->buf.buf, EB_MIN(r->buf.len, r->size));
		eb_strbuf_release(&r->buf);
		free(r);
	}
	for (i = 0; i < nnotes; i++)
		fs_poll_notify(notes[i]);
	free(notes);
}

/* A removed map: stop reading, answer its readers.  Producer thread (or
 * the thread that stops everything). */
static void finish(struct evmap *e)
{
	if (e->reader) {
		if (evs.epfd >= 0)
			epoll_ctl(evs.epfd, EPOLL_CTL_DEL, eb_event_reader_fd(e->reader), NULL);
		/* what the rings still hold goes to the log first */
		consume(e);
		if (eb_event_reader_is_perf(e->reader)) {
			pthread_mutex_lock(&evs.lock);
			evs.perf_maps--;
			pthread_mutex_unlock(&evs.lock);
		}
		eb_event_reader_free(e->reader);
		e->reader = NULL;
	}
	pthread_mutex_lock(&e->log_lock);
	eb_user_ringbuf_free(e->urb);
	e->urb = NULL;
	pthread_mutex_unlock(&e->log_lock);
	serve(e);
}

/* Serve or finish the kicked maps.  Returns false once asked to stop. */
static bool run_kicks(void)
{
	struct evmap *list, *e;
	bool stop;

	pthread_mutex_lock(&evs.lock);
	list = evs.kicks;
	evs.kicks = NULL;
	for (e = list; e; e = e->kick_next) {
		e->kicked = false;
		e->drain_to = e->drain_req != e->drain_done ? e->drain_req : 0;
	}
	stop = evs.stop;
	pthread_mutex_unlock(&evs.lock);
	while ((e = list)) {
		list = e->kick_next;
		if (e->dead) {
			finish(e);
		} else {
			if (e->drain_to && e->reader)
				consume(e);
			serve(e);
		}
		if (e->drain_to) {
			pthread_mutex_lock(&evs.lock);
			if (e->drain_done < e->drain_to)
				e->drain_done = e->drain_to;
			pthread_cond_broadcast(&evs.drained);
			pthread_mutex_unlock(&evs.lock);
			e->drain_to = 0;
		}
		evmap_put(e);
	}
	return !stop;
}

/*
 * Pacing: while an events_pipe reader that is reading (it read in the last
 * PACE_ACTIVE_NS) lags more than half its map's log, the producer waits a
 * little before it takes more samples, so the reader gets the CPU instead
 * of having its lines evicted; the kernel ring buffers absorb the pause
 * (and drop, counted, when full).  A reader that stopped reading never
 * holds the producer back.
 */
static bool pipes_lag(void)
{
	uint64_t now = eb_event_now_ns();
	struct evmap *e;
	struct evpipe *p;
	bool lag = false;

	pthread_mutex_lock(&evs.lock);
	for (e = evs.maps; e && !lag; e = e->next) {
		if (!e->pipes)
			continue;
		pthread_mutex_lock(&e->log_lock);
		for (p = e->pipes; p && !lag; p = p->next)
			lag = now - p->read_ns < PACE_ACTIVE_NS &&
			      e->log.end - p->pos > e->log.max / 2;
		pthread_mutex_unlock(&e->log_lock);
	}
	pthread_mutex_unlock(&evs.lock);
	return lag;
}

/* Read every perf map's rings (what waits below the wakeup mark) into
 * the logs.  Producer thread. */
static void drain_perf(void)
{
	struct evmap *list = NULL, *e;

	pthread_mutex_lock(&evs.lock);
	for (e = evs.maps; e; e = e->next) {
		if (e->reader && eb_event_reader_is_perf(e->reader)) {
			e->drain_next = list;
			list = evmap_get(e);
		}
	}
	pthread_mutex_unlock(&evs.lock);
	while ((e = list)) {
		list = e->drain_next;
		if (e->reader) {
			consume(e);
			serve(e);
		}
		evmap_put(e);
	}
}

/* Milliseconds until next_drain (-1: no perf map, wait for ever). */
static int drain_timeout(uint64_t next_drain)
{
	uint64_t now = eb_event_now_ns();
	bool perf;

	pthread_mutex_lock(&evs.lock);
	perf = evs.perf_maps > 0;
	pthread_mutex_unlock(&evs.lock);
	if (!perf)
		return -1;
	if (now >= next_drain)
		return 0;
	return (int)((next_drain - now + 999999) / 1000000);
}

static void *producer_main(void *arg)
{
	struct epoll_event ev[32];
	uint64_t v, next_drain = eb_event_now_ns() + PERF_DRAIN_NS, now;
	int n, i, timeout;

	for (;;) {
		timeout = drain_timeout(next_drain);
		n = epoll_wait(evs.epfd, ev, (int)EB_ARRAY_SIZE(ev), timeout);
		if (n < 0 && errno != EINTR) {
			eb_warn("fs", "events: epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			struct evmap *e = ev[i].data.ptr;

			if (!e) {
				if (read(evs.efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
					eb_warn("fs", "events: eventfd: %s", strerror(errno));
				continue;
			}
			/* e stays valid: only this thread drops the epoll's
			 * reference (finish() in run_kicks) */
			consume(e);
			serve(e);
		}
		if (!run_kicks())
			break;
		now = eb_event_now_ns();
		if (timeout >= 0 && now >= next_drain) {
			drain_perf();
			next_drain = now + PERF_DRAIN_NS;
		}
		if (n > 0 && pipes_lag())
			usleep(PACE_WAIT_US);
	}
	return arg;
}

/* Start the producer thread (once).  evs.lock held.  0 or -errno. */
static int start_locked(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	sigset_t all, old;
	int ret;

	if (evs.running)
		return 0;
	if (evs.epfd < 0)
		evs.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (evs.efd < 0)
		evs.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (evs.epfd < 0 || evs.efd < 0)
		return -errno;
	if (epoll_ctl(evs.epfd, EPOLL_CTL_ADD, evs.efd, &ev) && errno != EEXIST)
		return -errno;
	/* signals go to the FUSE threads, never to the producer */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = -pthread_create(&evs.thread, NULL, producer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return ret;
	evs.running = true;
	return 0;
}

/* --- the registry's hooks --------------------------------------------------------- */

/*
 * Open the perf rings of map fd for a log bounded to log_max: rings of
 * half the bound over the possible CPUs (see PERF_RING_MIN), halved again
 * while the kernel refuses them for want of locked memory.  0 or -errno.
 */
static int open_perf(int fd, size_t log_max, struct eb_event_reader_opts *o,
		     struct eb_event_reader **out)
{
	long page = sysconf(_SC_PAGESIZE);
	int ncpu = eb_possible_cpus();
	size_t ring = PERF_RING_MIN;
	int ret;

	if (page <= 0)
		page = 4096;
	while (ncpu > 0 && ring < PERF_RING_MAX && 2 * ring * (size_t)ncpu <= log_max / 2)
		ring *= 2;
	for (;;) {
		o->pages_per_cpu = (uint32_t)EB_MAX(ring / (size_t)page, (size_t)1);
		o->wakeup_events = PERF_WAKEUP_EVENTS;
		ret = eb_event_reader_new(fd, o, out);
		if ((ret != -EPERM && ret != -ENOMEM) || ring <= 8 * (size_t)page)
			return ret;
		ring /= 2;
	}
}

int fs_events_map_added(struct fs_map *m)
{
	struct eb_event_reader_opts o = {
		.sample_cb = on_sample, .lost_cb = on_lost,
	};
	struct eb_map_info mi;
	struct evmap *e;
	size_t max = fs_st.cfg && fs_st.cfg->events_log ? fs_st.cfg->events_log :
		     FS_EVLOG_DEFAULT;
	int fd = fs_map_fd(m), ret;

	ret = eb_map_info_by_fd(fd, &mi);
	if (ret || !fs_events_map_type(mi.type))
		return ret;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	atomic_init(&e->refs, 1);
	e->map = m;
	e->type = mi.type;
	e->name = strdup(fs_map_name(m));
	pthread_mutex_init(&e->log_lock, NULL);
	fs_evlog_init(&e->log, max);
	eb_strbuf_init(&e->stage);
	clock_gettime(CLOCK_REALTIME, &e->mtime);
	if (!e->name) {
		evmap_put(e);
		return -ENOMEM;
	}
	pthread_mutex_lock(&evs.lock);
	ret = start_locked();
	pthread_mutex_unlock(&evs.lock);
	if (ret) {
		eb_warn("fs", "events: cannot start the reader thread: %s", eb_strerror(ret));
		evmap_put(e);
		return ret;
	}
	o.ctx = e;
	if (mi.type == BPF_MAP_TYPE_USER_RINGBUF)
		ret = eb_user_ringbuf_new(fd, &e->urb);
	else if (mi.type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		ret = open_perf(fd, max, &o, &e->reader);
	else
		ret = eb_event_reader_new(fd, &o, &e->reader);
	if (ret)
		eb_warn("fs", "maps/%s: cannot open its events: %s (the log stays empty)",
			e->name, eb_strerror(ret));
	pthread_mutex_lock(&evs.lock);
	e->next = evs.maps;
	evs.maps = e;
	if (e->reader && eb_event_reader_is_perf(e->reader)) {
		/* the producer may be waiting without a timeout */
		if (!evs.perf_maps++)
			wake();
	}
	if (e->reader) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = e };

		e->rings = true;
		if (epoll_ctl(evs.epfd, EPOLL_CTL_ADD, eb_event_reader_fd(e->reader), &ev)) {
			ret = -errno;
			eb_warn("fs", "maps/%s/events: epoll: %s", e->name, strerror(errno));
		}
	}
	pthread_mutex_unlock(&evs.lock);
	return ret;
}

void fs_events_map_removed(struct fs_map *m)
{
	struct evmap **pe, *e;

	pthread_mutex_lock(&evs.lock);
	for (pe = &evs.maps; (e = *pe) && e->map != m; pe = &e->next)
		;
	if (e) {
		*pe = e->next;
		e->dead = true;
		kick_locked(e);
		evmap_put(e);	/* the list's; the kick holds one */
	}
	pthread_mutex_unlock(&evs.lock);
}

void fs_events_shutdown(void)
{
	struct evmap *e;
	bool running;

	pthread_mutex_lock(&evs.lock);
	while ((e = evs.maps)) {
		evs.maps = e->next;
		e->dead = true;
		kick_locked(e);
		evmap_put(e);
	}
	evs.stop = true;
	wake();
	running = evs.running;
	evs.running = false;
	pthread_mutex_unlock(&evs.lock);
	if (running)
		pthread_join(evs.thread, NULL);
	else
		run_kicks();
	eb_zclose(&evs.epfd);
	eb_zclose(&evs.efd);
}

static uint64_t log_end(struct evmap *e)
{
	uint64_t end;

	pthread_mutex_lock(&e->log_lock);
	end = e->log.end;
	pthread_mutex_unlock(&e->log_lock);
	return end;
}

/*
 * Bring what waits in e's rings into the log before a read is answered
 * (perf samples below the wakeup mark, ring buffer samples the producer
 * has not been woken for yet): the producer drains them and says so (at
 * most DRAIN_WAIT_NS).  So `cat events` or .info right after a program
 * ran shows its samples.  Not from the producer thread.
 *
 * grown: stop waiting as soon as the log holds more than this many bytes
 * (a reader that found nothing needs no more; under overload the
 * producer's drain may take long), or 0 to wait for the drain itself.
 */
static void drain_sync(struct evmap *e, uint64_t grown)
{
	struct timespec dl;
	uint64_t mine;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += DRAIN_WAIT_NS;
	if (dl.tv_nsec >= (long)NSEC_PER_SEC) {
		dl.tv_sec++;
		dl.tv_nsec -= (long)NSEC_PER_SEC;
	}
	pthread_mutex_lock(&evs.lock);
	if (e->rings && !e->dead && evs.running && !evs.stop &&
	    !pthread_equal(pthread_self(), evs.thread)) {
		mine = ++e->drain_req;
		kick_locked(e);
		atomic_fetch_add(&e->drain_waiters, 1);
		while (e->drain_done < mine && !e->dead && !evs.stop &&
		       (!grown || log_end(e) <= grown)) {
			if (pthread_cond_timedwait(&evs.drained, &evs.lock, &dl))
				break;
		}
		atomic_fetch_sub(&e->drain_waiters, 1);
	}
	pthread_mutex_unlock(&evs.lock);
}

void fs_events_info(struct fs_map *m, struct eb_strbuf *out)
{
	struct evmap *e = evmap_find(m);
	unsigned int readers = 0;
	struct evpipe *p;

	if (!e)
		return;
	drain_sync(e, 0);
	pthread_mutex_lock(&evs.lock);
	for (p = e->pipes; p; p = p->next)
		readers++;
	pthread_mutex_unlock(&evs.lock);
	pthread_mutex_lock(&e->log_lock);
	eb_strbuf_addf(out, "events_samples: %" PRIu64 "\n", e->samples);
	eb_strbuf_addf(out, "events_lost: %" PRIu64 "\n", e->lost);
	eb_strbuf_addf(out, "events_evicted: %" PRIu64 "\n", e->log.lines_start);
	eb_strbuf_addf(out, "events_lines: %" PRIu64 "\n", e->log.lines_end);
	eb_strbuf_addf(out, "events_bytes: %" PRIu64 "\n", e->log.end);
	eb_strbuf_addf(out, "events_retained: %" PRIu64 "\n", e->log.end - e->log.start);
	eb_strbuf_addf(out, "events_log_max: %zu\n", e->log.max);
	eb_strbuf_addf(out, "events_pipe_missed: %" PRIu64 "\n", e->pipe_missed);
	if (e->type == BPF_MAP_TYPE_USER_RINGBUF)
		eb_strbuf_addf(out, "events_write_errors: %" PRIu64 "\n", e->write_errors);
	eb_strbuf_addf(out, "events_format: %s\n", e->fmt ? e->fmt->t->name : "hex");
	pthread_mutex_unlock(&e->log_lock);
	eb_strbuf_addf(out, "events_pipe_readers: %u\n", readers);
	evmap_put(e);
}

/* --- events -------------------------------------------------------------------------- */

static int events_getattr(struct fs_node *n, struct stat *st)
{
	struct evmap *e = evmap_find(node_map(n));

	if (!e)
		return 0;
	st->st_blksize = EV_BLKSIZE;
	pthread_mutex_lock(&e->log_lock);
	st->st_size = (off_t)e->log.end;
	st->st_mtim = e->mtime;
	st->st_ctim = e->mtime;
	pthread_mutex_unlock(&e->log_lock);
	evmap_put(e);
	return 0;
}

static void evfile_free(void *priv)
{
	struct evfile *f = priv;

	evmap_put(f->e);
	free(f);
}

static int events_open(struct fs_handle *h)
{
	struct evfile *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	f->e = evmap_find(node_map(h->node));
	if (!f->e) {
		free(f);
		return -ENOENT;
	}
	f->line_known = true;
	h->priv = f;
	h->priv_free = evfile_free;
	return 0;
}

/*
 * Reads are at kernel offsets; while a handle reads on sequentially, its
 * kernel offset maps to a log offset (off + delta), which differ once an
 * evicted line was inserted.  A read elsewhere starts over at off.
 */
static int events_read(struct fs_handle *h, size_t size, off_t off, struct eb_strbuf *out)
{
	struct evfile *f = h->priv;
	struct evmap *e = f->e;
	uint64_t lo, nl = 0;
	bool seek = false;
	size_t n;

	if (off < 0)
		return -EINVAL;
	if ((uint64_t)off != f->next_off) {
		f->delta = 0;
		f->line = 0;
		f->line_known = off == 0;
		seek = off != 0;
	}
	lo = (uint64_t)((int64_t)off + f->delta);
	pthread_mutex_lock(&e->log_lock);
	if (e->rings && lo >= e->log.end) {
		/* nothing left to read: take in what waits in the rings
		 * (a reader that keeps up waits for the drain, not more) */
		pthread_mutex_unlock(&e->log_lock);
		drain_sync(e, lo);
		pthread_mutex_lock(&e->log_lock);
	}
	if (seek && lo >= e->log.start && lo <= e->log.end) {
		/* a read from inside the log (tail -f starts near its end):
		 * count the lines before it, so a later fall behind can say
		 * how many lines it missed */
		f->line = fs_evlog_line_at(&e->log, lo);
		f->line_known = true;
	}
	if (lo < e->log.start && lo < e->log.end) {
		int64_t k = f->line_known && f->line <= e->log.lines_start ?
			    (int64_t)(e->log.lines_start - f->line) : -1;

		add_evicted_line(out, k, e->log.start - lo);
		lo = e->log.start;
		f->line = e->log.lines_start;
		f->line_known = true;
	}
	n = out->len < size ? fs_evlog_copy(&e->log, lo, size - out->len, out, &nl) : 0;
	pthread_mutex_unlock(&e->log_lock);
	f->line += nl;
	f->next_off = (uint64_t)off + out->len;
	f->delta = (int64_t)(lo + n) - (int64_t)f->next_off;
	return eb_strbuf_error(out);
}

/* User ring buffers: one write, one sample. */
static int events_write(struct fs_handle *h, const char *buf, size_t size, off_t off)
{
	struct evfile *f = h->priv;
	struct evmap *e = f->e;
	struct eb_strbuf line = EB_STRBUF_INIT;
	int ret;

	if (size > UINT32_MAX)
		return -E2BIG;
	pthread_mutex_lock(&e->log_lock);
	if (!e->urb) {
		ret = -ENODEV;
	} else {
		ret = eb_user_ringbuf_write(e->urb, buf, (uint32_t)size);
		if (ret)
			e->write_errors++;
	}
	if (!ret) {
		fs_ev_time(&e->wclock, wall_now_ns(), &line);
		fs_ev_cpu(-1, &line);
		if (e->fmt)
			fs_evtype_render(e->fmt->t, buf, size, &line);
		else
			fs_ev_hex(buf, size, &line);
		eb_strbuf_addch(&line, '\n');
		if (!eb_strbuf_error(&line))
			(void)fs_evlog_append(&e->log, line.buf, line.len, 1);
		e->samples++;
		clock_gettime(CLOCK_REALTIME, &e->mtime);
	}
	pthread_mutex_unlock(&e->log_lock);
	eb_strbuf_release(&line);
	if (ret)
		return ret;
	pthread_mutex_lock(&evs.lock);
	kick_locked(e);		/* the producer serves its pipes */
	pthread_mutex_unlock(&evs.lock);
	return (int)EB_MIN(size, (size_t)INT32_MAX);
}

static const struct fs_node_ops events_ops = {
	.kind = "events",
	.mode = S_IFREG | 0444,
	.live = true,
	.getattr = events_getattr,
	.open = events_open,
	.read = events_read,
};

static const struct fs_node_ops uevents_ops = {
	.kind = "events",
	.mode = S_IFREG | 0644,
	.live = true,
	.writable = true,
	.getattr = events_getattr,
	.open = events_open,
	.read = events_read,
	.write = events_write,
};

/* --- events_pipe ------------------------------------------------------------------- */

static void evpipe_free(void *priv)
{
	struct evpipe *p = priv, **pp;
	struct parked *r, **rp, *orphans = NULL;

	pthread_mutex_lock(&evs.lock);
	for (pp = &p->e->pipes; *pp && *pp != p; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = p->next;
	/* (the kernel releases a file only when no read is pending on it) */
	for (rp = &evs.parked; (r = *rp);) {
		if (r->p != p) {
			rp = &r->next;
			continue;
		}
		*rp = r->next;
		r->next = orphans;
		orphans = r;
	}
	fs_poll_free(p->ph);
	pthread_mutex_unlock(&evs.lock);
	while ((r = orphans)) {
		orphans = r->next;
		fs_req_reply_buf(r->req, NULL, 0);
		eb_strbuf_release(&r->buf);
		free(r);
	}
	evmap_put(p->e);
	free(p);
}

static int pipe_open(struct fs_handle *h)
{
	struct evpipe *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->e = evmap_find(node_map(h->node));
	if (!p->e) {
		free(p);
		return -ENOENT;
	}
	pthread_mutex_lock(&evs.lock);
	pthread_mutex_lock(&p->e->log_lock);
	p->pos = p->e->log.end;
	p->line = p->e->log.lines_end;
	p->read_ns = eb_event_now_ns();
	pthread_mutex_unlock(&p->e->log_lock);
	p->next = p->e->pipes;
	p->e->pipes = p;
	pthread_mutex_unlock(&evs.lock);
	h->priv = p;
	h->priv_free = evpipe_free;
	return 0;
}

static void pipe_interrupted(struct fs_req *req)
{
	struct parked **rp, *r;

	pthread_mutex_lock(&evs.lock);
	for (rp = &evs.parked; (r = *rp) && r->req != req; rp = &r->next)
		;
	if (r)
		*rp = r->next;
	pthread_mutex_unlock(&evs.lock);
	if (!r)
		return;		/* answered already, or not parked yet */
	fs_req_reply_err(req, -EINTR);
	eb_strbuf_release(&r->buf);
	free(r);
}

static const struct fs_req_interrupt pipe_interrupt = { pipe_interrupted };

static int pipe_read_wait(struct fs_handle *h, struct fs_req *req, size_t size,
			  off_t off, struct eb_strbuf *out)
{
	struct evpipe *p = h->priv;
	struct parked *r;

	pthread_mutex_lock(&evs.lock);
	if (pipe_fill(p, size, out) || p->e->dead) {
		pthread_mutex_unlock(&evs.lock);
		return eb_strbuf_error(out);
	}
	pthread_mutex_unlock(&evs.lock);
	if (h->flags & O_NONBLOCK)
		return -EAGAIN;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->req = req;
	r->p = p;
	r->size = size;
	eb_strbuf_init(&r->buf);
	/* before anyone else can answer it (an interrupt now finds nothing
	 * parked; the check below catches it) */
	if (fs_req_on_interrupt(req, &pipe_interrupt)) {
		free(r);
		return -EINTR;
	}
	pthread_mutex_lock(&evs.lock);
	if (pipe_fill(p, size, out) || p->e->dead) {
		pthread_mutex_unlock(&evs.lock);
		free(r);
		return eb_strbuf_error(out);
	}
	if (fs_req_interrupted(req)) {
		pthread_mutex_unlock(&evs.lock);
		free(r);
		return -EINTR;
	}
	r->next = evs.parked;
	evs.parked = r;
	pthread_mutex_unlock(&evs.lock);
	return FS_PARKED;
}

static unsigned int pipe_poll(struct fs_handle *h, struct fs_poll *ph)
{
	struct evpipe *p = h->priv;
	unsigned int ev = 0;

	pthread_mutex_lock(&evs.lock);
	if (pipe_ready(p)) {
		ev = POLLIN | POLLRDNORM | (p->e->dead ? POLLHUP : 0);
		fs_poll_free(ph);
	} else if (ph) {
		fs_poll_free(p->ph);
		p->ph = ph;
	}
	pthread_mutex_unlock(&evs.lock);
	return ev;
}

static int pipe_getattr(struct fs_node *n, struct stat *st)
{
	st->st_blksize = EV_BLKSIZE;
	clock_gettime(CLOCK_REALTIME, &st->st_mtim);
	return 0;
}

static const struct fs_node_ops pipe_ops = {
	.kind = "events_pipe",
	.mode = S_IFREG | 0444,
	.live = true,
	.getattr = pipe_getattr,
	.open = pipe_open,
	.read_wait = pipe_read_wait,
	.poll = pipe_poll,
};

/* --- .format ----------------------------------------------------------------------- */

static int format_render(struct fs_handle *h, struct eb_strbuf *out)
{
	struct evmap *e = evmap_find(node_map(h->node));

	if (!e)
		return -ENOENT;
	pthread_mutex_lock(&e->log_lock);
	eb_strbuf_adds(out, e->fmt ? e->fmt->t->name : "hex");
	eb_strbuf_addch(out, '\n');
	pthread_mutex_unlock(&e->log_lock);
	evmap_put(e);
	return 0;
}

static bool format_is_hex(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!strncmp(s, "hex", 3))
		s += 3;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	return !*s;
}

/*
 * Resolve the written name in the BTF of an object that owns the map.
 * *out is NULL for "hex".  Takes the state read lock.  0 or -errno.
 */
static int format_resolve(struct fs_handle *h, struct fs_evtype **out)
{
	struct fs_map *m = node_map(h->node);
	const char *text = h->wbuf.buf;
	unsigned int i;
	int ret = -ENOENT;
	bool btf = false;

	*out = NULL;
	if (memchr(text, '\0', h->wbuf.len))
		return -EINVAL;
	if (format_is_hex(text))
		return 0;
	fs_rdlock();
	if (fs_node_stale(h->node)) {
		fs_unlock();
		return -ENOENT;
	}
	for (i = 0; i < fs_map_owner_cnt(m) && ret == -ENOENT; i++) {
		struct fs_obj *obj = fs_obj_find(fs_map_owner(m, i));
		struct eb_btf *b = obj && obj->eo ? eb_object_btf(obj->eo) : NULL;

		if (!b)
			continue;
		btf = true;
		ret = fs_evtype_new(b, text, out);
	}
	if (ret)
		eb_warn("fs", "maps/%s/.format: %s", fs_map_name(m),
			!btf ? "the map's object has no BTF" :
			ret == -ENOENT ? "no such type in the object's BTF" :
			"not a type name with a size");
	fs_unlock();
	return ret;
}

static int format_check(struct fs_handle *h)
{
	struct fs_evtype *t;
	int ret;

	if (!h->wbuf.len || h->wbuf.buf[h->wbuf.len - 1] != '\n')
		return 0;
	ret = format_resolve(h, &t);
	fs_evtype_free(t);
	return ret;
}

static int format_commit(struct fs_handle *h)
{
	struct evmap *e = evmap_find(node_map(h->node));
	struct evfmt *f = NULL, *old;
	struct fs_evtype *t;
	int ret;

	if (!e)
		return -ENOENT;
	ret = format_resolve(h, &t);
	if (!ret && t) {
		f = calloc(1, sizeof(*f));
		if (!f) {
			fs_evtype_free(t);
			ret = -ENOMEM;
		} else {
			atomic_init(&f->refs, 1);
			f->t = t;
		}
	}
	if (!ret) {
		pthread_mutex_lock(&e->log_lock);
		old = e->fmt;
		e->fmt = f;
		pthread_mutex_unlock(&e->log_lock);
		evfmt_put(old);
	}
	evmap_put(e);
	return ret;
}

static int format_truncate(struct fs_node *n, off_t size)
{
	return 0;
}

static const struct fs_node_ops format_ops = {
	.kind = "events_format",
	.mode = S_IFREG | 0644,
	.live = true,
	.writable = true,
	.render = format_render,
	.read = fs_text_read,
	.check = format_check,
	.commit = format_commit,
	.truncate = format_truncate,
};

/* --- the directory entries ------------------------------------------------------------ */

static const char *const entry_names[] = { "events", "events_pipe", ".format" };

const struct fs_node_ops *fs_events_entry(uint32_t type, const char *name)
{
	if (!fs_events_map_type(type))
		return NULL;
	if (!strcmp(name, "events"))
		return type == BPF_MAP_TYPE_USER_RINGBUF ? &uevents_ops : &events_ops;
	if (!strcmp(name, "events_pipe"))
		return &pipe_ops;
	if (!strcmp(name, ".format"))
		return &format_ops;
	return NULL;
}

const char *fs_events_entry_name(uint32_t type, unsigned int i)
{
	if (!fs_events_map_type(type) || i >= EB_ARRAY_SIZE(entry_names))
		return NULL;
	return entry_names[i];
}
