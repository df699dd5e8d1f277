/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ctx.h - what each program type runs with (the fuzzer's side of
 * engine.h's contexts), and the prog arrays its tail calls go through.
 *
 *  MEM, CONFORMANCE	r1 = the case's 64-byte memory (writable), r2 = 64
 *  PACKET		r1 = a struct abpf_pkt_ctx (read-only) whose packet,
 *			data .. data_end, is the case's memory (writable
 *			when its last byte is 0 mod 4); LD_ABS/LD_IND too
 *  KPROBE		r1 = a pt_regs-sized block (read-only) filled from
 *			the case's memory
 *
 * The input memory stays the one buffer the oracle compares after every
 * run, whatever the type.
 */
#ifndef ALTBPF_FUZZ_CTX_H
#define ALTBPF_FUZZ_CTX_H

#include "gen.h"

/* sizeof(struct pt_regs) on x86-64: what the kprobe hook hands over. */
#define FUZZ_KPROBE_CTX_LEN	168

/*
 * Tail-call targets, the same in every prog array (index: what it does):
 * 0 reads the context, 1 tail-calls itself until the limit (33) stops it,
 * 2 runs a short loop and makes an aligned atomic add to the context
 * (aborts where it is read-only), 3 is empty.
 */
#define FUZZ_PROG_ARRAY_LEN	4

/* r1/r2, the regions and the packet of a run of c, with mem as its memory. */
void fuzz_ctx_start(struct abpf_run_ctx *rc, const struct fuzz_case *c,
		    u8 *mem, u32 len);
/* The prog array of a program type (created on first use), or -1. */
int fuzz_prog_array(u32 type);

#endif /* ALTBPF_FUZZ_CTX_H */
