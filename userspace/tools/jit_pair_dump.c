// SPDX-License-Identifier: GPL-2.0
/*
 * Write the host kernel's JIT image of
 * OBJDIR/NAME.kernel.o and altbpf's native JIT image of OBJDIR/NAME.altbpf.o
 * as raw files (OUT.kernel.bin, OUT.altbpf.bin, OUT.altbpf.offs: BPF insn
 * index -> image offset) for objdump -b binary -m i386:x86-64 -D.
 * A JIT-tuning aid (docs/jit.md "Native lookups and budget"), built as
 * build/bin/altbpf-jit-pair-dump.
 * Needs root for the kernel's image (bpf(2), BPF_OBJ_GET_INFO_BY_FD).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "altbpf.h"
#include "elf_loader.h"
#include "maps.h"
#include "maps_native.h"
#include "jit.h"
#include "runner.h"

static void put(const char *out, const char *ext, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s.%s", out, ext);
	f = fopen(path, "w");
	if (!f || fwrite(p, 1, n, f) != n)
		perror(path);
	if (f)
		fclose(f);
}

static int kernel_dump(const char *dir, const char *name, const char *out)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	struct bpf_object *obj;
	struct bpf_program *p;
	char path[512];
	void *img;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.kernel.o", dir, name);
	obj = bpf_object__open_file(path, NULL);
	if (!obj || bpf_object__load(obj))
		return fprintf(stderr, "%s: load failed\n", path), -1;
	p = bpf_object__find_program_by_name(obj, name);
	fd = p ? bpf_program__fd(p) : -1;
	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return fprintf(stderr, "%s: no info\n", name), -1;
	img = calloc(1, info.jited_prog_len);
	len = sizeof(info);
	{
		__u32 n = info.jited_prog_len;

		memset(&info, 0, sizeof(info));
		info.jited_prog_len = n;
		info.jited_prog_insns = (__u64)(unsigned long)img;
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			return perror("info"), -1;
		put(out, "kernel.bin", img, n);
		printf("kernel: %u bytes\n", n);
	}
	return 0;
}

static int altbpf_dump(const char *dir, const char *name, const char *out)
{
	static char logbuf[65536];
	struct abpf_log log = { logbuf, sizeof(logbuf), 0, 1, false };
	struct elf_obj o;
	int fds[ELF_MAX_MAPS] = { 0 };
	struct abpf_jit_host host;
	struct abpf_prog *prog;
	struct elf_prog *ep = NULL;
	char path[512];
	u32 *offs;
	int err;

	snprintf(path, sizeof(path), "%s/%s.altbpf.o", dir, name);
	if (elf_obj_open(path, &o))
		return fprintf(stderr, "%s\n", o.err), -1;
	for (int i = 0; i < o.nr_maps; i++) {
		struct elf_map *m = &o.maps[i];

		fds[i] = abpf_native_map_new(m->type, m->key_size,
					     m->value_size, m->max_entries,
					     m->map_flags);
	}
	for (int i = 0; i < o.nr_progs; i++)
		if (!strcmp(o.progs[i].name, name))
			ep = &o.progs[i];
	if (!ep)
		return fprintf(stderr, "no prog %s\n", name), -1;
	for (u32 k = 0; k < ep->nr_relocs; k++) {
		struct elf_reloc *r = &ep->relocs[k];
		struct bpf_insn *insn = &ep->insns[r->insn];

		insn[0].imm = fds[r->map];
		insn[0].src_reg = r->off == ~0U ? BPF_PSEUDO_MAP_FD :
						  BPF_PSEUDO_MAP_VALUE;
		insn[1].imm = r->off == ~0U ? 0 : r->off;
	}
	prog = abpf_prog_alloc(ep->insns, ep->cnt,
			       ep->prog_type == ALTBPF_PROG_TYPE_MEM ?
			       ABPF_PROG_TYPE_MEM : ABPF_PROG_TYPE_PACKET);
	err = abpf_prog_bind_maps(prog, &abpf_native_resolver, &log);
	if (!err)
		err = abpf_check(prog, &log);
	if (!err)
		err = abpf_interp_prepare(prog);
	offs = calloc(ep->cnt + 1, sizeof(*offs));
	abpf_native_jit_host(&host, 0);
	host.insn_offsets = offs;
	if (!err)
		err = abpf_jit_compile(prog, &host, &log);
	if (err)
		return fprintf(stderr, "altbpf: %d\n%s\n", err, logbuf), -1;
	put(out, "altbpf.bin", prog->jit_image, prog->jit_size);
	put(out, "altbpf.offs", offs, (ep->cnt + 1) * sizeof(*offs));
	printf("altbpf: %u bytes, %u insns\n", (unsigned int)prog->jit_size,
	       ep->cnt);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s OBJDIR NAME OUT\n", argv[0]);
		return 2;
	}
	return (altbpf_dump(argv[1], argv[2], argv[3]) |
		kernel_dump(argv[1], argv[2], argv[3])) ? 1 : 0;
}
