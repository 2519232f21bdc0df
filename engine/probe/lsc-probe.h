#pragma once

/* The machine probe: the ceilings of the Cache-Aware Roofline Model,
 * measured. Peak FLOP/s for each instruction set this machine has (enough
 * independent multiply-add chains to fill its FP pipes) and sustained load
 * bandwidth from L1, L2, L3 and DRAM (read-only SIMD streams over arrays
 * sized from hwloc's cache sizes), each for 1 … N threads pinned one per
 * core, each the median of repeated timed trials, and the core clock they
 * ran at. The whole probe keeps to a time budget (default 8 s), and its
 * result is cached per CPU model in the user's cache directory. */

#include <gio/gio.h>
#include <hwloc.h>
#include <json-glib/json-glib.h>

#include "kernels/lsc-isa.h"
#include "probe/lsc-machine.h"

G_BEGIN_DECLS

typedef enum
{
  LSC_MEM_L1,
  LSC_MEM_L2,
  LSC_MEM_L3,
  LSC_MEM_DRAM,
  LSC_N_MEM_LEVELS
} LscMemLevel;

/* "L1", "L2", "L3", "DRAM". */
const char *lsc_mem_level_to_string   (LscMemLevel   level);
gboolean    lsc_mem_level_from_string (const char   *name,
                                       LscMemLevel  *out);

/* The array each of n_threads threads (pinned compactly, one per core)
 * streams for a level: half of the cache's share per thread (the cache
 * split among the threads that share one instance), so it stays in that
 * level and well out of the one below; DRAM: four times all the last-level
 * cache (at least 64 MiB, at most 1 GiB and a quarter of memory) split
 * among the threads. A multiple of 1 KiB; 0 when the level is absent
 * (nothing is measured there). */
guint64     lsc_probe_array_bytes     (const LscMachine *machine,
                                       LscMemLevel       level,
                                       guint             n_threads);

/* The thread counts a probe of max_threads measures: every count up to 16,
 * beyond that the powers of two and max_threads itself (the getters
 * interpolate between them). Returns how many (at most 32) in counts. */
guint       lsc_probe_plan_thread_counts (guint          max_threads,
                                          guint         *counts);

/* Immutable once made and reference-counted: readable from any thread. */
typedef struct _LscProbe LscProbe;

LscProbe   *lsc_probe_ref             (LscProbe     *probe);
void        lsc_probe_unref           (LscProbe     *probe);

typedef struct
{
  hwloc_topology_t topology;   /* NULL: this machine's. A synthetic one sizes
                                  the arrays; the threads run here, unbound */
  guint            max_threads;/* 0: every core (and never more than this machine has) */
  double           seconds;    /* budget for the whole probe; default 8 */
  gboolean         use_cache;  /* return the per-CPU-model cache file's probe
                                  when there is one */
  gboolean         save_cache; /* write what is measured to that file. Both
                                  only for this machine's topology */
} LscProbeOptions;

/* This machine, every core, 8 s, the cache read and written. */
void        lsc_probe_options_init    (LscProbeOptions *options);

/* fraction in [0, 1]; what: the measurement now starting, e.g. "peak avx2,
 * 2 threads". Called on the calling thread. */
typedef void (*LscProbeProgress) (double      fraction,
                                  const char *what,
                                  gpointer    user_data);

/* Measures (or, with use_cache, returns the cached probe when there is one
 * for this CPU model with at least max_threads threads; a cache file that
 * cannot be read is measured over, and with save_cache replaced). Errors: LSC_ENGINE_ERROR_BAD_CONFIG
 * for max_threads beyond the cores of the topology or of this machine, or
 * a budget outside (0, 600] s; LSC_ENGINE_ERROR_CANCELLED. A failure to
 * write the cache is no error (lsc_probe_get_cache_path is then NULL). */
LscProbe   *lsc_probe_run             (const LscProbeOptions *options,
                                       LscProbeProgress       progress,
                                       gpointer               user_data,
                                       GCancellable          *cancellable,
                                       GError               **error);

/* The cached probe for this machine, or NULL with no error when there is
 * none. A file that cannot be read, parsed, or is of another schema or
 * machine: NULL and an error. */
LscProbe   *lsc_probe_load_cached     (GError      **error);
/* $XDG_CACHE_HOME/layerscope/probe-<cpu model>-<n>pu.json. */
char       *lsc_probe_cache_path_for_machine (const LscMachine *machine);

const LscMachine *lsc_probe_get_machine     (LscProbe *probe);
guint       lsc_probe_get_max_threads (LscProbe     *probe);
/* The measured counts, ascending; n_out receives how many. */
const guint *lsc_probe_get_thread_counts (LscProbe  *probe,
                                          guint     *n_out);
/* GFLOP/s of all n_threads together; NAN for an ISA not measured (not on
 * this machine) or n_threads 0 or beyond the maximum. Linear between
 * measured counts. */
double      lsc_probe_get_peak_gflops    (LscProbe     *probe,
                                          LscIsa        isa,
                                          guint         n_threads);
/* GB/s (10^9 bytes) loaded by all n_threads together; NAN as above, and
 * for a level the machine lacks. */
double      lsc_probe_get_bandwidth_gbs  (LscProbe     *probe,
                                          LscMemLevel   level,
                                          guint         n_threads);
/* Per-thread array streamed for the level at a measured count (0: none). */
guint64     lsc_probe_get_array_bytes    (LscProbe     *probe,
                                          LscMemLevel   level,
                                          guint         n_threads);
/* The ISA whose loads measured the bandwidth (the best one). */
LscIsa      lsc_probe_get_bandwidth_isa  (LscProbe     *probe);
/* The core clock right after the peak loops: a dependent chain of integer
 * adds (one cycle each) timed against CLOCK_MONOTONIC. */
double      lsc_probe_get_frequency_ghz  (LscProbe     *probe);
/* Wall-clock seconds the measuring took. */
double      lsc_probe_get_seconds        (LscProbe     *probe);
/* Timed trials in all, and how many of them other processes disturbed (a
 * worker lost its core for more than a tenth of the trial): a busy machine
 * makes shared-level bandwidths less certain. */
guint       lsc_probe_get_disturbed_trials (LscProbe   *probe,
                                            guint      *n_trials);
/* When it was measured (UTC). */
GDateTime  *lsc_probe_get_measured_at    (LscProbe     *probe);
gboolean    lsc_probe_is_from_cache      (LscProbe     *probe);
/* The cache file it was read from or written to; NULL when none. */
const char *lsc_probe_get_cache_path     (LscProbe     *probe);

/* {"schema": 1, "measured_at", "seconds", "machine", "frequency_ghz",
 * "trials", "disturbed_trials", "thread_counts", "peak_gflops": {isa: [per count]}, "bandwidth_isa",
 * "bandwidth_gbs": {level: [per count]}, "array_bytes": {level: [...]}};
 * not measured = null. */
JsonNode   *lsc_probe_to_json         (LscProbe     *probe);
/* The reverse. Malformed input, another schema: LSC_ENGINE_ERROR_BAD_INPUT
 * naming what is wrong. */
LscProbe   *lsc_probe_from_json       (JsonNode     *node,
                                       GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscProbe, lsc_probe_unref)

G_END_DECLS
