// SPDX-License-Identifier: GPL-2.0
/*
 * capture.c - the packet-capture tap (placeholder until it lands).
 */
#include <linux/errno.h>

#include "capture.h"

long altbpf_capture_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	return -ENOTTY;
}

int altbpf_capture_init(void)
{
	return 0;
}

void altbpf_capture_exit(void)
{
}
