/* SPDX-License-Identifier: GPL-2.0 */
/*
 * interp_runtime.h - the run-time safety model (engine.h): checked
 * accesses outside the stack and the data abort with -ERANGE, loops that
 * exhaust the budget (ABPF_DEFAULT_BUDGET back-edges) abort with -ELOOP;
 * an abort returns r0 = 0 whatever the program did before.
 */
#ifndef ALTBPF_TABLES_INTERP_RUNTIME_H
#define ALTBPF_TABLES_INTERP_RUNTIME_H

#include "table.h"

/* r0 = 5; INSN on the 8-byte data at r1; return r0. */
#define TR_DATA(NAME, INSN, RES, ERR) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_MOV64_IMM(BPF_REG_0, 5),				\
		ABPF_MOV64_IMM(BPF_REG_4, 0x77),			\
		INSN,							\
		ABPF_EXIT(),						\
	},								\
	.mem = { 1, 2, 3, 4, 5, 6, 7, 8 },				\
	.mem_len = 8,							\
	.result = RES,							\
	.run_error = ERR,						\
}

/*
 * fp-16 .. fp-1 hold 88 77 66 55 44 33 22 11 twice; a SIZE access at fp -
 * (u16 at data), a pointer the checker cannot place: checked at run time
 * against the stack bounds.  Such a pointer may reach the whole stack, so
 * the program gets all of it (ABPF_MAX_STACK), zeroed.
 */
#define TR_STACK(NAME, SIZE, K, RES, ERR) {				\
	.name = NAME,							\
	.insns = {							\
		ABPF_LDX_MEM(BPF_H, BPF_REG_6, BPF_REG_1, 0),		\
		ABPF_LD_IMM64(BPF_REG_7, 0x1122334455667788ULL),	\
		ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_7, -16),	\
		ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_7, -8),	\
		ABPF_MOV64_REG(BPF_REG_3, BPF_REG_10),			\
		ABPF_ALU64_REG(BPF_SUB, BPF_REG_3, BPF_REG_6),		\
		ABPF_LDX_MEM(SIZE, BPF_REG_0, BPF_REG_3, 0),		\
		ABPF_EXIT(),						\
	},								\
	.mem = { (K) & 0xff, (K) >> 8 },				\
	.mem_len = 2,							\
	.result = RES,							\
	.run_error = ERR,						\
}

static const struct abpf_run_test abpf_interp_runtime_tests[] = {
	/* each access size exactly at the top of the stack, and 1 past */
	TR_STACK("checked ldxdw at fp-8", BPF_DW, 8, 0x1122334455667788ULL, 0),
	TR_STACK("checked ldxdw at fp-7 aborts", BPF_DW, 7, 0, -ERANGE),
	TR_STACK("checked ldxw at fp-4", BPF_W, 4, 0x11223344, 0),
	TR_STACK("checked ldxw at fp-3 aborts", BPF_W, 3, 0, -ERANGE),
	TR_STACK("checked ldxh at fp-2", BPF_H, 2, 0x1122, 0),
	TR_STACK("checked ldxh at fp-1 aborts", BPF_H, 1, 0, -ERANGE),
	TR_STACK("checked ldxb at fp-1", BPF_B, 1, 0x11, 0),
	TR_STACK("checked ldxb at fp aborts", BPF_B, 0, 0, -ERANGE),
	TR_STACK("checked ldxb at fp-16", BPF_B, 16, 0x88, 0),
	/* and at the bottom of the stack */
	TR_STACK("checked ldxdw at fp-512", BPF_DW, 512, 0, 0),
	TR_STACK("checked ldxdw at fp-513 aborts", BPF_DW, 513, 0, -ERANGE),
	TR_STACK("checked ldxb at fp-512", BPF_B, 512, 0, 0),
	TR_STACK("checked ldxb at fp-513 aborts", BPF_B, 513, 0, -ERANGE),
	{
		/* r2 = 0: the jeq only keeps the exit reachable */
		.name = "infinite ja -1 exhausts the budget",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0x7fff, 1),
			ABPF_JMP_A(-1),
			ABPF_EXIT(),
		},
		.result = 0,
		.run_error = -ELOOP,
	},
	{
		.name = "infinite conditional loop exhausts the budget",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, -2),
			ABPF_EXIT(),
		},
		.result = 0,
		.run_error = -ELOOP,
	},
	{
		.name = "loop of 1000000 iterations fits the budget",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_MOV32_IMM(BPF_REG_1, 1000000),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 2),
			ABPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, -3),
			ABPF_EXIT(),
		},
		.result = 2000000,
	},
	TR_DATA("ldxw at the end of the data",
		ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 4), 0x08070605ULL, 0),
	TR_DATA("ldxw past the end aborts",
		ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 6), 0, -ERANGE),
	TR_DATA("ldxdw past the end aborts",
		ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 1), 0, -ERANGE),
	TR_DATA("ldxb before the data aborts",
		ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, -1), 0, -ERANGE),
	TR_DATA("ldxsh past the end aborts",
		ABPF_LDX_MEMSX(BPF_H, BPF_REG_0, BPF_REG_1, 7), 0, -ERANGE),
	TR_DATA("stw past the end aborts",
		ABPF_ST_MEM(BPF_W, BPF_REG_1, 8, 0), 0, -ERANGE),
	TR_DATA("stxb before the data aborts",
		ABPF_STX_MEM(BPF_B, BPF_REG_1, BPF_REG_4, -1), 0, -ERANGE),
	{
		.name = "ldxb at r1 + r2 aborts",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 5),
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_2),
			ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_3, 0),
			ABPF_EXIT(),
		},
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8 },
		.mem_len = 8,
		.result = 0,
		.run_error = -ERANGE,
	},
	{
		.name = "index loaded from the data",
		.insns = {
			ABPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_1, 0),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1),
			ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_3, 0),
			ABPF_EXIT(),
		},
		.mem = { 3, 2, 3, 0x44, 5, 6, 7, 8 },
		.mem_len = 8,
		.result = 0x44,
	},
	{
		.name = "index loaded from the data, out of bounds",
		.insns = {
			ABPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_1, 0),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1),
			ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_3, 0),
			ABPF_EXIT(),
		},
		.mem = { 200, 2, 3, 0x44, 5, 6, 7, 8 },
		.mem_len = 8,
		.result = 0,
		.run_error = -ERANGE,
	},
	{
		/* r1 - 1 through a 64-bit wrap */
		.name = "pointer wrapped below the data aborts",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 5),
			ABPF_LD_IMM64(BPF_REG_3, 0xffffffffffffffffULL),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1),
			ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_3, 0),
			ABPF_EXIT(),
		},
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8 },
		.mem_len = 8,
		.result = 0,
		.run_error = -ERANGE,
	},
	{
		.name = "pointer 2^63 away aborts",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 5),
			ABPF_LD_IMM64(BPF_REG_3, 0x8000000000000000ULL),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_3, 0),
			ABPF_EXIT(),
		},
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8 },
		.mem_len = 8,
		.result = 0,
		.run_error = -ERANGE,
	},
	{
		.name = "checked loop over the data",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_2),
			ABPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_1, 0),	/* 3 */
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_4),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
			ABPF_JMP_REG(BPF_JLT, BPF_REG_1, BPF_REG_3, -4),
			ABPF_EXIT(),
		},
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8 },
		.mem_len = 8,
		.result = 36,
	},
	{
		.name = "checked loop one byte too far aborts",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_2),
			ABPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_1, 0),	/* 3 */
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_4),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
			ABPF_JMP_REG(BPF_JLE, BPF_REG_1, BPF_REG_3, -4),
			ABPF_EXIT(),
		},
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8 },
		.mem_len = 8,
		.result = 0,
		.run_error = -ERANGE,
	},
};

#undef TR_DATA
#undef TR_STACK

#endif /* ALTBPF_TABLES_INTERP_RUNTIME_H */
