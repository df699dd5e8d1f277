/* SPDX-License-Identifier: GPL-2.0 */
/*
 * capture.h - the packet-capture tap (capture.c): classic filters on a
 * dev_add_pack(ETH_P_ALL) handler, accepted packets copied to a ring.
 */
#ifndef ALTBPF_CAPTURE_H
#define ALTBPF_CAPTURE_H

#include <linux/fs.h>

/* /dev/altbpf ioctls ALTBPF_IOC_CAPTURE_FIRST..LAST land here. */
long altbpf_capture_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg);
int altbpf_capture_init(void);
void altbpf_capture_exit(void);

#endif /* ALTBPF_CAPTURE_H */
