// SPDX-License-Identifier: GPL-2.0
/*
 * jit_arena.c - the kernel host of the altbpf JIT: executable memory.
 *
 * On the 6.1 test kernel a module cannot make memory executable: vmap()
 * forces NX, and module_alloc(), set_memory_x() and text_poke() are not
 * exported.  So the executable memory is part of the module's own text: a
 * 2 MiB block of int3 in a section "ax" (progbits, not nobits: objtool
 * chokes on "ax" nobits), which the module loader maps RX with the rest of
 * the module text, within rel32 reach of the kernel and of our helpers.
 *
 * Writing: the arena's pages are found with vmalloc_to_page() (module
 * memory is vmalloc space) and mapped through a temporary writable,
 * non-executable alias, vmap(PAGE_KERNEL); the code is copied in and the
 * alias is vunmap()ed before the image is published.  The executable
 * mapping is never writable and the writable alias never executable, so
 * W^X holds at every instant.  The JIT writes the code into a kvmalloc()
 * staging buffer first (the core's rw_alias), finalize() copies it in.
 *
 * Allocation: first fit over 64-byte units with a bitmap, under a mutex.
 * An image starts at a random 16-byte offset (0-48) within its slot;
 * unused and freed bytes are int3.  A freed image is refilled with int3
 * and its units returned only after an RCU grace period (queue_rcu_work),
 * so a CPU still running it is never pulled from under.  Running out of
 * space is a clean -ENOMEM (counted); the program runs on the interpreter.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/bitmap.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/workqueue.h>
#include <linux/rcupdate.h>
#include <linux/list.h>
#include <asm/cpufeature.h>
#include <asm/nospec-branch.h>

#include "jit_arena.h"
#include "core/jit.h"

#define ARENA_SIZE	(2U << 20)
#define ARENA_UNIT	64U
#define ARENA_UNITS	(ARENA_SIZE / ARENA_UNIT)
#define ARENA_SLACK	48U	/* room for the random start offset */

/* The arena: int3-filled module text, page aligned. */
asm(".pushsection .text.altbpf_arena, \"ax\", @progbits\n"
	".balign 4096\n"
	"altbpf_jit_arena:\n"
	".fill " __stringify(ARENA_SIZE) ", 1, 0xcc\n"
	".popsection\n");

static DEFINE_MUTEX(arena_lock);
static DECLARE_BITMAP(arena_map, ARENA_UNITS);
static u32 arena_used_units;
static u32 arena_images;
static u64 arena_exhausted;
static struct workqueue_struct *arena_wq;
static unsigned long arena_last_alias;	/* for the KUnit suite */
static u32 arena_reg_perm;		/* KUnit: host->reg_perm */
static altbpf_jit_alias_probe_t arena_alias_probe;	/* KUnit */
static void *arena_alias_probe_arg;

/* Images between alloc() and finalize()/free(): their staging buffers. */
struct arena_pending {
	struct list_head node;
	void *image;
	void *staging;
};
static LIST_HEAD(arena_pending_list);

struct arena_free_work {
	struct rcu_work rwork;
	void *image;
	u32 size;
};

static u32 arena_units_for(u32 size)
{
	return DIV_ROUND_UP(size + ARENA_SLACK, ARENA_UNIT);
}

/* Copy (or fill when src is NULL) bytes into the arena via a RW alias. */
static int arena_write(void *dst, const void *src, u32 len)
{
	unsigned long start = (unsigned long)dst & PAGE_MASK;
	unsigned long end = PAGE_ALIGN((unsigned long)dst + len);
	u32 i, nr = (end - start) >> PAGE_SHIFT;
	altbpf_jit_alias_probe_t probe;
	struct page **pages;
	void *alias;

	pages = kcalloc(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		pages[i] = vmalloc_to_page((void *)(start + i * PAGE_SIZE));
		if (!pages[i]) {
			kfree(pages);
			return -EFAULT;
		}
	}
	alias = vmap(pages, nr, VM_MAP, PAGE_KERNEL);
	kfree(pages);
	if (!alias)
		return -ENOMEM;
	WRITE_ONCE(arena_last_alias, (unsigned long)alias);
	probe = READ_ONCE(arena_alias_probe);
	if (probe)
		probe(alias, nr << PAGE_SHIFT, READ_ONCE(arena_alias_probe_arg));
	if (src)
		memcpy(alias + ((unsigned long)dst - start), src, len);
	else
		memset(alias + ((unsigned long)dst - start), 0xcc, len);
	vunmap(alias);
	return 0;
}

static void *arena_alloc(u32 size, void **rw_alias)
{
	u32 units = arena_units_for(size), off;
	struct arena_pending *pend;
	unsigned long slot;
	void *image;

	if (!size || size > ARENA_SIZE - ARENA_SLACK)
		return NULL;
	pend = kzalloc(sizeof(*pend), GFP_KERNEL);
	if (!pend)
		return NULL;
	pend->staging = kvmalloc(size, GFP_KERNEL);
	if (!pend->staging) {
		kfree(pend);
		return NULL;
	}
	off = 16 * (get_random_u32() % (ARENA_SLACK / 16 + 1));

	mutex_lock(&arena_lock);
	slot = bitmap_find_next_zero_area(arena_map, ARENA_UNITS, 0, units, 0);
	if (slot >= ARENA_UNITS) {
		arena_exhausted++;
		mutex_unlock(&arena_lock);
		kvfree(pend->staging);
		kfree(pend);
		return NULL;
	}
	bitmap_set(arena_map, slot, units);
	arena_used_units += units;
	arena_images++;
	image = altbpf_jit_arena + slot * ARENA_UNIT + off;
	pend->image = image;
	list_add(&pend->node, &arena_pending_list);
	mutex_unlock(&arena_lock);

	memset(pend->staging, 0xcc, size);
	*rw_alias = pend->staging;
	return image;
}

/* Take image's staging record off the pending list (NULL if none). */
static struct arena_pending *arena_unpend(void *image)
{
	struct arena_pending *p, *found = NULL;

	mutex_lock(&arena_lock);
	list_for_each_entry(p, &arena_pending_list, node) {
		if (p->image == image) {
			list_del(&p->node);
			found = p;
			break;
		}
	}
	mutex_unlock(&arena_lock);
	return found;
}

static void arena_release_units(void *image, u32 size)
{
	u32 units = arena_units_for(size);
	unsigned long slot = ((u8 *)image - altbpf_jit_arena) / ARENA_UNIT;

	mutex_lock(&arena_lock);
	bitmap_clear(arena_map, slot, units);
	arena_used_units -= units;
	arena_images--;
	mutex_unlock(&arena_lock);
}

static int arena_finalize(void *image, void *rw_alias, u32 size)
{
	struct arena_pending *pend = arena_unpend(image);
	int err;

	if (!pend || pend->staging != rw_alias)
		return -EFAULT;
	err = arena_write(image, pend->staging, size);
	kvfree(pend->staging);
	kfree(pend);
	return err;
}

static void arena_free_work_fn(struct work_struct *work)
{
	struct arena_free_work *fw = container_of(to_rcu_work(work),
						  struct arena_free_work,
						  rwork);

	/* Nobody runs it any more: back to int3, then reusable. */
	if (!arena_write(fw->image, NULL, fw->size))
		arena_release_units(fw->image, fw->size);
	/* else: leak the units rather than hand out stale code */
	kfree(fw);
}

static void arena_free(void *image, u32 size)
{
	struct arena_pending *pend = arena_unpend(image);
	struct arena_free_work *fw;

	if (pend) {
		/* never finalized, never executed: release now */
		kvfree(pend->staging);
		kfree(pend);
		arena_release_units(image, size);
		return;
	}
	fw = kzalloc(sizeof(*fw), GFP_KERNEL | __GFP_NOFAIL);
	fw->image = image;
	fw->size = size;
	INIT_RCU_WORK(&fw->rwork, arena_free_work_fn);
	queue_rcu_work(arena_wq, &fw->rwork);
}

static u32 arena_random(void)
{
	return get_random_u32();
}

static void altbpf_jit_host_init(struct abpf_jit_host *host)
{
	memset(host, 0, sizeof(*host));
	host->alloc = arena_alloc;
	host->finalize = arena_finalize;
	host->free = arena_free;
	host->random = arena_random;
	/* The arena is module text: helpers are always within rel32. */
	host->flags = ABPF_JIT_NEAR_CALLS;
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT) &&
	    cpu_feature_enabled(X86_FEATURE_IBT))
		host->flags |= ABPF_JIT_IBT;
#ifdef CONFIG_RETHUNK
	if (cpu_feature_enabled(X86_FEATURE_RETHUNK)) {
		host->flags |= ABPF_JIT_RETHUNK;
		host->return_thunk = __x86_return_thunk;
	}
#endif
#ifdef CONFIG_RETPOLINE
	if (cpu_feature_enabled(X86_FEATURE_RETPOLINE)) {
		host->flags |= ABPF_JIT_RETPOLINE;
		/* declared by <asm/nospec-branch.h> */
		host->indirect_thunk_rax = __x86_indirect_thunk_rax;
	}
#endif
	if (IS_ENABLED(CONFIG_SLS))
		host->flags |= ABPF_JIT_SLS;
	/* the caller's choice (module parameter jit_harden) */
	host->blind = 0;
	host->reg_perm = READ_ONCE(arena_reg_perm);
}

int altbpf_jit_prog(struct abpf_prog *prog, u32 blind, u32 *insn_offsets,
		    struct abpf_log *log)
{
	struct abpf_jit_host host;

	altbpf_jit_host_init(&host);
	host.blind = blind;
	host.insn_offsets = insn_offsets;
	return abpf_jit_compile(prog, &host, log);
}
EXPORT_SYMBOL_NS_GPL(altbpf_jit_prog, ALTBPF_INTERNAL);	/* KUnit */

void altbpf_jit_free(struct abpf_prog *prog)
{
	struct abpf_jit_host host;

	altbpf_jit_host_init(&host);
	abpf_jit_release(prog, &host);
}
EXPORT_SYMBOL_NS_GPL(altbpf_jit_free, ALTBPF_INTERNAL);	/* KUnit */

void altbpf_jit_arena_stats(struct altbpf_jit_arena_stats *st)
{
	mutex_lock(&arena_lock);
	st->size = ARENA_SIZE;
	st->used = arena_used_units * ARENA_UNIT;
	st->images = arena_images;
	st->exhausted = arena_exhausted;
	mutex_unlock(&arena_lock);
}
EXPORT_SYMBOL_NS_GPL(altbpf_jit_arena_stats, ALTBPF_INTERNAL);

void altbpf_jit_arena_drain(void)
{
	rcu_barrier();		/* every queued free's grace period ... */
	flush_workqueue(arena_wq);	/* ... and its work */
}
EXPORT_SYMBOL_NS_GPL(altbpf_jit_arena_drain, ALTBPF_INTERNAL);

void *altbpf_jit_arena_test_alloc(u32 size)
{
	void *rw;

	return arena_alloc(size, &rw);
}
EXPORT_SYMBOL_NS_GPL(altbpf_jit_arena_test_alloc, ALTBPF_INTERNAL);

void altbpf_jit_arena_test_free(void *image, u32 size)
{
	arena_free(image, size);
}
EXPORT_SYMBOL_NS_GPL(altbpf_jit_arena_test_free, ALTBPF_INTERNAL);

unsigned long altbpf_jit_arena_last_alias(void)
{
	return READ_ONCE(arena_last_alias);
}
EXPORT_SYMBOL_NS_GPL(altbpf_jit_arena_last_alias, ALTBPF_INTERNAL);

u32 altbpf_jit_arena_test_reg_perm(u32 perm)
{
	return xchg(&arena_reg_perm, perm);
}
EXPORT_SYMBOL_NS_GPL(altbpf_jit_arena_test_reg_perm, ALTBPF_INTERNAL);

void altbpf_jit_arena_test_alias_probe(altbpf_jit_alias_probe_t fn, void *arg)
{
	WRITE_ONCE(arena_alias_probe_arg, arg);
	WRITE_ONCE(arena_alias_probe, fn);
}
EXPORT_SYMBOL_NS_GPL(altbpf_jit_arena_test_alias_probe, ALTBPF_INTERNAL);

void altbpf_jit_arena_bounds(const u8 **start, u32 *size)
{
	*start = altbpf_jit_arena;
	*size = ARENA_SIZE;
}
EXPORT_SYMBOL_NS_GPL(altbpf_jit_arena_bounds, ALTBPF_INTERNAL);

int altbpf_jit_arena_init(void)
{
	arena_wq = alloc_workqueue("altbpf_jit", WQ_UNBOUND, 0);
	return arena_wq ? 0 : -ENOMEM;
}

void altbpf_jit_arena_exit(void)
{
	/* every queued free: its grace period, then its work */
	rcu_barrier();
	if (arena_wq) {
		flush_workqueue(arena_wq);
		destroy_workqueue(arena_wq);
		arena_wq = NULL;
	}
}
