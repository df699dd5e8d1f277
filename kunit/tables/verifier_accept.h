/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verifier_accept.h - tricky but valid programs: abpf_check() must accept
 * them and every engine must return .result.  Each exercises a corner of
 * the checker (constant folding, joins, calls, limits met exactly, checked
 * accesses the checker cannot prove).
 */
#ifndef ALTBPF_TABLES_VERIFIER_ACCEPT_H
#define ALTBPF_TABLES_VERIFIER_ACCEPT_H

#include "table.h"

static const struct abpf_run_test abpf_verifier_accept_tests[] = {
	{
		/* (51 & 1) << 3 = 8 is folded: [r2 - 16] is proven fp-8. */
		.name = "constant-folded stack offset",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 51),
			ABPF_ALU64_IMM(BPF_AND, BPF_REG_1, 1),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 3),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_1),
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 0xab),
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0xcd),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_2, -16),
			ABPF_EXIT(),
		},
		.result = 0xcd,
	},
	{
		/* r2 (the length) makes the offset unknown: checked at run time. */
		.name = "variable stack offset",
		.insns = {
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_AND, BPF_REG_3, 8),
			ABPF_MOV64_REG(BPF_REG_4, BPF_REG_10),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_3),
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 7),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_4, -8),
			ABPF_EXIT(),
		},
		.mem = { 1, 2, 3, 4 }, .mem_len = 4,
		.result = 7,
	},
	{
		.name = "loop sums 1..10",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_MOV64_IMM(BPF_REG_3, 0),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 1),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_3, 10, -3),
			ABPF_EXIT(),
		},
		.result = 55,
	},
	{
		/* The callee spills its arguments to its own frame, clobbers r6. */
		.name = "local call with arguments and callee stack",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_6, 100),
			ABPF_MOV64_IMM(BPF_REG_1, 5),
			ABPF_MOV64_IMM(BPF_REG_2, 7),
			ABPF_CALL_LOCAL(2),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
			ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
			ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -16),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -16),
			ABPF_ALU64_REG(BPF_MUL, BPF_REG_0, BPF_REG_3),
			ABPF_MOV64_IMM(BPF_REG_6, 0),
			ABPF_EXIT(),
		},
		.result = 135,
	},
	{
		.name = "register set on both paths",
		.insns = {
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 2),
			ABPF_MOV64_IMM(BPF_REG_3, 1),
			ABPF_JMP_A(1),
			ABPF_MOV64_IMM(BPF_REG_3, 2),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
		},
		.mem = { 0 }, .mem_len = 1,
		.result = 1,
	},
	{
		.name = "ja32 over an lddw",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 9),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 1),
			ABPF_JMP32_A(2),
			ABPF_LD_IMM64(BPF_REG_0, 0x100000005ULL),
			ABPF_EXIT(),
		},
		.mem = { 0 }, .mem_len = 1,
		.result = 9,
	},
	{
		.name = "load through the context",
		.insns = {
			ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
			ABPF_EXIT(),
		},
		.mem = { 0x11, 0x22, 0x33, 0x44 }, .mem_len = 4,
		.result = 0x44332211,
	},
	{
		/* A reloaded spill is just a number: the load is checked. */
		.name = "spilled context pointer",
		.insns = {
			ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -8),
			ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_3, 2),
			ABPF_EXIT(),
		},
		.mem = { 0x11, 0x22, 0x33, 0x44 }, .mem_len = 4,
		.result = 0x33,
	},
	{
		.name = "atomic fetch add on the stack",
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 40),
			ABPF_MOV64_IMM(BPF_REG_3, 2),
			ABPF_ATOMIC_OP(BPF_DW, BPF_ADD | BPF_FETCH, BPF_REG_10,
				       BPF_REG_3, -8),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
		},
		.result = 82,
	},
	{
		.name = "cmpxchg on the stack",
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 5),
			ABPF_MOV64_IMM(BPF_REG_0, 5),
			ABPF_MOV64_IMM(BPF_REG_3, 9),
			ABPF_ATOMIC_OP(BPF_DW, BPF_CMPXCHG, BPF_REG_10, BPF_REG_3, -8),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -8),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 8),
			ABPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
		},
		.result = 0x509,
	},
	{
		.name = "call chain of exactly 8 frames",
		.insns = {
			ABPF_CALL_LOCAL(1), ABPF_EXIT(),	/* main */
			ABPF_CALL_LOCAL(1), ABPF_EXIT(),	/* frame 2 */
			ABPF_CALL_LOCAL(1), ABPF_EXIT(),
			ABPF_CALL_LOCAL(1), ABPF_EXIT(),
			ABPF_CALL_LOCAL(1), ABPF_EXIT(),
			ABPF_CALL_LOCAL(1), ABPF_EXIT(),
			ABPF_CALL_LOCAL(1), ABPF_EXIT(),	/* frame 7 */
			ABPF_MOV64_IMM(BPF_REG_0, 8), ABPF_EXIT(), /* frame 8 */
		},
		.result = 8,
	},
	{
		.name = "combined stack of exactly 512",
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -256, 1),
			ABPF_CALL_LOCAL(3),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -256),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -256, 2),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -256),
			ABPF_EXIT(),
		},
		.result = 3,
	},
	{
		.name = "signed division of a constant",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, -7),
			ABPF_ALU64_SIMM(BPF_DIV, BPF_REG_0, 2),
			ABPF_EXIT(),
		},
		.result = (u64)-3,
	},
	{
		/* The callee reads its caller's frame through a checked pointer. */
		.name = "stack pointer passed to a local call",
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 21),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
			ABPF_CALL_LOCAL(1),
			ABPF_EXIT(),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_0),
			ABPF_EXIT(),
		},
		.result = 42,
	},
	{
		/* 8 or 16 below r10 depending on the path: checked at run time. */
		.name = "stack offset differs by path",
		.insns = {
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 2),
			ABPF_MOV64_IMM(BPF_REG_3, 8),
			ABPF_JMP_A(1),
			ABPF_MOV64_IMM(BPF_REG_3, 16),
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1),
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 2),
			ABPF_MOV64_REG(BPF_REG_4, BPF_REG_10),
			ABPF_ALU64_REG(BPF_SUB, BPF_REG_4, BPF_REG_3),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_4, 0),
			ABPF_EXIT(),
		},
		.mem = { 0 }, .mem_len = 1,
		.result = 1,
	},
	{
		.name = "callx with an id in a register",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 42),
			ABPF_MOV64_IMM(BPF_REG_3, 5),	/* unwind: returns r1 */
			ABPF_CALLX(BPF_REG_3),
			ABPF_EXIT(),
		},
		.result = 42,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		/* A loop whose stack pointer moves: the join loses the offset. */
		.name = "stack pointer walks a loop",
		.insns = {
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
			ABPF_ST_MEM(BPF_DW, BPF_REG_3, 0, 3),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_4, BPF_REG_3, 0),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_4),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_0, 12, -5),
			ABPF_EXIT(),
		},
		.result = 12,
	},
	{
		/* The callee fills the caller's buffer; the caller reads it back. */
		.name = "stack buffer filled by a callee",
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_6, -16),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
			ABPF_CALL_LOCAL(4),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_6, 0),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -8),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
			ABPF_ST_MEM(BPF_DW, BPF_REG_1, 0, 30),
			ABPF_ST_MEM(BPF_DW, BPF_REG_1, 8, 12),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.result = 42,
	},
};

#endif /* ALTBPF_TABLES_VERIFIER_ACCEPT_H */
