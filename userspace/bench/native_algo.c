// SPDX-License-Identifier: GPL-2.0
/*
 * native_algo.c - the compute benchmarks of algo.h built by gcc -O2: the
 * physical limit the BPF engines are compared with (engine "gcc-O2").
 * The functions are only reached through pointers, from another
 * translation unit, so the harness's loop cannot hoist or fold them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "algo.h"
#include "bench.h"

typedef __u32 (*algo_fn)(const __u8 *, const __u8 *);

#define ALGO(n)								\
static __u32 native_##n(const __u8 *data, const __u8 *end)		\
{									\
	return algo_##n(data, end);					\
}
ALGO(empty)
ALGO(xorshift)
ALGO(collatz)
ALGO(bubble)
ALGO(csum)
ALGO(jhash)
ALGO(crc32)
ALGO(parser)
ALGO(calls)

static const struct {
	const char *name;
	algo_fn fn;
} algos[] = {
	{ "empty", native_empty }, { "xorshift", native_xorshift },
	{ "collatz", native_collatz }, { "bubble", native_bubble },
	{ "csum", native_csum }, { "jhash", native_jhash },
	{ "crc32", native_crc32 }, { "parser", native_parser },
	{ "calls", native_calls },
};

algo_fn bench_native_algo(const char *name)
{
	for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
		if (!strcmp(algos[i].name, name))
			return algos[i].fn;
	return NULL;
}

static int gcc_load(struct bench_inst *inst, const char *obj_dir)
{
	inst->priv = (void *)bench_native_algo(inst->spec->name);
	if (!inst->priv) {
		snprintf(inst->why, sizeof(inst->why),
			 "uses maps or helpers: no plain C build");
		return -1;
	}
	return 0;
}

static int gcc_map_update(struct bench_inst *inst, const char *map,
			  const void *key, const void *value)
{
	return 0;	/* the gcc builds use no maps */
}

static int gcc_run(struct bench_inst *inst, const __u8 *pkt, __u32 len,
		   __u32 repeat, __u32 *retval, double *ns)
{
	algo_fn volatile fn = (algo_fn)inst->priv;
	double t0 = bench_cpu_ns();
	__u32 r = 0;

	for (__u32 i = 0; i < repeat; i++) {
		r = fn(pkt, pkt + len);
		__asm__ volatile("" : : "r"(r) : "memory");
	}
	*ns = (bench_cpu_ns() - t0) / repeat;
	*retval = r;
	return 0;
}

static void gcc_unload(struct bench_inst *inst)
{
	inst->priv = NULL;
}

const struct bench_backend bench_gcc_backend = {
	.load = gcc_load, .map_update = gcc_map_update,
	.run = gcc_run, .unload = gcc_unload,
};
