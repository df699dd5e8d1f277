/* SPDX-License-Identifier: GPL-2.0 */
/*
 * asm.h - the bpf_conformance assembly syntax, raw bytecode and .data files.
 *
 * Shared by the altbpf CLI, the conformance plugin and the native tests.
 * Errors are reported as "line N: reason" into a caller buffer.
 */
#ifndef ALTBPF_USERSPACE_ASM_H
#define ALTBPF_USERSPACE_ASM_H

#include "engine.h"

#define ASM_ERR_LEN	512

/*
 * Assemble @text.  @first_line is the line number of the text's first line
 * (for messages: a .data file's asm section starts after its header).
 * On success *insns (malloc'ed) and *len are set and 0 is returned; on
 * error -1 with the reason in @err.
 */
int asm_assemble(const char *text, int first_line, struct bpf_insn **insns,
		 u32 *len, char *err, size_t errlen);

/*
 * Raw bytecode text (a .data `-- raw` section): hex bytes ("b7 00 ..."),
 * or 64-bit little-endian words ("0x00000001000000b7"), '#' comments.
 */
int asm_parse_raw(const char *text, int first_line, struct bpf_insn **insns,
		  u32 *len, char *err, size_t errlen);

/* Hex bytes separated by optional whitespace ("aa bb", "aabb"). */
int asm_parse_hex(const char *text, u8 **bytes, u32 *len, char *err,
		  size_t errlen);

/* A bpf_conformance .data file. */
struct data_file {
	char *asm_text;		/* NULL if no -- asm section */
	int asm_line;		/* line number of its first line */
	char *raw_text;
	int raw_line;
	u8 *mem;
	u32 mem_len;
	bool has_mem;
	bool has_result;
	u64 result;
	bool has_error;		/* -- error: the program must fail */
	char *error_text;
};

int data_parse(const char *text, struct data_file *df, char *err,
	       size_t errlen);
/* The program: the asm section if there is one, else the raw section. */
int data_program(const struct data_file *df, struct bpf_insn **insns,
		 u32 *len, char *err, size_t errlen);
void data_free(struct data_file *df);

/* Does this text look like a .data file (a "-- " section header line)? */
bool data_looks_like(const char *text);

/* Whole file ("-" = stdin), NUL-terminated; NULL with errno on failure. */
char *read_whole_file(const char *path, size_t *len);

#endif /* ALTBPF_USERSPACE_ASM_H */
