/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altbpf_ctx.h - what C programs for altbpf need beyond <bpf/bpf_helpers.h>:
 * the packet programs' context (struct altbpf_pkt_ctx: r1 of "socket*" and
 * "netfilter/..." programs, read-only), LD_ABS packet loads as sockex1 uses
 * them, and the legacy "maps" section definition.
 */
#ifndef ALTBPF_CTX_H
#define ALTBPF_CTX_H

#include <linux/types.h>

/* = module/uapi/altbpf.h's struct altbpf_pkt_ctx (skb-like fields). */
struct altbpf_pkt_ctx {
	__u64 data;		/* first byte of the packet (Ethernet header) */
	__u64 data_end;
	__u32 len;		/* like skb->len */
	__u32 protocol;		/* like skb->protocol: network byte order */
	__u32 pkttype;
	__u32 ifindex;
	__u32 mark;
	__u32 queue_mapping;
	__u32 vlan_tci;
	__u32 vlan_present;
	__u32 vlan_proto;
	__u32 hatype;
	__u32 rxhash;
	__u32 cpu;
};

/* LD_ABS loads (big-endian results), as in samples/bpf. */
unsigned long long load_byte(void *skb, unsigned long long off)
	asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off)
	asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off)
	asm("llvm.bpf.load.word");

/* Legacy map definitions: SEC("maps") struct bpf_map_def name = {...}; */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

#endif
