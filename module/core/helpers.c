// SPDX-License-Identifier: GPL-2.0
/*
 * helpers.c - helper tables that need no host: the bpf_conformance
 * reference plugins' helpers 0-5.
 *
 * Helpers get r1-r5 and the run context; memory they are handed is checked
 * with abpf_mem_ok() against the run's stack and regions.  A helper that
 * finds bad memory sets rc->error = -ERANGE (it is flagged
 * ABPF_HELPER_MAY_STOP, so the engine then ends the run with r0 = 0).
 */
#include "engine.h"

/* 0: (a << 32) | (b << 24) | (c << 16) | (d << 8) | e, one byte each. */
static u64 abpf_h_gather_bytes(u64 a, u64 b, u64 c, u64 d, u64 e,
			       struct abpf_run_ctx *rc)
{
	return ((a & 0xff) << 32) | ((b & 0xff) << 24) | ((c & 0xff) << 16) |
	       ((d & 0xff) << 8) | (e & 0xff);
}

/* 1: XOR each of len bytes at ptr with 42. */
static u64 abpf_h_memfrob(u64 ptr, u64 len, u64 c, u64 d, u64 e,
			  struct abpf_run_ctx *rc)
{
	u8 *p = (u8 *)(unsigned long)ptr;
	u64 i;

	if (!abpf_mem_ok(rc, ptr, len, true)) {
		rc->error = -ERANGE;
		return 0;
	}
	for (i = 0; i < len; i++)
		p[i] ^= 42;
	return 0;
}

/* 2 */
static u64 abpf_h_no_op(u64 a, u64 b, u64 c, u64 d, u64 e,
			struct abpf_run_ctx *rc)
{
	return 0;
}

/* 3: floor(sqrt(x)), exactly, without floating point. */
static u64 abpf_h_sqrti(u64 x, u64 b, u64 c, u64 d, u64 e,
			struct abpf_run_ctx *rc)
{
	u64 res = 0, bit = 1ULL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= res + bit) {
			x -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	return res;
}

/*
 * 4: strcmp() of two NUL-terminated strings; every byte read must be in
 * checked memory, which also bounds the walk.  The result is the
 * difference of the first differing bytes (as unsigned char), as an int
 * sign-extended to 64 bits like the reference plugin's return.
 */
static u64 abpf_h_strcmp_ext(u64 a, u64 b, u64 c, u64 d, u64 e,
			     struct abpf_run_ctx *rc)
{
	const u8 *p = (const u8 *)(unsigned long)a;
	const u8 *q = (const u8 *)(unsigned long)b;
	u64 i;

	for (i = 0; ; i++) {
		if (!abpf_mem_ok(rc, a + i, 1, false) ||
		    !abpf_mem_ok(rc, b + i, 1, false)) {
			rc->error = -ERANGE;
			return 0;
		}
		if (p[i] != q[i])
			return (u64)(s64)((int)p[i] - (int)q[i]);
		if (!p[i])
			return 0;
	}
}

/* 5: returns x; x == 0 stops the program with r0 = 0. */
static u64 abpf_h_unwind(u64 x, u64 b, u64 c, u64 d, u64 e,
			 struct abpf_run_ctx *rc)
{
	if (!x)
		rc->stop = true;
	return x;
}

static const struct abpf_helper abpf_conformance_helper_list[] = {
	{ "gather_bytes", abpf_h_gather_bytes, 0, 5, NULL },
	{ "memfrob", abpf_h_memfrob, ABPF_HELPER_MAY_STOP, 2, NULL },
	{ "no_op", abpf_h_no_op, 0, 0, NULL },
	{ "sqrti", abpf_h_sqrti, 0, 1, NULL },
	{ "strcmp_ext", abpf_h_strcmp_ext, ABPF_HELPER_MAY_STOP, 2, NULL },
	{ "unwind", abpf_h_unwind, ABPF_HELPER_MAY_STOP, 1, NULL },
};

const struct abpf_helper_table abpf_conformance_helpers = {
	.count = ARRAY_SIZE(abpf_conformance_helper_list),
	.helpers = abpf_conformance_helper_list,
};
