/* SPDX-License-Identifier: GPL-2.0 */
/* capture.h - `altbpf capture` and `altbpf run --classic` (capture.c). */
#ifndef ALTBPF_USERSPACE_CAPTURE_H
#define ALTBPF_USERSPACE_CAPTURE_H

int cmd_capture(int argc, char **argv);
int cmd_run_classic(int argc, char **argv);
extern const char capture_usage[];

#endif
