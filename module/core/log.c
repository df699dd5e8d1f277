// SPDX-License-Identifier: GPL-2.0
/*
 * log.c - the checker's bounded text log.
 *
 * The log is a caller-owned buffer.  Messages are appended until it is
 * full; what does not fit is dropped and ->truncated is set, so the first
 * (most useful) line always survives.  The buffer stays NUL-terminated.
 */
#include "engine.h"

void abpf_log_printf(struct abpf_log *log, const char *fmt, ...)
{
	va_list ap;
	u32 room;
	int n;

	if (!log || !log->buf || !log->size)
		return;
	if (log->len >= log->size - 1) {
		/* Full: remember that something was lost. */
		log->len = log->size - 1;
		log->buf[log->len] = '\0';
		log->truncated = true;
		return;
	}
	room = log->size - log->len;
	va_start(ap, fmt);
	n = vsnprintf(log->buf + log->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		log->buf[log->len] = '\0';
		return;
	}
	if ((u32)n >= room) {
		log->len = log->size - 1;
		log->truncated = true;
	} else {
		log->len += n;
	}
	log->buf[log->len] = '\0';
}
