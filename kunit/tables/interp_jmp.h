/* SPDX-License-Identifier: GPL-2.0 */
/*
 * interp_jmp.h - JMP/JMP32 run tests: every condition, K and X, 64 and
 * 32 bits, with signed/unsigned edge cases; ja, ja32 and loops.
 * The conditional tests return 1 when the jump is taken, 2 when not.
 * JMP immediates are sign-extended to 64 bits; JMP32 compares the low
 * 32 bits only (RFC 9669 section 4.3).
 */
#ifndef ALTBPF_TABLES_INTERP_JMP_H
#define ALTBPF_TABLES_INTERP_JMP_H

#include "table.h"

#define TJ_TAKEN	1
#define TJ_NOT		2

/* r1 = A; if r1 <op> K goto +1 (return 1); return 2 */
#define TJK(NAME, CLS, OP, A, K, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_MOV64_IMM(BPF_REG_0, 1),				\
		ABPF_LD_IMM64(BPF_REG_1, A),				\
		ABPF_RAW(CLS | BPF_OP(OP) | BPF_K, BPF_REG_1, 0, 1, K),	\
		ABPF_MOV64_IMM(BPF_REG_0, 2),				\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
/* r1 = A; r2 = B; if r1 <op> r2 goto +1 (return 1); return 2 */
#define TJX(NAME, CLS, OP, A, B, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_MOV64_IMM(BPF_REG_0, 1),				\
		ABPF_LD_IMM64(BPF_REG_1, A),				\
		ABPF_LD_IMM64(BPF_REG_2, B),				\
		ABPF_RAW(CLS | BPF_OP(OP) | BPF_X, BPF_REG_1, BPF_REG_2, 1, 0), \
		ABPF_MOV64_IMM(BPF_REG_0, 2),				\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}

static const struct abpf_run_test abpf_interp_jmp_tests[] = {
	/* jeq */
	TJK("jeq k taken", BPF_JMP, BPF_JEQ, 5, 5, TJ_TAKEN),
	TJK("jeq k -1 sign-extends", BPF_JMP, BPF_JEQ, 0xffffffffffffffffULL, -1,
	    TJ_TAKEN),
	TJK("jeq k -1 is not 0xffffffff", BPF_JMP, BPF_JEQ, 0xffffffffULL, -1,
	    TJ_NOT),
	TJK("jeq32 k low half", BPF_JMP32, BPF_JEQ, 0x100000005ULL, 5, TJ_TAKEN),
	TJK("jeq32 k -1 is 0xffffffff", BPF_JMP32, BPF_JEQ, 0xffffffffULL, -1,
	    TJ_TAKEN),
	TJX("jeq x not taken", BPF_JMP, BPF_JEQ, 0x100000005ULL, 5, TJ_NOT),
	TJX("jeq32 x", BPF_JMP32, BPF_JEQ, 0xaaaaaaaa00000007ULL, 7, TJ_TAKEN),
	/* jne */
	TJX("jne x taken", BPF_JMP, BPF_JNE, 1, 2, TJ_TAKEN),
	TJX("jne32 x equal low halves", BPF_JMP32, BPF_JNE, 0x100000001ULL, 1,
	    TJ_NOT),
	TJK("jne k equal", BPF_JMP, BPF_JNE, 0, 0, TJ_NOT),
	TJK("jne32 k", BPF_JMP32, BPF_JNE, 0x100000000ULL, 1, TJ_TAKEN),
	/* jgt, jge, jlt, jle (unsigned) */
	TJK("jgt k max > 1", BPF_JMP, BPF_JGT, 0xffffffffffffffffULL, 1, TJ_TAKEN),
	TJK("jgt k 1 > (u64)-1", BPF_JMP, BPF_JGT, 1, -1, TJ_NOT),
	TJK("jgt k equal", BPF_JMP, BPF_JGT, 7, 7, TJ_NOT),
	TJX("jgt32 x 0x80000000 > 0x7fffffff", BPF_JMP32, BPF_JGT,
	    0x80000000ULL, 0x7fffffffULL, TJ_TAKEN),
	TJX("jgt32 x upper halves ignored", BPF_JMP32, BPF_JGT, 0x100000000ULL,
	    1, TJ_NOT),
	TJX("jge x equal", BPF_JMP, BPF_JGE, 0x8000000000000000ULL,
	    0x8000000000000000ULL, TJ_TAKEN),
	TJK("jge32 k 0 >= 1", BPF_JMP32, BPF_JGE, 0x100000000ULL, 1, TJ_NOT),
	TJK("jge k unsigned", BPF_JMP, BPF_JGE, 0x8000000000000000ULL, 1,
	    TJ_TAKEN),
	TJK("jlt k 1 < (u64)-1", BPF_JMP, BPF_JLT, 1, -1, TJ_TAKEN),
	TJX("jlt32 x 0xffffffff < 0", BPF_JMP32, BPF_JLT, 0xffffffffULL,
	    0x100000000ULL, TJ_NOT),
	TJX("jlt x", BPF_JMP, BPF_JLT, 0x7fffffffffffffffULL,
	    0x8000000000000000ULL, TJ_TAKEN),
	TJX("jle x equal", BPF_JMP, BPF_JLE, 42, 42, TJ_TAKEN),
	TJK("jle32 k 2 <= 1", BPF_JMP32, BPF_JLE, 0x100000002ULL, 1, TJ_NOT),
	TJK("jle k 0 <= 0", BPF_JMP, BPF_JLE, 0, 0, TJ_TAKEN),
	/* jset */
	TJK("jset k -1", BPF_JMP, BPF_JSET, 0x8000000000000000ULL, -1, TJ_TAKEN),
	TJK("jset k INT32_MIN covers bit 32", BPF_JMP, BPF_JSET, 0x100000000ULL,
	    (s32)0x80000000, TJ_TAKEN),
	TJK("jset32 k INT32_MIN low half only", BPF_JMP32, BPF_JSET,
	    0x100000000ULL, (s32)0x80000000, TJ_NOT),
	TJX("jset x no common bit", BPF_JMP, BPF_JSET, 6, 1, TJ_NOT),
	TJX("jset32 x", BPF_JMP32, BPF_JSET, 0x80000000ULL, 0xc0000000ULL,
	    TJ_TAKEN),
	/* jsgt, jsge, jslt, jsle (signed) */
	TJK("jsgt k -1 > -2", BPF_JMP, BPF_JSGT, 0xffffffffffffffffULL, -2,
	    TJ_TAKEN),
	TJX("jsgt x 1 > -1", BPF_JMP, BPF_JSGT, 1, 0xffffffffffffffffULL,
	    TJ_TAKEN),
	TJX("jsgt x INT64_MIN > INT64_MAX", BPF_JMP, BPF_JSGT,
	    0x8000000000000000ULL, 0x7fffffffffffffffULL, TJ_NOT),
	TJK("jsgt32 k -1 > 0", BPF_JMP32, BPF_JSGT, 0xffffffffULL, 0, TJ_NOT),
	TJX("jsgt32 x INT32_MAX > INT32_MIN", BPF_JMP32, BPF_JSGT,
	    0x7fffffffULL, 0x80000000ULL, TJ_TAKEN),
	TJK("jsge k equal negative", BPF_JMP, BPF_JSGE, (u64)-5LL, -5, TJ_TAKEN),
	TJX("jsge32 x INT32_MIN >= INT32_MAX", BPF_JMP32, BPF_JSGE,
	    0x80000000ULL, 0x7fffffffULL, TJ_NOT),
	TJK("jsge k 0xffffffff is positive", BPF_JMP, BPF_JSGE, 0xffffffffULL, 0,
	    TJ_TAKEN),
	TJK("jslt k -1 < 0", BPF_JMP, BPF_JSLT, 0xffffffffffffffffULL, 0,
	    TJ_TAKEN),
	TJX("jslt x INT64_MAX < INT64_MIN", BPF_JMP, BPF_JSLT,
	    0x7fffffffffffffffULL, 0x8000000000000000ULL, TJ_NOT),
	TJK("jslt32 k low half negative", BPF_JMP32, BPF_JSLT, 0x1ffffffffULL, 0,
	    TJ_TAKEN),
	TJX("jsle x equal", BPF_JMP, BPF_JSLE, (u64)-9LL, (u64)-9LL, TJ_TAKEN),
	TJK("jsle32 k 1 <= -1", BPF_JMP32, BPF_JSLE, 1, -1, TJ_NOT),
	TJK("jsle k INT64_MIN <= -1", BPF_JMP, BPF_JSLE, 0x8000000000000000ULL,
	    -1, TJ_TAKEN),
	/* unconditional */
	{
		/* r2 = 0 (no data): the jeq is never taken, but makes the
		 * skipped instruction reachable for the checker */
		.name = "ja skips",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0x7fff, 1),
			ABPF_JMP_A(1),
			ABPF_MOV64_IMM(BPF_REG_0, 2),
			ABPF_EXIT(),
		},
		.result = 1,
	},
	{
		.name = "ja +0 is a no-op",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 3),
			ABPF_JMP_A(0),
			ABPF_EXIT(),
		},
		.result = 3,
	},
	{
		.name = "ja32 forward",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0x7fff, 1),
			ABPF_JMP32_A(2),
			ABPF_MOV64_IMM(BPF_REG_0, 2),
			ABPF_MOV64_IMM(BPF_REG_0, 3),
			ABPF_EXIT(),
		},
		.result = 1,
	},
	{
		/* r0 counts 5 back-edges taken through ja32 -4 */
		.name = "ja32 backward loop",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_MOV64_IMM(BPF_REG_1, 5),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 3),	/* 2 */
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
			ABPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1),
			ABPF_JMP32_A(-4),			/* to 2 */
			ABPF_EXIT(),
		},
		.result = 5,
	},
	{
		/* jump over an lddw: offsets count the two slots */
		.name = "jump over lddw",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 7),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0x7fff, 1),
			ABPF_JMP_A(2),
			ABPF_LD_IMM64(BPF_REG_0, 0x1122334455667788ULL),
			ABPF_EXIT(),
		},
		.result = 7,
	},
	{
		.name = "loop sum 1..100",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_MOV64_IMM(BPF_REG_1, 1),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
			ABPF_JMP_IMM(BPF_JLE, BPF_REG_1, 100, -3),
			ABPF_EXIT(),
		},
		.result = 5050,
	},
	{
		/* 32-bit loop counter wrapping: 0xfffffffe, 0xffffffff, 0 */
		.name = "jmp32 loop across the 32-bit wrap",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_LD_IMM64(BPF_REG_1, 0xfffffffeULL),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
			ABPF_ALU32_IMM(BPF_ADD, BPF_REG_1, 1),
			ABPF_JMP32_IMM(BPF_JNE, BPF_REG_1, 1, -3),
			ABPF_EXIT(),
		},
		.result = 3,
	},
};

#undef TJK
#undef TJX
#undef TJ_TAKEN
#undef TJ_NOT

#endif /* ALTBPF_TABLES_INTERP_JMP_H */
