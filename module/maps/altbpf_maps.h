/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altbpf_maps.h - altbpf.ko's maps (module/maps/): what the kernel glue
 * (dev.c, api.c, main.c) and the KUnit suite call.
 *
 * A map is a struct altbpf_map (the core's struct abpf_map first) with
 * two counts, like the kernel's struct bpf_map:
 *  - refcnt: every holder (each fd, each program using it through
 *    prog->maps[], in-kernel users).  The last altbpf_map_put() frees the
 *    map after an RCU grace period (programs run under rcu_read_lock()),
 *    from a workqueue (process context);
 *  - usercnt: user fds only.  When the last one goes
 *    (altbpf_map_put_uref()), prog arrays drop their programs, which
 *    breaks prog -> prog array -> prog reference cycles as the kernel does.
 *
 * Context: create/sys_* may sleep (process context).  The program side
 * (abpf_map_ops lookup/update/delete, prog_at, the ringbuf helpers) runs
 * in any context including hard irq and NMI-like hooks, never sleeps, and
 * needs the caller to hold rcu_read_lock() with migration disabled (the
 * glue's run path: rcu_read_lock(); migrate_disable(); run;
 * migrate_enable(); rcu_read_unlock()).  Re-entering a hash/LRU/LPM map's
 * update or delete on the same CPU (a kprobe program on a function the
 * map's own update calls) fails with -EBUSY instead of deadlocking.
 *
 * Memory: all of a map's memory is charged to the creator's memcg
 * (__GFP_ACCOUNT) and to a module-wide budget (altbpf_maps_mem_limit,
 * default 256 MiB; creation fails with -ENOMEM above it).  Hash maps
 * preallocate max_entries elements; LPM tries allocate entries on update
 * (GFP_ATOMIC, bounded by max_entries).
 */
#ifndef ALTBPF_MAPS_H
#define ALTBPF_MAPS_H

#include <linux/refcount.h>
#include <linux/workqueue.h>
#include <linux/poll.h>

#include "engine.h"
#include "maps.h"

struct altbpf_map;

/* Per-type operations of the syscall side (process context). */
struct altbpf_map_kops {
	int (*alloc)(struct altbpf_map *m, const union bpf_attr *attr);
	void (*free)(struct altbpf_map *m);	/* after a grace period */
	int (*sys_lookup)(struct altbpf_map *m, const void *key, void *value);
	int (*sys_update)(struct altbpf_map *m, const void *key,
			  const void *value, u64 flags);
	int (*sys_delete)(struct altbpf_map *m, const void *key);
	int (*get_next_key)(struct altbpf_map *m, const void *key,
			    void *next_key);
	void (*release_uref)(struct altbpf_map *m);	/* prog arrays */
};

struct altbpf_map {
	struct abpf_map map;		/* first: the core's view */
	refcount_t refcnt;
	atomic_t usercnt;
	const struct altbpf_map_kops *kops;
	u64 mem;			/* bytes charged to the budget */
	u32 prog_type;			/* prog arrays: ~0 until first use */
	spinlock_t owner_lock;
	struct rcu_work free_work;
	void *priv;			/* the type's data */
};

static inline struct altbpf_map *to_altbpf_map(struct abpf_map *map)
{
	return container_of(map, struct altbpf_map, map);
}

/* Programs in prog arrays: how the glue resolves and releases them. */
struct altbpf_map_prog_hooks {
	/*
	 * fd -> a loaded, checked program (interp prepared) with one new
	 * reference held through *owner (the glue's object), or NULL.
	 */
	struct abpf_prog *(*get)(int fd, void **owner);
	void (*put)(void *owner);	/* may sleep */
};

/* helpers_kernel.c: seed the helpers' per-CPU state (module init). */
void altbpf_helpers_kernel_init(void);

/* common.c */
int altbpf_maps_init(void);		/* module init (helpers, ids) */
void altbpf_maps_exit(void);		/* module exit: waits for frees */
/* Deferred frees on the maps' workqueue (see common.c). */
void altbpf_map_defer(struct rcu_work *rw);
void altbpf_map_deferred_done(void);
void altbpf_maps_drain(void);		/* module exit, before the prog ids */
/* Bytes charged now, the limit, charges refused (debugfs "stats"). */
void altbpf_maps_mem_stats(u64 *used, u64 *limit, u64 *denied);
void altbpf_maps_set_prog_hooks(const struct altbpf_map_prog_hooks *hooks);

/*
 * BPF_MAP_CREATE: attr fields map_type, key_size, value_size, max_entries,
 * map_flags, map_name (everything else must be 0: -EINVAL).  Returns the
 * map with refcnt 1 and usercnt 1 (the caller's fd), or an ERR_PTR:
 * -EINVAL (bad type/sizes/flags), -E2BIG (too large), -ENOMEM.
 */
struct altbpf_map *altbpf_map_create(const union bpf_attr *attr);
void altbpf_map_get(struct altbpf_map *m);
void altbpf_map_put(struct altbpf_map *m);
void altbpf_map_get_uref(struct altbpf_map *m);	/* + a reference */
void altbpf_map_put_uref(struct altbpf_map *m);	/* - a reference */
struct altbpf_map *altbpf_map_by_id(u32 id);	/* + a reference, or NULL */
int altbpf_map_next_id(u32 id, u32 *next);	/* BPF_MAP_GET_NEXT_ID */

/*
 * The bpf(2) element commands; buffers in kernel memory (the glue copies
 * key_size / altbpf_map_value_size() bytes from and to user space).
 * Per-CPU maps: num_possible_cpus() values, each rounded up to 8 bytes.
 * Prog arrays: the value is a u32 program fd (update), lookup -EOPNOTSUPP.
 * 0 or -ENOENT, -EEXIST, -E2BIG, -EINVAL, -ENOMEM, -EOPNOTSUPP, -EBUSY.
 * key NULL for get_next_key: the first key.
 */
u32 altbpf_map_value_size(const struct altbpf_map *m);
int altbpf_map_lookup(struct altbpf_map *m, const void *key, void *value);
int altbpf_map_update(struct altbpf_map *m, const void *key,
		      const void *value, u64 flags);
int altbpf_map_delete(struct altbpf_map *m, const void *key);
int altbpf_map_get_next_key(struct altbpf_map *m, const void *key,
			    void *next_key);

/* prog_array.c: set/clear a slot directly (in-kernel users, KUnit). */
int altbpf_prog_array_set(struct altbpf_map *m, u32 index,
			  struct abpf_prog *prog, void *owner);

/* ringbuf.c: hand each submitted record to fn (process context). */
int altbpf_ringbuf_consume(struct altbpf_map *m,
			   void (*fn)(const void *data, u32 len, void *arg),
			   void *arg);
/* ringbuf.c: the map fd's mmap and poll (-ENODEV / 0 for other types). */
int altbpf_ringbuf_mmap(struct altbpf_map *m, struct vm_area_struct *vma);
__poll_t altbpf_ringbuf_poll(struct altbpf_map *m, struct file *file,
			     struct poll_table_struct *pts);

/* Charge/uncharge the module-wide budget (types' alloc/free). */
int altbpf_map_charge(struct altbpf_map *m, u64 bytes);
void altbpf_map_uncharge(struct altbpf_map *m, u64 bytes);

/* Per-type kops (one file each). */
extern const struct altbpf_map_kops altbpf_array_kops;
extern const struct altbpf_map_kops altbpf_percpu_array_kops;
extern const struct altbpf_map_kops altbpf_prog_array_kops;
extern const struct altbpf_map_kops altbpf_hash_kops;	/* + per-CPU, LRU */
extern const struct altbpf_map_kops altbpf_lpm_kops;
extern const struct altbpf_map_kops altbpf_ringbuf_kops;
extern const struct altbpf_map_prog_hooks *altbpf_prog_hooks;

#define ALTBPF_MAP_GFP	(GFP_KERNEL | __GFP_NOWARN | __GFP_ACCOUNT)

/* common.c: shared abpf_map_ops entries */
void altbpf_map_core_put(struct abpf_map *map);
int altbpf_map_bind_prog(struct abpf_map *map, u32 prog_type);

#endif /* ALTBPF_MAPS_H */
