/* SPDX-License-Identifier: GPL-2.0 */
/*
 * engine.h - the engine core's programming interface.
 *
 * A program goes through: abpf_prog_alloc() (copy of the instructions),
 * abpf_check() (the safety checker: rejects with "insn N: reason" in the
 * log, or fills in per-instruction facts for the engines), then runs on
 * any engine with a struct abpf_run_ctx, and is released with
 * abpf_prog_free().
 *
 * Safety model, identical for every engine:
 *  - a load/store whose address the checker proved (stack at a constant
 *    offset, within the frame) runs unchecked;
 *  - every other load/store is flagged ABPF_AUX_MEMCHK and checked at run
 *    time against the run's regions (the whole BPF stack, plus the regions
 *    in struct abpf_run_ctx); outside them the run aborts with -ERANGE;
 *  - loops: each taken jump to an earlier-or-same instruction and each
 *    local call costs one unit of rc->budget; when it is exhausted the run
 *    aborts with -ELOOP;
 *  - helpers check any memory they are handed with abpf_mem_ok();
 *  - an abort stops the program with r0 = 0, rc->error set (negative
 *    errno) and rc->error_pc the instruction index.
 */
#ifndef ALTBPF_CORE_ENGINE_H
#define ALTBPF_CORE_ENGINE_H

#include "host.h"
#include "isa.h"

/* Program types: the context a program gets and the helpers it may call. */
enum abpf_prog_type {
	/* r1 = data, r2 = data length; LD_ABS/LD_IND read the data too.
	 * The model of the conformance corpus and of `altbpf run`. */
	ABPF_PROG_TYPE_MEM = 0,
	/* The conformance plugin's type: MEM plus the reference plugins'
	 * helpers 0-5 (gather_bytes, memfrob, no_op, sqrti, strcmp_ext,
	 * unwind). */
	ABPF_PROG_TYPE_CONFORMANCE = 1,
	/* Packet programs (classic filters, capture taps, netfilter hooks):
	 * r1 = struct abpf_pkt_ctx (read-only), LD_ABS/LD_IND read the
	 * packet, which is also reachable through ctx->data .. data_end. */
	ABPF_PROG_TYPE_PACKET = 2,
	/* kprobes: r1 = struct pt_regs (read-only); tracing helpers
	 * (maps.h: abpf_kprobe_helpers). */
	ABPF_PROG_TYPE_KPROBE = 3,
	ABPF_PROG_TYPE__COUNT,
};

/*
 * The context of ABPF_PROG_TYPE_PACKET programs: what a classic filter's
 * ancillary loads (SKF_AD_*) and eBPF packet programs may read.  Field
 * meanings follow struct sk_buff / struct __sk_buff.
 */
struct abpf_pkt_ctx {
	u64 data;		/* first byte of the packet (link layer) */
	u64 data_end;		/* one past its last byte */
	u32 len;		/* wire length (may exceed data_end - data) */
	u32 protocol;		/* skb->protocol, network byte order */
	u32 pkttype;		/* PACKET_HOST, PACKET_OUTGOING, ... */
	u32 ifindex;
	u32 mark;
	u32 queue_mapping;
	u32 vlan_tci;
	u32 vlan_present;
	u32 vlan_proto;		/* network byte order */
	u32 hatype;		/* ARPHRD_* of the device */
	u32 rxhash;
	u32 cpu;		/* CPU the program runs on */
};

enum abpf_engine {
	ABPF_ENGINE_DEFAULT = 0,	/* JIT when available, else interpreter */
	ABPF_ENGINE_INTERP = 1,
	ABPF_ENGINE_JIT = 2,
	ABPF_ENGINE_KERNEL_INTERP = 3,	/* the kernel's ___bpf_prog_run */
	ABPF_ENGINE_KERNEL_JIT = 4,	/* the kernel's bpf_int_jit_compile */
	ABPF_ENGINE__COUNT,
};

#define ABPF_MAX_REGIONS	4
#define ABPF_DEFAULT_BUDGET	(1ULL << 24)

struct abpf_region {
	u64 start;
	u64 len;
	bool writable;
};

struct abpf_run_ctx {
	/* in */
	u64 r1, r2;			/* initial r1 and r2 */
	const u8 *pkt;			/* LD_ABS/LD_IND source */
	u32 pkt_len;
	u32 nr_regions;
	struct abpf_region regions[ABPF_MAX_REGIONS];	/* besides the stack */
	u64 budget;			/* back-edges + local calls allowed */
	void *host;			/* for the host's helpers */
	/* set by the engine */
	u64 stack_lo, stack_hi;		/* BPF stack of this run (for helpers) */
	bool stop;			/* a helper asked to stop (r0 = 0) */
	int error;			/* 0 or -ERANGE, -ELOOP, -EINVAL ... */
	u32 error_pc;
	/* tail calls (maps.h): zeroed by abpf_run_ctx_init_*() */
	const struct abpf_prog *tail_prog;	/* set by bpf_tail_call */
	u32 tail_call_cnt;			/* taken so far, <= 33 */
	u8 tail_loop;				/* in abpf_tail_call_dispatch() */
};

typedef u64 (*abpf_helper_fn)(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5,
			      struct abpf_run_ctx *rc);

#define ABPF_HELPER_MAY_STOP	0x1	/* may set rc->stop or rc->error */

struct abpf_helper_proto;
struct abpf_map;

struct abpf_helper {
	const char *name;
	abpf_helper_fn fn;
	u32 flags;
	u8 nr_args;
	/* argument/return types the checker enforces (maps.h), or NULL */
	const struct abpf_helper_proto *proto;
};

struct abpf_helper_table {
	u32 count;			/* ids 0..count-1; fn == NULL: none */
	const struct abpf_helper *helpers;
};

/* Per-instruction facts from the checker (prog->aux[i].flags). */
#define ABPF_AUX_MEMCHK		0x01	/* load/store needs a run-time check */
#define ABPF_AUX_BACKEDGE	0x02	/* jump/call that costs budget */
#define ABPF_AUX_SUBPROG_START	0x04	/* first insn of a subprogram */
#define ABPF_AUX_LDDW_HI	0x08	/* second slot of an lddw */
#define ABPF_AUX_REACHED	0x10

struct abpf_insn_aux {
	u8 flags;
	/*
	 * Helper calls with a map argument: prog->maps[] index + 1 of that
	 * map, the same on every path (engines may inline, e.g. array
	 * lookups in the JIT); 0 none, ABPF_AUX_MAP_MANY: differs by path.
	 */
	u8 map;
	u16 subprog;			/* index of the owning subprogram */
};

#define ABPF_AUX_MAP_MANY	0xff

/* prog->flags */
#define ABPF_PROG_CHECKED	0x01
#define ABPF_PROG_ZERO_STACK	0x02	/* stack may be read uninitialised
					 * through a checked pointer: zero it */
#define ABPF_PROG_HAS_CALLS	0x04	/* bpf-to-bpf calls */
#define ABPF_PROG_HAS_HELPERS	0x08
#define ABPF_PROG_HAS_LD_PKT	0x10	/* LD_ABS / LD_IND */
#define ABPF_PROG_HAS_TAIL_CALL	0x20	/* calls bpf_tail_call */
#define ABPF_PROG_MAPS_BOUND	0x100	/* abpf_prog_bind_maps() done */

struct abpf_subprog {
	u32 start;			/* first instruction */
	u32 stack_depth;		/* bytes below its r10, multiple of 8 */
};

struct abpf_prog {
	u32 len;			/* instructions (lddw counts 2) */
	u32 type;			/* enum abpf_prog_type */
	u32 flags;
	u32 stack_depth;		/* max combined over any call chain */
	struct bpf_insn *insns;
	struct abpf_insn_aux *aux;	/* len entries, after abpf_check() */
	u32 nr_subprogs;
	struct abpf_subprog *subprogs;
	const struct abpf_helper_table *helpers;
	/* maps the program uses, one reference each (maps.h) */
	u32 nr_maps;
	struct abpf_map **maps;

	/* JIT image (host-managed memory), NULL when not compiled. */
	void *jit_image;
	u32 jit_size;
	u64 (*jit_func)(struct abpf_run_ctx *rc);
	/*
	 * The JIT's tail-call entry, past the frame setup, for a caller
	 * whose frame has the same jit_tail_key (jit_x86.c); key 0: none.
	 */
	void *jit_tail;
	u32 jit_tail_key;
	void *host_priv;

	/* Interpreter's pre-decoded form (abpf_interp_prepare()). */
	void *interp_priv;
};

/* Verifier log: bounded, always NUL-terminated when size > 0. */
struct abpf_log {
	char *buf;
	u32 size;
	u32 len;
	u32 level;			/* 0 errors only, 1 + summary, 2 trace */
	bool truncated;
};

void abpf_log_printf(struct abpf_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* prog.c */
struct abpf_prog *abpf_prog_alloc(const struct bpf_insn *insns, u32 len,
				  u32 type);
void abpf_prog_free(struct abpf_prog *prog);
const struct abpf_helper_table *abpf_helpers_for_type(u32 type);
void abpf_run_ctx_init_mem(struct abpf_run_ctx *rc, void *data, u32 len);
/* r1 = ctx; regions: ctx (read-only), packet (writable if asked). */
void abpf_run_ctx_init_pkt(struct abpf_run_ctx *rc, struct abpf_pkt_ctx *ctx,
			   bool pkt_writable);
/* r1 = ctx (ctx_size bytes, read-only), as for kprobe programs. */
void abpf_run_ctx_init_ctx(struct abpf_run_ctx *rc, void *ctx, u32 ctx_size);
/* Is [addr, addr + size) inside the stack or one region (writable if asked)? */
bool abpf_mem_ok(const struct abpf_run_ctx *rc, u64 addr, u64 size,
		 bool write);
const char *abpf_engine_name(u32 engine);
const char *abpf_run_error_str(int error);

/* verifier.c: 0, or -EINVAL (malformed), -EACCES (unsafe), -E2BIG. */
int abpf_check(struct abpf_prog *prog, struct abpf_log *log);

#ifdef ABPF_CHECKER_FACTS
/*
 * Debug builds of the core only (never the module): what the checker
 * claims holds before each instruction runs, on every path, so that a
 * single-step executor can assert it against concrete values
 * (userspace/fuzz/stepper.c).  Types are verifier.c's RT_* (mirrored).
 */
enum abpf_fact_type {
	ABPF_FACT_UNINIT, ABPF_FACT_SCALAR, ABPF_FACT_PTR_STACK,
	ABPF_FACT_PTR_CTX, ABPF_FACT_PTR_UNKNOWN, ABPF_FACT_MAP_PTR,
	ABPF_FACT_MAP_VALUE, ABPF_FACT_MAP_VALUE_OR_NULL,
	ABPF_FACT_ALLOC_MEM, ABPF_FACT_ALLOC_MEM_OR_NULL,
	ABPF_FACT_PTR_PKT, ABPF_FACT_PTR_PKT_END,
};

/*
 * size: ALLOC_MEM record size; PKT: the most variable bytes in its base.
 * id: PKT: registers with one id share their base (0: ctx->data);
 * SCALAR: linked scalars, value - loff the same in all of one id.
 * omin/omax: pointers' offset bounds (PKT: pointer = base + offset).
 */
struct abpf_reg_fact {
	u8 type;			/* enum abpf_fact_type */
	bool known;			/* val is exact (scalar, offset) */
	u16 map;			/* index in prog->maps[] */
	u32 size;
	u32 range;			/* PKT: base + range <= data_end */
	u32 id;
	s32 loff;
	u8 tz;				/* SCALAR: low tz bits are 0 */
	s64 val;			/* scalar value, or pointer offset */
	u64 umin, umax;			/* SCALAR: unsigned bounds */
	s64 omin, omax;
};

struct abpf_insn_facts {
	bool seen;			/* the checker analysed this insn */
	struct abpf_reg_fact regs[ABPF_NR_REGS];
	/* bit b: byte fp - ABPF_MAX_STACK + b of this frame was written */
	u64 stack_init[ABPF_MAX_STACK / 64];
};

/* abpf_check() that also fills facts[prog->len] (on success). */
int abpf_check_facts(struct abpf_prog *prog, struct abpf_log *log,
		     struct abpf_insn_facts *facts);
#endif

/* interp.c: returns r0; on abort r0 = 0 and rc->error is set. */
u64 abpf_interp_run(const struct abpf_prog *prog, struct abpf_run_ctx *rc);
/*
 * Pre-decode a checked program for abpf_interp_run() (may sleep: call it
 * after abpf_check(), before the program can run).  0 or -EINVAL/-ENOMEM.
 * abpf_prog_free() releases it.
 */
int abpf_interp_prepare(struct abpf_prog *prog);
void abpf_interp_release(struct abpf_prog *prog);

/* disasm.c: one instruction (two slots for lddw) in conformance syntax. */
int abpf_disasm_insn(const struct bpf_insn *insns, u32 len, u32 idx,
		     char *buf, u32 size);

/* helpers.c: the conformance plugins' helpers 0-5. */
extern const struct abpf_helper_table abpf_conformance_helpers;

#endif /* ALTBPF_CORE_ENGINE_H */
