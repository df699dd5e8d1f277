// SPDX-License-Identifier: GPL-2.0
/*
 * hash_count - packets per EtherType (skb->protocol, host byte order) in
 * a hash map; an unseen EtherType is inserted with BPF_NOEXIST.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "altbpf_ctx.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 64);
} counts SEC(".maps");

SEC("socket/hash")
int hash_count(struct altbpf_pkt_ctx *skb)
{
	__u32 key = bpf_ntohs(skb->protocol);
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&counts, &key);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return 1;
	}
	bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	return 0;
}

char _license[] SEC("license") = "GPL";
