// SPDX-License-Identifier: GPL-2.0
/*
 * maps_tests.c - altbpf-maps-tests: maps and typed helpers natively.
 *
 *  - kunit/tables/maps_progs.h on the interpreter and (with
 *    ALTBPF_HAVE_JIT) the JIT, over fresh native maps;
 *  - bpf(2)-side semantics of each map type (userspace/maps_native.c);
 *  - threads x updates through programs with exact totals.
 *
 * Output: "ok N - suite/name" / "not ok N - suite/name: why" lines, then
 * "maps: N passed, M failed"; exit 1 on failure.
 */
#include <pthread.h>

#include "tap.h"
#include "maps_native.h"
#include "maps_progs.h"
#include "verifier_ringbuf.h"
#ifdef ALTBPF_HAVE_JIT
#include "jit.h"
void abpf_native_jit_host(struct abpf_jit_host *host, u32 blind);
#endif

/* Failures carry a reason; passes print none. */
static void report(bool ok, const char *suite, const char *name,
		   const char *why)
{
	tap_report(ok, suite, name, "%s", why ? why : "(no detail)");
}

static int mk(u32 type, u32 ks, u32 vs, u32 n, u32 flags)
{
	return abpf_native_map_new(type, ks, vs, n, flags);
}

/* ---- programs (maps_progs.h) ---- */

struct loaded {
	struct abpf_prog *prog;
	char log[2048];
	int bind_err, check_err;
};

static void load(struct loaded *l, const struct bpf_insn *src, u32 max,
		 u32 type, const int *fds, u32 nr_maps, bool jit)
{
	struct bpf_insn insns[ABPF_TEST_MAX_INSNS];
	struct abpf_log log = { l->log, sizeof(l->log), 0, 1, false };
	u32 len = 0, i;

	memset(insns, 0, sizeof(insns));
	memcpy(insns, src, max * sizeof(*src));
	{
		static const struct bpf_insn zero;

		len = max;
		while (len && !memcmp(&insns[len - 1], &zero, sizeof(zero)))
			len--;
	}
	for (i = 0; i + 1 < len; i++) {
		if (insns[i].code != (BPF_LD | BPF_DW | BPF_IMM))
			continue;
		if ((insns[i].src_reg == BPF_PSEUDO_MAP_FD ||
		     insns[i].src_reg == BPF_PSEUDO_MAP_VALUE) &&
		    (u32)insns[i].imm < nr_maps)
			insns[i].imm = fds[insns[i].imm];
		i++;
	}
	l->log[0] = 0;
	l->prog = abpf_prog_alloc(insns, len, type);
	if (!l->prog) {
		l->bind_err = -ENOMEM;
		return;
	}
	l->bind_err = abpf_prog_bind_maps(l->prog, &abpf_native_resolver, &log);
	if (l->bind_err)
		return;
	l->check_err = abpf_check(l->prog, &log);
	if (l->check_err)
		return;
	if (abpf_interp_prepare(l->prog))
		l->check_err = -ENOMEM;
#ifdef ALTBPF_HAVE_JIT
	if (jit && !l->check_err) {
		struct abpf_jit_host host;

		abpf_native_jit_host(&host, 0);
		l->check_err = abpf_jit_compile(l->prog, &host, &log);
	}
#endif
}

static void unload(struct loaded *l)
{
	if (!l->prog)
		return;
#ifdef ALTBPF_HAVE_JIT
	{
		struct abpf_jit_host host;

		abpf_native_jit_host(&host, 0);
		abpf_jit_release(l->prog, &host);
	}
#endif
	abpf_prog_free(l->prog);
	l->prog = NULL;
}

static u64 run(struct abpf_prog *prog, bool jit, struct abpf_run_ctx *rc)
{
	if (jit)
		return prog->jit_func(rc);
	return abpf_interp_run(prog, rc);
}

static void prog_test(const struct abpf_map_prog_test *t, bool jit)
{
	const char *suite = jit ? "maps_progs/jit" : "maps_progs/interp";
	struct loaded main_l, tails[ABPF_MAPT_MAX_TAILS];
	int fds[ABPF_MAPT_MAX_MAPS], pa = -1;
	u32 nr = 0, k;
	char why[2600];
	bool ok = false;

	memset(&main_l, 0, sizeof(main_l));
	memset(tails, 0, sizeof(tails));
	why[0] = 0;
	for (k = 0; k < ABPF_MAPT_MAX_MAPS && t->maps[k].type; k++) {
		fds[k] = mk(t->maps[k].type, t->maps[k].key_size,
			    t->maps[k].value_size, t->maps[k].max_entries,
			    t->maps[k].flags);
		if (fds[k] < 0) {
			snprintf(why, sizeof(why), "map %u: create: %d", k, fds[k]);
			goto out;
		}
		if (t->maps[k].type == BPF_MAP_TYPE_PROG_ARRAY && pa < 0)
			pa = fds[k];
		nr = k + 1;
	}
	load(&main_l, t->insns, ABPF_TEST_MAX_INSNS, t->prog_type, fds, nr,
	     jit);
	if (t->bind_err || main_l.bind_err) {
		ok = main_l.bind_err == t->bind_err &&
		     (!t->msg || strstr(main_l.log, t->msg));
		snprintf(why, sizeof(why), "bind: %d (want %d): %s",
			 main_l.bind_err, t->bind_err, main_l.log);
		goto out;
	}
	if (t->msg || main_l.check_err) {
		ok = t->msg && main_l.check_err == t->err &&
		     strstr(main_l.log, t->msg);
		snprintf(why, sizeof(why), "check: %d (want %d): %s",
			 main_l.check_err, t->err, main_l.log);
		goto out;
	}
	for (k = 0; k < ABPF_MAPT_MAX_TAILS; k++) {
		if (!t->tails[k].slot1)
			continue;
		load(&tails[k], t->tails[k].insns, ABPF_MAPT_TAIL_INSNS,
		     t->prog_type, fds, nr, jit);
		if (tails[k].bind_err || tails[k].check_err) {
			snprintf(why, sizeof(why), "tail %u: %d/%d: %s", k,
				 tails[k].bind_err, tails[k].check_err,
				 tails[k].log);
			goto out;
		}
		abpf_native_prog_array_set(pa, t->tails[k].slot1 - 1,
					   tails[k].prog);
	}
	if (t->self_slot1)
		abpf_native_prog_array_set(pa, t->self_slot1 - 1, main_l.prog);
	{
		u8 mem[16] = { 0 };
		struct abpf_run_ctx rc;
		u64 r0;

		abpf_run_ctx_init_mem(&rc, mem, sizeof(mem));
		abpf_native_cpu = 0;
		r0 = run(main_l.prog, jit, &rc);
		ok = r0 == t->result && rc.error == t->run_error &&
		     !rc.stack_lo && !rc.stack_hi && !rc.tail_prog;
		snprintf(why, sizeof(why),
			 "r0 %#llx (want %#llx), error %d (want %d)",
			 (unsigned long long)r0,
			 (unsigned long long)t->result, rc.error, t->run_error);
	}
out:
	for (k = 0; k < nr; k++)
		abpf_native_map_close(fds[k]);
	unload(&main_l);
	for (k = 0; k < ABPF_MAPT_MAX_TAILS; k++)
		unload(&tails[k]);
	if (ok && abpf_native_maps_live()) {
		ok = false;
		snprintf(why, sizeof(why), "%d maps leaked",
			 abpf_native_maps_live());
	}
	report(ok, suite, t->name, why);
}

/* ---- bpf(2)-side semantics ---- */

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		snprintf(why, sizeof(why), "line %d: %s", __LINE__, #cond); \
		goto out;						\
	}								\
} while (0)

static void sem_array(void)
{
	char why[256] = "";
	bool ok = false;
	int fd = mk(BPF_MAP_TYPE_ARRAY, 4, 12, 3, 0);
	u32 k, nk;
	u8 v[12], w[12];

	CHECK(fd >= 0);
	CHECK(mk(BPF_MAP_TYPE_ARRAY, 8, 12, 3, 0) == -EINVAL);
	CHECK(mk(BPF_MAP_TYPE_ARRAY, 4, 0, 3, 0) == -EINVAL);
	CHECK(mk(BPF_MAP_TYPE_ARRAY, 4, 4, 0, 0) == -EINVAL);
	memset(v, 7, sizeof(v));
	k = 1;
	CHECK(abpf_native_map_update(fd, &k, v, BPF_ANY) == 0);
	CHECK(abpf_native_map_update(fd, &k, v, BPF_NOEXIST) == -EEXIST);
	CHECK(abpf_native_map_update(fd, &k, v, BPF_EXIST) == 0);
	CHECK(abpf_native_map_update(fd, &k, v, 4) == -EINVAL);
	CHECK(abpf_native_map_lookup(fd, &k, w) == 0 && !memcmp(v, w, 12));
	k = 0;
	CHECK(abpf_native_map_lookup(fd, &k, w) == 0 && !w[0] && !w[11]);
	k = 3;
	CHECK(abpf_native_map_lookup(fd, &k, w) == -ENOENT);
	CHECK(abpf_native_map_update(fd, &k, v, BPF_ANY) == -E2BIG);
	CHECK(abpf_native_map_delete(fd, &k) == -EINVAL);
	CHECK(abpf_native_map_get_next_key(fd, NULL, &nk) == 0 && nk == 0);
	k = 1;
	CHECK(abpf_native_map_get_next_key(fd, &k, &nk) == 0 && nk == 2);
	k = 2;
	CHECK(abpf_native_map_get_next_key(fd, &k, &nk) == -ENOENT);
	k = 9;
	CHECK(abpf_native_map_get_next_key(fd, &k, &nk) == 0 && nk == 0);
	ok = true;
out:
	abpf_native_map_close(fd);
	report(ok, "maps_sem", "array", why);
}

static void sem_hash(u32 type, const char *name)
{
	char why[256] = "";
	bool ok = false;
	int fd = mk(type, 4, 8, 3, 0);
	u32 k, nk, seen = 0, n = 0;
	u64 v, w;

	CHECK(fd >= 0);
	k = 5;
	v = 50;
	CHECK(abpf_native_map_update(fd, &k, &v, BPF_EXIST) == -ENOENT);
	CHECK(abpf_native_map_update(fd, &k, &v, BPF_NOEXIST) == 0);
	CHECK(abpf_native_map_update(fd, &k, &v, BPF_NOEXIST) == -EEXIST);
	v = 51;
	CHECK(abpf_native_map_update(fd, &k, &v, BPF_EXIST) == 0);
	CHECK(abpf_native_map_lookup(fd, &k, &w) == 0 && w == 51);
	k = 6;
	CHECK(abpf_native_map_update(fd, &k, &v, BPF_ANY) == 0);
	k = 7;
	CHECK(abpf_native_map_update(fd, &k, &v, BPF_ANY) == 0);
	k = 8;
	if (type == BPF_MAP_TYPE_LRU_HASH)
		CHECK(abpf_native_map_update(fd, &k, &v, BPF_ANY) == 0);
	else
		CHECK(abpf_native_map_update(fd, &k, &v, BPF_ANY) == -E2BIG);
	/* iterate: every key once */
	if (!abpf_native_map_get_next_key(fd, NULL, &nk)) {
		do {
			seen |= 1U << nk;
			n++;
			k = nk;
		} while (!abpf_native_map_get_next_key(fd, &k, &nk) && n < 10);
	}
	CHECK(n == 3);
	if (type == BPF_MAP_TYPE_LRU_HASH)
		CHECK(seen == ((1U << 6) | (1U << 7) | (1U << 8)));
	else
		CHECK(seen == ((1U << 5) | (1U << 6) | (1U << 7)));
	k = 6;
	CHECK(abpf_native_map_delete(fd, &k) == 0);
	CHECK(abpf_native_map_delete(fd, &k) == -ENOENT);
	CHECK(abpf_native_map_lookup(fd, &k, &w) == -ENOENT);
	ok = true;
out:
	abpf_native_map_close(fd);
	report(ok, "maps_sem", name, why);
}

static void sem_percpu(void)
{
	char why[256] = "";
	bool ok = false;
	int fa = mk(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 2, 0);
	int fh = mk(BPF_MAP_TYPE_PERCPU_HASH, 4, 4, 2, 0);
	u64 vals[ABPF_NATIVE_NR_CPUS], out[ABPF_NATIVE_NR_CPUS];
	u32 k = 1, c;
	struct abpf_map *m;
	void *p;

	CHECK(fa >= 0 && fh >= 0);
	/* per-CPU values are 8-byte slots in the syscall buffer */
	for (c = 0; c < ABPF_NATIVE_NR_CPUS; c++)
		vals[c] = 100 + c;
	CHECK(abpf_native_map_update(fa, &k, vals, BPF_ANY) == 0);
	CHECK(abpf_native_map_update(fh, &k, vals, BPF_ANY) == 0);
	CHECK(abpf_native_map_lookup(fa, &k, out) == 0 &&
	      !memcmp(vals, out, sizeof(out)));
	CHECK(abpf_native_map_lookup(fh, &k, out) == 0 &&
	      !memcmp(vals, out, sizeof(out)));
	/* a program on CPU 2 sees CPU 2's value */
	abpf_native_cpu = 2;
	m = abpf_native_map_get(fa);
	p = m->ops->lookup(m, &k);
	m->ops->put(m);
	CHECK(p && *(u32 *)p == 102);
	ok = true;
out:
	abpf_native_cpu = 0;
	abpf_native_map_close(fa);
	abpf_native_map_close(fh);
	report(ok, "maps_sem", "percpu array and hash", why);
}

static void sem_lpm(void)
{
	char why[256] = "";
	bool ok = false;
	int fd = mk(BPF_MAP_TYPE_LPM_TRIE, 8, 4, 8, BPF_F_NO_PREALLOC);
	struct { u32 plen; u8 d[4]; } key;
	u32 v, w;

	CHECK(mk(BPF_MAP_TYPE_LPM_TRIE, 8, 4, 8, 0) == -EINVAL);
	CHECK(fd >= 0);
	key.plen = 8; memcpy(key.d, "\xc0\x00\x00\x00", 4); v = 1;
	CHECK(abpf_native_map_update(fd, &key, &v, BPF_ANY) == 0);
	key.plen = 24; memcpy(key.d, "\xc0\xa8\x01\xff", 4); v = 2;
	CHECK(abpf_native_map_update(fd, &key, &v, BPF_ANY) == 0);
	key.plen = 33;
	CHECK(abpf_native_map_update(fd, &key, &v, BPF_ANY) == -EINVAL);
	key.plen = 32; memcpy(key.d, "\xc0\xa8\x01\x07", 4);
	CHECK(abpf_native_map_lookup(fd, &key, &w) == 0 && w == 2);
	memcpy(key.d, "\xc0\xa8\x02\x07", 4);
	CHECK(abpf_native_map_lookup(fd, &key, &w) == 0 && w == 1);
	memcpy(key.d, "\x0a\x00\x00\x01", 4);
	CHECK(abpf_native_map_lookup(fd, &key, &w) == -ENOENT);
	key.plen = 24; memcpy(key.d, "\xc0\xa8\x01\x00", 4);
	CHECK(abpf_native_map_delete(fd, &key) == 0);
	key.plen = 32; memcpy(key.d, "\xc0\xa8\x01\x07", 4);
	CHECK(abpf_native_map_lookup(fd, &key, &w) == 0 && w == 1);
	ok = true;
out:
	abpf_native_map_close(fd);
	report(ok, "maps_sem", "lpm trie", why);
}

static void count_rec(const void *data, u32 len, void *arg)
{
	u64 *sum = arg;

	*sum += len * 1000 + ((const u8 *)data)[0];
}

static void sem_ringbuf(void)
{
	char why[256] = "";
	bool ok = false;
	int fd = mk(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0);
	struct abpf_map *m = NULL;
	u64 sum = 0, i;
	u8 buf[100];

	CHECK(mk(BPF_MAP_TYPE_RINGBUF, 0, 0, 4000, 0) == -EINVAL);
	CHECK(fd >= 0);
	m = abpf_native_map_get(fd);
	memset(buf, 3, sizeof(buf));
	/* fill: 100 + 8 header -> 112 bytes each, 36 fit in 4096 */
	for (i = 0; i < 40; i++)
		if (abpf_host_ringbuf_output((u64)(unsigned long)m,
					     (u64)(unsigned long)buf, 100, 0,
					     0, NULL))
			break;
	CHECK(i == 36);
	CHECK(abpf_native_ringbuf_consume(fd, count_rec, &sum) == 36);
	CHECK(sum == 36 * 100003ULL);
	/* wraps around with a padding record */
	for (i = 0; i < 20; i++)
		CHECK(abpf_host_ringbuf_output((u64)(unsigned long)m,
					       (u64)(unsigned long)buf, 100,
					       0, 0, NULL) == 0);
	sum = 0;
	CHECK(abpf_native_ringbuf_consume(fd, count_rec, &sum) == 20);
	ok = true;
out:
	if (m)
		m->ops->put(m);
	abpf_native_map_close(fd);
	report(ok, "maps_sem", "ringbuf", why);
}

/* ---- concurrency: threads x programs doing atomic adds / updates ---- */

#define NTHREADS	ABPF_NATIVE_NR_CPUS
#define NITER		20000

struct worker {
	struct abpf_prog *prog;
	u32 cpu;
	int bad;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	u32 i;

	abpf_native_cpu = w->cpu;
	for (i = 0; i < NITER; i++) {
		u8 mem[16] = { 0 };
		struct abpf_run_ctx rc;

		abpf_run_ctx_init_mem(&rc, mem, sizeof(mem));
		if (abpf_interp_run(w->prog, &rc) || rc.error)
			w->bad++;
	}
	return NULL;
}

static void concurrency(void)
{
	/* array[0] += 1 (atomic); percpu[0] += 1; hash[cpu] = hash[cpu] + 1 */
	static const struct bpf_insn insns[] = {
		LOOKUP32(0, 0),
		ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
		ABPF_MOV64_IMM(BPF_REG_1, 1),
		ABPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1, 0),
		ABPF_JMP_A(0),
		LOOKUP32(1, 0),
		ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
		ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
		ABPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		ABPF_CALL_HELPER(BPF_FUNC_get_smp_processor_id),
		ABPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, -4),
		ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		ABPF_LD_MAP(BPF_REG_1, 2),
		ABPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
		ABPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4),
		ABPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
		ABPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		ABPF_JMP_A(9),
		ABPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		ABPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		VAL64(1),
		ABPF_MOV64_IMM(BPF_REG_4, BPF_NOEXIST),
		ABPF_LD_MAP(BPF_REG_1, 2),
		ABPF_CALL_HELPER(BPF_FUNC_map_update_elem),
		ABPF_MOV64_IMM(BPF_REG_0, 0),
		ABPF_EXIT(),
	};
	char why[256] = "";
	bool ok = false;
	int fds[3];
	struct loaded l;
	struct worker w[NTHREADS];
	pthread_t th[NTHREADS];
	u64 total, pc[ABPF_NATIVE_NR_CPUS];
	u32 k, c;

	memset(&l, 0, sizeof(l));
	fds[0] = mk(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	fds[1] = mk(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0);
	fds[2] = mk(BPF_MAP_TYPE_HASH, 4, 8, 16, 0);
	load(&l, insns, ARRAY_SIZE(insns), ABPF_PROG_TYPE_MEM, fds, 3, false);
	if (l.bind_err || l.check_err) {
		snprintf(why, sizeof(why), "load %d/%d: %.200s", l.bind_err,
			 l.check_err, l.log);
		goto out;
	}
	for (c = 0; c < NTHREADS; c++) {
		w[c].prog = l.prog;
		w[c].cpu = c;
		w[c].bad = 0;
		pthread_create(&th[c], NULL, work, &w[c]);
	}
	for (c = 0; c < NTHREADS; c++) {
		pthread_join(th[c], NULL);
		CHECK(!w[c].bad);
	}
	k = 0;
	CHECK(!abpf_native_map_lookup(fds[0], &k, &total));
	CHECK(total == (u64)NTHREADS * NITER);
	CHECK(!abpf_native_map_lookup(fds[1], &k, pc));
	for (c = 0; c < ABPF_NATIVE_NR_CPUS; c++)
		CHECK(pc[c] == NITER);
	for (c = 0; c < NTHREADS; c++) {
		CHECK(!abpf_native_map_lookup(fds[2], &c, &total));
		CHECK(total == NITER);
	}
	ok = true;
out:
	for (k = 0; k < 3; k++)
		abpf_native_map_close(fds[k]);
	unload(&l);
	report(ok, "maps_concurrency",
	       "4 threads x 20000 runs: array (atomic), per-CPU, hash", why);
}

int main(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(abpf_maps_prog_tests); i++) {
		prog_test(&abpf_maps_prog_tests[i], false);
#ifdef ALTBPF_HAVE_JIT
		prog_test(&abpf_maps_prog_tests[i], true);
#endif
	}
	for (i = 0; i < ARRAY_SIZE(abpf_verifier_ringbuf_tests); i++) {
		prog_test(&abpf_verifier_ringbuf_tests[i], false);
#ifdef ALTBPF_HAVE_JIT
		prog_test(&abpf_verifier_ringbuf_tests[i], true);
#endif
	}
	sem_array();
	sem_hash(BPF_MAP_TYPE_HASH, "hash");
	sem_hash(BPF_MAP_TYPE_LRU_HASH, "lru hash");
	sem_percpu();
	sem_lpm();
	sem_ringbuf();
	concurrency();
	if (abpf_native_maps_live())
		report(false, "maps", "leak check", "maps still alive");
	return tap_finish("maps");
}
