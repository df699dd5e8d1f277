// SPDX-License-Identifier: GPL-2.0
/*
 * jit_x86.c - the x86-64 code generator.
 *
 * Modelled on the kernel's arch/x86/net/bpf_jit_comp.c: a fixed register
 * map, one emitter per x86 instruction form, and a multi-pass layout that
 * records the image offset of every BPF instruction in off[] and iterates
 * until no offset changes (jumps pick rel8 or rel32 from the previous
 * pass's offsets).  The last pass writes into the host's memory and must
 * reproduce the converged layout byte for byte, else the compile fails.
 *
 * Differences from the kernel's JIT, all following from engine.h's safety
 * model (the JIT enforces the same run-time checks as the interpreter):
 *  - ABPF_AUX_MEMCHK accesses are checked inline against the BPF stack and
 *    out of line (a stub at the end of the image) against rc->regions;
 *  - ABPF_AUX_BACKEDGE jumps and local calls decrement rc->budget;
 *  - aborts store rc->error / rc->error_pc and unwind every frame at once
 *    by reloading rsp from rc->stack_hi (see the frame layout below);
 *  - the BPF stack of all frames is one contiguous block of
 *    prog->stack_depth bytes, carved like the interpreter carves it: a
 *    callee's r10 is its caller's r10 minus the caller's stack_depth.
 *    Return addresses and saved registers live below that block, on the
 *    native stack, where BPF code cannot address them.
 *
 * Frame layout (main program):
 *
 *	entry rsp -> [return address]
 *		     saved rbp, rbx, r12, r13, r14, r15
 *	rbp = r10 -> top of the BPF stack == rc->stack_hi
 *		     ... prog->stack_depth bytes ...   rc->stack_lo
 *		     padding to 16 bytes (helpers are called with rsp % 16 == 0)
 *	rsp ->
 *
 * A subprogram is entered with "sub rbp, caller_depth; call sub" and saves
 * r6-r9 (rbx, r13, r14, r15) plus rbp (which also keeps rsp 16-aligned).
 */
#include "jit.h"
#include "maps.h"

#ifdef __KERNEL__
#include <linux/stddef.h>
#else
#include <stddef.h>
#endif

/* x86-64 register numbers. */
enum {
	RAX = 0, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
	R8, R9, R10, R11, R12, R13, R14, R15,
};

/*
 * The register map: ONE table, the reasons here.
 *  - r0-r5 are caller-saved in BPF, so they go to caller-saved x86
 *    registers; r1-r5 sit exactly in the SysV argument registers (rdi,
 *    rsi, rdx, rcx, r8), so a helper call needs no shuffling, and r0 is
 *    rax, the return register.
 *  - r6-r9 survive calls in BPF: callee-saved rbx, r13, r14, r15.
 *  - r10 is the frame pointer: rbp.
 *  - r12 (callee-saved, so it survives helper calls for free) holds the
 *    struct abpf_run_ctx pointer for the whole run: budget, memory-check
 *    regions, packet, stop/error flags are all [r12 + disp].
 *  - r9 is the 6th SysV argument: it carries rc into helpers, and is a
 *    scratch register otherwise.
 *  - r10 (BPF_REG_AX in the kernel's JIT) is the blinding scratch and a
 *    temporary; r11 (AUX_REG) is the address / divisor temporary.
 *    All three are caller-saved and never hold BPF state across insns.
 *
 * What a test may permute (host->reg_perm, abpf_jit_reg_map()):
 *  - r1-r5 among rdi rsi rdx rcx r8: any order works because every
 *    fixed-register instruction saves what it borrows (shifts park rcx
 *    in r11, div/mod park rax/rdx in r10/r9, the region-check stub
 *    pushes rax/rcx/rdx), and a helper call then first moves r1-r5
 *    into the SysV order (emit_arg_shuffle());
 *  - r6-r9 among rbx r13 r14 r15: they must stay callee-saved to
 *    survive helper calls, and subprograms save all four anyway.
 * Fixed: r0 = rax (helper return value, implicit operand of div and
 * cmpxchg), r10 = rbp (the frame code), r12/r9/r10/r11 (roles above).
 */
static const u8 reg_map[ABPF_NR_REGS] = {
	[0] = RAX, [1] = RDI, [2] = RSI, [3] = RDX, [4] = RCX, [5] = R8,
	[6] = RBX, [7] = R13, [8] = R14, [9] = R15, [10] = RBP,
};

/* Apply permutation number idx (0 .. n! - 1, Lehmer code) to regs[n]. */
static void permute(u8 *regs, u32 n, u32 idx)
{
	u8 pool[5];
	u32 k, m, pick;

	memcpy(pool, regs, n);
	for (k = 0; k < n; k++) {
		pick = idx % (n - k);
		idx /= n - k;
		regs[k] = pool[pick];
		for (m = pick; m + 1 < n - k; m++)
			pool[m] = pool[m + 1];
	}
}

void abpf_jit_reg_map(u32 reg_perm, u8 map[ABPF_NR_REGS])
{
	memcpy(map, reg_map, ABPF_NR_REGS);
	reg_perm %= ABPF_JIT_REG_PERMS;
	permute(map + 1, 5, reg_perm % 120);
	permute(map + 6, 4, reg_perm / 120);
}

#define REG_CTX		R12
#define REG_AX		R10	/* blinding scratch */
#define REG_AUX		R11

/*
 * Run context offsets.  r12 points RC_BIAS bytes into the run context so
 * that every field is reachable with a disp8 (the struct is ~170 bytes).
 */
#define RC_BIAS		128
#define RC_OFF(f)	((s32)offsetof(struct abpf_run_ctx, f) - RC_BIAS)
#define RC_R1		RC_OFF(r1)
#define RC_R2		RC_OFF(r2)
#define RC_PKT		RC_OFF(pkt)
#define RC_PKT_LEN	RC_OFF(pkt_len)
#define RC_NR_REGIONS	RC_OFF(nr_regions)
#define RC_REGIONS	RC_OFF(regions)
#define RC_BUDGET	RC_OFF(budget)
#define RC_STACK_LO	RC_OFF(stack_lo)
#define RC_STACK_HI	RC_OFF(stack_hi)
#define RC_STOP		RC_OFF(stop)
#define RC_ERROR	RC_OFF(error)
#define RC_ERROR_PC	RC_OFF(error_pc)
#define RC_TAIL_PROG	RC_OFF(tail_prog)
#define RC_TAIL_LOOP	RC_OFF(tail_loop)
#define RC_TAIL_CNT	RC_OFF(tail_call_cnt)
#define RG_START	((s32)offsetof(struct abpf_region, start))
#define RG_LEN		((s32)offsetof(struct abpf_region, len))
#define RG_WRITABLE	((s32)offsetof(struct abpf_region, writable))
#define RG_SIZE		sizeof(struct abpf_region)

/* emit_rm() flags */
#define F_W	0x01	/* REX.W: 64-bit operand */
#define F_66	0x02	/* operand-size prefix: 16-bit operand */
#define F_MEM	0x04	/* rm is the memory operand [rm + disp] */
#define F_B8	0x08	/* byte registers: force REX for spl/bpl/sil/dil */
#define F_LOCK	0x10	/* lock prefix */

/* j->hint[] bits */
#define HINT_STACK_FIRST 0x01	/* checked access: test the stack first */
#define HINT_ZF		0x02	/* jeq/jne 0: ZF of the insn before is it */
#define HINT_CTX	0x04	/* checked access through main's r1 + k */
#define HINT_TAIL_CONST	0x08	/* inline tail call, r3 a constant */
#define HINT_DEAD	0x10	/* sets only an argument the tail call ignores */

/* Size caps: no single BPF instruction may emit more. */
#define JIT_INSN_CAP		256
#define JIT_CALLX_CAP_PER	48
#define JIT_MAX_PASSES		24
#define JIT_PAD_AFTER		12	/* passes before sizes may only grow */

/* Out-of-line code after the program body. */
enum {
	L_EXIT0,	/* r0 = 0, unwind all frames, return */
	L_EPILOGUE,	/* rsp = main r10: clear rc->stack_lo/hi, return */
	L_ABORT,	/* error_pc = r10d, error = r9d, then L_EXIT0 */
	L_STOP,		/* a helper stopped: error_pc = r10d if error */
	L_MEMCHK,	/* region check for r11 (addr), r10d (pc<<12|w<<8|n) */
	L__COUNT,
};

/* x86 condition codes */
enum {
	CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5, CC_BE = 0x6, CC_S = 0x8,
	CC_A = 0x7, CC_L = 0xc, CC_GE = 0xd, CC_LE = 0xe, CC_G = 0xf,
};

struct jit {
	struct abpf_prog *prog;
	const struct abpf_jit_host *host;
	struct abpf_log *log;
	u32 *off;		/* len + 1: image offset of each insn's code */
	u32 *size;		/* bytes of each insn in the previous pass */
	u8 *fuse;		/* FUSE_*: insn i and the next one or two */
	u8 *hint;		/* HINT_* per insn (jit_prescan()) */
	u32 lbl[L__COUNT];
	u32 prologue;		/* bytes before insn 0 */
	u32 total;		/* image size */
	u8 *buf;		/* code of the current unit */
	u32 n, cap, bufsize;
	u32 base;		/* image offset of buf[0] */
	u64 image;		/* run address (final pass), else 0 */
	u8 *rw;			/* writable alias (final pass) */
	u32 frame;		/* bytes subtracted from rsp below r10 */
	u32 stack;		/* prog->stack_depth */
	u32 cur;		/* BPF insn being emitted */
	u8 map[16];		/* BPF register -> x86 (src_reg may be 15) */
	u8 budget_reg;		/* x86 register caching rc->budget, 0: none */
	u8 saved[6];		/* callee-saved registers the main frame saves */
	u8 sub_saved[5];	/* ... and a subprogram frame */
	u32 nsaved, nsub_saved;
	u32 sub_prologue;	/* bytes of a subprogram's pushes */
	u32 tail_entry;		/* image offset of prog->jit_tail */
	u32 tail_resume;	/* where an out-of-line tail entry goes on */
	u16 used;		/* BPF registers the program names */
	u16 entry_dead;		/* of r1-r9: written before read (prescan) */
	bool calls;		/* helper calls or callx: r1-r5 are arguments */
	bool ccalls;		/* any C call (helpers, inline tail calls) */
	bool rc_stack;		/* rc->stack_lo/hi may be read: set them */
	bool memchk;		/* ABPF_AUX_MEMCHK accesses */
	bool divs;		/* div/mod: rdx parked in r9 */
	bool final, pad, abs_calls, need_abs, changed, blind;
	int err;
};

static void jit_fail(struct jit *j, int err, const char *fmt, u32 arg)
{
	if (!j->err) {
		j->err = err;
		abpf_log_printf(j->log, "jit: insn %u: ", j->cur);
		abpf_log_printf(j->log, fmt, arg);
		abpf_log_printf(j->log, "\n");
	}
}

static inline bool is_s8(s64 v)
{
	return v >= -128 && v <= 127;
}

static inline bool is_s32(s64 v)
{
	return v >= (s64)(-2147483647 - 1) && v <= 2147483647;
}

static inline u32 pos(const struct jit *j)
{
	return j->base + j->n;
}

/* ---- raw bytes ---- */

static void b1(struct jit *j, u8 v)
{
	if (j->n < j->bufsize)
		j->buf[j->n] = v;
	j->n++;
}

static void b2(struct jit *j, u16 v)
{
	b1(j, v);
	b1(j, v >> 8);
}

static void b4(struct jit *j, u32 v)
{
	b2(j, v);
	b2(j, v >> 16);
}

static void b8(struct jit *j, u64 v)
{
	b4(j, v);
	b4(j, v >> 32);
}

static void patch8(struct jit *j, u32 at)
{
	s32 rel = (s32)(j->n - (at + 1));

	if (!is_s8(rel)) {
		jit_fail(j, -EFAULT, "internal rel8 out of range (%u)", rel);
		return;
	}
	if (at < j->bufsize)
		j->buf[at] = (u8)rel;
}

static void patch32(struct jit *j, u32 at)
{
	u32 rel = j->n - (at + 4);

	if (at + 4 <= j->bufsize) {
		j->buf[at] = rel;
		j->buf[at + 1] = rel >> 8;
		j->buf[at + 2] = rel >> 16;
		j->buf[at + 3] = rel >> 24;
	}
}

/* ModRM mod for [base + disp]: rbp/r13 bases always take a disp8 */
static u8 disp_mod(u8 base, s32 disp)
{
	if (disp == 0 && (base & 7) != RBP)
		return 0;
	return is_s8(disp) ? 1 : 2;
}

static void emit_disp(struct jit *j, u8 mod, s32 disp)
{
	if (mod == 1)
		b1(j, disp);
	else if (mod == 2)
		b4(j, disp);
}

/*
 * The generic form: [lock] [66] [REX] opcode (1-3 bytes, 0x0fXX = two)
 * ModRM [SIB] [disp8/32].  reg is a register or an opcode extension; rm a
 * register, or the base of [rm + disp] with F_MEM.  Immediates follow.
 */
static void emit_rm(struct jit *j, u32 f, u32 opc, u8 reg, u8 rm, s32 disp)
{
	u8 rex = 0x40, mod;
	bool need = false;

	if (f & F_LOCK)
		b1(j, 0xf0);
	if (f & F_66)
		b1(j, 0x66);
	if (f & F_W) {
		rex |= 8;
		need = true;
	}
	if (reg & 8) {
		rex |= 4;
		need = true;
	}
	if (rm & 8) {
		rex |= 1;
		need = true;
	}
	if ((f & F_B8) && ((reg >= 4 && reg < 8) ||
			   (!(f & F_MEM) && rm >= 4 && rm < 8)))
		need = true;
	if (need)
		b1(j, rex);
	if (opc > 0xffff)
		b1(j, opc >> 16);
	if (opc > 0xff)
		b1(j, opc >> 8);
	b1(j, opc);
	if (!(f & F_MEM)) {
		b1(j, 0xc0 | (reg & 7) << 3 | (rm & 7));
		return;
	}
	mod = disp_mod(rm, disp);
	b1(j, mod << 6 | (reg & 7) << 3 | (rm & 7));
	if ((rm & 7) == RSP)
		b1(j, 0x24);
	emit_disp(j, mod, disp);
}

/* op reg, [base + index + disp] (loads: no prefixes, no byte registers) */
static void emit_rm_bi(struct jit *j, u32 f, u32 opc, u8 reg, u8 base,
		       u8 index, s32 disp)
{
	u8 rex = (f & F_W ? 8 : 0) | (reg & 8 ? 4 : 0) | (index & 8 ? 2 : 0) |
		 (base & 8 ? 1 : 0), mod;

	if (rex)
		b1(j, 0x40 | rex);
	if (opc > 0xff)
		b1(j, opc >> 8);
	b1(j, opc);
	mod = disp_mod(base, disp);
	b1(j, mod << 6 | (reg & 7) << 3 | 4);			/* SIB */
	b1(j, (index & 7) << 3 | (base & 7));
	emit_disp(j, mod, disp);
}

/* ---- one emitter per form ---- */

static void emit_push(struct jit *j, u8 r)
{
	if (r & 8)
		b1(j, 0x41);
	b1(j, 0x50 | (r & 7));
}

static void emit_pop(struct jit *j, u8 r)
{
	if (r & 8)
		b1(j, 0x41);
	b1(j, 0x58 | (r & 7));
}

/* dst = src (64 or 32 bits; the 32-bit form zero-extends) */
static void emit_mov_reg(struct jit *j, bool w, u8 dst, u8 src)
{
	if (w && dst == src)
		return;
	emit_rm(j, w ? F_W : 0, 0x89, src, dst, 0);
}

/* dst = (u32)imm, zero-extended; with_flags: may use xor (clobbers flags) */
static void emit_mov_imm32(struct jit *j, u8 dst, u32 imm, bool xor_ok)
{
	if (!imm && xor_ok) {
		emit_rm(j, 0, 0x31, dst, dst, 0);
		return;
	}
	if (dst & 8)
		b1(j, 0x41);
	b1(j, 0xb8 | (dst & 7));
	b4(j, imm);
}

/* dst = (s64)imm, sign-extended imm32 (always 7 bytes) */
static void emit_mov_simm64(struct jit *j, u8 dst, s32 imm)
{
	emit_rm(j, F_W, 0xc7, 0, dst, 0);
	b4(j, imm);
}

static void emit_movabs(struct jit *j, u8 dst, u64 v)
{
	b1(j, 0x48 | (dst & 8 ? 1 : 0));
	b1(j, 0xb8 | (dst & 7));
	b8(j, v);
}

/* dst = v in the shortest form */
static void emit_load_imm64(struct jit *j, u8 dst, u64 v)
{
	if (v <= 0xffffffffULL)
		emit_mov_imm32(j, dst, v, true);
	else if (is_s32((s64)v))
		emit_mov_simm64(j, dst, (s32)v);
	else
		emit_movabs(j, dst, v);
}

/* op dst, src with op one of the "r/m op= reg" opcodes (01 09 21 29 31 39 85) */
static void emit_alu_reg(struct jit *j, bool w, u8 opc, u8 dst, u8 src)
{
	emit_rm(j, w ? F_W : 0, opc, src, dst, 0);
}

/* op dst, imm with /digit: 83 ib when it fits, else 81 id */
static void emit_alu_imm(struct jit *j, bool w, u8 digit, u8 dst, s32 imm)
{
	if (is_s8(imm)) {
		emit_rm(j, w ? F_W : 0, 0x83, digit, dst, 0);
		b1(j, imm);
	} else {
		emit_rm(j, w ? F_W : 0, 0x81, digit, dst, 0);
		b4(j, imm);
	}
}

/* test dst, imm */
static void emit_test_imm(struct jit *j, bool w, u8 dst, s32 imm)
{
	emit_rm(j, w ? F_W : 0, 0xf7, 0, dst, 0);
	b4(j, imm);
}

/* shift dst by imm (digit 4 shl, 5 shr, 7 sar, 0 rol) */
static void emit_shift_imm(struct jit *j, bool w, u8 digit, u8 dst, u8 cnt)
{
	if (cnt == 1) {
		emit_rm(j, w ? F_W : 0, 0xd1, digit, dst, 0);
	} else {
		emit_rm(j, w ? F_W : 0, 0xc1, digit, dst, 0);
		b1(j, cnt);
	}
}

/* reg <-> memory: opc with reg and [base + disp] */
static void emit_mem(struct jit *j, u32 f, u32 opc, u8 reg, u8 base, s32 disp)
{
	emit_rm(j, f | F_MEM, opc, reg, base, disp);
}

/*
 * dst = *(size *)(base + disp), zero- or sign-extended as ldx says (its
 * size and mode), or from [base + index + disp] when index is not
 * NO_INDEX.
 */
#define NO_INDEX	0xff
static void emit_ldx_at(struct jit *j, const struct bpf_insn *ldx, u8 dst,
			u8 base, u8 index, s32 disp)
{
	u32 size = abpf_size_bytes(ldx->code), f = 0, opc = 0x8b;

	if (BPF_MODE(ldx->code) == BPF_MEMSX) {
		f = F_W;
		opc = size == 1 ? 0x0fbe : size == 2 ? 0x0fbf : 0x63;
	} else if (size < 4) {
		opc = size == 1 ? 0x0fb6 : 0x0fb7;
	} else if (size == 8) {
		f = F_W;
	}
	if (index == NO_INDEX)
		emit_mem(j, f, opc, dst, base, disp);
	else
		emit_rm_bi(j, f, opc, dst, base, index, disp);
}

/* *(size *)(base + disp) = src */
static void emit_stx(struct jit *j, u32 size, u8 base, s16 off, u8 src)
{
	switch (size) {
	case 1:
		emit_mem(j, F_B8, 0x88, src, base, off);
		break;
	case 2:
		emit_mem(j, F_66, 0x89, src, base, off);
		break;
	case 4:
		emit_mem(j, 0, 0x89, src, base, off);
		break;
	default:
		emit_mem(j, F_W, 0x89, src, base, off);
		break;
	}
}

/* *(size *)(base + disp) = imm */
static void emit_st_imm(struct jit *j, u32 size, u8 base, s16 off, s32 imm)
{
	switch (size) {
	case 1:
		emit_mem(j, 0, 0xc6, 0, base, off);
		b1(j, imm);
		break;
	case 2:
		emit_mem(j, F_66, 0xc7, 0, base, off);
		b2(j, imm);
		break;
	case 4:
		emit_mem(j, 0, 0xc7, 0, base, off);
		b4(j, imm);
		break;
	default:
		emit_mem(j, F_W, 0xc7, 0, base, off);
		b4(j, imm);
		break;
	}
}

/* jcc to an image offset, rel8 when it fits */
static void emit_jcc(struct jit *j, u8 cc, u32 target)
{
	s64 rel = (s64)target - (pos(j) + 2);

	if (is_s8(rel)) {
		b1(j, 0x70 | cc);
		b1(j, rel);
	} else {
		rel = (s64)target - (pos(j) + 6);
		b1(j, 0x0f);
		b1(j, 0x80 | cc);
		b4(j, (u32)rel);
	}
}

static void emit_jmp(struct jit *j, u32 target)
{
	s64 rel = (s64)target - (pos(j) + 2);

	if (is_s8(rel)) {
		b1(j, 0xeb);
		b1(j, rel);
	} else {
		rel = (s64)target - (pos(j) + 5);
		b1(j, 0xe9);
		b4(j, (u32)rel);
	}
}

/* Forward jcc/jmp inside one unit: rel8 placeholder, patch8() later. */
static u32 emit_jcc8_fwd(struct jit *j, u8 cc)
{
	b1(j, 0x70 | cc);
	b1(j, 0);
	return j->n - 1;
}

static u32 emit_jmp8_fwd(struct jit *j)
{
	b1(j, 0xeb);
	b1(j, 0);
	return j->n - 1;
}

static u32 emit_jcc32_fwd(struct jit *j, u8 cc)
{
	b1(j, 0x0f);
	b1(j, 0x80 | cc);
	b4(j, 0);
	return j->n - 4;
}

static u32 emit_jmp32_fwd(struct jit *j)
{
	b1(j, 0xe9);
	b4(j, 0);
	return j->n - 4;
}

/* call/jmp rel32 to an absolute address (helpers, thunks) */
static bool emit_rel32_abs(struct jit *j, u8 opc, const void *addr)
{
	s64 rel = 0;

	if (j->final) {
		rel = (s64)(u64)(unsigned long)addr - (s64)(j->image + pos(j) + 5);
		if (!is_s32(rel)) {
			j->need_abs = true;
			rel = 0;
		}
	}
	b1(j, opc);
	b4(j, (u32)rel);
	return true;
}

static void emit_ret(struct jit *j)
{
	if (j->host->flags & ABPF_JIT_RETHUNK)
		emit_rel32_abs(j, 0xe9, j->host->return_thunk);
	else
		b1(j, 0xc3);
	if (j->host->flags & ABPF_JIT_SLS)
		b1(j, 0xcc);
}

/*
 * Under a permuted register map, move r1-r5 into rdi rsi rdx rcx r8: a
 * parallel move, one cycle at a time through r11.  After the call r1-r5
 * are dead (the checker clobbers them), so nothing moves back.
 */
static void emit_arg_shuffle(struct jit *j)
{
	bool done[5] = { false };
	u32 k0, k, m;
	u8 src;

	for (k0 = 0; k0 < 5; k0++) {
		if (done[k0] || j->map[k0 + 1] == reg_map[k0 + 1])
			continue;
		emit_mov_reg(j, true, REG_AUX, reg_map[k0 + 1]);
		for (k = k0; !done[k];) {
			done[k] = true;
			src = j->map[k + 1];
			if (src == reg_map[k0 + 1]) {
				emit_mov_reg(j, true, reg_map[k + 1], REG_AUX);
				break;
			}
			emit_mov_reg(j, true, reg_map[k + 1], src);
			for (m = 0; reg_map[m + 1] != src; m++)
				;
			k = m;
		}
	}
}

/* call fn (arguments already in place; rax and r11 are clobbered) */
static void emit_call_abs(struct jit *j, const void *fn)
{
	if (!j->abs_calls) {
		emit_rel32_abs(j, 0xe8, fn);
	} else if (j->host->flags & ABPF_JIT_RETPOLINE) {
		emit_movabs(j, RAX, (u64)(unsigned long)fn);
		emit_rel32_abs(j, 0xe8, j->host->indirect_thunk_rax);
	} else {
		emit_movabs(j, REG_AUX, (u64)(unsigned long)fn);
		emit_rm(j, 0, 0xff, 2, REG_AUX, 0);	/* call r11 */
	}
}

/* call a C function: fn(r1..r5, rc) */
static void emit_call_helper(struct jit *j, const void *fn)
{
	emit_arg_shuffle(j);
	emit_mem(j, F_W, 0x8d, R9, REG_CTX, -RC_BIAS);		/* r9 = rc */
	emit_call_abs(j, fn);
}

/* ---- constant blinding ---- */

static u32 jit_rand(struct jit *j)
{
	return j->host->random ? j->host->random() : 0x5a5a5a5a;
}

/* REG_AX = (s64)imm, materialised as (imm ^ k) ^ k */
static void emit_blind_imm(struct jit *j, s32 imm)
{
	u32 k = jit_rand(j);

	emit_mov_simm64(j, REG_AX, (s32)((u32)imm ^ k));
	emit_rm(j, F_W, 0x81, 6, REG_AX, 0);
	b4(j, k);
}

/* ---- run-time checks ---- */

static void emit_abort_site(struct jit *j, u32 pc, int err)
{
	if (j->budget_reg == R9 && err != -ELOOP)
		jit_fail(j, -EFAULT, "abort %d with the budget in r9", err);
	emit_mov_imm32(j, REG_AX, pc, false);
	emit_mov_imm32(j, R9, (u32)err, false);
	emit_jmp(j, j->lbl[L_ABORT]);
}

/*
 * One unit of budget (a register copy of rc->budget when one is free,
 * else rc->budget itself): abort with -ELOOP when exhausted (it stays 0).
 * target >= 0: a back-edge, the budget check's own jump goes there (no
 * separate jmp); else the code falls through when the budget is fine.
 */
static void emit_budget(struct jit *j, u32 pc, s64 target)
{
	u8 b = j->budget_reg;
	u32 p = 0;

	if (b) {
		emit_alu_imm(j, true, 5, b, 1);			/* sub b, 1 */
	} else {
		emit_mem(j, F_W, 0x83, 5, REG_CTX, RC_BUDGET);	/* sub [], 1 */
		b1(j, 1);
	}
	if (target >= 0)
		emit_jcc(j, CC_AE, (u32)target);
	else
		p = emit_jcc8_fwd(j, CC_AE);
	if (b) {
		emit_rm(j, 0, 0x31, b, b, 0);			/* stays 0 */
	} else {
		emit_mem(j, F_W, 0x83, 0, REG_CTX, RC_BUDGET);	/* undo */
		b1(j, 1);
	}
	emit_abort_site(j, pc, -ELOOP);
	if (target < 0)
		patch8(j, p);
}

/*
 * ABPF_AUX_MEMCHK: [base + off, + size) inside the stack or a region;
 * atomics must also be naturally aligned (as in the interpreter).
 */
/* The stack test of a checked access: returns the rel8 of "inside". */
static u32 emit_stack_test(struct jit *j, u8 base, s16 off, u32 size)
{
	if (!j->prog->aux[j->cur].subprog) {
		/* main's rbp is the top of the stack: no rc->stack_lo load */
		emit_mem(j, F_W, 0x8d, REG_AX, base, off + (s32)j->stack);
		emit_alu_reg(j, true, 0x29, REG_AX, RBP);	/* - rbp */
	} else {
		emit_mem(j, F_W, 0x8d, REG_AX, base, off);	/* lea r10 */
		emit_mem(j, F_W, 0x2b, REG_AX, REG_CTX, RC_STACK_LO);
	}
	emit_alu_imm(j, true, 7, REG_AX, j->stack - size);
	return emit_jcc8_fwd(j, CC_BE);
}

/*
 * Region k (0: the input memory of most programs; 1: the context of
 * packet programs): end = addr - start + size must not carry (addr below
 * start, or the top of the address space) and be <= len.  Returns the
 * rel8 of "inside"; the "not there" jumps go to fails[] (*nf of them).
 */
static u32 emit_region_test(struct jit *j, u32 k, u8 base, s16 off, u32 size,
			    bool write, u32 *fails, u32 *nf)
{
	s32 rg = RC_REGIONS + (s32)(k * RG_SIZE);

	emit_mem(j, 0, 0x83, 7, REG_CTX, RC_NR_REGIONS);	/* cmp dword */
	b1(j, k);
	fails[(*nf)++] = emit_jcc8_fwd(j, CC_BE);		/* nr <= k */
	if (write) {
		emit_mem(j, 0, 0x80, 7, REG_CTX, rg + RG_WRITABLE);
		b1(j, 0);
		fails[(*nf)++] = emit_jcc8_fwd(j, CC_E);
	}
	emit_mem(j, F_W, 0x8d, REG_AX, base, off);		/* lea r10 */
	emit_mem(j, F_W, 0x2b, REG_AX, REG_CTX, rg + RG_START);
	emit_alu_imm(j, true, 0, REG_AX, size);			/* add */
	fails[(*nf)++] = emit_jcc8_fwd(j, CC_B);		/* jc */
	emit_mem(j, F_W, 0x3b, REG_AX, REG_CTX, rg + RG_LEN);
	return emit_jcc8_fwd(j, CC_BE);
}

/*
 * ABPF_AUX_MEMCHK: [base + off, + size) inside the stack or a region;
 * atomics must also be naturally aligned (as in the interpreter).  The
 * stack and first-region tests are inline, in the order j->hint[]
 * guesses (jit_prescan(): is the base register derived from r10 here?),
 * and for bases derived from main's r1 (a packet program's context is
 * region 1) region 1 before them; only the order depends on the guess,
 * never the outcome.
 */
static void emit_memchk(struct jit *j, u8 base, s16 off, u32 size, bool write,
			bool aligned)
{
	u32 p_mis = 0, p_ok, ins[3], fails[6], n_in = 0, nf = 0, k;
	bool stack = j->stack >= size;
	bool stack_first = stack && (j->hint[j->cur] & HINT_STACK_FIRST);

	if (aligned) {
		emit_mem(j, F_W, 0x8d, REG_AUX, base, off);	/* lea r11 */
		emit_rm(j, F_B8, 0xf6, 0, REG_AUX, 0);		/* test r11b */
		b1(j, size - 1);
		p_mis = emit_jcc8_fwd(j, CC_NE);
	}
	if (stack_first)
		ins[n_in++] = emit_stack_test(j, base, off, size);
	if (j->hint[j->cur] & HINT_CTX) {
		ins[n_in++] = emit_region_test(j, 1, base, off, size, write,
					       fails, &nf);
		for (k = 0; k < nf; k++)
			patch8(j, fails[k]);
		nf = 0;
	}
	ins[n_in++] = emit_region_test(j, 0, base, off, size, write, fails,
				       &nf);
	for (k = 0; k < nf; k++)
		patch8(j, fails[k]);
	if (stack && !stack_first)
		ins[n_in++] = emit_stack_test(j, base, off, size);
	/* the out-of-line region loop: r11 = address (only computed here) */
	if (!aligned)
		emit_mem(j, F_W, 0x8d, REG_AUX, base, off);
	emit_mov_imm32(j, REG_AX, j->cur << 12 | (write ? 0x100 : 0) | size,
		       false);
	b1(j, 0xe8);
	b4(j, j->lbl[L_MEMCHK] - (pos(j) + 4));
	if (aligned) {
		p_ok = emit_jmp8_fwd(j);
		patch8(j, p_mis);
		emit_abort_site(j, j->cur, -ERANGE);
		patch8(j, p_ok);
	}
	for (k = 0; k < n_in; k++)
		patch8(j, ins[k]);
}

/* After a helper that may stop the program (rc->stop or rc->error). */
static void emit_stop_check(struct jit *j)
{
	u32 p_stop, p_ok;

	emit_mem(j, 0, 0x80, 7, REG_CTX, RC_STOP);		/* cmp byte */
	b1(j, 0);
	p_stop = emit_jcc8_fwd(j, CC_NE);
	emit_mem(j, 0, 0x83, 7, REG_CTX, RC_ERROR);		/* cmp dword */
	b1(j, 0);
	p_ok = emit_jcc8_fwd(j, CC_E);
	patch8(j, p_stop);
	emit_mov_imm32(j, REG_AX, j->cur, false);
	emit_jmp(j, j->lbl[L_STOP]);
	patch8(j, p_ok);
}

/* ---- prologue, epilogues, stubs ---- */

static const u8 callee_saved[] = { RBP, RBX, R12, R13, R14, R15 };
static const u8 sub_saved[] = { RBX, R13, R14, R15, RBP };

static void emit_main_pops(struct jit *j)
{
	u32 k;

	for (k = j->nsaved; k-- > 0;)
		emit_pop(j, j->saved[k]);
}

/* rc->stack_lo = rc->stack_hi = 0, through scratch register r */
static void emit_clear_rc_stack(struct jit *j, u8 r)
{
	emit_rm(j, 0, 0x31, r, r, 0);
	emit_mem(j, F_W, 0x89, r, REG_CTX, RC_STACK_LO);
	emit_mem(j, F_W, 0x89, r, REG_CTX, RC_STACK_HI);
}

/*
 * What the prologue sets up to its tail entry: the registers pushed (the
 * order follows from the set), the budget register and endbr64 there;
 * never 0.
 */
static u32 frame_key(const struct jit *j)
{
	u32 k, key = 1u << 31 | (u32)j->budget_reg << 16;

	for (k = 0; k < j->nsaved; k++)
		key |= 1u << j->saved[k];
	if (j->host->flags & ABPF_JIT_IBT)
		key |= 1u << 30;
	return key;
}

static void emit_main_unwind(struct jit *j)
{
	emit_main_pops(j);
	emit_ret(j);
}

/*
 * r3-r5 are zeroed after the tail entry when a helper may see them, or
 * when rep stosq (rdi, rcx) clears the stack there.
 */
static bool zero_late(const struct jit *j, u32 k)
{
	return k <= 5 &&
	       (j->calls || ((j->used & (1u << k)) &&
			     (j->prog->flags & ABPF_PROG_ZERO_STACK) &&
			     j->stack > 128));
}

/* Does main's entry zero BPF register k (3-9) before the tail entry? */
static bool zero_before_tail(const struct jit *j, u32 k)
{
	return (j->used & (1u << k)) && !zero_late(j, k) &&
	       !(j->entry_dead & (1u << k));
}

static void emit_prologue(struct jit *j)
{
	struct abpf_prog *prog = j->prog;
	u32 k;

	if (j->host->flags & ABPF_JIT_IBT)
		b4(j, 0xfa1e0ff3);				/* endbr64 */
	for (k = 0; k < j->nsaved; k++)
		emit_push(j, j->saved[k]);
	emit_mem(j, F_W, 0x8d, REG_CTX, RDI, RC_BIAS);		/* lea r12 */
	if (j->budget_reg)
		emit_mem(j, F_W, 0x8b, j->budget_reg, REG_CTX, RC_BUDGET);
	emit_mov_reg(j, true, RBP, RSP);
	emit_rm(j, 0, 0x31, RAX, RAX, 0);			/* r0 = 0 */
	if (RC_ERROR_PC - RC_ERROR == 4) {
		emit_mem(j, F_W, 0x89, RAX, REG_CTX, RC_ERROR);	/* both */
	} else {
		emit_mem(j, 0, 0x89, RAX, REG_CTX, RC_ERROR);
		emit_mem(j, 0, 0x89, RAX, REG_CTX, RC_ERROR_PC);
	}
	emit_mem(j, F_B8, 0x88, RAX, REG_CTX, RC_STOP);
	/*
	 * r3-r9 start at 0, as in the interpreter: those the program names
	 * (here), and r3-r5 also when a helper may see them as arguments
	 * (after the tail entry: bpf_trace_printk() prints r3-r5 whatever
	 * the checker knows of them); not those the program's first
	 * instructions write before anything reads them (entry_dead).
	 */
	for (k = 3; k <= 9; k++)
		if (zero_before_tail(j, k))
			emit_rm(j, 0, 0x31, j->map[k], j->map[k], 0);
	/*
	 * A tail call from a program with our frame (frame_key()) lands
	 * here: its registers are pushed, r12, rbp and the budget register
	 * set, rsp anywhere below rbp.  It skips what a running program
	 * already has: rc->error, error_pc and stop are 0 (or it would
	 * have ended), and r0 and r3-r9 hold values the checker lets no
	 * one read (r6-r9 and r0 are never a helper's argument; r3-r5 are
	 * cleared below when helpers are called: zero_late()).  Without a
	 * frame the main entry has rsp == rbp already: the tail entry is
	 * then out of line (emit_stubs(): mov rsp, rbp; jmp here), so
	 * direct runs do not pay for it.
	 */
	j->tail_resume = pos(j);
	if (j->frame) {
		j->tail_entry = pos(j);
		if (j->host->flags & ABPF_JIT_IBT)
			b4(j, 0xfa1e0ff3);			/* endbr64 */
		emit_mem(j, F_W, 0x8d, RSP, RBP, -(s32)j->frame); /* lea rsp */
	}
	if (j->rc_stack) {
		emit_mem(j, F_W, 0x89, RBP, REG_CTX, RC_STACK_HI);
		if (j->stack) {
			emit_mem(j, F_W, 0x8d, REG_AUX, RBP, -(s32)j->stack);
			emit_mem(j, F_W, 0x89, REG_AUX, REG_CTX, RC_STACK_LO);
		} else {
			emit_mem(j, F_W, 0x89, RBP, REG_CTX, RC_STACK_LO);
		}
	}
	if ((prog->flags & ABPF_PROG_ZERO_STACK) && j->stack) {
		emit_rm(j, 0, 0x31, RAX, RAX, 0);
		if (j->stack <= 128) {
			for (k = 8; k <= j->stack; k += 8)
				emit_mem(j, F_W, 0x89, RAX, RBP, -(s32)k);
		} else {
			emit_mem(j, F_W, 0x8d, RDI, RBP, -(s32)j->stack);
			emit_mov_imm32(j, RCX, j->stack / 8, false);
			b1(j, 0xf3);				/* rep stosq */
			b1(j, 0x48);
			b1(j, 0xab);
		}
	}
	/*
	 * r1, r2 from rc: those the program names, all with helper calls,
	 * unless the program writes them before anything reads them.
	 */
	for (k = 1; k <= 2; k++)
		if (((j->used & (1u << k)) || j->calls) &&
		    !(j->entry_dead & (1u << k)))
			emit_mem(j, F_W, 0x8b, j->map[k], REG_CTX,
				 k == 1 ? RC_R1 : RC_R2);
	for (k = 3; k <= 5; k++)
		if (zero_late(j, k) && !(j->entry_dead & (1u << k)))
			emit_rm(j, 0, 0x31, j->map[k], j->map[k], 0);
}

/*
 * bpf_tail_call set rc->tail_prog (and stopped the program): unless we run
 * under abpf_tail_call_dispatch() already, unwind this frame and jump to
 * it with rc, so it returns straight to our caller.
 */
static void emit_tail_dispatch(struct jit *j)
{
	const void *fn = (const void *)abpf_tail_call_dispatch;
	u32 p_none, p_loop;

	emit_mem(j, F_W, 0x83, 7, REG_CTX, RC_TAIL_PROG);	/* cmp qword */
	b1(j, 0);
	p_none = emit_jcc8_fwd(j, CC_E);
	emit_mem(j, 0, 0x80, 7, REG_CTX, RC_TAIL_LOOP);		/* cmp byte */
	b1(j, 0);
	p_loop = emit_jcc8_fwd(j, CC_NE);
	emit_mem(j, F_W, 0x8d, RDI, REG_CTX, -RC_BIAS);		/* rdi = rc */
	emit_main_pops(j);
	if (!j->abs_calls) {
		emit_rel32_abs(j, 0xe9, fn);			/* jmp */
	} else if (j->host->flags & ABPF_JIT_RETPOLINE) {
		emit_movabs(j, RAX, (u64)(unsigned long)fn);
		emit_rel32_abs(j, 0xe9, j->host->indirect_thunk_rax);
	} else {
		emit_movabs(j, REG_AUX, (u64)(unsigned long)fn);
		emit_rm(j, 0, 0xff, 4, REG_AUX, 0);		/* jmp r11 */
	}
	if (j->host->flags & ABPF_JIT_SLS)
		b1(j, 0xcc);
	patch8(j, p_none);
	patch8(j, p_loop);
}

static void emit_stubs(struct jit *j)
{
	u32 p_fail, p_next, p_next2, p_next3, p_clamp, p_chk, loop;

	/* no frame: the tail entry (emit_prologue()) */
	if (!j->frame) {
		j->tail_entry = pos(j);
		if (j->host->flags & ABPF_JIT_IBT)
			b4(j, 0xfa1e0ff3);			/* endbr64 */
		emit_mov_reg(j, true, RSP, RBP);
		emit_jmp(j, j->tail_resume);
	}
	/* L_ABORT: rc->error_pc = r10d, rc->error = r9d; fall into L_EXIT0 */
	j->lbl[L_ABORT] = pos(j);
	emit_mem(j, 0, 0x89, REG_AX, REG_CTX, RC_ERROR_PC);
	emit_mem(j, 0, 0x89, R9, REG_CTX, RC_ERROR);
	if (j->budget_reg == R9)	/* only -ELOOP: the budget is spent */
		emit_rm(j, 0, 0x31, R9, R9, 0);
	/* L_EXIT0: r0 = 0; rsp = main r10 (== rc->stack_hi); unwind */
	j->lbl[L_EXIT0] = pos(j);
	emit_rm(j, 0, 0x31, RAX, RAX, 0);
	if (j->prog->flags & ABPF_PROG_HAS_CALLS)
		emit_mem(j, F_W, 0x8b, RSP, REG_CTX, RC_STACK_HI);
	else
		emit_mov_reg(j, true, RSP, RBP);	/* rbp: main's r10 */
	/* L_EPILOGUE: the stack dies with the run: no helper may use it */
	j->lbl[L_EPILOGUE] = pos(j);
	if (j->budget_reg)
		emit_mem(j, F_W, 0x89, j->budget_reg, REG_CTX, RC_BUDGET);
	if (j->rc_stack)
		emit_clear_rc_stack(j, REG_AUX);
	if (j->prog->flags & ABPF_PROG_HAS_TAIL_CALL)
		emit_tail_dispatch(j);
	emit_main_unwind(j);
	/* L_STOP: r10d = pc of the helper call */
	j->lbl[L_STOP] = pos(j);
	emit_mem(j, 0, 0x83, 7, REG_CTX, RC_ERROR);		/* cmp dword */
	b1(j, 0);
	emit_jcc(j, CC_E, j->lbl[L_EXIT0]);
	emit_mem(j, 0, 0x89, REG_AX, REG_CTX, RC_ERROR_PC);
	emit_jmp(j, j->lbl[L_EXIT0]);

	/*
	 * L_MEMCHK: called with r11 = address, r10d = pc << 12 | write << 8 |
	 * size; returns if the access is inside one of rc->regions (the stack
	 * was checked inline), else aborts with -ERANGE.  Same test as
	 * abpf_mem_ok(): off = addr - start; off < len && len - off >= size.
	 */
	j->lbl[L_MEMCHK] = pos(j);
	if (!j->memchk)
		return;		/* no checked access calls it */
	emit_push(j, RAX);
	emit_push(j, RCX);
	emit_push(j, RDX);
	emit_mem(j, 0, 0x8b, RCX, REG_CTX, RC_NR_REGIONS);
	emit_alu_imm(j, false, 7, RCX, ABPF_MAX_REGIONS);
	p_clamp = emit_jcc8_fwd(j, CC_BE);
	emit_mov_imm32(j, RCX, ABPF_MAX_REGIONS, false);
	patch8(j, p_clamp);
	emit_mem(j, F_W, 0x8d, R9, REG_CTX, RC_REGIONS);
	emit_rm(j, F_B8, 0x0fb6, RDX, REG_AX, 0);		/* movzx edx, r10b */
	loop = pos(j);
	emit_alu_reg(j, false, 0x85, RCX, RCX);			/* test ecx */
	p_fail = emit_jcc8_fwd(j, CC_E);
	emit_test_imm(j, false, REG_AX, 0x100);
	p_chk = emit_jcc8_fwd(j, CC_E);
	emit_mem(j, 0, 0x80, 7, R9, RG_WRITABLE);		/* cmp byte */
	b1(j, 0);
	p_next = emit_jcc8_fwd(j, CC_E);
	patch8(j, p_chk);
	emit_mov_reg(j, true, RAX, REG_AUX);
	emit_mem(j, F_W, 0x2b, RAX, R9, RG_START);		/* off */
	emit_mem(j, F_W, 0x3b, RAX, R9, RG_LEN);		/* cmp off, len */
	p_next2 = emit_jcc8_fwd(j, CC_AE);
	emit_rm(j, F_W, 0xf7, 3, RAX, 0);			/* neg */
	emit_mem(j, F_W, 0x03, RAX, R9, RG_LEN);		/* len - off */
	emit_alu_reg(j, true, 0x39, RAX, RDX);			/* cmp size */
	p_next3 = emit_jcc8_fwd(j, CC_B);
	emit_pop(j, RDX);
	emit_pop(j, RCX);
	emit_pop(j, RAX);
	emit_ret(j);
	patch8(j, p_next);
	patch8(j, p_next2);
	patch8(j, p_next3);
	emit_alu_imm(j, true, 0, R9, RG_SIZE);
	emit_rm(j, 0, 0xff, 1, RCX, 0);				/* dec ecx */
	emit_jmp(j, loop);
	patch8(j, p_fail);
	emit_shift_imm(j, false, 5, REG_AX, 12);		/* pc */
	emit_mov_imm32(j, R9, (u32)-ERANGE, false);
	emit_jmp(j, j->lbl[L_ABORT]);
}

/* ---- instructions ---- */

static u8 jcc_of(u8 op)
{
	switch (op) {
	case BPF_JEQ:	return CC_E;
	case BPF_JNE:	return CC_NE;
	case BPF_JSET:	return CC_NE;
	case BPF_JGT:	return CC_A;
	case BPF_JGE:	return CC_AE;
	case BPF_JLT:	return CC_B;
	case BPF_JLE:	return CC_BE;
	case BPF_JSGT:	return CC_G;
	case BPF_JSGE:	return CC_GE;
	case BPF_JSLT:	return CC_L;
	default:	return CC_LE;	/* BPF_JSLE */
	}
}

/* image offset a jump to insn t lands on (after a subprogram prologue) */
static u32 jump_dest(struct jit *j, u32 t)
{
	u32 d = j->off[t];

	if (t && (j->prog->aux[t].flags & ABPF_AUX_SUBPROG_START))
		d += j->sub_prologue;
	return d;
}

/* Jump to insn t, paying budget first for a back-edge. */
static void emit_goto(struct jit *j, u32 i, u32 t, int cc)
{
	bool back = j->prog->aux[i].flags & ABPF_AUX_BACKEDGE;
	u32 p;

	if (!back) {
		if (t == i + 1)
			return;		/* falls through either way */
		if (cc < 0)
			emit_jmp(j, jump_dest(j, t));
		else
			emit_jcc(j, cc, jump_dest(j, t));
		return;
	}
	p = 0;
	if (cc >= 0)
		p = emit_jcc8_fwd(j, cc ^ 1);	/* not taken: skip it all */
	emit_budget(j, i, jump_dest(j, t));
	if (cc >= 0)
		patch8(j, p);
}

/* dst op= src for the two-operand ALU ops; src an x86 register */
static void emit_alu_x(struct jit *j, bool w, u8 op, u8 dst, u8 src)
{
	switch (op) {
	case BPF_ADD:
		emit_alu_reg(j, w, 0x01, dst, src);
		break;
	case BPF_SUB:
		emit_alu_reg(j, w, 0x29, dst, src);
		break;
	case BPF_AND:
		emit_alu_reg(j, w, 0x21, dst, src);
		break;
	case BPF_OR:
		emit_alu_reg(j, w, 0x09, dst, src);
		break;
	case BPF_XOR:
		emit_alu_reg(j, w, 0x31, dst, src);
		break;
	case BPF_MUL:
		emit_rm(j, w ? F_W : 0, 0x0faf, dst, src, 0);	/* imul */
		break;
	case BPF_MOV:
		emit_mov_reg(j, w, dst, src);
		break;
	}
}

/* shifts by a register: the count must be in cl; rcx holds a BPF reg */
static void emit_shift_x(struct jit *j, bool w, u8 digit, u8 dst, u8 src)
{
	u32 f = w ? F_W : 0;

	if (src == RCX) {
		emit_rm(j, f, 0xd3, digit, dst, 0);
		return;
	}
	emit_mov_reg(j, true, REG_AUX, RCX);
	emit_mov_reg(j, true, RCX, src);
	if (dst == RCX) {
		emit_rm(j, f, 0xd3, digit, REG_AUX, 0);
		emit_mov_reg(j, true, RCX, REG_AUX);
	} else {
		emit_rm(j, f, 0xd3, digit, dst, 0);
		emit_mov_reg(j, true, RCX, REG_AUX);
	}
}

/*
 * div/mod/sdiv/smod.  The divisor goes to r11 first (it may be rax or rdx,
 * or the blinding register r10); rax/rdx are parked in r10/r9.
 * RFC 9669: x / 0 = 0, x % 0 = x; INT_MIN / -1 = INT_MIN and
 * INT_MIN % -1 = 0 must not reach idiv (it raises #DE).
 */
static void emit_divmod(struct jit *j, bool w, bool mod, bool sgn, u8 dst,
			u8 src, bool is_k, s32 imm)
{
	u32 f = w ? F_W : 0;
	u32 p_zero = 0, p_m1 = 0, p_done = 0, p_done2 = 0;
	bool known = is_k && !j->blind;

	if (known && imm == 0) {
		if (!mod)
			emit_rm(j, 0, 0x31, dst, dst, 0);	/* dst = 0 */
		else if (!w)
			emit_mov_reg(j, false, dst, dst);	/* zext */
		return;
	}
	if (known && sgn && imm == -1) {
		if (!mod)
			emit_rm(j, f, 0xf7, 3, dst, 0);		/* neg */
		else
			emit_rm(j, 0, 0x31, dst, dst, 0);
		return;
	}
	if (known) {
		if (w)
			emit_mov_simm64(j, REG_AUX, imm);
		else
			emit_mov_imm32(j, REG_AUX, imm, false);
	} else {
		emit_mov_reg(j, w, REG_AUX, src);
		emit_alu_reg(j, w, 0x85, REG_AUX, REG_AUX);	/* test */
		p_zero = emit_jcc8_fwd(j, CC_E);
		if (sgn) {
			emit_alu_imm(j, w, 7, REG_AUX, -1);	/* cmp -1 */
			p_m1 = emit_jcc8_fwd(j, CC_E);
		}
	}
	emit_mov_reg(j, true, REG_AX, RAX);
	emit_mov_reg(j, true, R9, RDX);
	emit_mov_reg(j, w, RAX, dst);
	if (sgn) {
		if (w)
			b2(j, 0x9948);				/* cqo */
		else
			b1(j, 0x99);				/* cdq */
		emit_rm(j, f, 0xf7, 7, REG_AUX, 0);		/* idiv r11 */
	} else {
		emit_rm(j, 0, 0x31, RDX, RDX, 0);
		emit_rm(j, f, 0xf7, 6, REG_AUX, 0);		/* div r11 */
	}
	emit_mov_reg(j, true, REG_AUX, mod ? RDX : RAX);
	emit_mov_reg(j, true, RAX, REG_AX);
	emit_mov_reg(j, true, RDX, R9);
	emit_mov_reg(j, w, dst, REG_AUX);
	if (known)
		return;
	p_done = emit_jmp8_fwd(j);
	patch8(j, p_zero);
	if (!mod)
		emit_rm(j, 0, 0x31, dst, dst, 0);
	else if (!w)
		emit_mov_reg(j, false, dst, dst);
	if (sgn) {
		p_done2 = emit_jmp8_fwd(j);
		patch8(j, p_m1);
		if (!mod)
			emit_rm(j, f, 0xf7, 3, dst, 0);
		else
			emit_rm(j, 0, 0x31, dst, dst, 0);
		patch8(j, p_done2);
	}
	patch8(j, p_done);
}

static void emit_alu(struct jit *j, const struct bpf_insn *insn)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	u8 op = BPF_OP(insn->code);
	u8 dst = j->map[insn->dst_reg];
	u8 src = j->map[insn->src_reg];
	bool k = BPF_SRC(insn->code) == BPF_K;
	s32 imm = insn->imm;
	u8 digit;

	switch (op) {
	case BPF_NEG:
		emit_rm(j, w ? F_W : 0, 0xf7, 3, dst, 0);
		return;
	case BPF_END:
		if (BPF_SRC(insn->code) == BPF_TO_LE && !w) {
			if (imm == 16)
				emit_rm(j, 0, 0x0fb7, dst, dst, 0);
			else if (imm == 32)
				emit_mov_reg(j, false, dst, dst);
			return;
		}
		if (imm == 16) {
			/* rol r16, 8; movzx r32, r16 */
			emit_rm(j, F_66, 0xc1, 0, dst, 0);
			b1(j, 8);
			emit_rm(j, 0, 0x0fb7, dst, dst, 0);
		} else {
			if (imm == 64)
				b1(j, 0x48 | (dst & 8 ? 1 : 0));
			else if (dst & 8)
				b1(j, 0x41);
			b1(j, 0x0f);
			b1(j, 0xc8 | (dst & 7));
		}
		return;
	case BPF_DIV:
	case BPF_MOD:
		if (k && j->blind) {
			emit_blind_imm(j, imm);
			src = REG_AX;
			k = false;
		}
		emit_divmod(j, w, op == BPF_MOD, insn->off == 1, dst, src, k,
			    imm);
		return;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		digit = op == BPF_LSH ? 4 : op == BPF_RSH ? 5 : 7;
		if (k) {
			u8 cnt = imm & (w ? 63 : 31);

			if (cnt)
				emit_shift_imm(j, w, digit, dst, cnt);
			else if (!w)
				emit_mov_reg(j, false, dst, dst);
		} else {
			emit_shift_x(j, w, digit, dst, src);
		}
		return;
	case BPF_MOV:
		if (k) {
			if (j->blind) {
				emit_blind_imm(j, imm);
				emit_mov_reg(j, w, dst, REG_AX);
			} else if (w && imm < 0) {
				emit_mov_simm64(j, dst, imm);
			} else {
				emit_mov_imm32(j, dst, imm, true);
			}
			return;
		}
		switch (insn->off) {
		case 8:		/* movsx r, r8 */
			emit_rm(j, (w ? F_W : 0) | F_B8, 0x0fbe, dst, src, 0);
			return;
		case 16:
			emit_rm(j, w ? F_W : 0, 0x0fbf, dst, src, 0);
			return;
		case 32:	/* movsxd (alu64 only) */
			emit_rm(j, F_W, 0x63, dst, src, 0);
			return;
		}
		if (!w)
			emit_rm(j, 0, 0x89, src, dst, 0);	/* always zext */
		else
			emit_mov_reg(j, true, dst, src);
		return;
	}

	/* add sub mul and or xor */
	if (!k) {
		emit_alu_x(j, w, op, dst, src);
		return;
	}
	if (j->blind) {
		emit_blind_imm(j, imm);
		emit_alu_x(j, w, op, dst, REG_AX);
		return;
	}
	switch (op) {
	case BPF_MUL:
		if (is_s8(imm)) {
			emit_rm(j, w ? F_W : 0, 0x6b, dst, dst, 0);
			b1(j, imm);
		} else {
			emit_rm(j, w ? F_W : 0, 0x69, dst, dst, 0);
			b4(j, imm);
		}
		return;
	case BPF_ADD:
		digit = 0;
		break;
	case BPF_OR:
		digit = 1;
		break;
	case BPF_AND:
		digit = 4;
		break;
	case BPF_SUB:
		digit = 5;
		break;
	default:
		digit = 6;	/* BPF_XOR */
		break;
	}
	emit_alu_imm(j, w, digit, dst, imm);
}

static void emit_jmp_insn(struct jit *j, u32 i, const struct bpf_insn *insn)
{
	bool w = BPF_CLASS(insn->code) == BPF_JMP;
	u8 op = BPF_OP(insn->code);
	u8 dst = j->map[insn->dst_reg];
	u8 src = j->map[insn->src_reg];
	u32 t;

	if (op == BPF_JA) {
		t = i + 1 + (w ? insn->off : insn->imm);
		emit_goto(j, i, t, -1);
		return;
	}
	t = i + 1 + insn->off;
	if (BPF_SRC(insn->code) == BPF_X) {
		emit_alu_reg(j, w, op == BPF_JSET ? 0x85 : 0x39, dst, src);
	} else if (j->blind) {
		emit_blind_imm(j, insn->imm);
		emit_alu_reg(j, w, op == BPF_JSET ? 0x85 : 0x39, dst, REG_AX);
	} else if (op == BPF_JSET) {
		if (insn->imm >= 0 && insn->imm <= 0xff) {
			emit_rm(j, F_B8, 0xf6, 0, dst, 0);	/* test r8 */
			b1(j, insn->imm);
		} else {
			emit_test_imm(j, w, dst, insn->imm);
		}
	} else if (insn->imm == 0 && (op == BPF_JEQ || op == BPF_JNE)) {
		if (!(j->hint[i] & HINT_ZF))
			emit_alu_reg(j, w, 0x85, dst, dst);
	} else {
		emit_alu_imm(j, w, 7, dst, insn->imm);
	}
	if (t == i + 1) {
		/* no effect either way */
		if (!(j->prog->aux[i].flags & ABPF_AUX_BACKEDGE))
			return;
	}
	emit_goto(j, i, t, jcc_of(op));
}

static const struct abpf_helper *helper_of(struct jit *j, u64 id)
{
	const struct abpf_helper_table *ht = j->prog->helpers;

	if (!ht || id >= ht->count || !ht->helpers[id].fn)
		return NULL;
	return &ht->helpers[id];
}

/* The map the checker proved a helper call's map argument is, or NULL. */
static struct abpf_map *call_map(struct jit *j, u32 i)
{
	u8 m = j->prog->aux[i].map;

	if (!m || m == ABPF_AUX_MAP_MANY || m > j->prog->nr_maps)
		return NULL;
	return j->prog->maps[m - 1];
}

/*
 * bpf_map_lookup_elem on a plain array the checker proved r1 to be
 * (like the kernel's array_map_gen_lookup), branch-free:
 *	mov eax, [r2]		the u32 key (the checker proved 4 bytes)
 *	cmp eax, max_entries	CF = in range
 *	sbb r10, r10		-1 in range, else 0
 *	and eax, r10d		index 0 when out of range, even speculatively
 *	r0 = base + index * stride
 *	and rax, r10		NULL when out of range
 * Not under blinding (base and max_entries would be plain immediates).
 */
static bool lookup_inlinable(struct jit *j, u32 i, u64 *base, u32 *stride)
{
	struct abpf_map *m = call_map(j, i);

	return !j->blind && m && m->type == ABPF_MAP_ARRAY &&
	       m->ops->array_layout && !m->ops->array_layout(m, base, stride) &&
	       *stride && *stride <= (1u << 30) && m->max_entries <= 0x7fffffff;
}

/*
 * max_entries a power of two (n): the kernel's form (array_map_gen_lookup
 * with its index_mask), a predicted branch instead of the sbb chain, so
 * the pointer depends on the key load through two instructions, not five:
 *	movabs r11, base
 *	mov r10d, [r2]; xor eax, eax	r0 = NULL
 *	cmp r10d, n; jae done		u32 key out of range
 *	and r10d, n - 1			in range even on a mispredicted jae
 *	lea rax, [r11 + r10 * stride]	(or shl/imul r10 first)
 * done:
 */
static void emit_array_lookup_pow2(struct jit *j, u32 n, u64 base,
				   u32 stride)
{
	u32 p, sh = 0;

	emit_movabs(j, REG_AUX, base);
	emit_mem(j, 0, 0x8b, REG_AX, j->map[2], 0);
	emit_rm(j, 0, 0x31, RAX, RAX, 0);			/* xor eax */
	emit_alu_imm(j, false, 7, REG_AX, (s32)n);
	p = emit_jcc8_fwd(j, CC_AE);
	emit_alu_imm(j, false, 4, REG_AX, (s32)(n - 1));
	if (stride == 1 || stride == 2 || stride == 4 || stride == 8) {
		sh = stride == 1 ? 0 : stride == 2 ? 1 : stride == 4 ? 2 : 3;
	} else if (!(stride & (stride - 1))) {
		for (sh = 0; (1u << sh) != stride; sh++)
			;
		emit_shift_imm(j, true, 4, REG_AX, sh);
		sh = 0;
	} else {
		emit_rm(j, F_W, 0x69, REG_AX, REG_AX, 0);	/* imul */
		b4(j, stride);
	}
	/* lea rax, [r11 + r10 * (1 << sh)] */
	b1(j, 0x4b);
	b1(j, 0x8d);
	b1(j, 0x04);
	b1(j, sh << 6 | (REG_AX & 7) << 3 | (REG_AUX & 7));
	patch8(j, p);
}

static void emit_array_lookup(struct jit *j, u32 i)
{
	struct abpf_map *m = call_map(j, i);
	u64 base = 0;
	u32 stride = 0, sh;

	if (!lookup_inlinable(j, i, &base, &stride))
		return;		/* inline_kind() said it is */
	if (!(m->max_entries & (m->max_entries - 1))) {
		emit_array_lookup_pow2(j, m->max_entries, base, stride);
		return;
	}
	emit_mem(j, 0, 0x8b, RAX, j->map[2], 0);
	emit_alu_imm(j, false, 7, RAX, (s32)m->max_entries);
	emit_rm(j, F_W, 0x1b, REG_AX, REG_AX, 0);		/* sbb r10, r10 */
	emit_alu_reg(j, false, 0x21, RAX, REG_AX);		/* and eax, r10d */
	emit_movabs(j, REG_AUX, base);
	if (stride == 1 || stride == 2 || stride == 4 || stride == 8) {
		/* lea rax, [r11 + rax * stride] */
		sh = stride == 1 ? 0 : stride == 2 ? 1 : stride == 4 ? 2 : 3;
		b1(j, 0x49);
		b1(j, 0x8d);
		b1(j, 0x04);
		b1(j, sh << 6 | (RAX & 7) << 3 | (REG_AUX & 7));
	} else {
		if (!(stride & (stride - 1))) {
			for (sh = 0; (1u << sh) != stride; sh++)
				;
			emit_shift_imm(j, true, 4, RAX, sh);
		} else {
			emit_rm(j, F_W, 0x69, RAX, RAX, 0);	/* imul */
			b4(j, stride);
		}
		emit_alu_reg(j, true, 0x01, RAX, REG_AUX);
	}
	emit_alu_reg(j, true, 0x21, RAX, REG_AX);		/* and rax, r10 */
}

/*
 * bpf_tail_call(ctx, r2 = prog array, r3 = index) inline, in the order of
 * the helper (helper_protos.c): index in range, count below the limit,
 * count++, slot; a miss falls through.  A JIT-compiled target is entered
 * by a jump, with this frame unwound (budget stored back, rsp reset,
 * registers popped), so it returns straight to our caller; a target
 * without an image goes through rc->tail_prog and the epilogue's
 * dispatch as before.  Main program only (the checker says so).
 */
static bool tail_inlinable(struct jit *j, u32 i)
{
	struct abpf_map *m = call_map(j, i);

	return m && m->type == ABPF_MAP_PROG_ARRAY && m->ops->prog_at &&
	       !j->prog->aux[i].subprog;
}

/*
 * The slot array when the map offers one (maps.h prog_slots), like the
 * kernel's emit_bpf_tail_call_indirect reading array->ptrs[]; not under
 * blinding (its address and max_entries would be plain immediates).
 */
static const struct abpf_prog *const *tail_slots(struct jit *j, u32 i)
{
	struct abpf_map *m = call_map(j, i);

	if (j->blind || !m->ops->prog_slots || m->max_entries > 0x7fffffff)
		return NULL;
	return m->ops->prog_slots(m);
}

/*
 * rax = slots[r3] or NULL, for an index below max_entries (else jump to
 * *p_idx); the index is masked to 0 when out of range, even
 * speculatively (the helper's array_index_nospec):
 *	mov eax, r3d; cmp eax, max_entries; sbb r10, r10 (CF kept)
 *	jae miss; (count checks); and eax, r10d; mov rax, [slots + rax * 8]
 */
static void emit_tail_index(struct jit *j, u32 i, u32 *p_idx)
{
	struct abpf_map *m = call_map(j, i);

	emit_mov_reg(j, false, RAX, j->map[3]);
	emit_alu_imm(j, false, 7, RAX, (s32)m->max_entries);
	emit_rm(j, F_W, 0x1b, REG_AX, REG_AX, 0);		/* sbb r10, r10 */
	*p_idx = emit_jcc32_fwd(j, CC_AE);
}

static void emit_tail_slot(struct jit *j, const struct abpf_prog *const *s)
{
	emit_alu_reg(j, false, 0x21, RAX, REG_AX);		/* and eax, r10d */
	emit_movabs(j, REG_AUX, (u64)(unsigned long)s);
	b1(j, 0x49);				/* mov rax, [r11 + rax * 8] */
	b1(j, 0x8b);
	b1(j, 0x04);
	b1(j, 3 << 6 | (RAX & 7) << 3 | (REG_AUX & 7));
}

/* jmp r11 (the target) */
static void emit_tail_jmp(struct jit *j)
{
	if (j->host->flags & ABPF_JIT_RETPOLINE) {
		emit_mov_reg(j, true, RAX, REG_AUX);
		emit_rel32_abs(j, 0xe9, j->host->indirect_thunk_rax);
	} else {
		emit_rm(j, 0, 0xff, 4, REG_AUX, 0);		/* jmp r11 */
	}
	if (j->host->flags & ABPF_JIT_SLS)
		b1(j, 0xcc);
}

/* jmp [rax + off] (a code pointer in the target's struct abpf_prog) */
static void emit_tail_jmp_mem(struct jit *j, s32 off)
{
	if (j->host->flags & ABPF_JIT_RETPOLINE) {
		emit_mem(j, F_W, 0x8b, RAX, RAX, off);
		emit_rel32_abs(j, 0xe9, j->host->indirect_thunk_rax);
	} else {
		emit_mem(j, 0, 0xff, 4, RAX, off);		/* jmp [rax+off] */
	}
	if (j->host->flags & ABPF_JIT_SLS)
		b1(j, 0xcc);
}

static u16 insn_writes(const struct bpf_insn *insn);

/*
 * The index of a tail call whose r3 is a constant (HINT_TAIL_CONST): the
 * mov of an immediate jit_prescan() found in the call's block.
 */
static u32 tail_const_index(struct jit *j, u32 i)
{
	const struct bpf_insn *in = j->prog->insns;
	u32 k = i;

	while (k-- > 0)
		if (!(j->prog->aux[k].flags & ABPF_AUX_LDDW_HI) &&
		    (insn_writes(&in[k]) & (1u << BPF_REG_3)))
			break;
	return (u32)in[k].imm;
}

static void emit_tail_call(struct jit *j, u32 i)
{
	struct abpf_map *m = call_map(j, i);
	const struct abpf_prog *const *slots = tail_slots(j, i);
	u8 r2 = j->map[2], r3 = j->map[3];
	u32 p_idx = 0, p_cnt, p_null, p_slow, p_other, idx = 0;
	bool konst = j->hint[i] & HINT_TAIL_CONST;

	if (konst) {
		/* slots[] has max_entries entries: no run-time index test */
		idx = tail_const_index(j, i);
		if (idx >= m->max_entries)
			return;				/* always a miss */
	} else if (slots) {
		emit_tail_index(j, i, &p_idx);
	} else {
		emit_mem(j, 0, 0x3b, r3, r2,
			 offsetof(struct abpf_map, max_entries));
		p_idx = emit_jcc32_fwd(j, CC_AE);
	}
	emit_mem(j, 0, 0x83, 7, REG_CTX, RC_TAIL_CNT);		/* cmp dword */
	b1(j, ABPF_MAX_TAIL_CALLS);
	p_cnt = emit_jcc32_fwd(j, CC_AE);
	emit_mem(j, 0, 0x83, 0, REG_CTX, RC_TAIL_CNT);		/* add dword */
	b1(j, 1);
	if (konst) {
		b1(j, 0x48);			/* mov rax, [moffs64] */
		b1(j, 0xa1);
		b8(j, (u64)(unsigned long)&slots[idx]);
	} else if (slots) {
		emit_tail_slot(j, slots);
	} else {
		/* prog_at(map, index): r1-r5 die at calls, any order works */
		emit_mov_reg(j, false, REG_AUX, r3);
		emit_mov_reg(j, true, RDI, r2);
		emit_mov_reg(j, false, RSI, REG_AUX);
		emit_call_abs(j, (const void *)m->ops->prog_at);
	}
	emit_alu_reg(j, true, 0x85, RAX, RAX);
	p_null = emit_jcc32_fwd(j, CC_E);
	/*
	 * Same frame as ours: keep it (registers, r12, rbp, budget
	 * register) and enter past the target's frame setup, like the
	 * kernel's X86_TAIL_CALL_OFFSET; the target sets rsp itself.
	 */
	emit_mem(j, 0, 0x81, 7, RAX, offsetof(struct abpf_prog, jit_tail_key));
	b4(j, frame_key(j));					/* cmp dword */
	p_other = emit_jcc8_fwd(j, CC_NE);
	if (j->rc_stack)	/* the target may not set them */
		emit_clear_rc_stack(j, REG_AX);
	emit_tail_jmp_mem(j, offsetof(struct abpf_prog, jit_tail));
	/* another frame: unwind ours and take the target's entry */
	patch8(j, p_other);
	emit_mem(j, F_W, 0x8b, REG_AUX, RAX,
		 offsetof(struct abpf_prog, jit_func));
	emit_alu_reg(j, true, 0x85, REG_AUX, REG_AUX);
	p_slow = emit_jcc8_fwd(j, CC_E);
	if (j->budget_reg)
		emit_mem(j, F_W, 0x89, j->budget_reg, REG_CTX, RC_BUDGET);
	if (j->rc_stack)
		emit_clear_rc_stack(j, REG_AX);
	emit_mem(j, F_W, 0x8d, RDI, REG_CTX, -RC_BIAS);		/* rdi = rc */
	emit_mov_reg(j, true, RSP, RBP);
	emit_main_pops(j);
	emit_tail_jmp(j);
	/* no image: rc->tail_prog, stop, and the epilogue's dispatch */
	patch8(j, p_slow);
	emit_mem(j, F_W, 0x89, RAX, REG_CTX, RC_TAIL_PROG);
	emit_mem(j, 0, 0xc6, 0, REG_CTX, RC_STOP);		/* mov byte */
	b1(j, 1);
	emit_jmp(j, j->lbl[L_EXIT0]);
	/* the misses: past everything, which outgrows rel8 when hardened */
	if (!konst)
		patch32(j, p_idx);
	patch32(j, p_cnt);
	patch32(j, p_null);
}

static void emit_helper(struct jit *j, const struct abpf_helper *h)
{
	emit_call_helper(j, (const void *)h->fn);
	if (h->flags & ABPF_HELPER_MAY_STOP)
		emit_stop_check(j);
}

enum { INL_NONE, INL_LOOKUP, INL_TAIL };

/* Is insn i a helper call the JIT inlines (checker facts, map type)? */
static u32 inline_kind(struct jit *j, u32 i)
{
	const struct bpf_insn *insn = &j->prog->insns[i];
	const struct abpf_helper *h;
	u64 base;
	u32 stride;

	if (insn->code != (BPF_JMP | BPF_CALL) || insn->src_reg)
		return INL_NONE;
	h = helper_of(j, (u32)insn->imm);
	if (!h || !h->proto)
		return INL_NONE;
	if (h->proto == &abpf_proto_map_lookup_elem &&
	    lookup_inlinable(j, i, &base, &stride))
		return INL_LOOKUP;
	if ((h->proto->flags & ABPF_PROTO_TAIL_CALL) && tail_inlinable(j, i))
		return INL_TAIL;
	return INL_NONE;
}

/* A helper call by id: inline when the checker's facts allow it. */
static void emit_helper_call(struct jit *j, u32 i, const struct abpf_helper *h)
{
	switch (inline_kind(j, i)) {
	case INL_LOOKUP:
		emit_array_lookup(j, i);
		return;
	case INL_TAIL:
		emit_tail_call(j, i);
		return;
	}
	emit_helper(j, h);
}

static void emit_callx(struct jit *j, u32 i, const struct bpf_insn *insn)
{
	const struct abpf_helper_table *ht = j->prog->helpers;
	u8 dst = j->map[insn->dst_reg];
	u32 id, p_next, nr_done = 0;
	u32 done[64];

	for (id = 0; ht && id < ht->count; id++) {
		if (!ht->helpers[id].fn)
			continue;
		if (nr_done == ARRAY_SIZE(done)) {
			jit_fail(j, -EOPNOTSUPP, "callx over more than %u helpers",
				 (u32)ARRAY_SIZE(done));
			return;
		}
		emit_alu_imm(j, true, 7, dst, id);
		p_next = emit_jcc8_fwd(j, CC_NE);
		emit_helper(j, &ht->helpers[id]);
		done[nr_done++] = emit_jmp32_fwd(j);
		patch8(j, p_next);
	}
	emit_abort_site(j, i, -EINVAL);
	while (nr_done)
		patch32(j, done[--nr_done]);
}

/*
 * LD_ABS / LD_IND: r0 = ntoh(*(size *)(rc->pkt + off)) with the u32
 * off = imm (+ (u32)src); a negative (s32)off or one past pkt_len - size
 * ends the program with r0 = 0 and no error, like the interpreter.
 */
static void emit_ld_pkt(struct jit *j, const struct bpf_insn *insn)
{
	u32 size = abpf_size_bytes(insn->code);

	if (BPF_MODE(insn->code) == BPF_IND) {
		emit_mov_reg(j, false, REG_AUX, j->map[insn->src_reg]);
		if (insn->imm)
			emit_alu_imm(j, false, 0, REG_AUX, insn->imm);
		else
			emit_alu_reg(j, false, 0x85, REG_AUX, REG_AUX);
	} else {
		emit_mov_imm32(j, REG_AUX, insn->imm, false);
		emit_alu_reg(j, false, 0x85, REG_AUX, REG_AUX);
	}
	emit_jcc(j, CC_S, j->lbl[L_EXIT0]);		/* (s32)off < 0 */
	emit_mem(j, 0, 0x8b, REG_AX, REG_CTX, RC_PKT_LEN);	/* zext */
	emit_alu_imm(j, true, 5, REG_AX, size);
	emit_alu_reg(j, true, 0x39, REG_AUX, REG_AX);
	emit_jcc(j, CC_G, j->lbl[L_EXIT0]);		/* off > len - size */
	emit_mem(j, F_W, 0x03, REG_AUX, REG_CTX, RC_PKT);
	switch (size) {
	case 1:
		emit_mem(j, 0, 0x0fb6, RAX, REG_AUX, 0);
		break;
	case 2:
		emit_mem(j, 0, 0x0fb7, RAX, REG_AUX, 0);
		emit_rm(j, F_66, 0xc1, 0, RAX, 0);		/* rol ax, 8 */
		b1(j, 8);
		emit_rm(j, 0, 0x0fb7, RAX, RAX, 0);
		break;
	default:
		emit_mem(j, 0, 0x8b, RAX, REG_AUX, 0);
		b2(j, 0xc80f);					/* bswap eax */
		break;
	}
}

static void emit_atomic(struct jit *j, const struct bpf_insn *insn)
{
	bool w = BPF_SIZE(insn->code) == BPF_DW;
	u32 f = w ? F_W : 0;
	u8 dst = j->map[insn->dst_reg];
	u8 src = j->map[insn->src_reg];
	s16 off = insn->off;
	u8 base, s, opc;
	u32 loop;

	switch (insn->imm) {
	case BPF_ADD:
		emit_mem(j, f | F_LOCK, 0x01, src, dst, off);
		return;
	case BPF_OR:
		emit_mem(j, f | F_LOCK, 0x09, src, dst, off);
		return;
	case BPF_AND:
		emit_mem(j, f | F_LOCK, 0x21, src, dst, off);
		return;
	case BPF_XOR:
		emit_mem(j, f | F_LOCK, 0x31, src, dst, off);
		return;
	case BPF_ADD | BPF_FETCH:
		emit_mem(j, f | F_LOCK, 0x0fc1, src, dst, off);	/* xadd */
		return;
	case BPF_XCHG:
		emit_mem(j, f, 0x87, src, dst, off);
		return;
	case BPF_CMPXCHG:
		emit_mem(j, f | F_LOCK, 0x0fb1, src, dst, off);
		if (!w)
			emit_mov_reg(j, false, RAX, RAX);	/* zext r0 */
		return;
	}
	/* fetch or/and/xor: a cmpxchg loop, r0 parked in r10 */
	opc = insn->imm == (BPF_OR | BPF_FETCH) ? 0x09 :
	      insn->imm == (BPF_AND | BPF_FETCH) ? 0x21 : 0x31;
	base = dst == RAX ? REG_AX : dst;
	s = src == RAX ? REG_AX : src;
	emit_mov_reg(j, true, REG_AX, RAX);
	emit_mem(j, f, 0x8b, RAX, base, off);
	loop = pos(j);
	emit_mov_reg(j, true, REG_AUX, RAX);
	emit_alu_reg(j, w, opc, REG_AUX, s);
	emit_mem(j, f | F_LOCK, 0x0fb1, REG_AUX, base, off);
	emit_jcc(j, CC_NE, loop);
	emit_mov_reg(j, w, s, RAX);
	emit_mov_reg(j, true, RAX, REG_AX);
	if (!w && s == REG_AX)
		emit_mov_reg(j, false, RAX, RAX);
}

/* lea dst, [base + index] */
static void emit_lea_bi(struct jit *j, bool is64, u8 dst, u8 base, u8 index)
{
	emit_rm_bi(j, is64 ? F_W : 0, 0x8d, dst, base, index, 0);
}

/*
 * Pairs of ALU64 instructions that clang emits all the time and x86 does
 * in one (jit_prescan() picks them; the second is never a jump target):
 */
enum {
	FUSE_NONE,
	FUSE_LEA_IMM,	/* mov a, b; add a, imm	-> lea a, [b + imm] */
	FUSE_LEA_REG,	/* mov a, b; add a, c	-> lea a, [b + c] */
	/* the same in 32 bits: lea a32, [b + imm] (the upper half zeroed) */
	FUSE_LEA32_IMM,	/* w_a = w_b; w_a += imm */
	FUSE_LEA32_REG,	/* w_a = w_b; w_a += w_c */
	FUSE_SEXT32,	/* lsh a, 32; arsh a, 32 -> movsxd a, a32 */
	FUSE_ZEXT32,	/* lsh a, 32; rsh a, 32	-> mov a32, a32 */
	/* the same after a = b: the three insns in one */
	FUSE_SEXT32_MOV,	/* movsxd a, b32 */
	FUSE_ZEXT32_MOV,	/* mov a32, b32 */
	/* a = b; a += imm (c); a = *(size *)(a + off), no run-time check */
	FUSE_LDX_IMM,	/* ldx a, [b + imm + off] */
	FUSE_LDX_REG,	/* ldx a, [b + c + off] */
	/* after t = x; t <<= k (or >>= w - k), a rotate by k: */
	FUSE_ROL3,	/* d = x; d >>= w - k; d |= t -> mov d, x; rol d, k */
	FUSE_ROL2,	/* x >>= w - k; x |= t	-> rol x, k */
	FUSE_TAIL,	/* emitted with an earlier insn */
};

/* How many insns a group of kind k covers. */
static u32 fuse_len(u32 k)
{
	switch (k) {
	case FUSE_NONE:
		return 1;
	case FUSE_ROL3:
	case FUSE_SEXT32_MOV:
	case FUSE_ZEXT32_MOV:
	case FUSE_LDX_IMM:
	case FUSE_LDX_REG:
		return 3;
	}
	return 2;
}

/* The rol count of a rotate whose shift insn for the result is sh. */
static u8 rol_count(const struct bpf_insn *sh)
{
	u8 w = BPF_CLASS(sh->code) == BPF_ALU64 ? 64 : 32;

	return BPF_OP(sh->code) == BPF_LSH ? sh->imm : w - sh->imm;
}

static void emit_fused(struct jit *j, u32 i)
{
	const struct bpf_insn *a = &j->prog->insns[i], *b = a + 1;
	u8 dst = j->map[a->dst_reg];

	switch (j->fuse[i]) {
	case FUSE_LEA_IMM:
		emit_mem(j, F_W, 0x8d, dst, j->map[a->src_reg], b->imm);
		break;
	case FUSE_LEA_REG:
		emit_lea_bi(j, true, dst, j->map[a->src_reg],
			    j->map[b->src_reg]);
		break;
	case FUSE_LEA32_IMM:
		emit_mem(j, 0, 0x8d, dst, j->map[a->src_reg], b->imm);
		break;
	case FUSE_LEA32_REG:
		emit_lea_bi(j, false, dst, j->map[a->src_reg],
			    j->map[b->src_reg]);
		break;
	case FUSE_SEXT32:
		emit_rm(j, F_W, 0x63, dst, dst, 0);
		break;
	case FUSE_SEXT32_MOV:
		emit_rm(j, F_W, 0x63, dst, j->map[a->src_reg], 0);
		break;
	case FUSE_ZEXT32_MOV:
		emit_mov_reg(j, false, dst, j->map[a->src_reg]);
		break;
	case FUSE_LDX_IMM:
		emit_ldx_at(j, b + 1, dst, j->map[a->src_reg], NO_INDEX,
			    b->imm + b[1].off);
		break;
	case FUSE_LDX_REG:
		emit_ldx_at(j, b + 1, dst, j->map[a->src_reg],
			    j->map[b->src_reg], b[1].off);
		break;
	case FUSE_ROL3:		/* a: d = x, b: d >>= / <<=, c: d |= t */
		emit_mov_reg(j, BPF_CLASS(a->code) == BPF_ALU64, dst,
			     j->map[a->src_reg]);
		emit_shift_imm(j, BPF_CLASS(a->code) == BPF_ALU64, 0, dst,
			       rol_count(b));
		break;
	case FUSE_ROL2:		/* a: x >>= / <<=, b: x |= t */
		emit_shift_imm(j, BPF_CLASS(a->code) == BPF_ALU64, 0, dst,
			       rol_count(a));
		break;
	default:
		emit_mov_reg(j, false, dst, dst);
		break;
	}
}

static void emit_insn(struct jit *j, u32 i)
{
	struct abpf_prog *prog = j->prog;
	const struct bpf_insn *insn = &prog->insns[i];
	u8 flags = prog->aux[i].flags;
	u8 cls = BPF_CLASS(insn->code);
	u8 dst = j->map[insn->dst_reg & 0xf];
	u8 src = j->map[insn->src_reg & 0xf];
	u32 size = abpf_size_bytes(insn->code);
	const struct abpf_helper *h;
	u32 t, d, k;

	if (i && (flags & ABPF_AUX_SUBPROG_START))
		for (k = 0; k < j->nsub_saved; k++)
			emit_push(j, j->sub_saved[k]);

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		emit_alu(j, insn);
		return;
	case BPF_JMP:
	case BPF_JMP32:
		break;
	case BPF_LD:
		if (BPF_MODE(insn->code) == BPF_IMM) {
			u64 v = (u32)insn->imm | (u64)(u32)insn[1].imm << 32;

			/* map pseudo sources: the address, bound at load */
			if (insn->src_reg &&
			    !((insn->src_reg == BPF_PSEUDO_MAP_FD ||
			       insn->src_reg == BPF_PSEUDO_MAP_VALUE) &&
			      (prog->flags & ABPF_PROG_MAPS_BOUND))) {
				jit_fail(j, -EOPNOTSUPP,
					 "lddw pseudo source %u", insn->src_reg);
				return;
			}
			if (j->blind) {
				u64 key = (u64)jit_rand(j) << 32 | jit_rand(j);

				emit_movabs(j, dst, v ^ key);
				emit_movabs(j, REG_AX, key);
				emit_alu_reg(j, true, 0x31, dst, REG_AX);
			} else {
				emit_load_imm64(j, dst, v);
			}
			return;
		}
		emit_ld_pkt(j, insn);
		return;
	case BPF_LDX:
		if (flags & ABPF_AUX_MEMCHK)
			emit_memchk(j, src, insn->off, size, false, false);
		emit_ldx_at(j, insn, dst, src, NO_INDEX, insn->off);
		return;
	case BPF_ST:
		if (flags & ABPF_AUX_MEMCHK)
			emit_memchk(j, dst, insn->off, size, true, false);
		if (j->blind) {
			emit_blind_imm(j, insn->imm);
			emit_stx(j, size, dst, insn->off, REG_AX);
		} else {
			emit_st_imm(j, size, dst, insn->off, insn->imm);
		}
		return;
	case BPF_STX:
		if (flags & ABPF_AUX_MEMCHK)
			emit_memchk(j, dst, insn->off, size, true,
				    BPF_MODE(insn->code) == BPF_ATOMIC);
		if (BPF_MODE(insn->code) == BPF_ATOMIC)
			emit_atomic(j, insn);
		else
			emit_stx(j, size, dst, insn->off, src);
		return;
	}

	switch (BPF_OP(insn->code)) {
	case BPF_EXIT:
		if (prog->aux[i].subprog == 0) {
			if (j->frame)
				emit_mov_reg(j, true, RSP, RBP);
			/* nothing to store back or clear: return here */
			if (!j->budget_reg && !j->rc_stack &&
			    !(prog->flags & ABPF_PROG_HAS_TAIL_CALL))
				emit_main_unwind(j);
			else
				emit_jmp(j, j->lbl[L_EPILOGUE]);
		} else {
			for (k = j->nsub_saved; k-- > 0;)
				emit_pop(j, j->sub_saved[k]);
			emit_ret(j);
		}
		return;
	case BPF_CALL:
		if (BPF_SRC(insn->code) == BPF_X) {
			emit_callx(j, i, insn);
			return;
		}
		if (insn->src_reg == BPF_PSEUDO_CALL) {
			t = i + 1 + insn->imm;
			d = prog->subprogs[prog->aux[i].subprog].stack_depth;
			if (flags & ABPF_AUX_BACKEDGE)
				emit_budget(j, i, -1);
			if (d)
				emit_alu_imm(j, true, 5, RBP, d);
			b1(j, 0xe8);
			b4(j, j->off[t] - (pos(j) + 4));
			if (d)
				emit_alu_imm(j, true, 0, RBP, d);
			return;
		}
		if (insn->src_reg) {
			jit_fail(j, -EOPNOTSUPP, "call with src %u",
				 insn->src_reg);
			return;
		}
		h = helper_of(j, (u32)insn->imm);
		if (!h) {
			jit_fail(j, -EOPNOTSUPP, "unknown helper %u", insn->imm);
			return;
		}
		emit_helper_call(j, i, h);
		return;
	}
	emit_jmp_insn(j, i, insn);
}

/* Cap for insn i: no emission may exceed it. */
static u32 insn_cap(struct jit *j, u32 i)
{
	const struct bpf_insn *insn = &j->prog->insns[i];
	const struct abpf_helper_table *ht = j->prog->helpers;

	if (insn->code == (BPF_JMP | BPF_CALL | BPF_X))
		return JIT_INSN_CAP + (ht ? ht->count : 0) * JIT_CALLX_CAP_PER;
	return JIT_INSN_CAP;
}

/* Start a unit of code at the current image offset. */
static void unit_begin(struct jit *j, u32 at, u32 cap)
{
	j->base = at;
	j->n = 0;
	j->cap = cap;
}

/* Finish a unit; copy it in the final pass. */
static void unit_end(struct jit *j)
{
	if (j->n > j->cap || j->n > j->bufsize) {
		jit_fail(j, -EFAULT, "emitted %u bytes, over the size cap", j->n);
		return;
	}
	if (j->final) {
		if (j->base + j->n > j->total) {
			jit_fail(j, -EFAULT, "final pass overruns the image (%u)",
				 j->base + j->n);
			return;
		}
		memcpy(j->rw + j->base, j->buf, j->n);
	}
}

/* One layout (or final) pass.  Returns the image size. */
static u32 jit_pass(struct jit *j)
{
	struct abpf_prog *prog = j->prog;
	u32 at = 0, i, k;
	u32 old_lbl[L__COUNT];

	j->changed = false;
	j->cur = 0;
	unit_begin(j, 0, JIT_INSN_CAP);
	emit_prologue(j);
	unit_end(j);
	if (j->n != j->prologue)
		j->changed = true;
	j->prologue = j->n;
	at = j->n;

	for (i = 0; i < prog->len && !j->err; i++) {
		j->cur = i;
		if (j->off[i] != at) {
			if (j->final)
				jit_fail(j, -EFAULT, "final pass moved insn %u", i);
			j->changed = true;
			j->off[i] = at;
		}
		if ((prog->aux[i].flags & ABPF_AUX_LDDW_HI) ||
		    j->fuse[i] == FUSE_TAIL || (j->hint[i] & HINT_DEAD)) {
			j->size[i] = 0;		/* emitted with an earlier insn */
			continue;
		}
		unit_begin(j, at, insn_cap(j, i));
		if (j->fuse[i])
			emit_fused(j, i);
		else
			emit_insn(j, i);
		if (j->pad && j->n < j->size[i])
			while (j->n < j->size[i])
				b1(j, 0x90);
		unit_end(j);
		if (j->final && j->n != j->size[i])
			jit_fail(j, -EFAULT, "final pass resized insn %u", i);
		j->size[i] = j->n;
		at += j->n;
	}
	if (j->off[prog->len] != at) {
		j->changed = true;
		j->off[prog->len] = at;
	}
	memcpy(old_lbl, j->lbl, sizeof(old_lbl));
	j->cur = prog->len;
	unit_begin(j, at, JIT_INSN_CAP);
	emit_stubs(j);
	for (k = 0; k < L__COUNT; k++)
		if (old_lbl[k] != j->lbl[k])
			j->changed = true;
	unit_end(j);
	return at + j->n;
}

static int jit_check_prog(struct jit *j)
{
	struct abpf_prog *prog = j->prog;
	u32 i;

	if (!(prog->flags & ABPF_PROG_CHECKED) || !prog->aux ||
	    !prog->subprogs || !prog->nr_subprogs) {
		abpf_log_printf(j->log, "jit: program not checked\n");
		return -EINVAL;
	}
	if (prog->stack_depth > ABPF_MAX_STACK) {
		abpf_log_printf(j->log, "jit: stack depth %u\n",
				prog->stack_depth);
		return -EOPNOTSUPP;
	}
	for (i = 0; i < prog->len; i++) {
		if (prog->insns[i].dst_reg >= ABPF_NR_REGS ||
		    prog->insns[i].src_reg > 0xf) {
			abpf_log_printf(j->log, "jit: insn %u: bad register\n",
					i);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Which registers the program names (conservatively: every dst_reg and
 * src_reg field), whether it calls helpers, and from that: the callee-
 * saved registers the main frame must save, and a free one (no BPF
 * register mapped to it) to cache rc->budget in when the program has
 * back-edges.  A subprogram saves the named ones of r6-r9 but not that
 * cache, plus rbp when needed for an odd number of pushes (rsp stays
 * 16-byte aligned).
 */
static void jit_scan(struct jit *j)
{
	static const u8 budget_pref[] = { R15, R14, R13, RBX };
	static const u8 budget_spare[] = { RDX, R8, RSI, R9 };
	struct abpf_prog *prog = j->prog;
	bool loops = false, taken;
	u32 i, k, r;

	for (i = 0; i < prog->len; i++) {
		const struct bpf_insn *insn = &prog->insns[i];

		if (prog->aux[i].flags & ABPF_AUX_LDDW_HI)
			continue;
		j->used |= 1u << insn->dst_reg;
		if (insn->src_reg < ABPF_NR_REGS)
			j->used |= 1u << insn->src_reg;
		if (prog->aux[i].flags & ABPF_AUX_BACKEDGE)
			loops = true;
		if (prog->aux[i].flags & ABPF_AUX_MEMCHK)
			j->memchk = true;
		if ((BPF_CLASS(insn->code) == BPF_ALU ||
		     BPF_CLASS(insn->code) == BPF_ALU64) &&
		    (BPF_OP(insn->code) == BPF_DIV ||
		     BPF_OP(insn->code) == BPF_MOD))
			j->divs = true;
		if (insn->code == (BPF_JMP | BPF_CALL | BPF_X) ||
		    (insn->code == (BPF_JMP | BPF_CALL) &&
		     insn->src_reg != BPF_PSEUDO_CALL)) {
			k = inline_kind(j, i);
			if (k == INL_LOOKUP)	/* reads the key through r2 */
				j->used |= 1u << 2;
			else
				j->ccalls = true;
			if (k == INL_NONE)
				j->calls = true;
		}
	}
	/*
	 * Helpers read them (abpf_mem_ok()), and with subprograms, the
	 * stack checks there and the abort path (main's are rbp-relative).
	 */
	j->rc_stack = j->calls || (prog->flags & ABPF_PROG_HAS_CALLS);
	j->budget_reg = 0;
	for (k = 0; loops && k < ARRAY_SIZE(budget_pref) && !j->budget_reg;
	     k++) {
		taken = false;
		for (r = 6; r <= 9; r++)
			if ((j->used & (1u << r)) && j->map[r] == budget_pref[k])
				taken = true;
		if (!taken)
			j->budget_reg = budget_pref[k];
	}
	/*
	 * r6-r9 all named: with no C call (inline array lookups only) and
	 * no subprogram, the x86 register of an unnamed r2, r3 or r5 is
	 * not touched by anything else, and costs no push: better than a
	 * read-modify-write of rc->budget on every back-edge (a store the
	 * locked instructions of a loop wait for).  Not rdi or rcx: the
	 * entry's rep stosq; not rdx with checked accesses: the region
	 * stub's failure path leaves it changed.  Last r9, when no div/mod
	 * parks rdx there and no region stub walks the regions with it:
	 * the only abort left is then -ELOOP (budget 0), whose error code
	 * travels in r9 (emit_abort_site(), L_ABORT).
	 */
	for (k = 0; loops && !j->budget_reg && !j->ccalls &&
	     !(prog->flags & ABPF_PROG_HAS_CALLS) &&
	     k < ARRAY_SIZE(budget_spare); k++) {
		u8 x = budget_spare[k];

		taken = (x == R9 && j->divs) ||
			(j->memchk && (x == RDX || x == R9));
		for (r = 1; r <= 5; r++)
			if ((j->used & (1u << r)) && j->map[r] == x)
				taken = true;
		if (!taken)
			j->budget_reg = x;
	}
	j->nsaved = 0;
	for (k = 0; k < ARRAY_SIZE(callee_saved); k++) {
		u8 x = callee_saved[k];
		bool keep = x == RBP || x == R12 || x == j->budget_reg;

		for (r = 6; r <= 9; r++)
			if ((j->used & (1u << r)) && j->map[r] == x)
				keep = true;
		if (keep)
			j->saved[j->nsaved++] = x;
	}
	j->nsub_saved = 0;
	j->sub_prologue = 0;
	for (k = 0; k < ARRAY_SIZE(sub_saved); k++) {
		u8 x = sub_saved[k];
		bool keep = false;

		for (r = 6; r <= 9; r++)
			if ((j->used & (1u << r)) && j->map[r] == x)
				keep = true;
		/* rbp (unchanged by callees) pads to an odd count: alignment */
		if (x == RBP)
			keep = !(j->nsub_saved % 2);
		if (!keep || x == j->budget_reg)
			continue;
		j->sub_saved[j->nsub_saved++] = x;
		j->sub_prologue += x & 8 ? 2 : 1;
	}
}

static u32 fuse_kind(struct jit *j, u32 i)
{
	const struct bpf_insn *a = &j->prog->insns[i], *b = a + 1;

	if (a->code == (BPF_ALU64 | BPF_MOV | BPF_X) && !a->off &&
	    a->dst_reg != a->src_reg && b->dst_reg == a->dst_reg && !b->off) {
		if (b->code == (BPF_ALU64 | BPF_ADD | BPF_K) && !j->blind)
			return FUSE_LEA_IMM;	/* blinding hides imm */
		if (b->code == (BPF_ALU64 | BPF_ADD | BPF_X) &&
		    b->src_reg != a->dst_reg)
			return FUSE_LEA_REG;
	}
	if (a->code == (BPF_ALU | BPF_MOV | BPF_X) && !a->off &&
	    a->dst_reg != a->src_reg && b->dst_reg == a->dst_reg && !b->off) {
		if (b->code == (BPF_ALU | BPF_ADD | BPF_K) && !j->blind)
			return FUSE_LEA32_IMM;
		if (b->code == (BPF_ALU | BPF_ADD | BPF_X) &&
		    b->src_reg != a->dst_reg)
			return FUSE_LEA32_REG;
	}
	if (a->code == (BPF_ALU64 | BPF_LSH | BPF_K) && a->imm == 32 &&
	    b->dst_reg == a->dst_reg && b->imm == 32 && !b->off) {
		if (b->code == (BPF_ALU64 | BPF_ARSH | BPF_K))
			return FUSE_SEXT32;
		if (b->code == (BPF_ALU64 | BPF_RSH | BPF_K))
			return FUSE_ZEXT32;
	}
	return FUSE_NONE;
}

/*
 * a = b; a <<= 32; a s>>= 32 (or >>= 32): one movsxd (mov) from b32,
 * nothing jumping in after the mov.
 */
static u32 ext_kind(struct jit *j, u32 i, const u8 *tgt)
{
	const struct bpf_insn *a = &j->prog->insns[i];

	if (i + 2 >= j->prog->len || tgt[i + 1] || tgt[i + 2] ||
	    a->code != (BPF_ALU64 | BPF_MOV | BPF_X) || a->off ||
	    a->dst_reg == a->src_reg || a[1].dst_reg != a->dst_reg)
		return FUSE_NONE;
	switch (fuse_kind(j, i + 1)) {
	case FUSE_SEXT32:
		return FUSE_SEXT32_MOV;
	case FUSE_ZEXT32:
		return FUSE_ZEXT32_MOV;
	}
	return FUSE_NONE;
}

/*
 * a = b; a += imm (or c); a = *(size *)(a + off) with no run-time check:
 * one load from [b + imm + off] ([b + c + off]), nothing jumping in
 * after the mov.
 */
static u32 ldx_kind(struct jit *j, u32 i, const u8 *tgt)
{
	const struct bpf_insn *a = &j->prog->insns[i], *c = a + 2;
	u32 k;
	u8 m;

	if (i + 2 >= j->prog->len || tgt[i + 1] || tgt[i + 2] ||
	    (j->prog->aux[i + 2].flags & ABPF_AUX_MEMCHK))
		return FUSE_NONE;
	k = fuse_kind(j, i);
	m = BPF_MODE(c->code);
	if ((k != FUSE_LEA_IMM && k != FUSE_LEA_REG) ||
	    BPF_CLASS(c->code) != BPF_LDX || (m != BPF_MEM && m != BPF_MEMSX) ||
	    c->dst_reg != a->dst_reg || c->src_reg != a->dst_reg)
		return FUSE_NONE;
	if (k == FUSE_LEA_REG)
		return FUSE_LDX_REG;
	return is_s32((s64)a[1].imm + c->off) ? FUSE_LDX_IMM : FUSE_NONE;
}

/* x op k with op lsh or rsh, 0 < k < w: returns op, else 0 */
static u8 shift_k(const struct bpf_insn *insn, u8 cls, u8 reg)
{
	u8 op = BPF_OP(insn->code), w = cls == BPF_ALU64 ? 64 : 32;

	if (BPF_CLASS(insn->code) != cls || BPF_SRC(insn->code) != BPF_K ||
	    insn->dst_reg != reg || insn->off || insn->imm <= 0 ||
	    insn->imm >= w || (op != BPF_LSH && op != BPF_RSH))
		return 0;
	return op;
}

static bool is_mov_x(const struct bpf_insn *insn, u8 cls)
{
	return insn->code == (cls | BPF_MOV | BPF_X) && !insn->off;
}

/*
 * A rotate clang spells with two shifts (BPF has no rotate): insns
 * i - 2, i - 1 are t = x; t <<= k (or >>= w - k), and from i on either
 * d = x; d >>= w - k; d |= t (FUSE_ROL3) or x >>= w - k; x |= t
 * (FUSE_ROL2), the shifts in opposite directions, counts adding up to
 * w, x t d distinct, nothing jumping in after insn i - 2.
 */
static u32 rol_kind(struct jit *j, u32 i, const u8 *tgt)
{
	const struct bpf_insn *in = j->prog->insns, *a, *b;
	u8 cls, t, x, d, op1, op2, w;
	u32 n;

	if (i < 2 || tgt[i - 1] || tgt[i] ||
	    (j->prog->aux[i - 1].flags & ABPF_AUX_SUBPROG_START))
		return FUSE_NONE;
	a = &in[i - 2];
	b = &in[i - 1];
	cls = BPF_CLASS(a->code);
	if ((cls != BPF_ALU && cls != BPF_ALU64) || !is_mov_x(a, cls))
		return FUSE_NONE;
	w = cls == BPF_ALU64 ? 64 : 32;
	t = a->dst_reg;
	x = a->src_reg;
	op1 = shift_k(b, cls, t);
	if (t == x || !op1)
		return FUSE_NONE;
	n = is_mov_x(&in[i], cls) ? 3 : 2;
	if (i + n > j->prog->len || tgt[i + 1] || (n == 3 && tgt[i + 2]))
		return FUSE_NONE;
	d = n == 3 ? in[i].dst_reg : x;
	if (n == 3 && (in[i].src_reg != x || d == x || d == t))
		return FUSE_NONE;
	op2 = shift_k(&in[i + n - 2], cls, d);
	if (!op2 || op2 == op1 || b->imm + in[i + n - 2].imm != w ||
	    in[i + n - 1].code != (cls | BPF_OR | BPF_X) ||
	    in[i + n - 1].dst_reg != d || in[i + n - 1].src_reg != t ||
	    in[i + n - 1].off)
		return FUSE_NONE;
	return n == 3 ? FUSE_ROL3 : FUSE_ROL2;
}

/*
 * "if r == 0" / "if r != 0" right after an add/sub/and/or/xor of r needs
 * no test: that instruction's ZF says it (an ALU64 result only for a
 * 64-bit compare; a 32-bit one zero-extends, so for both).
 */
static bool zf_reusable(struct jit *j, u32 i)
{
	const struct bpf_insn *b = &j->prog->insns[i], *a = b - 1;
	u8 op = BPF_OP(a->code), acls = BPF_CLASS(a->code);
	u8 bcls = BPF_CLASS(b->code);

	if ((bcls != BPF_JMP && bcls != BPF_JMP32) ||
	    BPF_SRC(b->code) != BPF_K || b->imm ||
	    (BPF_OP(b->code) != BPF_JEQ && BPF_OP(b->code) != BPF_JNE) ||
	    (j->prog->aux[i - 1].flags & ABPF_AUX_LDDW_HI) ||
	    (acls != BPF_ALU && acls != BPF_ALU64) ||
	    (acls == BPF_ALU64 && bcls == BPF_JMP32) ||
	    a->dst_reg != b->dst_reg || a->off ||
	    (op != BPF_ADD && op != BPF_SUB && op != BPF_AND &&
	     op != BPF_OR && op != BPF_XOR))
		return false;
	return true;
}

/* Which BPF registers insn i writes, for stack_hint(). */
static u16 insn_writes(const struct bpf_insn *insn)
{
	u8 cls = BPF_CLASS(insn->code);

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
	case BPF_LDX:
		return 1u << insn->dst_reg;
	case BPF_LD:
		return BPF_MODE(insn->code) == BPF_IMM ? 1u << insn->dst_reg :
							 0x3f;	/* r0-r5 */
	case BPF_STX:	/* atomics with fetch write src, cmpxchg r0 */
		return BPF_MODE(insn->code) == BPF_ATOMIC ?
		       (1u << insn->src_reg | 1u) : 0;
	case BPF_JMP:
	case BPF_JMP32:
		return BPF_OP(insn->code) == BPF_CALL ? 0x3f : 0;
	}
	return 0;
}

/* Which BPF registers insn i reads (exact for what tail_prescan() keeps) */
static u16 insn_reads(const struct bpf_insn *insn)
{
	u8 cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	u16 d = 1u << insn->dst_reg, sx = 1u << (insn->src_reg & 0xf);

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_MOV)
			return BPF_SRC(insn->code) == BPF_X ? sx : 0;
		return d | (BPF_SRC(insn->code) == BPF_X ? sx : 0);
	case BPF_LDX:
		return sx;
	case BPF_ST:
		return d;
	case BPF_STX:
		return d | sx | 1u;		/* cmpxchg: r0 */
	case BPF_LD:
		return BPF_MODE(insn->code) == BPF_IMM ? 0 : 0x7ff;
	}
	return 0x7ff;		/* jumps: never asked (tail_prescan() stops) */
}

/*
 * An inline tail call through the slot array (tail_slots()) whose index
 * is a constant: r3 set by a mov of an immediate in the call's block
 * (nothing jumps in after it): HINT_TAIL_CONST, no run-time index test.
 * Such a call reads none of r1-r3 (the checker knows r1 is the context
 * and which map r2 is); the mov/lddw that set them for it only are
 * dropped (HINT_DEAD): no jump, no read of the register between them
 * and the call, which clobbers r1-r5.
 */
static void tail_prescan(struct jit *j, u32 i, const u8 *tgt)
{
	const struct abpf_prog *prog = j->prog;
	const struct bpf_insn *in = prog->insns;
	u16 found = 0, read = 0;
	bool jumps = false, konst = false;
	u32 dead[4] = { 0 }, k, r, n = 0;

	if (tgt[i] || inline_kind(j, i) != INL_TAIL || !tail_slots(j, i))
		return;
	for (k = i; k-- > 0 && found != 0xe;) {
		const struct bpf_insn *x = &in[k];
		u8 cls = BPF_CLASS(x->code), op = BPF_OP(x->code);
		u16 w;

		if (prog->aux[k].flags & ABPF_AUX_LDDW_HI)
			continue;
		if (cls == BPF_JMP || cls == BPF_JMP32) {
			if (op == BPF_CALL || op == BPF_EXIT)
				return;
			jumps = true;
		} else {
			w = insn_writes(x);
			if ((w & 8) && !(found & 8))
				konst = (x->code == (BPF_ALU | BPF_MOV | BPF_K) ||
					 x->code == (BPF_ALU64 | BPF_MOV | BPF_K)) &&
					!x->off;
			for (r = 1; r <= 3; r++) {
				if (!(w & (1u << r)) || (found & (1u << r)))
					continue;
				found |= 1u << r;
				if (!jumps && !(read & (1u << r)) && !j->fuse[k] &&
				    !(prog->aux[k].flags & ABPF_AUX_SUBPROG_START) &&
				    w == 1u << r &&
				    (x->code == (BPF_ALU64 | BPF_MOV | BPF_X) ||
				     x->code == (BPF_ALU64 | BPF_MOV | BPF_K) ||
				     x->code == (BPF_ALU | BPF_MOV | BPF_K) ||
				     abpf_is_lddw(x)) && !x->off)
					dead[n++] = k;
			}
			read |= insn_reads(x);
		}
		if (tgt[k] || (prog->aux[k].flags & ABPF_AUX_SUBPROG_START))
			break;
	}
	if (!(found & 8) || !konst)
		return;
	j->hint[i] |= HINT_TAIL_CONST;
	while (n--)
		j->hint[dead[n]] |= HINT_DEAD;
}

/*
 * Registers main's first instructions write before anything reads them:
 * every path from the entry runs insns 0, 1, ... up to the first jump,
 * call or exit (where the scan stops: live), whatever jumps back later.
 */
static u16 entry_dead_regs(struct jit *j, u16 want)
{
	const struct abpf_prog *prog = j->prog;
	u16 dead = 0, live = 0;
	u32 i;

	for (i = 0; i < prog->len && (dead | live) != want; i++) {
		const struct bpf_insn *x = &prog->insns[i];
		u8 cls = BPF_CLASS(x->code);

		if (prog->aux[i].flags & ABPF_AUX_LDDW_HI)
			continue;
		if (cls == BPF_JMP || cls == BPF_JMP32)
			break;
		live |= insn_reads(x) & want & ~dead;
		dead |= insn_writes(x) & want & ~live;
	}
	return dead;
}

/* r10 and the registers derived from it after insn (stack_hint()) */
static u16 ptr_transfer1(const struct bpf_insn *insn, u16 st)
{
	u8 cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	u16 d = 1u << insn->dst_reg, sb = 1u << (insn->src_reg & 0xf);
	u16 keep = 0;

	if (cls == BPF_ALU64 && !insn->off && op == BPF_MOV &&
	    BPF_SRC(insn->code) == BPF_X)
		keep = st & sb ? d : 0;
	else if (cls == BPF_ALU64 && (op == BPF_ADD || op == BPF_SUB) &&
		 BPF_SRC(insn->code) == BPF_K)
		keep = st & d;
	else if (cls == BPF_ALU64 && op == BPF_ADD)
		keep = st & (d | sb) ? d : 0;
	return (st & ~insn_writes(insn)) | keep;
}

/* Both halves of a ptr_hint() state: r10-derived (low), ctx (high). */
static u32 ptr_transfer(const struct bpf_insn *insn, u32 st)
{
	return (ptr_transfer1(insn, st) | 1u << 10) |
	       (u32)ptr_transfer1(insn, st >> 16) << 16;
}

/*
 * A hint for checked accesses: does the base register hold r10 plus
 * something on every path here, or main's r1 (the context) plus
 * something?  A small must-analysis (r10 is, r1 is at entry; mov copies;
 * add/sub keep it), iterated a few times over the program (it only
 * decides the order of the inline tests, never their outcome).
 */
static int ptr_hint(struct jit *j)
{
	struct abpf_prog *prog = j->prog;
	u32 *in = abpf_zalloc((size_t)(prog->len + 2) * sizeof(u32));
	u32 i, pass, n;
	bool changed = true;
	s64 t;

	if (!in)
		return -ENOMEM;
	for (i = 0; i < prog->len + 2; i++)
		in[i] = 0xffffffff;
	for (pass = 0; pass < 8 && changed; pass++) {
		changed = false;
		for (i = 0; i < prog->len; i++) {
			const struct bpf_insn *insn = &prog->insns[i];
			u8 cls = BPF_CLASS(insn->code);
			u8 op = BPF_OP(insn->code);
			u32 out, old;

			if (prog->aux[i].flags & ABPF_AUX_LDDW_HI)
				continue;
			if (prog->aux[i].flags & ABPF_AUX_SUBPROG_START)
				in[i] = 1u << 10 | (i ? 0 : 1u << (16 + 1));
			out = ptr_transfer(insn, in[i]);
			n = i + (abpf_is_lddw(insn) ? 2 : 1);
			t = -1;
			if ((cls == BPF_JMP || cls == BPF_JMP32) &&
			    op != BPF_CALL && op != BPF_EXIT)
				t = (s64)i + 1 + (op == BPF_JA && cls == BPF_JMP32 ?
						  insn->imm : insn->off);
			if (t >= 0 && t < prog->len) {
				old = in[t];
				in[t] &= out;
				changed |= in[t] != old;
			}
			if ((cls == BPF_JMP || cls == BPF_JMP32) &&
			    (op == BPF_EXIT || (op == BPF_JA && t >= 0)))
				continue;		/* no fall-through */
			old = in[n];
			in[n] &= out;
			changed |= in[n] != old;
		}
	}
	for (i = 0; i < prog->len; i++) {
		const struct bpf_insn *insn = &prog->insns[i];
		u8 r = BPF_CLASS(insn->code) == BPF_LDX ? insn->src_reg :
							  insn->dst_reg;

		if (!(prog->aux[i].flags & ABPF_AUX_MEMCHK))
			continue;
		if ((in[i] >> (r & 0xf)) & 1)
			j->hint[i] |= HINT_STACK_FIRST;
		else if ((in[i] >> (16 + (r & 0xf))) & 1)
			j->hint[i] |= HINT_CTX;
	}
	abpf_free(in);
	return 0;
}

/*
 * Fill j->fuse[] (pairs whose second insn no jump or call lands on) and
 * j->hint[].
 */
static int jit_prescan(struct jit *j)
{
	struct abpf_prog *prog = j->prog;
	u8 *tgt = abpf_zalloc(prog->len + 1);
	u32 i;
	s64 t;

	if (!tgt)
		return -ENOMEM;
	for (i = 0; i < prog->len; i++) {
		const struct bpf_insn *insn = &prog->insns[i];
		u8 cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

		if (prog->aux[i].flags & ABPF_AUX_LDDW_HI)
			continue;
		if (prog->aux[i].flags & ABPF_AUX_SUBPROG_START)
			tgt[i] = 1;
		if (cls != BPF_JMP && cls != BPF_JMP32)
			continue;
		if (op == BPF_EXIT ||
		    (op == BPF_CALL && insn->src_reg != BPF_PSEUDO_CALL))
			continue;
		if (op == BPF_CALL || (op == BPF_JA && cls == BPF_JMP32))
			t = (s64)i + 1 + insn->imm;
		else
			t = (s64)i + 1 + insn->off;
		if (t >= 0 && t <= prog->len)
			tgt[t] = 1;
	}
	if (ptr_hint(j)) {
		abpf_free(tgt);
		return -ENOMEM;
	}
	for (i = 0; i + 1 < prog->len; i++) {
		u32 k, n;

		/* (a subprogram's first insn also emits its pushes) */
		if (tgt[i + 1] || j->fuse[i] ||
		    (prog->aux[i].flags & ABPF_AUX_SUBPROG_START) ||
		    (prog->aux[i].flags & ABPF_AUX_LDDW_HI))
			continue;
		j->fuse[i] = ldx_kind(j, i, tgt);
		if (!j->fuse[i])
			j->fuse[i] = ext_kind(j, i, tgt);
		if (!j->fuse[i])
			j->fuse[i] = rol_kind(j, i, tgt);
		if (!j->fuse[i])
			j->fuse[i] = fuse_kind(j, i);
		n = fuse_len(j->fuse[i]);
		for (k = 1; k < n; k++)
			j->fuse[i + k] = FUSE_TAIL;
	}
	/* (the insn before must be emitted as itself: not fused) */
	for (i = 1; i < prog->len; i++)
		if (!tgt[i] && !j->fuse[i - 1] && zf_reusable(j, i))
			j->hint[i] |= HINT_ZF;
	for (i = 0; i < prog->len; i++)
		tail_prescan(j, i, tgt);
	j->entry_dead = entry_dead_regs(j, 0x3fe);		/* r1-r9 */
	abpf_free(tgt);
	return 0;
}

void abpf_jit_release(struct abpf_prog *prog, const struct abpf_jit_host *host)
{
	if (!prog || !prog->jit_image)
		return;
	if (host && host->free)
		host->free(prog->jit_image, prog->jit_size);
	prog->jit_tail_key = 0;
	prog->jit_tail = NULL;
	prog->jit_image = NULL;
	prog->jit_size = 0;
	prog->jit_func = NULL;
}

static int jit_layout(struct jit *j)
{
	u32 pass, i, guess = 0;

	/* Pessimistic start (every jump rel32), then shrink to a fixpoint. */
	for (i = 0; i <= j->prog->len; i++) {
		j->off[i] = guess;
		j->size[i] = 0;
		guess += 64;
	}
	for (i = 0; i < L__COUNT; i++)
		j->lbl[i] = guess + 64 * i;
	j->pad = false;
	j->final = false;
	j->prologue = 0;
	for (pass = 0; pass < JIT_MAX_PASSES; pass++) {
		j->pad = pass >= JIT_PAD_AFTER;
		j->total = jit_pass(j);
		if (j->err)
			return j->err;
		if (j->total > ABPF_JIT_MAX_IMAGE) {
			abpf_log_printf(j->log, "jit: image too large (%u)\n",
					j->total);
			return -E2BIG;
		}
		if (!j->changed && pass)
			return 0;
	}
	abpf_log_printf(j->log, "jit: layout did not converge in %u passes\n",
			JIT_MAX_PASSES);
	return -EFAULT;
}

int abpf_jit_compile(struct abpf_prog *prog, const struct abpf_jit_host *host,
		     struct abpf_log *log)
{
	struct jit j;
	u32 i, maxcap = JIT_INSN_CAP, total;
	void *image, *rw;
	int err, attempt;

	if (!prog || !host || !host->alloc)
		return -EINVAL;
	memset(&j, 0, sizeof(j));
	j.prog = prog;
	j.host = host;
	j.log = log;
	j.blind = host->blind != 0;
	abpf_jit_reg_map(host->reg_perm, j.map);
	err = jit_check_prog(&j);
	if (err)
		return err;
	j.stack = prog->stack_depth;
	jit_scan(&j);
	/* rsp is 8 mod 16 at entry: keep it 16-aligned after the pushes */
	if (j.ccalls)
		j.frame = ((j.stack + 15) & ~15u) + (j.nsaved % 2 ? 0 : 8);
	else
		j.frame = (j.stack + 7) & ~7u;
	j.abs_calls = false;

	for (i = 0; i < prog->len; i++)
		if (insn_cap(&j, i) > maxcap)
			maxcap = insn_cap(&j, i);
	j.bufsize = maxcap + 16;
	j.buf = abpf_zalloc(j.bufsize);
	j.off = abpf_zalloc((size_t)(prog->len + 1) * sizeof(u32));
	j.size = abpf_zalloc((size_t)(prog->len + 1) * sizeof(u32));
	j.fuse = abpf_zalloc(prog->len);
	j.hint = abpf_zalloc(prog->len);
	err = -ENOMEM;
	if (!j.buf || !j.off || !j.size || !j.fuse || !j.hint)
		goto out;
	err = jit_prescan(&j);
	if (err)
		goto out;

	for (attempt = 0; attempt < 2; attempt++) {
		j.err = 0;
		err = jit_layout(&j);
		if (err)
			goto out;
		total = j.total;
		image = host->alloc(total, &rw);
		if (!image) {
			abpf_log_printf(log, "jit: no memory for a %u byte image\n",
					total);
			err = -ENOMEM;
			goto out;
		}
		j.image = (u64)(unsigned long)image;
		j.rw = rw;
		j.final = true;
		j.need_abs = false;
		if (jit_pass(&j) != total && !j.err)
			jit_fail(&j, -EFAULT, "final pass size differs (%u)",
				 total);
		j.final = false;
		if (!j.err && j.need_abs && !j.abs_calls &&
		    !(host->flags & ABPF_JIT_NEAR_CALLS)) {
			/* a helper is out of rel32 reach: retry with movabs */
			host->free(image, total);
			j.abs_calls = true;
			continue;
		}
		if (!j.err && j.need_abs) {
			abpf_log_printf(log, "jit: call target out of rel32 reach\n");
			j.err = -ERANGE;
		}
		if (!j.err && host->finalize)
			j.err = host->finalize(image, rw, total);
		if (j.err) {
			host->free(image, total);
			err = j.err;
			goto out;
		}
		prog->jit_image = image;
		prog->jit_size = total;
		prog->jit_tail = (u8 *)image + j.tail_entry;
		prog->jit_tail_key = frame_key(&j);
		prog->jit_func = (u64 (*)(struct abpf_run_ctx *))image;
		if (host->insn_offsets)
			memcpy(host->insn_offsets, j.off,
			       (size_t)(prog->len + 1) * sizeof(u32));
		if (log && log->level >= 1)
			abpf_log_printf(log,
					"jit: %u insns -> %u bytes (prologue %u)\n",
					prog->len, total, j.prologue);
		err = 0;
		break;
	}
out:
	abpf_free(j.buf);
	abpf_free(j.off);
	abpf_free(j.size);
	abpf_free(j.fuse);
	abpf_free(j.hint);
	return err;
}
