/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jit_arena.h - executable memory for the altbpf JIT inside the kernel.
 */
#ifndef ALTBPF_JIT_ARENA_H
#define ALTBPF_JIT_ARENA_H

#include "core/engine.h"

/* Module init/exit: set up / drain the arena (exit waits for RCU frees). */
int altbpf_jit_arena_init(void);
void altbpf_jit_arena_exit(void);

/*
 * Compile a checked program into the arena: 0 and prog->jit_func set, or
 * -errno (-EOPNOTSUPP: construct not handled, -ENOMEM: arena full ...)
 * with the reason in @log; the program then runs on the interpreter.
 */
int altbpf_jit_prog(struct abpf_prog *prog, struct abpf_log *log);
/* Release prog's image (after an RCU grace period); safe without one. */
void altbpf_jit_free(struct abpf_prog *prog);

struct altbpf_jit_arena_stats {
	u32 size;		/* arena bytes */
	u32 used;		/* bytes in allocated units */
	u32 images;
	u64 exhausted;		/* allocations refused for lack of space */
};

void altbpf_jit_arena_stats(struct altbpf_jit_arena_stats *st);

#endif /* ALTBPF_JIT_ARENA_H */
