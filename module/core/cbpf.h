/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cbpf.h - classic BPF (struct sock_filter programs) on altbpf's engines.
 *
 * A classic filter is first checked with the rules of the kernel's
 * bpf_check_classic() (abpf_cbpf_check()), then translated to an eBPF
 * program of type ABPF_PROG_TYPE_PACKET (abpf_cbpf_translate()) that
 * goes through abpf_check() and runs on any engine with a
 * struct abpf_pkt_ctx (abpf_run_ctx_init_pkt()).  The returned r0 is the
 * filter's verdict (a u32: bytes to keep, 0 = drop).
 *
 * Translation (after the kernel's bpf_convert_filter(), see docs/cbpf.md):
 *   A = r0, X = r7, ctx = r6, scratch r2, M[k] = the 32-bit word at
 *   r10 - 4 * (k + 1); the prologue zeroes A and X and copies r1 to r6.
 */
#ifndef ALTBPF_CORE_CBPF_H
#define ALTBPF_CORE_CBPF_H

#include "engine.h"
#include <linux/filter.h>	/* BPF_* classic opcodes, SKF_AD_*, BPF_MEMWORDS */

/* Same layout as struct sock_filter (and struct bpf_insn of libpcap). */
struct abpf_cbpf_insn {
	u16 code;
	u8 jt;
	u8 jf;
	u32 k;
};

#define ABPF_CBPF_MAX_INSNS	BPF_MAXINSNS	/* 4096 */

/* eBPF registers of a translated filter. */
#define ABPF_CBPF_REG_A		BPF_REG_0
#define ABPF_CBPF_REG_X		BPF_REG_7
#define ABPF_CBPF_REG_CTX	BPF_REG_6
#define ABPF_CBPF_REG_TMP	BPF_REG_2

/*
 * The kernel's bpf_check_classic(): known opcodes, jumps inside the
 * program, M[] index < 16 and no read of a cell that is not written on
 * every path, no division or modulo by a constant zero, no constant shift
 * >= 32, only known ancillary offsets, 1..4096 instructions, RET last.
 * Returns 0 or -EINVAL with "insn N: reason" in the log.
 */
int abpf_cbpf_check(const struct abpf_cbpf_insn *f, u32 len,
		    struct abpf_log *log);

/*
 * Translate a filter that passed abpf_cbpf_check() to eBPF of type
 * ABPF_PROG_TYPE_PACKET.  *out is allocated with abpf_zalloc() (release
 * with abpf_free()), *out_len its length in instructions.  Returns 0,
 * -EINVAL (malformed: the checker was not run), -EOPNOTSUPP (an ancillary
 * load altbpf does not provide: SKF_AD_NLATTR, _NLATTR_NEST, _PAY_OFFSET,
 * _RANDOM; SKF_NET_OFF/SKF_LL_OFF relative loads), -E2BIG (a jump offset
 * that does not fit after translation) or -ENOMEM.
 */
int abpf_cbpf_translate(const struct abpf_cbpf_insn *f, u32 len,
			struct bpf_insn **out, u32 *out_len,
			struct abpf_log *log);

/* "proto", "ifidx", ... (bpf_asm names) for SKF_AD_OFF + off, or NULL. */
const char *abpf_cbpf_anc_name(u32 k);

#endif /* ALTBPF_CORE_CBPF_H */
