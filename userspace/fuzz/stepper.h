/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stepper.h - a single-step reference executor that holds the checker to
 * its word (the state-embedding oracle).
 *
 * It runs a checked program one instruction at a time, with the engines'
 * safety model (engine.h) and stack layout, and before each instruction
 * asserts the checker's facts (abpf_check_facts()) against the concrete
 * state: known scalars and pointer offsets, scalar bounds and pointer
 * offset ranges, map pointers and values, packet pointers (offset from
 * ctx->data, the proven room before data_end), stack bytes claimed
 * written.  It also asserts that every access the checker proved (not
 * ABPF_AUX_MEMCHK) stays inside the current frame or one map value, or
 * for reads of packet programs the packet or the context, and
 * that no stack byte is read before it is written unless the program's
 * stack is zeroed.  A violated claim is a false accept: it is reported
 * in res->fail instead of turning into a silent out-of-bounds access.
 */
#ifndef ALTBPF_FUZZ_STEPPER_H
#define ALTBPF_FUZZ_STEPPER_H

#include "engine.h"

struct step_host {
	/*
	 * Taint the context pointer (r1) instead of the stack: is the
	 * outcome independent of where the input memory is?  (/dev/altbpf
	 * copies it elsewhere.)
	 */
	bool taint_ctx;
	/* Is addr the first byte of a value of map (now or earlier)? */
	bool (*value_ok)(const struct abpf_map *map, u64 addr);
	/* Is [addr, addr + size) inside one value of a map? */
	bool (*in_value)(u64 addr, u32 size);
};

struct step_result {
	u64 r0;
	int error;
	u32 error_pc;
	u64 budget;
	bool unsupported;	/* a tail call: not modelled */
	/*
	 * The outcome may depend on where the stack is (a value derived
	 * from r10 reached r0, memory outside the stack, a branch, a helper
	 * id or a packet offset): engines with their stacks elsewhere may
	 * legitimately differ.  Found by tainting r10-derived values.
	 */
	bool addr_dependent;
	u32 addr_dependent_pc;	/* where it was first seen */
	char fail[320];		/* non-empty: a checker claim was violated */
};

void stepper_run(const struct abpf_prog *prog,
		 const struct abpf_insn_facts *facts,
		 const struct step_host *host, struct abpf_run_ctx *rc,
		 struct step_result *res);

#endif /* ALTBPF_FUZZ_STEPPER_H */
