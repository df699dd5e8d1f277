// SPDX-License-Identifier: GPL-2.0
/*
 * native_tests.c - altbpf-native-tests: the engine core's test tables
 * (kunit/tables/<unit>.h) run natively on every native engine, plus the
 * assembler/disassembler tests.
 *
 * Output: one "ok N - suite/name" or "not ok N - suite/name: reason" line
 * per case, then "native: N passed, M failed"; exit 1 on any failure.
 */
#include <dirent.h>
#include <getopt.h>

#include "tap.h"
#include "asm.h"
#include "runner.h"
#include "native_tables.h"
#include "verifier_accept.h"

#define NATIVE_TABLE(id) extern const struct native_table native_table_##id[];
#include "tables.inc"
#undef NATIVE_TABLE

static const struct native_table *const all_tables[] = {
#define NATIVE_TABLE(id) native_table_##id,
#include "tables.inc"
#undef NATIVE_TABLE
	NULL
};

#ifndef ABPF_CORPUS_DIR
#define ABPF_CORPUS_DIR "../shared/conformance"
#endif

/* "abpf_interp_alu_tests" -> "interp_alu" */
static void suite_name(const char *arr, char *buf, size_t size)
{
	size_t n;

	if (!strncmp(arr, "abpf_", 5))
		arr += 5;
	snprintf(buf, size, "%s", arr);
	n = strlen(buf);
	if (n > 6 && !strcmp(buf + n - 6, "_tests"))
		buf[n - 6] = '\0';
}

/* The first line of a log, for one-line reasons. */
static const char *first_line(const char *log, char *buf, size_t size)
{
	size_t n = strcspn(log, "\n");

	if (n >= size)
		n = size - 1;
	memcpy(buf, log, n);
	buf[n] = '\0';
	return buf;
}

static const u32 native_engines[] = {
	ABPF_ENGINE_INTERP,
#ifdef ALTBPF_HAVE_JIT
	ABPF_ENGINE_JIT,
#endif
};

static void run_test(const char *suite, const struct abpf_run_test *t)
{
	static struct run_result res;
	struct run_opts o = {
		.via = RUN_VIA_NATIVE,
		.prog_type = t->prog_type,
		.repeat = 1,
	};
	u32 len = abpf_test_len(t->insns), mem_len = t->mem_len;
	char name[256], line[200];
	size_t e;
	int r;

	if (mem_len > ABPF_TEST_MAX_MEM)
		mem_len = ABPF_TEST_MAX_MEM;
	for (e = 0; e < ARRAY_SIZE(native_engines); e++) {
		o.engine = native_engines[e];
		if (o.engine == ABPF_ENGINE_INTERP)
			snprintf(name, sizeof(name), "%s", t->name);
		else
			snprintf(name, sizeof(name), "%s@%s", t->name,
				 abpf_engine_name(o.engine));
		if (!tap_selected(suite, name))
			continue;
		r = run_program(t->insns, len, t->mem, mem_len, &o, &res);
		if (r == -2) {
			tap_report(false, suite, name, "%s", res.msg);
		} else if (r == -1) {
			tap_report(false, suite, name, "rejected (%d): %s",
			       res.load_err, first_line(res.log, line,
							sizeof(line)));
		} else if (res.run_err != t->run_error) {
			tap_report(false, suite, name,
			       "run error %d (%s) at insn %u, expected %d (%s)",
			       res.run_err, abpf_run_error_str(res.run_err),
			       res.error_pc, t->run_error,
			       abpf_run_error_str(t->run_error));
		} else if (res.r0 != t->result) {
			tap_report(false, suite, name,
			       "r0 = 0x%llx, expected 0x%llx",
			       (unsigned long long)res.r0,
			       (unsigned long long)t->result);
		} else {
			tap_report(true, suite, name, "r0 = 0x%llx",
			       (unsigned long long)res.r0);
		}
	}
}

static void reject_test(const char *suite, const struct abpf_reject_test *t)
{
	static char logbuf[65536];
	struct abpf_log log = { .buf = logbuf, .size = sizeof(logbuf) };
	struct abpf_prog *prog;
	char line[200];
	int err;

	if (!tap_selected(suite, t->name))
		return;
	logbuf[0] = '\0';
	prog = native_load(t->insns, abpf_test_len(t->insns), t->prog_type,
			   &log, &err);
	if (prog) {
		abpf_prog_free(prog);
		err = 0;
	}
	if (err != t->err)
		tap_report(false, suite, t->name, "checker returned %d, expected %d: %s",
		       err, t->err, first_line(logbuf, line, sizeof(line)));
	else if (t->msg && !strstr(logbuf, t->msg))
		tap_report(false, suite, t->name, "log lacks \"%s\": %s", t->msg,
		       first_line(logbuf, line, sizeof(line)));
	else
		tap_report(true, suite, t->name, "%s",
		       first_line(logbuf, line, sizeof(line)));
}

/* The checker proves what abpf_verifier_proofs says, no more, no less. */
static void proof_tests(void)
{
	static char logbuf[65536];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(abpf_verifier_proofs); i++) {
		const struct abpf_proof_test *p = &abpf_verifier_proofs[i];
		const struct abpf_run_test *t = NULL;
		struct abpf_log log = { .buf = logbuf, .size = sizeof(logbuf) };
		struct abpf_prog *prog;
		char why[160] = "";
		int err;

		if (!tap_selected("verifier_proofs", p->name))
			continue;
		for (j = 0; j < ARRAY_SIZE(abpf_verifier_accept_tests); j++)
			if (!strcmp(abpf_verifier_accept_tests[j].name, p->name))
				t = &abpf_verifier_accept_tests[j];
		if (!t) {
			tap_report(false, "verifier_proofs", p->name, "no such row");
			continue;
		}
		prog = native_load(t->insns, abpf_test_len(t->insns),
				   t->prog_type, &log, &err);
		if (!prog) {
			tap_report(false, "verifier_proofs", p->name,
				   "rejected (%d)", err);
			continue;
		}
		for (j = 0; j < p->nr_proven && !why[0]; j++)
			if (prog->aux[p->proven[j]].flags & ABPF_AUX_MEMCHK)
				snprintf(why, sizeof(why),
					 "insn %u is checked, expected proven",
					 p->proven[j]);
		for (j = 0; j < p->nr_checked && !why[0]; j++)
			if (!(prog->aux[p->checked[j]].flags & ABPF_AUX_MEMCHK))
				snprintf(why, sizeof(why),
					 "insn %u is proven, expected checked",
					 p->checked[j]);
		abpf_prog_free(prog);
		tap_report(!why[0], "verifier_proofs", p->name, "%s",
			   why[0] ? why : "as expected");
	}
}

static void run_tables(void)
{
	const struct native_table *const *tp;
	const struct native_table *nt;
	char suite[128];
	size_t i;

	for (tp = all_tables; *tp; tp++) {
		for (nt = *tp; nt->name; nt++) {
			suite_name(nt->name, suite, sizeof(suite));
			for (i = 0; i < nt->count; i++) {
				if (nt->run)
					run_test(suite, &nt->run[i]);
				else
					reject_test(suite, &nt->reject[i]);
			}
		}
	}
}

/* Disassemble all of insns[0..len) into a malloc'ed assembler text. */
static char *disasm_text(const struct bpf_insn *insns, u32 len)
{
	size_t size = (size_t)len * 80 + 1, off = 0;
	char *text = malloc(size), buf[128];
	u32 i = 0;
	int n;

	if (!text)
		return NULL;
	text[0] = '\0';
	while (i < len) {
		n = abpf_disasm_insn(insns, len, i, buf, sizeof(buf));
		if (n <= 0) {
			free(text);
			return NULL;
		}
		off += snprintf(text + off, size - off, "%s\n", buf);
		i += n;
	}
	return text;
}

/* insns -> text -> insns: same bytes?  0, or -1 with the reason in why. */
static int roundtrip(const struct bpf_insn *insns, u32 len, char *why,
		     size_t whylen)
{
	struct bpf_insn *back = NULL;
	char err[ASM_ERR_LEN];
	char *text = disasm_text(insns, len);
	u32 blen, i;
	int ret = -1;

	if (!text) {
		snprintf(why, whylen, "disassembly failed");
		return -1;
	}
	if (asm_assemble(text, 1, &back, &blen, err, sizeof(err))) {
		snprintf(why, whylen, "re-assembly failed: %s", err);
		goto out;
	}
	if (blen != len) {
		snprintf(why, whylen, "%u slots became %u", len, blen);
		goto out;
	}
	for (i = 0; i < len; i++) {
		if (memcmp(&insns[i], &back[i], sizeof(*insns))) {
			char line[128];

			abpf_disasm_insn(insns, len, i, line, sizeof(line));
			snprintf(why, whylen, "slot %u differs after \"%s\"",
				 i, line);
			goto out;
		}
	}
	ret = 0;
out:
	free(back);
	free(text);
	return ret;
}

static const struct {
	struct bpf_insn insns[2];
	const char *text;
} golden[] = {
	{ { ABPF_ALU32_IMM(BPF_ADD, 1, 5) }, "add32 %r1, 5" },
	{ { ABPF_MOV64_REG(0, 1) }, "mov %r0, %r1" },
	{ { ABPF_MOV64_IMM(0, -1) }, "mov %r0, -1" },
	{ { ABPF_MOV32_IMM(0, (s32)0x80000000) }, "mov32 %r0, 0x80000000" },
	{ { ABPF_LD_IMM64(0, 0x123456789abcdef0ULL) },
	  "lddw %r0, 0x123456789abcdef0" },
	{ { ABPF_LDX_MEM(BPF_W, 0, 1, 4) }, "ldxw %r0, [%r1+4]" },
	{ { ABPF_LDX_MEMSX(BPF_B, 0, 10, -1) }, "ldxsb %r0, [%r10-1]" },
	{ { ABPF_STX_MEM(BPF_DW, 10, 1, -8) }, "stxdw [%r10-8], %r1" },
	{ { ABPF_ST_MEM(BPF_B, 1, 2, 0x11) }, "stb [%r1+2], 17" },
	{ { ABPF_ATOMIC_OP(BPF_DW, BPF_ADD | BPF_FETCH, 1, 2, 0) },
	  "lock fetch add [%r1+0], %r2" },
	{ { ABPF_ATOMIC_OP(BPF_W, BPF_CMPXCHG, 10, 1, -8) },
	  "lock cmpxchg32 [%r10-8], %r1" },
	{ { ABPF_ATOMIC_OP(BPF_DW, BPF_XCHG, 10, 1, -8) },
	  "lock xchg [%r10-8], %r1" },
	{ { ABPF_JMP_IMM(BPF_JEQ, 1, 5, 3) }, "jeq %r1, 5, +3" },
	{ { ABPF_JMP32_REG(BPF_JSLT, 1, 2, -4) }, "jslt32 %r1, %r2, -4" },
	{ { ABPF_JMP_A(-1) }, "ja -1" },
	{ { ABPF_JMP32_A(100) }, "ja32 +100" },
	{ { ABPF_CALL_HELPER(5) }, "call 5" },
	{ { ABPF_CALL_LOCAL(4) }, "call local +4" },
	{ { ABPF_CALLX(2) }, "call %r2" },
	{ { ABPF_EXIT() }, "exit" },
	{ { ABPF_ENDIAN(BPF_TO_BE, 0, 16) }, "be16 %r0" },
	{ { ABPF_ENDIAN(BPF_TO_LE, 3, 64) }, "le64 %r3" },
	{ { ABPF_BSWAP(0, 64) }, "bswap64 %r0" },
	{ { ABPF_ALU32_SREG(BPF_DIV, 0, 1) }, "sdiv32 %r0, %r1" },
	{ { ABPF_ALU64_SIMM(BPF_MOD, 0, 3) }, "smod %r0, 3" },
	{ { ABPF_MOVSX32_REG(0, 1, 8) }, "movsx832 %r0, %r1" },
	{ { ABPF_MOVSX64_REG(0, 1, 32) }, "movsx3264 %r0, %r1" },
	{ { ABPF_NEG64(3) }, "neg %r3" },
	{ { ABPF_LD_ABS(BPF_W, 12) }, "ldabsw 12" },
	{ { ABPF_LD_IND(BPF_H, 1, 4) }, "ldindh %r1, 4" },
	{ { ABPF_RAW(0x07, 0, 0, 1, 1) }, ".insn 0x0000000100010007" },
	{ { ABPF_RAW(0xff, 1, 2, 3, 4) }, ".insn 0x00000004000321ff" },
};

static void golden_tests(void)
{
	char buf[128], why[ASM_ERR_LEN + 64];
	size_t i;
	u32 len;

	for (i = 0; i < ARRAY_SIZE(golden); i++) {
		const char *want = golden[i].text;

		if (!tap_selected("disasm", want))
			continue;
		len = abpf_is_lddw(&golden[i].insns[0]) ? 2 : 1;
		abpf_disasm_insn(golden[i].insns, len, 0, buf, sizeof(buf));
		if (strcmp(buf, want))
			tap_report(false, "disasm", want, "got \"%s\"", buf);
		else if (roundtrip(golden[i].insns, len, why, sizeof(why)))
			tap_report(false, "disasm", want, "%s", why);
		else
			tap_report(true, "disasm", want, NULL);
	}
}

/* --mem-hex and the corpus "-- mem" section: bytes, or an error. */
static const struct {
	const char *text;
	int len;		/* -1: rejected */
	u8 first, last;
} hex_cases[] = {
	{ "aa bb cc", 3, 0xaa, 0xcc },
	{ "0x01 0x02", 2, 0x01, 0x02 },
	{ "0102\t03", 3, 0x01, 0x03 },
	{ "", 0, 0, 0 },
	{ "1 2", -1, 0, 0 },		/* two half bytes, not 0x12 */
	{ "abc", -1, 0, 0 },
	{ "zz", -1, 0, 0 },
};

static void hex_tests(void)
{
	char err[ASM_ERR_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hex_cases); i++) {
		const char *t = hex_cases[i].text;
		int want = hex_cases[i].len;
		u8 *b = NULL;
		u32 n = 0;
		int ret;

		if (!tap_selected("hex", t))
			continue;
		ret = asm_parse_hex(t, &b, &n, err, sizeof(err));
		if (want < 0 && ret < 0)
			tap_report(true, "hex", t, NULL);
		else if (want < 0)
			tap_report(false, "hex", t, "accepted as %u bytes", n);
		else if (ret < 0)
			tap_report(false, "hex", t, "rejected: %s", err);
		else if (n != (u32)want || (n && (b[0] != hex_cases[i].first ||
						  b[n - 1] != hex_cases[i].last)))
			tap_report(false, "hex", t, "got %u bytes", n);
		else
			tap_report(true, "hex", t, NULL);
		free(b);
	}
}

/*
 * Run contexts are reused without clearing their regions (prog.c): every
 * region an init adds must be fully set, whatever the memory held before.
 */
static void run_ctx_tests(void)
{
	static u8 pkt[64];
	struct abpf_pkt_ctx ctx = {
		.data = (u64)(unsigned long)pkt,
		.data_end = (u64)(unsigned long)pkt + sizeof(pkt),
	};
	struct abpf_run_ctx rc;
	int w;

	for (w = 0; w <= 1; w++) {
		const char *name = w ? "pkt writable" : "pkt read-only";

		if (!tap_selected("run-ctx", name))
			continue;
		memset(&rc, 0xb7, sizeof(rc));
		abpf_run_ctx_init_pkt(&rc, &ctx, w);
		if (rc.nr_regions != 2 || rc.regions[0].writable != w ||
		    rc.regions[1].writable ||
		    rc.regions[1].len != sizeof(ctx))
			tap_report(false, "run-ctx", name,
				   "regions %u, writable %d/%d", rc.nr_regions,
				   rc.regions[0].writable != 0,
				   rc.regions[1].writable != 0);
		else
			tap_report(true, "run-ctx", name, NULL);
	}
	if (tap_selected("run-ctx", "mem")) {
		memset(&rc, 0xb7, sizeof(rc));
		abpf_run_ctx_init_mem(&rc, pkt, sizeof(pkt));
		tap_report(rc.nr_regions == 1 && rc.regions[0].writable &&
			   rc.regions[0].len == sizeof(pkt) && !rc.error,
			   "run-ctx", "mem", "regions %u", rc.nr_regions);
	}
}

/* Every opcode with a spread of field values: disasm -> asm == bytes. */
static void exhaustive_tests(void)
{
	static const u8 regs[] = { 0, 1, 10, 11, 15 };
	static const s16 offs[] = { 0, 1, 8, 16, 32, -1, 32767, -32768 };
	static const s32 imms[] = {
		0, 1, 16, 32, 64, -1, 0x7fffffff, (s32)0x80000000, 65535,
		-65536, BPF_ADD | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG, BPF_XOR,
	};
	char why[ASM_ERR_LEN + 64], name[32];
	struct bpf_insn insns[2];
	size_t d, s, o, m;
	unsigned int op, n, bad;

	for (op = 0; op < 256; op++) {
		snprintf(name, sizeof(name), "opcode-0x%02x", op);
		if (!tap_selected("roundtrip", name))
			continue;
		n = bad = 0;
		why[0] = '\0';
		for (d = 0; d < ARRAY_SIZE(regs); d++)
		for (s = 0; s < ARRAY_SIZE(regs); s++)
		for (o = 0; o < ARRAY_SIZE(offs); o++)
		for (m = 0; m < ARRAY_SIZE(imms); m++) {
			char w[ASM_ERR_LEN + 64];

			insns[0] = ABPF_RAW(op, regs[d], regs[s], offs[o],
					    imms[m]);
			insns[1] = ABPF_RAW(0, 0, 0, 0, (s32)0x89abcdef);
			n++;
			if (roundtrip(insns, 2, w, sizeof(w))) {
				if (!bad++)
					memcpy(why, w, sizeof(why));
			}
		}
		if (bad)
			tap_report(false, "roundtrip", name, "%u of %u: %s", bad, n,
			       why);
		else
			tap_report(true, "roundtrip", name, "%u encodings", n);
	}
}

static int name_sort(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int data_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".data");
}

/* Which negatives the assembler/parser itself must reject. */
static bool negative_is_syntax(const char *file)
{
	return !strncmp(file, "invalid_", 8) || !strncmp(file, "empty", 5);
}

static void corpus_file(const char *dir, const char *sub, const char *file)
{
	struct data_file df;
	struct bpf_insn *insns = NULL, *raw = NULL;
	char path[4096], err[ASM_ERR_LEN], why[ASM_ERR_LEN + 64];
	char suite[32], *text;
	bool negative = !strcmp(sub, "negative");
	u32 len, rlen;

	snprintf(suite, sizeof(suite), "asm-%s", sub);
	if (!tap_selected(suite, file))
		return;
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, file);
	text = read_whole_file(path, NULL);
	if (!text) {
		tap_report(false, suite, file, "%s", strerror(errno));
		return;
	}
	if (data_parse(text, &df, err, sizeof(err)) ||
	    data_program(&df, &insns, &len, err, sizeof(err))) {
		if (negative && negative_is_syntax(file))
			tap_report(true, suite, file, "rejected: %s", err);
		else
			tap_report(false, suite, file, "%s", err);
		goto out;
	}
	if (negative && negative_is_syntax(file)) {
		tap_report(false, suite, file, "assembled (%u slots) but must be rejected",
		       len);
		goto out;
	}
	if (df.asm_text && df.raw_text) {
		if (asm_parse_raw(df.raw_text, df.raw_line, &raw, &rlen, err,
				  sizeof(err))) {
			tap_report(false, suite, file, "raw: %s", err);
			goto out;
		}
		if (rlen != len || memcmp(raw, insns, len * sizeof(*raw))) {
			tap_report(false, suite, file, "-- asm and -- raw differ");
			goto out;
		}
	}
	if (roundtrip(insns, len, why, sizeof(why)))
		tap_report(false, suite, file, "round trip: %s", why);
	else
		tap_report(true, suite, file, "%u slots round-trip", len);
out:
	free(raw);
	free(insns);
	data_free(&df);
	free(text);
}

static void corpus_tests(const char *dir)
{
	static const char *const subs[] = { "tests", "negative" };
	struct dirent **ents;
	char path[4096];
	size_t s;
	int i, n;

	for (s = 0; s < ARRAY_SIZE(subs); s++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subs[s]);
		n = scandir(path, &ents, data_filter, name_sort);
		if (n < 0) {
			if (!tap_filter)
				printf("# corpus %s not found (%s): skipped\n",
				       path, strerror(errno));
			continue;
		}
		for (i = 0; i < n; i++) {
			corpus_file(dir, subs[s], ents[i]->d_name);
			free(ents[i]);
		}
		free(ents);
	}
}

static const char usage[] =
"Usage: altbpf-native-tests [--corpus DIR] [--filter TEXT] [--verbose]\n"
"\n"
"Runs the engine core's test tables (kunit/tables/<unit>.h) on every native\n"
"engine, the disassembler's golden and exhaustive round-trip tests and\n"
"the assembler over the conformance corpus (asm -> bytes -> disasm -> asm\n"
"gives the same bytes).  Prints one TAP-like line per case and\n"
"'native: N passed, M failed'; exits 1 if anything failed.\n"
"\n"
"  --corpus DIR    conformance corpus (default: $ALTBPF_CONFORMANCE_DIR,\n"
"                  else " ABPF_CORPUS_DIR ")\n"
"  --filter TEXT   only cases whose suite/name contains TEXT\n"
"  --verbose       details on passing cases too\n"
"  -h, --help      this text\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "corpus", required_argument, NULL, 'c' },
		{ "filter", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *corpus = getenv("ALTBPF_CONFORMANCE_DIR");
	int c;

	if (!corpus || !*corpus)
		corpus = ABPF_CORPUS_DIR;
	while ((c = getopt_long(argc, argv, "c:f:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			corpus = optarg;
			break;
		case 'f':
			tap_filter = optarg;
			break;
		case 'v':
			tap_verbose = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "altbpf-native-tests: unexpected argument '%s'\n\n%s",
			argv[optind], usage);
		return 2;
	}

	run_tables();
	proof_tests();
	golden_tests();
	hex_tests();
	run_ctx_tests();
	exhaustive_tests();
	corpus_tests(corpus);

	return tap_finish("native");
}
