#pragma once

/* The profiler's clock: the time-stamp counter where it ticks at a constant
 * rate in every power state (invariant TSC), calibrated against
 * CLOCK_MONOTONIC; CLOCK_MONOTONIC itself elsewhere. Reading the TSC costs
 * about 10 ns and no system call, which keeps a timestamp per layer and
 * worker cheap enough to leave on. */

#include <glib.h>
#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

G_BEGIN_DECLS

typedef enum
{
  LSC_CLOCK_TSC,
  LSC_CLOCK_MONOTONIC,
} LscClockSource;

typedef struct
{
  LscClockSource source;
  double         ns_per_tick;     /* 1 for CLOCK_MONOTONIC */
  double         resolution_ns;   /* the smallest step the clock can show */
  /* Ticks and CLOCK_MONOTONIC ns at calibration, to turn ticks into
   * monotonic time (the CPU monitor's time base). */
  uint64_t       base_ticks;
  gint64         base_ns;
  char           why[96];         /* why this source: "invariant TSC, 2.4 GHz" */
} LscClock;

/* Picks and calibrates the source (about 20 ms for the TSC). LSC_CLOCK=
 * monotonic forces the fallback (and lets tests cover it). */
void        lsc_clock_init            (LscClock       *clock);
/* Like lsc_clock_init with the source chosen by the caller; TSC falls back
 * to CLOCK_MONOTONIC where it is not invariant. */
void        lsc_clock_init_source     (LscClock       *clock,
                                       LscClockSource  source);
const char *lsc_clock_source_to_string (LscClockSource source);   /* "tsc", "monotonic" */

/* Whether this CPU has an invariant TSC (cpuid 0x80000007 EDX bit 8). */
gboolean    lsc_clock_tsc_is_invariant (void);

static inline gint64
lsc_clock_monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* A raw timestamp: one predictable branch, then rdtsc or clock_gettime. */
static inline uint64_t
lsc_clock_read (const LscClock *clock)
{
#if defined(__x86_64__) || defined(__i386__)
  if (G_LIKELY (clock->source == LSC_CLOCK_TSC))
    return __rdtsc ();
#endif
  return (uint64_t) lsc_clock_monotonic_ns ();
}

/* Ticks to nanoseconds (a duration). */
static inline double
lsc_clock_ticks_to_ns (const LscClock *clock,
                       int64_t         ticks)
{
  return (double) ticks * clock->ns_per_tick;
}

/* A timestamp as CLOCK_MONOTONIC nanoseconds. */
static inline double
lsc_clock_to_monotonic_ns (const LscClock *clock,
                           uint64_t        ticks)
{
  return (double) clock->base_ns + (double) (int64_t) (ticks - clock->base_ticks) * clock->ns_per_tick;
}

G_END_DECLS
