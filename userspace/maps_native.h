/* SPDX-License-Identifier: GPL-2.0 */
/*
 * maps_native.h - native maps (userspace/maps_native.c): the core's map
 * interface (module/core/maps.h) on the module's map code (module/maps/,
 * compiled through userspace/kcompat/), an in-process fd table and
 * bpf(2)-like calls, for the native tests and tools.
 */
#ifndef ALTBPF_MAPS_NATIVE_H
#define ALTBPF_MAPS_NATIVE_H

#include "maps.h"

#define ABPF_NATIVE_NR_CPUS	4

/* The "CPU" the calling thread runs programs on (0..NR_CPUS-1). */
extern __thread u32 abpf_native_cpu;

/* BPF_MAP_CREATE (map_type, key_size, value_size, max_entries, map_flags,
 * map_name): a map fd (>= 1000), or -errno. */
int abpf_native_map_create(const union bpf_attr *attr);
/* The same from the five fields tests and tools set. */
int abpf_native_map_new(u32 type, u32 key_size, u32 value_size,
			u32 max_entries, u32 flags);
int abpf_native_map_close(int fd);		/* drops the fd's reference */
struct abpf_map *abpf_native_map_get(int fd);	/* new reference or NULL */
extern const struct abpf_map_resolver abpf_native_resolver;

/* Syscall-side operations, bpf(2) semantics (0 or -errno).  Per-CPU maps
 * take/give ABPF_NATIVE_NR_CPUS values, each rounded up to 8 bytes. */
int abpf_native_map_lookup(int fd, const void *key, void *value);
int abpf_native_map_update(int fd, const void *key, const void *value,
			   u64 flags);
int abpf_native_map_delete(int fd, const void *key);
int abpf_native_map_get_next_key(int fd, const void *key, void *next);
/* prog arrays: value = a checked, prepared program (NULL: clear). */
int abpf_native_prog_array_set(int fd, u32 index, struct abpf_prog *prog);
/* ringbuf: call fn for each submitted record, return how many. */
int abpf_native_ringbuf_consume(int fd, void (*fn)(const void *data,
						  u32 len, void *arg),
				void *arg);
/* Number of live native maps (leak checks). */
int abpf_native_maps_live(void);
/* bpf_trace_printk lines since the last call (NUL-separated, reset). */
const char *abpf_native_trace_take(u32 *len);

#endif /* ALTBPF_MAPS_NATIVE_H */
