// SPDX-License-Identifier: GPL-2.0
/*
 * asm.c - assembler for the bpf_conformance assembly syntax, raw bytecode
 * reader and .data file parser.
 *
 * Syntax (one instruction per line; see docs/cli.md):
 *	# comment			label:
 *	add32 %r1, 5			mov %r0, %r1		neg %r2
 *	sdiv %r0, 3  smod32 %r1, %r2	movsx832 %r0, %r1 (8|16|32 -> 32|64)
 *	le16 %r0  be32 %r0  bswap64 %r0 (swap64 is accepted too)
 *	lddw %r0, 0x123456789abcdef0
 *	ldxw %r0, [%r1+4]  ldxsb %r0, [%r10-1]  stxdw [%r10-8], %r1
 *	stb [%r1+2], 0x11
 *	lock [fetch] add|or|and|xor[32] [%r1+0], %r2
 *	lock xchg[32] / cmpxchg[32] [%r10-8], %r1
 *	jeq %r1, 5, label  jeq32 %r1, %r2, +3  ja label  ja32 -1
 *	call 5  call local label  call %r2  exit
 *	ldabsw 12  ldindh %r1, 4
 *	.insn 0x00000001000000b7	(one raw slot, little-endian word)
 * The label "exit" names the first exit instruction unless it is defined.
 * Opcodes and mnemonics come from abpf_opcode_table (module/core/isa.h).
 */
#include <ctype.h>
#include <limits.h>
#include <sys/types.h>
#include <unistd.h>

#include "asm.h"

struct asm_label {
	char *name;
	u32 slot;
};

struct asm_fixup {
	char *name;
	u32 slot;
	int line;
	bool wide;		/* target goes in imm (ja32, call local) */
};

struct asm_state {
	struct bpf_insn *insns;
	u32 len, cap;
	struct asm_label *labels;
	u32 nr_labels, cap_labels;
	struct asm_fixup *fixups;
	u32 nr_fixups, cap_fixups;
	s64 first_exit;
	int line;
	char *err;
	size_t errlen;
};

#define MAX_OPERANDS	4

static int asm_error(struct asm_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int asm_error(struct asm_state *st, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!st->errlen)
		return -1;
	n = snprintf(st->err, st->errlen, "line %d: ", st->line);
	if (n < 0 || (size_t)n >= st->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(st->err + n, st->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void *grow(void *p, u32 *cap, u32 need, size_t elem)
{
	u32 ncap;
	void *np;

	if (need <= *cap)
		return p;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	np = realloc(p, (size_t)ncap * elem);
	if (!np)
		return NULL;
	*cap = ncap;
	return np;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * A number: optional sign, then decimal digits or 0x + hex digits, and
 * nothing else.  Returns 0 and the magnitude, or -1 (not a number) or
 * -2 (does not fit 64 bits).
 */
static int parse_number(const char *s, bool *neg, bool *hex, u64 *mag)
{
	u64 v = 0;
	unsigned int base = 10, d;
	const char *p = s;

	*neg = false;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	*hex = false;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		*hex = true;
		p += 2;
	}
	if (!*p)
		return -1;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -2;
		v = v * base + d;
	}
	*mag = v;
	return 0;
}

static bool is_ident(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_' && *s != '.')
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.')
			return false;
	return true;
}

static int parse_reg(struct asm_state *st, const char *s, u8 *reg)
{
	const char *p = s;
	unsigned int v = 0;

	if (p[0] != '%' || p[1] != 'r' || !isdigit((unsigned char)p[2]))
		return asm_error(st, "Invalid register: '%s'", s);
	for (p += 2; *p; p++) {
		if (!isdigit((unsigned char)*p) || v > 100)
			return asm_error(st, "Invalid register: '%s'", s);
		v = v * 10 + (*p - '0');
	}
	if (v > ABPF_REG_FP)
		return asm_error(st, "Invalid register: '%s' (r0-r10)", s);
	*reg = v;
	return 0;
}

static bool looks_like_reg(const char *s)
{
	return s[0] == '%';
}

static int parse_imm32(struct asm_state *st, const char *s, s32 *imm)
{
	bool neg, hex;
	u64 mag;
	int r = parse_number(s, &neg, &hex, &mag);

	if (r == -1)
		return asm_error(st, "Invalid immediate: '%s'", s);
	if (r == -2 || (neg && mag > 0x80000000ULL) ||
	    (!neg && mag > (hex ? 0xffffffffULL : 0x7fffffffULL)))
		return asm_error(st, "Immediate out of 32-bit range: '%s'", s);
	*imm = neg ? (s32)(u32)(0 - (u32)mag) : (s32)(u32)mag;
	return 0;
}

static int parse_imm64(struct asm_state *st, const char *s, u64 *imm)
{
	bool neg, hex;
	u64 mag;
	int r = parse_number(s, &neg, &hex, &mag);

	if (r == -1)
		return asm_error(st, "Invalid immediate: '%s'", s);
	if (r == -2 || (neg && mag > 0x8000000000000000ULL))
		return asm_error(st, "Immediate out of 64-bit range: '%s'", s);
	*imm = neg ? 0 - mag : mag;
	return 0;
}

/* A signed value in [-lim - 1, lim]. */
static int parse_signed(const char *s, s64 lim, s64 *val)
{
	bool neg, hex;
	u64 mag;
	int r = parse_number(s, &neg, &hex, &mag);

	if (r)
		return r;
	if (mag > (u64)lim + (neg ? 1 : 0))
		return -2;
	*val = neg ? -(s64)mag : (s64)mag;
	return 0;
}

/* [%rN], [%rN+off], [%rN-off] */
static int parse_mem(struct asm_state *st, const char *s, u8 *reg, s16 *off)
{
	char buf[64], *p, *q;
	s64 v = 0;
	size_t n = strlen(s);
	int r;

	if (n < 2 || s[0] != '[' || s[n - 1] != ']' || n - 2 >= sizeof(buf))
		return asm_error(st, "Invalid memory operand '%s' (expected [%%rN+off])",
				 s);
	memcpy(buf, s + 1, n - 2);
	buf[n - 2] = '\0';
	p = trim(buf);
	q = p + strcspn(p, "+-");
	if (*q) {
		char num[64];

		num[0] = *q;
		*q = '\0';
		snprintf(num + 1, sizeof(num) - 1, "%s", trim(q + 1));
		if (num[1] == '+' || num[1] == '-' || !num[1])
			return asm_error(st, "Invalid offset in '%s'", s);
		r = parse_signed(num, INT16_MAX, &v);
		if (r == -1)
			return asm_error(st, "Invalid offset in '%s'", s);
		if (r == -2)
			return asm_error(st, "Offset out of 16-bit range: '%s'", s);
	}
	if (parse_reg(st, trim(p), reg))
		return -1;
	*off = (s16)v;
	return 0;
}

/* bpf_insn's registers are bit-fields: set them through these. */
static int reg_dst(struct asm_state *st, const char *s, struct bpf_insn *insn)
{
	u8 r;

	if (parse_reg(st, s, &r))
		return -1;
	insn->dst_reg = r;
	return 0;
}

static int reg_src(struct asm_state *st, const char *s, struct bpf_insn *insn)
{
	u8 r;

	if (parse_reg(st, s, &r))
		return -1;
	insn->src_reg = r;
	return 0;
}

static int mem_dst(struct asm_state *st, const char *s, struct bpf_insn *insn)
{
	u8 r;

	if (parse_mem(st, s, &r, &insn->off))
		return -1;
	insn->dst_reg = r;
	return 0;
}

static int mem_src(struct asm_state *st, const char *s, struct bpf_insn *insn)
{
	u8 r;

	if (parse_mem(st, s, &r, &insn->off))
		return -1;
	insn->src_reg = r;
	return 0;
}

static struct bpf_insn *emit(struct asm_state *st)
{
	struct bpf_insn *insns;

	if (st->len >= ABPF_MAX_INSNS) {
		asm_error(st, "program too long (more than %u slots)",
			  ABPF_MAX_INSNS);
		return NULL;
	}
	insns = grow(st->insns, &st->cap, st->len + 1, sizeof(*insns));
	if (!insns) {
		asm_error(st, "out of memory");
		return NULL;
	}
	st->insns = insns;
	memset(&insns[st->len], 0, sizeof(*insns));
	return &insns[st->len++];
}

/* A jump target: +N / -N / N, or a label resolved at the end. */
static int parse_target(struct asm_state *st, const char *s, u32 slot,
			bool wide, s64 *val)
{
	struct asm_fixup *f;
	int r;

	*val = 0;
	if (*s == '+' || *s == '-' || isdigit((unsigned char)*s)) {
		r = parse_signed(s, wide ? INT32_MAX : INT16_MAX, val);
		if (r == -1)
			return asm_error(st, "Invalid jump target: '%s'", s);
		if (r == -2)
			return asm_error(st, "Jump offset out of %s range: '%s'",
					 wide ? "32-bit" : "16-bit", s);
		return 0;
	}
	if (!is_ident(s))
		return asm_error(st, "Invalid label: '%s'", s);
	f = grow(st->fixups, &st->cap_fixups, st->nr_fixups + 1, sizeof(*f));
	if (!f)
		return asm_error(st, "out of memory");
	st->fixups = f;
	f = &f[st->nr_fixups];
	f->name = strdup(s);
	if (!f->name)
		return asm_error(st, "out of memory");
	f->slot = slot;
	f->line = st->line;
	f->wide = wide;
	st->nr_fixups++;
	return 0;
}

/* The opcode with this mnemonic and form, or -1. */
static int find_opcode(const char *mn, int form)
{
	int op;

	for (op = 0; op < 256; op++) {
		const struct abpf_opcode_info *info = &abpf_opcode_table[op];

		if (info->valid && info->form == form &&
		    !strcmp(info->mnemonic, mn))
			return op;
	}
	return -1;
}

/* A bitmap of the forms that carry this mnemonic. */
static u32 mnemonic_forms(const char *mn)
{
	u32 forms = 0;
	int op;

	for (op = 0; op < 256; op++) {
		const struct abpf_opcode_info *info = &abpf_opcode_table[op];

		if (info->valid && !strcmp(info->mnemonic, mn))
			forms |= 1U << info->form;
	}
	return forms;
}

#define FORM(f)	(1U << ABPF_FORM_##f)

static int want_operands(struct asm_state *st, const char *mn, int nops,
			 int want)
{
	if (nops != want)
		return asm_error(st, "Invalid number of operands for %s: expected %d, got %d",
				 mn, want, nops);
	return 0;
}

static int asm_lock(struct asm_state *st, char *args)
{
	char *ops[MAX_OPERANDS], *word, *rest, *c;
	struct bpf_insn *insn;
	bool fetch = false, w32 = false;
	char name[16];
	int nops = 0, op;
	size_t n;
	s32 imm;

	/* lock [fetch] OP DST, SRC */
	word = args;
	rest = word + strcspn(word, " \t");
	if (*rest)
		*rest++ = '\0';
	if (!strcmp(word, "fetch")) {
		fetch = true;
		word = trim(rest);
		rest = word + strcspn(word, " \t");
		if (*rest)
			*rest++ = '\0';
	}
	rest = trim(rest);
	while (*rest && nops < MAX_OPERANDS) {
		c = strchr(rest, ',');
		if (c)
			*c = '\0';
		ops[nops++] = trim(rest);
		if (!c)
			break;
		rest = c + 1;
	}
	if (!*word || nops != 2 || !*ops[0] || !*ops[1])
		return asm_error(st, "Invalid number of operands for lock (expected: lock [fetch] OP [%%rN+off], %%rM)");

	n = strlen(word);
	if (n > 2 && !strcmp(word + n - 2, "32")) {
		w32 = true;
		n -= 2;
	}
	if (n >= sizeof(name))
		return asm_error(st, "Invalid atomic operation: '%s'", word);
	memcpy(name, word, n);
	name[n] = '\0';
	if (!strcmp(name, "add"))
		imm = BPF_ADD;
	else if (!strcmp(name, "or"))
		imm = BPF_OR;
	else if (!strcmp(name, "and"))
		imm = BPF_AND;
	else if (!strcmp(name, "xor"))
		imm = BPF_XOR;
	else if (!strcmp(name, "xchg") && !fetch)
		imm = BPF_XCHG;
	else if (!strcmp(name, "cmpxchg") && !fetch)
		imm = BPF_CMPXCHG;
	else
		return asm_error(st, "Invalid atomic operation: '%s%s'",
				 fetch ? "fetch " : "", word);
	if (fetch)
		imm |= BPF_FETCH;

	op = BPF_STX | BPF_ATOMIC | (w32 ? BPF_W : BPF_DW);
	insn = emit(st);
	if (!insn)
		return -1;
	insn->code = op;
	insn->imm = imm;
	if (mem_dst(st, ops[0], insn))
		return -1;
	return reg_src(st, ops[1], insn);
}

static int asm_call_local(struct asm_state *st, char *target)
{
	struct bpf_insn *insn;
	s64 v;

	target = trim(target);
	if (!*target || strpbrk(target, ", \t"))
		return asm_error(st, "Invalid number of operands for call local: expected 1 target");
	insn = emit(st);
	if (!insn)
		return -1;
	insn->code = BPF_JMP | BPF_CALL;
	insn->src_reg = BPF_PSEUDO_CALL;
	if (parse_target(st, target, st->len - 1, true, &v))
		return -1;
	insn->imm = (s32)v;
	return 0;
}

static int asm_call(struct asm_state *st, char **ops, int nops)
{
	struct bpf_insn *insn;
	u8 reg;

	if (want_operands(st, "call", nops, 1))
		return -1;
	if (looks_like_reg(ops[0])) {
		if (parse_reg(st, ops[0], &reg))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		insn->code = BPF_JMP | BPF_CALL | BPF_X;
		insn->dst_reg = reg;
		return 0;
	}
	insn = emit(st);
	if (!insn)
		return -1;
	insn->code = BPF_JMP | BPF_CALL;
	return parse_imm32(st, ops[0], &insn->imm);
}

static int asm_insn_directive(struct asm_state *st, char **ops, int nops)
{
	struct bpf_insn *insn;
	u64 w;
	bool neg, hex;

	if (want_operands(st, ".insn", nops, 1))
		return -1;
	if (parse_number(ops[0], &neg, &hex, &w) || neg)
		return asm_error(st, "Invalid .insn word: '%s' (expected a 64-bit value)",
				 ops[0]);
	insn = emit(st);
	if (!insn)
		return -1;
	insn->code = w & 0xff;
	insn->dst_reg = (w >> 8) & 0xf;
	insn->src_reg = (w >> 12) & 0xf;
	insn->off = (s16)(u16)(w >> 16);
	insn->imm = (s32)(u32)(w >> 32);
	return 0;
}

/* le16 be32 bswap64 swap16 ... */
static int asm_end(struct asm_state *st, const char *mn, char **ops, int nops)
{
	static const char *const kinds[] = { "le", "be", "bswap", "swap" };
	struct bpf_insn *insn;
	size_t i, n;
	int op, bits;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		n = strlen(kinds[i]);
		if (strncmp(mn, kinds[i], n))
			continue;
		if (strcmp(mn + n, "16") && strcmp(mn + n, "32") &&
		    strcmp(mn + n, "64"))
			continue;
		bits = atoi(mn + n);
		op = find_opcode(i == 3 ? "bswap" : kinds[i], ABPF_FORM_END);
		if (op < 0)
			return 1;
		if (want_operands(st, mn, nops, 1))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		insn->code = op;
		insn->imm = bits;
		return reg_dst(st, ops[0], insn);
	}
	return 1;	/* not an end mnemonic */
}

/* movsx{8,16,32}{32,64} */
static int asm_movsx(struct asm_state *st, const char *mn, char **ops,
		     int nops)
{
	static const struct { const char *name; u8 cls; s16 bits; } v[] = {
		{ "movsx832", BPF_ALU, 8 },  { "movsx1632", BPF_ALU, 16 },
		{ "movsx864", BPF_ALU64, 8 }, { "movsx1664", BPF_ALU64, 16 },
		{ "movsx3264", BPF_ALU64, 32 },
	};
	struct bpf_insn *insn;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		if (strcmp(mn, v[i].name))
			continue;
		if (want_operands(st, mn, nops, 2))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		insn->code = v[i].cls | BPF_MOV | BPF_X;
		insn->off = v[i].bits;
		if (reg_dst(st, ops[0], insn))
			return -1;
		return reg_src(st, ops[1], insn);
	}
	return 1;
}

static int asm_generic(struct asm_state *st, const char *mn, char **ops,
		       int nops)
{
	const char *base = mn;
	struct bpf_insn *insn;
	bool sign = false;
	u32 forms;
	s64 v;
	u64 imm64 = 0;

	if (mn[0] == 's' && (!strncmp(mn + 1, "div", 3) ||
			     !strncmp(mn + 1, "mod", 3))) {
		sign = true;
		base = mn + 1;
	}
	forms = mnemonic_forms(base);
	if (forms & (FORM(ALU_K) | FORM(ALU_X))) {
		if (want_operands(st, mn, nops, 2))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		insn->off = sign;
		if (reg_dst(st, ops[0], insn))
			return -1;
		if (looks_like_reg(ops[1])) {
			insn->code = find_opcode(base, ABPF_FORM_ALU_X);
			return reg_src(st, ops[1], insn);
		}
		insn->code = find_opcode(base, ABPF_FORM_ALU_K);
		return parse_imm32(st, ops[1], &insn->imm);
	}
	if (sign)
		forms = 0;
	if (forms & (FORM(JCOND_K) | FORM(JCOND_X))) {
		if (want_operands(st, mn, nops, 3))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		if (reg_dst(st, ops[0], insn))
			return -1;
		if (looks_like_reg(ops[1])) {
			insn->code = find_opcode(base, ABPF_FORM_JCOND_X);
			if (reg_src(st, ops[1], insn))
				return -1;
		} else {
			insn->code = find_opcode(base, ABPF_FORM_JCOND_K);
			if (parse_imm32(st, ops[1], &insn->imm))
				return -1;
		}
		if (parse_target(st, ops[2], st->len - 1, false, &v))
			return -1;
		insn->off = (s16)v;
		return 0;
	}
	if (forms & FORM(NEG)) {
		if (want_operands(st, mn, nops, 1))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		insn->code = find_opcode(base, ABPF_FORM_NEG);
		return reg_dst(st, ops[0], insn);
	}
	if (forms & (FORM(JA) | FORM(JA32))) {
		bool wide = forms & FORM(JA32);

		if (want_operands(st, mn, nops, 1))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		insn->code = find_opcode(base, wide ? ABPF_FORM_JA32 :
					 ABPF_FORM_JA);
		if (parse_target(st, ops[0], st->len - 1, wide, &v))
			return -1;
		if (wide)
			insn->imm = (s32)v;
		else
			insn->off = (s16)v;
		return 0;
	}
	if (forms & FORM(EXIT)) {
		if (want_operands(st, mn, nops, 0))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		insn->code = find_opcode(base, ABPF_FORM_EXIT);
		if (st->first_exit < 0)
			st->first_exit = st->len - 1;
		return 0;
	}
	if (forms & FORM(LDDW)) {
		u8 dst;

		if (want_operands(st, mn, nops, 2))
			return -1;
		if (parse_reg(st, ops[0], &dst) ||
		    parse_imm64(st, ops[1], &imm64))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		insn->code = find_opcode(base, ABPF_FORM_LDDW);
		insn->dst_reg = dst;
		insn->imm = (s32)(u32)imm64;
		insn = emit(st);
		if (!insn)
			return -1;
		insn->imm = (s32)(u32)(imm64 >> 32);
		return 0;
	}
	if (forms & FORM(LD_ABS)) {
		if (want_operands(st, mn, nops, 1))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		insn->code = find_opcode(base, ABPF_FORM_LD_ABS);
		return parse_imm32(st, ops[0], &insn->imm);
	}
	if (forms & FORM(LD_IND)) {
		if (want_operands(st, mn, nops, 2))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		insn->code = find_opcode(base, ABPF_FORM_LD_IND);
		if (reg_src(st, ops[0], insn))
			return -1;
		return parse_imm32(st, ops[1], &insn->imm);
	}
	if (forms & FORM(LDX)) {
		if (want_operands(st, mn, nops, 2))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		insn->code = find_opcode(base, ABPF_FORM_LDX);
		if (reg_dst(st, ops[0], insn))
			return -1;
		return mem_src(st, ops[1], insn);
	}
	if (forms & (FORM(ST) | FORM(STX))) {
		if (want_operands(st, mn, nops, 2))
			return -1;
		insn = emit(st);
		if (!insn)
			return -1;
		if (mem_dst(st, ops[0], insn))
			return -1;
		if (forms & FORM(STX)) {
			insn->code = find_opcode(base, ABPF_FORM_STX);
			return reg_src(st, ops[1], insn);
		}
		insn->code = find_opcode(base, ABPF_FORM_ST);
		return parse_imm32(st, ops[1], &insn->imm);
	}
	return asm_error(st, "Invalid mnemonic: '%s'", mn);
}

static int add_label(struct asm_state *st, const char *name)
{
	struct asm_label *l;
	u32 i;

	if (!is_ident(name))
		return asm_error(st, "Invalid label name: '%s'", name);
	for (i = 0; i < st->nr_labels; i++)
		if (!strcmp(st->labels[i].name, name))
			return asm_error(st, "Duplicate label: '%s'", name);
	l = grow(st->labels, &st->cap_labels, st->nr_labels + 1, sizeof(*l));
	if (!l)
		return asm_error(st, "out of memory");
	st->labels = l;
	l[st->nr_labels].name = strdup(name);
	if (!l[st->nr_labels].name)
		return asm_error(st, "out of memory");
	l[st->nr_labels].slot = st->len;
	st->nr_labels++;
	return 0;
}

static int asm_line(struct asm_state *st, char *line)
{
	char *ops[MAX_OPERANDS + 1], *mn, *args, *p, *c;
	int nops = 0, r;

	p = strchr(line, '#');
	if (p)
		*p = '\0';
	line = trim(line);

	/* Labels: "name:" possibly followed by an instruction. */
	for (;;) {
		size_t n = strcspn(line, " \t");

		if (!n || line[n - 1] != ':')
			break;
		line[n - 1] = '\0';
		if (add_label(st, line))
			return -1;
		line = trim(line + n);
	}
	if (!*line)
		return 0;

	mn = line;
	args = mn + strcspn(mn, " \t");
	if (*args)
		*args++ = '\0';
	args = trim(args);

	if (!strcmp(mn, "lock"))
		return asm_lock(st, args);
	if (!strcmp(mn, "call") && !strncmp(args, "local", 5) &&
	    isspace((unsigned char)args[5]))
		return asm_call_local(st, args + 5);

	if (*args) {
		p = args;
		for (;;) {
			c = strchr(p, ',');
			if (c)
				*c = '\0';
			if (nops == MAX_OPERANDS)
				return asm_error(st, "Invalid number of operands for %s: too many",
						 mn);
			ops[nops++] = trim(p);
			if (!*ops[nops - 1])
				return asm_error(st, "Invalid operand list for %s: empty operand",
						 mn);
			if (!c)
				break;
			p = c + 1;
		}
		/* "a b" without a comma is one malformed operand. */
		for (r = 0; r < nops; r++)
			if (strpbrk(ops[r], " \t"))
				return asm_error(st, "Invalid operand '%s' for %s (missing comma?)",
						 ops[r], mn);
	}

	if (!strcmp(mn, "call"))
		return asm_call(st, ops, nops);
	if (!strcmp(mn, ".insn"))
		return asm_insn_directive(st, ops, nops);
	if (mn[0] == '.')
		return asm_error(st, "Unknown directive: '%s'", mn);
	r = asm_end(st, mn, ops, nops);
	if (r <= 0)
		return r;
	r = asm_movsx(st, mn, ops, nops);
	if (r <= 0)
		return r;
	return asm_generic(st, mn, ops, nops);
}

static void asm_state_free(struct asm_state *st)
{
	u32 i;

	for (i = 0; i < st->nr_labels; i++)
		free(st->labels[i].name);
	for (i = 0; i < st->nr_fixups; i++)
		free(st->fixups[i].name);
	free(st->labels);
	free(st->fixups);
	free(st->insns);
}

static int resolve(struct asm_state *st)
{
	u32 i, j;

	for (i = 0; i < st->nr_fixups; i++) {
		struct asm_fixup *f = &st->fixups[i];
		s64 target = -1, rel;

		for (j = 0; j < st->nr_labels; j++)
			if (!strcmp(st->labels[j].name, f->name))
				target = st->labels[j].slot;
		if (target < 0 && !strcmp(f->name, "exit"))
			target = st->first_exit;
		st->line = f->line;
		if (target < 0)
			return asm_error(st, "Invalid label: '%s' (not defined)",
					 f->name);
		rel = target - ((s64)f->slot + 1);
		if (f->wide) {
			st->insns[f->slot].imm = (s32)rel;
		} else {
			if (rel < INT16_MIN || rel > INT16_MAX)
				return asm_error(st, "Jump to '%s' out of 16-bit offset range (%lld)",
						 f->name, (long long)rel);
			st->insns[f->slot].off = (s16)rel;
		}
	}
	return 0;
}

int asm_assemble(const char *text, int first_line, struct bpf_insn **insns,
		 u32 *len, char *err, size_t errlen)
{
	struct asm_state st = {
		.first_exit = -1, .err = err, .errlen = errlen,
	};
	char *copy, *line, *next;
	int ret = -1;

	if (errlen)
		err[0] = '\0';
	copy = strdup(text ? text : "");
	if (!copy) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	st.line = first_line - 1;
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		st.line++;
		if (asm_line(&st, line))
			goto out;
	}
	if (!st.len) {
		st.line = first_line;
		asm_error(&st, "empty program (no instructions)");
		goto out;
	}
	if (resolve(&st))
		goto out;
	*insns = st.insns;
	*len = st.len;
	st.insns = NULL;
	ret = 0;
out:
	asm_state_free(&st);
	free(copy);
	return ret;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int asm_parse_raw(const char *text, int first_line, struct bpf_insn **insns,
		  u32 *len, char *err, size_t errlen)
{
	size_t nbytes = 0, cap = 0;
	u8 *bytes = NULL, *nb;
	const char *p = text ? text : "";
	int line = first_line;

	while (*p) {
		const char *tok;
		size_t n, i;
		u64 w = 0;
		bool word;

		if (*p == '\n') {
			line++;
			p++;
			continue;
		}
		if (isspace((unsigned char)*p) || *p == ',') {
			p++;
			continue;
		}
		if (*p == '#') {
			p += strcspn(p, "\n");
			continue;
		}
		tok = p;
		n = strcspn(p, " \t\r\n,#");
		p += n;
		word = n > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X');
		if (word) {
			tok += 2;
			n -= 2;
		}
		if ((!word && n != 2) || (word && n > 16) ||
		    (word && nbytes % 8)) {
			set_err(err, errlen, "line %d: invalid raw token '%.*s' (expected hex bytes or 0x-prefixed 64-bit words)",
				line, (int)(n + (word ? 2 : 0)),
				tok - (word ? 2 : 0));
			goto fail;
		}
		for (i = 0; i < n; i++) {
			int d = hexval((unsigned char)tok[i]);

			if (d < 0) {
				set_err(err, errlen, "line %d: invalid hex digit in '%.*s'",
					line, (int)n, tok);
				goto fail;
			}
			w = w << 4 | d;
		}
		if (nbytes + 8 > cap) {
			cap = cap ? cap * 2 : 256;
			nb = realloc(bytes, cap);
			if (!nb) {
				set_err(err, errlen, "out of memory");
				goto fail;
			}
			bytes = nb;
		}
		if (word) {
			for (i = 0; i < 8; i++)
				bytes[nbytes++] = w >> (8 * i);
		} else {
			bytes[nbytes++] = w;
		}
	}
	if (!nbytes) {
		set_err(err, errlen, "line %d: empty program (no instructions)",
			first_line);
		goto fail;
	}
	if (nbytes % 8) {
		set_err(err, errlen, "raw program of %zu bytes is not a whole number of 8-byte instructions",
			nbytes);
		goto fail;
	}
	if (nbytes / 8 > ABPF_MAX_INSNS) {
		set_err(err, errlen, "program too long (%zu slots)", nbytes / 8);
		goto fail;
	}
	*insns = (struct bpf_insn *)bytes;
	*len = nbytes / 8;
	return 0;
fail:
	free(bytes);
	return -1;
}

int asm_parse_hex(const char *text, u8 **bytes, u32 *len, char *err,
		  size_t errlen)
{
	size_t n = strlen(text), nb = 0;
	const char *p;
	u8 *out;
	int hi = -1;

	out = malloc(n / 2 + 1);
	if (!out) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	for (p = text; *p; p++) {
		int d;

		if (isspace((unsigned char)*p)) {
			/* "1 2" is two incomplete bytes, not 0x12 */
			if (hi >= 0) {
				set_err(err, errlen,
					"incomplete hex byte before offset %zu",
					(size_t)(p - text));
				free(out);
				return -1;
			}
			continue;
		}
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hi < 0 &&
		    (p == text || isspace((unsigned char)p[-1]))) {
			p++;
			continue;
		}
		d = hexval((unsigned char)*p);
		if (d < 0) {
			set_err(err, errlen, "invalid hex digit '%c' at offset %zu",
				isprint((unsigned char)*p) ? *p : '?',
				(size_t)(p - text));
			free(out);
			return -1;
		}
		if (hi < 0) {
			hi = d;
		} else {
			out[nb++] = hi << 4 | d;
			hi = -1;
		}
	}
	if (hi >= 0) {
		set_err(err, errlen, "odd number of hex digits");
		free(out);
		return -1;
	}
	*bytes = out;
	*len = nb;
	return 0;
}

bool data_looks_like(const char *text)
{
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, "-- ", 3))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

enum { SEC_NONE, SEC_ASM, SEC_RAW, SEC_MEM, SEC_RESULT, SEC_ERROR,
	SEC_IGNORE };

static const struct {
	const char *name;
	int sec;
} data_sections[] = {
	{ "asm", SEC_ASM }, { "raw", SEC_RAW }, { "mem", SEC_MEM },
	{ "result", SEC_RESULT }, { "error", SEC_ERROR },
	{ "no register offset", SEC_IGNORE }, { "c", SEC_IGNORE },
};

static int finish_section(struct data_file *df, int sec, const char *start,
			  const char *end, int line, char *err, size_t errlen)
{
	char *s = strndup(start, end - start), *t;
	bool neg, hex;
	u64 v;
	int ret = 0;

	if (!s) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	switch (sec) {
	case SEC_ASM:
		df->asm_text = s;
		df->asm_line = line;
		return 0;
	case SEC_RAW:
		df->raw_text = s;
		df->raw_line = line;
		return 0;
	case SEC_ERROR:
		df->has_error = true;
		df->error_text = strdup(trim(s));
		break;
	case SEC_MEM:
		df->has_mem = true;
		if (asm_parse_hex(s, &df->mem, &df->mem_len, err, errlen) < 0)
			ret = -1;
		break;
	case SEC_RESULT:
		t = strchr(s, '#');
		if (t)
			*t = '\0';
		t = trim(s);
		if (parse_number(t, &neg, &hex, &v)) {
			set_err(err, errlen, "line %d: invalid result '%s'",
				line, t);
			ret = -1;
			break;
		}
		df->has_result = true;
		df->result = neg ? 0 - v : v;
		break;
	}
	free(s);
	return ret;
}

int data_parse(const char *text, struct data_file *df, char *err,
	       size_t errlen)
{
	const char *p = text, *sec_start = NULL;
	int sec = SEC_NONE, line = 0, sec_line = 0;
	u32 seen = 0;

	memset(df, 0, sizeof(*df));
	if (errlen)
		err[0] = '\0';
	for (;;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		bool header = n >= 2 && p[0] == '-' && p[1] == '-';

		line++;
		if (header || !*p) {
			if (sec != SEC_NONE &&
			    finish_section(df, sec, sec_start, p, sec_line,
					   err, errlen))
				goto fail;
			sec = SEC_NONE;
		}
		if (!*p)
			break;
		if (header) {
			char name[64];
			size_t i, m;
			const char *q = p + 2;

			while (q < p + n && isspace((unsigned char)*q))
				q++;
			m = p + n - q;
			while (m && isspace((unsigned char)q[m - 1]))
				m--;
			if (m >= sizeof(name))
				m = sizeof(name) - 1;
			memcpy(name, q, m);
			name[m] = '\0';
			for (i = 0; i < ARRAY_SIZE(data_sections); i++)
				if (!strcmp(name, data_sections[i].name))
					break;
			if (i == ARRAY_SIZE(data_sections)) {
				set_err(err, errlen, "line %d: unknown directive '-- %s'",
					line, name);
				goto fail;
			}
			sec = data_sections[i].sec;
			if (sec != SEC_IGNORE && (seen & (1U << sec))) {
				set_err(err, errlen, "line %d: duplicate section '-- %s'",
					line, name);
				goto fail;
			}
			seen |= 1U << sec;
			sec_start = eol ? eol + 1 : p + n;
			sec_line = line + 1;
		}
		if (!eol) {
			p += n;
			/* loop once more to close the last section */
			continue;
		}
		p = eol + 1;
	}
	return 0;
fail:
	data_free(df);
	return -1;
}

int data_program(const struct data_file *df, struct bpf_insn **insns,
		 u32 *len, char *err, size_t errlen)
{
	if (df->asm_text)
		return asm_assemble(df->asm_text, df->asm_line, insns, len,
				    err, errlen);
	if (df->raw_text)
		return asm_parse_raw(df->raw_text, df->raw_line, insns, len,
				     err, errlen);
	set_err(err, errlen, "no program (neither an -- asm nor a -- raw section)");
	return -1;
}

void data_free(struct data_file *df)
{
	free(df->asm_text);
	free(df->raw_text);
	free(df->mem);
	free(df->error_text);
	memset(df, 0, sizeof(*df));
}

char *read_whole_file(const char *path, size_t *lenp)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t len = 0, cap = 4096, n;
	char *buf, *nb;
	int e;

	if (!f)
		return NULL;
	buf = malloc(cap);
	if (!buf)
		goto fail;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len - 1 == 0) {
			if (cap > (1U << 30)) {
				errno = EFBIG;
				goto fail;
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
	}
	if (ferror(f)) {
		errno = EIO;
		goto fail;
	}
	buf[len] = '\0';
	if (f != stdin)
		fclose(f);
	if (lenp)
		*lenp = len;
	return buf;
fail:
	e = errno;
	free(buf);
	if (f != stdin)
		fclose(f);
	errno = e;
	return NULL;
}
