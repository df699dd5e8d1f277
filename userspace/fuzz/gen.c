// SPDX-License-Identifier: GPL-2.0
/*
 * gen.c - structure-aware program generator for the fuzzer (gen.h).
 *
 * Layout of a structured case: main function, then 0-3 subprograms.
 * Every function starts with a prologue (r6 = the memory pointer, r0 and
 * r7-r9 set, stack words fp-8..fp-64 written) and ends with an epilogue
 * that folds r0, r7-r9 and some stack words into r0 and exits, so that
 * any difference in a register or the stack shows in r0.  Between them,
 * items chosen by the bytes: ALU ops of every kind, forward jumps (JMP,
 * JMP32, ja, ja32), bounded loops, loops that exhaust the budget and raw
 * back-edges, stack accesses at constant, derived and variable offsets,
 * input memory and context accesses, packet accesses through data ..
 * data_end (bounds-checked or not, loops over the packet), atomics, map
 * lookups/updates/deletes, map values at variable offsets and atomics on
 * them, direct map values, lddw, legacy packet loads, helper calls (the
 * type's own too), callx, tail calls, bpf-to-bpf calls with pointers
 * passed down, pointer spills, and the odd fully random instruction.
 */
#include "gen.h"
#include "ctx.h"
#include "insn_build.h"

#define EPILOGUE_ROOM	48
#define MAX_FWD		256
#define MAX_CALLS	64
#define MAX_FUNCS	4
/* Stack slots the items use (the prologue writes fp-8..fp-64). */
#define KEY_SLOT	(-72)	/* 4-byte map key */
#define VAL_SLOT	(-104)	/* 32-byte map value */
#define SPILL_SLOT	(-112)
#define ARG_SLOT	(-120)	/* a subprogram's r2 at entry */

struct gen {
	const u8 *p;
	size_t n, pos;
	const struct fuzz_maps *maps;
	struct fuzz_case *c;
	bool hi[FUZZ_MAX_INSNS];
	bool item[FUZZ_MAX_INSNS];	/* an item starts here */
	u16 live;			/* registers believed initialised */
	bool hostile;			/* allow r10 writes, random insns */
	u32 loop_depth;
	u32 fn, nfn;
	u32 fn_entry[MAX_FUNCS];
	struct { u32 at, dist; bool snap; } fwd[MAX_FWD];
	u32 nfwd;
	struct { u32 at, fn; } calls[MAX_CALLS];
	u32 ncalls;
};

static u8 rd8(struct gen *g)
{
	return g->pos < g->n ? g->p[g->pos++] : 0;
}

static u32 rd32(struct gen *g)
{
	u32 v = rd8(g);

	v |= (u32)rd8(g) << 8;
	v |= (u32)rd8(g) << 16;
	return v | (u32)rd8(g) << 24;
}

static u32 pick(struct gen *g, u32 n)
{
	return rd8(g) % n;
}

static bool more(const struct gen *g)
{
	return g->pos < g->n;
}

/* k more insns, and the epilogue of this and prologue/epilogue of the rest */
static bool room(const struct gen *g, u32 k)
{
	return g->c->len + k + EPILOGUE_ROOM * (g->nfn - g->fn) <=
	       FUZZ_MAX_INSNS;
}

static void emit(struct gen *g, struct bpf_insn insn)
{
	if (g->c->len < FUZZ_MAX_INSNS)
		g->c->insns[g->c->len++] = insn;
}

static void emit_lddw(struct gen *g, u8 dst, u8 src, u64 v)
{
	emit(g, ABPF_RAW(BPF_LD | BPF_IMM | BPF_DW, dst, src, 0, (u32)v));
	g->hi[g->c->len] = true;
	emit(g, ABPF_RAW(0, 0, 0, 0, (u32)(v >> 32)));
}

/* Immediates near the edges more often than not. */
static s32 imm(struct gen *g)
{
	static const s32 special[] = {
		0, 1, -1, 2, 7, 8, 31, 32, 63, 64, 127, 128, -128, -129,
		255, 256, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
		(s32)0x80000000, (s32)0x80000001, -2, 16, 24, 48, 4, 3,
	};
	u8 k = rd8(g);

	if (k < 160)
		return special[k % ARRAY_SIZE(special)];
	if (k < 208)
		return (s8)rd8(g);
	return (s32)rd32(g);
}

static u8 live_reg(struct gen *g)
{
	u8 r = pick(g, 11);
	u32 k;

	for (k = 0; k < 11 && !(g->live & (1u << r)); k++)
		r = (r + 1) % 11;
	/* pointers as numbers make results address-dependent: seldom */
	if ((r == BPF_REG_10 || r == BPF_REG_6) && (rd8(g) & 7))
		r = BPF_REG_7;
	return r;
}

/* Scratch destinations: not r1 (the context) or r6 (memory), mostly. */
static u8 dst_reg(struct gen *g)
{
	static const u8 regs[] = { 0, 2, 3, 4, 5, 7, 8, 9 };
	u8 k = rd8(g);

	if (k >= 250 && g->hostile)
		return k % 11;		/* anything, r10 included */
	return regs[k % ARRAY_SIZE(regs)];
}

static void set_live(struct gen *g, u8 r)
{
	g->live |= 1u << r;
}

/* r1-r5 are dead after a call; give r2-r5 values again (not always). */
static void call_clobbers(struct gen *g)
{
	u32 k;

	g->live &= ~0x3eu;
	set_live(g, 0);
	if (g->hostile && (rd8(g) & 1))
		return;
	for (k = BPF_REG_2; k <= BPF_REG_5; k++) {
		emit(g, ABPF_MOV64_IMM(k, k));
		set_live(g, k);
	}
}

static void fwd_jump(struct gen *g, struct bpf_insn insn, u32 dist)
{
	if (g->nfwd < MAX_FWD) {
		g->fwd[g->nfwd].at = g->c->len;
		g->fwd[g->nfwd].dist = dist;
		/* mostly to the start of an item: not into its setup */
		g->fwd[g->nfwd].snap = rd8(g) >= 32;
		g->nfwd++;
	}
	emit(g, insn);
}

static const u8 alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH,
	BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END,
};
static const u8 jmp_ops[] = {
	BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT,
	BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE,
};
static const u8 sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
static const s32 atomic_ops[] = {
	BPF_ADD, BPF_OR, BPF_AND, BPF_XOR,
	BPF_ADD | BPF_FETCH, BPF_OR | BPF_FETCH,
	BPF_AND | BPF_FETCH, BPF_XOR | BPF_FETCH,
	BPF_XCHG, BPF_CMPXCHG,
};

static void gen_alu(struct gen *g)
{
	u8 op = alu_ops[pick(g, ARRAY_SIZE(alu_ops))];
	bool w = rd8(g) & 1, k = rd8(g) & 1;
	u8 dst = dst_reg(g), src = live_reg(g);
	s16 off = 0;
	s32 im = k ? imm(g) : 0;

	if (op != BPF_MOV && !(g->live & (1u << dst)) && dst != 10) {
		emit(g, ABPF_MOV64_IMM(dst, imm(g)));
		set_live(g, dst);
	}
	if (op == BPF_END) {
		static const s32 sz[] = { 16, 32, 64 };
		u8 how = pick(g, 3);

		im = sz[pick(g, 3)];
		if (how == 2)
			emit(g, ABPF_BSWAP(dst, im));
		else
			emit(g, ABPF_ENDIAN(how ? BPF_TO_BE : BPF_TO_LE, dst, im));
		return;
	}
	if (op == BPF_NEG) {
		emit(g, ABPF_RAW((w ? BPF_ALU64 : BPF_ALU) | BPF_NEG, dst, 0, 0, 0));
		return;
	}
	if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) && k &&
	    (rd8(g) & 7))
		im &= w ? 63 : 31;
	if ((op == BPF_DIV || op == BPF_MOD) && (rd8(g) & 1))
		off = 1;
	if ((op == BPF_DIV || op == BPF_MOD) && k && !im && (rd8(g) & 7))
		im = -1;
	if (op == BPF_MOV && !k && !(rd8(g) % 3)) {
		static const s16 sx[] = { 8, 16, 32 };

		off = sx[pick(g, w ? 3 : 2)];
	}
	emit(g, ABPF_RAW((w ? BPF_ALU64 : BPF_ALU) | op | (k ? BPF_K : BPF_X),
			 dst, k ? 0 : src, off, im));
	if (op == BPF_MOV)
		set_live(g, dst);
}

static void gen_fwd_jump(struct gen *g)
{
	u8 kind = pick(g, 32);
	u32 dist = 1 + pick(g, 12);

	/* ja leaves what it skips unreachable: mostly zero-length */
	if (kind == 0) {
		fwd_jump(g, ABPF_JMP_A(0), rd8(g) < 32 ? dist : 0);
	} else if (kind == 1) {
		fwd_jump(g, ABPF_JMP32_A(0), 0);
	} else if (kind == 2) {
		fwd_jump(g, ABPF_JMP32_A(0), rd8(g) < 64 ? dist : 0);
	} else {
		u8 op = jmp_ops[pick(g, ARRAY_SIZE(jmp_ops))];
		bool w = rd8(g) & 1, k = rd8(g) & 1;

		fwd_jump(g, ABPF_RAW((w ? BPF_JMP : BPF_JMP32) | op |
				     (k ? BPF_K : BPF_X), live_reg(g),
				     k ? 0 : live_reg(g), 0, k ? imm(g) : 0),
			 dist);
	}
}

static s16 stack_off(struct gen *g, u32 size)
{
	u8 k = rd8(g);

	if (k < 200)
		return -(s16)(8 * (1 + k % 8));		/* the prologue's words */
	if (k < 240)
		return -(s16)(1 + pick(g, 120));	/* anywhere, unaligned */
	return (s16)(k % 2 ? -520 : (s16)pick(g, 8) - (s16)size + 1);
}

/* One load, store or atomic (W or DW: the size given, or either). */
static void mem_insn(struct gen *g, u8 base, s16 off, bool atomics, u8 sz)
{
	u8 kind = pick(g, atomics ? 6 : 5);
	u8 dst = dst_reg(g), src = live_reg(g);

	switch (kind) {
	case 0:
	case 1:
		emit(g, ABPF_LDX_MEM(sz, dst, base, off));
		set_live(g, dst);
		break;
	case 2:
		emit(g, ABPF_LDX_MEMSX(sz == BPF_DW ? BPF_W : sz, dst, base, off));
		set_live(g, dst);
		break;
	case 3:
		emit(g, ABPF_STX_MEM(sz, base, src, off));
		break;
	case 4:
		emit(g, ABPF_ST_MEM(sz, base, off, imm(g)));
		break;
	default:
		if (sz != BPF_W && sz != BPF_DW)
			sz = rd8(g) & 1 ? BPF_DW : BPF_W;
		emit(g, ABPF_ATOMIC_OP(sz,
				       atomic_ops[pick(g, ARRAY_SIZE(atomic_ops))],
				       base, src, off));
		set_live(g, src);
		break;
	}
}

static void gen_mem_insn(struct gen *g, u8 base, s16 off, bool atomics)
{
	mem_insn(g, base, off, atomics, sizes[pick(g, 4)]);
}

/*
 * An access to an object of len bytes at base (a map value): mostly
 * inside it, often aligned, sometimes past its end.
 */
static void gen_obj_insn(struct gen *g, u8 base, u32 len)
{
	static const u32 bytes[] = { 1, 2, 4, 8 };
	u32 i = pick(g, 4), off;

	while (i && bytes[i] > len)
		i--;
	off = rd8(g) < 224 ? pick(g, len - bytes[i] + 1) : pick(g, len + 8);
	if (rd8(g) & 1)
		off &= ~(bytes[i] - 1);
	mem_insn(g, base, (s16)off, true, sizes[i]);
}

static void gen_stack(struct gen *g)
{
	u8 how = pick(g, 4), p = 2 + pick(g, 4);

	/* a variable offset takes the whole stack: rejected with calls */
	if (how >= 2 && g->nfn > 1 && (rd8(g) & 3))
		how = 1;

	if (how == 0) {
		gen_mem_insn(g, BPF_REG_10, stack_off(g, 8), true);
	} else if (how == 1) {
		/* a derived pointer at a constant offset */
		emit(g, ABPF_MOV64_REG(p, BPF_REG_10));
		emit(g, ABPF_ALU64_IMM(BPF_ADD, p, -8 * (s32)(1 + pick(g, 8))));
		set_live(g, p);
		gen_mem_insn(g, p, (s16)(8 * pick(g, 2)) - (s16)pick(g, 2) * 4,
			     true);
	} else {
		/* a variable offset: checked at run time */
		u8 q = p == 5 ? 2 : p + 1;

		emit(g, ABPF_MOV64_REG(q, live_reg(g)));
		emit(g, ABPF_ALU64_IMM(BPF_AND, q, how == 2 ? 56 : 0x1ff));
		emit(g, ABPF_MOV64_REG(p, BPF_REG_10));
		emit(g, ABPF_ALU64_REG(BPF_SUB, p, q));
		set_live(g, p);
		set_live(g, q);
		gen_mem_insn(g, p, -8, true);
	}
}

static void gen_input_mem(struct gen *g)
{
	s16 off = pick(g, 8) ? pick(g, FUZZ_MEM_LEN) : 56 + pick(g, 16);

	if (!(rd8(g) & 3))
		off &= ~7;
	gen_mem_insn(g, BPF_REG_6, off, true);
}

/* Key in KEY_SLOT, r1 = map, r2 = &key. */
static void map_args(struct gen *g, int fd)
{
	if (rd8(g) & 1)
		emit(g, ABPF_ST_MEM(BPF_W, BPF_REG_10, KEY_SLOT, pick(g, 6)));
	else
		emit(g, ABPF_STX_MEM(BPF_W, BPF_REG_10, live_reg(g), KEY_SLOT));
	emit_lddw(g, BPF_REG_1, BPF_PSEUDO_MAP_FD, (u32)fd);
	emit(g, ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10));
	emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, KEY_SLOT));
}

static void gen_map(struct gen *g)
{
	u8 kind = pick(g, 6);
	int fd = rd8(g) & 1 ? g->maps->hash_fd : g->maps->array_fd;
	u32 vsize = fd == g->maps->hash_fd ? 8 : 16;

	if (kind < 3) {
		u32 n = 1 + pick(g, 3), k;
		bool check = rd8(g) < 248;

		map_args(g, fd);
		emit(g, ABPF_CALL_HELPER(BPF_FUNC_map_lookup_elem));
		call_clobbers(g);
		if (check)
			emit(g, ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, n));
		for (k = 0; k < n; k++)
			gen_obj_insn(g, BPF_REG_0, vsize);
		/* the first insn after a failed lookup sees r0 = 0 */
		emit(g, ABPF_MOV64_REG(rd8(g) & 1 ? BPF_REG_7 : BPF_REG_3,
				       BPF_REG_0));
		set_live(g, BPF_REG_3);
	} else if (kind < 5) {
		u32 k;

		for (k = 0; k < 32; k += 8)
			emit(g, ABPF_STX_MEM(BPF_DW, BPF_REG_10, live_reg(g),
					     VAL_SLOT + k));
		map_args(g, fd);
		emit(g, ABPF_MOV64_REG(BPF_REG_3, BPF_REG_10));
		emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_3, VAL_SLOT));
		emit(g, ABPF_MOV64_IMM(BPF_REG_4, pick(g, 8) ? 0 : pick(g, 4)));
		emit(g, ABPF_CALL_HELPER(BPF_FUNC_map_update_elem));
		call_clobbers(g);
	} else {
		map_args(g, fd);
		emit(g, ABPF_CALL_HELPER(BPF_FUNC_map_delete_elem));
		call_clobbers(g);
	}
}

static void gen_direct_value(struct gen *g)
{
	u8 r = 2 + pick(g, 4);
	u32 base = pick(g, 4) * 8;

	emit_lddw(g, r, BPF_PSEUDO_MAP_VALUE,
		  (u32)g->maps->value_fd | (u64)base << 32);
	set_live(g, r);
	gen_obj_insn(g, r, 32 - base);
}

static void gen_helper(struct gen *g)
{
	u8 id = pick(g, 6);

	if (g->c->type != ABPF_PROG_TYPE_CONFORMANCE) {
		/* callx with a constant id: a typed map helper */
		emit(g, ABPF_MOV64_IMM(BPF_REG_3, BPF_FUNC_map_lookup_elem));
		map_args(g, g->maps->array_fd);
		emit(g, ABPF_CALLX(BPF_REG_3));
		call_clobbers(g);
		return;
	}
	/* the conformance helpers 0-5 take the memory and its length */
	emit(g, ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
	emit(g, ABPF_MOV64_IMM(BPF_REG_2, pick(g, FUZZ_MEM_LEN + 8)));
	emit(g, ABPF_MOV64_REG(BPF_REG_3, rd8(g) & 1 ? BPF_REG_6 : BPF_REG_10));
	emit(g, ABPF_MOV64_IMM(BPF_REG_4, imm(g)));
	emit(g, ABPF_MOV64_IMM(BPF_REG_5, imm(g)));
	if (rd8(g) & 1) {
		emit(g, ABPF_CALL_HELPER(id));
	} else {
		emit(g, ABPF_MOV64_IMM(BPF_REG_0, id));
		emit(g, ABPF_CALLX(BPF_REG_0));
	}
	call_clobbers(g);
}

/* callee: a function index, or MAX_FUNCS for "a later one" */
static void gen_local_call(struct gen *g, u32 callee)
{
	u8 k = pick(g, 4);

	if (callee == MAX_FUNCS)
		callee = g->fn + 1 + pick(g, MAX_FUNCS);
	if (callee >= g->nfn && !(g->hostile && g->fn))
		return;
	if (callee >= g->nfn)
		callee = 0;		/* recursion: must be rejected */
	/*
	 * r1: memory (or the context), a stack buffer or a number; r2 a
	 * stack buffer, the memory or a number (the callee keeps it in
	 * ARG_SLOT); r3-r5 numbers.
	 */
	if (k == 0)
		emit(g, ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
	else if (k == 1)
		emit(g, ABPF_MOV64_IMM(BPF_REG_1, imm(g)));
	else
		emit(g, ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
	if (k == 0)
		emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1,
				       rd8(g) & 1 ? -64 : -8 * (s32)(1 + pick(g, 16))));
	k = pick(g, 4);
	if (k == 0) {
		emit(g, ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10));
		emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8 * (s32)(1 + pick(g, 8))));
	} else if (k == 1) {
		emit(g, ABPF_MOV64_REG(BPF_REG_2, BPF_REG_6));
	} else {
		emit(g, ABPF_MOV64_IMM(BPF_REG_2, imm(g)));
	}
	for (k = BPF_REG_3; k <= BPF_REG_5; k++)
		emit(g, ABPF_MOV64_IMM(k, imm(g)));
	if (g->ncalls < MAX_CALLS) {
		g->calls[g->ncalls].at = g->c->len;
		g->calls[g->ncalls].fn = callee;
		g->ncalls++;
	}
	emit(g, ABPF_CALL_LOCAL(0));
	call_clobbers(g);
}

static void gen_items(struct gen *g, u32 max);

/* A counted loop; the body may break the count (the budget stops it). */
static void gen_loop(struct gen *g)
{
	u8 cnt = 5 + pick(g, 4);	/* r5..r8 */
	u32 head;

	if (g->loop_depth >= 2 || cnt == 6)
		cnt = 9;
	emit(g, ABPF_MOV64_IMM(cnt, 1 + pick(g, 6)));
	set_live(g, cnt);
	head = g->c->len;
	g->loop_depth++;
	gen_items(g, 1 + pick(g, 6));
	g->loop_depth--;
	emit(g, ABPF_ALU64_IMM(BPF_SUB, cnt, 1));
	emit(g, ABPF_RAW((rd8(g) & 1 ? BPF_JMP : BPF_JMP32) | BPF_JNE | BPF_K,
			 cnt, 0, (s16)(head - g->c->len - 1), 0));
}

/* A raw back-edge to an earlier instruction of this function. */
static void gen_back_jump(struct gen *g)
{
	u32 start = g->fn_entry[g->fn], t;

	if (g->c->len <= start)
		return;
	t = g->c->len - 1 - pick(g, g->c->len - start);
	/* mostly to an item's start, not into its setup (r1 = ...; call) */
	if (rd8(g) >= 32) {
		while (t > start && !g->item[t])
			t--;
		/* not to "r6 = r1" (or a callee's "*(fp - 120) = r2") */
		if (t == start)
			t += 1 + !!g->fn;
	}
	if (g->hi[t])
		t--;
	emit(g, ABPF_RAW(BPF_JMP | jmp_ops[pick(g, ARRAY_SIZE(jmp_ops))] | BPF_K,
			 live_reg(g), 0, (s16)(t - g->c->len - 1), imm(g)));
}

/*
 * r2 = data, r3 = data_end: from the packet context (data loaded with
 * size sz: BPF_W truncates the pointer), or the memory and its end.
 */
static void pkt_bounds(struct gen *g, u8 sz)
{
	if (g->c->type == ABPF_PROG_TYPE_PACKET) {
		emit(g, ABPF_LDX_MEM(sz, BPF_REG_2, BPF_REG_6,
				     offsetof(struct abpf_pkt_ctx, data)));
		emit(g, ABPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_6,
				     offsetof(struct abpf_pkt_ctx, data_end)));
	} else {
		emit(g, ABPF_MOV64_REG(BPF_REG_2, BPF_REG_6));
		emit(g, ABPF_MOV64_REG(BPF_REG_3, BPF_REG_6));
		emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_3, FUZZ_MEM_LEN));
	}
	set_live(g, 2);
	set_live(g, 3);
}

/*
 * PACKET: r2 = data, r3 = data_end from the context, then an access at
 * r2 + off, mostly behind a bounds check (exact, off by one, or none;
 * the engines check at run time anyway), at a constant or variable
 * offset.  MEM: the same on the memory and its length.
 */
static void gen_pkt_access(struct gen *g)
{
	u8 how = pick(g, 8), sz = sizes[pick(g, 4)], k;
	s16 off = pick(g, 8) ? pick(g, FUZZ_MEM_LEN) : pick(g, FUZZ_MEM_LEN + 16);
	s32 end = off + (sz == BPF_B ? 1 : sz == BPF_H ? 2 : sz == BPF_W ? 4 : 8);

	pkt_bounds(g, rd8(g) < 248 ? BPF_DW : BPF_W);
	set_live(g, 4);
	if (how >= 5) {
		/* a variable offset: masked, or a byte of the packet */
		if (how == 7)
			emit(g, ABPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_2, 0));
		else
			emit(g, ABPF_MOV64_REG(BPF_REG_4, live_reg(g)));
		emit(g, ABPF_ALU64_IMM(BPF_AND, BPF_REG_4, how == 5 ? 15 : 63));
		emit(g, ABPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_4));
	}
	emit(g, ABPF_MOV64_REG(BPF_REG_4, BPF_REG_2));
	emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, end - (how == 4)));
	if (how != 3)
		emit(g, ABPF_JMP_REG(how & 1 ? BPF_JGT : BPF_JGE, BPF_REG_4,
				     BPF_REG_3, 1));
	/* exactly the size checked for: a load, a store or an atomic */
	k = pick(g, 4);
	if (k == 2) {
		emit(g, ABPF_STX_MEM(sz, BPF_REG_2, live_reg(g), off));
	} else if (k == 3 && (sz == BPF_W || sz == BPF_DW)) {
		emit(g, ABPF_ATOMIC_OP(sz, atomic_ops[pick(g, 8)], BPF_REG_2,
				       BPF_REG_7, off));
	} else {
		k = dst_reg(g);
		emit(g, ABPF_LDX_MEM(sz, k, BPF_REG_2, off));
		set_live(g, k);
	}
}

/* A loop over the packet (memory): sum its bytes, words... into r0/r7. */
static void gen_pkt_loop(struct gen *g)
{
	static const u8 step[] = { 1, 2, 4, 8 };
	u8 sz = pick(g, 4), acc = rd8(g) & 1 ? BPF_REG_7 : BPF_REG_0;

	pkt_bounds(g, BPF_DW);
	emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, pick(g, 4)));
	/* loop: if r2 + step > r3 break; acc += *r2; r2 += step */
	emit(g, ABPF_MOV64_REG(BPF_REG_5, BPF_REG_2));
	emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_5, step[sz] - (rd8(g) < 16)));
	emit(g, ABPF_JMP_REG(BPF_JGT, BPF_REG_5, BPF_REG_3, 4));
	emit(g, ABPF_LDX_MEM(sizes[sz], BPF_REG_5, BPF_REG_2, 0));
	emit(g, ABPF_ALU64_REG(rd8(g) & 1 ? BPF_ADD : BPF_XOR, acc, BPF_REG_5));
	emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, step[sz]));
	emit(g, ABPF_JMP_A(-6));
	set_live(g, 5);
}

/* Context fields: the packet context's, a kprobe's registers. */
static void gen_ctx_read(struct gen *g)
{
	u32 len = g->c->type == ABPF_PROG_TYPE_KPROBE ? FUZZ_KPROBE_CTX_LEN :
		  g->c->type == ABPF_PROG_TYPE_PACKET ?
		  sizeof(struct abpf_pkt_ctx) : FUZZ_MEM_LEN;
	s16 off = pick(g, 8) ? 8 * pick(g, len / 8) : pick(g, len + 16);
	u8 dst = dst_reg(g), sz = sizes[pick(g, 4)];

	if (rd8(g) < 240) {
		emit(g, ABPF_LDX_MEM(sz, dst, BPF_REG_6, off));
		set_live(g, dst);
	} else {
		gen_mem_insn(g, BPF_REG_6, off, true);
	}
}

/*
 * bpf_trace_printk(fmt, size, a, b, c): the core parses the format (a
 * parser of program-controlled strings in the kernel).  The format is
 * made of conversions, flags and text in the 32 bytes at VAL_SLOT; the
 * size mostly ends at its NUL.
 */
static void gen_trace_printk(struct gen *g)
{
	static const char *const tok[] = {
		"%d", "%i", "%u", "%x", "%X", "%c", "%%", "%ld", "%lld",
		"%llx", "%h", "%hh", "d", "%s", "%p", "%", "ab", "-", "%l", "%5d",
	};
	char fmt[32] = "";
	u32 len = 0, k, n = pick(g, 8);
	s32 size;

	for (k = 0; k < n; k++) {
		const char *t = tok[pick(g, ARRAY_SIZE(tok))];

		if (len + strlen(t) >= sizeof(fmt))
			break;
		memcpy(fmt + len, t, strlen(t));
		len += strlen(t);
	}
	/* no NUL at all, rarely: must be refused */
	if (rd8(g) < 8)
		memset(fmt + len, 'z', sizeof(fmt) - len);
	for (k = 0; k < sizeof(fmt); k += 4) {
		s32 w;

		memcpy(&w, fmt + k, 4);
		emit(g, ABPF_ST_MEM(BPF_W, BPF_REG_10, VAL_SLOT + k, w));
	}
	size = rd8(g) < 224 ? len + 1 : 1 + pick(g, sizeof(fmt));
	emit(g, ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
	emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, VAL_SLOT));
	emit(g, ABPF_MOV64_IMM(BPF_REG_2, size));
	for (k = BPF_REG_3; k <= BPF_REG_5; k++)
		emit(g, ABPF_MOV64_REG(k, live_reg(g)));
	emit(g, ABPF_CALL_HELPER(BPF_FUNC_trace_printk));
	call_clobbers(g);
}

/* The type's own helpers: skb_load_bytes, probe_read_kernel, comm... */
static void gen_type_helper(struct gen *g)
{
	u8 k = pick(g, 4);
	s32 n = 1 + pick(g, 32);

	if (g->c->type != ABPF_PROG_TYPE_CONFORMANCE && rd8(g) < 80) {
		gen_trace_printk(g);
		return;
	}
	if (g->c->type == ABPF_PROG_TYPE_PACKET) {
		emit(g, ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
		emit(g, ABPF_MOV64_IMM(BPF_REG_2, k ? (s32)pick(g, FUZZ_MEM_LEN) :
						   imm(g)));
		emit(g, ABPF_MOV64_REG(BPF_REG_3, BPF_REG_10));
		emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_3, VAL_SLOT));
		emit(g, ABPF_MOV64_IMM(BPF_REG_4, rd8(g) < 8 ? 0 : n));
		emit(g, ABPF_CALL_HELPER(BPF_FUNC_skb_load_bytes));
	} else if (g->c->type == ABPF_PROG_TYPE_KPROBE && k < 2) {
		/* from the context (in bounds: the native host memcpy()s) */
		s32 from = pick(g, FUZZ_KPROBE_CTX_LEN - n + 1);

		emit(g, ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
		emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, VAL_SLOT));
		emit(g, ABPF_MOV64_IMM(BPF_REG_2, rd8(g) < 8 ? 0 : n));
		if (k) {
			emit(g, ABPF_MOV64_REG(BPF_REG_3, BPF_REG_6));
			emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_3, from));
		} else {
			emit(g, ABPF_MOV64_IMM(BPF_REG_3, 0));
		}
		emit(g, ABPF_CALL_HELPER(BPF_FUNC_probe_read_kernel));
	} else if (g->c->type == ABPF_PROG_TYPE_KPROBE && k == 2) {
		emit(g, ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
		emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, VAL_SLOT));
		emit(g, ABPF_MOV64_IMM(BPF_REG_2, n));
		emit(g, ABPF_CALL_HELPER(BPF_FUNC_get_current_comm));
	} else if (g->c->type == ABPF_PROG_TYPE_KPROBE) {
		/* a different pid each replay: keep it out of the result */
		emit(g, ABPF_CALL_HELPER(BPF_FUNC_get_current_pid_tgid));
		emit(g, ABPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_0));
	} else {
		gen_helper(g);
		return;
	}
	call_clobbers(g);
	/* read back what the helper wrote */
	if (rd8(g) & 1) {
		emit(g, ABPF_LDX_MEM(BPF_DW, BPF_REG_7, BPF_REG_10, VAL_SLOT));
		emit(g, ABPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_7));
	}
}

/* bpf_tail_call(ctx, prog array, index): ctx.h lists the targets. */
static void gen_tail_call(struct gen *g)
{
	int fd = fuzz_prog_array(g->c->type);
	u8 k = rd8(g);

	if (fd < 0) {
		gen_alu(g);
		return;
	}
	emit(g, ABPF_MOV64_REG(BPF_REG_1, k < 248 ? BPF_REG_6 : BPF_REG_10));
	emit_lddw(g, BPF_REG_2, BPF_PSEUDO_MAP_FD, (u32)fd);
	if (k & 1) {
		emit(g, ABPF_MOV64_IMM(BPF_REG_3, pick(g, FUZZ_PROG_ARRAY_LEN + 2)));
	} else {
		emit(g, ABPF_MOV64_REG(BPF_REG_3, live_reg(g)));
		emit(g, ABPF_ALU64_IMM(BPF_AND, BPF_REG_3, 7));
	}
	emit(g, ABPF_CALL_HELPER(BPF_FUNC_tail_call));
	call_clobbers(g);
	/* it returns nothing: r0 is not initialised (mostly set it) */
	if (rd8(g) < 224)
		emit(g, ABPF_MOV64_IMM(BPF_REG_0, imm(g)));
	else
		g->live &= ~1u;
}

/* A lookup and its NULL check (skip: insns it jumps over); r0 = value. */
static u32 map_lookup(struct gen *g, u32 skip)
{
	int fd = rd8(g) & 1 ? g->maps->hash_fd : g->maps->array_fd;

	map_args(g, fd);
	emit(g, ABPF_CALL_HELPER(BPF_FUNC_map_lookup_elem));
	call_clobbers(g);
	emit(g, ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, skip));
	return fd == g->maps->hash_fd ? 8 : 16;	/* the value size */
}

/* A map value at a variable offset: masked, shifted, or bounds-checked. */
static void gen_map_var_off(struct gen *g)
{
	u8 how = pick(g, 4), r = rd8(g) & 1 ? BPF_REG_4 : BPF_REG_5;
	bool shift = rd8(g) < 64, set = how != 3 && rd8(g) < 64;
	u32 vsize = map_lookup(g, 4 + (how != 3 && shift) + set);

	if (how == 2)
		emit(g, ABPF_LDX_MEM(BPF_B, r, BPF_REG_0, 0));
	else
		emit(g, ABPF_MOV64_REG(r, live_reg(g)));
	if (how == 3) {
		/* if r > vsize - 8 skip the access */
		emit(g, ABPF_JMP_IMM(BPF_JGT, r, vsize - 8 + (rd8(g) < 32), 2));
	} else {
		emit(g, ABPF_ALU64_IMM(BPF_AND, r, how ? vsize - 1 : 7));
		if (shift)
			emit(g, ABPF_ALU64_IMM(BPF_LSH, r, 1));
	}
	emit(g, ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, r));
	gen_mem_insn(g, BPF_REG_0, pick(g, 4) ? 0 : pick(g, 8), true);
	if (set)
		emit(g, ABPF_MOV64_IMM(BPF_REG_0, 1));
	/* the first insn after a failed lookup sees r0 = 0 */
	emit(g, ABPF_MOV64_REG(BPF_REG_3, BPF_REG_0));
	set_live(g, r);
	set_live(g, BPF_REG_3);
}

/* An atomic on a map value, cmpxchg with r0 set for it. */
static void gen_map_atomic(struct gen *g)
{
	s32 op = atomic_ops[pick(g, ARRAY_SIZE(atomic_ops))];
	u8 sz = rd8(g) & 1 ? BPF_DW : BPF_W, src = BPF_REG_5;
	u32 n = sz == BPF_DW ? 8 : 4, vsize;
	u8 k = rd8(g);
	s16 off;

	vsize = map_lookup(g, op == BPF_CMPXCHG ? 4 : 3);
	off = k < 240 ? n * pick(g, vsize / n) : pick(g, vsize);
	emit(g, ABPF_MOV64_REG(BPF_REG_4, BPF_REG_0));
	emit(g, ABPF_MOV64_IMM(src, imm(g)));
	if (op == BPF_CMPXCHG)
		emit(g, ABPF_LDX_MEM(sz, BPF_REG_0, BPF_REG_4, off & ~(n - 1)));
	emit(g, ABPF_ATOMIC_OP(sz, op, BPF_REG_4, src, off));
	/* the old value (fetch, xchg, cmpxchg) into the result */
	emit(g, ABPF_ALU64_REG(BPF_XOR, BPF_REG_8, src));
	set_live(g, 4);
	set_live(g, 5);
}

/*
 * Loops that reach the budget (the oracle's RUN_BUDGET back-edges): a
 * self-loop, counters around the budget in the shapes the interpreter
 * fuses (add + jne/jlt/jsle back-edges), nested loops.
 */
static void gen_budget_loop(struct gen *g)
{
	static const s32 counts[] = {
		10, 100, 1000, 4000, 4094, 4095, 4096, 4097, 5000, 1 << 20, -1,
	};
	u8 how = pick(g, 5), r = rd8(g) & 1 ? BPF_REG_5 : BPF_REG_8;
	s32 n = counts[pick(g, ARRAY_SIZE(counts))];

	switch (how) {
	case 0:
		/* a self-loop, entered when a register is below n */
		emit(g, ABPF_JMP_IMM(BPF_JGE, live_reg(g), n, 1));
		if (rd8(g) & 1)
			emit(g, ABPF_JMP_A(-1));
		else
			emit(g, ABPF_JMP32_A(-1));
		break;
	case 1:
		emit(g, ABPF_MOV64_IMM(r, n));
		emit(g, ABPF_ALU64_IMM(BPF_ADD, r, -1));
		emit(g, ABPF_JMP_IMM(BPF_JNE, r, 0, -2));
		break;
	case 2:
		emit(g, ABPF_MOV64_IMM(r, 0));
		emit(g, ABPF_ALU64_IMM(BPF_ADD, r, 1));
		emit(g, ABPF_JMP_IMM(rd8(g) & 1 ? BPF_JLT : BPF_JSLE, r, n, -2));
		break;
	case 3:
		emit(g, ABPF_MOV64_IMM(BPF_REG_4, n));
		emit(g, ABPF_MOV64_IMM(r, 0));
		emit(g, ABPF_ALU64_IMM(BPF_ADD, r, 1));
		emit(g, ABPF_JMP_REG(rd8(g) & 1 ? BPF_JLT : BPF_JNE, r,
				     BPF_REG_4, -2));
		set_live(g, 4);
		break;
	default:
		/* 64 x (n & 127) back-edges: around the budget */
		emit(g, ABPF_MOV64_IMM(r, 64));
		emit(g, ABPF_MOV64_IMM(BPF_REG_4, n & 127));
		emit(g, ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, -1));
		emit(g, ABPF_JMP_IMM(BPF_JSGT, BPF_REG_4, 0, -2));
		emit(g, ABPF_ALU64_IMM(BPF_ADD, r, -1));
		emit(g, ABPF_JMP_IMM(BPF_JNE, r, 0, -5));
		set_live(g, 4);
		break;
	}
	set_live(g, r);
}

/* A subprogram: its second argument (a caller's stack?) as a pointer. */
static void gen_arg_ptr(struct gen *g)
{
	if (!g->fn) {
		gen_stack(g);
		return;
	}
	emit(g, ABPF_LDX_MEM(BPF_DW, BPF_REG_4, BPF_REG_10, ARG_SLOT));
	set_live(g, 4);
	gen_mem_insn(g, BPF_REG_4, (s16)pick(g, 24) - 8, true);
}

static void gen_lddw(struct gen *g)
{
	u8 r = dst_reg(g);

	emit_lddw(g, r, 0, (u64)rd32(g) << 32 | rd32(g));
	set_live(g, r);
}

static void gen_ld_pkt(struct gen *g)
{
	static const u8 ld_sizes[] = { BPF_B, BPF_H, BPF_W };
	u8 sz = ld_sizes[pick(g, 3)];

	/* rejected for kprobes: mostly a context read there */
	if (g->c->type == ABPF_PROG_TYPE_KPROBE && (rd8(g) & 3)) {
		gen_ctx_read(g);
		return;
	}
	if (rd8(g) & 1)
		emit(g, ABPF_LD_ABS(sz, pick(g, FUZZ_MEM_LEN + 4)));
	else
		emit(g, ABPF_LD_IND(sz, live_reg(g), pick(g, 16)));
	g->live &= ~0x3eu;
	set_live(g, 0);
}

/* Spill a pointer, fill it, use it (checked). */
static void gen_spill(struct gen *g)
{
	emit(g, ABPF_STX_MEM(BPF_DW, BPF_REG_10,
			     rd8(g) & 1 ? BPF_REG_6 : BPF_REG_10, SPILL_SLOT));
	emit(g, ABPF_LDX_MEM(BPF_DW, BPF_REG_4, BPF_REG_10, SPILL_SLOT));
	set_live(g, 4);
	gen_mem_insn(g, BPF_REG_4, -(s16)pick(g, 16), true);
}

/* Hostile mode: a fully random instruction. */
static void gen_random(struct gen *g)
{
	struct bpf_insn insn;
	u32 w0 = rd32(g);

	if (!g->hostile) {
		gen_alu(g);
		return;
	}
	memcpy(&insn, &w0, 4);
	insn.imm = (s32)rd32(g);
	emit(g, insn);
}

/* Packet (memory) accesses and loops; kprobes read their context. */
static void gen_pkt(struct gen *g)
{
	if (g->c->type == ABPF_PROG_TYPE_KPROBE)
		gen_ctx_read(g);
	else if (rd8(g) < 170)
		gen_pkt_access(g);
	else
		gen_pkt_loop(g);
}

static void gen_local_call_any(struct gen *g)
{
	gen_local_call(g, MAX_FUNCS);
}

/* The items and their odds: a byte below .upto (and the ones before). */
static const struct {
	u8 upto;
	void (*fn)(struct gen *g);
} items[] = {
	{ 64, gen_alu },		{ 88, gen_fwd_jump },
	{ 110, gen_stack },		{ 124, gen_input_mem },
	{ 140, gen_map },		{ 146, gen_direct_value },
	{ 156, gen_loop },		{ 164, gen_local_call_any },
	{ 170, gen_helper },		{ 176, gen_lddw },
	{ 182, gen_ld_pkt },		{ 188, gen_spill },
	{ 192, gen_back_jump },		{ 196, gen_random },
	{ 214, gen_pkt },		{ 220, gen_type_helper },
	{ 226, gen_tail_call },		{ 234, gen_map_var_off },
	{ 242, gen_map_atomic },	{ 246, gen_budget_loop },
	{ 252, gen_arg_ptr },		{ 255, gen_ctx_read },
};

static void gen_item(struct gen *g)
{
	u8 k = rd8(g);
	u32 i = 0;

	while (i + 1 < ARRAY_SIZE(items) && k >= items[i].upto)
		i++;
	items[i].fn(g);
}

static void gen_items(struct gen *g, u32 max)
{
	while (max-- && more(g) && room(g, 24)) {
		g->item[g->c->len] = true;
		gen_item(g);
	}
}

static void prologue(struct gen *g)
{
	/* MEM programs get their memory's length in r2 */
	bool len = !g->fn && (g->c->type == ABPF_PROG_TYPE_MEM ||
			      g->c->type == ABPF_PROG_TYPE_CONFORMANCE);
	u32 k;

	g->live = 1u << BPF_REG_1 | 1u << BPF_REG_10;
	emit(g, ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1));
	/* a subprogram's second argument, for gen_arg_ptr() */
	if (g->fn)
		emit(g, ABPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, ARG_SLOT));
	emit(g, ABPF_MOV64_IMM(BPF_REG_0, imm(g)));
	for (k = BPF_REG_7; k <= BPF_REG_9; k++) {
		if (rd8(g) & 1)
			emit(g, ABPF_MOV64_IMM(k, imm(g)));
		else
			emit_lddw(g, k, 0, (u64)rd32(g) << 32 | rd32(g));
	}
	for (k = BPF_REG_2 + len; k <= BPF_REG_5; k++)
		emit(g, ABPF_MOV64_IMM(k, imm(g)));
	g->live |= 0x3fd;		/* r0, r2-r9 */
	for (k = 8; k <= 64; k += 8)
		emit(g, ABPF_STX_MEM(BPF_DW, BPF_REG_10, 7 + k % 3, -(s16)k));
}

/*
 * r0 = a fold of r0, r7-r9 and fp-8..fp-32; exit.  Not r6: it is a
 * pointer (the memory, or a caller's stack), and a stack address in r0
 * would make the result address-dependent, so not comparable.
 */
static void epilogue(struct gen *g)
{
	u32 k;

	emit(g, ABPF_MOV64_REG(BPF_REG_1, BPF_REG_0));
	for (k = BPF_REG_7; k <= BPF_REG_9; k++) {
		emit(g, ABPF_ALU64_IMM(BPF_MUL, BPF_REG_1, 31));
		emit(g, ABPF_ALU64_REG(BPF_XOR, BPF_REG_1, k));
	}
	for (k = 8; k <= 32; k += 8) {
		emit(g, ABPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -(s16)k));
		emit(g, ABPF_ALU64_IMM(BPF_MUL, BPF_REG_1, 17));
		emit(g, ABPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_2));
	}
	emit(g, ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1));
	emit(g, ABPF_EXIT());
}

/* Resolve this function's forward jumps: to at most its epilogue. */
static void resolve_fwd(struct gen *g, u32 epi)
{
	u32 k;

	for (k = 0; k < g->nfwd; k++) {
		u32 at = g->fwd[k].at, t = at + 1 + g->fwd[k].dist;
		struct bpf_insn *insn = &g->c->insns[at];

		if (t > epi)
			t = epi;
		while (g->fwd[k].snap && t < epi && !g->item[t])
			t++;
		if (g->hi[t])
			t++;
		if (insn->code == (BPF_JMP32 | BPF_JA))
			insn->imm = t - at - 1;
		else
			insn->off = t - at - 1;
	}
	g->nfwd = 0;
}

static void gen_raw(struct gen *g)
{
	struct fuzz_case *c = g->c;

	while (g->pos + 8 <= g->n && c->len < FUZZ_MAX_INSNS) {
		memcpy(&c->insns[c->len++], g->p + g->pos, 8);
		g->pos += 8;
	}
	if (!c->len)
		c->insns[c->len++] = ABPF_EXIT();
}

/* Map fds of lddw map/map-value: real <-> symbolic (case files). */
static void map_fds(struct fuzz_case *c, const struct fuzz_maps *maps,
		    bool to_file)
{
	const int real[] = { maps->array_fd, maps->value_fd, maps->hash_fd,
			     fuzz_prog_array(c->type) };
	u32 k, m;

	for (k = 0; k + 1 < c->len; k++) {
		struct bpf_insn *insn = &c->insns[k];

		if (!abpf_is_lddw(insn) || !insn->src_reg)
			continue;
		for (m = 0; m < ARRAY_SIZE(real); m++) {
			if (real[m] < 0)
				continue;
			if (to_file && insn->imm == real[m]) {
				insn->imm = FUZZ_CASE_FD_ARRAY + m;
				break;
			}
			if (!to_file && insn->imm == (s32)(FUZZ_CASE_FD_ARRAY + m)) {
				insn->imm = real[m];
				break;
			}
		}
		k++;
	}
}

size_t fuzz_case_write(const struct fuzz_case *c, const struct fuzz_maps *maps,
		       u8 *out, size_t room)
{
	static struct fuzz_case copy;
	size_t n = 8 + 8 + FUZZ_MEM_LEN + (size_t)c->len * 8;

	if (n > room)
		return 0;
	copy = *c;
	map_fds(&copy, maps, true);
	memcpy(out, FUZZ_CASE_MAGIC, 8);
	memcpy(out + 8, &copy.type, 4);
	memcpy(out + 12, &copy.blind, 4);
	memcpy(out + 16, copy.mem, FUZZ_MEM_LEN);
	memcpy(out + 16 + FUZZ_MEM_LEN, copy.insns, (size_t)c->len * 8);
	return n;
}

static bool read_case(const u8 *data, size_t size,
		      const struct fuzz_maps *maps, struct fuzz_case *c)
{
	size_t hdr = 16 + FUZZ_MEM_LEN;

	if (size < hdr || memcmp(data, FUZZ_CASE_MAGIC, 8))
		return false;
	memcpy(&c->type, data + 8, 4);
	memcpy(&c->blind, data + 12, 4);
	memcpy(c->mem, data + 16, FUZZ_MEM_LEN);
	c->len = (size - hdr) / 8;
	if (c->len > FUZZ_MAX_INSNS)
		c->len = FUZZ_MAX_INSNS;
	memcpy(c->insns, data + hdr, (size_t)c->len * 8);
	if (c->type >= ABPF_PROG_TYPE__COUNT)
		c->type = ABPF_PROG_TYPE_MEM;
	c->raw = true;
	map_fds(c, maps, false);
	return true;
}

void fuzz_generate(const u8 *data, size_t size, const struct fuzz_maps *maps,
		   struct fuzz_case *c)
{
	static struct gen g;
	u32 seed, k, items;
	u8 h;

	memset(&g, 0, sizeof(g));
	memset(c, 0, sizeof(*c));
	if (read_case(data, size, maps, c))
		return;
	g.p = data;
	g.n = size;
	g.maps = maps;
	g.c = c;
	h = rd8(&g);
	/*
	 * Structured: h & 3 picks MEM/CONFORMANCE (bit 2), PACKET, or
	 * KPROBE/MEM (bit 2).  Raw (h & 3 == 3): h >> 6 does (no hostile
	 * mode there).
	 */
	k = (h & 3) == 3 ? h >> 6 : h & 3;
	if (k == 1)
		c->type = ABPF_PROG_TYPE_PACKET;
	else if (k == 2)
		c->type = h & 4 ? ABPF_PROG_TYPE_KPROBE : ABPF_PROG_TYPE_MEM;
	else
		c->type = h & 4 ? ABPF_PROG_TYPE_CONFORMANCE : ABPF_PROG_TYPE_MEM;
	c->blind = h & 8 ? 2 : 0;
	g.hostile = (h & 0xc0) == 0xc0;
	seed = rd32(&g) | 1;
	for (k = 0; k < FUZZ_MEM_LEN; k++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		c->mem[k] = (u8)seed;
	}
	if ((h & 3) == 3) {
		c->raw = true;
		gen_raw(&g);
		return;
	}

	g.nfn = 1 + (h >> 4) % MAX_FUNCS;
	items = 1 + size / (5 * g.nfn);
	for (g.fn = 0; g.fn < g.nfn; g.fn++) {
		g.fn_entry[g.fn] = c->len;
		prologue(&g);
		g.item[c->len % FUZZ_MAX_INSNS] = true;
		if (g.fn + 1 < g.nfn)
			gen_local_call(&g, g.fn + 1);
		gen_items(&g, items);
		resolve_fwd(&g, c->len);
		epilogue(&g);
	}
	for (k = 0; k < g.ncalls; k++) {
		u32 at = g.calls[k].at;

		c->insns[at].imm = (s32)g.fn_entry[g.calls[k].fn] - (s32)at - 1;
	}
}
