// SPDX-License-Identifier: GPL-2.0
/*
 * maps_native.c - native maps and host helpers for the engine core.
 *
 * Arrays, hash maps (plain, per-CPU, LRU) and LPM tries are the module's
 * own code (module/maps/array.c, hash.c, lpm_trie.c) compiled natively
 * against userspace/kcompat/kcompat.h: the same algorithms, lock-free
 * lookups and bpf(2) semantics as in the kernel.  This file is their glue
 * (what common.c and dev.c are in the module): creation, references, an
 * in-process fd table, the bpf(2)-like calls, per-CPU and RCU support
 * for kcompat.h.  Prog arrays and ring buffers stay native here (the
 * module's depend on its program objects and on vmap/mmap): one mutex
 * per map.
 *
 * Natively a "CPU" is the calling thread's abpf_native_cpu; per-CPU maps
 * keep ABPF_NATIVE_NR_CPUS copies.  No memory a program may still point
 * into is freed while the map lives: hash maps and arrays are
 * preallocated, and LPM nodes a writer retires (kfree_rcu()) wait on the
 * map's retired list until the map goes (kcompat.h says why).
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/prctl.h>

#include "maps_native.h"
#include "kcompat.h"
#include "altbpf_maps.h"

#define NMAP_FD_BASE	1000
#define NMAP_MAX_FDS	1024
#define RB_BUSY		(1U << 31)
#define RB_DISCARD	(1U << 30)
#define RB_HDR		8

__thread u32 abpf_native_cpu;

struct nmap {
	struct altbpf_map km;		/* first: km.map is the core's view */
	/*
	 * LPM tries: the module's ops with update/delete wrapped, so that
	 * kfree_rcu() knows the map (kc_rcu_limbo); inner: the module's.
	 */
	struct abpf_map_ops ops;
	const struct abpf_map_ops *inner;
	struct rcu_head *limbo;		/* retired, freed with the map */
	pthread_mutex_t lock;		/* prog arrays, ringbufs */
	int refcnt;			/* fd + programs */
	const struct abpf_prog **progs;	/* prog array */
	u8 *rb;				/* ringbuf: back pointer + data */
	u64 rb_prod, rb_cons;
};

static struct nmap *fds[NMAP_MAX_FDS];
static pthread_mutex_t fds_lock = PTHREAD_MUTEX_INITIALIZER;
static int live;
static u32 next_id = 1;

static char trace_buf[4096];
static u32 trace_len;

static struct nmap *N(struct abpf_map *m)
{
	return container_of(m, struct nmap, km.map);
}

/* Types whose code is the module's (module/maps/). */
static bool module_type(u32 t)
{
	return t != ABPF_MAP_PROG_ARRAY && t != ABPF_MAP_RINGBUF;
}

/* ---- kcompat.h's per-CPU areas and RCU ---- */

void *kc_alloc_percpu(size_t size, size_t align)
{
	size_t unit = (size + 7) & ~(size_t)7;
	u64 *p;

	if (align > 8)
		return NULL;		/* the module asks for 8 at most */
	p = calloc(1, 8 + unit * ABPF_NATIVE_NR_CPUS);
	if (!p)
		return NULL;
	p[0] = unit;			/* kc_cpu_ptr(): copy cpu at cpu * unit */
	return p + 1;
}

void kc_free_percpu(void *p)
{
	if (p)
		free((u64 *)p - 1);
}

__thread struct rcu_head **kc_rcu_limbo;

void kc_kfree_rcu(void *obj, struct rcu_head *head)
{
	struct rcu_head **limbo = kc_rcu_limbo;

	if (!limbo) {
		/* a writer path maps_native.c does not wrap: a bug */
		fprintf(stderr, "maps_native: kfree_rcu() outside a map write\n");
		abort();
	}
	head->obj = obj;
	head->next = __atomic_load_n(limbo, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(limbo, &head->next, head, true,
					    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
}

void kc_rcu_free_limbo(struct rcu_head **limbo)
{
	struct rcu_head *h = *limbo, *next;

	*limbo = NULL;
	for (; h; h = next) {
		next = h->next;
		free(h->obj);
	}
}

/* Run a writer with kfree_rcu() filing into m's retired list. */
#define WITH_LIMBO(m, expr) ({						\
	struct rcu_head **_saved = kc_rcu_limbo;			\
	typeof(expr) _r;						\
									\
	kc_rcu_limbo = &(m)->limbo;					\
	_r = (expr);							\
	kc_rcu_limbo = _saved;						\
	_r;								\
})

/* ---- what common.c provides the map types in the module ---- */

int altbpf_map_charge(struct altbpf_map *m, u64 bytes)
{
	m->mem += bytes;		/* counted, no native budget */
	return 0;
}

void altbpf_map_uncharge(struct altbpf_map *m, u64 bytes)
{
	m->mem -= bytes;
}

static void nmap_get(struct nmap *m)
{
	__atomic_add_fetch(&m->refcnt, 1, __ATOMIC_SEQ_CST);
}

static void nmap_put(struct abpf_map *map)
{
	struct nmap *m = N(map);

	if (__atomic_sub_fetch(&m->refcnt, 1, __ATOMIC_SEQ_CST))
		return;
	/* the last reference: no program runs on the map any more */
	if (m->km.kops)
		m->km.kops->free(&m->km);
	kc_rcu_free_limbo(&m->limbo);
	free(m->progs);
	free(m->rb);
	pthread_mutex_destroy(&m->lock);
	free(m);
	__atomic_sub_fetch(&live, 1, __ATOMIC_SEQ_CST);
}

void altbpf_map_core_put(struct abpf_map *map)
{
	nmap_put(map);
}

int altbpf_map_bind_prog(struct abpf_map *map, u32 prog_type)
{
	struct nmap *m = N(map);
	int err = 0;

	if (map->type != ABPF_MAP_PROG_ARRAY)
		return 0;
	pthread_mutex_lock(&m->lock);
	if (m->km.prog_type == ~0U)
		m->km.prog_type = prog_type;
	else if (m->km.prog_type != prog_type)
		err = -EINVAL;
	pthread_mutex_unlock(&m->lock);
	return err;
}

/* ---- LPM writers from programs: the map's retired list ---- */

static long n_wrapped_update(struct abpf_map *map, const void *key,
			     const void *value, u64 flags)
{
	struct nmap *m = N(map);

	return WITH_LIMBO(m, m->inner->update(map, key, value, flags));
}

static long n_wrapped_delete(struct abpf_map *map, const void *key)
{
	struct nmap *m = N(map);

	return WITH_LIMBO(m, m->inner->delete(map, key));
}

/* ---- prog arrays and ring buffers (native) ---- */

static const struct abpf_prog *n_prog_at(struct abpf_map *map, u32 index)
{
	struct nmap *m = N(map);

	if (index >= map->max_entries)
		return NULL;
	return __atomic_load_n(&m->progs[index], __ATOMIC_ACQUIRE);
}

/* prog_at()'s slots, for the JIT's inline tail calls */
static const struct abpf_prog *const *n_prog_slots(struct abpf_map *map)
{
	return N(map)->progs;
}

/* prog arrays and ringbufs: no lookup/update/delete from programs */
static const struct abpf_map_ops nmap_special_ops = {
	.prog_at = n_prog_at,
	.prog_slots = n_prog_slots,
	.bind_prog = altbpf_map_bind_prog,
	.put = nmap_put,
};

static const struct altbpf_map_kops *kops_for(u32 type)
{
	switch (type) {
	case ABPF_MAP_ARRAY:		return &altbpf_array_kops;
	case ABPF_MAP_PERCPU_ARRAY:	return &altbpf_percpu_array_kops;
	case ABPF_MAP_HASH:
	case ABPF_MAP_PERCPU_HASH:
	case ABPF_MAP_LRU_HASH:		return &altbpf_hash_kops;
	case ABPF_MAP_LPM_TRIE:		return &altbpf_lpm_kops;
	default:			return NULL;
	}
}

/* ---- creation and the fd table ---- */

int abpf_native_maps_live(void)
{
	return __atomic_load_n(&live, __ATOMIC_SEQ_CST);
}

int abpf_native_map_new(u32 type, u32 key_size, u32 value_size,
			u32 max_entries, u32 flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = key_size;
	a.value_size = value_size;
	a.max_entries = max_entries;
	a.map_flags = flags;
	return abpf_native_map_create(&a);
}

int abpf_native_map_create(const union bpf_attr *attr)
{
	u32 t = attr->map_type, ks = attr->key_size, vs = attr->value_size;
	u32 n = attr->max_entries, fl = attr->map_flags, i;
	u32 ok_flags = BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG;
	struct nmap *m;
	int fd = -EMFILE, err;

	switch (t) {
	case ABPF_MAP_ARRAY:
	case ABPF_MAP_PERCPU_ARRAY:
		if (ks != 4 || !vs || !n || vs > (1 << 20))
			return -EINVAL;
		break;
	case ABPF_MAP_PROG_ARRAY:
		if (ks != 4 || vs != 4 || !n)
			return -EINVAL;
		break;
	case ABPF_MAP_HASH:
	case ABPF_MAP_PERCPU_HASH:
	case ABPF_MAP_LRU_HASH:
		if (!ks || ks > ABPF_MAX_STACK || !vs || !n || vs > (1 << 20))
			return -EINVAL;
		if (t != ABPF_MAP_LRU_HASH)
			ok_flags |= BPF_F_NO_PREALLOC;
		break;
	case ABPF_MAP_LPM_TRIE:
		if (ks < 5 || ks > 4 + 256 || !vs || !n ||
		    !(fl & BPF_F_NO_PREALLOC))
			return -EINVAL;
		ok_flags |= BPF_F_NO_PREALLOC;
		break;
	case ABPF_MAP_RINGBUF:
		if (ks || vs || n < 4096 || (n & (n - 1)))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (fl & ~ok_flags)
		return -EINVAL;
	if ((t == ABPF_MAP_PERCPU_ARRAY || t == ABPF_MAP_PERCPU_HASH) &&
	    vs > 32768)
		return -E2BIG;
	if (n > (1 << 20))
		return -E2BIG;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->km.map.type = t;
	m->km.map.key_size = ks;
	m->km.map.value_size = vs;
	m->km.map.max_entries = n;
	m->km.map.map_flags = fl;
	memcpy(m->km.map.name, attr->map_name, sizeof(m->km.map.name));
	m->km.map.name[sizeof(m->km.map.name) - 1] = 0;
	m->km.prog_type = ~0U;
	m->refcnt = 1;
	pthread_mutex_init(&m->lock, NULL);
	__atomic_add_fetch(&live, 1, __ATOMIC_SEQ_CST);

	if (module_type(t)) {
		/* the type's alloc cleans up after itself on error */
		err = kops_for(t)->alloc(&m->km, attr);
		if (err) {
			nmap_put(&m->km.map);
			return err;
		}
		m->km.kops = kops_for(t);
		if (t == ABPF_MAP_LPM_TRIE) {
			m->inner = m->km.map.ops;
			m->ops = *m->inner;
			m->ops.update = n_wrapped_update;
			m->ops.delete = n_wrapped_delete;
			m->km.map.ops = &m->ops;
		}
	} else if (t == ABPF_MAP_PROG_ARRAY) {
		m->km.map.ops = &nmap_special_ops;
		m->progs = calloc(n, sizeof(*m->progs));
	} else {
		m->km.map.ops = &nmap_special_ops;
		m->rb = aligned_alloc(8, 8 + (size_t)n);
		if (m->rb) {
			memset(m->rb, 0, 8 + (size_t)n);
			memcpy(m->rb, &m, sizeof(m));	/* back pointer */
		}
	}
	if (!m->km.kops && !m->progs && !m->rb) {
		nmap_put(&m->km.map);
		return -ENOMEM;
	}
	pthread_mutex_lock(&fds_lock);
	m->km.map.id = next_id++;
	for (i = 0; i < NMAP_MAX_FDS; i++)
		if (!fds[i]) {
			fds[i] = m;
			fd = NMAP_FD_BASE + i;
			break;
		}
	pthread_mutex_unlock(&fds_lock);
	if (fd < 0)
		nmap_put(&m->km.map);
	return fd;
}

static struct nmap *fd_map(int fd)
{
	struct nmap *m = NULL;

	pthread_mutex_lock(&fds_lock);
	if (fd >= NMAP_FD_BASE && fd < NMAP_FD_BASE + NMAP_MAX_FDS)
		m = fds[fd - NMAP_FD_BASE];
	pthread_mutex_unlock(&fds_lock);
	return m;
}

struct abpf_map *abpf_native_map_get(int fd)
{
	struct nmap *m;

	pthread_mutex_lock(&fds_lock);
	m = (fd >= NMAP_FD_BASE && fd < NMAP_FD_BASE + NMAP_MAX_FDS) ?
	    fds[fd - NMAP_FD_BASE] : NULL;
	if (m)
		nmap_get(m);
	pthread_mutex_unlock(&fds_lock);
	return m ? &m->km.map : NULL;
}

static struct abpf_map *resolve(void *host, int fd)
{
	return abpf_native_map_get(fd);
}

const struct abpf_map_resolver abpf_native_resolver = {
	.map_from_fd = resolve,
};

int abpf_native_map_close(int fd)
{
	struct nmap *m = NULL;
	u32 i;

	pthread_mutex_lock(&fds_lock);
	if (fd >= NMAP_FD_BASE && fd < NMAP_FD_BASE + NMAP_MAX_FDS) {
		m = fds[fd - NMAP_FD_BASE];
		fds[fd - NMAP_FD_BASE] = NULL;
	}
	pthread_mutex_unlock(&fds_lock);
	if (!m)
		return -EBADF;
	/* like the kernel: the last user fd of a prog array clears it */
	if (m->progs)
		for (i = 0; i < m->km.map.max_entries; i++)
			__atomic_store_n(&m->progs[i], NULL, __ATOMIC_RELEASE);
	nmap_put(&m->km.map);
	return 0;
}

/* ---- syscall side: common.c's altbpf_map_lookup() and friends ---- */

int abpf_native_map_lookup(int fd, const void *key, void *value)
{
	struct nmap *m = fd_map(fd);

	if (!m)
		return -EBADF;
	if (!m->km.kops || !m->km.kops->sys_lookup)
		return -EOPNOTSUPP;
	return m->km.kops->sys_lookup(&m->km, key, value);
}

int abpf_native_map_update(int fd, const void *key, const void *value,
			   u64 flags)
{
	struct nmap *m = fd_map(fd);

	if (!m)
		return -EBADF;
	if (!m->km.kops || !m->km.kops->sys_update)
		return -EINVAL;
	if ((flags & ~(u64)BPF_F_LOCK) > BPF_EXIST || (flags & BPF_F_LOCK))
		return -EINVAL;
	return WITH_LIMBO(m, m->km.kops->sys_update(&m->km, key, value,
						     flags));
}

int abpf_native_map_delete(int fd, const void *key)
{
	struct nmap *m = fd_map(fd);
	u32 idx;

	if (!m)
		return -EBADF;
	if (m->km.map.type == ABPF_MAP_PROG_ARRAY) {
		memcpy(&idx, key, 4);
		if (idx >= m->km.map.max_entries)
			return -E2BIG;
		return __atomic_exchange_n(&m->progs[idx], NULL,
					   __ATOMIC_ACQ_REL) ? 0 : -ENOENT;
	}
	if (!m->km.kops || !m->km.kops->sys_delete)
		return -EINVAL;
	return WITH_LIMBO(m, m->km.kops->sys_delete(&m->km, key));
}

int abpf_native_map_get_next_key(int fd, const void *key, void *next)
{
	struct nmap *m = fd_map(fd);
	u32 idx;

	if (!m)
		return -EBADF;
	if (m->km.map.type == ABPF_MAP_PROG_ARRAY) {
		if (!key) {
			idx = 0;
		} else {
			memcpy(&idx, key, 4);
			idx = idx >= m->km.map.max_entries ? 0 : idx + 1;
		}
		if (idx >= m->km.map.max_entries)
			return -ENOENT;
		memcpy(next, &idx, 4);
		return 0;
	}
	if (!m->km.kops || !m->km.kops->get_next_key)
		return -EINVAL;
	return m->km.kops->get_next_key(&m->km, key, next);
}

int abpf_native_prog_array_set(int fd, u32 index, struct abpf_prog *prog)
{
	struct nmap *m = fd_map(fd);
	int err;

	if (!m || m->km.map.type != ABPF_MAP_PROG_ARRAY)
		return -EINVAL;
	if (index >= m->km.map.max_entries)
		return -E2BIG;
	if (prog) {
		err = altbpf_map_bind_prog(&m->km.map, prog->type);
		if (err)
			return err;
	}
	__atomic_store_n(&m->progs[index], prog, __ATOMIC_RELEASE);
	return 0;
}

/* ---- ringbuf ---- */

static void *rb_reserve(struct nmap *m, u64 size)
{
	u64 mask = m->km.map.max_entries - 1, total, pos, pad;
	u8 *data = m->rb + 8, *hdr;
	u32 w;

	if (size > m->km.map.max_entries - RB_HDR)
		return NULL;
	total = (size + RB_HDR + 7) & ~7ULL;
	pthread_mutex_lock(&m->lock);
	pos = m->rb_prod & mask;
	/* no wrapping records: pad to the end with a discarded one */
	pad = pos + total > m->km.map.max_entries ? m->km.map.max_entries - pos : 0;
	if (m->rb_prod - m->rb_cons + pad + total > m->km.map.max_entries) {
		pthread_mutex_unlock(&m->lock);
		return NULL;
	}
	if (pad) {
		w = (u32)(pad - RB_HDR) | RB_DISCARD;
		memcpy(data + pos, &w, 4);
		w = (u32)pos;
		memcpy(data + pos + 4, &w, 4);
		m->rb_prod += pad;
		pos = 0;
	}
	hdr = data + pos;
	w = (u32)size | RB_BUSY;
	__atomic_store_n((u32 *)hdr, w, __ATOMIC_RELAXED);
	w = (u32)pos;
	memcpy(hdr + 4, &w, 4);
	m->rb_prod += total;
	pthread_mutex_unlock(&m->lock);
	return hdr + RB_HDR;
}

static void rb_commit(void *sample, bool discard)
{
	u8 *hdr = (u8 *)sample - RB_HDR;
	u32 w = __atomic_load_n((u32 *)hdr, __ATOMIC_ACQUIRE);

	if (!(w & RB_BUSY))
		return;			/* already submitted: ignore */
	w &= ~RB_BUSY;
	if (discard)
		w |= RB_DISCARD;
	__atomic_store_n((u32 *)hdr, w, __ATOMIC_RELEASE);
}

u64 abpf_host_ringbuf_reserve(u64 map, u64 size, u64 flags, u64 d, u64 e,
			      struct abpf_run_ctx *rc)
{
	if (flags)
		return 0;
	return (u64)(unsigned long)rb_reserve(N((void *)(unsigned long)map),
					      size);
}

u64 abpf_host_ringbuf_submit(u64 sample, u64 flags, u64 c, u64 d, u64 e,
			     struct abpf_run_ctx *rc)
{
	rb_commit((void *)(unsigned long)sample, false);
	return 0;
}

u64 abpf_host_ringbuf_discard(u64 sample, u64 flags, u64 c, u64 d, u64 e,
			      struct abpf_run_ctx *rc)
{
	rb_commit((void *)(unsigned long)sample, true);
	return 0;
}

u64 abpf_host_ringbuf_output(u64 map, u64 data, u64 size, u64 flags, u64 e,
			     struct abpf_run_ctx *rc)
{
	void *s;

	if (flags & ~3ULL)
		return (u64)-EINVAL;
	s = rb_reserve(N((void *)(unsigned long)map), size);
	if (!s)
		return (u64)-EAGAIN;
	memcpy(s, (void *)(unsigned long)data, size);
	rb_commit(s, false);
	return 0;
}

int abpf_native_ringbuf_consume(int fd, void (*fn)(const void *data, u32 len,
						  void *arg), void *arg)
{
	struct nmap *m = fd_map(fd);
	u64 mask;
	int n = 0;

	if (!m || m->km.map.type != ABPF_MAP_RINGBUF)
		return -EINVAL;
	mask = m->km.map.max_entries - 1;
	for (;;) {
		u8 *hdr;
		u32 w;

		pthread_mutex_lock(&m->lock);
		if (m->rb_cons == m->rb_prod) {
			pthread_mutex_unlock(&m->lock);
			break;
		}
		hdr = m->rb + 8 + (m->rb_cons & mask);
		pthread_mutex_unlock(&m->lock);
		w = __atomic_load_n((u32 *)hdr, __ATOMIC_ACQUIRE);
		if (w & RB_BUSY)
			break;
		if (!(w & RB_DISCARD)) {
			fn(hdr + RB_HDR, w & ~(RB_BUSY | RB_DISCARD), arg);
			n++;
		}
		pthread_mutex_lock(&m->lock);
		m->rb_cons += ((w & ~(RB_BUSY | RB_DISCARD)) + RB_HDR + 7) & ~7ULL;
		pthread_mutex_unlock(&m->lock);
	}
	return n;
}

/* ---- host helpers ---- */

u64 abpf_host_ktime_get_ns(u64 a, u64 b, u64 c, u64 d, u64 e,
			   struct abpf_run_ctx *rc)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

u64 abpf_host_get_prandom_u32(u64 a, u64 b, u64 c, u64 d, u64 e,
			      struct abpf_run_ctx *rc)
{
	static __thread u64 s = 0x9e3779b97f4a7c15ULL;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return (u32)s;
}

u64 abpf_host_get_smp_processor_id(u64 a, u64 b, u64 c, u64 d, u64 e,
				   struct abpf_run_ctx *rc)
{
	return abpf_native_cpu;
}

u64 abpf_host_get_current_pid_tgid(u64 a, u64 b, u64 c, u64 d, u64 e,
				   struct abpf_run_ctx *rc)
{
	return (u64)getpid() << 32 | (u32)syscall(SYS_gettid);
}

u64 abpf_host_get_current_comm(u64 buf, u64 size, u64 c, u64 d, u64 e,
			       struct abpf_run_ctx *rc)
{
	char comm[16] = "";
	char *p = (char *)(unsigned long)buf;

	prctl(PR_GET_NAME, comm);
	memset(p, 0, size);
	strncpy(p, comm, size - 1);
	return 0;
}

u64 abpf_host_probe_read_kernel(u64 dst, u64 size, u64 src, u64 d, u64 e,
				struct abpf_run_ctx *rc)
{
	/* natively only NULL "faults" */
	if (!src) {
		memset((void *)(unsigned long)dst, 0, size);
		return (u64)-EFAULT;
	}
	memcpy((void *)(unsigned long)dst, (void *)(unsigned long)src, size);
	return 0;
}

void abpf_host_trace(const char *msg, u32 len, struct abpf_run_ctx *rc)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

	pthread_mutex_lock(&lock);
	if (trace_len + len + 1 <= sizeof(trace_buf)) {
		memcpy(trace_buf + trace_len, msg, len);
		trace_len += len;
		trace_buf[trace_len++] = 0;
	}
	pthread_mutex_unlock(&lock);
}

const char *abpf_native_trace_take(u32 *len)
{
	*len = trace_len;
	trace_len = 0;
	return trace_buf;
}
