// SPDX-License-Identifier: GPL-2.0
/*
 * replay.c - replay the fuzzer's corpus and regressions without libFuzzer
 * (build/bin/altbpf-fuzz-replay; scripts/check runs it natively,
 * scripts/guest-tests with --dev in the VM).
 *
 *   altbpf-fuzz-replay [--known FILE] [--dev] PATH...
 *	every file (directories: every file in them, sorted) through the
 *	oracles (oracle.h); one TAP line each, then
 *	"fuzz-replay: N passed, M failed" ("fuzz-replay-dev" with --dev).
 *	Files named in FILE (one "name reason..." a line) are known
 *	divergences owned by someone else: run and reported, not counted.
 *	A reason starting "sanitizer:" is a finding that only a sanitizer
 *	build shows (make fuzz, make -C userspace SANITIZE=1).
 *	--dev: also load each case through /dev/altbpf and test-run it on
 *	the module's interpreter and JIT: an accepted case must give the
 *	same r0 and abort code on both (and the native interpreter's unless
 *	it depends on the stack's or the input memory's address: the
 *	device copies the memory), a rejected one must be rejected there too
 *	with "insn N: reason".  Cases that use maps, exhaust the loop
 *	budget natively, or are of a type the device cannot test-run
 *	(PACKET, KPROBE: ctx.h), are only run natively.
 *   altbpf-fuzz-replay --print FILE	the generated program and verdict
 *   altbpf-fuzz-replay --seeds DIR N	write N random seed inputs
 *   altbpf-fuzz-replay --case IN OUT	the case IN makes, as a case file
 *					(gen.h: how regressions are kept)
 */
#include <dirent.h>
#include <sys/stat.h>

#include "oracle.h"
#include "runner.h"

static bool dev;
static char known[64][256];
static bool known_san[64];
static u32 nknown;
static u32 n_pass, n_fail, n_test;

static void load_known(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (nknown < ARRAY_SIZE(known) && fgets(line, sizeof(line), f)) {
		char why[16] = "";

		if (line[0] == '#' ||
		    sscanf(line, "%255s %15s", known[nknown], why) < 1)
			continue;
		known_san[nknown++] = !strcmp(why, "sanitizer:");
	}
	fclose(f);
}

/* 0: not known, 1: known, 2: a known sanitizer finding */
static int is_known(const char *path)
{
	const char *base = strrchr(path, '/');
	u32 k;

	base = base ? base + 1 : path;
	for (k = 0; k < nknown; k++)
		if (!strcmp(base, known[k]))
			return known_san[k] ? 2 : 1;
	return 0;
}

static u8 *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	u8 *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? n : 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

static bool uses_maps(const struct fuzz_case *c)
{
	u32 k;

	for (k = 0; k < c->len; k++)
		if (abpf_is_lddw(&c->insns[k]) && c->insns[k].src_reg)
			return true;
	return false;
}

/* The same case through /dev/altbpf; NULL if it agrees. */
static const char *dev_check(const struct fuzz_case *c, enum fuzz_verdict v,
			     char *why, size_t size)
{
	static struct run_result ri, rj;
	struct run_opts o = { .via = RUN_VIA_DEV, .prog_type = c->type };

	/* the device runs MEM and CONFORMANCE programs only */
	if (uses_maps(c) || (v != FUZZ_REJECTED && fuzz_last.error == -ELOOP) ||
	    (c->type != ABPF_PROG_TYPE_MEM &&
	     c->type != ABPF_PROG_TYPE_CONFORMANCE))
		return NULL;
	o.engine = ABPF_ENGINE_INTERP;
	if (run_program(c->insns, c->len, c->mem, sizeof(c->mem), &o, &ri) == -2) {
		snprintf(why, size, "device: %s", ri.msg);
		return why;
	}
	if (v == FUZZ_REJECTED) {
		unsigned int idx;

		if (!ri.load_err || sscanf(ri.log, "insn %u:", &idx) != 1) {
			snprintf(why, size, "natively rejected, device: load_err %d log '%.80s'",
				 ri.load_err, ri.log);
			return why;
		}
		return NULL;
	}
	if (ri.load_err) {
		snprintf(why, size, "natively accepted, device rejects: %.120s", ri.log);
		return why;
	}
	o.engine = ABPF_ENGINE_JIT;
	if (run_program(c->insns, c->len, c->mem, sizeof(c->mem), &o, &rj) == -2) {
		snprintf(why, size, "device (jit): %s", rj.msg);
		return why;
	}
	/*
	 * Address-dependent results differ between runs: a stack address
	 * folded into r0 (the engines' stacks differ), or the data buffer's
	 * (r1: dev.c allocates it per run; KASAN delays reuse of the last
	 * one).  Only their errors must agree.
	 */
	if ((v != FUZZ_UNSTABLE && !fuzz_last.ctx_dependent &&
	     ri.r0 != rj.r0) || ri.run_err != rj.run_err) {
		snprintf(why, size, "device interp r0=%#llx err=%d, jit r0=%#llx err=%d",
			 (unsigned long long)ri.r0, ri.run_err,
			 (unsigned long long)rj.r0, rj.run_err);
		return why;
	}
	if (v == FUZZ_AGREE && fuzz_last.stable && !fuzz_last.ctx_dependent &&
	    (ri.r0 != fuzz_last.r0 || ri.run_err != fuzz_last.error)) {
		snprintf(why, size, "device r0=%#llx err=%d, native r0=%#llx err=%d",
			 (unsigned long long)ri.r0, ri.run_err,
			 (unsigned long long)fuzz_last.r0, fuzz_last.error);
		return why;
	}
	return NULL;
}

static const char *verdict_name(enum fuzz_verdict v)
{
	switch (v) {
	case FUZZ_REJECTED:	return "rejected";
	case FUZZ_AGREE:	return "accepted, engines agree";
	case FUZZ_UNSTABLE:	return "accepted, address-dependent";
	default:		return "FAIL";
	}
}

static void replay_file(const char *path)
{
	static struct fuzz_case c;
	static char why[1024];
	enum fuzz_verdict v;
	const char *bad = NULL;
	size_t size;
	u8 *data = read_file(path, &size);

	if (!data) {
		printf("not ok %u - %s: %s\n", ++n_test, path, strerror(errno));
		n_fail++;
		return;
	}
	fuzz_generate(data, size, oracle_maps(), &c);
	v = oracle_run(&c, why, sizeof(why));
	free(data);
	if (v == FUZZ_FAIL)
		bad = why;
	else if (dev)
		bad = dev_check(&c, v, why, sizeof(why));
	switch (is_known(path)) {
	case 1:
		printf("# known: %s %s%s\n", path,
		       bad ? "still fails: " : "now passes: remove it from the known list",
		       bad ? bad : "");
		return;
	case 2:
		printf("# known: %s %s%s\n", path,
		       bad ? "fails: " : "a sanitizer finding (known.txt), passes without one",
		       bad ? bad : "");
		return;
	}
	if (bad) {
		printf("not ok %u - %s: %s\n", ++n_test, path, bad);
		n_fail++;
	} else {
		printf("ok %u - %s (%s)\n", ++n_test, path, verdict_name(v));
		n_pass++;
	}
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay_path(const char *path)
{
	struct dirent **ents;
	struct stat sb;
	int n, k;

	if (stat(path, &sb) || !S_ISDIR(sb.st_mode)) {
		replay_file(path);
		return;
	}
	n = scandir(path, &ents, NULL, cmp_names);
	for (k = 0; k < n; k++) {
		const char *nm = ents[k]->d_name;
		size_t l = strlen(nm);
		char full[4096];

		if (nm[0] != '.' && !(l > 4 && !strcmp(nm + l - 4, ".txt")) &&
		    !(l > 5 && !strcmp(nm + l - 5, ".case"))) {
			snprintf(full, sizeof(full), "%s/%s", path, nm);
			replay_file(full);
		}
		free(ents[k]);
	}
	if (n >= 0)
		free(ents);
}

static int print_case(const char *path)
{
	static struct fuzz_case c;
	static char why[1024];
	char line[128];
	enum fuzz_verdict v;
	size_t size;
	u8 *data = read_file(path, &size);
	u32 k;

	if (!data)
		return 2;
	fuzz_generate(data, size, oracle_maps(), &c);
	printf("# type %u, blind %u, %s, %u insns\n", c.type, c.blind,
	       c.raw ? "raw" : "structured", c.len);
	for (k = 0; k < c.len; k++) {
		if (k && abpf_is_lddw(&c.insns[k - 1]))
			continue;
		if (abpf_disasm_insn(c.insns, c.len, k, line, sizeof(line)) < 0)
			snprintf(line, sizeof(line), ".raw 0x%02x", c.insns[k].code);
		printf("%4u: %s\n", k, line);
	}
	v = oracle_run(&c, why, sizeof(why));
	printf("# %s%s%s\n", verdict_name(v), why[0] ? ": " : "", why);
	free(data);
	return v == FUZZ_FAIL;
}

static int write_case(const char *in, const char *out)
{
	static struct fuzz_case c;
	static u8 buf[16 + FUZZ_MEM_LEN + FUZZ_MAX_INSNS * 8];
	size_t size, n;
	u8 *data = read_file(in, &size);
	FILE *f;

	if (!data)
		return 2;
	fuzz_generate(data, size, oracle_maps(), &c);
	free(data);
	n = fuzz_case_write(&c, oracle_maps(), buf, sizeof(buf));
	f = fopen(out, "wb");
	if (!f || fwrite(buf, 1, n, f) != n)
		return 2;
	return fclose(f) ? 2 : 0;
}

static int write_seeds(const char *dir, u32 n)
{
	u64 x = 0x243f6a8885a308d3ULL;
	u32 k, i;

	mkdir(dir, 0755);
	for (k = 0; k < n; k++) {
		char path[4096];
		u32 len = 32 + (k * 37) % 480;
		FILE *f;

		snprintf(path, sizeof(path), "%s/seed-%03u", dir, k);
		f = fopen(path, "wb");
		if (!f)
			return 1;
		for (i = 0; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* header (gen.c): every type, raw 1 in 7 */
			fputc(i == 0 ? (int)(k % 256 & ~3u) |
				       (k % 7 == 6 ? 3 : (int)(k % 3))
				     : (int)(x >> 24) & 0xff, f);
		}
		fclose(f);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	if (oracle_init()) {
		fprintf(stderr, "replay: cannot create the maps\n");
		return 2;
	}
	if (argc == 3 && !strcmp(argv[1], "--print"))
		return print_case(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "--case"))
		return write_case(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "--seeds"))
		return write_seeds(argv[2], strtoul(argv[3], NULL, 0));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--known") && i + 1 < argc)
			load_known(argv[++i]);
		else if (!strcmp(argv[i], "--dev"))
			dev = oracle_check_ctx = true;
		else
			replay_path(argv[i]);
	}
	printf("fuzz-replay%s: %u passed, %u failed\n", dev ? "-dev" : "",
	       n_pass, n_fail);
	return n_fail ? 1 : 0;
}
