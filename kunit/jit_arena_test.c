// SPDX-License-Identifier: GPL-2.0
/*
 * jit_arena_test.c - KUnit suite "altbpf-jit-arena": the kernel host of the
 * altbpf JIT (module/jit_arena.c).  W^X (no writable alias survives
 * finalize, the image's own mapping is RX), int3 everywhere outside images,
 * exhaustion (-ENOMEM, counted, the program falls back to the
 * interpreter), frees deferred past an RCU grace period, and the random
 * start offset.  Uses altbpf.ko's ALTBPF_INTERNAL test hooks.
 *
 * Also altbpf_kunit_check_run_rotated(): the <unit>_jit_rotated case of
 * every run-table suite (tables_test.c), the entry compiled under
 * permuted register maps.
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

/* What the alias probe saw while the writable aliases were mapped. */
struct alias_seen {
	u32 calls, pages, not_present, not_rw, exec;
	unsigned long first[4];	/* alias addresses, to look up afterwards */
	u32 len[4];
};

static void alias_probe(void *alias, u32 len, void *arg)
{
	struct alias_seen *seen = arg;
	unsigned long a = (unsigned long)alias;
	unsigned int level;
	pte_t *pte;
	u32 off;

	if (seen->calls < ARRAY_SIZE(seen->first)) {
		seen->first[seen->calls] = a;
		seen->len[seen->calls] = len;
	}
	seen->calls++;
	for (off = 0; off < len; off += PAGE_SIZE) {
		seen->pages++;
		pte = lookup_address(a + off, &level);
		if (!pte || !(pte_flags(*pte) & _PAGE_PRESENT)) {
			seen->not_present++;
			continue;
		}
		if (!(pte_flags(*pte) & _PAGE_RW))
			seen->not_rw++;
		if (!(pte_flags(*pte) & _PAGE_NX))
			seen->exec++;
	}
}

/*
 * The page tables, page by page, of a multi-page image: present, RX
 * (executable, not writable); the temporary writable alias it was
 * written through: RW and NX while it exists, unmapped after.
 */
static void altbpf_arena_pte(struct kunit *test)
{
	const u32 nr_adds = 2000;	/* 7 bytes each: 3+ pages of code */
	struct alias_seen seen = {};
	struct bpf_insn *insns;
	struct altbpf_prog *p;
	const u8 *image;
	unsigned long a, end;
	unsigned int level, k, pages = 0, bad_present = 0, bad_rw = 0,
		     bad_nx = 0, alias_left = 0;
	pte_t *pte;
	u64 r0 = 0;
	u32 size, i;

	insns = kunit_kcalloc(test, nr_adds + 2, sizeof(*insns), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, insns);
	insns[0] = ABPF_MOV64_IMM(BPF_REG_0, 0);
	for (i = 1; i <= nr_adds; i++)
		insns[i] = ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1000 + i);
	insns[nr_adds + 1] = ABPF_EXIT();

	altbpf_jit_arena_drain();	/* no queued free writes meanwhile */
	altbpf_jit_arena_test_alias_probe(alias_probe, &seen);
	p = load_jited(test, insns, nr_adds + 2, &image, &size);
	altbpf_jit_arena_test_alias_probe(NULL, NULL);
	KUNIT_EXPECT_GT(test, size, 3 * (u32)PAGE_SIZE);

	/* the writable alias: seen while it existed, RW + NX */
	KUNIT_EXPECT_GE(test, seen.calls, 1U);
	KUNIT_EXPECT_GE(test, seen.pages, size / (u32)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, seen.not_present, 0U);
	KUNIT_EXPECT_EQ_MSG(test, seen.not_rw, 0U, "alias not writable");
	KUNIT_EXPECT_EQ_MSG(test, seen.exec, 0U,
			    "%u alias pages executable", seen.exec);
	/* ... and gone now */
	for (k = 0; k < min_t(u32, seen.calls, ARRAY_SIZE(seen.first)); k++) {
		for (a = seen.first[k]; a < seen.first[k] + seen.len[k];
		     a += PAGE_SIZE) {
			pte = lookup_address(a, &level);
			if (pte && (pte_flags(*pte) & _PAGE_PRESENT))
				alias_left++;
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, alias_left, 0U,
			    "alias pages still mapped after finalize");

	/* every page of the image: present, executable, read-only */
	end = (unsigned long)image + size;
	for (a = (unsigned long)image & PAGE_MASK; a < end; a += PAGE_SIZE) {
		pages++;
		pte = lookup_address(a, &level);
		if (!pte || !(pte_flags(*pte) & _PAGE_PRESENT)) {
			bad_present++;
			continue;
		}
		if (pte_flags(*pte) & _PAGE_RW)
			bad_rw++;
		if (pte_flags(*pte) & _PAGE_NX)
			bad_nx++;
	}
	kunit_info(test, "image %u bytes, %u pages; %u alias map(s), %u pages",
		   size, pages, seen.calls, seen.pages);
	KUNIT_EXPECT_GE(test, pages, 4U);
	KUNIT_EXPECT_EQ_MSG(test, bad_present, 0U, "image pages not present");
	KUNIT_EXPECT_EQ_MSG(test, bad_rw, 0U, "image pages writable");
	KUNIT_EXPECT_EQ_MSG(test, bad_nx, 0U, "image pages not executable");

	KUNIT_EXPECT_EQ(test, altbpf_prog_run(p, ABPF_ENGINE_JIT, NULL, 0,
					      &r0), 0);
	KUNIT_EXPECT_EQ(test, r0, (u64)nr_adds * 1000 +
				  (u64)nr_adds * (nr_adds + 1) / 2);
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

/*
 * Two register maps (struct abpf_jit_host reg_perm) that move every one
 * of r1-r9 to another x86 register:
 *  1244: r1=r8 r2=rdi r3=rcx r4=rsi r5=rdx r6=r14 r7=r15 r8=rbx r9=r13
 *  2096: r1=rsi r2=r8 r3=rcx r4=rdi r5=rdx r6=r13 r7=r14 r8=r15 r9=rbx
 */
static const u32 rotated_perms[] = { 1244, 2096 };

void altbpf_kunit_check_run_rotated(struct kunit *test,
				    const struct abpf_run_test *t)
{
	struct altbpf_prog *p;
	char why[64] = "";
	u64 r0, r0_interp;
	int err, err_interp, load_err = 0;
	unsigned int k;
	u32 old;

	for (k = 0; k < ARRAY_SIZE(rotated_perms); k++) {
		old = altbpf_jit_arena_test_reg_perm(rotated_perms[k]);
		p = altbpf_prog_load(t->prog_type, t->insns,
				     abpf_test_len(t->insns), NULL, 0,
				     &load_err);
		altbpf_jit_arena_test_reg_perm(old);
		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "load failed: %d", load_err);
		KUNIT_EXPECT_EQ_MSG(test, altbpf_prog_jited(p, NULL, why,
							    sizeof(why)),
				    0, "perm %u: not compiled: %s",
				    rotated_perms[k], why);
		r0 = r0_interp = 0;
		err = altbpf_kunit_run_mem(p, ABPF_ENGINE_JIT, t->mem,
					   t->mem_len, &r0);
		err_interp = altbpf_kunit_run_mem(p, ABPF_ENGINE_INTERP, t->mem,
						  t->mem_len, &r0_interp);
		altbpf_prog_put(p);
		KUNIT_EXPECT_EQ_MSG(test, err, t->run_error, "perm %u",
				    rotated_perms[k]);
		KUNIT_EXPECT_EQ_MSG(test, err, err_interp, "perm %u",
				    rotated_perms[k]);
		KUNIT_EXPECT_EQ_MSG(test, r0, r0_interp,
				    "perm %u: jit r0 0x%llx, interpreter 0x%llx",
				    rotated_perms[k], (unsigned long long)r0,
				    (unsigned long long)r0_interp);
		if (!t->run_error)
			KUNIT_EXPECT_EQ_MSG(test, r0, t->result,
					    "perm %u: r0 0x%llx, expected 0x%llx",
					    rotated_perms[k],
					    (unsigned long long)r0,
					    (unsigned long long)t->result);
	}
}

static struct kunit_case altbpf_jit_arena_cases[] = {
	KUNIT_CASE(altbpf_arena_wx),
	KUNIT_CASE(altbpf_arena_pte),
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
