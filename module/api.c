// SPDX-License-Identifier: GPL-2.0
/*
 * api.c - altbpf program objects, the run loop, and the exported API.
 *
 * A struct altbpf_prog is refcounted: one reference per fd (dev.c) and
 * per in-kernel user.  Nothing runs a program without holding a
 * reference, so the last put can free it directly (process context).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/idr.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_arp.h>

#include "altbpf_internal.h"
#include "kernel_classic.h"
#include "cbpf.h"
#include "maps.h"

static DEFINE_IDR(altbpf_prog_idr);
static DEFINE_SPINLOCK(altbpf_prog_idr_lock);

static int altbpf_prog_alloc_id(struct altbpf_prog *p)
{
	int id;

	idr_preload(GFP_KERNEL);
	spin_lock_bh(&altbpf_prog_idr_lock);
	id = idr_alloc_cyclic(&altbpf_prog_idr, p, 1, INT_MAX, GFP_ATOMIC);
	spin_unlock_bh(&altbpf_prog_idr_lock);
	idr_preload_end();
	if (id < 0)
		return id;
	p->id = id;
	return 0;
}

static void altbpf_prog_free_id(struct altbpf_prog *p)
{
	if (!p->id)
		return;
	spin_lock_bh(&altbpf_prog_idr_lock);
	idr_remove(&altbpf_prog_idr, p->id);
	spin_unlock_bh(&altbpf_prog_idr_lock);
}

/* BPF_PROG_GET_FD_BY_ID: the program with @id and a new reference. */
struct altbpf_prog *altbpf_prog_by_id(u32 id)
{
	struct altbpf_prog *p;

	spin_lock_bh(&altbpf_prog_idr_lock);
	p = idr_find(&altbpf_prog_idr, id);
	if (p && !refcount_inc_not_zero(&p->refcnt))
		p = NULL;
	spin_unlock_bh(&altbpf_prog_idr_lock);
	return p;
}

/* BPF_PROG_GET_NEXT_ID: the smallest id above @id, or -ENOENT. */
int altbpf_prog_next_id(u32 id, u32 *next)
{
	int nid = id + 1;
	void *p;

	if (id >= INT_MAX)
		return -ENOENT;
	spin_lock_bh(&altbpf_prog_idr_lock);
	p = idr_get_next(&altbpf_prog_idr, &nid);
	spin_unlock_bh(&altbpf_prog_idr_lock);
	if (!p)
		return -ENOENT;
	*next = nid;
	return 0;
}

void altbpf_prog_ids_exit(void)
{
	/*
	 * Every program holds a module reference (fd) or is owned by a
	 * module that depends on us: nothing can be left here.
	 */
	WARN_ON(!idr_is_empty(&altbpf_prog_idr));
	idr_destroy(&altbpf_prog_idr);
}

static void altbpf_prog_destroy(struct altbpf_prog *p)
{
	altbpf_prog_free_id(p);
	/* The image goes back to the arena after an RCU grace period. */
	if (p->prog)
		altbpf_jit_free(p->prog);
	kvfree(p->jit_offsets);
	abpf_prog_free(p->prog);
	kvfree(p->cbpf);
	kfree(p);
}

/* The reason of a failed compilation: the JIT log's first line. */
static void altbpf_jit_reason(struct altbpf_prog *p, const char *jlog)
{
	size_t n;

	if (!strncmp(jlog, "jit: ", 5))
		jlog += 5;
	n = strcspn(jlog, "\n");
	if (!n) {
		snprintf(p->jit_why, sizeof(p->jit_why), "error %d",
			 p->jit_err);
		return;
	}
	strscpy(p->jit_why, jlog, min(n + 1, sizeof(p->jit_why)));
}

/*
 * Compile an accepted program with the altbpf JIT (module parameter jit).
 * A failure is never fatal: the program runs on the interpreter, and the
 * reason is recorded (p->jit_err, p->jit_why), logged in the load log and
 * in the kernel log.
 */
static void altbpf_jit_compile(struct altbpf_prog *p, struct abpf_log *log)
{
	struct abpf_log jlog = { .size = 256, .level = log ? log->level : 0 };
	u32 harden = READ_ONCE(altbpf_jit_harden);
	u32 *offsets;

	if (!READ_ONCE(altbpf_jit_enable)) {
		p->jit_err = -ENODEV;
		strscpy(p->jit_why, "disabled (module parameter jit=0)",
			sizeof(p->jit_why));
		if (log && log->level >= 1)
			abpf_log_printf(log, "jit: %s\n", p->jit_why);
		return;
	}
	p->jit_blinded = harden == 2 ||
			 (harden == 1 && !capable(CAP_SYS_ADMIN));
	jlog.buf = kzalloc(jlog.size, GFP_KERNEL);
	offsets = kvcalloc(p->prog->len + 1, sizeof(*offsets), GFP_KERNEL);
	if (!jlog.buf || !offsets) {
		p->jit_err = -ENOMEM;
		strscpy(p->jit_why, "out of memory", sizeof(p->jit_why));
	} else {
		p->jit_err = altbpf_jit_prog(p->prog, p->jit_blinded, offsets,
					     &jlog);
	}
	if (!p->jit_err) {
		p->jit_offsets = offsets;
		/* "jit: N insns -> M bytes (prologue P)" at level >= 1 */
		abpf_log_printf(log, "%s", jlog.buf);
		if (READ_ONCE(altbpf_jit_dump) && (!log || !log->level))
			abpf_log_printf(log, "jit: %u bytes\n",
					p->prog->jit_size);
		if (p->jit_blinded && log && log->level >= 1)
			abpf_log_printf(log, "jit: constants blinded\n");
	} else {
		kvfree(offsets);
		if (jlog.buf)
			altbpf_jit_reason(p, jlog.buf);
		abpf_log_printf(log,
				"jit: %s, falling back to the interpreter\n",
				p->jit_why);
		pr_info_ratelimited("jit: %s (%d), falling back to the interpreter\n",
				    p->jit_why, p->jit_err);
	}
	kfree(jlog.buf);
}

/* After the program got its id: jit_dump's kernel log lines. */
static void altbpf_jit_report(const struct altbpf_prog *p)
{
	u32 dump = READ_ONCE(altbpf_jit_dump);

	if (!dump || p->jit_err)
		return;
	pr_info("prog %u: jit image %u bytes for %u insns%s\n", p->id,
		p->prog->jit_size, p->prog->len,
		p->jit_blinded ? " (blinded)" : "");
	if (dump >= 2)
		print_hex_dump(KERN_INFO, "altbpf jit: ", DUMP_PREFIX_OFFSET,
			       16, 1, p->prog->jit_image, p->prog->jit_size,
			       false);
}

/*
 * Copy and check a program; the log is the caller's.  Returns the program
 * with one reference or NULL with *err set.
 */
struct altbpf_prog *altbpf_prog_create(u32 prog_type,
				       const struct bpf_insn *insns, u32 len,
				       const struct abpf_map_resolver *res,
				       struct abpf_log *log, int *err)
{
	struct altbpf_prog *p;
	int ret;

	if (prog_type >= ABPF_PROG_TYPE__COUNT) {
		*err = -EINVAL;
		return NULL;
	}
	if (!len) {
		abpf_log_printf(log, "empty program\n");
		*err = -EINVAL;
		return NULL;
	}
	if (!insns) {
		*err = -EINVAL;
		return NULL;
	}
	if (len > ABPF_MAX_INSNS) {
		abpf_log_printf(log, "program too large: %u instructions (max %u)\n",
				len, ABPF_MAX_INSNS);
		*err = -E2BIG;
		return NULL;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	refcount_set(&p->refcnt, 1);
	p->uapi_type = ALTBPF_PROG_TYPE_BASE + prog_type;
	p->load_time = ktime_get_boottime_ns();
	p->uid = current_uid();
	p->prog = abpf_prog_alloc(insns, len, prog_type);
	if (!p->prog) {
		ret = -ENOMEM;
		goto err;
	}
	/*
	 * lddw map references: fds through the device's resolver.  Without
	 * one (in-kernel API), abpf_check() rejects them.
	 */
	if (res) {
		ret = abpf_prog_bind_maps(p->prog, res, log);
		if (ret)
			goto err;
	}
	ret = abpf_check(p->prog, log);
	if (ret)
		goto err;
	ret = abpf_interp_prepare(p->prog);
	if (ret)
		goto err;

	p->kernel_err = altbpf_kernel_check(p->prog, p->kernel_why,
					    sizeof(p->kernel_why));
	if (log && log->level >= 1) {
		if (p->kernel_err)
			abpf_log_printf(log, "kernel engines: not supported: %s\n",
					p->kernel_why);
		else
			abpf_log_printf(log, "kernel engines: supported\n");
	}
	altbpf_jit_compile(p, log);	/* falls back to the interpreter */

	ret = altbpf_prog_alloc_id(p);
	if (ret)
		goto err;
	altbpf_jit_report(p);
	return p;

err:
	altbpf_prog_destroy(p);
	*err = ret;
	return NULL;
}

u32 altbpf_resolve_engine(const struct altbpf_prog *p, u32 engine)
{
	if (engine != ABPF_ENGINE_DEFAULT)
		return engine;
	if (READ_ONCE(altbpf_default_engine) == ABPF_ENGINE_JIT &&
	    p->prog->jit_func)
		return ABPF_ENGINE_JIT;
	return ABPF_ENGINE_INTERP;
}

/* Timing like the kernel's bpf_test_timer (net/bpf/test_run.c). */
struct altbpf_timer {
	u32 i;
	u64 start, spent;
};

/* Programs run under RCU (maps and prog-array slots are RCU-freed). */
static void altbpf_timer_enter(struct altbpf_timer *t)
{
	rcu_read_lock();
	migrate_disable();
	t->start = ktime_get_ns();
}

static void altbpf_timer_leave(struct altbpf_timer *t)
{
	t->spent += ktime_get_ns() - t->start;
	migrate_enable();
	rcu_read_unlock();
}

/* true: run again; false: done (*err = 0) or interrupted (-EINTR). */
static bool altbpf_timer_continue(struct altbpf_timer *t, u32 repeat,
				  int *err)
{
	if (++t->i >= repeat) {
		*err = 0;
		return false;
	}
	if (signal_pending(current)) {
		*err = -EINTR;
		return false;
	}
	if (need_resched()) {
		altbpf_timer_leave(t);
		cond_resched();
		altbpf_timer_enter(t);
	}
	return true;
}

static u32 altbpf_timer_avg(const struct altbpf_timer *t)
{
	u64 avg = t->spent;

	if (t->i)
		do_div(avg, t->i);
	return avg > U32_MAX ? U32_MAX : (u32)avg;
}

/*
 * The loop of altbpf's own engines over rc, built once by the caller: a
 * run changes only what engine.h lists as set by the engine (stack_lo ..
 * error_pc, which every engine sets at entry as it needs them), the
 * tail-call state and the budget, so only the last two are reset per run
 * (instead of abpf_run_ctx_init_*() rebuilding all of rc); the packet
 * ctx's cpu follows the CPU we run on (the loop may reschedule).
 * Returns r0 of the last run, 0 with *err set when a run aborted.
 */
static u64 altbpf_run_own(const struct abpf_prog *prog, bool jit,
			  struct abpf_run_ctx *rc, struct abpf_pkt_ctx *pkt,
			  u64 budget, struct altbpf_timer *t, u32 repeat,
			  int *err, u32 *error_pc)
{
	u64 ret;

	do {
		if (pkt)
			pkt->cpu = raw_smp_processor_id();
		/*
		 * The engines set stack_lo .. error_pc themselves (engine.h);
		 * the tail-call state is the caller's to reset.
		 */
		rc->tail_prog = NULL;
		rc->tail_call_cnt = 0;
		rc->tail_loop = 0;
		rc->budget = budget;
		ret = jit ? prog->jit_func(rc) : abpf_interp_run(prog, rc);
		if (unlikely(rc->error)) {
			*err = rc->error;
			if (error_pc)
				*error_pc = rc->error_pc;
			t->i++;
			return 0;
		}
	} while (altbpf_timer_continue(t, repeat, err));
	return ret;
}

/*
 * Run @p @repeat times (at least once) on @engine over @data in place.
 * Returns 0 with *r0 and *duration (average ns per run) set, or a negative
 * errno: the run's abort error (*error_pc set), -EINTR, -EINVAL (engine),
 * -EOPNOTSUPP (engine unavailable for this program).
 */
int altbpf_run(struct altbpf_prog *p, u32 engine, void *data, u32 len,
	       u32 repeat, u64 budget, u64 *r0, u32 *duration, u32 *error_pc)
{
	struct bpf_prog *klo = NULL, *khi = NULL;
	struct altbpf_kernel_classic kc = {};
	struct abpf_pkt_ctx pkt = {};
	struct abpf_run_ctx rc;
	struct altbpf_timer t = {};
	u32 type = p->prog->type;
	bool kernel = false, classic = false;
	u64 ret = 0;
	int err;

	*r0 = 0;
	if (duration)
		*duration = 0;
	if (error_pc)
		*error_pc = 0;
	if (!repeat)
		repeat = 1;
	if (!budget)
		budget = READ_ONCE(altbpf_budget);

	/* Kprobe programs need a pt_regs of a real event: attach them. */
	if (type != ABPF_PROG_TYPE_MEM && type != ABPF_PROG_TYPE_CONFORMANCE &&
	    type != ABPF_PROG_TYPE_PACKET)
		return -EOPNOTSUPP;
	if (type == ABPF_PROG_TYPE_PACKET) {
		/* A packet program's ctx: @data is the frame (Ethernet). */
		const u8 *d = data;

		pkt.data = (u64)(unsigned long)data;
		pkt.data_end = pkt.data + len;
		pkt.len = len;
		if (len >= ETH_HLEN)
			pkt.protocol = *(const __be16 *)(d + 12);
		pkt.pkttype = PACKET_HOST;
		pkt.hatype = ARPHRD_ETHER;
	}

	engine = altbpf_resolve_engine(p, engine);
	switch (engine) {
	case ABPF_ENGINE_INTERP:
		break;
	case ABPF_ENGINE_JIT:
		if (!p->prog->jit_func)
			return -EOPNOTSUPP;
		break;
	case ABPF_ENGINE_KERNEL_INTERP:
	case ABPF_ENGINE_KERNEL_JIT:
		if (type == ABPF_PROG_TYPE_PACKET && p->cbpf) {
			/* The kernel's classic BPF on the original filter. */
			err = altbpf_kernel_classic_build(p->cbpf, p->cbpf_len,
					engine == ABPF_ENGINE_KERNEL_JIT,
					data, len, &kc);
			if (err) {
				pr_info_ratelimited("prog %u: %s: classic: %d\n",
						    p->id,
						    abpf_engine_name(engine),
						    err);
				return err;
			}
			classic = true;
			break;
		}
		if (type == ABPF_PROG_TYPE_PACKET)
			return -EOPNOTSUPP;	/* r1 is a ctx block there */
		if (p->kernel_err) {
			pr_info_ratelimited("prog %u: kernel engines: %s\n",
					    p->id, p->kernel_why);
			return p->kernel_err;
		}
		err = altbpf_kernel_build(p->prog,
					  engine == ABPF_ENGINE_KERNEL_JIT,
					  len, &klo, &khi);
		if (err) {
			pr_info_ratelimited("prog %u: %s: cannot build: %d\n",
					    p->id, abpf_engine_name(engine),
					    err);
			return err;
		}
		kernel = true;
		break;
	default:
		return -EINVAL;
	}

	if (!kernel && !classic) {
		if (type == ABPF_PROG_TYPE_PACKET)
			abpf_run_ctx_init_pkt(&rc, &pkt, false);
		else
			abpf_run_ctx_init_mem(&rc, data, len);
	}
	altbpf_timer_enter(&t);
	do {
		if (classic) {
			ret = altbpf_kernel_classic_run(&kc);
			continue;
		}
		if (kernel) {
			u32 lo;

			err = altbpf_kernel_run(klo, data, budget, &lo,
						error_pc);
			ret = lo;
			if (err) {
				t.i++;
				break;
			}
			continue;
		}
		ret = altbpf_run_own(p->prog, engine == ABPF_ENGINE_JIT, &rc,
				     type == ABPF_PROG_TYPE_PACKET ? &pkt : NULL,
				     budget, &t, repeat, &err, error_pc);
		break;
	} while (altbpf_timer_continue(&t, repeat, &err));
	altbpf_timer_leave(&t);

	if (kernel) {
		if (!err) {
			u32 hi;

			/* The high half of r0, from the same input. */
			migrate_disable();
			err = altbpf_kernel_run(khi, data, budget, &hi,
						error_pc);
			migrate_enable();
			ret = (u32)ret | (u64)hi << 32;
		}
		altbpf_kernel_free(klo, khi);
	}
	if (classic)
		altbpf_kernel_classic_free(&kc);
	if (duration)
		*duration = altbpf_timer_avg(&t);
	*r0 = err ? 0 : ret;
	return err;
}

/* Exported API (altbpf_api.h). */

struct altbpf_prog *altbpf_prog_load(u32 prog_type,
				     const struct bpf_insn *insns, u32 len,
				     char *log, u32 log_size, int *err)
{
	struct abpf_log l = {
		.buf = log,
		.size = log ? log_size : 0,
		.level = READ_ONCE(altbpf_log_level),
	};
	int dummy;

	if (!err)
		err = &dummy;
	if (l.size)
		log[0] = '\0';
	return altbpf_prog_create(prog_type, insns, len, NULL, &l, err);
}
EXPORT_SYMBOL_GPL(altbpf_prog_load);

int altbpf_prog_run_opts(struct altbpf_prog *p, void *data, u32 len,
			 struct altbpf_run_opts *opts)
{
	if (!p || !opts || (!data && len))
		return -EINVAL;
	return altbpf_run(p, opts->engine, data, len, 1, opts->budget,
			  &opts->r0, NULL, &opts->error_pc);
}
EXPORT_SYMBOL_GPL(altbpf_prog_run_opts);

int altbpf_prog_run(struct altbpf_prog *p, u32 engine, void *data, u32 len,
		    u64 *r0)
{
	struct altbpf_run_opts opts = { .engine = engine };
	int err;

	err = altbpf_prog_run_opts(p, data, len, &opts);
	if (r0)
		*r0 = opts.r0;
	return err;
}
EXPORT_SYMBOL_GPL(altbpf_prog_run);

void altbpf_prog_get(struct altbpf_prog *p)
{
	refcount_inc(&p->refcnt);
}
EXPORT_SYMBOL_GPL(altbpf_prog_get);

void altbpf_prog_put(struct altbpf_prog *p)
{
	if (p && refcount_dec_and_test(&p->refcnt))
		altbpf_prog_destroy(p);
}
EXPORT_SYMBOL_GPL(altbpf_prog_put);

u32 altbpf_prog_id(const struct altbpf_prog *p)
{
	return p->id;
}
EXPORT_SYMBOL_GPL(altbpf_prog_id);

unsigned int altbpf_prog_refcount(const struct altbpf_prog *p)
{
	return refcount_read(&p->refcnt);
}
EXPORT_SYMBOL_GPL(altbpf_prog_refcount);

int altbpf_prog_kernel_supported(const struct altbpf_prog *p, char *why,
				 u32 why_size)
{
	if (why && why_size)
		strscpy(why, p->kernel_why, why_size);
	return p->kernel_err;
}
EXPORT_SYMBOL_GPL(altbpf_prog_kernel_supported);

int altbpf_prog_jited(const struct altbpf_prog *p, u32 *size, char *why,
		      u32 why_size)
{
	if (size)
		*size = p->prog->jit_size;
	if (why && why_size)
		strscpy(why, p->jit_err ? p->jit_why : "", why_size);
	return p->jit_err;
}
EXPORT_SYMBOL_GPL(altbpf_prog_jited);

const void *altbpf_prog_jit_image(const struct altbpf_prog *p, u32 *size)
{
	*size = p->prog->jit_size;
	return p->prog->jit_image;
}
EXPORT_SYMBOL_NS_GPL(altbpf_prog_jit_image, ALTBPF_INTERNAL);

/*
 * Classic BPF: check, translate, load as a packet program, and keep the
 * original instructions for the kernel's engines.  The log is the caller's.
 */
struct altbpf_prog *altbpf_cbpf_create(const struct sock_filter *filter,
				       u32 len, struct abpf_log *log, int *err)
{
	const struct abpf_cbpf_insn *f = (const void *)filter;
	struct sock_filter *copy;
	struct altbpf_prog *p;
	struct bpf_insn *insns;
	u32 n;

	BUILD_BUG_ON(sizeof(struct abpf_cbpf_insn) != sizeof(struct sock_filter));
	*err = abpf_cbpf_check(f, len, log);
	if (*err)
		return NULL;
	copy = kvmalloc_array(len, sizeof(*filter), GFP_KERNEL);
	if (!copy) {
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(copy, filter, len * sizeof(*filter));
	*err = abpf_cbpf_translate(f, len, &insns, &n, log);
	if (*err) {
		kvfree(copy);
		return NULL;
	}
	p = altbpf_prog_create(ABPF_PROG_TYPE_PACKET, insns, n, NULL, log, err);
	abpf_free(insns);
	if (!p) {
		kvfree(copy);
		return NULL;
	}
	p->cbpf = copy;
	p->cbpf_len = len;
	/* The kernel's engines run the classic program, not the eBPF. */
	p->kernel_err = 0;
	p->kernel_why[0] = '\0';
	if (log && log->level >= 1)
		abpf_log_printf(log, "kernel engines: the kernel's classic BPF on the original filter\n");
	return p;
}

/* Classic BPF (altbpf_api.h) */
struct altbpf_prog *altbpf_cbpf_load(const struct sock_filter *filter,
				     u32 len, char *log, u32 log_size, int *err)
{
	struct abpf_log l = { .buf = log, .size = log ? log_size : 0,
			      .level = READ_ONCE(altbpf_log_level) };
	int dummy;

	if (!err)
		err = &dummy;
	if (l.size)
		log[0] = '\0';
	return altbpf_cbpf_create(filter, len, &l, err);
}
EXPORT_SYMBOL_GPL(altbpf_cbpf_load);

int altbpf_prog_run_pkt(struct altbpf_prog *p, u32 engine,
			struct abpf_pkt_ctx *ctx, u64 *r0)
{
	struct abpf_run_ctx rc;
	u64 ret;

	*r0 = 0;
	if (!p || !ctx || p->prog->type != ABPF_PROG_TYPE_PACKET)
		return -EINVAL;
	engine = altbpf_resolve_engine(p, engine);
	if (engine == ABPF_ENGINE_JIT && !p->prog->jit_func)
		return -EOPNOTSUPP;
	if (engine != ABPF_ENGINE_INTERP && engine != ABPF_ENGINE_JIT)
		return -EOPNOTSUPP;
	abpf_run_ctx_init_pkt(&rc, ctx, false);
	rc.budget = READ_ONCE(altbpf_budget);
	rcu_read_lock();
	migrate_disable();	/* per-CPU maps */
	ret = engine == ABPF_ENGINE_JIT ? p->prog->jit_func(&rc) :
					  abpf_interp_run(p->prog, &rc);
	migrate_enable();
	rcu_read_unlock();
	if (rc.error)
		return rc.error;
	*r0 = ret;
	return 0;
}
EXPORT_SYMBOL_GPL(altbpf_prog_run_pkt);
