#pragma once

#include "probe/lsc-probe.h"

G_BEGIN_DECLS

/* Most thread counts a probe measures (lsc_probe_plan_thread_counts). */
#define LSC_PROBE_MAX_COUNTS 32

struct _LscProbe
{
  gatomicrefcount ref_count;
  LscMachine     *machine;
  guint           n_counts;
  guint           thread_counts[LSC_PROBE_MAX_COUNTS];
  /* [isa][count index], [level][count index]; NAN: not measured. */
  double          peak_gflops[LSC_ISA_COUNT][LSC_PROBE_MAX_COUNTS];
  double          bandwidth_gbs[LSC_N_MEM_LEVELS][LSC_PROBE_MAX_COUNTS];
  guint64         array_bytes[LSC_N_MEM_LEVELS][LSC_PROBE_MAX_COUNTS];
  LscIsa          bandwidth_isa;
  double          frequency_ghz;
  double          seconds;
  guint           trials, disturbed_trials;
  GDateTime      *measured_at;
  gboolean        from_cache;
  char           *cache_path;
};

/* Takes the machine; every value NAN (0 bytes) until filled in. */
LscProbe *_lsc_probe_new     (LscMachine        *machine,
                              const guint       *thread_counts,
                              guint              n_counts);

/* The timed part of lsc_probe_run, on a loaded topology (this machine's
 * or synthetic) for max_threads threads already checked. */
LscProbe *_lsc_probe_measure (hwloc_topology_t   topology,
                              guint              max_threads,
                              double             seconds,
                              LscProbeProgress   progress,
                              gpointer           user_data,
                              GCancellable      *cancellable,
                              GError           **error);

/* Writes the probe to its machine's cache file; the path, or NULL (and
 * the reason in error). */
char     *_lsc_probe_save_cache (LscProbe       *probe,
                                 GError        **error);

G_END_DECLS
