// SPDX-License-Identifier: GPL-2.0
/*
 * lpm_trie.c - BPF_MAP_TYPE_LPM_TRIE (longest prefix match).
 *
 * Key: struct bpf_lpm_trie_key (u32 prefixlen, then key_size - 4 data
 * bytes, most significant bit first).  BPF_F_NO_PREALLOC is required, as
 * in the kernel.  The same path-compressed binary trie as the kernel's
 * kernel/bpf/lpm_trie.c (same update, delete and get_next_key order:
 * post-order, more specific prefixes first), with two differences that
 * make lookups cheaper:
 *  - a node keeps its prefix as host-order u64 words, most significant
 *    bit first, bits past prefixlen zero; a lookup converts the key once,
 *    then matches a node with one XOR and shift per 64 bits;
 *  - lookups take no lock and make no lockdep calls: programs run under
 *    rcu_read_lock() (altbpf_maps.h); writers publish nodes with
 *    rcu_assign_pointer() and free them with kfree_rcu().
 * Writers serialise on one raw spinlock; in NMI-like context (kprobes)
 * they only trylock, and a per-CPU busy count turns re-entry on the same
 * CPU into -EBUSY.  Nodes are allocated before the lock (GFP_ATOMIC,
 * charged; at most max_entries entries: -ENOSPC beyond).  Intermediate
 * nodes (no value, never a lookup result) have exactly two children.
 */
#include <linux/slab.h>
#include <linux/rcupdate.h>
#include <linux/percpu.h>
#include <asm/unaligned.h>

#include "altbpf_maps.h"

#define LPM_MAX_DATA	256
#define LPM_MAX_WORDS	(LPM_MAX_DATA / 8)

#define LPM_IM		0x1	/* intermediate: not an entry */
#define LPM_VALUE	0x2	/* allocated with a value area */

struct lpm_node {
	struct lpm_node __rcu *child[2];
	u32 plen;
	u32 flags;
	u64 mask;		/* the prefix's bits in w[0] */
	struct rcu_head rcu;
	u64 w[];		/* nw prefix words, then the value */
};

struct lpm {
	struct lpm_node __rcu *root;
	raw_spinlock_t lock;
	int __percpu *busy;
	u32 count;		/* entries (intermediate nodes not counted) */
	u32 data_size, max_plen, nw;
	u32 node_size, im_size;
};

/*
 * Readers hold rcu_read_lock() (or run in NMI, where it is implied);
 * writers hold t->lock.  No lockdep query per node on the lookup path.
 */
#define lpm_deref(p)	rcu_dereference_check(p, 1)
#define lpm_locked(p)	rcu_dereference_protected(p, 1)

static void *lpm_value(const struct lpm *t, struct lpm_node *n)
{
	return n->w + t->nw;
}

/* 1 to 8 key bytes as a word, most significant first, zero padded. */
static __always_inline u64 lpm_word(const u8 *d, u32 size)
{
	u64 w = 0;
	u32 b;

	if (size == 8)
		return get_unaligned_be64(d);
	if (size == 4)			/* IPv4 */
		return (u64)get_unaligned_be32(d) << 32;
	for (b = 0; b < size; b++)
		w |= (u64)d[b] << (56 - 8 * b);
	return w;
}

/* Key bytes to words. */
static void lpm_load(u64 *w, const u8 *d, u32 size)
{
	u32 i;

	for (i = 0; size > 8; i++, d += 8, size -= 8)
		w[i] = get_unaligned_be64(d);
	w[i] = lpm_word(d, size);
}

/* Words back to key bytes. */
static void lpm_store(u8 *d, const u64 *w, u32 size)
{
	u32 b;

	for (b = 0; b < size; b++)
		d[b] = w[b / 8] >> (56 - 8 * (b % 8));
}

static u32 lpm_bit(const u64 *w, u32 bit)
{
	return (w[bit / 64] >> (63 - bit % 64)) & 1;
}

/* Do the first plen bits of a and b agree? */
static bool lpm_match(const u64 *a, const u64 *b, u32 plen)
{
	u32 i;

	for (i = 0; plen >= 64; i++, plen -= 64)
		if (a[i] != b[i])
			return false;
	return !plen || !((a[i] ^ b[i]) >> (64 - plen));
}

/* How many leading bits of a and b agree, at most limit. */
static u32 lpm_common(const u64 *a, const u64 *b, u32 limit)
{
	u32 i, n;

	for (i = 0; i * 64 < limit; i++) {
		if (a[i] != b[i]) {
			n = i * 64 + 63 - __fls(a[i] ^ b[i]);
			return min(n, limit);
		}
	}
	return limit;
}

/* Keys of up to 8 bytes (IPv4, MAC...): the key stays in a register. */
static __always_inline struct lpm_node *lpm_lookup1(const struct lpm *t,
						     u64 x, u32 kplen)
{
	struct lpm_node *n, *found = NULL;
	u32 plen;

	for (n = lpm_deref(t->root); n; ) {
		plen = n->plen;
		if (plen > kplen || ((x ^ n->w[0]) & n->mask))
			break;
		if (!(READ_ONCE(n->flags) & LPM_IM))
			found = n;
		if (plen == t->max_plen)
			break;
		n = lpm_deref(n->child[(x >> (63 - plen)) & 1]);
	}
	return found;
}

static void *lpm_lookup(struct abpf_map *map, const void *key)
{
	struct lpm *t = to_altbpf_map(map)->priv;
	const struct bpf_lpm_trie_key *k = key;
	u64 kw[LPM_MAX_WORDS] __uninitialized;	/* only nw are used */
	struct lpm_node *n, *found = NULL;
	u32 kplen = k->prefixlen, plen;

	if (kplen > t->max_plen)
		return NULL;
	if (t->nw == 1) {
		found = lpm_lookup1(t, lpm_word(k->data, t->data_size), kplen);
		return found ? lpm_value(t, found) : NULL;
	}
	lpm_load(kw, k->data, t->data_size);
	for (n = lpm_deref(t->root); n; ) {
		plen = n->plen;
		if (plen > kplen || !lpm_match(kw, n->w, plen))
			break;
		if (!(READ_ONCE(n->flags) & LPM_IM))
			found = n;
		if (plen == t->max_plen)
			break;
		n = lpm_deref(n->child[lpm_bit(kw, plen)]);
	}
	return found ? lpm_value(t, found) : NULL;
}

static bool guard_enter(struct lpm *t)
{
	preempt_disable();
	if (this_cpu_inc_return(*t->busy) != 1) {
		this_cpu_dec(*t->busy);
		preempt_enable();
		return false;
	}
	return true;
}

static void guard_exit(struct lpm *t)
{
	this_cpu_dec(*t->busy);
	preempt_enable();
}

/*
 * Programs also run in kprobes, which are NMI-like context (int3): never
 * spin there on a lock the interrupted code may hold, fail with -EBUSY
 * (the kernel's ring buffer does the same).
 */
static bool lpm_lock(struct lpm *t, unsigned long *irqf)
{
	if (!guard_enter(t))
		return false;
	if (in_nmi()) {
		if (raw_spin_trylock_irqsave(&t->lock, *irqf))
			return true;
		guard_exit(t);
		return false;
	}
	raw_spin_lock_irqsave(&t->lock, *irqf);
	return true;
}

static void lpm_unlock(struct lpm *t, unsigned long irqf)
{
	raw_spin_unlock_irqrestore(&t->lock, irqf);
	guard_exit(t);
}

static u32 lpm_size(const struct lpm *t, const struct lpm_node *n)
{
	return n->flags & LPM_VALUE ? t->node_size : t->im_size;
}

/* Under t->lock: unpublished already, freed after the readers. */
static void lpm_drop(struct altbpf_map *m, struct lpm_node *n)
{
	altbpf_map_uncharge(m, lpm_size(m->priv, n));
	kfree_rcu(n, rcu);
}

/* Where a key's walk stops: its slot, the node there, bits in common. */
struct lpm_pos {
	struct lpm_node __rcu **slot, **pslot;
	struct lpm_node *node, *parent;
	u32 match;
};

/*
 * Under t->lock: walk towards (w, plen) while nodes are proper prefixes
 * of it; stop at the first node that is not, or has plen bits, or is a
 * full-length leaf.
 */
static void lpm_walk(struct lpm *t, const u64 *w, u32 plen,
		     struct lpm_pos *p)
{
	struct lpm_node *n;

	p->slot = &t->root;
	p->pslot = p->slot;
	p->parent = NULL;
	p->match = 0;
	while ((n = lpm_locked(*p->slot))) {
		p->match = lpm_common(w, n->w, min(n->plen, plen));
		if (n->plen != p->match || n->plen == plen ||
		    n->plen == t->max_plen)
			break;
		p->parent = n;
		p->pslot = p->slot;
		p->slot = &n->child[lpm_bit(w, n->plen)];
	}
	p->node = n;
}

static void lpm_set_plen(struct lpm_node *n, u32 plen)
{
	n->plen = plen;
	n->mask = plen ? ~0ULL << (64 - min(plen, 64U)) : 0;
}

static struct lpm_node *lpm_node_new(struct altbpf_map *m, bool value)
{
	struct lpm *t = m->priv;
	u32 size = value ? t->node_size : t->im_size;
	struct lpm_node *n;

	n = kmalloc(size, GFP_ATOMIC | __GFP_NOWARN | __GFP_ACCOUNT);
	if (!n)
		return NULL;
	RCU_INIT_POINTER(n->child[0], NULL);
	RCU_INIT_POINTER(n->child[1], NULL);
	n->flags = value ? LPM_VALUE : LPM_IM;
	return n;
}

/* Under t->lock: room for one more entry? */
static long lpm_add_ok(struct altbpf_map *m, u64 flags)
{
	struct lpm *t = m->priv;

	if (flags == BPF_EXIST)
		return -ENOENT;
	if (t->count >= m->map.max_entries)
		return -ENOSPC;
	return 0;
}

/* Under t->lock: link n (charged) where the walk p stopped. */
static long lpm_insert(struct altbpf_map *m, struct lpm_node *n,
		       struct lpm_node **im, u64 flags, struct lpm_pos *p)
{
	struct lpm *t = m->priv;
	struct lpm_node *node = p->node, *mid;
	long ret;

	if (node && node->plen == p->match && node->plen == n->plen) {
		/* same prefix: replace the entry or fill an intermediate */
		if (!(node->flags & LPM_IM)) {
			if (flags == BPF_NOEXIST)
				return -EEXIST;
		} else {
			ret = lpm_add_ok(m, flags);
			if (ret)
				return ret;
			t->count++;
		}
		RCU_INIT_POINTER(n->child[0], lpm_locked(node->child[0]));
		RCU_INIT_POINTER(n->child[1], lpm_locked(node->child[1]));
		rcu_assign_pointer(*p->slot, n);
		lpm_drop(m, node);
		return 0;
	}
	ret = lpm_add_ok(m, flags);
	if (ret)
		return ret;
	if (!node) {
		rcu_assign_pointer(*p->slot, n);
	} else if (p->match == n->plen) {
		/* n is a prefix of node: insert it above */
		RCU_INIT_POINTER(n->child[lpm_bit(node->w, n->plen)], node);
		rcu_assign_pointer(*p->slot, n);
	} else {
		/* they part at bit p->match: a new intermediate parent */
		if (altbpf_map_charge(m, t->im_size))
			return -ENOMEM;
		mid = *im;
		*im = NULL;
		lpm_set_plen(mid, p->match);
		/* bits past plen are never compared */
		memcpy(mid->w, n->w, t->nw * sizeof(u64));
		RCU_INIT_POINTER(mid->child[lpm_bit(n->w, p->match)], n);
		RCU_INIT_POINTER(mid->child[!lpm_bit(n->w, p->match)], node);
		rcu_assign_pointer(*p->slot, mid);
	}
	t->count++;
	return 0;
}

/* Canonical words of a key: bits past plen cleared. */
static void lpm_key_words(const struct lpm *t, u64 *w,
			  const struct bpf_lpm_trie_key *k)
{
	u32 plen = k->prefixlen, i;

	lpm_load(w, k->data, t->data_size);
	for (i = plen / 64; i < t->nw; i++) {
		if (i == plen / 64 && plen % 64)
			w[i] &= ~0ULL << (64 - plen % 64);
		else
			w[i] = 0;
	}
}

static long lpm_update(struct abpf_map *map, const void *key,
		       const void *value, u64 flags)
{
	struct altbpf_map *m = to_altbpf_map(map);
	struct lpm *t = m->priv;
	const struct bpf_lpm_trie_key *k = key;
	struct lpm_node *n, *im;
	struct lpm_pos p;
	unsigned long irqf;
	long ret;

	if (flags > BPF_EXIST)
		return -EINVAL;
	if (k->prefixlen > t->max_plen)
		return -EINVAL;
	/* allocated up front: no allocation under a raw spinlock */
	n = lpm_node_new(m, true);
	im = lpm_node_new(m, false);
	if (!n || !im) {
		ret = -ENOMEM;
		goto out;
	}
	lpm_set_plen(n, k->prefixlen);
	lpm_key_words(t, n->w, k);
	memcpy(lpm_value(t, n), value, map->value_size);

	if (!lpm_lock(t, &irqf)) {
		ret = -EBUSY;
		goto out;
	}
	if (altbpf_map_charge(m, t->node_size)) {
		ret = -ENOMEM;
	} else {
		lpm_walk(t, n->w, n->plen, &p);
		ret = lpm_insert(m, n, &im, flags, &p);
		if (ret)
			altbpf_map_uncharge(m, t->node_size);
		else
			n = NULL;
	}
	lpm_unlock(t, irqf);
out:
	kfree(n);
	kfree(im);
	return ret;
}

static long lpm_delete(struct abpf_map *map, const void *key)
{
	struct altbpf_map *m = to_altbpf_map(map);
	struct lpm *t = m->priv;
	const struct bpf_lpm_trie_key *k = key;
	u64 w[LPM_MAX_WORDS];
	struct lpm_node *n, *c0, *c1, *other;
	struct lpm_pos p;
	unsigned long irqf;
	long ret = 0;

	if (k->prefixlen > t->max_plen)
		return -EINVAL;
	lpm_key_words(t, w, k);
	if (!lpm_lock(t, &irqf))
		return -EBUSY;
	lpm_walk(t, w, k->prefixlen, &p);
	n = p.node;
	if (!n || n->plen != k->prefixlen || n->plen != p.match ||
	    (n->flags & LPM_IM)) {
		ret = -ENOENT;
		goto unlock;
	}
	t->count--;
	c0 = lpm_locked(n->child[0]);
	c1 = lpm_locked(n->child[1]);
	if (c0 && c1) {
		/* still needed to join its children */
		WRITE_ONCE(n->flags, n->flags | LPM_IM);
	} else if (!c0 && !c1 && p.parent && (p.parent->flags & LPM_IM)) {
		/* the intermediate parent goes too: its other child moves up */
		other = lpm_locked(p.parent->child[0]);
		if (other == n)
			other = lpm_locked(p.parent->child[1]);
		rcu_assign_pointer(*p.pslot, other);
		lpm_drop(m, p.parent);
		lpm_drop(m, n);
	} else {
		rcu_assign_pointer(*p.slot, c0 ? c0 : c1);
		lpm_drop(m, n);
	}
unlock:
	lpm_unlock(t, irqf);
	return ret;
}

static const struct abpf_map_ops lpm_ops = {
	.lookup = lpm_lookup,
	.update = lpm_update,
	.delete = lpm_delete,
	.bind_prog = altbpf_map_bind_prog,
	.put = altbpf_map_core_put,
};

/* After a grace period, no user left: free leaves until none is left. */
static void lpm_free(struct altbpf_map *m)
{
	struct lpm *t = m->priv;
	struct lpm_node __rcu **slot;
	struct lpm_node *n;

	if (!t)
		return;
	for (;;) {
		slot = &t->root;
		while ((n = lpm_locked(*slot))) {
			if (lpm_locked(n->child[0]))
				slot = &n->child[0];
			else if (lpm_locked(n->child[1]))
				slot = &n->child[1];
			else
				break;
		}
		if (!n)
			break;
		RCU_INIT_POINTER(*slot, NULL);
		kfree(n);
	}
	free_percpu(t->busy);
	kfree(t);
	m->priv = NULL;
}

static int lpm_alloc(struct altbpf_map *m, const union bpf_attr *attr)
{
	struct lpm *t;

	if (attr->key_size < 5 || attr->key_size > 4 + LPM_MAX_DATA ||
	    !attr->value_size || !attr->max_entries ||
	    !(attr->map_flags & BPF_F_NO_PREALLOC))
		return -EINVAL;
	t = kzalloc(sizeof(*t), ALTBPF_MAP_GFP);
	if (!t)
		return -ENOMEM;
	t->busy = alloc_percpu_gfp(int, ALTBPF_MAP_GFP);
	if (!t->busy) {
		kfree(t);
		return -ENOMEM;
	}
	raw_spin_lock_init(&t->lock);
	t->data_size = attr->key_size - 4;
	t->max_plen = t->data_size * 8;
	t->nw = DIV_ROUND_UP(t->data_size, 8);
	t->im_size = sizeof(struct lpm_node) + t->nw * sizeof(u64);
	t->node_size = t->im_size + round_up(attr->value_size, 8);
	m->priv = t;
	m->map.ops = &lpm_ops;
	return 0;
}

static int lpm_sys_lookup(struct altbpf_map *m, const void *key, void *value)
{
	void *v;
	int ret = -ENOENT;

	rcu_read_lock();
	v = lpm_lookup(&m->map, key);
	if (v) {
		memcpy(value, v, m->map.value_size);
		ret = 0;
	}
	rcu_read_unlock();
	return ret;
}

static int lpm_sys_update(struct altbpf_map *m, const void *key,
			  const void *value, u64 flags)
{
	return lpm_update(&m->map, key, value, flags);
}

static int lpm_sys_delete(struct altbpf_map *m, const void *key)
{
	return lpm_delete(&m->map, key);
}

/* The leftmost entry under n in post-order (n's subtree is not empty). */
static struct lpm_node *lpm_first(struct lpm_node *n)
{
	struct lpm_node *found = NULL, *c;

	while (n) {
		if (!(READ_ONCE(n->flags) & LPM_IM))
			found = n;
		c = rcu_dereference(n->child[0]);
		if (!c && found == n)
			c = rcu_dereference(n->child[1]);
		n = c;
	}
	return found;
}

/*
 * Post-order, as the kernel: more specific prefixes before less specific
 * ones.  A key not in the map (or NULL) gives the first entry.
 */
static struct lpm_node *lpm_next(struct lpm *t, const u64 *w,
				 const struct bpf_lpm_trie_key *k,
				 struct lpm_node **path)
{
	struct lpm_node *n, *parent, *c;
	int depth = -1;
	u32 match = 0;

	n = rcu_dereference(t->root);
	if (!n)
		return NULL;
	if (!k)
		return lpm_first(n);
	while (n) {
		path[++depth] = n;
		match = lpm_common(w, n->w, min(n->plen, k->prefixlen));
		if (n->plen != match || n->plen == k->prefixlen)
			break;
		n = rcu_dereference(n->child[lpm_bit(w, n->plen)]);
	}
	if (!n || n->plen != match || n->plen != k->prefixlen ||
	    (READ_ONCE(n->flags) & LPM_IM))
		return lpm_first(path[0]);
	for (; depth > 0; depth--, n = parent) {
		parent = path[depth - 1];
		if (rcu_dereference(parent->child[0]) == n) {
			c = rcu_dereference(parent->child[1]);
			if (c)
				return lpm_first(c);
		}
		if (!(READ_ONCE(parent->flags) & LPM_IM))
			return parent;
	}
	return NULL;
}

static int lpm_get_next_key(struct altbpf_map *m, const void *key,
			    void *next_key)
{
	const struct bpf_lpm_trie_key *k = key;
	struct bpf_lpm_trie_key *out = next_key;
	struct lpm *t = m->priv;
	struct lpm_node **path, *n;
	u64 w[LPM_MAX_WORDS];

	if (k && k->prefixlen > t->max_plen)
		k = NULL;
	path = kmalloc_array(t->max_plen + 1, sizeof(*path), GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	if (k)
		lpm_key_words(t, w, k);
	rcu_read_lock();
	n = lpm_next(t, w, k, path);
	if (n) {
		out->prefixlen = n->plen;
		lpm_store(out->data, n->w, t->data_size);
	}
	rcu_read_unlock();
	kfree(path);
	return n ? 0 : -ENOENT;
}

const struct altbpf_map_kops altbpf_lpm_kops = {
	.alloc = lpm_alloc,
	.free = lpm_free,
	.sys_lookup = lpm_sys_lookup,
	.sys_update = lpm_sys_update,
	.sys_delete = lpm_sys_delete,
	.get_next_key = lpm_get_next_key,
};
