// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_abi - /dev/altbpf under hostile use, run as root in the test VM
 * with the module loaded (scripts/torture-tests, docs/reliability.md):
 *
 *  - framing: bad ioctl numbers, unmapped/kernel/straddling pointers,
 *    sizes 0, 1, > sizeof(union bpf_attr), > PAGE_SIZE, non-zero tails;
 *  - every command with boundary values and non-zero reserved fields,
 *    asserting the errno docs/abi.md gives;
 *  - wrong fd types and closed fds for every fd-taking field;
 *  - random attr structs for every command (only documented errnos);
 *  - no kernel address in what userspace can read (prog info, xlated
 *    and jited dumps, debugfs, module parameters);
 *  - an unprivileged user (uid 65534, no capabilities): the device's
 *    mode, EPERM for every command, a restricted prog info.
 *
 *   altbpf-hostile-abi [--iterations N] [--seed S]
 *
 * TAP lines, then "hostile-abi: N passed, M failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>
#include <linux/capability.h>
#include <linux/netfilter.h>

#include "torture_lib.h"

#define PAGE		4096
#define NOBODY		65534
#define KERNEL_TEXT	0xffffffff81000000ULL
#define DEBUGFS_DIR	"/sys/kernel/debug/altbpf"
#define PARAMS_DIR	"/sys/module/altbpf/parameters"
#define MEM_LIMIT	PARAMS_DIR "/altbpf_maps_mem_limit"

static int dev;
/* fixtures */
static int prog_fd, map_prog_fd, kprobe_fd, pkt_fd, hash_fd, array_fd;
static int link_fd, event_fd, closed_fd;
/* an address with nothing mapped, and a page followed by a hole */
static char *hole;
static char *edge;	/* edge + PAGE is unmapped */

static unsigned long long rnd_state;

static unsigned long long rnd(void)
{
	/* xorshift64*: reproducible from --seed */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ULL;
}

static const struct bpf_insn ret42[] = {
	ABPF_MOV64_IMM(0, 42),
	ABPF_EXIT(),
};

static void setup(void)
{
	struct bpf_insn map_prog[] = {
		ABPF_LD_IMM64_RAW(1, BPF_PSEUDO_MAP_FD, 0),
		ABPF_MOV64_IMM(0, 1),
		ABPF_EXIT(),
	};
	char *p;

	dev = open(ALTBPF_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		perror(ALTBPF_DEVICE);
		exit(1);
	}
	p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		exit(1);
	munmap(p + PAGE, PAGE);
	munmap(p + 2 * PAGE, PAGE);
	edge = p;
	hole = p + 2 * PAGE;

	prog_fd = tl_load(dev, ALTBPF_PROG_TYPE_MEM, ret42, 2, NULL, 0);
	kprobe_fd = tl_load(dev, BPF_PROG_TYPE_KPROBE, ret42, 2, NULL, 0);
	pkt_fd = tl_load(dev, BPF_PROG_TYPE_SOCKET_FILTER, ret42, 2, NULL, 0);
	hash_fd = tl_map_create(dev, BPF_MAP_TYPE_HASH, 4, 8, 16);
	array_fd = tl_map_create(dev, BPF_MAP_TYPE_ARRAY, 4, 8, 4);
	map_prog[0].imm = array_fd;
	map_prog_fd = tl_load(dev, ALTBPF_PROG_TYPE_MEM, map_prog,
			      ARRAY_LEN(map_prog), NULL, 0);
	/* a netfilter link that accepts everything */
	link_fd = tl_attach_nf(dev, pkt_fd, NF_INET_LOCAL_OUT, 0);
	event_fd = eventfd(0, EFD_CLOEXEC);
	closed_fd = eventfd(0, EFD_CLOEXEC);
	close(closed_fd);
	tl_ok(prog_fd >= 0 && kprobe_fd >= 0 && pkt_fd >= 0 && hash_fd >= 0 &&
	      array_fd >= 0 && map_prog_fd >= 0 && link_fd >= 0 &&
	      event_fd >= 0, "fixtures: programs, maps, a link");
}

/* An attr copy placed so that it ends exactly where the hole starts. */
static union bpf_attr *at_edge(const union bpf_attr *attr, size_t n)
{
	char *dst = edge + PAGE - n;

	memcpy(dst, attr, n);
	return (union bpf_attr *)dst;
}

static int ioctl_call(unsigned int cmd, __u32 bpf_cmd, __u32 size, __u64 ptr)
{
	struct altbpf_call call = { .cmd = bpf_cmd, .size = size, .attr = ptr };

	return ioctl(dev, cmd, &call);
}

static void test_framing(void)
{
	static char big[2 * PAGE];
	union bpf_attr attr;
	struct stat st;

	tl_ok(!stat(ALTBPF_DEVICE, &st) && (st.st_mode & 0777) == 0600 &&
	      S_ISCHR(st.st_mode), "device node is a char device, mode 0600");
	tl_expect_errno(ioctl(dev, _IO('B', 0x02), 0), ENOTTY,
			"unknown ioctl number: ENOTTY");
	tl_expect_errno(ioctl(dev, _IOW('X', 0x01, struct altbpf_call), 0),
			ENOTTY, "foreign ioctl type: ENOTTY");
	tl_expect_errno(ioctl(dev, ALTBPF_IOC_BPF, NULL), EFAULT,
			"NULL struct altbpf_call: EFAULT");
	tl_expect_errno(ioctl(dev, ALTBPF_IOC_BPF, hole), EFAULT,
			"unmapped struct altbpf_call: EFAULT");
	tl_expect_errno(ioctl(dev, ALTBPF_IOC_BPF, edge + PAGE - 8), EFAULT,
			"struct altbpf_call straddling a hole: EFAULT");
	tl_expect_errno(ioctl(dev, ALTBPF_IOC_BPF, (void *)KERNEL_TEXT),
			EFAULT, "kernel-address struct altbpf_call: EFAULT");
	tl_expect_errno(ioctl_call(ALTBPF_IOC_BPF, BPF_PROG_GET_NEXT_ID,
				   sizeof(attr), PTR64(hole)), EFAULT,
			"unmapped attr: EFAULT");
	tl_expect_errno(ioctl_call(ALTBPF_IOC_BPF, BPF_PROG_GET_NEXT_ID,
				   sizeof(attr), KERNEL_TEXT), EFAULT,
			"kernel-address attr: EFAULT");
	memset(&attr, 0, sizeof(attr));
	tl_expect_errno(ioctl_call(ALTBPF_IOC_BPF, BPF_PROG_GET_NEXT_ID,
				   sizeof(attr) + 8,
				   PTR64(at_edge(&attr, sizeof(attr)))),
			EFAULT, "attr whose zero tail runs into a hole: EFAULT");
	tl_expect_errno(ioctl_call(ALTBPF_IOC_BPF, BPF_PROG_GET_NEXT_ID,
				   PAGE + 1, PTR64(big)), E2BIG,
			"size PAGE_SIZE + 1: E2BIG");
	tl_expect_errno(ioctl_call(ALTBPF_IOC_BPF, BPF_PROG_GET_NEXT_ID,
				   UINT32_MAX, PTR64(big)), E2BIG,
			"size 4 GiB - 1: E2BIG");
	memset(big, 0, sizeof(big));
	((union bpf_attr *)big)->start_id = INT32_MAX;
	big[PAGE - 1] = 1;
	tl_expect_errno(ioctl_call(ALTBPF_IOC_BPF, BPF_PROG_GET_NEXT_ID, PAGE,
				   PTR64(big)), E2BIG,
			"size PAGE_SIZE with a non-zero tail: E2BIG");
	big[PAGE - 1] = 0;
	tl_expect_errno(ioctl_call(ALTBPF_IOC_BPF, BPF_PROG_GET_NEXT_ID, PAGE,
				   PTR64(big)), ENOENT,
			"size PAGE_SIZE, zero tail: accepted (ENOENT past the last id)");
	tl_expect_errno(ioctl_call(ALTBPF_IOC_BPF, BPF_PROG_LOAD, 0, 0), EINVAL,
			"PROG_LOAD with size 0 (all fields zero): EINVAL");
	tl_expect_errno(ioctl_call(ALTBPF_IOC_BPF, BPF_PROG_LOAD, 0,
				   PTR64(hole)), EINVAL,
			"size 0 never reads the attr pointer: EINVAL, not EFAULT");
	for (__u32 cmd = 0; cmd < 64; cmd++) {
		static const __u32 known[] = {
			BPF_PROG_LOAD, BPF_PROG_TEST_RUN,
			BPF_OBJ_GET_INFO_BY_FD, BPF_MAP_CREATE,
			BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM,
			BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY,
			BPF_MAP_GET_NEXT_ID, BPF_PROG_GET_NEXT_ID,
			BPF_MAP_GET_FD_BY_ID, BPF_PROG_GET_FD_BY_ID,
			BPF_LINK_CREATE, BPF_LINK_DETACH,
		};
		int skip = 0;

		for (unsigned int k = 0; k < ARRAY_LEN(known); k++)
			skip |= known[k] == cmd;
		if (skip)
			continue;
		memset(&attr, 0, sizeof(attr));
		tl_expect_errno(tl_bpf(dev, cmd, &attr), EINVAL,
				"unsupported command %u: EINVAL", cmd);
	}
	memset(&attr, 0, sizeof(attr));
	tl_expect_errno(tl_bpf(dev, UINT32_MAX, &attr), EINVAL,
			"command 0xffffffff: EINVAL");
}

static void load_attr(union bpf_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->prog_type = ALTBPF_PROG_TYPE_MEM;
	attr->insns = PTR64(ret42);
	attr->insn_cnt = 2;
	attr->license = PTR64("GPL");
}

static void expect_load(union bpf_attr *attr, int err, const char *what)
{
	int fd = tl_bpf(dev, BPF_PROG_LOAD, attr);

	tl_expect_errno(fd, err, "PROG_LOAD %s: %s", what, strerror(err));
	if (fd >= 0)
		close(fd);
}

/*
 * One field of the baseline PROG_LOAD attr changed, and the errno that must
 * come back: the reserved fields, limits and bad pointers.
 */
enum field_val { VAL_NUM, VAL_HOLE, VAL_KERNEL };

struct field_case {
	const char *what;
	size_t off, size;		/* the field in union bpf_attr */
	enum field_val kind;
	u64 val;			/* VAL_NUM */
	int err;
};

#define ATTR_FIELD(f, k, v, e, w) {					\
	.what = w, .off = offsetof(union bpf_attr, f),			\
	.size = sizeof(((union bpf_attr *)0)->f), .kind = k, .val = v,	\
	.err = e }

static const struct field_case load_cases[] = {
	ATTR_FIELD(prog_type, VAL_NUM, 0, EINVAL, "prog_type 0"),
	ATTR_FIELD(prog_type, VAL_NUM, ALTBPF_PROG_TYPE_BASE + 99, EINVAL,
		   "unknown altbpf prog_type"),
	ATTR_FIELD(prog_type, VAL_NUM, UINT32_MAX, EINVAL, "prog_type 0xffffffff"),
	ATTR_FIELD(insn_cnt, VAL_NUM, 0, EINVAL, "insn_cnt 0"),
	ATTR_FIELD(insn_cnt, VAL_NUM, ABPF_MAX_INSNS + 1, E2BIG,
		   "insn_cnt limit + 1"),
	ATTR_FIELD(insn_cnt, VAL_NUM, UINT32_MAX, E2BIG, "insn_cnt 0xffffffff"),
	ATTR_FIELD(insn_cnt, VAL_NUM, ABPF_MAX_INSNS, EFAULT,
		   "insn_cnt at the limit over a 2-insn buffer"),
	ATTR_FIELD(insns, VAL_NUM, 0, EFAULT, "NULL insns"),
	ATTR_FIELD(insns, VAL_HOLE, 0, EFAULT, "unmapped insns"),
	ATTR_FIELD(insns, VAL_KERNEL, 0, EFAULT, "kernel-address insns"),
	ATTR_FIELD(license, VAL_HOLE, 0, EFAULT, "unmapped license"),
	ATTR_FIELD(prog_flags, VAL_NUM, 1, EINVAL, "prog_flags 1"),
	ATTR_FIELD(kern_version, VAL_NUM, 1, EINVAL, "kern_version 1"),
	ATTR_FIELD(prog_ifindex, VAL_NUM, 1, EINVAL, "prog_ifindex 1 (reserved)"),
	ATTR_FIELD(expected_attach_type, VAL_NUM, 1, EINVAL,
		   "expected_attach_type 1 (reserved)"),
	ATTR_FIELD(prog_btf_fd, VAL_NUM, 1, EINVAL, "prog_btf_fd 1 (reserved)"),
};

static void set_field(union bpf_attr *attr, const struct field_case *c)
{
	u64 v = c->kind == VAL_HOLE ? PTR64(hole) :
		c->kind == VAL_KERNEL ? KERNEL_TEXT : c->val;
	u32 v32 = v;

	if (c->size == sizeof(v))
		memcpy((char *)attr + c->off, &v, sizeof(v));
	else
		memcpy((char *)attr + c->off, &v32, sizeof(v32));
}

static void test_prog_load(void)
{
	static char log[PAGE];
	union bpf_attr attr;
	char *lic;
	size_t i;
	int fd;

	load_attr(&attr);
	fd = tl_bpf(dev, BPF_PROG_LOAD, &attr);
	tl_ok(fd >= 0, "PROG_LOAD baseline loads");
	close(fd);
	/* the truncated struct: up to insns, so insn_cnt reads as 0 */
	fd = tl_call(dev, BPF_PROG_LOAD, &attr,
		     offsetof(union bpf_attr, insn_cnt));
	tl_expect_errno(fd, EINVAL, "PROG_LOAD truncated before insn_cnt: EINVAL");
	fd = tl_call(dev, BPF_PROG_LOAD, &attr,
		     offsetofend(union bpf_attr, license));
	tl_ok(fd >= 0, "PROG_LOAD truncated after license (older caller) loads");
	if (fd >= 0)
		close(fd);

	for (i = 0; i < ARRAY_SIZE(load_cases); i++) {
		load_attr(&attr);
		set_field(&attr, &load_cases[i]);
		expect_load(&attr, load_cases[i].err, load_cases[i].what);
	}
	load_attr(&attr);
	memcpy(edge + PAGE - sizeof(ret42[0]), ret42, sizeof(ret42[0]));
	attr.insns = PTR64(edge + PAGE - sizeof(ret42[0]));
	expect_load(&attr, EFAULT, "insns running into a hole");

	load_attr(&attr);
	lic = edge + PAGE - 3;
	memcpy(lic, "GPL", 3);		/* no NUL before the hole */
	attr.license = PTR64(lic);
	expect_load(&attr, EFAULT, "license without NUL before a hole");
	lic = edge + PAGE - 200;
	memset(lic, 'A', 199);
	lic[199] = 0;
	attr.license = PTR64(lic);
	expect_load(&attr, EINVAL, "199-byte license");
	lic[127] = 0;
	attr.license = PTR64(lic);
	fd = tl_bpf(dev, BPF_PROG_LOAD, &attr);
	tl_ok(fd >= 0, "127-byte license loads");
	if (fd >= 0)
		close(fd);

	load_attr(&attr);
	attr.log_level = 3;
	attr.log_buf = PTR64(log);
	attr.log_size = sizeof(log);
	expect_load(&attr, EINVAL, "log_level 3");
	attr.log_level = 1;
	attr.log_size = 127;
	expect_load(&attr, EINVAL, "log_size 127");
	attr.log_size = (16U << 20) + 1;
	expect_load(&attr, EINVAL, "log_size 16 MiB + 1");
	attr.log_size = sizeof(log);
	attr.log_buf = 0;
	expect_load(&attr, EINVAL, "log_size without log_buf");
	attr.log_buf = PTR64(hole);
	expect_load(&attr, EFAULT, "unmapped log_buf");
	attr.log_buf = KERNEL_TEXT;
	expect_load(&attr, EFAULT, "kernel-address log_buf");
	attr.log_buf = PTR64(log);
	attr.log_size = 128;
	attr.log_level = 2;
	expect_load(&attr, ENOSPC, "level-2 log in 128 bytes");
	tl_ok(strlen(log) == 127, "truncated log is NUL-terminated at 127 bytes");

	load_attr(&attr);
	memcpy(attr.prog_name, "bad name", 9);
	expect_load(&attr, EINVAL, "prog_name with a space");
	memset(attr.prog_name, 'a', sizeof(attr.prog_name));
	expect_load(&attr, EINVAL, "prog_name without NUL");
}

static int test_run(int fd, union bpf_attr *attr)
{
	attr->test.prog_fd = fd;
	return tl_bpf(dev, BPF_PROG_TEST_RUN, attr);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_test_run(void)
{
	static char data[(64 << 10) + 1];
	char out[8];
	union bpf_attr attr;
	__u64 r0 = 0;

	tl_ok(!tl_test_run(dev, prog_fd, ALTBPF_ENGINE_INTERP, data, 8, &r0) &&
	      r0 == 42, "TEST_RUN baseline: r0 = 42");
	memset(&attr, 0, sizeof(attr));
	tl_expect_errno(test_run(closed_fd, &attr), EBADF, "TEST_RUN closed fd: EBADF");
	tl_expect_errno(test_run(-1, &attr), EBADF, "TEST_RUN fd -1: EBADF");
	tl_expect_errno(test_run(event_fd, &attr), EINVAL, "TEST_RUN eventfd: EINVAL");
	tl_expect_errno(test_run(dev, &attr), EINVAL, "TEST_RUN device fd: EINVAL");
	tl_expect_errno(test_run(hash_fd, &attr), EINVAL, "TEST_RUN map fd: EINVAL");
	tl_expect_errno(test_run(link_fd, &attr), EINVAL, "TEST_RUN link fd: EINVAL");
	tl_expect_errno(test_run(kprobe_fd, &attr), EOPNOTSUPP,
			"TEST_RUN kprobe program: EOPNOTSUPP");

	memset(&attr, 0, sizeof(attr));
	attr.test.data_in = PTR64(data);
	attr.test.data_size_in = sizeof(data);
	tl_expect_errno(test_run(prog_fd, &attr), EINVAL, "TEST_RUN 64 KiB + 1 of data: EINVAL");
	attr.test.data_size_in = sizeof(data) - 1;
	tl_ok(!test_run(prog_fd, &attr), "TEST_RUN 64 KiB of data");
	attr.test.data_in = PTR64(hole);
	attr.test.data_size_in = 8;
	tl_expect_errno(test_run(prog_fd, &attr), EFAULT, "TEST_RUN unmapped data_in: EFAULT");
	attr.test.data_in = PTR64(edge + PAGE - 4);
	tl_expect_errno(test_run(prog_fd, &attr), EFAULT, "TEST_RUN data_in into a hole: EFAULT");
	attr.test.data_in = PTR64(data);
	attr.test.data_out = PTR64(hole);
	tl_expect_errno(test_run(prog_fd, &attr), EFAULT, "TEST_RUN unmapped data_out: EFAULT");
	attr.test.data_out = PTR64(out);
	attr.test.data_size_in = 16;
	attr.test.data_size_out = 4;
	tl_expect_errno(test_run(prog_fd, &attr), ENOSPC, "TEST_RUN data_size_out too small: ENOSPC");
	tl_ok(attr.test.data_size_out == 16 && attr.test.retval == 42,
	      "ENOSPC still reports data_size_out and retval");

	memset(&attr, 0, sizeof(attr));
	attr.test.flags = 1;
	tl_expect_errno(test_run(prog_fd, &attr), EINVAL, "TEST_RUN flags bit 0: EINVAL");
	attr.test.flags = ALTBPF_TEST_RUN_ENGINE(5);
	tl_expect_errno(test_run(prog_fd, &attr), EINVAL, "TEST_RUN engine 5: EINVAL");
	attr.test.flags = ALTBPF_TEST_RUN_ENGINE(255);
	tl_expect_errno(test_run(prog_fd, &attr), EINVAL, "TEST_RUN engine 255: EINVAL");
	attr.test.flags = 0;
	attr.test.ctx_in = PTR64(data);
	tl_expect_errno(test_run(prog_fd, &attr), EINVAL, "TEST_RUN ctx_in: EINVAL");
	attr.test.ctx_in = 0;
	attr.test.ctx_size_in = 8;
	tl_expect_errno(test_run(prog_fd, &attr), EINVAL, "TEST_RUN ctx_size_in: EINVAL");
	attr.test.ctx_size_in = 0;
	attr.test.cpu = 1;
	tl_expect_errno(test_run(prog_fd, &attr), EINVAL, "TEST_RUN cpu 1: EINVAL");
	attr.test.cpu = 0;
	attr.test.batch_size = 1;
	tl_expect_errno(test_run(prog_fd, &attr), EINVAL, "TEST_RUN batch_size 1: EINVAL");
	attr.test.batch_size = 0;
	attr.test.ctx_out = PTR64(&r0);
	tl_expect_errno(test_run(prog_fd, &attr), EINVAL, "TEST_RUN ctx_out without R0_OUT: EINVAL");
	attr.test.flags = ALTBPF_TEST_RUN_R0_OUT;
	attr.test.ctx_size_out = 4;
	tl_expect_errno(test_run(prog_fd, &attr), EINVAL, "TEST_RUN R0_OUT with 4 bytes: EINVAL");
	attr.test.ctx_size_out = 8;
	attr.test.ctx_out = PTR64(hole);
	tl_expect_errno(test_run(prog_fd, &attr), EFAULT, "TEST_RUN R0_OUT unmapped: EFAULT");
	attr.test.ctx_out = KERNEL_TEXT;
	tl_expect_errno(test_run(prog_fd, &attr), EFAULT, "TEST_RUN R0_OUT kernel address: EFAULT");

	/* repeat 2^32 - 1: a signal must end it (EINTR), not the watchdog */
	memset(&attr, 0, sizeof(attr));
	attr.test.repeat = UINT32_MAX;
	sigaction(SIGALRM, &(struct sigaction){ .sa_handler = on_alarm },
		  NULL);
	alarm(2);
	tl_expect_errno(test_run(prog_fd, &attr), EINTR,
			"TEST_RUN repeat 0xffffffff stopped by a signal: EINTR");
	alarm(0);
}

static void test_info(void)
{
	struct { struct bpf_prog_info info; __u64 tail; } big;
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = prog_fd;
	attr.info.info = PTR64(&info);
	attr.info.info_len = sizeof(info);
	tl_ok(!tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr), "GET_INFO baseline");
	attr.info.bpf_fd = closed_fd;
	tl_expect_errno(tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr), EBADF, "GET_INFO closed fd: EBADF");
	attr.info.bpf_fd = event_fd;
	tl_expect_errno(tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr), EINVAL, "GET_INFO eventfd: EINVAL");
	attr.info.bpf_fd = link_fd;
	tl_expect_errno(tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr), EINVAL, "GET_INFO link fd: EINVAL");
	attr.info.bpf_fd = prog_fd;
	attr.info.info = PTR64(hole);
	tl_expect_errno(tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr), EFAULT, "GET_INFO unmapped info: EFAULT");
	attr.info.info = KERNEL_TEXT;
	tl_expect_errno(tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr), EFAULT, "GET_INFO kernel-address info: EFAULT");
	memset(&big, 0, sizeof(big));
	big.tail = 1;
	attr.info.info = PTR64(&big);
	attr.info.info_len = sizeof(big);
	tl_expect_errno(tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr), E2BIG, "GET_INFO larger struct, non-zero tail: E2BIG");
	big.tail = 0;
	tl_ok(!tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr) &&
	      attr.info.info_len == sizeof(info),
	      "GET_INFO larger struct, zero tail: info_len = sizeof");
	attr.info.info_len = 0;
	tl_ok(!tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr) &&
	      attr.info.info_len == 0, "GET_INFO info_len 0: nothing written");
	memset(&info, 0, sizeof(info));
	info.jited_line_info = PTR64(&big);
	info.nr_jited_line_info = 1;
	info.jited_line_info_rec_size = 8;
	attr.info.info = PTR64(&info);
	attr.info.info_len = sizeof(info);
	tl_expect_errno(tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr), EINVAL, "GET_INFO line info rec size 8: EINVAL");
	memset(&info, 0, sizeof(info));
	info.xlated_prog_insns = PTR64(hole);
	info.xlated_prog_len = 16;
	tl_expect_errno(tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr), EFAULT, "GET_INFO unmapped xlated buffer: EFAULT");
	memset(&info, 0, sizeof(info));
	info.jited_prog_insns = KERNEL_TEXT;
	info.jited_prog_len = 16;
	tl_expect_errno(tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr), EFAULT, "GET_INFO kernel-address jited buffer: EFAULT");
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = prog_fd;
	attr.info.info = PTR64(&info);
	attr.info.info_len = sizeof(info);
	((char *)&attr)[offsetofend(union bpf_attr, info)] = 1;
	tl_expect_errno(tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr), EINVAL, "GET_INFO non-zero byte after info: EINVAL");
}

static int map_cmd(int cmd, int fd, const void *key, const void *value,
		   __u64 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = PTR64(key);
	attr.value = PTR64(value);
	attr.flags = flags;
	return tl_bpf(dev, cmd, &attr);
}

static void expect_create(union bpf_attr *attr, int err, const char *what)
{
	int fd = tl_bpf(dev, BPF_MAP_CREATE, attr);

	tl_expect_errno(fd, err, "MAP_CREATE %s: %s", what, strerror(err));
	if (fd >= 0)
		close(fd);
}

static void create_attr(union bpf_attr *attr, __u32 type)
{
	memset(attr, 0, sizeof(*attr));
	attr->map_type = type;
	attr->key_size = 4;
	attr->value_size = 8;
	attr->max_entries = 4;
}

static void test_maps(void)
{
	__u32 key = 1, next;
	__u64 val = 7;
	union bpf_attr attr;

	create_attr(&attr, 0);
	expect_create(&attr, EINVAL, "map_type 0");
	attr.map_type = 1000;
	expect_create(&attr, EINVAL, "map_type 1000");
	create_attr(&attr, BPF_MAP_TYPE_HASH);
	attr.key_size = 513;
	expect_create(&attr, E2BIG, "key_size 513");
	create_attr(&attr, BPF_MAP_TYPE_ARRAY);
	attr.value_size = (1U << 20) + 1;
	expect_create(&attr, E2BIG, "value_size 1 MiB + 1");
	create_attr(&attr, BPF_MAP_TYPE_ARRAY);
	attr.max_entries = (1U << 24) + 1;
	expect_create(&attr, E2BIG, "max_entries 2^24 + 1");
	create_attr(&attr, BPF_MAP_TYPE_ARRAY);
	attr.value_size = 1U << 20;
	attr.max_entries = 1U << 24;
	expect_create(&attr, ENOMEM, "16 TiB array (over the memory budget)");
	create_attr(&attr, BPF_MAP_TYPE_HASH);
	attr.map_flags = 1U << 31;
	expect_create(&attr, EINVAL, "unknown map_flags");
	create_attr(&attr, BPF_MAP_TYPE_HASH);
	attr.inner_map_fd = hash_fd;
	expect_create(&attr, EINVAL, "inner_map_fd (reserved)");
	create_attr(&attr, BPF_MAP_TYPE_HASH);
	attr.numa_node = 1;
	expect_create(&attr, EINVAL, "numa_node (reserved)");
	create_attr(&attr, BPF_MAP_TYPE_HASH);
	attr.btf_fd = 1;
	expect_create(&attr, EINVAL, "btf_fd (reserved)");
	create_attr(&attr, BPF_MAP_TYPE_HASH);
	attr.map_extra = 1;
	expect_create(&attr, EINVAL, "map_extra (reserved)");
	create_attr(&attr, BPF_MAP_TYPE_HASH);
	memcpy(attr.map_name, "bad-name", 9);
	expect_create(&attr, EINVAL, "map_name with '-'");

	tl_expect_errno(map_cmd(BPF_MAP_LOOKUP_ELEM, hash_fd, &key, &val, 0), ENOENT, "LOOKUP missing key: ENOENT");
	tl_expect_errno(map_cmd(BPF_MAP_LOOKUP_ELEM, hash_fd, hole, &val, 0), EFAULT, "LOOKUP unmapped key: EFAULT");
	tl_expect_errno(map_cmd(BPF_MAP_LOOKUP_ELEM, hash_fd, (void *)KERNEL_TEXT, &val, 0), EFAULT, "LOOKUP kernel-address key: EFAULT");
	tl_expect_errno(map_cmd(BPF_MAP_LOOKUP_ELEM, hash_fd, &key, &val, 1), EINVAL, "LOOKUP flags 1: EINVAL");
	tl_ok(!map_cmd(BPF_MAP_UPDATE_ELEM, hash_fd, &key, &val, BPF_ANY), "UPDATE BPF_ANY");
	tl_expect_errno(map_cmd(BPF_MAP_LOOKUP_ELEM, hash_fd, &key, hole, 0), EFAULT, "LOOKUP unmapped value: EFAULT");
	tl_expect_errno(map_cmd(BPF_MAP_UPDATE_ELEM, hash_fd, &key, &val, BPF_NOEXIST), EEXIST, "UPDATE NOEXIST on a present key: EEXIST");
	key = 2;
	tl_expect_errno(map_cmd(BPF_MAP_UPDATE_ELEM, hash_fd, &key, &val, BPF_EXIST), ENOENT, "UPDATE EXIST on a missing key: ENOENT");
	tl_expect_errno(map_cmd(BPF_MAP_UPDATE_ELEM, hash_fd, &key, &val, 4), EINVAL, "UPDATE flags 4: EINVAL");
	tl_expect_errno(map_cmd(BPF_MAP_UPDATE_ELEM, hash_fd, &key, edge + PAGE - 4, BPF_ANY), EFAULT, "UPDATE value into a hole: EFAULT");
	tl_expect_errno(map_cmd(BPF_MAP_DELETE_ELEM, hash_fd, &key, &val, 0), EINVAL, "DELETE with a value pointer: EINVAL");
	tl_expect_errno(map_cmd(BPF_MAP_DELETE_ELEM, hash_fd, &key, NULL, 0), ENOENT, "DELETE missing key: ENOENT");
	key = 4;
	tl_expect_errno(map_cmd(BPF_MAP_UPDATE_ELEM, array_fd, &key, &val, BPF_ANY), E2BIG, "array UPDATE index max_entries: E2BIG");
	tl_expect_errno(map_cmd(BPF_MAP_LOOKUP_ELEM, array_fd, &key, &val, 0), ENOENT, "array LOOKUP index max_entries: ENOENT");
	key = 0;
	tl_expect_errno(map_cmd(BPF_MAP_UPDATE_ELEM, array_fd, &key, &val, BPF_NOEXIST), EEXIST, "array UPDATE NOEXIST: EEXIST");
	tl_expect_errno(map_cmd(BPF_MAP_DELETE_ELEM, array_fd, &key, NULL, 0), EINVAL, "array DELETE: EINVAL");
	tl_ok(!map_cmd(BPF_MAP_GET_NEXT_KEY, hash_fd, NULL, &next, 0) && next == 1, "GET_NEXT_KEY NULL key: the first key");
	key = 1;
	tl_expect_errno(map_cmd(BPF_MAP_GET_NEXT_KEY, hash_fd, &key, &next, 0), ENOENT, "GET_NEXT_KEY of the last key: ENOENT");
	tl_expect_errno(map_cmd(BPF_MAP_GET_NEXT_KEY, hash_fd, NULL, hole, 0), EFAULT, "GET_NEXT_KEY unmapped next_key: EFAULT");

	/* wrong and closed fds in map_fd */
	tl_expect_errno(map_cmd(BPF_MAP_LOOKUP_ELEM, closed_fd, &key, &val, 0), EBADF, "LOOKUP closed fd: EBADF");
	tl_expect_errno(map_cmd(BPF_MAP_LOOKUP_ELEM, -1, &key, &val, 0), EBADF, "LOOKUP fd -1: EBADF");
	tl_expect_errno(map_cmd(BPF_MAP_LOOKUP_ELEM, prog_fd, &key, &val, 0), EINVAL, "LOOKUP program fd: EINVAL");
	tl_expect_errno(map_cmd(BPF_MAP_UPDATE_ELEM, event_fd, &key, &val, 0), EINVAL, "UPDATE eventfd: EINVAL");
	tl_expect_errno(map_cmd(BPF_MAP_DELETE_ELEM, link_fd, &key, NULL, 0), EINVAL, "DELETE link fd: EINVAL");
	tl_expect_errno(map_cmd(BPF_MAP_GET_NEXT_KEY, dev, NULL, &next, 0), EINVAL, "GET_NEXT_KEY device fd: EINVAL");

	/* ids */
	memset(&attr, 0, sizeof(attr));
	attr.start_id = INT32_MAX;
	tl_expect_errno(tl_bpf(dev, BPF_MAP_GET_NEXT_ID, &attr), ENOENT, "MAP_GET_NEXT_ID past the end: ENOENT");
	attr.start_id = UINT32_MAX;
	tl_expect_errno(tl_bpf(dev, BPF_PROG_GET_NEXT_ID, &attr), ENOENT, "PROG_GET_NEXT_ID 0xffffffff: ENOENT");
	attr.start_id = 0;
	attr.open_flags = 1;
	tl_expect_errno(tl_bpf(dev, BPF_PROG_GET_NEXT_ID, &attr), EINVAL, "GET_NEXT_ID open_flags: EINVAL");
	attr.open_flags = 0;
	attr.next_id = 5;
	tl_expect_errno(tl_bpf(dev, BPF_MAP_GET_NEXT_ID, &attr), EINVAL, "GET_NEXT_ID non-zero next_id: EINVAL");
	memset(&attr, 0, sizeof(attr));
	tl_expect_errno(tl_bpf(dev, BPF_PROG_GET_FD_BY_ID, &attr), ENOENT, "PROG_GET_FD_BY_ID id 0: ENOENT");
	attr.map_id = INT32_MAX;
	tl_expect_errno(tl_bpf(dev, BPF_MAP_GET_FD_BY_ID, &attr), ENOENT, "MAP_GET_FD_BY_ID unused id: ENOENT");
	attr.open_flags = BPF_F_RDONLY;
	tl_expect_errno(tl_bpf(dev, BPF_MAP_GET_FD_BY_ID, &attr), EINVAL, "GET_FD_BY_ID open_flags: EINVAL");
}

static void test_links(void)
{
	static const char *const syms[] = { "do_int3", "no_such_symbol_xyz" };
	union bpf_attr attr;
	__u64 symp;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = kprobe_fd;
	attr.link_create.attach_type = 9999;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EINVAL, "LINK_CREATE unknown attach_type: EINVAL");
	attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	attr.link_create.kprobe_multi.cnt = 1;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EINVAL, "kprobe NULL syms: EINVAL");
	attr.link_create.kprobe_multi.syms = PTR64(hole);
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EFAULT, "kprobe unmapped syms: EFAULT");
	symp = PTR64(hole);
	attr.link_create.kprobe_multi.syms = PTR64(&symp);
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EFAULT, "kprobe unmapped symbol string: EFAULT");
	symp = KERNEL_TEXT;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EFAULT, "kprobe kernel-address symbol string: EFAULT");
	attr.link_create.kprobe_multi.cnt = 2;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EINVAL, "kprobe cnt 2: EINVAL");
	attr.link_create.kprobe_multi.cnt = 1;
	attr.link_create.kprobe_multi.flags = 2;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EINVAL, "kprobe unknown flags: EINVAL");
	attr.link_create.kprobe_multi.flags = 0;
	attr.link_create.kprobe_multi.addrs = PTR64(&symp);
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EINVAL, "kprobe addrs: EINVAL");
	attr.link_create.kprobe_multi.addrs = 0;
	attr.link_create.target_fd = 1;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EINVAL, "kprobe target_fd: EINVAL");
	attr.link_create.target_fd = 0;
	for (unsigned int i = 0; i < ARRAY_LEN(syms); i++) {
		fd = tl_attach_kprobe(dev, kprobe_fd, syms[i], 0);
		tl_ok(fd < 0 && (errno == EINVAL || errno == ENOENT),
		      "kprobe on %s: refused cleanly (%s)", syms[i],
		      fd < 0 ? strerror(errno) : "attached");
		if (fd >= 0)
			close(fd);
	}
	tl_expect_errno(tl_attach_kprobe(dev, prog_fd, "do_nanosleep", 0), EINVAL, "kprobe with a MEM program: EINVAL");
	tl_expect_errno(tl_attach_kprobe(dev, closed_fd, "do_nanosleep", 0), EBADF, "kprobe with a closed prog fd: EBADF");
	tl_expect_errno(tl_attach_kprobe(dev, hash_fd, "do_nanosleep", 0), EINVAL, "kprobe with a map fd: EINVAL");
	tl_expect_errno(tl_attach_nf(dev, pkt_fd, NF_INET_NUMHOOKS, 0), EINVAL, "netfilter hooknum 5: EINVAL");
	tl_expect_errno(tl_attach_nf(dev, pkt_fd, NF_INET_LOCAL_IN, INT_MIN), EINVAL, "netfilter priority INT_MIN: EINVAL");
	tl_expect_errno(tl_attach_nf(dev, pkt_fd, NF_INET_LOCAL_IN, INT_MAX), EINVAL, "netfilter priority INT_MAX: EINVAL");
	tl_expect_errno(tl_attach_nf(dev, kprobe_fd, NF_INET_LOCAL_IN, 0), EINVAL, "netfilter with a kprobe program: EINVAL");
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = pkt_fd;
	attr.link_create.attach_type = ALTBPF_ATTACH_NETFILTER;
	ALTBPF_LINK_NETFILTER(&attr)->pf = 10;	/* NFPROTO_IPV6 */
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EINVAL, "netfilter pf IPv6: EINVAL");
	ALTBPF_LINK_NETFILTER(&attr)->pf = NFPROTO_IPV4;
	ALTBPF_LINK_NETFILTER(&attr)->flags = 1;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EINVAL, "netfilter flags 1: EINVAL");
	ALTBPF_LINK_NETFILTER(&attr)->flags = 0;
	attr.link_create.flags = ALTBPF_LINK_ENGINE(ALTBPF_ENGINE_KERNEL_INTERP);
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EOPNOTSUPP, "link on the kernel's interpreter: EOPNOTSUPP");
	attr.link_create.flags = ALTBPF_LINK_ENGINE(9);
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EINVAL, "link engine 9: EINVAL");
	attr.link_create.flags = 1U << 5;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EINVAL, "link unknown flag: EINVAL");
	attr.link_create.flags = 0;
	((char *)&attr)[offsetofend(union bpf_attr, link_create)] = 1;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_CREATE, &attr), EINVAL, "link non-zero byte after link_create: EINVAL");

	tl_expect_errno(tl_detach_fd(dev, closed_fd), EBADF, "LINK_DETACH closed fd: EBADF");
	tl_expect_errno(tl_detach_fd(dev, prog_fd), EINVAL, "LINK_DETACH program fd: EINVAL");
	tl_expect_errno(tl_detach_fd(dev, event_fd), EINVAL, "LINK_DETACH eventfd: EINVAL");
	memset(&attr, 0, sizeof(attr));
	((struct altbpf_link_detach *)&attr)->flags = 4;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_DETACH, &attr), EINVAL, "LINK_DETACH flags 4: EINVAL");
	((struct altbpf_link_detach *)&attr)->flags = ALTBPF_LINK_DETACH_F_ID;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_DETACH, &attr), EINVAL, "LINK_DETACH by id 0: EINVAL");
	((struct altbpf_link_detach *)&attr)->id = INT32_MAX;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_DETACH, &attr), ENOENT, "LINK_DETACH unknown id: ENOENT");
	((struct altbpf_link_detach *)&attr)->link_fd = link_fd;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_DETACH, &attr), EINVAL, "LINK_DETACH id and fd: EINVAL");
	memset(&attr, 0, sizeof(attr));
	((struct altbpf_link_detach *)&attr)->link_fd = link_fd;
	((struct altbpf_link_detach *)&attr)->id = 1;
	tl_expect_errno(tl_bpf(dev, BPF_LINK_DETACH, &attr), EINVAL, "LINK_DETACH by fd with an id: EINVAL");
}

/* errnos docs/abi.md allows from any command */
static int documented_errno(int e)
{
	static const int ok[] = {
		EINVAL, E2BIG, EFAULT, EBADF, ENOENT, EPERM, ENOSPC, EEXIST,
		EOPNOTSUPP, ENOMEM, EACCES, ERANGE, ELOOP, EINTR, EBUSY,
	};

	for (unsigned int i = 0; i < ARRAY_LEN(ok); i++)
		if (e == ok[i])
			return 1;
	return 0;
}

static __u64 random_word(char *scratch)
{
	static const int *fds[] = {
		&prog_fd, &map_prog_fd, &kprobe_fd, &pkt_fd, &hash_fd,
		&array_fd, &link_fd, &event_fd, &closed_fd, &dev,
	};
	unsigned int r = rnd() % 100;

	if (r < 45)
		return 0;
	if (r < 65)
		return rnd() % 17;
	if (r < 75)
		return *fds[rnd() % ARRAY_LEN(fds)];
	if (r < 85)
		return PTR64(scratch + rnd() % 256);
	if (r < 88)
		return PTR64(hole);
	if (r < 90)
		return KERNEL_TEXT + (rnd() % 4096) * 8;
	return rnd();
}

static void write_param(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, val, strlen(val)) < 0)
			perror(path);
		close(fd);
	}
}

static void test_random(unsigned int iterations)
{
	static const __u32 cmds[] = {
		BPF_PROG_LOAD, BPF_PROG_TEST_RUN, BPF_OBJ_GET_INFO_BY_FD,
		BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM,
		BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY, BPF_MAP_GET_NEXT_ID,
		BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID,
		BPF_PROG_GET_FD_BY_ID, BPF_LINK_CREATE, BPF_LINK_DETACH,
		BPF_OBJ_PIN, BPF_BTF_LOAD,
	};
	static __u64 buf[PAGE / 8];
	static char scratch[512];
	char limit[64] = "";
	int lf = open(MEM_LIMIT, O_RDONLY);

	/* a small map budget: random sizes must not eat the guest's memory */
	if (lf >= 0) {
		ssize_t n = read(lf, limit, sizeof(limit) - 1);

		limit[n > 0 ? n : 0] = 0;
		close(lf);
	}
	write_param(MEM_LIMIT, "16777216");
	for (unsigned int c = 0; c < ARRAY_LEN(cmds); c++) {
		unsigned int bad = 0, okays = 0, firstbad = 0;
		int bad_errno = 0;

		for (unsigned int it = 0; it < iterations; it++) {
			union bpf_attr *attr = (union bpf_attr *)buf;
			__u32 size = sizeof(*attr);
			int ret;

			for (unsigned int i = 0; i < sizeof(scratch); i++)
				scratch[i] = rnd();
			memset(buf, 0, sizeof(buf));
			for (unsigned int w = 0; w < sizeof(*attr) / 8; w++)
				buf[w] = random_word(scratch);
			if (rnd() % 4 == 0) {
				size = rnd() % (sizeof(buf) + 1);
				if (rnd() % 2)
					buf[(sizeof(*attr) + rnd() %
					     (sizeof(buf) - sizeof(*attr))) / 8] =
						rnd();
			}
			/* bounded work: no runs for hours, no huge loads */
			if (cmds[c] == BPF_PROG_TEST_RUN)
				attr->test.repeat &= 0xff;
			if (cmds[c] == BPF_PROG_LOAD)
				attr->insn_cnt &= 0xff;
			ret = tl_call(dev, cmds[c], attr, size);
			if (ret >= 0) {
				okays++;
				if (ret > 2 && (cmds[c] == BPF_PROG_LOAD ||
						cmds[c] == BPF_MAP_CREATE ||
						cmds[c] == BPF_LINK_CREATE ||
						cmds[c] == BPF_MAP_GET_FD_BY_ID ||
						cmds[c] == BPF_PROG_GET_FD_BY_ID))
					close(ret);
			} else if (!documented_errno(errno)) {
				if (!bad++) {
					firstbad = it;
					bad_errno = errno;
				}
			}
		}
		tl_ok(!bad, "random attrs for command %u: %u calls, %u succeeded, %u undocumented errnos%s",
		      cmds[c], iterations, okays, bad, bad ? "" : "");
		if (bad)
			printf("#   first at iteration %u: errno %d (%s)\n",
			       firstbad, bad_errno, strerror(bad_errno));
	}
	if (limit[0])
		write_param(MEM_LIMIT, limit);
	/* the fixtures survived whatever LINK_DETACH-by-id hit */
	tl_ok(!fcntl(prog_fd, F_GETFD) || errno != EBADF,
	      "fixtures still open after the random phase");
}

/* 5-level paging (QEMU's "max" CPU has LA57): the kernel half is larger. */
static int kernel_uses_la57(void)
{
	static int la57 = -1;
	char line[4096];
	FILE *f;

	if (la57 >= 0)
		return la57;
	la57 = 0;
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			la57 = strstr(line, " la57") != NULL;
			break;
		}
	if (f)
		fclose(f);
	return la57;
}

/* Kernel addresses: canonical upper-half values outside small negatives. */
static int is_kernel_addr(__u64 v)
{
	__u64 lo = kernel_uses_la57() ? 0xff00000000000000ULL :
					0xffff800000000000ULL;

	return v >= lo && v < 0xfffffffff0000000ULL;
}

/* an aligned 64-bit field of a struct that holds a kernel address */
static int buf_has_kernel_addr(const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i + 8 <= len; i += 8) {
		__u64 v;

		memcpy(&v, b + i, 8);
		if (is_kernel_addr(v)) {
			printf("#   kernel-like value 0x%llx at offset %zu\n",
			       (unsigned long long)v, i);
			return 1;
		}
	}
	return 0;
}

/* x86-64 code: a movabs (REX.W B8+r imm64) of a kernel address */
static int code_has_kernel_addr(const unsigned char *b, size_t len)
{
	for (size_t i = 0; i + 10 <= len; i++) {
		__u64 v;

		if ((b[i] & 0xf8) != 0x48 || b[i + 1] < 0xb8 || b[i + 1] > 0xbf)
			continue;
		memcpy(&v, b + i + 2, 8);
		if (is_kernel_addr(v))
			return 1;
	}
	return 0;
}

/* "ffff8880..."-style text in a file (debugfs, parameters). */
static int file_has_kernel_addr(const char *path, int *readable)
{
	char text[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	*readable = fd >= 0;
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return 0;
	text[n] = 0;
	for (char *p = text; (p = strstr(p, "ffff")); p += 4) {
		int hex = 0;

		while (hex < 16 && strchr("0123456789abcdef", p[hex]))
			hex++;
		if (hex == 16)
			return 1;
	}
	return 0;
}

static void prog_dumps(int fd, struct bpf_insn *xl, size_t xl_len,
		       unsigned char *img, size_t img_len,
		       struct bpf_prog_info *info)
{
	union bpf_attr attr;

	memset(info, 0, sizeof(*info));
	info->xlated_prog_insns = PTR64(xl);
	info->xlated_prog_len = xl_len;
	info->jited_prog_insns = PTR64(img);
	info->jited_prog_len = img_len;
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info = PTR64(info);
	attr.info.info_len = sizeof(*info);
	if (tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr))
		memset(info, 0, sizeof(*info));
}

static void test_no_addresses(void)
{
	static const char *const files[] = {
		DEBUGFS_DIR "/links", DEBUGFS_DIR "/stats",
	};
	struct bpf_insn xl[8];
	unsigned char img[4096];
	struct bpf_prog_info info;
	__u32 array_id;
	int readable;

	memset(&info, 0, sizeof(info));
	{
		union bpf_attr attr;
		struct bpf_map_info mi;

		memset(&attr, 0, sizeof(attr));
		memset(&mi, 0, sizeof(mi));
		attr.info.bpf_fd = array_fd;
		attr.info.info = PTR64(&mi);
		attr.info.info_len = sizeof(mi);
		tl_ok(!tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr) &&
		      !buf_has_kernel_addr(&mi, sizeof(mi)),
		      "map info holds no kernel address");
		array_id = mi.id;
	}
	memset(xl, 0, sizeof(xl));
	memset(img, 0, sizeof(img));
	prog_dumps(map_prog_fd, xl, sizeof(xl), img, sizeof(img), &info);
	tl_ok(info.xlated_prog_len == 4 * sizeof(xl[0]) &&
	      !buf_has_kernel_addr(&info, sizeof(info)),
	      "prog info of a map program holds no kernel address");
	tl_ok(!buf_has_kernel_addr(xl, sizeof(xl)),
	      "xlated dump of a map program holds no kernel address");
	tl_ok(xl[0].src_reg == BPF_PSEUDO_MAP_FD && (__u32)xl[0].imm == array_id &&
	      xl[1].imm == 0,
	      "xlated lddw shows the map id (%u), as bpf(2)", array_id);
	/*
	 * root has CAP_SYSLOG: the image is shown, and it does load the map's
	 * address (which is why others do not get it; see no_syslog_checks)
	 */
	tl_ok(info.jited_prog_len && info.jited_prog_insns == PTR64(img) &&
	      code_has_kernel_addr(img, info.jited_prog_len),
	      "root (CAP_SYSLOG) gets the jited image of a map program, with the map's address");
	memset(img, 0, sizeof(img));
	prog_dumps(prog_fd, xl, sizeof(xl), img, sizeof(img), &info);
	tl_ok(info.jited_prog_len &&
	      !code_has_kernel_addr(img, info.jited_prog_len < sizeof(img) ?
				    info.jited_prog_len : sizeof(img)) &&
	      !buf_has_kernel_addr(&info, sizeof(info)),
	      "jited image and info of a map-less program hold no kernel address");
	for (unsigned int i = 0; i < ARRAY_LEN(files); i++) {
		int leak = file_has_kernel_addr(files[i], &readable);

		tl_ok(readable && !leak, "%s (as root): readable, no kernel address",
		      files[i]);
	}
	{
		DIR *d = opendir(PARAMS_DIR);
		struct dirent *e;
		int leaks = 0, n = 0;
		char path[512];

		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), PARAMS_DIR "/%s", e->d_name);
			leaks += file_has_kernel_addr(path, &readable);
			n++;
		}
		if (d)
			closedir(d);
		tl_ok(n > 0 && !leaks, "%d module parameters, no kernel address", n);
	}
}

/* Drop CAP_SYSLOG only (uid 0, CAP_BPF kept). */
static int drop_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[cap / 32].effective &= ~(1U << (cap % 32));
	d[cap / 32].permitted &= ~(1U << (cap % 32));
	return syscall(SYS_capset, &h, d);
}

static void run_child(void (*fn)(void))
{
	int pfd[2], counts[2] = { 0, 0 }, n0, f0;
	pid_t pid;

	fflush(stdout);
	if (pipe(pfd))
		exit(1);
	tl_counts(&n0, &f0);
	pid = fork();
	if (pid == 0) {
		int n, f;

		close(pfd[0]);
		fn();
		tl_counts(&n, &f);
		counts[0] = n - n0;
		counts[1] = f - f0;
		if (write(pfd[1], counts, sizeof(counts)) != sizeof(counts))
			_exit(1);
		fflush(stdout);
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], counts, sizeof(counts)) != sizeof(counts)) {
		counts[0] = counts[1] = 1;
		printf("not ok - child process died\n");
	}
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	tl_merge(counts[0], counts[1]);
}

static void no_syslog_checks(void)
{
	unsigned char img[4096];
	struct bpf_insn xl[8];
	struct bpf_prog_info info;

	if (drop_cap(CAP_SYSLOG)) {
		tl_ok(0, "capset without CAP_SYSLOG: %s", strerror(errno));
		return;
	}
	prog_dumps(map_prog_fd, xl, sizeof(xl), img, sizeof(img), &info);
	tl_ok(info.xlated_prog_len && info.jited_prog_insns == 0,
	      "CAP_BPF without CAP_SYSLOG: jited image of a map program withheld (len %u)",
	      info.jited_prog_len);
	prog_dumps(prog_fd, xl, sizeof(xl), img, sizeof(img), &info);
	tl_ok(!info.jited_prog_len || info.jited_prog_insns == PTR64(img),
	      "CAP_BPF without CAP_SYSLOG: map-less image still shown");
}

static int setgroups_drop(void)
{
	return syscall(SYS_setgroups, 0, NULL);
}

static void unprivileged_checks(void)
{
	static const char *const files[] = {
		DEBUGFS_DIR "/links", DEBUGFS_DIR "/stats",
	};
	__u32 cmds[] = {
		BPF_PROG_LOAD, BPF_PROG_TEST_RUN, BPF_MAP_CREATE,
		BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM,
		BPF_MAP_GET_NEXT_KEY, BPF_MAP_GET_NEXT_ID, BPF_PROG_GET_NEXT_ID,
		BPF_MAP_GET_FD_BY_ID, BPF_PROG_GET_FD_BY_ID, BPF_LINK_CREATE,
		BPF_LINK_DETACH,
	};
	struct altbpf_capture_open co;
	unsigned char img[4096];
	struct bpf_insn xl[8];
	struct bpf_prog_info info;
	union bpf_attr attr;
	__u32 key = 0;
	__u64 val = 0;
	int readable;

	if (setgroups_drop() || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY)) {
		tl_ok(0, "drop to uid %d: %s", NOBODY, strerror(errno));
		return;
	}
	tl_expect_errno(open(ALTBPF_DEVICE, O_RDWR), EACCES, "uid %d: open(" ALTBPF_DEVICE ") : EACCES", NOBODY);
	tl_expect_errno(open(ALTBPF_DEVICE, O_RDONLY), EACCES, "uid %d: open read-only: EACCES", NOBODY);
	for (unsigned int i = 0; i < ARRAY_LEN(cmds); i++) {
		load_attr(&attr);
		switch (cmds[i]) {
		case BPF_PROG_TEST_RUN:
			memset(&attr, 0, sizeof(attr));
			attr.test.prog_fd = prog_fd;
			break;
		case BPF_MAP_CREATE:
			create_attr(&attr, BPF_MAP_TYPE_HASH);
			break;
		case BPF_MAP_LOOKUP_ELEM:
		case BPF_MAP_UPDATE_ELEM:
		case BPF_MAP_DELETE_ELEM:
		case BPF_MAP_GET_NEXT_KEY:
			memset(&attr, 0, sizeof(attr));
			attr.map_fd = array_fd;
			attr.key = PTR64(&key);
			if (cmds[i] != BPF_MAP_DELETE_ELEM)
				attr.value = PTR64(&val);
			break;
		case BPF_LINK_CREATE:
			memset(&attr, 0, sizeof(attr));
			attr.link_create.prog_fd = pkt_fd;
			attr.link_create.attach_type = ALTBPF_ATTACH_NETFILTER;
			ALTBPF_LINK_NETFILTER(&attr)->pf = NFPROTO_IPV4;
			break;
		case BPF_LINK_DETACH:
			memset(&attr, 0, sizeof(attr));
			attr.link_detach.link_fd = link_fd;
			break;
		default:
			memset(&attr, 0, sizeof(attr));
			attr.map_id = 1;
			break;
		}
		tl_expect_errno(tl_bpf(dev, cmds[i], &attr), EPERM,
				"uid %d, inherited device fd: command %u: EPERM",
				NOBODY, cmds[i]);
	}
	memset(&attr, 0, sizeof(attr));
	{
		struct bpf_map_info mi;

		attr.info.bpf_fd = hash_fd;
		attr.info.info = PTR64(&mi);
		attr.info.info_len = sizeof(mi);
		tl_expect_errno(tl_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr), EPERM,
				"uid %d: map info: EPERM", NOBODY);
	}
	memset(&co, 0, sizeof(co));
	tl_expect_errno(ioctl(dev, ALTBPF_IOC_CAPTURE_OPEN, &co), EPERM,
			"uid %d: CAPTURE_OPEN: EPERM", NOBODY);
	memset(xl, 0, sizeof(xl));
	prog_dumps(map_prog_fd, xl, sizeof(xl), img, sizeof(img), &info);
	tl_ok(info.id && !info.xlated_prog_len && !info.jited_prog_len &&
	      !info.xlated_prog_insns && !info.jited_prog_insns &&
	      !info.nr_jited_line_info && !xl[0].code,
	      "uid %d: prog info without code, lengths or pointers", NOBODY);
	tl_ok(!buf_has_kernel_addr(&info, sizeof(info)),
	      "uid %d: prog info holds no kernel address", NOBODY);
	for (unsigned int i = 0; i < ARRAY_LEN(files); i++) {
		int leak = file_has_kernel_addr(files[i], &readable);

		tl_ok(!readable && !leak, "uid %d: %s not readable", NOBODY,
		      files[i]);
	}
	tl_expect_errno(open(PARAMS_DIR "/jit", O_WRONLY), EACCES,
			"uid %d: module parameters not writable", NOBODY);
}

int main(int argc, char **argv)
{
	unsigned int iterations = 2000;
	unsigned long long seed = 1;

	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--iterations")) {
			iterations = strtoul(argv[++i], NULL, 0);
		} else if (i + 1 < argc && !strcmp(argv[i], "--seed")) {
			seed = strtoull(argv[++i], NULL, 0);
		} else {
			fprintf(stderr, "usage: altbpf-hostile-abi [--iterations N] [--seed S]\n");
			return 2;
		}
	}
	rnd_state = seed ? seed : 1;
	printf("# hostile ABI: %u random calls per command, seed %llu\n",
	       iterations, seed);
	setup();
	test_framing();
	test_prog_load();
	test_test_run();
	test_info();
	test_maps();
	test_links();
	test_no_addresses();
	run_child(no_syslog_checks);
	run_child(unprivileged_checks);
	test_random(iterations);
	tl_ok(!close(link_fd), "closing the netfilter link fd detaches it");
	return tl_tap_done("hostile-abi");
}
