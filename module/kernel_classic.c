// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_classic.c - classic BPF filters on the kernel's own classic BPF,
 * for the comparison engines ABPF_ENGINE_KERNEL_INTERP and _KERNEL_JIT
 * of programs loaded as classic (altbpf_cbpf_load(), or BPF_PROG_LOAD
 * with ALTBPF_PROG_LOAD_CLASSIC).
 *
 * The kernel builds the program from the original classic instructions
 * with bpf_prog_create(), as for an unattached socket filter: its
 * bpf_check_classic(), its translation to eBPF (bpf_convert_filter()),
 * then bpf_prog_select_runtime() on the result, which JITs it when the
 * program's jit_requested is set.  bpf_prog_alloc() sets that from the
 * net.core.bpf_jit_enable sysctl, and neither the sysctl variable nor the
 * steps between allocation and translation are exported, so a module
 * cannot choose the engine up front.  When the result is not on the
 * engine asked for, the kernel's translated instructions are copied into
 * a new program whose jit_requested says which engine, and
 * bpf_prog_select_runtime() picks it (the clean, exported way; it is what
 * kernel_engine.c and lib/test_bpf.c do).  Either way the instructions
 * that run are the kernel's own translation of the filter.
 *
 * The filter runs on an skb holding the frame with the context altbpf's
 * engines see for it (api.c, altbpf_run()): skb->data at the Ethernet
 * header, len the frame's length, protocol from bytes 12-13 (0 for a
 * frame shorter than the header), PACKET_HOST, no device (so "ifidx" and
 * "hatype" end the filter, as with altbpf's ifindex 0), no mark, queue,
 * hash or VLAN tag.
 */
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "kernel_classic.h"

/* A copy of @fp's instructions for the other engine (@jit), or ERR_PTR. */
static struct bpf_prog *altbpf_kernel_classic_rebuild(const struct bpf_prog *fp,
						      bool jit)
{
	struct bpf_prog *nfp;
	int err;

	nfp = bpf_prog_alloc(bpf_prog_size(fp->len), 0);
	if (!nfp)
		return ERR_PTR(-ENOMEM);
	nfp->len = fp->len;
	nfp->type = fp->type;
	nfp->cb_access = fp->cb_access;
	memcpy(nfp->insnsi, fp->insnsi, bpf_prog_insn_size(fp));
	nfp->aux->stack_depth = fp->aux->stack_depth;
	nfp->jit_requested = jit;

	nfp = bpf_prog_select_runtime(nfp, &err);
	if (!err && nfp->jited != jit)
		err = -EOPNOTSUPP;	/* no JIT, or it failed */
	if (err) {
		bpf_prog_free(nfp);
		return ERR_PTR(err == -ENOTSUPP ? -EOPNOTSUPP : err);
	}
	return nfp;
}

static struct sk_buff *altbpf_kernel_classic_skb(const void *data, u32 len)
{
	struct sk_buff *skb = alloc_skb(max_t(u32, len, 1), GFP_KERNEL);

	if (!skb)
		return NULL;
	skb_put_data(skb, data, len);
	skb_reset_mac_header(skb);
	if (len >= ETH_HLEN) {
		skb->protocol = *(const __be16 *)((const u8 *)data + 12);
		skb_set_network_header(skb, ETH_HLEN);
	} else {
		skb_reset_network_header(skb);
	}
	skb->pkt_type = PACKET_HOST;
	return skb;
}

int altbpf_kernel_classic_build(const struct sock_filter *filter, u32 len,
				bool jit, const void *data, u32 data_len,
				struct altbpf_kernel_classic *kc)
{
	struct sock_fprog_kern fprog = {
		.len = len,
		.filter = (struct sock_filter *)filter,
	};
	struct bpf_prog *fp, *nfp;
	int err;

	kc->fp = NULL;
	kc->skb = NULL;
	err = bpf_prog_create(&fp, &fprog);
	if (err)
		return err;
	if (fp->jited != jit) {
		nfp = altbpf_kernel_classic_rebuild(fp, jit);
		bpf_prog_destroy(fp);
		if (IS_ERR(nfp))
			return PTR_ERR(nfp);
		fp = nfp;
	}
	kc->skb = altbpf_kernel_classic_skb(data, data_len);
	if (!kc->skb) {
		bpf_prog_destroy(fp);
		return -ENOMEM;
	}
	kc->fp = fp;
	return 0;
}

void altbpf_kernel_classic_free(struct altbpf_kernel_classic *kc)
{
	if (kc->fp)
		bpf_prog_destroy(kc->fp);
	kfree_skb(kc->skb);
	kc->fp = NULL;
	kc->skb = NULL;
}
