/* SPDX-License-Identifier: MIT */
/*
 * syscall.h - the bpf(2) layer: one wrapper per command.
 *
 * This is the only place in ebpfs that calls bpf(2).  Every wrapper
 *   - zeroes its union bpf_attr and fills only what the command needs;
 *   - returns 0 (or a new fd, or a count where stated) on success and
 *     -errno on failure, exactly the errno the kernel gave (EINTR and
 *     EAGAIN from the load path are retried a bounded number of times);
 *   - creates every fd with close-on-exec (the kernel sets O_CLOEXEC on
 *     bpf fds; fds from other sources are F_DUPFD_CLOEXEC'd).
 * The caller owns every fd returned and closes it.
 *
 * Pointers passed in are only read during the call unless stated.
 */
#ifndef EB_SYSCALL_H
#define EB_SYSCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi_ext.h"

/* The raw call, for commands without a wrapper.  Returns the syscall's
 * result or -errno.  `size` is the attr size passed to the kernel. */
long eb_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size);

/* --- error classification -------------------------------------------- */

/* The kernel-internal ENOTSUPP that bpf(2) and perf_event_open(2) can
 * return (no libc name). */
#define EB_ENOTSUPP	524

/* err is a -errno as returned by this layer. */
bool eb_err_is_exists(int err);		/* EEXIST */
bool eb_err_is_not_found(int err);	/* ENOENT (no such key / id / file) */
bool eb_err_is_too_big(int err);	/* E2BIG, ENOSPC: map full, log too small */
bool eb_err_is_perm(int err);		/* EPERM, EACCES */
bool eb_err_is_unsupported(int err);	/* EINVAL/EOPNOTSUPP/ENOTSUPP(524) on an op the kernel lacks */
/* strerror() that also knows the kernel-internal ENOTSUPP (524). */
const char *eb_strerror(int err);

/* --- maps ------------------------------------------------------------- */

struct eb_map_create_opts {
	uint32_t type;			/* enum bpf_map_type */
	const char *name;		/* may be NULL; truncated to BPF_OBJ_NAME_LEN-1 */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	int inner_map_fd;		/* for map-in-map, else 0 */
	uint32_t numa_node;		/* only with BPF_F_NUMA_NODE */
	uint32_t map_ifindex;
	int btf_fd;			/* 0: no BTF */
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_vmlinux_value_type_id;	/* struct_ops */
	uint64_t map_extra;		/* bloom filter hashes, arena address */
};

/* BPF_MAP_CREATE.  Returns the new map fd or -errno. */
int eb_sys_map_create(const struct eb_map_create_opts *opts);
/* BPF_MAP_LOOKUP_ELEM; flags: 0 or BPF_F_LOCK. */
int eb_sys_map_lookup_elem(int fd, const void *key, void *value, uint64_t flags);
/* BPF_MAP_UPDATE_ELEM; flags: BPF_ANY, BPF_NOEXIST, BPF_EXIST [| BPF_F_LOCK]. */
int eb_sys_map_update_elem(int fd, const void *key, const void *value, uint64_t flags);
/* BPF_MAP_DELETE_ELEM */
int eb_sys_map_delete_elem(int fd, const void *key);
/* BPF_MAP_GET_NEXT_KEY; key NULL asks for the first key.
 * -ENOENT after the last key. */
int eb_sys_map_get_next_key(int fd, const void *key, void *next_key);
/* BPF_MAP_LOOKUP_AND_DELETE_ELEM (also queue/stack pop: key NULL). */
int eb_sys_map_lookup_and_delete_elem(int fd, const void *key, void *value, uint64_t flags);
/* BPF_MAP_FREEZE */
int eb_sys_map_freeze(int fd);

/*
 * Batch operations.  in_batch NULL starts at the beginning; out_batch
 * receives the cursor for the next call (key_size bytes for hash maps,
 * 4 bytes for arrays: pass a buffer of at least max(key_size, 4)).
 * *count is the number of elements requested on entry and the number
 * processed on return, also when the call fails: -ENOENT with *count > 0
 * means "these were the last ones".
 */
int eb_sys_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys,
			    void *values, uint32_t *count, uint64_t elem_flags);
int eb_sys_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch,
				       void *keys, void *values, uint32_t *count,
				       uint64_t elem_flags);
int eb_sys_map_update_batch(int fd, const void *keys, const void *values,
			    uint32_t *count, uint64_t elem_flags);
int eb_sys_map_delete_batch(int fd, const void *keys, uint32_t *count,
			    uint64_t elem_flags);

/* --- programs --------------------------------------------------------- */

struct eb_prog_load_opts {
	uint32_t type;			/* enum bpf_prog_type */
	uint32_t expected_attach_type;
	const char *name;		/* may be NULL */
	const char *license;		/* NULL means "" */
	const struct bpf_insn *insns;
	uint32_t insn_cnt;
	uint32_t kern_version;
	uint32_t prog_flags;		/* BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS, ... */
	uint32_t prog_ifindex;
	int prog_btf_fd;		/* 0: none */
	const void *func_info;
	uint32_t func_info_rec_size;
	uint32_t func_info_cnt;
	const void *line_info;
	uint32_t line_info_rec_size;
	uint32_t line_info_cnt;
	uint32_t attach_btf_id;
	int attach_btf_obj_fd;		/* 0: vmlinux */
	int attach_prog_fd;		/* freplace / fentry on a BPF prog */
	const int *fd_array;		/* fds referenced by index from insns */
	/* verifier log: buf may be NULL (then level must be 0) */
	char *log_buf;
	uint32_t log_size;
	uint32_t log_level;
};

/* BPF_PROG_LOAD, one attempt (retried on EAGAIN only).  Returns the prog fd
 * or -errno; the verifier log, if requested, is in opts->log_buf.  A log
 * too small for the verifier's output fails with -ENOSPC. */
int eb_sys_prog_load(const struct eb_prog_load_opts *opts);

struct eb_test_run_opts {
	const void *data_in;		/* packet / input, may be NULL */
	uint32_t data_size_in;
	void *data_out;			/* may be NULL */
	uint32_t data_size_out;		/* in: buffer size; out: bytes produced */
	const void *ctx_in;
	uint32_t ctx_size_in;
	void *ctx_out;
	uint32_t ctx_size_out;		/* in: buffer size; out: bytes produced */
	uint32_t repeat;
	uint32_t flags;			/* BPF_F_TEST_RUN_ON_CPU, BPF_F_TEST_XDP_LIVE_FRAMES */
	uint32_t cpu;
	uint32_t batch_size;
	uint32_t retval;		/* out */
	uint32_t duration;		/* out: average ns per run */
};

/* BPF_PROG_TEST_RUN.  0 or -errno; on -ENOSPC data_size_out tells the
 * size that was needed. */
int eb_sys_prog_test_run(int prog_fd, struct eb_test_run_opts *opts);

/* BPF_PROG_ATTACH / BPF_PROG_DETACH (legacy, non-link attachment). */
int eb_sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type,
		       uint32_t flags, int replace_prog_fd);
int eb_sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type);

/* BPF_PROG_QUERY.  prog_ids may be NULL with *prog_cnt 0 to ask for the
 * count.  *prog_cnt in: capacity, out: total attached.  attach_flags may
 * be NULL. */
int eb_sys_prog_query(int target_fd, uint32_t attach_type, uint32_t query_flags,
		      uint32_t *attach_flags, uint32_t *prog_ids, uint32_t *prog_cnt);

/* BPF_PROG_BIND_MAP */
int eb_sys_prog_bind_map(int prog_fd, int map_fd);

/* --- objects: pin, ids, info ------------------------------------------- */

/* BPF_OBJ_PIN / BPF_OBJ_GET (path in a bpffs).  obj_get returns an fd;
 * file_flags: 0, BPF_F_RDONLY or BPF_F_WRONLY. */
int eb_sys_obj_pin(int fd, const char *path);
int eb_sys_obj_get(const char *path, uint32_t file_flags);

/* BPF_{PROG,MAP,LINK,BTF}_GET_NEXT_ID: *next_id receives the id after
 * start_id (0 for the first).  -ENOENT at the end. */
int eb_sys_prog_get_next_id(uint32_t start_id, uint32_t *next_id);
int eb_sys_map_get_next_id(uint32_t start_id, uint32_t *next_id);
int eb_sys_link_get_next_id(uint32_t start_id, uint32_t *next_id);
int eb_sys_btf_get_next_id(uint32_t start_id, uint32_t *next_id);

/* BPF_*_GET_FD_BY_ID: a new fd or -errno (-ENOENT: no such id). */
int eb_sys_prog_get_fd_by_id(uint32_t id);
int eb_sys_map_get_fd_by_id(uint32_t id);
int eb_sys_link_get_fd_by_id(uint32_t id);
int eb_sys_btf_get_fd_by_id(uint32_t id);

/* BPF_OBJ_GET_INFO_BY_FD.  info is struct bpf_{prog,map,link,btf}_info;
 * *info_len in: buffer size, out: bytes the kernel filled.  Pointers
 * inside info (e.g. map_ids) must be set by the caller. */
int eb_sys_obj_get_info_by_fd(int fd, void *info, uint32_t *info_len);

/* --- BTF ---------------------------------------------------------------- */

/* BPF_BTF_LOAD.  Returns a BTF fd or -errno; log as for prog load. */
int eb_sys_btf_load(const void *btf, uint32_t btf_size, char *log_buf,
		    uint32_t log_size, uint32_t log_level);

/* --- attach points and links ------------------------------------------- */

/* BPF_RAW_TRACEPOINT_OPEN: name NULL for tp_btf/fentry/... (the target
 * was given at load time).  Returns a link-like fd. */
int eb_sys_raw_tracepoint_open(const char *name, int prog_fd);

struct eb_task_fd_query {
	uint32_t prog_id;	/* out */
	uint32_t fd_type;	/* out: BPF_FD_TYPE_* */
	uint64_t probe_offset;	/* out */
	uint64_t probe_addr;	/* out */
	char *buf;		/* in: name buffer, may be NULL */
	uint32_t buf_len;	/* in: size, out: name length */
};
/* BPF_TASK_FD_QUERY: what the perf event / raw tp fd `fd` of process
 * `pid` has attached. */
int eb_sys_task_fd_query(int pid, int fd, uint32_t flags, struct eb_task_fd_query *q);

struct eb_link_create_opts {
	uint32_t flags;
	uint32_t target_btf_id;		/* tracing: attach to a BPF prog's func */
	uint64_t bpf_cookie;		/* perf_event / kprobe_multi / tracing */
	const void *iter_info;		/* iter: union bpf_iter_link_info */
	uint32_t iter_info_len;
	/* kprobe_multi / uprobe_multi */
	uint32_t multi_cnt;
	const char *const *multi_syms;
	const uint64_t *multi_addrs;
	const uint64_t *multi_cookies;
	/* tcx / netkit (Linux 6.6+): relative_fd/id and expected revision */
	uint32_t relative_fd_or_id;
	uint64_t expected_revision;
	/* netfilter (Linux 6.4+) */
	uint32_t nf_pf, nf_hooknum;
	int32_t nf_priority;
	uint32_t nf_flags;
};

/* BPF_LINK_CREATE.  target_fd is an ifindex for XDP/tcx, a cgroup or netns
 * fd, a perf event fd, a map fd (sockmap), 0 for tracing; opts may be NULL.
 * Returns a link fd. */
int eb_sys_link_create(int prog_fd, int target_fd, uint32_t attach_type,
		       const struct eb_link_create_opts *opts);
/* BPF_LINK_UPDATE: swap the link's program.  old_prog_fd >= 0 with
 * flags BPF_F_REPLACE makes it conditional. */
int eb_sys_link_update(int link_fd, int new_prog_fd, uint32_t flags, int old_prog_fd);
/* BPF_LINK_DETACH */
int eb_sys_link_detach(int link_fd);
/* BPF_ENABLE_STATS: returns an fd; stats stay on while it is open. */
int eb_sys_enable_stats(uint32_t type);
/* BPF_ITER_CREATE: returns a readable fd that runs the iterator. */
int eb_sys_iter_create(int link_fd);

#endif
