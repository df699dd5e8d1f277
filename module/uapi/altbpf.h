/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * altbpf.h - the /dev/altbpf ABI, shared by the module and userspace.
 *
 * One ioctl carries a bpf(2) call: the command numbers and, for the
 * commands implemented, the union bpf_attr layout are the kernel's own,
 * so a bpf(2)-based loader can be redirected here with a small shim:
 *
 *	struct altbpf_call call = { .cmd = cmd, .size = size,
 *				    .attr = (__u64)(unsigned long)attr };
 *	ret = ioctl(fd, ALTBPF_IOC_BPF, &call);
 *
 * As with bpf(2), .size may be smaller than union bpf_attr (older
 * callers) or larger if the tail is zero (copy_struct_from_user rules);
 * every field a command does not use must be zero.  The return value is
 * what bpf(2) would return (a new fd, 0, or -1 with errno).
 */
#ifndef _UAPI_ALTBPF_H
#define _UAPI_ALTBPF_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/bpf.h>

#define ALTBPF_DEVICE		"/dev/altbpf"

struct altbpf_call {
	__u32 cmd;		/* enum bpf_cmd: BPF_PROG_LOAD, ... */
	__u32 size;		/* bytes of *attr */
	__u64 attr;		/* user pointer to union bpf_attr */
};

#define ALTBPF_IOC_MAGIC	'B'
#define ALTBPF_IOC_BPF		_IOW(ALTBPF_IOC_MAGIC, 0x01, struct altbpf_call)
/* 0x10-0x1f: packet capture (altbpf_capture.h). */
#define ALTBPF_IOC_CAPTURE_FIRST	0x10
#define ALTBPF_IOC_CAPTURE_LAST		0x1f
#include "altbpf_capture.h"

/*
 * Program types beyond the kernel's (attr.prog_type): values from 0x1000
 * up are altbpf's own.  ALTBPF_PROG_TYPE_MEM: r1 = data, r2 = its length
 * (the conformance corpus's model); BPF_PROG_TYPE_SOCKET_FILTER and the
 * kernel's types come later.
 */
#define ALTBPF_PROG_TYPE_BASE		0x1000
#define ALTBPF_PROG_TYPE_MEM		(ALTBPF_PROG_TYPE_BASE + 0)
#define ALTBPF_PROG_TYPE_CONFORMANCE	(ALTBPF_PROG_TYPE_BASE + 1)
/*
 * Packet programs: r1 = struct altbpf_pkt_ctx (read-only), LD_ABS/LD_IND
 * read the packet (link layer first).  BPF_PROG_TYPE_SOCKET_FILTER is
 * accepted as a synonym.  BPF_PROG_TEST_RUN: data_in is the frame.
 */
#define ALTBPF_PROG_TYPE_PACKET		(ALTBPF_PROG_TYPE_BASE + 2)
/*
 * BPF_PROG_LOAD attr.prog_flags: attr.insns points to attr.insn_cnt
 * classic instructions (struct sock_filter); a packet program type.
 * altbpf checks and translates them (docs/cbpf.md) and keeps them for the
 * kernel's engines, which run them through the kernel's classic BPF.
 */
#define ALTBPF_PROG_LOAD_CLASSIC	(1U << 31)
/* kprobes: r1 = struct pt_regs (read-only); synonym BPF_PROG_TYPE_KPROBE. */
#define ALTBPF_PROG_TYPE_KPROBE		(ALTBPF_PROG_TYPE_BASE + 3)

/* The ctx of packet programs (the engine's struct abpf_pkt_ctx). */
struct altbpf_pkt_ctx {
	__u64 data;		/* first byte of the packet (link layer) */
	__u64 data_end;		/* one past its last byte */
	__u32 len;		/* wire length */
	__u32 protocol;		/* skb->protocol (network byte order) */
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

/*
 * BPF_PROG_TEST_RUN: the engine is chosen in the high byte of
 * attr.test.flags (0 = default: JIT if the program was compiled, else the
 * interpreter).  The kernel's own engines run the same instructions
 * through bpf_prog_alloc() + bpf_prog_select_runtime(), without altbpf's
 * checker-derived run-time checks: only for trusted test programs.
 */
#define ALTBPF_ENGINE_DEFAULT		0
#define ALTBPF_ENGINE_INTERP		1
#define ALTBPF_ENGINE_JIT		2
#define ALTBPF_ENGINE_KERNEL_INTERP	3
#define ALTBPF_ENGINE_KERNEL_JIT	4
#define ALTBPF_TEST_RUN_ENGINE_SHIFT	24
#define ALTBPF_TEST_RUN_ENGINE(e)	((__u32)(e) << ALTBPF_TEST_RUN_ENGINE_SHIFT)
#define ALTBPF_TEST_RUN_ENGINE_MASK	(0xffU << ALTBPF_TEST_RUN_ENGINE_SHIFT)

/*
 * attr.test.retval holds the low 32 bits of r0, as in bpf(2).  With
 * ALTBPF_TEST_RUN_R0_OUT in attr.test.flags, the full 64-bit r0 is also
 * written to attr.test.ctx_out (a __u64; ctx_size_out must be >= 8 and
 * is set to 8).  Without it, ctx_in/ctx_out and their sizes must be 0.
 */
#define ALTBPF_TEST_RUN_R0_OUT		(1U << 16)

/* Largest attr.test.data_size_in (EINVAL above). */
#define ALTBPF_TEST_RUN_DATA_MAX	(64U * 1024)

/*
 * A run that aborts (out-of-bounds access, exhausted loop budget, unknown
 * callx target) makes BPF_PROG_TEST_RUN fail with that errno: ERANGE,
 * ELOOP, EINVAL; attr.test.retval is then 0.
 */

/*
 * Hook points (docs/hooks.md): BPF_LINK_CREATE attaches a program and
 * returns a link fd (anon_inode:altbpf-link); closing it or
 * BPF_LINK_DETACH detaches.
 *
 * kprobes: attach_type BPF_TRACE_KPROBE_MULTI, program type
 * BPF_PROG_TYPE_KPROBE; link_create.kprobe_multi.syms points to an array
 * of one string pointer (the symbol), cnt = 1, addrs = cookies = 0;
 * kprobe_multi.flags = BPF_F_KPROBE_MULTI_RETURN for a kretprobe.
 *
 * netfilter: attach_type ALTBPF_ATTACH_NETFILTER, a packet program; the
 * hook is described by struct altbpf_link_netfilter, which overlays the
 * link_create union at link_create.target_btf_id (the layout Linux 6.4
 * later gave link_create.netfilter): pf = NFPROTO_IPV4, hooknum =
 * NF_INET_PRE_ROUTING .. NF_INET_POST_ROUTING, priority (not INT_MIN or
 * INT_MAX), flags = 0.  link_create.target_fd must be 0.
 *
 * link_create.flags (both kinds): ALTBPF_LINK_F_PERSIST, and the engine
 * in bits 24-31 (ALTBPF_LINK_ENGINE(e), e = ALTBPF_ENGINE_DEFAULT,
 * _INTERP or _JIT).
 */
#define ALTBPF_ATTACH_NETFILTER		0x1000

struct altbpf_link_netfilter {
	__u32 pf;		/* NFPROTO_IPV4 */
	__u32 hooknum;		/* enum nf_inet_hooks */
	__s32 priority;		/* as struct nf_hook_ops.priority */
	__u32 flags;		/* 0 */
};

#define ALTBPF_LINK_NETFILTER(attr) \
	((struct altbpf_link_netfilter *)&(attr)->link_create.target_btf_id)

/*
 * The link stays attached after its fd is closed, until BPF_LINK_DETACH
 * by id or module unload (which detaches it: persistent links do not pin
 * the module).
 */
#define ALTBPF_LINK_F_PERSIST		(1U << 0)
#define ALTBPF_LINK_ENGINE_SHIFT	24
#define ALTBPF_LINK_ENGINE(e)		((__u32)(e) << ALTBPF_LINK_ENGINE_SHIFT)
#define ALTBPF_LINK_ENGINE_MASK		(0xffU << ALTBPF_LINK_ENGINE_SHIFT)

/*
 * BPF_LINK_DETACH: bpf(2)'s attr.link_detach.link_fd, extended.  With
 * flags = 0, detach the link behind link_fd (the fd stays valid, the link
 * defunct).  With ALTBPF_LINK_DETACH_F_ID (link_fd = 0): detach the link
 * with id @id; with ALTBPF_LINK_DETACH_F_PROG_ID: every link of the
 * program with id @id (ENOENT if none).
 */
struct altbpf_link_detach {
	__u32 link_fd;		/* = attr.link_detach.link_fd */
	__u32 flags;
	__u32 id;
};

#define ALTBPF_LINK_DETACH_F_ID		(1U << 0)
#define ALTBPF_LINK_DETACH_F_PROG_ID	(1U << 1)

#endif /* _UAPI_ALTBPF_H */
