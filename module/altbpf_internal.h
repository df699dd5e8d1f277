/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altbpf_internal.h - shared by the kernel glue of altbpf.ko (the
 * module/ directory, not the engine core).
 */
#ifndef ALTBPF_INTERNAL_H
#define ALTBPF_INTERNAL_H

#include <linux/refcount.h>
#include <linux/fs.h>

#include "engine.h"
#include "altbpf.h"
#include "altbpf_api.h"
#include "jit_arena.h"

#define ALTBPF_LICENSE_MAX	128
#define ALTBPF_LOG_MAX		(16U << 20)	/* BPF_PROG_LOAD log_size */
#define ALTBPF_JIT_WHY_MAX	96

/* A loaded program: the engine core's object plus the host's bookkeeping. */
struct altbpf_prog {
	refcount_t refcnt;
	u32 id;				/* BPF_OBJ_GET_INFO_BY_FD */
	u32 uapi_type;			/* ALTBPF_PROG_TYPE_* */
	struct abpf_prog *prog;		/* checked */
	int kernel_err;			/* altbpf_kernel_check() verdict */
	char kernel_why[64];		/* ... and its reason */
	/*
	 * A program loaded as classic BPF: its original instructions, which
	 * the kernel's engines run through its own classic BPF
	 * (kernel_classic.c); NULL otherwise.
	 */
	struct sock_filter *cbpf;
	u32 cbpf_len;
	/*
	 * The altbpf JIT: 0 and prog->jit_image set, or why the program
	 * runs on the interpreter only (-EOPNOTSUPP, -ENOMEM, ... with the
	 * reason; -ENODEV with the module parameter jit=0).
	 */
	int jit_err;
	char jit_why[ALTBPF_JIT_WHY_MAX];
	bool jit_blinded;		/* constants blinded (jit_harden) */
	u32 *jit_offsets;		/* len + 1 image offsets, or NULL */
	bool gpl_compatible;
	u64 load_time;			/* ktime_get_boottime_ns() */
	kuid_t uid;
	char name[BPF_OBJ_NAME_LEN];
};

/* main.c: module parameters. */
extern u32 altbpf_default_engine;	/* ABPF_ENGINE_INTERP or _JIT */
extern u64 altbpf_budget;
extern u32 altbpf_log_level;
extern bool altbpf_jit_enable;		/* "jit": compile at load */
extern u32 altbpf_jit_harden;		/* 0, 1, 2 as bpf_jit_harden */
extern u32 altbpf_jit_dump;		/* 0, 1 size, 2 + hex dump */

/* api.c */
struct abpf_map_resolver;
/*
 * @res resolves the fds of lddw map references (dev.c's map fds); NULL:
 * programs with map references are rejected (in-kernel API loads).
 */
struct altbpf_prog *altbpf_prog_create(u32 prog_type,
				       const struct bpf_insn *insns, u32 len,
				       const struct abpf_map_resolver *res,
				       struct abpf_log *log, int *err);
struct altbpf_prog *altbpf_prog_by_id(u32 id);	/* + a reference, or NULL */
int altbpf_prog_next_id(u32 id, u32 *next);	/* 0 or -ENOENT */
struct altbpf_prog *altbpf_cbpf_create(const struct sock_filter *filter,
				       u32 len, struct abpf_log *log,
				       int *err);
u32 altbpf_resolve_engine(const struct altbpf_prog *p, u32 engine);
int altbpf_run(struct altbpf_prog *p, u32 engine, void *data, u32 len,
	       u32 repeat, u64 budget, u64 *r0, u32 *duration, u32 *error_pc);
void altbpf_prog_ids_exit(void);

/* dev.c */
/* The program behind a program fd, + a reference; ERR_PTR(-EBADF/-EINVAL). */
struct altbpf_prog *altbpf_prog_get_fd(u32 ufd);
int altbpf_dev_init(void);
void altbpf_dev_exit(void);

/* kernel_engine.c: the kernel's own interpreter and JIT. */
int altbpf_kernel_check(const struct abpf_prog *prog, char *why,
			size_t why_size);
int altbpf_kernel_build(const struct abpf_prog *prog, bool jit, u32 data_len,
			struct bpf_prog **lo, struct bpf_prog **hi);
/*
 * Run a program of altbpf_kernel_build() with r1 = @data (never
 * bpf_prog_run() directly: r1 is a context block), at most @budget
 * back-edge instructions: 0 with *@ret set, or -ELOOP (*@ret = 0,
 * *@error_pc = the back-edge when @error_pc is non-NULL).
 */
int altbpf_kernel_run(const struct bpf_prog *fp, void *data, u64 budget,
		      u32 *ret, u32 *error_pc);
void altbpf_kernel_free(struct bpf_prog *lo, struct bpf_prog *hi);

#endif /* ALTBPF_INTERNAL_H */
