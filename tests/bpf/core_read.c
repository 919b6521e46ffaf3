// SPDX-License-Identifier: GPL-2.0
/*
 * core_read.c - CO-RE reads of kernel structs through vmlinux.h, the way
 * libbpf tools are written: BPF_CORE_READ chains, a bitfield, field
 * existence and size, type existence / size / matches, enum values.
 *
 * Program: core_getpid, SEC("tracepoint/syscalls/sys_enter_getpid").
 * On every getpid() of the process whose tgid is in .bss `target_tgid`
 * (0: any) it records into .bss:
 *   seen_pid    current->pid               (field_byte_offset)
 *   seen_tgid   current->tgid
 *   seen_ppid   current->real_parent->tgid (a two-step chain)
 *   comm_len    bpf_core_field_size(current->comm)  = 16
 *   has_pid     bpf_core_field_exists(current->pid) = 1
 *   task_size   bpf_core_type_size(struct task_struct) (the kernel's)
 *   ts_exists   bpf_core_type_exists(struct task_struct) = 1
 *   (bpf_core_type_matches needs clang 15: the unit tests cover it)
 *   ev_value    bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_ARRAY) = 2
 *   ev_exists   bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_ARENA)
 *   in_execve   BPF_CORE_READ_BITFIELD_PROBED(current, in_execve) (0)
 *   calls       += 1
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

__u32 target_tgid;
__u32 seen_pid, seen_tgid, seen_ppid, comm_len, has_pid, task_size;
__u32 ts_exists, ev_value, ev_exists, in_execve, calls;

SEC("tracepoint/syscalls/sys_enter_getpid")
int core_getpid(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (target_tgid && tgid != target_tgid)
		return 0;
	seen_pid = BPF_CORE_READ(task, pid);
	seen_tgid = tgid;
	seen_ppid = BPF_CORE_READ(task, real_parent, tgid);
	comm_len = bpf_core_field_size(task->comm);
	has_pid = bpf_core_field_exists(task->pid);
	task_size = bpf_core_type_size(struct task_struct);
	ts_exists = bpf_core_type_exists(struct task_struct);
	ev_value = bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_ARRAY);
	ev_exists = bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_ARENA);
	in_execve = BPF_CORE_READ_BITFIELD_PROBED(task, in_execve);
	__sync_fetch_and_add(&calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
