/* For sched_getcpu. */
#define _GNU_SOURCE

#include "profile/lsc-profile-recorder.h"

#include <sched.h>
#include <string.h>

/* One worker's buffers, on cache lines of their own: workers never write
 * each other's. */
typedef struct
{
  _Alignas (64) LscRawSlice *slices;
  guint              n_slices;
  guint              capacity;
  guint              overflow;      /* slices that did not fit this run */
  guint64            dropped;       /* over all runs */
  guint              open;          /* the busy slice begun and not ended, or G_MAXUINT */
  guint              jobs;          /* parallel jobs seen in the current op (worker 0) */
  LscCounterThread  *counters;
  guint64            at_begin[LSC_N_COUNTERS];
  guint64           *counts;        /* n_ops × LSC_N_COUNTERS */
} WorkerBuffer;

struct _LscProfileRecorder
{
  const LscClock *clock;
  guint           n_workers;
  guint           n_replicas;
  guint           n_ops;
  WorkerBuffer   *workers;
  /* The op worker 0 is driving (intra-op): written before the op's jobs,
   * which publish it to the other workers. */
  guint           current_op;
  guint          *span_index;       /* per replica: its current SPAN slice */
};

/* Enough for a few parallel jobs per op; recurrent layers (a job per
 * time step) may overflow it in the first run, which then grows it. */
static guint
initial_capacity (guint n_ops)
{
  return 8 * n_ops + 1024;
}

LscProfileRecorder *
lsc_profile_recorder_new (const LscClock *clock,
                          guint           n_workers,
                          guint           n_replicas,
                          guint           n_ops)
{
  LscProfileRecorder *rec = g_new0 (LscProfileRecorder, 1);

  g_return_val_if_fail (n_workers >= 1 && n_replicas >= 1 && n_replicas <= n_workers, NULL);
  rec->clock = clock;
  rec->n_workers = n_workers;
  rec->n_replicas = n_replicas;
  rec->n_ops = n_ops;
  rec->workers = g_aligned_alloc0 (n_workers, sizeof (WorkerBuffer), 64);
  rec->span_index = g_new0 (guint, n_replicas);
  for (guint w = 0; w < n_workers; w++)
    {
      WorkerBuffer *b = &rec->workers[w];

      b->capacity = initial_capacity (n_ops);
      b->slices = g_new (LscRawSlice, b->capacity);
      b->counts = g_new0 (guint64, (gsize) MAX (n_ops, 1) * LSC_N_COUNTERS);
      b->open = G_MAXUINT;
    }
  return rec;
}

void
lsc_profile_recorder_free (LscProfileRecorder *rec)
{
  if (rec == NULL)
    return;
  for (guint w = 0; w < rec->n_workers; w++)
    {
      g_free (rec->workers[w].slices);
      g_free (rec->workers[w].counts);
    }
  g_aligned_free (rec->workers);
  g_free (rec->span_index);
  g_free (rec);
}

void
lsc_profile_recorder_set_counters (LscProfileRecorder *rec,
                                   guint               worker,
                                   LscCounterThread   *counters)
{
  g_return_if_fail (worker < rec->n_workers);
  rec->workers[worker].counters = counters;
}

void
lsc_profile_recorder_reset_counts (LscProfileRecorder *rec)
{
  for (guint w = 0; w < rec->n_workers; w++)
    memset (rec->workers[w].counts, 0, (gsize) MAX (rec->n_ops, 1) * LSC_N_COUNTERS * sizeof (guint64));
}

guint64
lsc_profile_recorder_get_count (LscProfileRecorder *rec,
                                guint               worker,
                                guint               op,
                                LscCounter          counter)
{
  g_return_val_if_fail (worker < rec->n_workers && op < rec->n_ops, 0);
  return rec->workers[worker].counts[(gsize) op * LSC_N_COUNTERS + counter];
}

void
lsc_profile_recorder_run_begin (LscProfileRecorder *rec)
{
  for (guint w = 0; w < rec->n_workers; w++)
    {
      WorkerBuffer *b = &rec->workers[w];

      if (b->overflow > 0)
        {
          b->capacity = 2 * (b->capacity + b->overflow);
          g_free (b->slices);
          b->slices = g_new (LscRawSlice, b->capacity);
        }
      b->n_slices = 0;
      b->overflow = 0;
      b->open = G_MAXUINT;
    }
}

/* ---- hot path ------------------------------------------------------------ */

static inline guint
slice_begin (WorkerBuffer *b,
             uint64_t      now,
             guint         op,
             LscSliceKind  kind)
{
  LscRawSlice *s;

  if (G_UNLIKELY (b->n_slices >= b->capacity))
    {
      b->overflow++;
      b->dropped++;
      return G_MAXUINT;
    }
  s = &b->slices[b->n_slices];
  s->t0 = now;
  s->t1 = now;
  s->op = op;
  s->cpu = (gint16) sched_getcpu ();
  s->kind = kind;
  return b->n_slices++;
}

static inline void
counters_begin (WorkerBuffer *b)
{
  if (b->counters != NULL)
    lsc_counter_thread_read (b->counters, b->at_begin);
}

static inline void
counters_end (WorkerBuffer *b,
              guint         op)
{
  guint64 now[LSC_N_COUNTERS];

  if (b->counters == NULL)
    return;
  lsc_counter_thread_read (b->counters, now);
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    b->counts[(gsize) op * LSC_N_COUNTERS + c] += now[c] - b->at_begin[c];
}

void
lsc_profile_recorder_op_begin (LscProfileRecorder *rec,
                               guint               replica,
                               guint               op)
{
  WorkerBuffer *b = &rec->workers[replica];

  rec->current_op = op;
  b->jobs = 0;
  counters_begin (b);
  rec->span_index[replica] = slice_begin (b, lsc_clock_read (rec->clock), op, LSC_SLICE_SPAN);
}

void
lsc_profile_recorder_op_end (LscProfileRecorder *rec,
                             guint               replica,
                             guint               op)
{
  WorkerBuffer *b = &rec->workers[replica];
  const uint64_t now = lsc_clock_read (rec->clock);
  const guint span = rec->span_index[replica];

  if (span != G_MAXUINT)
    {
      b->slices[span].t1 = now;
      /* Replicas, and intra-op operations without a parallel job: the
       * driver was busy for the whole span. */
      if (rec->n_replicas > 1 || b->jobs == 0)
        {
          const guint busy = slice_begin (b, b->slices[span].t0, op, LSC_SLICE_BUSY);

          if (busy != G_MAXUINT)
            b->slices[busy].t1 = now;
        }
    }
  counters_end (b, op);
}

void
lsc_profile_recorder_job_hook (gpointer  data,
                               guint     worker,
                               gboolean  begin,
                               gsize     n_tiles)
{
  LscProfileRecorder *rec = data;
  WorkerBuffer *b = &rec->workers[worker];
  const guint op = rec->current_op;

  if (begin)
    {
      b->open = slice_begin (b, lsc_clock_read (rec->clock), op, LSC_SLICE_BUSY);
      /* The driver's counters run over the whole span already. */
      if (worker != 0)
        counters_begin (b);
      return;
    }
  if (worker == 0)
    b->jobs++;
  else
    counters_end (b, op);
  if (b->open == G_MAXUINT)
    return;
  /* A worker that found every tile taken did no work: no slice. */
  if (n_tiles == 0 && b->open == b->n_slices - 1)
    b->n_slices--;
  else
    b->slices[b->open].t1 = lsc_clock_read (rec->clock);
  b->open = G_MAXUINT;
}

guint
lsc_profile_recorder_get_n_slices (LscProfileRecorder *rec,
                                   guint               worker)
{
  g_return_val_if_fail (worker < rec->n_workers, 0);
  return rec->workers[worker].n_slices;
}

const LscRawSlice *
lsc_profile_recorder_get_slices (LscProfileRecorder *rec,
                                 guint               worker)
{
  g_return_val_if_fail (worker < rec->n_workers, NULL);
  return rec->workers[worker].slices;
}

guint64
lsc_profile_recorder_get_dropped (LscProfileRecorder *rec)
{
  guint64 n = 0;

  for (guint w = 0; w < rec->n_workers; w++)
    n += rec->workers[w].dropped;
  return n;
}
