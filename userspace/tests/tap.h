/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - the TAP reporter every native test binary shares: one
 * "ok N - suite/name" line per case and a closing
 * "<suite>: N passed, M failed" line that scripts/check adds up.
 */
#ifndef ALTBPF_TESTS_TAP_H
#define ALTBPF_TESTS_TAP_H

#include <stdbool.h>

/* Only cases whose "suite/name" contains this text run (NULL: all). */
extern const char *tap_filter;
/* Print the details of passing cases too. */
extern bool tap_verbose;

bool tap_selected(const char *suite, const char *name);

/* Report one case; the printf-style detail is shown on failure. */
void tap_report(bool ok, const char *suite, const char *name,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

unsigned int tap_failed(void);

/* Print "@binary: N passed, M failed"; the exit status to return. */
int tap_finish(const char *binary);

#endif /* ALTBPF_TESTS_TAP_H */
