/* SPDX-License-Identifier: MIT */
/*
 * test_events.c - the perf event array reader, the ring buffer reader and
 * the user ring buffer writer against the kernel, with the programs of
 * tests/bpf/ev_emit.c and ev_user.c (see their headers for the payloads).
 * Samples come from getppid() calls of this process through a tracepoint
 * attached here (perf_event_open + PERF_EVENT_IOC_SET_BPF), or from test
 * runs of a raw_tp program pinned to one CPU.  Skips visibly without
 * CAP_BPF.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "events.h"
#include "log.h"
#include "object.h"
#include "perfbuf.h"
#include "ringbuf.h"
#include "syscall.h"
#include "util.h"

/* tests/bpf/ev_emit.c */
#define EV_PERF		1
#define EV_RING		2
#define EV_RING_RESERVE	4
#define EV_SEQ		0
#define EV_PERF_OK	1
#define EV_PERF_ERR	2
#define EV_RING_OK	3
#define EV_RING_ERR	4

struct ev_cfg {
	uint32_t pid, size, burst, mode;
};

struct ev_hdr {
	uint64_t seq;
	uint32_t cpu;
	uint32_t size;
	uint64_t ktime;
};

/* tests/bpf/ev_user.c */
struct ev_usample {
	uint32_t seq;
	uint32_t len;
	uint64_t val;
};

#define MAX_SAMPLES 1024
#define NSEC 1000000000ULL

struct got {
	int cpu;
	uint64_t time_ns;
	uint32_t size;
	uint8_t data[256] __attribute__((aligned(8)));
};

struct fixture {
	struct eb_object *obj;
	int tp_fd;			/* tracepoint perf event, -1 */
	struct eb_perfbuf *pb;
	struct eb_ringbuf *rb;
	struct eb_event_reader *er;
	struct eb_user_ringbuf *urb;
	/* what the callbacks saw */
	struct got *got;
	int n;
	int stop_after;			/* callback returns -ECANCELED at this n */
	uint64_t lost;
	int lost_calls;
	int lost_cpu;
	cpu_set_t orig_mask;
};

static bool have_bpf;
static char last_warn[2048];

#define REQUIRE_BPF()							\
	do {								\
		if (!have_bpf) {					\
			printf("SKIP %s: no CAP_BPF / bpf(2) not permitted\n", __func__); \
			skip();						\
		}							\
	} while (0)

static void capture(enum eb_log_level level, const char *msg)
{
	if (level == EB_LOG_WARN)
		snprintf(last_warn, sizeof(last_warn), "%s", msg);
}

/* --- helpers ------------------------------------------------------------- */

static int on_sample(void *ctx, const struct eb_event_sample *s)
{
	struct fixture *f = ctx;
	struct got *g;

	if (f->n >= MAX_SAMPLES)
		return -E2BIG;
	g = &f->got[f->n++];
	g->cpu = s->cpu;
	g->time_ns = s->time_ns;
	g->size = s->size;
	memcpy(g->data, s->data, EB_MIN(s->size, sizeof(g->data)));
	if (f->stop_after && f->n == f->stop_after)
		return -ECANCELED;
	return 0;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct fixture *f = ctx;

	f->lost += lost;
	f->lost_calls++;
	f->lost_cpu = cpu;
}

static const struct ev_hdr *hdr_of(const struct got *g)
{
	return (const struct ev_hdr *)g->data;
}

static int map_fd(struct fixture *f, const char *name)
{
	const struct eb_obj_map *m = eb_object_find_map(f->obj, name);

	assert_non_null(m);
	assert_true(m->fd >= 0);
	return m->fd;
}

static int prog_fd(struct fixture *f, const char *name)
{
	struct eb_prog *p = eb_object_find_prog(f->obj, name);

	assert_non_null(p);
	assert_true(p->fd >= 0);
	return p->fd;
}

static void load(struct fixture *f, const char *name)
{
	char path[4096];
	int err;

	snprintf(path, sizeof(path), "%s/%s.bpf.o", getenv("EB_BPF_DIR"), name);
	err = eb_object_open_file(path, NULL, &f->obj);
	if (err)
		fail_msg("open %s: %d: %s", path, err, last_warn);
	err = eb_object_load(f->obj, NULL);
	if (err)
		fail_msg("load %s: %d: %s", path, err, last_warn);
}

static void set_cfg(struct fixture *f, uint32_t size, uint32_t burst, uint32_t mode)
{
	struct ev_cfg cfg = { .pid = getpid(), .size = size, .burst = burst,
			      .mode = mode };
	uint32_t zero = 0;

	assert_int_equal(eb_sys_map_update_elem(map_fd(f, "ev_cfg"), &zero, &cfg, 0), 0);
}

static uint64_t counter(struct fixture *f, uint32_t idx)
{
	uint64_t v = 0;

	assert_int_equal(eb_sys_map_lookup_elem(map_fd(f, "ev_cnt"), &idx, &v, 0), 0);
	return v;
}

static uint64_t usum(struct fixture *f, uint32_t idx)
{
	uint64_t v = 0;

	assert_int_equal(eb_sys_map_lookup_elem(map_fd(f, "ev_usum"), &idx, &v, 0), 0);
	return v;
}

/* Run a raw_tp program once on `cpu`. */
static void run_on(int fd, int cpu)
{
	uint64_t args[1] = { 0 };
	struct eb_test_run_opts o = {
		.ctx_in = args, .ctx_size_in = sizeof(args),
		.flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu,
	};

	assert_int_equal(eb_sys_prog_test_run(fd, &o), 0);
	assert_int_equal(o.retval, 0);
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
	assert_int_equal(sched_getcpu(), cpu);
}

/* Attach prog to syscalls/sys_enter_getppid through a perf event. */
static void attach_getppid(struct fixture *f, int prog)
{
	static const char *const dirs[] = { "/sys/kernel/tracing",
					     "/sys/kernel/debug/tracing" };
	struct perf_event_attr attr;
	char path[256];
	FILE *fp = NULL;
	unsigned int i, id;

	for (i = 0; i < EB_ARRAY_SIZE(dirs) && !fp; i++) {
		snprintf(path, sizeof(path),
			 "%s/events/syscalls/sys_enter_getppid/id", dirs[i]);
		fp = fopen(path, "r");
	}
	if (!fp) {
		printf("SKIP: no tracefs with syscalls/sys_enter_getppid\n");
		skip();
	}
	assert_int_equal(fscanf(fp, "%u", &id), 1);
	fclose(fp);
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	f->tp_fd = syscall(__NR_perf_event_open, &attr, -1, 0, -1,
			   PERF_FLAG_FD_CLOEXEC);
	assert_true(f->tp_fd >= 0);
	assert_int_equal(ioctl(f->tp_fd, PERF_EVENT_IOC_SET_BPF, prog), 0);
	assert_int_equal(ioctl(f->tp_fd, PERF_EVENT_IOC_ENABLE, 0), 0);
}

/* The CPUs this process may run on, in order (at most 64). */
static int usable_cpus(struct fixture *f, int *cpus)
{
	int i, n = 0;

	for (i = 0; i < CPU_SETSIZE && n < 64; i++)
		if (CPU_ISSET(i, &f->orig_mask))
			cpus[n++] = i;
	return n;
}

static void check_pattern(const struct got *g, uint32_t len)
{
	const struct ev_hdr *h = hdr_of(g);
	uint32_t i;

	for (i = sizeof(*h); i < len; i++)
		if (g->data[i] != (uint8_t)(h->seq + i))
			fail_msg("seq %llu byte %u: %#x, expected %#x",
				 (unsigned long long)h->seq, i, g->data[i],
				 (uint8_t)(h->seq + i));
}

static void check_time(const struct got *g)
{
	const struct ev_hdr *h = hdr_of(g);
	struct timespec wall, now;
	int64_t d;

	/* the sample is stamped after the program read its clock */
	assert_true(g->time_ns >= h->ktime);
	assert_true(g->time_ns - h->ktime < NSEC);
	assert_int_equal(eb_event_time_to_wall(g->time_ns, &wall), 0);
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &now), 0);
	d = (int64_t)(now.tv_sec - wall.tv_sec) * (int64_t)NSEC +
	    (now.tv_nsec - wall.tv_nsec);
	assert_true(d >= 0 && d < (int64_t)NSEC);
}

/* --- fixture ---------------------------------------------------------------- */

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->tp_fd = -1;
	f->lost_cpu = -2;
	f->got = calloc(MAX_SAMPLES, sizeof(*f->got));
	if (!f->got) {
		free(f);
		return -1;
	}
	sched_getaffinity(0, sizeof(f->orig_mask), &f->orig_mask);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sched_setaffinity(0, sizeof(f->orig_mask), &f->orig_mask);
	eb_perfbuf_free(f->pb);
	eb_ringbuf_free(f->rb);
	eb_event_reader_free(f->er);
	eb_user_ringbuf_free(f->urb);
	eb_zclose(&f->tp_fd);
	eb_object_close(f->obj);
	free(f->got);
	free(f);
	return 0;
}

static struct eb_perfbuf *perf_reader(struct fixture *f, uint32_t pages,
				      uint32_t wakeup, uint32_t watermark)
{
	struct eb_perfbuf_opts o = {
		.pages_per_cpu = pages, .wakeup_events = wakeup,
		.watermark_bytes = watermark, .sample_cb = on_sample,
		.lost_cb = on_lost, .ctx = f,
	};
	int err = eb_perfbuf_new(map_fd(f, "ev_pa"), &o, &f->pb);

	if (err)
		fail_msg("eb_perfbuf_new: %d: %s", err, last_warn);
	assert_int_equal(eb_perfbuf_ring_cnt(f->pb), eb_possible_cpus());
	return f->pb;
}

/* --- tests ------------------------------------------------------------------- */

/* N getppid() calls spread over the CPUs: N perf samples, each on the CPU
 * the call ran on, in order per CPU, with sane times. */
static void test_perf_getppid(void **state)
{
	struct fixture *f = *state;
	int cpus[64], ncpu, i, k, n = 60;
	uint64_t seq0, last[64];

	REQUIRE_BPF();
	load(f, "ev_emit");
	perf_reader(f, 0, 0, 0);
	set_cfg(f, 0, 1, EV_PERF);
	attach_getppid(f, prog_fd(f, "ev_getppid"));
	ncpu = usable_cpus(f, cpus);
	seq0 = counter(f, EV_SEQ);
	for (k = 0; k < n; k++) {
		pin_cpu(cpus[k % ncpu]);
		syscall(SYS_getppid);
	}
	assert_int_equal(eb_perfbuf_consume(f->pb), n);
	assert_int_equal(f->n, n);
	assert_int_equal(counter(f, EV_PERF_OK), n);
	assert_int_equal(counter(f, EV_PERF_ERR), 0);
	for (i = 0; i < 64; i++)
		last[i] = UINT64_MAX;
	for (i = 0; i < n; i++) {
		const struct ev_hdr *h = hdr_of(&f->got[i]);
		uint64_t rel = h->seq - seq0;

		/* 24 bytes written, padded: round_up(24 + 4, 8) - 4 */
		assert_int_equal(f->got[i].size, 28);
		assert_int_equal(h->size, 24);
		assert_true(rel < (uint64_t)n);
		assert_int_equal(f->got[i].cpu, cpus[rel % ncpu]);
		assert_int_equal(h->cpu, cpus[rel % ncpu]);
		if (last[rel % ncpu] != UINT64_MAX)
			assert_true(h->seq == last[rel % ncpu] + ncpu);
		last[rel % ncpu] = h->seq;
		check_time(&f->got[i]);
	}
	assert_int_equal(f->lost, 0);
	/* nothing more */
	assert_int_equal(eb_perfbuf_poll(f->pb, 0), 0);
}

/* The same through the ring buffer, read by the generic reader: one ring,
 * so exactly in order. */
static void test_ring_getppid(void **state)
{
	struct fixture *f = *state;
	struct eb_event_reader_opts o = { .sample_cb = on_sample, .ctx = f };
	struct eb_event_stats st;
	int cpus[64], ncpu, i, n = 50, got = 0, ret;
	uint64_t seq0;

	REQUIRE_BPF();
	load(f, "ev_emit");
	assert_int_equal(eb_event_reader_new(map_fd(f, "ev_rb"), &o, &f->er), 0);
	assert_false(eb_event_reader_is_perf(f->er));
	set_cfg(f, 40, 1, EV_RING);
	attach_getppid(f, prog_fd(f, "ev_getppid"));
	ncpu = usable_cpus(f, cpus);
	seq0 = counter(f, EV_SEQ);
	for (i = 0; i < n; i++) {
		pin_cpu(cpus[i % ncpu]);
		syscall(SYS_getppid);
	}
	while (got < n) {
		ret = eb_event_reader_poll(f->er, 1000);
		assert_true(ret > 0);
		got += ret;
	}
	assert_int_equal(got, n);
	assert_int_equal(f->n, n);
	assert_int_equal(counter(f, EV_RING_OK), n);
	for (i = 0; i < n; i++) {
		const struct ev_hdr *h = hdr_of(&f->got[i]);

		assert_int_equal(h->seq, seq0 + i);
		assert_int_equal(f->got[i].size, 40);
		assert_int_equal(f->got[i].cpu, -1);
		assert_int_equal(h->cpu, cpus[i % ncpu]);
		check_pattern(&f->got[i], 40);
		check_time(&f->got[i]);
	}
	eb_event_reader_stats(f->er, &st);
	assert_int_equal(st.samples, n);
	assert_int_equal(st.lost, 0);
}

/* A one-page ring and a burst of 200: what did not fit is reported lost,
 * and lost + received == sent, matching the program's own count. */
static void test_perf_lost(void **state)
{
	struct fixture *f = *state;
	struct eb_event_stats st;
	int prog, first, second;
	uint64_t ok, err;

	REQUIRE_BPF();
	load(f, "ev_emit");
	perf_reader(f, 1, 0, 0);
	assert_int_equal(eb_perfbuf_ring_size(f->pb), sysconf(_SC_PAGESIZE));
	prog = prog_fd(f, "ev_burst");
	set_cfg(f, 64, 200, EV_PERF);
	run_on(prog, 0);
	ok = counter(f, EV_PERF_OK);
	err = counter(f, EV_PERF_ERR);
	assert_int_equal(ok + err, 200);
	assert_true(err > 0);
	/* the wakeup fired: the CPU 0 ring signals */
	first = eb_perfbuf_poll(f->pb, 1000);
	assert_int_equal(first, ok);
	assert_int_equal(f->lost, 0);	/* told with the next record */
	/* one more sample carries the PERF_RECORD_LOST in front of it */
	set_cfg(f, 64, 1, EV_PERF);
	run_on(prog, 0);
	second = eb_perfbuf_consume(f->pb);
	assert_int_equal(second, 1);
	assert_int_equal(f->lost, err);
	assert_int_equal(f->lost_calls, 1);
	assert_int_equal(f->lost_cpu, 0);
	assert_int_equal(f->n + f->lost, 201);
	eb_perfbuf_stats(f->pb, &st);
	assert_int_equal(st.samples, ok + 1);
	assert_int_equal(st.lost, err);
}

/* Records of 120 and 56 bytes in a 4096-byte ring: many straddle its end
 * and come back byte for byte. */
static void test_perf_wrap(void **state)
{
	struct fixture *f = *state;
	int prog, i, round;
	uint64_t seq0;
	/* payload, size the kernel reports (padded) */
	static const uint32_t sizes[][2] = { { 100, 100 }, { 37, 44 } };

	REQUIRE_BPF();
	load(f, "ev_emit");
	perf_reader(f, 1, 0, 0);
	prog = prog_fd(f, "ev_burst");
	for (round = 0; round < 2; round++) {
		f->n = 0;
		seq0 = counter(f, EV_SEQ);
		set_cfg(f, sizes[round][0], 1, EV_PERF);
		for (i = 0; i < 150; i++) {
			run_on(prog, 0);
			if (i % 10 == 9)
				assert_int_equal(eb_perfbuf_consume(f->pb), 10);
		}
		assert_int_equal(f->n, 150);
		for (i = 0; i < 150; i++) {
			const struct ev_hdr *h = hdr_of(&f->got[i]);

			assert_int_equal(f->got[i].size, sizes[round][1]);
			assert_int_equal(f->got[i].cpu, 0);
			assert_int_equal(h->seq, seq0 + i);
			assert_int_equal(h->cpu, 0);
			assert_int_equal(h->size, sizes[round][0]);
			check_pattern(&f->got[i], sizes[round][0]);
		}
	}
	assert_int_equal(counter(f, EV_PERF_ERR), 0);
	assert_int_equal(f->lost, 0);
}

/* Ring buffer records of 108 (+ pad) and 61 bytes wrapping around a
 * 4096-byte ring: contiguous thanks to the double mapping. */
static void test_ring_wrap(void **state)
{
	struct fixture *f = *state;
	static const uint32_t sizes[] = { 100, 61 };
	int prog, i, round;
	uint64_t seq0;

	REQUIRE_BPF();
	load(f, "ev_emit");
	assert_int_equal(eb_ringbuf_new(map_fd(f, "ev_rb"), on_sample, f, &f->rb), 0);
	prog = prog_fd(f, "ev_burst");
	for (round = 0; round < 2; round++) {
		f->n = 0;
		seq0 = counter(f, EV_SEQ);
		set_cfg(f, sizes[round], 1, EV_RING);
		for (i = 0; i < 150; i++) {
			run_on(prog, i & 1);
			if (i % 10 == 9)
				assert_int_equal(eb_ringbuf_consume(f->rb), 10);
		}
		assert_int_equal(f->n, 150);
		for (i = 0; i < 150; i++) {
			const struct ev_hdr *h = hdr_of(&f->got[i]);

			assert_int_equal(f->got[i].size, sizes[round]);
			assert_int_equal(h->seq, seq0 + i);
			assert_int_equal(h->size, sizes[round]);
			check_pattern(&f->got[i], sizes[round]);
		}
	}
	assert_int_equal(counter(f, EV_RING_ERR), 0);
	assert_int_equal(eb_ringbuf_avail(f->rb, 0), 0);
	assert_int_equal(eb_ringbuf_avail(f->rb, 1), -ENOENT);
}

/* The program discards every odd sequence number: the reader sees only
 * the even ones, in order, and consumes the discarded records too. */
static void test_ring_discard(void **state)
{
	struct fixture *f = *state;
	int i;
	uint64_t seq0;

	REQUIRE_BPF();
	load(f, "ev_emit");
	assert_int_equal(eb_ringbuf_new(map_fd(f, "ev_rb"), on_sample, f, &f->rb), 0);
	seq0 = counter(f, EV_SEQ);
	assert_int_equal(seq0, 0);
	set_cfg(f, 0, 20, EV_RING_RESERVE);
	run_on(prog_fd(f, "ev_burst"), 0);
	assert_int_equal(eb_ringbuf_avail(f->rb, 0), 20 * 40);
	assert_int_equal(eb_ringbuf_poll(f->rb, 1000), 10);
	assert_int_equal(f->n, 10);
	for (i = 0; i < 10; i++) {
		const struct ev_hdr *h = hdr_of(&f->got[i]);
		uint64_t tail;

		memcpy(&tail, f->got[i].data + sizeof(*h), sizeof(tail));
		assert_int_equal(f->got[i].size, 32);
		assert_int_equal(h->seq, 2 * i);
		assert_int_equal(tail, ~h->seq);
	}
	assert_int_equal(counter(f, EV_RING_OK), 10);
	assert_int_equal(eb_ringbuf_avail(f->rb, 0), 0);
	assert_int_equal(eb_ringbuf_consume(f->rb), 0);
}

/* A callback's error stops the consume after that sample; the next call
 * goes on from the following one. */
static void test_callback_stops(void **state)
{
	struct fixture *f = *state;
	int prog;

	REQUIRE_BPF();
	load(f, "ev_emit");
	perf_reader(f, 0, 0, 0);
	assert_int_equal(eb_ringbuf_new(map_fd(f, "ev_rb"), on_sample, f, &f->rb), 0);
	prog = prog_fd(f, "ev_burst");
	set_cfg(f, 24, 6, EV_PERF | EV_RING);
	run_on(prog, 0);
	f->stop_after = 2;
	assert_int_equal(eb_perfbuf_consume(f->pb), -ECANCELED);
	assert_int_equal(f->n, 2);
	f->stop_after = 0;
	assert_int_equal(eb_perfbuf_consume(f->pb), 4);
	f->stop_after = 8;
	assert_int_equal(eb_ringbuf_consume(f->rb), -ECANCELED);
	assert_int_equal(f->n, 8);
	f->stop_after = 0;
	assert_int_equal(eb_ringbuf_consume(f->rb), 4);
	assert_int_equal(f->n, 12);
	assert_int_equal(hdr_of(&f->got[2])->seq, 2);
	assert_int_equal(hdr_of(&f->got[5])->seq, 5);
	assert_int_equal(hdr_of(&f->got[6])->seq, 0);
	assert_int_equal(hdr_of(&f->got[11])->seq, 5);
}

/* wakeup_events 5: four samples do not wake the epoll fd, the fifth does;
 * a 2048-byte watermark likewise. */
static void test_perf_wakeups(void **state)
{
	struct fixture *f = *state;
	int prog;

	REQUIRE_BPF();
	load(f, "ev_emit");
	prog = prog_fd(f, "ev_burst");
	perf_reader(f, 2, 5, 0);
	set_cfg(f, 24, 4, EV_PERF);
	run_on(prog, 0);
	assert_int_equal(eb_perfbuf_poll(f->pb, 100), 0);
	set_cfg(f, 24, 1, EV_PERF);
	run_on(prog, 0);
	assert_int_equal(eb_perfbuf_poll(f->pb, 1000), 5);
	eb_perfbuf_free(f->pb);
	f->pb = NULL;

	/* 100-byte payload: 120-byte records; 2048 bytes need 18 */
	perf_reader(f, 2, 0, 2048);
	set_cfg(f, 100, 16, EV_PERF);
	run_on(prog, 0);
	assert_int_equal(eb_perfbuf_poll(f->pb, 100), 0);
	set_cfg(f, 100, 2, EV_PERF);
	run_on(prog, 0);
	assert_int_equal(eb_perfbuf_poll(f->pb, 1000), 18);
}

/* Freeing the reader deletes its map entries: the program's next output
 * finds no perf event (-ENOENT, counted as an error). */
static void test_perf_free_uninstalls(void **state)
{
	struct fixture *f = *state;
	int prog;

	REQUIRE_BPF();
	load(f, "ev_emit");
	prog = prog_fd(f, "ev_burst");
	perf_reader(f, 0, 0, 0);
	set_cfg(f, 24, 1, EV_PERF);
	run_on(prog, 0);
	assert_int_equal(counter(f, EV_PERF_OK), 1);
	eb_perfbuf_free(f->pb);
	f->pb = NULL;
	run_on(prog, 0);
	assert_int_equal(counter(f, EV_PERF_OK), 1);
	assert_int_equal(counter(f, EV_PERF_ERR), 1);
}

/* Wrong map types and options are refused with -EINVAL. */
static void test_refusals(void **state)
{
	struct fixture *f = *state;
	struct eb_event_reader_opts eo = { .sample_cb = on_sample, .ctx = f };
	struct eb_perfbuf_opts po = { .sample_cb = on_sample, .ctx = f };
	struct eb_ringbuf *rb = NULL;
	struct eb_perfbuf *pb = NULL;
	struct eb_event_reader *er = NULL;
	struct eb_user_ringbuf *urb = NULL;

	REQUIRE_BPF();
	load(f, "ev_emit");
	assert_int_equal(eb_perfbuf_new(map_fd(f, "ev_cnt"), &po, &pb), -EINVAL);
	assert_null(pb);
	assert_int_equal(eb_perfbuf_new(map_fd(f, "ev_rb"), &po, &pb), -EINVAL);
	po.pages_per_cpu = 3;
	assert_int_equal(eb_perfbuf_new(map_fd(f, "ev_pa"), &po, &pb), -EINVAL);
	assert_string_equal(last_warn, "perfbuf: pages per cpu 3 is not a power of 2");
	po.pages_per_cpu = 1;
	po.sample_cb = NULL;
	assert_int_equal(eb_perfbuf_new(map_fd(f, "ev_pa"), &po, &pb), -EINVAL);
	assert_int_equal(eb_ringbuf_new(map_fd(f, "ev_pa"), on_sample, f, &rb), -EINVAL);
	assert_null(rb);
	assert_int_equal(eb_ringbuf_new(map_fd(f, "ev_rb"), NULL, f, &rb), -EINVAL);
	assert_int_equal(eb_event_reader_new(map_fd(f, "ev_cnt"), &eo, &er), -EINVAL);
	assert_null(er);
	assert_int_equal(eb_user_ringbuf_new(map_fd(f, "ev_rb"), &urb), -EINVAL);
	assert_null(urb);

	/* the perf side of the generic reader */
	eo.pages_per_cpu = 1;
	assert_int_equal(eb_event_reader_new(map_fd(f, "ev_pa"), &eo, &f->er), 0);
	assert_true(eb_event_reader_is_perf(f->er));
	assert_true(eb_event_reader_fd(f->er) >= 0);
	set_cfg(f, 24, 3, EV_PERF);
	run_on(prog_fd(f, "ev_burst"), 0);
	assert_int_equal(eb_event_reader_consume(f->er), 3);
}

/* User ring buffer: 300 samples of varying size through an 8192-byte ring
 * (it fills, so the writer waits for drains and wraps), a discarded sample
 * every tenth; the program's sums match what was written. */
static void test_user_ringbuf(void **state)
{
	struct fixture *f = *state;
	uint64_t want_val = 0, want_len = 0, drained_last = 0;
	int prog, i, err, enospc = 0, k = 300;
	void *p;

	REQUIRE_BPF();
	load(f, "ev_user");
	prog = prog_fd(f, "ev_drain");
	assert_int_equal(eb_user_ringbuf_new(map_fd(f, "ev_urb"), &f->urb), 0);
	assert_int_equal(eb_user_ringbuf_free_bytes(f->urb), 8192);
	assert_int_equal(eb_user_ringbuf_reserve(f->urb, 0, &p), -EINVAL);
	assert_int_equal(eb_user_ringbuf_reserve(f->urb, 8192, &p), -E2BIG);
	assert_null(p);
	for (i = 0; i < k; i++) {
		struct ev_usample s = { .seq = i, .len = 16 + (i % 7) * 8 + (i % 3),
					.val = 3ULL * i + 1 };
		uint8_t buf[80];

		memset(buf, 0xa5, sizeof(buf));
		memcpy(buf, &s, sizeof(s));
		if (i % 10 == 0) {
			while ((err = eb_user_ringbuf_reserve(f->urb, 24, &p)) == -ENOSPC) {
				enospc++;
				run_on(prog, 0);
			}
			assert_int_equal(err, 0);
			memset(p, 0xff, 24);
			eb_user_ringbuf_discard(f->urb, p);
		}
		while ((err = eb_user_ringbuf_write(f->urb, buf, s.len)) == -ENOSPC) {
			enospc++;
			run_on(prog, 0);
		}
		assert_int_equal(err, 0);
		want_val += s.val;
		want_len += s.len;
	}
	assert_true(enospc > 0);
	drained_last = k - usum(f, 0);
	run_on(prog, 0);
	assert_int_equal(usum(f, 0), k);
	assert_int_equal(usum(f, 1), want_val);
	assert_int_equal(usum(f, 2), want_len);
	assert_int_equal(usum(f, 3), 0);
	assert_int_equal(usum(f, 4), 0);
	assert_int_equal(usum(f, 5), drained_last);
	assert_int_equal(usum(f, 6), k);
	assert_int_equal(eb_user_ringbuf_free_bytes(f->urb), 8192);
	/* a sample still reserved stops the drain there */
	assert_int_equal(eb_user_ringbuf_reserve(f->urb, 16, &p), 0);
	run_on(prog, 0);
	assert_int_equal(usum(f, 5), 0);
	assert_int_equal(usum(f, 0), k);
	eb_user_ringbuf_discard(f->urb, p);
}

static void test_time_to_wall(void **state)
{
	struct timespec wall, now;
	uint64_t mono;
	int64_t d;

	(void)state;
	mono = eb_event_now_ns();
	assert_int_equal(eb_event_time_to_wall(mono, &wall), 0);
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &now), 0);
	d = (int64_t)(now.tv_sec - wall.tv_sec) * (int64_t)NSEC +
	    (now.tv_nsec - wall.tv_nsec);
	assert_true(d >= 0 && d < 10000000);
	/* one second earlier in monotonic time is one second earlier */
	assert_int_equal(eb_event_time_to_wall(mono - NSEC, &now), 0);
	d = (int64_t)(wall.tv_sec - now.tv_sec) * (int64_t)NSEC +
	    (wall.tv_nsec - now.tv_nsec);
	assert_true(d > (int64_t)NSEC - 1000000 && d < (int64_t)NSEC + 1000000);
	assert_true(wall.tv_nsec >= 0 && wall.tv_nsec < (long)NSEC);
}

int main(void)
{
	struct eb_map_create_opts o = {
		.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4,
		.max_entries = 1,
	};
	int fd;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_to_wall),
		cmocka_unit_test_setup_teardown(test_perf_getppid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_getppid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_perf_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_perf_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_discard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_perf_wakeups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_perf_free_uninstalls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_ringbuf, setup, teardown),
	};

	eb_set_print(capture);
	fd = eb_sys_map_create(&o);
	have_bpf = fd >= 0;
	if (fd >= 0)
		close(fd);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
