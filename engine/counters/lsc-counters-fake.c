/* The fake backend: counts that follow the thread's CPU time at fixed
 * rates, so that tests (and demonstrations on machines without a PMU) can
 * check that what the profiler attributes to a region is proportional to the
 * CPU time spent in it. */

#include "counters/lsc-counters-private.h"

#include <pthread.h>
#include <time.h>

/* counts = ns * num / den (integers, so reads are exact and monotonic). */
static const struct
{
  guint64 num, den;
} rates[LSC_N_COUNTERS] = {
  [LSC_COUNTER_CYCLES] = { 3, 1 },
  [LSC_COUNTER_INSTRUCTIONS] = { 6, 1 },
  [LSC_COUNTER_L1D_MISSES] = { 1, 50 },
  [LSC_COUNTER_L2_MISSES] = { 1, 200 },
  [LSC_COUNTER_LLC_MISSES] = { 1, 1000 },
  [LSC_COUNTER_DTLB_MISSES] = { 1, 2000 },
};

double
lsc_counter_fake_rate (LscCounter c)
{
  g_return_val_if_fail ((guint) c < LSC_N_COUNTERS, 0.0);
  return (double) rates[c].num / (double) rates[c].den;
}

typedef struct
{
  LscCounterThread parent;
  /* The opener's CPU clock, so that a read from another thread still
   * measures the opener, as a perf_event fd would. */
  clockid_t clock;
  guint64 start_ns;
} FakeThread;

static guint64
clock_ns (clockid_t clock)
{
  struct timespec ts;

  if (clock_gettime (clock, &ts) != 0)
    return 0;
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

static void
fake_read (LscCounterThread *t,
           guint64           values[LSC_N_COUNTERS])
{
  FakeThread *self = (FakeThread *) t;
  guint64 now = clock_ns (self->clock);
  guint64 ns = now > self->start_ns ? now - self->start_ns : 0;

  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    values[c] = ns * rates[c].num / rates[c].den;
}

static void
fake_close (LscCounterThread *t)
{
  g_free (t);
}

static LscCounterThread *
fake_open_thread (LscCounterBackend  *b,
                  GError            **error)
{
  FakeThread *self = g_new0 (FakeThread, 1);

  self->parent.read = fake_read;
  self->parent.close = fake_close;
  if (pthread_getcpuclockid (pthread_self (), &self->clock) != 0)
    self->clock = CLOCK_THREAD_CPUTIME_ID;
  self->start_ns = clock_ns (self->clock);
  return &self->parent;
}

static const LscCounterBackendClass fake_class = { fake_open_thread, NULL };

LscCounterBackend *
lsc_counter_backend_new_fake (void)
{
  LscCounterBackend *b = _lsc_counter_backend_alloc (&fake_class, "fake");

  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    {
      if (rates[c].den == 1)
        b->events[c] = g_strdup_printf ("fake: %" G_GUINT64_FORMAT " per ns of thread CPU time",
                                        rates[c].num);
      else
        b->events[c] = g_strdup_printf ("fake: 1 per %" G_GUINT64_FORMAT " ns of thread CPU time",
                                        rates[c].den);
    }
  b->mask = LSC_COUNTER_MASK_ALL;
  b->note = g_strdup ("(LSC_COUNTERS=fake: values computed from thread CPU time, not measured)");
  _lsc_counter_backend_finish (b, NULL);
  return b;
}
