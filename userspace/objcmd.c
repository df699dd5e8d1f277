// SPDX-License-Identifier: GPL-2.0
/*
 * objcmd.c - altbpf prog load|list|show|run|detach, altbpf map ...,
 * altbpf trace: objects living in altbpf.ko, through /dev/altbpf.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>

#include "altbpf.h"
#include "elf_loader.h"
#include "objcmd.h"
#include "runner.h"

const char prog_obj_usage[] =
"Usage: altbpf prog load OBJ.o [--attach] [--engine E] [--exec CMD]\n"
"                            [--log-level N]\n"
"       altbpf prog list [--json]\n"
"       altbpf prog show ID [--json]\n"
"       altbpf prog run ID [--data FILE | --data-hex HEX] [--engine E]\n"
"                          [--repeat N]\n"
"       altbpf prog detach ID\n"
"\n"
"load      open a clang -target bpf object, create its maps, relocate and\n"
"          load every program; prints the ids.  --attach attaches each\n"
"          program whose section names a hook (kprobe/FUNC, kretprobe/FUNC,\n"
"          netfilter/HOOK[/PRIO]) with a persistent link (stays after the\n"
"          command exits, until 'prog detach ID'); --engine E (default,\n"
"          interp, jit) is the engine those hooks run.  Objects nothing\n"
"          holds are freed when the command exits: --exec CMD runs CMD\n"
"          (sh -c) while they are alive, with ALTBPF_PROG_<name> and\n"
"          ALTBPF_MAP_<name> set to their ids, and exits with its status.\n"
"list      every loaded program; show: one\n"
"run       BPF_PROG_TEST_RUN a loaded program by id: the data is the\n"
"          packet of packet programs, the memory of mem programs\n"
"detach    detach every link of program ID\n"
"\n"
"Exit status: 0 done, 1 rejected / failed, 2 usage or setup error.\n";

const char map_usage[] =
"Usage: altbpf map list [--json]\n"
"       altbpf map dump ID [--json]\n"
"       altbpf map lookup ID KEY\n"
"       altbpf map update ID KEY VALUE [--flags any|noexist|exist]\n"
"       altbpf map delete ID KEY\n"
"       altbpf map consume ID [--count N] [--timeout MS]\n"
"\n"
"Maps of altbpf.ko by id (see 'altbpf prog load').  KEY and VALUE are hex\n"
"bytes in memory order (\"06 00 00 00\" or 06000000).  Per-CPU maps show\n"
"and take one value per possible CPU, each padded to 8 bytes.\n"
"consume reads a ring buffer map through mmap, waiting with poll(2): one\n"
"line per record (\"event N: LEN bytes: HEX\"), in order, until N records\n"
"(--count) or MS milliseconds without a record (--timeout; default: wait\n"
"forever); then \"consumed N events\".  Records are consumed: another\n"
"consumer will not see them again.\n"
"\n"
"Exit status: 0 done, 1 the operation failed (e.g. ENOENT; consume: fewer\n"
"than --count records before the timeout), 2 usage.\n";

const char trace_usage[] =
"Usage: altbpf trace [--follow]\n"
"\n"
"Print what programs wrote with bpf_trace_printk() (the kernel log lines\n"
"'altbpf-trace: ...', rate limited).  --follow waits for more.\n";

static int open_dev(void)
{
	int fd = open(ALTBPF_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "altbpf: %s: %s\n", ALTBPF_DEVICE, strerror(errno));
	return fd;
}

static int err_out(const char *what)
{
	fprintf(stderr, "altbpf: %s: %s (errno %d)\n", what, strerror(errno),
		errno);
	return 1;
}

static int usage(const char *u, const char *msg, const char *arg)
{
	fprintf(stderr, "altbpf: ");
	fprintf(stderr, msg, arg);
	fprintf(stderr, "\n\n%s", u);
	return 2;
}

static int parse_id(const char *s, __u32 *id)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || !*s || v > 0xffffffffUL)
		return -1;
	*id = v;
	return 0;
}

/* Hex bytes, spaces allowed: "06 00 00 00", "0x06000000" */
static int parse_hex(const char *s, __u8 *out, __u32 want)
{
	__u32 n = 0;
	int hi = -1;

	if (!strncmp(s, "0x", 2))
		s += 2;
	for (; *s; s++) {
		int v;

		if (*s == ' ' || *s == ':' || *s == ',')
			continue;
		if (*s >= '0' && *s <= '9') v = *s - '0';
		else if ((*s | 32) >= 'a' && (*s | 32) <= 'f') v = (*s | 32) - 'a' + 10;
		else return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= want)
			return -1;
		out[n++] = hi << 4 | v;
		hi = -1;
	}
	return hi < 0 && n == want ? 0 : -1;
}

static void print_hex(const __u8 *b, __u32 n, bool json)
{
	for (__u32 i = 0; i < n; i++)
		printf(json ? "%s\"0x%02x\"" : "%s%02x", i ? (json ? "," : " ") : "", b[i]);
}

static int fd_by_id(int dev, int cmd, __u32 id)
{
	union bpf_attr a = {};

	if (cmd == BPF_MAP_GET_FD_BY_ID)
		a.map_id = id;
	else
		a.prog_id = id;
	return altbpf_sys(dev, cmd, &a);
}

static int map_info(int dev, int fd, struct bpf_map_info *mi)
{
	union bpf_attr a = {};

	memset(mi, 0, sizeof(*mi));
	a.info.bpf_fd = fd;
	a.info.info = (__u64)(unsigned long)mi;
	a.info.info_len = sizeof(*mi);
	return altbpf_sys(dev, BPF_OBJ_GET_INFO_BY_FD, &a);
}

static int prog_info(int dev, int fd, struct bpf_prog_info *pi, __u32 *map_ids,
		     __u32 nr)
{
	union bpf_attr a = {};

	memset(pi, 0, sizeof(*pi));
	pi->map_ids = (__u64)(unsigned long)map_ids;
	pi->nr_map_ids = nr;
	a.info.bpf_fd = fd;
	a.info.info = (__u64)(unsigned long)pi;
	a.info.info_len = sizeof(*pi);
	return altbpf_sys(dev, BPF_OBJ_GET_INFO_BY_FD, &a);
}

static __u32 value_size(const struct bpf_map_info *mi)
{
	if (mi->type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	    mi->type == BPF_MAP_TYPE_PERCPU_HASH)
		return ((mi->value_size + 7) & ~7U) * libbpf_num_possible_cpus();
	return mi->value_size;
}

/* ---- prog ---- */

static void env_name(char *dst, size_t n, const char *pfx, const char *name)
{
	size_t i = snprintf(dst, n, "%s", pfx);

	for (; *name && i + 1 < n; name++)
		dst[i++] = (*name >= 'a' && *name <= 'z') ? *name - 32 :
			   ((*name >= 'A' && *name <= 'Z') || (*name >= '0' && *name <= '9')) ? *name : '_';
	dst[i] = 0;
}

static int attach(int dev, struct elf_prog *p, __u32 engine)
{
	union bpf_attr a = {};
	const char *sym = p->target;
	int fd;

	a.link_create.prog_fd = p->fd;
	a.link_create.flags = ALTBPF_LINK_F_PERSIST | ALTBPF_LINK_ENGINE(engine);
	if (p->attach == ELF_ATTACH_NETFILTER) {
		static const char *const hooks[] = { "pre_routing", "local_in",
			"forward", "local_out", "post_routing" };
		struct altbpf_link_netfilter *nf = ALTBPF_LINK_NETFILTER(&a);
		char hook[64];
		const char *slash = strchr(p->target, '/');
		unsigned h;

		snprintf(hook, sizeof(hook), "%.*s",
			 (int)(slash ? slash - p->target : (long)strlen(p->target)), p->target);
		for (h = 0; h < 5 && strcmp(hook, hooks[h]); h++)
			;
		if (h == 5) {
			fprintf(stderr, "altbpf: %s: unknown netfilter hook '%s' (pre_routing, local_in, forward, local_out, post_routing)\n",
				p->sec, hook);
			errno = EINVAL;
			return -1;
		}
		a.link_create.attach_type = ALTBPF_ATTACH_NETFILTER;
		nf->pf = 2;	/* NFPROTO_IPV4 */
		nf->hooknum = h;
		nf->priority = slash ? atoi(slash + 1) : 0;
	} else {
		a.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
		a.link_create.kprobe_multi.syms = (__u64)(unsigned long)&sym;
		a.link_create.kprobe_multi.cnt = 1;
		if (p->attach == ELF_ATTACH_KRETPROBE)
			a.link_create.kprobe_multi.flags = BPF_F_KPROBE_MULTI_RETURN;
	}
	fd = altbpf_sys(dev, BPF_LINK_CREATE, &a);
	if (fd >= 0)
		close(fd);	/* persistent: the link stays */
	return fd < 0 ? -1 : 0;
}

static int prog_load(int argc, char **argv)
{
	const char *path = NULL, *exec_cmd = NULL;
	bool do_attach = false, held = false;
	__u32 log_level = 0;
	int engine = ALTBPF_ENGINE_DEFAULT, dev, ret = 1;
	static struct elf_obj o;
	static char log[1 << 20];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(prog_obj_usage, stdout);
			return 0;
		} else if (!strcmp(a, "--attach")) {
			do_attach = true;
		} else if (a[0] != '-') {
			if (path)
				return usage(prog_obj_usage, "unexpected argument '%s'", a);
			path = a;
		} else if (!v) {
			return usage(prog_obj_usage, "unknown option or missing value: '%s'", a);
		} else if (!strcmp(a, "--engine")) {
			engine = parse_engine(v);
			if (engine != ALTBPF_ENGINE_DEFAULT && engine != ALTBPF_ENGINE_INTERP &&
			    engine != ALTBPF_ENGINE_JIT)
				return usage(prog_obj_usage, "bad --engine '%s' (default, interp, jit)", v);
			i++;
		} else if (!strcmp(a, "--exec")) {
			exec_cmd = v;
			i++;
		} else if (!strcmp(a, "--log-level")) {
			log_level = atoi(v);
			if (log_level > 2)
				return usage(prog_obj_usage, "bad --log-level '%s' (0-2)", v);
			i++;
		} else {
			return usage(prog_obj_usage, "unknown option '%s'", a);
		}
	}
	if (!path)
		return usage(prog_obj_usage, "%s", "no object given");
	if (elf_obj_open(path, &o)) {
		fprintf(stderr, "altbpf: %s\n", o.err);
		return 1;
	}
	dev = open_dev();
	if (dev < 0) {
		elf_obj_close(&o);
		return 2;
	}
	if (elf_obj_load(&o, dev, log_level, log, sizeof(log))) {
		if (log[0])
			fprintf(stderr, "%s%s", log, log[strlen(log) - 1] == '\n' ? "" : "\n");
		fprintf(stderr, "altbpf: %s\n", o.err);
		goto out;
	}
	for (int i = 0; i < o.nr_maps; i++) {
		struct elf_map *m = &o.maps[i];

		printf("map %u %s: %s key %u value %u max_entries %u\n", m->id,
		       m->name, map_type_name(m->type), m->key_size,
		       m->value_size, m->max_entries);
	}
	for (int i = 0; i < o.nr_progs; i++) {
		struct elf_prog *p = &o.progs[i];

		printf("prog %u %s: %s, section %s, %u insns\n", p->id, p->name,
		       prog_type_name(p->prog_type), p->sec, p->cnt);
		if (log_level && log[0])
			printf("%s", log);
	}
	ret = 0;
	if (do_attach) {
		for (int i = 0; i < o.nr_progs; i++) {
			struct elf_prog *p = &o.progs[i];

			if (p->attach == ELF_ATTACH_NONE)
				continue;
			if (attach(dev, p, engine)) {
				fprintf(stderr, "altbpf: attach %s (%s): %s\n",
					p->name, p->sec, strerror(errno));
				ret = 1;
				continue;
			}
			held = true;
			printf("attached prog %u %s to %s %s (persistent: 'altbpf prog detach %u')\n",
			       p->id, p->name,
			       p->attach == ELF_ATTACH_KPROBE ? "kprobe" :
			       p->attach == ELF_ATTACH_KRETPROBE ? "kretprobe" : "netfilter",
			       p->target, p->id);
		}
	}
	if (exec_cmd) {
		char name[128], val[16];
		int st;

		for (int i = 0; i < o.nr_progs; i++) {
			env_name(name, sizeof(name), "ALTBPF_PROG_", o.progs[i].name);
			snprintf(val, sizeof(val), "%u", o.progs[i].id);
			setenv(name, val, 1);
		}
		for (int i = 0; i < o.nr_maps; i++) {
			env_name(name, sizeof(name), "ALTBPF_MAP_", o.maps[i].name);
			snprintf(val, sizeof(val), "%u", o.maps[i].id);
			setenv(name, val, 1);
		}
		fflush(stdout);
		st = system(exec_cmd);
		if (st == -1)
			ret = 2;
		else if (ret == 0)
			ret = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	} else if (!held) {
		printf("note: nothing holds these objects: they are freed when this command exits (use --attach for hook sections, or --exec CMD)\n");
	} else {
		printf("note: programs without a hook, and maps no attached program uses, are freed when this command exits\n");
	}
out:
	elf_obj_close(&o);
	close(dev);
	return ret;
}

static int prog_print(int dev, __u32 id, bool json, bool first)
{
	struct bpf_prog_info pi;
	__u32 maps[64];
	int fd = fd_by_id(dev, BPF_PROG_GET_FD_BY_ID, id);

	if (fd < 0)
		return -1;
	if (prog_info(dev, fd, &pi, maps, 64)) {
		close(fd);
		return -1;
	}
	close(fd);
	if (json) {
		printf("%s{\"id\":%u,\"type\":\"%s\",\"name\":\"%s\",\"insns\":%u,\"jited_bytes\":%u,\"gpl\":%s,\"map_ids\":[",
		       first ? "" : ",", pi.id, prog_type_name(pi.type), pi.name,
		       pi.xlated_prog_len / 8, pi.jited_prog_len,
		       pi.gpl_compatible ? "true" : "false");
		for (__u32 i = 0; i < pi.nr_map_ids && i < 64; i++)
			printf("%s%u", i ? "," : "", maps[i]);
		printf("]}");
	} else {
		printf("%u: %s  name %s  insns %u  jited %u bytes  %s", pi.id,
		       prog_type_name(pi.type), pi.name[0] ? pi.name : "-",
		       pi.xlated_prog_len / 8, pi.jited_prog_len,
		       pi.gpl_compatible ? "gpl" : "non-gpl");
		if (pi.nr_map_ids) {
			printf("  map_ids");
			for (__u32 i = 0; i < pi.nr_map_ids && i < 64; i++)
				printf("%s%u", i ? "," : " ", maps[i]);
		}
		printf("\n");
	}
	return 0;
}

static int prog_list_show(int argc, char **argv, bool show)
{
	bool json = false;
	const char *ids = NULL;
	__u32 id = 0;
	int dev, n = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(prog_obj_usage, stdout);
			return 0;
		} else if (show && !ids && argv[i][0] != '-')
			ids = argv[i];
		else
			return usage(prog_obj_usage, "unexpected argument '%s'", argv[i]);
	}
	if (show && (!ids || parse_id(ids, &id)))
		return usage(prog_obj_usage, "%s", "prog show needs an ID");
	dev = open_dev();
	if (dev < 0)
		return 2;
	if (show) {
		if (prog_print(dev, id, json, true))
			return err_out("prog show");
		if (json)
			printf("\n");
		return 0;
	}
	if (json)
		printf("[");
	for (;;) {
		union bpf_attr a = {};

		a.start_id = id;
		if (altbpf_sys(dev, BPF_PROG_GET_NEXT_ID, &a))
			break;
		id = a.next_id;
		if (!prog_print(dev, id, json, n == 0))
			n++;
	}
	if (json)
		printf("]\n");
	close(dev);
	return 0;
}

static int read_file(const char *path, __u8 **buf, __u32 *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n;

	if (!f)
		return -1;
	*buf = malloc(cap);
	n = fread(*buf, 1, cap, f);
	fclose(f);
	*len = n;
	return 0;
}

static int prog_run(int argc, char **argv)
{
	__u8 *data = NULL;
	__u32 len = 0, id = 0, repeat = 1;
	int engine = ALTBPF_ENGINE_DEFAULT, dev, fd;
	bool have_id = false;
	union bpf_attr a = {};
	__u64 r0 = 0;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			fputs(prog_obj_usage, stdout);
			return 0;
		} else if (o[0] != '-' && !have_id) {
			if (parse_id(o, &id))
				return usage(prog_obj_usage, "bad id '%s'", o);
			have_id = true;
		} else if (!v) {
			return usage(prog_obj_usage, "unknown option or missing value: '%s'", o);
		} else if (!strcmp(o, "--data")) {
			if (read_file(v, &data, &len))
				return usage(prog_obj_usage, "cannot read '%s'", v);
			i++;
		} else if (!strcmp(o, "--data-hex")) {
			size_t n = strlen(v);

			data = malloc(n / 2 + 1);
			for (len = 0; len <= n / 2 && parse_hex(v, data, len); len++)
				;
			if (len > n / 2)
				return usage(prog_obj_usage, "bad hex '%s'", v);
			i++;
		} else if (!strcmp(o, "--engine")) {
			engine = parse_engine(v);
			if (engine < 0)
				return usage(prog_obj_usage, "bad --engine '%s'", v);
			i++;
		} else if (!strcmp(o, "--repeat")) {
			repeat = strtoul(v, NULL, 0);
			i++;
		} else {
			return usage(prog_obj_usage, "unknown option '%s'", o);
		}
	}
	if (!have_id)
		return usage(prog_obj_usage, "%s", "prog run needs an ID");
	dev = open_dev();
	if (dev < 0)
		return 2;
	fd = fd_by_id(dev, BPF_PROG_GET_FD_BY_ID, id);
	if (fd < 0)
		return err_out("prog run: no such program");
	a.test.prog_fd = fd;
	a.test.data_in = (__u64)(unsigned long)data;
	a.test.data_size_in = len;
	a.test.repeat = repeat;
	a.test.flags = ALTBPF_TEST_RUN_ENGINE(engine) | ALTBPF_TEST_RUN_R0_OUT;
	a.test.ctx_out = (__u64)(unsigned long)&r0;
	a.test.ctx_size_out = sizeof(r0);
	if (altbpf_sys(dev, BPF_PROG_TEST_RUN, &a))
		return err_out("prog run");
	printf("r0 = 0x%llx (%lld)\n", (unsigned long long)r0, (long long)r0);
	printf("ns/run: %u (%u runs, engine %s, via dev)\n", a.test.duration,
	       repeat ? repeat : 1, abpf_engine_name(engine));
	free(data);
	return 0;
}

static int prog_detach(int argc, char **argv)
{
	union bpf_attr a = {};
	struct altbpf_link_detach d = { .flags = ALTBPF_LINK_DETACH_F_PROG_ID };
	__u32 id;
	int dev;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(prog_obj_usage, stdout);
		return 0;
	}
	if (argc != 2 || parse_id(argv[1], &id))
		return usage(prog_obj_usage, "%s", "prog detach needs an ID");
	dev = open_dev();
	if (dev < 0)
		return 2;
	d.id = id;
	memcpy(&a.link_detach, &d, sizeof(d));
	if (altbpf_sys(dev, BPF_LINK_DETACH, &a))
		return err_out("prog detach");
	printf("detached prog %u\n", id);
	return 0;
}

int cmd_prog_obj(int argc, char **argv)
{
	if (!strcmp(argv[1], "load"))
		return prog_load(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return prog_list_show(argc - 1, argv + 1, false);
	if (!strcmp(argv[1], "show"))
		return prog_list_show(argc - 1, argv + 1, true);
	if (!strcmp(argv[1], "run"))
		return prog_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "detach"))
		return prog_detach(argc - 1, argv + 1);
	return usage(prog_obj_usage, "unknown prog command '%s'", argv[1]);
}

/* ---- map ---- */

static int map_dump(int dev, int fd, const struct bpf_map_info *mi, bool json)
{
	__u32 vs = value_size(mi);
	__u8 *key = calloc(1, mi->key_size + 1), *next = calloc(1, mi->key_size + 1);
	__u8 *val = calloc(1, vs + 1);
	bool first = true;
	union bpf_attr a = {};
	int n = 0;

	if (json)
		printf("[");
	a.map_fd = fd;
	a.key = 0;
	a.next_key = (__u64)(unsigned long)next;
	while (!altbpf_sys(dev, BPF_MAP_GET_NEXT_KEY, &a)) {
		union bpf_attr l = {};
		bool have;

		memcpy(key, next, mi->key_size);
		l.map_fd = fd;
		l.key = (__u64)(unsigned long)key;
		l.value = (__u64)(unsigned long)val;
		have = !altbpf_sys(dev, BPF_MAP_LOOKUP_ELEM, &l);
		if (json) {
			printf("%s{\"key\":[", first ? "" : ",");
			print_hex(key, mi->key_size, true);
			printf("]");
			if (have) {
				printf(",\"value\":[");
				print_hex(val, vs, true);
				printf("]");
			}
			printf("}");
		} else {
			printf("key: ");
			print_hex(key, mi->key_size, false);
			if (have) {
				printf("  value: ");
				print_hex(val, vs, false);
			}
			printf("\n");
		}
		first = false;
		n++;
		a.key = (__u64)(unsigned long)key;
	}
	if (json)
		printf("]\n");
	else
		printf("Found %d element%s\n", n, n == 1 ? "" : "s");
	free(key);
	free(next);
	free(val);
	return 0;
}

static void map_line(const struct bpf_map_info *mi, bool json, bool first)
{
	if (json)
		printf("%s{\"id\":%u,\"type\":\"%s\",\"name\":\"%s\",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,\"flags\":%u}",
		       first ? "" : ",", mi->id, map_type_name(mi->type), mi->name,
		       mi->key_size, mi->value_size, mi->max_entries, mi->map_flags);
	else
		printf("%u: %s  name %s  key %uB  value %uB  max_entries %u  flags 0x%x\n",
		       mi->id, map_type_name(mi->type), mi->name[0] ? mi->name : "-",
		       mi->key_size, mi->value_size, mi->max_entries, mi->map_flags);
}

/* The kernel's ring buffer record header (struct bpf_ringbuf_hdr). */
struct ringbuf_hdr {
	__u32 len;
	__u32 pg_off;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * The kernel's BPF_MAP_TYPE_RINGBUF consumer protocol (as libbpf's
 * ring_buffer): the consumer page read-write at offset 0, the producer
 * page and the data pages (mapped twice: records never wrap) read-only
 * after it.  Committed records are read in order up to producer_pos and
 * released by advancing consumer_pos; a busy record (reserved, not yet
 * submitted) stops the scan until its producer commits it.
 */
static int ringbuf_consume(int fd, const struct bpf_map_info *mi, long count,
			   int timeout_ms)
{
	size_t pg = sysconf(_SC_PAGESIZE), size = mi->max_entries;
	unsigned long *cons_pos, *prod_pos;
	long long deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : 0;
	void *cons_map, *prod_map;
	__u8 *data;
	long n = 0;

	if (mi->type != BPF_MAP_TYPE_RINGBUF) {
		fprintf(stderr, "altbpf: map %u is a %s, not a ringbuf\n",
			mi->id, map_type_name(mi->type));
		return 2;
	}
	cons_map = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (cons_map == MAP_FAILED)
		return err_out("mmap consumer page");
	prod_map = mmap(NULL, pg + 2 * size, PROT_READ, MAP_SHARED, fd, pg);
	if (prod_map == MAP_FAILED) {
		munmap(cons_map, pg);
		return err_out("mmap producer and data pages");
	}
	cons_pos = cons_map;
	prod_pos = prod_map;
	data = (__u8 *)prod_map + pg;
	while (count < 0 || n < count) {
		unsigned long cons = __atomic_load_n(cons_pos, __ATOMIC_ACQUIRE);
		unsigned long prod = __atomic_load_n(prod_pos, __ATOMIC_ACQUIRE);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int wait;

		while (cons < prod && (count < 0 || n < count)) {
			struct ringbuf_hdr *h = (void *)(data + (cons & (size - 1)));
			__u32 len = __atomic_load_n(&h->len, __ATOMIC_ACQUIRE);
			__u32 dlen = len & ~BPF_RINGBUF_DISCARD_BIT;

			if (len & BPF_RINGBUF_BUSY_BIT)
				break;
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				printf("event %ld: %u bytes: ", n++, dlen);
				print_hex((__u8 *)(h + 1), dlen, false);
				printf("\n");
			}
			cons += (dlen + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
			__atomic_store_n(cons_pos, cons, __ATOMIC_RELEASE);
			if (timeout_ms >= 0)
				deadline = now_ms() + timeout_ms;
		}
		fflush(stdout);
		if (count >= 0 && n >= count)
			break;
		wait = -1;
		if (timeout_ms >= 0) {
			long long left = deadline - now_ms();

			if (left <= 0)
				break;
			wait = left;
		}
		if (cons < prod)	/* a busy record: its producer is close */
			wait = wait < 0 || wait > 1 ? 1 : wait;
		if (poll(&pfd, 1, wait) < 0 && errno != EINTR) {
			err_out("poll");
			break;
		}
	}
	printf("consumed %ld event%s\n", n, n == 1 ? "" : "s");
	munmap(prod_map, pg + 2 * size);
	munmap(cons_map, pg);
	return count >= 0 && n < count ? 1 : 0;
}

static int map_consume(int argc, char **argv)
{
	long count = -1, timeout = -1;
	const char *ids = NULL;
	struct bpf_map_info mi;
	int dev, fd, ret;
	__u32 id;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(map_usage, stdout);
			return 0;
		} else if (a[0] != '-' && !ids) {
			ids = a;
		} else if (v && (!strcmp(a, "--count") || !strcmp(a, "--timeout"))) {
			long x = strtol(v, &end, 0);

			if (*end || !*v || x < 0 || x > 0x7fffffff)
				return usage(map_usage, "bad number '%s'", v);
			*(a[2] == 'c' ? &count : &timeout) = x;
			i++;
		} else {
			return usage(map_usage, "map consume: unexpected argument '%s'", a);
		}
	}
	if (!ids || parse_id(ids, &id))
		return usage(map_usage, "%s", "map consume needs an ID");
	dev = open_dev();
	if (dev < 0)
		return 2;
	fd = fd_by_id(dev, BPF_MAP_GET_FD_BY_ID, id);
	if (fd < 0 || map_info(dev, fd, &mi)) {
		ret = err_out("map: no such map");
	} else {
		close(dev);
		dev = -1;
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
		ret = ringbuf_consume(fd, &mi, count, timeout);
	}
	if (fd >= 0)
		close(fd);
	if (dev >= 0)
		close(dev);
	return ret;
}

int cmd_map(int argc, char **argv)
{
	const char *sub, *pos[3] = {};
	int npos = 0, dev, fd = -1, ret = 0;
	bool json = false;
	__u64 flags = BPF_ANY;
	struct bpf_map_info mi;
	__u32 id;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(map_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (!strcmp(sub, "consume"))
		return map_consume(argc, argv);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(map_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--flags") && i + 1 < argc) {
			const char *v = argv[++i];

			if (!strcmp(v, "any")) flags = BPF_ANY;
			else if (!strcmp(v, "noexist")) flags = BPF_NOEXIST;
			else if (!strcmp(v, "exist")) flags = BPF_EXIST;
			else return usage(map_usage, "bad --flags '%s'", v);
		} else if (npos < 3) {
			pos[npos++] = argv[i];
		} else {
			return usage(map_usage, "unexpected argument '%s'", argv[i]);
		}
	}
	if (strcmp(sub, "list") && strcmp(sub, "dump") && strcmp(sub, "lookup") &&
	    strcmp(sub, "update") && strcmp(sub, "delete"))
		return usage(map_usage, "unknown map command '%s'", sub);
	if (strcmp(sub, "list")) {
		int want = !strcmp(sub, "dump") ? 1 : !strcmp(sub, "update") ? 3 : 2;

		if (npos != want || parse_id(pos[0], &id))
			return usage(map_usage, "map %s: wrong arguments", sub);
	}
	dev = open_dev();
	if (dev < 0)
		return 2;
	if (!strcmp(sub, "list")) {
		union bpf_attr a = {};
		int n = 0;

		if (json)
			printf("[");
		while (!altbpf_sys(dev, BPF_MAP_GET_NEXT_ID, &a)) {
			a.start_id = a.next_id;
			a.next_id = 0;
			fd = fd_by_id(dev, BPF_MAP_GET_FD_BY_ID, a.start_id);
			if (fd < 0)
				continue;
			if (!map_info(dev, fd, &mi))
				map_line(&mi, json, n++ == 0);
			close(fd);
		}
		if (json)
			printf("]\n");
		close(dev);
		return 0;
	}
	fd = fd_by_id(dev, BPF_MAP_GET_FD_BY_ID, id);
	if (fd < 0 || map_info(dev, fd, &mi)) {
		ret = err_out("map: no such map");
		goto out;
	}
	if (!strcmp(sub, "dump")) {
		ret = map_dump(dev, fd, &mi, json);
	} else {
		__u32 vs = value_size(&mi);
		__u8 *key = calloc(1, mi.key_size + 1), *val = calloc(1, vs + 1);
		union bpf_attr a = {};

		if (parse_hex(pos[1], key, mi.key_size)) {
			fprintf(stderr, "altbpf: key must be %u hex bytes\n", mi.key_size);
			ret = 2;
		} else if (npos == 3 && parse_hex(pos[2], val, vs)) {
			fprintf(stderr, "altbpf: value must be %u hex bytes\n", vs);
			ret = 2;
		} else {
			a.map_fd = fd;
			a.key = (__u64)(unsigned long)key;
			if (!strcmp(sub, "lookup")) {
				a.value = (__u64)(unsigned long)val;
				if (altbpf_sys(dev, BPF_MAP_LOOKUP_ELEM, &a)) {
					ret = err_out("map lookup");
				} else {
					printf("key: ");
					print_hex(key, mi.key_size, false);
					printf("  value: ");
					print_hex(val, vs, false);
					printf("\n");
				}
			} else if (!strcmp(sub, "update")) {
				a.value = (__u64)(unsigned long)val;
				a.flags = flags;
				if (altbpf_sys(dev, BPF_MAP_UPDATE_ELEM, &a))
					ret = err_out("map update");
			} else if (altbpf_sys(dev, BPF_MAP_DELETE_ELEM, &a)) {
				ret = err_out("map delete");
			}
		}
		free(key);
		free(val);
	}
out:
	if (fd >= 0)
		close(fd);
	close(dev);
	return ret;
}

/* ---- trace ---- */

int cmd_trace(int argc, char **argv)
{
	bool follow = false;
	char buf[8192];
	int fd;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(trace_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--follow") || !strcmp(argv[i], "-f")) {
			follow = true;
		} else {
			return usage(trace_usage, "unexpected argument '%s'", argv[i]);
		}
	}
	fd = open("/dev/kmsg", O_RDONLY | O_CLOEXEC | (follow ? 0 : O_NONBLOCK));
	if (fd < 0)
		return err_out("/dev/kmsg");
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		char *msg, *t;

		if (n < 0) {
			if (errno == EPIPE)
				continue;	/* overwritten records */
			break;
		}
		buf[n] = 0;
		msg = strchr(buf, ';');
		if (!msg || !(t = strstr(msg, "altbpf-trace: ")))
			continue;
		msg = t + 14;
		fputs(msg, stdout);
		if (follow)
			fflush(stdout);
	}
	close(fd);
	return 0;
}
