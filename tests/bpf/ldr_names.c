// SPDX-License-Identifier: GPL-2.0
/*
 * ldr_names.c - loader corner cases: names, unknown sections, version.
 *
 * Map:  a_map_with_a_very_long_name  ARRAY key 4, value 4, 1 entry
 *       kernel name "a_map_with_a_ve" (15 chars).
 * Program: a_program_with_a_long_name, SEC("socket"): kernel name
 *       "a_program_with_", retval 7 (a_map_with_a_very_long_name[0] += 1).
 * Program: ELF name "odd-name$x" (asm label), SEC("socket"): kernel
 *       name "odd_name_x", retval 8.
 * Program: ldr_unknown, SEC("no_such_type/x"): parsed, never loaded.
 * version section: 0x00060000.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} a_map_with_a_very_long_name SEC(".maps");

SEC("socket")
int a_program_with_a_long_name(struct __sk_buff *skb)
{
	__u32 key = 0, *val;

	val = bpf_map_lookup_elem(&a_map_with_a_very_long_name, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	return 7;
}

int odd_name(struct __sk_buff *skb) __asm__("odd-name$x");

SEC("socket")
int odd_name(struct __sk_buff *skb)
{
	return 8;
}

SEC("no_such_type/x")
int ldr_unknown(void *ctx)
{
	return 0;
}

__u32 _version SEC("version") = 0x00060000;
char LICENSE[] SEC("license") = "Dual BSD/GPL";
