// SPDX-License-Identifier: GPL-2.0
/*
 * hash.c - BPF_MAP_TYPE_HASH, _PERCPU_HASH and _LRU_HASH.
 *
 * All max_entries elements are preallocated at creation (like the kernel's
 * default), so updates from programs never allocate.  Buckets are
 * hlist_nulls lists read locklessly under RCU; elements are recycled
 * immediately (SLAB_TYPESAFE_BY_RCU style: a reader that strays into
 * another bucket sees the wrong nulls value and restarts).  Writers take
 * one raw spinlock per map (irqsave), behind a per-CPU re-entrancy guard
 * (-EBUSY instead of a deadlock when a program re-enters the map on the
 * same CPU from irq/NMI-like context).
 *
 * Replacing a value installs a fresh element and retires the old one,
 * so readers see whole values (per-CPU maps update in place, like the
 * kernel).  LRU maps evict, when full, the least recently used element
 * (second chance: a lookup sets a reference bit).
 */
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/jhash.h>
#include <linux/rculist.h>
#include <linux/list_nulls.h>
#include <linux/rculist_nulls.h>
#include <linux/random.h>
#include <linux/vmalloc.h>
#include <linux/log2.h>

#include "altbpf_maps.h"

struct helem {
	struct hlist_nulls_node node;
	struct list_head list;		/* free list, or LRU list */
	u32 hash;
	u8 ref;				/* LRU: used since last scan */
	void __percpu *pptr;		/* per-CPU value */
	u8 key[] __aligned(8);		/* key, then value (not per-CPU) */
};

struct htab {
	struct hlist_nulls_head *buckets;
	u32 n_buckets;
	u32 elem_size, key_round, value_round;
	bool percpu, lru;
	raw_spinlock_t lock;
	int __percpu *busy;
	struct list_head free;
	struct list_head lru_list;
	u8 *elems;
	u32 seed;
};

static struct helem *elem_at(struct htab *h, u32 i)
{
	return (struct helem *)(h->elems + (size_t)i * h->elem_size);
}

static void *elem_value(struct htab *h, struct helem *e)
{
	return e->key + h->key_round;
}

static struct helem *find(struct htab *h, const void *key, u32 ksize,
			  u32 hash)
{
	u32 b = hash & (h->n_buckets - 1);
	struct hlist_nulls_node *n;
	struct helem *e;

again:
	hlist_nulls_for_each_entry_rcu(e, n, &h->buckets[b], node)
		if (e->hash == hash && !memcmp(e->key, key, ksize))
			return e;
	if (get_nulls_value(n) != b)
		goto again;
	return NULL;
}

static bool guard_enter(struct htab *h)
{
	preempt_disable();
	if (this_cpu_inc_return(*h->busy) != 1) {
		this_cpu_dec(*h->busy);
		preempt_enable();
		return false;
	}
	return true;
}

static void guard_exit(struct htab *h)
{
	this_cpu_dec(*h->busy);
	preempt_enable();
}

/*
 * Programs also run in kprobes, which are NMI-like context (int3): never
 * spin there on a lock the interrupted code may hold, fail with -EBUSY
 * (the kernel's ring buffer does the same).
 */
static bool htab_lock(struct htab *h, unsigned long *irqf)
{
	if (in_nmi())
		return raw_spin_trylock_irqsave(&h->lock, *irqf);
	raw_spin_lock_irqsave(&h->lock, *irqf);
	return true;
}

static void *htab_lookup(struct abpf_map *map, const void *key)
{
	struct htab *h = to_altbpf_map(map)->priv;
	struct helem *e;

	e = find(h, key, map->key_size,
		 jhash(key, map->key_size, h->seed));
	if (!e)
		return NULL;
	if (h->lru && !READ_ONCE(e->ref))
		WRITE_ONCE(e->ref, 1);
	return h->percpu ? this_cpu_ptr(e->pptr) : elem_value(h, e);
}

/* Under h->lock: a free element, evicting one from LRU maps. */
static struct helem *get_free(struct htab *h)
{
	struct helem *e;
	u32 scans = 0;

	if (!list_empty(&h->free)) {
		e = list_first_entry(&h->free, struct helem, list);
		list_del(&e->list);
		return e;
	}
	if (!h->lru || list_empty(&h->lru_list))
		return NULL;
	for (;;) {
		e = list_last_entry(&h->lru_list, struct helem, list);
		if (READ_ONCE(e->ref) && scans++ < 2 * h->n_buckets) {
			WRITE_ONCE(e->ref, 0);
			list_move(&e->list, &h->lru_list);
			continue;
		}
		list_del(&e->list);
		hlist_nulls_del_rcu(&e->node);
		return e;
	}
}

/* Under h->lock: e leaves its bucket for the free list. */
static void retire(struct htab *h, struct helem *e)
{
	hlist_nulls_del_rcu(&e->node);
	if (h->lru)
		list_del(&e->list);
	list_add(&e->list, &h->free);
}

/* vs: value_size bytes per CPU; bpf(2) buffers have a value_round stride */
static void set_pcpu(struct htab *h, struct helem *e, const void *value,
		     u32 vs, bool all_cpus, bool fresh)
{
	u32 off = 0;
	int cpu;

	if (!all_cpus && !fresh) {
		memcpy(this_cpu_ptr(e->pptr), value, vs);
		return;
	}
	for_each_possible_cpu(cpu) {
		void *dst = per_cpu_ptr(e->pptr, cpu);

		memset(dst, 0, h->value_round);
		if (all_cpus)
			memcpy(dst, (const u8 *)value + off, vs);
		else if (cpu == smp_processor_id())
			memcpy(dst, value, vs);
		off += h->value_round;
	}
}

/* all_cpus: bpf(2) per-CPU value (every CPU's); else this CPU's. */
static long htab_update_common(struct altbpf_map *m, const void *key,
			       const void *value, u64 flags, bool all_cpus)
{
	struct htab *h = m->priv;
	u32 ks = m->map.key_size, vs = m->map.value_size;
	u32 hash = jhash(key, ks, h->seed);
	struct helem *old, *e;
	unsigned long irqf;
	long ret = 0;

	if (flags > BPF_EXIST)
		return -EINVAL;
	if (!guard_enter(h))
		return -EBUSY;
	if (!htab_lock(h, &irqf)) {
		guard_exit(h);
		return -EBUSY;
	}
	old = find(h, key, ks, hash);
	if (old && flags == BPF_NOEXIST) {
		ret = -EEXIST;
		goto out;
	}
	if (!old && flags == BPF_EXIST) {
		ret = -ENOENT;
		goto out;
	}
	if (old && h->percpu) {
		set_pcpu(h, old, value, vs, all_cpus, false);
		if (h->lru)
			WRITE_ONCE(old->ref, 1);
		goto out;
	}
	e = get_free(h);
	if (e && e == old)	/* LRU: evicted the element it replaces */
		old = NULL;
	if (!e) {
		if (old) {
			/* full: overwrite in place */
			memcpy(elem_value(h, old), value, vs);
			goto out;
		}
		ret = -E2BIG;
		goto out;
	}
	memcpy(e->key, key, ks);
	e->hash = hash;
	e->ref = 0;
	if (h->percpu)
		set_pcpu(h, e, value, vs, all_cpus, true);
	else
		memcpy(elem_value(h, e), value, vs);
	hlist_nulls_add_head_rcu(&e->node,
				 &h->buckets[hash & (h->n_buckets - 1)]);
	if (h->lru)
		list_add(&e->list, &h->lru_list);
	if (old)
		retire(h, old);
out:
	raw_spin_unlock_irqrestore(&h->lock, irqf);
	guard_exit(h);
	return ret;
}

static long htab_update(struct abpf_map *map, const void *key,
			const void *value, u64 flags)
{
	return htab_update_common(to_altbpf_map(map), key, value, flags,
				  false);
}

static long htab_delete(struct abpf_map *map, const void *key)
{
	struct htab *h = to_altbpf_map(map)->priv;
	u32 hash = jhash(key, map->key_size, h->seed);
	struct helem *e;
	unsigned long irqf;

	if (!guard_enter(h))
		return -EBUSY;
	if (!htab_lock(h, &irqf)) {
		guard_exit(h);
		return -EBUSY;
	}
	e = find(h, key, map->key_size, hash);
	if (e)
		retire(h, e);
	raw_spin_unlock_irqrestore(&h->lock, irqf);
	guard_exit(h);
	return e ? 0 : -ENOENT;
}

static const struct abpf_map_ops htab_ops = {
	.lookup = htab_lookup,
	.update = htab_update,
	.delete = htab_delete,
	.bind_prog = altbpf_map_bind_prog,
	.put = altbpf_map_core_put,
};

static void htab_free(struct altbpf_map *m)
{
	struct htab *h = m->priv;
	u32 i;

	if (!h)
		return;
	if (h->percpu && h->elems)
		for (i = 0; i < m->map.max_entries; i++)
			free_percpu(elem_at(h, i)->pptr);
	kvfree(h->elems);
	kvfree(h->buckets);
	free_percpu(h->busy);
	kfree(h);
	m->priv = NULL;
}

static int htab_alloc(struct altbpf_map *m, const union bpf_attr *attr)
{
	u32 type = attr->map_type;
	struct htab *h;
	u64 bytes;
	u32 i;
	int err;

	if (!attr->key_size || attr->key_size > ABPF_MAX_STACK ||
	    !attr->value_size || !attr->max_entries)
		return -EINVAL;
	/* preallocated only; NO_PREALLOC is accepted (and ignored) */
	if (type == BPF_MAP_TYPE_LRU_HASH &&
	    (attr->map_flags & BPF_F_NO_PREALLOC))
		return -EINVAL;
	if (type == BPF_MAP_TYPE_PERCPU_HASH &&
	    attr->value_size > PCPU_MIN_UNIT_SIZE)
		return -E2BIG;
	h = kzalloc(sizeof(*h), ALTBPF_MAP_GFP);
	if (!h)
		return -ENOMEM;
	m->priv = h;
	h->percpu = type == BPF_MAP_TYPE_PERCPU_HASH;
	h->lru = type == BPF_MAP_TYPE_LRU_HASH;
	h->key_round = round_up(attr->key_size, 8);
	h->value_round = round_up(attr->value_size, 8);
	h->elem_size = sizeof(struct helem) + h->key_round +
		       (h->percpu ? 0 : h->value_round);
	h->n_buckets = roundup_pow_of_two(attr->max_entries);
	h->seed = get_random_u32();
	raw_spin_lock_init(&h->lock);
	INIT_LIST_HEAD(&h->free);
	INIT_LIST_HEAD(&h->lru_list);
	bytes = (u64)h->elem_size * attr->max_entries +
		(u64)h->n_buckets * sizeof(*h->buckets);
	if (h->percpu)
		bytes += (u64)h->value_round * attr->max_entries *
			 num_possible_cpus();
	err = altbpf_map_charge(m, bytes);
	if (err)
		goto fail;
	err = -ENOMEM;
	h->busy = alloc_percpu_gfp(int, ALTBPF_MAP_GFP);
	h->buckets = kvcalloc(h->n_buckets, sizeof(*h->buckets),
			      ALTBPF_MAP_GFP);
	h->elems = kvzalloc((size_t)h->elem_size * attr->max_entries,
			    ALTBPF_MAP_GFP);
	if (!h->busy || !h->buckets || !h->elems)
		goto fail;
	for (i = 0; i < h->n_buckets; i++)
		INIT_HLIST_NULLS_HEAD(&h->buckets[i], i);
	for (i = 0; i < attr->max_entries; i++) {
		struct helem *e = elem_at(h, i);

		if (h->percpu) {
			e->pptr = __alloc_percpu_gfp(h->value_round, 8,
						     ALTBPF_MAP_GFP);
			if (!e->pptr)
				goto fail;
		}
		list_add_tail(&e->list, &h->free);
		if (!(i & 1023))
			cond_resched();
	}
	m->map.ops = &htab_ops;
	return 0;
fail:
	htab_free(m);
	return err;
}

static int htab_sys_lookup(struct altbpf_map *m, const void *key, void *value)
{
	struct htab *h = m->priv;
	struct helem *e;
	u32 off = 0;
	int cpu;

	rcu_read_lock();
	e = find(h, key, m->map.key_size,
		 jhash(key, m->map.key_size, h->seed));
	if (e && h->percpu) {
		for_each_possible_cpu(cpu) {
			memcpy((u8 *)value + off, per_cpu_ptr(e->pptr, cpu),
			       h->value_round);
			off += h->value_round;
		}
	} else if (e) {
		memcpy(value, elem_value(h, e), m->map.value_size);
	}
	rcu_read_unlock();
	return e ? 0 : -ENOENT;
}

static int htab_sys_update(struct altbpf_map *m, const void *key,
			   const void *value, u64 flags)
{
	return htab_update_common(m, key, value, flags, true);
}

static int htab_sys_delete(struct altbpf_map *m, const void *key)
{
	return htab_delete(&m->map, key);
}

/* The key after key in bucket order (unknown or NULL key: the first). */
static int htab_get_next_key(struct altbpf_map *m, const void *key,
			     void *next_key)
{
	struct htab *h = m->priv;
	struct helem *e = NULL, *cur;
	struct hlist_nulls_node *n;
	unsigned long irqf;
	u32 b = 0;

	raw_spin_lock_irqsave(&h->lock, irqf);
	if (key) {
		u32 hash = jhash(key, m->map.key_size, h->seed);

		cur = find(h, key, m->map.key_size, hash);
		if (cur) {
			n = rcu_dereference_raw(hlist_nulls_next_rcu(&cur->node));
			if (!is_a_nulls(n))
				e = hlist_nulls_entry(n, struct helem, node);
			b = (hash & (h->n_buckets - 1)) + 1;
		}
	}
	for (; !e && b < h->n_buckets; b++) {
		n = rcu_dereference_raw(hlist_nulls_first_rcu(&h->buckets[b]));
		if (!is_a_nulls(n))
			e = hlist_nulls_entry(n, struct helem, node);
	}
	if (e)
		memcpy(next_key, e->key, m->map.key_size);
	raw_spin_unlock_irqrestore(&h->lock, irqf);
	return e ? 0 : -ENOENT;
}

const struct altbpf_map_kops altbpf_hash_kops = {
	.alloc = htab_alloc,
	.free = htab_free,
	.sys_lookup = htab_sys_lookup,
	.sys_update = htab_sys_update,
	.sys_delete = htab_sys_delete,
	.get_next_key = htab_get_next_key,
};
