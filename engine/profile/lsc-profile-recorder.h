#pragma once

/* The profiler's hot path: timestamps at operation boundaries and at each
 * worker's share of an operation, into buffers allocated before the runs
 * (one per worker, each written by its worker only: no lock, no
 * allocation). The executor and the thread pool call it only when one is
 * installed (lsc_executor_set_recorder), so profiling off costs one branch
 * per operation.
 *
 * Who records what:
 *   intra-op — worker 0 drives: it stamps each operation's span; every
 *   worker (0 included) stamps its share of each parallel job through the
 *   pool's job hook. An operation that runs no parallel job (a reference
 *   kernel, one tile) is worker 0's busy time for its whole span.
 *   replicas — replica r runs on worker r alone; each operation's span is
 *   also that worker's busy time.
 * Counters (when open) are read where a worker's region starts and ends:
 * the driver at the span (intra-op worker 0 then includes the wait for the
 * others), the other workers at their shares. */

#include <stdint.h>

#include "counters/lsc-counters.h"
#include "profile/lsc-clock.h"
#include "profile/lsc-profile-report.h"

G_BEGIN_DECLS

typedef struct
{
  uint64_t t0, t1;          /* clock ticks */
  guint32  op;
  gint16   cpu;
  guint8   kind;            /* LscSliceKind */
} LscRawSlice;

typedef struct _LscProfileRecorder LscProfileRecorder;

/* For n_workers workers of which n_replicas drive (1 for intra-op), and a
 * plan of n_ops operations. */
LscProfileRecorder *lsc_profile_recorder_new   (const LscClock     *clock,
                                                guint               n_workers,
                                                guint               n_replicas,
                                                guint               n_ops);
void                lsc_profile_recorder_free  (LscProfileRecorder *recorder);

/* Counters of a worker, opened on that worker's thread; NULL: none. The
 * recorder does not own them. */
void     lsc_profile_recorder_set_counters     (LscProfileRecorder *recorder,
                                                guint               worker,
                                                LscCounterThread   *counters);
/* Zeroes the counter sums (before the timed runs). */
void     lsc_profile_recorder_reset_counts     (LscProfileRecorder *recorder);
/* Sum of counter c for (worker, op) since the reset. */
guint64  lsc_profile_recorder_get_count        (LscProfileRecorder *recorder,
                                                guint               worker,
                                                guint               op,
                                                LscCounter          counter);

/* Before each run: empties the slice buffers, growing any that
 * overflowed in the run before (between runs, so never in one). */
void     lsc_profile_recorder_run_begin        (LscProfileRecorder *recorder);

/* Hot path (executor). */
void     lsc_profile_recorder_op_begin         (LscProfileRecorder *recorder,
                                                guint               replica,
                                                guint               op);
void     lsc_profile_recorder_op_end           (LscProfileRecorder *recorder,
                                                guint               replica,
                                                guint               op);
/* Hot path (thread pool): an LscJobHook. */
void     lsc_profile_recorder_job_hook         (gpointer            recorder,
                                                guint               worker,
                                                gboolean            begin,
                                                gsize               n_tiles);

/* After a run: worker w's slices, in time order, and how many did not fit. */
guint              lsc_profile_recorder_get_n_slices (LscProfileRecorder *recorder,
                                                      guint               worker);
const LscRawSlice *lsc_profile_recorder_get_slices   (LscProfileRecorder *recorder,
                                                      guint               worker);
guint64            lsc_profile_recorder_get_dropped  (LscProfileRecorder *recorder);

G_END_DECLS
