// SPDX-License-Identifier: GPL-2.0
/*
 * cbpf_test.c - KUnit suite "altbpf-cbpf": the classic BPF tables
 * (tables/cbpf_basic.h) through altbpf (altbpf_cbpf_load(): check +
 * translate + load as ABPF_PROG_TYPE_PACKET, run with
 * altbpf_prog_run_pkt() on altbpf's interpreter and JIT) and through the
 * kernel's own classic BPF (bpf_prog_create() + bpf_prog_run() on a real
 * skb carrying the table's packet and context).  Both must give the
 * table's verdict; rejects must be refused by both checkers (or, for what
 * altbpf does not provide, accepted by the kernel and refused by altbpf).
 * Then the same filters through altbpf_prog_run() on all four engines
 * (altbpf's interpreter and JIT; the kernel's classic BPF interpreter and
 * JIT, which altbpf builds from the original classic program): the four
 * verdicts must agree, and equal the table's when the table's context is
 * the one altbpf derives from the frame.
 */
#include <linux/module.h>
#include <linux/filter.h>
#include <linux/skbuff.h>
#include <linux/if_vlan.h>
#include <linux/if_packet.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>
#include <kunit/test.h>

#include "altbpf_api.h"
#include "tables/cbpf_basic.h"

static_assert(sizeof(struct abpf_cbpf_insn) == sizeof(struct sock_filter));
static_assert(offsetof(struct abpf_cbpf_insn, k) ==
	      offsetof(struct sock_filter, k));

#define CBPF_LOG_SIZE	1024

static void cbpf_run_desc(const struct abpf_cbpf_test *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

static void cbpf_reject_desc(const struct abpf_cbpf_reject_test *t,
			     char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cbpf_run, abpf_cbpf_basic_tests, cbpf_run_desc);
KUNIT_ARRAY_PARAM(cbpf_reject, abpf_cbpf_reject_tests, cbpf_reject_desc);

/* An skb with the table's packet and context (dev: loopback or none). */
static struct sk_buff *cbpf_skb(struct kunit *test,
				const struct abpf_cbpf_test *t)
{
	struct sk_buff *skb = alloc_skb(t->pkt_len + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, skb);
	skb_put_data(skb, t->pkt, t->pkt_len);
	skb_reset_mac_header(skb);
	skb->protocol = htons(t->ctx.protocol);
	skb->pkt_type = t->ctx.pkttype;
	skb->mark = t->ctx.mark;
	skb_set_queue_mapping(skb, t->ctx.queue_mapping);
	skb->hash = t->ctx.rxhash;
	if (t->ctx.vlan_present)
		__vlan_hwaccel_put_tag(skb, htons(t->ctx.vlan_proto),
				       t->ctx.vlan_tci);
	if (t->ctx.ifindex) {
		/* tables use the loopback device's ifindex and type */
		KUNIT_ASSERT_EQ(test, t->ctx.ifindex,
				(u32)init_net.loopback_dev->ifindex);
		KUNIT_ASSERT_EQ(test, t->ctx.hatype,
				(u32)init_net.loopback_dev->type);
		skb->dev = init_net.loopback_dev;
	}
	return skb;
}

static void cbpf_run_test(struct kunit *test)
{
	static const u32 engines[] = { ABPF_ENGINE_INTERP, ABPF_ENGINE_JIT };
	const struct abpf_cbpf_test *t = test->param_value;
	struct sock_fprog_kern fprog = {
		.len = t->len,
		.filter = (struct sock_filter *)t->insns,
	};
	struct abpf_pkt_ctx ctx;
	struct bpf_prog *fp = NULL;
	struct altbpf_prog *p;
	struct sk_buff *skb;
	char *log;
	u32 kret;
	unsigned int e;
	int err;

	log = kunit_kzalloc(test, CBPF_LOG_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log);
	p = altbpf_cbpf_load((const struct sock_filter *)t->insns, t->len,
			     log, CBPF_LOG_SIZE, &err);
	KUNIT_ASSERT_TRUE_MSG(test, p != NULL, "altbpf rejected (%d): %s",
			      err, log);
	err = bpf_prog_create(&fp, &fprog);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "bpf_prog_create");

	skb = cbpf_skb(test, t);
	abpf_cbpf_test_ctx(t, skb->data, &ctx);

	preempt_disable();
	ctx.cpu = smp_processor_id();
	kret = bpf_prog_run(fp, skb);
	preempt_enable();
	KUNIT_EXPECT_EQ_MSG(test, kret, t->result, "kernel's classic BPF");

	for (e = 0; e < ARRAY_SIZE(engines); e++) {
		u64 r0 = 0;

		preempt_disable();
		ctx.cpu = smp_processor_id();
		err = altbpf_prog_run_pkt(p, engines[e], &ctx, &r0);
		preempt_enable();
		if (err == -EOPNOTSUPP && engines[e] == ABPF_ENGINE_JIT) {
			kunit_info(test, "altbpf JIT not available: skipped");
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "engine %u", engines[e]);
		KUNIT_EXPECT_EQ_MSG(test, r0, (u64)t->result, "engine %u",
				    engines[e]);
		KUNIT_EXPECT_EQ_MSG(test, r0, (u64)kret,
				    "engine %u vs the kernel", engines[e]);
	}
	kfree_skb(skb);
	bpf_prog_destroy(fp);
	altbpf_prog_put(p);
}

static void cbpf_reject_test(struct kunit *test)
{
	const struct abpf_cbpf_reject_test *t = test->param_value;
	struct sock_fprog_kern fprog = {
		.len = t->len,
		.filter = (struct sock_filter *)t->insns,
	};
	struct bpf_prog *fp = NULL;
	struct altbpf_prog *p;
	char *log;
	int err, kerr;

	log = kunit_kzalloc(test, CBPF_LOG_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log);
	p = altbpf_cbpf_load((const struct sock_filter *)t->insns, t->len,
			     log, CBPF_LOG_SIZE, &err);
	if (p)
		altbpf_prog_put(p);
	KUNIT_EXPECT_TRUE_MSG(test, p == NULL, "altbpf accepted it");
	KUNIT_EXPECT_EQ(test, err, t->err);
	if (t->msg)
		KUNIT_EXPECT_TRUE_MSG(test, strstr(log, t->msg) != NULL,
				      "log lacks \"%s\": %s", t->msg, log);

	kerr = bpf_prog_create(&fp, &fprog);
	if (!kerr)
		bpf_prog_destroy(fp);
	if (t->translate)
		KUNIT_EXPECT_EQ_MSG(test, kerr, 0,
				    "the kernel supports it, altbpf does not");
	else
		KUNIT_EXPECT_EQ_MSG(test, kerr, -EINVAL,
				    "the kernel's bpf_check_classic");
}

/*
 * Whether the table's context is what altbpf_run() gives a frame (api.c):
 * protocol from bytes 12-13 (only checked when the filter reads it),
 * PACKET_HOST, no device, nothing else set.
 */
static bool cbpf_ctx_is_frame_ctx(const struct abpf_cbpf_test *t)
{
	const struct abpf_cbpf_test_ctx *c = &t->ctx;
	u16 proto = t->pkt_len >= ETH_HLEN ? t->pkt[12] << 8 | t->pkt[13] : 0;
	u32 i;

	if (c->pkttype != PACKET_HOST || c->ifindex || c->mark ||
	    c->queue_mapping || c->vlan_present || c->vlan_tci ||
	    c->vlan_proto || c->rxhash)
		return false;
	for (i = 0; i < t->len; i++)
		if (t->insns[i].code == (BPF_LD | BPF_ABS | BPF_W) ||
		    t->insns[i].code == (BPF_LD | BPF_ABS | BPF_H) ||
		    t->insns[i].code == (BPF_LD | BPF_ABS | BPF_B))
			if (t->insns[i].k == SKF_AD_OFF + SKF_AD_PROTOCOL &&
			    c->protocol != proto)
				return false;
	return true;
}

static void cbpf_engines_test(struct kunit *test)
{
	static const u32 engines[] = {
		ABPF_ENGINE_INTERP, ABPF_ENGINE_JIT,
		ABPF_ENGINE_KERNEL_INTERP, ABPF_ENGINE_KERNEL_JIT,
	};
	const struct abpf_cbpf_test *t = test->param_value;
	bool table = cbpf_ctx_is_frame_ctx(t);
	u64 r0, first = 0;
	int err, ran = 0;
	struct altbpf_prog *p;
	unsigned int e;
	char *log;
	u8 *pkt;

	log = kunit_kzalloc(test, CBPF_LOG_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log);
	pkt = kunit_kzalloc(test, t->pkt_len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	p = altbpf_cbpf_load((const struct sock_filter *)t->insns, t->len,
			     log, CBPF_LOG_SIZE, &err);
	KUNIT_ASSERT_TRUE_MSG(test, p != NULL, "altbpf rejected (%d): %s",
			      err, log);
	for (e = 0; e < ARRAY_SIZE(engines); e++) {
		/* a fresh copy: programs run on the data in place */
		memcpy(pkt, t->pkt, t->pkt_len);
		r0 = 0;
		err = altbpf_prog_run(p, engines[e], pkt, t->pkt_len, &r0);
		if (err == -EOPNOTSUPP && engines[e] != ABPF_ENGINE_INTERP) {
			kunit_info(test, "engine %u not available: skipped",
				   engines[e]);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "engine %u", engines[e]);
		if (ran++)
			KUNIT_EXPECT_EQ_MSG(test, r0, first,
					    "engine %u vs engine %u",
					    engines[e], engines[0]);
		else
			first = r0;
		if (table)
			KUNIT_EXPECT_EQ_MSG(test, r0, (u64)t->result,
					    "engine %u", engines[e]);
	}
	KUNIT_EXPECT_GE_MSG(test, ran, 2, "fewer than two engines ran");
	altbpf_prog_put(p);
}

static struct kunit_case altbpf_cbpf_cases[] = {
	KUNIT_CASE_PARAM(cbpf_run_test, cbpf_run_gen_params),
	KUNIT_CASE_PARAM(cbpf_engines_test, cbpf_run_gen_params),
	KUNIT_CASE_PARAM(cbpf_reject_test, cbpf_reject_gen_params),
	{}
};

static struct kunit_suite altbpf_cbpf_suite = {
	.name = "altbpf-cbpf",
	.test_cases = altbpf_cbpf_cases,
};

kunit_test_suite(altbpf_cbpf_suite);
