// SPDX-License-Identifier: GPL-2.0
/*
 * ringbuf_mmap - the mmap rules of a ring buffer map fd (docs/maps.md)
 * and what a mapping pins.  Used by scripts/integration-tests.
 *
 *   ringbuf_mmap
 *
 * Creates a 16 KiB BPF_MAP_TYPE_RINGBUF map through /dev/altbpf, checks
 * the mapping rules (one "ok"/"FAIL" line each), maps the consumer page
 * and the producer + data pages, closes every fd, prints "mapped" and
 * waits for a line on stdin (the caller tries rmmod meanwhile: the mapping
 * must keep the module in); then reads producer_pos through the mapping,
 * unmaps and prints "unmapped".  Exit status: 0 every check held.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "altbpf.h"

#define RB_SIZE	(16 * 1024)

static int dev = -1, failed;

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	struct altbpf_call call = {
		.cmd = cmd,
		.size = sizeof(*attr),
		.attr = (__u64)(unsigned long)attr,
	};

	return ioctl(dev, ALTBPF_IOC_BPF, &call);
}

static int map_create(__u32 type, __u32 key, __u32 value, __u32 max)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = key;
	a.value_size = value;
	a.max_entries = max;
	return sys_bpf(BPF_MAP_CREATE, &a);
}

static void expect(int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
	failed |= !cond;
}

/* mmap must fail with errno @err. */
static void expect_mmap_err(int fd, size_t len, int prot, int flags,
			    off_t off, int err, const char *what)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);
	char msg[160];

	snprintf(msg, sizeof(msg), "%s: errno %d (want %d)", what,
		 p == MAP_FAILED ? errno : 0, err);
	expect(p == MAP_FAILED && errno == err, msg);
	if (p != MAP_FAILED)
		munmap(p, len);
}

int main(void)
{
	size_t pg = sysconf(_SC_PAGESIZE), ro_len = pg + 2 * RB_SIZE;
	struct pollfd pfd;
	unsigned long *cons, *prod;
	char line[16];
	int rb, arr;
	void *p;

	dev = open(ALTBPF_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		perror(ALTBPF_DEVICE);
		return 2;
	}
	rb = map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE);
	arr = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	if (rb < 0 || arr < 0) {
		perror("BPF_MAP_CREATE");
		return 2;
	}
	expect_mmap_err(arr, pg, PROT_READ, MAP_SHARED, 0, ENODEV,
			"mmap of an array map");
	expect_mmap_err(rb, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0, EINVAL,
			"private mapping");
	expect_mmap_err(rb, pg, PROT_READ | PROT_WRITE, MAP_SHARED, pg, EPERM,
			"writable producer page");
	expect_mmap_err(rb, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, 0,
			EPERM, "writable consumer + producer pages");
	expect_mmap_err(rb, ro_len + pg, PROT_READ, MAP_SHARED, pg, EINVAL,
			"mapping past the data pages");
	p = mmap(NULL, ro_len, PROT_READ, MAP_SHARED, rb, pg);
	expect(p != MAP_FAILED, "read-only producer + data pages");
	if (p != MAP_FAILED) {
		expect(mprotect(p, pg, PROT_READ | PROT_WRITE) && errno == EACCES,
		       "mprotect(PROT_WRITE) of the read-only part: EACCES");
		munmap(p, ro_len);
	}
	pfd = (struct pollfd){ .fd = rb, .events = POLLIN };
	expect(poll(&pfd, 1, 0) == 0, "poll of an empty ring: not readable");
	pfd.fd = arr;
	expect(poll(&pfd, 1, 0) == 0, "poll of an array map: not readable");

	cons = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, rb, 0);
	prod = mmap(NULL, ro_len, PROT_READ, MAP_SHARED, rb, pg);
	expect(cons != MAP_FAILED && prod != MAP_FAILED,
	       "consumer page read-write, producer + data read-only");
	if (cons == MAP_FAILED || prod == MAP_FAILED)
		return 1;
	expect(*cons == 0 && *prod == 0, "positions start at 0");
	close(rb);
	close(arr);
	close(dev);
	printf("mapped\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		line[0] = 0;
	expect(*prod == 0, "the mapping is still readable after every fd closed");
	*cons = 0;
	munmap(cons, pg);
	munmap(prod, ro_len);
	printf("unmapped\n");
	return failed;
}
