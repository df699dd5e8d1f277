// SPDX-License-Identifier: GPL-2.0
/*
 * ringbuf.c - BPF_MAP_TYPE_RINGBUF and the bpf_ringbuf_* helpers.
 *
 * max_entries is the data size (a power of two, a multiple of PAGE_SIZE).
 * The layout is the kernel's BPF_MAP_TYPE_RINGBUF one, so the same user
 * space consumer code works: one vmap of
 *
 *	page 0		struct krb (kernel only: locks, wait queue, pages)
 *	page 1		consumer_pos (user space maps it read-write)
 *	page 2		producer_pos (read-only for user space)
 *	pages 3..	the data pages, mapped twice back to back
 *
 * so a record that wraps is still contiguous, and a record header
 * (struct rb_hdr: len with BUSY/DISCARD bits, pg_off) finds its ring from
 * the sample address.  Producers (programs) serialise on a raw spinlock
 * (trylock in NMI context); reserve fails (NULL) when the consumer is too
 * far behind.  Submit/discard flip the header with cmpxchg, so a record
 * is committed at most once, then wake pollers through an irq_work (any
 * context, NMI included).  Consumers: altbpf_ringbuf_consume() in the
 * kernel, or user space through mmap (offset 0 = page 1) and poll of the
 * map fd (docs/maps.md).  consumer_pos is user-writable: nothing trusts
 * it beyond keeping every access inside the ring.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/hardirq.h>
#include <linux/irq_work.h>
#include <linux/poll.h>

#include "altbpf_maps.h"

/* the kernel's struct bpf_ringbuf_hdr (BPF_RINGBUF_HDR_SZ bytes) */
struct rb_hdr {
	u32 len;			/* | BPF_RINGBUF_BUSY/DISCARD_BIT */
	u32 pg_off;			/* pages from the ring's start */
};

struct krb {
	raw_spinlock_t lock;
	struct mutex cons_lock;
	wait_queue_head_t waitq;
	struct irq_work work;		/* wakes waitq from any context */
	u64 mask;
	u32 nr_pages;			/* data pages */
	struct page **pages;		/* control pages + data pages */

	/* one page each: user space maps them with different rights */
	unsigned long __aligned(PAGE_SIZE) consumer_pos;
	unsigned long __aligned(PAGE_SIZE) producer_pos;
	u8 __aligned(PAGE_SIZE) data[];
};

/* krb, consumer and producer pages; user space maps from the second. */
#define RB_CTL_PAGES	3
#define RB_USER_PGOFF	1

static inline u8 *rb_data(struct krb *rb)
{
	return rb->data;
}

static void rb_notify(struct irq_work *work)
{
	struct krb *rb = container_of(work, struct krb, work);

	wake_up_all(&rb->waitq);
}

static const struct abpf_map_ops ringbuf_ops = {
	.bind_prog = altbpf_map_bind_prog,
	.put = altbpf_map_core_put,
};

static void rb_free(struct altbpf_map *m)
{
	struct krb *rb = m->priv;
	struct page **pages;
	u32 i, n;

	if (!rb)
		return;
	pages = rb->pages;
	n = RB_CTL_PAGES + rb->nr_pages;
	irq_work_sync(&rb->work);
	vunmap(rb);
	for (i = 0; i < n; i++)
		__free_page(pages[i]);
	kvfree(pages);
	m->priv = NULL;
}

static int rb_alloc(struct altbpf_map *m, const union bpf_attr *attr)
{
	u32 size = attr->max_entries, nr, i;
	struct page **pages, **map_pages;
	struct krb *rb;
	int err;

	if (attr->key_size || attr->value_size || attr->map_flags ||
	    !size || !is_power_of_2(size) || !PAGE_ALIGNED(size))
		return -EINVAL;
	if (size > (1U << 30))
		return -E2BIG;
	nr = size >> PAGE_SHIFT;
	err = altbpf_map_charge(m, (u64)(nr + RB_CTL_PAGES) << PAGE_SHIFT);
	if (err)
		return err;
	pages = kvcalloc(nr + RB_CTL_PAGES, sizeof(*pages), ALTBPF_MAP_GFP);
	map_pages = kvcalloc(2 * nr + RB_CTL_PAGES, sizeof(*pages),
			     ALTBPF_MAP_GFP);
	if (!pages || !map_pages)
		goto nomem;
	for (i = 0; i < nr + RB_CTL_PAGES; i++) {
		pages[i] = alloc_page(ALTBPF_MAP_GFP | __GFP_ZERO);
		if (!pages[i])
			goto nomem;
	}
	for (i = 0; i < RB_CTL_PAGES; i++)
		map_pages[i] = pages[i];
	for (i = 0; i < nr; i++) {
		map_pages[RB_CTL_PAGES + i] = pages[RB_CTL_PAGES + i];
		map_pages[RB_CTL_PAGES + nr + i] = pages[RB_CTL_PAGES + i];
	}
	rb = vmap(map_pages, 2 * nr + RB_CTL_PAGES, VM_MAP | VM_USERMAP,
		  PAGE_KERNEL);
	if (!rb)
		goto nomem;
	kvfree(map_pages);
	BUILD_BUG_ON(offsetof(struct krb, data) !=
		     RB_CTL_PAGES << PAGE_SHIFT);
	raw_spin_lock_init(&rb->lock);
	mutex_init(&rb->cons_lock);
	init_waitqueue_head(&rb->waitq);
	init_irq_work(&rb->work, rb_notify);
	rb->mask = size - 1;
	rb->nr_pages = nr;
	rb->pages = pages;
	m->priv = rb;
	m->map.ops = &ringbuf_ops;
	return 0;
nomem:
	for (i = 0; pages && i < nr + RB_CTL_PAGES; i++)
		if (pages[i])
			__free_page(pages[i]);
	kvfree(pages);
	kvfree(map_pages);
	return -ENOMEM;
}

static void *rb_reserve(struct krb *rb, u64 size)
{
	unsigned long cons, prod, len, flags;
	struct rb_hdr *hdr;

	if (size > rb->mask + 1 - BPF_RINGBUF_HDR_SZ)
		return NULL;
	len = round_up(size + BPF_RINGBUF_HDR_SZ, 8);
	if (in_nmi()) {
		if (!raw_spin_trylock_irqsave(&rb->lock, flags))
			return NULL;
	} else {
		raw_spin_lock_irqsave(&rb->lock, flags);
	}
	cons = smp_load_acquire(&rb->consumer_pos);
	prod = rb->producer_pos;
	if (prod + len - cons > rb->mask + 1) {
		raw_spin_unlock_irqrestore(&rb->lock, flags);
		return NULL;
	}
	hdr = (void *)(rb_data(rb) + (prod & rb->mask));
	hdr->len = (u32)size | BPF_RINGBUF_BUSY_BIT;
	hdr->pg_off = ((unsigned long)hdr - (unsigned long)rb) >> PAGE_SHIFT;
	smp_store_release(&rb->producer_pos, prod + len);
	raw_spin_unlock_irqrestore(&rb->lock, flags);
	return (u8 *)hdr + BPF_RINGBUF_HDR_SZ;
}

static struct krb *rb_of_hdr(struct rb_hdr *hdr)
{
	return (void *)((unsigned long)hdr & PAGE_MASK) -
	       ((unsigned long)hdr->pg_off << PAGE_SHIFT);
}

/*
 * As the kernel: wake the consumer when the record is the first one it
 * has not consumed (it has seen everything before and may be sleeping),
 * or when asked to.
 */
static void rb_commit(void *sample, u64 flags, bool discard)
{
	struct rb_hdr *hdr = sample - BPF_RINGBUF_HDR_SZ;
	u32 old = READ_ONCE(hdr->len), new;
	struct krb *rb = rb_of_hdr(hdr);
	unsigned long rec_pos, cons_pos;

	do {
		if (!(old & BPF_RINGBUF_BUSY_BIT))
			return;		/* committed already */
		new = old & ~BPF_RINGBUF_BUSY_BIT;
		if (discard)
			new |= BPF_RINGBUF_DISCARD_BIT;
	} while (!try_cmpxchg(&hdr->len, &old, new));

	rec_pos = (u8 *)hdr - rb_data(rb);
	/* pairs with the consumer's release of consumer_pos */
	cons_pos = smp_load_acquire(&rb->consumer_pos) & rb->mask;
	if (flags & BPF_RB_FORCE_WAKEUP)
		irq_work_queue(&rb->work);
	else if (cons_pos == rec_pos && !(flags & BPF_RB_NO_WAKEUP))
		irq_work_queue(&rb->work);
}

#define RB_WAKE_FLAGS	((u64)(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP))

#define P(x)	((void *)(unsigned long)(x))

u64 abpf_host_ringbuf_reserve(u64 map, u64 size, u64 flags, u64 d, u64 e,
			      struct abpf_run_ctx *rc)
{
	if (flags)
		return 0;
	return (u64)(unsigned long)rb_reserve(to_altbpf_map(P(map))->priv,
					      size);
}

/* Unknown flags are ignored as the kernel does (the record must go). */
u64 abpf_host_ringbuf_submit(u64 sample, u64 flags, u64 c, u64 d, u64 e,
			     struct abpf_run_ctx *rc)
{
	rb_commit(P(sample), flags & RB_WAKE_FLAGS, false);
	return 0;
}

u64 abpf_host_ringbuf_discard(u64 sample, u64 flags, u64 c, u64 d, u64 e,
			      struct abpf_run_ctx *rc)
{
	rb_commit(P(sample), flags & RB_WAKE_FLAGS, true);
	return 0;
}

u64 abpf_host_ringbuf_output(u64 map, u64 data, u64 size, u64 flags, u64 e,
			     struct abpf_run_ctx *rc)
{
	void *s;

	if (flags & ~RB_WAKE_FLAGS)
		return (u64)-EINVAL;
	s = rb_reserve(to_altbpf_map(P(map))->priv, size);
	if (!s)
		return (u64)-EAGAIN;
	memcpy(s, P(data), size);
	rb_commit(s, flags, false);
	return 0;
}

int altbpf_ringbuf_consume(struct altbpf_map *m,
			   void (*fn)(const void *data, u32 len, void *arg),
			   void *arg)
{
	struct krb *rb = m->priv;
	unsigned long cons, prod;
	int n = 0;

	if (m->map.type != BPF_MAP_TYPE_RINGBUF)
		return -EINVAL;
	mutex_lock(&rb->cons_lock);
	cons = rb->consumer_pos;
	prod = smp_load_acquire(&rb->producer_pos);
	while (cons < prod) {
		struct rb_hdr *hdr = (void *)(rb_data(rb) +
						       (cons & rb->mask));
		u32 len = smp_load_acquire(&hdr->len);

		/* user space may have moved consumer_pos anywhere */
		if ((len & BPF_RINGBUF_BUSY_BIT) || (cons & 7) ||
		    (len & ~BPF_RINGBUF_DISCARD_BIT) >
		    rb->mask + 1 - BPF_RINGBUF_HDR_SZ)
			break;
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			fn((u8 *)hdr + BPF_RINGBUF_HDR_SZ,
			   len & ~BPF_RINGBUF_DISCARD_BIT, arg);
			n++;
		}
		cons += round_up((len & ~BPF_RINGBUF_DISCARD_BIT) +
				 BPF_RINGBUF_HDR_SZ, 8);
		smp_store_release(&rb->consumer_pos, cons);
	}
	mutex_unlock(&rb->cons_lock);
	return n;
}

/* Bytes between the consumer and the producer (records not consumed). */
static unsigned long rb_avail(struct krb *rb)
{
	unsigned long prod, cons;

	/* consumer first: it never passes a producer_pos read after it */
	cons = smp_load_acquire(&rb->consumer_pos);
	/* pairs with the release in rb_reserve() */
	prod = smp_load_acquire(&rb->producer_pos);
	return prod - cons;
}

/*
 * mmap of the map fd, the kernel's ABI: offset 0 is the consumer page
 * (the only page that may be mapped writable, and alone), offset
 * PAGE_SIZE the producer page then the data pages twice, read-only.
 * remap_vmalloc_range() takes a reference on every page and the vma pins
 * the file, hence the map and the module, until munmap.
 */
int altbpf_ringbuf_mmap(struct altbpf_map *m, struct vm_area_struct *vma)
{
	if (m->map.type != BPF_MAP_TYPE_RINGBUF)
		return -ENODEV;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE) {
		if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
			return -EPERM;
	} else {
		vma->vm_flags &= ~VM_MAYWRITE;	/* 6.1: no vm_flags_clear() */
	}
	/* checks the size and offset against the vmap */
	return remap_vmalloc_range(vma, m->priv,
				   vma->vm_pgoff + RB_USER_PGOFF);
}

/* poll of the map fd: readable while records are not consumed. */
__poll_t altbpf_ringbuf_poll(struct altbpf_map *m, struct file *file,
			     struct poll_table_struct *pts)
{
	struct krb *rb = m->priv;

	if (m->map.type != BPF_MAP_TYPE_RINGBUF)
		return 0;
	poll_wait(file, &rb->waitq, pts);
	return rb_avail(rb) ? EPOLLIN | EPOLLRDNORM : 0;
}

const struct altbpf_map_kops altbpf_ringbuf_kops = {
	.alloc = rb_alloc,
	.free = rb_free,
};

/* the KUnit suite drives the helpers directly */
EXPORT_SYMBOL_NS_GPL(abpf_host_ringbuf_output, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(abpf_host_ringbuf_reserve, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(abpf_host_ringbuf_submit, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(abpf_host_ringbuf_discard, ALTBPF_INTERNAL);
