#pragma once

/* A profile: what one `layerscope profile` session measured, and the
 * statistics derived from it. Built once (by the profiler, or read back
 * from a session file), then sealed: a sealed report never changes, is
 * reference counted, and may be read from any thread (the GUI gets it from
 * the profiling thread).
 *
 * The measured data are the slices — who was busy with which layer when —
 * plus per-run wall times, counter sums and the CPU monitor's samples.
 * Everything else (per-layer statistics, efficiency, roofline points) is
 * computed from them by lsc_profile_report_seal, so a report read from a
 * session file is the same as the one that wrote it. All times are
 * nanoseconds from the start of the session (the first run's start). */

#include <glib.h>
#include <json-glib/json-glib.h>

#include "counters/lsc-counters.h"
#include "profile/lsc-stats.h"

G_BEGIN_DECLS

/* Bumped whenever a field's meaning changes; exports carry it. */
#define LSC_PROFILE_SCHEMA_VERSION 1

typedef enum
{
  LSC_RUN_FIRST,    /* the first run of a fresh executor: cold caches, page faults */
  LSC_RUN_WARMUP,   /* discarded from the statistics, shown separately */
  LSC_RUN_TIMED,
} LscRunKind;

const char *lsc_run_kind_to_string   (LscRunKind kind);   /* "first", "warmup", "timed" */
gboolean    lsc_run_kind_from_string (const char *name,
                                      LscRunKind *out);

typedef enum
{
  /* A worker working on a layer: its share of the tiles (intra-op), or
   * the whole layer for its replica. */
  LSC_SLICE_BUSY,
  /* A layer from the thread that drives it: start to the last worker's end
   * (intra-op: worker 0; replicas: each replica's worker). */
  LSC_SLICE_SPAN,
} LscSliceKind;

typedef struct
{
  guint32      run;
  guint32      layer;
  guint16      worker;      /* for SPAN: the replica (0 for intra-op) */
  gint16       cpu;         /* the CPU the worker was on, -1 unknown */
  guint8       kind;        /* LscSliceKind */
  double       t0_ns;
  double       t1_ns;
} LscProfileSlice;

typedef struct
{
  LscRunKind   kind;
  double       start_ns;
  double       wall_ns;     /* lsc_executor_run, end to end */
  /* Filled by seal: */
  double       layers_ns;   /* Σ per-layer times */
  gboolean     interfered;  /* other processes loaded the cores meanwhile */
} LscProfileRun;

/* One layer as the profiler shows it: a fused operation of the plan, named
 * after its first Keras layer. */
typedef struct
{
  char        *name;
  char        *layers;      /* every Keras layer in it: "conv1 + conv1_bn + conv1_relu" */
  char        *op;          /* the operation family: "conv", "dwconv", "pool", … */
  char        *kernel;      /* the kernel variant that ran */
  double       flops;       /* for one run (the whole batch) */
  double       weight_bytes;
  double       input_bytes;
  double       output_bytes;

  /* Filled by seal: */
  double       working_set_bytes;   /* weights + inputs + output */
  int          fits;                /* smallest cache level holding the working set
                                     * (0 L1, 1 L2, 2 L3, 3 none: DRAM); -1 sizes unknown */
  double       first_ns;            /* the first run (NAN when there was none) */
  LscStats     warmup;              /* warm-up runs */
  LscStats     time;                /* timed runs */
  double       intensity;           /* FLOPs per byte */
  double       gflops;              /* at the median time */
  double       gbs;
  double       share;               /* of the sum of median layer times */
  double       efficiency;          /* Σ busy / (workers × span), mean over timed runs */
  double       imbalance;           /* slowest worker's busy time / the mean worker's */
  double       counters[LSC_N_COUNTERS];   /* summed over timed runs and workers; NAN not counted */
  /* Roofline (with a probe): the attainable GFLOP/s at this intensity,
   * min (peak, bandwidth of the level the working set fits × intensity),
   * and which roof bounds it; NAN / -1 without a probe. */
  double       roof_gflops;
  int          compute_bound;       /* 1 compute, 0 memory, -1 unknown */
} LscProfileLayer;

typedef struct
{
  int          cpu;                 /* the CPU it was pinned to, -1 unpinned */
  /* Filled by seal, over the timed runs: */
  double       busy_ns;
  double       idle_ns;             /* the rest of the runs' wall time */
  double       spin_ns;             /* of idle_ns: gaps up to the pool's 50 µs spin */
} LscProfileWorker;

/* One sample of the CPU monitor: n_cpus values each. */
typedef struct
{
  double       t_ns;
  float       *util;                /* busy fraction, all processes */
  float       *other;               /* of util, not this profile's threads (beyond the
                                     * one-clock-tick resolution of /proc) */
  float       *freq_mhz;            /* NAN where sysfs has none */
} LscProfileCpuSample;

typedef struct _LscProfileReport LscProfileReport;

struct _LscProfileReport
{
  gatomicrefcount ref_count;
  gboolean      sealed;

  /* What was run */
  char         *model_path;
  char         *model_name;
  gint64        model_params;
  gint64        model_macs;         /* per sample */
  guint         batch;
  guint         n_threads;
  char         *strategy;           /* "intra", "replicas" */
  char         *pin;                /* "compact", "scatter", "none" */
  char         *isa;
  gboolean      fused;
  gboolean      cold;               /* caches evicted before every run */
  guint         n_replicas;
  char         *background_load;    /* the load generator's spec ("cpu:1"), or NULL */
  char         *created;            /* ISO 8601 */
  char         *host;
  char         *layerscope_version;

  /* Clock */
  char         *clock_source;       /* "tsc", "monotonic" */
  char         *clock_why;
  double        clock_resolution_ns;

  /* Machine: cache sizes for `fits` (0 unknown), and the probe's JSON
   * (roofs) when one was available */
  guint64       cache_bytes[3];
  JsonNode     *machine;            /* lsc_machine_to_json, or NULL */
  JsonNode     *probe;              /* lsc_probe_to_json, or NULL */

  /* Data */
  LscProfileLayer  *layers;
  guint             n_layers;
  LscProfileWorker *workers;
  guint             n_workers;
  GArray           *runs;           /* LscProfileRun */
  GArray           *slices;         /* LscProfileSlice */
  guint64           dropped_slices; /* lost to full buffers (they grow after the run) */
  GArray           *off_wall_ns;    /* double: unprofiled runs, for the overhead */

  /* Counters: backend, why not, and sums over the timed runs per worker and
   * layer: counts[(worker × n_layers + layer) × LSC_N_COUNTERS + c] */
  char         *counter_backend;
  char         *counter_reason;     /* NULL when every counter was counted */
  guint32       counter_mask;
  gboolean      counter_multiplexed;
  double       *counts;

  /* CPU monitor */
  guint         n_cpus;
  GArray       *cpu_samples;        /* LscProfileCpuSample */
  double        monitor_hz;
  char         *monitor_reason;     /* why there are no samples, or NULL */

  /* Filled by seal */
  LscStats      wall;               /* timed runs */
  LscStats      off_wall;           /* unprofiled runs */
  double        overhead;           /* p50 profiled / p50 unprofiled − 1; NAN unmeasured */
  guint         n_interfered;       /* timed runs flagged */
  double        max_other_load;     /* worst CPU's other-process load during the timed runs */
  int           max_other_cpu;
  /* The roofs for this ISA and thread count, from the probe (NAN without):
   * peak GFLOP/s, and load GB/s from L1, L2, L3 and DRAM. */
  double        roof_peak_gflops;
  double        roof_gbs[4];
};

/* An empty report to fill (the writer's; not yet readable elsewhere). */
LscProfileReport *lsc_profile_report_new          (guint              n_layers,
                                                   guint              n_workers);
LscProfileReport *lsc_profile_report_ref          (LscProfileReport  *report);
void              lsc_profile_report_unref        (LscProfileReport  *report);

/* Appends a run and returns its index. */
guint             lsc_profile_report_add_run      (LscProfileReport  *report,
                                                   LscRunKind         kind,
                                                   double             start_ns,
                                                   double             wall_ns);
void              lsc_profile_report_add_slice    (LscProfileReport  *report,
                                                   const LscProfileSlice *slice);
/* Takes n_cpus values from each array. */
void              lsc_profile_report_add_cpu_sample (LscProfileReport *report,
                                                   double             t_ns,
                                                   const float       *util,
                                                   const float       *other,
                                                   const float       *freq_mhz);

/* Computes everything marked "filled by seal" and freezes the report.
 * Runs must be in time order and slices sorted by run (the profiler
 * appends them so). */
void              lsc_profile_report_seal         (LscProfileReport  *report);

/* Counter sum of one worker and layer (NAN where not counted). */
double            lsc_profile_report_get_count    (LscProfileReport  *report,
                                                   guint              worker,
                                                   guint              layer,
                                                   LscCounter         counter);
/* How many runs of a kind. */
guint             lsc_profile_report_count_runs   (LscProfileReport  *report,
                                                   LscRunKind         kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscProfileReport, lsc_profile_report_unref)

G_END_DECLS
