// SPDX-License-Identifier: GPL-2.0
/*
 * hash_flows - a flow table: 64 5-tuples derived from the packet's are
 * looked up in a hash map and inserted when missing (first run) or
 * counted (later runs).  The checksum covers each flow's tag, fixed at
 * insertion, so it is the same on every run.
 */
#include "bench_prog.h"
#include "algo.h"

struct flow_key {
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u32 proto;
};

struct flow_val {
	__u64 packets;
	__u32 tag, pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, struct flow_val);
} flows SEC(".maps");

BENCH_PROG(hash_flows)
{
	struct flow_key k = {};
	__u32 sum = 0;

	if (data + BENCH_PAYLOAD > end)
		return 0;
	k.saddr = LD32(data + BENCH_ETH_HLEN + 12);
	k.daddr = LD32(data + BENCH_ETH_HLEN + 16);
	k.dport = LD16(data + BENCH_ETH_HLEN + 22);
	k.proto = 6;
	for (__u32 i = 0; i < 64; i++) {
		struct flow_val *v;

		k.sport = i * 7919;
		v = bpf_map_lookup_elem(&flows, &k);
		if (v) {
			__sync_fetch_and_add(&v->packets, 1);
		} else {
			struct flow_val nv = { .packets = 1 };

			nv.tag = (k.saddr ^ k.sport) * 0x9e3779b1;
			bpf_map_update_elem(&flows, &k, &nv, BPF_NOEXIST);
			v = bpf_map_lookup_elem(&flows, &k);
			if (!v)
				return 0xdead;
		}
		sum = sum * 31 + v->tag;
	}
	return sum;
}

BENCH_LICENSE;
