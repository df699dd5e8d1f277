/* SPDX-License-Identifier: GPL-2.0 */
/*
 * interp_atomic.h - BPF_ATOMIC W and DW: add/or/and/xor with and without
 * BPF_FETCH, xchg and cmpxchg (RFC 9669 section 5.3).  W operations touch
 * only the addressed 32-bit word; fetch/xchg return the old value in src
 * (W: zero-extended); cmpxchg compares with r0 (W: its low 32 bits) and
 * always loads the old value into r0.
 */
#ifndef ALTBPF_TABLES_INTERP_ATOMIC_H
#define ALTBPF_TABLES_INTERP_ATOMIC_H

#include "table.h"

/* What the test returns after the atomic operation. */
#define TAT_SRC		ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1)
#define TAT_MEM		ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8)
#define TAT_R0		ABPF_MOV64_REG(BPF_REG_0, BPF_REG_0)

/* fp-8 = INIT; r1 = SRC; r0 = R0; atomic OP at fp-8; RET. */
#define TAT(NAME, SIZE, OP, INIT, SRC, R0, RET, RES) {			\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_1, INIT),				\
		ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),	\
		ABPF_LD_IMM64(BPF_REG_1, SRC),				\
		ABPF_LD_IMM64(BPF_REG_0, R0),				\
		ABPF_ATOMIC_OP(SIZE, OP, BPF_REG_10, BPF_REG_1, -8),	\
		RET,							\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}

static const struct abpf_run_test abpf_interp_atomic_tests[] = {
	/* add */
	TAT("add64", BPF_DW, BPF_ADD, 10, 5, 0, TAT_MEM, 15),
	TAT("add64 leaves src", BPF_DW, BPF_ADD, 10, 5, 0, TAT_SRC, 5),
	TAT("fetch add64 returns old", BPF_DW, BPF_ADD | BPF_FETCH, 10, 5, 0,
	    TAT_SRC, 10),
	TAT("fetch add64 stores sum", BPF_DW, BPF_ADD | BPF_FETCH, 10, 5, 0,
	    TAT_MEM, 15),
	TAT("add32 does not carry into the next word", BPF_W, BPF_ADD,
	    0x00000011ffffffffULL, 1, 0, TAT_MEM, 0x0000001100000000ULL),
	TAT("fetch add32 old is zero-extended", BPF_W, BPF_ADD | BPF_FETCH,
	    0xaaaaaaaa80000000ULL, 0xffffffff00000001ULL, 0, TAT_SRC,
	    0x80000000ULL),
	TAT("fetch add32 uses the low half of src", BPF_W, BPF_ADD | BPF_FETCH,
	    0xaaaaaaaa80000000ULL, 0xffffffff00000001ULL, 0, TAT_MEM,
	    0xaaaaaaaa80000001ULL),
	/* or */
	TAT("or64", BPF_DW, BPF_OR, 0xf0, 0x0f, 0, TAT_MEM, 0xff),
	TAT("fetch or64 returns old", BPF_DW, BPF_OR | BPF_FETCH, 0xf0, 0x0f, 0,
	    TAT_SRC, 0xf0),
	TAT("or32", BPF_W, BPF_OR, 0xffffffff00000000ULL, 0xffffffff00001234ULL,
	    0, TAT_MEM, 0xffffffff00001234ULL),
	TAT("fetch or32 returns old", BPF_W, BPF_OR | BPF_FETCH,
	    0xffffffff00000000ULL, 0x1234, 0, TAT_SRC, 0),
	/* and */
	TAT("and64", BPF_DW, BPF_AND, 0xff00ff00ff00ff00ULL,
	    0x0ff00ff00ff00ff0ULL, 0, TAT_MEM, 0x0f000f000f000f00ULL),
	TAT("fetch and64 returns old", BPF_DW, BPF_AND | BPF_FETCH,
	    0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0ULL, 0, TAT_SRC,
	    0xff00ff00ff00ff00ULL),
	TAT("and32", BPF_W, BPF_AND, 0x12345678ffffffffULL, 0xff00, 0, TAT_MEM,
	    0x123456780000ff00ULL),
	TAT("fetch and32 returns old", BPF_W, BPF_AND | BPF_FETCH,
	    0x12345678ffffffffULL, 0xff00, 0, TAT_SRC, 0xffffffffULL),
	/* xor */
	TAT("xor64", BPF_DW, BPF_XOR, 0xaaaaaaaaaaaaaaaaULL,
	    0xffffffffffffffffULL, 0, TAT_MEM, 0x5555555555555555ULL),
	TAT("fetch xor64 returns old", BPF_DW, BPF_XOR | BPF_FETCH,
	    0xaaaaaaaaaaaaaaaaULL, 0xffffffffffffffffULL, 0, TAT_SRC,
	    0xaaaaaaaaaaaaaaaaULL),
	TAT("xor32", BPF_W, BPF_XOR, 0x0000000100000001ULL, 3, 0, TAT_MEM,
	    0x0000000100000002ULL),
	TAT("fetch xor32 returns old", BPF_W, BPF_XOR | BPF_FETCH,
	    0x0000000100000001ULL, 3, 0, TAT_SRC, 1),
	/* xchg */
	TAT("xchg64 returns old", BPF_DW, BPF_XCHG, 0x1122334455667788ULL, 0xaa,
	    0, TAT_SRC, 0x1122334455667788ULL),
	TAT("xchg64 stores src", BPF_DW, BPF_XCHG, 0x1122334455667788ULL, 0xaa,
	    0, TAT_MEM, 0xaa),
	TAT("xchg32 old is zero-extended", BPF_W, BPF_XCHG,
	    0x1234567880000000ULL, 0xffffffffffffffffULL, 0, TAT_SRC,
	    0x80000000ULL),
	TAT("xchg32 stores the low half", BPF_W, BPF_XCHG,
	    0x1234567880000000ULL, 0xffffffffffffffffULL, 0, TAT_MEM,
	    0x12345678ffffffffULL),
	/* cmpxchg */
	TAT("cmpxchg64 success stores", BPF_DW, BPF_CMPXCHG,
	    0x1122334455667788ULL, 0x99, 0x1122334455667788ULL, TAT_MEM, 0x99),
	TAT("cmpxchg64 success r0 = old", BPF_DW, BPF_CMPXCHG,
	    0x1122334455667788ULL, 0x99, 0x1122334455667788ULL, TAT_R0,
	    0x1122334455667788ULL),
	TAT("cmpxchg64 failure keeps memory", BPF_DW, BPF_CMPXCHG,
	    0x1122334455667788ULL, 0x99, 1, TAT_MEM, 0x1122334455667788ULL),
	TAT("cmpxchg64 failure r0 = old", BPF_DW, BPF_CMPXCHG,
	    0x1122334455667788ULL, 0x99, 1, TAT_R0, 0x1122334455667788ULL),
	TAT("cmpxchg64 leaves src", BPF_DW, BPF_CMPXCHG, 5, 0x99, 5, TAT_SRC,
	    0x99),
	TAT("cmpxchg32 compares the low half of r0", BPF_W, BPF_CMPXCHG,
	    0xaaaaaaaa00000005ULL, 0x77, 0xffffffff00000005ULL, TAT_MEM,
	    0xaaaaaaaa00000077ULL),
	TAT("cmpxchg32 r0 = old, zero-extended", BPF_W, BPF_CMPXCHG,
	    0xaaaaaaaa00000005ULL, 0x77, 0xffffffff00000005ULL, TAT_R0, 5),
	TAT("cmpxchg32 failure keeps memory", BPF_W, BPF_CMPXCHG,
	    0xaaaaaaaa00000005ULL, 0x77, 6, TAT_MEM, 0xaaaaaaaa00000005ULL),
	TAT("cmpxchg32 failure r0 = old", BPF_W, BPF_CMPXCHG,
	    0xaaaaaaaa80000005ULL, 0x77, 6, TAT_R0, 0x80000005ULL),
	/* through a data pointer (checked at run time) */
	{
		.name = "fetch add64 on data",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_3, 1),
			ABPF_ATOMIC_OP(BPF_DW, BPF_ADD | BPF_FETCH, BPF_REG_1,
				       BPF_REG_3, 8),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8),
			ABPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
		},
		.mem = { 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff },
		.mem_len = 16,
		/* new 0x100000000 - old 0xffffffff */
		.result = 1,
	},
	{
		.name = "xchg32 on data",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_3, 0x41),
			ABPF_ATOMIC_OP(BPF_W, BPF_XCHG, BPF_REG_1, BPF_REG_3, 4),
			ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 4),
			ABPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 32),
			ABPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_3),
			ABPF_EXIT(),
		},
		.mem = { 0, 0, 0, 0, 1, 2, 3, 4 },
		.mem_len = 8,
		.result = 0x0000004104030201ULL,
	},
	{
		/* misaligned atomics would be split locks: checked ones abort */
		.name = "misaligned add32 on data aborts",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_MOV64_IMM(BPF_REG_3, 1),
			ABPF_ATOMIC_OP(BPF_W, BPF_ADD, BPF_REG_1, BPF_REG_3, 2),
			ABPF_EXIT(),
		},
		.mem_len = 8,
		.result = 0,
		.run_error = -ERANGE,
	},
	{
		.name = "add64 past the data aborts",
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_MOV64_IMM(BPF_REG_3, 1),
			ABPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_1, BPF_REG_3, 8),
			ABPF_EXIT(),
		},
		.mem_len = 8,
		.result = 0,
		.run_error = -ERANGE,
	},
};

#undef TAT
#undef TAT_SRC
#undef TAT_MEM
#undef TAT_R0

#endif /* ALTBPF_TABLES_INTERP_ATOMIC_H */
