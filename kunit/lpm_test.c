// SPDX-License-Identifier: GPL-2.0
/*
 * lpm_test.c - KUnit suite "altbpf-maps-lpm": the LPM trie
 * (module/maps/lpm_trie.c) through the bpf(2)-side calls.
 *
 *  - edges: prefix 0, /32, the longest of overlapping prefixes, a key
 *    prefixlen shorter than the entries, intermediate nodes (never a
 *    result), deleting a node with 0, 1 or 2 children, update flags,
 *    max_entries, get_next_key's post-order;
 *  - a random differential run against a brute-force model (longest
 *    matching entry by a bit-by-bit scan) for 1, 3, 4, 16 and 17-byte
 *    keys (one-word and multi-word paths), every memory charge returned
 *    once the map is empty again.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/unaligned.h>
#include <kunit/test.h>

#include "engine.h"
#include "maps.h"
#include "maps/altbpf_maps.h"

MODULE_IMPORT_NS(ALTBPF_INTERNAL);

struct v4key {
	u32 plen;
	u8 d[4];
};

static struct altbpf_map *lpm_mk(u32 data_size, u32 max_entries)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_LPM_TRIE;
	a.key_size = 4 + data_size;
	a.value_size = 4;
	a.max_entries = max_entries;
	a.map_flags = BPF_F_NO_PREALLOC;
	return altbpf_map_create(&a);
}

static int v4_update(struct altbpf_map *m, u32 plen, u32 addr, u32 v,
		     u64 flags)
{
	struct v4key k = { .plen = plen };

	put_unaligned_be32(addr, k.d);
	return altbpf_map_update(m, &k, &v, flags);
}

static int v4_delete(struct altbpf_map *m, u32 plen, u32 addr)
{
	struct v4key k = { .plen = plen };

	put_unaligned_be32(addr, k.d);
	return altbpf_map_delete(m, &k);
}

/* The value found for addr/plen, or -1 (none). */
static s64 v4_lookup(struct altbpf_map *m, u32 plen, u32 addr)
{
	struct v4key k = { .plen = plen };
	u32 v;

	put_unaligned_be32(addr, k.d);
	return altbpf_map_lookup(m, &k, &v) ? -1 : (s64)v;
}

#define IP(a, b, c, d)	((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static void lpm_edges(struct kunit *test)
{
	struct altbpf_map *m = lpm_mk(4, 16);
	struct v4key nk, k;
	static const u32 order[] = { 32, 24, 16, 8, 0 };
	u32 i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(m));
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(10, 1, 2, 3)), -1);
	KUNIT_EXPECT_EQ(test, altbpf_map_get_next_key(m, NULL, &nk), -ENOENT);

	/* a chain of overlapping prefixes down from the default route */
	KUNIT_EXPECT_EQ(test, v4_update(m, 0, 0, 100, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(1, 2, 3, 4)), 100);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 0, IP(1, 2, 3, 4)), 100);
	KUNIT_EXPECT_EQ(test, v4_update(m, 8, IP(10, 0, 0, 0), 108, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_update(m, 32, IP(10, 1, 2, 3), 132, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_update(m, 16, IP(10, 1, 0, 0), 116, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_update(m, 24, IP(10, 1, 2, 0), 124, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(10, 1, 2, 3)), 132);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(10, 1, 2, 4)), 124);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(10, 1, 3, 1)), 116);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(10, 2, 0, 0)), 108);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(11, 0, 0, 0)), 100);
	/* the key's prefixlen limits the match; beyond 32 nothing matches */
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 24, IP(10, 1, 2, 3)), 124);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 9, IP(10, 1, 2, 3)), 108);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 33, IP(10, 1, 2, 3)), -1);
	KUNIT_EXPECT_EQ(test, v4_update(m, 33, IP(10, 1, 2, 3), 1, BPF_ANY),
			-EINVAL);

	/* bits past the prefix are ignored: the same entry */
	KUNIT_EXPECT_EQ(test, v4_update(m, 16, IP(10, 1, 255, 255), 1,
					BPF_NOEXIST), -EEXIST);
	KUNIT_EXPECT_EQ(test, v4_update(m, 16, IP(10, 9, 0, 0), 1, BPF_EXIST),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, v4_update(m, 16, IP(10, 1, 7, 7), 216, BPF_EXIST),
			0);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(10, 1, 3, 1)), 216);

	/* post-order: the more specific prefix first, each entry once */
	KUNIT_EXPECT_EQ(test, altbpf_map_get_next_key(m, NULL, &nk), 0);
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		KUNIT_EXPECT_EQ(test, nk.plen, order[i]);
		k = nk;
		KUNIT_EXPECT_EQ(test, altbpf_map_get_next_key(m, &k, &nk),
				i + 1 < ARRAY_SIZE(order) ? 0 : -ENOENT);
	}
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(k.d), 0u);

	/* delete a node with one child: the child moves up */
	KUNIT_EXPECT_EQ(test, v4_delete(m, 16, IP(10, 1, 0, 0)), 0);
	KUNIT_EXPECT_EQ(test, v4_delete(m, 16, IP(10, 1, 0, 0)), -ENOENT);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(10, 1, 3, 1)), 108);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(10, 1, 2, 4)), 124);

	/* siblings: an intermediate /23 that is never a result */
	KUNIT_EXPECT_EQ(test, v4_update(m, 24, IP(192, 168, 0, 0), 1, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_update(m, 24, IP(192, 168, 1, 0), 2, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(192, 168, 1, 7)), 2);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(192, 168, 0, 7)), 1);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 23, IP(192, 168, 0, 0)), 100);
	KUNIT_EXPECT_EQ(test, v4_delete(m, 23, IP(192, 168, 0, 0)), -ENOENT);
	/* a leaf under an intermediate: the sibling moves up */
	KUNIT_EXPECT_EQ(test, v4_delete(m, 24, IP(192, 168, 0, 0)), 0);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(192, 168, 1, 7)), 2);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(192, 168, 0, 7)), 100);

	/* delete a node with two children: it stays as an intermediate */
	KUNIT_EXPECT_EQ(test, v4_update(m, 12, IP(172, 16, 0, 0), 12, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_update(m, 16, IP(172, 16, 0, 0), 16, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_update(m, 16, IP(172, 24, 0, 0), 24, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(172, 20, 0, 1)), 12);
	KUNIT_EXPECT_EQ(test, v4_delete(m, 12, IP(172, 16, 0, 0)), 0);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(172, 20, 0, 1)), 100);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(172, 24, 1, 1)), 24);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(172, 16, 1, 1)), 16);
	KUNIT_EXPECT_EQ(test, v4_update(m, 12, IP(172, 16, 0, 0), 13,
					BPF_EXIST), -ENOENT);
	KUNIT_EXPECT_EQ(test, v4_update(m, 12, IP(172, 16, 0, 0), 13,
					BPF_NOEXIST), 0);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(172, 20, 0, 1)), 13);

	/* the default route can go too */
	KUNIT_EXPECT_EQ(test, v4_delete(m, 0, IP(1, 1, 1, 1)), 0);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(11, 0, 0, 0)), -1);
	altbpf_map_put_uref(m);
}

static void lpm_max_entries(struct kunit *test)
{
	struct altbpf_map *m = lpm_mk(4, 3);

	KUNIT_ASSERT_FALSE(test, IS_ERR(m));
	/* three leaves and two intermediate nodes: only entries count */
	KUNIT_EXPECT_EQ(test, v4_update(m, 32, IP(1, 0, 0, 0), 1, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_update(m, 32, IP(2, 0, 0, 0), 2, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_update(m, 32, IP(3, 0, 0, 0), 3, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_update(m, 32, IP(4, 0, 0, 0), 4, BPF_ANY),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, v4_update(m, 32, IP(2, 0, 0, 0), 5, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(2, 0, 0, 0)), 5);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(4, 0, 0, 0)), -1);
	KUNIT_EXPECT_EQ(test, v4_delete(m, 32, IP(1, 0, 0, 0)), 0);
	KUNIT_EXPECT_EQ(test, v4_update(m, 32, IP(4, 0, 0, 0), 4, BPF_ANY), 0);
	KUNIT_EXPECT_EQ(test, v4_lookup(m, 32, IP(4, 0, 0, 0)), 4);
	altbpf_map_put_uref(m);
}

/* ---- random differential against a brute-force model ---- */

#define MODEL_MAX	48
#define RAND_OPS	1500

struct model_ent {
	bool used;
	u32 plen, v;
	u8 d[17];
};

struct model {
	struct model_ent e[MODEL_MAX];
	u32 count, ds;
	u64 seed;
};

static u64 rnd(struct model *md)
{
	md->seed ^= md->seed << 13;
	md->seed ^= md->seed >> 7;
	md->seed ^= md->seed << 17;
	return md->seed;
}

static bool bit_of(const u8 *d, u32 i)
{
	return (d[i / 8] >> (7 - i % 8)) & 1;
}

static bool prefix_eq(const u8 *a, const u8 *b, u32 plen)
{
	u32 i;

	for (i = 0; i < plen; i++)
		if (bit_of(a, i) != bit_of(b, i))
			return false;
	return true;
}

static struct model_ent *model_find(struct model *md, u32 plen, const u8 *d)
{
	u32 i;

	for (i = 0; i < MODEL_MAX; i++)
		if (md->e[i].used && md->e[i].plen == plen &&
		    prefix_eq(md->e[i].d, d, plen))
			return &md->e[i];
	return NULL;
}

static struct model_ent *model_best(struct model *md, u32 plen, const u8 *d)
{
	struct model_ent *best = NULL;
	u32 i;

	if (plen > md->ds * 8)
		return NULL;
	for (i = 0; i < MODEL_MAX; i++)
		if (md->e[i].used && md->e[i].plen <= plen &&
		    prefix_eq(md->e[i].d, d, md->e[i].plen) &&
		    (!best || md->e[i].plen > best->plen))
			best = &md->e[i];
	return best;
}

struct rkey {
	u32 plen;
	u8 d[17];
};

/* Keys from a small alphabet so that prefixes overlap. */
static void rand_key(struct model *md, struct rkey *k)
{
	static const u8 al[] = { 0x00, 0x80, 0xff, 0x0a, 0x0b, 0x40 };
	struct model_ent *e = &md->e[rnd(md) % MODEL_MAX];
	u32 i;

	for (i = 0; i < md->ds; i++)
		k->d[i] = rnd(md) % 3 ? al[rnd(md) % ARRAY_SIZE(al)] : rnd(md);
	k->plen = rnd(md) % (md->ds * 8 + 2);
	if (e->used && rnd(md) % 2) {	/* near an entry */
		memcpy(k->d, e->d, md->ds);
		k->plen = e->plen;
		if (rnd(md) % 4 == 0)
			k->d[md->ds - 1] ^= rnd(md);
	}
}

static void rand_update(struct kunit *test, struct altbpf_map *m,
			struct model *md, struct rkey *k)
{
	struct model_ent *e = model_find(md, k->plen, k->d);
	u64 flags = rnd(md) % 3;
	u32 v = rnd(md), i;
	int want = 0;

	if (k->plen > md->ds * 8)
		want = -EINVAL;
	else if (e && flags == BPF_NOEXIST)
		want = -EEXIST;
	else if (!e && flags == BPF_EXIST)
		want = -ENOENT;
	else if (!e && md->count >= m->map.max_entries)
		want = -ENOSPC;
	KUNIT_EXPECT_EQ_MSG(test, altbpf_map_update(m, k, &v, flags), want,
			    "update /%u flags %llu", k->plen, flags);
	if (want)
		return;
	for (i = 0; !e && i < MODEL_MAX; i++) {
		if (!md->e[i].used) {
			e = &md->e[i];
			e->used = true;
			e->plen = k->plen;
			memcpy(e->d, k->d, md->ds);
			md->count++;
		}
	}
	e->v = v;
}

static void rand_delete(struct kunit *test, struct altbpf_map *m,
			struct model *md, struct rkey *k)
{
	struct model_ent *e = model_find(md, k->plen, k->d);
	int want = k->plen > md->ds * 8 ? -EINVAL : e ? 0 : -ENOENT;

	KUNIT_EXPECT_EQ_MSG(test, altbpf_map_delete(m, k), want,
			    "delete /%u", k->plen);
	if (e && !want) {
		e->used = false;
		md->count--;
	}
}

static void rand_walk(struct kunit *test, struct altbpf_map *m,
		      struct model *md)
{
	struct rkey k, nk;
	u32 seen = 0;

	if (altbpf_map_get_next_key(m, NULL, &nk))
		goto out;
	do {
		KUNIT_EXPECT_NOT_NULL(test, model_find(md, nk.plen, nk.d));
		k = nk;
	} while (++seen <= md->count && !altbpf_map_get_next_key(m, &k, &nk));
out:
	KUNIT_EXPECT_EQ(test, seen, md->count);
}

static void lpm_random(struct kunit *test)
{
	static const u32 sizes[] = { 1, 3, 4, 16, 17 };
	struct model *md = kunit_kzalloc(test, sizeof(*md), GFP_KERNEL);
	struct model_ent *e;
	struct altbpf_map *m;
	struct rkey k;
	u64 mem0;
	u32 s, op, v, i;

	KUNIT_ASSERT_NOT_NULL(test, md);
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		memset(md, 0, sizeof(*md));
		md->ds = sizes[s];
		md->seed = 0x9e3779b97f4a7c15ULL + s;
		m = lpm_mk(md->ds, 8 + s * 8);
		KUNIT_ASSERT_FALSE(test, IS_ERR(m));
		mem0 = m->mem;
		for (op = 0; op < RAND_OPS; op++) {
			rand_key(md, &k);
			switch (rnd(md) % 10) {
			case 0 ... 3:
				rand_update(test, m, md, &k);
				break;
			case 4 ... 5:
				rand_delete(test, m, md, &k);
				break;
			case 6 ... 8:
				e = model_best(md, k.plen, k.d);
				KUNIT_EXPECT_EQ_MSG(test,
					altbpf_map_lookup(m, &k, &v) ? -1 : (s64)v,
					e ? (s64)e->v : -1,
					"%u-byte keys: lookup /%u", md->ds, k.plen);
				break;
			default:
				rand_walk(test, m, md);
			}
		}
		for (i = 0; i < MODEL_MAX; i++) {
			if (md->e[i].used) {
				k.plen = md->e[i].plen;
				memcpy(k.d, md->e[i].d, md->ds);
				rand_delete(test, m, md, &k);
			}
		}
		KUNIT_EXPECT_EQ(test, altbpf_map_get_next_key(m, NULL, &k),
				-ENOENT);
		KUNIT_EXPECT_EQ(test, m->mem, mem0);
		altbpf_map_put_uref(m);
	}
}

static struct kunit_case altbpf_lpm_cases[] = {
	KUNIT_CASE(lpm_edges),
	KUNIT_CASE(lpm_max_entries),
	KUNIT_CASE(lpm_random),
	{}
};

static struct kunit_suite altbpf_lpm_suite = {
	.name = "altbpf-maps-lpm",
	.test_cases = altbpf_lpm_cases,
};

kunit_test_suite(altbpf_lpm_suite);
