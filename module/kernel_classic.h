/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernel_classic.h - classic BPF programs on the kernel's own classic BPF
 * (bpf_prog_create(): its checker, its translation, its interpreter or
 * x86-64 JIT), on an skb of the test frame, for comparison with altbpf's
 * engines running the same filter (kernel_classic.c).
 */
#ifndef ALTBPF_KERNEL_CLASSIC_H
#define ALTBPF_KERNEL_CLASSIC_H

#include <linux/filter.h>
#include <linux/skbuff.h>

/* A filter built by the kernel and the frame it runs on. */
struct altbpf_kernel_classic {
	struct bpf_prog *fp;
	struct sk_buff *skb;
};

/*
 * Build @filter (@len instructions, already accepted by altbpf's classic
 * checker) for the kernel's JIT (@jit) or interpreter, and an skb holding
 * the @data_len bytes of the Ethernet frame @data with the context altbpf
 * gives the same frame (api.c).  0, or -EOPNOTSUPP (the engine is not
 * available: no JIT, or CONFIG_BPF_JIT_ALWAYS_ON for the interpreter),
 * -EINVAL (the kernel's checker refused it), -ENOMEM.
 */
int altbpf_kernel_classic_build(const struct sock_filter *filter, u32 len,
				bool jit, const void *data, u32 data_len,
				struct altbpf_kernel_classic *kc);

/* One run, as sk_filter_trim_cap() does it; migration disabled. */
static inline u32 altbpf_kernel_classic_run(const struct altbpf_kernel_classic *kc)
{
	return __bpf_prog_run_save_cb(kc->fp, kc->skb);
}

void altbpf_kernel_classic_free(struct altbpf_kernel_classic *kc);

#endif /* ALTBPF_KERNEL_CLASSIC_H */
