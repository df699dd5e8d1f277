// SPDX-License-Identifier: GPL-2.0
/*
 * torture_lib.c - /dev/altbpf helpers for the reliability drivers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/netfilter.h>

#include "torture_lib.h"

#define STATS_FILE	"/sys/kernel/debug/altbpf/stats"

static int tap_n, tap_fail;

int tl_call(int dev, int cmd, const void *attr, unsigned int size)
{
	struct altbpf_call call = {
		.cmd = cmd, .size = size, .attr = PTR64(attr),
	};

	return ioctl(dev, ALTBPF_IOC_BPF, &call);
}

int tl_bpf(int dev, int cmd, union bpf_attr *attr)
{
	return tl_call(dev, cmd, attr, sizeof(*attr));
}

int tl_load(int dev, __u32 type, const struct bpf_insn *insns, __u32 cnt,
	    char *log, __u32 log_size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = PTR64(insns);
	attr.insn_cnt = cnt;
	attr.license = PTR64("GPL");
	if (log) {
		log[0] = 0;
		attr.log_buf = PTR64(log);
		attr.log_size = log_size;
		attr.log_level = 1;
	}
	return tl_bpf(dev, BPF_PROG_LOAD, &attr);
}

int tl_map_create(int dev, __u32 type, __u32 key, __u32 value, __u32 max)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key;
	attr.value_size = value;
	attr.max_entries = max;
	return tl_bpf(dev, BPF_MAP_CREATE, &attr);
}

static int map_elem(int dev, int cmd, int map_fd, const void *key,
		    const void *value, __u64 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	attr.key = PTR64(key);
	attr.value = PTR64(value);
	attr.flags = flags;
	return tl_bpf(dev, cmd, &attr);
}

int tl_map_update(int dev, int map_fd, const void *key, const void *value,
		  __u64 flags)
{
	return map_elem(dev, BPF_MAP_UPDATE_ELEM, map_fd, key, value, flags);
}

int tl_map_lookup(int dev, int map_fd, const void *key, void *value)
{
	return map_elem(dev, BPF_MAP_LOOKUP_ELEM, map_fd, key, value, 0);
}

int tl_map_delete(int dev, int map_fd, const void *key)
{
	return map_elem(dev, BPF_MAP_DELETE_ELEM, map_fd, key, NULL, 0);
}

int tl_test_run(int dev, int fd, __u32 engine, void *data, __u32 len,
		__u64 *r0)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = PTR64(data);
	attr.test.data_size_in = len;
	attr.test.flags = ALTBPF_TEST_RUN_ENGINE(engine) |
			  ALTBPF_TEST_RUN_R0_OUT;
	attr.test.ctx_out = PTR64(r0);
	attr.test.ctx_size_out = sizeof(*r0);
	err = tl_bpf(dev, BPF_PROG_TEST_RUN, &attr);
	return err;
}

int tl_prog_info(int dev, int fd, struct bpf_prog_info *info)
{
	union bpf_attr attr;

	memset(info, 0, sizeof(*info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info = PTR64(info);
	attr.info.info_len = sizeof(*info);
	return tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr);
}

int tl_attach_kprobe(int dev, int prog_fd, const char *sym, int ret)
{
	__u64 symp = PTR64(sym);
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	attr.link_create.kprobe_multi.syms = PTR64(&symp);
	attr.link_create.kprobe_multi.cnt = 1;
	if (ret)
		attr.link_create.kprobe_multi.flags = BPF_F_KPROBE_MULTI_RETURN;
	return tl_bpf(dev, BPF_LINK_CREATE, &attr);
}

int tl_attach_nf(int dev, int prog_fd, __u32 hooknum, int priority)
{
	struct altbpf_link_netfilter nf = {
		.pf = NFPROTO_IPV4, .hooknum = hooknum, .priority = priority,
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.attach_type = ALTBPF_ATTACH_NETFILTER;
	memcpy(ALTBPF_LINK_NETFILTER(&attr), &nf, sizeof(nf));
	return tl_bpf(dev, BPF_LINK_CREATE, &attr);
}

int tl_detach_fd(int dev, int link_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_detach.link_fd = link_fd;
	return tl_bpf(dev, BPF_LINK_DETACH, &attr);
}

long long tl_stat(const char *key)
{
	FILE *f = fopen(STATS_FILE, "r");
	char k[64];
	long long v, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", k, &v) == 2)
		if (!strcmp(k, key))
			found = v;
	fclose(f);
	return found;
}

static void tap_vline(int cond, const char *fmt, va_list ap)
{
	tap_n++;
	if (!cond)
		tap_fail++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

void tl_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(cond, fmt, ap);
	va_end(ap);
}

void tl_expect_errno(int ret, int err, const char *fmt, ...)
{
	int got = ret < 0 ? errno : 0;
	va_list ap;

	va_start(ap, fmt);
	tap_vline(ret < 0 && got == err, fmt, ap);
	va_end(ap);
	if (ret >= 0 || got != err)
		printf("#   expected errno %d (%s), got %s\n", err,
		       strerror(err), ret >= 0 ? "success" : strerror(got));
}

int tl_tap_done(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, tap_n - tap_fail, tap_fail);
	fflush(stdout);
	return tap_fail ? 1 : 0;
}

int tl_failed(void)
{
	return tap_fail;
}

void tl_counts(int *n, int *failed)
{
	*n = tap_n;
	*failed = tap_fail;
}

void tl_merge(int n, int failed)
{
	tap_n += n;
	tap_fail += failed;
}
