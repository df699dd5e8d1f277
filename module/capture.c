// SPDX-License-Identifier: GPL-2.0
/*
 * capture.c - the packet-capture tap: classic BPF filters on a
 * dev_add_pack(ETH_P_ALL) handler, accepted packets copied to a ring that
 * userspace reads from a capture fd (docs/capture.md).
 *
 * Life of a capture: ALTBPF_IOC_CAPTURE_OPEN loads the filter
 * (altbpf_cbpf_load()), allocates the ring, registers a packet_type on
 * one device or on all of them and returns an anon-inode fd.  The handler
 * runs in softirq context (received packets) or with BHs disabled (sent
 * packets, through dev_queue_xmit_nit()); it only reads the skb, runs the
 * filter on the frame from its link-layer header, copies what the verdict
 * keeps into the ring under the ring's spinlock and drops its reference.
 * Closing the fd removes the packet_type (dev_remove_pack() waits for
 * handlers in flight) and frees everything; the fd's file_operations pin
 * the module meanwhile.  A device that goes away detaches its captures
 * (netdevice notifier): their readers see end of file once drained.
 *
 * Lists and attach state are under RTNL; the ring under c->lock; readers
 * are serialised by c->read_mutex and copy out of the ring without the
 * spinlock (producers never write between tail and head).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_vlan.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/percpu.h>
#include <linux/poll.h>
#include <linux/rtnetlink.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <net/net_namespace.h>

#include "altbpf_api.h"
#include "engine.h"
#include "altbpf.h"
#include "capture.h"

/*
 * Non-linear skbs are copied into a per-CPU bounce buffer for the filter:
 * the first ALTBPF_CAPTURE_BOUNCE bytes of the frame (a 64 KiB GSO/GRO
 * packet and its link-layer header).  Loads beyond it end the filter with
 * 0, counted in stats.truncated.
 */
#define ALTBPF_CAPTURE_BOUNCE	(SZ_64K + SZ_4K)
#define ALTBPF_CAPTURE_LOG_MAX	SZ_64K

struct altbpf_capture {
	struct packet_type pt;
	struct list_head node;		/* altbpf_captures, under RTNL */
	struct net *net;
	struct net_device *dev;		/* NULL: all devices of net */
	bool attached;			/* pt registered (RTNL) */
	bool gone;			/* the device was unregistered */
	struct altbpf_prog *prog;	/* NULL: no filter */
	u32 engine;
	u32 snaplen;
	u32 flags;

	spinlock_t lock;		/* ring: head, tail, stats below */
	u8 *ring;
	u32 size;			/* power of 2 */
	u64 head;			/* producers: next record */
	u64 tail;			/* reader: first unread record */
	u64 ring_dropped;
	u64 captured;
	struct mutex read_mutex;
	wait_queue_head_t wq;

	atomic64_t received;
	atomic64_t filter_dropped;
	atomic64_t filter_errors;
	atomic64_t truncated;
};

static LIST_HEAD(altbpf_captures);		/* under RTNL */
static DEFINE_MUTEX(altbpf_bounce_mutex);
static DEFINE_PER_CPU(u8 *, altbpf_bounce);
static bool altbpf_bounce_ready;

static int altbpf_capture_bounce_alloc(void)
{
	int cpu, err = 0;

	mutex_lock(&altbpf_bounce_mutex);
	if (altbpf_bounce_ready)
		goto out;
	for_each_possible_cpu(cpu) {
		u8 *b = per_cpu(altbpf_bounce, cpu);

		if (b)
			continue;
		b = vmalloc_node(ALTBPF_CAPTURE_BOUNCE, cpu_to_node(cpu));
		if (!b) {
			err = -ENOMEM;
			goto out;
		}
		per_cpu(altbpf_bounce, cpu) = b;
	}
	/* handlers only run after dev_add_pack(), which orders this */
	altbpf_bounce_ready = true;
out:
	mutex_unlock(&altbpf_bounce_mutex);
	return err;
}

static void altbpf_capture_bounce_free(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		vfree(per_cpu(altbpf_bounce, cpu));
		per_cpu(altbpf_bounce, cpu) = NULL;
	}
	altbpf_bounce_ready = false;
}

/* Ring access at a 64-bit position, wrapping. */
static void altbpf_ring_write(struct altbpf_capture *c, u64 pos,
			      const void *src, u32 n)
{
	u32 off = pos & (c->size - 1);
	u32 first = min(n, c->size - off);

	memcpy(c->ring + off, src, first);
	if (n > first)
		memcpy(c->ring, (const u8 *)src + first, n - first);
}

static void altbpf_ring_read(const struct altbpf_capture *c, u64 pos,
			     void *dst, u32 n)
{
	u32 off = pos & (c->size - 1);
	u32 first = min(n, c->size - off);

	memcpy(dst, c->ring + off, first);
	if (n > first)
		memcpy((u8 *)dst + first, c->ring, n - first);
}

/*
 * How many bytes of link-layer header precede skb->data: on receive the
 * stack has pulled the MAC header (skb->data is the network header), on
 * send skb->data is the MAC header already.  Devices without a link-layer
 * header (dev_has_header() false) show the frame from skb->data, as
 * af_packet's SOCK_RAW does.
 */
static u32 altbpf_capture_mac_off(const struct sk_buff *skb,
				  const struct net_device *dev)
{
	int off;

	if (!dev_has_header(dev) || !skb_mac_header_was_set(skb))
		return 0;
	off = -skb_mac_offset(skb);
	if (off <= 0 || off > skb_headroom(skb))
		return 0;
	return off;
}

/* Copy bytes [off, off + n) of the frame (MAC header + skb data) to dst. */
static void altbpf_capture_copy(const struct sk_buff *skb, u32 moff, u32 off,
				u8 *dst, u32 n)
{
	if (off < moff) {
		u32 k = min(n, moff - off);

		memcpy(dst, skb->data - moff + off, k);
		dst += k;
		off += k;
		n -= k;
	}
	if (n && skb_copy_bits(skb, off - moff, dst, n))
		memset(dst, 0, n);
}

static void altbpf_capture_store(struct altbpf_capture *c,
				 const struct sk_buff *skb,
				 const struct net_device *dev, u32 moff,
				 u32 wire, u32 keep)
{
	struct altbpf_capture_hdr h = {
		.tstamp_ns = ktime_get_real_ns(),
		.caplen = keep,
		.len = wire,
		.ifindex = dev->ifindex,
		.pkttype = skb->pkt_type,
		.protocol = (__force u16)skb->protocol,
		.hatype = dev->type,
		.vlan_tci = skb_vlan_tag_get(skb),
		.vlan_proto = (__force u16)skb->vlan_proto,
		.vlan_present = skb_vlan_tag_present(skb),
	};
	u32 rec = ALTBPF_CAPTURE_ALIGN(sizeof(h) + keep);
	unsigned long flags;
	u64 pos;
	u32 off, first;

	spin_lock_irqsave(&c->lock, flags);
	if (c->head - c->tail + rec > c->size) {
		c->ring_dropped++;
		spin_unlock_irqrestore(&c->lock, flags);
		return;
	}
	pos = c->head;
	altbpf_ring_write(c, pos, &h, sizeof(h));
	pos += sizeof(h);
	off = pos & (c->size - 1);
	first = min(keep, c->size - off);
	altbpf_capture_copy(skb, moff, 0, c->ring + off, first);
	if (keep > first)
		altbpf_capture_copy(skb, moff, first, c->ring, keep - first);
	WRITE_ONCE(c->head, c->head + rec);
	c->captured++;
	spin_unlock_irqrestore(&c->lock, flags);
	wake_up_interruptible_poll(&c->wq, EPOLLIN | EPOLLRDNORM);
}

/*
 * The packet_type handler.  It owns one reference to @skb (possibly
 * shared with other taps: it is never modified) and always releases it.
 */
static int altbpf_capture_rcv(struct sk_buff *skb, struct net_device *dev,
			      struct packet_type *pt,
			      struct net_device *orig_dev)
{
	struct altbpf_capture *c = container_of(pt, struct altbpf_capture, pt);
	struct abpf_pkt_ctx ctx = {};
	u32 moff, wire, keep;
	u64 verdict;

	/* multicast looped back to us: af_packet ignores it too */
	if (skb->pkt_type == PACKET_LOOPBACK)
		goto out;
	if (!net_eq(dev_net(dev), c->net) || READ_ONCE(c->gone))
		goto out;
	if (skb->pkt_type == PACKET_OUTGOING &&
	    ((c->flags & ALTBPF_CAPTURE_F_IN_ONLY) ||
	     ((c->flags & ALTBPF_CAPTURE_F_LO_NO_OUTGOING) &&
	      (dev->flags & IFF_LOOPBACK))))
		goto out;

	moff = altbpf_capture_mac_off(skb, dev);
	wire = skb->len + moff;
	atomic64_inc(&c->received);

	if (c->prog) {
		if (!skb_is_nonlinear(skb)) {
			ctx.data = (unsigned long)(skb->data - moff);
			ctx.data_end = (unsigned long)(skb->data + skb->len);
		} else {
			u8 *b = this_cpu_read(altbpf_bounce);
			u32 n = min_t(u32, wire, ALTBPF_CAPTURE_BOUNCE);

			altbpf_capture_copy(skb, moff, 0, b, n);
			if (n < wire)
				atomic64_inc(&c->truncated);
			ctx.data = (unsigned long)b;
			ctx.data_end = (unsigned long)(b + n);
		}
		ctx.len = wire;
		ctx.protocol = (__force u16)skb->protocol;
		ctx.pkttype = skb->pkt_type;
		ctx.ifindex = dev->ifindex;
		ctx.mark = skb->mark;
		ctx.queue_mapping = skb->queue_mapping;
		ctx.vlan_tci = skb_vlan_tag_get(skb);
		ctx.vlan_present = skb_vlan_tag_present(skb);
		ctx.vlan_proto = (__force u16)skb->vlan_proto;
		ctx.hatype = dev->type;
		ctx.rxhash = skb->hash;
		ctx.cpu = raw_smp_processor_id();
		if (altbpf_prog_run_pkt(c->prog, c->engine, &ctx, &verdict)) {
			atomic64_inc(&c->filter_errors);
			verdict = 0;
		}
	} else {
		verdict = c->snaplen;
	}
	keep = min_t(u64, verdict, min(c->snaplen, wire));
	if (!keep) {
		atomic64_inc(&c->filter_dropped);
		goto out;
	}
	altbpf_capture_store(c, skb, dev, moff, wire, keep);
out:
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

static bool altbpf_capture_readable(struct altbpf_capture *c)
{
	return READ_ONCE(c->head) != READ_ONCE(c->tail) || READ_ONCE(c->gone);
}

static ssize_t altbpf_capture_read(struct file *file, char __user *buf,
				   size_t count, loff_t *ppos)
{
	struct altbpf_capture *c = file->private_data;
	struct altbpf_capture_hdr h;
	u64 head, tail, pos;
	size_t total = 0;
	ssize_t ret;
	u32 off, first;

	if (mutex_lock_interruptible(&c->read_mutex))
		return -ERESTARTSYS;
	for (;;) {
		spin_lock_irq(&c->lock);
		head = c->head;
		tail = c->tail;
		spin_unlock_irq(&c->lock);
		if (head != tail)
			break;
		ret = 0;
		if (READ_ONCE(c->gone))
			goto out;
		ret = -EAGAIN;
		if (file->f_flags & O_NONBLOCK)
			goto out;
		ret = wait_event_interruptible(c->wq,
					       altbpf_capture_readable(c));
		if (ret)
			goto out;
	}
	for (pos = tail; pos < head; ) {
		u32 rec;

		altbpf_ring_read(c, pos, &h, sizeof(h));
		rec = ALTBPF_CAPTURE_ALIGN(sizeof(h) + h.caplen);
		if (total + rec > count)
			break;
		total += rec;
		pos += rec;
	}
	ret = -EINVAL;
	if (!total)
		goto out;
	off = tail & (c->size - 1);
	first = min_t(size_t, total, c->size - off);
	ret = -EFAULT;
	if (copy_to_user(buf, c->ring + off, first) ||
	    (total > first && copy_to_user(buf + first, c->ring, total - first)))
		goto out;
	spin_lock_irq(&c->lock);
	c->tail = tail + total;
	spin_unlock_irq(&c->lock);
	ret = total;
out:
	mutex_unlock(&c->read_mutex);
	return ret;
}

static __poll_t altbpf_capture_poll(struct file *file, poll_table *wait)
{
	struct altbpf_capture *c = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &c->wq, wait);
	if (READ_ONCE(c->head) != READ_ONCE(c->tail))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(c->gone))
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	return mask;
}

static void altbpf_capture_get_stats(struct altbpf_capture *c,
				     struct altbpf_capture_stats *s)
{
	spin_lock_irq(&c->lock);
	s->ring_dropped = c->ring_dropped;
	s->captured = c->captured;
	spin_unlock_irq(&c->lock);
	s->received = atomic64_read(&c->received);
	s->filter_dropped = atomic64_read(&c->filter_dropped) +
			    atomic64_read(&c->filter_errors);
	s->filter_errors = atomic64_read(&c->filter_errors);
	s->truncated = atomic64_read(&c->truncated);
}

static const struct file_operations altbpf_capture_fops;

static long altbpf_capture_stats(struct altbpf_capture *c, void __user *arg)
{
	struct altbpf_capture_stats s;
	struct fd f = {};
	long err;

	if (copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	if (s.flags)
		return -EINVAL;
	if (!c) {
		f = fdget(s.capture_fd);
		if (!f.file)
			return -EBADF;
		err = -EINVAL;
		if (f.file->f_op != &altbpf_capture_fops)
			goto out;
		c = f.file->private_data;
	}
	altbpf_capture_get_stats(c, &s);
	err = copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
out:
	fdput(f);
	return err;
}

static long altbpf_capture_fd_ioctl(struct file *file, unsigned int cmd,
				    unsigned long arg)
{
	if (cmd == ALTBPF_IOC_CAPTURE_STATS)
		return altbpf_capture_stats(file->private_data,
					    (void __user *)arg);
	return -ENOTTY;
}

static int altbpf_capture_release(struct inode *inode, struct file *file)
{
	struct altbpf_capture *c = file->private_data;
	struct net_device *dev;

	rtnl_lock();
	if (c->attached)
		__dev_remove_pack(&c->pt);
	c->attached = false;
	list_del(&c->node);
	dev = c->dev;
	c->dev = NULL;
	rtnl_unlock();
	/* no handler runs on c after this */
	synchronize_net();
	dev_put(dev);
	put_net(c->net);
	if (c->prog)
		altbpf_prog_put(c->prog);
	vfree(c->ring);
	kfree(c);
	return 0;
}

static const struct file_operations altbpf_capture_fops = {
	.owner = THIS_MODULE,
	.read = altbpf_capture_read,
	.poll = altbpf_capture_poll,
	.unlocked_ioctl = altbpf_capture_fd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = altbpf_capture_release,
	.llseek = no_llseek,
};

/* Load the filter; the checker's log goes back to o->log_buf. */
static int altbpf_capture_load(struct altbpf_capture *c,
			       const struct altbpf_capture_open *o)
{
	struct sock_filter *f;
	char *log = NULL;
	u32 log_size = min_t(u32, o->log_size, ALTBPF_CAPTURE_LOG_MAX);
	int err;

	if (o->filter_len > BPF_MAXINSNS)
		return -E2BIG;
	f = memdup_user(u64_to_user_ptr(o->filter),
			(size_t)o->filter_len * sizeof(*f));
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (log_size) {
		log = kvzalloc(log_size, GFP_KERNEL);
		if (!log) {
			kfree(f);
			return -ENOMEM;
		}
	}
	c->prog = altbpf_cbpf_load(f, o->filter_len, log, log_size, &err);
	kfree(f);
	if (!c->prog) {
		if (log && copy_to_user(u64_to_user_ptr(o->log_buf), log,
					strnlen(log, log_size - 1) + 1))
			err = -EFAULT;
		kvfree(log);
		return err;
	}
	kvfree(log);
	if (c->engine == ABPF_ENGINE_JIT &&
	    altbpf_prog_jited(c->prog, NULL, NULL, 0))
		return -EOPNOTSUPP;
	return 0;
}

static long altbpf_capture_open(const void __user *arg)
{
	struct altbpf_capture_open o;
	struct altbpf_capture *c;
	struct file *file;
	u32 rec, size;
	int fd, err;

	if (!capable(CAP_NET_RAW))
		return -EPERM;
	if (copy_from_user(&o, arg, sizeof(o)))
		return -EFAULT;
	if ((o.flags & ~ALTBPF_CAPTURE_F_ALL) || o.reserved ||
	    o.snaplen > ALTBPF_CAPTURE_MAX_SNAPLEN ||
	    o.ring_size > ALTBPF_CAPTURE_MAX_RING ||
	    (o.log_size && !o.log_buf))
		return -EINVAL;
	/* the kernel's engines may sleep: not in a packet handler */
	if (o.engine == ABPF_ENGINE_KERNEL_INTERP ||
	    o.engine == ABPF_ENGINE_KERNEL_JIT)
		return -EOPNOTSUPP;
	if (o.engine > ABPF_ENGINE_JIT)
		return -EINVAL;
	if (!o.snaplen)
		o.snaplen = ALTBPF_CAPTURE_DEFAULT_SNAPLEN;
	size = o.ring_size ? o.ring_size : ALTBPF_CAPTURE_DEFAULT_RING;
	rec = ALTBPF_CAPTURE_ALIGN(sizeof(struct altbpf_capture_hdr) +
				   o.snaplen);
	size = roundup_pow_of_two(max3(size, rec, ALTBPF_CAPTURE_MIN_RING));

	err = altbpf_capture_bounce_alloc();
	if (err)
		return err;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	INIT_LIST_HEAD(&c->node);
	spin_lock_init(&c->lock);
	mutex_init(&c->read_mutex);
	init_waitqueue_head(&c->wq);
	c->engine = o.engine;
	c->snaplen = o.snaplen;
	c->flags = o.flags;
	c->size = size;
	c->net = get_net(current->nsproxy->net_ns);
	if (o.filter_len) {
		err = altbpf_capture_load(c, &o);
		if (err)
			goto err_free;
	}
	err = -ENOMEM;
	c->ring = vzalloc(size);
	if (!c->ring)
		goto err_free;
	if (o.ifindex) {
		err = -ENODEV;
		c->dev = dev_get_by_index(c->net, o.ifindex);
		if (!c->dev)
			goto err_free;
	}
	c->pt.type = htons(ETH_P_ALL);
	c->pt.dev = c->dev;
	c->pt.func = altbpf_capture_rcv;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto err_free;
	}
	file = anon_inode_getfile("altbpf-capture", &altbpf_capture_fops, c,
				  O_RDONLY | O_CLOEXEC |
				  ((o.flags & ALTBPF_CAPTURE_F_NONBLOCK) ?
				   O_NONBLOCK : 0));
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		err = PTR_ERR(file);
		goto err_free;
	}
	/* from here on, altbpf_capture_release() undoes everything */
	rtnl_lock();
	list_add(&c->node, &altbpf_captures);
	if (c->dev && c->dev->reg_state != NETREG_REGISTERED) {
		rtnl_unlock();
		fput(file);
		put_unused_fd(fd);
		return -ENODEV;
	}
	dev_add_pack(&c->pt);
	c->attached = true;
	rtnl_unlock();
	fd_install(fd, file);
	return fd;

err_free:
	dev_put(c->dev);
	if (c->prog)
		altbpf_prog_put(c->prog);
	put_net(c->net);
	vfree(c->ring);
	kfree(c);
	return err;
}

long altbpf_capture_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case ALTBPF_IOC_CAPTURE_OPEN:
		return altbpf_capture_open((const void __user *)arg);
	case ALTBPF_IOC_CAPTURE_STATS:
		return altbpf_capture_stats(NULL, (void __user *)arg);
	}
	return -ENOTTY;
}

/* A device with captures goes away: detach them (their fds stay valid). */
static int altbpf_capture_netdev_event(struct notifier_block *nb,
				       unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct altbpf_capture *c;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	list_for_each_entry(c, &altbpf_captures, node) {
		if (c->dev != dev)
			continue;
		if (c->attached)
			__dev_remove_pack(&c->pt);
		c->attached = false;
		WRITE_ONCE(c->gone, true);
		/*
		 * Handlers still in flight do not use c->dev; the device is
		 * freed after an RCU grace period, and c only on close.
		 */
		dev_put(dev);
		c->dev = NULL;
		wake_up_interruptible_poll(&c->wq, EPOLLIN | EPOLLHUP);
	}
	return NOTIFY_DONE;
}

static struct notifier_block altbpf_capture_nb = {
	.notifier_call = altbpf_capture_netdev_event,
};

int altbpf_capture_init(void)
{
	return register_netdevice_notifier(&altbpf_capture_nb);
}

void altbpf_capture_exit(void)
{
	/* every capture fd pinned the module: none is left */
	WARN_ON(!list_empty(&altbpf_captures));
	unregister_netdevice_notifier(&altbpf_capture_nb);
	altbpf_capture_bounce_free();
}
