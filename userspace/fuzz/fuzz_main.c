// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_main.c - the libFuzzer entry points (build/fuzz/altbpf-fuzz).
 *
 * A failed oracle is written to $ALTBPF_FUZZ_FINDINGS (default
 * build/fuzz/findings) with its reason, counted as a divergence, and the
 * run goes on; ALTBPF_FUZZ_ABORT=1 aborts instead (libFuzzer then keeps
 * the input as a crash-* artifact).  ASan/UBSan reports always abort.
 * At exit: executions, executions per second, programs accepted,
 * divergences.  With $ALTBPF_FUZZ_STATS the same line is also kept in
 * that file, rewritten after every input, so that it survives a
 * sanitizer abort (userspace/fuzz/run adds up the runs of a session).
 */
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "oracle.h"

static struct timespec t0;
static const char *findings;
static bool abort_on_fail;
static int stats_fd = -1;

static double elapsed(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0.tv_sec) +
	       (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
}

static int format_stats(char *buf, size_t size)
{
	double s = elapsed();

	return snprintf(buf, size,
		"altbpf-fuzz: %llu execs in %.0f s (%.0f execs/s), %llu accepted (%llu address-dependent, not compared), %llu rejected, %llu without JIT, %llu divergences\n",
		(unsigned long long)fuzz_counts.execs, s,
		s > 0 ? (double)fuzz_counts.execs / s : 0.0,
		(unsigned long long)fuzz_counts.accepted,
		(unsigned long long)fuzz_counts.unstable,
		(unsigned long long)fuzz_counts.rejected,
		(unsigned long long)fuzz_counts.nojit,
		(unsigned long long)fuzz_counts.failed);
}

static void print_stats(void)
{
	char line[256];

	format_stats(line, sizeof(line));
	fputs(line, stderr);
}

/* The line, padded so that a shorter one overwrites a longer. */
static void save_stats(void)
{
	char line[256];
	int n;

	if (stats_fd < 0)
		return;
	n = format_stats(line, sizeof(line));
	if (n <= 0 || n >= (int)sizeof(line) - 1)
		return;
	memset(line + n, ' ', sizeof(line) - 1 - n);
	line[sizeof(line) - 1] = '\n';
	if (pwrite(stats_fd, line, sizeof(line), 0) != (ssize_t)sizeof(line))
		stats_fd = -1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	clock_gettime(CLOCK_MONOTONIC, &t0);
	findings = getenv("ALTBPF_FUZZ_FINDINGS");
	abort_on_fail = getenv("ALTBPF_FUZZ_ABORT") &&
			!strcmp(getenv("ALTBPF_FUZZ_ABORT"), "1");
	if (getenv("ALTBPF_FUZZ_STATS"))
		stats_fd = open(getenv("ALTBPF_FUZZ_STATS"),
				O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (oracle_init()) {
		fprintf(stderr, "altbpf-fuzz: cannot create the maps\n");
		exit(1);
	}
	atexit(print_stats);
	return 0;
}

/* FNV-1a: a stable name for a finding. */
static u64 hash_bytes(const u8 *d, size_t n)
{
	u64 h = 0xcbf29ce484222325ULL;

	while (n--)
		h = (h ^ *d++) * 0x100000001b3ULL;
	return h;
}

static void save_finding(const u8 *data, size_t size, const char *why)
{
	char path[4096];
	FILE *f;

	if (!findings)
		return;
	mkdir(findings, 0755);
	snprintf(path, sizeof(path), "%s/fail-%016llx", findings,
		 (unsigned long long)hash_bytes(data, size));
	f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(data, 1, size, f);
	fclose(f);
	strncat(path, ".txt", sizeof(path) - strlen(path) - 1);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%s\n", why);
		fclose(f);
	}
	/* the program itself, ready to become a regression (gen.h) */
	strcpy(path + strlen(path) - 4, ".case");
	f = fopen(path, "wb");
	if (f) {
		static struct fuzz_case c;
		static u8 buf[16 + FUZZ_MEM_LEN + FUZZ_MAX_INSNS * 8];

		fuzz_generate(data, size, oracle_maps(), &c);
		fwrite(buf, 1, fuzz_case_write(&c, oracle_maps(), buf,
					       sizeof(buf)), f);
		fclose(f);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static char why[1024];
	enum fuzz_verdict v;

	v = oracle_run_bytes(data, size, why, sizeof(why));
	save_stats();
	if (v != FUZZ_FAIL)
		return 0;
	fprintf(stderr, "altbpf-fuzz: FAIL: %s\n", why);
	save_finding(data, size, why);
	if (abort_on_fail) {
		print_stats();
		abort();
	}
	return 0;
}
