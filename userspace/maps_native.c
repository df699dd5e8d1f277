// SPDX-License-Identifier: GPL-2.0
/*
 * maps_native.c - native maps and host helpers for the engine core.
 *
 * The same semantics as the kernel implementations (module/maps/), kept
 * simple: one mutex per map, hash-like maps are slot arrays scanned
 * linearly, per-CPU maps keep ABPF_NATIVE_NR_CPUS copies and use the
 * calling thread's abpf_native_cpu.  Values never move or get freed while
 * the map lives, so pointers handed to programs stay valid.
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/prctl.h>

#include "maps_native.h"

#define NMAP_FD_BASE	1000
#define NMAP_MAX_FDS	1024
#define RB_BUSY		(1U << 31)
#define RB_DISCARD	(1U << 30)
#define RB_HDR		8

__thread u32 abpf_native_cpu;

struct nslot {
	bool used;
	u64 stamp;			/* LRU: last use */
	u8 *key;
	u8 *value;			/* elem * ncpu bytes */
};

struct nmap {
	struct abpf_map map;		/* first */
	pthread_mutex_t lock;
	int refcnt;			/* fd + programs */
	u32 elem;			/* value_size rounded up to 8 */
	u32 ncpu;			/* copies of each value */
	u32 prog_type;			/* prog array: its programs' type */
	u64 clock;			/* LRU stamps */
	struct nslot *slots;		/* max_entries (array types: values) */
	u8 *values;			/* array types */
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
	return (struct nmap *)m;
}

static bool is_array(u32 t)
{
	return t == ABPF_MAP_ARRAY || t == ABPF_MAP_PERCPU_ARRAY;
}

static void nmap_get(struct nmap *m)
{
	__atomic_add_fetch(&m->refcnt, 1, __ATOMIC_SEQ_CST);
}

static void nmap_put(struct abpf_map *map)
{
	struct nmap *m = N(map);
	u32 i;

	if (__atomic_sub_fetch(&m->refcnt, 1, __ATOMIC_SEQ_CST))
		return;
	if (m->slots)
		for (i = 0; i < m->map.max_entries; i++) {
			free(m->slots[i].key);
			free(m->slots[i].value);
		}
	free(m->slots);
	free(m->values);
	free(m->progs);
	free(m->rb);
	pthread_mutex_destroy(&m->lock);
	free(m);
	__atomic_sub_fetch(&live, 1, __ATOMIC_SEQ_CST);
}

/* The value of this CPU (per-CPU maps) in a slot's or array's storage. */
static u8 *cpu_val(struct nmap *m, u8 *base)
{
	return m->ncpu > 1 ? base + (size_t)m->elem * abpf_native_cpu : base;
}

/* ---- hash-like slot lookup (hash, per-CPU hash, LRU, LPM exact) ---- */

static struct nslot *find_slot(struct nmap *m, const void *key)
{
	u32 i;

	for (i = 0; i < m->map.max_entries; i++)
		if (m->slots[i].used &&
		    !memcmp(m->slots[i].key, key, m->map.key_size))
			return &m->slots[i];
	return NULL;
}

static struct nslot *free_slot(struct nmap *m)
{
	struct nslot *lru = NULL;
	u32 i;

	for (i = 0; i < m->map.max_entries; i++) {
		if (!m->slots[i].used)
			return &m->slots[i];
		if (!lru || m->slots[i].stamp < lru->stamp)
			lru = &m->slots[i];
	}
	/* full: LRU maps evict the least recently used element */
	if (m->map.type == ABPF_MAP_LRU_HASH && lru) {
		lru->used = false;
		return lru;
	}
	return NULL;
}

/* LPM keys: u32 prefixlen, then the data (big-endian bit order). */
static bool lpm_match(const u8 *pfx, u32 plen, const u8 *data)
{
	u32 full = plen / 8, rest = plen % 8;

	if (memcmp(pfx, data, full))
		return false;
	if (rest) {
		u8 mask = (u8)(0xff00 >> rest);

		return ((pfx[full] ^ data[full]) & mask) == 0;
	}
	return true;
}

static void lpm_canon(struct nmap *m, u8 *key)
{
	u32 plen, dlen = m->map.key_size - 4, b;

	memcpy(&plen, key, 4);
	for (b = plen; b < dlen * 8; b++)
		key[4 + b / 8] &= (u8)~(0x80 >> (b % 8));
}

/* ---- program-side ops ---- */

static void *n_lookup_locked(struct nmap *m, const void *key)
{
	struct nslot *s, *best = NULL;
	u32 i, idx, plen, bplen = 0;

	if (is_array(m->map.type)) {
		memcpy(&idx, key, 4);
		if (idx >= m->map.max_entries)
			return NULL;
		return cpu_val(m, m->values + (size_t)idx * m->elem * m->ncpu);
	}
	if (m->map.type == ABPF_MAP_LPM_TRIE) {
		memcpy(&plen, key, 4);
		for (i = 0; i < m->map.max_entries; i++) {
			u32 sp;

			s = &m->slots[i];
			if (!s->used)
				continue;
			memcpy(&sp, s->key, 4);
			if (sp > plen || (best && sp < bplen))
				continue;
			if (lpm_match(s->key + 4, sp, (const u8 *)key + 4)) {
				best = s;
				bplen = sp;
			}
		}
		return best ? best->value : NULL;
	}
	s = find_slot(m, key);
	if (!s)
		return NULL;
	s->stamp = ++m->clock;
	return cpu_val(m, s->value);
}

static void *n_lookup(struct abpf_map *map, const void *key)
{
	struct nmap *m = N(map);
	void *v;

	pthread_mutex_lock(&m->lock);
	v = n_lookup_locked(m, key);
	pthread_mutex_unlock(&m->lock);
	return v;
}

/* all_cpus: value holds ncpu values (syscall); else this CPU's only. */
static long n_update_locked(struct nmap *m, const void *key, const void *value,
			    u64 flags, bool all_cpus)
{
	struct nslot *s;
	u8 kbuf[4 + 256];
	u32 idx, c;

	if (flags > BPF_EXIST)
		return -EINVAL;
	if (is_array(m->map.type)) {
		memcpy(&idx, key, 4);
		if (idx >= m->map.max_entries)
			return -E2BIG;
		if (flags == BPF_NOEXIST)
			return -EEXIST;
		for (c = 0; c < m->ncpu; c++) {
			u8 *dst = m->values + ((size_t)idx * m->ncpu + c) * m->elem;

			if (all_cpus)
				memcpy(dst, (const u8 *)value + (size_t)c * m->elem,
				       m->map.value_size);
			else if (c == (m->ncpu > 1 ? abpf_native_cpu : 0))
				memcpy(dst, value, m->map.value_size);
		}
		return 0;
	}
	if (m->map.type == ABPF_MAP_LPM_TRIE) {
		u32 plen;

		memcpy(&plen, key, 4);
		if (plen > (m->map.key_size - 4) * 8)
			return -EINVAL;
		memcpy(kbuf, key, m->map.key_size);
		lpm_canon(m, kbuf);
		key = kbuf;
	}
	s = find_slot(m, key);
	if (s && flags == BPF_NOEXIST)
		return -EEXIST;
	if (!s && flags == BPF_EXIST)
		return -ENOENT;
	if (!s) {
		s = free_slot(m);
		if (!s)
			return -E2BIG;
		memcpy(s->key, key, m->map.key_size);
		memset(s->value, 0, (size_t)m->elem * m->ncpu);
		s->used = true;
	}
	s->stamp = ++m->clock;
	for (c = 0; c < m->ncpu; c++) {
		u8 *dst = s->value + (size_t)c * m->elem;

		if (all_cpus)
			memcpy(dst, (const u8 *)value + (size_t)c * m->elem,
			       m->map.value_size);
		else if (c == (m->ncpu > 1 ? abpf_native_cpu : 0))
			memcpy(dst, value, m->map.value_size);
	}
	return 0;
}

static long n_update(struct abpf_map *map, const void *key, const void *value,
		     u64 flags)
{
	struct nmap *m = N(map);
	long r;

	pthread_mutex_lock(&m->lock);
	r = n_update_locked(m, key, value, flags, false);
	pthread_mutex_unlock(&m->lock);
	return r;
}

static long n_delete(struct abpf_map *map, const void *key)
{
	struct nmap *m = N(map);
	struct nslot *s;
	u8 kbuf[4 + 256];

	if (is_array(map->type))
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	if (map->type == ABPF_MAP_LPM_TRIE) {
		memcpy(kbuf, key, map->key_size);
		lpm_canon(m, kbuf);
		key = kbuf;
	}
	s = find_slot(m, key);
	if (s)
		s->used = false;
	pthread_mutex_unlock(&m->lock);
	return s ? 0 : -ENOENT;
}

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

static int n_direct_value(struct abpf_map *map, u64 *addr)
{
	struct nmap *m = N(map);

	if (map->type != ABPF_MAP_ARRAY || map->max_entries != 1)
		return -EOPNOTSUPP;
	*addr = (u64)(unsigned long)m->values;
	return 0;
}

static int n_array_layout(struct abpf_map *map, u64 *base, u32 *stride)
{
	struct nmap *m = N(map);

	if (map->type != ABPF_MAP_ARRAY)
		return -EOPNOTSUPP;
	*base = (u64)(unsigned long)m->values;
	*stride = m->elem;
	return 0;
}

static int n_bind_prog(struct abpf_map *map, u32 prog_type)
{
	struct nmap *m = N(map);
	int err = 0;

	if (map->type != ABPF_MAP_PROG_ARRAY)
		return 0;
	pthread_mutex_lock(&m->lock);
	if (m->prog_type == ~0U)
		m->prog_type = prog_type;
	else if (m->prog_type != prog_type)
		err = -EINVAL;
	pthread_mutex_unlock(&m->lock);
	return err;
}

static const struct abpf_map_ops nmap_ops = {
	.lookup = n_lookup,
	.update = n_update,
	.delete = n_delete,
	.prog_at = n_prog_at,
	.prog_slots = n_prog_slots,
	.direct_value = n_direct_value,
	.array_layout = n_array_layout,
	.bind_prog = n_bind_prog,
	.put = nmap_put,
};

/* prog arrays and ringbufs: no lookup/update/delete from programs */
static const struct abpf_map_ops nmap_special_ops = {
	.prog_at = n_prog_at,
	.prog_slots = n_prog_slots,
	.bind_prog = n_bind_prog,
	.put = nmap_put,
};

/* ---- creation and the fd table ---- */

int abpf_native_maps_live(void)
{
	return __atomic_load_n(&live, __ATOMIC_SEQ_CST);
}

int abpf_native_map_create(const union bpf_attr *attr)
{
	u32 t = attr->map_type, ks = attr->key_size, vs = attr->value_size;
	u32 n = attr->max_entries, fl = attr->map_flags, i;
	u32 ok_flags = BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG;
	struct nmap *m;
	int fd = -EMFILE;

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
	m->map.type = t;
	m->map.key_size = ks;
	m->map.value_size = vs;
	m->map.max_entries = n;
	m->map.map_flags = fl;
	memcpy(m->map.name, attr->map_name, sizeof(m->map.name));
	m->map.name[sizeof(m->map.name) - 1] = 0;
	m->map.ops = (t == ABPF_MAP_PROG_ARRAY || t == ABPF_MAP_RINGBUF) ?
		     &nmap_special_ops : &nmap_ops;
	m->refcnt = 1;
	m->elem = (vs + 7) & ~7u;
	m->ncpu = (t == ABPF_MAP_PERCPU_ARRAY || t == ABPF_MAP_PERCPU_HASH) ?
		  ABPF_NATIVE_NR_CPUS : 1;
	m->prog_type = ~0U;
	pthread_mutex_init(&m->lock, NULL);
	__atomic_add_fetch(&live, 1, __ATOMIC_SEQ_CST);

	if (is_array(t)) {
		m->values = aligned_alloc(8, (size_t)n * m->elem * m->ncpu);
		if (m->values)
			memset(m->values, 0, (size_t)n * m->elem * m->ncpu);
	} else if (t == ABPF_MAP_PROG_ARRAY) {
		m->progs = calloc(n, sizeof(*m->progs));
	} else if (t == ABPF_MAP_RINGBUF) {
		m->rb = aligned_alloc(8, 8 + (size_t)n);
		if (m->rb) {
			memset(m->rb, 0, 8 + (size_t)n);
			memcpy(m->rb, &m, sizeof(m));	/* back pointer */
		}
	} else {
		m->slots = calloc(n, sizeof(*m->slots));
		for (i = 0; m->slots && i < n; i++) {
			m->slots[i].key = calloc(1, ks);
			m->slots[i].value = aligned_alloc(8, (size_t)m->elem *
							  m->ncpu);
			if (!m->slots[i].key || !m->slots[i].value)
				break;
		}
		if (m->slots && i < n) {
			free(m->slots[i].key);
			free(m->slots[i].value);
			m->slots[i].key = NULL;
			m->slots[i].value = NULL;
			/* nmap_put frees the rest */
			nmap_put(&m->map);
			return -ENOMEM;
		}
	}
	if (!m->values && !m->progs && !m->rb && !m->slots) {
		nmap_put(&m->map);
		return -ENOMEM;
	}
	pthread_mutex_lock(&fds_lock);
	m->map.id = next_id++;
	for (i = 0; i < NMAP_MAX_FDS; i++)
		if (!fds[i]) {
			fds[i] = m;
			fd = NMAP_FD_BASE + i;
			break;
		}
	pthread_mutex_unlock(&fds_lock);
	if (fd < 0)
		nmap_put(&m->map);
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
	return m ? &m->map : NULL;
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
		for (i = 0; i < m->map.max_entries; i++)
			__atomic_store_n(&m->progs[i], NULL, __ATOMIC_RELEASE);
	nmap_put(&m->map);
	return 0;
}

/* ---- syscall side ---- */

int abpf_native_map_lookup(int fd, const void *key, void *value)
{
	struct nmap *m = fd_map(fd);
	struct nslot *s;
	u8 *src = NULL;
	u32 idx, c;

	if (!m)
		return -EBADF;
	if (m->map.type == ABPF_MAP_PROG_ARRAY ||
	    m->map.type == ABPF_MAP_RINGBUF)
		return -EOPNOTSUPP;
	pthread_mutex_lock(&m->lock);
	if (is_array(m->map.type)) {
		memcpy(&idx, key, 4);
		if (idx < m->map.max_entries)
			src = m->values + (size_t)idx * m->elem * m->ncpu;
	} else if (m->map.type == ABPF_MAP_LPM_TRIE) {
		src = n_lookup_locked(m, key);
	} else {
		s = find_slot(m, key);	/* syscall lookups do not touch LRU */
		src = s ? s->value : NULL;
	}
	if (src) {
		if (m->ncpu > 1)
			for (c = 0; c < m->ncpu; c++)
				memcpy((u8 *)value + (size_t)c * m->elem,
				       src + (size_t)c * m->elem, m->elem);
		else
			memcpy(value, src, m->map.value_size);
	}
	pthread_mutex_unlock(&m->lock);
	return src ? 0 : -ENOENT;
}

int abpf_native_map_update(int fd, const void *key, const void *value,
			   u64 flags)
{
	struct nmap *m = fd_map(fd);
	long r;

	if (!m)
		return -EBADF;
	if (m->map.type == ABPF_MAP_PROG_ARRAY ||
	    m->map.type == ABPF_MAP_RINGBUF)
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	r = n_update_locked(m, key, value, flags, m->ncpu > 1);
	pthread_mutex_unlock(&m->lock);
	return (int)r;
}

int abpf_native_map_delete(int fd, const void *key)
{
	struct nmap *m = fd_map(fd);
	u32 idx;

	if (!m)
		return -EBADF;
	if (m->map.type == ABPF_MAP_PROG_ARRAY) {
		memcpy(&idx, key, 4);
		if (idx >= m->map.max_entries)
			return -E2BIG;
		return __atomic_exchange_n(&m->progs[idx], NULL,
					   __ATOMIC_ACQ_REL) ? 0 : -ENOENT;
	}
	if (m->map.type == ABPF_MAP_RINGBUF)
		return -EINVAL;
	return (int)n_delete(&m->map, key);
}

int abpf_native_map_get_next_key(int fd, const void *key, void *next)
{
	struct nmap *m = fd_map(fd);
	u32 idx, i, start = 0;
	int r = -ENOENT;

	if (!m)
		return -EBADF;
	if (is_array(m->map.type) || m->map.type == ABPF_MAP_PROG_ARRAY) {
		if (!key) {
			idx = 0;
		} else {
			memcpy(&idx, key, 4);
			idx = idx >= m->map.max_entries ? 0 : idx + 1;
		}
		if (idx >= m->map.max_entries)
			return -ENOENT;
		memcpy(next, &idx, 4);
		return 0;
	}
	if (m->map.type == ABPF_MAP_RINGBUF)
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	if (key) {
		struct nslot *s = find_slot(m, key);

		/* unknown key: start over, like the kernel's hash */
		if (s)
			start = (u32)(s - m->slots) + 1;
	}
	for (i = start; i < m->map.max_entries; i++)
		if (m->slots[i].used) {
			memcpy(next, m->slots[i].key, m->map.key_size);
			r = 0;
			break;
		}
	pthread_mutex_unlock(&m->lock);
	return r;
}

int abpf_native_prog_array_set(int fd, u32 index, struct abpf_prog *prog)
{
	struct nmap *m = fd_map(fd);
	int err;

	if (!m || m->map.type != ABPF_MAP_PROG_ARRAY)
		return -EINVAL;
	if (index >= m->map.max_entries)
		return -E2BIG;
	if (prog) {
		err = n_bind_prog(&m->map, prog->type);
		if (err)
			return err;
	}
	__atomic_store_n(&m->progs[index], prog, __ATOMIC_RELEASE);
	return 0;
}

/* ---- ringbuf ---- */

static void *rb_reserve(struct nmap *m, u64 size)
{
	u64 mask = m->map.max_entries - 1, total, pos, pad;
	u8 *data = m->rb + 8, *hdr;
	u32 w;

	if (size > m->map.max_entries - RB_HDR)
		return NULL;
	total = (size + RB_HDR + 7) & ~7ULL;
	pthread_mutex_lock(&m->lock);
	pos = m->rb_prod & mask;
	/* no wrapping records: pad to the end with a discarded one */
	pad = pos + total > m->map.max_entries ? m->map.max_entries - pos : 0;
	if (m->rb_prod - m->rb_cons + pad + total > m->map.max_entries) {
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

	if (!m || m->map.type != ABPF_MAP_RINGBUF)
		return -EINVAL;
	mask = m->map.max_entries - 1;
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
