#pragma once

/* A sealed report as JSON (docs/profile-json.md documents the schema),
 * CSV (a row per layer) and Chrome Trace Event JSON (a lane per worker;
 * opens in Perfetto and chrome://tracing). The HDF5 session file, which
 * the GUI reads back, is lsc-session-file.h. */

#include "profile/lsc-profile-report.h"

G_BEGIN_DECLS

JsonNode *lsc_profile_report_to_json  (LscProfileReport *report);
char     *lsc_profile_report_to_csv   (LscProfileReport *report);
JsonNode *lsc_profile_report_to_trace (LscProfileReport *report);

/* "L1", "L2", "L3", "DRAM", or NULL (unknown) for LscProfileLayer.fits. */
const char *lsc_profile_fits_to_string (int fits);

/* Pretty JSON text of node. */
char     *lsc_profile_json_to_text    (JsonNode         *node);
/* Writes text to path, or to standard output for "-" (ending it with a
 * newline there when it has none). */
gboolean  lsc_profile_write_text      (const char       *path,
                                       const char       *text,
                                       GError          **error);

/* JSON builder helpers shared by the exports: a number member that is
 * null when not finite (JSON has no NaN). */
void      lsc_json_add_number         (JsonBuilder      *b,
                                       const char       *name,
                                       double            value);
void      lsc_json_add_string         (JsonBuilder      *b,
                                       const char       *name,
                                       const char       *value);   /* NULL: null */

G_END_DECLS
