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
 *     until no state changes.  Registers are uninitialised, scalars (maybe
 *     a known constant) or pointers (stack with known/unknown offset, ctx,
 *     unknown); each frame keeps a must-be-written bitmap of its 512 bytes.
 *     A callee starts with r1-r5 initialised iff they are at every call.
 *     Stack accesses at a known offset are proven here (bounds, written);
 *     every other access gets ABPF_AUX_MEMCHK for the engines.  When stale
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
};

/*
 * id (OR_NULL types): the helper call that produced the value, + 1.  A
 * register with id k holds the latest result of call k (a new call k
 * clears the id of older copies), so a NULL check of one refines all
 * copies.  id 0: no copies known, only the register itself is refined.
 */
struct vreg {
	u8 type;
	u8 known;
	u16 map;
	u32 id;
	u32 size;		/* RT_ALLOC_MEM*: record size */
	s64 val;
};

struct vstate {
	struct vreg regs[ABPF_NR_REGS];
	/* bit b set: byte fp - ABPF_MAX_STACK + b written on every path */
	u64 stack_init[ABPF_STACK_WORDS];
};

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
	struct vstate *join_state;
	u32 nr_joins;
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

static void set_type(struct vreg *r, u8 type, bool known, s64 val)
{
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->known = known;
	r->val = known ? val : 0;
}

static void set_scalar(struct vreg *r, bool known, s64 val)
{
	set_type(r, RT_SCALAR, known, val);
}

static void set_uninit(struct vreg *r)
{
	set_type(r, RT_UNINIT, false, 0);
}

static bool is_or_null(u8 type)
{
	return type == RT_MAP_VALUE_OR_NULL || type == RT_ALLOC_MEM_OR_NULL;
}

/* The non-NULL type of an OR_NULL type. */
static u8 non_null_type(u8 type)
{
	return type == RT_MAP_VALUE_OR_NULL ? RT_MAP_VALUE : RT_ALLOC_MEM;
}

/* Join of two different types (neither uninitialised) into a. */
static void join_mixed(struct vreg *a, const struct vreg *b)
{
	const struct vreg *n = is_or_null(a->type) ? a : b;
	const struct vreg *o = n == a ? b : a;

	if (is_or_null(n->type) &&
	    ((o->type == RT_SCALAR && o->known && o->val == 0) ||
	     (o->type == non_null_type(n->type) && o->known && o->val == 0 &&
	      o->map == n->map && o->size == n->size))) {
		/* NULL or the checked pointer: still "maybe NULL" */
		struct vreg r = *n;

		r.id = 0;
		*a = r;
		return;
	}
	set_type(a, RT_PTR_UNKNOWN, false, 0);
}

/* Join b into a; returns true if a changed.  Must-init: uninit wins. */
static bool join_reg(struct vreg *a, const struct vreg *b)
{
	struct vreg old = *a;

	if (a->type == RT_UNINIT)
		return false;
	if (b->type == RT_UNINIT) {
		set_uninit(a);
	} else if (a->type != b->type) {
		join_mixed(a, b);
	} else if (a->map != b->map || a->size != b->size) {
		set_type(a, RT_PTR_UNKNOWN, false, 0);
	} else {
		if (a->id != b->id)
			a->id = 0;
		if (a->known && (!b->known || a->val != b->val)) {
			a->known = 0;
			a->val = 0;
		}
	}
	return memcmp(&old, a, sizeof(old)) != 0;
}

static bool join_state(struct vstate *a, const struct vstate *b)
{
	bool changed = false;
	u32 k;

	for (k = 0; k < ABPF_NR_REGS; k++)
		changed |= join_reg(&a->regs[k], &b->regs[k]);
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
static void heap_push(struct verifier *v, u32 slot)
{
	u32 k = v->heap_len++;

	while (k) {
		u32 parent = (k - 1) / 2;

		if (v->heap[parent] <= slot)
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
		if (c + 1 < v->heap_len && v->heap[c + 1] < v->heap[c])
			c++;
		if (last <= v->heap[c])
			break;
		v->heap[k] = v->heap[c];
		k = c;
	}
	if (v->heap_len)
		v->heap[k] = last;
	return top;
}

/* Hand st to the join point at insn t. */
static void propagate(struct verifier *v, u32 t, const struct vstate *st)
{
	u32 slot = v->join_slot[t] - 1;
	bool changed;

	if (!(v->join_flags[slot] & JOIN_HAS_STATE)) {
		v->join_state[slot] = *st;
		v->join_flags[slot] |= JOIN_HAS_STATE;
		changed = true;
	} else {
		changed = join_state(&v->join_state[slot], st);
	}
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

	if (!r->known)
		return verr(v, -EACCES, i,
			    "R%u %s access at an unknown offset (only constant offsets are supported)",
			    reg, what);
	o = (s64)((u64)r->val + off);
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
			v->aux[i].flags |= ABPF_AUX_MEMCHK;
			v->sub_depth[sub] = ABPF_MAX_STACK;
			v->zero_stack = true;
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
		if (acc & ACC_WRITE)
			stack_set(st, o, size);
		return 0;
	case RT_PTR_CTX:
		/*
		 * Near the context: cannot be the stack unless the regions are
		 * adjacent.  Far away (a large constant) it might be.
		 */
		v->aux[i].flags |= ABPF_AUX_MEMCHK;
		o = base->known ? (s64)((u64)base->val + off) : -1;
		if (o < 0 || o >= ABPF_CTX_NEAR)
			v->zero_stack = true;
		return 0;
	default:
		/* A scalar or unknown pointer could point into the stack. */
		v->aux[i].flags |= ABPF_AUX_MEMCHK;
		v->zero_stack = true;
		return 0;
	}
}

static bool is_ptr(const struct vreg *r)
{
	return r->type >= RT_PTR_STACK;
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

static int do_alu(struct verifier *v, u32 i, struct vstate *st)
{
	const struct bpf_insn *insn = &v->insns[i];
	u8 form = insn_form(insn), op = BPF_OP(insn->code);
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	struct vreg *dst = &st->regs[insn->dst_reg];
	struct vreg srcv, res;
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

	if (op == BPF_MOV && is64 && insn->off == 0) {
		*dst = srcv;		/* copies pointers too */
		return 0;
	}
	if (form == ABPF_FORM_END) {
		escape(v, i, dst);
		set_scalar(dst, false, 0);
		return 0;
	}
	if (op == BPF_MOV) {
		escape(v, i, &srcv);
		if (srcv.type == RT_SCALAR && srcv.known &&
		    alu_fold(insn->code, insn->off, 0, srcv.val, &val))
			set_scalar(dst, true, val);
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
			bool known = p->known && s->known;
			u64 d = op == BPF_ADD ? (u64)s->val : 0 - (u64)s->val;

			if (p->type == RT_MAP_PTR || is_or_null(p->type))
				return verr(v, -EACCES, i,
					    "R%u pointer arithmetic on %s prohibited",
					    p == dst ? insn->dst_reg : insn->src_reg,
					    rt_name(p->type));
			if (p->type == RT_PTR_CTX && !known) {
				set_type(&res, RT_PTR_UNKNOWN, false, 0);
			} else {
				res = *p;
				res.known = known;
				res.val = known ? (s64)((u64)p->val + d) : 0;
			}
			*dst = res;
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
		set_scalar(dst, false, 0);
	return 0;
}

/* Effects of any call on the caller: r0 a scalar, r1-r5 clobbered. */
static void call_clobber(struct vstate *st)
{
	u32 k;

	set_scalar(&st->regs[BPF_REG_0], false, 0);
	for (k = BPF_REG_1; k <= BPF_REG_5; k++)
		set_uninit(&st->regs[k]);
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

	/* A submitted/discarded record is gone, in every copy. */
	if ((pr->flags & ABPF_PROTO_RELEASE) && release_reg >= 0) {
		for (k = 0; k < ABPF_NR_REGS; k++) {
			struct vreg *x = &st->regs[k];

			if (k == (u32)release_reg ||
			    (release_id && x->type == RT_ALLOC_MEM &&
			     x->id == release_id))
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
		/* older copies of call i's result lose their id */
		for (k = 0; k < ABPF_NR_REGS; k++)
			if (st->regs[k].id == i + 1)
				st->regs[k].id = 0;
		if (pr->ret == ABPF_RET_PTR_TO_MAP_VALUE_OR_NULL) {
			if (!map)
				return verr(v, -EINVAL, i,
					    "internal: %s returns a map value but has no map",
					    name);
			set_type(&st->regs[BPF_REG_0], RT_MAP_VALUE_OR_NULL,
				 true, 0);
			st->regs[BPF_REG_0].map = map_idx;
		} else {
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
	struct vstate callee;
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

		callee_entry(st, &callee);
		propagate(v, t, &callee);
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

/* Transfer function and checks of one instruction. */
static int do_insn(struct verifier *v, u32 i, struct vstate *st)
{
	const struct bpf_insn *insn = &v->insns[i];
	u8 form = insn_form(insn);
	u32 size = abpf_size_bytes(insn->code);
	struct vreg *dst = &st->regs[insn->dst_reg];
	struct vreg base;
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
		set_scalar(dst, false, 0);
		return 0;
	case ABPF_FORM_ST:
		err = read_reg(v, i, st, insn->dst_reg);
		if (err)
			return err;
		return check_mem(v, i, st, insn->dst_reg, dst, insn->off, size,
				 ACC_WRITE);
	case ABPF_FORM_STX:
		err = read_reg(v, i, st, insn->dst_reg);
		if (!err)
			err = read_reg(v, i, st, insn->src_reg);
		if (err)
			return err;
		escape(v, i, &st->regs[insn->src_reg]);
		base = *dst;
		return check_mem(v, i, st, insn->dst_reg, &base, insn->off, size,
				 ACC_WRITE);
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
	v->join_insn = abpf_zalloc(n * sizeof(u32));
	v->join_flags = abpf_zalloc(n);
	v->join_state = abpf_zalloc((size_t)n * sizeof(struct vstate));
	v->heap = abpf_zalloc(n * sizeof(u32));
	if (!v->join_insn || !v->join_flags || !v->join_state || !v->heap)
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
		}
	}
}

#ifdef ABPF_CHECKER_FACTS
_Static_assert((int)RT_ALLOC_MEM_OR_NULL == (int)ABPF_FACT_ALLOC_MEM_OR_NULL &&
	       (int)RT_PTR_UNKNOWN == (int)ABPF_FACT_PTR_UNKNOWN &&
	       (int)RT_MAP_VALUE == (int)ABPF_FACT_MAP_VALUE,
	       "fact types mirror the register types");

/* The claim before insn i: every state it is analysed with, joined. */
static void record_facts(struct verifier *v, u32 i, const struct vstate *st)
{
	if (!v->facts_seen[i]) {
		v->facts[i] = *st;
		v->facts_seen[i] = 1;
	} else {
		join_state(&v->facts[i], st);
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
			out[i].regs[k].val = r->val;
		}
		memcpy(out[i].stack_init, v->facts[i].stack_init,
		       sizeof(out[i].stack_init));
	}
}
#endif

/* Run one straight-line stretch from the join point in slot. */
static int run_block(struct verifier *v, u32 slot)
{
	struct vstate st = v->join_state[slot];
	u32 i = v->join_insn[slot];
	int err;

	for (;;) {
		const struct bpf_insn *insn = &v->insns[i];
		u8 form = insn_form(insn);
		u32 n;

		v->processed++;
#ifdef ABPF_CHECKER_FACTS
		if (v->facts)
			record_facts(v, i, &st);
#endif
		if (v->log && v->log->level >= 2)
			abpf_log_printf(v->log, "  %u: code 0x%02x\n", i, insn->code);
		err = do_insn(v, i, &st);
		if (err)
			return err;
		if (form == ABPF_FORM_EXIT) {
			if (st.regs[BPF_REG_0].type == RT_UNINIT)
				return verr(v, -EACCES, i,
					    "exit with uninitialised r0");
			escape(v, i, &st.regs[BPF_REG_0]);
			return 0;
		}
		if (form == ABPF_FORM_JCOND_K && BPF_CLASS(insn->code) == BPF_JMP &&
		    insn->imm == 0 &&
		    (BPF_OP(insn->code) == BPF_JEQ ||
		     BPF_OP(insn->code) == BPF_JNE) &&
		    is_or_null(st.regs[insn->dst_reg].type)) {
			/* "if rX == 0": NULL on one edge, the pointer on the other */
			struct vstate taken = st;
			bool eq = BPF_OP(insn->code) == BPF_JEQ;

			refine_null(&taken, insn->dst_reg, eq);
			refine_null(&st, insn->dst_reg, !eq);
			propagate(v, jump_target(insn, i), &taken);
		} else if (is_jump_form(form)) {
			propagate(v, jump_target(insn, i), &st);
			if (form == ABPF_FORM_JA || form == ABPF_FORM_JA32)
				return 0;
		}
		n = next_insn(v, i);
		/* check_cfg() guarantees n < len and stays in the subprogram. */
		if (v->join_slot[n]) {
			propagate(v, n, &st);
			return 0;
		}
		i = n;
	}
}

static int check_dataflow(struct verifier *v)
{
	struct vstate entry;
	u32 rounds = 0;
	int err;

	err = alloc_joins(v);
	if (err)
		return err;

	memset(&entry, 0, sizeof(entry));
	set_type(&entry.regs[BPF_REG_1], RT_PTR_CTX, true, 0);
	/* MEM programs get the data length in r2; packet programs only r1. */
	if (v->prog->type != ABPF_PROG_TYPE_PACKET &&
	    v->prog->type != ABPF_PROG_TYPE_KPROBE)
		set_scalar(&entry.regs[BPF_REG_2], false, 0);
	set_type(&entry.regs[ABPF_REG_FP], RT_PTR_STACK, true, 0);
	propagate(v, 0, &entry);

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

static void verifier_free(struct verifier *v)
{
	abpf_free(v->work);
	abpf_free(v->join_slot);
	abpf_free(v->join_insn);
	abpf_free(v->join_flags);
	abpf_free(v->join_state);
	abpf_free(v->heap);
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
