/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "info.h"
#include "log.h"
#include "strbuf.h"
#include "syscall.h"
#include "util.h"

/* --- object kinds --------------------------------------------------------- */

int eb_obj_kind(int fd)
{
	struct eb_strbuf path = EB_STRBUF_INIT;
	char target[64];
	ssize_t n;
	int ret;

	if (fd < 0)
		return -EBADF;
	eb_strbuf_addf(&path, "/proc/self/fd/%d", fd);
	if (eb_strbuf_error(&path))
		return -ENOMEM;
	n = readlink(path.buf, target, sizeof(target) - 1);
	ret = n < 0 ? -errno : 0;
	eb_strbuf_release(&path);
	if (ret == -ENOENT)
		return fcntl(fd, F_GETFD) < 0 ? -EBADF : ret;
	if (ret)
		return ret;
	target[n] = '\0';
	if (!strcmp(target, "anon_inode:bpf-prog"))
		return EB_OBJ_PROG;
	if (!strcmp(target, "anon_inode:bpf-map"))
		return EB_OBJ_MAP;
	/* "bpf_link" from link creation, "bpf-link" from get-fd-by-id/pins */
	if (!strcmp(target, "anon_inode:bpf_link") ||
	    !strcmp(target, "anon_inode:bpf-link"))
		return EB_OBJ_LINK;
	if (!strcmp(target, "anon_inode:btf"))
		return EB_OBJ_BTF;
	return EB_OBJ_UNKNOWN;
}

const char *eb_obj_kind_str(int kind)
{
	switch (kind) {
	case EB_OBJ_PROG:
		return "prog";
	case EB_OBJ_MAP:
		return "map";
	case EB_OBJ_LINK:
		return "link";
	case EB_OBJ_BTF:
		return "btf";
	default:
		return "unknown";
	}
}

/* --- fetching info -------------------------------------------------------- */

/* 0 if fd is of the wanted kind, else -EINVAL (logged) or -errno. */
static int check_kind(int fd, int want)
{
	int kind = eb_obj_kind(fd);

	if (kind < 0)
		return kind;
	if (kind == want)
		return 0;
	eb_warn("info", "fd %d is a %s object, not a %s", fd,
		eb_obj_kind_str(kind), eb_obj_kind_str(want));
	return -EINVAL;
}

/* BPF_OBJ_GET_INFO_BY_FD into the bpf_*_info k (size bytes), zeroed first. */
static int fetch_info(int fd, void *k, uint32_t size)
{
	memset(k, 0, size);
	return eb_sys_obj_get_info_by_fd(fd, k, &size);
}

/* The first pass: check that fd is a `kind` object, then fetch its info. */
static int kind_info(int fd, int kind, void *k, uint32_t size)
{
	int err = check_kind(fd, kind);

	return err ? err : fetch_info(fd, k, size);
}

/*
 * The second pass, for a member the kernel copies out to us: point it (u64
 * pointer at ptr_off, u32 count at cnt_off in k) at n new elements of elem
 * bytes and fetch again.  On success *buf owns the array (the caller frees
 * it) and k holds what the kernel reported; on failure *buf is NULL.
 */
static int fetch_array(int fd, void *k, uint32_t size, size_t ptr_off,
		       size_t cnt_off, uint32_t n, size_t elem, void **buf)
{
	uint64_t ptr;
	void *p;
	int err;

	*buf = NULL;
	p = eb_calloc(n, elem);
	if (!p)
		return -ENOMEM;
	memset(k, 0, size);
	ptr = (uint64_t)(uintptr_t)p;
	memcpy((char *)k + ptr_off, &ptr, sizeof(ptr));
	memcpy((char *)k + cnt_off, &n, sizeof(n));
	err = eb_sys_obj_get_info_by_fd(fd, k, &size);
	if (err) {
		free(p);
		return err;
	}
	*buf = p;
	return 0;
}

/* 0, or a compile error unless cond holds. */
#define ZERO_UNLESS(cond) (sizeof(char[1 - 2 * !(cond)]) - 1)
/* The offset of member m of struct type T, checked to be `size` bytes. */
#define MEMBER_OFF(T, m, size) \
	(offsetof(T, m) + ZERO_UNLESS(sizeof(((T *)0)->m) == (size)))

/* fetch_array() for members `ptr` (u64) and `cnt` (u32) of the struct k. */
#define FETCH_ARRAY(fd, k, ptr, cnt, n, elem, buf)			\
	fetch_array(fd, &(k), sizeof(k), MEMBER_OFF(typeof(k), ptr, 8),	\
		    MEMBER_OFF(typeof(k), cnt, 4), n, elem, buf)

/* Fills a struct eb_*_info, which is zeroed, from an fd of any kind. */
typedef int (*fill_fn)(int fd, void *info);

/*
 * The one path behind every eb_*_info_by_{fd,id,path}(): zero info (size
 * bytes) and fill it from fd.  With own, fd was opened for this call (by id
 * or pin; a negative fd is that open's -errno) and is closed here.
 */
static int get_info(int fd, bool own, void *info, size_t size, fill_fn fill)
{
	int err;

	memset(info, 0, size);
	if (own && fd < 0)
		return fd;
	err = fill(fd, info);
	if (own)
		close(fd);
	return err;
}

/* --- programs ------------------------------------------------------------- */

struct timespec eb_boot_ns_to_realtime(uint64_t boot_ns)
{
	struct timespec rt, bt, out;
	int64_t off, ns;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	off = ((int64_t)rt.tv_sec - bt.tv_sec) * 1000000000LL +
	      (rt.tv_nsec - bt.tv_nsec);
	ns = (int64_t)boot_ns + off;
	out.tv_sec = ns / 1000000000LL;
	out.tv_nsec = ns % 1000000000LL;
	if (out.tv_nsec < 0) {
		out.tv_nsec += 1000000000LL;
		out.tv_sec--;
	}
	return out;
}

void eb_tag_to_hex(const uint8_t tag[EB_TAG_SIZE], char out[EB_TAG_HEX_LEN])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < EB_TAG_SIZE; i++) {
		out[2 * i] = digits[tag[i] >> 4];
		out[2 * i + 1] = digits[tag[i] & 0xf];
	}
	out[2 * EB_TAG_SIZE] = '\0';
}

static int prog_fill(int fd, void *out)
{
	struct eb_prog_info *info = out;
	struct bpf_prog_info k;
	void *ids = NULL;
	uint32_t nr;
	int err;

	err = kind_info(fd, EB_OBJ_PROG, &k, sizeof(k));
	if (err)
		return err;
	nr = k.nr_map_ids;
	if (nr) {
		err = FETCH_ARRAY(fd, k, map_ids, nr_map_ids, nr,
				  sizeof(uint32_t), &ids);
		if (err)
			return err;
		nr = EB_MIN(nr, k.nr_map_ids);
		if (!nr)
			eb_zfree(&ids);
	}
	info->type = k.type;
	info->id = k.id;
	memcpy(info->tag, k.tag, EB_TAG_SIZE);
	memcpy(info->name, k.name, sizeof(info->name));
	info->name[sizeof(info->name) - 1] = '\0';
	info->xlated_len = k.xlated_prog_len;
	info->jited_len = k.jited_prog_len;
	info->load_time_boot_ns = k.load_time;
	info->load_time = eb_boot_ns_to_realtime(k.load_time);
	info->created_by_uid = k.created_by_uid;
	info->nr_map_ids = nr;
	info->map_ids = ids;
	info->run_cnt = k.run_cnt;
	info->run_time_ns = k.run_time_ns;
	info->recursion_misses = k.recursion_misses;
	info->btf_id = k.btf_id;
	info->verified_insns = k.verified_insns;
	info->ifindex = k.ifindex;
	info->attach_btf_obj_id = k.attach_btf_obj_id;
	info->attach_btf_id = k.attach_btf_id;
	info->gpl_compatible = k.gpl_compatible;
	return 0;
}

int eb_prog_info_by_fd(int fd, struct eb_prog_info *info)
{
	return get_info(fd, false, info, sizeof(*info), prog_fill);
}

int eb_prog_info_by_id(uint32_t id, struct eb_prog_info *info)
{
	return get_info(eb_sys_prog_get_fd_by_id(id), true, info, sizeof(*info), prog_fill);
}

int eb_prog_info_by_path(const char *path, struct eb_prog_info *info)
{
	return get_info(eb_sys_obj_get(path, 0), true, info, sizeof(*info), prog_fill);
}

void eb_prog_info_release(struct eb_prog_info *info)
{
	eb_zfree(&info->map_ids);
	info->nr_map_ids = 0;
}

int eb_prog_xlated_insns(int fd, struct bpf_insn **insns, uint32_t *cnt)
{
	struct bpf_prog_info k;
	uint32_t size;
	void *buf;
	int err;

	*insns = NULL;
	*cnt = 0;
	err = kind_info(fd, EB_OBJ_PROG, &k, sizeof(k));
	if (err)
		return err;
	size = k.xlated_prog_len;
	if (!size)
		return -EPERM;	/* not bpf_capable(): lengths are hidden */
	err = FETCH_ARRAY(fd, k, xlated_prog_insns, xlated_prog_len, size, 1,
			  &buf);
	if (err)
		return err;
	if (!k.xlated_prog_insns) {
		free(buf);
		return -EPERM;	/* bpf_dump_raw_ok() said no */
	}
	*insns = buf;
	*cnt = EB_MIN(size, k.xlated_prog_len) / (uint32_t)sizeof(struct bpf_insn);
	return 0;
}

/* --- maps ----------------------------------------------------------------- */

static int map_fill_from(int fd, bool checked, struct eb_map_info *info)
{
	struct bpf_map_info k;
	int err;

	if (fd < 0)
		return -EBADF;
	err = checked ? kind_info(fd, EB_OBJ_MAP, &k, sizeof(k)) :
			fetch_info(fd, &k, sizeof(k));
	if (err)
		return err;
	info->type = k.type;
	info->id = k.id;
	info->key_size = k.key_size;
	info->value_size = k.value_size;
	info->max_entries = k.max_entries;
	info->flags = k.map_flags;
	memcpy(info->name, k.name, sizeof(info->name));
	info->name[sizeof(info->name) - 1] = '\0';
	info->ifindex = k.ifindex;
	info->btf_id = k.btf_id;
	info->btf_key_type_id = k.btf_key_type_id;
	info->btf_value_type_id = k.btf_value_type_id;
	info->btf_vmlinux_value_type_id = k.btf_vmlinux_value_type_id;
	info->map_extra = k.map_extra;
	return 0;
}

static int map_fill(int fd, void *out)
{
	return map_fill_from(fd, true, out);
}

static int map_fill_own(int fd, void *out)
{
	return map_fill_from(fd, false, out);
}

int eb_map_info_by_fd(int fd, struct eb_map_info *info)
{
	return get_info(fd, false, info, sizeof(*info), map_fill);
}

int eb_map_info_by_own_fd(int fd, struct eb_map_info *info)
{
	return get_info(fd, false, info, sizeof(*info), map_fill_own);
}

int eb_map_info_by_id(uint32_t id, struct eb_map_info *info)
{
	return get_info(eb_sys_map_get_fd_by_id(id), true, info, sizeof(*info), map_fill);
}

int eb_map_info_by_path(const char *path, struct eb_map_info *info)
{
	return get_info(eb_sys_obj_get(path, 0), true, info, sizeof(*info), map_fill);
}

/* --- links ---------------------------------------------------------------- */

/*
 * The type-specific union of struct bpf_link_info starts at offset 16
 * (after type, id, prog_id and padding to 8).  Members added after the
 * installed headers are read through these overlays.
 */
#define LINK_UNION_OFF 16

struct link_ifindex_attach {		/* tcx, netkit */
	uint32_t ifindex;
	uint32_t attach_type;
};

struct link_map_attach {		/* struct_ops, sockmap */
	uint32_t map_id;
	uint32_t attach_type;
};

struct link_netfilter {
	uint32_t pf;
	uint32_t hooknum;
	int32_t priority;
	uint32_t flags;
};

/* Fetch a name the kernel reports with a (ptr, len) pair at ptr_off/len_off
 * inside struct bpf_link_info: first the length, then the bytes. */
static int link_name(int fd, size_t ptr_off, size_t len_off, char **out)
{
	struct bpf_link_info k;
	uint32_t n;
	void *buf;
	int err, tries;

	for (tries = 0; tries < 3; tries++) {
		err = fetch_info(fd, &k, sizeof(k));
		if (err)
			return err;
		memcpy(&n, (char *)&k + len_off, sizeof(n));
		if (!n)
			n = 1;
		err = fetch_array(fd, &k, sizeof(k), ptr_off, len_off, n, 1, &buf);
		if (err == -ENOSPC)	/* the name grew? try again */
			continue;
		if (err)
			return err;
		((char *)buf)[n - 1] = '\0';
		*out = buf;
		return 0;
	}
	return -ENOSPC;
}

#define LINK_NAME(fd, ptr, len, out)					\
	link_name(fd, MEMBER_OFF(struct bpf_link_info, ptr, 8),		\
		  MEMBER_OFF(struct bpf_link_info, len, 4), out)

static int link_fill(int fd, void *out)
{
	struct eb_link_info *info = out;
	struct bpf_link_info k;
	const char *u;
	int err;

	err = kind_info(fd, EB_OBJ_LINK, &k, sizeof(k));
	if (err)
		return err;
	info->type = k.type;
	info->id = k.id;
	info->prog_id = k.prog_id;
	u = (const char *)&k + LINK_UNION_OFF;
	switch (k.type) {
	case BPF_LINK_TYPE_RAW_TRACEPOINT:
		err = LINK_NAME(fd, raw_tracepoint.tp_name,
				raw_tracepoint.tp_name_len, &info->tp_name);
		break;
	case BPF_LINK_TYPE_TRACING:
		info->attach_type = k.tracing.attach_type;
		info->target_obj_id = k.tracing.target_obj_id;
		info->target_btf_id = k.tracing.target_btf_id;
		break;
	case BPF_LINK_TYPE_CGROUP:
		info->cgroup_id = k.cgroup.cgroup_id;
		info->attach_type = k.cgroup.attach_type;
		break;
	case BPF_LINK_TYPE_ITER:
		info->iter_map_id = k.iter.map.map_id;
		err = LINK_NAME(fd, iter.target_name, iter.target_name_len,
				&info->iter_target);
		/* map_id only means something for map element iterators */
		if (!err && strcmp(info->iter_target, "bpf_map_elem") &&
		    strcmp(info->iter_target, "bpf_sk_storage_map") &&
		    strcmp(info->iter_target, "sockmap"))
			info->iter_map_id = 0;
		break;
	case BPF_LINK_TYPE_NETNS:
		info->netns_ino = k.netns.netns_ino;
		info->attach_type = k.netns.attach_type;
		break;
	case BPF_LINK_TYPE_XDP:
		info->ifindex = k.xdp.ifindex;
		break;
	case BPF_LINK_TYPE_STRUCT_OPS:
	case EB_LINK_TYPE_SOCKMAP: {
		struct link_map_attach a;

		memcpy(&a, u, sizeof(a));
		info->map_id = a.map_id;
		if (k.type == EB_LINK_TYPE_SOCKMAP)
			info->attach_type = a.attach_type;
		break;
	}
	case EB_LINK_TYPE_TCX:
	case EB_LINK_TYPE_NETKIT: {
		struct link_ifindex_attach a;

		memcpy(&a, u, sizeof(a));
		info->ifindex = a.ifindex;
		info->attach_type = a.attach_type;
		break;
	}
	case EB_LINK_TYPE_NETFILTER: {
		struct link_netfilter nf;

		memcpy(&nf, u, sizeof(nf));
		info->nf_pf = nf.pf;
		info->nf_hooknum = nf.hooknum;
		info->nf_priority = nf.priority;
		info->nf_flags = nf.flags;
		break;
	}
	default:
		break;
	}
	if (err)
		eb_link_info_release(info);
	return err;
}

int eb_link_info_by_fd(int fd, struct eb_link_info *info)
{
	return get_info(fd, false, info, sizeof(*info), link_fill);
}

int eb_link_info_by_id(uint32_t id, struct eb_link_info *info)
{
	return get_info(eb_sys_link_get_fd_by_id(id), true, info, sizeof(*info), link_fill);
}

int eb_link_info_by_path(const char *path, struct eb_link_info *info)
{
	return get_info(eb_sys_obj_get(path, 0), true, info, sizeof(*info), link_fill);
}

void eb_link_info_release(struct eb_link_info *info)
{
	eb_zfree(&info->tp_name);
	eb_zfree(&info->iter_target);
}

/* --- BTF ------------------------------------------------------------------ */

static int btf_fill(int fd, void *out)
{
	struct eb_btf_info *info = out;
	struct bpf_btf_info k;
	void *name;
	uint32_t n;
	int err;

	err = kind_info(fd, EB_OBJ_BTF, &k, sizeof(k));
	if (err)
		return err;
	n = k.name_len + 1;	/* name_len excludes the NUL */
	err = FETCH_ARRAY(fd, k, name, name_len, n, 1, &name);
	if (err)
		return err;
	((char *)name)[n - 1] = '\0';
	info->id = k.id;
	info->size = k.btf_size;
	info->name = name;
	info->kernel_btf = k.kernel_btf;
	return 0;
}

int eb_btf_info_by_fd(int fd, struct eb_btf_info *info)
{
	return get_info(fd, false, info, sizeof(*info), btf_fill);
}

int eb_btf_info_by_id(uint32_t id, struct eb_btf_info *info)
{
	return get_info(eb_sys_btf_get_fd_by_id(id), true, info, sizeof(*info), btf_fill);
}

void eb_btf_info_release(struct eb_btf_info *info)
{
	eb_zfree(&info->name);
}

int eb_btf_get_raw_by_fd(int fd, void **data, uint32_t *size)
{
	struct bpf_btf_info k;
	void *buf;
	uint32_t n;
	int err;

	*data = NULL;
	*size = 0;
	err = kind_info(fd, EB_OBJ_BTF, &k, sizeof(k));
	if (err)
		return err;
	n = k.btf_size;
	err = FETCH_ARRAY(fd, k, btf, btf_size, n, 1, &buf);
	if (err)
		return err;
	if (k.btf_size != n) {
		free(buf);
		return -EAGAIN;	/* BTF objects are immutable: cannot happen */
	}
	*data = buf;
	*size = n;
	return 0;
}

/* --- names of types ------------------------------------------------------- */

static const char *const prog_type_names[] = {
	[BPF_PROG_TYPE_UNSPEC] = "unspec",
	[BPF_PROG_TYPE_SOCKET_FILTER] = "socket_filter",
	[BPF_PROG_TYPE_KPROBE] = "kprobe",
	[BPF_PROG_TYPE_SCHED_CLS] = "sched_cls",
	[BPF_PROG_TYPE_SCHED_ACT] = "sched_act",
	[BPF_PROG_TYPE_TRACEPOINT] = "tracepoint",
	[BPF_PROG_TYPE_XDP] = "xdp",
	[BPF_PROG_TYPE_PERF_EVENT] = "perf_event",
	[BPF_PROG_TYPE_CGROUP_SKB] = "cgroup_skb",
	[BPF_PROG_TYPE_CGROUP_SOCK] = "cgroup_sock",
	[BPF_PROG_TYPE_LWT_IN] = "lwt_in",
	[BPF_PROG_TYPE_LWT_OUT] = "lwt_out",
	[BPF_PROG_TYPE_LWT_XMIT] = "lwt_xmit",
	[BPF_PROG_TYPE_SOCK_OPS] = "sock_ops",
	[BPF_PROG_TYPE_SK_SKB] = "sk_skb",
	[BPF_PROG_TYPE_CGROUP_DEVICE] = "cgroup_device",
	[BPF_PROG_TYPE_SK_MSG] = "sk_msg",
	[BPF_PROG_TYPE_RAW_TRACEPOINT] = "raw_tracepoint",
	[BPF_PROG_TYPE_CGROUP_SOCK_ADDR] = "cgroup_sock_addr",
	[BPF_PROG_TYPE_LWT_SEG6LOCAL] = "lwt_seg6local",
	[BPF_PROG_TYPE_LIRC_MODE2] = "lirc_mode2",
	[BPF_PROG_TYPE_SK_REUSEPORT] = "sk_reuseport",
	[BPF_PROG_TYPE_FLOW_DISSECTOR] = "flow_dissector",
	[BPF_PROG_TYPE_CGROUP_SYSCTL] = "cgroup_sysctl",
	[BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE] = "raw_tracepoint_writable",
	[BPF_PROG_TYPE_CGROUP_SOCKOPT] = "cgroup_sockopt",
	[BPF_PROG_TYPE_TRACING] = "tracing",
	[BPF_PROG_TYPE_STRUCT_OPS] = "struct_ops",
	[BPF_PROG_TYPE_EXT] = "ext",
	[BPF_PROG_TYPE_LSM] = "lsm",
	[BPF_PROG_TYPE_SK_LOOKUP] = "sk_lookup",
	[BPF_PROG_TYPE_SYSCALL] = "syscall",
	[EB_PROG_TYPE_NETFILTER] = "netfilter",
};

static const char *const map_type_names[] = {
	[BPF_MAP_TYPE_UNSPEC] = "unspec",
	[BPF_MAP_TYPE_HASH] = "hash",
	[BPF_MAP_TYPE_ARRAY] = "array",
	[BPF_MAP_TYPE_PROG_ARRAY] = "prog_array",
	[BPF_MAP_TYPE_PERF_EVENT_ARRAY] = "perf_event_array",
	[BPF_MAP_TYPE_PERCPU_HASH] = "percpu_hash",
	[BPF_MAP_TYPE_PERCPU_ARRAY] = "percpu_array",
	[BPF_MAP_TYPE_STACK_TRACE] = "stack_trace",
	[BPF_MAP_TYPE_CGROUP_ARRAY] = "cgroup_array",
	[BPF_MAP_TYPE_LRU_HASH] = "lru_hash",
	[BPF_MAP_TYPE_LRU_PERCPU_HASH] = "lru_percpu_hash",
	[BPF_MAP_TYPE_LPM_TRIE] = "lpm_trie",
	[BPF_MAP_TYPE_ARRAY_OF_MAPS] = "array_of_maps",
	[BPF_MAP_TYPE_HASH_OF_MAPS] = "hash_of_maps",
	[BPF_MAP_TYPE_DEVMAP] = "devmap",
	[BPF_MAP_TYPE_SOCKMAP] = "sockmap",
	[BPF_MAP_TYPE_CPUMAP] = "cpumap",
	[BPF_MAP_TYPE_XSKMAP] = "xskmap",
	[BPF_MAP_TYPE_SOCKHASH] = "sockhash",
	[BPF_MAP_TYPE_CGROUP_STORAGE] = "cgroup_storage",
	[BPF_MAP_TYPE_REUSEPORT_SOCKARRAY] = "reuseport_sockarray",
	[BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE] = "percpu_cgroup_storage",
	[BPF_MAP_TYPE_QUEUE] = "queue",
	[BPF_MAP_TYPE_STACK] = "stack",
	[BPF_MAP_TYPE_SK_STORAGE] = "sk_storage",
	[BPF_MAP_TYPE_DEVMAP_HASH] = "devmap_hash",
	[BPF_MAP_TYPE_STRUCT_OPS] = "struct_ops",
	[BPF_MAP_TYPE_RINGBUF] = "ringbuf",
	[BPF_MAP_TYPE_INODE_STORAGE] = "inode_storage",
	[BPF_MAP_TYPE_TASK_STORAGE] = "task_storage",
	[BPF_MAP_TYPE_BLOOM_FILTER] = "bloom_filter",
	[BPF_MAP_TYPE_USER_RINGBUF] = "user_ringbuf",
	[EB_MAP_TYPE_CGRP_STORAGE] = "cgrp_storage",
	[EB_MAP_TYPE_ARENA] = "arena",
};

static const char *const link_type_names[] = {
	[BPF_LINK_TYPE_UNSPEC] = "unspec",
	[BPF_LINK_TYPE_RAW_TRACEPOINT] = "raw_tracepoint",
	[BPF_LINK_TYPE_TRACING] = "tracing",
	[BPF_LINK_TYPE_CGROUP] = "cgroup",
	[BPF_LINK_TYPE_ITER] = "iter",
	[BPF_LINK_TYPE_NETNS] = "netns",
	[BPF_LINK_TYPE_XDP] = "xdp",
	[BPF_LINK_TYPE_PERF_EVENT] = "perf_event",
	[BPF_LINK_TYPE_KPROBE_MULTI] = "kprobe_multi",
	[BPF_LINK_TYPE_STRUCT_OPS] = "struct_ops",
	[EB_LINK_TYPE_NETFILTER] = "netfilter",
	[EB_LINK_TYPE_TCX] = "tcx",
	[EB_LINK_TYPE_UPROBE_MULTI] = "uprobe_multi",
	[EB_LINK_TYPE_NETKIT] = "netkit",
	[EB_LINK_TYPE_SOCKMAP] = "sockmap",
};

static const char *const attach_type_names[] = {
	[BPF_CGROUP_INET_INGRESS] = "cgroup_inet_ingress",
	[BPF_CGROUP_INET_EGRESS] = "cgroup_inet_egress",
	[BPF_CGROUP_INET_SOCK_CREATE] = "cgroup_inet_sock_create",
	[BPF_CGROUP_SOCK_OPS] = "cgroup_sock_ops",
	[BPF_SK_SKB_STREAM_PARSER] = "sk_skb_stream_parser",
	[BPF_SK_SKB_STREAM_VERDICT] = "sk_skb_stream_verdict",
	[BPF_CGROUP_DEVICE] = "cgroup_device",
	[BPF_SK_MSG_VERDICT] = "sk_msg_verdict",
	[BPF_CGROUP_INET4_BIND] = "cgroup_inet4_bind",
	[BPF_CGROUP_INET6_BIND] = "cgroup_inet6_bind",
	[BPF_CGROUP_INET4_CONNECT] = "cgroup_inet4_connect",
	[BPF_CGROUP_INET6_CONNECT] = "cgroup_inet6_connect",
	[BPF_CGROUP_INET4_POST_BIND] = "cgroup_inet4_post_bind",
	[BPF_CGROUP_INET6_POST_BIND] = "cgroup_inet6_post_bind",
	[BPF_CGROUP_UDP4_SENDMSG] = "cgroup_udp4_sendmsg",
	[BPF_CGROUP_UDP6_SENDMSG] = "cgroup_udp6_sendmsg",
	[BPF_LIRC_MODE2] = "lirc_mode2",
	[BPF_FLOW_DISSECTOR] = "flow_dissector",
	[BPF_CGROUP_SYSCTL] = "cgroup_sysctl",
	[BPF_CGROUP_UDP4_RECVMSG] = "cgroup_udp4_recvmsg",
	[BPF_CGROUP_UDP6_RECVMSG] = "cgroup_udp6_recvmsg",
	[BPF_CGROUP_GETSOCKOPT] = "cgroup_getsockopt",
	[BPF_CGROUP_SETSOCKOPT] = "cgroup_setsockopt",
	[BPF_TRACE_RAW_TP] = "trace_raw_tp",
	[BPF_TRACE_FENTRY] = "trace_fentry",
	[BPF_TRACE_FEXIT] = "trace_fexit",
	[BPF_MODIFY_RETURN] = "modify_return",
	[BPF_LSM_MAC] = "lsm_mac",
	[BPF_TRACE_ITER] = "trace_iter",
	[BPF_CGROUP_INET4_GETPEERNAME] = "cgroup_inet4_getpeername",
	[BPF_CGROUP_INET6_GETPEERNAME] = "cgroup_inet6_getpeername",
	[BPF_CGROUP_INET4_GETSOCKNAME] = "cgroup_inet4_getsockname",
	[BPF_CGROUP_INET6_GETSOCKNAME] = "cgroup_inet6_getsockname",
	[BPF_XDP_DEVMAP] = "xdp_devmap",
	[BPF_CGROUP_INET_SOCK_RELEASE] = "cgroup_inet_sock_release",
	[BPF_XDP_CPUMAP] = "xdp_cpumap",
	[BPF_SK_LOOKUP] = "sk_lookup",
	[BPF_XDP] = "xdp",
	[BPF_SK_SKB_VERDICT] = "sk_skb_verdict",
	[BPF_SK_REUSEPORT_SELECT] = "sk_reuseport_select",
	[BPF_SK_REUSEPORT_SELECT_OR_MIGRATE] = "sk_reuseport_select_or_migrate",
	[BPF_PERF_EVENT] = "perf_event",
	[BPF_TRACE_KPROBE_MULTI] = "trace_kprobe_multi",
	[BPF_LSM_CGROUP] = "lsm_cgroup",
	[EB_ATTACH_STRUCT_OPS] = "struct_ops",
	[EB_ATTACH_NETFILTER] = "netfilter",
	[EB_ATTACH_TCX_INGRESS] = "tcx_ingress",
	[EB_ATTACH_TCX_EGRESS] = "tcx_egress",
	[EB_ATTACH_TRACE_UPROBE_MULTI] = "trace_uprobe_multi",
	[EB_ATTACH_CGROUP_UNIX_CONNECT] = "cgroup_unix_connect",
	[EB_ATTACH_CGROUP_UNIX_SENDMSG] = "cgroup_unix_sendmsg",
	[EB_ATTACH_CGROUP_UNIX_RECVMSG] = "cgroup_unix_recvmsg",
	[EB_ATTACH_CGROUP_UNIX_GETPEERNAME] = "cgroup_unix_getpeername",
	[EB_ATTACH_CGROUP_UNIX_GETSOCKNAME] = "cgroup_unix_getsockname",
	[EB_ATTACH_NETKIT_PRIMARY] = "netkit_primary",
	[EB_ATTACH_NETKIT_PEER] = "netkit_peer",
	[EB_ATTACH_TRACE_KPROBE_SESSION] = "trace_kprobe_session",
	[EB_ATTACH_TRACE_UPROBE_SESSION] = "trace_uprobe_session",
};

static const char *name_of(const char *const *names, size_t n, uint32_t v)
{
	return v < n ? names[v] : NULL;
}

static int parse_name(const char *const *names, size_t n, const char *s)
{
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -EINVAL;
}

#define NAME_OF(tbl, v) name_of(tbl, EB_ARRAY_SIZE(tbl), v)
#define PARSE(tbl, s) parse_name(tbl, EB_ARRAY_SIZE(tbl), s)

const char *eb_prog_type_str(uint32_t type)
{
	return NAME_OF(prog_type_names, type);
}

const char *eb_map_type_str(uint32_t type)
{
	return NAME_OF(map_type_names, type);
}

const char *eb_link_type_str(uint32_t type)
{
	return NAME_OF(link_type_names, type);
}

const char *eb_attach_type_str(uint32_t type)
{
	return NAME_OF(attach_type_names, type);
}

int eb_prog_type_parse(const char *s)
{
	return PARSE(prog_type_names, s);
}

int eb_map_type_parse(const char *s)
{
	return PARSE(map_type_names, s);
}

int eb_link_type_parse(const char *s)
{
	return PARSE(link_type_names, s);
}

int eb_attach_type_parse(const char *s)
{
	return PARSE(attach_type_names, s);
}

/* --- pinning -------------------------------------------------------------- */

bool eb_path_is_bpffs(const char *path)
{
	struct statfs st;

	if (statfs(path, &st))
		return false;
	return (uint32_t)st.f_type == EB_BPF_FS_MAGIC;
}

/* The directory part of path ("." for a bare name), allocated. */
static char *parent_dir(const char *path)
{
	char *dir = strdup(path), *slash;
	size_t len;

	if (!dir)
		return NULL;
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	slash = strrchr(dir, '/');
	if (!slash) {
		free(dir);
		return strdup(".");
	}
	while (slash > dir && slash[-1] == '/')
		slash--;
	if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	return dir;
}

/*
 * Create the missing parents of path inside a bpffs: find the nearest
 * existing ancestor, check it is on a bpffs, then mkdir each component.
 */
static int make_parents(const char *path)
{
	char *dir, *anc = NULL, *p;
	struct stat st;
	int err = 0;

	dir = parent_dir(path);
	if (!dir)
		return -ENOMEM;
	anc = strdup(dir);
	if (!anc) {
		err = -ENOMEM;
		goto out;
	}
	while (stat(anc, &st)) {
		if (errno != ENOENT) {
			err = -errno;
			goto out;
		}
		p = parent_dir(anc);
		if (!p) {
			err = -ENOMEM;
			goto out;
		}
		free(anc);
		anc = p;
	}
	if (!S_ISDIR(st.st_mode)) {
		eb_warn("pin", "%s: %s is not a directory", path, anc);
		err = -ENOTDIR;
		goto out;
	}
	if (!eb_path_is_bpffs(anc)) {
		eb_warn("pin", "%s: %s is not on a bpffs (mount -t bpf bpf DIR)",
			path, anc);
		err = -EINVAL;
		goto out;
	}
	for (p = dir + 1; ; p++) {
		char c = *p;

		if (c && c != '/')
			continue;
		if (p[-1] != '/') {
			*p = '\0';
			if (mkdir(dir, 0700) && errno != EEXIST) {
				err = -errno;
				eb_warn("pin", "%s: cannot create %s: %s", path,
					dir, eb_strerror(err));
				goto out;
			}
			*p = c;
		}
		if (!c)
			break;
	}
out:
	free(anc);
	free(dir);
	return err;
}

int eb_pin(int fd, const char *path)
{
	int err;

	if (!path || !*path)
		return -EINVAL;
	/* The common case first: the directory exists on a bpffs.  Only a
	 * failure walks the path, to create what is missing or to say why. */
	err = eb_sys_obj_pin(fd, path);
	if (!err || err == -EEXIST)
		return err;
	err = make_parents(path);
	if (err)
		return err;
	err = eb_sys_obj_pin(fd, path);
	if (err && err != -EEXIST)
		eb_warn("pin", "%s: %s", path, eb_strerror(err));
	return err;
}

int eb_unpin(const char *path)
{
	struct stat st;

	if (!path || !*path)
		return -EINVAL;
	if (lstat(path, &st))
		return -errno;
	if (!eb_path_is_bpffs(path)) {
		eb_warn("pin", "%s is not on a bpffs: not removing it", path);
		return -EINVAL;
	}
	if (S_ISDIR(st.st_mode))
		return rmdir(path) ? -errno : 0;
	return unlink(path) ? -errno : 0;
}
