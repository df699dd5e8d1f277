// SPDX-License-Identifier: GPL-2.0
/*
 * tail_calls - a chain of eight programs joined by bpf_tail_call(): the
 * entry seeds a state cell (an array map value) from the packet, each
 * link mixes it and tail-calls the next, the last returns it.
 */
#include "bench_prog.h"
#include "algo.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} tc_state SEC(".maps");

#ifdef BENCH_KERNEL
#define TC_SEC	"xdp"
#else
#define TC_SEC	"socket"
#endif

int link1(BENCH_CTX *ctx);
int link2(BENCH_CTX *ctx);
int link3(BENCH_CTX *ctx);
int link4(BENCH_CTX *ctx);
int link5(BENCH_CTX *ctx);
int link6(BENCH_CTX *ctx);
int link7(BENCH_CTX *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 8);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} chain SEC(".maps") = {
	.values = {
		[1] = (void *)&link1, [2] = (void *)&link2,
		[3] = (void *)&link3, [4] = (void *)&link4,
		[5] = (void *)&link5, [6] = (void *)&link6,
		[7] = (void *)&link7,
	},
};

static __always_inline __u64 *state(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&tc_state, &zero);
}

/* Link N mixes the state and jumps to N + 1; the last one returns. */
#define TC_LINK(n)							\
SEC(TC_SEC) int link##n(BENCH_CTX *ctx)					\
{									\
	__u64 *s = state();						\
									\
	if (!s)								\
		return 0;						\
	*s = (*s ^ (*s >> 11)) * 0x9e3779b97f4a7c15ULL + n;		\
	if (n < 7)							\
		bpf_tail_call(ctx, &chain, n + 1);			\
	return fold64(*s);						\
}

TC_LINK(1)
TC_LINK(2)
TC_LINK(3)
TC_LINK(4)
TC_LINK(5)
TC_LINK(6)
TC_LINK(7)

BENCH_PROG(tail_calls)
{
	__u64 *s = state();

	if (!s || data + BENCH_PAYLOAD + 8 > end)
		return 0;
	*s = LD64(data + BENCH_PAYLOAD);
	bpf_tail_call(ctx, &chain, 1);
	return 0xbad;
}

BENCH_LICENSE;
