/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall.h"

#define ATTR_SIZE(field) \
	(unsigned int)(offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

static inline uint64_t ptr_to_u64(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

long eb_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	long ret = syscall(__NR_bpf, cmd, attr, size);

	return ret < 0 ? -errno : ret;
}

/* Commands that create fds: retry the rare transient EAGAIN a few times. */
static int sys_bpf_fd(int cmd, union bpf_attr *attr, unsigned int size)
{
	long ret;
	int tries = 5;

	do
		ret = eb_sys_bpf(cmd, attr, size);
	while (ret == -EAGAIN && --tries > 0);
	return (int)ret;
}

bool eb_err_is_exists(int err)
{
	return err == -EEXIST;
}

bool eb_err_is_not_found(int err)
{
	return err == -ENOENT;
}

bool eb_err_is_too_big(int err)
{
	return err == -E2BIG || err == -ENOSPC;
}

bool eb_err_is_perm(int err)
{
	return err == -EPERM || err == -EACCES;
}

bool eb_err_is_unsupported(int err)
{
	return err == -EINVAL || err == -EOPNOTSUPP || err == -EB_ENOTSUPP;
}

const char *eb_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err == EB_ENOTSUPP)
		return "Operation not supported by this kernel (ENOTSUPP)";
	return strerror(err);
}

/* --- maps ---------------------------------------------------------------- */

int eb_sys_map_create(const struct eb_map_create_opts *o)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = o->type;
	attr.key_size = o->key_size;
	attr.value_size = o->value_size;
	attr.max_entries = o->max_entries;
	attr.map_flags = o->map_flags;
	attr.inner_map_fd = (uint32_t)o->inner_map_fd;
	attr.numa_node = o->numa_node;
	if (o->name)
		strncpy(attr.map_name, o->name, sizeof(attr.map_name) - 1);
	attr.map_ifindex = o->map_ifindex;
	attr.btf_fd = (uint32_t)o->btf_fd;
	attr.btf_key_type_id = o->btf_key_type_id;
	attr.btf_value_type_id = o->btf_value_type_id;
	attr.btf_vmlinux_value_type_id = o->btf_vmlinux_value_type_id;
	attr.map_extra = o->map_extra;
	return sys_bpf_fd(BPF_MAP_CREATE, &attr, ATTR_SIZE(map_extra));
}

static int map_elem_op(int cmd, int fd, const void *key, const void *value,
		       uint64_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = ptr_to_u64(key);
	attr.value = ptr_to_u64(value);
	attr.flags = flags;
	return (int)eb_sys_bpf(cmd, &attr, ATTR_SIZE(flags));
}

int eb_sys_map_lookup_elem(int fd, const void *key, void *value, uint64_t flags)
{
	return map_elem_op(BPF_MAP_LOOKUP_ELEM, fd, key, value, flags);
}

int eb_sys_map_update_elem(int fd, const void *key, const void *value, uint64_t flags)
{
	return map_elem_op(BPF_MAP_UPDATE_ELEM, fd, key, value, flags);
}

int eb_sys_map_delete_elem(int fd, const void *key)
{
	return map_elem_op(BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int eb_sys_map_lookup_and_delete_elem(int fd, const void *key, void *value, uint64_t flags)
{
	return map_elem_op(BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, key, value, flags);
}

int eb_sys_map_get_next_key(int fd, const void *key, void *next_key)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = ptr_to_u64(key);
	attr.next_key = ptr_to_u64(next_key);
	return (int)eb_sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr, ATTR_SIZE(next_key));
}

int eb_sys_map_freeze(int fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	return (int)eb_sys_bpf(BPF_MAP_FREEZE, &attr, ATTR_SIZE(map_fd));
}

static int map_batch_op(int cmd, int fd, void *in_batch, void *out_batch,
			const void *keys, const void *values, uint32_t *count,
			uint64_t elem_flags)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.batch.map_fd = (uint32_t)fd;
	attr.batch.in_batch = ptr_to_u64(in_batch);
	attr.batch.out_batch = ptr_to_u64(out_batch);
	attr.batch.keys = ptr_to_u64(keys);
	attr.batch.values = ptr_to_u64(values);
	attr.batch.count = *count;
	attr.batch.elem_flags = elem_flags;
	ret = (int)eb_sys_bpf(cmd, &attr, ATTR_SIZE(batch));
	*count = attr.batch.count;
	return ret;
}

int eb_sys_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys,
			    void *values, uint32_t *count, uint64_t elem_flags)
{
	return map_batch_op(BPF_MAP_LOOKUP_BATCH, fd, in_batch, out_batch, keys,
			    values, count, elem_flags);
}

int eb_sys_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch,
				       void *keys, void *values, uint32_t *count,
				       uint64_t elem_flags)
{
	return map_batch_op(BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd, in_batch,
			    out_batch, keys, values, count, elem_flags);
}

int eb_sys_map_update_batch(int fd, const void *keys, const void *values,
			    uint32_t *count, uint64_t elem_flags)
{
	return map_batch_op(BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, values,
			    count, elem_flags);
}

int eb_sys_map_delete_batch(int fd, const void *keys, uint32_t *count,
			    uint64_t elem_flags)
{
	return map_batch_op(BPF_MAP_DELETE_BATCH, fd, NULL, NULL, keys, NULL,
			    count, elem_flags);
}

/* --- programs ------------------------------------------------------------ */

int eb_sys_prog_load(const struct eb_prog_load_opts *o)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = o->type;
	attr.expected_attach_type = o->expected_attach_type;
	attr.insns = ptr_to_u64(o->insns);
	attr.insn_cnt = o->insn_cnt;
	attr.license = ptr_to_u64(o->license ? o->license : "");
	attr.kern_version = o->kern_version;
	attr.prog_flags = o->prog_flags;
	attr.prog_ifindex = o->prog_ifindex;
	if (o->name)
		strncpy(attr.prog_name, o->name, sizeof(attr.prog_name) - 1);
	attr.prog_btf_fd = (uint32_t)o->prog_btf_fd;
	attr.func_info = ptr_to_u64(o->func_info);
	attr.func_info_rec_size = o->func_info_rec_size;
	attr.func_info_cnt = o->func_info_cnt;
	attr.line_info = ptr_to_u64(o->line_info);
	attr.line_info_rec_size = o->line_info_rec_size;
	attr.line_info_cnt = o->line_info_cnt;
	attr.attach_btf_id = o->attach_btf_id;
	if (o->attach_prog_fd)
		attr.attach_prog_fd = (uint32_t)o->attach_prog_fd;
	else
		attr.attach_btf_obj_fd = (uint32_t)o->attach_btf_obj_fd;
	attr.fd_array = ptr_to_u64(o->fd_array);
	if (o->log_buf && o->log_size) {
		attr.log_buf = ptr_to_u64(o->log_buf);
		attr.log_size = o->log_size;
		attr.log_level = o->log_level;
		o->log_buf[0] = '\0';
	}
	return sys_bpf_fd(BPF_PROG_LOAD, &attr, ATTR_SIZE(fd_array));
}

int eb_sys_prog_test_run(int prog_fd, struct eb_test_run_opts *o)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = (uint32_t)prog_fd;
	attr.test.data_in = ptr_to_u64(o->data_in);
	attr.test.data_size_in = o->data_size_in;
	attr.test.data_out = ptr_to_u64(o->data_out);
	attr.test.data_size_out = o->data_out ? o->data_size_out : 0;
	attr.test.ctx_in = ptr_to_u64(o->ctx_in);
	attr.test.ctx_size_in = o->ctx_size_in;
	attr.test.ctx_out = ptr_to_u64(o->ctx_out);
	attr.test.ctx_size_out = o->ctx_out ? o->ctx_size_out : 0;
	attr.test.repeat = o->repeat;
	attr.test.flags = o->flags;
	attr.test.cpu = o->cpu;
	attr.test.batch_size = o->batch_size;
	ret = (int)eb_sys_bpf(BPF_PROG_TEST_RUN, &attr, ATTR_SIZE(test));
	o->data_size_out = attr.test.data_size_out;
	o->ctx_size_out = attr.test.ctx_size_out;
	o->retval = attr.test.retval;
	o->duration = attr.test.duration;
	return ret;
}

int eb_sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type,
		       uint32_t flags, int replace_prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)target_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = attach_type;
	attr.attach_flags = flags;
	attr.replace_bpf_fd = (uint32_t)(replace_prog_fd > 0 ? replace_prog_fd : 0);
	return (int)eb_sys_bpf(BPF_PROG_ATTACH, &attr, ATTR_SIZE(replace_bpf_fd));
}

int eb_sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)target_fd;
	attr.attach_bpf_fd = (uint32_t)(prog_fd > 0 ? prog_fd : 0);
	attr.attach_type = attach_type;
	return (int)eb_sys_bpf(BPF_PROG_DETACH, &attr, ATTR_SIZE(replace_bpf_fd));
}

int eb_sys_prog_query(int target_fd, uint32_t attach_type, uint32_t query_flags,
		      uint32_t *attach_flags, uint32_t *prog_ids, uint32_t *prog_cnt)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)target_fd;
	attr.query.attach_type = attach_type;
	attr.query.query_flags = query_flags;
	attr.query.prog_ids = ptr_to_u64(prog_ids);
	attr.query.prog_cnt = prog_ids ? *prog_cnt : 0;
	ret = (int)eb_sys_bpf(BPF_PROG_QUERY, &attr, ATTR_SIZE(query));
	if (attach_flags)
		*attach_flags = attr.query.attach_flags;
	*prog_cnt = attr.query.prog_cnt;
	return ret;
}

int eb_sys_prog_bind_map(int prog_fd, int map_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_bind_map.prog_fd = (uint32_t)prog_fd;
	attr.prog_bind_map.map_fd = (uint32_t)map_fd;
	return (int)eb_sys_bpf(BPF_PROG_BIND_MAP, &attr, ATTR_SIZE(prog_bind_map));
}

/* --- objects ------------------------------------------------------------- */

int eb_sys_obj_pin(int fd, const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = ptr_to_u64(path);
	attr.bpf_fd = (uint32_t)fd;
	return (int)eb_sys_bpf(BPF_OBJ_PIN, &attr, ATTR_SIZE(file_flags));
}

int eb_sys_obj_get(const char *path, uint32_t file_flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = ptr_to_u64(path);
	attr.file_flags = file_flags;
	return sys_bpf_fd(BPF_OBJ_GET, &attr, ATTR_SIZE(file_flags));
}

static int get_next_id(int cmd, uint32_t start_id, uint32_t *next_id)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = start_id;
	ret = (int)eb_sys_bpf(cmd, &attr, ATTR_SIZE(open_flags));
	if (!ret)
		*next_id = attr.next_id;
	return ret;
}

int eb_sys_prog_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return get_next_id(BPF_PROG_GET_NEXT_ID, start_id, next_id);
}

int eb_sys_map_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return get_next_id(BPF_MAP_GET_NEXT_ID, start_id, next_id);
}

int eb_sys_link_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return get_next_id(BPF_LINK_GET_NEXT_ID, start_id, next_id);
}

int eb_sys_btf_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return get_next_id(BPF_BTF_GET_NEXT_ID, start_id, next_id);
}

static int get_fd_by_id(int cmd, uint32_t id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;	/* prog_id, map_id, btf_id, link_id share a slot */
	return sys_bpf_fd(cmd, &attr, ATTR_SIZE(open_flags));
}

int eb_sys_prog_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_PROG_GET_FD_BY_ID, id);
}

int eb_sys_map_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_MAP_GET_FD_BY_ID, id);
}

int eb_sys_link_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_LINK_GET_FD_BY_ID, id);
}

int eb_sys_btf_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_BTF_GET_FD_BY_ID, id);
}

int eb_sys_obj_get_info_by_fd(int fd, void *info, uint32_t *info_len)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = *info_len;
	attr.info.info = ptr_to_u64(info);
	ret = (int)eb_sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, ATTR_SIZE(info));
	if (!ret)
		*info_len = attr.info.info_len;
	return ret;
}

/* --- BTF ----------------------------------------------------------------- */

int eb_sys_btf_load(const void *btf, uint32_t btf_size, char *log_buf,
		    uint32_t log_size, uint32_t log_level)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.btf = ptr_to_u64(btf);
	attr.btf_size = btf_size;
	if (log_buf && log_size) {
		attr.btf_log_buf = ptr_to_u64(log_buf);
		attr.btf_log_size = log_size;
		attr.btf_log_level = log_level;
		log_buf[0] = '\0';
	}
	return sys_bpf_fd(BPF_BTF_LOAD, &attr, ATTR_SIZE(btf_log_level));
}

/* --- attach points and links ---------------------------------------------- */

int eb_sys_raw_tracepoint_open(const char *name, int prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = ptr_to_u64(name);
	attr.raw_tracepoint.prog_fd = (uint32_t)prog_fd;
	return sys_bpf_fd(BPF_RAW_TRACEPOINT_OPEN, &attr, ATTR_SIZE(raw_tracepoint));
}

int eb_sys_task_fd_query(int pid, int fd, uint32_t flags, struct eb_task_fd_query *q)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.task_fd_query.pid = (uint32_t)pid;
	attr.task_fd_query.fd = (uint32_t)fd;
	attr.task_fd_query.flags = flags;
	attr.task_fd_query.buf = ptr_to_u64(q->buf);
	attr.task_fd_query.buf_len = q->buf ? q->buf_len : 0;
	ret = (int)eb_sys_bpf(BPF_TASK_FD_QUERY, &attr, ATTR_SIZE(task_fd_query));
	q->prog_id = attr.task_fd_query.prog_id;
	q->fd_type = attr.task_fd_query.fd_type;
	q->probe_offset = attr.task_fd_query.probe_offset;
	q->probe_addr = attr.task_fd_query.probe_addr;
	q->buf_len = attr.task_fd_query.buf_len;
	return ret;
}

/*
 * The link_create union members added after the installed headers, laid
 * over the union that follows link_create.flags (offset 16, 8-aligned).
 */
struct link_create_tail_tcx {
	uint32_t relative_fd_or_id;
	uint32_t pad;
	uint64_t expected_revision;
};

struct link_create_tail_netfilter {
	uint32_t pf;
	uint32_t hooknum;
	int32_t priority;
	uint32_t flags;
};

int eb_sys_link_create(int prog_fd, int target_fd, uint32_t attach_type,
		       const struct eb_link_create_opts *o)
{
	union bpf_attr attr;
	void *tail;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (uint32_t)prog_fd;
	attr.link_create.target_fd = (uint32_t)target_fd;
	attr.link_create.attach_type = attach_type;
	tail = (char *)&attr.link_create + 16;
	if (!o)
		goto call;
	attr.link_create.flags = o->flags;
	switch (attach_type) {
	case BPF_TRACE_ITER:
		attr.link_create.iter_info = ptr_to_u64(o->iter_info);
		attr.link_create.iter_info_len = o->iter_info_len;
		break;
	case BPF_PERF_EVENT:
		attr.link_create.perf_event.bpf_cookie = o->bpf_cookie;
		break;
	case BPF_TRACE_KPROBE_MULTI:
		attr.link_create.kprobe_multi.flags = o->flags;
		attr.link_create.flags = 0;
		attr.link_create.kprobe_multi.cnt = o->multi_cnt;
		attr.link_create.kprobe_multi.syms = ptr_to_u64(o->multi_syms);
		attr.link_create.kprobe_multi.addrs = ptr_to_u64(o->multi_addrs);
		attr.link_create.kprobe_multi.cookies = ptr_to_u64(o->multi_cookies);
		break;
	case BPF_TRACE_FENTRY:
	case BPF_TRACE_FEXIT:
	case BPF_MODIFY_RETURN:
	case BPF_LSM_MAC:
		attr.link_create.tracing.target_btf_id = o->target_btf_id;
		attr.link_create.tracing.cookie = o->bpf_cookie;
		break;
	case EB_ATTACH_TCX_INGRESS:
	case EB_ATTACH_TCX_EGRESS:
	case EB_ATTACH_NETKIT_PRIMARY:
	case EB_ATTACH_NETKIT_PEER: {
		struct link_create_tail_tcx tcx = {
			.relative_fd_or_id = o->relative_fd_or_id,
			.expected_revision = o->expected_revision,
		};
		memcpy(tail, &tcx, sizeof(tcx));
		break;
	}
	case EB_ATTACH_NETFILTER: {
		struct link_create_tail_netfilter nf = {
			.pf = o->nf_pf,
			.hooknum = o->nf_hooknum,
			.priority = o->nf_priority,
			.flags = o->nf_flags,
		};
		memcpy(tail, &nf, sizeof(nf));
		break;
	}
	default:
		if (o->target_btf_id)
			attr.link_create.target_btf_id = o->target_btf_id;
		break;
	}
call:
	return sys_bpf_fd(BPF_LINK_CREATE, &attr, sizeof(attr));
}

int eb_sys_link_update(int link_fd, int new_prog_fd, uint32_t flags, int old_prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_update.link_fd = (uint32_t)link_fd;
	attr.link_update.new_prog_fd = (uint32_t)new_prog_fd;
	attr.link_update.flags = flags;
	if (flags & BPF_F_REPLACE)
		attr.link_update.old_prog_fd = (uint32_t)old_prog_fd;
	return (int)eb_sys_bpf(BPF_LINK_UPDATE, &attr, ATTR_SIZE(link_update));
}

int eb_sys_link_detach(int link_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_detach.link_fd = (uint32_t)link_fd;
	return (int)eb_sys_bpf(BPF_LINK_DETACH, &attr, ATTR_SIZE(link_detach));
}

int eb_sys_enable_stats(uint32_t type)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.enable_stats.type = type;
	return sys_bpf_fd(BPF_ENABLE_STATS, &attr, ATTR_SIZE(enable_stats));
}

int eb_sys_iter_create(int link_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.iter_create.link_fd = (uint32_t)link_fd;
	return sys_bpf_fd(BPF_ITER_CREATE, &attr, ATTR_SIZE(iter_create));
}
