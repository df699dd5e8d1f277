// SPDX-License-Identifier: GPL-2.0
/*
 * lookup - map lookup throughput from a program: 256 lookups in a
 * 256-entry map the harness fills (value = key * 2654435761).  Built as
 * lookup_array and lookup_hash (userspace/Makefile: -DBENCH_ALGO=NAME and
 * -DBENCH_MAP_TYPE=BPF_MAP_TYPE_ARRAY or _HASH).
 */
#include "bench_prog.h"
#include "algo.h"

struct {
	__uint(type, BENCH_MAP_TYPE);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} lookup_table SEC(".maps");

BENCH_PROG(BENCH_ALGO)
{
	__u64 sum = 0;

	if (data + BENCH_PAYLOAD + 1 > end)
		return 0;
	for (__u32 i = 0; i < 256; i++) {
		__u32 k = (i * 17 + LD8(data + BENCH_PAYLOAD)) & 255;
		__u64 *v = bpf_map_lookup_elem(&lookup_table, &k);

		if (v)
			sum += *v;
	}
	return fold64(sum);
}

BENCH_LICENSE;
