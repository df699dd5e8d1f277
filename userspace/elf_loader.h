/* SPDX-License-Identifier: GPL-2.0 */
/*
 * elf_loader.h - load a clang -target bpf object through /dev/altbpf.
 *
 * elf_obj_open() parses the object with libelf (and libbpf's BTF API for
 * BTF-defined maps): the license, legacy "maps" (struct bpf_map_def) and
 * BTF ".maps" definitions, global data sections (.rodata*, .data*, .bss:
 * one single-entry array map each, as libbpf does), every program (one per
 * global function of an executable section other than .text) with its
 * R_BPF_64_64 map relocations and bpf-to-bpf calls (.text appended, call
 * offsets fixed), and prog-array initial values (".values" in .maps).
 * elf_obj_load() creates the maps, patches the map fds into the lddw
 * instructions and loads the programs.
 */
#ifndef ALTBPF_ELF_LOADER_H
#define ALTBPF_ELF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>

#define ELF_MAX_MAPS	64
#define ELF_MAX_PROGS	64

enum elf_attach {
	ELF_ATTACH_NONE = 0,	/* socket*, mem*: test-run only */
	ELF_ATTACH_KPROBE,	/* kprobe/FUNC */
	ELF_ATTACH_KRETPROBE,	/* kretprobe/FUNC */
	ELF_ATTACH_NETFILTER,	/* netfilter/HOOK[/PRIORITY] */
};

struct elf_map {
	char name[64];
	__u32 type, key_size, value_size, max_entries, map_flags;
	int shndx;		/* section of its symbol */
	__u64 sym_off, sym_size;	/* symbol's place in that section */
	__u32 values_off;	/* .maps: offset of the "values" member */
	void *init;		/* data sections: initial contents */
	bool is_data;
	int fd;
	__u32 id;
};

struct elf_reloc {
	__u32 insn;		/* lddw index */
	int map;		/* map index */
	__u32 off;		/* BPF_PSEUDO_MAP_VALUE offset; else ~0 */
};

struct elf_prog {
	char name[64];
	char sec[128];
	__u32 prog_type;	/* bpf(2) / ALTBPF_PROG_TYPE_* */
	int attach;		/* enum elf_attach */
	char target[128];	/* kprobe symbol, netfilter hook spec */
	struct bpf_insn *insns;
	__u32 cnt;
	struct elf_reloc *relocs;
	__u32 nr_relocs;
	int fd;
	__u32 id;
};

/* prog array slot initialisation (.values of a BTF prog array) */
struct elf_slot {
	int map;
	__u32 index;
	char prog[64];
};

struct elf_obj {
	char path[256];
	char license[128];
	struct elf_map maps[ELF_MAX_MAPS];
	int nr_maps;
	struct elf_prog progs[ELF_MAX_PROGS];
	int nr_progs;
	struct elf_slot slots[ELF_MAX_MAPS * 4];
	int nr_slots;
	char err[512];		/* what went wrong (-1 returns) */
};

/* 0, or -1 with o->err set. */
int elf_obj_open(const char *path, struct elf_obj *o);
/*
 * Create the maps and load the programs on @dev (/dev/altbpf).  The
 * checker's log of a rejected program goes to @log.  0 or -1 (o->err).
 */
int elf_obj_load(struct elf_obj *o, int dev, __u32 log_level, char *log,
		 size_t log_size);
/* Close every fd and free. */
void elf_obj_close(struct elf_obj *o);

/* bpf(2) over /dev/altbpf: the result, or -1 with errno. */
int altbpf_sys(int dev, int cmd, union bpf_attr *attr);
const char *map_type_name(__u32 type);
const char *prog_type_name(__u32 type);

#endif
