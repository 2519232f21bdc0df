#pragma once

#include <glib-object.h>

#include "profile/lsc-profile-report.h"

G_BEGIN_DECLS

#define LSC_TYPE_PROFILE_ROW (lsc_profile_row_get_type ())

G_DECLARE_FINAL_TYPE (LscProfileRow, lsc_profile_row, LSC, PROFILE_ROW, GObject)

/* One layer of a sealed profile report as the profile view shows it. The
 * row keeps a reference on the report rather than copying the layer: a
 * sealed report never changes, so reading it while drawing is safe. The
 * properties (index, name, kernel) are for sorters and expressions; the
 * numbers are read from the layer itself. */
LscProfileRow         *lsc_profile_row_new        (LscProfileReport *report,
                                                   guint             index);

guint                  lsc_profile_row_get_index  (LscProfileRow    *self);
const char            *lsc_profile_row_get_name   (LscProfileRow    *self);
const char            *lsc_profile_row_get_kernel (LscProfileRow    *self);
/* Borrowed from the report; valid as long as the row. */
const LscProfileLayer *lsc_profile_row_get_layer  (LscProfileRow    *self);
LscProfileReport      *lsc_profile_row_get_report (LscProfileRow    *self);
/* Instructions per cycle over the timed runs, NAN when either counter was
 * not counted. */
double                 lsc_profile_row_get_ipc    (LscProfileRow    *self);

G_END_DECLS
