/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oracle.h - what must hold for every program the fuzzer makes.
 *
 *  - rejected: abpf_prog_bind_maps()/abpf_check() log "insn N: reason"
 *    with N inside the program;
 *  - accepted: the single-step executor finds every checker claim true
 *    (stepper.h), and it, the interpreter and the JIT agree on r0, the
 *    abort code and pc, the loop budget left, the input memory and the
 *    maps' contents.  Programs whose result depends on where the stack
 *    is (the interpreter disagrees with itself run at two stack
 *    addresses) are run but not compared.
 * ASan/UBSan (when built with them) catch faults of any engine.
 */
#ifndef ALTBPF_FUZZ_ORACLE_H
#define ALTBPF_FUZZ_ORACLE_H

#include "gen.h"

enum fuzz_verdict {
	FUZZ_REJECTED,		/* the checker said no, properly */
	FUZZ_AGREE,		/* accepted; every engine agrees */
	FUZZ_UNSTABLE,		/* accepted; address-dependent: not compared */
	FUZZ_FAIL,		/* an oracle failed: see why */
};

struct fuzz_counts {
	u64 execs, rejected, accepted, unstable, failed, nojit;
};

extern struct fuzz_counts fuzz_counts;

/* The interpreter's result of the last accepted case. */
struct fuzz_last {
	u64 r0;
	int error;
	bool stable;
	bool ctx_dependent;	/* with oracle_check_ctx: depends on r1's value */
};

/* Also find out whether results depend on where the input memory is. */
extern bool oracle_check_ctx;

extern struct fuzz_last fuzz_last;

/* Create the maps (once per process); 0 or -errno. */
int oracle_init(void);
const struct fuzz_maps *oracle_maps(void);
/* Run one case; why gets the failure (or rejection) reason. */
enum fuzz_verdict oracle_run(const struct fuzz_case *c, char *why,
			     size_t size);
/* bytes -> case -> oracle_run(). */
enum fuzz_verdict oracle_run_bytes(const u8 *data, size_t size, char *why,
				   size_t why_size);

#endif /* ALTBPF_FUZZ_ORACLE_H */
