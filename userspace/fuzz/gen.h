/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gen.h - the fuzzer's program generator: fuzzer bytes -> a test case.
 *
 * The bytes are read as a sequence of choices (which construct, which
 * register, which offset...), so a mutation of one byte changes one
 * choice and the output stays a valid-looking program.  One header bit
 * pattern selects "raw" mode instead: the bytes are the instructions.
 */
#ifndef ALTBPF_FUZZ_GEN_H
#define ALTBPF_FUZZ_GEN_H

#include "engine.h"

#define FUZZ_MAX_INSNS	512
#define FUZZ_MEM_LEN	64

/* The maps every case may use (created once by the oracle). */
struct fuzz_maps {
	int array_fd;		/* array, key 4, value 16, 4 entries */
	int value_fd;		/* array, value 32, 1 entry: direct value */
	int hash_fd;		/* hash, key 4, value 8, 4 entries */
	/* prog arrays for tail calls: ctx.h, fuzz_prog_array() */
};

struct fuzz_case {
	u32 type;		/* ABPF_PROG_TYPE_*: ctx.h says what r1 is */
	u32 blind;		/* JIT constant blinding: 0 or 2 */
	bool raw;		/* the bytes were taken as instructions */
	u32 len;
	struct bpf_insn insns[FUZZ_MAX_INSNS];
	u8 mem[FUZZ_MEM_LEN];	/* the input memory (r1, r2 = its length) */
};

/*
 * A case file: the magic, then type, blind (u32 each, little-endian),
 * the input memory, the instructions.  Regressions are kept in this form,
 * so that they mean the same program whatever the generator becomes.
 * Map fds in it are FUZZ_CASE_FD_ARRAY/VALUE/HASH/PROGS (the prog array
 * of the case's type), bound when loaded.
 */
#define FUZZ_CASE_MAGIC		"ABPFCASE"
#define FUZZ_CASE_FD_ARRAY	1
#define FUZZ_CASE_FD_VALUE	2
#define FUZZ_CASE_FD_HASH	3
#define FUZZ_CASE_FD_PROGS	4

/* Fuzzer bytes or a case file -> a case. */
void fuzz_generate(const u8 *data, size_t size, const struct fuzz_maps *maps,
		   struct fuzz_case *c);
/* A case as a case file (map fds made symbolic); its size. */
size_t fuzz_case_write(const struct fuzz_case *c, const struct fuzz_maps *maps,
		       u8 *out, size_t room);

#endif /* ALTBPF_FUZZ_GEN_H */
