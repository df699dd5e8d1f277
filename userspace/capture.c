// SPDX-License-Identifier: GPL-2.0
/* capture.c - `altbpf capture` (placeholder until it lands). */
#include <stdio.h>

#include "capture.h"

const char capture_usage[] =
	"usage: altbpf capture -i IFACE [-s SNAPLEN] [-c COUNT] [-w FILE] EXPR\n";

int cmd_capture(int argc, char **argv)
{
	fputs("altbpf capture: not implemented yet\n", stderr);
	return 2;
}

int cmd_run_classic(int argc, char **argv)
{
	fputs("altbpf run --classic: not implemented yet\n", stderr);
	return 2;
}
