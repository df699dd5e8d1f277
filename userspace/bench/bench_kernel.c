// SPDX-License-Identifier: GPL-2.0
/*
 * bench_kernel.c - the running kernel's own engines for the harness:
 * build/bench/obj/NAME.kernel.o (XDP flavour) loaded by libbpf through
 * bpf(2), run with BPF_PROG_TEST_RUN.  The kernel decides interpreter or
 * JIT at load time from net.core.bpf_jit_enable: in the guest the harness
 * sets it to 0 for the kernel-interp load and back afterwards; natively
 * the host's setting is left alone and only a JIT-compiled program counts
 * as kernel-jit.  A program the kernel's verifier rejects is reported
 * with the verifier's last words.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"

#define JIT_SYSCTL	"/proc/sys/net/core/bpf_jit_enable"

bool bench_kernel_may_toggle_jit;

static char klog[20 << 20];	/* libbpf prints the whole verifier log */
static size_t klog_len;

static int klog_print(enum libbpf_print_level level, const char *fmt,
		      va_list ap)
{
	int n;

	if (level == LIBBPF_DEBUG || klog_len >= sizeof(klog) - 1)
		return 0;
	n = vsnprintf(klog + klog_len, sizeof(klog) - klog_len, fmt, ap);
	if (n > 0)
		klog_len += (size_t)n < sizeof(klog) - klog_len ?
			    (size_t)n : sizeof(klog) - klog_len - 1;
	return 0;
}

/*
 * The verifier's reason: the last log line before libbpf's end marker
 * that is not a statistics line.
 */
static void klog_reason(char *why, size_t size)
{
	char *line, *save = NULL, *best = NULL, *prev = NULL;

	for (line = strtok_r(klog, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "-- END PROG LOAD LOG --")) {
			best = prev;
			break;
		}
		if (!strncmp(line, "processed ", 10) ||
		    !strncmp(line, "verification time", 17) ||
		    !strncmp(line, "stack depth", 11) || !*line)
			continue;
		prev = line;
	}
	if (!best)
		best = prev;
	snprintf(why, size, "kernel verifier: %s", best ? best : "(no log)");
}

static int jit_sysctl(int val)
{
	FILE *f = fopen(JIT_SYSCTL, "r+");
	int old = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &old) != 1)
		old = -1;
	if (val >= 0) {
		rewind(f);
		fprintf(f, "%d\n", val);
	}
	fclose(f);
	return old;
}

struct kern_state {
	struct bpf_object *obj;
	int fd;
};

static void kern_unload(struct bench_inst *inst)
{
	struct kern_state *s = inst->priv;

	if (!s)
		return;
	bpf_object__close(s->obj);
	free(s);
	inst->priv = NULL;
}

static int kern_load(struct bench_inst *inst, const char *obj_dir)
{
	bool want_jit = inst->engine == ENG_KERNEL_JIT;
	struct kern_state *s = calloc(1, sizeof(*s));
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	struct bpf_program *prog;
	char path[512];
	int err, old = -1;

	if (!s)
		return -1;
	inst->priv = s;
	snprintf(path, sizeof(path), "%s/%s.kernel.o", obj_dir,
		 inst->spec->name);
	libbpf_set_print(klog_print);
	klog_len = 0;
	klog[0] = 0;
	s->obj = bpf_object__open_file(path, NULL);
	if (!s->obj) {
		snprintf(inst->why, sizeof(inst->why), "%s: %s", path,
			 strerror(errno));
		free(s);
		inst->priv = NULL;
		return -1;
	}
	if (bench_kernel_may_toggle_jit)
		old = jit_sysctl(want_jit ? 1 : 0);
	err = bpf_object__load(s->obj);
	if (old >= 0)
		jit_sysctl(old);
	if (err) {
		klog_reason(inst->why, sizeof(inst->why));
		goto fail;
	}
	prog = bpf_object__find_program_by_name(s->obj, inst->spec->name);
	s->fd = prog ? bpf_program__fd(prog) : -1;
	memset(&info, 0, sizeof(info));
	if (s->fd < 0 || bpf_obj_get_info_by_fd(s->fd, &info, &info_len)) {
		snprintf(inst->why, sizeof(inst->why), "no program '%s'",
			 inst->spec->name);
		goto fail;
	}
	if (want_jit != (info.jited_prog_len > 0)) {
		snprintf(inst->why, sizeof(inst->why),
			 want_jit ? "the kernel did not JIT it (bpf_jit_enable=0)" :
				    "the kernel JIT-compiled it anyway (BPF_JIT_ALWAYS_ON?)");
		goto fail;
	}
	return 0;
fail:
	kern_unload(inst);
	return -1;
}

static int kern_map_update(struct bench_inst *inst, const char *name,
			   const void *key, const void *value)
{
	struct kern_state *s = inst->priv;
	struct bpf_map *m = bpf_object__find_map_by_name(s->obj, name);

	if (!m || bpf_map_update_elem(bpf_map__fd(m), key, value, 0)) {
		snprintf(inst->why, sizeof(inst->why), "map '%s': update: %s",
			 name, m ? strerror(errno) : "no such map");
		return -1;
	}
	return 0;
}

static int kern_run(struct bench_inst *inst, const __u8 *pkt, __u32 len,
		    __u32 repeat, __u32 *retval, double *ns)
{
	struct kern_state *s = inst->priv;
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = pkt,
		.data_size_in = len,
		.repeat = repeat,
	);

	if (bpf_prog_test_run_opts(s->fd, &o)) {
		snprintf(inst->why, sizeof(inst->why),
			 "BPF_PROG_TEST_RUN: %s", strerror(errno));
		return -1;
	}
	/*
	 * The kernel's bpf_test_timer: wall time around the call would
	 * count per-call costs (XDP test runs with repeat > 1 swap the XDP
	 * dispatcher: a synchronize_rcu() per call).
	 */
	*ns = o.duration;
	*retval = o.retval;
	return 0;
}

const struct bench_backend bench_kernel_backend = {
	.load = kern_load, .map_update = kern_map_update,
	.run = kern_run, .unload = kern_unload,
};
