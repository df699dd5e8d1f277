/* SPDX-License-Identifier: GPL-2.0 */
/*
 * interp_alu.h - ALU32/ALU64 run tests: every operation, K and X, with
 * boundary values.  Expected values follow RFC 9669 section 4:
 *  - ALU64 immediates are sign-extended to 64 bits, ALU32 ones used as u32;
 *  - ALU32 results are zero-extended into the 64-bit register;
 *  - x / 0 = 0, x % 0 = x (ALU32: zero-extended), shift counts are masked
 *    (& 31, & 63), signed division truncates toward zero and the
 *    remainder takes the dividend's sign; INT_MIN / -1 = INT_MIN and
 *    INT_MIN % -1 = 0.
 * Division by a constant 0 is rejected by the checker (like the kernel's
 * verifier), so division by zero is tested with a register.
 */
#ifndef ALTBPF_TABLES_INTERP_ALU_H
#define ALTBPF_TABLES_INTERP_ALU_H

#include "table.h"

/* r0 = A (64-bit), r0 op= K, return r0. */
#define TA64K(NAME, OP, A, K, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_0, A),				\
		ABPF_ALU64_IMM(OP, BPF_REG_0, K),			\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
#define TA32K(NAME, OP, A, K, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_0, A),				\
		ABPF_ALU32_IMM(OP, BPF_REG_0, K),			\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
/* r0 = A, r1 = B (64-bit each), r0 op= r1, return r0. */
#define TA64X(NAME, OP, A, B, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_0, A),				\
		ABPF_LD_IMM64(BPF_REG_1, B),				\
		ABPF_ALU64_REG(OP, BPF_REG_0, BPF_REG_1),		\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
#define TA32X(NAME, OP, A, B, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_0, A),				\
		ABPF_LD_IMM64(BPF_REG_1, B),				\
		ABPF_ALU32_REG(OP, BPF_REG_0, BPF_REG_1),		\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
/* Signed division / modulo (off = 1). */
#define TS64K(NAME, OP, A, K, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_0, A),				\
		ABPF_ALU64_SIMM(OP, BPF_REG_0, K),			\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
#define TS32K(NAME, OP, A, K, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_0, A),				\
		ABPF_ALU32_SIMM(OP, BPF_REG_0, K),			\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
#define TS64X(NAME, OP, A, B, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_0, A),				\
		ABPF_LD_IMM64(BPF_REG_1, B),				\
		ABPF_ALU64_SREG(OP, BPF_REG_0, BPF_REG_1),		\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
#define TS32X(NAME, OP, A, B, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_0, A),				\
		ABPF_LD_IMM64(BPF_REG_1, B),				\
		ABPF_ALU32_SREG(OP, BPF_REG_0, BPF_REG_1),		\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
/* One-register operations: r0 = A, INSN, return r0. */
#define TA1(NAME, A, INSN, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_0, A),				\
		INSN,							\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
/* r0 = 0x5555..., r1 = A, INSN (writes r0 from r1), return r0. */
#define TMOV(NAME, A, INSN, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_0, 0x5555555555555555ULL),	\
		ABPF_LD_IMM64(BPF_REG_1, A),				\
		INSN,							\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}

static const struct abpf_run_test abpf_interp_alu_tests[] = {
	/* add */
	TA64K("add64 k", BPF_ADD, 1, 2, 3),
	TA64K("add64 k wraps", BPF_ADD, 0xffffffffffffffffULL, 1, 0),
	TA64K("add64 k -1 sign-extends", BPF_ADD, 0, -1, 0xffffffffffffffffULL),
	TA64K("add64 k INT32_MIN", BPF_ADD, 0, (s32)0x80000000,
	      0xffffffff80000000ULL),
	TA32K("add32 k wraps at 32", BPF_ADD, 0xffffffffULL, 1, 0),
	TA32K("add32 k clears upper half", BPF_ADD, 0x100000001ULL, 1, 2),
	TA32K("add32 k -1 zero-extends", BPF_ADD, 0, -1, 0xffffffffULL),
	TA64X("add64 x to INT64_MIN", BPF_ADD, 0x7fffffffffffffffULL, 1,
	      0x8000000000000000ULL),
	TA32X("add32 x INT32_MIN + INT32_MIN", BPF_ADD, 0x80000000ULL,
	      0x80000000ULL, 0),
	TA32X("add32 x ignores upper src", BPF_ADD, 1, 0xffffffff00000002ULL, 3),
	/* sub */
	TA64K("sub64 k 0 - 1", BPF_SUB, 0, 1, 0xffffffffffffffffULL),
	TA32K("sub32 k 0 - 1", BPF_SUB, 0, 1, 0xffffffffULL),
	TA64K("sub64 k - -1", BPF_SUB, 5, -1, 6),
	TA64X("sub64 x INT64_MIN - 1", BPF_SUB, 0x8000000000000000ULL, 1,
	      0x7fffffffffffffffULL),
	TA32X("sub32 x 5 - 7", BPF_SUB, 5, 7, 0xfffffffeULL),
	/* mul */
	TA64K("mul64 k 3 * -2", BPF_MUL, 3, -2, 0xfffffffffffffffaULL),
	TA32K("mul32 k overflow", BPF_MUL, 0x10000, 0x10000, 0),
	TA32K("mul32 k -1", BPF_MUL, 2, -1, 0xfffffffeULL),
	TA64X("mul64 x 2^32 * 2^32", BPF_MUL, 0x100000000ULL, 0x100000000ULL, 0),
	TA64X("mul64 x INT64_MIN * -1", BPF_MUL, 0x8000000000000000ULL,
	      0xffffffffffffffffULL, 0x8000000000000000ULL),
	TA32X("mul32 x 0x80000000 * 0xffffffff", BPF_MUL, 0x80000000ULL,
	      0xffffffffULL, 0x80000000ULL),
	TA32X("mul32 x upper bits ignored", BPF_MUL, 0xffffffff00000003ULL, 5, 15),
	/* div (unsigned) */
	TA64K("div64 k 10 / 3", BPF_DIV, 10, 3, 3),
	TA64K("div64 k -1 is 2^64-1", BPF_DIV, 0xffffffffffffffffULL, -1, 1),
	TA64K("div64 k 12 / (u64)-1", BPF_DIV, 12, -1, 0),
	TA32K("div32 k 0xffffffff / 0xffffffff", BPF_DIV, 0xffffffffULL, -1, 1),
	TA32K("div32 k upper bits ignored", BPF_DIV, 0x100000010ULL, 4, 4),
	TA64X("div64 x by 0", BPF_DIV, 5, 0, 0),
	TA64X("div64 x max / 2", BPF_DIV, 0xffffffffffffffffULL, 2,
	      0x7fffffffffffffffULL),
	TA32X("div32 x by 0 (low half 0)", BPF_DIV, 7, 0x100000000ULL, 0),
	TA32X("div32 x low half of divisor", BPF_DIV, 10, 0x100000002ULL, 5),
	/* mod (unsigned) */
	TA64K("mod64 k 10 % 3", BPF_MOD, 10, 3, 1),
	TA64K("mod64 k 5 % (u64)-1", BPF_MOD, 5, -1, 5),
	TA32K("mod32 k 0xffffffff % 10", BPF_MOD, 0xffffffffULL, 10, 5),
	TA64X("mod64 x by 0 unchanged", BPF_MOD, 0xffffffffffffffffULL, 0,
	      0xffffffffffffffffULL),
	TA32X("mod32 x by 0 zero-extends", BPF_MOD, 0xffffffff00000007ULL, 0, 7),
	TA32X("mod32 x 100 % 7", BPF_MOD, 100, 7, 2),
	/* sdiv */
	TS64K("sdiv64 k -10 / 3", BPF_DIV, -10LL, 3, (u64)-3LL),
	TS64K("sdiv64 k 10 / -3", BPF_DIV, 10, -3, (u64)-3LL),
	TS64K("sdiv64 k INT64_MIN / -1", BPF_DIV, 0x8000000000000000ULL, -1,
	      0x8000000000000000ULL),
	TS64X("sdiv64 x -10 / -3", BPF_DIV, -10LL, -3LL, 3),
	TS64X("sdiv64 x INT64_MIN / -1", BPF_DIV, 0x8000000000000000ULL,
	      0xffffffffffffffffULL, 0x8000000000000000ULL),
	TS64X("sdiv64 x by 0", BPF_DIV, 12345, 0, 0),
	TS32K("sdiv32 k -10 / 3", BPF_DIV, 0xfffffff6ULL, 3, 0xfffffffdULL),
	TS32K("sdiv32 k INT32_MIN / -1", BPF_DIV, 0x80000000ULL, -1,
	      0x80000000ULL),
	TS32X("sdiv32 x INT32_MIN / -1", BPF_DIV, 0x80000000ULL, 0xffffffffULL,
	      0x80000000ULL),
	TS32X("sdiv32 x by 0", BPF_DIV, 7, 0xffffffff00000000ULL, 0),
	TS32X("sdiv32 x upper bits ignored", BPF_DIV, 0x1fffffff6ULL, 2,
	      0xfffffffbULL),
	TS32X("sdiv32 x -7 / -2", BPF_DIV, 0xfffffff9ULL, 0xfffffffeULL, 3),
	/* smod */
	TS64K("smod64 k -10 % 3", BPF_MOD, -10LL, 3, (u64)-1LL),
	TS64K("smod64 k 10 % -3", BPF_MOD, 10, -3, 1),
	TS64K("smod64 k INT64_MIN % -1", BPF_MOD, 0x8000000000000000ULL, -1, 0),
	TS64X("smod64 x -10 % -3", BPF_MOD, -10LL, -3LL, (u64)-1LL),
	TS64X("smod64 x INT64_MIN % -1", BPF_MOD, 0x8000000000000000ULL,
	      0xffffffffffffffffULL, 0),
	TS64X("smod64 x by 0 unchanged", BPF_MOD, -7LL, 0, (u64)-7LL),
	TS32K("smod32 k -10 % 3", BPF_MOD, 0xfffffff6ULL, 3, 0xffffffffULL),
	TS32K("smod32 k INT32_MIN % -1", BPF_MOD, 0x80000000ULL, -1, 0),
	TS32X("smod32 x INT32_MIN % -1", BPF_MOD, 0x80000000ULL, 0xffffffffULL,
	      0),
	TS32X("smod32 x by 0 zero-extends", BPF_MOD, 0xaaaaaaaafffffff9ULL, 0,
	      0xfffffff9ULL),
	TS32X("smod32 x 7 % -3", BPF_MOD, 7, 0xfffffffdULL, 1),
	/* or, and, xor */
	TA64K("or64 k", BPF_OR, 0xf0, 0x0f, 0xff),
	TA64K("or64 k -1 sign-extends", BPF_OR, 0, -1, 0xffffffffffffffffULL),
	TA32K("or32 k -1", BPF_OR, 0, -1, 0xffffffffULL),
	TA64X("or64 x", BPF_OR, 0xff00000000000000ULL, 1, 0xff00000000000001ULL),
	TA32X("or32 x clears upper half", BPF_OR, 0xff00000000000000ULL, 1, 1),
	TA64K("and64 k 0x7fffffff", BPF_AND, 0xffffffffffffffffULL, 0x7fffffff,
	      0x7fffffffULL),
	TA64K("and64 k -16 sign-extends", BPF_AND, 0x1234567887654321ULL, -16,
	      0x1234567887654320ULL),
	TA32K("and32 k", BPF_AND, 0xffffffffffffffffULL, 0xff00, 0xff00),
	TA32X("and32 x", BPF_AND, 0xffffffffffffffffULL, 0xffff, 0xffff),
	TA64X("and64 x", BPF_AND, 0xf0f0f0f0f0f0f0f0ULL, 0xff00ff00ff00ff00ULL,
	      0xf000f000f000f000ULL),
	TA64X("xor64 x", BPF_XOR, 0xaaaaaaaaaaaaaaaaULL, 0x5555555555555555ULL,
	      0xffffffffffffffffULL),
	TA32K("xor32 k clears upper half", BPF_XOR, 0xffffffff00000000ULL, 1, 1),
	TA64K("xor64 k -1 sign-extends", BPF_XOR, 0x0fULL, -1,
	      0xfffffffffffffff0ULL),
	TA32X("xor32 x", BPF_XOR, 0x12345678ULL, 0xffffffffULL, 0xedcba987ULL),
	/* shifts */
	TA64K("lsh64 k 0", BPF_LSH, 1, 0, 1),
	TA64K("lsh64 k 32", BPF_LSH, 1, 32, 0x100000000ULL),
	TA64K("lsh64 k 63", BPF_LSH, 1, 63, 0x8000000000000000ULL),
	TA32K("lsh32 k 31", BPF_LSH, 1, 31, 0x80000000ULL),
	TA32K("lsh32 k drops bit 31", BPF_LSH, 0x80000001ULL, 1, 2),
	TA64X("lsh64 x 64 is masked to 0", BPF_LSH, 3, 64, 3),
	TA64X("lsh64 x 65 is masked to 1", BPF_LSH, 3, 65, 6),
	TA32X("lsh32 x 32 is masked to 0", BPF_LSH, 0x100000003ULL, 32, 3),
	TA32X("lsh32 x 33 is masked to 1", BPF_LSH, 3, 33, 6),
	TA64K("rsh64 k 63", BPF_RSH, 0x8000000000000000ULL, 63, 1),
	TA64K("rsh64 k 32", BPF_RSH, 0xffffffff00000000ULL, 32, 0xffffffffULL),
	TA32K("rsh32 k 31", BPF_RSH, 0xffffffffULL, 31, 1),
	TA32X("rsh32 x ignores upper half", BPF_RSH, 0xffffffff80000000ULL, 4,
	      0x08000000ULL),
	TA64X("rsh64 x 0", BPF_RSH, 0xffffffffffffffffULL, 0,
	      0xffffffffffffffffULL),
	TA64X("rsh64 x 127 is masked to 63", BPF_RSH, 0x8000000000000000ULL, 127,
	      1),
	TA64K("arsh64 k 63", BPF_ARSH, 0x8000000000000000ULL, 63,
	      0xffffffffffffffffULL),
	TA64K("arsh64 k 4", BPF_ARSH, 0x8000000000000000ULL, 4,
	      0xf800000000000000ULL),
	TA32K("arsh32 k 31 zero-extends", BPF_ARSH, 0x80000000ULL, 31,
	      0xffffffffULL),
	TA32K("arsh32 k 4", BPF_ARSH, 0x80000000ULL, 4, 0xf8000000ULL),
	TA32X("arsh32 x positive", BPF_ARSH, 0x17fffffffULL, 1, 0x3fffffffULL),
	TA64X("arsh64 x -2 >> 1", BPF_ARSH, 0xfffffffffffffffeULL, 1,
	      0xffffffffffffffffULL),
	TA32X("arsh32 x 32 is masked to 0", BPF_ARSH, 0x80000000ULL, 32,
	      0x80000000ULL),
	/* neg */
	TA1("neg64", 5, ABPF_NEG64(BPF_REG_0), 0xfffffffffffffffbULL),
	TA1("neg64 INT64_MIN", 0x8000000000000000ULL, ABPF_NEG64(BPF_REG_0),
	    0x8000000000000000ULL),
	TA1("neg32", 1, ABPF_NEG32(BPF_REG_0), 0xffffffffULL),
	TA1("neg32 INT32_MIN", 0x80000000ULL, ABPF_NEG32(BPF_REG_0),
	    0x80000000ULL),
	TA1("neg32 clears upper half", 0x100000000ULL, ABPF_NEG32(BPF_REG_0), 0),
	/* mov, movsx */
	TA1("mov64 k -1 sign-extends", 0, ABPF_MOV64_IMM(BPF_REG_0, -1),
	    0xffffffffffffffffULL),
	TA1("mov32 k -1 zero-extends", 0x1234, ABPF_MOV32_IMM(BPF_REG_0, -1),
	    0xffffffffULL),
	TMOV("mov32 x", 0x123456789abcdef0ULL,
	     ABPF_MOV32_REG(BPF_REG_0, BPF_REG_1), 0x9abcdef0ULL),
	TMOV("mov64 x", 0x123456789abcdef0ULL,
	     ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1), 0x123456789abcdef0ULL),
	TMOV("movsx64 8 negative", 0x80, ABPF_MOVSX64_REG(BPF_REG_0, BPF_REG_1, 8),
	     0xffffffffffffff80ULL),
	TMOV("movsx64 8 positive", 0xff7f,
	     ABPF_MOVSX64_REG(BPF_REG_0, BPF_REG_1, 8), 0x7f),
	TMOV("movsx64 16", 0x8000, ABPF_MOVSX64_REG(BPF_REG_0, BPF_REG_1, 16),
	     0xffffffffffff8000ULL),
	TMOV("movsx64 32 negative", 0x80000000ULL,
	     ABPF_MOVSX64_REG(BPF_REG_0, BPF_REG_1, 32), 0xffffffff80000000ULL),
	TMOV("movsx64 32 positive", 0x123456787fffffffULL,
	     ABPF_MOVSX64_REG(BPF_REG_0, BPF_REG_1, 32), 0x7fffffffULL),
	TMOV("movsx32 8 zero-extends", 0x80,
	     ABPF_MOVSX32_REG(BPF_REG_0, BPF_REG_1, 8), 0xffffff80ULL),
	TMOV("movsx32 16 negative", 0xffffffffffff8000ULL,
	     ABPF_MOVSX32_REG(BPF_REG_0, BPF_REG_1, 16), 0xffff8000ULL),
	TMOV("movsx32 16 positive", 0x17fffULL,
	     ABPF_MOVSX32_REG(BPF_REG_0, BPF_REG_1, 16), 0x7fff),
	/* byte order */
	TA1("le16", 0x1122334455667788ULL, ABPF_ENDIAN(BPF_TO_LE, BPF_REG_0, 16),
	    0x7788),
	TA1("le32", 0x1122334455667788ULL, ABPF_ENDIAN(BPF_TO_LE, BPF_REG_0, 32),
	    0x55667788ULL),
	TA1("le64", 0x1122334455667788ULL, ABPF_ENDIAN(BPF_TO_LE, BPF_REG_0, 64),
	    0x1122334455667788ULL),
	TA1("be16", 0x1122334455667788ULL, ABPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 16),
	    0x8877),
	TA1("be32", 0x1122334455667788ULL, ABPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 32),
	    0x88776655ULL),
	TA1("be64", 0x1122334455667788ULL, ABPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 64),
	    0x8877665544332211ULL),
	TA1("bswap16", 0x1122334455667788ULL, ABPF_BSWAP(BPF_REG_0, 16), 0x8877),
	TA1("bswap32", 0x1122334455667788ULL, ABPF_BSWAP(BPF_REG_0, 32),
	    0x88776655ULL),
	TA1("bswap64", 0x1122334455667788ULL, ABPF_BSWAP(BPF_REG_0, 64),
	    0x8877665544332211ULL),
};

#undef TA64K
#undef TA32K
#undef TA64X
#undef TA32X
#undef TS64K
#undef TS32K
#undef TS64X
#undef TS32X
#undef TA1
#undef TMOV

#endif /* ALTBPF_TABLES_INTERP_ALU_H */
