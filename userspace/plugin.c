// SPDX-License-Identifier: GPL-2.0
/*
 * plugin.c - altbpf-plugin, a bpf_conformance plugin.
 *
 * Protocol: the runner starts "altbpf-plugin [MEMORY-HEX] [OPTIONS...]",
 * writes the program as one line of hex bytes to stdin and closes it; we
 * print r0 in hex and exit 0, or exit 1 with a message on stderr.
 */
#include <unistd.h>

#include "asm.h"
#include "runner.h"

static const char usage[] =
"Usage: altbpf-plugin [MEMORY-HEX] [--dev|--native] [--engine ENGINE]\n"
"                     [--log-level N] [--debug]\n"
"\n"
"A bpf_conformance plugin for altbpf.  Reads the program as hex bytes\n"
"(\"b7 00 00 00 2a 00 00 00 95 00 ...\") from standard input, runs it with\n"
"r1 = a copy of MEMORY-HEX (if given) and r2 = its length, prints r0 in\n"
"hex and exits 0.  A rejected program or an aborted run exits 1 with the\n"
"reason on standard error.  The program type is CONFORMANCE (helpers 0-5:\n"
"gather_bytes, memfrob, no_op, sqrti, strcmp_ext, unwind).\n"
"\n"
"Options:\n"
"  --native          run the engine core in this process (default)\n"
"  --dev             run through /dev/altbpf (the kernel module); also\n"
"                    selected by ALTBPF_PLUGIN_MODE=dev in the environment\n"
"  --engine ENGINE   default, interp, jit, kernel-interp, kernel-jit\n"
"                    (kernel-* need --dev); env ALTBPF_PLUGIN_ENGINE\n"
"  --log-level N     checker log level for the reject message (0-2)\n"
"  --debug           print the checker log and the run result to stderr\n"
"  -h, --help        this text\n"
"\n"
"Unknown --options (from a conformance runner) are ignored.\n";

int main(int argc, char **argv)
{
	struct run_opts o = {
		.via = RUN_VIA_NATIVE,
		.engine = ABPF_ENGINE_DEFAULT,
		.prog_type = ABPF_PROG_TYPE_CONFORMANCE,
		.repeat = 1,
	};
	static struct run_result res;
	const char *mem_hex = NULL, *env, *engine = NULL;
	char err[ASM_ERR_LEN], *text = NULL;
	struct bpf_insn *insns;
	u8 *prog_bytes = NULL, *mem = NULL;
	u32 prog_len, mem_len = 0;
	bool debug = false;
	int i, ret, r;

	env = getenv("ALTBPF_PLUGIN_MODE");
	if (env && !strcmp(env, "dev"))
		o.via = RUN_VIA_DEV;
	engine = getenv("ALTBPF_PLUGIN_ENGINE");

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(a, "--dev")) {
			o.via = RUN_VIA_DEV;
		} else if (!strcmp(a, "--native")) {
			o.via = RUN_VIA_NATIVE;
		} else if (!strcmp(a, "--debug")) {
			debug = true;
		} else if (!strcmp(a, "--engine") || !strcmp(a, "--log-level")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "altbpf-plugin: %s needs a value\n", a);
				return 2;
			}
			if (!strcmp(a, "--engine"))
				engine = argv[++i];
			else
				o.log_level = strtoul(argv[++i], NULL, 0);
		} else if (!strncmp(a, "--engine=", 9)) {
			engine = a + 9;
		} else if (a[0] == '-' && a[1] == '-') {
			/* a runner's option we do not know: ignore */
		} else if (!mem_hex) {
			mem_hex = a;
		}
	}
	if (engine && *engine) {
		ret = parse_engine(engine);
		if (ret < 0) {
			fprintf(stderr, "altbpf-plugin: unknown engine '%s'\n",
				engine);
			return 2;
		}
		o.engine = ret;
	}

	ret = 1;
	if (mem_hex && asm_parse_hex(mem_hex, &mem, &mem_len, err,
				     sizeof(err))) {
		fprintf(stderr, "altbpf-plugin: memory: %s\n", err);
		goto out;
	}
	text = read_whole_file("-", NULL);
	if (!text) {
		fprintf(stderr, "altbpf-plugin: reading the program: %s\n",
			strerror(errno));
		goto out;
	}
	if (asm_parse_hex(text, &prog_bytes, &prog_len, err, sizeof(err))) {
		fprintf(stderr, "altbpf-plugin: program: %s\n", err);
		goto out;
	}
	if (!prog_len || prog_len % 8) {
		fprintf(stderr, "altbpf-plugin: program of %u bytes is not a whole number of 8-byte instructions\n",
			prog_len);
		goto out;
	}
	insns = (struct bpf_insn *)prog_bytes;

	r = run_program(insns, prog_len / 8, mem, mem_len, &o, &res);
	if (debug && res.log[0])
		fprintf(stderr, "%s", res.log);
	if (r == -2) {
		fprintf(stderr, "altbpf-plugin: %s\n", res.msg);
		goto out;
	}
	if (r == -1) {
		/* the first log line is the reason: keep it on our line */
		fprintf(stderr, "altbpf-plugin: program rejected (%s): %s%s",
			errno_name(res.load_err), res.log,
			res.log[0] && res.log[strlen(res.log) - 1] == '\n' ?
			"" : "\n");
		goto out;
	}
	if (res.run_err) {
		if (res.error_pc_valid)
			fprintf(stderr, "altbpf-plugin: run aborted at insn %u: %s (%s)\n",
				res.error_pc, abpf_run_error_str(res.run_err),
				errno_name(res.run_err));
		else
			fprintf(stderr, "altbpf-plugin: run aborted: %s (%s)\n",
				abpf_run_error_str(res.run_err),
				errno_name(res.run_err));
		goto out;
	}
	if (debug)
		fprintf(stderr, "altbpf-plugin: r0 = 0x%llx via %s\n",
			(unsigned long long)res.r0, run_via_name(res.via));
	printf("%llx\n", (unsigned long long)res.r0);
	ret = 0;
out:
	free(text);
	free(prog_bytes);
	free(mem);
	return ret;
}
