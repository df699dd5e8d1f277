// SPDX-License-Identifier: GPL-2.0
/*
 * compute - one compute benchmark of algo.h as a BPF program: built once
 * per algorithm with -DBENCH_ALGO=NAME (userspace/Makefile), the entry
 * point named NAME.
 */
#include "bench_prog.h"
#include "algo.h"

#define BENCH_PASTE(a, b)	a##b
#define BENCH_ALGO_FN(n)	BENCH_PASTE(algo_, n)

BENCH_PROG(BENCH_ALGO)
{
	return BENCH_ALGO_FN(BENCH_ALGO)(data, end);
}

BENCH_LICENSE;
