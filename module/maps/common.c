// SPDX-License-Identifier: GPL-2.0
/*
 * common.c - map objects: creation, references, ids, the memory budget,
 * and the bpf(2) element commands (docs/maps.md).
 */
#include <linux/module.h>
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/cpumask.h>

#include "altbpf_maps.h"

static unsigned long altbpf_maps_mem_limit = 256UL << 20;
module_param(altbpf_maps_mem_limit, ulong, 0644);
MODULE_PARM_DESC(altbpf_maps_mem_limit,
		 "bytes all altbpf maps together may use (default 256 MiB)");

static atomic64_t altbpf_maps_mem = ATOMIC64_INIT(0);
static atomic64_t altbpf_maps_mem_denied = ATOMIC64_INIT(0);
static DEFINE_IDR(altbpf_map_idr);
static DEFINE_SPINLOCK(altbpf_map_idr_lock);
static struct workqueue_struct *altbpf_map_wq;
/* Deferred frees queued and not yet finished (altbpf_maps_drain()). */
static atomic_t altbpf_map_deferred = ATOMIC_INIT(0);
const struct altbpf_map_prog_hooks *altbpf_prog_hooks;

void altbpf_maps_set_prog_hooks(const struct altbpf_map_prog_hooks *hooks)
{
	WRITE_ONCE(altbpf_prog_hooks, hooks);
}

int altbpf_map_charge(struct altbpf_map *m, u64 bytes)
{
	if (atomic64_add_return(bytes, &altbpf_maps_mem) >
	    READ_ONCE(altbpf_maps_mem_limit)) {
		atomic64_sub(bytes, &altbpf_maps_mem);
		atomic64_inc(&altbpf_maps_mem_denied);
		return -ENOMEM;
	}
	m->mem += bytes;
	return 0;
}

void altbpf_maps_mem_stats(u64 *used, u64 *limit, u64 *denied)
{
	*used = atomic64_read(&altbpf_maps_mem);
	*limit = READ_ONCE(altbpf_maps_mem_limit);
	*denied = atomic64_read(&altbpf_maps_mem_denied);
}

void altbpf_map_uncharge(struct altbpf_map *m, u64 bytes)
{
	atomic64_sub(bytes, &altbpf_maps_mem);
	m->mem -= bytes;
}

static const struct altbpf_map_kops *kops_for(u32 type)
{
	switch (type) {
	case BPF_MAP_TYPE_ARRAY:		return &altbpf_array_kops;
	case BPF_MAP_TYPE_PERCPU_ARRAY:		return &altbpf_percpu_array_kops;
	case BPF_MAP_TYPE_PROG_ARRAY:		return &altbpf_prog_array_kops;
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:		return &altbpf_hash_kops;
	case BPF_MAP_TYPE_LPM_TRIE:		return &altbpf_lpm_kops;
	case BPF_MAP_TYPE_RINGBUF:		return &altbpf_ringbuf_kops;
	default:				return NULL;
	}
}

/* BPF_MAP_CREATE fields after map_name that must be zero. */
static bool attr_tail_zero(const union bpf_attr *attr)
{
	const u8 *p = (const u8 *)&attr->map_ifindex;
	const u8 *end = (const u8 *)(&attr->map_extra + 1);

	if (attr->inner_map_fd || attr->numa_node)
		return false;
	for (; p < end; p++)
		if (*p)
			return false;
	return true;
}

static void altbpf_map_free_work(struct work_struct *work)
{
	struct altbpf_map *m = container_of(to_rcu_work(work),
					    struct altbpf_map, free_work);

	if (m->kops && m->kops->free)
		m->kops->free(m);
	atomic64_sub(m->mem, &altbpf_maps_mem);
	kfree(m);
	altbpf_map_deferred_done();
}

/*
 * Run @rw after an RCU grace period on the maps' workqueue.  The work is
 * module code and may drop the last reference of a program or a map,
 * which defers more frees: module exit drains them all before the id
 * tables go (altbpf_maps_drain()).  The work ends with
 * altbpf_map_deferred_done().
 */
void altbpf_map_defer(struct rcu_work *rw)
{
	atomic_inc(&altbpf_map_deferred);
	queue_rcu_work(altbpf_map_wq, rw);
}

void altbpf_map_deferred_done(void)
{
	atomic_dec(&altbpf_map_deferred);
}

void altbpf_maps_drain(void)
{
	while (atomic_read(&altbpf_map_deferred)) {
		rcu_barrier();
		flush_workqueue(altbpf_map_wq);
	}
}

struct altbpf_map *altbpf_map_create(const union bpf_attr *attr)
{
	const struct altbpf_map_kops *kops = kops_for(attr->map_type);
	struct altbpf_map *m;
	int id, err;

	if (!kops || !attr_tail_zero(attr))
		return ERR_PTR(-EINVAL);
	if (attr->map_flags & ~(BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG |
				BPF_F_WRONLY_PROG))
		return ERR_PTR(-EINVAL);
	if (attr->max_entries > (1U << 24) || attr->key_size > 512 ||
	    attr->value_size > (1U << 20))
		return ERR_PTR(-E2BIG);
	m = kzalloc(sizeof(*m), ALTBPF_MAP_GFP);
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->map.type = attr->map_type;
	m->map.key_size = attr->key_size;
	m->map.value_size = attr->value_size;
	m->map.max_entries = attr->max_entries;
	m->map.map_flags = attr->map_flags;
	memcpy(m->map.name, attr->map_name, sizeof(m->map.name));
	m->map.name[sizeof(m->map.name) - 1] = 0;
	m->kops = kops;
	m->prog_type = ~0U;
	spin_lock_init(&m->owner_lock);
	refcount_set(&m->refcnt, 1);
	atomic_set(&m->usercnt, 1);
	INIT_RCU_WORK(&m->free_work, altbpf_map_free_work);

	err = altbpf_map_charge(m, sizeof(*m));
	if (err)
		goto fail;
	err = kops->alloc(m, attr);	/* cleans up after itself on error */
	if (err)
		goto fail;

	idr_preload(GFP_KERNEL);
	spin_lock_bh(&altbpf_map_idr_lock);
	id = idr_alloc_cyclic(&altbpf_map_idr, m, 1, INT_MAX, GFP_ATOMIC);
	spin_unlock_bh(&altbpf_map_idr_lock);
	idr_preload_end();
	if (id < 0) {
		kops->free(m);
		err = id;
		goto fail;
	}
	m->map.id = id;
	return m;
fail:
	atomic64_sub(m->mem, &altbpf_maps_mem);
	kfree(m);
	return ERR_PTR(err);
}

void altbpf_map_get(struct altbpf_map *m)
{
	refcount_inc(&m->refcnt);
}

void altbpf_map_put(struct altbpf_map *m)
{
	if (!refcount_dec_and_test(&m->refcnt))
		return;
	spin_lock_bh(&altbpf_map_idr_lock);
	idr_remove(&altbpf_map_idr, m->map.id);
	spin_unlock_bh(&altbpf_map_idr_lock);
	/* programs still running see the map until a grace period passes */
	altbpf_map_defer(&m->free_work);
}

void altbpf_map_get_uref(struct altbpf_map *m)
{
	atomic_inc(&m->usercnt);
	altbpf_map_get(m);
}

void altbpf_map_put_uref(struct altbpf_map *m)
{
	if (atomic_dec_and_test(&m->usercnt) && m->kops->release_uref)
		m->kops->release_uref(m);
	altbpf_map_put(m);
}

struct altbpf_map *altbpf_map_by_id(u32 id)
{
	struct altbpf_map *m;

	spin_lock_bh(&altbpf_map_idr_lock);
	m = idr_find(&altbpf_map_idr, id);
	if (m && !refcount_inc_not_zero(&m->refcnt))
		m = NULL;
	spin_unlock_bh(&altbpf_map_idr_lock);
	return m;
}

int altbpf_map_next_id(u32 id, u32 *next)
{
	int nid = id + 1;
	void *p;

	spin_lock_bh(&altbpf_map_idr_lock);
	p = idr_get_next(&altbpf_map_idr, &nid);
	spin_unlock_bh(&altbpf_map_idr_lock);
	if (!p)
		return -ENOENT;
	*next = nid;
	return 0;
}

u32 altbpf_map_value_size(const struct altbpf_map *m)
{
	if (m->map.type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	    m->map.type == BPF_MAP_TYPE_PERCPU_HASH)
		return round_up(m->map.value_size, 8) * num_possible_cpus();
	return m->map.value_size;
}

int altbpf_map_lookup(struct altbpf_map *m, const void *key, void *value)
{
	if (!m->kops->sys_lookup)
		return -EOPNOTSUPP;
	return m->kops->sys_lookup(m, key, value);
}

int altbpf_map_update(struct altbpf_map *m, const void *key,
		      const void *value, u64 flags)
{
	if (!m->kops->sys_update)
		return -EINVAL;
	if ((flags & ~(u64)BPF_F_LOCK) > BPF_EXIST || (flags & BPF_F_LOCK))
		return -EINVAL;
	return m->kops->sys_update(m, key, value, flags);
}

int altbpf_map_delete(struct altbpf_map *m, const void *key)
{
	if (!m->kops->sys_delete)
		return -EINVAL;
	return m->kops->sys_delete(m, key);
}

int altbpf_map_get_next_key(struct altbpf_map *m, const void *key,
			    void *next_key)
{
	if (!m->kops->get_next_key)
		return -EINVAL;
	return m->kops->get_next_key(m, key, next_key);
}

/* abpf_map_ops.put: the reference a program held. */
void altbpf_map_core_put(struct abpf_map *map)
{
	altbpf_map_put(to_altbpf_map(map));
}

/* abpf_map_ops.bind_prog: prog arrays keep one program type. */
int altbpf_map_bind_prog(struct abpf_map *map, u32 prog_type)
{
	struct altbpf_map *m = to_altbpf_map(map);
	int err = 0;

	if (map->type != BPF_MAP_TYPE_PROG_ARRAY)
		return 0;
	spin_lock(&m->owner_lock);
	if (m->prog_type == ~0U)
		m->prog_type = prog_type;
	else if (m->prog_type != prog_type)
		err = -EINVAL;
	spin_unlock(&m->owner_lock);
	return err;
}

int altbpf_maps_init(void)
{
	altbpf_map_wq = alloc_workqueue("altbpf_maps", WQ_UNBOUND, 0);
	if (!altbpf_map_wq)
		return -ENOMEM;
	return 0;
}

void altbpf_maps_exit(void)
{
	/* fds pin the module; wait for the frees still in flight */
	rcu_barrier();
	destroy_workqueue(altbpf_map_wq);
	WARN_ON(!idr_is_empty(&altbpf_map_idr));
	idr_destroy(&altbpf_map_idr);
}

/* For the KUnit suite (altbpf_kunit.ko). */
EXPORT_SYMBOL_NS_GPL(altbpf_map_create, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(altbpf_map_get, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(altbpf_map_put, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(altbpf_map_put_uref, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(altbpf_map_lookup, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(altbpf_map_update, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(altbpf_map_delete, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(altbpf_map_get_next_key, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(altbpf_map_value_size, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(altbpf_ringbuf_consume, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(altbpf_maps_set_prog_hooks, ALTBPF_INTERNAL);
/* the core, for programs over maps in the suite */
EXPORT_SYMBOL_NS_GPL(abpf_prog_alloc, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(abpf_prog_free, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(abpf_prog_bind_maps, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(abpf_check, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(abpf_interp_prepare, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(abpf_interp_run, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(abpf_run_ctx_init_mem, ALTBPF_INTERNAL);
