// SPDX-License-Identifier: GPL-2.0
/*
 * core_flavors.c - CO-RE across kernel versions, the way tools guard
 * fields that moved or vanished: ___flavor types, field existence checks
 * around reads of fields this kernel does not have (their relocations
 * are poisoned; the guarded path is dead, so the program loads).
 *
 * Program: flavors_getpid, SEC("tracepoint/syscalls/sys_enter_getpid").
 * .bss: new_pid    task_struct___new.pid (exists)          = current pid
 *       old_state  1 if task_struct___old.no_such_state exists (0 here)
 *       old_value  only written when it exists (stays 0)
 *       enum_exists bpf_core_enum_value_exists(enum pid_type___x, PIDTYPE_MAX___x) (1)
 *       gone_enum  bpf_core_enum_value_exists(enum pid_type___x, PIDTYPE_GONE___x) (0)
 *       no_type    bpf_core_type_exists(struct no_such_struct___v1) (0)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___new {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

struct task_struct___old {
	long no_such_state;
	int pid;
} __attribute__((preserve_access_index));

enum pid_type___x {
	PIDTYPE_MAX___x = 4,
	PIDTYPE_GONE___x = 99,
};

struct no_such_struct___v1 {
	int x;
};

__u32 new_pid, old_state, enum_exists, gone_enum, no_type;
long old_value;

SEC("tracepoint/syscalls/sys_enter_getpid")
int flavors_getpid(void *ctx)
{
	void *task = (void *)bpf_get_current_task();
	struct task_struct___new *tn = task;
	struct task_struct___old *to = task;

	new_pid = BPF_CORE_READ(tn, pid);
	if (bpf_core_field_exists(to->no_such_state)) {
		old_state = 1;
		old_value = BPF_CORE_READ(to, no_such_state);
	}
	enum_exists = bpf_core_enum_value_exists(enum pid_type___x, PIDTYPE_MAX___x);
	gone_enum = bpf_core_enum_value_exists(enum pid_type___x, PIDTYPE_GONE___x);
	no_type = bpf_core_type_exists(struct no_such_struct___v1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
