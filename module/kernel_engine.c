// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_engine.c - run altbpf programs on the kernel's own engines
 * (___bpf_prog_run and bpf_int_jit_compile) for side-by-side comparison.
 *
 * The kernel's engines trust their input: the kernel verifier normally
 * proves memory safety and termination and patches in division-by-zero
 * checks.  Here altbpf's checker has accepted the program, and on top of
 * that only programs whose sole run-time check is a loop budget are
 * accepted: no ABPF_AUX_MEMCHK access (memory outside the stack), no
 * helper/local call, no LD_ABS/LD_IND, no cpu v4 instruction (6.1
 * predates them), no lddw pseudo source; a program with a back-edge must
 * leave two of r6-r9 unnamed (neither read nor written), which become
 * Ra (the context pointer) and Rb (the budget counter).
 *
 * The program is built like lib/test_bpf.c does it (bpf_prog_alloc,
 * insns copied, aux->stack_depth, bpf_prog_select_runtime), after the
 * same rewrites the kernel verifier would do for these instructions:
 *  - div/mod by a register: the verifier's zero check (x / 0 = 0,
 *    x % 0 = x, zero-extended for 32 bits);
 *  - div/mod by the constant 0 (the verifier rejects it): replaced by
 *    the RFC 9669 result;
 *  - shifts by a constant: masked to the operand width (the interpreter
 *    would shift out of range, which is undefined in C);
 *  - 32-bit cmpxchg: r0 zero-extended afterwards;
 * plus the loop budget, which the kernel's engines lack:
 *  - every back-edge (jump to itself or an earlier instruction, taken
 *    or not) is preceded by "if Rb == 0 goto stub; Rb -= 1", where the
 *    stub, appended after the program (one per back-edge), is
 *    "*(u64 *)(Ra + exhausted) = pc + 1; r0 = 0; exit".
 *
 * altbpf_kernel_run() calls the program with r1 = a struct
 * altbpf_kernel_ctx on its stack; a prologue loads the real r1 from it,
 * sets "w2 = len" (bpf_prog_run() only passes r1) and, with loops,
 * "Ra = ctx; Rb = ctx->budget".  A run whose stub was reached returns
 * -ELOOP, like altbpf's engines, with the back-edge as error pc.  Unlike
 * altbpf's engines, which charge taken back-edges only, this budget
 * counts executed back-edge instructions, so a conditional back-edge
 * that is not taken costs one unit too: an exhausted budget may be
 * reported a little earlier here.  It is a safety net for the
 * comparison engines (no input can hang the kernel); altbpf's own
 * engines keep the exact semantics.
 *
 * bpf_prog_run() returns 32 bits, so each program is built twice: as is
 * (low half of r0) and with every exit preceded by "r0 >>= 32" (high
 * half; the stubs return 0 in both).
 */
#include <linux/bpf.h>
#include <linux/filter.h>

#include "altbpf_internal.h"

#define KINSN(CODE, DST, SRC, OFF, IMM)					\
	((struct bpf_insn) { .code = (CODE), .dst_reg = (DST),		\
			     .src_reg = (SRC), .off = (OFF), .imm = (IMM) })

static bool altbpf_is_jmp_class(u8 code)
{
	u8 cls = BPF_CLASS(code);

	return (cls == BPF_JMP || cls == BPF_JMP32) &&
	       BPF_OP(code) != BPF_CALL && BPF_OP(code) != BPF_EXIT;
}

/* Why one instruction cannot run on the kernel's engines, or NULL. */
static const char *altbpf_kernel_insn_why(const struct bpf_insn *insn)
{
	const struct abpf_opcode_info *info = &abpf_opcode_table[insn->code];
	u8 cls = BPF_CLASS(insn->code);

	if (!info->valid)
		return "invalid opcode";
	switch (info->op) {
	case ABPF_OP_ALU64_BSWAP:
		return "bswap (cpu v4)";
	case ABPF_OP_JMP32_JA:
		return "ja32 (cpu v4)";
	case ABPF_OP_LDX_MEMSX_W:
	case ABPF_OP_LDX_MEMSX_H:
	case ABPF_OP_LDX_MEMSX_B:
		return "sign-extending load (cpu v4)";
	case ABPF_OP_LD_ABS_W:
	case ABPF_OP_LD_ABS_H:
	case ABPF_OP_LD_ABS_B:
	case ABPF_OP_LD_IND_W:
	case ABPF_OP_LD_IND_H:
	case ABPF_OP_LD_IND_B:
		return "packet load (LD_ABS/LD_IND)";
	case ABPF_OP_JMP_CALL:
		return insn->src_reg == BPF_PSEUDO_CALL ? "local call" :
							  "helper call";
	case ABPF_OP_JMP_CALLX:
		return "callx";
	case ABPF_OP_LD_IMM_DW:
		return insn->src_reg ? "lddw pseudo source" : NULL;
	}
	if ((cls == BPF_ALU || cls == BPF_ALU64) && insn->off)
		return BPF_OP(insn->code) == BPF_MOV ? "movsx (cpu v4)" :
						       "sdiv/smod (cpu v4)";
	return NULL;
}

/* Registers among r6-r9 that no instruction names, as a bit mask. */
static u32 altbpf_kernel_free_regs(const struct abpf_prog *prog)
{
	u32 used = 0, i;

	for (i = 0; i < prog->len; i++) {
		if (prog->aux[i].flags & ABPF_AUX_LDDW_HI)
			continue;
		used |= BIT(prog->insns[i].dst_reg) | BIT(prog->insns[i].src_reg);
	}
	return ~used & GENMASK(BPF_REG_9, BPF_REG_6);
}

int altbpf_kernel_check(const struct abpf_prog *prog, char *why,
			size_t why_size)
{
	const char *reason = NULL;
	bool at_insn = false;
	u32 i, free = 0;

	if (!(prog->flags & ABPF_PROG_CHECKED) || !prog->aux)
		reason = "program not checked";
	else if (prog->type == ABPF_PROG_TYPE_PACKET)
		reason = "r1 is a packet ctx block (struct abpf_pkt_ctx)";
	else if (prog->flags & ABPF_PROG_ZERO_STACK)
		reason = "reads stack the kernel does not zero";
	else if (prog->stack_depth > MAX_BPF_STACK)
		reason = "stack too deep";
	else
		free = altbpf_kernel_free_regs(prog);
	for (i = 0; !reason && i < prog->len; i++) {
		const struct bpf_insn *insn = &prog->insns[i];
		u8 flags = prog->aux[i].flags;

		if (flags & ABPF_AUX_LDDW_HI)
			continue;
		if (flags & ABPF_AUX_MEMCHK)
			reason = "memory access needs a run-time check";
		else
			reason = altbpf_kernel_insn_why(insn);
		if (!reason && (flags & ABPF_AUX_BACKEDGE) && hweight32(free) < 2)
			reason = "loops need two free registers among r6-r9";
		at_insn = reason;
		if (at_insn)
			break;
	}
	if (!reason)
		return 0;
	if (why && why_size) {
		if (at_insn)
			snprintf(why, why_size, "insn %u: %s", i, reason);
		else
			snprintf(why, why_size, "%s", reason);
	}
	return -EOPNOTSUPP;
}

/* r1 of a program on the kernel's engines (altbpf_kernel_run()). */
struct altbpf_kernel_ctx {
	u64 data;		/* in: r1 of the altbpf program */
	u64 budget;		/* in: back-edge instructions allowed */
	u64 exhausted;		/* out: 0, or 1 + the back-edge that ran out */
};

/* How a program is rewritten. */
struct altbpf_kernel_rw {
	bool hi;		/* "r0 >>= 32" before each exit */
	bool loops;		/* budgeted back-edges, with: */
	u8 ra, rb;		/* the context pointer and budget registers */
};

#define ALTBPF_KERNEL_STUB_LEN	3	/* instructions per back-edge stub */

/*
 * Rewrite one instruction into out[] (NULL: count only).  Returns the
 * number of instructions; jumps are fixed up by the caller.  A jump
 * stays a single instruction and ends its sequence; a back-edge starts
 * with the budget check, whose jump to its stub is fixed up too.
 */
static u32 altbpf_kernel_patch(const struct bpf_insn *insn, bool backedge,
			       const struct altbpf_kernel_rw *rw,
			       struct bpf_insn *out)
{
	struct bpf_insn buf[4];
	u8 cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	bool alu = cls == BPF_ALU || cls == BPF_ALU64;
	bool is64 = cls == BPF_ALU64;
	u8 dst = insn->dst_reg;
	u32 n = 1;

	buf[0] = *insn;
	if (backedge) {
		/* if Rb == 0 goto stub; Rb -= 1; jump */
		buf[0] = KINSN(BPF_JMP | BPF_JEQ | BPF_K, rw->rb, 0, 0, 0);
		buf[1] = KINSN(BPF_ALU64 | BPF_SUB | BPF_K, rw->rb, 0, 0, 1);
		buf[2] = *insn;
		n = 3;
	} else if (alu && (op == BPF_DIV || op == BPF_MOD) &&
		   BPF_SRC(insn->code) == BPF_X) {
		u8 jcls = is64 ? BPF_JMP : BPF_JMP32;

		if (op == BPF_DIV) {
			/* if src != 0 goto div; dst = 0; goto out; div: */
			buf[0] = KINSN(jcls | BPF_JNE | BPF_K, insn->src_reg,
				       0, 2, 0);
			buf[1] = KINSN(BPF_ALU | BPF_XOR | BPF_X, dst, dst, 0, 0);
			buf[2] = KINSN(BPF_JMP | BPF_JA, 0, 0, 1, 0);
			buf[3] = *insn;
			n = 4;
		} else {
			/* if src == 0 goto z; mod; goto out; z: (w)dst = dst */
			buf[0] = KINSN(jcls | BPF_JEQ | BPF_K, insn->src_reg,
				       0, is64 ? 1 : 2, 0);
			buf[1] = *insn;
			n = 2;
			if (!is64) {
				buf[2] = KINSN(BPF_JMP | BPF_JA, 0, 0, 1, 0);
				buf[3] = KINSN(BPF_ALU | BPF_MOV | BPF_X, dst,
					       dst, 0, 0);
				n = 4;
			}
		}
	} else if (alu && (op == BPF_DIV || op == BPF_MOD) && !insn->imm) {
		if (op == BPF_DIV)		/* x / 0 = 0 */
			buf[0] = KINSN(cls | BPF_MOV | BPF_K, dst, 0, 0, 0);
		else if (is64)			/* x % 0 = x */
			buf[0] = KINSN(BPF_JMP | BPF_JA, 0, 0, 0, 0);
		else
			buf[0] = KINSN(BPF_ALU | BPF_MOV | BPF_X, dst, dst, 0, 0);
	} else if (alu && BPF_SRC(insn->code) == BPF_K &&
		   (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)) {
		buf[0].imm &= is64 ? 63 : 31;
	} else if (insn->code == (BPF_STX | BPF_ATOMIC | BPF_W) &&
		   insn->imm == BPF_CMPXCHG) {
		/*
		 * x86 "lock cmpxchg" leaves rax untouched on success, so the
		 * kernel JIT relies on the verifier's explicit zero-extension
		 * of r0 after a 32-bit cmpxchg (found by altbpf-vs-kernel).
		 */
		buf[1] = KINSN(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_0,
			       BPF_REG_0, 0, 0);
		n = 2;
	} else if (rw->hi && insn->code == (BPF_JMP | BPF_EXIT)) {
		buf[0] = KINSN(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_0, 0, 0, 32);
		buf[1] = *insn;
		n = 2;
	}
	if (out)
		memcpy(out, buf, n * sizeof(*out));
	return n;
}

/* Point the jump at out[from - 1] to out[to]; false if out of range. */
static bool altbpf_kernel_fix_jump(struct bpf_insn *out, u32 from, u32 to)
{
	s64 off = (s64)to - from;

	if (off < S16_MIN || off > S16_MAX)
		return false;
	out[from - 1].off = off;
	return true;
}

/*
 * The rewritten program: prologue, patched instructions, back-edge
 * stubs, fixed jumps.
 */
static struct bpf_insn *altbpf_kernel_rewrite(const struct abpf_prog *prog,
					      const struct altbpf_kernel_rw *rw,
					      u32 data_len, u32 *out_len)
{
	struct bpf_insn *out = NULL, *o;
	u32 *pos, i, n, len;
	int err = -ENOMEM;

	pos = kvcalloc(prog->len + 1, sizeof(*pos), GFP_KERNEL);
	if (!pos)
		return ERR_PTR(-ENOMEM);
	n = rw->loops ? 4 : 2;		/* the prologue */
	len = 0;			/* the stubs */
	for (i = 0; i < prog->len; i++) {
		bool be = prog->aux[i].flags & ABPF_AUX_BACKEDGE;

		pos[i] = n;
		if (prog->aux[i].flags & ABPF_AUX_LDDW_HI) {
			n++;
			continue;
		}
		n += altbpf_kernel_patch(&prog->insns[i], be, rw, NULL);
		if (be)
			len += ALTBPF_KERNEL_STUB_LEN;
	}
	pos[prog->len] = n;
	len += n;
	err = -EOPNOTSUPP;
	if (len > BPF_MAXINSNS * 64)
		goto out;
	err = -ENOMEM;
	out = kvcalloc(len, sizeof(*out), GFP_KERNEL);
	if (!out)
		goto out;

	o = out;
	if (rw->loops) {
		/* Ra = r1; Rb = *(u64 *)(r1 + budget) */
		*o++ = KINSN(BPF_ALU64 | BPF_MOV | BPF_X, rw->ra, BPF_REG_1,
			     0, 0);
		*o++ = KINSN(BPF_LDX | BPF_MEM | BPF_DW, rw->rb, BPF_REG_1,
			     offsetof(struct altbpf_kernel_ctx, budget), 0);
	}
	*o++ = KINSN(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_1,
		     offsetof(struct altbpf_kernel_ctx, data), 0);
	*o++ = KINSN(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, data_len);

	o = &out[n];			/* the next back-edge stub */
	err = -EOPNOTSUPP;
	for (i = 0; i < prog->len; i++) {
		const struct bpf_insn *insn = &prog->insns[i];
		bool be = prog->aux[i].flags & ABPF_AUX_BACKEDGE;
		s64 target = (s64)i + 1 + insn->off;

		if (prog->aux[i].flags & ABPF_AUX_LDDW_HI) {
			out[pos[i]] = *insn;
			continue;
		}
		altbpf_kernel_patch(insn, be, rw, &out[pos[i]]);
		if (!altbpf_is_jmp_class(insn->code))
			continue;
		if (target < 0 || target >= prog->len ||
		    !altbpf_kernel_fix_jump(out, pos[i + 1], pos[target]))
			goto out_free;
		if (!be)
			continue;
		/* The budget check, and its stub. */
		if (!altbpf_kernel_fix_jump(out, pos[i] + 1, o - out))
			goto out_free;
		*o++ = KINSN(BPF_ST | BPF_MEM | BPF_DW, rw->ra, 0,
			     offsetof(struct altbpf_kernel_ctx, exhausted),
			     i + 1);
		*o++ = KINSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
		*o++ = KINSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	kvfree(pos);
	*out_len = len;
	return out;

out_free:
	kvfree(out);
out:
	kvfree(pos);
	return ERR_PTR(err);
}

static struct bpf_prog *
altbpf_kernel_build_one(const struct abpf_prog *prog, bool jit,
			const struct altbpf_kernel_rw *rw, u32 data_len)
{
	struct bpf_insn *insns;
	struct bpf_prog *fp;
	u32 len;
	int err;

	insns = altbpf_kernel_rewrite(prog, rw, data_len, &len);
	if (IS_ERR(insns))
		return ERR_CAST(insns);

	fp = bpf_prog_alloc(bpf_prog_size(len), 0);
	if (!fp) {
		kvfree(insns);
		return ERR_PTR(-ENOMEM);
	}
	fp->len = len;
	/* Type doesn't matter as long as it's not unspec (lib/test_bpf.c). */
	fp->type = BPF_PROG_TYPE_SOCKET_FILTER;
	memcpy(fp->insnsi, insns, len * sizeof(*insns));
	kvfree(insns);
	fp->aux->stack_depth = prog->stack_depth;
	fp->jit_requested = jit;

	fp = bpf_prog_select_runtime(fp, &err);
	if (!err && fp->jited != jit)
		err = -EOPNOTSUPP;	/* JIT unavailable or failed */
	if (err) {
		bpf_prog_free(fp);
		return ERR_PTR(err == -ENOTSUPP ? -EOPNOTSUPP : err);
	}
	return fp;
}

int altbpf_kernel_build(const struct abpf_prog *prog, bool jit, u32 data_len,
			struct bpf_prog **lo, struct bpf_prog **hi)
{
	struct altbpf_kernel_rw rw = {};
	int err = altbpf_kernel_check(prog, NULL, 0);
	u32 i, free;

	if (err)
		return err;
	for (i = 0; i < prog->len; i++)
		if (prog->aux[i].flags & ABPF_AUX_BACKEDGE)
			rw.loops = true;
	if (rw.loops) {
		/* altbpf_kernel_check() made sure there are two. */
		free = altbpf_kernel_free_regs(prog);
		rw.ra = __ffs(free);
		free &= free - 1;
		rw.rb = __ffs(free);
	}
	*lo = altbpf_kernel_build_one(prog, jit, &rw, data_len);
	if (IS_ERR(*lo))
		return PTR_ERR(*lo);
	rw.hi = true;
	*hi = altbpf_kernel_build_one(prog, jit, &rw, data_len);
	if (IS_ERR(*hi)) {
		bpf_prog_free(*lo);
		return PTR_ERR(*hi);
	}
	return 0;
}

int altbpf_kernel_run(const struct bpf_prog *fp, void *data, u64 budget,
		      u32 *ret, u32 *error_pc)
{
	struct altbpf_kernel_ctx ctx = {
		.data = (unsigned long)data,
		.budget = budget,
	};

	*ret = bpf_prog_run(fp, &ctx);
	if (likely(!ctx.exhausted))
		return 0;
	*ret = 0;
	if (error_pc)
		*error_pc = ctx.exhausted - 1;
	return -ELOOP;
}

void altbpf_kernel_free(struct bpf_prog *lo, struct bpf_prog *hi)
{
	if (lo)
		bpf_prog_free(lo);
	if (hi)
		bpf_prog_free(hi);
}
