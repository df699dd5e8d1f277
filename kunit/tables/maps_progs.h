/* SPDX-License-Identifier: GPL-2.0 */
/*
 * maps_progs.h - programs that use maps and typed helpers, run on every
 * engine over fresh maps (natively: userspace/tests/maps_tests.c over
 * userspace/maps_native.c; in the kernel: kunit/maps_test.c over
 * module/maps/).
 *
 * In the instructions, lddw with src BPF_PSEUDO_MAP_FD / _MAP_VALUE names
 * the test's maps[] by index in imm (ABPF_LD_MAP(reg, k)); the runner
 * creates the maps, patches in their fds, binds and checks.  A test with
 * .msg set must be rejected with .err and that log substring.  Prog-array
 * slots: .self_slot (1 + slot: the program itself) and .tails[] (1 +
 * slot: an extra program of the same type) in the first PROG_ARRAY map.
 */
#ifndef ALTBPF_TABLES_MAPS_PROGS_H
#define ALTBPF_TABLES_MAPS_PROGS_H

#include "table.h"
#include "../../module/core/maps.h"

#define ABPF_MAPT_MAX_MAPS	3
#define ABPF_MAPT_MAX_TAILS	2
#define ABPF_MAPT_TAIL_INSNS	24

struct abpf_map_def {
	u32 type, key_size, value_size, max_entries, flags;
};

struct abpf_map_tail {
	u32 slot1;			/* 1 + prog array slot; 0 = unused */
	struct bpf_insn insns[ABPF_MAPT_TAIL_INSNS];
};

struct abpf_map_prog_test {
	const char *name;
	u32 prog_type;			/* 0 = MEM */
	struct abpf_map_def maps[ABPF_MAPT_MAX_MAPS];
	struct bpf_insn insns[ABPF_TEST_MAX_INSNS];
	u32 self_slot1;
	struct abpf_map_tail tails[ABPF_MAPT_MAX_TAILS];
	u64 result;			/* expected r0 */
	int run_error;
	int err;			/* reject: expected error ... */
	const char *msg;		/* ... and log substring */
	int bind_err;			/* expected abpf_prog_bind_maps() error */
};

#define ABPF_LD_MAP(DST, IDX)	ABPF_LD_IMM64_RAW(DST, BPF_PSEUDO_MAP_FD, IDX)
#define ABPF_LD_MAP_VALUE(DST, IDX, OFF)				\
	ABPF_RAW(BPF_LD | BPF_DW | BPF_IMM, DST, BPF_PSEUDO_MAP_VALUE, 0, IDX), \
	ABPF_RAW(0, 0, 0, 0, OFF)

#define MDEF(T, K, V, N)	{ BPF_MAP_TYPE_##T, K, V, N, 0 }
#define ARRAY_4x8(N)		MDEF(ARRAY, 4, 8, N)
#define HASH_4x8(N)		MDEF(HASH, 4, 8, N)

/* *(u32 *)(fp - 4) = K; r2 = fp - 4 */
#define KEY32(K)							\
	ABPF_ST_MEM(BPF_W, BPF_REG_10, -4, K),				\
	ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4)

/* *(u64 *)(fp - 16) = V; r3 = fp - 16 */
#define VAL64(V)							\
	ABPF_ST_MEM(BPF_DW, BPF_REG_10, -16, V),			\
	ABPF_MOV64_REG(BPF_REG_3, BPF_REG_10),				\
	ABPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -16)

/* r0 = lookup(map IDX, key K) */
#define LOOKUP32(IDX, K)						\
	KEY32(K), ABPF_LD_MAP(BPF_REG_1, IDX),				\
	ABPF_CALL_HELPER(BPF_FUNC_map_lookup_elem)

/* r0 = update(map IDX, key K, value V, FLAGS) */
#define UPDATE32(IDX, K, V, FLAGS)					\
	KEY32(K), VAL64(V), ABPF_MOV64_IMM(BPF_REG_4, FLAGS),		\
	ABPF_LD_MAP(BPF_REG_1, IDX),					\
	ABPF_CALL_HELPER(BPF_FUNC_map_update_elem)

#define TAIL_CALL(IDX, SLOT)						\
	ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6),				\
	ABPF_LD_MAP(BPF_REG_2, IDX),					\
	ABPF_MOV64_IMM(BPF_REG_3, SLOT),				\
	ABPF_CALL_HELPER(BPF_FUNC_tail_call)

/*
 * Array element stride (the JIT computes value addresses inline): update
 * element 2 with the helper, then through lookups read its first word and
 * its last (LSZ bytes at LOFF), element 1 (zero) and element 3 (none).
 */
#define ARRAY_STRIDE_TEST(VS, LOFF, LSZ, LVAL)				\
	{								\
		.name = "array lookup: value size " #VS ", element 2",	\
		.maps = { MDEF(ARRAY, 4, VS, 3) },			\
		.insns = {						\
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -40, 0x11),	\
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -32, 0x2200),	\
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -24, 0x330000),	\
			KEY32(2),					\
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_10),		\
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -40),	\
			ABPF_MOV64_IMM(BPF_REG_4, BPF_ANY),		\
			ABPF_LD_MAP(BPF_REG_1, 0),			\
			ABPF_CALL_HELPER(BPF_FUNC_map_update_elem),	\
			LOOKUP32(0, 2),					\
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 22),	\
			ABPF_LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_0, 0),	\
			ABPF_LDX_MEM(LSZ, BPF_REG_1, BPF_REG_0, LOFF),	\
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_6, BPF_REG_1),	\
			LOOKUP32(0, 1),					\
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 12),	\
			ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),	\
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_6, BPF_REG_1),	\
			LOOKUP32(0, 3),					\
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 3),		\
			ABPF_ALU64_IMM(BPF_OR, BPF_REG_6, 0x1000000),	\
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_6),		\
			ABPF_EXIT(),					\
			ABPF_MOV64_IMM(BPF_REG_0, 99),			\
			ABPF_EXIT(),					\
		},							\
		.result = 0x11 + (LVAL) + 0x1000000,			\
	}

/* r0 = lookup(map 0, K); r6 |= BIT if r0 is NULL */
#define MISS_BIT(K, BIT)						\
	LOOKUP32(0, K),							\
	ABPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 1),				\
	ABPF_ALU64_IMM(BPF_OR, BPF_REG_6, BIT)

static const struct abpf_map_prog_test abpf_maps_prog_tests[] = {
	{
		/* the JIT's inline lookup: index compare as u32 */
		.name = "array lookup: == max_entries, 2^31 - 1, 2^31, -1 miss; max - 1 hits",
		.maps = { ARRAY_4x8(4) },
		.insns = {
			ABPF_MOV64_IMM(BPF_REG_6, 0),
			MISS_BIT(4, 1),
			MISS_BIT(0x7fffffff, 2),
			MISS_BIT(0x80000000, 4),
			MISS_BIT(-1, 8),
			LOOKUP32(0, 3),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
			ABPF_ST_MEM(BPF_DW, BPF_REG_0, 0, 0x50),
			ABPF_ALU64_IMM(BPF_OR, BPF_REG_6, 0x10),
			LOOKUP32(0, 3),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_6, BPF_REG_1),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
		},
		.result = 0x1f + 0x50,
	},
	ARRAY_STRIDE_TEST(8, 0, BPF_DW, 0x11),		/* lea [base + i * 8] */
	ARRAY_STRIDE_TEST(12, 8, BPF_W, 0x2200),	/* 16: shift */
	ARRAY_STRIDE_TEST(24, 16, BPF_DW, 0x330000),	/* imul */
	{
		.name = "array: store through lookup, read back",
		.maps = { ARRAY_4x8(4) },
		.insns = {
			LOOKUP32(0, 2),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 10),
			ABPF_ST_MEM(BPF_DW, BPF_REG_0, 0, 42),
			LOOKUP32(0, 2),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.result = 42,
	},
	{
		.name = "array: index out of range -> NULL",
		.maps = { ARRAY_4x8(4) },
		.insns = {
			LOOKUP32(0, 4),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),
			ABPF_MOV64_IMM(BPF_REG_0, 1),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 2),
			ABPF_EXIT(),
		},
		.result = 1,
	},
	{
		.name = "hash: update, lookup, delete, lookup",
		.maps = { HASH_4x8(8) },
		.insns = {
			UPDATE32(0, 7, 100, BPF_ANY),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 24),
			LOOKUP32(0, 7),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 17),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_0, 0),
			KEY32(7), ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_CALL_HELPER(BPF_FUNC_map_delete_elem),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 9),
			LOOKUP32(0, 7),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.result = 100,
	},
	{
		.name = "hash: NOEXIST on an existing key -> -EEXIST",
		.maps = { HASH_4x8(8) },
		.insns = {
			UPDATE32(0, 1, 5, BPF_NOEXIST),
			UPDATE32(0, 1, 6, BPF_NOEXIST),
			ABPF_EXIT(),
		},
		.result = (u64)-EEXIST,
	},
	{
		.name = "hash: EXIST on a missing key -> -ENOENT",
		.maps = { HASH_4x8(8) },
		.insns = {
			UPDATE32(0, 1, 5, BPF_EXIST),
			ABPF_EXIT(),
		},
		.result = (u64)-ENOENT,
	},
	{
		.name = "hash: full -> -E2BIG",
		.maps = { HASH_4x8(2) },
		.insns = {
			UPDATE32(0, 1, 5, BPF_ANY),
			UPDATE32(0, 2, 5, BPF_ANY),
			UPDATE32(0, 3, 5, BPF_ANY),
			ABPF_EXIT(),
		},
		.result = (u64)-E2BIG,
	},
	{
		.name = "array: NOEXIST -> -EEXIST, bad flags -> -EINVAL",
		.maps = { ARRAY_4x8(2) },
		.insns = {
			UPDATE32(0, 1, 5, BPF_NOEXIST),
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
			UPDATE32(0, 1, 5, 7),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
		},
		.result = (u64)(-EEXIST - EINVAL),
	},
	{
		.name = "LRU hash: the least recently used element is evicted",
		.maps = { MDEF(LRU_HASH, 4, 8, 2) },
		.insns = {
			UPDATE32(0, 1, 10, BPF_ANY),
			UPDATE32(0, 2, 20, BPF_ANY),
			LOOKUP32(0, 1),			/* 1 is now recent */
			UPDATE32(0, 3, 30, BPF_ANY),	/* evicts 2 */
			ABPF_MOV64_IMM(BPF_REG_6, 0),
			LOOKUP32(0, 2),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 1),	/* 2 gone: +1 */
			LOOKUP32(0, 1),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 10),	/* 1 there: +10 */
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
		},
		.result = 11,
	},
	{
		.name = "per-CPU array: this CPU's value",
		.maps = { MDEF(PERCPU_ARRAY, 4, 8, 1) },
		.insns = {
			LOOKUP32(0, 0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4),
			ABPF_MOV64_IMM(BPF_REG_1, 3),
			ABPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1, 0),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.result = 3,
	},
	{
		.name = "per-CPU hash: update then lookup",
		.maps = { MDEF(PERCPU_HASH, 4, 8, 4) },
		.insns = {
			UPDATE32(0, 9, 77, BPF_ANY),
			LOOKUP32(0, 9),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.result = 77,
	},
	{
		/* key: u32 prefixlen + 4 bytes; 10/8 -> 1, 10.1/16 -> 2 */
		.name = "LPM trie: longest prefix wins",
		.maps = { { BPF_MAP_TYPE_LPM_TRIE, 8, 8, 16, BPF_F_NO_PREALLOC } },
		.insns = {
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -8, 8),
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0x0000000a),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
			VAL64(1), ABPF_MOV64_IMM(BPF_REG_4, 0),
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_CALL_HELPER(BPF_FUNC_map_update_elem),
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -8, 16),
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0x0000010a),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
			VAL64(2), ABPF_MOV64_IMM(BPF_REG_4, 0),
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_CALL_HELPER(BPF_FUNC_map_update_elem),
			/* 10.1.2.3/32 -> 2 */
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -8, 32),
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0x0302010a),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 13),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_0, 0),
			/* 10.2.0.0/32 -> 1 */
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0x0000020a),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
			ABPF_ALU64_IMM(BPF_MUL, BPF_REG_6, 10),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_MOV64_IMM(BPF_REG_0, 98),
			ABPF_EXIT(),
		},
		.result = 21,
	},
	{
		.name = "NULL check through a copy refines the original",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			LOOKUP32(0, 0),
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_6, 0, 3),
			ABPF_ST_MEM(BPF_DW, BPF_REG_0, 0, 5),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_6, 0),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.result = 5,
	},
	{
		.name = "map value pointer arithmetic at constant offsets",
		.maps = { MDEF(ARRAY, 4, 16, 1) },
		.insns = {
			LOOKUP32(0, 0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 5),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 8),
			ABPF_ST_MEM(BPF_DW, BPF_REG_0, 0, 9),
			ABPF_ALU64_IMM(BPF_SUB, BPF_REG_0, 4),
			ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, 4),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.result = 9,
	},
	{
		.name = "update from a map value (value argument)",
		.maps = { ARRAY_4x8(2) },
		.insns = {
			UPDATE32(0, 0, 31, BPF_ANY),
			LOOKUP32(0, 0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 17),
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_0),
			KEY32(1), ABPF_MOV64_IMM(BPF_REG_4, 0),
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_CALL_HELPER(BPF_FUNC_map_update_elem),
			LOOKUP32(0, 1),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.result = 31,
	},
	{
		.name = "direct value (BPF_PSEUDO_MAP_VALUE) of a 1-entry array",
		.maps = { MDEF(ARRAY, 4, 16, 1) },
		.insns = {
			ABPF_LD_MAP_VALUE(BPF_REG_1, 0, 8),
			ABPF_ST_MEM(BPF_DW, BPF_REG_1, 0, 1234),
			LOOKUP32(0, 0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 8),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.result = 1234,
	},
	{
		.name = "ringbuf: output, reserve + submit, reserve + discard",
		.maps = { MDEF(RINGBUF, 0, 0, 4096) },
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0x55),
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
			ABPF_MOV64_IMM(BPF_REG_3, 8),
			ABPF_MOV64_IMM(BPF_REG_4, 0),
			ABPF_CALL_HELPER(BPF_FUNC_ringbuf_output),
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_MOV64_IMM(BPF_REG_2, 16),
			ABPF_MOV64_IMM(BPF_REG_3, 0),
			ABPF_CALL_HELPER(BPF_FUNC_ringbuf_reserve),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 13),
			ABPF_ST_MEM(BPF_DW, BPF_REG_0, 8, 0x66),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
			ABPF_MOV64_IMM(BPF_REG_2, 0),
			ABPF_CALL_HELPER(BPF_FUNC_ringbuf_submit),
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_MOV64_IMM(BPF_REG_2, 8),
			ABPF_MOV64_IMM(BPF_REG_3, 0),
			ABPF_CALL_HELPER(BPF_FUNC_ringbuf_reserve),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
			ABPF_MOV64_IMM(BPF_REG_2, 0),
			ABPF_CALL_HELPER(BPF_FUNC_ringbuf_discard),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_6),
			ABPF_EXIT(),
		},
		.result = 0,
	},
	{
		.name = "tail call: the target's r0",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 4) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			TAIL_CALL(0, 2),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.tails = { { 3, { ABPF_MOV64_IMM(BPF_REG_0, 7), ABPF_EXIT() } } },
		.result = 7,
	},
	{
		.name = "tail call: empty slot and bad index fall through",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 4) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			TAIL_CALL(0, 1),
			TAIL_CALL(0, 4),
			TAIL_CALL(0, -1),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.result = 99,
	},
	{
		/* counts its runs in an array: 1 + 33 tail calls, then
		 * the 34th falls through */
		.name = "tail call: at most 33 (self loop)",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 1), ARRAY_4x8(1) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			LOOKUP32(1, 0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 16),
			ABPF_MOV64_IMM(BPF_REG_1, 1),
			ABPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1, 0),
			TAIL_CALL(0, 0),
			LOOKUP32(1, 0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
			ABPF_EXIT(),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.self_slot1 = 1,
		.result = 34,
	},
	{
		/*
		 * A caller with a checked access and a loop (the JIT keeps
		 * the budget in a register and sets rc->stack_lo/hi) into
		 * a target with a loop: budget carried, rc cleared at exit.
		 */
		.name = "tail call: checked access and loops on both sides",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 4) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			ABPF_LDX_MEM(BPF_B, BPF_REG_7, BPF_REG_6, 3),
			ABPF_MOV64_IMM(BPF_REG_8, 3),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_7, BPF_REG_8),
			ABPF_ALU64_IMM(BPF_SUB, BPF_REG_8, 1),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_8, 0, -3),
			TAIL_CALL(0, 1),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_7),
			ABPF_EXIT(),
		},
		.tails = {
			{ 2, { ABPF_MOV64_IMM(BPF_REG_0, 0),
			       ABPF_MOV64_IMM(BPF_REG_1, 5),
			       ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
			       ABPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1),
			       ABPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, -3),
			       ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 55),
			       ABPF_EXIT() } },
		},
		.result = 70,
	},
	{
		.name = "tail call chain keeps r1 (ctx) and the stack is fresh",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 4) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 5),
			TAIL_CALL(0, 1),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.tails = {
			{ 2, { ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			       TAIL_CALL(0, 3),
			       ABPF_MOV64_IMM(BPF_REG_0, 98), ABPF_EXIT() } },
			{ 4, { ABPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			       ABPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_1),
			       ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 70),
			       ABPF_EXIT() } },
		},
		.result = 70,
	},
	/*
	 * The JIT's inline tail call: a constant index (a mov of an
	 * immediate in the call's block) is checked at compile time and
	 * drops the r1-r3 setup only the call reads; anything else tests
	 * the index at run time.
	 */
	{
		.name = "tail call: run-time index: empty, out of range, -1, high bits",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 4) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			/* r3 = 0 + 1 (slot 1, empty), 2 + 2 (out of range) */
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
			ABPF_LD_MAP(BPF_REG_2, 0),
			ABPF_MOV64_IMM(BPF_REG_3, 0),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 1),
			ABPF_CALL_HELPER(BPF_FUNC_tail_call),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
			ABPF_LD_MAP(BPF_REG_2, 0),
			ABPF_MOV64_IMM(BPF_REG_3, 2),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 2),
			ABPF_CALL_HELPER(BPF_FUNC_tail_call),
			/* -1 as a u32 */
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
			ABPF_LD_MAP(BPF_REG_2, 0),
			ABPF_MOV64_IMM(BPF_REG_3, 0),
			ABPF_ALU64_IMM(BPF_SUB, BPF_REG_3, 1),
			ABPF_CALL_HELPER(BPF_FUNC_tail_call),
			/* 2 | 1 << 32: slot 2 (the low 32 bits) */
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
			ABPF_LD_MAP(BPF_REG_2, 0),
			ABPF_LD_IMM64(BPF_REG_3, 0x100000002ULL),
			ABPF_CALL_HELPER(BPF_FUNC_tail_call),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.tails = { { 3, { ABPF_MOV64_IMM(BPF_REG_0, 7), ABPF_EXIT() } } },
		.result = 7,
	},
	{
		/* r3 is 2 on the jump onto the call, 1 falling into it */
		.name = "tail call: a jump onto the call: its index is no constant",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 4) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			ABPF_MOV64_IMM(BPF_REG_7, 1),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
			ABPF_LD_MAP(BPF_REG_2, 0),
			ABPF_MOV64_IMM(BPF_REG_3, 2),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_7, 0, 1),
			ABPF_MOV64_IMM(BPF_REG_3, 1),
			ABPF_CALL_HELPER(BPF_FUNC_tail_call),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.tails = {
			{ 2, { ABPF_MOV64_IMM(BPF_REG_0, 11), ABPF_EXIT() } },
			{ 3, { ABPF_MOV64_IMM(BPF_REG_0, 22), ABPF_EXIT() } },
		},
		.result = 22,
	},
	{
		/*
		 * r3 = 3 is read past a jump before the call (and r3 = 1
		 * by a mov before the next call): the movs must stay.
		 */
		.name = "tail call: constant index still read elsewhere",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 4) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			ABPF_MOV64_IMM(BPF_REG_7, 1),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
			ABPF_LD_MAP(BPF_REG_2, 0),
			ABPF_MOV64_IMM(BPF_REG_3, 1),
			ABPF_MOV64_REG(BPF_REG_8, BPF_REG_3),
			ABPF_CALL_HELPER(BPF_FUNC_tail_call),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
			ABPF_LD_MAP(BPF_REG_2, 0),
			ABPF_MOV64_IMM(BPF_REG_3, 3),
			ABPF_JMP_IMM(BPF_JNE, BPF_REG_7, 0, 3),
			ABPF_CALL_HELPER(BPF_FUNC_tail_call),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
			ABPF_MOV64_REG(BPF_REG_0, BPF_REG_3),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_8),
			ABPF_EXIT(),
		},
		.result = 4,
	},
	{
		/*
		 * Same registers (the JIT's tail entry), the caller with
		 * 8 bytes of stack, targets with 64 and with none, both
		 * calling a helper (each sets its own rsp).
		 */
		.name = "tail call: same registers, other stack sizes",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 4) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			ABPF_MOV64_IMM(BPF_REG_7, 0),
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 5),
			TAIL_CALL(0, 1),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.tails = {
			{ 2, { ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			       /* where a call's return address lands if
				* rsp stayed at the caller's
				*/
			       ABPF_ST_MEM(BPF_DW, BPF_REG_10, -64, 10),
			       ABPF_ST_MEM(BPF_DW, BPF_REG_10, -48, 10),
			       ABPF_ST_MEM(BPF_DW, BPF_REG_10, -40, 10),
			       ABPF_ST_MEM(BPF_DW, BPF_REG_10, -32, 10),
			       ABPF_ST_MEM(BPF_DW, BPF_REG_10, -24, 2),
			       ABPF_CALL_HELPER(BPF_FUNC_get_smp_processor_id),
			       ABPF_LDX_MEM(BPF_DW, BPF_REG_7, BPF_REG_10, -64),
			       ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -48),
			       ABPF_ALU64_REG(BPF_ADD, BPF_REG_7, BPF_REG_1),
			       ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -40),
			       ABPF_ALU64_REG(BPF_ADD, BPF_REG_7, BPF_REG_1),
			       ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -32),
			       ABPF_ALU64_REG(BPF_ADD, BPF_REG_7, BPF_REG_1),
			       ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -24),
			       ABPF_ALU64_REG(BPF_ADD, BPF_REG_7, BPF_REG_1),
			       ABPF_STX_MEM(BPF_DW, BPF_REG_6, BPF_REG_7, 8),
			       TAIL_CALL(0, 2),
			       ABPF_MOV64_IMM(BPF_REG_0, 98),
			       ABPF_EXIT() } },
			{ 3, { ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			       ABPF_MOV64_IMM(BPF_REG_7, 8),
			       ABPF_CALL_HELPER(BPF_FUNC_get_smp_processor_id),
			       ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_6, 8),
			       ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
			       ABPF_EXIT() } },
		},
		.result = 50,
	},
	{
		/*
		 * Same registers, the caller with 8 bytes of stack (a
		 * 16-byte frame), a target with no stack and no call (no
		 * frame: its exit pops from rsp as it is, so its tail
		 * entry must set rsp = rbp; the JIT's is out of line).
		 */
		.name = "tail call: same registers, into a target without a frame",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 4) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			ABPF_MOV64_IMM(BPF_REG_7, 3),
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 5),
			TAIL_CALL(0, 1),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.tails = {
			{ 2, { ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			       ABPF_MOV64_IMM(BPF_REG_7, 40),
			       ABPF_MOV64_REG(BPF_REG_0, BPF_REG_7),
			       ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 2),
			       ABPF_EXIT() } },
		},
		.result = 42,
	},
	{
		/*
		 * A helper sees r3-r5 the checker knows nothing of: the
		 * target starts them at 0 (the JIT's tail entry too), not
		 * at the caller's 12345 and 678.
		 */
		.name = "tail call: the target's r3-r5 start at 0 for helpers",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 4) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			ABPF_MOV64_IMM(BPF_REG_4, 12345),
			ABPF_MOV64_IMM(BPF_REG_5, 678),
			TAIL_CALL(0, 1),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.tails = {
			/* "%d%d%d\0": prints r3, r4, r5 */
			{ 2, { ABPF_ST_MEM(BPF_W, BPF_REG_10, -8, 0x64256425),
			       ABPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0x6425),
			       ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
			       ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
			       ABPF_MOV64_IMM(BPF_REG_2, 7),
			       ABPF_CALL_HELPER(BPF_FUNC_trace_printk),
			       ABPF_EXIT() } },
		},
		.result = 3,	/* "000" */
	},
	{
		.name = "trace_printk formats integers",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			/* "v=%d\0" */
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -8, 0x64253d76),
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
			ABPF_MOV64_IMM(BPF_REG_2, 5),
			ABPF_MOV64_IMM(BPF_REG_3, -12),
			ABPF_CALL_HELPER(BPF_FUNC_trace_printk),
			ABPF_EXIT(),
		},
		.result = 5,	/* "v=-12" */
	},
	{
		.name = "get_smp_processor_id, ktime, prandom are callable",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			ABPF_CALL_HELPER(BPF_FUNC_ktime_get_ns),
			ABPF_CALL_HELPER(BPF_FUNC_get_prandom_u32),
			ABPF_CALL_HELPER(BPF_FUNC_get_smp_processor_id),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_JMP_IMM(BPF_JLT, BPF_REG_1, 64, 1),
			ABPF_MOV64_IMM(BPF_REG_0, 99),
			ABPF_EXIT(),
		},
		.result = 0,
	},

	/* ---- rejected ---- */
	{
		.name = "reject: value used without a NULL check",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			LOOKUP32(0, 0),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "insn 6: R0 may be NULL: check it before the access",
	},
	{
		.name = "reject: NULL checked with JMP32 is not a check",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			LOOKUP32(0, 0),
			ABPF_JMP32_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "insn 7: R0 may be NULL",
	},
	{
		.name = "reject: value read past value_size",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			LOOKUP32(0, 0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
			ABPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, 6),
			ABPF_EXIT(),
		},
		.err = -EACCES,
		.msg = "insn 7: R0 map value access out of bounds (off 6 size 4, map value size 8)",
	},
	{
		.name = "reject: value write at a negative offset",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			LOOKUP32(0, 0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
			ABPF_ST_MEM(BPF_B, BPF_REG_0, -1, 0),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "insn 7: R0 map value access out of bounds",
	},
	{
		.name = "reject: value access at an unknown offset",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_7, BPF_REG_2),
			LOOKUP32(0, 0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
			ABPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
			ABPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "insn 9: R0 map value access at an unknown offset",
	},
	{
		.name = "reject: key not initialised",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
			ABPF_EXIT(),
		},
		.err = -EACCES,
		.msg = "insn 4: R2 must point to initialised stack of 4 bytes (map key) for bpf_map_lookup_elem",
	},
	{
		.name = "reject: key partly initialised (hash, 8-byte key)",
		.maps = { MDEF(HASH, 8, 8, 4) },
		.insns = {
			ABPF_ST_MEM(BPF_W, BPF_REG_10, -8, 1),
			ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
			ABPF_EXIT(),
		},
		.err = -EACCES,
		.msg = "insn 5: R2 must point to initialised stack of 8 bytes (map key)",
	},
	{
		.name = "reject: value argument too small",
		.maps = { MDEF(ARRAY, 4, 16, 1) },
		.insns = {
			UPDATE32(0, 0, 1, BPF_ANY),
			ABPF_EXIT(),
		},
		.err = -EACCES,
		.msg = "R3 must point to initialised stack of 16 bytes (map value) for bpf_map_update_elem",
	},
	{
		.name = "reject: R1 is not a map",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			KEY32(0),
			ABPF_MOV64_IMM(BPF_REG_1, 0),
			ABPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
			ABPF_EXIT(),
		},
		.err = -EACCES,
		.msg = "insn 4: R1 must be a map pointer (lddw map fd) for bpf_map_lookup_elem, not a scalar",
	},
	{
		.name = "reject: lookup in a prog array",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 1) },
		.insns = {
			LOOKUP32(0, 0),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES,
		.msg = "R1: map type 3 cannot be used with bpf_map_lookup_elem",
	},
	{
		.name = "reject: tail call through an array map",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			TAIL_CALL(0, 0),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "cannot be used with bpf_tail_call",
	},
	{
		.name = "reject: tail call with R1 not the context",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 1) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_10),
			TAIL_CALL(0, 0),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES,
		.msg = "insn 5: R1 must be the context (r1 at entry, offset 0) for bpf_tail_call",
	},
	{
		.name = "reject: tail call from a subprogram",
		.maps = { MDEF(PROG_ARRAY, 4, 4, 1) },
		.insns = {
			ABPF_CALL_LOCAL(2),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
			ABPF_LD_MAP(BPF_REG_2, 0),
			ABPF_MOV64_IMM(BPF_REG_3, 0),
			ABPF_CALL_HELPER(BPF_FUNC_tail_call),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES,
		.msg = "R1 must be the context",
	},
	{
		.name = "reject: pointer arithmetic on a maybe-NULL value",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			LOOKUP32(0, 0),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 4),
			ABPF_EXIT(),
		},
		.err = -EACCES,
		.msg = "insn 6: R0 pointer arithmetic on a map value that may be NULL prohibited",
	},
	{
		.name = "reject: load through a map pointer",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "insn 2: R1 is a map pointer",
	},
	{
		.name = "reject: write into a BPF_F_RDONLY_PROG map",
		.maps = { { BPF_MAP_TYPE_ARRAY, 4, 8, 1, BPF_F_RDONLY_PROG } },
		.insns = {
			LOOKUP32(0, 0),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
			ABPF_ST_MEM(BPF_DW, BPF_REG_0, 0, 1),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "insn 7: R0 write into a map that is read-only",
	},
	{
		.name = "reject: ringbuf record used without a NULL check",
		.maps = { MDEF(RINGBUF, 0, 0, 4096) },
		.insns = {
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_MOV64_IMM(BPF_REG_2, 8),
			ABPF_MOV64_IMM(BPF_REG_3, 0),
			ABPF_CALL_HELPER(BPF_FUNC_ringbuf_reserve),
			ABPF_ST_MEM(BPF_DW, BPF_REG_0, 0, 1),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "insn 5: R0 may be NULL",
	},
	{
		.name = "reject: ringbuf record used after submit",
		.maps = { MDEF(RINGBUF, 0, 0, 4096) },
		.insns = {
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_MOV64_IMM(BPF_REG_2, 8),
			ABPF_MOV64_IMM(BPF_REG_3, 0),
			ABPF_CALL_HELPER(BPF_FUNC_ringbuf_reserve),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 5),
			ABPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
			ABPF_MOV64_IMM(BPF_REG_2, 0),
			ABPF_CALL_HELPER(BPF_FUNC_ringbuf_submit),
			ABPF_ST_MEM(BPF_DW, BPF_REG_6, 0, 1),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "insn 10: read of uninitialised register r6",
	},
	{
		.name = "reject: ringbuf record out of bounds",
		.maps = { MDEF(RINGBUF, 0, 0, 4096) },
		.insns = {
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_MOV64_IMM(BPF_REG_2, 8),
			ABPF_MOV64_IMM(BPF_REG_3, 0),
			ABPF_CALL_HELPER(BPF_FUNC_ringbuf_reserve),
			ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4),
			ABPF_ST_MEM(BPF_DW, BPF_REG_0, 8, 1),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
			ABPF_MOV64_IMM(BPF_REG_2, 0),
			ABPF_CALL_HELPER(BPF_FUNC_ringbuf_submit),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "insn 6: R0 ringbuf record access out of bounds",
	},
	{
		.name = "reject: reserve size not a constant",
		.maps = { MDEF(RINGBUF, 0, 0, 4096) },
		.insns = {
			ABPF_LD_MAP(BPF_REG_1, 0),
			ABPF_MOV64_IMM(BPF_REG_3, 0),
			ABPF_CALL_HELPER(BPF_FUNC_ringbuf_reserve),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "insn 3: R2 (record size) must be a constant",
	},
	{
		.name = "reject: callx with a non-constant id",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			ABPF_MOV64_REG(BPF_REG_3, BPF_REG_2),
			ABPF_CALLX(BPF_REG_3),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "insn 1: callx with a non-constant helper id",
	},
	{
		.name = "reject: trace_printk size not a constant",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			ABPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
			ABPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
			ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
			ABPF_CALL_HELPER(BPF_FUNC_trace_printk),
			ABPF_EXIT(),
		},
		.err = -EACCES, .msg = "insn 3: R2 (size of the R1 buffer) must be a constant > 0 for bpf_trace_printk",
	},
	{
		.name = "bind: direct value of a hash map",
		.maps = { HASH_4x8(1) },
		.insns = {
			ABPF_LD_MAP_VALUE(BPF_REG_0, 0, 0),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.bind_err = -EINVAL, .msg = "insn 0: map (type 1) has no direct value access",
	},
	{
		.name = "bind: direct value offset past the value",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			ABPF_LD_MAP_VALUE(BPF_REG_0, 0, 8),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.bind_err = -EINVAL, .msg = "insn 0: map value offset 8 out of range",
	},
	{
		.name = "bind: not a map fd",
		.maps = { ARRAY_4x8(1) },
		.insns = {
			ABPF_LD_IMM64_RAW(BPF_REG_0, BPF_PSEUDO_MAP_FD, 77),
			ABPF_MOV64_IMM(BPF_REG_0, 0),
			ABPF_EXIT(),
		},
		.bind_err = -EBADF, .msg = "is not a map",
	},
};

#endif /* ALTBPF_TABLES_MAPS_PROGS_H */
