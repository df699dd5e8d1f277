// SPDX-License-Identifier: GPL-2.0
/*
 * maps_test.c - KUnit suite "altbpf-maps": the kernel map implementations
 * (module/maps/) through altbpf.ko's ALTBPF_INTERNAL exports.
 *
 *  - bpf(2)-side semantics of each map type;
 *  - tables/maps_progs.h on the interpreter and on the JIT (inline array
 *    lookups, inline tail calls) over kernel maps (lddw fds are indices
 *    into the test's maps, resolved by a test resolver);
 *  - concurrency: one kthread bound to each online CPU runs a program M
 *    times (atomic add on an array, per-CPU array, hash keyed by CPU);
 *    the totals must be exact; the same program also runs in hard-irq
 *    context on every CPU (on_each_cpu).
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/smp.h>
#include <linux/slab.h>
#include <kunit/test.h>

#include "engine.h"
#include "maps.h"
#include "maps/altbpf_maps.h"
#include "jit_arena.h"
#include "tables/maps_progs.h"
#include "tables/verifier_ringbuf.h"

MODULE_IMPORT_NS(ALTBPF_INTERNAL);

static struct altbpf_map *mk(struct kunit *test, u32 type, u32 ks, u32 vs,
			     u32 n, u32 flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = ks;
	a.value_size = vs;
	a.max_entries = n;
	a.map_flags = flags;
	return altbpf_map_create(&a);
}

static int mk_err(u32 type, u32 ks, u32 vs, u32 n, u32 flags)
{
	struct altbpf_map *m = mk(NULL, type, ks, vs, n, flags);

	if (IS_ERR(m))
		return PTR_ERR(m);
	altbpf_map_put_uref(m);
	return 0;
}

/* ---- semantics ---- */

static void maps_array(struct kunit *test)
{
	struct altbpf_map *m = mk(test, BPF_MAP_TYPE_ARRAY, 4, 12, 3, 0);
	u8 v[12], w[12];
	u32 k, nk;

	KUNIT_ASSERT_FALSE(test, IS_ERR(m));
	KUNIT_EXPECT_EQ(test, mk_err(BPF_MAP_TYPE_ARRAY, 8, 12, 3, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_err(BPF_MAP_TYPE_ARRAY, 4, 0, 3, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_err(BPF_MAP_TYPE_ARRAY, 4, 4, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_err(99, 4, 4, 1, 0), -EINVAL);
	memset(v, 7, sizeof(v));
	k = 1;
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &k, v, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &k, v, BPF_NOEXIST), -EEXIST);
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &k, v, BPF_EXIST), 0);
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &k, v, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, altbpf_map_lookup(m, &k, w), 0);
	KUNIT_EXPECT_EQ(test, memcmp(v, w, 12), 0);
	k = 3;
	KUNIT_EXPECT_EQ(test, altbpf_map_lookup(m, &k, w), -ENOENT);
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &k, v, BPF_ANY), -E2BIG);
	KUNIT_EXPECT_EQ(test, altbpf_map_delete(m, &k), -EINVAL);
	KUNIT_EXPECT_EQ(test, altbpf_map_get_next_key(m, NULL, &nk), 0);
	KUNIT_EXPECT_EQ(test, nk, 0u);
	k = 1;
	KUNIT_EXPECT_EQ(test, altbpf_map_get_next_key(m, &k, &nk), 0);
	KUNIT_EXPECT_EQ(test, nk, 2u);
	k = 2;
	KUNIT_EXPECT_EQ(test, altbpf_map_get_next_key(m, &k, &nk), -ENOENT);
	altbpf_map_put_uref(m);
}

static void hash_common(struct kunit *test, u32 type)
{
	struct altbpf_map *m = mk(test, type, 4, 8, 3, 0);
	u32 k, nk, seen = 0, n = 0;
	u64 v = 50, w;

	KUNIT_ASSERT_FALSE(test, IS_ERR(m));
	k = 5;
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &k, &v, BPF_EXIST), -ENOENT);
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &k, &v, BPF_NOEXIST), 0);
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &k, &v, BPF_NOEXIST), -EEXIST);
	v = 51;
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &k, &v, BPF_EXIST), 0);
	KUNIT_EXPECT_EQ(test, altbpf_map_lookup(m, &k, &w), 0);
	KUNIT_EXPECT_EQ(test, w, 51ull);
	k = 6;
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &k, &v, BPF_ANY), 0);
	k = 7;
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &k, &v, BPF_ANY), 0);
	k = 8;
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &k, &v, BPF_ANY),
			type == BPF_MAP_TYPE_LRU_HASH ? 0 : -E2BIG);
	if (!altbpf_map_get_next_key(m, NULL, &nk)) {
		do {
			seen |= 1U << nk;
			n++;
			k = nk;
		} while (!altbpf_map_get_next_key(m, &k, &nk) && n < 10);
	}
	KUNIT_EXPECT_EQ(test, n, 3u);
	if (type == BPF_MAP_TYPE_LRU_HASH)
		KUNIT_EXPECT_EQ(test, seen, (1U << 6) | (1U << 7) | (1U << 8));
	else
		KUNIT_EXPECT_EQ(test, seen, (1U << 5) | (1U << 6) | (1U << 7));
	k = 6;
	KUNIT_EXPECT_EQ(test, altbpf_map_delete(m, &k), 0);
	KUNIT_EXPECT_EQ(test, altbpf_map_delete(m, &k), -ENOENT);
	KUNIT_EXPECT_EQ(test, altbpf_map_lookup(m, &k, &w), -ENOENT);
	altbpf_map_put_uref(m);
}

static void maps_hash(struct kunit *test)
{
	hash_common(test, BPF_MAP_TYPE_HASH);
}

static void maps_lru_hash(struct kunit *test)
{
	hash_common(test, BPF_MAP_TYPE_LRU_HASH);
}

static void maps_percpu(struct kunit *test)
{
	struct altbpf_map *a = mk(test, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 2, 0);
	struct altbpf_map *h = mk(test, BPF_MAP_TYPE_PERCPU_HASH, 4, 4, 2, 0);
	u32 nc = num_possible_cpus(), k = 1, c;
	u64 *vals, *out;

	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	KUNIT_ASSERT_FALSE(test, IS_ERR(h));
	KUNIT_EXPECT_EQ(test, altbpf_map_value_size(a), 8 * nc);
	vals = kunit_kcalloc(test, nc, 8, GFP_KERNEL);
	out = kunit_kcalloc(test, nc, 8, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vals);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (c = 0; c < nc; c++)
		vals[c] = 100 + c;
	KUNIT_EXPECT_EQ(test, altbpf_map_update(a, &k, vals, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, altbpf_map_update(h, &k, vals, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, altbpf_map_lookup(a, &k, out), 0);
	KUNIT_EXPECT_EQ(test, memcmp(vals, out, 8 * nc), 0);
	memset(out, 0, 8 * nc);
	KUNIT_EXPECT_EQ(test, altbpf_map_lookup(h, &k, out), 0);
	KUNIT_EXPECT_EQ(test, memcmp(vals, out, 8 * nc), 0);
	/* a program's lookup sees this CPU's value */
	preempt_disable();
	rcu_read_lock();
	c = smp_processor_id();
	KUNIT_EXPECT_EQ(test, *(u32 *)a->map.ops->lookup(&a->map, &k), 100 + c);
	KUNIT_EXPECT_EQ(test, *(u32 *)h->map.ops->lookup(&h->map, &k), 100 + c);
	rcu_read_unlock();
	preempt_enable();
	altbpf_map_put_uref(a);
	altbpf_map_put_uref(h);
}

static void maps_lpm(struct kunit *test)
{
	struct altbpf_map *m = mk(test, BPF_MAP_TYPE_LPM_TRIE, 8, 4, 8,
				  BPF_F_NO_PREALLOC);
	struct { u32 plen; u8 d[4]; } key, nk;
	u32 v, w;

	KUNIT_EXPECT_EQ(test, mk_err(BPF_MAP_TYPE_LPM_TRIE, 8, 4, 8, 0), -EINVAL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(m));
	key.plen = 8; memcpy(key.d, "\xc0\x00\x00\x00", 4); v = 1;
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &key, &v, BPF_ANY), 0);
	key.plen = 24; memcpy(key.d, "\xc0\xa8\x01\xff", 4); v = 2;
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &key, &v, BPF_ANY), 0);
	key.plen = 33;
	KUNIT_EXPECT_EQ(test, altbpf_map_update(m, &key, &v, BPF_ANY), -EINVAL);
	key.plen = 32; memcpy(key.d, "\xc0\xa8\x01\x07", 4);
	KUNIT_EXPECT_EQ(test, altbpf_map_lookup(m, &key, &w), 0);
	KUNIT_EXPECT_EQ(test, w, 2u);
	memcpy(key.d, "\xc0\xa8\x02\x07", 4);
	KUNIT_EXPECT_EQ(test, altbpf_map_lookup(m, &key, &w), 0);
	KUNIT_EXPECT_EQ(test, w, 1u);
	memcpy(key.d, "\x0a\x00\x00\x01", 4);
	KUNIT_EXPECT_EQ(test, altbpf_map_lookup(m, &key, &w), -ENOENT);
	KUNIT_EXPECT_EQ(test, altbpf_map_get_next_key(m, NULL, &nk), 0);
	KUNIT_EXPECT_EQ(test, nk.plen, 24u);
	KUNIT_EXPECT_EQ(test, altbpf_map_get_next_key(m, &nk, &nk), 0);
	KUNIT_EXPECT_EQ(test, nk.plen, 8u);
	KUNIT_EXPECT_EQ(test, altbpf_map_get_next_key(m, &nk, &nk), -ENOENT);
	key.plen = 24; memcpy(key.d, "\xc0\xa8\x01\x00", 4);
	KUNIT_EXPECT_EQ(test, altbpf_map_delete(m, &key), 0);
	KUNIT_EXPECT_EQ(test, altbpf_map_delete(m, &key), -ENOENT);
	key.plen = 32; memcpy(key.d, "\xc0\xa8\x01\x07", 4);
	KUNIT_EXPECT_EQ(test, altbpf_map_lookup(m, &key, &w), 0);
	KUNIT_EXPECT_EQ(test, w, 1u);
	altbpf_map_put_uref(m);
}

static void count_rec(const void *data, u32 len, void *arg)
{
	u64 *sum = arg;

	*sum += len * 1000 + ((const u8 *)data)[0];
}

static void maps_ringbuf(struct kunit *test)
{
	struct altbpf_map *m = mk(test, BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0);
	u64 sum = 0, i, r;
	u8 buf[100];
	void *s;

	KUNIT_EXPECT_EQ(test, mk_err(BPF_MAP_TYPE_RINGBUF, 0, 0, 4000, 0), -EINVAL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(m));
	memset(buf, 3, sizeof(buf));
	for (i = 0; i < 40; i++)
		if (abpf_host_ringbuf_output((u64)(unsigned long)&m->map,
					     (u64)(unsigned long)buf, 100, 0,
					     0, NULL))
			break;
	KUNIT_EXPECT_EQ(test, i, 36ull);	/* 112 bytes each */
	KUNIT_EXPECT_EQ(test, altbpf_ringbuf_consume(m, count_rec, &sum), 36);
	KUNIT_EXPECT_EQ(test, sum, 36 * 100003ull);
	/* records now wrap around the end: still contiguous */
	for (i = 0; i < 20; i++) {
		r = abpf_host_ringbuf_output((u64)(unsigned long)&m->map,
					     (u64)(unsigned long)buf, 100, 0,
					     0, NULL);
		KUNIT_EXPECT_EQ(test, r, 0ull);
	}
	/* reserve, discard, double submit is ignored */
	s = (void *)(unsigned long)abpf_host_ringbuf_reserve(
		(u64)(unsigned long)&m->map, 16, 0, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	abpf_host_ringbuf_discard((u64)(unsigned long)s, 0, 0, 0, 0, NULL);
	abpf_host_ringbuf_submit((u64)(unsigned long)s, 0, 0, 0, 0, NULL);
	sum = 0;
	KUNIT_EXPECT_EQ(test, altbpf_ringbuf_consume(m, count_rec, &sum), 20);
	altbpf_map_put_uref(m);
}

/* ---- programs over kernel maps (tables/maps_progs.h) ---- */

struct test_maps {
	struct altbpf_map *m[ABPF_MAPT_MAX_MAPS];
	u32 nr;
};

static struct abpf_map *test_map_from_fd(void *host, int fd)
{
	struct test_maps *tm = host;

	if (fd < 0 || fd >= tm->nr)
		return NULL;
	altbpf_map_get(tm->m[fd]);
	return &tm->m[fd]->map;
}

static struct abpf_prog *load(const struct bpf_insn *insns, u32 max,
			      u32 type, struct test_maps *tm, char *log,
			      u32 log_size, int *bind_err, int *check_err)
{
	struct abpf_map_resolver res = { test_map_from_fd, tm };
	struct abpf_log l = { log, log_size, 0, 1, false };
	static const struct bpf_insn zero;
	struct abpf_prog *prog;
	u32 len = max;

	while (len && !memcmp(&insns[len - 1], &zero, sizeof(zero)))
		len--;
	*bind_err = *check_err = 0;
	log[0] = 0;
	prog = abpf_prog_alloc(insns, len, type);
	if (!prog) {
		*bind_err = -ENOMEM;
		return NULL;
	}
	*bind_err = abpf_prog_bind_maps(prog, &res, &l);
	if (!*bind_err)
		*check_err = abpf_check(prog, &l);
	if (!*bind_err && !*check_err)
		*check_err = abpf_interp_prepare(prog);
	return prog;
}

static u64 run_prog(struct abpf_prog *prog, struct abpf_run_ctx *rc)
{
	u64 r0;

	rcu_read_lock();
	migrate_disable();
	r0 = prog->jit_func ? prog->jit_func(rc) : abpf_interp_run(prog, rc);
	migrate_enable();
	rcu_read_unlock();
	return r0;
}

static void prog_desc(const struct abpf_map_prog_test *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(maps_prog, abpf_maps_prog_tests, prog_desc);
KUNIT_ARRAY_PARAM(ringbuf_prog, abpf_verifier_ringbuf_tests, prog_desc);

static void maps_progs_on(struct kunit *test, bool jit)
{
	const struct abpf_map_prog_test *t = test->param_value;
	struct abpf_prog *prog, *tails[ABPF_MAPT_MAX_TAILS] = { NULL };
	struct altbpf_map *pa = NULL;
	struct test_maps tm = { };
	int bind_err, check_err, be, ce;
	char *log = kunit_kzalloc(test, 2048, GFP_KERNEL);
	u32 k;

	KUNIT_ASSERT_NOT_NULL(test, log);
	for (k = 0; k < ABPF_MAPT_MAX_MAPS && t->maps[k].type; k++) {
		tm.m[k] = mk(test, t->maps[k].type, t->maps[k].key_size,
			     t->maps[k].value_size, t->maps[k].max_entries,
			     t->maps[k].flags);
		KUNIT_ASSERT_FALSE(test, IS_ERR(tm.m[k]));
		tm.nr = k + 1;
		if (t->maps[k].type == BPF_MAP_TYPE_PROG_ARRAY && !pa)
			pa = tm.m[k];
	}
	prog = load(t->insns, ABPF_TEST_MAX_INSNS, t->prog_type, &tm, log,
		    2048, &bind_err, &check_err);
	KUNIT_ASSERT_NOT_NULL(test, prog);
	if (t->bind_err || bind_err) {
		KUNIT_EXPECT_EQ_MSG(test, bind_err, t->bind_err, "%s", log);
		if (t->msg)
			KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(log, t->msg),
						  "%s", log);
		goto out;
	}
	if (t->msg || check_err) {
		KUNIT_EXPECT_EQ_MSG(test, check_err, t->err, "%s", log);
		if (t->msg)
			KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(log, t->msg),
						  "%s", log);
		goto out;
	}
	for (k = 0; k < ABPF_MAPT_MAX_TAILS; k++) {
		if (!t->tails[k].slot1)
			continue;
		tails[k] = load(t->tails[k].insns, ABPF_MAPT_TAIL_INSNS,
				t->prog_type, &tm, log, 2048, &be, &ce);
		KUNIT_ASSERT_NOT_NULL(test, tails[k]);
		KUNIT_ASSERT_EQ_MSG(test, be | ce, 0, "%s", log);
		if (jit)
			KUNIT_ASSERT_EQ(test, altbpf_jit_prog(tails[k], 0, NULL,
							      NULL), 0);
		KUNIT_ASSERT_EQ(test, altbpf_prog_array_set(pa,
				t->tails[k].slot1 - 1, tails[k], NULL), 0);
	}
	if (jit)
		KUNIT_ASSERT_EQ(test, altbpf_jit_prog(prog, 0, NULL, NULL), 0);
	if (t->self_slot1)
		KUNIT_ASSERT_EQ(test, altbpf_prog_array_set(pa,
				t->self_slot1 - 1, prog, NULL), 0);
	{
		u8 mem[16] = { 0 };
		struct abpf_run_ctx rc;
		u64 r0;

		abpf_run_ctx_init_mem(&rc, mem, sizeof(mem));
		r0 = run_prog(prog, &rc);
		KUNIT_EXPECT_EQ(test, r0, t->result);
		KUNIT_EXPECT_EQ(test, rc.error, t->run_error);
		KUNIT_EXPECT_FALSE(test, rc.stack_lo || rc.stack_hi);
	}
out:
	/* last user reference: prog arrays drop their programs */
	for (k = 0; k < tm.nr; k++)
		altbpf_map_put_uref(tm.m[k]);
	synchronize_rcu();
	altbpf_jit_free(prog);
	abpf_prog_free(prog);
	for (k = 0; k < ABPF_MAPT_MAX_TAILS; k++) {
		if (tails[k])
			altbpf_jit_free(tails[k]);
		abpf_prog_free(tails[k]);
	}
}

static void maps_progs(struct kunit *test)
{
	maps_progs_on(test, false);
}

static void maps_progs_jit(struct kunit *test)
{
	maps_progs_on(test, true);
}

/* the checker's ringbuf reference tracking (tables/verifier_ringbuf.h) */
static void maps_ringbuf_refs(struct kunit *test)
{
	maps_progs_on(test, false);
}

static void maps_ringbuf_refs_jit(struct kunit *test)
{
	maps_progs_on(test, true);
}

/* ---- concurrency ---- */

#define CONC_ITERS	20000

static const struct bpf_insn conc_insns[] = {
	LOOKUP32(0, 0),
	ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
	ABPF_MOV64_IMM(BPF_REG_1, 1),
	ABPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1, 0),
	ABPF_JMP_A(0),
	LOOKUP32(1, 0),
	ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
	ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
	ABPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
	ABPF_CALL_HELPER(BPF_FUNC_get_smp_processor_id),
	ABPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, -4),
	ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
	ABPF_LD_MAP(BPF_REG_1, 2),
	ABPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
	ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4),
	ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
	ABPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
	ABPF_JMP_A(9),
	ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
	VAL64(1),
	ABPF_MOV64_IMM(BPF_REG_4, BPF_NOEXIST),
	ABPF_LD_MAP(BPF_REG_1, 2),
	ABPF_CALL_HELPER(BPF_FUNC_map_update_elem),
	ABPF_MOV64_IMM(BPF_REG_0, 0),
	ABPF_EXIT(),
};

struct conc_worker {
	struct abpf_prog *prog;
	struct completion done;
	int bad;
};

static int conc_thread(void *arg)
{
	struct conc_worker *w = arg;
	u32 i;

	for (i = 0; i < CONC_ITERS; i++) {
		u8 mem[16] = { 0 };
		struct abpf_run_ctx rc;

		abpf_run_ctx_init_mem(&rc, mem, sizeof(mem));
		if (run_prog(w->prog, &rc) || rc.error)
			w->bad++;
		if (!(i & 1023))
			cond_resched();
	}
	complete(&w->done);
	return 0;
}

static void conc_irq(void *arg)
{
	struct abpf_prog *prog = arg;
	u8 mem[16] = { 0 };
	struct abpf_run_ctx rc;

	abpf_run_ctx_init_mem(&rc, mem, sizeof(mem));
	rcu_read_lock();
	abpf_interp_run(prog, &rc);	/* hard irq: not preemptible */
	rcu_read_unlock();
}

static void maps_concurrency(struct kunit *test)
{
	struct test_maps tm = { };
	struct conc_worker *w;
	struct abpf_prog *prog;
	char log[512];
	int be, ce, cpu;
	u32 nc = num_possible_cpus(), ran = 0, k;
	u64 total, *pc;

	tm.m[0] = mk(test, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	tm.m[1] = mk(test, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0);
	tm.m[2] = mk(test, BPF_MAP_TYPE_HASH, 4, 8, nc, 0);
	for (k = 0; k < 3; k++)
		KUNIT_ASSERT_FALSE(test, IS_ERR(tm.m[k]));
	tm.nr = 3;
	prog = load(conc_insns, ARRAY_SIZE(conc_insns), ABPF_PROG_TYPE_MEM,
		    &tm, log, sizeof(log), &be, &ce);
	KUNIT_ASSERT_NOT_NULL(test, prog);
	KUNIT_ASSERT_EQ_MSG(test, be | ce, 0, "%s", log);
	w = kunit_kcalloc(test, nr_cpu_ids, sizeof(*w), GFP_KERNEL);
	pc = kunit_kcalloc(test, nc, 8, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_NOT_NULL(test, pc);

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		w[cpu].prog = prog;
		init_completion(&w[cpu].done);
		t = kthread_create_on_cpu(conc_thread, &w[cpu], cpu,
					  "altbpf_maps/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		wake_up_process(t);
		ran++;
	}
	for_each_online_cpu(cpu) {
		wait_for_completion(&w[cpu].done);
		KUNIT_EXPECT_EQ(test, w[cpu].bad, 0);
	}
	/* and once per CPU from hard-irq context */
	on_each_cpu(conc_irq, prog, 1);

	k = 0;
	KUNIT_EXPECT_EQ(test, altbpf_map_lookup(tm.m[0], &k, &total), 0);
	KUNIT_EXPECT_EQ(test, total, (u64)ran * (CONC_ITERS + 1));
	KUNIT_EXPECT_EQ(test, altbpf_map_lookup(tm.m[1], &k, pc), 0);
	for_each_online_cpu(cpu) {
		u32 key = cpu;

		KUNIT_EXPECT_EQ(test, pc[cpu], (u64)CONC_ITERS + 1);
		KUNIT_EXPECT_EQ(test, altbpf_map_lookup(tm.m[2], &key, &total), 0);
		KUNIT_EXPECT_EQ(test, total, (u64)CONC_ITERS + 1);
	}
	cpus_read_unlock();
	kunit_info(test, "%u CPUs x %u runs (+1 in irq) exact", ran, CONC_ITERS);
	for (k = 0; k < tm.nr; k++)
		altbpf_map_put_uref(tm.m[k]);
	abpf_prog_free(prog);
}

static struct kunit_case altbpf_maps_cases[] = {
	KUNIT_CASE(maps_array),
	KUNIT_CASE(maps_hash),
	KUNIT_CASE(maps_lru_hash),
	KUNIT_CASE(maps_percpu),
	KUNIT_CASE(maps_lpm),
	KUNIT_CASE(maps_ringbuf),
	KUNIT_CASE_PARAM(maps_progs, maps_prog_gen_params),
	KUNIT_CASE_PARAM(maps_progs_jit, maps_prog_gen_params),
	KUNIT_CASE_PARAM(maps_ringbuf_refs, ringbuf_prog_gen_params),
	KUNIT_CASE_PARAM(maps_ringbuf_refs_jit, ringbuf_prog_gen_params),
	KUNIT_CASE(maps_concurrency),
	{}
};

static struct kunit_suite altbpf_maps_suite = {
	.name = "altbpf-maps",
	.test_cases = altbpf_maps_cases,
};

kunit_test_suite(altbpf_maps_suite);
