/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - the benchmark harness (altbpf-bench): programs, engines and
 * the timing loop.  docs/bench.md describes what is measured and how.
 */
#ifndef ALTBPF_BENCH_H
#define ALTBPF_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* The packet every program runs on (algo.h: BENCH_FRAME_LEN). */
#define BENCH_PKT_LEN	1514

/* One benchmark program: build/bench/obj/NAME.{altbpf,kernel}.o. */
struct bench_spec {
	const char *name;
	const char *what;
};

extern const struct bench_spec bench_suite[];
extern const unsigned int bench_suite_len;

/* native_algo.c: the algorithms of algo.h built by gcc, by name. */
__u32 (*bench_native_algo(const char *name))(const __u8 *, const __u8 *);

enum bench_engine_id {
	ENG_GCC,
	ENG_ALTBPF_INTERP,
	ENG_ALTBPF_JIT,
	ENG_KERNEL_INTERP,
	ENG_KERNEL_JIT,
	ENG__COUNT,
};

extern const char *const bench_engine_names[ENG__COUNT];

/* A program loaded on one engine (one of the backends below). */
struct bench_inst {
	const struct bench_spec *spec;
	int engine;			/* enum bench_engine_id */
	void *priv;			/* the backend's state */
	/* set by the backend when the program could not be loaded */
	char why[1024];
};

/* What every backend implements. */
struct bench_backend {
	/* 0, or -1 with inst->why (a rejection is a result, not a failure) */
	int (*load)(struct bench_inst *inst, const char *obj_dir);
	/* update an element of the object's map @map (harness fills) */
	int (*map_update)(struct bench_inst *inst, const char *map,
			  const void *key, const void *value);
	/*
	 * Run @repeat times over @pkt: *retval of the last run, *ns the
	 * average ns per run.  0, or -1 with inst->why.
	 */
	int (*run)(struct bench_inst *inst, const __u8 *pkt, __u32 len,
		   __u32 repeat, __u32 *retval, double *ns);
	void (*unload)(struct bench_inst *inst);
};

extern const struct bench_backend bench_gcc_backend;
extern const struct bench_backend bench_native_backend;	/* altbpf core */
extern const struct bench_backend bench_dev_backend;	/* /dev/altbpf */
extern const struct bench_backend bench_kernel_backend;	/* bpf(2) */

/* bench_kernel.c: in the guest, toggle bpf_jit_enable around loads. */
extern bool bench_kernel_may_toggle_jit;

/* bench_extra.c: load cost and userspace map lookups. */
struct bench_out;
void bench_load_cost(struct bench_out *out, bool guest, unsigned int rounds);
void bench_map_user(struct bench_out *out, unsigned int rounds);

/* bench.c: output rows and helpers. */
void bench_extra_row(struct bench_out *out, const char *kind,
		     const char *what, const char *engine, double value,
		     const char *unit, unsigned long runs, const char *note);
double bench_now_ns(void);
double bench_cpu_ns(void);
double bench_median(double *v, unsigned int n);
void bench_packet(__u8 *pkt, __u32 len);

#endif
