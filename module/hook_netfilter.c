// SPDX-License-Identifier: GPL-2.0
/*
 * hook_netfilter.c - netfilter IPv4 links (docs/hooks.md).
 *
 * BPF_LINK_CREATE with attach_type ALTBPF_ATTACH_NETFILTER: an
 * nf_hook_ops in init_net at the chosen NF_INET_* hook and priority.  The
 * program gets a struct abpf_pkt_ctx whose data is skb->data at the hook
 * (the IPv4 header: no link-layer header at these hooks) up to the end of
 * the linear part; len is the whole packet.  r0 = 0 drops the packet,
 * r0 = 1 accepts it; anything else, or an aborted run, accepts it and is
 * counted (bad_ret, aborts).
 */
#include <linux/if_vlan.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "altbpf_internal.h"
#include "hooks.h"

struct altbpf_nf_hook {
	struct nf_hook_ops ops;
};

static const char *const altbpf_nf_hook_names[NF_INET_NUMHOOKS] = {
	[NF_INET_PRE_ROUTING] = "pre_routing",
	[NF_INET_LOCAL_IN] = "local_in",
	[NF_INET_FORWARD] = "forward",
	[NF_INET_LOCAL_OUT] = "local_out",
	[NF_INET_POST_ROUTING] = "post_routing",
};

static unsigned int altbpf_nf_fn(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct net_device *dev = state->in ? state->in : state->out;
	struct altbpf_link *l = priv;
	struct abpf_pkt_ctx ctx = {};
	struct abpf_run_ctx rc;
	u64 r0;
	int err;

	ctx.data = (unsigned long)skb->data;
	ctx.data_end = ctx.data + skb_headlen(skb);
	ctx.len = skb->len;
	ctx.protocol = (__force u32)skb->protocol;
	ctx.pkttype = skb->pkt_type;
	ctx.ifindex = dev ? dev->ifindex : 0;
	ctx.mark = skb->mark;
	ctx.queue_mapping = skb->queue_mapping;
	ctx.vlan_present = skb_vlan_tag_present(skb);
	ctx.vlan_tci = skb_vlan_tag_get(skb);
	ctx.vlan_proto = (__force u32)skb->vlan_proto;
	ctx.hatype = dev ? dev->type : 0;
	ctx.rxhash = skb->hash;

	migrate_disable();
	ctx.cpu = smp_processor_id();
	abpf_run_ctx_init_pkt(&rc, &ctx, false);
	r0 = altbpf_link_run(l, &rc, &err);
	migrate_enable();
	if (err)
		return NF_ACCEPT;
	if (r0 == 0)
		return NF_DROP;
	if (r0 != 1)
		altbpf_link_bad_ret(l);
	return NF_ACCEPT;
}

static int altbpf_nf_attach(struct altbpf_link *l)
{
	struct altbpf_nf_hook *h = l->hook;

	return nf_register_net_hook(&init_net, &h->ops);
}

static void altbpf_nf_detach(struct altbpf_link *l)
{
	struct altbpf_nf_hook *h = l->hook;

	/* hooks.c waits for the grace period before @l can go away. */
	nf_unregister_net_hook(&init_net, &h->ops);
}

static void altbpf_nf_show(struct altbpf_link *l, struct seq_file *m)
{
	struct altbpf_nf_hook *h = l->hook;

	seq_printf(m, "type netfilter pf ipv4 hook %s priority %d",
		   altbpf_nf_hook_names[h->ops.hooknum], h->ops.priority);
}

static void altbpf_nf_release(struct altbpf_link *l)
{
	kfree(l->hook);
	l->hook = NULL;
}

static const struct altbpf_link_ops altbpf_nf_link_ops = {
	.attach = altbpf_nf_attach,
	.detach = altbpf_nf_detach,
	.show = altbpf_nf_show,
	.release = altbpf_nf_release,
};

int altbpf_nf_link_init(struct altbpf_link *l, const union bpf_attr *attr)
{
	const struct altbpf_link_netfilter *nf =
		(const void *)&attr->link_create.target_btf_id;
	size_t end = offsetof(union bpf_attr, link_create.target_btf_id) +
		     sizeof(*nf);
	struct altbpf_nf_hook *h;

	if (attr->link_create.target_fd || nf->pf != NFPROTO_IPV4 ||
	    nf->hooknum >= NF_INET_NUMHOOKS || nf->flags ||
	    nf->priority == INT_MIN || nf->priority == INT_MAX)
		return -EINVAL;
	/* The rest of link_create must be zero. */
	if (memchr_inv((const u8 *)attr + end, 0,
		       offsetofend(union bpf_attr, link_create) - end))
		return -EINVAL;
	if (!altbpf_link_prog_type_ok(l, ABPF_PROG_TYPE_PACKET))
		return -EINVAL;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->ops.hook = altbpf_nf_fn;
	h->ops.priv = l;
	h->ops.pf = NFPROTO_IPV4;
	h->ops.hooknum = nf->hooknum;
	h->ops.priority = nf->priority;
	l->hook = h;
	l->ops = &altbpf_nf_link_ops;
	return 0;
}
