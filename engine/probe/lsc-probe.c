#include "probe/lsc-probe-private.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "core/lsc-error.h"
#include "threads/lsc-pin.h"

#define DEFAULT_SECONDS 8.0
#define MAX_SECONDS 600.0
/* Thread counts measured one by one up to here, sampled beyond. */
#define ALL_COUNTS_UP_TO 16

#define KIB G_GUINT64_CONSTANT (1024)
#define MIB (KIB * KIB)
#define GIB (KIB * MIB)

static const char *const mem_level_names[LSC_N_MEM_LEVELS] = { "L1", "L2", "L3", "DRAM" };

/* lsc_probe_array_bytes indexes the machine's caches by memory level. */
G_STATIC_ASSERT ((int) LSC_MEM_L1 == (int) LSC_CACHE_L1D && (int) LSC_MEM_L2 == (int) LSC_CACHE_L2 &&
                 (int) LSC_MEM_L3 == (int) LSC_CACHE_L3);

const char *
lsc_mem_level_to_string (LscMemLevel level)
{
  g_return_val_if_fail (level < LSC_N_MEM_LEVELS, "unknown");
  return mem_level_names[level];
}

gboolean
lsc_mem_level_from_string (const char  *name,
                           LscMemLevel *out)
{
  for (guint level = 0; level < LSC_N_MEM_LEVELS; level++)
    if (g_strcmp0 (name, mem_level_names[level]) == 0)
      {
        *out = level;
        return TRUE;
      }
  return FALSE;
}

guint64
lsc_probe_array_bytes (const LscMachine *machine,
                       LscMemLevel       level,
                       guint             n_threads)
{
  guint64 bytes;

  g_return_val_if_fail (machine != NULL, 0);
  g_return_val_if_fail (level < LSC_N_MEM_LEVELS, 0);

  n_threads = MAX (n_threads, 1);
  if (level != LSC_MEM_DRAM)
    {
      /* LscMemLevel and LscCacheLevel share their first three values. */
      const guint64 size = machine->cache_bytes[level];
      /* Compact pinning fills one cache instance's cores before the next:
       * the most crowded instance holds min (n, sharing) threads. */
      const guint crowd = MIN (n_threads, MAX (machine->cache_cores[level], 1));

      if (size == 0)
        return 0;
      bytes = size / 2 / crowd;
    }
  else
    {
      LscCacheLevel last = LSC_CACHE_L3;
      guint64 total;

      while (last > LSC_CACHE_L1D && machine->cache_bytes[last] == 0)
        last--;
      total = 4 * machine->cache_bytes[last] * lsc_machine_count_caches (machine, last);
      total = MAX (total, 64 * MIB);
      total = MIN (total, GIB);
      if (machine->memory_bytes > 0)
        total = MIN (total, machine->memory_bytes / 4);
      bytes = total / n_threads;
    }
  return bytes / KIB * KIB;
}

guint
lsc_probe_plan_thread_counts (guint  max_threads,
                              guint *counts)
{
  guint n = 0;

  g_return_val_if_fail (max_threads >= 1, 0);

  if (max_threads <= ALL_COUNTS_UP_TO)
    {
      for (guint t = 1; t <= max_threads; t++)
        counts[n++] = t;
      return n;
    }
  for (guint t = 1; t < max_threads && n < LSC_PROBE_MAX_COUNTS - 1; t *= 2)
    counts[n++] = t;
  counts[n++] = max_threads;
  return n;
}

LscProbe *
_lsc_probe_new (LscMachine  *machine,
                const guint *thread_counts,
                guint        n_counts)
{
  LscProbe *probe = g_new0 (LscProbe, 1);

  g_return_val_if_fail (n_counts >= 1 && n_counts <= LSC_PROBE_MAX_COUNTS, NULL);

  g_atomic_ref_count_init (&probe->ref_count);
  probe->machine = machine;
  probe->n_counts = n_counts;
  memcpy (probe->thread_counts, thread_counts, n_counts * sizeof (guint));
  for (guint c = 0; c < LSC_PROBE_MAX_COUNTS; c++)
    {
      for (guint isa = 0; isa < LSC_ISA_COUNT; isa++)
        probe->peak_gflops[isa][c] = NAN;
      for (guint level = 0; level < LSC_N_MEM_LEVELS; level++)
        probe->bandwidth_gbs[level][c] = NAN;
    }
  probe->bandwidth_isa = LSC_ISA_SCALAR;
  probe->frequency_ghz = NAN;
  probe->seconds = NAN;
  return probe;
}

LscProbe *
lsc_probe_ref (LscProbe *probe)
{
  g_return_val_if_fail (probe != NULL, NULL);
  g_atomic_ref_count_inc (&probe->ref_count);
  return probe;
}

void
lsc_probe_unref (LscProbe *probe)
{
  if (probe == NULL || !g_atomic_ref_count_dec (&probe->ref_count))
    return;
  lsc_machine_free (probe->machine);
  g_clear_pointer (&probe->measured_at, g_date_time_unref);
  g_free (probe->cache_path);
  g_free (probe);
}

const LscMachine *
lsc_probe_get_machine (LscProbe *probe)
{
  return probe->machine;
}

guint
lsc_probe_get_max_threads (LscProbe *probe)
{
  return probe->thread_counts[probe->n_counts - 1];
}

const guint *
lsc_probe_get_thread_counts (LscProbe *probe,
                             guint    *n_out)
{
  if (n_out != NULL)
    *n_out = probe->n_counts;
  return probe->thread_counts;
}

/* values[c] for thread_counts[c]; linear between measured counts. */
static double
at_threads (LscProbe     *probe,
            const double *values,
            guint         n_threads)
{
  for (guint c = 0; c < probe->n_counts; c++)
    {
      const guint t = probe->thread_counts[c];

      if (t == n_threads)
        return values[c];
      if (t > n_threads)
        {
          const guint t0 = c > 0 ? probe->thread_counts[c - 1] : 0;

          if (c == 0)
            return NAN;
          return values[c - 1] + (values[c] - values[c - 1]) * (n_threads - t0) / (double) (t - t0);
        }
    }
  return NAN;
}

double
lsc_probe_get_peak_gflops (LscProbe *probe,
                           LscIsa    isa,
                           guint     n_threads)
{
  g_return_val_if_fail (isa < LSC_ISA_COUNT, NAN);
  return at_threads (probe, probe->peak_gflops[isa], n_threads);
}

double
lsc_probe_get_bandwidth_gbs (LscProbe    *probe,
                             LscMemLevel  level,
                             guint        n_threads)
{
  g_return_val_if_fail (level < LSC_N_MEM_LEVELS, NAN);
  return at_threads (probe, probe->bandwidth_gbs[level], n_threads);
}

guint64
lsc_probe_get_array_bytes (LscProbe    *probe,
                           LscMemLevel  level,
                           guint        n_threads)
{
  g_return_val_if_fail (level < LSC_N_MEM_LEVELS, 0);
  for (guint c = 0; c < probe->n_counts; c++)
    if (probe->thread_counts[c] == n_threads)
      return probe->array_bytes[level][c];
  return 0;
}

LscIsa
lsc_probe_get_bandwidth_isa (LscProbe *probe)
{
  return probe->bandwidth_isa;
}

double
lsc_probe_get_frequency_ghz (LscProbe *probe)
{
  return probe->frequency_ghz;
}

double
lsc_probe_get_seconds (LscProbe *probe)
{
  return probe->seconds;
}

guint
lsc_probe_get_disturbed_trials (LscProbe *probe,
                                guint    *n_trials)
{
  if (n_trials != NULL)
    *n_trials = probe->trials;
  return probe->disturbed_trials;
}

GDateTime *
lsc_probe_get_measured_at (LscProbe *probe)
{
  return probe->measured_at;
}

gboolean
lsc_probe_is_from_cache (LscProbe *probe)
{
  return probe->from_cache;
}

const char *
lsc_probe_get_cache_path (LscProbe *probe)
{
  return probe->cache_path;
}

void
lsc_probe_options_init (LscProbeOptions *options)
{
  options->topology = NULL;
  options->max_threads = 0;
  options->seconds = DEFAULT_SECONDS;
  options->use_cache = TRUE;
  options->save_cache = TRUE;
}

static hwloc_topology_t
load_this_system (GError **error)
{
  hwloc_topology_t topology;

  if (hwloc_topology_init (&topology) < 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                   "could not initialise the hwloc topology: %s", g_strerror (errno));
      return NULL;
    }
  if (hwloc_topology_load (topology) < 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                   "could not read this machine's topology with hwloc: %s", g_strerror (errno));
      hwloc_topology_destroy (topology);
      return NULL;
    }
  return topology;
}

/* The probe's thread limit: the topology's cores, and for a synthetic
 * topology also this machine's (the threads really run here). */
static guint
thread_limit (hwloc_topology_t   topology,
              GError           **error)
{
  guint limit = lsc_topology_count_cores (topology);

  if (!hwloc_topology_is_thissystem (topology))
    {
      hwloc_topology_t here = load_this_system (error);

      if (here == NULL)
        return 0;
      limit = MIN (limit, lsc_topology_count_cores (here));
      hwloc_topology_destroy (here);
    }
  if (limit == 0)
    g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                 "the hwloc topology lists no cores");
  return limit;
}

LscProbe *
lsc_probe_run (const LscProbeOptions  *options,
               LscProbeProgress        progress,
               gpointer                user_data,
               GCancellable           *cancellable,
               GError                **error)
{
  hwloc_topology_t topology = options->topology, owned = NULL;
  g_autoptr(GError) cache_error = NULL;
  LscProbe *probe = NULL;
  gboolean this_system, use_cache, save_cache;
  guint limit, max_threads;

  if (!(options->seconds > 0.0 && options->seconds <= MAX_SECONDS))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "the probe's time budget must be more than 0 and at most %.0f seconds, not %g",
                   MAX_SECONDS, options->seconds);
      return NULL;
    }
  if (topology == NULL && (topology = owned = load_this_system (error)) == NULL)
    return NULL;
  if ((limit = thread_limit (topology, error)) == 0)
    goto out;
  max_threads = options->max_threads != 0 ? options->max_threads : limit;
  if (max_threads > limit)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "the probe can run at most %u threads here (one per core), not %u",
                   limit, max_threads);
      goto out;
    }

  /* The cache describes this machine only. */
  this_system = hwloc_topology_is_thissystem (topology);
  use_cache = options->use_cache && this_system;
  save_cache = options->save_cache && this_system;
  if (use_cache)
    {
      probe = lsc_probe_load_cached (&cache_error);
      if (probe != NULL && lsc_probe_get_max_threads (probe) >= max_threads)
        goto out;
      if (cache_error != NULL)
        g_debug ("measuring again: %s", cache_error->message);
      g_clear_error (&cache_error);
      g_clear_pointer (&probe, lsc_probe_unref);
    }

  probe = _lsc_probe_measure (topology, max_threads, options->seconds,
                              progress, user_data, cancellable, error);
  if (probe != NULL && save_cache)
    {
      probe->cache_path = _lsc_probe_save_cache (probe, &cache_error);
      if (probe->cache_path == NULL)
        g_debug ("the probe was not cached: %s", cache_error->message);
    }

out:
  if (owned != NULL)
    hwloc_topology_destroy (owned);
  return probe;
}
