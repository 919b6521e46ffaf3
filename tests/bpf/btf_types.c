// SPDX-License-Identifier: GPL-2.0
/*
 * btf_types.c - varied types for test_btf (the BTF parser's tests).
 *
 * Types (exact layouts asserted by tests/test_btf.c):
 *   typedef chain   my_flags_t -> flags_t -> u32_t -> unsigned int
 *   struct bits     a:3 @0, b:5 @3, c:12 @8 (signed), d @64 (u64),
 *                   name[16] @128, flags @256 (my_flags_t); size 40
 *   union val       u, i, bytes[8]; size 8
 *   enum color      COLOR_RED 1, COLOR_GREEN 2, COLOR_NEG -3
 *   struct entry    b @0, v @320, c @384, label @448 (const char *),
 *                   cb @512 (int (*)(void *, long)); size 72
 * Maps in .maps:    entries (hash u32 -> struct entry), counters (array)
 * Globals:          .data data_counter = 7, .bss bss_buf[32],
 *                   .rodata cfg_limit = 3
 * Programs:         SEC("xdp") btf_xdp_a, btf_xdp_b, SEC("tc") btf_tc,
 *                   and the subprogram btf_helper in .text.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef unsigned int u32_t;
typedef u32_t flags_t;
typedef flags_t my_flags_t;

typedef int (*cb_t)(void *ctx, long n);

enum color {
	COLOR_RED = 1,
	COLOR_GREEN = 2,
	COLOR_NEG = -3,
};

struct bits {
	unsigned int a:3;
	unsigned int b:5;
	int c:12;
	unsigned long long d;
	char name[16];
	my_flags_t flags;
};

union val {
	unsigned int u;
	int i;
	char bytes[8];
};

struct entry {
	struct bits b;
	union val v;
	enum color c;
	const char *label;
	cb_t cb;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct entry);
} entries SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

int data_counter = 7;
char bss_buf[32];
const volatile int cfg_limit = 3;

static __attribute__((noinline)) int btf_helper(struct entry *e)
{
	if (!e)
		return 0;
	return e->b.a + e->b.c + e->v.i + (int)e->c + (int)e->b.flags;
}

SEC("xdp")
int btf_xdp_a(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct entry *e = bpf_map_lookup_elem(&entries, &key);

	return btf_helper(e) + data_counter + cfg_limit > 100 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int btf_xdp_b(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	bss_buf[0] = 1;
	return XDP_PASS;
}

SEC("tc")
int btf_tc(struct __sk_buff *skb)
{
	__u32 key = 2;
	struct entry *e = bpf_map_lookup_elem(&entries, &key);

	return e ? btf_helper(e) : 0;
}

char _license[] SEC("license") = "GPL";
