// SPDX-License-Identifier: GPL-2.0
/*
 * prog.c - program objects, run contexts and the run-time memory check.
 */
#include "engine.h"
#include "maps.h"

struct abpf_prog *abpf_prog_alloc(const struct bpf_insn *insns, u32 len,
				  u32 type)
{
	struct abpf_prog *prog;

	if (!insns || !len || len > ABPF_MAX_INSNS ||
	    type >= ABPF_PROG_TYPE__COUNT)
		return NULL;

	prog = abpf_zalloc(sizeof(*prog));
	if (!prog)
		return NULL;
	prog->insns = abpf_zalloc((size_t)len * sizeof(*insns));
	if (!prog->insns) {
		abpf_free(prog);
		return NULL;
	}
	memcpy(prog->insns, insns, (size_t)len * sizeof(*insns));
	prog->len = len;
	prog->type = type;
	prog->helpers = abpf_helpers_for_type(type);
	return prog;
}

/* The host frees the JIT image (prog->jit_image) before calling this. */
void abpf_prog_free(struct abpf_prog *prog)
{
	if (!prog)
		return;
	abpf_interp_release(prog);
	abpf_prog_put_maps(prog);
	abpf_free(prog->subprogs);
	abpf_free(prog->aux);
	abpf_free(prog->insns);
	abpf_free(prog);
}

const struct abpf_helper_table *abpf_helpers_for_type(u32 type)
{
	/* Both hosts link helper_protos.c: the same tables everywhere. */
	switch (type) {
	case ABPF_PROG_TYPE_CONFORMANCE:
		return &abpf_conformance_helpers;
	case ABPF_PROG_TYPE_MEM:
		return &abpf_mem_map_helpers;
	case ABPF_PROG_TYPE_PACKET:
		return &abpf_packet_helpers;
	case ABPF_PROG_TYPE_KPROBE:
		return &abpf_kprobe_helpers;
	default:
		return NULL;	/* no helpers */
	}
}

/*
 * Everything but the regions: readers stop at nr_regions, so the unused
 * ones need no clearing (this runs before every program run; clearing
 * all 192 bytes was a third of the per-run setup).
 */
static void abpf_run_ctx_clear(struct abpf_run_ctx *rc)
{
	_Static_assert(offsetof(struct abpf_run_ctx, budget) ==
		       offsetof(struct abpf_run_ctx, regions) +
		       sizeof(rc->regions), "the regions end where budget starts");
	memset(rc, 0, offsetof(struct abpf_run_ctx, regions));
	/* from the struct's base: FORTIFY_SOURCE bounds &rc->budget by its field */
	memset((u8 *)rc + offsetof(struct abpf_run_ctx, budget), 0,
	       sizeof(*rc) - offsetof(struct abpf_run_ctx, budget));
}

/*
 * Append a region, every field set: abpf_run_ctx_clear() leaves the
 * regions' memory as it was, so a field not written here would be stale
 * (a read-only region turned writable by a leftover byte).
 */
static void abpf_run_ctx_add_region(struct abpf_run_ctx *rc, u64 start,
				    u64 len, bool writable)
{
	struct abpf_region *r = &rc->regions[rc->nr_regions++];

	r->start = start;
	r->len = len;
	r->writable = writable;
}

void abpf_run_ctx_init_mem(struct abpf_run_ctx *rc, void *data, u32 len)
{
	abpf_run_ctx_clear(rc);
	rc->r1 = (u64)(unsigned long)data;
	rc->r2 = len;
	rc->pkt = data;
	rc->pkt_len = data ? len : 0;
	if (data && len)
		abpf_run_ctx_add_region(rc, (u64)(unsigned long)data, len, true);
	rc->budget = ABPF_DEFAULT_BUDGET;
}

void abpf_run_ctx_init_pkt(struct abpf_run_ctx *rc, struct abpf_pkt_ctx *ctx,
			   bool pkt_writable)
{
	u64 len = ctx->data_end - ctx->data;

	abpf_run_ctx_clear(rc);
	rc->r1 = (u64)(unsigned long)ctx;
	rc->pkt = (const u8 *)(unsigned long)ctx->data;
	rc->pkt_len = ctx->data_end > ctx->data ? (u32)len : 0;
	/*
	 * The packet first: run-time checks try the regions in order and the
	 * JIT checks the first one inline, so loops over the packet stay on
	 * the fast path; ctx loads are few (data, data_end, len).
	 */
	if (rc->pkt_len)
		abpf_run_ctx_add_region(rc, ctx->data, rc->pkt_len,
					pkt_writable);
	/* read-only: proven packet reads trust data and data_end */
	abpf_run_ctx_add_region(rc, (u64)(unsigned long)ctx, sizeof(*ctx),
				false);
	rc->budget = ABPF_DEFAULT_BUDGET;
}

void abpf_run_ctx_init_ctx(struct abpf_run_ctx *rc, void *ctx, u32 ctx_size)
{
	abpf_run_ctx_clear(rc);
	rc->r1 = (u64)(unsigned long)ctx;
	if (ctx && ctx_size)
		abpf_run_ctx_add_region(rc, (u64)(unsigned long)ctx, ctx_size,
					false);
	rc->budget = ABPF_DEFAULT_BUDGET;
}

/* [addr, addr + size) inside [start, start + len), without overflow. */
static inline bool abpf_range_in(u64 addr, u64 size, u64 start, u64 len)
{
	u64 off = addr - start;	/* wraps to a huge value below start */

	return off < len && len - off >= size;
}

bool abpf_mem_ok(const struct abpf_run_ctx *rc, u64 addr, u64 size,
		 bool write)
{
	u32 i, n;

	if (!size)
		return true;
	if (abpf_range_in(addr, size, rc->stack_lo,
			  rc->stack_hi - rc->stack_lo))
		return true;
	n = rc->nr_regions;
	if (n > ABPF_MAX_REGIONS)
		n = ABPF_MAX_REGIONS;
	for (i = 0; i < n; i++) {
		const struct abpf_region *r = &rc->regions[i];

		if ((!write || r->writable) &&
		    abpf_range_in(addr, size, r->start, r->len))
			return true;
	}
	return false;
}

const char *abpf_engine_name(u32 engine)
{
	switch (engine) {
	case ABPF_ENGINE_DEFAULT:	return "default";
	case ABPF_ENGINE_INTERP:	return "interp";
	case ABPF_ENGINE_JIT:		return "jit";
	case ABPF_ENGINE_KERNEL_INTERP:	return "kernel-interp";
	case ABPF_ENGINE_KERNEL_JIT:	return "kernel-jit";
	default:			return "unknown";
	}
}

const char *abpf_run_error_str(int error)
{
	switch (error) {
	case 0:		return "ok";
	case -ERANGE:	return "out-of-bounds memory access";
	case -ELOOP:	return "loop budget exhausted";
	case -EINVAL:	return "invalid call target or instruction";
	case -ENOMEM:	return "out of memory";
	default:	return "run-time error";
	}
}
