// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - helpers shared by the altbpf KUnit suites.
 */
#include <linux/module.h>
#include <linux/string.h>

#include "altbpf_kunit.h"

struct altbpf_prog *altbpf_kunit_load(struct kunit *test, u32 prog_type,
				      const struct bpf_insn *insns, u32 len)
{
	char *log = kunit_kzalloc(test, ALTBPF_KUNIT_LOG_SIZE, GFP_KERNEL);
	struct altbpf_prog *p;
	int err = 0;

	KUNIT_ASSERT_NOT_NULL(test, log);
	p = altbpf_prog_load(prog_type, insns, len, log,
			     ALTBPF_KUNIT_LOG_SIZE, &err);
	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "load failed: %d, log:\n%s",
				  err, log);
	return p;
}

int altbpf_kunit_run_mem(struct altbpf_prog *p, u32 engine, const u8 *mem,
			 u32 mem_len, u64 *r0)
{
	u8 buf[ABPF_TEST_MAX_MEM] = {};

	if (mem_len > sizeof(buf))
		return -E2BIG;
	memcpy(buf, mem, mem_len);
	return altbpf_prog_run(p, engine, buf, mem_len, r0);
}

void altbpf_kunit_check_run(struct kunit *test, const struct abpf_run_test *t,
			    u32 engine)
{
	struct altbpf_prog *p;
	u64 r0 = 0;
	int err;

	p = altbpf_kunit_load(test, t->prog_type, t->insns,
			      abpf_test_len(t->insns));
	if (engine == ABPF_ENGINE_JIT) {
		char why[64] = "";

		KUNIT_EXPECT_EQ_MSG(test, altbpf_prog_jited(p, NULL, why,
							    sizeof(why)),
				    0, "not compiled: %s", why);
	}
	err = altbpf_kunit_run_mem(p, engine, t->mem, t->mem_len, &r0);
	altbpf_prog_put(p);
	KUNIT_EXPECT_EQ_MSG(test, err, t->run_error, "engine %u", engine);
	if (!t->run_error)
		KUNIT_EXPECT_EQ_MSG(test, r0, t->result,
				    "r0 0x%llx, expected 0x%llx",
				    (unsigned long long)r0,
				    (unsigned long long)t->result);
}

void altbpf_kunit_check_reject(struct kunit *test,
			       const struct abpf_reject_test *t)
{
	char *log = kunit_kzalloc(test, ALTBPF_KUNIT_LOG_SIZE, GFP_KERNEL);
	struct altbpf_prog *p;
	int err = 0;

	KUNIT_ASSERT_NOT_NULL(test, log);
	p = altbpf_prog_load(t->prog_type, t->insns, abpf_test_len(t->insns),
			     log, ALTBPF_KUNIT_LOG_SIZE, &err);
	if (p) {
		altbpf_prog_put(p);
		KUNIT_FAIL(test, "accepted, expected error %d", t->err);
		return;
	}
	KUNIT_EXPECT_EQ_MSG(test, err, t->err, "log:\n%s", log);
	if (t->msg)
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(log, t->msg),
					  "log lacks \"%s\":\n%s", t->msg, log);
}
