// SPDX-License-Identifier: GPL-2.0
/*
 * bench_altbpf.c - altbpf's engines for the harness: natively (the engine
 * core in-process, with userspace/maps_native.c's maps, as the native
 * tests do it) and in the guest through /dev/altbpf (userspace/
 * elf_loader.c, BPF_PROG_TEST_RUN with the engine in attr.test.flags).
 * Both load build/bench/obj/NAME.altbpf.o; the entry point is the program
 * named NAME.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "altbpf.h"
#include "elf_loader.h"
#include "runner.h"
#include "maps.h"
#include "maps_native.h"
#ifdef ALTBPF_HAVE_JIT
#include "jit.h"
#endif
#include "bench.h"

static char bench_log[65536];

/* The last non-empty line of a checker log: the reason. */
static const char *last_line(const char *log)
{
	static char line[200];
	const char *end = log + strlen(log), *s;

	while (end > log && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	for (s = end; s > log && s[-1] != '\n'; s--)
		;
	snprintf(line, sizeof(line), "%.*s", (int)(end - s), s);
	return line;
}

static int entry_of(const struct elf_obj *o, const char *name)
{
	for (int i = 0; i < o->nr_progs; i++)
		if (!strcmp(o->progs[i].name, name))
			return i;
	return -1;
}

static int map_of(const struct elf_obj *o, const char *name)
{
	for (int i = 0; i < o->nr_maps; i++)
		if (!strcmp(o->maps[i].name, name))
			return i;
	return -1;
}

static int open_obj(struct bench_inst *inst, const char *obj_dir,
		    struct elf_obj *o)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.altbpf.o", obj_dir,
		 inst->spec->name);
	if (elf_obj_open(path, o)) {
		snprintf(inst->why, sizeof(inst->why), "%s", o->err);
		return -1;
	}
	if (entry_of(o, inst->spec->name) < 0) {
		snprintf(inst->why, sizeof(inst->why), "%s: no program '%s'",
			 path, inst->spec->name);
		elf_obj_close(o);
		return -1;
	}
	return 0;
}

/* ---- natively: the engine core in-process ---- */

struct native_state {
	struct elf_obj obj;
	int fds[ELF_MAX_MAPS];
	struct abpf_prog *progs[ELF_MAX_PROGS];
	int entry;
};

static void native_unload(struct bench_inst *inst)
{
	struct native_state *s = inst->priv;

	if (!s)
		return;
	for (int i = 0; i < s->obj.nr_slots; i++)
		abpf_native_prog_array_set(s->fds[s->obj.slots[i].map],
					   s->obj.slots[i].index, NULL);
	for (int i = 0; i < s->obj.nr_progs; i++) {
		if (!s->progs[i])
			continue;
#ifdef ALTBPF_HAVE_JIT
		if (s->progs[i]->jit_image) {
			struct abpf_jit_host host;

			abpf_native_jit_host(&host, 0);
			abpf_jit_release(s->progs[i], &host);
		}
#endif
		abpf_prog_free(s->progs[i]);
	}
	for (int i = 0; i < s->obj.nr_maps; i++)
		if (s->fds[i] > 0)
			abpf_native_map_close(s->fds[i]);
	elf_obj_close(&s->obj);
	free(s);
	inst->priv = NULL;
}

static struct abpf_prog *native_prog(struct bench_inst *inst,
				     struct native_state *s,
				     struct elf_prog *p)
{
	struct abpf_log log = { bench_log, sizeof(bench_log), 0, 1, false };
	u32 type = p->prog_type == ALTBPF_PROG_TYPE_MEM ? ABPF_PROG_TYPE_MEM :
		   ABPF_PROG_TYPE_PACKET;
	struct abpf_prog *prog;
	int err;

	for (u32 k = 0; k < p->nr_relocs; k++) {
		struct elf_reloc *r = &p->relocs[k];
		struct bpf_insn *insn = &p->insns[r->insn];

		insn[0].imm = s->fds[r->map];
		insn[0].src_reg = r->off == ~0U ? BPF_PSEUDO_MAP_FD :
						  BPF_PSEUDO_MAP_VALUE;
		insn[1].imm = r->off == ~0U ? 0 : r->off;
	}
	bench_log[0] = 0;
	prog = abpf_prog_alloc(p->insns, p->cnt, type);
	if (!prog) {
		snprintf(inst->why, sizeof(inst->why), "out of memory");
		return NULL;
	}
	err = abpf_prog_bind_maps(prog, &abpf_native_resolver, &log);
	if (!err)
		err = abpf_check(prog, &log);
	if (!err)
		err = abpf_interp_prepare(prog);
#ifdef ALTBPF_HAVE_JIT
	if (!err && inst->engine == ENG_ALTBPF_JIT) {
		struct abpf_jit_host host;

		abpf_native_jit_host(&host, 0);
		err = abpf_jit_compile(prog, &host, &log);
	}
#else
	if (!err && inst->engine == ENG_ALTBPF_JIT)
		err = -EOPNOTSUPP;
#endif
	if (err) {
		snprintf(inst->why, sizeof(inst->why), "%s rejected (%s): %s",
			 p->name, errno_name(err), last_line(bench_log));
		abpf_prog_free(prog);
		return NULL;
	}
	return prog;
}

static int altbpf_native_load(struct bench_inst *inst, const char *obj_dir)
{
	struct native_state *s = calloc(1, sizeof(*s));

	if (!s || open_obj(inst, obj_dir, &s->obj)) {
		free(s);
		return -1;
	}
	inst->priv = s;
	s->entry = entry_of(&s->obj, inst->spec->name);
	for (int i = 0; i < s->obj.nr_maps; i++) {
		struct elf_map *m = &s->obj.maps[i];
		union bpf_attr a;
		__u32 zero = 0;

		memset(&a, 0, sizeof(a));
		a.map_type = m->type;
		a.key_size = m->key_size;
		a.value_size = m->value_size;
		a.max_entries = m->max_entries;
		a.map_flags = m->map_flags;
		s->fds[i] = abpf_native_map_create(&a);
		if (s->fds[i] < 0 ||
		    (m->init && abpf_native_map_update(s->fds[i], &zero,
						       m->init, 0))) {
			snprintf(inst->why, sizeof(inst->why),
				 "map '%s': create: %s", m->name,
				 errno_name(s->fds[i]));
			goto fail;
		}
	}
	for (int i = 0; i < s->obj.nr_progs; i++) {
		s->progs[i] = native_prog(inst, s, &s->obj.progs[i]);
		if (!s->progs[i])
			goto fail;
	}
	for (int i = 0; i < s->obj.nr_slots; i++) {
		struct elf_slot *sl = &s->obj.slots[i];
		int pi = entry_of(&s->obj, sl->prog);

		if (pi < 0 || abpf_native_prog_array_set(s->fds[sl->map],
							 sl->index,
							 s->progs[pi])) {
			snprintf(inst->why, sizeof(inst->why),
				 "prog array slot %u: cannot set '%s'",
				 sl->index, sl->prog);
			goto fail;
		}
	}
	return 0;
fail:
	native_unload(inst);
	return -1;
}

static int native_map_update(struct bench_inst *inst, const char *map,
			     const void *key, const void *value)
{
	struct native_state *s = inst->priv;
	int mi = map_of(&s->obj, map), err;

	err = mi < 0 ? -ENOENT :
	      abpf_native_map_update(s->fds[mi], key, value, 0);
	if (err)
		snprintf(inst->why, sizeof(inst->why), "map '%s': update: %s",
			 map, errno_name(err));
	return err ? -1 : 0;
}

static int native_run(struct bench_inst *inst, const __u8 *pkt, __u32 len,
		      __u32 repeat, __u32 *retval, double *ns)
{
	struct native_state *s = inst->priv;
	const struct abpf_prog *prog = s->progs[s->entry];
	bool jit = inst->engine == ENG_ALTBPF_JIT;
	struct abpf_pkt_ctx ctx = {
		.data = (u64)(unsigned long)pkt,
		.data_end = (u64)(unsigned long)pkt + len,
		.len = len,
		.protocol = len >= 14 ? *(const u16 *)(pkt + 12) : 0,
	};
	struct abpf_run_ctx rc;
	double t0 = bench_cpu_ns();
	u64 r0 = 0;

	abpf_native_cpu = 0;
	for (__u32 i = 0; i < repeat; i++) {
		abpf_run_ctx_init_pkt(&rc, &ctx, false);
#ifdef ALTBPF_HAVE_JIT
		if (jit)
			r0 = prog->jit_func(&rc);
		else
#endif
			r0 = abpf_interp_run(prog, &rc);
		if (rc.error) {
			snprintf(inst->why, sizeof(inst->why),
				 "run aborted at insn %u: %s", rc.error_pc,
				 abpf_run_error_str(rc.error));
			return -1;
		}
	}
	*ns = (bench_cpu_ns() - t0) / repeat;
	*retval = (__u32)r0;
	return 0;
}

const struct bench_backend bench_native_backend = {
	.load = altbpf_native_load, .map_update = native_map_update,
	.run = native_run, .unload = native_unload,
};

/* ---- in the guest: /dev/altbpf ---- */

struct dev_state {
	struct elf_obj obj;
	int dev;
	int entry;
};

static void dev_unload(struct bench_inst *inst)
{
	struct dev_state *s = inst->priv;

	if (!s)
		return;
	elf_obj_close(&s->obj);
	close(s->dev);
	free(s);
	inst->priv = NULL;
}

static int dev_load(struct bench_inst *inst, const char *obj_dir)
{
	struct dev_state *s = calloc(1, sizeof(*s));
	struct bpf_prog_info info;
	union bpf_attr a;

	if (!s)
		return -1;
	s->dev = open(ALTBPF_DEVICE, O_RDWR | O_CLOEXEC);
	if (s->dev < 0) {
		snprintf(inst->why, sizeof(inst->why), "%s: %s",
			 ALTBPF_DEVICE, strerror(errno));
		free(s);
		return -1;
	}
	if (open_obj(inst, obj_dir, &s->obj)) {
		close(s->dev);
		free(s);
		return -1;
	}
	inst->priv = s;
	s->entry = entry_of(&s->obj, inst->spec->name);
	bench_log[0] = 0;
	if (elf_obj_load(&s->obj, s->dev, 1, bench_log, sizeof(bench_log))) {
		snprintf(inst->why, sizeof(inst->why), "%s: %s", s->obj.err,
			 last_line(bench_log));
		goto fail;
	}
	/* the JIT engine must really have compiled the program */
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = s->obj.progs[s->entry].fd;
	a.info.info_len = sizeof(info);
	a.info.info = (__u64)(unsigned long)&info;
	if (altbpf_sys(s->dev, BPF_OBJ_GET_INFO_BY_FD, &a)) {
		snprintf(inst->why, sizeof(inst->why),
			 "BPF_OBJ_GET_INFO_BY_FD: %s", strerror(errno));
		goto fail;
	}
	if (inst->engine == ENG_ALTBPF_JIT && !info.jited_prog_len) {
		snprintf(inst->why, sizeof(inst->why),
			 "not JIT-compiled (module parameter jit=0, or the JIT fell back)");
		goto fail;
	}
	return 0;
fail:
	dev_unload(inst);
	return -1;
}

static int dev_map_update(struct bench_inst *inst, const char *map,
			  const void *key, const void *value)
{
	struct dev_state *s = inst->priv;
	int mi = map_of(&s->obj, map);
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	if (mi >= 0) {
		a.map_fd = s->obj.maps[mi].fd;
		a.key = (__u64)(unsigned long)key;
		a.value = (__u64)(unsigned long)value;
	}
	if (mi < 0 || altbpf_sys(s->dev, BPF_MAP_UPDATE_ELEM, &a)) {
		snprintf(inst->why, sizeof(inst->why), "map '%s': update: %s",
			 map, mi < 0 ? "no such map" : strerror(errno));
		return -1;
	}
	return 0;
}

static int dev_run(struct bench_inst *inst, const __u8 *pkt, __u32 len,
		   __u32 repeat, __u32 *retval, double *ns)
{
	struct dev_state *s = inst->priv;
	__u32 engine = inst->engine == ENG_ALTBPF_JIT ? ALTBPF_ENGINE_JIT :
			ALTBPF_ENGINE_INTERP;
	__u64 r0 = 0;
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = s->obj.progs[s->entry].fd;
	a.test.data_in = (__u64)(unsigned long)pkt;
	a.test.data_size_in = len;
	a.test.repeat = repeat;
	a.test.flags = ALTBPF_TEST_RUN_ENGINE(engine) | ALTBPF_TEST_RUN_R0_OUT;
	a.test.ctx_out = (__u64)(unsigned long)&r0;
	a.test.ctx_size_out = sizeof(r0);
	if (altbpf_sys(s->dev, BPF_PROG_TEST_RUN, &a)) {
		snprintf(inst->why, sizeof(inst->why),
			 "BPF_PROG_TEST_RUN: %s", strerror(errno));
		return -1;
	}
	/* the module's own timer (like the kernel's bpf_test_timer) */
	*ns = a.test.duration;
	*retval = (__u32)r0;
	return 0;
}

const struct bench_backend bench_dev_backend = {
	.load = dev_load, .map_update = dev_map_update,
	.run = dev_run, .unload = dev_unload,
};
