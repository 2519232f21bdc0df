#include "profile/lsc-stats.h"

#include <math.h>
#include <stdlib.h>

/* Why 64 and 662: a percentile estimated from n samples can only be
 * trusted when some samples lie beyond it. The chance that all n samples
 * fall below the true p-th percentile is (p/100)^n; 64 and 662 are the
 * smallest n that bring it under 0.13 % (about a one-sided 3σ) for p90
 * (0.9^64 = 0.0012) and p99 (0.99^662 = 0.0013). test-profile-stats checks
 * the constants against that rule. */

static int
compare_doubles (const void *a,
                 const void *b)
{
  const double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
lsc_stats_percentile (const double *sorted,
                      guint         n,
                      double        p)
{
  double rank;

  if (n == 0)
    return NAN;
  /* ceil (p/100 · n), computed so that 0.9 · 10 is 9, not 9.000000000000002. */
  rank = ceil (p * (double) n / 100.0 - 1e-9);
  rank = CLAMP (rank, 1.0, (double) n);
  return sorted[(guint) rank - 1];
}

void
lsc_stats_compute (LscStats *stats,
                   double   *values,
                   guint     n)
{
  double sum = 0.0, sq = 0.0;

  stats->n = n;
  stats->p90_ok = n >= LSC_STATS_P90_MIN_SAMPLES;
  stats->p99_ok = n >= LSC_STATS_P99_MIN_SAMPLES;
  if (n == 0)
    {
      stats->min = stats->p50 = stats->p90 = stats->p99 = stats->max = NAN;
      stats->mean = stats->sd = NAN;
      return;
    }
  qsort (values, n, sizeof (double), compare_doubles);
  stats->min = values[0];
  stats->max = values[n - 1];
  stats->p50 = lsc_stats_percentile (values, n, 50.0);
  stats->p90 = lsc_stats_percentile (values, n, 90.0);
  stats->p99 = lsc_stats_percentile (values, n, 99.0);
  for (guint i = 0; i < n; i++)
    sum += values[i];
  stats->mean = sum / n;
  for (guint i = 0; i < n; i++)
    sq += (values[i] - stats->mean) * (values[i] - stats->mean);
  stats->sd = n > 1 ? sqrt (sq / (n - 1)) : 0.0;
}
