// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c - the altbpf command line tool: asm, disasm, run.
 */
#include <unistd.h>
#ifdef ALTBPF_HAVE_CAPSTONE
#include <capstone/capstone.h>
#endif

#include "asm.h"
#include "runner.h"
#include "capture.h"
#include "objcmd.h"

static const char *prog_name = "altbpf";

static const char main_usage[] =
"Usage: altbpf COMMAND [OPTIONS] [ARGS]\n"
"\n"
"Tools for altbpf, an alternate eBPF engine.\n"
"\n"
"Commands:\n"
"  asm FILE        assemble conformance-syntax text into raw bytecode\n"
"  disasm FILE     disassemble raw bytecode into conformance-syntax text\n"
"  run PROG        check and run a program, natively or via /dev/altbpf\n"
"  prog dump jited|xlated PROG\n"
"                  load a program and show its code as loaded, or the\n"
"                  x86-64 code the JIT made of each instruction\n"
"  prog load|list|show|run|detach\n"
"                  clang-built ELF objects in /dev/altbpf: load (and\n"
"                  attach), list, test-run by id, detach\n"
"  map list|dump|lookup|update|delete\n"
"                  maps by id (hex keys and values)\n"
"  trace           what programs print with bpf_trace_printk()\n"
"  help [COMMAND]  show this text or a command's usage\n"
"\n"
"Run 'altbpf COMMAND --help' for a command's options.  See docs/cli.md.\n";

static const char asm_usage[] =
"Usage: altbpf asm [-o OUT] [--hex] FILE|-\n"
"\n"
"Assemble FILE (bpf_conformance assembly syntax; '-' reads standard\n"
"input) into raw little-endian bytecode, 8 bytes per instruction slot.\n"
"A .data test file is accepted too: its -- asm section (or, failing that,\n"
"its -- raw section) is used.  Errors name the line and the reason.\n"
"\n"
"Options:\n"
"  -o, --output OUT  write the bytecode to OUT ('-': standard output)\n"
"  --hex             write one line of hex bytes instead of binary (the\n"
"                    conformance plugin's input format)\n"
"  -h, --help        this text\n"
"\n"
"Without -o the bytecode goes to standard output, which must not be a\n"
"terminal unless --hex is given.\n"
"\n"
"Exit status: 0 assembled, 1 assembly error, 2 usage or I/O error.\n";

static const char disasm_usage[] =
"Usage: altbpf disasm [--hex] [--no-index] FILE|-\n"
"\n"
"Disassemble raw bytecode (binary, 8 bytes per slot; '-' reads standard\n"
"input) into the conformance assembly syntax, one instruction per line,\n"
"prefixed with its slot index.  Invalid instructions are printed as\n"
"'.insn 0x<64-bit word>', which 'altbpf asm' reads back, so\n"
"'altbpf disasm --no-index X | altbpf asm -o Y -' reproduces X exactly.\n"
"\n"
"Options:\n"
"  --hex         the input is hex text (\"b7 00 00 00 ...\"), not binary\n"
"  --no-index    omit the slot index (output is valid assembler input)\n"
"  -h, --help    this text\n";

static const char run_usage[] =
"Usage: altbpf run PROG [OPTIONS]\n"
"\n"
"Load PROG (the checker's log is printed when it is rejected), run it\n"
"--repeat times and print r0 and the time per run.\n"
"\n"
"PROG is assembly text (.s, .asm), a conformance test (.data: its program,\n"
"memory and expected result) or raw bytecode (.bin); the format is guessed\n"
"from the extension, then from the content, unless --format is given.\n"
"\n"
"Options:\n"
"  --format F        asm, data, bin or hex (hex bytes as text)\n"
"  --mem FILE        input memory: the contents of FILE (r1 = memory,\n"
"                    r2 = its length)\n"
"  --mem-hex HEX     input memory as hex bytes (\"aa bb cc\")\n"
"  --data-file F     take memory and expected result from a .data file\n"
"  --repeat N        run N times (default 1); r0 is from the last run\n"
"  --engine E        default, interp, jit, kernel-interp, kernel-jit\n"
"  --via V           native (the engine core in this process) or dev\n"
"                    (/dev/altbpf); default: dev if /dev/altbpf exists\n"
"  --type T          program type: mem (default; no helpers) or\n"
"                    conformance (helpers 0-5; the default for .data)\n"
"  --log-level N     checker log level: 0 errors, 1 summary, 2 trace;\n"
"                    the log is printed when N > 0 or on a reject\n"
"  --dump            print the disassembly before running\n"
"  --dump-jited      print the JIT's x86-64 code per instruction (as\n"
"                    'altbpf prog dump jited')\n"
"  -h, --help        this text\n"
"\n"
"Output: 'r0 = 0x2a (42)' and 'ns/run: N (M runs, engine E, via V)'.\n"
"With an expected result (.data) the comparison is printed as well.\n"
"\n"
"Exit status: 0 ran (and matched the expected result, if any),\n"
"1 rejected by the assembler or the checker, 2 usage or setup error,\n"
"3 the run aborted (ERANGE: out-of-bounds access, ELOOP: loop budget\n"
"exhausted, EINVAL: bad call target), 4 r0 differs from the expected\n"
"result.\n";

static const char prog_usage[] =
"Usage: altbpf prog dump jited|xlated PROG [OPTIONS]\n"
"\n"
"Load PROG (as 'altbpf run' does, without running it) and show its code:\n"
"  xlated   the instructions as loaded, disassembled ('   N: insn')\n"
"  jited    the x86-64 code the altbpf JIT generated: the prologue, then\n"
"           each BPF instruction (index and disassembly) followed by\n"
"           its machine code, then the out-of-line stubs (bounds check,\n"
"           aborts), disassembled with capstone\n"
"\n"
"Options:\n"
"  --via V           native (this process's JIT) or dev (/dev/altbpf:\n"
"                    BPF_OBJ_GET_INFO_BY_FD); default: dev if it exists\n"
"  --format F        asm, data, bin or hex\n"
"  --type T          mem or conformance\n"
"  --log-level N     print the load log (0-2)\n"
"  -h, --help        this text\n"
"\n"
"Exit status: 0 shown, 1 rejected, 2 usage or setup error (also: no JIT\n"
"image, e.g. module parameter jit=0).\n";

static int usage_error(const char *usage, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog_name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n\n%s", usage);
	return 2;
}

static bool is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

static const char *ext_of(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (!dot || (slash && dot < slash))
		return "";
	return dot + 1;
}

/* Load a text program (asm or .data) into instructions; prints errors. */
static int load_text(const char *path, const char *text, bool data,
		     struct data_file *df, struct bpf_insn **insns, u32 *len)
{
	char err[ASM_ERR_LEN];

	if (data) {
		if (data_parse(text, df, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", path, err);
			return -1;
		}
		if (data_program(df, insns, len, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", path, err);
			return -1;
		}
		return 0;
	}
	if (asm_assemble(text, 1, insns, len, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", path, err);
		return -1;
	}
	return 0;
}

static int write_all(FILE *f, const void *buf, size_t n)
{
	return fwrite(buf, 1, n, f) == n ? 0 : -1;
}

static int cmd_asm(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct data_file df = { 0 };
	struct bpf_insn *insns = NULL;
	bool hex = false;
	char *text;
	u32 len, i;
	FILE *f;
	int ret = 1;

	for (i = 1; i < (u32)argc; i++) {
		if (is_help(argv[i])) {
			fputs(asm_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "-o") ||
			   !strcmp(argv[i], "--output")) {
			if (++i >= (u32)argc)
				return usage_error(asm_usage, "%s needs a file name",
						   argv[i - 1]);
			out = argv[i];
		} else if (!strcmp(argv[i], "--hex")) {
			hex = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_error(asm_usage, "unknown option '%s'",
					   argv[i]);
		} else if (!in) {
			in = argv[i];
		} else {
			return usage_error(asm_usage, "unexpected argument '%s'",
					   argv[i]);
		}
	}
	if (!in)
		return usage_error(asm_usage, "%s", "no input file");
	if (!out && !hex && isatty(STDOUT_FILENO))
		return usage_error(asm_usage, "%s",
				   "refusing to write binary to a terminal (use -o FILE or --hex)");

	text = read_whole_file(in, NULL);
	if (!text) {
		fprintf(stderr, "%s: %s: %s\n", prog_name, in, strerror(errno));
		return 2;
	}
	if (load_text(in, text, !strcmp(ext_of(in), "data") ||
		      data_looks_like(text), &df, &insns, &len))
		goto out;

	f = (!out || !strcmp(out, "-")) ? stdout : fopen(out, "wb");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog_name, out, strerror(errno));
		ret = 2;
		goto out;
	}
	ret = 0;
	if (hex) {
		const u8 *b = (const u8 *)insns;

		for (i = 0; i < len * 8 && !ret; i++)
			ret = fprintf(f, "%s%02x", i ? " " : "", b[i]) < 0;
		if (!ret)
			ret = fputc('\n', f) == EOF;
	} else {
		ret = write_all(f, insns, (size_t)len * 8);
	}
	if (f != stdout ? fclose(f) : fflush(f))
		ret = 1;
	if (ret) {
		fprintf(stderr, "%s: writing %s: %s\n", prog_name,
			out ? out : "standard output", strerror(errno));
		ret = 2;
	}
out:
	free(insns);
	data_free(&df);
	free(text);
	return ret;
}

static void print_disasm(const struct bpf_insn *insns, u32 len, bool index,
			 const char *prefix)
{
	char buf[128];
	u32 i = 0;
	int n;

	while (i < len) {
		n = abpf_disasm_insn(insns, len, i, buf, sizeof(buf));
		if (n <= 0)
			break;
		if (index)
			printf("%s%4u: %s\n", prefix, i, buf);
		else
			printf("%s%s\n", prefix, buf);
		i += n;
	}
}

static int cmd_disasm(int argc, char **argv)
{
	const char *in = NULL;
	bool hex = false, index = true;
	struct bpf_insn *insns;
	char err[ASM_ERR_LEN];
	size_t n;
	u32 len;
	u8 *bytes;
	char *data;
	int i;

	for (i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(disasm_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--hex")) {
			hex = true;
		} else if (!strcmp(argv[i], "--no-index")) {
			index = false;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_error(disasm_usage, "unknown option '%s'",
					   argv[i]);
		} else if (!in) {
			in = argv[i];
		} else {
			return usage_error(disasm_usage, "unexpected argument '%s'",
					   argv[i]);
		}
	}
	if (!in)
		return usage_error(disasm_usage, "%s", "no input file");
	data = read_whole_file(in, &n);
	if (!data) {
		fprintf(stderr, "%s: %s: %s\n", prog_name, in, strerror(errno));
		return 2;
	}
	if (hex) {
		if (asm_parse_hex(data, &bytes, &len, err, sizeof(err))) {
			fprintf(stderr, "%s: %s: %s\n", prog_name, in, err);
			free(data);
			return 1;
		}
		free(data);
		data = (char *)bytes;
		n = len;
	}
	if (n % 8) {
		fprintf(stderr, "%s: %s: %zu bytes is not a whole number of 8-byte instructions%s\n",
			prog_name, in, n,
			hex ? "" : " (hex text? try --hex)");
		free(data);
		return 1;
	}
	insns = (struct bpf_insn *)data;
	print_disasm(insns, n / 8, index, "");
	free(data);
	return 0;
}

static int parse_u32(const char *s, u32 *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || end == s || *end || x > UINT32_MAX || s[0] == '-')
		return -1;
	*v = x;
	return 0;
}

/*
 * Read PROG (asm, data, bin or hex; guessed when @format is NULL) into
 * instructions.  0, or the exit status: 1 bad program, 2 usage/I/O error
 * (the message is printed).  *@text and @df are the caller's to free.
 */
static int read_program(const char *path, const char *format, char **textp,
			struct data_file *df, struct bpf_insn **insnsp,
			u32 *lenp, bool *is_data)
{
	char err[ASM_ERR_LEN], *text;
	struct bpf_insn *insns = NULL;
	u32 len = 0;
	size_t n;
	int i, ret = 2;

	*is_data = false;
	if (!format) {
		const char *e = ext_of(path);

		if (!strcmp(e, "s") || !strcmp(e, "asm"))
			format = "asm";
		else if (!strcmp(e, "data"))
			format = "data";
		else if (!strcmp(e, "bin") || !strcmp(e, "o"))
			format = "bin";
		else if (!strcmp(e, "hex"))
			format = "hex";
	}
	text = read_whole_file(path, &n);
	*textp = text;
	if (!text) {
		fprintf(stderr, "%s: %s: %s\n", prog_name, path, strerror(errno));
		return 2;
	}
	if (!format) {
		/* binary if it has a NUL byte or a non-text byte */
		format = strlen(text) != n ? "bin" :
			 data_looks_like(text) ? "data" : "asm";
		for (i = 0; !strcmp(format, "asm") && (size_t)i < n; i++)
			if ((u8)text[i] < 0x09 || (u8)text[i] == 0x7f)
				format = "bin";
	}
	if (!strcmp(format, "bin")) {
		if (!n || n % 8) {
			fprintf(stderr, "%s: %s: %zu bytes is not a whole number of 8-byte instructions\n",
				prog_name, path, n);
			ret = 1;
			goto out;
		}
		insns = malloc(n);
		if (!insns) {
			fprintf(stderr, "%s: out of memory\n", prog_name);
			goto out;
		}
		memcpy(insns, text, n);
		len = n / 8;
	} else if (!strcmp(format, "hex")) {
		u8 *b;

		if (asm_parse_hex(text, &b, &len, err, sizeof(err)) ||
		    !len || len % 8) {
			fprintf(stderr, "%s: %s: %s\n", prog_name, path,
				len % 8 ? "not a whole number of instructions" :
				err);
			ret = 1;
			goto out;
		}
		insns = (struct bpf_insn *)b;
		len /= 8;
	} else if (!strcmp(format, "asm") || !strcmp(format, "data")) {
		*is_data = !strcmp(format, "data");
		if (load_text(path, text, *is_data, df, &insns, &len)) {
			ret = 1;
			goto out;
		}
	} else {
		fprintf(stderr, "%s: unknown format '%s' (asm, data, bin, hex)\n",
			prog_name, format);
		goto out;
	}

	ret = 0;
out:
	*insnsp = insns;
	*lenp = len;
	return ret;
}

/* x86-64 code [from, to) of @code, labelled with image offsets. */
static void print_x86(const u8 *code, u32 from, u32 to, const char *indent)
{
	u32 off = from, k;
#ifdef ALTBPF_HAVE_CAPSTONE
	static csh handle;
	static bool opened, failed;
	cs_insn *insn;
	size_t cnt, i;

	if (!opened && !failed) {
		failed = cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK;
		opened = !failed;
	}
	while (opened && off < to) {
		cnt = cs_disasm(handle, code + off, to - off, off, 0, &insn);
		for (i = 0; i < cnt; i++) {
			char hex[64] = "";

			for (k = 0; k < insn[i].size && k < 12; k++)
				snprintf(hex + 3 * k, sizeof(hex) - 3 * k,
					 "%02x ", insn[i].bytes[k]);
			printf("%s%6x:  %-30s %s%s%s\n", indent,
			       (unsigned int)insn[i].address, hex,
			       insn[i].mnemonic, insn[i].op_str[0] ? " " : "",
			       insn[i].op_str);
			off += insn[i].size;
		}
		if (cnt)
			cs_free(insn, cnt);
		if (off < to) {
			/* not an instruction: one byte, and go on */
			printf("%s%6x:  %02x%-28s (bad)\n", indent, off,
			       code[off], "");
			off++;
		}
	}
#endif
	/* without capstone: hex, 16 bytes a line */
	while (off < to) {
		printf("%s%6x: ", indent, off);
		for (k = 0; k < 16 && off < to; k++, off++)
			printf(" %02x", code[off]);
		printf("\n");
	}
}

/* The JIT image, instruction by instruction; false if there is none. */
static bool print_jited(const char *path, const struct run_result *res)
{
	const u32 *o = res->jit_offsets;
	u32 n = res->xlated_cnt, i, next;
	char buf[128];
	int k;

	if (!res->jited || !o || res->nr_jit_offsets != n + 1) {
		fprintf(stderr, "%s: %s: no JIT image (%s)\n", prog_name, path,
			res->via == RUN_VIA_DEV ?
			"module parameter jit=0, or the JIT fell back to the interpreter: see the load log with --log-level 1" :
			"the JIT could not compile it");
		return false;
	}
	printf("%s: %u insns, %u bytes of x86-64 (via %s)\n", path, n,
	       res->jited_len, run_via_name(res->via));
	printf("prologue:\n");
	print_x86(res->jited, 0, o[0], "  ");
	for (i = 0; i < n; i = next) {
		k = abpf_disasm_insn(res->xlated, n, i, buf, sizeof(buf));
		next = i + (k > 0 ? k : 1);
		printf("%4u: %s\n", i, buf);
		print_x86(res->jited, o[i], o[next < n ? next : n], "  ");
	}
	printf("out-of-line stubs:\n");
	print_x86(res->jited, o[n], res->jited_len, "  ");
	return true;
}

static int cmd_run(int argc, char **argv)
{
	struct run_opts o = {
		.via = RUN_VIA_AUTO,
		.engine = ABPF_ENGINE_DEFAULT,
		.prog_type = ABPF_PROG_TYPE_MEM,
		.repeat = 1,
	};
	const char *path = NULL, *format = NULL, *mem_file = NULL;
	const char *mem_hex = NULL, *data_path = NULL, *type = NULL;
	struct data_file df = { 0 }, mdf = { 0 };
	static struct run_result res;
	struct bpf_insn *insns = NULL;
	char err[ASM_ERR_LEN], *text = NULL, *mtext = NULL;
	u8 *mem = NULL;
	u32 len = 0, mem_len = 0;
	bool dump = false, have_expect = false, is_data = false;
	bool dump_jited = false;
	u64 expect = 0;
	size_t n;
	int i, ret = 2, r;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;

		if (is_help(a)) {
			fputs(run_usage, stdout);
			return 0;
		}
		if (!strcmp(a, "--dump")) {
			dump = true;
			continue;
		}
		if (!strcmp(a, "--dump-jited")) {
			dump_jited = true;
			o.want_code = true;
			continue;
		}
		if (a[0] != '-' || !a[1]) {
			if (path)
				return usage_error(run_usage, "unexpected argument '%s'",
						   a);
			path = a;
			continue;
		}
		if (!v)
			takes = false;
		if (!strcmp(a, "--format") && takes) {
			format = v;
		} else if (!strcmp(a, "--mem") && takes) {
			mem_file = v;
		} else if (!strcmp(a, "--mem-hex") && takes) {
			mem_hex = v;
		} else if (!strcmp(a, "--data-file") && takes) {
			data_path = v;
		} else if (!strcmp(a, "--type") && takes) {
			type = v;
		} else if (!strcmp(a, "--repeat") && takes) {
			if (parse_u32(v, &o.repeat) || !o.repeat)
				return usage_error(run_usage, "bad --repeat '%s'", v);
		} else if (!strcmp(a, "--log-level") && takes) {
			if (parse_u32(v, &o.log_level) || o.log_level > 2)
				return usage_error(run_usage, "bad --log-level '%s' (0-2)",
						   v);
		} else if (!strcmp(a, "--engine") && takes) {
			r = parse_engine(v);
			if (r < 0)
				return usage_error(run_usage, "unknown engine '%s'", v);
			o.engine = r;
		} else if (!strcmp(a, "--via") && takes) {
			if (!strcmp(v, "native"))
				o.via = RUN_VIA_NATIVE;
			else if (!strcmp(v, "dev"))
				o.via = RUN_VIA_DEV;
			else
				return usage_error(run_usage, "bad --via '%s' (native or dev)",
						   v);
		} else {
			return usage_error(run_usage, takes ?
					   "unknown option '%s'" :
					   "unknown option or missing value: '%s'",
					   a);
		}
		i++;
	}
	if (!path)
		return usage_error(run_usage, "%s", "no program given");
	if (mem_file && mem_hex)
		return usage_error(run_usage, "%s",
				   "--mem and --mem-hex are exclusive");

	ret = read_program(path, format, &text, &df, &insns, &len, &is_data);
	if (ret)
		goto out;
	ret = 2;

	if (is_data) {
		o.prog_type = ABPF_PROG_TYPE_CONFORMANCE;
		if (df.has_mem) {
			mem = malloc(df.mem_len + 1);
			if (!mem)
				goto out;
			memcpy(mem, df.mem, df.mem_len);
			mem_len = df.mem_len;
		}
		have_expect = df.has_result;
		expect = df.result;
		if (df.has_error)
			printf("note: %s expects an error: %s\n", path,
			       df.error_text ? df.error_text : "");
	}
	if (data_path) {
		mtext = read_whole_file(data_path, NULL);
		if (!mtext || data_parse(mtext, &mdf, err, sizeof(err))) {
			fprintf(stderr, "%s: %s: %s\n", prog_name, data_path,
				mtext ? err : strerror(errno));
			goto out;
		}
		free(mem);
		mem = NULL;
		mem_len = 0;
		if (mdf.has_mem) {
			mem = malloc(mdf.mem_len + 1);
			if (!mem)
				goto out;
			memcpy(mem, mdf.mem, mdf.mem_len);
			mem_len = mdf.mem_len;
		}
		have_expect = mdf.has_result;
		expect = mdf.result;
	}
	if (mem_file || mem_hex) {
		free(mem);
		mem = NULL;
		if (mem_file) {
			mem = (u8 *)read_whole_file(mem_file, &n);
			if (!mem) {
				fprintf(stderr, "%s: %s: %s\n", prog_name,
					mem_file, strerror(errno));
				goto out;
			}
			if (n > UINT32_MAX) {
				fprintf(stderr, "%s: %s: too large\n", prog_name,
					mem_file);
				goto out;
			}
			mem_len = n;
		} else if (asm_parse_hex(mem_hex, &mem, &mem_len, err,
					 sizeof(err))) {
			fprintf(stderr, "%s: --mem-hex: %s\n", prog_name, err);
			goto out;
		}
	}
	if (type) {
		if (!strcmp(type, "mem"))
			o.prog_type = ABPF_PROG_TYPE_MEM;
		else if (!strcmp(type, "conformance"))
			o.prog_type = ABPF_PROG_TYPE_CONFORMANCE;
		else {
			ret = usage_error(run_usage, "unknown --type '%s'", type);
			goto out;
		}
	}

	if (dump) {
		printf("%s: %u slots\n", path, len);
		print_disasm(insns, len, true, "  ");
	}
	r = run_program(insns, len, mem, mem_len, &o, &res);
	if (res.log[0] && (r == -1 || o.log_level))
		fprintf(r == -1 ? stderr : stdout, "%s%s", res.log,
			res.log[strlen(res.log) - 1] == '\n' ? "" : "\n");
	if (r == -2) {
		fprintf(stderr, "%s: %s\n", prog_name, res.msg);
		ret = 2;
		goto out;
	}
	if (r == -1) {
		fprintf(stderr, "%s: %s: rejected by the checker (%s, via %s)\n",
			prog_name, path, errno_name(res.load_err),
			run_via_name(res.via));
		ret = 1;
		goto out;
	}
	if (dump_jited)
		print_jited(path, &res);
	if (res.run_err) {
		if (res.error_pc_valid)
			fprintf(stderr, "%s: run aborted at insn %u: %s (%s)\n",
				prog_name, res.error_pc,
				abpf_run_error_str(res.run_err),
				errno_name(res.run_err));
		else
			fprintf(stderr, "%s: run aborted: %s (%s)\n", prog_name,
				abpf_run_error_str(res.run_err),
				errno_name(res.run_err));
		ret = 3;
		goto out;
	}
	printf("r0 = 0x%llx (%lld)\n", (unsigned long long)res.r0,
	       (long long)res.r0);
	printf("ns/run: %llu (%u run%s, engine %s, via %s)\n",
	       (unsigned long long)res.ns_per_run, res.runs,
	       res.runs == 1 ? "" : "s", abpf_engine_name(res.engine),
	       run_via_name(res.via));
	ret = 0;
	if (have_expect) {
		if (res.r0 == expect) {
			printf("expected 0x%llx: ok\n", (unsigned long long)expect);
		} else {
			printf("expected 0x%llx: MISMATCH\n",
			       (unsigned long long)expect);
			ret = 4;
		}
	}
out:
	run_result_free(&res);
	free(insns);
	free(mem);
	free(text);
	free(mtext);
	data_free(&df);
	data_free(&mdf);
	return ret;
}

/* altbpf prog dump jited|xlated PROG */
static int cmd_prog(int argc, char **argv)
{
	struct run_opts o = {
		.via = RUN_VIA_AUTO,
		.engine = ABPF_ENGINE_DEFAULT,
		.prog_type = ABPF_PROG_TYPE_MEM,
		.want_code = true,
		.no_run = true,
	};
	const char *what = NULL, *path = NULL, *format = NULL, *type = NULL;
	static struct run_result res;
	struct data_file df = { 0 };
	struct bpf_insn *insns = NULL;
	bool is_data;
	char *text = NULL;
	u32 len = 0;
	int i, r, ret;

	if (argc < 2 || is_help(argv[1])) {
		fputs(prog_usage, argc < 2 ? stderr : stdout);
		fputs("\n", argc < 2 ? stderr : stdout);
		fputs(prog_obj_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "dump"))
		return cmd_prog_obj(argc, argv);
	if (strcmp(argv[1], "dump"))
		return usage_error(prog_usage, "unknown prog command '%s'",
				   argv[1]);
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (is_help(a)) {
			fputs(prog_usage, stdout);
			return 0;
		} else if (a[0] != '-' || !a[1]) {
			if (!what)
				what = a;
			else if (!path)
				path = a;
			else
				return usage_error(prog_usage,
						   "unexpected argument '%s'", a);
			continue;
		} else if (!v) {
			return usage_error(prog_usage,
					   "unknown option or missing value: '%s'",
					   a);
		} else if (!strcmp(a, "--format")) {
			format = v;
		} else if (!strcmp(a, "--type")) {
			type = v;
		} else if (!strcmp(a, "--log-level")) {
			if (parse_u32(v, &o.log_level) || o.log_level > 2)
				return usage_error(prog_usage,
						   "bad --log-level '%s' (0-2)", v);
		} else if (!strcmp(a, "--via")) {
			if (!strcmp(v, "native"))
				o.via = RUN_VIA_NATIVE;
			else if (!strcmp(v, "dev"))
				o.via = RUN_VIA_DEV;
			else
				return usage_error(prog_usage,
						   "bad --via '%s' (native or dev)", v);
		} else {
			return usage_error(prog_usage, "unknown option '%s'", a);
		}
		i++;
	}
	if (!what || (strcmp(what, "jited") && strcmp(what, "xlated")))
		return usage_error(prog_usage, "%s",
				   "dump what? (jited or xlated)");
	if (!path)
		return usage_error(prog_usage, "%s", "no program given");

	ret = read_program(path, format, &text, &df, &insns, &len, &is_data);
	if (ret)
		goto out;
	if (is_data)
		o.prog_type = ABPF_PROG_TYPE_CONFORMANCE;
	ret = 2;
	if (type) {
		if (!strcmp(type, "mem")) {
			o.prog_type = ABPF_PROG_TYPE_MEM;
		} else if (!strcmp(type, "conformance")) {
			o.prog_type = ABPF_PROG_TYPE_CONFORMANCE;
		} else {
			ret = usage_error(prog_usage, "unknown --type '%s'",
					  type);
			goto out;
		}
	}
	r = run_program(insns, len, NULL, 0, &o, &res);
	if (res.log[0] && (r == -1 || o.log_level))
		fprintf(r == -1 ? stderr : stdout, "%s%s", res.log,
			res.log[strlen(res.log) - 1] == '\n' ? "" : "\n");
	if (r == -2) {
		fprintf(stderr, "%s: %s\n", prog_name, res.msg);
		goto out;
	}
	if (r == -1) {
		fprintf(stderr, "%s: %s: rejected by the checker (%s, via %s)\n",
			prog_name, path, errno_name(res.load_err),
			run_via_name(res.via));
		ret = 1;
		goto out;
	}
	if (!strcmp(what, "xlated")) {
		print_disasm(res.xlated, res.xlated_cnt, true, "");
		ret = 0;
	} else {
		ret = print_jited(path, &res) ? 0 : 2;
	}
out:
	run_result_free(&res);
	free(insns);
	free(text);
	data_free(&df);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(main_usage, stderr);
		return 2;
	}
	if (is_help(argv[1])) {
		fputs(main_usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3)
			fputs(main_usage, stdout);
		else if (!strcmp(argv[2], "asm"))
			fputs(asm_usage, stdout);
		else if (!strcmp(argv[2], "disasm"))
			fputs(disasm_usage, stdout);
		else if (!strcmp(argv[2], "run"))
			fputs(run_usage, stdout);
		else if (!strcmp(argv[2], "prog"))
			fputs(prog_usage, stdout);
		else if (!strcmp(argv[2], "map"))
			fputs(map_usage, stdout);
		else if (!strcmp(argv[2], "trace"))
			fputs(trace_usage, stdout);
		else if (!strcmp(argv[2], "capture"))
			fputs(capture_usage, stdout);
		else
			return usage_error(main_usage, "unknown command '%s'",
					   argv[2]);
		return 0;
	}
	if (!strcmp(argv[1], "asm"))
		return cmd_asm(argc - 1, argv + 1);
	if (!strcmp(argv[1], "disasm"))
		return cmd_disasm(argc - 1, argv + 1);
	if (!strcmp(argv[1], "run")) {
		for (int i = 2; i < argc; i++)
			if (!strcmp(argv[i], "--classic"))
				return cmd_run_classic(argc - 1, argv + 1);
		return cmd_run(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "capture"))
		return cmd_capture(argc - 1, argv + 1);
	if (!strcmp(argv[1], "prog"))
		return cmd_prog(argc - 1, argv + 1);
	if (!strcmp(argv[1], "map"))
		return cmd_map(argc - 1, argv + 1);
	if (!strcmp(argv[1], "trace"))
		return cmd_trace(argc - 1, argv + 1);
	return usage_error(main_usage, "unknown command '%s'", argv[1]);
}
