// SPDX-License-Identifier: MIT
/*
 * progfiles.c - progs/PROG/: one directory per loaded program.
 *
 *   info     "key: value" lines (what the kernel reports, plus what the
 *            loader knows: section, object, license)
 *   xlated   the kernel's translated instructions, disassembled
 *   log      the verifier log of the load (log_level option)
 *   run      BPF_PROG_TEST_RUN: write the input bytes (raw), close;
 *            read the result of the program's last run:
 *                retval: N / duration_ns: N / data_size_out: N /
 *                data_out: HEX
 *            or, when the last run failed, one line
 *                error: STRERROR: CAUSE (a run of PROG on N bytes of input)
 *            Input the type can never run on (a tracepoint, a context-only
 *            type) is refused at write().
 *   attach, attach_error, links/   attaching (linkfiles.c)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disasm.h"
#include "info.h"
#include "linkfiles.h"
#include "log.h"
#include "objects.h"
#include "syscall.h"
#include "testrun.h"
#include "util.h"

void fs_prog_destroy(struct fs_backing *b)
{
	struct fs_prog *p = (struct fs_prog *)b;

	eb_zclose(&p->fd);
	free(p->name);
	free(p->obj_name);
	free(p->sec_name);
	free(p->license);
	free(p->log);
	eb_strbuf_release(&p->run_result);
	pthread_mutex_destroy(&p->run_lock);
	free(p);
}

static struct fs_prog *node_prog(const struct fs_node *n)
{
	return (struct fs_prog *)n->backing;
}

/* --- info --------------------------------------------------------------------- */

int fs_prog_info_render(int fd, const struct fs_prog *p, struct eb_strbuf *out)
{
	struct eb_prog_info info;
	char tag[EB_TAG_HEX_LEN], when[64];
	const char *s;
	struct tm tm;
	uint32_t i;
	int ret;

	memset(&info, 0, sizeof(info));
	ret = eb_prog_info_by_fd(fd, &info);
	if (ret)
		return ret;
	eb_tag_to_hex(info.tag, tag);
	eb_strbuf_addf(out, "id: %u\n", info.id);
	eb_strbuf_addf(out, "name: %s\n", p ? p->name : info.name);
	eb_strbuf_addf(out, "kernel_name: %s\n", info.name);
	s = eb_prog_type_str(info.type);
	if (s)
		eb_strbuf_addf(out, "type: %s\n", s);
	else
		eb_strbuf_addf(out, "type: %u\n", info.type);
	/* the kernel does not report the expected attach type (info.h) */
	s = p && (p->expected_attach_type || p->type == BPF_PROG_TYPE_CGROUP_SKB) ?
		eb_attach_type_str(p->expected_attach_type) : "-";
	eb_strbuf_addf(out, "attach_type: %s\n", s ? s : "-");
	eb_strbuf_addf(out, "section: %s\n", p ? p->sec_name : "-");
	eb_strbuf_addf(out, "tag: %s\n", tag);
	eb_strbuf_addf(out, "object: %s\n", p ? p->obj_name : "-");
	eb_strbuf_addf(out, "license: %s\n", p ? p->license : "-");
	eb_strbuf_addf(out, "gpl_compatible: %s\n", info.gpl_compatible ? "yes" : "no");
	if (localtime_r(&info.load_time.tv_sec, &tm) &&
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &tm))
		eb_strbuf_addf(out, "load_time: %s\n", when);
	eb_strbuf_addf(out, "uid: %u\n", info.created_by_uid);
	eb_strbuf_addf(out, "insns: %u\n", info.xlated_len / 8);
	eb_strbuf_addf(out, "jited_bytes: %u\n", info.jited_len);
	eb_strbuf_addf(out, "verified_insns: %u\n", info.verified_insns);
	eb_strbuf_adds(out, "map_ids:");
	for (i = 0; i < info.nr_map_ids; i++)
		eb_strbuf_addf(out, " %u", info.map_ids[i]);
	eb_strbuf_addch(out, '\n');
	eb_strbuf_addf(out, "btf_id: %u\n", info.btf_id);
	eb_strbuf_addf(out, "run_cnt: %" PRIu64 "\n", info.run_cnt);
	eb_strbuf_addf(out, "run_time_ns: %" PRIu64 "\n", info.run_time_ns);
	eb_prog_info_release(&info);
	return 0;
}

static int info_render(struct fs_handle *h, struct eb_strbuf *out)
{
	struct fs_prog *p = node_prog(h->node);

	return fs_prog_info_render(p->fd, p, out);
}

/* --- xlated ------------------------------------------------------------------------ */

int fs_prog_xlated_render(int fd, struct eb_strbuf *out)
{
	struct eb_disasm_opts opts = { .no_bytes = true };
	struct bpf_insn *insns = NULL;
	uint32_t cnt = 0;
	int ret;

	ret = eb_prog_xlated_insns(fd, &insns, &cnt);
	if (ret)
		return ret;
	ret = eb_disasm_prog(insns, cnt, &opts, out);
	free(insns);
	return ret < 0 ? ret : 0;
}

static int xlated_render(struct fs_handle *h, struct eb_strbuf *out)
{
	return fs_prog_xlated_render(node_prog(h->node)->fd, out);
}

/* --- log ------------------------------------------------------------------------------ */

static int log_render(struct fs_handle *h, struct eb_strbuf *out)
{
	eb_strbuf_adds(out, node_prog(h->node)->log);
	return 0;
}

/* --- run ------------------------------------------------------------------------------ */

/* Smallest input of the types that run on a packet: an Ethernet header. */
#define RUN_MIN_PACKET 14

/* Does the kernel run this type on packet bytes (data_in)? */
static bool run_takes_packet(uint32_t type)
{
	switch (type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_LWT_SEG6LOCAL:
	case BPF_PROG_TYPE_FLOW_DISSECTOR:
		return true;
	default:
		return false;
	}
}

/*
 * Input bytes this type can never take, however many more are written:
 * -EOPNOTSUPP for types without test runs, -EINVAL for types that run on
 * a context only (the kernel refuses data_in); 0 otherwise.
 */
static int run_refuses_bytes(uint32_t type)
{
	switch (type) {
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT:
		return -EOPNOTSUPP;
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
	case BPF_PROG_TYPE_SK_LOOKUP:
	case BPF_PROG_TYPE_SYSCALL:
		return -EINVAL;
	default:
		return 0;
	}
}

/* Why a run of p on size input bytes failed with err, as far as known. */
static void run_cause(const struct fs_prog *p, size_t size, int err, struct eb_strbuf *out)
{
	const char *ts = eb_prog_type_str(p->type) ?: "?";

	if (err == -EOPNOTSUPP || err == -EB_ENOTSUPP) {
		eb_strbuf_addf(out, "the kernel has no test runs for %s programs", ts);
	} else if (err == -EINVAL && run_refuses_bytes(p->type) == -EINVAL && size) {
		eb_strbuf_addf(out, "a %s program runs on a context, not on input bytes", ts);
	} else if (err == -EINVAL && run_takes_packet(p->type) && size < RUN_MIN_PACKET) {
		eb_strbuf_addf(out, "an %s input needs at least %d bytes (an Ethernet header)", ts,
			       RUN_MIN_PACKET);
	} else if (err == -EINVAL) {
		eb_strbuf_addf(out, "the kernel refused this input for a %s program", ts);
	} else {
		eb_strbuf_adds(out, "the kernel refused the test run");
	}
}

/* Replace p's last result with one line: what failed and why. */
static void run_record_error(struct fs_prog *p, size_t size, int err)
{
	struct eb_strbuf cause = EB_STRBUF_INIT;
	const char *what, *why;

	run_cause(p, size, err, &cause);
	what = eb_strerror(err == -EB_ENOTSUPP ? -EOPNOTSUPP : err);
	why = eb_strbuf_error(&cause) ? "?" : cause.buf;
	eb_warn("fs", "progs/%s/run: %zu bytes of input: %s: %s", p->name, size, what, why);
	pthread_mutex_lock(&p->run_lock);
	eb_strbuf_reset(&p->run_result);
	eb_strbuf_addf(&p->run_result, "error: %s: %s (a run of %s on %zu byte%s of input)\n",
		       what, why, p->name, size, size == 1 ? "" : "s");
	pthread_mutex_unlock(&p->run_lock);
	eb_strbuf_release(&cause);
}

static int run_render(struct fs_handle *h, struct eb_strbuf *out)
{
	struct fs_prog *p = node_prog(h->node);

	pthread_mutex_lock(&p->run_lock);
	eb_strbuf_add(out, p->run_result.buf, p->run_result.len);
	pthread_mutex_unlock(&p->run_lock);
	return 0;
}

/* After each write: bytes the program's type can never run on fail here
 * (and then the close runs nothing: glue.c's refused write). */
static int run_check(struct fs_handle *h)
{
	struct fs_prog *p = node_prog(h->node);
	int ret = h->wbuf.len ? run_refuses_bytes(p->type) : 0;

	if (ret)
		run_record_error(p, h->wbuf.len, ret);
	return ret;
}

static int run_commit(struct fs_handle *h)
{
	struct fs_prog *p = node_prog(h->node);
	struct eb_test_run_in in = { 0 };
	struct eb_test_run_result res;
	int ret;

	in.data = h->wbuf.len ? h->wbuf.buf : NULL;
	in.data_size = (uint32_t)h->wbuf.len;
	in.repeat = 1;
	memset(&res, 0, sizeof(res));
	fs_rdlock();
	if (fs_node_stale(h->node)) {
		fs_unlock();
		return -ENOENT;
	}
	ret = eb_prog_test_run(p->fd, &in, &res);
	fs_unlock();
	if (ret) {
		run_record_error(p, h->wbuf.len, ret);
		return ret;
	}
	pthread_mutex_lock(&p->run_lock);
	eb_strbuf_reset(&p->run_result);
	eb_strbuf_addf(&p->run_result, "retval: %u\nduration_ns: %u\ndata_size_out: %u\n",
		       res.retval, res.duration_ns, res.data_out_size);
	eb_strbuf_adds(&p->run_result, "data_out: ");
	eb_strbuf_addhex(&p->run_result, res.data_out, res.data_out_size);
	eb_strbuf_addch(&p->run_result, '\n');
	pthread_mutex_unlock(&p->run_lock);
	eb_test_run_result_release(&res);
	return 0;
}

/* --- the directory -------------------------------------------------------------------- */

static const struct fs_node_ops prog_info_ops = {
	.kind = "prog_info",
	.mode = S_IFREG | 0444,
	.live = true,
	.render = info_render,
	.read = fs_text_read,
};

static const struct fs_node_ops prog_xlated_ops = {
	.kind = "prog_xlated",
	.mode = S_IFREG | 0444,
	.render = xlated_render,
	.read = fs_text_read,
};

static const struct fs_node_ops prog_log_ops = {
	.kind = "prog_log",
	.mode = S_IFREG | 0444,
	.render = log_render,
	.read = fs_text_read,
};

static const struct fs_node_ops prog_run_ops = {
	.kind = "prog_run",
	.mode = S_IFREG | 0644,
	.live = true,
	.writable = true,
	.render = run_render,
	.read = fs_text_read,
	.check = run_check,
	.commit = run_commit,
};

static const struct {
	const char *name;
	const struct fs_node_ops *ops;
} prog_files[] = {
	{ "info", &prog_info_ops },
	{ "xlated", &prog_xlated_ops },
	{ "log", &prog_log_ops },
	{ "run", &prog_run_ops },
	{ "attach", &fs_attach_ops },
	{ "attach_error", &fs_attach_error_ops },
	{ "links", &fs_links_dir_ops },
};

static int prog_dir_lookup(struct fs_node *dir, const char *name, struct fs_entry *out)
{
	size_t i;

	for (i = 0; i < EB_ARRAY_SIZE(prog_files); i++) {
		if (!strcmp(name, prog_files[i].name)) {
			out->ops = prog_files[i].ops;
			out->backing = fs_backing_get(dir->backing);
			return 0;
		}
	}
	return -ENOENT;
}

static int prog_dir_readdir(struct fs_node *dir, struct fs_handle *dh, uint64_t pos,
			    fs_emit_fn emit, void *ctx)
{
	int n = 0;

	for (; pos < EB_ARRAY_SIZE(prog_files); pos++, n++)
		if (emit(ctx, prog_files[pos].name, prog_files[pos].ops->mode & S_IFMT, 0))
			break;
	return n;
}

const struct fs_node_ops fs_prog_dir_ops = {
	.kind = "prog",
	.mode = S_IFDIR | 0755,
	.cache_entry = true,
	.lookup = prog_dir_lookup,
	.readdir = prog_dir_readdir,
};
