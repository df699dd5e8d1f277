// SPDX-License-Identifier: GPL-2.0
/*
 * stepper.c - single-step reference executor and fact checker (stepper.h).
 *
 * Written from the ISA (RFC 9669) and engine.h's safety model, not from
 * interp.c, so that it is a third opinion and not a copy.
 */
#include <stdarg.h>

#include "stepper.h"
#include "maps.h"

#ifndef __aligned
#define __aligned(x)	__attribute__((__aligned__(x)))
#endif

struct frame {
	u32 ret;			/* pc of the call */
	u64 saved[4];			/* r6-r9 */
	u64 fp;
};

/*
 * Taint of a value with respect to where the stack is: T_PTR is the
 * stack's address plus a fixed offset (r10, r10 - 8, a spill of it);
 * T_MPTR a map value's address plus a fixed offset (a lookup's r0: the
 * oracle's runs re-create hash elements, which may then sit elsewhere);
 * T_DEP depends on an address some other way (masked, multiplied,
 * truncated...).  A load/store at a T_DEP address, a branch on a
 * tainted value (but for two T_PTRs, and a pointer's NULL test) and a
 * tainted r0, map or memory store make the run's outcome
 * address-dependent.
 */
enum { T_NONE, T_PTR, T_DEP, T_MPTR };

struct stepper {
	const struct abpf_prog *prog;
	const struct abpf_insn_facts *facts;
	const struct step_host *host;
	struct abpf_run_ctx *rc;
	struct step_result *res;
	u64 regs[ABPF_NR_REGS];
	struct frame frames[ABPF_MAX_CALL_FRAMES - 1];
	u8 saved_taint[ABPF_MAX_CALL_FRAMES - 1][4];
	u32 depth;
	u64 budget;
	u32 pc;
	bool zeroed;			/* ABPF_PROG_ZERO_STACK */
	u8 defined[ABPF_MAX_STACK];	/* stack byte written this run */
	/* derived from a stack address (T_*): registers, stack bytes */
	u8 taint[ABPF_NR_REGS];
	u8 taint_stack[ABPF_MAX_STACK];
	u64 stack[ABPF_MAX_STACK / 8] __aligned(64);
};

static bool failf(struct stepper *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->res->fail[0])
		return false;
	n = snprintf(s->res->fail, sizeof(s->res->fail), "insn %u: ", s->pc);
	va_start(ap, fmt);
	vsnprintf(s->res->fail + n, sizeof(s->res->fail) - n, fmt, ap);
	va_end(ap);
	return false;
}

static u64 stack_hi(const struct stepper *s)
{
	return (u64)(unsigned long)&s->stack[ARRAY_SIZE(s->stack)];
}

static bool in_stack(const struct stepper *s, u64 addr, u64 size)
{
	u64 off = addr - s->rc->stack_lo;

	return off < s->rc->stack_hi - s->rc->stack_lo &&
	       s->rc->stack_hi - s->rc->stack_lo - off >= size;
}

static u8 *defined_at(struct stepper *s, u64 addr)
{
	return &s->defined[addr - (stack_hi(s) - ABPF_MAX_STACK)];
}

static void mark_written(struct stepper *s, u64 addr, u32 size)
{
	u32 k;

	for (k = 0; k < size; k++)
		if (in_stack(s, addr + k, 1))
			*defined_at(s, addr + k) = 1;
}

static void addr_dep(struct stepper *s);

/* A store of a value (tainted or not) of size bytes at addr. */
static void taint_store(struct stepper *s, u64 addr, u32 size, u8 t)
{
	u32 k;

	if ((t == T_PTR || t == T_MPTR) && size != 8)
		t = T_DEP;
	if (!in_stack(s, addr, size)) {
		if (t)
			addr_dep(s);
		return;
	}
	for (k = 0; k < size; k++)
		s->taint_stack[addr + k - (stack_hi(s) - ABPF_MAX_STACK)] = t;
}

static u8 taint_load(struct stepper *s, u64 addr, u32 size)
{
	u32 k, ptr = 0, mptr = 0, dep = 0;

	if (!in_stack(s, addr, size))
		return T_NONE;
	for (k = 0; k < size; k++) {
		u8 t = s->taint_stack[addr + k - (stack_hi(s) - ABPF_MAX_STACK)];

		ptr += t == T_PTR;
		mptr += t == T_MPTR;
		dep += t == T_DEP;
	}
	if (ptr == 8 && size == 8)
		return T_PTR;		/* a spilled pointer, filled */
	if (mptr == 8 && size == 8)
		return T_MPTR;
	return ptr || mptr || dep ? T_DEP : T_NONE;
}

static void addr_dep(struct stepper *s)
{
	if (!s->res->addr_dependent)
		s->res->addr_dependent_pc = s->pc;
	s->res->addr_dependent = true;
}

/* The address of an access must not depend on where the stack is. */
static void taint_addr(struct stepper *s, u8 reg)
{
	if (s->taint[reg] == T_DEP)
		addr_dep(s);
}

/* dst op= src (src_t: T_NONE for an immediate). */
static u8 taint_alu(u8 code, u8 dst_t, u8 src_t)
{
	bool is64 = BPF_CLASS(code) == BPF_ALU64;

	switch (BPF_OP(code)) {
	case BPF_MOV:
		return is64 || !src_t ? src_t : T_DEP;
	case BPF_ADD:
		if (is64 && (dst_t == T_NONE || src_t == T_NONE))
			return dst_t ? dst_t : src_t;
		break;
	case BPF_SUB:
		if (is64 && src_t == T_NONE && dst_t != T_DEP)
			return dst_t;
		if (is64 && dst_t == T_PTR && src_t == T_PTR)
			return T_NONE;	/* a distance */
		break;
	}
	return dst_t || src_t ? T_DEP : T_NONE;
}

/* Reading stack bytes nobody wrote leaks stale memory unless zeroed. */
static bool check_read(struct stepper *s, u64 addr, u32 size, const char *who)
{
	u32 k;

	if (s->zeroed)
		return true;
	for (k = 0; k < size; k++)
		if (in_stack(s, addr + k, 1) && !*defined_at(s, addr + k))
			return failf(s, "%s reads stack byte fp%lld that was never written, and the stack is not zeroed",
				     who, (long long)(addr + k - s->regs[ABPF_REG_FP]));
	return true;
}

/* The packet of a packet program: [*data, *end); false for other types. */
static bool pkt_of(const struct stepper *s, u64 *data, u64 *end)
{
	const struct abpf_pkt_ctx *ctx;

	if (s->prog->type != ABPF_PROG_TYPE_PACKET || !s->rc->r1)
		return false;
	ctx = (const struct abpf_pkt_ctx *)(unsigned long)s->rc->r1;
	*data = ctx->data;
	*end = ctx->data_end;
	return true;
}

/* Offset bounds the checker claims are bounded (not "anything"). */
static bool bounded(const struct abpf_reg_fact *r)
{
	return r->omin >= -(1LL << 40) && r->omax <= (1LL << 40);
}

/*
 * A packet pointer's claims: v = base + off, off in [omin, omax], base in
 * [data, data + size], base + range <= data_end; id 0: base = data.
 */
static bool check_pkt_fact(struct stepper *s, u32 k,
			   const struct abpf_reg_fact *r, u64 v)
{
	u64 data, end, base_lo;
	s64 d;

	if (!pkt_of(s, &data, &end))
		return failf(s, "checker claims r%u is a packet pointer in a program of type %u",
			     k, s->prog->type);
	if (r->type == ABPF_FACT_PTR_PKT_END) {
		if (v != end)
			return failf(s, "checker claims r%u = data_end (%#llx), but r%u = %#llx",
				     k, (unsigned long long)end, k,
				     (unsigned long long)v);
		return true;
	}
	d = (s64)(v - data);
	if (d < r->omin || d > r->omax + (s64)(r->id ? r->size : 0))
		return failf(s, "checker claims r%u = data + [%lld, %lld] (+ up to %u), but it is data%+lld",
			     k, (long long)r->omin, (long long)r->omax,
			     r->id ? r->size : 0, (long long)d);
	/* base >= v - omax, so base + range <= end implies this */
	base_lo = v - (u64)r->omax;
	if ((s64)(base_lo - data) + (s64)r->range > (s64)(end - data))
		return failf(s, "checker claims r%u's base (data%+lld or later) + %u <= data_end (data%+lld)",
			     k, (long long)(base_lo - data), r->range,
			     (long long)(end - data));
	return true;
}

/* A bounded map value offset: some o in [omin, omax] starts a value. */
static bool value_in_range(struct stepper *s, const struct abpf_map *map,
			   const struct abpf_reg_fact *r, u64 v)
{
	s64 o;

	if (!bounded(r) || r->omax - r->omin > 4096)
		return true;
	for (o = r->omin; o <= r->omax; o++)
		if (s->host->value_ok(map, v - (u64)o))
			return true;
	return false;
}

/* Linked scalars: value - loff is the same in all of one id. */
static bool check_links(struct stepper *s, const struct abpf_insn_facts *f,
			u32 k)
{
	const struct abpf_reg_fact *r = &f->regs[k];
	u32 j;

	if (!r->id)
		return true;
	for (j = 0; j < k; j++) {
		const struct abpf_reg_fact *o = &f->regs[j];

		if (o->type != ABPF_FACT_SCALAR || o->id != r->id)
			continue;
		if (s->regs[k] - (u64)(s64)r->loff !=
		    s->regs[j] - (u64)(s64)o->loff)
			return failf(s, "checker claims r%u - %d == r%u - %d (linked), but r%u = %#llx, r%u = %#llx",
				     k, r->loff, j, o->loff, k,
				     (unsigned long long)s->regs[k], j,
				     (unsigned long long)s->regs[j]);
		break;
	}
	return true;
}

/* The checker's claims before insn pc, against the registers and stack. */
static bool check_facts(struct stepper *s)
{
	const struct abpf_insn_facts *f = &s->facts[s->pc];
	u64 fp = s->regs[ABPF_REG_FP];
	u32 k;

	if (!f->seen)
		return failf(s, "executed, but the checker never analysed it");
	for (k = 0; k < ABPF_NR_REGS; k++) {
		const struct abpf_reg_fact *r = &f->regs[k];
		u64 v = s->regs[k], want = 0;
		const struct abpf_map *map = NULL;
		bool exact = r->known;

		switch (r->type) {
		case ABPF_FACT_SCALAR:
			if (v < r->umin || v > r->umax)
				return failf(s, "checker claims r%u in [%#llx, %#llx], but r%u = %#llx",
					     k, (unsigned long long)r->umin,
					     (unsigned long long)r->umax, k,
					     (unsigned long long)v);
			if (r->tz >= 64 ? v != 0 :
			    (v & ((1ULL << r->tz) - 1)) != 0)
				return failf(s, "checker claims r%u has %u low zero bits, but r%u = %#llx",
					     k, r->tz, k, (unsigned long long)v);
			if (!check_links(s, f, k))
				return false;
			want = (u64)r->val;
			break;
		case ABPF_FACT_PTR_STACK:
		case ABPF_FACT_PTR_CTX:
			want = r->type == ABPF_FACT_PTR_STACK ? fp : s->rc->r1;
			if (!r->known && bounded(r) &&
			    ((s64)(v - want) < r->omin ||
			     (s64)(v - want) > r->omax))
				return failf(s, "checker claims r%u = %s + [%lld, %lld], but it is %s%+lld",
					     k, r->type == ABPF_FACT_PTR_STACK ? "fp" : "ctx",
					     (long long)r->omin, (long long)r->omax,
					     r->type == ABPF_FACT_PTR_STACK ? "fp" : "ctx",
					     (long long)(v - want));
			want += (u64)r->val;
			break;
		case ABPF_FACT_PTR_PKT:
		case ABPF_FACT_PTR_PKT_END:
			if (!check_pkt_fact(s, k, r, v))
				return false;
			continue;
		case ABPF_FACT_MAP_PTR:
			want = (u64)(unsigned long)s->prog->maps[r->map];
			exact = true;
			break;
		case ABPF_FACT_MAP_VALUE_OR_NULL:
			if (!v)
				continue;
			fallthrough;
		case ABPF_FACT_MAP_VALUE:
			map = s->prog->maps[r->map];
			if (r->known && !s->host->value_ok(map, v - (u64)r->val))
				return failf(s, "checker claims r%u is a value of map %u + %lld, but r%u = %#llx is not",
					     k, r->map, (long long)r->val, k,
					     (unsigned long long)v);
			if (!r->known && !value_in_range(s, map, r, v))
				return failf(s, "checker claims r%u is a value of map %u + [%lld, %lld], but r%u = %#llx is not",
					     k, r->map, (long long)r->omin,
					     (long long)r->omax, k,
					     (unsigned long long)v);
			continue;
		default:
			continue;
		}
		if (exact && v != want)
			return failf(s, "checker claims r%u = %s%+lld (%#llx), but r%u = %#llx",
				     k, r->type == ABPF_FACT_SCALAR ? "" :
				     r->type == ABPF_FACT_PTR_STACK ? "fp" :
				     r->type == ABPF_FACT_PTR_CTX ? "ctx" : "map",
				     (long long)r->val, (unsigned long long)want,
				     k, (unsigned long long)v);
	}
	for (k = 0; k < ABPF_MAX_STACK; k++) {
		u64 addr;

		if (!(f->stack_init[k / 64] & (1ULL << (k % 64)))) {
			if (!f->stack_init[k / 64])
				k |= 63;
			continue;
		}
		addr = fp - ABPF_MAX_STACK + k;
		if (!in_stack(s, addr, 1))
			return failf(s, "checker claims fp%d is written, but it is outside the program's stack",
				     (int)k - ABPF_MAX_STACK);
		if (!s->zeroed && !*defined_at(s, addr))
			return failf(s, "checker claims fp%d is written, but it was not",
				     (int)k - ABPF_MAX_STACK);
	}
	return true;
}

/*
 * Address check of a load/store/atomic.  Checked (MEMCHK) accesses abort
 * with -ERANGE like the engines; proven ones must be inside the frame.
 */
static int mem_access(struct stepper *s, u64 addr, u32 size, bool write,
		      bool atomic)
{
	const struct abpf_prog *prog = s->prog;
	u64 fp = s->regs[ABPF_REG_FP];
	u32 sub = prog->aux[s->pc].subprog;
	u64 frame = prog->subprogs[sub].stack_depth;

	if (prog->aux[s->pc].flags & ABPF_AUX_MEMCHK) {
		if ((atomic && (addr & (size - 1))) ||
		    !abpf_mem_ok(s->rc, addr, size, write))
			return -ERANGE;
	} else {
		u64 data, end;
		bool in_pkt = pkt_of(s, &data, &end) && !write &&
			      addr >= data && addr + size <= end &&
			      addr + size > addr;
		bool in_ctx = prog->type == ABPF_PROG_TYPE_PACKET && !write &&
			      addr >= s->rc->r1 &&
			      addr + size <= s->rc->r1 + sizeof(struct abpf_pkt_ctx);

		if ((addr < fp - frame || addr + size > fp || addr + size < addr) &&
		    !s->host->in_value(addr, size) && !in_pkt && !in_ctx) {
			failf(s, "unchecked access of %u bytes at fp%lld (%#llx), outside its %llu-byte frame, any map value and (reads) the packet and context",
			      size, (long long)(addr - fp),
			      (unsigned long long)addr,
			      (unsigned long long)frame);
			return -EFAULT;
		}
		if (atomic && (addr & (size - 1))) {
			failf(s, "unchecked misaligned atomic at fp%lld",
			      (long long)(addr - fp));
			return -EFAULT;
		}
	}
	if (!write || atomic)
		if (!check_read(s, addr, size, "the program"))
			return -EFAULT;
	if (write)
		mark_written(s, addr, size);
	return 0;
}

static u64 load(u64 addr, u32 size)
{
	u64 v = 0;

	memcpy(&v, (void *)(unsigned long)addr, size);
	return v;
}

static void store(u64 addr, u32 size, u64 v)
{
	memcpy((void *)(unsigned long)addr, &v, size);
}

static u64 sext(u64 v, u32 bits)
{
	return (u64)((s64)(v << (64 - bits)) >> (64 - bits));
}

static u64 alu(u8 code, s16 off, u64 a, u64 b)
{
	bool is64 = BPF_CLASS(code) == BPF_ALU64;
	u32 bits = is64 ? 64 : 32;
	u64 r;

	if (!is64) {
		a = (u32)a;
		b = (u32)b;
	}
	switch (BPF_OP(code)) {
	case BPF_ADD:
		r = a + b;
		break;
	case BPF_SUB:
		r = a - b;
		break;
	case BPF_MUL:
		r = a * b;
		break;
	case BPF_OR:
		r = a | b;
		break;
	case BPF_AND:
		r = a & b;
		break;
	case BPF_XOR:
		r = a ^ b;
		break;
	case BPF_LSH:
		r = a << (b & (bits - 1));
		break;
	case BPF_RSH:
		r = a >> (b & (bits - 1));
		break;
	case BPF_ARSH:
		r = (u64)((s64)sext(a, bits) >> (b & (bits - 1)));
		break;
	case BPF_NEG:
		r = -a;
		break;
	case BPF_MOV:
		r = off ? sext(b, off) : b;
		break;
	case BPF_DIV:
	case BPF_MOD: {
		bool mod = BPF_OP(code) == BPF_MOD;

		if (!off) {
			r = b ? (mod ? a % b : a / b) : (mod ? a : 0);
			break;
		}
		a = sext(a, bits);
		b = sext(b, bits);
		if (!b)
			r = mod ? a : 0;
		else if ((s64)b == -1)
			r = mod ? 0 : -a;
		else
			r = mod ? (u64)((s64)a % (s64)b) : (u64)((s64)a / (s64)b);
		break;
	}
	default:
		r = 0;
		break;
	}
	return is64 ? r : (u32)r;
}

static u64 endian(u8 code, s32 imm, u64 v)
{
	bool swap = BPF_CLASS(code) == BPF_ALU64 || (code & BPF_TO_BE);

	if (imm == 16)
		return swap ? __builtin_bswap16((u16)v) : (u16)v;
	if (imm == 32)
		return swap ? __builtin_bswap32((u32)v) : (u32)v;
	return swap ? __builtin_bswap64(v) : v;
}

static bool cond(u8 code, u64 a, u64 b)
{
	if (BPF_CLASS(code) == BPF_JMP32) {
		a = (u32)a;
		b = (u32)b;
		switch (BPF_OP(code)) {
		case BPF_JSGT:
			return (s32)a > (s32)b;
		case BPF_JSGE:
			return (s32)a >= (s32)b;
		case BPF_JSLT:
			return (s32)a < (s32)b;
		case BPF_JSLE:
			return (s32)a <= (s32)b;
		}
	}
	switch (BPF_OP(code)) {
	case BPF_JEQ:
		return a == b;
	case BPF_JNE:
		return a != b;
	case BPF_JGT:
		return a > b;
	case BPF_JGE:
		return a >= b;
	case BPF_JLT:
		return a < b;
	case BPF_JLE:
		return a <= b;
	case BPF_JSET:
		return a & b;
	case BPF_JSGT:
		return (s64)a > (s64)b;
	case BPF_JSGE:
		return (s64)a >= (s64)b;
	case BPF_JSLT:
		return (s64)a < (s64)b;
	case BPF_JSLE:
		return (s64)a <= (s64)b;
	}
	return false;
}

static int atomic(struct stepper *s, const struct bpf_insn *insn)
{
	u32 size = abpf_size_bytes(insn->code);
	u64 addr = s->regs[insn->dst_reg] + insn->off;
	u64 src = s->regs[insn->src_reg], old, new;
	u64 mask = size == 4 ? 0xffffffffULL : ~0ULL;
	int err;

	err = mem_access(s, addr, size, true, true);
	if (err)
		return err;
	old = load(addr, size);
	{
		u8 ts = s->taint[insn->src_reg], tm = taint_load(s, addr, size);

		taint_addr(s, insn->dst_reg);
		if (insn->imm == BPF_CMPXCHG) {
			if (tm || s->taint[BPF_REG_0])
				addr_dep(s);
			taint_store(s, addr, size, ts || tm ? T_DEP : T_NONE);
			s->taint[BPF_REG_0] = tm;
		} else {
			taint_store(s, addr, size,
				    insn->imm == BPF_XCHG ? ts :
				    ts || tm ? T_DEP : T_NONE);
			if (insn->imm & BPF_FETCH)
				s->taint[insn->src_reg] = tm;
		}
	}
	switch (insn->imm & ~BPF_FETCH) {
	case BPF_ADD:
		new = old + src;
		break;
	case BPF_OR:
		new = old | src;
		break;
	case BPF_AND:
		new = old & src;
		break;
	case BPF_XOR:
		new = old ^ src;
		break;
	default:      new = src; break;	/* xchg, cmpxchg */
	}
	if (insn->imm == BPF_CMPXCHG) {
		if (old == (s->regs[BPF_REG_0] & mask))
			store(addr, size, src);
		s->regs[BPF_REG_0] = old;
		return 0;
	}
	store(addr, size, new);
	if (insn->imm & BPF_FETCH)
		s->regs[insn->src_reg] = old;
	return 0;
}

/* Stack memory a typed helper reads must be written (or zeroed). */
static bool helper_args(struct stepper *s, const struct abpf_helper *h)
{
	const struct abpf_helper_proto *pr = h->proto;
	const struct abpf_map *map = NULL;
	u32 k;

	if (!pr)
		return true;
	for (k = 0; k < 5; k++) {
		u64 p = s->regs[k + 1], size = 0;

		switch (pr->args[k]) {
		case ABPF_ARG_CONST_MAP_PTR:
			map = (const struct abpf_map *)(unsigned long)p;
			break;
		case ABPF_ARG_PTR_TO_MAP_KEY:
			size = map ? map->key_size : 0;
			break;
		case ABPF_ARG_PTR_TO_MAP_VALUE:
			size = map ? map->value_size : 0;
			break;
		case ABPF_ARG_PTR_TO_MEM:
			size = k < 4 ? s->regs[k + 2] : 0;
			break;
		}
		if (!size)
			continue;
		if (p >= s->rc->stack_lo - 4096 && p < s->rc->stack_hi &&
		    !in_stack(s, p, size))
			return failf(s, "%s: argument r%u (%llu bytes at fp%lld) is not inside the stack",
				     h->name, k + 1, (unsigned long long)size,
				     (long long)(p - s->regs[ABPF_REG_FP]));
		if (!check_read(s, p, size, h->name))
			return false;
		/* a stack address copied into a map */
		if (taint_load(s, p, size))
			addr_dep(s);
	}
	return true;
}

/*
 * Does the helper return an address that may differ between the oracle's
 * runs?  Array values stay put for the map's life; hash elements are
 * deleted and re-inserted by the oracle's reset, ring records move on.
 */
static bool ret_moves(const struct stepper *s, const struct abpf_helper *h)
{
	const struct abpf_map *map;

	if (!h->proto)
		return false;
	if (h->proto->ret == ABPF_RET_PTR_TO_ALLOC_MEM_OR_NULL)
		return true;
	if (h->proto->ret != ABPF_RET_PTR_TO_MAP_VALUE_OR_NULL)
		return false;
	if (h->proto->args[0] != ABPF_ARG_CONST_MAP_PTR)
		return true;
	map = (const struct abpf_map *)(unsigned long)s->regs[BPF_REG_1];
	return map->type != ABPF_MAP_ARRAY;
}

static bool prints_args(const struct abpf_helper *h)
{
	return h->name && !strcmp(h->name, "bpf_trace_printk");
}

/* A helper call: 0, 1 (the program stops), or -errno (abort). */
static int call_helper(struct stepper *s, const struct abpf_helper *h)
{
	struct abpf_run_ctx *rc = s->rc;
	u32 k;

	if (!helper_args(s, h))
		return -EFAULT;
	/*
	 * r0 may fold in the arguments' values: any of an untyped helper,
	 * the plain values (ARG_ANYTHING) of a typed one, and r3-r5 of
	 * bpf_trace_printk, which returns the length it printed ("%p" of a
	 * stack address) although its prototype declares two arguments.
	 */
	s->taint[BPF_REG_0] = T_NONE;
	for (k = 1; k <= 5; k++)
		if (s->taint[k] && (!h->proto ||
				    h->proto->args[k - 1] == ABPF_ARG_ANYTHING ||
				    (k >= 3 && prints_args(h))))
			s->taint[BPF_REG_0] = T_DEP;
	if (!s->taint[BPF_REG_0] && ret_moves(s, h))
		s->taint[BPF_REG_0] = T_MPTR;
	s->regs[BPF_REG_0] = h->fn(s->regs[1], s->regs[2], s->regs[3],
				   s->regs[4], s->regs[5], rc);
	if (rc->tail_prog) {
		s->res->unsupported = true;
		return 1;
	}
	/* What the helper could write is "written" from now on. */
	for (k = 0; h->proto && k < 4; k++)
		if (h->proto->args[k] == ABPF_ARG_PTR_TO_UNINIT_MEM)
			mark_written(s, s->regs[k + 1], s->regs[k + 2]);
	if ((h->flags & ABPF_HELPER_MAY_STOP) && (rc->stop || rc->error))
		return 1;
	return 0;
}

static u32 ld_pkt(struct stepper *s, const struct bpf_insn *insn, bool *out)
{
	u32 size = abpf_size_bytes(insn->code);
	u32 poff = (u32)insn->imm;
	u64 v = 0;

	if (BPF_MODE(insn->code) == BPF_IND)
		poff += (u32)s->regs[insn->src_reg];
	if ((s32)poff < 0 || poff >= s->rc->pkt_len ||
	    s->rc->pkt_len - poff < size) {
		*out = true;
		return 0;
	}
	memcpy(&v, s->rc->pkt + poff, size);
	if (size == 2)
		return __builtin_bswap16((u16)v);
	if (size == 4)
		return __builtin_bswap32((u32)v);
	return (u8)v;
}

/* One instruction: 0 next, 1 done (r0 in regs), -errno abort. */
static int step(struct stepper *s)
{
	const struct abpf_prog *prog = s->prog;
	const struct bpf_insn *insn = &prog->insns[s->pc];
	u8 code = insn->code, cls = BPF_CLASS(code);
	u64 *dst = &s->regs[insn->dst_reg];
	u64 src = BPF_SRC(code) == BPF_X ? s->regs[insn->src_reg] : 0;
	u32 size = abpf_size_bytes(code);
	u64 addr;
	int err;

	if (!check_facts(s))
		return -EFAULT;
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(code) == BPF_K)
			src = cls == BPF_ALU64 ? (u64)(s64)insn->imm : (u32)insn->imm;
		if (BPF_OP(code) == BPF_END)
			*dst = endian(code, insn->imm, *dst);
		else
			*dst = alu(code, insn->off, *dst, src);
		if (BPF_OP(code) == BPF_END || (BPF_OP(code) == BPF_MOV && insn->off))
			s->taint[insn->dst_reg] = (BPF_OP(code) == BPF_END ?
				s->taint[insn->dst_reg] : BPF_SRC(code) == BPF_X &&
				s->taint[insn->src_reg]) ? T_DEP : T_NONE;
		else
			s->taint[insn->dst_reg] =
				taint_alu(code, BPF_OP(code) == BPF_MOV ? T_NONE :
					  s->taint[insn->dst_reg],
					  BPF_SRC(code) == BPF_X ?
					  s->taint[insn->src_reg] : T_NONE);
		s->pc++;
		return 0;
	case BPF_LD:
		if (BPF_MODE(code) == BPF_IMM) {
			*dst = (u64)(u32)insn->imm | (u64)(u32)insn[1].imm << 32;
			s->taint[insn->dst_reg] = T_NONE;
			s->pc += 2;
			return 0;
		} else {
			bool out = false;
			u32 v = ld_pkt(s, insn, &out);

			if (BPF_MODE(code) == BPF_IND && s->taint[insn->src_reg])
				addr_dep(s);
			s->taint[BPF_REG_0] = T_NONE;
			if (out) {
				s->regs[BPF_REG_0] = 0;
				return 1;
			}
			s->regs[BPF_REG_0] = v;
			s->pc++;
			return 0;
		}
	case BPF_LDX:
		addr = s->regs[insn->src_reg] + insn->off;
		taint_addr(s, insn->src_reg);
		err = mem_access(s, addr, size, false, false);
		if (err)
			return err;
		*dst = load(addr, size);
		s->taint[insn->dst_reg] = taint_load(s, addr, size);
		if (BPF_MODE(code) == BPF_MEMSX && s->taint[insn->dst_reg])
			s->taint[insn->dst_reg] = T_DEP;
		if (BPF_MODE(code) == BPF_MEMSX)
			*dst = sext(*dst, size * 8);
		s->pc++;
		return 0;
	case BPF_ST:
	case BPF_STX:
		if (BPF_MODE(code) == BPF_ATOMIC) {
			err = atomic(s, insn);
			if (err)
				return err;
			s->pc++;
			return 0;
		}
		addr = *dst + insn->off;
		taint_addr(s, insn->dst_reg);
		err = mem_access(s, addr, size, true, false);
		if (err)
			return err;
		store(addr, size, cls == BPF_ST ? (u64)(s64)insn->imm :
			     s->regs[insn->src_reg]);
		taint_store(s, addr, size,
			    cls == BPF_STX ? s->taint[insn->src_reg] : T_NONE);
		s->pc++;
		return 0;
	}

	/* BPF_JMP, BPF_JMP32 */
	switch (BPF_OP(code)) {
	case BPF_EXIT:
		if (!s->depth) {
			if (s->taint[BPF_REG_0])
				addr_dep(s);
			return 1;
		}
		s->depth--;
		memcpy(&s->regs[BPF_REG_6], s->frames[s->depth].saved,
		       sizeof(s->frames[0].saved));
		memcpy(&s->taint[BPF_REG_6], s->saved_taint[s->depth],
		       sizeof(s->saved_taint[0]));
		s->regs[ABPF_REG_FP] = s->frames[s->depth].fp;
		s->pc = s->frames[s->depth].ret + 1;
		return 0;
	case BPF_CALL: {
		const struct abpf_helper_table *t = prog->helpers;
		u64 id;

		if (insn->src_reg == BPF_PSEUDO_CALL) {
			struct frame *f;

			if (!s->budget)
				return -ELOOP;
			s->budget--;
			if (s->depth >= ARRAY_SIZE(s->frames))
				return -ELOOP;
			f = &s->frames[s->depth++];
			f->ret = s->pc;
			memcpy(f->saved, &s->regs[BPF_REG_6], sizeof(f->saved));
			memcpy(s->saved_taint[s->depth - 1], &s->taint[BPF_REG_6],
			       sizeof(s->saved_taint[0]));
			f->fp = s->regs[ABPF_REG_FP];
			s->regs[ABPF_REG_FP] -=
				prog->subprogs[prog->aux[s->pc].subprog].stack_depth;
			s->pc += 1 + insn->imm;
			return 0;
		}
		id = BPF_SRC(code) == BPF_X ? *dst : (u64)(s64)insn->imm;
		if (BPF_SRC(code) == BPF_X && s->taint[insn->dst_reg])
			addr_dep(s);
		if (!t || id >= t->count || !t->helpers[id].fn)
			return -EINVAL;
		err = call_helper(s, &t->helpers[id]);
		if (err)
			return err;
		s->pc++;
		return 0;
	}
	case BPF_JA: {
		s64 d = cls == BPF_JMP32 ? insn->imm : insn->off;

		if (prog->aux[s->pc].flags & ABPF_AUX_BACKEDGE) {
			if (!s->budget)
				return -ELOOP;
			s->budget--;
		}
		s->pc += 1 + d;
		return 0;
	}
	}
	if (BPF_SRC(code) == BPF_K)
		src = (u64)(s64)insn->imm;
	if (BPF_SRC(code) == BPF_X && cls == BPF_JMP &&
	    s->taint[insn->dst_reg] == T_PTR &&
	    s->taint[insn->src_reg] == T_PTR)
		;	/* two stack pointers: their order is fixed */
	else if (BPF_SRC(code) == BPF_K && cls == BPF_JMP && !insn->imm &&
		 (BPF_OP(code) == BPF_JEQ || BPF_OP(code) == BPF_JNE) &&
		 (s->taint[insn->dst_reg] == T_PTR ||
		  s->taint[insn->dst_reg] == T_MPTR))
		;	/* a pointer's NULL test */
	else if (s->taint[insn->dst_reg] ||
		 (BPF_SRC(code) == BPF_X && s->taint[insn->src_reg]))
		addr_dep(s);
	if (!cond(code, *dst, src)) {
		s->pc++;
		return 0;
	}
	if (prog->aux[s->pc].flags & ABPF_AUX_BACKEDGE) {
		if (!s->budget)
			return -ELOOP;
		s->budget--;
	}
	s->pc += 1 + insn->off;
	return 0;
}

void stepper_run(const struct abpf_prog *prog,
		 const struct abpf_insn_facts *facts,
		 const struct step_host *host, struct abpf_run_ctx *rc,
		 struct step_result *res)
{
	static struct stepper st;
	struct stepper *s = &st;
	u32 size = (prog->stack_depth + 7) & ~7U;
	u64 steps = 0;
	int ret;

	memset(res, 0, sizeof(*res));
	memset(s, 0, offsetof(struct stepper, stack));
	s->prog = prog;
	s->facts = facts;
	s->host = host;
	s->rc = rc;
	s->res = res;
	s->budget = rc->budget;
	s->zeroed = prog->flags & ABPF_PROG_ZERO_STACK;
	if (size > ABPF_MAX_STACK)
		size = ABPF_MAX_STACK;
	/* Stale bytes: what a missed uninitialised read would see. */
	memset(s->stack, s->zeroed ? 0 : 0xa5, sizeof(s->stack));
	rc->stack_hi = stack_hi(s);
	rc->stack_lo = rc->stack_hi - size;
	rc->stop = false;
	rc->error = 0;
	rc->error_pc = 0;
	s->regs[BPF_REG_1] = rc->r1;
	s->regs[BPF_REG_2] = rc->r2;
	s->regs[ABPF_REG_FP] = rc->stack_hi;
	if (host->taint_ctx)
		s->taint[BPF_REG_1] = T_PTR;
	else
		s->taint[ABPF_REG_FP] = T_PTR;

	for (;;) {
		if (s->pc >= prog->len) {
			failf(s, "control left the program (pc %u)", s->pc);
			ret = -EFAULT;
			break;
		}
		/* The budget bounds every run; this only guards the stepper. */
		if (++steps > 64 * (rc->budget + 1) * (u64)prog->len) {
			failf(s, "runs forever despite the budget");
			ret = -EFAULT;
			break;
		}
		ret = step(s);
		if (ret)
			break;
	}
	if (ret == 1) {
		res->r0 = rc->stop || rc->error ? 0 : s->regs[BPF_REG_0];
		if (rc->error)
			res->error_pc = rc->error_pc = s->pc;
		res->error = rc->error;
	} else if (ret != -EFAULT) {
		rc->error = ret;
		rc->error_pc = s->pc;
		res->error = ret;
		res->error_pc = s->pc;
	}
	res->budget = s->budget;
	rc->budget = s->budget;
	rc->stack_lo = 0;
	rc->stack_hi = 0;
}
