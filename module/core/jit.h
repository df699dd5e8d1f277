/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jit.h - the x86-64 code generator's interface (host independent).
 *
 * abpf_jit_compile() turns a checked program (abpf_check() filled
 * prog->aux, prog->subprogs and the stack depths) into x86-64 machine code
 * in memory the host provides, and sets prog->jit_image, prog->jit_size
 * and prog->jit_func.  The generated code enforces exactly the interpreter's
 * run-time checks (see "Safety model" in engine.h): r0 and rc->error,
 * rc->error_pc after any run are what abpf_interp_run() gives.
 *
 * The host supplies executable memory and says which hardening the code
 * must follow:
 *  - alloc(size, &rw) returns the address the code will run at (never
 *    writable) and a writable alias of the same bytes (never executable);
 *    finalize() is called once everything is written (natively: mprotect
 *    RX; kernel: drop the alias); free() releases an image (the kernel
 *    host defers the release past an RCU grace period).
 *  - ABPF_JIT_IBT: endbr64 at the entry (the only indirect-call and
 *    indirect-jump target: helpers, callx and local calls are all direct
 *    calls; an inline tail call jumps to the target image's entry).
 *  - ABPF_JIT_RETHUNK: every ret is "jmp return_thunk".
 *  - ABPF_JIT_RETPOLINE: indirect calls (only used when a helper is out
 *    of rel32 reach, i.e. never in the kernel) and the inline tail call's
 *    indirect jump go through indirect_thunk_rax.
 *  - ABPF_JIT_SLS: int3 after every ret and indirect jump.
 *  - blind: constant blinding (0 off, 1 or 2 on, like bpf_jit_harden):
 *    every immediate operand is materialised as (imm ^ rnd) ^ rnd in the
 *    scratch register, rnd from random().
 *
 * Returns 0, -EOPNOTSUPP (a construct the JIT does not handle: the host
 * falls back to the interpreter), -ENOMEM, -E2BIG (image too large) or
 * -EFAULT (internal inconsistency: layout did not converge or the final
 * pass did not reproduce it).  On failure prog is left without an image
 * and the reason is in the log.
 */
#ifndef ALTBPF_CORE_JIT_H
#define ALTBPF_CORE_JIT_H

#include "engine.h"

#define ABPF_JIT_IBT		0x01
#define ABPF_JIT_RETPOLINE	0x02
#define ABPF_JIT_RETHUNK	0x04
#define ABPF_JIT_SLS		0x08
/* The host guarantees every helper is within rel32 reach of any image. */
#define ABPF_JIT_NEAR_CALLS	0x10

#define ABPF_JIT_MAX_IMAGE	(64U << 20)

struct abpf_jit_host {
	/* Returns the RX address (NULL on failure), *rw_alias a writable view. */
	void *(*alloc)(u32 size, void **rw_alias);
	/* All bytes written: make the image executable.  0 or -errno. */
	int (*finalize)(void *image, void *rw_alias, u32 size);
	void (*free)(void *image, u32 size);
	/* Random source for constant blinding (may be NULL if blind == 0). */
	u32 (*random)(void);
	u32 flags;			/* ABPF_JIT_* */
	u32 blind;			/* 0, 1, 2 */
	const void *return_thunk;	/* __x86_return_thunk (RETHUNK) */
	const void *indirect_thunk_rax;	/* __x86_indirect_thunk_rax */
	/*
	 * Optional output for `dump jited`: prog->len + 1 entries, the image
	 * offset where the code of each BPF instruction starts (the second
	 * slot of an lddw gets the offset of the next instruction's code);
	 * [len] is the end of the program body (out-of-line stubs follow).
	 * Everything before [0] is the prologue.
	 */
	u32 *insn_offsets;
	/*
	 * Test only: 0 is the documented register map; 1 ..
	 * ABPF_JIT_REG_PERMS - 1 select another valid one (r1-r5 permuted
	 * among rdi rsi rdx rcx r8, r6-r9 among rbx r13 r14 r15; see
	 * abpf_jit_reg_map() in jit_x86.c), so tests can rerun programs
	 * with every register in a different place.
	 */
	u32 reg_perm;
};

/* 5! orders of r1-r5 times 4! orders of r6-r9 */
#define ABPF_JIT_REG_PERMS	(120 * 24)

int abpf_jit_compile(struct abpf_prog *prog, const struct abpf_jit_host *host,
		     struct abpf_log *log);
/* Releases prog's image through host->free and clears the jit_* fields. */
void abpf_jit_release(struct abpf_prog *prog,
		      const struct abpf_jit_host *host);
/* The x86 register (0 rax .. 15 r15) of BPF r0-r10 under reg_perm. */
void abpf_jit_reg_map(u32 reg_perm, u8 map[ABPF_NR_REGS]);

#endif /* ALTBPF_CORE_JIT_H */
