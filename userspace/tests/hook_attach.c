// SPDX-License-Identifier: GPL-2.0
/*
 * hook_attach - load a raw-bytecode program through /dev/altbpf and attach
 * it to a kprobe, kretprobe or netfilter hook with BPF_LINK_CREATE
 * (docs/hooks.md).  Used by scripts/hook-tests.
 *
 *   hook_attach [OPTS] kprobe|kretprobe SYM PROG.bin [-- CMD ARGS...]
 *   hook_attach [OPTS] netfilter HOOK PRIO PROG.bin [-- CMD ARGS...]
 *   hook_attach detach-id LINK_ID | detach-prog PROG_ID
 *
 * OPTS: --engine default|interp|jit, --persist, --loop N (attach and
 * detach N times, cycling through closing the fd, BPF_LINK_DETACH on the
 * fd and BPF_LINK_DETACH by id), --expect-errno N (the attach must fail
 * with errno N).  HOOK: pre_routing local_in forward local_out
 * post_routing.  Prints "link L prog P"; with CMD, runs it while attached
 * (HOOK_LINK_ID and HOOK_PROG_ID in its environment) and exits with its
 * status; without CMD, exits at once (the link goes with the fd unless
 * --persist).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/netfilter.h>

#include "altbpf.h"

#define LINKS_FILE	"/sys/kernel/debug/altbpf/links"

static int dev = -1;

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	struct altbpf_call call = {
		.cmd = cmd,
		.size = sizeof(*attr),
		.attr = (__u64)(unsigned long)attr,
	};

	return ioctl(dev, ALTBPF_IOC_BPF, &call);
}

static void die(const char *what)
{
	fprintf(stderr, "hook_attach: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int load(const char *path, __u32 type, __u32 *id)
{
	static char log[65536];
	struct bpf_insn insns[4096];
	struct bpf_prog_info info;
	union bpf_attr attr;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die(path);
	n = read(fd, insns, sizeof(insns));
	close(fd);
	if (n <= 0 || n % sizeof(insns[0]))
		die("bad program file");
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = n / sizeof(insns[0]);
	attr.license = (__u64)(unsigned long)"GPL";
	attr.log_buf = (__u64)(unsigned long)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0) {
		fprintf(stderr, "%s", log);
		die("BPF_PROG_LOAD");
	}
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info = (__u64)(unsigned long)&info;
	attr.info.info_len = sizeof(info);
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
		die("BPF_OBJ_GET_INFO_BY_FD");
	*id = info.id;
	return fd;
}

/* The id of the (one) attached link of program @prog_id, or 0. */
static __u32 link_id_of(__u32 prog_id)
{
	FILE *f = fopen(LINKS_FILE, "r");
	char line[512];
	__u32 id, prog, found = 0;

	if (!f)
		die(LINKS_FILE);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "id %u prog %u", &id, &prog) == 2 &&
		    prog == prog_id && strstr(line, " attached 1"))
			found = id;
	fclose(f);
	return found;
}

static int detach(__u32 fd, __u32 flags, __u32 id)
{
	struct altbpf_link_detach d = { .link_fd = fd, .flags = flags, .id = id };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	memcpy(&attr, &d, sizeof(d));
	return sys_bpf(BPF_LINK_DETACH, &attr);
}

static int hook_number(const char *s)
{
	static const char *const names[] = {
		"pre_routing", "local_in", "forward", "local_out",
		"post_routing",
	};

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return i;
	return atoi(s);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: hook_attach [--engine E] [--persist] [--loop N] [--expect-errno N]\n"
		"         kprobe|kretprobe SYM PROG.bin [-- CMD...]\n"
		"       hook_attach [OPTS] netfilter HOOK PRIO PROG.bin [-- CMD...]\n"
		"       hook_attach detach-id ID | detach-prog ID\n");
	exit(2);
}

int main(int argc, char **argv)
{
	__u32 engine = ALTBPF_ENGINE_DEFAULT, flags = 0, prog_id, link_id;
	int loop = 0, expect_errno = 0, i = 1, prog_fd, link_fd = -1;
	const char *kind, *sym = NULL, *prog;
	struct altbpf_link_netfilter nf = { .pf = NFPROTO_IPV4 };
	union bpf_attr attr;
	char idbuf[32];
	__u64 symp;

	for (; i < argc && !strncmp(argv[i], "--", 2) && argv[i][2]; i++) {
		if (!strcmp(argv[i], "--persist")) {
			flags |= ALTBPF_LINK_F_PERSIST;
		} else if (i + 1 < argc && !strcmp(argv[i], "--engine")) {
			const char *e = argv[++i];

			engine = !strcmp(e, "interp") ? ALTBPF_ENGINE_INTERP :
				 !strcmp(e, "jit") ? ALTBPF_ENGINE_JIT :
				 !strcmp(e, "default") ? ALTBPF_ENGINE_DEFAULT :
				 (__u32)atoi(e);
		} else if (i + 1 < argc && !strcmp(argv[i], "--loop")) {
			loop = atoi(argv[++i]);
		} else if (i + 1 < argc && !strcmp(argv[i], "--expect-errno")) {
			expect_errno = atoi(argv[++i]);
		} else {
			usage();
		}
	}
	if (i >= argc)
		usage();
	dev = open(ALTBPF_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		die(ALTBPF_DEVICE);
	kind = argv[i++];
	if (!strcmp(kind, "detach-id") || !strcmp(kind, "detach-prog")) {
		if (i >= argc)
			usage();
		if (detach(0, kind[7] == 'i' ? ALTBPF_LINK_DETACH_F_ID :
			   ALTBPF_LINK_DETACH_F_PROG_ID, atoi(argv[i])))
			die("BPF_LINK_DETACH");
		return 0;
	}

	memset(&attr, 0, sizeof(attr));
	attr.link_create.flags = flags | ALTBPF_LINK_ENGINE(engine);
	if (!strcmp(kind, "kprobe") || !strcmp(kind, "kretprobe")) {
		if (i + 2 > argc)
			usage();
		sym = argv[i++];
		prog = argv[i++];
		prog_fd = load(prog, BPF_PROG_TYPE_KPROBE, &prog_id);
		symp = (__u64)(unsigned long)sym;
		attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
		attr.link_create.kprobe_multi.syms = (__u64)(unsigned long)&symp;
		attr.link_create.kprobe_multi.cnt = 1;
		if (kind[1] == 'r')
			attr.link_create.kprobe_multi.flags =
				BPF_F_KPROBE_MULTI_RETURN;
	} else if (!strcmp(kind, "netfilter")) {
		if (i + 3 > argc)
			usage();
		nf.hooknum = hook_number(argv[i++]);
		nf.priority = atoi(argv[i++]);
		prog = argv[i++];
		prog_fd = load(prog, BPF_PROG_TYPE_SOCKET_FILTER, &prog_id);
		attr.link_create.attach_type = ALTBPF_ATTACH_NETFILTER;
		*ALTBPF_LINK_NETFILTER(&attr) = nf;
	} else {
		usage();
	}
	attr.link_create.prog_fd = prog_fd;
	if (i < argc && strcmp(argv[i], "--"))
		usage();

	if (expect_errno) {
		link_fd = sys_bpf(BPF_LINK_CREATE, &attr);
		if (link_fd >= 0 || errno != expect_errno) {
			fprintf(stderr, "hook_attach: expected errno %d, got %s\n",
				expect_errno,
				link_fd >= 0 ? "success" : strerror(errno));
			return 1;
		}
		printf("attach failed as expected: %s\n", strerror(errno));
		return 0;
	}

	for (int round = 0; round < loop; round++) {
		link_fd = sys_bpf(BPF_LINK_CREATE, &attr);
		if (link_fd < 0)
			die("BPF_LINK_CREATE");
		switch (round % 3) {
		case 1:
			if (detach(link_fd, 0, 0))
				die("BPF_LINK_DETACH (fd)");
			break;
		case 2:
			link_id = link_id_of(prog_id);
			if (!link_id || detach(0, ALTBPF_LINK_DETACH_F_ID,
					       link_id))
				die("BPF_LINK_DETACH (id)");
			break;
		}
		close(link_fd);
	}
	if (loop) {
		printf("%d attach/detach rounds\n", loop);
		return 0;
	}

	link_fd = sys_bpf(BPF_LINK_CREATE, &attr);
	if (link_fd < 0)
		die("BPF_LINK_CREATE");
	link_id = link_id_of(prog_id);
	printf("link %u prog %u\n", link_id, prog_id);
	fflush(stdout);
	if (i < argc) {		/* "--" CMD... */
		int status;
		pid_t pid;

		snprintf(idbuf, sizeof(idbuf), "%u", link_id);
		setenv("HOOK_LINK_ID", idbuf, 1);
		snprintf(idbuf, sizeof(idbuf), "%u", prog_id);
		setenv("HOOK_PROG_ID", idbuf, 1);
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid) {
			execvp(argv[i + 1], argv + i + 1);
			die(argv[i + 1]);
		}
		if (waitpid(pid, &status, 0) < 0)
			die("waitpid");
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	}
	return 0;
}
