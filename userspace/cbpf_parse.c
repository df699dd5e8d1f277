// SPDX-License-Identifier: GPL-2.0
/*
 * cbpf_parse.c - classic BPF from tcpdump -dd / -ddd / -d text, raw
 * struct sock_filter bytes and the kernel's bpf_asm syntax; and back.
 */
#include <ctype.h>
#include <stdarg.h>

#include "cbpf_parse.h"

#define CBPF_PARSE_MAX	65536	/* the checker enforces 4096 */

static const char *const form_names[] = {
	[CBPF_FORM_AUTO] = "auto",
	[CBPF_FORM_DD] = "dd",
	[CBPF_FORM_DDD] = "ddd",
	[CBPF_FORM_RAW] = "raw",
	[CBPF_FORM_ASM] = "asm",
	[CBPF_FORM_LIST] = "list",
};

int cbpf_form_parse(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(form_names); i++)
		if (!strcmp(name, form_names[i]))
			return i;
	return -1;
}

const char *cbpf_form_name(int form)
{
	if (form < 0 || (size_t)form >= ARRAY_SIZE(form_names))
		return "?";
	return form_names[form];
}

static int perr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A growing instruction array. */
struct prog_buf {
	struct abpf_cbpf_insn *f;
	u32 len, cap;
};

static int prog_push(struct prog_buf *p, u16 code, u8 jt, u8 jf, u32 k)
{
	if (p->len == p->cap) {
		u32 cap = p->cap ? p->cap * 2 : 64;
		struct abpf_cbpf_insn *n;

		if (p->len >= CBPF_PARSE_MAX)
			return -1;
		n = realloc(p->f, cap * sizeof(*n));
		if (!n)
			return -1;
		p->f = n;
		p->cap = cap;
	}
	p->f[p->len++] = (struct abpf_cbpf_insn){ code, jt, jf, k };
	return 0;
}

/* Is the byte string text (no NUL, no control bytes but blanks)? */
static bool is_text(const u8 *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (b[i] == '\n' || b[i] == '\r' || b[i] == '\t' ||
		    b[i] == '\f' || b[i] == '\v')
			continue;
		if (b[i] < 0x20 || b[i] >= 0x7f)
			return false;
	}
	return true;
}

int cbpf_detect(const void *buf, size_t len)
{
	const char *s = buf, *end = s + len, *p;
	bool all_num = true, any = false;

	if (!len || !is_text(buf, len))
		return CBPF_FORM_RAW;
	if (memchr(s, '{', len))
		return CBPF_FORM_DD;
	for (p = s; p < end && isspace((unsigned char)*p); p++)
		;
	if (p < end && *p == '(')
		return CBPF_FORM_LIST;
	for (p = s; p < end; p++) {
		if (isdigit((unsigned char)*p))
			any = true;
		else if (!isspace((unsigned char)*p))
			all_num = false;
	}
	return all_num && any ? CBPF_FORM_DDD : CBPF_FORM_ASM;
}

/* A NUL-terminated copy of buf. */
static char *dup_text(const void *buf, size_t len)
{
	char *t = malloc(len + 1);

	if (t) {
		memcpy(t, buf, len);
		t[len] = '\0';
	}
	return t;
}

/* Number: 0x.., 0b.., 0[0-7].. (octal), decimal, optional sign; u32 range. */
static const char *parse_num(const char *s, u32 *v)
{
	bool neg = false;
	unsigned long long n;
	const char *p = s;
	char *e;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!isdigit((unsigned char)*p))
		return NULL;
	errno = 0;
	if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		n = strtoull(p + 2, &e, 2);
	else
		n = strtoull(p, &e, 0);
	if (errno || e == p || isalnum((unsigned char)*e) || *e == '_')
		return NULL;
	if (neg ? n > 0x80000000ULL : n > 0xffffffffULL)
		return NULL;
	*v = neg ? (u32)-(s64)n : (u32)n;
	return e;
}

/* ---- tcpdump -dd ---- */

static u32 line_of(const char *text, const char *p)
{
	u32 line = 1;

	for (; text < p; text++)
		if (*text == '\n')
			line++;
	return line;
}

static const char *skip_blank_c(const char *p)
{
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");

			p = e ? e + 2 : p + strlen(p);
		} else if (p[0] == '/' && p[1] == '/') {
			p += strcspn(p, "\n");
		} else {
			return p;
		}
	}
}

static int parse_dd(const char *text, struct prog_buf *pb, char *err,
		    size_t errlen)
{
	const char *p = text;

	for (;;) {
		u32 v[4];
		int i;

		p = skip_blank_c(p);
		if (!*p)
			break;
		if (isdigit((unsigned char)*p) || *p == '-')
			return perr(err, errlen, "line %u: number outside { }",
				    line_of(text, p));
		if (*p != '{') {
			p++;
			continue;
		}
		p = skip_blank_c(p + 1);
		if (*p == '{' || !*p)
			continue;	/* the array's own brace */
		if (!isdigit((unsigned char)*p)) {
			p++;
			continue;	/* e.g. an initializer we do not know */
		}
		for (i = 0; i < 4; i++) {
			const char *e;

			p = skip_blank_c(p);
			e = parse_num(p, &v[i]);
			if (!e)
				return perr(err, errlen,
					    "line %u: expected a number in { code, jt, jf, k }",
					    line_of(text, p));
			p = skip_blank_c(e);
			if (i < 3) {
				if (*p != ',')
					return perr(err, errlen,
						    "line %u: expected ',' in { code, jt, jf, k }",
						    line_of(text, p));
				p++;
			}
		}
		if (*p == ',')	/* tolerate a trailing comma */
			p = skip_blank_c(p + 1);
		if (*p != '}')
			return perr(err, errlen, "line %u: expected '}'",
				    line_of(text, p));
		p++;
		if (v[0] > 0xffff || v[1] > 0xff || v[2] > 0xff)
			return perr(err, errlen,
				    "line %u: code, jt or jf out of range",
				    line_of(text, p));
		if (prog_push(pb, v[0], v[1], v[2], v[3]))
			return perr(err, errlen, "too many instructions");
	}
	if (!pb->len)
		return perr(err, errlen, "no { code, jt, jf, k } entries found");
	return 0;
}

/* ---- tcpdump -ddd ---- */

static int parse_ddd(const char *text, struct prog_buf *pb, char *err,
		     size_t errlen)
{
	const char *p = text;
	u32 line = 0, count = 0;
	bool have_count = false;

	while (*p) {
		const char *eol = p + strcspn(p, "\n");
		u32 v[4], n = 0;

		line++;
		while (p < eol) {
			const char *e;

			while (p < eol && isspace((unsigned char)*p))
				p++;
			if (p == eol)
				break;
			e = parse_num(p, &v[n < 4 ? n : 3]);
			if (!e || e > eol)
				return perr(err, errlen, "line %u: expected a decimal number",
					    line);
			n++;
			p = e;
		}
		p = *eol ? eol + 1 : eol;
		if (!n)
			continue;
		if (!have_count) {
			if (n != 1)
				return perr(err, errlen,
					    "line %u: expected the instruction count", line);
			count = v[0];
			have_count = true;
			continue;
		}
		if (n != 4)
			return perr(err, errlen,
				    "line %u: expected 'code jt jf k' (4 numbers, got %u)",
				    line, n);
		if (v[0] > 0xffff || v[1] > 0xff || v[2] > 0xff)
			return perr(err, errlen, "line %u: code, jt or jf out of range",
				    line);
		if (prog_push(pb, v[0], v[1], v[2], v[3]))
			return perr(err, errlen, "too many instructions");
	}
	if (!have_count)
		return perr(err, errlen, "empty input");
	if (count != pb->len)
		return perr(err, errlen, "count says %u instructions, %u follow",
			    count, pb->len);
	return 0;
}

/* ---- raw struct sock_filter ---- */

static int parse_raw(const u8 *b, size_t len, struct prog_buf *pb, char *err,
		     size_t errlen)
{
	size_t i;

	if (!len)
		return perr(err, errlen, "empty input");
	if (len % 8)
		return perr(err, errlen,
			    "offset %zu: %zu bytes is not a multiple of 8 (struct sock_filter)",
			    len - len % 8, len);
	for (i = 0; i < len; i += 8) {
		u16 code = b[i] | b[i + 1] << 8;
		u32 k = (u32)b[i + 4] | (u32)b[i + 5] << 8 |
			(u32)b[i + 6] << 16 | (u32)b[i + 7] << 24;

		if (prog_push(pb, code, b[i + 2], b[i + 3], k))
			return perr(err, errlen, "offset %zu: too many instructions", i);
	}
	return 0;
}

/* ---- bpf_asm and tcpdump -d ---- */

enum { T_END, T_IDENT, T_NUM, T_PUNCT };

struct tok {
	int type;
	char s[64];		/* identifier text or the punctuation char */
	u32 v;
};

#define MAX_TOKS	32

struct aline {
	struct tok t[MAX_TOKS + 1];
	int n, pos;
	u32 line;
	bool listing;		/* tcpdump -d: absolute jump targets */
	u32 index;		/* tcpdump -d: the (NNN) prefix */
};

struct jfix {
	u32 insn, line;
	int field;		/* 0 jt, 1 jf, 2 k (ja) */
	char label[64];
};

struct asm_state {
	struct prog_buf *pb;
	struct jfix *fix;
	u32 nr_fix, cap_fix;
	char (*lname)[64];
	u32 *lpos;
	u32 nr_lab, cap_lab;
	char pending[8][64];
	u32 nr_pending;
	char *err;
	size_t errlen;
};

static int lex_line(const char *s, struct aline *l, char *err, size_t errlen)
{
	l->n = 0;
	l->pos = 0;
	while (*s) {
		struct tok *t = &l->t[l->n];

		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		if (l->n >= MAX_TOKS)
			return perr(err, errlen, "line %u: too many tokens", l->line);
		if (isalpha((unsigned char)*s) || *s == '_') {
			size_t n = 0;

			while (isalnum((unsigned char)s[n]) || s[n] == '_')
				n++;
			if (n >= sizeof(t->s))
				return perr(err, errlen, "line %u: identifier too long",
					    l->line);
			t->type = T_IDENT;
			memcpy(t->s, s, n);
			t->s[n] = '\0';
			s += n;
		} else if (isdigit((unsigned char)*s) ||
			   (*s == '-' && isdigit((unsigned char)s[1]))) {
			const char *e = parse_num(s, &t->v);

			if (!e)
				return perr(err, errlen, "line %u: bad number '%.20s'",
					    l->line, s);
			t->type = T_NUM;
			s = e;
		} else if (strchr(":,#%[]()+*&", *s)) {
			t->type = T_PUNCT;
			t->s[0] = *s++;
			t->s[1] = '\0';
		} else {
			return perr(err, errlen, "line %u: unexpected character '%c'",
				    l->line, *s);
		}
		l->n++;
	}
	l->t[l->n].type = T_END;
	strcpy(l->t[l->n].s, "end of line");
	return 0;
}

static struct tok *peek(struct aline *l)
{
	return &l->t[l->pos];
}

static bool accept_p(struct aline *l, char c)
{
	struct tok *t = peek(l);

	if (t->type == T_PUNCT && t->s[0] == c) {
		l->pos++;
		return true;
	}
	return false;
}

static bool accept_id(struct aline *l, const char *name)
{
	struct tok *t = peek(l);

	if (t->type == T_IDENT && !strcmp(t->s, name)) {
		l->pos++;
		return true;
	}
	return false;
}

static int unexpected(struct asm_state *as, struct aline *l, const char *what)
{
	struct tok *t = peek(l);

	if (t->type == T_NUM)
		return perr(as->err, as->errlen, "line %u: expected %s, got %u",
			    l->line, what, t->v);
	return perr(as->err, as->errlen, "line %u: expected %s, got '%s'",
		    l->line, what, t->s);
}

static int expect_p(struct asm_state *as, struct aline *l, char c)
{
	char what[4] = { '\'', c, '\'', 0 };

	return accept_p(l, c) ? 0 : unexpected(as, l, what);
}

static int expect_num(struct asm_state *as, struct aline *l, u32 *v)
{
	struct tok *t = peek(l);

	if (t->type != T_NUM)
		return unexpected(as, l, "a number");
	*v = t->v;
	l->pos++;
	return 0;
}

/* x or %x */
static bool accept_x(struct aline *l)
{
	int save = l->pos;

	accept_p(l, '%');
	if (accept_id(l, "x"))
		return true;
	l->pos = save;
	return false;
}

static const struct {
	const char *name;
	u32 off;
} ext_names[] = {
	{ "proto", SKF_AD_PROTOCOL }, { "type", SKF_AD_PKTTYPE },
	{ "poff", SKF_AD_PAY_OFFSET }, { "ifidx", SKF_AD_IFINDEX },
	{ "nla", SKF_AD_NLATTR }, { "nlan", SKF_AD_NLATTR_NEST },
	{ "mark", SKF_AD_MARK }, { "queue", SKF_AD_QUEUE },
	{ "hatype", SKF_AD_HATYPE }, { "rxhash", SKF_AD_RXHASH },
	{ "cpu", SKF_AD_CPU }, { "vlan_tci", SKF_AD_VLAN_TAG },
	{ "vlan_pr", SKF_AD_VLAN_TAG_PRESENT },
	{ "vlan_avail", SKF_AD_VLAN_TAG_PRESENT },
	{ "vlanp", SKF_AD_VLAN_TAG_PRESENT },	/* tcpdump -d */
	{ "vlan_tpid", SKF_AD_VLAN_TPID }, { "rand", SKF_AD_RANDOM },
	{ "random", SKF_AD_RANDOM }, { "xor_x", SKF_AD_ALU_XOR_X },
};

static bool accept_ext(struct aline *l, u32 *k)
{
	struct tok *t = peek(l);
	size_t i;

	if (t->type != T_IDENT)
		return false;
	for (i = 0; i < ARRAY_SIZE(ext_names); i++) {
		if (!strcmp(t->s, ext_names[i].name)) {
			*k = (u32)SKF_AD_OFF + ext_names[i].off;
			l->pos++;
			return true;
		}
	}
	return false;
}

static bool accept_len(struct aline *l)
{
	return accept_id(l, "len") || accept_id(l, "pktlen");
}

static int emit_i(struct asm_state *as, struct aline *l, u16 code, u32 k)
{
	if (prog_push(as->pb, code, 0, 0, k))
		return perr(as->err, as->errlen, "line %u: too many instructions",
			    l->line);
	return 0;
}

/* A jump target: a label (bpf_asm) or an absolute index (tcpdump -d). */
static int jump_target(struct asm_state *as, struct aline *l, u32 insn,
		       int field)
{
	struct tok *t = peek(l);
	struct abpf_cbpf_insn *f = &as->pb->f[insn];

	if (t->type == T_NUM) {
		s64 rel = (s64)t->v - insn - 1;

		if (!l->listing)
			return unexpected(as, l, "a label");
		l->pos++;
		if (rel < 0 || (field < 2 && rel > 255))
			return perr(as->err, as->errlen,
				    "line %u: jump to %u out of range", l->line,
				    t->v);
		if (field == 0)
			f->jt = rel;
		else if (field == 1)
			f->jf = rel;
		else
			f->k = rel;
		return 0;
	}
	if (t->type != T_IDENT)
		return unexpected(as, l, "a label");
	if (as->nr_fix == as->cap_fix) {
		u32 cap = as->cap_fix ? as->cap_fix * 2 : 64;
		struct jfix *n = realloc(as->fix, cap * sizeof(*n));

		if (!n)
			return perr(as->err, as->errlen, "out of memory");
		as->fix = n;
		as->cap_fix = cap;
	}
	as->fix[as->nr_fix] = (struct jfix){ .insn = insn, .line = l->line,
					     .field = field };
	strcpy(as->fix[as->nr_fix++].label, t->s);
	l->pos++;
	return 0;
}

/* ld, ldh, ldb operands (A); size BPF_W/H/B. */
static int asm_ld(struct asm_state *as, struct aline *l, u8 size, bool ld)
{
	u32 k = 0;

	if (accept_p(l, '#')) {
		if (accept_ext(l, &k))
			return emit_i(as, l, BPF_LD | size | BPF_ABS, k);
		if (ld && accept_len(l))
			return emit_i(as, l, BPF_LD | BPF_W | BPF_LEN, 0);
		if (ld && !expect_num(as, l, &k))
			return emit_i(as, l, BPF_LD | BPF_IMM, k);
		return unexpected(as, l, ld ? "a number, len or an extension" :
				  "an extension");
	}
	if (ld && accept_len(l))
		return emit_i(as, l, BPF_LD | BPF_W | BPF_LEN, 0);
	if (accept_ext(l, &k))
		return emit_i(as, l, BPF_LD | size | BPF_ABS, k);
	if (ld && accept_id(l, "M")) {
		if (expect_p(as, l, '[') || expect_num(as, l, &k) ||
		    expect_p(as, l, ']'))
			return -1;
		return emit_i(as, l, BPF_LD | BPF_MEM, k);
	}
	if (expect_p(as, l, '['))
		return -1;
	if (accept_x(l)) {
		if (expect_p(as, l, '+') || expect_num(as, l, &k) ||
		    expect_p(as, l, ']'))
			return -1;
		return emit_i(as, l, BPF_LD | size | BPF_IND, k);
	}
	if (accept_ext(l, &k)) {	/* tcpdump -d: [proto] */
		if (expect_p(as, l, ']'))
			return -1;
		return emit_i(as, l, BPF_LD | size | BPF_ABS, k);
	}
	if (expect_num(as, l, &k) || expect_p(as, l, ']'))
		return -1;
	return emit_i(as, l, BPF_LD | size | BPF_ABS, k);
}

/* 4*([k]&0xf) */
static int asm_msh(struct asm_state *as, struct aline *l)
{
	u32 four = 0, k = 0, mask = 0;

	if (expect_num(as, l, &four) || expect_p(as, l, '*') ||
	    expect_p(as, l, '(') || expect_p(as, l, '[') ||
	    expect_num(as, l, &k) || expect_p(as, l, ']') ||
	    expect_p(as, l, '&') || expect_num(as, l, &mask) ||
	    expect_p(as, l, ')'))
		return -1;
	if (four != 4 || mask != 0xf)
		return perr(as->err, as->errlen,
			    "line %u: only 4*([k]&0xf) exists", l->line);
	return emit_i(as, l, BPF_LDX | BPF_B | BPF_MSH, k);
}

static int asm_ldx(struct asm_state *as, struct aline *l, bool ldxb)
{
	u32 k = 0;

	if (ldxb || peek(l)->type == T_NUM)
		return asm_msh(as, l);
	if (accept_p(l, '#')) {
		if (accept_len(l))
			return emit_i(as, l, BPF_LDX | BPF_W | BPF_LEN, 0);
		if (expect_num(as, l, &k))
			return -1;
		return emit_i(as, l, BPF_LDX | BPF_IMM, k);
	}
	if (accept_len(l))
		return emit_i(as, l, BPF_LDX | BPF_W | BPF_LEN, 0);
	if (accept_id(l, "M")) {
		if (expect_p(as, l, '[') || expect_num(as, l, &k) ||
		    expect_p(as, l, ']'))
			return -1;
		return emit_i(as, l, BPF_LDX | BPF_MEM, k);
	}
	return unexpected(as, l, "#k, len, M[k] or 4*([k]&0xf)");
}

/* #k, x or %x: BPF_K or BPF_X; k in *k. */
static int asm_src(struct asm_state *as, struct aline *l, u8 *src, u32 *k)
{
	*k = 0;
	if (accept_x(l)) {
		*src = BPF_X;
		return 0;
	}
	*src = BPF_K;
	if (expect_p(as, l, '#'))
		return -1;
	return expect_num(as, l, k);
}

static int asm_jcond(struct asm_state *as, struct aline *l, u8 op,
		     int first_field)
{
	u32 k, insn = as->pb->len;
	u8 src;

	if (asm_src(as, l, &src, &k) || emit_i(as, l, BPF_JMP | op | src, k))
		return -1;
	if (l->listing) {
		if (!accept_id(l, "jt"))
			return unexpected(as, l, "jt");
		if (jump_target(as, l, insn, 0))
			return -1;
		if (!accept_id(l, "jf"))
			return unexpected(as, l, "jf");
		return jump_target(as, l, insn, 1);
	}
	if (expect_p(as, l, ',') || jump_target(as, l, insn, first_field))
		return -1;
	if (first_field == 0 && accept_p(l, ','))
		return jump_target(as, l, insn, 1);
	return 0;
}

static const struct {
	const char *name;
	u8 op;
} alu_ops[] = {
	{ "add", BPF_ADD }, { "sub", BPF_SUB }, { "mul", BPF_MUL },
	{ "div", BPF_DIV }, { "mod", BPF_MOD }, { "and", BPF_AND },
	{ "or", BPF_OR }, { "xor", BPF_XOR }, { "lsh", BPF_LSH },
	{ "rsh", BPF_RSH },
};

static int asm_instr(struct asm_state *as, struct aline *l)
{
	struct tok *t = peek(l);
	const char *m = t->s;
	u32 k = 0, insn;
	u8 src;
	size_t i;

	if (t->type != T_IDENT)
		return unexpected(as, l, "an instruction");
	l->pos++;
	if (!strcmp(m, "ld"))
		return asm_ld(as, l, BPF_W, true);
	if (!strcmp(m, "ldh"))
		return asm_ld(as, l, BPF_H, false);
	if (!strcmp(m, "ldb"))
		return asm_ld(as, l, BPF_B, false);
	if (!strcmp(m, "ldi") || !strcmp(m, "ldxi")) {
		accept_p(l, '#');
		if (expect_num(as, l, &k))
			return -1;
		return emit_i(as, l, (m[2] == 'x' ? BPF_LDX : BPF_LD) | BPF_IMM,
			      k);
	}
	if (!strcmp(m, "ldx"))
		return asm_ldx(as, l, false);
	if (!strcmp(m, "ldxb"))
		return asm_ldx(as, l, true);
	if (!strcmp(m, "st") || !strcmp(m, "stx")) {
		if (!accept_id(l, "M"))
			return unexpected(as, l, "M[k]");
		if (expect_p(as, l, '[') || expect_num(as, l, &k) ||
		    expect_p(as, l, ']'))
			return -1;
		return emit_i(as, l, m[2] ? BPF_STX : BPF_ST, k);
	}
	if (!strcmp(m, "ja") || !strcmp(m, "jmp")) {
		insn = as->pb->len;
		if (emit_i(as, l, BPF_JMP | BPF_JA, 0))
			return -1;
		return jump_target(as, l, insn, 2);
	}
	if (!strcmp(m, "jeq"))
		return asm_jcond(as, l, BPF_JEQ, 0);
	if (!strcmp(m, "jneq") || !strcmp(m, "jne"))
		return asm_jcond(as, l, BPF_JEQ, 1);
	if (!strcmp(m, "jlt"))
		return asm_jcond(as, l, BPF_JGE, 1);
	if (!strcmp(m, "jle"))
		return asm_jcond(as, l, BPF_JGT, 1);
	if (!strcmp(m, "jgt"))
		return asm_jcond(as, l, BPF_JGT, 0);
	if (!strcmp(m, "jge"))
		return asm_jcond(as, l, BPF_JGE, 0);
	if (!strcmp(m, "jset"))
		return asm_jcond(as, l, BPF_JSET, 0);
	for (i = 0; i < ARRAY_SIZE(alu_ops); i++) {
		if (strcmp(m, alu_ops[i].name))
			continue;
		if (asm_src(as, l, &src, &k))
			return -1;
		return emit_i(as, l, BPF_ALU | alu_ops[i].op | src, k);
	}
	if (!strcmp(m, "neg"))
		return emit_i(as, l, BPF_ALU | BPF_NEG, 0);
	if (!strcmp(m, "tax"))
		return emit_i(as, l, BPF_MISC | BPF_TAX, 0);
	if (!strcmp(m, "txa"))
		return emit_i(as, l, BPF_MISC | BPF_TXA, 0);
	if (!strcmp(m, "ret")) {
		if (peek(l)->type == T_END && l->listing)
			return emit_i(as, l, BPF_RET | BPF_A, 0);
		accept_p(l, '%');
		if (accept_id(l, "a"))
			return emit_i(as, l, BPF_RET | BPF_A, 0);
		if (accept_id(l, "x"))
			return emit_i(as, l, BPF_RET | BPF_X, 0);
		if (expect_p(as, l, '#') || expect_num(as, l, &k))
			return -1;
		return emit_i(as, l, BPF_RET | BPF_K, k);
	}
	return perr(as->err, as->errlen, "line %u: unknown instruction '%s'",
		    l->line, m);
}

static int add_label(struct asm_state *as, const char *name, u32 line)
{
	u32 i;

	for (i = 0; i < as->nr_pending; i++)
		if (!strcmp(as->pending[i], name))
			goto dup;
	for (i = 0; i < as->nr_lab; i++)
		if (!strcmp(as->lname[i], name))
			goto dup;
	if (as->nr_pending == ARRAY_SIZE(as->pending))
		return perr(as->err, as->errlen, "line %u: too many labels here",
			    line);
	strcpy(as->pending[as->nr_pending++], name);
	return 0;
dup:
	return perr(as->err, as->errlen, "line %u: label '%s' defined twice",
		    line, name);
}

/* Bind the pending labels to instruction @insn. */
static int bind_labels(struct asm_state *as, u32 insn)
{
	u32 i;

	for (i = 0; i < as->nr_pending; i++) {
		if (as->nr_lab == as->cap_lab) {
			u32 cap = as->cap_lab ? as->cap_lab * 2 : 64;
			char (*n)[64] = realloc(as->lname, cap * sizeof(*n));
			u32 *pos;

			if (!n)
				return perr(as->err, as->errlen, "out of memory");
			as->lname = n;
			pos = realloc(as->lpos, cap * sizeof(*pos));
			if (!pos)
				return perr(as->err, as->errlen, "out of memory");
			as->lpos = pos;
			as->cap_lab = cap;
		}
		strcpy(as->lname[as->nr_lab], as->pending[i]);
		as->lpos[as->nr_lab++] = insn;
	}
	as->nr_pending = 0;
	return 0;
}

static int asm_line(struct asm_state *as, struct aline *l)
{
	if (l->listing && l->index != as->pb->len)
		return perr(as->err, as->errlen,
			    "line %u: instruction (%03u) where (%03u) was expected",
			    l->line, l->index, as->pb->len);
	while (peek(l)->type == T_IDENT && l->t[l->pos + 1].type == T_PUNCT &&
	       l->t[l->pos + 1].s[0] == ':') {
		if (add_label(as, peek(l)->s, l->line))
			return -1;
		l->pos += 2;
	}
	if (peek(l)->type == T_END)
		return 0;
	if (bind_labels(as, as->pb->len) || asm_instr(as, l))
		return -1;
	if (peek(l)->type != T_END)
		return unexpected(as, l, "end of line");
	return 0;
}

/* Blank out C comments (keeping newlines for line numbers). */
static void strip_block_comments(char *s)
{
	char *p = s, *e;

	while ((p = strstr(p, "/*"))) {
		e = strstr(p + 2, "*/");
		e = e ? e + 2 : p + strlen(p);
		for (; p < e; p++)
			if (*p != '\n')
				*p = ' ';
	}
}

static int parse_asm(char *text, struct prog_buf *pb, char *err, size_t errlen)
{
	struct asm_state as = { .pb = pb, .err = err, .errlen = errlen };
	struct aline *l = calloc(1, sizeof(*l));
	char *p = text, *eol;
	bool one_line;
	u32 i, j;
	int ret = -1;

	if (!l)
		return perr(err, errlen, "out of memory");
	strip_block_comments(text);
	/* One line of text: ';' separates instructions (else a comment). */
	eol = text + strcspn(text, "\n");
	one_line = !*eol || !eol[1 + strspn(eol + 1, " \t\r\n")];
	while (*p) {
		char *line_end = p + strcspn(p, "\n"), save = *line_end;
		char *seg = p, *c;

		*line_end = '\0';
		l->line++;
		while (seg) {
			char *next = NULL;

			c = strchr(seg, ';');
			if (c) {
				*c = '\0';
				if (one_line)
					next = c + 1;
			}
			if (*(seg + strspn(seg, " \t\r")) != '#') {
				int used = 0;

				/* tcpdump -d: "(012) op operands", decimal */
				l->listing = sscanf(seg, " (%u)%n", &l->index,
						    &used) == 1 && used;
				if (l->listing)
					seg += used;
				if (lex_line(seg, l, err, errlen) ||
				    asm_line(&as, l))
					goto out;
			}
			seg = next;
		}
		*line_end = save;
		p = save ? line_end + 1 : line_end;
	}
	if (as.nr_pending) {
		perr(err, errlen, "label '%s' at the end labels no instruction",
		     as.pending[0]);
		goto out;
	}
	for (i = 0; i < as.nr_fix; i++) {
		struct jfix *fx = &as.fix[i];
		s64 rel;

		for (j = 0; j < as.nr_lab; j++)
			if (!strcmp(as.lname[j], fx->label))
				break;
		if (j == as.nr_lab) {
			perr(err, errlen, "line %u: undefined label '%s'",
			     fx->line, fx->label);
			goto out;
		}
		rel = (s64)as.lpos[j] - fx->insn - 1;
		if (rel < 0 || (fx->field < 2 && rel > 255)) {
			perr(err, errlen, "line %u: label '%s' is %s (offset %lld)",
			     fx->line, fx->label, rel < 0 ? "backwards" :
			     "too far for jt/jf (max 255)", (long long)rel);
			goto out;
		}
		if (fx->field == 0)
			pb->f[fx->insn].jt = rel;
		else if (fx->field == 1)
			pb->f[fx->insn].jf = rel;
		else
			pb->f[fx->insn].k = rel;
	}
	if (!pb->len) {
		perr(err, errlen, "no instructions");
		goto out;
	}
	ret = 0;
out:
	free(as.fix);
	free(as.lname);
	free(as.lpos);
	free(l);
	return ret;
}

int cbpf_parse(const void *buf, size_t len, int form,
	       struct abpf_cbpf_insn **out, u32 *out_len, int *detected,
	       char *err, size_t errlen)
{
	struct prog_buf pb = { 0 };
	char *text = NULL;
	int ret;

	*out = NULL;
	*out_len = 0;
	if (form == CBPF_FORM_AUTO)
		form = cbpf_detect(buf, len);
	if (detected)
		*detected = form;
	if (form != CBPF_FORM_RAW) {
		if (!is_text(buf, len))
			return perr(err, errlen, "binary input is not %s text",
				    cbpf_form_name(form));
		text = dup_text(buf, len);
		if (!text)
			return perr(err, errlen, "out of memory");
	}
	switch (form) {
	case CBPF_FORM_DD:
		ret = parse_dd(text, &pb, err, errlen);
		break;
	case CBPF_FORM_DDD:
		ret = parse_ddd(text, &pb, err, errlen);
		break;
	case CBPF_FORM_RAW:
		ret = parse_raw(buf, len, &pb, err, errlen);
		break;
	case CBPF_FORM_ASM:
	case CBPF_FORM_LIST:
		ret = parse_asm(text, &pb, err, errlen);
		break;
	default:
		ret = perr(err, errlen, "unknown form %d", form);
	}
	free(text);
	if (ret) {
		free(pb.f);
		return ret;
	}
	*out = pb.f;
	*out_len = pb.len;
	return 0;
}

/* ---- output ---- */

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += n;
			return;
		}
		b->cap = (b->cap + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			b->oom = true;
			return;
		}
	}
}

static char *sb_done(struct sbuf *b)
{
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	if (!b->s)
		return calloc(1, 1);
	return b->s;
}

char *cbpf_format_dd(const struct abpf_cbpf_insn *f, u32 len)
{
	struct sbuf b = { 0 };
	u32 i;

	for (i = 0; i < len; i++)
		sb_printf(&b, "{ 0x%x, %d, %d, 0x%08x },\n", f[i].code,
			  f[i].jt, f[i].jf, f[i].k);
	return sb_done(&b);
}

char *cbpf_format_ddd(const struct abpf_cbpf_insn *f, u32 len)
{
	struct sbuf b = { 0 };
	u32 i;

	sb_printf(&b, "%u\n", len);
	for (i = 0; i < len; i++)
		sb_printf(&b, "%u %u %u %u\n", f[i].code, f[i].jt, f[i].jf,
			  f[i].k);
	return sb_done(&b);
}

static const char *size_suffix(u16 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_H:
		return "h";
	case BPF_B:
		return "b";
	}
	return "";
}

char *cbpf_format_asm(const struct abpf_cbpf_insn *f, u32 len)
{
	struct sbuf b = { 0 };
	u8 *target = calloc(len + 1, 1);
	const char *name;
	u32 i;

	if (!target)
		return NULL;
	for (i = 0; i < len; i++) {
		if (f[i].code == (BPF_JMP | BPF_JA) && f[i].k < len - i)
			target[i + 1 + f[i].k] = 1;
		else if (BPF_CLASS(f[i].code) == BPF_JMP) {
			if (i + 1 + f[i].jt <= len)
				target[i + 1 + f[i].jt] = 1;
			if (i + 1 + f[i].jf <= len)
				target[i + 1 + f[i].jf] = 1;
		}
	}
	for (i = 0; i < len; i++) {
		const struct abpf_cbpf_insn *ft = &f[i];
		u16 c = ft->code;
		const char *sx = BPF_SRC(c) == BPF_X ? "x" : NULL;

		if (target[i])
			sb_printf(&b, "L%u:\n", i);
		sb_printf(&b, "\t");
		switch (BPF_CLASS(c)) {
		case BPF_LD:
			if (BPF_SIZE(c) == 0x18 ||
			    (BPF_MODE(c) != BPF_ABS && BPF_MODE(c) != BPF_IND &&
			     BPF_SIZE(c) != BPF_W))
				goto unknown;
			switch (BPF_MODE(c)) {
			case BPF_ABS:
				name = abpf_cbpf_anc_name(ft->k);
				if (name && strcmp(name, "xor_x"))
					sb_printf(&b, "ld%s #%s", size_suffix(c), name);
				else
					sb_printf(&b, "ld%s [%u]", size_suffix(c), ft->k);
				break;
			case BPF_IND:
				sb_printf(&b, "ld%s [x + %u]", size_suffix(c), ft->k);
				break;
			case BPF_LEN:
				sb_printf(&b, "ld #len");
				break;
			case BPF_IMM:
				sb_printf(&b, "ld #0x%x", ft->k);
				break;
			case BPF_MEM:
				sb_printf(&b, "ld M[%u]", ft->k);
				break;
			default:
				goto unknown;
			}
			break;
		case BPF_LDX:
			if (c == (BPF_LDX | BPF_B | BPF_MSH))
				sb_printf(&b, "ldxb 4*([%u]&0xf)", ft->k);
			else if (c == (BPF_LDX | BPF_W | BPF_LEN))
				sb_printf(&b, "ldx #len");
			else if (c == (BPF_LDX | BPF_W | BPF_IMM))
				sb_printf(&b, "ldx #0x%x", ft->k);
			else if (c == (BPF_LDX | BPF_W | BPF_MEM))
				sb_printf(&b, "ldx M[%u]", ft->k);
			else
				goto unknown;
			break;
		case BPF_ST:
		case BPF_STX:
			if (c != BPF_ST && c != BPF_STX)
				goto unknown;
			sb_printf(&b, "%s M[%u]", c == BPF_ST ? "st" : "stx", ft->k);
			break;
		case BPF_ALU: {
			static const char *const ops[16] = {
				"add", "sub", "mul", "div", "or", "and", "lsh",
				"rsh", "neg", "mod", "xor",
			};
			const char *op = ops[BPF_OP(c) >> 4];

			if (!op || (c & ~(BPF_OP(c) | BPF_X)) != BPF_ALU)
				goto unknown;
			if (BPF_OP(c) == BPF_NEG) {
				if (c != (BPF_ALU | BPF_NEG))
					goto unknown;
				sb_printf(&b, "neg");
			} else if (sx) {
				sb_printf(&b, "%s x", op);
			} else {
				sb_printf(&b, "%s #0x%x", op, ft->k);
			}
			break;
		}
		case BPF_JMP: {
			static const char *const ops[16] = {
				[BPF_JEQ >> 4] = "jeq", [BPF_JGT >> 4] = "jgt",
				[BPF_JGE >> 4] = "jge", [BPF_JSET >> 4] = "jset",
			};
			const char *op = ops[BPF_OP(c) >> 4];

			if (c == (BPF_JMP | BPF_JA)) {
				sb_printf(&b, "ja L%u", i + 1 + ft->k);
				break;
			}
			if (!op || (c & ~(BPF_OP(c) | BPF_X)) != BPF_JMP)
				goto unknown;
			if (sx)
				sb_printf(&b, "%s x, L%u, L%u", op,
					  i + 1 + ft->jt, i + 1 + ft->jf);
			else
				sb_printf(&b, "%s #0x%x, L%u, L%u", op, ft->k,
					  i + 1 + ft->jt, i + 1 + ft->jf);
			break;
		}
		case BPF_RET:
			if (c == (BPF_RET | BPF_K))
				sb_printf(&b, "ret #%u", ft->k);
			else if (c == (BPF_RET | BPF_A))
				sb_printf(&b, "ret a");
			else if (c == (BPF_RET | BPF_X))
				sb_printf(&b, "ret x");
			else
				goto unknown;
			break;
		case BPF_MISC:
			if (c == (BPF_MISC | BPF_TAX))
				sb_printf(&b, "tax");
			else if (c == (BPF_MISC | BPF_TXA))
				sb_printf(&b, "txa");
			else
				goto unknown;
			break;
		default:
unknown:
			sb_printf(&b, "; unknown: { 0x%x, %u, %u, 0x%x }", c,
				  ft->jt, ft->jf, ft->k);
			break;
		}
		sb_printf(&b, "\n");
	}
	free(target);
	return sb_done(&b);
}
