// SPDX-License-Identifier: GPL-2.0
/*
 * elf_loader.c - clang -target bpf objects -> /dev/altbpf (elf_loader.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <gelf.h>
#include <libelf.h>
#include <bpf/btf.h>

#include "altbpf.h"
#include "elf_loader.h"

int altbpf_sys(int dev, int cmd, union bpf_attr *attr)
{
	struct altbpf_call call = {
		.cmd = cmd, .size = sizeof(*attr),
		.attr = (__u64)(unsigned long)attr,
	};

	return ioctl(dev, ALTBPF_IOC_BPF, &call);
}

const char *map_type_name(__u32 t)
{
	switch (t) {
	case BPF_MAP_TYPE_HASH: return "hash";
	case BPF_MAP_TYPE_ARRAY: return "array";
	case BPF_MAP_TYPE_PROG_ARRAY: return "prog_array";
	case BPF_MAP_TYPE_PERCPU_HASH: return "percpu_hash";
	case BPF_MAP_TYPE_PERCPU_ARRAY: return "percpu_array";
	case BPF_MAP_TYPE_LRU_HASH: return "lru_hash";
	case BPF_MAP_TYPE_LPM_TRIE: return "lpm_trie";
	case BPF_MAP_TYPE_RINGBUF: return "ringbuf";
	}
	return "unknown";
}

const char *prog_type_name(__u32 t)
{
	switch (t) {
	case ALTBPF_PROG_TYPE_MEM: return "mem";
	case ALTBPF_PROG_TYPE_CONFORMANCE: return "conformance";
	case ALTBPF_PROG_TYPE_PACKET:
	case BPF_PROG_TYPE_SOCKET_FILTER: return "packet";
	case ALTBPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_KPROBE: return "kprobe";
	}
	return "unknown";
}

__attribute__((format(printf, 2, 3)))
static int fail(struct elf_obj *o, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(o->err, sizeof(o->err), "%s: ", o->path);

	va_start(ap, fmt);
	vsnprintf(o->err + n, sizeof(o->err) - n, fmt, ap);
	va_end(ap);
	return -1;
}

struct sec {
	GElf_Shdr sh;
	const char *name;
	Elf_Data *data;
};

struct ctx {
	struct elf_obj *o;
	Elf *elf;
	struct sec *secs;
	size_t nsecs;
	Elf_Data *symtab;
	size_t strtab;
	size_t nsyms;
	int maps_sec, btf_maps_sec, text_sec;
	struct btf *btf;
};

static const char *sym_name(struct ctx *c, const GElf_Sym *s)
{
	const char *n = elf_strptr(c->elf, c->strtab, s->st_name);

	if (n && !*n && GELF_ST_TYPE(s->st_info) == STT_SECTION &&
	    s->st_shndx < c->nsecs)
		n = c->secs[s->st_shndx].name;
	return n ? n : "";
}

static bool is_data_sec(const char *n)
{
	return !strncmp(n, ".rodata", 7) || !strncmp(n, ".data", 5) ||
	       !strncmp(n, ".bss", 4);
}

static int map_by_sym(struct ctx *c, const GElf_Sym *s)
{
	struct elf_obj *o = c->o;

	for (int i = 0; i < o->nr_maps; i++) {
		struct elf_map *m = &o->maps[i];

		if (m->shndx != (int)s->st_shndx)
			continue;
		if (m->is_data || m->sym_off == s->st_value)
			return i;
	}
	return -1;
}

static struct elf_map *new_map(struct ctx *c, const char *name)
{
	struct elf_obj *o = c->o;
	struct elf_map *m;

	if (o->nr_maps >= ELF_MAX_MAPS)
		return NULL;
	m = &o->maps[o->nr_maps++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->fd = -1;
	return m;
}

/* Skip typedef/const/volatile/restrict. */
static const struct btf_type *btf_skip(const struct btf *btf, __u32 *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t && (btf_is_typedef(t) || btf_is_const(t) ||
		     btf_is_volatile(t) || btf_is_restrict(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/* __uint(name, N) is "int (*name)[N]". */
static int btf_uint(const struct btf *btf, __u32 id, __u32 *v)
{
	const struct btf_type *t = btf_skip(btf, &id);

	if (!t || !btf_is_ptr(t))
		return -1;
	id = t->type;
	t = btf_skip(btf, &id);
	if (!t || !btf_is_array(t))
		return -1;
	*v = btf_array(t)->nelems;
	return 0;
}

/* BTF-defined maps: a struct per variable of DATASEC ".maps". */
static int parse_btf_map(struct ctx *c, struct elf_map *m)
{
	struct btf *btf = c->btf;
	int vid = btf__find_by_name_kind(btf, m->name, BTF_KIND_VAR);
	const struct btf_type *t;
	const struct btf_member *mem;
	__u32 id;

	if (vid < 0)
		return fail(c->o, "map '%s': no BTF variable", m->name);
	id = btf__type_by_id(btf, vid)->type;
	t = btf_skip(btf, &id);
	if (!t || !btf_is_struct(t))
		return fail(c->o, "map '%s': not a struct", m->name);
	mem = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, mem++) {
		const char *n = btf__name_by_offset(btf, mem->name_off);
		__u32 v = 0;

		if (!strcmp(n, "type") || !strcmp(n, "max_entries") ||
		    !strcmp(n, "map_flags") || !strcmp(n, "key_size") ||
		    !strcmp(n, "value_size")) {
			if (btf_uint(btf, mem->type, &v))
				return fail(c->o, "map '%s': bad '%s'", m->name, n);
			if (!strcmp(n, "type")) m->type = v;
			else if (!strcmp(n, "max_entries")) m->max_entries = v;
			else if (!strcmp(n, "map_flags")) m->map_flags = v;
			else if (!strcmp(n, "key_size")) m->key_size = v;
			else m->value_size = v;
		} else if (!strcmp(n, "key") || !strcmp(n, "value")) {
			__u32 pid = mem->type;
			const struct btf_type *p = btf_skip(btf, &pid);
			long long sz;

			if (!p || !btf_is_ptr(p))
				return fail(c->o, "map '%s': '%s' is not __type()",
					    m->name, n);
			sz = btf__resolve_size(btf, p->type);
			if (sz < 0)
				return fail(c->o, "map '%s': size of '%s'", m->name, n);
			if (!strcmp(n, "key"))
				m->key_size = sz;
			else
				m->value_size = sz;
		} else if (!strcmp(n, "values")) {
			m->values_off = btf_member_bit_offset(t, i) / 8;
		} else {
			return fail(c->o, "map '%s': unsupported attribute '%s'",
				    m->name, n);
		}
	}
	/* prog arrays: the values are program fds */
	if (m->type == BPF_MAP_TYPE_PROG_ARRAY && !m->value_size)
		m->value_size = 4;
	if (m->type == BPF_MAP_TYPE_PROG_ARRAY && !m->key_size)
		m->key_size = 4;
	return 0;
}

static int prog_type_of(struct elf_obj *o, struct elf_prog *p)
{
	const char *s = p->sec;

	if (!strncmp(s, "socket", 6)) {
		p->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	} else if (!strncmp(s, "kprobe/", 7) || !strncmp(s, "kretprobe/", 10)) {
		p->prog_type = BPF_PROG_TYPE_KPROBE;
		p->attach = s[1] == 'p' ? ELF_ATTACH_KPROBE : ELF_ATTACH_KRETPROBE;
		memcpy(p->target, strchr(s, '/') + 1, strlen(strchr(s, '/') + 1) + 1);
	} else if (!strncmp(s, "netfilter/", 10)) {
		p->prog_type = ALTBPF_PROG_TYPE_PACKET;
		p->attach = ELF_ATTACH_NETFILTER;
		memcpy(p->target, s + 10, strlen(s + 10) + 1);
	} else if (!strncmp(s, "mem", 3)) {
		p->prog_type = ALTBPF_PROG_TYPE_MEM;
	} else {
		return fail(o, "section '%s': unknown program type (known: socket*, kprobe/FUNC, kretprobe/FUNC, netfilter/HOOK, mem*)", s);
	}
	return 0;
}

/* Apply section @si's relocations to insns[base .. base + n) (section
 * offsets [from, from + n*8)); calls into .text get text_base. */
static int apply_relocs(struct ctx *c, struct elf_prog *p, int si, __u64 from,
			__u32 n, __u32 base, __u32 text_base, bool *need_text)
{
	for (size_t r = 0; r < c->nsecs; r++) {
		struct sec *rs = &c->secs[r];

		if (rs->sh.sh_type != SHT_REL || (int)rs->sh.sh_info != si)
			continue;
		for (size_t k = 0; k < rs->sh.sh_size / rs->sh.sh_entsize; k++) {
			GElf_Rel rel;
			GElf_Sym sym;
			struct bpf_insn *insn;
			__u32 idx;
			int mi;

			gelf_getrel(rs->data, k, &rel);
			if (rel.r_offset < from || rel.r_offset >= from + n * 8ULL)
				continue;
			idx = base + (rel.r_offset - from) / 8;
			insn = &p->insns[idx];
			gelf_getsym(c->symtab, GELF_R_SYM(rel.r_info), &sym);
			if (insn->code == (BPF_JMP | BPF_CALL)) {
				__u32 tgt;

				if (insn->src_reg != BPF_PSEUDO_CALL)
					return fail(c->o, "%s: relocated call at %u is not a bpf-to-bpf call", p->sec, idx);
				tgt = sym.st_value / 8 + insn->imm + 1;
				if ((int)sym.st_shndx == c->text_sec) {
					if (!need_text)	/* inside .text */
						insn->imm = tgt - (idx - base) - 1;
					else {
						*need_text = true;
						insn->imm = text_base + tgt - idx - 1;
					}
				} else if ((int)sym.st_shndx == si) {
					insn->imm = base + tgt - (from / 8) - idx - 1;
				} else {
					return fail(c->o, "%s: call to another section", p->sec);
				}
				continue;
			}
			if (insn->code != (BPF_LD | BPF_IMM | BPF_DW))
				return fail(c->o, "%s: relocation at insn %u ('%s') is not an lddw", p->sec, idx, sym_name(c, &sym));
			mi = map_by_sym(c, &sym);
			if (mi < 0)
				return fail(c->o, "%s: insn %u refers to '%s', which is not a map (global variables outside .data/.rodata/.bss are not supported)",
					    p->sec, idx, sym_name(c, &sym));
			p->relocs = realloc(p->relocs, (p->nr_relocs + 1) * sizeof(*p->relocs));
			p->relocs[p->nr_relocs++] = (struct elf_reloc){
				.insn = idx, .map = mi,
				.off = c->o->maps[mi].is_data ?
					(__u32)(sym.st_value + insn->imm) : ~0U,
			};
		}
	}
	return 0;
}

static int add_prog(struct ctx *c, int si, const GElf_Sym *s)
{
	struct elf_obj *o = c->o;
	struct sec *sec = &c->secs[si];
	struct elf_prog *p;
	__u32 n = s->st_size / 8, text_n = 0;
	bool need_text = false;

	if (o->nr_progs >= ELF_MAX_PROGS)
		return fail(o, "too many programs");
	p = &o->progs[o->nr_progs++];
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	snprintf(p->name, sizeof(p->name), "%s", sym_name(c, s));
	snprintf(p->sec, sizeof(p->sec), "%s", sec->name);
	if (prog_type_of(o, p))
		return -1;
	if (!n || s->st_value + s->st_size > sec->sh.sh_size)
		return fail(o, "%s: bad function size", p->name);
	if (c->text_sec >= 0)
		text_n = c->secs[c->text_sec].sh.sh_size / 8;
	p->insns = malloc((n + text_n) * 8);
	if (!p->insns)
		return fail(o, "out of memory");
	memcpy(p->insns, (char *)sec->data->d_buf + s->st_value, n * 8);
	p->cnt = n;
	if (apply_relocs(c, p, si, s->st_value, n, 0, n, &need_text))
		return -1;
	if (need_text) {
		/* bpf-to-bpf calls: .text goes after the program, whole */
		memcpy(p->insns + n, c->secs[c->text_sec].data->d_buf, text_n * 8);
		p->cnt += text_n;
		if (apply_relocs(c, p, c->text_sec, 0, text_n, n, n, NULL))
			return -1;
	}
	return 0;
}

int elf_obj_open(const char *path, struct elf_obj *o)
{
	struct ctx c = { .o = o, .maps_sec = -1, .btf_maps_sec = -1,
			 .text_sec = -1 };
	size_t shstrndx;
	int fd, ret = -1;

	memset(o, 0, sizeof(*o));
	snprintf(o->path, sizeof(o->path), "%s", path);
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(o, "%s", strerror(errno));
	c.elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!c.elf || elf_kind(c.elf) != ELF_K_ELF) {
		fail(o, "not an ELF file");
		goto out;
	}
	{
		GElf_Ehdr eh;

		if (!gelf_getehdr(c.elf, &eh) || eh.e_machine != EM_BPF ||
		    eh.e_type != ET_REL) {
			fail(o, "not a BPF object (compile with clang -target bpf -c)");
			goto out;
		}
	}
	if (elf_getshdrstrndx(c.elf, &shstrndx) || elf_getshdrnum(c.elf, &c.nsecs)) {
		fail(o, "bad section headers");
		goto out;
	}
	c.secs = calloc(c.nsecs, sizeof(*c.secs));
	for (size_t i = 1; i < c.nsecs; i++) {
		Elf_Scn *scn = elf_getscn(c.elf, i);
		struct sec *s = &c.secs[i];

		gelf_getshdr(scn, &s->sh);
		s->name = elf_strptr(c.elf, shstrndx, s->sh.sh_name);
		if (!s->name)
			s->name = "";
		s->data = elf_getdata(scn, NULL);
		if (s->sh.sh_type == SHT_SYMTAB) {
			c.symtab = s->data;
			c.strtab = s->sh.sh_link;
			c.nsyms = s->sh.sh_size / s->sh.sh_entsize;
		} else if (!strcmp(s->name, "license") && s->data) {
			snprintf(o->license, sizeof(o->license), "%.*s",
				 (int)s->data->d_size, (char *)s->data->d_buf);
		} else if (!strcmp(s->name, "maps")) {
			c.maps_sec = i;
		} else if (!strcmp(s->name, ".maps")) {
			c.btf_maps_sec = i;
		} else if (!strcmp(s->name, ".text")) {
			c.text_sec = s->sh.sh_size ? (int)i : -1;
		} else if (!strcmp(s->name, ".BTF") && s->data) {
			c.btf = btf__new(s->data->d_buf, s->data->d_size);
			if (!c.btf)
				c.btf = NULL;	/* .maps will say so */
		}
	}
	if (!c.symtab) {
		fail(o, "no symbol table");
		goto out;
	}
	/* maps: legacy "maps", ".maps", data sections */
	for (size_t k = 0; k < c.nsyms; k++) {
		GElf_Sym s;
		struct elf_map *m;

		gelf_getsym(c.symtab, k, &s);
		if ((int)s.st_shndx != c.maps_sec && (int)s.st_shndx != c.btf_maps_sec)
			continue;
		if (GELF_ST_TYPE(s.st_info) == STT_SECTION)
			continue;
		m = new_map(&c, sym_name(&c, &s));
		if (!m) {
			fail(o, "too many maps");
			goto out;
		}
		m->shndx = s.st_shndx;
		m->sym_off = s.st_value;
		m->sym_size = s.st_size;
		if ((int)s.st_shndx == c.maps_sec) {
			const __u32 *d = (const __u32 *)((char *)c.secs[c.maps_sec].data->d_buf + s.st_value);

			if (s.st_value + 16 > c.secs[c.maps_sec].sh.sh_size) {
				fail(o, "map '%s': short struct bpf_map_def", m->name);
				goto out;
			}
			m->type = d[0];
			m->key_size = d[1];
			m->value_size = d[2];
			m->max_entries = d[3];
			if (s.st_value + 20 <= c.secs[c.maps_sec].sh.sh_size &&
			    (s.st_size == 0 || s.st_size >= 20))
				m->map_flags = d[4];
		} else {
			if (!c.btf) {
				fail(o, "'.maps' without usable BTF (compile with -g)");
				goto out;
			}
			if (parse_btf_map(&c, m))
				goto out;
		}
	}
	for (size_t i = 1; i < c.nsecs; i++) {
		struct sec *s = &c.secs[i];
		struct elf_map *m;
		char name[16];

		if (!is_data_sec(s->name) || !s->sh.sh_size ||
		    (s->sh.sh_flags & SHF_EXECINSTR))
			continue;
		snprintf(name, sizeof(name), "%s", s->name);
		for (char *q = name; *q; q++)
			if (*q != '.' && *q != '_' && !(*q >= '0' && *q <= '9') &&
			    !((*q | 32) >= 'a' && (*q | 32) <= 'z'))
				*q = '_';
		m = new_map(&c, name);
		if (!m) {
			fail(o, "too many maps");
			goto out;
		}
		m->is_data = true;
		m->shndx = i;
		m->type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->value_size = s->sh.sh_size;
		m->max_entries = 1;
		if (!strncmp(s->name, ".rodata", 7))
			m->map_flags = BPF_F_RDONLY_PROG;
		m->init = calloc(1, s->sh.sh_size);
		if (s->sh.sh_type != SHT_NOBITS && s->data)
			memcpy(m->init, s->data->d_buf, s->sh.sh_size);
	}
	/* programs: global functions of executable sections but .text */
	for (size_t k = 0; k < c.nsyms; k++) {
		GElf_Sym s;

		gelf_getsym(c.symtab, k, &s);
		if (GELF_ST_TYPE(s.st_info) != STT_FUNC ||
		    GELF_ST_BIND(s.st_info) != STB_GLOBAL ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= c.nsecs ||
		    (int)s.st_shndx == c.text_sec ||
		    !(c.secs[s.st_shndx].sh.sh_flags & SHF_EXECINSTR))
			continue;
		if (add_prog(&c, s.st_shndx, &s))
			goto out;
	}
	if (!o->nr_progs) {
		fail(o, "no programs (put each in a SEC(\"socket\"), SEC(\"kprobe/FUNC\"), ... section)");
		goto out;
	}
	/* prog array .values: relocations in .rel.maps */
	for (size_t r = 0; c.btf_maps_sec >= 0 && r < c.nsecs; r++) {
		struct sec *rs = &c.secs[r];

		if (rs->sh.sh_type != SHT_REL || (int)rs->sh.sh_info != c.btf_maps_sec)
			continue;
		for (size_t k = 0; k < rs->sh.sh_size / rs->sh.sh_entsize; k++) {
			GElf_Rel rel;
			GElf_Sym sym;
			int mi;

			gelf_getrel(rs->data, k, &rel);
			gelf_getsym(c.symtab, GELF_R_SYM(rel.r_info), &sym);
			for (mi = 0; mi < o->nr_maps; mi++) {
				struct elf_map *m = &o->maps[mi];

				if (m->shndx == c.btf_maps_sec &&
				    rel.r_offset >= m->sym_off + m->values_off &&
				    rel.r_offset < m->sym_off + m->sym_size)
					break;
			}
			if (mi == o->nr_maps || o->nr_slots >= (int)(sizeof(o->slots) / sizeof(o->slots[0]))) {
				fail(o, ".maps: relocation at 0x%llx outside a map's values",
				     (unsigned long long)rel.r_offset);
				goto out;
			}
			o->slots[o->nr_slots].map = mi;
			o->slots[o->nr_slots].index = (rel.r_offset - o->maps[mi].sym_off -
						       o->maps[mi].values_off) / 8;
			snprintf(o->slots[o->nr_slots].prog, sizeof(o->slots[0].prog),
				 "%s", sym_name(&c, &sym));
			o->nr_slots++;
		}
	}
	ret = 0;
out:
	btf__free(c.btf);
	free(c.secs);
	if (c.elf)
		elf_end(c.elf);
	close(fd);
	if (ret)
		elf_obj_close(o);
	return ret;
}

static void obj_name(char *dst, const char *src)
{
	/* BPF_OBJ_NAME_LEN - 1 chars of [A-Za-z0-9_.] */
	int i;

	for (i = 0; i < (int)BPF_OBJ_NAME_LEN - 1 && src[i]; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

static __u32 obj_id(int dev, int fd, bool map)
{
	struct bpf_prog_info pi = {};
	struct bpf_map_info mi = {};
	union bpf_attr a = {};

	a.info.bpf_fd = fd;
	a.info.info = map ? (__u64)(unsigned long)&mi : (__u64)(unsigned long)&pi;
	a.info.info_len = map ? sizeof(mi) : sizeof(pi);
	if (altbpf_sys(dev, BPF_OBJ_GET_INFO_BY_FD, &a))
		return 0;
	return map ? mi.id : pi.id;
}

int elf_obj_load(struct elf_obj *o, int dev, __u32 log_level, char *log,
		 size_t log_size)
{
	for (int i = 0; i < o->nr_maps; i++) {
		struct elf_map *m = &o->maps[i];
		union bpf_attr a = {};

		a.map_type = m->type;
		a.key_size = m->key_size;
		a.value_size = m->value_size;
		a.max_entries = m->max_entries;
		a.map_flags = m->map_flags;
		obj_name(a.map_name, m->name);
		m->fd = altbpf_sys(dev, BPF_MAP_CREATE, &a);
		if (m->fd < 0)
			return fail(o, "map '%s' (%s, key %u, value %u, max %u): BPF_MAP_CREATE: %s",
				    m->name, map_type_name(m->type), m->key_size,
				    m->value_size, m->max_entries, strerror(errno));
		m->id = obj_id(dev, m->fd, true);
		if (m->init) {
			__u32 zero = 0;

			memset(&a, 0, sizeof(a));
			a.map_fd = m->fd;
			a.key = (__u64)(unsigned long)&zero;
			a.value = (__u64)(unsigned long)m->init;
			if (altbpf_sys(dev, BPF_MAP_UPDATE_ELEM, &a))
				return fail(o, "map '%s': initial value: %s", m->name,
					    strerror(errno));
		}
	}
	for (int i = 0; i < o->nr_progs; i++) {
		struct elf_prog *p = &o->progs[i];
		union bpf_attr a = {};

		for (__u32 k = 0; k < p->nr_relocs; k++) {
			struct elf_reloc *r = &p->relocs[k];
			struct bpf_insn *insn = &p->insns[r->insn];

			insn[0].imm = o->maps[r->map].fd;
			if (r->off == ~0U) {
				insn[0].src_reg = BPF_PSEUDO_MAP_FD;
				insn[1].imm = 0;
			} else {
				insn[0].src_reg = BPF_PSEUDO_MAP_VALUE;
				insn[1].imm = r->off;
			}
		}
		a.prog_type = p->prog_type;
		a.insns = (__u64)(unsigned long)p->insns;
		a.insn_cnt = p->cnt;
		a.license = (__u64)(unsigned long)o->license;
		obj_name(a.prog_name, p->name);
		if (log && log_size >= 128) {
			log[0] = 0;
			a.log_buf = (__u64)(unsigned long)log;
			a.log_size = log_size;
			a.log_level = log_level ? log_level : 1;
		}
		p->fd = altbpf_sys(dev, BPF_PROG_LOAD, &a);
		if (p->fd < 0)
			return fail(o, "program '%s' (section %s): BPF_PROG_LOAD: %s",
				    p->name, p->sec, strerror(errno));
		p->id = obj_id(dev, p->fd, false);
	}
	for (int i = 0; i < o->nr_slots; i++) {
		struct elf_slot *s = &o->slots[i];
		union bpf_attr a = {};
		int pi;

		for (pi = 0; pi < o->nr_progs; pi++)
			if (!strcmp(o->progs[pi].name, s->prog))
				break;
		if (pi == o->nr_progs)
			return fail(o, "map '%s'[%u]: '%s' is not a program",
				    o->maps[s->map].name, s->index, s->prog);
		a.map_fd = o->maps[s->map].fd;
		a.key = (__u64)(unsigned long)&s->index;
		a.value = (__u64)(unsigned long)&o->progs[pi].fd;
		if (altbpf_sys(dev, BPF_MAP_UPDATE_ELEM, &a))
			return fail(o, "map '%s'[%u] = %s: %s", o->maps[s->map].name,
				    s->index, s->prog, strerror(errno));
	}
	return 0;
}

void elf_obj_close(struct elf_obj *o)
{
	for (int i = 0; i < o->nr_progs; i++) {
		if (o->progs[i].fd >= 0)
			close(o->progs[i].fd);
		o->progs[i].fd = -1;
		free(o->progs[i].insns);
		free(o->progs[i].relocs);
		o->progs[i].insns = NULL;
		o->progs[i].relocs = NULL;
	}
	for (int i = 0; i < o->nr_maps; i++) {
		if (o->maps[i].fd >= 0)
			close(o->maps[i].fd);
		o->maps[i].fd = -1;
		free(o->maps[i].init);
		o->maps[i].init = NULL;
	}
}
