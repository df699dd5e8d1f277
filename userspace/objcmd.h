/* SPDX-License-Identifier: GPL-2.0 */
/* objcmd.h - altbpf prog load|list|show|run|detach, map, trace. */
#ifndef ALTBPF_OBJCMD_H
#define ALTBPF_OBJCMD_H

extern const char prog_obj_usage[], map_usage[], trace_usage[];
int cmd_prog_obj(int argc, char **argv);	/* argv[1] = subcommand */
int cmd_map(int argc, char **argv);
int cmd_trace(int argc, char **argv);

#endif
