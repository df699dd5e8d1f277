// SPDX-License-Identifier: GPL-2.0
/*
 * lpm - route lookups: 32 IPv4 addresses derived from the packet's
 * destination, each looked up in an LPM trie the harness fills with 129
 * routes (bench.c: 10.i.0.0/16 -> i, 10.i.i.0/24 -> 100 + i for i < 64,
 * 0.0.0.0/0 -> 999).
 */
#include "bench_prog.h"
#include "algo.h"

struct lpm_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v4_key);
	__type(value, __u32);
} routes SEC(".maps");

BENCH_PROG(lpm)
{
	struct lpm_v4_key k = { .prefixlen = 32 };
	__u32 sum = 0;

	if (data + BENCH_PAYLOAD + 32 > end)
		return 0;
	for (int i = 0; i < 32; i++) {
		__u32 *v;

		k.addr[0] = 10;
		k.addr[1] = LD8(data + BENCH_PAYLOAD + i) & 127;
		k.addr[2] = LD8(data + BENCH_PAYLOAD + i) & 63;
		k.addr[3] = i;
		v = bpf_map_lookup_elem(&routes, &k);
		sum = sum * 31 + (v ? *v : 0xffff);
	}
	return sum;
}

BENCH_LICENSE;
