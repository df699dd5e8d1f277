// SPDX-License-Identifier: GPL-2.0
/*
 * interp.c - the altbpf interpreter.
 *
 * abpf_interp_prepare() turns a checked program into a pre-decoded array
 * of 8-byte struct abpf_dinsn, one per instruction slot, whose .op is a
 * handler number rather than an opcode: everything that can be decided at
 * load time is resolved into the choice of handler, so the handlers carry
 * no flag tests:
 *  - sdiv/smod (off = 1) and movsx (off = 8/16/32) are handlers of their
 *    own; division/modulo by a constant 0 or -1 becomes a mov, neg or nop;
 *  - le/be/bswap by width become truncate / swap / nop handlers;
 *  - constant shift counts are masked once;
 *  - loads/stores/atomics flagged ABPF_AUX_MEMCHK by the checker use a
 *    "_CHK" handler that checks the address before the access (checked
 *    atomics continue in the unchecked handler whose number is in imm);
 *    jumps flagged ABPF_AUX_BACKEDGE use a "_BE" handler
 *    that charges the loop budget when taken;
 *  - atomics are one handler per operation and size;
 *  - helper calls that may stop the program are a separate handler;
 *  - some instruction pairs become superinstructions: "mov dst, src;
 *    op dst, imm" runs as dst = src op imm, and the pairs of
 *    ABPF_PAIR_OPS run their first instruction inline and jump directly
 *    into the second's handler (docs/interpreter.md).
 * abpf_interp_run() then dispatches with computed gotos through a jump
 * table indexed by .op (like the kernel's ___bpf_prog_run, whose table is
 * indexed by the opcode), the base handlers being generated from
 * ABPF_INSN_MAP so that every opcode of the ISA has one.  Each field a
 * handler reads is one load from its slot (struct abpf_dinsn).
 *
 * The BPF stack (ABPF_MAX_STACK bytes, shared by all frames of a run),
 * the registers and the call frames live on the C stack of
 * abpf_interp_run(); local calls do not recurse in C.
 */
#include "engine.h"
#include "maps.h"

#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/compiler.h>
#else
#ifndef __annotate_jump_table
#define __annotate_jump_table
#endif
#ifndef __aligned
#define __aligned(x)	__attribute__((__aligned__(x)))
#endif
#endif
#ifndef __uninitialized
#define __uninitialized
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the interpreter assumes a little-endian host"
#endif

/*
 * A pre-decoded instruction slot.  Every field a handler reads is a whole
 * byte, half or word, so that it is one load (movzbl/movswq/movslq) with
 * no shift or mask: the source register goes where the instruction has
 * no other use for the room.
 */
struct abpf_dinsn {
	u8 op;		/* enum abpf_handler */
	u8 dst;		/* dst register; atomics: dst | src << 4 */
	s16 off;	/* offset; local calls: caller frame; ALU3, LD_IND: src */
	s32 imm;	/* imm; ja32/local calls: offset; X, LDX, STX: src */
};

_Static_assert(sizeof(struct abpf_dinsn) == sizeof(u64), "a slot is 8 bytes");

/* code->setup */
#define ABPF_SETUP_ZERO_REGS	0x1	/* names r3-r9 or calls: clear r0, r3-r9 */
#define ABPF_SETUP_RC_STACK	0x2	/* calls helpers or has _CHK handlers */
#define ABPF_SETUP_ZERO_STACK	0x4	/* ABPF_PROG_ZERO_STACK */

/* What a run needs, worked out once by abpf_interp_prepare(). */
struct abpf_interp_code {
	const struct abpf_helper *helpers;
	u32 nr_helpers;
	u32 stack_size;			/* the program's stack, <= ABPF_MAX_STACK */
	/*
	 * [addr, addr + 2^i) is on the stack iff addr - stack_lo <
	 * stack_lim[i] (stack_size - 2^i + 1, or 0 if that is negative): the
	 * stack half of the run-time check is one subtract and compare.
	 */
	u64 stack_lim[4];
	u8 setup;			/* ABPF_SETUP_*: what a run sets up */
	u32 len;
	struct abpf_dinsn insns[];	/* len + 1: a trailing invalid slot */
};

/* Slots are loaded as one u64 each: keep them 8-byte aligned. */
_Static_assert(offsetof(struct abpf_interp_code, insns) % sizeof(u64) == 0,
	       "slots must be 8-byte aligned");

/*
 * ALU operations with a 3-address superinstruction (dst = src op imm).
 * No sub: prepare turns sub K into add -K (32-bit always, 64-bit unless
 * K is INT32_MIN).
 */
#define ABPF_ALU3_OPS(X)						\
	X(ADD) X(MUL) X(OR) X(AND) X(XOR) X(LSH) X(RSH) X(ARSH)

/*
 * Pair superinstructions: X(name, first, second) runs the handler "first"
 * inline and continues with a direct jump into "second", saving the
 * dispatch between two instructions that often follow each other (loop
 * counters and their back-edges, stack spills and fills, loads summed
 * up, a bit shifted out and tested).  Each slot keeps its own operands.
 * "second" may be a pair itself (prepare fuses from the last slot back):
 * STXW_ADDK3_LDDW_CALL runs a store, the key pointer set-up, the map's
 * lddw and the helper call with one dispatch.
 */
#define ABPF_PAIR_OPS(X)						\
	X(ADD_JA, ALU64_ADD_K, JMP_JA_BE)				\
	X(ADD_JNE_K, ALU64_ADD_K, JMP_JNE_K_BE)				\
	X(ADD_JNE_X, ALU64_ADD_K, JMP_JNE_X_BE)				\
	X(ADD_JLT_K, ALU64_ADD_K, JMP_JLT_K_BE)				\
	X(ADD_JLT_X, ALU64_ADD_K, JMP_JLT_X_BE)				\
	X(ADD_JSLT_K, ALU64_ADD_K, JMP_JSLT_K_BE)			\
	X(ADD_JSLT_X, ALU64_ADD_K, JMP_JSLT_X_BE)			\
	X(ADD_JLE_K, ALU64_ADD_K, JMP_JLE_K_BE)				\
	X(ADD_JLE_X, ALU64_ADD_K, JMP_JLE_X_BE)				\
	X(LDX_LDX, LDX_MEM_DW, LDX_MEM_DW)				\
	X(STX_STX, STX_MEM_DW, STX_MEM_DW)				\
	X(LDXB_ADD, LDX_MEM_B_CHK, ALU64_ADD_X)				\
	X(LDXH_ADD, LDX_MEM_H_CHK, ALU64_ADD_X)				\
	X(LDXW_ADD, LDX_MEM_W_CHK, ALU64_ADD_X)				\
	X(LDXDW_ADD, LDX_MEM_DW_CHK, ALU64_ADD_X)			\
	X(LDXH_ADDX, LDX_MEM_H, ALU64_ADD_X)				\
	X(LDXDW_ADDX, LDX_MEM_DW, ALU64_ADD_X)				\
	X(ADDK_ADDK3, ALU64_ADD_K, ALU64_ADD_K3)			\
	X(MOVX_JLTK, ALU64_MOV_X, JMP_JLT_K_BE)				\
	X(MOVX_JA, ALU64_MOV_X, JMP_JA_BE)				\
	X(ADD32K_JEQ32K, ALU_ADD_K, JMP32_JEQ_K)			\
	X(RSH32K_JEQ32K, ALU_RSH_K, JMP32_JEQ_K)			\
	X(STXW_ADDK3_LDDW_CALL, STX_MEM_W, P_ADDK3_LDDW_CALL)		\
	X(JEQ32K_JA, JMP32_JEQ_K, JMP_JA_BE)

/*
 * X(name, first, second): a 3-address superinstruction (two slots) run
 * inline, then a direct jump into the handler of the slot after it: the
 * pointer argument set up right before a map helper's lddw + call,
 * xorshift's "t = x << k; x ^= t" (and >>), a bit masked out and tested
 * ("t = x & 1; if t == 0", in 32 bits with the shift of x between).
 */
#define ABPF_PAIR3_OPS(X)						\
	X(ADDK3_LDDW_CALL, ALU64_ADD_K3, P_LDDW_CALL)			\
	X(LSHK3_XOR, ALU64_LSH_K3, ALU64_XOR_X)				\
	X(RSHK3_XOR, ALU64_RSH_K3, ALU64_XOR_X)				\
	X(AND64K3_JEQK, ALU64_AND_K3, JMP_JEQ_K_BE)			\
	X(AND32K3_RSH32K_JEQ32K, ALU_AND_K3, P_RSH32K_JEQ32K)

/* Atomic operations, one handler each (W and DW). */
#define ABPF_ATOMIC_VARIANTS(X, SZ)					\
	X(SZ, ADD) X(SZ, OR) X(SZ, AND) X(SZ, XOR)			\
	X(SZ, FADD) X(SZ, FOR) X(SZ, FAND) X(SZ, FXOR)			\
	X(SZ, XCHG) X(SZ, CMPXCHG)

enum abpf_handler {
	/* Base handlers: one per opcode, numbered like enum abpf_op. */
#define ABPF_H_BASE(l, o, f, m)		ABPF_H_##l,
	ABPF_INSN_MAP(ABPF_H_BASE)
#undef ABPF_H_BASE
	ABPF_H_ALU_SDIV_K, ABPF_H_ALU_SDIV_X,
	ABPF_H_ALU_SMOD_K, ABPF_H_ALU_SMOD_X,
	ABPF_H_ALU64_SDIV_K, ABPF_H_ALU64_SDIV_X,
	ABPF_H_ALU64_SMOD_K, ABPF_H_ALU64_SMOD_X,
	ABPF_H_ALU_MOVSX8, ABPF_H_ALU_MOVSX16,
	ABPF_H_ALU64_MOVSX8, ABPF_H_ALU64_MOVSX16, ABPF_H_ALU64_MOVSX32,
	ABPF_H_END_SWAP32, ABPF_H_END_SWAP64,
	ABPF_H_JMP_JA_BE, ABPF_H_JMP32_JA_BE,
	/*
	 * Back-edge jumps, in the order of the base conditional jumps.  The
	 * rarer jmp32 ones have none: a taken jmp32 with a negative offset
	 * (which is what the checker's ABPF_AUX_BACKEDGE means) charges the
	 * budget itself.
	 */
#define ABPF_H_BE(l, o, f, m)		ABPF_H_##l##_BE,
	ABPF_JMP_OPS(ABPF_H_BE, JMP, "")
#undef ABPF_H_BE
	ABPF_H_CALL_STOP, ABPF_H_CALL_LOCAL, ABPF_H_INVALID,
	/* local calls of subprograms that name none of r6-r10 (see prepare) */
	ABPF_H_CALL_LOCAL_LEAF, ABPF_H_EXIT_LEAF,
	/* Superinstructions: "mov dst, src; op dst, imm" as dst = src op imm. */
#define ABPF_H_ALU3(OP)			ABPF_H_ALU_##OP##_K3, ABPF_H_ALU64_##OP##_K3,
	ABPF_ALU3_OPS(ABPF_H_ALU3)
#undef ABPF_H_ALU3
#define ABPF_H_PAIR(NAME, FIRST, SECOND)	ABPF_H_P_##NAME,
	ABPF_PAIR_OPS(ABPF_H_PAIR)
#undef ABPF_H_PAIR
	/*
	 * "mov64 dst, src; add64 dst, src2" as dst = src + src2, and the
	 * 32-bit "mov32; add32 X" and "mov32; xor32 X"
	 */
	ABPF_H_ALU64_ADD_X3, ABPF_H_ALU_ADD_X3, ABPF_H_ALU_XOR_X3,
	/* lddw then a helper call (the map argument of map helpers) */
	ABPF_H_P_LDDW_CALL,
	/* 3-address superinstructions followed by a frequent next one */
#define ABPF_H_PAIR3(NAME, FIRST, SECOND)	ABPF_H_P_##NAME,
	ABPF_PAIR3_OPS(ABPF_H_PAIR3)
#undef ABPF_H_PAIR3
	/* Checked loads/stores, in the order of the base ones. */
#define ABPF_H_CHK(l, o, f, m)		ABPF_H_##l##_CHK,
	ABPF_MEM_OPS(ABPF_H_CHK, W, "w")
	ABPF_MEM_OPS(ABPF_H_CHK, H, "h")
	ABPF_MEM_OPS(ABPF_H_CHK, B, "b")
	ABPF_MEM_OPS(ABPF_H_CHK, DW, "dw")
	ABPF_H_LDX_MEMSX_W_CHK, ABPF_H_LDX_MEMSX_H_CHK, ABPF_H_LDX_MEMSX_B_CHK,
#undef ABPF_H_CHK
#define ABPF_H_ATOMIC(SZ, V)		ABPF_H_A##SZ##_##V,
	ABPF_ATOMIC_VARIANTS(ABPF_H_ATOMIC, W)
	ABPF_ATOMIC_VARIANTS(ABPF_H_ATOMIC, DW)
#undef ABPF_H_ATOMIC
	/* Checked atomics: imm holds the unchecked handler to continue in. */
	ABPF_H_AW_CHK, ABPF_H_ADW_CHK,
	ABPF_H__COUNT,
	/*
	 * Base numbers prepare never produces (sub32 K is add32 -K; atomics
	 * have a handler per operation), reused: their labels (from
	 * ABPF_INSN_MAP) are these handlers.
	 *
	 * Sign extension as clang writes it: "lsh64 dst, 32; arsh64 dst, 32"
	 * (two slots) and "mov64 dst, src; lsh64 dst, 32; arsh64 dst, 32"
	 * (three slots); "mov32 r0, imm; exit": return a constant.
	 */
	ABPF_H_ALU64_SEXT32 = ABPF_H_ALU_SUB_K,
	ABPF_H_ALU64_SEXT32_3 = ABPF_H_STX_ATOMIC_W,
	ABPF_H_P_RET32K = ABPF_H_STX_ATOMIC_DW,
};

_Static_assert(ABPF_H__COUNT <= 256, "handler numbers must fit in a u8");
_Static_assert(ABPF_H_JMP_JSLE_X - ABPF_H_JMP_JEQ_K ==
	       ABPF_H_JMP_JSLE_X_BE - ABPF_H_JMP_JEQ_K_BE,
	       "conditional jumps and their _BE handlers must line up");
_Static_assert(ABPF_H_LDX_MEMSX_B - ABPF_H_LDX_MEM_W ==
	       ABPF_H_LDX_MEMSX_B_CHK - ABPF_H_LDX_MEM_W_CHK,
	       "loads/stores and their _CHK handlers must line up");

/* Unaligned, aliasing-safe memory access types. */
typedef u16 __attribute__((__may_alias__)) __aligned(1) abpf_u16_ua;
typedef u32 __attribute__((__may_alias__)) __aligned(1) abpf_u32_ua;
typedef u64 __attribute__((__may_alias__)) __aligned(1) abpf_u64_ua;
/* Naturally aligned (checked or proved) targets of atomics. */
typedef u32 __attribute__((__may_alias__)) abpf_u32_al;
typedef u64 __attribute__((__may_alias__)) abpf_u64_al;

#ifdef __KERNEL__
#define ABPF_A32(p)	((atomic_t *)(p))
#define ABPF_A64(p)	((atomic64_t *)(p))
#define ABPF_ATOMIC32(op, p, v)		atomic_##op((int)(v), ABPF_A32(p))
#define ABPF_ATOMIC64(op, p, v)		atomic64_##op((s64)(v), ABPF_A64(p))
#define ABPF_FETCH32(op, p, v)	((u32)atomic_fetch_##op((int)(v), ABPF_A32(p)))
#define ABPF_FETCH64(op, p, v)	((u64)atomic64_fetch_##op((s64)(v), ABPF_A64(p)))
#define ABPF_XCHG32(p, v)	((u32)atomic_xchg(ABPF_A32(p), (int)(v)))
#define ABPF_XCHG64(p, v)	((u64)atomic64_xchg(ABPF_A64(p), (s64)(v)))
#define ABPF_CMPXCHG32(p, o, n)						\
	((u32)atomic_cmpxchg(ABPF_A32(p), (int)(o), (int)(n)))
#define ABPF_CMPXCHG64(p, o, n)						\
	((u64)atomic64_cmpxchg(ABPF_A64(p), (s64)(o), (s64)(n)))
#else
#define ABPF_ATOMIC32(op, p, v)						\
	((void)__atomic_fetch_##op((abpf_u32_al *)(p), (u32)(v), __ATOMIC_SEQ_CST))
#define ABPF_ATOMIC64(op, p, v)						\
	((void)__atomic_fetch_##op((abpf_u64_al *)(p), (u64)(v), __ATOMIC_SEQ_CST))
#define ABPF_FETCH32(op, p, v)						\
	__atomic_fetch_##op((abpf_u32_al *)(p), (u32)(v), __ATOMIC_SEQ_CST)
#define ABPF_FETCH64(op, p, v)						\
	__atomic_fetch_##op((abpf_u64_al *)(p), (u64)(v), __ATOMIC_SEQ_CST)
#define ABPF_XCHG32(p, v)						\
	__atomic_exchange_n((abpf_u32_al *)(p), (u32)(v), __ATOMIC_SEQ_CST)
#define ABPF_XCHG64(p, v)						\
	__atomic_exchange_n((abpf_u64_al *)(p), (u64)(v), __ATOMIC_SEQ_CST)

static inline u32 abpf_cmpxchg32(void *p, u32 old, u32 new)
{
	__atomic_compare_exchange_n((abpf_u32_al *)p, &old, new, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}

static inline u64 abpf_cmpxchg64(void *p, u64 old, u64 new)
{
	__atomic_compare_exchange_n((abpf_u64_al *)p, &old, new, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}

#define ABPF_CMPXCHG32(p, o, n)	abpf_cmpxchg32(p, (u32)(o), (u32)(n))
#define ABPF_CMPXCHG64(p, o, n)	abpf_cmpxchg64(p, (u64)(o), (u64)(n))
#endif

/* A caller's state saved by a local call. */
struct abpf_frame {
	const struct abpf_dinsn *ret;
	u64 callee_saved[4];		/* r6-r9 */
	u64 fp;				/* r10 */
};

/*
 * The run-time memory check, regions half (the stack half is inline in
 * MEM_CHECK).  (The bounds are read from rc and c: keeping them in locals
 * measured slower, as they take registers from every handler.)
 */
static __always_inline bool abpf_interp_region_ok(const struct abpf_run_ctx *rc,
						  u64 addr, u32 size,
						  bool write)
{
	const struct abpf_region *r = rc->regions;	/* no UBSAN check */
	u64 off;
	u32 i;

	for (i = 0; i < rc->nr_regions && i < ABPF_MAX_REGIONS; i++, r++) {
		off = addr - r->start;
		if (off < r->len && r->len - off >= size &&
		    (!write || r->writable))
			return true;
	}
	return false;
}

#ifdef ABPF_INTERP_PROFILE
/*
 * Native profile build only (-DABPF_INTERP_PROFILE): dynamic counts of
 * dispatched handler pairs, [0] falling through, [1] after a jump,
 * written to $ABPF_INTERP_PROFILE at exit (scripts: see
 * docs/interpreter.md).
 */
#include <stdio.h>
#include <stdlib.h>
static unsigned long long abpf_prof[2][256][256];

static void __attribute__((destructor)) abpf_prof_dump(void)
{
	const char *path = getenv("ABPF_INTERP_PROFILE");
	FILE *f;
	int j, a, b;

	if (!path)
		return;
	f = fopen(path, "w");
	if (!f)
		return;
	for (j = 0; j < 2; j++)
		for (a = 0; a < 256; a++)
			for (b = 0; b < 256; b++)
				if (abpf_prof[j][a][b])
					fprintf(f, "%d %d %d %llu\n", j, a, b,
						abpf_prof[j][a][b]);
	fclose(f);
}
#define ABPF_PROF_RESET()	(prof_prev = NULL)
#define ABPF_PROF_HOOK()						\
	({ abpf_prof_count(prof_prev, insn); prof_prev = insn; })

static inline void abpf_prof_count(const struct abpf_dinsn *prev,
				   const struct abpf_dinsn *insn)
{
	if (prev)
		abpf_prof[!(insn > prev && insn - prev <= 2)][prev->op]
			 [insn->op]++;
}
#else
#define ABPF_PROF_RESET()	((void)0)
#define ABPF_PROF_HOOK()	((void)0)
#endif

u64 abpf_interp_run(const struct abpf_prog *prog, struct abpf_run_ctx *rc)
{
	/*
	 * 256 entries for a u8 index, and the registers reached through a
	 * pointer: the kernel's UBSAN_BOUNDS then has nothing to check in the
	 * handlers (as in ___bpf_prog_run), where a compare and branch per
	 * access would cost more than the access.  Numbers prepare never
	 * produces stay NULL.
	 */
	static const void * const jumptable[256] __annotate_jump_table = {
#define ABPF_JT(l, o, f, m)		[ABPF_H_##l] = &&h_##l,
#define ABPF_JT_BE(l, o, f, m)		[ABPF_H_##l##_BE] = &&h_##l##_BE,
#define ABPF_JT_CHK(l, o, f, m)		[ABPF_H_##l##_CHK] = &&h_##l##_CHK,
#define ABPF_JT_ATOMIC(SZ, V)		[ABPF_H_A##SZ##_##V] = &&h_A##SZ##_##V,
#define ABPF_JT_ALU3(OP)						\
		[ABPF_H_ALU_##OP##_K3] = &&h_ALU_##OP##_K3,		\
		[ABPF_H_ALU64_##OP##_K3] = &&h_ALU64_##OP##_K3,
#define ABPF_JT_PAIR(NAME, FIRST, SECOND)				\
		[ABPF_H_P_##NAME] = &&h_P_##NAME,
		ABPF_INSN_MAP(ABPF_JT)
		[ABPF_H_ALU_SDIV_K] = &&h_ALU_SDIV_K,
		[ABPF_H_ALU_SDIV_X] = &&h_ALU_SDIV_X,
		[ABPF_H_ALU_SMOD_K] = &&h_ALU_SMOD_K,
		[ABPF_H_ALU_SMOD_X] = &&h_ALU_SMOD_X,
		[ABPF_H_ALU64_SDIV_K] = &&h_ALU64_SDIV_K,
		[ABPF_H_ALU64_SDIV_X] = &&h_ALU64_SDIV_X,
		[ABPF_H_ALU64_SMOD_K] = &&h_ALU64_SMOD_K,
		[ABPF_H_ALU64_SMOD_X] = &&h_ALU64_SMOD_X,
		[ABPF_H_ALU_MOVSX8] = &&h_ALU_MOVSX8,
		[ABPF_H_ALU_MOVSX16] = &&h_ALU_MOVSX16,
		[ABPF_H_ALU64_MOVSX8] = &&h_ALU64_MOVSX8,
		[ABPF_H_ALU64_MOVSX16] = &&h_ALU64_MOVSX16,
		[ABPF_H_ALU64_MOVSX32] = &&h_ALU64_MOVSX32,
		[ABPF_H_END_SWAP32] = &&h_END_SWAP32,
		[ABPF_H_END_SWAP64] = &&h_END_SWAP64,
		[ABPF_H_ALU64_ADD_X3] = &&h_ALU64_ADD_X3,
		[ABPF_H_ALU_ADD_X3] = &&h_ALU_ADD_X3,
		[ABPF_H_ALU_XOR_X3] = &&h_ALU_XOR_X3,
		[ABPF_H_P_LDDW_CALL] = &&h_P_LDDW_CALL,
		ABPF_PAIR3_OPS(ABPF_JT_PAIR)
		[ABPF_H_JMP_JA_BE] = &&h_JMP_JA_BE,
		[ABPF_H_JMP32_JA_BE] = &&h_JMP32_JA_BE,
		ABPF_JMP_OPS(ABPF_JT_BE, JMP, "")
		[ABPF_H_CALL_STOP] = &&h_CALL_STOP,
		[ABPF_H_CALL_LOCAL] = &&h_CALL_LOCAL,
		[ABPF_H_CALL_LOCAL_LEAF] = &&h_CALL_LOCAL_LEAF,
		[ABPF_H_EXIT_LEAF] = &&h_EXIT_LEAF,
		[ABPF_H_INVALID] = &&h_INVALID,
		ABPF_MEM_OPS(ABPF_JT_CHK, W, "w")
		ABPF_MEM_OPS(ABPF_JT_CHK, H, "h")
		ABPF_MEM_OPS(ABPF_JT_CHK, B, "b")
		ABPF_MEM_OPS(ABPF_JT_CHK, DW, "dw")
		[ABPF_H_LDX_MEMSX_W_CHK] = &&h_LDX_MEMSX_W_CHK,
		[ABPF_H_LDX_MEMSX_H_CHK] = &&h_LDX_MEMSX_H_CHK,
		[ABPF_H_LDX_MEMSX_B_CHK] = &&h_LDX_MEMSX_B_CHK,
		ABPF_ATOMIC_VARIANTS(ABPF_JT_ATOMIC, W)
		ABPF_ATOMIC_VARIANTS(ABPF_JT_ATOMIC, DW)
		[ABPF_H_AW_CHK] = &&h_AW_CHK,
		[ABPF_H_ADW_CHK] = &&h_ADW_CHK,
		ABPF_ALU3_OPS(ABPF_JT_ALU3)
		ABPF_PAIR_OPS(ABPF_JT_PAIR)
#undef ABPF_JT
#undef ABPF_JT_BE
#undef ABPF_JT_CHK
#undef ABPF_JT_ATOMIC
#undef ABPF_JT_ALU3
#undef ABPF_JT_PAIR
	};
	/*
	 * Not cleared on entry (CONFIG_INIT_STACK_ALL_ZERO would clear 1 KiB
	 * per run): the checker proves every stack read follows a write, or
	 * sets ABPF_PROG_ZERO_STACK; frames are written before they are read;
	 * the registers are set below.
	 */
	u64 stack[ABPF_MAX_STACK / sizeof(u64)] __uninitialized;
	struct abpf_frame frame_stack[ABPF_MAX_CALL_FRAMES - 1] __uninitialized;
	struct abpf_frame * const frames = frame_stack;
	u64 reg_file[ABPF_NR_REGS] __uninitialized;
	u64 * const regs = reg_file;
	const struct abpf_interp_code *c = prog->interp_priv;
	const struct abpf_dinsn *code, *insn;
	const struct abpf_helper *helper;
	struct abpf_frame *frame;
	u64 budget1, ret, addr, fp;	/* budget1: rc->budget + 1 */
	u32 poff;
#ifdef ABPF_INTERP_PROFILE
	const struct abpf_dinsn *prof_prev;
#endif

run:
	ABPF_PROF_RESET();
	if (unlikely(!c)) {
		/* Not prepared (abpf_interp_prepare() after abpf_check()). */
		rc->tail_prog = NULL;
		rc->stop = false;
		rc->error = -EINVAL;
		rc->error_pc = 0;
		return 0;
	}
	code = c->insns;
	insn = code;
	frame = frames;			/* the next free one */
	budget1 = rc->budget + 1;	/* mod 2^64: U64_MAX works too */
	fp = (u64)(unsigned long)&stack[ARRAY_SIZE(stack)];
	rc->stop = false;
	rc->error = 0;
	rc->error_pc = 0;
	/*
	 * The program's stack is the top c->stack_size bytes.  Only helpers
	 * (abpf_mem_ok()) and the _CHK handlers read its bounds from rc, as
	 * in the JIT: a program with neither does not set them.
	 *
	 * As the JIT, registers start at 0 when the program could see them
	 * (names them, or hands them to a callee); a program that names
	 * only r0-r2 and r10 and calls nothing skips the clearing.  Eight
	 * stores: a memset of the file was a rep stos, one instruction per
	 * word under -icount, and cleared r1, r2 and r10 for nothing.
	 *
	 * The two usual cases (compute code; code that calls helpers) test
	 * c->setup once or twice, the rest go through every test.
	 */
#define ZERO_REGS							\
	({ regs[BPF_REG_0] = 0; regs[BPF_REG_3] = 0; regs[BPF_REG_4] = 0; \
	   regs[BPF_REG_5] = 0; regs[BPF_REG_6] = 0; regs[BPF_REG_7] = 0; \
	   regs[BPF_REG_8] = 0; regs[BPF_REG_9] = 0; })
#define RC_STACK							\
	({ rc->stack_hi = fp; rc->stack_lo = fp - c->stack_size; })
	if (likely(c->setup == ABPF_SETUP_ZERO_REGS)) {
		ZERO_REGS;
	} else if (c->setup == (ABPF_SETUP_ZERO_REGS | ABPF_SETUP_RC_STACK)) {
		RC_STACK;
		ZERO_REGS;
	} else if (c->setup) {
		if (c->setup & ABPF_SETUP_RC_STACK)
			RC_STACK;
		if (c->setup & ABPF_SETUP_ZERO_STACK)
			memset((void *)(unsigned long)(fp - c->stack_size), 0,
			       c->stack_size);
		if (c->setup & ABPF_SETUP_ZERO_REGS)
			ZERO_REGS;
	}
#undef ZERO_REGS
#undef RC_STACK
	regs[BPF_REG_1] = rc->r1;
	regs[BPF_REG_2] = rc->r2;
	regs[BPF_REG_10] = fp;

#define DST	regs[insn->dst]
#define SRC	regs[(u32)insn->imm]		/* X forms, LDX, STX */
#define SRC_OFF	regs[(u16)insn->off]		/* ALU3, LD_IND */
#define ADST	regs[insn->dst & 15]		/* atomics */
#define ASRC	regs[insn->dst >> 4]
#define IMM	insn->imm
#define OFF	insn->off
#define NEXT	({ ABPF_PROF_HOOK(); goto *jumptable[insn->op]; })
#define CONT	({ insn++; NEXT; })
/*
 * dst = EXPR of v_, v_ = INIT read into a register first (the empty asm):
 * for the ALU32 and shift forms that cannot operate on dst's slot in
 * memory, gcc otherwise computed the slot's address with a lea before
 * loading and storing it, one instruction more.
 */
#define DST_SET(T, INIT, EXPR)						\
	({ T v_ = (INIT); asm("" : "+r" (v_)); DST = (EXPR); })
/*
 * Charge one unit of budget; with none left, abort.  Counting budget + 1
 * down to 0 makes it a sub and a je on the back-edge (a test of the
 * budget itself cost a test, a decrement and a je), for an add per run.
 */
#define BUDGET								\
	({ if (unlikely(--budget1 == 0)) goto abort_budget; })
/* size is 1 << lg */
#define MEM_CHECK(addr, lg, write)					\
	({ if (unlikely((addr) - rc->stack_lo >= c->stack_lim[lg] &&	\
			!abpf_interp_region_ok(rc, addr, 1 << (lg), write))) \
		goto abort_range; })
#define ATOMIC_CHECK(addr, lg)						\
	({ if (unlikely((addr) & ((1 << (lg)) - 1)))			\
		goto abort_range;					\
	   MEM_CHECK(addr, lg, true); })
/* A taken jump dispatches on its own (see the jumps below). */
#define TAKEN	({ insn += (s64)OFF + 1; NEXT; })
/* A taken jmp32: a back-edge (offset < 0) costs budget. */
#define JUMP32	({ if (OFF < 0) BUDGET; TAKEN; })
#define T_EQ(a, b)	((a) == (b))
#define T_NE(a, b)	((a) != (b))
#define T_GT(a, b)	((a) > (b))
#define T_GE(a, b)	((a) >= (b))
#define T_LT(a, b)	((a) < (b))
#define T_LE(a, b)	((a) <= (b))
#define T_SET(a, b)	(((a) & (b)) != 0)

	NEXT;

	/* ALU: add, sub, mul, or, and, xor. */
/*
 * ALU32: the operand that is not dst (src or imm; dst for sub X) is
 * loaded into a register first (DST_SET, see there) for the commutative
 * operations.
 */
#define ALU_BINOP_C(NAME, OP)						\
	ALU_BINOP2(NAME, OP, DST_SET(u32, SRC, (u32)(DST OP v_)),	\
		   DST_SET(u32, IMM, (u32)(DST OP v_)))
#define ALU_BINOP2(NAME, OP, ALU32_X, ALU32_K)				\
h_ALU_##NAME##_X:						\
		ALU32_X;						\
		CONT;							\
h_ALU_##NAME##_K:						\
		ALU32_K;						\
		CONT;							\
h_ALU64_##NAME##_X:						\
		DST = DST OP SRC;					\
		CONT;							\
h_ALU64_##NAME##_K:						\
		DST = DST OP (u64)(s64)IMM;				\
		CONT;
	ALU_BINOP_C(ADD, +)
	ALU_BINOP_C(MUL, *)
	ALU_BINOP_C(OR, |)
	ALU_BINOP_C(AND, &)
	ALU_BINOP_C(XOR, ^)
#undef ALU_BINOP_C
#undef ALU_BINOP2

	/* Superinstructions: two slots, "mov dst, src; op dst, imm". */
#define ALU3(NAME, EXPR32, EXPR64)					\
h_ALU_##NAME##_K3:						\
		DST = (u32)(EXPR32);					\
		insn += 2;						\
		NEXT;							\
h_ALU64_##NAME##_K3:						\
		DST = EXPR64;						\
		insn += 2;						\
		NEXT;
#define ALU3_BINOP(NAME, OP)						\
	ALU3(NAME, (u32)SRC_OFF OP (u32)IMM, SRC_OFF OP (u64)(s64)IMM)
	ALU3_BINOP(ADD, +)
	ALU3_BINOP(MUL, *)
	ALU3_BINOP(OR, |)
	ALU3_BINOP(AND, &)
	ALU3_BINOP(XOR, ^)
	ALU3(LSH, (u32)SRC_OFF << (IMM & 31), SRC_OFF << (IMM & 63))
	ALU3(RSH, (u32)SRC_OFF >> (IMM & 31), SRC_OFF >> (IMM & 63))
	ALU3(ARSH, (s32)SRC_OFF >> (IMM & 31),
	     (u64)((s64)SRC_OFF >> (IMM & 63)))
#undef ALU3_BINOP
#undef ALU3
h_ALU64_ADD_X3:
		DST = SRC_OFF + SRC;		/* src2 (!= dst) in imm */
		insn += 2;
		NEXT;
h_ALU_ADD_X3:
		DST = (u32)((u32)SRC_OFF + (u32)SRC);
		insn += 2;
		NEXT;
h_ALU_XOR_X3:
		DST = (u32)((u32)SRC_OFF ^ (u32)SRC);
		insn += 2;
		NEXT;
	/* ABPF_H_ALU64_SEXT32 */
h_ALU_SUB_K:
		DST_SET(s64, (s32)DST, v_);
		insn += 2;
		NEXT;
	/* ABPF_H_ALU64_SEXT32_3 */
h_STX_ATOMIC_W:
		DST = (u64)(s64)(s32)SRC_OFF;	/* the mov's src in off */
		insn += 3;
		NEXT;
#define FIRST3_ALU64_ADD_K3	(DST = SRC_OFF + (u64)(s64)IMM)
#define FIRST3_ALU64_LSH_K3	(DST = SRC_OFF << (IMM & 63))
#define FIRST3_ALU64_RSH_K3	(DST = SRC_OFF >> (IMM & 63))
#define FIRST3_ALU64_AND_K3	(DST = SRC_OFF & (u64)(s64)IMM)
#define FIRST3_ALU_AND_K3	(DST = (u32)SRC_OFF & (u32)IMM)
#define FIRST_ALU64_ADD_K	(DST += (u64)(s64)IMM)
#define FIRST_ALU_ADD_K		(DST = (u32)((u32)DST + (u32)IMM))
#define FIRST_ALU_RSH_K		DST_SET(u32, DST, v_ >> (IMM & 31))
#define FIRST_ALU64_MOV_X	(DST = SRC)
/* a jump first: taken, it dispatches; not taken, the second runs */
#define FIRST_JMP32_JEQ_K	({ if ((u32)DST == (u32)IMM) JUMP32; })
#define FIRST_LDX_MEM_H		FIRST_LDX(abpf_u16_ua)
#define FIRST_STX_MEM_W							\
	(*(abpf_u32_ua *)(unsigned long)(DST + OFF) = (u32)SRC)
#define FIRST_LDX(T)	(DST = *(const T *)(unsigned long)(SRC + OFF))
#define FIRST_LDX_CHK(T, LG)						\
	({ addr = SRC + OFF; MEM_CHECK(addr, LG, false);		\
	   DST = *(const T *)(unsigned long)addr; })
#define FIRST_LDX_MEM_DW	FIRST_LDX(abpf_u64_ua)
#define FIRST_STX_MEM_DW						\
	(*(abpf_u64_ua *)(unsigned long)(DST + OFF) = SRC)
#define FIRST_LDX_MEM_B_CHK	FIRST_LDX_CHK(u8, 0)
#define FIRST_LDX_MEM_H_CHK	FIRST_LDX_CHK(abpf_u16_ua, 1)
#define FIRST_LDX_MEM_W_CHK	FIRST_LDX_CHK(abpf_u32_ua, 2)
#define FIRST_LDX_MEM_DW_CHK	FIRST_LDX_CHK(abpf_u64_ua, 3)
/*
 * The second of a pair runs inline (its own copy, with its own dispatch):
 * a goto into the second's handler cost a jmp wherever gcc had not
 * placed that handler right after the pair.
 */
#define SECOND_ALU64_ADD_X	({ DST += SRC; CONT; })
#define SECOND_ALU64_XOR_X	({ DST ^= SRC; CONT; })
#define SECOND_ALU64_ADD_K3	({ FIRST3_ALU64_ADD_K3; insn += 2; NEXT; })
#define SECOND_LDX_MEM_DW	({ FIRST_LDX_MEM_DW; CONT; })
#define SECOND_STX_MEM_DW	({ FIRST_STX_MEM_DW; CONT; })
#define SECOND_JMP_JA_BE	({ BUDGET; TAKEN; })
#define SECOND_JBE(TEST, T, B)						\
	({ if (TEST((T)DST, (T)(B))) { BUDGET; TAKEN; } CONT; })
#define SECOND_JMP_JEQ_K_BE	SECOND_JBE(T_EQ, u64, (s64)IMM)
#define SECOND_JMP_JNE_K_BE	SECOND_JBE(T_NE, u64, (s64)IMM)
#define SECOND_JMP_JNE_X_BE	SECOND_JBE(T_NE, u64, SRC)
#define SECOND_JMP_JLT_K_BE	SECOND_JBE(T_LT, u64, (s64)IMM)
#define SECOND_JMP_JLT_X_BE	SECOND_JBE(T_LT, u64, SRC)
#define SECOND_JMP_JSLT_K_BE	SECOND_JBE(T_LT, s64, (s64)IMM)
#define SECOND_JMP_JSLT_X_BE	SECOND_JBE(T_LT, s64, SRC)
#define SECOND_JMP_JLE_K_BE	SECOND_JBE(T_LE, u64, (s64)IMM)
#define SECOND_JMP_JLE_X_BE	SECOND_JBE(T_LE, u64, SRC)
#define SECOND_JMP32_JEQ_K	({ if ((u32)DST == (u32)IMM) JUMP32; CONT; })
#define SECOND_P_RSH32K_JEQ32K	({ FIRST_ALU_RSH_K; insn++; SECOND_JMP32_JEQ_K; })
/*
 * A helper call is long, and a copy of it in each pair made gcc dispatch
 * through a register in 31 handlers (xorshift +4%): there the pair jumps.
 */
#define GOTO_HANDLER(H)		({ goto h_##H; })
#define SECOND_P_LDDW_CALL	GOTO_HANDLER(P_LDDW_CALL)
#define SECOND_P_ADDK3_LDDW_CALL GOTO_HANDLER(P_ADDK3_LDDW_CALL)
#define PAIR3(NAME, FIRST, SECOND)					\
h_P_##NAME:							\
		FIRST3_##FIRST;						\
		insn += 2;						\
		SECOND_##SECOND;
	ABPF_PAIR3_OPS(PAIR3)
#undef PAIR3

	/* Pair superinstructions: the first's body, then the second's. */
#define PAIR(NAME, FIRST, SECOND)					\
h_P_##NAME:							\
		FIRST_##FIRST;						\
		insn++;							\
		SECOND_##SECOND;
	ABPF_PAIR_OPS(PAIR)
#undef PAIR
#undef FIRST3_ALU64_ADD_K3
#undef FIRST3_ALU64_LSH_K3
#undef FIRST3_ALU64_RSH_K3
#undef FIRST3_ALU64_AND_K3
#undef FIRST3_ALU_AND_K3
#undef FIRST_ALU64_ADD_K
#undef FIRST_ALU_ADD_K
#undef FIRST_ALU_RSH_K
#undef FIRST_ALU64_MOV_X
#undef FIRST_JMP32_JEQ_K
#undef FIRST_LDX_MEM_H
#undef FIRST_STX_MEM_W
#undef FIRST_LDX
#undef FIRST_LDX_CHK
#undef FIRST_LDX_MEM_DW
#undef FIRST_STX_MEM_DW
#undef FIRST_LDX_MEM_B_CHK
#undef FIRST_LDX_MEM_H_CHK
#undef FIRST_LDX_MEM_W_CHK
#undef FIRST_LDX_MEM_DW_CHK
#undef SECOND_ALU64_ADD_X
#undef SECOND_ALU64_XOR_X
#undef SECOND_ALU64_ADD_K3
#undef SECOND_LDX_MEM_DW
#undef SECOND_STX_MEM_DW
#undef SECOND_JMP_JA_BE
#undef SECOND_JBE
#undef SECOND_JMP_JEQ_K_BE
#undef SECOND_JMP_JNE_K_BE
#undef SECOND_JMP_JNE_X_BE
#undef SECOND_JMP_JLT_K_BE
#undef SECOND_JMP_JLT_X_BE
#undef SECOND_JMP_JSLT_K_BE
#undef SECOND_JMP_JSLT_X_BE
#undef SECOND_JMP_JLE_K_BE
#undef SECOND_JMP_JLE_X_BE
#undef SECOND_JMP32_JEQ_K
#undef SECOND_P_RSH32K_JEQ32K
#undef SECOND_P_LDDW_CALL
#undef SECOND_P_ADDK3_LDDW_CALL
#undef GOTO_HANDLER

	/*
	 * Shifts: prepare masked the K forms' counts already; masking again
	 * costs nothing (x86 masks the count itself) and shows UBSAN_SHIFT
	 * the range.
	 */
h_ALU_LSH_X:
		DST = (u32)((u32)DST << (SRC & 31));
		CONT;
h_ALU_LSH_K:
		DST = (u32)((u32)DST << (IMM & 31));
		CONT;
h_ALU64_LSH_X:
		DST = DST << (SRC & 63);
		CONT;
h_ALU64_LSH_K:
		DST = DST << (IMM & 63);
		CONT;
h_ALU_RSH_X:
		DST = (u32)DST >> (SRC & 31);
		CONT;
h_ALU_RSH_K:
		DST = (u32)DST >> (IMM & 31);
		CONT;
h_ALU64_RSH_X:
		DST = DST >> (SRC & 63);
		CONT;
h_ALU64_RSH_K:
		DST = DST >> (IMM & 63);
		CONT;
h_ALU_ARSH_X:
		DST = (u32)((s32)DST >> (SRC & 31));
		CONT;
h_ALU_ARSH_K:
		DST = (u32)((s32)DST >> (IMM & 31));
		CONT;
h_ALU64_ARSH_X:
		DST = (u64)((s64)DST >> (SRC & 63));
		CONT;
h_ALU64_ARSH_K:
		DST = (u64)((s64)DST >> (IMM & 63));
		CONT;

h_ALU_SUB_X:
		/* no sub32 K: prepare makes it add32 -K (its number is SEXT32's) */
		DST_SET(u32, DST, (u32)(v_ - SRC));
		CONT;
h_ALU64_SUB_X:
		DST = DST - SRC;
		CONT;
h_ALU64_SUB_K:
		DST = DST - (u64)(s64)IMM;
		CONT;
h_ALU_NEG:
		DST = (u32)-(u32)DST;
		CONT;
h_ALU64_NEG:
		DST = -DST;
		CONT;

h_ALU_MOV_X:
		DST = (u32)SRC;
		CONT;
h_ALU_MOV_K:
		DST = (u32)IMM;
		CONT;
h_ALU64_MOV_X:
		DST = SRC;
		CONT;
h_ALU64_MOV_K:
		DST = (u64)(s64)IMM;
		CONT;
h_ALU_MOVSX8:
		DST = (u32)(s32)(s8)SRC;
		CONT;
h_ALU_MOVSX16:
		DST = (u32)(s32)(s16)SRC;
		CONT;
h_ALU64_MOVSX8:
		DST = (u64)(s64)(s8)SRC;
		CONT;
h_ALU64_MOVSX16:
		DST = (u64)(s64)(s16)SRC;
		CONT;
h_ALU64_MOVSX32:
		DST = (u64)(s64)(s32)SRC;
		CONT;

	/*
	 * Division: x / 0 = 0, x % 0 = x (ALU: zero-extended), and for the
	 * signed forms x / -1 = -x, x % -1 = 0 (so INT_MIN / -1 does not
	 * trap).  The K forms never see 0 or (signed) -1: prepare turned
	 * those into mov/neg/nop.
	 */
h_ALU_DIV_X:
		DST = (u32)SRC ? (u32)DST / (u32)SRC : 0;
		CONT;
h_ALU_DIV_K:
		DST = (u32)DST / (u32)IMM;
		CONT;
h_ALU64_DIV_X:
		DST = SRC ? DST / SRC : 0;
		CONT;
h_ALU64_DIV_K:
		DST = DST / (u64)(s64)IMM;
		CONT;
h_ALU_MOD_X:
		DST = (u32)SRC ? (u32)DST % (u32)SRC : (u32)DST;
		CONT;
h_ALU_MOD_K:
		DST = (u32)DST % (u32)IMM;
		CONT;
h_ALU64_MOD_X:
		if (SRC)
			DST = DST % SRC;
		CONT;
h_ALU64_MOD_K:
		DST = DST % (u64)(s64)IMM;
		CONT;
h_ALU_SDIV_X:
		if ((s32)SRC == 0)
			DST = 0;
		else if ((s32)SRC == -1)
			DST = (u32)-(u32)DST;
		else
			DST = (u32)((s32)DST / (s32)SRC);
		CONT;
h_ALU_SDIV_K:
		DST = (u32)((s32)DST / IMM);
		CONT;
h_ALU64_SDIV_X:
		if (SRC == 0)
			DST = 0;
		else if ((s64)SRC == -1)
			DST = -DST;
		else
			DST = (u64)((s64)DST / (s64)SRC);
		CONT;
h_ALU64_SDIV_K:
		DST = (u64)((s64)DST / (s64)IMM);
		CONT;
h_ALU_SMOD_X:
		if ((s32)SRC == 0)
			DST = (u32)DST;
		else if ((s32)SRC == -1)
			DST = 0;
		else
			DST = (u32)((s32)DST % (s32)SRC);
		CONT;
h_ALU_SMOD_K:
		DST = (u32)((s32)DST % IMM);
		CONT;
h_ALU64_SMOD_X:
		if ((s64)SRC == -1)
			DST = 0;
		else if (SRC)
			DST = (u64)((s64)DST % (s64)SRC);
		CONT;
h_ALU64_SMOD_K:
		DST = (u64)((s64)DST % (s64)IMM);
		CONT;

	/* Byte order (little-endian host): le truncates, be/bswap swap. */
h_ALU_END_LE:
		DST = (u16)DST;
		CONT;
h_ALU_END_BE:
h_ALU64_BSWAP:
		DST = abpf_bswap16((u16)DST);
		CONT;
h_END_SWAP32:
		DST = abpf_bswap32((u32)DST);
		CONT;
h_END_SWAP64:
		DST = abpf_bswap64(DST);
		CONT;

	/*
	 * Jumps: a taken jump dispatches on its own, so that the compiler
	 * does not merge it with the fall-through into one dispatch that
	 * needs the new insn in another register.
	 */
h_JMP_JA:
		TAKEN;
h_JMP_JA_BE:
		BUDGET;
		TAKEN;
h_JMP32_JA:
		insn += IMM;
		CONT;
h_JMP32_JA_BE:
		BUDGET;
		insn += IMM;
		CONT;

#define JCOND(NAME, TEST, T64, T32)					\
h_JMP_##NAME##_X:						\
		if (TEST((T64)DST, (T64)SRC))				\
			TAKEN;						\
		CONT;							\
h_JMP_##NAME##_K:						\
		if (TEST((T64)DST, (T64)(s64)IMM))			\
			TAKEN;						\
		CONT;							\
h_JMP32_##NAME##_X:						\
		if (TEST((T32)DST, (T32)SRC))				\
			JUMP32;						\
		CONT;							\
h_JMP32_##NAME##_K:						\
		if (TEST((T32)DST, (T32)IMM))				\
			JUMP32;						\
		CONT;							\
h_JMP_##NAME##_X_BE:						\
		if (TEST((T64)DST, (T64)SRC)) {				\
			BUDGET;						\
			TAKEN;						\
		}							\
		CONT;							\
h_JMP_##NAME##_K_BE:						\
		if (TEST((T64)DST, (T64)(s64)IMM)) {			\
			BUDGET;						\
			TAKEN;						\
		}							\
		CONT;							\

	JCOND(JEQ, T_EQ, u64, u32)
	JCOND(JNE, T_NE, u64, u32)
	JCOND(JGT, T_GT, u64, u32)
	JCOND(JGE, T_GE, u64, u32)
	JCOND(JLT, T_LT, u64, u32)
	JCOND(JLE, T_LE, u64, u32)
	JCOND(JSET, T_SET, u64, u32)
	JCOND(JSGT, T_GT, s64, s32)
	JCOND(JSGE, T_GE, s64, s32)
	JCOND(JSLT, T_LT, s64, s32)
	JCOND(JSLE, T_LE, s64, s32)
#undef JCOND

	/* Calls. prepare checked that helper ids in imm exist. */
h_JMP_CALL:
		regs[BPF_REG_0] = c->helpers[IMM].fn(regs[1], regs[2], regs[3],
						  regs[4], regs[5], rc);
		CONT;
h_CALL_STOP:
		regs[BPF_REG_0] = c->helpers[IMM].fn(regs[1], regs[2], regs[3],
						  regs[4], regs[5], rc);
		if (unlikely(rc->stop || rc->error))
			goto helper_stop;
		CONT;
h_JMP_CALLX:
		if (unlikely(DST >= c->nr_helpers || !c->helpers[DST].fn))
			goto abort_inval;
		helper = &c->helpers[DST];
		regs[BPF_REG_0] = helper->fn(regs[1], regs[2], regs[3],
					     regs[4], regs[5], rc);
		if ((helper->flags & ABPF_HELPER_MAY_STOP) &&
		    unlikely(rc->stop || rc->error))
			goto helper_stop;
		CONT;
h_CALL_LOCAL:
		/* off: the caller's frame size; the callee's r10 is below. */
		BUDGET;
		if (unlikely(frame == &frames[ARRAY_SIZE(frame_stack)]))
			goto abort_loop;
		frame->ret = insn;
		frame->callee_saved[0] = regs[BPF_REG_6];
		frame->callee_saved[1] = regs[BPF_REG_7];
		frame->callee_saved[2] = regs[BPF_REG_8];
		frame->callee_saved[3] = regs[BPF_REG_9];
		frame->fp = regs[BPF_REG_10];
		frame++;
		regs[BPF_REG_10] -= (u16)OFF;
		insn += (s64)IMM + 1;
		NEXT;
h_CALL_LOCAL_LEAF:
		/*
		 * The callee and what it calls name none of r6-r10: they
		 * keep the caller's values, only the return slot is saved.
		 */
		BUDGET;
		if (unlikely(frame == &frames[ARRAY_SIZE(frame_stack)]))
			goto abort_loop;
		frame->ret = insn;
		frame++;
		insn += (s64)IMM + 1;
		NEXT;
h_EXIT_LEAF:
		if (unlikely(frame == frames))
			goto done;
		frame--;
		insn = frame->ret;
		CONT;
	/* ABPF_H_P_RET32K */
h_STX_ATOMIC_DW:
		/* from main: the run's result straight away */
		if (likely(frame == frames)) {
			ret = (u32)IMM;
			goto out;
		}
		regs[BPF_REG_0] = (u32)IMM;
		insn++;
		goto h_JMP_EXIT;
h_JMP_EXIT:
		if (frame == frames)
			goto done;
		frame--;
		regs[BPF_REG_6] = frame->callee_saved[0];
		regs[BPF_REG_7] = frame->callee_saved[1];
		regs[BPF_REG_8] = frame->callee_saved[2];
		regs[BPF_REG_9] = frame->callee_saved[3];
		regs[BPF_REG_10] = frame->fp;
		insn = frame->ret;
		CONT;

h_LD_IMM_DW:
		DST = (u64)(u32)IMM | ((u64)(u32)insn[1].imm << 32);
		insn += 2;
		NEXT;
h_P_LDDW_CALL:
		DST = (u64)(u32)IMM | ((u64)(u32)insn[1].imm << 32);
		insn += 2;
		goto h_JMP_CALL;

	/*
	 * Legacy packet loads: network to host order into r0; out of
	 * bounds (or a negative offset) ends the program with r0 = 0.
	 */
#define LD_PKT(SZ, SIZE, LOAD)						\
h_LD_ABS_##SZ:							\
		poff = (u32)IMM;					\
		goto ld_pkt_##SZ;					\
h_LD_IND_##SZ:							\
		poff = (u32)SRC_OFF + (u32)IMM;				\
ld_pkt_##SZ:							\
		if (unlikely((s32)poff < 0 || poff >= rc->pkt_len ||	\
			     rc->pkt_len - poff < (SIZE)))		\
			goto pkt_out;					\
		regs[BPF_REG_0] = LOAD(rc->pkt + poff);			\
		CONT;
#define LOAD_W(p)	abpf_bswap32(*(const abpf_u32_ua *)(p))
#define LOAD_H(p)	abpf_bswap16(*(const abpf_u16_ua *)(p))
#define LOAD_B(p)	(*(const u8 *)(p))
	LD_PKT(W, 4, LOAD_W)
	LD_PKT(H, 2, LOAD_H)
	LD_PKT(B, 1, LOAD_B)
#undef LD_PKT

	/*
	 * Loads and stores; the _CHK handlers compute the address once,
	 * check it, and access it.
	 */
#define LD(T)		(*(const T *)(unsigned long)addr)
#define ST(T, V)	(*(T *)(unsigned long)addr = (T)(V))
#define LDST(SZ, T, LG)							\
h_LDX_MEM_##SZ##_CHK:						\
		addr = SRC + OFF;					\
		MEM_CHECK(addr, LG, false);				\
		DST = LD(T);						\
		CONT;							\
h_LDX_MEM_##SZ:							\
		addr = SRC + OFF;					\
		DST = LD(T);						\
		CONT;							\
h_ST_MEM_##SZ##_CHK:						\
		addr = DST + OFF;					\
		MEM_CHECK(addr, LG, true);				\
		ST(T, (s64)IMM);					\
		CONT;							\
h_ST_MEM_##SZ:							\
		addr = DST + OFF;					\
		ST(T, (s64)IMM);					\
		CONT;							\
h_STX_MEM_##SZ##_CHK:						\
		addr = DST + OFF;					\
		MEM_CHECK(addr, LG, true);				\
		ST(T, SRC);						\
		CONT;							\
h_STX_MEM_##SZ:							\
		addr = DST + OFF;					\
		ST(T, SRC);						\
		CONT;
	LDST(B, u8, 0)
	LDST(H, abpf_u16_ua, 1)
	LDST(W, abpf_u32_ua, 2)
	LDST(DW, abpf_u64_ua, 3)
#undef LDST
#define LDSX(SZ, T, ST, LG)						\
h_LDX_MEMSX_##SZ##_CHK:						\
		addr = SRC + OFF;					\
		MEM_CHECK(addr, LG, false);				\
		DST = (u64)(s64)(ST)LD(T);				\
		CONT;							\
h_LDX_MEMSX_##SZ:						\
		addr = SRC + OFF;					\
		DST = (u64)(s64)(ST)LD(T);				\
		CONT;
	LDSX(B, u8, s8, 0)
	LDSX(H, abpf_u16_ua, s16, 1)
	LDSX(W, abpf_u32_ua, s32, 2)
#undef LDSX
#undef LD
#undef ST

	/* Atomics on *(dst + off); fetch forms return the old value. */
#define ATOMIC_H(SZ, V)						\
h_A##SZ##_##V:							\
		addr = ADST + OFF;
#define ATOMICS(SZ, LG, A_OPS, A_FETCH, A_XCHG, A_CMPXCHG, T)			\
h_A##SZ##_CHK:							\
		ATOMIC_CHECK(ADST + OFF, LG);				\
		goto *jumptable[(u8)IMM];				\
	ATOMIC_H(SZ, ADD)						\
		A_OPS(add, (void *)(unsigned long)addr, ASRC);		\
		CONT;							\
	ATOMIC_H(SZ, OR)						\
		A_OPS(or, (void *)(unsigned long)addr, ASRC);		\
		CONT;							\
	ATOMIC_H(SZ, AND)						\
		A_OPS(and, (void *)(unsigned long)addr, ASRC);		\
		CONT;							\
	ATOMIC_H(SZ, XOR)						\
		A_OPS(xor, (void *)(unsigned long)addr, ASRC);		\
		CONT;							\
	ATOMIC_H(SZ, FADD)					\
		ASRC = (T)A_FETCH(add, (void *)(unsigned long)addr, ASRC); \
		CONT;							\
	ATOMIC_H(SZ, FOR)						\
		ASRC = (T)A_FETCH(or, (void *)(unsigned long)addr, ASRC); \
		CONT;							\
	ATOMIC_H(SZ, FAND)					\
		ASRC = (T)A_FETCH(and, (void *)(unsigned long)addr, ASRC); \
		CONT;							\
	ATOMIC_H(SZ, FXOR)					\
		ASRC = (T)A_FETCH(xor, (void *)(unsigned long)addr, ASRC); \
		CONT;							\
	ATOMIC_H(SZ, XCHG)					\
		ASRC = (T)A_XCHG((void *)(unsigned long)addr, ASRC);	\
		CONT;							\
	ATOMIC_H(SZ, CMPXCHG)					\
		regs[BPF_REG_0] = (T)A_CMPXCHG((void *)(unsigned long)addr, \
					     regs[BPF_REG_0], ASRC);	\
		CONT;
	ATOMICS(W, 2, ABPF_ATOMIC32, ABPF_FETCH32, ABPF_XCHG32,
		ABPF_CMPXCHG32, u32)
	ATOMICS(DW, 3, ABPF_ATOMIC64, ABPF_FETCH64, ABPF_XCHG64,
		ABPF_CMPXCHG64, u64)
#undef ATOMICS
#undef ATOMIC_H

h_INVALID:
		goto abort_inval;

#undef DST
#undef SRC
#undef IMM
#undef OFF
#undef NEXT
#undef SRC_OFF
#undef ADST
#undef ASRC
#undef CONT
#undef BUDGET
#undef DST_SET
#undef TAKEN
#undef JUMP32
#undef MEM_CHECK
#undef ATOMIC_CHECK

done:
	ret = regs[BPF_REG_0];
	goto out;
pkt_out:
	ret = 0;
	goto out;
helper_stop:
	if (rc->error)
		rc->error_pc = insn - code;
	ret = 0;
	goto out;
	/*
	 * The error codes are stored here rather than kept in a variable:
	 * gcc hoisted "err = -ELOOP" above the budget test of every back-
	 * edge, one instruction more on the path taken.
	 */
abort_range:
	rc->error = -ERANGE;
	goto abort;
abort_budget:
	budget1 = 1;		/* none left: rc->budget = 0 */
abort_loop:
	rc->error = -ELOOP;
	goto abort;
abort_inval:
	rc->error = -EINVAL;
abort:
	rc->error_pc = insn - code;
	ret = 0;
out:
	rc->budget = budget1 - 1;
	/* The stack dies with this frame: no helper may use it after. */
	rc->stack_lo = 0;
	rc->stack_hi = 0;
	if (likely(!rc->tail_prog))
		return ret;
	/*
	 * bpf_tail_call (maps.h) stopped the program: the target runs in its
	 * place with the same r1/r2, in a fresh frame; the count (at most
	 * ABPF_MAX_TAIL_CALLS) is kept in rc.
	 */
	c = rc->tail_prog->interp_priv;
	rc->tail_prog = NULL;
	goto run;
}

/*
 * A JIT image whose program made a tail call ends with a jump here (rc as
 * the only argument, nothing of the image on the stack): run the chain of
 * targets, each on its own engine, and return the last one's r0.
 */
u64 abpf_tail_call_dispatch(struct abpf_run_ctx *rc)
{
	u64 ret = 0;

	rc->tail_loop = 1;
	while (rc->tail_prog) {
		const struct abpf_prog *prog = rc->tail_prog;

		rc->tail_prog = NULL;
		if (prog->jit_func)
			ret = prog->jit_func(rc);
		else
			ret = abpf_interp_run(prog, rc);
	}
	rc->tail_loop = 0;
	return ret;
}

static int abpf_atomic_index(s32 imm)
{
	switch (imm) {
	case BPF_ADD:			return 0;
	case BPF_OR:			return 1;
	case BPF_AND:			return 2;
	case BPF_XOR:			return 3;
	case BPF_ADD | BPF_FETCH:	return 4;
	case BPF_OR | BPF_FETCH:	return 5;
	case BPF_AND | BPF_FETCH:	return 6;
	case BPF_XOR | BPF_FETCH:	return 7;
	case BPF_XCHG:			return 8;
	case BPF_CMPXCHG:		return 9;
	default:			return -1;
	}
}

static bool abpf_jump_ok(u32 pc, s64 rel, u32 len)
{
	s64 target = (s64)pc + rel + 1;

	return target >= 0 && target < len;
}

/* Pick the handler for instruction pc; false if it cannot run. */
static bool abpf_decode_one(const struct abpf_prog *prog, u32 pc,
			    struct abpf_dinsn *d)
{
	const struct bpf_insn *insn = &prog->insns[pc];
	const struct abpf_opcode_info *info = &abpf_opcode_table[insn->code];
	u8 aux = prog->aux[pc].flags;
	bool chk = aux & ABPF_AUX_MEMCHK;
	bool be = aux & ABPF_AUX_BACKEDGE;
	bool alu64 = BPF_CLASS(insn->code) == BPF_ALU64;
	const struct abpf_helper_table *ht = prog->helpers;
	int op = info->op, idx;
	u8 src = insn->src_reg;
	u32 sub;

	if (!info->valid || insn->dst_reg >= ABPF_NR_REGS)
		return false;
	d->off = insn->off;
	d->imm = insn->imm;

	switch (info->form) {
	case ABPF_FORM_ALU_K:
		switch (BPF_OP(insn->code)) {
		case BPF_SUB:
			/* dst -= k is dst += -k: one handler for loop counters */
			if (!alu64) {
				op = ABPF_H_ALU_ADD_K;	/* mod 2^32 */
				d->imm = (s32)(0U - (u32)insn->imm);
			} else if ((u32)insn->imm != 0x80000000U) {
				op = ABPF_H_ALU64_ADD_K;
				d->imm = (s32)(0U - (u32)insn->imm);
			}
			break;
		case BPF_LSH:
		case BPF_RSH:
		case BPF_ARSH:
			d->imm &= alu64 ? 63 : 31;
			break;
		case BPF_DIV:
		case BPF_MOD:
			if (insn->off != 0 && insn->off != 1)
				return false;
			if (insn->imm == 0) {
				/* x / 0 = 0; x % 0 = x (ALU: zero-extended) */
				if (BPF_OP(insn->code) == BPF_DIV) {
					op = alu64 ? ABPF_H_ALU64_MOV_K :
						     ABPF_H_ALU_MOV_K;
				} else if (alu64) {
					op = ABPF_H_JMP_JA;	/* nop */
					d->off = 0;
				} else {
					op = ABPF_H_ALU_MOV_X;
					src = insn->dst_reg;
				}
				d->imm = 0;
				break;
			}
			if (!insn->off)
				break;
			if (insn->imm == -1) {
				/* x s/ -1 = -x; x s% -1 = 0 */
				if (BPF_OP(insn->code) == BPF_DIV) {
					op = alu64 ? ABPF_H_ALU64_NEG :
						     ABPF_H_ALU_NEG;
				} else {
					op = alu64 ? ABPF_H_ALU64_MOV_K :
						     ABPF_H_ALU_MOV_K;
					d->imm = 0;
				}
				break;
			}
			if (BPF_OP(insn->code) == BPF_DIV)
				op = alu64 ? ABPF_H_ALU64_SDIV_K :
					     ABPF_H_ALU_SDIV_K;
			else
				op = alu64 ? ABPF_H_ALU64_SMOD_K :
					     ABPF_H_ALU_SMOD_K;
			break;
		}
		break;
	case ABPF_FORM_ALU_X:
		if (insn->src_reg >= ABPF_NR_REGS)
			return false;
		switch (BPF_OP(insn->code)) {
		case BPF_DIV:
		case BPF_MOD:
			if (!insn->off)
				break;
			if (insn->off != 1)
				return false;
			if (BPF_OP(insn->code) == BPF_DIV)
				op = alu64 ? ABPF_H_ALU64_SDIV_X :
					     ABPF_H_ALU_SDIV_X;
			else
				op = alu64 ? ABPF_H_ALU64_SMOD_X :
					     ABPF_H_ALU_SMOD_X;
			break;
		case BPF_MOV:
			switch (insn->off) {
			case 0:
				break;
			case 8:
				op = alu64 ? ABPF_H_ALU64_MOVSX8 :
					     ABPF_H_ALU_MOVSX8;
				break;
			case 16:
				op = alu64 ? ABPF_H_ALU64_MOVSX16 :
					     ABPF_H_ALU_MOVSX16;
				break;
			case 32:
				if (!alu64)
					return false;
				op = ABPF_H_ALU64_MOVSX32;
				break;
			default:
				return false;
			}
			break;
		}
		break;
	case ABPF_FORM_NEG:
		break;
	case ABPF_FORM_END:
		switch (insn->imm) {
		case 16:
			break;
		case 32:
			op = ABPF_H_END_SWAP32;
			if (BPF_SRC(insn->code) == BPF_TO_LE && !alu64) {
				op = ABPF_H_ALU_MOV_X;	/* mov32 dst, dst */
				src = insn->dst_reg;
			}
			break;
		case 64:
			op = ABPF_H_END_SWAP64;
			if (BPF_SRC(insn->code) == BPF_TO_LE && !alu64) {
				op = ABPF_H_JMP_JA;	/* nop: ja +0 */
				d->off = 0;
			}
			break;
		default:
			return false;
		}
		break;
	case ABPF_FORM_JA:
		if (!abpf_jump_ok(pc, insn->off, prog->len))
			return false;
		if (be)
			op = ABPF_H_JMP_JA_BE;
		break;
	case ABPF_FORM_JA32:
		if (!abpf_jump_ok(pc, insn->imm, prog->len))
			return false;
		if (be)
			op = ABPF_H_JMP32_JA_BE;
		break;
	case ABPF_FORM_JCOND_X:
		if (insn->src_reg >= ABPF_NR_REGS)
			return false;
		fallthrough;
	case ABPF_FORM_JCOND_K:
		if (!abpf_jump_ok(pc, insn->off, prog->len))
			return false;
		if (be && BPF_CLASS(insn->code) == BPF_JMP)
			op += ABPF_H_JMP_JEQ_K_BE - ABPF_H_JMP_JEQ_K;
		break;
	case ABPF_FORM_CALL:
		if (insn->src_reg == BPF_PSEUDO_CALL) {
			if (!abpf_jump_ok(pc, insn->imm, prog->len))
				return false;
			sub = prog->aux[pc].subprog;
			if (sub >= prog->nr_subprogs || !prog->subprogs ||
			    prog->subprogs[sub].stack_depth > ABPF_MAX_STACK)
				return false;
			op = ABPF_H_CALL_LOCAL;
			d->off = (s16)prog->subprogs[sub].stack_depth;
			src = 0;
			break;
		}
		if (insn->src_reg || !ht || insn->imm < 0 ||
		    (u32)insn->imm >= ht->count ||
		    !ht->helpers[insn->imm].fn)
			return false;
		if (ht->helpers[insn->imm].flags & ABPF_HELPER_MAY_STOP)
			op = ABPF_H_CALL_STOP;
		break;
	case ABPF_FORM_CALLX:
	case ABPF_FORM_EXIT:
		break;
	case ABPF_FORM_LDDW:
		/* the second slot stays ABPF_H_INVALID with the high imm */
		if (pc + 1 >= prog->len)
			return false;
		src = 0;
		break;
	case ABPF_FORM_LD_ABS:
		break;
	case ABPF_FORM_LD_IND:
		if (insn->src_reg >= ABPF_NR_REGS)
			return false;
		break;
	case ABPF_FORM_LDX:
	case ABPF_FORM_ST:
	case ABPF_FORM_STX:
		if (insn->src_reg >= ABPF_NR_REGS)
			return false;
		if (chk)
			op += ABPF_H_LDX_MEM_W_CHK - ABPF_H_LDX_MEM_W;
		break;
	case ABPF_FORM_ATOMIC:
		if (insn->src_reg >= ABPF_NR_REGS)
			return false;
		idx = abpf_atomic_index(insn->imm);
		if (idx < 0)
			return false;
		if (BPF_SIZE(insn->code) == BPF_DW)
			idx += ABPF_H_ADW_ADD - ABPF_H_AW_ADD;
		op = ABPF_H_AW_ADD + idx;
		if (chk) {
			/* check, then continue in handler imm */
			d->imm = op;
			op = BPF_SIZE(insn->code) == BPF_DW ? ABPF_H_ADW_CHK :
							      ABPF_H_AW_CHK;
		}
		break;
	default:
		return false;
	}
	d->op = op;
	d->dst = insn->dst_reg;
	/* where the handler finds src (struct abpf_dinsn) */
	if (op == ABPF_H_ALU_MOV_X)	/* also mod32 by 0: mov32 dst, dst */
		d->imm = src;
	switch (info->form) {
	case ABPF_FORM_ALU_X:
	case ABPF_FORM_JCOND_X:
	case ABPF_FORM_LDX:
	case ABPF_FORM_STX:
		d->imm = src;
		break;
	case ABPF_FORM_LD_IND:
		d->off = src;
		break;
	case ABPF_FORM_ATOMIC:
		d->dst |= src << 4;
		break;
	}
	return true;
}

/* The 3-address superinstruction for a decoded ALU K handler, or -1. */
static int abpf_alu3_handler(u8 op)
{
	switch (op) {
#define ABPF_ALU3_CASE(OP)						\
	case ABPF_H_ALU_##OP##_K:	return ABPF_H_ALU_##OP##_K3;	\
	case ABPF_H_ALU64_##OP##_K:	return ABPF_H_ALU64_##OP##_K3;
	ABPF_ALU3_OPS(ABPF_ALU3_CASE)
#undef ABPF_ALU3_CASE
	default:
		return -1;
	}
}

/*
 * Fuse "mov dst, src; op dst, imm" (both ALU64 or both ALU32, plain mov)
 * into the first slot: dst = src op imm.  The second slot keeps its own
 * handler, so a jump to it still runs just the second instruction.
 */
static void abpf_fuse_alu3(const struct abpf_prog *prog, u32 pc,
			   struct abpf_dinsn *d)
{
	const struct bpf_insn *mov = &prog->insns[pc], *alu = mov + 1;
	int op;

	if (BPF_OP(mov->code) != BPF_MOV || BPF_SRC(mov->code) != BPF_X ||
	    mov->off || (BPF_CLASS(mov->code) != BPF_ALU &&
			 BPF_CLASS(mov->code) != BPF_ALU64))
		return;
	if (BPF_CLASS(alu->code) != BPF_CLASS(mov->code) ||
	    BPF_SRC(alu->code) != BPF_K || alu->dst_reg != mov->dst_reg)
		return;
	/* what prepare made of the alu (sub K is add -K) */
	op = abpf_alu3_handler(d[1].op);
	if (op < 0 || d[0].op != abpf_opcode_table[mov->code].op)
		return;
	d[0].op = op;
	d[0].off = mov->src_reg;	/* ALU3 handlers read src from off */
	d[0].imm = d[1].imm;		/* shift counts already masked */
}

/*
 * "mov64 dst, src; add64 dst, src2" (src2 != dst, which the mov changed)
 * as dst = src + src2 from the first slot: src in off, src2 in imm; the
 * same in 32 bits for add and xor.
 */
static void abpf_fuse_x3(const struct abpf_prog *prog, u32 pc,
			 struct abpf_dinsn *d)
{
	const struct bpf_insn *mov = &prog->insns[pc], *alu = mov + 1;
	u8 op;

	if (mov->off || alu->dst_reg != mov->dst_reg ||
	    alu->src_reg == mov->dst_reg)
		return;
	if (d[0].op == ABPF_H_ALU64_MOV_X && d[1].op == ABPF_H_ALU64_ADD_X &&
	    mov->code == (BPF_ALU64 | BPF_MOV | BPF_X) &&
	    alu->code == (BPF_ALU64 | BPF_ADD | BPF_X))
		op = ABPF_H_ALU64_ADD_X3;
	else if (d[0].op == ABPF_H_ALU_MOV_X && d[1].op == ABPF_H_ALU_ADD_X &&
		 mov->code == (BPF_ALU | BPF_MOV | BPF_X) &&
		 alu->code == (BPF_ALU | BPF_ADD | BPF_X))
		op = ABPF_H_ALU_ADD_X3;
	else if (d[0].op == ABPF_H_ALU_MOV_X && d[1].op == ABPF_H_ALU_XOR_X &&
		 mov->code == (BPF_ALU | BPF_MOV | BPF_X) &&
		 alu->code == (BPF_ALU | BPF_XOR | BPF_X))
		op = ABPF_H_ALU_XOR_X3;
	else
		return;
	d[0].op = op;
	d[0].off = mov->src_reg;
	d[0].imm = alu->src_reg;
}

/*
 * "lsh64 dst, 32; arsh64 dst, 32" as dst = (s32)dst (two slots), and the
 * same after "mov64 dst, src" (already a 3-address lsh: three slots).
 */
static void abpf_fuse_sext(u32 left, struct abpf_dinsn *d)
{
	if (left > 1 && d[0].op == ABPF_H_ALU64_LSH_K && d[0].imm == 32 &&
	    d[1].op == ABPF_H_ALU64_ARSH_K && d[1].imm == 32 &&
	    d[1].dst == d[0].dst)
		d[0].op = ABPF_H_ALU64_SEXT32;
	else if (left > 2 && d[0].op == ABPF_H_ALU64_LSH_K3 &&
		 d[0].imm == 32 && d[2].op == ABPF_H_ALU64_ARSH_K &&
		 d[2].imm == 32 && d[2].dst == d[0].dst)
		d[0].op = ABPF_H_ALU64_SEXT32_3;
}

/* "mov32 r0, imm; exit" (not a subprogram's EXIT_LEAF) */
static void abpf_fuse_ret(struct abpf_dinsn *d)
{
	if (d[0].op == ABPF_H_ALU_MOV_K && d[0].dst == BPF_REG_0 &&
	    d[1].op == ABPF_H_JMP_EXIT)
		d[0].op = ABPF_H_P_RET32K;
}

/* lddw (two slots) then a helper call: one dispatch less. */
static void abpf_fuse_lddw_call(u32 left, struct abpf_dinsn *d)
{
	if (left > 2 && d[0].op == ABPF_H_LD_IMM_DW &&
	    d[2].op == ABPF_H_JMP_CALL)
		d[0].op = ABPF_H_P_LDDW_CALL;
}

#define ABPF_PAIR_ENTRY(NAME, FIRST, SECOND)				\
	{ ABPF_H_##FIRST, ABPF_H_##SECOND, ABPF_H_P_##NAME },
/* { first, second, pair }: ABPF_PAIR_OPS, then ABPF_PAIR3_OPS */
static const u8 abpf_pairs[][3] = { ABPF_PAIR_OPS(ABPF_PAIR_ENTRY) };
static const u8 abpf_pairs3[][3] = { ABPF_PAIR3_OPS(ABPF_PAIR_ENTRY) };
#undef ABPF_PAIR_ENTRY

/* d->op becomes the pair of d->op and second in the table, if any. */
static void abpf_fuse_from(const u8 (*pairs)[3], u32 n, struct abpf_dinsn *d,
			   u8 second)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (d->op == pairs[i][0] && second == pairs[i][1]) {
			d->op = pairs[i][2];
			return;
		}
	}
}

/*
 * Pairs: d[0] with d[1]; pairs of a 3-address superinstruction (two
 * slots) in d[0] with what follows it in d[2].
 */
static void abpf_fuse_pair(u32 left, struct abpf_dinsn *d)
{
	if (left > 2)
		abpf_fuse_from(abpf_pairs3, ARRAY_SIZE(abpf_pairs3), d,
			       d[2].op);
	abpf_fuse_from(abpf_pairs, ARRAY_SIZE(abpf_pairs), d, d[1].op);
}

/* Does the program name r3-r9 or call anything (ABPF_SETUP_ZERO_REGS)? */
static bool abpf_interp_sees_regs(const struct abpf_prog *prog)
{
	const u16 seen = 0x3f8;		/* r3-r9 */
	u32 pc;

	for (pc = 0; pc < prog->len; pc++) {
		const struct bpf_insn *insn = &prog->insns[pc];

		if (BPF_CLASS(insn->code) == BPF_JMP &&
		    (BPF_OP(insn->code) == BPF_CALL))
			return true;
		if (((1U << insn->dst_reg) | (1U << insn->src_reg)) & seen)
			return true;
	}
	return false;
}

/*
 * Does the program read rc->stack_lo/hi (ABPF_SETUP_RC_STACK): a helper call
 * (abpf_mem_ok()) or a run-time checked access?
 */
static bool abpf_interp_needs_rc_stack(const struct abpf_prog *prog)
{
	u32 pc;

	for (pc = 0; pc < prog->len; pc++) {
		const struct bpf_insn *insn = &prog->insns[pc];

		if (prog->aux[pc].flags & ABPF_AUX_MEMCHK)
			return true;
		if (BPF_CLASS(insn->code) == BPF_JMP &&
		    BPF_OP(insn->code) == BPF_CALL &&
		    insn->src_reg != BPF_PSEUDO_CALL)
			return true;
	}
	return false;
}

/*
 * Local calls of subprograms that name none of r6-r10, nor does anything
 * they call: such a callee cannot change or read the caller's r6-r9, and
 * its r10 is never read, so the call saves only its return slot
 * (CALL_LOCAL_LEAF) and the callee's exits restore only that
 * (EXIT_LEAF).  Small helper functions are usually like that.  Each
 * subprogram's mask of named r6-r10 is closed over its calls first.
 */
static int abpf_interp_leaf_calls(const struct abpf_prog *prog,
				  struct abpf_dinsn *d)
{
	const u16 callee_saved = 0x7c0;		/* r6-r10 */
	u32 pc, sub, callee, n = prog->nr_subprogs;
	bool changed = true;
	u16 *named;

	if (!n || !prog->subprogs)
		return 0;
	named = abpf_zalloc(n * sizeof(*named));
	if (!named)
		return -ENOMEM;
	for (pc = 0; pc < prog->len; pc++) {
		const struct bpf_insn *insn = &prog->insns[pc];

		sub = prog->aux[pc].subprog;
		if (sub >= n)
			goto out;
		named[sub] |= ((1U << insn->dst_reg) | (1U << insn->src_reg)) &
			      callee_saved;
	}
	while (changed) {
		changed = false;
		for (pc = 0; pc < prog->len; pc++) {
			if (d[pc].op != ABPF_H_CALL_LOCAL)
				continue;
			sub = prog->aux[pc].subprog;
			callee = prog->aux[pc + d[pc].imm + 1].subprog;
			if (callee >= n)
				goto out;
			if (named[callee] & ~named[sub]) {
				named[sub] |= named[callee];
				changed = true;
			}
		}
	}
	for (pc = 0; pc < prog->len; pc++) {
		sub = prog->aux[pc].subprog;
		if (d[pc].op == ABPF_H_CALL_LOCAL) {
			callee = prog->aux[pc + d[pc].imm + 1].subprog;
			if (!named[callee])
				d[pc].op = ABPF_H_CALL_LOCAL_LEAF;
		} else if (d[pc].op == ABPF_H_JMP_EXIT && sub && !named[sub]) {
			d[pc].op = ABPF_H_EXIT_LEAF;
		}
	}
out:
	abpf_free(named);
	return 0;
}

int abpf_interp_prepare(struct abpf_prog *prog)
{
	struct abpf_interp_code *code;
	u32 pc;

	if (!prog->aux || !prog->insns || !prog->len ||
	    prog->len > ABPF_MAX_INSNS)
		return -EINVAL;
	abpf_interp_release(prog);

	code = abpf_zalloc(sizeof(*code) +
			   ((size_t)prog->len + 1) * sizeof(code->insns[0]));
	if (!code)
		return -ENOMEM;
	code->len = prog->len;
	if (prog->helpers) {
		code->helpers = prog->helpers->helpers;
		code->nr_helpers = prog->helpers->count;
	}
	code->stack_size = (prog->stack_depth + 7) & ~7U;
	if (code->stack_size > ABPF_MAX_STACK)
		code->stack_size = ABPF_MAX_STACK;
	if (abpf_interp_sees_regs(prog))
		code->setup |= ABPF_SETUP_ZERO_REGS;
	if (abpf_interp_needs_rc_stack(prog))
		code->setup |= ABPF_SETUP_RC_STACK;
	if (prog->flags & ABPF_PROG_ZERO_STACK)
		code->setup |= ABPF_SETUP_ZERO_STACK;
	for (pc = 0; pc < ARRAY_SIZE(code->stack_lim); pc++)
		if (code->stack_size >= 1U << pc)
			code->stack_lim[pc] = code->stack_size - (1U << pc) + 1;
	for (pc = 0; pc <= prog->len; pc++)
		code->insns[pc].op = ABPF_H_INVALID;

	for (pc = 0; pc < prog->len; pc++) {
		if (!abpf_decode_one(prog, pc, &code->insns[pc])) {
			abpf_free(code);
			return -EINVAL;
		}
		if (abpf_is_lddw(&prog->insns[pc])) {
			pc++;
			code->insns[pc].imm = prog->insns[pc].imm;
		}
	}
	if (abpf_interp_leaf_calls(prog, code->insns)) {
		abpf_free(code);
		return -ENOMEM;
	}
	/*
	 * Two passes: pairs of a 3-address superinstruction look at what the
	 * first made of the slot after them.  The second goes from the last
	 * slot back, so that a pair sees the pair its second slot became (and
	 * can continue in it).  A pair jumps to its second's label, so a
	 * slot keeps meaning what it meant when a pair before it was formed.
	 */
	for (pc = 0; pc + 1 < prog->len; pc++) {
		abpf_fuse_alu3(prog, pc, &code->insns[pc]);
		abpf_fuse_x3(prog, pc, &code->insns[pc]);
		abpf_fuse_lddw_call(prog->len - pc, &code->insns[pc]);
	}
	for (pc = prog->len - 1; pc-- > 0; ) {
		abpf_fuse_sext(prog->len - pc, &code->insns[pc]);
		abpf_fuse_ret(&code->insns[pc]);
		abpf_fuse_pair(prog->len - pc, &code->insns[pc]);
	}
	prog->interp_priv = code;
	return 0;
}

void abpf_interp_release(struct abpf_prog *prog)
{
	abpf_free(prog->interp_priv);
	prog->interp_priv = NULL;
}
