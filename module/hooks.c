// SPDX-License-Identifier: GPL-2.0
/*
 * hooks.c - links: BPF_LINK_CREATE / BPF_LINK_DETACH, link fds and ids,
 * persistent links, run statistics and /sys/kernel/debug/altbpf/links
 * (docs/hooks.md).  The hooks themselves are in hook_kprobe.c and
 * hook_netfilter.c.
 *
 * Locking: altbpf_links_lock (a mutex) serialises attach, detach and the
 * list/idr of links.  A hook's run path takes no lock: it only reads the
 * link, which cannot go away before it is unhooked and an RCU grace
 * period has passed (every run is inside rcu_read_lock()).
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "altbpf_internal.h"
#include "hooks.h"
#include "jit_arena.h"
#include "maps/altbpf_maps.h"

static DEFINE_MUTEX(altbpf_links_lock);
static LIST_HEAD(altbpf_links);
static DEFINE_IDR(altbpf_link_idr);
static struct dentry *altbpf_debugfs_dir;
static struct dentry *altbpf_debugfs_links;
static struct dentry *altbpf_debugfs_stats;
static bool altbpf_debugfs_own_dir;

static bool altbpf_hooks_capable(void)
{
	return capable(CAP_BPF) || capable(CAP_SYS_ADMIN);
}

/* Running */

u64 altbpf_link_run(struct altbpf_link *l, struct abpf_run_ctx *rc, int *err)
{
	const struct abpf_prog *prog = l->prog->prog;
	u64 start, ret;

	rc->budget = READ_ONCE(altbpf_budget);
	rcu_read_lock();
	/* sched_clock(), not ktime_get_ns(): a probe may sit in timekeeping. */
	start = sched_clock();
	if (altbpf_resolve_engine(l->prog, l->engine) == ABPF_ENGINE_JIT)
		ret = prog->jit_func(rc);
	else
		ret = abpf_interp_run(prog, rc);
	this_cpu_add(l->stats->run_ns, sched_clock() - start);
	rcu_read_unlock();
	this_cpu_inc(l->stats->runs);
	*err = rc->error;
	if (unlikely(rc->error)) {
		this_cpu_inc(l->stats->aborts);
		WRITE_ONCE(l->last_error, rc->error);
		WRITE_ONCE(l->last_error_pc, rc->error_pc);
		return 0;
	}
	return ret;
}

void altbpf_link_bad_ret(struct altbpf_link *l)
{
	this_cpu_inc(l->stats->bad_ret);
}

bool altbpf_link_prog_type_ok(struct altbpf_link *l, u32 type)
{
	return l->prog->prog->type == type;
}

/* Lifetime */

static void altbpf_link_free(struct altbpf_link *l)
{
	if (l->ops)
		l->ops->release(l);
	altbpf_prog_put(l->prog);
	free_percpu(l->stats);
	kfree(l);
}

/* Unregister (if attached) and wait until no run of @l is in flight. */
static void altbpf_link_unhook_locked(struct altbpf_link *l)
{
	lockdep_assert_held(&altbpf_links_lock);
	if (!l->attached)
		return;
	l->ops->detach(l);
	l->attached = false;
	synchronize_rcu();
}

static void altbpf_link_unlink_locked(struct altbpf_link *l)
{
	altbpf_link_unhook_locked(l);
	if (l->id)
		idr_remove(&altbpf_link_idr, l->id);
	list_del_init(&l->node);
}

/*
 * Detach @l and drop its persistent reference; if that was the last one,
 * @l moves to @dead, to be freed (altbpf_link_free()) after the unlock.
 */
static void altbpf_link_detach_locked(struct altbpf_link *l,
				      struct list_head *dead)
{
	altbpf_link_unhook_locked(l);
	if (!l->persist)
		return;
	l->persist = false;
	if (!refcount_dec_not_one(&l->refcnt)) {
		/* Only the persistent reference was left: ours now. */
		altbpf_link_unlink_locked(l);
		list_add(&l->node, dead);
	}
}

static void altbpf_link_free_dead(struct list_head *dead)
{
	struct altbpf_link *l, *tmp;

	list_for_each_entry_safe(l, tmp, dead, node) {
		list_del(&l->node);
		altbpf_link_free(l);
	}
}

static void altbpf_link_put(struct altbpf_link *l)
{
	if (!refcount_dec_and_mutex_lock(&l->refcnt, &altbpf_links_lock))
		return;
	altbpf_link_unlink_locked(l);
	mutex_unlock(&altbpf_links_lock);
	altbpf_link_free(l);
}

static int altbpf_link_release(struct inode *inode, struct file *file)
{
	altbpf_link_put(file->private_data);
	return 0;
}

static const struct file_operations altbpf_link_fops = {
	.owner = THIS_MODULE,
	.release = altbpf_link_release,
	.llseek = noop_llseek,
};

/* BPF_LINK_CREATE */

int altbpf_cmd_link_create(union bpf_attr *attr)
{
	size_t end = offsetofend(union bpf_attr, link_create);
	u32 flags = attr->link_create.flags;
	struct altbpf_link *l;
	struct altbpf_prog *p;
	struct file *file;
	u32 engine;
	int fd, err;

	if (!altbpf_hooks_capable())
		return -EPERM;
	if (memchr_inv((u8 *)attr + end, 0, sizeof(*attr) - end))
		return -EINVAL;
	if (flags & ~(ALTBPF_LINK_F_PERSIST | ALTBPF_LINK_ENGINE_MASK))
		return -EINVAL;
	engine = (flags & ALTBPF_LINK_ENGINE_MASK) >> ALTBPF_LINK_ENGINE_SHIFT;
	if (engine >= ABPF_ENGINE__COUNT)
		return -EINVAL;
	/* The kernel's engines build a bpf_prog per run: they may sleep. */
	if (engine != ABPF_ENGINE_DEFAULT && engine != ABPF_ENGINE_INTERP &&
	    engine != ABPF_ENGINE_JIT)
		return -EOPNOTSUPP;

	p = altbpf_prog_get_fd(attr->link_create.prog_fd);
	if (IS_ERR(p))
		return PTR_ERR(p);
	if (engine == ABPF_ENGINE_JIT && !p->prog->jit_func) {
		altbpf_prog_put(p);
		return -EOPNOTSUPP;
	}
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l) {
		altbpf_prog_put(p);
		return -ENOMEM;
	}
	refcount_set(&l->refcnt, 1);
	l->prog = p;
	l->engine = engine;
	l->flags = flags;
	INIT_LIST_HEAD(&l->node);
	l->stats = alloc_percpu(struct altbpf_link_stats);
	if (!l->stats) {
		err = -ENOMEM;
		goto free;
	}

	switch (attr->link_create.attach_type) {
	case BPF_TRACE_KPROBE_MULTI:
		err = altbpf_kprobe_link_init(l, attr);
		break;
	case ALTBPF_ATTACH_NETFILTER:
		err = altbpf_nf_link_init(l, attr);
		break;
	default:
		err = -EINVAL;
		break;
	}
	if (err)
		goto free;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto free;
	}
	file = anon_inode_getfile("altbpf-link", &altbpf_link_fops, l,
				  O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		err = PTR_ERR(file);
		goto free;
	}
	/* From here on the file owns @l: fput() frees it. */

	mutex_lock(&altbpf_links_lock);
	err = idr_alloc_cyclic(&altbpf_link_idr, l, 1, INT_MAX, GFP_KERNEL);
	if (err > 0) {
		l->id = err;
		list_add_tail(&l->node, &altbpf_links);
		err = l->ops->attach(l);
	}
	if (!err) {
		l->attached = true;
		if (flags & ALTBPF_LINK_F_PERSIST) {
			refcount_inc(&l->refcnt);
			l->persist = true;
		}
	}
	mutex_unlock(&altbpf_links_lock);
	if (err) {
		put_unused_fd(fd);
		fput(file);
		return err;
	}
	fd_install(fd, file);
	return fd;

free:
	altbpf_link_free(l);
	return err;
}

/* BPF_LINK_DETACH */

static int altbpf_link_detach_fd(u32 ufd)
{
	struct fd f = fdget(ufd);
	LIST_HEAD(dead);

	if (!f.file)
		return -EBADF;
	if (f.file->f_op != &altbpf_link_fops) {
		fdput(f);
		return -EINVAL;
	}
	mutex_lock(&altbpf_links_lock);
	altbpf_link_detach_locked(f.file->private_data, &dead);
	mutex_unlock(&altbpf_links_lock);
	fdput(f);
	altbpf_link_free_dead(&dead);	/* empty: the fd holds a reference */
	return 0;
}

static int altbpf_link_detach_ids(u32 flags, u32 id)
{
	struct altbpf_link *l, *tmp;
	LIST_HEAD(dead);
	int err = -ENOENT;

	mutex_lock(&altbpf_links_lock);
	list_for_each_entry_safe(l, tmp, &altbpf_links, node) {
		if (!l->attached)
			continue;
		if (flags == ALTBPF_LINK_DETACH_F_ID ? l->id != id :
		    altbpf_prog_id(l->prog) != id)
			continue;
		altbpf_link_detach_locked(l, &dead);
		err = 0;
	}
	mutex_unlock(&altbpf_links_lock);
	altbpf_link_free_dead(&dead);
	return err;
}

int altbpf_cmd_link_detach(union bpf_attr *attr)
{
	struct altbpf_link_detach d;

	BUILD_BUG_ON(sizeof(d) > sizeof(*attr));
	memcpy(&d, attr, sizeof(d));
	if (!altbpf_hooks_capable())
		return -EPERM;
	if (memchr_inv((u8 *)attr + sizeof(d), 0, sizeof(*attr) - sizeof(d)))
		return -EINVAL;
	switch (d.flags) {
	case 0:
		if (d.id)
			return -EINVAL;
		return altbpf_link_detach_fd(d.link_fd);
	case ALTBPF_LINK_DETACH_F_ID:
	case ALTBPF_LINK_DETACH_F_PROG_ID:
		if (d.link_fd || !d.id)
			return -EINVAL;
		return altbpf_link_detach_ids(d.flags, d.id);
	default:
		return -EINVAL;
	}
}

/* /sys/kernel/debug/altbpf/links: one line per link, "key value" pairs. */

static int altbpf_links_show(struct seq_file *m, void *v)
{
	struct altbpf_link *l;

	mutex_lock(&altbpf_links_lock);
	list_for_each_entry(l, &altbpf_links, node) {
		struct altbpf_link_stats sum = {};
		int cpu;

		for_each_possible_cpu(cpu) {
			struct altbpf_link_stats *s = per_cpu_ptr(l->stats, cpu);

			sum.runs += READ_ONCE(s->runs);
			sum.run_ns += READ_ONCE(s->run_ns);
			sum.aborts += READ_ONCE(s->aborts);
			sum.bad_ret += READ_ONCE(s->bad_ret);
		}
		seq_printf(m, "id %u prog %u ", l->id, altbpf_prog_id(l->prog));
		l->ops->show(l, m);
		seq_printf(m, " engine %s attached %d persist %d",
			   abpf_engine_name(altbpf_resolve_engine(l->prog,
								  l->engine)),
			   l->attached, l->persist);
		seq_printf(m, " runs %llu run_ns %llu aborts %llu last_error %d last_error_pc %u bad_ret %llu missed %lu\n",
			   sum.runs, sum.run_ns, sum.aborts,
			   READ_ONCE(l->last_error),
			   READ_ONCE(l->last_error_pc), sum.bad_ret,
			   l->ops->missed ? l->ops->missed(l) : 0UL);
	}
	mutex_unlock(&altbpf_links_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(altbpf_links);

/*
 * /sys/kernel/debug/altbpf/stats: resource counters, "key value" lines, so
 * that exhausting the JIT arena or the map memory budget is visible.
 */
static int altbpf_stats_show(struct seq_file *m, void *v)
{
	struct altbpf_jit_arena_stats st;
	u64 used, limit, denied;

	altbpf_jit_arena_stats(&st);
	altbpf_maps_mem_stats(&used, &limit, &denied);
	seq_printf(m, "jit_arena_size %u\njit_arena_used %u\n", st.size,
		   st.used);
	seq_printf(m, "jit_arena_images %u\njit_arena_exhausted %llu\n",
		   st.images, st.exhausted);
	seq_printf(m, "maps_mem %llu\nmaps_mem_limit %llu\nmaps_mem_denied %llu\n",
		   used, limit, denied);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(altbpf_stats);

int altbpf_hooks_init(void)
{
	/* Another part of the module may have created the directory. */
	altbpf_debugfs_dir = debugfs_lookup("altbpf", NULL);
	if (!altbpf_debugfs_dir) {
		altbpf_debugfs_dir = debugfs_create_dir("altbpf", NULL);
		altbpf_debugfs_own_dir = true;
	}
	altbpf_debugfs_links = debugfs_create_file("links", 0400,
						   altbpf_debugfs_dir, NULL,
						   &altbpf_links_fops);
	altbpf_debugfs_stats = debugfs_create_file("stats", 0400,
						   altbpf_debugfs_dir, NULL,
						   &altbpf_stats_fops);
	return 0;
}

void altbpf_hooks_exit(void)
{
	struct altbpf_link *l, *tmp;
	LIST_HEAD(dead);

	debugfs_remove(altbpf_debugfs_links);
	debugfs_remove(altbpf_debugfs_stats);
	if (altbpf_debugfs_own_dir)
		debugfs_remove(altbpf_debugfs_dir);
	else
		dput(altbpf_debugfs_dir);
	altbpf_debugfs_dir = NULL;
	altbpf_debugfs_own_dir = false;

	/*
	 * Link fds pin the module, so only persistent links whose fds are
	 * closed are left: detaching drops their last reference.
	 */
	mutex_lock(&altbpf_links_lock);
	list_for_each_entry_safe(l, tmp, &altbpf_links, node)
		altbpf_link_detach_locked(l, &dead);
	WARN_ON(!list_empty(&altbpf_links));
	mutex_unlock(&altbpf_links_lock);
	altbpf_link_free_dead(&dead);
	idr_destroy(&altbpf_link_idr);
	/* kprobe sites outlive their last link by a second (hook_kprobe.c) */
	altbpf_kprobe_exit();
}
