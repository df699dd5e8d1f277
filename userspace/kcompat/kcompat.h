/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcompat.h - the kernel API module/maps/ uses, for native builds.
 *
 * The module's map types (array.c, hash.c, lpm_trie.c) compile natively
 * against this header (through the one-line shims in linux/ and asm/ beside it),
 * so native programs run on the module's own algorithms: one map code,
 * two hosts.  userspace/maps_native.c is the glue (common.c's and dev.c's
 * role): creation, references, fds, the bpf(2)-like calls.
 *
 * What each kernel facility becomes natively, and why that is honest:
 *  - allocation: malloc/calloc (GFP flags ignored; charges counted by
 *    maps_native.c, no budget);
 *  - per-CPU data: ABPF_NATIVE_NR_CPUS copies, a "CPU" is the calling
 *    thread's abpf_native_cpu (maps_native.h), as the old native maps did;
 *  - spinlocks: pthread mutexes (irq flags unused); in_nmi() is 0;
 *  - the per-CPU re-entrancy guards (preempt_disable + this_cpu_inc_return
 *    on a busy count): nothing interrupts a native thread inside a map
 *    update (no irqs, NMIs or kprobes), so the guard always passes.
 *    Counting per native CPU would be wrong: several threads may share a
 *    CPU number and would refuse each other with -EBUSY;
 *  - RCU: readers take no lock (rcu_read_lock() is empty), pointers are
 *    published with release stores and read with acquire loads.  Natively
 *    a program run has no read-side section the host could wait for, so
 *    kfree_rcu() files the object on the current map's retired list
 *    (kc_rcu_limbo, set by maps_native.c around every writer call) and it
 *    is freed with the map, when no program can hold a pointer into it.
 *    Preallocated maps (array, hash) never free while they live;
 *  - jhash: linux/jhash.h beside this file (Bob Jenkins' lookup3).
 */
#ifndef ALTBPF_KCOMPAT_H
#define ALTBPF_KCOMPAT_H

#include <pthread.h>
#include <stdalign.h>
#include <sys/random.h>

#include "host.h"		/* module/core: u8..u64, READ_ONCE, ... */
#include "maps_native.h"	/* ABPF_NATIVE_NR_CPUS, abpf_native_cpu */

/* Only pointers to these appear (altbpf_maps.h's ringbuf calls). */
struct file;
struct vm_area_struct;
struct poll_table_struct;

/* ---- compiler and arithmetic ---- */

#define __rcu
#define __percpu
#define __force
#define __uninitialized
#ifndef __aligned
#define __aligned(x)	__attribute__((aligned(x)))
#endif
#define barrier()	({ __asm__ __volatile__("" ::: "memory"); })
#define U32_MAX		((u32)~0U)

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif
#define min(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); \
			   _a < _b ? _a : _b; })
#define max(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); \
			   _a > _b ? _a : _b; })
#define round_up(x, y)	((((x) - 1) | ((typeof(x))(y) - 1)) + 1)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

static inline unsigned long __fls(unsigned long x)
{
	return 63 - __builtin_clzl(x);
}

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (64 - __builtin_clzl(n - 1));
}

/* The kernel's generic array_index_mask_nospec(): ~0 if index < size. */
static inline unsigned long array_index_nospec(unsigned long index,
					       unsigned long size)
{
	long mask = ~(long)(index | (size - 1UL - index)) >> 63;

	barrier();
	return index & (unsigned long)mask;
}

static inline u32 get_unaligned_be32(const void *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return __builtin_bswap32(v);
}

static inline u64 get_unaligned_be64(const void *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return __builtin_bswap64(v);
}

/*
 * memcmp: as the kernel's (lib/string.c with efficient unaligned access):
 * a word at a time, then (here) a u32, then bytes, which also give the sign.  Hash maps compare every key they meet with
 * it; glibc's out-of-line vector memcmp costs more on short keys.
 */
static inline int kc_memcmp(const void *p1, const void *p2, size_t n)
{
	const u8 *s1 = p1, *s2 = p2;
	unsigned long w1, w2;
	int d = 0;

	for (; n >= sizeof(w1); n -= sizeof(w1), s1 += sizeof(w1),
	     s2 += sizeof(w1)) {
		memcpy(&w1, s1, sizeof(w1));
		memcpy(&w2, s2, sizeof(w2));
		if (w1 != w2)
			goto bytes;
	}
	if (n >= 4) {			/* u32 keys: one compare */
		u32 h1, h2;

		memcpy(&h1, s1, 4);
		memcpy(&h2, s2, 4);
		if (h1 == h2) {
			n -= 4;
			s1 += 4;
			s2 += 4;
		}
	}
bytes:
	for (; n; n--, s1++, s2++) {
		d = *s1 - *s2;
		if (d)
			break;
	}
	return d;
}
#define memcmp(p1, p2, n)	kc_memcmp(p1, p2, n)

/* ---- allocation ---- */

typedef unsigned int gfp_t;
#define GFP_KERNEL	0u
#define GFP_ATOMIC	0u
#define __GFP_NOWARN	0u
#define __GFP_ACCOUNT	0u

static inline void *kmalloc(size_t size, gfp_t gfp)
{
	return malloc(size ? size : 1);
}

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return calloc(1, size ? size : 1);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return malloc(n && size ? n * size : 1);
}

#define kvzalloc(size, gfp)	kzalloc(size, gfp)
#define kvcalloc(n, size, gfp)	calloc((n) ? (n) : 1, (size) ? (size) : 1)
#define kfree(p)		free((void *)(p))
#define kvfree(p)		free((void *)(p))
#define cond_resched()		do { } while (0)

/* ---- per-CPU data: ABPF_NATIVE_NR_CPUS copies, unit size before them ---- */

#define PCPU_MIN_UNIT_SIZE	(32 << 10)

void *kc_alloc_percpu(size_t size, size_t align);
void kc_free_percpu(void *p);

static inline void *kc_cpu_ptr(void *p, u32 cpu)
{
	return (u8 *)p + (size_t)cpu * ((const u64 *)p)[-1];
}

#define __alloc_percpu_gfp(size, align, gfp)	kc_alloc_percpu(size, align)
#define alloc_percpu_gfp(type, gfp) \
	((type *)kc_alloc_percpu(sizeof(type), alignof(type)))
#define free_percpu(p)		kc_free_percpu((void *)(p))
#define per_cpu_ptr(p, cpu)	((typeof(p))kc_cpu_ptr((void *)(p), cpu))
#define this_cpu_ptr(p)		per_cpu_ptr(p, abpf_native_cpu)
#define smp_processor_id()	((int)abpf_native_cpu)
#define num_possible_cpus()	ABPF_NATIVE_NR_CPUS
#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < ABPF_NATIVE_NR_CPUS; (cpu)++)

/* Re-entrancy guards (see the top): a native thread is never re-entered. */
#define preempt_disable()	barrier()
#define preempt_enable()	barrier()
#define this_cpu_inc_return(pcp)	({ (void)&(pcp); 1; })
#define this_cpu_dec(pcp)	((void)&(pcp))
#define in_nmi()		0

/* ---- locks and counters ---- */

typedef pthread_mutex_t raw_spinlock_t;
typedef pthread_mutex_t spinlock_t;
#define raw_spin_lock_init(l)	pthread_mutex_init(l, NULL)
#define raw_spin_lock_irqsave(l, f) \
	do { (f) = 0; pthread_mutex_lock(l); } while (0)
#define raw_spin_trylock_irqsave(l, f) \
	({ (f) = 0; !pthread_mutex_trylock(l); })
#define raw_spin_unlock_irqrestore(l, f) \
	do { (void)(f); pthread_mutex_unlock(l); } while (0)
#define spin_lock_init(l)	pthread_mutex_init(l, NULL)
#define spin_lock(l)		pthread_mutex_lock(l)
#define spin_unlock(l)		pthread_mutex_unlock(l)

typedef struct { int counter; } atomic_t;
typedef struct { int refs; } refcount_t;

static inline u32 get_random_u32(void)
{
	u32 v;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (u32)(unsigned long)&v ^ 0x9e3779b9;
	return v;
}

/* ---- RCU (see the top) ---- */

struct rcu_head {
	struct rcu_head *next;
	void *obj;			/* what to free */
};

struct rcu_work {
	int unused;			/* maps_native.c frees maps itself */
};

/* Where kfree_rcu() files retired objects: the map being written. */
extern __thread struct rcu_head **kc_rcu_limbo;
void kc_kfree_rcu(void *obj, struct rcu_head *head);
void kc_rcu_free_limbo(struct rcu_head **limbo);

#define rcu_read_lock()		barrier()
#define rcu_read_unlock()	barrier()
#define rcu_dereference_raw(p)	__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_dereference(p)	rcu_dereference_raw(p)
#define rcu_dereference_check(p, c)	rcu_dereference_raw(p)
#define rcu_dereference_protected(p, c)	(p)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v)	WRITE_ONCE(p, v)
#define kfree_rcu(obj, field)	kc_kfree_rcu(obj, &(obj)->field)

/* ---- lists: linux/list.h and linux/list_nulls.h (the parts used) ---- */

struct list_head {
	struct list_head *next, *prev;
};

static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}

static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_add(n, head, head->next);
}

static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_add(n, head->prev, head);
}

static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = NULL;
	e->prev = NULL;
}

static inline void list_move(struct list_head *e, struct list_head *head)
{
	list_del(e);
	list_add(e, head);
}

static inline bool list_empty(const struct list_head *head)
{
	return READ_ONCE(head->next) == head;
}

#define list_entry(p, type, member)	container_of(p, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)
#define list_last_entry(h, type, member) list_entry((h)->prev, type, member)

/* A list ends in a "nulls" marker: odd, carrying a value (the bucket). */
struct hlist_nulls_node {
	struct hlist_nulls_node *next, **pprev;
};

struct hlist_nulls_head {
	struct hlist_nulls_node *first;
};

#define NULLS_MARKER(v)	(1UL | (((unsigned long)(v)) << 1))
#define INIT_HLIST_NULLS_HEAD(h, v) \
	((h)->first = (struct hlist_nulls_node *)NULLS_MARKER(v))
#define hlist_nulls_entry(p, type, member)	container_of(p, type, member)
#define hlist_nulls_first_rcu(h)	((h)->first)
#define hlist_nulls_next_rcu(n)		((n)->next)

static inline bool is_a_nulls(const struct hlist_nulls_node *p)
{
	return (unsigned long)p & 1;
}

static inline unsigned long get_nulls_value(const struct hlist_nulls_node *p)
{
	return (unsigned long)p >> 1;
}

/* Writers (under the map's lock) against lock-free readers. */
static inline void hlist_nulls_add_head_rcu(struct hlist_nulls_node *n,
					    struct hlist_nulls_head *h)
{
	struct hlist_nulls_node *first = h->first;

	n->next = first;
	WRITE_ONCE(n->pprev, &h->first);
	rcu_assign_pointer(h->first, n);
	if (!is_a_nulls(first))
		WRITE_ONCE(first->pprev, &n->next);
}

static inline void hlist_nulls_del_rcu(struct hlist_nulls_node *n)
{
	struct hlist_nulls_node *next = n->next, **pprev = n->pprev;

	WRITE_ONCE(*pprev, next);
	if (!is_a_nulls(next))
		WRITE_ONCE(next->pprev, pprev);
	/* n->next stays: a reader on n goes on to the end of the chain */
	WRITE_ONCE(n->pprev, NULL);
}

#define hlist_nulls_for_each_entry_rcu(tpos, pos, head, member)		\
	for (barrier(), pos = rcu_dereference_raw((head)->first);	\
	     !is_a_nulls(pos) &&					\
	     ({ tpos = hlist_nulls_entry(pos, typeof(*tpos), member); 1; }); \
	     pos = rcu_dereference_raw(pos->next))

#endif /* ALTBPF_KCOMPAT_H */
