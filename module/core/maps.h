/* SPDX-License-Identifier: GPL-2.0 */
/*
 * maps.h - maps and typed helpers as the engine core sees them.
 *
 * A map is a struct abpf_map whose ops the host implements (the kernel in
 * module/maps/, one file per type; native builds in userspace/maps_native.c).  The core
 * only ever calls the "program side" ops, from a running program: they run
 * in any context (hooks in atomic context included) and never sleep.
 *
 * Programs name maps with lddw pseudo sources, resolved once at load time
 * by abpf_prog_bind_maps() (before abpf_check()):
 *   lddw rX, fd   src = BPF_PSEUDO_MAP_FD    -> rX = the map (CONST_PTR_TO_MAP)
 *   lddw rX, fd   src = BPF_PSEUDO_MAP_VALUE -> rX = &value[0] + insn[1].imm
 *                 (maps with ops->direct_value: single-entry arrays)
 * The instruction's imm pair is rewritten to that address (src_reg is kept,
 * so the checker and dumps still know what it is), and prog->maps[] holds
 * one reference per distinct map (the kernel's used_maps), dropped by
 * abpf_prog_free() through map->ops->put().
 *
 * Helpers with a prototype (struct abpf_helper.proto) are type-checked by
 * abpf_check(): a helper can then rely on its arguments (a map pointer is a
 * map, a key pointer points to key_size initialised bytes, ...) and does
 * no run-time memory check of its own.
 */
#ifndef ALTBPF_CORE_MAPS_H
#define ALTBPF_CORE_MAPS_H

#include "engine.h"

#define ABPF_MAX_USED_MAPS	64	/* like the kernel's MAX_USED_MAPS */
#define ABPF_MAX_TAIL_CALLS	33	/* like the kernel's MAX_TAIL_CALL_CNT */

/* Map types: the kernel's uapi values (enum bpf_map_type). */
#define ABPF_MAP_ARRAY		BPF_MAP_TYPE_ARRAY		/* 2 */
#define ABPF_MAP_HASH		BPF_MAP_TYPE_HASH		/* 1 */
#define ABPF_MAP_PROG_ARRAY	BPF_MAP_TYPE_PROG_ARRAY		/* 3 */
#define ABPF_MAP_PERCPU_HASH	BPF_MAP_TYPE_PERCPU_HASH	/* 5 */
#define ABPF_MAP_PERCPU_ARRAY	BPF_MAP_TYPE_PERCPU_ARRAY	/* 6 */
#define ABPF_MAP_LRU_HASH	BPF_MAP_TYPE_LRU_HASH		/* 9 */
#define ABPF_MAP_LPM_TRIE	BPF_MAP_TYPE_LPM_TRIE		/* 11 */
#define ABPF_MAP_RINGBUF	BPF_MAP_TYPE_RINGBUF		/* 27 */

struct abpf_map;

struct abpf_map_ops {
	/*
	 * Program side: any context, never sleeps.  Per-CPU maps work on
	 * the current CPU's copy (the host runs programs with migration
	 * disabled, under RCU).  lookup returns the value's address or
	 * NULL; update/delete return 0 or a negative errno (-ENOENT,
	 * -EEXIST, -E2BIG (full), -EINVAL (flags), -ENOMEM).
	 */
	void *(*lookup)(struct abpf_map *map, const void *key);
	long (*update)(struct abpf_map *map, const void *key,
		       const void *value, u64 flags);
	long (*delete)(struct abpf_map *map, const void *key);
	/* BPF_MAP_TYPE_PROG_ARRAY: the program in slot index, or NULL. */
	const struct abpf_prog *(*prog_at)(struct abpf_map *map, u32 index);
	/*
	 * BPF_MAP_TYPE_PROG_ARRAY, optional: the max_entries program
	 * pointers prog_at() reads (slot i: the program or NULL), at one
	 * address for the map's whole life, so an engine may load a slot
	 * inline (jit_x86.c).  A pointer read there stays valid as long as
	 * one prog_at() returned would (until the run ends: the host frees
	 * replaced programs after an RCU grace period).
	 */
	const struct abpf_prog *const *(*prog_slots)(struct abpf_map *map);
	/* BPF_PSEUDO_MAP_VALUE: address of the (only) value, or -errno. */
	int (*direct_value)(struct abpf_map *map, u64 *addr);
	/*
	 * Plain (not per-CPU) arrays: value i < max_entries lives at
	 * *base + i * *stride for the map's whole life, so an engine may
	 * compute lookups inline (jit_x86.c).  0, or -EOPNOTSUPP.
	 */
	int (*array_layout)(struct abpf_map *map, u64 *base, u32 *stride);
	/*
	 * Load side (process context): a program of prog_type uses this
	 * map (prog arrays keep one program type: 0 or -EINVAL).
	 */
	int (*bind_prog)(struct abpf_map *map, u32 prog_type);
	/* Drop the reference a program held (abpf_prog_free()). */
	void (*put)(struct abpf_map *map);
};

/* The core-visible part of a map; hosts embed it first in their own. */
struct abpf_map {
	u32 type;			/* BPF_MAP_TYPE_* */
	u32 key_size;
	u32 value_size;
	u32 max_entries;
	u32 map_flags;			/* BPF_F_* */
	u32 id;				/* host-assigned, BPF_MAP_GET_NEXT_ID */
	const struct abpf_map_ops *ops;
	char name[16];			/* BPF_OBJ_NAME_LEN */
};

/*
 * How the loader turns the fd in an lddw into a map: map_from_fd() returns
 * the map with a new reference (dropped later by map->ops->put()) or NULL
 * (-EBADF: not a map fd).  host is passed back as is.
 */
struct abpf_map_resolver {
	struct abpf_map *(*map_from_fd)(void *host, int fd);
	void *host;
};

/*
 * verifier.c: resolve the lddw pseudo sources of prog (call once, after
 * abpf_prog_alloc(), before abpf_check()).  0, or -EBADF (bad fd),
 * -EINVAL (bad offset, map type without direct value, prog array of
 * another program type), -E2BIG (more than ABPF_MAX_USED_MAPS maps),
 * -ENOMEM; "insn N: reason" in the log.  Without a resolver (res NULL)
 * programs with map lddws are rejected.
 */
int abpf_prog_bind_maps(struct abpf_prog *prog,
			const struct abpf_map_resolver *res,
			struct abpf_log *log);
/* prog.c (abpf_prog_free()): drop prog->maps[]. */
void abpf_prog_put_maps(struct abpf_prog *prog);

/* ---- helper prototypes (checked by abpf_check()) ---- */

enum abpf_arg_type {
	ABPF_ARG_NONE = 0,		/* unused (must not be read) */
	ABPF_ARG_ANYTHING,		/* any initialised value */
	ABPF_ARG_CONST_MAP_PTR,		/* lddw BPF_PSEUDO_MAP_FD */
	ABPF_ARG_PTR_TO_MAP_KEY,	/* key_size initialised bytes */
	ABPF_ARG_PTR_TO_MAP_VALUE,	/* value_size initialised bytes */
	ABPF_ARG_PTR_TO_MEM,		/* initialised bytes, size = next arg */
	ABPF_ARG_PTR_TO_UNINIT_MEM,	/* written by the helper, size next */
	ABPF_ARG_CONST_SIZE,		/* constant > 0 */
	ABPF_ARG_CONST_SIZE_OR_ZERO,	/* constant >= 0 */
	ABPF_ARG_PTR_TO_CTX,		/* the context, offset 0 */
	ABPF_ARG_PTR_TO_ALLOC_MEM,	/* a ringbuf record, offset 0 */
	ABPF_ARG_CONST_ALLOC_SIZE,	/* constant > 0: record size */
};

enum abpf_ret_type {
	ABPF_RET_INTEGER = 0,
	ABPF_RET_VOID,				/* r0 unusable after */
	ABPF_RET_PTR_TO_MAP_VALUE_OR_NULL,
	ABPF_RET_PTR_TO_ALLOC_MEM_OR_NULL,	/* size: the CONST_ALLOC_SIZE arg */
};

/* Which maps a helper's ABPF_ARG_CONST_MAP_PTR accepts. */
enum abpf_map_kind {
	ABPF_MAPK_DATA = 0,	/* lookup/update/delete: not prog array/ringbuf */
	ABPF_MAPK_PROG_ARRAY,
	ABPF_MAPK_RINGBUF,
};

#define ABPF_PROTO_TAIL_CALL	0x1	/* the tail call helper */
#define ABPF_PROTO_RELEASE	0x2	/* submits/discards its ALLOC_MEM arg */

struct abpf_helper_proto {
	u8 ret;				/* enum abpf_ret_type */
	u8 args[5];			/* enum abpf_arg_type */
	u8 map_kind;			/* enum abpf_map_kind */
	u8 flags;			/* ABPF_PROTO_* */
};

/*
 * helper_protos.c: the helpers with the kernel's uapi ids (BPF_FUNC_*).
 * The core implements the host-free ones (map lookup/update/delete,
 * tail_call, skb_load_bytes); each host implements abpf_host_*() below
 * (module/helpers_kernel.c, userspace/maps_native.c).
 */
extern const struct abpf_helper_proto abpf_proto_map_lookup_elem;
extern const struct abpf_helper_proto abpf_proto_map_update_elem;
extern const struct abpf_helper_proto abpf_proto_map_delete_elem;

/* Per-type tables: MEM (maps), PACKET (maps + skb_load_bytes), KPROBE. */
extern const struct abpf_helper_table abpf_mem_map_helpers;
extern const struct abpf_helper_table abpf_packet_helpers;
extern const struct abpf_helper_table abpf_kprobe_helpers;


/*
 * bpf_trace_printk: the core formats (integer conversions only: %d %i %u
 * %x %X %c %% with l/ll/h/hh; anything else ends the output with "?")
 * and hands the NUL-terminated line to the host.
 */
void abpf_host_trace(const char *msg, u32 len, struct abpf_run_ctx *rc);

/* Host-provided helper bodies (same signature as any helper). */
u64 abpf_host_ktime_get_ns(u64, u64, u64, u64, u64, struct abpf_run_ctx *);
u64 abpf_host_get_prandom_u32(u64, u64, u64, u64, u64, struct abpf_run_ctx *);
u64 abpf_host_get_smp_processor_id(u64, u64, u64, u64, u64,
				   struct abpf_run_ctx *);
u64 abpf_host_get_current_pid_tgid(u64, u64, u64, u64, u64,
				   struct abpf_run_ctx *);
u64 abpf_host_get_current_comm(u64, u64, u64, u64, u64, struct abpf_run_ctx *);
u64 abpf_host_probe_read_kernel(u64, u64, u64, u64, u64, struct abpf_run_ctx *);
u64 abpf_host_ringbuf_output(u64, u64, u64, u64, u64, struct abpf_run_ctx *);
u64 abpf_host_ringbuf_reserve(u64, u64, u64, u64, u64, struct abpf_run_ctx *);
u64 abpf_host_ringbuf_submit(u64, u64, u64, u64, u64, struct abpf_run_ctx *);
u64 abpf_host_ringbuf_discard(u64, u64, u64, u64, u64, struct abpf_run_ctx *);

/* interp.c: finish a tail-call chain started by a JIT image (jit_x86.c). */
u64 abpf_tail_call_dispatch(struct abpf_run_ctx *rc);

#endif /* ALTBPF_CORE_MAPS_H */
