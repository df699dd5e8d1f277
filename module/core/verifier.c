// SPDX-License-Identifier: GPL-2.0
/*
 * verifier.c - the safety checker.
 *
 * abpf_check() runs a fixed sequence of passes; the first error stops it
 * and is logged as "insn N: reason".
 *
 *  1. encoding: per instruction, opcode validity (abpf_opcode_table), the
 *     fields its form leaves unused are zero, registers, immediates, jump
 *     and call targets in range and not inside an lddw (-EINVAL);
 *  2. subprograms: insn 0 and every local-call target; jumps stay inside
 *     their subprogram;
 *  3. control flow: a DFS from insn 0 (following local calls) marks what is
 *     reachable; nothing may be unreachable, fall off the end or fall into
 *     the next subprogram;
 *  4. call graph: no recursion, at most ABPF_MAX_CALL_FRAMES frames;
 *  5. dataflow: a path-insensitive abstract interpretation.  States are
 *     kept only at join points (jump targets, subprogram entries); a
 *     worklist (lowest index first) re-runs the code after a join point
 *     until no state changes (bounds that keep growing are widened).
 *     Registers are uninitialised, scalars (unsigned bounds, known low
 *     zero bits, links between copies) or pointers (stack, ctx, map
 *     values, packet and packet end, unknown; offsets as bounds); each
 *     frame keeps a must-be-written bitmap of its 512 bytes.  Branches
 *     refine both successors: scalar bounds against constants, packet
 *     ranges against data_end (docs/checker.md).  8-byte spills keep a
 *     register's state in its stack slot; join points keep one state per
 *     combination of known scalars (split states).  Ringbuf records
 *     keep an id and each state the set of records held: submit/discard
 *     release every copy, exit and tail calls need the set empty.  A
 *     callee starts with r1-r5 initialised iff they are at every call.
 *     Proven here: stack
 *     accesses at a known or bounded offset (in the frame; reads: every
 *     byte written), map values at bounded offsets, packet reads inside a
 *     proven range, packet programs' ctx reads; every other access gets
 *     ABPF_AUX_MEMCHK.  When stale
 *     stack could be observed (a checked access that may hit the stack, or
 *     a stack pointer escaping: stored, passed to a call, returned, turned
 *     into a number) the program gets ABPF_PROG_ZERO_STACK;
 *  6. stack: per-subprogram depth, combined over the deepest call chain.
 *
 * Everything is iterative (explicit stacks/worklists), nothing recurses.
 * abpf_check() may be called again on the same program: it resets what it
 * owns (aux, subprogs and the checker's prog flags) first.
 */
#include "engine.h"
#include "maps.h"

#define ABPF_MAX_SUBPROGS	1024
#define ABPF_STACK_WORDS	(ABPF_MAX_STACK / 64)
/* ctx + [0, ABPF_CTX_NEAR) is assumed not to alias the BPF stack. */
#define ABPF_CTX_NEAR		(64 * 1024)

/* Abstract register types. */
enum {
	RT_UNINIT = 0,
	RT_SCALAR,		/* a number; val exact when known */
	RT_PTR_STACK,		/* this frame's r10 + val (when known) */
	RT_PTR_CTX,		/* the context (r1 at entry) + val */
	RT_PTR_UNKNOWN,		/* initialised, could be anything */
	/* maps (maps.h); map = index in prog->maps[] */
	RT_MAP_PTR,		/* CONST_PTR_TO_MAP */
	RT_MAP_VALUE,		/* a value of map + val (when known) */
	RT_MAP_VALUE_OR_NULL,	/* a lookup's result, offset 0; id */
	RT_ALLOC_MEM,		/* a ringbuf record of size bytes + val */
	RT_ALLOC_MEM_OR_NULL,	/* a reserve's result, offset 0; id */
	/* packet programs: ctx->data + var + off, and ctx->data_end */
	RT_PTR_PKT,
	RT_PTR_PKT_END,
};

/*
 * Bounds.  Scalars carry unsigned bounds [umin, umax]; pointers carry
 * their offset bounds [omin, omax] (S64_MIN/S64_MAX: unbounded); known
 * means min == max == val.  Offsets of bounded ranges stay within
 * +-OFF_BOUND so that no bound computation overflows.
 *
 * Scalars copied (mov) share an id: each is base(id) + loff exactly (mod
 * 2^64), so a branch that bounds one bounds the others; ids are
 * i + 1 of the copying insn i, like the kernel's linked scalars.
 *
 * A packet pointer (RT_PTR_PKT) is base + off with off in [omin, omax],
 * base in [data, data + size] (size: the most variable bytes added, at
 * most PKT_MAX_VAR) and base + range <= data_end proven by a comparison.
 * Registers with the same id share their base: id 0 is data itself, id
 * i + 1 the latest variable addition at insn i, PKT_ID_ANON a base linked
 * to no other register.  Packet offsets stay within +-PKT_MAX_OFF, so
 * that with the packet anywhere below the top 16 MiB of the address space
 * no pointer the program compares wraps around.
 */
#define V_U32_MAX	0xffffffffULL
#define V_U64_MAX	(~0ULL)
#define V_S64_MAX	((s64)(V_U64_MAX >> 1))
#define V_S64_MIN	(-V_S64_MAX - 1)
#define OFF_BOUND	(1LL << 40)
#define PKT_MAX_OFF	(1LL << 20)
#define PKT_MAX_VAR	0xffff
#define PKT_ID_ANON	0xffffffffU
/*
 * A register whose bounds changed WIDEN_AFTER times at a join point, or
 * any once WIDEN_BUDGET instructions were analysed, has its still growing
 * bounds widened: loops up to ~1000 iterations get exact bounds, every
 * analysis terminates.
 */
#define WIDEN_AFTER	1024
#define WIDEN_BUDGET	(256 * 1024)
#define LINK_MAX_OFF	(1 << 30)

/*
 * id (OR_NULL types): the helper call that produced the value, + 1.  A
 * register with id k holds the latest result of call k (a new call k
 * clears the id of older copies), so a NULL check of one refines all
 * copies.  id 0: no copies known, only the register itself is refined.
 * Ringbuf records never have id 0 (is_rec()).
 */
struct vreg {
	u8 type;
	u8 known;
	u16 map;
	u32 id;
	u32 size;		/* RT_ALLOC_MEM*: record size; RT_PTR_PKT: var */
	u32 range;		/* RT_PTR_PKT: base + range <= data_end */
	s32 loff;		/* scalars with an id: value = base(id) + loff */
	u8 tz;			/* scalars: the low tz bits are zero */
	s64 val;
	union {
		u64 umin;	/* scalars */
		s64 omin;	/* pointers: offset bounds */
	};
	union {
		u64 umax;
		s64 omax;
	};
};

/*
 * Spilled registers: an 8-byte aligned store of a register to this frame
 * at a constant offset keeps the register's state in the slot (up to
 * SPILL_MAX slots, sorted by slot, unused entries zero); an 8-byte load
 * from the slot gives it back.  Any other write that may touch the slot
 * (partial, variable offset, checked, a call) forgets it.
 */
#define SPILL_MAX	6
#define SPILL_SLOTS	(ABPF_MAX_STACK / 8)

/*
 * Ringbuf records a path may still hold (reserved, not submitted or
 * discarded, not NULL), by id: the union over the paths joined.  Exit and
 * tail calls need it empty; refs_lost: one was dropped (too many, or two
 * records of one path under one id), exit fails too.
 */
#define REFS_MAX	8

struct vstate {
	struct vreg regs[ABPF_NR_REGS];
	/* bit b set: byte fp - ABPF_MAX_STACK + b written on every path */
	u64 stack_init[ABPF_STACK_WORDS];
	u8 nr_spills;
	u8 dead;			/* came over an edge the bounds rule out */
	u8 nr_refs, refs_lost;
	u32 refs[REFS_MAX];		/* records held, ids */
	u8 spill_slot[SPILL_MAX];	/* fp - ABPF_MAX_STACK + 8 * slot */
	struct vreg spill[SPILL_MAX];
};

/* join_changes per join slot: one per register, one for the spills */
#define JOIN_COUNTERS	(ABPF_NR_REGS + 1)

enum { S_CUR, S_TAKEN, S_JOIN_B, S_JOIN_OLD, S_CALLEE, S_ENTRY, S_COUNT };

#define JOIN_HAS_STATE	0x1
#define JOIN_PENDING	0x2

struct verifier {
	struct abpf_prog *prog;
	struct abpf_log *log;
	const struct bpf_insn *insns;
	struct abpf_insn_aux *aux;
	u32 len;

	u32 *work;			/* len entries: DFS stack */
	u32 *join_slot;			/* insn -> join slot + 1 (0: none) */
	u32 *join_insn;			/* join slot -> insn (ascending) */
	u8 *join_flags;
	u16 *join_changes;		/* per slot, JOIN_COUNTERS: widening */
	struct vstate *join_state;
	u32 nr_joins;			/* join points: slots 0 .. nr_joins-1 */
	u32 nr_slots, cap_slots;	/* with the split-off states */
	u32 *slot_next;			/* next state of the insn, + 1 */
	u32 *slot_sig;			/* consts_sig() of its state */
	u32 *chain_len, *chain_tail;	/* per join point: its states */
	struct vstate **xstate;		/* states of slots >= nr_joins */
	/* split: states of edges the bounds rule out, per target insn */
	u32 *park_at;			/* insn -> index in park + 1 */
	struct vstate *park;
	u32 nr_park;
	bool park_full;
	bool split;			/* states may be split (see propagate) */
	u8 *seen;			/* insn analysed */
	/*
	 * Working states (S_*), off the stack: a state is ~1 KiB and the
	 * kernel's stack is 16 KiB (run_from -> propagate -> join_state
	 * held five of them).
	 */
	struct vstate *scratch;
	u8 *in_loop;			/* insn between a back edge and its target */
	u32 *heap;			/* pending join slots, min-heap */
	u32 heap_len;

	u32 *sub_end;			/* subprog -> one past its last insn */
	u32 *sub_depth;			/* own stack depth, bytes */
	u32 *sub_frames;		/* frames of the deepest chain from it */
	u32 *sub_stack;			/* combined stack from it */
	u8 *sub_color;

	u64 processed;
	bool zero_stack;
#ifdef ABPF_CHECKER_FACTS
	struct vstate *facts;		/* len entries: join of all states seen */
	u8 *facts_seen;
#endif
};

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

/* Log "insn N: reason" and return err. */
static __printf(4, 5)
int verr(struct verifier *v, int err, u32 idx, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	abpf_log_printf(v->log, "insn %u: %s\n", idx, msg);
	return err;
}

static bool is_jump_form(u8 form)
{
	return form == ABPF_FORM_JA || form == ABPF_FORM_JA32 ||
	       form == ABPF_FORM_JCOND_K || form == ABPF_FORM_JCOND_X;
}

static u8 insn_form(const struct bpf_insn *insn)
{
	return abpf_opcode_table[insn->code].form;
}

static bool is_local_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) &&
	       insn->src_reg == BPF_PSEUDO_CALL;
}

/* Jump target; only meaningful for jump forms, after pass 1. */
static s64 jump_target(const struct bpf_insn *insn, u32 idx)
{
	if (insn_form(insn) == ABPF_FORM_JA32)
		return (s64)idx + 1 + insn->imm;
	return (s64)idx + 1 + insn->off;
}

static bool is_div_mod(u8 code)
{
	return BPF_OP(code) == BPF_DIV || BPF_OP(code) == BPF_MOD;
}

/* Writes dst_reg (r10 is read-only). */
static bool form_writes_dst(u8 form)
{
	switch (form) {
	case ABPF_FORM_ALU_K:
	case ABPF_FORM_ALU_X:
	case ABPF_FORM_NEG:
	case ABPF_FORM_END:
	case ABPF_FORM_LDDW:
	case ABPF_FORM_LDX:
		return true;
	}
	return false;
}

static const struct abpf_helper *find_helper(struct verifier *v, s64 id)
{
	const struct abpf_helper_table *t = v->prog->helpers;

	if (!t || !t->helpers || id < 0 || id >= t->count)
		return NULL;
	if (!t->helpers[id].fn)
		return NULL;
	return &t->helpers[id];
}

static int check_zero(struct verifier *v, u32 idx, const char *field, s64 val)
{
	if (val)
		return verr(v, -EINVAL, idx, "reserved field %s must be 0 (is %lld)",
			    field, (long long)val);
	return 0;
}

static int check_reg(struct verifier *v, u32 idx, u8 reg)
{
	if (reg >= ABPF_NR_REGS)
		return verr(v, -EINVAL, idx, "invalid register r%u", reg);
	return 0;
}

/* Target of a jump or local call at idx: in range, not an lddw high slot. */
static int check_target(struct verifier *v, u32 idx, s64 t, bool call)
{
	if (t < 0 || t >= v->len) {
		if (call)
			return verr(v, -EINVAL, idx,
				    "bad local call target (target %lld, program has %u insns)",
				    (long long)t, v->len);
		return verr(v, -EINVAL, idx,
			    "jump out of range (target %lld, program has %u insns)",
			    (long long)t, v->len);
	}
	if (v->aux[t].flags & ABPF_AUX_LDDW_HI) {
		if (call)
			return verr(v, -EINVAL, idx,
				    "bad local call target (insn %lld is the middle of lddw)",
				    (long long)t);
		return verr(v, -EINVAL, idx, "jump into the middle of lddw (target %lld)",
			    (long long)t);
	}
	return 0;
}

static const char *pseudo_name(u8 src)
{
	switch (src) {
	case 1: return "map fd";
	case 2: return "map value";
	case 3: return "btf id";
	case 4: return "func";
	case 5: return "map idx";
	case 6: return "map idx value";
	}
	return NULL;
}

/* Pass 1: one instruction's encoding. */
static int check_encoding(struct verifier *v, u32 i)
{
	const struct bpf_insn *insn = &v->insns[i];
	const struct abpf_opcode_info *info = &abpf_opcode_table[insn->code];
	u8 code = insn->code;
	int err = 0;

	if (!info->valid)
		return verr(v, -EINVAL, i, "unknown opcode 0x%02x", code);

	switch (info->form) {
	case ABPF_FORM_ALU_K:
		err = check_zero(v, i, "src_reg", insn->src_reg);
		if (!err && !(is_div_mod(code) && insn->off == 1))
			err = check_zero(v, i, "off", insn->off);
		if (!err && is_div_mod(code) && insn->imm == 0)
			return verr(v, -EINVAL, i, "division by constant zero");
		break;
	case ABPF_FORM_ALU_X:
		err = check_zero(v, i, "imm", insn->imm);
		if (err)
			break;
		if (BPF_OP(code) == BPF_MOV) {
			s16 off = insn->off;

			if (off != 0 && off != 8 && off != 16 &&
			    !(off == 32 && BPF_CLASS(code) == BPF_ALU64))
				return verr(v, -EINVAL, i,
					    "invalid movsx size %d", off);
		} else if (!(is_div_mod(code) && insn->off == 1)) {
			err = check_zero(v, i, "off", insn->off);
		}
		if (!err)
			err = check_reg(v, i, insn->src_reg);
		break;
	case ABPF_FORM_NEG:
		err = check_zero(v, i, "src_reg", insn->src_reg);
		if (!err)
			err = check_zero(v, i, "off", insn->off);
		if (!err)
			err = check_zero(v, i, "imm", insn->imm);
		break;
	case ABPF_FORM_END:
		err = check_zero(v, i, "src_reg", insn->src_reg);
		if (!err)
			err = check_zero(v, i, "off", insn->off);
		if (!err && insn->imm != 16 && insn->imm != 32 && insn->imm != 64)
			return verr(v, -EINVAL, i, "invalid byte swap size %d",
				    insn->imm);
		break;
	case ABPF_FORM_JA:
		err = check_zero(v, i, "dst_reg", insn->dst_reg);
		if (!err)
			err = check_zero(v, i, "src_reg", insn->src_reg);
		if (!err)
			err = check_zero(v, i, "imm", insn->imm);
		break;
	case ABPF_FORM_JA32:
		err = check_zero(v, i, "dst_reg", insn->dst_reg);
		if (!err)
			err = check_zero(v, i, "src_reg", insn->src_reg);
		if (!err)
			err = check_zero(v, i, "off", insn->off);
		break;
	case ABPF_FORM_JCOND_K:
		err = check_zero(v, i, "src_reg", insn->src_reg);
		break;
	case ABPF_FORM_JCOND_X:
		err = check_zero(v, i, "imm", insn->imm);
		if (!err)
			err = check_reg(v, i, insn->src_reg);
		break;
	case ABPF_FORM_CALL:
		err = check_zero(v, i, "dst_reg", insn->dst_reg);
		if (!err)
			err = check_zero(v, i, "off", insn->off);
		if (err)
			return err;
		if (insn->src_reg == BPF_PSEUDO_CALL) {
			s64 t = (s64)i + 1 + insn->imm;

			err = check_target(v, i, t, true);
			if (!err)
				v->aux[t].flags |= ABPF_AUX_SUBPROG_START;
			return err;
		}
		if (insn->src_reg != 0)
			return verr(v, -EINVAL, i, "invalid call source %u",
				    insn->src_reg);
		if (!find_helper(v, insn->imm))
			return verr(v, -EINVAL, i, "unknown helper %d", insn->imm);
		return 0;
	case ABPF_FORM_CALLX:
		err = check_zero(v, i, "src_reg", insn->src_reg);
		if (!err)
			err = check_zero(v, i, "off", insn->off);
		if (!err)
			err = check_zero(v, i, "imm", insn->imm);
		if (!err && (!v->prog->helpers || !v->prog->helpers->count))
			return verr(v, -EINVAL, i,
				    "callx, but this program type has no helpers");
		break;
	case ABPF_FORM_EXIT:
		err = check_zero(v, i, "dst_reg", insn->dst_reg);
		if (!err)
			err = check_zero(v, i, "src_reg", insn->src_reg);
		if (!err)
			err = check_zero(v, i, "off", insn->off);
		if (!err)
			err = check_zero(v, i, "imm", insn->imm);
		break;
	case ABPF_FORM_LDDW: {
		const struct bpf_insn *hi = insn + 1;

		err = check_zero(v, i, "off", insn->off);
		if (err)
			return err;
		if (i + 1 >= v->len)
			return verr(v, -EINVAL, i, "lddw is missing its second slot");
		if (hi->code || hi->dst_reg || hi->src_reg || hi->off)
			return verr(v, -EINVAL, i,
				    "lddw second slot must have code, dst_reg, src_reg and off 0");
		if ((insn->src_reg == BPF_PSEUDO_MAP_FD ||
		     insn->src_reg == BPF_PSEUDO_MAP_VALUE) &&
		    (v->prog->flags & ABPF_PROG_MAPS_BOUND))
			break;
		if (insn->src_reg == BPF_PSEUDO_MAP_FD ||
		    insn->src_reg == BPF_PSEUDO_MAP_VALUE)
			return verr(v, -EINVAL, i,
				    "lddw pseudo source %u (%s) needs a map resolver (maps not bound)",
				    insn->src_reg, pseudo_name(insn->src_reg));
		if (insn->src_reg) {
			const char *name = pseudo_name(insn->src_reg);

			if (name)
				return verr(v, -EINVAL, i,
					    "lddw pseudo source %u (%s) not supported yet",
					    insn->src_reg, name);
			return verr(v, -EINVAL, i,
				    "lddw with unknown pseudo source %u",
				    insn->src_reg);
		}
		break;
	}
	case ABPF_FORM_LD_ABS:
		err = check_zero(v, i, "dst_reg", insn->dst_reg);
		if (!err)
			err = check_zero(v, i, "src_reg", insn->src_reg);
		if (!err)
			err = check_zero(v, i, "off", insn->off);
		break;
	case ABPF_FORM_LD_IND:
		err = check_zero(v, i, "dst_reg", insn->dst_reg);
		if (!err)
			err = check_zero(v, i, "off", insn->off);
		if (!err)
			err = check_reg(v, i, insn->src_reg);
		break;
	case ABPF_FORM_LDX:
		err = check_zero(v, i, "imm", insn->imm);
		if (!err)
			err = check_reg(v, i, insn->src_reg);
		break;
	case ABPF_FORM_ST:
		err = check_zero(v, i, "src_reg", insn->src_reg);
		break;
	case ABPF_FORM_STX:
		err = check_zero(v, i, "imm", insn->imm);
		if (!err)
			err = check_reg(v, i, insn->src_reg);
		break;
	case ABPF_FORM_ATOMIC:
		if (!abpf_atomic_op_valid(insn->imm))
			return verr(v, -EINVAL, i, "invalid atomic operation 0x%x",
				    insn->imm);
		err = check_reg(v, i, insn->src_reg);
		if (!err && (insn->imm & BPF_FETCH) && insn->imm != BPF_CMPXCHG &&
		    insn->src_reg == ABPF_REG_FP)
			return verr(v, -EACCES, i, "r10 is read-only");
		break;
	default:
		return verr(v, -EINVAL, i, "opcode 0x%02x has no form", code);
	}
	if (err)
		return err;

	/* Every remaining form names dst (unused dst was checked zero). */
	err = check_reg(v, i, insn->dst_reg);
	if (err)
		return err;
	if (form_writes_dst(info->form) && insn->dst_reg == ABPF_REG_FP)
		return verr(v, -EACCES, i, "r10 is read-only");
	if ((info->form == ABPF_FORM_LD_ABS || info->form == ABPF_FORM_LD_IND) &&
	    v->prog->type != ABPF_PROG_TYPE_MEM &&
	    v->prog->type != ABPF_PROG_TYPE_CONFORMANCE &&
	    v->prog->type != ABPF_PROG_TYPE_PACKET)
		return verr(v, -EINVAL, i,
			    "legacy packet load not allowed for this program type");
	if (is_jump_form(info->form))
		return check_target(v, i, jump_target(insn, i), false);
	return 0;
}

/* Pass 2: number the subprograms, keep jumps inside them. */
static int build_subprogs(struct verifier *v)
{
	struct abpf_prog *prog = v->prog;
	u32 i, n = 0, cur = 0;

	for (i = 0; i < v->len; i++)
		if (v->aux[i].flags & ABPF_AUX_SUBPROG_START)
			n++;
	if (n > ABPF_MAX_SUBPROGS)
		return verr(v, -EINVAL, 0, "too many subprograms (%u, max %u)",
			    n, ABPF_MAX_SUBPROGS);
	prog->subprogs = abpf_zalloc(n * sizeof(*prog->subprogs));
	v->sub_end = abpf_zalloc(n * sizeof(u32));
	v->sub_depth = abpf_zalloc(n * sizeof(u32));
	v->sub_frames = abpf_zalloc(n * sizeof(u32));
	v->sub_stack = abpf_zalloc(n * sizeof(u32));
	v->sub_color = abpf_zalloc(n);
	if (!prog->subprogs || !v->sub_end || !v->sub_depth ||
	    !v->sub_frames || !v->sub_stack || !v->sub_color)
		return -ENOMEM;
	prog->nr_subprogs = n;

	for (i = 0; i < v->len; i++) {
		if (v->aux[i].flags & ABPF_AUX_SUBPROG_START) {
			if (i)
				v->sub_end[cur++] = i;
			prog->subprogs[cur].start = i;
		}
		v->aux[i].subprog = cur;
	}
	v->sub_end[cur] = v->len;

	for (i = 0; i < v->len; i++) {
		const struct bpf_insn *insn = &v->insns[i];
		s64 t;

		if (v->aux[i].flags & ABPF_AUX_LDDW_HI)
			continue;
		if (!is_jump_form(insn_form(insn)))
			continue;
		t = jump_target(insn, i);
		if (v->aux[t].subprog != v->aux[i].subprog)
			return verr(v, -EINVAL, i,
				    "jump out of its subprogram (target %lld)",
				    (long long)t);
		if (t <= i)
			v->aux[i].flags |= ABPF_AUX_BACKEDGE;
	}
	return 0;
}

/* Where control goes after insn i if it does not jump (len: nowhere). */
static u32 next_insn(struct verifier *v, u32 i)
{
	return abpf_is_lddw(&v->insns[i]) ? i + 2 : i + 1;
}

static bool falls_through(const struct bpf_insn *insn)
{
	u8 form = insn_form(insn);

	return form != ABPF_FORM_JA && form != ABPF_FORM_JA32 &&
	       form != ABPF_FORM_EXIT;
}

static void mark_reach(struct verifier *v, u32 *sp, u32 t)
{
	if (!(v->aux[t].flags & ABPF_AUX_REACHED)) {
		v->aux[t].flags |= ABPF_AUX_REACHED;
		v->work[(*sp)++] = t;
	}
}

/* Pass 3: reachability from insn 0, through jumps and local calls. */
static int check_cfg(struct verifier *v)
{
	u32 sp = 0, i;

	mark_reach(v, &sp, 0);
	while (sp) {
		const struct bpf_insn *insn;
		u8 form;

		i = v->work[--sp];
		insn = &v->insns[i];
		form = insn_form(insn);
		if (is_jump_form(form))
			mark_reach(v, &sp, jump_target(insn, i));
		if (is_local_call(insn))
			mark_reach(v, &sp, i + 1 + insn->imm);
		if (falls_through(insn)) {
			u32 n = next_insn(v, i);

			if (n < v->len && !(v->aux[n].flags & ABPF_AUX_SUBPROG_START))
				mark_reach(v, &sp, n);
		}
	}

	for (i = 0; i < v->len; i++) {
		u32 n;

		if (v->aux[i].flags & ABPF_AUX_LDDW_HI)
			continue;
		if (!(v->aux[i].flags & ABPF_AUX_REACHED))
			return verr(v, -EINVAL, i, "unreachable instruction");
		if (!falls_through(&v->insns[i]))
			continue;
		n = next_insn(v, i);
		if (n >= v->len)
			return verr(v, -EINVAL, i, "falls off the end of the program");
		if (v->aux[n].flags & ABPF_AUX_SUBPROG_START)
			return verr(v, -EINVAL, i,
				    "falls through into the subprogram at insn %u", n);
	}
	return 0;
}

/*
 * Pass 4: the call graph, by an iterative post-order DFS (work[] holds
 * subprogram numbers, the scan position of each is kept in cursor[]).
 * sub_frames[s] = frames of the deepest chain starting at s.
 */
static int check_call_graph(struct verifier *v)
{
	u32 n = v->prog->nr_subprogs;
	u32 *cursor;
	u32 sp = 0;
	int err = 0;

	cursor = abpf_zalloc(n * sizeof(u32));
	if (!cursor)
		return -ENOMEM;
	for (sp = 0; sp < n; sp++)
		cursor[sp] = v->prog->subprogs[sp].start;
	sp = 0;
	v->work[sp++] = 0;
	v->sub_color[0] = 1;
	while (sp) {
		u32 s = v->work[sp - 1];
		u32 i = cursor[s];

		for (; i < v->sub_end[s]; i++)
			if (is_local_call(&v->insns[i]) &&
			    !(v->aux[i].flags & ABPF_AUX_LDDW_HI))
				break;
		if (i < v->sub_end[s]) {
			u32 c = v->aux[i + 1 + v->insns[i].imm].subprog;

			cursor[s] = i + 1;
			if (v->sub_color[c] == 1) {
				err = verr(v, -EINVAL, i,
					   "recursive call (subprogram at insn %u calls itself through this chain)",
					   v->prog->subprogs[c].start);
				break;
			}
			if (v->sub_color[c] == 0) {
				v->sub_color[c] = 1;
				v->work[sp++] = c;
			}
			continue;
		}
		/* All callees done: fold them in. */
		v->sub_frames[s] = 1;
		for (i = v->prog->subprogs[s].start; i < v->sub_end[s]; i++) {
			u32 c;

			if (!is_local_call(&v->insns[i]) ||
			    (v->aux[i].flags & ABPF_AUX_LDDW_HI))
				continue;
			c = v->aux[i + 1 + v->insns[i].imm].subprog;
			if (v->sub_frames[c] + 1 > v->sub_frames[s])
				v->sub_frames[s] = v->sub_frames[c] + 1;
		}
		v->sub_color[s] = 2;
		sp--;
	}
	abpf_free(cursor);
	if (err)
		return err;

	if (v->sub_frames[0] > ABPF_MAX_CALL_FRAMES) {
		/* Walk the deepest chain to the call that adds frame 9. */
		u32 s = 0, depth = 1, i;

		for (;;) {
			for (i = v->prog->subprogs[s].start; i < v->sub_end[s]; i++) {
				u32 c;

				if (!is_local_call(&v->insns[i]) ||
				    (v->aux[i].flags & ABPF_AUX_LDDW_HI))
					continue;
				c = v->aux[i + 1 + v->insns[i].imm].subprog;
				if (v->sub_frames[c] + 1 == v->sub_frames[s])
					break;
			}
			if (depth == ABPF_MAX_CALL_FRAMES || i >= v->sub_end[s])
				break;
			s = v->aux[i + 1 + v->insns[i].imm].subprog;
			depth++;
		}
		return verr(v, -EACCES, i, "call chain too deep (max %u frames)",
			    ABPF_MAX_CALL_FRAMES);
	}
	return 0;
}

/* Pass 6: per-subprogram and combined stack depth. */
static int check_stack_depth(struct verifier *v)
{
	struct abpf_prog *prog = v->prog;
	u32 n = prog->nr_subprogs, s, i, left;
	bool changed = true;

	/*
	 * The call graph is a DAG of depth <= 8, so at most 8 relaxation
	 * rounds settle the combined depths.
	 */
	for (s = 0; s < n; s++) {
		prog->subprogs[s].stack_depth = (v->sub_depth[s] + 7) & ~7u;
		v->sub_stack[s] = prog->subprogs[s].stack_depth;
	}
	for (left = ABPF_MAX_CALL_FRAMES + 1; changed && left; left--) {
		changed = false;
		for (s = 0; s < n; s++) {
			for (i = prog->subprogs[s].start; i < v->sub_end[s]; i++) {
				u32 c, d;

				if (!is_local_call(&v->insns[i]) ||
				    (v->aux[i].flags & ABPF_AUX_LDDW_HI))
					continue;
				c = v->aux[i + 1 + v->insns[i].imm].subprog;
				d = prog->subprogs[s].stack_depth + v->sub_stack[c];
				if (d > v->sub_stack[s]) {
					v->sub_stack[s] = d;
					changed = true;
				}
			}
		}
	}
	prog->stack_depth = v->sub_stack[0];
	if (prog->stack_depth <= ABPF_MAX_STACK)
		return 0;

	/* Walk the deepest chain to the call where it passes the limit. */
	s = 0;
	left = 0;
	for (;;) {
		u32 c = 0;

		left += prog->subprogs[s].stack_depth;
		for (i = prog->subprogs[s].start; i < v->sub_end[s]; i++) {
			if (!is_local_call(&v->insns[i]) ||
			    (v->aux[i].flags & ABPF_AUX_LDDW_HI))
				continue;
			c = v->aux[i + 1 + v->insns[i].imm].subprog;
			if (prog->subprogs[s].stack_depth + v->sub_stack[c] ==
			    v->sub_stack[s])
				break;
		}
		/* Cannot happen: the chain goes on while it is over the limit. */
		if (i >= v->sub_end[s]) {
			i = prog->subprogs[s].start;
			break;
		}
		if (left + prog->subprogs[c].stack_depth > ABPF_MAX_STACK)
			break;
		s = c;
	}
	return verr(v, -EACCES, i, "combined stack depth %u exceeds %u",
		    prog->stack_depth, ABPF_MAX_STACK);
}

/* ---- Pass 5: dataflow ---- */

static bool is_ptr(const struct vreg *r)
{
	return r->type >= RT_PTR_STACK;
}

/* known and val from the bounds; bounds from the known low zero bits. */
static void reg_sync(struct vreg *r)
{
	if (r->type == RT_SCALAR) {
		if (r->tz && r->tz < 64) {
			u64 m = (1ULL << r->tz) - 1;
			u64 lo = r->umin + m < r->umin ? r->umin : (r->umin + m) & ~m;
			u64 hi = r->umax & ~m;

			if (lo <= hi) {
				r->umin = lo;
				r->umax = hi;
			}
		}
		r->known = r->umin == r->umax;
		r->val = r->known ? (s64)r->umin : 0;
		if (r->known)
			r->tz = r->umin ? __builtin_ctzll(r->umin) : 64;
	} else if (is_ptr(r)) {
		r->known = r->omin == r->omax;
		r->val = r->known ? r->omin : 0;
	}
}

static bool off_bounded(const struct vreg *r)
{
	return r->omin >= -OFF_BOUND && r->omax <= OFF_BOUND;
}

static void set_type(struct vreg *r, u8 type, bool known, s64 val)
{
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->known = known;
	r->val = known ? val : 0;
	if (known) {
		r->omin = val;
		r->omax = val;
		if (type == RT_SCALAR)
			r->tz = val ? __builtin_ctzll(val) : 64;
	} else if (type == RT_SCALAR) {
		r->umin = 0;
		r->umax = V_U64_MAX;
	} else if (type != RT_UNINIT) {
		r->omin = V_S64_MIN;
		r->omax = V_S64_MAX;
	}
}

static void set_scalar(struct vreg *r, bool known, s64 val)
{
	set_type(r, RT_SCALAR, known, val);
}

static void set_scalar_range(struct vreg *r, u64 umin, u64 umax)
{
	set_type(r, RT_SCALAR, false, 0);
	r->umin = umin;
	r->umax = umax;
	reg_sync(r);
}

static void set_uninit(struct vreg *r)
{
	set_type(r, RT_UNINIT, false, 0);
}

static void set_unknown_ptr(struct vreg *r)
{
	set_type(r, RT_PTR_UNKNOWN, false, 0);
}

static bool is_or_null(u8 type)
{
	return type == RT_MAP_VALUE_OR_NULL || type == RT_ALLOC_MEM_OR_NULL;
}

/*
 * A ringbuf record (or a reserve's result) always has an id: every
 * register and spill slot with that id holds the same record on every path
 * (the latest result of call id - 1, or one record of each path joined,
 * see join_rec_ids()), so a submit/discard releases them all.  A record
 * whose id would be lost becomes an unknown pointer: it can no longer be
 * submitted, and accesses through it are checked (and abort, records are
 * not run-time regions).
 */
static bool is_rec(u8 type)
{
	return type == RT_ALLOC_MEM || type == RT_ALLOC_MEM_OR_NULL;
}

/* The non-NULL type of an OR_NULL type. */
static u8 non_null_type(u8 type)
{
	return type == RT_MAP_VALUE_OR_NULL ? RT_MAP_VALUE : RT_ALLOC_MEM;
}

static bool ref_has(const struct vstate *st, u32 id)
{
	u32 k;

	for (k = 0; k < st->nr_refs; k++)
		if (st->refs[k] == id)
			return true;
	return false;
}

/* false: no room (refs_lost set) */
static bool ref_add(struct vstate *st, u32 id)
{
	if (ref_has(st, id))
		return true;
	if (st->nr_refs >= REFS_MAX) {
		st->refs_lost = 1;
		return false;
	}
	st->refs[st->nr_refs++] = id;
	return true;
}

static void ref_del(struct vstate *st, u32 id)
{
	u32 k;

	for (k = 0; k < st->nr_refs; k++)
		if (st->refs[k] == id) {
			st->refs[k] = st->refs[--st->nr_refs];
			st->refs[st->nr_refs] = 0;
			return;
		}
}

/* Join of two different types (neither uninitialised) into a. */
static void join_mixed(struct vreg *a, const struct vreg *b)
{
	const struct vreg *n = is_or_null(a->type) ? a : b;
	const struct vreg *o = n == a ? b : a;

	if (n->type == RT_ALLOC_MEM_OR_NULL) {
		/*
		 * A record or NULL: only the same record checked (same id),
		 * never a plain NULL (a copy with the id may be live there).
		 */
		if (o->type == RT_ALLOC_MEM && o->known && o->val == 0 &&
		    o->size == n->size && o->id && o->id == n->id) {
			*a = *n;
			return;
		}
	} else if (is_or_null(n->type) &&
		   ((o->type == RT_SCALAR && o->known && o->val == 0) ||
		    (o->type == non_null_type(n->type) && o->known &&
		     o->val == 0 && o->map == n->map &&
		     o->size == n->size))) {
		/* NULL or the checked pointer: still "maybe NULL" */
		struct vreg r = *n;

		r.id = 0;
		*a = r;
		return;
	}
	set_unknown_ptr(a);
}

/* Bounds of b into a (same type); widen: a bound that grows goes all out. */
static void join_bounds(struct vreg *a, const struct vreg *b, bool widen)
{
	if (a->type == RT_SCALAR) {
		if (b->umin < a->umin)
			a->umin = widen ? 0 : b->umin;
		if (b->umax > a->umax)
			a->umax = widen ? V_U64_MAX : b->umax;
		if (b->tz < a->tz)
			a->tz = b->tz;
		return;
	}
	if (b->omin < a->omin)
		a->omin = widen ? V_S64_MIN : b->omin;
	if (b->omax > a->omax)
		a->omax = widen ? V_S64_MAX : b->omax;
	if (a->omin != a->omax && !off_bounded(a)) {
		a->omin = V_S64_MIN;
		a->omax = V_S64_MAX;
	}
}

/* Packet pointers: the base is shared only with the same id. */
static void join_pkt(struct vreg *a, const struct vreg *b, bool widen)
{
	if (a->id != b->id)
		a->id = PKT_ID_ANON;
	if (b->range < a->range)
		a->range = widen ? 0 : b->range;
	if (b->size > a->size) {
		if (widen) {
			set_unknown_ptr(a);
			return;
		}
		a->size = b->size;
	}
	join_bounds(a, b, widen);
	if (a->omin < -PKT_MAX_OFF || a->omax > PKT_MAX_OFF)
		set_unknown_ptr(a);
}

/* Join b into a; returns true if a changed.  Must-init: uninit wins. */
static bool join_reg(struct vreg *a, const struct vreg *b, bool widen)
{
	struct vreg old = *a;

	if (a->type == RT_UNINIT)
		return false;
	if (b->type == RT_UNINIT) {
		set_uninit(a);
	} else if (a->type != b->type) {
		join_mixed(a, b);
	} else if (a->type == RT_PTR_PKT) {
		join_pkt(a, b, widen);
	} else if (a->map != b->map || a->size != b->size) {
		set_unknown_ptr(a);
	} else if (is_rec(a->type) && (!a->id || a->id != b->id)) {
		set_unknown_ptr(a);	/* two records: neither may be released */
	} else {
		if (a->id != b->id || a->loff != b->loff) {
			a->id = 0;
			a->loff = 0;
		}
		join_bounds(a, b, widen);
	}
	reg_sync(a);
	return memcmp(&old, a, sizeof(old)) != 0;
}

static bool is_linked(const struct vreg *r, u32 id)
{
	return r->type == RT_SCALAR && id && r->id == id;
}

/*
 * Do the registers of group id in x stand in the same relation in y: one
 * group there too, or constants, with the same differences?
 */
static bool link_holds(const struct vstate *x, u32 id, const struct vstate *y)
{
	const struct vreg *x0 = NULL, *y0 = NULL;
	u32 k;

	for (k = 0; k < ABPF_NR_REGS; k++) {
		const struct vreg *xr = &x->regs[k], *yr = &y->regs[k];

		if (!is_linked(xr, id))
			continue;
		if (yr->type != RT_SCALAR)
			return false;
		if (!x0) {
			x0 = xr;
			y0 = yr;
			if (!yr->id && !yr->known)
				return false;
			continue;
		}
		if (y0->id ? yr->id != y0->id ||
			     (s64)yr->loff - y0->loff != (s64)xr->loff - x0->loff :
			     !yr->known ||
			     (u64)yr->val - (u64)y0->val !=
			     (u64)((s64)xr->loff - x0->loff))
			return false;
	}
	return true;
}

/* Registers of group id in x: group id in y too, with x's offsets. */
static void link_copy(const struct vstate *x, u32 id, struct vstate *y)
{
	u32 k, old = 0;

	for (k = 0; k < ABPF_NR_REGS; k++)
		if (is_linked(&x->regs[k], id) && y->regs[k].id)
			old = y->regs[k].id;
	for (k = 0; k < ABPF_NR_REGS; k++) {
		struct vreg *yr = &y->regs[k];

		if (is_linked(&x->regs[k], id)) {
			yr->id = id;
			yr->loff = x->regs[k].loff;
		} else if (yr->type == RT_SCALAR &&
			   ((old && yr->id == old) || yr->id == id)) {
			yr->id = 0;
			yr->loff = 0;
		}
	}
}

static bool id_used(const struct vstate *st, u32 id)
{
	u32 k;

	for (k = 0; k < ABPF_NR_REGS; k++)
		if (st->regs[k].id == id)
			return true;
	return false;
}

/*
 * Linked scalars across a join: a group of a survives if b relates the
 * same registers the same way (b's copy bc is renamed to match); a group
 * of b whose registers are constants in a with the right differences is
 * taken into a (a loop's first iteration links what were constants).
 */
static void join_links(struct vstate *a, struct vstate *bc, bool adopt)
{
	u32 k, j;

	for (k = 0; k < ABPF_NR_REGS; k++) {
		u32 id = a->regs[k].id;

		if (a->regs[k].type != RT_SCALAR || !id)
			continue;
		for (j = 0; j < k; j++)
			if (is_linked(&a->regs[j], id))
				break;
		if (j < k)
			continue;		/* group done */
		if (link_holds(a, id, bc)) {
			link_copy(a, id, bc);
			continue;
		}
		for (j = k; j < ABPF_NR_REGS; j++)
			if (is_linked(&a->regs[j], id)) {
				a->regs[j].id = 0;
				a->regs[j].loff = 0;
			}
	}
	for (k = 0; adopt && k < ABPF_NR_REGS; k++) {
		u32 id = bc->regs[k].id;

		if (bc->regs[k].type != RT_SCALAR || !id ||
		    a->regs[k].type != RT_SCALAR || a->regs[k].id ||
		    id_used(a, id) || !link_holds(bc, id, a))
			continue;
		link_copy(bc, id, a);
	}
}

/* ---- spilled registers ---- */

static void spill_remove(struct vstate *st, u32 k)
{
	u32 n = st->nr_spills - 1;

	memmove(&st->spill_slot[k], &st->spill_slot[k + 1], n - k);
	memmove(&st->spill[k], &st->spill[k + 1], (n - k) * sizeof(st->spill[0]));
	st->spill_slot[n] = 0;
	memset(&st->spill[n], 0, sizeof(st->spill[n]));
	st->nr_spills = n;
}

static void spill_clear(struct vstate *st)
{
	st->nr_spills = 0;
	memset(st->spill_slot, 0, sizeof(st->spill_slot));
	memset(st->spill, 0, sizeof(st->spill));
}

/* Forget every slot that bytes [lo, hi) of the frame (fp-relative) touch. */
static void spill_forget(struct vstate *st, s64 lo, s64 hi)
{
	u32 k = 0;

	while (k < st->nr_spills) {
		s64 o = (s64)st->spill_slot[k] * 8 - ABPF_MAX_STACK;

		if (o < hi && o + 8 > lo)
			spill_remove(st, k);
		else
			k++;
	}
}

/* The state spilled at fp + o (8-byte aligned), or NULL. */
static const struct vreg *spill_find(const struct vstate *st, s64 o)
{
	u32 k;

	if (o < -ABPF_MAX_STACK || o > -8 || (o & 7))
		return NULL;
	for (k = 0; k < st->nr_spills; k++)
		if (st->spill_slot[k] * 8 - ABPF_MAX_STACK == o)
			return &st->spill[k];
	return NULL;
}

/*
 * An 8-byte store of r at fp + o (aligned, in the frame; the old slot is
 * forgotten already).  Ids that name other registers' state are dropped:
 * a spilled scalar is linked to nothing, a packet pointer keeps its own
 * proof but no shared base (id 0, data itself, stays), a maybe-NULL
 * map value is refined only when filled and checked.  Ringbuf records
 * (checked or not) keep theirs: a record must keep its id (is_rec()), a
 * release forgets every slot anyway (calls forget every slot).
 */
static void spill_store(struct vstate *st, s64 o, const struct vreg *r)
{
	u32 slot = (u32)(o + ABPF_MAX_STACK) / 8, k;

	if (st->nr_spills >= SPILL_MAX || r->type == RT_UNINIT ||
	    r->type == RT_PTR_UNKNOWN)
		return;
	for (k = st->nr_spills; k > 0 && st->spill_slot[k - 1] > slot; k--) {
		st->spill_slot[k] = st->spill_slot[k - 1];
		st->spill[k] = st->spill[k - 1];
	}
	st->spill_slot[k] = slot;
	st->spill[k] = *r;
	st->nr_spills++;
	if (r->type == RT_SCALAR) {
		st->spill[k].id = 0;
		st->spill[k].loff = 0;
	} else if (r->type == RT_PTR_PKT && r->id) {
		st->spill[k].id = PKT_ID_ANON;
	} else if (r->type == RT_MAP_VALUE_OR_NULL) {
		st->spill[k].id = 0;
	}
}

/*
 * Slots spilled in both a and b, joined (widened past the spill counter);
 * true if a changed.
 */
static bool join_spills(struct vstate *a, const struct vstate *b,
			u16 *changes, bool widen_all)
{
	bool widen = changes && (widen_all || changes[ABPF_NR_REGS] >= WIDEN_AFTER);
	u8 old_nr = a->nr_spills;
	bool changed = false;
	u32 k = 0, j = 0;

	while (k < a->nr_spills) {
		while (j < b->nr_spills && b->spill_slot[j] < a->spill_slot[k])
			j++;
		if (j < b->nr_spills && b->spill_slot[j] == a->spill_slot[k]) {
			struct vreg *x = &a->spill[k];

			if (join_reg(x, &b->spill[j], widen))
				changed = true;
			if (x->type != RT_UNINIT && x->type != RT_PTR_UNKNOWN) {
				k++;
				continue;
			}
		}
		spill_remove(a, k);
	}
	if (a->nr_spills != old_nr)
		changed = true;
	if (changed && changes && !widen)
		changes[ABPF_NR_REGS]++;
	return changed;
}

/* Record ids at register (k < ABPF_NR_REGS) or a's spill k - ABPF_NR_REGS. */
static u32 rec_id_at(const struct vstate *a, const struct vstate *b, u32 k,
		     u32 *ida)
{
	const struct vreg *x, *y;

	if (k < ABPF_NR_REGS) {
		x = &a->regs[k];
		y = &b->regs[k];
	} else {
		x = &a->spill[k - ABPF_NR_REGS];
		y = spill_find(b, (s64)a->spill_slot[k - ABPF_NR_REGS] * 8 -
			       ABPF_MAX_STACK);
	}
	*ida = is_rec(x->type) ? x->id : 0;
	return y && is_rec(y->type) ? y->id : 0;
}

/*
 * Ringbuf records of two paths: a group of registers and slots that holds
 * one record (id X) in a and one in bc (id Y, the same registers and
 * slots exactly) stays one record: Y is renamed X in bc.  Any other
 * record meets a different id and becomes an unknown pointer (join_reg).
 * The ids of a stay, so a state at a join point stops changing.
 */
static void join_rec_ids(const struct vstate *a, struct vstate *bc)
{
	u32 from[ABPF_NR_REGS + SPILL_MAX], to[ABPF_NR_REGS + SPILL_MAX];
	u32 n = 0, nk = ABPF_NR_REGS + a->nr_spills, k, j, m;

	/* a record in a register or slot is held (ref_has()) */
	if (!a->nr_refs || !bc->nr_refs)
		return;
	for (k = 0; k < nk; k++) {
		u32 x, y = rec_id_at(a, bc, k, &x);
		bool same = true;

		if (!x || !y || x == y)
			continue;
		for (m = 0; m < n && to[m] != x && from[m] != y; m++)
			;
		if (m < n)
			continue;	/* group seen (or x/y taken) */
		/* b's slots that a lacks are dropped by the join anyway */
		for (j = 0; j < nk && same; j++) {
			u32 xj, yj = rec_id_at(a, bc, j, &xj);

			same = (xj == x) == (yj == y);
		}
		if (same) {
			from[n] = y;
			to[n++] = x;
		}
	}
	if (!n)
		return;
	/* each id read once: the renaming is simultaneous */
	for (k = 0; k < ABPF_NR_REGS + SPILL_MAX + REFS_MAX; k++) {
		u32 *id;

		if (k < ABPF_NR_REGS + SPILL_MAX) {
			struct vreg *r = k < ABPF_NR_REGS ? &bc->regs[k] :
					 &bc->spill[k - ABPF_NR_REGS];

			if (!is_rec(r->type))
				continue;
			id = &r->id;
		} else if (k - ABPF_NR_REGS - SPILL_MAX < bc->nr_refs) {
			id = &bc->refs[k - ABPF_NR_REGS - SPILL_MAX];
		} else {
			continue;
		}
		for (m = 0; m < n; m++)
			if (*id == from[m]) {
				*id = to[m];
				break;
			}
	}
	/* two records of b under one id now: one of them is lost */
	for (k = 0; k < bc->nr_refs; k++)
		for (j = k + 1; j < bc->nr_refs; j++)
			if (bc->refs[k] == bc->refs[j])
				bc->refs_lost = 1;
}

/*
 * changes (NULL: never widen): per register, how often it changed at this
 * join point; past WIDEN_AFTER (or the budget), growing bounds widen.
 */
static bool join_state(struct verifier *v, struct vstate *a,
		       const struct vstate *b, u16 *changes, bool widen_all)
{
	struct vstate *bc = &v->scratch[S_JOIN_B];
	struct vstate *old = &v->scratch[S_JOIN_OLD];
	bool changed, adopt = !widen_all;
	u32 k;

	*bc = *b;
	*old = *a;
	/* adopting links gains information: only before widening starts */
	for (k = 0; changes && k < ABPF_NR_REGS; k++)
		if (changes[k] >= WIDEN_AFTER)
			adopt = false;
	join_links(a, bc, adopt);
	join_rec_ids(a, bc);
	for (k = 0; k < ABPF_NR_REGS; k++) {
		bool widen = changes &&
			     (widen_all || changes[k] >= WIDEN_AFTER);

		if (!join_reg(&a->regs[k], &bc->regs[k], widen) &&
		    !memcmp(&a->regs[k], &old->regs[k], sizeof(old->regs[k])))
			continue;
		if (changes && !widen)
			changes[k]++;
	}
	changed = memcmp(a->regs, old->regs, sizeof(old->regs)) != 0;
	if (join_spills(a, bc, changes, widen_all))
		changed = true;
	/* records: held if held on either path */
	for (k = 0; k < bc->nr_refs; k++)
		if (!ref_has(a, bc->refs[k])) {
			ref_add(a, bc->refs[k]);
			changed = true;
		}
	if (bc->refs_lost && !a->refs_lost) {
		a->refs_lost = 1;
		changed = true;
	}
	for (k = 0; k < ABPF_STACK_WORDS; k++) {
		u64 w = a->stack_init[k] & b->stack_init[k];

		if (w != a->stack_init[k]) {
			a->stack_init[k] = w;
			changed = true;
		}
	}
	return changed;
}

/*
 * Pending join points are processed lowest index first (a min-heap), which
 * visits forward code in order and revisits loop heads only on change.
 */
static u64 slot_key(const struct verifier *v, u32 slot)
{
	return (u64)v->join_insn[slot] << 32 | slot;
}

static void heap_push(struct verifier *v, u32 slot)
{
	u32 k = v->heap_len++;

	while (k) {
		u32 parent = (k - 1) / 2;

		if (slot_key(v, v->heap[parent]) <= slot_key(v, slot))
			break;
		v->heap[k] = v->heap[parent];
		k = parent;
	}
	v->heap[k] = slot;
}

static u32 heap_pop(struct verifier *v)
{
	u32 top = v->heap[0], last = v->heap[--v->heap_len], k = 0;

	for (;;) {
		u32 c = 2 * k + 1;

		if (c >= v->heap_len)
			break;
		if (c + 1 < v->heap_len &&
		    slot_key(v, v->heap[c + 1]) < slot_key(v, v->heap[c]))
			c++;
		if (slot_key(v, last) <= slot_key(v, v->heap[c]))
			break;
		v->heap[k] = v->heap[c];
		k = c;
	}
	if (v->heap_len)
		v->heap[k] = last;
	return top;
}

/*
 * Split states: a join point keeps one state per combination of known
 * scalar values (up to SPLIT_PER_INSN of them, SPLIT_SLOTS in all, while
 * fewer than SPLIT_BUDGET instructions were analysed), so that a loop
 * with a constant trip count is analysed iteration by iteration (the
 * kernel walks such loops path by path) and what moves with its counter
 * (a pointer advanced by a constant step) keeps known offsets.  A state
 * that finds no state of its combination and no room is joined into the
 * last one (a loop past its first SPLIT_PER_INSN iterations goes on from
 * there as without splitting).  Every state that reaches the point is
 * covered by one of them.  Only inside loops (in_loop).  States on edges
 * that the bounds rule out are set aside (park()): what only they reach is
 * analysed from them at the end (run_parked()).
 */
#define SPLIT_PER_INSN	96
#define SPLIT_SLOTS	2048
#define SPLIT_CHUNK	16		/* split states allocated at a time */
#define SPLIT_BUDGET	(64 * 1024)

static struct vstate *slot_state(const struct verifier *v, u32 slot)
{
	u32 x = slot - v->nr_joins;

	if (slot < v->nr_joins)
		return &v->join_state[slot];
	return &v->xstate[x / SPLIT_CHUNK][x % SPLIT_CHUNK];
}

/* A hash of what same_consts() compares. */
static u32 consts_sig(const struct vstate *st)
{
	u64 h = 0;
	u32 k;

	for (k = 0; k < ABPF_NR_REGS; k++) {
		const struct vreg *x = &st->regs[k];

		h = (h ^ (x->type == RT_SCALAR && x->known ?
			  (u64)x->val + k + 1 : 0)) * 0x9e3779b97f4a7c15ULL;
	}
	return (u32)(h >> 32);
}

static bool same_consts(const struct vstate *a, const struct vstate *b)
{
	u32 k;

	for (k = 0; k < ABPF_NR_REGS; k++) {
		const struct vreg *x = &a->regs[k], *y = &b->regs[k];
		bool kx = x->type == RT_SCALAR && x->known;
		bool ky = y->type == RT_SCALAR && y->known;

		if (kx != ky || (kx && x->val != y->val))
			return false;
	}
	return true;
}

/*
 * Room for one more slot (the per-slot arrays grow by doubling, states by
 * SPLIT_CHUNK, never moved); false: none.
 */
static bool grow_slots(struct verifier *v)
{
	u32 cap = v->cap_slots * 2, n = v->nr_slots, x = n - v->nr_joins;
	u32 *insn, *heap, *next, *sig;
	u16 *changes;
	u8 *flags;

	if (x >= SPLIT_SLOTS)
		return false;
	if (!v->xstate) {
		v->xstate = abpf_zalloc(SPLIT_SLOTS / SPLIT_CHUNK *
					sizeof(*v->xstate));
		if (!v->xstate)
			return false;
	}
	if (!v->xstate[x / SPLIT_CHUNK]) {
		v->xstate[x / SPLIT_CHUNK] =
			abpf_zalloc(SPLIT_CHUNK * sizeof(struct vstate));
		if (!v->xstate[x / SPLIT_CHUNK])
			return false;
	}
	if (n < v->cap_slots)
		return true;
	if (cap < 16)
		cap = 16;
	insn = abpf_zalloc(cap * sizeof(u32));
	heap = abpf_zalloc(cap * sizeof(u32));
	next = abpf_zalloc(cap * sizeof(u32));
	sig = abpf_zalloc(cap * sizeof(u32));
	flags = abpf_zalloc(cap);
	changes = abpf_zalloc((size_t)cap * JOIN_COUNTERS * sizeof(u16));
	if (!insn || !heap || !next || !sig || !flags || !changes) {
		abpf_free(insn);
		abpf_free(heap);
		abpf_free(next);
		abpf_free(sig);
		abpf_free(flags);
		abpf_free(changes);
		return false;
	}
	memcpy(insn, v->join_insn, n * sizeof(u32));
	memcpy(heap, v->heap, v->heap_len * sizeof(u32));
	memcpy(next, v->slot_next, n * sizeof(u32));
	memcpy(sig, v->slot_sig, n * sizeof(u32));
	memcpy(flags, v->join_flags, n);
	memcpy(changes, v->join_changes, (size_t)n * JOIN_COUNTERS * sizeof(u16));
	abpf_free(v->join_insn);
	abpf_free(v->heap);
	abpf_free(v->slot_next);
	abpf_free(v->slot_sig);
	abpf_free(v->join_flags);
	abpf_free(v->join_changes);
	v->join_insn = insn;
	v->heap = heap;
	v->slot_next = next;
	v->slot_sig = sig;
	v->join_flags = flags;
	v->join_changes = changes;
	v->cap_slots = cap;
	return true;
}

/* The slot of insn t's join point that st goes to (a new one, maybe). */
static u32 split_slot(struct verifier *v, u32 t, const struct vstate *st)
{
	u32 first = v->join_slot[t] - 1, slot = first, sig, tail;

	if (!(v->join_flags[first] & JOIN_HAS_STATE))
		return first;
	tail = v->chain_len[first] ? v->chain_tail[first] : first;
	/* only in loops; full: straight to the last one */
	if (!v->split || !v->in_loop[t] ||
	    v->chain_len[first] + 1 >= SPLIT_PER_INSN)
		return tail;
	sig = consts_sig(st);
	for (;;) {
		if (v->slot_sig[slot] == sig &&
		    same_consts(slot_state(v, slot), st))
			return slot;
		if (!v->slot_next[slot])
			break;
		slot = v->slot_next[slot] - 1;
	}
	if (st->dead || v->processed > SPLIT_BUDGET || !grow_slots(v))
		return tail;
	v->join_insn[v->nr_slots] = t;
	v->slot_next[tail] = v->nr_slots + 1;
	v->chain_tail[first] = v->nr_slots;
	v->chain_len[first]++;
	return v->nr_slots++;
}

#define PARK_MAX	256

/*
 * A state on an edge to insn t that the bounds rule out: kept aside (not
 * analysed) unless t is never reached otherwise (check_dataflow()).
 */
static void park(struct verifier *v, u32 t, const struct vstate *st)
{
	if (v->park_full)
		return;
	if (!v->park_at) {
		v->park_at = abpf_zalloc(v->len * sizeof(u32));
		if (!v->park_at) {
			v->park_full = true;
			return;
		}
	}
	if (v->park_at[t]) {
		join_state(v, &v->park[v->park_at[t] - 1], st, NULL, false);
		return;
	}
	if (v->nr_park >= PARK_MAX) {
		v->park_full = true;
		return;
	}
	if (v->nr_park >= 4 && !(v->nr_park & (v->nr_park - 1))) {
		/* room for 4, then 8, 16, ... PARK_MAX states */
		struct vstate *p = abpf_zalloc(2 * v->nr_park * sizeof(*p));

		if (!p) {
			v->park_full = true;
			return;
		}
		memcpy(p, v->park, v->nr_park * sizeof(*p));
		abpf_free(v->park);
		v->park = p;
	} else if (!v->park) {
		v->park = abpf_zalloc(4 * sizeof(*v->park));
		if (!v->park) {
			v->park_full = true;
			return;
		}
	}
	v->park[v->nr_park] = *st;
	v->park[v->nr_park].dead = 0;
	v->park_at[t] = ++v->nr_park;
}

/* Hand st to the join point at insn t. */
static void propagate(struct verifier *v, u32 t, const struct vstate *st)
{
	struct vstate *js;
	u32 slot;
	bool changed;

	if (st->dead && v->split) {
		park(v, t, st);		/* an edge the bounds rule out */
		return;
	}
	slot = split_slot(v, t, st);

	js = slot_state(v, slot);
	if (!(v->join_flags[slot] & JOIN_HAS_STATE)) {
		*js = *st;
		js->dead = 0;
		v->join_flags[slot] |= JOIN_HAS_STATE;
		changed = true;
	} else {
		changed = join_state(v, js, st,
				     &v->join_changes[slot * JOIN_COUNTERS],
				     v->processed > WIDEN_BUDGET);
	}
	if (changed)
		v->slot_sig[slot] = consts_sig(js);
	if (changed && !(v->join_flags[slot] & JOIN_PENDING)) {
		v->join_flags[slot] |= JOIN_PENDING;
		heap_push(v, slot);
	}
}

static int read_reg(struct verifier *v, u32 i, const struct vstate *st, u8 reg)
{
	if (st->regs[reg].type == RT_UNINIT)
		return verr(v, -EACCES, i, "read of uninitialised register r%u",
			    reg);
	return 0;
}

/*
 * A stack pointer leaves our sight (stored, passed, returned or turned into
 * a number): whoever gets it may read stale stack, so the engines zero it,
 * and the frame must reach down to it for the callee's frame not to overlap.
 */
static void escape(struct verifier *v, u32 i, const struct vreg *r)
{
	u16 sub = v->aux[i].subprog;

	if (r->type != RT_PTR_STACK)
		return;
	v->zero_stack = true;
	if (!r->known || r->val < -ABPF_MAX_STACK)
		v->sub_depth[sub] = ABPF_MAX_STACK;
	else if (r->val < 0 && -r->val > v->sub_depth[sub])
		v->sub_depth[sub] = -r->val;
}

static bool stack_bits(const struct vstate *st, s64 o, u32 size, s64 *bad)
{
	u32 b;

	for (b = o + ABPF_MAX_STACK; b < o + ABPF_MAX_STACK + size; b++) {
		if (!(st->stack_init[b / 64] & (1ULL << (b % 64)))) {
			*bad = o;
			return false;
		}
	}
	return true;
}

static void stack_set(struct vstate *st, s64 o, u32 size)
{
	u32 b;

	for (b = o + ABPF_MAX_STACK; b < o + ABPF_MAX_STACK + size; b++)
		st->stack_init[b / 64] |= 1ULL << (b % 64);
}

#define ACC_READ	0x1
#define ACC_WRITE	0x2

#define ACC_ATOMIC	0x4

static const char *rt_name(u8 type)
{
	switch (type) {
	case RT_MAP_PTR:		return "a map pointer";
	case RT_MAP_VALUE:		return "a map value";
	case RT_MAP_VALUE_OR_NULL:	return "a map value that may be NULL";
	case RT_ALLOC_MEM:		return "a ringbuf record";
	case RT_ALLOC_MEM_OR_NULL:	return "a ringbuf record that may be NULL";
	case RT_PTR_STACK:		return "a stack pointer";
	case RT_PTR_CTX:		return "the context";
	case RT_PTR_PKT:		return "a packet pointer";
	case RT_PTR_PKT_END:		return "the packet end";
	case RT_SCALAR:			return "a scalar";
	default:			return "an unknown pointer";
	}
}

/* Size of the object a map value / ringbuf record pointer points into. */
static u32 obj_size(struct verifier *v, const struct vreg *r)
{
	if (r->type == RT_MAP_VALUE || r->type == RT_MAP_VALUE_OR_NULL)
		return v->prog->maps[r->map]->value_size;
	return r->size;
}

/* An access of size bytes at r + off, r a map value or ringbuf record. */
static int check_obj(struct verifier *v, u32 i, u8 reg, const struct vreg *r,
		     s64 off, u32 size, u32 acc)
{
	const char *what = r->type == RT_MAP_VALUE ? "map value" :
						     "ringbuf record";
	u32 limit = obj_size(v, r);
	s64 o;

	if (!r->known) {
		/* A bounded variable offset: every offset must fit. */
		if (!off_bounded(r))
			return verr(v, -EACCES, i,
				    "R%u %s access at an unknown offset (bound it: only constant or range-checked offsets are supported)",
				    reg, what);
		if (r->omin + off < 0 || r->omax + off + size > limit)
			return verr(v, -EACCES, i,
				    "R%u %s access out of bounds (off %lld..%lld size %u, %s size %u)",
				    reg, what, (long long)(r->omin + off),
				    (long long)(r->omax + off), size, what,
				    limit);
		if (acc & ACC_ATOMIC)
			return verr(v, -EACCES, i,
				    "R%u atomic access to a %s at a variable offset",
				    reg, what);
		o = r->omin + off;
	} else {
		o = (s64)((u64)r->val + off);
	}
	if (o < 0 || o + size > limit)
		return verr(v, -EACCES, i,
			    "R%u %s access out of bounds (off %lld size %u, %s size %u)",
			    reg, what, (long long)o, size, what, limit);
	if ((acc & ACC_WRITE) && r->type == RT_MAP_VALUE &&
	    (v->prog->maps[r->map]->map_flags & BPF_F_RDONLY_PROG))
		return verr(v, -EACCES, i,
			    "R%u write into a map that is read-only for programs",
			    reg);
	if ((acc & ACC_ATOMIC) && (o & (size - 1)))
		return verr(v, -EACCES, i,
			    "R%u misaligned atomic access to a %s (off %lld size %u)",
			    reg, what, (long long)o, size);
	return 0;
}

/*
 * A stack access at a variable offset, r10 + [omin, omax] + off: proven
 * when every offset keeps it in the frame and, for reads, every byte it
 * may read was written (like the kernel's check_stack_range_initialized()).
 * A write may hit any slot of the range: those slots are forgotten (the
 * bytes stay written).  Anything else (atomics too) keeps its run-time
 * check: false.
 */
static bool stack_var_ok(struct verifier *v, u32 i, struct vstate *st,
			 const struct vreg *base, s16 off, u32 size, u32 acc)
{
	u16 sub = v->aux[i].subprog;
	s64 lo, hi, bad;

	if ((acc & ACC_ATOMIC) || !off_bounded(base))
		return false;
	lo = base->omin + off;
	hi = base->omax + off + size;
	if (lo < -ABPF_MAX_STACK || hi > 0)
		return false;
	if ((acc & ACC_READ) && !stack_bits(st, lo, hi - lo, &bad))
		return false;
	if (-lo > v->sub_depth[sub])
		v->sub_depth[sub] = -lo;
	if (acc & ACC_WRITE)
		spill_forget(st, lo, hi);
	return true;
}

/* One load/store/atomic of size bytes at base (register reg) + off. */
static int check_mem(struct verifier *v, u32 i, struct vstate *st, u8 reg,
		     const struct vreg *base, s16 off, u32 size, u32 acc)
{
	u16 sub = v->aux[i].subprog;
	s64 o, bad;

	switch (base->type) {
	case RT_MAP_VALUE:
	case RT_ALLOC_MEM:
		return check_obj(v, i, reg, base, off, size, acc);
	case RT_MAP_VALUE_OR_NULL:
	case RT_ALLOC_MEM_OR_NULL:
		return verr(v, -EACCES, i,
			    "R%u may be NULL: check it before the access", reg);
	case RT_MAP_PTR:
		return verr(v, -EACCES, i,
			    "R%u is a map pointer: memory access through it not allowed",
			    reg);
	case RT_PTR_STACK:
		if (!base->known) {
			if (stack_var_ok(v, i, st, base, off, size, acc))
				return 0;
			v->aux[i].flags |= ABPF_AUX_MEMCHK;
			v->sub_depth[sub] = ABPF_MAX_STACK;
			v->zero_stack = true;
			if (acc & ACC_WRITE)
				spill_clear(st);
			return 0;
		}
		o = (s64)((u64)base->val + off);
		if (o < -ABPF_MAX_STACK || o + size > 0)
			return verr(v, -EACCES, i,
				    "stack access out of bounds (off %lld size %u)",
				    (long long)o, size);
		/* Like the kernel: an unaligned lock op may split a cache line. */
		if ((acc & ACC_ATOMIC) && (o & (size - 1)))
			return verr(v, -EACCES, i,
				    "misaligned atomic stack access (off %lld size %u)",
				    (long long)o, size);
		if (-o > v->sub_depth[sub])
			v->sub_depth[sub] = -o;
		if ((acc & ACC_READ) && !stack_bits(st, o, size, &bad))
			return verr(v, -EACCES, i,
				    "read of uninitialised stack at fp%lld",
				    (long long)bad);
		if (acc & ACC_WRITE) {
			stack_set(st, o, size);
			spill_forget(st, o, o + size);
		}
		return 0;
	case RT_PTR_PKT:
		/*
		 * Reads inside the proven range need no check; writes keep
		 * theirs (the host may hand the packet read-only).
		 */
		if (!(acc & ACC_WRITE) && base->omin + off >= 0 &&
		    base->omax + off + size <= base->range)
			return 0;
		v->aux[i].flags |= ABPF_AUX_MEMCHK;
		v->zero_stack = true;
		if (acc & ACC_WRITE)	/* a checked write may hit the stack */
			spill_clear(st);
		return 0;
	case RT_PTR_CTX:
		/*
		 * Near the context: cannot be the stack unless the regions are
		 * adjacent.  Far away (a large constant) it might be.
		 */
		o = base->known ? (s64)((u64)base->val + off) : -1;
		/* Every host runs packet programs on a struct abpf_pkt_ctx. */
		if (v->prog->type == ABPF_PROG_TYPE_PACKET &&
		    !(acc & ACC_WRITE) && o >= 0 &&
		    o + size <= (s64)sizeof(struct abpf_pkt_ctx))
			return 0;
		v->aux[i].flags |= ABPF_AUX_MEMCHK;
		if (o < 0 || o >= ABPF_CTX_NEAR)
			v->zero_stack = true;
		if (acc & ACC_WRITE)
			spill_clear(st);
		return 0;
	default:
		/* A scalar or unknown pointer could point into the stack. */
		v->aux[i].flags |= ABPF_AUX_MEMCHK;
		v->zero_stack = true;
		if (acc & ACC_WRITE)
			spill_clear(st);
		return 0;
	}
}

/* Constant folding of scalar ALU ops; false if not folded. */
static bool alu_fold(u8 code, s16 off, u64 a, u64 b, u64 *res)
{
	bool is64 = BPF_CLASS(code) == BPF_ALU64;
	u32 sh = is64 ? 63 : 31;

	if (!is64) {
		a = (u32)a;
		b = (u32)b;
	}
	switch (BPF_OP(code)) {
	case BPF_ADD:
		*res = a + b;
		break;
	case BPF_SUB:
		*res = a - b;
		break;
	case BPF_MUL:
		*res = a * b;
		break;
	case BPF_OR:
		*res = a | b;
		break;
	case BPF_AND:
		*res = a & b;
		break;
	case BPF_XOR:
		*res = a ^ b;
		break;
	case BPF_LSH:
		*res = a << (b & sh);
		break;
	case BPF_RSH:
		*res = a >> (b & sh);
		break;
	case BPF_ARSH:
		if (is64)
			*res = (u64)((s64)a >> (b & sh));
		else
			*res = (u32)((s32)a >> (b & sh));
		break;
	case BPF_MOV:
		if (off == 8)
			*res = (u64)(s64)(s8)b;
		else if (off == 16)
			*res = (u64)(s64)(s16)b;
		else if (off == 32)
			*res = (u64)(s64)(s32)b;
		else
			*res = b;
		break;
	case BPF_NEG:
		*res = -a;
		break;
	case BPF_DIV:
		if (off)
			return false;
		*res = b ? a / b : 0;
		break;
	case BPF_MOD:
		if (off)
			return false;
		*res = b ? a % b : a;
		break;
	default:
		return false;
	}
	if (!is64)
		*res = (u32)*res;
	return true;
}

/* The smallest 2^k - 1 >= x. */
static u64 fill_bits(u64 x)
{
	x |= x >> 1;
	x |= x >> 2;
	x |= x >> 4;
	x |= x >> 8;
	x |= x >> 16;
	return x | x >> 32;
}

/*
 * Bounds of a scalar ALU op that did not fold (d op= s, both scalars):
 * interval arithmetic, whole range on any possible wrap.  32-bit ops work
 * on the low halves and zero-extend.
 */
static void scalar_alu(u8 code, s16 off, const struct vreg *d,
		       const struct vreg *s, struct vreg *res)
{
	bool is64 = BPF_CLASS(code) == BPF_ALU64;
	u64 lim = is64 ? V_U64_MAX : V_U32_MAX;
	u64 amin = d->umin, amax = d->umax, bmin = s->umin, bmax = s->umax;
	u64 lo = 0, hi = lim;
	u32 k, tz = 0, ta = d->tz, tb = s->tz;

	if (amax > lim) {
		amin = 0;
		amax = lim;
	}
	if (bmax > lim) {
		bmin = 0;
		bmax = lim;
	}
	switch (BPF_OP(code)) {
	case BPF_ADD:
		tz = ta < tb ? ta : tb;
		if (amax <= lim - bmax) {
			lo = amin + bmin;
			hi = amax + bmax;
		}
		break;
	case BPF_SUB:
		tz = ta < tb ? ta : tb;
		if (amin >= bmax) {
			lo = amin - bmax;
			hi = amax - bmin;
		}
		break;
	case BPF_MUL:
		tz = ta + tb;
		if (amax <= V_U32_MAX && bmax <= V_U32_MAX &&
		    amax * bmax <= lim) {
			lo = amin * bmin;
			hi = amax * bmax;
		}
		break;
	case BPF_AND:
		tz = ta > tb ? ta : tb;
		hi = amax < bmax ? amax : bmax;
		break;
	case BPF_OR:
		tz = ta < tb ? ta : tb;
		lo = amin > bmin ? amin : bmin;
		hi = fill_bits(amax | bmax);
		break;
	case BPF_XOR:
		tz = ta < tb ? ta : tb;
		hi = fill_bits(amax | bmax);
		break;
	case BPF_LSH:
		k = bmin & (is64 ? 63 : 31);
		if (bmin == bmax)
			tz = ta + k;
		if (bmin == bmax && amax <= lim >> k) {
			lo = amin << k;
			hi = amax << k;
		}
		break;
	case BPF_ARSH:
		if (amax > lim >> 1)
			break;
		fallthrough;		/* sign bit clear: a logical shift */
	case BPF_RSH:
		k = bmin & (is64 ? 63 : 31);
		if (bmin == bmax) {
			lo = amin >> k;
			hi = amax >> k;
		} else {
			hi = amax;
		}
		break;
	case BPF_DIV:
		if (off)
			break;
		if (bmin == bmax && bmin) {
			lo = amin / bmin;
			hi = amax / bmin;
		} else {
			hi = amax;	/* x / 0 = 0 */
		}
		break;
	case BPF_MOD:
		if (off)
			break;
		hi = amax;		/* x % 0 = x */
		if (bmin == bmax && bmin && bmin - 1 < hi)
			hi = bmin - 1;
		break;
	case BPF_MOV:
		if (!off) {
			tz = tb;
			lo = bmin;
			hi = bmax;
		}
		break;
	}
	/* 32-bit results keep at most 32 low zero bits (0 has 64) */
	if (!is64 && tz > 32)
		tz = 32;
	set_type(res, RT_SCALAR, false, 0);
	res->umin = lo;
	res->umax = hi;
	res->tz = tz > 64 ? 64 : tz;
	reg_sync(res);
}

/*
 * ptr +/- scalar s (64-bit), p neither a map pointer nor maybe NULL.
 * Exact offsets wrap like the machine; ranges stay bounded or give up.
 */
static void ptr_add(struct verifier *v, u32 i, struct vstate *st,
		    const struct vreg *p, const struct vreg *s, bool sub,
		    struct vreg *out)
{
	struct vreg res = *p;
	u32 k;

	if (p->type == RT_PTR_PKT_END) {
		set_unknown_ptr(out);
		return;
	}
	if (s->known) {
		u64 d = sub ? 0 - (u64)s->val : (u64)s->val;

		if (p->known) {
			res.omin = (s64)((u64)p->omin + d);
			res.omax = res.omin;
		} else if (off_bounded(p) && (s64)d >= -OFF_BOUND &&
			   (s64)d <= OFF_BOUND) {
			res.omin += (s64)d;
			res.omax += (s64)d;
		} else {
			res.omin = V_S64_MIN;
			res.omax = V_S64_MAX;
		}
	} else if (p->type == RT_PTR_CTX) {
		set_unknown_ptr(out);
		return;
	} else if (p->type == RT_PTR_PKT) {
		/* A variable part moves the base: a new id. */
		if (sub || s->umax > PKT_MAX_VAR ||
		    p->size + s->umax > PKT_MAX_VAR) {
			set_unknown_ptr(out);
			return;
		}
		for (k = 0; k < ABPF_NR_REGS; k++)
			if (st->regs[k].type == RT_PTR_PKT &&
			    st->regs[k].id == i + 1)
				st->regs[k].id = PKT_ID_ANON;
		/* base' = base + var, var <= umax: what stays proven */
		res.id = i + 1;
		res.size = p->size + (u32)s->umax;
		res.range = p->range > s->umax ? p->range - (u32)s->umax : 0;
	} else if (off_bounded(p) && s->umax <= OFF_BOUND) {
		res.omin = sub ? p->omin - (s64)s->umax : p->omin + (s64)s->umin;
		res.omax = sub ? p->omax - (s64)s->umin : p->omax + (s64)s->umax;
	} else {
		res.omin = V_S64_MIN;
		res.omax = V_S64_MAX;
	}
	if (res.type == RT_PTR_PKT &&
	    (res.omin < -PKT_MAX_OFF || res.omax > PKT_MAX_OFF)) {
		set_unknown_ptr(out);
		return;
	}
	reg_sync(&res);
	*out = res;
}

/* dst = src, an exact copy of a scalar: link them (id i + 1 if new). */
static void link_copy_reg(struct vstate *st, u32 i, u8 src, u8 dst)
{
	struct vreg *s = &st->regs[src];
	u32 k;

	if (!s->id) {
		for (k = 0; k < ABPF_NR_REGS; k++)
			if (is_linked(&st->regs[k], i + 1)) {
				st->regs[k].id = 0;	/* an older copy */
				st->regs[k].loff = 0;
			}
		s->id = i + 1;
		s->loff = 0;
	}
	st->regs[dst] = *s;
}

/*
 * After dst += imm (or -=) on a linked scalar: still linked if the
 * result is the exact sum (always in 64 bits; in 32 bits if nothing
 * wraps), the offset moves by imm.
 */
static void link_add(const struct bpf_insn *insn, const struct vreg *before,
		     struct vreg *dst)
{
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	s64 d = BPF_OP(insn->code) == BPF_ADD ? insn->imm : -(s64)insn->imm;
	s64 off = (s64)before->loff + d;

	if (!before->id || dst->type != RT_SCALAR ||
	    off < -LINK_MAX_OFF || off > LINK_MAX_OFF)
		return;
	if (!is64 && (before->umax > V_U32_MAX ||
		      (d >= 0 ? before->umax + d > V_U32_MAX :
				before->umin < (u64)-d)))
		return;
	dst->id = before->id;
	dst->loff = (s32)off;
}

static int do_alu(struct verifier *v, u32 i, struct vstate *st)
{
	const struct bpf_insn *insn = &v->insns[i];
	u8 form = insn_form(insn), op = BPF_OP(insn->code);
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	struct vreg *dst = &st->regs[insn->dst_reg];
	struct vreg srcv, before = *dst;
	u64 val;
	int err;

	if (form == ABPF_FORM_ALU_X) {
		err = read_reg(v, i, st, insn->src_reg);
		if (err)
			return err;
		srcv = st->regs[insn->src_reg];
	} else if (form == ABPF_FORM_ALU_K) {
		set_scalar(&srcv, true, is64 ? (s64)insn->imm : (s64)(u32)insn->imm);
	} else {
		set_scalar(&srcv, true, 0);
	}
	if (op != BPF_MOV) {
		err = read_reg(v, i, st, insn->dst_reg);
		if (err)
			return err;
	}

	if (op == BPF_MOV && insn->off == 0 && form == ABPF_FORM_ALU_X &&
	    srcv.type == RT_SCALAR && (is64 || srcv.umax <= V_U32_MAX)) {
		link_copy_reg(st, i, insn->src_reg, insn->dst_reg);
		return 0;
	}
	if (op == BPF_MOV && is64 && insn->off == 0) {
		*dst = srcv;		/* copies pointers too */
		return 0;
	}
	if (form == ABPF_FORM_END) {
		escape(v, i, dst);
		if (insn->imm == 64)
			set_scalar(dst, false, 0);
		else
			set_scalar_range(dst, 0, insn->imm == 16 ? 0xffff :
					 V_U32_MAX);
		return 0;
	}
	if (op == BPF_MOV) {
		escape(v, i, &srcv);
		if (srcv.type == RT_SCALAR && srcv.known &&
		    alu_fold(insn->code, insn->off, 0, srcv.val, &val))
			set_scalar(dst, true, val);
		else if (srcv.type == RT_SCALAR)
			scalar_alu(insn->code, insn->off, dst, &srcv, dst);
		else
			set_scalar(dst, false, 0);
		return 0;
	}

	/* Pointer arithmetic: ptr +/- scalar, scalar + ptr (64-bit only). */
	if (is64 && (op == BPF_ADD || op == BPF_SUB) &&
	    (is_ptr(dst) || is_ptr(&srcv))) {
		const struct vreg *p = is_ptr(dst) ? dst : &srcv;
		const struct vreg *s = is_ptr(dst) ? &srcv : dst;

		if (s->type == RT_SCALAR && (op == BPF_ADD || p == dst)) {
			if (p->type == RT_MAP_PTR || is_or_null(p->type))
				return verr(v, -EACCES, i,
					    "R%u pointer arithmetic on %s prohibited",
					    p == dst ? insn->dst_reg : insn->src_reg,
					    rt_name(p->type));
			ptr_add(v, i, st, p, s, op == BPF_SUB, dst);
			return 0;
		}
		if (op == BPF_SUB && dst->type == RT_PTR_STACK &&
		    srcv.type == RT_PTR_STACK) {
			/* A distance within the frame reveals no address. */
			if (dst->known && srcv.known)
				set_scalar(dst, true,
					   (s64)((u64)dst->val - (u64)srcv.val));
			else
				set_scalar(dst, false, 0);
			return 0;
		}
	}
	if (is_ptr(dst) || is_ptr(&srcv)) {
		escape(v, i, dst);
		escape(v, i, &srcv);
		set_scalar(dst, false, 0);
		return 0;
	}
	if (dst->known && srcv.known &&
	    alu_fold(insn->code, insn->off, dst->val, srcv.val, &val))
		set_scalar(dst, true, val);
	else
		scalar_alu(insn->code, insn->off, dst, &srcv, dst);
	if (form == ABPF_FORM_ALU_K && (op == BPF_ADD || op == BPF_SUB))
		link_add(insn, &before, dst);
	return 0;
}

/* Effects of any call on the caller: r0 a scalar, r1-r5 clobbered. */
static void call_clobber(struct vstate *st)
{
	u32 k;

	set_scalar(&st->regs[BPF_REG_0], false, 0);
	for (k = BPF_REG_1; k <= BPF_REG_5; k++)
		set_uninit(&st->regs[k]);
	/*
	 * Helpers write into the stack they are handed, callees through
	 * pointers to this frame, and a released record must not come back.
	 */
	spill_clear(st);
}

/*
 * Stack pointers handed to a call escape; the callee may fill the buffer
 * they point to (from there up to r10), so count it as written afterwards.
 * The frame is zeroed (escape()), so nothing stale can be read back.
 */
static void call_args_escape(struct verifier *v, u32 i, struct vstate *st)
{
	u32 k;

	for (k = BPF_REG_1; k <= BPF_REG_5; k++) {
		const struct vreg *r = &st->regs[k];

		escape(v, i, r);
		if (r->type != RT_PTR_STACK || (r->known && r->val >= 0))
			continue;
		if (!r->known || r->val < -ABPF_MAX_STACK)
			stack_set(st, -ABPF_MAX_STACK, ABPF_MAX_STACK);
		else
			stack_set(st, r->val, -r->val);
	}
}

/* The state a callee starts with, given the caller's at the call. */
static void callee_entry(const struct vstate *caller, struct vstate *st)
{
	u32 k;

	memset(st, 0, sizeof(*st));
	for (k = BPF_REG_1; k <= BPF_REG_5; k++)
		if (caller->regs[k].type != RT_UNINIT)
			set_type(&st->regs[k], RT_PTR_UNKNOWN, false, 0);
	set_type(&st->regs[ABPF_REG_FP], RT_PTR_STACK, true, 0);
}

/* lddw of a bound map (src 1) or map value (src 2): see maps.h. */
static int do_ld_map(struct verifier *v, u32 i, struct vstate *st)
{
	const struct bpf_insn *insn = &v->insns[i];
	u64 addr = (u64)(u32)insn->imm | ((u64)(u32)insn[1].imm << 32);
	struct vreg *dst = &st->regs[insn->dst_reg];
	u32 k;

	for (k = 0; k < v->prog->nr_maps; k++) {
		struct abpf_map *map = v->prog->maps[k];
		u64 base;

		if (insn->src_reg == BPF_PSEUDO_MAP_FD) {
			if (addr != (u64)(unsigned long)map)
				continue;
			set_type(dst, RT_MAP_PTR, true, 0);
			dst->map = k;
			return 0;
		}
		if (!map->ops->direct_value || map->ops->direct_value(map, &base))
			continue;
		if (addr - base >= map->value_size)
			continue;
		set_type(dst, RT_MAP_VALUE, true, (s64)(addr - base));
		dst->map = k;
		return 0;
	}
	return verr(v, -EINVAL, i, "lddw of a map that is not bound to the program");
}

/* Memory argument reg (size bytes) of helper name: proven here. */
static int check_arg_mem(struct verifier *v, u32 i, struct vstate *st, u8 reg,
			 u32 size, bool write, const char *what,
			 const char *name)
{
	const struct vreg *r = &st->regs[reg];
	u16 sub = v->aux[i].subprog;
	s64 o, bad;

	switch (r->type) {
	case RT_PTR_STACK:
		if (!r->known)
			break;
		o = r->val;
		if (o < -ABPF_MAX_STACK || o + size > 0)
			return verr(v, -EACCES, i,
				    "R%u stack out of bounds for %s (fp%lld, %u bytes) for %s",
				    reg, what, (long long)o, size, name);
		if (-o > v->sub_depth[sub])
			v->sub_depth[sub] = -o;
		if (!write && !stack_bits(st, o, size, &bad))
			return verr(v, -EACCES, i,
				    "R%u must point to initialised stack of %u bytes (%s) for %s",
				    reg, size, what, name);
		if (write)
			stack_set(st, o, size);
		return 0;
	case RT_MAP_VALUE:
	case RT_ALLOC_MEM:
		return check_obj(v, i, reg, r, 0, size,
				 write ? ACC_WRITE : ACC_READ);
	case RT_MAP_VALUE_OR_NULL:
	case RT_ALLOC_MEM_OR_NULL:
		return verr(v, -EACCES, i,
			    "R%u may be NULL: check it before passing it to %s",
			    reg, name);
	}
	return verr(v, -EACCES, i,
		    "R%u must point to %sstack at a constant offset or a map value (%s, %u bytes) for %s, not %s",
		    reg, write ? "" : "initialised ", what, size, name,
		    rt_name(r->type));
}

/* Does any helper of the table have a prototype? */
static bool table_typed(const struct abpf_helper_table *t)
{
	u32 k;

	for (k = 0; t && t->helpers && k < t->count; k++)
		if (t->helpers[k].fn && t->helpers[k].proto)
			return true;
	return false;
}

/* A call of a helper with a prototype (maps.h). */
static int do_proto_call(struct verifier *v, u32 i, struct vstate *st,
			 const struct abpf_helper *h)
{
	const struct abpf_helper_proto *pr = h->proto;
	const char *name = h->name ? h->name : "helper";
	struct abpf_map *map = NULL;
	u32 alloc_size = 0, release_id = 0, map_idx = 0, k;
	int release_reg = -1;

	for (k = 0; k < 5; k++) {
		u8 t = pr->args[k], reg = k + 1;
		const struct vreg *r = &st->regs[reg];
		const struct vreg *n = reg < 5 ? &st->regs[reg + 1] : NULL;
		bool ok;
		int err;

		if (t == ABPF_ARG_NONE)
			continue;
		if (r->type == RT_UNINIT)
			return verr(v, -EACCES, i,
				    "R%u (argument %u of %s) is not initialised",
				    reg, reg, name);
		switch (t) {
		case ABPF_ARG_ANYTHING:
			break;
		case ABPF_ARG_CONST_MAP_PTR:
			if (r->type != RT_MAP_PTR || !r->known)
				return verr(v, -EACCES, i,
					    "R%u must be a map pointer (lddw map fd) for %s, not %s",
					    reg, name, rt_name(r->type));
			map = v->prog->maps[r->map];
			map_idx = r->map;
			if (!v->aux[i].map || v->aux[i].map == map_idx + 1)
				v->aux[i].map = map_idx + 1;
			else
				v->aux[i].map = ABPF_AUX_MAP_MANY;
			if (pr->map_kind == ABPF_MAPK_PROG_ARRAY)
				ok = map->type == ABPF_MAP_PROG_ARRAY;
			else if (pr->map_kind == ABPF_MAPK_RINGBUF)
				ok = map->type == ABPF_MAP_RINGBUF;
			else
				ok = map->type != ABPF_MAP_PROG_ARRAY &&
				     map->type != ABPF_MAP_RINGBUF &&
				     map->ops->lookup;
			if (!ok)
				return verr(v, -EACCES, i,
					    "R%u: map type %u cannot be used with %s",
					    reg, map->type, name);
			break;
		case ABPF_ARG_PTR_TO_MAP_KEY:
		case ABPF_ARG_PTR_TO_MAP_VALUE:
			if (!map)
				return verr(v, -EINVAL, i,
					    "internal: %s has a key/value argument but no map",
					    name);
			err = check_arg_mem(v, i, st, reg,
					    t == ABPF_ARG_PTR_TO_MAP_KEY ?
					    map->key_size : map->value_size,
					    false,
					    t == ABPF_ARG_PTR_TO_MAP_KEY ?
					    "map key" : "map value", name);
			if (err)
				return err;
			break;
		case ABPF_ARG_PTR_TO_MEM:
		case ABPF_ARG_PTR_TO_UNINIT_MEM:
			if (!n || n->type != RT_SCALAR || !n->known ||
			    n->val < 0 || n->val > ABPF_MAX_STACK * 128 ||
			    (n->val == 0 &&
			     pr->args[k + 1] != ABPF_ARG_CONST_SIZE_OR_ZERO))
				return verr(v, -EACCES, i,
					    "R%u (size of the R%u buffer) must be a constant%s for %s",
					    reg + 1, reg,
					    pr->args[k + 1] == ABPF_ARG_CONST_SIZE_OR_ZERO ?
					    " >= 0" : " > 0", name);
			err = check_arg_mem(v, i, st, reg, (u32)n->val,
					    t == ABPF_ARG_PTR_TO_UNINIT_MEM,
					    "buffer", name);
			if (err)
				return err;
			k++;		/* the size argument: checked */
			break;
		case ABPF_ARG_CONST_SIZE:
		case ABPF_ARG_CONST_SIZE_OR_ZERO:
			if (r->type != RT_SCALAR || !r->known || r->val < 0 ||
			    (r->val == 0 && t == ABPF_ARG_CONST_SIZE))
				return verr(v, -EACCES, i,
					    "R%u must be a constant size for %s",
					    reg, name);
			break;
		case ABPF_ARG_CONST_ALLOC_SIZE:
			if (r->type != RT_SCALAR || !r->known || r->val <= 0 ||
			    r->val > (1 << 20))
				return verr(v, -EACCES, i,
					    "R%u (record size) must be a constant in 1..%u for %s",
					    reg, 1 << 20, name);
			alloc_size = (u32)r->val;
			break;
		case ABPF_ARG_PTR_TO_CTX:
			if (r->type != RT_PTR_CTX || !r->known || r->val)
				return verr(v, -EACCES, i,
					    "R%u must be the context (r1 at entry, offset 0) for %s, not %s",
					    reg, name, rt_name(r->type));
			break;
		case ABPF_ARG_PTR_TO_ALLOC_MEM:
			if (r->type == RT_ALLOC_MEM_OR_NULL)
				return verr(v, -EACCES, i,
					    "R%u may be NULL: check it before passing it to %s",
					    reg, name);
			if (r->type != RT_ALLOC_MEM || !r->known || r->val)
				return verr(v, -EACCES, i,
					    "R%u must be a record from bpf_ringbuf_reserve (offset 0) for %s, not %s",
					    reg, name, rt_name(r->type));
			if (!r->id)
				return verr(v, -EACCES, i,
					    "internal: R%u is a ringbuf record without an id",
					    reg);
			release_reg = reg;
			release_id = r->id;
			break;
		default:
			return verr(v, -EINVAL, i,
				    "internal: %s: argument type %u", name, t);
		}
	}

	if ((pr->flags & ABPF_PROTO_TAIL_CALL) && v->aux[i].subprog)
		return verr(v, -EACCES, i,
			    "%s is only supported in the main program, not in a subprogram",
			    name);
	if (pr->flags & ABPF_PROTO_TAIL_CALL)
		v->prog->flags |= ABPF_PROG_HAS_TAIL_CALL;
	v->prog->flags |= ABPF_PROG_HAS_HELPERS;

	if ((pr->flags & ABPF_PROTO_TAIL_CALL) && (st->nr_refs || st->refs_lost))
		return verr(v, -EACCES, i,
			    "%s with a ringbuf record not submitted or discarded (reserved at insn %u)",
			    name, st->nr_refs ? st->refs[0] - 1 : 0);
	/* A submitted/discarded record is gone, in every copy. */
	if ((pr->flags & ABPF_PROTO_RELEASE) && release_reg >= 0) {
		ref_del(st, release_id);
		for (k = 0; k < ABPF_NR_REGS; k++) {
			struct vreg *x = &st->regs[k];

			if (k == (u32)release_reg ||
			    (is_rec(x->type) && x->id == release_id))
				set_uninit(x);
		}
	}

	call_clobber(st);
	switch (pr->ret) {
	case ABPF_RET_VOID:
		set_uninit(&st->regs[BPF_REG_0]);
		break;
	case ABPF_RET_PTR_TO_MAP_VALUE_OR_NULL:
	case ABPF_RET_PTR_TO_ALLOC_MEM_OR_NULL:
		/*
		 * older copies of call i's result lose their id (an older
		 * record cannot be released any more: is_rec())
		 */
		for (k = 0; k < ABPF_NR_REGS; k++) {
			if (st->regs[k].id != i + 1)
				continue;
			if (is_rec(st->regs[k].type))
				set_unknown_ptr(&st->regs[k]);
			else
				st->regs[k].id = 0;
		}
		if (pr->ret == ABPF_RET_PTR_TO_MAP_VALUE_OR_NULL) {
			if (!map)
				return verr(v, -EINVAL, i,
					    "internal: %s returns a map value but has no map",
					    name);
			set_type(&st->regs[BPF_REG_0], RT_MAP_VALUE_OR_NULL,
				 true, 0);
			st->regs[BPF_REG_0].map = map_idx;
		} else {
			if (ref_has(st, i + 1))
				return verr(v, -EACCES, i,
					    "%s again while the record it reserved before is not submitted or discarded",
					    name);
			if (!ref_add(st, i + 1))
				return verr(v, -EACCES, i,
					    "%s: more than %u ringbuf records held",
					    name, REFS_MAX);
			set_type(&st->regs[BPF_REG_0], RT_ALLOC_MEM_OR_NULL,
				 true, 0);
			st->regs[BPF_REG_0].size = alloc_size;
		}
		st->regs[BPF_REG_0].id = i + 1;
		break;
	}
	return 0;
}

static int do_call(struct verifier *v, u32 i, struct vstate *st)
{
	const struct bpf_insn *insn = &v->insns[i];
	const struct abpf_helper *h;
	struct vstate *callee = &v->scratch[S_CALLEE];
	u32 k;
	int err;

	if (insn_form(insn) == ABPF_FORM_CALLX) {
		const struct vreg *id = &st->regs[insn->dst_reg];

		err = read_reg(v, i, st, insn->dst_reg);
		if (err)
			return err;
		if (id->type == RT_SCALAR && id->known) {
			h = find_helper(v, id->val);
			if (!h)
				return verr(v, -EINVAL, i, "unknown helper %lld",
					    (long long)id->val);
			if (h->proto)
				return do_proto_call(v, i, st, h);
			for (k = 1; k <= h->nr_args && k <= 5; k++) {
				err = read_reg(v, i, st, k);
				if (err)
					return err;
			}
		} else if (table_typed(v->prog->helpers)) {
			return verr(v, -EACCES, i,
				    "callx with a non-constant helper id: this program type has typed helpers");
		}
		v->prog->flags |= ABPF_PROG_HAS_HELPERS;
	} else if (insn->src_reg == BPF_PSEUDO_CALL) {
		u32 t = i + 1 + insn->imm;

		callee_entry(st, callee);
		propagate(v, t, callee);
		v->prog->flags |= ABPF_PROG_HAS_CALLS;
	} else {
		h = find_helper(v, insn->imm);
		if (h && h->proto)
			return do_proto_call(v, i, st, h);
		for (k = 1; h && k <= h->nr_args && k <= 5; k++) {
			err = read_reg(v, i, st, k);
			if (err)
				return err;
		}
		v->prog->flags |= ABPF_PROG_HAS_HELPERS;
	}
	call_args_escape(v, i, st);
	call_clobber(st);
	return 0;
}

/*
 * What a load gives: zero-extended bounds; in packet programs the
 * context's data and data_end (the context is read-only).
 */
static void ldx_result(struct verifier *v, const struct bpf_insn *insn,
		       const struct vreg *base, struct vreg *dst)
{
	u32 size = abpf_size_bytes(insn->code);
	s64 o = (s64)((u64)base->val + insn->off);

	if (v->prog->type == ABPF_PROG_TYPE_PACKET &&
	    base->type == RT_PTR_CTX && base->known &&
	    BPF_MODE(insn->code) == BPF_MEM && size == 8 &&
	    (o == offsetof(struct abpf_pkt_ctx, data) ||
	     o == offsetof(struct abpf_pkt_ctx, data_end))) {
		bool end = o == offsetof(struct abpf_pkt_ctx, data_end);

		set_type(dst, end ? RT_PTR_PKT_END : RT_PTR_PKT, !end, 0);
		return;
	}
	if (BPF_MODE(insn->code) == BPF_MEM && size < 8)
		set_scalar_range(dst, 0, (1ULL << (size * 8)) - 1);
	else
		set_scalar(dst, false, 0);
}

/*
 * An unchecked 8-byte BPF_MEM access at a constant, aligned stack offset:
 * a spill (st NULL: true) or a fill (the slot's state, if it has one).
 */
static const struct vreg *spill_at(struct verifier *v, u32 i,
				   const struct bpf_insn *insn,
				   const struct vreg *base, const struct vstate *st)
{
	static const struct vreg yes;
	s64 o = (s64)((u64)base->val + insn->off);

	if (base->type != RT_PTR_STACK || !base->known ||
	    (v->aux[i].flags & ABPF_AUX_MEMCHK) ||
	    BPF_MODE(insn->code) != BPF_MEM || BPF_SIZE(insn->code) != BPF_DW ||
	    o < -ABPF_MAX_STACK || o > -8 || (o & 7))
		return NULL;
	return st ? spill_find(st, o) : &yes;
}

/* Transfer function and checks of one instruction. */
static int do_insn(struct verifier *v, u32 i, struct vstate *st)
{
	const struct bpf_insn *insn = &v->insns[i];
	u8 form = insn_form(insn);
	u32 size = abpf_size_bytes(insn->code);
	struct vreg *dst = &st->regs[insn->dst_reg];
	const struct vreg *spilled;
	struct vreg base, src;
	int err;

	switch (form) {
	case ABPF_FORM_ALU_K:
	case ABPF_FORM_ALU_X:
	case ABPF_FORM_NEG:
	case ABPF_FORM_END:
		return do_alu(v, i, st);
	case ABPF_FORM_JA:
	case ABPF_FORM_JA32:
	case ABPF_FORM_EXIT:
		return 0;
	case ABPF_FORM_JCOND_X:
		err = read_reg(v, i, st, insn->src_reg);
		if (err)
			return err;
		fallthrough;
	case ABPF_FORM_JCOND_K:
		return read_reg(v, i, st, insn->dst_reg);
	case ABPF_FORM_CALL:
	case ABPF_FORM_CALLX:
		return do_call(v, i, st);
	case ABPF_FORM_LDDW:
		if (insn->src_reg)
			return do_ld_map(v, i, st);
		set_scalar(dst, true,
			   (s64)((u64)(u32)insn->imm | ((u64)(u32)insn[1].imm << 32)));
		return 0;
	case ABPF_FORM_LD_IND:
		err = read_reg(v, i, st, insn->src_reg);
		if (err)
			return err;
		fallthrough;
	case ABPF_FORM_LD_ABS:
		/* Like the kernel: these read the packet of the ctx in r6. */
		err = read_reg(v, i, st, BPF_REG_6);
		if (err)
			return err;
		call_clobber(st);
		v->prog->flags |= ABPF_PROG_HAS_LD_PKT;
		return 0;
	case ABPF_FORM_LDX:
		err = read_reg(v, i, st, insn->src_reg);
		if (err)
			return err;
		base = st->regs[insn->src_reg];
		err = check_mem(v, i, st, insn->src_reg, &base, insn->off, size,
				ACC_READ);
		if (err)
			return err;
		spilled = spill_at(v, i, insn, &base, st);
		if (spilled)
			*dst = *spilled;	/* a fill */
		else
			ldx_result(v, insn, &base, dst);
		return 0;
	case ABPF_FORM_ST:
		err = read_reg(v, i, st, insn->dst_reg);
		if (err)
			return err;
		base = *dst;
		err = check_mem(v, i, st, insn->dst_reg, &base, insn->off, size,
				ACC_WRITE);
		if (!err && spill_at(v, i, insn, &base, NULL)) {
			struct vreg k;

			set_scalar(&k, true, insn->imm);
			spill_store(st, (s64)((u64)base.val + insn->off), &k);
		}
		return err;
	case ABPF_FORM_STX:
		err = read_reg(v, i, st, insn->dst_reg);
		if (!err)
			err = read_reg(v, i, st, insn->src_reg);
		if (err)
			return err;
		escape(v, i, &st->regs[insn->src_reg]);
		base = *dst;
		src = st->regs[insn->src_reg];
		err = check_mem(v, i, st, insn->dst_reg, &base, insn->off, size,
				ACC_WRITE);
		if (!err && spill_at(v, i, insn, &base, NULL))
			spill_store(st, (s64)((u64)base.val + insn->off), &src);
		return err;
	case ABPF_FORM_ATOMIC:
		err = read_reg(v, i, st, insn->dst_reg);
		if (!err)
			err = read_reg(v, i, st, insn->src_reg);
		if (!err && insn->imm == BPF_CMPXCHG)
			err = read_reg(v, i, st, BPF_REG_0);
		if (err)
			return err;
		escape(v, i, &st->regs[insn->src_reg]);
		base = *dst;
		err = check_mem(v, i, st, insn->dst_reg, &base, insn->off, size,
				ACC_READ | ACC_WRITE | ACC_ATOMIC);
		if (err)
			return err;
		if (insn->imm == BPF_CMPXCHG)
			set_scalar(&st->regs[BPF_REG_0], false, 0);
		else if (insn->imm & BPF_FETCH)
			set_scalar(&st->regs[insn->src_reg], false, 0);
		return 0;
	}
	return verr(v, -EINVAL, i, "internal: unhandled form %u", form);
}

static int alloc_joins(struct verifier *v)
{
	u32 i, n = 0;
	s32 *depth, d;

	v->join_slot = abpf_zalloc(v->len * sizeof(u32));
	if (!v->join_slot)
		return -ENOMEM;
	for (i = 0; i < v->len; i++) {
		const struct bpf_insn *insn = &v->insns[i];

		if (v->aux[i].flags & ABPF_AUX_SUBPROG_START)
			v->join_slot[i] = 1;
		if (!(v->aux[i].flags & ABPF_AUX_LDDW_HI) &&
		    is_jump_form(insn_form(insn)))
			v->join_slot[jump_target(insn, i)] = 1;
	}
	for (i = 0; i < v->len; i++)
		if (v->join_slot[i])
			v->join_slot[i] = ++n;
	v->nr_joins = n;
	v->nr_slots = n;
	v->cap_slots = n;
	v->join_insn = abpf_zalloc(n * sizeof(u32));
	v->join_flags = abpf_zalloc(n);
	v->join_changes = abpf_zalloc((size_t)n * JOIN_COUNTERS * sizeof(u16));
	v->join_state = abpf_zalloc((size_t)n * sizeof(struct vstate));
	v->heap = abpf_zalloc(n * sizeof(u32));
	v->slot_next = abpf_zalloc(n * sizeof(u32));
	v->slot_sig = abpf_zalloc(n * sizeof(u32));
	v->chain_len = abpf_zalloc(n * sizeof(u32));
	v->chain_tail = abpf_zalloc(n * sizeof(u32));
	v->seen = abpf_zalloc(v->len);
	v->in_loop = abpf_zalloc(v->len);
	v->scratch = abpf_zalloc(S_COUNT * sizeof(struct vstate));
	depth = abpf_zalloc((v->len + 1) * sizeof(s32));
	if (!v->in_loop || !v->scratch || !depth) {
		abpf_free(depth);
		return -ENOMEM;
	}
	/* a loop is (within) the range of a back edge: clang lays them out so */
	for (i = 0; i < v->len; i++) {
		const struct bpf_insn *insn = &v->insns[i];

		if (!(v->aux[i].flags & ABPF_AUX_BACKEDGE) ||
		    !is_jump_form(insn_form(insn)))
			continue;
		depth[jump_target(insn, i)]++;
		depth[i + 1]--;
	}
	for (i = 0, d = 0; i < v->len; i++) {
		d += depth[i];
		v->in_loop[i] = d > 0;
	}
	abpf_free(depth);
	if (!v->join_insn || !v->join_flags || !v->join_state || !v->heap ||
	    !v->join_changes || !v->slot_next || !v->slot_sig || !v->seen ||
	    !v->chain_len || !v->chain_tail)
		return -ENOMEM;
	for (i = 0; i < v->len; i++)
		if (v->join_slot[i])
			v->join_insn[v->join_slot[i] - 1] = i;
	return 0;
}

/* rX (OR_NULL) is NULL (is_null) or not; so are its copies (same id). */
static void refine_null(struct vstate *st, u8 reg, bool is_null)
{
	const struct vreg r = st->regs[reg];
	u32 k;

	for (k = 0; k < ABPF_NR_REGS; k++) {
		struct vreg *x = &st->regs[k];

		if (k != reg && !(r.id && x->type == r.type && x->id == r.id))
			continue;
		if (is_null) {
			set_scalar(x, true, 0);
		} else {
			x->type = non_null_type(r.type);
			x->known = 1;
			x->val = 0;
			x->omin = 0;
			x->omax = 0;
		}
	}
	/* a NULL record is not held */
	if (is_null && r.type == RT_ALLOC_MEM_OR_NULL)
		ref_del(st, r.id);
}

/* The condition of "if !(a op b)" (0: nothing known, e.g. JSET). */
static u8 negate_op(u8 op)
{
	switch (op) {
	case BPF_JEQ:	return BPF_JNE;
	case BPF_JNE:	return BPF_JEQ;
	case BPF_JGT:	return BPF_JLE;
	case BPF_JLE:	return BPF_JGT;
	case BPF_JGE:	return BPF_JLT;
	case BPF_JLT:	return BPF_JGE;
	case BPF_JSGT:	return BPF_JSLE;
	case BPF_JSLE:	return BPF_JSGT;
	case BPF_JSGE:	return BPF_JSLT;
	case BPF_JSLT:	return BPF_JSGE;
	}
	return 0;
}

/* "a op b" as "b op' a". */
static u8 swap_op(u8 op)
{
	switch (op) {
	case BPF_JGT:	return BPF_JLT;
	case BPF_JLT:	return BPF_JGT;
	case BPF_JGE:	return BPF_JLE;
	case BPF_JLE:	return BPF_JGE;
	case BPF_JSGT:	return BPF_JSLT;
	case BPF_JSLT:	return BPF_JSGT;
	case BPF_JSGE:	return BPF_JSLE;
	case BPF_JSLE:	return BPF_JSGE;
	}
	return op;
}

/*
 * Scalar r satisfies "r op c" (compared in 32 bits if is32).  Only when
 * the compare means the same on r's whole unsigned range; an edge that
 * cannot be taken keeps its unrefined state.
 */
static bool refine_scalar(struct vreg *r, u8 op, u64 c, bool is32)
{
	u64 lo = r->umin, hi = r->umax, top = is32 ? V_U32_MAX : V_U64_MAX;

	if (r->type != RT_SCALAR || hi > top)
		return false;
	c &= top;
	switch (op) {
	case BPF_JSGT:
	case BPF_JSGE:
	case BPF_JSLT:
	case BPF_JSLE:
		/* both sides non-negative: signed order is unsigned order */
		if (hi > top >> 1 || c > top >> 1)
			return false;
		op = op == BPF_JSGT ? BPF_JGT : op == BPF_JSGE ? BPF_JGE :
		     op == BPF_JSLT ? BPF_JLT : BPF_JLE;
		break;
	}
	switch (op) {
	case BPF_JEQ:
		lo = c;
		hi = c;
		break;
	case BPF_JNE:
		if (c == lo && lo == hi)
			return true;	/* infeasible */
		if (c == lo)
			lo++;
		else if (c == hi)
			hi--;
		break;
	case BPF_JGT:
		if (c == top)
			return false;
		if (c + 1 > lo)
			lo = c + 1;
		break;
	case BPF_JGE:
		if (c > lo)
			lo = c;
		break;
	case BPF_JLT:
		if (!c)
			return false;
		if (c - 1 < hi)
			hi = c - 1;
		break;
	case BPF_JLE:
		if (c < hi)
			hi = c;
		break;
	default:
		return false;
	}
	if (lo > hi || lo < r->umin || hi > r->umax)
		return true;		/* infeasible: keep it as it was */
	r->umin = lo;
	r->umax = hi;
	reg_sync(r);
	return false;
}

/* reg's bounds, shifted by the offsets, bound the scalars linked to it. */
static void sync_links(struct vstate *st, u8 reg)
{
	const struct vreg *r = &st->regs[reg];
	u32 k;

	for (k = 0; k < ABPF_NR_REGS; k++) {
		struct vreg *x = &st->regs[k];
		s64 d = (s64)x->loff - r->loff;
		u64 lo, hi;

		if (k == reg || r->type != RT_SCALAR || !is_linked(x, r->id))
			continue;
		if (d >= 0 ? r->umax > V_U64_MAX - (u64)d : r->umin < (u64)-d)
			continue;	/* would wrap: no interval */
		lo = r->umin + (u64)d;
		hi = r->umax + (u64)d;
		if (lo < x->umin)
			lo = x->umin;
		if (hi > x->umax)
			hi = x->umax;
		if (lo > hi)
			continue;
		x->umin = lo;
		x->umax = hi;
		reg_sync(x);
	}
}

static void refine_linked(struct vstate *st, u8 reg, u8 op, u64 c, bool is32)
{
	if (refine_scalar(&st->regs[reg], op, c, is32))
		st->dead = 1;
	sync_links(st, reg);
}

/* Every packet pointer based like p has base + range <= data_end. */
static void refine_pkt(struct vstate *st, const struct vreg *p, s64 range)
{
	u32 k;

	if (p->id == PKT_ID_ANON || range < 0 || range > PKT_MAX_OFF)
		return;
	for (k = 0; k < ABPF_NR_REGS; k++) {
		struct vreg *x = &st->regs[k];

		if (x->type == RT_PTR_PKT && x->id == p->id &&
		    x->range < range)
			x->range = (u32)range;
	}
}

/*
 * "if pkt <op> data_end" (either order): p = base + off, off >= omin, so
 * p <= data_end proves base + omin <= data_end on that edge, p < data_end
 * base + omin + 1 <= data_end (find_good_pkt_pointers() of the kernel).
 */
static bool refine_pkt_cmp(struct vstate *taken, struct vstate *fall,
			   const struct bpf_insn *insn)
{
	const struct vreg *d = &taken->regs[insn->dst_reg];
	const struct vreg *s = &taken->regs[insn->src_reg];
	struct vreg p;
	u8 op = BPF_OP(insn->code);
	struct vstate *le, *lt;

	if (BPF_CLASS(insn->code) != BPF_JMP)
		return false;
	if (d->type == RT_PTR_PKT && s->type == RT_PTR_PKT_END) {
		p = *d;
	} else if (d->type == RT_PTR_PKT_END && s->type == RT_PTR_PKT) {
		p = *s;
		op = swap_op(op);
	} else {
		return false;
	}
	/* now "p op data_end": the edge where p <= / < data_end holds */
	le = NULL;
	lt = NULL;
	switch (op) {
	case BPF_JGT:
		le = fall;
		break;
	case BPF_JGE:
		lt = fall;
		break;
	case BPF_JLT:
		lt = taken;
		break;
	case BPF_JLE:
	case BPF_JEQ:
		le = taken;
		break;
	case BPF_JNE:
		le = fall;
		break;
	}
	if (le)
		refine_pkt(le, &p, p.omin);
	if (lt)
		refine_pkt(lt, &p, p.omin + 1);
	return true;
}

/*
 * "a op b", a and b scalars with bounds: each is bounded by the other's
 * (a < b <= b.umax: a < b.umax; a > b >= b.umin: a > b.umin; == both).
 * Only when both fit the compare's width (signed: are non-negative there),
 * so that it means the same on their whole ranges.
 */
static void refine_range(struct vstate *st, u8 ra, u8 rb, u8 op, bool is32)
{
	const struct vreg a = st->regs[ra], b = st->regs[rb];
	u64 top = is32 ? V_U32_MAX : V_U64_MAX;
	u8 sop = swap_op(op);

	if (a.type != RT_SCALAR || b.type != RT_SCALAR || ra == rb)
		return;
	if (op == BPF_JSGT || op == BPF_JSGE || op == BPF_JSLT ||
	    op == BPF_JSLE)
		top >>= 1;
	if (a.umax > top || b.umax > top)
		return;
	switch (op) {
	case BPF_JLT:
	case BPF_JLE:
	case BPF_JSLT:
	case BPF_JSLE:
		refine_linked(st, ra, op, b.umax, is32);
		refine_linked(st, rb, sop, a.umin, is32);
		break;
	case BPF_JGT:
	case BPF_JGE:
	case BPF_JSGT:
	case BPF_JSGE:
		refine_linked(st, ra, op, b.umin, is32);
		refine_linked(st, rb, sop, a.umax, is32);
		break;
	case BPF_JEQ:
		refine_linked(st, ra, BPF_JGE, b.umin, is32);
		refine_linked(st, ra, BPF_JLE, b.umax, is32);
		refine_linked(st, rb, BPF_JGE, a.umin, is32);
		refine_linked(st, rb, BPF_JLE, a.umax, is32);
		break;
	}
}

/* Refine the jump at insn's two successors: taken, and fall (through). */
static void refine_branch(const struct bpf_insn *insn, struct vstate *taken,
			  struct vstate *fall)
{
	bool is32 = BPF_CLASS(insn->code) == BPF_JMP32;
	u8 op = BPF_OP(insn->code), dr = insn->dst_reg, sr = insn->src_reg;
	const struct vreg *s;

	if (insn_form(insn) == ABPF_FORM_JCOND_K) {
		u64 c = is32 ? (u32)insn->imm : (u64)(s64)insn->imm;

		refine_linked(taken, dr, op, c, is32);
		refine_linked(fall, dr, negate_op(op), c, is32);
		return;
	}
	if (refine_pkt_cmp(taken, fall, insn))
		return;
	s = &taken->regs[sr];
	if (s->type == RT_SCALAR && s->known) {
		u64 c = s->val;

		refine_linked(taken, dr, op, c, is32);
		refine_linked(fall, dr, negate_op(op), c, is32);
	} else if (taken->regs[dr].type == RT_SCALAR &&
		   taken->regs[dr].known) {
		u64 c = taken->regs[dr].val;

		refine_linked(taken, sr, swap_op(op), c, is32);
		refine_linked(fall, sr, swap_op(negate_op(op)), c, is32);
	} else {
		refine_range(taken, dr, sr, op, is32);
		refine_range(fall, dr, sr, negate_op(op), is32);
	}
}

#ifdef ABPF_CHECKER_FACTS
_Static_assert((int)RT_ALLOC_MEM_OR_NULL == (int)ABPF_FACT_ALLOC_MEM_OR_NULL &&
	       (int)RT_PTR_UNKNOWN == (int)ABPF_FACT_PTR_UNKNOWN &&
	       (int)RT_MAP_VALUE == (int)ABPF_FACT_MAP_VALUE &&
	       (int)RT_PTR_PKT_END == (int)ABPF_FACT_PTR_PKT_END,
	       "fact types mirror the register types");

/* The claim before insn i: every state it is analysed with, joined. */
static void record_facts(struct verifier *v, u32 i, const struct vstate *st)
{
	if (!v->facts_seen[i]) {
		v->facts[i] = *st;
		v->facts_seen[i] = 1;
	} else {
		join_state(v, &v->facts[i], st, NULL, false);
	}
}

static void export_facts(struct verifier *v, struct abpf_insn_facts *out)
{
	u32 i, k;

	for (i = 0; i < v->len; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].seen = v->facts_seen[i];
		for (k = 0; k < ABPF_NR_REGS; k++) {
			const struct vreg *r = &v->facts[i].regs[k];

			out[i].regs[k].type = r->type;
			out[i].regs[k].known = r->known;
			out[i].regs[k].map = r->map;
			out[i].regs[k].size = r->size;
			out[i].regs[k].range = r->range;
			out[i].regs[k].id = r->id;
			out[i].regs[k].val = r->val;
			if (r->type == RT_SCALAR) {
				out[i].regs[k].umin = r->umin;
				out[i].regs[k].umax = r->umax;
				out[i].regs[k].loff = r->loff;
				out[i].regs[k].tz = r->tz;
			} else {
				out[i].regs[k].omin = r->omin;
				out[i].regs[k].omax = r->omax;
			}
		}
		memcpy(out[i].stack_init, v->facts[i].stack_init,
		       sizeof(out[i].stack_init));
	}
}
#endif

/* Run one straight-line stretch from insn i, state st. */
static int run_from(struct verifier *v, u32 i, const struct vstate *stp)
{
	struct vstate *st = &v->scratch[S_CUR];
	struct vstate *taken = &v->scratch[S_TAKEN];
	int err;

	*st = *stp;
	for (;;) {
		const struct bpf_insn *insn = &v->insns[i];
		u8 form = insn_form(insn);
		u32 n;

		v->processed++;
		v->seen[i] = 1;
#ifdef ABPF_CHECKER_FACTS
		if (v->facts)
			record_facts(v, i, st);
#endif
		if (v->log && v->log->level >= 2)
			abpf_log_printf(v->log, "  %u: code 0x%02x\n", i, insn->code);
		err = do_insn(v, i, st);
		if (err)
			return err;
		if (form == ABPF_FORM_EXIT) {
			if (st->regs[BPF_REG_0].type == RT_UNINIT)
				return verr(v, -EACCES, i,
					    "exit with uninitialised r0");
			if (st->nr_refs || st->refs_lost)
				return verr(v, -EACCES, i,
					    "exit with a ringbuf record not submitted or discarded (reserved at insn %u)",
					    st->nr_refs ? st->refs[0] - 1 : 0);
			escape(v, i, &st->regs[BPF_REG_0]);
			return 0;
		}
		if (form == ABPF_FORM_JCOND_K && BPF_CLASS(insn->code) == BPF_JMP &&
		    insn->imm == 0 &&
		    (BPF_OP(insn->code) == BPF_JEQ ||
		     BPF_OP(insn->code) == BPF_JNE) &&
		    is_or_null(st->regs[insn->dst_reg].type)) {
			/* "if rX == 0": NULL on one edge, the pointer on the other */
			bool eq = BPF_OP(insn->code) == BPF_JEQ;

			*taken = *st;
			refine_null(taken, insn->dst_reg, eq);
			refine_null(st, insn->dst_reg, !eq);
			propagate(v, jump_target(insn, i), taken);
		} else if (form == ABPF_FORM_JCOND_K ||
			   form == ABPF_FORM_JCOND_X) {
			*taken = *st;
			refine_branch(insn, taken, st);
			propagate(v, jump_target(insn, i), taken);
			if (st->dead && v->split) {
				park(v, next_insn(v, i), st);
				return 0;
			}
		} else if (is_jump_form(form)) {
			propagate(v, jump_target(insn, i), st);
			if (form == ABPF_FORM_JA || form == ABPF_FORM_JA32)
				return 0;
		}
		n = next_insn(v, i);
		/* check_cfg() guarantees n < len and stays in the subprogram. */
		if (v->join_slot[n]) {
			propagate(v, n, st);
			return 0;
		}
		i = n;
	}
}

/* Run one straight-line stretch from the join point in slot. */
static int run_block(struct verifier *v, u32 slot)
{
	return run_from(v, v->join_insn[slot], slot_state(v, slot));
}

static int run_worklist(struct verifier *v)
{
	u32 rounds = 0;
	int err;

	/* Terminates: a join state only ever loses information. */
	while (v->heap_len) {
		u32 slot = heap_pop(v);

		v->join_flags[slot] &= ~JOIN_PENDING;
		err = run_block(v, slot);
		if (err)
			return err;
		if ((++rounds & 1023) == 0)
			abpf_cond_resched();
	}
	return 0;
}

/*
 * Split states dropped edges the bounds rule out: what only they reach is
 * analysed now, from the states they had (-EAGAIN: too many of them).
 */
static int run_parked(struct verifier *v)
{
	bool again = true;
	u32 t;
	int err;

	while (again) {
		again = false;
		if (v->park_full)
			return -EAGAIN;
		for (t = 0; v->park_at && t < v->len; t++) {
			struct vstate *st = &v->scratch[S_ENTRY];

			if (!v->park_at[t] || v->seen[t])
				continue;
			*st = v->park[v->park_at[t] - 1];
			again = true;
			if (v->join_slot[t]) {
				propagate(v, t, st);
				err = run_worklist(v);
			} else {
				err = run_from(v, t, st);
				if (!err)
					err = run_worklist(v);
			}
			if (err)
				return err;
		}
	}
	return 0;
}

static int run_dataflow(struct verifier *v)
{
	struct vstate *entry;
	int err;

	err = alloc_joins(v);
	if (err)
		return err;

	entry = &v->scratch[S_ENTRY];
	memset(entry, 0, sizeof(*entry));
	set_type(&entry->regs[BPF_REG_1], RT_PTR_CTX, true, 0);
	/* MEM programs get the data length in r2; packet programs only r1. */
	if (v->prog->type != ABPF_PROG_TYPE_PACKET &&
	    v->prog->type != ABPF_PROG_TYPE_KPROBE)
		set_scalar(&entry->regs[BPF_REG_2], false, 0);
	set_type(&entry->regs[ABPF_REG_FP], RT_PTR_STACK, true, 0);
	propagate(v, 0, entry);
	err = run_worklist(v);
	if (!err && v->split)
		err = run_parked(v);
	return err;
}

static void free_joins(struct verifier *v)
{
	u32 i;

	abpf_free(v->join_slot);
	abpf_free(v->join_insn);
	abpf_free(v->join_flags);
	abpf_free(v->join_changes);
	abpf_free(v->join_state);
	abpf_free(v->heap);
	abpf_free(v->slot_next);
	abpf_free(v->slot_sig);
	abpf_free(v->chain_len);
	abpf_free(v->chain_tail);
	abpf_free(v->seen);
	abpf_free(v->in_loop);
	v->in_loop = NULL;
	abpf_free(v->scratch);
	v->scratch = NULL;
	if (v->xstate) {
		for (i = 0; i < SPLIT_SLOTS / SPLIT_CHUNK; i++)
			abpf_free(v->xstate[i]);
		abpf_free(v->xstate);
	}
	v->xstate = NULL;
	abpf_free(v->park_at);
	abpf_free(v->park);
	v->park_at = NULL;
	v->park = NULL;
	v->nr_park = 0;
	v->park_full = false;
	v->slot_sig = NULL;
	v->chain_len = NULL;
	v->chain_tail = NULL;
	v->seen = NULL;
	v->join_slot = NULL;
	v->join_insn = NULL;
	v->join_flags = NULL;
	v->join_changes = NULL;
	v->join_state = NULL;
	v->heap = NULL;
	v->slot_next = NULL;
	v->heap_len = 0;
}

/*
 * With split states first.  They are more precise, which can also turn a
 * checked access into a rejected one (a known offset out of bounds where
 * the joined state had a range): a program they reject is analysed again
 * without splitting, so that splitting only ever accepts more.
 */
static int check_dataflow(struct verifier *v)
{
	u32 n = v->prog->nr_subprogs, log_len = v->log ? v->log->len : 0, i;
	bool log_trunc = v->log && v->log->truncated;
	u32 *depth;
	int err;

	depth = abpf_zalloc(n * sizeof(u32));
	if (!depth)
		return -ENOMEM;
	memcpy(depth, v->sub_depth, n * sizeof(u32));
	v->split = true;
	err = run_dataflow(v);
	for (i = 0; !err && i < v->len; i++)
		if (!v->seen[i] && !(v->aux[i].flags & ABPF_AUX_LDDW_HI))
			err = -EAGAIN;	/* only behind edges ruled out */
	if (err && err != -ENOMEM) {
		free_joins(v);
		for (i = 0; i < v->len; i++) {
			v->aux[i].flags &= ~ABPF_AUX_MEMCHK;
			v->aux[i].map = 0;
		}
		memcpy(v->sub_depth, depth, n * sizeof(u32));
		v->zero_stack = false;
		v->processed = 0;
#ifdef ABPF_CHECKER_FACTS
		if (v->facts_seen)
			memset(v->facts_seen, 0, v->len);
#endif
		if (v->log && v->log->buf && v->log->size) {
			v->log->len = log_len;
			v->log->truncated = log_trunc;
			v->log->buf[log_len < v->log->size ?
				    log_len : v->log->size - 1] = 0;
		}
		v->split = false;
		err = run_dataflow(v);
	}
	abpf_free(depth);
	return err;
}

static void verifier_free(struct verifier *v)
{
	abpf_free(v->work);
	free_joins(v);
	abpf_free(v->sub_end);
	abpf_free(v->sub_depth);
	abpf_free(v->sub_frames);
	abpf_free(v->sub_stack);
	abpf_free(v->sub_color);
}

#define ABPF_PROG_CHECK_FLAGS	(ABPF_PROG_CHECKED | ABPF_PROG_ZERO_STACK | \
				 ABPF_PROG_HAS_CALLS | ABPF_PROG_HAS_HELPERS | \
				 ABPF_PROG_HAS_LD_PKT | ABPF_PROG_HAS_TAIL_CALL)

static int check_prog(struct abpf_prog *prog, struct abpf_log *log,
		      void *facts)
{
	struct verifier v;
	u32 i;
	int err;

	memset(&v, 0, sizeof(v));
	v.prog = prog;
	v.log = log;
	v.insns = prog->insns;
	v.len = prog->len;

	prog->flags &= ~ABPF_PROG_CHECK_FLAGS;
	prog->stack_depth = 0;
	abpf_free(prog->subprogs);
	prog->subprogs = NULL;
	prog->nr_subprogs = 0;

	if (!prog->len || !prog->insns) {
		abpf_log_printf(log, "empty program\n");
		return -EINVAL;
	}
	if (prog->len > ABPF_MAX_INSNS) {
		abpf_log_printf(log, "program too large (%u insns, max %u)\n",
				prog->len, ABPF_MAX_INSNS);
		return -E2BIG;
	}
	if (prog->type >= ABPF_PROG_TYPE__COUNT) {
		abpf_log_printf(log, "unknown program type %u\n", prog->type);
		return -EINVAL;
	}
	if (!prog->aux) {
		prog->aux = abpf_zalloc((size_t)prog->len * sizeof(*prog->aux));
		if (!prog->aux)
			return -ENOMEM;
	} else {
		memset(prog->aux, 0, (size_t)prog->len * sizeof(*prog->aux));
	}
	v.aux = prog->aux;
	v.work = abpf_zalloc((size_t)v.len * sizeof(u32));
	if (!v.work)
		return -ENOMEM;
#ifdef ABPF_CHECKER_FACTS
	if (facts) {
		v.facts = abpf_zalloc((size_t)v.len * sizeof(*v.facts));
		v.facts_seen = abpf_zalloc(v.len);
		if (!v.facts || !v.facts_seen) {
			err = -ENOMEM;
			goto out;
		}
	}
#endif

	v.aux[0].flags |= ABPF_AUX_SUBPROG_START;
	for (i = 0; i < v.len; i++) {
		if (abpf_is_lddw(&v.insns[i]) && i + 1 < v.len)
			v.aux[++i].flags |= ABPF_AUX_LDDW_HI;
	}
	for (i = 0; i < v.len; i++) {
		if (v.aux[i].flags & ABPF_AUX_LDDW_HI)
			continue;
		err = check_encoding(&v, i);
		if (err)
			goto out;
		if (is_local_call(&v.insns[i]))
			v.aux[i].flags |= ABPF_AUX_BACKEDGE;
	}

	err = build_subprogs(&v);
	if (!err)
		err = check_cfg(&v);
	if (!err)
		err = check_call_graph(&v);
	if (!err)
		err = check_dataflow(&v);
	if (!err)
		err = check_stack_depth(&v);
	if (err)
		goto out;

	if (v.zero_stack)
		prog->flags |= ABPF_PROG_ZERO_STACK;
	prog->flags |= ABPF_PROG_CHECKED;
#ifdef ABPF_CHECKER_FACTS
	if (facts)
		export_facts(&v, facts);
#endif
	if (log && log->level >= 1)
		abpf_log_printf(log,
				"processed %llu insns, stack depth %u, subprogs %u\n",
				(unsigned long long)v.processed,
				prog->stack_depth, prog->nr_subprogs);
out:
	if (err == -ENOMEM)
		abpf_log_printf(log, "out of memory\n");
	verifier_free(&v);
#ifdef ABPF_CHECKER_FACTS
	abpf_free(v.facts);
	abpf_free(v.facts_seen);
#endif
	return err;
}

int abpf_check(struct abpf_prog *prog, struct abpf_log *log)
{
	return check_prog(prog, log, NULL);
}

#ifdef ABPF_CHECKER_FACTS
int abpf_check_facts(struct abpf_prog *prog, struct abpf_log *log,
		     struct abpf_insn_facts *facts)
{
	return check_prog(prog, log, facts);
}
#endif

/* ---- maps: binding lddw pseudo sources (maps.h) ---- */

void abpf_prog_put_maps(struct abpf_prog *prog)
{
	u32 k;

	for (k = 0; k < prog->nr_maps; k++)
		if (prog->maps[k] && prog->maps[k]->ops->put)
			prog->maps[k]->ops->put(prog->maps[k]);
	abpf_free(prog->maps);
	prog->maps = NULL;
	prog->nr_maps = 0;
}

int abpf_prog_bind_maps(struct abpf_prog *prog,
			const struct abpf_map_resolver *res,
			struct abpf_log *log)
{
	u32 i, k;

	if (prog->flags & ABPF_PROG_MAPS_BOUND)
		return 0;
	for (i = 0; i < prog->len; i++) {
		struct bpf_insn *insn = &prog->insns[i];
		struct abpf_map *map;
		u64 addr;
		int err;

		if (!abpf_is_lddw(insn))
			continue;
		if (i + 1 >= prog->len) {
			abpf_log_printf(log, "insn %u: lddw is missing its second slot\n", i);
			return -EINVAL;
		}
		if (insn->src_reg != BPF_PSEUDO_MAP_FD &&
		    insn->src_reg != BPF_PSEUDO_MAP_VALUE) {
			i++;
			continue;
		}
		if (!res || !res->map_from_fd) {
			abpf_log_printf(log,
					"insn %u: lddw pseudo source %u needs a map resolver (maps not bound)\n",
					i, insn->src_reg);
			return -EINVAL;
		}
		if (insn->src_reg == BPF_PSEUDO_MAP_FD && insn[1].imm) {
			abpf_log_printf(log,
					"insn %u: lddw map fd: second slot imm must be 0\n",
					i);
			return -EINVAL;
		}
		map = res->map_from_fd(res->host, insn->imm);
		if (!map) {
			abpf_log_printf(log, "insn %u: fd %d is not a map\n",
					i, insn->imm);
			return -EBADF;
		}
		for (k = 0; k < prog->nr_maps; k++)
			if (prog->maps[k] == map)
				break;
		if (k < prog->nr_maps) {
			map->ops->put(map);	/* already held */
		} else {
			struct abpf_map **m;

			if (prog->nr_maps >= ABPF_MAX_USED_MAPS) {
				map->ops->put(map);
				abpf_log_printf(log,
						"insn %u: more than %u maps\n",
						i, ABPF_MAX_USED_MAPS);
				return -E2BIG;
			}
			m = abpf_zalloc((prog->nr_maps + 1) * sizeof(*m));
			if (!m) {
				map->ops->put(map);
				return -ENOMEM;
			}
			if (prog->nr_maps)
				memcpy(m, prog->maps, prog->nr_maps * sizeof(*m));
			m[prog->nr_maps++] = map;
			abpf_free(prog->maps);
			prog->maps = m;
			if (map->ops->bind_prog) {
				err = map->ops->bind_prog(map, prog->type);
				if (err) {
					abpf_log_printf(log,
							"insn %u: map (type %u) cannot be used by programs of type %u\n",
							i, map->type, prog->type);
					return err;
				}
			}
		}
		if (insn->src_reg == BPF_PSEUDO_MAP_FD) {
			addr = (u64)(unsigned long)map;
		} else {
			u64 base;

			if (!map->ops->direct_value ||
			    map->ops->direct_value(map, &base)) {
				abpf_log_printf(log,
						"insn %u: map (type %u) has no direct value access\n",
						i, map->type);
				return -EINVAL;
			}
			if ((u32)insn[1].imm >= map->value_size) {
				abpf_log_printf(log,
						"insn %u: map value offset %u out of range (value size %u)\n",
						i, (u32)insn[1].imm, map->value_size);
				return -EINVAL;
			}
			addr = base + (u32)insn[1].imm;
		}
		insn[0].imm = (s32)(u32)addr;
		insn[1].imm = (s32)(u32)(addr >> 32);
		i++;
	}
	prog->flags |= ABPF_PROG_MAPS_BOUND;
	return 0;
}
