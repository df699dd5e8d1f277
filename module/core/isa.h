/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isa.h - the eBPF instruction set (RFC 9669, cpu v1-v4) as one table.
 *
 * ABPF_INSN_MAP is the single list of valid opcode bytes.  It feeds the
 * validity table (isa.c), the interpreter's jump table (interp.c) and the
 * disassembler (disasm.c), so the three can never disagree about what an
 * opcode is.  Each entry is X(label, opcode, form, mnemonic):
 *   label    - a C identifier, used for handler labels and enum names;
 *   opcode   - the 8-bit opcode;
 *   form     - which other fields the instruction uses (enum abpf_form):
 *              every field a form does not use must be zero;
 *   mnemonic - the bpf_conformance assembly mnemonic (the disassembler's
 *              output syntax, which the assembler reads back).
 * Variants selected by fields other than the opcode (sdiv/smod by off=1,
 * movsx by off=8/16/32, the atomic operation in imm, lddw pseudo sources)
 * are one entry each here; the form says which values are allowed.
 */
#ifndef ALTBPF_CORE_ISA_H
#define ALTBPF_CORE_ISA_H

#include "host.h"

/* cpu v4 encodings that 6.1's uapi header predates. */
#ifndef BPF_MEMSX
#define BPF_MEMSX	0x80
#endif

#define ABPF_MAX_INSNS		(1 << 20)	/* like BPF_COMPLEXITY_LIMIT_INSNS */
#define ABPF_MAX_STACK		512		/* combined over the call chain */
#define ABPF_MAX_CALL_FRAMES	8
#define ABPF_NR_REGS		11		/* r0..r10 */
#define ABPF_REG_FP		10

enum abpf_form {
	ABPF_FORM_ALU_K,	/* dst op= imm; src=0; off=0 (div/mod: 0|1) */
	ABPF_FORM_ALU_X,	/* dst op= src; imm=0; off=0 (div/mod: 0|1,
				 * mov: 0|8|16 (alu32) 0|8|16|32 (alu64)) */
	ABPF_FORM_NEG,		/* dst = -dst; src=0, off=0, imm=0 */
	ABPF_FORM_END,		/* byte swap; src=0, off=0, imm=16|32|64 */
	ABPF_FORM_JA,		/* goto +off; dst=src=imm=0 */
	ABPF_FORM_JA32,		/* goto +imm; dst=src=off=0 */
	ABPF_FORM_JCOND_K,	/* if dst op imm goto +off; src=0 */
	ABPF_FORM_JCOND_X,	/* if dst op src goto +off; imm=0 */
	ABPF_FORM_CALL,		/* dst=0, off=0; src 0: helper imm,
				 * src 1 (BPF_PSEUDO_CALL): local call +imm */
	ABPF_FORM_CALLX,	/* call helper whose id is in dst; src=off=imm=0 */
	ABPF_FORM_EXIT,		/* dst=src=off=imm=0 */
	ABPF_FORM_LDDW,		/* dst = imm64 (two slots); off=0; src pseudo */
	ABPF_FORM_LD_ABS,	/* r0 = ntoh(pkt[imm]); dst=src=off=0 */
	ABPF_FORM_LD_IND,	/* r0 = ntoh(pkt[src + imm]); dst=off=0 */
	ABPF_FORM_LDX,		/* dst = *(src + off); imm=0 */
	ABPF_FORM_ST,		/* *(dst + off) = imm; src=0 */
	ABPF_FORM_STX,		/* *(dst + off) = src; imm=0 */
	ABPF_FORM_ATOMIC,	/* atomic op in imm on *(dst + off) with src */
	ABPF_FORM__COUNT,
};

#define ABPF_ALU_OPS(X, CLS, SFX)						\
	X(CLS##_ADD_K,  BPF_##CLS | BPF_ADD  | BPF_K, ABPF_FORM_ALU_K, "add" SFX)  \
	X(CLS##_ADD_X,  BPF_##CLS | BPF_ADD  | BPF_X, ABPF_FORM_ALU_X, "add" SFX)  \
	X(CLS##_SUB_K,  BPF_##CLS | BPF_SUB  | BPF_K, ABPF_FORM_ALU_K, "sub" SFX)  \
	X(CLS##_SUB_X,  BPF_##CLS | BPF_SUB  | BPF_X, ABPF_FORM_ALU_X, "sub" SFX)  \
	X(CLS##_MUL_K,  BPF_##CLS | BPF_MUL  | BPF_K, ABPF_FORM_ALU_K, "mul" SFX)  \
	X(CLS##_MUL_X,  BPF_##CLS | BPF_MUL  | BPF_X, ABPF_FORM_ALU_X, "mul" SFX)  \
	X(CLS##_DIV_K,  BPF_##CLS | BPF_DIV  | BPF_K, ABPF_FORM_ALU_K, "div" SFX)  \
	X(CLS##_DIV_X,  BPF_##CLS | BPF_DIV  | BPF_X, ABPF_FORM_ALU_X, "div" SFX)  \
	X(CLS##_OR_K,   BPF_##CLS | BPF_OR   | BPF_K, ABPF_FORM_ALU_K, "or" SFX)   \
	X(CLS##_OR_X,   BPF_##CLS | BPF_OR   | BPF_X, ABPF_FORM_ALU_X, "or" SFX)   \
	X(CLS##_AND_K,  BPF_##CLS | BPF_AND  | BPF_K, ABPF_FORM_ALU_K, "and" SFX)  \
	X(CLS##_AND_X,  BPF_##CLS | BPF_AND  | BPF_X, ABPF_FORM_ALU_X, "and" SFX)  \
	X(CLS##_LSH_K,  BPF_##CLS | BPF_LSH  | BPF_K, ABPF_FORM_ALU_K, "lsh" SFX)  \
	X(CLS##_LSH_X,  BPF_##CLS | BPF_LSH  | BPF_X, ABPF_FORM_ALU_X, "lsh" SFX)  \
	X(CLS##_RSH_K,  BPF_##CLS | BPF_RSH  | BPF_K, ABPF_FORM_ALU_K, "rsh" SFX)  \
	X(CLS##_RSH_X,  BPF_##CLS | BPF_RSH  | BPF_X, ABPF_FORM_ALU_X, "rsh" SFX)  \
	X(CLS##_NEG,    BPF_##CLS | BPF_NEG  | BPF_K, ABPF_FORM_NEG,   "neg" SFX)  \
	X(CLS##_MOD_K,  BPF_##CLS | BPF_MOD  | BPF_K, ABPF_FORM_ALU_K, "mod" SFX)  \
	X(CLS##_MOD_X,  BPF_##CLS | BPF_MOD  | BPF_X, ABPF_FORM_ALU_X, "mod" SFX)  \
	X(CLS##_XOR_K,  BPF_##CLS | BPF_XOR  | BPF_K, ABPF_FORM_ALU_K, "xor" SFX)  \
	X(CLS##_XOR_X,  BPF_##CLS | BPF_XOR  | BPF_X, ABPF_FORM_ALU_X, "xor" SFX)  \
	X(CLS##_MOV_K,  BPF_##CLS | BPF_MOV  | BPF_K, ABPF_FORM_ALU_K, "mov" SFX)  \
	X(CLS##_MOV_X,  BPF_##CLS | BPF_MOV  | BPF_X, ABPF_FORM_ALU_X, "mov" SFX)  \
	X(CLS##_ARSH_K, BPF_##CLS | BPF_ARSH | BPF_K, ABPF_FORM_ALU_K, "arsh" SFX) \
	X(CLS##_ARSH_X, BPF_##CLS | BPF_ARSH | BPF_X, ABPF_FORM_ALU_X, "arsh" SFX)

#define ABPF_JMP_OPS(X, CLS, SFX)						\
	X(CLS##_JEQ_K,  BPF_##CLS | BPF_JEQ  | BPF_K, ABPF_FORM_JCOND_K, "jeq" SFX)  \
	X(CLS##_JEQ_X,  BPF_##CLS | BPF_JEQ  | BPF_X, ABPF_FORM_JCOND_X, "jeq" SFX)  \
	X(CLS##_JGT_K,  BPF_##CLS | BPF_JGT  | BPF_K, ABPF_FORM_JCOND_K, "jgt" SFX)  \
	X(CLS##_JGT_X,  BPF_##CLS | BPF_JGT  | BPF_X, ABPF_FORM_JCOND_X, "jgt" SFX)  \
	X(CLS##_JGE_K,  BPF_##CLS | BPF_JGE  | BPF_K, ABPF_FORM_JCOND_K, "jge" SFX)  \
	X(CLS##_JGE_X,  BPF_##CLS | BPF_JGE  | BPF_X, ABPF_FORM_JCOND_X, "jge" SFX)  \
	X(CLS##_JSET_K, BPF_##CLS | BPF_JSET | BPF_K, ABPF_FORM_JCOND_K, "jset" SFX) \
	X(CLS##_JSET_X, BPF_##CLS | BPF_JSET | BPF_X, ABPF_FORM_JCOND_X, "jset" SFX) \
	X(CLS##_JNE_K,  BPF_##CLS | BPF_JNE  | BPF_K, ABPF_FORM_JCOND_K, "jne" SFX)  \
	X(CLS##_JNE_X,  BPF_##CLS | BPF_JNE  | BPF_X, ABPF_FORM_JCOND_X, "jne" SFX)  \
	X(CLS##_JSGT_K, BPF_##CLS | BPF_JSGT | BPF_K, ABPF_FORM_JCOND_K, "jsgt" SFX) \
	X(CLS##_JSGT_X, BPF_##CLS | BPF_JSGT | BPF_X, ABPF_FORM_JCOND_X, "jsgt" SFX) \
	X(CLS##_JSGE_K, BPF_##CLS | BPF_JSGE | BPF_K, ABPF_FORM_JCOND_K, "jsge" SFX) \
	X(CLS##_JSGE_X, BPF_##CLS | BPF_JSGE | BPF_X, ABPF_FORM_JCOND_X, "jsge" SFX) \
	X(CLS##_JLT_K,  BPF_##CLS | BPF_JLT  | BPF_K, ABPF_FORM_JCOND_K, "jlt" SFX)  \
	X(CLS##_JLT_X,  BPF_##CLS | BPF_JLT  | BPF_X, ABPF_FORM_JCOND_X, "jlt" SFX)  \
	X(CLS##_JLE_K,  BPF_##CLS | BPF_JLE  | BPF_K, ABPF_FORM_JCOND_K, "jle" SFX)  \
	X(CLS##_JLE_X,  BPF_##CLS | BPF_JLE  | BPF_X, ABPF_FORM_JCOND_X, "jle" SFX)  \
	X(CLS##_JSLT_K, BPF_##CLS | BPF_JSLT | BPF_K, ABPF_FORM_JCOND_K, "jslt" SFX) \
	X(CLS##_JSLT_X, BPF_##CLS | BPF_JSLT | BPF_X, ABPF_FORM_JCOND_X, "jslt" SFX) \
	X(CLS##_JSLE_K, BPF_##CLS | BPF_JSLE | BPF_K, ABPF_FORM_JCOND_K, "jsle" SFX) \
	X(CLS##_JSLE_X, BPF_##CLS | BPF_JSLE | BPF_X, ABPF_FORM_JCOND_X, "jsle" SFX)

#define ABPF_MEM_OPS(X, SZ, SFX)						\
	X(LDX_MEM_##SZ, BPF_LDX | BPF_MEM | BPF_##SZ, ABPF_FORM_LDX, "ldx" SFX)    \
	X(ST_MEM_##SZ,  BPF_ST  | BPF_MEM | BPF_##SZ, ABPF_FORM_ST,  "st" SFX)     \
	X(STX_MEM_##SZ, BPF_STX | BPF_MEM | BPF_##SZ, ABPF_FORM_STX, "stx" SFX)

#define ABPF_INSN_MAP(X)							\
	ABPF_ALU_OPS(X, ALU, "32")						\
	ABPF_ALU_OPS(X, ALU64, "")						\
	X(ALU_END_LE,   BPF_ALU   | BPF_END | BPF_TO_LE, ABPF_FORM_END, "le")	\
	X(ALU_END_BE,   BPF_ALU   | BPF_END | BPF_TO_BE, ABPF_FORM_END, "be")	\
	X(ALU64_BSWAP,  BPF_ALU64 | BPF_END | BPF_TO_LE, ABPF_FORM_END, "bswap") \
	X(JMP_JA,       BPF_JMP   | BPF_JA,  ABPF_FORM_JA,    "ja")		\
	X(JMP32_JA,     BPF_JMP32 | BPF_JA,  ABPF_FORM_JA32,  "ja32")		\
	ABPF_JMP_OPS(X, JMP, "")						\
	ABPF_JMP_OPS(X, JMP32, "32")						\
	X(JMP_CALL,     BPF_JMP | BPF_CALL,  ABPF_FORM_CALL,  "call")		\
	X(JMP_CALLX,    BPF_JMP | BPF_CALL | BPF_X, ABPF_FORM_CALLX, "call")	\
	X(JMP_EXIT,     BPF_JMP | BPF_EXIT,  ABPF_FORM_EXIT,  "exit")		\
	X(LD_IMM_DW,    BPF_LD | BPF_IMM | BPF_DW, ABPF_FORM_LDDW, "lddw")	\
	X(LD_ABS_W,     BPF_LD | BPF_ABS | BPF_W, ABPF_FORM_LD_ABS, "ldabsw")	\
	X(LD_ABS_H,     BPF_LD | BPF_ABS | BPF_H, ABPF_FORM_LD_ABS, "ldabsh")	\
	X(LD_ABS_B,     BPF_LD | BPF_ABS | BPF_B, ABPF_FORM_LD_ABS, "ldabsb")	\
	X(LD_IND_W,     BPF_LD | BPF_IND | BPF_W, ABPF_FORM_LD_IND, "ldindw")	\
	X(LD_IND_H,     BPF_LD | BPF_IND | BPF_H, ABPF_FORM_LD_IND, "ldindh")	\
	X(LD_IND_B,     BPF_LD | BPF_IND | BPF_B, ABPF_FORM_LD_IND, "ldindb")	\
	ABPF_MEM_OPS(X, W, "w")							\
	ABPF_MEM_OPS(X, H, "h")							\
	ABPF_MEM_OPS(X, B, "b")							\
	ABPF_MEM_OPS(X, DW, "dw")						\
	X(LDX_MEMSX_W,  BPF_LDX | BPF_MEMSX | BPF_W, ABPF_FORM_LDX, "ldxsw")	\
	X(LDX_MEMSX_H,  BPF_LDX | BPF_MEMSX | BPF_H, ABPF_FORM_LDX, "ldxsh")	\
	X(LDX_MEMSX_B,  BPF_LDX | BPF_MEMSX | BPF_B, ABPF_FORM_LDX, "ldxsb")	\
	X(STX_ATOMIC_W,  BPF_STX | BPF_ATOMIC | BPF_W,  ABPF_FORM_ATOMIC, "lock")  \
	X(STX_ATOMIC_DW, BPF_STX | BPF_ATOMIC | BPF_DW, ABPF_FORM_ATOMIC, "lock")

/* enum abpf_op: ABPF_OP_<label> for every valid opcode. */
enum abpf_op {
#define ABPF_X_ENUM(label, opcode, form, mnem) ABPF_OP_##label,
	ABPF_INSN_MAP(ABPF_X_ENUM)
#undef ABPF_X_ENUM
	ABPF_OP__COUNT,
};

struct abpf_opcode_info {
	u8 valid;
	u8 form;		/* enum abpf_form */
	u16 op;			/* enum abpf_op */
	const char *mnemonic;
	const char *label;
};

/* Indexed by the opcode byte; .valid == 0 for opcodes not in the map. */
extern const struct abpf_opcode_info abpf_opcode_table[256];

/* Atomic operations (imm of BPF_STX | BPF_ATOMIC). */
static inline bool abpf_atomic_op_valid(s32 imm)
{
	switch (imm) {
	case BPF_ADD: case BPF_ADD | BPF_FETCH:
	case BPF_OR:  case BPF_OR | BPF_FETCH:
	case BPF_AND: case BPF_AND | BPF_FETCH:
	case BPF_XOR: case BPF_XOR | BPF_FETCH:
	case BPF_XCHG: case BPF_CMPXCHG:
		return true;
	}
	return false;
}

static inline bool abpf_is_lddw(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* Size in bytes of a BPF_SIZE() field. */
static inline u32 abpf_size_bytes(u8 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default:    return 8;
	}
}

#endif /* ALTBPF_CORE_ISA_H */
