/* SPDX-License-Identifier: GPL-2.0 */
/*
 * interp_fused.h - instruction pairs the interpreter runs as one
 * superinstruction (interp.c: "mov dst, src; op dst, imm" and a loop
 * counter's add/sub followed by its back-edge), each checked against
 * results computed by hand, plus jumps into the second slot of a pair
 * and a pair that exhausts the budget.  On the JIT they are ordinary
 * instruction sequences, so the native tests compare the two engines.
 */
#ifndef ALTBPF_TABLES_INTERP_FUSED_H
#define ALTBPF_TABLES_INTERP_FUSED_H

#include "table.h"

/* r1 = A; r0 = r1 (64 or 32 bits); r0 op= K. */
#define TF3(NAME, MOV, ALU, OP, A, K, RES) {				\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_1, A),				\
		MOV(BPF_REG_0, BPF_REG_1),				\
		ALU(OP, BPF_REG_0, K),					\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
#define TF3_64(NAME, OP, A, K, RES)					\
	TF3(NAME, ABPF_MOV64_REG, ABPF_ALU64_IMM, OP, A, K, RES)
#define TF3_32(NAME, OP, A, K, RES)					\
	TF3(NAME, ABPF_MOV32_REG, ABPF_ALU32_IMM, OP, A, K, RES)

/*
 * r2 = 0x100000005, r3 = 7; mov64 D, S; add64 D, S2; r0 = D * 1000 +
 * r2 % 1000 (r2 must be left alone).
 */
#define TF_X3(NAME, D, S, S2, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_2, 0x100000005ULL),		\
		ABPF_MOV64_IMM(BPF_REG_3, 7),				\
		ABPF_MOV64_IMM(BPF_REG_1, 1),				\
		ABPF_MOV64_REG(D, S),					\
		ABPF_ALU64_REG(BPF_ADD, D, S2),				\
		ABPF_MOV64_REG(BPF_REG_0, D),				\
		ABPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 1000),		\
		ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2),			\
		ABPF_ALU64_IMM(BPF_MOD, BPF_REG_4, 1000),		\
		ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_4),		\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}

/*
 * r0 += 3 once per iteration of a loop whose counter r1 starts at INIT
 * and is stepped by STEP (add or sub k) right before the back-edge JUMP
 * (r2 = BOUND for the register forms): r0 = 3 * iterations.
 */
#define TF_LOOP(NAME, INIT, BOUND, STEP, JUMP, RES) {			\
	.name = NAME,							\
	.insns = {							\
		ABPF_MOV64_IMM(BPF_REG_0, 0),				\
		ABPF_MOV64_IMM(BPF_REG_1, INIT),			\
		ABPF_MOV64_IMM(BPF_REG_2, BOUND),			\
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 3),			\
		STEP,							\
		JUMP,							\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
#define TF_ADD1		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1)

/*
 * w0 = 7, w3 = W3, then (r2 = mem_len = 1, so both paths are live) a jump
 * over SKIP slots of a CRC-32 step: "w3 = w0; w3 &= 1; w0 >>= 1; if w3
 * == 0 goto +1; w0 ^= 0x100".
 */
#define TF_CRC_JUMP(NAME, W3, SKIP, RES) {				\
	.name = NAME,							\
	.insns = {							\
		ABPF_MOV64_REG(BPF_REG_9, BPF_REG_2),			\
		ABPF_MOV32_IMM(BPF_REG_0, 7),				\
		ABPF_MOV32_IMM(BPF_REG_3, W3),				\
		ABPF_JMP_IMM(BPF_JNE, BPF_REG_9, 0, SKIP),		\
		ABPF_MOV32_REG(BPF_REG_3, BPF_REG_0),			\
		ABPF_ALU32_IMM(BPF_AND, BPF_REG_3, 1),			\
		ABPF_ALU32_IMM(BPF_RSH, BPF_REG_0, 1),			\
		ABPF_JMP32_IMM(BPF_JEQ, BPF_REG_3, 0, 1),		\
		ABPF_ALU32_IMM(BPF_XOR, BPF_REG_0, 0x100),		\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
	.mem_len = 1,							\
}

static const struct abpf_run_test abpf_interp_fused_tests[] = {
	/* mov dst, src; op dst, imm */
	TF3_64("mov64+add64 k", BPF_ADD, 0xffffffff00000001ULL, -1,
	       0xffffffff00000000ULL),
	TF3_64("mov64+sub64 k", BPF_SUB, 5, 7, 0xfffffffffffffffeULL),
	TF3_64("mov64+mul64 k", BPF_MUL, 3, -2, 0xfffffffffffffffaULL),
	TF3_64("mov64+or64 k", BPF_OR, 0xf0, 0x0f, 0xff),
	TF3_64("mov64+and64 k sign-extends", BPF_AND, 0xffffffffffffffffULL,
	       (s32)0x80000000, 0xffffffff80000000ULL),
	TF3_64("mov64+xor64 k", BPF_XOR, 0xff, -1, 0xffffffffffffff00ULL),
	TF3_64("mov64+lsh64 k 63", BPF_LSH, 1, 63, 0x8000000000000000ULL),
	TF3_64("mov64+rsh64 k 63", BPF_RSH, 0x8000000000000000ULL, 63, 1),
	TF3_64("mov64+arsh64 k", BPF_ARSH, 0x8000000000000000ULL, 4,
	       0xf800000000000000ULL),
	TF3_32("mov32+add32 k drops the upper half", BPF_ADD,
	       0xffffffff00000001ULL, -1, 0),
	TF3_32("mov32+sub32 k", BPF_SUB, 5, 7, 0xfffffffeULL),
	TF3_32("mov32+mul32 k", BPF_MUL, 0x10000, 0x10000, 0),
	TF3_32("mov32+or32 k", BPF_OR, 0xffffffff000000f0ULL, 0x0f, 0xff),
	TF3_32("mov32+and32 k", BPF_AND, 0xffffffffffffffffULL,
	       (s32)0x80000000, 0x80000000ULL),
	TF3_32("mov32+xor32 k", BPF_XOR, 0x1000000ffULL, -1, 0xffffff00ULL),
	TF3_32("mov32+lsh32 k 31", BPF_LSH, 3, 31, 0x80000000ULL),
	TF3_32("mov32+rsh32 k 31", BPF_RSH, 0xffffffff80000000ULL, 31, 1),
	TF3_32("mov32+arsh32 k", BPF_ARSH, 0x80000000ULL, 4, 0xf8000000ULL),
	TF3_64("mov64+lsh64 k masked to 63 (k = 65)", BPF_LSH, 1, 65, 2),
	{
		.name = "mov64 r0, r0; add64 r0, k",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_0, 40),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_0),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 2),
			ABPF_EXIT(),
		},
		.result = 42,
	},
	{
		.name = "mov and op of different registers are not fused",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 7),
			ABPF_MOV64_IMM(BPF_REG_2, 100),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
			ABPF_EXIT(),
		},
		.result = 108,
	},
	{
		/* the jump lands on the add: only the add runs */
		.name = "jump into the second slot of mov+add",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_MOV64_IMM(BPF_REG_1, 10),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 10, 1),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 5),
			ABPF_EXIT(),
		},
		.result = 6,
	},
	/* a loop counter's step and its back-edge */
	TF_LOOP("add+jlt k loop", 0, 0, TF_ADD1,
		ABPF_JMP_IMM(BPF_JLT, BPF_REG_1, 100, -3), 300),
	TF_LOOP("add+jlt x loop", 0, 100, TF_ADD1,
		ABPF_JMP_REG(BPF_JLT, BPF_REG_1, BPF_REG_2, -3), 300),
	TF_LOOP("add+jle k loop", 1, 0, TF_ADD1,
		ABPF_JMP_IMM(BPF_JLE, BPF_REG_1, 100, -3), 300),
	TF_LOOP("add+jle x loop", 1, 100, TF_ADD1,
		ABPF_JMP_REG(BPF_JLE, BPF_REG_1, BPF_REG_2, -3), 300),
	TF_LOOP("add+jne x loop", 0, 100, TF_ADD1,
		ABPF_JMP_REG(BPF_JNE, BPF_REG_1, BPF_REG_2, -3), 300),
	TF_LOOP("sub+jne k loop (sub k runs as add -k)", 100, 0,
		ABPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1),
		ABPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, -3), 300),
	TF_LOOP("add+jslt k loop from -100", -100, 0, TF_ADD1,
		ABPF_JMP_IMM(BPF_JSLT, BPF_REG_1, 0, -3), 300),
	TF_LOOP("add+jslt x loop from -100", -100, 0, TF_ADD1,
		ABPF_JMP_REG(BPF_JSLT, BPF_REG_1, BPF_REG_2, -3), 300),
	TF_LOOP("add -2+jne k loop", 200, 0,
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -2),
		ABPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, -3), 300),
	{
		.name = "add+ja loop",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_MOV64_IMM(BPF_REG_1, 0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 100, 3),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 3),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
			ABPF_JMP_A(-4),
			ABPF_EXIT(),
		},
		.result = 300,
	},
	{
		.name = "sub64 k INT32_MIN is not add -k",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_ALU64_IMM(BPF_SUB, BPF_REG_0, (s32)0x80000000),
			ABPF_EXIT(),
		},
		.result = 0x80000000ULL,
	},
	{
		/* r1 = 7: the jump lands on the jlt, which falls through */
		.name = "jump into the second slot of add+jlt",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 7),
			ABPF_JMP_A(1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 2),
			ABPF_JMP_IMM(BPF_JLT, BPF_REG_1, 7, -2),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
		},
		.result = 7,
	},
	{
		/* 2^64 iterations: the budget runs out inside the pair */
		.name = "add+jne loop exhausts the budget",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_MOV64_IMM(BPF_REG_1, 1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_1, 1, -2),
			ABPF_EXIT(),
		},
		.result = 0,
		.run_error = -ELOOP,
	},
	{
		/* r1 = 1, wrapping at 2^32: the budget runs out first */
		.name = "jmp32 back-edge charges the budget",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_MOV64_IMM(BPF_REG_1, 1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
			ABPF_JMP32_IMM(BPF_JNE, BPF_REG_1, 1, -2),
			ABPF_EXIT(),
		},
		.result = 0,
		.run_error = -ELOOP,
	},
	TF_LOOP("add+jlt32 k loop", 0, 0, TF_ADD1,
		ABPF_JMP32_IMM(BPF_JLT, BPF_REG_1, 100, -3), 300),
	TF_LOOP("add+jslt32 x loop from -100", -100, 0, TF_ADD1,
		ABPF_JMP32_REG(BPF_JSLT, BPF_REG_1, BPF_REG_2, -3), 300),
	{
		/* two stores, two loads, crossed: r0 = b - a */
		.name = "stxdw+stxdw and ldxdw+ldxdw on the stack",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0x1111111111111111ULL),
			ABPF_LD_IMM64(BPF_REG_2, 0x3333333333333333ULL),
			ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
			ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -16),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -8),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -16),
			ABPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
		},
		.result = 0x2222222222222222ULL,
	},
	{
		/* checked loads of each size summed up from the data at r1 */
		.name = "checked ldx+add64 of every size",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_1, 0),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			ABPF_LDX_MEM(BPF_H, BPF_REG_3, BPF_REG_1, 1),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			ABPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1, 3),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 7),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
		},
		.mem = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
			 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f },
		.mem_len = 15,
		/* 0x01 + 0x0302 + 0x07060504 + 0x0f0e0d0c0b0a0908 */
		.result = 0x0f0e0d0c1210110fULL,
	},
	{
		/* the load of the pair is out of bounds: abort, no add */
		.name = "checked ldx+add64 out of bounds aborts",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 5),
			ABPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1, 6),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
		},
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8 },
		.mem_len = 8,
		.result = 0,
		.run_error = -ERANGE,
	},
	/* "mov64 dst, src; add64 dst, src2" as dst = src + src2 */
	TF_X3("mov64+add64 X: r1 = r2 + r3", BPF_REG_1, BPF_REG_2, BPF_REG_3,
	      (0x100000005ULL + 7) * 1000 + 0x100000005ULL % 1000),
	TF_X3("mov64+add64 X: r1 = r2 + r2", BPF_REG_1, BPF_REG_2, BPF_REG_2,
	      (0x100000005ULL * 2) * 1000 + 0x100000005ULL % 1000),
	/* add's source is the mov's destination: not fused, r1 = r2 + r2 */
	TF_X3("mov64+add64 X: r1 = r2 then r1 += r1", BPF_REG_1, BPF_REG_2,
	      BPF_REG_1, (0x100000005ULL * 2) * 1000 + 0x100000005ULL % 1000),
	{
		/* r2 = 0 (no data): a jump to the add runs it alone, 9 + 7 */
		.name = "jump into the add of mov64+add64 X",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_6, 9),
			ABPF_MOV64_IMM(BPF_REG_7, 100),
			ABPF_MOV64_IMM(BPF_REG_3, 7),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 1),
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_7),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_6, BPF_REG_3),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
		},
		.result = 16,
	},
	{
		/* lddw + helper call: sqrti(2^40) = 2^20 */
		.name = "lddw then a helper call",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 1ULL << 40),
			ABPF_CALL_HELPER(3),
			ABPF_EXIT(),
		},
		.result = 1ULL << 20,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		/* r2 = 0: a jump to the call skips the lddw, sqrti(144) = 12 */
		.name = "jump over the lddw to its helper call",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 144),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 2),
			ABPF_LD_IMM64(BPF_REG_1, 1ULL << 40),
			ABPF_CALL_HELPER(3),
			ABPF_EXIT(),
		},
		.result = 12,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		/* r7 = r2 + 5 (r2 = 0), r1 = 2^40, sqrti: 2^20 + 5 */
		.name = "mov64+add64 K, lddw, helper call",
		.insns = {
			ABPF_MOV64_REG(BPF_REG_7, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_7, 5),
			ABPF_LD_IMM64(BPF_REG_1, 1ULL << 40),
			ABPF_CALL_HELPER(3),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
			ABPF_EXIT(),
		},
		.result = (1ULL << 20) + 5,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		/* r2 = 0: the jump lands on the lddw, r7 stays 100 */
		.name = "jump over mov64+add64 K to lddw, helper call",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_7, 100),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 2),
			ABPF_MOV64_REG(BPF_REG_7, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_7, 5),
			ABPF_LD_IMM64(BPF_REG_1, 1ULL << 40),
			ABPF_CALL_HELPER(3),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
			ABPF_EXIT(),
		},
		.result = (1ULL << 20) + 100,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		/* xorshift's step: r3 = r1 << 13; r1 ^= r3 */
		.name = "mov64+lsh64 K then xor64 X",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0x9e3779b97f4a7c15ULL),
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_3, 13),
			ABPF_ALU64_REG(BPF_XOR, BPF_REG_1, BPF_REG_3),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
		},
		.result = 0x9e3779b97f4a7c15ULL ^ (0x9e3779b97f4a7c15ULL << 13),
	},
	{
		/* r2 = 0: the jump lands on the xor, r3 stays 0xff */
		.name = "jump into the xor after mov64+lsh64 K",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0x9e3779b97f4a7c15ULL),
			ABPF_MOV64_IMM(BPF_REG_3, 0xff),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 2),
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_3, 13),
			ABPF_ALU64_REG(BPF_XOR, BPF_REG_1, BPF_REG_3),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
		},
		.result = 0x9e3779b97f4a7c15ULL ^ 0xff,
	},
	{
		/* sub K fuses as add -K: 32-bit wraps, 64-bit INT32_MIN does not */
		.name = "mov32+sub32 K and mov64+sub64 INT32_MIN",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 3),
			ABPF_MOV32_REG(BPF_REG_2, BPF_REG_1),
			ABPF_ALU32_IMM(BPF_SUB, BPF_REG_2, 5),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_SUB, BPF_REG_0, (s32)0x80000000),
			ABPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_2),
			ABPF_EXIT(),
		},
		.result = (3ULL + 0x80000000ULL) ^ (u32)(3 - 5),
	},
	/*
	 * Pairs and chains of ABPF_PAIR_OPS / ABPF_PAIR3_OPS added for the
	 * benchmark's loops, each with a jump into a slot inside it.
	 */
	{
		/* unchecked ldxh (stack) + add64 X: zero-extended 0xfffe */
		.name = "ldxh+add64 x",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 0xfffe),
			ABPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, -2),
			ABPF_MOV64_IMM(BPF_REG_0, 5),
			ABPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_10, -2),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
			ABPF_EXIT(),
		},
		.result = 0x10003,
	},
	{
		.name = "ldxdw+add64 x wraps",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0x8000000000000000ULL),
			ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
			ABPF_LD_IMM64(BPF_REG_0, 0x8000000000000003ULL),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
			ABPF_EXIT(),
		},
		.result = 3,
	},
	{
		.name = "jump into the add of ldxdw+add64 x",
		.insns = {
			/* r2 = mem_len = 1: taken, and both paths are live */
			ABPF_MOV64_REG(BPF_REG_9, BPF_REG_2),
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 100),
			ABPF_MOV64_IMM(BPF_REG_2, 7),
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_9, 0, 1),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
			ABPF_EXIT(),
		},
		.result = 8,
		.mem_len = 1,
	},
	{
		/* add64 K (negative: wraps) then mov64 + add64 K */
		.name = "add64 k+mov64+add64 k",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -11),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 0x7fffffff),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
			ABPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
		},
		.result = 0xffffffff80000001ULL,
	},
	{
		.name = "jump into the mov+add of add64 k+mov64+add64 k",
		.insns = {
			/* r2 = mem_len = 1: taken, and both paths are live */
			ABPF_MOV64_REG(BPF_REG_9, BPF_REG_2),
			ABPF_MOV64_IMM(BPF_REG_1, 10),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_9, 0, 1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -11),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 5),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
			ABPF_EXIT(),
		},
		.result = 15,
		.mem_len = 1,
	},
	{
		/* mov64 X then the loop's back-edge jlt K */
		.name = "mov64+jlt k loop",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_MOV64_IMM(BPF_REG_1, 0),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 3),	/* 2 */
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
			ABPF_JMP_IMM(BPF_JLT, BPF_REG_2, 5, -4),	/* to 2 */
			ABPF_EXIT(),
		},
		.result = 15,
	},
	{
		/* mov64 X then the loop's back-edge ja */
		.name = "mov64+ja loop",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_MOV64_IMM(BPF_REG_1, 0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 5, 4),	/* 2: to 7 */
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 3),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
			ABPF_JMP_A(-5),				/* to 2 */
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
			ABPF_EXIT(),
		},
		.result = 20,
	},
	{
		/* add32 -1 clears the upper half, then jeq32 (taken) */
		.name = "add32 k+jeq32 k taken",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0x100000001ULL),
			ABPF_ALU32_IMM(BPF_ADD, BPF_REG_1, -1),
			ABPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, 0, 2),
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_EXIT(),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 100),
			ABPF_EXIT(),
		},
		.result = 100,
	},
	{
		.name = "add32 k+jeq32 k not taken",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0xffffffff00000002ULL),
			ABPF_ALU32_IMM(BPF_ADD, BPF_REG_1, -1),
			ABPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, 0, 2),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 100),
			ABPF_EXIT(),
		},
		.result = 1,
	},
	{
		.name = "jump into the jeq32 of add32 k+jeq32 k",
		.insns = {
			/* r2 = mem_len = 1: taken, and both paths are live */
			ABPF_MOV64_REG(BPF_REG_9, BPF_REG_2),
			ABPF_MOV64_IMM(BPF_REG_1, 1),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_9, 0, 1),
			ABPF_ALU32_IMM(BPF_ADD, BPF_REG_1, -1),
			ABPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, 0, 2),
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 100),
			ABPF_EXIT(),
		},
		.result = 1,
		.mem_len = 1,
	},
	{
		/*
		 * Bitwise CRC-32 of 0x12345678, 8 steps: "w3 = w0; w3 &= 1;
		 * w0 >>= 1; if w3 == 0 goto +1" is one chain of a 3-address
		 * and32, a rsh32 and a jeq32.
		 */
		.name = "and32 k3+rsh32 k+jeq32 k (crc32 steps)",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_0, 0x12345678),
			ABPF_MOV32_IMM(BPF_REG_1, 8),
			ABPF_MOV32_REG(BPF_REG_3, BPF_REG_0),	/* 3 */
			ABPF_ALU32_IMM(BPF_AND, BPF_REG_3, 1),
			ABPF_ALU32_IMM(BPF_RSH, BPF_REG_0, 1),
			ABPF_JMP32_IMM(BPF_JEQ, BPF_REG_3, 0, 1),
			ABPF_ALU32_IMM(BPF_XOR, BPF_REG_0, (s32)0xedb88320),
			ABPF_ALU32_IMM(BPF_ADD, BPF_REG_1, -1),
			ABPF_JMP32_IMM(BPF_JNE, BPF_REG_1, 0, -7),	/* to 3 */
			ABPF_EXIT(),
		},
		.result = 0x5ecccd58,
	},
	/* from the rsh32: w3 stays 0, the and32 must not run */
	TF_CRC_JUMP("jump into the rsh32 of and32 k3+rsh32 k+jeq32 k",
		    0, 2, 3),
	/* to the jeq32: not taken, no shift */
	TF_CRC_JUMP("jump into the jeq32 of rsh32 k+jeq32 k", 5, 3, 0x107),
	{
		/* xorshift's "t = x >> k; x ^= t", k = 63 and 7 */
		.name = "mov64+rsh64 k+xor64 x",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0x8000000000000001ULL),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_RSH, BPF_REG_2, 63),
			ABPF_ALU64_REG(BPF_XOR, BPF_REG_1, BPF_REG_2),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_RSH, BPF_REG_2, 7),
			ABPF_ALU64_REG(BPF_XOR, BPF_REG_1, BPF_REG_2),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
		},
		.result = 0x8100000000000000ULL,
	},
	{
		/* "t = x & 1; if t == 0 goto loop": the jeq is a back-edge */
		.name = "mov64+and64 k+jeq k back-edge (sum of odd 1..10)",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_4, 0),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 1),	/* 2 */
			ABPF_JMP_IMM(BPF_JGT, BPF_REG_4, 10, 5),	/* to 9 */
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_4),
			ABPF_ALU64_IMM(BPF_AND, BPF_REG_3, 1),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_3, 0, -5),	/* to 2 */
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_4),
			ABPF_JMP_A(-7),				/* to 2 */
			ABPF_EXIT(),
		},
		.result = 25,
	},
	{
		/* lsh64 32; arsh64 32: sign extension, negative and positive */
		.name = "lsh64 32+arsh64 32 (sext)",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0x1234567880000000ULL),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 32),
			ABPF_ALU64_IMM(BPF_ARSH, BPF_REG_1, 32),
			ABPF_LD_IMM64(BPF_REG_2, 0xfedcba987fffffffULL),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_2, 32),
			ABPF_ALU64_IMM(BPF_ARSH, BPF_REG_2, 32),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_2, 4),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_2),
			ABPF_EXIT(),
		},
		.result = 0xfffffff87ffffff0ULL,
	},
	{
		/* mov64; lsh64 32; arsh64 32 (src left alone) */
		.name = "mov64+lsh64 32+arsh64 32 (sext of another register)",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0xdeadbeef80000001ULL),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_2, 32),
			ABPF_ALU64_IMM(BPF_ARSH, BPF_REG_2, 32),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
			ABPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
		},
		.result = 0x2152411000000000ULL,
	},
	{
		/* not a sign extension: other count, other register */
		.name = "lsh64 32+arsh64 31, lsh/arsh on two registers",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0x80000000),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 32),
			ABPF_ALU64_IMM(BPF_ARSH, BPF_REG_1, 31),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_2, 32),
			ABPF_ALU64_IMM(BPF_ARSH, BPF_REG_1, 32),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
			ABPF_EXIT(),
		},
		.result = 0xffffffffffffffffULL,
	},
	{
		/* to the arsh: 5 << 32 >> 32 arithmetically is 5 */
		.name = "jump into the arsh64 of lsh64 32+arsh64 32",
		.insns = {
			/* r2 = mem_len = 1: taken, and both paths are live */
			ABPF_MOV64_REG(BPF_REG_9, BPF_REG_2),
			ABPF_LD_IMM64(BPF_REG_1, 0x500000000ULL),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_9, 0, 1),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 32),
			ABPF_ALU64_IMM(BPF_ARSH, BPF_REG_1, 32),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
		},
		.result = 5,
		.mem_len = 1,
	},
	{
		/* stxw, then a key pointer, lddw and a helper: one chain */
		.name = "stxw+mov64+add64 k+lddw+call (sqrti)",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 7),
			ABPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -4),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
			ABPF_LD_IMM64(BPF_REG_1, 144),
			ABPF_CALL_HELPER(3),
			ABPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_10, -4),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
		},
		.result = 19,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		/* to the lddw: the store and the pointer set-up do not run */
		.name = "jump into the lddw of stxw+mov64+add64 k+lddw+call",
		.insns = {
			/* r2 = mem_len = 1: taken, and both paths are live */
			ABPF_MOV64_REG(BPF_REG_9, BPF_REG_2),
			ABPF_MOV64_IMM(BPF_REG_1, 9),
			ABPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -4),
			ABPF_MOV64_IMM(BPF_REG_1, 1000),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_9, 0, 3),
			ABPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -4),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
			ABPF_LD_IMM64(BPF_REG_1, 256),
			ABPF_CALL_HELPER(3),
			ABPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_10, -4),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
		},
		.result = 25,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
		.mem_len = 1,
	},
	{
		/* "mov32 r0, imm; exit": zero-extended, from main */
		.name = "mov32 r0 k+exit returns the constant",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_0, 0x123456789ULL),
			ABPF_MOV32_IMM(BPF_REG_0, -2),
			ABPF_EXIT(),
		},
		.result = 0xfffffffeULL,
	},
	{
		/* in a subprogram that names r6 (a full frame): r6 restored */
		.name = "mov32 r0 k+exit returning from a subprogram",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_6, 40),
			ABPF_CALL_LOCAL(2),			/* to 4 */
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
			/* 4 */
			ABPF_MOV64_IMM(BPF_REG_6, 1000),
			ABPF_MOV32_IMM(BPF_REG_0, 2),
			ABPF_EXIT(),
		},
		.result = 42,
	},
	{
		/* a jump to the exit: r0 as set before, not the constant */
		.name = "jump into the exit of mov32 r0 k+exit",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 7),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_2, 0, 1),
			ABPF_MOV32_IMM(BPF_REG_0, 9),
			ABPF_EXIT(),
		},
		.result = 7,
		.mem_len = 1,
	},
	{
		/* mov32 to another register, then exit: not a return of imm */
		.name = "mov32 r1 k+exit returns r0",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 5),
			ABPF_MOV32_IMM(BPF_REG_1, 9),
			ABPF_EXIT(),
		},
		.result = 5,
	},
	{
		/* mov32 + add32 X / xor32 X: 32-bit results, upper half 0 */
		.name = "mov32+add32 x and mov32+xor32 x (3-address)",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0xffffffff89abcdefULL),
			ABPF_LD_IMM64(BPF_REG_2, 0x1234567876543211ULL),
			ABPF_MOV32_REG(BPF_REG_3, BPF_REG_1),
			ABPF_ALU32_REG(BPF_ADD, BPF_REG_3, BPF_REG_2),
			ABPF_MOV32_REG(BPF_REG_4, BPF_REG_1),
			ABPF_ALU32_REG(BPF_XOR, BPF_REG_4, BPF_REG_2),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_4),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 32),
			ABPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
		},
		.result = 0xfffffffe00000000ULL,
	},
	{
		/* src2 == dst: the mov changed it, not fused */
		.name = "mov32+xor32 x with src2 == dst",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0x1234567800000005ULL),
			ABPF_MOV64_IMM(BPF_REG_0, 3),
			ABPF_MOV32_REG(BPF_REG_0, BPF_REG_1),
			ABPF_ALU32_REG(BPF_XOR, BPF_REG_0, BPF_REG_0),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
			ABPF_EXIT(),
		},
		.result = 1,
	},
	{
		/* to the add32: dst keeps its own value, the mov32 skipped */
		.name = "jump into the add32 of mov32+add32 x",
		.insns = {
			ABPF_MOV64_REG(BPF_REG_9, BPF_REG_2),
			ABPF_MOV64_IMM(BPF_REG_1, 100),
			ABPF_MOV64_IMM(BPF_REG_2, 20),
			ABPF_MOV64_IMM(BPF_REG_0, 3),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_9, 0, 1),
			ABPF_MOV32_REG(BPF_REG_0, BPF_REG_1),
			ABPF_ALU32_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
			ABPF_EXIT(),
		},
		.result = 23,
		.mem_len = 1,
	},
	{
		/*
		 * "if w1 == 0 goto out; goto loop": the jeq32, not taken,
		 * runs the ja back-edge; w1 counts 5 down, wrapping r1's upper
		 * half away on the first add32
		 */
		.name = "jeq32 k+ja loop",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_1, 0x100000005ULL),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 7),	/* 3 */
			ABPF_ALU32_IMM(BPF_ADD, BPF_REG_1, -1),
			ABPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, 0, 1),	/* to 7 */
			ABPF_JMP_A(-4),				/* to 3 */
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),	/* 7 */
			ABPF_EXIT(),
		},
		.result = 35,
	},
	{
		/*
		 * jeq32 k+ja with the jeq32 a back-edge as well: both charge
		 * the budget (altbpf-jit-tests compares what is left)
		 */
		.name = "jeq32 k back-edge+ja back-edge",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_MOV32_IMM(BPF_REG_1, 0),
			ABPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, 6, 6),	/* 2: to 9 */
			ABPF_ALU32_IMM(BPF_ADD, BPF_REG_1, 1),	/* 3 */
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 7),
			ABPF_MOV32_REG(BPF_REG_2, BPF_REG_1),
			ABPF_ALU32_IMM(BPF_AND, BPF_REG_2, 1),
			ABPF_JMP32_IMM(BPF_JEQ, BPF_REG_2, 1, -5),	/* to 3 */
			ABPF_JMP_A(-7),				/* to 2 */
			ABPF_EXIT(),
		},
		.result = 42,
	},
	{
		/* to the ja: once round the loop from its back-edge */
		.name = "jump into the ja of jeq32 k+ja",
		.insns = {
			ABPF_MOV64_REG(BPF_REG_9, BPF_REG_2),
			ABPF_MOV64_IMM(BPF_REG_1, 1),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_9, 0, 3),	/* to 7 */
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 7),	/* 4 */
			ABPF_ALU32_IMM(BPF_ADD, BPF_REG_1, -1),
			ABPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, 0, 1),	/* to 8 */
			ABPF_JMP_A(-4),				/* 7: to 4 */
			ABPF_EXIT(),
		},
		.result = 7,
		.mem_len = 1,
	},
	{
		/* the nop forms that reuse handlers: le64 (ja +0), le32 (mov32) */
		.name = "le64 is a nop, le32 truncates",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_0, 0x1122334455667788ULL),
			ABPF_ENDIAN(BPF_TO_LE, BPF_REG_0, 64),
			ABPF_LD_IMM64(BPF_REG_1, 0x1122334455667788ULL),
			ABPF_ENDIAN(BPF_TO_LE, BPF_REG_1, 32),
			ABPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
		},
		.result = 0x1122334455667788ULL ^ 0x55667788ULL,
	},
};

#undef TF_X3
#undef TF_CRC_JUMP

#endif /* ALTBPF_TABLES_INTERP_FUSED_H */
