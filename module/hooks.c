// SPDX-License-Identifier: GPL-2.0
/*
 * hooks.c - attach/detach dispatch for hook points (placeholder until the
 * kprobe and netfilter hooks land).
 */
#include <linux/errno.h>

#include "hooks.h"

int altbpf_cmd_link_create(union bpf_attr *attr)
{
	return -EOPNOTSUPP;
}

int altbpf_cmd_link_detach(union bpf_attr *attr)
{
	return -EOPNOTSUPP;
}

int altbpf_hooks_init(void)
{
	return 0;
}

void altbpf_hooks_exit(void)
{
}
