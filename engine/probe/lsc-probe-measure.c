/* The timed part of the probe. Every measurement ("unit": one ISA's peak,
 * one level's bandwidth at one thread count, or the clock) runs the same
 * way: a pool of n threads pinned compactly one per core runs the loop on
 * every worker at once; a calibration grows the work until a trial lasts
 * long enough to time; the median of N_TRIALS trials is kept. Each unit
 * gets an equal share of what is left of the time budget, so one slow unit
 * is paid for by the ones after it and the whole probe keeps to the budget
 * on any machine.
 *
 * Other processes on the machine must not lower the ceilings: a worker
 * that the scheduler takes off its core for a while would show up as a
 * slower machine. So every worker also reads its own CPU time. Where the
 * resource is the core's own (the FP pipes, the clock, a private cache),
 * each worker's rate is its work over its CPU time and the threads' rates
 * add up; so with a single thread. Where several threads share it (an L3 shared by several cores, DRAM), only
 * the wall time of the whole job says what they got together; trials in
 * which a worker lost its core ("disturbed") are then repeated, up to
 * twice N_TRIALS, and left out of the median when enough others are clean. */

#include "probe/lsc-probe-private.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "core/lsc-error.h"
#include "probe/lsc-probe-loops.h"
#include "threads/lsc-thread-pool.h"

#define N_TRIALS 5
/* A worker that ran less than this fraction of its trial was disturbed. */
#define CLEAN_CPU_FRACTION 0.9
/* A trial shorter than this is mostly timer and wake-up noise. */
#define MIN_CALIBRATION_SECONDS 0.5e-3
/* Dependent adds per round of the clock loop. */
#define CLOCK_CHAIN 64

typedef enum
{
  WORK_PEAK,
  WORK_STREAM,
  WORK_CLOCK,
  WORK_FILL,
} WorkKind;

/* One job for every worker of a pool. */
typedef struct
{
  WorkKind             kind;
  const LscProbeLoops *loops;
  guint64              amount;        /* iterations, passes or clock rounds */
  float               *buffer;
  guint64              buffer_bytes;
  guint64              region_bytes;  /* worker w streams from buffer + w * region_bytes */
  guint64              array_bytes;
  guint                n_threads;
  volatile float      *sinks;         /* a result per worker, so no loop is dead code */
  double              *wall_s;        /* per worker: its loop's wall and CPU time */
  double              *cpu_s;
} Work;

/* How a unit turns trials into a rate. */
typedef enum
{
  TIME_CPU,    /* per-core resource: sum of each worker's work / its CPU time */
  TIME_WALL,   /* shared resource: all the work / the job's wall time */
} TimeBase;

typedef struct
{
  hwloc_topology_t  topology;
  LscProbeProgress  progress;
  gpointer          user_data;
  GCancellable     *cancellable;
  gint64            deadline_us;
  guint             units_done, units_total;
  float            *buffer;
  guint64           buffer_bytes;
  float            *sinks;            /* one per thread */
  double           *wall_s, *cpu_s;   /* one per thread */
  guint             trials, disturbed_trials;
} Measure;

/* A chain of dependent register adds, one cycle each on every x86-64 and
 * ARM64 core: CLOCK_CHAIN * rounds cycles. The addend is a register, not
 * an immediate, which some cores fold away at rename. */
static guint64
clock_chain (guint64 rounds)
{
  guint64 x = 0, one = 1;

  __asm__ volatile ("" : "+r" (one));
  for (guint64 i = 0; i < rounds; i++)
    {
#if defined(__x86_64__)
      __asm__ volatile (".rept 64\n\taddq %1, %0\n\t.endr" : "+r" (x) : "r" (one));
#elif defined(__aarch64__)
      __asm__ volatile (".rept 64\n\tadd %0, %0, %1\n\t.endr" : "+r" (x) : "r" (one));
#else
#define ADD1 x += one; __asm__ volatile ("" : "+r" (x));
#define ADD8 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1
      ADD8 ADD8 ADD8 ADD8 ADD8 ADD8 ADD8 ADD8
#undef ADD8
#undef ADD1
#endif
    }
  return x;
}

G_STATIC_ASSERT (CLOCK_CHAIN == 64);

static double
now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The time the calling thread has run on a CPU. */
static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
work_on_worker (gpointer user_data,
                guint    worker,
                gsize    tile)
{
  Work *work = user_data;
  const double wall0 = now_seconds (), cpu0 = thread_cpu_seconds ();
  float result = 0.0f;

  switch (work->kind)
    {
    case WORK_PEAK:
      /* m just below 1 and a small c: every chain converges to c / (1 - m),
       * far from overflow and from denormals. */
      result = work->loops->peak (work->amount, 1.0f - 1.0f / (1 << 20), 1e-6f);
      break;
    case WORK_STREAM:
      result = work->loops->stream (work->buffer + worker * (work->region_bytes / sizeof (float)),
                                    work->array_bytes, work->amount);
      break;
    case WORK_CLOCK:
      result = (float) clock_chain (work->amount);
      break;
    case WORK_FILL:
      {
        /* Each worker writes (first-touches) its share, so the pages are
         * real (never the shared zero page) and near the worker. */
        const guint64 n = work->buffer_bytes / sizeof (float);
        const guint64 begin = n * worker / work->n_threads, end = n * (worker + 1) / work->n_threads;

        for (guint64 i = begin; i < end; i++)
          work->buffer[i] = 1.0f;
      }
      break;
    default:
      g_assert_not_reached ();
    }
  work->sinks[worker] = result;
  work->cpu_s[worker] = thread_cpu_seconds () - cpu0;
  work->wall_s[worker] = now_seconds () - wall0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  const double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* One trial of work->amount on every worker: its rate in units of work per
 * second (work_per_amount: what one unit of amount does on ONE thread),
 * and whether a worker lost its core for part of it. */
static double
run_trial (LscThreadPool *pool,
           Work          *work,
           double         work_per_amount,
           TimeBase       base,
           gboolean      *disturbed)
{
  const double t0 = now_seconds ();
  double wall, rate = 0.0;

  lsc_thread_pool_run_on_each (pool, work_on_worker, work);
  wall = now_seconds () - t0;

  *disturbed = FALSE;
  for (guint w = 0; w < work->n_threads; w++)
    {
      const double per_thread = work_per_amount * work->amount;

      if (work->cpu_s[w] < CLEAN_CPU_FRACTION * work->wall_s[w])
        *disturbed = TRUE;
      rate += base == TIME_CPU ? per_thread / MAX (work->cpu_s[w], 1e-9) : per_thread / wall;
    }
  return rate;
}

/* The longest CPU time a worker spent on the last trial. */
static double
slowest_cpu (Work *work)
{
  double t = 0.0;

  for (guint w = 0; w < work->n_threads; w++)
    t = MAX (t, work->cpu_s[w]);
  return t;
}

/* The median rate of N_TRIALS trials of about seconds / (N_TRIALS + 1.5)
 * each, after a calibration. */
static double
measure_rate (Measure       *m,
              LscThreadPool *pool,
              Work          *work,
              double         work_per_amount,
              TimeBase       base,
              double         seconds)
{
  const double trial = seconds / (N_TRIALS + 1.5);
  const double enough = MAX (trial / 4, MIN_CALIBRATION_SECONDS);
  double clean[2 * N_TRIALS], all[2 * N_TRIALS], t;
  guint n_clean = 0, n_all = 0;
  gboolean disturbed;

  /* Calibrated on the workers' CPU time, the loop's own cost: a worker
   * that starts late or loses its core would otherwise make a tiny amount
   * look long enough. */
  work->amount = 1;
  for (;;)
    {
      double grow;

      run_trial (pool, work, work_per_amount, base, &disturbed);
      t = slowest_cpu (work);
      if (t >= enough || work->amount >= G_GUINT64_CONSTANT (1) << 50)
        break;
      grow = t > 0.0 ? CLAMP (2.0 * enough / t, 2.0, 1024.0) : 1024.0;
      work->amount = (guint64) (work->amount * grow);
    }
  work->amount = MAX ((guint64) (work->amount * (trial / t)), 1);

  /* CPU-time rates are unaffected by a lost core: N_TRIALS is enough. */
  while (n_all < N_TRIALS || (base == TIME_WALL && n_clean < N_TRIALS && n_all < 2 * N_TRIALS))
    {
      const double rate = run_trial (pool, work, work_per_amount, base, &disturbed);

      all[n_all++] = rate;
      if (!disturbed)
        clean[n_clean++] = rate;
      m->trials++;
      m->disturbed_trials += disturbed;
    }
  g_debug ("probe: %u threads, amount %" G_GUINT64_FORMAT ": %u trials, %u clean",
           work->n_threads, work->amount, n_all, n_clean);
  if (base == TIME_WALL && n_clean >= (N_TRIALS + 1) / 2)
    {
      qsort (clean, n_clean, sizeof (double), compare_doubles);
      return clean[n_clean / 2];
    }
  qsort (all, n_all, sizeof (double), compare_doubles);
  return all[n_all / 2];
}

/* Reports progress, checks for cancellation, and returns this unit's share
 * of the time left. */
static gboolean
begin_unit (Measure     *m,
            double      *seconds,
            GError     **error,
            const char  *format,
            ...) G_GNUC_PRINTF (4, 5);

static gboolean
begin_unit (Measure     *m,
            double      *seconds,
            GError     **error,
            const char  *format,
            ...)
{
  const guint left = m->units_total - m->units_done;

  if (g_cancellable_is_cancelled (m->cancellable))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_CANCELLED, "the probe was cancelled");
      return FALSE;
    }
  if (m->progress != NULL)
    {
      g_autofree char *what = NULL;
      va_list ap;

      va_start (ap, format);
      what = g_strdup_vprintf (format, ap);
      va_end (ap);
      m->progress ((double) m->units_done / m->units_total, what, m->user_data);
    }
  *seconds = MAX ((m->deadline_us - g_get_monotonic_time ()) * 1e-6 / MAX (left, 1), 2e-3);
  m->units_done++;
  return TRUE;
}

static gboolean
measure_count (Measure   *m,
               LscProbe  *probe,
               guint      c,
               GError   **error)
{
  const guint n = probe->thread_counts[c];
  g_autoptr(LscThreadPool) pool = lsc_thread_pool_new (n, LSC_PIN_COMPACT, m->topology, error);
  const char *threads = n == 1 ? "thread" : "threads";
  /* Where each worker's data starts: the DRAM array, whose size is the
   * buffer's split n ways, holds every smaller level's. */
  const guint64 region = lsc_probe_array_bytes (probe->machine, LSC_MEM_DRAM, n);
  Work work = { .buffer = m->buffer, .buffer_bytes = m->buffer_bytes,
                .region_bytes = region, .n_threads = n, .sinks = m->sinks,
                .wall_s = m->wall_s, .cpu_s = m->cpu_s };
  double seconds;
  gboolean shared;

  if (pool == NULL)
    return FALSE;

  for (LscIsa isa = 0; isa < LSC_ISA_COUNT; isa++)
    {
      const LscProbeLoops *loops = lsc_probe_loops_for_isa (isa);

      if (!lsc_isa_is_supported (isa) || loops == NULL)
        continue;
      if (!begin_unit (m, &seconds, error, "peak %s, %u %s", lsc_isa_to_string (isa), n, threads))
        return FALSE;
      work.kind = WORK_PEAK;
      work.loops = loops;
      probe->peak_gflops[isa][c] =
        measure_rate (m, pool, &work, loops->flops_per_iteration, TIME_CPU, seconds) * 1e-9;
    }

  /* The clock right after the peak loops, on the same (first) core. */
  if (n == 1)
    {
      if (!begin_unit (m, &seconds, error, "core clock"))
        return FALSE;
      work.kind = WORK_CLOCK;
      probe->frequency_ghz = measure_rate (m, pool, &work, CLOCK_CHAIN, TIME_CPU, seconds) * 1e-9;
    }

  for (LscMemLevel level = 0; level < LSC_N_MEM_LEVELS; level++)
    {
      const guint64 bytes = MIN (lsc_probe_array_bytes (probe->machine, level, n), region);

      probe->array_bytes[level][c] = bytes;
      if (bytes == 0)
        continue;
      if (!begin_unit (m, &seconds, error, "%s bandwidth, %u %s",
                       lsc_mem_level_to_string (level), n, threads))
        return FALSE;
      work.kind = WORK_STREAM;
      work.loops = lsc_probe_loops_for_isa (probe->bandwidth_isa);
      work.array_bytes = bytes;
      /* A cache of each core's own adds up per thread; a shared one (and
       * DRAM) is what several threads get together in the same time. */
      shared = n > 1 && (level == LSC_MEM_DRAM || probe->machine->cache_cores[level] > 1);
      probe->bandwidth_gbs[level][c] =
        measure_rate (m, pool, &work, (double) bytes, shared ? TIME_WALL : TIME_CPU, seconds) * 1e-9;
    }
  return TRUE;
}

static guint
count_units (LscProbe *probe)
{
  guint n_isas = 0, units = 1;   /* the clock */

  for (LscIsa isa = 0; isa < LSC_ISA_COUNT; isa++)
    n_isas += lsc_isa_is_supported (isa) && lsc_probe_loops_for_isa (isa) != NULL;
  for (guint c = 0; c < probe->n_counts; c++)
    {
      units += n_isas;
      for (LscMemLevel level = 0; level < LSC_N_MEM_LEVELS; level++)
        units += lsc_probe_array_bytes (probe->machine, level, probe->thread_counts[c]) > 0;
    }
  return units;
}

/* Fills the buffer from a pool of every thread: untimed setup. */
static gboolean
fill_buffer (Measure  *m,
             guint     n_threads,
             GError  **error)
{
  g_autoptr(LscThreadPool) pool = lsc_thread_pool_new (n_threads, LSC_PIN_COMPACT, m->topology, error);
  Work work = { .kind = WORK_FILL, .buffer = m->buffer, .buffer_bytes = m->buffer_bytes,
                .n_threads = n_threads, .sinks = m->sinks, .wall_s = m->wall_s, .cpu_s = m->cpu_s };

  if (pool == NULL)
    return FALSE;
  lsc_thread_pool_run_on_each (pool, work_on_worker, &work);
  return TRUE;
}

static GDateTime *
now_utc_to_the_second (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_new_utc (g_date_time_get_year (now), g_date_time_get_month (now),
                              g_date_time_get_day_of_month (now), g_date_time_get_hour (now),
                              g_date_time_get_minute (now), g_date_time_get_second (now));
}

LscProbe *
_lsc_probe_measure (hwloc_topology_t   topology,
                    guint              max_threads,
                    double             seconds,
                    LscProbeProgress   progress,
                    gpointer           user_data,
                    GCancellable      *cancellable,
                    GError           **error)
{
  const gint64 start_us = g_get_monotonic_time ();
  g_autoptr(LscProbe) probe = NULL;
  LscMachine *machine;
  guint counts[LSC_PROBE_MAX_COUNTS], n_counts;
  Measure m = {
    .topology = topology, .progress = progress, .user_data = user_data,
    .cancellable = cancellable, .deadline_us = start_us + (gint64) (seconds * 1e6),
  };
  gboolean ok = TRUE;

  g_return_val_if_fail (max_threads >= 1, NULL);

  if ((machine = lsc_machine_new_from_topology (topology, error)) == NULL)
    return NULL;
  n_counts = lsc_probe_plan_thread_counts (max_threads, counts);
  probe = _lsc_probe_new (machine, counts, n_counts);
  probe->measured_at = now_utc_to_the_second ();
  probe->bandwidth_isa = lsc_isa_detect ();
  while (lsc_probe_loops_for_isa (probe->bandwidth_isa) == NULL)
    probe->bandwidth_isa--;

  m.units_total = count_units (probe);
  m.buffer_bytes = lsc_probe_array_bytes (machine, LSC_MEM_DRAM, 1);
  m.buffer = g_aligned_alloc ((m.buffer_bytes + 4095) / 4096, 4096, 4096);
  m.sinks = g_new0 (float, max_threads);
  m.wall_s = g_new0 (double, max_threads);
  m.cpu_s = g_new0 (double, max_threads);
  if (progress != NULL)
    progress (0.0, "filling the arrays", user_data);
  ok = fill_buffer (&m, max_threads, error);

  for (guint c = 0; ok && c < n_counts; c++)
    ok = measure_count (&m, probe, c, error);

  g_aligned_free (m.buffer);
  g_free (m.sinks);
  g_free (m.wall_s);
  g_free (m.cpu_s);
  if (!ok)
    return NULL;
  if (progress != NULL)
    progress (1.0, "done", user_data);
  probe->seconds = (g_get_monotonic_time () - start_us) * 1e-6;
  probe->trials = m.trials;
  probe->disturbed_trials = m.disturbed_trials;
  return g_steal_pointer (&probe);
}
