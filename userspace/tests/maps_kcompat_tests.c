// SPDX-License-Identifier: GPL-2.0
/*
 * maps_kcompat_tests.c - altbpf-maps-kcompat-tests: the module's map code
 * (module/maps/) as it runs natively, through userspace/kcompat/ and the
 * glue in userspace/maps_native.c.
 *
 *  - kcompat.h itself: jhash() against lookup3's published values and a
 *    byte-at-a-time rendering of the kernel's, memcmp() against libc's;
 *  - hash (plain, per-CPU, LRU) and LPM tries against brute-force models
 *    over random operations, for key sizes that take every jhash and
 *    memcmp path and 1, 4, 5 and 16-byte LPM data;
 *  - get_next_key visits every key once; LPM charges all come back;
 *  - concurrency: lock-free program-side lookups while writers replace
 *    and delete (no result of the wrong prefix, no freed memory: run the
 *    ASan build, build/asan/), and writers sharing one native CPU number
 *    never refuse each other with -EBUSY.
 *
 * Closing line "maps-kcompat: N passed, M failed"; exit 1 on failure.
 */
#include <pthread.h>

#include "tap.h"
#include "maps_native.h"
#include "kcompat.h"
#include "linux/jhash.h"
#include "altbpf_maps.h"

#define SUITE	"maps_kcompat"

static u64 rng = 0x2545f4914f6cdd1dULL;

static u32 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u32)(rng >> 11);
}

static int mk(u32 type, u32 ks, u32 vs, u32 n, u32 flags)
{
	return abpf_native_map_new(type, ks, vs, n, flags);
}

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		snprintf(why, sizeof(why), "line %d: %s", __LINE__, #cond); \
		goto out;						\
	}								\
} while (0)

/* ---- kcompat.h ---- */

/* The kernel's jhash() tail, one byte at a time, as include/linux/jhash.h. */
static u32 jhash_bytes(const u8 *k, u32 length, u32 initval)
{
	u32 a, b_, c, b;

	a = b_ = c = JHASH_INITVAL + length + initval;
	while (length > 12) {
		a += k[0] | (u32)k[1] << 8 | (u32)k[2] << 16 | (u32)k[3] << 24;
		b_ += k[4] | (u32)k[5] << 8 | (u32)k[6] << 16 | (u32)k[7] << 24;
		c += k[8] | (u32)k[9] << 8 | (u32)k[10] << 16 |
		     (u32)k[11] << 24;
		__jhash_mix(a, b_, c);
		length -= 12;
		k += 12;
	}
	if (!length)
		return c;
	/* the kernel's switch adds the last bytes one by one */
	for (b = 0; b < length; b++) {
		u32 add = (u32)k[b] << (8 * (b % 4));

		if (b < 4)
			a += add;
		else if (b < 8)
			b_ += add;
		else
			c += add;
	}
	__jhash_final(a, b_, c);
	return c;
}

static void test_jhash(void)
{
	static const char four[] = "Four score and seven years ago";
	char why[256] = "";
	bool ok = false;
	u8 buf[64];
	u32 len, i, iv;

	/* lookup3.c's driver5() values for hashlittle() */
	CHECK(jhash("", 0, 0) == 0xdeadbeef);
	CHECK(jhash(four, 30, 0) == 0x17770551);
	CHECK(jhash(four, 30, 1) == 0xcd628161);
	for (i = 0; i < 2000; i++) {
		len = i % 41;
		iv = rnd();
		for (u32 b = 0; b < len; b++)
			buf[b] = (u8)rnd();
		/* unaligned starts too */
		CHECK(jhash(buf + (i & 3), len, iv) ==
		      jhash_bytes(buf + (i & 3), len, iv));
	}
	ok = true;
out:
	tap_report(ok, SUITE, "jhash: lookup3 values, all lengths", "%s", why);
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void test_memcmp(void)
{
	char why[256] = "";
	bool ok = false;
	u8 a[48], b[48];
	u32 n, pos, i;

	for (i = 0; i < 4000; i++) {
		n = i % 40;
		for (u32 k = 0; k < n + 4; k++)
			a[k] = b[k] = (u8)rnd();
		if (n && (i & 1)) {
			pos = rnd() % n;
			b[pos] = (u8)rnd();
		}
		/* (memcmp): libc's, not the macro */
		CHECK(sign(memcmp(a + (i & 3), b + (i & 3), n)) ==
		      sign((memcmp)(a + (i & 3), b + (i & 3), n)));
	}
	ok = true;
out:
	tap_report(ok, SUITE, "memcmp: sign as libc's", "%s", why);
}

/* ---- hash maps against a model ---- */

#define HMAX		64
#define HKEYS		160	/* more keys than room: E2BIG and eviction */

struct hmodel {
	bool present[HKEYS];
	u64 val[HKEYS];
	u32 count;
};

/* Key i of size ks: distinct in every byte position that jhash reads. */
static void hkey(u8 *k, u32 ks, u32 i)
{
	u32 b;

	for (b = 0; b < ks; b++)
		k[b] = (u8)(i * 37 + b * 11 + (b == ks - 1 ? i >> 3 : 0));
	memcpy(k, &i, ks < 4 ? ks : 4);
}

static void test_hash(u32 type, u32 ks, const char *name)
{
	bool lru = type == BPF_MAP_TYPE_LRU_HASH;
	bool pcpu = type == BPF_MAP_TYPE_PERCPU_HASH;
	u64 vbuf[ABPF_NATIVE_NR_CPUS], out[ABPF_NATIVE_NR_CPUS];
	int fd = mk(type, ks, 8, HMAX, 0), r, want;
	static struct hmodel m;
	char why[256] = "";
	u8 key[64], nk[64];
	bool ok = false;
	u32 i = 0, op, k, c, n;

	memset(&m, 0, sizeof(m));
	CHECK(fd >= 0);
	for (i = 0; i < 6000; i++) {
		op = rnd() % 8;
		k = rnd() % HKEYS;
		hkey(key, ks, k);
		for (c = 0; c < ABPF_NATIVE_NR_CPUS; c++)
			vbuf[c] = (u64)i << 8 | c;
		if (op < 4) {			/* update, random flags */
			u64 fl = rnd() % 3;

			r = abpf_native_map_update(fd, key, vbuf, fl);
			if (fl == BPF_NOEXIST && m.present[k])
				want = -EEXIST;
			else if (fl == BPF_EXIST && !m.present[k])
				want = -ENOENT;
			else if (!m.present[k] && m.count == HMAX && !lru)
				want = -E2BIG;
			else
				want = 0;
			CHECK(r == want);
			if (r)
				continue;
			m.count += !m.present[k];
			m.present[k] = true;
			m.val[k] = (u64)i << 8;
			if (lru) {
				/*
				 * A full LRU map evicts one element for the
				 * fresh one, even when it replaces a key (as
				 * the kernel's): never the key just written.
				 */
				u32 gone = 0;

				CHECK(!abpf_native_map_lookup(fd, key, out));
				for (u32 j = 0; j < HKEYS; j++) {
					hkey(nk, ks, j);
					if (m.present[j] &&
					    abpf_native_map_lookup(fd, nk, out)) {
						m.present[j] = false;
						m.count--;
						gone++;
					}
				}
				CHECK(gone <= 1 && m.count <= HMAX);
			}
		} else if (op < 6) {		/* delete */
			r = abpf_native_map_delete(fd, key);
			CHECK(r == (m.present[k] ? 0 : -ENOENT));
			if (!r) {
				m.present[k] = false;
				m.count--;
			}
		} else {			/* lookup, both sides */
			struct abpf_map *map = abpf_native_map_get(fd);
			u64 *p;

			CHECK(map);
			abpf_native_cpu = rnd() % ABPF_NATIVE_NR_CPUS;
			p = map->ops->lookup(map, key);
			map->ops->put(map);
			r = abpf_native_map_lookup(fd, key, out);
			CHECK(r == (m.present[k] ? 0 : -ENOENT));
			CHECK(!p == !m.present[k]);
			if (p) {
				/* this CPU's copy; bpf(2) gets every CPU's */
				CHECK(*p >> 8 == m.val[k] >> 8);
				CHECK(!pcpu || (*p & 255) == abpf_native_cpu);
				for (c = 0; c < (pcpu ? ABPF_NATIVE_NR_CPUS : 1);
				     c++)
					CHECK(out[c] == (m.val[k] | c));
			}
			abpf_native_cpu = 0;
		}
	}
	/* get_next_key: every key once, nothing else */
	n = 0;
	r = abpf_native_map_get_next_key(fd, NULL, nk);
	while (!r && n <= HMAX) {
		memcpy(&k, nk, ks < 4 ? ks : 4);
		if (ks < 4)
			k &= (1U << (8 * ks)) - 1;
		CHECK(k < HKEYS && m.present[k]);
		n++;
		memcpy(key, nk, ks);
		r = abpf_native_map_get_next_key(fd, key, nk);
	}
	CHECK(r == -ENOENT && n == m.count);
	ok = true;
out:
	abpf_native_cpu = 0;
	if (fd >= 0)
		abpf_native_map_close(fd);
	tap_report(ok, SUITE, name, "%s (op %u)", why, i);
}

/* ---- LPM tries against a brute-force model ---- */

#define LMAX		48
#define LPFX		96	/* candidate prefixes */

struct lpfx {
	u32 plen;
	u8 d[16];
	bool present;
	u32 val;
};

static bool pfx_match(const u8 *p, u32 plen, const u8 *d)
{
	u32 b;

	for (b = 0; b < plen; b++)
		if ((p[b / 8] ^ d[b / 8]) & (0x80 >> (b % 8)))
			return false;
	return true;
}

/* Random data biased to share leading bits (deep tries). */
static void lpm_data(u8 *d, u32 ds)
{
	u32 b;

	for (b = 0; b < ds; b++)
		d[b] = b < ds / 2 ? (u8)(0xc0 | (rnd() & 3)) : (u8)rnd();
}

static void test_lpm(u32 ds, const char *name)
{
	static struct lpfx p[LPFX];
	struct { u32 plen; u8 d[16]; } key, nk;
	int fd = mk(BPF_MAP_TYPE_LPM_TRIE, 4 + ds, 4, LMAX,
		    BPF_F_NO_PREALLOC), r, want;
	struct altbpf_map *am = NULL;
	u32 i = 0, j, op, count = 0, v, n, best;
	char why[256] = "";
	bool ok = false;
	u64 mem0 = 0;

	CHECK(fd >= 0);
	am = to_altbpf_map(abpf_native_map_get(fd));
	mem0 = am->mem;
	for (i = 0; i < LPFX; i++) {
		p[i].plen = rnd() % (ds * 8 + 1);
		lpm_data(p[i].d, ds);
		for (j = p[i].plen; j < ds * 8; j++)
			p[i].d[j / 8] &= ~(0x80 >> (j % 8));
		p[i].present = false;
		/* one entry per prefix: drop duplicates */
		for (j = 0; j < i; j++)
			if (p[j].plen == p[i].plen &&
			    !memcmp(p[j].d, p[i].d, ds))
				p[i].plen = ~0U;
	}
	for (i = 0; i < 8000; i++) {
		op = rnd() % 8;
		j = rnd() % LPFX;
		if (op < 5 && p[j].plen != ~0U) {
			u64 fl = rnd() % 3;

			key.plen = p[j].plen;
			memcpy(key.d, p[j].d, ds);
			/* bits past the prefix do not matter */
			if (key.plen < ds * 8)
				key.d[ds - 1] ^= (u8)(rnd() &
					((1U << min(ds * 8 - key.plen, 8U)) - 1));
			v = i;
			r = abpf_native_map_update(fd, &key, &v, fl);
			if (fl == BPF_NOEXIST && p[j].present)
				want = -EEXIST;
			else if (fl == BPF_EXIST && !p[j].present)
				want = -ENOENT;
			else if (!p[j].present && count == LMAX)
				want = -ENOSPC;
			else
				want = 0;
			CHECK(r == want);
			if (!r) {
				count += !p[j].present;
				p[j].present = true;
				p[j].val = i;
			}
		} else if (op < 7 && p[j].plen != ~0U) {
			key.plen = p[j].plen;
			memcpy(key.d, p[j].d, ds);
			r = abpf_native_map_delete(fd, &key);
			CHECK(r == (p[j].present ? 0 : -ENOENT));
			if (!r) {
				p[j].present = false;
				count--;
			}
		} else {
			/* an address near a prefix, or anywhere */
			struct abpf_map *map = &am->map;
			u32 *pv;

			if (p[j].plen != ~0U && (rnd() & 1)) {
				memcpy(key.d, p[j].d, ds);
				key.d[ds - 1] ^= (u8)(rnd() & 7);
			} else {
				lpm_data(key.d, ds);
			}
			key.plen = ds * 8;
			if (!(rnd() % 4))
				key.plen = rnd() % (ds * 8 + 1);
			best = ~0U;
			for (n = 0; n < LPFX; n++)
				if (p[n].present && p[n].plen <= key.plen &&
				    pfx_match(p[n].d, p[n].plen, key.d) &&
				    (best == ~0U || p[n].plen > p[best].plen))
					best = n;
			pv = map->ops->lookup(map, &key);
			r = abpf_native_map_lookup(fd, &key, &v);
			CHECK(!pv == (best == ~0U));
			CHECK(r == (best == ~0U ? -ENOENT : 0));
			if (pv)
				CHECK(*pv == p[best].val && v == p[best].val);
		}
	}
	/* get_next_key: every entry once, more specific before less */
	n = 0;
	r = abpf_native_map_get_next_key(fd, NULL, &nk);
	while (!r && n <= LMAX) {
		for (j = 0; j < LPFX; j++)
			if (p[j].present && p[j].plen == nk.plen &&
			    !memcmp(p[j].d, nk.d, ds))
				break;
		CHECK(j < LPFX);
		n++;
		key = nk;
		r = abpf_native_map_get_next_key(fd, &key, &nk);
		/* never a prefix before one it covers */
		CHECK(r || key.plen >= nk.plen ||
		      !pfx_match(key.d, key.plen, nk.d));
	}
	CHECK(r == -ENOENT && n == count);
	/* empty it: every node charge comes back */
	for (j = 0; j < LPFX; j++)
		if (p[j].present) {
			key.plen = p[j].plen;
			memcpy(key.d, p[j].d, ds);
			CHECK(abpf_native_map_delete(fd, &key) == 0);
		}
	CHECK(am->mem == mem0);
	CHECK(abpf_native_map_get_next_key(fd, NULL, &nk) == -ENOENT);
	ok = true;
out:
	if (am)
		am->map.ops->put(&am->map);
	if (fd >= 0)
		abpf_native_map_close(fd);
	tap_report(ok, SUITE, name, "%s (op %u)", why, i);
}

/* ---- concurrency ---- */

#define CROUNDS		20000
#define CPFX		16

struct cshared {
	struct abpf_map *lpm, *hash;
	int lpm_fd, hash_fd;
	int stop;
	int bad;
	int busy;
	u64 hits;			/* lookups that found something */
};

struct ckey {
	u32 plen;
	u8 d[4];
};

/* Prefix i: 10.i.0.0/16 (i even) or 10.i.j.0/24, value = i << 16 | gen. */
static void cpfx(u32 i, struct ckey *k)
{
	k->plen = i & 1 ? 24 : 16;
	k->d[0] = 10;
	k->d[1] = (u8)(i / 2);
	k->d[2] = i & 1 ? 7 : 0;
	k->d[3] = 0;
}

static void *reader(void *arg)
{
	struct cshared *s = arg;
	struct ckey k;
	u32 i = 0, *v, after = 0;
	u64 *hv;

	/*
	 * Until the writers are done, then one more sweep over every prefix:
	 * on a loaded host the writers may finish before a reader ran at all,
	 * and the hit count below must not depend on scheduling.
	 */
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE) ||
	       after++ < 4 * CPFX) {
		i++;
		k.plen = 32;
		k.d[0] = 10;
		k.d[1] = (u8)(i % (CPFX / 2));
		k.d[2] = (i & 2) ? 7 : 1;
		k.d[3] = (u8)i;
		v = s->lpm->ops->lookup(s->lpm, &k);
		if (v) {
			__atomic_add_fetch(&s->hits, 1, __ATOMIC_RELAXED);
			/* the value of a prefix of this address */
			u32 id = READ_ONCE(*v) >> 16;

			if (id >= CPFX || id / 2 != k.d[1] ||
			    ((id & 1) && k.d[2] != 7))
				__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
		}
		k.plen = i % 32;
		hv = s->hash->ops->lookup(s->hash, &k.plen);
		/* recycled elements may hold another key's value: any key */
		if (hv && (READ_ONCE(*hv) >> 32) >= 32)
			__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

struct cwriter {
	struct cshared *s;
	u32 first, step;
};

static void *writer(void *arg)
{
	struct cwriter *w = arg;
	struct cshared *s = w->s;
	struct ckey k;
	u32 r, i, v;
	u64 hv;
	long e;

	/* every writer on native CPU 0: they must not refuse each other */
	abpf_native_cpu = 0;
	for (r = 0; r < CROUNDS; r++) {
		i = w->first + (r % (CPFX / w->step)) * w->step;
		cpfx(i, &k);
		v = i << 16 | (r & 0xffff);
		if (r % 3 == 2) {
			e = s->lpm->ops->delete(s->lpm, &k);
			if (e && e != -ENOENT)
				__atomic_add_fetch(&s->busy, 1, __ATOMIC_RELAXED);
		} else {
			e = s->lpm->ops->update(s->lpm, &k, &v, BPF_ANY);
			if (e)
				__atomic_add_fetch(&s->busy, 1, __ATOMIC_RELAXED);
		}
		k.plen = (i * 2 + (r & 1)) % 32;
		hv = (u64)k.plen << 32 | r;
		if (r % 5 == 4) {
			e = s->hash->ops->delete(s->hash, &k.plen);
			if (e && e != -ENOENT)
				__atomic_add_fetch(&s->busy, 1, __ATOMIC_RELAXED);
		} else {
			e = s->hash->ops->update(s->hash, &k.plen, &hv, BPF_ANY);
			if (e)
				__atomic_add_fetch(&s->busy, 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static void test_concurrency(void)
{
	struct cshared s;
	struct cwriter w[2];
	pthread_t rt[2], wt[2];
	char why[256] = "";
	bool ok = false;
	int t;

	memset(&s, 0, sizeof(s));
	s.lpm_fd = mk(BPF_MAP_TYPE_LPM_TRIE, 8, 4, CPFX, BPF_F_NO_PREALLOC);
	s.hash_fd = mk(BPF_MAP_TYPE_HASH, 4, 8, 32, 0);
	CHECK(s.lpm_fd >= 0 && s.hash_fd >= 0);
	s.lpm = abpf_native_map_get(s.lpm_fd);
	s.hash = abpf_native_map_get(s.hash_fd);
	for (t = 0; t < 2; t++)
		pthread_create(&rt[t], NULL, reader, &s);
	for (t = 0; t < 2; t++) {
		w[t].s = &s;
		w[t].first = t;
		w[t].step = 2;
		pthread_create(&wt[t], NULL, writer, &w[t]);
	}
	for (t = 0; t < 2; t++)
		pthread_join(wt[t], NULL);
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
	for (t = 0; t < 2; t++)
		pthread_join(rt[t], NULL);
	CHECK(!s.bad);
	CHECK(!s.busy);
	CHECK(s.hits);
	ok = true;
out:
	if (s.lpm)
		s.lpm->ops->put(s.lpm);
	if (s.hash)
		s.hash->ops->put(s.hash);
	if (s.lpm_fd >= 0)
		abpf_native_map_close(s.lpm_fd);
	if (s.hash_fd >= 0)
		abpf_native_map_close(s.hash_fd);
	tap_report(ok, SUITE,
		   "2 readers, 2 writers on one native CPU: LPM and hash",
		   "%s: %d wrong results, %d refused writes, %llu hits", why,
		   s.bad, s.busy, (unsigned long long)s.hits);
}

int main(void)
{
	test_jhash();
	test_memcmp();
	test_hash(BPF_MAP_TYPE_HASH, 4, "hash, 4-byte keys");
	test_hash(BPF_MAP_TYPE_HASH, 3, "hash, 3-byte keys");
	test_hash(BPF_MAP_TYPE_HASH, 13, "hash, 13-byte keys");
	test_hash(BPF_MAP_TYPE_HASH, 16, "hash, 16-byte keys");
	test_hash(BPF_MAP_TYPE_HASH, 24, "hash, 24-byte keys");
	test_hash(BPF_MAP_TYPE_PERCPU_HASH, 8, "per-CPU hash, 8-byte keys");
	test_hash(BPF_MAP_TYPE_LRU_HASH, 12, "LRU hash, 12-byte keys");
	test_lpm(1, "LPM, 1-byte data");
	test_lpm(4, "LPM, 4-byte data (IPv4)");
	test_lpm(5, "LPM, 5-byte data");
	test_lpm(16, "LPM, 16-byte data (IPv6)");
	test_concurrency();
	if (abpf_native_maps_live())
		tap_report(false, SUITE, "leak check", "%d maps alive",
			   abpf_native_maps_live());
	return tap_finish("maps-kcompat");
}
