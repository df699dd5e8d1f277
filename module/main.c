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

u32 altbpf_default_engine = ABPF_ENGINE_INTERP;
u64 altbpf_budget = ABPF_DEFAULT_BUDGET;
u32 altbpf_log_level;

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

static int altbpf_log_level_set(const char *val,
				const struct kernel_param *kp)
{
	u32 v;
	int err = kstrtou32(val, 0, &v);

	if (err)
		return err;
	if (v > 2)
		return -EINVAL;
	WRITE_ONCE(altbpf_log_level, v);
	return 0;
}

static const struct kernel_param_ops altbpf_log_level_ops = {
	.set = altbpf_log_level_set,
	.get = param_get_uint,
};

module_param_cb(default_engine, &altbpf_engine_ops, NULL, 0644);
MODULE_PARM_DESC(default_engine,
		 "engine for runs that do not choose one: interp (default) or jit (falls back to interp while the JIT is not available)");
module_param_cb(budget, &altbpf_budget_ops, &altbpf_budget, 0644);
MODULE_PARM_DESC(budget,
		 "loop budget per run: taken back-edges + local calls before the run aborts with ELOOP (default 16777216, > 0)");
module_param_cb(log_level, &altbpf_log_level_ops, &altbpf_log_level, 0644);
MODULE_PARM_DESC(log_level,
		 "checker log verbosity for in-kernel API loads: 0 errors (default), 1 + summary, 2 + trace");

static int __init altbpf_init(void)
{
	int err = altbpf_dev_init();

	if (err) {
		pr_err("cannot register /dev/altbpf: %d\n", err);
		return err;
	}
	pr_info("alternate eBPF engine loaded (default engine %s)\n",
		abpf_engine_name(altbpf_default_engine));
	return 0;
}

static void __exit altbpf_exit(void)
{
	altbpf_dev_exit();
	altbpf_prog_ids_exit();
}

module_init(altbpf_init);
module_exit(altbpf_exit);

MODULE_DESCRIPTION("altbpf: an alternate eBPF engine");
MODULE_LICENSE("GPL");
