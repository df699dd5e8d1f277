// SPDX-License-Identifier: GPL-2.0
/*
 * sockex1_netfilter - sockex1.bpf.c on the netfilter LOCAL_OUT hook: the
 * same per-protocol byte counter, but at the NF_INET hooks the packet
 * starts at the IPv4 header (no Ethernet header), so the protocol byte is
 * at offsetof(struct iphdr, protocol) and skb->len is the IP packet's
 * length.  Every IPv4 packet the host sends is counted once, including
 * loopback traffic (a ping to 127.0.0.1 counts request and reply), and
 * accepted (r0 = 1; 0 would drop it).
 *
 *	altbpf prog load sockex1_netfilter.bpf.o --attach
 */
#define SOCKEX1_NET_OFF	0
#define SOCKEX1_SEC	"netfilter/local_out"
#define SOCKEX1_VERDICT	1	/* NF_ACCEPT: count, never drop */
#include "sockex1.bpf.c"
