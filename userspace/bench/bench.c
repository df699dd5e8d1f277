// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - altbpf-bench: the benchmark suite's harness.
 *
 * For each program of the suite and each engine available here (natively:
 * gcc -O2, altbpf's interpreter and JIT in-process, the host kernel's JIT;
 * in the guest: altbpf's interpreter and JIT through /dev/altbpf, the
 * kernel's interpreter and JIT through bpf(2)), load it, run it once and
 * compare its checksum with every other engine's, then time it: calibrate
 * a repeat count to about --round-ms per round, one warm-up round, then
 * --rounds rounds; the figure is the median round's ns per run.
 * --check runs each program once per engine and only compares checksums.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

const char *const bench_engine_names[ENG__COUNT] = {
	[ENG_GCC] = "gcc-O2",
	[ENG_ALTBPF_INTERP] = "altbpf-interp",
	[ENG_ALTBPF_JIT] = "altbpf-jit",
	[ENG_KERNEL_INTERP] = "kernel-interp",
	[ENG_KERNEL_JIT] = "kernel-jit",
};

const struct bench_spec bench_suite[] = {
	{ "empty", "empty program (entry/exit cost)" },
	{ "xorshift", "ALU loop: 1000 rounds of xorshift64" },
	{ "collatz", "branchy loop: Collatz steps of 16 numbers" },
	{ "bubble", "bubble sort of 64 words on the stack" },
	{ "csum", "Internet checksum of a 1500-byte packet" },
	{ "jhash", "jhash2 of 64 bytes, 16 windows" },
	{ "crc32", "bitwise CRC-32 of 256 bytes" },
	{ "parser", "eth/IPv4/TCP 5-tuple and 16-rule match" },
	{ "calls", "bpf-to-bpf call chain (7 deep) x16" },
	{ "array_counters", "array-map counters, 64 lookups + atomic add" },
	{ "hash_flows", "hash-map flow table, 64 lookups/updates" },
	{ "lpm", "LPM-trie, 32 lookups in 129 routes" },
	{ "tail_calls", "tail-call chain of 8 programs" },
	{ "atomics", "32 x 8 atomic ops on a map value" },
	{ "lookup_array", "256 array-map lookups" },
	{ "lookup_hash", "256 hash-map lookups" },
};
const unsigned int bench_suite_len = ARRAY_SIZE(bench_suite);

struct bench_out {
	FILE *csv;		/* suite rows */
	FILE *extra;		/* load cost, userspace map lookups */
	const char *where;
};

static struct {
	const char *obj_dir;
	const char *where;
	const char *only;
	unsigned int rounds;
	double round_ns;
	bool check;
	bool extra;
} opt = {
	.rounds = 7,
	.round_ns = 20e6,
	.extra = true,
};

double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * The userspace timing loops' clock: this thread's CPU time, so time the
 * scheduler gives to other tasks does not count, as the kernel's
 * bpf_test_timer stops its clock around cond_resched().
 */
double bench_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Ethernet + IPv4 (10.3.1.2 -> 192.168.1.1, 1500 bytes) + TCP
 * (40000 -> 8033, matching parser rule 3) + pseudo-random payload.
 */
void bench_packet(__u8 *p, __u32 len)
{
	static const __u8 hdr[] = {
		0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 1500 >> 8, 1500 & 0xff, 0x12, 0x34, 0x40, 0, 64, 6,
		0, 0, 10, 3, 1, 2, 192, 168, 1, 1,
		40000 >> 8, 40000 & 0xff, 8033 >> 8, 8033 & 0xff,
		0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0,
	};
	__u64 x = 0x2545f4914f6cdd1dULL;
	__u32 sum = 0;

	for (__u32 i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = i < sizeof(hdr) ? hdr[i] : (__u8)(x >> 24);
	}
	for (int i = 14; i < 34; i += 2)
		sum += p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	p[24] = (__u8)(~sum >> 8);
	p[25] = (__u8)~sum;
}

static const struct bench_backend *backend_of(int engine, bool guest)
{
	switch (engine) {
	case ENG_GCC:
		return guest ? NULL : &bench_gcc_backend;
	case ENG_ALTBPF_INTERP:
	case ENG_ALTBPF_JIT:
		return guest ? &bench_dev_backend : &bench_native_backend;
	case ENG_KERNEL_INTERP:
		/* natively that would mean changing the host's sysctl */
		return guest ? &bench_kernel_backend : NULL;
	case ENG_KERNEL_JIT:
		return &bench_kernel_backend;
	}
	return NULL;
}

/* The harness's map contents (see the programs' comments). */
static int fill_maps(const struct bench_backend *be, struct bench_inst *inst)
{
	const char *n = inst->spec->name;

	if (!strcmp(n, "lpm")) {
		struct { __u32 plen; __u8 a[4]; } k;
		__u32 v;

		for (__u32 i = 0; i < 64; i++) {
			k = (typeof(k)){ 16, { 10, i, 0, 0 } };
			v = i;
			if (be->map_update(inst, "routes", &k, &v))
				return -1;
			k = (typeof(k)){ 24, { 10, i, i, 0 } };
			v = 100 + i;
			if (be->map_update(inst, "routes", &k, &v))
				return -1;
		}
		k = (typeof(k)){ 0, { 0, 0, 0, 0 } };
		v = 999;
		return be->map_update(inst, "routes", &k, &v);
	}
	if (!strcmp(n, "lookup_array") || !strcmp(n, "lookup_hash")) {
		for (__u32 i = 0; i < 256; i++) {
			__u64 v = i * 2654435761ULL;

			if (be->map_update(inst, "lookup_table", &i, &v))
				return -1;
		}
	}
	return 0;
}

struct cell {
	int state;		/* 0 n/a, 1 ran, 2 mismatch, 3 error */
	__u32 sum;
	double ns;
	unsigned long runs;
	char note[1100];
};

/*
 * Repeat count for a round of about opt.round_ns of measured time (the
 * backends' own ns per run: per-call costs outside the timed loop do not
 * count).
 */
static __u32 calibrate(const struct bench_backend *be, struct bench_inst *inst,
		       const __u8 *pkt, __u32 len)
{
	__u32 repeat = 1, r;
	double ns;

	for (;;) {
		double total;

		if (be->run(inst, pkt, len, repeat, &r, &ns))
			return 0;
		total = ns * repeat;
		if (total >= opt.round_ns / 8 || repeat >= (1U << 26))
			break;
		repeat *= total < opt.round_ns / 100 ? 16 : 4;
	}
	ns = ns > 0.5 ? ns : 0.5;
	r = (__u32)(opt.round_ns / ns);
	return r < 1 ? 1 : r > (1U << 28) ? (1U << 28) : r;
}

/*
 * Time every engine that passed the checksum comparison: calibrate each,
 * one warm-up round each, then the rounds interleaved (round i of every
 * engine before round i + 1 of any), so a burst of load from elsewhere on
 * the machine (or on the host of a guest) hits all engines alike; each
 * engine's figure is its median round.
 */
static void time_cells(const struct bench_backend *const *be,
		       struct bench_inst *inst, const __u8 *pkt, __u32 len,
		       struct cell *cell)
{
	double v[ENG__COUNT][64];
	__u32 repeat[ENG__COUNT], r, n = opt.rounds > 64 ? 64 : opt.rounds;
	double ns;

	for (int e = 0; e < ENG__COUNT; e++) {
		if (cell[e].state != 1)
			continue;
		repeat[e] = calibrate(be[e], &inst[e], pkt, len);
		if (!repeat[e] ||
		    be[e]->run(&inst[e], pkt, len, repeat[e], &r, &ns))
			goto fail;
		continue;
fail:
		cell[e].state = 3;
		snprintf(cell[e].note, sizeof(cell[e].note),
			 "timing failed: %s", inst[e].why);
	}
	for (__u32 i = 0; i < n; i++) {
		for (int e = 0; e < ENG__COUNT; e++) {
			if (cell[e].state != 1)
				continue;
			if (be[e]->run(&inst[e], pkt, len, repeat[e], &r,
				       &v[e][i])) {
				cell[e].state = 3;
				snprintf(cell[e].note, sizeof(cell[e].note),
					 "timing failed: %s", inst[e].why);
			}
		}
	}
	for (int e = 0; e < ENG__COUNT; e++) {
		if (cell[e].state != 1)
			continue;
		cell[e].ns = bench_median(v[e], n);
		cell[e].runs = (unsigned long)repeat[e] * n;
	}
}

static void csv_field(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
	fputc('"', f);
}

void bench_extra_row(struct bench_out *out, const char *kind,
		     const char *what, const char *engine, double value,
		     const char *unit, unsigned long runs, const char *note)
{
	printf("  %-9s %-14s %-14s %12.2f %-10s %s\n", kind, what, engine,
	       value, unit, note);
	fflush(stdout);
	if (!out->extra)
		return;
	fprintf(out->extra, "%s,%s,%s,%s,%.3f,%s,%lu,", kind, what, engine,
		out->where, value, unit, runs);
	csv_field(out->extra, note);
	fputc('\n', out->extra);
	fflush(out->extra);
}

static const char *state_name(int s)
{
	return s == 1 ? "ok" : s == 2 ? "MISMATCH" : s == 3 ? "error" : "n/a";
}

/* One program on every engine: load, compare, time.  Returns failures. */
static int bench_one(const struct bench_spec *spec, unsigned int idx,
		     struct bench_out *out, const __u8 *pkt, __u32 len,
		     unsigned int *passed)
{
	bool guest = !strcmp(opt.where, "guest");
	const struct bench_backend *be[ENG__COUNT];
	struct bench_inst inst[ENG__COUNT];
	struct cell cell[ENG__COUNT];
	int ref = -1, failed = 0;

	memset(inst, 0, sizeof(inst));
	memset(cell, 0, sizeof(cell));
	printf("[%2u/%u] %-15s", idx + 1, bench_suite_len, spec->name);
	fflush(stdout);
	for (int e = 0; e < ENG__COUNT; e++)
		be[e] = backend_of(e, guest);
	for (int e = 0; e < ENG__COUNT; e++) {
		struct cell *c = &cell[e];
		double ns;

		inst[e].spec = spec;
		inst[e].engine = e;
		if (!be[e])
			continue;
		if (be[e]->load(&inst[e], opt.obj_dir)) {
			snprintf(c->note, sizeof(c->note), "%s", inst[e].why);
			continue;
		}
		if (fill_maps(be[e], &inst[e]) ||
		    be[e]->run(&inst[e], pkt, len, 1, &c->sum, &ns)) {
			c->state = 3;
			snprintf(c->note, sizeof(c->note), "%s", inst[e].why);
			be[e]->unload(&inst[e]);
			inst[e].priv = NULL;
			continue;
		}
		c->state = 1;
		if (ref < 0)
			ref = e;
		else if (c->sum != cell[ref].sum) {
			c->state = 2;
			snprintf(c->note, sizeof(c->note),
				 "checksum %#x, %s returned %#x", c->sum,
				 bench_engine_names[ref], cell[ref].sum);
		}
	}
	if (!opt.check)
		time_cells(be, inst, pkt, len, cell);
	for (int e = 0; e < ENG__COUNT; e++) {
		struct cell *c = &cell[e];

		if (!be[e])
			continue;
		if (inst[e].priv)
			be[e]->unload(&inst[e]);
		if (c->state == 1 && opt.check) {
			printf(" %s ok", bench_engine_names[e]);
			(*passed)++;
		} else if (c->state == 1) {
			printf(" %s %.1f", bench_engine_names[e], c->ns);
			(*passed)++;
		} else if (c->state) {
			printf(" %s %s", bench_engine_names[e], state_name(c->state));
			failed++;
		} else {
			printf(" %s n/a", bench_engine_names[e]);
		}
		fflush(stdout);
		if (out->csv) {
			fprintf(out->csv, "%s,%s,%s,", spec->name,
				bench_engine_names[e], opt.where);
			if (c->state == 1)
				fprintf(out->csv, "%.3f,%lu,", c->ns, c->runs);
			else
				fprintf(out->csv, ",0,");
			fprintf(out->csv, "%#x,%s,", c->state ? c->sum : 0,
				state_name(c->state));
			csv_field(out->csv, c->note);
			fputc('\n', out->csv);
			fflush(out->csv);
		}
	}
	printf(opt.check ? " (checksum %#x)\n" : " ns/run\n",
	       ref >= 0 ? cell[ref].sum : 0);
	for (int e = 0; e < ENG__COUNT; e++)
		if (cell[e].state != 1 && cell[e].note[0])
			printf("        %s %s: %s\n", bench_engine_names[e],
			       state_name(cell[e].state), cell[e].note);
	if (ref < 0) {
		printf("        no engine could run %s\n", spec->name);
		failed++;
	}
	return failed;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: altbpf-bench --obj-dir DIR [--where native|guest] [--check]\n"
"                    [--csv FILE] [--extra-csv FILE] [--rounds N]\n"
"                    [--round-ms MS] [--only NAME] [--no-extra]\n"
"Runs the benchmark suite (docs/bench.md) on every engine available\n"
"here; --check runs each program once per engine and compares checksums\n"
"(closing line \"bench: N passed, M failed\").  Rows are appended to the\n"
"CSV files.\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "obj-dir", 1, 0, 'o' }, { "where", 1, 0, 'w' },
		{ "check", 0, 0, 'c' }, { "csv", 1, 0, 'C' },
		{ "extra-csv", 1, 0, 'E' }, { "rounds", 1, 0, 'r' },
		{ "round-ms", 1, 0, 'm' }, { "only", 1, 0, 'n' },
		{ "no-extra", 0, 0, 'x' }, { "help", 0, 0, 'h' }, { 0 }
	};
	struct bench_out out = { 0 };
	unsigned int passed = 0, failed = 0;
	__u8 pkt[BENCH_PKT_LEN];
	int c;

	opt.where = "native";
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			opt.obj_dir = optarg;
			break;
		case 'w':
			opt.where = optarg;
			break;
		case 'c':
			opt.check = true;
			break;
		case 'C':
			out.csv = fopen(optarg, "a");
			if (!out.csv) {
				perror(optarg);
				return 2;
			}
			break;
		case 'E':
			out.extra = fopen(optarg, "a");
			if (!out.extra) {
				perror(optarg);
				return 2;
			}
			break;
		case 'r':
			opt.rounds = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			opt.round_ns = strtod(optarg, NULL) * 1e6;
			break;
		case 'n':
			opt.only = optarg;
			break;
		case 'x':
			opt.extra = false;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!opt.obj_dir || (strcmp(opt.where, "native") &&
			     strcmp(opt.where, "guest")) || !opt.rounds) {
		usage(stderr);
		return 2;
	}
	out.where = opt.where;
	bench_kernel_may_toggle_jit = !strcmp(opt.where, "guest");
	{
		/*
		 * one CPU for the whole run: the userspace loops' "migration
		 * disabled"; the kernel's loops disable it themselves
		 */
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	bench_packet(pkt, sizeof(pkt));
	for (unsigned int i = 0; i < bench_suite_len; i++) {
		if (opt.only && strcmp(opt.only, bench_suite[i].name))
			continue;
		failed += bench_one(&bench_suite[i], i, &out, pkt, sizeof(pkt),
				    &passed);
	}
	if (!opt.check && opt.extra && !opt.only) {
		bench_load_cost(&out, !strcmp(opt.where, "guest"), opt.rounds);
		if (!strcmp(opt.where, "guest"))
			bench_map_user(&out, opt.rounds);
	}
	if (opt.check)
		printf("bench: %u passed, %u failed\n", passed, failed);
	if (out.csv)
		fclose(out.csv);
	if (out.extra)
		fclose(out.extra);
	return failed ? 1 : 0;
}
