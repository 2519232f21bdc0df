/* One instruction set's probe loops. Compiled once per set with
 * LSC_PROBE_ISA (the name), LSC_PROBE_VECTOR_BYTES (the register width)
 * and LSC_PROBE_N_CHAINS (independent accumulators: at least the FP pipes
 * times the multiply-add latency, and no more than the registers hold),
 * and only that set's -m flags, so the compiler emits exactly its
 * instructions. GCC vector extensions keep one source for all widths. */

#include "probe/lsc-probe-loops.h"

#if !defined(LSC_PROBE_ISA) || !defined(LSC_PROBE_VECTOR_BYTES) || !defined(LSC_PROBE_N_CHAINS)
#error "compile with -DLSC_PROBE_ISA=name -DLSC_PROBE_VECTOR_BYTES=n -DLSC_PROBE_N_CHAINS=n"
#endif

#define LANES (LSC_PROBE_VECTOR_BYTES / 4)

#if LANES == 1
typedef float Vec;
#else
typedef float Vec __attribute__ ((vector_size (LSC_PROBE_VECTOR_BYTES)));
#endif

#define PASTE_(a, b) a##b
#define PASTE(a, b) PASTE_ (a, b)
#define NAME(what) PASTE (PASTE (probe_, what), PASTE (_, LSC_PROBE_ISA))

/* Load streams: enough sums that the adds never wait on each other
 * (latency times add pipes), so only the loads limit. */
#define N_STREAM_SUMS 8

static float
horizontal_sum (Vec v)
{
#if LANES == 1
  return v;
#else
  float s = 0.0f;

  for (int i = 0; i < LANES; i++)
    s += v[i];
  return s;
#endif
}

static float
NAME (peak) (guint64 iterations,
             float   m,
             float   c)
{
  const Vec vm = (Vec) { 0 } + m;
  const Vec vc = (Vec) { 0 } + c;
  Vec acc[LSC_PROBE_N_CHAINS];
  float total = 0.0f;

  for (int k = 0; k < LSC_PROBE_N_CHAINS; k++)
    acc[k] = (Vec) { 0 } + (1.0f + k * 0.125f);

  /* Fully unrolled by the compiler (a constant trip count): the chains
   * live in registers and each round is N independent multiply-adds. */
  for (guint64 i = 0; i < iterations; i++)
    for (int k = 0; k < LSC_PROBE_N_CHAINS; k++)
      acc[k] = acc[k] * vm + vc;

  for (int k = 0; k < LSC_PROBE_N_CHAINS; k++)
    total += horizontal_sum (acc[k]);
  return total;
}

static float
NAME (stream) (const float *data,
               gsize        n_bytes,
               guint64      passes)
{
  const Vec *v = (const Vec *) __builtin_assume_aligned (data, 64);
  const gsize n = n_bytes / sizeof (Vec);
  Vec sum[N_STREAM_SUMS];
  float total = 0.0f;

  for (int k = 0; k < N_STREAM_SUMS; k++)
    sum[k] = (Vec) { 0 };

  for (guint64 p = 0; p < passes; p++)
    for (gsize i = 0; i + N_STREAM_SUMS <= n; i += N_STREAM_SUMS)
      for (int k = 0; k < N_STREAM_SUMS; k++)
        sum[k] += v[i + k];

  for (int k = 0; k < N_STREAM_SUMS; k++)
    total += horizontal_sum (sum[k]);
  return total;
}

const LscProbeLoops PASTE (lsc_probe_loops_, LSC_PROBE_ISA) = {
  .peak = NAME (peak),
  .flops_per_iteration = 2.0 * LANES * LSC_PROBE_N_CHAINS,
  .stream = NAME (stream),
};
