// SPDX-License-Identifier: GPL-2.0
/*
 * glue_test.c - KUnit suites for altbpf.ko's kernel glue:
 *   altbpf-api            load/run/put, refcounts, logs, bad arguments;
 *   altbpf-kernel-engine  the kernel's engines: what they accept, the
 *                         rewrites (r2 prologue, div/mod by zero, jump
 *                         fix-ups) and the 64-bit r0.
 */
#include <linux/module.h>
#include <linux/string.h>

#include "altbpf_kunit.h"

#define LEN(a)	ARRAY_SIZE(a)

static const struct bpf_insn ret42[] = {
	ABPF_MOV64_IMM(BPF_REG_0, 42),
	ABPF_EXIT(),
};

/* altbpf-api */

static void altbpf_api_load_run_put(struct kunit *test)
{
	struct altbpf_prog *p;
	u64 r0 = 0;

	p = altbpf_kunit_load(test, ABPF_PROG_TYPE_MEM, ret42, LEN(ret42));
	KUNIT_EXPECT_NE(test, altbpf_prog_id(p), 0U);
	KUNIT_EXPECT_EQ(test, altbpf_prog_refcount(p), 1U);
	altbpf_prog_get(p);
	KUNIT_EXPECT_EQ(test, altbpf_prog_refcount(p), 2U);
	altbpf_prog_put(p);
	KUNIT_EXPECT_EQ(test, altbpf_prog_refcount(p), 1U);
	KUNIT_EXPECT_EQ(test, altbpf_prog_run(p, ABPF_ENGINE_INTERP, NULL, 0,
					      &r0), 0);
	KUNIT_EXPECT_EQ(test, r0, 42ULL);
	r0 = 0;
	KUNIT_EXPECT_EQ(test, altbpf_prog_run(p, ABPF_ENGINE_DEFAULT, NULL, 0,
					      &r0), 0);
	KUNIT_EXPECT_EQ(test, r0, 42ULL);
	altbpf_prog_put(p);
}

static void altbpf_api_ids_unique(struct kunit *test)
{
	struct altbpf_prog *a, *b;

	a = altbpf_kunit_load(test, ABPF_PROG_TYPE_MEM, ret42, LEN(ret42));
	b = altbpf_prog_load(ABPF_PROG_TYPE_MEM, ret42, LEN(ret42), NULL, 0,
			     NULL);
	if (b)
		KUNIT_EXPECT_NE(test, altbpf_prog_id(a), altbpf_prog_id(b));
	else
		KUNIT_FAIL(test, "second load failed");
	altbpf_prog_put(b);
	altbpf_prog_put(a);
}

static void altbpf_api_load_bad_args(struct kunit *test)
{
	int err = 0;

	KUNIT_EXPECT_NULL(test, altbpf_prog_load(ABPF_PROG_TYPE_MEM, NULL, 2,
						 NULL, 0, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	KUNIT_EXPECT_NULL(test, altbpf_prog_load(ABPF_PROG_TYPE_MEM, ret42, 0,
						 NULL, 0, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	KUNIT_EXPECT_NULL(test, altbpf_prog_load(ABPF_PROG_TYPE__COUNT, ret42,
						 LEN(ret42), NULL, 0, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	KUNIT_EXPECT_NULL(test, altbpf_prog_load(ABPF_PROG_TYPE_MEM, ret42,
						 ABPF_MAX_INSNS + 1, NULL, 0,
						 &err));
	KUNIT_EXPECT_EQ(test, err, -E2BIG);
}

/* exit with r0 never written: rejected with a log line. */
static const struct bpf_insn bad_exit[] = { ABPF_EXIT() };

static void altbpf_api_log_truncation(struct kunit *test)
{
	char *full = kunit_kzalloc(test, ALTBPF_KUNIT_LOG_SIZE, GFP_KERNEL);
	char small[8];
	int err_full = 0, err = 0;

	KUNIT_ASSERT_NOT_NULL(test, full);
	KUNIT_ASSERT_NULL(test, altbpf_prog_load(ABPF_PROG_TYPE_MEM, bad_exit,
						 1, full,
						 ALTBPF_KUNIT_LOG_SIZE,
						 &err_full));
	KUNIT_EXPECT_LT(test, err_full, 0);
	KUNIT_ASSERT_GT_MSG(test, strlen(full), sizeof(small),
			    "log too short to truncate: %s", full);

	memset(small, 'x', sizeof(small));
	KUNIT_EXPECT_NULL(test, altbpf_prog_load(ABPF_PROG_TYPE_MEM, bad_exit,
						 1, small, sizeof(small),
						 &err));
	KUNIT_EXPECT_EQ(test, err, err_full);	/* not an error here */
	KUNIT_EXPECT_EQ(test, small[sizeof(small) - 1], '\0');
	KUNIT_EXPECT_EQ(test, strlen(small), sizeof(small) - 1);
	KUNIT_EXPECT_EQ(test, strncmp(small, full, sizeof(small) - 1), 0);

	/* No log at all. */
	KUNIT_EXPECT_NULL(test, altbpf_prog_load(ABPF_PROG_TYPE_MEM, bad_exit,
						 1, NULL, 0, &err));
	KUNIT_EXPECT_EQ(test, err, err_full);
}

static void altbpf_api_run_bad_args(struct kunit *test)
{
	struct altbpf_prog *p;
	u8 data[4];
	u64 r0 = 1;
	int err;

	p = altbpf_kunit_load(test, ABPF_PROG_TYPE_MEM, ret42, LEN(ret42));
	KUNIT_EXPECT_EQ(test, altbpf_prog_run(p, ABPF_ENGINE__COUNT, data, 4,
					      &r0), -EINVAL);
	KUNIT_EXPECT_EQ(test, r0, 0ULL);
	KUNIT_EXPECT_EQ(test, altbpf_prog_run(p, ABPF_ENGINE_INTERP, NULL, 4,
					      &r0), -EINVAL);
	/* The altbpf JIT: runs it when compiled, else EOPNOTSUPP. */
	err = altbpf_prog_run(p, ABPF_ENGINE_JIT, data, 4, &r0);
	if (altbpf_prog_jited(p, NULL, NULL, 0)) {
		KUNIT_EXPECT_EQ(test, err, -EOPNOTSUPP);
	} else {
		KUNIT_EXPECT_EQ(test, err, 0);
		KUNIT_EXPECT_EQ(test, r0, 42ULL);
	}
	altbpf_prog_put(p);
}

static void altbpf_api_run_errors(struct kunit *test)
{
	static const struct bpf_insn loop[] = {
		ABPF_MOV64_IMM(BPF_REG_0, 1),
		ABPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, -1),
		ABPF_EXIT(),
	};
	static const struct bpf_insn oob[] = {
		ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 64),
		ABPF_EXIT(),
	};
	struct altbpf_run_opts opts = { .engine = ABPF_ENGINE_INTERP,
					.budget = 1000 };
	struct altbpf_prog *p;
	u8 data[8] = {};

	p = altbpf_kunit_load(test, ABPF_PROG_TYPE_MEM, loop, LEN(loop));
	KUNIT_EXPECT_EQ(test, altbpf_prog_run_opts(p, data, 8, &opts), -ELOOP);
	KUNIT_EXPECT_EQ(test, opts.r0, 0ULL);
	KUNIT_EXPECT_EQ(test, opts.error_pc, 1U);
	altbpf_prog_put(p);

	p = altbpf_kunit_load(test, ABPF_PROG_TYPE_MEM, oob, LEN(oob));
	opts.error_pc = 99;
	KUNIT_EXPECT_EQ(test, altbpf_prog_run_opts(p, data, 8, &opts),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, opts.error_pc, 0U);
	altbpf_prog_put(p);
}

static void altbpf_api_r1_r2(struct kunit *test)
{
	static const struct bpf_insn prog[] = {
		ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 2),	/* data[2] */
		ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),	/* + len */
		ABPF_ST_MEM(BPF_B, BPF_REG_1, 0, 0x5a),		/* data[0] */
		ABPF_EXIT(),
	};
	u8 data[5] = { 1, 2, 30, 4, 5 };
	struct altbpf_prog *p;
	u64 r0 = 0;

	p = altbpf_kunit_load(test, ABPF_PROG_TYPE_MEM, prog, LEN(prog));
	KUNIT_EXPECT_EQ(test, altbpf_prog_run(p, ABPF_ENGINE_INTERP, data, 5,
					      &r0), 0);
	KUNIT_EXPECT_EQ(test, r0, 35ULL);
	KUNIT_EXPECT_EQ(test, data[0], 0x5a);	/* written in place */
	altbpf_prog_put(p);
}

static struct kunit_case altbpf_api_cases[] = {
	KUNIT_CASE(altbpf_api_load_run_put),
	KUNIT_CASE(altbpf_api_ids_unique),
	KUNIT_CASE(altbpf_api_load_bad_args),
	KUNIT_CASE(altbpf_api_log_truncation),
	KUNIT_CASE(altbpf_api_run_bad_args),
	KUNIT_CASE(altbpf_api_run_errors),
	KUNIT_CASE(altbpf_api_r1_r2),
	{}
};

static struct kunit_suite altbpf_api_suite = {
	.name = "altbpf-api",
	.test_cases = altbpf_api_cases,
};

/* altbpf-kernel-engine */

static const u32 all_engines[] = {
	ABPF_ENGINE_INTERP, ABPF_ENGINE_JIT, ABPF_ENGINE_KERNEL_INTERP,
	ABPF_ENGINE_KERNEL_JIT,
};

/* @insns must give @want on every engine, with r1 = 6 bytes. */
static void expect_all(struct kunit *test, const struct bpf_insn *insns,
		       u32 len, u64 want)
{
	struct altbpf_prog *p;
	char why[64] = "";
	u8 data[6] = {};
	unsigned int i;

	p = altbpf_kunit_load(test, ABPF_PROG_TYPE_MEM, insns, len);
	KUNIT_EXPECT_EQ_MSG(test, altbpf_prog_kernel_supported(p, why,
							       sizeof(why)),
			    0, "%s", why);
	for (i = 0; i < ARRAY_SIZE(all_engines); i++) {
		u64 r0 = 0;
		int err = altbpf_prog_run(p, all_engines[i], data,
					  sizeof(data), &r0);

		KUNIT_EXPECT_EQ_MSG(test, err, 0, "engine %u", all_engines[i]);
		KUNIT_EXPECT_EQ_MSG(test, r0, want, "engine %u: r0 0x%llx",
				    all_engines[i], (unsigned long long)r0);
	}
	altbpf_prog_put(p);
}

static void altbpf_kernel_r0_64bit(struct kunit *test)
{
	static const struct bpf_insn prog[] = {
		ABPF_LD_IMM64(BPF_REG_0, 0x8877665544332211ULL),
		ABPF_EXIT(),
	};

	expect_all(test, prog, LEN(prog), 0x8877665544332211ULL);
}

static void altbpf_kernel_r2_is_len(struct kunit *test)
{
	static const struct bpf_insn prog[] = {
		ABPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
		ABPF_EXIT(),
	};

	expect_all(test, prog, LEN(prog), 6);
}

static void altbpf_kernel_div_mod_zero(struct kunit *test)
{
	static const struct bpf_insn div64[] = {
		ABPF_MOV64_IMM(BPF_REG_0, 7),
		ABPF_MOV64_IMM(BPF_REG_3, 0),
		ABPF_ALU64_REG(BPF_DIV, BPF_REG_0, BPF_REG_3),
		ABPF_EXIT(),
	};
	static const struct bpf_insn mod64[] = {
		ABPF_MOV64_IMM(BPF_REG_0, 7),
		ABPF_MOV64_IMM(BPF_REG_3, 0),
		ABPF_ALU64_REG(BPF_MOD, BPF_REG_0, BPF_REG_3),
		ABPF_EXIT(),
	};
	/* 32-bit: only the low half of the divisor counts; x % 0 = (u32)x */
	static const struct bpf_insn mod32[] = {
		ABPF_LD_IMM64(BPF_REG_0, 0x100000007ULL),
		ABPF_LD_IMM64(BPF_REG_3, 0x100000000ULL),
		ABPF_ALU32_REG(BPF_MOD, BPF_REG_0, BPF_REG_3),
		ABPF_EXIT(),
	};
	static const struct bpf_insn div32[] = {
		ABPF_LD_IMM64(BPF_REG_0, 0x100000007ULL),
		ABPF_LD_IMM64(BPF_REG_3, 0x100000000ULL),
		ABPF_ALU32_REG(BPF_DIV, BPF_REG_0, BPF_REG_3),
		ABPF_EXIT(),
	};

	expect_all(test, div64, LEN(div64), 0);
	expect_all(test, mod64, LEN(mod64), 7);
	expect_all(test, mod32, LEN(mod32), 7);
	expect_all(test, div32, LEN(div32), 0);
}

static void altbpf_kernel_jump_fixup(struct kunit *test)
{
	/* Jumps across and onto a rewritten division. */
	static const struct bpf_insn prog[] = {
		ABPF_MOV64_IMM(BPF_REG_0, 10),
		ABPF_MOV64_IMM(BPF_REG_3, 0),
		ABPF_JMP_IMM(BPF_JNE, BPF_REG_3, 1, 1),		/* -> 4 */
		ABPF_MOV64_IMM(BPF_REG_0, 99),
		ABPF_ALU64_REG(BPF_DIV, BPF_REG_0, BPF_REG_3),	/* 0 */
		ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),		/* -> 8 */
		ABPF_ALU64_REG(BPF_MOD, BPF_REG_0, BPF_REG_3),
		ABPF_EXIT(),
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 5),
		ABPF_EXIT(),
	};

	expect_all(test, prog, LEN(prog), 5);
}

static void altbpf_kernel_shift_masked(struct kunit *test)
{
	static const struct bpf_insn prog[] = {
		ABPF_MOV64_IMM(BPF_REG_0, 1),
		ABPF_MOV64_IMM(BPF_REG_3, 65),
		ABPF_ALU64_REG(BPF_LSH, BPF_REG_0, BPF_REG_3),	/* << 1 */
		ABPF_EXIT(),
	};

	expect_all(test, prog, LEN(prog), 2);
}

static void altbpf_kernel_loops(struct kunit *test)
{
	/* Two loops, one around a rewritten division; the high half. */
	static const struct bpf_insn prog[] = {
		ABPF_MOV64_IMM(BPF_REG_0, 0),
		ABPF_MOV64_IMM(BPF_REG_3, 3),
		ABPF_MOV64_IMM(BPF_REG_4, 0),
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -1),
		ABPF_JMP_IMM(BPF_JNE, BPF_REG_3, 0, -2),	/* -> 3 */
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 7),
		ABPF_ALU64_REG(BPF_DIV, BPF_REG_0, BPF_REG_4),	/* 0 */
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 1),
		ABPF_JMP_IMM(BPF_JLT, BPF_REG_4, 5, -5),	/* -> 5 */
		ABPF_LD_IMM64(BPF_REG_3, 0x100000000ULL),
		ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
		ABPF_EXIT(),
	};

	expect_all(test, prog, LEN(prog), 0x100000004ULL);
}

static void altbpf_kernel_loop_budget(struct kunit *test)
{
	static const struct bpf_insn loop[] = {
		ABPF_MOV64_IMM(BPF_REG_0, 0),
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		ABPF_JMP_A(-2),
	};
	static const struct bpf_insn self[] = {
		ABPF_MOV64_IMM(BPF_REG_0, 1),
		ABPF_MOV64_IMM(BPF_REG_3, 1),
		ABPF_JMP_IMM(BPF_JNE, BPF_REG_3, 0, -1),	/* itself */
		ABPF_EXIT(),
	};
	static const u32 engines[] = {
		ABPF_ENGINE_KERNEL_INTERP, ABPF_ENGINE_KERNEL_JIT,
	};
	struct altbpf_prog *p;
	u8 data[8] = {};
	unsigned int i;

	p = altbpf_kunit_load(test, ABPF_PROG_TYPE_MEM, loop, LEN(loop));
	for (i = 0; i < ARRAY_SIZE(engines); i++) {
		struct altbpf_run_opts opts = { .engine = engines[i],
						.budget = 1000,
						.r0 = 1 };

		KUNIT_EXPECT_EQ(test, altbpf_prog_run_opts(p, data, 8, &opts),
				-ELOOP);
		KUNIT_EXPECT_EQ(test, opts.r0, 0ULL);
		KUNIT_EXPECT_EQ(test, opts.error_pc, 2U);
	}
	altbpf_prog_put(p);

	p = altbpf_kunit_load(test, ABPF_PROG_TYPE_MEM, self, LEN(self));
	for (i = 0; i < ARRAY_SIZE(engines); i++) {
		struct altbpf_run_opts opts = { .engine = engines[i],
						.budget = 3 };

		KUNIT_EXPECT_EQ(test, altbpf_prog_run_opts(p, data, 8, &opts),
				-ELOOP);
		KUNIT_EXPECT_EQ(test, opts.error_pc, 2U);
	}
	altbpf_prog_put(p);
}

/* Programs the kernel's engines must refuse, with the reason. */
static void expect_unsupported(struct kunit *test, u32 type,
			       const struct bpf_insn *insns, u32 len,
			       const char *reason)
{
	struct altbpf_prog *p;
	char why[64] = "";
	u8 data[8] = {};
	u64 r0;

	p = altbpf_kunit_load(test, type, insns, len);
	KUNIT_EXPECT_EQ(test, altbpf_prog_kernel_supported(p, why,
							   sizeof(why)),
			-EOPNOTSUPP);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, reason), "why: %s", why);
	KUNIT_EXPECT_EQ(test, altbpf_prog_run(p, ABPF_ENGINE_KERNEL_INTERP,
					      data, sizeof(data), &r0),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, altbpf_prog_run(p, ABPF_ENGINE_KERNEL_JIT,
					      data, sizeof(data), &r0),
			-EOPNOTSUPP);
	altbpf_prog_put(p);
}

static void altbpf_kernel_refuses(struct kunit *test)
{
	static const struct bpf_insn data_load[] = {
		ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 0),
		ABPF_EXIT(),
	};
	/* Only r9 is free: no room for the budget registers. */
	static const struct bpf_insn loop[] = {
		ABPF_MOV64_IMM(BPF_REG_6, 0),
		ABPF_MOV64_IMM(BPF_REG_7, 0),
		ABPF_MOV64_IMM(BPF_REG_8, 0),
		ABPF_MOV64_IMM(BPF_REG_0, 0),
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		ABPF_JMP_IMM(BPF_JLT, BPF_REG_0, 4, -2),
		ABPF_EXIT(),
	};
	static const struct bpf_insn helper[] = {
		ABPF_CALL_HELPER(2),	/* no_op */
		ABPF_EXIT(),
	};
	static const struct bpf_insn bswap[] = {
		ABPF_MOV64_IMM(BPF_REG_0, 1),
		ABPF_BSWAP(BPF_REG_0, 64),
		ABPF_EXIT(),
	};

	expect_unsupported(test, ABPF_PROG_TYPE_MEM, data_load,
			   LEN(data_load), "insn 0: memory");
	expect_unsupported(test, ABPF_PROG_TYPE_MEM, loop, LEN(loop),
			   "insn 5: loops need two free registers");
	expect_unsupported(test, ABPF_PROG_TYPE_CONFORMANCE, helper,
			   LEN(helper), "insn 0: helper call");
	expect_unsupported(test, ABPF_PROG_TYPE_MEM, bswap, LEN(bswap),
			   "insn 1: bswap");
}

static struct kunit_case altbpf_kernel_cases[] = {
	KUNIT_CASE(altbpf_kernel_r0_64bit),
	KUNIT_CASE(altbpf_kernel_r2_is_len),
	KUNIT_CASE(altbpf_kernel_div_mod_zero),
	KUNIT_CASE(altbpf_kernel_jump_fixup),
	KUNIT_CASE(altbpf_kernel_shift_masked),
	KUNIT_CASE(altbpf_kernel_loops),
	KUNIT_CASE(altbpf_kernel_loop_budget),
	KUNIT_CASE(altbpf_kernel_refuses),
	{}
};

static struct kunit_suite altbpf_kernel_suite = {
	.name = "altbpf-kernel-engine",
	.test_cases = altbpf_kernel_cases,
};

kunit_test_suites(&altbpf_api_suite, &altbpf_kernel_suite);

MODULE_DESCRIPTION("KUnit tests for altbpf");
MODULE_LICENSE("GPL");
