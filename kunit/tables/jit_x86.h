/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jit_x86.h - run tests aimed at the x86-64 JIT's weak spots: registers
 * the code generator borrows (rax/rdx for div, rcx for shifts, r0 for
 * cmpxchg loops) must come back unchanged, idiv must never see
 * INT_MIN / -1, imm8 vs imm32 encodings at their edges, and aborts from
 * inside a subprogram must unwind every frame.  Engine-independent: every
 * engine must pass them.
 */
#ifndef ALTBPF_TABLES_JIT_X86_H
#define ALTBPF_TABLES_JIT_X86_H

#include "table.h"

/* r0..r9 (but r1) = 1000 + n; r1 keeps the memory pointer */
#define JT_SETREGS							\
	ABPF_MOV64_IMM(0, 1000), ABPF_MOV64_IMM(2, 1002),		\
	ABPF_MOV64_IMM(3, 1003), ABPF_MOV64_IMM(4, 1004),		\
	ABPF_MOV64_IMM(5, 1005), ABPF_MOV64_IMM(6, 1006),		\
	ABPF_MOV64_IMM(7, 1007), ABPF_MOV64_IMM(8, 1008),		\
	ABPF_MOV64_IMM(9, 1009)
/* check K of 8: if rN != 1000 + N goto JT_BAD (after 8 checks + 2 insns) */
#define JT_CHK(N, K)	ABPF_JMP_IMM(BPF_JNE, N, 1000 + (N), 9 - (K))
#define JT_BAD		ABPF_MOV64_IMM(0, 0xbad), ABPF_EXIT()

/* r0 = byte (*(u8 *)r1) of a u64 at fp - 16: a checked stack load */
#define JT_STACK_VAR_LOAD						\
	ABPF_LD_IMM64(2, 0x1122334455667788ULL),			\
	ABPF_STX_MEM(BPF_DW, 10, 2, -16),				\
	ABPF_LDX_MEM(BPF_B, 3, 1, 0), ABPF_MOV64_REG(2, 10),		\
	ABPF_ALU64_IMM(BPF_ADD, 2, -16), ABPF_ALU64_REG(BPF_ADD, 2, 3),	\
	ABPF_LDX_MEM(BPF_B, 0, 2, 0), ABPF_EXIT()

/*
 * r4 = rol32(0x12345678, 8) in two shifts and an or (t = r3, d = r4),
 * with "goto +OFF" from before it: 1 onto t <<= 8, 2 onto d = x, 3 onto
 * d >>= 24, 4 onto d |= t; on that path t = 5 and d = 0x40.
 */
#define JT_ROT_JUMP(OFF)						\
	ABPF_MOV64_IMM(2, 0x12345678), ABPF_MOV64_IMM(3, 5),		\
	ABPF_MOV64_IMM(4, 0x40), ABPF_JMP_IMM(BPF_JEQ, 3, 5, OFF),	\
	ABPF_MOV32_REG(3, 2), ABPF_ALU32_IMM(BPF_LSH, 3, 8),		\
	ABPF_MOV32_REG(4, 2),						\
	ABPF_ALU32_IMM(BPF_RSH, 4, 24), ABPF_ALU32_REG(BPF_OR, 4, 3),	\
	ABPF_MOV64_REG(0, 4), ABPF_EXIT()

static const struct abpf_run_test abpf_jit_x86_tests[] = {
	{
		/* div with dst = r3 (rdx) and src = r4 (rcx): only r3 changes */
		"jit: div64 r3 /= r4 keeps every other register",
		{ JT_SETREGS, ABPF_ALU64_REG(BPF_DIV, 3, 4),
		  JT_CHK(0, 0), JT_CHK(2, 1), JT_CHK(4, 2), JT_CHK(5, 3),
		  JT_CHK(6, 4), JT_CHK(7, 5), JT_CHK(8, 6), JT_CHK(9, 7),
		  ABPF_MOV64_REG(0, 3), ABPF_EXIT(), JT_BAD },
		.result = 0,
	},
	{
		"jit: sdiv64 r0 /= r3 keeps every other register",
		{ JT_SETREGS, ABPF_ALU64_SREG(BPF_DIV, 0, 3),
		  ABPF_MOV64_REG(1, 0), ABPF_MOV64_IMM(0, 1000),
		  JT_CHK(0, 0), JT_CHK(2, 1), JT_CHK(3, 2), JT_CHK(4, 3),
		  JT_CHK(5, 4), JT_CHK(6, 5), JT_CHK(7, 6), JT_CHK(8, 7),
		  ABPF_MOV64_REG(0, 1), ABPF_EXIT(), JT_BAD },
		.result = 0,
	},
	{
		"jit: lsh64 r2 <<= r4 and mod32 r5 %= r0 keep the others",
		{ JT_SETREGS, ABPF_MOV64_IMM(4, 3), ABPF_ALU64_REG(BPF_LSH, 2, 4),
		  ABPF_ALU32_REG(BPF_MOD, 5, 0), ABPF_MOV64_IMM(4, 1004),
		  ABPF_ALU64_IMM(BPF_SUB, 2, 8016 - 1002),
		  ABPF_ALU64_IMM(BPF_ADD, 5, 1000),
		  JT_CHK(0, 0), JT_CHK(2, 1), JT_CHK(3, 2), JT_CHK(4, 3),
		  JT_CHK(5, 4), JT_CHK(6, 5), JT_CHK(7, 6), JT_CHK(8, 7),
		  ABPF_MOV64_IMM(0, 1), ABPF_EXIT(), JT_BAD },
		.result = 1,
	},
	{
		"jit: mod32 r0 %= r3 (dst rax, src rdx)",
		{ ABPF_MOV64_IMM(0, 100), ABPF_MOV64_IMM(3, 7),
		  ABPF_MOV64_IMM(4, 44),
		  ABPF_ALU32_REG(BPF_MOD, 0, 3),
		  ABPF_ALU64_IMM(BPF_MUL, 0, 1000),
		  ABPF_ALU64_REG(BPF_ADD, 0, 3),
		  ABPF_ALU64_IMM(BPF_MUL, 0, 1000),
		  ABPF_ALU64_REG(BPF_ADD, 0, 4), ABPF_EXIT() },
		.result = 2 * 1000000 + 7 * 1000 + 44,
	},
	{
		"jit: sdiv64 INT64_MIN / -1 (reg) does not trap",
		{ ABPF_LD_IMM64(0, 0x8000000000000000ULL),
		  ABPF_MOV64_IMM(2, -1), ABPF_ALU64_SREG(BPF_DIV, 0, 2),
		  ABPF_EXIT() },
		.result = 0x8000000000000000ULL,
	},
	{
		"jit: smod64 INT64_MIN % -1 (reg) = 0",
		{ ABPF_LD_IMM64(0, 0x8000000000000000ULL),
		  ABPF_MOV64_IMM(2, -1), ABPF_ALU64_SREG(BPF_MOD, 0, 2),
		  ABPF_EXIT() },
		.result = 0,
	},
	{
		"jit: sdiv32 INT32_MIN / -1 (imm)",
		{ ABPF_MOV32_IMM(0, 0x80000000),
		  ABPF_ALU32_SIMM(BPF_DIV, 0, -1), ABPF_EXIT() },
		.result = 0x80000000,
	},
	{
		"jit: smod32 -7 % -1 (reg) = 0, zero-extended",
		{ ABPF_MOV64_IMM(0, -7), ABPF_MOV64_IMM(5, -1),
		  ABPF_ALU32_SREG(BPF_MOD, 0, 5), ABPF_EXIT() },
		.result = 0,
	},
	{
		"jit: mod32 by zero reg keeps dst, zero-extended",
		{ ABPF_MOV64_IMM(0, -5), ABPF_MOV64_IMM(3, 0),
		  ABPF_ALU32_REG(BPF_MOD, 0, 3), ABPF_EXIT() },
		.result = 0xfffffffb,
	},
	{
		"jit: div64 by zero reg = 0",
		{ ABPF_MOV64_IMM(0, -5), ABPF_MOV64_IMM(3, 0),
		  ABPF_ALU64_REG(BPF_DIV, 0, 3), ABPF_EXIT() },
		.result = 0,
	},
	{
		"jit: udiv64 by imm -1 is by 0xffff...ffff",
		{ ABPF_MOV64_IMM(0, -1), ABPF_ALU64_IMM(BPF_DIV, 0, -1),
		  ABPF_EXIT() },
		.result = 1,
	},
	{
		/* shift with dst = r4 (rcx) and count in r2 */
		"jit: lsh64 r4 <<= r2 (dst is rcx)",
		{ ABPF_MOV64_IMM(4, 3), ABPF_MOV64_IMM(2, 63),
		  ABPF_ALU64_REG(BPF_LSH, 4, 2), ABPF_MOV64_REG(0, 4),
		  ABPF_ALU64_IMM(BPF_RSH, 0, 60), ABPF_ALU64_REG(BPF_ADD, 0, 2),
		  ABPF_EXIT() },
		.result = 8 + 63,
	},
	{
		"jit: arsh32 r0 by r4 = 32 (masked to 0), rcx kept",
		{ ABPF_LD_IMM64(0, 0xffffffff80000000ULL), ABPF_MOV64_IMM(4, 32),
		  ABPF_ALU32_REG(BPF_ARSH, 0, 4), ABPF_ALU64_REG(BPF_ADD, 0, 4),
		  ABPF_EXIT() },
		.result = 0x80000020,
	},
	{
		"jit: rsh32 r4 by r4 (src == dst == rcx)",
		{ ABPF_MOV64_IMM(4, 33), ABPF_ALU32_REG(BPF_RSH, 4, 4),
		  ABPF_MOV64_REG(0, 4), ABPF_EXIT() },
		.result = 16,
	},
	{
		"jit: lsh32 by imm 0 zero-extends",
		{ ABPF_LD_IMM64(0, 0x1234567887654321ULL),
		  ABPF_ALU32_IMM(BPF_LSH, 0, 0), ABPF_EXIT() },
		.result = 0x87654321,
	},
	{
		"jit: add imm8/imm32 edges (127, 128, -128, -129)",
		{ ABPF_MOV64_IMM(0, 0), ABPF_ALU64_IMM(BPF_ADD, 0, 127),
		  ABPF_ALU64_IMM(BPF_ADD, 0, 128), ABPF_ALU64_IMM(BPF_ADD, 0, -128),
		  ABPF_ALU64_IMM(BPF_ADD, 0, -129), ABPF_ALU64_IMM(BPF_ADD, 0, 2),
		  ABPF_EXIT() },
		.result = 0,
	},
	{
		"jit: and64 imm -1 keeps, and32 imm -1 zero-extends",
		{ ABPF_LD_IMM64(0, 0xfedcba9876543210ULL),
		  ABPF_ALU64_IMM(BPF_AND, 0, -1), ABPF_MOV64_REG(2, 0),
		  ABPF_ALU32_IMM(BPF_AND, 2, -1), ABPF_ALU64_REG(BPF_SUB, 0, 2),
		  ABPF_EXIT() },
		.result = 0xfedcba9800000000ULL,
	},
	{
		"jit: jgt imm -1 is unsigned 0xffff...ffff",
		{ ABPF_MOV64_IMM(0, 1), ABPF_MOV64_IMM(2, -2),
		  ABPF_JMP_IMM(BPF_JGT, 2, -1, 1), ABPF_MOV64_IMM(0, 2),
		  ABPF_EXIT() },
		.result = 2,
	},
	{
		"jit: jset32 ignores the upper half",
		{ ABPF_MOV64_IMM(0, 1), ABPF_LD_IMM64(2, 0xff00000000ULL),
		  ABPF_JMP32_IMM(BPF_JSET, 2, -1, 1), ABPF_MOV64_IMM(0, 2),
		  ABPF_EXIT() },
		.result = 2,
	},
	{
		"jit: lddw all sizes (u32, s32, 64-bit)",
		{ ABPF_LD_IMM64(0, 0xffffffffULL), ABPF_LD_IMM64(2, -2LL),
		  ABPF_LD_IMM64(3, 0x100000000ULL), ABPF_ALU64_REG(BPF_ADD, 0, 2),
		  ABPF_ALU64_REG(BPF_ADD, 0, 3), ABPF_EXIT() },
		.result = 0x1fffffffdULL,
	},
	{
		/* fetch-or with src = r0 and dst = r1: the cmpxchg loop parks r0 */
		"jit: atomic fetch_or dw, src r0",
		{ ABPF_MOV64_IMM(0, 0x0f), ABPF_MOV64_IMM(6, 7),
		  ABPF_ATOMIC_OP(BPF_DW, BPF_OR | BPF_FETCH, 1, 0, 0),
		  ABPF_LDX_MEM(BPF_DW, 2, 1, 0), ABPF_ALU64_IMM(BPF_LSH, 0, 16),
		  ABPF_ALU64_REG(BPF_ADD, 0, 2), ABPF_ALU64_REG(BPF_ADD, 0, 6),
		  ABPF_EXIT() },
		.mem = { 0xf0, 0x11 }, .mem_len = 8,
		.result = (0x11f0ULL << 16) + 0x11ff + 7,
	},
	{
		"jit: atomic fetch_xor w, dst r0 register base",
		{ ABPF_MOV64_REG(0, 1), ABPF_MOV64_IMM(3, 0xff),
		  ABPF_ATOMIC_OP(BPF_W, BPF_XOR | BPF_FETCH, 0, 3, 4),
		  ABPF_LDX_MEM(BPF_W, 0, 1, 4), ABPF_ALU64_IMM(BPF_LSH, 0, 32),
		  ABPF_ALU64_REG(BPF_OR, 0, 3), ABPF_EXIT() },
		.mem = { 0, 0, 0, 0, 0x0f, 0, 0, 0 }, .mem_len = 8,
		.result = (0xf0ULL << 32) | 0x0f,
	},
	{
		"jit: cmpxchg32 zero-extends r0",
		{ ABPF_LD_IMM64(0, 0xffffffff00000005ULL), ABPF_MOV64_IMM(2, 9),
		  ABPF_ATOMIC_OP(BPF_W, BPF_CMPXCHG, 1, 2, 0), ABPF_EXIT() },
		.mem = { 5 }, .mem_len = 8,
		.result = 5,
	},
	{
		"jit: misaligned checked atomic aborts",
		{ ABPF_MOV64_IMM(2, 1),
		  ABPF_ATOMIC_OP(BPF_W, BPF_ADD, 1, 2, 2), ABPF_MOV64_IMM(0, 1),
		  ABPF_EXIT() },
		.mem_len = 8, .run_error = -ERANGE,
	},
	{
		"jit: checked load past the region aborts",
		{ ABPF_LDX_MEM(BPF_W, 0, 1, 6), ABPF_EXIT() },
		.mem_len = 8, .run_error = -ERANGE,
	},
	{
		/* the inline region test: addr - start + size carries */
		"jit: checked load 2 bytes below the input aborts",
		{ ABPF_LDX_MEM(BPF_W, 0, 1, -2), ABPF_EXIT() },
		.mem_len = 8, .run_error = -ERANGE,
	},
	{
		"jit: checked load ending at the input's start aborts",
		{ ABPF_LDX_MEM(BPF_W, 0, 1, -4), ABPF_EXIT() },
		.mem_len = 8, .run_error = -ERANGE,
	},
	{
		"jit: checked 8-byte load of the whole input",
		{ ABPF_LDX_MEM(BPF_DW, 0, 1, 0), ABPF_EXIT() },
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8 }, .mem_len = 8,
		.result = 0x0807060504030201ULL,
	},
	{
		/* stack pointer + a number from memory: checked, main's frame */
		"jit: checked stack load at a variable offset",
		{ JT_STACK_VAR_LOAD },
		.mem = { 3 }, .mem_len = 8, .result = 0x55,
	},
	{
		"jit: checked stack load across the stack's top aborts",
		{ ABPF_ST_MEM(BPF_DW, 10, -8, 0),
		  ABPF_LDX_MEM(BPF_B, 3, 1, 0), ABPF_MOV64_REG(2, 10),
		  ABPF_ALU64_IMM(BPF_ADD, 2, -8), ABPF_ALU64_REG(BPF_ADD, 2, 3),
		  ABPF_LDX_MEM(BPF_W, 0, 2, 0), ABPF_EXIT() },
		.mem = { 6 }, .mem_len = 8, .run_error = -ERANGE,
	},
	{
		"jit: checked stack load at a variable offset in a subprogram",
		{ ABPF_MOV64_IMM(0, 7), ABPF_CALL_LOCAL(1), ABPF_EXIT(),
		  JT_STACK_VAR_LOAD },
		.mem = { 2 }, .mem_len = 8, .result = 0x66,
	},
	{
		/* fused pairs (jit_prescan()): lea from a mov and an add */
		"jit: mov + add imm and mov + add reg become lea",
		{ ABPF_MOV64_IMM(3, 5), ABPF_MOV64_IMM(4, 7),
		  ABPF_MOV64_REG(2, 3), ABPF_ALU64_IMM(BPF_ADD, 2, -100),
		  ABPF_MOV64_REG(6, 3), ABPF_ALU64_REG(BPF_ADD, 6, 4),
		  ABPF_MOV64_REG(0, 2), ABPF_ALU64_REG(BPF_ADD, 0, 6),
		  ABPF_EXIT() },
		.result = (u64)-83,
	},
	{
		/*
		 * 32-bit pairs become lea r32 (the upper half zeroed, the
		 * sum wrapped); the r7 (r13) base needs a disp8; a movsx
		 * (off != 0) is no plain mov and stays unfused.
		 */
		"jit: w mov + w add imm/reg become a 32-bit lea",
		{ ABPF_LD_IMM64(3, 0xfffffffffffffff0ULL),
		  ABPF_LD_IMM64(4, 0x100000020ULL),
		  ABPF_LD_IMM64(7, 0x180000000ULL),
		  ABPF_MOV32_REG(2, 3), ABPF_ALU32_IMM(BPF_ADD, 2, 0x20),
		  ABPF_MOV32_REG(6, 3), ABPF_ALU32_REG(BPF_ADD, 6, 4),
		  ABPF_MOV32_REG(8, 7), ABPF_ALU32_IMM(BPF_ADD, 8, -0x7fffffff),
		  ABPF_MOV32_REG(9, 7), ABPF_ALU32_REG(BPF_ADD, 9, 3),
		  ABPF_MOVSX32_REG(5, 3, 8), ABPF_ALU32_IMM(BPF_ADD, 5, 1),
		  ABPF_MOV64_REG(0, 2),
		  ABPF_ALU64_IMM(BPF_LSH, 6, 4), ABPF_ALU64_REG(BPF_XOR, 0, 6),
		  ABPF_ALU64_IMM(BPF_LSH, 8, 8), ABPF_ALU64_REG(BPF_XOR, 0, 8),
		  ABPF_ALU64_IMM(BPF_LSH, 9, 12), ABPF_ALU64_REG(BPF_XOR, 0, 9),
		  ABPF_ALU64_IMM(BPF_LSH, 5, 32), ABPF_ALU64_REG(BPF_XOR, 0, 5),
		  ABPF_EXIT() },
		.result = 0xfffff80effff0010ULL,
	},
	{
		/* a jump onto the add: the pair runs unfused on that path */
		"jit: w mov + w add with a jump onto the add",
		{ ABPF_LD_IMM64(3, 0x1fffffffeULL), ABPF_MOV64_IMM(2, -1),
		  ABPF_JMP_IMM(BPF_JEQ, 2, -1, 1),
		  ABPF_MOV32_REG(2, 3), ABPF_ALU32_IMM(BPF_ADD, 2, 3),
		  ABPF_MOV64_REG(0, 2), ABPF_EXIT() },
		.result = 2,
	},
	{
		/*
		 * a = b; a <<= 32; a s>>= 32 (>>= 32) is one movsxd (mov)
		 * from b32; b keeps its value; a shift of another register
		 * after the mov is no such group.
		 */
		"jit: mov + lsh/arsh 32 and mov + lsh/rsh 32 triples",
		{ ABPF_LD_IMM64(2, 0x1234567887654321ULL),
		  ABPF_MOV64_REG(3, 2), ABPF_ALU64_IMM(BPF_LSH, 3, 32),
		  ABPF_ALU64_IMM(BPF_ARSH, 3, 32),
		  ABPF_MOV64_REG(4, 2), ABPF_ALU64_IMM(BPF_LSH, 4, 32),
		  ABPF_ALU64_IMM(BPF_RSH, 4, 32),
		  ABPF_MOV64_REG(5, 2), ABPF_ALU64_IMM(BPF_LSH, 2, 32),
		  ABPF_ALU64_IMM(BPF_ARSH, 2, 32),
		  ABPF_MOV64_REG(0, 3), ABPF_ALU64_REG(BPF_XOR, 0, 4),
		  ABPF_ALU64_REG(BPF_XOR, 0, 5), ABPF_ALU64_REG(BPF_XOR, 0, 2),
		  ABPF_EXIT() },
		.result = 0xffffffff87654321ULL ^ 0x87654321ULL ^
			  0x1234567887654321ULL ^ 0xffffffff87654321ULL,
	},
	{
		/* jumps onto the lsh and onto the arsh: run unfused */
		"jit: mov + lsh/arsh 32 with jumps into the triple",
		{ ABPF_LD_IMM64(2, 0x80000001ULL), ABPF_MOV64_IMM(3, 7),
		  ABPF_LD_IMM64(4, 0x900000000ULL),
		  ABPF_JMP_IMM(BPF_JEQ, 3, 7, 1),
		  ABPF_MOV64_REG(3, 2), ABPF_ALU64_IMM(BPF_LSH, 3, 32),
		  ABPF_ALU64_IMM(BPF_ARSH, 3, 32),
		  ABPF_JMP_IMM(BPF_JNE, 4, 0, 2),
		  ABPF_MOV64_REG(4, 2), ABPF_ALU64_IMM(BPF_LSH, 4, 32),
		  ABPF_ALU64_IMM(BPF_ARSH, 4, 32),
		  ABPF_MOV64_REG(0, 3), ABPF_ALU64_REG(BPF_XOR, 0, 4),
		  ABPF_EXIT() },
		.result = 7 ^ 9,
	},
	{
		/*
		 * a = b; a += c (imm); a = *(a + off), unchecked (stack
		 * offsets the checker knows): one load from [b + c + off];
		 * rbp and r13 (r7) bases need a disp8, r8 (r14) as index
		 * needs REX.X; every size, zero- and sign-extending.
		 */
		"jit: mov + add + ldx become one load, every size",
		{ ABPF_LD_IMM64(2, 0x8182838485868788ULL),
		  ABPF_STX_MEM(BPF_DW, 10, 2, -8),
		  ABPF_MOV64_IMM(3, -8), ABPF_MOV64_IMM(8, -8),
		  ABPF_MOV64_REG(6, 10), ABPF_ALU64_REG(BPF_ADD, 6, 3),
		  ABPF_LDX_MEM(BPF_B, 6, 6, 0),
		  ABPF_MOV64_REG(7, 10),
		  ABPF_MOV64_REG(0, 7), ABPF_ALU64_REG(BPF_ADD, 0, 8),
		  ABPF_LDX_MEM(BPF_W, 0, 0, 4),
		  ABPF_MOV64_REG(9, 10), ABPF_ALU64_IMM(BPF_ADD, 9, -8),
		  ABPF_LDX_MEM(BPF_H, 9, 9, 2),
		  ABPF_MOV64_REG(5, 10), ABPF_ALU64_REG(BPF_ADD, 5, 3),
		  ABPF_LDX_MEM(BPF_DW, 5, 5, 0),
		  ABPF_ALU64_REG(BPF_XOR, 0, 6), ABPF_ALU64_REG(BPF_XOR, 0, 9),
		  ABPF_ALU64_REG(BPF_XOR, 0, 5),
		  ABPF_MOV64_REG(4, 10), ABPF_ALU64_REG(BPF_ADD, 4, 8),
		  ABPF_LDX_MEMSX(BPF_B, 4, 4, 0),
		  ABPF_MOV64_REG(6, 7), ABPF_ALU64_IMM(BPF_ADD, 6, -6),
		  ABPF_LDX_MEMSX(BPF_H, 6, 6, 0),
		  ABPF_MOV64_REG(9, 10), ABPF_ALU64_REG(BPF_ADD, 9, 3),
		  ABPF_LDX_MEMSX(BPF_W, 9, 9, 4),
		  ABPF_ALU64_REG(BPF_XOR, 4, 6), ABPF_ALU64_REG(BPF_XOR, 4, 9),
		  ABPF_ALU64_IMM(BPF_LSH, 4, 16), ABPF_ALU64_REG(BPF_XOR, 0, 4),
		  ABPF_EXIT() },
		.result = 0x8182838404048102ULL ^
			  (0xffffffff8182f98aULL << 16),
	},
	{
		/* a jump onto the ldx: unfused on that path */
		"jit: mov + add + ldx with a jump onto the ldx",
		{ ABPF_ST_MEM(BPF_DW, 10, -8, 0x66), ABPF_MOV64_REG(3, 10),
		  ABPF_ALU64_IMM(BPF_ADD, 3, -8), ABPF_MOV64_IMM(4, 1),
		  ABPF_JMP_IMM(BPF_JEQ, 4, 1, 2),
		  ABPF_MOV64_REG(3, 10), ABPF_ALU64_IMM(BPF_ADD, 3, -8),
		  ABPF_LDX_MEM(BPF_DW, 3, 3, 0),
		  ABPF_MOV64_REG(0, 3), ABPF_EXIT() },
		.result = 0x66,
	},
	{
		/* a checked ldx (through r1) is never fused: it aborts */
		"jit: mov + add + checked ldx out of bounds",
		{ ABPF_MOV64_REG(2, 1), ABPF_ALU64_IMM(BPF_ADD, 2, 6),
		  ABPF_LDX_MEM(BPF_B, 3, 2, 0),
		  ABPF_MOV64_REG(2, 1), ABPF_ALU64_IMM(BPF_ADD, 2, 8),
		  ABPF_LDX_MEM(BPF_B, 2, 2, 0),
		  ABPF_MOV64_REG(0, 2), ABPF_ALU64_REG(BPF_ADD, 0, 3),
		  ABPF_EXIT() },
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8 }, .mem_len = 8,
		.result = 0, .run_error = -ERANGE,
	},
	{
		/* r13 (r7) and rbp (r10) bases need a disp8 in the lea */
		"jit: lea with rbp and r13 bases",
		{ ABPF_MOV64_IMM(8, -16), ABPF_MOV64_REG(7, 10),
		  ABPF_MOV64_REG(2, 10), ABPF_ALU64_IMM(BPF_ADD, 2, -8),
		  ABPF_ST_MEM(BPF_DW, 2, 0, 3),
		  ABPF_MOV64_REG(3, 10), ABPF_ALU64_REG(BPF_ADD, 3, 8),
		  ABPF_ST_MEM(BPF_DW, 3, 0, 4),
		  ABPF_MOV64_REG(6, 7), ABPF_ALU64_REG(BPF_ADD, 6, 8),
		  ABPF_LDX_MEM(BPF_DW, 0, 6, 0), ABPF_LDX_MEM(BPF_DW, 1, 10, -8),
		  ABPF_ALU64_IMM(BPF_LSH, 0, 4), ABPF_ALU64_REG(BPF_ADD, 0, 1),
		  ABPF_EXIT() },
		.result = 0x43,
	},
	{
		"jit: lsh/arsh 32 and lsh/rsh 32 pairs",
		{ ABPF_LD_IMM64(2, 0x180000000ULL), ABPF_MOV64_REG(3, 2),
		  ABPF_ALU64_IMM(BPF_LSH, 2, 32), ABPF_ALU64_IMM(BPF_ARSH, 2, 32),
		  ABPF_ALU64_IMM(BPF_LSH, 3, 32), ABPF_ALU64_IMM(BPF_RSH, 3, 32),
		  ABPF_MOV64_REG(0, 2), ABPF_ALU64_REG(BPF_XOR, 0, 3),
		  ABPF_EXIT() },
		.result = 0xffffffff80000000ULL ^ 0x80000000ULL,
	},
	{
		/* two-shift rotates (FUSE_ROL3/ROL2) and a lookalike */
		"jit: rotates spelled with two shifts and an or",
		{ ABPF_LD_IMM64(2, 0x80000001c0000003ULL),
		  ABPF_MOV32_REG(3, 2), ABPF_ALU32_IMM(BPF_LSH, 3, 28),
		  ABPF_MOV32_REG(4, 2), ABPF_ALU32_IMM(BPF_RSH, 4, 4),
		  ABPF_ALU32_REG(BPF_OR, 4, 3),
		  ABPF_MOV64_REG(5, 2), ABPF_ALU64_IMM(BPF_RSH, 5, 8),
		  ABPF_ALU64_IMM(BPF_LSH, 2, 56), ABPF_ALU64_REG(BPF_OR, 2, 5),
		  ABPF_LD_IMM64(8, 0xf0000000000000ffULL),
		  ABPF_MOV64_REG(6, 8), ABPF_ALU64_IMM(BPF_LSH, 6, 3),
		  ABPF_MOV64_REG(7, 8), ABPF_ALU64_IMM(BPF_RSH, 7, 60),
		  ABPF_ALU64_REG(BPF_OR, 7, 6),
		  ABPF_MOV64_REG(0, 4), ABPF_ALU64_REG(BPF_XOR, 0, 3),
		  ABPF_ALU64_REG(BPF_XOR, 0, 2), ABPF_ALU64_REG(BPF_XOR, 0, 5),
		  ABPF_ALU64_REG(BPF_XOR, 0, 7), ABPF_ALU64_REG(BPF_XOR, 0, 6),
		  ABPF_EXIT() },
		/*
		 * r4 = rol32(0xc0000003, 28), r3 = its << 28 part; r2 =
		 * rol64(x, 56), r5 = x >> 8; r7 = r8 << 3 | r8 >> 60 (not a
		 * rotate: 3 + 60 != 64), r6 = r8 << 3
		 */
		.result = 0x3c000000ULL ^ 0x30000000ULL ^ 0x0380000001c00000ULL ^
			  0x0080000001c00000ULL ^ 0x80000000000007ffULL ^
			  0x80000000000007f8ULL,
	},
	{
		/* t is not x << k on the jumping path: no rotate */
		"jit: a jump onto a rotate's d = x",
		{ JT_ROT_JUMP(2) },
		.result = 0x17,
	},
	{
		"jit: a jump onto a rotate's t <<= k",
		{ JT_ROT_JUMP(1) },
		.result = 0x512,
	},
	{
		"jit: a jump onto a rotate's d >>= w - k",
		{ JT_ROT_JUMP(3) },
		.result = 0x5,
	},
	{
		"jit: a jump onto a rotate's d |= t",
		{ JT_ROT_JUMP(4) },
		.result = 0x45,
	},
	{
		/* jeq/jne 0 right after and/sub/or of the same register */
		"jit: jeq/jne 0 reuse the flags of and, sub and or32",
		{ ABPF_MOV64_IMM(0, 0), ABPF_MOV64_IMM(2, 6),
		  ABPF_ALU64_IMM(BPF_AND, 2, 1),
		  ABPF_JMP_IMM(BPF_JEQ, 2, 0, 1), ABPF_ALU64_IMM(BPF_OR, 0, 1),
		  ABPF_MOV64_IMM(3, 5), ABPF_ALU64_IMM(BPF_SUB, 3, 4),
		  ABPF_JMP_IMM(BPF_JNE, 3, 0, 1), ABPF_ALU64_IMM(BPF_OR, 0, 2),
		  ABPF_LD_IMM64(4, 0x100000000ULL), ABPF_ALU32_IMM(BPF_OR, 4, 0),
		  ABPF_JMP_IMM(BPF_JEQ, 4, 0, 1), ABPF_ALU64_IMM(BPF_OR, 0, 4),
		  ABPF_EXIT() },
		.result = 0,
	},
	{
		/* where the flags are not the register's zero-ness */
		"jit: jeq 0 after add64 (32-bit compare), lea, mul, a jump in",
		{ ABPF_MOV64_IMM(0, 0), ABPF_LD_IMM64(2, 0x100000000ULL),
		  ABPF_ALU64_IMM(BPF_ADD, 2, 0),
		  ABPF_JMP32_IMM(BPF_JEQ, 2, 0, 1), ABPF_ALU64_IMM(BPF_OR, 0, 1),
		  ABPF_MOV64_IMM(3, 5), ABPF_MOV64_REG(4, 3),
		  ABPF_ALU64_IMM(BPF_ADD, 4, -5),
		  ABPF_JMP_IMM(BPF_JEQ, 4, 0, 1), ABPF_ALU64_IMM(BPF_OR, 0, 2),
		  ABPF_ALU64_IMM(BPF_MUL, 3, 0),
		  ABPF_JMP_IMM(BPF_JEQ, 3, 0, 1), ABPF_ALU64_IMM(BPF_OR, 0, 4),
		  ABPF_MOV64_IMM(5, 1), ABPF_JMP_IMM(BPF_JEQ, 0, 0, 1),
		  ABPF_ALU64_IMM(BPF_ADD, 5, 1),
		  ABPF_JMP_IMM(BPF_JNE, 5, 0, 1), ABPF_ALU64_IMM(BPF_OR, 0, 8),
		  ABPF_EXIT() },
		.result = 0,
	},
	{
		/* a jump lands on the second insn of a pair: no fusion */
		"jit: jumps into the middle of fusable pairs",
		{ ABPF_MOV64_IMM(2, 3), ABPF_MOV64_IMM(4, 10),
		  ABPF_LD_IMM64(5, 0x180000000ULL),
		  ABPF_JMP_IMM(BPF_JEQ, 2, 3, 1),
		  ABPF_MOV64_REG(4, 2), ABPF_ALU64_IMM(BPF_ADD, 4, 5),
		  ABPF_JMP_IMM(BPF_JEQ, 2, 3, 1),
		  ABPF_ALU64_IMM(BPF_LSH, 5, 32), ABPF_ALU64_IMM(BPF_ARSH, 5, 32),
		  ABPF_MOV64_REG(0, 4), ABPF_ALU64_REG(BPF_ADD, 0, 5),
		  ABPF_EXIT() },
		.result = 15 + 1,
	},
	{
		"jit: checked store to the last byte",
		{ ABPF_ST_MEM(BPF_B, 1, 7, 0x5a), ABPF_LDX_MEM(BPF_B, 0, 1, 7),
		  ABPF_EXIT() },
		.mem_len = 8, .result = 0x5a,
	},
	{
		/* an out-of-bounds access two frames down unwinds everything */
		"jit: abort inside a nested subprogram",
		{ ABPF_MOV64_IMM(6, 6), ABPF_CALL_LOCAL(3), ABPF_MOV64_IMM(0, 1),
		  ABPF_ALU64_REG(BPF_ADD, 0, 6), ABPF_EXIT(),
		  /* sub 1 */
		  ABPF_MOV64_IMM(6, 60), ABPF_CALL_LOCAL(1), ABPF_EXIT(),
		  /* sub 2 */
		  ABPF_LDX_MEM(BPF_DW, 0, 1, 64), ABPF_EXIT() },
		.mem_len = 8, .run_error = -ERANGE,
	},
	{
		"jit: r6-r9 survive a subprogram that clobbers them",
		{ ABPF_MOV64_IMM(6, 1), ABPF_MOV64_IMM(7, 2),
		  ABPF_MOV64_IMM(8, 3), ABPF_MOV64_IMM(9, 4),
		  ABPF_ST_MEM(BPF_DW, 10, -8, 100),
		  ABPF_CALL_LOCAL(7),
		  ABPF_ALU64_REG(BPF_ADD, 0, 6), ABPF_ALU64_REG(BPF_ADD, 0, 7),
		  ABPF_ALU64_REG(BPF_ADD, 0, 8), ABPF_ALU64_REG(BPF_ADD, 0, 9),
		  ABPF_LDX_MEM(BPF_DW, 2, 10, -8),
		  ABPF_ALU64_REG(BPF_ADD, 0, 2), ABPF_EXIT(),
		  /* sub: own frame at its r10, clobbers r6-r9 */
		  ABPF_ST_MEM(BPF_DW, 10, -8, 1000),
		  ABPF_MOV64_IMM(6, 0), ABPF_MOV64_IMM(7, 0),
		  ABPF_MOV64_IMM(8, 0), ABPF_MOV64_IMM(9, 0),
		  ABPF_LDX_MEM(BPF_DW, 0, 10, -8), ABPF_EXIT() },
		.result = 1000 + 10 + 100,
	},
	{
		"jit: loop in a subprogram exhausts the budget",
		{ ABPF_CALL_LOCAL(2), ABPF_MOV64_IMM(0, 1), ABPF_EXIT(),
		  ABPF_MOV64_IMM(0, 0), ABPF_ALU64_IMM(BPF_ADD, 0, 1),
		  ABPF_JMP_IMM(BPF_JNE, 0, 0, -2), ABPF_EXIT() },
		.run_error = -ELOOP,
	},
	{
		"jit: ld_abs b/h/w are big-endian",
		{ ABPF_MOV64_REG(6, 1),
		  ABPF_LD_ABS(BPF_B, 0), ABPF_MOV64_REG(7, 0),
		  ABPF_LD_ABS(BPF_H, 1), ABPF_ALU64_IMM(BPF_LSH, 7, 16),
		  ABPF_ALU64_REG(BPF_OR, 7, 0), ABPF_LD_ABS(BPF_W, 4),
		  ABPF_ALU64_IMM(BPF_LSH, 7, 32), ABPF_ALU64_REG(BPF_OR, 0, 7),
		  ABPF_EXIT() },
		.mem = { 0x11, 0x22, 0x33, 0, 0x44, 0x55, 0x66, 0x77 },
		.mem_len = 8, .result = 0x0011223344556677ULL,
	},
	{
		"jit: ld_ind out of bounds ends with r0 = 0, no error",
		{ ABPF_MOV64_REG(6, 1), ABPF_MOV64_IMM(7, 5),
		  ABPF_LD_IND(BPF_W, 7, 1),
		  ABPF_MOV64_IMM(0, 1), ABPF_EXIT() },
		.mem_len = 8, .result = 0,
	},
	{
		"jit: ld_ind with a negative sum ends the program",
		{ ABPF_MOV64_REG(6, 1), ABPF_MOV64_IMM(7, 2),
		  ABPF_LD_IND(BPF_B, 7, -3),
		  ABPF_MOV64_IMM(0, 1), ABPF_EXIT() },
		.mem_len = 8, .result = 0,
	},
	{
		"jit: ld_ind with a wrapping u32 sum",
		{ ABPF_MOV64_REG(6, 1), ABPF_LD_IMM64(7, 0x100000003ULL),
		  ABPF_LD_IND(BPF_B, 7, 2),
		  ABPF_EXIT() },
		.mem = { 0, 1, 2, 3, 4, 5, 6, 7 }, .mem_len = 8, .result = 5,
	},
	{
		"jit: callx unknown id aborts with -EINVAL",
		{ ABPF_LDX_MEM(BPF_B, 0, 1, 0), ABPF_CALLX(0), ABPF_EXIT() },
		.mem = { 77 }, .mem_len = 1, .run_error = -EINVAL, .prog_type = ABPF_PROG_TYPE_CONFORMANCE,
	},
	{
		"jit: bswap16/32/64 and le16 on a 64-bit value",
		{ ABPF_LD_IMM64(0, 0x0102030405060708ULL), ABPF_MOV64_REG(2, 0),
		  ABPF_MOV64_REG(3, 0), ABPF_MOV64_REG(4, 0),
		  ABPF_BSWAP(2, 16), ABPF_BSWAP(3, 32), ABPF_BSWAP(0, 64),
		  ABPF_ENDIAN(BPF_TO_LE, 4, 16),
		  ABPF_ALU64_REG(BPF_XOR, 0, 2), ABPF_ALU64_REG(BPF_XOR, 0, 3),
		  ABPF_ALU64_REG(BPF_XOR, 0, 4), ABPF_EXIT() },
		.result = 0x0807060504030201ULL ^ 0x0807 ^ 0x08070605 ^ 0x0708,
	},
	{
		"jit: movsx8/16/32 from r4 and r2",
		{ ABPF_MOV64_IMM(4, 0x80), ABPF_MOV64_IMM(2, 0x8000),
		  ABPF_LD_IMM64(3, 0x80000000ULL),
		  ABPF_MOVSX64_REG(5, 4, 8), ABPF_MOVSX32_REG(6, 2, 16),
		  ABPF_MOVSX64_REG(7, 3, 32), ABPF_MOV64_REG(0, 5),
		  ABPF_ALU64_REG(BPF_XOR, 0, 6), ABPF_ALU64_REG(BPF_XOR, 0, 7),
		  ABPF_EXIT() },
		.result = 0xffffffffffffff80ULL ^ 0xffff8000ULL ^
			  0xffffffff80000000ULL,
	},
	/*
	 * The budget in a caller-saved register (jit_scan(): r6-r9 all
	 * named, no call, no checked access): rdx when r3 is unnamed, r8
	 * when r5 is, r9 when r2, r3 and r5 are (and no div/mod parks rdx
	 * there); the interpreter's budget must come out the same, and
	 * exhaustion must leave it 0 (r9 carries the error code).
	 */
	{
		"jit: loop naming r6-r9 and not r3 (budget in rdx)",
		{ ABPF_MOV64_IMM(6, 0), ABPF_MOV64_IMM(7, 10),
		  ABPF_MOV64_IMM(9, 0),
		  ABPF_ALU64_REG(BPF_ADD, 6, 7), ABPF_MOV64_REG(8, 6),
		  ABPF_ALU64_REG(BPF_XOR, 9, 8), ABPF_ALU64_IMM(BPF_SUB, 7, 1),
		  ABPF_JMP_IMM(BPF_JNE, 7, 0, -5),
		  ABPF_MOV64_REG(0, 6), ABPF_ALU64_REG(BPF_ADD, 0, 9),
		  ABPF_EXIT() },
		.result = 88,
	},
	{
		"jit: endless loop naming r6-r9 and not r3 exhausts the budget",
		{ ABPF_MOV64_IMM(6, 0), ABPF_MOV64_IMM(7, 0),
		  ABPF_MOV64_IMM(8, 0), ABPF_MOV64_IMM(9, 0),
		  ABPF_ALU64_IMM(BPF_ADD, 6, 1), ABPF_ALU64_REG(BPF_ADD, 7, 6),
		  ABPF_MOV64_REG(8, 7), ABPF_ALU64_REG(BPF_XOR, 9, 8),
		  ABPF_JMP_IMM(BPF_JNE, 6, 0, -5),
		  ABPF_MOV64_REG(0, 9), ABPF_EXIT() },
		.run_error = -ELOOP,
	},
	{
		"jit: loop naming r3 and r6-r9, not r5 (budget in r8)",
		{ ABPF_MOV64_IMM(3, 3), ABPF_MOV64_IMM(6, 0),
		  ABPF_MOV64_IMM(7, 10), ABPF_MOV64_IMM(9, 0),
		  ABPF_ALU64_REG(BPF_ADD, 6, 3), ABPF_MOV64_REG(8, 6),
		  ABPF_ALU64_REG(BPF_XOR, 9, 8), ABPF_ALU64_IMM(BPF_ADD, 3, 1),
		  ABPF_ALU64_IMM(BPF_SUB, 7, 1),
		  ABPF_JMP_IMM(BPF_JNE, 7, 0, -6),
		  ABPF_MOV64_REG(0, 6), ABPF_ALU64_REG(BPF_ADD, 0, 9),
		  ABPF_ALU64_REG(BPF_ADD, 0, 3), ABPF_EXIT() },
		.result = 160,
	},
	{
		"jit: loop naming r2, r3, r5 and r6-r9 (budget in r9)",
		{ ABPF_MOV64_IMM(2, 2), ABPF_MOV64_IMM(3, 3),
		  ABPF_MOV64_IMM(5, 7), ABPF_MOV64_IMM(6, 0),
		  ABPF_MOV64_IMM(7, 10), ABPF_MOV64_IMM(9, 0),
		  ABPF_ALU64_REG(BPF_ADD, 6, 3), ABPF_ALU64_REG(BPF_ADD, 5, 2),
		  ABPF_MOV64_REG(8, 6), ABPF_ALU64_REG(BPF_XOR, 9, 8),
		  ABPF_ALU64_REG(BPF_XOR, 9, 5), ABPF_ALU64_IMM(BPF_ADD, 3, 1),
		  ABPF_ALU64_IMM(BPF_SUB, 7, 1),
		  ABPF_JMP_IMM(BPF_JNE, 7, 0, -8),
		  ABPF_MOV64_REG(0, 6), ABPF_ALU64_REG(BPF_ADD, 0, 9),
		  ABPF_ALU64_REG(BPF_ADD, 0, 3), ABPF_ALU64_REG(BPF_ADD, 0, 5),
		  ABPF_EXIT() },
		.result = 189,
	},
	{
		"jit: endless loop with the budget in r9 ends -ELOOP",
		{ ABPF_MOV64_IMM(2, 1), ABPF_MOV64_IMM(3, 2),
		  ABPF_MOV64_IMM(5, 3), ABPF_MOV64_IMM(6, 0),
		  ABPF_MOV64_IMM(7, 0), ABPF_MOV64_IMM(8, 0),
		  ABPF_MOV64_IMM(9, 0),
		  ABPF_ALU64_REG(BPF_ADD, 6, 2), ABPF_ALU64_REG(BPF_ADD, 7, 3),
		  ABPF_ALU64_REG(BPF_ADD, 8, 5), ABPF_ALU64_REG(BPF_XOR, 9, 6),
		  ABPF_JMP_IMM(BPF_JNE, 6, 0, -5),
		  ABPF_MOV64_REG(0, 9), ABPF_EXIT() },
		.run_error = -ELOOP,
	},
	{
		/* checked loads: the budget in r8, not rdx (region stub) */
		"jit: checked loads in a loop naming r6-r9, not r3 or r5: -ERANGE",
		{ ABPF_MOV64_IMM(6, 0), ABPF_MOV64_IMM(7, 0),
		  ABPF_MOV64_IMM(9, 0),
		  ABPF_MOV64_REG(2, 1), ABPF_ALU64_REG(BPF_ADD, 2, 7),
		  ABPF_LDX_MEM(BPF_B, 8, 2, 0), ABPF_ALU64_REG(BPF_ADD, 6, 8),
		  ABPF_ALU64_IMM(BPF_ADD, 7, 1), ABPF_ALU64_REG(BPF_XOR, 9, 7),
		  ABPF_JMP_IMM(BPF_JNE, 7, 12, -7),
		  ABPF_MOV64_REG(0, 6), ABPF_ALU64_REG(BPF_ADD, 0, 9),
		  ABPF_EXIT() },
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8 }, .mem_len = 8,
		.run_error = -ERANGE,
	},
	{
		"jit: checked loads in a loop naming r3, r6-r9, not r5 (budget in r8)",
		{ ABPF_MOV64_IMM(6, 0), ABPF_MOV64_IMM(7, 0),
		  ABPF_MOV64_IMM(3, 1), ABPF_MOV64_IMM(9, 0),
		  ABPF_MOV64_REG(2, 1), ABPF_ALU64_REG(BPF_ADD, 2, 7),
		  ABPF_LDX_MEM(BPF_B, 8, 2, 0), ABPF_ALU64_REG(BPF_ADD, 6, 8),
		  ABPF_ALU64_REG(BPF_ADD, 7, 3), ABPF_ALU64_REG(BPF_XOR, 9, 7),
		  ABPF_JMP_IMM(BPF_JNE, 7, 12, -7),
		  ABPF_MOV64_REG(0, 6), ABPF_ALU64_REG(BPF_ADD, 0, 9),
		  ABPF_EXIT() },
		.mem = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
		.mem_len = 16, .result = 90,
	},
	{
		"jit: r2, r3, r5, r6-r9 and a div in a loop (r9 is div's)",
		{ ABPF_MOV64_IMM(2, 2), ABPF_MOV64_IMM(3, 3),
		  ABPF_MOV64_IMM(5, 7), ABPF_MOV64_IMM(6, 0),
		  ABPF_MOV64_IMM(7, 10), ABPF_MOV64_IMM(9, 0),
		  ABPF_ALU64_REG(BPF_ADD, 6, 3), ABPF_ALU64_REG(BPF_ADD, 5, 2),
		  ABPF_MOV64_REG(8, 6), ABPF_ALU64_REG(BPF_DIV, 8, 3),
		  ABPF_ALU64_REG(BPF_XOR, 9, 8),
		  ABPF_ALU64_REG(BPF_XOR, 9, 5), ABPF_ALU64_IMM(BPF_ADD, 3, 1),
		  ABPF_ALU64_IMM(BPF_SUB, 7, 1),
		  ABPF_JMP_IMM(BPF_JNE, 7, 0, -9),
		  ABPF_MOV64_REG(0, 6), ABPF_ALU64_REG(BPF_ADD, 0, 9),
		  ABPF_ALU64_REG(BPF_ADD, 0, 3), ABPF_ALU64_REG(BPF_ADD, 0, 5),
		  ABPF_EXIT() },
		.result = 121,
	},
};

#undef JT_SETREGS
#undef JT_STACK_VAR_LOAD
#undef JT_ROT_JUMP
#undef JT_CHK
#undef JT_BAD

#endif /* ALTBPF_TABLES_JIT_X86_H */
