// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - run a program natively or through /dev/altbpf.
 *
 * Native: abpf_prog_alloc() + abpf_check() + abpf_interp_prepare() +
 * abpf_interp_run(), or the JIT when it is built in (ALTBPF_HAVE_JIT, see
 * userspace/Makefile).
 * Device: BPF_PROG_LOAD + BPF_PROG_TEST_RUN through ALTBPF_IOC_BPF.
 */
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "altbpf.h"
#include "runner.h"
#ifdef ALTBPF_HAVE_JIT
#include "jit.h"
#endif

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int parse_engine(const char *name)
{
	static const char *const names[] = {
		[ABPF_ENGINE_DEFAULT] = "default",
		[ABPF_ENGINE_INTERP] = "interp",
		[ABPF_ENGINE_JIT] = "jit",
		[ABPF_ENGINE_KERNEL_INTERP] = "kernel-interp",
		[ABPF_ENGINE_KERNEL_JIT] = "kernel-jit",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

const char *errno_name(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:		return "0";
	case EINVAL:	return "EINVAL";
	case EACCES:	return "EACCES";
	case E2BIG:	return "E2BIG";
	case ENOMEM:	return "ENOMEM";
	case ERANGE:	return "ERANGE";
	case ELOOP:	return "ELOOP";
	case EPERM:	return "EPERM";
	case EFAULT:	return "EFAULT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default:	return "errno";
	}
}

const char *run_via_name(int via)
{
	return via == RUN_VIA_DEV ? "dev" : via == RUN_VIA_NATIVE ?
	       "native" : "auto";
}

#ifdef ALTBPF_HAVE_JIT
bool run_have_native_jit(void)
{
	return true;
}
#else
bool run_have_native_jit(void)
{
	return false;
}
#endif

struct abpf_prog *native_load(const struct bpf_insn *insns, u32 len,
			      u32 prog_type, struct abpf_log *log, int *err)
{
	struct abpf_prog *prog;

	/* The host's checks before the checker, as module/api.c does. */
	if (prog_type >= ABPF_PROG_TYPE__COUNT) {
		abpf_log_printf(log, "unknown program type %u\n", prog_type);
		*err = -EINVAL;
		return NULL;
	}
	if (!len) {
		abpf_log_printf(log, "empty program\n");
		*err = -EINVAL;
		return NULL;
	}
	if (len > ABPF_MAX_INSNS) {
		abpf_log_printf(log, "program too large: %u instructions (max %u)\n",
				len, ABPF_MAX_INSNS);
		*err = -E2BIG;
		return NULL;
	}
	prog = abpf_prog_alloc(insns, len, prog_type);
	if (!prog) {
		abpf_log_printf(log, "out of memory\n");
		*err = -ENOMEM;
		return NULL;
	}
	*err = abpf_check(prog, log);
	if (!*err)
		*err = abpf_interp_prepare(prog);
	if (*err) {
		abpf_prog_free(prog);
		return NULL;
	}
	return prog;
}

static int run_native(const struct bpf_insn *insns, u32 len, u8 *data,
		      u32 mem_len, const struct run_opts *o,
		      struct run_result *res)
{
	struct abpf_log log = {
		.buf = res->log, .size = sizeof(res->log),
		.level = o->log_level,
	};
	struct abpf_prog *prog;
	struct abpf_run_ctx rc;
	u32 engine = o->engine, i, runs = o->repeat ? o->repeat : 1;
	u64 t0, r0 = 0;
	int err;

	if (engine == ABPF_ENGINE_KERNEL_INTERP ||
	    engine == ABPF_ENGINE_KERNEL_JIT) {
		snprintf(res->msg, sizeof(res->msg),
			 "engine %s needs the kernel module (--via dev)",
			 abpf_engine_name(engine));
		return -2;
	}
	if (engine == ABPF_ENGINE_DEFAULT)
		engine = run_have_native_jit() ? ABPF_ENGINE_JIT :
						 ABPF_ENGINE_INTERP;
	res->engine = engine;
	if (engine == ABPF_ENGINE_JIT && !run_have_native_jit()) {
		snprintf(res->msg, sizeof(res->msg),
			 "the JIT is not built into this binary");
		return -2;
	}

	prog = native_load(insns, len, o->prog_type, &log, &err);
	if (!prog) {
		res->load_err = err;
		return -1;
	}
#ifdef ALTBPF_HAVE_JIT
	if (engine == ABPF_ENGINE_JIT) {
		err = abpf_native_jit(prog, 0, &log);
		if (err) {
			snprintf(res->msg, sizeof(res->msg),
				 "JIT compilation failed (%d): %.180s", err,
				 res->log);
			abpf_prog_free(prog);
			return -2;
		}
	}
#endif

	t0 = now_ns();
	for (i = 0; i < runs; i++) {
		abpf_run_ctx_init_mem(&rc, data, mem_len);
#ifdef ALTBPF_HAVE_JIT
		if (engine == ABPF_ENGINE_JIT)
			r0 = prog->jit_func(&rc);
		else
#endif
			r0 = abpf_interp_run(prog, &rc);
		if (rc.error)
			break;
	}
	res->ns_per_run = (now_ns() - t0) / (i < runs ? i + 1 : runs);
	res->runs = i < runs ? i + 1 : runs;
	res->r0 = r0;
	res->run_err = rc.error;
	res->error_pc = rc.error_pc;
	res->error_pc_valid = rc.error != 0;
#ifdef ALTBPF_HAVE_JIT
	if (prog->jit_image)
		abpf_native_jit_free(prog);
#endif
	abpf_prog_free(prog);
	return 0;
}

static int altbpf_bpf(int fd, int cmd, union bpf_attr *attr)
{
	struct altbpf_call call = {
		.cmd = cmd,
		.size = sizeof(*attr),
		.attr = (__u64)(unsigned long)attr,
	};

	return ioctl(fd, ALTBPF_IOC_BPF, &call);
}

static int run_dev(const struct bpf_insn *insns, u32 len, u8 *data,
		   u32 mem_len, const struct run_opts *o,
		   struct run_result *res)
{
	static const char license[] = "GPL";
	union bpf_attr attr;
	__u64 r0_full = 0;
	int fd, pfd, ret;

	fd = open(ALTBPF_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(res->msg, sizeof(res->msg), "cannot open %s: %s",
			 ALTBPF_DEVICE, strerror(errno));
		return -2;
	}

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = o->prog_type == ABPF_PROG_TYPE_CONFORMANCE ?
			 ALTBPF_PROG_TYPE_CONFORMANCE : ALTBPF_PROG_TYPE_MEM;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = len;
	attr.license = (__u64)(unsigned long)license;
	attr.log_buf = (__u64)(unsigned long)res->log;
	attr.log_size = sizeof(res->log);
	/* level 0 would leave the buffer empty on a reject */
	attr.log_level = o->log_level ? o->log_level : 1;
	pfd = altbpf_bpf(fd, BPF_PROG_LOAD, &attr);
	if (pfd < 0) {
		res->load_err = -errno;
		if (!res->log[0])
			snprintf(res->log, sizeof(res->log),
				 "BPF_PROG_LOAD: %s\n", strerror(errno));
		close(fd);
		return -1;
	}

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = pfd;
	attr.test.data_in = (__u64)(unsigned long)data;
	attr.test.data_size_in = mem_len;
	attr.test.repeat = o->repeat ? o->repeat : 1;
	/* retval is 32 bits wide, as in bpf(2): ask for all of r0 too. */
	attr.test.flags = ALTBPF_TEST_RUN_ENGINE(o->engine) |
			  ALTBPF_TEST_RUN_R0_OUT;
	attr.test.ctx_out = (__u64)(unsigned long)&r0_full;
	attr.test.ctx_size_out = sizeof(r0_full);
	ret = altbpf_bpf(fd, BPF_PROG_TEST_RUN, &attr);
	if (ret < 0) {
		int e = errno;

		if (e != ERANGE && e != ELOOP && e != EINVAL) {
			snprintf(res->msg, sizeof(res->msg),
				 "BPF_PROG_TEST_RUN (engine %s): %s",
				 abpf_engine_name(o->engine), strerror(e));
			ret = -2;
			goto out;
		}
		res->run_err = -e;
	}
	res->r0 = res->run_err ? 0 : r0_full;
	res->ns_per_run = attr.test.duration;
	res->runs = attr.test.repeat ? attr.test.repeat : 1;
	ret = 0;
out:
	close(pfd);
	close(fd);
	return ret;
}

int run_program(const struct bpf_insn *insns, u32 len, const u8 *mem,
		u32 mem_len, const struct run_opts *o, struct run_result *res)
{
	u8 *data = NULL;
	int via = o->via, ret;

	memset(res, 0, sizeof(*res));
	if (via == RUN_VIA_AUTO)
		via = access(ALTBPF_DEVICE, F_OK) ? RUN_VIA_NATIVE :
						    RUN_VIA_DEV;
	res->via = via;
	res->engine = o->engine;
	if (mem_len) {
		data = malloc(mem_len);
		if (!data) {
			snprintf(res->msg, sizeof(res->msg), "out of memory");
			return -2;
		}
		memcpy(data, mem, mem_len);
	}
	if (via == RUN_VIA_DEV)
		ret = run_dev(insns, len, data, mem_len, o, res);
	else
		ret = run_native(insns, len, data, mem_len, o, res);
	free(data);
	return ret;
}
