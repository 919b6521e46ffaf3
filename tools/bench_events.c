/* SPDX-License-Identifier: MIT */
/*
 * bench_events.c - samples per second delivered to a consumer of a perf
 * event array or ring buffer, and samples lost, with one measuring loop
 * for every consumer (tools/bench_events.sh drives it).
 *
 *   bench_events SRC KIND NAME=CONSUMER SIZE [SECONDS]
 *
 * SRC: ev_bench.bpf.o (tests/bpf/ev_bench.c), loaded here; or a bpffs
 *   directory holding the pins an ebpfs mount made of that object
 *   (maps/eb_bcfg, maps/eb_bcnt, objs/ev_bench%2ebpf%2eo/eb_bench), to
 *   drive the mount's program.
 * KIND: perf (the program writes to eb_bpa) or ring (eb_brb).
 * NAME: what the RESULT line calls the consumer.
 * CONSUMER, what reads the samples:
 *   core            the core's reader (eb_perfbuf with 64 pages per CPU
 *                   and a wakeup per sample, as libbpf's perf_buffer; or
 *                   eb_ringbuf), in this process
 *   core-wm         eb_perfbuf with 1 MiB per CPU and a wakeup every 8
 *                   samples (the daemon's settings)
 *   read:PATH       a C reader of an ebpfs `events` file, in this
 *                   process: 1 MiB preads from its size at the start,
 *                   following the growing file (0.5 ms sleeps at EOF)
 *   count:CMD       a shell command (%u: the map's id) that reads the map
 *                   and prints "READY" once its reader is installed, then
 *                   "COUNT DELIVERED LOST LAST_NS" lines (LAST_NS: the
 *                   CLOCK_MONOTONIC time of its latest delivery)
 *   bpftool:CMD     a shell command (%u: the map's id) printing bpftool
 *                   map event_pipe's format: a line "== @..." per record,
 *                   then "lost N events" for a lost record; it is ready
 *                   once a trial sample finds a ring on CPU 0
 *   info:INFO:CMD   a shell command reading an ebpfs events_pipe with its
 *                   output thrown away (`cat ... > /dev/null`); INFO is
 *                   the map's .info: ready at events_pipe_readers: 1,
 *                   delivered = events_samples - events_pipe_missed (the
 *                   lines the pipe reader missed; a missed "lost=" line
 *                   also counts, so this errs low), progress seen in the
 *                   command's /proc/PID/io rchar
 * SIZE: 8 or 64 bytes per sample.
 *
 * The measurement, the same for every consumer: wait until the consumer
 * is ready; a producer thread pinned to CPU 0 runs the program
 * (BPF_PROG_TEST_RUN on CPU 0, 1000 samples per run, as fast as it can)
 * for SECONDS (default 2) while the consumer reads (this process's
 * threads and the consumer's process on CPU 1); one more sample then
 * carries a pending lost record out; the consumer is done once it has
 * delivered nothing for 400 ms.
 *
 * Prints one line:
 *   RESULT consumer=NAME size=N secs=S elapsed=E emitted=M delivered=D
 *          lost=L reported=R
 * secs: production time; elapsed: from the start of production to the
 * consumer's last delivery (at least secs), so D/E is the rate samples
 * reached the consumer; M: samples the program tried to write (its own
 * counters); L = M - D, whatever the cause; R: the losses the consumer
 * was told of (perf lost records, failed ring reserves, ebpfs lost and
 * evicted lines), which should equal L.
 *
 * Exit status 0, or 1 with a message on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

#define PER_RUN		1000
#define QUIET_NS	(400 * 1000000ULL)	/* done after this long without delivery */
#define READY_TRIES	500			/* 10 ms apart */
#define READ_BUF	(1u << 20)

struct bcfg {
	uint32_t count, size, mode, pad;
};

enum cons_kind { C_CORE, C_READ, C_COUNT, C_BPFTOOL, C_INFO };

struct bench {
	int prog_fd, cfg_fd, cnt_fd, map_fd;
	uint32_t size;
	uint32_t mode;			/* 1 perf, 2 ring */
	double secs;
	volatile bool stop;		/* the producer is done */
	uint64_t t_end;			/* when it stopped */
	/* the consumer's */
	enum cons_kind kind;
	const char *arg;		/* PATH, CMD, INFO:CMD */
	bool wm;			/* core-wm */
	uint64_t delivered;		/* so far */
	uint64_t reported;		/* losses it was told of, so far */
	uint64_t last_ns;		/* CLOCK_MONOTONIC of the latest delivery */
	struct eb_perfbuf *pb;
	struct eb_ringbuf *rb;
	int fd;				/* read: the events file; count/bpftool: output */
	off_t off;
	char *buf;			/* READ_BUF bytes */
	size_t blen;			/* bytes of an unfinished line in buf */
	pid_t pid;			/* the command */
	bool ready_seen;
	char info[4096];		/* info: the .info path */
	uint64_t rchar;
};

static int die(const char *what, int err)
{
	fprintf(stderr, "bench_events: %s: %s\n", what, eb_strerror(err));
	return 1;
}

static uint64_t now_ns(void)
{
	return eb_event_now_ns();
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
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
	uint64_t end = now_ns() + (uint64_t)(b->secs * 1e9);

	pin(0);
	while (now_ns() < end)
		if (run_once(b))
			break;
	b->t_end = now_ns();
	/* a lost record is only written ahead of a later sample */
	set_cfg(b, 1);
	run_once(b);
	__atomic_store_n(&b->stop, true, __ATOMIC_RELEASE);
	return NULL;
}

/* "KEY: N" of a .info file, or 0. */
static uint64_t info_value(const char *path, const char *key)
{
	char line[256];
	uint64_t v = 0;
	size_t n = strlen(key);
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtoull(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static uint64_t proc_rchar(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	return info_value(path, "rchar");
}

/* --- the core's readers ---------------------------------------------------- */

static int on_sample(void *ctx, const struct eb_event_sample *s)
{
	struct bench *b = ctx;

	b->delivered++;
	return 0;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct bench *b = ctx;

	b->reported += lost;
}

static int core_start(struct bench *b)
{
	struct eb_perfbuf_opts po = {
		.pages_per_cpu = b->wm ? 256 : 64,
		.wakeup_events = b->wm ? 8 : 1,
		.sample_cb = on_sample, .lost_cb = on_lost, .ctx = b,
	};

	if (b->mode == 1)
		return eb_perfbuf_new(b->map_fd, &po, &b->pb);
	return eb_ringbuf_new(b->map_fd, on_sample, b, &b->rb);
}

/* --- an ebpfs events file read by a C reader ------------------------------ */

/*
 * One line: "TIME cpu=N data=..." a sample, "TIME cpu=N lost=K" lost
 * samples, "TIME evicted=K" evicted lines (or evicted_bytes=B, not
 * counted).  TIME has a fixed width; the word after it (and after
 * cpu=N) tells the kind.
 */
static void read_line(struct bench *b, const char *l, size_t n)
{
	const char *w = memchr(l, ' ', n), *end = l + n;

	if (!w)
		return;
	w++;
	if (end - w > 4 && !memcmp(w, "cpu=", 4)) {
		w = memchr(w, ' ', (size_t)(end - w));
		if (!w)
			return;
		w++;
		if (end - w > 5 && !memcmp(w, "data=", 5))
			b->delivered++;
		else if (end - w > 5 && !memcmp(w, "lost=", 5))
			b->reported += strtoull(w + 5, NULL, 10);
	} else if (end - w > 8 && !memcmp(w, "evicted=", 8)) {
		b->reported += strtoull(w + 8, NULL, 10);
	}
}

/* Split buf[0, len) into lines; keep an unfinished one at the front.
 * Calls fn per line (the '\n' is in the buffer after it). */
static void split_lines(struct bench *b, size_t len,
			void (*fn)(struct bench *b, const char *l, size_t n))
{
	char *p = b->buf, *end = b->buf + len, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		fn(b, p, (size_t)(nl - p));
		p = nl + 1;
	}
	b->blen = (size_t)(end - p);
	if (b->blen == READ_BUF)
		b->blen = 0;	/* a line longer than the buffer: dropped */
	memmove(b->buf, p, b->blen);
}

static int read_start(struct bench *b)
{
	struct stat st;

	b->fd = open(b->arg, O_RDONLY | O_CLOEXEC);
	if (b->fd < 0 || fstat(b->fd, &st))
		return -errno;
	b->off = st.st_size;
	return 0;
}

static int read_pump(struct bench *b, int timeout_ms)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000;
	uint64_t before = b->delivered;
	ssize_t n;

	do {
		n = pread(b->fd, b->buf + b->blen, READ_BUF - b->blen, b->off);
		if (n < 0)
			return -errno;
		if (n > 0) {
			b->off += n;
			split_lines(b, b->blen + (size_t)n, read_line);
			continue;
		}
		usleep(500);
	} while (now_ns() < end && !b->stop);
	if (b->delivered != before)
		b->last_ns = now_ns();
	return 0;
}

/* --- a command --------------------------------------------------------------- */

/* Run sh -c CMD (%u: the map's id) on CPU 1, its output to a pipe we read
 * (or to /dev/null). */
static int cmd_start(struct bench *b, const char *tmpl, bool to_pipe)
{
	struct eb_strbuf cmd = EB_STRBUF_INIT;
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	int pfd[2] = { -1, -1 }, err;
	const char *p;

	memset(&info, 0, sizeof(info));
	err = eb_sys_obj_get_info_by_fd(b->map_fd, &info, &len);
	if (err)
		return err;
	for (p = tmpl; *p; p++) {
		if (p[0] == '%' && p[1] == 'u') {
			eb_strbuf_addf(&cmd, "%u", info.id);
			p++;
		} else {
			eb_strbuf_addch(&cmd, *p);
		}
	}
	if (eb_strbuf_error(&cmd))
		return -ENOMEM;
	if (to_pipe && pipe2(pfd, O_CLOEXEC)) {
		err = -errno;
		goto out;
	}
	b->pid = fork();
	if (b->pid < 0) {
		err = -errno;
		goto out;
	}
	if (b->pid == 0) {
		int out = to_pipe ? pfd[1] : open("/dev/null", O_WRONLY);

		dup2(out, 1);
		setpgid(0, 0);
		pin(1);
		execl("/bin/sh", "sh", "-c", cmd.buf, (char *)NULL);
		_exit(127);
	}
	if (to_pipe) {
		b->fd = pfd[0];
		pfd[0] = -1;
		fcntl(b->fd, F_SETFL, O_NONBLOCK);
	}
	err = 0;
out:
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	eb_strbuf_release(&cmd);
	return err;
}

static void count_line(struct bench *b, const char *l, size_t n)
{
	unsigned long long d, lost, t;

	if (n == 5 && !memcmp(l, "READY", 5))
		b->ready_seen = true;
	else if (sscanf(l, "COUNT %llu %llu %llu", &d, &lost, &t) == 3) {
		b->delivered = d;
		b->reported = lost;
		b->last_ns = t;
	}
}

static void bpftool_line(struct bench *b, const char *l, size_t n)
{
	unsigned long long k;

	if (n > 4 && !memcmp(l, "== @", 4)) {
		b->delivered++;
	} else if (n > 5 && !memcmp(l, "lost ", 5) &&
		   sscanf(l, "lost %llu events", &k) == 1) {
		b->delivered--;		/* the "== @" line was a lost record's */
		b->reported += k;
	}
}

/* Read what the command printed (up to timeout_ms for more). */
static int out_pump(struct bench *b, int timeout_ms)
{
	struct pollfd pfd = { .fd = b->fd, .events = POLLIN };
	uint64_t before = b->delivered;
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	for (;;) {
		n = read(b->fd, b->buf + b->blen, READ_BUF - b->blen);
		if (n <= 0)
			break;
		split_lines(b, b->blen + (size_t)n,
			    b->kind == C_COUNT ? count_line : bpftool_line);
	}
	if (b->kind == C_BPFTOOL && b->delivered != before)
		b->last_ns = now_ns();
	if (n < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

static int info_pump(struct bench *b, int timeout_ms)
{
	uint64_t r;

	usleep((useconds_t)EB_MIN(timeout_ms, 20) * 1000);
	r = proc_rchar(b->pid);
	if (r != b->rchar) {
		b->rchar = r;
		b->last_ns = now_ns();
		b->delivered++;		/* progress; the count comes from .info */
	}
	return 0;
}

/* The command's counts once it has stopped. */
static void info_final(struct bench *b)
{
	b->delivered = info_value(b->info, "events_samples") -
		       info_value(b->info, "events_pipe_missed");
	b->reported = info_value(b->info, "events_lost") +
		      info_value(b->info, "events_pipe_missed");
}

static void cmd_stop(struct bench *b)
{
	if (b->pid <= 0)
		return;
	kill(-b->pid, SIGINT);
	if (b->kind == C_COUNT || b->kind == C_BPFTOOL) {
		ssize_t n;

		/* the rest of its output, up to EOF */
		fcntl(b->fd, F_SETFL, 0);
		while ((n = read(b->fd, b->buf + b->blen, READ_BUF - b->blen)) > 0)
			split_lines(b, b->blen + (size_t)n,
				    b->kind == C_COUNT ? count_line : bpftool_line);
	}
	waitpid(b->pid, NULL, 0);
	b->pid = -1;
}

/* --- the one measuring loop -------------------------------------------------- */

static int cons_start(struct bench *b)
{
	const char *colon;

	switch (b->kind) {
	case C_CORE:
		return core_start(b);
	case C_READ:
		return read_start(b);
	case C_COUNT:
	case C_BPFTOOL:
		return cmd_start(b, b->arg, true);
	case C_INFO:
		colon = strchr(b->arg, ':');
		if (!colon || (size_t)(colon - b->arg) >= sizeof(b->info))
			return -EINVAL;
		memcpy(b->info, b->arg, (size_t)(colon - b->arg));
		return cmd_start(b, colon + 1, false);
	}
	return -EINVAL;
}

static int cons_pump(struct bench *b, int timeout_ms)
{
	uint64_t before = b->delivered;
	int ret = 0;

	switch (b->kind) {
	case C_CORE:
		if (b->wm) {
			/* as the daemon: what waits below its wakeup
			 * mark is read every 25 ms */
			ret = eb_perfbuf_poll(b->pb, EB_MIN(timeout_ms, 25));
			if (ret == 0)
				ret = eb_perfbuf_consume(b->pb);
		} else {
			ret = b->pb ? eb_perfbuf_poll(b->pb, timeout_ms) :
				      eb_ringbuf_poll(b->rb, timeout_ms);
		}
		if (ret == -EINTR)
			ret = 0;
		if (ret > 0 && b->delivered != before)
			b->last_ns = now_ns();
		break;
	case C_READ:
		ret = read_pump(b, timeout_ms);
		break;
	case C_COUNT:
	case C_BPFTOOL:
		ret = out_pump(b, timeout_ms);
		break;
	case C_INFO:
		ret = info_pump(b, timeout_ms);
		break;
	}
	return ret < 0 ? ret : 0;
}

/* A trial sample found a ring on CPU 0 (perf event arrays). */
static bool trial_ok(struct bench *b)
{
	uint64_t fail = counter(b, 1);

	run_once(b);
	return counter(b, 1) == fail;
}

static bool cons_ready(struct bench *b)
{
	switch (b->kind) {
	case C_CORE:
	case C_READ:
		return true;
	case C_COUNT:
		return b->ready_seen;
	case C_BPFTOOL:
		return b->mode != 1 || trial_ok(b);
	case C_INFO:
		return info_value(b->info, "events_pipe_readers") > 0;
	}
	return false;
}

static void cons_stop(struct bench *b)
{
	switch (b->kind) {
	case C_CORE:
		eb_perfbuf_free(b->pb);
		eb_ringbuf_free(b->rb);
		b->pb = NULL;
		b->rb = NULL;
		break;
	case C_READ:
		eb_zclose(&b->fd);
		break;
	case C_COUNT:
	case C_BPFTOOL:
		cmd_stop(b);
		eb_zclose(&b->fd);
		break;
	case C_INFO:
		cmd_stop(b);
		info_final(b);
		break;
	}
}

struct result {
	double elapsed;
	uint64_t emitted, delivered, reported;
};

static int measure(struct bench *b, struct result *r)
{
	uint64_t base_ok, base_fail, base_del, base_rep, t0, t_end, quiet;
	pthread_t th;
	int tries, err;

	err = cons_start(b);
	if (err)
		return die("starting the consumer", err);
	set_cfg(b, 1);
	for (tries = 0; !cons_ready(b); tries++) {
		if (tries == READY_TRIES) {
			cons_stop(b);
			return die("the consumer never got ready", -ETIMEDOUT);
		}
		cons_pump(b, 10);
	}
	cons_pump(b, 100);	/* trial samples out of the way */
	if (b->kind == C_INFO)
		info_final(b);
	base_ok = counter(b, 0);
	base_fail = counter(b, 1);
	base_del = b->delivered;
	base_rep = b->reported;

	set_cfg(b, PER_RUN);
	t0 = now_ns();
	err = pthread_create(&th, NULL, producer, b);
	if (err) {
		cons_stop(b);
		return die("pthread_create", -err);
	}
	while (!b->stop && !err)
		err = cons_pump(b, 100);
	pthread_join(th, NULL);
	t_end = b->t_end;
	quiet = now_ns();
	while (!err && now_ns() - quiet < QUIET_NS) {
		uint64_t d = b->delivered;

		err = cons_pump(b, 20);
		if (b->delivered != d)
			quiet = now_ns();
	}
	cons_stop(b);
	if (err)
		return die("reading", err);
	r->emitted = counter(b, 0) - base_ok + counter(b, 1) - base_fail;
	r->delivered = b->delivered - base_del;
	r->reported = b->reported - base_rep;
	/* a full ring buffer fails the reserve: only the program knows */
	if (b->mode == 2)
		r->reported += counter(b, 1) - base_fail;
	r->elapsed = (double)(EB_MAX(b->last_ns, t_end) - t0) / 1e9;
	return 0;
}

/* --- setup -------------------------------------------------------------------- */

static int from_pins(struct bench *b, const char *dir)
{
	static const char *const names[] = {
		"objs/ev_bench%2ebpf%2eo/eb_bench", "maps/eb_bcfg", "maps/eb_bcnt",
		"maps/eb_bpa", "maps/eb_brb",
	};
	int *fds[] = { &b->prog_fd, &b->cfg_fd, &b->cnt_fd, &b->map_fd, &b->map_fd };
	char path[4096];
	size_t i;

	for (i = 0; i < EB_ARRAY_SIZE(names); i++) {
		if (i == 3 + (b->mode == 1))
			continue;	/* the other event map */
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		*fds[i] = eb_sys_obj_get(path, 0);
		if (*fds[i] < 0)
			return die(path, *fds[i]);
	}
	return 0;
}

static int from_object(struct bench *b, const char *file, struct eb_object **obj)
{
	static const char *const maps[] = { "eb_bcfg", "eb_bcnt", "eb_bpa", "eb_brb" };
	int *fds[] = { &b->cfg_fd, &b->cnt_fd, &b->map_fd, &b->map_fd };
	const struct eb_obj_map *m;
	struct eb_prog *prog;
	size_t i;
	int err;

	err = eb_object_open_file(file, NULL, obj);
	if (!err)
		err = eb_object_load(*obj, NULL);
	if (err)
		return die(file, err);
	prog = eb_object_find_prog(*obj, "eb_bench");
	if (!prog || prog->fd < 0)
		return die("program eb_bench", -ENOENT);
	b->prog_fd = prog->fd;
	for (i = 0; i < EB_ARRAY_SIZE(maps); i++) {
		if (i == 2 + (b->mode == 1))
			continue;
		m = eb_object_find_map(*obj, maps[i]);
		if (!m || m->fd < 0)
			return die(maps[i], -ENOENT);
		*fds[i] = m->fd;
	}
	return 0;
}

static int parse_consumer(struct bench *b, const char *spec)
{
	static const struct {
		const char *prefix;
		enum cons_kind kind;
	} kinds[] = {
		{ "read:", C_READ }, { "count:", C_COUNT },
		{ "bpftool:", C_BPFTOOL }, { "info:", C_INFO },
	};
	size_t i;

	if (!strcmp(spec, "core") || !strcmp(spec, "core-wm")) {
		b->kind = C_CORE;
		b->wm = !strcmp(spec, "core-wm");
		return 0;
	}
	for (i = 0; i < EB_ARRAY_SIZE(kinds); i++) {
		size_t n = strlen(kinds[i].prefix);

		if (!strncmp(spec, kinds[i].prefix, n)) {
			b->kind = kinds[i].kind;
			b->arg = spec + n;
			return 0;
		}
	}
	return -EINVAL;
}

int main(int argc, char **argv)
{
	static char buf[READ_BUF];
	struct bench b = { .secs = 2, .fd = -1, .pid = -1, .buf = buf };
	struct eb_object *obj = NULL;
	struct result r = { 0 };
	struct stat st;
	const char *eq;
	char *name;
	int ret;

	if (argc < 5 || !(eq = strchr(argv[3], '=')) ||
	    (strcmp(argv[2], "perf") && strcmp(argv[2], "ring"))) {
		fprintf(stderr, "usage: bench_events OBJ|PIN_DIR perf|ring NAME=CONSUMER 8|64 [SECONDS]\n");
		return 2;
	}
	b.mode = strcmp(argv[2], "ring") ? 1 : 2;
	name = strndup(argv[3], (size_t)(eq - argv[3]));
	if (!name || parse_consumer(&b, eq + 1))
		return die(argv[3], -EINVAL);
	b.size = (uint32_t)atoi(argv[4]);
	if (argc > 5)
		b.secs = atof(argv[5]);
	signal(SIGPIPE, SIG_IGN);
	if (!stat(argv[1], &st) && S_ISDIR(st.st_mode))
		ret = from_pins(&b, argv[1]);
	else
		ret = from_object(&b, argv[1], &obj);
	if (ret)
		return ret;
	pin(1);
	ret = measure(&b, &r);
	if (ret)
		return ret;
	printf("RESULT consumer=%s size=%u secs=%.2f elapsed=%.3f emitted=%llu delivered=%llu lost=%llu reported=%llu\n",
	       name, b.size, b.secs, r.elapsed, (unsigned long long)r.emitted,
	       (unsigned long long)r.delivered,
	       (unsigned long long)(r.emitted > r.delivered ? r.emitted - r.delivered : 0),
	       (unsigned long long)r.reported);
	eb_object_close(obj);
	free(name);
	return 0;
}
