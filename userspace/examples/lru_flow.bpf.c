// SPDX-License-Identifier: GPL-2.0
/*
 * lru_flow - an LRU flow table: (source, destination, protocol) of each
 * IPv4 packet -> packets and bytes.  When the table is full the least
 * recently used flow is evicted.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <stddef.h>
#include <bpf/bpf_helpers.h>
#include "altbpf_ctx.h"

struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u32 proto;
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
	__uint(max_entries, 4);
} flows SEC(".maps");

/* A bpf-to-bpf call (.text): TCP, UDP and ICMP are kept, others are 255. */
static __attribute__((noinline)) __u32 proto_class(__u32 proto)
{
	if (proto == 6 || proto == 17 || proto == 1)
		return proto;
	return 255;
}

SEC("socket/lru")
int lru_flow(struct altbpf_pkt_ctx *skb)
{
	struct flow_stats *s, init = { 1, 0 };
	struct flow_key k;

	if (load_half(skb, offsetof(struct ethhdr, h_proto)) != ETH_P_IP)
		return 0;
	k.saddr = load_word(skb, ETH_HLEN + offsetof(struct iphdr, saddr));
	k.daddr = load_word(skb, ETH_HLEN + offsetof(struct iphdr, daddr));
	k.proto = proto_class(load_byte(skb, ETH_HLEN +
					offsetof(struct iphdr, protocol)));
	s = bpf_map_lookup_elem(&flows, &k);
	if (!s) {
		init.bytes = skb->len;
		return bpf_map_update_elem(&flows, &k, &init, BPF_NOEXIST) ? 0 : 1;
	}
	__sync_fetch_and_add(&s->packets, 1);
	__sync_fetch_and_add(&s->bytes, skb->len);
	return 2;
}

char _license[] SEC("license") = "GPL";
