// SPDX-License-Identifier: GPL-2.0
/*
 * ctx.c - the run context of each program type and the tail-call targets
 * (ctx.h).
 */
#include "ctx.h"
#include "insn_build.h"
#include "maps.h"
#include "maps_native.h"
#include "runner.h"

static struct abpf_pkt_ctx pkt_ctx;
static u64 kprobe_regs[FUZZ_KPROBE_CTX_LEN / 8];
static int prog_arrays[ABPF_PROG_TYPE__COUNT];

static u32 mem_u32(const u8 *mem, u32 len, u32 at)
{
	u32 v = 0;

	if (at + 4 <= len)
		memcpy(&v, mem + at, 4);
	return v;
}

void fuzz_ctx_start(struct abpf_run_ctx *rc, const struct fuzz_case *c,
		    u8 *mem, u32 len)
{
	u32 k;

	switch (c->type) {
	case ABPF_PROG_TYPE_PACKET:
		memset(&pkt_ctx, 0, sizeof(pkt_ctx));
		pkt_ctx.data = (u64)(unsigned long)mem;
		pkt_ctx.data_end = pkt_ctx.data + len;
		/* the wire length may exceed what was captured */
		pkt_ctx.len = len + (mem[0] & 3) * 8;
		pkt_ctx.protocol = 0x0008;		/* htons(ETH_P_IP) */
		pkt_ctx.ifindex = 2;
		pkt_ctx.mark = mem_u32(mem, len, 4);
		pkt_ctx.vlan_tci = mem[1];
		pkt_ctx.vlan_present = mem[1] & 1;
		pkt_ctx.hatype = 1;			/* ARPHRD_ETHER */
		pkt_ctx.rxhash = mem_u32(mem, len, 8);
		abpf_run_ctx_init_pkt(rc, &pkt_ctx, !(mem[len - 1] & 3));
		break;
	case ABPF_PROG_TYPE_KPROBE:
		for (k = 0; k < ARRAY_SIZE(kprobe_regs); k++)
			kprobe_regs[k] = ((u64)mem_u32(mem, len, (k * 4) % len) << 32 |
					  k) * 0x9e3779b97f4a7c15ULL;
		abpf_run_ctx_init_ctx(rc, kprobe_regs, sizeof(kprobe_regs));
		break;
	default:
		abpf_run_ctx_init_mem(rc, mem, len);
		break;
	}
}

/* A target program (fd: its prog array, put into its lddw), or NULL. */
static struct abpf_prog *load_target(const struct bpf_insn *insns, u32 len,
				     u32 type, int fd)
{
	static char logbuf[1024];
	struct abpf_log log = { .buf = logbuf, .size = sizeof(logbuf) };
	struct bpf_insn code[16];
	struct abpf_prog *prog;
	u32 k;

	memcpy(code, insns, len * sizeof(*insns));
	for (k = 0; k < len; k++)
		if (abpf_is_lddw(&code[k]) && code[k].src_reg == BPF_PSEUDO_MAP_FD)
			code[k].imm = fd;
	prog = abpf_prog_alloc(code, len, type);
	if (!prog)
		return NULL;
	if (abpf_prog_bind_maps(prog, &abpf_native_resolver, &log) ||
	    abpf_check(prog, &log) || abpf_interp_prepare(prog)) {
		fprintf(stderr, "fuzz: tail-call target of type %u rejected: %s\n",
			type, logbuf);
		abpf_prog_free(prog);
		return NULL;
	}
	/* without the JIT the JIT's run tail-calls into the interpreter */
	abpf_native_jit(prog, 0, &log);
	return prog;
}

static int make_prog_array(u32 type)
{
	static const struct bpf_insn read_ctx[] = {
		ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 16),
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 0x1234),
		ABPF_EXIT(),
	};
	static const struct bpf_insn chain[] = {
		ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 0),
		ABPF_LD_IMM64_RAW(BPF_REG_2, BPF_PSEUDO_MAP_FD, 0),
		ABPF_MOV64_IMM(BPF_REG_3, 1),
		ABPF_CALL_HELPER(BPF_FUNC_tail_call),
		ABPF_MOV64_IMM(BPF_REG_0, 0x77),
		ABPF_EXIT(),
	};
	static const struct bpf_insn loop_atomic[] = {
		ABPF_MOV64_IMM(BPF_REG_2, 3),
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -1),
		ABPF_JMP_IMM(BPF_JNE, BPF_REG_2, 0, -2),
		ABPF_MOV64_IMM(BPF_REG_3, 1),
		ABPF_ATOMIC_OP(BPF_W, BPF_ADD, BPF_REG_1, BPF_REG_3, 4),
		ABPF_MOV64_IMM(BPF_REG_0, 2),
		ABPF_EXIT(),
	};
	static const struct { const struct bpf_insn *insns; u32 len; } t[] = {
		{ read_ctx, ARRAY_SIZE(read_ctx) },
		{ chain, ARRAY_SIZE(chain) },
		{ loop_atomic, ARRAY_SIZE(loop_atomic) },
	};
	union bpf_attr attr;
	int fd;
	u32 k;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_PROG_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = FUZZ_PROG_ARRAY_LEN;
	fd = abpf_native_map_create(&attr);
	if (fd < 0)
		return -1;
	for (k = 0; k < ARRAY_SIZE(t); k++) {
		struct abpf_prog *p = load_target(t[k].insns, t[k].len, type, fd);

		if (p)
			abpf_native_prog_array_set(fd, k, p);
	}
	return fd;
}

int fuzz_prog_array(u32 type)
{
	/* the conformance type has no tail-call helper */
	if (type >= ABPF_PROG_TYPE__COUNT || type == ABPF_PROG_TYPE_CONFORMANCE)
		return -1;
	if (!prog_arrays[type])
		prog_arrays[type] = make_prog_array(type);
	return prog_arrays[type];
}
