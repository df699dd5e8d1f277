// SPDX-License-Identifier: GPL-2.0
/*
 * jit_mem.c - executable memory for the JIT in native binaries.
 *
 * Images are packed into one arena, like the kernel's bpf_prog_pack and
 * the module's jit_arena.c: 64-byte units of a memfd that is mapped
 * read-execute near our text (helpers stay within rel32 reach).  Packing
 * matters for speed: one mmap per image put every image at the same
 * page offset, 64 MiB apart, so a chain of tail calls had all its entry
 * points in the same L1i and uop-cache sets (tail_calls ran 4x the kernel
 * JIT's time natively while executing 1.2x its instructions).
 *
 * W^X as in the module: the code generator writes a malloc()ed staging
 * buffer (the core's rw_alias); finalize() copies it into the arena
 * through a temporary read-write mapping of the same memfd pages, unmaps
 * that and serialises the CPU.  No mapping is ever writable and
 * executable.  Freed units are refilled with int3.
 *
 * Images larger than the arena's free space, and processes that forked
 * after creating it (the child must not write its parent's code), get a
 * private mapping of their own, mprotect()ed RX at finalize().  A child
 * must not run images it inherited: the parent may reuse their units.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "../module/core/jit.h"

#define ARENA_SIZE	(128UL << 20)	/* virtual; memfd pages come on use */
#define ARENA_UNIT	64UL		/* image alignment, a cache line */
#define ARENA_UNITS	(ARENA_SIZE / ARENA_UNIT)
#define BITS		(8 * sizeof(unsigned long))

/* An image between alloc() and finalize()/free(): its staging buffer. */
struct pending {
	struct pending *next;
	u8 *image;
	u8 *staging;
	bool own_map;		/* a private mapping, not the arena */
};

static struct {
	pthread_mutex_t lock;
	bool tried;
	int fd;
	pid_t pid;		/* the process that created it */
	u8 *rx;
	unsigned long *used;	/* a bit per unit */
	size_t rover;		/* where the next search starts */
	struct pending *pending;
} arena = { .lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1 };

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static size_t page_round(size_t size)
{
	size_t pg = page_size();

	return (size + pg - 1) & ~(pg - 1);
}

/* An mmap() of @len bytes within rel32 reach of our text, or anywhere. */
static void *map_near_text(size_t len, int prot, int flags, int fd)
{
	uintptr_t near = (uintptr_t)&map_near_text;
	void *p = MAP_FAILED;
	int try;

	/* A few hints below our text; helpers are then called with rel32. */
	for (try = 1; try <= 16 && p == MAP_FAILED; try++) {
		uintptr_t hint = (near & ~(uintptr_t)0xfffff) -
				 (uintptr_t)try * (64u << 20) - len;

		p = mmap((void *)hint, len, prot, flags | MAP_FIXED_NOREPLACE,
			 fd, 0);
	}
	if (p == MAP_FAILED)
		p = mmap(NULL, len, prot, flags, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

static bool arena_ready(void)
{
	if (!arena.tried) {
		arena.tried = true;
		arena.fd = memfd_create("altbpf-jit", MFD_CLOEXEC);
		if (arena.fd < 0)
			return false;
		arena.used = calloc(ARENA_UNITS / BITS, sizeof(*arena.used));
		if (ftruncate(arena.fd, ARENA_SIZE) || !arena.used)
			goto fail;
		arena.rx = map_near_text(ARENA_SIZE, PROT_READ | PROT_EXEC,
					 MAP_SHARED, arena.fd);
		if (!arena.rx)
			goto fail;
		arena.pid = getpid();
	}
	return arena.rx && arena.pid == getpid();
fail:
	free(arena.used);
	arena.used = NULL;
	close(arena.fd);
	arena.fd = -1;
	return false;
}

static bool unit_used(size_t u)
{
	return arena.used[u / BITS] & (1UL << (u % BITS));
}

static void units_set(size_t first, size_t n, bool used)
{
	for (size_t u = first; u < first + n; u++) {
		if (used)
			arena.used[u / BITS] |= 1UL << (u % BITS);
		else
			arena.used[u / BITS] &= ~(1UL << (u % BITS));
	}
}

/* First fit from the rover, wrapping once; ARENA_UNITS if none. */
static size_t units_find(size_t n)
{
	size_t start = arena.rover, u = start, run = 0, pass;

	for (pass = 0; pass < ARENA_UNITS + n; pass++, u++) {
		if (u == ARENA_UNITS) {
			u = 0;
			run = 0;
		}
		if (unit_used(u)) {
			run = 0;
			continue;
		}
		if (++run == n)
			return u + 1 - n;
	}
	return ARENA_UNITS;
}

/* Copy @len bytes into the arena at @off through a temporary RW mapping. */
static int arena_write(size_t off, const void *src, int fill, size_t len)
{
	size_t pg = page_size(), woff = off & ~(pg - 1);
	size_t wlen = page_round(off + len) - woff;
	u8 *w = mmap(NULL, wlen, PROT_READ | PROT_WRITE, MAP_SHARED,
		     arena.fd, (off_t)woff);

	if (w == MAP_FAILED)
		return -errno;
	if (src)
		memcpy(w + (off - woff), src, len);
	else
		memset(w + (off - woff), fill, len);
	munmap(w, wlen);
	return 0;
}

/* The new bytes may sit where other code ran: serialise (SDM 8.1.3). */
static void serialise(void)
{
	unsigned int a, b, c, d;

	__cpuid(0, a, b, c, d);
	(void)a; (void)b; (void)c; (void)d;
}

static struct pending **pending_find(void *image)
{
	struct pending **pp;

	for (pp = &arena.pending; *pp; pp = &(*pp)->next)
		if ((*pp)->image == image)
			return pp;
	return NULL;
}

static bool in_arena(const void *image)
{
	return arena.rx && (const u8 *)image >= arena.rx &&
	       (const u8 *)image < arena.rx + ARENA_SIZE;
}

static void *abpf_native_alloc(u32 size, void **rw_alias)
{
	size_t n = (size + ARENA_UNIT - 1) / ARENA_UNIT, first;
	struct pending *pend = calloc(1, sizeof(*pend));

	if (!pend)
		return NULL;
	pthread_mutex_lock(&arena.lock);
	if (arena_ready() && n && n <= ARENA_UNITS) {
		first = units_find(n);
		if (first < ARENA_UNITS) {
			pend->staging = malloc(n * ARENA_UNIT);
			if (pend->staging) {
				units_set(first, n, true);
				arena.rover = first + n;
				pend->image = arena.rx + first * ARENA_UNIT;
			}
		}
	}
	if (!pend->image) {
		/* a private mapping, written in place, RX at finalize() */
		pend->image = map_near_text(page_round(size),
					    PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1);
		pend->staging = pend->image;
		pend->own_map = true;
	}
	if (!pend->image || !pend->staging) {
		pthread_mutex_unlock(&arena.lock);
		free(pend);
		return NULL;
	}
	memset(pend->staging, 0xcc, pend->own_map ? page_round(size) :
						     n * ARENA_UNIT);
	pend->next = arena.pending;
	arena.pending = pend;
	pthread_mutex_unlock(&arena.lock);
	*rw_alias = pend->staging;
	return pend->image;
}

static int abpf_native_finalize(void *image, void *rw_alias, u32 size)
{
	size_t len = (size + ARENA_UNIT - 1) / ARENA_UNIT * ARENA_UNIT;
	struct pending **pp, *pend;
	int err;

	pthread_mutex_lock(&arena.lock);
	pp = pending_find(image);
	if (!pp || (*pp)->staging != rw_alias) {
		pthread_mutex_unlock(&arena.lock);
		return -EINVAL;
	}
	pend = *pp;
	*pp = pend->next;
	if (pend->own_map) {
		err = mprotect(image, page_round(size), PROT_READ | PROT_EXEC) ?
		      -errno : 0;
	} else {
		err = arena_write((u8 *)image - arena.rx, pend->staging, 0,
				  len);
		free(pend->staging);
		serialise();
	}
	pthread_mutex_unlock(&arena.lock);
	free(pend);
	return err;
}

static void abpf_native_free(void *image, u32 size)
{
	size_t n = (size + ARENA_UNIT - 1) / ARENA_UNIT;
	struct pending **pp, *pend = NULL;
	size_t off;

	if (!image)
		return;
	pthread_mutex_lock(&arena.lock);
	pp = pending_find(image);
	if (pp) {			/* never finalized */
		pend = *pp;
		*pp = pend->next;
		if (!pend->own_map)
			free(pend->staging);
	}
	if (in_arena(image)) {
		off = (u8 *)image - arena.rx;
		/* int3 again; a parent's arena is not ours to write */
		if (arena.pid == getpid()) {
			arena_write(off, NULL, 0xcc, n * ARENA_UNIT);
			units_set(off / ARENA_UNIT, n, false);
		}
	} else {
		munmap(image, page_round(size));
	}
	pthread_mutex_unlock(&arena.lock);
	free(pend);
}

static u32 abpf_native_random(void)
{
	return (u32)random() ^ ((u32)random() << 16);
}

void abpf_native_jit_host(struct abpf_jit_host *host, u32 blind)
{
	memset(host, 0, sizeof(*host));
	host->alloc = abpf_native_alloc;
	host->finalize = abpf_native_finalize;
	host->free = abpf_native_free;
	host->random = abpf_native_random;
	host->blind = blind;
}

int abpf_native_jit(struct abpf_prog *prog, u32 blind, struct abpf_log *log)
{
	struct abpf_jit_host host;

	abpf_native_jit_host(&host, blind);
	return abpf_jit_compile(prog, &host, log);
}

void abpf_native_jit_free(struct abpf_prog *prog)
{
	struct abpf_jit_host host;

	abpf_native_jit_host(&host, 0);
	abpf_jit_release(prog, &host);
}
