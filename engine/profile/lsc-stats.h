#pragma once

/* Order statistics of a set of timings. Percentiles are nearest-rank (the
 * smallest sample with at least p % of the samples at or below it), so
 * every value shown is one that was measured. A percentile needs enough
 * samples to mean something: p90 needs 64 and p99 662 (see lsc-stats.c);
 * with fewer the value is still computed but marked as unreliable. */

#include <glib.h>

G_BEGIN_DECLS

#define LSC_STATS_P90_MIN_SAMPLES 64
#define LSC_STATS_P99_MIN_SAMPLES 662

typedef struct
{
  guint    n;
  double   min, p50, p90, p99, max;
  double   mean, sd;            /* sd: sample standard deviation (n − 1) */
  gboolean p90_ok;              /* n ≥ LSC_STATS_P90_MIN_SAMPLES */
  gboolean p99_ok;              /* n ≥ LSC_STATS_P99_MIN_SAMPLES */
} LscStats;

/* Statistics of values[0 .. n); sorts values in place. n = 0 gives n = 0
 * and NAN everywhere. */
void   lsc_stats_compute        (LscStats *stats,
                                 double   *values,
                                 guint     n);
/* The nearest-rank percentile (0 < p ≤ 100) of sorted values. */
double lsc_stats_percentile     (const double *sorted,
                                 guint         n,
                                 double        p);

G_END_DECLS
