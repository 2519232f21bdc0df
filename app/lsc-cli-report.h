#pragma once

/* Printing a profile on a terminal, progress lines, and the export options
 * (--json, --csv, --trace, --session) that profile and sweep share. */

#include <glib.h>
#include <stdio.h>

#include "profile/lsc-profile-report.h"

G_BEGIN_DECLS

typedef struct
{
  char *json;       /* file name or "-" */
  char *csv;
  char *trace;
  char *session;
} LscCliExportOptions;

void     lsc_cli_export_options_add   (LscCliExportOptions *options,
                                       GOptionContext      *context);
void     lsc_cli_export_options_clear (LscCliExportOptions *options);
/* At most one of them may be "-" (standard output). */
gboolean lsc_cli_export_options_check (const LscCliExportOptions *options,
                                       GError             **error);
/* Whether one export goes to standard output (the table then goes to
 * standard error, so the output stays parseable). */
gboolean lsc_cli_export_options_use_stdout (const LscCliExportOptions *options);
/* Writes every export asked for. */
gboolean lsc_cli_export_report        (const LscCliExportOptions *options,
                                       LscProfileReport    *report,
                                       GError             **error);

/* The summary and the per-layer table. */
void     lsc_cli_print_report         (FILE                *out,
                                       LscProfileReport    *report);

/* A progress callback for lsc_profile_executor: a line on standard error
 * redrawn in place, only when standard error is a terminal. */
void     lsc_cli_progress             (double               fraction,
                                       const char          *what,
                                       gpointer             user_data);   /* a label, or NULL */
/* Clears the progress line (if any was drawn). */
void     lsc_cli_progress_done        (void);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LscCliExportOptions, lsc_cli_export_options_clear)

G_END_DECLS
