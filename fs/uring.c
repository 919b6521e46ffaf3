// SPDX-License-Identifier: MIT
/*
 * uring.c - FUSE over io_uring: one request queue per CPU.
 *
 * Through /dev/fuse every request wakes a daemon thread wherever the
 * scheduler puts it, usually on another CPU than the caller's; on small
 * virtual machines such a cross-CPU wake-up costs 40-80 us, far more than
 * the work of answering (a map lookup is a microsecond).  Since Linux 6.14
 * the kernel can hand requests to the daemon through io_uring instead:
 * one queue per possible CPU, each request to the queue of the CPU it was
 * made on.  Each queue here is served by a thread pinned to that CPU, so
 * a request and its answer stay on the caller's CPU.
 *
 * libfuse 3.14 knows nothing of this and stays the parser and the
 * dispatcher.  A request taken from a ring is rebuilt as the bytes
 * /dev/fuse would have delivered and handed to fuse_session_process_buf();
 * its reply comes back through the session's custom writev, which turns
 * it into a COMMIT_AND_FETCH of the ring entry it came in.  /dev/fuse
 * keeps serving what the kernel still sends there (INIT, FORGET,
 * INTERRUPT, requests made before the queues are registered) and carries
 * the notifications the daemon sends.
 *
 * The kernel offers the feature in INIT when the fuse module parameter
 * enable_uring is set.  The rings are created before INIT is answered;
 * only when all of them exist does the daemon accept (FUSE_OVER_IO_URING,
 * set in libfuse's INIT reply as it passes), after which the kernel holds
 * every request until each queue has an entry registered.  Anything short
 * of that leaves /dev/fuse alone in charge, as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>

#include "fs.h"
#include "log.h"
#include "util.h"

/* Kernel ABI (include/uapi/linux/fuse.h, protocol 7.42), newer than the
 * installed headers. */
#define URING_INIT_FLAG2	(1u << (41 - 32))	/* FUSE_OVER_IO_URING */
#define URING_CMD_REGISTER	1
#define URING_CMD_COMMIT_FETCH	2
#define URING_OP_IN_SIZE	128

struct uring_req_header {		/* struct fuse_uring_req_header */
	char in_out[128];		/* fuse_in_header, fuse_out_header */
	char op_in[URING_OP_IN_SIZE];	/* the request's first argument */
	struct {			/* struct fuse_uring_ent_in_out */
		uint64_t flags;
		uint64_t commit_id;
		uint32_t payload_sz;
		uint32_t padding;
		uint64_t reserved;
	} ent;
};

struct uring_cmd_req {			/* struct fuse_uring_cmd_req */
	uint64_t flags;
	uint64_t commit_id;
	uint16_t qid;
	uint8_t padding[6];
};

/* Room in front of the payload for the header and first argument, so a
 * request is rebuilt in place, without copying its payload. */
#define FRONT (sizeof(struct fuse_in_header) + URING_OP_IN_SIZE)

#define ENTS_FIRST	4	/* entries registered per queue at start */
#define ENTS_MORE	4	/* added when nearly all are busy */
#define ENTS_MAX	256	/* requests a queue can hold at once */
#define RING_SQ		512	/* >= ENTS_MAX + 1 */
#define EVENT_TAG	1	/* user_data of the eventfd read */
#define WORKERS_MAX	8	/* per queue, for the requests that may take long */
#define ALIGN_UP(x, a)	(((x) + (a) - 1) / (a) * (a))

struct queue;

/* A ring entry: one request in flight, with its buffers. */
struct ent {
	struct queue *q;
	struct uring_req_header *hdr;
	char *buf;			/* FRONT bytes, then the payload */
	size_t buf_len;
	struct iovec iov[2];		/* what REGISTER hands the kernel */
	_Atomic uint64_t commit_id;	/* the request it holds, 0: none */
	bool busy;			/* held by a request (queue thread) */
	bool dead;			/* the kernel dropped it */
	struct ent *next;		/* pending or job list */
};

struct queue {
	unsigned int qid;
	pthread_t thread;
	bool started;
	int ring_fd;
	int event_fd;
	uint64_t event_buf;
	/* the rings' mappings */
	void *sq_map, *cq_map, *sqe_map;
	size_t sq_map_len, cq_map_len, sqe_map_len;
	_Atomic unsigned int *sq_tail, *cq_head, *cq_tail;
	unsigned int *sq_array, sq_mask, cq_mask, sq_local_tail;
	struct io_uring_cqe *cqes;
	unsigned int to_submit;
	/* entries; ents[] only grows, under lock */
	pthread_mutex_t lock;
	struct ent **ents;
	unsigned int nents, nbusy, ndead;
	struct ent *pending;		/* replies made on other threads */
	/* workers: requests that may take long (loads, listings) */
	pthread_cond_t job_cond;
	struct ent *jobs, **jobs_tail;
	unsigned int nworkers, nidle;
	pthread_t workers[WORKERS_MAX];
};

enum ur_state { UR_OFF, UR_GO, UR_NO };

static struct {
	struct fuse_session *se;
	int fuse_fd;
	unsigned int nq;
	struct queue *q;
	size_t payload;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	_Atomic int state;		/* enum ur_state */
	unsigned int rings_up, rings_failed;
	_Atomic bool stop;
	_Atomic bool active;		/* requests flow through the rings */
	/* INIT, seen on its way in and patched on its way out */
	bool init_seen;
	bool init_offered;
	uint64_t init_unique;
} ur = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.fuse_fd = -1,
};

/* The entry whose request this thread is processing; the queue whose
 * ring this thread submits to. */
static __thread struct ent *cur_ent;
static __thread struct queue *cur_queue;

static int sys_uring_setup(unsigned int entries, struct io_uring_params *p)
{
	return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int sys_uring_enter(int fd, unsigned int submit, unsigned int wait, unsigned int flags)
{
	return (int)syscall(__NR_io_uring_enter, fd, submit, wait, flags, NULL, 0);
}

/* --- one ring --------------------------------------------------------------- */

static void ring_unmap(struct queue *q)
{
	if (q->sqe_map)
		munmap(q->sqe_map, q->sqe_map_len);
	if (q->cq_map && q->cq_map != q->sq_map)
		munmap(q->cq_map, q->cq_map_len);
	if (q->sq_map)
		munmap(q->sq_map, q->sq_map_len);
	q->sq_map = q->cq_map = q->sqe_map = NULL;
	eb_zclose(&q->ring_fd);
}

/*
 * Create q's ring, on the thread that will be its only submitter.  Returns
 * 0 or -errno.
 */
static int ring_create(struct queue *q)
{
	struct io_uring_params p;
	unsigned int flags[] = {
		IORING_SETUP_SQE128 | IORING_SETUP_SINGLE_ISSUER |
			IORING_SETUP_DEFER_TASKRUN,
		IORING_SETUP_SQE128 | IORING_SETUP_COOP_TASKRUN,
		IORING_SETUP_SQE128,
	};
	size_t i;
	int fd = -1;

	for (i = 0; i < EB_ARRAY_SIZE(flags) && fd < 0; i++) {
		memset(&p, 0, sizeof(p));
		p.flags = flags[i];
		fd = sys_uring_setup(RING_SQ, &p);
	}
	if (fd < 0)
		return -errno;
	q->ring_fd = fd;
	q->sq_map_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	q->cq_map_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP)
		q->sq_map_len = q->cq_map_len = EB_MAX(q->sq_map_len, q->cq_map_len);
	q->sq_map = mmap(NULL, q->sq_map_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
	if (q->sq_map == MAP_FAILED) {
		q->sq_map = NULL;
		goto err;
	}
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		q->cq_map = q->sq_map;
	} else {
		q->cq_map = mmap(NULL, q->cq_map_len, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
		if (q->cq_map == MAP_FAILED) {
			q->cq_map = NULL;
			goto err;
		}
	}
	/* SQE128: each entry is two struct io_uring_sqe long */
	q->sqe_map_len = p.sq_entries * 2 * sizeof(struct io_uring_sqe);
	q->sqe_map = mmap(NULL, q->sqe_map_len, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (q->sqe_map == MAP_FAILED) {
		q->sqe_map = NULL;
		goto err;
	}
	q->sq_tail = (void *)((char *)q->sq_map + p.sq_off.tail);
	q->sq_mask = *(unsigned int *)((char *)q->sq_map + p.sq_off.ring_mask);
	q->sq_array = (void *)((char *)q->sq_map + p.sq_off.array);
	q->sq_local_tail = atomic_load_explicit(q->sq_tail, memory_order_relaxed);
	q->cq_head = (void *)((char *)q->cq_map + p.cq_off.head);
	q->cq_tail = (void *)((char *)q->cq_map + p.cq_off.tail);
	q->cq_mask = *(unsigned int *)((char *)q->cq_map + p.cq_off.ring_mask);
	q->cqes = (void *)((char *)q->cq_map + p.cq_off.cqes);
	return 0;
err:
	{
		int err = -errno;

		ring_unmap(q);
		return err;
	}
}

/* A zeroed SQE at the tail (made visible by sqe_push()). */
static struct io_uring_sqe *sqe_get(struct queue *q)
{
	unsigned int idx = q->sq_local_tail & q->sq_mask;
	struct io_uring_sqe *sqe = (void *)((char *)q->sqe_map +
					    (size_t)idx * 2 * sizeof(*sqe));

	memset(sqe, 0, 2 * sizeof(*sqe));
	q->sq_array[idx] = idx;
	return sqe;
}

static void sqe_push(struct queue *q)
{
	q->sq_local_tail++;
	atomic_store_explicit(q->sq_tail, q->sq_local_tail, memory_order_release);
	q->to_submit++;
}

static void sqe_fuse_cmd(struct queue *q, struct ent *e, uint32_t op)
{
	struct io_uring_sqe *sqe = sqe_get(q);
	struct uring_cmd_req *cmd = (struct uring_cmd_req *)sqe->cmd;

	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = ur.fuse_fd;
	sqe->cmd_op = op;
	sqe->user_data = (uintptr_t)e;
	if (op == URING_CMD_REGISTER) {
		sqe->addr = (uintptr_t)e->iov;
		sqe->len = 2;
	}
	cmd->commit_id = atomic_load(&e->commit_id);
	cmd->qid = (uint16_t)q->qid;
	sqe_push(q);
}

static void sqe_event_read(struct queue *q)
{
	struct io_uring_sqe *sqe = sqe_get(q);

	sqe->opcode = IORING_OP_READ;
	sqe->fd = q->event_fd;
	sqe->addr = (uintptr_t)&q->event_buf;
	sqe->len = sizeof(q->event_buf);
	sqe->user_data = EVENT_TAG;
	sqe_push(q);
}

static void pin_to_cpu(unsigned int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* an offline CPU makes no requests: unpinned is fine */
	(void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* --- entries -------------------------------------------------------------- */

static void ent_free(struct ent *e)
{
	if (e->buf)
		munmap(e->buf, e->buf_len);
	free(e->hdr);
	free(e);
}

/* Add n entries to q and queue their REGISTER (queue thread). */
static int ents_add(struct queue *q, unsigned int n)
{
	struct ent **more;
	unsigned int i;

	n = EB_MIN(n, ENTS_MAX - q->nents);
	if (!n)
		return 0;
	more = realloc(q->ents, (q->nents + n) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	q->ents = more;
	for (i = 0; i < n; i++) {
		struct ent *e = calloc(1, sizeof(*e));

		if (!e)
			return -ENOMEM;
		e->q = q;
		e->hdr = aligned_alloc(64, ALIGN_UP(sizeof(*e->hdr), 64));
		e->buf_len = FRONT + ur.payload;
		e->buf = mmap(NULL, e->buf_len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (!e->hdr || e->buf == MAP_FAILED) {
			if (e->buf == MAP_FAILED)
				e->buf = NULL;
			ent_free(e);
			return -ENOMEM;
		}
		memset(e->hdr, 0, sizeof(*e->hdr));
		e->iov[0].iov_base = e->hdr;
		e->iov[0].iov_len = sizeof(*e->hdr);
		e->iov[1].iov_base = e->buf + FRONT;
		e->iov[1].iov_len = ur.payload;
		pthread_mutex_lock(&q->lock);
		q->ents[q->nents++] = e;
		pthread_mutex_unlock(&q->lock);
		sqe_fuse_cmd(q, e, URING_CMD_REGISTER);
	}
	return 0;
}

/*
 * Copy a reply into e's buffers and queue its COMMIT_AND_FETCH (queue
 * thread).  The reply was stored by reply_to_ent().
 */
static void ent_commit(struct ent *e)
{
	struct queue *q = e->q;

	sqe_fuse_cmd(q, e, URING_CMD_COMMIT_FETCH);
	atomic_store(&e->commit_id, 0);
	e->busy = false;
	q->nbusy--;
}

/* Answer e's request with an error, without libfuse (queue thread). */
static void ent_fail(struct ent *e, int err)
{
	struct fuse_out_header oh = {
		.len = sizeof(oh),
		.error = -err,
		.unique = atomic_load(&e->commit_id),
	};

	memcpy(e->hdr->in_out, &oh, sizeof(oh));
	e->hdr->ent.payload_sz = 0;
	ent_commit(e);
}

/*
 * Requests answered on the queue thread itself: quick ones (a write only
 * fills a handle's buffer, one request at most max_write bytes; a create
 * makes a node or inserts one map key).  The rest (a flush may load an
 * object, a readdir list a big map, an unlink unload one) go to the
 * queue's workers, pinned to the same CPU, so a long request never holds
 * up the quick ones behind it.
 */
static bool opcode_inline(uint32_t opcode)
{
	switch (opcode) {
	case FUSE_LOOKUP:
	case FUSE_GETATTR:
	case FUSE_SETATTR:
	case FUSE_CREATE:
	case FUSE_WRITE:
	case FUSE_OPEN:
	case FUSE_OPENDIR:
	case FUSE_READ:
	case FUSE_RELEASE:
	case FUSE_RELEASEDIR:
	case FUSE_STATFS:
	case FUSE_ACCESS:
	case FUSE_POLL:
	case FUSE_GETXATTR:
	case FUSE_LISTXATTR:
		return true;
	default:
		return false;
	}
}

static void ent_process(struct ent *e)
{
	struct fuse_buf fb;

	memset(&fb, 0, sizeof(fb));
	fb.mem = e->buf + FRONT - e->hdr->ent.flags;
	fb.size = ((struct fuse_in_header *)fb.mem)->len;
	cur_ent = e;
	fuse_session_process_buf(ur.se, &fb);
	cur_ent = NULL;
}

static void *worker_main(void *arg)
{
	struct queue *q = arg;
	struct ent *e;

	pin_to_cpu(q->qid);
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->jobs && !atomic_load(&ur.stop))
			pthread_cond_wait(&q->job_cond, &q->lock);
		if (!q->jobs)
			break;
		e = q->jobs;
		q->jobs = e->next;
		if (!q->jobs)
			q->jobs_tail = &q->jobs;
		e->next = NULL;
		q->nidle--;
		pthread_mutex_unlock(&q->lock);
		ent_process(e);
		pthread_mutex_lock(&q->lock);
		q->nidle++;
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* Hand e to a worker; false: none could be had (process it inline). */
static bool job_queue(struct queue *q, struct ent *e)
{
	bool ok = true;

	pthread_mutex_lock(&q->lock);
	if (!q->nidle) {
		if (q->nworkers < WORKERS_MAX &&
		    !pthread_create(&q->workers[q->nworkers], NULL, worker_main, q)) {
			q->nworkers++;
			q->nidle++;
		} else if (!q->nworkers) {
			ok = false;
		}
	}
	if (ok) {
		e->next = NULL;
		*q->jobs_tail = e;
		q->jobs_tail = &e->next;
		pthread_cond_signal(&q->job_cond);
	}
	pthread_mutex_unlock(&q->lock);
	return ok;
}

/* A request arrived in e: rebuild it as /dev/fuse bytes, process it. */
static void ent_request(struct ent *e)
{
	struct fuse_in_header in;
	uint32_t payload, arg0;
	char *start;

	memcpy(&in, e->hdr->in_out, sizeof(in));
	payload = e->hdr->ent.payload_sz;
	e->busy = true;
	e->q->nbusy++;
	atomic_store(&e->commit_id, e->hdr->ent.commit_id);
	if (payload > ur.payload || in.len < sizeof(in) + payload ||
	    in.len - sizeof(in) - payload > URING_OP_IN_SIZE) {
		eb_warn("fs", "io_uring request %llu (opcode %u): bad lengths "
			"(%u, payload %u)", (unsigned long long)in.unique, in.opcode,
			in.len, payload);
		ent_fail(e, EIO);
		return;
	}
	arg0 = in.len - (uint32_t)sizeof(in) - payload;
	start = e->buf + FRONT - arg0 - sizeof(in);
	memcpy(start, &in, sizeof(in));
	memcpy(start + sizeof(in), e->hdr->op_in, arg0);
	/* where the request starts, for ent_process() (the kernel ignores
	 * the flags of a commit) */
	e->hdr->ent.flags = arg0 + sizeof(in);

	if (opcode_inline(in.opcode) || !job_queue(e->q, e))
		ent_process(e);
}

/* --- the queue thread --------------------------------------------------------- */

static void queue_drain_pending(struct queue *q)
{
	struct ent *list, *e;

	pthread_mutex_lock(&q->lock);
	list = q->pending;
	q->pending = NULL;
	pthread_mutex_unlock(&q->lock);
	while (list) {
		e = list;
		list = e->next;
		e->next = NULL;
		ent_commit(e);
	}
}

static void queue_cqe(struct queue *q, const struct io_uring_cqe *cqe)
{
	struct ent *e;

	if (cqe->user_data == EVENT_TAG) {
		queue_drain_pending(q);
		if (!atomic_load(&ur.stop))
			sqe_event_read(q);
		return;
	}
	e = (struct ent *)(uintptr_t)cqe->user_data;
	if (cqe->res < 0) {
		/* ENOTCONN, ECONNABORTED, ECANCELED: the mount is going */
		if (cqe->res != -ENOTCONN && cqe->res != -ECONNABORTED &&
		    cqe->res != -ECANCELED)
			eb_warn("fs", "io_uring queue %u: %s", q->qid, strerror(-cqe->res));
		if (!e->dead) {
			e->dead = true;
			q->ndead++;
		}
		if (e->busy) {
			e->busy = false;
			q->nbusy--;
		}
		return;
	}
	if (!atomic_load(&ur.active))
		atomic_store(&ur.active, true);
	ent_request(e);
	/* nearly every entry holds a request (waiting readers park theirs):
	 * add some, so new requests never wait for a parked one */
	if (q->nbusy + 1 >= q->nents - q->ndead && q->nents < ENTS_MAX)
		ents_add(q, ENTS_MORE);
}

static void *queue_main(void *arg)
{
	struct queue *q = arg;
	enum ur_state st;
	int err;

	pin_to_cpu(q->qid);
	cur_queue = q;
	err = ring_create(q);
	pthread_mutex_lock(&ur.lock);
	if (err)
		ur.rings_failed++;
	else
		ur.rings_up++;
	pthread_cond_broadcast(&ur.cond);
	while (atomic_load(&ur.state) == UR_OFF)
		pthread_cond_wait(&ur.cond, &ur.lock);
	st = atomic_load(&ur.state);
	pthread_mutex_unlock(&ur.lock);
	if (err) {
		eb_warn("fs", "io_uring queue %u: %s", q->qid, strerror(-err));
		return NULL;
	}
	if (st != UR_GO)
		return NULL;

	if (ents_add(q, ENTS_FIRST)) {
		eb_warn("fs", "io_uring queue %u: out of memory", q->qid);
		return NULL;
	}
	sqe_event_read(q);
	while (!atomic_load(&ur.stop)) {
		unsigned int head, tail;
		int n;

		n = sys_uring_enter(q->ring_fd, q->to_submit, 1, IORING_ENTER_GETEVENTS);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			eb_warn("fs", "io_uring queue %u: io_uring_enter: %s", q->qid,
				strerror(errno));
			break;
		}
		q->to_submit -= EB_MIN((unsigned int)n, q->to_submit);
		head = atomic_load_explicit(q->cq_head, memory_order_relaxed);
		tail = atomic_load_explicit(q->cq_tail, memory_order_acquire);
		while (head != tail) {
			struct io_uring_cqe cqe = q->cqes[head & q->cq_mask];

			head++;
			atomic_store_explicit(q->cq_head, head, memory_order_release);
			queue_cqe(q, &cqe);
		}
		if (q->nents && q->ndead == q->nents)
			break;
	}
	/* answers given just before the stop (events readers told EOF) */
	queue_drain_pending(q);
	if (q->to_submit && sys_uring_enter(q->ring_fd, q->to_submit, 0, 0) < 0)
		eb_warn("fs", "io_uring queue %u: io_uring_enter: %s", q->qid,
			strerror(errno));
	return NULL;
}

/* --- the session's custom I/O ------------------------------------------------- */

/* The entry holding request unique, or NULL (any thread). */
static struct ent *ent_of(uint64_t unique)
{
	unsigned int i, j;

	if (cur_ent && atomic_load(&cur_ent->commit_id) == unique)
		return cur_ent;
	if (!atomic_load(&ur.active))
		return NULL;
	for (i = 0; i < ur.nq; i++) {
		struct queue *q = &ur.q[i];
		struct ent *found = NULL;

		pthread_mutex_lock(&q->lock);
		for (j = 0; j < q->nents && !found; j++)
			if (atomic_load_explicit(&q->ents[j]->commit_id,
						 memory_order_relaxed) == unique)
				found = q->ents[j];
		pthread_mutex_unlock(&q->lock);
		if (found)
			return found;
	}
	return NULL;
}

static size_t iov_total(const struct iovec *iov, int count)
{
	size_t n = 0;
	int i;

	for (i = 0; i < count; i++)
		n += iov[i].iov_len;
	return n;
}

/* Copy bytes [off, off + len) of the iovecs to dst. */
static void iov_copy(void *dst, const struct iovec *iov, int count, size_t off, size_t len)
{
	char *d = dst;
	int i;

	for (i = 0; i < count && len; i++) {
		size_t l = iov[i].iov_len;

		if (off >= l) {
			off -= l;
			continue;
		}
		l = EB_MIN(l - off, len);
		memcpy(d, (char *)iov[i].iov_base + off, l);
		d += l;
		len -= l;
		off = 0;
	}
}

static ssize_t reply_to_ent(struct ent *e, const struct iovec *iov, int count)
{
	size_t total = iov_total(iov, count);
	struct queue *q = e->q;

	if (total < sizeof(struct fuse_out_header) ||
	    total - sizeof(struct fuse_out_header) > ur.payload) {
		errno = EINVAL;
		return -1;
	}
	iov_copy(e->hdr->in_out, iov, count, 0, sizeof(struct fuse_out_header));
	iov_copy(e->buf + FRONT, iov, count, sizeof(struct fuse_out_header),
		 total - sizeof(struct fuse_out_header));
	e->hdr->ent.payload_sz = (uint32_t)(total - sizeof(struct fuse_out_header));
	if (cur_queue == q) {
		/* answered on the queue thread: committed with its next wait */
		ent_commit(e);
	} else {
		uint64_t one = 1;

		pthread_mutex_lock(&q->lock);
		e->next = q->pending;
		q->pending = e;
		pthread_mutex_unlock(&q->lock);
		if (write(q->event_fd, &one, sizeof(one)) < 0)
			eb_warn("fs", "io_uring queue %u: eventfd: %s", q->qid,
				strerror(errno));
	}
	return (ssize_t)total;
}

/*
 * libfuse's INIT reply: accept FUSE_OVER_IO_URING when the kernel offered
 * it and every ring exists, learn the payload size, send, then let the
 * queues register.
 */
static ssize_t reply_init(int fd, const struct iovec *iov, int count)
{
	size_t total = iov_total(iov, count);
	struct fuse_init_out io;
	struct iovec out[2];
	enum ur_state st = UR_NO;
	size_t olen, page;
	ssize_t ret;
	char hdr[sizeof(struct fuse_out_header)];

	olen = total - sizeof(hdr);
	pthread_mutex_lock(&ur.lock);
	while (ur.rings_up + ur.rings_failed < ur.nq)
		pthread_cond_wait(&ur.cond, &ur.lock);
	if (ur.init_offered && !ur.rings_failed && olen >= offsetof(struct fuse_init_out, unused))
		st = UR_GO;
	pthread_mutex_unlock(&ur.lock);

	if (st == UR_GO && olen <= sizeof(io)) {
		iov_copy(hdr, iov, count, 0, sizeof(hdr));
		memset(&io, 0, sizeof(io));
		iov_copy(&io, iov, count, sizeof(hdr), olen);
		if (((struct fuse_out_header *)hdr)->error) {
			st = UR_NO;
		} else {
			io.flags |= FUSE_INIT_EXT;
			io.flags2 |= URING_INIT_FLAG2;
			/* the kernel's: max(8 KiB, max_write, max_pages pages) */
			page = (size_t)sysconf(_SC_PAGESIZE);
			ur.payload = EB_MAX((size_t)8192, (size_t)io.max_write);
			ur.payload = EB_MAX(ur.payload, page *
				((io.flags & FUSE_MAX_PAGES) ? EB_MAX(io.max_pages, 1) : 32));
			ur.payload = ALIGN_UP(ur.payload, page);
			out[0].iov_base = hdr;
			out[0].iov_len = sizeof(hdr);
			out[1].iov_base = &io;
			out[1].iov_len = olen;
			iov = out;
			count = 2;
		}
	} else {
		st = UR_NO;
	}
	ret = writev(fd, iov, count);
	if (ret < 0)
		st = UR_NO;
	pthread_mutex_lock(&ur.lock);
	atomic_store(&ur.state, st);
	pthread_cond_broadcast(&ur.cond);
	pthread_mutex_unlock(&ur.lock);
	if (st == UR_GO)
		eb_info("fs", "serving through io_uring: %u per-CPU queues", ur.nq);
	else if (ur.init_offered)
		eb_warn("fs", "io_uring offered but not set up: serving through /dev/fuse");
	return ret;
}

static ssize_t io_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	struct fuse_out_header oh;
	struct ent *e;

	(void)userdata;
	if (iov_total(iov, count) >= sizeof(oh)) {
		iov_copy(&oh, iov, count, 0, sizeof(oh));
		if (oh.unique && (e = ent_of(oh.unique)))
			return reply_to_ent(e, iov, count);
		if (ur.init_seen && atomic_load(&ur.state) == UR_OFF &&
		    oh.unique == ur.init_unique)
			return reply_init(fd, iov, count);
	}
	return writev(fd, iov, count);
}

static ssize_t io_read(int fd, void *buf, size_t len, void *userdata)
{
	ssize_t n = read(fd, buf, len);
	const struct fuse_in_header *in = buf;

	(void)userdata;
	if (!ur.init_seen && n >= (ssize_t)(sizeof(*in) + sizeof(struct fuse_init_in)) &&
	    in->opcode == FUSE_INIT) {
		const struct fuse_init_in *ii = (const void *)(in + 1);

		ur.init_unique = in->unique;
		ur.init_offered = (ii->flags & FUSE_INIT_EXT) &&
				  (ii->flags2 & URING_INIT_FLAG2);
		ur.init_seen = true;
	}
	return n;
}

/* --- setup and teardown ------------------------------------------------------- */

/* Possible CPUs: the kernel makes one queue per possible CPU. */
static unsigned int possible_cpus(void)
{
	char buf[256];
	unsigned int last = 0, a, b;
	char *p = buf;
	ssize_t n;
	int fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* "0-1" or "0,2-3": the highest CPU number + 1 */
	while (*p) {
		int used = 0;

		if (sscanf(p, "%u-%u%n", &a, &b, &used) == 2 && used)
			last = EB_MAX(last, b + 1);
		else if (sscanf(p, "%u%n", &a, &used) == 1 && used)
			last = EB_MAX(last, a + 1);
		else
			break;
		p += used;
		if (*p == ',')
			p++;
		else
			break;
	}
	return last;
}

bool fs_uring_kernel_enabled(void)
{
	char c = 0;
	int fd = open("/sys/module/fuse/parameters/enable_uring", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y' || c == '1';
}

static const struct fuse_custom_io uring_io = {
	.writev = io_writev,
	.read = io_read,
};

int fs_uring_start(struct fuse_session *se)
{
	unsigned int i, n = possible_cpus();
	int err;

	if (!n || n > 4096)
		return -ENOTSUP;
	ur.q = calloc(n, sizeof(*ur.q));
	if (!ur.q)
		return -ENOMEM;
	ur.se = se;
	ur.nq = n;
	ur.fuse_fd = fuse_session_fd(se);
	for (i = 0; i < n; i++) {
		struct queue *q = &ur.q[i];

		q->qid = i;
		q->ring_fd = -1;
		pthread_mutex_init(&q->lock, NULL);
		pthread_cond_init(&q->job_cond, NULL);
		q->jobs_tail = &q->jobs;
		q->event_fd = eventfd(0, EFD_CLOEXEC);
		if (q->event_fd < 0) {
			err = -errno;
			goto err;
		}
	}
	err = -fuse_session_custom_io(se, &uring_io, ur.fuse_fd);
	if (err)
		goto err;
	for (i = 0; i < n; i++) {
		err = -pthread_create(&ur.q[i].thread, NULL, queue_main, &ur.q[i]);
		if (err) {
			/* INIT must not wait for a ring that will never be */
			pthread_mutex_lock(&ur.lock);
			ur.rings_failed += n - i;
			pthread_cond_broadcast(&ur.cond);
			pthread_mutex_unlock(&ur.lock);
			break;
		}
		ur.q[i].started = true;
	}
	return 0;
err:
	for (i = 0; i < n; i++)
		if (ur.q[i].event_fd >= 0)
			close(ur.q[i].event_fd);
	free(ur.q);
	ur.q = NULL;
	ur.nq = 0;
	return err;
}

void fs_uring_stop(void)
{
	unsigned int i, j;
	uint64_t one = 1;

	if (!ur.q)
		return;
	atomic_store(&ur.stop, true);
	pthread_mutex_lock(&ur.lock);
	if (atomic_load(&ur.state) == UR_OFF)
		atomic_store(&ur.state, UR_NO);
	pthread_cond_broadcast(&ur.cond);
	pthread_mutex_unlock(&ur.lock);
	for (i = 0; i < ur.nq; i++) {
		struct queue *q = &ur.q[i];

		if (write(q->event_fd, &one, sizeof(one)) < 0)
			eb_warn("fs", "io_uring queue %u: eventfd: %s", q->qid,
				strerror(errno));
		if (q->started)
			pthread_join(q->thread, NULL);
		pthread_mutex_lock(&q->lock);
		pthread_cond_broadcast(&q->job_cond);
		pthread_mutex_unlock(&q->lock);
		for (j = 0; j < q->nworkers; j++)
			pthread_join(q->workers[j], NULL);
	}
	atomic_store(&ur.active, false);
	for (i = 0; i < ur.nq; i++) {
		struct queue *q = &ur.q[i];

		/* closing the ring cancels what the kernel still holds */
		ring_unmap(q);
		for (j = 0; j < q->nents; j++)
			ent_free(q->ents[j]);
		free(q->ents);
		close(q->event_fd);
		pthread_cond_destroy(&q->job_cond);
		pthread_mutex_destroy(&q->lock);
	}
	free(ur.q);
	ur.q = NULL;
	ur.nq = 0;
}
