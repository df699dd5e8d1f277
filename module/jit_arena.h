/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jit_arena.h - executable memory for the altbpf JIT inside the kernel.
 */
#ifndef ALTBPF_JIT_ARENA_H
#define ALTBPF_JIT_ARENA_H

#include "core/engine.h"

/* The arena itself: module text, defined by an asm block in jit_arena.c. */
extern u8 altbpf_jit_arena[];

/* Module init/exit: set up / drain the arena (exit waits for RCU frees). */
int altbpf_jit_arena_init(void);
void altbpf_jit_arena_exit(void);

/*
 * Compile a checked program into the arena: 0 and prog->jit_func set, or
 * -errno (-EOPNOTSUPP: construct not handled, -ENOMEM: arena full ...)
 * with the reason in @log; the program then runs on the interpreter.
 * @blind: constant blinding (0 off, else every immediate is blinded).
 * @insn_offsets: NULL, or prog->len + 1 entries that receive the image
 * offset of each instruction's code (see struct abpf_jit_host).
 */
int altbpf_jit_prog(struct abpf_prog *prog, u32 blind, u32 *insn_offsets,
		    struct abpf_log *log);
/* Release prog's image (after an RCU grace period); safe without one. */
void altbpf_jit_free(struct abpf_prog *prog);

struct altbpf_jit_arena_stats {
	u32 size;		/* arena bytes */
	u32 used;		/* bytes in allocated units */
	u32 images;
	u64 exhausted;		/* allocations refused for lack of space */
};

void altbpf_jit_arena_stats(struct altbpf_jit_arena_stats *st);

/*
 * For the altbpf-jit-arena KUnit suite only (symbol namespace
 * ALTBPF_INTERNAL): wait until every queued free has run; allocate and
 * release raw, never finalized images; the address of the last writable
 * alias (already unmapped); the arena's bounds; the register map
 * permutation (struct abpf_jit_host reg_perm) of every compile from now
 * on, returning the previous one (0: the normal map); a probe called
 * with each temporary writable alias while it is mapped (NULL: none).
 */
void altbpf_jit_arena_drain(void);
void *altbpf_jit_arena_test_alloc(u32 size);
void altbpf_jit_arena_test_free(void *image, u32 size);
unsigned long altbpf_jit_arena_last_alias(void);
void altbpf_jit_arena_bounds(const u8 **start, u32 *size);
u32 altbpf_jit_arena_test_reg_perm(u32 perm);
typedef void (*altbpf_jit_alias_probe_t)(void *alias, u32 len, void *arg);
void altbpf_jit_arena_test_alias_probe(altbpf_jit_alias_probe_t fn, void *arg);

#endif /* ALTBPF_JIT_ARENA_H */
