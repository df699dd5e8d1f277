/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cbpf_parse.h - classic BPF programs from the forms people have:
 *
 *   CBPF_FORM_DD   `tcpdump -dd`: C array text `{ 0x28, 0, 0, 0x0000000c },`
 *                  (a surrounding `struct sock_filter f[] = { ... };` is fine)
 *   CBPF_FORM_DDD  `tcpdump -ddd`: decimal, first line the count, then
 *                  `code jt jf k` per line
 *   CBPF_FORM_RAW  struct sock_filter bytes (8 each, little endian)
 *   CBPF_FORM_ASM  the kernel's bpf_asm syntax (tools/bpf/bpf_exp.y):
 *                  `ldh [12]`, `jeq #0x800, L2, L5`, `L2: ldb [23]`, ...
 *   CBPF_FORM_LIST `tcpdump -d` listing: `(001) jeq #0x800 jt 2 jf 5`
 *
 * Errors read "line N: reason" (raw: "offset N: reason").
 */
#ifndef ALTBPF_USERSPACE_CBPF_PARSE_H
#define ALTBPF_USERSPACE_CBPF_PARSE_H

#include "cbpf.h"

enum cbpf_form {
	CBPF_FORM_AUTO = 0,
	CBPF_FORM_DD,
	CBPF_FORM_DDD,
	CBPF_FORM_RAW,
	CBPF_FORM_ASM,
	CBPF_FORM_LIST,
};

#define CBPF_ERR_LEN	256

/* "auto", "dd", "ddd", "raw", "asm", "list" -> enum cbpf_form, or -1. */
int cbpf_form_parse(const char *name);
const char *cbpf_form_name(int form);

/*
 * Which form @buf (@len bytes) is in: binary (NUL or control bytes) ->
 * RAW; text whose first token is `{` -> DD, `(NNN)` -> LIST, all-number
 * lines -> DDD, anything else -> ASM.
 */
int cbpf_detect(const void *buf, size_t len);

/*
 * Parse @len bytes of @buf in @form (CBPF_FORM_AUTO: cbpf_detect()).
 * On success 0, *out (malloc'ed) and *out_len; @detected (may be NULL)
 * gets the form used.  On failure -1 and the reason in @err.
 */
int cbpf_parse(const void *buf, size_t len, int form,
	       struct abpf_cbpf_insn **out, u32 *out_len, int *detected,
	       char *err, size_t errlen);

/*
 * Text forms of a program, malloc'ed (NULL on allocation failure):
 * tcpdump's -dd and -ddd formats exactly, and bpf_asm text with labels
 * (`L<n>:` on jump targets) that cbpf_parse() reads back identically.
 */
char *cbpf_format_dd(const struct abpf_cbpf_insn *f, u32 len);
char *cbpf_format_ddd(const struct abpf_cbpf_insn *f, u32 len);
char *cbpf_format_asm(const struct abpf_cbpf_insn *f, u32 len);

#endif /* ALTBPF_USERSPACE_CBPF_PARSE_H */
