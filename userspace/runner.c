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

u64 run_now_ns(void)
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

u32 run_native_engine(u32 engine)
{
	if (engine != ABPF_ENGINE_DEFAULT)
		return engine;
	return run_have_native_jit() ? ABPF_ENGINE_JIT : ABPF_ENGINE_INTERP;
}

void native_run_ctx_init(struct abpf_run_ctx *rc, u32 prog_type, void *data,
			 u32 len)
{
	static struct abpf_pkt_ctx pkt;

	if (prog_type != ABPF_PROG_TYPE_PACKET) {
		abpf_run_ctx_init_mem(rc, data, len);
		return;
	}
	memset(&pkt, 0, sizeof(pkt));
	pkt.data = (u64)(unsigned long)data;
	pkt.data_end = pkt.data + len;
	pkt.len = len;
	abpf_run_ctx_init_pkt(rc, &pkt, false);
}

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
	engine = run_native_engine(engine);
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
	if (o->want_code) {
		res->xlated = malloc((size_t)len * sizeof(*insns));
		if (!res->xlated) {
			snprintf(res->msg, sizeof(res->msg), "out of memory");
			abpf_prog_free(prog);
			return -2;
		}
		memcpy(res->xlated, prog->insns, (size_t)len * sizeof(*insns));
		res->xlated_cnt = len;
	}
#ifdef ALTBPF_HAVE_JIT
	if (engine == ABPF_ENGINE_JIT || o->want_code) {
		struct abpf_jit_host host;
		u32 *offsets = NULL;

		abpf_native_jit_host(&host, 0);
		if (o->want_code) {
			offsets = calloc((size_t)len + 1, sizeof(*offsets));
			host.insn_offsets = offsets;
		}
		err = offsets || !o->want_code ?
		      abpf_jit_compile(prog, &host, &log) : -ENOMEM;
		if (err && engine == ABPF_ENGINE_JIT) {
			snprintf(res->msg, sizeof(res->msg),
				 "JIT compilation failed (%d): %.180s", err,
				 res->log);
			free(offsets);
			abpf_prog_free(prog);
			return -2;
		}
		if (!err && o->want_code) {
			res->jited = malloc(prog->jit_size);
			if (res->jited) {
				memcpy(res->jited, prog->jit_image,
				       prog->jit_size);
				res->jited_len = prog->jit_size;
				res->jit_offsets = offsets;
				res->nr_jit_offsets = len + 1;
				offsets = NULL;
			}
		}
		free(offsets);
	}
#endif
	if (o->no_run) {
		runs = 0;
		rc.error = 0;
		rc.error_pc = 0;
	}

	t0 = run_now_ns();
	for (i = 0; i < runs; i++) {
		native_run_ctx_init(&rc, o->prog_type, data, mem_len);
#ifdef ALTBPF_HAVE_JIT
		if (engine == ABPF_ENGINE_JIT)
			r0 = prog->jit_func(&rc);
		else
#endif
			r0 = abpf_interp_run(prog, &rc);
		if (rc.error)
			break;
	}
	res->ns_per_run = runs ? (run_now_ns() - t0) / (i < runs ? i + 1 : runs) :
			  0;
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

/* BPF_OBJ_GET_INFO_BY_FD: the xlated and JIT code, and the offsets. */
static int dev_get_code(int fd, int pfd, struct run_result *res)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = pfd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	if (altbpf_bpf(fd, BPF_OBJ_GET_INFO_BY_FD, &attr))
		return -errno;

	res->xlated_cnt = info.xlated_prog_len / sizeof(struct bpf_insn);
	res->xlated = calloc(res->xlated_cnt + 1, sizeof(struct bpf_insn));
	res->jited_len = info.jited_prog_len;
	res->nr_jit_offsets = info.nr_jited_line_info;
	if (res->jited_len) {
		res->jited = malloc(res->jited_len);
		res->jit_offsets = calloc(res->nr_jit_offsets + 1,
					  sizeof(u32));
	}
	if (!res->xlated || (res->jited_len &&
			     (!res->jited || !res->jit_offsets)))
		return -ENOMEM;

	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = res->xlated_cnt * sizeof(struct bpf_insn);
	info.xlated_prog_insns = (__u64)(unsigned long)res->xlated;
	if (res->jited) {
		info.jited_prog_len = res->jited_len;
		info.jited_prog_insns = (__u64)(unsigned long)res->jited;
		/* altbpf: u32 image offsets per instruction (docs/abi.md) */
		info.nr_jited_line_info = res->nr_jit_offsets;
		info.jited_line_info_rec_size = sizeof(u32);
		info.jited_line_info = (__u64)(unsigned long)res->jit_offsets;
	}
	if (altbpf_bpf(fd, BPF_OBJ_GET_INFO_BY_FD, &attr))
		return -errno;
	if (res->jited && res->nr_jit_offsets != res->xlated_cnt + 1)
		return -EPROTO;
	return 0;
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
			 ALTBPF_PROG_TYPE_CONFORMANCE :
			 o->prog_type == ABPF_PROG_TYPE_PACKET ?
			 ALTBPF_PROG_TYPE_PACKET : ALTBPF_PROG_TYPE_MEM;
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

	if (o->want_code) {
		ret = dev_get_code(fd, pfd, res);
		if (ret) {
			snprintf(res->msg, sizeof(res->msg),
				 "BPF_OBJ_GET_INFO_BY_FD: %s", strerror(-ret));
			ret = -2;
			goto out;
		}
	}
	if (o->no_run) {
		ret = 0;
		goto out;
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

void run_result_free(struct run_result *res)
{
	free(res->xlated);
	free(res->jited);
	free(res->jit_offsets);
	res->xlated = NULL;
	res->jited = NULL;
	res->jit_offsets = NULL;
	res->xlated_cnt = res->jited_len = res->nr_jit_offsets = 0;
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
