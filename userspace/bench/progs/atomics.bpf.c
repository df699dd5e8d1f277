// SPDX-License-Identifier: GPL-2.0
/*
 * atomics - 32 rounds of add, or, and, xor (fetching and not), xchg and
 * cmpxchg on an array map value (-mcpu=v3), from a start value the
 * program stores first, so the fetched values, and the checksum, are the
 * same on every run.
 */
#include "bench_prog.h"
#include "algo.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cell SEC(".maps");

BENCH_PROG(atomics)
{
	__u32 zero = 0;
	__u64 *v, acc = 0, x;

	if (data + BENCH_PAYLOAD + 8 > end)
		return 0;
	v = bpf_map_lookup_elem(&cell, &zero);
	if (!v)
		return 0;
	*v = LD64(data + BENCH_PAYLOAD);
	for (__u64 i = 0; i < 32; i++) {
		__sync_fetch_and_add(v, i);
		acc += __sync_fetch_and_add(v, 3 * i + 1);
		acc ^= __sync_fetch_and_or(v, i << 3);
		acc += __sync_fetch_and_and(v, ~(i << 9));
		acc ^= __sync_fetch_and_xor(v, i * 0x9e3779b97f4a7c15ULL);
		__sync_fetch_and_xor(v, i);
		x = __sync_lock_test_and_set(v, acc);
		acc += __sync_val_compare_and_swap(v, acc, x + i);
	}
	return fold64(acc ^ *v);
}

BENCH_LICENSE;
