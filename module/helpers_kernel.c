// SPDX-License-Identifier: GPL-2.0
/*
 * helpers_kernel.c - the kernel's bodies of the host helpers the core's
 * helper tables use (module/core/maps.h; the ringbuf ones are in
 * maps/ringbuf.c).  Any context, never sleeping.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/prandom.h>
#include <linux/percpu.h>
#include <linux/uaccess.h>
#include <linux/string.h>
#include <linux/printk.h>

#include "engine.h"
#include "maps.h"
#include "maps/altbpf_maps.h"

static DEFINE_PER_CPU(struct rnd_state, altbpf_rnd_state);

void altbpf_helpers_kernel_init(void)
{
	prandom_seed_full_state(&altbpf_rnd_state);
}

u64 abpf_host_ktime_get_ns(u64 a, u64 b, u64 c, u64 d, u64 e,
			   struct abpf_run_ctx *rc)
{
	return ktime_get_mono_fast_ns();
}

u64 abpf_host_get_prandom_u32(u64 a, u64 b, u64 c, u64 d, u64 e,
			      struct abpf_run_ctx *rc)
{
	struct rnd_state *state = &get_cpu_var(altbpf_rnd_state);
	u32 r = prandom_u32_state(state);

	put_cpu_var(altbpf_rnd_state);
	return r;
}

u64 abpf_host_get_smp_processor_id(u64 a, u64 b, u64 c, u64 d, u64 e,
				   struct abpf_run_ctx *rc)
{
	return raw_smp_processor_id();
}

u64 abpf_host_get_current_pid_tgid(u64 a, u64 b, u64 c, u64 d, u64 e,
				   struct abpf_run_ctx *rc)
{
	struct task_struct *t = current;

	return (u64)t->tgid << 32 | (u32)t->pid;
}

u64 abpf_host_get_current_comm(u64 buf, u64 size, u64 c, u64 d, u64 e,
			       struct abpf_run_ctx *rc)
{
	strscpy_pad((char *)(unsigned long)buf, current->comm, size);
	return 0;
}

u64 abpf_host_probe_read_kernel(u64 dst, u64 size, u64 src, u64 d, u64 e,
				struct abpf_run_ctx *rc)
{
	void *to = (void *)(unsigned long)dst;
	long ret;

	ret = copy_from_kernel_nofault(to, (const void *)(unsigned long)src,
				       size);
	if (unlikely(ret < 0)) {
		memset(to, 0, size);
		return (u64)ret;
	}
	return 0;
}

void abpf_host_trace(const char *msg, u32 len, struct abpf_run_ctx *rc)
{
	printk_ratelimited(KERN_INFO "altbpf-trace: %s\n", msg);
}
