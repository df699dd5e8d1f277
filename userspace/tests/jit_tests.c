// SPDX-License-Identifier: GPL-2.0
/*
 * jit_tests.c - native differential tests for the x86-64 JIT.
 *
 * Every program is checked, then run on the interpreter (the oracle) and
 * on the JIT (plain, and again with constant blinding); r0, rc->error,
 * rc->error_pc, rc->budget and the memory the program saw must agree, and
 * with the expected result when there is one.  Sources:
 *   tables   kunit/tables/{interp_*,verifier_accept,jit_*}.h (run tests)
 *   corpus   the conformance corpus (*.data; `-- error` files skipped)
 *   random   generated straight-line + forward-jump programs
 *   layout   long/short jump mixes that force rel8/rel32 and convergence
 *   regions  random programs again with the input memory read-only, split
 *            in two regions with a gap, or not a region at all
 *   rotation tables, corpus and random programs again with the JIT's
 *            register map permuted (host->reg_perm: r1-r5 and r6-r9 all
 *            in other x86 registers), each against the interpreter
 *   maps     kunit/tables/maps_progs.h over fresh native maps: inline
 *            array lookups and tail calls, every register map of the
 *            rotation, blind 0 and 2, tail targets with and without an
 *            image; also the map contents after the run
 *   hardened tables, maps and random programs again compiled with
 *            ABPF_JIT_IBT | RETPOLINE | RETHUNK | SLS (stand-in thunks)
 *   bench    a loop program: ns per run on both engines
 *
 * Built by `make -C userspace` (build/bin/altbpf-jit-tests); scripts/check
 * runs it with --random 5000.
 *   build/bin/altbpf-jit-tests [--corpus DIR] [--random N] [--seed S]
 *                              [--perms N] [--perm-random N]
 *                              [--bench] [-v [-v]]
 * The corpus defaults to the Makefile's CORPUS (../shared/conformance);
 * --corpus '' skips it.  Closing line: "jit: N passed, M failed".
 */
#include <dirent.h>
#include <time.h>

#include "engine.h"
#include "jit.h"
#include "asm.h"
#include "native_tables.h"
#include "runner.h"
#include "maps_native.h"
#include "maps_progs.h"
#include "verifier_ringbuf.h"

#define NATIVE_TABLE(id) extern const struct native_table native_table_##id[];
#include "tables.inc"
#undef NATIVE_TABLE

static const struct native_table *const all_tables[] = {
#define NATIVE_TABLE(id) native_table_##id,
#include "tables.inc"
#undef NATIVE_TABLE
};

/* userspace/jit_mem.c */
void abpf_native_jit_host(struct abpf_jit_host *host, u32 blind);

static int verbose;
static u32 n_pass, n_fail, n_skip, n_nojit;
static u32 cur_perm;	/* host->reg_perm of every compile (rotation) */
static u32 region_mode;	/* how run_one() lays out rc->regions (regions) */
static bool hardened;	/* compile with the kernel's mitigation flags */

/* Stand-ins for __x86_indirect_thunk_rax and __x86_return_thunk. */
extern const char test_thunk_rax[], test_return_thunk[];
__asm__(".text\n"
	"test_thunk_rax:\n	jmp *%rax\n"
	"test_return_thunk:\n	ret\n");

/* The host every test compiles with: blinding, register map, flags. */
static void test_host(struct abpf_jit_host *host, u32 blind)
{
	abpf_native_jit_host(host, blind);
	host->reg_perm = cur_perm;
	if (hardened) {
		host->flags |= ABPF_JIT_IBT | ABPF_JIT_RETPOLINE |
			       ABPF_JIT_RETHUNK | ABPF_JIT_SLS;
		host->indirect_thunk_rax = test_thunk_rax;
		host->return_thunk = test_return_thunk;
	}
}

struct outcome {
	u64 r0;
	int error;
	u32 error_pc;
	u64 budget;
	u8 mem[4096];
};

/*
 * Call a JIT image with known values in every callee-saved register and
 * check them (and rsp) afterwards: abi_bad is set on any mismatch.
 */
u64 jit_call_checked(u64 (*fn)(struct abpf_run_ctx *), struct abpf_run_ctx *rc);
int abi_bad;
__asm__(
	".text\n"
	".globl jit_call_checked\n"
	"jit_call_checked:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	sub $72, %rsp\n"
	"	movabs $0x7777777777777777, %rcx\n"
	"	mov %rcx, 8(%rsp)\n mov %rcx, 16(%rsp)\n mov %rcx, 24(%rsp)\n mov %rcx, 32(%rsp)\n"
	"	mov %rcx, 40(%rsp)\n mov %rcx, 48(%rsp)\n mov %rcx, 56(%rsp)\n mov %rcx, 64(%rsp)\n"
	"	mov %rdi, %rax\n mov %rsi, %rdi\n"
	"	movabs $0x1111111111111111, %rbx\n"
	"	movabs $0x2222222222222222, %rbp\n"
	"	movabs $0x3333333333333333, %r12\n"
	"	movabs $0x4444444444444444, %r13\n"
	"	movabs $0x5555555555555555, %r14\n"
	"	movabs $0x6666666666666666, %r15\n"
	"	mov %rsp, (%rsp)\n"
	"	call *%rax\n"
	"	movabs $0x1111111111111111, %rcx\n cmp %rcx, %rbx\n jne 1f\n"
	"	movabs $0x2222222222222222, %rcx\n cmp %rcx, %rbp\n jne 1f\n"
	"	movabs $0x3333333333333333, %rcx\n cmp %rcx, %r12\n jne 1f\n"
	"	movabs $0x4444444444444444, %rcx\n cmp %rcx, %r13\n jne 1f\n"
	"	movabs $0x5555555555555555, %rcx\n cmp %rcx, %r14\n jne 1f\n"
	"	movabs $0x6666666666666666, %rcx\n cmp %rcx, %r15\n jne 1f\n"
	"	cmp %rsp, (%rsp)\n jne 1f\n"
	"	movabs $0x7777777777777777, %rcx\n"
	"	cmp %rcx, 8(%rsp)\n jne 1f\n cmp %rcx, 16(%rsp)\n jne 1f\n"
	"	cmp %rcx, 24(%rsp)\n jne 1f\n cmp %rcx, 32(%rsp)\n jne 1f\n"
	"	cmp %rcx, 40(%rsp)\n jne 1f\n cmp %rcx, 48(%rsp)\n jne 1f\n"
	"	cmp %rcx, 56(%rsp)\n jne 1f\n cmp %rcx, 64(%rsp)\n jne 1f\n"
	"	jmp 2f\n"
	"1:	movl $1, abi_bad(%rip)\n"
	"2:	add $72, %rsp\n"
	"	pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"	ret\n");

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void run_one(struct abpf_prog *prog, bool jit, const u8 *mem,
		    u32 mem_len, u64 budget, struct outcome *o)
{
	/* one buffer for both engines: pointers derived from r1 must agree */
	static u8 shared[4096];
	struct abpf_run_ctx rc;

	memset(o, 0, sizeof(*o));
	if (mem_len > sizeof(o->mem))
		mem_len = sizeof(o->mem);
	if (mem_len)
		memcpy(shared, mem, mem_len);
	native_run_ctx_init(&rc, prog->type, mem_len ? shared : NULL, mem_len);
	if (prog->type == ABPF_PROG_TYPE_PACKET) {
		/* regions as the hosts set them */
	} else if (mem_len >= 32 && region_mode == 1) {
		rc.regions[0].writable = false;
	} else if (mem_len >= 32 && region_mode == 2) {
		/* [0, 24) read-only, then a gap of 8, then writable */
		rc.nr_regions = 2;
		rc.regions[0].len = 24;
		rc.regions[0].writable = false;
		rc.regions[1].start = rc.regions[0].start + 32;
		rc.regions[1].len = mem_len - 32;
		rc.regions[1].writable = true;
	} else if (region_mode == 3) {
		rc.nr_regions = 0;
	}
	if (budget)
		rc.budget = budget;
	abi_bad = 0;
	if (jit)
		o->r0 = jit_call_checked(prog->jit_func, &rc);
	else
		o->r0 = abpf_interp_run(prog, &rc);
	memcpy(o->mem, shared, mem_len);
	o->error = rc.error;
	o->error_pc = rc.error_pc;
	o->budget = rc.budget;
	if (rc.stack_lo || rc.stack_hi)
		o->error = 12345;	/* must be cleared at exit */
	if (abi_bad)
		o->error = 54321;	/* callee-saved register clobbered */
}

static bool same(const struct outcome *a, const struct outcome *b, u32 mem_len)
{
	return a->r0 == b->r0 && a->error == b->error &&
	       (!a->error || a->error_pc == b->error_pc) &&
	       a->budget == b->budget && !memcmp(a->mem, b->mem, mem_len);
}

/*
 * Check, JIT (blind 0 and 2) and compare with the interpreter and, when
 * has_expect, with (expect, expect_err).  Returns 0 pass, 1 fail, 2 skip.
 */
static int diff_prog(const char *name, const struct bpf_insn *insns, u32 len,
		     u32 type, const u8 *mem, u32 mem_len, bool has_expect,
		     u64 expect, int expect_err, u64 budget)
{
	static char logbuf[8192];
	struct abpf_log log = { .buf = logbuf, .size = sizeof(logbuf) };
	struct abpf_jit_host host;
	struct abpf_prog *prog;
	struct outcome oi, oj;
	int err, blind, rv = 0;

	prog = abpf_prog_alloc(insns, len, type);
	if (!prog)
		return 2;
	err = abpf_check(prog, &log);
	if (err || abpf_interp_prepare(prog)) {
		if (verbose)
			printf("SKIP %s: rejected (%d): %s", name, err, logbuf);
		abpf_prog_free(prog);
		return 2;
	}
	run_one(prog, false, mem, mem_len, budget, &oi);
	if (has_expect && (oi.r0 != expect || oi.error != expect_err) &&
	    verbose)
		printf("NOTE %s: interpreter gives r0=%#llx err=%d, table says %#llx/%d\n",
		       name, (unsigned long long)oi.r0, oi.error,
		       (unsigned long long)expect, expect_err);
	for (blind = 0; blind <= 2; blind += 2) {
		test_host(&host, blind);
		log.len = 0;
		logbuf[0] = 0;
		err = abpf_jit_compile(prog, &host, &log);
		if (err) {
			printf("%s %s: JIT compile failed (%d): %s",
			       err == -EOPNOTSUPP ? "NOJIT" : "FAIL", name, err,
			       logbuf);
			if (err == -EOPNOTSUPP)
				n_nojit++;
			rv = err == -EOPNOTSUPP ? 2 : 1;
			break;
		}
		run_one(prog, true, mem, mem_len, budget, &oj);
		abpf_jit_release(prog, &host);
		if (!same(&oi, &oj, mem_len) ||
		    (has_expect && (oj.r0 != expect || oj.error != expect_err))) {
			printf("FAIL %s (blind %d, perm %u): interp r0=%#llx err=%d pc=%u budget=%llu, jit r0=%#llx err=%d pc=%u budget=%llu%s%s\n",
			       name, blind, cur_perm, (unsigned long long)oi.r0, oi.error,
			       oi.error_pc, (unsigned long long)oi.budget,
			       (unsigned long long)oj.r0, oj.error, oj.error_pc,
			       (unsigned long long)oj.budget,
			       memcmp(oi.mem, oj.mem, mem_len) ? " (memory differs)" : "",
			       has_expect ? "" : "");
			if (has_expect)
				printf("     expected r0=%#llx err=%d\n",
				       (unsigned long long)expect, expect_err);
			if (verbose > 1) {
				u32 x;
				char d[128];

				for (x = 0; x < len; x++) {
					if (abpf_disasm_insn(insns, len, x, d, sizeof(d)) < 0)
						continue;
					printf("   %4u: %s\n", x, d);
				}
			}
			rv = 1;
			break;
		}
	}
	abpf_prog_free(prog);
	return rv;
}

static void count(int rv)
{
	if (rv == 0)
		n_pass++;
	else if (rv == 1)
		n_fail++;
	else
		n_skip++;
}

static void run_tables(void)
{
	size_t t, i;

	for (t = 0; t < ARRAY_SIZE(all_tables); t++) {
		const struct native_table *nt;

		for (nt = all_tables[t]; nt->name; nt++) {
			u32 p0 = n_pass, f0 = n_fail, s0 = n_skip;

			if (!nt->run)
				continue;
			for (i = 0; i < nt->count; i++) {
				const struct abpf_run_test *rt = &nt->run[i];
				char name[256];

				snprintf(name, sizeof(name), "%s/%s", nt->name,
					 rt->name);
				count(diff_prog(name, rt->insns,
						abpf_test_len(rt->insns),
						rt->prog_type, rt->mem,
						rt->mem_len, true, rt->result,
						rt->run_error, 0));
			}
			printf("table %-28s %3u pass %u fail %u skip\n",
			       nt->name, n_pass - p0, n_fail - f0,
			       n_skip - s0);
		}
	}
}

static void run_corpus(const char *dir)
{
	struct dirent **ents;
	int n, k;
	u32 p0 = n_pass, f0 = n_fail, s0 = n_skip;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		printf("corpus %s: %s\n", dir, strerror(errno));
		return;
	}
	for (k = 0; k < n; k++) {
		char path[4096], err[ASM_ERR_LEN];
		struct data_file df;
		struct bpf_insn *insns = NULL;
		u32 len = 0;
		char *text;
		size_t tl;
		const char *nm = ents[k]->d_name;

		if (strlen(nm) < 6 || strcmp(nm + strlen(nm) - 5, ".data")) {
			free(ents[k]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, nm);
		free(ents[k]);
		text = read_whole_file(path, &tl);
		if (!text || data_parse(text, &df, err, sizeof(err))) {
			printf("SKIP %s: unreadable\n", path);
			n_skip++;
			free(text);
			continue;
		}
		if (df.has_error || data_program(&df, &insns, &len, err,
						 sizeof(err))) {
			if (verbose)
				printf("SKIP %s: error test or no program\n", nm);
			n_skip++;
		} else {
			count(diff_prog(nm, insns, len,
					ABPF_PROG_TYPE_CONFORMANCE, df.mem,
					df.mem_len, df.has_result, df.result,
					0, 0));
		}
		free(insns);
		data_free(&df);
		free(text);
	}
	free(ents);
	printf("corpus %-27s %3u pass %u fail %u skip\n", dir, n_pass - p0,
	       n_fail - f0, n_skip - s0);
}

/* ---- random programs ---- */

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static s32 rnd_imm(void)
{
	static const s32 special[] = {
		0, 1, -1, 2, 7, 8, 31, 32, 63, 64, 127, 128, -128, -129,
		255, 256, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
		(s32)0x80000000, (s32)0x80000001, -2, 16, 24, 48,
	};

	if (rnd() % 3)
		return special[rnd() % ARRAY_SIZE(special)];
	return (s32)rnd();
}

/*
 * r0-r9 initialised from lddw; then ALU ops (all, K and X, 32 and 64),
 * forward conditional jumps, loads/stores to a stack scratch area and the
 * input memory (checked accesses), atomics; the result is a checksum of
 * all registers so any clobber shows.
 */
static u32 gen_random(struct bpf_insn *p, u32 max)
{
	static const u8 alu_ops[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH,
		BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END,
	};
	static const u8 jmp_ops[] = {
		BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT,
		BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE,
	};
	u32 n = 0, body, i, r;

	for (r = 0; r <= 9; r++) {
		u64 v = rnd();

		if (r == 1)
			continue;	/* keep r1 = memory */
		if (rnd() % 4 == 0)
			v = (u64)(s64)rnd_imm();
		p[n++] = ABPF_RAW(BPF_LD | BPF_IMM | BPF_DW, r, 0, 0, (u32)v);
		p[n++] = ABPF_RAW(0, 0, 0, 0, (u32)(v >> 32));
	}
	/* init the stack scratch area fp-64..fp-8 */
	for (i = 8; i <= 64; i += 8)
		p[n++] = ABPF_STX_MEM(BPF_DW, 10, (u8)(rnd() % 10 == 1 ? 0 : rnd() % 10), -(s16)i);
	body = 8 + rnd() % (max - n - 48);
	while (body-- && n < max - 48) {
		u8 dst = rnd() % 10, src = rnd() % 10;
		u32 kind = rnd() % 20;
		bool w = rnd() & 1;

		if (dst == 1)
			dst = 0;	/* keep r1 = memory */
		if (kind < 12) {
			u8 op = alu_ops[rnd() % ARRAY_SIZE(alu_ops)];
			u8 cls = w ? BPF_ALU64 : BPF_ALU;
			bool k = rnd() & 1;
			s16 off = 0;
			s32 imm = k ? rnd_imm() : 0;

			if (op == BPF_NEG) {
				k = true;
				imm = 0;
			}
			if (op == BPF_END) {
				static const s32 sz[] = { 16, 32, 64 };

				imm = sz[rnd() % 3];
				if (w) {
					p[n++] = ABPF_RAW(BPF_ALU64 | BPF_END, dst, 0, 0, imm);
				} else {
					p[n++] = ABPF_RAW(BPF_ALU | BPF_END | ((rnd() & 1) ? BPF_TO_BE : BPF_TO_LE), dst, 0, 0, imm);
				}
				continue;
			}
			if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) && k)
				imm &= w ? 63 : 31;
			if ((op == BPF_DIV || op == BPF_MOD) && (rnd() & 1))
				off = 1;
			if ((op == BPF_DIV || op == BPF_MOD) && k && !imm)
				imm = -1;	/* the checker rejects / 0 */
			if (op == BPF_MOV && !k && (rnd() % 3 == 0)) {
				static const s16 sx[] = { 8, 16, 32 };

				off = sx[rnd() % (w ? 3 : 2)];
			}
			p[n++] = ABPF_RAW(cls | op | (k ? BPF_K : BPF_X), dst,
					  k ? 0 : src, off, imm);
		} else if (kind < 15) {
			/* forward conditional jump over 1-6 insns */
			u8 op = jmp_ops[rnd() % ARRAY_SIZE(jmp_ops)];
			bool k = rnd() & 1;
			s16 off = 1 + rnd() % 6;

			p[n++] = ABPF_RAW((w ? BPF_JMP : BPF_JMP32) | op |
					  (k ? BPF_K : BPF_X), rnd() % 10,
					  k ? 0 : src, off, k ? rnd_imm() : 0);
			/* the skipped insns: plain ALU so the target is valid */
			for (i = 0; i < (u32)off; i++)
				p[n++] = ABPF_ALU64_IMM(BPF_ADD, rnd() % 2 ? 0 : 9,
							rnd_imm());
		} else if (kind < 17) {
			/* stack scratch store/load at a known offset */
			static const u8 sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
			u8 sz = sizes[rnd() % 4];
			s16 off = -8 * (1 + rnd() % 8);

			if (rnd() & 1)
				p[n++] = ABPF_STX_MEM(sz, 10, src, off);
			else if (rnd() & 1)
				p[n++] = ABPF_ST_MEM(sz, 10, off, rnd_imm());
			else
				p[n++] = ABPF_LDX_MEM(sz, dst, 10, off);
		} else if (kind < 19) {
			/* checked access to the 64-byte input memory */
			static const u8 sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
			u8 sz = sizes[rnd() % 4];
			s16 off = rnd() % 64;

			if (rnd() % 8 == 0)
				off = 60 + rnd() % 8;	/* maybe out of bounds */
			if (rnd() & 1)
				p[n++] = ABPF_LDX_MEM(sz, dst, 1, off);
			else if (rnd() & 1)
				p[n++] = ABPF_LDX_MEMSX(sz == BPF_DW ? BPF_W : sz, dst, 1, off);
			else
				p[n++] = ABPF_STX_MEM(sz, 1, src, off);
		} else {
			/* atomics on the input memory */
			static const s32 aops[] = {
				BPF_ADD, BPF_OR, BPF_AND, BPF_XOR,
				BPF_ADD | BPF_FETCH, BPF_OR | BPF_FETCH,
				BPF_AND | BPF_FETCH, BPF_XOR | BPF_FETCH,
				BPF_XCHG, BPF_CMPXCHG,
			};
			u8 sz = (rnd() & 1) ? BPF_DW : BPF_W;
			s16 off = (rnd() % 8) * 8 + ((rnd() % 8 == 0) ? 4 : 0);

			if (src == 1)
				src = 0;
			p[n++] = ABPF_ATOMIC_OP(sz, aops[rnd() % ARRAY_SIZE(aops)],
						1, src, off);
		}
	}
	/* checksum: r0 = sum of r0, r2..r9 rotated, plus the stack words */
	p[n++] = ABPF_MOV64_REG(1, 0);
	for (r = 2; r <= 9; r++) {
		p[n++] = ABPF_ALU64_IMM(BPF_MUL, 1, 31);
		p[n++] = ABPF_ALU64_REG(BPF_XOR, 1, r);
	}
	for (i = 8; i <= 24; i += 8) {
		p[n++] = ABPF_LDX_MEM(BPF_DW, 2, 10, -(s16)i);
		p[n++] = ABPF_ALU64_IMM(BPF_MUL, 1, 17);
		p[n++] = ABPF_ALU64_REG(BPF_ADD, 1, 2);
	}
	p[n++] = ABPF_MOV64_REG(0, 1);
	p[n++] = ABPF_EXIT();
	return n;
}

static void run_random(u32 count_n, u64 seed)
{
	struct bpf_insn prog[256];
	u8 mem[64];
	u32 k, i, len, p0 = n_pass, f0 = n_fail, s0 = n_skip;
	char name[64];

	rng_state = seed;
	for (k = 0; k < count_n; k++) {
		len = gen_random(prog, ARRAY_SIZE(prog));
		for (i = 0; i < sizeof(mem); i++)
			mem[i] = rnd();
		snprintf(name, sizeof(name), "random#%u", k);
		count(diff_prog(name, prog, len, ABPF_PROG_TYPE_MEM, mem,
				sizeof(mem), false, 0, 0, 0));
		if (n_fail - f0 > 10)
			break;
	}
	printf("random %-27s %3u pass %u fail %u skip (rejected by the checker)\n",
	       "", n_pass - p0, n_fail - f0, n_skip - s0);
}

/* ---- rotation: the same programs under permuted register maps ---- */

/* A permutation that moves every one of r1-r9 (number k of them). */
static u32 derangement(u32 k)
{
	u8 map[ABPF_NR_REGS], id[ABPF_NR_REGS];
	u32 idx, r, found = 0;

	abpf_jit_reg_map(0, id);
	for (idx = 1; idx < ABPF_JIT_REG_PERMS; idx++) {
		u32 cand = (idx * 1031) % ABPF_JIT_REG_PERMS;

		abpf_jit_reg_map(cand, map);
		for (r = 1; r <= 9 && map[r] != id[r]; r++)
			;
		if (r == 10 && found++ == k)
			return cand;
	}
	return 1;
}

static void run_rotation(u32 nperms, const char *corpus, u32 nrandom,
			 u64 seed)
{
	static const char *const x86[16] = {
		"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	};
	u8 map[ABPF_NR_REGS];
	u32 k, r, p0, f0, s0;

	for (k = 0; k < nperms; k++) {
		cur_perm = derangement(k);
		abpf_jit_reg_map(cur_perm, map);
		printf("rotation perm %u:", cur_perm);
		for (r = 0; r < ABPF_NR_REGS; r++)
			printf(" r%u=%s", r, x86[map[r]]);
		printf("\n");
		p0 = n_pass;
		f0 = n_fail;
		s0 = n_skip;
		run_tables();
		if (*corpus)
			run_corpus(corpus);
		run_random(nrandom, seed);
		printf("rotation perm %-17u %3u pass %u fail %u skip\n", cur_perm,
		       n_pass - p0, n_fail - f0, n_skip - s0);
	}
	cur_perm = 0;
}

/*
 * The region checks (inline first region, out-of-line stub) under other
 * layouts of rc->regions: the input read-only; split in a read-only and a
 * writable part with a gap; no region at all.
 */
static void run_regions(u32 nrandom, u64 seed)
{
	u32 mode, p0, f0, s0;

	for (mode = 1; mode <= 3; mode++) {
		p0 = n_pass;
		f0 = n_fail;
		s0 = n_skip;
		region_mode = mode;
		run_random(nrandom, seed);
		printf("regions mode %-19u %3u pass %u fail %u skip\n", mode,
		       n_pass - p0, n_fail - f0, n_skip - s0);
	}
	region_mode = 0;
}

/* ---- maps: programs with map lookups and tail calls ---- */

struct map_outcome {
	struct outcome o;
	u64 digest;		/* the array maps' contents after the run */
	bool stale;		/* rc->stack_lo/hi or tail_prog left set */
};

/* Copy src, point its map lddws at fds[], bind, check, prepare. */
static struct abpf_prog *mt_load(const struct bpf_insn *src, u32 max,
				 u32 type, const int *fds, u32 nr)
{
	static const struct bpf_insn zero;
	struct bpf_insn insns[ABPF_TEST_MAX_INSNS];
	struct abpf_prog *prog;
	u32 len = max, i;

	memcpy(insns, src, max * sizeof(*src));
	while (len && !memcmp(&insns[len - 1], &zero, sizeof(zero)))
		len--;
	for (i = 0; i < len; i += abpf_is_lddw(&insns[i]) ? 2 : 1) {
		struct bpf_insn *x = &insns[i];

		if (abpf_is_lddw(x) && x->src_reg && (u32)x->imm < nr)
			x->imm = fds[x->imm];	/* map fd or map value */
	}
	prog = abpf_prog_alloc(insns, len, type);
	if (!prog)
		return NULL;
	if (abpf_prog_bind_maps(prog, &abpf_native_resolver, NULL) ||
	    abpf_check(prog, NULL) || abpf_interp_prepare(prog)) {
		abpf_prog_free(prog);
		return NULL;
	}
	return prog;
}

static u64 mt_digest(const struct abpf_map_prog_test *t, const int *fds)
{
	u64 d = 0, v[4];
	u32 k, key;

	for (k = 0; k < ABPF_MAPT_MAX_MAPS && t->maps[k].type; k++) {
		if (t->maps[k].type != BPF_MAP_TYPE_ARRAY ||
		    t->maps[k].value_size > sizeof(v))
			continue;
		for (key = 0; key < t->maps[k].max_entries; key++) {
			memset(v, 0, sizeof(v));
			abpf_native_map_lookup(fds[k], &key, v);
			d = d * 31 + v[0] + 7 * v[1] + 13 * v[2] + 17 * v[3];
		}
	}
	return d;
}

/*
 * One run of t over fresh maps.  jit: compile the main program
 * (blind, cur_perm); jit_tails: the tail targets too.  Returns 0, or 2
 * when something did not load (not this test's business).
 */
static int mt_run(const struct abpf_map_prog_test *t, bool jit,
		  bool jit_tails, u32 blind, struct map_outcome *mo)
{
	struct abpf_prog *main_p = NULL, *tails[ABPF_MAPT_MAX_TAILS] = { 0 };
	struct abpf_jit_host host;
	int fds[ABPF_MAPT_MAX_MAPS], pa = -1, rv = 2;
	u8 mem[16] = { 0 };
	struct abpf_run_ctx rc;
	u32 nr = 0, k;

	memset(mo, 0, sizeof(*mo));
	test_host(&host, blind);
	for (k = 0; k < ABPF_MAPT_MAX_MAPS && t->maps[k].type; k++) {
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.map_type = t->maps[k].type;
		a.key_size = t->maps[k].key_size;
		a.value_size = t->maps[k].value_size;
		a.max_entries = t->maps[k].max_entries;
		a.map_flags = t->maps[k].flags;
		fds[k] = abpf_native_map_create(&a);
		if (fds[k] < 0)
			goto out;
		if (a.map_type == BPF_MAP_TYPE_PROG_ARRAY && pa < 0)
			pa = fds[k];
		nr = k + 1;
	}
	main_p = mt_load(t->insns, ABPF_TEST_MAX_INSNS, t->prog_type, fds, nr);
	if (!main_p || (jit && abpf_jit_compile(main_p, &host, NULL)))
		goto out;
	for (k = 0; k < ABPF_MAPT_MAX_TAILS; k++) {
		if (!t->tails[k].slot1)
			continue;
		tails[k] = mt_load(t->tails[k].insns, ABPF_MAPT_TAIL_INSNS,
				   t->prog_type, fds, nr);
		if (!tails[k] ||
		    (jit_tails && abpf_jit_compile(tails[k], &host, NULL)))
			goto out;
		abpf_native_prog_array_set(pa, t->tails[k].slot1 - 1,
					   tails[k]);
	}
	if (t->self_slot1)
		abpf_native_prog_array_set(pa, t->self_slot1 - 1, main_p);
	abpf_run_ctx_init_mem(&rc, mem, sizeof(mem));
	abpf_native_cpu = 0;
	abi_bad = 0;
	if (jit)
		mo->o.r0 = jit_call_checked(main_p->jit_func, &rc);
	else
		mo->o.r0 = abpf_interp_run(main_p, &rc);
	mo->o.error = rc.error;
	mo->o.error_pc = rc.error_pc;
	mo->o.budget = rc.budget;
	memcpy(mo->o.mem, mem, sizeof(mem));
	mo->stale = rc.stack_lo || rc.stack_hi || rc.tail_prog || abi_bad;
	mo->digest = mt_digest(t, fds);
	rv = 0;
out:
	for (k = 0; k < nr; k++)
		abpf_native_map_close(fds[k]);
	for (k = 0; k < ABPF_MAPT_MAX_TAILS; k++) {
		if (tails[k])
			abpf_jit_release(tails[k], &host);
		abpf_prog_free(tails[k]);
	}
	if (main_p)
		abpf_jit_release(main_p, &host);
	abpf_prog_free(main_p);
	return rv;
}

static int mt_test(const struct abpf_map_prog_test *t)
{
	struct map_outcome oi, oj;
	u32 blind, tj;

	if (t->msg || t->bind_err)
		return 2;		/* rejects: maps_tests.c */
	if (mt_run(t, false, false, 0, &oi))
		return 2;
	if (oi.o.r0 != t->result || oi.o.error != t->run_error || oi.stale) {
		printf("FAIL maps/%s: interpreter r0=%#llx err=%d, table says %#llx/%d\n",
		       t->name, (unsigned long long)oi.o.r0, oi.o.error,
		       (unsigned long long)t->result, t->run_error);
		return 1;
	}
	for (blind = 0; blind <= 2; blind += 2) {
		for (tj = 0; tj < 2; tj++) {
			if (mt_run(t, true, tj == 0, blind, &oj)) {
				printf("FAIL maps/%s: JIT compile failed\n",
				       t->name);
				return 1;
			}
			if (same(&oi.o, &oj.o, 16) && oi.digest == oj.digest &&
			    !oj.stale)
				continue;
			printf("FAIL maps/%s (blind %u, perm %u, tails %s): interp r0=%#llx err=%d budget=%llu maps %#llx, jit r0=%#llx err=%d budget=%llu maps %#llx%s\n",
			       t->name, blind, cur_perm,
			       tj ? "interpreted" : "JIT",
			       (unsigned long long)oi.o.r0, oi.o.error,
			       (unsigned long long)oi.o.budget,
			       (unsigned long long)oi.digest,
			       (unsigned long long)oj.o.r0, oj.o.error,
			       (unsigned long long)oj.o.budget,
			       (unsigned long long)oj.digest,
			       oj.stale ? " (rc left stale / ABI broken)" : "");
			return 1;
		}
	}
	return 0;
}

/*
 * One tail-calling program run while its slot changes under it (no
 * image, JIT image, another JIT image, empty), interpreter against JIT:
 * the JIT reads the slot at run time (inline from prog_slots or through
 * prog_at), never a copy taken at compile time.  Index r3 has high bits
 * set: only its low 32 bits count, as in the helper.
 */
static int tail_replace_test(u32 blind)
{
	static const struct bpf_insn main_i[] = {
		ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
		ABPF_LD_MAP(BPF_REG_2, 0),
		ABPF_LD_IMM64(BPF_REG_3, 0x500000002ULL),
		ABPF_CALL_HELPER(BPF_FUNC_tail_call),
		ABPF_MOV64_IMM(BPF_REG_0, 99),
		ABPF_EXIT(),
	};
	static const struct bpf_insn tail_i[2][2] = {
		{ ABPF_MOV64_IMM(BPF_REG_0, 7), ABPF_EXIT() },
		{ ABPF_MOV64_IMM(BPF_REG_0, 8), ABPF_EXIT() },
	};
	/* slot 2 before each run: -1 empty, else tail k (k + 2: no image) */
	static const int steps[] = { -1, 0, 1, 2, 3, -1, 1 };
	static const u64 want[] = { 99, 7, 8, 7, 8, 99, 8 };
	struct abpf_prog *mp = NULL, *tp[2] = { NULL, NULL },
			 *ti[2] = { NULL, NULL };
	struct abpf_jit_host host;
	struct abpf_run_ctx rc;
	union bpf_attr a;
	u8 mem[16] = { 0 };
	int fd, rv = 1;
	u64 ri, rj;
	u32 k;

	test_host(&host, blind);
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_PROG_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 4;
	fd = abpf_native_map_create(&a);
	if (fd < 0)
		return 1;
	mp = mt_load(main_i, ARRAY_SIZE(main_i), ABPF_PROG_TYPE_MEM, &fd, 1);
	for (k = 0; k < 2; k++) {
		tp[k] = mt_load(tail_i[k], 2, ABPF_PROG_TYPE_MEM, &fd, 1);
		ti[k] = mt_load(tail_i[k], 2, ABPF_PROG_TYPE_MEM, &fd, 1);
		if (!tp[k] || !ti[k] || abpf_jit_compile(tp[k], &host, NULL))
			goto out;
	}
	if (!mp || abpf_jit_compile(mp, &host, NULL))
		goto out;
	for (k = 0; k < ARRAY_SIZE(steps); k++) {
		int st = steps[k];

		abpf_native_prog_array_set(fd, 2, st < 0 ? NULL :
					   st < 2 ? tp[st] : ti[st - 2]);
		abpf_run_ctx_init_mem(&rc, mem, sizeof(mem));
		ri = abpf_interp_run(mp, &rc);
		abpf_run_ctx_init_mem(&rc, mem, sizeof(mem));
		abi_bad = 0;
		rj = jit_call_checked(mp->jit_func, &rc);
		if (ri != want[k] || rj != want[k] || rc.error ||
		    rc.tail_prog || abi_bad) {
			printf("FAIL maps/tail slot replaced (blind %u, step %u): interp %llu jit %llu want %llu err %d\n",
			       blind, k, (unsigned long long)ri,
			       (unsigned long long)rj,
			       (unsigned long long)want[k], rc.error);
			goto out;
		}
	}
	rv = 0;
out:
	abpf_native_map_close(fd);
	if (mp)
		abpf_jit_release(mp, &host);
	abpf_prog_free(mp);
	for (k = 0; k < 2; k++) {
		if (tp[k])
			abpf_jit_release(tp[k], &host);
		abpf_prog_free(tp[k]);
		abpf_prog_free(ti[k]);
	}
	return rv;
}

static void run_maps(u32 nperms)
{
	u32 k, i, p0 = n_pass, f0 = n_fail, s0 = n_skip;

	for (k = 0; k <= nperms; k++) {
		cur_perm = k ? derangement(k - 1) : 0;
		for (i = 0; i < ARRAY_SIZE(abpf_maps_prog_tests); i++)
			count(mt_test(&abpf_maps_prog_tests[i]));
		for (i = 0; i < ARRAY_SIZE(abpf_verifier_ringbuf_tests); i++)
			count(mt_test(&abpf_verifier_ringbuf_tests[i]));
		count(tail_replace_test(0));
		count(tail_replace_test(2));
	}
	cur_perm = 0;
	if (abpf_native_maps_live()) {
		printf("FAIL maps: %d maps leaked\n", abpf_native_maps_live());
		n_fail++;
	}
	printf("maps %-29s %3u pass %u fail %u skip (rejects: maps-tests)\n",
	       "", n_pass - p0, n_fail - f0, n_skip - s0);
}

/* ---- layout: jumps around blocks of every size ---- */

static void run_layout(void)
{
	static struct bpf_insn prog[8192];
	u32 k, n, i, fill, p0 = n_pass, f0 = n_fail, s0 = n_skip;
	char name[64];

	for (k = 0; k < 40; k++) {
		/*
		 * r0 counts; a chain of forward jumps over blocks of
		 * `fill` insns (lddw = 10 bytes each) around the rel8 limit,
		 * then a back-edge loop over the whole thing 3 times.
		 */
		n = 0;
		fill = k < 20 ? k : 20 + (k - 20) * 40;
		prog[n++] = ABPF_MOV64_IMM(0, 0);
		prog[n++] = ABPF_MOV64_IMM(6, 3);
		for (i = 0; i < 4; i++) {
			u32 j;

			prog[n++] = ABPF_JMP_IMM(BPF_JNE, 6, 100 + i,
						 (s16)(fill * 2));
			for (j = 0; j < fill; j++) {
				prog[n++] = ABPF_RAW(BPF_LD | BPF_IMM | BPF_DW,
						     7, 0, 0, 0x12345678);
				prog[n++] = ABPF_RAW(0, 0, 0, 0, 0x9abcdef);
			}
			prog[n++] = ABPF_ALU64_IMM(BPF_ADD, 0, 1 << i);
		}
		prog[n++] = ABPF_ALU64_IMM(BPF_SUB, 6, 1);
		prog[n] = ABPF_JMP_IMM(BPF_JNE, 6, 0, (s16)(2 - (s32)(n + 1)));
		n++;
		prog[n++] = ABPF_EXIT();
		snprintf(name, sizeof(name), "layout#%u(fill %u)", k, fill);
		count(diff_prog(name, prog, n, ABPF_PROG_TYPE_MEM, NULL, 0,
				true, 3 * 15, 0, 0));
	}
	/* a budget abort deep inside a loop */
	n = 0;
	prog[n++] = ABPF_MOV64_IMM(0, 0);
	prog[n++] = ABPF_ALU64_IMM(BPF_ADD, 0, 1);
	prog[n++] = ABPF_JMP_IMM(BPF_JNE, 0, -1, -2);
	prog[n++] = ABPF_EXIT();
	count(diff_prog("layout/budget", prog, n, ABPF_PROG_TYPE_MEM, NULL, 0,
			true, 0, -ELOOP, 1000));
	printf("layout %-27s %3u pass %u fail %u skip\n", "", n_pass - p0,
	       n_fail - f0, n_skip - s0);
}

/* ---- benchmark ---- */

static void bench_one(const char *what, const struct bpf_insn *insns, u32 len,
		      const u8 *mem, u32 mem_len, u32 iters)
{
	struct abpf_jit_host host;
	struct abpf_prog *prog;
	struct abpf_run_ctx rc;
	u8 buf[256];
	u64 t0, ti, tj, r_i = 0, r_j = 0;
	u32 k;

	prog = abpf_prog_alloc(insns, len, ABPF_PROG_TYPE_MEM);
	if (!prog || abpf_check(prog, NULL) || abpf_interp_prepare(prog)) {
		printf("bench %s: rejected\n", what);
		abpf_prog_free(prog);
		return;
	}
	abpf_native_jit_host(&host, 0);
	if (abpf_jit_compile(prog, &host, NULL)) {
		printf("bench %s: JIT failed\n", what);
		abpf_prog_free(prog);
		return;
	}
	memcpy(buf, mem, mem_len);
	t0 = now_ns();
	for (k = 0; k < iters; k++) {
		abpf_run_ctx_init_mem(&rc, buf, mem_len);
		r_i = abpf_interp_run(prog, &rc);
	}
	ti = now_ns() - t0;
	t0 = now_ns();
	for (k = 0; k < iters; k++) {
		abpf_run_ctx_init_mem(&rc, buf, mem_len);
		r_j = jit_call_checked(prog->jit_func, &rc);
		if (abi_bad) {
			printf("ABI BROKEN\n");
			break;
		}
	}
	tj = now_ns() - t0;
	printf("bench %-22s interp %9.1f ns/run  jit %9.1f ns/run  speedup %5.1fx %s\n",
	       what, (double)ti / iters, (double)tj / iters,
	       (double)ti / (tj ? tj : 1), r_i == r_j ? "" : "(RESULTS DIFFER)");
	abpf_jit_release(prog, &host);
	abpf_prog_free(prog);
}

static void run_bench(void)
{
	/* sum of i * i for i < 1000, with a shift and a mod in the loop */
	static const struct bpf_insn loop[] = {
		ABPF_MOV64_IMM(0, 0),
		ABPF_MOV64_IMM(2, 0),
		ABPF_MOV64_REG(3, 2),
		ABPF_ALU64_REG(BPF_MUL, 3, 2),
		ABPF_ALU64_REG(BPF_ADD, 0, 3),
		ABPF_ALU64_IMM(BPF_XOR, 0, 0x55),
		ABPF_ALU64_IMM(BPF_LSH, 3, 3),
		ABPF_ALU64_REG(BPF_SUB, 0, 3),
		ABPF_ALU64_IMM(BPF_ADD, 2, 1),
		ABPF_JMP_IMM(BPF_JLT, 2, 1000, -8),
		ABPF_EXIT(),
	};
	/* byte-wise checksum of the 64-byte input (checked loads) */
	static const struct bpf_insn csum[] = {
		ABPF_MOV64_IMM(0, 0),
		ABPF_MOV64_REG(3, 1),
		ABPF_MOV64_REG(4, 1),
		ABPF_ALU64_REG(BPF_ADD, 4, 2),
		ABPF_LDX_MEM(BPF_B, 5, 3, 0),
		ABPF_ALU64_IMM(BPF_MUL, 0, 31),
		ABPF_ALU64_REG(BPF_ADD, 0, 5),
		ABPF_ALU64_IMM(BPF_ADD, 3, 1),
		ABPF_JMP_REG(BPF_JLT, 3, 4, -5),
		ABPF_EXIT(),
	};
	u8 mem[64];
	u32 i;

	for (i = 0; i < sizeof(mem); i++)
		mem[i] = i * 7;
	bench_one("loop(1000 iters)", loop, ARRAY_SIZE(loop), NULL, 0, 20000);
	bench_one("csum(64 bytes)", csum, ARRAY_SIZE(csum), mem, sizeof(mem),
		  200000);
}

#ifndef ABPF_CORPUS_DIR
#define ABPF_CORPUS_DIR "../shared/conformance"
#endif

int main(int argc, char **argv)
{
	const char *corpus = ABPF_CORPUS_DIR "/tests";
	u32 nrandom = 2000, nperms = 4, perm_random = 1000;
	bool bench = false;
	u32 p0, f0;
	u64 seed;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose++;
		else if (!strcmp(argv[i], "--corpus") && i + 1 < argc)
			corpus = argv[++i];
		else if (!strcmp(argv[i], "--random") && i + 1 < argc)
			nrandom = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			rng_state = strtoull(argv[++i], NULL, 0) | 1;
		else if (!strcmp(argv[i], "--perms") && i + 1 < argc)
			nperms = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--perm-random") && i + 1 < argc)
			perm_random = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--bench"))
			bench = true;
	}
	seed = rng_state;
	run_tables();
	run_layout();
	if (*corpus)
		run_corpus(corpus);
	run_random(nrandom, seed);
	run_rotation(nperms, corpus, perm_random < nrandom ? perm_random :
		     nrandom, seed);
	run_regions(perm_random < nrandom ? perm_random : nrandom, seed + 2);
	run_maps(nperms);
	hardened = true;
	p0 = n_pass;
	f0 = n_fail;
	run_tables();
	run_maps(0);
	run_random(perm_random < nrandom ? perm_random : nrandom, seed + 3);
	hardened = false;
	printf("hardened %-25s %3u pass %u fail\n", "", n_pass - p0,
	       n_fail - f0);
	if (bench)
		run_bench();
	printf("TOTAL %u pass, %u fail, %u skip (%u not JIT-able)\n", n_pass,
	       n_fail, n_skip, n_nojit);
	/* the closing line scripts/check adds up */
	printf("jit: %u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
