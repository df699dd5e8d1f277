// SPDX-License-Identifier: GPL-2.0
/*
 * ringbuf_events - an event stream through a BPF_MAP_TYPE_RINGBUF map,
 * read by `altbpf map consume ID` (mmap + poll of the map fd).
 *
 * Each event is a struct event.  seq counts the events written (stats[0]);
 * a full ring is counted in stats[1] (dropped), so produced = consumed +
 * dropped.  Two producers:
 *  - kprobe/do_nanosleep: one event per nanosleep (pid, comm);
 *  - socket/emit: one event per BPF_PROG_TEST_RUN (`altbpf prog run ID
 *    --data-hex ...`), tag = the packet's first 4 bytes, big-endian.
 * Built with -mcpu=v3 (atomic fetch-and-add for seq).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "altbpf_ctx.h"

struct event {
	__u64 seq;		/* 0, 1, 2, ...: the order of the writes */
	__u64 ts_ns;		/* bpf_ktime_get_ns() */
	__u32 pid;		/* tgid, 0 for socket/emit */
	__u32 tag;		/* socket/emit: packet bytes 0-3 */
	char comm[16];		/* kprobe: the task's comm */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} stats SEC(".maps");

static __attribute__((noinline)) int count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &which);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("kprobe/do_nanosleep")
int emit_sleep(void *regs)
{
	__u32 zero = 0;
	__u64 *seq = bpf_map_lookup_elem(&stats, &zero);
	struct event *e;
	char comm[16];

	if (!seq)
		return 0;
	bpf_get_current_comm(comm, sizeof(comm));
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return count(1);
	e->seq = __sync_fetch_and_add(seq, 1);
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->tag = 0;
	__builtin_memcpy(e->comm, comm, sizeof(comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("socket/emit")
int emit(struct altbpf_pkt_ctx *skb)
{
	__u32 zero = 0, tag = load_word(skb, 0);
	__u64 *seq = bpf_map_lookup_elem(&stats, &zero);
	struct event *e;

	if (!seq)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return count(1);
	e->seq = __sync_fetch_and_add(seq, 1);
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = 0;
	e->tag = tag;
	__builtin_memset(e->comm, 0, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 1;
}

char _license[] SEC("license") = "GPL";
