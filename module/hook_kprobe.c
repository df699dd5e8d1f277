// SPDX-License-Identifier: GPL-2.0
/*
 * hook_kprobe.c - kprobe and kretprobe links (docs/hooks.md).
 *
 * BPF_LINK_CREATE with attach_type BPF_TRACE_KPROBE_MULTI and one symbol:
 * a kprobe (or, with BPF_F_KPROBE_MULTI_RETURN, a kretprobe) on it whose
 * handler runs the program with r1 = the probe's struct pt_regs
 * (read-only).  Handlers run in the probe's atomic context with
 * preemption disabled: the engines do not sleep.
 */
#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "altbpf_internal.h"
#include "maps.h"
#include "hooks.h"

struct altbpf_kprobe_hook {
	struct altbpf_link *link;
	bool ret;			/* kretprobe */
	struct kretprobe rp;		/* rp.kp alone for a kprobe */
	char sym[KSYM_NAME_LEN];
};

static void altbpf_kprobe_run(struct altbpf_link *l, struct pt_regs *regs)
{
	struct abpf_run_ctx rc;
	int err;

	abpf_run_ctx_init_ctx(&rc, regs, sizeof(*regs));
	altbpf_link_run(l, &rc, &err);
}

static int altbpf_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct altbpf_kprobe_hook *h =
		container_of(kp, struct altbpf_kprobe_hook, rp.kp);

	altbpf_kprobe_run(h->link, regs);
	return 0;
}

static int altbpf_kretprobe_handler(struct kretprobe_instance *ri,
				    struct pt_regs *regs)
{
	struct altbpf_kprobe_hook *h =
		container_of(get_kretprobe(ri), struct altbpf_kprobe_hook, rp);

	altbpf_kprobe_run(h->link, regs);
	return 0;
}

static int altbpf_kprobe_attach(struct altbpf_link *l)
{
	struct altbpf_kprobe_hook *h = l->hook;

	return h->ret ? register_kretprobe(&h->rp) : register_kprobe(&h->rp.kp);
}

static void altbpf_kprobe_detach(struct altbpf_link *l)
{
	struct altbpf_kprobe_hook *h = l->hook;

	if (h->ret)
		unregister_kretprobe(&h->rp);
	else
		unregister_kprobe(&h->rp.kp);
}

static void altbpf_kprobe_show(struct altbpf_link *l, struct seq_file *m)
{
	struct altbpf_kprobe_hook *h = l->hook;

	seq_printf(m, "type %s sym %s", h->ret ? "kretprobe" : "kprobe",
		   h->sym);
}

static unsigned long altbpf_kprobe_missed(struct altbpf_link *l)
{
	struct altbpf_kprobe_hook *h = l->hook;

	return h->rp.kp.nmissed + (h->ret ? h->rp.nmissed : 0);
}

static void altbpf_kprobe_release(struct altbpf_link *l)
{
	kfree(l->hook);
	l->hook = NULL;
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
	h->rp.kp.symbol_name = h->sym;
	if (h->ret)
		h->rp.handler = altbpf_kretprobe_handler;
	else
		h->rp.kp.pre_handler = altbpf_kprobe_pre;
	l->hook = h;
	l->ops = &altbpf_kprobe_link_ops;
	return 0;
}
