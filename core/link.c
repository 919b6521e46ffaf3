/* SPDX-License-Identifier: MIT */
/*
 * link.c - struct eb_link: wrap, name, pin, reopen, update, detach,
 * describe, and running iterators.
 */
#include <errno.h>
#include <linux/pkt_sched.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach_priv.h"
#include "info.h"
#include "log.h"
#include "syscall.h"
#include "util.h"

#define TC_RECORD "ebpfs-tc"
#define PROG_ATTACH_RECORD "ebpfs-prog-attach"

struct eb_link *eb_att_link_new(enum eb_link_kind kind, enum eb_hook hook)
{
	struct eb_link *link = calloc(1, sizeof(*link));

	if (!link)
		return NULL;
	link->kind = kind;
	link->hook = hook;
	link->fd = -1;
	return link;
}

int eb_att_link_set_name(struct eb_link *link)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;

	switch (link->kind) {
	case EB_LINK_BPF:
		eb_strbuf_addf(&sb, "%u", link->id);
		break;
	case EB_LINK_TC_NETLINK:
		eb_strbuf_addf(&sb, "tc-%u-%s-%u", link->ifindex,
			       TC_H_MIN(link->tc_parent) == TC_H_MIN_EGRESS ? "egress" : "ingress",
			       link->tc_handle);
		break;
	case EB_LINK_PROG_ATTACH:
		eb_strbuf_addf(&sb, "sockmap-%u-%s-%u", link->map_id,
			       eb_attach_type_str(link->attach_type) ?: "?", link->prog_id);
		break;
	}
	if (eb_strbuf_error(&sb)) {
		eb_strbuf_release(&sb);
		return -ENOMEM;
	}
	free(link->name);
	link->name = eb_strbuf_detach(&sb, NULL);
	return link->name ? 0 : -ENOMEM;
}

void eb_link_close(struct eb_link *link)
{
	unsigned int i;

	if (!link)
		return;
	eb_zclose(&link->fd);
	for (i = 0; i < link->cpu_cnt; i++)
		eb_zclose(&link->cpu_fds[i]);
	free(link->cpu_fds);
	free(link->cpu_ids);
	free(link->name);
	free(link->line);
	free(link);
}

/* --- perf event link info (Linux 6.6+), read through our own overlay ------------ */

/* enum bpf_perf_event_type */
enum {
	PERF_EV_UPROBE = 1,
	PERF_EV_URETPROBE = 2,
	PERF_EV_KPROBE = 3,
	PERF_EV_KRETPROBE = 4,
	PERF_EV_TRACEPOINT = 5,
	PERF_EV_EVENT = 6,
};

/* struct bpf_link_info: type, id, prog_id, then the union at offset 16;
 * perf_event: u32 type, pad, then a union of { u64 name ptr, u32 name_len,
 * u32 offset, ... } (uprobe, kprobe, tracepoint) or { u64 config, u32 type }. */
struct perf_link_info {
	uint32_t type, id, prog_id, pad;
	uint32_t pe_type, pe_pad;
	uint64_t name;		/* event: config */
	uint32_t name_len;	/* event: type */
	uint32_t offset;
	uint64_t rest[6];
};

struct perf_desc {
	uint32_t pe_type;
	char name[4096];	/* a path: PATH_MAX bounded by the kernel */
	uint32_t offset;
	uint64_t config;
	uint32_t ev_type;
};

static int perf_link_info(int fd, struct perf_desc *d)
{
	struct perf_link_info k;
	uint32_t len = sizeof(k);
	int err;

	memset(&k, 0, sizeof(k));
	memset(d, 0, sizeof(*d));
	k.name = (uint64_t)(uintptr_t)d->name;
	k.name_len = sizeof(d->name);
	err = eb_sys_obj_get_info_by_fd(fd, &k, &len);
	if (err)
		return err;
	d->pe_type = k.pe_type;
	d->name[sizeof(d->name) - 1] = '\0';
	if (k.pe_type == PERF_EV_EVENT) {
		d->config = k.name;
		d->ev_type = k.name_len;
		d->name[0] = '\0';
	} else {
		d->offset = k.offset;
	}
	if (!k.pe_type)
		d->name[0] = '\0';
	return 0;
}

static enum eb_hook hook_of_info(int fd, const struct eb_link_info *info)
{
	struct perf_desc d;

	switch (info->type) {
	case BPF_LINK_TYPE_XDP:
		return EB_HOOK_XDP;
	case EB_LINK_TYPE_TCX:
		return EB_HOOK_TC;
	case BPF_LINK_TYPE_RAW_TRACEPOINT:
		return EB_HOOK_RAW_TP;
	case BPF_LINK_TYPE_ITER:
		return EB_HOOK_ITER;
	case BPF_LINK_TYPE_CGROUP:
		return EB_HOOK_CGROUP;
	case BPF_LINK_TYPE_NETNS:
		return EB_HOOK_NETNS;
	case EB_LINK_TYPE_SOCKMAP:
		return EB_HOOK_SOCKMAP;
	case BPF_LINK_TYPE_TRACING:
		switch (info->attach_type) {
		case BPF_TRACE_RAW_TP:
			return EB_HOOK_TP_BTF;
		case BPF_TRACE_FENTRY:
			return EB_HOOK_FENTRY;
		case BPF_TRACE_FEXIT:
			return EB_HOOK_FEXIT;
		case BPF_MODIFY_RETURN:
			return EB_HOOK_FMOD_RET;
		case BPF_LSM_MAC:
			return EB_HOOK_LSM;
		case BPF_TRACE_ITER:
			return EB_HOOK_ITER;
		default:
			return EB_HOOK_NONE;
		}
	case BPF_LINK_TYPE_PERF_EVENT:
		if (perf_link_info(fd, &d))
			return EB_HOOK_NONE;
		switch (d.pe_type) {
		case PERF_EV_UPROBE:
			return EB_HOOK_UPROBE;
		case PERF_EV_URETPROBE:
			return EB_HOOK_URETPROBE;
		case PERF_EV_KPROBE:
			return EB_HOOK_KPROBE;
		case PERF_EV_KRETPROBE:
			return EB_HOOK_KRETPROBE;
		case PERF_EV_TRACEPOINT:
			return EB_HOOK_TRACEPOINT;
		case PERF_EV_EVENT:
			return EB_HOOK_PERF_EVENT;
		default:
			return EB_HOOK_NONE;
		}
	default:
		return EB_HOOK_NONE;
	}
}

int eb_link_from_fd(int fd, struct eb_link **out)
{
	struct eb_link_info info;
	struct eb_link *link;
	int err;

	*out = NULL;
	err = eb_link_info_by_fd(fd, &info);
	if (err) {
		close(fd);
		return err;
	}
	link = eb_att_link_new(EB_LINK_BPF, hook_of_info(fd, &info));
	if (!link) {
		eb_link_info_release(&info);
		close(fd);
		return -ENOMEM;
	}
	link->fd = fd;
	link->id = info.id;
	link->prog_id = info.prog_id;
	eb_link_info_release(&info);
	err = eb_att_link_set_name(link);
	if (err) {
		eb_link_close(link);
		return err;
	}
	*out = link;
	return 0;
}

/* --- pinning -------------------------------------------------------------------- */

static int cpu_path(struct eb_strbuf *sb, const char *path, unsigned int n)
{
	eb_strbuf_reset(sb);
	eb_strbuf_addf(sb, "%s@%u", path, n);	/* bpffs refuses names with a dot */
	return eb_strbuf_error(sb);
}

static int record_of(const struct eb_link *link, struct eb_strbuf *sb)
{
	if (link->kind == EB_LINK_TC_NETLINK)
		eb_strbuf_addf(sb, TC_RECORD " ifindex=%u parent=%x handle=%x prio=%u qdisc=%s prog=%u",
			       link->ifindex, link->tc_parent, link->tc_handle, link->tc_prio,
			       link->qdisc_created ? "created" : "found", link->prog_id);
	else
		eb_strbuf_addf(sb, PROG_ATTACH_RECORD " map=%u attach_type=%u prog=%u",
			       link->map_id, link->attach_type, link->prog_id);
	return eb_strbuf_error(sb);
}

/* mkdir -p the parent of path (mode 0700). */
static int make_parent(const char *path)
{
	char *dir = strdup(path), *p, c;
	int err = 0;

	if (!dir)
		return -ENOMEM;
	p = strrchr(dir, '/');
	if (p && p != dir) {
		*p = '\0';
		for (p = dir + 1; !err; p++) {
			if (*p && *p != '/')
				continue;
			c = *p;
			*p = '\0';
			if (mkdir(dir, 0700) && errno != EEXIST)
				err = -errno;
			*p = c;
			if (!c)
				break;
		}
	}
	free(dir);
	return err;
}

static bool parent_is_bpffs(const char *path)
{
	char *dir = strdup(path), *p;
	bool ok;

	if (!dir)
		return false;
	p = strrchr(dir, '/');
	if (p == dir)
		p[1] = '\0';
	else if (p)
		*p = '\0';
	ok = eb_path_is_bpffs(p ? dir : ".");
	free(dir);
	return ok;
}

int eb_link_pin(const struct eb_link *link, const char *path)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	unsigned int i;
	int err;

	if (link->kind != EB_LINK_BPF) {
		err = record_of(link, &sb) ?: make_parent(path);
		if (!err && !parent_is_bpffs(path)) {
			eb_warn("attach", "pin %s: not on a bpffs", path);
			err = -EINVAL;
		}
		if (!err && symlink(sb.buf, path))
			err = -errno;
		eb_strbuf_release(&sb);
		return err;
	}
	err = eb_pin(link->fd, path);
	for (i = 0; !err && i < link->cpu_cnt; i++) {
		err = cpu_path(&sb, path, i + 1) ?: eb_pin(link->cpu_fds[i], sb.buf);
		if (err) {
			while (i-- > 0)
				if (!cpu_path(&sb, path, i + 1))
					eb_unpin(sb.buf);
			eb_unpin(path);
		}
	}
	eb_strbuf_release(&sb);
	return err;
}

int eb_link_unpin(const struct eb_link *link, const char *path)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	unsigned int i;
	int err;

	if (link->kind != EB_LINK_BPF)
		return unlink(path) ? -errno : 0;
	err = eb_unpin(path);
	for (i = 0; i < link->cpu_cnt; i++)
		if (!cpu_path(&sb, path, i + 1))
			eb_unpin(sb.buf);
	eb_strbuf_release(&sb);
	return err;
}

static int parse_record(const char *rec, struct eb_link **out)
{
	struct eb_link *link;
	char qdisc[16];
	int err;

	if (!strncmp(rec, TC_RECORD " ", sizeof(TC_RECORD))) {
		link = eb_att_link_new(EB_LINK_TC_NETLINK, EB_HOOK_TC);
		if (!link)
			return -ENOMEM;
		if (sscanf(rec, TC_RECORD " ifindex=%u parent=%x handle=%x prio=%u qdisc=%15s prog=%u",
			   &link->ifindex, &link->tc_parent, &link->tc_handle, &link->tc_prio,
			   qdisc, &link->prog_id) != 6) {
			eb_link_close(link);
			return -EINVAL;
		}
		link->qdisc_created = !strcmp(qdisc, "created");
	} else if (!strncmp(rec, PROG_ATTACH_RECORD " ", sizeof(PROG_ATTACH_RECORD))) {
		link = eb_att_link_new(EB_LINK_PROG_ATTACH, EB_HOOK_SOCKMAP);
		if (!link)
			return -ENOMEM;
		if (sscanf(rec, PROG_ATTACH_RECORD " map=%u attach_type=%u prog=%u",
			   &link->map_id, &link->attach_type, &link->prog_id) != 3) {
			eb_link_close(link);
			return -EINVAL;
		}
	} else {
		return -EINVAL;
	}
	err = eb_att_link_set_name(link);
	if (err) {
		eb_link_close(link);
		return err;
	}
	*out = link;
	return 0;
}

int eb_link_open_pinned(const char *path, struct eb_link **out)
{
	struct eb_strbuf sb = EB_STRBUF_INIT;
	struct eb_link *link;
	struct stat st;
	ssize_t n;
	int fd, err;

	*out = NULL;
	if (lstat(path, &st))
		return -errno;
	if (S_ISLNK(st.st_mode)) {
		/* bpffs reports no st_size for symlinks: grow until it fits */
		for (size_t cap = 256; ; cap *= 4) {
			err = eb_strbuf_grow(&sb, cap);
			if (err)
				return err;
			n = readlink(path, sb.buf, cap);
			if (n < 0) {
				eb_strbuf_release(&sb);
				return -errno;
			}
			if ((size_t)n < cap)
				break;
		}
		sb.buf[n] = '\0';
		sb.len = (size_t)n;
		err = parse_record(sb.buf, out);
		if (err == -EINVAL)
			eb_warn("attach", "%s: not a link record: '%s'", path, sb.buf);
		eb_strbuf_release(&sb);
		return err;
	}
	fd = eb_sys_obj_get(path, 0);
	if (fd < 0)
		return fd;
	err = eb_link_from_fd(fd, &link);
	if (err)
		return err;
	for (;;) {
		int *fds;
		uint32_t *ids;
		struct eb_link_info info;

		err = cpu_path(&sb, path, link->cpu_cnt + 1);
		if (err)
			break;
		fd = eb_sys_obj_get(sb.buf, 0);
		if (fd == -ENOENT)
			break;
		if (fd < 0) {
			err = fd;
			break;
		}
		fds = eb_reallocarray(link->cpu_fds, link->cpu_cnt + 1, sizeof(int));
		if (fds)
			link->cpu_fds = fds;
		ids = fds ? eb_reallocarray(link->cpu_ids, link->cpu_cnt + 1, sizeof(uint32_t)) : NULL;
		if (ids)
			link->cpu_ids = ids;
		if (!fds || !ids || (err = eb_link_info_by_fd(fd, &info))) {
			close(fd);
			err = err ?: -ENOMEM;
			break;
		}
		fds[link->cpu_cnt] = fd;
		ids[link->cpu_cnt] = info.id;
		link->cpu_cnt++;
		eb_link_info_release(&info);
	}
	eb_strbuf_release(&sb);
	if (err) {
		eb_link_close(link);
		return err;
	}
	*out = link;
	return 0;
}

/* --- detach / update ------------------------------------------------------------ */

static int prog_attach_op(const struct eb_link *link, int new_prog_fd)
{
	int mfd, pfd, err;

	mfd = eb_sys_map_get_fd_by_id(link->map_id);
	if (mfd < 0)
		return mfd;
	if (new_prog_fd >= 0) {
		err = eb_sys_prog_attach(new_prog_fd, mfd, link->attach_type, 0, 0);
	} else {
		pfd = eb_sys_prog_get_fd_by_id(link->prog_id);
		err = pfd < 0 ? pfd : eb_sys_prog_detach(pfd, mfd, link->attach_type);
		if (pfd >= 0)
			close(pfd);
	}
	close(mfd);
	return err;
}

int eb_link_detach(struct eb_link *link)
{
	unsigned int i;
	int err = 0, e;

	switch (link->kind) {
	case EB_LINK_BPF:
		e = eb_sys_link_detach(link->fd);
		/* types without a detach op end with their last reference */
		if (e && e != -EOPNOTSUPP && e != -EINVAL)
			err = e;
		for (i = 0; i < link->cpu_cnt; i++) {
			e = eb_sys_link_detach(link->cpu_fds[i]);
			if (e && e != -EOPNOTSUPP && e != -EINVAL && !err)
				err = e;
		}
		return err;
	case EB_LINK_TC_NETLINK:
		return eb_nl_tc_detach(link);
	case EB_LINK_PROG_ATTACH:
		return prog_attach_op(link, -1);
	}
	return -EINVAL;
}

static bool type_has_update(uint32_t link_type)
{
	switch (link_type) {
	case BPF_LINK_TYPE_RAW_TRACEPOINT:
	case BPF_LINK_TYPE_TRACING:
	case BPF_LINK_TYPE_PERF_EVENT:
	case BPF_LINK_TYPE_KPROBE_MULTI:
	case EB_LINK_TYPE_UPROBE_MULTI:
		return false;
	default:
		return true;
	}
}

/* Attach the new program by the link's line, then detach the old one. */
static int make_before_break(struct eb_link *link, int new_prog_fd, struct eb_strbuf *errmsg)
{
	struct eb_attach_spec spec;
	struct eb_link *nl = NULL, tmp;
	int err;

	if (!link->line)
		return eb_att_fail(errmsg, -EOPNOTSUPP,
				   "link %s: the kernel cannot swap its program and its attach line is not known",
				   link->name);
	err = eb_attach_parse(link->line, 0, 0, NULL, &spec, errmsg);
	if (err)
		return err;
	err = eb_attach(new_prog_fd, &spec, NULL, &nl, errmsg);
	eb_attach_spec_release(&spec);
	if (err)
		return err;
	tmp = *link;
	*link = *nl;
	*nl = tmp;
	err = eb_link_detach(nl);
	eb_link_close(nl);
	return err;
}

int eb_link_update(struct eb_link *link, int new_prog_fd, struct eb_strbuf *errmsg)
{
	struct eb_prog_info pi;
	struct eb_link_info info;
	int err;

	err = eb_prog_info_by_fd(new_prog_fd, &pi);
	if (err)
		return eb_att_fail(errmsg, err, "link %s: the new program is not a program fd",
				   link->name);
	switch (link->kind) {
	case EB_LINK_BPF:
		err = eb_link_info_by_fd(link->fd, &info);
		if (err) {
			err = eb_att_fail(errmsg, err, "link %s: %s", link->name, eb_strerror(err));
			break;
		}
		if (link->cpu_cnt || !type_has_update(info.type)) {
			eb_link_info_release(&info);
			err = make_before_break(link, new_prog_fd, errmsg);
			break;
		}
		eb_link_info_release(&info);
		err = eb_sys_link_update(link->fd, new_prog_fd, 0, -1);
		if (err)
			err = eb_att_fail(errmsg, err, "link %s: BPF_LINK_UPDATE: %s", link->name,
					  eb_strerror(err));
		else
			link->prog_id = pi.id;
		break;
	case EB_LINK_TC_NETLINK:
		err = eb_nl_tc_replace(link, new_prog_fd, pi.name);
		if (err)
			err = eb_att_fail(errmsg, err, "link %s: replacing the tc filter: %s",
					  link->name, eb_strerror(err));
		else
			link->prog_id = pi.id;
		break;
	case EB_LINK_PROG_ATTACH:
		err = prog_attach_op(link, new_prog_fd);
		if (!err) {
			link->prog_id = pi.id;
			err = eb_att_link_set_name(link);
		} else {
			err = eb_att_fail(errmsg, err, "link %s: BPF_PROG_ATTACH: %s", link->name,
					  eb_strerror(err));
		}
		break;
	}
	eb_prog_info_release(&pi);
	return err;
}

/* --- describing --------------------------------------------------------------------- */

static void add_ifindex(struct eb_strbuf *out, uint32_t ifindex)
{
	char name[IF_NAMESIZE];

	eb_strbuf_addf(out, "ifindex %u", ifindex);
	if (if_indextoname(ifindex, name))
		eb_strbuf_addf(out, " (%s)", name);
}

static void add_attach_type(struct eb_strbuf *out, uint32_t t)
{
	const char *s = eb_attach_type_str(t);

	if (s)
		eb_strbuf_addf(out, "attach_type: %s\n", s);
	else
		eb_strbuf_addf(out, "attach_type: %u\n", t);
}

static void describe_perf(int fd, struct eb_strbuf *out)
{
	struct perf_desc d;

	if (perf_link_info(fd, &d) || !d.pe_type) {
		eb_strbuf_adds(out, "target: perf event\n");
		return;
	}
	switch (d.pe_type) {
	case PERF_EV_UPROBE:
	case PERF_EV_URETPROBE:
		eb_strbuf_addf(out, "target: %s %s+0x%x\n",
			       d.pe_type == PERF_EV_UPROBE ? "uprobe" : "uretprobe", d.name, d.offset);
		break;
	case PERF_EV_KPROBE:
	case PERF_EV_KRETPROBE:
		eb_strbuf_addf(out, "target: %s %s+0x%x\n",
			       d.pe_type == PERF_EV_KPROBE ? "kprobe" : "kretprobe", d.name, d.offset);
		break;
	case PERF_EV_TRACEPOINT:
		eb_strbuf_addf(out, "target: tracepoint %s\n", d.name);
		break;
	case PERF_EV_EVENT:
		eb_strbuf_addf(out, "target: perf_event type %u config %llu\n", d.ev_type,
			       (unsigned long long)d.config);
		break;
	default:
		eb_strbuf_addf(out, "target: perf event type %u\n", d.pe_type);
		break;
	}
}

static int describe_bpf(int fd, struct eb_strbuf *out)
{
	struct eb_link_info info;
	const char *ts;
	int err;

	err = eb_link_info_by_fd(fd, &info);
	if (err)
		return err;
	ts = eb_link_type_str(info.type);
	eb_strbuf_addf(out, "id: %u\n", info.id);
	if (ts)
		eb_strbuf_addf(out, "type: %s\n", ts);
	else
		eb_strbuf_addf(out, "type: %u\n", info.type);
	eb_strbuf_addf(out, "prog_id: %u\n", info.prog_id);
	switch (info.type) {
	case BPF_LINK_TYPE_RAW_TRACEPOINT:
		eb_strbuf_addf(out, "target: raw_tracepoint %s\n", info.tp_name ?: "");
		break;
	case BPF_LINK_TYPE_TRACING:
		eb_strbuf_addf(out, "target: btf_obj_id %u btf_id %u\n", info.target_obj_id,
			       info.target_btf_id);
		add_attach_type(out, info.attach_type);
		break;
	case BPF_LINK_TYPE_CGROUP:
		eb_strbuf_addf(out, "target: cgroup_id %llu\n",
			       (unsigned long long)info.cgroup_id);
		add_attach_type(out, info.attach_type);
		break;
	case BPF_LINK_TYPE_ITER:
		eb_strbuf_addf(out, "target: iter %s", info.iter_target ?: "");
		if (info.iter_map_id)
			eb_strbuf_addf(out, " map_id %u", info.iter_map_id);
		eb_strbuf_addch(out, '\n');
		break;
	case BPF_LINK_TYPE_NETNS:
		eb_strbuf_addf(out, "target: netns_ino %u\n", info.netns_ino);
		add_attach_type(out, info.attach_type);
		break;
	case BPF_LINK_TYPE_XDP:
	case EB_LINK_TYPE_TCX:
	case EB_LINK_TYPE_NETKIT:
		eb_strbuf_adds(out, "target: ");
		add_ifindex(out, info.ifindex);
		eb_strbuf_addch(out, '\n');
		if (info.type != BPF_LINK_TYPE_XDP)
			add_attach_type(out, info.attach_type);
		break;
	case EB_LINK_TYPE_SOCKMAP:
		eb_strbuf_addf(out, "target: map_id %u\n", info.map_id);
		add_attach_type(out, info.attach_type);
		break;
	case BPF_LINK_TYPE_STRUCT_OPS:
		eb_strbuf_addf(out, "target: map_id %u\n", info.map_id);
		break;
	case EB_LINK_TYPE_NETFILTER:
		eb_strbuf_addf(out, "target: netfilter pf %u hook %u priority %d flags %u\n",
			       info.nf_pf, info.nf_hooknum, info.nf_priority, info.nf_flags);
		break;
	case BPF_LINK_TYPE_PERF_EVENT:
		describe_perf(fd, out);
		break;
	default:
		break;
	}
	eb_link_info_release(&info);
	return eb_strbuf_error(out);
}

int eb_link_describe_fd(int fd, struct eb_strbuf *out)
{
	return describe_bpf(fd, out);
}

int eb_link_describe_id(uint32_t id, struct eb_strbuf *out)
{
	int fd = eb_sys_link_get_fd_by_id(id), err;

	if (fd < 0)
		return fd;
	err = describe_bpf(fd, out);
	close(fd);
	return err;
}

int eb_link_describe(const struct eb_link *link, struct eb_strbuf *out)
{
	unsigned int i;
	int err = 0;

	switch (link->kind) {
	case EB_LINK_BPF:
		err = describe_bpf(link->fd, out);
		break;
	case EB_LINK_TC_NETLINK:
		eb_strbuf_addf(out, "name: %s\ntype: tc_netlink\nprog_id: %u\ntarget: ",
			       link->name, link->prog_id);
		add_ifindex(out, link->ifindex);
		eb_strbuf_addf(out, " %s handle %u prio %u%s\n",
			       TC_H_MIN(link->tc_parent) == TC_H_MIN_EGRESS ? "egress" : "ingress",
			       link->tc_handle, link->tc_prio,
			       link->qdisc_created ? " (clsact created by ebpfs)" : "");
		break;
	case EB_LINK_PROG_ATTACH:
		eb_strbuf_addf(out, "name: %s\ntype: prog_attach\nprog_id: %u\ntarget: map_id %u\n",
			       link->name, link->prog_id, link->map_id);
		add_attach_type(out, link->attach_type);
		break;
	}
	if (err)
		return err;
	if (link->line)
		eb_strbuf_addf(out, "line: %s\n", link->line);
	if (link->cpu_cnt) {
		eb_strbuf_adds(out, "cpu_links:");
		for (i = 0; i < link->cpu_cnt; i++)
			eb_strbuf_addf(out, " %u", link->cpu_ids[i]);
		eb_strbuf_addch(out, '\n');
	}
	return eb_strbuf_error(out);
}

/* --- iterators ------------------------------------------------------------------- */

int eb_iter_read(int link_fd, struct eb_strbuf *out)
{
	int fd, err = 0;
	ssize_t n;

	fd = eb_sys_iter_create(link_fd);
	if (fd < 0)
		return fd;
	for (;;) {
		err = eb_strbuf_grow(out, 4096);
		if (err)
			break;
		n = read(fd, out->buf + out->len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->buf[out->len] = '\0';
	}
	close(fd);
	return err;
}
