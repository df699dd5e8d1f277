// SPDX-License-Identifier: GPL-2.0
/*
 * lpm_trie.c - BPF_MAP_TYPE_LPM_TRIE (longest prefix match).
 *
 * Key: struct bpf_lpm_trie_key (u32 prefixlen, then key_size - 4 data
 * bytes, most significant bit first).  BPF_F_NO_PREALLOC is required, as
 * in the kernel.  Simpler than the kernel's path-compressed trie: entries
 * live on one RCU list sorted by prefixlen (longest first), so a lookup is
 * a linear scan that stops at the first match - O(entries), fine for the
 * table sizes this engine targets (documented in docs/maps.md).  Entries
 * are allocated on update (GFP_ATOMIC, charged, at most max_entries:
 * -ENOSPC beyond) and freed with kfree_rcu().  Bits past prefixlen are
 * ignored (stored as zero).  get_next_key walks the list order.
 */
#include <linux/slab.h>
#include <linux/rculist.h>
#include <linux/percpu.h>

#include "altbpf_maps.h"

struct lpm_node {
	struct list_head list;
	struct rcu_head rcu;
	u32 plen;
	u8 data[] __aligned(8);		/* data_size, then the value */
};

struct lpm {
	struct list_head head;
	raw_spinlock_t lock;
	int __percpu *busy;
	u32 count, data_size, value_off, node_size;
};

static bool prefix_match(const u8 *a, const u8 *b, u32 plen)
{
	u32 full = plen / 8, rest = plen % 8;

	if (memcmp(a, b, full))
		return false;
	return !rest || !((a[full] ^ b[full]) & (u8)(0xff00 >> rest));
}

static void canon(u8 *data, u32 dsize, u32 plen)
{
	u32 b;

	for (b = plen; b < dsize * 8; b++)
		data[b / 8] &= (u8)~(0x80 >> (b % 8));
}

static struct lpm_node *lpm_find(struct lpm *t, const void *key)
{
	const struct bpf_lpm_trie_key *k = key;
	struct lpm_node *n;

	list_for_each_entry_rcu(n, &t->head, list, true)
		if (n->plen <= k->prefixlen && prefix_match(n->data, k->data, n->plen))
			return n;
	return NULL;
}

static void *lpm_lookup(struct abpf_map *map, const void *key)
{
	struct lpm *t = to_altbpf_map(map)->priv;
	struct lpm_node *n = lpm_find(t, key);

	return n ? n->data + t->value_off : NULL;
}

/* Under t->lock: the entry with exactly this prefix. */
static struct lpm_node *lpm_exact(struct lpm *t, u32 plen, const u8 *data)
{
	struct lpm_node *n;

	list_for_each_entry(n, &t->head, list)
		if (n->plen == plen && prefix_match(n->data, data, plen))
			return n;
	return NULL;
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
	if (in_nmi())
		return raw_spin_trylock_irqsave(&t->lock, *irqf);
	raw_spin_lock_irqsave(&t->lock, *irqf);
	return true;
}

static long lpm_update(struct abpf_map *map, const void *key,
		       const void *value, u64 flags)
{
	struct altbpf_map *m = to_altbpf_map(map);
	struct lpm *t = m->priv;
	const struct bpf_lpm_trie_key *k = key;
	struct lpm_node *n, *old, *pos;
	unsigned long irqf;
	long ret = 0;

	if (flags > BPF_EXIST)
		return -EINVAL;
	if (k->prefixlen > t->data_size * 8)
		return -EINVAL;
	n = kmalloc(t->node_size, GFP_ATOMIC | __GFP_NOWARN | __GFP_ACCOUNT);
	if (!n)
		return -ENOMEM;
	n->plen = k->prefixlen;
	memcpy(n->data, k->data, t->data_size);
	canon(n->data, t->data_size, n->plen);
	memcpy(n->data + t->value_off, value, map->value_size);

	if (!guard_enter(t)) {
		kfree(n);
		return -EBUSY;
	}
	if (!lpm_lock(t, &irqf)) {
		guard_exit(t);
		kfree(n);
		return -EBUSY;
	}
	old = lpm_exact(t, n->plen, n->data);
	if (old && flags == BPF_NOEXIST) {
		ret = -EEXIST;
	} else if (!old && flags == BPF_EXIST) {
		ret = -ENOENT;
	} else if (old) {
		list_replace_rcu(&old->list, &n->list);
		kfree_rcu(old, rcu);
		n = NULL;
	} else if (t->count >= map->max_entries) {
		ret = -ENOSPC;
	} else if (altbpf_map_charge(m, t->node_size)) {
		ret = -ENOMEM;
	} else {
		/* keep the list sorted, longest prefix first */
		list_for_each_entry(pos, &t->head, list)
			if (pos->plen < n->plen)
				break;
		list_add_tail_rcu(&n->list, &pos->list);
		t->count++;
		n = NULL;
	}
	raw_spin_unlock_irqrestore(&t->lock, irqf);
	guard_exit(t);
	kfree(n);
	return ret;
}

static long lpm_delete(struct abpf_map *map, const void *key)
{
	struct altbpf_map *m = to_altbpf_map(map);
	struct lpm *t = m->priv;
	const struct bpf_lpm_trie_key *k = key;
	u8 data[256];
	struct lpm_node *n;
	unsigned long irqf;

	if (k->prefixlen > t->data_size * 8)
		return -EINVAL;
	memcpy(data, k->data, t->data_size);
	canon(data, t->data_size, k->prefixlen);
	if (!guard_enter(t))
		return -EBUSY;
	if (!lpm_lock(t, &irqf)) {
		guard_exit(t);
		return -EBUSY;
	}
	n = lpm_exact(t, k->prefixlen, data);
	if (n) {
		list_del_rcu(&n->list);
		t->count--;
		altbpf_map_uncharge(m, t->node_size);
	}
	raw_spin_unlock_irqrestore(&t->lock, irqf);
	guard_exit(t);
	if (!n)
		return -ENOENT;
	kfree_rcu(n, rcu);
	return 0;
}

static const struct abpf_map_ops lpm_ops = {
	.lookup = lpm_lookup,
	.update = lpm_update,
	.delete = lpm_delete,
	.bind_prog = altbpf_map_bind_prog,
	.put = altbpf_map_core_put,
};

static void lpm_free(struct altbpf_map *m)
{
	struct lpm *t = m->priv;
	struct lpm_node *n, *tmp;

	if (!t)
		return;
	list_for_each_entry_safe(n, tmp, &t->head, list)
		kfree(n);
	free_percpu(t->busy);
	kfree(t);
	m->priv = NULL;
}

static int lpm_alloc(struct altbpf_map *m, const union bpf_attr *attr)
{
	struct lpm *t;

	if (attr->key_size < 5 || attr->key_size > 4 + 256 ||
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
	INIT_LIST_HEAD(&t->head);
	raw_spin_lock_init(&t->lock);
	t->data_size = attr->key_size - 4;
	t->value_off = round_up(t->data_size, 8);
	t->node_size = sizeof(struct lpm_node) + t->value_off +
		       round_up(attr->value_size, 8);
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

static int lpm_get_next_key(struct altbpf_map *m, const void *key,
			    void *next_key)
{
	struct lpm *t = m->priv;
	struct bpf_lpm_trie_key *out = next_key;
	struct lpm_node *n = NULL, *cur = NULL;
	unsigned long irqf;
	u8 data[256];

	raw_spin_lock_irqsave(&t->lock, irqf);
	if (key) {
		const struct bpf_lpm_trie_key *k = key;

		if (k->prefixlen <= t->data_size * 8) {
			memcpy(data, k->data, t->data_size);
			canon(data, t->data_size, k->prefixlen);
			cur = lpm_exact(t, k->prefixlen, data);
		}
	}
	if (cur) {
		if (!list_is_last(&cur->list, &t->head))
			n = list_next_entry(cur, list);
	} else if (!list_empty(&t->head)) {
		n = list_first_entry(&t->head, struct lpm_node, list);
	}
	if (n) {
		out->prefixlen = n->plen;
		memcpy(out->data, n->data, t->data_size);
	}
	raw_spin_unlock_irqrestore(&t->lock, irqf);
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
