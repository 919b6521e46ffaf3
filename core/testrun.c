/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "syscall.h"
#include "testrun.h"
#include "util.h"

#define TEST_RUN_TRIES 4

/* Make *buf hold at least size bytes (at least 1).  0 or -ENOMEM. */
static int grow(void **buf, uint32_t *cap, uint32_t size)
{
	void *p;

	if (size <= *cap && *buf)
		return 0;
	p = realloc(*buf, size ? size : 1);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = size;
	return 0;
}

int eb_prog_test_run(int prog_fd, const struct eb_test_run_in *in,
		     struct eb_test_run_result *res)
{
	struct eb_test_run_opts o;
	void *data_out = NULL, *ctx_out = NULL, *ctx_in = NULL;
	uint32_t data_cap = 0, ctx_cap = 0;
	int err = 0, tries;

	memset(res, 0, sizeof(*res));
	if (in->data) {
		uint32_t want = in->out_size_hint;

		if (!want)
			want = in->data_size > UINT32_MAX - 512 ?
			       UINT32_MAX : in->data_size + 512;
		err = grow(&data_out, &data_cap, want);
		if (err)
			goto fail;
	}
	if (in->ctx && in->ctx_size) {
		/* a private copy: syscall programs write their context back */
		ctx_in = malloc(in->ctx_size);
		if (!ctx_in) {
			err = -ENOMEM;
			goto fail;
		}
	}
	if (in->want_ctx_out) {
		err = grow(&ctx_out, &ctx_cap, in->ctx_size ? in->ctx_size : 256);
		if (err)
			goto fail;
	}
	for (tries = 0; tries < TEST_RUN_TRIES; tries++) {
		memset(&o, 0, sizeof(o));
		o.data_in = in->data;
		o.data_size_in = in->data ? in->data_size : 0;
		o.data_out = data_out;
		o.data_size_out = data_out ? data_cap : 0;
		if (ctx_in)
			memcpy(ctx_in, in->ctx, in->ctx_size);
		o.ctx_in = ctx_in;
		o.ctx_size_in = ctx_in ? in->ctx_size : 0;
		o.ctx_out = ctx_out;
		o.ctx_size_out = ctx_out ? ctx_cap : 0;
		o.repeat = in->repeat;
		o.flags = in->flags;
		o.cpu = in->cpu;
		o.batch_size = in->batch_size;
		err = eb_sys_prog_test_run(prog_fd, &o);
		if (err != -ENOSPC)
			break;
		/* The kernel reports the sizes it needed. */
		if ((!data_out || o.data_size_out <= data_cap) &&
		    (!ctx_out || o.ctx_size_out <= ctx_cap))
			break;	/* ENOSPC for another reason */
		if (data_out && o.data_size_out > data_cap) {
			err = grow(&data_out, &data_cap, o.data_size_out);
			if (err)
				goto fail;
		}
		if (ctx_out && o.ctx_size_out > ctx_cap) {
			err = grow(&ctx_out, &ctx_cap, o.ctx_size_out);
			if (err)
				goto fail;
		}
		err = -ENOSPC;
	}
	if (err)
		goto fail;
	res->retval = o.retval;
	res->duration_ns = o.duration;
	if (data_out) {
		res->data_out = data_out;
		res->data_out_size = EB_MIN(o.data_size_out, data_cap);
	}
	if (ctx_out) {
		res->ctx_out = ctx_out;
		res->ctx_out_size = EB_MIN(o.ctx_size_out, ctx_cap);
	} else if (ctx_in && memcmp(ctx_in, in->ctx, in->ctx_size)) {
		/* the program changed its context in place (syscall type) */
		res->ctx_out = ctx_in;
		res->ctx_out_size = in->ctx_size;
		ctx_in = NULL;
	}
	free(ctx_in);
	return 0;

fail:
	eb_debug("testrun", "prog fd %d: test run failed: %s", prog_fd,
		 eb_strerror(err));
	free(data_out);
	free(ctx_out);
	free(ctx_in);
	return err;
}

void eb_test_run_result_release(struct eb_test_run_result *res)
{
	eb_zfree(&res->data_out);
	eb_zfree(&res->ctx_out);
	res->data_out_size = 0;
	res->ctx_out_size = 0;
}
