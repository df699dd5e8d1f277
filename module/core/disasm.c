// SPDX-License-Identifier: GPL-2.0
/*
 * disasm.c - bytecode -> bpf_conformance assembly syntax.
 *
 * The output is the syntax userspace/asm.c reads, and it assembles back to
 * the same bytes:
 *
 *	add32 %r1, 5		mov %r0, %r1		neg %r3
 *	sdiv32 %r0, %r1		movsx832 %r0, %r1	be16 %r0   bswap64 %r0
 *	lddw %r0, 0x123456789abcdef0
 *	ldxw %r0, [%r1+4]	ldxsb %r0, [%r10-1]
 *	stxdw [%r10-8], %r1	stb [%r1+2], 17
 *	lock fetch add [%r1+0], %r2	lock cmpxchg32 [%r10-8], %r1
 *	jeq %r1, 5, +3		ja -2			ja32 +100
 *	call 5			call local +4		call %r2
 *	exit
 *	ldabsw 12		ldindh %r1, 4
 *
 * Jump and local call targets are relative to the next instruction.
 * Anything that is not a valid encoding (unknown opcode, a field its form
 * does not use set to non-zero, a register above r10, an lddw pseudo
 * source) is printed as the raw 64-bit little-endian word of its slot,
 * `.insn 0x<16 hex digits>`, which the assembler accepts as well.
 */
#include "engine.h"

/* The slot as the little-endian 64-bit word of its eight bytes. */
static u64 abpf_insn_word(const struct bpf_insn *insn)
{
	return (u64)insn->code |
	       (u64)(insn->dst_reg & 0xf) << 8 |
	       (u64)(insn->src_reg & 0xf) << 12 |
	       (u64)(u16)insn->off << 16 |
	       (u64)(u32)insn->imm << 32;
}

static int abpf_disasm_raw(const struct bpf_insn *insn, char *buf, u32 size)
{
	snprintf(buf, size, ".insn 0x%016llx",
		 (unsigned long long)abpf_insn_word(insn));
	return 1;
}

/* Immediates: small ones in signed decimal, large ones as 32-bit hex. */
static void abpf_fmt_imm(char *buf, u32 size, s32 imm)
{
	if (imm > -65536 && imm < 65536)
		snprintf(buf, size, "%d", imm);
	else
		snprintf(buf, size, "0x%x", (u32)imm);
}

static const char *abpf_atomic_name(s32 imm, bool *fetch)
{
	*fetch = imm & BPF_FETCH;
	switch (imm) {
	case BPF_ADD: case BPF_ADD | BPF_FETCH:
		return "add";
	case BPF_OR: case BPF_OR | BPF_FETCH:
		return "or";
	case BPF_AND: case BPF_AND | BPF_FETCH:
		return "and";
	case BPF_XOR: case BPF_XOR | BPF_FETCH:
		return "xor";
	case BPF_XCHG:
		*fetch = false;
		return "xchg";
	case BPF_CMPXCHG:
		*fetch = false;
		return "cmpxchg";
	}
	return NULL;
}

/**
 * abpf_disasm_insn() - print instruction @idx of @insns into @buf.
 *
 * Return: the number of slots consumed (1, or 2 for a valid lddw), or
 * -EINVAL when @idx is out of range or @buf is unusable.  @buf is always
 * NUL-terminated (truncated if @size is too small).
 */
int abpf_disasm_insn(const struct bpf_insn *insns, u32 len, u32 idx,
		     char *buf, u32 size)
{
	const struct bpf_insn *insn;
	const struct abpf_opcode_info *info;
	const char *mn, *aname;
	char imm[24];
	u8 dst, src;
	s16 off;
	bool fetch, is64;

	if (!insns || !buf || !size || idx >= len)
		return -EINVAL;

	insn = &insns[idx];
	info = &abpf_opcode_table[insn->code];
	if (!info->valid)
		return abpf_disasm_raw(insn, buf, size);

	mn = info->mnemonic;
	dst = insn->dst_reg;
	src = insn->src_reg;
	off = insn->off;
	is64 = BPF_CLASS(insn->code) == BPF_ALU64 ||
	       BPF_CLASS(insn->code) == BPF_JMP;
	if (dst >= ABPF_NR_REGS || src >= ABPF_NR_REGS)
		return abpf_disasm_raw(insn, buf, size);
	abpf_fmt_imm(imm, sizeof(imm), insn->imm);

	switch (info->form) {
	case ABPF_FORM_ALU_K:
		if (src || (off && !(off == 1 &&
				     (BPF_OP(insn->code) == BPF_DIV ||
				      BPF_OP(insn->code) == BPF_MOD))))
			break;
		snprintf(buf, size, "%s%s %%r%u, %s", off ? "s" : "", mn,
			 dst, imm);
		return 1;
	case ABPF_FORM_ALU_X:
		if (insn->imm)
			break;
		if (!off) {
			snprintf(buf, size, "%s %%r%u, %%r%u", mn, dst, src);
			return 1;
		}
		if (off == 1 && (BPF_OP(insn->code) == BPF_DIV ||
				 BPF_OP(insn->code) == BPF_MOD)) {
			snprintf(buf, size, "s%s %%r%u, %%r%u", mn, dst, src);
			return 1;
		}
		if (BPF_OP(insn->code) == BPF_MOV &&
		    (off == 8 || off == 16 || (off == 32 && is64))) {
			snprintf(buf, size, "movsx%d%s %%r%u, %%r%u", off,
				 is64 ? "64" : "32", dst, src);
			return 1;
		}
		break;
	case ABPF_FORM_NEG:
		if (src || off || insn->imm)
			break;
		snprintf(buf, size, "%s %%r%u", mn, dst);
		return 1;
	case ABPF_FORM_END:
		if (src || off || (insn->imm != 16 && insn->imm != 32 &&
				   insn->imm != 64))
			break;
		snprintf(buf, size, "%s%d %%r%u", mn, insn->imm, dst);
		return 1;
	case ABPF_FORM_JA:
		if (dst || src || insn->imm)
			break;
		snprintf(buf, size, "%s %+d", mn, off);
		return 1;
	case ABPF_FORM_JA32:
		if (dst || src || off)
			break;
		snprintf(buf, size, "%s %+d", mn, insn->imm);
		return 1;
	case ABPF_FORM_JCOND_K:
		if (src)
			break;
		snprintf(buf, size, "%s %%r%u, %s, %+d", mn, dst, imm, off);
		return 1;
	case ABPF_FORM_JCOND_X:
		if (insn->imm)
			break;
		snprintf(buf, size, "%s %%r%u, %%r%u, %+d", mn, dst, src, off);
		return 1;
	case ABPF_FORM_CALL:
		if (dst || off)
			break;
		if (src == 0) {
			snprintf(buf, size, "%s %d", mn, insn->imm);
			return 1;
		}
		if (src == BPF_PSEUDO_CALL) {
			snprintf(buf, size, "%s local %+d", mn, insn->imm);
			return 1;
		}
		break;
	case ABPF_FORM_CALLX:
		if (src || off || insn->imm)
			break;
		snprintf(buf, size, "%s %%r%u", mn, dst);
		return 1;
	case ABPF_FORM_EXIT:
		if (dst || src || off || insn->imm)
			break;
		snprintf(buf, size, "%s", mn);
		return 1;
	case ABPF_FORM_LDDW:
		if (src || off || idx + 1 >= len || insns[idx + 1].code ||
		    insns[idx + 1].dst_reg || insns[idx + 1].src_reg ||
		    insns[idx + 1].off)
			break;
		snprintf(buf, size, "%s %%r%u, 0x%llx", mn, dst,
			 (unsigned long long)((u64)(u32)insn->imm |
					      (u64)(u32)insns[idx + 1].imm << 32));
		return 2;
	case ABPF_FORM_LD_ABS:
		if (dst || src || off)
			break;
		snprintf(buf, size, "%s %s", mn, imm);
		return 1;
	case ABPF_FORM_LD_IND:
		if (dst || off)
			break;
		snprintf(buf, size, "%s %%r%u, %s", mn, src, imm);
		return 1;
	case ABPF_FORM_LDX:
		if (insn->imm)
			break;
		snprintf(buf, size, "%s %%r%u, [%%r%u%+d]", mn, dst, src, off);
		return 1;
	case ABPF_FORM_ST:
		if (src)
			break;
		snprintf(buf, size, "%s [%%r%u%+d], %s", mn, dst, off, imm);
		return 1;
	case ABPF_FORM_STX:
		if (insn->imm)
			break;
		snprintf(buf, size, "%s [%%r%u%+d], %%r%u", mn, dst, off, src);
		return 1;
	case ABPF_FORM_ATOMIC:
		aname = abpf_atomic_name(insn->imm, &fetch);
		if (!aname)
			break;
		snprintf(buf, size, "%s %s%s%s [%%r%u%+d], %%r%u", mn,
			 fetch ? "fetch " : "", aname,
			 BPF_SIZE(insn->code) == BPF_W ? "32" : "",
			 dst, off, src);
		return 1;
	}
	return abpf_disasm_raw(insn, buf, size);
}
