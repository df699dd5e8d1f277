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

#endif /* _UAPI_ALTBPF_H */
