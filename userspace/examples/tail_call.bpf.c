// SPDX-License-Identifier: GPL-2.0
/*
 * tail_call - a dispatcher: the packet's first byte picks the program in
 * a prog array (filled by the loader from the map's .values); a missing
 * slot falls through and returns 99.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "altbpf_ctx.h"

SEC("socket/0")
int handler0(struct altbpf_pkt_ctx *skb) { return 100; }

SEC("socket/1")
int handler1(struct altbpf_pkt_ctx *skb) { return 101; }

SEC("socket/2")
int handler2(struct altbpf_pkt_ctx *skb) { return 102 + skb->len; }

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jmp_table SEC(".maps") = {
	.values = {
		[0] = (void *)&handler0,
		[1] = (void *)&handler1,
		[2] = (void *)&handler2,
	},
};

SEC("socket/dispatch")
int dispatch(struct altbpf_pkt_ctx *skb)
{
	bpf_tail_call(skb, &jmp_table, load_byte(skb, 0));
	return 99;
}

char _license[] SEC("license") = "GPL";
