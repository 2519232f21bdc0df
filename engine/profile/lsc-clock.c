#include "profile/lsc-clock.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

const char *
lsc_clock_source_to_string (LscClockSource source)
{
  return source == LSC_CLOCK_TSC ? "tsc" : "monotonic";
}

gboolean
lsc_clock_tsc_is_invariant (void)
{
#if defined(__x86_64__) || defined(__i386__)
  unsigned int eax, ebx, ecx, edx;

  if (__get_cpuid_max (0x80000000, NULL) < 0x80000007)
    return FALSE;
  __cpuid (0x80000007, eax, ebx, ecx, edx);
  return (edx & (1u << 8)) != 0;
#else
  return FALSE;
#endif
}

static void
init_monotonic (LscClock   *clock,
                const char *why)
{
  struct timespec res;

  clock->source = LSC_CLOCK_MONOTONIC;
  clock->ns_per_tick = 1.0;
  clock_getres (CLOCK_MONOTONIC, &res);
  clock->resolution_ns = MAX ((double) res.tv_sec * 1e9 + (double) res.tv_nsec, 1.0);
  clock->base_ns = lsc_clock_monotonic_ns ();
  clock->base_ticks = (uint64_t) clock->base_ns;
  g_snprintf (clock->why, sizeof clock->why, "%s", why);
}

#if defined(__x86_64__) || defined(__i386__)
/* One pair (ticks, ns) read as close together as possible: the pair whose
 * clock_gettime took least out of a few tries. */
static void
read_pair (uint64_t *ticks,
           gint64   *ns)
{
  uint64_t best = G_MAXUINT64;

  for (int i = 0; i < 5; i++)
    {
      uint64_t t0 = __rdtsc ();
      gint64 n = lsc_clock_monotonic_ns ();
      uint64_t t1 = __rdtsc ();

      if (t1 - t0 < best)
        {
          best = t1 - t0;
          *ticks = t0 + (t1 - t0) / 2;
          *ns = n;
        }
    }
}
#endif

void
lsc_clock_init_source (LscClock       *clock,
                       LscClockSource  source)
{
  memset (clock, 0, sizeof *clock);
#if defined(__x86_64__) || defined(__i386__)
  if (source == LSC_CLOCK_TSC && lsc_clock_tsc_is_invariant ())
    {
      uint64_t t0, t1;
      gint64 n0, n1;

      /* Two 10 ms spans; a preemption inside one stretches both clocks
       * alike, so the rate stays right. */
      read_pair (&t0, &n0);
      g_usleep (20000);
      read_pair (&t1, &n1);
      if (t1 > t0 && n1 > n0)
        {
          clock->source = LSC_CLOCK_TSC;
          clock->ns_per_tick = (double) (n1 - n0) / (double) (t1 - t0);
          clock->resolution_ns = clock->ns_per_tick;
          clock->base_ticks = t1;
          clock->base_ns = n1;
          g_snprintf (clock->why, sizeof clock->why,
                      "invariant TSC at %.3f GHz, calibrated against CLOCK_MONOTONIC",
                      1.0 / clock->ns_per_tick);
          return;
        }
    }
  init_monotonic (clock, source == LSC_CLOCK_TSC ? "the TSC is not invariant on this CPU"
                                                 : "chosen (LSC_CLOCK=monotonic)");
#else
  init_monotonic (clock, "no TSC on this architecture");
#endif
}

void
lsc_clock_init (LscClock *clock)
{
  const char *env = g_getenv ("LSC_CLOCK");

  lsc_clock_init_source (clock, g_strcmp0 (env, "monotonic") == 0 ? LSC_CLOCK_MONOTONIC : LSC_CLOCK_TSC);
}
