/* SPDX-License-Identifier: GPL-2.0 */
/*
 * table.h - the shape of altbpf's data-driven test tables.
 *
 * Each tables/<unit>.h defines static arrays of these structs, in the
 * style of lib/test_bpf.c.  The same tables are run by the KUnit module
 * (kunit/, one suite per table through KUNIT_ARRAY_PARAM) and by the native
 * test binary (userspace/tests/), on every engine that is built.
 */
#ifndef ALTBPF_TABLES_TABLE_H
#define ALTBPF_TABLES_TABLE_H

#include "../../module/core/engine.h"
#include "../../module/core/insn_build.h"

#define ABPF_TEST_MAX_INSNS	64
#define ABPF_TEST_MAX_MEM	64

/* A program that the checker accepts and that returns .result. */
struct abpf_run_test {
	const char *name;
	struct bpf_insn insns[ABPF_TEST_MAX_INSNS];
	u8 mem[ABPF_TEST_MAX_MEM];	/* r1 points here (a copy), r2 = mem_len */
	u32 mem_len;
	u64 result;			/* expected r0 */
	int run_error;			/* expected rc->error: 0, -ELOOP, ... */
	u32 prog_type;			/* enum abpf_prog_type, 0 = MEM */
};

/* A program that the checker rejects with .err and a log containing .msg. */
struct abpf_reject_test {
	const char *name;
	struct bpf_insn insns[ABPF_TEST_MAX_INSNS];
	int err;			/* -EINVAL, -EACCES or -E2BIG */
	const char *msg;		/* substring of the log, e.g. "insn 2: " */
	u32 prog_type;
};

/* Number of instructions: up to the last slot that is not all zero. */
static inline u32 abpf_test_len(const struct bpf_insn *insns)
{
	static const struct bpf_insn zero;
	u32 len = ABPF_TEST_MAX_INSNS;

	while (len && !memcmp(&insns[len - 1], &zero, sizeof(zero)))
		len--;
	return len;
}

#endif /* ALTBPF_TABLES_TABLE_H */
