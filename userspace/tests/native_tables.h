/* SPDX-License-Identifier: GPL-2.0 */
/*
 * native_tables.h - how altbpf-native-tests sees kunit/tables/<unit>.h.
 *
 * gen-tables.sh writes one translation unit per table header with a
 * native_table_<header>[] array (NULL-terminated) built from these macros.
 */
#ifndef ALTBPF_NATIVE_TABLES_H
#define ALTBPF_NATIVE_TABLES_H

#include "table.h"

struct native_table {
	const char *name;			/* the array's name */
	const struct abpf_run_test *run;	/* one of run/reject */
	const struct abpf_reject_test *reject;
	size_t count;
};

#define NATIVE_RUN(arr)		{ #arr, arr, NULL, ARRAY_SIZE(arr) }
#define NATIVE_REJECT(arr)	{ #arr, NULL, arr, ARRAY_SIZE(arr) }

#endif /* ALTBPF_NATIVE_TABLES_H */
