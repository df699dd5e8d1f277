/* SPDX-License-Identifier: GPL-2.0 */
/*
 * torture_lib.h - /dev/altbpf helpers shared by the in-guest reliability
 * drivers (torture.c, hostile_abi.c): raw calls, program and map
 * creation, TAP output (docs/reliability.md).
 */
#ifndef ALTBPF_TORTURE_LIB_H
#define ALTBPF_TORTURE_LIB_H

#include <linux/bpf.h>
#include <stddef.h>

#include "altbpf.h"
#include "insn_build.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define offsetofend(TYPE, MEMBER) \
	(offsetof(TYPE, MEMBER) + sizeof(((TYPE *)0)->MEMBER))
#define PTR64(p)	((__u64)(unsigned long)(p))

/* ioctl(ALTBPF_IOC_BPF) with call.size = @size; -1 + errno on error. */
int tl_call(int dev, int cmd, const void *attr, unsigned int size);
/* The same with size = sizeof(union bpf_attr). */
int tl_bpf(int dev, int cmd, union bpf_attr *attr);

/* BPF_PROG_LOAD; @log (may be NULL) receives the checker log. */
int tl_load(int dev, __u32 type, const struct bpf_insn *insns, __u32 cnt,
	    char *log, __u32 log_size);
int tl_map_create(int dev, __u32 type, __u32 key, __u32 value, __u32 max);
int tl_map_update(int dev, int map_fd, const void *key, const void *value,
		  __u64 flags);
int tl_map_lookup(int dev, int map_fd, const void *key, void *value);
int tl_map_delete(int dev, int map_fd, const void *key);
/* BPF_PROG_TEST_RUN of @fd on @engine over @len bytes; r0 in *@r0. */
int tl_test_run(int dev, int fd, __u32 engine, void *data, __u32 len,
		__u64 *r0);
/* BPF_OBJ_GET_INFO_BY_FD into @info (@len bytes). */
int tl_prog_info(int dev, int fd, struct bpf_prog_info *info);
/* Kprobe (@ret: kretprobe) / netfilter IPv4 links. */
int tl_attach_kprobe(int dev, int prog_fd, const char *sym, int ret);
int tl_attach_nf(int dev, int prog_fd, __u32 hooknum, int priority);
/* BPF_LINK_DETACH on a link fd. */
int tl_detach_fd(int dev, int link_fd);

/* Read a "key value" field of /sys/kernel/debug/altbpf/stats (-1: none). */
long long tl_stat(const char *key);

/* TAP: ok/not ok lines, counted for tl_tap_done(). */
void tl_ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Expect -1 with @err from @ret (a call's result). */
void tl_expect_errno(int ret, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "SUITE: N passed, M failed"; returns the exit status. */
int tl_tap_done(const char *suite);
int tl_failed(void);
/* Counts so far; add counts made in a child process. */
void tl_counts(int *n, int *failed);
void tl_merge(int n, int failed);

#endif /* ALTBPF_TORTURE_LIB_H */
