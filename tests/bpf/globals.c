// SPDX-License-Identifier: GPL-2.0
/*
 * globals.c - every global data section.
 *
 *   .data          data_val = 40, data_arr = {1, 2, 3, 4}
 *   .rodata        const volatile rodata_val = 2, rodata_scale = 1,
 *                  const rodata_table[4] = {10, 20, 30, 40}
 *   .bss           bss_val (0), bss_hits (0)
 *   .data.custom   custom_val = 100
 *   .rodata.str1.1 the string literal "globals: hit %d\n" passed to
 *                  bpf_trace_printk (bpf_printk's format goes to .rodata)
 *
 * Program: globals_sum, SEC("xdp").  Under BPF_PROG_TEST_RUN with the
 * initial values: retval 42 = data_val + rodata_val * rodata_scale
 * + bss_val; afterwards bss_hits == 1 and custom_val == 101 (per run).
 * Program: globals_table, SEC("socket").  retval 110 = rodata_table[0..3]
 * summed (100) + data_arr[0] * 10 (10).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int data_val = 40;
int data_arr[4] = { 1, 2, 3, 4 };

const volatile int rodata_val = 2;
const volatile int rodata_scale = 1;
const int rodata_table[4] = { 10, 20, 30, 40 };

int bss_val;
__u64 bss_hits;

int custom_val SEC(".data.custom") = 100;

SEC("xdp")
int globals_sum(struct xdp_md *ctx)
{
	bss_hits++;
	custom_val++;
	bpf_printk("globals: data %d custom %d", data_val, custom_val);
	bpf_trace_printk("globals: hit %d\n", sizeof("globals: hit %d\n"),
			 bss_hits);
	return data_val + rodata_val * rodata_scale + bss_val;
}

SEC("socket")
int globals_table(struct __sk_buff *skb)
{
	int i, sum = 0;

	for (i = 0; i < 4; i++)
		sum += rodata_table[i];
	return sum + data_arr[0] * 10;
}

char LICENSE[] SEC("license") = "GPL";
