/* SPDX-License-Identifier: MIT */
/*
 * info.h - what the kernel says about a BPF object, names of types, and
 * pinning.
 *
 * Every eb_*_info_by_fd() checks that the fd is the right kind of object
 * (a map fd passed to eb_prog_info_by_fd() is -EINVAL plus a log line)
 * and fills a struct of our own; by_id opens the object by id, by_path
 * opens a pin (BPF_OBJ_GET), and both close their fd again.  Structs that
 * hold allocated members are freed with their *_release() function, which
 * is safe to call twice and on a zeroed struct.  All functions return 0 or
 * -errno (-ENOENT: no such id or path).
 */
#ifndef EB_INFO_H
#define EB_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "uapi_ext.h"

#define EB_TAG_SIZE 8		/* BPF_TAG_SIZE */
#define EB_TAG_HEX_LEN 17	/* 16 hex digits + NUL */
#define EB_INFO_NAME_LEN 16	/* BPF_OBJ_NAME_LEN, NUL included */

/* --- object kinds ------------------------------------------------------ */

enum eb_obj_kind {
	EB_OBJ_UNKNOWN = 0,	/* not a BPF object fd */
	EB_OBJ_PROG,
	EB_OBJ_MAP,
	EB_OBJ_LINK,
	EB_OBJ_BTF,
};

/* What kind of BPF object fd refers to (read from /proc/self/fd).
 * Returns an enum eb_obj_kind (EB_OBJ_UNKNOWN for other fds) or -errno
 * (-EBADF). */
int eb_obj_kind(int fd);
/* "prog", "map", "link", "btf", "unknown" */
const char *eb_obj_kind_str(int kind);

/* --- programs ------------------------------------------------------------ */

struct eb_prog_info {
	uint32_t type;			/* enum bpf_prog_type */
	uint32_t id;
	uint8_t tag[EB_TAG_SIZE];
	char name[EB_INFO_NAME_LEN];
	uint32_t xlated_len;		/* bytes of translated instructions */
	uint32_t jited_len;		/* bytes of JITed code */
	uint64_t load_time_boot_ns;	/* as the kernel reports: ns since boot */
	struct timespec load_time;	/* the same instant, CLOCK_REALTIME */
	uint32_t created_by_uid;
	uint32_t nr_map_ids;
	uint32_t *map_ids;		/* nr_map_ids ids, allocated (NULL if none) */
	uint64_t run_cnt;		/* counted while stats are enabled */
	uint64_t run_time_ns;
	uint64_t recursion_misses;
	uint32_t btf_id;		/* 0: no BTF */
	uint32_t verified_insns;
	uint32_t ifindex;		/* offloaded programs */
	uint32_t attach_btf_obj_id;
	uint32_t attach_btf_id;
	bool gpl_compatible;
	/*
	 * The kernel does not report a program's expected attach type through
	 * BPF_OBJ_GET_INFO_BY_FD: whoever loaded it must remember it.
	 */
};

/* Fill *info; info->map_ids is allocated, free with eb_prog_info_release(). */
int eb_prog_info_by_fd(int fd, struct eb_prog_info *info);
int eb_prog_info_by_id(uint32_t id, struct eb_prog_info *info);
int eb_prog_info_by_path(const char *path, struct eb_prog_info *info);
void eb_prog_info_release(struct eb_prog_info *info);

/*
 * The kernel's translated (post-verifier) instructions of program fd, as an
 * allocated array the caller frees; *cnt receives the number of 8-byte
 * instructions.  -EPERM when the kernel hides them (kptr_restrict / no
 * CAP_SYS_ADMIN), -EINVAL if fd is not a program.
 */
int eb_prog_xlated_insns(int fd, struct bpf_insn **insns, uint32_t *cnt);

/* Write the tag as 16 lowercase hex digits + NUL into out. */
void eb_tag_to_hex(const uint8_t tag[EB_TAG_SIZE], char out[EB_TAG_HEX_LEN]);

/* Convert a CLOCK_BOOTTIME timestamp in ns (as in bpf_prog_info.load_time)
 * to CLOCK_REALTIME. */
struct timespec eb_boot_ns_to_realtime(uint64_t boot_ns);

/* --- maps -------------------------------------------------------------------- */

struct eb_map_info {
	uint32_t type;			/* enum bpf_map_type */
	uint32_t id;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;
	char name[EB_INFO_NAME_LEN];
	uint32_t ifindex;
	uint32_t btf_id;
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_vmlinux_value_type_id;
	uint64_t map_extra;
};

/* No allocated members: nothing to release. */
int eb_map_info_by_fd(int fd, struct eb_map_info *info);
/*
 * The same for an fd known to be a map (one this process created, e.g.
 * through the loader): the check of the fd's kind, a /proc lookup that
 * costs more than the query itself, is skipped.  Given another kind of
 * fd it fills *info from the wrong record: never pass an fd from outside.
 */
int eb_map_info_by_own_fd(int fd, struct eb_map_info *info);
int eb_map_info_by_id(uint32_t id, struct eb_map_info *info);
int eb_map_info_by_path(const char *path, struct eb_map_info *info);

/* --- links ----------------------------------------------------------------- */

struct eb_link_info {
	uint32_t type;			/* enum bpf_link_type */
	uint32_t id;
	uint32_t prog_id;
	/*
	 * The type-specific part.  Fields not used by the link's type are 0
	 * (or NULL).  attach_type is set for tracing, cgroup, netns, tcx,
	 * netkit and sockmap links.
	 */
	uint32_t attach_type;
	char *tp_name;			/* raw_tracepoint: allocated */
	char *iter_target;		/* iter: target name, allocated */
	uint32_t iter_map_id;		/* iter over a map's elements */
	uint64_t cgroup_id;		/* cgroup links */
	uint32_t netns_ino;		/* netns links */
	uint32_t ifindex;		/* xdp, tcx, netkit links */
	uint32_t target_obj_id;		/* tracing: prog id (ext) or BTF object id */
	uint32_t target_btf_id;		/* tracing: BTF type id in that object */
	uint32_t map_id;		/* struct_ops, sockmap links */
	uint32_t nf_pf, nf_hooknum;	/* netfilter links */
	int32_t nf_priority;
	uint32_t nf_flags;
};

/* Fill *info; the strings are allocated, free with eb_link_info_release(). */
int eb_link_info_by_fd(int fd, struct eb_link_info *info);
int eb_link_info_by_id(uint32_t id, struct eb_link_info *info);
int eb_link_info_by_path(const char *path, struct eb_link_info *info);
void eb_link_info_release(struct eb_link_info *info);

/* --- BTF ------------------------------------------------------------------- */

struct eb_btf_info {
	uint32_t id;
	uint32_t size;			/* bytes of raw BTF */
	char *name;			/* allocated; "" for unnamed (program) BTF,
					 * "vmlinux" or the module name for kernel BTF */
	bool kernel_btf;
};

int eb_btf_info_by_fd(int fd, struct eb_btf_info *info);
int eb_btf_info_by_id(uint32_t id, struct eb_btf_info *info);
void eb_btf_info_release(struct eb_btf_info *info);
/* The raw BTF bytes of BTF object fd, allocated (caller frees *data),
 * size in *size. */
int eb_btf_get_raw_by_fd(int fd, void **data, uint32_t *size);

/* --- names of types ------------------------------------------------------ */

/*
 * The names bpftool prints ("xdp", "socket_filter", "hash", "percpu_array",
 * "raw_tracepoint", "cgroup_inet_ingress", ...).  The *_str functions
 * return NULL for a value they do not know (print the number instead); the
 * *_parse functions return the value (>= 0) or -EINVAL for an unknown name.
 */
const char *eb_prog_type_str(uint32_t type);
const char *eb_map_type_str(uint32_t type);
const char *eb_link_type_str(uint32_t type);
const char *eb_attach_type_str(uint32_t type);
int eb_prog_type_parse(const char *s);
int eb_map_type_parse(const char *s);
int eb_link_type_parse(const char *s);
int eb_attach_type_parse(const char *s);

/* --- pinning ----------------------------------------------------------------- */

#define EB_BPF_FS_MAGIC 0xcafe4a11	/* statfs f_type of a bpffs */

/*
 * Pin fd at path.  Missing parent directories are created (mode 0700) as
 * long as they are inside a bpffs; a path whose nearest existing ancestor
 * is not on a bpffs is refused with -EINVAL and a log line.  -EEXIST if
 * something is already pinned there.  0 or -errno.
 */
int eb_pin(int fd, const char *path);
/* Remove a pin (or an empty directory) from a bpffs.  -EINVAL (and a log
 * line) if path is not on a bpffs, -ENOENT if nothing is there. */
int eb_unpin(const char *path);
/* True if path (which must exist) is on a bpffs. */
bool eb_path_is_bpffs(const char *path);

#endif
