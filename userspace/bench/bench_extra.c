// SPDX-License-Identifier: GPL-2.0
/*
 * bench_extra.c - what is not a suite program:
 *  - load cost: a generated straight-line program of BENCH_GEN_INSNS
 *    instructions (ALU on six registers, stack stores and loads) loaded by
 *    altbpf (check + pre-decode + JIT; natively in-process, in the guest
 *    through /dev/altbpf BPF_PROG_LOAD) and by the kernel (bpf(2)
 *    BPF_PROG_LOAD, verifier + JIT): median ns per instruction;
 *  - in the guest, map lookups from userspace: altbpf's BPF_MAP_LOOKUP_ELEM
 *    ioctl against bpf(2) BPF_MAP_LOOKUP_ELEM on a kernel map of the same
 *    type and size (array and hash, 256 entries, u32 -> u64).
 * Times are this thread's CPU time (bench_cpu_ns(): user and system).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>

#include "altbpf.h"
#include "elf_loader.h"
#include "runner.h"
#ifdef ALTBPF_HAVE_JIT
#include "jit.h"
#endif
#include "bench.h"

#define BENCH_GEN_INSNS	4000

static struct bpf_insn gen[BENCH_GEN_INSNS];

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), \
	.src_reg = (s), .off = (o), .imm = (i) })

/*
 * r0-r5 set, then a repeating mix of 64-bit ALU, 32-bit ALU and stack
 * traffic, then exit: every verifier sees one path.
 */
static unsigned int gen_prog(void)
{
	unsigned int n = 0, k = 0;

	for (int r = 0; r <= 5; r++)
		gen[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, r, 0, 0, r * 7 + 1);
	while (n < BENCH_GEN_INSNS - 1) {
		int d = k % 6, s = (k / 6) % 6, slot = -8 * (int)(1 + k % 16);

		switch (k % 8) {
		case 0:
			gen[n++] = INSN(BPF_ALU64 | BPF_ADD | BPF_X, d, s, 0, 0);
			break;
		case 1:
			gen[n++] = INSN(BPF_ALU64 | BPF_XOR | BPF_K, d, 0, 0, k);
			break;
		case 2:
			gen[n++] = INSN(BPF_ALU64 | BPF_MUL | BPF_K, d, 0, 0, 2654435761U);
			break;
		case 3:
			gen[n++] = INSN(BPF_ALU | BPF_LSH | BPF_K, d, 0, 0, k % 31);
			break;
		case 4:
			gen[n++] = INSN(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, d, slot, 0);
			break;
		case 5:
			gen[n++] = INSN(BPF_ALU64 | BPF_RSH | BPF_K, d, 0, 0, k % 63);
			break;
		case 6:
			gen[n++] = INSN(BPF_ALU | BPF_SUB | BPF_X, d, s, 0, 0);
			break;
		case 7:
			gen[n++] = INSN(BPF_LDX | BPF_MEM | BPF_DW, s, BPF_REG_10,
					-8 * (int)(1 + (k - 3) % 16), 0);
			break;
		}
		k++;
	}
	gen[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

static const char license[] = "GPL";

/* One load; ns, or < 0 on failure (why set). */
static double load_kernel(unsigned int n, char *why, size_t size)
{
	union bpf_attr a;
	double t0;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (__u64)(unsigned long)gen;
	a.insn_cnt = n;
	a.license = (__u64)(unsigned long)license;
	t0 = bench_cpu_ns();
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	t0 = bench_cpu_ns() - t0;
	if (fd < 0) {
		snprintf(why, size, "bpf(BPF_PROG_LOAD): %s", strerror(errno));
		return -1;
	}
	close(fd);
	return t0;
}

static double load_dev(unsigned int n, char *why, size_t size)
{
	union bpf_attr a;
	double t0;
	int dev = open(ALTBPF_DEVICE, O_RDWR | O_CLOEXEC), fd;

	if (dev < 0) {
		snprintf(why, size, "%s: %s", ALTBPF_DEVICE, strerror(errno));
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.prog_type = ALTBPF_PROG_TYPE_MEM;
	a.insns = (__u64)(unsigned long)gen;
	a.insn_cnt = n;
	a.license = (__u64)(unsigned long)license;
	t0 = bench_cpu_ns();
	fd = altbpf_sys(dev, BPF_PROG_LOAD, &a);
	t0 = bench_cpu_ns() - t0;
	if (fd < 0)
		snprintf(why, size, "BPF_PROG_LOAD: %s", strerror(errno));
	else
		close(fd);
	close(dev);
	return fd < 0 ? -1 : t0;
}

static double load_native(unsigned int n, char *why, size_t size)
{
	static char log[4096];
	struct abpf_log l = { log, sizeof(log), 0, 0, false };
	struct abpf_prog *prog;
	double t0 = bench_cpu_ns();
	int err;

	prog = native_load(gen, n, ABPF_PROG_TYPE_MEM, &l, &err);
#ifdef ALTBPF_HAVE_JIT
	if (prog) {
		struct abpf_jit_host host;

		abpf_native_jit_host(&host, 0);
		err = abpf_jit_compile(prog, &host, &l);
	}
#endif
	t0 = bench_cpu_ns() - t0;
	if (!prog || err) {
		snprintf(why, size, "load: %s %s", errno_name(err), log);
		if (prog)
			abpf_prog_free(prog);
		return -1;
	}
#ifdef ALTBPF_HAVE_JIT
	{
		struct abpf_jit_host host;

		abpf_native_jit_host(&host, 0);
		abpf_jit_release(prog, &host);
	}
#endif
	abpf_prog_free(prog);
	return t0;
}

static void load_row(struct bench_out *out, const char *engine,
		     double (*fn)(unsigned int, char *, size_t),
		     unsigned int n, unsigned int rounds)
{
	double v[64];
	char why[256] = "", note[320];

	rounds = rounds > 64 ? 64 : rounds;
	if (fn(n, why, sizeof(why)) < 0) {	/* warm-up */
		bench_extra_row(out, "load", "gen4000", engine, 0, "n/a", 0,
				why);
		return;
	}
	for (unsigned int i = 0; i < rounds; i++) {
		v[i] = fn(n, why, sizeof(why));
		if (v[i] < 0) {
			bench_extra_row(out, "load", "gen4000", engine, 0,
					"n/a", 0, why);
			return;
		}
	}
	snprintf(note, sizeof(note), "%u insns, median %.0f us per load", n,
		 bench_median(v, rounds) / 1e3);
	bench_extra_row(out, "load", "gen4000", engine,
			bench_median(v, rounds) / n, "ns/insn", rounds, note);
}

void bench_load_cost(struct bench_out *out, bool guest, unsigned int rounds)
{
	unsigned int n = gen_prog();

	printf("load cost (check + JIT) of a generated %u-instruction program:\n", n);
	load_row(out, "altbpf", guest ? load_dev : load_native, n, rounds);
	load_row(out, "kernel", load_kernel, n, rounds);
}

/* ---- map lookups from userspace (guest) ---- */

#define LOOKUPS_PER_ROUND	2000

struct map_api {
	int dev;	/* altbpf: /dev/altbpf; -1: bpf(2) */
};

static int api_sys(const struct map_api *api, int cmd, union bpf_attr *a)
{
	if (api->dev >= 0)
		return altbpf_sys(api->dev, cmd, a);
	return syscall(__NR_bpf, cmd, a, sizeof(*a));
}

static void map_user_row(struct bench_out *out, const struct map_api *api,
			 const char *engine, __u32 type, const char *what,
			 unsigned int rounds)
{
	union bpf_attr a;
	double v[64];
	__u64 val;
	int fd;

	rounds = rounds > 64 ? 64 : rounds;
	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 256;
	fd = api_sys(api, BPF_MAP_CREATE, &a);
	if (fd < 0) {
		bench_extra_row(out, "map-user", what, engine, 0, "n/a", 0,
				strerror(errno));
		return;
	}
	for (__u32 k = 0; k < 256; k++) {
		val = k * 2654435761ULL;
		memset(&a, 0, sizeof(a));
		a.map_fd = fd;
		a.key = (__u64)(unsigned long)&k;
		a.value = (__u64)(unsigned long)&val;
		api_sys(api, BPF_MAP_UPDATE_ELEM, &a);
	}
	for (unsigned int r = 0; r <= rounds; r++) {
		double t0 = bench_cpu_ns();

		for (__u32 i = 0; i < LOOKUPS_PER_ROUND; i++) {
			__u32 k = (i * 17) & 255;

			memset(&a, 0, sizeof(a));
			a.map_fd = fd;
			a.key = (__u64)(unsigned long)&k;
			a.value = (__u64)(unsigned long)&val;
			if (api_sys(api, BPF_MAP_LOOKUP_ELEM, &a) ||
			    val != k * 2654435761ULL) {
				bench_extra_row(out, "map-user", what, engine,
						0, "n/a", 0, "lookup failed");
				close(fd);
				return;
			}
		}
		/* round 0 is the warm-up */
		if (r)
			v[r - 1] = LOOKUPS_PER_ROUND * 1e9 /
				   (bench_cpu_ns() - t0);
	}
	close(fd);
	bench_extra_row(out, "map-user", what, engine,
			bench_median(v, rounds), "lookups/s",
			(unsigned long)rounds * LOOKUPS_PER_ROUND,
			"BPF_MAP_LOOKUP_ELEM, 256 entries u32 -> u64");
}

void bench_map_user(struct bench_out *out, unsigned int rounds)
{
	struct map_api alt = { .dev = open(ALTBPF_DEVICE, O_RDWR | O_CLOEXEC) };
	struct map_api kern = { .dev = -1 };

	printf("map lookups from userspace:\n");
	if (alt.dev >= 0) {
		map_user_row(out, &alt, "altbpf", BPF_MAP_TYPE_ARRAY, "array", rounds);
		map_user_row(out, &alt, "altbpf", BPF_MAP_TYPE_HASH, "hash", rounds);
		close(alt.dev);
	}
	map_user_row(out, &kern, "kernel", BPF_MAP_TYPE_ARRAY, "array", rounds);
	map_user_row(out, &kern, "kernel", BPF_MAP_TYPE_HASH, "hash", rounds);
}
