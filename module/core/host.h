/* SPDX-License-Identifier: GPL-2.0 */
/*
 * host.h - the seam between the altbpf engine core and its host.
 *
 * The engine core (ISA tables, checker, interpreter, JIT, cBPF translator,
 * disassembler) is plain C.  It is compiled into altbpf.ko (__KERNEL__) and
 * into native userspace binaries.  Everything host-specific it needs is
 * named here, nowhere else: integer types, allocation, string formatting,
 * byte order and executable memory.
 */
#ifndef ALTBPF_CORE_HOST_H
#define ALTBPF_CORE_HOST_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <asm/byteorder.h>

#define abpf_zalloc(size)	kvzalloc(size, GFP_KERNEL)
#define abpf_free(ptr)		kvfree(ptr)
#define abpf_cond_resched()	cond_resched()
#define ABPF_HOST_NAME		"kernel"

#else /* userspace */

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <endian.h>
#include <linux/bpf.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define __maybe_unused	__attribute__((unused))
#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif
#define fallthrough	__attribute__((fallthrough))
#define READ_ONCE(x)	(*(volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))

static inline void *abpf_zalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

#define abpf_free(ptr)		free(ptr)
#define abpf_cond_resched()	do { } while (0)
#define ABPF_HOST_NAME		"native"

#endif /* __KERNEL__ */

/* Byte order: BPF runs little-endian on x86-64; packet loads are BE. */
#define abpf_bswap16(x)	((u16)__builtin_bswap16(x))
#define abpf_bswap32(x)	((u32)__builtin_bswap32(x))
#define abpf_bswap64(x)	((u64)__builtin_bswap64(x))

#endif /* ALTBPF_CORE_HOST_H */
