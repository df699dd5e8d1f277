// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - altbpf.ko: module parameters, init and exit.
 *
 * The module cannot be unloaded while a program fd is open (the fds'
 * file_operations hold a module reference through .owner) or while a
 * module using the exported API is loaded (symbol dependency).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "altbpf_internal.h"
#include "maps/altbpf_maps.h"
#include "capture.h"
#include "hooks.h"

u32 altbpf_default_engine = ABPF_ENGINE_JIT;
u64 altbpf_budget = ABPF_DEFAULT_BUDGET;
u32 altbpf_log_level;
bool altbpf_jit_enable = true;
u32 altbpf_jit_harden;
u32 altbpf_jit_dump;

static int altbpf_engine_set(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "interp"))
		WRITE_ONCE(altbpf_default_engine, ABPF_ENGINE_INTERP);
	else if (sysfs_streq(val, "jit"))
		WRITE_ONCE(altbpf_default_engine, ABPF_ENGINE_JIT);
	else
		return -EINVAL;
	return 0;
}

static int altbpf_engine_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  abpf_engine_name(READ_ONCE(altbpf_default_engine)));
}

static const struct kernel_param_ops altbpf_engine_ops = {
	.set = altbpf_engine_set,
	.get = altbpf_engine_get,
};

static int altbpf_budget_set(const char *val, const struct kernel_param *kp)
{
	u64 v;
	int err = kstrtoull(val, 0, &v);

	if (err)
		return err;
	if (!v)
		return -EINVAL;
	WRITE_ONCE(altbpf_budget, v);
	return 0;
}

static const struct kernel_param_ops altbpf_budget_ops = {
	.set = altbpf_budget_set,
	.get = param_get_ullong,
};

/* An unsigned parameter 0..2 (log_level, jit_harden, jit_dump). */
static int altbpf_level_set(const char *val, const struct kernel_param *kp)
{
	u32 v;
	int err = kstrtou32(val, 0, &v);

	if (err)
		return err;
	if (v > 2)
		return -EINVAL;
	WRITE_ONCE(*(u32 *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops altbpf_level_ops = {
	.set = altbpf_level_set,
	.get = param_get_uint,
};

module_param_named(jit, altbpf_jit_enable, bool, 0644);
MODULE_PARM_DESC(jit,
		 "compile every accepted program with the altbpf JIT: 1 (default) or 0 (interpreter only); applies to later loads");
module_param_cb(default_engine, &altbpf_engine_ops, NULL, 0644);
MODULE_PARM_DESC(default_engine,
		 "engine for runs that do not choose one: jit (default: the JIT image when the program was compiled, else the interpreter) or interp");
module_param_cb(jit_harden, &altbpf_level_ops, &altbpf_jit_harden, 0644);
MODULE_PARM_DESC(jit_harden,
		 "JIT constant blinding, as bpf_jit_harden: 0 off (default), 1 for loaders without CAP_SYS_ADMIN, 2 for every program");
module_param_cb(jit_dump, &altbpf_level_ops, &altbpf_jit_dump, 0644);
MODULE_PARM_DESC(jit_dump,
		 "report JIT images: 0 no (default), 1 image size per load (load log and kernel log), 2 also a hex dump to the kernel log");
module_param_cb(budget, &altbpf_budget_ops, &altbpf_budget, 0644);
MODULE_PARM_DESC(budget,
		 "loop budget per run: taken back-edges + local calls before the run aborts with ELOOP (default 16777216, > 0)");
module_param_cb(log_level, &altbpf_level_ops, &altbpf_log_level, 0644);
MODULE_PARM_DESC(log_level,
		 "checker log verbosity for in-kernel API loads: 0 errors (default), 1 + summary, 2 + trace");

static int __init altbpf_init(void)
{
	int err = altbpf_jit_arena_init();

	if (err) {
		pr_err("cannot set up the JIT arena: %d\n", err);
		return err;
	}
	altbpf_helpers_kernel_init();
	err = altbpf_maps_init();
	if (err) {
		pr_err("cannot set up maps: %d\n", err);
		goto out_arena;
	}
	err = altbpf_hooks_init();
	if (err) {
		pr_err("cannot set up hooks: %d\n", err);
		goto out_maps;
	}
	err = altbpf_capture_init();
	if (err) {
		pr_err("cannot set up packet capture: %d\n", err);
		goto out_hooks;
	}
	err = altbpf_dev_init();
	if (err) {
		pr_err("cannot register /dev/altbpf: %d\n", err);
		goto out_capture;
	}
	pr_info("alternate eBPF engine loaded (jit %s, default engine %s)\n",
		altbpf_jit_enable ? "on" : "off",
		abpf_engine_name(altbpf_default_engine));
	return 0;

out_capture:
	altbpf_capture_exit();
out_hooks:
	altbpf_hooks_exit();
out_maps:
	altbpf_maps_exit();
out_arena:
	altbpf_jit_arena_exit();
	return err;
}

static void __exit altbpf_exit(void)
{
	altbpf_dev_exit();
	altbpf_hooks_exit();
	altbpf_capture_exit();
	/* prog-array entries and maps still to be freed may put programs */
	altbpf_maps_drain();
	altbpf_prog_ids_exit();
	altbpf_maps_exit();
	/* after the last program: waits for the images' RCU frees */
	altbpf_jit_arena_exit();
}

module_init(altbpf_init);
module_exit(altbpf_exit);

MODULE_DESCRIPTION("altbpf: an alternate eBPF engine");
MODULE_LICENSE("GPL");
