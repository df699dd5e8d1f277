// SPDX-License-Identifier: GPL-2.0
/*
 * array.c - BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY.
 *
 * Key: u32 index.  Values are value_size rounded up to 8 (8-aligned), all
 * allocated at creation and zeroed; they are never freed before the map,
 * so lookups are plain index computations (array_index_nospec).  Updates
 * copy the value without a lock (like the kernel without BPF_F_LOCK): a
 * concurrent reader may see a torn value, never freed memory.  Per-CPU
 * arrays keep one alloc_percpu() area per element.
 */
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/nospec.h>
#include <linux/vmalloc.h>

#include "altbpf_maps.h"

struct aarray {
	u32 elem;			/* value_size rounded up to 8 */
	bool percpu;
	union {
		u8 *values;		/* max_entries * elem */
		void __percpu **pptrs;	/* max_entries */
	};
};

static bool index_ok(struct abpf_map *map, const void *key, u32 *idx)
{
	u32 i = *(const u32 *)key;

	if (i >= map->max_entries)
		return false;
	*idx = array_index_nospec(i, map->max_entries);
	return true;
}

static void *array_lookup(struct abpf_map *map, const void *key)
{
	struct aarray *a = to_altbpf_map(map)->priv;
	u32 i;

	if (!index_ok(map, key, &i))
		return NULL;
	if (a->percpu)
		return this_cpu_ptr(a->pptrs[i]);
	return a->values + (size_t)i * a->elem;
}

/* Program side: this CPU's copy for per-CPU arrays. */
static long array_update(struct abpf_map *map, const void *key,
			 const void *value, u64 flags)
{
	void *v;

	if (flags > BPF_EXIST)
		return -EINVAL;
	v = array_lookup(map, key);
	if (!v)
		return -E2BIG;
	if (flags == BPF_NOEXIST)
		return -EEXIST;
	memcpy(v, value, map->value_size);
	return 0;
}

static long array_delete(struct abpf_map *map, const void *key)
{
	return -EINVAL;
}

static int array_direct_value(struct abpf_map *map, u64 *addr)
{
	struct aarray *a = to_altbpf_map(map)->priv;

	if (a->percpu || map->max_entries != 1)
		return -EOPNOTSUPP;
	*addr = (u64)(unsigned long)a->values;
	return 0;
}

static int array_layout(struct abpf_map *map, u64 *base, u32 *stride)
{
	struct aarray *a = to_altbpf_map(map)->priv;

	if (a->percpu)
		return -EOPNOTSUPP;
	*base = (u64)(unsigned long)a->values;
	*stride = a->elem;
	return 0;
}

static const struct abpf_map_ops array_ops = {
	.lookup = array_lookup,
	.update = array_update,
	.delete = array_delete,
	.direct_value = array_direct_value,
	.array_layout = array_layout,
	.bind_prog = altbpf_map_bind_prog,
	.put = altbpf_map_core_put,
};

static void array_free(struct altbpf_map *m)
{
	struct aarray *a = m->priv;
	u32 i;

	if (!a)
		return;
	if (a->percpu) {
		for (i = 0; a->pptrs && i < m->map.max_entries; i++)
			free_percpu(a->pptrs[i]);
		kvfree(a->pptrs);
	} else {
		kvfree(a->values);
	}
	kfree(a);
	m->priv = NULL;
}

static int array_alloc_common(struct altbpf_map *m, const union bpf_attr *attr,
			      bool percpu)
{
	struct aarray *a;
	u64 bytes;
	u32 i;
	int err;

	if (attr->key_size != 4 || !attr->value_size || !attr->max_entries ||
	    (attr->map_flags & BPF_F_NO_PREALLOC))
		return -EINVAL;
	if (percpu && attr->value_size > PCPU_MIN_UNIT_SIZE)
		return -E2BIG;
	a = kzalloc(sizeof(*a), ALTBPF_MAP_GFP);
	if (!a)
		return -ENOMEM;
	m->priv = a;
	a->elem = round_up(attr->value_size, 8);
	a->percpu = percpu;
	bytes = (u64)a->elem * attr->max_entries;
	if (percpu)
		bytes = bytes * num_possible_cpus() +
			(u64)attr->max_entries * sizeof(void *);
	err = altbpf_map_charge(m, bytes);
	if (err)
		goto fail;
	err = -ENOMEM;
	if (!percpu) {
		a->values = kvzalloc((size_t)a->elem * attr->max_entries,
				     ALTBPF_MAP_GFP);
		if (!a->values)
			goto fail;
	} else {
		a->pptrs = kvcalloc(attr->max_entries, sizeof(*a->pptrs),
				    ALTBPF_MAP_GFP);
		if (!a->pptrs)
			goto fail;
		for (i = 0; i < attr->max_entries; i++) {
			a->pptrs[i] = __alloc_percpu_gfp(a->elem, 8,
							 ALTBPF_MAP_GFP);
			if (!a->pptrs[i])
				goto fail;
			if (!(i & 255))
				cond_resched();
		}
	}
	m->map.ops = &array_ops;
	return 0;
fail:
	array_free(m);
	return err;
}

static int array_alloc(struct altbpf_map *m, const union bpf_attr *attr)
{
	return array_alloc_common(m, attr, false);
}

static int percpu_array_alloc(struct altbpf_map *m, const union bpf_attr *attr)
{
	return array_alloc_common(m, attr, true);
}

static int array_sys_lookup(struct altbpf_map *m, const void *key, void *value)
{
	struct aarray *a = m->priv;
	u32 i, off = 0;
	int cpu;

	if (!index_ok(&m->map, key, &i))
		return -ENOENT;
	if (!a->percpu) {
		memcpy(value, a->values + (size_t)i * a->elem, m->map.value_size);
		return 0;
	}
	for_each_possible_cpu(cpu) {
		memcpy((u8 *)value + off, per_cpu_ptr(a->pptrs[i], cpu), a->elem);
		off += a->elem;
	}
	return 0;
}

static int array_sys_update(struct altbpf_map *m, const void *key,
			    const void *value, u64 flags)
{
	struct aarray *a = m->priv;
	u32 i, off = 0;
	int cpu;

	if (!index_ok(&m->map, key, &i))
		return -E2BIG;
	if (flags == BPF_NOEXIST)
		return -EEXIST;
	if (!a->percpu) {
		memcpy(a->values + (size_t)i * a->elem, value, m->map.value_size);
		return 0;
	}
	for_each_possible_cpu(cpu) {
		memcpy(per_cpu_ptr(a->pptrs[i], cpu), (const u8 *)value + off,
		       m->map.value_size);
		off += a->elem;
	}
	return 0;
}

static int array_get_next_key(struct altbpf_map *m, const void *key,
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

static int array_sys_delete(struct altbpf_map *m, const void *key)
{
	return -EINVAL;
}

const struct altbpf_map_kops altbpf_array_kops = {
	.alloc = array_alloc,
	.free = array_free,
	.sys_lookup = array_sys_lookup,
	.sys_update = array_sys_update,
	.sys_delete = array_sys_delete,
	.get_next_key = array_get_next_key,
};

const struct altbpf_map_kops altbpf_percpu_array_kops = {
	.alloc = percpu_array_alloc,
	.free = array_free,
	.sys_lookup = array_sys_lookup,
	.sys_update = array_sys_update,
	.sys_delete = array_sys_delete,
	.get_next_key = array_get_next_key,
};
