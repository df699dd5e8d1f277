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

/* r2 = ctx->data, r3 = ctx->data_end, r0 = 0 (packet programs) */
#define ABPF_PKT_PROLOGUE						\
	ABPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0),			\
	ABPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 8),			\
	ABPF_MOV64_IMM(BPF_REG_0, 0)

/*
 * csum's loop shape: r3 = r4 = 4, then read 2 bytes at data + r3, sum,
 * r4 += 2, r5 = r3 - 4, r3 = r4, loop while r5 < LIMIT.
 */
#define ABPF_LINKED_LOOP(LIMIT)						\
	ABPF_PKT_PROLOGUE,						\
	ABPF_MOV64_REG(BPF_REG_1, BPF_REG_2),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 64),				\
	ABPF_JMP_REG(BPF_JGT, BPF_REG_1, BPF_REG_3, 13),			\
	ABPF_MOV64_IMM(BPF_REG_1, 0),					\
	ABPF_MOV64_IMM(BPF_REG_3, 4),					\
	ABPF_MOV64_IMM(BPF_REG_4, 4),					\
	ABPF_MOV64_REG(BPF_REG_5, BPF_REG_2),				\
	ABPF_ALU64_REG(BPF_ADD, BPF_REG_5, BPF_REG_3),			\
	ABPF_LDX_MEM(BPF_H, BPF_REG_5, BPF_REG_5, 0),			\
	ABPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_5),			\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 2),				\
	ABPF_MOV64_REG(BPF_REG_5, BPF_REG_3),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_5, -4),				\
	ABPF_MOV64_REG(BPF_REG_3, BPF_REG_4),				\
	ABPF_JMP_IMM(BPF_JLT, BPF_REG_5, LIMIT, -9),			\
	ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),				\
	ABPF_EXIT()

/* Sum of bytes data[0..N) (i != N ends the loop), 8 bytes checked. */
#define ABPF_INDEX_LOOP(N)						\
	ABPF_PKT_PROLOGUE,						\
	ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 8),				\
	ABPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 7),			\
	ABPF_MOV64_IMM(BPF_REG_7, 0),					\
	ABPF_MOV64_REG(BPF_REG_1, BPF_REG_2),				\
	ABPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_7),			\
	ABPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_1, 0),			\
	ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),			\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_7, 1),				\
	ABPF_JMP_IMM(BPF_JNE, BPF_REG_7, N, -6),				\
	ABPF_EXIT()

/* r0 = the u16 at data + 12 if 14 bytes are there, else 0 */
#define ABPF_PKT_U16_AT_12						\
	ABPF_PKT_PROLOGUE,						\
	ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 14),				\
	ABPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 1),			\
	ABPF_LDX_MEM(BPF_H, BPF_REG_0, BPF_REG_2, 12),			\
	ABPF_EXIT()

/*
 * bubble's shape: a[j] for j < n, n = (len & 3) + LIMIT a register
 * (not a constant), 4 words at fp-32: j <= n.umax - 1.
 */
#define ABPF_VAR_LIMIT_LOOP(LIMIT)					\
	ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1),				\
	ABPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 2),			\
	ABPF_ST_MEM(BPF_DW, BPF_REG_10, -24, 3),			\
	ABPF_ST_MEM(BPF_DW, BPF_REG_10, -32, 4),			\
	ABPF_MOV64_REG(BPF_REG_3, BPF_REG_2),				\
	ABPF_ALU64_IMM(BPF_AND, BPF_REG_3, 3),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_3, LIMIT),			\
	ABPF_MOV64_IMM(BPF_REG_0, 0),					\
	ABPF_MOV64_IMM(BPF_REG_4, 0),					\
	ABPF_MOV64_REG(BPF_REG_5, BPF_REG_4),				\
	ABPF_ALU64_IMM(BPF_LSH, BPF_REG_5, 3),				\
	ABPF_MOV64_REG(BPF_REG_6, BPF_REG_10),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_6, -32),			\
	ABPF_ALU64_REG(BPF_ADD, BPF_REG_6, BPF_REG_5),			\
	ABPF_LDX_MEM(BPF_DW, BPF_REG_7, BPF_REG_6, 0),			\
	ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),			\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 1),				\
	ABPF_JMP_REG(BPF_JLT, BPF_REG_4, BPF_REG_3, -9),		\
	ABPF_EXIT()

/* 0x04030201 at fp-8 (SIZE bytes of it), r0 = the byte at fp - 8 + (len & 7) */
#define ABPF_MASKED_STACK_READ(SIZE)					\
	ABPF_ST_MEM(SIZE, BPF_REG_10, -8, 0x04030201),			\
	ABPF_MOV64_REG(BPF_REG_3, BPF_REG_2),				\
	ABPF_ALU64_IMM(BPF_AND, BPF_REG_3, 7),				\
	ABPF_MOV64_REG(BPF_REG_4, BPF_REG_10),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, -8),				\
	ABPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_3),			\
	ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_4, 0),			\
	ABPF_EXIT()

/*
 * jhash's shape: sum of N words at a pointer moved 4 bytes per iteration,
 * counted by another register; 32 bytes checked.  Proven only with split
 * states (the pointer is not linked to the counter).
 */
#define ABPF_STEP_PTR_LOOP(N)						\
	ABPF_PKT_PROLOGUE,						\
	ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 32),				\
	ABPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 7),			\
	ABPF_MOV64_REG(BPF_REG_5, BPF_REG_2),				\
	ABPF_MOV64_IMM(BPF_REG_6, 0),					\
	ABPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_5, 0),			\
	ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),			\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_5, 4),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 1),				\
	ABPF_JMP_IMM(BPF_JNE, BPF_REG_6, N, -5),			\
	ABPF_EXIT()

/* fp-24 = 42, r1 = fp - 24 spilled at fp-8, fp-16 = 0 */
#define ABPF_SPILL_STACK_PTR						\
	ABPF_ST_MEM(BPF_DW, BPF_REG_10, -24, 42),			\
	ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -24),			\
	ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),		\
	ABPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 0)

/* 14 bytes checked, data spilled at fp-8, MID, r0 = u16 at fill + 12 */
#define ABPF_SPILL_PKT_PTR(MID)						\
	ABPF_PKT_PROLOGUE,						\
	ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 14),				\
	ABPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 4),			\
	ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -8),		\
	MID,								\
	ABPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_10, -8),		\
	ABPF_LDX_MEM(BPF_H, BPF_REG_0, BPF_REG_5, 12),			\
	ABPF_EXIT()

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
	/*
	 * Packet programs (r1 = struct abpf_pkt_ctx): accesses proven by a
	 * data_end check run unchecked (abpf_verifier_proofs below says
	 * which); everything else keeps its run-time check, so the rows
	 * that read or write past what was checked must still abort.
	 */
	{
		.name = "packet: read proven by a data_end check",
		.insns = { ABPF_PKT_U16_AT_12 },
		.mem = { [12] = 0x08, [13] = 0x06 }, .mem_len = 14,
		.result = 0x0608,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		.name = "packet: too short, the data_end branch",
		.insns = { ABPF_PKT_U16_AT_12 },
		.mem = { [12] = 0x08 }, .mem_len = 13,
		.result = 0,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* ihl = (byte 14 & 15) * 4 in [0, 60]; then l4 + 4 <= data_end */
		.name = "packet: variable header length",
		.insns = {
			ABPF_PKT_PROLOGUE,
			ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 15),
			ABPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 10),
			ABPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_2, 14),
			ABPF_ALU32_IMM(BPF_AND, BPF_REG_5, 15),
			ABPF_ALU32_IMM(BPF_LSH, BPF_REG_5, 2),
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 14),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_6, BPF_REG_5),
			ABPF_MOV64_REG(BPF_REG_7, BPF_REG_6),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_7, 4),
			ABPF_JMP_REG(BPF_JGT, BPF_REG_7, BPF_REG_3, 1),
			ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_6, 0),
			ABPF_EXIT(),
		},
		.mem = { [14] = 0x01, [18] = 0x11, 0x22, 0x33, 0x44 },
		.mem_len = 22,
		.result = 0x44332211,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* 8 bytes checked, 8 read at +1: not proven, aborts */
		.name = "packet: off-by-one data_end check stays checked",
		.insns = {
			ABPF_PKT_PROLOGUE,
			ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 8),
			ABPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 1),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_2, 1),
			ABPF_EXIT(),
		},
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8 }, .mem_len = 8,
		.run_error = -ERANGE,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		.name = "packet: data_end >= pkt + 4, taken edge",
		.insns = {
			ABPF_PKT_PROLOGUE,
			ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 4),
			ABPF_JMP_REG(BPF_JGE, BPF_REG_3, BPF_REG_4, 1),
			ABPF_EXIT(),
			ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, 0),
			ABPF_EXIT(),
		},
		.mem = { 1, 2, 3, 4 }, .mem_len = 4,
		.result = 0x04030201,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* pkt + 3 < data_end: 4 bytes */
		.name = "packet: strict compare proves one byte more",
		.insns = {
			ABPF_PKT_PROLOGUE,
			ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 3),
			ABPF_JMP_REG(BPF_JLT, BPF_REG_4, BPF_REG_3, 1),
			ABPF_EXIT(),
			ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, 0),
			ABPF_EXIT(),
		},
		.mem = { 1, 2, 3, 4 }, .mem_len = 4,
		.result = 0x04030201,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* i in [0, 7] after "if i != 8": data + i + 1 <= data + 8 */
		.name = "packet: bounded loop index",
		.insns = { ABPF_INDEX_LOOP(8) },
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8 }, .mem_len = 8,
		.result = 36,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* the same loop one step further: i = 8 is past the check */
		.name = "packet: loop index one past the check stays checked",
		.insns = { ABPF_INDEX_LOOP(9) },
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8 }, .mem_len = 8,
		.run_error = -ERANGE,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* hosts hand the packet read-only: a write must be checked */
		.name = "packet: write after a data_end check stays checked",
		.insns = {
			ABPF_PKT_PROLOGUE,
			ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 1),
			ABPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 1),
			ABPF_ST_MEM(BPF_B, BPF_REG_2, 0, 7),
			ABPF_EXIT(),
		},
		.mem = { 1 }, .mem_len = 1,
		.run_error = -ERANGE,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* offsets 4 or 12 joined: [4, 12] + 4 bytes <= 16 */
		.name = "packet: join of two checked offsets",
		.insns = {
			ABPF_PKT_PROLOGUE,
			ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 16),
			ABPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 6),
			ABPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_2, 0),
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 4),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_5, 0, 1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 8),
			ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_6, 0),
			ABPF_EXIT(),
		},
		.mem = { 0, 0, 0, 0, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
		.mem_len = 16,
		.result = 0x08070605,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* x & 7 in [0, 7]: fp - 8 + x, all 8 bytes written: proven */
		.name = "scalar bounds: masked stack index",
		.insns = { ABPF_MASKED_STACK_READ(BPF_DW) },
		.mem = { 0 }, .mem_len = 3,
		.result = 4,
	},
	{
		/*
		 * csum's shape: the loop bound is on a copy (r5 = r3 - 4 < 58),
		 * r3 and r4 are linked to it and even: r3 <= 62, 2 bytes fit.
		 */
		.name = "linked scalars: index bounded through a copy",
		.insns = { ABPF_LINKED_LOOP(58) },
		/* bytes 4..63 are 1: 30 words of 0x0101 */
		.mem = { 0, 0, 0, 0, [4 ... 63] = 1 }, .mem_len = 64,
		.result = 30 * 0x0101,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* the same with "< 61": r3 reaches 64, past the checked 64 */
		.name = "linked scalars: one step past the check stays checked",
		.insns = { ABPF_LINKED_LOOP(61) },
		.mem = { 0, 0, 0, 0, [4 ... 63] = 1 }, .mem_len = 64,
		.run_error = -ERANGE,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* fp - 8 + [0, 7]: bytes fp-4..fp-1 were never written */
		.name = "stack: variable read over unwritten bytes stays checked",
		.insns = { ABPF_MASKED_STACK_READ(BPF_W) },
		.mem = { 0 }, .mem_len = 3,
		.result = 4,
	},
	{
		/* a byte at fp - 16 + [0, 15], then the word at fp-16 */
		.name = "stack: variable write, then a constant read",
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 0),
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_AND, BPF_REG_3, 15),
			ABPF_MOV64_REG(BPF_REG_4, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, -16),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_3),
			ABPF_ST_MEM(BPF_B, BPF_REG_4, 0, 7),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -16),
			ABPF_EXIT(),
		},
		.mem = { 0 }, .mem_len = 3,
		.result = 0x07000000,
	},
	{
		/*
		 * A stack pointer spilled at fp-8, then a byte written at
		 * fp - 16 + [0, 15] (may hit the spill): the fill is a number,
		 * the load through it stays checked.
		 */
		.name = "spill: variable write may clobber a spilled pointer",
		.insns = {
			ABPF_SPILL_STACK_PTR,
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_AND, BPF_REG_3, 15),
			ABPF_MOV64_REG(BPF_REG_4, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, -16),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_3),
			ABPF_ST_MEM(BPF_B, BPF_REG_4, 0, 0),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_10, -8),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_5, 0),
			ABPF_EXIT(),
		},
		.mem = { 0 }, .mem_len = 3,
		.result = 42,
	},
	{
		/* the same without the variable write: the fill is fp-24 */
		.name = "spill: stack pointer spilled and filled",
		.insns = {
			ABPF_SPILL_STACK_PTR,
			ABPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_10, -8),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_5, 0),
			ABPF_EXIT(),
		},
		.mem = { 0 }, .mem_len = 3,
		.result = 42,
	},
	{
		/* data spilled after the check, filled: still 14 bytes proven */
		.name = "spill: packet pointer keeps its proof through the stack",
		.insns = { ABPF_SPILL_PKT_PTR(ABPF_MOV64_IMM(BPF_REG_2, 0)) },
		.mem = { [12] = 0x34, [13] = 0x12 }, .mem_len = 14,
		.result = 0x1234,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* its high half overwritten: the fill is a number, the load aborts */
		.name = "spill: partial overwrite of a spilled packet pointer",
		.insns = {
			ABPF_SPILL_PKT_PTR(ABPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0))
		},
		.mem = { [12] = 0x34, [13] = 0x12 }, .mem_len = 14,
		.run_error = -ERANGE,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		.name = "split states: pointer moved by a constant step",
		.insns = { ABPF_STEP_PTR_LOOP(8) },
		.mem = { 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0,
			 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8, 0, 0, 0 },
		.mem_len = 32,
		.result = 36,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* one word more: the ninth read is past the checked 32 bytes */
		.name = "split states: one step past the check stays checked",
		.insns = { ABPF_STEP_PTR_LOOP(9) },
		.mem = { [0 ... 31] = 1 }, .mem_len = 32,
		.run_error = -ERANGE,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/*
		 * A store walking down the stack while i != len: split states
		 * see it leave the frame at i = 64 (a known offset, which they
		 * reject); the program is analysed again without splitting and
		 * accepted, the store checked (len = 3: three stores).
		 */
		.name = "split states: a reject of theirs falls back to joined states",
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
			ABPF_MOV64_REG(BPF_REG_5, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_5, -8),
			ABPF_MOV64_IMM(BPF_REG_6, 0),
			ABPF_ST_MEM(BPF_DW, BPF_REG_5, 0, 7),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_5, -8),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 1),
			ABPF_JMP_REG(BPF_JNE, BPF_REG_6, BPF_REG_2, -4),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
			ABPF_EXIT(),
		},
		.mem = { 0 }, .mem_len = 3,
		.result = 7,
	},
	{
		/*
		 * jhash's two levels: w < 4 windows 8 bytes apart, 3 words
		 * in each: data + 8 * w + 4 * k, 48 bytes checked.
		 */
		.name = "split states: nested counted loops",
		.insns = {
			ABPF_PKT_PROLOGUE,
			ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 48),
			ABPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 12),
			ABPF_MOV64_REG(BPF_REG_7, BPF_REG_2),
			ABPF_MOV64_IMM(BPF_REG_8, 0),
			ABPF_MOV64_REG(BPF_REG_5, BPF_REG_7),
			ABPF_MOV64_IMM(BPF_REG_6, 0),
			ABPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_5, 0),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_5, 4),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 1),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_6, 3, -5),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_7, 8),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_8, 1),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_8, 4, -10),
			ABPF_EXIT(),
		},
		/* words 1..12 at 0, 4, ... 44 */
		.mem = { 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0,
			 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8, 0, 0, 0,
			 9, 0, 0, 0, 10, 0, 0, 0, 11, 0, 0, 0, 12, 0, 0, 0 },
		.mem_len = 48,
		/* w = 0..3 reads words 2w+1, 2w+2, 2w+3: 6 + 12 + 18 + 24 */
		.result = 60,
		.prog_type = ABPF_PROG_TYPE_PACKET,
	},
	{
		/* insn 4 only behind "5 == 6": analysed all the same, checked */
		.name = "split states: code behind an edge ruled out is analysed",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 5),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 6, 2),
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_EXIT(),
			ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 0),
			ABPF_EXIT(),
		},
		.mem = { 0 }, .mem_len = 3,
		.result = 1,
	},
	{
		.name = "stack: index bounded by a variable limit",
		.insns = { ABPF_VAR_LIMIT_LOOP(1) },
		.mem = { 0 }, .mem_len = 3,
		.result = 10,
	},
	{
		/* n up to 5: a[4] would be fp+0, outside the frame */
		.name = "stack: variable limit one past the array stays checked",
		.insns = { ABPF_VAR_LIMIT_LOOP(2) },
		.mem = { 0 }, .mem_len = 2,
		.result = 10,
	},
};

/*
 * What the checker must prove (ABPF_AUX_MEMCHK clear) and must leave to a
 * run-time check (set), by instruction, in the rows above of that name.
 */
struct abpf_proof_test {
	const char *name;		/* a row of abpf_verifier_accept_tests */
	u8 nr_proven, nr_checked;
	u16 proven[4];
	u16 checked[4];
};

static const struct abpf_proof_test abpf_verifier_proofs[]
__attribute__((unused)) = {
	{ .name = "packet: read proven by a data_end check",
	  .nr_proven = 3, .proven = { 0, 1, 6 } },
	{ .name = "packet: variable header length",
	  .nr_proven = 3, .proven = { 0, 1, 15 } },
	{ .name = "packet: off-by-one data_end check stays checked",
	  .nr_proven = 2, .proven = { 0, 1 },
	  .nr_checked = 1, .checked = { 6 } },
	{ .name = "packet: data_end >= pkt + 4, taken edge",
	  .nr_proven = 1, .proven = { 7 } },
	{ .name = "packet: strict compare proves one byte more",
	  .nr_proven = 1, .proven = { 7 } },
	{ .name = "packet: bounded loop index",
	  .nr_proven = 1, .proven = { 9 } },
	{ .name = "packet: loop index one past the check stays checked",
	  .nr_checked = 1, .checked = { 9 } },
	{ .name = "packet: write after a data_end check stays checked",
	  .nr_checked = 1, .checked = { 6 } },
	{ .name = "packet: join of two checked offsets",
	  .nr_proven = 2, .proven = { 6, 11 } },
	{ .name = "linked scalars: index bounded through a copy",
	  .nr_proven = 1, .proven = { 11 } },
	{ .name = "linked scalars: one step past the check stays checked",
	  .nr_checked = 1, .checked = { 11 } },
	{ .name = "scalar bounds: masked stack index",
	  .nr_proven = 2, .proven = { 0, 6 } },
	{ .name = "stack: variable read over unwritten bytes stays checked",
	  .nr_proven = 1, .proven = { 0 },
	  .nr_checked = 1, .checked = { 6 } },
	{ .name = "stack: variable write, then a constant read",
	  .nr_proven = 4, .proven = { 0, 1, 7, 8 } },
	{ .name = "spill: variable write may clobber a spilled pointer",
	  .nr_proven = 4, .proven = { 3, 4, 10, 11 },
	  .nr_checked = 1, .checked = { 12 } },
	{ .name = "spill: stack pointer spilled and filled",
	  .nr_proven = 3, .proven = { 3, 5, 6 } },
	{ .name = "spill: packet pointer keeps its proof through the stack",
	  .nr_proven = 3, .proven = { 6, 8, 9 } },
	{ .name = "spill: partial overwrite of a spilled packet pointer",
	  .nr_proven = 3, .proven = { 6, 7, 8 },
	  .nr_checked = 1, .checked = { 9 } },
	{ .name = "split states: pointer moved by a constant step",
	  .nr_proven = 1, .proven = { 8 } },
	{ .name = "split states: one step past the check stays checked",
	  .nr_checked = 1, .checked = { 8 } },
	{ .name = "split states: a reject of theirs falls back to joined states",
	  .nr_checked = 1, .checked = { 4 } },
	{ .name = "split states: nested counted loops",
	  .nr_proven = 1, .proven = { 10 } },
	{ .name = "split states: code behind an edge ruled out is analysed",
	  .nr_checked = 1, .checked = { 4 } },
	{ .name = "stack: index bounded by a variable limit",
	  .nr_proven = 1, .proven = { 14 } },
	{ .name = "stack: variable limit one past the array stays checked",
	  .nr_checked = 1, .checked = { 14 } },
};

#endif /* ALTBPF_TABLES_VERIFIER_ACCEPT_H */
