// SPDX-License-Identifier: GPL-2.0
/*
 * jit_mem.c - executable memory for the JIT in native binaries.
 *
 * W^X: an image is mapped read-write, the code generator writes it, and
 * finalize() flips it to read-execute; it is never writable and executable
 * at once.  Helpers are called with rel32 when the mapping lands within
 * +-2 GiB of them (we ask mmap for an address near our own text), else the
 * code generator falls back to movabs + indirect call by itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "../module/core/jit.h"

static size_t page_round(size_t size)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (size + pg - 1) & ~(pg - 1);
}

static void *abpf_native_alloc(u32 size, void **rw_alias)
{
	size_t len = page_round(size);
	uintptr_t near = (uintptr_t)&abpf_native_alloc;
	void *p = MAP_FAILED;
	int try;

	/* Try a few hints below our text, within rel32 reach of helpers. */
	for (try = 1; try <= 16 && p == MAP_FAILED; try++) {
		uintptr_t hint = (near & ~(uintptr_t)0xfffff) -
				 (uintptr_t)try * (64u << 20);
		p = mmap((void *)hint, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			 -1, 0);
	}
	if (p == MAP_FAILED)
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0xcc, len);		/* int3 everywhere unused */
	*rw_alias = p;
	return p;
}

static int abpf_native_finalize(void *image, void *rw_alias, u32 size)
{
	(void)rw_alias;
	if (mprotect(image, page_round(size), PROT_READ | PROT_EXEC))
		return -errno;
	return 0;
}

static void abpf_native_free(void *image, u32 size)
{
	if (image)
		munmap(image, page_round(size));
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
