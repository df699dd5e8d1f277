/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner.h - load and run a program natively (the core in-process) or
 * through /dev/altbpf.  Shared by the altbpf CLI and the conformance plugin.
 */
#ifndef ALTBPF_USERSPACE_RUNNER_H
#define ALTBPF_USERSPACE_RUNNER_H

#include "engine.h"

enum run_via {
	RUN_VIA_AUTO,		/* dev if /dev/altbpf exists, else native */
	RUN_VIA_NATIVE,
	RUN_VIA_DEV,
};

struct run_opts {
	int via;		/* enum run_via */
	u32 engine;		/* enum abpf_engine */
	u32 prog_type;		/* enum abpf_prog_type */
	u32 log_level;		/* checker log level (0-2) */
	u32 repeat;		/* runs (0 = 1) */
	bool want_code;		/* fetch the xlated and JIT code (dumps) */
	bool no_run;		/* load (and compile) only */
};

struct run_result {
	u64 r0;			/* of the last run */
	int load_err;		/* 0, or -errno: the program was rejected */
	int run_err;		/* 0, or -errno: the run aborted */
	u32 error_pc;		/* native: where it aborted */
	bool error_pc_valid;
	u64 ns_per_run;
	u32 runs;
	int via;		/* the path actually taken */
	u32 engine;		/* the engine asked for, or used natively */
	char log[65536];	/* checker log (load failures, log_level > 0) */
	char msg[256];		/* what went wrong when the result is -2 */
	/*
	 * With want_code (run_result_free() releases them): the program as
	 * loaded, and its JIT image with the image offset of each
	 * instruction's code (xlated_cnt + 1 entries; [xlated_cnt] = end of
	 * the body, see struct abpf_jit_host).  jited is NULL when the
	 * program was not compiled (natively: the JIT failed; via the
	 * device: module parameter jit=0, or the JIT fell back).
	 */
	struct bpf_insn *xlated;
	u32 xlated_cnt;
	u8 *jited;
	u32 jited_len;
	u32 *jit_offsets;
	u32 nr_jit_offsets;
};

/*
 * Load and run.  Returns 0 when the program ran (see res->run_err), -1
 * when it was rejected (res->load_err, res->log), -2 on a setup failure
 * (res->msg: no device, engine not available, out of memory ...).
 * @mem is copied; the program sees the copy.
 */
int run_program(const struct bpf_insn *insns, u32 len, const u8 *mem,
		u32 mem_len, const struct run_opts *o, struct run_result *res);
void run_result_free(struct run_result *res);

/*
 * Natively: the host checks (type, empty, size), abpf_prog_alloc(),
 * abpf_check() and abpf_interp_prepare().  NULL with *err and the log set
 * when the program is rejected.
 */
struct abpf_prog *native_load(const struct bpf_insn *insns, u32 len,
			      u32 prog_type, struct abpf_log *log, int *err);

/*
 * A native run's context: packet programs get data as their read-only
 * packet through a struct abpf_pkt_ctx (one static copy: not reentrant),
 * the others data in r1 and its length in r2.
 */
void native_run_ctx_init(struct abpf_run_ctx *rc, u32 prog_type, void *data,
			 u32 len);

/* "interp", "jit", "kernel-interp", "kernel-jit", "default"; -1 if none. */
int parse_engine(const char *name);
bool run_have_native_jit(void);
/* The engine "default" means natively: the JIT when built in, else interp. */
u32 run_native_engine(u32 engine);
/* "ERANGE" for -ERANGE and the like (checker and run errors). */
const char *errno_name(int err);
const char *run_via_name(int via);
/* CLOCK_MONOTONIC in ns (native timing). */
u64 run_now_ns(void);

#ifdef ALTBPF_HAVE_JIT
/* userspace/jit_mem.c: compile with W^X executable memory near our text. */
int abpf_native_jit(struct abpf_prog *prog, u32 blind, struct abpf_log *log);
void abpf_native_jit_free(struct abpf_prog *prog);
struct abpf_jit_host;
void abpf_native_jit_host(struct abpf_jit_host *host, u32 blind);
#endif

#endif /* ALTBPF_USERSPACE_RUNNER_H */
