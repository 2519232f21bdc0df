#pragma once

#include <gtk/gtk.h>

#include "profile/lsc-profile-report.h"

G_BEGIN_DECLS

#define LSC_TYPE_PROFILE_VIEW (lsc_profile_view_get_type ())

G_DECLARE_FINAL_TYPE (LscProfileView, lsc_profile_view, LSC, PROFILE_VIEW, GtkWidget)

/* A sealed profile report: a header with what was run and how (model,
 * batch, threads, strategy, pinning, ISA, clock, the wall time's median /
 * p90 / p99, what profiling cost, the counters or why there are none, how
 * quiet the machine was) over a sortable GtkColumnView with one row per
 * layer of the plan (#, name, kernel, median, p90, p99, share, GFLOP/s,
 * GB/s, FLOP/byte, working set and the cache it fits, efficiency,
 * imbalance, and IPC when the counters counted). */
GtkWidget        *lsc_profile_view_new             (void);
/* Takes a reference on a sealed report (NULL clears the view). */
void              lsc_profile_view_set_report      (LscProfileView   *self,
                                                    LscProfileReport *report);
/* Borrowed; NULL when none. */
LscProfileReport *lsc_profile_view_get_report      (LscProfileView   *self);
/* Borrowed: the LscProfileRow items in the plan's order, whatever column
 * the user sorts by. */
GListModel       *lsc_profile_view_get_rows        (LscProfileView   *self);
/* Borrowed: the table, for its columns and its sorted model. */
GtkColumnView    *lsc_profile_view_get_column_view (LscProfileView   *self);

G_END_DECLS
