// SPDX-License-Identifier: GPL-2.0
/*
 * tail_calls.c - tail calls through a program array initialized in the
 * object (__array(values, int (void *))).
 *
 *   tc_jmp  PROG_ARRAY 4 slots: [0] = tc_step0, [2] = tc_step2
 * Programs (all SEC("socket")):
 *   tc_entry  tail-calls slot .bss `slot` (0); returns 99 if the slot is
 *             empty
 *   tc_step0  returns 10      tc_step2  returns 12
 *   tc_step1  returns 11 (in the object, not in the array)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

__u32 slot;

SEC("socket")
int tc_step0(struct __sk_buff *skb)
{
	return 10;
}

SEC("socket")
int tc_step1(struct __sk_buff *skb)
{
	return 11;
}

SEC("socket")
int tc_step2(struct __sk_buff *skb)
{
	return 12;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} tc_jmp SEC(".maps") = {
	.values = { [0] = (void *)&tc_step0, [2] = (void *)&tc_step2 },
};

SEC("socket")
int tc_entry(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &tc_jmp, slot);
	return 99;
}

char LICENSE[] SEC("license") = "GPL";
