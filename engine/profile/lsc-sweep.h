#pragma once

/* Experiments: the same model profiled at several settings of one knob —
 * threads (with an Amdahl fit of the serial fraction), batch size
 * (latency and throughput), instruction set, strategy or pinning. Each
 * point is a full profile, so every point has per-layer times. */

#include "plan/lsc-executor.h"
#include "profile/lsc-profiler.h"

G_BEGIN_DECLS

typedef enum
{
  LSC_SWEEP_THREADS,
  LSC_SWEEP_BATCH,
  LSC_SWEEP_ISA,
  LSC_SWEEP_STRATEGY,
  LSC_SWEEP_PIN,
} LscSweepKind;

const char *lsc_sweep_kind_to_string   (LscSweepKind  kind);   /* "threads", "batch", … */
gboolean    lsc_sweep_kind_from_string (const char   *name,
                                        LscSweepKind *out,
                                        GError      **error);

typedef struct
{
  LscSweepKind        kind;
  /* The values to try, as text ("1,2,4", "avx2,avx512"); NULL: the
   * defaults — threads 1 … cores, batch 1, 2, 4 … 64, every supported ISA,
   * both strategies, the three pinning policies. */
  const char         *values;
  /* The settings the swept knob overrides. */
  LscPlanOptions      plan;
  LscExecutorOptions  executor;
  guint               batch;
  LscProfileOptions   profile;    /* runs, warm-up, cold, counters… per point */
} LscSweepOptions;

void lsc_sweep_options_init (LscSweepOptions *options);

typedef struct
{
  char             *label;        /* "2 threads", "batch 8", "avx2", … */
  guint             threads;
  guint             batch;
  LscIsa            isa;
  LscStrategy       strategy;
  LscPinPolicy      pin;
  LscProfileReport *report;
  double            latency_ns;   /* median wall time of a run */
  double            throughput;   /* samples per second at that median */
} LscSweepPoint;

typedef struct
{
  LscSweepKind   kind;
  LscSweepPoint *points;
  guint          n_points;
  /* Threads sweeps: T(n) = T(1) · (s + (1 − s) / n) fitted by least
   * squares to the medians; NAN for other sweeps or a single point. */
  double         serial_fraction;
  double        *layer_serial_fraction;   /* per layer of the first point's plan, or NULL */
  guint          n_layers;
} LscSweep;

/* Profiles `model` at every point. inputs: one tensor per model input with
 * at least one sample; each point's batch is filled with its samples,
 * repeated. Points whose setting this machine cannot run (an ISA it lacks,
 * more threads than cores) are an error naming the value. progress gets
 * the whole sweep's fraction. */
LscSweep *lsc_sweep_run  (LscModel                *model,
                          const LscTensor *const  *inputs,
                          guint                    n_inputs,
                          const LscSweepOptions   *options,
                          GCancellable            *cancellable,
                          GError                 **error);
void      lsc_sweep_free (LscSweep *sweep);

/* The least-squares Amdahl serial fraction, clamped to [0, 1], of times
 * t[i] at thread counts n[i] (one of them 1); NAN without a 1-thread point
 * or another point. */
double    lsc_amdahl_fit (const guint  *n,
                          const double *t,
                          guint         count);

JsonNode *lsc_sweep_to_json (LscSweep *sweep);
/* A row per (point, layer): point, label, layer, name, p50_us, … */
char     *lsc_sweep_to_csv  (LscSweep *sweep);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscSweep, lsc_sweep_free)

G_END_DECLS
