/* SPDX-License-Identifier: GPL-2.0 */
/*
 * interp_call.h - bpf-to-bpf calls (r1-r5 passed as is, r6-r9 and r10
 * restored on return, each frame its own stack), helper calls and callx
 * with the conformance helpers (ABPF_PROG_TYPE_CONFORMANCE): 0
 * gather_bytes, 1 memfrob, 2 no_op, 3 sqrti, 4 strcmp_ext, 5 unwind.
 */
#ifndef ALTBPF_TABLES_INTERP_CALL_H
#define ALTBPF_TABLES_INTERP_CALL_H

#include "table.h"

/* r1 = A; call helper ID; return r0. */
#define TH1(NAME, ID, A, RES) {						\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_1, A),				\
		ABPF_CALL_HELPER(ID),					\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
	.prog_type = ABPF_PROG_TYPE_CONFORMANCE,			\
}

static const struct abpf_run_test abpf_interp_call_tests[] = {
	{
		.name = "local call preserves r6-r9",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_6, 6),
			ABPF_MOV64_IMM(BPF_REG_7, 7),
			ABPF_MOV64_IMM(BPF_REG_8, 8),
			ABPF_MOV64_IMM(BPF_REG_9, 9),
			ABPF_CALL_LOCAL(5),			/* to 10 */
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_6),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_8),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_9),
			ABPF_EXIT(),
			/* 10: clobbers r6-r9 */
			ABPF_MOV64_IMM(BPF_REG_6, 0),
			ABPF_MOV64_IMM(BPF_REG_7, 0),
			ABPF_MOV64_IMM(BPF_REG_8, 0),
			ABPF_MOV64_IMM(BPF_REG_9, 0),
			ABPF_MOV64_IMM(BPF_REG_0, 100),
			ABPF_EXIT(),
		},
		.result = 30,
	},
	{
		.name = "local call passes r1-r5 and returns r0",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 1),
			ABPF_MOV64_IMM(BPF_REG_2, 20),
			ABPF_MOV64_IMM(BPF_REG_3, 300),
			ABPF_MOV64_IMM(BPF_REG_4, 4000),
			ABPF_MOV64_IMM(BPF_REG_5, 50000),
			ABPF_CALL_LOCAL(1),			/* to 7 */
			ABPF_EXIT(),
			/* 7 */
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_4),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_5),
			ABPF_EXIT(),
		},
		.result = 54321,
	},
	{
		/* each level adds its own r6 after the callee returned */
		.name = "local calls nested 3 deep",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_6, 1),
			ABPF_CALL_LOCAL(2),			/* to 4 */
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
			/* 4 */
			ABPF_MOV64_IMM(BPF_REG_6, 10),
			ABPF_CALL_LOCAL(2),			/* to 8 */
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
			/* 8 */
			ABPF_MOV64_IMM(BPF_REG_6, 100),
			ABPF_CALL_LOCAL(2),			/* to 12 */
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
			/* 12 */
			ABPF_MOV64_IMM(BPF_REG_0, 1000),
			ABPF_MOV64_IMM(BPF_REG_6, 0),
			ABPF_EXIT(),
		},
		.result = 1111,
	},
	{
		.name = "callee has its own stack frame",
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 7),
			ABPF_CALL_LOCAL(3),			/* to 5 */
			ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
			/* 5 */
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 100),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
			ABPF_EXIT(),
		},
		.result = 107,
	},
	{
		/* the callee names none of r6-r10: CALL_LOCAL_LEAF, EXIT_LEAF */
		.name = "leaf callee keeps r6-r9 and the caller's stack",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_6, 6),
			ABPF_MOV64_IMM(BPF_REG_7, 7),
			ABPF_MOV64_IMM(BPF_REG_8, 8),
			ABPF_MOV64_IMM(BPF_REG_9, 9),
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1000),
			ABPF_MOV64_IMM(BPF_REG_1, 5),
			ABPF_CALL_LOCAL(7),			/* to 14 */
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_8),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_9),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
			/* 14 */
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
		},
		.result = 1040,
	},
	{
		/*
		 * The middle callee names no r6-r10 itself, but its callee
		 * uses its stack: its r10 must still be set up below main's
		 * frame (the leaf test is closed over calls).
		 */
		.name = "callee naming no r6-r10 calls one using the stack",
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 77),
			ABPF_CALL_LOCAL(3),			/* to 5 */
			ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
			ABPF_EXIT(),
			/* 5 */
			ABPF_CALL_LOCAL(2),			/* to 8 */
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
			ABPF_EXIT(),
			/* 8 */
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
			ABPF_EXIT(),
		},
		.result = 79,
	},
	{
		.name = "callee writes the caller's stack through r1",
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
			ABPF_CALL_LOCAL(2),			/* to 6 */
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
			ABPF_EXIT(),
			/* 6 */
			ABPF_ST_MEM(BPF_DW, BPF_REG_1, 0, 42),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.result = 42,
	},
	{
		.name = "local call in a loop",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_6, 0),
			ABPF_MOV64_IMM(BPF_REG_7, 10),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6),	/* 2 */
			ABPF_CALL_LOCAL(5),			/* to 9 */
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
			ABPF_ALU64_IMM(BPF_SUB, BPF_REG_7, 1),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_7, 0, -5),	/* to 2 */
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
			/* 9 */
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
			ABPF_EXIT(),
		},
		.result = 10,
	},
	/* helpers */
	{
		.name = "helper gather_bytes takes one byte of each argument",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 0x101),
			ABPF_MOV64_IMM(BPF_REG_2, 2),
			ABPF_MOV64_IMM(BPF_REG_3, 3),
			ABPF_MOV64_IMM(BPF_REG_4, 4),
			ABPF_MOV64_IMM(BPF_REG_5, 0x105),
			ABPF_CALL_HELPER(0),
			ABPF_EXIT(),
		},
		.result = 0x0102030405ULL,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		.name = "helper no_op returns 0",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 5),
			ABPF_CALL_HELPER(2),
			ABPF_EXIT(),
		},
		.result = 0,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	TH1("helper sqrti 1000000", 3, 1000000, 1000),
	TH1("helper sqrti 99", 3, 99, 9),
	TH1("helper sqrti 0", 3, 0, 0),
	TH1("helper sqrti 2^64-1", 3, 0xffffffffffffffffULL, 0xffffffffULL),
	TH1("helper unwind 7 continues", 5, 7, 7),
	{
		.name = "helper memfrob on the stack",
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
			ABPF_MOV64_IMM(BPF_REG_2, 4),
			ABPF_CALL_HELPER(1),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
			ABPF_EXIT(),
		},
		.result = 0x2a2a2a2aULL,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		.name = "helper memfrob on the data",
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			ABPF_CALL_HELPER(1),
			ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_6, 0),
			ABPF_EXIT(),
		},
		.mem = { 0x2a, 0x00, 0x6b, 0xff },
		.mem_len = 4,
		.result = 0xd5412a00ULL,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		.name = "helper memfrob past the stack aborts",
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
			ABPF_MOV64_IMM(BPF_REG_2, 16),
			ABPF_CALL_HELPER(1),
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_EXIT(),
		},
		.result = 0,
		.run_error = -ERANGE,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		.name = "helper strcmp_ext equal strings",
		.insns = {
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -8, 0x6261),	/* "ab" */
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0x6261),	/* "ab" */
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
			ABPF_CALL_HELPER(4),
			ABPF_EXIT(),
		},
		.result = 0,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		.name = "helper strcmp_ext \"ab\" < \"ac\"",
		.insns = {
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -8, 0x6261),	/* "ab" */
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0x6361),	/* "ac" */
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
			ABPF_CALL_HELPER(4),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_JMP_IMM(BPF_JSLT, BPF_REG_1, 0, 1),
			ABPF_MOV64_IMM(BPF_REG_0, 2),
			ABPF_EXIT(),
		},
		.result = 1,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		/* no NUL before the end of the data: checked, not overrun */
		.name = "helper strcmp_ext unterminated aborts",
		.insns = {
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
			ABPF_CALL_HELPER(4),
			ABPF_EXIT(),
		},
		.mem = { 'a', 'b', 'c', 'd' },
		.mem_len = 4,
		.result = 0,
		.run_error = -ERANGE,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		.name = "helper unwind 0 stops the program",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 0),
			ABPF_CALL_HELPER(5),
			ABPF_MOV64_IMM(BPF_REG_0, 2),
			ABPF_EXIT(),
		},
		.result = 0,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		.name = "helper unwind 0 in a callee stops everything",
		.insns = {
			ABPF_CALL_LOCAL(2),			/* to 3 */
			ABPF_MOV64_IMM(BPF_REG_0, 3),
			ABPF_EXIT(),
			/* 3 */
			ABPF_MOV64_IMM(BPF_REG_1, 0),
			ABPF_CALL_HELPER(5),
			ABPF_MOV64_IMM(BPF_REG_0, 9),
			ABPF_EXIT(),
		},
		.result = 0,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		.name = "callx sqrti",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 81),
			ABPF_MOV64_IMM(BPF_REG_6, 3),
			ABPF_CALLX(BPF_REG_6),
			ABPF_EXIT(),
		},
		.result = 9,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		.name = "callx unwind 0 stops the program",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_1, 0),
			ABPF_MOV64_IMM(BPF_REG_6, 5),
			ABPF_CALLX(BPF_REG_6),
			ABPF_MOV64_IMM(BPF_REG_0, 2),
			ABPF_EXIT(),
		},
		.result = 0,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		/* the id comes from the data, unknown to the checker */
		.name = "callx unknown helper id aborts",
		.insns = {
			ABPF_LDX_MEM(BPF_W, BPF_REG_6, BPF_REG_1, 0),
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_CALLX(BPF_REG_6),
			ABPF_EXIT(),
		},
		.mem = { 99, 0, 0, 0 },
		.mem_len = 4,
		.result = 0,
		.run_error = -EINVAL,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
};

#undef TH1

#endif /* ALTBPF_TABLES_INTERP_CALL_H */
