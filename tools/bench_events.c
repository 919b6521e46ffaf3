/* SPDX-License-Identifier: MIT */
/*
 * bench_events.c - samples per second through the core's event readers.
 *
 *   bench_events OBJ MODE SIZE [SECONDS]
 *
 * OBJ is ev_bench.bpf.o (tests/bpf/ev_bench.c).  MODE:
 *   perf      the core's perf event array reader (eb_perfbuf, 64 pages/CPU,
 *             a wakeup per sample, as libbpf's perf_buffer)
 *   perfwm    the same with a 128 KiB wakeup watermark (half the ring)
 *   ring      the core's ring buffer reader (eb_ringbuf, 256 KiB ring)
 *   external:CMD
 *             no reader of ours: run the shell command CMD, with "%u"
 *             replaced by the perf event array's map id, and count the
 *             samples it prints (bpftool map event_pipe's format: a line
 *             "== @... CPU: N index: N =====" per record, followed by
 *             "lost N events" for a lost record).  Production starts once
 *             the command has installed its rings (a trial sample stops
 *             failing).
 * SIZE is 8 or 64 (bytes per sample).  A producer thread pinned to CPU 0
 * runs the program (BPF_PROG_TEST_RUN on CPU 0, 1000 samples per run)
 * for SECONDS (default 2); the consumer runs on CPU 1 when there is one.
 *
 * Prints one line:
 *   RESULT consumer=NAME size=N secs=S emitted=E delivered=D lost=L
 * emitted: samples the program tried to write; delivered: handed to the
 * consumer; lost: perf samples reported lost, or ring buffer reserves that
 * failed (the ring was full).
 *
 * Exit status 0, or 1 with a message on stderr.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "log.h"
#include "object.h"
#include "perfbuf.h"
#include "ringbuf.h"
#include "strbuf.h"
#include "syscall.h"
#include "util.h"

#define PER_RUN 1000

struct bcfg {
	uint32_t count, size, mode, pad;
};

struct bench {
	int prog_fd;
	int cfg_fd;
	int cnt_fd;
	int map_fd;		/* the map being read */
	uint32_t size;
	uint32_t mode;		/* 1 perf, 2 ring */
	uint32_t watermark;	/* perf wakeup watermark bytes, 0: per sample */
	double secs;
	volatile bool stop;
	uint64_t delivered;
	uint64_t lost;
	uint64_t runs;
	uint64_t base_ok;	/* counters when production started */
	uint64_t base_fail;
};

static int die(const char *what, int err)
{
	fprintf(stderr, "bench_events: %s: %s\n", what, eb_strerror(err));
	return 1;
}

static double now_s(void)
{
	return eb_event_now_ns() / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int set_cfg(struct bench *b, uint32_t count)
{
	struct bcfg c = { .count = count, .size = b->size, .mode = b->mode };
	uint32_t zero = 0;

	return eb_sys_map_update_elem(b->cfg_fd, &zero, &c, 0);
}

static uint64_t counter(struct bench *b, uint32_t idx)
{
	uint64_t v = 0;

	eb_sys_map_lookup_elem(b->cnt_fd, &idx, &v, 0);
	return v;
}

static int run_once(struct bench *b)
{
	uint64_t args[1] = { 0 };
	struct eb_test_run_opts o = {
		.ctx_in = args, .ctx_size_in = sizeof(args),
		.flags = BPF_F_TEST_RUN_ON_CPU, .cpu = 0,
	};

	return eb_sys_prog_test_run(b->prog_fd, &o);
}

static void *producer(void *arg)
{
	struct bench *b = arg;
	double end = now_s() + b->secs;

	pin(0);
	while (now_s() < end) {
		if (run_once(b))
			break;
		b->runs++;
	}
	b->stop = true;
	return NULL;
}

static int on_sample(void *ctx, const struct eb_event_sample *s)
{
	struct bench *b = ctx;

	b->delivered++;
	return 0;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct bench *b = ctx;

	b->lost += lost;
}

/* --- our readers -------------------------------------------------------- */

static int consume_core(struct bench *b)
{
	struct eb_perfbuf_opts po = {
		.pages_per_cpu = 64, .watermark_bytes = b->watermark,
		.sample_cb = on_sample, .lost_cb = on_lost, .ctx = b,
	};
	struct eb_perfbuf *pb = NULL;
	struct eb_ringbuf *rb = NULL;
	pthread_t th;
	int err, ret;

	if (b->mode == 1)
		err = eb_perfbuf_new(b->map_fd, &po, &pb);
	else
		err = eb_ringbuf_new(b->map_fd, on_sample, b, &rb);
	if (err)
		return die("opening the reader", err);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		pin(1);
	err = pthread_create(&th, NULL, producer, b);
	if (err)
		return die("pthread_create", -err);
	while (!b->stop) {
		ret = pb ? eb_perfbuf_poll(pb, 100) : eb_ringbuf_poll(rb, 100);
		if (ret < 0 && ret != -EINTR) {
			b->stop = true;
			pthread_join(th, NULL);
			return die("poll", ret);
		}
	}
	pthread_join(th, NULL);
	/* what is left in the rings */
	pb ? eb_perfbuf_consume(pb) : eb_ringbuf_consume(rb);
	if (pb) {
		/* a lost record is only written ahead of a later sample */
		set_cfg(b, 1);
		run_once(b);
		eb_perfbuf_consume(pb);
	}
	eb_perfbuf_free(pb);
	eb_ringbuf_free(rb);
	return 0;
}

/* --- an external consumer ------------------------------------------------ */

struct ext {
	FILE *out;
	uint64_t records;
	uint64_t lost_records;
	uint64_t lost;
};

static void *ext_reader(void *arg)
{
	struct ext *x = arg;
	char *line = NULL;
	size_t cap = 0;
	unsigned long long n;

	while (getline(&line, &cap, x->out) > 0) {
		if (!strncmp(line, "== @", 4))
			x->records++;
		else if (sscanf(line, "lost %llu events", &n) == 1) {
			x->lost_records++;
			x->lost += n;
		}
	}
	free(line);
	return NULL;
}

static int consume_external(struct bench *b, const char *tmpl)
{
	struct eb_strbuf cmd = EB_STRBUF_INIT;
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	struct ext x = { 0 };
	pthread_t rd, th;
	int pfd[2], err, tries;
	const char *p;
	pid_t pid;

	memset(&info, 0, sizeof(info));
	err = eb_sys_obj_get_info_by_fd(b->map_fd, &info, &len);
	if (err)
		return die("map info", err);
	for (p = tmpl; *p; p++) {
		if (p[0] == '%' && p[1] == 'u') {
			eb_strbuf_addf(&cmd, "%u", info.id);
			p++;
		} else {
			eb_strbuf_addch(&cmd, *p);
		}
	}
	if (pipe(pfd))
		return die("pipe", -errno);
	pid = fork();
	if (pid < 0)
		return die("fork", -errno);
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		setpgid(0, 0);
		if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
			pin(1);
		execl("/bin/sh", "sh", "-c", cmd.buf, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	x.out = fdopen(pfd[0], "r");
	pthread_create(&rd, NULL, ext_reader, &x);

	/* wait until a trial sample finds a ring on CPU 0 */
	set_cfg(b, 1);
	for (tries = 0; tries < 500; tries++) {
		uint64_t fail = counter(b, 1);

		run_once(b);
		if (counter(b, 1) == fail)
			break;
		usleep(10000);
	}
	if (tries == 500) {
		kill(-pid, SIGKILL);
		return die(cmd.buf, -ETIMEDOUT);
	}
	/* the successful trial sample is delivered but not counted */
	b->base_ok = counter(b, 0);
	b->base_fail = counter(b, 1);
	set_cfg(b, PER_RUN);
	pthread_create(&th, NULL, producer, b);
	pthread_join(th, NULL);
	set_cfg(b, 1);
	run_once(b);		/* carries a pending lost record */
	usleep(500000);		/* let it drain */
	kill(-pid, SIGINT);
	waitpid(pid, NULL, 0);
	pthread_join(rd, NULL);
	fclose(x.out);
	b->delivered = x.records - x.lost_records - 1;
	b->lost = x.lost;
	eb_strbuf_release(&cmd);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench b = { .secs = 2 };
	struct eb_object *obj = NULL;
	const struct eb_obj_map *m;
	struct eb_prog *prog;
	const char *mode, *name;
	uint64_t ok, fail;
	int err, ret;

	if (argc < 4) {
		fprintf(stderr, "usage: bench_events OBJ perf|perfwm|ring|external:CMD 8|64 [SECONDS]\n");
		return 2;
	}
	mode = argv[2];
	b.size = atoi(argv[3]);
	if (argc > 4)
		b.secs = atof(argv[4]);
	b.mode = strcmp(mode, "ring") ? 1 : 2;
	name = b.mode == 2 ? "core-ringbuf" : !strcmp(mode, "perf") ? "core-perfbuf" : "external";
	if (!strcmp(mode, "perfwm")) {
		name = "core-perf-wm";
		b.watermark = 128 * 1024;
	}

	err = eb_object_open_file(argv[1], NULL, &obj);
	if (!err)
		err = eb_object_load(obj, NULL);
	if (err)
		return die(argv[1], err);
	prog = eb_object_find_prog(obj, "eb_bench");
	if (!prog || prog->fd < 0)
		return die("program eb_bench", -ENOENT);
	b.prog_fd = prog->fd;
	m = eb_object_find_map(obj, "eb_bcfg");
	b.cfg_fd = m->fd;
	m = eb_object_find_map(obj, "eb_bcnt");
	b.cnt_fd = m->fd;
	m = eb_object_find_map(obj, b.mode == 1 ? "eb_bpa" : "eb_brb");
	b.map_fd = m->fd;

	if (!strncmp(mode, "external:", 9)) {
		ret = consume_external(&b, mode + 9);
	} else {
		err = set_cfg(&b, PER_RUN);
		if (err)
			return die("config", err);
		ret = consume_core(&b);
	}
	if (ret)
		return ret;
	ok = counter(&b, 0) - b.base_ok;
	fail = counter(&b, 1) - b.base_fail;
	if (b.mode == 2)
		b.lost = fail;
	printf("RESULT consumer=%s size=%u secs=%.2f emitted=%llu delivered=%llu lost=%llu\n",
	       name, b.size, b.secs, (unsigned long long)(ok + fail),
	       (unsigned long long)b.delivered, (unsigned long long)b.lost);
	eb_object_close(obj);
	return 0;
}
