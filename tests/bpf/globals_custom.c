// SPDX-License-Identifier: GPL-2.0
/*
 * globals_custom.c - global data in custom sections only (no .data,
 * .rodata or .bss): each section becomes its own array map named after
 * the section.
 *
 *   .rodata.custom  const volatile knob = 5,
 *                   const volatile scale[3] = {2, 3, 7}
 *                   (16 bytes; read-only for programs, frozen)
 *   .data.custom2   bias = 11, tally = 1 (8 bytes)
 *
 * Program: gc_sum, SEC("socket").  Under BPF_PROG_TEST_RUN with the
 * initial values: retval 28 = knob * scale[0] + scale[2] + bias
 * (5 * 2 + 7 + 11); every run adds 1 to tally.  With knob set to 6
 * before the load: retval 30.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile int knob SEC(".rodata.custom") = 5;
const volatile int scale[3] SEC(".rodata.custom") = { 2, 3, 7 };

int bias SEC(".data.custom2") = 11;
__u32 tally SEC(".data.custom2") = 1;

SEC("socket")
int gc_sum(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&tally, 1);
	return knob * scale[0] + scale[2] + bias;
}

char LICENSE[] SEC("license") = "GPL";
