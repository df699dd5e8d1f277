/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hooks.h - hook points where loaded programs run (hook_kprobe.c,
 * hook_netfilter.c), attached and detached through BPF_LINK_CREATE /
 * BPF_LINK_DETACH on /dev/altbpf.
 */
#ifndef ALTBPF_HOOKS_H
#define ALTBPF_HOOKS_H

#include <linux/bpf.h>

int altbpf_cmd_link_create(union bpf_attr *attr);
int altbpf_cmd_link_detach(union bpf_attr *attr);
int altbpf_hooks_init(void);
/* Module exit: detach everything still attached (after an RCU grace period). */
void altbpf_hooks_exit(void);

#endif /* ALTBPF_HOOKS_H */
