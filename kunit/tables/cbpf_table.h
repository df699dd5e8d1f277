/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cbpf_table.h - the shape of the classic BPF test tables (cbpf_*.h).
 *
 * A classic program (struct abpf_cbpf_insn, the layout of struct
 * sock_filter), a packet and the ancillary context it runs with, and the
 * verdict (the filter's u32 return value).  The same tables run natively
 * (userspace/tests/cbpf_tests.c: altbpf's interpreter and JIT) and in
 * KUnit (kunit/cbpf_test.c: altbpf's engines and the kernel's own classic
 * BPF on a real skb, which must agree).
 */
#ifndef ALTBPF_TABLES_CBPF_TABLE_H
#define ALTBPF_TABLES_CBPF_TABLE_H

#include "table.h"
#include "../../module/core/cbpf.h"

#define ABPF_CBPF_TEST_MAX_INSNS	40
#define ABPF_CBPF_TEST_MAX_PKT		96

/*
 * Ancillary data, in host order (protocol 0x0800 is ETH_P_IP).  A test
 * that sets ifindex must use 1 and hatype 772 (the loopback device's), so
 * that KUnit can hand the kernel init_net's loopback device; ifindex 0
 * means "no device" (skb->dev == NULL).
 */
struct abpf_cbpf_test_ctx {
	u16 protocol;
	u8 pkttype;
	u8 vlan_present;
	u16 vlan_tci;
	u16 vlan_proto;
	u32 ifindex;
	u32 hatype;
	u32 mark;
	u32 queue_mapping;
	u32 rxhash;
};

/* Checked, translated, run over pkt: returns result. */
struct abpf_cbpf_test {
	const char *name;
	struct abpf_cbpf_insn insns[ABPF_CBPF_TEST_MAX_INSNS];
	u32 len;
	u8 pkt[ABPF_CBPF_TEST_MAX_PKT];
	u32 pkt_len;
	struct abpf_cbpf_test_ctx ctx;
	u32 result;
};

/*
 * Rejected with err and a log containing msg: by abpf_cbpf_check() (and
 * then by the kernel's bpf_check_classic() too), or, when translate is
 * set, accepted by the checker (and the kernel) but refused by
 * abpf_cbpf_translate() (an ancillary load altbpf does not provide).
 */
struct abpf_cbpf_reject_test {
	const char *name;
	struct abpf_cbpf_insn insns[ABPF_CBPF_TEST_MAX_INSNS];
	u32 len;
	int err;
	const char *msg;
	bool translate;
};

#define CB_STMT(c, K)		{ .code = (c), .jt = 0, .jf = 0, .k = (K) }
#define CB_JUMP(c, K, JT, JF)	{ .code = (c), .jt = (JT), .jf = (JF), .k = (K) }
/* .insns and .len from one list */
#define CB_PROG(...)							\
	.insns = { __VA_ARGS__ },					\
	.len = sizeof((struct abpf_cbpf_insn[]){ __VA_ARGS__ }) /	\
	       sizeof(struct abpf_cbpf_insn)
#define CB_PKT(...)							\
	.pkt = { __VA_ARGS__ },						\
	.pkt_len = sizeof((u8[]){ __VA_ARGS__ })

/* SKF_AD_OFF + x as a u32 k */
#define CB_ANC(x)		((u32)SKF_AD_OFF + (x))

/*
 * The struct abpf_pkt_ctx a test runs with (cpu left 0; KUnit fills it).
 * @pkt is the packet copy the program reads.
 */
static inline void abpf_cbpf_test_ctx(const struct abpf_cbpf_test *t,
				      const u8 *pkt,
				      struct abpf_pkt_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->data = (u64)(unsigned long)pkt;
	ctx->data_end = ctx->data + t->pkt_len;
	ctx->len = t->pkt_len;
	ctx->protocol = abpf_bswap16(t->ctx.protocol);	/* as __be16 */
	ctx->pkttype = t->ctx.pkttype;
	ctx->ifindex = t->ctx.ifindex;
	ctx->mark = t->ctx.mark;
	ctx->queue_mapping = t->ctx.queue_mapping;
	ctx->vlan_tci = t->ctx.vlan_tci;
	ctx->vlan_present = t->ctx.vlan_present;
	ctx->vlan_proto = abpf_bswap16(t->ctx.vlan_proto);
	ctx->hatype = t->ctx.ifindex ? t->ctx.hatype : 0;
	ctx->rxhash = t->ctx.rxhash;
}

#endif /* ALTBPF_TABLES_CBPF_TABLE_H */
