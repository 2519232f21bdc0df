#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `layerscope SUBCOMMAND …`: returns TRUE and sets *exit_status when argv
 * names a command-line subcommand (or --help/--version); FALSE when the GUI
 * should start instead. Errors go to stderr with exit status 1. */
gboolean lsc_cli_dispatch     (int    argc,
                               char **argv,
                               int   *exit_status);

/* Each subcommand; argv[0] is the subcommand name. */
int      lsc_cli_bench        (int    argc,
                               char **argv);
int      lsc_cli_info         (int    argc,
                               char **argv);
int      lsc_cli_predict      (int    argc,
                               char **argv);
int      lsc_cli_run          (int    argc,
                               char **argv);
int      lsc_cli_sweep        (int    argc,
                               char **argv);
int      lsc_cli_profile      (int    argc,
                               char **argv);
int      lsc_cli_zoo          (int    argc,
                               char **argv);
int      lsc_cli_report       (int    argc,
                               char **argv);

/* Shared by subcommands: prints "layerscope: MESSAGE" to stderr, returns 1. */
int      lsc_cli_fail         (const GError *error);
int      lsc_cli_fail_message (const char   *format,
                               ...) G_GNUC_PRINTF (1, 2);
/* Parses options; on error prints it with the usage hint and returns FALSE. */
gboolean lsc_cli_parse        (GOptionContext *context,
                               int            *argc,
                               char         ***argv);

G_END_DECLS
