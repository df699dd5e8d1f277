/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altbpf_kunit.h - shared by the altbpf KUnit suites: load + run a table
 * entry through altbpf.ko's exported API and check the outcome.
 */
#ifndef ALTBPF_KUNIT_H
#define ALTBPF_KUNIT_H

#include <kunit/test.h>

#include "altbpf_api.h"
#include "tables/table.h"

#define ALTBPF_KUNIT_LOG_SIZE	4096

/* Load @insns, asserting success (the log is shown on failure). */
struct altbpf_prog *altbpf_kunit_load(struct kunit *test, u32 prog_type,
				      const struct bpf_insn *insns, u32 len);

/* Run @p once on @engine over a fresh copy of @mem. */
int altbpf_kunit_run_mem(struct altbpf_prog *p, u32 engine, const u8 *mem,
			 u32 mem_len, u64 *r0);

/* A run table entry on @engine: r0 and the run error must match. */
void altbpf_kunit_check_run(struct kunit *test, const struct abpf_run_test *t,
			    u32 engine);

/*
 * A run table entry on the JIT compiled under permuted register maps
 * (jit_arena_test.c): r0 and the error against the table and the
 * interpreter.
 */
void altbpf_kunit_check_run_rotated(struct kunit *test,
				    const struct abpf_run_test *t);

/* A reject table entry: the error and a log substring must match. */
void altbpf_kunit_check_reject(struct kunit *test,
			       const struct abpf_reject_test *t);

#endif /* ALTBPF_KUNIT_H */
