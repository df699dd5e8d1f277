/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altbpf_api.h - altbpf.ko's in-kernel programming interface.
 *
 * Other modules (hooks, the KUnit suites) load, run and release altbpf
 * programs through these EXPORT_SYMBOL_GPL functions.  The same checker
 * and engines serve /dev/altbpf.
 *
 * Context rules:
 *  - altbpf_prog_load() and altbpf_prog_put() may sleep (process context);
 *  - altbpf_prog_run() on ABPF_ENGINE_INTERP / _JIT / _DEFAULT does not
 *    sleep and may be called with preemption disabled;
 *  - altbpf_prog_run() on the kernel's engines (ABPF_ENGINE_KERNEL_*)
 *    builds a struct bpf_prog per call and therefore may sleep.
 */
#ifndef ALTBPF_API_H
#define ALTBPF_API_H

#include <linux/types.h>
#include <linux/filter.h>

struct altbpf_prog;

/*
 * Load (copy and check) @len instructions as a program of @prog_type
 * (enum abpf_prog_type: ABPF_PROG_TYPE_MEM or _CONFORMANCE).
 *
 * The checker's log goes to @log (@log_size bytes, may be 0 with @log
 * NULL), always NUL-terminated when @log_size > 0; a log that does not fit
 * is truncated, which is not an error here (unlike BPF_PROG_LOAD).  The
 * log's verbosity is the module parameter log_level.
 *
 * Returns the program with one reference, or NULL with *@err set:
 * -EINVAL (bad arguments or malformed program), -EACCES (unsafe),
 * -E2BIG (too large or too complex), -ENOMEM.
 */
struct altbpf_prog *altbpf_prog_load(u32 prog_type,
				     const struct bpf_insn *insns, u32 len,
				     char *log, u32 log_size, int *err);

/*
 * Run @p once on @engine (enum abpf_engine) with r1 = @data, r2 = @len.
 * @data (may be NULL if @len is 0) is the only memory besides the stack
 * the program may touch; it is modified in place.
 *
 * Returns 0 with *@r0 set, or a negative errno with *@r0 = 0:
 *  - the run aborted: -ERANGE (bad memory access), -ELOOP (loop budget
 *    exhausted), -EINVAL (bad call target);
 *  - -EINVAL: unknown engine;
 *  - -EOPNOTSUPP: engine not available (the altbpf JIT when the
 *    program was not compiled, see altbpf_prog_jited(); the kernel's
 *    JIT when not built) or program not runnable on it (the
 *    kernel's engines only run programs that need no run-time checks:
 *    no helper or local calls, no loops, no cpu v4 instructions, no
 *    memory access outside the stack).
 *
 * On the kernel's engines r0 is assembled from two runs (low and high 32
 * bits), because bpf_prog_run() returns 32 bits.
 */
int altbpf_prog_run(struct altbpf_prog *p, u32 engine, void *data, u32 len,
		    u64 *r0);

/* altbpf_prog_run() with more knobs. */
struct altbpf_run_opts {
	u32 engine;		/* in: enum abpf_engine */
	u64 budget;		/* in: loop budget, 0 = module parameter */
	u64 r0;			/* out */
	u32 error_pc;		/* out: instruction of an aborted run */
};

int altbpf_prog_run_opts(struct altbpf_prog *p, void *data, u32 len,
			 struct altbpf_run_opts *opts);

/* Take / drop a reference; the last put frees the program (may sleep). */
void altbpf_prog_get(struct altbpf_prog *p);
void altbpf_prog_put(struct altbpf_prog *p);

/* Introspection (tests, diagnostics). */
u32 altbpf_prog_id(const struct altbpf_prog *p);
unsigned int altbpf_prog_refcount(const struct altbpf_prog *p);
/*
 * 0 if the kernel's engines can run @p, else -EOPNOTSUPP; the reason
 * ("insn 3: helper call") goes to @why when non-NULL.
 */
int altbpf_prog_kernel_supported(const struct altbpf_prog *p, char *why,
				 u32 why_size);

/*
 * Was @p compiled by the altbpf JIT at load?  0 with the image size in
 * *@size; else the reason it runs on the interpreter only (-ENODEV:
 * module parameter jit=0; -EOPNOTSUPP, -ENOMEM, ...: the JIT could not
 * compile it) with *@size = 0 and the reason text in @why when non-NULL.
 */
int altbpf_prog_jited(const struct altbpf_prog *p, u32 *size, char *why,
		      u32 why_size);

/* KUnit only (namespace ALTBPF_INTERNAL): the image, NULL if none. */
const void *altbpf_prog_jit_image(const struct altbpf_prog *p, u32 *size);

struct abpf_pkt_ctx;

/*
 * Classic BPF: check @len struct sock_filter instructions with the rules
 * of the kernel's bpf_check_classic(), translate them to eBPF and load the
 * result as an ABPF_PROG_TYPE_PACKET program.  As altbpf_prog_load();
 * also -EOPNOTSUPP for ancillary loads altbpf does not provide.
 */
struct altbpf_prog *altbpf_cbpf_load(const struct sock_filter *filter,
				     u32 len, char *log, u32 log_size,
				     int *err);

/*
 * Run an ABPF_PROG_TYPE_PACKET program once on ABPF_ENGINE_INTERP, _JIT
 * or _DEFAULT with r1 = @ctx (read-only; the packet ctx->data ..
 * data_end).  Does not sleep.  0 with *@r0 (a classic filter's verdict),
 * the run's abort error, -EINVAL or -EOPNOTSUPP (engine unavailable).
 */
int altbpf_prog_run_pkt(struct altbpf_prog *p, u32 engine,
			struct abpf_pkt_ctx *ctx, u64 *r0);

#endif /* ALTBPF_API_H */
