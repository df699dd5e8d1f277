/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_prog.h - the two context flavours of a benchmark program.
 *
 * Every userspace/bench/progs/NAME.bpf.c is compiled twice (see
 * docs/bench.md): with -DBENCH_KERNEL as an XDP program (ctx struct
 * xdp_md, u32 data/data_end) for the kernel's engines through bpf(2), and
 * without it as an altbpf packet program (SEC("socket"), ctx struct
 * altbpf_pkt_ctx, u64 data/data_end).  The body, given the packet as
 * [data, end), is the same C in both; the compute bodies live in algo.h,
 * which gcc also compiles natively (native_algo.c).
 */
#ifndef ALTBPF_BENCH_PROG_H
#define ALTBPF_BENCH_PROG_H

#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

#ifdef BENCH_KERNEL
#define BENCH_SEC	"xdp"
#define BENCH_CTX	struct xdp_md
#else
#include "altbpf_ctx.h"
#define BENCH_SEC	"socket"
#define BENCH_CTX	struct altbpf_pkt_ctx
#endif

/* Both contexts start with data and data_end (u32 or u64 each). */
#define BENCH_DATA(ctx)	((const __u8 *)(long)(ctx)->data)
#define BENCH_END(ctx)	((const __u8 *)(long)(ctx)->data_end)

/*
 * BENCH_PROG(name) { body }: the entry point; the body sees ctx, data and
 * end and returns the run's checksum (a u32: XDP's retval is 32 bits).
 */
#define BENCH_PROG(name)	BENCH_PROG_(name)
#define BENCH_PROG_(name)						\
static __always_inline __u32 name##_body(BENCH_CTX *ctx,		\
					 const __u8 *data,		\
					 const __u8 *end);		\
SEC(BENCH_SEC) int name(BENCH_CTX *ctx)					\
{									\
	return name##_body(ctx, BENCH_DATA(ctx), BENCH_END(ctx));	\
}									\
static __always_inline __u32 name##_body(BENCH_CTX *ctx,		\
					 const __u8 *data,		\
					 const __u8 *end)

#define BENCH_LICENSE char _license[] SEC("license") = "GPL"

#endif
