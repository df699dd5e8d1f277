// SPDX-License-Identifier: GPL-2.0
/*
 * helper_protos.c - typed helpers with the kernel's uapi ids (maps.h).
 *
 * The prototypes say what abpf_check() proves about each argument, so the
 * bodies here trust them: a map pointer is a bound map of the right kind,
 * a key/value pointer covers key_size/value_size initialised bytes, a
 * buffer covers its constant size.  Host-free bodies live here; the rest
 * are the host's abpf_host_*() (module/helpers_kernel.c, natively
 * userspace/maps_native.c).
 */
#include "engine.h"
#include "maps.h"

#define P(ptr)	((void *)(unsigned long)(ptr))

/* ---- prototypes ---- */

const struct abpf_helper_proto abpf_proto_map_lookup_elem = {
	.ret = ABPF_RET_PTR_TO_MAP_VALUE_OR_NULL,
	.args = { ABPF_ARG_CONST_MAP_PTR, ABPF_ARG_PTR_TO_MAP_KEY },
};
const struct abpf_helper_proto abpf_proto_map_update_elem = {
	.args = { ABPF_ARG_CONST_MAP_PTR, ABPF_ARG_PTR_TO_MAP_KEY,
		  ABPF_ARG_PTR_TO_MAP_VALUE, ABPF_ARG_ANYTHING },
};
const struct abpf_helper_proto abpf_proto_map_delete_elem = {
	.args = { ABPF_ARG_CONST_MAP_PTR, ABPF_ARG_PTR_TO_MAP_KEY },
};
static const struct abpf_helper_proto proto_void_int = { 0 };
/* args 3-5 are passed as is (formatted as integers only) */
static const struct abpf_helper_proto proto_trace_printk = {
	.args = { ABPF_ARG_PTR_TO_MEM, ABPF_ARG_CONST_SIZE },
};
static const struct abpf_helper_proto proto_tail_call = {
	.ret = ABPF_RET_VOID,
	.args = { ABPF_ARG_PTR_TO_CTX, ABPF_ARG_CONST_MAP_PTR,
		  ABPF_ARG_ANYTHING },
	.map_kind = ABPF_MAPK_PROG_ARRAY,
	.flags = ABPF_PROTO_TAIL_CALL,
};
static const struct abpf_helper_proto proto_get_current_comm = {
	.args = { ABPF_ARG_PTR_TO_UNINIT_MEM, ABPF_ARG_CONST_SIZE },
};
static const struct abpf_helper_proto proto_skb_load_bytes = {
	.args = { ABPF_ARG_PTR_TO_CTX, ABPF_ARG_ANYTHING,
		  ABPF_ARG_PTR_TO_UNINIT_MEM, ABPF_ARG_CONST_SIZE },
};
static const struct abpf_helper_proto proto_probe_read_kernel = {
	.args = { ABPF_ARG_PTR_TO_UNINIT_MEM, ABPF_ARG_CONST_SIZE_OR_ZERO,
		  ABPF_ARG_ANYTHING },
};
static const struct abpf_helper_proto proto_ringbuf_output = {
	.args = { ABPF_ARG_CONST_MAP_PTR, ABPF_ARG_PTR_TO_MEM,
		  ABPF_ARG_CONST_SIZE_OR_ZERO, ABPF_ARG_ANYTHING },
	.map_kind = ABPF_MAPK_RINGBUF,
};
static const struct abpf_helper_proto proto_ringbuf_reserve = {
	.ret = ABPF_RET_PTR_TO_ALLOC_MEM_OR_NULL,
	.args = { ABPF_ARG_CONST_MAP_PTR, ABPF_ARG_CONST_ALLOC_SIZE,
		  ABPF_ARG_ANYTHING },
	.map_kind = ABPF_MAPK_RINGBUF,
};
static const struct abpf_helper_proto proto_ringbuf_release = {
	.ret = ABPF_RET_VOID,
	.args = { ABPF_ARG_PTR_TO_ALLOC_MEM, ABPF_ARG_ANYTHING },
	.flags = ABPF_PROTO_RELEASE,
};

/* ---- host-free bodies ---- */

static u64 abpf_h_map_lookup_elem(u64 map, u64 key, u64 c, u64 d, u64 e,
				  struct abpf_run_ctx *rc)
{
	struct abpf_map *m = P(map);

	return (u64)(unsigned long)m->ops->lookup(m, P(key));
}

static u64 abpf_h_map_update_elem(u64 map, u64 key, u64 value, u64 flags,
				  u64 e, struct abpf_run_ctx *rc)
{
	struct abpf_map *m = P(map);

	if (!m->ops->update)
		return (u64)-EINVAL;
	return (u64)m->ops->update(m, P(key), P(value), flags);
}

static u64 abpf_h_map_delete_elem(u64 map, u64 key, u64 c, u64 d, u64 e,
				  struct abpf_run_ctx *rc)
{
	struct abpf_map *m = P(map);

	if (!m->ops->delete)
		return (u64)-EINVAL;
	return (u64)m->ops->delete(m, P(key));
}

/*
 * bpf_tail_call(ctx, prog_array, index): like the kernel, a bad index, an
 * exhausted count (ABPF_MAX_TAIL_CALLS) or an empty slot fall through to
 * the next instruction; otherwise the program stops and the engine runs
 * the target in its place (abpf_interp_run(), abpf_tail_call_dispatch()).
 */
static u64 abpf_h_tail_call(u64 ctx, u64 map, u64 index, u64 d, u64 e,
			    struct abpf_run_ctx *rc)
{
	struct abpf_map *m = P(map);
	const struct abpf_prog *p;

	if ((u32)index >= m->max_entries)
		return (u64)-ENOENT;
	if (rc->tail_call_cnt >= ABPF_MAX_TAIL_CALLS)
		return (u64)-ENOENT;
	rc->tail_call_cnt++;
	p = m->ops->prog_at(m, (u32)index);
	if (!p)
		return (u64)-ENOENT;
	rc->tail_prog = p;
	rc->stop = true;
	return 0;
}

/* bpf_skb_load_bytes(ctx, off, to, len): from the run's packet. */
static u64 abpf_h_skb_load_bytes(u64 ctx, u64 off, u64 to, u64 len, u64 e,
				 struct abpf_run_ctx *rc)
{
	if (!rc->pkt || (u32)off > rc->pkt_len ||
	    (u32)len > rc->pkt_len - (u32)off) {
		memset(P(to), 0, (u32)len);
		return (u64)-EFAULT;
	}
	memcpy(P(to), rc->pkt + (u32)off, (u32)len);
	return 0;
}

static u32 fmt_num(char *out, u32 room, u64 v, bool neg, u32 base, bool upper)
{
	char tmp[24];
	u32 n = 0, k = 0;

	do {
		u32 dgt = v % base;

		tmp[n++] = dgt < 10 ? '0' + dgt : (upper ? 'A' : 'a') + dgt - 10;
		v /= base;
	} while (v);
	if (neg && k < room)
		out[k++] = '-';
	while (n && k < room)
		out[k++] = tmp[--n];
	return k;
}

/* bpf_trace_printk(fmt, fmt_size, a, b, c): integer conversions only. */
static u64 abpf_h_trace_printk(u64 fmt, u64 size, u64 a3, u64 a4, u64 a5,
			       struct abpf_run_ctx *rc)
{
	const char *f = P(fmt);
	u64 args[3] = { a3, a4, a5 };
	char out[128];
	u32 n = 0, used = 0, i;
	const u32 room = sizeof(out) - 1;

	if (!size || f[size - 1])
		return (u64)-EINVAL;
	for (i = 0; f[i] && n < room; i++) {
		u32 l = 0;
		u64 v;
		bool neg = false;

		if (f[i] != '%') {
			out[n++] = f[i];
			continue;
		}
		i++;
		if (f[i] == '%') {
			out[n++] = '%';
			continue;
		}
		while (f[i] == 'l' || f[i] == 'h') {
			l += f[i] == 'l' ? 1 : 0;
			i++;
		}
		if (used >= 3 || !f[i] ||
		    !(f[i] == 'd' || f[i] == 'i' || f[i] == 'u' ||
		      f[i] == 'x' || f[i] == 'X' || f[i] == 'c')) {
			out[n++] = '?';
			break;
		}
		v = args[used++];
		if (!l)
			v = (f[i] == 'd' || f[i] == 'i') ? (u64)(s64)(s32)v : (u32)v;
		if (f[i] == 'c') {
			out[n++] = (char)v;
			continue;
		}
		if ((f[i] == 'd' || f[i] == 'i') && (s64)v < 0) {
			neg = true;
			v = 0 - v;
		}
		n += fmt_num(out + n, room - n, v, neg,
			     (f[i] == 'x' || f[i] == 'X') ? 16 : 10, f[i] == 'X');
	}
	out[n] = 0;
	abpf_host_trace(out, n, rc);
	return n;
}

/* ---- per-type tables ---- */

#define MAP_HELPERS							\
	[BPF_FUNC_map_lookup_elem] = { "bpf_map_lookup_elem",		\
		abpf_h_map_lookup_elem, 0, 2, &abpf_proto_map_lookup_elem }, \
	[BPF_FUNC_map_update_elem] = { "bpf_map_update_elem",		\
		abpf_h_map_update_elem, 0, 4, &abpf_proto_map_update_elem }, \
	[BPF_FUNC_map_delete_elem] = { "bpf_map_delete_elem",		\
		abpf_h_map_delete_elem, 0, 2, &abpf_proto_map_delete_elem }, \
	[BPF_FUNC_tail_call] = { "bpf_tail_call", abpf_h_tail_call,	\
		ABPF_HELPER_MAY_STOP, 3, &proto_tail_call },		\
	[BPF_FUNC_ktime_get_ns] = { "bpf_ktime_get_ns",			\
		abpf_host_ktime_get_ns, 0, 0, &proto_void_int },	\
	[BPF_FUNC_get_prandom_u32] = { "bpf_get_prandom_u32",		\
		abpf_host_get_prandom_u32, 0, 0, &proto_void_int },	\
	[BPF_FUNC_get_smp_processor_id] = { "bpf_get_smp_processor_id",	\
		abpf_host_get_smp_processor_id, 0, 0, &proto_void_int }, \
	[BPF_FUNC_trace_printk] = { "bpf_trace_printk",			\
		abpf_h_trace_printk, 0, 2, &proto_trace_printk },	\
	[BPF_FUNC_ringbuf_output] = { "bpf_ringbuf_output",		\
		abpf_host_ringbuf_output, 0, 4, &proto_ringbuf_output }, \
	[BPF_FUNC_ringbuf_reserve] = { "bpf_ringbuf_reserve",		\
		abpf_host_ringbuf_reserve, 0, 3, &proto_ringbuf_reserve }, \
	[BPF_FUNC_ringbuf_submit] = { "bpf_ringbuf_submit",		\
		abpf_host_ringbuf_submit, 0, 2, &proto_ringbuf_release }, \
	[BPF_FUNC_ringbuf_discard] = { "bpf_ringbuf_discard",		\
		abpf_host_ringbuf_discard, 0, 2, &proto_ringbuf_release }

#define TABLE_SIZE	(BPF_FUNC_ringbuf_discard + 1)

static const struct abpf_helper mem_list[TABLE_SIZE] = {
	MAP_HELPERS,
};

static const struct abpf_helper packet_list[TABLE_SIZE] = {
	MAP_HELPERS,
	[BPF_FUNC_skb_load_bytes] = { "bpf_skb_load_bytes",
		abpf_h_skb_load_bytes, 0, 4, &proto_skb_load_bytes },
};

static const struct abpf_helper kprobe_list[TABLE_SIZE] = {
	MAP_HELPERS,
	[BPF_FUNC_get_current_pid_tgid] = { "bpf_get_current_pid_tgid",
		abpf_host_get_current_pid_tgid, 0, 0, &proto_void_int },
	[BPF_FUNC_get_current_comm] = { "bpf_get_current_comm",
		abpf_host_get_current_comm, 0, 2, &proto_get_current_comm },
	[BPF_FUNC_probe_read_kernel] = { "bpf_probe_read_kernel",
		abpf_host_probe_read_kernel, 0, 3, &proto_probe_read_kernel },
};

const struct abpf_helper_table abpf_mem_map_helpers = {
	.count = TABLE_SIZE, .helpers = mem_list,
};
const struct abpf_helper_table abpf_packet_helpers = {
	.count = TABLE_SIZE, .helpers = packet_list,
};
const struct abpf_helper_table abpf_kprobe_helpers = {
	.count = TABLE_SIZE, .helpers = kprobe_list,
};
