// SPDX-License-Identifier: GPL-2.0
/*
 * tables_test.c - one KUnit suite per shared test table (tables/<unit>.h,
 * suite "altbpf-<unit>"), run through the exported API on altbpf's
 * interpreter and on altbpf's JIT, plus "altbpf-vs-kernel": every
 * run-table program the kernel's engines support, on altbpf's interpreter
 * and JIT, the kernel's interpreter and the kernel's JIT, all against the
 * table's result.
 *
 * Tables are picked up when present (__has_include), so this file builds
 * while they are being written.
 */
#include <linux/module.h>

#include "altbpf_kunit.h"

static void __maybe_unused altbpf_run_desc(const struct abpf_run_test *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

static void altbpf_reject_desc(const struct abpf_reject_test *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

/*
 * Parameter names of the differential suite carry the KTAP "# SKIP"
 * directive for entries the kernel's engines cannot run: 6.1's KUnit does
 * not print a skip directive for parameters, and a skipped entry must not
 * be counted as a pass.
 */
static void __maybe_unused altbpf_vs_kernel_desc(const struct abpf_run_test *t,
						 char *desc)
{
	struct altbpf_prog *p;
	char why[64] = "";
	int err;

	if (t->run_error) {
		snprintf(desc, KUNIT_PARAM_DESC_SIZE,
			 "%s # SKIP aborts (%d): no kernel equivalent",
			 t->name, t->run_error);
		return;
	}
	p = altbpf_prog_load(t->prog_type, t->insns, abpf_test_len(t->insns),
			     NULL, 0, &err);
	if (!p) {
		/* Reported as a failure by the test itself. */
		strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
		return;
	}
	if (altbpf_prog_kernel_supported(p, why, sizeof(why)))
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s # SKIP kernel: %s",
			 t->name, why);
	else
		strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
	altbpf_prog_put(p);
}

/*
 * The differential check of one run-table entry.  Entries that abort
 * (run_error) or that the kernel's engines cannot run safely are skipped
 * with the reason.
 */
static void __maybe_unused
altbpf_vs_kernel(struct kunit *test, const struct abpf_run_test *t)
{
	static const u32 engines[] = {
		ABPF_ENGINE_INTERP,
		ABPF_ENGINE_JIT,
		ABPF_ENGINE_KERNEL_INTERP,
		ABPF_ENGINE_KERNEL_JIT,
	};
	struct altbpf_prog *p;
	char why[64] = "";
	u64 r0[ARRAY_SIZE(engines)] = {};
	int err[ARRAY_SIZE(engines)];
	int supported;
	unsigned int i;

	if (t->run_error)
		kunit_skip(test, "aborts (%d): no kernel equivalent",
			   t->run_error);
	p = altbpf_kunit_load(test, t->prog_type, t->insns,
			      abpf_test_len(t->insns));
	supported = altbpf_prog_kernel_supported(p, why, sizeof(why));
	if (!supported) {
		for (i = 0; i < ARRAY_SIZE(engines); i++)
			err[i] = altbpf_kunit_run_mem(p, engines[i], t->mem,
						      t->mem_len, &r0[i]);
	}
	altbpf_prog_put(p);
	if (supported)
		kunit_skip(test, "kernel engines: %s", why);

	for (i = 0; i < ARRAY_SIZE(engines); i++) {
		KUNIT_EXPECT_EQ_MSG(test, err[i], 0, "engine %u", engines[i]);
		KUNIT_EXPECT_EQ_MSG(test, r0[i], t->result,
				    "engine %u: r0 0x%llx, expected 0x%llx",
				    engines[i], (unsigned long long)r0[i],
				    (unsigned long long)t->result);
	}
}

/*
 * ALTBPF_RUN_TABLE(unit, "suite", array): suite "altbpf-<unit>" running
 * every entry on the interpreter (case <unit>_interp) and on the JIT
 * (<unit>_jit: a program the JIT did not compile fails there; and
 * <unit>_jit_rotated under permuted register maps), and
 * unit##_vs_kernel for the differential suite.
 */
#define ALTBPF_RUN_TABLE(unit, suite_name, array)			\
	KUNIT_ARRAY_PARAM(unit, array, altbpf_run_desc);		\
	KUNIT_ARRAY_PARAM(unit##_vk, array, altbpf_vs_kernel_desc);	\
	static void unit##_interp(struct kunit *test)			\
	{								\
		altbpf_kunit_check_run(test, test->param_value,		\
				       ABPF_ENGINE_INTERP);		\
	}								\
	static void unit##_jit(struct kunit *test)			\
	{								\
		altbpf_kunit_check_run(test, test->param_value,		\
				       ABPF_ENGINE_JIT);		\
	}								\
	static void unit##_jit_rotated(struct kunit *test)		\
	{								\
		altbpf_kunit_check_run_rotated(test, test->param_value);\
	}								\
	static void unit##_vs_kernel(struct kunit *test)		\
	{								\
		altbpf_vs_kernel(test, test->param_value);		\
	}								\
	static struct kunit_case unit##_cases[] = {			\
		KUNIT_CASE_PARAM(unit##_interp, unit##_gen_params),	\
		KUNIT_CASE_PARAM(unit##_jit, unit##_gen_params),	\
		KUNIT_CASE_PARAM(unit##_jit_rotated, unit##_gen_params),\
		{}							\
	};								\
	static struct kunit_suite unit##_suite = {			\
		.name = suite_name,					\
		.test_cases = unit##_cases,				\
	}

#define ALTBPF_REJECT_TABLE(unit, suite_name, array)			\
	KUNIT_ARRAY_PARAM(unit, array, altbpf_reject_desc);		\
	static void unit##_test(struct kunit *test)			\
	{								\
		altbpf_kunit_check_reject(test, test->param_value);	\
	}								\
	static struct kunit_case unit##_cases[] = {			\
		KUNIT_CASE_PARAM(unit##_test, unit##_gen_params),	\
		{}							\
	};								\
	static struct kunit_suite unit##_suite = {			\
		.name = suite_name,					\
		.test_cases = unit##_cases,				\
	}

#if __has_include("tables/interp_alu.h")
#include "tables/interp_alu.h"
#define HAVE_INTERP_ALU
ALTBPF_RUN_TABLE(interp_alu, "altbpf-interp-alu", abpf_interp_alu_tests);
#endif
#if __has_include("tables/interp_jmp.h")
#include "tables/interp_jmp.h"
#define HAVE_INTERP_JMP
ALTBPF_RUN_TABLE(interp_jmp, "altbpf-interp-jmp", abpf_interp_jmp_tests);
#endif
#if __has_include("tables/interp_mem.h")
#include "tables/interp_mem.h"
#define HAVE_INTERP_MEM
ALTBPF_RUN_TABLE(interp_mem, "altbpf-interp-mem", abpf_interp_mem_tests);
#endif
#if __has_include("tables/interp_atomic.h")
#include "tables/interp_atomic.h"
#define HAVE_INTERP_ATOMIC
ALTBPF_RUN_TABLE(interp_atomic, "altbpf-interp-atomic",
		 abpf_interp_atomic_tests);
#endif
#if __has_include("tables/interp_call.h")
#include "tables/interp_call.h"
#define HAVE_INTERP_CALL
ALTBPF_RUN_TABLE(interp_call, "altbpf-interp-call", abpf_interp_call_tests);
#endif
#if __has_include("tables/interp_runtime.h")
#include "tables/interp_runtime.h"
#define HAVE_INTERP_RUNTIME
ALTBPF_RUN_TABLE(interp_runtime, "altbpf-interp-runtime",
		 abpf_interp_runtime_tests);
#endif
#if __has_include("tables/interp_fused.h")
#include "tables/interp_fused.h"
#define HAVE_INTERP_FUSED
ALTBPF_RUN_TABLE(interp_fused, "altbpf-interp-fused", abpf_interp_fused_tests);
#endif
#if __has_include("tables/verifier_accept.h")
#include "tables/verifier_accept.h"
#define HAVE_VERIFIER_ACCEPT
ALTBPF_RUN_TABLE(verifier_accept, "altbpf-verifier-accept",
		 abpf_verifier_accept_tests);
#endif
#if __has_include("tables/jit_x86.h")
#include "tables/jit_x86.h"
#define HAVE_JIT_X86
ALTBPF_RUN_TABLE(jit_x86, "altbpf-jit-x86", abpf_jit_x86_tests);
#endif
#if __has_include("tables/verifier_reject.h")
#include "tables/verifier_reject.h"
#define HAVE_VERIFIER_REJECT
ALTBPF_REJECT_TABLE(verifier_reject, "altbpf-verifier-reject",
		    abpf_verifier_reject_tests);
#endif

static struct kunit_case altbpf_vs_kernel_cases[] = {
#ifdef HAVE_INTERP_ALU
	KUNIT_CASE_PARAM(interp_alu_vs_kernel, interp_alu_vk_gen_params),
#endif
#ifdef HAVE_INTERP_JMP
	KUNIT_CASE_PARAM(interp_jmp_vs_kernel, interp_jmp_vk_gen_params),
#endif
#ifdef HAVE_INTERP_MEM
	KUNIT_CASE_PARAM(interp_mem_vs_kernel, interp_mem_vk_gen_params),
#endif
#ifdef HAVE_INTERP_ATOMIC
	KUNIT_CASE_PARAM(interp_atomic_vs_kernel, interp_atomic_vk_gen_params),
#endif
#ifdef HAVE_INTERP_CALL
	KUNIT_CASE_PARAM(interp_call_vs_kernel, interp_call_vk_gen_params),
#endif
#ifdef HAVE_INTERP_RUNTIME
	KUNIT_CASE_PARAM(interp_runtime_vs_kernel, interp_runtime_vk_gen_params),
#endif
#ifdef HAVE_INTERP_FUSED
	KUNIT_CASE_PARAM(interp_fused_vs_kernel, interp_fused_vk_gen_params),
#endif
#ifdef HAVE_VERIFIER_ACCEPT
	KUNIT_CASE_PARAM(verifier_accept_vs_kernel, verifier_accept_vk_gen_params),
#endif
#ifdef HAVE_JIT_X86
	KUNIT_CASE_PARAM(jit_x86_vs_kernel, jit_x86_vk_gen_params),
#endif
	{}
};

static struct kunit_suite altbpf_vs_kernel_suite = {
	.name = "altbpf-vs-kernel",
	.test_cases = altbpf_vs_kernel_cases,
};

kunit_test_suites(
#ifdef HAVE_INTERP_ALU
	&interp_alu_suite,
#endif
#ifdef HAVE_INTERP_JMP
	&interp_jmp_suite,
#endif
#ifdef HAVE_INTERP_MEM
	&interp_mem_suite,
#endif
#ifdef HAVE_INTERP_ATOMIC
	&interp_atomic_suite,
#endif
#ifdef HAVE_INTERP_CALL
	&interp_call_suite,
#endif
#ifdef HAVE_INTERP_RUNTIME
	&interp_runtime_suite,
#endif
#ifdef HAVE_INTERP_FUSED
	&interp_fused_suite,
#endif
#ifdef HAVE_VERIFIER_ACCEPT
	&verifier_accept_suite,
#endif
#ifdef HAVE_JIT_X86
	&jit_x86_suite,
#endif
#ifdef HAVE_VERIFIER_REJECT
	&verifier_reject_suite,
#endif
	&altbpf_vs_kernel_suite);
