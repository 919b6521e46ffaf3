// SPDX-License-Identifier: GPL-2.0
/*
 * att_fentry.c - an fentry program (this kernel refuses its load with
 * EPERM; test_attach.c checks the refusal and skips the attach).
 * fentry_sleep SEC("fentry/do_nanosleep"): returns 0.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("fentry/do_nanosleep")
int fentry_sleep(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
