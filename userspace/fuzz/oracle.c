// SPDX-License-Identifier: GPL-2.0
/*
 * oracle.c - the fuzzer's oracles (oracle.h): check, then run on the
 * single-step executor, the interpreter (twice) and the JIT, compare.
 */
#include <alloca.h>

#include "oracle.h"
#include "ctx.h"
#include "stepper.h"
#include "jit.h"
#include "maps.h"
#include "maps_native.h"
#include "runner.h"

#define RUN_BUDGET	4096
#define HASH_SLOTS	4
#define DUMP_MAX	256

struct fuzz_counts fuzz_counts;
struct fuzz_last fuzz_last;

static struct fuzz_maps maps;
static struct abpf_map *array_map, *value_map, *hash_map;
static u64 hash_values[HASH_SLOTS];
static u8 mem_buf[FUZZ_MEM_LEN] __attribute__((aligned(64)));

struct outcome {
	u64 r0;
	int error;
	u32 error_pc;
	u64 budget;
	u8 mem[FUZZ_MEM_LEN];
	u8 maps[DUMP_MAX];
	u32 maps_len;
};

static int make_map(u32 type, u32 value_size, u32 max_entries)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = 4;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	return abpf_native_map_create(&attr);
}

/* Every hash key, in ascending order. */
static u32 hash_keys(u32 *keys)
{
	u32 n = 0, k, cur;
	bool first = true;

	while (n < HASH_SLOTS &&
	       !abpf_native_map_get_next_key(maps.hash_fd, first ? NULL : &cur,
					     &keys[n])) {
		cur = keys[n++];
		first = false;
	}
	for (k = 1; k < n; k++) {
		u32 x = keys[k], j = k;

		for (; j && keys[j - 1] > x; j--)
			keys[j] = keys[j - 1];
		keys[j] = x;
	}
	return n;
}

/* The same contents before every run. */
static void reset_maps(void)
{
	u8 v[32];
	u32 keys[HASH_SLOTS], n, k, j;

	for (k = 0; k < 4; k++) {
		for (j = 0; j < sizeof(v); j++)
			v[j] = (u8)(k * 16 + j) ^ 0x5a;
		abpf_native_map_update(maps.array_fd, &k, v, 0);
	}
	k = 0;
	memset(v, 0x3c, sizeof(v));
	abpf_native_map_update(maps.value_fd, &k, v, 0);
	n = hash_keys(keys);
	for (k = 0; k < n; k++)
		abpf_native_map_delete(maps.hash_fd, &keys[k]);
	for (k = 0; k < 2; k++) {
		memset(v, 0x70 + k, sizeof(v));
		abpf_native_map_update(maps.hash_fd, &k, v, 0);
	}
}

static u32 dump_maps(u8 *out)
{
	u32 keys[HASH_SLOTS], n, k, len = 0;

	for (k = 0; k < 4; k++, len += 16)
		abpf_native_map_lookup(maps.array_fd, &k, out + len);
	k = 0;
	abpf_native_map_lookup(maps.value_fd, &k, out + len);
	len += 32;
	n = hash_keys(keys);
	for (k = 0; k < n; k++) {
		memcpy(out + len, &keys[k], 4);
		abpf_native_map_lookup(maps.hash_fd, &keys[k], out + len + 4);
		len += 12;
	}
	return len;
}

static bool value_ok(const struct abpf_map *map, u64 addr)
{
	u64 base;
	u32 k;

	if (map == array_map) {
		for (k = 0; k < map->max_entries; k++)
			if (addr == (u64)(unsigned long)map->ops->lookup(array_map, &k))
				return true;
		return false;
	}
	if (map == value_map)
		return !map->ops->direct_value(value_map, &base) && addr == base;
	for (k = 0; k < HASH_SLOTS; k++)
		if (addr == hash_values[k])
			return true;
	return false;
}

static bool in_range(u64 addr, u32 size, u64 base, u32 len)
{
	return addr >= base && addr - base <= len && len - (addr - base) >= size;
}

static bool in_value(u64 addr, u32 size)
{
	u64 base;
	u32 k;

	for (k = 0; k < array_map->max_entries; k++)
		if (in_range(addr, size,
			     (u64)(unsigned long)array_map->ops->lookup(array_map, &k),
			     array_map->value_size))
			return true;
	if (!value_map->ops->direct_value(value_map, &base) &&
	    in_range(addr, size, base, value_map->value_size))
		return true;
	for (k = 0; k < HASH_SLOTS; k++)
		if (in_range(addr, size, hash_values[k], hash_map->value_size))
			return true;
	return false;
}

static const struct step_host step_host = {
	.value_ok = value_ok, .in_value = in_value,
};
static const struct step_host step_host_ctx = {
	.value_ok = value_ok, .in_value = in_value, .taint_ctx = true,
};
bool oracle_check_ctx;

int oracle_init(void)
{
	u8 v[8] = { 0 };
	u32 k;

	if (array_map)
		return 0;
	maps.array_fd = make_map(BPF_MAP_TYPE_ARRAY, 16, 4);
	maps.value_fd = make_map(BPF_MAP_TYPE_ARRAY, 32, 1);
	maps.hash_fd = make_map(BPF_MAP_TYPE_HASH, 8, HASH_SLOTS);
	if (maps.array_fd < 0 || maps.value_fd < 0 || maps.hash_fd < 0)
		return -ENOMEM;
	array_map = abpf_native_map_get(maps.array_fd);
	value_map = abpf_native_map_get(maps.value_fd);
	hash_map = abpf_native_map_get(maps.hash_fd);
	/* The hash map's value slots: fill it, note where each value is. */
	for (k = 0; k < HASH_SLOTS; k++) {
		u32 key = 1000 + k;

		abpf_native_map_update(maps.hash_fd, &key, v, 0);
		hash_values[k] = (u64)(unsigned long)hash_map->ops->lookup(hash_map, &key);
	}
	reset_maps();
	return 0;
}

const struct fuzz_maps *oracle_maps(void)
{
	return &maps;
}

/* A rejection must name an instruction of the program and a reason. */
static bool names_insn(const char *log, u32 len)
{
	unsigned int idx;
	int n = 0;

	if (sscanf(log, "insn %u: %n", &idx, &n) != 1 || !n)
		return false;
	return idx < len && log[n] && log[n] != '\n';
}

static void start(struct abpf_run_ctx *rc, const struct fuzz_case *c)
{
	reset_maps();
	memcpy(mem_buf, c->mem, sizeof(mem_buf));
	fuzz_ctx_start(rc, c, mem_buf, sizeof(mem_buf));
	rc->budget = RUN_BUDGET;
}

static void finish(struct abpf_run_ctx *rc, u64 r0, struct outcome *o)
{
	o->r0 = r0;
	o->error = rc->error;
	o->error_pc = rc->error_pc;
	o->budget = rc->budget;
	memcpy(o->mem, mem_buf, sizeof(mem_buf));
	o->maps_len = dump_maps(o->maps);
}

/* The interpreter with its stack shift bytes further down. */
static __attribute__((noinline)) u64 interp_at(const struct abpf_prog *prog,
					       struct abpf_run_ctx *rc,
					       u32 shift)
{
	volatile u8 *pad = alloca(shift + 1);

	pad[0] = 0;
	return abpf_interp_run(prog, rc);
}

static int differ(const struct outcome *a, const struct outcome *b,
		  char *why, size_t size, const char *an, const char *bn)
{
	const char *what = NULL;

	if (a->error != b->error || (a->error && a->error_pc != b->error_pc))
		what = "abort";
	else if (a->r0 != b->r0)
		what = "r0";
	else if (a->budget != b->budget)
		what = "budget";
	else if (memcmp(a->mem, b->mem, sizeof(a->mem)))
		what = "input memory";
	else if (a->maps_len != b->maps_len ||
		 memcmp(a->maps, b->maps, a->maps_len))
		what = "map contents";
	if (!what)
		return 0;
	snprintf(why, size,
		 "%s differs: %s r0=%#llx err=%d pc=%u budget=%llu, %s r0=%#llx err=%d pc=%u budget=%llu",
		 what, an, (unsigned long long)a->r0, a->error, a->error_pc,
		 (unsigned long long)a->budget, bn, (unsigned long long)b->r0,
		 b->error, b->error_pc, (unsigned long long)b->budget);
	return 1;
}

static enum fuzz_verdict run_checked(const struct fuzz_case *c,
				     struct abpf_prog *prog,
				     const struct abpf_insn_facts *facts,
				     char *why, size_t size)
{
	static char logbuf[4096];
	struct abpf_log log = { .buf = logbuf, .size = sizeof(logbuf) };
	struct outcome oi, oi2, os, oj;
	struct step_result sr;
	struct abpf_run_ctx rc;
	bool stable;
	int err;
	u64 r0;

	start(&rc, c);
	stepper_run(prog, facts, &step_host, &rc, &sr);
	if (sr.fail[0]) {
		snprintf(why, size, "false accept: %s", sr.fail);
		return FUZZ_FAIL;
	}
	finish(&rc, sr.r0, &os);

	start(&rc, c);
	r0 = interp_at(prog, &rc, 64);
	finish(&rc, r0, &oi);
	start(&rc, c);
	r0 = interp_at(prog, &rc, 4096 + 8);
	finish(&rc, r0, &oi2);
	stable = !sr.addr_dependent && !sr.unsupported;
	if (sr.addr_dependent)
		snprintf(why, size, "address-dependent from insn %u",
			 sr.addr_dependent_pc);
	/* Independent of the stack's address: must not depend on it. */
	if (stable && differ(&oi, &oi2, why, size, "interp (stack A)",
			     "interp (stack B)"))
		return FUZZ_FAIL;
	fuzz_last.ctx_dependent = false;
	if (oracle_check_ctx) {
		struct step_result sc;

		start(&rc, c);
		stepper_run(prog, facts, &step_host_ctx, &rc, &sc);
		fuzz_last.ctx_dependent = sc.addr_dependent || sc.fail[0];
	}
	fuzz_last.r0 = oi.r0;
	fuzz_last.error = oi.error;
	fuzz_last.stable = stable;
	if (stable && differ(&oi, &os, why, size, "interp", "stepper"))
		return FUZZ_FAIL;

	err = abpf_native_jit(prog, c->blind, &log);
	if (err == -EOPNOTSUPP) {
		fuzz_counts.nojit++;
		return stable ? FUZZ_AGREE : FUZZ_UNSTABLE;
	}
	if (err) {
		snprintf(why, size, "the JIT failed (%d) on a checked program: %s",
			 err, logbuf);
		return FUZZ_FAIL;
	}
	start(&rc, c);
	r0 = prog->jit_func(&rc);
	finish(&rc, r0, &oj);
	abpf_native_jit_free(prog);
	if (rc.stack_lo || rc.stack_hi) {
		snprintf(why, size, "the JIT left rc->stack_lo/hi set");
		return FUZZ_FAIL;
	}
	if (!stable)
		return FUZZ_UNSTABLE;
	if (differ(&oi, &oj, why, size, "interp", "jit"))
		return FUZZ_FAIL;
	return FUZZ_AGREE;
}

enum fuzz_verdict oracle_run(const struct fuzz_case *c, char *why, size_t size)
{
	static char logbuf[4096];
	static struct abpf_insn_facts facts[FUZZ_MAX_INSNS];
	struct abpf_log log = { .buf = logbuf, .size = sizeof(logbuf) };
	enum fuzz_verdict v = FUZZ_REJECTED;
	struct abpf_prog *prog;
	bool accepted = false;
	int err;

	why[0] = 0;
	logbuf[0] = 0;
	if (!c->len) {
		/* a case file cut down to its header: nothing to load */
		snprintf(why, size, "empty program");
		fuzz_counts.execs++;
		fuzz_counts.rejected++;
		return FUZZ_REJECTED;
	}
	prog = abpf_prog_alloc(c->insns, c->len, c->type);
	if (!prog) {
		snprintf(why, size, "abpf_prog_alloc failed");
		return FUZZ_FAIL;
	}
	err = abpf_prog_bind_maps(prog, &abpf_native_resolver, &log);
	if (!err)
		err = abpf_check_facts(prog, &log, facts);
	if (err) {
		if (!names_insn(logbuf, c->len)) {
			snprintf(why, size, "rejected (%d) without naming an instruction: %s",
				 err, logbuf);
			v = FUZZ_FAIL;
		} else {
			snprintf(why, size, "%s", logbuf);
		}
	} else {
		accepted = true;
		if (abpf_interp_prepare(prog)) {
			snprintf(why, size, "abpf_interp_prepare failed on a checked program");
			v = FUZZ_FAIL;
		} else {
			v = run_checked(c, prog, facts, why, size);
		}
	}
	abpf_prog_free(prog);

	fuzz_counts.execs++;
	if (v == FUZZ_REJECTED)
		fuzz_counts.rejected++;
	fuzz_counts.accepted += accepted;
	if (v == FUZZ_UNSTABLE)
		fuzz_counts.unstable++;
	if (v == FUZZ_FAIL)
		fuzz_counts.failed++;
	return v;
}

enum fuzz_verdict oracle_run_bytes(const u8 *data, size_t size, char *why,
				   size_t why_size)
{
	static struct fuzz_case c;

	fuzz_generate(data, size, &maps, &c);
	return oracle_run(&c, why, why_size);
}
