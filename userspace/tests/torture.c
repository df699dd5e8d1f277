// SPDX-License-Identifier: GPL-2.0
/*
 * torture - lifecycle and exhaustion torture of altbpf.ko, run as root in
 * the test VM by scripts/torture-tests (docs/reliability.md).
 *
 *   altbpf-torture lifecycle [--seconds S] [--workers N] [--kind K]
 *	N workers (default: one per vCPU) loop load -> attach (kprobe and
 *	netfilter, fd or persistent links) -> fire -> detach (close, detach
 *	by fd, by link id, by prog id) -> close, while firing threads hit
 *	the hooks on the other vCPUs (a syscall and UDP on loopback) and
 *	map threads update/delete/look up the hash map the kprobe programs
 *	update concurrently.  K = kprobe, kretprobe or both (default:
 *	alternating) chooses the kprobe links' kind.
 *   altbpf-torture exhaust
 *	fill the JIT arena, the map memory budget, a hash map; exceed the
 *	instruction limit and the loop budget: clean errors, counters in
 *	/sys/kernel/debug/altbpf/stats, full recovery afterwards.
 *   altbpf-torture fire [--seconds S]
 *	only the firing threads (no device needed: the module may be
 *	unloaded while they run).
 *   altbpf-torture hold [--persist]
 *	attach a kprobe and a netfilter link, keep every fd open, print
 *	"ready" and wait to be killed (scripts/torture-tests rmmods then).
 *
 * TAP lines, then "torture-<mode>: N passed, M failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/netfilter.h>

#include "torture_lib.h"

#define PARAMS		"/sys/module/altbpf/parameters/"
#define HASH_KEYS	128
/* syscall fired under the kprobe; do_nanosleep if it cannot be probed */
static const char *probe_sym = "__x64_sys_getppid";
static int dev;
static atomic_int stop;
static atomic_long iterations, fires, packets, map_ops;
/* errors a loop must never see: counted and the first one reported */
static atomic_long unexpected;
/* lifecycle links: bit 0 kprobe, bit 1 kretprobe (--kind, for bisecting) */
static int kinds = 3;
static char first_error[256];
static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;

static void unexpected_error(const char *what)
{
	int e = errno;

	pthread_mutex_lock(&err_lock);
	if (!unexpected++)
		snprintf(first_error, sizeof(first_error), "%s: %s", what,
			 strerror(e));
	pthread_mutex_unlock(&err_lock);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fire_probe(void)
{
	struct timespec zero = { 0, 0 };

	if (!probe_sym || !strcmp(probe_sym, "do_nanosleep"))
		nanosleep(&zero, NULL);
	if (!probe_sym || strcmp(probe_sym, "do_nanosleep"))
		syscall(SYS_getppid);
}

/* kprobe: count the hit in array[0], update hash[rand & 63] */
static int load_kprobe_prog(int array_fd, int hash_fd)
{
	struct bpf_insn p[] = {
		ABPF_ST_MEM(BPF_W, 10, -4, 0),
		ABPF_MOV64_REG(2, 10),
		ABPF_ALU64_IMM(BPF_ADD, 2, -4),
		ABPF_LD_IMM64_RAW(1, BPF_PSEUDO_MAP_FD, array_fd),
		ABPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
		ABPF_JMP_IMM(BPF_JEQ, 0, 0, 2),
		ABPF_MOV64_IMM(1, 1),
		ABPF_ATOMIC_OP(BPF_DW, BPF_ADD, 0, 1, 0),
		ABPF_CALL_HELPER(BPF_FUNC_get_prandom_u32),
		ABPF_ALU64_IMM(BPF_AND, 0, 63),
		ABPF_STX_MEM(BPF_W, 10, 0, -8),
		ABPF_STX_MEM(BPF_DW, 10, 0, -16),
		ABPF_LD_IMM64_RAW(1, BPF_PSEUDO_MAP_FD, hash_fd),
		ABPF_MOV64_REG(2, 10),
		ABPF_ALU64_IMM(BPF_ADD, 2, -8),
		ABPF_MOV64_REG(3, 10),
		ABPF_ALU64_IMM(BPF_ADD, 3, -16),
		ABPF_MOV64_IMM(4, 0),
		ABPF_CALL_HELPER(BPF_FUNC_map_update_elem),
		ABPF_MOV64_IMM(0, 0),
		ABPF_EXIT(),
	};
	static char log[8192];
	int fd = tl_load(dev, BPF_PROG_TYPE_KPROBE, p, ARRAY_LEN(p), log,
			 sizeof(log));

	if (fd < 0)
		fprintf(stderr, "# kprobe program: %s\n%s", strerror(errno), log);
	return fd;
}

/* netfilter: read the ctx's length, accept */
static int load_nf_prog(void)
{
	const struct bpf_insn p[] = {
		ABPF_LDX_MEM(BPF_W, 2, 1, offsetof(struct altbpf_pkt_ctx, len)),
		ABPF_MOV64_IMM(0, 1),
		ABPF_EXIT(),
	};

	return tl_load(dev, BPF_PROG_TYPE_SOCKET_FILTER, p, ARRAY_LEN(p),
		       NULL, 0);
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info;

	return tl_prog_info(dev, fd, &info) ? 0 : info.id;
}

static int detach_by(__u32 flags, __u32 id)
{
	struct altbpf_link_detach d = { .flags = flags, .id = id };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	memcpy(&attr, &d, sizeof(d));
	return tl_bpf(dev, BPF_LINK_DETACH, &attr);
}

struct shared_maps {
	int array_fd, hash_fd;
};

static void *lifecycle_worker(void *arg)
{
	const struct shared_maps *m = arg;
	unsigned int round = 0;

	while (!atomic_load(&stop)) {
		int kfd = load_kprobe_prog(m->array_fd, m->hash_fd);
		int nfd = load_nf_prog();
		int persist = round % 4 == 3;
		int ret = kinds == 3 ? round & 1 : kinds == 2;
		int klink, nlink;
		__u32 kid = prog_id(kfd);

		if (kfd < 0 || nfd < 0) {
			unexpected_error("PROG_LOAD");
			break;
		}
		klink = tl_attach_kprobe(dev, kfd, probe_sym, ret);
		if (klink < 0)
			unexpected_error("kprobe LINK_CREATE");
		nlink = tl_attach_nf(dev, nfd, NF_INET_LOCAL_OUT + (round % 2),
				     (int)(round % 7) - 3);
		if (nlink < 0)
			unexpected_error("netfilter LINK_CREATE");
		if (persist && klink >= 0) {
			/* a persistent twin of the kprobe link, by prog id */
			union bpf_attr attr;
			__u64 symp = PTR64(probe_sym);
			int plink;

			memset(&attr, 0, sizeof(attr));
			attr.link_create.prog_fd = kfd;
			attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
			attr.link_create.kprobe_multi.syms = PTR64(&symp);
			attr.link_create.kprobe_multi.cnt = 1;
			if (ret)
				attr.link_create.kprobe_multi.flags =
					BPF_F_KPROBE_MULTI_RETURN;
			attr.link_create.flags = ALTBPF_LINK_F_PERSIST |
				ALTBPF_LINK_ENGINE(ALTBPF_ENGINE_INTERP);
			plink = tl_bpf(dev, BPF_LINK_CREATE, &attr);
			if (plink < 0)
				unexpected_error("persistent LINK_CREATE");
			else
				close(plink);	/* stays attached */
		}
		for (int i = 0; i < 20; i++)
			fire_probe();
		switch (round % 3) {
		case 0:
			break;		/* close() detaches */
		case 1:
			if ((klink >= 0 && tl_detach_fd(dev, klink)) ||
			    (nlink >= 0 && tl_detach_fd(dev, nlink)))
				unexpected_error("LINK_DETACH by fd");
			break;
		case 2:
			if (klink >= 0 &&
			    detach_by(ALTBPF_LINK_DETACH_F_PROG_ID, kid))
				unexpected_error("LINK_DETACH by prog id");
			break;
		}
		if (persist && round % 3 != 2 &&
		    detach_by(ALTBPF_LINK_DETACH_F_PROG_ID, kid))
			unexpected_error("LINK_DETACH of the persistent link");
		if (klink >= 0)
			close(klink);
		if (nlink >= 0)
			close(nlink);
		close(kfd);
		close(nfd);
		atomic_fetch_add(&iterations, 1);
		round++;
	}
	return NULL;
}

static void *syscall_firer(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		fire_probe();
		atomic_fetch_add(&fires, 1);
	}
	return NULL;
}

static void *packet_firer(void *arg)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(9) };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char payload[64] = "altbpf torture";

	(void)arg;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while (s >= 0 && !atomic_load(&stop)) {
		if (sendto(s, payload, sizeof(payload), 0,
			   (struct sockaddr *)&to, sizeof(to)) > 0)
			atomic_fetch_add(&packets, 1);
	}
	if (s >= 0)
		close(s);
	return NULL;
}

/* userspace side of the shared hash map: every call must be clean */
static void *map_hammer(void *arg)
{
	const struct shared_maps *m = arg;
	unsigned int seed = (unsigned int)(unsigned long)pthread_self();

	while (!atomic_load(&stop)) {
		__u32 key = rand_r(&seed) % HASH_KEYS, next;
		__u64 val = key;
		int r;

		switch (rand_r(&seed) % 4) {
		case 0:
			r = tl_map_update(dev, m->hash_fd, &key, &val, BPF_ANY);
			if (r && errno != E2BIG)
				unexpected_error("hash UPDATE");
			break;
		case 1:
			r = tl_map_delete(dev, m->hash_fd, &key);
			if (r && errno != ENOENT)
				unexpected_error("hash DELETE");
			break;
		case 2:
			r = tl_map_lookup(dev, m->hash_fd, &key, &val);
			if (r && errno != ENOENT)
				unexpected_error("hash LOOKUP");
			break;
		default: {
			union bpf_attr attr;

			memset(&attr, 0, sizeof(attr));
			attr.map_fd = m->hash_fd;
			attr.key = PTR64(&key);
			attr.next_key = PTR64(&next);
			r = tl_bpf(dev, BPF_MAP_GET_NEXT_KEY, &attr);
			if (r && errno != ENOENT)
				unexpected_error("hash GET_NEXT_KEY");
		}
		}
		atomic_fetch_add(&map_ops, 1);
	}
	return NULL;
}

static int choose_probe_sym(int array_fd, int hash_fd)
{
	int kfd = load_kprobe_prog(array_fd, hash_fd);
	int link;

	if (kfd < 0)
		return -1;
	link = tl_attach_kprobe(dev, kfd, probe_sym, 0);
	if (link < 0) {
		printf("# cannot probe %s (%s): using do_nanosleep\n",
		       probe_sym, strerror(errno));
		probe_sym = "do_nanosleep";
		link = tl_attach_kprobe(dev, kfd, probe_sym, 0);
	}
	if (link >= 0)
		close(link);
	close(kfd);
	return link >= 0 ? 0 : -1;
}

/* entries of @type ("k" or "r") on the probed function in kprobes/list */
static int count_probes(const char *type)
{
	const char *key = strstr(probe_sym, "getppid") ? "getppid" : probe_sym;
	FILE *f = fopen("/sys/kernel/debug/kprobes/list", "r");
	char line[512], t[16], sym[256];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %15s %255s", t, sym) == 2 &&
		    !strcmp(t, type) && strstr(sym, key))
			n++;
	if (f)
		fclose(f);
	return f ? n : -1;
}

/*
 * Links on one function share one registered kprobe and one kretprobe
 * (docs/hooks.md): link churn must not patch kernel text.
 */
static void check_shared_probes(const struct shared_maps *m)
{
	int kfd = load_kprobe_prog(m->array_fd, m->hash_fd);
	int links[4], ok = kfd >= 0, k, r;

	for (int i = 0; i < 4; i++) {
		links[i] = kfd < 0 ? -1 : tl_attach_kprobe(dev, kfd, probe_sym,
							   i & 1);
		ok &= links[i] >= 0;
	}
	k = count_probes("k");
	r = count_probes("r");
	tl_ok(ok && k == 1 && r == 1,
	      "lifecycle: 2 kprobe and 2 kretprobe links on %s share one kprobe (%d) and one kretprobe (%d)",
	      probe_sym, k, r);
	for (int i = 0; i < 4; i++)
		if (links[i] >= 0)
			close(links[i]);
	if (kfd >= 0)
		close(kfd);
}

static int run_lifecycle(double seconds, int workers)
{
	int cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct shared_maps m;
	pthread_t th[64];
	int n = 0;
	__u32 zero = 0;
	__u64 hits = 0;
	double start, took;

	if (workers <= 0)
		workers = cpus;
	if (workers > 32)
		workers = 32;
	m.array_fd = tl_map_create(dev, BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	m.hash_fd = tl_map_create(dev, BPF_MAP_TYPE_HASH, 4, 8, HASH_KEYS);
	tl_ok(m.array_fd >= 0 && m.hash_fd >= 0, "lifecycle: shared maps");
	tl_ok(!choose_probe_sym(m.array_fd, m.hash_fd),
	      "lifecycle: kprobe program loads and attaches to %s", probe_sym);
	if (tl_failed())
		return tl_tap_done("torture-lifecycle");
	check_shared_probes(&m);

	start = now();
	for (int i = 0; i < workers; i++)
		pthread_create(&th[n++], NULL, lifecycle_worker, &m);
	pthread_create(&th[n++], NULL, syscall_firer, NULL);
	pthread_create(&th[n++], NULL, packet_firer, NULL);
	pthread_create(&th[n++], NULL, map_hammer, &m);
	pthread_create(&th[n++], NULL, map_hammer, &m);
	while (now() - start < seconds && !atomic_load(&unexpected))
		usleep(100000);
	atomic_store(&stop, 1);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	took = now() - start;

	tl_map_lookup(dev, m.array_fd, &zero, &hits);
	printf("# lifecycle: %ld iterations, %d workers, %d vCPUs, %.2f minutes; %ld syscalls, %ld packets, %ld map ops, %llu program runs\n",
	       atomic_load(&iterations), workers, cpus, took / 60,
	       atomic_load(&fires), atomic_load(&packets),
	       atomic_load(&map_ops), (unsigned long long)hits);
	tl_ok(!atomic_load(&unexpected), "lifecycle: no unexpected error%s%s",
	      unexpected ? ": " : "", first_error);
	tl_ok(atomic_load(&iterations) >= workers,
	      "lifecycle: every worker completed rounds (%ld)",
	      atomic_load(&iterations));
	tl_ok(hits > 0, "lifecycle: attached programs ran (%llu runs)",
	      (unsigned long long)hits);
	tl_ok(atomic_load(&packets) > 0 && atomic_load(&map_ops) > 0,
	      "lifecycle: traffic and map operations ran concurrently");
	/* every link is gone: links file empty (persistent ones detached) */
	{
		FILE *f = fopen("/sys/kernel/debug/altbpf/links", "r");
		char line[512];
		int left = 0;

		while (f && fgets(line, sizeof(line), f))
			left++;
		if (f)
			fclose(f);
		tl_ok(f && !left, "lifecycle: no link left behind (%d)", left);
	}
	close(m.array_fd);
	close(m.hash_fd);
	return tl_tap_done("torture-lifecycle");
}

/* a straight-line program of @n instructions returning @n */
static struct bpf_insn *long_prog(__u32 n)
{
	struct bpf_insn *p = calloc(n, sizeof(*p));

	p[0] = ABPF_MOV64_IMM(0, 0);
	for (__u32 i = 1; i + 1 < n; i++)
		p[i] = ABPF_ALU64_IMM(BPF_ADD, 0, 1);
	p[n - 2] = ABPF_ALU64_IMM(BPF_ADD, 0, 1);
	p[n - 1] = ABPF_EXIT();
	return p;
}

static void write_param(const char *name, const char *val)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		perror(path);
	if (fd >= 0)
		close(fd);
}

static void read_param(const char *name, char *buf, size_t size)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, size - 1) : -1;
	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
}

/* wait (RCU-deferred frees) until @key reads at most @want */
static long long settle(const char *key, long long want)
{
	long long v = tl_stat(key);

	for (int i = 0; i < 200 && v > want; i++) {
		usleep(50000);
		v = tl_stat(key);
	}
	return v;
}

static void exhaust_jit(void)
{
	const __u32 n = 20000;
	struct bpf_insn *p = long_prog(n);
	static char log[4096];
	int fds[256], count = 0, fallback = -1;
	long long used0 = tl_stat("jit_arena_used");
	long long ex0 = tl_stat("jit_arena_exhausted");
	long long images0 = tl_stat("jit_arena_images");
	struct bpf_prog_info info;
	__u64 r0 = 0;

	tl_ok(used0 >= 0 && ex0 >= 0, "stats file shows the JIT arena");
	while (count < (int)ARRAY_LEN(fds)) {
		int fd = tl_load(dev, ALTBPF_PROG_TYPE_MEM, p, n, log,
				 sizeof(log));

		if (fd < 0) {
			tl_ok(0, "load %d while filling the arena: %s", count,
			      strerror(errno));
			break;
		}
		fds[count++] = fd;
		if (!tl_prog_info(dev, fd, &info) && !info.jited_prog_len) {
			fallback = fd;
			break;
		}
	}
	printf("# JIT arena full after %d programs of %u insns (arena used %lld of %lld bytes)\n",
	       count, n, tl_stat("jit_arena_used"), tl_stat("jit_arena_size"));
	tl_ok(fallback >= 0, "JIT arena exhausted: a later load still succeeds, not compiled");
	tl_ok(strstr(log, "falling back to the interpreter") != NULL,
	      "its load log says why (jit: ..., falling back to the interpreter)");
	tl_ok(tl_stat("jit_arena_exhausted") > ex0,
	      "stats: jit_arena_exhausted counted it (%lld -> %lld)", ex0,
	      tl_stat("jit_arena_exhausted"));
	if (fallback >= 0) {
		int err = tl_test_run(dev, fallback, ALTBPF_ENGINE_DEFAULT,
				      NULL, 0, &r0);

		tl_ok(!err && r0 == n - 2,
		      "the uncompiled program runs on the interpreter (r0 %llu)",
		      (unsigned long long)r0);
		tl_expect_errno(tl_test_run(dev, fallback, ALTBPF_ENGINE_JIT,
					    NULL, 0, &r0), EOPNOTSUPP,
				"ENGINE_JIT on it: EOPNOTSUPP");
	}
	for (int i = 0; i < count; i++)
		close(fds[i]);
	{
		long long images = settle("jit_arena_images", images0);
		long long used = tl_stat("jit_arena_used");

		tl_ok(images == images0 && used == used0,
		      "closing them frees the arena (used %lld, images %lld)",
		      used, images);
	}
	{
		int fd = tl_load(dev, ALTBPF_PROG_TYPE_MEM, p, n, NULL, 0);

		tl_ok(fd >= 0 && !tl_prog_info(dev, fd, &info) &&
		      info.jited_prog_len > 0, "after recovery a load is compiled again");
		if (fd >= 0)
			close(fd);
	}
	free(p);
}

static void exhaust_maps(void)
{
	char old[64];
	int fds[64], count = 0, err = 0;
	long long mem0 = settle("maps_mem", 0);
	long long denied0 = tl_stat("maps_mem_denied");

	read_param("altbpf_maps_mem_limit", old, sizeof(old));
	write_param("altbpf_maps_mem_limit", "8388608");
	tl_ok(tl_stat("maps_mem_limit") == 8388608, "map memory limit lowered to 8 MiB");
	while (count < (int)ARRAY_LEN(fds)) {
		/* 1 MiB arrays */
		int fd = tl_map_create(dev, BPF_MAP_TYPE_ARRAY, 4, 4096, 256);

		if (fd < 0) {
			err = errno;
			break;
		}
		fds[count++] = fd;
	}
	printf("# map budget: %d 1 MiB arrays, then %s; maps_mem %lld\n",
	       count, strerror(err), tl_stat("maps_mem"));
	tl_ok(count >= 1 && count <= 8 && err == ENOMEM,
	      "map memory budget: %d maps, then ENOMEM", count);
	tl_ok(tl_stat("maps_mem_denied") > denied0 &&
	      tl_stat("maps_mem") <= 8388608,
	      "stats: maps_mem_denied counted it, maps_mem within the limit");
	for (int i = 0; i < count; i++)
		close(fds[i]);
	{
		long long mem = settle("maps_mem", mem0);

		tl_ok(mem == mem0, "closing them returns the budget (maps_mem %lld)",
		      mem);
	}
	write_param("altbpf_maps_mem_limit", old);

	/* a full hash map: E2BIG, then room again after a delete */
	{
		int h = tl_map_create(dev, BPF_MAP_TYPE_HASH, 4, 8, 64);
		__u32 k;
		__u64 v = 1;
		int fails = 0;

		for (k = 0; k < 64; k++)
			fails += !!tl_map_update(dev, h, &k, &v, BPF_ANY);
		tl_expect_errno(tl_map_update(dev, h, &k, &v, BPF_ANY), E2BIG,
				"full hash map (%d failed fills): E2BIG", fails);
		k = 3;
		tl_ok(!tl_map_delete(dev, h, &k) && (k = 64,
		      !tl_map_update(dev, h, &k, &v, BPF_ANY)),
		      "a delete makes room again");
		close(h);
	}
}

static void exhaust_insns(void)
{
	struct bpf_insn loop[] = {
		ABPF_MOV64_IMM(0, 0),
		ABPF_ALU64_IMM(BPF_ADD, 0, 1),
		ABPF_JMP_IMM(BPF_JNE, 0, 0, -2),	/* 2^64 rounds */
		ABPF_EXIT(),
	};
	static char log[4096];
	char old[64];
	__u64 r0;
	int fd;

	{
		struct bpf_insn *p = long_prog(2);

		tl_expect_errno(tl_load(dev, ALTBPF_PROG_TYPE_MEM, p,
					ABPF_MAX_INSNS + 1, NULL, 0), E2BIG,
				"instruction limit + 1: E2BIG");
		free(p);
	}
	fd = tl_load(dev, ALTBPF_PROG_TYPE_MEM, loop, ARRAY_LEN(loop), log,
		     sizeof(log));
	tl_ok(fd >= 0, "a 2^64-round loop loads (bounded at run time)");
	if (fd < 0)
		printf("#   %s: %s", strerror(errno), log);
	read_param("budget", old, sizeof(old));
	write_param("budget", "100000");
	for (__u32 e = ALTBPF_ENGINE_INTERP; e <= ALTBPF_ENGINE_JIT; e++)
		tl_expect_errno(tl_test_run(dev, fd, e, NULL, 0, &r0), ELOOP,
				"loop budget exhausted on engine %u: ELOOP", e);
	write_param("budget", old);
	close(fd);
}

static int run_exhaust(void)
{
	exhaust_jit();
	exhaust_maps();
	exhaust_insns();
	return tl_tap_done("torture-exhaust");
}

static int run_hold(int persist)
{
	int array_fd = tl_map_create(dev, BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	int hash_fd = tl_map_create(dev, BPF_MAP_TYPE_HASH, 4, 8, HASH_KEYS);
	int kfd, nfd, klink, nlink;
	union bpf_attr attr;
	__u64 symp;

	if (choose_probe_sym(array_fd, hash_fd))
		return 1;
	kfd = load_kprobe_prog(array_fd, hash_fd);
	nfd = load_nf_prog();
	symp = PTR64(probe_sym);
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = kfd;
	attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	attr.link_create.kprobe_multi.syms = PTR64(&symp);
	attr.link_create.kprobe_multi.cnt = 1;
	attr.link_create.flags = persist ? ALTBPF_LINK_F_PERSIST : 0;
	klink = tl_bpf(dev, BPF_LINK_CREATE, &attr);
	nlink = tl_attach_nf(dev, nfd, NF_INET_LOCAL_OUT, 0);
	if (kfd < 0 || nfd < 0 || klink < 0 || nlink < 0) {
		perror("hold: load/attach");
		return 1;
	}
	if (persist) {
		/* only the persistent link stays: nothing pins the module */
		close(klink);
		close(nlink);
		close(kfd);
		close(nfd);
		close(array_fd);
		close(hash_fd);
		close(dev);
		printf("ready (persistent kprobe link, no fd)\n");
		return 0;
	}
	printf("ready\n");
	fflush(stdout);
	pause();
	return 0;
}

/* hit the hooks without the device (it may be unloaded meanwhile) */
static int run_fire(double seconds)
{
	pthread_t th[2];
	double start = now();

	probe_sym = NULL;	/* whichever the holder probes: both */
	pthread_create(&th[0], NULL, syscall_firer, NULL);
	pthread_create(&th[1], NULL, packet_firer, NULL);
	while (now() - start < seconds)
		usleep(100000);
	atomic_store(&stop, 1);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	printf("# fired %ld syscalls, %ld packets\n", atomic_load(&fires),
	       atomic_load(&packets));
	return 0;
}

int main(int argc, char **argv)
{
	double seconds = 10;
	int workers = 0, persist = 0;
	const char *mode = argc > 1 ? argv[1] : "";

	for (int i = 2; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--seconds"))
			seconds = atof(argv[++i]);
		else if (i + 1 < argc && !strcmp(argv[i], "--workers"))
			workers = atoi(argv[++i]);
		else if (i + 1 < argc && !strcmp(argv[i], "--kind"))
			kinds = !strcmp(argv[++i], "kprobe") ? 1 :
				!strcmp(argv[i], "kretprobe") ? 2 : 3;
		else if (!strcmp(argv[i], "--persist"))
			persist = 1;
		else
			mode = "";
	}
	if (!strcmp(mode, "fire"))
		return run_fire(seconds);
	dev = open(ALTBPF_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		perror(ALTBPF_DEVICE);
		return 1;
	}
	if (!strcmp(mode, "lifecycle"))
		return run_lifecycle(seconds, workers);
	if (!strcmp(mode, "exhaust"))
		return run_exhaust();
	if (!strcmp(mode, "hold"))
		return run_hold(persist);
	fprintf(stderr,
		"usage: altbpf-torture lifecycle [--seconds S] [--workers N]\n"
		"                                [--kind kprobe|kretprobe|both]\n"
		"       altbpf-torture exhaust\n"
		"       altbpf-torture fire [--seconds S]\n"
		"       altbpf-torture hold [--persist]\n");
	return 2;
}
