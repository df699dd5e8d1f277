// SPDX-License-Identifier: GPL-2.0
/*
 * ringbuf.c - BPF_MAP_TYPE_RINGBUF and the bpf_ringbuf_* helpers.
 *
 * max_entries is the data size (a power of two, a multiple of PAGE_SIZE).
 * Like the kernel, the data pages are mapped twice back to back after a
 * control page (vmap), so a record that wraps is still contiguous, and a
 * record header (struct rb_hdr: len with BUSY/DISCARD bits,
 * pg_off) finds its ring from the sample address.  Producers (programs)
 * serialise on a raw spinlock (trylock in NMI context); reserve fails
 * (NULL) when the consumer is too far behind.  Submit/discard flip the
 * header with cmpxchg, so a record is committed at most once.  The
 * consumer side (altbpf_ringbuf_consume(), later an mmap for user space)
 * reads committed records in order and stops at a busy one.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/hardirq.h>

#include "altbpf_maps.h"

/* the kernel's struct bpf_ringbuf_hdr (BPF_RINGBUF_HDR_SZ bytes) */
struct rb_hdr {
	u32 len;			/* | BPF_RINGBUF_BUSY/DISCARD_BIT */
	u32 pg_off;			/* pages from the ring's start */
};

struct krb {
	raw_spinlock_t lock;
	struct mutex cons_lock;
	u64 mask;
	u32 nr_pages;			/* data pages */
	struct page **pages;		/* control page + data pages */
	unsigned long consumer_pos;
	unsigned long producer_pos;
};

#define RB_CTL_PAGES	1

static inline u8 *rb_data(struct krb *rb)
{
	return (u8 *)rb + (RB_CTL_PAGES << PAGE_SHIFT);
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
	raw_spin_lock_init(&rb->lock);
	mutex_init(&rb->cons_lock);
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

static void rb_commit(void *sample, bool discard)
{
	struct rb_hdr *hdr = sample - BPF_RINGBUF_HDR_SZ;
	u32 old = READ_ONCE(hdr->len), new;

	do {
		if (!(old & BPF_RINGBUF_BUSY_BIT))
			return;		/* committed already */
		new = old & ~BPF_RINGBUF_BUSY_BIT;
		if (discard)
			new |= BPF_RINGBUF_DISCARD_BIT;
	} while (!try_cmpxchg(&hdr->len, &old, new));
}

#define P(x)	((void *)(unsigned long)(x))

u64 abpf_host_ringbuf_reserve(u64 map, u64 size, u64 flags, u64 d, u64 e,
			      struct abpf_run_ctx *rc)
{
	if (flags)
		return 0;
	return (u64)(unsigned long)rb_reserve(to_altbpf_map(P(map))->priv,
					      size);
}

u64 abpf_host_ringbuf_submit(u64 sample, u64 flags, u64 c, u64 d, u64 e,
			     struct abpf_run_ctx *rc)
{
	rb_commit(P(sample), false);
	return 0;
}

u64 abpf_host_ringbuf_discard(u64 sample, u64 flags, u64 c, u64 d, u64 e,
			      struct abpf_run_ctx *rc)
{
	rb_commit(P(sample), true);
	return 0;
}

u64 abpf_host_ringbuf_output(u64 map, u64 data, u64 size, u64 flags, u64 e,
			     struct abpf_run_ctx *rc)
{
	void *s;

	if (flags & ~(u64)(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP))
		return (u64)-EINVAL;
	s = rb_reserve(to_altbpf_map(P(map))->priv, size);
	if (!s)
		return (u64)-EAGAIN;
	memcpy(s, P(data), size);
	rb_commit(s, false);
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

		if (len & BPF_RINGBUF_BUSY_BIT)
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

const struct altbpf_map_kops altbpf_ringbuf_kops = {
	.alloc = rb_alloc,
	.free = rb_free,
};

/* the KUnit suite drives the helpers directly */
EXPORT_SYMBOL_NS_GPL(abpf_host_ringbuf_output, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(abpf_host_ringbuf_reserve, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(abpf_host_ringbuf_submit, ALTBPF_INTERNAL);
EXPORT_SYMBOL_NS_GPL(abpf_host_ringbuf_discard, ALTBPF_INTERNAL);
