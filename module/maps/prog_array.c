// SPDX-License-Identifier: GPL-2.0
/*
 * prog_array.c - BPF_MAP_TYPE_PROG_ARRAY: the targets of bpf_tail_call.
 *
 * Key u32 index, value (bpf(2) side) a u32 program fd, resolved through
 * the glue's altbpf_map_prog_hooks (one program reference per slot).
 * Slots are RCU pointers to small entries; a replaced or deleted entry
 * drops its program reference after a grace period (queue_rcu_work), so a
 * tail call already on its way to it (programs run under RCU) is safe.
 * Programs cannot lookup/update/delete prog arrays (the checker says so);
 * lookup from bpf(2) is -EOPNOTSUPP as in the kernel.  When the last user
 * fd goes (altbpf_map_put_uref()), every slot is cleared.
 *
 * progs[] mirrors the slots' programs for engines that read a slot inline
 * (prog_slots: the JIT loads progs[index] without a call, like the
 * kernel's JIT reads array->ptrs[]): progs[i] changes with slots[i] under
 * the lock, and the entry holding the old program's reference is freed
 * after the same grace period, so a program read from either stays valid
 * for the run that read it.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/nospec.h>
#include <linux/rcupdate.h>

#include "altbpf_maps.h"

struct pa_entry {
	struct abpf_prog *prog;
	void *owner;			/* the glue's reference */
	struct rcu_work rwork;
};

struct parray {
	struct pa_entry __rcu **slots;
	const struct abpf_prog **progs;	/* slots[i]->prog, or NULL */
	struct mutex lock;		/* writers */
};

static const struct abpf_prog *pa_prog_at(struct abpf_map *map, u32 index)
{
	struct parray *pa = to_altbpf_map(map)->priv;

	if (index >= map->max_entries)
		return NULL;
	index = array_index_nospec(index, map->max_entries);
	return READ_ONCE(pa->progs[index]);
}

static const struct abpf_prog *const *pa_prog_slots(struct abpf_map *map)
{
	struct parray *pa = to_altbpf_map(map)->priv;

	return pa->progs;
}

static const struct abpf_map_ops prog_array_ops = {
	.prog_at = pa_prog_at,
	.prog_slots = pa_prog_slots,
	.bind_prog = altbpf_map_bind_prog,
	.put = altbpf_map_core_put,
};

static void pa_entry_free(struct work_struct *work)
{
	struct pa_entry *e = container_of(to_rcu_work(work), struct pa_entry,
					  rwork);
	const struct altbpf_map_prog_hooks *h = READ_ONCE(altbpf_prog_hooks);

	if (e->owner && h && h->put)
		h->put(e->owner);
	kfree(e);
	altbpf_map_deferred_done();
}

/* Replace slot i with e (NULL: clear); the old entry goes after RCU. */
static int pa_set(struct altbpf_map *m, u32 i, struct pa_entry *e)
{
	struct parray *pa = m->priv;
	struct pa_entry *old;

	mutex_lock(&pa->lock);
	/* release: a reader of progs[i] sees an initialised program */
	smp_store_release(&pa->progs[i], e ? e->prog : NULL);
	old = rcu_replace_pointer(pa->slots[i], e, lockdep_is_held(&pa->lock));
	mutex_unlock(&pa->lock);
	if (!old)
		return -ENOENT;
	INIT_RCU_WORK(&old->rwork, pa_entry_free);
	altbpf_map_defer(&old->rwork);
	return 0;
}

static int pa_alloc(struct altbpf_map *m, const union bpf_attr *attr)
{
	struct parray *pa;
	int err;

	if (attr->key_size != 4 || attr->value_size != 4 ||
	    !attr->max_entries || attr->map_flags)
		return -EINVAL;
	err = altbpf_map_charge(m, sizeof(*pa) +
				(u64)attr->max_entries * 2 * sizeof(void *));
	if (err)
		return err;
	pa = kzalloc(sizeof(*pa), ALTBPF_MAP_GFP);
	if (!pa)
		return -ENOMEM;
	pa->slots = kvcalloc(attr->max_entries, sizeof(*pa->slots),
			     ALTBPF_MAP_GFP);
	pa->progs = kvcalloc(attr->max_entries, sizeof(*pa->progs),
			     ALTBPF_MAP_GFP);
	if (!pa->slots || !pa->progs) {
		kvfree(pa->slots);
		kvfree(pa->progs);
		kfree(pa);
		return -ENOMEM;
	}
	mutex_init(&pa->lock);
	m->priv = pa;
	m->map.ops = &prog_array_ops;
	return 0;
}

static void pa_clear(struct altbpf_map *m)
{
	u32 i;

	for (i = 0; i < m->map.max_entries; i++) {
		pa_set(m, i, NULL);
		if (!(i & 255))
			cond_resched();
	}
}

static void pa_free(struct altbpf_map *m)
{
	struct parray *pa = m->priv;
	u32 i;

	if (!pa)
		return;
	/* a grace period has passed: no program can see the slots */
	for (i = 0; i < m->map.max_entries; i++) {
		struct pa_entry *e = rcu_dereference_protected(pa->slots[i], 1);
		const struct altbpf_map_prog_hooks *h =
			READ_ONCE(altbpf_prog_hooks);

		if (!e)
			continue;
		if (e->owner && h && h->put)
			h->put(e->owner);
		kfree(e);
	}
	kvfree(pa->slots);
	kvfree(pa->progs);
	kfree(pa);
	m->priv = NULL;
}

static int pa_sys_update(struct altbpf_map *m, const void *key,
			 const void *value, u64 flags)
{
	const struct altbpf_map_prog_hooks *h = READ_ONCE(altbpf_prog_hooks);
	u32 i = *(const u32 *)key;
	struct pa_entry *e;
	int err;

	if (i >= m->map.max_entries)
		return -E2BIG;
	if (flags == BPF_NOEXIST)
		return -EEXIST;		/* the kernel's array semantics */
	if (!h || !h->get)
		return -EOPNOTSUPP;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->prog = h->get(*(const u32 *)value, &e->owner);
	if (!e->prog) {
		kfree(e);
		return -EINVAL;
	}
	err = altbpf_map_bind_prog(&m->map, e->prog->type);
	if (err) {
		h->put(e->owner);
		kfree(e);
		return err;
	}
	pa_set(m, i, e);
	return 0;
}

/*
 * In-kernel users (KUnit): put prog (checked, interp prepared, of the
 * array's program type) in slot index; owner (may be NULL) is released
 * through the hooks' put() when the slot lets go of it.
 */
int altbpf_prog_array_set(struct altbpf_map *m, u32 index,
			  struct abpf_prog *prog, void *owner)
{
	struct pa_entry *e;
	int err;

	if (m->map.type != BPF_MAP_TYPE_PROG_ARRAY)
		return -EINVAL;
	if (index >= m->map.max_entries)
		return -E2BIG;
	if (!prog) {
		pa_set(m, index, NULL);
		return 0;
	}
	err = altbpf_map_bind_prog(&m->map, prog->type);
	if (err)
		return err;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->prog = prog;
	e->owner = owner;
	pa_set(m, index, e);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(altbpf_prog_array_set, ALTBPF_INTERNAL);

static int pa_sys_delete(struct altbpf_map *m, const void *key)
{
	u32 i = *(const u32 *)key;

	if (i >= m->map.max_entries)
		return -E2BIG;
	return pa_set(m, i, NULL);
}

static int pa_get_next_key(struct altbpf_map *m, const void *key,
			   void *next_key)
{
	u32 i = key ? *(const u32 *)key : U32_MAX;
	u32 *next = next_key;

	if (i >= m->map.max_entries) {
		*next = 0;
		return 0;
	}
	if (i == m->map.max_entries - 1)
		return -ENOENT;
	*next = i + 1;
	return 0;
}

const struct altbpf_map_kops altbpf_prog_array_kops = {
	.alloc = pa_alloc,
	.free = pa_free,
	.sys_update = pa_sys_update,
	.sys_delete = pa_sys_delete,
	.get_next_key = pa_get_next_key,
	.release_uref = pa_clear,
};
