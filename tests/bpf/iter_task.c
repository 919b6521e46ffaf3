// SPDX-License-Identifier: GPL-2.0
/*
 * iter_task.c - a task iterator (SEC("iter/task")): one line per task,
 * "PID COMM", and a count in .bss `tasks`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 tasks;

SEC("iter/task")
int iter_tasks(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task)
		return 0;
	__sync_fetch_and_add(&tasks, 1);
	BPF_SEQ_PRINTF(seq, "%d %s\n", task->pid, task->comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
