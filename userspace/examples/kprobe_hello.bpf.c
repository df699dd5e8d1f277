// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe_hello - "hello, world" from a kprobe: every call of
 * do_nanosleep() (one per sleep(1) run) adds 1 to calls[0] and prints
 * "hello, world" through bpf_trace_printk (read with `altbpf trace`).
 *
 *	altbpf prog load kprobe_hello.bpf.o --attach
 *	sleep 1; altbpf map dump ID; altbpf trace; altbpf prog detach ID
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} calls SEC(".maps");

SEC("kprobe/do_nanosleep")
int hello(void *regs)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&calls, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
	bpf_printk("hello, world");
	return 0;
}

char _license[] SEC("license") = "GPL";
