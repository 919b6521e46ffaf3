/* SPDX-License-Identifier: MIT */
/*
 * attach.c - attach lines (parse, `auto`) and attaching a program where a
 * line says.  Links themselves live in link.c, tc through rtnetlink in
 * netlink.c, tracefs / PMUs / ELF symbols in probe.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/perf_event.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "attach_priv.h"
#include "btf.h"
#include "info.h"
#include "log.h"
#include "object.h"
#include "syscall.h"
#include "util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

int eb_att_fail(struct eb_strbuf *errmsg, int err, const char *fmt, ...)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	eb_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	eb_warn("attach", "%s", sb.buf);
	if (errmsg) {
		eb_strbuf_reset(errmsg);
		eb_strbuf_adds(errmsg, "attach: ");
		eb_strbuf_add(errmsg, sb.buf, sb.len);
	}
	eb_strbuf_release(&sb);
	return err;
}

/* --- hooks ------------------------------------------------------------------ */

#define PT(x) BPF_PROG_TYPE_##x
#define MAX_TYPES 8

struct hook_def {
	const char *kw;
	enum eb_hook hook;
	uint32_t types[MAX_TYPES];	/* program types that fit; 0 ends */
};

static const struct hook_def hook_defs[] = {
	{ "xdp", EB_HOOK_XDP, { PT(XDP) } },
	{ "tc", EB_HOOK_TC, { PT(SCHED_CLS) } },
	{ "tracepoint", EB_HOOK_TRACEPOINT, { PT(TRACEPOINT) } },
	{ "raw_tracepoint", EB_HOOK_RAW_TP, { PT(RAW_TRACEPOINT), PT(RAW_TRACEPOINT_WRITABLE) } },
	{ "tp_btf", EB_HOOK_TP_BTF, { PT(TRACING) } },
	{ "fentry", EB_HOOK_FENTRY, { PT(TRACING) } },
	{ "fexit", EB_HOOK_FEXIT, { PT(TRACING) } },
	{ "fmod_ret", EB_HOOK_FMOD_RET, { PT(TRACING) } },
	{ "lsm", EB_HOOK_LSM, { PT(LSM) } },
	{ "iter", EB_HOOK_ITER, { PT(TRACING) } },
	{ "cgroup", EB_HOOK_CGROUP, { PT(CGROUP_SKB), PT(CGROUP_SOCK), PT(CGROUP_SOCK_ADDR),
				      PT(CGROUP_SOCKOPT), PT(CGROUP_SYSCTL), PT(CGROUP_DEVICE),
				      PT(SOCK_OPS), PT(LSM) } },
	{ "netns", EB_HOOK_NETNS, { PT(SK_LOOKUP), PT(FLOW_DISSECTOR) } },
	{ "sockmap", EB_HOOK_SOCKMAP, { PT(SK_SKB), PT(SK_MSG) } },
	{ "uprobe", EB_HOOK_UPROBE, { PT(KPROBE) } },
	{ "uretprobe", EB_HOOK_URETPROBE, { PT(KPROBE) } },
	{ "kprobe", EB_HOOK_KPROBE, { PT(KPROBE) } },
	{ "kretprobe", EB_HOOK_KRETPROBE, { PT(KPROBE) } },
	{ "perf_event", EB_HOOK_PERF_EVENT, { PT(PERF_EVENT) } },
	{ "raw_tp", EB_HOOK_RAW_TP, { PT(RAW_TRACEPOINT), PT(RAW_TRACEPOINT_WRITABLE) } },
	{ NULL, EB_HOOK_NONE, { 0 } },
};

const char *eb_hook_str(enum eb_hook hook)
{
	const struct hook_def *h;

	for (h = hook_defs; h->kw; h++)
		if (h->hook == hook)
			return h->kw;
	return "?";
}

static const struct hook_def *hook_by_kw(const char *kw)
{
	const struct hook_def *h;

	for (h = hook_defs; h->kw; h++)
		if (!strcmp(h->kw, kw))
			return h;
	return NULL;
}

static bool hook_fits(const struct hook_def *h, uint32_t prog_type)
{
	int i;

	if (!prog_type)
		return true;
	for (i = 0; i < MAX_TYPES && h->types[i]; i++)
		if (h->types[i] == prog_type)
			return true;
	return false;
}

/* perf_event EVENT names */
static const struct perf_ev {
	const char *name;
	uint32_t type;
	uint64_t config;
} perf_evs[] = {
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ NULL, 0, 0 },
};

static const struct perf_ev *perf_ev_find(const char *name)
{
	const struct perf_ev *e;

	for (e = perf_evs; e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

/* --- words ----------------------------------------------------------------- */

#define MAX_WORDS 8

struct words {
	char *buf;
	char *w[MAX_WORDS + 1];
	int n;
};

static int split_words(const char *line, struct words *ws, struct eb_strbuf *errmsg)
{
	char *p;

	memset(ws, 0, sizeof(*ws));
	ws->buf = strdup(line ? line : "");
	if (!ws->buf)
		return -ENOMEM;
	p = ws->buf;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			*p++ = '\0';
		if (!*p)
			break;
		if (ws->n == MAX_WORDS)
			return eb_att_fail(errmsg, -EINVAL, "too many words after '%s'",
					   ws->w[MAX_WORDS - 1]);
		ws->w[ws->n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
	}
	return 0;
}

static int too_many(const struct words *ws, int max, struct eb_strbuf *errmsg)
{
	if (ws->n <= max)
		return 0;
	return eb_att_fail(errmsg, -EINVAL, "unexpected '%s' after '%s' (the line ends there)",
			   ws->w[max], ws->w[max - 1]);
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

/* "NAME+OFF" -> NAME in place, *off.  false for a bad offset. */
static bool split_offset(char *s, uint64_t *off)
{
	char *plus = strrchr(s, '+');

	*off = 0;
	if (!plus)
		return true;
	*plus = '\0';
	return parse_u64(plus + 1, off);
}

/*
 * An attach type by bpftool's name ("cgroup_inet4_connect"), or short:
 * "ingress", "sock_create", "sock_ops", "device", "sysctl" (a "cgroup_" or
 * "cgroup_inet_" prefix is implied) and "connect4", "sendmsg6",
 * "post_bind4", "connect_unix" (the family moves into the prefix).
 */
static int cgroup_attach_type(const char *s)
{
	static const char *const prefixes[] = { "", "cgroup_", "cgroup_inet_" };
	static const char *const fam_prefixes[] = { "cgroup_inet", "cgroup_udp" };
	struct eb_strbuf sb = EB_STRBUF_INIT;
	size_t len = strlen(s);
	unsigned int i;
	int t = -EINVAL;

	for (i = 0; i < EB_ARRAY_SIZE(prefixes) && t < 0; i++) {
		eb_strbuf_reset(&sb);
		eb_strbuf_addf(&sb, "%s%s", prefixes[i], s);
		t = eb_strbuf_error(&sb) ?: eb_attach_type_parse(sb.buf);
	}
	if (t < 0 && len > 1 && (s[len - 1] == '4' || s[len - 1] == '6')) {
		for (i = 0; i < EB_ARRAY_SIZE(fam_prefixes) && t < 0; i++) {
			eb_strbuf_reset(&sb);
			eb_strbuf_addf(&sb, "%s%c_%.*s", fam_prefixes[i], s[len - 1],
				       (int)(len - 1), s);
			t = eb_strbuf_error(&sb) ?: eb_attach_type_parse(sb.buf);
		}
	}
	if (t < 0 && len > 5 && !strcmp(s + len - 5, "_unix")) {
		eb_strbuf_reset(&sb);
		eb_strbuf_addf(&sb, "cgroup_unix_%.*s", (int)(len - 5), s);
		t = eb_strbuf_error(&sb) ?: eb_attach_type_parse(sb.buf);
	}
	eb_strbuf_release(&sb);
	return t;
}

static const struct {
	const char *name;
	uint32_t type;
} sockmap_types[] = {
	{ "stream_parser", BPF_SK_SKB_STREAM_PARSER },
	{ "stream_verdict", BPF_SK_SKB_STREAM_VERDICT },
	{ "verdict", BPF_SK_SKB_VERDICT },
	{ "msg_verdict", BPF_SK_MSG_VERDICT },
};

static const char *sockmap_type_str(uint32_t t)
{
	unsigned int i;

	for (i = 0; i < EB_ARRAY_SIZE(sockmap_types); i++)
		if (sockmap_types[i].type == t)
			return sockmap_types[i].name;
	return NULL;
}

/* --- parsing one explicit line ------------------------------------------------ */

static int set_str(char **dst, const char *s)
{
	*dst = strdup(s);
	return *dst ? 0 : -ENOMEM;
}

static int parse_xdp(const struct words *ws, struct eb_attach_spec *s, struct eb_strbuf *e)
{
	if (ws->n < 2)
		return eb_att_fail(e, -EINVAL, "'xdp' needs an interface name");
	if (ws->n > 2) {
		const char *m = ws->w[2];

		if (!strcmp(m, "skb") || !strcmp(m, "generic"))
			s->xdp_flags = XDP_FLAGS_SKB_MODE;
		else if (!strcmp(m, "drv") || !strcmp(m, "native"))
			s->xdp_flags = XDP_FLAGS_DRV_MODE;
		else if (!strcmp(m, "hw") || !strcmp(m, "offload"))
			s->xdp_flags = XDP_FLAGS_HW_MODE;
		else
			return eb_att_fail(e, -EINVAL, "unknown xdp mode '%s' (skb, drv or hw)", m);
	}
	s->attach_type = BPF_XDP;
	return too_many(ws, 3, e) ?: set_str(&s->target, ws->w[1]);
}

static int parse_tc(const struct words *ws, struct eb_attach_spec *s, struct eb_strbuf *e)
{
	if (ws->n < 2)
		return eb_att_fail(e, -EINVAL, "'tc' needs an interface name");
	if (ws->n < 3)
		return eb_att_fail(e, -EINVAL, "'tc %s' needs a direction: ingress or egress",
				   ws->w[1]);
	if (!strcmp(ws->w[2], "ingress"))
		s->egress = false;
	else if (!strcmp(ws->w[2], "egress"))
		s->egress = true;
	else
		return eb_att_fail(e, -EINVAL, "tc direction '%s' is neither ingress nor egress",
				   ws->w[2]);
	if (ws->n > 3) {
		if (!strcmp(ws->w[3], "tcx"))
			s->tc_mode = EB_TC_TCX;
		else if (!strcmp(ws->w[3], "netlink"))
			s->tc_mode = EB_TC_NETLINK;
		else
			return eb_att_fail(e, -EINVAL, "unknown tc mode '%s' (tcx or netlink)",
					   ws->w[3]);
	}
	s->attach_type = s->egress ? EB_ATTACH_TCX_EGRESS : EB_ATTACH_TCX_INGRESS;
	return too_many(ws, 4, e) ?: set_str(&s->target, ws->w[1]);
}

static int parse_tracepoint(const struct words *ws, struct eb_attach_spec *s,
			    struct eb_strbuf *e)
{
	char *sep;
	int err;

	if (ws->n < 2)
		return eb_att_fail(e, -EINVAL, "'tracepoint' needs CATEGORY/NAME");
	err = too_many(ws, 2, e) ?: set_str(&s->target, ws->w[1]);
	if (err)
		return err;
	sep = strchr(s->target, '/');
	if (!sep)
		sep = strchr(s->target, ':');
	if (!sep || sep == s->target || !sep[1] || strchr(sep + 1, '/') ||
	    strchr(sep + 1, ':'))
		return eb_att_fail(e, -EINVAL, "tracepoint '%s' is not CATEGORY/NAME", ws->w[1]);
	*sep = '/';
	return 0;
}

static int parse_named(const struct words *ws, struct eb_attach_spec *s,
		       struct eb_strbuf *e, const char *what)
{
	if (ws->n < 2)
		return eb_att_fail(e, -EINVAL, "'%s' needs %s", ws->w[0], what);
	return too_many(ws, 2, e) ?: set_str(&s->target, ws->w[1]);
}

static int parse_btf_target(const struct words *ws, struct eb_attach_spec *s,
			    uint32_t expected, const char *sec_name, struct eb_strbuf *e)
{
	const char *sec_target = "";
	const char *t;
	int err;

	switch (s->hook) {
	case EB_HOOK_TP_BTF:
		s->attach_type = BPF_TRACE_RAW_TP;
		break;
	case EB_HOOK_FENTRY:
		s->attach_type = BPF_TRACE_FENTRY;
		break;
	case EB_HOOK_FEXIT:
		s->attach_type = BPF_TRACE_FEXIT;
		break;
	case EB_HOOK_FMOD_RET:
		s->attach_type = BPF_MODIFY_RETURN;
		break;
	case EB_HOOK_LSM:
		s->attach_type = BPF_LSM_MAC;
		break;
	default:
		s->attach_type = BPF_TRACE_ITER;
		break;
	}
	if (expected && expected != s->attach_type)
		return eb_att_fail(e, -EINVAL, "'%s' does not fit a program loaded for %s",
				   ws->w[0], eb_attach_type_str(expected) ?: "another attach type");
	err = too_many(ws, 2, e);
	if (err)
		return err;
	if (sec_name)
		eb_sec_def_find(sec_name, &sec_target);
	t = ws->n > 1 ? ws->w[1] : sec_target;
	if (ws->n > 1 && sec_target[0] && strcmp(ws->w[1], sec_target))
		return eb_att_fail(e, -EINVAL,
				   "'%s' target '%s' differs from '%s', the target the program was loaded for (section '%s')",
				   ws->w[0], ws->w[1], sec_target, sec_name);
	return set_str(&s->target, t);
}

static int parse_cgroup(const struct words *ws, struct eb_attach_spec *s, uint32_t expected,
			struct eb_strbuf *e)
{
	int t;

	if (ws->n < 2)
		return eb_att_fail(e, -EINVAL, "'cgroup' needs a cgroup directory path");
	if (ws->w[1][0] != '/')
		return eb_att_fail(e, -EINVAL, "cgroup path '%s' is not absolute", ws->w[1]);
	if (ws->n > 2) {
		t = cgroup_attach_type(ws->w[2]);
		if (t < 0)
			return eb_att_fail(e, -EINVAL, "unknown attach type '%s'", ws->w[2]);
		s->attach_type = (uint32_t)t;
	} else if (expected) {
		s->attach_type = expected;
	} else {
		return eb_att_fail(e, -EINVAL,
				   "'cgroup %s' needs an attach type (e.g. cgroup_inet_ingress)",
				   ws->w[1]);
	}
	return too_many(ws, 3, e) ?: set_str(&s->target, ws->w[1]);
}

static int parse_netns(const struct words *ws, struct eb_attach_spec *s, uint32_t prog_type,
		       uint32_t expected, struct eb_strbuf *e)
{
	if (ws->n < 2)
		return eb_att_fail(e, -EINVAL, "'netns' needs a network namespace path");
	if (prog_type == BPF_PROG_TYPE_SK_LOOKUP)
		s->attach_type = BPF_SK_LOOKUP;
	else if (prog_type == BPF_PROG_TYPE_FLOW_DISSECTOR)
		s->attach_type = BPF_FLOW_DISSECTOR;
	else if (expected == BPF_SK_LOOKUP || expected == BPF_FLOW_DISSECTOR)
		s->attach_type = expected;
	else
		s->attach_type = BPF_SK_LOOKUP;
	return too_many(ws, 2, e) ?: set_str(&s->target, ws->w[1]);
}

static int parse_sockmap(const struct words *ws, struct eb_attach_spec *s, uint32_t prog_type,
			 uint32_t expected, struct eb_strbuf *e)
{
	unsigned int i;

	if (ws->n < 2)
		return eb_att_fail(e, -EINVAL, "'sockmap' needs a map name");
	if (ws->n > 2) {
		for (i = 0; i < EB_ARRAY_SIZE(sockmap_types); i++)
			if (!strcmp(ws->w[2], sockmap_types[i].name))
				break;
		if (i == EB_ARRAY_SIZE(sockmap_types))
			return eb_att_fail(e, -EINVAL,
					   "unknown sockmap attach type '%s' (stream_parser, stream_verdict, verdict or msg_verdict)",
					   ws->w[2]);
		s->attach_type = sockmap_types[i].type;
	} else if (sockmap_type_str(expected)) {
		s->attach_type = expected;
	} else if (prog_type == BPF_PROG_TYPE_SK_MSG) {
		s->attach_type = BPF_SK_MSG_VERDICT;
	} else {
		s->attach_type = BPF_SK_SKB_STREAM_VERDICT;
	}
	return too_many(ws, 3, e) ?: set_str(&s->target, ws->w[1]);
}

static int parse_uprobe(const struct words *ws, struct eb_attach_spec *s, struct eb_strbuf *e)
{
	char *colon, *sym;
	uint64_t num;
	int err;

	if (ws->n < 2)
		return eb_att_fail(e, -EINVAL, "'%s' needs BINARY:SYMBOL", ws->w[0]);
	err = too_many(ws, 2, e) ?: set_str(&s->target, ws->w[1]);
	if (err)
		return err;
	colon = strrchr(s->target, ':');
	if (!colon)
		return eb_att_fail(e, -EINVAL, "'%s' is not BINARY:SYMBOL", ws->w[1]);
	*colon = '\0';
	sym = colon + 1;
	if (s->target[0] != '/')
		return eb_att_fail(e, -EINVAL, "uprobe binary '%s' is not an absolute path",
				   s->target);
	if (!split_offset(sym, &s->offset))
		return eb_att_fail(e, -EINVAL, "bad offset after '%s' in '%s'", sym, ws->w[1]);
	if (!*sym)
		return eb_att_fail(e, -EINVAL, "'%s' names no symbol after the binary", ws->w[1]);
	if (parse_u64(sym, &num)) {
		/* a plain file offset */
		if (num > UINT64_MAX - s->offset)
			return eb_att_fail(e, -EINVAL,
					   "file offset 0x%llx + 0x%llx in '%s' overflows",
					   (unsigned long long)num,
					   (unsigned long long)s->offset, ws->w[1]);
		s->offset += num;
		return 0;
	}
	/*
	 * The kernel takes a uretprobe anywhere an instruction starts, but
	 * hijacks the return address as at a function's entry: further in,
	 * after the prologue moved the stack, it would clobber a saved
	 * register instead.  Like a kretprobe, refuse the offset.
	 */
	if (s->hook == EB_HOOK_URETPROBE && s->offset)
		return eb_att_fail(e, -EINVAL,
				   "uretprobe '%s': a uretprobe must be at a function's entry, not at +0x%llx",
				   ws->w[1], (unsigned long long)s->offset);
	return set_str(&s->symbol, sym);
}

static int parse_kprobe(const struct words *ws, struct eb_attach_spec *s, struct eb_strbuf *e)
{
	int err;

	if (ws->n < 2)
		return eb_att_fail(e, -EINVAL, "'%s' needs a kernel function", ws->w[0]);
	err = too_many(ws, 2, e) ?: set_str(&s->target, ws->w[1]);
	if (err)
		return err;
	if (!split_offset(s->target, &s->offset))
		return eb_att_fail(e, -EINVAL, "bad offset in '%s'", ws->w[1]);
	if (!s->target[0])
		return eb_att_fail(e, -EINVAL, "'%s' names no function", ws->w[1]);
	if (s->hook == EB_HOOK_KRETPROBE && s->offset)
		return eb_att_fail(e, -EINVAL, "kretprobe '%s' cannot take an offset", ws->w[1]);
	return 0;
}

static int parse_perf_event(const struct words *ws, struct eb_attach_spec *s,
			    struct eb_strbuf *e)
{
	if (ws->n < 2)
		return eb_att_fail(e, -EINVAL, "'perf_event' needs EVENT FREQ (e.g. cpu-clock 99)");
	if (!perf_ev_find(ws->w[1]))
		return eb_att_fail(e, -EINVAL,
				   "unknown perf event '%s' (cpu-clock, task-clock, page-faults, context-switches, cpu-migrations, cycles, instructions, cache-misses, branch-misses)",
				   ws->w[1]);
	if (ws->n < 3)
		return eb_att_fail(e, -EINVAL, "'perf_event %s' needs a frequency (samples/s)",
				   ws->w[1]);
	if (!parse_u64(ws->w[2], &s->freq) || !s->freq || s->freq > 1000000)
		return eb_att_fail(e, -EINVAL, "bad perf_event frequency '%s' (1..1000000)",
				   ws->w[2]);
	return too_many(ws, 3, e) ?: set_str(&s->target, ws->w[1]);
}

static int canonical_line(struct eb_attach_spec *s)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;

	eb_strbuf_adds(&sb, eb_hook_str(s->hook));
	switch (s->hook) {
	case EB_HOOK_XDP:
		eb_strbuf_addf(&sb, " %s", s->target);
		if (s->xdp_flags & XDP_FLAGS_SKB_MODE)
			eb_strbuf_adds(&sb, " skb");
		else if (s->xdp_flags & XDP_FLAGS_DRV_MODE)
			eb_strbuf_adds(&sb, " drv");
		else if (s->xdp_flags & XDP_FLAGS_HW_MODE)
			eb_strbuf_adds(&sb, " hw");
		break;
	case EB_HOOK_TC:
		eb_strbuf_addf(&sb, " %s %s", s->target, s->egress ? "egress" : "ingress");
		if (s->tc_mode == EB_TC_TCX)
			eb_strbuf_adds(&sb, " tcx");
		else if (s->tc_mode == EB_TC_NETLINK)
			eb_strbuf_adds(&sb, " netlink");
		break;
	case EB_HOOK_CGROUP:
		eb_strbuf_addf(&sb, " %s %s", s->target,
			       eb_attach_type_str(s->attach_type) ?: "?");
		break;
	case EB_HOOK_SOCKMAP:
		eb_strbuf_addf(&sb, " %s %s", s->target, sockmap_type_str(s->attach_type));
		break;
	case EB_HOOK_UPROBE:
	case EB_HOOK_URETPROBE:
		if (s->symbol)
			eb_strbuf_addf(&sb, " %s:%s", s->target, s->symbol);
		else
			eb_strbuf_addf(&sb, " %s:0x%llx", s->target,
				       (unsigned long long)s->offset);
		if (s->symbol && s->offset)
			eb_strbuf_addf(&sb, "+0x%llx", (unsigned long long)s->offset);
		break;
	case EB_HOOK_KPROBE:
	case EB_HOOK_KRETPROBE:
		eb_strbuf_addf(&sb, " %s", s->target);
		if (s->offset)
			eb_strbuf_addf(&sb, "+0x%llx", (unsigned long long)s->offset);
		break;
	case EB_HOOK_PERF_EVENT:
		eb_strbuf_addf(&sb, " %s %llu", s->target, (unsigned long long)s->freq);
		break;
	default:
		if (s->target && s->target[0])
			eb_strbuf_addf(&sb, " %s", s->target);
		break;
	}
	if (eb_strbuf_error(&sb)) {
		eb_strbuf_release(&sb);
		return -ENOMEM;
	}
	s->line = eb_strbuf_detach(&sb, NULL);
	return s->line ? 0 : -ENOMEM;
}

static int parse_explicit(const struct words *ws, uint32_t prog_type, uint32_t expected,
			  const char *sec_name, struct eb_attach_spec *s, struct eb_strbuf *e)
{
	const struct hook_def *h = hook_by_kw(ws->w[0]);
	int err;

	if (!h)
		return eb_att_fail(e, -EINVAL,
				   "unknown attach point '%s' (auto, xdp, tc, tracepoint, raw_tracepoint, tp_btf, fentry, fexit, fmod_ret, lsm, iter, cgroup, netns, sockmap, uprobe, uretprobe, kprobe, kretprobe, perf_event)",
				   ws->w[0]);
	if (!hook_fits(h, prog_type))
		return eb_att_fail(e, -EINVAL, "'%s' does not fit a %s program", ws->w[0],
				   eb_prog_type_str(prog_type) ?: "program of this type");
	s->hook = h->hook;
	s->prog_type = prog_type;
	switch (h->hook) {
	case EB_HOOK_XDP:
		err = parse_xdp(ws, s, e);
		break;
	case EB_HOOK_TC:
		err = parse_tc(ws, s, e);
		break;
	case EB_HOOK_TRACEPOINT:
		err = parse_tracepoint(ws, s, e);
		break;
	case EB_HOOK_RAW_TP:
		err = parse_named(ws, s, e, "a tracepoint name");
		break;
	case EB_HOOK_TP_BTF:
	case EB_HOOK_FENTRY:
	case EB_HOOK_FEXIT:
	case EB_HOOK_FMOD_RET:
	case EB_HOOK_LSM:
	case EB_HOOK_ITER:
		err = parse_btf_target(ws, s, expected, sec_name, e);
		break;
	case EB_HOOK_CGROUP:
		err = parse_cgroup(ws, s, expected, e);
		break;
	case EB_HOOK_NETNS:
		err = parse_netns(ws, s, prog_type, expected, e);
		break;
	case EB_HOOK_SOCKMAP:
		err = parse_sockmap(ws, s, prog_type, expected, e);
		break;
	case EB_HOOK_UPROBE:
	case EB_HOOK_URETPROBE:
		err = parse_uprobe(ws, s, e);
		break;
	case EB_HOOK_KPROBE:
	case EB_HOOK_KRETPROBE:
		err = parse_kprobe(ws, s, e);
		break;
	case EB_HOOK_PERF_EVENT:
		err = parse_perf_event(ws, s, e);
		break;
	default:
		err = -EINVAL;
		break;
	}
	if (err == -ENOMEM)
		return eb_att_fail(e, err, "out of memory");
	return err ?: canonical_line(s);
}

/* --- auto -------------------------------------------------------------------- */

/* Append the words of ws after `auto` to sb. */
static void add_args(struct eb_strbuf *sb, const struct words *ws)
{
	int i;

	for (i = 1; i < ws->n; i++)
		eb_strbuf_addf(sb, " %s", ws->w[i]);
}

static bool is_cgroup_type(uint32_t t)
{
	switch (t) {
	case PT(CGROUP_SKB):
	case PT(CGROUP_SOCK):
	case PT(CGROUP_SOCK_ADDR):
	case PT(CGROUP_SOCKOPT):
	case PT(CGROUP_SYSCTL):
	case PT(CGROUP_DEVICE):
	case PT(SOCK_OPS):
		return true;
	default:
		return false;
	}
}

/* Build the explicit line `auto ...` means for section sec_name into sb. */
static int auto_line(const struct words *ws, const char *sec_name, struct eb_strbuf *sb,
		     bool *self_netns, struct eb_strbuf *e)
{
	const struct eb_sec_def *d;
	const char *tgt = "";
	bool has_arg = ws->n > 1;
	const char *kw;
	int i;

	if (!sec_name)
		return eb_att_fail(e, -EINVAL, "'auto' needs the program's section name, which is not known here");
	d = eb_sec_def_find(sec_name, &tgt);
	if (!d)
		return eb_att_fail(e, -EINVAL, "auto: unknown section name '%s'", sec_name);

	switch (d->prog_type) {
	case PT(TRACEPOINT):
	case PT(RAW_TRACEPOINT):
	case PT(RAW_TRACEPOINT_WRITABLE):
	case PT(TRACING):
	case PT(LSM):
		if (d->prog_type == PT(LSM) && d->expected_attach_type == BPF_LSM_CGROUP) {
			if (!has_arg)
				return eb_att_fail(e, -EINVAL, "auto: section '%s' needs a cgroup path: write 'auto PATH'",
						   sec_name);
			eb_strbuf_adds(sb, "cgroup");
			add_args(sb, ws);
			if (ws->n == 2)
				eb_strbuf_adds(sb, " lsm_cgroup");
			return 0;
		}
		if (!tgt[0])
			return eb_att_fail(e, -EINVAL, "auto: section '%s' names no target: write the attach point explicitly",
					   sec_name);
		if (has_arg)
			return too_many(ws, 1, e);
		if (d->prog_type == PT(TRACEPOINT))
			kw = "tracepoint";
		else if (d->prog_type == PT(LSM))
			kw = "lsm";
		else if (d->prog_type != PT(TRACING))
			kw = "raw_tracepoint";
		else if (d->expected_attach_type == BPF_TRACE_RAW_TP)
			kw = "tp_btf";
		else if (d->expected_attach_type == BPF_TRACE_FENTRY)
			kw = "fentry";
		else if (d->expected_attach_type == BPF_TRACE_FEXIT)
			kw = "fexit";
		else if (d->expected_attach_type == BPF_MODIFY_RETURN)
			kw = "fmod_ret";
		else
			kw = "iter";
		eb_strbuf_addf(sb, "%s %s", kw, tgt);
		return 0;
	case PT(KPROBE):
		if (!strcmp(d->prefix, "uprobe") || !strcmp(d->prefix, "uretprobe") ||
		    !strcmp(d->prefix, "kprobe") || !strcmp(d->prefix, "kretprobe")) {
			if (!tgt[0])
				return eb_att_fail(e, -EINVAL, "auto: section '%s' names no target: write '%s %s'",
						   sec_name, d->prefix,
						   d->prefix[0] == 'u' ? "BINARY:SYMBOL" : "FUNCTION");
			if (has_arg)
				return too_many(ws, 1, e);
			eb_strbuf_addf(sb, "%s %s", d->prefix, tgt);
			return 0;
		}
		break;
	case PT(XDP):
		if (d->expected_attach_type != BPF_XDP)
			break;	/* devmap / cpumap programs go into maps */
		if (!has_arg)
			return eb_att_fail(e, -EINVAL, "auto: section '%s' needs an interface name: write 'auto IFNAME'",
					   sec_name);
		eb_strbuf_adds(sb, "xdp");
		add_args(sb, ws);
		return 0;
	case PT(SCHED_CLS):
		if (!has_arg)
			return eb_att_fail(e, -EINVAL, "auto: section '%s' needs an interface name: write 'auto IFNAME%s'",
					   sec_name, d->expected_attach_type ? "" : " ingress|egress");
		if (d->expected_attach_type == EB_ATTACH_TCX_INGRESS ||
		    d->expected_attach_type == EB_ATTACH_TCX_EGRESS) {
			/* the section says the direction: "tc IFNAME DIR [MODE]" */
			eb_strbuf_addf(sb, "tc %s %s", ws->w[1],
				       d->expected_attach_type == EB_ATTACH_TCX_INGRESS ?
				       "ingress" : "egress");
			for (i = 2; i < ws->n; i++)
				eb_strbuf_addf(sb, " %s", ws->w[i]);
			return 0;
		}
		if (ws->n == 2)
			return eb_att_fail(e, -EINVAL, "auto: section '%s' needs a direction: write 'auto %s ingress|egress'",
					   sec_name, ws->w[1]);
		eb_strbuf_adds(sb, "tc");
		add_args(sb, ws);
		return 0;
	case PT(SK_LOOKUP):
	case PT(FLOW_DISSECTOR):
		eb_strbuf_adds(sb, "netns");
		if (has_arg) {
			add_args(sb, ws);
		} else {
			eb_strbuf_adds(sb, " /proc/self/ns/net");
			*self_netns = true;
		}
		return 0;
	case PT(SK_SKB):
	case PT(SK_MSG):
		if (!has_arg)
			return eb_att_fail(e, -EINVAL, "auto: section '%s' needs a sockmap: write 'auto MAPNAME'",
					   sec_name);
		eb_strbuf_adds(sb, "sockmap");
		add_args(sb, ws);
		return 0;
	case PT(PERF_EVENT):
		if (!has_arg)
			return eb_att_fail(e, -EINVAL, "auto: section '%s' needs an event and a frequency: write 'auto cpu-clock 99'",
					   sec_name);
		eb_strbuf_adds(sb, "perf_event");
		add_args(sb, ws);
		return 0;
	default:
		if (is_cgroup_type(d->prog_type)) {
			if (!has_arg)
				return eb_att_fail(e, -EINVAL, "auto: section '%s' needs a cgroup path: write 'auto PATH'",
						   sec_name);
			eb_strbuf_adds(sb, "cgroup");
			add_args(sb, ws);
			if (ws->n == 2 && d->expected_attach_type)
				eb_strbuf_addf(sb, " %s",
					       eb_attach_type_str(d->expected_attach_type) ?: "?");
			return 0;
		}
		break;
	}
	return eb_att_fail(e, -EINVAL, "auto: section '%s' says no attach point ebpfs can attach to: write it explicitly",
			   sec_name);
}

int eb_attach_parse(const char *line, uint32_t prog_type, uint32_t expected,
		    const char *sec_name, struct eb_attach_spec *spec, struct eb_strbuf *errmsg)
{
	struct eb_strbuf gen = EB_STRBUF_INIT;
	struct words ws, ws2;
	bool self_netns = false;
	int err;

	memset(spec, 0, sizeof(*spec));
	memset(&ws2, 0, sizeof(ws2));
	err = split_words(line, &ws, errmsg);
	if (err)
		goto out;
	if (!ws.n) {
		err = eb_att_fail(errmsg, -EINVAL, "empty line: write an attach point (e.g. 'auto')");
		goto out;
	}
	if (strcmp(ws.w[0], "auto")) {
		err = parse_explicit(&ws, prog_type, expected, sec_name, spec, errmsg);
		goto out;
	}
	err = auto_line(&ws, sec_name, &gen, &self_netns, errmsg);
	if (err)
		goto out;
	if (eb_strbuf_error(&gen)) {
		err = -ENOMEM;
		goto out;
	}
	eb_debug("attach", "auto: section '%s' -> '%s'", sec_name, gen.buf);
	err = split_words(gen.buf, &ws2, errmsg) ?:
	      parse_explicit(&ws2, prog_type, expected, sec_name, spec, errmsg);
	spec->self_netns = !err && self_netns;
out:
	if (err == -ENOMEM && errmsg && !errmsg->len)
		eb_att_fail(errmsg, err, "out of memory");
	if (err)
		eb_attach_spec_release(spec);
	free(ws.buf);
	free(ws2.buf);
	eb_strbuf_release(&gen);
	return err;
}

void eb_attach_spec_release(struct eb_attach_spec *spec)
{
	eb_zfree(&spec->target);
	eb_zfree(&spec->symbol);
	eb_zfree(&spec->line);
	memset(spec, 0, sizeof(*spec));
}

/* --- attaching ----------------------------------------------------------------- */

static int refused(struct eb_strbuf *e, const struct eb_attach_spec *s, int err)
{
	return eb_att_fail(e, err, "kernel refused '%s': %s", s->line, eb_strerror(err));
}

/* A BPF link around a new link fd (taken). */
static int bpf_link_wrap(int fd, const struct eb_attach_spec *s, struct eb_link **out)
{
	struct eb_link *link = eb_att_link_new(EB_LINK_BPF, s->hook);
	struct eb_link_info info;
	int err;

	if (!link) {
		close(fd);
		return -ENOMEM;
	}
	link->fd = fd;
	err = eb_link_info_by_fd(fd, &info);
	if (!err) {
		link->id = info.id;
		link->prog_id = info.prog_id;
		eb_link_info_release(&info);
	} else if (err == -EINVAL) {
		/* raw_tracepoint_open fds of old kernels are not links */
		err = 0;
	}
	if (!err)
		err = eb_att_link_set_name(link);
	if (!err && !(link->line = strdup(s->line)))
		err = -ENOMEM;
	if (err) {
		eb_link_close(link);
		return err;
	}
	*out = link;
	return 0;
}

static int ifindex_of(const struct eb_attach_spec *s, struct eb_strbuf *e)
{
	unsigned int idx = if_nametoindex(s->target);

	if (!idx)
		return eb_att_fail(e, -ENOENT, "no such interface '%s'", s->target);
	return (int)idx;
}

static int attach_xdp(int prog_fd, const struct eb_attach_spec *s, struct eb_link **out,
		      struct eb_strbuf *e)
{
	struct eb_link_create_opts o = { .flags = s->xdp_flags };
	int idx, fd;

	idx = ifindex_of(s, e);
	if (idx < 0)
		return idx;
	fd = eb_sys_link_create(prog_fd, idx, BPF_XDP, &o);
	if (fd < 0)
		return refused(e, s, fd);
	return bpf_link_wrap(fd, s, out);
}

static int attach_tc(int prog_fd, const struct eb_attach_spec *s, struct eb_link **out,
		     struct eb_strbuf *e)
{
	struct eb_prog_info pi;
	struct eb_link *link;
	int idx, fd, err;

	idx = ifindex_of(s, e);
	if (idx < 0)
		return idx;
	if (s->tc_mode != EB_TC_NETLINK) {
		fd = eb_sys_link_create(prog_fd, idx, s->attach_type, NULL);
		if (fd >= 0)
			return bpf_link_wrap(fd, s, out);
		if (s->tc_mode == EB_TC_TCX || fd != -EINVAL)
			return refused(e, s, fd);
		eb_info("attach", "tc %s: no tcx link (%s): using a clsact qdisc", s->target,
			eb_strerror(fd));
	}
	err = eb_prog_info_by_fd(prog_fd, &pi);
	if (err)
		return eb_att_fail(e, err, "tc %s: not a program fd: %s", s->target,
				   eb_strerror(err));
	link = eb_att_link_new(EB_LINK_TC_NETLINK, EB_HOOK_TC);
	if (!link) {
		eb_prog_info_release(&pi);
		return -ENOMEM;
	}
	link->prog_id = pi.id;
	err = eb_nl_tc_attach((uint32_t)idx, s->egress, prog_fd, pi.name, link);
	eb_prog_info_release(&pi);
	if (err) {
		eb_link_close(link);
		return refused(e, s, err);
	}
	err = eb_att_link_set_name(link);
	if (!err && !(link->line = strdup(s->line)))
		err = -ENOMEM;
	if (err) {
		eb_nl_tc_detach(link);
		eb_link_close(link);
		return err;
	}
	*out = link;
	return 0;
}

/* Link a perf event fd (taken) to the program. */
static int perf_link(int prog_fd, int pfd, const struct eb_attach_spec *s, struct eb_link **out,
		     struct eb_strbuf *e)
{
	int fd = eb_sys_link_create(prog_fd, pfd, BPF_PERF_EVENT, NULL);

	close(pfd);
	if (fd < 0)
		return refused(e, s, fd);
	return bpf_link_wrap(fd, s, out);
}

static int attach_tracepoint(int prog_fd, const struct eb_attach_spec *s, struct eb_link **out,
			     struct eb_strbuf *e)
{
	struct perf_event_attr attr;
	char *cat, *name;
	int id, pfd, err = 0;

	cat = strdup(s->target);
	if (!cat)
		return -ENOMEM;
	name = strchr(cat, '/');
	*name++ = '\0';
	if (!eb_tracefs_dir(&err))
		err = eb_att_fail(e, err, "tracepoint %s: tracefs is not mounted and cannot be: %s",
				  s->target, eb_strerror(err));
	id = err ? err : eb_tracepoint_id(cat, name);
	free(cat);
	if (err)
		return err;
	if (id < 0)
		return eb_att_fail(e, id, "no tracepoint '%s' (%s/events/%s/id)", s->target,
				   eb_tracefs_dir(NULL), s->target);
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = (uint64_t)id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	pfd = eb_att_perf_event_open(&attr, -1, 0);
	if (pfd < 0)
		return eb_att_fail(e, pfd, "tracepoint %s: perf_event_open: %s", s->target,
				   eb_strerror(pfd));
	return perf_link(prog_fd, pfd, s, out, e);
}

static int attach_raw_tp(int prog_fd, const struct eb_attach_spec *s, struct eb_link **out,
			 struct eb_strbuf *e)
{
	int fd = eb_sys_raw_tracepoint_open(s->target, prog_fd);

	if (fd == -ENOENT)
		return eb_att_fail(e, fd, "no raw tracepoint '%s'", s->target);
	if (fd < 0)
		return refused(e, s, fd);
	return bpf_link_wrap(fd, s, out);
}

/* Check that a BTF target exists in vmlinux BTF (the kernel checked it at
 * load time already; this is for a readable message). */
static int check_btf_target(const struct eb_attach_spec *s, struct eb_strbuf *e)
{
	struct eb_strbuf name = EB_STRBUF_INIT;
	struct eb_btf *vmlinux = NULL;
	int kind = BTF_KIND_FUNC, err;

	if (!s->target[0] || s->hook == EB_HOOK_ITER)
		return 0;
	if (eb_btf_load_vmlinux(&vmlinux))
		return 0;	/* no BTF: let the kernel decide */
	if (s->hook == EB_HOOK_TP_BTF) {
		eb_strbuf_adds(&name, "btf_trace_");
		kind = BTF_KIND_TYPEDEF;
	} else if (s->hook == EB_HOOK_LSM) {
		eb_strbuf_adds(&name, "bpf_lsm_");
	}
	eb_strbuf_adds(&name, s->target);
	err = eb_strbuf_error(&name);
	if (!err && eb_btf_find_by_name_kind(vmlinux, name.buf, kind) < 0)
		err = eb_att_fail(e, -ENOENT, "%s target '%s': no '%s' in the kernel's BTF",
				  eb_hook_str(s->hook), s->target, name.buf);
	eb_strbuf_release(&name);
	eb_btf_free(vmlinux);
	return err;
}

static int attach_tracing(int prog_fd, const struct eb_attach_spec *s, struct eb_link **out,
			  struct eb_strbuf *e)
{
	int fd, err;

	err = check_btf_target(s, e);
	if (err)
		return err;
	if (s->hook == EB_HOOK_ITER)
		fd = eb_sys_link_create(prog_fd, 0, BPF_TRACE_ITER, NULL);
	else
		fd = eb_sys_raw_tracepoint_open(NULL, prog_fd);
	if (fd < 0)
		return refused(e, s, fd);
	return bpf_link_wrap(fd, s, out);
}

static int attach_cgroup(int prog_fd, const struct eb_attach_spec *s, struct eb_link **out,
			 struct eb_strbuf *e)
{
	struct statfs st;
	int cfd, fd;

	cfd = open(s->target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cfd < 0)
		return eb_att_fail(e, -errno, "cgroup '%s': %s", s->target, eb_strerror(-errno));
	if (fstatfs(cfd, &st) || st.f_type != CGROUP2_SUPER_MAGIC) {
		close(cfd);
		return eb_att_fail(e, -EINVAL, "'%s' is not a cgroup v2 directory", s->target);
	}
	fd = eb_sys_link_create(prog_fd, cfd, s->attach_type, NULL);
	close(cfd);
	if (fd < 0)
		return refused(e, s, fd);
	return bpf_link_wrap(fd, s, out);
}

static int attach_netns(int prog_fd, const struct eb_attach_spec *s, struct eb_link **out,
			struct eb_strbuf *e)
{
	int nfd, fd;

	nfd = open(s->target, O_RDONLY | O_CLOEXEC);
	if (nfd < 0)
		return eb_att_fail(e, -errno, "netns '%s': %s", s->target, eb_strerror(-errno));
	fd = eb_sys_link_create(prog_fd, nfd, s->attach_type, NULL);
	close(nfd);
	if (fd == -EINVAL)
		return eb_att_fail(e, fd, "kernel refused '%s': %s (is '%s' a network namespace?)",
				   s->line, eb_strerror(fd), s->target);
	if (fd < 0)
		return refused(e, s, fd);
	return bpf_link_wrap(fd, s, out);
}

/* A sockmap/sockhash by "id:N", pinned path or unique kernel name. */
static int find_sockmap(const char *name)
{
	struct eb_map_info mi;
	uint32_t id = 0;
	uint64_t v;
	int fd = -ENOENT, cand;

	if (name[0] == '/')
		return eb_sys_obj_get(name, 0);
	if (!strncmp(name, "id:", 3)) {
		if (!parse_u64(name + 3, &v) || v > UINT32_MAX)
			return -ENOENT;
		return eb_sys_map_get_fd_by_id((uint32_t)v);
	}
	while (!eb_sys_map_get_next_id(id, &id)) {
		cand = eb_sys_map_get_fd_by_id(id);
		if (cand < 0)
			continue;
		if (eb_map_info_by_fd(cand, &mi) || strcmp(mi.name, name) ||
		    (mi.type != BPF_MAP_TYPE_SOCKMAP && mi.type != BPF_MAP_TYPE_SOCKHASH)) {
			close(cand);
			continue;
		}
		if (fd >= 0) {
			close(cand);
			close(fd);
			return -ENOTUNIQ;
		}
		fd = cand;
	}
	return fd;
}

static int attach_sockmap(int prog_fd, const struct eb_attach_spec *s,
			  const struct eb_attach_opts *opts, struct eb_link **out,
			  struct eb_strbuf *e)
{
	struct eb_map_info mi;
	struct eb_prog_info pi;
	struct eb_link *link;
	int mfd, fd, err;

	mfd = opts && opts->map_fd ? opts->map_fd(s->target, opts->ctx) : find_sockmap(s->target);
	if (mfd == -ENOTUNIQ)
		return eb_att_fail(e, -EINVAL, "several sockmaps are named '%s': name it by id:N or a pinned path",
				   s->target);
	if (mfd < 0)
		return eb_att_fail(e, -ENOENT, "no sockmap '%s'", s->target);
	err = eb_map_info_by_fd(mfd, &mi);
	if (!err && mi.type != BPF_MAP_TYPE_SOCKMAP && mi.type != BPF_MAP_TYPE_SOCKHASH)
		err = eb_att_fail(e, -EINVAL, "map '%s' is a %s, not a sockmap or sockhash",
				  s->target, eb_map_type_str(mi.type) ?: "map");
	if (err)
		goto out;
	fd = eb_sys_link_create(prog_fd, mfd, s->attach_type, NULL);
	if (fd >= 0) {
		close(mfd);
		return bpf_link_wrap(fd, s, out);
	}
	if (fd != -EINVAL) {
		err = refused(e, s, fd);
		goto out;
	}
	/* kernels before sockmap links: BPF_PROG_ATTACH to the map */
	err = eb_sys_prog_attach(prog_fd, mfd, s->attach_type, 0, 0);
	if (err) {
		err = refused(e, s, err);
		goto out;
	}
	err = eb_prog_info_by_fd(prog_fd, &pi);
	link = err ? NULL : eb_att_link_new(EB_LINK_PROG_ATTACH, EB_HOOK_SOCKMAP);
	if (!err && !link)
		err = -ENOMEM;
	if (!err) {
		link->prog_id = pi.id;
		link->map_id = mi.id;
		link->attach_type = s->attach_type;
		eb_prog_info_release(&pi);
		err = eb_att_link_set_name(link);
		if (!err && !(link->line = strdup(s->line)))
			err = -ENOMEM;
	}
	if (err) {
		eb_sys_prog_detach(prog_fd, mfd, s->attach_type);
		eb_link_close(link);
		goto out;
	}
	*out = link;
out:
	close(mfd);
	return err;
}

/* A uprobe's file offset must lie inside the binary (the kernel takes
 * any offset that is negative as a loff_t). */
static int check_file_offset(const struct eb_attach_spec *s, uint64_t off,
			     struct eb_strbuf *e)
{
	struct stat st;
	int err;

	if (stat(s->target, &st)) {
		err = -errno;
		return eb_att_fail(e, err, "uprobe binary '%s': %s", s->target,
				   eb_strerror(err));
	}
	if (off >= (uint64_t)st.st_size) {
		if (s->symbol)
			return eb_att_fail(e, -EINVAL,
					   "'%s+0x%llx' is at file offset 0x%llx, beyond the end of '%s' (%lld bytes)",
					   s->symbol, (unsigned long long)s->offset,
					   (unsigned long long)off, s->target,
					   (long long)st.st_size);
		return eb_att_fail(e, -EINVAL,
				   "file offset 0x%llx is beyond the end of '%s' (%lld bytes)",
				   (unsigned long long)off, s->target,
				   (long long)st.st_size);
	}
	return 0;
}

static int attach_probe(int prog_fd, const struct eb_attach_spec *s, struct eb_link **out,
			struct eb_strbuf *e)
{
	bool user = s->hook == EB_HOOK_UPROBE || s->hook == EB_HOOK_URETPROBE;
	bool ret = s->hook == EB_HOOK_URETPROBE || s->hook == EB_HOOK_KRETPROBE;
	const char *pmu = user ? "uprobe" : "kprobe";
	struct perf_event_attr attr;
	uint64_t off = s->offset;
	int type, bit = 0, pfd, err;

	if (user && s->symbol) {
		err = eb_elf_symbol_offset(s->target, s->symbol, &off);
		if (err == -ENOENT && access(s->target, F_OK))
			return eb_att_fail(e, err, "no such binary '%s'", s->target);
		if (err == -ENOENT)
			return eb_att_fail(e, err, "no symbol '%s' in '%s'", s->symbol, s->target);
		if (err)
			return eb_att_fail(e, err, "'%s': cannot read its symbols: %s", s->target,
					   eb_strerror(err));
		if (s->offset > UINT64_MAX - off)
			return eb_att_fail(e, -EINVAL,
					   "offset +0x%llx after '%s' (file offset 0x%llx) in '%s' overflows",
					   (unsigned long long)s->offset, s->symbol,
					   (unsigned long long)off, s->target);
		off += s->offset;
	} else if (user && access(s->target, F_OK)) {
		return eb_att_fail(e, -ENOENT, "no such binary '%s'", s->target);
	}
	if (user) {
		err = check_file_offset(s, off, e);
		if (err)
			return err;
	}
	type = eb_pmu_type(pmu);
	if (type < 0)
		return eb_att_fail(e, -EOPNOTSUPP,
				   "%s: this kernel has no %s PMU (/sys/bus/event_source/devices/%s/type is missing)",
				   eb_hook_str(s->hook), pmu, pmu);
	if (ret) {
		bit = eb_att_pmu_retprobe_bit(pmu);
		if (bit < 0)
			return eb_att_fail(e, -EOPNOTSUPP, "%s: the %s PMU has no retprobe format",
					   eb_hook_str(s->hook), pmu);
	}
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = (uint32_t)type;
	attr.config = ret ? 1ull << bit : 0;
	attr.config1 = (uint64_t)(uintptr_t)s->target;	/* uprobe_path / kprobe_func */
	attr.config2 = off;				/* probe_offset */
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	pfd = eb_att_perf_event_open(&attr, -1, 0);
	if (pfd == -ENOENT && !user)
		return eb_att_fail(e, pfd, "no kernel function '%s' to probe", s->target);
	if (user && (pfd == -EB_ENOTSUPP || pfd == -EOPNOTSUPP))
		return eb_att_fail(e, -EINVAL, "%s '%s': the kernel cannot probe the instruction at offset 0x%llx of '%s' (not the start of an instruction, or one uprobes cannot step over)",
				   eb_hook_str(s->hook), s->line + strlen(eb_hook_str(s->hook)) + 1,
				   (unsigned long long)off, s->target);
	if (pfd < 0)
		return eb_att_fail(e, pfd, "%s '%s': perf_event_open: %s", eb_hook_str(s->hook),
				   s->line + strlen(eb_hook_str(s->hook)) + 1, eb_strerror(pfd));
	return perf_link(prog_fd, pfd, s, out, e);
}

/* Move link's fd into first's per-CPU list and free link. */
static int add_cpu_link(struct eb_link *first, struct eb_link *link)
{
	int *fds = eb_reallocarray(first->cpu_fds, first->cpu_cnt + 1, sizeof(int));
	uint32_t *ids;

	if (!fds)
		return -ENOMEM;
	first->cpu_fds = fds;
	ids = eb_reallocarray(first->cpu_ids, first->cpu_cnt + 1, sizeof(uint32_t));
	if (!ids)
		return -ENOMEM;
	first->cpu_ids = ids;
	fds[first->cpu_cnt] = link->fd;
	ids[first->cpu_cnt] = link->id;
	first->cpu_cnt++;
	link->fd = -1;
	eb_link_close(link);
	return 0;
}

static int attach_perf_event(int prog_fd, const struct eb_attach_spec *s, struct eb_link **out,
			     struct eb_strbuf *e)
{
	const struct perf_ev *ev = perf_ev_find(s->target);
	struct perf_event_attr attr;
	struct eb_link *link = NULL, *first = NULL;
	int *cpus = NULL, n, i, pfd, err = 0;

	n = eb_att_online_cpus(&cpus);
	if (n < 0)
		return eb_att_fail(e, n, "perf_event: cannot read the online CPUs: %s",
				   eb_strerror(n));
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = ev->type;
	attr.config = ev->config;
	attr.freq = 1;
	attr.sample_freq = s->freq;
	for (i = 0; i < n; i++) {
		pfd = eb_att_perf_event_open(&attr, -1, cpus[i]);
		if (pfd == -ENOENT || pfd == -EOPNOTSUPP) {
			err = eb_att_fail(e, -EOPNOTSUPP, "perf event '%s' is not available on this machine",
					  s->target);
			break;
		}
		if (pfd < 0) {
			err = eb_att_fail(e, pfd, "perf_event %s on CPU %d: perf_event_open: %s",
					  s->target, cpus[i], eb_strerror(pfd));
			break;
		}
		err = perf_link(prog_fd, pfd, s, &link, e);
		if (err)
			break;
		if (!first) {
			first = link;
			link = NULL;
			continue;
		}
		/* further CPUs: keep the link fd in the first link */
		err = add_cpu_link(first, link);
		if (err)
			break;
		link = NULL;
	}
	free(cpus);
	if (err) {
		eb_link_close(link);
		eb_link_close(first);
		return err;
	}
	*out = first;
	return 0;
}

int eb_attach(int prog_fd, const struct eb_attach_spec *spec, const struct eb_attach_opts *opts,
	      struct eb_link **out, struct eb_strbuf *errmsg)
{
	*out = NULL;
	if (!spec->line)
		return eb_att_fail(errmsg, -EINVAL, "the attach spec was not parsed");
	switch (spec->hook) {
	case EB_HOOK_XDP:
		return attach_xdp(prog_fd, spec, out, errmsg);
	case EB_HOOK_TC:
		return attach_tc(prog_fd, spec, out, errmsg);
	case EB_HOOK_TRACEPOINT:
		return attach_tracepoint(prog_fd, spec, out, errmsg);
	case EB_HOOK_RAW_TP:
		return attach_raw_tp(prog_fd, spec, out, errmsg);
	case EB_HOOK_TP_BTF:
	case EB_HOOK_FENTRY:
	case EB_HOOK_FEXIT:
	case EB_HOOK_FMOD_RET:
	case EB_HOOK_LSM:
	case EB_HOOK_ITER:
		return attach_tracing(prog_fd, spec, out, errmsg);
	case EB_HOOK_CGROUP:
		return attach_cgroup(prog_fd, spec, out, errmsg);
	case EB_HOOK_NETNS:
		return attach_netns(prog_fd, spec, out, errmsg);
	case EB_HOOK_SOCKMAP:
		return attach_sockmap(prog_fd, spec, opts, out, errmsg);
	case EB_HOOK_UPROBE:
	case EB_HOOK_URETPROBE:
	case EB_HOOK_KPROBE:
	case EB_HOOK_KRETPROBE:
		return attach_probe(prog_fd, spec, out, errmsg);
	case EB_HOOK_PERF_EVENT:
		return attach_perf_event(prog_fd, spec, out, errmsg);
	default:
		return eb_att_fail(errmsg, -EINVAL, "unknown attach point");
	}
}
