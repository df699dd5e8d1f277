// SPDX-License-Identifier: GPL-2.0
/*
 * cbpf.c - classic BPF: the kernel's checker rules and the translation to
 * eBPF (ABPF_PROG_TYPE_PACKET) for altbpf's engines.
 *
 * abpf_cbpf_check() follows bpf_check_classic() and
 * check_load_and_stores() of net/core/filter.c; abpf_cbpf_translate()
 * follows bpf_convert_filter() with these differences, all so that the
 * result passes abpf_check() and runs the same on every engine:
 *  - the prologue sets A and X with mov32 0 (a xor would read
 *    uninitialised registers);
 *  - packet loads are eBPF LD_ABS/LD_IND (out of the packet: the program
 *    ends with 0, the classic semantics) instead of skb helper calls;
 *  - conditional jumps compare 32 bits (jmp32), so a K >= 2^31 needs no
 *    zero-extension through the scratch register;
 *  - ancillary loads read struct abpf_pkt_ctx; "no device" (ifindex 0)
 *    ends the program with the current A for SKF_AD_IFINDEX/HATYPE, as the
 *    kernel does for skb->dev == NULL;
 *  - unreachable classic instructions are not translated (the eBPF
 *    checker rejects dead code).
 */
#include "cbpf.h"
#include "insn_build.h"

#define R_A	ABPF_CBPF_REG_A
#define R_X	ABPF_CBPF_REG_X
#define R_CTX	ABPF_CBPF_REG_CTX
#define R_TMP	ABPF_CBPF_REG_TMP
#define R_FP	BPF_REG_10

/* Most eBPF instructions one classic instruction becomes. */
#define ABPF_CBPF_MAX_EXPAND	8
#define ABPF_CBPF_PROLOGUE	3

static int cerr(struct abpf_log *log, int err, u32 i, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	abpf_log_printf(log, "insn %u: %s\n", i, buf);
	return err;
}

static bool code_allowed(u16 code)
{
	switch (code) {
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_MOD | BPF_K:
	case BPF_ALU | BPF_MOD | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
	case BPF_LD | BPF_IMM:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_B | BPF_MSH:
	case BPF_LDX | BPF_IMM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	}
	return false;
}

static bool is_cond_jump(u16 code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

static const char *const anc_names[SKF_AD_MAX / 4] = {
	[SKF_AD_PROTOCOL / 4]		= "proto",
	[SKF_AD_PKTTYPE / 4]		= "type",
	[SKF_AD_IFINDEX / 4]		= "ifidx",
	[SKF_AD_NLATTR / 4]		= "nla",
	[SKF_AD_NLATTR_NEST / 4]	= "nlan",
	[SKF_AD_MARK / 4]		= "mark",
	[SKF_AD_QUEUE / 4]		= "queue",
	[SKF_AD_HATYPE / 4]		= "hatype",
	[SKF_AD_RXHASH / 4]		= "rxhash",
	[SKF_AD_CPU / 4]		= "cpu",
	[SKF_AD_ALU_XOR_X / 4]		= "xor_x",
	[SKF_AD_VLAN_TAG / 4]		= "vlan_tci",
	[SKF_AD_VLAN_TAG_PRESENT / 4]	= "vlan_avail",
	[SKF_AD_PAY_OFFSET / 4]		= "poff",
	[SKF_AD_RANDOM / 4]		= "rand",
	[SKF_AD_VLAN_TPID / 4]		= "vlan_tpid",
};

const char *abpf_cbpf_anc_name(u32 k)
{
	u32 off = k - (u32)SKF_AD_OFF;

	if (k < (u32)SKF_AD_OFF || off >= SKF_AD_MAX || off % 4)
		return NULL;
	return anc_names[off / 4];
}

/* The kernel's check_load_and_stores(): M[k] is read only after a write. */
static int check_load_and_stores(const struct abpf_cbpf_insn *f, u32 len,
				 struct abpf_log *log)
{
	u16 *masks, memvalid = 0;
	int ret = 0;
	u32 pc;

	masks = abpf_zalloc(len * sizeof(*masks));
	if (!masks)
		return -ENOMEM;
	memset(masks, 0xff, len * sizeof(*masks));
	for (pc = 0; pc < len; pc++) {
		memvalid &= masks[pc];
		switch (f[pc].code) {
		case BPF_ST:
		case BPF_STX:
			memvalid |= 1U << f[pc].k;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(memvalid & (1U << f[pc].k))) {
				ret = cerr(log, -EINVAL, pc,
					   "M[%u] may be read before it is written",
					   f[pc].k);
				goto out;
			}
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + f[pc].k] &= memvalid;
			memvalid = 0xffff;
			break;
		default:
			if (!is_cond_jump(f[pc].code))
				break;
			masks[pc + 1 + f[pc].jt] &= memvalid;
			masks[pc + 1 + f[pc].jf] &= memvalid;
			memvalid = 0xffff;
			break;
		}
	}
out:
	abpf_free(masks);
	return ret;
}

int abpf_cbpf_check(const struct abpf_cbpf_insn *f, u32 len,
		    struct abpf_log *log)
{
	u32 pc;

	if (!f || !len) {
		abpf_log_printf(log, "empty program\n");
		return -EINVAL;
	}
	if (len > ABPF_CBPF_MAX_INSNS) {
		abpf_log_printf(log, "program too large: %u instructions (max %u)\n",
				len, ABPF_CBPF_MAX_INSNS);
		return -EINVAL;
	}
	for (pc = 0; pc < len; pc++) {
		const struct abpf_cbpf_insn *ft = &f[pc];

		if (!code_allowed(ft->code))
			return cerr(log, -EINVAL, pc, "unknown opcode 0x%04x",
				    ft->code);
		switch (ft->code) {
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_MOD | BPF_K:
			if (!ft->k)
				return cerr(log, -EINVAL, pc,
					    "division by constant zero");
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (ft->k >= 32)
				return cerr(log, -EINVAL, pc,
					    "shift by %u (max 31)", ft->k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (ft->k >= BPF_MEMWORDS)
				return cerr(log, -EINVAL, pc,
					    "scratch memory M[%u] out of range (max %u)",
					    ft->k, BPF_MEMWORDS - 1);
			break;
		case BPF_JMP | BPF_JA:
			if (ft->k >= len - pc - 1)
				return cerr(log, -EINVAL, pc,
					    "jump out of range (ja +%u)", ft->k);
			break;
		case BPF_LD | BPF_W | BPF_ABS:
		case BPF_LD | BPF_H | BPF_ABS:
		case BPF_LD | BPF_B | BPF_ABS:
			if (ft->k >= (u32)SKF_AD_OFF && !abpf_cbpf_anc_name(ft->k))
				return cerr(log, -EINVAL, pc,
					    "unknown ancillary load SKF_AD_OFF%+d",
					    (s32)(ft->k - (u32)SKF_AD_OFF));
			break;
		default:
			if (is_cond_jump(ft->code) &&
			    (pc + ft->jt + 1 >= len || pc + ft->jf + 1 >= len))
				return cerr(log, -EINVAL, pc,
					    "jump out of range (jt %u, jf %u)",
					    ft->jt, ft->jf);
			break;
		}
	}
	switch (f[len - 1].code) {
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
		return check_load_and_stores(f, len, log);
	}
	return cerr(log, -EINVAL, len - 1, "last instruction is not a ret");
}

/* Translation state. */
struct cbpf_xlat {
	struct bpf_insn *out;
	u32 n;				/* eBPF instructions emitted */
	u32 *start;			/* classic index -> first eBPF insn */
	u32 *fix_at;			/* eBPF jumps to patch ... */
	u32 *fix_to;			/* ... with the classic target */
	u32 nr_fix;
};

static void emit(struct cbpf_xlat *x, struct bpf_insn insn)
{
	x->out[x->n++] = insn;
}

static void emit_jump(struct cbpf_xlat *x, struct bpf_insn insn, u32 target)
{
	x->fix_at[x->nr_fix] = x->n;
	x->fix_to[x->nr_fix++] = target;
	emit(x, insn);
}

/* r = field of struct abpf_pkt_ctx (32 bits, zero-extended). */
#define LD_CTX(r, field) \
	ABPF_LDX_MEM(BPF_W, r, R_CTX, offsetof(struct abpf_pkt_ctx, field))

/* Ancillary load k (SKF_AD_OFF + ...) into A; 0 or an error. */
static int xlat_anc(struct cbpf_xlat *x, u32 i, u32 k, struct abpf_log *log)
{
	switch (k - (u32)SKF_AD_OFF) {
	case SKF_AD_PROTOCOL:
		emit(x, LD_CTX(R_A, protocol));
		emit(x, ABPF_ENDIAN(BPF_TO_BE, R_A, 16));
		return 0;
	case SKF_AD_PKTTYPE:
		emit(x, LD_CTX(R_A, pkttype));
		emit(x, ABPF_ALU32_IMM(BPF_AND, R_A, 7));	/* PKT_TYPE_MAX */
		return 0;
	case SKF_AD_IFINDEX:
	case SKF_AD_HATYPE:
		/* No device: the kernel ends the filter, returning A. */
		emit(x, LD_CTX(R_TMP, ifindex));
		emit(x, ABPF_JMP32_IMM(BPF_JNE, R_TMP, 0, 1));
		emit(x, ABPF_EXIT());
		if (k - (u32)SKF_AD_OFF == SKF_AD_IFINDEX)
			emit(x, ABPF_MOV32_REG(R_A, R_TMP));
		else
			emit(x, LD_CTX(R_A, hatype));
		return 0;
	case SKF_AD_MARK:
		emit(x, LD_CTX(R_A, mark));
		return 0;
	case SKF_AD_QUEUE:
		emit(x, LD_CTX(R_A, queue_mapping));
		return 0;
	case SKF_AD_RXHASH:
		emit(x, LD_CTX(R_A, rxhash));
		return 0;
	case SKF_AD_CPU:
		emit(x, LD_CTX(R_A, cpu));
		return 0;
	case SKF_AD_VLAN_TAG:
		emit(x, LD_CTX(R_A, vlan_tci));
		return 0;
	case SKF_AD_VLAN_TAG_PRESENT:
		/* 0 or 1, whatever non-zero value the host stored */
		emit(x, LD_CTX(R_A, vlan_present));
		emit(x, ABPF_JMP32_IMM(BPF_JEQ, R_A, 0, 1));
		emit(x, ABPF_MOV32_IMM(R_A, 1));
		return 0;
	case SKF_AD_VLAN_TPID:
		emit(x, LD_CTX(R_A, vlan_proto));
		emit(x, ABPF_ENDIAN(BPF_TO_BE, R_A, 16));
		return 0;
	case SKF_AD_ALU_XOR_X:
		emit(x, ABPF_ALU32_REG(BPF_XOR, R_A, R_X));
		return 0;
	}
	return cerr(log, -EOPNOTSUPP, i,
		    "ancillary load '%s' (SKF_AD_OFF+%u) is not supported by altbpf",
		    abpf_cbpf_anc_name(k) ? abpf_cbpf_anc_name(k) : "?",
		    k - (u32)SKF_AD_OFF);
}

/* SKF_NET_OFF / SKF_LL_OFF relative offsets (negative, above SKF_AD_OFF). */
static bool is_rel_off(u32 k)
{
	return (s32)k >= SKF_LL_OFF && (s32)k < SKF_AD_OFF;
}

static int xlat_cond(struct cbpf_xlat *x, u32 i,
		     const struct abpf_cbpf_insn *ft)
{
	u8 op = BPF_OP(ft->code), inv = 0;
	bool src_x = BPF_SRC(ft->code) == BPF_X;
	u32 t = i + 1 + ft->jt, f = i + 1 + ft->jf;

#define JCC(OP) (src_x ? ABPF_JMP32_REG(OP, R_A, R_X, 0) : \
			 ABPF_JMP32_IMM(OP, R_A, (s32)ft->k, 0))
	if (ft->jf == 0) {
		emit_jump(x, JCC(op), t);
		return 0;
	}
	switch (op) {
	case BPF_JEQ:
		inv = BPF_JNE;
		break;
	case BPF_JGT:
		inv = BPF_JLE;
		break;
	case BPF_JGE:
		inv = BPF_JLT;
		break;
	}
	if (ft->jt == 0 && inv) {
		emit_jump(x, JCC(inv), f);
		return 0;
	}
	emit_jump(x, JCC(op), t);
	emit_jump(x, ABPF_JMP_A(0), f);
#undef JCC
	return 0;
}

static int xlat_one(struct cbpf_xlat *x, u32 i, const struct abpf_cbpf_insn *ft,
		    struct abpf_log *log)
{
	u8 dst = BPF_CLASS(ft->code) == BPF_LDX ? R_X : R_A;
	/* M[k]: the k-th 32-bit word below r10 (k < 16 after the check) */
	s16 slot = (s16)(-4 * (s32)((ft->k & 0xff) + 1));

	switch (ft->code) {
	case BPF_ALU | BPF_NEG:
		emit(x, ABPF_NEG32(R_A));
		return 0;
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_MOD | BPF_X:
		/* Classic semantics: division by X == 0 returns 0. */
		emit(x, ABPF_JMP32_IMM(BPF_JNE, R_X, 0, 2));
		emit(x, ABPF_MOV32_IMM(R_A, 0));
		emit(x, ABPF_EXIT());
		fallthrough;
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_X:
		emit(x, ABPF_ALU32_REG(BPF_OP(ft->code), R_A, R_X));
		return 0;
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_MOD | BPF_K:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		emit(x, ABPF_ALU32_IMM(BPF_OP(ft->code), R_A, (s32)ft->k));
		return 0;
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
		if (ft->k >= (u32)SKF_AD_OFF)
			return xlat_anc(x, i, ft->k, log);
		if (is_rel_off(ft->k))
			return cerr(log, -EOPNOTSUPP, i,
				    "SKF_NET_OFF/SKF_LL_OFF loads are not supported by altbpf");
		emit(x, ABPF_LD_ABS(BPF_SIZE(ft->code), (s32)ft->k));
		return 0;
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
		emit(x, ABPF_LD_IND(BPF_SIZE(ft->code), R_X, (s32)ft->k));
		return 0;
	case BPF_LDX | BPF_B | BPF_MSH:
		if (is_rel_off(ft->k) || ft->k >= (u32)SKF_AD_OFF)
			return cerr(log, -EOPNOTSUPP, i,
				    "SKF_NET_OFF/SKF_LL_OFF loads are not supported by altbpf");
		/* X = 4 * (pkt[k] & 0xf), A kept in X across the load */
		emit(x, ABPF_MOV64_REG(R_X, R_A));
		emit(x, ABPF_LD_ABS(BPF_B, (s32)ft->k));
		emit(x, ABPF_ALU32_IMM(BPF_AND, R_A, 0xf));
		emit(x, ABPF_ALU32_IMM(BPF_LSH, R_A, 2));
		emit(x, ABPF_MOV64_REG(R_TMP, R_X));
		emit(x, ABPF_MOV64_REG(R_X, R_A));
		emit(x, ABPF_MOV64_REG(R_A, R_TMP));
		return 0;
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
		emit(x, LD_CTX(dst, len));
		return 0;
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
		emit(x, ABPF_MOV32_IMM(dst, (s32)ft->k));
		return 0;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
		emit(x, ABPF_LDX_MEM(BPF_W, dst, R_FP, slot));
		return 0;
	case BPF_ST:
		emit(x, ABPF_STX_MEM(BPF_W, R_FP, R_A, slot));
		return 0;
	case BPF_STX:
		emit(x, ABPF_STX_MEM(BPF_W, R_FP, R_X, slot));
		return 0;
	case BPF_MISC | BPF_TAX:
		emit(x, ABPF_MOV64_REG(R_X, R_A));
		return 0;
	case BPF_MISC | BPF_TXA:
		emit(x, ABPF_MOV64_REG(R_A, R_X));
		return 0;
	case BPF_RET | BPF_K:
		emit(x, ABPF_MOV32_IMM(R_A, (s32)ft->k));
		fallthrough;
	case BPF_RET | BPF_A:
		emit(x, ABPF_EXIT());
		return 0;
	case BPF_JMP | BPF_JA:
		emit_jump(x, ABPF_JMP_A(0), i + 1 + ft->k);
		return 0;
	}
	if (is_cond_jump(ft->code))
		return xlat_cond(x, i, ft);
	return cerr(log, -EINVAL, i, "unknown opcode 0x%04x", ft->code);
}

/* Forward-only control flow: one pass marks what insn 0 reaches. */
static int mark_reachable(const struct abpf_cbpf_insn *f, u32 len, u8 *reach,
			  struct abpf_log *log)
{
	u32 i, t;

	reach[0] = 1;
	for (i = 0; i < len; i++) {
		const struct abpf_cbpf_insn *ft = &f[i];

		if (!reach[i])
			continue;
		if (BPF_CLASS(ft->code) == BPF_RET)
			continue;
		if (ft->code == (BPF_JMP | BPF_JA)) {
			t = i + 1 + ft->k;
			if (ft->k >= len || t >= len)
				return cerr(log, -EINVAL, i, "jump out of range");
			reach[t] = 1;
			continue;
		}
		if (is_cond_jump(ft->code)) {
			if (i + 1 + ft->jt >= len || i + 1 + ft->jf >= len)
				return cerr(log, -EINVAL, i, "jump out of range");
			reach[i + 1 + ft->jt] = 1;
			reach[i + 1 + ft->jf] = 1;
			continue;
		}
		if (i + 1 >= len)
			return cerr(log, -EINVAL, i, "falls off the end");
		reach[i + 1] = 1;
	}
	return 0;
}

int abpf_cbpf_translate(const struct abpf_cbpf_insn *f, u32 len,
			struct bpf_insn **out, u32 *out_len,
			struct abpf_log *log)
{
	struct cbpf_xlat x = {};
	u8 *reach = NULL;
	u32 i;
	int err = -ENOMEM;

	*out = NULL;
	*out_len = 0;
	if (!f || !len || len > ABPF_CBPF_MAX_INSNS) {
		abpf_log_printf(log, "bad program length %u\n", len);
		return -EINVAL;
	}
	reach = abpf_zalloc(len);
	x.start = abpf_zalloc((len + 1) * sizeof(*x.start));
	x.fix_at = abpf_zalloc(2 * len * sizeof(*x.fix_at));
	x.fix_to = abpf_zalloc(2 * len * sizeof(*x.fix_to));
	x.out = abpf_zalloc((len * ABPF_CBPF_MAX_EXPAND + ABPF_CBPF_PROLOGUE) *
			    sizeof(*x.out));
	if (!reach || !x.start || !x.fix_at || !x.fix_to || !x.out)
		goto out;
	err = mark_reachable(f, len, reach, log);
	if (err)
		goto out;

	/* Classic A and X start at 0; the ctx lives in callee-saved r6. */
	emit(&x, ABPF_MOV32_IMM(R_A, 0));
	emit(&x, ABPF_MOV32_IMM(R_X, 0));
	emit(&x, ABPF_MOV64_REG(R_CTX, BPF_REG_1));
	for (i = 0; i < len; i++) {
		x.start[i] = x.n;
		if (!reach[i])
			continue;
		err = xlat_one(&x, i, &f[i], log);
		if (err)
			goto out;
	}
	x.start[len] = x.n;

	for (i = 0; i < x.nr_fix; i++) {
		s64 off = (s64)x.start[x.fix_to[i]] - (s64)x.fix_at[i] - 1;

		if (off < -32768 || off > 32767) {
			err = cerr(log, -E2BIG, x.fix_to[i],
				   "jump offset %lld does not fit after translation",
				   (long long)off);
			goto out;
		}
		x.out[x.fix_at[i]].off = (s16)off;
	}
	*out = x.out;
	*out_len = x.n;
	x.out = NULL;
	err = 0;
out:
	abpf_free(x.out);
	abpf_free(x.fix_to);
	abpf_free(x.fix_at);
	abpf_free(x.start);
	abpf_free(reach);
	return err;
}
