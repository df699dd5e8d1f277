// SPDX-License-Identifier: GPL-2.0
/* tap.c - the shared TAP reporter of the native test binaries. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

const char *tap_filter;
bool tap_verbose;
static unsigned int nr_pass, nr_fail, nr_case;

bool tap_selected(const char *suite, const char *name)
{
	char full[512];

	if (!tap_filter)
		return true;
	snprintf(full, sizeof(full), "%s/%s", suite, name);
	return strstr(full, tap_filter) != NULL;
}

void tap_report(bool ok, const char *suite, const char *name,
		const char *fmt, ...)
{
	va_list ap;

	nr_case++;
	if (ok)
		nr_pass++;
	else
		nr_fail++;
	printf("%sok %u - %s/%s", ok ? "" : "not ", nr_case, suite, name);
	if (fmt && (!ok || tap_verbose)) {
		printf(ok ? " # " : ": ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
}

unsigned int tap_failed(void)
{
	return nr_fail;
}

int tap_finish(const char *binary)
{
	printf("%s: %u passed, %u failed\n", binary, nr_pass, nr_fail);
	return nr_fail ? 1 : 0;
}
