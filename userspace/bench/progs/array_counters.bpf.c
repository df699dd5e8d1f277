// SPDX-License-Identifier: GPL-2.0
/*
 * array_counters - sockex1-style counters: 64 payload bytes each index a
 * 256-entry array of byte counts, incremented atomically by the frame
 * length.  The checksum covers the indices found, not the counts (which
 * grow from run to run).
 */
#include "bench_prog.h"
#include "algo.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

BENCH_PROG(array_counters)
{
	__u32 sum = 0, len = end - data;

	if (data + BENCH_PAYLOAD + 64 > end)
		return 0;
	for (int i = 0; i < 64; i++) {
		__u32 idx = LD8(data + BENCH_PAYLOAD + i);
		__u64 *v = bpf_map_lookup_elem(&counters, &idx);

		if (v) {
			__sync_fetch_and_add(v, len);
			sum = sum * 31 + idx;
		}
	}
	return sum;
}

BENCH_LICENSE;
