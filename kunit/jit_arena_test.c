// SPDX-License-Identifier: GPL-2.0
/*
 * jit_arena_test.c - KUnit suite "altbpf-jit-arena": the kernel host of the
 * altbpf JIT (module/jit_arena.c).  W^X (no writable alias survives
 * finalize, the image's own mapping is RX), int3 everywhere outside images,
 * exhaustion (-ENOMEM, counted, the program falls back to the
 * interpreter), frees deferred past an RCU grace period, and the random
 * start offset.  Uses altbpf.ko's ALTBPF_INTERNAL test hooks.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <asm/pgtable.h>

#include "altbpf_kunit.h"
#include "jit_arena.h"

MODULE_IMPORT_NS(ALTBPF_INTERNAL);

#define ARENA_UNIT	64U
#define ARENA_SLACK	48U

static const struct bpf_insn ret42[] = {
	ABPF_MOV64_IMM(BPF_REG_0, 42),
	ABPF_EXIT(),
};

/* r0 = sum of 1..100 (a loop: back-edge checks in the image) */
static const struct bpf_insn sum100[] = {
	ABPF_MOV64_IMM(BPF_REG_0, 0),
	ABPF_MOV64_IMM(BPF_REG_2, 100),
	ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
	ABPF_ALU64_IMM(BPF_SUB, BPF_REG_2, 1),
	ABPF_JMP_IMM(BPF_JNE, BPF_REG_2, 0, -3),
	ABPF_EXIT(),
};

/* Load @insns and return its JIT image (asserted present). */
static struct altbpf_prog *load_jited(struct kunit *test,
				      const struct bpf_insn *insns, u32 len,
				      const u8 **image, u32 *size)
{
	struct altbpf_prog *p;
	char why[64] = "";

	p = altbpf_kunit_load(test, ABPF_PROG_TYPE_MEM, insns, len);
	*image = altbpf_prog_jit_image(p, size);
	if (!*image) {
		altbpf_prog_jited(p, NULL, why, sizeof(why));
		altbpf_prog_put(p);
		KUNIT_ASSERT_FAILURE(test, "not compiled: %s", why);
	}
	return p;
}

static bool all_int3(const u8 *from, const u8 *to, const u8 **bad)
{
	for (; from < to; from++) {
		if (*from != 0xcc) {
			*bad = from;
			return false;
		}
	}
	return true;
}

/* W^X: the writable alias is unmapped, the image's mapping is RX. */
static void altbpf_arena_wx(struct kunit *test)
{
	struct altbpf_prog *p;
	const u8 *image;
	unsigned long alias;
	unsigned int level;
	pte_t *pte;
	u64 r0 = 0;
	u32 size;

	altbpf_jit_arena_drain();	/* no free writes behind our back */
	p = load_jited(test, sum100, ARRAY_SIZE(sum100), &image, &size);
	alias = altbpf_jit_arena_last_alias();
	KUNIT_EXPECT_NE(test, alias, 0UL);
	KUNIT_EXPECT_NE(test, alias & PAGE_MASK,
			(unsigned long)image & PAGE_MASK);
	KUNIT_EXPECT_NULL_MSG(test, vmalloc_to_page((void *)alias),
			      "the writable alias is still mapped");

	pte = lookup_address((unsigned long)image, &level);
	KUNIT_ASSERT_NOT_NULL(test, pte);
	KUNIT_EXPECT_TRUE(test, pte_flags(*pte) & _PAGE_PRESENT);
	KUNIT_EXPECT_FALSE_MSG(test, pte_flags(*pte) & _PAGE_RW,
			       "the image is mapped writable");
	KUNIT_EXPECT_FALSE_MSG(test, pte_flags(*pte) & _PAGE_NX,
			       "the image is not executable");

	/* and it runs: this is the code we just looked at */
	KUNIT_EXPECT_EQ(test, altbpf_prog_run(p, ABPF_ENGINE_JIT, NULL, 0,
					      &r0), 0);
	KUNIT_EXPECT_EQ(test, r0, 5050ULL);
	altbpf_prog_put(p);
}

/* int3 around the image in its slot, and (when alone) in the whole arena. */
static void altbpf_arena_int3_fill(struct kunit *test)
{
	struct altbpf_jit_arena_stats st;
	const u8 *image, *arena, *slot, *end, *bad = NULL;
	struct altbpf_prog *p;
	u32 size, asize, units;

	altbpf_jit_arena_drain();
	p = load_jited(test, ret42, ARRAY_SIZE(ret42), &image, &size);
	altbpf_jit_arena_bounds(&arena, &asize);
	KUNIT_ASSERT_TRUE(test, image >= arena && image + size <= arena + asize);

	units = DIV_ROUND_UP(size + ARENA_SLACK, ARENA_UNIT);
	slot = arena + (image - arena) / ARENA_UNIT * ARENA_UNIT;
	end = slot + units * ARENA_UNIT;
	KUNIT_EXPECT_NE(test, image[0], 0xcc);	/* code was written */
	KUNIT_EXPECT_TRUE_MSG(test, all_int3(slot, image, &bad),
			      "byte %ld before the image is 0x%02x",
			      (long)(bad - image), bad ? *bad : 0);
	KUNIT_EXPECT_TRUE_MSG(test, all_int3(image + size, end, &bad),
			      "byte %ld after the image's start is 0x%02x",
			      (long)(bad - image), bad ? *bad : 0);

	altbpf_jit_arena_stats(&st);
	if (st.images == 1) {
		/* ours is the only image: everything else must be int3 */
		KUNIT_EXPECT_TRUE_MSG(test, all_int3(arena, image, &bad),
				      "arena byte %ld is 0x%02x",
				      (long)(bad - arena), bad ? *bad : 0);
		KUNIT_EXPECT_TRUE_MSG(test,
				      all_int3(image + size, arena + asize,
					       &bad),
				      "arena byte %ld is 0x%02x",
				      (long)(bad - arena), bad ? *bad : 0);
	} else {
		kunit_info(test, "%u images live: whole-arena scan skipped",
			   st.images);
	}
	altbpf_prog_put(p);
}

/* A full arena: -ENOMEM, counted; the program runs on the interpreter. */
static void altbpf_arena_exhaustion(struct kunit *test)
{
	static const u32 sizes[] = { 256 << 10, 16 << 10, 1024, 16 };
	struct altbpf_jit_arena_stats before, after;
	const u32 max_chunks = 1024;
	struct altbpf_prog *p;
	void **chunk;
	u32 *csize, n = 0, i, s;
	char why[64] = "";
	u64 r0 = 0, want;
	int err;

	chunk = kunit_kcalloc(test, max_chunks, sizeof(*chunk), GFP_KERNEL);
	csize = kunit_kcalloc(test, max_chunks, sizeof(*csize), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, chunk);
	KUNIT_ASSERT_NOT_NULL(test, csize);
	altbpf_jit_arena_drain();
	altbpf_jit_arena_stats(&before);

	/* fill it: big chunks first, then smaller ones into the gaps */
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		while (n < max_chunks) {
			chunk[n] = altbpf_jit_arena_test_alloc(sizes[s]);
			if (!chunk[n])
				break;
			csize[n++] = sizes[s];
		}
	}
	altbpf_jit_arena_stats(&after);
	want = before.exhausted + ARRAY_SIZE(sizes);	/* one per size */
	KUNIT_EXPECT_GE(test, after.exhausted, want);

	/* now a program cannot be compiled, and says so */
	p = altbpf_kunit_load(test, ABPF_PROG_TYPE_MEM, sum100,
			      ARRAY_SIZE(sum100));
	err = altbpf_prog_jited(p, NULL, why, sizeof(why));
	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "no memory"), "why: %s",
				  why);
	KUNIT_EXPECT_EQ(test, altbpf_prog_run(p, ABPF_ENGINE_JIT, NULL, 0,
					      &r0), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, altbpf_prog_run(p, ABPF_ENGINE_DEFAULT, NULL, 0,
					      &r0), 0);
	KUNIT_EXPECT_EQ(test, r0, 5050ULL);
	altbpf_prog_put(p);
	altbpf_jit_arena_stats(&before);
	KUNIT_EXPECT_GT(test, before.exhausted, after.exhausted);

	/* never finalized: released at once, usable again */
	for (i = 0; i < n; i++)
		altbpf_jit_arena_test_free(chunk[i], csize[i]);
	p = altbpf_kunit_load(test, ABPF_PROG_TYPE_MEM, sum100,
			      ARRAY_SIZE(sum100));
	KUNIT_EXPECT_EQ(test, altbpf_prog_jited(p, NULL, NULL, 0), 0);
	altbpf_prog_put(p);
}

/* A freed image stays intact until a grace period has elapsed. */
static void altbpf_arena_free_after_rcu(struct kunit *test)
{
	struct altbpf_jit_arena_stats s0, s1, s2;
	const u8 *image, *bad = NULL;
	struct altbpf_prog *p;
	unsigned long cookie;
	u8 copy[64];
	u32 size, n, units;
	bool intact, checked = false;
	int tries;

	for (tries = 0; tries < 20 && !checked; tries++) {
		altbpf_jit_arena_drain();
		p = load_jited(test, sum100, ARRAY_SIZE(sum100), &image,
			       &size);
		n = min_t(u32, size, sizeof(copy));
		memcpy(copy, image, n);
		units = DIV_ROUND_UP(size + ARENA_SLACK, ARENA_UNIT);
		altbpf_jit_arena_stats(&s0);

		cookie = get_state_synchronize_rcu();
		altbpf_prog_put(p);		/* queues the free */
		intact = !memcmp(copy, image, n);
		altbpf_jit_arena_stats(&s1);
		if (poll_state_synchronize_rcu(cookie))
			continue;	/* a grace period elapsed: inconclusive */
		checked = true;
		KUNIT_EXPECT_TRUE_MSG(test, intact,
				      "image changed before a grace period");
		KUNIT_EXPECT_EQ(test, s1.used, s0.used);
		KUNIT_EXPECT_EQ(test, s1.images, s0.images);
	}
	if (!checked)
		kunit_skip(test, "a grace period always elapsed first");

	/* after the grace period and the work: int3, units returned */
	altbpf_jit_arena_drain();
	altbpf_jit_arena_stats(&s2);
	KUNIT_EXPECT_TRUE_MSG(test, all_int3(image, image + size, &bad),
			      "freed image byte %ld is 0x%02x",
			      (long)(bad - image), bad ? *bad : 0);
	KUNIT_EXPECT_EQ(test, s2.used, s0.used - units * ARENA_UNIT);
	KUNIT_EXPECT_EQ(test, s2.images, s0.images - 1);
}

/* Images start at a random 16-byte offset (0-48) in their slot. */
static void altbpf_arena_random_offset(struct kunit *test)
{
	const unsigned int nr = 24;
	struct altbpf_prog **p;
	unsigned int i, seen = 0, distinct;
	const u8 *image;
	u32 size, off;

	p = kunit_kcalloc(test, nr, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < nr; i++) {
		p[i] = load_jited(test, ret42, ARRAY_SIZE(ret42), &image,
				  &size);
		off = (unsigned long)image % ARENA_UNIT;
		KUNIT_EXPECT_EQ_MSG(test, off % 16, 0U, "offset %u", off);
		KUNIT_EXPECT_LE(test, off, ARENA_SLACK);
		seen |= 1U << (off / 16);
	}
	for (i = 0; i < nr; i++)
		altbpf_prog_put(p[i]);
	distinct = hweight32(seen);
	KUNIT_EXPECT_GT_MSG(test, distinct, 1U,
			    "%u images, all at the same offset", nr);
}

static struct kunit_case altbpf_jit_arena_cases[] = {
	KUNIT_CASE(altbpf_arena_wx),
	KUNIT_CASE(altbpf_arena_int3_fill),
	KUNIT_CASE(altbpf_arena_exhaustion),
	KUNIT_CASE(altbpf_arena_free_after_rcu),
	KUNIT_CASE(altbpf_arena_random_offset),
	{}
};

static struct kunit_suite altbpf_jit_arena_suite = {
	.name = "altbpf-jit-arena",
	.test_cases = altbpf_jit_arena_cases,
};

kunit_test_suites(&altbpf_jit_arena_suite);
