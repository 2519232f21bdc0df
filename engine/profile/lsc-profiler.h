#pragma once

/* Profiles an executor: a first run, warm-up runs, then timed runs, each
 * with per-layer, per-worker timestamps (and counters where the machine
 * has them), optionally interleaved with unprofiled runs that measure what
 * profiling itself costs. The result is a sealed LscProfileReport. */

#include <gio/gio.h>

#include "counters/lsc-counters.h"
#include "monitor/lsc-load-generator.h"
#include "plan/lsc-executor.h"
#include "profile/lsc-profile-report.h"

G_BEGIN_DECLS

/* fraction 0..1 of the session; `what`: "warm-up 3/5", "run 17/100". */
typedef void (*LscProfileProgress) (double      fraction,
                                    const char *what,
                                    gpointer    user_data);

typedef struct
{
  guint               runs;              /* timed runs (default 100) */
  guint               warmup;            /* warm-up runs (default 5) */
  gboolean            cold;              /* evict the caches before every run */
  gboolean            measure_overhead;  /* interleave as many unprofiled runs (default TRUE) */
  LscCounterBackend  *counters;          /* NULL: counters off */
  gboolean            monitor;           /* sample /proc/stat meanwhile (default TRUE) */
  const LscLoadSpec  *load;              /* background load during the runs, or NULL */
  JsonNode           *probe;             /* the machine probe's JSON for the roofs, or NULL */
  const char         *version;           /* recorded in the report */
  LscProfileProgress  progress;
  gpointer            progress_data;
} LscProfileOptions;

void              lsc_profile_options_init (LscProfileOptions *options);

/* inputs: the plan's input shapes, any batch the plan allows. Errors:
 * those of lsc_executor_run, LSC_ENGINE_ERROR_BAD_CONFIG for absurd run
 * counts, LSC_ENGINE_ERROR_CANCELLED. */
LscProfileReport *lsc_profile_executor     (LscExecutor              *executor,
                                            const LscTensor *const   *inputs,
                                            guint                     n_inputs,
                                            const LscProfileOptions  *options,
                                            GCancellable             *cancellable,
                                            GError                  **error);

G_END_DECLS
