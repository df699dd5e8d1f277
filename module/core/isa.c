// SPDX-License-Identifier: GPL-2.0
/*
 * isa.c - the opcode validity table, generated from ABPF_INSN_MAP.
 */
#include "isa.h"

const struct abpf_opcode_info abpf_opcode_table[256] = {
#define ABPF_X_INFO(l, opcode, f, mnem)					\
	[opcode] = { .valid = 1, .form = f, .op = ABPF_OP_##l,		\
		     .mnemonic = mnem, .label = #l },
	ABPF_INSN_MAP(ABPF_X_INFO)
#undef ABPF_X_INFO
};
