/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hooks.h - hook points where loaded programs run (hook_kprobe.c,
 * hook_netfilter.c), attached and detached through BPF_LINK_CREATE /
 * BPF_LINK_DETACH on /dev/altbpf (docs/hooks.md).
 *
 * A link ties one program to one hook.  hooks.c owns its lifetime (ids,
 * fds, persistence, detach, statistics); each hook file only parses its
 * attach attributes, registers and unregisters, and runs the program
 * through altbpf_link_run().
 */
#ifndef ALTBPF_HOOKS_H
#define ALTBPF_HOOKS_H

#include <linux/bpf.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/seq_file.h>

#include "engine.h"

struct altbpf_prog;
struct altbpf_link;

struct altbpf_link_ops {
	/* Register the hook; the program may run as soon as this starts. */
	int (*attach)(struct altbpf_link *l);
	/*
	 * Unhook: runs that start after the RCU grace period hooks.c then
	 * waits for do not see the link (before the link can go away).
	 */
	void (*detach)(struct altbpf_link *l);
	/* "kprobe sym do_nanosleep ...": what the link is attached to. */
	void (*show)(struct altbpf_link *l, struct seq_file *m);
	/* Hook-specific misses (kprobe nmissed), shown as "missed". */
	unsigned long (*missed)(struct altbpf_link *l);
	/* Free l->hook (never attached at this point). */
	void (*release)(struct altbpf_link *l);
};

/* Per-CPU run statistics of a link (like bpf_stats). */
struct altbpf_link_stats {
	u64 runs;		/* program runs */
	u64 run_ns;		/* total run time, sched_clock() */
	u64 aborts;		/* runs that aborted (rc.error) */
	u64 bad_ret;		/* r0 the hook does not understand */
};

struct altbpf_link {
	refcount_t refcnt;	/* the fd, + 1 while persistent */
	u32 id;
	u32 engine;		/* requested: ABPF_ENGINE_DEFAULT/INTERP/JIT */
	u32 flags;		/* link_create.flags */
	bool attached;		/* under altbpf_links_lock */
	bool persist;		/* holds a reference; under the lock */
	struct altbpf_prog *prog;	/* one reference */
	const struct altbpf_link_ops *ops;
	void *hook;		/* the hook file's state */
	struct altbpf_link_stats __percpu *stats;
	int last_error;		/* last abort's errno (negative) */
	u32 last_error_pc;
	struct list_head node;	/* altbpf_links, under the lock */
};

/*
 * Run l->prog on @rc (initialised by the hook) on the link's engine:
 * under rcu_read_lock(), with the statistics updated.  The caller has
 * migration (or preemption) disabled.  Returns r0 (0 when the run
 * aborted, *@err then the abort's errno, else 0).
 */
u64 altbpf_link_run(struct altbpf_link *l, struct abpf_run_ctx *rc, int *err);
/* Count an r0 the hook does not understand. */
void altbpf_link_bad_ret(struct altbpf_link *l);

/* hook_kprobe.c, hook_netfilter.c: parse @attr, set l->ops and l->hook. */
int altbpf_kprobe_link_init(struct altbpf_link *l, const union bpf_attr *attr);
int altbpf_nf_link_init(struct altbpf_link *l, const union bpf_attr *attr);
/* Module exit, after every link is detached: unregister the shared probes. */
void altbpf_kprobe_exit(void);

/* Program type check of the hook files (docs/hooks.md). */
bool altbpf_link_prog_type_ok(struct altbpf_link *l, u32 type);

int altbpf_cmd_link_create(union bpf_attr *attr);
int altbpf_cmd_link_detach(union bpf_attr *attr);
int altbpf_hooks_init(void);
/* Module exit: detach everything still attached (after an RCU grace period). */
void altbpf_hooks_exit(void);

#endif /* ALTBPF_HOOKS_H */
