// SPDX-License-Identifier: GPL-2.0
/*
 * hook_kprobe.c - kprobe and kretprobe links (docs/hooks.md).
 *
 * BPF_LINK_CREATE with attach_type BPF_TRACE_KPROBE_MULTI and one symbol:
 * the link's program runs on a kprobe (or, with BPF_F_KPROBE_MULTI_RETURN,
 * a kretprobe) on it, with r1 = the probe's struct pt_regs (read-only).
 */
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "altbpf_internal.h"
#include "maps.h"
#include "hooks.h"

/*
 * Every registration and unregistration of a probe rewrites kernel text
 * (an int3, an optprobe jump or an ftrace call site) while other CPUs may
 * be executing it.  Links therefore share one registered probe per
 * (symbol, kind), a "site": attaching or detaching a link only adds it to
 * or removes it from the site's RCU list.  A site left without links is
 * unregistered after ALTBPF_KPROBE_IDLE (or at module exit), so that
 * link churn does not turn into text-patching churn (docs/hooks.md).
 */
#define ALTBPF_KPROBE_IDLE	HZ

struct altbpf_kprobe_site {
	struct list_head node;		/* altbpf_kprobe_sites */
	struct list_head links;		/* altbpf_kprobe_hook.node, RCU */
	unsigned int users;		/* links in @links */
	unsigned long idle_since;	/* jiffies when @users became 0 */
	bool ret;			/* kretprobe */
	struct kretprobe rp;		/* rp.kp alone for a kprobe */
	char sym[KSYM_NAME_LEN];
};

struct altbpf_kprobe_hook {
	struct altbpf_link *link;
	struct altbpf_kprobe_site *site;	/* while attached */
	struct list_head node;		/* in site->links */
	unsigned long missed;		/* site's count when detached */
	bool ret;			/* kretprobe */
	char sym[KSYM_NAME_LEN];
};

/* Sites, their users and registration; nests in altbpf_links_lock. */
static DEFINE_MUTEX(altbpf_kprobe_lock);
static LIST_HEAD(altbpf_kprobe_sites);
static void altbpf_kprobe_reap(struct work_struct *work);
static DECLARE_DELAYED_WORK(altbpf_kprobe_reaper, altbpf_kprobe_reap);

/* Handlers run with preemption disabled: the engines do not sleep. */
static void altbpf_kprobe_site_run(struct altbpf_kprobe_site *s,
				   struct pt_regs *regs)
{
	struct altbpf_kprobe_hook *h;

	rcu_read_lock();
	list_for_each_entry_rcu(h, &s->links, node) {
		struct abpf_run_ctx rc;
		int err;

		abpf_run_ctx_init_ctx(&rc, regs, sizeof(*regs));
		altbpf_link_run(h->link, &rc, &err);
	}
	rcu_read_unlock();
}

static int altbpf_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	altbpf_kprobe_site_run(container_of(kp, struct altbpf_kprobe_site,
					    rp.kp), regs);
	return 0;
}

static int altbpf_kretprobe_handler(struct kretprobe_instance *ri,
				    struct pt_regs *regs)
{
	altbpf_kprobe_site_run(container_of(get_kretprobe(ri),
					    struct altbpf_kprobe_site, rp),
			       regs);
	return 0;
}

static unsigned long altbpf_kprobe_site_missed(struct altbpf_kprobe_site *s)
{
	return s->rp.kp.nmissed + (s->ret ? s->rp.nmissed : 0);
}

/* Unregister and free @s (no link left on it). */
static void altbpf_kprobe_site_free(struct altbpf_kprobe_site *s)
{
	lockdep_assert_held(&altbpf_kprobe_lock);
	WARN_ON(s->users || !list_empty(&s->links));
	list_del(&s->node);
	/*
	 * Both wait for running handlers; kretprobe instances still in
	 * flight find the rethook's handler cleared and skip ours.
	 */
	if (s->ret)
		unregister_kretprobe(&s->rp);
	else
		unregister_kprobe(&s->rp.kp);
	kfree(s);
}

static struct altbpf_kprobe_site *altbpf_kprobe_site_get(const char *sym,
							 bool ret)
{
	struct altbpf_kprobe_site *s;
	int err;

	lockdep_assert_held(&altbpf_kprobe_lock);
	list_for_each_entry(s, &altbpf_kprobe_sites, node)
		if (s->ret == ret && !strcmp(s->sym, sym))
			return s;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&s->links);
	strscpy(s->sym, sym, sizeof(s->sym));
	s->ret = ret;
	s->rp.kp.symbol_name = s->sym;
	if (ret) {
		s->rp.handler = altbpf_kretprobe_handler;
		err = register_kretprobe(&s->rp);
	} else {
		s->rp.kp.pre_handler = altbpf_kprobe_pre;
		err = register_kprobe(&s->rp.kp);
	}
	if (err) {
		kfree(s);
		return ERR_PTR(err);
	}
	list_add(&s->node, &altbpf_kprobe_sites);
	return s;
}

/* Unregister the sites idle for ALTBPF_KPROBE_IDLE; come back for the rest. */
static void altbpf_kprobe_reap(struct work_struct *work)
{
	struct altbpf_kprobe_site *s, *tmp;
	unsigned long next = 0;

	mutex_lock(&altbpf_kprobe_lock);
	list_for_each_entry_safe(s, tmp, &altbpf_kprobe_sites, node) {
		unsigned long due = s->idle_since + ALTBPF_KPROBE_IDLE;

		if (s->users)
			continue;
		if (time_after_eq(jiffies, due))
			altbpf_kprobe_site_free(s);
		else if (!next || time_before(due, next))
			next = due;
	}
	if (next)
		mod_delayed_work(system_wq, &altbpf_kprobe_reaper,
				 max_t(long, next - jiffies, 1));
	mutex_unlock(&altbpf_kprobe_lock);
}

static int altbpf_kprobe_attach(struct altbpf_link *l)
{
	struct altbpf_kprobe_hook *h = l->hook;
	struct altbpf_kprobe_site *s;

	mutex_lock(&altbpf_kprobe_lock);
	s = altbpf_kprobe_site_get(h->sym, h->ret);
	if (!IS_ERR(s)) {
		s->users++;
		list_add_tail_rcu(&h->node, &s->links);
		h->site = s;
	}
	mutex_unlock(&altbpf_kprobe_lock);
	return PTR_ERR_OR_ZERO(s);
}

/* hooks.c waits for an RCU grace period afterwards: no run sees @h then. */
static void altbpf_kprobe_detach(struct altbpf_link *l)
{
	struct altbpf_kprobe_hook *h = l->hook;
	struct altbpf_kprobe_site *s = h->site;

	mutex_lock(&altbpf_kprobe_lock);
	list_del_rcu(&h->node);
	h->missed = altbpf_kprobe_site_missed(s);
	h->site = NULL;
	if (!--s->users) {
		s->idle_since = jiffies;
		/* never moves an earlier pending run later */
		queue_delayed_work(system_wq, &altbpf_kprobe_reaper,
				   ALTBPF_KPROBE_IDLE);
	}
	mutex_unlock(&altbpf_kprobe_lock);
}

static void altbpf_kprobe_show(struct altbpf_link *l, struct seq_file *m)
{
	struct altbpf_kprobe_hook *h = l->hook;

	seq_printf(m, "type %s sym %s", h->ret ? "kretprobe" : "kprobe",
		   h->sym);
}

/* Misses of the shared probe (under altbpf_links_lock, as attach/detach). */
static unsigned long altbpf_kprobe_missed(struct altbpf_link *l)
{
	struct altbpf_kprobe_hook *h = l->hook;

	return h->site ? altbpf_kprobe_site_missed(h->site) : h->missed;
}

static void altbpf_kprobe_release(struct altbpf_link *l)
{
	kfree(l->hook);
	l->hook = NULL;
}

void altbpf_kprobe_exit(void)
{
	struct altbpf_kprobe_site *s, *tmp;

	cancel_delayed_work_sync(&altbpf_kprobe_reaper);
	mutex_lock(&altbpf_kprobe_lock);
	list_for_each_entry_safe(s, tmp, &altbpf_kprobe_sites, node)
		altbpf_kprobe_site_free(s);
	mutex_unlock(&altbpf_kprobe_lock);
}

static const struct altbpf_link_ops altbpf_kprobe_link_ops = {
	.attach = altbpf_kprobe_attach,
	.detach = altbpf_kprobe_detach,
	.show = altbpf_kprobe_show,
	.missed = altbpf_kprobe_missed,
	.release = altbpf_kprobe_release,
};

int altbpf_kprobe_link_init(struct altbpf_link *l, const union bpf_attr *attr)
{
	u32 flags = attr->link_create.kprobe_multi.flags;
	const u64 __user *usyms;
	struct altbpf_kprobe_hook *h;
	u64 usym;
	long n;

	if (attr->link_create.target_fd ||
	    (flags & ~BPF_F_KPROBE_MULTI_RETURN) ||
	    attr->link_create.kprobe_multi.cnt != 1 ||
	    !attr->link_create.kprobe_multi.syms ||
	    attr->link_create.kprobe_multi.addrs ||
	    attr->link_create.kprobe_multi.cookies)
		return -EINVAL;
	if (!altbpf_link_prog_type_ok(l, ABPF_PROG_TYPE_KPROBE))
		return -EINVAL;

	usyms = u64_to_user_ptr(attr->link_create.kprobe_multi.syms);
	if (get_user(usym, usyms))
		return -EFAULT;
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	n = strncpy_from_user(h->sym, u64_to_user_ptr(usym), sizeof(h->sym));
	if (n <= 0 || n == sizeof(h->sym)) {
		kfree(h);
		return n < 0 ? -EFAULT : -EINVAL;
	}
	h->link = l;
	h->ret = flags & BPF_F_KPROBE_MULTI_RETURN;
	INIT_LIST_HEAD(&h->node);
	l->hook = h;
	l->ops = &altbpf_kprobe_link_ops;
	return 0;
}
