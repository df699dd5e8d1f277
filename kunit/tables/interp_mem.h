/* SPDX-License-Identifier: GPL-2.0 */
/*
 * interp_mem.h - loads, stores, lddw and the legacy packet loads.
 * Memory is little-endian; LDX zero-extends, LDX MEMSX sign-extends,
 * ST stores imm (DW: sign-extended), LD_ABS/LD_IND read the data in
 * network byte order into r0 and end the program with r0 = 0 when out of
 * bounds (the kernel's semantics).
 */
#ifndef ALTBPF_TABLES_INTERP_MEM_H
#define ALTBPF_TABLES_INTERP_MEM_H

#include "table.h"

#define TM_MEM								\
	.mem = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,	\
		 0x80, 0xff, 0x7f, 0x00, 0xfe, 0xff, 0xff, 0xff },	\
	.mem_len = 16

/* Store the pattern 0x1122334455667788 at fp-8, then INSN, return r0. */
#define TM_STACK(NAME, INSN, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_1, 0x1122334455667788ULL),	\
		ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),	\
		ABPF_MOV64_IMM(BPF_REG_0, -1),				\
		INSN,							\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
/* fp-8 = 0; a store; return the doubleword at fp-8. */
#define TM_STORE(NAME, INSN, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),			\
		ABPF_LD_IMM64(BPF_REG_1, 0x1122334455667788ULL),	\
		INSN,							\
		ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),	\
		ABPF_EXIT(),						\
	},								\
	.result = RES,							\
}
/* r1 = the 16-byte TM_MEM data; INSN; return r0. */
#define TM_DATA(NAME, INSN, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_MOV64_IMM(BPF_REG_0, -1),				\
		INSN,							\
		ABPF_EXIT(),						\
	},								\
	TM_MEM,								\
	.result = RES,							\
}
/* Packet loads (r6 = IND, the index register), then r0 += 0 and exit. */
#define TM_PKT(NAME, IND, INSN, RES) {					\
	.name = NAME,							\
	.insns = {							\
		ABPF_LD_IMM64(BPF_REG_6, IND),				\
		ABPF_MOV64_IMM(BPF_REG_0, 99),				\
		INSN,							\
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 0),			\
		ABPF_EXIT(),						\
	},								\
	TM_MEM,								\
	.result = RES,							\
}

static const struct abpf_run_test abpf_interp_mem_tests[] = {
	/* stack loads: fp-8 .. fp-1 hold 88 77 66 55 44 33 22 11 */
	TM_STACK("ldxdw stack", ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		 0x1122334455667788ULL),
	TM_STACK("ldxw stack low word",
		 ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, -8), 0x55667788ULL),
	TM_STACK("ldxw stack high word",
		 ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, -4), 0x11223344ULL),
	TM_STACK("ldxh stack", ABPF_LDX_MEM(BPF_H, BPF_REG_0, BPF_REG_10, -4),
		 0x3344),
	TM_STACK("ldxb stack lowest byte",
		 ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_10, -8), 0x88),
	TM_STACK("ldxb stack highest byte",
		 ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_10, -1), 0x11),
	TM_STACK("ldxsb stack negative",
		 ABPF_LDX_MEMSX(BPF_B, BPF_REG_0, BPF_REG_10, -8),
		 0xffffffffffffff88ULL),
	TM_STACK("ldxsh stack positive",
		 ABPF_LDX_MEMSX(BPF_H, BPF_REG_0, BPF_REG_10, -8), 0x7788),
	TM_STACK("ldxsw stack positive",
		 ABPF_LDX_MEMSX(BPF_W, BPF_REG_0, BPF_REG_10, -8), 0x55667788ULL),
	/* stores */
	TM_STORE("stb", ABPF_ST_MEM(BPF_B, BPF_REG_10, -8, 0xff), 0xff),
	TM_STORE("stb truncates imm", ABPF_ST_MEM(BPF_B, BPF_REG_10, -7, 0x1234),
		 0x3400),
	TM_STORE("sth -3", ABPF_ST_MEM(BPF_H, BPF_REG_10, -8, -3), 0xfffd),
	TM_STORE("stw -1", ABPF_ST_MEM(BPF_W, BPF_REG_10, -4, -1),
		 0xffffffff00000000ULL),
	TM_STORE("stdw -1 sign-extends", ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, -1),
		 0xffffffffffffffffULL),
	TM_STORE("stdw INT32_MAX",
		 ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0x7fffffff), 0x7fffffffULL),
	TM_STORE("stxb", ABPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, -8), 0x88),
	TM_STORE("stxh", ABPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, -8), 0x7788),
	TM_STORE("stxh at fp-2",
		 ABPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, -2),
		 0x7788000000000000ULL),
	TM_STORE("stxw", ABPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -8),
		 0x55667788ULL),
	TM_STORE("stxdw", ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
		 0x1122334455667788ULL),
	/* loads through r1 (the data: checked accesses) */
	TM_DATA("ldxb data", ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 0), 0x01),
	TM_DATA("ldxh data", ABPF_LDX_MEM(BPF_H, BPF_REG_0, BPF_REG_1, 0),
		0x0201),
	TM_DATA("ldxw data", ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
		0x04030201ULL),
	TM_DATA("ldxdw data", ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		0x0807060504030201ULL),
	TM_DATA("ldxw data unaligned",
		ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 1), 0x05040302ULL),
	TM_DATA("ldxdw data last 8 bytes",
		ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8),
		0xfffffffe007fff80ULL),
	TM_DATA("ldxb data 0x80 zero-extends",
		ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 8), 0x80),
	TM_DATA("ldxsb data 0x80", ABPF_LDX_MEMSX(BPF_B, BPF_REG_0, BPF_REG_1, 8),
		0xffffffffffffff80ULL),
	TM_DATA("ldxsb data 0x7f", ABPF_LDX_MEMSX(BPF_B, BPF_REG_0, BPF_REG_1, 10),
		0x7f),
	TM_DATA("ldxsh data 0xff80",
		ABPF_LDX_MEMSX(BPF_H, BPF_REG_0, BPF_REG_1, 8),
		0xffffffffffffff80ULL),
	TM_DATA("ldxsh data 0x007f",
		ABPF_LDX_MEMSX(BPF_H, BPF_REG_0, BPF_REG_1, 10), 0x7f),
	TM_DATA("ldxsw data 0xfffffffe",
		ABPF_LDX_MEMSX(BPF_W, BPF_REG_0, BPF_REG_1, 12),
		0xfffffffffffffffeULL),
	TM_DATA("r2 is the data length",
		ABPF_MOV64_REG(BPF_REG_0, BPF_REG_2), 16),
	{
		.name = "stw data then ldxw",
		.insns = {
			ABPF_ST_MEM(BPF_W, BPF_REG_1, 4, (s32)0xdeadbeef),
			ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 4),
			ABPF_EXIT(),
		},
		TM_MEM,
		.result = 0xdeadbeefULL,
	},
	{
		.name = "stxb data last byte via r1 + r2 - 1",
		.insns = {
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_2),
			ABPF_MOV64_IMM(BPF_REG_4, 0x5a),
			ABPF_STX_MEM(BPF_B, BPF_REG_3, BPF_REG_4, -1),
			ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 12),
			ABPF_EXIT(),
		},
		TM_MEM,
		.result = 0x5afffffeULL,
	},
	/* lddw */
	{
		.name = "lddw",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_0, 0x123456789abcdef0ULL),
			ABPF_EXIT(),
		},
		.result = 0x123456789abcdef0ULL,
	},
	{
		.name = "lddw low half 0x80000000 is not sign-extended",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_0, 0x80000000ULL),
			ABPF_EXIT(),
		},
		.result = 0x80000000ULL,
	},
	{
		.name = "lddw high half only",
		.insns = {
			ABPF_LD_IMM64(BPF_REG_0, 0xffffffff00000000ULL),
			ABPF_EXIT(),
		},
		.result = 0xffffffff00000000ULL,
	},
	/* LD_ABS / LD_IND: data 01 02 03 04 05 06 07 08 80 ff 7f 00 fe ff ff ff */
	TM_PKT("ldabsb", 0, ABPF_LD_ABS(BPF_B, 0), 0x01),
	TM_PKT("ldabsh network order", 0, ABPF_LD_ABS(BPF_H, 0), 0x0102),
	TM_PKT("ldabsw network order", 0, ABPF_LD_ABS(BPF_W, 0), 0x01020304ULL),
	TM_PKT("ldabsw offset 1", 0, ABPF_LD_ABS(BPF_W, 1), 0x02030405ULL),
	TM_PKT("ldabsw last 4 bytes", 0, ABPF_LD_ABS(BPF_W, 12), 0xfeffffffULL),
	TM_PKT("ldabsb 0x80 zero-extends", 0, ABPF_LD_ABS(BPF_B, 8), 0x80),
	TM_PKT("ldabsw out of bounds ends with 0", 0, ABPF_LD_ABS(BPF_W, 13), 0),
	TM_PKT("ldabsb at len ends with 0", 0, ABPF_LD_ABS(BPF_B, 16), 0),
	TM_PKT("ldabsh negative offset ends with 0", 0, ABPF_LD_ABS(BPF_H, -1),
	       0),
	TM_PKT("ldindw", 2, ABPF_LD_IND(BPF_W, BPF_REG_6, 1), 0x04050607ULL),
	TM_PKT("ldindh", 8, ABPF_LD_IND(BPF_H, BPF_REG_6, 0), 0x80ff),
	TM_PKT("ldindb", 15, ABPF_LD_IND(BPF_B, BPF_REG_6, 0), 0xff),
	TM_PKT("ldindb index + imm past end ends with 0", 15,
	       ABPF_LD_IND(BPF_B, BPF_REG_6, 1), 0),
	TM_PKT("ldindb negative index ends with 0", 0xffffffffffffffffULL,
	       ABPF_LD_IND(BPF_B, BPF_REG_6, 0), 0),
	TM_PKT("ldindh index uses the low 32 bits", 0x100000001ULL,
	       ABPF_LD_IND(BPF_H, BPF_REG_6, 0), 0x0203),
	TM_PKT("ldindw index - imm", 5, ABPF_LD_IND(BPF_W, BPF_REG_6, -5),
	       0x01020304ULL),
};

#undef TM_MEM
#undef TM_STACK
#undef TM_STORE
#undef TM_DATA
#undef TM_PKT

#endif /* ALTBPF_TABLES_INTERP_MEM_H */
