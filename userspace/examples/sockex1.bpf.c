// SPDX-License-Identifier: GPL-2.0
/*
 * sockex1 - per-protocol byte counter, after the kernel's
 * samples/bpf/sockex1_kern.c: the IP protocol byte (LD_ABS) indexes an
 * array of byte counts, incremented by the packet length.  The legacy
 * "maps" section on purpose (the other examples use BTF-defined maps).
 * Unlike the sample it counts every packet, not only outgoing ones.
 * sockex1_netfilter.bpf.c builds the same source for the netfilter hook.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <stddef.h>
#include <bpf/bpf_helpers.h>
#include "altbpf_ctx.h"

/* Where the IPv4 header starts: after the Ethernet header on sockets. */
#ifndef SOCKEX1_NET_OFF
#define SOCKEX1_NET_OFF	ETH_HLEN
#endif
#ifndef SOCKEX1_SEC
#define SOCKEX1_SEC	"socket1"
#endif
/* A socket filter keeps 0 bytes (the sample's return); netfilter: accept. */
#ifndef SOCKEX1_VERDICT
#define SOCKEX1_VERDICT	0
#endif

struct bpf_map_def SEC("maps") my_map = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(long),
	.max_entries = 256,
};

SEC(SOCKEX1_SEC)
int bpf_prog1(struct altbpf_pkt_ctx *skb)
{
	int index = load_byte(skb, SOCKEX1_NET_OFF +
			      offsetof(struct iphdr, protocol));
	long *value;

	value = bpf_map_lookup_elem(&my_map, &index);
	if (value)
		__sync_fetch_and_add(value, skb->len);
	return SOCKEX1_VERDICT;
}

char _license[] SEC("license") = "GPL";
