/* layerscope report SESSION [--json F] [--csv F] [--trace F] [--session F] [--quiet]:
 * a session saved by `layerscope profile --session` (on a server, say),
 * printed as `profile` prints it and exported again. The statistics are
 * recomputed from the measured data the session holds, so they are the
 * ones the profile printed. */

#include "config.h"

#include "lsc-cli.h"

#include <stdio.h>

#include "lsc-cli-report.h"
#include "profile/lsc-session-file.h"

int
lsc_cli_report (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("SESSION");
  g_autoptr(LscProfileReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(LscCliExportOptions) exports = { 0 };
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No table, only the exports", NULL },
    { NULL }
  };

  g_option_context_set_summary (context,
                                "Print a profiling session written by “layerscope profile --session FILE”: the\n"
                                "same summary and per-layer table, and the same exports (--json, --csv, --trace).");
  g_option_context_add_main_entries (context, entries, NULL);
  lsc_cli_export_options_add (&exports, context);
  if (!lsc_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 2)
    return lsc_cli_fail_message ("report needs one SESSION file (see “layerscope report --help”)");
  if (!lsc_cli_export_options_check (&exports, &error))
    return lsc_cli_fail (error);

  report = lsc_session_file_read (argv[1], &error);
  if (report == NULL)
    return lsc_cli_fail (error);
  if (!quiet)
    lsc_cli_print_report (lsc_cli_export_options_use_stdout (&exports) ? stderr : stdout, report);
  if (!lsc_cli_export_report (&exports, report, &error))
    return lsc_cli_fail (error);
  return 0;
}
